package bookmarks

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"ferry/config"
	"ferry/protocol"
	"ferry/protocol/ftptest"
	"ferry/trust"
)

const fp = "sha256:" + "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

func full() Bookmark {
	return Bookmark{
		Name: "work", Host: "ftp.example.org", Port: 2121, User: "alice",
		TLS: config.TLSExplicit, Insecure: true, CAFile: "~/ca.pem", Fingerprint: fp,
		Active: true, Encoding: "shift_jis", RemoteDir: "/srv/www", LocalDir: "~/www", Parallel: 4,
		PasswordCmd: "pass show ftp/example", Password: "s3cret", Keyring: "alice@ftp.example.org:2121",
		ActiveAddress: "203.0.113.7", ActivePorts: "50000-50100", LimitRate: "2M",
	}
}

func TestBookmarksRoundTripEveryField(t *testing.T) {
	dir := t.TempDir()
	min := Bookmark{Name: "anon", Host: "ftp.gnu.org"}
	f := Load(dir)
	if err := f.Add(full()); err != nil {
		t.Fatal(err)
	}
	if err := f.Add(min); err != nil {
		t.Fatal(err)
	}
	g := Load(dir)
	if g.Err() != nil || len(g.Warnings()) > 0 {
		t.Fatalf("reload: %v %v", g.Err(), g.Warnings())
	}
	if got := g.All(); !reflect.DeepEqual(got, []Bookmark{full(), min}) {
		t.Fatalf("round trip:\n%+v", got)
	}
	text, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, want := range []string{"[[bookmark]]", "tls = 'explicit'", "verify = false", "password_cmd = 'pass show ftp/example'", "remote_dir = '/srv/www'", "encoding = 'shift_jis'"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("file lacks %q:\n%s", want, text)
		}
	}
	// The minimal bookmark writes only what it sets.
	last := string(text[strings.LastIndex(string(text), "[[bookmark]]"):])
	if strings.Count(last, "=") != 2 {
		t.Errorf("minimal bookmark written as\n%s", last)
	}
}

func TestHandWrittenBookmarkDefaultsToVerifiedTLS(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, FileName), "[[bookmark]]\nname = \"a\"\nhost = \"h\"\nverify = true\n")
	b, ok := Load(dir).Get("a")
	if !ok || b.Insecure || b.TLS != config.TLSUnset {
		t.Fatalf("%+v %v", b, ok)
	}
	opts, err := b.Options(nil)
	if err != nil || opts.InsecureSkipVerify || opts.Security != protocol.ExplicitIfOffered || opts.Fingerprint != nil {
		t.Fatalf("%+v %v", opts, err)
	}
}

func TestBrokenBookmarksFileIsReportedAndNeverOverwritten(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, FileName)
	broken := "[[bookmark]]\nname = \"a\"\nhost = \"h\"\n\n[[bookmark]]\nname = \"b\"\nport = \"21\"\n"
	writeFile(t, path, broken)
	f := Load(dir)
	var fe *config.FileError
	if !errors.As(f.Err(), &fe) || fe.Path != path || fe.Line != 7 || fe.Column != 8 || fe.Key != "bookmark.port" {
		t.Fatalf("Err = %#v", f.Err())
	}
	if !strings.Contains(fe.Error(), FileName+":7:8: bookmark.port: ") {
		t.Errorf("message %q", fe.Error())
	}
	if len(f.All()) != 0 {
		t.Error("a broken file gave bookmarks")
	}
	if err := f.Add(Bookmark{Name: "c", Host: "h"}); !errors.Is(err, config.ErrBroken) {
		t.Fatalf("Add to a broken file: %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != broken {
		t.Fatal("broken file was changed")
	}
	if err := f.Overwrite([]Bookmark{{Name: "c", Host: "h"}}); err != nil {
		t.Fatal(err)
	}
	if got := Load(dir).All(); len(got) != 1 || got[0].Name != "c" {
		t.Fatalf("after Overwrite: %+v", got)
	}
}

func TestUnknownBookmarkKeysAreWarnings(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, FileName), "[[bookmark]]\nname = \"a\"\nhost = \"h\"\nprot = 2121\nport = 21\n")
	f := Load(dir)
	if f.Err() != nil {
		t.Fatal(f.Err())
	}
	if b, _ := f.Get("a"); b.Port != 21 {
		t.Errorf("port %d", b.Port)
	}
	w := f.Warnings()
	var fe *config.FileError
	if len(w) != 1 || !errors.As(w[0], &fe) || fe.Key != "bookmark.prot" || fe.Line != 4 {
		t.Fatalf("warnings %v", w)
	}
}

func TestInvalidBookmarksAreKeptAndWarned(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, FileName), `
[[bookmark]]
name = "nohost"
[[bookmark]]
name = "pin"
host = "h"
fingerprint = "sha256:12"
[[bookmark]]
name = "pin"
host = "second"
`)
	f := Load(dir)
	msgs := strings.Join(errorStrings(f.Warnings()), "\n")
	for _, want := range []string{`"nohost": host "" is not`, `"pin": fingerprint`, `a second bookmark is called "pin"`} {
		if !strings.Contains(msgs, want) {
			t.Errorf("warnings lack %q:\n%s", want, msgs)
		}
	}
	b, _ := f.Get("pin")
	if b.Host != "h" {
		t.Errorf("Get found %+v, not the first", b)
	}
	if _, err := b.Options(nil); err == nil {
		t.Error("Options accepted a bad fingerprint")
	}
	// Saving another bookmark keeps the invalid ones.
	if err := f.Add(Bookmark{Name: "new", Host: "n"}); err != nil {
		t.Fatal(err)
	}
	if n := len(Load(dir).All()); n != 4 {
		t.Fatalf("%d bookmarks after a save, want 4", n)
	}
}

func TestBookmarksFileIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "cfg", "ferry")
	if err := Load(dir).Add(full()); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o700 {
		t.Errorf("dir mode %v", st.Mode().Perm())
	}
	path := filepath.Join(dir, FileName)
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v", st.Mode().Perm())
	}
	os.Chmod(path, 0o644)
	if msgs := strings.Join(errorStrings(Load(dir).Warnings()), "\n"); !strings.Contains(msgs, "holds passwords but other users may read it") {
		t.Errorf("no warning about a readable file with passwords: %q", msgs)
	}
}

func TestAddUpdateDeleteByName(t *testing.T) {
	dir := t.TempDir()
	f := Load(dir)
	a, b := Bookmark{Name: "a", Host: "ha"}, Bookmark{Name: "b", Host: "hb"}
	if err := f.Add(a); err != nil {
		t.Fatal(err)
	}
	if err := f.Add(b); err != nil {
		t.Fatal(err)
	}
	if err := f.Add(a); !errors.Is(err, ErrExists) {
		t.Errorf("Add of an existing name: %v", err)
	}
	if err := f.Add(Bookmark{Name: "x"}); err == nil {
		t.Error("Add accepted a bookmark without host")
	}
	if err := f.Update("a", Bookmark{Name: "b", Host: "h"}); !errors.Is(err, ErrExists) {
		t.Errorf("rename onto another bookmark: %v", err)
	}
	if err := f.Update("a", Bookmark{Name: "renamed", Host: "ha2"}); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete("b"); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete("b"); !errors.Is(err, ErrNotFound) {
		t.Errorf("second Delete: %v", err)
	}
	if got := Load(dir).All(); !reflect.DeepEqual(got, []Bookmark{{Name: "renamed", Host: "ha2"}}) {
		t.Fatalf("%+v", got)
	}
}

func TestChangesKeepEditsMadeByAnotherProgram(t *testing.T) {
	dir := t.TempDir()
	f := Load(dir)
	if err := f.Add(Bookmark{Name: "a", Host: "ha"}); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, FileName)
	text, _ := os.ReadFile(path)
	writeFile(t, path, string(text)+"\n[[bookmark]]\nname = \"by-hand\"\nhost = \"hh\"\n")
	if err := f.Add(Bookmark{Name: "b", Host: "hb"}); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range Load(dir).All() {
		names = append(names, b.Name)
	}
	if want := []string{"a", "by-hand", "b"}; !slices.Equal(names, want) {
		t.Fatalf("names %v, want %v", names, want)
	}
}

func TestURLShowsTheBookmarkWithoutSecrets(t *testing.T) {
	tests := []struct {
		b    Bookmark
		want string
	}{
		{full(), "ftpes://alice@ftp.example.org:2121/%2Fsrv/www"},
		{Bookmark{Host: "h"}, "ftp://h"},
		{Bookmark{Host: "h", TLS: config.TLSImplicit, RemoteDir: "pub/a b"}, "ftps://h/pub/a%20b"},
		{Bookmark{Host: "h", TLS: config.TLSOff, Port: 21, User: "u@x"}, "ftp://u%40x@h:21"},
		{Bookmark{Host: "::1", TLS: config.TLSAuto}, "ftp://[::1]"},
		{Bookmark{Host: "::1", Port: 2121}, "ftp://[::1]:2121"},
	}
	for _, tt := range tests {
		if got := tt.b.URL(); got != tt.want {
			t.Errorf("%+v: %s, want %s", tt.b, got, tt.want)
		}
		if strings.Contains(tt.b.URL(), "s3cret") {
			t.Error("URL shows the password")
		}
	}
	if got := (Bookmark{Host: "h", TLS: config.TLSImplicit}).Addr(); got != "h:990" {
		t.Errorf("implicit Addr %s", got)
	}
}

func TestRemotePathIsRelativeToTheRemoteDir(t *testing.T) {
	b := Bookmark{RemoteDir: "/srv/www"}
	for p, want := range map[string]string{
		"": "/srv/www", "a.txt": "/srv/www/a.txt", "/etc/motd": "/etc/motd",
		"sub/": "/srv/www/sub/", "../x": "/srv/x",
	} {
		if got := b.RemotePath(p); got != want {
			t.Errorf("RemotePath(%q) = %q, want %q", p, got, want)
		}
	}
	if got := (Bookmark{}).RemotePath("a"); got != "a" {
		t.Errorf("without a remote dir: %q", got)
	}
}

func TestOptionsDecideTrustInOrder(t *testing.T) {
	dir := t.TempDir()
	store := trust.Open(dir)
	srvCert := trustCert(t)
	if err := store.Trust("h:21", srvCert); err != nil {
		t.Fatal(err)
	}
	stored := protocol.CertificateFingerprint(srvCert)
	caFile := filepath.Join(dir, "ca.pem")
	writeFile(t, caFile, pemOf(srvCert))
	own, _ := protocol.ParseFingerprint(fp)

	tests := []struct {
		name string
		b    Bookmark
		pin  []byte
		skip bool
		ca   bool
	}{
		{"own fingerprint first", Bookmark{Name: "x", Host: "h", Fingerprint: fp, Insecure: true}, own, false, false},
		{"verify false", Bookmark{Name: "x", Host: "h", Insecure: true}, nil, true, false},
		{"stored before CA file", Bookmark{Name: "x", Host: "h", CAFile: caFile}, stored, false, false},
		{"CA file", Bookmark{Name: "x", Host: "other", CAFile: caFile}, nil, false, true},
		{"system roots", Bookmark{Name: "x", Host: "other"}, nil, false, false},
	}
	for _, tt := range tests {
		opts, err := tt.b.Options(store)
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if !slices.Equal(opts.Fingerprint, tt.pin) || opts.InsecureSkipVerify != tt.skip || (opts.TLSConfig != nil) != tt.ca {
			t.Errorf("%s: %+v", tt.name, opts)
		}
	}
	if _, err := (Bookmark{Name: "x", Host: "h", CAFile: filepath.Join(dir, "missing.pem")}).Options(nil); err == nil || !strings.Contains(err.Error(), "ca_file") {
		t.Errorf("missing CA file: %v", err)
	}
	modes := map[config.TLSMode]protocol.Security{config.TLSUnset: protocol.ExplicitIfOffered, config.TLSAuto: protocol.ExplicitIfOffered,
		config.TLSExplicit: protocol.Explicit, config.TLSImplicit: protocol.Implicit, config.TLSOff: protocol.Plain}
	for m, want := range modes {
		if opts, _ := (Bookmark{Name: "x", Host: "h", TLS: m, Active: true}).Options(nil); opts.Security != want || !opts.Active {
			t.Errorf("%v: %+v", m, opts)
		}
	}
	// A pinned server must keep offering TLS.
	for _, b := range []Bookmark{{Name: "x", Host: "h"}, {Name: "x", Host: "other", Fingerprint: fp}} {
		if opts, _ := b.Options(store); opts.Security != protocol.Explicit {
			t.Errorf("pinned %s in auto mode: %v", b.Host, opts.Security)
		}
	}
}

// TestBookmarkConnectsToVsftpd uses a bookmark's Options and Login, with
// the server's certificate in the trust store, against a real server.
func TestBookmarkConnectsToVsftpd(t *testing.T) {
	srv := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	srv.WriteFile(t, "pub/hello.txt", []byte("hi"))
	host, port, _ := strings.Cut(srv.Addr, ":")
	b := Bookmark{Name: "test", Host: host, User: srv.User, TLS: config.TLSExplicit,
		PasswordCmd: "printf '%s\\n' \"$PW\"", RemoteDir: "pub"}
	b.Port = atoi(t, port)
	t.Setenv("PW", srv.Password)
	store := trust.Open(t.TempDir())
	ctx := context.Background()

	opts, err := b.Options(store)
	if err != nil {
		t.Fatal(err)
	}
	opts.Timeout = 10 * time.Second
	if _, err := protocol.Dial(ctx, b.Addr(), opts); err == nil {
		t.Fatal("unverified self-signed certificate accepted")
	} else if p, ok := trust.Diagnose(err, b.Addr(), time.Now()); !ok {
		t.Fatal(err)
	} else if err := store.Trust(b.Addr(), p.Cert); err != nil {
		t.Fatal(err)
	}

	opts, _ = b.Options(store)
	conn, err := protocol.Dial(ctx, b.Addr(), opts)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Quit(ctx)
	login, err := b.Login(ctx, "", nil)
	if err != nil || login.Source != FromCommand {
		t.Fatalf("%+v %v", login, err)
	}
	if err := conn.Login(ctx, login.User, login.Password); err != nil {
		t.Fatal(err)
	}
	if n, err := conn.Size(ctx, b.RemotePath("hello.txt")); err != nil || n != 2 {
		t.Fatalf("size %d %v", n, err)
	}
}

func writeFile(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
}

func errorStrings(errs []error) []string {
	var s []string
	for _, e := range errs {
		s = append(s, e.Error())
	}
	return s
}

// A bookmark's encoding reaches the engine's options, and a name that is
// no charset is reported as the file's other mistakes are.
func TestBookmarkEncodingReachesOptionsAndBadNamesAreWarned(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, FileName), `
[[bookmark]]
name = "old"
host = "h"
encoding = "latin1"
[[bookmark]]
name = "typo"
host = "h"
encoding = "latin-9x"
`)
	f := Load(dir)
	b, _ := f.Get("old")
	opts, err := b.Options(nil)
	if err != nil || opts.Encoding != "latin1" {
		t.Errorf("Options = %q, %v; want encoding latin1", opts.Encoding, err)
	}
	msgs := strings.Join(errorStrings(f.Warnings()), "\n")
	if !strings.Contains(msgs, `"typo": encoding: unknown encoding "latin-9x"`) {
		t.Errorf("warnings lack the bad encoding:\n%s", msgs)
	}
	typo, _ := f.Get("typo")
	if _, err := typo.Options(nil); err == nil {
		t.Error("Options accepted an unknown encoding")
	}
}
