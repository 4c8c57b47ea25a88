package protocol_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"io"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// wireLog keeps the debug log's lines, to see what went out before
// which reply came back.
type wireLog struct {
	mu    sync.Mutex
	lines []string
}

func (w *wireLog) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.lines = append(w.lines, strings.Split(strings.TrimRight(string(p), "\n"), "\n")...)
	return len(p), nil
}

// sentAhead counts the commands that went out right after another with
// no reply read in between: pipelined. Engine events are not counted as
// either.
func (w *wireLog) sentAhead() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	n, prevSent := 0, false
	for _, l := range w.lines {
		switch {
		case strings.HasPrefix(l, protocol.LogSent):
			if prevSent {
				n++
			}
			prevSent = true
		case strings.HasPrefix(l, protocol.LogReceived):
			prevSent = false
		}
	}
	return n
}

// TestPipelinedCommandsAnswerInOrderOnEveryServer checks, on each real
// server, what pipelining relies on: replies to commands sent together
// come back in order and mean what they mean alone (batches, downloads
// with MDTM and REST ahead, uploads with their size check behind), and
// that with Options.NoPipelining nothing is sent ahead.
func TestPipelinedCommandsAnswerInOrderOnEveryServer(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			data := randomBytes(t, 300_000)
			s.WriteFile(t, "a.bin", data)
			for _, off := range []bool{false, true} {
				name := "pipelined"
				if off {
					name = "one-step"
				}
				t.Run(name, func(t *testing.T) {
					log := &wireLog{}
					opts := protocol.Options{Security: protocol.Plain, Timeout: 10 * time.Second, NoPipelining: off, Debug: log, DebugLevel: 2}
					if s.TLS {
						opts.Security = protocol.Explicit
						opts.TLSConfig = &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName}
					}
					ctx := context.Background()
					c, err := protocol.Dial(ctx, s.Addr, opts)
					if err != nil {
						t.Fatal(err)
					}
					defer c.Quit(ctx)
					if err := c.Login(ctx, s.User, s.Password); err != nil {
						t.Fatal(err)
					}

					replies, err := c.Batch(ctx, "SIZE a.bin", "MDTM a.bin", "SIZE no-such-file", "NOOP")
					if err != nil {
						t.Fatal(err)
					}
					codes := []int{}
					for _, r := range replies {
						codes = append(codes, r.Code)
					}
					if len(codes) != 4 || codes[0] != 213 || codes[1] != 213 || codes[2]/100 != 5 || codes[3] != 200 {
						t.Fatalf("batch replies %v, want [213 213 5xx 200]", codes)
					}
					if got := strings.TrimSpace(replies[0].Text()); got != strconv.Itoa(len(data)) {
						t.Fatalf("SIZE in a batch said %s, want %d", got, len(data))
					}

					for i, offset := range []int64{0, 0, 1000, 0} {
						tr, before, err := c.OpenBatch(ctx, "a.bin", offset, "MDTM a.bin")
						if err != nil {
							t.Fatalf("download %d: %v", i, err)
						}
						got, err := io.ReadAll(tr)
						if cerr := tr.Close(); err == nil {
							err = cerr
						}
						if err != nil || !bytes.Equal(got, data[offset:]) {
							t.Fatalf("download %d from %d: %d bytes, %v", i, offset, len(got), err)
						}
						if len(before) != 1 || before[0].Code != 213 {
							t.Fatalf("download %d: the MDTM sent ahead got %v", i, before)
						}
					}

					up := randomBytes(t, 200_000)
					for i := range 3 {
						tr, err := c.Create(ctx, "up.bin", 0)
						if err != nil {
							t.Fatalf("upload %d: %v", i, err)
						}
						if _, err := tr.Write(up); err != nil {
							t.Fatal(err)
						}
						after, err := tr.CloseBatch("SIZE up.bin", "NOOP")
						if err != nil {
							t.Fatalf("upload %d: %v", i, err)
						}
						if len(after) != 2 || after[0].Code != 213 || strings.TrimSpace(after[0].Text()) != strconv.Itoa(len(up)) || after[1].Code != 200 {
							t.Fatalf("upload %d: replies behind it %v", i, after)
						}
					}
					// An abort in the middle keeps the replies in step
					// (on vsftpd the next port was asked for already).
					tr, _, err := c.OpenBatch(ctx, "a.bin", 0)
					if err != nil {
						t.Fatal(err)
					}
					if _, err := io.ReadFull(tr, make([]byte, 1000)); err != nil {
						t.Fatal(err)
					}
					if err := tr.Abort(); err != nil {
						t.Fatalf("abort: %v", err)
					}
					if r, err := c.Cmd(ctx, "NOOP"); err != nil || r.Code != 200 {
						t.Fatalf("NOOP after the abort: %v %v", r, err)
					}
					l, err := c.List(ctx, "/")
					if err != nil || len(l.Entries) < 2 {
						t.Fatalf("listing after pipelined transfers: %v, %v", l, err)
					}

					ahead := log.sentAhead()
					switch {
					case off && ahead > 0:
						t.Errorf("NoPipelining, yet %d commands went out ahead of a reply", ahead)
					case !off && ahead < 4:
						t.Errorf("pipelining on, but only %d commands went out ahead of a reply", ahead)
					case !off && !c.Pipelining():
						t.Errorf("the connection stopped pipelining")
					}
				})
			}
		})
	}
}
