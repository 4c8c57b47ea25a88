package protocol_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"testing"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

func TestFXPCopiesBetweenTwoServers(t *testing.T) {
	for _, tc := range []struct {
		name     string
		src, dst ftptest.Kind
		security protocol.Security
	}{
		{"plain vsftpd to proftpd", ftptest.VSFTPD, ftptest.ProFTPD, protocol.Plain},
		{"plain proftpd to vsftpd", ftptest.ProFTPD, ftptest.VSFTPD, protocol.Plain},
		{"TLS proftpd to proftpd (SSCN)", ftptest.ProFTPD, ftptest.ProFTPD, protocol.Explicit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := ftptest.Start(t, tc.src, ftptest.Options{FXP: true})
			dst := ftptest.Start(t, tc.dst, ftptest.Options{FXP: true})
			data := randomBytes(t, 3<<20)
			src.WriteFile(t, "f.bin", data)
			m := mode{name: tc.name, security: tc.security}
			a, b := dial(t, src, m), dial(t, dst, m)
			ctx := context.Background()
			if err := protocol.FXP(ctx, a, b, "f.bin", "copy.bin", int64(len(data)), 0); err != nil {
				t.Fatalf("FXP: %v\nsource log:\n%s\ntarget log:\n%s", err, src.Log(), dst.Log())
			}
			got, err := os.ReadFile(dst.Path("copy.bin"))
			if err != nil || !bytes.Equal(got, data) {
				t.Fatalf("copy: %d bytes (%v), want %d equal bytes", len(got), err, len(data))
			}
			// Both connections are in step afterwards.
			if err := a.Noop(ctx); err != nil {
				t.Error(err)
			}
			if err := b.Noop(ctx); err != nil {
				t.Error(err)
			}
		})
	}
}

func TestFXPRefusedByATargetThatWillNotConnectOut(t *testing.T) {
	src := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	src.WriteFile(t, "f.bin", []byte("data"))
	h := ftptest.NewHostile(t, ftptest.HostileOptions{}) // no PORT: 502
	a := dial(t, src, mode{name: "plain", security: protocol.Plain})
	b := dialHostile(t, h)
	ctx := context.Background()
	err := protocol.FXP(ctx, a, b, "f.bin", "copy.bin", 4, 0)
	if !errors.Is(err, protocol.ErrFXPUnavailable) {
		t.Fatalf("FXP to a server that refuses PORT: %v; want ErrFXPUnavailable", err)
	}
	if err := a.Noop(ctx); err != nil {
		t.Errorf("source connection after the refusal: %v", err)
	}
	if _, err := a.Size(ctx, "f.bin"); err != nil {
		t.Errorf("source connection after the refusal: %v", err)
	}
}
