package main

import (
	"testing"

	"ferry/protocol"
)

func TestParseTargetSchemesAndParts(t *testing.T) {
	tests := []struct {
		in   string
		want target
	}{
		{"ftp://example.org/pub/file.txt", target{Scheme: "ftp", Host: "example.org", Port: 21, Path: "pub/file.txt", Security: protocol.ExplicitIfOffered}},
		{"ftpes://bob:s%40cret@example.org:2121/", target{Scheme: "ftpes", Host: "example.org", Port: 2121, User: "bob", Password: "s@cret", HasPass: true, Security: protocol.Explicit}},
		{"ftps://[::1]/%2Fetc/motd", target{Scheme: "ftps", Host: "::1", Port: 990, Path: "/etc/motd", Security: protocol.Implicit}},
		{"FTP://u:@h/a%20b", target{Scheme: "ftp", Host: "h", Port: 21, User: "u", HasPass: true, Path: "a b", Security: protocol.ExplicitIfOffered}},
	}
	for _, tt := range tests {
		got, err := parseTarget(tt.in)
		if err != nil || got != tt.want {
			t.Errorf("%s:\n got %+v %v\nwant %+v", tt.in, got, err, tt.want)
		}
	}
}

func TestParseTargetRejectsBadURLs(t *testing.T) {
	for _, in := range []string{"http://h/x", "ftp:///x", "ftp://h:0/", "ftp://h:99999/", "ftp://h/a%0D%0ADELE%20b", "ftp://h/x?y", "example.org/file", "ftp:h"} {
		if _, err := parseTarget(in); err == nil {
			t.Errorf("%s accepted", in)
		}
	}
}

func TestTargetStringHidesPassword(t *testing.T) {
	tg, _ := parseTarget("ftp://bob:secret@h/x")
	if s := tg.String(); s != "ftp://bob@h:21/x" {
		t.Fatalf("String() = %q", s)
	}
}
