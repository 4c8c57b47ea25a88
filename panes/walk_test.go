package panes_test

import (
	"context"
	"errors"
	"slices"
	"testing"

	"ferry/panes"
	"ferry/panes/panestest"
	"ferry/protocol/listing"
)

func TestWalkVisitsTheTreeAndDirSizeAddsItUp(t *testing.T) {
	fsys := panestest.New("", "/r", map[string]string{
		"a.txt": "12345", "x/": "", "x/b.txt": "123", "x/y/": "", "x/y/z/": "", "x/y/z/deep.go": "1234567890",
		"empty/": "", "x/unreadable/": "", "x/unreadable/never.txt": "hidden",
	})
	fsys.Fail = func(op, p string) error {
		if op == "list" && p == "/r/x/unreadable" {
			return errors.New("550 no access")
		}
		return nil
	}
	var seen []string
	var failed []string
	err := panes.Walk(context.Background(), fsys, "/r", func(dir string, e *listing.Entry) error {
		seen = append(seen, fsys.Join(dir, e.RawName))
		return nil
	}, func(dir string, err error) { failed = append(failed, dir) })
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"/r/a.txt", "/r/x/b.txt", "/r/x/y/z/deep.go", "/r/empty"} {
		if !slices.Contains(seen, want) {
			t.Errorf("walk missed %s (saw %q)", want, seen)
		}
	}
	if slices.Contains(seen, "/r/x/unreadable/never.txt") || !slices.Equal(failed, []string{"/r/x/unreadable"}) {
		t.Errorf("unreadable folder: saw %q, failed %q", seen, failed)
	}
	bytes, files, err := panes.DirSize(context.Background(), fsys, "/r/x", nil)
	if err != nil || bytes != 13 || files != 2 {
		t.Fatalf("size of x: %d bytes in %d files, %v; want 13 in 2", bytes, files, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := panes.Walk(ctx, fsys, "/r", func(string, *listing.Entry) error { return nil }, nil); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled walk: %v", err)
	}
}
