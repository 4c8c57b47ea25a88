// Package panes models one pane of the file manager: a directory of some
// file system, its entries, the cursor, the selection, the sort order and
// the filter. It also defines the small file-system interface a pane sits
// on, with a local and a remote (FTP) implementation.
//
// A Pane is plain state driven through methods: it knows nothing of
// terminals, key bindings or Bubble Tea, so its logic is tested without a
// screen. The UI renders it and runs the file-system calls in the
// background.
package panes

import (
	"context"
	"io"
	"io/fs"

	"ferry/protocol/listing"
)

// FS is what a pane needs from a file system. Paths are absolute and use
// the file system's own separator rules through Join and Parent. Every
// method may block on the network; the UI calls them off the update loop.
type FS interface {
	// Title names the file system in a pane's title: "" for the local
	// one, "ftpes://user@host" for a server.
	Title() string
	// Home is the directory a pane starts in.
	Home(ctx context.Context) (string, error)
	List(ctx context.Context, dir string) ([]listing.Entry, error)
	Join(dir, name string) string
	Parent(dir string) string

	Mkdir(ctx context.Context, path string) error
	Rename(ctx context.Context, from, to string) error
	// Remove removes one file, symlink or empty directory.
	Remove(ctx context.Context, path string, kind listing.Kind) error
	Chmod(ctx context.Context, path string, mode fs.FileMode) error
	// Open reads a file; Create writes one, replacing it. Close finishes
	// the transfer and reports its outcome.
	Open(ctx context.Context, path string) (io.ReadCloser, error)
	Create(ctx context.Context, path string) (io.WriteCloser, error)
}
