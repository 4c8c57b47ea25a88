package ui

import (
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"ferry/panes/panestest"
	"ferry/themes"
)

func themedHarness(t *testing.T, th themes.Theme) *harness {
	t.Helper()
	local := panestest.New("", "/home/me", map[string]string{"notes.txt": "x", "src/": ""})
	remote := panestest.New("ftpes://me@example.org", "/pub", map[string]string{"README": "r", "data/": ""})
	connect := func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return remote, nil }
	h := &harness{t: t, m: New(Config{Local: local, Connect: connect, Theme: th, IsDark: true}), local: local, remote: remote}
	h.send(tea.WindowSizeMsg{Width: 120, Height: 35})
	h.run(h.m.load(leftPane, "/home/me", ""))
	h.m.active = rightPane // connect opens a server in the active pane
	h.run(h.m.connect(Target{URL: "ftpes://me@example.org/pub"}, ""))
	return h
}

func TestThemeBackgroundRolesFillPanesStatusFooterAndDialogs(t *testing.T) {
	h := themedHarness(t, themes.Classic()) // background 4, status_bg 6, footer_bg 6, dialog_bg 7
	lines := strings.Split(h.m.View().Content, "\n")
	if len(lines) != 35 {
		t.Fatalf("%d lines", len(lines))
	}
	for i, want := range map[int]string{3: "\x1b[44m", 33: "\x1b[46m", 34: "\x1b[46m"} {
		if !strings.Contains(lines[i], want) {
			t.Errorf("line %d lacks background %q: %q", i, want, lines[i])
		}
	}
	// Every styled row of the pane is followed by the background again,
	// so no cell after a coloured word falls back to the terminal's.
	if row := lines[3]; strings.Count(row, "\x1b[44m") < 2 {
		t.Errorf("pane row paints the background only once: %q", row)
	}
	h.key("f7") // a prompt: its text input ends its styles with full resets
	h.typeText("new")
	screen := h.m.View().Content
	i := strings.Index(screen, "Make directory in")
	if i < 0 {
		t.Fatal("no dialog")
	}
	lines = strings.Split(screen, "\n")
	row := strings.Count(screen[:i], "\n")
	col := len([]rune(ansi.Strip(lines[row][:strings.Index(lines[row], "Make directory in")])))
	for _, r := range []int{row, row + 1, row + 2} { // title, input, hint
		bgs := cellBackgrounds(lines[r])
		plain := []rune(ansi.Strip(lines[r]))
		// The dialog's inside lies between the borders either side of
		// the title's column.
		left := col - 1
		for left > 0 && plain[left] != '│' {
			left--
		}
		right := col
		for right < len(plain)-1 && plain[right] != '│' {
			right++
		}
		for c := left + 1; c < right; c++ {
			if bgs[c] != "47" {
				t.Fatalf("dialog row %d: cell %d (%q) has background %q, want 47:\n%q", r, c, plain[c], bgs[c], lines[r])
			}
		}
	}
}

// cellBackgrounds follows the SGR sequences of one line and returns the
// background in effect at each cell ("" for the terminal's, else the
// parameters that set it, such as "47").
func cellBackgrounds(line string) []string {
	var out []string
	bg := ""
	for len(line) > 0 {
		if strings.HasPrefix(line, "\x1b[") {
			end := strings.IndexByte(line, 'm')
			params := strings.Split(line[2:end], ";")
			for i := 0; i < len(params); i++ {
				switch p := params[i]; {
				case p == "" || p == "0" || p == "49":
					bg = ""
				case len(p) == 2 && p[0] == '4' && p[1] != '8' || len(p) == 3 && p[:2] == "10":
					bg = p
				case p == "48" || p == "38" || p == "58":
					n := 2
					if i+1 < len(params) && params[i+1] == "2" {
						n = 4
					}
					if p == "48" {
						bg = strings.Join(params[i:min(i+n+1, len(params))], ";")
					}
					i += n
				}
			}
			line = line[end+1:]
			continue
		}
		r, size := utf8.DecodeRuneInString(line)
		_ = r
		out = append(out, bg)
		line = line[size:]
	}
	return out
}

func TestMonoThemeEmitsNoColours(t *testing.T) {
	h := themedHarness(t, themes.Mono())
	h.key("ctrl+t") // no queue: nothing; the footer still draws
	colour := regexp.MustCompile(`\x1b\[[0-9;]*(38|48);[25];`)
	for _, screen := range []string{h.m.View().Content, func() string { h.key("?"); return h.m.View().Content }()} {
		if m := colour.FindString(screen); m != "" {
			t.Fatalf("mono emitted a colour %q:\n%q", m, screen)
		}
	}
}
