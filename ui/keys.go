package ui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"
)

// KeyMap holds every binding. Both the Midnight Commander keys and the
// letter keys work; DefaultKeyMap builds it, and user rebinding from
// config.toml replaces a binding's keys, never the code.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom  key.Binding
	Open, Parent, SwitchPane                 key.Binding
	Select, Invert, SelectGlob, UnselectGlob key.Binding
	Filter, Hidden, Sort, ReverseSort        key.Binding
	View, Edit, Copy, Move, Rename, Mkdir    key.Binding
	Chmod, Delete                            key.Binding
	Refresh, GoTo, Log, Connect, Help, Quit  key.Binding
	Sites, Queue, Details                    key.Binding
	Find, DirSize, Columns, Quote            key.Binding
	Swap, Disconnect                         key.Binding
	// The sync keys (compare.go, syncdialog.go).
	Compare, SelectDiffering, SyncBrowse, Sync key.Binding
}

// DefaultKeyMap is the binding set users of mc and FileZilla expect.
func DefaultKeyMap() KeyMap {
	b := func(keys []string, help, desc string) key.Binding {
		return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
	}
	return KeyMap{
		Up:           b([]string{"up", "k"}, "↑/k", "up"),
		Down:         b([]string{"down", "j"}, "↓/j", "down"),
		PageUp:       b([]string{"pgup"}, "pgup", "page up"),
		PageDown:     b([]string{"pgdown"}, "pgdn", "page down"),
		Top:          b([]string{"home", "g"}, "home/g", "top"),
		Bottom:       b([]string{"end", "G"}, "end/G", "bottom"),
		Open:         b([]string{"enter", "l", "right"}, "enter/l/→", "open"),
		Parent:       b([]string{"backspace", "h", "left"}, "bksp/h/←", "parent"),
		SwitchPane:   b([]string{"tab"}, "tab", "other pane"),
		Select:       b([]string{"space", "insert"}, "space/ins", "select"),
		Invert:       b([]string{"*"}, "*", "invert selection"),
		SelectGlob:   b([]string{"+"}, "+", "select by pattern"),
		UnselectGlob: b([]string{"-"}, "-", "unselect by pattern"),
		Filter:       b([]string{"/"}, "/", "filter"),
		Hidden:       b([]string{"."}, ".", "dot-files"),
		Sort:         b([]string{"s"}, "s", "sort"),
		ReverseSort:  b([]string{"S"}, "S", "reverse sort"),
		View:         b([]string{"f3", "v"}, "F3/v", "view"),
		Edit:         b([]string{"f4", "e"}, "F4/e", "edit"),
		Copy:         b([]string{"f5", "c"}, "F5/c", "copy"),
		Move:         b([]string{"f6", "m"}, "F6/m", "move"),
		Rename:       b([]string{"f2", "r"}, "F2/r", "rename"),
		Mkdir:        b([]string{"f7", "n"}, "F7/n", "mkdir"),
		Chmod:        b([]string{"a"}, "a", "permissions"),
		Delete:       b([]string{"f8", "delete"}, "F8/del", "delete"),
		Refresh:      b([]string{"ctrl+r"}, "^R", "refresh"),
		GoTo:         b([]string{"ctrl+g"}, "^G", "go to path"),
		Log:          b([]string{"ctrl+l"}, "^L", "log"),
		Connect:      b([]string{"ctrl+o"}, "^O", "quick connect"),
		Swap:         b([]string{"ctrl+u"}, "^U", "swap panes"),
		Disconnect:   b([]string{"ctrl+d"}, "^D", "disconnect pane"),
		Sites:        b([]string{"b", "f9"}, "b/F9", "site manager"),
		Queue:        b([]string{"ctrl+t"}, "^T", "transfer queue"),
		Details:      b([]string{"ctrl+e"}, "^E", "error details"),
		Find:         b([]string{"ctrl+f"}, "^F", "find"),
		DirSize:      b([]string{"z", "ctrl+space"}, "z", "folder size"),
		Columns:      b([]string{"L"}, "L", "perms/owner"),
		Quote:        b([]string{":"}, ":", "raw command"),
		Help:         b([]string{"f1", "?"}, "F1/?", "help"),

		Compare:         b([]string{"="}, "=", "compare panes"),
		SelectDiffering: b([]string{"D"}, "D", "select differing"),
		SyncBrowse:      b([]string{"ctrl+y"}, "^Y", "sync browsing"),
		Sync:            b([]string{"ctrl+s"}, "^S", "sync dialog"),
		Quit:            b([]string{"f10", "q", "ctrl+c"}, "F10/q", "quit"),
	}
}

// ShortHelp is the key hint line.
func (k KeyMap) ShortHelp() []key.Binding {
	// In order of need: what does not fit the width is left off the end.
	return []key.Binding{k.Help, k.Quit, k.Copy, k.Move, k.Mkdir, k.Delete, k.Rename, k.View, k.Edit, k.SwitchPane, k.Select, k.Connect, k.Sites, k.Queue}
}

// FullHelp is the "?" screen, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Open, k.Parent, k.SwitchPane},
		{k.Select, k.Invert, k.SelectGlob, k.UnselectGlob, k.Filter, k.Hidden, k.Sort, k.ReverseSort, k.Compare, k.SelectDiffering},
		{k.View, k.Edit, k.Copy, k.Move, k.Rename, k.Mkdir, k.Chmod, k.Delete, k.DirSize, k.SyncBrowse, k.Sync},
		{k.Find, k.Columns, k.Quote, k.Refresh, k.GoTo, k.Log, k.Connect, k.Sites, k.Swap, k.Disconnect, k.Queue, k.Details, k.Help, k.Quit},
	}
}

// bindings names every binding for config.toml's [keys] table.
func (k *KeyMap) bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "page_up": &k.PageUp, "page_down": &k.PageDown,
		"top": &k.Top, "bottom": &k.Bottom, "open": &k.Open, "parent": &k.Parent,
		"switch_pane": &k.SwitchPane, "select": &k.Select, "invert": &k.Invert,
		"select_glob": &k.SelectGlob, "unselect_glob": &k.UnselectGlob, "filter": &k.Filter,
		"hidden": &k.Hidden, "sort": &k.Sort, "reverse_sort": &k.ReverseSort, "view": &k.View,
		"edit": &k.Edit, "copy": &k.Copy, "move": &k.Move, "rename": &k.Rename, "mkdir": &k.Mkdir,
		"chmod": &k.Chmod, "delete": &k.Delete, "refresh": &k.Refresh, "goto": &k.GoTo,
		"log": &k.Log, "connect": &k.Connect, "help": &k.Help, "quit": &k.Quit,
		"sites": &k.Sites, "queue": &k.Queue, "details": &k.Details,
		"find": &k.Find, "folder_size": &k.DirSize, "columns": &k.Columns, "quote": &k.Quote,
		"swap_panes": &k.Swap, "disconnect": &k.Disconnect,
		"compare": &k.Compare, "select_differing": &k.SelectDiffering,
		"sync_browse": &k.SyncBrowse, "sync": &k.Sync,
	}
}

// Rebind replaces the keys of the named actions (config.toml's [keys]
// table: action = ["key", ...]). Unknown actions and empty key lists are
// reported and left as they were; the help shows the new keys.
func (k *KeyMap) Rebind(keys map[string][]string) []error {
	all := k.bindings()
	var errs []error
	for _, action := range slices.Sorted(maps.Keys(keys)) {
		b, ok := all[action]
		switch {
		case !ok:
			errs = append(errs, fmt.Errorf("[keys] %s: no such action (actions: %s)", action, strings.Join(slices.Sorted(maps.Keys(all)), ", ")))
			continue
		case len(keys[action]) == 0:
			errs = append(errs, fmt.Errorf("[keys] %s: no keys given", action))
			continue
		}
		b.SetKeys(keys[action]...)
		b.SetHelp(strings.Join(keys[action], "/"), b.Help().Desc)
	}
	return errs
}
