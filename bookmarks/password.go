package bookmarks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Source says where a login's password came from.
type Source int

const (
	Anonymous   Source = iota // no password is needed
	FromCommand               // the bookmark's password_cmd
	FromSaved                 // the password saved in the bookmark
	FromNetrc                 // ~/.netrc (or $NETRC)
	FromKeyring               // the OS keyring entry the bookmark names
)

func (s Source) String() string {
	switch s {
	case Anonymous:
		return "anonymous"
	case FromCommand:
		return "password_cmd"
	case FromSaved:
		return "saved password"
	case FromNetrc:
		return ".netrc"
	case FromKeyring:
		return "OS keyring"
	}
	return fmt.Sprintf("Source(%d)", int(s))
}

// Login is what to log in with.
type Login struct {
	User     string // empty: anonymous
	Password string
	Source   Source
	// Note says why a source the bookmark names could not be used (the
	// OS keyring on a headless machine); the login came from the next
	// one. Show it as a warning.
	Note string
}

// ErrNeedPassword means no source had a password: the caller asks the
// user (and may offer to save the answer in the bookmark).
var ErrNeedPassword = errors.New("no password: set password_cmd, save one, or add it to ~/.netrc")

// PasswordCmdTimeout bounds a password_cmd; it may wait for the user to
// unlock a key (pass asks gpg-agent), so it is generous.
const PasswordCmdTimeout = time.Minute

// Login finds the bookmark's password: password_cmd, else the saved
// password, else the keyring entry the bookmark names (keyring may be nil
// when there is none), else the netrc file at netrcPath (machine and
// login, then default; "" skips it), which may also supply the user. A
// user that is empty, "anonymous" or "ftp" needs no password. Otherwise
// it returns the user with ErrNeedPassword. A keyring that cannot be read
// is no error: Note says why, and the next sources are tried.
func (b Bookmark) Login(ctx context.Context, netrcPath string, keyring Secrets) (Login, error) {
	return b.login(ctx, netrcPath, keyring, PasswordCmdTimeout)
}

func (b Bookmark) login(ctx context.Context, netrcPath string, keyring Secrets, timeout time.Duration) (Login, error) {
	l := Login{User: b.User}
	switch {
	case b.PasswordCmd != "":
		p, err := b.runPasswordCmd(ctx, timeout)
		if err != nil {
			return l, err
		}
		l.Password, l.Source = p, FromCommand
		return l, nil
	case b.Password != "":
		l.Password, l.Source = b.Password, FromSaved
		return l, nil
	case b.Keyring != "":
		p, err := readKeyring(keyring, b.Keyring)
		if err == nil {
			l.Password, l.Source = p, FromKeyring
			return l, nil
		}
		l.Note = fmt.Sprintf("bookmark %q: the password in the OS keyring (entry %q) could not be read: %v", b.Name, b.Keyring, err)
	}
	if netrcPath != "" {
		e, ok, err := lookupNetrcFile(netrcPath, b.Host, b.User)
		if err != nil {
			return l, err
		}
		if ok && (l.User != "" || e.Login != "") {
			if l.User == "" {
				l.User = e.Login
			}
			l.Password, l.Source = e.Password, FromNetrc
			return l, nil
		}
	}
	if l.User == "" || l.User == "anonymous" || l.User == "ftp" {
		return l, nil
	}
	if l.Note != "" {
		return l, fmt.Errorf("%s@%s: %w (%s)", l.User, b.Host, ErrNeedPassword, l.Note)
	}
	return l, fmt.Errorf("%s@%s: %w", l.User, b.Host, ErrNeedPassword)
}

// lookupNetrcFile reads the netrc file at path, which may be missing.
func lookupNetrcFile(path, host, login string) (NetrcEntry, bool, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return NetrcEntry{}, false, nil
	}
	if err != nil {
		return NetrcEntry{}, false, err
	}
	defer f.Close()
	entries, err := ParseNetrc(f)
	if err != nil {
		return NetrcEntry{}, false, fmt.Errorf("%s: %w", path, err)
	}
	e, ok := LookupNetrc(entries, host, login)
	return e, ok, nil
}

// maxCmdOutput bounds what a password_cmd may print.
const maxCmdOutput = 64 << 10

// runPasswordCmd runs PasswordCmd with sh -c and returns the first line
// of its output (pass prints the password first and notes after it). The
// command's environment carries FERRY_BOOKMARK, FERRY_HOST, FERRY_PORT and
// FERRY_USER, so one script can serve many bookmarks.
func (b Bookmark) runPasswordCmd(ctx context.Context, timeout time.Duration) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", b.PasswordCmd)
	_, port, _ := net.SplitHostPort(b.Addr())
	cmd.Env = append(os.Environ(),
		"FERRY_BOOKMARK="+b.Name, "FERRY_HOST="+b.Host, "FERRY_PORT="+port, "FERRY_USER="+b.User)
	var out, errOut capped
	cmd.Stdout, cmd.Stderr = &out, &errOut
	// The command runs in its own process group, and a timeout kills the
	// whole group: killing only sh would leave what it started (a pipeline,
	// a helper waiting on a PIN prompt) running, and holding the output
	// pipes open.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	// A child that left the group and keeps the output open must still
	// not hold ferry up.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	fail := func(why string) error {
		msg := fmt.Sprintf("bookmark %q: password_cmd %s", b.Name, why)
		if s := strings.TrimSpace(errOut.String()); s != "" {
			msg += ": " + truncate(s, 300)
		}
		return errors.New(msg)
	}
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return "", fail("timed out after " + timeout.String())
	case ctx.Err() != nil:
		return "", ctx.Err()
	case err != nil:
		return "", fail("failed (" + err.Error() + ")")
	case out.overflow:
		return "", fail("printed more than " + strconv.Itoa(maxCmdOutput) + " bytes")
	}
	pass, _, _ := strings.Cut(out.String(), "\n")
	pass = strings.TrimSuffix(pass, "\r")
	if pass == "" {
		return "", fail("printed no password")
	}
	return pass, nil
}

// capped keeps the first maxCmdOutput bytes written to it. (It does not
// embed bytes.Buffer, whose ReadFrom io.Copy would call instead of Write.)
type capped struct {
	buf      bytes.Buffer
	overflow bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := maxCmdOutput - c.buf.Len(); len(p) > room {
		c.overflow = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.buf.Write(p)
}

func (c *capped) String() string { return c.buf.String() }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}
