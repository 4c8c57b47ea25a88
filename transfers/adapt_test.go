package transfers

import (
	"bytes"
	"fmt"
	"testing"

	"ferry/protocol/ftptest"
)

// smallTree is n small files under /top of a hostile server.
func smallTree(n int) map[string]*ftptest.HostileFile {
	files := make(map[string]*ftptest.HostileFile, n)
	for i := range n {
		files[fmt.Sprintf("/top/f%03d", i)] = &ftptest.HostileFile{Data: bytes.Repeat([]byte{byte(i)}, 1000+i)}
	}
	return files
}

func TestParallelismAdapts(t *testing.T) {
	tests := []struct {
		name                string
		maxSessions         int // the server's limit; 0: none
		workers, maxPar     int
		wantPeakMin         int // at least this many connections at once
		wantPeakMax         int // never more than this many
		wantRefused         bool
		wantWorkersAfterMax int // the queue's limit when done
	}{
		{name: "grows while small files wait", workers: 1, maxPar: 4, wantPeakMin: 2, wantPeakMax: 4, wantWorkersAfterMax: 4},
		{name: "does not grow without MaxParallel", workers: 2, maxPar: 0, wantPeakMin: 1, wantPeakMax: 2, wantWorkersAfterMax: 2},
		{name: "backs off on 421 without failing jobs", maxSessions: 3, workers: 6, maxPar: 8, wantPeakMin: 2, wantPeakMax: 3, wantRefused: true, wantWorkersAfterMax: 3},
		{name: "stays under the limit it learned while growing", maxSessions: 2, workers: 1, maxPar: 10, wantPeakMin: 2, wantPeakMax: 2, wantRefused: true, wantWorkersAfterMax: 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := smallTree(120)
			h := ftptest.NewHostile(t, ftptest.HostileOptions{Files: files, MaxSessions: tt.maxSessions})
			dst := t.TempDir()
			snap := run(t, Options{Dial: hostileSite(h), Workers: tt.workers, MaxParallel: tt.maxPar, Policy: Overwrite}, tree(dst))
			wantAll(t, snap, Done)
			got := readTree(t, dst)
			if len(got) != len(files) {
				t.Fatalf("%d files arrived, want %d", len(got), len(files))
			}
			for name, f := range files {
				if !bytes.Equal(got[name[len("/top/"):]], f.Data) {
					t.Fatalf("%s differs", name)
				}
			}
			peak, refused := h.Sessions()
			if peak < tt.wantPeakMin || peak > tt.wantPeakMax {
				t.Errorf("peak connections %d, want %d to %d", peak, tt.wantPeakMin, tt.wantPeakMax)
			}
			if (refused > 0) != tt.wantRefused {
				t.Errorf("%d connections refused, want refusals: %v", refused, tt.wantRefused)
			}
			if snap.Workers > tt.wantWorkersAfterMax {
				t.Errorf("the queue's limit ended at %d, want at most %d", snap.Workers, tt.wantWorkersAfterMax)
			}
		})
	}
}
