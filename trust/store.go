// Package trust remembers the server certificates a user chose to trust and
// explains why a certificate failed verification, for ferry's
// trust-on-first-use flow:
//
//  1. Before dialing, Store.Lookup(addr) gives a stored fingerprint; put it
//     in protocol.Options.Fingerprint (it alone then decides trust).
//     Otherwise the engine verifies the certificate as usual.
//  2. When protocol.Dial fails, Diagnose(err, addr, now) tells whether a
//     certificate was the reason and describes it: subject, issuer,
//     validity, names, fingerprint and what is wrong with it.
//  3. The user trusts it once (pin CertProblem.Fingerprint for this
//     session), always (Store.Trust, then pin), or cancels. A stored
//     fingerprint that no longer matches (Kind Changed) is refused until
//     the user explicitly chooses Store.Replace.
//
// It is its own package, not part of bookmarks, because it serves every
// connection, with or without a bookmark: the command line pins stored
// certificates for plain URLs too. It knows the engine's errors but nothing
// of the terminal.
package trust

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/pelletier/go-toml/v2/unstable"

	"ferry/config"
	"ferry/internal/safe"
	"ferry/protocol"
)

// FileName is the name of the store in the configuration directory. It
// lives with the configuration, not in $XDG_STATE_HOME, because each entry
// is a decision the user made, as in ssh's known_hosts: losing it silently
// would make ferry ask again and miss a changed certificate.
const FileName = "known_certs.toml"

// Known is a certificate the user trusted.
type Known struct {
	Addr        string    `toml:"host"`        // "host:port", host in lower case
	Fingerprint string    `toml:"fingerprint"` // "sha256:" and hex
	Subject     string    `toml:"subject"`     // for the reader of the file
	Added       time.Time `toml:"added"`
}

type knownFile struct {
	Certs []Known `toml:"cert"`
}

// ErrKnown is returned by Trust when the address already has a stored
// certificate: replacing one is a separate, explicit decision (Replace).
var ErrKnown = errors.New("a certificate is already trusted for this server")

// Store is the set of trusted certificates in known_certs.toml. It is safe
// for use by several goroutines; every change is saved at once.
type Store struct {
	mu    sync.Mutex
	file  *config.File
	certs []Known
	bad   []error // entries that did not load
}

// Open reads the store in dir. A missing file is an empty store. When the
// file cannot be read, is not valid TOML, or holds an entry that does not
// make sense (a host that is not host:port, a fingerprint that is not
// SHA-256, a second entry for one server), Err says why, with the file and
// line, and changes are refused rather than written over the user's file.
// Callers must then refuse TLS connections rather than go on without the
// pins the file holds: a pinned server that stops offering TLS would
// otherwise get the password in plain text. The well-formed entries are
// still returned, for display.
func Open(dir string) *Store {
	s := &Store{}
	s.load(filepath.Join(dir, FileName))
	return s
}

// load (re)reads the file at path into s.
func (s *Store) load(path string) {
	var kf knownFile
	s.file, s.certs, s.bad = config.Open(path, &kf), nil, nil
	if s.file.Err() != nil {
		return
	}
	var lines []position // where each [[cert]] is, read only when one is bad
	at := func(i int) position {
		if lines == nil {
			data, _ := os.ReadFile(path)
			lines = entryPositions(data)
		}
		if i < len(lines) {
			return lines[i]
		}
		return position{}
	}
	seen := map[string]bool{}
	for i, k := range kf.Certs {
		addr, aerr := normalizeAddr(k.Addr)
		fp, ferr := protocol.ParseFingerprint(k.Fingerprint)
		switch {
		case aerr != nil || ferr != nil:
			pos := at(i)
			s.bad = append(s.bad, &config.FileError{Path: path, Line: pos.line, Column: pos.col, Key: "cert",
				Msg: fmt.Sprintf("bad entry for %s: %v", safe.Line(strconv.Quote(k.Addr)), errors.Join(aerr, ferr))})
			continue
		case seen[addr]:
			pos := at(i)
			s.bad = append(s.bad, &config.FileError{Path: path, Line: pos.line, Column: pos.col, Key: "cert",
				Msg: fmt.Sprintf("a second entry for %s", addr)})
			continue
		}
		seen[addr] = true
		k.Addr, k.Fingerprint = addr, protocol.FormatFingerprint(fp)
		s.certs = append(s.certs, k)
	}
}

// position is a place in a file, 1-based; zero when unknown.
type position struct{ line, col int }

// entryPositions finds each [[cert]] entry's host key (or, without one,
// its header) in data, in order, so that a bad entry can be named by its
// line: the decoder gives positions only for syntax and type errors.
func entryPositions(data []byte) []position {
	var p unstable.Parser
	p.Reset(data)
	var out []position
	inCert := false
	for p.NextExpression() {
		e := p.Expression()
		switch e.Kind {
		case unstable.ArrayTable, unstable.Table:
			k := e.Key()
			k.Next()
			inCert = e.Kind == unstable.ArrayTable && string(k.Node().Data) == "cert" && !k.Next()
			if inCert {
				at := p.Shape(e.Raw).Start
				out = append(out, position{at.Line, at.Column})
			}
		case unstable.KeyValue:
			k := e.Key()
			k.Next()
			if inCert && string(k.Node().Data) == "host" && len(out) > 0 {
				at := p.Shape(k.Node().Raw).Start
				out[len(out)-1] = position{at.Line, at.Column}
			}
		}
	}
	return out
}

// Path is the file the store lives in.
func (s *Store) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Path
}

// Err reports why the file cannot be trusted as a whole, or nil: it did
// not load, or an entry in it is bad (each named by line).
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.errLocked()
}

func (s *Store) errLocked() error {
	if err := s.file.Err(); err != nil {
		return err
	}
	return errors.Join(s.bad...)
}

// Warnings returns unknown keys.
func (s *Store) Warnings() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.file.Warnings())
}

// Lookup returns the stored fingerprint for addr ("host:port").
func (s *Store) Lookup(addr string) (fingerprint []byte, ok bool) {
	k, ok := s.Get(addr)
	if !ok {
		return nil, false
	}
	fp, err := protocol.ParseFingerprint(k.Fingerprint)
	return fp, err == nil
}

// Get returns the stored entry for addr.
func (s *Store) Get(addr string) (Known, bool) {
	addr, err := normalizeAddr(addr)
	if err != nil {
		return Known{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	i := index(s.certs, addr)
	if i < 0 {
		return Known{}, false
	}
	return s.certs[i], true
}

// All returns every stored entry, in the order they were added.
func (s *Store) All() []Known {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.certs)
}

// Trust stores cert as the trusted certificate of addr and saves the file.
// It fails with ErrKnown when addr already has one.
func (s *Store) Trust(addr string, cert *x509.Certificate) error {
	return s.put(addr, cert, false)
}

// Replace stores cert for addr in place of the one stored before, after
// the user chose to accept a changed certificate.
func (s *Store) Replace(addr string, cert *x509.Certificate) error {
	return s.put(addr, cert, true)
}

// Forget removes addr's certificate; the next connection asks again.
func (s *Store) Forget(addr string) error {
	addr, err := normalizeAddr(addr)
	if err != nil {
		return err
	}
	return s.update(func(certs []Known) ([]Known, error) {
		if i := index(certs, addr); i >= 0 {
			certs = slices.Delete(certs, i, i+1)
		}
		return certs, nil
	})
}

func (s *Store) put(addr string, cert *x509.Certificate, replace bool) error {
	addr, err := normalizeAddr(addr)
	if err != nil {
		return err
	}
	k := Known{
		Addr:        addr,
		Fingerprint: protocol.FormatFingerprint(protocol.CertificateFingerprint(cert)),
		Subject:     cert.Subject.String(),
		Added:       time.Now().UTC().Truncate(time.Second),
	}
	return s.update(func(certs []Known) ([]Known, error) {
		switch i := index(certs, addr); {
		case i < 0:
			certs = append(certs, k)
		case !replace:
			return nil, fmt.Errorf("%s: %w", addr, ErrKnown)
		default:
			certs[i] = k
		}
		return certs, nil
	})
}

const knownHeader = `# Server certificates you chose to trust in ferry, by host:port and SHA-256
# fingerprint. Delete an entry to be asked again on the next connection.

`

// update applies change to a copy of the entries, saves the result and
// adopts it. When another ferry changed the file meanwhile, it reads the
// file again and applies change to that, so neither decision is lost.
func (s *Store) update(change func([]Known) ([]Known, error)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.bad) > 0 { // saving would drop the entries the user has to fix
		return fmt.Errorf("not saving %s: %w (%v)", s.file.Path, config.ErrBroken, errors.Join(s.bad...))
	}
	for attempt := 0; ; attempt++ {
		certs, err := change(slices.Clone(s.certs))
		if err != nil {
			return err
		}
		err = s.file.Save(knownHeader, knownFile{Certs: certs}, false)
		if errors.Is(err, config.ErrChanged) && attempt == 0 {
			s.load(s.file.Path)
			continue
		}
		if err != nil {
			return err
		}
		s.certs = certs
		return nil
	}
}

func index(certs []Known, addr string) int {
	return slices.IndexFunc(certs, func(k Known) bool { return k.Addr == addr })
}

// normalizeAddr lower-cases the host and checks there is a port, so that
// "FTP.Example.org:21" and "ftp.example.org:21" are one server. A host
// with spaces or control characters, or a port that is not a number from
// 1 to 65535, is refused: such an entry would never match a connection,
// so the pin the user meant would silently not apply.
func normalizeAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	bad := err != nil || host == "" || port == "" ||
		strings.IndexFunc(host, func(r rune) bool { return unicode.IsSpace(r) || safe.Escaped(r) }) >= 0
	if n, perr := strconv.Atoi(port); !bad && (perr != nil || n < 1 || n > 65535 || strconv.Itoa(n) != port) {
		bad = true
	}
	if bad {
		return "", fmt.Errorf("%s is not host:port (without spaces, port 1-65535)", safe.Line(strconv.Quote(addr)))
	}
	return net.JoinHostPort(strings.ToLower(host), port), nil
}
