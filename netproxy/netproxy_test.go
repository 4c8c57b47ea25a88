package netproxy_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"ferry/netproxy"
	"ferry/protocol"
	"ferry/protocol/ftptest"
)

func TestParseRefusesWhatItCannotUse(t *testing.T) {
	for _, tc := range []struct {
		url, want string
	}{
		{"https://proxy:3128", "not supported"},
		{"socks4://proxy:1080", "not supported"},
		{"socks5://proxy:0", "bad port"},
		{"socks5://proxy:99999", "bad port"},
		{"http://u:secret@proxy:8080/path", "no path"},
		{"proxy:8080", "want socks5://"},
		{"http://u:line%0Asecret@proxy", "line break"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			_, err := netproxy.Parse(tc.url)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Parse(%q) = %v, want an error with %q", tc.url, err, tc.want)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Fatalf("error repeats the password: %v", err)
			}
		})
	}
}

func TestParseDefaultsPortsAndHidesPassword(t *testing.T) {
	for _, tc := range []struct{ url, want string }{
		{"socks5://proxy", "socks5://proxy"},
		{"socks5h://bob:pw@proxy:9050", "socks5h://bob@proxy:9050"},
		{"http://bob:pw@proxy", "http://bob@proxy"},
	} {
		d, err := netproxy.Parse(tc.url)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.url, err)
		}
		if d.String() != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.url, d, tc.want)
		}
	}
}

// TestEveryConnectionGoesThroughTheProxy runs a listing, a download and an
// upload through each kind of proxy against real servers (vsftpd over
// TLS, whose data connections must resume the control session, and
// pyftpdlib in plain text), and checks on the proxy's side that the
// control connection and every data connection went through it, with the
// host named as socks5h and CONNECT must pass it (unresolved) and as
// socks5 must (resolved here).
func TestEveryConnectionGoesThroughTheProxy(t *testing.T) {
	servers := map[ftptest.Kind]*ftptest.Server{}
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.Pyftpdlib} {
		servers[kind] = ftptest.Start(t, kind, ftptest.Options{})
	}
	for _, tc := range []struct {
		name       string
		kind       ftptest.ProxyKind
		scheme     string
		auth       bool
		targetHost string // as the proxy must see it
	}{
		{"socks5", ftptest.SOCKS5, "socks5", false, "127.0.0.1"},
		{"socks5-auth", ftptest.SOCKS5, "socks5", true, "127.0.0.1"},
		{"socks5h", ftptest.SOCKS5, "socks5h", false, "localhost"},
		{"socks5h-auth", ftptest.SOCKS5, "socks5h", true, "localhost"},
		{"http", ftptest.HTTPConnect, "http", false, "localhost"},
		{"http-auth", ftptest.HTTPConnect, "http", true, "localhost"},
	} {
		for kind, s := range servers {
			t.Run(tc.name+"/"+string(kind), func(t *testing.T) {
				var po ftptest.ProxyOptions
				if tc.auth {
					po = ftptest.ProxyOptions{User: "pu", Password: "p:w@d"}
				}
				p := ftptest.StartProxy(t, tc.kind, po)
				u := strings.Replace(p.URL(), string(tc.kind)+"://", tc.scheme+"://", 1)
				d, err := netproxy.Parse(u)
				if err != nil {
					t.Fatal(err)
				}
				n := exercise(t, s, d)
				targets := p.Targets()
				if len(targets) != 1+n {
					t.Fatalf("the proxy carried %d connections %v, want the control one and %d data connections", len(targets), targets, n)
				}
				_, port, _ := net.SplitHostPort(s.Addr)
				if targets[0] != net.JoinHostPort(tc.targetHost, port) {
					t.Errorf("control connection to %q, want %q", targets[0], net.JoinHostPort(tc.targetHost, port))
				}
				for _, tg := range targets[1:] {
					if h, _, _ := net.SplitHostPort(tg); h != tc.targetHost {
						t.Errorf("data connection to %q, want host %q", tg, tc.targetHost)
					}
				}
			})
		}
	}
}

// exercise lists, downloads and uploads through d on server s, returning
// how many data connections that took.
func exercise(t *testing.T, s *ftptest.Server, d *netproxy.Dialer) int {
	t.Helper()
	ctx := context.Background()
	_, port, _ := net.SplitHostPort(s.Addr)
	opts := protocol.Options{Security: protocol.Plain, Proxy: d, Timeout: 10 * time.Second}
	if s.TLS {
		opts.Security = protocol.Explicit
		opts.TLSConfig = &tls.Config{RootCAs: s.CertPool}
	}
	s.WriteFile(t, "hello.txt", []byte("hello through a proxy"))
	c, err := protocol.Dial(ctx, net.JoinHostPort("localhost", port), opts)
	if err != nil {
		t.Fatalf("dial: %v", err)
	}
	defer c.Quit(ctx)
	if err := c.Login(ctx, s.User, s.Password); err != nil {
		t.Fatalf("login: %v", err)
	}
	entries, err := c.List(ctx, "")
	if err != nil || len(entries.Entries) == 0 {
		t.Fatalf("list: %v %v", entries, err)
	}
	var got bytes.Buffer
	if _, err := c.Retrieve(ctx, "hello.txt", &got, 0); err != nil || got.String() != "hello through a proxy" {
		t.Fatalf("retrieve: %q %v", got.String(), err)
	}
	if _, err := c.Store(ctx, "up.txt", strings.NewReader("uploaded"), 0); err != nil {
		t.Fatalf("store: %v", err)
	}
	return 3
}

func TestProxyRefusesWrongCredentials(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	for _, kind := range []ftptest.ProxyKind{ftptest.SOCKS5, ftptest.HTTPConnect} {
		t.Run(string(kind), func(t *testing.T) {
			p := ftptest.StartProxy(t, kind, ftptest.ProxyOptions{User: "pu", Password: "right"})
			d, err := netproxy.Parse(string(kind) + "://pu:wrong@" + p.Addr)
			if err != nil {
				t.Fatal(err)
			}
			_, err = protocol.Dial(context.Background(), s.Addr, protocol.Options{Security: protocol.Plain, Proxy: d, Timeout: 5 * time.Second})
			if err == nil {
				t.Fatal("dial through a proxy with the wrong password succeeded")
			}
			if strings.Contains(err.Error(), "wrong") {
				t.Errorf("the error repeats the password: %v", err)
			}
			if kind == ftptest.HTTPConnect && !errors.Is(err, netproxy.ErrProxyAuth) {
				t.Errorf("error %v, want ErrProxyAuth", err)
			}
			if p.Refused() != 1 || len(p.Targets()) != 0 {
				t.Errorf("proxy refused %d and carried %v", p.Refused(), p.Targets())
			}
		})
	}
}

func TestActiveModeThroughAProxyIsRefused(t *testing.T) {
	p := ftptest.StartProxy(t, ftptest.SOCKS5, ftptest.ProxyOptions{})
	d, err := netproxy.Parse(p.URL())
	if err != nil {
		t.Fatal(err)
	}
	_, err = protocol.Dial(context.Background(), "127.0.0.1:21", protocol.Options{Proxy: d, Active: true})
	if !errors.Is(err, protocol.ErrActiveWithProxy) {
		t.Fatalf("Dial with Active and Proxy = %v, want ErrActiveWithProxy", err)
	}
	if n := len(p.Targets()) + p.Refused(); n != 0 {
		t.Fatalf("the proxy saw %d connections; the refusal must come first", n)
	}
}

// TestCONNECTKeepsBytesSentWithTheAnswer: a proxy that writes the
// server's first bytes in the same packet as its 200 must not lose them.
func TestCONNECTKeepsBytesSentWithTheAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		buf := make([]byte, 4096)
		c.Read(buf)
		c.Write([]byte("HTTP/1.0 200 OK\r\nX-A: b\r\n\r\n220 hello\r\n"))
		time.Sleep(100 * time.Millisecond)
	}()
	d, err := netproxy.Parse("http://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c, err := d.DialContext(context.Background(), "tcp", "ftp.example.org:21")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	buf := make([]byte, 64)
	c.SetDeadline(time.Now().Add(2 * time.Second))
	n, _ := c.Read(buf)
	if string(buf[:n]) != "220 hello\r\n" {
		t.Fatalf("first read %q, want the greeting", buf[:n])
	}
}

// TestCONNECTBoundsTheAnswer: a proxy that never ends its header line is
// cut off, not buffered without end.
func TestCONNECTBoundsTheAnswer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		defer c.Close()
		c.Read(make([]byte, 4096))
		c.Write([]byte("HTTP/1.1 200 OK\r\nX: "))
		chunk := bytes.Repeat([]byte("a"), 4096)
		for range 1000 {
			if _, err := c.Write(chunk); err != nil {
				return
			}
		}
	}()
	d, err := netproxy.Parse("http://" + ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err = d.DialContext(ctx, "tcp", "ftp.example.org:21")
	if err == nil || !strings.Contains(err.Error(), "too long") {
		t.Fatalf("DialContext = %v, want a too-long header error", err)
	}
}

// TestASilentProxyIsBoundedByTheDeadline: a proxy that accepts and then
// says nothing ends the dial at the context's deadline, for both kinds.
func TestASilentProxyIsBoundedByTheDeadline(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close() // held open, never answered
		}
	}()
	for _, scheme := range []string{"http", "socks5h"} {
		t.Run(scheme, func(t *testing.T) {
			d, err := netproxy.Parse(scheme + "://" + ln.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
			defer cancel()
			done := make(chan error, 1)
			go func() {
				c, err := d.DialContext(ctx, "tcp", "ftp.example.org:21")
				if c != nil {
					c.Close()
				}
				done <- err
			}()
			select {
			case err := <-done:
				if err == nil {
					t.Fatal("a silent proxy gave a connection")
				}
			case <-time.After(10 * time.Second):
				t.Fatal("the dial outlived its deadline by far")
			}
		})
	}
}
