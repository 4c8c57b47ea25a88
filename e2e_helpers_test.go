package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// lookTmux returns tmux's path. In CI a missing tmux fails the test;
// elsewhere it skips (scripts/install-servers installs it).
func lookTmux(t *testing.T) string {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("tmux is required in CI (scripts/install-servers installs it)")
		}
		t.Skip("tmux not installed (outside CI this skips; scripts/install-servers installs it)")
	}
	return tmux
}

// buildFerry builds the binary into dir and returns its path.
func buildFerry(t *testing.T, dir string) string {
	t.Helper()
	bin := filepath.Join(dir, "ferry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	return bin
}

// tmuxServer returns a function that runs a tmux command on a tmux server
// of the test's own (its socket named after prefix and the process), which
// is killed when the test ends.
func tmuxServer(t *testing.T, tmux, prefix string) func(args ...string) string {
	t.Helper()
	socket := fmt.Sprintf("%s-%d", prefix, os.Getpid())
	t.Cleanup(func() { exec.Command(tmux, "-L", socket, "kill-server").Run() })
	return func(args ...string) string {
		t.Helper()
		out, err := exec.Command(tmux, append([]string{"-L", socket}, args...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("tmux %q: %v\n%s", args, err, out)
		}
		return string(out)
	}
}
