package bookmarks

import (
	"strings"
	"testing"
)

func TestNetrcParsesMachinesDefaultQuotesAndSkipsMacros(t *testing.T) {
	in := `# a comment
machine ftp.example.org login alice password "p w\"d" # trailing comment
macdef init
login mallory
password stolen

machine other.example login bob
  password b0b account acct
default login anonymous password guest@
`
	entries, err := ParseNetrc(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		host, login string
		want        NetrcEntry
	}{
		{"ftp.example.org", "", NetrcEntry{Machine: "ftp.example.org", Login: "alice", Password: `p w"d`}},
		{"FTP.EXAMPLE.ORG", "alice", NetrcEntry{Machine: "ftp.example.org", Login: "alice", Password: `p w"d`}},
		{"other.example", "", NetrcEntry{Machine: "other.example", Login: "bob", Password: "b0b", Account: "acct"}},
		{"unknown.example", "", NetrcEntry{Login: "anonymous", Password: "guest@"}},
	}
	for _, tt := range tests {
		got, ok := LookupNetrc(entries, tt.host, tt.login)
		if !ok || got != tt.want {
			t.Errorf("%s/%s: %+v %v, want %+v", tt.host, tt.login, got, ok, tt.want)
		}
	}
	for _, e := range entries {
		if e.Login == "mallory" || e.Password == "stolen" {
			t.Fatalf("macdef body parsed as tokens: %+v", e)
		}
	}
	if _, ok := LookupNetrc(entries, "ftp.example.org", "carol"); ok {
		// carol has no entry of her own and the default names another login
		t.Fatal("found an entry for a login that has none")
	}
}

func TestNetrcUnterminatedQuoteIsAnError(t *testing.T) {
	if _, err := ParseNetrc(strings.NewReader(`machine h password "open`)); err == nil {
		t.Fatal("accepted an unterminated quote")
	}
}
