package transfers

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"net"
	"os"
	"strings"
	"testing"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// sites dials whichever of the servers a site key names.
func sites(servers map[string]func(context.Context, string) (*protocol.Conn, error)) func(context.Context, string) (*protocol.Conn, error) {
	return func(ctx context.Context, key string) (*protocol.Conn, error) {
		return servers[key](ctx, key)
	}
}

func TestCopyBetweenServersRelaysATree(t *testing.T) {
	for _, tc := range []struct{ from, to ftptest.Kind }{
		{ftptest.VSFTPD, ftptest.Pyftpdlib},
		{ftptest.Pyftpdlib, ftptest.ProFTPD},
	} {
		t.Run(string(tc.from)+" to "+string(tc.to), func(t *testing.T) {
			from := ftptest.Start(t, tc.from, ftptest.Options{})
			to := ftptest.Start(t, tc.to, ftptest.Options{})
			want := sampleTree(t)
			for name, data := range want {
				from.WriteFile(t, "src/"+name, data)
			}
			snap := run(t, Options{Dial: sites(map[string]func(context.Context, string) (*protocol.Conn, error){
				"a": site(from), "b": site(to)}), Workers: 3, Policy: Overwrite},
				Spec{Site: "a", Direction: Copy, Remote: "src", DestSite: "b", DestRemote: "new/parents/dst", Dir: true})
			wantAll(t, snap, Done)
			for _, j := range snap.Jobs {
				if !j.Dir && j.Via != "relay" {
					t.Errorf("%s went %q; want relay", j.Remote, j.Via)
				}
			}
			sameTree(t, readTree(t, to.Path("new/parents/dst")), want) // parents made as an upload makes them
		})
	}
}

func TestCopyByFXPAndItsFallbackToRelay(t *testing.T) {
	from := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{FXP: true})
	to := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{FXP: true})
	refusing := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{}) // port_promiscuous=NO
	data := make([]byte, 2<<20)
	rand.Read(data)
	from.WriteFile(t, "f.bin", data)
	plain := func(o *protocol.Options) { o.Security = protocol.Plain }
	dial := sites(map[string]func(context.Context, string) (*protocol.Conn, error){
		"from": site(from, plain), "to": site(to, plain), "refusing": hostileToFXP(refusing)})
	snap := run(t, Options{Dial: dial, Policy: Overwrite},
		Spec{Site: "from", Direction: Copy, Remote: "f.bin", DestSite: "to", DestRemote: "fxp.bin", FXP: true},
		Spec{Site: "from", Direction: Copy, Remote: "f.bin", DestSite: "refusing", DestRemote: "relayed.bin", FXP: true},
	)
	wantAll(t, snap, Done)
	if got := snap.Jobs[0].Via; got != "fxp" {
		t.Errorf("copy between FXP-enabled servers went %q; want fxp", got)
	}
	if got := snap.Jobs[1].Via; got != "relay" {
		t.Errorf("copy to a server refusing FXP went %q; want relay", got)
	}
	for _, p := range []string{to.Path("fxp.bin"), refusing.Path("relayed.bin")} {
		got, _ := os.ReadFile(p)
		if sha256.Sum256(got) != sha256.Sum256(data) {
			t.Errorf("%s differs from the source", p)
		}
	}
}

// hostileToFXP dials a vsftpd whose PORT to a foreign address is refused,
// by connecting to it through an address it takes for another host: here
// the refusal comes from vsftpd itself when the PORT address is not the
// client's. On loopback every address is the client's, so the test makes
// the connection through 127.0.0.2, which vsftpd sees as the client.
func hostileToFXP(s *ftptest.Server) func(context.Context, string) (*protocol.Conn, error) {
	return site(s, func(o *protocol.Options) {
		o.Security = protocol.Plain
		o.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)}
	})
}

func TestInterruptedRelayResumesOnBothSides(t *testing.T) {
	from := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	to := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	data := make([]byte, 4<<20)
	rand.Read(data)
	from.WriteFile(t, "big.bin", data)
	var log syncBuffer
	q := New(Options{Dial: sites(map[string]func(context.Context, string) (*protocol.Conn, error){
		"a": site(from, throttled, logTo(&log)), "b": site(to, logTo(&log))})})
	defer q.Close()
	id := q.Add(Spec{Site: "a", Direction: Copy, Remote: "big.bin", DestSite: "b", DestRemote: "big.bin"})[0]
	waitFor(t, q, id, "some bytes", func(j JobStatus) bool { return j.Done > 512<<10 })
	q.Cancel(id)
	waitFor(t, q, id, "the cancellation", func(j JobStatus) bool { return j.State == Cancelled })
	fi, err := os.Stat(to.Path("big.bin"))
	if err != nil || fi.Size() == 0 || fi.Size() >= int64(len(data)) {
		t.Fatalf("target after cancel: %v %v", fi, err)
	}
	q.Retry(id)
	j := waitFor(t, q, id, "the retry", func(j JobStatus) bool { return j.State.Finished() })
	if j.State != Done {
		t.Fatalf("retry: %s %s", j.State, j.Reason)
	}
	if n := strings.Count(log.String(), "> REST "); n < 2 {
		t.Errorf("the retry sent REST %d times; want it on both servers", n)
	}
	got, _ := os.ReadFile(to.Path("big.bin"))
	if sha256.Sum256(got) != sha256.Sum256(data) {
		t.Fatal("the resumed copy differs from the source")
	}
}

func TestFailedServerToServerCopyFallsBackToRelay(t *testing.T) {
	// vsftpd demands that a TLS data connection resume its session, which
	// proftpd, as the other server's TLS client, cannot: 522.
	from := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{FXP: true})
	to := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{FXP: true})
	data := make([]byte, 1<<20)
	rand.Read(data)
	from.WriteFile(t, "a.bin", data)
	from.WriteFile(t, "b.bin", data[:1000])
	var log syncBuffer
	snap := run(t, Options{Dial: sites(map[string]func(context.Context, string) (*protocol.Conn, error){
		"from": site(from, logTo(&log)), "to": site(to, logTo(&log))}), Workers: 1, Policy: Overwrite, Retries: -1},
		Spec{Site: "from", Direction: Copy, Remote: "a.bin", DestSite: "to", DestRemote: "a.bin", FXP: true},
		Spec{Site: "from", Direction: Copy, Remote: "b.bin", DestSite: "to", DestRemote: "b.bin", FXP: true},
	)
	wantAll(t, snap, Done)
	for _, j := range snap.Jobs {
		if j.Via != "relay" {
			t.Errorf("%s went %q; want relay after the failed direct copy", j.Remote, j.Via)
		}
	}
	if n := strings.Count(log.String(), "> PORT "); n != 1 {
		t.Errorf("%d direct attempts; want 1, then relays for the pair", n)
	}
	for name, want := range map[string][]byte{"a.bin": data, "b.bin": data[:1000]} {
		got, _ := os.ReadFile(to.Path(name))
		if sha256.Sum256(got) != sha256.Sum256(want) {
			t.Errorf("%s differs from the source", name)
		}
	}
}
