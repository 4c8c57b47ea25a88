package bookmarks

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"ferry/protocol"
)

func TestNetworkKeysAreReadAndChecked(t *testing.T) {
	for _, tc := range []struct {
		name string
		b    Bookmark
		want string // "" for valid
	}{
		{"proxy", Bookmark{Proxy: "socks5h://u:p@proxy:1080"}, ""},
		{"http proxy", Bookmark{Proxy: "http://proxy:3128"}, ""},
		{"unknown proxy scheme", Bookmark{Proxy: "ftp://proxy"}, "not supported"},
		{"proxy and active", Bookmark{Proxy: "socks5://proxy", Active: true}, "cannot go together"},
		{"proxy and active_ports", Bookmark{Proxy: "socks5://proxy", ActivePorts: "5000-5001"}, "cannot go together"},
		{"active address", Bookmark{Active: true, ActiveAddress: "198.51.100.4", ActivePorts: "40000-40009"}, ""},
		{"active address is a name", Bookmark{ActiveAddress: "router.lan"}, "not an IP address"},
		{"ports reversed", Bookmark{ActivePorts: "40009-40000"}, "active_ports"},
		{"rate", Bookmark{LimitRate: "1.5M"}, ""},
		{"bad rate", Bookmark{LimitRate: "quick"}, "limit_rate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := tc.b
			b.Name, b.Host = "n", "ftp.example.org"
			err := b.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestBookmarkOptionsCarryProxyAndActiveSettings(t *testing.T) {
	b := Bookmark{Name: "n", Host: "h", Active: true, ActiveAddress: "198.51.100.4", ActivePorts: "40000-40009"}
	opts, err := b.Options(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !opts.Active || opts.ActiveAddress.String() != "198.51.100.4" || opts.ActivePorts != (protocol.PortRange{Low: 40000, High: 40009}) {
		t.Fatalf("options %+v", opts)
	}
	b = Bookmark{Name: "n", Host: "h", ActivePorts: "40000-40009"}
	if opts, err = b.Options(nil); err != nil || !opts.Active {
		t.Fatalf("active_ports alone does not mean active mode: %+v, %v", opts, err)
	}
	b = Bookmark{Name: "n", Host: "h", Proxy: "socks5h://proxy:1080"}
	if opts, err = b.Options(nil); err != nil || opts.Proxy == nil {
		t.Fatalf("options with a proxy: %+v, %v", opts, err)
	}
}

func TestProxyKeyRoundTripsThroughTheFile(t *testing.T) {
	dir := t.TempDir()
	b := Bookmark{Name: "p", Host: "ftp.example.org", Proxy: "http://proxy.lan:3128", LimitRate: "500K"}
	if err := Load(dir).Add(b); err != nil {
		t.Fatal(err)
	}
	got, ok := Load(dir).Get("p")
	if !ok || got != b {
		t.Fatalf("read back %+v, want %+v", got, b)
	}
	text, _ := os.ReadFile(filepath.Join(dir, FileName))
	for _, want := range []string{"proxy = 'http://proxy.lan:3128'", "limit_rate = '500K'"} {
		if !strings.Contains(string(text), want) {
			t.Errorf("file lacks %q:\n%s", want, text)
		}
	}
}
