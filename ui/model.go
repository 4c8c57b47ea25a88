// Package ui is ferry's full-screen interface: the Bubble Tea root model
// that composes the two panes, dialogs, the status line, the key hints
// and the log panel, and routes messages between them. File-system and
// network work runs in commands; results come back as messages, so a slow
// server never freezes a keystroke.
package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/bookmarks"
	"ferry/internal/safe"
	"ferry/panes"
	"ferry/protocol"
	"ferry/protocol/listing"
	"ferry/themes"
	"ferry/transfers"
	"ferry/trust"
)

// ErrNeedPassword is what a ConnectFunc returns when it found no password;
// the UI then asks for one and calls again.
var ErrNeedPassword = errors.New("password needed")

// ConnectFunc connects to a target and returns its file system. password
// is what the user typed after ErrNeedPassword, else "". The conversation
// goes to log, password masked. Failures should be *DialError so that a
// refused certificate can be shown to the user.
type ConnectFunc func(ctx context.Context, t Target, password string, log io.Writer) (RemoteFS, error)

// RemoteFS is a server's file system as the UI uses it: a pane's file
// system that also reports its connection state. *panes.Remote is one.
type RemoteFS interface {
	panes.FS
	State() panes.RemoteState
	Close()
}

// Config is what the UI starts with.
type Config struct {
	Local      panes.FS    // nil for the machine's own file system
	LocalDir   string      // "" for the working directory
	Start      Target      // server to connect at start; empty asks for one
	Connect    ConnectFunc // required
	ShowHidden bool
	Editor     string    // "" for $EDITOR, else vi
	LogFile    io.Writer // --debug: a copy of the conversation
	IsDark     bool
	Theme      themes.Theme    // the zero value means themes.Default()
	Trust      *trust.Store    // known certificates; nil offers "trust once" only
	Bookmarks  *bookmarks.File // the site manager's bookmarks; nil hides it
	// Queue runs copies and moves between the local pane and a server in
	// the background; its Dial gets SiteOf(target) as the site. Without
	// one, transfers run directly over the browsing connection.
	Queue *transfers.Queue
	// Saved are jobs an earlier run left unfinished; the UI offers to
	// resume them.
	Saved []transfers.Saved

	Sort            panes.SortKey       // the panes' first order
	NoConfirmDelete bool                // delete without asking
	Keys            map[string][]string // config.toml's [keys]: action -> keys
	// History is the quick-connect history file; "" keeps it in memory.
	History string
}

const (
	localPane  = 0
	remotePane = 1
)

// Model is the root model.
type Model struct {
	cfg    Config
	keys   KeyMap
	styles Styles
	help   help.Model
	spin   spinner.Model

	width, height int
	panes         [2]*paneView
	active        int
	dialog        dialog

	remote       RemoteFS
	remoteTarget Target
	running      int // transfers in the background

	spinning bool // a spinner tick is pending

	status      string
	statusIsErr bool
	lastReply   string

	log     *logPanel
	showLog bool

	queue      *queuePanel // nil without a Config.Queue
	moveAsked  bool        // the move's destination was just confirmed
	queueAdded bool        // jobs were added since the last queue snapshot
	// moves holds the queue jobs of moves: when a job and everything it
	// expanded into are done, its source is removed.
	moves map[transfers.ID]moveSource

	history *history // quick-connect URLs, walked with up and down

	sync syncState // compare view and synchronized browsing (compare.go)
}

// moveSource is what a finished move removes.
type moveSource struct {
	fs    panes.FS
	path  string
	entry listing.Entry
	pane  int
}

// New builds the root model.
func New(cfg Config) *Model {
	if cfg.Editor == "" {
		cfg.Editor = os.Getenv("EDITOR")
	}
	if cfg.Editor == "" {
		cfg.Editor = "vi"
	}
	m := &Model{
		cfg:    cfg,
		keys:   DefaultKeyMap(),
		styles: NewStyles(theme(cfg).Palette(cfg.IsDark)),
		help:   help.New(),
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		log:    newLogPanel(cfg.LogFile),
		width:  80, height: 24,
	}
	m.history = loadHistory(cfg.History)
	for i := range m.panes {
		m.panes[i] = newPaneView(&m.keys, cfg.ShowHidden)
		m.panes[i].model.SetSort(cfg.Sort, false)
	}
	if errs := m.keys.Rebind(cfg.Keys); len(errs) > 0 {
		m.setStatus(errors.Join(errs...).Error(), true)
	}
	if cfg.Queue != nil {
		m.queue = newQueuePanel(cfg.Queue, &m.styles)
		m.moves = map[transfers.ID]moveSource{}
	}
	m.panes[localPane].fs = cfg.Local
	if cfg.Local == nil {
		m.panes[localPane].fs = panes.Local{}
	}
	if cfg.Start.set() {
		m.active = remotePane
	}
	m.layout()
	return m
}

func theme(cfg Config) themes.Theme {
	if cfg.Theme.Name == "" {
		return themes.Default()
	}
	return cfg.Theme
}

// Init lists the local directory and connects or asks where to.
func (m *Model) Init() tea.Cmd {
	dir := m.cfg.LocalDir
	if dir == "" {
		dir, _ = m.panes[localPane].fs.Home(context.Background())
	}
	cmds := []tea.Cmd{m.load(localPane, dir, ""), m.log.listen(), m.queue.listen()}
	switch {
	case len(m.cfg.Saved) > 0 && m.queue != nil:
		saved, q := m.cfg.Saved, m.queue.q
		m.dialog = &confirmDialog{title: "Resume transfers?", body: []string{
			fmt.Sprintf("%d transfer(s) from the last session did not finish.", len(saved)),
			"Partial downloads continue from their .part files.",
		}, onYes: func() tea.Msg { q.Restore(saved); return nil }}
		if m.cfg.Start.set() {
			cmds = append(cmds, m.connect(m.cfg.Start, ""))
		}
	case m.cfg.Start.set():
		cmds = append(cmds, m.connect(m.cfg.Start, ""))
	case m.cfg.Bookmarks != nil && len(m.cfg.Bookmarks.All()) > 0:
		m.dialog = m.siteManager()
	default:
		m.dialog = m.quickConnect()
	}
	return tea.Batch(cmds...)
}

// quickConnect asks for a URL. The prompt starts empty, so what the user
// types is never appended to an earlier URL (and its password); the
// URLs connected to before, without passwords, are one ↑ away.
func (m *Model) quickConnect() dialog {
	return newPrompt("Connect to", "ftp://user@host/path   ftpes:// explicit TLS   ftps:// implicit TLS   (esc: stay local)",
		"", false, func(url string) tea.Cmd {
			if strings.TrimSpace(url) == "" {
				return nil
			}
			return m.connect(Target{URL: strings.TrimSpace(url)}, "")
		}).withHistory(m.history)
}

// siteManager opens the bookmarks list. The connection shown now can be
// saved from it as a new bookmark.
func (m *Model) siteManager() dialog {
	var current *Target
	if m.remote != nil {
		current = &m.remoteTarget
	}
	return newSitesDialog(m.cfg.Bookmarks, current, m.width, m.height)
}

func (m *Model) connect(t Target, password string) tea.Cmd {
	m.setStatus("connecting to "+t.String()+"…", false)
	m.panes[remotePane].loading = true
	w := m.log.writer()
	connect := m.cfg.Connect
	return tea.Batch(m.startSpinner(), func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		r, err := connect(ctx, t, password, w)
		return connectedMsg{target: t, remote: r, err: err}
	})
}

// startSpinner starts the spinner unless it runs already. It runs only
// while something is loading, so an idle screen is never redrawn.
func (m *Model) startSpinner() tea.Cmd {
	if m.spinning {
		return nil
	}
	m.spinning = true
	return m.spin.Tick
}

func (m *Model) busy() bool {
	return m.panes[0].loading || m.panes[1].loading || m.running > 0
}

// load starts listing dir in a pane.
func (m *Model) load(pane int, dir, focus string) tea.Cmd {
	v := m.panes[pane]
	if v.fs == nil {
		return nil
	}
	v.gen++
	v.loading = true
	return tea.Batch(m.startSpinner(), listCmd(v.fs, pane, v.gen, dir, focus))
}

// refresh reloads a pane, keeping the cursor on its entry.
func (m *Model) refresh(pane int) tea.Cmd {
	v := m.panes[pane]
	focus := ""
	if e := v.model.Current(); e != nil {
		focus = e.RawName
	}
	return m.load(pane, v.model.Dir(), focus)
}

// Update routes a message: global messages first, keys to the open dialog
// or else to the key handler, results to the pane they belong to.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.layout()
		return m, nil
	case spinner.TickMsg:
		if !m.busy() {
			m.spinning = false
			return m, nil
		}
		var cmd tea.Cmd
		m.spin, cmd = m.spin.Update(msg)
		return m, cmd
	case logMsg:
		m.log.append(msg) // escapes msg's lines in place
		for i := len(msg) - 1; i >= 0; i-- {
			if reply, ok := strings.CutPrefix(msg[i], protocol.LogReceived); ok && len(reply) > 3 {
				m.lastReply = reply
				break
			}
		}
		return m, m.log.listen()
	case listedMsg:
		return m, m.listed(msg)
	case connectedMsg:
		return m, m.connected(msg)
	case connectMsg:
		return m, m.connect(msg.target, "")
	case connectWithPasswordMsg:
		return m, m.connect(msg.target, msg.password)
	case opDoneMsg:
		return m, m.opDone(msg)
	case queueMsg:
		return m, m.queueChanged(msg.snap)
	case openDialogMsg:
		m.dialog = msg.d
		return m, nil
	case enqueueMsg:
		m.enqueueConfirmed(msg)
		return m, nil
	case syncRanMsg:
		return m, m.syncRan(msg)
	case startTransferMsg:
		m.running++
		m.setStatus("transferring…", false)
		return m, tea.Batch(msg.cmd, m.startSpinner())
	case viewLoadedMsg:
		if msg.err != nil {
			m.setStatus("view "+msg.title+": "+msg.err.Error(), true)
			return m, nil
		}
		m.dialog = newViewer(msg.title, msg.text, m.width, m.height)
		return m, nil
	case editReadyMsg:
		if msg.err != nil {
			m.setStatus("edit: "+msg.err.Error(), true)
			return m, nil
		}
		return m, editCmd(m.panes[msg.pane].fs, msg, m.cfg.Editor, []int{msg.pane})
	case tea.KeyPressMsg:
		if m.dialog != nil {
			var cmd tea.Cmd
			m.dialog, cmd = m.dialog.Update(msg)
			return m, cmd
		}
		return m.handleKey(msg)
	}
	if m.dialog != nil {
		var cmd tea.Cmd
		m.dialog, cmd = m.dialog.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) listed(msg listedMsg) tea.Cmd {
	v := m.panes[msg.pane]
	if msg.gen != v.gen {
		return nil // an older listing that a newer request replaced
	}
	v.loading = false
	if msg.err != nil {
		v.err = msg.err
		if v.model.Dir() == "" {
			v.model.SetListing(msg.dir, nil, "")
		}
		m.setStatus(msg.err.Error(), true)
		return nil
	}
	v.err = nil
	v.model.SetListing(msg.dir, msg.entries, msg.focus)
	m.updateMarks()
	return nil
}

func (m *Model) connected(msg connectedMsg) tea.Cmd {
	v := m.panes[remotePane]
	v.loading = false
	if errors.Is(msg.err, ErrNeedPassword) {
		if msg.err != ErrNeedPassword { // it says why no stored password served
			m.setStatus(msg.err.Error(), true)
		}
		m.dialog = newPasswordDialog(msg.target, m.cfg.Bookmarks)
		return nil
	}
	if p, ok := certProblem(msg.err); ok {
		m.setStatus("connect: the server's certificate is not trusted", true)
		m.dialog = newTrustDialog(p, msg.target, m.cfg.Trust)
		return nil
	}
	if msg.err != nil {
		m.setStatus("connect: "+msg.err.Error(), true)
		return nil
	}
	if m.remote != nil {
		old := m.remote
		go old.Close()
	}
	m.remote, m.remoteTarget = msg.remote, msg.target
	v.fs = msg.remote
	sortKey, reverse := v.model.Sort()
	v.model = panes.New(v.model.ShowHidden())
	v.model.SetSort(sortKey, reverse)
	v.model.SetHeight(v.rows())
	m.active = remotePane
	m.setStatus("connected to "+msg.target.String(), false)
	home, _ := msg.remote.Home(context.Background())
	cmds := []tea.Cmd{m.load(remotePane, home, ""), rememberCmd(m.history, msg.target.URL)}
	if ls, ok := msg.remote.(interface{ LocalStart() string }); ok && ls.LocalStart() != "" {
		// A bookmark names the local folder to work in.
		cmds = append(cmds, m.load(localPane, ls.LocalStart(), ""))
	}
	return tea.Batch(cmds...)
}

func (m *Model) opDone(msg opDoneMsg) tea.Cmd {
	if msg.running {
		m.running--
	}
	if msg.err != nil {
		m.setStatus(msg.what+": "+msg.err.Error(), true)
	} else {
		m.setStatus(msg.what, false)
	}
	var cmds []tea.Cmd
	for _, p := range msg.refresh {
		cmds = append(cmds, m.refresh(p))
	}
	return tea.Batch(cmds...)
}

// setStatus shows s on the status line, on one line and escaped
// (safe.Line): messages carry server replies and file names.
func (m *Model) setStatus(s string, isErr bool) {
	m.status, m.statusIsErr = safe.Line(strings.ReplaceAll(s, "\n", " ")), isErr
}

// handleKey acts on a key when no dialog is open.
func (m *Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	v := m.panes[m.active]
	if v.filtering {
		return m, v.Update(msg) // the filter line takes every key
	}
	k := m.keys
	if m.queue != nil && key.Matches(msg, k.Queue) {
		m.queue.shown = !m.queue.focused || !m.queue.shown
		m.queue.focused = m.queue.shown
		m.layout()
		return m, nil
	}
	if m.queue != nil && m.queue.focused && m.queue.visible() && !key.Matches(msg, k.Quit, k.Help, k.Log) {
		return m, m.queue.Update(msg)
	}
	p := v.model
	switch {
	case key.Matches(msg, k.Quit):
		if n := m.running + m.queuedWork(); n > 0 {
			m.dialog = &confirmDialog{title: "Quit?", body: []string{fmt.Sprintf("%d transfer(s) still running or queued will be interrupted;", n), "interrupted downloads resume from their .part files next time."}, onYes: m.quit()}
			return m, nil
		}
		return m, m.quit()
	case key.Matches(msg, k.SwitchPane):
		m.active = 1 - m.active
	case key.Matches(msg, k.Open):
		if e := p.Current(); e != nil && e.Kind == listing.Dir && !e.Unsafe() && v.fs != nil {
			return m, tea.Batch(m.open(v), m.browseInto(e.RawName))
		}
		return m, m.open(v)
	case key.Matches(msg, k.Parent):
		if v.fs != nil && v.fs.Parent(p.Dir()) != p.Dir() {
			return m, tea.Batch(m.parent(v), m.browseUp())
		}
		return m, m.parent(v)
	case key.Matches(msg, k.Compare):
		m.toggleCompare()
	case key.Matches(msg, k.SelectDiffering):
		m.selectDiffering()
	case key.Matches(msg, k.SyncBrowse):
		m.toggleBrowse()
	case key.Matches(msg, k.Sync):
		return m, m.openSyncDialog()
	case key.Matches(msg, k.SelectGlob), key.Matches(msg, k.UnselectGlob):
		on := key.Matches(msg, k.SelectGlob)
		title := "Select files matching"
		if !on {
			title = "Unselect files matching"
		}
		m.dialog = newPrompt(title, "a shell pattern such as *.txt", "*", false, func(pat string) tea.Cmd {
			if n, err := p.SelectGlob(pat, on); err != nil {
				m.setStatus("bad pattern: "+err.Error(), true)
			} else {
				m.setStatus(fmt.Sprintf("%d matched %q", n, pat), false)
			}
			return nil
		})
	case key.Matches(msg, k.Refresh):
		return m, m.refresh(m.active)
	case key.Matches(msg, k.GoTo):
		if v.fs != nil {
			m.dialog = newPrompt("Go to directory", "", p.Dir(), false, func(dir string) tea.Cmd {
				return m.load(m.active, m.absolute(v, dir), "")
			})
		}
	case key.Matches(msg, k.Log):
		m.showLog = !m.showLog
		m.layout()
	case key.Matches(msg, k.Connect):
		m.dialog = m.quickConnect()
	case key.Matches(msg, k.Sites):
		if m.cfg.Bookmarks != nil {
			m.dialog = m.siteManager()
		}
	case key.Matches(msg, k.Help):
		m.dialog = &helpDialog{keys: m.keys, help: m.help}
	case key.Matches(msg, k.View):
		return m, m.view(v)
	case key.Matches(msg, k.Edit):
		if e := p.Current(); e != nil && e.Kind == listing.File && v.fs != nil {
			return m, fetchForEdit(v.fs, m.active, v.fs.Join(p.Dir(), e.RawName), e.RawName)
		}
	case key.Matches(msg, k.Copy):
		return m, m.transfer(false)
	case key.Matches(msg, k.Move):
		return m, m.transfer(true)
	case key.Matches(msg, k.Rename):
		m.rename(v)
	case key.Matches(msg, k.Mkdir):
		if v.fs != nil {
			m.dialog = newPrompt("Make directory in "+p.Dir(), "", "", false, func(name string) tea.Cmd {
				if !validName(name) {
					m.setStatus(fmt.Sprintf("%q is not a valid name", name), true)
					return nil
				}
				path := v.fs.Join(p.Dir(), name)
				pane := m.active
				return tea.Sequence(opCmd("created "+name, nil, func(ctx context.Context) error { return v.fs.Mkdir(ctx, path) }),
					m.load(pane, p.Dir(), name))
			})
		}
	case key.Matches(msg, k.Chmod):
		m.chmod(v)
	case key.Matches(msg, k.Delete):
		return m, m.delete(v)
	case m.showLog && key.Matches(msg, logKeys.ScrollUp, logKeys.ScrollDown):
		return m, m.log.Update(msg)
	default:
		return m, v.Update(msg) // movement, selection, sort, filter
	}
	return m, nil
}

func (m *Model) quit() tea.Cmd {
	remote := m.remote
	return func() tea.Msg {
		if remote != nil {
			remote.Close()
		}
		return tea.Quit()
	}
}

// absolute resolves a typed path against the pane's directory.
func (m *Model) absolute(v *paneView, p string) string {
	if _, ok := v.fs.(panes.Local); ok {
		if strings.HasPrefix(p, "~") {
			if home, err := os.UserHomeDir(); err == nil {
				p = home + p[1:]
			}
		}
		if !filepath.IsAbs(p) {
			p = filepath.Join(v.model.Dir(), p)
		}
		return filepath.Clean(p)
	}
	if !strings.HasPrefix(p, "/") {
		p = v.fs.Join(v.model.Dir(), p)
	}
	return v.fs.Join("/", p)
}

func (m *Model) open(v *paneView) tea.Cmd {
	e := v.model.Current()
	if e == nil || v.fs == nil {
		return nil
	}
	switch e.Kind {
	case listing.Dir, listing.Symlink:
		if e.Unjoinable() { // a name that is only Unsafe can still be browsed
			m.setStatus(fmt.Sprintf(`"%s" is not a name that can be entered`, e.Name), true)
			return nil
		}
		return m.load(m.active, v.fs.Join(v.model.Dir(), e.RawName), "")
	case listing.File:
		return m.view(v)
	}
	return nil
}

func (m *Model) parent(v *paneView) tea.Cmd {
	if v.fs == nil {
		return nil
	}
	dir := v.model.Dir()
	up := v.fs.Parent(dir)
	if up == dir {
		return nil
	}
	return m.load(m.active, up, baseName(dir))
}

func baseName(p string) string {
	p = strings.TrimRight(p, "/")
	if i := strings.LastIndexAny(p, "/"+string(filepath.Separator)); i >= 0 {
		return p[i+1:]
	}
	return p
}

func (m *Model) view(v *paneView) tea.Cmd {
	e := v.model.Current()
	if e == nil || v.fs == nil || e.Kind != listing.File {
		return nil
	}
	return viewCmd(v.fs, v.fs.Join(v.model.Dir(), e.RawName), e.Name)
}

// transfer copies or moves the selection to the other pane's directory;
// a move within one pane is a rename, offered by the rename key.
func (m *Model) transfer(move bool) tea.Cmd {
	src, dst := m.panes[m.active], m.panes[1-m.active]
	if move && src.fs != nil && (dst.fs == nil || dst.model.Dir() == "") {
		return m.moveWithin(src) // nowhere else to go: a rename here
	}
	if src.fs == nil || dst.fs == nil {
		m.setStatus("connect to a server first (ctrl+o)", true)
		return nil
	}
	if move && !m.moveAsked {
		return m.askMoveTarget(src, dst)
	}
	entries := src.model.Selection()
	if len(entries) == 0 {
		return nil
	}
	for _, e := range entries {
		if e.Unsafe() {
			m.setStatus(fmt.Sprintf(`"%s" has an unsafe name (a path, or control or bidi characters) and is not transferred`, e.Name), true)
			return nil
		}
	}
	verb := "Copy"
	if move {
		verb = "Move"
	}
	srcDir, dstDir := src.model.Dir(), dst.model.Dir()
	if m.queue != nil && m.remote != nil && (src.fs == FS(m.remote)) != (dst.fs == FS(m.remote)) {
		return m.enqueue(move, src, dst, entries)
	}
	body := []string{fmt.Sprintf("%d item(s) to %s:", len(entries), dst.title())}
	for _, e := range entries {
		body = append(body, "  "+e.Name)
	}
	refresh := []int{1 - m.active}
	if move {
		refresh = append(refresh, m.active)
	}
	src.model.ClearSelection()
	return m.confirm(verb+"?", body, func() tea.Msg {
		return startTransferMsg{cmd: transferCmd(move, src.fs, srcDir, entries, dst.fs, dstDir, refresh)}
	})
}

// confirm asks before a transfer, unless the user just confirmed its
// destination in the move prompt.
func (m *Model) confirm(title string, body []string, onYes tea.Cmd) tea.Cmd {
	if m.moveAsked {
		m.moveAsked = false
		return onYes
	}
	m.dialog = &confirmDialog{title: title, body: body, onYes: onYes}
	return nil
}

// askMoveTarget asks where a move goes, as Midnight Commander does: the
// other pane's directory as offered moves there; another path moves (a
// rename) within this pane.
func (m *Model) askMoveTarget(src, dst *paneView) tea.Cmd {
	entries := src.model.Selection()
	if len(entries) == 0 {
		return nil
	}
	offer := dst.model.Dir()
	title := fmt.Sprintf("Move %d item(s) to", len(entries))
	return m.openPrompt(title, "as offered: the other pane; another path: a rename in this pane", offer, func(to string) tea.Cmd {
		if to == offer {
			m.moveAsked = true
			return m.transfer(true)
		}
		return m.renameTo(src, entries, to)
	})
}

// moveWithin asks for a new path in the same pane.
func (m *Model) moveWithin(src *paneView) tea.Cmd {
	entries := src.model.Selection()
	if len(entries) == 0 {
		return nil
	}
	return m.openPrompt(fmt.Sprintf("Move %d item(s) to", len(entries)), "a path in this pane", src.model.Dir(), func(to string) tea.Cmd {
		return m.renameTo(src, entries, to)
	})
}

func (m *Model) openPrompt(title, hint, value string, onSubmit func(string) tea.Cmd) tea.Cmd {
	m.dialog = newPrompt(title, hint, value, false, onSubmit)
	return nil
}

// renameTo moves entries within one pane's file system: into to when it
// names a directory (ends in "/", or several entries move), else to it.
func (m *Model) renameTo(v *paneView, entries []listing.Entry, to string) tea.Cmd {
	if strings.TrimSpace(to) == "" {
		return nil
	}
	target := m.absolute(v, to)
	intoDir := strings.HasSuffix(to, "/") || len(entries) > 1
	dir, pane := v.model.Dir(), m.active
	return opCmd(fmt.Sprintf("moved %d item(s) to %s", len(entries), target), []int{pane, 1 - pane}, func(ctx context.Context) error {
		for i, e := range entries {
			dest := target
			if intoDir {
				dest = v.fs.Join(target, e.RawName)
			}
			if err := v.fs.Rename(ctx, v.fs.Join(dir, e.RawName), dest); err != nil {
				return fmt.Errorf("moved %d of %d; %s: %w", i, len(entries), e.Name, err)
			}
		}
		return nil
	})
}

// startTransferMsg asks the root to count and run a transfer.
type startTransferMsg struct{ cmd tea.Cmd }

func (m *Model) rename(v *paneView) {
	e := v.model.Current()
	if e == nil || v.fs == nil {
		return
	}
	old := *e
	dir := v.model.Dir()
	pane := m.active
	m.dialog = newPrompt("Rename "+old.Name, "", old.Name, false, func(name string) tea.Cmd {
		if name == old.Name || name == "" {
			return nil
		}
		if !validName(name) {
			m.setStatus(fmt.Sprintf("%q is not a valid name", name), true)
			return nil
		}
		from, to := v.fs.Join(dir, old.RawName), v.fs.Join(dir, name)
		return tea.Sequence(
			opCmd("renamed "+old.Name+" to "+name, nil, func(ctx context.Context) error { return v.fs.Rename(ctx, from, to) }),
			m.load(pane, dir, name))
	})
}

func (m *Model) chmod(v *paneView) {
	entries := v.model.Selection()
	if len(entries) == 0 || v.fs == nil {
		return
	}
	current := "644"
	if e := entries[0]; e.HasMode {
		current = fmt.Sprintf("%03o", e.Mode.Perm())
	}
	dir := v.model.Dir()
	pane := m.active
	m.dialog = newPrompt(fmt.Sprintf("Permissions of %d item(s)", len(entries)), "octal (644) or letters (rw-r--r--); add -R for directories' contents", current, false, func(s string) tea.Cmd {
		mode, recursive, err := parseMode(s)
		if err != nil {
			m.setStatus(err.Error(), true)
			return nil
		}
		return opCmd(fmt.Sprintf("permissions set to %03o", mode), []int{pane}, func(ctx context.Context) error {
			for _, e := range entries {
				if err := panes.Chmod(ctx, v.fs, v.fs.Join(dir, e.RawName), e, mode, recursive); err != nil {
					return fmt.Errorf("%s: %w", e.Name, err)
				}
			}
			return nil
		})
	})
}

func (m *Model) delete(v *paneView) tea.Cmd {
	entries := v.model.Selection()
	if len(entries) == 0 || v.fs == nil {
		return nil
	}
	dir := v.model.Dir()
	pane := m.active
	body := []string{"This deletes, from " + v.title() + ":"}
	for _, e := range entries {
		line := "  " + e.Name
		if e.Kind == listing.Dir {
			line += "/  (and everything in it)"
		}
		body = append(body, line)
	}
	remove := opCmd(fmt.Sprintf("deleted %d item(s)", len(entries)), []int{pane}, func(ctx context.Context) error {
		for i, e := range entries {
			if err := panes.RemoveAll(ctx, v.fs, v.fs.Join(dir, e.RawName), e); err != nil {
				return fmt.Errorf("deleted %d of %d; %w", i, len(entries), err)
			}
		}
		return nil
	})
	v.model.ClearSelection()
	if m.cfg.NoConfirmDelete {
		return remove
	}
	m.dialog = &confirmDialog{title: fmt.Sprintf("Delete %d item(s)?", len(entries)), body: body, onYes: remove}
	return nil
}

// validName accepts a single path element.
func validName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, "/\\\x00\r\n")
}

// layout sizes the children for the window.
func (m *Model) layout() {
	h := m.height - 2 // status and key hints
	if m.queue.visible() {
		qh := min(8, max(h/4, 3))
		m.queue.SetSize(m.width, qh)
		h -= qh
	}
	if m.showLog {
		logH := min(10, max(h/3, 3))
		m.log.SetSize(m.width, logH)
		h -= logH
	}
	h = max(h, 4)
	if m.wide() {
		left := m.width / 2
		m.panes[0].SetSize(left, h)
		m.panes[1].SetSize(m.width-left, h)
	} else {
		m.panes[0].SetSize(m.width, h)
		m.panes[1].SetSize(m.width, h)
	}
	m.help.SetWidth(m.width)
}

// focusedKeys is the key map of whatever has the focus, for the hint line.
func (m *Model) focusedKeys() help.KeyMap {
	if m.queue != nil && m.queue.focused && m.queue.visible() {
		return m.queue
	}
	return m.panes[m.active]
}

// wide reports whether both panes fit side by side.
func (m *Model) wide() bool { return m.width >= 80 }

// View draws the screen.
func (m *Model) View() tea.View {
	var body string
	spin := m.spin.View()
	if m.wide() {
		body = lipgloss.JoinHorizontal(lipgloss.Top,
			m.panes[0].View(&m.styles, m.active == 0, spin, ""),
			m.panes[1].View(&m.styles, m.active == 1, spin, ""))
	} else {
		tag := [2]string{"[local ⇄]", "[remote ⇄]"}[m.active]
		body = m.panes[m.active].View(&m.styles, true, spin, tag)
	}
	parts := []string{body}
	if m.queue.visible() {
		parts = append(parts, m.queue.View(&m.styles))
	}
	if m.showLog {
		parts = append(parts, m.log.View(&m.styles))
	}
	parts = append(parts, m.statusLine(), ansi.Truncate(m.help.View(m.focusedKeys()), m.width, "…"))
	screen := lipgloss.JoinVertical(lipgloss.Left, parts...)
	if m.dialog != nil {
		d := m.dialog.View(&m.styles, m.width, m.height)
		x := max((m.width-lipgloss.Width(d))/2, 0)
		y := max((m.height-lipgloss.Height(d))/2, 0)
		screen = lipgloss.NewCompositor(lipgloss.NewLayer(screen), lipgloss.NewLayer(d).X(x).Y(y).Z(1)).Render()
	}
	v := tea.NewView(screen)
	v.AltScreen = true
	v.WindowTitle = "ferry"
	return v
}

// statusLine shows the connection's state, the last server reply and the
// latest message.
func (m *Model) statusLine() string {
	s := &m.styles
	var conn string
	switch st := m.remoteState(); {
	case m.remote == nil:
		conn = s.Dim.Render("not connected")
	case st.Reconnecting:
		conn = s.Warning.Render("reconnecting…")
	case !st.Connected:
		conn = s.Warning.Render("disconnected")
	case st.TLSVersion == "":
		conn = s.Insecure.Render("⚠ plain text: not encrypted")
	case !st.Verified:
		conn = s.Warning.Render("🔒 " + st.TLSVersion + " unverified")
	default:
		conn = s.Secure.Render("🔒 " + st.TLSVersion)
	}
	msg := m.status
	if m.statusIsErr {
		msg = s.Error.Render(msg)
	}
	reply := ""
	if m.lastReply != "" {
		reply = s.Dim.Render(m.lastReply)
	}
	line := conn + "  " + msg
	if reply != "" && ansi.StringWidth(line)+2+ansi.StringWidth(reply) <= m.width {
		line += strings.Repeat(" ", m.width-ansi.StringWidth(line)-ansi.StringWidth(reply)) + reply
	}
	return ansi.Truncate(line, m.width, "…")
}

func (m *Model) remoteState() panes.RemoteState {
	if m.remote == nil {
		return panes.RemoteState{}
	}
	return m.remote.State()
}
