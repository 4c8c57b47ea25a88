package ftptest

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/textproto"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// ctl is a bare-bones FTP control connection for checking the servers.
type ctl struct {
	t    testing.TB
	s    *Server
	conn net.Conn
	r    *textproto.Reader
	// tlsConf is the control connection's TLS configuration after AUTH TLS
	// (nil for plain FTP); data connections reuse its session cache.
	tlsConf *tls.Config
	resumed []bool // for each TLS data connection, whether it resumed
}

func dial(t testing.TB, s *Server) *ctl {
	t.Helper()
	conn, err := net.DialTimeout("tcp", s.Addr, 5*time.Second)
	if err != nil {
		t.Fatalf("dial %s: %v", s.Addr, err)
	}
	t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(20 * time.Second))
	c := &ctl{t: t, s: s, conn: conn}
	if s.Implicit {
		c.startTLS()
	}
	c.r = textproto.NewReader(bufio.NewReader(c.conn))
	c.expect(220)
	return c
}

func (c *ctl) tlsConfig() *tls.Config {
	return &tls.Config{
		ServerName:         c.s.ServerName,
		RootCAs:            c.s.CertPool,
		MinVersion:         tls.VersionTLS12,
		ClientSessionCache: tls.NewLRUClientSessionCache(4),
	}
}

// startTLS runs the client side of a TLS handshake on the control
// connection, verifying the server's certificate.
func (c *ctl) startTLS() {
	c.t.Helper()
	c.tlsConf = c.tlsConfig()
	tc := tls.Client(c.conn, c.tlsConf)
	if err := tc.Handshake(); err != nil {
		c.t.Fatalf("%s: TLS handshake: %v\n%s", c.s.Kind, err, c.s.Log())
	}
	st := tc.ConnectionState()
	if got := sha256.Sum256(st.PeerCertificates[0].Raw); got != c.s.Fingerprint {
		c.t.Fatalf("%s: certificate fingerprint differs from Server.Fingerprint", c.s.Kind)
	}
	c.t.Logf("%s: control TLS %s, %s", c.s.Kind, tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	c.conn = tc
	c.r = textproto.NewReader(bufio.NewReader(c.conn))
}

func (c *ctl) send(format string, args ...any) {
	c.t.Helper()
	if _, err := fmt.Fprintf(c.conn, format+"\r\n", args...); err != nil {
		c.t.Fatalf("%s: sending %q: %v\n%s", c.s.Kind, fmt.Sprintf(format, args...), err, c.s.Log())
	}
}

// expect reads a reply whose code starts with code (e.g. 2 for any 2xx).
func (c *ctl) expect(code int) string {
	c.t.Helper()
	got, msg, err := c.r.ReadResponse(code)
	if err != nil {
		c.t.Fatalf("%s: want reply %d, got %d %q: %v\n%s", c.s.Kind, code, got, msg, err, c.s.Log())
	}
	return msg
}

func (c *ctl) cmd(code int, format string, args ...any) string {
	c.t.Helper()
	c.send(format, args...)
	return c.expect(code)
}

func (c *ctl) login() {
	c.t.Helper()
	c.cmd(331, "USER %s", c.s.User)
	c.cmd(230, "PASS %s", c.s.Password)
}

var pasvRE = regexp.MustCompile(`\((\d+),(\d+),(\d+),(\d+),(\d+),(\d+)\)`)

// pasv opens a passive data connection, over TLS if the control connection
// is (PROT P), resuming its session.
func (c *ctl) pasv() net.Conn {
	c.t.Helper()
	msg := c.cmd(227, "PASV")
	m := pasvRE.FindStringSubmatch(msg)
	if m == nil {
		c.t.Fatalf("%s: bad PASV reply %q", c.s.Kind, msg)
	}
	hi, _ := strconv.Atoi(m[5])
	lo, _ := strconv.Atoi(m[6])
	port := hi<<8 | lo
	if ip := strings.Join(m[1:5], "."); ip != "127.0.0.1" {
		c.t.Fatalf("%s: PASV address %s, want 127.0.0.1", c.s.Kind, ip)
	}
	// The port must lie in the server's own passive range.
	_, ctlPort, _ := net.SplitHostPort(c.s.Addr)
	base, _ := strconv.Atoi(ctlPort)
	if port <= base || port > base+pasvPorts {
		c.t.Errorf("%s: passive port %d outside the range %d-%d", c.s.Kind, port, base+1, base+pasvPorts)
	}
	d, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), 5*time.Second)
	if err != nil {
		c.t.Fatalf("%s: data connection: %v", c.s.Kind, err)
	}
	d.SetDeadline(time.Now().Add(20 * time.Second))
	return d
}

// dataTLS wraps a data connection in TLS after the command that uses it
// was sent, resuming the session of the control connection if it can.
func (c *ctl) dataTLS(d net.Conn) net.Conn {
	c.t.Helper()
	if c.tlsConf == nil {
		return d
	}
	td := tls.Client(d, c.tlsConf)
	if err := td.Handshake(); err != nil {
		c.t.Fatalf("%s: data TLS handshake: %v\n%s", c.s.Kind, err, c.s.Log())
	}
	c.resumed = append(c.resumed, td.ConnectionState().DidResume)
	return td
}

func (c *ctl) retr(name string) []byte {
	c.t.Helper()
	d := c.pasv()
	c.cmd(1, "RETR %s", name)
	d = c.dataTLS(d)
	data, err := io.ReadAll(d)
	d.Close()
	if err != nil {
		c.t.Fatalf("%s: reading RETR data: %v", c.s.Kind, err)
	}
	c.expect(226)
	return data
}

func (c *ctl) stor(name string, data []byte) {
	c.t.Helper()
	d := c.pasv()
	c.cmd(1, "STOR %s", name)
	d = c.dataTLS(d)
	if _, err := d.Write(data); err != nil {
		c.t.Fatalf("%s: writing STOR data: %v", c.s.Kind, err)
	}
	if tc, ok := d.(*tls.Conn); ok {
		tc.CloseWrite()
	}
	d.Close()
	c.expect(226)
}

func (c *ctl) authTLS() {
	c.t.Helper()
	c.cmd(234, "AUTH TLS")
	c.startTLS()
}

func forEachKind(t *testing.T, f func(t *testing.T, k Kind)) {
	for _, k := range AllKinds {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			f(t, k)
		})
	}
}

func TestStartServesLogin(t *testing.T) {
	forEachKind(t, func(t *testing.T, k Kind) {
		begin := time.Now()
		s := Start(t, k, Options{})
		t.Logf("%s: started in %v at %s", k, time.Since(begin).Round(time.Millisecond), s.Addr)
		if s.Kind != k || s.Root == "" || s.User == "" || s.Password == "" {
			t.Fatalf("incomplete Server: %+v", s)
		}
		c := dial(t, s)
		c.login()
		c.cmd(2, "TYPE I")
		c.cmd(221, "QUIT")

		// A wrong password is refused.
		c = dial(t, s)
		c.cmd(331, "USER %s", s.User)
		c.send("PASS wrong-%s", s.Password)
		if code, msg, _ := c.r.ReadResponse(230); code == 230 {
			t.Fatalf("%s: wrong password accepted: %d %s", k, code, msg)
		}

		if !s.TLS {
			if k != Pyftpdlib {
				t.Fatalf("%s: TLS is false", k)
			}
			return
		}
		if _, err := os.Stat(s.CAFile); err != nil {
			t.Fatalf("CAFile: %v", err)
		}
		c = dial(t, s)
		c.authTLS()
		c.login()
		c.cmd(200, "PBSZ 0")
		c.cmd(200, "PROT P")
		c.cmd(221, "QUIT")
	})
}

func TestImplicitTLS(t *testing.T) {
	for _, k := range []Kind{VSFTPD, ProFTPD} {
		t.Run(string(k), func(t *testing.T) {
			t.Parallel()
			s := Start(t, k, Options{Implicit: true})
			if !s.Implicit || !s.TLS {
				t.Fatalf("Implicit=%v TLS=%v", s.Implicit, s.TLS)
			}
			c := dial(t, s) // handshakes from the first byte, then reads 220
			c.login()
			c.cmd(200, "PBSZ 0")
			c.cmd(200, "PROT P")
			c.cmd(200, "TYPE I")
			s.WriteFile(t, "implicit.txt", []byte("over implicit TLS\n"))
			if got := string(c.retr("implicit.txt")); got != "over implicit TLS\n" {
				t.Fatalf("RETR over implicit TLS got %q", got)
			}
		})
	}
}

// TestFileOperations checks, in plain FTP, that WriteFile'd files can be
// retrieved and that the user may upload, make directories, rename, change
// modes and delete.
func TestFileOperations(t *testing.T) {
	forEachKind(t, func(t *testing.T, k Kind) {
		s := Start(t, k, Options{})
		content := []byte("hello from ftptest\n")
		s.WriteFile(t, "dir/sub/hello.txt", content)
		c := dial(t, s)
		c.login()
		c.cmd(200, "TYPE I")
		c.cmd(250, "CWD /dir/sub")
		if got := c.retr("hello.txt"); !bytes.Equal(got, content) {
			t.Fatalf("RETR got %q, want %q", got, content)
		}
		c.cmd(250, "CWD /")
		up := bytes.Repeat([]byte("0123456789abcdef"), 4096)
		c.stor("up.bin", up)
		if got, err := os.ReadFile(s.Path("up.bin")); err != nil || !bytes.Equal(got, up) {
			t.Fatalf("uploaded file: %d bytes, %v", len(got), err)
		}
		c.cmd(257, "MKD newdir")
		c.cmd(350, "RNFR up.bin")
		c.cmd(250, "RNTO newdir/moved.bin")
		if _, err := os.Stat(s.Path("newdir/moved.bin")); err != nil {
			t.Fatalf("renamed file: %v", err)
		}
		c.cmd(200, "SITE CHMOD 600 newdir/moved.bin")
		if fi, err := os.Stat(s.Path("newdir/moved.bin")); err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("after SITE CHMOD 600: %v %v", fi.Mode(), err)
		}
		c.cmd(250, "DELE newdir/moved.bin")
		c.cmd(250, "RMD newdir")
		c.cmd(250, "DELE dir/sub/hello.txt")
		if _, err := os.Stat(s.Path("dir/sub/hello.txt")); !os.IsNotExist(err) {
			t.Fatalf("deleted file still there: %v", err)
		}
	})
}

// TestTLSData moves data over TLS data connections that resume the control
// connection's session, as vsftpd and proftpd require.
func TestTLSData(t *testing.T) {
	for _, k := range []Kind{VSFTPD, ProFTPD, PureFTPD} {
		for _, max := range []uint16{0, tls.VersionTLS12} {
			t.Run(fmt.Sprintf("%s/max=%s", k, tlsName(max)), func(t *testing.T) {
				t.Parallel()
				s := Start(t, k, Options{MaxTLS: max})
				c := dial(t, s)
				c.authTLS()
				if max != 0 {
					if v := c.conn.(*tls.Conn).ConnectionState().Version; v != max {
						t.Errorf("negotiated %s despite MaxTLS %s", tls.VersionName(v), tls.VersionName(max))
					}
				}
				c.login()
				c.cmd(200, "PBSZ 0")
				c.cmd(200, "PROT P")
				c.cmd(200, "TYPE I")
				if k == ProFTPD && max == tls.VersionTLS12 {
					// proftpd sends no TLS 1.2 session tickets by default, and
					// crypto/tls resumes TLS 1.2 only from tickets, so proftpd
					// refuses the data connection.
					s.WriteFile(t, "refused.txt", []byte("x"))
					d := c.pasv()
					c.cmd(1, "RETR refused.txt")
					c.dataTLS(d).Close()
					c.expect(425)
					return
				}
				data := bytes.Repeat([]byte("tls data "), 10000)
				c.stor("secret.bin", data)
				if got := c.retr("secret.bin"); !bytes.Equal(got, data) {
					t.Fatalf("RETR over TLS: got %d bytes, want %d", len(got), len(data))
				}
				t.Logf("%s: data connections resumed the control session: %v", k, c.resumed)
				if k != PureFTPD && slices.Contains(c.resumed, false) {
					t.Errorf("%s accepted a data connection that did not resume the session", k)
				}
			})
		}
	}
}

func tlsName(v uint16) string {
	if v == 0 {
		return "default"
	}
	return strings.ReplaceAll(tls.VersionName(v), " ", "")
}

func TestStopEndsServer(t *testing.T) {
	forEachKind(t, func(t *testing.T, k Kind) {
		s := Start(t, k, Options{})
		c := dial(t, s) // a session process that Stop must end too
		c.login()
		dir := s.dir
		s.Stop()
		s.Stop() // idempotent
		if _, err := net.DialTimeout("tcp", s.Addr, time.Second); err == nil {
			t.Fatalf("%s still accepts connections after Stop", k)
		}
		if _, err := os.Stat(dir); !os.IsNotExist(err) {
			t.Fatalf("server directory left behind: %v", err)
		}
		c.conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := c.r.ReadLine(); err == nil {
			// A server may say 421 on the way out; after it, the end.
			if _, err := c.r.ReadLine(); err == nil {
				t.Fatalf("%s: session still open after Stop", k)
			}
		}
		if k != PureFTPD && s.Log() == "" { // pure-ftpd logs to syslog only
			t.Errorf("%s: Log is empty after Stop", k)
		}
	})
}

// TestParallelStarts starts several servers at once: each gets its own
// ports and directories.
func TestParallelStarts(t *testing.T) {
	const n = 8
	var (
		wg      sync.WaitGroup
		servers [n]*Server
		errs    [n]error
	)
	for i := range n {
		wg.Go(func() {
			servers[i], errs[i] = start(AllKinds[i%len(AllKinds)], Options{})
		})
	}
	wg.Wait()
	for i, s := range servers {
		if s != nil {
			t.Cleanup(s.Stop)
		}
		if errs[i] != nil {
			t.Fatalf("start %s: %v", AllKinds[i%len(AllKinds)], errs[i])
		}
	}
	addrs, roots := map[string]bool{}, map[string]bool{}
	for _, s := range servers {
		if addrs[s.Addr] || roots[s.Root] {
			t.Errorf("two servers share %s or %s", s.Addr, s.Root)
		}
		addrs[s.Addr], roots[s.Root] = true, true
		dial(t, s).login()
	}
}

// TestUnavailableServer runs this test binary again with FERRY_SERVERS
// pointing nowhere: without CI the test is skipped, with CI=true it fails.
func TestUnavailableServer(t *testing.T) {
	if os.Getenv("FTPTEST_HELPER") == "1" {
		Start(t, ProFTPD, Options{})
		t.Fatal("Start returned although proftpd is missing")
	}
	for _, ci := range []string{"", "true"} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestUnavailableServer$", "-test.v", "-test.count=1")
		cmd.Env = append(os.Environ(), "FTPTEST_HELPER=1", "FERRY_SERVERS="+t.TempDir(), "CI="+ci)
		out, err := cmd.CombinedOutput()
		switch {
		case ci == "" && (err != nil || !strings.Contains(string(out), "--- SKIP")):
			t.Errorf("without CI: want a skip, got %v:\n%s", err, out)
		case ci == "true" && (err == nil || !strings.Contains(string(out), "--- FAIL") || !strings.Contains(string(out), "CI needs it")):
			t.Errorf("with CI=true: want a failure, got %v:\n%s", err, out)
		}
	}
}
