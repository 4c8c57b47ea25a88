package listing

import (
	"errors"
	"io/fs"
	"testing"
	"time"
)

func mustMLSx(t *testing.T, line string) Entry {
	t.Helper()
	e, err := ParseMLSx(line)
	if err != nil {
		t.Fatalf("ParseMLSx(%q): %v", line, err)
	}
	return e
}

// Lines in the style of the servers the engine is tested against.
func TestMLSDParsesTypicalServerLines(t *testing.T) {
	mod := utc(2026, 11, 24, 14, 15, 0)
	for _, tc := range []struct {
		server, line string
		want         Entry
	}{
		{"pyftpdlib", "type=file;size=1234;modify=20261124141500;perm=radfw;unix.mode=0644;unix.uid=1000;unix.gid=1000;unique=803g1e; file.txt",
			Entry{RawName: "file.txt", Kind: File, Size: 1234, ModTime: mod, Precision: TimeSecond, Mode: 0644, HasMode: true, Perm: "radfw", Owner: "1000", Group: "1000", Unique: "803g1e"}},
		{"proftpd", "modify=20261124141500;perm=adfrw;size=1234;type=file;unique=FD00U1E2;UNIX.group=1000;UNIX.groupname=user;UNIX.mode=0644;UNIX.owner=1000;UNIX.ownername=user; file.txt",
			Entry{RawName: "file.txt", Kind: File, Size: 1234, ModTime: mod, Precision: TimeSecond, Mode: 0644, HasMode: true, Perm: "adfrw", Owner: "user", Group: "user", Unique: "FD00U1E2"}},
		{"pure-ftpd", "type=file;size=1234;modify=20261124141500;UNIX.mode=0644;UNIX.uid=1000;UNIX.gid=1000;unique=803g1e; file.txt",
			Entry{RawName: "file.txt", Kind: File, Size: 1234, ModTime: mod, Precision: TimeSecond, Mode: 0644, HasMode: true, Owner: "1000", Group: "1000", Unique: "803g1e"}},
		{"directory", "type=dir;modify=20261124141500;perm=flcdmpe;unix.mode=0755; sub dir",
			Entry{RawName: "sub dir", Kind: Dir, Size: -1, ModTime: mod, Precision: TimeSecond, Mode: fs.ModeDir | 0755, HasMode: true, Perm: "flcdmpe"}},
	} {
		t.Run(tc.server, func(t *testing.T) {
			same(t, tc.line, mustMLSx(t, tc.line), tc.want)
		})
	}
}

func TestMLSDFactsAreCaseInsensitive(t *testing.T) {
	e := mustMLSx(t, "Type=DIR;Modify=20050607212200;SIZE=12;Perm=el;Unix.Mode=755; x")
	if e.Kind != Dir || e.Size != 12 || e.Perm != "el" || !e.HasMode || e.Mode.Perm() != 0755 || e.Precision != TimeSecond {
		t.Errorf("got %+v", e)
	}
}

func TestMLSDCdirAndPdirArePseudoDirectories(t *testing.T) {
	for _, line := range []string{
		"type=cdir;modify=20261124141500; /home/user",
		"type=pdir;modify=20261124141500; /home",
		"type=CDir; .",
		"type=pdir; ..",
	} {
		e := mustMLSx(t, line)
		if !e.Pseudo || e.Kind != Dir {
			t.Errorf("%q: Pseudo=%v Kind=%v, want pseudo dir", line, e.Pseudo, e.Kind)
		}
	}
	if e := mustMLSx(t, "type=dir; child"); e.Pseudo {
		t.Error("ordinary dir marked Pseudo")
	}
}

func TestMLSDSymlinkForms(t *testing.T) {
	for _, tc := range []struct{ line, name, target string }{
		{"type=OS.unix=slink:/usr/bin; bin", "bin", "/usr/bin"},
		{"type=OS.unix=symlink; link", "link", ""},
		{"type=os.UNIX=SLINK:rel/target;size=7; l", "l", "rel/target"},
		{"type=OS.unix=slink:/path with space;size=7; my link", "my link", "/path with space"},
	} {
		e := mustMLSx(t, tc.line)
		if e.Kind != Symlink || e.RawName != tc.name || e.Target != tc.target {
			t.Errorf("%q: got kind %v name %q target %q", tc.line, e.Kind, e.RawName, e.Target)
		}
	}
}

func TestMLSDOtherTypesAreOther(t *testing.T) {
	for _, line := range []string{"type=OS.unix=chr-13/29; tty", "type=weird; x", "size=3; no type"} {
		if e := mustMLSx(t, line); e.Kind != Other {
			t.Errorf("%q: Kind = %v, want other", line, e.Kind)
		}
	}
}

func TestMLSDModifyAcceptsFractionalSeconds(t *testing.T) {
	e := mustMLSx(t, "type=file;modify=20050607212233.456; f")
	want := time.Date(2005, 6, 7, 21, 22, 33, 456e6, time.UTC)
	if !e.ModTime.Equal(want) || e.Precision != TimeSecond {
		t.Errorf("ModTime = %v (%v), want %v", e.ModTime, e.Precision, want)
	}
	if e.ModTime.Location() != time.UTC {
		t.Errorf("MLSD time not in UTC: %v", e.ModTime.Location())
	}
}

func TestMLSDKeepsNameIntact(t *testing.T) {
	for _, tc := range []struct{ line, name string }{
		{"type=file; a; b=c d ", "a; b=c d "},
		{"type=file;   three leading", "  three leading"},
		{"type=file; ;", ";"},
		{"type=file;size=1; name;with;semis", "name;with;semis"},
		{"type=file; trailing space ", "trailing space "},
	} {
		if e := mustMLSx(t, tc.line); e.RawName != tc.name {
			t.Errorf("%q: RawName = %q, want %q", tc.line, e.RawName, tc.name)
		}
	}
}

func TestMLSDToleratesMissingFinalSemicolon(t *testing.T) {
	e := mustMLSx(t, "type=file;size=42 name with spaces")
	if e.RawName != "name with spaces" || e.Size != 42 || e.Kind != File {
		t.Errorf("got %+v", e)
	}
}

func TestMLSDEntryWithoutFacts(t *testing.T) {
	for _, tc := range []struct{ line, name string }{
		{" plain", "plain"},
		{" a=b", "a=b"}, // looks like a fact, but there is no pathname after it
	} {
		e := mustMLSx(t, tc.line)
		if e.RawName != tc.name || e.Kind != Other || e.Size != -1 {
			t.Errorf("%q: got %+v", tc.line, e)
		}
	}
}

func TestMLSDUnixModeIsOctal(t *testing.T) {
	for _, tc := range []struct {
		v    string
		want fs.FileMode
	}{
		{"0644", 0644},
		{"644", 0644},
		{"4755", fs.ModeSetuid | 0755},
		{"02775", fs.ModeSetgid | 0775},
		{"1777", fs.ModeSticky | 0777},
	} {
		e := mustMLSx(t, "type=file;unix.mode="+tc.v+"; f")
		if !e.HasMode || e.Mode != tc.want {
			t.Errorf("unix.mode=%s: Mode = %v (%v), want %v", tc.v, e.Mode, e.HasMode, tc.want)
		}
	}
	if e, err := ParseMLSx("type=file;unix.mode=0899; f"); !errors.Is(err, ErrUnrecognized) {
		t.Errorf("non-octal unix.mode accepted: %+v", e)
	}
}

func TestMLSDOwnerPrefersNamesOverIDs(t *testing.T) {
	e := mustMLSx(t, "type=file;UNIX.ownername=alice;unix.uid=1000;unix.owner=1000;UNIX.gid=100;UNIX.groupname=staff; f")
	if e.Owner != "alice" || e.Group != "staff" {
		t.Errorf("Owner/Group = %q/%q", e.Owner, e.Group)
	}
	e = mustMLSx(t, "type=file;unix.uid=1000;unix.gid=100; f")
	if e.Owner != "1000" || e.Group != "100" {
		t.Errorf("Owner/Group = %q/%q", e.Owner, e.Group)
	}
}

func TestMLSDSizdGivesDirectorySize(t *testing.T) {
	if e := mustMLSx(t, "type=dir;sizd=4096; d"); e.Size != 4096 {
		t.Errorf("Size = %d", e.Size)
	}
	if e := mustMLSx(t, "type=file;size=1;sizd=4096; f"); e.Size != 1 {
		t.Errorf("size should win over sizd, Size = %d", e.Size)
	}
}

// A malformed value of a fact ferry reads makes the line not
// understood: an entry with a guessed size or time would be a misread.
func TestMLSDMalformedFactValuesRejectTheLine(t *testing.T) {
	for _, line := range []string{
		"type=file;size=12a; f",
		"type=file;size=; f",
		"type=file;size=-1; f",
		"type=dir;sizd=x; d",
		"type=file;modify=2026; f",
		"type=file;modify=20260230120000; f", // Feb 30
		"type=file;modify=20261124251500; f", // hour 25
		"type=file;modify=2026112414150x; f",
		"type=file;unix.mode=rwx; f",
	} {
		if e, err := ParseMLSx(line); !errors.Is(err, ErrUnrecognized) {
			t.Errorf("ParseMLSx(%q) = %+v, %v; want ErrUnrecognized", line, e, err)
		}
	}
	// Facts ferry does not interpret may hold anything; an empty perm is
	// a valid value.
	e := mustMLSx(t, "type=file;perm=;x.weird=!!;size=3; f")
	if e.Size != 3 || e.Perm != "" || e.RawName != "f" {
		t.Errorf("got %+v", e)
	}
}

func TestMLSDPathnameForms(t *testing.T) {
	for _, tc := range []struct {
		name, line, want string
		kind             Kind
	}{
		{"tab between facts and name", "type=file;size=1;\tname with tab sep", "name with tab sep", File},
		{"line starting with a space has no facts", " type=file;size=5; /pub/file.txt", "type=file;size=5; /pub/file.txt", Other},
		{"plain name after the space", " plain", "plain", Other},
		{"a name that is a single space", "type=file;size=1;  ", " ", File},
		{"a name of spaces", "type=dir;   ", "  ", Dir},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := mustMLSx(t, tc.line)
			if e.RawName != tc.want || e.Kind != tc.kind {
				t.Errorf("%q: RawName %q kind %v, want %q %v", tc.line, e.RawName, e.Kind, tc.want, tc.kind)
			}
		})
	}
}

func TestMLSDRejectsLinesWithoutPathname(t *testing.T) {
	for _, line := range []string{"", "type=file;size=1;", "type=file; ", "garbage line here", "=x; name"} {
		if e, err := ParseMLSx(line); !errors.Is(err, ErrUnrecognized) {
			t.Errorf("ParseMLSx(%q) = %+v, %v; want ErrUnrecognized", line, e, err)
		}
	}
}

func TestMLSDStripsLineEnding(t *testing.T) {
	e := mustMLSx(t, "type=file; f\r\n")
	if e.RawName != "f" || e.Raw != "type=file; f" {
		t.Errorf("RawName %q Raw %q", e.RawName, e.Raw)
	}
}

func TestMLSDEscapesInvalidNameForDisplay(t *testing.T) {
	e := mustMLSx(t, "type=file; caf\xe9")
	if e.RawName != "caf\xe9" || e.Name != `caf\xe9` {
		t.Errorf("RawName %q Name %q", e.RawName, e.Name)
	}
}
