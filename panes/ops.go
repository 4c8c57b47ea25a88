package panes

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"

	"ferry/protocol/listing"
)

// ErrUnsafeName refuses an entry whose name could leave the folder it is
// copied to ("..", "a/b", control characters).
var ErrUnsafeName = errors.New("unsafe file name")

// RemoveAll removes the entry at p, a directory with everything in it,
// deepest first. When a removal fails it stops and says what remains.
func RemoveAll(ctx context.Context, fsys FS, p string, e listing.Entry) error {
	links, showsLinks := fsys.(LinkLister)
	if e.Kind == listing.Dir && showsLinks {
		// The pane's listing may show a link to a folder as a folder
		// (pyftpdlib's MLSD): its parent's listing of links tells.
		parent, name := path.Dir(p), path.Base(p)
		entries, err := links.ListLinks(ctx, parent)
		if err != nil {
			return fmt.Errorf("%s was not removed: listing its folder: %w", p, err)
		}
		for _, pe := range entries {
			if pe.RawName == name && pe.Kind != listing.Dir {
				e.Kind = pe.Kind // a link: removed as one, never followed
			}
		}
	}
	if e.Kind == listing.Dir {
		list := fsys.List
		if showsLinks {
			list = links.ListLinks
		}
		children, err := list(ctx, p)
		if err != nil {
			return fmt.Errorf("%s was not removed: listing it: %w", p, err)
		}
		for _, c := range children {
			if c.Pseudo {
				continue
			}
			if c.Unjoinable() { // only a name that cannot be joined to p: removing works by name on the server
				return fmt.Errorf("%s was not removed: it holds %q: %w", p, c.Name, ErrUnsafeName)
			}
			if err := RemoveAll(ctx, fsys, fsys.Join(p, c.RawName), c); err != nil {
				return err
			}
		}
	}
	if err := fsys.Remove(ctx, p, e.Kind); err != nil {
		return fmt.Errorf("%s and what it still holds remain: %w", p, err)
	}
	return nil
}

// LinkLister is an FS whose ListLinks shows symbolic links as links even
// where List shows what they point to (a server whose MLSD describes a
// link's target). Walks that must never follow a link use it.
type LinkLister interface {
	ListLinks(ctx context.Context, dir string) ([]listing.Entry, error)
}

// Progress is told how many more bytes a copy moved.
type Progress func(n int64)

// Copy copies the entry at srcPath on src into the directory dstDir on
// dst under the same name, directories recursively. Symlinks are not
// followed (they are skipped: a link may point outside the tree), and a
// name that could escape dstDir is refused.
func Copy(ctx context.Context, src FS, srcPath string, dst FS, dstDir string, e listing.Entry, progress Progress) error {
	if e.Unsafe() || !filepath.IsLocal(e.RawName) {
		return fmt.Errorf("%q: %w", e.Name, ErrUnsafeName)
	}
	target := dst.Join(dstDir, e.RawName)
	switch e.Kind {
	case listing.Dir:
		children, err := src.List(ctx, srcPath)
		if err != nil {
			return err
		}
		if err := dst.Mkdir(ctx, target); err != nil {
			// Servers refuse an existing directory with 550 and any text;
			// if it can be listed, it is there and the copy goes on.
			if _, lerr := dst.List(ctx, target); lerr != nil {
				return fmt.Errorf("creating %s: %w", target, err)
			}
		}
		for _, c := range children {
			if c.Pseudo {
				continue
			}
			if err := Copy(ctx, src, src.Join(srcPath, c.RawName), dst, target, c, progress); err != nil {
				return err
			}
		}
		return nil
	case listing.File:
		return copyFile(ctx, src, srcPath, dst, target, progress)
	default:
		return nil // symlinks and devices are not copied
	}
}

// ErrOneConnection refuses a copy from a server to itself over the one
// browsing connection, which cannot download and upload at once.
var ErrOneConnection = errors.New("copying within one server connection is not possible; the transfer queue uses separate connections")

func copyFile(ctx context.Context, src FS, srcPath string, dst FS, target string, progress Progress) (err error) {
	if r, ok := src.(*Remote); ok && FS(r) == dst {
		return ErrOneConnection
	}
	r, err := src.Open(ctx, srcPath)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := r.Close(); err == nil {
			err = cerr
		}
	}()
	w, err := dst.Create(ctx, target)
	if err != nil {
		return err
	}
	buf := make([]byte, 256<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				w.Close()
				return werr
			}
			if progress != nil {
				progress(int64(n))
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			w.Close()
			return rerr
		}
	}
	return w.Close()
}

// Chmod sets the mode of the entry at p, and with recursive of everything
// below a directory. Symlinks are left alone.
func Chmod(ctx context.Context, fsys FS, p string, e listing.Entry, mode fs.FileMode, recursive bool) error {
	if e.Kind == listing.Symlink {
		return nil
	}
	if err := fsys.Chmod(ctx, p, mode); err != nil {
		return err
	}
	if !recursive || e.Kind != listing.Dir {
		return nil
	}
	children, err := fsys.List(ctx, p)
	if err != nil {
		return err
	}
	for _, c := range children {
		if c.Pseudo || c.Unjoinable() {
			continue
		}
		if err := Chmod(ctx, fsys, fsys.Join(p, c.RawName), c, mode, true); err != nil {
			return err
		}
	}
	return nil
}
