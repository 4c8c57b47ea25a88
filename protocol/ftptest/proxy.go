package ftptest

import (
	"bufio"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"
)

// ProxyKind names a proxy protocol.
type ProxyKind string

const (
	SOCKS5      ProxyKind = "socks5" // RFC 1928, with RFC 1929 user/password when set
	HTTPConnect ProxyKind = "http"   // HTTP/1.1 CONNECT, with Basic auth when set
)

// ProxyOptions change how a proxy is started.
type ProxyOptions struct {
	// User and Password, when User is set, are required of clients.
	User, Password string
}

// Proxy is a SOCKS5 or HTTP CONNECT proxy on 127.0.0.1 for tests. It
// records each connection it carried, as the client named its target, so
// tests can prove that traffic went through it (and whether a host name
// reached it unresolved). It refuses targets outside loopback.
type Proxy struct {
	Kind           ProxyKind
	Addr           string // "127.0.0.1:port"
	User, Password string

	relay
	mu      sync.Mutex
	targets []string
	refused int
}

// StartProxy starts a proxy of the given kind and registers t.Cleanup to
// stop it.
func StartProxy(t testing.TB, kind ProxyKind, opts ProxyOptions) *Proxy {
	t.Helper()
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("ftptest: proxy listen: %v", err)
	}
	p := &Proxy{Kind: kind, Addr: ln.Addr().String(), User: opts.User, Password: opts.Password}
	var serve func(net.Conn)
	switch kind {
	case SOCKS5:
		serve = p.serveSOCKS5
	case HTTPConnect:
		serve = p.serveCONNECT
	default:
		ln.Close()
		t.Fatalf("ftptest: unknown proxy kind %q", kind)
	}
	p.start(ln, serve)
	t.Cleanup(p.Stop)
	return p
}

// URL is the proxy's URL with its credentials, for --proxy.
func (p *Proxy) URL() string {
	u := url.URL{Scheme: string(p.Kind), Host: p.Addr}
	if p.User != "" {
		u.User = url.UserPassword(p.User, p.Password)
	}
	return u.String()
}

// Targets returns the target of every connection the proxy carried, in
// order, as the client wrote it ("localhost:21" or "127.0.0.1:21").
func (p *Proxy) Targets() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.targets...)
}

// Refused counts connections turned away (bad credentials or requests).
func (p *Proxy) Refused() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.refused
}

func (p *Proxy) record(target string) {
	p.mu.Lock()
	p.targets = append(p.targets, target)
	p.mu.Unlock()
}

// refuseWith counts a refusal before telling the client, so a test that
// sees the refusal also sees it counted.
func (p *Proxy) refuseWith(c net.Conn, reply []byte) {
	p.mu.Lock()
	p.refused++
	p.mu.Unlock()
	c.Write(reply)
	c.Close()
}

func (p *Proxy) refuse(c net.Conn) {
	p.mu.Lock()
	p.refused++
	p.mu.Unlock()
	c.Close()
}

// dialTarget connects to a loopback target on the client's behalf,
// resolving names itself as a SOCKS5h or CONNECT proxy does.
func dialTarget(target string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(target)
	if err != nil {
		return nil, err
	}
	if ip := net.ParseIP(host); ip != nil && !ip.IsLoopback() || ip == nil && host != "localhost" {
		return nil, fmt.Errorf("target %s is not on loopback", target)
	}
	return net.DialTimeout("tcp", target, 5*time.Second)
}

// serveSOCKS5 speaks the server side of RFC 1928 (CONNECT only) and
// RFC 1929 (username/password).
func (p *Proxy) serveSOCKS5(c net.Conn) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	var hdr [2]byte
	if _, err := io.ReadFull(br, hdr[:]); err != nil || hdr[0] != 5 {
		p.refuse(c)
		return
	}
	methods := make([]byte, hdr[1])
	if _, err := io.ReadFull(br, methods); err != nil {
		p.refuse(c)
		return
	}
	want := byte(0x00)
	if p.User != "" {
		want = 0x02
	}
	if !contains(methods, want) {
		p.refuseWith(c, []byte{5, 0xff})
		return
	}
	c.Write([]byte{5, want})
	if want == 0x02 {
		user, pass, err := readUserPass(br)
		if err != nil || user != p.User || pass != p.Password {
			p.refuseWith(c, []byte{1, 1})
			return
		}
		c.Write([]byte{1, 0})
	}
	var req [4]byte
	if _, err := io.ReadFull(br, req[:]); err != nil || req[0] != 5 || req[1] != 1 {
		p.refuseWith(c, []byte{5, 7, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	var host string
	switch req[3] {
	case 1, 4:
		ip := make(net.IP, 4)
		if req[3] == 4 {
			ip = make(net.IP, 16)
		}
		if _, err := io.ReadFull(br, ip); err != nil {
			p.refuse(c)
			return
		}
		host = ip.String()
	case 3:
		n, err := br.ReadByte()
		if err != nil {
			p.refuse(c)
			return
		}
		name := make([]byte, n)
		if _, err := io.ReadFull(br, name); err != nil {
			p.refuse(c)
			return
		}
		host = string(name)
	default:
		p.refuseWith(c, []byte{5, 8, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	var port [2]byte
	if _, err := io.ReadFull(br, port[:]); err != nil {
		p.refuse(c)
		return
	}
	target := net.JoinHostPort(host, strconv.Itoa(int(binary.BigEndian.Uint16(port[:]))))
	up, err := dialTarget(target)
	if err != nil {
		p.refuseWith(c, []byte{5, 5, 0, 1, 0, 0, 0, 0, 0, 0})
		return
	}
	p.record(target)
	bound := up.LocalAddr().(*net.TCPAddr)
	reply := []byte{5, 0, 0, 1}
	reply = append(reply, bound.IP.To4()...)
	reply = binary.BigEndian.AppendUint16(reply, uint16(bound.Port))
	c.Write(reply)
	c.SetDeadline(time.Time{})
	p.pipe(c, br, up)
}

func readUserPass(br *bufio.Reader) (user, pass string, err error) {
	field := func() (string, error) {
		n, err := br.ReadByte()
		if err != nil {
			return "", err
		}
		b := make([]byte, n)
		_, err = io.ReadFull(br, b)
		return string(b), err
	}
	if v, err := br.ReadByte(); err != nil || v != 1 {
		return "", "", errors.New("bad auth version")
	}
	if user, err = field(); err != nil {
		return "", "", err
	}
	pass, err = field()
	return user, pass, err
}

func contains(b []byte, v byte) bool {
	for _, x := range b {
		if x == v {
			return true
		}
	}
	return false
}

// serveCONNECT answers one HTTP CONNECT request and then relays bytes.
func (p *Proxy) serveCONNECT(c net.Conn) {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	br := bufio.NewReader(c)
	req, err := http.ReadRequest(br)
	if err != nil {
		p.refuse(c)
		return
	}
	if req.Method != http.MethodConnect {
		p.refuseWith(c, []byte("HTTP/1.1 405 Method Not Allowed\r\n\r\n"))
		return
	}
	if p.User != "" {
		want := "Basic " + base64.StdEncoding.EncodeToString([]byte(p.User+":"+p.Password))
		if req.Header.Get("Proxy-Authorization") != want {
			p.refuseWith(c, []byte("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=\"ftptest\"\r\n\r\n"))
			return
		}
	}
	up, err := dialTarget(req.Host)
	if err != nil {
		p.refuseWith(c, []byte("HTTP/1.1 502 Bad Gateway\r\n\r\n"))
		return
	}
	p.record(req.Host)
	io.WriteString(c, "HTTP/1.1 200 Connection established\r\n\r\n")
	c.SetDeadline(time.Time{})
	p.pipe(c, br, up)
}

// Relay forwards TCP connections from its address to a target, as a
// router's port forwarding or source NAT does, and counts them.
type Relay struct {
	Addr   string // where it listens
	Target string
	Source net.IP // the address it connects from; nil lets the system choose

	relay
	mu    sync.Mutex
	count int
}

// StartRelay listens on listen ("127.0.0.2:4000", or port 0 for any) and
// forwards each connection to target from source (nil: any), and
// registers t.Cleanup to stop it.
func StartRelay(t testing.TB, listen, target string, source net.IP) *Relay {
	t.Helper()
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		t.Fatalf("ftptest: relay listen %s: %v", listen, err)
	}
	r := &Relay{Addr: ln.Addr().String(), Target: target, Source: source}
	r.start(ln, r.serve)
	t.Cleanup(r.Stop)
	return r
}

// Count is how many connections the relay forwarded.
func (r *Relay) Count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.count
}

func (r *Relay) serve(c net.Conn) {
	d := net.Dialer{Timeout: 5 * time.Second}
	if r.Source != nil {
		d.LocalAddr = &net.TCPAddr{IP: r.Source}
	}
	up, err := d.Dial("tcp", r.Target)
	if err != nil {
		c.Close()
		return
	}
	r.mu.Lock()
	r.count++
	r.mu.Unlock()
	r.pipe(c, c, up)
}

// relay is the machinery the proxies and Relay share: an accept loop and
// byte pipes, all stopped and waited for by Stop.
type relay struct {
	ln    net.Listener
	wg    sync.WaitGroup
	mu    sync.Mutex
	conns map[net.Conn]bool
	done  bool
}

func (r *relay) start(ln net.Listener, serve func(net.Conn)) {
	r.ln = ln
	r.conns = map[net.Conn]bool{}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			if !r.track(c) {
				c.Close()
				return
			}
			r.wg.Add(1)
			go func() {
				defer r.wg.Done()
				serve(c)
			}()
		}
	}()
}

// track remembers c for Stop; false once stopped.
func (r *relay) track(c net.Conn) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.done {
		return false
	}
	r.conns[c] = true
	return true
}

// pipe copies both ways between the client (reading from in, which may
// hold bytes already buffered) and up, until either side closes.
func (r *relay) pipe(client net.Conn, in io.Reader, up net.Conn) {
	if !r.track(up) {
		up.Close()
		client.Close()
		return
	}
	done := make(chan struct{}, 2)
	go func() {
		io.Copy(up, in)
		closeWrite(up)
		done <- struct{}{}
	}()
	go func() {
		io.Copy(client, up)
		closeWrite(client)
		done <- struct{}{}
	}()
	<-done
	<-done
	client.Close()
	up.Close()
}

func closeWrite(c net.Conn) {
	if tc, ok := c.(*net.TCPConn); ok {
		tc.CloseWrite()
		return
	}
	c.Close()
}

// Stop closes the listener and every connection, and waits for the
// goroutines. It may be called more than once.
func (r *relay) Stop() {
	r.mu.Lock()
	if r.done {
		r.mu.Unlock()
		return
	}
	r.done = true
	r.ln.Close()
	for c := range r.conns {
		c.Close()
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// FreePorts reserves a block of ports below the ephemeral range for the
// test (active-mode port ranges, relays) and releases it at cleanup. The
// ports were bindable on 127.0.0.1 when reserved.
func FreePorts(t testing.TB) (low, high int) {
	t.Helper()
	b, err := reservePorts()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.release)
	return b.control, b.pasvHigh
}
