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
	"ferry/internal/safe"
)

// sitesDialog is the site manager: the bookmarks in a filterable list
// (bubbles/list, with its paging and filter keys trimmed so that the
// letters are free for the actions), a form over it to add or edit one,
// and a confirmation before a delete. Every change is written by the
// bookmarks.File in a command, whose siteSavedMsg comes back here.
type sitesDialog struct {
	file    *bookmarks.File
	current *Target // the connection shown now; nil when there is none
	dir     string  // the folder the remote pane shows, saved by "s"
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
	return d
}

// reload reads the bookmarks into the list again, with the cursor on the
// one called name when it is there, else where it was.
func (d *sitesDialog) reload(name string) tea.Cmd {
	all := d.file.All()
	items := make([]list.Item, len(all))
	d.rows.nameWidth = 0
	sel := min(d.list.GlobalIndex(), max(len(all)-1, 0))
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

// dialogWidth is the width of the site manager's boxes on a screen.
func dialogWidth(width, most int) int { return min(max(width-8, 30), most, max(width, 1)) }

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
		if d.dir != "" {
			b.RemoteDir = d.dir // where the user is now, not where the session started
		}
		f := newSiteForm(d.file, "Save "+safe.URL(d.current.URL)+" as a bookmark", "", b, password)
		f.store = bookmarks.DontSave
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
		return bookmarks.Bookmark{}, "", fmt.Errorf("cannot read %s as a URL", safe.URL(raw)) // url.Parse's message would quote the password
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
		return b, "", fmt.Errorf("%s is not an ftp://, ftpes:// or ftps:// URL", safe.URL(raw))
	}
	b.Host = u.Hostname()
	if p := u.Port(); p != "" {
		if b.Port, err = strconv.Atoi(p); err != nil {
			return b, "", fmt.Errorf("%s: bad port", safe.URL(raw))
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
	w := dialogWidth(width, 100)
	inner := w - 4
	head := s.TitleActive.Render("Sites")
	count := s.Dim.Render(fmt.Sprintf("%d bookmark(s)", len(d.list.Items())))
	top := []string{head + strings.Repeat(" ", max(inner-lipgloss.Width(head)-lipgloss.Width(count), 1)) + count}
	if err := d.file.Err(); err != nil {
		top = append(top, wrapText(s.Error, printable([]byte(err.Error())), inner))
	}
	switch d.list.FilterState() {
	case list.Filtering:
		d.list.FilterInput.SetWidth(max(inner-3, 1))
		top = append(top, d.list.FilterInput.View())
	case list.FilterApplied:
		top = append(top, s.Dim.Render(ansi.Truncate("/ "+printable([]byte(d.list.FilterValue()))+"   (esc clears)", inner, "…")))
	}
	var bottom []string
	if d.note != "" {
		style := s.Dim
		if d.noteErr {
			style = s.Error
		}
		bottom = append(bottom, wrapText(style, printable([]byte(d.note)), inner))
	}
	hints := []string{"enter connect", "/ filter", "a add", "e edit", "d duplicate", "x delete"}
	if d.current != nil {
		hints = append(hints, "s save current connection")
	}
	bottom = append(bottom, s.Dim.Render(wrapItems(append(hints, "esc close"), inner)))
	// The list gets what is left: a row a bookmark, and a line for the
	// page dots. A short screen gets the keys without their words.
	room := height - 2 - lineCount(top) - lineCount(bottom) - 1
	if room < min(len(d.list.Items()), 3) {
		bottom[len(bottom)-1] = s.Dim.Render(ansi.Truncate("keys: enter / a e d x s esc", inner, "…"))
		room = height - 2 - lineCount(top) - lineCount(bottom) - 1
	}
	rows := max(min(len(d.list.Items()), room), 1)
	// The list works out a page's rows from the page dots it drew last:
	// after an add it kept counting two lines of dots (and so one bookmark
	// a page) although all now fit. Size it as one page first, then
	// again with dots if they are needed after all.
	sel := d.list.GlobalIndex()
	d.list.Paginator.TotalPages = 1
	d.list.SetSize(inner, rows+1)
	if d.list.Paginator.TotalPages > 1 {
		d.list.SetSize(inner, rows+1)
	}
	d.list.Select(sel)
	body := strings.Join(top, "\n") + "\n" + d.list.View() + "\n" + strings.Join(bottom, "\n")
	return s.Dialog.Width(w).MaxHeight(max(height, 3)).Render(body)
}

// wrapText wraps text to width in style.
func wrapText(style lipgloss.Style, text string, width int) string {
	return style.Width(width).Render(text)
}

// wrapItems joins key hints with gaps, breaking lines between hints
// rather than inside one.
func wrapItems(items []string, width int) string {
	var lines []string
	line := ""
	for _, it := range items {
		switch {
		case line == "":
			line = it
		case ansi.StringWidth(line)+3+ansi.StringWidth(it) <= width:
			line += "   " + it
		default:
			lines = append(lines, line)
			line = it
		}
	}
	return strings.Join(append(lines, line), "\n")
}

func lineCount(blocks []string) int {
	n := 0
	for _, b := range blocks {
		n += strings.Count(b, "\n") + 1
	}
	return n
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
	problem := ""
	if it.problem != "" {
		problem = "  ⚠ " + printable([]byte(it.problem))
	}
	width := m.Width()
	if index == m.Index() {
		line = ansi.Truncate("› "+line+problem, width, "…")
		line += strings.Repeat(" ", max(width-ansi.StringWidth(line), 0))
		fmt.Fprint(w, r.s.Cursor.Render(line))
		return
	}
	fmt.Fprint(w, ansi.Truncate("  "+line+r.s.Error.Render(problem), width, "…"))
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
	fieldEncoding
	fieldPasswordCmd
	fieldSavePassword
	fieldPassword
	fieldCount
)

var fieldLabels = [fieldCount]string{
	"Name", "Host", "Port", "User", "TLS", "Remote dir", "Local dir",
	"Parallel", "Encoding", "password_cmd", "Save password", "Password",
}

// tlsModes are the choices of the TLS field, in the order space cycles
// through them.
var tlsModes = []config.TLSMode{config.TLSAuto, config.TLSExplicit, config.TLSImplicit, config.TLSOff}

// siteForm adds or edits a bookmark. Fields the form does not show
// (certificate pins, verify, active mode) are kept from the bookmark it
// started from. Saving writes the file in a command; a refusal is shown
// in the form and nothing typed is lost.
type siteForm struct {
	file   *bookmarks.File
	title  string
	orig   string             // the name of the bookmark edited; "" adds one
	base   bookmarks.Bookmark // where the fields the form does not show come from
	inputs [fieldCount]textinput.Model
	tls    config.TLSMode
	store  bookmarks.Storage // where a password goes: nowhere, the OS keyring, or the file
	focus  int
	err    string
	saving bool // a save is under way: keys wait for its outcome
}

func newSiteForm(file *bookmarks.File, title, orig string, b bookmarks.Bookmark, password string) *siteForm {
	f := &siteForm{file: file, title: title, orig: orig, base: b, tls: b.TLS, store: b.StorageOf()}
	values := [fieldCount]string{
		fieldName: b.Name, fieldHost: b.Host, fieldUser: b.User, fieldRemoteDir: b.RemoteDir,
		fieldLocalDir: b.LocalDir, fieldEncoding: b.Encoding, fieldPasswordCmd: b.PasswordCmd, fieldPassword: password,
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
		fieldEncoding:    "auto, or the charset of an older server: latin1, shift_jis, gbk, ...",
		fieldPasswordCmd: "a command that prints the password, e.g. pass show ftp/example",
	}
	for i := range f.inputs {
		ti := newTextInput("")
		ti.SetValue(values[i])
		ti.Placeholder = placeholders[i]
		f.inputs[i] = ti
	}
	f.inputs[fieldPassword].EchoMode = textinput.EchoPassword
	if b.Keyring != "" && password == "" {
		f.inputs[fieldPassword].Placeholder = "in the OS keyring; type to replace it"
	}
	if password != "" && password == b.Password {
		// A saved password is not put in the field: its stars would show
		// its length. Left empty, the saved one is kept.
		f.inputs[fieldPassword].SetValue("")
		f.inputs[fieldPassword].Placeholder = "saved; type to replace it"
	}
	f.inputs[fieldName].Focus()
	return f
}

// visible reports whether a field is shown: the password only when it
// is to be saved.
func (f *siteForm) visible(field int) bool {
	return field != fieldPassword || f.store != bookmarks.DontSave
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
	return f.focus == fieldPassword || (f.focus == fieldSavePassword && f.store == bookmarks.DontSave)
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
			f.store = f.store.Next()
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
	b.Encoding = value(fieldEncoding)
	b.Password = ""
	switch f.store {
	case bookmarks.SaveFile:
		b.Password, b.Keyring = f.inputs[fieldPassword].Value(), ""
		if b.Password == "" {
			// Kept: the field starts empty. A password in the keyring
			// stays there until one is typed for the file.
			b.Password, b.Keyring = f.base.Password, f.base.Keyring
		}
	case bookmarks.DontSave:
		b.Keyring = ""
	}
	// SaveKeyring: the typed password goes to the keyring when saving.
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
	file, orig, store, typed := f.file, f.orig, f.store, f.inputs[fieldPassword].Value()
	return func() tea.Msg {
		if store == bookmarks.SaveKeyring {
			var err error
			if b, err = file.PreparePassword(b, typed, store); err != nil {
				return siteSavedMsg{what: "saving the password", name: b.Name, err: err}
			}
		}
		if orig == "" {
			return siteSavedMsg{what: fmt.Sprintf("added %q", printable([]byte(b.Name))), name: b.Name, err: file.Add(b)}
		}
		return siteSavedMsg{what: fmt.Sprintf("saved %q", printable([]byte(b.Name))), name: b.Name, err: file.Update(orig, b)}
	}
}

func (f *siteForm) View(s *Styles, width, height int) string {
	w := dialogWidth(width, 90)
	inner := w - 4
	const labelW = 16
	inputW := max(inner-labelW-1, 8)
	top := []string{s.TitleActive.Render(ansi.Truncate(printable([]byte(f.title)), inner, "…"))}
	if err := f.file.Err(); err != nil {
		top = append(top, wrapText(s.Error, printable([]byte(err.Error())), inner))
	}
	var bottom []string
	if f.err != "" {
		bottom = append(bottom, wrapText(s.Error, printable([]byte(f.err)), inner))
	}
	if f.saving {
		bottom = append(bottom, s.Dim.Render("saving…"))
	}
	bottom = append(bottom, s.Dim.Render(wrapItems([]string{"tab/↑↓ field", "space/←→ change", "ctrl+s save (or enter on the last field)", "esc back"}, inner)))

	var fields []string
	focusLine := 0
	for i := range fieldCount {
		if !f.visible(i) {
			continue
		}
		label := fmt.Sprintf("  %-*s", labelW-2, fieldLabels[i])
		if i == f.focus {
			label = s.TitleActive.Render(fmt.Sprintf("› %-*s", labelW-2, fieldLabels[i]))
			focusLine = len(fields)
		}
		var value string
		switch i {
		case fieldTLS:
			value = f.tlsView(s, inputW)
		case fieldSavePassword:
			value = "‹ " + f.store.String() + " ›"
		default:
			f.inputs[i].SetWidth(inputW - 1)
			value = f.inputs[i].View()
		}
		fields = append(fields, ansi.Truncate(label+" "+value, inner, "…"))
		if i == fieldSavePassword {
			style, note := s.Dim, "space changes it; the keyring keeps it out of bookmarks.toml"
			if f.store == bookmarks.SaveFile {
				style, note = s.Warning, "plain text in a 0600 file only you can read; the keyring or password_cmd is safer"
			}
			warn := wrapText(style, note, inputW)
			for line := range strings.Lines(warn) {
				fields = append(fields, strings.Repeat(" ", labelW+1)+strings.TrimSuffix(line, "\n"))
			}
		}
	}
	// On a short screen the fields scroll with the focus; on a tall one
	// blank lines set off the title and the hints.
	room := height - 2 - lineCount(top) - lineCount(bottom)
	if room < 6 {
		bottom[len(bottom)-1] = s.Dim.Render(ansi.Truncate("tab  ctrl+s save  esc", inner, "…"))
		room = height - 2 - lineCount(top) - lineCount(bottom)
	}
	room = max(room, 1)
	switch {
	case room >= len(fields)+2:
		top, bottom = append(top, ""), append([]string{""}, bottom...)
	case room < len(fields):
		start := min(max(focusLine-room/2, 0), len(fields)-room)
		fields = fields[start : start+room]
	}
	body := strings.Join(top, "\n") + "\n" + strings.Join(fields, "\n") + "\n" + strings.Join(bottom, "\n")
	return s.Dialog.Width(w).MaxHeight(max(height, 3)).Render(body)
}

// tlsView shows the four modes with the chosen one marked, so that the
// choice is visible without colour.
func (f *siteForm) tlsView(s *Styles, width int) string {
	parts := make([]string, len(tlsModes))
	chosen := ""
	for i, m := range tlsModes {
		if m == f.tls || (f.tls == config.TLSUnset && m == config.TLSAuto) {
			chosen = "[" + m.String() + "]"
			parts[i] = s.Selected.Render(chosen)
		} else {
			parts[i] = s.Dim.Render(" " + m.String() + " ")
		}
	}
	if all := strings.Join(parts, " "); lipgloss.Width(all) <= width {
		return all
	}
	return s.Selected.Render(chosen) // too narrow for all four
}
