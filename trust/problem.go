package trust

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"strings"
	"time"

	"ferry/internal/safe"
	"ferry/protocol"
)

// Kind is why a server's certificate was not accepted.
type Kind int

const (
	// UnknownAuthority: signed by an issuer that neither the system roots
	// nor the CA file trust (often a private CA).
	UnknownAuthority Kind = iota + 1
	// SelfSigned: signed by its own key, as home servers and appliances
	// make them.
	SelfSigned
	// Expired: outside its validity period, past NotAfter or before
	// NotBefore (see CertProblem.NotYetValid).
	Expired
	// WrongHost: issued for other names than the one ferry connected to.
	WrongHost
	// Changed: not the certificate stored (pinned) for this server. It
	// may be a renewal, or someone in the middle; ferry refuses it unless
	// the user explicitly replaces the stored one.
	Changed
	// Invalid: any other verification failure (a CA certificate that may
	// not sign, a certificate not meant for servers, ...).
	Invalid
)

var kindNames = map[Kind]string{
	UnknownAuthority: "unknown issuer",
	SelfSigned:       "self-signed",
	Expired:          "expired",
	WrongHost:        "wrong host",
	Changed:          "changed since you trusted it",
	Invalid:          "invalid",
}

func (k Kind) String() string {
	if s, ok := kindNames[k]; ok {
		return s
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// CertProblem describes a server certificate that failed verification, as
// a trust dialog shows it. It is an error that wraps the engine's.
type CertProblem struct {
	Kind Kind   // the reason verification stopped at: the headline
	Addr string // "host:port" ferry connected to
	Cert *x509.Certificate

	Fingerprint []byte // SHA-256 of Cert: what to pin or store
	Stored      []byte // for Changed: the fingerprint that was expected

	Subject, Issuer     string
	NotBefore, NotAfter time.Time
	Names               []string // DNS names and IP addresses it is valid for

	// Every fact that applies, whatever the headline: a self-signed
	// certificate for another host that expired last year has all three.
	SelfSigned  bool
	Expired     bool // past NotAfter
	NotYetValid bool // before NotBefore
	WrongHost   bool // Names do not cover Addr's host

	Err error // what protocol.Dial returned
}

// Diagnose reports whether err, from protocol.Dial or Conn methods on the
// connection to addr ("host:port"), is a certificate the engine did not
// accept, and describes it. now is the time to judge validity by.
func Diagnose(err error, addr string, now time.Time) (*CertProblem, bool) {
	p := &CertProblem{Addr: addr, Err: err}
	var mismatch *protocol.FingerprintMismatchError
	var verr *tls.CertificateVerificationError
	switch {
	case errors.As(err, &mismatch) && mismatch.Cert != nil:
		p.Kind, p.Cert, p.Stored = Changed, mismatch.Cert, bytes.Clone(mismatch.Want)
	case errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0:
		p.Cert = verr.UnverifiedCertificates[0]
		p.Kind = verificationKind(verr.Err, p.Cert)
	default:
		return nil, false
	}
	c := p.Cert
	p.Fingerprint = protocol.CertificateFingerprint(c)
	p.Subject, p.Issuer = c.Subject.String(), c.Issuer.String()
	p.NotBefore, p.NotAfter = c.NotBefore, c.NotAfter
	p.Names = append(p.Names, c.DNSNames...)
	for _, ip := range c.IPAddresses {
		p.Names = append(p.Names, ip.String())
	}
	p.SelfSigned = selfSigned(c)
	p.Expired, p.NotYetValid = now.After(c.NotAfter), now.Before(c.NotBefore)
	if host, _, err := net.SplitHostPort(addr); err == nil {
		p.WrongHost = c.VerifyHostname(host) != nil
	}
	return p, true
}

// verificationKind names the reason crypto/x509 gave.
func verificationKind(err error, leaf *x509.Certificate) Kind {
	var unknown x509.UnknownAuthorityError
	var invalid x509.CertificateInvalidError
	var host x509.HostnameError
	switch {
	case errors.As(err, &host):
		return WrongHost
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return Expired
	case errors.As(err, &unknown):
		if selfSigned(leaf) {
			return SelfSigned
		}
		return UnknownAuthority
	}
	return Invalid
}

// selfSigned reports whether c names itself as issuer and its own key
// verifies its signature.
func selfSigned(c *x509.Certificate) bool {
	return bytes.Equal(c.RawIssuer, c.RawSubject) && c.CheckSignatureFrom(c) == nil
}

func (p *CertProblem) Unwrap() error { return p.Err }

func (p *CertProblem) Error() string {
	if p.Kind == Changed {
		return fmt.Sprintf("the certificate of %s changed since you trusted it (now %s, trusted %s): refused",
			p.Addr, protocol.FormatFingerprint(p.Fingerprint), protocol.FormatFingerprint(p.Stored))
	}
	return fmt.Sprintf("the certificate of %s is not trusted (%s)", p.Addr, p.Kind)
}

// Details returns the certificate's description, one "label: value" line
// each, in the order a dialog shows them; every problem is on a line of
// its own.
func (p *CertProblem) Details() []string {
	lines := []string{
		"subject: " + p.Subject,
		"issuer: " + p.Issuer,
		"valid: " + p.NotBefore.UTC().Format(time.DateOnly) + " to " + p.NotAfter.UTC().Format(time.DateOnly),
		"names: " + strings.Join(p.Names, ", "),
		"fingerprint: " + protocol.FormatFingerprint(p.Fingerprint),
	}
	if p.Kind == Changed {
		lines = append(lines, "trusted before: "+protocol.FormatFingerprint(p.Stored),
			"problem: this is not the certificate you trusted for "+p.Addr+"; it may have been renewed, or someone may be intercepting the connection")
	}
	if p.SelfSigned {
		lines = append(lines, "problem: self-signed: nobody vouches for it but the server itself")
	} else if p.Kind == UnknownAuthority {
		lines = append(lines, "problem: issued by an authority this system does not trust")
	}
	if p.Expired {
		lines = append(lines, "problem: expired on "+p.NotAfter.UTC().Format(time.DateOnly))
	}
	if p.NotYetValid {
		lines = append(lines, "problem: not valid before "+p.NotBefore.UTC().Format(time.DateOnly))
	}
	if p.WrongHost {
		host, _, _ := net.SplitHostPort(p.Addr)
		lines = append(lines, "problem: issued for other names than "+host)
	}
	if p.Kind == Invalid {
		lines = append(lines, "problem: "+p.Err.Error())
	}
	for i, l := range lines {
		lines[i] = safe.Line(l) // a certificate's names are the server's text
	}
	return lines
}
