package panes

import (
	"context"
	"errors"
	"fmt"

	"ferry/protocol/listing"
)

// MaxWalkDepth bounds how deep Walk descends, so a server that shows a
// folder inside itself (a loop through a link it lists as a folder)
// cannot keep a walk going forever.
const MaxWalkDepth = 64

// ErrSkipDir, returned by a WalkFunc for a folder, leaves it unvisited.
var ErrSkipDir = errors.New("skip this folder")

// WalkFunc is called for every entry under the walk's root, with the
// folder that holds it. Returning ErrSkipDir for a folder skips it; any
// other error ends the walk.
type WalkFunc func(dir string, e *listing.Entry) error

// Walk visits the tree under root breadth-first, folders in the order the
// server lists them. Links are reported but not followed (one may lead
// out of the tree or back into it), nor are entries with unsafe names
// entered; folders the server sends twice by the same unique fact are
// entered once. A folder that cannot be listed is reported to failed and
// skipped, so one unreadable folder does not end a search. It stops when
// ctx is done.
func Walk(ctx context.Context, fsys FS, root string, fn WalkFunc, failed func(dir string, err error)) error {
	type item struct {
		dir   string
		depth int
	}
	queue := []item{{root, 0}}
	seen := map[string]bool{}
	for len(queue) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		it := queue[0]
		queue = queue[1:]
		entries, err := fsys.List(ctx, it.dir)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if failed != nil {
				failed(it.dir, err)
			}
			continue
		}
		for i := range entries {
			e := &entries[i]
			if e.Pseudo {
				continue
			}
			err := fn(it.dir, e)
			switch {
			case errors.Is(err, ErrSkipDir):
				continue
			case err != nil:
				return err
			}
			if e.Kind != listing.Dir || e.Unsafe() || it.depth+1 >= MaxWalkDepth {
				continue
			}
			if e.Unique != "" {
				if seen[e.Unique] {
					continue
				}
				seen[e.Unique] = true
			}
			queue = append(queue, item{fsys.Join(it.dir, e.RawName), it.depth + 1})
		}
	}
	return nil
}

// DirSize adds up the sizes of the files under dir, and counts them.
// progress, when set, is told the running totals after each folder.
func DirSize(ctx context.Context, fsys FS, dir string, progress func(bytes int64, files int)) (bytes int64, files int, err error) {
	last := ""
	err = Walk(ctx, fsys, dir, func(d string, e *listing.Entry) error {
		if progress != nil && d != last {
			last = d
			progress(bytes, files)
		}
		if e.Kind == listing.File && e.Size > 0 {
			bytes += e.Size
			files++
		} else if e.Kind == listing.File {
			files++
		}
		return nil
	}, nil)
	if err != nil {
		return bytes, files, fmt.Errorf("size of %s: %w", dir, err)
	}
	return bytes, files, nil
}
