// Package secretstest starts a real Secret Service for tests: a private
// D-Bus session bus (dbus-run-session) running gnome-keyring-daemon with a
// fresh, unlocked login keyring in a temporary home. It points this test
// process's DBUS_SESSION_BUS_ADDRESS at it, so github.com/zalando/go-keyring
// (and package secrets) talk to it and never to the user's own keyring.
//
// One service is started per test process and lives until the process
// ends: the D-Bus library keeps its session connection for the whole
// process, so a second bus could never be reached. Tests keep apart by
// using a service name of their own (Keyring). The daemon and bus come
// from scripts/install-servers (gnome-keyring, dbus); when they are
// missing the test is skipped, or failed when CI=true.
package secretstest

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"ferry/secrets"
)

var (
	once     sync.Once
	startErr error
)

// Keyring makes sure the test process has its Secret Service and returns
// a keyring under a service name no other test uses.
func Keyring(t testing.TB) *secrets.Keyring {
	t.Helper()
	once.Do(func() { startErr = start() })
	if startErr != nil {
		var u *unavailableError
		if errors.As(startErr, &u) && os.Getenv("CI") != "true" {
			t.Skipf("secretstest: %v (scripts/install-servers installs gnome-keyring and dbus)", startErr)
		}
		t.Fatalf("secretstest: %v", startErr)
	}
	b := make([]byte, 4)
	rand.Read(b)
	k := secrets.New().WithService(fmt.Sprintf("ferry-test-%d-%s", os.Getpid(), hex.EncodeToString(b)))
	return k
}

type unavailableError struct{ msg string }

func (e *unavailableError) Error() string { return e.msg }

// script runs inside dbus-run-session: it prints the bus address, then
// starts the daemon with the keyring password on its standard input (an
// asynchronous command's stdin would be /dev/null without the fd 3 dance).
// A watchdog ends the whole process group (the bus, the daemon and the
// helper it forks) and removes the temporary home once the test process
// is gone: no test process hook runs at exit, and the kernel's parent
// death signal reaches dbus-run-session alone.
const script = `echo "$DBUS_SESSION_BUS_ADDRESS"
exec 3<&0
gnome-keyring-daemon --foreground --unlock --components=secrets <&3 >/dev/null 2>&1 &
exec 3<&-
while kill -0 "$FERRY_TEST_PID" 2>/dev/null; do sleep 1; done
rm -rf "$FERRY_TEST_DIR"
kill -KILL 0`

func start() error {
	for _, bin := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
		if _, err := exec.LookPath(bin); err != nil {
			return &unavailableError{bin + " is not installed"}
		}
	}
	dir, err := os.MkdirTemp("", "ferry-secretstest-")
	if err != nil {
		return err
	}
	run := filepath.Join(dir, "run")
	if err := os.Mkdir(run, 0o700); err != nil {
		return err
	}
	cmd := exec.Command("dbus-run-session", "--", "sh", "-c", script)
	cmd.Env = append(os.Environ(), "HOME="+dir, "XDG_DATA_HOME="+filepath.Join(dir, "data"),
		"XDG_RUNTIME_DIR="+run, "XDG_CONFIG_HOME="+filepath.Join(dir, "config"),
		"FERRY_TEST_PID="+strconv.Itoa(os.Getpid()), "FERRY_TEST_DIR="+dir)
	cmd.Stdin = strings.NewReader("ferry-test-keyring-password")
	cmd.Stderr = nil
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return &unavailableError{err.Error()}
	}
	go cmd.Wait()
	line := make(chan string, 1)
	go func() {
		s, _ := bufio.NewReader(out).ReadString('\n')
		line <- strings.TrimSpace(s)
	}()
	var addr string
	select {
	case addr = <-line:
	case <-time.After(10 * time.Second):
		return errors.New("dbus-run-session printed no bus address within 10s")
	}
	if addr == "" {
		return errors.New("dbus-run-session printed no bus address")
	}
	// The daemon takes a moment to claim org.freedesktop.secrets. Until
	// it has, a keyring call would make the bus start another daemon of
	// its own (D-Bus activation), one with a locked keyring: so wait,
	// asking the bus without activating anything.
	if err := waitForOwner(addr, "org.freedesktop.secrets", 15*time.Second); err != nil {
		return err
	}
	os.Setenv("DBUS_SESSION_BUS_ADDRESS", addr)
	// Then wait until a lookup answers "not found" rather than
	// "unavailable": the login keyring is created and unlocked.
	k := secrets.New().WithService("ferry-secretstest-probe").WithTimeout(2 * time.Second)
	deadline := time.Now().Add(15 * time.Second)
	for {
		_, err := k.Get("probe")
		if errors.Is(err, secrets.ErrNotFound) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gnome-keyring-daemon did not answer: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// waitForOwner polls the bus at addr, on a connection of its own, until
// name has an owner. NameHasOwner never starts a service.
func waitForOwner(addr, name string, within time.Duration) error {
	conn, err := dbus.Connect(addr)
	if err != nil {
		return fmt.Errorf("connecting to the test bus: %v", err)
	}
	defer conn.Close()
	deadline := time.Now().Add(within)
	for {
		var has bool
		err := conn.BusObject().Call("org.freedesktop.DBus.NameHasOwner", 0, name).Store(&has)
		if err == nil && has {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("gnome-keyring-daemon did not claim %s within %v (%v)", name, within, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
