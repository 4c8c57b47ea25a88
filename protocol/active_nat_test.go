package protocol_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

// TestActiveModeBehindNAT plays a NAT router in front of the client: the
// control connection reaches the server from 127.0.0.2 (the "public"
// address), and the router forwards 127.0.0.2:LOW-HIGH to the client's
// listener on 127.0.0.1. Servers refuse PORT to any address but the
// client's, and the forwarded ports are the only way in, so transfers work
// only when ferry announces ActiveAddress and listens in ActivePorts.
func TestActiveModeBehindNAT(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.Pyftpdlib, ftptest.VSFTPD} {
		s := ftptest.Start(t, kind, ftptest.Options{})
		for _, tc := range []struct {
			name     string
			announce bool
			wantErr  bool
		}{
			{"announces the public address", true, false},
			{"without it the server refuses PORT", false, true},
		} {
			t.Run(string(kind)+"/"+tc.name, func(t *testing.T) {
				low, _ := ftptest.FreePorts(t)
				ports := protocol.PortRange{Low: low, High: low + 1}
				control := ftptest.StartRelay(t, "127.0.0.1:0", s.Addr, net.ParseIP("127.0.0.2"))
				var forwards []*ftptest.Relay
				for p := ports.Low; p <= ports.High; p++ {
					forwards = append(forwards, ftptest.StartRelay(t,
						net.JoinHostPort("127.0.0.2", strconv.Itoa(p)),
						net.JoinHostPort("127.0.0.1", strconv.Itoa(p)), nil))
				}
				opts := protocol.Options{Security: protocol.Plain, Active: true, ActivePorts: ports, Timeout: 5 * time.Second}
				if s.TLS {
					opts.Security = protocol.Explicit
					opts.TLSConfig = &tls.Config{RootCAs: s.CertPool, ServerName: s.ServerName}
				}
				if tc.announce {
					opts.ActiveAddress = net.ParseIP("127.0.0.2")
				}
				ctx := context.Background()
				c, err := protocol.Dial(ctx, control.Addr, opts)
				if err != nil {
					t.Fatal(err)
				}
				defer c.Quit(ctx)
				if err := c.Login(ctx, s.User, s.Password); err != nil {
					t.Fatal(err)
				}
				s.WriteFile(t, "nat.txt", []byte("through the router"))
				var got bytes.Buffer
				_, err = c.Retrieve(ctx, "nat.txt", &got, 0)
				if tc.wantErr {
					if !errors.Is(err, protocol.ErrPermanent) {
						t.Fatalf("Retrieve = %v, want the server's refusal of PORT", err)
					}
					return
				}
				if err != nil || got.String() != "through the router" {
					t.Fatalf("Retrieve = %q, %v\n%s", got.String(), err, s.Log())
				}
				if _, err := c.Store(ctx, "up.txt", strings.NewReader("back"), 0); err != nil {
					t.Fatal(err)
				}
				if _, err := c.List(ctx, ""); err != nil {
					t.Fatal(err)
				}
				n := 0
				for _, f := range forwards {
					n += f.Count()
				}
				if n != 3 || control.Count() != 1 {
					t.Fatalf("forwarded %d data connections (want 3) and %d control connections (want 1)", n, control.Count())
				}
			})
		}
	}
}

func TestActivePortsExhaustedIsAnError(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	low, _ := ftptest.FreePorts(t)
	busy, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(low)))
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	ctx := context.Background()
	c, err := protocol.Dial(ctx, s.Addr, protocol.Options{Security: protocol.Plain, Active: true, ActivePorts: protocol.PortRange{Low: low, High: low}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Quit(ctx)
	if err := c.Login(ctx, s.User, s.Password); err != nil {
		t.Fatal(err)
	}
	_, err = c.List(ctx, "")
	if err == nil || !strings.Contains(err.Error(), "no free port in "+strconv.Itoa(low)) {
		t.Fatalf("List with the only active port taken = %v, want a no-free-port error", err)
	}
	// The connection is still usable: nothing was sent.
	if err := c.Noop(ctx); err != nil {
		t.Fatalf("NOOP after the failed listen: %v", err)
	}
}

func TestParsePortRange(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want protocol.PortRange
		ok   bool
	}{
		{"50000-50100", protocol.PortRange{Low: 50000, High: 50100}, true},
		{" 2000 - 2000 ", protocol.PortRange{Low: 2000, High: 2000}, true},
		{"6000", protocol.PortRange{Low: 6000, High: 6000}, true},
		{"0-10", protocol.PortRange{}, false},
		{"10-5", protocol.PortRange{}, false},
		{"1-65536", protocol.PortRange{}, false},
		{"a-b", protocol.PortRange{}, false},
		{"", protocol.PortRange{}, false},
	} {
		got, err := protocol.ParsePortRange(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParsePortRange(%q) = %v, %v; want %v, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}
