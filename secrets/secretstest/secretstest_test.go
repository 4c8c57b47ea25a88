package secretstest_test

import (
	"errors"
	"testing"

	"ferry/secrets"
	"ferry/secrets/secretstest"
)

// TestRealSecretServiceStoresReadsAndDeletes runs package secrets against
// gnome-keyring-daemon on a private session bus.
func TestRealSecretServiceStoresReadsAndDeletes(t *testing.T) {
	k := secretstest.Keyring(t)
	if _, err := k.Get("alice@ftp.example.org:21"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("Get before Set = %v, want ErrNotFound", err)
	}
	for _, pw := range []string{"first s3cret", "ünïcödé pässwörd: with spaces"} {
		if err := k.Set("alice@ftp.example.org:21", pw); err != nil {
			t.Fatal(err)
		}
		if got, err := k.Get("alice@ftp.example.org:21"); err != nil || got != pw {
			t.Fatalf("Get = %q, %v; want %q", got, err, pw)
		}
	}
	if err := k.Delete("alice@ftp.example.org:21"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get("alice@ftp.example.org:21"); !errors.Is(err, secrets.ErrNotFound) {
		t.Fatalf("Get after Delete = %v, want ErrNotFound", err)
	}
}
