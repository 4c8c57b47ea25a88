package protocol

import (
	"bufio"
	"context"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// scriptedPeer is a fake FTP server that plays a script: for each step it
// reads one command line (checking it when want is set) and then writes
// its reply text. It records every line the client sent, so tests can
// compare the exact transcript, as net/smtp's tests do. It exists for
// misbehaviour real servers won't produce; everything else is tested
// against real servers.
type scriptedPeer struct {
	t        *testing.T
	ln       net.Listener
	mu       sync.Mutex
	received []string
	conn     net.Conn
	done     chan struct{}
}

// step is one exchange: the client line the peer waits for (empty: send
// without reading, as for a greeting) and the raw reply to write.
type step struct {
	want  string // exact line expected; "*" accepts any line
	reply string // written as is; use \r\n between lines
}

func newScriptedPeer(t *testing.T, steps ...step) *scriptedPeer {
	t.Helper()
	return newScriptedPeerOn(t, "127.0.0.1:0", steps...)
}

// newScriptedPeerOn listens on addr, e.g. "[::1]:0" for IPv6.
func newScriptedPeerOn(t *testing.T, addr string, steps ...step) *scriptedPeer {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &scriptedPeer{t: t, ln: ln, done: make(chan struct{})}
	go p.serve(steps)
	t.Cleanup(func() {
		ln.Close()
		p.mu.Lock()
		if p.conn != nil {
			p.conn.Close()
		}
		p.mu.Unlock()
		<-p.done
	})
	return p
}

func (p *scriptedPeer) Addr() string { return p.ln.Addr().String() }

func (p *scriptedPeer) serve(steps []step) {
	defer close(p.done)
	conn, err := p.ln.Accept()
	if err != nil {
		return
	}
	defer conn.Close()
	p.mu.Lock()
	p.conn = conn
	p.mu.Unlock()
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(conn)
	for _, s := range steps {
		if s.want != "" {
			line, err := r.ReadString('\n')
			if err != nil {
				return
			}
			line = strings.TrimSuffix(line, "\r\n")
			p.mu.Lock()
			p.received = append(p.received, line)
			p.mu.Unlock()
			if s.want != "*" && line != s.want {
				p.t.Errorf("peer got %q, want %q", line, s.want)
				return
			}
		}
		if _, err := conn.Write([]byte(s.reply)); err != nil {
			return
		}
	}
	// Keep reading until the client goes, recording what else it says.
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		p.mu.Lock()
		p.received = append(p.received, strings.TrimSuffix(line, "\r\n"))
		p.mu.Unlock()
	}
}

// Received returns the client's lines so far.
func (p *scriptedPeer) Received() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.received...)
}

// dialPlain connects to a scripted peer without TLS and a short timeout.
func dialPlain(t *testing.T, p *scriptedPeer, opts Options) (*Conn, error) {
	t.Helper()
	opts.Security = Plain
	if opts.Timeout == 0 {
		opts.Timeout = 2 * time.Second
	}
	return Dial(context.Background(), p.Addr(), opts)
}

// dataPort listens on 127.0.0.1 for one data connection, hands it to
// serve (which may write forever: the connection closes when the test
// ends or the client goes) and returns the port for EPSV or PASV.
func dataPort(t *testing.T, serve func(net.Conn)) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		d, err := ln.Accept()
		if err != nil {
			return
		}
		defer d.Close()
		serve(d)
	}()
	return ln.Addr().(*net.TCPAddr).Port
}
