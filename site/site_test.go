package site

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"ferry/protocol"
	"ferry/protocol/ftptest"
)

func hostileSite(h *ftptest.Hostile, password func(context.Context) (string, string, error)) *Site {
	return &Site{
		Key: "ftp://u@" + h.Addr + "/", Addr: h.Addr, Host: "127.0.0.1", User: "u",
		Options:  protocol.Options{Security: protocol.Plain, Timeout: 5 * time.Second},
		Password: password,
	}
}

func TestPasswordIsAskedOnceForEveryConnection(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{})
	var asked atomic.Int32
	s := hostileSite(h, func(context.Context) (string, string, error) {
		asked.Add(1)
		return "", "secret", nil
	})
	var wg sync.WaitGroup
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, err := s.Open(context.Background())
			if err != nil {
				t.Error(err)
				return
			}
			c.Quit(context.Background())
		}()
	}
	wg.Wait()
	if n := asked.Load(); n != 1 {
		t.Errorf("password asked %d times for 5 connections; want once", n)
	}
	if n := strings.Count(strings.Join(h.Commands(), "\n"), "PASS secret"); n != 5 {
		t.Errorf("%d logins with the password; want 5", n)
	}
}

func TestSetPasswordServesLaterConnectionsWithoutAsking(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{})
	s := hostileSite(h, func(context.Context) (string, string, error) {
		return "", "", errors.New("must not be asked")
	})
	s.SetPassword("", "typed")
	c, err := s.Open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	c.Quit(context.Background())
}

func TestRegistryResolvesUnknownKeysOnceAndKeepsThem(t *testing.T) {
	h := ftptest.NewHostile(t, ftptest.HostileOptions{})
	resolved := 0
	r := &Registry{Resolve: func(key string) (*Site, error) {
		resolved++
		return hostileSite(h, nil), nil
	}}
	for range 2 {
		c, err := r.Dial(context.Background(), "saved-site")
		if err != nil {
			t.Fatal(err)
		}
		c.Quit(context.Background())
	}
	if resolved != 1 {
		t.Errorf("resolved %d times; want once", resolved)
	}
	if _, err := (&Registry{}).Get("nothing"); err == nil {
		t.Error("a registry without Resolve found an unknown key")
	}
}

func TestLoginRefusalIsALoginError(t *testing.T) {
	s := &Site{Key: "x", Addr: "127.0.0.1:1", Host: "127.0.0.1", Options: protocol.Options{Security: protocol.Plain, Timeout: time.Second}}
	_, err := s.Open(context.Background())
	var le *LoginError
	if err == nil || errors.As(err, &le) {
		t.Errorf("unreachable server: %v; want a dial error, not a login error", err)
	}
}
