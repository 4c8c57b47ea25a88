package ui

import (
	"image/color"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// fillBackground paints bg behind every cell of s, line by line. Styled
// parts inside s end with a reset that also ends any background around
// them, which left a themed dialog or pane coloured only up to its first
// styled word; this sets bg again after each such reset. A nil or
// NoColor bg leaves s as it is (the terminal's own background).
func fillBackground(s string, bg color.Color) string {
	if bg == nil {
		return s
	}
	if _, none := bg.(lipgloss.NoColor); none {
		return s
	}
	seq := ansi.Style{}.BackgroundColor(bg).String()
	var b strings.Builder
	b.Grow(len(s) + len(s)/4)
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(seq)
		for {
			start := strings.Index(line, "\x1b[")
			if start < 0 {
				break
			}
			end := start + 2
			for end < len(line) && (line[end] == ';' || (line[end] >= '0' && line[end] <= '9')) {
				end++
			}
			if end >= len(line) {
				break
			}
			b.WriteString(line[:end+1])
			if line[end] == 'm' && endsBackground(line[start+2:end]) {
				b.WriteString(seq)
			}
			line = line[end+1:]
		}
		b.WriteString(line)
		b.WriteString("\x1b[m")
	}
	return b.String()
}

// endsBackground reports whether the parameters of an SGR sequence reset
// the background: a full reset (none, or 0) or 49, skipping the colour
// values that follow 38, 48 and 58.
func endsBackground(params string) bool {
	if params == "" {
		return true
	}
	ps := strings.Split(params, ";")
	for i := 0; i < len(ps); i++ {
		n, _ := strconv.Atoi(ps[i])
		switch n {
		case 0, 49:
			return true
		case 38, 48, 58:
			if i+1 < len(ps) && ps[i+1] == "5" {
				i += 2
			} else if i+1 < len(ps) && ps[i+1] == "2" {
				i += 4
			}
		}
	}
	return false
}
