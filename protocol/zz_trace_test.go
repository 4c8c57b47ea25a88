package protocol

import (
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"os"
	"testing"
	"time"
)

type tsw struct{ t0 time.Time }

func (w tsw) Write(p []byte) (int, error) {
	fmt.Fprintf(os.Stderr, "%6.1f %s", float64(time.Since(w.t0).Microseconds())/1000, p)
	return len(p), nil
}

func TestZZTrace(t *testing.T) {
	addr := os.Getenv("TR_ADDR")
	if addr == "" {
		t.Skip()
	}
	pool, _ := LoadCAFile(os.Getenv("TR_CA"))
	w := tsw{time.Now()}
	ctx := context.Background()
	c, err := Dial(ctx, addr, Options{Security: Explicit, TLSConfig: &tls.Config{RootCAs: pool}, Debug: w, DebugLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Login(ctx, os.Getenv("TR_USER"), os.Getenv("TR_PASS")); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		fmt.Fprintf(w, "---- file %d\n", i)
		tr, _, err := c.OpenBatch(ctx, fmt.Sprintf("hundred/f%03d.bin", i), 0)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(w, "opened\n")
		n, err := io.Copy(io.Discard, tr)
		fmt.Fprintf(w, "read %d %v\n", n, err)
		err = tr.Close()
		fmt.Fprintf(w, "closed %v\n", err)
	}
}
