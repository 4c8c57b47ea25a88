// Package config finds ferry's configuration directory, reads config.toml,
// and holds the file handling that every ferry file shares: strict TOML
// decoding whose errors name the file, line, column and key, and atomic
// writes that never replace a file the user still has to fix.
//
// It knows nothing of the terminal, of FTP connections or of how the UI
// applies a setting; the packages bookmarks, trust and themes build their
// files on it.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pelletier/go-toml/v2"

	"ferry/internal/safe"
)

// Dir returns ferry's configuration directory: $XDG_CONFIG_HOME/ferry, or
// ~/.config/ferry when XDG_CONFIG_HOME is unset or not an absolute path
// (the XDG Base Directory specification says to ignore relative ones).
func Dir() (string, error) {
	if d := os.Getenv("XDG_CONFIG_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "ferry"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no configuration directory: %w", err)
	}
	return filepath.Join(home, ".config", "ferry"), nil
}

// FileError is a problem in one of ferry's files, placed as precisely as
// the decoder could: Line and Column are 1-based and zero when unknown,
// Key is the dotted key ("keys.quit") or empty.
type FileError struct {
	Path         string
	Line, Column int
	Key          string
	Msg          string
}

// Error names the place and the problem. The key and the message come
// from the file (a key nobody knows, a value that is wrong), so they are
// escaped and clipped: a file with a megabyte-long key must not flood
// the terminal, nor a key with escape sequences drive it.
func (e *FileError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d:%d", e.Line, e.Column)
	}
	b.WriteString(": ")
	if e.Key != "" {
		fmt.Fprintf(&b, "%s: ", clip(safe.Line(e.Key), maxKeyShown))
	}
	b.WriteString(clip(safe.Line(e.Msg), maxMsgShown))
	return b.String()
}

// How much of a key and of a message a FileError shows.
const (
	maxKeyShown = 64
	maxMsgShown = 300
)

// clip cuts s, valid UTF-8, to at most n bytes and a mark.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// ErrBroken is wrapped by Save when the file on disk did not load: saving
// would throw away whatever the user wrote there. Fix the file, or save
// with force to replace it.
var ErrBroken = errors.New("the file on disk has errors; fix it or replace it explicitly")

// ErrChanged is wrapped by Save when the file changed on disk since it was
// loaded (edited in another window, or by another ferry).
var ErrChanged = errors.New("the file changed on disk since ferry read it")

// File is one TOML file on disk and what ferry learned when reading it.
// The zero value is not usable; make one with Open. A File is safe for use
// by several goroutines.
type File struct {
	Path string

	mu       sync.Mutex
	err      error   // why the file did not load; nil when it did or is absent
	warnings []error // problems that did not stop loading (unknown keys)
	stamp    stamp   // what the file looked like when read or last saved
}

// stamp identifies a version of a file cheaply: absent, or size and time.
type stamp struct {
	exists bool
	size   int64
	mod    time.Time
}

func statStamp(path string) (stamp, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return stamp{}, nil
	}
	if err != nil {
		return stamp{}, err
	}
	return stamp{exists: true, size: st.Size(), mod: st.ModTime()}, nil
}

// Open reads path strictly into v, which should hold the defaults: keys
// the file does not mention keep them. A missing file is not an error.
//
// When the file is not valid TOML, has a value of the wrong type, or a
// value v's types refuse (through encoding.TextUnmarshaler), v is left
// as it was and Err reports a *FileError; Save then refuses to write.
// Keys v has no field for are reported by Warnings, one *FileError each,
// and everything else is still decoded.
func Open[T any](path string, v *T) *File {
	f := &File{Path: path}
	// Stat first: a change between the two makes the stamp older than the
	// contents, so Save sees a change and refuses, rather than missing one.
	st, err := statStamp(path)
	if err != nil {
		f.err = err
		return f
	}
	f.stamp = st
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return f
	case err != nil:
		f.err = err
		return f
	}
	f.warnings, f.err = Decode(path, data, v)
	return f
}

// Decode decodes data, read from path, into v strictly, as Open does. It
// decodes into a shallow copy of *v, so v keeps its value when err is not
// nil (a map in *v may have gained keys).
func Decode[T any](path string, data []byte, v *T) (warnings []error, err error) {
	tmp := *v
	warnings, err = DecodeInto(path, data, &tmp)
	if err == nil {
		*v = tmp
	}
	return warnings, err
}

// DecodeInto is Decode straight into v, a pointer: on error, v may hold
// part of the file.
func DecodeInto(path string, data []byte, v any) (warnings []error, err error) {
	err = toml.NewDecoder(bytes.NewReader(data)).DisallowUnknownFields().Decode(v)
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) {
		for i := range strict.Errors {
			e := fileError(path, &strict.Errors[i])
			e.Msg = "unknown key (a typo?), ignored"
			warnings = append(warnings, e)
		}
		return warnings, nil
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		return nil, fileError(path, de)
	}
	if err != nil {
		return nil, &FileError{Path: path, Msg: err.Error()}
	}
	return nil, nil
}

func fileError(path string, de *toml.DecodeError) *FileError {
	line, col := de.Position()
	msg := strings.TrimPrefix(de.Error(), "toml: ")
	return &FileError{Path: path, Line: line, Column: col, Key: strings.Join(de.Key(), "."), Msg: msg}
}

// Err reports why the file on disk did not load, or nil.
func (f *File) Err() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.err
}

// Warnings returns the problems that did not stop the file from loading.
func (f *File) Warnings() []error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.warnings
}

// Save writes v as TOML, after header (comment lines, may be empty), with
// WriteAtomic. It refuses with ErrBroken when the file did not load, and
// with ErrChanged when the file changed on disk since it was read, unless
// force is true. After a successful save the file counts as loaded.
func (f *File) Save(header string, v any, force bool) error {
	body, err := toml.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", f.Path, err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if !force {
		if f.err != nil {
			return fmt.Errorf("not saving %s: %w (%v)", f.Path, ErrBroken, f.err)
		}
		now, err := statStamp(f.Path)
		if err != nil {
			return err
		}
		if now != f.stamp {
			return fmt.Errorf("not saving %s: %w", f.Path, ErrChanged)
		}
	}
	data := append([]byte(header), body...)
	if err := WriteAtomic(f.Path, data); err != nil {
		return err
	}
	f.err, f.warnings = nil, nil
	if st, err := statStamp(f.Path); err == nil {
		f.stamp = st
	}
	return nil
}

// WriteAtomic replaces path with data so that a reader sees the old file
// or the new one, never a mixture, even after a crash: it writes a
// temporary file in the same directory, syncs it, renames it over path and
// syncs the directory. Missing directories are created with mode 0700 and
// the file gets mode 0600, since ferry's files may hold secrets.
func WriteAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing to remove
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(data)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if d, err := os.Open(dir); err == nil {
		d.Sync() // best effort: some file systems cannot sync a directory
		d.Close()
	}
	return nil
}
