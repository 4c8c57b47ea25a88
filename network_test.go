package main

import (
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol/ftptest"
)

// TestProxyFlagAndBookmarkKeyCarryEveryConnection runs the verbs through
// a SOCKS5h and an HTTP CONNECT proxy given by --proxy or a bookmark's
// proxy key, and counts on the proxy that the control connection and each
// data connection (two workers of a mirror, a get) went through it.
func TestProxyFlagAndBookmarkKeyCarryEveryConnection(t *testing.T) {
	dir := configHome(t)
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	for name, body := range treeFiles {
		s.WriteFile(t, "pub/"+name, []byte(body))
	}
	_, port, _ := net.SplitHostPort(s.Addr)
	for _, kind := range []ftptest.ProxyKind{ftptest.SOCKS5, ftptest.HTTPConnect} {
		t.Run(string(kind), func(t *testing.T) {
			p := ftptest.StartProxy(t, kind, ftptest.ProxyOptions{User: "u", Password: "pw"})
			url := strings.Replace(p.URL(), "socks5://", "socks5h://", 1)
			t.Setenv("FERRY_PASSWORD", s.Password)

			// --proxy with a URL: a mirror with two connections.
			dst := filepath.Join(t.TempDir(), "copy")
			code, _, errOut := ferry(t, "mirror", "--parallel", "2", "--proxy", url, "--ca", s.CAFile,
				"ftpes://"+s.User+"@localhost:"+port+"/pub", dst)
			if code != 0 {
				t.Fatalf("mirror through %s: exit %d: %s", kind, code, errOut)
			}
			sameFiles(t, dst, treeFiles)
			for _, tg := range p.Targets() {
				if h, _, _ := net.SplitHostPort(tg); h != "localhost" {
					t.Errorf("connection to %q: the host name should reach the proxy unresolved", tg)
				}
			}
			// control connections, a listing per directory and a file each
			if n := len(p.Targets()); n < 1+len(treeFiles) {
				t.Fatalf("the proxy carried %d connections, fewer than the files copied: %v", n, p.Targets())
			}

			// A bookmark's proxy key.
			before := len(p.Targets())
			name := "via-" + string(kind)
			addBookmarks(t, dir, bookmarks.Bookmark{Name: name, Host: "localhost", Port: mustAtoi(t, port), User: s.User,
				TLS: config.TLSExplicit, CAFile: s.CAFile, Proxy: url})
			code, out, errOut := ferry(t, "get", "-b", name, "pub/a.txt", "-")
			if code != 0 || out != "alpha" {
				t.Fatalf("get -b through the bookmark's proxy: exit %d, %q: %s", code, out, errOut)
			}
			if got := len(p.Targets()) - before; got != 2 {
				t.Fatalf("get went through the proxy with %d connections, want the control and one data connection", got)
			}

			// --proxy none connects directly, whatever the bookmark says.
			before = len(p.Targets())
			code, out, errOut = ferry(t, "get", "--proxy", "none", "-b", name, "pub/a.txt", "-")
			if code != 0 || out != "alpha" || len(p.Targets()) != before {
				t.Fatalf("get --proxy none: exit %d, %q, proxy carried %d more: %s", code, out, len(p.Targets())-before, errOut)
			}
		})
	}
}

func mustAtoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestNetworkFlagMistakesAreUsageErrors(t *testing.T) {
	configHome(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"ls", "--proxy", "socks5://p:1080", "--active", "ftp://h/"}, "active mode cannot work through a proxy"},
		{[]string{"ls", "--proxy", "socks5://p:1080", "--active-ports", "5000-5010", "ftp://h/"}, "active mode cannot work through a proxy"},
		{[]string{"ls", "--proxy", "https://p", "ftp://h/"}, "--proxy"},
		{[]string{"get", "--limit-rate", "fast", "ftp://h/f", "-"}, "--limit-rate"},
		{[]string{"mirror", "--limit-rate", "-5K", "ftp://h/d", "out"}, "--limit-rate"},
		{[]string{"ls", "--active-address", "my.router", "ftp://h/"}, "--active-address"},
		{[]string{"ls", "--active-ports", "9-5", "ftp://h/"}, "--active-ports"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, _, errOut := ferry(t, tc.args...)
			if code != exitUsage || !strings.Contains(errOut, tc.want) {
				t.Fatalf("exit %d, %q; want 2 and %q", code, errOut, tc.want)
			}
		})
	}
}

// TestActiveAddressAndPortsFlagsWorkBehindNAT: the same router as the
// engine's test, driven by the flags and by a bookmark's keys.
func TestActiveAddressAndPortsFlagsWorkBehindNAT(t *testing.T) {
	dir := configHome(t)
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	s.WriteFile(t, "nat.txt", []byte("natted"))
	t.Setenv("FERRY_PASSWORD", s.Password)
	low, _ := ftptest.FreePorts(t)
	control := ftptest.StartRelay(t, "127.0.0.1:0", s.Addr, net.ParseIP("127.0.0.2"))
	fwd := ftptest.StartRelay(t, net.JoinHostPort("127.0.0.2", strconv.Itoa(low)), net.JoinHostPort("127.0.0.1", strconv.Itoa(low)), nil)
	ports := strconv.Itoa(low) + "-" + strconv.Itoa(low)

	code, out, errOut := ferry(t, "get", "--active-address", "127.0.0.2", "--active-ports", ports,
		"ftp://"+s.User+"@"+control.Addr+"/nat.txt", "-")
	if code != 0 || out != "natted" {
		t.Fatalf("get with --active-address/--active-ports: exit %d, %q: %s", code, out, errOut)
	}
	host, port, _ := net.SplitHostPort(control.Addr)
	addBookmarks(t, dir, bookmarks.Bookmark{Name: "nat", Host: host, Port: mustAtoi(t, port), User: s.User, TLS: config.TLSOff,
		Active: true, ActiveAddress: "127.0.0.2", ActivePorts: ports})
	code, out, errOut = ferry(t, "get", "-b", "nat", "nat.txt", "-")
	if code != 0 || out != "natted" {
		t.Fatalf("get -b with active_address/active_ports: exit %d, %q: %s", code, out, errOut)
	}
	if fwd.Count() != 2 {
		t.Fatalf("the router forwarded %d data connections, want 2", fwd.Count())
	}
}

// TestLimitRateAppliesToSingleFilesAndTrees: the limit changes timing
// only (the benchmark in transfers measures it); here every verb accepts
// it and moves the bytes intact.
func TestLimitRateAppliesToSingleFilesAndTrees(t *testing.T) {
	configHome(t)
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	src := filepath.Join(t.TempDir(), "src")
	tree(t, src, treeFiles)
	if code, _, errOut := ferry(t, "put", "-r", "--limit-rate", "2M", src, serverURL(s, "ftp", "")); code != 0 {
		t.Fatalf("put -r: %s", errOut)
	}
	one := filepath.Join(t.TempDir(), "one.txt")
	os.WriteFile(one, []byte("single"), 0o644)
	if code, _, errOut := ferry(t, "put", "--limit-rate", "500K", one, serverURL(s, "ftp", "")); code != 0 {
		t.Fatalf("put: %s", errOut)
	}
	code, out, errOut := ferry(t, "get", "--limit-rate", "500K", serverURL(s, "ftp", "one.txt"), "-")
	if code != 0 || out != "single" {
		t.Fatalf("get: exit %d, %q: %s", code, out, errOut)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	if code, _, errOut := ferry(t, "mirror", "--limit-rate", "1M", serverURL(s, "ftp", "src"), dst); code != 0 {
		t.Fatalf("mirror: %s", errOut)
	}
	sameFiles(t, dst, treeFiles)
}

// TestOneRateLimiterPerRunFlagBeforeBookmark: --limit-rate wins over a
// bookmark's limit_rate, and every connection of a run gets the same
// limiter (shared, not one each).
func TestOneRateLimiterPerRunFlagBeforeBookmark(t *testing.T) {
	b := &bookmarks.Bookmark{Name: "b", Host: "h", LimitRate: "2M"}
	for _, tc := range []struct {
		flag string
		t    target
		want int64
	}{
		{"", target{}, 0},
		{"", target{Bookmark: b}, 2 << 20},
		{"500K", target{Bookmark: b}, 500 << 10},
		{"1.5M", target{}, 3 << 19},
	} {
		c := &cli{}
		c.net.limitRate = tc.flag
		l1, err := c.rateLimiter(tc.t)
		if err != nil {
			t.Fatal(err)
		}
		l2, _ := c.rateLimiter(tc.t)
		if l1.Rate() != tc.want || l1 != l2 {
			t.Errorf("flag %q, bookmark %v: rate %d (want %d), same limiter %v", tc.flag, tc.t.Bookmark != nil, l1.Rate(), tc.want, l1 == l2)
		}
	}
}
