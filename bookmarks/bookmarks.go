package bookmarks

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"ferry/config"
	"ferry/protocol"
	"ferry/trust"
)

// FileName is the name of the bookmarks file in the configuration
// directory.
const FileName = "bookmarks.toml"

// Bookmark is a saved server. The zero value of every field is the safe
// default: verified TLS when offered, passive mode, anonymous login.
type Bookmark struct {
	Name string // what -b and the site manager call it
	Host string // name or IP address, without brackets or port
	Port int    // 0: 21, or 990 for implicit TLS
	User string // empty: anonymous

	// TLS is the bookmark's TLS mode; TLSUnset behaves as TLSAuto.
	// (config.Config.TLS is the mode new bookmarks start with.)
	TLS config.TLSMode
	// Insecure accepts any certificate ("verify = false" in the file).
	Insecure bool
	// CAFile trusts the PEM certificates in this file instead of the
	// system roots ("~/" is the home directory).
	CAFile string
	// Fingerprint pins the server certificate: "sha256:" and hex. It
	// overrides the trust store, the CA file and Insecure.
	Fingerprint string
	// Active makes the server connect back for data (EPRT/PORT).
	Active bool
	// Encoding is the charset of the server's file names
	// (protocol.LookupCharset); empty or "auto": as the server sends them.
	Encoding string
	// ActiveAddress is announced in PORT/EPRT instead of this machine's
	// address (the public address of a NAT router); ActivePorts is the
	// range "LOW-HIGH" active mode listens on (what the router forwards).
	ActiveAddress string
	ActivePorts   string
	// Proxy carries every connection: socks5://, socks5h:// or http://
	// [user:pass@]host:port (see package netproxy).
	Proxy string
	// LimitRate caps the bytes per second of the bookmark's transfers,
	// all connections together ("500K", "2M"; empty: no limit).
	LimitRate string

	RemoteDir string // the remote pane starts here; empty: the login directory
	LocalDir  string // the local pane starts here ("~/" allowed); empty: the current directory
	Parallel  int    // transfers at once; 0: config.Config.Parallel
	// FXP asks copies between this server and another to go directly
	// between the two (FXP) when both allow it, instead of through ferry.
	FXP bool

	// PasswordCmd runs with sh -c; its standard output is the password.
	PasswordCmd string
	// Password is saved in the file only when the user asked for it.
	Password string
	// Keyring names the OS keyring entry (service "ferry") that holds
	// the password: the file records where the password is, never the
	// password itself. See File.SavePassword.
	Keyring string
}

// entry is a Bookmark as written in bookmarks.toml.
type entry struct {
	Name        string         `toml:"name"`
	Host        string         `toml:"host"`
	Port        int            `toml:"port,omitempty"`
	User        string         `toml:"user,omitempty"`
	TLS         config.TLSMode `toml:"tls,omitempty"`
	Verify      *bool          `toml:"verify,omitempty"`
	CAFile      string         `toml:"ca_file,omitempty"`
	Fingerprint string         `toml:"fingerprint,omitempty"`
	Active      bool           `toml:"active,omitempty"`
	Encoding    string         `toml:"encoding,omitempty"`
	ActiveAddr  string         `toml:"active_address,omitempty"`
	ActivePorts string         `toml:"active_ports,omitempty"`
	Proxy       string         `toml:"proxy,omitempty"`
	LimitRate   string         `toml:"limit_rate,omitempty"`
	RemoteDir   string         `toml:"remote_dir,omitempty"`
	LocalDir    string         `toml:"local_dir,omitempty"`
	Parallel    int            `toml:"parallel,omitempty"`
	FXP         bool           `toml:"fxp,omitempty"`
	PasswordCmd string         `toml:"password_cmd,omitempty"`
	Password    string         `toml:"password,omitempty"`
	Keyring     string         `toml:"keyring,omitempty"`
}

type fileData struct {
	Bookmarks []entry `toml:"bookmark"`
}

func (e entry) bookmark() Bookmark {
	return Bookmark{
		Name: e.Name, Host: e.Host, Port: e.Port, User: e.User,
		TLS: e.TLS, Insecure: e.Verify != nil && !*e.Verify, CAFile: e.CAFile, Fingerprint: e.Fingerprint,
		Active: e.Active, Encoding: e.Encoding, RemoteDir: e.RemoteDir, LocalDir: e.LocalDir, Parallel: e.Parallel, FXP: e.FXP,
		PasswordCmd: e.PasswordCmd, Password: e.Password,
		ActiveAddress: e.ActiveAddr, ActivePorts: e.ActivePorts, Proxy: e.Proxy, LimitRate: e.LimitRate,
		Keyring: e.Keyring,
	}
}

func (b Bookmark) entry() entry {
	e := entry{
		Name: b.Name, Host: b.Host, Port: b.Port, User: b.User,
		TLS: b.TLS, CAFile: b.CAFile, Fingerprint: b.Fingerprint,
		Active: b.Active, Encoding: b.Encoding, RemoteDir: b.RemoteDir, LocalDir: b.LocalDir, Parallel: b.Parallel, FXP: b.FXP,
		PasswordCmd: b.PasswordCmd, Password: b.Password,
		ActiveAddr: b.ActiveAddress, ActivePorts: b.ActivePorts, Proxy: b.Proxy, LimitRate: b.LimitRate,
		Keyring: b.Keyring,
	}
	if b.Insecure {
		e.Verify = new(bool)
	}
	return e
}

// Validate reports the first thing wrong with b, naming the field as the
// file does.
func (b Bookmark) Validate() error {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("bookmark %q: %s", b.Name, fmt.Sprintf(format, args...))
	}
	switch {
	case strings.TrimSpace(b.Name) == "":
		return bad("name is empty")
	case strings.TrimSpace(b.Name) != b.Name || strings.ContainsFunc(b.Name, isControl):
		return bad("name has leading or trailing spaces, tabs or control characters")
	case b.Host == "" || strings.ContainsAny(b.Host, " /@?#[]") || strings.ContainsFunc(b.Host, isControl):
		return bad("host %q is not a host name or address", b.Host)
	case b.Port < 0 || b.Port > 65535:
		return bad("port %d is not between 1 and 65535", b.Port)
	case b.Parallel < 0 || b.Parallel > config.MaxParallel:
		return bad("parallel %d is not between 1 and %d", b.Parallel, config.MaxParallel)
	case strings.ContainsAny(b.User+b.RemoteDir+b.Password+b.Keyring, "\r\n\x00"):
		return bad("user, remote_dir, password or keyring contains a line break or NUL")
	}
	if b.Fingerprint != "" {
		if _, err := protocol.ParseFingerprint(b.Fingerprint); err != nil {
			return bad("fingerprint: %v", err)
		}
	}
	if _, err := protocol.LookupCharset(b.Encoding); err != nil {
		return bad("encoding: %v", err)
	}
	if _, err := b.network(); err != nil {
		return bad("%v", err)
	}
	return nil
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }

// Addr is the server's "host:port".
func (b Bookmark) Addr() string {
	port := b.Port
	if port == 0 {
		port = 21
		if b.TLS == config.TLSImplicit {
			port = 990
		}
	}
	return net.JoinHostPort(b.Host, strconv.Itoa(port))
}

// URL shows the bookmark as a ferry URL, without secrets: ftp:// for the
// auto and off modes, ftpes:// for explicit TLS and ftps:// for implicit.
// The remote directory is its path, with %2F for an absolute one as on
// ferry's command line.
func (b Bookmark) URL() string {
	u := url.URL{Scheme: "ftp", Host: b.Addr()}
	switch b.TLS {
	case config.TLSExplicit:
		u.Scheme = "ftpes"
	case config.TLSImplicit:
		u.Scheme = "ftps"
	}
	if b.Port == 0 {
		u.Host = hostOnly(b.Host)
	}
	if b.User != "" {
		u.User = url.User(b.User)
	}
	if b.RemoteDir != "" {
		u.Path = "/" + b.RemoteDir
		if strings.HasPrefix(b.RemoteDir, "/") {
			u.RawPath = "/%2F" + escapeSegments(b.RemoteDir[1:])
		}
	}
	return u.String()
}

// hostOnly writes a host for a URL: IPv6 addresses in brackets.
func hostOnly(h string) string {
	if strings.Contains(h, ":") {
		return "[" + h + "]"
	}
	return h
}

func escapeSegments(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}

// RemotePath resolves p, a path given with the bookmark (ferry ls -b NAME
// p), against its remote directory: an absolute p stands for itself, a
// relative one is joined to RemoteDir, and an empty one is RemoteDir. A
// trailing "/" is kept, since it tells "put into this directory".
func (b Bookmark) RemotePath(p string) string {
	if strings.HasPrefix(p, "/") || b.RemoteDir == "" {
		return p
	}
	if p == "" {
		return b.RemoteDir
	}
	j := path.Join(b.RemoteDir, p)
	if strings.HasSuffix(p, "/") && !strings.HasSuffix(j, "/") {
		j += "/"
	}
	return j
}

// Options builds the engine's options for the bookmark. Trust is decided
// in this order: the bookmark's own fingerprint; verify = false; a
// certificate the user trusted before (store, may be nil); the CA file;
// the system roots. The caller adds timeouts and debugging.
//
// A pinned server is known to speak TLS, so the auto mode then requires
// it: a server that suddenly refuses AUTH TLS is an error, not a quiet
// fall back to plain text.
func (b Bookmark) Options(store *trust.Store) (protocol.Options, error) {
	opts := protocol.Options{Security: b.TLS.Security(), Active: b.ActiveMode(), Encoding: b.Encoding}
	if err := b.Validate(); err != nil {
		return opts, err
	}
	n, _ := b.network()
	opts.ActiveAddress, opts.ActivePorts = n.ActiveAddress, n.ActivePorts
	if n.Proxy != nil { // a nil *Dialer in the interface would not be nil
		opts.Proxy = n.Proxy
	}
	if fp, ok := b.pin(); ok {
		return Pin(opts, fp), nil
	}
	if b.Insecure {
		opts.InsecureSkipVerify = true
		return opts, nil
	}
	if store != nil {
		if fp, ok := store.Lookup(b.Addr()); ok {
			return Pin(opts, fp), nil
		}
	}
	if b.CAFile != "" {
		pool, err := protocol.LoadCAFile(ExpandHome(b.CAFile))
		if err != nil {
			return opts, fmt.Errorf("bookmark %q: ca_file: %w", b.Name, err)
		}
		opts.TLSConfig = &tls.Config{RootCAs: pool}
	}
	return opts, nil
}

// Pin makes opts trust exactly the certificate with SHA-256 fingerprint
// fp, and require TLS where the mode would have accepted plain text.
func Pin(opts protocol.Options, fp []byte) protocol.Options {
	opts.Fingerprint = fp
	if opts.Security == protocol.ExplicitIfOffered {
		opts.Security = protocol.Explicit
	}
	return opts
}

func (b Bookmark) pin() ([]byte, bool) {
	if b.Fingerprint == "" {
		return nil, false
	}
	fp, err := protocol.ParseFingerprint(b.Fingerprint)
	return fp, err == nil
}

// ExpandHome replaces a leading "~/" with the home directory.
func ExpandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// File is bookmarks.toml. Changes are saved at once; a File is safe for
// use by several goroutines.
type File struct {
	mu   sync.Mutex
	file *config.File
	dir  string
	list []Bookmark
	bad  []error // problems with single bookmarks

	secrets Secrets // the OS keyring, or nil (SetSecrets)
}

// Load reads bookmarks.toml from dir. A missing file has no bookmarks.
// When the file is broken, there are no bookmarks, Err says why (show it),
// and changes are refused rather than written over the user's file.
// Bookmarks that fail Validate are kept, so a save does not drop them, and
// reported in Warnings; their Options fails.
func Load(dir string) *File {
	f := &File{dir: dir}
	f.load()
	return f
}

func (f *File) load() {
	var data fileData
	f.file, f.list, f.bad = config.Open(filepath.Join(f.dir, FileName), &data), nil, nil
	if f.file.Err() != nil {
		return
	}
	seen := map[string]bool{}
	hasPassword := false
	for _, e := range data.Bookmarks {
		b := e.bookmark()
		if err := b.Validate(); err != nil {
			f.bad = append(f.bad, &config.FileError{Path: f.file.Path, Key: "bookmark", Msg: err.Error()})
		}
		if seen[b.Name] {
			f.bad = append(f.bad, &config.FileError{Path: f.file.Path, Key: "bookmark", Msg: fmt.Sprintf("a second bookmark is called %q; -b finds the first", b.Name)})
		}
		seen[b.Name] = true
		hasPassword = hasPassword || b.Password != ""
		f.list = append(f.list, b)
	}
	if st, err := os.Stat(f.file.Path); err == nil && hasPassword && st.Mode().Perm()&0o077 != 0 {
		f.bad = append(f.bad, &config.FileError{Path: f.file.Path, Msg: fmt.Sprintf("holds passwords but other users may read it (mode %#o); run chmod 600 on it", st.Mode().Perm())})
	}
}

// Path is the file's path.
func (f *File) Path() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.file.Path
}

// Err reports why the file did not load, or nil.
func (f *File) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.file.Err()
}

// Warnings returns unknown keys and problems with single bookmarks.
func (f *File) Warnings() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append(slices.Clone(f.file.Warnings()), f.bad...)
}

// All returns the bookmarks in the file's order.
func (f *File) All() []Bookmark {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.list)
}

// Get returns the first bookmark called name.
func (f *File) Get(name string) (Bookmark, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	i := index(f.list, name)
	if i < 0 {
		return Bookmark{}, false
	}
	return f.list[i], true
}

// ErrExists is returned by Add for a name already in use.
var ErrExists = errors.New("a bookmark with this name exists")

// ErrNotFound is returned by Update and Delete for an unknown name.
var ErrNotFound = errors.New("no such bookmark")

// Add appends b and saves the file.
func (f *File) Add(b Bookmark) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return f.update(func(list []Bookmark) ([]Bookmark, error) {
		if index(list, b.Name) >= 0 {
			return nil, fmt.Errorf("%q: %w", b.Name, ErrExists)
		}
		return append(list, b), nil
	})
}

// Update replaces the bookmark called name with b (which may carry a new
// name) and saves the file.
func (f *File) Update(name string, b Bookmark) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return f.update(func(list []Bookmark) ([]Bookmark, error) {
		i := index(list, name)
		if i < 0 {
			return nil, fmt.Errorf("%q: %w", name, ErrNotFound)
		}
		if j := index(list, b.Name); j >= 0 && j != i {
			return nil, fmt.Errorf("%q: %w", b.Name, ErrExists)
		}
		list[i] = b
		return list, nil
	})
}

// Delete removes the bookmark called name and saves the file.
//
// A password the bookmark kept in the OS keyring goes with it, unless
// another bookmark names the same entry; a keyring that cannot be reached
// leaves the entry, and the bookmark is deleted all the same.
func (f *File) Delete(name string) error {
	var gone Bookmark
	var left []Bookmark
	err := f.update(func(list []Bookmark) ([]Bookmark, error) {
		i := index(list, name)
		if i < 0 {
			return nil, fmt.Errorf("%q: %w", name, ErrNotFound)
		}
		gone = list[i]
		left = slices.Delete(list, i, i+1)
		return left, nil
	})
	if err == nil && gone.Keyring != "" {
		f.forgetKeyring(gone.Keyring, left)
	}
	return err
}

// Overwrite writes list as the whole file even when the file on disk is
// broken or was changed by someone else: for a UI that asked the user
// first. Everything the file held before is lost.
func (f *File) Overwrite(list []Bookmark) error {
	for _, b := range list {
		if err := b.Validate(); err != nil {
			return err
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.file.Save(bookmarksHeader, toData(list), true); err != nil {
		return err
	}
	f.list, f.bad = slices.Clone(list), nil
	return nil
}

const bookmarksHeader = `# ferry bookmarks: connect with "ferry -b NAME" or the site manager.
# Keys: name, host, port, user, tls (auto, explicit, implicit, off), verify,
# ca_file, fingerprint, active, active_address, active_ports, proxy,
# limit_rate, remote_dir, local_dir, parallel,
# password_cmd (its output is the password), keyring (the OS keyring entry
# holding the password), password (only if you chose to save it here).
# ferry rewrites this file when you change bookmarks in it; comments are lost.

`

// update applies change to a copy of the list, saves it and adopts it. If
// another program changed the file meanwhile, it reads the file again and
// applies change to that instead, so neither edit is lost.
func (f *File) update(change func([]Bookmark) ([]Bookmark, error)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for attempt := 0; ; attempt++ {
		list, err := change(slices.Clone(f.list))
		if err != nil {
			return err
		}
		err = f.file.Save(bookmarksHeader, toData(list), false)
		if errors.Is(err, config.ErrChanged) && attempt == 0 {
			f.load()
			continue
		}
		if err != nil {
			return err
		}
		f.list = list
		return nil
	}
}

func toData(list []Bookmark) fileData {
	var d fileData
	for _, b := range list {
		d.Bookmarks = append(d.Bookmarks, b.entry())
	}
	return d
}

func index(list []Bookmark, name string) int {
	return slices.IndexFunc(list, func(b Bookmark) bool { return b.Name == name })
}
