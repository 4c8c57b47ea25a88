package listing

import (
	"io/fs"
	"strings"
	"time"

	"ferry/internal/safe"
)

// Kind is the type of a listed object.
type Kind uint8

// The kinds of entries. Other covers devices, pipes, sockets, unknown
// MLSD types and entries whose type the server did not state.
const (
	File Kind = iota
	Dir
	Symlink
	Other
)

// String returns "file", "dir", "symlink" or "other".
func (k Kind) String() string {
	switch k {
	case File:
		return "file"
	case Dir:
		return "dir"
	case Symlink:
		return "symlink"
	case Other:
		return "other"
	}
	return "invalid"
}

// Precision tells how much of Entry.ModTime the server actually sent.
type Precision uint8

// The precisions of Entry.ModTime, coarsest first.
const (
	TimeUnknown Precision = iota // no usable time; ModTime is zero
	TimeDay                      // date only (LIST "Jan 25  2005")
	TimeMinute                   // date with hh:mm (most LIST forms)
	TimeSecond                   // to the second or better (MLSD modify, EPLF, ...)
)

// String returns "unknown", "day", "minute" or "second".
func (p Precision) String() string {
	switch p {
	case TimeUnknown:
		return "unknown"
	case TimeDay:
		return "day"
	case TimeMinute:
		return "minute"
	case TimeSecond:
		return "second"
	}
	return "invalid"
}

// Entry is one object of a directory listing.
//
// String fields other than Name and Target are substrings of Raw, so an
// Entry costs one allocation for the line itself (plus one for Name when
// the raw name needs escaping).
type Entry struct {
	// Name is RawName made displayable: valid UTF-8 with invalid bytes
	// shown as \xNN and control and bidi-override characters escaped.
	// It equals RawName for ordinary names. Because '\' itself is not
	// escaped, distinct raw names may display alike; use RawName as key.
	Name string
	// RawName is the name exactly as the server sent it (for VMS
	// listings without the ";version" suffix and ".DIR" extension, for
	// AS/400 without a trailing '/'). Send this back to the server.
	// (An engine that knows the server's charset may replace it with the
	// decoded name, which it encodes back when sending.)
	RawName string
	Kind    Kind
	// Size in bytes, or -1 when unknown (devices, DOS directories, ...).
	// For VMS it is an estimate: used blocks times 512.
	Size int64
	// ModTime is the modification time; zero when Precision is
	// TimeUnknown.
	ModTime   time.Time
	Precision Precision
	// YearGuessed reports a LIST date sent without a year; the year was
	// chosen to put ModTime at the latest moment not after Options.Now
	// plus one day.
	YearGuessed bool
	// Mode holds Unix permission bits (and type bits matching Kind) when
	// HasMode is set: from a LIST mode string, MLSD unix.mode, EPLF "up"
	// or VMS protection.
	Mode    fs.FileMode
	HasMode bool
	// Perm is the MLSD "perm" fact (for example "radfw"), empty if not sent.
	Perm string
	// Owner and Group as sent (names or numeric ids), empty if not sent.
	Owner string
	Group string
	// Target is the symlink target when the listing gives one.
	Target string
	// Unique is the MLSD "unique" fact: the server's identity of the file
	// or folder (device and inode on Unix servers), the same for every
	// path that leads to it. Empty if not sent.
	Unique string
	// Pseudo marks an entry for the listed directory itself or its parent:
	// MLSD type=cdir or type=pdir, or any entry named "." or "..".
	// File managers normally drop these. Kind is Dir for cdir and pdir.
	Pseudo bool
	// Raw is the listing line the entry came from (for VMS entries split
	// over two lines: both lines joined by a single space).
	Raw string
}

// Unsafe reports whether RawName must not become the name of a local
// file: it is empty, "." or "..", contains '/', '\', NUL, CR or LF (see
// Unjoinable), or contains another control character or a bidi control
// (see safe.Escaped), which would reach the user's terminal whenever the
// file is listed later, or make "evil\u202etxt.exe" read as "evilexe.txt".
// Backslash is rejected on every platform because it separates paths on
// Windows and a listing cannot tell which platform will store the file;
// Windows servers do not allow it in names, and a Unix name containing it
// has to be renamed before it can be saved portably. MLSD pathnames that
// include directories (RFC 3659 allows them, and cdir entries often carry
// the full path) are unsafe too; a caller may reduce them with path.Base
// and check again.
func (e *Entry) Unsafe() bool { return UnsafeName(e.RawName) }

// UnsafeName is Entry.Unsafe for a bare name, local or remote: the tree
// copies use it for the names on both sides.
func UnsafeName(s string) bool { return unjoinable(s) || safe.HasEscaped(s) }

// Unjoinable reports whether RawName cannot even be joined to its folder's
// path: it is empty, "." or "..", or contains '/', '\', NUL, CR or LF. Such
// an entry cannot be opened at all; one that is only Unsafe can still be
// browsed on the server.
func (e *Entry) Unjoinable() bool { return unjoinable(e.RawName) }

func unjoinable(s string) bool {
	if s == "" || s == "." || s == ".." {
		return true
	}
	return strings.ContainsAny(s, "/\\\x00\r\n")
}

// displayName returns s when it is clean, or an escaped copy.
func displayName(s string) string { return safe.Line(s) }

// finish fills the fields every parser derives the same way.
func finish(e *Entry, raw string) {
	e.Raw = raw
	e.Name = displayName(e.RawName)
	if e.RawName == "." || e.RawName == ".." {
		e.Pseudo = true
	}
	if e.HasMode {
		switch e.Kind {
		case File:
			e.Mode &^= fs.ModeType
		case Dir:
			e.Mode = e.Mode&^fs.ModeType | fs.ModeDir
		case Symlink:
			e.Mode = e.Mode&^fs.ModeType | fs.ModeSymlink
		default: // Other keeps device/pipe/socket bits set by the parser
			if e.Mode&fs.ModeType == 0 {
				e.Mode |= fs.ModeIrregular
			}
		}
	} else {
		e.Mode = 0
	}
	if e.Precision == TimeUnknown {
		e.ModTime = time.Time{}
		e.YearGuessed = false
	}
}

// unixPermBits converts octal permission bits (0-07777) to fs.FileMode.
func unixPermBits(v uint32) fs.FileMode {
	m := fs.FileMode(v & 0777)
	if v&04000 != 0 {
		m |= fs.ModeSetuid
	}
	if v&02000 != 0 {
		m |= fs.ModeSetgid
	}
	if v&01000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// DisplayName makes a raw file name displayable the way listings do (it
// is safe.Line): invalid UTF-8 bytes as \xNN, control and bidi characters
// escaped. Local file names go through it too, so both panes agree.
func DisplayName(raw string) string { return displayName(raw) }
