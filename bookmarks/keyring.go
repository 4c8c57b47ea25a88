package bookmarks

import (
	"errors"
	"fmt"
	"strings"
)

// Secrets is where saved passwords live: the OS keyring (package
// secrets). Get returns an error wrapping secrets.ErrNotFound or
// secrets.ErrUnavailable when it has no password to give.
type Secrets interface {
	Get(account string) (string, error)
	Set(account, password string) error
}

// Storage is where the user chose to save a password.
type Storage int

const (
	DontSave    Storage = iota // keep it for this session only
	SaveKeyring                // in the OS keyring; the bookmark names the entry
	SaveFile                   // as plain text in bookmarks.toml: only when chosen
)

// String is how the choice is offered.
func (s Storage) String() string {
	switch s {
	case SaveKeyring:
		return "in the OS keyring"
	case SaveFile:
		return "in bookmarks.toml (plain text)"
	}
	return "not saved"
}

// Next cycles through the choices, for a key that changes them.
func (s Storage) Next() Storage { return (s + 1) % 3 }

// ErrNoKeyring: saving in the keyring was asked of a File without one.
var ErrNoKeyring = errors.New("no OS keyring is configured")

// Account is the keyring entry name for a login: "user@host:port".
func (b Bookmark) Account() string {
	user := b.User
	if user == "" {
		user = "anonymous"
	}
	return user + "@" + b.Addr()
}

// StorageOf says where b's password is saved now.
func (b Bookmark) StorageOf() Storage {
	switch {
	case b.Password != "":
		return SaveFile
	case b.Keyring != "":
		return SaveKeyring
	}
	return DontSave
}

// SetSecrets gives the file the keyring that SavePassword and the
// callers of Login use; nil means none.
func (f *File) SetSecrets(s Secrets) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.secrets = s
}

// Secrets returns the keyring given with SetSecrets, or nil.
func (f *File) Secrets() Secrets {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.secrets
}

// PreparePassword puts password where the user chose for b, before b is
// added or updated: in the keyring (b then records only the entry), in
// b.Password, or nowhere. With DontSave an empty password keeps what b
// had. When the keyring cannot take it, b is returned unchanged with an
// error that says so and names the other choices; the plain file is
// never used instead of the keyring without being asked for.
func (f *File) PreparePassword(b Bookmark, password string, where Storage) (Bookmark, error) {
	switch where {
	case SaveFile:
		if password == "" {
			password = b.Password
		}
		b.Password, b.Keyring = password, ""
	case SaveKeyring:
		b.Password = ""
		if password == "" {
			if b.Keyring == "" {
				return b, errors.New("no password to save in the OS keyring")
			}
			return b, nil // the entry already holds it
		}
		s := f.Secrets()
		if s == nil {
			return b, fmt.Errorf("the password was not saved: %w", ErrNoKeyring)
		}
		account := b.Account()
		if err := s.Set(account, password); err != nil {
			return b, fmt.Errorf("the password was not saved: %w; use password_cmd or ~/.netrc, or choose to save it in bookmarks.toml as plain text", err)
		}
		b.Keyring = account
	default:
		b.Password, b.Keyring = "", ""
	}
	return b, nil
}

// SavePassword stores password for the bookmark called name where the
// user chose (see PreparePassword) and saves the file.
func (f *File) SavePassword(name, password string, where Storage) error {
	b, ok := f.Get(name)
	if !ok {
		return fmt.Errorf("%q: %w", name, ErrNotFound)
	}
	b, err := f.PreparePassword(b, password, where)
	if err != nil {
		return err
	}
	return f.Update(name, b)
}

// readKeyring reads an entry, explaining a missing keyring.
func readKeyring(s Secrets, account string) (string, error) {
	if s == nil {
		return "", ErrNoKeyring
	}
	p, err := s.Get(account)
	if err != nil {
		return "", err
	}
	if strings.ContainsAny(p, "\r\n\x00") {
		return "", errors.New("the stored password contains a line break or NUL")
	}
	return p, nil
}

// forgetKeyring deletes the keyring entry account when no bookmark in
// list names it any more, if the keyring can delete.
func (f *File) forgetKeyring(account string, list []Bookmark) {
	for _, b := range list {
		if b.Keyring == account {
			return
		}
	}
	if d, ok := f.Secrets().(interface{ Delete(string) error }); ok {
		d.Delete(account)
	}
}
