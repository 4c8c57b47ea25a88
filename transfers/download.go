package transfers

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"ferry/protocol"
	"ferry/protocol/listing"
)

// partSuffix marks a download in progress: NAME.part grows until the file
// is complete and verified, and is then renamed to NAME.
const partSuffix = ".part"

// localPath turns a job's '/'-separated Local into a path for its os.Root,
// refusing anything that is not local to the root ("..", absolute paths,
// reserved names); "" is the root itself.
func localPath(p string) (string, error) {
	if p == "" {
		return ".", nil
	}
	lp := filepath.FromSlash(p)
	if !filepath.IsLocal(lp) {
		return "", failf("local path %q leaves the target folder", p)
	}
	return lp, nil
}

// download fetches one file into LocalRoot/Local through NAME.part.
func (w *worker) download(a *attempt) error {
	s := &a.spec
	local, err := localPath(s.Local)
	if err != nil || local == "." {
		return errors.Join(err, failf("download of %q has no local name", s.Remote))
	}
	root, err := w.q.root(s.LocalRoot)
	if err != nil {
		return err
	}
	conn, err := w.connect(a.ctx, s.Site)
	if err != nil {
		return err
	}
	src := s.Source
	if !src.Known || src.Size < 0 {
		size, err := conn.Size(a.ctx, s.Remote)
		if err != nil && !isUnsupported(err) {
			return err
		}
		if err != nil {
			size = -1
		}
		if !src.Known {
			src = Facts{Known: true}
		}
		src.Size = size
	}
	a.j.total.Store(src.Size)

	// The target: settle an existing file by the policy.
	if fi, err := root.Lstat(local); err == nil {
		if !fi.Mode().IsRegular() {
			return failf("%s exists and is not a regular file", s.Local)
		}
		dst := FileFacts(fi)
		if a.policy == OverwriteIfNewer && src.Precision < listing.TimeSecond && conn.HasFeature("MDTM") {
			if t, err := conn.ModTime(a.ctx, s.Remote); err == nil {
				src.ModTime, src.Precision = t, listing.TimeSecond
			}
		}
		act, why := decide(a.policy, src, dst)
		switch act {
		case actAsk:
			return &conflictError{ConflictInfo{Target: s.Local, Source: src, Exists: dst}}
		case actSkip:
			a.j.done.Store(dst.Size)
			return skipf("%s", why)
		case actRename:
			n := 1
			for {
				alt := numbered(s.Local, n)
				lp, err := localPath(alt)
				if err != nil {
					return err
				}
				if _, err := root.Lstat(lp); errors.Is(err, fs.ErrNotExist) {
					if _, err := root.Lstat(lp + partSuffix); errors.Is(err, fs.ErrNotExist) {
						s.Local, local = alt, lp
						w.q.renamed(a.j, s.Local, s.Remote)
						break
					}
				}
				n++
			}
		case actResume:
			// Continue the target itself: it becomes the part.
			if _, err := root.Lstat(local + partSuffix); errors.Is(err, fs.ErrNotExist) {
				if err := root.Rename(local, local+partSuffix); err != nil {
					return err
				}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	// A part left by an earlier attempt is continued when it can be a
	// prefix of the source, that is when it is not longer; should the
	// source have changed meanwhile, the size check below catches it.
	part := local + partSuffix
	var offset int64
	if fi, err := root.Lstat(part); err == nil {
		if !fi.Mode().IsRegular() {
			return failf("%s exists and is not a regular file", s.Local+partSuffix)
		}
		if src.Size >= 0 && fi.Size() <= src.Size {
			offset = fi.Size()
		}
	}
	flags := os.O_WRONLY | os.O_CREATE
	if offset == 0 {
		flags |= os.O_TRUNC
	}
	f, err := root.OpenFile(part, flags, 0o644)
	if errors.Is(err, fs.ErrNotExist) {
		if err = root.MkdirAll(filepath.Dir(local), 0o755); err == nil {
			f, err = root.OpenFile(part, flags, 0o644)
		}
	}
	if err != nil {
		return err
	}
	if offset > 0 {
		if _, err := f.Seek(offset, 0); err != nil {
			f.Close()
			return err
		}
	}
	w.q.progressFrom(a.j, offset)
	if offset == 0 || offset < src.Size {
		t, err := conn.Open(a.ctx, s.Remote, offset)
		if err != nil {
			f.Close()
			if offset == 0 {
				root.Remove(part) // nothing came: leave nothing behind
			}
			return err
		}
		if _, err := w.copyDown(f, t, a.j); err != nil {
			f.Close()
			return abort(t, err)
		}
		if err := t.Close(); err != nil {
			f.Close()
			return err
		}
	}
	fi, err := f.Stat()
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}

	// Verify: the listing's size, else (or when they differ, as when the
	// file changed since it was listed) the server's SIZE.
	got := fi.Size()
	if src.Size < 0 || got != src.Size {
		size, err := conn.Size(a.ctx, s.Remote)
		switch {
		case err == nil && size != got:
			root.Remove(part)
			return failf("size mismatch: received %d bytes, the server has %d", got, size)
		case err != nil && src.Size >= 0:
			root.Remove(part)
			return failf("size mismatch: received %d bytes, the listing said %d", got, src.Size)
		}
	}

	mtime := src.ModTime
	if src.Precision < listing.TimeSecond && conn.HasFeature("MDTM") {
		if t, err := conn.ModTime(a.ctx, s.Remote); err == nil {
			mtime = t
		}
	}
	if !mtime.IsZero() {
		if err := root.Chtimes(part, time.Time{}, mtime); err != nil {
			return err
		}
	}
	return root.Rename(part, local)
}

// isUnsupported reports a permanent refusal of an optional command (SIZE,
// MDTM on a server without them): 500, 501, 502 or 504.
func isUnsupported(err error) bool {
	var fe *protocol.Error
	if !errors.As(err, &fe) {
		return false
	}
	switch fe.Code {
	case protocol.CodeSyntaxError, protocol.CodeArgumentSyntaxError, protocol.CodeNotImplemented, protocol.CodeParamNotImplemented:
		return true
	}
	return false
}

// expandDownload lists a remote directory, creates its local copy, and
// queues its contents. Names the server sends that could leave the
// folder are never used: they become skipped jobs with the reason.
func (w *worker) expandDownload(a *attempt) error {
	s := &a.spec
	local, err := localPath(s.Local)
	if err != nil {
		return err
	}
	root, err := w.q.root(s.LocalRoot)
	if err != nil {
		return err
	}
	conn, err := w.connect(a.ctx, s.Site)
	if err != nil {
		return err
	}
	l, err := conn.List(a.ctx, s.Remote)
	if err != nil {
		return err
	}
	if err := root.MkdirAll(local, 0o755); err != nil {
		return err
	}
	slices.SortFunc(l.Entries, func(x, y listing.Entry) int { return strings.Compare(x.RawName, y.RawName) })
	children := make([]child, 0, len(l.Entries))
	for i := range l.Entries {
		e := &l.Entries[i]
		c := child{spec: Spec{Site: s.Site, Direction: Download, LocalRoot: s.LocalRoot}}
		name := e.RawName
		if e.Unsafe() || !filepath.IsLocal(filepath.FromSlash(name)) {
			c.spec.Remote = strings.TrimSuffix(s.Remote, "/") + "/" + e.Name
			c.state, c.reason = Skipped, "unsafe name "+quote(e.Name)+": not written locally"
			children = append(children, c)
			continue
		}
		c.spec.Remote = path.Join(s.Remote, name)
		c.spec.Local = path.Join(s.Local, name)
		switch e.Kind {
		case listing.Dir:
			c.spec.Dir = true
		case listing.File:
			c.spec.Source = EntryFacts(e)
		case listing.Symlink:
			c.state, c.reason = Skipped, "symbolic link"+arrow(e.Target)+": not followed"
		default:
			c.state, c.reason = Skipped, "not a regular file"
		}
		children = append(children, c)
	}
	w.q.expand(a, children)
	if l.BadCount > 0 {
		return failf("%d listing lines not understood (first: %s); their files were not queued", l.BadCount, quote(l.Bad[0].Text))
	}
	return nil
}

func quote(s string) string { return `"` + s + `"` }

func arrow(target string) string {
	if target == "" {
		return ""
	}
	return " to " + quote(target)
}
