package protocol

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"
)

// Security selects how a connection uses TLS.
type Security int

const (
	// Explicit upgrades the control connection with AUTH TLS (RFC 4217)
	// and fails when the server refuses. It is the zero value: ferry
	// encrypts unless told otherwise.
	Explicit Security = iota
	// ExplicitIfOffered tries AUTH TLS and stays in plain text only when
	// the server refuses it; Conn.TLSRefused then reports true. A failed
	// certificate check is an error, never a reason to fall back.
	ExplicitIfOffered
	// Implicit starts TLS on the first byte (FTPS, usually port 990).
	Implicit
	// Plain uses no TLS at all.
	Plain
)

func (s Security) String() string {
	switch s {
	case Explicit:
		return "explicit"
	case ExplicitIfOffered:
		return "auto"
	case Implicit:
		return "implicit"
	case Plain:
		return "off"
	}
	return "unknown"
}

// DefaultTimeout bounds each network wait when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// Options configure a Conn. The zero value is a secure default: explicit
// TLS verified against the system roots, passive mode, 30 s timeouts.
type Options struct {
	Security Security

	// TLSConfig is the base TLS configuration (RootCAs, MinVersion,
	// MaxVersion). It is cloned; the engine sets ServerName and its own
	// session cache. Nil means system roots and TLS 1.2 or newer.
	TLSConfig *tls.Config
	// Fingerprint pins the server certificate: when set, the SHA-256 of
	// the leaf certificate's DER must equal it, and it alone decides trust
	// (for self-signed servers). Parse one with ParseFingerprint.
	Fingerprint []byte
	// InsecureSkipVerify accepts any certificate. The session is still
	// encrypted but an attacker on the path can read it.
	InsecureSkipVerify bool
	// ClearData keeps data connections unencrypted (PROT C) while the
	// control connection, and so the password, stays protected.
	ClearData bool

	// Timeout bounds every network wait: connect, each reply, each read
	// or write on a data connection. Zero means DefaultTimeout.
	Timeout time.Duration
	// LocalAddr is the source address for the control and data
	// connections (ftplib's source_address). Nil lets the system choose.
	LocalAddr net.Addr
	// DialContext replaces net.Dialer for outgoing connections (tests).
	// It must honour ctx. Proxy, when set, takes precedence.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// Proxy carries the control connection and every passive data
	// connection (a SOCKS5 or HTTP CONNECT client, see package netproxy).
	// It is given the server's host as the caller named it, so a proxy
	// that resolves names itself can reach hosts the client cannot
	// resolve; data connections go to that same host. Active mode cannot
	// work through a proxy (the server would connect to the proxy's
	// network, not to us) and is refused with ErrActiveWithProxy.
	Proxy Dialer

	// Active makes the server connect to us (EPRT/PORT) for data instead
	// of the default passive mode (EPSV, then PASV).
	Active bool
	// ActiveAddress is the address announced in PORT/EPRT instead of
	// the control connection's local address: the public address of a
	// NAT router that forwards ActivePorts to this machine. The listener
	// itself stays on the control connection's local address.
	ActiveAddress net.IP
	// ActivePorts limits the ports active mode listens on (the range a
	// router forwards); the zero value lets the system choose.
	ActivePorts PortRange
	// DisableEPSV skips EPSV and uses PASV directly (IPv4 only).
	DisableEPSV bool
	// TrustPASVAddress connects to the address a PASV reply names. By
	// default the engine ignores it and uses the control connection's
	// peer, so a hostile server cannot aim the client at a third host.
	TrustPASVAddress bool

	// Encoding is the charset of the server's file names (see
	// LookupCharset): names are decoded from it in listings and replies
	// and encoded into it in commands. "" or "auto" uses names as the
	// server sends them (UTF-8 after OPTS UTF8 ON where offered).
	Encoding string

	// NoPipelining sends every command alone and waits for its reply. By
	// default commands that do not depend on each other go out together
	// (see Conn.Batch), which saves a round trip each on a slow link; set
	// it for a server that loses commands sent before it answered the
	// previous one.
	NoPipelining bool

	// Debug receives the control conversation with passwords masked;
	// DebugLevel 1 logs each command and the first line of each reply,
	// 2 and above logs every reply line and data connection events.
	Debug      io.Writer
	DebugLevel int

	// MaxLineLength and MaxReplySize bound reply lines and whole
	// replies; zero means DefaultMaxLineLength and DefaultMaxReplySize.
	MaxLineLength int
	MaxReplySize  int
	// MaxListingEntries bounds the entries of one listing (List,
	// NameList), so a server that never ends a listing cannot exhaust
	// memory; zero means DefaultMaxListingEntries.
	MaxListingEntries int
}

// DefaultMaxListingEntries is ten times the largest directories seen in
// practice; a million entries take about 250 MB.
const DefaultMaxListingEntries = 1_000_000

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

// Dialer opens connections; a proxy client is one. It must honour ctx.
type Dialer interface {
	DialContext(ctx context.Context, network, addr string) (net.Conn, error)
}

// PortRange is an inclusive range of TCP ports; the zero value means any.
type PortRange struct{ Low, High int }

// IsZero reports whether r leaves the choice of port to the system.
func (r PortRange) IsZero() bool { return r.Low == 0 && r.High == 0 }

// Valid reports whether r is the zero value or 1 <= Low <= High <= 65535.
func (r PortRange) Valid() bool {
	return r.IsZero() || 1 <= r.Low && r.Low <= r.High && r.High <= 65535
}

func (r PortRange) String() string { return fmt.Sprintf("%d-%d", r.Low, r.High) }

// ParsePortRange reads "LOW-HIGH" (or one port, "PORT").
func ParsePortRange(s string) (PortRange, error) {
	lo, hi, found := strings.Cut(strings.TrimSpace(s), "-")
	if !found {
		hi = lo
	}
	l, err1 := strconv.Atoi(strings.TrimSpace(lo))
	h, err2 := strconv.Atoi(strings.TrimSpace(hi))
	r := PortRange{Low: l, High: h}
	if err1 != nil || err2 != nil || r.IsZero() || !r.Valid() {
		return PortRange{}, fmt.Errorf("port range %q: want LOW-HIGH with 1 <= LOW <= HIGH <= 65535", s)
	}
	return r, nil
}

// check refuses combinations of options that cannot work.
func (o *Options) check() error {
	switch {
	case o.Active && o.Proxy != nil:
		return ErrActiveWithProxy
	case !o.ActivePorts.Valid():
		return fmt.Errorf("ftp: active ports %s: want 1 <= LOW <= HIGH <= 65535", o.ActivePorts)
	case o.ActiveAddress != nil && o.ActiveAddress.To16() == nil:
		return fmt.Errorf("ftp: active address %v is not an IP address", o.ActiveAddress)
	}
	return nil
}

func (o *Options) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	if o.Proxy != nil {
		return o.Proxy.DialContext(ctx, network, addr)
	}
	if o.DialContext != nil {
		return o.DialContext(ctx, network, addr)
	}
	d := net.Dialer{Timeout: o.timeout(), LocalAddr: o.LocalAddr}
	return d.DialContext(ctx, network, addr)
}
