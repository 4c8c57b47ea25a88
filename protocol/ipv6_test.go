package protocol

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"
)

func TestIPv6PassiveUsesEPSVOnly(t *testing.T) {
	ln, _ := dataListener(t, "[::1]:0")
	port := ln.Addr().(*net.TCPAddr).Port
	p := newScriptedPeerOn(t, "[::1]:0",
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 Extended Passive (|||%d|)\r\n", port)},
		step{want: "RETR f", reply: "150 here\r\n226 done\r\n"},
		// The second transfer pipelines EPSV with RETR; after the refusal
		// the RETR fails as on any server, and EPSV is tried once alone.
		step{want: "EPSV", reply: "500 EPSV broken today\r\n"},
		step{want: "RETR g", reply: "425 Use PORT or PASV first\r\n"},
		step{want: "EPSV", reply: "500 EPSV broken today\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	var buf bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "f", &buf, 0); err != nil || buf.String() != "payload" {
		t.Fatalf("%q %v", buf.String(), err)
	}
	// Without EPSV there is nothing to fall back to on IPv6: no PASV is sent.
	if _, err := c.Open(context.Background(), "g", 0); err == nil || !strings.Contains(err.Error(), "500") {
		t.Fatalf("err = %v, want the EPSV refusal", err)
	}
	c.Close()
	time.Sleep(20 * time.Millisecond)
	for _, l := range p.Received() {
		if l == "PASV" {
			t.Fatal("sent PASV on an IPv6 connection")
		}
	}
}

func TestIPv6ActiveUsesEPRT(t *testing.T) {
	p := newScriptedPeerOn(t, "[::1]:0",
		step{reply: "220 hi\r\n"},
		step{want: "*", reply: "200 EPRT ok\r\n"},
		step{want: "RETR f", reply: "150 here\r\n226 done\r\n"},
	)
	c, err := dialPlain(t, p, Options{Active: true})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	go func() {
		for range 100 {
			time.Sleep(10 * time.Millisecond)
			got := p.Received()
			if len(got) == 0 {
				continue
			}
			var port int
			if _, err := fmt.Sscanf(got[0], "EPRT |2|::1|%d|", &port); err != nil {
				t.Errorf("first command %q is not an IPv6 EPRT", got[0])
				return
			}
			if d, err := net.Dial("tcp", fmt.Sprintf("[::1]:%d", port)); err == nil {
				d.Write([]byte("v6 data"))
				d.Close()
			}
			return
		}
	}()
	var buf bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "f", &buf, 0); err != nil || buf.String() != "v6 data" {
		t.Fatalf("%q %v", buf.String(), err)
	}
}
