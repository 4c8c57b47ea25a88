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

func TestNetrcEdgeCases(t *testing.T) {
	tests := []struct {
		name, in    string
		host, login string
		want        NetrcEntry
		found       bool
	}{
		{"CRLF line endings", "machine h\r\nlogin a\r\npassword p\r\n", "h", "", NetrcEntry{Machine: "h", Login: "a", Password: "p"}, true},
		{"hash inside a token is not a comment", "machine h login a password pa#ss", "h", "", NetrcEntry{Machine: "h", Login: "a", Password: "pa#ss"}, true},
		{"quoted token with spaces and a hash", `machine h login "a b" password "# not a comment"`, "h", "a b", NetrcEntry{Machine: "h", Login: "a b", Password: "# not a comment"}, true},
		{"one token per line", "machine\nh\nlogin\na\npassword\np\n", "h", "", NetrcEntry{Machine: "h", Login: "a", Password: "p"}, true},
		{"macdef at the end without an empty line", "machine h login a password p\nmacdef m\ncd /\nmachine evil login x password y", "evil", "", NetrcEntry{}, false},
		{"entries after a macro's empty line count", "macdef m\ncd /\n\nmachine h login a password p\n", "h", "", NetrcEntry{Machine: "h", Login: "a", Password: "p"}, true},
		{"two logins on one host", "machine h login a password pa\nmachine h login b password pb\n", "h", "b", NetrcEntry{Machine: "h", Login: "b", Password: "pb"}, true},
		{"first entry without a login", "machine h login a password pa\nmachine h login b password pb\n", "h", "", NetrcEntry{Machine: "h", Login: "a", Password: "pa"}, true},
		{"default without login matches any login", "default password any\n", "h", "zed", NetrcEntry{Password: "any"}, true},
		{"machine beats an earlier default", "default login anonymous password guest\nmachine h login a password p\n", "h", "", NetrcEntry{Machine: "h", Login: "a", Password: "p"}, true},
		{"tokens before any machine are ignored", "login stray password stray\nmachine h login a password p\n", "h", "stray", NetrcEntry{}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			entries, err := ParseNetrc(strings.NewReader(tt.in))
			if err != nil {
				t.Fatal(err)
			}
			got, ok := LookupNetrc(entries, tt.host, tt.login)
			if ok != tt.found || got != tt.want {
				t.Errorf("got %+v %v, want %+v %v (entries %+v)", got, ok, tt.want, tt.found, entries)
			}
		})
	}
}

func FuzzParseNetrc(f *testing.F) {
	f.Add("machine h login a password \"p w\" account x\ndefault login anonymous\n")
	f.Add("macdef m\nbody\n\nmachine h\n")
	f.Fuzz(func(t *testing.T, in string) {
		entries, err := ParseNetrc(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, e := range entries {
			LookupNetrc(entries, e.Machine, e.Login)
		}
	})
}
