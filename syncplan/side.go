package syncplan

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"ferry/protocol"
	"ferry/protocol/listing"
)

// Kind is what an entry is.
type Kind uint8

const (
	File Kind = iota
	Dir
	Link  // a symbolic link: never followed, never transferred
	Other // a device, a socket, anything else: never transferred
)

// Entry is what a side says of one name in a folder.
type Entry struct {
	// Name is the name as the side spells it (for a server, exactly as
	// it sent it): the plan's paths are built from it.
	Name      string
	Kind      Kind
	Size      int64 // -1 when unknown
	ModTime   time.Time
	Precision listing.Precision // of ModTime
	// Unsafe marks a name that cannot be used on the other side or
	// would leave the folder ("..", a slash or backslash, a control
	// character).
	Unsafe bool
	// ID is the side's identity of a folder when it has one (the MLSD
	// unique fact), so a walk stops at a folder that contains itself.
	ID string
}

// Side is one of the two trees a plan compares. List calls fn for every
// entry of dir, a '/'-separated path relative to the side's root ("" is
// the root itself), in any order. It returns an error wrapping
// fs.ErrNotExist when dir does not exist.
type Side interface {
	List(ctx context.Context, dir string, fn func(Entry) error) error
}

// Hasher is a Side that can give a file's checksum, for the Checksum
// mode: the hex digest of the file at rel with algorithm algo (one of
// the names the HASH command uses: SHA-256, SHA-1, MD5, CRC32).
type Hasher interface {
	Hash(ctx context.Context, rel, algo string) (string, error)
}

// Local is a folder on this machine. Every access goes through an
// os.Root, so nothing outside the folder is read, and symbolic links are
// reported as links, never followed.
type Local struct {
	root *os.Root
}

// OpenLocal opens the folder dir as a side.
func OpenLocal(dir string) (*Local, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &Local{root: r}, nil
}

// Close releases the folder.
func (l *Local) Close() error { return l.root.Close() }

func localName(rel string) (string, error) {
	if rel == "" {
		return ".", nil
	}
	p := filepath.FromSlash(rel)
	if !filepath.IsLocal(p) {
		return "", fmt.Errorf("%q leaves the folder", rel)
	}
	return p, nil
}

// List implements Side.
func (l *Local) List(ctx context.Context, dir string, fn func(Entry) error) error {
	p, err := localName(dir)
	if err != nil {
		return err
	}
	f, err := l.root.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		des, err := f.ReadDir(256)
		for _, de := range des {
			fi, ierr := de.Info() // Lstat: a link stays a link
			if errors.Is(ierr, fs.ErrNotExist) {
				continue // gone since the directory was read
			}
			if ierr != nil {
				return ierr
			}
			e := Entry{Name: de.Name(), Size: fi.Size(), ModTime: fi.ModTime(), Precision: listing.TimeSecond}
			switch m := fi.Mode(); {
			case m.IsRegular():
				e.Kind = File
			case m.IsDir():
				e.Kind, e.Size = Dir, 0
			case m&fs.ModeSymlink != 0:
				e.Kind = Link
			default:
				e.Kind = Other
			}
			e.Unsafe = unsafeName(e.Name)
			if err := fn(e); err != nil {
				return err
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// Hash implements Hasher.
func (l *Local) Hash(ctx context.Context, rel, algo string) (string, error) {
	h, err := newHash(algo)
	if err != nil {
		return "", err
	}
	p, err := localName(rel)
	if err != nil {
		return "", err
	}
	f, err := l.root.Open(p)
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Algorithms returns the checksums a local folder can compute, strongest
// first: the order in which to pick one a server also offers.
func Algorithms() []string { return []string{"SHA-256", "SHA-512", "SHA-1", "MD5", "CRC32"} }

func newHash(algo string) (hash.Hash, error) {
	if h := protocol.NewHash(algo); h != nil {
		return h, nil
	}
	return nil, fmt.Errorf("unknown checksum %q", algo)
}

// ctxReader stops a long read when the context ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// Lister is what Remote needs of a connection; *protocol.Conn has it.
type Lister interface {
	ListFunc(ctx context.Context, path string, fn func(*listing.Entry) error) (*protocol.Listing, error)
}

// Remote is a folder on a server. Each folder's listing streams through
// the parser one entry at a time; the walk keeps only the Entry fields,
// so memory grows with one folder's size, not the tree's.
type Remote struct {
	Conn Lister
	// Root is the server path of the mirror root ('/'-separated; "" the
	// login directory).
	Root string
	// Hash, when set, gives a file's checksum for the Checksum mode (the
	// server's HASH, XSHA256, ... commands).
	HashFunc func(ctx context.Context, path, algo string) (string, error)
}

// Path returns the server path of rel.
func (r *Remote) Path(rel string) string { return joinRemote(r.Root, rel) }

func joinRemote(root, rel string) string {
	switch {
	case rel == "":
		if root == "" {
			return ""
		}
		return root
	case root == "":
		return rel
	case root[len(root)-1] == '/':
		return root + rel
	}
	return root + "/" + rel
}

// List implements Side. A root folder the server refuses to list with a
// permanent error, or says it could not open, counts as missing (servers
// say 550 for both, vsftpd a 226 that admits the failure): as a target it
// is then created, as a source the plan fails; lines the parser did not understand fail the listing,
// since a plan built without them could delete what it cannot see.
func (r *Remote) List(ctx context.Context, dir string, fn func(Entry) error) error {
	p := r.Path(dir)
	var ferr error
	l, err := r.Conn.ListFunc(ctx, p, func(le *listing.Entry) error {
		e := Entry{Name: le.RawName, Size: le.Size, ModTime: le.ModTime, Precision: le.Precision, Unsafe: le.Unsafe()}
		if le.Unique != "" {
			e.ID = "unique:" + le.Unique
		}
		switch le.Kind {
		case listing.File:
			e.Kind = File
		case listing.Dir:
			e.Kind, e.Size = Dir, 0
		case listing.Symlink:
			e.Kind = Link
		default:
			e.Kind = Other
		}
		if !e.Unsafe {
			e.Unsafe = unsafeName(e.Name)
		}
		ferr = fn(e)
		return ferr
	})
	if err != nil {
		if ferr != nil {
			return ferr
		}
		if dir == "" && (errors.Is(err, protocol.ErrPermanent) || errors.Is(err, protocol.ErrNotListable)) {
			return fmt.Errorf("%w: %w", fs.ErrNotExist, err)
		}
		return err
	}
	if l.BadCount > 0 {
		return fmt.Errorf("listing of %q: %d lines not understood (first: %q)", p, l.BadCount, l.Bad[0].Text)
	}
	return nil
}

// Hash implements Hasher when HashFunc is set.
func (r *Remote) Hash(ctx context.Context, rel, algo string) (string, error) {
	if r.HashFunc == nil {
		return "", ErrNoChecksum
	}
	return r.HashFunc(ctx, r.Path(rel), algo)
}

// unsafeName reports names that must not become a path on either side
// (listing.UnsafeName: "..", separators, control and bidi characters).
func unsafeName(s string) bool { return listing.UnsafeName(s) }
