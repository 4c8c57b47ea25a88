// Package ftptest starts real FTP servers on 127.0.0.1 for tests, in the
// spirit of net/http/httptest: vsftpd, proftpd and pure-ftpd with explicit
// (and for vsftpd and proftpd implicit) FTPS, and pyftpdlib for plain FTP.
//
// Each Start runs a fresh server process with its own configuration, a
// fresh root directory, a one-off user and password, a control port and a
// passive port range of its own, and a self-signed certificate for
// localhost and 127.0.0.1 generated once per test process. Tests in several
// processes may start servers at the same time: nothing they use collides.
//
// The servers come from scripts/install-servers: vsftpd and pyftpdlib from
// Debian's packages, proftpd and pure-ftpd unpacked under the directory
// named by the environment variable FERRY_SERVERS (default
// /opt/ferry-servers). vsftpd, proftpd and pure-ftpd must be started as
// root, since they switch to the account ferry-ftp that the install
// creates, which owns Root; pyftpdlib runs as any user (as ferry-ftp when
// started by root). A server that is not installed makes Start skip the
// test, except when the environment has CI=true: there it fails the test.
//
// Every server allows uploads, overwrites, resumed transfers (REST),
// MKD/RMD, renames, deletes and SITE CHMOD, serves passive mode on
// 127.0.0.1, and accepts plain FTP as well as TLS (on the control and data
// connections independently). vsftpd and proftpd refuse a TLS data
// connection that does not resume the control connection's session.
//
// For network tests it also starts a SOCKS5 or HTTP CONNECT proxy
// (StartProxy) and a TCP relay that plays a NAT router's port forwarding
// (StartRelay) on loopback; both record the connections they carry, so a
// test can prove which path the data took.
package ftptest

import (
	"bufio"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Kind names an FTP server implementation.
type Kind string

const (
	VSFTPD    Kind = "vsftpd"    // explicit TLS with require_ssl_reuse=YES
	ProFTPD   Kind = "proftpd"   // mod_tls with default TLS options (requires session reuse)
	PureFTPD  Kind = "pure-ftpd" // TLS with -Y 1
	Pyftpdlib Kind = "pyftpdlib" // plain FTP only
)

// AllKinds lists every Kind, for table-driven tests.
var AllKinds = []Kind{VSFTPD, ProFTPD, PureFTPD, Pyftpdlib}

// Options change how a server is started. The zero value is the default:
// explicit FTPS where the kind has TLS at all.
type Options struct {
	// Implicit serves implicit FTPS (TLS from the first byte) instead of
	// explicit AUTH TLS. VSFTPD and ProFTPD support it; asking it of the
	// others fails the test.
	Implicit bool
	// MaxTLS, when not zero, caps the TLS version the server negotiates:
	// tls.VersionTLS12 or tls.VersionTLS13 (the default is both). It is set
	// through OpenSSL's configuration (and proftpd's TLSProtocol). Ignored
	// by Pyftpdlib.
	MaxTLS uint16
	// AsyncAbort sets vsftpd's async_abor_enable=YES. The other kinds have
	// no such switch and ignore it.
	AsyncAbort bool
	// FXP lets the server take part in server-to-server copies with a
	// third host: vsftpd's pasv_promiscuous and port_promiscuous, proftpd's
	// AllowForeignAddress. Ignored by the other kinds.
	FXP bool
	// IPv6 serves on [::1] instead of 127.0.0.1, so clients must use EPSV
	// and EPRT. Only Pyftpdlib supports it; asking it of the others fails
	// the test.
	IPv6 bool
}

// Server is a running FTP server. Its exported fields are read-only.
type Server struct {
	Kind     Kind
	Addr     string // "127.0.0.1:port" of the control connection
	User     string
	Password string
	// Root is the directory on disk that the user sees as "/". Tests create
	// files here (see WriteFile) and find uploads here.
	Root     string
	TLS      bool // the server offers AUTH TLS (or implicit TLS)
	Implicit bool // TLS from the first byte
	// CAFile is a PEM file of the server's self-signed certificate, usable
	// as a CA file by clients (curl --cacert, lftp ssl:ca-file). It lives as
	// long as the server.
	CAFile   string
	CertPool *x509.CertPool
	// Fingerprint is the SHA-256 of the certificate's DER encoding.
	Fingerprint [32]byte
	// ServerName is the DNS name in the certificate ("localhost"); the
	// certificate also holds the IP address 127.0.0.1.
	ServerName string

	dir      string // everything of this server: config, logs, Root
	uid, gid int    // owner of the files in Root; -1 leaves them as created
	logs     []string
	cleanups []func()
	proc     *process
	ports    *portBlock
	host     string // the address it listens on: 127.0.0.1, or ::1 with Options.IPv6

	stopOnce sync.Once
	mu       sync.Mutex
	stopped  bool
	finalLog string
}

// process is one run of a server binary.
type process struct {
	cmd     *exec.Cmd
	exited  chan struct{} // closed when cmd has exited and been reaped
	waitErr error
}

const (
	// testAccount owns the files the root-run servers serve; made by
	// scripts/install-servers.
	testAccount = "ferry-ftp"
	// pamService is vsftpd's PAM service, made by scripts/install-servers.
	pamService = "ferry-test"

	readyTimeout = 10 * time.Second
	stopGrace    = 2 * time.Second
	attempts     = 3
)

// serversDir returns the directory where scripts/install-servers unpacks
// the servers that are not installed as Debian packages: $FERRY_SERVERS, or
// /opt/ferry-servers.
func serversDir() string {
	if d := os.Getenv("FERRY_SERVERS"); d != "" {
		return d
	}
	return "/opt/ferry-servers"
}

// unavailableError means the server is not installed or cannot run here.
type unavailableError struct{ msg string }

func (e *unavailableError) Error() string { return e.msg }

func unavailable(format string, args ...any) error {
	return &unavailableError{msg: fmt.Sprintf(format, args...)}
}

// Start starts a fresh server of the given kind with a fresh root
// directory, registers t.Cleanup to stop it, and returns once it has sent
// its 220 greeting. When the server is not installed or cannot run here,
// Start skips the test, or fails it if the environment has CI=true (CI must
// have every server). Any other failure to start fails the test, with the
// server's log.
func Start(t testing.TB, kind Kind, opts Options) *Server {
	t.Helper()
	s, err := start(kind, opts)
	if err != nil {
		var u *unavailableError
		if errors.As(err, &u) {
			if os.Getenv("CI") == "true" {
				t.Fatalf("ftptest: %s is not available, and CI needs it: %v (scripts/install-servers installs it)", kind, err)
			}
			t.Skipf("ftptest: %s is not available: %v; run scripts/install-servers as root to install it", kind, err)
		}
		t.Fatalf("ftptest: starting %s: %v", kind, err)
	}
	t.Cleanup(s.Stop)
	return s
}

func start(kind Kind, opts Options) (*Server, error) {
	sp, ok := specs[kind]
	if !ok {
		return nil, fmt.Errorf("unknown kind %q", kind)
	}
	if opts.Implicit && !sp.implicit {
		return nil, fmt.Errorf("%s cannot serve implicit FTPS", kind)
	}
	if opts.MaxTLS != 0 && opts.MaxTLS != tls.VersionTLS12 && opts.MaxTLS != tls.VersionTLS13 {
		return nil, fmt.Errorf("MaxTLS %#x: only tls.VersionTLS12 and tls.VersionTLS13 are supported", opts.MaxTLS)
	}
	if opts.IPv6 && kind != Pyftpdlib {
		return nil, fmt.Errorf("%s is started on 127.0.0.1 only; IPv6 is offered by pyftpdlib", kind)
	}
	s := &Server{
		Kind:       kind,
		User:       fmt.Sprintf("ferry-%d-%s", os.Getpid(), randomHex(3)),
		Password:   randomHex(12),
		TLS:        sp.tls,
		Implicit:   opts.Implicit,
		ServerName: serverName,
		uid:        -1,
		gid:        -1,
		host:       "127.0.0.1",
	}
	if opts.IPv6 {
		s.host = "::1"
	}
	if sp.needsRoot && os.Geteuid() != 0 {
		return nil, unavailable("%s must be started as root (it switches to the account %s)", kind, testAccount)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup(testAccount)
		switch {
		case err == nil:
			s.uid, _ = strconv.Atoi(u.Uid)
			s.gid, _ = strconv.Atoi(u.Gid)
		case sp.needsRoot:
			return nil, unavailable("no account %s: %v", testAccount, err)
		}
	}
	if err := sp.check(); err != nil {
		return nil, err
	}
	cert := getCert()
	if cert.err != nil {
		return nil, fmt.Errorf("making the test certificate: %w", cert.err)
	}
	s.CertPool = cert.pool
	s.Fingerprint = cert.fingerprint

	started := false
	defer func() {
		if !started {
			s.Stop()
		}
	}()
	if err := s.makeDirs(cert); err != nil {
		return nil, err
	}
	if err := sp.prepare(s); err != nil {
		return nil, err
	}

	var err error
	for range attempts {
		s.ports, err = reservePorts()
		if err != nil {
			return nil, err
		}
		s.Addr = net.JoinHostPort(s.host, strconv.Itoa(s.ports.control))
		var cmd *exec.Cmd
		cmd, err = sp.command(s, opts)
		if err != nil {
			return nil, err
		}
		if opts.MaxTLS != 0 && sp.tls {
			env, err := s.capTLS(opts.MaxTLS)
			if err != nil {
				return nil, err
			}
			if cmd.Env == nil {
				cmd.Env = os.Environ()
			}
			cmd.Env = append(cmd.Env, env)
		}
		if err = s.launch(cmd); err != nil {
			return nil, err
		}
		err = s.waitReady(time.Now().Add(readyTimeout))
		if err == nil {
			started = true
			return s, nil
		}
		s.kill()
		s.ports.release()
		log := s.Log()
		if !strings.Contains(log, "in use") { // not a race for a port with another program
			if e := libraryMissing(log); e != nil {
				return nil, e
			}
			return nil, fmt.Errorf("%v\nserver log:\n%s", err, log)
		}
	}
	return nil, fmt.Errorf("%v (ports were taken %d times)\nserver log:\n%s", err, attempts, s.Log())
}

// libraryMissing recognises a server that cannot run because something it
// loads is not installed.
func libraryMissing(log string) error {
	for _, sign := range []string{"error while loading shared libraries", "No module named", "ModuleNotFoundError"} {
		if i := strings.Index(log, sign); i >= 0 {
			line := log[i:]
			if j := strings.IndexByte(line, '\n'); j >= 0 {
				line = line[:j]
			}
			return unavailable("it cannot run: %s", line)
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// makeDirs creates the server's directory, with Root inside it owned by
// the test account, and writes the certificate files.
func (s *Server) makeDirs(cert *testCert) error {
	sweepOnce.Do(sweepStale)
	// The pid in the name lets sweepStale find leftovers of killed tests.
	dir, err := os.MkdirTemp("", fmt.Sprintf("ferry-ftptest-%s-%d-", s.Kind, os.Getpid()))
	if err != nil {
		return err
	}
	s.dir = dir
	// The servers run as the test account inside Root: they must be able
	// to pass through this directory (but cannot list or change it).
	if err := os.Chmod(dir, 0o711); err != nil {
		return err
	}
	s.Root = filepath.Join(dir, "root")
	if err := os.Mkdir(s.Root, 0o755); err != nil {
		return err
	}
	if err := s.chown(s.Root); err != nil {
		return err
	}
	s.CAFile = filepath.Join(dir, "cert.pem")
	if err := os.WriteFile(s.CAFile, cert.certPEM, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(s.file("key.pem"), cert.keyPEM, 0o600); err != nil {
		return err
	}
	s.addLog("stderr.log")
	return nil
}

var sweepOnce sync.Once

// sweepStale removes the server directories left by test processes that
// were killed before they could stop their servers.
func sweepStale() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), "ferry-ftptest-*-*-*"))
	for _, d := range dirs {
		parts := strings.Split(filepath.Base(d), "-")
		pid, err := strconv.Atoi(parts[len(parts)-2])
		if err != nil || pid <= 0 || pid == os.Getpid() {
			continue
		}
		if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
			os.RemoveAll(d)
		}
	}
}

// file names a file in the server's private directory.
func (s *Server) file(name string) string { return filepath.Join(s.dir, name) }

// addLog adds a file of the server's directory to what Log shows.
func (s *Server) addLog(name string) { s.logs = append(s.logs, s.file(name)) }

func (s *Server) chown(path string) error {
	if s.uid < 0 {
		return nil
	}
	return os.Lchown(path, s.uid, s.gid)
}

// capTLS writes an OpenSSL configuration that caps the protocol version of
// every TLS context the server makes, and returns the environment variable
// that points OpenSSL at it.
func (s *Server) capTLS(v uint16) (string, error) {
	name := "TLSv1.2"
	if v == tls.VersionTLS13 {
		name = "TLSv1.3"
	}
	conf := "openssl_conf = ferry_init\n\n" +
		"[ferry_init]\nssl_conf = ferry_ssl\n\n" +
		"[ferry_ssl]\nsystem_default = ferry_tls\n\n" +
		"[ferry_tls]\nMaxProtocol = " + name + "\n"
	path := s.file("openssl.cnf")
	if err := os.WriteFile(path, []byte(conf), 0o644); err != nil {
		return "", err
	}
	return "OPENSSL_CONF=" + path, nil
}

// launch starts cmd in a process group of its own, its output going to
// stderr.log.
func (s *Server) launch(cmd *exec.Cmd) error {
	out, err := os.OpenFile(s.file("stderr.log"), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return err
	}
	defer out.Close()
	cmd.Stdout = out
	cmd.Stderr = out
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{}
	}
	cmd.SysProcAttr.Setpgid = true
	// If the test process dies without cleaning up, the server follows.
	cmd.SysProcAttr.Pdeathsig = syscall.SIGKILL
	if err := cmd.Start(); err != nil {
		return unavailable("%v", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.waitErr = cmd.Wait()
		close(p.exited)
	}()
	s.proc = p
	return nil
}

// waitReady connects until the server greets with 220, the process exits
// or the deadline passes.
func (s *Server) waitReady(deadline time.Time) error {
	for {
		select {
		case <-s.proc.exited:
			return fmt.Errorf("server exited before it was ready: %v", s.proc.waitErr)
		default:
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not ready within %v", readyTimeout)
		}
		c, err := net.DialTimeout("tcp", s.Addr, 250*time.Millisecond)
		if err != nil {
			time.Sleep(20 * time.Millisecond)
			continue
		}
		err = s.greet(c, deadline)
		c.Close()
		if err == nil {
			return nil
		}
		var ne net.Error
		if errors.As(err, &ne) && ne.Timeout() {
			return fmt.Errorf("waiting for the greeting: %w", err)
		}
		if _, ok := err.(*textproto.Error); ok {
			return fmt.Errorf("server greeted with an error: %w", err)
		}
		// Accepted but closed (a listener about to be replaced, or a
		// server still setting up): try again.
		time.Sleep(50 * time.Millisecond)
	}
}

// greet reads the greeting on a fresh connection, after a TLS handshake
// for implicit FTPS, and says QUIT.
func (s *Server) greet(c net.Conn, deadline time.Time) error {
	if d := time.Now().Add(3 * time.Second); d.Before(deadline) {
		deadline = d
	}
	c.SetDeadline(deadline)
	if s.Implicit {
		tc := tls.Client(c, &tls.Config{ServerName: s.ServerName, RootCAs: s.CertPool, MinVersion: tls.VersionTLS12})
		if err := tc.Handshake(); err != nil {
			return fmt.Errorf("implicit TLS handshake: %w", err)
		}
		c = tc
	}
	r := textproto.NewReader(bufio.NewReader(c))
	if _, _, err := r.ReadResponse(220); err != nil {
		return err
	}
	_, err := c.Write([]byte("QUIT\r\n"))
	return err
}

// Path returns the path on disk of rel, a path relative to the user's "/".
func (s *Server) Path(rel string) string { return filepath.Join(s.Root, rel) }

// WriteFile writes data to rel under Root, creating the directories on the
// way, all owned by the server's user so that it may read, change and
// delete them.
func (s *Server) WriteFile(t testing.TB, rel string, data []byte) {
	t.Helper()
	path := s.Path(rel)
	sub, err := filepath.Rel(s.Root, path)
	if err != nil || sub == "." || sub == ".." || strings.HasPrefix(sub, ".."+string(filepath.Separator)) {
		t.Fatalf("ftptest: WriteFile(%q): not a file under the server's root", rel)
	}
	dir := s.Root
	parts := strings.Split(sub, string(filepath.Separator))
	for _, p := range parts[:len(parts)-1] {
		dir = filepath.Join(dir, p)
		if err := os.Mkdir(dir, 0o755); err != nil {
			if errors.Is(err, os.ErrExist) {
				continue
			}
			t.Fatalf("ftptest: WriteFile: %v", err)
		}
		if err := s.chown(dir); err != nil {
			t.Fatalf("ftptest: WriteFile: %v", err)
		}
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatalf("ftptest: WriteFile: %v", err)
	}
	if err := s.chown(path); err != nil {
		t.Fatalf("ftptest: WriteFile: %v", err)
	}
}

// Log returns the server's logs, for test failure messages. After Stop it
// returns the logs as they were when the server stopped.
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.stopped {
		return s.finalLog
	}
	return s.readLogs()
}

const maxLogBytes = 64 << 10 // of each log file, its end

func (s *Server) readLogs() string {
	var b strings.Builder
	for _, path := range s.logs {
		data, err := os.ReadFile(path)
		if err != nil || len(data) == 0 {
			continue
		}
		fmt.Fprintf(&b, "--- %s ---\n", filepath.Base(path))
		if len(data) > maxLogBytes {
			b.WriteString("[...]\n")
			data = data[len(data)-maxLogBytes:]
		}
		b.Write(data)
		if data[len(data)-1] != '\n' {
			b.WriteByte('\n')
		}
	}
	return b.String()
}

// Stop stops the server and all its processes, and removes its files.
// It may be called more than once; Start registers it with t.Cleanup.
func (s *Server) Stop() {
	s.stopOnce.Do(func() {
		s.kill()
		s.mu.Lock()
		s.finalLog = s.readLogs()
		s.stopped = true
		s.mu.Unlock()
		for i := len(s.cleanups) - 1; i >= 0; i-- {
			s.cleanups[i]()
		}
		if s.dir != "" {
			os.RemoveAll(s.dir)
		}
		s.ports.release()
	})
}

// kill ends the server: first its session processes, then the server
// itself with SIGTERM to its process group, SIGKILL after a grace period,
// and finally anything started in between.
func (s *Server) kill() {
	p := s.proc
	if p == nil {
		return
	}
	s.proc = nil
	pid := p.cmd.Process.Pid
	select {
	case <-p.exited:
	default:
		endSessions(pid, stopGrace/2)
		// Sessions that begin from now on are orphaned when the server
		// exits: note them while they still have a parent.
		late := descendants(pid)
		syscall.Kill(-pid, syscall.SIGTERM)
		select {
		case <-p.exited:
		case <-time.After(stopGrace):
			syscall.Kill(-pid, syscall.SIGKILL)
			<-p.exited
		}
		for _, d := range append(late, descendants(pid)...) {
			d.signal(syscall.SIGKILL)
		}
	}
}

// New starts a server outside a test, for scripts (the demo, the
// benchmarks). The caller must Stop it.
func New(kind Kind, opts Options) (*Server, error) { return start(kind, opts) }

// Chown gives a file or directory made under Root by other means than
// WriteFile to the FTP user, so it can be changed through FTP.
func (s *Server) Chown(path string) error { return s.chown(path) }
