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
	"slices"
	"strings"
	"time"

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
	// FXP asks copies between two servers to go directly between them
	// when both allow it (--fxp; a bookmark's fxp = true asks it for its
	// own server).
	FXP bool
	// Saved are jobs an earlier run left unfinished; the UI offers to
	// resume them.
	Saved []transfers.Saved
	// SiteNeedsPassword tells whether the queue's connections to a site
	// (by SiteOf, as saved jobs name it) lack a password this session;
	// SetSitePassword gives them one, kept in memory for the session.
	// Resuming saved jobs asks once for each site that needs one.
	SiteNeedsPassword func(site string) bool
	SetSitePassword   func(site, password string)

	Sort            panes.SortKey       // the panes' first order
	NoConfirmDelete bool                // delete without asking
	Keys            map[string][]string // config.toml's [keys]: action -> keys
	// History is the quick-connect history file; "" keeps it in memory.
	History string
	// Listed, when set, is told how many entries the two panes hold after
	// each listing, so the program can size its memory budget to them.
	Listed func(entries int)
	// Warnings are problems found before the screen opened (config.toml,
	// themes, bookmarks, the saved queue): the UI shows them on the status
	// line and in the log panel, since what went to stderr is hidden.
	Warnings []string
}

// The two panes, by position. Either may show the local machine or any
// server; they start with the local machine on the left and, when ferry
// is started with a server, that server on the right.
const (
	leftPane  = 0
	rightPane = 1
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

	running int // transfers in the background

	spinning bool // a spinner tick is pending

	status      string
	statusIsErr bool
	lastReply   string

	log     *logPanel
	showLog bool

	queue       *queuePanel // nil without a Config.Queue
	targetAsked bool        // the copy's or move's destination was just confirmed
	copyTo      string      // a folder typed in the copy prompt instead of the offered one
	queueAdded  bool        // jobs were added since the last queue snapshot
	// moves holds the queue jobs of moves: when a job and everything it
	// expanded into are done, its source is removed.
	moves map[transfers.ID]moveSource

	history *history // quick-connect URLs, walked with up and down

	// connectGen numbers connection attempts: the result of one the user
	// abandoned (Esc, or another connect) is closed and ignored.
	connectGen    int
	cancelConnect context.CancelFunc // nil unless a connect is pending
	connecting    *paneView          // the pane a pending connect is for

	cols  columnMode       // whether panes show permissions and owners
	click lastClick        // the last click, to tell a double-click
	now   func() time.Time // the clock clicks are timed by

	errors   []string              // the last errors, for the details view
	deferred map[transfers.ID]bool // conflicts left for later: not asked again
	sync     syncState             // compare view and synchronized browsing (compare.go)
}

// keepErrors is how many errors the details view keeps.
const keepErrors = 50

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
		help:   newHelp(),
		spin:   spinner.New(spinner.WithSpinner(spinner.MiniDot)),
		log:    newLogPanel(cfg.LogFile),
		width:  80, height: 24,
		now: time.Now,
	}
	m.history = loadHistory(cfg.History)
	for i := range m.panes {
		m.panes[i] = newPaneView(&m.keys, cfg.ShowHidden)
		m.panes[i].cols = &m.cols
		m.panes[i].model.SetSort(cfg.Sort, false)
	}
	if errs := m.keys.Rebind(cfg.Keys); len(errs) > 0 {
		m.setStatus(errors.Join(errs...).Error(), true)
	}
	if len(cfg.Warnings) > 0 {
		lines := make([]string, len(cfg.Warnings))
		for i, w := range cfg.Warnings {
			lines[i] = "* " + w
			m.errors = append(m.errors, w)
		}
		m.log.append(lines)
		msg := cfg.Warnings[0]
		if n := len(cfg.Warnings); n > 1 {
			msg = fmt.Sprintf("%d warnings (ctrl+e shows them): %s", n, msg)
		}
		m.status, m.statusIsErr = msg, true
	}
	if cfg.Queue != nil {
		m.queue = newQueuePanel(cfg.Queue, &m.styles)
		m.moves = map[transfers.ID]moveSource{}
		m.deferred = map[transfers.ID]bool{}
	}
	for _, v := range m.panes {
		v.fs = m.local()
	}
	if cfg.Start.set() {
		m.active = rightPane
	}
	m.layout()
	return m
}

// newHelp is the key hint model; its styles come from the theme (see
// Model.layout), never the bubbles defaults' 256-colour greys.
func newHelp() help.Model {
	h := help.New()
	h.ShortSeparator = " · "
	return h
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
		dir, _ = m.local().Home(context.Background())
	}
	cmds := []tea.Cmd{m.load(leftPane, dir, ""), m.log.listen(), m.queue.listen()}
	if !m.cfg.Start.set() {
		cmds = append(cmds, m.load(rightPane, dir, ""))
	}
	switch {
	case len(m.cfg.Saved) > 0 && m.queue != nil:
		saved := m.cfg.Saved
		m.dialog = &confirmDialog{title: "Resume transfers?", body: []string{
			fmt.Sprintf("%d transfer(s) from the last session did not finish.", len(saved)),
			"Partial downloads continue from their .part files.",
		}, onYes: func() tea.Msg { return resumeMsg{saved: saved, ask: m.sitesNeedingPasswords(saved)} }}
		if m.cfg.Start.set() {
			cmds = append(cmds, m.connect(m.cfg.Start, ""))
		}
	case m.cfg.Start.set():
		cmds = append(cmds, m.connect(m.cfg.Start, ""))
	case m.cfg.Bookmarks != nil && len(m.cfg.Bookmarks.All()) > 0:
		m.active = rightPane // the server opens on the right, as FileZilla's does
		m.dialog = m.siteManager()
	default:
		m.active = rightPane
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
	v := m.panes[m.active]
	if v.remote != nil {
		current = &v.target
	}
	d := newSitesDialog(m.cfg.Bookmarks, current, m.width, m.height)
	if current != nil {
		d.(*sitesDialog).dir = v.model.Dir()
	}
	return d
}

// connect starts connecting the active pane to t (either pane can show
// any server, both at once, the same server twice). A connect still
// pending is abandoned: cancelled, and its result closed when it comes.
func (m *Model) connect(t Target, password string) tea.Cmd {
	m.abandonConnect()
	m.setStatus("connecting to "+t.String()+"… (esc cancels)", false)
	view := m.panes[m.active]
	view.loading = true
	m.connecting = view
	w := m.log.writer()
	connect := m.cfg.Connect
	m.connectGen++
	gen := m.connectGen
	ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
	m.cancelConnect = cancel
	return tea.Batch(m.startSpinner(), func() tea.Msg {
		defer cancel()
		r, err := connect(ctx, t, password, w)
		return connectedMsg{target: t, view: view, remote: r, err: err, gen: gen}
	})
}

// abandonConnect cancels a pending connect; its late result is ignored.
func (m *Model) abandonConnect() bool {
	if m.cancelConnect == nil {
		return false
	}
	m.cancelConnect()
	m.cancelConnect = nil
	m.connectGen++
	if m.connecting != nil {
		m.connecting.loading = false
	}
	return true
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
	v.refreshing = false
	if v.remote != nil && dir != v.model.Dir() {
		if entries, ok := v.recent.get(dir); ok {
			// Shown at once; the listing asked for below replaces it.
			v.model.ShowParentRow(v.fs.Parent(dir) != dir)
			v.model.SetListing(dir, entries, focus)
			v.refreshing = true
		}
	}
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
	case resumeMsg:
		return m, m.resume(msg)
	case dirSizeMsg:
		m.dirSized(msg)
		return m, nil
	case quoteMsg:
		if msg.err != nil {
			m.setStatus(msg.line+": "+msg.err.Error(), true)
		} else {
			m.setStatus(msg.line+": "+msg.reply, false)
		}
		return m, nil
	case jumpMsg:
		m.active = msg.pane
		if m.queue != nil {
			m.queue.focused = false
		}
		return m, m.navigate(msg.pane, msg.dir, msg.name)
	case decideMsg:
		delete(m.deferred, msg.job.ID)
		m.dialog = &conflictDialog{q: m.queue.q, job: msg.job}
		return m, nil
	case deferMsg:
		m.deferred[msg.id] = true
		m.setStatus("conflict left for later: choose it in the queue panel (ctrl+t) and press enter", false)
		return m, nil
	case jobDetailsMsg:
		m.showDetails(msg.job, true)
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
	case tea.MouseMsg:
		return m, m.mouse(msg)
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
	v.refreshing = false
	if msg.err != nil {
		v.err = msg.err
		if v.model.Dir() == "" {
			v.model.SetListing(msg.dir, nil, "")
		}
		m.setStatus(msg.err.Error(), true)
		return nil
	}
	v.err = nil
	if v.remote != nil {
		if v.recent == nil {
			v.recent = &recentListings{}
		}
		v.recent.put(msg.dir, msg.entries)
	}
	focus := msg.focus
	if v.model.Dir() == msg.dir {
		if e := v.model.Current(); e != nil && focus == "" {
			focus = e.RawName // the cached listing was shown: keep the cursor where the user moved it
		}
	}
	v.model.ShowParentRow(v.fs.Parent(msg.dir) != msg.dir)
	v.model.SetListing(msg.dir, msg.entries, focus)
	if msg.gen == v.navGen && m.statusIsErr {
		m.setStatus("", false) // the user moved on and it worked
	}
	if m.cfg.Listed != nil {
		m.cfg.Listed(m.panes[0].model.Total() + m.panes[1].model.Total())
	}
	m.updateMarks()
	return nil
}

// loginRefused reports a 530 answer to USER or PASS: the credentials,
// not the connection, are wrong.
func loginRefused(err error) bool {
	var pe *protocol.Error
	return errors.As(err, &pe) && pe.Code == protocol.CodeNotLoggedIn && (pe.Cmd == "login" || pe.Cmd == "PASS" || pe.Cmd == "USER")
}

// navigate loads dir in a pane at the user's request: when it succeeds,
// an error on the status line is cleared (a refresh after a failed
// operation keeps it).
func (m *Model) navigate(pane int, dir, focus string) tea.Cmd {
	cmd := m.load(pane, dir, focus)
	m.panes[pane].navGen = m.panes[pane].gen
	return cmd
}

func (m *Model) connected(msg connectedMsg) tea.Cmd {
	if msg.gen != m.connectGen {
		// An abandoned attempt: say nothing over the session in use.
		if msg.remote != nil {
			go msg.remote.Close()
		}
		return nil
	}
	m.cancelConnect = nil
	v := msg.view
	v.loading = false
	pane := m.paneIndex(v)
	m.active = pane // a password or trust dialog connects this pane again
	if errors.Is(msg.err, ErrNeedPassword) {
		if msg.err != ErrNeedPassword { // it says why no stored password served
			m.setStatus(msg.err.Error(), true)
		}
		m.dialog = newPasswordDialog(msg.target, m.cfg.Bookmarks)
		return nil
	}
	if loginRefused(msg.err) {
		// A wrong password (typed, saved or from .netrc) is asked again,
		// as FileZilla does, instead of ending on "530 Login incorrect".
		m.setStatus("connect: "+msg.err.Error(), true)
		d := newPasswordDialog(msg.target, m.cfg.Bookmarks).(*passwordDialog)
		d.note = "The server refused the login: " + msg.err.Error()
		m.dialog = d
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
	if v.remote != nil {
		old := v.remote
		go old.Close()
	}
	v.remote, v.target = msg.remote, msg.target
	v.fs = msg.remote
	v.recent = nil // another server's folders
	sortKey, reverse := v.model.Sort()
	v.model = panes.New(v.model.ShowHidden())
	v.model.SetSort(sortKey, reverse)
	v.model.SetHeight(v.rows())
	m.setStatus("connected to "+msg.target.String(), false)
	home, _ := msg.remote.Home(context.Background())
	v.home = home
	if lh, ok := msg.remote.(interface{ LoginDir() string }); ok {
		v.home = lh.LoginDir() // the URL's path is relative to this, not to where it starts
	}
	cmds := []tea.Cmd{m.load(pane, home, ""), rememberCmd(m.history, msg.target.URL)}
	if ls, ok := msg.remote.(interface{ LocalStart() string }); ok && ls.LocalStart() != "" && m.panes[1-pane].remote == nil {
		// A bookmark names the local folder to work in.
		cmds = append(cmds, m.load(1-pane, ls.LocalStart(), ""))
	}
	return tea.Batch(cmds...)
}

func (m *Model) opDone(msg opDoneMsg) tea.Cmd {
	if msg.running {
		m.running--
	}
	if msg.err != nil {
		what := msg.what
		if msg.failed != "" {
			what = msg.failed
		}
		m.setStatus(what+": "+msg.err.Error(), true)
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
	if isErr {
		m.errors = append(m.errors, time.Now().Format("15:04:05")+"  "+m.status)
		if len(m.errors) > keepErrors {
			m.errors = slices.Delete(m.errors, 0, len(m.errors)-keepErrors)
		}
	}
}

// handleKey acts on a key when no dialog is open.
func (m *Model) handleKey(msg tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	v := m.panes[m.active]
	if v.filtering {
		return m, v.Update(msg) // the filter line takes every key
	}
	k := m.keys
	if msg.String() == "esc" && m.abandonConnect() {
		m.setStatus("connect cancelled", false)
		return m, nil
	}
	if key.Matches(msg, k.Details) {
		job, ok := transfers.JobStatus{}, false
		if m.queue != nil && m.queue.focused && m.queue.visible() {
			job, ok = m.queue.current()
		}
		m.showDetails(job, ok)
		return m, nil
	}
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
		return m, m.navigate(m.active, v.model.Dir(), currentName(v))
	case key.Matches(msg, k.GoTo):
		if v.fs != nil {
			pane := m.active
			m.dialog = newPrompt("Go to directory", "", p.Dir(), false, func(dir string) tea.Cmd {
				return m.navigate(pane, m.absolute(v, dir), "")
			})
		}
	case key.Matches(msg, k.Log):
		m.showLog = !m.showLog
		m.layout()
	case key.Matches(msg, k.Connect):
		m.dialog = m.quickConnect()
	case key.Matches(msg, k.Swap):
		m.swapPanes()
	case key.Matches(msg, k.Disconnect):
		return m, m.disconnect()
	case key.Matches(msg, k.Sites):
		if m.cfg.Bookmarks != nil {
			m.dialog = m.siteManager()
		}
	case key.Matches(msg, k.Help):
		m.dialog = &helpDialog{keys: m.keys, help: m.help}
	case key.Matches(msg, k.View):
		return m, m.view(v)
	case key.Matches(msg, k.Edit):
		if e := p.Current(); e != nil && e.Kind == listing.File && !panes.IsParent(e) && v.fs != nil {
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
			m.dialog = newPrompt("Make directory in "+p.Dir(), "a name, or a path such as a/b/c", "", false, func(name string) tea.Cmd {
				return m.mkdir(v, name)
			})
		}
	case key.Matches(msg, k.Chmod):
		m.chmod(v)
	case key.Matches(msg, k.Find):
		m.find(v)
	case key.Matches(msg, k.DirSize):
		return m, m.dirSize(v)
	case key.Matches(msg, k.Columns):
		m.toggleColumns()
	case key.Matches(msg, k.Quote):
		m.quote(v)
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
	remotes := []RemoteFS{m.panes[0].remote, m.panes[1].remote}
	return func() tea.Msg {
		for _, r := range remotes {
			if r != nil {
				r.Close()
			}
		}
		return tea.Quit()
	}
}

// local is the local machine's file system.
func (m *Model) local() panes.FS {
	if m.cfg.Local != nil {
		return m.cfg.Local
	}
	return panes.Local{}
}

// paneIndex returns where v is now (ctrl+u may have moved it).
func (m *Model) paneIndex(v *paneView) int {
	if m.panes[1] == v {
		return 1
	}
	return 0
}

// swapPanes exchanges the two panes, as mc's ctrl+u does; the focus stays
// on the same side.
func (m *Model) swapPanes() {
	m.panes[0], m.panes[1] = m.panes[1], m.panes[0]
	m.layout()
}

// disconnect closes the active pane's connection and returns it to the
// local machine, in the folder ferry started in.
func (m *Model) disconnect() tea.Cmd {
	v := m.panes[m.active]
	if v.remote == nil {
		m.setStatus("this pane is on the local machine", false)
		return nil
	}
	r, t := v.remote, v.target
	v.remote, v.target = nil, Target{}
	v.fs = m.local()
	v.recent = nil
	v.home = ""
	sortKey, reverse := v.model.Sort()
	v.model = panes.New(v.model.ShowHidden())
	v.model.SetSort(sortKey, reverse)
	v.model.SetHeight(v.rows())
	dir := m.cfg.LocalDir
	if dir == "" {
		dir, _ = v.fs.Home(context.Background())
	}
	m.setStatus("disconnected from "+t.String(), false)
	return tea.Batch(func() tea.Msg { r.Close(); return nil }, m.load(m.active, dir, ""))
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
	if panes.IsParent(e) {
		return m.parent(v)
	}
	switch e.Kind {
	case listing.Dir, listing.Symlink:
		if e.Unjoinable() { // a name that is only Unsafe can still be browsed
			m.setStatus(fmt.Sprintf(`"%s" is not a name that can be entered`, e.Name), true)
			return nil
		}
		return m.navigate(m.active, v.fs.Join(v.model.Dir(), e.RawName), "")
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
	return m.navigate(m.active, up, baseName(dir))
}

// currentName is the raw name under a pane's cursor, or "".
func currentName(v *paneView) string {
	if e := v.model.Current(); e != nil {
		return e.RawName
	}
	return ""
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
	for _, e := range src.model.Selection() {
		if e.Unsafe() {
			m.setStatus(fmt.Sprintf("%q has an unsafe name and is not transferred", e.Name), true)
			return nil
		}
	}
	if move && !m.targetAsked {
		return m.askMoveTarget(src, dst)
	}
	if !move && !m.targetAsked {
		return m.askCopyTarget(src, dst)
	}
	dstDir, typed := dst.model.Dir(), m.copyTo
	if typed != "" {
		dstDir = typed
		m.copyTo = ""
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
	srcDir := src.model.Dir()
	if m.queue != nil && (src.remote != nil || dst.remote != nil) {
		return ensureDirFirst(dst.fs, typed, m.enqueue(move, src, dst, dstDir, entries))
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
	return ensureDirFirst(dst.fs, typed, m.confirm(verb+"?", body, func() tea.Msg {
		return startTransferMsg{cmd: transferCmd(move, src.fs, srcDir, entries, dst.fs, dstDir, refresh)}
	}))
}

// confirm asks before a transfer, unless the user just confirmed its
// destination in the copy or move prompt.
func (m *Model) confirm(title string, body []string, onYes tea.Cmd) tea.Cmd {
	if m.targetAsked {
		m.targetAsked = false
		return onYes
	}
	m.dialog = &confirmDialog{title: title, body: body, onYes: onYes}
	return nil
}

// askCopyTarget asks where a copy goes, as Midnight Commander does: the
// other pane's folder is offered; another path is a folder on the other
// pane's side, made if it does not exist.
func (m *Model) askCopyTarget(src, dst *paneView) tea.Cmd {
	entries := src.model.Selection()
	if len(entries) == 0 {
		return nil
	}
	offer := dst.model.Dir()
	title := fmt.Sprintf("Copy %d item(s) to", len(entries))
	return m.openPrompt(title, "a folder on the other side ("+dst.side()+"); enter copies, esc cancels", offer, func(to string) tea.Cmd {
		if strings.TrimSpace(to) == "" {
			return nil
		}
		m.targetAsked = true
		if to != offer {
			m.copyTo = m.absolute(dst, strings.TrimSpace(to))
		}
		return m.transfer(false)
	})
}

// ensureDirFirst makes the folder dir (a typed copy target) before next
// runs; with dir "" it is next. A folder that cannot be made is reported
// and nothing is copied.
func ensureDirFirst(fsys panes.FS, dir string, next tea.Cmd) tea.Cmd {
	if dir == "" || next == nil {
		return next
	}
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := mkdirAll(ctx, fsys, dir); err != nil {
			return opDoneMsg{failed: "could not make the folder " + dir, err: err}
		}
		return next()
	}
}

// mkdirAll makes dir and the folders above it that are missing.
func mkdirAll(ctx context.Context, fsys panes.FS, dir string) error {
	if isDir(ctx, fsys, dir) {
		return nil
	}
	var missing []string
	for p := dir; fsys.Parent(p) != p && !isDir(ctx, fsys, p); p = fsys.Parent(p) {
		missing = append(missing, p)
	}
	for i := len(missing) - 1; i >= 0; i-- {
		if err := fsys.Mkdir(ctx, missing[i]); err != nil {
			return err
		}
	}
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
			m.targetAsked = true
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
// names a directory (ends in "/", several entries move, or it is a folder
// that exists, as mc does), else to it.
func (m *Model) renameTo(v *paneView, entries []listing.Entry, to string) tea.Cmd {
	if strings.TrimSpace(to) == "" {
		return nil
	}
	target := m.absolute(v, to)
	intoDir := strings.HasSuffix(to, "/") || len(entries) > 1
	dir, pane := v.model.Dir(), m.active
	return opCmd(fmt.Sprintf("moved %d item(s) to %s", len(entries), target), fmt.Sprintf("could not move to %s", target), []int{pane, 1 - pane}, func(ctx context.Context) error {
		if !intoDir && isDir(ctx, v.fs, target) {
			intoDir = true
		}
		for i, e := range entries {
			dest := target
			if intoDir {
				dest = v.fs.Join(target, e.RawName)
			}
			if err := v.fs.Rename(ctx, v.fs.Join(dir, e.RawName), dest); err != nil {
				return fmt.Errorf("%s (%d of %d moved): %w", e.Name, i, len(entries), err)
			}
		}
		return nil
	})
}

// startTransferMsg asks the root to count and run a transfer.
type startTransferMsg struct{ cmd tea.Cmd }

func (m *Model) rename(v *paneView) {
	e := v.model.Current()
	if e == nil || v.fs == nil || panes.IsParent(e) {
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
			opCmd("renamed "+old.Name+" to "+name, "could not rename "+old.Name+" to "+name, nil, func(ctx context.Context) error { return v.fs.Rename(ctx, from, to) }),
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
		return opCmd(fmt.Sprintf("permissions set to %03o", mode), fmt.Sprintf("could not set permissions to %03o", mode), []int{pane}, func(ctx context.Context) error {
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
	remove := opCmd(fmt.Sprintf("deleted %d item(s)", len(entries)), fmt.Sprintf("could not delete %d item(s)", len(entries)), []int{pane}, func(ctx context.Context) error {
		for i, e := range entries {
			if err := panes.RemoveAll(ctx, v.fs, v.fs.Join(dir, e.RawName), e); err != nil {
				return fmt.Errorf("%d of %d deleted; %w", i, len(entries), err)
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

// mkdir creates a folder, or a path of them ("a/b/c") as mkdir -p does:
// the folders on the way may exist already; the last one is new.
func (m *Model) mkdir(v *paneView, name string) tea.Cmd {
	parts := strings.Split(strings.Trim(name, "/"), "/")
	for _, part := range parts {
		if !validName(part) {
			m.setStatus(fmt.Sprintf("%q is not a valid name", name), true)
			return nil
		}
	}
	dir, pane, fsys := v.model.Dir(), m.active, v.fs
	shown := strings.Join(parts, "/")
	return tea.Sequence(opCmd("created "+shown, "could not create "+shown, nil, func(ctx context.Context) error {
		path := dir
		for i, part := range parts {
			path = fsys.Join(path, part)
			if err := fsys.Mkdir(ctx, path); err != nil && (i == len(parts)-1 || !isDir(ctx, fsys, path)) {
				return err
			}
		}
		return nil
	}), m.load(pane, dir, parts[0]))
}

// isDir reports whether path names an existing folder, from its parent's
// listing (listing a file itself succeeds on many servers).
func isDir(ctx context.Context, fsys panes.FS, path string) bool {
	parent := fsys.Parent(path)
	if parent == path {
		return true // the root
	}
	entries, err := fsys.List(ctx, parent)
	if err != nil {
		return false
	}
	name := baseName(path)
	for _, e := range entries {
		if e.RawName == name {
			return e.Kind == listing.Dir
		}
	}
	return false
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
	m.help.Styles = m.styles.Help
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
		tag := [2]string{"[left ⇄]", "[right ⇄]"}[m.active]
		body = m.panes[m.active].View(&m.styles, true, spin, tag)
	}
	body = fillBackground(body, m.styles.Background)
	parts := []string{body}
	if m.queue.visible() {
		parts = append(parts, m.queue.View(&m.styles))
	}
	if m.showLog {
		parts = append(parts, m.log.View(&m.styles))
	}
	hints := padRight(ansi.Truncate(m.help.View(m.focusedKeys()), m.width, "…"), m.width)
	parts = append(parts, fillBackground(padRight(m.statusLine(), m.width), m.styles.StatusBg), fillBackground(hints, m.styles.FooterBg))
	screen := lipgloss.JoinVertical(lipgloss.Left, parts...)
	if m.dialog != nil {
		d := fillBackground(m.dialog.View(&m.styles, m.width, m.height), m.styles.DialogBg)
		x := max((m.width-lipgloss.Width(d))/2, 0)
		y := max((m.height-lipgloss.Height(d))/2, 0)
		screen = lipgloss.NewCompositor(lipgloss.NewLayer(screen), lipgloss.NewLayer(d).X(x).Y(y).Z(1)).Render()
	}
	v := tea.NewView(screen)
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion // clicks and the wheel; shift+drag still selects text
	v.WindowTitle = "ferry"
	return v
}

// statusLine shows where the active pane is (the local machine, or a site
// and its TLS state), the other pane's site when it is on a server, the
// last server reply and the latest message.
func (m *Model) statusLine() string {
	s := &m.styles
	conn := m.connState(m.panes[m.active], true)
	if other := m.panes[1-m.active]; other.remote != nil {
		conn += s.Dim.Render(" │ ") + m.connState(other, false)
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
	if m.statusIsErr && ansi.StringWidth(line) > m.width {
		// Cut, but say where the whole message is.
		more := " …^E"
		return ansi.Truncate(line, max(m.width-ansi.StringWidth(more), 1), "") + s.Dim.Render(more)
	}
	return ansi.Truncate(line, m.width, "…")
}

// connState says where a pane is and how safely: its site and TLS state.
// The active pane's says more; the other's names its site.
func (m *Model) connState(v *paneView, active bool) string {
	s := &m.styles
	if v.remote == nil {
		if active && m.panes[0].remote == nil && m.panes[1].remote == nil {
			return s.Dim.Render("not connected")
		}
		return s.Dim.Render("local")
	}
	site := v.place()
	switch st := v.remote.State(); {
	case st.Reconnecting:
		return s.Warning.Render("reconnecting to " + site + "…")
	case !st.Connected:
		return s.Warning.Render(site + " disconnected")
	case st.TLSVersion == "":
		return s.Insecure.Render("⚠ " + site + " plain text: not encrypted")
	case !st.Verified:
		return s.Warning.Render("🔒 " + st.TLSVersion + " unverified " + site)
	case active:
		return s.Secure.Render("🔒 " + st.TLSVersion + " " + site)
	}
	return s.Secure.Render("🔒 " + site)
}

// resumeMsg restores saved jobs once every site in ask has a password.
type resumeMsg struct {
	saved []transfers.Saved
	ask   []string
}

// sitesNeedingPasswords lists the sites of saved jobs whose password is
// not known this session (not stored anywhere ferry reads), each once.
func (m *Model) sitesNeedingPasswords(saved []transfers.Saved) []string {
	if m.cfg.SiteNeedsPassword == nil {
		return nil
	}
	var ask []string
	seen := map[string]bool{}
	for _, s := range saved {
		for _, site := range []string{s.Spec.Site, s.Spec.DestSite} {
			if site == "" || seen[site] {
				continue
			}
			seen[site] = true
			if m.cfg.SiteNeedsPassword(site) {
				ask = append(ask, site)
			}
		}
	}
	return ask
}

// resume asks for the next missing password, or restores the jobs. Esc
// at a prompt restores them anyway: their connections then fail with the
// reason, and r retries them later.
func (m *Model) resume(msg resumeMsg) tea.Cmd {
	if len(msg.ask) == 0 {
		m.queue.q.Restore(msg.saved)
		return nil
	}
	site, rest := msg.ask[0], msg.ask[1:]
	m.dialog = newPrompt("Password for "+site, "the saved transfers need it; kept for this session, never stored", "", true,
		func(pw string) tea.Cmd {
			if m.cfg.SetSitePassword != nil {
				m.cfg.SetSitePassword(site, pw)
			}
			return func() tea.Msg { return resumeMsg{saved: msg.saved, ask: rest} }
		})
	return nil
}
