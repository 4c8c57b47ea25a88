package protocol

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestGreetingLineTooLongIsProtocolError(t *testing.T) {
	p := newScriptedPeer(t, step{reply: "220 " + strings.Repeat("x", DefaultMaxLineLength+10) + "\r\n"})
	_, err := dialPlain(t, p, Options{})
	if !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v, want ErrProtocol", err)
	}
}

func TestEndlessMultiLineReplyIsBounded(t *testing.T) {
	lines := "220-welcome\r\n" + strings.Repeat("filler line that never ends the reply\r\n", 2000)
	p := newScriptedPeer(t, step{reply: lines})
	_, err := dialPlain(t, p, Options{MaxReplySize: 16 << 10})
	if !errors.Is(err, ErrProtocol) || !strings.Contains(err.Error(), "longer than") {
		t.Fatalf("err = %v, want a reply-size ProtocolError", err)
	}
}

func TestReplyWithoutCodeIsProtocolError(t *testing.T) {
	p := newScriptedPeer(t, step{reply: "hello there\r\n"})
	_, err := dialPlain(t, p, Options{})
	var pe *ProtocolError
	if !errors.As(err, &pe) || !errors.Is(err, ErrProtocol) {
		t.Fatalf("err = %v, want *ProtocolError", err)
	}
}

func TestCommandsWithLineBreaksAreNeverSent(t *testing.T) {
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "NOOP", reply: "200 ok\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	attempts := []func() error{
		func() error { _, err := c.Cmd(ctx, "NOOP\r\nDELE important"); return err },
		func() error { return c.Delete(ctx, "a\nDELE b") },
		func() error { return c.ChangeDir(ctx, "dir\x00") },
		func() error { return c.Rename(ctx, "ok", "bad\rname") },
		func() error { _, err := c.Open(ctx, "x\r\nDELE y", 0); return err },
		func() error { return c.Login(ctx, "user\r\nDELE z", "pw") },
	}
	for i, f := range attempts {
		if err := f(); !errors.Is(err, ErrUnsafeArgument) {
			t.Errorf("attempt %d: err = %v, want ErrUnsafeArgument", i, err)
		}
	}
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("connection unusable after refused commands: %v", err)
	}
	c.Close()
	time.Sleep(50 * time.Millisecond)
	// The rename was refused before RNFR, and nothing else reached the peer.
	if got := p.Received(); !slices.Equal(got, []string{"NOOP"}) {
		t.Fatalf("peer received %q, want only NOOP", got)
	}
}

func TestSilentServerTimesOut(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		c, err := ln.Accept()
		if err == nil {
			defer c.Close()
			time.Sleep(3 * time.Second) // accepts, then says nothing
		}
	}()
	_, err = Dial(context.Background(), ln.Addr().String(), Options{Security: Plain, Timeout: 200 * time.Millisecond})
	if !errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("err = %v, want a deadline error", err)
	}
}

func TestCancelInterruptsAWaitingCommand(t *testing.T) {
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "NOOP", reply: ""}, // never answers
	)
	c, err := dialPlain(t, p, Options{Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	err = c.Noop(ctx)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if err := c.Noop(context.Background()); !errors.Is(err, ErrClosed) {
		t.Fatalf("after cancel: err = %v, want ErrClosed", err)
	}
}

func TestGreeting120ThenReady(t *testing.T) {
	p := newScriptedPeer(t, step{reply: "120 wait a moment\r\n220 ready now\r\n"})
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Welcome() != "ready now" {
		t.Fatalf("welcome = %q", c.Welcome())
	}
}

func TestGreeting421IsTemporaryError(t *testing.T) {
	p := newScriptedPeer(t, step{reply: "421 too many users\r\n"})
	_, err := dialPlain(t, p, Options{})
	var fe *Error
	if !errors.As(err, &fe) || fe.Code != 421 || !errors.Is(err, ErrTemporary) {
		t.Fatalf("err = %v, want 421 *Error classed temporary", err)
	}
}

func TestLoginAnonymousUsesFtplibDefaults(t *testing.T) {
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "USER anonymous", reply: "331 send password\r\n"},
		step{want: "PASS anonymous@", reply: "230 in\r\n"},
		// FEAT and TYPE go out together; OPTS UTF8 follows FEAT's answer.
		step{want: "FEAT", reply: "211-Features:\r\nMDTM\r\n UTF8\r\n211 End\r\n"},
		step{want: "TYPE I", reply: "200 binary\r\n"},
		step{want: "OPTS UTF8 ON", reply: "202 always on\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(context.Background(), "", ""); err != nil {
		t.Fatal(err)
	}
	// IIS sends FEAT lines without the leading space.
	if !c.HasFeature("mdtm") || !c.HasFeature("UTF8") {
		t.Fatalf("features = %v", c.features)
	}
}

func TestLoginSendsAccountWhenAsked(t *testing.T) {
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "USER u", reply: "331 pw\r\n"},
		step{want: "PASS p", reply: "332 need account\r\n"},
		step{want: "ACCT acme", reply: "230 in\r\n"},
		step{want: "FEAT", reply: "502 no\r\n"},
		step{want: "TYPE I", reply: "200 ok\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.LoginAccount(context.Background(), "u", "p", "acme"); err != nil {
		t.Fatal(err)
	}
}

func TestLoginFailureIsPermanentError(t *testing.T) {
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "USER u", reply: "331 pw\r\n"},
		step{want: "PASS wrong", reply: "530 Login incorrect.\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = c.Login(context.Background(), "u", "wrong")
	if !errors.Is(err, ErrPermanent) || errors.Is(err, ErrTemporary) {
		t.Fatalf("err = %v, want permanent", err)
	}
}

func TestDebugLogMasksPassword(t *testing.T) {
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "USER u", reply: "331 pw\r\n"},
		step{want: "PASS s3cret", reply: "230 in\r\n"},
		step{want: "FEAT", reply: "502 no\r\n"},
		step{want: "TYPE I", reply: "200 ok\r\n"},
	)
	var log bytes.Buffer
	c, err := dialPlain(t, p, Options{Debug: &log, DebugLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(context.Background(), "u", "s3cret"); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(log.String(), "s3cret") || !strings.Contains(log.String(), "> PASS ****") {
		t.Fatalf("debug log leaks or lacks the masked PASS:\n%s", log.String())
	}
}

// dataListener stands in for a server's passive port.
func dataListener(t *testing.T, addr string) (net.Listener, <-chan string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan string, 1)
	go func() {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		got <- c.LocalAddr().String()
		c.Write([]byte("payload"))
		c.Close()
	}()
	return ln, got
}

func pasvReply(ip string, port int) string {
	return fmt.Sprintf("227 Entering Passive Mode (%s,%d,%d).\r\n", strings.ReplaceAll(ip, ".", ","), port>>8, port&0xff)
}

func TestPASVAddressIsIgnoredByDefault(t *testing.T) {
	ln, got := dataListener(t, "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: "500 no EPSV here\r\n"},
		step{want: "PASV", reply: pasvReply("10.66.66.66", port)}, // a third host
		step{want: "RETR f", reply: "150 here\r\n226 done\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	var buf bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "f", &buf, 0); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "payload" || <-got != ln.Addr().String() {
		t.Fatalf("got %q from the wrong place", buf.String())
	}
}

func TestPASVAddressIsUsedWhenTrusted(t *testing.T) {
	ln, got := dataListener(t, "127.0.0.2:0") // another loopback address
	port := ln.Addr().(*net.TCPAddr).Port
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "PASV", reply: pasvReply("127.0.0.2", port)},
		step{want: "RETR f", reply: "150 here\r\n226 done\r\n"},
	)
	c, err := dialPlain(t, p, Options{TrustPASVAddress: true, DisableEPSV: true})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	var buf bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "f", &buf, 0); err != nil {
		t.Fatal(err)
	}
	if a := <-got; !strings.HasPrefix(a, "127.0.0.2:") {
		t.Fatalf("connected to %s", a)
	}
}

func TestEPSVUnreachableFallsBackToPASV(t *testing.T) {
	ln, _ := dataListener(t, "127.0.0.1:0")
	port := ln.Addr().(*net.TCPAddr).Port
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	deadPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close() // nothing listens here any more
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 Entering Extended Passive Mode (|||%d|)\r\n", deadPort)},
		step{want: "PASV", reply: pasvReply("127.0.0.1", port)},
		step{want: "RETR f", reply: "150 here\r\n226 done\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	var buf bytes.Buffer
	if _, err := c.Retrieve(context.Background(), "f", &buf, 0); err != nil {
		t.Fatal(err)
	}
	if buf.String() != "payload" || !c.noEPSV {
		t.Fatalf("got %q, noEPSV=%v", buf.String(), c.noEPSV)
	}
}

func TestTransferSizeAndAbortDance(t *testing.T) {
	// The server streams forever; the client aborts. The peer answers 426
	// for the transfer and 226 for ABOR; the next NOOP must then get its
	// own 200.
	port := dataPort(t, func(d net.Conn) {
		chunk := bytes.Repeat([]byte("z"), 32<<10)
		for {
			if _, err := d.Write(chunk); err != nil {
				return
			}
		}
	})
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (!!!%d!)\r\n", port)},
		step{want: "RETR big", reply: "150 Opening BINARY mode data connection for big (1073741824 bytes).\r\n"},
		step{want: "ABOR", reply: "426 Connection closed; transfer aborted.\r\n226 ABOR ok\r\n"},
		step{want: "NOOP", reply: "200 the NOOP's own reply\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	tr, err := c.Open(context.Background(), "big", 0)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Size != 1<<30 {
		t.Errorf("Size = %d", tr.Size)
	}
	if _, err := tr.Read(make([]byte, 1000)); err != nil {
		t.Fatal(err)
	}
	if err := c.Noop(context.Background()); !errors.Is(err, ErrBusy) {
		t.Fatalf("Noop during transfer: %v, want ErrBusy", err)
	}
	if err := tr.Abort(); err != nil {
		t.Fatal(err)
	}
	r, err := c.Cmd(context.Background(), "NOOP")
	if err != nil || r.Text() != "the NOOP's own reply" {
		t.Fatalf("after abort: %v %v, want the NOOP's own reply", r, err)
	}
}

func TestActiveModeRefusesConnectionFromOtherHost(t *testing.T) {
	// The "server" connects from 127.0.0.2 while the control peer is
	// 127.0.0.1: a port thief. The client must refuse it.
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "*", reply: "200 PORT ok\r\n"},
		step{want: "RETR f", reply: "150 here\r\n"},
	)
	c, err := dialPlain(t, p, Options{Active: true})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	go func() {
		for i := 0; i < 50; i++ {
			time.Sleep(20 * time.Millisecond)
			got := p.Received()
			if len(got) == 0 {
				continue
			}
			var h1, h2, h3, h4, p1, p2 int
			if _, err := fmt.Sscanf(got[0], "PORT %d,%d,%d,%d,%d,%d", &h1, &h2, &h3, &h4, &p1, &p2); err != nil {
				return
			}
			d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}}
			if conn, err := d.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", p1<<8|p2)); err == nil {
				defer conn.Close()
				time.Sleep(time.Second)
			}
			return
		}
	}()
	_, err = c.Open(context.Background(), "f", 0)
	if err == nil || !strings.Contains(err.Error(), "not the server") {
		t.Fatalf("err = %v, want refusal of the foreign peer", err)
	}
}

// TestDataHandshakeFailureKeepsControlInStep: the server's data port does
// not speak TLS although PROT P is in force. The transfer fails with the
// handshake error and the server's verdict, and the control connection
// goes on.
func TestDataHandshakeFailureKeepsControlInStep(t *testing.T) {
	port := dataPort(t, func(d net.Conn) { d.Write([]byte("this is not a TLS server hello\r\n")) })
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (|||%d|)\r\n", port)},
		step{want: "RETR f", reply: "150 here\r\n425 TLS negotiation failed\r\n"},
		step{want: "NOOP", reply: "200 in step\r\n"},
	)
	c, err := dialPlain(t, p, Options{})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	c.protected = true
	c.tlsBase = &tls.Config{InsecureSkipVerify: true, ServerName: "peer"}
	_, err = c.Open(context.Background(), "f", 0)
	if err == nil || !strings.Contains(err.Error(), "handshake") {
		t.Fatalf("err = %v, want the data handshake failure", err)
	}
	if r, err := c.Cmd(context.Background(), "NOOP"); err != nil || r.Text() != "in step" {
		t.Fatalf("after the failed handshake: %v %v", r, err)
	}
}

// TestAbortWithASingleReplyResynchronises: a server that answers ABOR
// once is waited for briefly, then brought back in step with NOOP.
func TestAbortWithASingleReplyResynchronises(t *testing.T) {
	port := dataPort(t, func(d net.Conn) { d.Write(bytes.Repeat([]byte("z"), 1<<20)) })
	p := newScriptedPeer(t,
		step{reply: "220 hi\r\n"},
		step{want: "EPSV", reply: fmt.Sprintf("229 ok (|||%d|)\r\n", port)},
		step{want: "RETR f", reply: "150 here\r\n"},
		step{want: "ABOR", reply: "226 ABOR done, all in one\r\n"},
		step{want: "NOOP", reply: "200 resynchronised\r\n"},
		step{want: "NOOP", reply: "200 in step\r\n"},
	)
	c, err := dialPlain(t, p, Options{Timeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	c.transfer = "I"
	tr, err := c.Open(context.Background(), "f", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := tr.Abort(); err != nil {
		t.Fatal(err)
	}
	if r, err := c.Cmd(context.Background(), "NOOP"); err != nil || r.Text() != "in step" {
		t.Fatalf("after abort: %v %v", r, err)
	}
}

func TestServerWithoutAGreetingIsNamedAsSuch(t *testing.T) {
	for _, tc := range []struct {
		name string
		peer func(net.Conn) // what the server does after accepting
		want string
	}{
		{"silent", func(c net.Conn) { time.Sleep(2 * time.Second); c.Close() }, "sent no greeting within 200ms"},
		{"hangs up", func(c net.Conn) { c.Close() }, "closed the connection without a greeting"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			defer ln.Close()
			go func() {
				if c, err := ln.Accept(); err == nil {
					tc.peer(c)
				}
			}()
			_, err = Dial(context.Background(), ln.Addr().String(), Options{Security: Plain, Timeout: 200 * time.Millisecond})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to say %q", err, tc.want)
			}
		})
	}
}
