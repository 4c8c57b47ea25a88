package ui

import (
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/internal/safe"
	"ferry/panes"
	"ferry/protocol/listing"
	"ferry/syncplan"
)

// paneView is one pane on screen: the pane model, the file system under
// it, and what is happening to it (loading, failed, filtering). It handles
// the keys that change only itself (movement, selection, sort, filter);
// the root handles those that reach beyond it.
type paneView struct {
	keys *KeyMap
	fs   panes.FS // the local machine, or the server the pane is on
	// remote is the server the pane is connected to, with the target it
	// was opened by; nil on the local machine.
	remote RemoteFS
	target Target
	// recent keeps the last listings of a server's folders, so going back
	// to one shows it at once while it is listed again (a slow link makes
	// every listing cost several round trips); refreshing marks that.
	recent     *recentListings
	refreshing bool
	model      *panes.Pane
	loading    bool
	err        error
	gen        int    // listing generation; older results are ignored
	navGen     int    // the generation the user asked for (navigate)
	home       string // a server's login folder, for URLs relative to it
	cols       *columnMode
	sizes      map[string]int64 // folder sizes computed (by path)
	sizing     map[string]bool  // folders being added up

	filtering bool
	filter    textinput.Model

	marks map[string]syncplan.Mark // the compare view's, by raw name; nil when off (compare.go)

	width, height int // outer size, border included
}

// place names where the pane is: "local", or the site it is on (a
// bookmark's name, or a URL without password).
func (v *paneView) place() string {
	if v.remote == nil {
		return "local"
	}
	return SiteOf(v.target)
}

func newPaneView(keys *KeyMap, showHidden bool) *paneView {
	return &paneView{keys: keys, model: panes.New(showHidden), filter: newTextInput("/")}
}

// Update handles a key that concerns this pane alone.
func (v *paneView) Update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return nil
	}
	if v.filtering {
		return v.filterKey(k)
	}
	p, keys := v.model, v.keys
	switch {
	case key.Matches(k, keys.Up):
		p.Move(-1)
	case key.Matches(k, keys.Down):
		p.Move(1)
	case key.Matches(k, keys.PageUp):
		p.PageUp()
	case key.Matches(k, keys.PageDown):
		p.PageDown()
	case key.Matches(k, keys.Top):
		p.Top()
	case key.Matches(k, keys.Bottom):
		p.Bottom()
	case key.Matches(k, keys.Select):
		p.ToggleSelect()
	case key.Matches(k, keys.Invert):
		p.InvertSelection()
	case key.Matches(k, keys.Hidden):
		p.ToggleHidden()
	case key.Matches(k, keys.Sort):
		p.CycleSort()
	case key.Matches(k, keys.ReverseSort):
		p.ReverseSort()
	case k.String() == "esc" && p.Filter() != "":
		p.SetFilter("") // a kept filter is cleared as it was set: with esc
		v.filter.SetValue("")
	case key.Matches(k, keys.Filter):
		v.filtering = true
		v.filter.SetValue(p.Filter())
		return v.filter.Focus()
	}
	return nil
}

// filterKey edits the filter as the user types: Enter keeps it, Esc
// clears it.
func (v *paneView) filterKey(msg tea.KeyPressMsg) tea.Cmd {
	switch msg.String() {
	case "enter":
		v.filtering = false
		v.filter.Blur()
		return nil
	case "esc":
		v.filtering = false
		v.filter.Blur()
		v.model.SetFilter("")
		return nil
	}
	var cmd tea.Cmd
	v.filter, cmd = v.filter.Update(msg)
	v.model.SetFilter(v.filter.Value())
	return cmd
}

// ShortHelp and FullHelp are the keys the hint line shows while a pane
// has the focus: the whole key map.
func (v *paneView) ShortHelp() []key.Binding  { return v.keys.ShortHelp() }
func (v *paneView) FullHelp() [][]key.Binding { return v.keys.FullHelp() }

// SetSize sets the outer size and tells the model how many rows it has.
func (v *paneView) SetSize(w, h int) {
	v.width, v.height = w, h
	v.model.SetHeight(v.rows())
	v.filter.SetWidth(max(w-6, 1))
}

// rows is the number of entry rows: the box minus border, title, footer.
func (v *paneView) rows() int { return max(v.height-4, 1) }

// title is the pane's location: a local path, or the URL of a server's
// folder as it can be typed back into quick connect; escaped, since a
// remote path comes from the server (PWD) and a local one may hold any byte.
func (v *paneView) title() string {
	if v.fs == nil {
		return "not connected"
	}
	if t := v.fs.Title(); t != "" {
		return safe.Line(folderURL(t, v.home, v.model.Dir()))
	}
	return safe.Line(v.model.Dir())
}

// side names the pane's file system for prompts: "local" or the server.
func (v *paneView) side() string {
	if v.fs == nil || v.fs.Title() == "" {
		return "local"
	}
	return v.fs.Title()
}

// folderURL is the URL of dir on the server base ("ftpes://user@host"):
// as ferry reads URLs (like curl), a path is relative to the login folder
// home, and an absolute one outside it starts with %2F.
func folderURL(base, home, dir string) string {
	esc := strings.NewReplacer("%", "%25", "#", "%23", "?", "%3F")
	switch {
	case dir == home || dir == "":
		return base + "/"
	case home == "/" && strings.HasPrefix(dir, "/"):
		return base + "/" + esc.Replace(dir[1:])
	case home != "" && strings.HasPrefix(dir, home+"/"):
		return base + "/" + esc.Replace(strings.TrimPrefix(dir, home+"/"))
	}
	return base + "/%2F" + esc.Replace(strings.TrimPrefix(dir, "/"))
}

// View draws the pane. tag, when set, names the pane in a narrow layout.
func (v *paneView) View(s *Styles, active bool, spin string, tag string) string {
	inner := max(v.width-2, 1)
	var b strings.Builder

	title := v.title()
	if tag != "" {
		title = tag + " " + title
	}
	if v.loading {
		title = spin + " " + title
	}
	if v.refreshing {
		title += " (refreshing)"
	}
	titleStyle := s.Title
	if active {
		titleStyle = s.TitleActive
	}
	if w := ansi.StringWidth(title); w > inner {
		title = ansi.TruncateLeft(title, w-inner+1, "…") // keep the end of a long path
	}
	b.WriteString(titleStyle.Render(padRight(title, inner)))
	b.WriteByte('\n')

	rows := v.rows()
	switch {
	case v.fs == nil:
		b.WriteString(s.Dim.Render(padRight("  press ctrl+o to connect to a server", inner)) + "\n")
		rows--
	case v.err != nil && v.model.Len() == 0:
		for _, l := range wrap(v.err.Error(), inner) {
			if rows == 0 {
				break
			}
			b.WriteString(s.Error.Render(padRight(l, inner)) + "\n")
			rows--
		}
	default:
		first, entries := v.model.Rows()
		for i, e := range entries {
			b.WriteString(v.row(s, e, first+i == v.model.Cursor(), active, inner))
			b.WriteByte('\n')
			rows--
		}
	}
	for ; rows > 0; rows-- {
		b.WriteString(strings.Repeat(" ", inner) + "\n")
	}
	b.WriteString(v.footer(s, inner))

	box := s.PaneInactive
	if active {
		box = s.PaneActive
	}
	return box.Width(v.width).Height(v.height).Render(b.String())
}

// row draws one entry: selection mark, name, size, time and, when there
// is room, permissions.
func (v *paneView) row(s *Styles, e *listing.Entry, cursor, active bool, width int) string {
	selected := v.model.IsSelected(e)
	mark := " "
	if selected {
		mark = "*"
	}
	showTime := width >= 38
	showPerm, showOwner := v.columns(width)
	nameW := width - 1 - 8
	if showTime {
		nameW -= 13
	}
	if showPerm {
		nameW -= 11
	}
	if showOwner {
		nameW -= 9
	}
	name := e.Name
	switch {
	case panes.IsParent(e):
	case e.Kind == listing.Dir:
		name += "/"
	case e.Kind == listing.Symlink:
		if e.Target != "" {
			name += " -> " + listing.DisplayName(e.Target)
		} else {
			name += "@"
		}
	}
	unsafe := e.Unsafe() && !panes.IsParent(e)
	if unsafe {
		name = "! " + name
	}
	sym, markStyle := v.compareMark(s, e)
	nameW -= len(sym)
	var b strings.Builder
	b.WriteString(mark)
	b.WriteString(sym)
	b.WriteString(padRight(ansi.Truncate(name, max(nameW, 1), "…"), max(nameW, 1)))
	b.WriteString(" ")
	size := humanSize(e)
	switch {
	case panes.IsParent(e):
		size = "<UP>"
	case e.Kind == listing.Dir && (len(v.sizes) > 0 || len(v.sizing) > 0):
		p := v.fs.Join(v.model.Dir(), e.RawName)
		if n, ok := v.sizes[p]; ok {
			size = formatBytes(n)
		} else if v.sizing[p] {
			size = "…"
		}
	}
	b.WriteString(padLeft(size, 7))
	if showTime {
		b.WriteString(" ")
		b.WriteString(padLeft(shortTime(e), 12))
	}
	if showPerm {
		b.WriteString(" ")
		b.WriteString(permString(e))
	}
	if showOwner {
		b.WriteString(" ")
		b.WriteString(padRight(ansi.Truncate(printable([]byte(e.Owner)), 8, "…"), 8))
	}
	line := padRight(b.String(), width)
	switch {
	case cursor && active:
		return s.Cursor.Render(line)
	case cursor:
		return s.CursorInactive.Render(line)
	case selected:
		return s.Selected.Render(line)
	case markStyle != nil:
		return markStyle.Render(line)
	case unsafe:
		return s.Unsafe.Render(line)
	case e.Kind == listing.Dir:
		return s.Directory.Render(line)
	case e.Kind == listing.Symlink:
		return s.Symlink.Render(line)
	case e.Kind == listing.Other:
		return s.Other.Render(line)
	case e.HasMode && e.Mode&0o111 != 0:
		return s.Exec.Render(line)
	}
	return s.File.Render(line)
}

// columns says whether rows show permissions and owners at an inner
// width: when there is room, unless the user chose (L).
func (v *paneView) columns(width int) (perm, owner bool) {
	mode := columnsAuto
	if v.cols != nil {
		mode = *v.cols
	}
	switch mode {
	case columnsOn:
		return true, true
	case columnsOff:
		return false, false
	}
	return width >= 60, width >= 72
}

func (v *paneView) footer(s *Styles, width int) string {
	if v.filtering {
		return padRight(v.filter.View(), width)
	}
	var parts []string
	if n, size := v.model.SelectedStats(); n > 0 {
		parts = append(parts, fmt.Sprintf("%d selected, %s", n, bytesText(size)))
	} else if v.model.Total() > 0 {
		parts = append(parts, fmt.Sprintf("%d/%d", v.model.Cursor()+1, v.model.Len()))
	}
	if f := v.model.Filter(); f != "" {
		parts = append(parts, "filter:"+f)
	}
	key, rev := v.model.Sort()
	arrow := "↑"
	if rev {
		arrow = "↓"
	}
	parts = append(parts, "sort:"+key.String()+arrow)
	if v.model.ShowHidden() {
		parts = append(parts, "dot-files")
	}
	if v.err != nil && v.model.Len() > 0 {
		// The error, but never at the cost of hiding an active filter.
		tail := ""
		if f := v.model.Filter(); f != "" {
			tail = "  filter:" + f
		}
		errW := max(width-ansi.StringWidth(tail), width/2)
		line := s.Error.Render(ansi.Truncate(v.err.Error(), errW, "…")) + s.Dim.Render(tail)
		return padRight(ansi.Truncate(line, width, "…"), width)
	}
	return s.Dim.Render(padRight(ansi.Truncate(strings.Join(parts, "  "), width, "…"), width))
}

// bytesText is formatBytes for prose: "8 B", "1.2K".
func bytesText(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d B", n)
	}
	return formatBytes(n)
}

func humanSize(e *listing.Entry) string {
	switch {
	case e.Kind == listing.Dir:
		return "<DIR>"
	case e.Size < 0:
		return ""
	}
	return formatBytes(e.Size)
}

// formatBytes writes a size in at most 6 characters: 999, 1.2K, 34M.
func formatBytes(n int64) string {
	if n < 1000 {
		return fmt.Sprintf("%d", n)
	}
	f := float64(n)
	for _, unit := range []string{"K", "M", "G", "T", "P"} {
		f /= 1024
		if f < 9.95 {
			return fmt.Sprintf("%.1f%s", f, unit)
		}
		if f < 999.5 {
			return fmt.Sprintf("%.0f%s", f, unit)
		}
	}
	return fmt.Sprintf("%.0fE", f/1024)
}

// shortTime shows recent times with the clock and older ones with the
// year, as ls does; a date without a clock shows the year.
func shortTime(e *listing.Entry) string {
	if e.Precision == listing.TimeUnknown || e.ModTime.IsZero() {
		return ""
	}
	t := e.ModTime.Local()
	if e.Precision >= listing.TimeMinute && time.Since(t) < 180*24*time.Hour && time.Since(t) > -24*time.Hour {
		return t.Format("Jan _2 15:04")
	}
	return t.Format("Jan _2  2006")
}

func permString(e *listing.Entry) string {
	if !e.HasMode {
		return padRight(e.Perm, 10)
	}
	kind := "-"
	switch e.Kind {
	case listing.Dir:
		kind = "d"
	case listing.Symlink:
		kind = "l"
	}
	return kind + (e.Mode & fs.ModePerm).String()[1:]
}

func padRight(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

func padLeft(s string, w int) string {
	if n := ansi.StringWidth(s); n < w {
		return strings.Repeat(" ", w-n) + s
	}
	return s
}

// wrap breaks text into lines of at most width cells.
func wrap(text string, width int) []string {
	return strings.Split(lipgloss.NewStyle().Width(width).Render(text), "\n")
}

// recentListings keeps the listings of the last few folders of a server,
// bounded in folders and in entries so a huge folder is not kept twice.
type recentListings struct {
	dirs    []string // oldest first
	entries map[string][]listing.Entry
	total   int
}

const (
	recentFolders = 16
	recentEntries = 200_000
)

func (r *recentListings) get(dir string) ([]listing.Entry, bool) {
	if r == nil {
		return nil, false
	}
	e, ok := r.entries[dir]
	return e, ok
}

func (r *recentListings) put(dir string, entries []listing.Entry) {
	if r.entries == nil {
		r.entries = map[string][]listing.Entry{}
	}
	if old, ok := r.entries[dir]; ok {
		r.total -= len(old)
		delete(r.entries, dir)
		r.dirs = slices.DeleteFunc(r.dirs, func(d string) bool { return d == dir })
	}
	if len(entries) > recentEntries {
		return
	}
	r.entries[dir] = entries
	r.dirs = append(r.dirs, dir)
	r.total += len(entries)
	for len(r.dirs) > recentFolders || r.total > recentEntries {
		oldest := r.dirs[0]
		r.dirs = r.dirs[1:]
		r.total -= len(r.entries[oldest])
		delete(r.entries, oldest)
	}
}
