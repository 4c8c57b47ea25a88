package secrets

import (
	"errors"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// hanging never answers, as a keyring waiting on a prompt nobody sees.
type hanging struct{ release chan struct{} }

func (h hanging) Set(string, string, string) error   { <-h.release; return nil }
func (h hanging) Get(string, string) (string, error) { <-h.release; return "", nil }
func (h hanging) Delete(string, string) error        { <-h.release; return nil }

type failing struct{ err error }

func (f failing) Set(string, string, string) error   { return f.err }
func (f failing) Get(string, string) (string, error) { return "", f.err }
func (f failing) Delete(string, string) error        { return f.err }

func TestAKeyringThatDoesNotAnswerIsUnavailableNotAHang(t *testing.T) {
	h := hanging{release: make(chan struct{})}
	defer close(h.release)
	k := &Keyring{service: Service, timeout: 50 * time.Millisecond, backend: h}
	for name, call := range map[string]func() error{
		"get":    func() error { _, err := k.Get("a"); return err },
		"set":    func() error { return k.Set("a", "p") },
		"delete": func() error { return k.Delete("a") },
	} {
		if err := call(); !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 50ms") {
			t.Errorf("%s on a hanging keyring = %v, want ErrUnavailable after the timeout", name, err)
		}
	}
}

func TestLibraryErrorsBecomeUnavailableWithTheReason(t *testing.T) {
	k := &Keyring{service: Service, timeout: time.Second, backend: failing{errors.New("The name org.freedesktop.secrets was not provided by any .service files")}}
	_, err := k.Get("a")
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "org.freedesktop.secrets") {
		t.Fatalf("Get = %v, want ErrUnavailable naming the cause", err)
	}
}

// TestHeadlessMachineGetsUnavailableAtOnce runs the real library in a
// child process whose session bus does not exist, as on a server reached
// over ssh: the answer is ErrUnavailable, quickly, not a hang.
func TestHeadlessMachineGetsUnavailableAtOnce(t *testing.T) {
	if os.Getenv("FERRY_SECRETS_HEADLESS_CHILD") == "1" {
		_, err := New().Get("alice@example.org:21")
		if !errors.Is(err, ErrUnavailable) {
			t.Fatalf("Get without a session bus = %v, want ErrUnavailable", err)
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHeadlessMachineGetsUnavailableAtOnce$", "-test.v")
	cmd.Env = append(os.Environ(), "FERRY_SECRETS_HEADLESS_CHILD=1",
		"DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/ferry-no-bus", "PATH=/nonexistent")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
	if d := time.Since(start); d > DefaultTimeout {
		t.Fatalf("the child took %v: a missing keyring must not be waited on", d)
	}
}
