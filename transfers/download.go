package transfers

import (
	"context"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
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
		if a.policy == OverwriteIfNewer {
			exactTime(a.ctx, conn, s.Remote, &src)
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
			// Continue the target itself, as the user chose: it becomes
			// the partial, recorded as this source's.
			part, err := localPath(s.partPath())
			if err != nil {
				return err
			}
			if _, err := root.Lstat(part); errors.Is(err, fs.ErrNotExist) {
				if err := root.Rename(local, part); err != nil {
					return err
				}
				if rec, known := recordOf(s, src); known {
					if err := w.q.partials.store(filepath.Join(s.LocalRoot, part), rec); err != nil {
						return err
					}
				}
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}

	// A partial left by an earlier attempt is continued only when the
	// journal proves it belongs to this very source (same site, path,
	// size and time); anything else starts over.
	partRel := s.partPath()
	part, err := localPath(partRel)
	if err != nil || part == local {
		return errors.Join(err, failf("download of %q has no partial name", s.Remote))
	}
	partKey := filepath.Join(s.LocalRoot, part)
	var offset int64
	var ranges []segRange // a segmented download's, resumed or fresh
	if fi, err := root.Lstat(part); err == nil {
		if !fi.Mode().IsRegular() {
			return failf("%s exists and is not a regular file", partRel)
		}
		if fi.Size() > 0 && fi.Size() <= src.Size {
			exactTime(a.ctx, conn, s.Remote, &src)
			now, known := recordOf(s, src)
			rec, ok := w.q.partials.load(partKey)
			// A segmented partial is as long as the file from the
			// start; any other length is not the one its ranges describe.
			ok = ok && known && rec.matches(now) && (rec.Ranges == nil || fi.Size() == src.Size && rangesCover(rec.Ranges, src.Size))
			if ok {
				if ranges = rec.Ranges; ranges == nil {
					offset = fi.Size()
				}
			} else {
				conn.Note("%s: the partial %s is not proven to be of this file; starting over", s.Remote, partRel)
			}
		}
	}
	// The file's time to the second, when the listing gave less, comes
	// with the download's own commands (MDTM before RETR, no round trip
	// of its own when pipelining). The partial's journal record needs it
	// and is written before any byte.
	transfer := offset == 0 || offset < src.Size
	resumed := ranges != nil
	if !resumed && offset == 0 {
		if n := w.segmentsFor(a, conn, src); n > 1 {
			ranges = splitRanges(src.Size, n)
		}
	}
	if ranges != nil && !resumed {
		// A segmented download's record is written before its ranges
		// start, on several connections: the time comes first.
		exactTime(a.ctx, conn, s.Remote, &src)
	}
	var before []string
	mdtm := transfer && ranges == nil && src.Precision < listing.TimeSecond && conn.HasFeature("MDTM")
	if mdtm {
		before = append(before, "MDTM "+s.Remote)
	}
	// The server's hash of a small file (quick for it to compute) travels
	// ahead of the download too, instead of a round trip after it.
	var hashAhead func([]*protocol.Reply) (protocol.Digest, error)
	if transfer && ranges == nil && offset == 0 && src.Size >= 0 && src.Size <= smallFile {
		if lines, read := conn.HashRequest(s.Remote); lines != nil {
			before = append(before, lines...)
			hashAhead = read
		}
	}
	journal := func() error {
		if offset > 0 || resumed {
			return nil
		}
		if rec, known := recordOf(s, src); known {
			rec.Ranges = ranges
			return w.q.partials.store(partKey, rec)
		}
		w.q.partials.remove(partKey)
		if ranges != nil {
			// Unproven ranges could never be resumed: one stream.
			ranges = nil
		}
		return nil
	}
	if before == nil {
		if err := journal(); err != nil {
			return err
		}
	}
	flags := os.O_RDWR | os.O_CREATE // read back to hash a resumed part
	if offset == 0 && !resumed {
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
	// discard ends a download whose data cannot be trusted: nothing of it
	// is kept, under the final name or as a partial to resume.
	discard := func(err error) error {
		root.Remove(part)
		w.q.partials.remove(partKey)
		return err
	}

	// The server's hash, when it offers one, is checked against what
	// arrived: the part already on disk is read back into the hash first.
	var sum hash.Hash
	// serverSum gives the server's hash of the file: asked for ahead of
	// the download, or after it.
	serverSum := func() (protocol.Digest, error) { return conn.Hash(a.ctx, s.Remote) }
	algo, hashCmd := conn.HashMethod()
	if algo != "" {
		sum = protocol.NewHash(algo)
		if offset > 0 {
			if _, err := io.Copy(sum, io.NewSectionReader(f, 0, offset)); err != nil {
				f.Close()
				return err
			}
		}
	}
	if offset > 0 {
		if _, err := f.Seek(offset, 0); err != nil {
			f.Close()
			return err
		}
	}
	if ranges != nil {
		got := int64(0)
		for _, r := range ranges {
			got += r.Done
		}
		w.q.progressFrom(a.j, got)
		if !resumed {
			if err := f.Truncate(src.Size); err != nil {
				f.Close()
				return discard(err)
			}
		}
		rec, _ := recordOf(s, src)
		err := w.segmented(a, conn, f, src.Size, ranges, func(rs []segRange) error {
			r := rec // the ranges save from several goroutines
			r.Ranges = rs
			return w.q.partials.store(partKey, r)
		})
		if err == nil && sum != nil {
			_, err = io.Copy(sum, io.NewSectionReader(f, 0, src.Size))
		}
		if err != nil {
			f.Close()
			if untrusted(err) {
				return discard(failf("%s: %v", s.Remote, err))
			}
			return err
		}
	} else if w.q.progressFrom(a.j, offset); transfer {
		t, replies, err := conn.OpenBatch(a.ctx, s.Remote, offset, before...)
		if mdtm && len(replies) > 0 {
			if mt, err := protocol.ModTimeReply(replies[0]); err == nil {
				src.ModTime, src.Precision = mt, listing.TimeSecond
			}
		}
		if hashAhead != nil {
			if mdtm && len(replies) > 0 {
				replies = replies[1:]
			}
			d, herr := hashAhead(replies)
			serverSum = func() (protocol.Digest, error) { return d, herr }
		}
		if err == nil && before != nil {
			if err = journal(); err != nil {
				abort(t, err)
			}
		}
		if err != nil {
			f.Close()
			if offset == 0 {
				discard(nil) // nothing came: leave nothing behind
			}
			return err
		}
		if src.Size >= 0 {
			t.Expect(src.Size - offset)
		}
		var dst io.Writer = f
		if sum != nil {
			dst = io.MultiWriter(f, sum)
		}
		if _, err := w.copyDown(dst, w.q.limited(a.ctx, t), a.j); err != nil {
			f.Close()
			err = abort(t, err)
			if untrusted(err) {
				return discard(failf("%s: %v", s.Remote, err))
			}
			return err
		}
		if err := t.Close(); err != nil {
			f.Close()
			if untrusted(err) {
				return discard(failf("%s: %v", s.Remote, err))
			}
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
			return discard(failf("size mismatch: received %d bytes, the server has %d", got, size))
		case err != nil && src.Size >= 0:
			return discard(failf("size mismatch: received %d bytes, the listing said %d", got, src.Size))
		}
	}
	if sum != nil {
		d, err := serverSum()
		switch {
		case err == nil && !d.Equal(sum.Sum(nil)):
			return discard(failf("checksum mismatch: the %s of the received file is %x, the server's (%s) is %x", d.Algo, sum.Sum(nil), d.Command, d.Sum))
		case err == nil:
			conn.Note("%s: %d bytes, %s verified with %s", s.Remote, got, d.Algo, d.Command)
		case errors.Is(err, protocol.ErrPermanent):
			conn.Note("%s: %d bytes, size verified; %s refused (%v)", s.Remote, got, hashCmd, err)
		default:
			return err
		}
	} else {
		conn.Note("%s: %d bytes, size verified (the server offers no hash command)", s.Remote, got)
	}

	exactTime(a.ctx, conn, s.Remote, &src)
	if !src.ModTime.IsZero() {
		if err := root.Chtimes(part, time.Time{}, src.ModTime); err != nil {
			return err
		}
	}
	if err := root.Rename(part, local); err != nil {
		return err
	}
	w.q.partials.remove(partKey)
	return nil
}

// exactTime asks the server for a source's time to the second (MDTM)
// when what is known of it is coarser, and keeps it in src.
func exactTime(ctx context.Context, conn *protocol.Conn, remote string, src *Facts) {
	if src.Precision >= listing.TimeSecond || !conn.HasFeature("MDTM") {
		return
	}
	if t, err := conn.ModTime(ctx, remote); err == nil {
		src.ModTime, src.Precision = t, listing.TimeSecond
	}
}

// untrusted reports a failure that makes the received data worthless:
// the server sent more, or less, than the file's size.
func untrusted(err error) bool {
	return errors.Is(err, protocol.ErrDataOverrun) || errors.Is(err, protocol.ErrDataShort)
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
	// The listing streams into compact children (see lazy.go): only what
	// a job will need is kept of each entry, never the whole listing.
	var settled []child  // skipped or failed at once, with the reason
	var lazy []lazyChild // to copy
	settledNames := make(map[string]struct{})
	settle := func(e *listing.Entry, state State, reason string) {
		settledNames[e.RawName] = struct{}{}
		c := child{spec: Spec{Site: s.Site, Direction: Download, LocalRoot: s.LocalRoot, Segments: s.Segments}, state: state, reason: reason}
		c.spec.Remote = strings.TrimSuffix(s.Remote, "/") + "/" + e.Name
		if state == Failed {
			c.spec.Remote = path.Join(s.Remote, e.RawName)
			c.spec.Local = path.Join(s.Local, e.RawName)
			c.spec.Dir = true
		}
		settled = append(settled, c)
	}
	l, err := conn.ListFunc(a.ctx, s.Remote, func(e *listing.Entry) error {
		name := e.RawName
		if e.Unsafe() || !filepath.IsLocal(filepath.FromSlash(name)) {
			settle(e, Skipped, "unsafe name "+quote(e.Name)+": not written locally")
			return nil
		}
		switch e.Kind {
		case listing.Dir:
			id := "path:" + path.Clean("/"+path.Join(s.Remote, name))
			if e.Unique != "" {
				id = "unique:" + e.Unique
			}
			switch {
			case slices.Contains(s.Seen, id):
				settle(e, Failed, "folder loop: it is a folder this copy is already inside of; not followed")
			case s.Depth+1 > w.q.opts.MaxDepth:
				settle(e, Failed, fmt.Sprintf("deeper than %d folders: not copied", w.q.opts.MaxDepth))
			default:
				lazy = append(lazy, lazyChild{name: name, aux: id, dir: true, size: -1})
			}
		case listing.File:
			c := lazyChild{name: name, size: e.Size, prec: e.Precision}
			if e.Precision != listing.TimeUnknown {
				c.mtime = e.ModTime.UnixNano()
			}
			lazy = append(lazy, c)
		case listing.Symlink:
			settle(e, Skipped, "symbolic link"+arrow(e.Target)+": not followed")
		default:
			settle(e, Skipped, "not a regular file")
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := root.MkdirAll(local, 0o755); err != nil {
		return err
	}
	slices.SortFunc(lazy, func(x, y lazyChild) int { return strings.Compare(x.name, y.name) })
	// A name listed twice is copied once: two jobs must never write the
	// same local path.
	lazy = slices.CompactFunc(lazy, func(x, y lazyChild) bool {
		if x.name == y.name {
			settled = append(settled, child{spec: Spec{Site: s.Site, Direction: Download, LocalRoot: s.LocalRoot,
				Remote: path.Join(s.Remote, y.name)}, state: Skipped, reason: "listed twice: only the first is copied"})
			return true
		}
		return false
	})
	// Each download's partial gets a name the listing does not hold and
	// no other job uses, chosen the same way every time.
	taken := func(name string) bool {
		if _, ok := settledNames[name]; ok {
			return true
		}
		_, ok := slices.BinarySearchFunc(lazy, name, func(c lazyChild, n string) int { return strings.Compare(c.name, n) })
		return ok
	}
	// An alternative is never another listed name's default partial: it
	// must not be taken, nor be a listed name plus ".part".
	chosen := make(map[string]struct{})
	for i := range lazy {
		c := &lazy[i]
		if c.dir || !taken(c.name+partSuffix) {
			continue
		}
		for n := 1; ; n++ {
			alt := c.name + "." + strconv.Itoa(n)
			part := alt + partSuffix
			if _, dup := chosen[part]; !dup && !taken(part) && !taken(alt) {
				chosen[part] = struct{}{}
				c.aux = part
				break
			}
		}
	}
	w.q.expandLazy(a, settled, slices.Clip(lazy))
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
