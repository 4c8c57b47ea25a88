package protocol

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"
)

// sessionCache holds the TLS sessions of one control connection. Data
// connections resume from it but never write to it: tickets that arrive on
// a data connection, and the deletion crypto/tls performs after a failed
// resumption, would otherwise replace or drop the control connection's
// session, and strict servers (vsftpd require_ssl_reuse, proftpd) refuse
// a data connection that resumes anything else.
type sessionCache struct {
	mu       sync.Mutex
	sessions map[string]*tls.ClientSessionState
}

func newSessionCache() *sessionCache {
	return &sessionCache{sessions: make(map[string]*tls.ClientSessionState)}
}

func (s *sessionCache) Get(key string) (*tls.ClientSessionState, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cs, ok := s.sessions[key]
	return cs, ok
}

func (s *sessionCache) Put(key string, cs *tls.ClientSessionState) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if cs == nil {
		delete(s.sessions, key)
		return
	}
	s.sessions[key] = cs
}

// readOnlySessions is what data connections see of the session cache.
type readOnlySessions struct{ c *sessionCache }

func (r readOnlySessions) Get(key string) (*tls.ClientSessionState, bool) { return r.c.Get(key) }
func (r readOnlySessions) Put(string, *tls.ClientSessionState)            {}

// controlTLSConfig builds the control connection's TLS configuration.
// ServerName is always set, also in insecure mode, because crypto/tls keys
// its session cache by it: left empty, the key would be each data port's
// "ip:port" and no data connection would find the control session.
func (c *Conn) controlTLSConfig() (*tls.Config, error) {
	var cfg *tls.Config
	if c.opts.TLSConfig != nil {
		cfg = c.opts.TLSConfig.Clone()
	} else {
		cfg = &tls.Config{}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = c.serverName
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	switch {
	case len(c.opts.Fingerprint) > 0:
		if len(c.opts.Fingerprint) != sha256.Size {
			return nil, fmt.Errorf("ftp: fingerprint must be %d bytes of SHA-256, got %d", sha256.Size, len(c.opts.Fingerprint))
		}
		pin := bytes.Clone(c.opts.Fingerprint)
		cfg.InsecureSkipVerify = true // the pin replaces chain verification
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("ftp: server sent no certificate")
			}
			got := sha256.Sum256(cs.PeerCertificates[0].Raw)
			if !bytes.Equal(got[:], pin) {
				return &FingerprintMismatchError{Want: pin, Got: got[:], Cert: cs.PeerCertificates[0]}
			}
			return nil
		}
	case c.opts.InsecureSkipVerify:
		cfg.InsecureSkipVerify = true
	}
	cfg.ClientSessionCache = c.sessions
	return cfg, nil
}

// dataTLSConfig is the control configuration with a read-only view of the
// control connection's sessions.
func (c *Conn) dataTLSConfig() *tls.Config {
	cfg := c.tlsBase.Clone()
	cfg.ClientSessionCache = readOnlySessions{c.sessions}
	// Offer only the key exchange the server chose on the control
	// connection (the same server, the same TLS setup). crypto/tls ignores
	// the order of CurvePreferences and sends its own first choice
	// (hybrid ML-KEM with X25519), so a server that takes neither (vsftpd
	// wants P-256) would answer every data handshake with a
	// HelloRetryRequest: one more round trip per file.
	if c.tlsConn != nil {
		if id := c.tlsConn.ConnectionState().CurveID; id != 0 {
			cfg.CurvePreferences = []tls.CurveID{id}
		}
	}
	return cfg
}

// upgradeTLS is the one place the control connection turns into TLS.
func (c *Conn) upgradeTLS(ctx context.Context) error {
	defer c.guard(ctx)()
	tc := tls.Client(c.raw, c.tlsBase)
	if err := tc.HandshakeContext(ctx); err != nil {
		c.broken = err
		return fmt.Errorf("ftp: TLS handshake: %w", err)
	}
	c.tlsConn = tc
	c.conn = tc
	c.replies.r.Reset(tc)
	if c.opts.DebugLevel >= 2 {
		st := tc.ConnectionState()
		c.logf("TLS %s %s", tls.VersionName(st.Version), tls.CipherSuiteName(st.CipherSuite))
	}
	return nil
}

// ClearCommandChannel sends CCC (RFC 4217 section 6): the control
// connection returns to plain text after the login was protected, for
// firewalls that must read PORT commands. Data protection is unchanged.
func (c *Conn) ClearCommandChannel(ctx context.Context) error {
	if c.tlsConn == nil {
		return errors.New("ftp: CCC needs a TLS control connection")
	}
	if _, err := c.cmd(ctx, 2, "CCC"); err != nil {
		return err
	}
	defer c.guard(ctx)()
	// Both sides end the TLS session with close_notify, then the same TCP
	// connection carries plain text.
	if err := c.tlsConn.CloseWrite(); err != nil {
		return c.fail(ctx, err)
	}
	var one [1]byte
	if _, err := c.tlsConn.Read(one[:]); err == nil || !errors.Is(err, io.EOF) {
		if err == nil {
			err = errors.New("data after CCC before close_notify")
		}
		return c.fail(ctx, fmt.Errorf("ftp: CCC: %w", err))
	}
	c.conn = c.raw
	c.replies.r.Reset(c.raw)
	return nil
}

// FingerprintMismatchError reports a server certificate that is not the
// pinned one.
type FingerprintMismatchError struct {
	Want, Got []byte
	Cert      *x509.Certificate
}

func (e *FingerprintMismatchError) Error() string {
	return fmt.Sprintf("ftp: certificate fingerprint is %s, expected %s", FormatFingerprint(e.Got), FormatFingerprint(e.Want))
}

// FormatFingerprint writes a SHA-256 fingerprint as "sha256:" and hex.
func FormatFingerprint(sum []byte) string { return "sha256:" + hex.EncodeToString(sum) }

// CertificateFingerprint returns the SHA-256 fingerprint of a certificate.
func CertificateFingerprint(cert *x509.Certificate) []byte {
	sum := sha256.Sum256(cert.Raw)
	return sum[:]
}

// ParseFingerprint reads a SHA-256 fingerprint written as hex, with or
// without colons and an optional "sha256:" prefix.
func ParseFingerprint(s string) ([]byte, error) {
	t := strings.TrimSpace(s)
	if len(t) > 7 && strings.EqualFold(t[:7], "sha256:") {
		t = t[7:]
	}
	t = strings.ReplaceAll(t, ":", "")
	b, err := hex.DecodeString(t)
	if err != nil || len(b) != sha256.Size {
		return nil, fmt.Errorf("ftp: %q is not a SHA-256 fingerprint (64 hex digits)", s)
	}
	return b, nil
}

// LoadCAFile reads PEM certificates to trust in place of the system roots.
func LoadCAFile(path string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("ftp: %s holds no PEM certificate", path)
	}
	return pool, nil
}

// SameKeyExchange returns opts for further connections to this server
// with the TLS key exchange this connection agreed on as the only one
// offered. crypto/tls leads with hybrid ML-KEM, which servers such as
// vsftpd do not take; each new connection would otherwise pay a
// HelloRetryRequest, one round trip, before its login. opts is returned
// as it is for a plain-text connection, or when the caller already chose
// key exchanges.
func (c *Conn) SameKeyExchange(opts Options) Options {
	if c.tlsConn == nil {
		return opts
	}
	id := c.tlsConn.ConnectionState().CurveID
	if id == 0 || (opts.TLSConfig != nil && len(opts.TLSConfig.CurvePreferences) > 0) {
		return opts
	}
	cfg := &tls.Config{}
	if opts.TLSConfig != nil {
		cfg = opts.TLSConfig.Clone()
	}
	cfg.CurvePreferences = []tls.CurveID{id}
	opts.TLSConfig = cfg
	return opts
}
