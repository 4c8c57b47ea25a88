// Package secrets keeps passwords in the operating system's keyring
// (Secret Service on Linux, Keychain on macOS, Credential Manager on
// Windows) through github.com/zalando/go-keyring, so a bookmark records
// only where its password is. Every call has a deadline: a keyring that
// does not answer (a headless machine, a D-Bus without a secrets daemon)
// is reported as ErrUnavailable, never waited on for ever.
//
// It knows nothing of bookmarks or FTP.
package secrets

import (
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keyring service ferry's entries are stored under.
const Service = "ferry"

// DefaultTimeout bounds one keyring call. Unlocking a keyring can prompt
// the user, so it is not short.
const DefaultTimeout = 10 * time.Second

var (
	// ErrNotFound: the keyring works but holds no such entry.
	ErrNotFound = errors.New("not in the OS keyring")
	// ErrUnavailable: there is no usable keyring here. The error that
	// wraps it says why; callers fall back to other sources.
	ErrUnavailable = errors.New("the OS keyring is not available")
)

// backend is what go-keyring offers; tests replace it.
type backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

type osBackend struct{}

func (osBackend) Set(s, u, p string) error        { return keyring.Set(s, u, p) }
func (osBackend) Get(s, u string) (string, error) { return keyring.Get(s, u) }
func (osBackend) Delete(s, u string) error        { return keyring.Delete(s, u) }

// Keyring stores passwords under one service name. It is safe for
// concurrent use.
type Keyring struct {
	service string
	timeout time.Duration
	backend backend
}

// New returns the OS keyring under Service.
func New() *Keyring { return &Keyring{service: Service, timeout: DefaultTimeout, backend: osBackend{}} }

// WithService returns a Keyring that stores under another service name
// (tests use one of their own).
func (k *Keyring) WithService(name string) *Keyring {
	c := *k
	c.service = name
	return &c
}

// WithTimeout returns a Keyring whose calls give up after d.
func (k *Keyring) WithTimeout(d time.Duration) *Keyring {
	c := *k
	c.timeout = d
	return &c
}

// Service names where the entries are ("ferry" unless changed).
func (k *Keyring) Service() string { return k.service }

// Get returns the password stored for account.
func (k *Keyring) Get(account string) (string, error) {
	return call(k, "read", func() (string, error) { return k.backend.Get(k.service, account) })
}

// Set stores password for account, replacing what was there.
func (k *Keyring) Set(account, password string) error {
	_, err := call(k, "store", func() (struct{}, error) { return struct{}{}, k.backend.Set(k.service, account, password) })
	return err
}

// Delete removes account's entry; a missing one is ErrNotFound.
func (k *Keyring) Delete(account string) error {
	_, err := call(k, "delete", func() (struct{}, error) { return struct{}{}, k.backend.Delete(k.service, account) })
	return err
}

// call runs f with k's deadline and turns the library's errors into
// ErrNotFound and ErrUnavailable. A call that times out is left to finish
// in the background; its result is dropped.
func call[T any](k *Keyring, what string, f func() (T, error)) (T, error) {
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := f()
		done <- result{v, err}
	}()
	t := time.NewTimer(k.timeout)
	defer t.Stop()
	var zero T
	select {
	case r := <-done:
		switch {
		case r.err == nil:
			return r.v, nil
		case errors.Is(r.err, keyring.ErrNotFound):
			return zero, ErrNotFound
		case errors.Is(r.err, keyring.ErrSetDataTooBig):
			return zero, fmt.Errorf("keyring %s: %w", what, r.err)
		}
		return zero, fmt.Errorf("%w (%s: %v)", ErrUnavailable, what, r.err)
	case <-t.C:
		return zero, fmt.Errorf("%w (no answer within %v)", ErrUnavailable, k.timeout)
	}
}
