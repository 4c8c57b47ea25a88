package transfers

import (
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"

	"ferry/protocol"
	"ferry/protocol/listing"
)

// copy moves one file from a server to another (Site/Remote to
// DestSite/DestRemote): directly between the servers when the job asks for
// FXP and both can, otherwise relayed through this client, streaming from
// one connection into the other with one buffer, no temporary file. A
// relay resumes with REST on both sides, and is checked like any other
// transfer: the size on the target, and the two servers' hashes when both
// offer the same algorithm.
func (w *worker) copy(a *attempt) error {
	s := &a.spec
	from, err := w.connect(a.ctx, s.Site)
	if err != nil {
		return err
	}
	to, err := w.connectDest(a.ctx, s.DestSite)
	if err != nil {
		return err
	}
	src := s.Source
	if !src.Known || src.Size < 0 {
		size, err := from.Size(a.ctx, s.Remote)
		if err != nil {
			return err
		}
		src = Facts{Known: true, Size: size, ModTime: src.ModTime, Precision: src.Precision}
	}
	exactTime(a.ctx, from, s.Remote, &src)
	a.j.total.Store(src.Size)

	// The target's listing facts are not known here: remoteFile asks
	// the target server.
	target := &attempt{ctx: a.ctx, j: a.j, policy: a.policy, started: a.started}
	offset, err := w.settleRemoteTarget(target, to, src, &s.DestRemote, true, func(alt string) { w.q.renamedCopy(a.j, alt) })
	if err != nil {
		return err
	}
	w.q.progressFrom(a.j, offset)

	if offset < src.Size || src.Size == 0 {
		via := "relay"
		if s.FXP && !w.q.noFXP(s.Site, s.DestSite) {
			w.q.markStarted(a.j)
			err := protocol.FXP(a.ctx, from, to, s.Remote, s.DestRemote, src.Size, offset)
			switch {
			case err == nil:
				via = "fxp"
				a.j.done.Store(src.Size)
			case a.ctx.Err() != nil:
				return err
			default:
				// Refused before or during the copy (no SSCN, a PORT
				// refused, a 522 for a TLS session the other server could
				// not resume): this pair of sites relays from now on, this
				// file too, on connections in step again.
				w.q.refuseFXP(s.Site, s.DestSite)
				to.Note("%s: server-to-server copy failed (%v); relaying through this client", s.Remote, err)
				if from, to, err = w.copyConns(a); err != nil {
					return err
				}
			}
		}
		w.q.wentVia(a.j, via)
		if via == "relay" {
			if err := w.relay(a, from, to, src.Size, offset); err != nil {
				return err
			}
		}
	}

	size, err := to.Size(a.ctx, s.DestRemote)
	switch {
	case err == nil && size != src.Size:
		w.q.unmarkStarted(a.j)
		return failf("size mismatch: the source has %d bytes, the target %d", src.Size, size)
	case err != nil && !isUnsupported(err):
		return err
	}
	if err := compareHashes(a, from, to); err != nil {
		w.q.unmarkStarted(a.j)
		return err
	}
	if to.HasFeature("MFMT") && src.Precision != listing.TimeUnknown {
		if err := to.SetModTime(a.ctx, s.DestRemote, src.ModTime); err != nil && !errors.Is(err, protocol.ErrPermanent) {
			return err
		}
	}
	return nil
}

// copyConns returns a Copy's two connections, redialling those a failed
// server-to-server attempt left out of step.
func (w *worker) copyConns(a *attempt) (from, to *protocol.Conn, err error) {
	w.check()
	if from, err = w.connect(a.ctx, a.spec.Site); err != nil {
		return nil, nil, err
	}
	to, err = w.connectDest(a.ctx, a.spec.DestSite)
	return from, to, err
}

// relay streams the source's data into the target from offset.
func (w *worker) relay(a *attempt, from, to *protocol.Conn, size, offset int64) error {
	s := &a.spec
	in, err := from.Open(a.ctx, s.Remote, offset)
	if err != nil {
		return err
	}
	in.Expect(size - offset)
	out, err := to.Create(a.ctx, s.DestRemote, offset)
	if err != nil {
		return abort(in, err)
	}
	w.q.markStarted(a.j)
	if _, err := w.copyUp(out, in, a.j); err != nil {
		return errors.Join(abort(in, err), out.Abort())
	}
	if err := in.Close(); err != nil {
		return errors.Join(err, out.Abort())
	}
	return out.Close()
}

// compareHashes checks the target against the source with the servers'
// own hashes, when both offer the same algorithm.
func compareHashes(a *attempt, from, to *protocol.Conn) error {
	algoFrom, _ := from.HashMethod()
	algoTo, _ := to.HashMethod()
	if algoFrom == "" || algoFrom != algoTo {
		to.Note("%s: size verified (no hash both servers offer)", a.spec.DestRemote)
		return nil
	}
	ds, err := from.Hash(a.ctx, a.spec.Remote)
	if err != nil {
		return err
	}
	dt, err := to.Hash(a.ctx, a.spec.DestRemote)
	if err != nil {
		return err
	}
	if !dt.Equal(ds.Sum) {
		return failf("checksum mismatch: the source's %s is %x, the target's is %x", ds.Algo, ds.Sum, dt.Sum)
	}
	to.Note("%s: %s verified on both servers", a.spec.DestRemote, ds.Algo)
	return nil
}

// expandCopy lists a source folder, creates the target folder, and queues
// the copies of its contents. Names that could leave the target folder,
// links and special files are skipped with the reason; a folder the copy
// is already inside of fails.
func (w *worker) expandCopy(a *attempt) error {
	s := &a.spec
	from, err := w.connect(a.ctx, s.Site)
	if err != nil {
		return err
	}
	to, err := w.connectDest(a.ctx, s.DestSite)
	if err != nil {
		return err
	}
	var children []child
	listed := make(map[string]bool)
	l, err := from.ListFunc(a.ctx, s.Remote, func(e *listing.Entry) error {
		name := e.RawName
		c := child{spec: Spec{Site: s.Site, Direction: Copy, DestSite: s.DestSite, FXP: s.FXP,
			Remote: path.Join(s.Remote, name), DestRemote: path.Join(s.DestRemote, name)}}
		switch {
		case listed[name]:
			c.state, c.reason = Skipped, "listed twice: only the first is copied"
		case e.Unsafe() || name == "." || name == ".." || strings.Contains(name, "/"):
			c.spec.Remote = strings.TrimSuffix(s.Remote, "/") + "/" + e.Name
			c.spec.DestRemote = ""
			c.state, c.reason = Skipped, "unsafe name "+quote(e.Name)+": not copied"
		case e.Kind == listing.Dir:
			c.spec.Dir = true
			id := "path:" + path.Clean("/"+c.spec.Remote)
			if e.Unique != "" {
				id = "unique:" + e.Unique
			}
			switch {
			case slices.Contains(s.Seen, id):
				c.state, c.reason = Failed, "folder loop: it is a folder this copy is already inside of; not followed"
			case s.Depth+1 > w.q.opts.MaxDepth:
				c.state, c.reason = Failed, fmt.Sprintf("deeper than %d folders: not copied", w.q.opts.MaxDepth)
			default:
				c.spec.Depth = s.Depth + 1
				c.spec.Seen = append(slices.Clip(s.Seen), id)
			}
		case e.Kind == listing.File:
			c.spec.Source = EntryFacts(e)
		case e.Kind == listing.Symlink:
			c.state, c.reason = Skipped, "symbolic link"+arrow(e.Target)+": not followed"
		default:
			c.state, c.reason = Skipped, "not a regular file"
		}
		listed[name] = true
		children = append(children, c)
		return nil
	})
	if err != nil {
		return err
	}
	// The target folder, with its missing parents at the top of the tree,
	// as an upload makes it.
	if _, err := w.remoteDir(a.ctx, to, s.DestRemote, s.Depth == 0); err != nil {
		return err
	}
	slices.SortFunc(children, func(x, y child) int { return strings.Compare(x.spec.Remote, y.spec.Remote) })
	w.q.expand(a, children)
	if l.BadCount > 0 {
		return failf("%d listing lines not understood (first: %s); their files were not queued", l.BadCount, quote(l.Bad[0].Text))
	}
	return nil
}
