package ui

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"os"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"ferry/panes/panestest"
	"ferry/protocol"
	"ferry/trust"
)

// testCert is a self-signed certificate kept in testdata, so screens that
// show its fingerprint stay the same.
func testCert(t *testing.T) *x509.Certificate {
	t.Helper()
	data, err := os.ReadFile("testdata/selfsigned.pem")
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(data)
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// untrustedServer is a ConnectFunc for a server whose certificate is
// self-signed: it succeeds only when the target pins that certificate.
func untrustedServer(cert *x509.Certificate, remote RemoteFS, pins *[][]byte) ConnectFunc {
	return func(_ context.Context, t Target, _ string, _ io.Writer) (RemoteFS, error) {
		*pins = append(*pins, t.Pin)
		if bytes.Equal(t.Pin, protocol.CertificateFingerprint(cert)) {
			return remote, nil
		}
		verr := &tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: x509.UnknownAuthorityError{Cert: cert}}
		return nil, &DialError{Addr: "ftp.example.org:21", Err: verr}
	}
}

func TestTrustDialogTrustsAlwaysThenPinsAndRemembers(t *testing.T) {
	cert := testCert(t)
	store := trust.Open(t.TempDir())
	remote := panestest.New("ftpes://me@ftp.example.org", "/", map[string]string{"hello.txt": "hi"})
	var pins [][]byte
	m := New(Config{Local: panestest.New("", "/home/me", nil), Connect: untrustedServer(cert, remote, &pins), Trust: store})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 35})
	m.active = rightPane // connect opens a server in the active pane
	h.run(m.connect(Target{URL: "ftpes://me@ftp.example.org/"}, ""))
	d, ok := m.dialog.(*trustDialog)
	if !ok {
		t.Fatalf("dialog %#v, status %q", m.dialog, m.status)
	}
	view := h.screen()
	for _, want := range []string{"not trusted", "ftp.example.org", "Example Hosting", protocol.FormatFingerprint(protocol.CertificateFingerprint(cert))[:20], "trust always"} {
		if !strings.Contains(view, want) {
			t.Errorf("trust dialog lacks %q:\n%s", want, view)
		}
	}
	_ = d
	h.key("a")
	if m.panes[rightPane].remote == nil {
		t.Fatalf("not connected after trusting: %q", m.status)
	}
	if fp, ok := store.Lookup("ftp.example.org:21"); !ok || !bytes.Equal(fp, protocol.CertificateFingerprint(cert)) {
		t.Fatal("trust always did not store the certificate")
	}
	if len(pins) != 2 || pins[0] != nil || pins[1] == nil {
		t.Fatalf("connect attempts pinned %x", pins)
	}
}

func TestTrustDialogCancelConnectsNothing(t *testing.T) {
	cert := testCert(t)
	var pins [][]byte
	m := New(Config{Local: panestest.New("", "/home/me", nil), Connect: untrustedServer(cert, nil, &pins)})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 35})
	m.active = rightPane // connect opens a server in the active pane
	h.run(m.connect(Target{URL: "ftpes://me@ftp.example.org/"}, ""))
	if _, ok := m.dialog.(*trustDialog); !ok {
		t.Fatalf("dialog %#v", m.dialog)
	}
	if strings.Contains(h.screen(), "trust always") {
		t.Fatal("offers to store a certificate without a store")
	}
	h.key("esc")
	if m.panes[rightPane].remote != nil || len(pins) != 1 {
		t.Fatalf("connected (%v) or tried again (%d attempts) after cancel", m.panes[rightPane].remote != nil, len(pins))
	}
}

func TestChangedCertificateNeedsTypedReplace(t *testing.T) {
	cert := testCert(t)
	dir := t.TempDir()
	store := trust.Open(dir)
	other := *cert
	other.Raw = append([]byte(nil), cert.Raw...)
	other.Raw[len(other.Raw)-1] ^= 0xff // a different fingerprint
	if err := store.Trust("ftp.example.org:21", &other); err != nil {
		t.Fatal(err)
	}
	remote := panestest.New("ftpes://me@ftp.example.org", "/", nil)
	connect := func(_ context.Context, t Target, _ string, _ io.Writer) (RemoteFS, error) {
		if bytes.Equal(t.Pin, protocol.CertificateFingerprint(cert)) {
			return remote, nil
		}
		stored, _ := store.Lookup("ftp.example.org:21")
		return nil, &DialError{Addr: "ftp.example.org:21", Err: &protocol.FingerprintMismatchError{Want: stored, Got: protocol.CertificateFingerprint(cert), Cert: cert}}
	}
	m := New(Config{Local: panestest.New("", "/home/me", nil), Connect: connect, Trust: store})
	h := &harness{t: t, m: m}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 35})
	m.active = rightPane // connect opens a server in the active pane
	h.run(m.connect(Target{URL: "ftpes://me@ftp.example.org/"}, ""))
	if !strings.Contains(h.screen(), "CHANGED") {
		t.Fatalf("no loud warning:\n%s", h.screen())
	}
	// Each fact once: the two fingerprints and the warning are not
	// repeated by the details under them.
	dialog := strings.Join(strings.Fields(h.screen()), " ")
	stored, _ := store.Lookup("ftp.example.org:21")
	for _, once := range []string{protocol.FormatFingerprint(stored), protocol.FormatFingerprint(protocol.CertificateFingerprint(cert)), "intercepting"} {
		if n := strings.Count(dialog, strings.Join(strings.Fields(once), " ")); n != 1 {
			t.Errorf("%q is shown %d times, want once:\n%s", once, n, h.screen())
		}
	}
	h.key("a", "o", "enter") // single keys do nothing here
	if m.panes[rightPane].remote != nil {
		t.Fatal("a changed certificate was accepted without typing replace")
	}
	h.typeText("replace")
	h.key("enter")
	if m.panes[rightPane].remote == nil {
		t.Fatalf("typed replace did not connect: %q", m.status)
	}
	if fp, _ := store.Lookup("ftp.example.org:21"); !bytes.Equal(fp, protocol.CertificateFingerprint(cert)) {
		t.Fatal("the stored certificate was not replaced")
	}
}

func TestGoldenTrustDialog(t *testing.T) {
	cert := testCert(t)
	var pins [][]byte
	goldenScreenWith(t, 120, 35, func(c *Config) {
		c.Start = Target{URL: "ftpes://me@ftp.example.org/"}
		c.Connect = untrustedServer(cert, nil, &pins)
		c.Trust = trust.Open(t.TempDir())
	}, []string{"not trusted"})
}
