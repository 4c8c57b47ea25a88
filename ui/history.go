package ui

import (
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"

	tea "charm.land/bubbletea/v2"

	"ferry/config"
	"ferry/internal/safe"
)

// maxHistory is how many quick-connect URLs are kept.
const maxHistory = 50

// history is the quick-connect history: the URLs the user connected to,
// most recent first, never with a password. The quick-connect prompt
// walks it with up and down. It is safe for use by several goroutines:
// Update walks it while a command records a new URL.
type history struct {
	mu   sync.Mutex
	path string // "" keeps the history in memory only
	urls []string
	pos  int // the entry the prompt shows; -1: the user's own text
}

// DefaultHistoryPath is $XDG_STATE_HOME/ferry/history, or
// ~/.local/state/ferry/history.
func DefaultHistoryPath() (string, error) {
	dir := os.Getenv("XDG_STATE_HOME")
	if dir == "" {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		dir = filepath.Join(home, ".local", "state")
	}
	return filepath.Join(dir, "ferry", "history"), nil
}

// loadHistory reads the history file at path, one URL a line. A missing
// or unreadable file is an empty history: losing it costs little.
func loadHistory(path string) *history {
	h := &history{path: path, pos: -1}
	if path == "" {
		return h
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return h
	}
	for line := range strings.Lines(string(data)) {
		if u := withoutPassword(strings.TrimSpace(line)); u != "" && !contains(h.urls, u) {
			h.urls = append(h.urls, u)
		}
	}
	h.urls = h.urls[:min(len(h.urls), maxHistory)]
	return h
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// withoutPassword returns u with any password removed from its user
// information, or "" when u is not a URL or still holds something that
// may be a password elsewhere (two URLs run together, the second one's
// password in the first one's path): the history does without it.
func withoutPassword(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.User(u.User.Username())
		}
	}
	s := u.String()
	if safe.URL(s) != s {
		return ""
	}
	return s
}

// Add puts raw, without its password, first in the history and saves the
// file (atomically: a temporary file renamed over it, mode 0600).
func (h *history) Add(raw string) error {
	u := withoutPassword(raw)
	if u == "" {
		if _, err := url.Parse(raw); err != nil {
			return errors.New("not a URL")
		}
		return nil // it might hold a password: not remembered
	}
	h.mu.Lock()
	list := []string{u}
	for _, x := range h.urls {
		if x != u && len(list) < maxHistory {
			list = append(list, x)
		}
	}
	h.urls, h.pos = list, -1
	path, data := h.path, strings.Join(list, "\n")+"\n"
	h.mu.Unlock()
	if path == "" {
		return nil
	}
	return config.WriteAtomic(path, []byte(data))
}

// Rewind starts a new walk from the user's own text.
func (h *history) Rewind() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.pos = -1
}

// walking reports whether the walk has left the user's own text.
func (h *history) walking() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pos >= 0
}

// Prev steps to the next older URL; false when there is none.
func (h *history) Prev() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pos+1 >= len(h.urls) {
		return "", false
	}
	h.pos++
	return h.urls[h.pos], true
}

// Next steps to the next newer URL; false when the walk is back at the
// user's own text.
func (h *history) Next() (string, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.pos <= 0 {
		h.pos = -1
		return "", false
	}
	h.pos--
	return h.urls[h.pos], true
}

func (h *history) len() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.urls)
}

// withHistory lets up and down walk h in the prompt.
func (d *promptDialog) withHistory(h *history) *promptDialog {
	if h == nil {
		return d
	}
	h.Rewind()
	d.history = h
	if h.len() > 0 {
		d.hint += "   ↑/↓: history"
	}
	return d
}

// walkHistory shows the next older (or newer) URL in the prompt; past
// the newest, the text the user had typed comes back.
func (d *promptDialog) walkHistory(older bool) {
	h := d.history
	if older {
		if !h.walking() {
			d.draft = d.input.Value()
		}
		if u, ok := h.Prev(); ok {
			d.input.SetValue(u)
			d.input.CursorEnd()
		}
		return
	}
	if !h.walking() {
		return
	}
	u, ok := h.Next()
	if !ok {
		u = d.draft
	}
	d.input.SetValue(u)
	d.input.CursorEnd()
}

// rememberCmd records a URL the user connected to in the history.
func rememberCmd(h *history, url string) tea.Cmd {
	if h == nil || url == "" {
		return nil
	}
	return func() tea.Msg {
		if err := h.Add(url); err != nil {
			return opDoneMsg{what: "saving the quick-connect history", err: err}
		}
		return nil
	}
}
