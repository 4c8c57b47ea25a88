package main

import (
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"ferry/internal/safe"
	"ferry/protocol"
	"ferry/syncplan"
	"ferry/transfers"
)

// syncFlags are mirror's flags for planning: what to compare, what to
// leave out, whether to delete, and whether to only show the plan.
type syncFlags struct {
	dryRun, json, delete, allowEmpty bool
	sizeOnly, checksum               bool
	tolerance                        time.Duration
	rules                            []syncRule // --include, --exclude, --exclude-from in order
	segments                         int        // --segments for the downloads
}

// syncRule is one filter flag as given.
type syncRule struct {
	kind string // "include", "exclude", "exclude-from"
	arg  string
}

type ruleFlag struct {
	kind  string
	rules *[]syncRule
}

func (r ruleFlag) String() string { return "" }
func (r ruleFlag) Set(v string) error {
	*r.rules = append(*r.rules, syncRule{r.kind, v})
	return nil
}

// syncFlagRows are the flag table's rows for the planning flags, which
// mirror, get -r and put -r take (and copy -r, which is one of those when
// one side is local).
func syncFlagRows() []flagDef {
	verbs := []string{"mirror", "get", "put", "copy"}
	sync := func(t flagTargets) *syncFlags { return &t.tree.sync }
	rule := func(kind string) func(*flag.FlagSet, string, flagTargets) {
		return func(fs *flag.FlagSet, name string, to flagTargets) {
			fs.Var(ruleFlag{kind, &sync(to).rules}, name, "")
		}
	}
	return []flagDef{
		{Names: []string{"dry-run"}, Verbs: verbs,
			Help: "print the plan (create dir, download/upload with the reason, delete, skip) and change nothing on either side",
			bind: boolVar(func(t flagTargets) *bool { return &sync(t).dryRun })},
		{Names: []string{"json"}, Verbs: verbs,
			Help: "print the plan as JSON lines",
			bind: boolVar(func(t flagTargets) *bool { return &sync(t).json })},
		{Names: []string{"delete"}, Verbs: verbs,
			Help: "delete files and folders of the target that the source does not have (inside the target only, links removed, never followed)",
			bind: boolVar(func(t flagTargets) *bool { return &sync(t).delete })},
		{Names: []string{"allow-empty-source"}, Verbs: verbs,
			Help: "let --delete run when the source folder is empty",
			bind: boolVar(func(t flagTargets) *bool { return &sync(t).allowEmpty })},
		{Names: []string{"exclude"}, Arg: "GLOB", Verbs: verbs,
			Help: "leave out paths matching GLOB (relative to the root; ** any depth, a trailing / folders only); repeatable",
			bind: rule("exclude")},
		{Names: []string{"include"}, Arg: "GLOB", Verbs: verbs,
			Help: "take back paths matching GLOB; repeatable, in order with --exclude",
			bind: rule("include")},
		{Names: []string{"exclude-from"}, Arg: "FILE", Verbs: verbs, Complete: completeFiles,
			Help: "an --exclude for every line of FILE (# comments)",
			bind: rule("exclude-from")},
		{Names: []string{"time-tolerance"}, Arg: "DURATION", Verbs: verbs,
			Help: "times closer than this count as the same",
			bind: func(fs *flag.FlagSet, name string, to flagTargets) {
				fs.DurationVar(&sync(to).tolerance, name, 0, "")
			}},
		{Names: []string{"size-only"}, Verbs: verbs,
			Help: "compare sizes only",
			bind: boolVar(func(t flagTargets) *bool { return &sync(t).sizeOnly })},
		{Names: []string{"checksum"}, Verbs: verbs,
			Help: "compare sizes, then the server's checksums (HASH, XSHA256, ...) with the local files'",
			bind: boolVar(func(t flagTargets) *bool { return &sync(t).checksum })},
	}
}

// used reports whether any planning flag was given.
func (sf *syncFlags) used() bool {
	return sf.dryRun || sf.json || sf.delete || sf.allowEmpty || sf.sizeOnly || sf.checksum ||
		sf.tolerance != 0 || len(sf.rules) > 0
}

// options checks the flags and returns the plan's options (without the
// checksum algorithm, which the server decides).
func (sf *syncFlags) options(reverse bool) (syncplan.Options, error) {
	o := syncplan.Options{Delete: sf.delete, AllowEmptySource: sf.allowEmpty, Tolerance: sf.tolerance, Verb: "download"}
	if reverse {
		o.Verb = "upload"
	}
	switch {
	case sf.sizeOnly && sf.checksum:
		return o, usagef("--size-only and --checksum exclude each other")
	case sf.sizeOnly:
		o.Mode = syncplan.SizeOnly
	case sf.checksum:
		o.Mode = syncplan.Checksum
	}
	if sf.tolerance < 0 {
		return o, usagef("--time-tolerance must not be negative")
	}
	f := &syncplan.Filter{}
	for _, r := range sf.rules {
		if r.kind == "exclude-from" {
			file, err := os.Open(r.arg)
			if err != nil {
				return o, usagef("--exclude-from: %v", err)
			}
			err = f.ReadExcludes(file, r.arg)
			file.Close()
			if err != nil {
				return o, usagef("--exclude-from: %v", err)
			}
			continue
		}
		rule, err := syncplan.NewRule(r.arg, r.kind == "include")
		if err != nil {
			return o, usagef("--%s: %v", r.kind, err)
		}
		f.Add(rule)
	}
	o.Filter = f
	return o, nil
}

// missingSide is a target folder that does not exist yet: empty.
type missingSide struct{}

func (missingSide) List(context.Context, string, func(syncplan.Entry) error) error {
	return fs.ErrNotExist
}

// syncMirror is mirror run as a plan: both trees are compared, the plan
// is printed (--dry-run, --json) or run: folders created first, files
// copied through the transfer queue, deletions last, each failure
// listed.
func (c *cli) syncMirror(ctx context.Context, t target, sf *syncFlags, reverse bool, parallel int, local string) error {
	opts, err := sf.options(reverse)
	if err != nil {
		return err
	}
	if _, err := c.rateLimiter(t); err != nil { // a bad --limit-rate is a usage error, before anything is made
		return err
	}
	remote := cleanRemote(t.Path)
	// The local folder: a mirror source must exist; a missing target is
	// created, except by a dry run, which plans its creation.
	localRoot, err := filepath.Abs(local)
	if err != nil {
		return err
	}
	var localSide syncplan.Side = missingSide{}
	st, err := os.Stat(localRoot)
	switch {
	case err == nil && !st.IsDir():
		return fmt.Errorf("%s is not a directory", local)
	case errors.Is(err, fs.ErrNotExist) && !reverse && !sf.dryRun:
		if err := os.MkdirAll(localRoot, 0o755); err != nil {
			return err
		}
	case errors.Is(err, fs.ErrNotExist) && !reverse:
		// A dry run plans the folder's creation and makes nothing.
	case err != nil:
		return err
	}
	if err == nil || !sf.dryRun { // it exists, or was just made
		l, err := syncplan.OpenLocal(localRoot)
		if err != nil {
			return err
		}
		defer l.Close()
		localSide = l
	}

	login, err := c.loginFunc(t)
	if err != nil {
		return err
	}
	conn, err := login(ctx)
	if err != nil {
		return err
	}
	run := &planRun{c: c, t: t, remote: remote, localRoot: localRoot, reverse: reverse, conn: conn, login: login, parallel: parallel, segments: sf.segments}
	defer func() {
		if run.conn != nil {
			run.conn.Quit(context.WithoutCancel(ctx))
		}
	}()
	if !reverse {
		if err := checkRemoteDir(ctx, conn, remote); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	rside := &syncplan.Remote{Conn: conn, Root: remote}
	if opts.Mode == syncplan.Checksum {
		algo, hash, err := serverHash(conn)
		if err != nil {
			return err
		}
		opts.Algo, rside.HashFunc = algo, hash
	}
	src, dst := syncplan.Side(rside), localSide
	if reverse {
		src, dst = localSide, rside
	}
	plan, err := syncplan.Build(ctx, src, dst, opts)
	if err != nil {
		return err
	}
	if done, err := c.showPlan(plan, sf); done || err != nil {
		return err
	}
	if !reverse {
		// One mirror at a time writes into a local folder.
		unlock, err := lockFolder(localRoot)
		if err != nil {
			return err
		}
		defer unlock()
	}
	return run.execute(ctx, plan.Actions)
}

// syncCopy is copy -r between two servers run as a plan: the folder src
// on from is compared with dst on to, and the plan printed or run, the
// copies relayed (or by FXP) through the queue.
func (c *cli) syncCopy(ctx context.Context, from, to target, src, dst string, sf *syncFlags, parallel int, fxp bool) error {
	opts, err := sf.options(false)
	if err != nil {
		return err
	}
	opts.Verb = "copy"
	if _, err := c.rateLimiter(from); err != nil {
		return err
	}
	loginFrom, err := c.loginFunc(from)
	if err != nil {
		return err
	}
	loginTo, err := c.loginFunc(to)
	if err != nil {
		return err
	}
	connFrom, err := loginFrom(ctx)
	if err != nil {
		return err
	}
	defer connFrom.Quit(context.WithoutCancel(ctx))
	connTo, err := loginTo(ctx)
	if err != nil {
		return err
	}
	run := &planRun{c: c, t: to, remote: dst, reverse: true, conn: connTo, login: loginTo, parallel: parallel}
	defer func() {
		if run.conn != nil {
			run.conn.Quit(context.WithoutCancel(ctx))
		}
	}()
	if err := checkRemoteDir(ctx, connFrom, src); err != nil {
		return fmt.Errorf("%s: %w", from, err)
	}
	srcSide := &syncplan.Remote{Conn: connFrom, Root: src}
	dstSide := &syncplan.Remote{Conn: connTo, Root: dst}
	if opts.Mode == syncplan.Checksum {
		algo, hashFrom, err := serverHash(connFrom)
		if err != nil {
			return err
		}
		algoTo, hashTo, err := serverHash(connTo)
		if err != nil {
			return err
		}
		if algo != algoTo {
			return fmt.Errorf("--checksum: the servers offer no common checksum (%s against %s)", algo, algoTo)
		}
		opts.Algo, srcSide.HashFunc, dstSide.HashFunc = algo, hashFrom, hashTo
	}
	plan, err := syncplan.Build(ctx, srcSide, dstSide, opts)
	if err != nil {
		return err
	}
	if done, err := c.showPlan(plan, sf); done || err != nil {
		return err
	}
	fromKey, toKey := "from "+from.String(), "to "+to.String()
	run.copySpec = func(a *syncplan.Action) transfers.Spec {
		return transfers.Spec{
			Site: fromKey, Direction: transfers.Copy, Remote: joinRemotePath(src, a.Path),
			DestSite: toKey, DestRemote: joinRemotePath(dst, a.Path), FXP: fxp,
			Source: transfers.Facts{Known: true, Size: a.Size, ModTime: a.ModTime, Precision: a.Precision},
		}
	}
	run.dial = func(ctx context.Context, key string) (*protocol.Conn, error) {
		if key == toKey {
			return loginTo(ctx)
		}
		return loginFrom(ctx)
	}
	return run.execute(ctx, plan.Actions)
}

// loginFunc returns a function that opens a logged-in connection to the
// target's site, which asks for the password once for all of them (and
// warns once when the server refuses TLS).
func (c *cli) loginFunc(t target) (func(ctx context.Context) (*protocol.Conn, error), error) {
	s, err := c.site(t)
	if err != nil {
		return nil, err
	}
	var first sync.Once
	return func(ctx context.Context) (*protocol.Conn, error) {
		conn, err := s.Open(ctx)
		if err != nil {
			return nil, explainTLS(err)
		}
		// The further connections offer the TLS key exchange the first
		// one agreed on: no HelloRetryRequest round trip for each.
		first.Do(func() { s.FollowKeyExchange(conn) })
		return conn, nil
	}, nil
}

// planRun carries out a plan between a local folder and a server folder.
type planRun struct {
	c         *cli
	t         target
	remote    string // the server folder
	localRoot string // the local folder (absolute)
	reverse   bool   // upload
	conn      *protocol.Conn
	login     func(ctx context.Context) (*protocol.Conn, error)
	parallel  int // 0: start at defaultParallel and adapt
	segments  int // each download's Spec.Segments
	failed    int
	// Between two servers (copy -r): the queue job of a planned copy,
	// and the queue's connections by site key. The target is the server
	// of t and conn, as for an upload.
	copySpec func(a *syncplan.Action) transfers.Spec
	dial     func(ctx context.Context, site string) (*protocol.Conn, error)
}

func (r *planRun) fail(what string, err error) {
	r.failed++
	fmt.Fprintf(r.c.stderr, "ferry: failed: %s: %s\n", safe.Line(what), safe.Line(err.Error()))
}

// execute runs the actions (a plan's, or the part of it a user kept):
// folders first, in plan order, then the files through a transfer queue,
// then the deletions, contents before their folder.
func (r *planRun) execute(ctx context.Context, actions []syncplan.Action) error {
	var root *os.Root
	if _, err := os.Stat(r.localRoot); err == nil {
		if root, err = os.OpenRoot(r.localRoot); err != nil {
			return err
		}
		defer root.Close()
	}
	var specs []transfers.Spec
	for i := range actions {
		a := &actions[i]
		switch a.Op {
		case syncplan.MakeDir:
			if err := r.makeDir(ctx, root, a.Path); err != nil {
				r.fail("create dir "+displayPath(a.Path), err)
			}
		case syncplan.Error:
			r.fail(displayPath(a.Path), errors.New(a.Reason))
		case syncplan.Skip:
			if a.Reason != syncplan.ReasonExcluded { // what the user asked for goes unsaid
				fmt.Fprintf(r.c.stderr, "ferry: skipped %s: %s\n", safe.Line(displayPath(a.Path)), safe.Line(a.Reason))
			}
		case syncplan.Transfer:
			if r.copySpec != nil {
				specs = append(specs, r.copySpec(a))
				continue
			}
			s := transfers.Spec{
				Site: r.t.String(), Direction: transfers.Download,
				Remote: joinRemotePath(r.remote, a.Path), LocalRoot: r.localRoot, Local: a.Path,
				Segments: r.segments,
			}
			if r.reverse {
				s.Direction = transfers.Upload
			} else {
				s.Source = transfers.Facts{Known: true, Size: a.Size, ModTime: a.ModTime, Precision: a.Precision}
			}
			specs = append(specs, s)
		}
	}
	var qerr error
	if len(specs) > 0 {
		qerr = r.transfer(ctx, specs)
	}
	if ctx.Err() != nil {
		return qerr
	}
	if r.reverse && hasDeletes(actions) {
		// The connection sat idle while the queue ran: the server may
		// have dropped it.
		if err := r.conn.Noop(ctx); err != nil {
			r.conn.Close()
			if r.conn, err = r.login(ctx); err != nil {
				r.conn = nil
				return errors.Join(qerr, fmt.Errorf("deletions not done: %w", err))
			}
		}
	}
	for i := range actions {
		a := &actions[i]
		if a.Op != syncplan.Delete {
			continue
		}
		if err := r.delete(ctx, root, a); err != nil {
			r.fail("delete "+displayPath(a.Path), err)
		}
	}
	switch {
	case qerr != nil && r.failed > 0:
		return fmt.Errorf("%w; and %d other actions failed", qerr, r.failed)
	case qerr != nil:
		return qerr
	case r.failed > 0:
		return fmt.Errorf("%d actions failed", r.failed)
	}
	return nil
}

// reportPlanErrors lists the folders a plan could not walk and returns
// how many there were.
func reportPlanErrors(c *cli, actions []syncplan.Action) int {
	n := 0
	for _, a := range actions {
		if a.Op == syncplan.Error {
			n++
			fmt.Fprintf(c.stderr, "ferry: failed: %s/: %s\n", safe.Line(a.Path), safe.Line(a.Reason))
		}
	}
	return n
}

func hasDeletes(actions []syncplan.Action) bool {
	for i := range actions {
		if actions[i].Op == syncplan.Delete {
			return true
		}
	}
	return false
}

func displayPath(p string) string {
	if p == "" {
		return "./"
	}
	return p
}

// joinRemotePath puts a plan path under the server folder.
func joinRemotePath(root, rel string) string {
	switch {
	case rel == "":
		return root
	case root == "":
		return rel
	case strings.HasSuffix(root, "/"):
		return root + rel
	}
	return root + "/" + rel
}

// safeRel checks a plan path before it touches anything: relative, and
// no element that could leave the folder.
func safeRel(rel string) error {
	for _, el := range strings.Split(rel, "/") {
		if el == "" || el == "." || el == ".." || strings.ContainsAny(el, "\\\x00\r\n") {
			return fmt.Errorf("%q is not a path inside the folder", rel)
		}
	}
	return nil
}

// makeDir creates a target folder: under the local root, or on the
// server (with its parents when it is the mirror root itself).
func (r *planRun) makeDir(ctx context.Context, root *os.Root, rel string) error {
	if !r.reverse {
		if rel == "" {
			return nil // made before planning
		}
		if err := safeRel(rel); err != nil {
			return err
		}
		return root.MkdirAll(filepath.FromSlash(rel), 0o755)
	}
	if rel == "" {
		return r.makeRemoteParents(ctx, r.remote)
	}
	if err := safeRel(rel); err != nil {
		return err
	}
	_, err := r.conn.MakeDir(ctx, joinRemotePath(r.remote, rel))
	return err
}

// makeRemoteParents creates a server folder and whichever of its parents
// are missing.
func (r *planRun) makeRemoteParents(ctx context.Context, dir string) error {
	if dir == "" || dir == "/" {
		return nil
	}
	var err error
	p := ""
	if strings.HasPrefix(dir, "/") {
		p = "/"
	}
	for _, el := range strings.Split(strings.Trim(dir, "/"), "/") {
		p = joinRemotePath(p, el)
		_, err = r.conn.MakeDir(ctx, p) // a parent that exists says 550: only the last one counts
	}
	return err
}

// delete removes one target entry the plan lists: a file or link (never
// what it points to) or a folder it emptied.
func (r *planRun) delete(ctx context.Context, root *os.Root, a *syncplan.Action) error {
	if err := safeRel(a.Path); err != nil {
		return err
	}
	if !r.reverse {
		return root.Remove(filepath.FromSlash(a.Path))
	}
	p := joinRemotePath(r.remote, a.Path)
	if a.Dir {
		return r.conn.RemoveDir(ctx, p)
	}
	return r.conn.Delete(ctx, p)
}

// transfer copies the plan's files through a queue of parallel workers
// with the transfer verbs' progress line and failure report. The plan
// has already decided, so an existing target is overwritten.
func (r *planRun) transfer(ctx context.Context, specs []transfers.Spec) error {
	// Without --parallel the queue starts at defaultParallel and adds
	// connections while many small files wait (see adaptiveParallel).
	parallel, most := r.parallel, r.parallel
	if parallel == 0 {
		parallel, most = defaultParallel, adaptiveParallel
	}
	dial := func(ctx context.Context, _ string) (*protocol.Conn, error) { return r.login(ctx) }
	if r.dial != nil {
		dial = r.dial
	}
	partials, err := transfers.DefaultPartialsDir()
	if err != nil {
		return err
	}
	limit, err := r.c.rateLimiter(r.t)
	if err != nil {
		return err
	}
	q := transfers.New(transfers.Options{
		Dial: dial, Workers: min(parallel, len(specs)), MaxParallel: min(most, len(specs)), Policy: transfers.Overwrite,
		PartialsDir: partials, ForgetDone: true, Limit: limit,
	})
	defer q.Close()
	q.Add(specs...)
	var show *progress
	if f, ok := r.c.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		show = &progress{w: f, fd: int(f.Fd())}
	}
	waited := make(chan error, 1)
	go func() { waited <- q.Wait(ctx) }()
	for done := false; !done; {
		select {
		case err = <-waited:
			done = true
		case <-q.Changed():
		}
		if show != nil {
			show.draw(q.Window(0, 0))
		}
	}
	if show != nil {
		show.draw(q.Window(0, 0))
		show.end()
	}
	if err != nil {
		return fmt.Errorf("interrupted; run the same command again to resume (partial downloads are kept as .part)")
	}
	return r.c.reportJobs(q)
}

// serverHash returns the checksum the server computes (the strongest
// the engine knows of those it offers) and a function asking it for a
// file's, as hex.
func serverHash(conn *protocol.Conn) (string, func(context.Context, string, string) (string, error), error) {
	algo, _ := conn.HashMethod()
	if algo == "" {
		return "", nil, syncplan.ErrNoChecksum
	}
	return algo, func(ctx context.Context, p, want string) (string, error) {
		d, err := conn.Hash(ctx, p)
		if err != nil {
			return "", err
		}
		if d.Algo != want {
			return "", fmt.Errorf("the server answered %s with %s, not %s", d.Command, d.Algo, want)
		}
		return hex.EncodeToString(d.Sum), nil
	}, nil
}

// showPlan prints the plan when --json or --dry-run asks for it, and
// reports whether that was all there was to do (a dry run): its error
// names the folders the plan could not walk.
func (c *cli) showPlan(plan *syncplan.Plan, sf *syncFlags) (bool, error) {
	var err error
	switch {
	case sf.json:
		err = plan.WriteJSON(c.stdout)
	case sf.dryRun:
		err = plan.WriteText(c.stdout)
	}
	if err != nil || !sf.dryRun {
		return err != nil, err
	}
	if n := reportPlanErrors(c, plan.Actions); n > 0 {
		return true, fmt.Errorf("the plan has %d folder(s) it could not walk", n)
	}
	return true, nil
}
