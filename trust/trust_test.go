package trust

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ferry/config"
	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// newCert makes a certificate for names, signed by parent's key (itself
// when parent is nil), valid from notBefore to notAfter.
func newCert(t *testing.T, cn string, names []string, notBefore, notAfter time.Time, parent *x509.Certificate, parentKey *ecdsa.PrivateKey) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(time.Now().UnixNano()),
		Subject:               pkix.Name{CommonName: cn},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA:                  parent == nil,
		BasicConstraintsValid: true,
	}
	for _, n := range names {
		if ip := net.ParseIP(n); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, n)
		}
	}
	signer, signerKey := tmpl, key
	if parent != nil {
		signer, signerKey = parent, parentKey
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &key.PublicKey, signerKey)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func selfSignedCert(t *testing.T, names ...string) *x509.Certificate {
	c, _ := newCert(t, names[0], names, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour), nil, nil)
	return c
}

// verifyErr is the error crypto/tls gives for cert checked as host's
// against roots (empty: nothing is trusted).
func verifyErr(t *testing.T, cert *x509.Certificate, host string, roots *x509.CertPool, now time.Time) error {
	t.Helper()
	if roots == nil {
		roots = x509.NewCertPool()
	}
	_, err := cert.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, CurrentTime: now})
	if err == nil {
		t.Fatal("certificate verified")
	}
	return &tls.CertificateVerificationError{UnverifiedCertificates: []*x509.Certificate{cert}, Err: err}
}

func TestTrustOnFirstUseIsRememberedAcrossOpens(t *testing.T) {
	dir := t.TempDir()
	cert := selfSignedCert(t, "ftp.example.org")
	s := Open(dir)
	if _, ok := s.Lookup("ftp.example.org:21"); ok {
		t.Fatal("empty store knows a certificate")
	}
	if err := s.Trust("FTP.Example.ORG:21", cert); err != nil {
		t.Fatal(err)
	}
	again := Open(dir)
	if err := again.Err(); err != nil {
		t.Fatal(err)
	}
	fp, ok := again.Lookup("ftp.example.org:21")
	if !ok || !slices.Equal(fp, protocol.CertificateFingerprint(cert)) {
		t.Fatalf("after reopening: %x %v", fp, ok)
	}
	k, _ := again.Get("ftp.example.org:21")
	if k.Subject != "CN=ftp.example.org" || time.Since(k.Added) > time.Minute {
		t.Errorf("entry %+v", k)
	}
	if _, ok := again.Lookup("ftp.example.org:990"); ok {
		t.Error("a certificate trusted on port 21 counts for port 990")
	}
	st, err := os.Stat(filepath.Join(dir, FileName))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("store file mode %v %v", st.Mode().Perm(), err)
	}
}

func TestTrustRefusesToReplaceAStoredCertificate(t *testing.T) {
	dir := t.TempDir()
	old, renewed := selfSignedCert(t, "h"), selfSignedCert(t, "h")
	s := Open(dir)
	if err := s.Trust("h:21", old); err != nil {
		t.Fatal(err)
	}
	if err := s.Trust("h:21", renewed); !errors.Is(err, ErrKnown) {
		t.Fatalf("Trust over a stored certificate: %v", err)
	}
	if fp, _ := Open(dir).Lookup("h:21"); !slices.Equal(fp, protocol.CertificateFingerprint(old)) {
		t.Fatal("the stored certificate was replaced by Trust")
	}
	if err := s.Replace("h:21", renewed); err != nil {
		t.Fatal(err)
	}
	if fp, _ := Open(dir).Lookup("h:21"); !slices.Equal(fp, protocol.CertificateFingerprint(renewed)) {
		t.Fatal("Replace did not store the new certificate")
	}
	if err := s.Forget("h:21"); err != nil {
		t.Fatal(err)
	}
	if _, ok := Open(dir).Lookup("h:21"); ok {
		t.Fatal("Forget kept the certificate")
	}
}

func TestTrustKeepsEntriesAddedByAnotherFerry(t *testing.T) {
	dir := t.TempDir()
	a, b := Open(dir), Open(dir)
	if err := a.Trust("one:21", selfSignedCert(t, "one")); err != nil {
		t.Fatal(err)
	}
	if err := b.Trust("two:21", selfSignedCert(t, "two")); err != nil {
		t.Fatal(err)
	}
	got := Open(dir).All()
	if len(got) != 2 || got[0].Addr != "one:21" || got[1].Addr != "two:21" {
		t.Fatalf("entries %+v", got)
	}
}

func TestBrokenStoreIsEmptyAndNotOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	broken := "[[cert]]\nhost = \"h:21\"\nfingerprint = 12\n"
	os.WriteFile(path, []byte(broken), 0o600)
	s := Open(dir)
	var fe *config.FileError
	if !errors.As(s.Err(), &fe) || fe.Line != 3 || fe.Key != "cert.fingerprint" {
		t.Fatalf("Err = %v", s.Err())
	}
	if len(s.All()) != 0 {
		t.Fatal("a broken store has entries")
	}
	if err := s.Trust("h:21", selfSignedCert(t, "h")); !errors.Is(err, config.ErrBroken) {
		t.Fatalf("Trust into a broken store: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != broken {
		t.Fatal("broken store was overwritten")
	}
}

// TestStoreReportsEachBadEntryByLineAndRefusesToSave: an entry that
// cannot pin anything (no port, a host with a trailing space, a bad
// fingerprint, a second entry for one server) makes Err name its line;
// the good entries are still there to show, and saving is refused so the
// user's entries are not dropped.
func TestStoreReportsEachBadEntryByLineAndRefusesToSave(t *testing.T) {
	dir := t.TempDir()
	fp := protocol.FormatFingerprint(protocol.CertificateFingerprint(selfSignedCert(t, "h")))
	file := `
[[cert]]
host = "no-port"
fingerprint = "` + fp + `"
[[cert]]
host = "h:21"
fingerprint = "sha256:zz"
[[cert]]
host = "h:21"
fingerprint = "` + strings.ToUpper(strings.TrimPrefix(fp, "sha256:")) + `"
added = 2024-01-02T03:04:05Z
colour = "blue"
[[cert]]
  host = "pinned.example:21 "
fingerprint = "` + fp + `"
[[cert]]
fingerprint = "` + fp + `"
host = "spaced .example:21"
[[cert]]
host = "x:0"
fingerprint = "` + fp + `"
[[cert]]
host = "H:21"
fingerprint = "` + fp + `"
`
	path := filepath.Join(dir, FileName)
	os.WriteFile(path, []byte(file), 0o600)
	s := Open(dir)
	err := s.Err()
	if err == nil {
		t.Fatal("no error for bad entries")
	}
	for _, want := range []string{
		path + ":3:1: cert: bad entry for \"no-port\"",
		path + ":6:1: cert: bad entry for \"h:21\"",
		path + ":14:3: cert: bad entry for \"pinned.example:21 \"",
		path + ":18:1: cert: bad entry for \"spaced .example:21\"",
		path + ":20:1: cert: bad entry for \"x:0\"",
		path + ":23:1: cert: a second entry for h:21",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("Err lacks %q:\n%v", want, err)
		}
	}
	if w := s.Warnings(); len(w) != 1 || !strings.Contains(w[0].Error(), "colour") {
		t.Errorf("warnings %v, want the unknown key", w)
	}
	if got, ok := s.Get("h:21"); !ok || got.Fingerprint != fp {
		t.Fatalf("good entry: %+v %v", got, ok)
	}
	if err := s.Trust("new:21", selfSignedCert(t, "new")); !errors.Is(err, config.ErrBroken) {
		t.Fatalf("Trust into a store with bad entries: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != file {
		t.Fatal("the file was rewritten")
	}
}

func TestDiagnoseDescribesEachKindOfFailure(t *testing.T) {
	now := time.Now()
	ca, caKey := newCert(t, "Test CA", nil, now.Add(-time.Hour), now.Add(time.Hour), nil, nil)
	leaf, _ := newCert(t, "ftp.example.org", []string{"ftp.example.org", "192.0.2.1"}, now.Add(-time.Hour), now.Add(time.Hour), ca, caKey)
	expired, _ := newCert(t, "old", []string{"old.example"}, now.Add(-48*time.Hour), now.Add(-24*time.Hour), nil, nil)
	self := selfSignedCert(t, "self.example")
	roots := x509.NewCertPool()
	roots.AddCert(ca)

	tests := []struct {
		name       string
		err        error
		addr       string
		kind       Kind
		self, exp  bool
		wrongHost  bool
		detailWant string
	}{
		{"private CA", verifyErr(t, leaf, "ftp.example.org", nil, now), "ftp.example.org:21", UnknownAuthority, false, false, false, "authority this system does not trust"},
		{"self-signed", verifyErr(t, self, "self.example", nil, now), "self.example:21", SelfSigned, true, false, false, "self-signed"},
		{"expired", verifyErr(t, expired, "old.example", nil, now), "old.example:21", Expired, true, true, false, "expired on"},
		{"wrong host", verifyErr(t, leaf, "other.example", roots, now), "other.example:990", WrongHost, false, false, true, "other names than other.example"},
		{"changed", &protocol.FingerprintMismatchError{Want: make([]byte, 32), Got: protocol.CertificateFingerprint(self), Cert: self}, "self.example:21", Changed, true, false, false, "may have been renewed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := errors.Join(errors.New("ftp: TLS handshake"), tt.err)
			p, ok := Diagnose(err, tt.addr, now)
			if !ok {
				t.Fatal("not recognized as a certificate problem")
			}
			if p.Kind != tt.kind || p.SelfSigned != tt.self || p.Expired != tt.exp || p.WrongHost != tt.wrongHost {
				t.Errorf("kind %v self %v expired %v wrong host %v", p.Kind, p.SelfSigned, p.Expired, p.WrongHost)
			}
			if !slices.Equal(p.Fingerprint, protocol.CertificateFingerprint(p.Cert)) || p.Subject == "" || p.Issuer == "" || p.NotAfter.IsZero() {
				t.Errorf("description incomplete: %+v", p)
			}
			if details := strings.Join(p.Details(), "\n"); !strings.Contains(details, tt.detailWant) {
				t.Errorf("details lack %q:\n%s", tt.detailWant, details)
			}
			if !errors.Is(p, tt.err) {
				t.Error("CertProblem does not wrap the engine's error")
			}
		})
	}
	p, _ := Diagnose(verifyErr(t, leaf, "ftp.example.org", nil, now), "192.0.2.1:21", now)
	if want := []string{"ftp.example.org", "192.0.2.1"}; !slices.Equal(p.Names, want) || p.WrongHost {
		t.Errorf("names %v, wrong host %v for an IP the certificate holds", p.Names, p.WrongHost)
	}
	if _, ok := Diagnose(errors.New("connection refused"), "h:21", now); ok {
		t.Error("an unrelated error was diagnosed as a certificate problem")
	}
}

// TestTrustFlowAgainstVsftpd is the connect flow end to end: an unknown
// self-signed certificate is diagnosed, trusting it pins it, and a stored
// fingerprint that does not match is refused.
func TestTrustFlowAgainstVsftpd(t *testing.T) {
	srv := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	ctx := context.Background()
	store := Open(t.TempDir())
	dial := func() (*protocol.Conn, error) {
		opts := protocol.Options{Security: protocol.Explicit, Timeout: 10 * time.Second}
		if fp, ok := store.Lookup(srv.Addr); ok {
			opts.Fingerprint = fp
		}
		return protocol.Dial(ctx, srv.Addr, opts)
	}

	_, err := dial()
	p, ok := Diagnose(err, srv.Addr, time.Now())
	if !ok {
		t.Fatalf("first connection: %v, not a certificate problem", err)
	}
	if p.Kind != SelfSigned || p.WrongHost || p.Expired {
		t.Fatalf("problem %+v", p)
	}
	if !slices.Equal(p.Fingerprint, srv.Fingerprint[:]) {
		t.Fatalf("fingerprint %x, server's %x", p.Fingerprint, srv.Fingerprint)
	}

	if err := store.Trust(srv.Addr, p.Cert); err != nil {
		t.Fatal(err)
	}
	conn, err := dial()
	if err != nil {
		t.Fatalf("pinned connection: %v", err)
	}
	if err := conn.Login(ctx, srv.User, srv.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.List(ctx, ""); err != nil { // a data connection under the pin
		t.Fatal(err)
	}
	conn.Quit(ctx)

	if err := store.Replace(srv.Addr, selfSignedCert(t, "127.0.0.1")); err != nil {
		t.Fatal(err)
	}
	conn, err = dial()
	if err == nil {
		conn.Close()
		t.Fatal("connected although the stored fingerprint does not match")
	}
	p, ok = Diagnose(err, srv.Addr, time.Now())
	if !ok || p.Kind != Changed || !slices.Equal(p.Fingerprint, srv.Fingerprint[:]) {
		t.Fatalf("mismatch diagnosed as %+v %v (%v)", p, ok, err)
	}
	if !strings.Contains(p.Error(), "changed since you trusted it") {
		t.Errorf("message %q", p.Error())
	}
}

func TestDetailsEscapeTheCertificatesText(t *testing.T) {
	hostile := "\x1b]0;owned\x07\u202e"
	p := &CertProblem{Addr: "h:21", Subject: "CN=" + hostile, Issuer: "O=" + hostile, Names: []string{hostile}, Kind: UnknownAuthority}
	for _, l := range p.Details() {
		if strings.ContainsAny(l, "\x1b\x07\u202e") {
			t.Errorf("detail line holds a control character: %q", l)
		}
	}
	if got := strings.Join(p.Details(), "\n"); !strings.Contains(got, `subject: CN=\x1b]0;owned\x07\u202e`) {
		t.Errorf("details do not show the subject escaped:\n%s", got)
	}
}
