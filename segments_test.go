package main

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// TestSegmentedGetResumesAfterAKill runs `ferry get --segments 4` as a
// process against vsftpd (explicit TLS) behind the delay proxy, kills it
// with SIGKILL once the partial's record shows ranges under way, and runs
// it again: the second run continues the ranges (REST past their starts)
// and the file's SHA-256 equals the server's.
func TestSegmentedGetResumesAfterAKill(t *testing.T) {
	state := stateHome(t)
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	proxy := ftptest.StartDelayProxy(t, s, 40*time.Millisecond) // slow enough to stop midway
	data := make([]byte, 48<<20)
	rand.Read(data)
	s.WriteFile(t, "big.bin", data)
	bin := filepath.Join(t.TempDir(), "ferry")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	dst := filepath.Join(t.TempDir(), "big.bin")
	url := fmt.Sprintf("ftpes://%s@%s/big.bin", s.User, proxy.Addr)
	cmd := func() *exec.Cmd {
		c := exec.Command(bin, "get", "--debug", "--segments", "4", "--ca", s.CAFile, url, dst)
		c.Env = append(os.Environ(), "FERRY_PASSWORD="+s.Password, "XDG_STATE_HOME="+state)
		return c
	}

	first := cmd()
	if err := first.Start(); err != nil {
		t.Fatal(err)
	}
	partials := filepath.Join(state, "ferry", "partials")
	var moved []int64 // each range's position when killed, as recorded
	for deadline := time.Now().Add(60 * time.Second); moved == nil; time.Sleep(2 * time.Millisecond) {
		if time.Now().After(deadline) {
			first.Process.Kill()
			t.Fatal("no range progress was recorded within a minute")
		}
		moved = recordedProgress(partials)
	}
	first.Process.Signal(syscall.SIGKILL)
	first.Wait()
	if now := recordedProgress(partials); now != nil {
		moved = now // what the record said when the process died
	}
	if _, err := os.Stat(dst); err == nil {
		t.Fatal("the file was complete before the kill: nothing to resume")
	}

	second := cmd()
	out, err := second.CombinedOutput()
	if err != nil {
		t.Fatalf("the second run failed: %v\n%s", err, lastLines(string(out), 20))
	}
	got, err := os.ReadFile(dst)
	if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatalf("SHA-256 of the resumed file differs from the server's (%d bytes, %v)", len(got), err)
	}
	rests := map[int64]bool{}
	for _, m := range regexp.MustCompile(`> REST (\d+)`).FindAllStringSubmatch(string(out), -1) {
		n, _ := strconv.ParseInt(m[1], 10, 64)
		rests[n] = true
	}
	for _, pos := range moved {
		if !rests[pos] {
			t.Errorf("a range recorded at %d was not resumed there; the second run sent REST %v", pos, rests)
		}
	}
}

// recordedProgress returns the positions of the ranges that a partial
// record in dir shows as started, or nil when there are none yet.
func recordedProgress(dir string) []int64 {
	files, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		var rec struct {
			Ranges []struct{ Start, End, Done int64 } `json:"ranges"`
		}
		if json.Unmarshal(b, &rec) != nil {
			continue // being written
		}
		var pos []int64
		for _, r := range rec.Ranges {
			if r.Done > 0 && r.Start+r.Done < r.End {
				pos = append(pos, r.Start+r.Done)
			}
		}
		if len(pos) > 0 {
			return pos
		}
	}
	return nil
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(len(lines)-n, 0):], "\n")
}
