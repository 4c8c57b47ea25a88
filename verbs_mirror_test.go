package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"ferry/protocol/ftptest"
)

// snapshot describes every entry under dir (kind, size, time, content
// hash), so a test sees any change a command made.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		fi, err := d.Info()
		if err != nil {
			return err
		}
		desc := fi.Mode().String() + " " + fi.ModTime().UTC().Format(time.RFC3339Nano)
		if fi.Mode().IsRegular() {
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			sum := sha256.Sum256(b)
			desc += " " + hex.EncodeToString(sum[:8])
		}
		snap[filepath.ToSlash(rel)] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// files lists the regular files under dir with their contents.
func files(t *testing.T, dir string) map[string]string {
	t.Helper()
	got := map[string]string{}
	filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			rel, _ := filepath.Rel(dir, p)
			b, _ := os.ReadFile(p)
			got[filepath.ToSlash(rel)] = string(b)
		}
		return err
	})
	return got
}

// mirrorCase is a server folder and a local folder set up for a mirror
// in one direction.
type mirrorCase struct {
	s              *ftptest.Server
	url, local     string
	srcDir, dstDir string // on disk: the server's folder is under its Root
	reverse        bool
}

// args returns the mirror command line with flags.
func (m *mirrorCase) args(flags ...string) []string {
	a := append([]string{"mirror"}, flags...)
	if m.s.TLS {
		a = append(a, "--ca", m.s.CAFile)
	}
	if m.reverse {
		return append(a, "--reverse", m.local, m.url)
	}
	return append(a, m.url, m.local)
}

// newMirrorCase puts src in the source folder and dst in the target.
func newMirrorCase(t *testing.T, kind ftptest.Kind, reverse bool, src, dst map[string]string) *mirrorCase {
	t.Helper()
	s := ftptest.Start(t, kind, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	scheme := "ftpes"
	if !s.TLS {
		scheme = "ftp"
	}
	m := &mirrorCase{s: s, url: serverURL(s, scheme, "site"), local: filepath.Join(t.TempDir(), "local"), reverse: reverse}
	remoteFiles, localFiles := src, dst
	m.srcDir, m.dstDir = s.Path("site"), m.local
	if reverse {
		remoteFiles, localFiles = dst, src
		m.srcDir, m.dstDir = m.local, s.Path("site")
	}
	s.WriteFile(t, "site/.keep-dir", nil) // the server folder exists even when empty
	os.Remove(s.Path("site/.keep-dir"))
	for name, body := range remoteFiles {
		s.WriteFile(t, "site/"+name, []byte(body))
	}
	os.MkdirAll(m.local, 0o755)
	tree(t, m.local, localFiles)
	// Sources are older than targets, so only size decides by default.
	past := time.Now().Add(-time.Hour)
	filepath.WalkDir(m.srcDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			os.Chtimes(p, past, past)
		}
		return err
	})
	return m
}

var (
	syncSource = map[string]string{
		"index.html":            "<h1>new</h1>",
		"same.txt":              "unchanged",
		"css/site.css":          "body{}",
		"deep/a/b/page.html":    "deep",
		"deep/a/b/notes.tmp":    "tmp",
		"cache/blob":            "cached",
		"docs/cache":            "a file named cache",
		"docs/guide/intro.html": "intro",
	}
	syncTarget = map[string]string{
		"index.html":       "<h1>old version</h1>",
		"same.txt":         "unchanged",
		"stale.txt":        "gone from the source",
		"old/dir/x.txt":    "old tree",
		"css/extra.css":    "extra",
		"cache/local-only": "excluded: kept",
	}
)

func TestMirrorDryRunPrintsThePlanAndChangesNothingOnEitherSide(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		t.Run(map[bool]string{false: "download", true: "upload"}[reverse], func(t *testing.T) {
			m := newMirrorCase(t, ftptest.VSFTPD, reverse, syncSource, syncTarget)
			before := [2]map[string]string{snapshot(t, m.srcDir), snapshot(t, m.dstDir)}
			code, out, errOut := ferry(t, m.args("--dry-run", "--delete", "--exclude", "*.tmp")...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			verb := "download"
			if reverse {
				verb = "upload"
			}
			want := strings.ReplaceAll(`create dir	new	0	cache/
VERB	new	6	cache/blob
VERB	new	6	css/site.css
create dir	new	0	deep/
create dir	new	0	deep/a/
create dir	new	0	deep/a/b/
skip	excluded	3	deep/a/b/notes.tmp
VERB	new	4	deep/a/b/page.html
create dir	new	0	docs/
VERB	new	18	docs/cache
create dir	new	0	docs/guide/
VERB	new	5	docs/guide/intro.html
VERB	size differs	12	index.html
delete	not in source	5	css/extra.css
delete	not in source	8	old/dir/x.txt
delete	not in source	0	old/dir/
delete	not in source	0	old/
delete	not in source	20	stale.txt
summary	files=6	bytes=51	dirs=6	deletes=5	skipped=1	unchanged=1	errors=0
`, "VERB", verb)
			// cache/ exists on the target: it is entered, not created,
			// and its local-only file is deleted.
			want = strings.Replace(want, "create dir\tnew\t0\tcache/\n", "", 1)
			want = strings.Replace(want, "delete\tnot in source\t5\tcss/extra.css\n", "delete\tnot in source\t14\tcache/local-only\ndelete\tnot in source\t5\tcss/extra.css\n", 1)
			want = strings.Replace(want, "dirs=6\tdeletes=5", "dirs=5\tdeletes=6", 1)
			if out != want {
				t.Errorf("plan:\n%s\nwant:\n%s", out, want)
			}
			after := [2]map[string]string{snapshot(t, m.srcDir), snapshot(t, m.dstDir)}
			for i, side := range []string{"source", "target"} {
				if !equalMaps(before[i], after[i]) {
					t.Errorf("the dry run changed the %s:\nbefore %v\nafter  %v", side, before[i], after[i])
				}
			}
		})
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// planLines reads a --json plan.
func planLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("plan line %q: %v", l, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestMirrorDeleteRemovesExactlyWhatThePlanListed(t *testing.T) {
	for _, tc := range []struct {
		kind    ftptest.Kind
		reverse bool
	}{{ftptest.ProFTPD, false}, {ftptest.ProFTPD, true}, {ftptest.PureFTPD, true}, {ftptest.Pyftpdlib, false}} {
		name := string(tc.kind) + map[bool]string{false: " download", true: " upload"}[tc.reverse]
		t.Run(name, func(t *testing.T) {
			m := newMirrorCase(t, tc.kind, tc.reverse, syncSource, syncTarget)
			code, out, errOut := ferry(t, m.args("--dry-run", "--json", "--delete", "--exclude", "cache/")...)
			if code != 0 {
				t.Fatalf("dry run: exit %d: %s", code, errOut)
			}
			var planned []string
			for _, l := range planLines(t, out) {
				if l["action"] == "delete" {
					planned = append(planned, l["path"].(string))
				}
			}
			before := snapshot(t, m.dstDir)
			code, _, errOut = ferry(t, m.args("--delete", "--exclude", "cache/")...)
			if code != 0 {
				t.Fatalf("mirror --delete: exit %d: %s", code, errOut)
			}
			after := snapshot(t, m.dstDir)
			var removed []string
			for p := range before {
				if _, ok := after[p]; !ok {
					removed = append(removed, p)
				}
			}
			slices.Sort(planned)
			slices.Sort(removed)
			if !slices.Equal(planned, removed) || len(planned) == 0 {
				t.Errorf("removed %q, the plan listed %q", removed, planned)
			}
			want := map[string]string{}
			for k, v := range syncSource {
				if !strings.HasPrefix(k, "cache/") {
					want[k] = v
				}
			}
			want["cache/local-only"] = "excluded: kept" // excluded: neither copied nor deleted
			if got := files(t, m.dstDir); !equalMaps(got, want) {
				t.Errorf("target files %v, want %v", got, want)
			}
			// Now in step: a second plan has nothing to do.
			code, out, errOut = ferry(t, m.args("--dry-run", "--delete", "--exclude", "cache/")...)
			if code != 0 || !strings.HasPrefix(out, "skip\texcluded\t0\tcache/\nsummary\tfiles=0\tbytes=0\tdirs=0\tdeletes=0\tskipped=1\t") {
				t.Errorf("second plan: exit %d %s\n%s", code, errOut, out)
			}
		})
	}
}

func TestMirrorExcludesAndIncludesWithDoubleStarAndFolderOnlyGlobs(t *testing.T) {
	tests := []struct {
		name  string
		flags []string
		want  []string // files in the target afterwards
	}{
		{
			name:  "double star excludes at any depth under a folder",
			flags: []string{"--exclude", "deep/**/*.tmp"},
			want:  []string{"cache/blob", "css/site.css", "deep/a/b/page.html", "docs/cache", "docs/guide/intro.html", "index.html", "same.txt"},
		},
		{
			name:  "a folder-only glob leaves a file of that name",
			flags: []string{"--exclude", "cache/"},
			want:  []string{"css/site.css", "deep/a/b/notes.tmp", "deep/a/b/page.html", "docs/cache", "docs/guide/intro.html", "index.html", "same.txt"},
		},
		{
			name:  "includes alone take only what they name",
			flags: []string{"--include", "**/*.html"},
			want:  []string{"deep/a/b/page.html", "docs/guide/intro.html", "index.html"},
		},
		{
			name:  "an include takes back part of an exclude",
			flags: []string{"--exclude", "docs/**", "--include", "docs/guide/"},
			want:  []string{"cache/blob", "css/site.css", "deep/a/b/notes.tmp", "deep/a/b/page.html", "docs/guide/intro.html", "index.html", "same.txt"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMirrorCase(t, ftptest.Pyftpdlib, false, syncSource, nil)
			if code, _, errOut := ferry(t, m.args(tt.flags...)...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			var got []string
			for p := range files(t, m.dstDir) {
				got = append(got, p)
			}
			slices.Sort(got)
			if !slices.Equal(got, tt.want) {
				t.Errorf("target has %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMirrorExcludeFromReadsOneGlobALine(t *testing.T) {
	m := newMirrorCase(t, ftptest.VSFTPD, true, syncSource, nil)
	list := filepath.Join(t.TempDir(), "excludes")
	os.WriteFile(list, []byte("# build output\n*.tmp\n\ncache/\ndocs/**\n"), 0o644)
	if code, _, errOut := ferry(t, m.args("--exclude-from", list)...); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want := map[string]string{"index.html": "<h1>new</h1>", "same.txt": "unchanged", "css/site.css": "body{}", "deep/a/b/page.html": "deep"}
	if got := files(t, m.dstDir); !equalMaps(got, want) {
		t.Errorf("target %v, want %v", got, want)
	}
}

func TestMirrorDeleteRefusesAnEmptyOrUnlistableSource(t *testing.T) {
	tests := []struct {
		name    string
		kind    ftptest.Kind
		reverse bool
		setup   func(t *testing.T, m *mirrorCase)
		flags   []string
		code    int
		stderr  string
	}{
		{name: "empty server folder", kind: ftptest.VSFTPD, flags: []string{"--delete"}, code: 1, stderr: "source folder is empty"},
		{name: "empty local folder", kind: ftptest.ProFTPD, reverse: true, flags: []string{"--delete"}, code: 1, stderr: "source folder is empty"},
		{name: "empty with --allow-empty-source", kind: ftptest.VSFTPD, flags: []string{"--delete", "--allow-empty-source"}, code: 0},
		{
			name: "server subfolder that cannot be listed", kind: ftptest.ProFTPD, flags: []string{"--delete"}, code: 1, stderr: "source sub/",
			setup: func(t *testing.T, m *mirrorCase) {
				m.s.WriteFile(t, "site/sub/f", []byte("f"))
				os.Chmod(m.s.Path("site/sub"), 0)
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := newMirrorCase(t, tt.kind, tt.reverse, nil, map[string]string{"precious.txt": "keep me", "sub/f": "f"})
			if tt.setup != nil {
				tt.setup(t, m)
				t.Cleanup(func() { os.Chmod(m.s.Path("site/sub"), 0o755) })
			}
			before := snapshot(t, m.dstDir)
			code, _, errOut := ferry(t, m.args(tt.flags...)...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr) {
				t.Fatalf("exit %d, stderr %q; want %d and %q", code, errOut, tt.code, tt.stderr)
			}
			after := snapshot(t, m.dstDir)
			if tt.code != 0 && !equalMaps(before, after) {
				t.Errorf("a refused mirror changed the target: %v -> %v", before, after)
			}
			if tt.code == 0 && len(files(t, m.dstDir)) != 0 {
				t.Errorf("allowed: target still has %v", files(t, m.dstDir))
			}
		})
	}
}

func TestMirrorChecksumIsRefusedWhenTheServerOffersNone(t *testing.T) {
	m := newMirrorCase(t, ftptest.VSFTPD, false, map[string]string{"a": "a"}, nil)
	code, _, errOut := ferry(t, m.args("--checksum", "--dry-run")...)
	if code != 1 || !strings.Contains(errOut, "no checksum command") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
}

func TestMirrorPlanningFlagsAreCheckedAsUsage(t *testing.T) {
	for _, args := range [][]string{
		{"mirror", "--size-only", "--checksum", "ftp://127.0.0.1/", "x"},
		{"mirror", "--exclude", "a//b", "ftp://127.0.0.1/", "x"},
		{"mirror", "--exclude-from", "/no/such/file", "ftp://127.0.0.1/", "x"},
		{"mirror", "--time-tolerance", "-1s", "ftp://127.0.0.1/", "x"},
		{"mirror", "--on-conflict", "rename", "--delete", "ftp://127.0.0.1/", "x"},
	} {
		if code, _, errOut := ferry(t, args...); code != 2 {
			t.Errorf("%q: exit %d (%s), want 2", args, code, errOut)
		}
	}
}

func TestMirrorChecksumFindsASameSizeSameTimeFileWhoseContentDiffers(t *testing.T) {
	for _, reverse := range []bool{false, true} {
		t.Run(map[bool]string{false: "download", true: "upload"}[reverse], func(t *testing.T) {
			m := newMirrorCase(t, ftptest.ProFTPD, reverse,
				map[string]string{"a.txt": "version 1", "b.txt": "identical", "sub/c.txt": "same here"},
				map[string]string{"a.txt": "version 2", "b.txt": "identical", "sub/c.txt": "same here"})
			// Same size and the same time on both sides.
			at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
			for _, dir := range []string{m.srcDir, m.dstDir} {
				for _, f := range []string{"a.txt", "b.txt", "sub/c.txt"} {
					if err := os.Chtimes(filepath.Join(dir, f), at, at); err != nil {
						t.Fatal(err)
					}
				}
			}
			code, out, errOut := ferry(t, m.args("--dry-run")...)
			if code != 0 || !strings.HasPrefix(out, "summary\tfiles=0\t") {
				t.Fatalf("size and time: exit %d %s\n%s", code, errOut, out)
			}
			verb := map[bool]string{false: "download", true: "upload"}[reverse]
			code, out, errOut = ferry(t, m.args("--dry-run", "--checksum")...)
			want := verb + "\tchecksum differs\t9\ta.txt\nsummary\tfiles=1\tbytes=9\tdirs=0\tdeletes=0\tskipped=0\tunchanged=2\terrors=0\n"
			if code != 0 || out != want {
				t.Fatalf("--checksum: exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
			}
			if code, _, errOut = ferry(t, m.args("--checksum")...); code != 0 {
				t.Fatalf("mirror --checksum: exit %d: %s", code, errOut)
			}
			if got := files(t, m.dstDir)["a.txt"]; got != "version 1" {
				t.Errorf("target a.txt = %q after the mirror", got)
			}
		})
	}
}

func TestMirrorExitsOneAndListsEachFailedAction(t *testing.T) {
	m := newMirrorCase(t, ftptest.Pyftpdlib, false, map[string]string{"ok.txt": "ok", "secret.txt": "no", "sub/private": "x"}, nil)
	for _, f := range []string{"site/secret.txt", "site/sub/private"} {
		os.Chmod(m.s.Path(f), 0)
		os.Chown(m.s.Path(f), 0, 0)
	}
	code, _, errOut := ferry(t, m.args()...)
	if code != 1 || !strings.Contains(errOut, "failed: site/secret.txt") || !strings.Contains(errOut, "failed: site/sub/private") ||
		!strings.Contains(errOut, "2 of 3 transfers failed") {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if got := files(t, m.local); !equalMaps(got, map[string]string{"ok.txt": "ok"}) {
		t.Errorf("target %v: the rest did not go on", got)
	}
}

func TestMirrorReverseCreatesAMissingServerFolderOnEveryServer(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			m := newMirrorCase(t, kind, true, map[string]string{"a.txt": "a", "sub/b.txt": "b"}, nil)
			m.url += "/new/deeper"
			code, out, errOut := ferry(t, m.args("--dry-run")...)
			if code != 0 || !strings.HasPrefix(out, "create dir\tnew\t0\t./\n") {
				t.Fatalf("dry run: exit %d %s\n%s", code, errOut, out)
			}
			if code, _, errOut := ferry(t, m.args()...); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			if got := files(t, m.s.Path("site/new/deeper")); !equalMaps(got, map[string]string{"a.txt": "a", "sub/b.txt": "b"}) {
				t.Errorf("server has %v", got)
			}
		})
	}
}

func TestMirrorDryRunIntoAMissingLocalFolderPlansItAndMakesNothing(t *testing.T) {
	m := newMirrorCase(t, ftptest.Pyftpdlib, false, map[string]string{"a.txt": "a"}, nil)
	m.local = filepath.Join(t.TempDir(), "not", "yet")
	code, out, errOut := ferry(t, m.args("--dry-run")...)
	want := "create dir\tnew\t0\t./\ndownload\tnew\t1\ta.txt\nsummary\tfiles=1\tbytes=1\tdirs=1\tdeletes=0\tskipped=0\tunchanged=0\terrors=0\n"
	if code != 0 || out != want {
		t.Fatalf("exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
	}
	if _, err := os.Stat(filepath.Dir(m.local)); !os.IsNotExist(err) {
		t.Errorf("the dry run made %s: %v", filepath.Dir(m.local), err)
	}
	if code, _, errOut := ferry(t, m.args()...); code != 0 || files(t, m.local)["a.txt"] != "a" {
		t.Fatalf("mirror: exit %d %s, files %v", code, errOut, files(t, m.local))
	}
}

func TestGetRAndPutRTakeThePlanningFlags(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	s.WriteFile(t, "photos/a.jpg", []byte("a"))
	s.WriteFile(t, "photos/raw/b.cr2", []byte("bb"))
	dst := t.TempDir()
	code, out, errOut := ferry(t, "get", "-r", "--dry-run", "--exclude", "raw/", serverURL(s, "ftp", "photos"), dst)
	want := "create dir\tnew\t0\t./\ndownload\tnew\t1\ta.jpg\nskip\texcluded\t0\traw/\nsummary\tfiles=1\tbytes=1\tdirs=1\tdeletes=0\tskipped=1\tunchanged=0\terrors=0\n"
	if code != 0 || out != want {
		t.Fatalf("get -r --dry-run: exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
	}
	if entries, _ := os.ReadDir(dst); len(entries) != 0 {
		t.Fatalf("the dry run wrote %v", entries)
	}
	if code, _, errOut = ferry(t, "get", "-r", "--exclude", "raw/", serverURL(s, "ftp", "photos"), dst); code != 0 {
		t.Fatalf("get -r: exit %d: %s", code, errOut)
	}
	if got := files(t, dst); !equalMaps(got, map[string]string{"photos/a.jpg": "a"}) {
		t.Errorf("local %v", got)
	}
	os.WriteFile(filepath.Join(dst, "photos", "new.jpg"), []byte("new"), 0o644)
	if code, _, errOut = ferry(t, "put", "-r", "--delete", filepath.Join(dst, "photos"), serverURL(s, "ftp", "backup/")); code != 0 {
		t.Fatalf("put -r: exit %d: %s", code, errOut)
	}
	if got := files(t, s.Path("backup/photos")); !equalMaps(got, map[string]string{"a.jpg": "a", "new.jpg": "new"}) {
		t.Errorf("server %v", got)
	}
	if code, _, _ = ferry(t, "get", "-r", "--dry-run", "--on-conflict", "skip", serverURL(s, "ftp", "photos"), dst); code != 2 {
		t.Errorf("--on-conflict skip with --dry-run: exit %d, want 2", code)
	}
}

func TestCopyRTakesThePlanningFlagsWhenOneSideIsLocal(t *testing.T) {
	s := ftptest.Start(t, ftptest.Pyftpdlib, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	s.WriteFile(t, "docs/a.txt", []byte("a"))
	dst := t.TempDir()
	code, out, errOut := ferry(t, "copy", "-r", "--dry-run", serverURL(s, "ftp", "docs"), dst)
	if code != 0 || !strings.Contains(out, "download\tnew\t1\ta.txt\n") {
		t.Fatalf("copy -r --dry-run: exit %d %s\n%s", code, errOut, out)
	}
	if entries, _ := os.ReadDir(dst); len(entries) != 0 {
		t.Errorf("the dry run wrote %v", entries)
	}
}

func TestCopyRBetweenTwoServersRunsThePlan(t *testing.T) {
	s := ftptest.Start(t, ftptest.ProFTPD, ftptest.Options{})
	t.Setenv("FERRY_PASSWORD", s.Password)
	s.WriteFile(t, "docs/a.txt", []byte("a"))
	s.WriteFile(t, "docs/sub/b.txt", []byte("bb"))
	s.WriteFile(t, "backup/docs/stale.txt", []byte("old"))
	from, to := serverURL(s, "ftpes", "docs"), serverURL(s, "ftpes", "backup/")
	code, out, errOut := ferry(t, "copy", "-r", "--ca", s.CAFile, "--dry-run", "--delete", from, to)
	want := "copy\tnew\t1\ta.txt\ncreate dir\tnew\t0\tsub/\ncopy\tnew\t2\tsub/b.txt\ndelete\tnot in source\t3\tstale.txt\n" +
		"summary\tfiles=2\tbytes=3\tdirs=1\tdeletes=1\tskipped=0\tunchanged=0\terrors=0\n"
	if code != 0 || out != want {
		t.Fatalf("dry run: exit %d %s\n%s\nwant\n%s", code, errOut, out, want)
	}
	if code, _, errOut = ferry(t, "copy", "-r", "--ca", s.CAFile, "--delete", from, to); code != 0 {
		t.Fatalf("copy -r --delete: exit %d: %s", code, errOut)
	}
	if got := files(t, s.Path("backup/docs")); !equalMaps(got, map[string]string{"a.txt": "a", "sub/b.txt": "bb"}) {
		t.Errorf("target %v", got)
	}
	if code, _, _ = ferry(t, "copy", "--dry-run", from, to); code != 2 {
		t.Errorf("planning flags without -r: exit %d, want 2", code)
	}
}
