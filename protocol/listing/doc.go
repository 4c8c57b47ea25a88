// Package listing turns FTP directory listings into Entry values.
//
// It understands the machine-readable MLSD/MLST format of RFC 3659 and the
// free-form LIST output of the servers a file manager meets in practice:
// Unix "ls -l" (with its many variants: dates in other languages and CJK
// dates, also in legacy charsets, numeric and one-token dates, sizes with
// units, MacWebStar, NetWare, Connect:Enterprise, numeric modes), DOS/IIS,
// EPLF, VMS, OS/2 and AS/400. A listing's dialect is detected from its
// first entry and held for the rest of it: a line of another family is
// reported as not understood rather than mixed in. A Parser remembers the
// dialect, so a connection that keeps one Parser tries it first on its
// next listing (and detects again if that listing is different).
//
// The package knows nothing about connections, transfers or the user
// interface: it reads bytes (a Scanner streams an io.Reader line by line
// with bounded memory) or single lines and returns entries. Lines that no
// parser understands are never dropped silently and never become bogus
// entries; a Scanner collects them as BadLine values.
//
// # Names
//
// Entry.RawName holds the name exactly as the server sent it; it is what
// must be sent back to the server to download, rename or delete the file.
// Entry.Name is the same name made safe for display: valid UTF-8, with
// invalid bytes, control characters and bidi controls escaped (for example
// \xff or \u202e).
// Entry.Unsafe reports names that must never be used as a local path
// component (empty, ".", "..", containing '/', '\\', or any control or
// bidi character); Entry.Unjoinable the narrower set that cannot even be
// joined to a remote path.
// Callers creating local files should additionally check the result with
// filepath.IsLocal, which also knows Windows reserved names.
//
// # Times
//
// Entry.ModTime is only as good as the listing: Entry.Precision says
// whether it is exact to the second (MLSD "modify", EPLF), to the minute
// (most LIST dates), to the day (LIST dates showing a year instead of a
// time) or unknown. Unix LIST dates without a year have their year guessed
// from Options.Now (see Entry.YearGuessed); such a time is never exact.
// MLSD times are UTC as RFC 3659 requires; LIST times are read in
// Options.Location (the server's time zone, UTC when not set).
//
// A Parser and a Scanner are not safe for concurrent use.
package listing
