package main

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/ui"
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

// TestBadURLErrorsNeverShowThePassword: whatever is wrong with a URL, the
// message names the URL with its password masked, and never quotes the
// part of it that failed to parse (which may be the password).
func TestBadURLErrorsNeverShowThePassword(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"ftp://u:TopSecret1@h:99999/", "bad port"},
		{"ftp://u:TopSecret1@h:x/", "bad port"},
		{"ftp://u:Top/Secret1@h/", "bad port"},
		{"ftp://u:Top%zzSecret1@h/", "bad %-escape"},
		{"ftp://u:TopSecret1@h/a%zz", "bad %-escape"},
		{"http://u:TopSecret1@h/", "scheme must be"},
		{"ftp://u:TopSecret1@ho%20st/", "bad"},
		{"ftp://u:TopSecret1@h/x?q", "no ?query"},
		{"ftp://u:TopSecret1@h/a%0D%0ADELE", "line break"},
		{"ftp://u:TopSecret1@h/\x7f", "control character"},
		{"ftp://u:TopSecret1@h/\x1b[2J", "control character"},
		{"ftp://u:TopSecret1@", "no host"},
	} {
		_, err := parseTarget(tc.in)
		if err == nil {
			t.Errorf("%q accepted", tc.in)
			continue
		}
		msg := err.Error()
		if strings.Contains(msg, "Secret") || strings.Contains(msg, "Top") {
			t.Errorf("%q: the error shows the password: %s", tc.in, msg)
		}
		if !strings.Contains(msg, "u:****@") || !strings.Contains(msg, tc.want) {
			t.Errorf("%q: error %q, want the masked URL and %q", tc.in, msg, tc.want)
		}
		if strings.ContainsAny(msg, "\x1b\x7f") {
			t.Errorf("%q: the error holds a control character: %q", tc.in, msg)
		}
		// The command line prints the same.
		code, _, errOut := ferry(t, "ls", tc.in)
		if code != exitUsage || strings.Contains(errOut, "Secret") || strings.Contains(errOut, "Top") {
			t.Errorf("ferry ls %q: exit %d, stderr %q", tc.in, code, errOut)
		}
	}
}

// TestQuickConnectToABadURLNeverShowsThePassword is the file manager's
// connect function (what quick connect calls) on malformed URLs.
func TestQuickConnectToABadURLNeverShowsThePassword(t *testing.T) {
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, timeout: time.Second}
	for _, raw := range []string{"ftp://u:TopSecret1@h:99999/", "ftp://u:Top/Secret1@h/", "ftp://u:Top%zzSecret1@h/", "sftp://u:TopSecret1@h/"} {
		_, err := c.connectRemote(context.Background(), ui.Target{URL: raw}, "", io.Discard)
		if err == nil {
			t.Errorf("%q connected", raw)
			continue
		}
		if strings.Contains(err.Error(), "Secret") || strings.Contains(err.Error(), "Top") {
			t.Errorf("%q: %v", raw, err)
		}
		if got := (ui.Target{URL: raw}).String(); strings.Contains(got, "Secret") || strings.Contains(got, "Top") {
			t.Errorf("the status line names the target %q", got)
		}
	}
}
