package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"ferry/protocol/listing"
	"ferry/syncplan"
)

// syncState holds the root's two sync toggles: the compare view (both
// panes mark each entry against its namesake in the other pane, as
// FileZilla's directory comparison does) and synchronized browsing
// (entering or leaving a folder in one pane does the same in the other).
type syncState struct {
	compare bool
	browse  bool
}

// entryOf is what syncplan compares of a listing entry.
func entryOf(e *listing.Entry) syncplan.Entry {
	se := syncplan.Entry{Name: e.RawName, Size: e.Size, ModTime: e.ModTime, Precision: e.Precision, Unsafe: e.Unsafe()}
	switch e.Kind {
	case listing.File:
		se.Kind = syncplan.File
	case listing.Dir:
		se.Kind, se.Size = syncplan.Dir, 0
	case listing.Symlink:
		se.Kind = syncplan.Link
	default:
		se.Kind = syncplan.Other
	}
	return se
}

// updateMarks recomputes both panes' marks after a listing changed, or
// clears them when the compare view is off.
func (m *Model) updateMarks() {
	a, b := m.panes[0], m.panes[1]
	if !m.sync.compare || a.fs == nil || b.fs == nil {
		a.marks, b.marks = nil, nil
		return
	}
	a.marks = marksAgainst(a.model.Entries(), b.model.Entries())
	b.marks = marksAgainst(b.model.Entries(), a.model.Entries())
}

// marksAgainst marks every entry of here against there, by raw name.
func marksAgainst(here, there []listing.Entry) map[string]syncplan.Mark {
	other := make(map[string]syncplan.Entry, len(there))
	for i := range there {
		other[there[i].RawName] = entryOf(&there[i])
	}
	marks := make(map[string]syncplan.Mark, len(here))
	for i := range here {
		e := entryOf(&here[i])
		if o, ok := other[e.Name]; ok {
			marks[e.Name] = syncplan.MarkOf(&e, &o, 0)
		} else {
			marks[e.Name] = syncplan.MarkOf(&e, nil, 0)
		}
	}
	return marks
}

// toggleCompare turns the compare view on or off.
func (m *Model) toggleCompare() {
	m.sync.compare = !m.sync.compare
	m.updateMarks()
	if !m.sync.compare {
		m.setStatus("compare off", false)
		return
	}
	if m.panes[0].marks == nil {
		m.setStatus("compare: connect to a server first (ctrl+o)", true)
		m.sync.compare = false
		return
	}
	n := 0
	for _, mk := range m.panes[m.active].marks {
		if mk != syncplan.Same {
			n++
		}
	}
	m.setStatus(fmt.Sprintf("compare: %d of %d entries here differ  (+ only here, > newer, < older, ! size differs, ~ file against folder)", n, len(m.panes[m.active].marks)), false)
}

// selectDiffering selects, in the active pane, the entries a copy to the
// other pane would bring over (only here, newer, size differs), so F5
// copies them. It turns the compare view on if needed.
func (m *Model) selectDiffering() {
	if !m.sync.compare {
		m.toggleCompare()
		if !m.sync.compare {
			return
		}
	}
	v := m.panes[m.active]
	n := v.model.SelectFunc(func(e *listing.Entry) bool {
		mk := v.marks[e.RawName]
		return mk.Differs() && mk != syncplan.KindDiffers && !e.Unsafe() && (e.Kind == listing.File || e.Kind == listing.Dir)
	})
	m.setStatus(fmt.Sprintf("%d selected that differ from the other pane; F5 copies them", n), false)
}

// compareMark is the symbol and style of an entry in the compare view,
// or "" and nil when the view is off. The symbol says it without colour
// (the mono theme).
func (v *paneView) compareMark(s *Styles, e *listing.Entry) (string, *lipgloss.Style) {
	if v.marks == nil {
		return "", nil
	}
	switch v.marks[e.RawName] {
	case syncplan.OnlyHere:
		return "+", &s.Secure
	case syncplan.Newer:
		return ">", &s.Warning
	case syncplan.Older:
		return "<", &s.Dim
	case syncplan.SizeDiffers:
		return "!", &s.Error
	case syncplan.KindDiffers:
		return "~", &s.Error
	}
	return "=", nil
}

// toggleBrowse turns synchronized browsing on or off.
func (m *Model) toggleBrowse() {
	m.sync.browse = !m.sync.browse
	if m.sync.browse {
		m.setStatus("synchronized browsing on: entering or leaving a folder does the same in the other pane", false)
	} else {
		m.setStatus("synchronized browsing off", false)
	}
}

// browseInto follows the active pane into its folder name in the other
// pane, when synchronized browsing is on and the other pane has a folder
// of that name; otherwise it says so.
func (m *Model) browseInto(name string) tea.Cmd {
	o := m.panes[1-m.active]
	if !m.sync.browse || o.fs == nil {
		return nil
	}
	for _, e := range o.model.Entries() {
		if e.RawName == name && e.Kind == listing.Dir && !e.Unsafe() {
			return m.load(1-m.active, o.fs.Join(o.model.Dir(), name), "")
		}
	}
	m.setStatus(fmt.Sprintf("synchronized browsing: the other pane has no folder %q", listing.DisplayName(name)), false)
	return nil
}

// browseUp follows the active pane to its parent in the other pane.
func (m *Model) browseUp() tea.Cmd {
	o := m.panes[1-m.active]
	if !m.sync.browse || o.fs == nil {
		return nil
	}
	dir := o.model.Dir()
	up := o.fs.Parent(dir)
	if up == dir {
		m.setStatus("synchronized browsing: the other pane is at its top folder", true)
		return nil
	}
	return m.load(1-m.active, up, baseName(dir))
}
