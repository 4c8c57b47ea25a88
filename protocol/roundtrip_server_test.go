package protocol_test

import (
	"context"
	"crypto/tls"
	"io"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestTLSHandshakesSkipHelloRetry: vsftpd takes only P-256, which
// crypto/tls does not lead with. The data connections offer the control
// connection's key exchange, and a second control connection made with
// SameKeyExchange does too, so none of them pays a HelloRetryRequest.
func TestTLSHandshakesSkipHelloRetry(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	s.WriteFile(t, "f.bin", randomBytes(t, 10_000))
	ctx := context.Background()
	log := &wireLog{}
	opts := protocol.Options{Security: protocol.Explicit, Timeout: 10 * time.Second,
		TLSConfig: &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName}, Debug: log, DebugLevel: 2}
	connect := func(o protocol.Options) *protocol.Conn {
		c, err := protocol.Dial(ctx, s.Addr, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := c.Login(ctx, s.User, s.Password); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Quit(ctx) })
		return c
	}
	first := connect(opts)
	for range 3 {
		tr, err := first.Open(ctx, "f.bin", 0)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, tr)
		if err := tr.Close(); err != nil {
			t.Fatal(err)
		}
	}
	data := 0
	for _, l := range log.lines {
		if strings.Contains(l, "data TLS") {
			data++
			if !strings.Contains(l, "hrr=false") {
				t.Errorf("a data handshake needed a HelloRetryRequest: %s", l)
			}
		}
	}
	if data != 3 {
		t.Fatalf("%d data handshakes logged, want 3", data)
	}

	st, _ := first.TLSState()
	second := connect(first.SameKeyExchange(opts))
	st2, _ := second.TLSState()
	if st2.HelloRetryRequest || st2.CurveID != st.CurveID {
		t.Errorf("second control connection: HelloRetryRequest %v, key exchange %v (first: %v)", st2.HelloRetryRequest, st2.CurveID, st.CurveID)
	}
	if opts.TLSConfig.CurvePreferences != nil {
		t.Error("SameKeyExchange changed the caller's TLS configuration")
	}
}
