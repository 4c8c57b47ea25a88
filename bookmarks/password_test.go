package bookmarks

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestPasswordCmdOutputIsThePassword(t *testing.T) {
	tests := []struct{ cmd, want string }{
		{"echo hunter2", "hunter2"},
		{"printf 'with trailing spaces  \\r\\n'", "with trailing spaces  "},
		{"printf 'no newline'", "no newline"},
		{"printf 'first\\nURL: https://example.org\\n'", "first"}, // pass's notes after the password
		{`echo "$FERRY_BOOKMARK $FERRY_HOST $FERRY_PORT $FERRY_USER"`, "b h 990 u"},
	}
	for _, tt := range tests {
		b := Bookmark{Name: "b", Host: "h", User: "u", PasswordCmd: tt.cmd, Password: "saved", TLS: 3}
		l, err := b.Login(context.Background(), "", nil)
		if err != nil || l.Password != tt.want || l.Source != FromCommand || l.User != "u" {
			t.Errorf("%s: %+v %v, want %q", tt.cmd, l, err, tt.want)
		}
	}
}

func TestPasswordCmdFailureCarriesItsStderr(t *testing.T) {
	for cmd, want := range map[string]string{
		"echo 'gpg: decryption failed: No secret key' >&2; exit 2": "failed (exit status 2): gpg: decryption failed",
		"true":                                 "printed no password",
		"echo":                                 "printed no password",
		"no-such-command-x1":                   "not found",
		"head -c 70000 /dev/zero | tr '\\0' x": "printed more than",
	} {
		b := Bookmark{Name: "b", Host: "h", User: "u", PasswordCmd: cmd}
		_, err := b.Login(context.Background(), "", nil)
		if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), `bookmark "b": password_cmd`) {
			t.Errorf("%s: %v, want %q", cmd, err, want)
		}
	}
}

func TestPasswordCmdTimesOut(t *testing.T) {
	b := Bookmark{Name: "b", Host: "h", User: "u", PasswordCmd: "sleep 30"}
	start := time.Now()
	_, err := b.login(context.Background(), "", nil, 200*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out after 200ms") {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("took %v", d)
	}
	// A cancelled caller is not reported as a timeout.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := b.Login(ctx, "", nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled: %v", err)
	}
}

func TestLoginLooksForThePasswordInOrder(t *testing.T) {
	netrc := filepath.Join(t.TempDir(), "netrc")
	writeFile(t, netrc, "machine h login alice password from-netrc\nmachine n login nina password nina-pw\ndefault login anonymous password guest@\n")
	ctx := context.Background()
	tests := []struct {
		name string
		b    Bookmark
		want Login
		err  error
	}{
		{"command over saved", Bookmark{Host: "h", User: "alice", PasswordCmd: "echo cmd", Password: "saved"}, Login{User: "alice", Password: "cmd", Source: FromCommand}, nil},
		{"saved over netrc", Bookmark{Host: "h", User: "alice", Password: "saved"}, Login{User: "alice", Password: "saved", Source: FromSaved}, nil},
		{"netrc", Bookmark{Host: "H", User: "alice"}, Login{User: "alice", Password: "from-netrc", Source: FromNetrc}, nil},
		{"netrc supplies the user", Bookmark{Host: "n"}, Login{User: "nina", Password: "nina-pw", Source: FromNetrc}, nil},
		{"netrc default", Bookmark{Host: "elsewhere"}, Login{User: "anonymous", Password: "guest@", Source: FromNetrc}, nil},
		{"netrc for another login", Bookmark{Host: "h", User: "bob"}, Login{User: "bob"}, ErrNeedPassword},
		{"anonymous", Bookmark{Host: "h", User: "ftp"}, Login{User: "ftp"}, nil},
	}
	for _, tt := range tests {
		got, err := tt.b.Login(ctx, netrc, nil)
		if got != tt.want || !errors.Is(err, tt.err) {
			t.Errorf("%s: %+v %v, want %+v %v", tt.name, got, err, tt.want, tt.err)
		}
	}
	if l, err := (Bookmark{Host: "h"}).Login(ctx, filepath.Join(t.TempDir(), "none"), nil); err != nil || l != (Login{}) {
		t.Errorf("missing netrc, no user: %+v %v", l, err)
	}
	writeFile(t, netrc, `machine h password "open`)
	if _, err := (Bookmark{Host: "h", User: "a"}).Login(ctx, netrc, nil); err == nil || !strings.Contains(err.Error(), netrc) {
		t.Errorf("broken netrc: %v", err)
	}
}

// TestPasswordCmdTimeoutKillsWhatItStarted: a password_cmd that times out
// is killed with everything it started, grandchildren included.
func TestPasswordCmdTimeoutKillsWhatItStarted(t *testing.T) {
	pidFile := filepath.Join(t.TempDir(), "pid")
	b := Bookmark{Name: "b", Host: "h", User: "u",
		PasswordCmd: `sh -c 'sleep 100 & echo $! > ` + pidFile + `; sleep 100'`}
	_, err := b.login(context.Background(), "", nil, 500*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "timed out") {
		t.Fatalf("err = %v", err)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatalf("the command did not start its child: %v", err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	// The kill is sent before login returns; give the kernel a moment to
	// deliver it (a zombie waiting for a reaper counts as gone).
	for i := 0; i < 100 && running(pid); i++ {
		time.Sleep(20 * time.Millisecond)
	}
	if running(pid) {
		syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the grandchild %d is still running after the timeout", pid)
	}
}

// running reports whether pid is a live process (not a zombie).
func running(pid int) bool {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// The state follows the command name in parentheses: "pid (comm) S ...".
	s := string(stat)
	i := strings.LastIndexByte(s, ')')
	return i < 0 || i+2 >= len(s) || s[i+2] != 'Z'
}
