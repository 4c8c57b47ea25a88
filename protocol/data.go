package protocol

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"strconv"
	"strings"
	"time"
)

// dataPeer is how the client will get its data connection: dialled
// (passive) or accepted (active).
type dataPeer struct {
	conn net.Conn     // passive: already connected
	ln   net.Listener // active: waiting for the server
}

func (d *dataPeer) close() {
	if d.conn != nil {
		d.conn.Close()
	}
	if d.ln != nil {
		d.ln.Close()
	}
}

// openDataPeer prepares the data connection before the transfer command.
func (c *Conn) openDataPeer(ctx context.Context) (*dataPeer, error) {
	if c.opts.Active {
		return c.listenActive(ctx)
	}
	conn, err := c.dialPassive(ctx)
	if err != nil {
		return nil, err
	}
	return &dataPeer{conn: conn}, nil
}

// dialPassive asks for a passive port with EPSV, falling back to PASV when
// the server lacks EPSV or its EPSV port cannot be reached (seen behind
// load balancers). IPv6 has no PASV, so there EPSV failures are final.
func (c *Conn) dialPassive(ctx context.Context) (net.Conn, error) {
	ipv6 := c.peerIP != nil && c.peerIP.To4() == nil
	if !c.noEPSV && !c.opts.DisableEPSV {
		r, err := c.cmd(ctx, 0, "EPSV")
		if err != nil {
			return nil, err
		}
		if r.Code == CodeExtendedPassive {
			port, err := parseEPSV(r.Text())
			if err != nil {
				return nil, err
			}
			conn, err := c.dialData(ctx, net.JoinHostPort(c.dataHost(), strconv.Itoa(port)))
			if err == nil || ipv6 {
				return conn, err
			}
			c.logf("EPSV port unreachable (%v); falling back to PASV", err)
		} else if ipv6 {
			return nil, replyError("EPSV", r)
		}
		c.noEPSV = true
	}
	r, err := c.cmd(ctx, CodePassive, "PASV")
	if err != nil {
		return nil, err
	}
	ip, port, err := parsePASV(r.Text())
	if err != nil {
		return nil, err
	}
	host := c.dataHost()
	if c.opts.TrustPASVAddress {
		host = ip.String()
	} else if c.peerIP != nil && !ip.Equal(c.peerIP) {
		c.logf("ignoring PASV address %s; using control peer %s", ip, host)
	}
	return c.dialData(ctx, net.JoinHostPort(host, strconv.Itoa(port)))
}

// dataHost is where passive data connections go: the control peer's
// address, so a PASV reply cannot redirect the client elsewhere.
func (c *Conn) dataHost() string {
	if c.peerIP != nil {
		return c.peerIP.String()
	}
	return c.serverName
}

func (c *Conn) dialData(ctx context.Context, addr string) (net.Conn, error) {
	c.logf("data connection to %s", addr)
	dctx, cancel := context.WithDeadline(ctx, c.deadline(ctx))
	defer cancel()
	conn, err := c.opts.dial(dctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("ftp: data connection to %s: %w", addr, err)
	}
	return conn, nil
}

// parseEPSV reads the port from "Entering Extended Passive Mode
// (|||6446|)". The delimiter is whatever character follows "(".
func parseEPSV(text string) (int, error) {
	i := strings.IndexByte(text, '(')
	j := strings.LastIndexByte(text, ')')
	if i < 0 || j < i+5 {
		return 0, protocolError("malformed EPSV reply", text)
	}
	inner := text[i+1 : j]
	d := inner[0]
	if d < 33 || d > 126 {
		return 0, protocolError("malformed EPSV reply", text)
	}
	parts := strings.Split(inner, string(d))
	if len(parts) != 5 || parts[1] != "" || parts[2] != "" || parts[4] != "" {
		return 0, protocolError("malformed EPSV reply", text)
	}
	port, err := strconv.Atoi(parts[3])
	if err != nil || port < 1 || port > 65535 {
		return 0, protocolError("bad port in EPSV reply", text)
	}
	return port, nil
}

// parsePASV reads h1,h2,h3,h4,p1,p2 from a 227 reply. Servers differ on
// the text around the numbers, so it takes the first run of six.
func parsePASV(text string) (net.IP, int, error) {
	start := strings.IndexAny(text, "0123456789")
	if i := strings.IndexByte(text, '('); i >= 0 {
		start = i + 1
	}
	if start < 0 {
		return nil, 0, protocolError("malformed PASV reply", text)
	}
	end := start
	for end < len(text) && (text[end] >= '0' && text[end] <= '9' || text[end] == ',' || text[end] == ' ') {
		end++
	}
	fields := strings.Split(strings.ReplaceAll(text[start:end], " ", ""), ",")
	if len(fields) != 6 {
		return nil, 0, protocolError("malformed PASV reply", text)
	}
	var n [6]byte
	for i, f := range fields {
		v, err := strconv.Atoi(f)
		if err != nil || v < 0 || v > 255 {
			return nil, 0, protocolError("malformed PASV reply", text)
		}
		n[i] = byte(v)
	}
	port := int(n[4])<<8 | int(n[5])
	if port == 0 {
		return nil, 0, protocolError("PASV reply names port 0", text)
	}
	return net.IPv4(n[0], n[1], n[2], n[3]), port, nil
}

// listenActive opens a listener on the control connection's local address
// (on a port of Options.ActivePorts when set) and tells the server where
// to connect: that address, or Options.ActiveAddress behind NAT, with
// PORT for IPv4 and EPRT for IPv6, as ftplib does.
func (c *Conn) listenActive(ctx context.Context) (*dataPeer, error) {
	if c.opts.Proxy != nil {
		return nil, ErrActiveWithProxy
	}
	local, ok := c.raw.LocalAddr().(*net.TCPAddr)
	if !ok {
		return nil, errors.New("ftp: active mode needs a TCP control connection")
	}
	ln, err := listenInRange(local.IP, c.opts.ActivePorts)
	if err != nil {
		return nil, fmt.Errorf("ftp: active mode listen: %w", err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	announce := local.IP
	if c.opts.ActiveAddress != nil {
		announce = c.opts.ActiveAddress
	}
	var cmd string
	if ip4 := announce.To4(); ip4 != nil {
		cmd = fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", ip4[0], ip4[1], ip4[2], ip4[3], port>>8, port&0xff)
	} else {
		cmd = fmt.Sprintf("EPRT |2|%s|%d|", announce, port)
	}
	if _, err := c.cmd(ctx, 2, cmd); err != nil {
		ln.Close()
		return nil, err
	}
	return &dataPeer{ln: ln}, nil
}

// listenInRange listens on ip at a port of r, starting at a random one
// and trying each in turn, so parallel transfers share a small forwarded
// range; the zero range lets the system pick.
func listenInRange(ip net.IP, r PortRange) (*net.TCPListener, error) {
	if r.IsZero() {
		return net.ListenTCP("tcp", &net.TCPAddr{IP: ip})
	}
	n := r.High - r.Low + 1
	start := rand.IntN(n)
	var last error
	for i := range n {
		port := r.Low + (start+i)%n
		ln, err := net.ListenTCP("tcp", &net.TCPAddr{IP: ip, Port: port})
		if err == nil {
			return ln, nil
		}
		last = err
	}
	return nil, fmt.Errorf("no free port in %s: %w", r, last)
}

// accept waits for the server's active-mode connection and refuses any
// peer other than the control connection's (port theft).
func (c *Conn) accept(ctx context.Context, ln net.Listener) (net.Conn, error) {
	tl := ln.(*net.TCPListener)
	tl.SetDeadline(c.deadline(ctx))
	stop := context.AfterFunc(ctx, func() { tl.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	conn, err := tl.Accept()
	if err != nil {
		return nil, fmt.Errorf("ftp: waiting for the server's data connection: %w", err)
	}
	if from, ok := conn.RemoteAddr().(*net.TCPAddr); ok && c.peerIP != nil && !from.IP.Equal(c.peerIP) {
		conn.Close()
		return nil, fmt.Errorf("ftp: data connection from %s, not the server %s", from.IP, c.peerIP)
	}
	return conn, nil
}

// secureData wraps a data connection in TLS when PROT P is in force. The
// handshake is done here, after the transfer command's 1xx reply: servers
// such as proftpd and pure-ftpd start their side only then.
func (c *Conn) secureData(ctx context.Context, conn net.Conn) (net.Conn, error) {
	if !c.protected {
		return conn, nil
	}
	tc := tls.Client(conn, c.dataTLSConfig())
	conn.SetDeadline(c.deadline(ctx))
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("ftp: data connection TLS handshake: %w", err)
	}
	conn.SetDeadline(time.Time{})
	if c.opts.DebugLevel >= 2 {
		c.logf("data TLS %s resumed=%v curve=%v hrr=%v", tls.VersionName(tc.ConnectionState().Version), tc.ConnectionState().DidResume, tc.ConnectionState().CurveID, tc.ConnectionState().HelloRetryRequest)
	}
	return tc, nil
}
