package ui

import (
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/list"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/bookmarks"
	"ferry/config"
)

// sitesDialog is the site manager: the bookmarks in a filterable list
// (bubbles/list, with its paging and filter keys trimmed so that the
// letters are free for the actions), a form over it to add or edit one,
// and a confirmation before a delete. Every change is written by the
// bookmarks.File in a command, whose siteSavedMsg comes back here.
type sitesDialog struct {
	file    *bookmarks.File
	current *Target // the connection shown now; nil when there is none
	list    list.Model
	rows    *siteDelegate
	themed  *Styles // the styles the list was last given
	child   dialog  // the form or the delete confirmation; nil shows the list
	note    string  // the outcome of the last action
	noteErr bool
}

// siteSavedMsg reports a change to bookmarks.toml made from the site
// manager: what was done and the bookmark to put the cursor on.
type siteSavedMsg struct {
	what, name string
	err        error
}

// siteItem is one bookmark in the list, with what the list shows of it
// worked out once.
type siteItem struct {
	b       bookmarks.Bookmark
	url     string
	problem string // why the bookmark is unusable, or ""
}

func (it siteItem) FilterValue() string { return it.b.Name + " " + it.url }

func newSitesDialog(file *bookmarks.File, current *Target, width, height int) dialog {
	rows := &siteDelegate{}
	l := list.New(nil, rows, width, height)
	l.SetShowTitle(false)
	l.SetShowFilter(false) // drawn by the dialog, in its own line
	l.SetShowStatusBar(false)
	l.SetShowHelp(false)
	l.DisableQuitKeybindings()
	l.SetStatusBarItemName("bookmark", "bookmarks")
	km := list.DefaultKeyMap()
	km.PrevPage = key.NewBinding(key.WithKeys("left", "pgup"))
	km.NextPage = key.NewBinding(key.WithKeys("right", "pgdown"))
	km.ShowFullHelp, km.CloseFullHelp = key.NewBinding(), key.NewBinding()
	km.Quit, km.ForceQuit = key.NewBinding(), key.NewBinding()
	l.KeyMap = km
	l.FilterInput.Prompt = "/ "
	st := l.FilterInput.Styles()
	st.Cursor.Blink = false
	l.FilterInput.SetStyles(st)
	d := &sitesDialog{file: file, current: current, list: l, rows: rows}
	d.reload("")
	d.layout(width, height)
	return d
}

// reload reads the bookmarks into the list again, with the cursor on the
// one called name when it is there.
func (d *sitesDialog) reload(name string) tea.Cmd {
	all := d.file.All()
	items := make([]list.Item, len(all))
	d.rows.nameWidth = 0
	sel := 0
	for i, b := range all {
		it := siteItem{b: b, url: b.URL()}
		if err := b.Validate(); err != nil {
			it.problem = err.Error()
		}
		items[i] = it
		d.rows.nameWidth = max(d.rows.nameWidth, ansi.StringWidth(printable([]byte(b.Name))))
		if b.Name == name {
			sel = i
		}
	}
	d.list.ResetFilter()
	cmd := d.list.SetItems(items)
	d.list.Select(sel)
	return cmd
}

// layout sizes the list for a screen: as many rows as there are
// bookmarks, up to what fits, so the dialog does not jump as a filter
// hides some.
func (d *sitesDialog) layout(width, height int) int {
	w := min(max(width-8, 30), 100)
	rows := min(max(len(d.list.Items()), 1), max(height-12, 1))
	d.list.SetSize(w-4, rows+1) // and a line for the page dots
	return w
}

func (d *sitesDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	switch msg := msg.(type) {
	case siteSavedMsg:
		return d, d.saved(msg)
	case list.FilterMatchesMsg:
		var cmd tea.Cmd
		d.list, cmd = d.list.Update(msg)
		return d, cmd
	}
	if d.child != nil {
		var cmd tea.Cmd
		d.child, cmd = d.child.Update(msg)
		return d, cmd
	}
	k, ok := msg.(tea.KeyPressMsg)
	if ok && d.list.SettingFilter() && k.String() == "enter" {
		if it, ok := d.list.SelectedItem().(siteItem); ok {
			return nil, connectCmd(it.b.Name)
		}
	}
	if !ok || d.list.SettingFilter() {
		var cmd tea.Cmd
		d.list, cmd = d.list.Update(msg)
		return d, cmd
	}
	it, haveItem := d.list.SelectedItem().(siteItem)
	switch k.String() {
	case "esc", "q":
		if d.list.FilterState() == list.Unfiltered || k.String() == "q" {
			return nil, nil
		}
	case "enter":
		if haveItem {
			return nil, connectCmd(it.b.Name)
		}
		return d, nil
	case "a":
		if d.writable() {
			d.child = newSiteForm(d.file, "Add bookmark", "", bookmarks.Bookmark{}, "")
		}
		return d, nil
	case "e":
		if haveItem && d.writable() {
			d.child = newSiteForm(d.file, "Edit bookmark "+printable([]byte(it.b.Name)), it.b.Name, it.b, it.b.Password)
		}
		return d, nil
	case "d":
		if haveItem && d.writable() {
			b := it.b
			b.Name = uniqueName(d.file, b.Name+"-copy")
			d.child = newSiteForm(d.file, "Duplicate of "+printable([]byte(it.b.Name)), "", b, b.Password)
		}
		return d, nil
	case "x", "delete":
		if haveItem && d.writable() {
			d.child = d.confirmDelete(it)
		}
		return d, nil
	case "s":
		d.saveCurrent()
		return d, nil
	}
	var cmd tea.Cmd
	d.list, cmd = d.list.Update(msg)
	return d, cmd
}

func connectCmd(name string) tea.Cmd {
	return func() tea.Msg { return connectMsg{target: Target{Bookmark: name}} }
}

// writable says whether the file takes changes; when it does not, the
// reason is already at the top of the list and the note says so.
func (d *sitesDialog) writable() bool {
	if d.file.Err() != nil {
		d.note, d.noteErr = "bookmarks.toml has errors: fix it first; ferry will not write over it", true
		return false
	}
	return true
}

func (d *sitesDialog) confirmDelete(it siteItem) dialog {
	file, name := d.file, it.b.Name
	shown := printable([]byte(name))
	return &confirmDialog{
		title: fmt.Sprintf("Delete the bookmark %q?", shown),
		body: []string{
			printable([]byte(it.url)),
			"It is removed from bookmarks.toml, with any password saved in it.",
		},
		onYes: func() tea.Msg {
			return siteSavedMsg{what: fmt.Sprintf("deleted %q", shown), err: file.Delete(name)}
		},
	}
}

// saveCurrent opens the form on the connection shown now, as a new
// bookmark. A password in its URL is kept out of the file unless the
// user ticks the box.
func (d *sitesDialog) saveCurrent() {
	switch {
	case d.current == nil:
		d.note, d.noteErr = "not connected: nothing to save", true
	case d.current.URL == "":
		d.note, d.noteErr = "the connection is the bookmark "+printable([]byte(d.current.Bookmark))+" already", false
	case d.writable():
		b, password, err := bookmarkFromURL(d.current.URL)
		if err != nil {
			d.note, d.noteErr = err.Error(), true
			return
		}
		b.Name = uniqueName(d.file, b.Host)
		f := newSiteForm(d.file, "Save "+redactURL(d.current.URL)+" as a bookmark", "", b, password)
		f.savePass = false
		d.child = f
	}
}

// saved takes the outcome of a change: a failed save leaves the form
// open with its contents and the error; anything else goes back to the
// list.
func (d *sitesDialog) saved(msg siteSavedMsg) tea.Cmd {
	if f, ok := d.child.(*siteForm); ok && f.saving {
		f.saving = false
		if msg.err != nil {
			f.err = msg.err.Error()
			return nil
		}
		d.child = nil
	}
	if msg.err != nil {
		d.note, d.noteErr = msg.what+": "+msg.err.Error(), true
		return nil
	}
	d.note, d.noteErr = msg.what, false
	return d.reload(msg.name)
}

// uniqueName is name, or name-2, name-3… when a bookmark has it.
func uniqueName(file *bookmarks.File, name string) string {
	if name == "" {
		name = "site"
	}
	try := name
	for i := 2; ; i++ {
		if _, taken := file.Get(try); !taken {
			return try
		}
		try = fmt.Sprintf("%s-%d", name, i)
	}
}

// bookmarkFromURL reads a quick-connect URL (ftp://, ftpes:// or ftps://
// user@host:port/path) into a bookmark without a name, and returns the
// password the URL held separately, so that it is saved only on request.
// As on the command line, the path is relative to the login directory
// unless it starts with %2F.
func bookmarkFromURL(raw string) (bookmarks.Bookmark, string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return bookmarks.Bookmark{}, "", fmt.Errorf("cannot read %s: %v", redactURL(raw), err)
	}
	var b bookmarks.Bookmark
	switch strings.ToLower(u.Scheme) {
	case "ftp":
		b.TLS = config.TLSAuto
	case "ftpes":
		b.TLS = config.TLSExplicit
	case "ftps":
		b.TLS = config.TLSImplicit
	default:
		return b, "", fmt.Errorf("%s is not an ftp://, ftpes:// or ftps:// URL", redactURL(raw))
	}
	b.Host = u.Hostname()
	if p := u.Port(); p != "" {
		if b.Port, err = strconv.Atoi(p); err != nil {
			return b, "", fmt.Errorf("%s: bad port", redactURL(raw))
		}
	}
	var password string
	if u.User != nil {
		b.User = u.User.Username()
		password, _ = u.User.Password()
	}
	b.RemoteDir = strings.TrimPrefix(u.Path, "/")
	return b, password, nil
}

func (d *sitesDialog) View(s *Styles, width, height int) string {
	if d.child != nil {
		return d.child.View(s, width, height)
	}
	if d.themed != s {
		d.theme(s)
	}
	w := d.layout(width, height)
	inner := w - 4
	var b strings.Builder
	head := s.TitleActive.Render("Sites")
	count := s.Dim.Render(fmt.Sprintf("%d bookmark(s)", len(d.list.Items())))
	b.WriteString(head + strings.Repeat(" ", max(inner-lipgloss.Width(head)-lipgloss.Width(count), 1)) + count + "\n")
	if err := d.file.Err(); err != nil {
		b.WriteString(s.Error.Render(printable([]byte(err.Error()))) + "\n")
	}
	switch d.list.FilterState() {
	case list.Filtering:
		b.WriteString(d.list.FilterInput.View() + "\n")
	case list.FilterApplied:
		b.WriteString(s.Dim.Render("/ "+d.list.FilterValue()+"   (esc clears)") + "\n")
	default:
		b.WriteString(s.Dim.Render("/ to filter") + "\n")
	}
	b.WriteString(d.list.View() + "\n")
	if d.note != "" {
		note := printable([]byte(d.note))
		if d.noteErr {
			note = s.Error.Render(note)
		}
		b.WriteString(note + "\n")
	}
	hints := "enter connect   a add   e edit   d duplicate   x delete"
	if d.current != nil {
		hints += "   s save current connection"
	}
	b.WriteString(s.Dim.Render(hints) + "\n" + s.Dim.Render("/ filter   esc close"))
	return s.Dialog.Width(w).Render(b.String()) // long lines (a file's error) wrap
}

// theme gives the list the root's styles: built once per Styles, not on
// every frame.
func (d *sitesDialog) theme(s *Styles) {
	d.themed, d.rows.s = s, s
	st := list.DefaultStyles(true)
	st.NoItems = s.Dim
	st.PaginationStyle = lipgloss.NewStyle()
	st.ActivePaginationDot = s.TitleActive.SetString("•")
	st.InactivePaginationDot = s.Dim.SetString("•")
	d.list.Styles = st
	d.list.Paginator.ActiveDot = st.ActivePaginationDot.String()
	d.list.Paginator.InactiveDot = st.InactivePaginationDot.String()
}

// siteDelegate draws a bookmark as one line: its name, its URL (which
// holds no secret) and what is wrong with it, if anything.
type siteDelegate struct {
	s         *Styles
	nameWidth int
}

func (r *siteDelegate) Height() int                         { return 1 }
func (r *siteDelegate) Spacing() int                        { return 0 }
func (r *siteDelegate) Update(tea.Msg, *list.Model) tea.Cmd { return nil }

func (r *siteDelegate) Render(w io.Writer, m list.Model, index int, item list.Item) {
	it, ok := item.(siteItem)
	if !ok || r.s == nil {
		return
	}
	name := printable([]byte(it.b.Name))
	nameW := min(r.nameWidth, 28)
	name = ansi.Truncate(name, nameW, "…")
	name += strings.Repeat(" ", max(nameW-ansi.StringWidth(name), 0))
	line := name + "  " + printable([]byte(it.url))
	if it.b.Password != "" {
		line += "  (password saved)"
	}
	width := m.Width()
	selected := index == m.Index()
	if selected {
		line = ansi.Truncate("› "+line, width, "…")
		line += strings.Repeat(" ", max(width-ansi.StringWidth(line), 0))
		fmt.Fprint(w, r.s.Cursor.Render(line))
		return
	}
	line = "  " + line
	if it.problem != "" {
		line += "  " + r.s.Error.Render("⚠ "+printable([]byte(it.problem)))
	}
	fmt.Fprint(w, ansi.Truncate(line, width, "…"))
}

// Fields of the bookmark form, in the order Tab visits them.
const (
	fieldName = iota
	fieldHost
	fieldPort
	fieldUser
	fieldTLS
	fieldRemoteDir
	fieldLocalDir
	fieldParallel
	fieldPasswordCmd
	fieldSavePassword
	fieldPassword
	fieldCount
)

var fieldLabels = [fieldCount]string{
	"Name", "Host", "Port", "User", "TLS", "Remote dir", "Local dir",
	"Parallel", "password_cmd", "Save password", "Password",
}

// tlsModes are the choices of the TLS field, in the order space cycles
// through them.
var tlsModes = []config.TLSMode{config.TLSAuto, config.TLSExplicit, config.TLSImplicit, config.TLSOff}

// siteForm adds or edits a bookmark. Fields the form does not show
// (certificate pins, verify, active mode) are kept from the bookmark it
// started from. Saving writes the file in a command; a refusal is shown
// in the form and nothing typed is lost.
type siteForm struct {
	file     *bookmarks.File
	title    string
	orig     string             // the name of the bookmark edited; "" adds one
	base     bookmarks.Bookmark // where the fields the form does not show come from
	inputs   [fieldCount]textinput.Model
	tls      config.TLSMode
	savePass bool
	focus    int
	err      string
	saving   bool // a save is under way: keys wait for its outcome
}

func newSiteForm(file *bookmarks.File, title, orig string, b bookmarks.Bookmark, password string) *siteForm {
	f := &siteForm{file: file, title: title, orig: orig, base: b, tls: b.TLS, savePass: b.Password != ""}
	values := [fieldCount]string{
		fieldName: b.Name, fieldHost: b.Host, fieldUser: b.User, fieldRemoteDir: b.RemoteDir,
		fieldLocalDir: b.LocalDir, fieldPasswordCmd: b.PasswordCmd, fieldPassword: password,
	}
	if b.Port != 0 {
		values[fieldPort] = strconv.Itoa(b.Port)
	}
	if b.Parallel != 0 {
		values[fieldParallel] = strconv.Itoa(b.Parallel)
	}
	placeholders := [fieldCount]string{
		fieldPort: "21, or 990 for implicit TLS", fieldUser: "anonymous", fieldRemoteDir: "the login directory",
		fieldLocalDir: "the current directory", fieldParallel: "the setting in config.toml",
		fieldPasswordCmd: "a command that prints the password, e.g. pass show ftp/example",
	}
	for i := range f.inputs {
		ti := newTextInput("")
		ti.SetValue(values[i])
		ti.Placeholder = placeholders[i]
		f.inputs[i] = ti
	}
	f.inputs[fieldPassword].EchoMode = textinput.EchoPassword
	f.inputs[fieldName].Focus()
	return f
}

// visible reports whether a field is shown: the password only when it
// is to be saved.
func (f *siteForm) visible(field int) bool {
	return field != fieldPassword || f.savePass
}

// move focuses the next (or previous) shown field, wrapping around.
func (f *siteForm) move(step int) tea.Cmd {
	f.inputs[f.focus].Blur()
	for {
		f.focus = (f.focus + step + fieldCount) % fieldCount
		if f.visible(f.focus) {
			break
		}
	}
	if f.focus == fieldTLS || f.focus == fieldSavePassword {
		return nil
	}
	return f.inputs[f.focus].Focus()
}

func (f *siteForm) last() bool {
	return f.focus == fieldPassword || (f.focus == fieldSavePassword && !f.savePass)
}

func (f *siteForm) Update(msg tea.Msg) (dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if f.saving {
		return f, nil
	}
	if !ok {
		var cmd tea.Cmd
		f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
		return f, cmd
	}
	switch k.String() {
	case "esc":
		return nil, nil
	case "ctrl+s":
		return f, f.save()
	case "enter":
		if f.last() {
			return f, f.save()
		}
		return f, f.move(1)
	case "tab", "down":
		return f, f.move(1)
	case "shift+tab", "up":
		return f, f.move(-1)
	}
	switch f.focus {
	case fieldTLS:
		switch k.String() {
		case "space", "right":
			f.cycleTLS(1)
		case "left":
			f.cycleTLS(-1)
		}
		return f, nil
	case fieldSavePassword:
		if k.String() == "space" {
			f.savePass = !f.savePass
		}
		return f, nil
	}
	var cmd tea.Cmd
	f.inputs[f.focus], cmd = f.inputs[f.focus].Update(msg)
	return f, cmd
}

// cycleTLS picks the next TLS mode. A mode left unset in the file shows
// as auto, and stays unset until the user picks one.
func (f *siteForm) cycleTLS(step int) {
	i := 0
	for j, m := range tlsModes {
		if m == f.tls {
			i = j
		}
	}
	f.tls = tlsModes[(i+step+len(tlsModes))%len(tlsModes)]
}

// bookmark reads the form; only the numbers can be wrong here, the rest
// is for the file to judge.
func (f *siteForm) bookmark() (bookmarks.Bookmark, error) {
	b := f.base
	value := func(i int) string { return strings.TrimSpace(f.inputs[i].Value()) }
	number := func(i int) (int, error) {
		if value(i) == "" {
			return 0, nil
		}
		n, err := strconv.Atoi(value(i))
		if err != nil {
			return 0, fmt.Errorf("%s: %q is not a number", strings.ToLower(fieldLabels[i]), value(i))
		}
		return n, nil
	}
	var err error
	if b.Port, err = number(fieldPort); err != nil {
		return b, err
	}
	if b.Parallel, err = number(fieldParallel); err != nil {
		return b, err
	}
	b.Name, b.Host, b.User = value(fieldName), value(fieldHost), value(fieldUser)
	b.TLS = f.tls
	b.RemoteDir, b.LocalDir, b.PasswordCmd = value(fieldRemoteDir), value(fieldLocalDir), value(fieldPasswordCmd)
	b.Password = ""
	if f.savePass {
		b.Password = f.inputs[fieldPassword].Value()
	}
	return b, nil
}

// save writes the bookmark in a command; its siteSavedMsg goes to the
// site manager, which closes the form or shows the error in it.
func (f *siteForm) save() tea.Cmd {
	b, err := f.bookmark()
	if err != nil {
		f.err = err.Error()
		return nil
	}
	f.err, f.saving = "", true
	file, orig := f.file, f.orig
	return func() tea.Msg {
		if orig == "" {
			return siteSavedMsg{what: fmt.Sprintf("added %q", printable([]byte(b.Name))), name: b.Name, err: file.Add(b)}
		}
		return siteSavedMsg{what: fmt.Sprintf("saved %q", printable([]byte(b.Name))), name: b.Name, err: file.Update(orig, b)}
	}
}

func (f *siteForm) View(s *Styles, width, _ int) string {
	w := min(max(width-8, 40), 90)
	const labelW = 16
	inputW := max(w-4-labelW-1, 10)
	var b strings.Builder
	b.WriteString(s.TitleActive.Render(ansi.Truncate(f.title, w-4, "…")) + "\n")
	if err := f.file.Err(); err != nil {
		b.WriteString(s.Error.Render(printable([]byte(err.Error()))) + "\n")
	}
	b.WriteString("\n")
	for i := range fieldCount {
		if !f.visible(i) {
			continue
		}
		label := fmt.Sprintf("  %-*s", labelW-2, fieldLabels[i])
		if i == f.focus {
			label = s.TitleActive.Render(fmt.Sprintf("› %-*s", labelW-2, fieldLabels[i]))
		}
		var value string
		switch i {
		case fieldTLS:
			value = f.tlsView(s)
		case fieldSavePassword:
			value = checkbox(f.savePass) + " in bookmarks.toml"
		default:
			f.inputs[i].SetWidth(inputW - 1)
			value = f.inputs[i].View()
		}
		b.WriteString(label + " " + value + "\n")
		if i == fieldSavePassword {
			warn := "plain text in a 0600 file only you can read; password_cmd is safer"
			if f.savePass {
				warn = s.Warning.Render(warn)
			} else {
				warn = s.Dim.Render(warn)
			}
			b.WriteString(strings.Repeat(" ", labelW+1) + warn + "\n")
		}
	}
	if f.err != "" {
		b.WriteString("\n" + s.Error.Render(printable([]byte(f.err))) + "\n")
	}
	if f.saving {
		b.WriteString("\n" + s.Dim.Render("saving…") + "\n")
	}
	b.WriteString("\n" + s.Dim.Render("tab/↑↓ field   space/←→ change   ctrl+s save (or enter on the last field)   esc back"))
	return s.Dialog.Width(w).Render(b.String())
}

// tlsView shows the four modes with the chosen one marked, so that the
// choice is visible without colour.
func (f *siteForm) tlsView(s *Styles) string {
	parts := make([]string, len(tlsModes))
	for i, m := range tlsModes {
		if m == f.tls || (f.tls == config.TLSUnset && m == config.TLSAuto) {
			parts[i] = s.Selected.Render("[" + m.String() + "]")
		} else {
			parts[i] = s.Dim.Render(" " + m.String() + " ")
		}
	}
	return strings.Join(parts, " ")
}
