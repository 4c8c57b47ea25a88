package panes

import (
	"context"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"ferry/protocol/listing"
)

// Local is the machine's own file system.
type Local struct{}

func (Local) Title() string { return "" }

func (Local) Home(context.Context) (string, error) { return os.Getwd() }

func (Local) Join(dir, name string) string { return filepath.Join(dir, name) }

func (Local) Parent(dir string) string { return filepath.Dir(dir) }

// List reads a directory with lstat semantics: a symlink is shown as a
// link with its target, not followed.
func (Local) List(_ context.Context, dir string) ([]listing.Entry, error) {
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	entries := make([]listing.Entry, 0, len(des))
	for _, de := range des {
		info, err := de.Info()
		if err != nil {
			continue // removed between ReadDir and Lstat
		}
		entries = append(entries, localEntry(dir, info))
	}
	return entries, nil
}

func localEntry(dir string, info fs.FileInfo) listing.Entry {
	e := listing.Entry{
		Name:      listing.DisplayName(info.Name()),
		RawName:   info.Name(),
		Size:      info.Size(),
		ModTime:   info.ModTime(),
		Precision: listing.TimeSecond,
		Mode:      info.Mode(),
		HasMode:   true,
	}
	switch m := info.Mode(); {
	case m.IsDir():
		e.Kind = listing.Dir
	case m&fs.ModeSymlink != 0:
		e.Kind = listing.Symlink
		e.Target, _ = os.Readlink(filepath.Join(dir, info.Name()))
	case m.IsRegular():
		e.Kind = listing.File
	default:
		e.Kind = listing.Other
	}
	return e
}

func (Local) Mkdir(_ context.Context, path string) error { return os.Mkdir(path, 0o755) }

// Rename refuses to replace an existing target: a file manager's rename
// must not destroy a file the user did not name.
func (Local) Rename(_ context.Context, from, to string) error {
	if _, err := os.Lstat(to); err == nil {
		return &fs.PathError{Op: "rename", Path: to, Err: fs.ErrExist}
	}
	return os.Rename(from, to)
}

func (Local) Remove(_ context.Context, path string, _ listing.Kind) error { return os.Remove(path) }

func (Local) Chmod(_ context.Context, path string, mode fs.FileMode) error {
	return os.Chmod(path, mode)
}

func (Local) Open(_ context.Context, path string) (io.ReadCloser, error) { return os.Open(path) }

func (Local) Create(_ context.Context, path string) (io.WriteCloser, error) {
	return os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
}
