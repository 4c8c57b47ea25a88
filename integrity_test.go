package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"ferry/bookmarks"
	"ferry/config"
	"ferry/protocol/ftptest"
	"ferry/ui"
)

// stateHome gives a test its own $XDG_STATE_HOME (partial records, locks).
func stateHome(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	t.Setenv("XDG_STATE_HOME", dir)
	return dir
}

func hostileURL(h *ftptest.Hostile, p string) string {
	return fmt.Sprintf("ftp://u:p@%s%s", h.Addr, p)
}

func TestGetRefusesDataThatDisagreesWithTheSize(t *testing.T) {
	stateHome(t)
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{
		"/early226": {Data: bytes.Repeat([]byte("e"), 1000), Send: 500},
		"/liar":     {Data: bytes.Repeat([]byte("l"), 500), Size: 1000, Announce: -1},
		"/endless":  {Data: []byte("abcdef"), Endless: true},
	}})
	for _, name := range []string{"early226", "liar", "endless"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			code, _, errOut := ferry(t, "get", "--tls", "off", hostileURL(h, "/"+name), filepath.Join(dir, name))
			if code != 1 {
				t.Errorf("exit %d, stderr %q; want 1", code, errOut)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
	t.Run("stdout", func(t *testing.T) {
		code, out, errOut := ferry(t, "get", "--tls", "off", hostileURL(h, "/endless"), "-")
		if code != 1 || len(out) > 6 {
			t.Errorf("exit %d, %d bytes out, stderr %q; want 1 and at most the announced 6 bytes", code, len(out), errOut)
		}
	})
}

func TestGetKeepsTheTimeAndHonoursTheUmask(t *testing.T) {
	stateHome(t)
	stamp := time.Date(2021, 3, 4, 5, 6, 7, 0, time.UTC)
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{
		"/f.txt": {Data: []byte("content"), ModTime: stamp},
	}})
	old := syscall.Umask(0o027)
	defer syscall.Umask(old)
	dir := t.TempDir()
	code, _, errOut := ferry(t, "get", "--tls", "off", hostileURL(h, "/f.txt"), filepath.Join(dir, "f.txt"))
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	fi, err := os.Stat(filepath.Join(dir, "f.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if !fi.ModTime().Equal(stamp) {
		t.Errorf("time %v; want the server's %v", fi.ModTime(), stamp)
	}
	if fi.Mode().Perm() != 0o640 {
		t.Errorf("mode %v; want 0640 under umask 027", fi.Mode().Perm())
	}
}

func TestLsOfAMissingFolderFailsOnVSFTPD(t *testing.T) {
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	code, out, errOut := ferry(t, "ls", "--ca", s.CAFile, serverURL(s, "ftpes", "no/such/folder"))
	if code != 1 || !strings.Contains(errOut, "could not list") {
		t.Errorf("exit %d, out %q, stderr %q; want 1 saying the folder could not be listed", code, out, errOut)
	}
}

func TestSecondDownloadIntoTheSameFolderIsRefused(t *testing.T) {
	stateHome(t)
	dir := t.TempDir()
	unlock, err := lockFolder(dir)
	if err != nil {
		t.Fatal(err)
	}
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: map[string]*ftptest.HostileFile{"/top/a": {Data: []byte("a")}}})
	code, _, errOut := ferry(t, "mirror", "--tls", "off", hostileURL(h, "/top"), dir)
	if code != 1 || !strings.Contains(errOut, fmt.Sprintf("another ferry (pid %d) is writing into", os.Getpid())) {
		t.Errorf("exit %d, stderr %q; want 1 naming the other ferry", code, errOut)
	}
	unlock()
	code, _, errOut = ferry(t, "mirror", "--tls", "off", hostileURL(h, "/top"), dir)
	if code != 0 {
		t.Errorf("after the lock was released: exit %d, stderr %q", code, errOut)
	}
}

func TestMirrorOfAFolderContainingItselfEnds(t *testing.T) {
	stateHome(t)
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Files: map[string]*ftptest.HostileFile{"/top/f": {Data: []byte("f")}},
		Links: map[string]string{"/top/self": "/top"},
	})
	dir := t.TempDir()
	code, _, errOut := ferry(t, "mirror", "--tls", "off", hostileURL(h, "/top"), dir)
	if code != 1 || !strings.Contains(errOut, "folder loop") {
		t.Errorf("exit %d, stderr %q; want 1 reporting the loop", code, errOut)
	}
}

func TestURLPasswordOfTheBrowsingConnectionServesTheQueue(t *testing.T) {
	configHome(t)
	stateHome(t)
	s := ftptest.Start(t, ftptest.VSFTPD, ftptest.Options{})
	c := &cli{stdin: strings.NewReader(""), stdout: io.Discard, stderr: io.Discard, caFile: s.CAFile, timeout: 10 * time.Second}
	ut := ui.Target{URL: fmt.Sprintf("ftpes://%s:%s@%s/", s.User, url.QueryEscape(s.Password), s.Addr)}
	ctx := context.Background()
	r, err := c.connectRemote(ctx, ut, "", io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	conn, err := c.dialSite(ctx, ui.SiteOf(ut))
	if err != nil {
		t.Fatalf("the queue's connection to the site the pane opened with a URL password: %v", err)
	}
	conn.Quit(ctx)
	if strings.Contains(ui.SiteOf(ut), s.Password) {
		t.Error("the site key (saved with queued jobs) holds the password")
	}
}

func TestABookmarksParallelCapsTheTreeVerbsConnections(t *testing.T) {
	dir := configHome(t)
	stateHome(t)
	files := map[string]*ftptest.HostileFile{}
	for i := range 40 {
		files[fmt.Sprintf("/top/f%02d", i)] = &ftptest.HostileFile{Data: []byte("small")}
	}
	h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: files})
	host, port, _ := net.SplitHostPort(h.Addr)
	p, _ := strconv.Atoi(port)
	addBookmarks(t, dir, bookmarks.Bookmark{Name: "one", Host: host, Port: p, User: "u", Password: "pw",
		TLS: config.TLSOff, Parallel: 1})
	code, _, errOut := ferry(t, "get", "-r", "-b", "one", "/top", t.TempDir())
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if n := h.Count("PASS"); n != 1 {
		t.Errorf("%d logins; the bookmark's parallel = 1 allows one connection", n)
	}
}
