package syncplan

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"ferry/protocol/listing"
)

var old = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)

// writeTree writes files ('/'-separated name -> body) under dir, all with
// the time old unless times names another.
func writeTree(t *testing.T, dir string, files map[string]string, times map[string]time.Time) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if strings.HasSuffix(name, "/") {
			continue
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		mt := old
		if tm, ok := times[name]; ok {
			mt = tm
		}
		if err := os.Chtimes(p, mt, mt); err != nil {
			t.Fatal(err)
		}
	}
}

func openLocal(t *testing.T, dir string) *Local {
	t.Helper()
	l, err := OpenLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func planText(t *testing.T, src, dst map[string]string, times map[string]time.Time, opts Options) (string, error) {
	t.Helper()
	sd, dd := t.TempDir(), t.TempDir()
	writeTree(t, sd, src, nil)
	writeTree(t, dd, dst, times)
	p, err := Build(context.Background(), openLocal(t, sd), openLocal(t, dd), opts)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	if err := p.WriteText(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.String(), nil
}

func TestBuildPlansCopiesDeletionsAndSkipsInTheDocumentedFormat(t *testing.T) {
	exclude := func(globs ...string) *Filter {
		f := &Filter{}
		for _, g := range globs {
			r, err := NewRule(g, false)
			if err != nil {
				t.Fatal(err)
			}
			f.Add(r)
		}
		return f
	}
	tests := []struct {
		name     string
		src, dst map[string]string
		times    map[string]time.Time // of target files
		opts     Options
		want     string
	}{
		{
			name: "new, size differs, newer and unchanged",
			src:  map[string]string{"a.txt": "aaa", "b.txt": "bbb", "c.txt": "ccc", "sub/d.txt": "dddd"},
			dst:  map[string]string{"b.txt": "bb", "c.txt": "CCC", "same.txt": "x"},
			times: map[string]time.Time{
				"c.txt": old.Add(-time.Hour),
			},
			opts: Options{Verb: "download"},
			want: "download\tnew\t3\ta.txt\n" +
				"download\tsize differs\t3\tb.txt\n" +
				"download\tnewer\t3\tc.txt\n" +
				"create dir\tnew\t0\tsub/\n" +
				"download\tnew\t4\tsub/d.txt\n" +
				"summary\tfiles=4\tbytes=13\tdirs=1\tdeletes=0\tskipped=0\tunchanged=0\terrors=0\n",
		},
		{
			name:  "an older source of the same size is left alone",
			src:   map[string]string{"a.txt": "aaa"},
			dst:   map[string]string{"a.txt": "AAA"},
			times: map[string]time.Time{"a.txt": old.Add(time.Hour)},
			opts:  Options{Verb: "upload"},
			want:  "summary\tfiles=0\tbytes=0\tdirs=0\tdeletes=0\tskipped=0\tunchanged=1\terrors=0\n",
		},
		{
			name:  "a time within the tolerance is the same time",
			src:   map[string]string{"a.txt": "aaa"},
			dst:   map[string]string{"a.txt": "AAA"},
			times: map[string]time.Time{"a.txt": old.Add(-30 * time.Second)},
			opts:  Options{Verb: "upload", Tolerance: time.Minute},
			want:  "summary\tfiles=0\tbytes=0\tdirs=0\tdeletes=0\tskipped=0\tunchanged=1\terrors=0\n",
		},
		{
			name:  "size-only ignores times",
			src:   map[string]string{"a.txt": "aaa"},
			dst:   map[string]string{"a.txt": "AAA"},
			times: map[string]time.Time{"a.txt": old.Add(-time.Hour)},
			opts:  Options{Verb: "upload", Mode: SizeOnly},
			want:  "summary\tfiles=0\tbytes=0\tdirs=0\tdeletes=0\tskipped=0\tunchanged=1\terrors=0\n",
		},
		{
			name: "delete lists extra files and folders last, contents first",
			src:  map[string]string{"keep.txt": "k"},
			dst:  map[string]string{"keep.txt": "k", "old.txt": "oo", "gone/x/y.txt": "yyy", "gone/z.txt": "z"},
			opts: Options{Verb: "download", Delete: true},
			want: "delete\tnot in source\t3\tgone/x/y.txt\n" +
				"delete\tnot in source\t0\tgone/x/\n" +
				"delete\tnot in source\t1\tgone/z.txt\n" +
				"delete\tnot in source\t0\tgone/\n" +
				"delete\tnot in source\t2\told.txt\n" +
				"summary\tfiles=0\tbytes=0\tdirs=0\tdeletes=5\tskipped=0\tunchanged=1\terrors=0\n",
		},
		{
			name: "excluded entries are neither copied nor deleted",
			src:  map[string]string{"a.log": "l", "cache/c": "c", "ok.txt": "o"},
			dst:  map[string]string{"b.log": "l", "cache/d": "d", "old/cache/e": "e", "old/f": "f"},
			opts: Options{Verb: "download", Delete: true, Filter: exclude("*.log", "cache/")},
			want: "skip\texcluded\t1\ta.log\n" +
				"skip\texcluded\t0\tcache/\n" +
				"download\tnew\t1\tok.txt\n" +
				"delete\tnot in source\t1\told/f\n" +
				"skip\tholds excluded entries: not deleted\t0\told/\n" +
				"summary\tfiles=1\tbytes=1\tdirs=0\tdeletes=1\tskipped=3\tunchanged=0\terrors=0\n",
		},
		{
			name: "a name that needs escaping is printed quoted on one line",
			src:  map[string]string{"back\\slash.txt": "b"},
			dst:  map[string]string{},
			opts: Options{Verb: "upload"},
			want: "skip\tunsafe name\t1\t\"back\\\\slash.txt\"\n" +
				"summary\tfiles=0\tbytes=0\tdirs=0\tdeletes=0\tskipped=1\tunchanged=0\terrors=0\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := planText(t, tt.src, tt.dst, tt.times, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("plan:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestBuildSkipsSymbolicLinksOnBothSidesAndDeletesOnlyTheLink(t *testing.T) {
	sd, dd, outside := t.TempDir(), t.TempDir(), t.TempDir()
	writeTree(t, outside, map[string]string{"precious.txt": "p"}, nil)
	os.Symlink(outside, filepath.Join(sd, "link"))
	os.Symlink(outside, filepath.Join(dd, "stale-link"))
	p, err := Build(context.Background(), openLocal(t, sd), openLocal(t, dd), Options{Verb: "upload", Delete: true, AllowEmptySource: true})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	p.WriteText(&buf)
	want := "skip\tsymbolic link: not followed\t" + itoa(mustLstat(t, filepath.Join(sd, "link"))) + "\tlink\n" +
		"delete\tnot in source\t" + itoa(mustLstat(t, filepath.Join(dd, "stale-link"))) + "\tstale-link\n" +
		"summary\tfiles=0\tbytes=0\tdirs=0\tdeletes=1\tskipped=1\tunchanged=0\terrors=0\n"
	if buf.String() != want {
		t.Errorf("plan:\n%s\nwant:\n%s", buf.String(), want)
	}
}

func mustLstat(t *testing.T, p string) int64 {
	fi, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

func itoa(n int64) string {
	var b []byte
	if n == 0 {
		return "0"
	}
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func TestBuildRefusesToDeleteEverythingWhenTheSourceIsEmpty(t *testing.T) {
	tests := []struct {
		name  string
		opts  Options
		empty bool // the source
		want  error
	}{
		{"empty source with delete", Options{Delete: true}, true, ErrEmptySource},
		{"empty source allowed", Options{Delete: true, AllowEmptySource: true}, true, nil},
		{"empty source without delete", Options{}, true, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sd, dd := t.TempDir(), t.TempDir()
			writeTree(t, dd, map[string]string{"a": "a"}, nil)
			_, err := Build(context.Background(), openLocal(t, sd), openLocal(t, dd), tt.opts)
			if !errors.Is(err, tt.want) {
				t.Errorf("err %v, want %v", err, tt.want)
			}
		})
	}
}

// failingSide fails to list one folder.
type failingSide struct {
	Side
	dir string
}

func (f failingSide) List(ctx context.Context, dir string, fn func(Entry) error) error {
	if dir == f.dir {
		return errors.New("425 cannot open data connection")
	}
	return f.Side.List(ctx, dir, fn)
}

func TestBuildFailsWhenASourceFolderCannotBeListed(t *testing.T) {
	sd, dd := t.TempDir(), t.TempDir()
	writeTree(t, sd, map[string]string{"sub/a": "a"}, nil)
	writeTree(t, dd, map[string]string{"sub/b": "b"}, nil)
	for _, dir := range []string{"", "sub"} {
		_, err := Build(context.Background(), failingSide{openLocal(t, sd), dir}, openLocal(t, dd), Options{Delete: true})
		if err == nil || !strings.Contains(err.Error(), "425") {
			t.Errorf("listing of %q failed: Build returned %v", dir, err)
		}
	}
}

func TestChecksumModeFindsSameSizeSameTimeFilesWhoseContentDiffers(t *testing.T) {
	sd, dd := t.TempDir(), t.TempDir()
	writeTree(t, sd, map[string]string{"a.txt": "same size 1", "b.txt": "identical"}, nil)
	writeTree(t, dd, map[string]string{"a.txt": "same size 2", "b.txt": "identical"}, nil)
	for _, algo := range Algorithms() {
		p, err := Build(context.Background(), openLocal(t, sd), openLocal(t, dd), Options{Mode: Checksum, Algo: algo, Verb: "upload"})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Actions) != 1 || p.Actions[0].Path != "a.txt" || p.Actions[0].Reason != ReasonChecksumDiffers || p.Summary.Unchanged != 1 {
			t.Errorf("%s: %+v", algo, p)
		}
	}
	// The default mode sees nothing to do.
	p, err := Build(context.Background(), openLocal(t, sd), openLocal(t, dd), Options{})
	if err != nil || len(p.Actions) != 0 {
		t.Errorf("size and time: %+v, %v", p, err)
	}
}

func TestChecksumModeIsRefusedWhenASideCannotHash(t *testing.T) {
	sd, dd := t.TempDir(), t.TempDir()
	_, err := Build(context.Background(), failingSide{openLocal(t, sd), "x"}, openLocal(t, dd), Options{Mode: Checksum, Algo: "MD5"})
	if !errors.Is(err, ErrNoChecksum) {
		t.Errorf("err %v, want ErrNoChecksum", err)
	}
}

func TestCompareTimesUsesTheCoarserPrecision(t *testing.T) {
	at := func(s string, p listing.Precision) *Entry {
		tm, _ := time.Parse(time.DateTime, s)
		return &Entry{ModTime: tm, Precision: p}
	}
	tests := []struct {
		name string
		a, b *Entry
		tol  time.Duration
		want int
	}{
		{"seconds apart", at("2026-01-01 10:00:30", listing.TimeSecond), at("2026-01-01 10:00:10", listing.TimeSecond), 0, 1},
		{"same minute against a minute listing", at("2026-01-01 10:00:59", listing.TimeSecond), at("2026-01-01 10:00:00", listing.TimeMinute), 0, 0},
		{"next minute", at("2026-01-01 10:01:00", listing.TimeSecond), at("2026-01-01 10:00:00", listing.TimeMinute), 0, 1},
		{"next minute within tolerance", at("2026-01-01 10:01:00", listing.TimeSecond), at("2026-01-01 10:00:00", listing.TimeMinute), time.Minute, 0},
		{"older", at("2026-01-01 09:00:00", listing.TimeSecond), at("2026-01-01 10:00:00", listing.TimeSecond), 0, -1},
		{"unknown time", at("2026-01-01 11:00:00", listing.TimeSecond), &Entry{}, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CompareTimes(tt.a, tt.b, tt.tol); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestWriteJSONPrintsOneObjectPerActionAndASummary(t *testing.T) {
	p := &Plan{Verb: "upload", Actions: []Action{
		{Op: MakeDir, Path: "d", Dir: true, Reason: "new"},
		{Op: Transfer, Path: "d/a b.txt", Reason: "new", Size: 5},
	}, Summary: Summary{Files: 1, Bytes: 5, Dirs: 1}}
	var buf bytes.Buffer
	if err := p.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	want := `{"action":"create dir","reason":"new","size":0,"path":"d","dir":true}
{"action":"upload","reason":"new","size":5,"path":"d/a b.txt"}
{"action":"summary","files":1,"bytes":5,"dirs":1,"deletes":0,"skipped":0,"unchanged":0,"errors":0}
`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
}

func TestMarkOfComparesOneEntryWithItsNamesake(t *testing.T) {
	file := func(size int64, at time.Time, p listing.Precision) *Entry {
		return &Entry{Kind: File, Size: size, ModTime: at, Precision: p}
	}
	tests := []struct {
		name        string
		here, there *Entry
		want        Mark
	}{
		{"nothing there", file(1, old, listing.TimeSecond), nil, OnlyHere},
		{"file against folder", file(1, old, listing.TimeSecond), &Entry{Kind: Dir}, KindDiffers},
		{"two folders", &Entry{Kind: Dir}, &Entry{Kind: Dir}, Same},
		{"sizes differ, whatever the time", file(1, old.Add(time.Hour), listing.TimeSecond), file(2, old, listing.TimeSecond), SizeDiffers},
		{"newer", file(1, old.Add(time.Hour), listing.TimeSecond), file(1, old, listing.TimeSecond), Newer},
		{"older", file(1, old, listing.TimeSecond), file(1, old.Add(time.Hour), listing.TimeSecond), Older},
		{"same minute on a minute listing", file(1, old.Add(30*time.Second), listing.TimeSecond), file(1, old, listing.TimeMinute), Same},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MarkOf(tt.here, tt.there, 0); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// loopSide is a server whose folder "self" is the folder it is in (by
// its unique identity), as a link on the server shows it.
type loopSide struct{}

func (loopSide) List(_ context.Context, dir string, fn func(Entry) error) error {
	if err := fn(Entry{Name: "f", Kind: File, Size: 1}); err != nil {
		return err
	}
	return fn(Entry{Name: "self", Kind: Dir, ID: "unique:top"})
}

func TestBuildStopsAtAFolderInsideItselfAndAtTheDepthBound(t *testing.T) {
	tests := []struct {
		name     string
		src, dst Side
		opts     Options
		want     string // the error line
	}{
		{"source loop", loopSide{}, openLocal(t, t.TempDir()), Options{}, "error\tfolder loop: a folder this walk is already inside of; not followed\t0\tself/self/\n"},
		{"target loop with delete", openLocal(t, t.TempDir()), loopSide{}, Options{Delete: true, AllowEmptySource: true}, "error\tfolder loop: a folder this walk is already inside of; not followed; not deleted\t0\tself/self/\n"},
		{"too deep", loopSide{}, openLocal(t, t.TempDir()), Options{MaxDepth: 3}, "error\tdeeper than 3 folders: not walked\t0\tself/self/self/self/\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.name == "too deep" {
				tt.src = idless{loopSide{}}
			}
			p, err := Build(context.Background(), tt.src, tt.dst, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			p.WriteText(&buf)
			if !strings.Contains(buf.String(), tt.want) || p.Summary.Errors != 1 {
				t.Errorf("plan:\n%s\nwant a line %q and errors=1", buf.String(), tt.want)
			}
		})
	}
}

// idless hides folder identities, as a LIST listing does.
type idless struct{ Side }

func (s idless) List(ctx context.Context, dir string, fn func(Entry) error) error {
	return s.Side.List(ctx, dir, func(e Entry) error {
		e.ID = ""
		return fn(e)
	})
}
