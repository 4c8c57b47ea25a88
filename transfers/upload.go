package transfers

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"ferry/protocol"
	"ferry/protocol/listing"
)

// upload sends LocalRoot/Local to Remote. It writes the final name
// directly (servers offer no atomic replace), records that it did, and a
// later attempt continues from the size the server has (REST+STOR).
func (w *worker) upload(a *attempt) error {
	s := &a.spec
	local, err := localPath(s.Local)
	if err != nil || local == "." {
		return errors.Join(err, failf("upload to %q has no local file", s.Remote))
	}
	root, err := w.q.root(s.LocalRoot)
	if err != nil {
		return err
	}
	f, err := root.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() {
		return failf("%s is not a regular file", s.Local)
	}
	src := FileFacts(fi)
	a.j.total.Store(src.Size)
	conn, err := w.connect(a.ctx, s.Site)
	if err != nil {
		return err
	}

	offset, err := w.settleRemoteTarget(a, conn, src, &s.Remote, a.policy != Overwrite, func(alt string) { w.q.renamed(a.j, s.Local, alt) })
	if err != nil {
		return err
	}
	if offset > 0 {
		if _, err := f.Seek(offset, 0); err != nil {
			return err
		}
	}
	w.q.progressFrom(a.j, offset)
	w.q.markStarted(a.j)
	// The size check follows the upload without a round trip of its
	// own: with pipelining it leaves as soon as the data is sent. So does
	// MFMT when the size is all there is to verify (a file whose size is
	// wrong is sent again by every policy, whatever its time); with a
	// hash to check, the time is set only on a verified file.
	hashed, _ := conn.HashMethod()
	mfmt := conn.HasFeature("MFMT")
	after := []string{"SIZE " + s.Remote}
	if mfmt && hashed == "" {
		after = append(after, mfmtLine(s.Remote, src.ModTime))
	}
	var replies []*protocol.Reply
	if offset == 0 || offset < src.Size {
		t, err := conn.Create(a.ctx, s.Remote, offset)
		if err != nil {
			return err
		}
		if _, err := w.copyUp(t, w.q.limited(a.ctx, f), a.j); err != nil {
			return abort(t, err)
		}
		if replies, err = t.CloseBatch(after...); err != nil {
			return err
		}
	} else if replies, err = conn.Batch(a.ctx, after...); err != nil {
		return err
	}
	switch size, err := protocol.SizeReply(replies[0]); {
	case err == nil && size != src.Size:
		return failf("size mismatch: sent %d bytes, the server has %d", src.Size, size)
	case err != nil && !isUnsupported(err):
		return err
	}
	if err := verifyUpload(a, conn, f); err != nil {
		w.q.unmarkStarted(a.j) // a retry sends the file whole, not from the server's size
		return err
	}
	var mfmtErr error
	switch {
	case len(replies) > 1:
		mfmtErr = replies[1].Check("MFMT", 2)
	case mfmt:
		mfmtErr = conn.SetModTime(a.ctx, s.Remote, src.ModTime)
	}
	if mfmtErr != nil && !errors.Is(mfmtErr, protocol.ErrPermanent) {
		return mfmtErr
	}
	return nil
}

// mfmtLine is the MFMT command that sets remote's time to t.
func mfmtLine(remote string, t time.Time) string {
	return "MFMT " + t.UTC().Format("20060102150405") + " " + remote
}

// remoteFile finds out whether an upload's target exists: from the
// parent directory's listing when the directory job made one, else with
// SIZE (and MDTM when the policy compares times).
func (w *worker) remoteFile(a *attempt, conn *protocol.Conn, remote string, needTime bool) (Facts, bool, error) {
	if a.target.listed {
		return a.target.facts, a.target.exists, nil
	}
	size, err := conn.Size(a.ctx, remote)
	if err != nil {
		if errors.Is(err, protocol.ErrPermanent) {
			return Facts{}, false, nil // 550: no such file (or no SIZE at all)
		}
		return Facts{}, false, err
	}
	f := Facts{Known: true, Size: size}
	if needTime {
		if t, err := conn.ModTime(a.ctx, remote); err == nil {
			f.ModTime, f.Precision = t, listing.TimeSecond
		}
	}
	return f, true, nil
}

// expandUpload creates a remote directory (or finds it there), reads the
// local one and queues its contents. A directory it created is empty, so
// its files are known to be new; an existing one is listed once, which
// spares each file a SIZE round trip.
func (w *worker) expandUpload(a *attempt) error {
	s := &a.spec
	local, err := localPath(s.Local)
	if err != nil {
		return err
	}
	root, err := w.q.root(s.LocalRoot)
	if err != nil {
		return err
	}
	d, err := root.Open(local)
	if err != nil {
		return err
	}
	entries, err := d.ReadDir(-1)
	d.Close()
	if err != nil {
		return err
	}
	conn, err := w.connect(a.ctx, s.Site)
	if err != nil {
		return err
	}
	existing, err := w.remoteDir(a.ctx, conn, s.Remote, a.j.parent == 0)
	if err != nil {
		return err
	}
	slices.SortFunc(entries, func(x, y fs.DirEntry) int { return strings.Compare(x.Name(), y.Name()) })
	children := make([]child, 0, len(entries))
	for _, e := range entries {
		name := e.Name()
		c := child{spec: Spec{
			Site: s.Site, Direction: Upload, LocalRoot: s.LocalRoot,
			Remote: path.Join(s.Remote, name), Local: path.Join(s.Local, name),
		}}
		switch t := e.Type(); {
		case listing.UnsafeName(name): // control or bidi characters: the server would show them to the next user
			c.spec.Remote = path.Join(s.Remote, listing.DisplayName(name))
			c.state, c.reason = Skipped, "unsafe name "+quote(listing.DisplayName(name))+": not sent"
		case t.IsDir():
			c.spec.Dir = true
		case t.IsRegular():
			if fi, err := e.Info(); err == nil {
				c.spec.Source = FileFacts(fi)
			}
			c.target.listed = true
			if existing != nil {
				var ent listing.Entry
				ent, c.target.exists = existing[name]
				if c.target.exists {
					c.target.facts = EntryFacts(&ent)
				}
			}
		case t&fs.ModeSymlink != 0:
			c.state, c.reason = Skipped, "symbolic link: not followed"
		default:
			c.state, c.reason = Skipped, "not a regular file"
		}
		children = append(children, c)
	}
	w.q.expand(a, children)
	return nil
}

// remoteDir makes sure the directory exists on the server, creating its
// parents too when it is the top of the tree (top). It returns nil when it
// just created the directory (so it is empty), else what it holds.
func (w *worker) remoteDir(ctx context.Context, conn *protocol.Conn, dir string, top bool) (map[string]listing.Entry, error) {
	if dir != "" && dir != "/" && dir != "." {
		_, mkErr := conn.MakeDir(ctx, dir)
		if mkErr == nil {
			return nil, nil
		}
		if !errors.Is(mkErr, protocol.ErrPermanent) {
			return nil, mkErr
		}
		// It exists, or (for the top of a tree) its parents do not.
		// Listing cannot tell: vsftpd lists a missing directory as empty.
		if top && strings.Contains(strings.Trim(dir, "/"), "/") {
			parts := strings.Split(strings.Trim(dir, "/"), "/")
			prefix := ""
			if strings.HasPrefix(dir, "/") {
				prefix = "/"
			}
			for _, p := range parts[:len(parts)-1] {
				prefix = path.Join(prefix, p)
				conn.MakeDir(ctx, prefix) // an existing one refuses; the last MKD tells
			}
			if _, err := conn.MakeDir(ctx, dir); err == nil {
				return nil, nil
			}
		}
	}
	l, err := conn.List(ctx, dir)
	if err != nil {
		return nil, err
	}
	return entryMap(l), nil
}

func entryMap(l *protocol.Listing) map[string]listing.Entry {
	m := make(map[string]listing.Entry, len(l.Entries))
	for _, e := range l.Entries {
		m[e.RawName] = e
	}
	return m
}

// verifyUpload compares the server's hash of an uploaded file, when it
// offers one, with the local file's: a mismatch fails the job (the
// server's copy is wrong and the next attempt sends it whole again).
func verifyUpload(a *attempt, conn *protocol.Conn, f *os.File) error {
	algo, cmd := conn.HashMethod()
	if algo == "" {
		conn.Note("%s: size verified (the server offers no hash command)", a.spec.Remote)
		return nil
	}
	d, err := conn.Hash(a.ctx, a.spec.Remote)
	if errors.Is(err, protocol.ErrPermanent) {
		conn.Note("%s: size verified; %s refused (%v)", a.spec.Remote, cmd, err)
		return nil
	}
	if err != nil {
		return err
	}
	h := protocol.NewHash(d.Algo)
	if _, err := io.Copy(h, io.NewSectionReader(f, 0, 1<<62)); err != nil {
		return err
	}
	if !d.Equal(h.Sum(nil)) {
		return failf("checksum mismatch: the %s of the local file is %x, the server's copy (%s) has %x", d.Algo, h.Sum(nil), d.Command, d.Sum)
	}
	conn.Note("%s: %s verified with %s", a.spec.Remote, d.Algo, d.Command)
	return nil
}

// settleRemoteTarget decides what a job writing to a server does about
// its target *remote: continue its own earlier attempt from the size the
// server has, or (when look is set; Overwrite replaces whatever is there,
// so asking would only cost a round trip) settle an existing file by the
// policy: a conflict, a skip, a new name (given to renamed and stored in
// *remote), a resume, or a fresh start. It returns the offset to write
// from.
func (w *worker) settleRemoteTarget(a *attempt, conn *protocol.Conn, src Facts, remote *string, look bool, renamed func(string)) (int64, error) {
	if a.started {
		// Our own earlier attempt: continue it.
		size, err := conn.Size(a.ctx, *remote)
		switch {
		case err == nil && size <= src.Size:
			return size, nil
		case err != nil && !errors.Is(err, protocol.ErrPermanent):
			return 0, err
		}
		return 0, nil
	}
	if !look {
		return 0, nil
	}
	dst, exists, err := w.remoteFile(a, conn, *remote, a.policy == OverwriteIfNewer)
	if err != nil || !exists {
		return 0, err
	}
	act, why := decide(a.policy, src, dst)
	switch act {
	case actAsk:
		return 0, &conflictError{ConflictInfo{Target: *remote, Source: src, Exists: dst}}
	case actSkip:
		a.j.done.Store(src.Size)
		return 0, skipf("%s", why)
	case actRename:
		for n := 1; ; n++ {
			alt := numbered(*remote, n)
			_, taken, err := w.remoteFile(&attempt{ctx: a.ctx}, conn, alt, false)
			if err != nil {
				return 0, err
			}
			if !taken {
				*remote = alt
				renamed(alt)
				return 0, nil
			}
		}
	case actResume:
		return dst.Size, nil
	}
	return 0, nil
}
