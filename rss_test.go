package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestTUIMemoryWith100kEntryFolder measures the resident memory of the
// built binary in tmux with a server folder of 100,000 files open. It is a
// measurement, run on request: FERRY_MEASURE_RSS=1 go test -run
// TestTUIMemoryWith100kEntryFolder -v . (it logs VmRSS and VmHWM).
func TestTUIMemoryWith100kEntryFolder(t *testing.T) {
	if os.Getenv("FERRY_MEASURE_RSS") == "" {
		t.Skip("a measurement: set FERRY_MEASURE_RSS=1 to run it")
	}
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Fatal("tmux is required")
	}
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "big/seed", nil)
	dir := s.Path("big")
	for i := range 100_000 {
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("file-%06d.dat", i)), nil, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(dir, "seed"))
	work := t.TempDir()
	bin := filepath.Join(work, "ferry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	tm := tmuxServer(t, tmux, "ferry-rss")
	script := fmt.Sprintf("cd %q && exec env XDG_CONFIG_HOME=%q XDG_STATE_HOME=%q FERRY_PASSWORD=%q TERM=xterm-256color %q --ca %q ftpes://%s@%s/big",
		work, filepath.Join(work, "config"), filepath.Join(work, "state"), s.Password, bin, s.CAFile, s.User, s.Addr)
	tm("new-session", "-d", "-s", "rss", "-x", "120", "-y", "35", script)
	deadline := time.Now().Add(60 * time.Second)
	for !strings.Contains(tm("capture-pane", "-p", "-t", "rss"), "/100001") {
		if time.Now().After(deadline) {
			t.Fatalf("the folder never showed:\n%s", tm("capture-pane", "-p", "-t", "rss"))
		}
		time.Sleep(200 * time.Millisecond)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(tm("display-message", "-p", "-t", "rss", "#{pane_pid}")))
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // let the collector settle after the listing
	tm("send-keys", "-t", "rss", "End")
	time.Sleep(time.Second)
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS") || strings.HasPrefix(line, "VmHWM") {
			t.Log(strings.Join(strings.Fields(line), " "))
		}
	}
}
