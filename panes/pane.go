package panes

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"ferry/protocol/listing"
)

// SortKey is the column a pane sorts by. Directories always come first.
type SortKey int

const (
	ByName SortKey = iota
	BySize
	ByTime
	ByExtension // chosen in config.toml; the sort key cycles name, size, time
)

func (k SortKey) String() string {
	return [...]string{"name", "size", "time", "extension"}[k]
}

// Pane is one directory listing with a cursor, a selection, a sort order
// and a filter. The zero value is an empty pane; SetListing fills it.
type Pane struct {
	dir     string
	entries []listing.Entry // as listed
	lower   []string        // lower-cased names for the filter, made on first use
	view    []int           // indices into entries: shown, in order
	sorted  []int           // entries past the dot-file setting, in order: the filter narrows this
	stale   bool            // sorted must be made again (listing, sort or dot-files changed)

	cursor int // index into view
	offset int // first row shown
	height int // rows the UI shows; paging and scrolling use it

	selected map[string]bool // by RawName, which is unique in a directory

	sortKey    SortKey
	reverse    bool
	showHidden bool
	filter     string

	parentRow bool // a ".." row heads the view (see ShowParentRow)
}

// parentIndex in view stands for the ".." row, which is not an entry.
const parentIndex = -1

// parentEntry is what Current returns on the ".." row.
var parentEntry = listing.Entry{Name: "..", RawName: "..", Kind: listing.Dir}

// ShowParentRow heads the view with a ".." row, as Midnight Commander
// shows in every folder but the root: Enter on it goes up. It is never
// selected, sorted, filtered out or returned by Selection. Call it before
// SetListing.
func (p *Pane) ShowParentRow(on bool) {
	if p.parentRow != on {
		p.resort(func() { p.parentRow = on })
	}
}

// IsParent reports whether e is the ".." row.
func IsParent(e *listing.Entry) bool { return e != nil && e.RawName == ".." && e.Name == ".." }

// New returns an empty pane showing dot-files or not.
func New(showHidden bool) *Pane {
	return &Pane{showHidden: showHidden, selected: map[string]bool{}, height: 1}
}

// Dir is the directory shown.
func (p *Pane) Dir() string { return p.dir }

// SetListing replaces the entries with a new listing of dir. The cursor
// goes to the entry named focus when there is one (the directory just left,
// or the entry under the cursor before a refresh); otherwise it stays at
// its row when dir is unchanged and goes to the top when dir is new. The
// selection survives a refresh of the same directory, for the names that
// still exist.
func (p *Pane) SetListing(dir string, entries []listing.Entry, focus string) {
	same := dir == p.dir
	oldCursor := p.cursor
	p.dir, p.entries, p.lower, p.stale = dir, entries, nil, true
	if !same {
		p.selected = map[string]bool{}
		p.filter = ""
		p.offset = 0
	} else {
		present := make(map[string]bool, len(entries))
		for i := range entries {
			present[entries[i].RawName] = true
		}
		for name := range p.selected {
			if !present[name] {
				delete(p.selected, name)
			}
		}
	}
	p.rebuild()
	switch {
	case focus != "" && p.focus(focus):
	case same:
		p.cursor = min(oldCursor, max(len(p.view)-1, 0))
	case p.parentRow && len(p.view) > 1:
		p.cursor = 1 // on the first entry: ".." is one press up
	default:
		p.cursor = 0
	}
	p.scroll()
}

// rebuild recomputes the shown entries from the filter, the dot-file
// setting and the sort order.
func (p *Pane) rebuild() {
	if p.stale || p.sorted == nil {
		p.sorted = p.sorted[:0]
		for i := range p.entries {
			if !p.showHidden && strings.HasPrefix(p.entries[i].RawName, ".") {
				continue
			}
			p.sorted = append(p.sorted, i)
		}
		p.sortView()
		p.stale = false
	}
	p.view = p.view[:0]
	if p.parentRow {
		p.view = append(p.view, parentIndex)
	}
	filter := strings.ToLower(p.filter)
	if filter == "" {
		p.view = append(p.view, p.sorted...)
		p.cursor = min(p.cursor, max(len(p.view)-1, 0))
		return
	}
	if filter != "" && p.lower == nil {
		// Lower-case every name once, not on each keystroke of the filter.
		p.lower = make([]string, len(p.entries))
		for i := range p.entries {
			p.lower[i] = strings.ToLower(p.entries[i].Name)
		}
	}
	for _, i := range p.sorted {
		if strings.Contains(p.lower[i], filter) {
			p.view = append(p.view, i)
		}
	}
	p.cursor = min(p.cursor, max(len(p.view)-1, 0))
}

// at returns the entry a view index stands for.
func (p *Pane) at(idx int) *listing.Entry {
	if idx == parentIndex {
		return &parentEntry
	}
	return &p.entries[idx]
}

// sortView sorts p.sorted: folders first, then by the sort key (reversed
// on request), then by name and raw name. The keys are gathered once into
// small arrays indexed like entries: going through the entries themselves
// (about 200 bytes each, spread over the heap) costs a cache miss at
// nearly every step of a big sort. Unstable is fine: the order is total.
func (p *Pane) sortView() {
	n := len(p.entries)
	num := make([]int64, n)
	str := make([]string, n)
	dir := make([]bool, n)
	for _, i := range p.sorted {
		e := &p.entries[i]
		dir[i] = e.Kind == listing.Dir
		switch p.sortKey {
		case BySize:
			num[i] = e.Size
		case ByTime:
			num[i] = e.ModTime.UnixNano()
		case ByExtension:
			str[i] = path.Ext(e.Name)
		}
	}
	rev := 1
	if p.reverse {
		rev = -1
	}
	// Folders first: a partition, so the comparison below needs no test
	// of it (it runs some two million times for 100,000 entries).
	folders := 0
	for k, i := range p.sorted {
		if dir[i] {
			p.sorted[k], p.sorted[folders] = p.sorted[folders], p.sorted[k]
			folders++
		}
	}
	byKey := func(a, b int) int {
		c := cmp.Compare(num[a], num[b])
		if c == 0 && p.sortKey == ByExtension {
			c = strings.Compare(str[a], str[b])
		}
		if c == 0 {
			ea, eb := &p.entries[a], &p.entries[b]
			c = strings.Compare(ea.Name, eb.Name)
			if c == 0 {
				c = strings.Compare(ea.RawName, eb.RawName)
			}
		}
		return c * rev
	}
	slices.SortFunc(p.sorted[:folders], byKey)
	slices.SortFunc(p.sorted[folders:], byKey)
}

// focus puts the cursor on the entry with that raw name.
func (p *Pane) focus(rawName string) bool {
	for i, idx := range p.view {
		if idx == parentIndex {
			continue
		}
		if p.entries[idx].RawName == rawName {
			p.cursor = i
			return true
		}
	}
	return false
}

// SetHeight tells the pane how many rows it shows.
func (p *Pane) SetHeight(h int) {
	p.height = max(h, 1)
	p.scroll()
}

// scroll keeps the cursor inside the shown rows.
func (p *Pane) scroll() {
	if p.cursor < p.offset {
		p.offset = p.cursor
	}
	if p.cursor >= p.offset+p.height {
		p.offset = p.cursor - p.height + 1
	}
	p.offset = max(min(p.offset, len(p.view)-p.height), 0)
}

// Move moves the cursor by delta rows, stopping at the ends.
func (p *Pane) Move(delta int) {
	p.cursor = max(min(p.cursor+delta, len(p.view)-1), 0)
	p.scroll()
}

func (p *Pane) PageDown() { p.Move(p.height) }
func (p *Pane) PageUp()   { p.Move(-p.height) }
func (p *Pane) Top()      { p.Move(-len(p.view)) }
func (p *Pane) Bottom()   { p.Move(len(p.view)) }

// Current returns the entry under the cursor, or nil in an empty pane.
func (p *Pane) Current() *listing.Entry {
	if len(p.view) == 0 {
		return nil
	}
	return p.at(p.view[p.cursor])
}

// Cursor is the cursor's row among the shown entries.
func (p *Pane) Cursor() int { return p.cursor }

// Len is the number of rows shown: the entries that pass the filter, and
// the ".." row when there is one.
func (p *Pane) Len() int { return len(p.view) }

// Total is the number of entries in the directory, shown or not.
func (p *Pane) Total() int { return len(p.entries) }

// Rows returns the entries on screen, from the scroll offset.
func (p *Pane) Rows() (first int, rows []*listing.Entry) {
	end := min(p.offset+p.height, len(p.view))
	rows = make([]*listing.Entry, 0, end-p.offset)
	for _, idx := range p.view[p.offset:end] {
		rows = append(rows, p.at(idx))
	}
	return p.offset, rows
}

// IsSelected reports whether an entry is selected.
func (p *Pane) IsSelected(e *listing.Entry) bool { return !IsParent(e) && p.selected[e.RawName] }

// ToggleSelect selects or unselects the entry under the cursor and moves
// down, as in Midnight Commander.
func (p *Pane) ToggleSelect() {
	if e := p.Current(); e != nil {
		if !IsParent(e) {
			p.setSelected(e, !p.selected[e.RawName])
		}
		p.Move(1)
	}
}

func (p *Pane) setSelected(e *listing.Entry, on bool) {
	if on {
		p.selected[e.RawName] = true
	} else {
		delete(p.selected, e.RawName)
	}
}

// InvertSelection flips the selection of every shown entry.
func (p *Pane) InvertSelection() {
	for _, idx := range p.view {
		if idx != parentIndex {
			e := &p.entries[idx]
			p.setSelected(e, !p.selected[e.RawName])
		}
	}
}

// SelectGlob selects (on) or unselects the shown entries whose name
// matches a shell pattern such as "*.txt". A bad pattern is an error.
func (p *Pane) SelectGlob(pattern string, on bool) (int, error) {
	if _, err := path.Match(pattern, ""); err != nil {
		return 0, err
	}
	n := 0
	for _, idx := range p.view {
		if idx == parentIndex {
			continue
		}
		e := &p.entries[idx]
		if ok, _ := path.Match(pattern, e.Name); ok {
			p.setSelected(e, on)
			n++
		}
	}
	return n, nil
}

// ClearSelection unselects everything.
func (p *Pane) ClearSelection() { clear(p.selected) }

// Selection returns the selected entries in shown order, or the entry
// under the cursor when nothing is selected: what an operation acts on.
func (p *Pane) Selection() []listing.Entry {
	var out []listing.Entry
	for _, idx := range p.view {
		if idx != parentIndex && p.selected[p.entries[idx].RawName] {
			out = append(out, p.entries[idx])
		}
	}
	if len(out) == 0 {
		if e := p.Current(); e != nil && !IsParent(e) {
			out = append(out, *e)
		}
	}
	return out
}

// SelectedStats counts the selected entries and the size of their files.
func (p *Pane) SelectedStats() (count int, bytes int64) {
	if len(p.selected) == 0 {
		return 0, 0 // asked on every frame: no pass over a big folder for nothing
	}
	for i := range p.entries {
		if e := &p.entries[i]; p.selected[e.RawName] {
			count++
			if e.Kind == listing.File && e.Size > 0 {
				bytes += e.Size
			}
		}
	}
	return count, bytes
}

// CycleSort steps through name, size and time.
func (p *Pane) CycleSort() { p.resort(func() { p.sortKey, p.stale = (p.sortKey%3+1)%3, true }) }

// SetSort sets the sort key and direction.
func (p *Pane) SetSort(k SortKey, reverse bool) {
	p.resort(func() { p.sortKey, p.reverse, p.stale = k, reverse, true })
}

// ReverseSort flips the order.
func (p *Pane) ReverseSort() { p.resort(func() { p.reverse, p.stale = !p.reverse, true }) }

// Sort reports the sort key and direction.
func (p *Pane) Sort() (SortKey, bool) { return p.sortKey, p.reverse }

// ToggleHidden shows or hides dot-files.
func (p *Pane) ToggleHidden() { p.resort(func() { p.showHidden, p.stale = !p.showHidden, true }) }

// ShowHidden reports whether dot-files are shown.
func (p *Pane) ShowHidden() bool { return p.showHidden }

// SetFilter shows only entries whose name contains s (case-insensitive).
func (p *Pane) SetFilter(s string) { p.resort(func() { p.filter = s }) }

// Filter is the current filter text.
func (p *Pane) Filter() string { return p.filter }

// resort applies a change to the view and keeps the cursor on the same
// entry when it is still shown.
func (p *Pane) resort(change func()) {
	// The entries stay the same: the cursor's entry is found again by its
	// index, not by comparing names across the whole view.
	keep := -2
	if p.cursor < len(p.view) {
		keep = p.view[p.cursor]
	}
	change()
	p.rebuild()
	found := false
	for i, idx := range p.view {
		if idx == keep {
			p.cursor, found = i, true
			break
		}
	}
	if !found {
		p.cursor = min(p.cursor, max(len(p.view)-1, 0))
	}
	p.scroll()
}

// Entries returns the listing as it came, neither filtered nor sorted,
// for comparisons with another folder. The slice must not be changed.
func (p *Pane) Entries() []listing.Entry { return p.entries }

// SelectFunc selects the shown entries for which pick returns true,
// leaving the others as they were, and returns how many it selected.
func (p *Pane) SelectFunc(pick func(*listing.Entry) bool) int {
	n := 0
	for _, idx := range p.view {
		if idx == parentIndex {
			continue // the ".." row
		}
		if e := &p.entries[idx]; pick(e) {
			p.setSelected(e, true)
			n++
		}
	}
	return n
}
