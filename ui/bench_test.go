package ui

import (
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"ferry/panes/panestest"
	"ferry/protocol/listing"
)

func bigListing(n int) []listing.Entry {
	entries := make([]listing.Entry, n)
	for i := range entries {
		entries[i] = listing.Entry{Name: fmt.Sprintf("file-%06d.dat", i), RawName: fmt.Sprintf("file-%06d.dat", i),
			Kind: listing.File, Size: int64(i * 37), ModTime: panestest.Epoch, Precision: listing.TimeSecond, Mode: 0o644, HasMode: true}
	}
	return entries
}

func benchModel(b *testing.B, n int) *Model {
	remote := panestest.New("ftpes://me@example.org", "/pub", nil)
	m := New(Config{Local: panestest.New("", "/home/me", nil), Connect: func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return remote, nil }})
	m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
	m.Update(connectedMsg{target: Target{URL: "ftpes://me@example.org/pub"}, view: m.panes[rightPane], remote: remote})
	v := m.panes[rightPane]
	m.Update(listedMsg{pane: rightPane, gen: v.gen, dir: "/pub", entries: bigListing(n)})
	if v.model.Len() != n+1 { // and the .. row
		b.Fatalf("%d entries shown", v.model.Len())
	}
	return m
}

// BenchmarkKeystrokeOn100kEntries is one key press (Update) and the frame
// it causes (View) on a pane of 100,000 entries at 120x35.
func BenchmarkKeystrokeOn100kEntries(b *testing.B) {
	m := benchModel(b, 100_000)
	down, up := keyMsg("down"), keyMsg("up")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		k := down
		if i%2000 >= 1000 {
			k = up
		}
		i++
		m.Update(k)
		_ = m.View()
	}
}

// BenchmarkFilterKeystrokeOn100kEntries types one filter character and
// redraws: the whole directory is filtered again.
func BenchmarkFilterKeystrokeOn100kEntries(b *testing.B) {
	m := benchModel(b, 100_000)
	m.Update(keyMsg("/"))
	b.ReportAllocs()
	for b.Loop() {
		m.Update(tea.KeyPressMsg{Code: '7', Text: "7"})
		_ = m.View()
		m.Update(tea.KeyPressMsg{Code: tea.KeyBackspace})
	}
}

// BenchmarkSortOn100kEntries cycles the sort key and redraws.
func BenchmarkSortOn100kEntries(b *testing.B) {
	m := benchModel(b, 100_000)
	b.ReportAllocs()
	for b.Loop() {
		m.Update(keyMsg("s"))
		_ = m.View()
	}
}

// BenchmarkFirstFrame builds the model, lists a local directory of 200
// entries and draws the first frame: the time from start to a screen,
// not counting the terminal itself.
func BenchmarkFirstFrame(b *testing.B) {
	files := map[string]string{}
	for i := range 200 {
		files[fmt.Sprintf("f%03d", i)] = "x"
	}
	local := panestest.New("", "/home/me", files)
	b.ReportAllocs()
	for b.Loop() {
		m := New(Config{Local: local})
		m.Update(tea.WindowSizeMsg{Width: 120, Height: 35})
		entries, _ := local.List(context.Background(), "/home/me")
		m.Update(listedMsg{pane: leftPane, gen: m.panes[leftPane].gen, dir: "/home/me", entries: entries})
		_ = m.View()
	}
}

// BenchmarkSortShuffledOn100kEntries is BenchmarkSortOn100kEntries on a
// folder whose sizes and times are in no order (bigListing's follow the
// names, which flatters the sort).
func BenchmarkSortShuffledOn100kEntries(b *testing.B) {
	m := benchModel(b, 100_000)
	entries := bigListing(100_000)
	for i := range entries {
		h := uint64(i) * 0x9E3779B97F4A7C15
		entries[i].Size = int64(h >> 40)
		entries[i].ModTime = panestest.Epoch.Add(-time.Duration(h>>44) * time.Second)
	}
	v := m.panes[rightPane]
	v.gen++
	m.Update(listedMsg{pane: rightPane, gen: v.gen, dir: "/pub", entries: entries})
	b.ReportAllocs()
	for b.Loop() {
		m.Update(keyMsg("s"))
		_ = m.View()
	}
}
