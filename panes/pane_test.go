package panes

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"ferry/protocol/listing"
)

func entry(name string, kind listing.Kind, size int64, age time.Duration) listing.Entry {
	return listing.Entry{Name: name, RawName: name, Kind: kind, Size: size,
		ModTime: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).Add(-age), Precision: listing.TimeSecond}
}

func sample() []listing.Entry {
	return []listing.Entry{
		entry("b.txt", listing.File, 300, 1*time.Hour),
		entry("a.txt", listing.File, 100, 3*time.Hour),
		entry("zdir", listing.Dir, 0, 0),
		entry(".hidden", listing.File, 1, 0),
		entry("c.log", listing.File, 200, 2*time.Hour),
		entry("adir", listing.Dir, 0, 0),
	}
}

func names(p *Pane) []string {
	var out []string
	for i := range p.Len() {
		p.cursor = i
		out = append(out, p.Current().Name)
	}
	return out
}

func TestPaneSortsDirectoriesFirstThenByKey(t *testing.T) {
	tests := []struct {
		steps   func(p *Pane)
		want    []string
		sortKey SortKey
	}{
		{func(p *Pane) {}, []string{"adir", "zdir", "a.txt", "b.txt", "c.log"}, ByName},
		{func(p *Pane) { p.CycleSort() }, []string{"adir", "zdir", "a.txt", "c.log", "b.txt"}, BySize},
		{func(p *Pane) { p.CycleSort(); p.CycleSort() }, []string{"adir", "zdir", "a.txt", "c.log", "b.txt"}, ByTime},
		{func(p *Pane) { p.ReverseSort() }, []string{"zdir", "adir", "c.log", "b.txt", "a.txt"}, ByName},
		{func(p *Pane) { p.ToggleHidden() }, []string{"adir", "zdir", ".hidden", "a.txt", "b.txt", "c.log"}, ByName},
	}
	for i, tt := range tests {
		p := New(false)
		p.SetListing("/d", sample(), "")
		tt.steps(p)
		if got := names(p); !slices.Equal(got, tt.want) {
			t.Errorf("case %d: %q, want %q", i, got, tt.want)
		}
		if k, _ := p.Sort(); k != tt.sortKey {
			t.Errorf("case %d: sort %v", i, k)
		}
	}
}

func TestPaneMovementStopsAtTheEndsAndScrolls(t *testing.T) {
	var many []listing.Entry
	for i := range 100 {
		many = append(many, entry(fmt.Sprintf("f%03d", i), listing.File, 1, 0))
	}
	p := New(false)
	p.SetListing("/d", many, "")
	p.SetHeight(10)
	p.Move(-5)
	if p.Cursor() != 0 {
		t.Fatalf("cursor %d", p.Cursor())
	}
	p.PageDown()
	p.Move(3)
	if p.Cursor() != 13 {
		t.Fatalf("cursor %d", p.Cursor())
	}
	first, rows := p.Rows()
	if first != 4 || len(rows) != 10 || rows[9].Name != "f013" {
		t.Fatalf("rows from %d: %d, last %s", first, len(rows), rows[len(rows)-1].Name)
	}
	p.Bottom()
	if p.Current().Name != "f099" {
		t.Fatal(p.Current().Name)
	}
	p.PageUp()
	p.Top()
	if first, _ := p.Rows(); p.Cursor() != 0 || first != 0 {
		t.Fatalf("cursor %d first %d", p.Cursor(), first)
	}
}

func TestPaneSelectionTogglesInvertsAndGlobs(t *testing.T) {
	p := New(false)
	p.SetListing("/d", sample(), "")
	p.Move(2) // a.txt
	p.ToggleSelect()
	if p.Current().Name != "b.txt" {
		t.Fatalf("cursor did not move down: %s", p.Current().Name)
	}
	if n, size := p.SelectedStats(); n != 1 || size != 100 {
		t.Fatalf("stats %d %d", n, size)
	}
	if n, err := p.SelectGlob("*.txt", true); err != nil || n != 2 {
		t.Fatalf("glob: %d %v", n, err)
	}
	if _, err := p.SelectGlob("[", true); err == nil {
		t.Fatal("bad pattern accepted")
	}
	p.SelectGlob("a*", false)
	got := p.Selection()
	if len(got) != 1 || got[0].Name != "b.txt" {
		t.Fatalf("selection %v", got)
	}
	p.InvertSelection()
	var sel []string
	for _, e := range p.Selection() {
		sel = append(sel, e.Name)
	}
	if !slices.Equal(sel, []string{"adir", "zdir", "a.txt", "c.log"}) {
		t.Fatalf("inverted %q", sel)
	}
	p.ClearSelection()
	if s := p.Selection(); len(s) != 1 || s[0].Name != "b.txt" {
		t.Fatalf("without a selection the cursor entry is the target: %v", s)
	}
}

func TestPaneFilterKeepsCursorOnEntry(t *testing.T) {
	p := New(false)
	p.SetListing("/d", sample(), "c.log")
	p.SetFilter(".T") // case-insensitive
	if got := names(p); !slices.Equal(got, []string{"a.txt", "b.txt"}) {
		t.Fatalf("filtered %q", got)
	}
	p.SetFilter("")
	p.focus("c.log")
	p.SetFilter("log")
	if p.Current().Name != "c.log" {
		t.Fatal(p.Current().Name)
	}
}

func TestPaneRefreshKeepsSelectionAndGoingUpFocusesTheDirectoryLeft(t *testing.T) {
	p := New(false)
	p.SetListing("/d", sample(), "")
	p.SelectGlob("*.txt", true)
	p.Move(3)
	refreshed := slices.DeleteFunc(sample(), func(e listing.Entry) bool { return e.Name == "a.txt" })
	p.SetListing("/d", refreshed, p.Current().RawName)
	if n, _ := p.SelectedStats(); n != 1 {
		t.Fatalf("selection after refresh: %d, want only b.txt", n)
	}
	if p.Current().Name != "b.txt" {
		t.Fatalf("cursor on %s", p.Current().Name)
	}
	p.SetListing("/", []listing.Entry{entry("etc", listing.Dir, 0, 0), entry("d", listing.Dir, 0, 0)}, "d")
	if p.Current().Name != "d" {
		t.Fatalf("going up: cursor on %s, want the directory left", p.Current().Name)
	}
	if n, _ := p.SelectedStats(); n != 0 {
		t.Fatal("selection survived a change of directory")
	}
}

func BenchmarkPaneMoveOn100k(b *testing.B) {
	var many []listing.Entry
	for i := range 100_000 {
		many = append(many, entry(fmt.Sprintf("file-%06d.dat", i), listing.File, int64(i), 0))
	}
	p := New(false)
	p.SetListing("/d", many, "")
	p.SetHeight(30)
	for b.Loop() {
		p.Move(1)
		p.Rows()
	}
}

func TestParentRowHeadsTheViewAndIsNeverSelected(t *testing.T) {
	p := New(false)
	p.SetHeight(10)
	p.ShowParentRow(true)
	p.SetListing("/a", []listing.Entry{
		{Name: "b.txt", RawName: "b.txt", Kind: listing.File, Size: 1},
		{Name: "a.txt", RawName: "a.txt", Kind: listing.File, Size: 2},
	}, "")
	if e := p.Current(); e == nil || e.Name != "a.txt" {
		t.Fatalf("a new folder starts on %v, want its first entry", e)
	}
	p.ReverseSort()
	p.SetFilter("b")
	p.Top()
	if !IsParent(p.Current()) {
		t.Fatalf("the top row is %q, want ..", p.Current().Name)
	}
	p.ToggleSelect()
	p.InvertSelection()
	if n, _ := p.SelectedStats(); n != 1 {
		t.Fatalf("%d selected, want only b.txt", n)
	}
	p.ClearSelection()
	p.Top()
	if sel := p.Selection(); len(sel) != 0 {
		t.Fatalf("with the cursor on .. the selection is %v, want nothing", sel)
	}
	if n, _ := p.SelectGlob("*", true); n != 1 {
		t.Fatalf("glob * matched %d, want 1 (not ..)", n)
	}
	p.ShowParentRow(false)
	if _, rows := p.Rows(); len(rows) != 1 || IsParent(rows[0]) {
		t.Fatalf("without the parent row: %v", rows)
	}
}
