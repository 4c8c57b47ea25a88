package protocol_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestDelayProxyCarriesControlAndDataWithItsDelay checks the bench's
// delay proxy: a TLS session verified against the proxy's own address,
// every reply at least a round trip away, and the passive data
// connections going through it too (the engine connects them to the
// control peer's address).
func TestDelayProxyCarriesControlAndDataWithItsDelay(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	const oneWay = 30 * time.Millisecond
	p := ftptest.StartDelayProxy(t, s, oneWay)
	data := randomBytes(t, 300_000)
	s.WriteFile(t, "f.bin", data)
	ctx := context.Background()
	c, err := protocol.Dial(ctx, p.Addr, protocol.Options{Security: protocol.Explicit, Timeout: 10 * time.Second,
		TLSConfig: &tls.Config{RootCAs: s.CertPool}}) // verified as 127.0.0.2
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit(ctx)
	if err := c.Login(ctx, s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	begin := time.Now()
	if err := c.Noop(ctx); err != nil {
		t.Fatal(err)
	}
	if rtt := time.Since(begin); rtt < 2*oneWay {
		t.Errorf("NOOP answered in %v through a proxy of %v each way", rtt, oneWay)
	}
	before := p.Accepted()
	var got bytes.Buffer
	if _, err := c.Retrieve(ctx, "f.bin", &got, 0); err != nil || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("download through the proxy: %d bytes, %v", got.Len(), err)
	}
	if p.Accepted() != before+1 {
		t.Errorf("the data connection did not go through the proxy (%d connections before, %d after)", before, p.Accepted())
	}
}
