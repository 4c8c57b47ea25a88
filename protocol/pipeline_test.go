package protocol

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"slices"
	"testing"
)

// TestPipelineFallsBackToOneStepWhenEPSVIsRefused: a server that refuses
// an EPSV sent ahead of its RETR (so the RETR fails for want of a port)
// gets the transfer again one step at a time, falling back to PASV, and
// no more pipelines.
func TestPipelineFallsBackToOneStepWhenEPSVIsRefused(t *testing.T) {
	ln1, _ := dataListener(t, "127.0.0.1:0")
	ln2, _ := dataListener(t, "127.0.0.1:0")
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		// The first transfer goes one step at a time: EPSV is not proven.
		step{want: "EPSV", reply: fmt.Sprintf("229 Extended Passive (|||%d|)\r\n", ln1.Addr().(*net.TCPAddr).Port)},
		step{want: "RETR f", reply: "150 here\r\n226 done\r\n"},
		// The second is pipelined; this server has stopped taking EPSV.
		step{want: "EPSV", reply: "500 EPSV not now\r\n"},
		step{want: "RETR g", reply: "425 Use PORT or PASV first\r\n"},
		step{want: "EPSV", reply: "500 EPSV not now\r\n"},
		step{want: "PASV", reply: pasvReply("127.0.0.1", ln2.Addr().(*net.TCPAddr).Port)},
		step{want: "RETR g", reply: "150 here\r\n226 done\r\n"},
		step{want: "NOOP", reply: "200 ok\r\n"},
		step{want: "NOOP", reply: "200 ok\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	ctx := context.Background()
	for _, name := range []string{"f", "g"} {
		var buf bytes.Buffer
		if _, err := c.Retrieve(ctx, name, &buf, 0); err != nil || buf.String() != "payload" {
			t.Fatalf("%s: %q %v", name, buf.String(), err)
		}
	}
	if c.Pipelining() {
		t.Error("still pipelining after a refused pipelined EPSV")
	}
	// A batch now goes one command at a time (the peer answers each
	// before it reads the next either way; the transcript shows order).
	if r, err := c.Batch(ctx, "NOOP", "NOOP"); err != nil || len(r) != 2 {
		t.Fatalf("batch: %v %v", r, err)
	}
	c.Quit(ctx)
	want := []string{"EPSV", "RETR f", "EPSV", "RETR g", "EPSV", "PASV", "RETR g", "NOOP", "NOOP", "QUIT"}
	if got := p.Received(); !slices.Equal(got, want) {
		t.Fatalf("transcript\n got %q\nwant %q", got, want)
	}
}
