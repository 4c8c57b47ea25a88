// Package netproxy turns a proxy URL (--proxy, a bookmark's proxy key)
// into a dialer for the FTP engine's Options.Proxy: SOCKS5 through
// golang.org/x/net/proxy, and HTTP CONNECT, which it speaks itself.
//
//	socks5://[user:pass@]host:port    names are resolved here, addresses go to the proxy
//	socks5h://[user:pass@]host:port   names go to the proxy, which resolves them
//	http://[user:pass@]host:port      CONNECT, with Basic authentication when given
//
// It knows nothing of FTP: the engine asks it for each control and data
// connection.
package netproxy

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/proxy"
)

// Dialer opens connections through a proxy. It is safe for concurrent
// use.
type Dialer struct {
	url     *url.URL // without its password, for messages
	scheme  string
	addr    string // the proxy's host:port
	user    string
	pass    string
	hasAuth bool
	socks   proxy.ContextDialer
	direct  net.Dialer
}

// defaultPorts are used when a proxy URL has none: 1080 for SOCKS, 8080
// for HTTP (curl and lftp use the same).
var defaultPorts = map[string]string{"socks5": "1080", "socks5h": "1080", "http": "8080"}

// Parse reads a proxy URL. The error names what is wrong without
// repeating a password.
func Parse(raw string) (*Dialer, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("proxy %q: want socks5://, socks5h:// or http://[user:pass@]host:port", redact(raw))
	}
	scheme := strings.ToLower(u.Scheme)
	port, ok := defaultPorts[scheme]
	if !ok {
		return nil, fmt.Errorf("proxy %s: scheme %q is not supported (socks5, socks5h or http)", u.Redacted(), u.Scheme)
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		return nil, fmt.Errorf("proxy %s: a proxy URL has no path or query", u.Redacted())
	}
	if u.Port() != "" {
		port = u.Port()
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("proxy %s: bad port %q", u.Redacted(), port)
		}
	}
	d := &Dialer{scheme: scheme, addr: net.JoinHostPort(u.Hostname(), port), direct: net.Dialer{Timeout: 30 * time.Second}}
	if u.User != nil {
		d.user = u.User.Username()
		d.pass, _ = u.User.Password()
		d.hasAuth = true
		if strings.ContainsAny(d.user+d.pass, "\r\n\x00") {
			return nil, fmt.Errorf("proxy %s: user or password contains a line break or NUL", u.Redacted())
		}
	}
	shown := *u
	if shown.User != nil {
		shown.User = url.User(shown.User.Username())
	}
	d.url = &shown
	if scheme != "http" {
		var auth *proxy.Auth
		if d.hasAuth {
			auth = &proxy.Auth{User: d.user, Password: d.pass}
		}
		sd, err := proxy.SOCKS5("tcp", d.addr, auth, &d.direct)
		if err != nil {
			return nil, fmt.Errorf("proxy %s: %w", d, err)
		}
		d.socks = sd.(proxy.ContextDialer)
	}
	return d, nil
}

// String is the proxy's URL without the password.
func (d *Dialer) String() string { return d.url.String() }

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	if at := strings.LastIndex(raw, "@"); at >= 0 {
		return "…" + raw[at:]
	}
	return raw
}

// DialContext connects to addr ("host:port") through the proxy. Only
// TCP is supported.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	switch network {
	case "tcp", "tcp4", "tcp6":
	default:
		return nil, fmt.Errorf("proxy %s: network %q is not supported", d, network)
	}
	var conn net.Conn
	var err error
	switch d.scheme {
	case "socks5":
		var resolved string
		if resolved, err = resolve(ctx, addr); err == nil {
			conn, err = d.socks.DialContext(ctx, "tcp", resolved)
		}
	case "socks5h":
		conn, err = d.socks.DialContext(ctx, "tcp", addr)
	default:
		conn, err = d.connect(ctx, addr)
	}
	if err != nil {
		return nil, fmt.Errorf("through proxy %s: %w", d, err)
	}
	return conn, nil
}

// resolve looks a host name up locally (socks5://, as curl does), so the
// proxy is given an address.
func resolve(ctx context.Context, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if net.ParseIP(host) != nil {
		return addr, nil
	}
	ips, err := net.DefaultResolver.LookupIP(ctx, "ip", host)
	if err != nil {
		return "", err
	}
	if len(ips) == 0 {
		return "", fmt.Errorf("no address for %s", host)
	}
	for _, ip := range ips {
		if ip.To4() != nil { // the SOCKS server may lack IPv6
			return net.JoinHostPort(ip.String(), port), nil
		}
	}
	return net.JoinHostPort(ips[0].String(), port), nil
}

// maxHeader bounds an HTTP proxy's answer to CONNECT.
const (
	maxHeaderLine  = 8 << 10
	maxHeaderLines = 100
)

// ErrProxyAuth means the HTTP proxy wants (other) credentials.
var ErrProxyAuth = errors.New("the proxy requires authentication (407); put user:password in the proxy URL")

// connect opens a tunnel with HTTP CONNECT (RFC 9110, 9.3.6).
func (d *Dialer) connect(ctx context.Context, addr string) (net.Conn, error) {
	if strings.ContainsAny(addr, "\r\n\x00 ") {
		return nil, fmt.Errorf("bad target %q", addr)
	}
	conn, err := d.direct.DialContext(ctx, "tcp", d.addr)
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			conn.Close()
		}
	}()
	if dl, has := ctx.Deadline(); has {
		conn.SetDeadline(dl)
	} else {
		conn.SetDeadline(time.Now().Add(d.direct.Timeout))
	}
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()

	req := "CONNECT " + addr + " HTTP/1.1\r\nHost: " + addr + "\r\n"
	if d.hasAuth {
		req += "Proxy-Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte(d.user+":"+d.pass)) + "\r\n"
	}
	req += "\r\n"
	if _, err := conn.Write([]byte(req)); err != nil {
		return nil, d.cause(ctx, err)
	}
	br := bufio.NewReaderSize(conn, maxHeaderLine)
	status, err := readLine(br)
	if err != nil {
		return nil, d.cause(ctx, err)
	}
	code, err := parseStatus(status)
	if err != nil {
		return nil, err
	}
	for i := 0; ; i++ {
		line, err := readLine(br)
		if err != nil {
			return nil, d.cause(ctx, err)
		}
		if line == "" {
			break
		}
		if i == maxHeaderLines {
			return nil, errors.New("the proxy's answer has too many header lines")
		}
	}
	switch {
	case code == 407:
		return nil, ErrProxyAuth
	case code/100 != 2:
		return nil, fmt.Errorf("the proxy refused CONNECT %s: %s", addr, status)
	}
	conn.SetDeadline(time.Time{})
	ok = true
	if br.Buffered() > 0 { // the server spoke first (an FTP greeting)
		return &bufferedConn{Conn: conn, r: br}, nil
	}
	return conn, nil
}

func (d *Dialer) cause(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}

// readLine reads one header line, refusing one longer than the buffer.
func readLine(br *bufio.Reader) (string, error) {
	b, err := br.ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		return "", errors.New("the proxy sent a header line that is too long")
	}
	if err != nil {
		return "", err
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// parseStatus reads the code of "HTTP/1.1 200 Connection established".
func parseStatus(line string) (int, error) {
	proto, rest, _ := strings.Cut(line, " ")
	codeText, _, _ := strings.Cut(rest, " ")
	code, err := strconv.Atoi(codeText)
	if !strings.HasPrefix(proto, "HTTP/1.") || err != nil || code < 100 || code > 599 {
		return 0, fmt.Errorf("the proxy did not answer in HTTP: %q", truncate(line, 80))
	}
	return code, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// bufferedConn is a tunnel whose first bytes were read along with the
// proxy's answer.
type bufferedConn struct {
	net.Conn
	r *bufio.Reader
}

func (c *bufferedConn) Read(p []byte) (int, error) {
	if c.r.Buffered() > 0 {
		return c.r.Read(p)
	}
	return c.Conn.Read(p)
}
