package syncplan

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"ferry/protocol/listing"
)

// treeSide is a synthetic tree of folders d00..dNN holding files
// f00..fNN; changed files (by index) are one byte longer.
type treeSide struct {
	dirs, files int
	changed     func(d, f int) bool
}

func (s treeSide) List(_ context.Context, dir string, fn func(Entry) error) error {
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if dir == "" {
		for d := range s.dirs {
			if err := fn(Entry{Name: fmt.Sprintf("d%03d", d), Kind: Dir}); err != nil {
				return err
			}
		}
		return nil
	}
	var d int
	fmt.Sscanf(strings.TrimPrefix(dir, "d"), "%d", &d)
	for f := range s.files {
		size := int64(1024)
		if s.changed != nil && s.changed(d, f) {
			size++
		}
		if err := fn(Entry{Name: fmt.Sprintf("f%03d.bin", f), Kind: File, Size: size, ModTime: at, Precision: listing.TimeMinute}); err != nil {
			return err
		}
	}
	return nil
}

// BenchmarkBuild10kFilesOnePercentChanged plans a 10,000-file tree (100
// folders of 100) against a copy where 1% differ: the cost of deciding
// what ferry mirror transfers, without the network.
func BenchmarkBuild10kFilesOnePercentChanged(b *testing.B) {
	src := treeSide{dirs: 100, files: 100, changed: func(d, f int) bool { return f == d }}
	dst := treeSide{dirs: 100, files: 100}
	b.ReportAllocs()
	for b.Loop() {
		p, err := Build(context.Background(), src, dst, Options{Delete: true})
		if err != nil || p.Summary.Files != 100 || p.Summary.Unchanged != 9900 {
			b.Fatalf("%+v %v", p.Summary, err)
		}
	}
}
