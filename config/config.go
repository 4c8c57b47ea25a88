package config

import (
	"fmt"
	"maps"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"ferry/protocol"
)

// FileName is the name of the settings file in Dir.
const FileName = "config.toml"

// Config is config.toml: ferry's settings. Default returns the values a
// missing key takes.
type Config struct {
	// Theme names the colour theme: a built-in or a file in the themes
	// directory. Empty means the default theme, or none when $NO_COLOR is
	// set.
	Theme string `toml:"theme"`
	// ShowHidden shows dot-files in the panes.
	ShowHidden bool `toml:"show_hidden"`
	// Sort is the panes' initial order.
	Sort Sort `toml:"sort"`
	// TLS is the mode new bookmarks start with in the site manager. (A
	// bookmark without one uses auto, so that it means the same thing
	// whatever this setting says.)
	TLS TLSMode `toml:"tls"`
	// Parallel is how many transfers run at once, each on its own
	// connection, for bookmarks that name no number.
	Parallel int `toml:"parallel"`
	// ConfirmDelete asks before deleting.
	ConfirmDelete bool `toml:"confirm_delete"`
	// Editor runs to edit a file; empty means $VISUAL, then $EDITOR.
	Editor string `toml:"editor"`
	// Keys rebinds actions: the action's name to the keys that trigger
	// it, as in quit = ["q", "f10"]. The UI knows the actions and applies
	// the map; Load checks only its shape.
	Keys map[string][]string `toml:"keys,omitempty"`
}

// Limits on Config.Parallel: most servers cap connections per address.
const (
	DefaultParallel = 2
	MaxParallel     = 10
)

// Default returns the settings ferry uses when config.toml says nothing.
func Default() Config {
	return Config{
		Sort:          SortName,
		TLS:           TLSAuto,
		Parallel:      DefaultParallel,
		ConfirmDelete: true,
	}
}

// Load reads config.toml from dir. It always returns usable settings: the
// defaults when the file is missing or broken (f.Err says why; show it to
// the user), with bad values replaced by their default and reported in
// f.Warnings together with unknown keys.
func Load(dir string) (Config, *File) {
	c := Default()
	f := Open(filepath.Join(dir, FileName), &c)
	if f.Err() != nil {
		return Default(), f
	}
	f.warnings = append(f.warnings, c.fix(f.Path)...)
	return c, f
}

// Save writes c to f's file; see File.Save for when it refuses.
func Save(f *File, c Config, force bool) error {
	return f.Save(configHeader, c, force)
}

const configHeader = `# ferry settings. Unknown keys are reported when ferry starts.
# theme: default, high-contrast, classic, mono, or a file themes/NAME.toml
# sort: name, size, time or extension; tls: auto, explicit, implicit or off

`

var actionName = regexp.MustCompile(`^[a-z][a-z0-9_-]*$`)

// fix replaces values that decoded but make no sense with their defaults
// and says so.
func (c *Config) fix(path string) []error {
	var warns []error
	warn := func(key, format string, args ...any) {
		warns = append(warns, &FileError{Path: path, Key: key, Msg: fmt.Sprintf(format, args...)})
	}
	if c.TLS == TLSUnset {
		c.TLS = TLSAuto
	}
	if c.Parallel < 1 || c.Parallel > MaxParallel {
		warn("parallel", "%d is not between 1 and %d; using %d", c.Parallel, MaxParallel, DefaultParallel)
		c.Parallel = DefaultParallel
	}
	seen := map[string]string{} // key -> action
	for _, action := range slices.Sorted(maps.Keys(c.Keys)) {
		key := "keys." + action
		if !actionName.MatchString(action) {
			warn(key, "action names are lower-case letters, digits, '_' and '-'; ignored")
			delete(c.Keys, action)
			continue
		}
		var keep []string
		for _, k := range c.Keys[action] {
			switch {
			case strings.TrimSpace(k) != k || k == "":
				warn(key, "%q is not a key name (write \"space\" for the space bar); ignored", k)
			case seen[k] != "":
				warn(key, "%q is bound to %s as well; the UI decides which wins", k, seen[k])
				keep = append(keep, k)
			default:
				seen[k] = action
				keep = append(keep, k)
			}
		}
		c.Keys[action] = keep
	}
	return warns
}

// TLSMode is how a connection uses TLS, as written in ferry's files:
// "auto", "explicit", "implicit" or "off". The zero value means not set,
// so that a default applies.
type TLSMode int

const (
	TLSUnset    TLSMode = iota
	TLSAuto             // TLS when the server offers it, with a warning when not
	TLSExplicit         // AUTH TLS required
	TLSImplicit         // TLS from the first byte (port 990)
	TLSOff              // no TLS
)

var tlsModeNames = [...]string{TLSUnset: "", TLSAuto: "auto", TLSExplicit: "explicit", TLSImplicit: "implicit", TLSOff: "off"}

// ParseTLSMode reads "auto", "explicit", "implicit" or "off".
func ParseTLSMode(s string) (TLSMode, error) {
	if i := slices.Index(tlsModeNames[:], s); i > 0 {
		return TLSMode(i), nil
	}
	return TLSUnset, fmt.Errorf("TLS mode must be auto, explicit, implicit or off, not %q", s)
}

func (m TLSMode) String() string {
	if m < 0 || int(m) >= len(tlsModeNames) {
		return fmt.Sprintf("TLSMode(%d)", int(m))
	}
	return tlsModeNames[m]
}

// Security is the engine's name for the mode; TLSUnset counts as TLSAuto.
func (m TLSMode) Security() protocol.Security {
	switch m {
	case TLSExplicit:
		return protocol.Explicit
	case TLSImplicit:
		return protocol.Implicit
	case TLSOff:
		return protocol.Plain
	}
	return protocol.ExplicitIfOffered
}

func (m TLSMode) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

func (m *TLSMode) UnmarshalText(b []byte) error {
	v, err := ParseTLSMode(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Sort is the order of a pane's entries.
type Sort int

const (
	SortName Sort = iota
	SortSize
	SortTime
	SortExtension
)

var sortNames = [...]string{SortName: "name", SortSize: "size", SortTime: "time", SortExtension: "extension"}

func (s Sort) String() string {
	if s < 0 || int(s) >= len(sortNames) {
		return fmt.Sprintf("Sort(%d)", int(s))
	}
	return sortNames[s]
}

func (s Sort) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

func (s *Sort) UnmarshalText(b []byte) error {
	i := slices.Index(sortNames[:], string(b))
	if i < 0 {
		return fmt.Errorf("sort must be name, size, time or extension, not %q", b)
	}
	*s = Sort(i)
	return nil
}
