package panes_test

import (
	"context"
	"errors"
	"testing"

	"ferry/panes"
	"ferry/panes/panestest"
	"ferry/protocol/listing"
)

// TestRemoveAndChmodReachNamesWithControlCharacters: such names are never
// copied, but a folder holding them can still be deleted or have its
// modes changed, since both work by name on the server.
func TestRemoveAndChmodReachNamesWithControlCharacters(t *testing.T) {
	ctx := context.Background()
	fsys := panestest.New("ftp://h", "/pub", map[string]string{"d/ok.txt": "x", "d/evil\u202etxt.exe": "y", "d/esc\x1b[2J": "z"})
	dir := listing.Entry{Name: "d", RawName: "d", Kind: listing.Dir}
	if err := panes.Chmod(ctx, fsys, "/pub/d", dir, 0o700, true); err != nil {
		t.Fatal(err)
	}
	if err := panes.Copy(ctx, fsys, "/pub/d/evil\u202etxt.exe", fsys, "/pub", listing.Entry{Name: `evil\u202etxt.exe`, RawName: "evil\u202etxt.exe", Kind: listing.File}, nil); !errors.Is(err, panes.ErrUnsafeName) {
		t.Errorf("copying an unsafe name: %v, want ErrUnsafeName", err)
	}
	if err := panes.RemoveAll(ctx, fsys, "/pub/d", dir); err != nil {
		t.Fatalf("RemoveAll: %v", err)
	}
	for _, p := range []string{"/pub/d", "/pub/d/evil\u202etxt.exe", "/pub/d/esc\x1b[2J"} {
		if fsys.Exists(p) {
			t.Errorf("%q remains", p)
		}
	}
}
