// Package bookmarks keeps the servers a user saved (bookmarks.toml) and
// finds their passwords: a password command, a saved password, or
// ~/.netrc. A Bookmark turns into the engine's protocol.Options, an
// address and a login, so the command line and the UI connect the same
// way. It knows nothing of the terminal: prompting is the caller's job.
package bookmarks

import (
	"bufio"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// NetrcEntry is one machine (or the default) from a .netrc file.
type NetrcEntry struct {
	Machine  string // empty for "default"
	Login    string
	Password string
	Account  string
}

// ParseNetrc reads the .netrc format: whitespace-separated tokens
// "machine NAME", "default", "login", "password", "account", with
// "macdef NAME" followed by a macro body that ends at an empty line, and
// "#" comments. Tokens may be double-quoted with backslash escapes.
func ParseNetrc(r io.Reader) ([]NetrcEntry, error) {
	toks, err := netrcTokens(r)
	if err != nil {
		return nil, err
	}
	var entries []NetrcEntry
	var cur *NetrcEntry
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		if t.macro {
			continue
		}
		next := func() string {
			if i+1 < len(toks) && !toks[i+1].macro {
				i++
				return toks[i].text
			}
			return ""
		}
		switch t.text {
		case "machine":
			entries = append(entries, NetrcEntry{Machine: next()})
			cur = &entries[len(entries)-1]
		case "default":
			entries = append(entries, NetrcEntry{})
			cur = &entries[len(entries)-1]
		case "login":
			v := next()
			if cur != nil {
				cur.Login = v
			}
		case "password":
			v := next()
			if cur != nil {
				cur.Password = v
			}
		case "account":
			v := next()
			if cur != nil {
				cur.Account = v
			}
		case "macdef":
			next() // the macro's name; its body was marked while tokenizing
		}
	}
	return entries, nil
}

type netrcToken struct {
	text  string
	macro bool // part of a macdef body
}

// netrcTokens splits the file into tokens and marks macdef bodies, which
// run from the line after "macdef NAME" to the first empty line.
func netrcTokens(r io.Reader) ([]netrcToken, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	var toks []netrcToken
	inMacro := false
	for sc.Scan() {
		line := sc.Text()
		if inMacro {
			if strings.TrimSpace(line) == "" {
				inMacro = false
			}
			continue
		}
		words, err := splitNetrcLine(line)
		if err != nil {
			return nil, err
		}
		for j, w := range words {
			toks = append(toks, netrcToken{text: w})
			if w == "macdef" && j+1 < len(words) {
				inMacro = true
			}
		}
	}
	return toks, sc.Err()
}

func splitNetrcLine(line string) ([]string, error) {
	var words []string
	for i := 0; i < len(line); {
		c := line[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r':
			i++
		case c == '#':
			return words, nil
		case c == '"':
			var b strings.Builder
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) {
					i++
				}
				b.WriteByte(line[i])
			}
			if i >= len(line) {
				return nil, errors.New("netrc: unterminated quoted token")
			}
			i++
			words = append(words, b.String())
		default:
			j := i
			for j < len(line) && line[j] != ' ' && line[j] != '\t' && line[j] != '\r' {
				j++
			}
			words = append(words, line[i:j])
			i = j
		}
	}
	return words, nil
}

// LookupNetrc finds the entry for host (and, when login is not empty, that
// login) in entries, falling back to the default entry.
func LookupNetrc(entries []NetrcEntry, host, login string) (NetrcEntry, bool) {
	for _, e := range entries {
		if e.Machine != "" && strings.EqualFold(e.Machine, host) && (login == "" || e.Login == login) {
			return e, true
		}
	}
	for _, e := range entries {
		if e.Machine == "" && (login == "" || e.Login == "" || e.Login == login) {
			return e, true
		}
	}
	return NetrcEntry{}, false
}

// NetrcPath returns $NETRC or ~/.netrc.
func NetrcPath() string {
	if p := os.Getenv("NETRC"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".netrc")
}
