package protocol_test

import (
	"context"
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestCertificateTrust covers the ways a certificate is accepted or
// refused against a real server with a self-signed certificate.
func TestCertificateTrust(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	wrongPin := make([]byte, 32)
	tests := []struct {
		name    string
		opts    protocol.Options
		wantErr func(error) bool
	}{
		{"system roots refuse a self-signed certificate",
			protocol.Options{Security: protocol.Explicit},
			func(err error) bool { var v *tls.CertificateVerificationError; return errors.As(err, &v) }},
		{"auto mode never falls back to plain text on a bad certificate",
			protocol.Options{Security: protocol.ExplicitIfOffered},
			func(err error) bool { var v *tls.CertificateVerificationError; return errors.As(err, &v) }},
		{"the test CA is trusted",
			protocol.Options{TLSConfig: &tls.Config{RootCAs: s.CertPool}}, nil},
		{"a matching fingerprint pin is trusted",
			protocol.Options{Fingerprint: s.Fingerprint[:]}, nil},
		{"a wrong pin is refused",
			protocol.Options{Fingerprint: wrongPin},
			func(err error) bool { var f *protocol.FingerprintMismatchError; return errors.As(err, &f) }},
		{"insecure mode accepts anything",
			protocol.Options{InsecureSkipVerify: true}, nil},
		{"a CA with the wrong host name is refused",
			protocol.Options{TLSConfig: &tls.Config{RootCAs: s.CertPool, ServerName: "not-this-host.example"}},
			func(err error) bool { var v *tls.CertificateVerificationError; return errors.As(err, &v) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opts.Timeout = 5 * time.Second
			c, err := protocol.Dial(context.Background(), s.Addr, tt.opts)
			if tt.wantErr != nil {
				if err == nil {
					c.Close()
					t.Fatal("connected")
				}
				if !tt.wantErr(err) {
					t.Fatalf("wrong error: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			if err := c.Login(context.Background(), s.User, s.Password); err != nil {
				t.Fatal(err)
			}
			if _, err := c.NameList(context.Background(), ""); err != nil {
				t.Fatalf("data connection: %v", err)
			}
		})
	}
}

// TestAutoModeFallsBackOnlyWhenAUTHIsRefused uses pyftpdlib, which runs
// without TLS and refuses AUTH.
func TestAutoModeFallsBackOnlyWhenAUTHIsRefused(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	ctx := context.Background()
	c, err := protocol.Dial(ctx, s.Addr, protocol.Options{Security: protocol.ExplicitIfOffered, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if !c.TLSRefused() {
		t.Fatal("TLSRefused() = false against a plain server")
	}
	if err := c.Login(ctx, s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	_, err = protocol.Dial(ctx, s.Addr, protocol.Options{Security: protocol.Explicit, Timeout: 5 * time.Second})
	if !errors.Is(err, protocol.ErrTLSRequired) {
		t.Fatalf("explicit TLS against a plain server: %v", err)
	}
}

// TestServerWithoutTicketsExplainsTheRefusal: proftpd limited to TLS 1.2
// issues no session tickets yet requires reuse; crypto/tls cannot resume
// without a ticket, so the engine names the cause and PROT C still works.
func TestServerWithoutTicketsExplainsTheRefusal(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{MaxTLS: tls.VersionTLS12})
	s.WriteFile(t, "f.txt", []byte("clear data"))
	ctx := context.Background()
	c := dial(t, s, mode{security: protocol.Explicit})
	_, err := c.NameList(ctx, "")
	if !errors.Is(err, protocol.ErrSessionNotResumed) || !errors.Is(err, protocol.ErrTemporary) {
		t.Fatalf("err = %v, want the session-reuse explanation on the 425", err)
	}
	opts := protocol.Options{TLSConfig: &tls.Config{RootCAs: s.CertPool}, ClearData: true, Timeout: 5 * time.Second}
	clear, err := protocol.Dial(ctx, s.Addr, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer clear.Close()
	if err := clear.Login(ctx, s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if _, err := clear.Retrieve(ctx, "f.txt", &b, 0); err != nil || b.String() != "clear data" {
		t.Fatalf("PROT C: %q %v", b.String(), err)
	}
}
