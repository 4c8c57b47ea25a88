package main

import (
	"context"
	"path"
	"strings"

	"ferry/transfers"
)

// copyVerb is "copy [-r] [--fxp] SRC DST", where SRC and DST are each a
// URL or a local path: a server to a local folder is get, a local folder
// to a server is put, and a server to a server copies between them, by
// FXP when --fxp asks and both servers can, else relayed through ferry.
func (c *cli) copyVerb(ctx context.Context, args []string) error {
	var tf treeFlags
	pos, err := parseArgs(c.treeFlagSet("copy", &tf), args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("copy takes a source and a target, each a URL or a local path")
	}
	if c.bookmark != "" {
		return usagef("copy takes URLs, not -b: name both sides")
	}
	srcRemote, dstRemote := strings.Contains(pos[0], "://"), strings.Contains(pos[1], "://")
	// The verbs that already do one side locally take the same flags.
	rest := make([]string, 0, len(args))
	for _, a := range args {
		if a != "--fxp" && a != "-fxp" {
			rest = append(rest, a)
		}
	}
	switch {
	case !srcRemote && !dstRemote:
		return usagef("copy needs a URL on at least one side (for two local paths, use cp)")
	case srcRemote && !dstRemote:
		if tf.recursive {
			return c.getTree(ctx, rest)
		}
		return c.get(ctx, rest)
	case tf.segments > 1:
		return usagef("copy: --segments splits downloads; an upload or a copy between two servers is one stream a file")
	case !srcRemote:
		if tf.recursive {
			return c.putTree(ctx, rest)
		}
		return c.put(ctx, rest)
	}
	policy, err := tf.policy()
	if err != nil {
		return err
	}
	from, err := parseTarget(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	to, err := parseTarget(pos[1])
	if err != nil {
		return usageError{err.Error()}
	}
	src := cleanRemote(from.Path)
	if src == "" || src == "/" {
		return usagef("copy needs a source path on the server, not its login folder")
	}
	// Into the target folder when it ends in "/" (or is the login
	// folder), as the copy itself otherwise.
	dst := to.Path
	if dst == "" || strings.HasSuffix(dst, "/") {
		dst += path.Base(src)
	}
	if tf.sync.used() { // planned, as mirror is, into the folder named
		if err := tf.syncPolicy(policy); err != nil {
			return err
		}
		if !tf.recursive {
			return usagef("copy: the planning flags (--dry-run, --delete, ...) need -r")
		}
		return c.syncCopy(ctx, from, to, src, cleanRemote(dst), &tf.sync, tf.connections(), c.opt.fxp)
	}
	spec := transfers.Spec{Site: "from " + from.String(), Direction: transfers.Copy, Remote: src,
		DestSite: "to " + to.String(), DestRemote: cleanRemote(dst), Dir: tf.recursive, FXP: c.opt.fxp}
	return c.transfer(ctx, from, tf.connections(), policy, spec, to)
}
