package transfers

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"ferry/protocol/ftptest"
)

func TestSplitRangesCoversTheFileOnce(t *testing.T) {
	for _, tt := range []struct {
		size int64
		n    int
	}{{100, 4}, {7, 3}, {1 << 30, 4}, {5, 5}, {64<<20 + 3, 16}} {
		rs := splitRanges(tt.size, tt.n)
		if len(rs) != tt.n || rs[0].Start != 0 || rs[len(rs)-1].End != tt.size {
			t.Fatalf("split(%d, %d) = %v", tt.size, tt.n, rs)
		}
		for i := 1; i < len(rs); i++ {
			if rs[i].Start != rs[i-1].End || rs[i].End <= rs[i].Start {
				t.Fatalf("split(%d, %d) = %v: gap, overlap or empty range", tt.size, tt.n, rs)
			}
		}
	}
}

func TestRangesFromAJournalMustCoverTheFile(t *testing.T) {
	good := []segRange{{0, 50, 10}, {50, 100, 50}}
	tests := []struct {
		name string
		rs   []segRange
		size int64
		want bool
	}{
		{"as split", good, 100, true},
		{"for another size", good, 120, false},
		{"a gap", []segRange{{0, 40, 0}, {50, 100, 0}}, 100, false},
		{"done past its end", []segRange{{0, 50, 51}, {50, 100, 0}}, 100, false},
		{"done negative", []segRange{{0, 50, -1}, {50, 100, 0}}, 100, false},
		{"backwards", []segRange{{0, 50, 0}, {50, 40, 0}}, 40, false},
	}
	for _, tt := range tests {
		if got := rangesCover(tt.rs, tt.size); got != tt.want {
			t.Errorf("%s: rangesCover = %v, want %v", tt.name, got, tt.want)
		}
	}
}

// TestSegmentedDownloadResumesEachRangeAfterAKill interrupts a download in
// four ranges on a real server, checks that the journal kept each
// range's progress, and resumes it in another queue (as after a restart):
// every range continues where it stopped, and the file's SHA-256 equals
// the server's file's.
func TestSegmentedDownloadResumesEachRangeAfterAKill(t *testing.T) {
	for _, kind := range []ftptest.Kind{ftptest.VSFTPD, ftptest.ProFTPD} {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			data := make([]byte, 24<<20)
			rand.Read(data)
			s.WriteFile(t, "big.bin", data)
			dst, partials := t.TempDir(), t.TempDir()
			spec := Spec{Site: "s", Direction: Download, Remote: "big.bin", LocalRoot: dst, Local: "big.bin", Segments: 4}

			var log1 syncBuffer
			q1 := New(Options{Dial: site(s, throttled, logTo(&log1)), PartialsDir: partials, Workers: 1})
			id := q1.Add(spec)[0]
			waitFor(t, q1, id, "a third of the bytes", func(j JobStatus) bool { return j.Done > int64(len(data))/3 })
			q1.Close() // the process ends mid-download

			if n := strings.Count(log1.String(), "> USER "); n != 4 {
				t.Fatalf("the first run logged in %d times, want 4 (one per range)", n)
			}
			rec, ok := New(Options{PartialsDir: partials, Dial: site(s)}).partials.load(filepath.Join(dst, "big.bin.part"))
			if !ok || len(rec.Ranges) != 4 {
				t.Fatalf("journal record %+v (found %v), want 4 ranges", rec, ok)
			}
			moved := 0
			for _, r := range rec.Ranges {
				if r.Done > 0 && r.Done < r.End-r.Start {
					moved++
				}
			}
			if moved == 0 {
				t.Fatalf("no range recorded as partly done: %+v", rec.Ranges)
			}

			var log2 syncBuffer
			q2 := New(Options{Dial: site(s, logTo(&log2)), PartialsDir: partials, Workers: 1})
			defer q2.Close()
			id = q2.Add(spec)[0]
			j := waitFor(t, q2, id, "the resumed download", func(j JobStatus) bool { return j.State.Finished() })
			if j.State != Done {
				t.Fatalf("resumed download: %s %s", j.State, j.Reason)
			}
			got, err := os.ReadFile(filepath.Join(dst, "big.bin"))
			if err != nil || sha256.Sum256(got) != sha256.Sum256(data) {
				t.Fatalf("SHA-256 of the resumed file differs from the server's (%d bytes, %v)", len(got), err)
			}
			// Each range that had moved restarted at its recorded
			// position, not at its start.
			for _, r := range rec.Ranges {
				if r.Done > 0 && r.Done < r.End-r.Start && !strings.Contains(log2.String(), fmt.Sprintf("> REST %d\n", r.Start+r.Done)) {
					t.Errorf("range %d-%d was not resumed at %d:\n%s", r.Start, r.End, r.Start+r.Done, restLines(log2.String()))
				}
			}
			if _, err := os.Stat(filepath.Join(dst, "big.bin.part")); err == nil {
				t.Error("the partial is left behind")
			}
		})
	}
}

func restLines(log string) string {
	return strings.Join(regexp.MustCompile(`> REST \d+`).FindAllString(log, -1), "\n")
}

// TestSegmentedDownloadFallsBackWhenASecondLoginIsRefused: a server that
// takes one connection gets every range on it, one after another.
func TestSegmentedDownloadFallsBackWhenASecondLoginIsRefused(t *testing.T) {
	data := make([]byte, 3<<20)
	rand.Read(data)
	h := ftptest.NewHostile(t, ftptest.HostileOptions{
		Files:       map[string]*ftptest.HostileFile{"/big.bin": {Data: data}},
		Features:    []string{"MLST", "SIZE", "MDTM", "REST STREAM"},
		MaxSessions: 1,
	})
	dst := t.TempDir()
	snap := run(t, Options{Dial: hostileSite(h), Workers: 1},
		Spec{Site: "h", Direction: Download, Remote: "/big.bin", LocalRoot: dst, Local: "big.bin", Segments: 4})
	wantAll(t, snap, Done)
	got, _ := os.ReadFile(filepath.Join(dst, "big.bin"))
	if !bytes.Equal(got, data) {
		t.Fatalf("%d bytes arrived, differing from the server's file", len(got))
	}
	if _, refused := h.Sessions(); refused == 0 {
		t.Error("no second login was tried")
	}
	var rests []int64
	for _, c := range h.Commands() {
		if n, ok := strings.CutPrefix(c, "REST "); ok {
			v, _ := strconv.ParseInt(n, 10, 64)
			rests = append(rests, v)
		}
	}
	if len(rests) != 3 { // ranges 2 to 4, on the one connection
		t.Errorf("REST sent %v, want one per range after the first", rests)
	}
}
