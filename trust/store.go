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
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"ferry/config"
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
// file is broken, the store is empty, Err says why (show it: no certificate
// is pinned, so self-signed servers fail verification again), and changes
// are refused rather than written over the user's file.
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
	seen := map[string]bool{}
	for _, k := range kf.Certs {
		addr, aerr := normalizeAddr(k.Addr)
		fp, ferr := protocol.ParseFingerprint(k.Fingerprint)
		switch {
		case aerr != nil || ferr != nil:
			s.bad = append(s.bad, &config.FileError{Path: path, Key: "cert", Msg: fmt.Sprintf("entry for %q ignored: %v", k.Addr, errors.Join(aerr, ferr))})
			continue
		case seen[addr]:
			s.bad = append(s.bad, &config.FileError{Path: path, Key: "cert", Msg: fmt.Sprintf("second entry for %s ignored", addr)})
			continue
		}
		seen[addr] = true
		k.Addr, k.Fingerprint = addr, protocol.FormatFingerprint(fp)
		s.certs = append(s.certs, k)
	}
}

// Path is the file the store lives in.
func (s *Store) Path() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Path
}

// Err reports why the file did not load, or nil.
func (s *Store) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.file.Err()
}

// Warnings returns unknown keys and entries that were ignored.
func (s *Store) Warnings() []error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append(slices.Clone(s.file.Warnings()), s.bad...)
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
// "FTP.Example.org:21" and "ftp.example.org:21" are one server.
func normalizeAddr(addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil || host == "" || port == "" {
		return "", fmt.Errorf("%q is not host:port", addr)
	}
	return net.JoinHostPort(strings.ToLower(host), port), nil
}
