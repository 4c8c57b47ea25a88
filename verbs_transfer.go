package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/term"

	"ferry/internal/safe"
	"ferry/protocol"
	"ferry/site"
	"ferry/transfers"
)

// defaultParallel is how many connections the tree verbs use unless told.
// Mirroring 1000 files of 4 KiB from vsftpd on a two-core machine (best of
// three): over TLS 2.2 s with one connection, 1.2 s with two, 1.1-1.3 s
// with four to eight; plain 1.1 s, 0.46 s, 0.40 s. Beyond two the cores
// are saturated (vsftpd takes the larger share); four gains on machines
// with more cores and stays within what servers allow one user.
const defaultParallel = 4

// treeFlags adds the flags of the verbs that move directory trees.
type treeFlags struct {
	parallel      int
	parallelGiven bool // --parallel was given: exactly that many, no adapting
	segments      int  // --segments; 0 lets the queue choose
	onConflict    string
	recursive     bool
	reverse       bool
	sync          syncFlags // the planning flags of mirror, get -r and put -r (verbs_mirror.go)
}

func (c *cli) treeFlagSet(verb string, tf *treeFlags) *flag.FlagSet {
	return c.flagSet(verb, tf) // the rows of flagTable for treeVerbs
}

// syncPolicy refuses the planning flags (--dry-run, --delete, ...) with
// a policy other than newer: a plan decides by its own comparison.
func (tf *treeFlags) syncPolicy(p transfers.Policy) error {
	if tf.sync.used() && p != transfers.OverwriteIfNewer {
		return usagef("--on-conflict %s does not go with the planning flags (--dry-run, --delete, ...)", tf.onConflict)
	}
	return nil
}

// policy checks the tree flags and returns the conflict policy.
func (tf *treeFlags) policy() (transfers.Policy, error) {
	if tf.parallel < 1 || tf.parallel > transfers.MaxWorkers {
		return 0, usagef("--parallel must be 1 to %d", transfers.MaxWorkers)
	}
	if tf.segments < 0 || tf.segments > transfers.MaxSegments {
		return 0, usagef("--segments must be 1 to %d", transfers.MaxSegments)
	}
	p, err := transfers.ParsePolicy(tf.onConflict)
	if err != nil || p == transfers.Ask {
		return 0, usagef("--on-conflict must be overwrite, skip, resume, newer or rename, not %q", tf.onConflict)
	}
	return p, nil
}

// recursive reports whether a get or put command line asks for -r.
func recursive(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-r", "--r", "-r=true", "--r=true":
			return true
		}
	}
	return false
}

// mirror copies the contents of a remote directory into a local folder
// (created if needed) or, with --reverse, of a local folder into a remote
// directory, the way lftp's mirror does.
func (c *cli) mirror(ctx context.Context, args []string) error {
	var tf treeFlags
	pos, err := parseArgs(c.treeFlagSet("mirror", &tf), args)
	if err != nil {
		return err
	}
	policy, err := tf.policy()
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		if tf.reverse {
			return usagef("mirror --reverse takes a local folder and a URL")
		}
		return usagef("mirror takes a URL and a local folder")
	}
	rawURL, local := pos[0], pos[1]
	if tf.reverse {
		local, rawURL = pos[0], pos[1]
	}
	t, err := c.target(rawURL)
	if err != nil {
		return usageError{err.Error()}
	}
	// The default policy mirrors by a plan (verbs_mirror.go), the one
	// --dry-run shows; the other policies copy the tree as they are.
	if policy == transfers.OverwriteIfNewer {
		tf.sync.segments = tf.segments
		return c.syncMirror(ctx, t, &tf.sync, tf.reverse, tf.connections(), local)
	}
	if err := tf.syncPolicy(policy); err != nil {
		return err
	}
	spec := transfers.Spec{Site: t.String(), Remote: cleanRemote(t.Path), Dir: true, Segments: tf.segments}
	if tf.reverse {
		spec.Direction = transfers.Upload
		spec.LocalRoot, err = existingDir(local)
	} else {
		spec.Direction = transfers.Download
		spec.LocalRoot, err = makeDir(local)
	}
	if err != nil {
		return err
	}
	return c.transfer(ctx, t, tf.connections(), policy, spec)
}

// getTree is "get -r URL [LOCALDIR]": the remote directory is copied under
// its own name into LOCALDIR (default: the current folder) when that
// exists, or becomes LOCALDIR when it does not, as cp -r does.
func (c *cli) getTree(ctx context.Context, args []string) error {
	var tf treeFlags
	pos, err := parseArgs(c.treeFlagSet("get", &tf), args)
	if err != nil {
		return err
	}
	policy, err := tf.policy()
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usagef("get -r takes a URL and an optional local folder")
	}
	t, err := c.target(pos[0])
	if err != nil {
		return usageError{err.Error()}
	}
	remote := cleanRemote(t.Path)
	spec := transfers.Spec{Site: t.String(), Direction: transfers.Download, Remote: remote, Dir: true, Segments: tf.segments}
	local := "."
	if len(pos) == 2 {
		local = pos[1]
	}
	if tf.sync.used() { // planned, as mirror is, into the folder cp -r would make
		if err := tf.syncPolicy(policy); err != nil {
			return err
		}
		into := local
		if st, err := os.Stat(local); err == nil && st.IsDir() && remote != "" && remote != "/" {
			if !safeLocalName(path.Base(remote)) {
				return usagef("get -r: %q cannot be a local folder name", path.Base(remote))
			}
			into = filepath.Join(local, path.Base(remote))
		}
		tf.sync.segments = tf.segments
		return c.syncMirror(ctx, t, &tf.sync, false, tf.connections(), into)
	}
	if st, err := os.Stat(local); err == nil && st.IsDir() {
		if remote != "" && remote != "/" {
			base := path.Base(remote)
			if !safeLocalName(base) {
				return usagef("get -r: %q cannot be a local folder name", base)
			}
			spec.Local = base
		} else if len(pos) == 1 {
			return usagef("get -r of the login directory needs a LOCALDIR")
		}
		spec.LocalRoot, err = filepath.Abs(local)
	} else {
		spec.LocalRoot, err = makeDir(local)
	}
	if err != nil {
		return err
	}
	return c.transfer(ctx, t, tf.connections(), policy, spec)
}

// putTree is "put -r LOCALDIR URL": a URL ending in "/" (or naming the
// login directory) receives LOCALDIR under its own name; any other URL
// names the copy itself. Missing remote directories are created.
func (c *cli) putTree(ctx context.Context, args []string) error {
	var tf treeFlags
	pos, err := parseArgs(c.treeFlagSet("put", &tf), args)
	if err != nil {
		return err
	}
	policy, err := tf.policy()
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		return usagef("put -r takes a local folder and a URL")
	}
	t, err := c.target(pos[1])
	if err != nil {
		return usageError{err.Error()}
	}
	root, err := existingDir(pos[0])
	if err != nil {
		return err
	}
	remote := t.Path
	if remote == "" || strings.HasSuffix(remote, "/") {
		remote += filepath.Base(root)
	}
	if tf.sync.used() { // planned, as mirror --reverse is, into the folder named
		if err := tf.syncPolicy(policy); err != nil {
			return err
		}
		t.Path = remote
		return c.syncMirror(ctx, t, &tf.sync, true, tf.connections(), root)
	}
	spec := transfers.Spec{
		Site: t.String(), Direction: transfers.Upload, Remote: cleanRemote(remote),
		LocalRoot: root, Dir: true,
	}
	return c.transfer(ctx, t, tf.connections(), policy, spec)
}

// cleanRemote drops trailing slashes from a remote path, keeping "/".
func cleanRemote(p string) string {
	if p == "" {
		return ""
	}
	if q := strings.TrimRight(p, "/"); q != "" {
		return q
	}
	return "/"
}

func existingDir(dir string) (string, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return "", err
	}
	if !st.IsDir() {
		return "", fmt.Errorf("%s is not a directory", dir)
	}
	return filepath.Abs(dir)
}

func makeDir(dir string) (string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	return filepath.Abs(dir)
}

// adaptiveParallel is how far the tree verbs add connections without
// --parallel while many small files wait (a bookmark's parallel is the
// limit instead when set): over a slow link each small file costs round
// trips, and more connections overlap them. A server that refuses one
// more connection sets the limit lower.
const adaptiveParallel = transfers.MaxWorkers

// parallelValue is --parallel: a number, and whether it was given.
type parallelValue struct {
	n     *int
	given *bool
}

func (p *parallelValue) String() string {
	if p.n == nil {
		return ""
	}
	return strconv.Itoa(*p.n)
}

func (p *parallelValue) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil {
		return err
	}
	*p.n, *p.given = n, true
	return nil
}

// connections returns --parallel when given, else 0: the queue adapts.
func (tf *treeFlags) connections() int {
	if tf.parallelGiven {
		return tf.parallel
	}
	return 0
}

// transfer runs one directory job through a queue of parallel workers
// (parallel of them; 0 starts at defaultParallel and adapts up to the
// site's limit), shows progress on a terminal, and reports what failed.
func (c *cli) transfer(ctx context.Context, t target, parallel int, policy transfers.Policy, spec transfers.Spec, dest ...target) error {
	// Each site's password is asked for once, not once per connection,
	// and the first connection to each checks the login and the
	// certificate before anything is queued; the queue then uses it.
	keys, targets := []string{spec.Site}, map[string]target{spec.Site: t}
	if spec.Direction == transfers.Copy && spec.DestSite != spec.Site {
		keys, targets[spec.DestSite] = append(keys, spec.DestSite), dest[0]
	}
	limit, err := c.rateLimiter(t)
	if err != nil {
		return err
	}
	sites := make(map[string]*site.Site, len(targets))
	spares := make(map[string]chan *protocol.Conn, len(targets))
	defer func() {
		for _, spare := range spares {
			select {
			case conn := <-spare: // never used
				conn.Quit(context.WithoutCancel(ctx))
			default:
			}
		}
	}()
	for _, key := range keys {
		s, err := c.site(targets[key])
		if err != nil {
			return err
		}
		conn, err := s.Open(ctx)
		if err != nil {
			return explainTLS(err)
		}
		sites[key] = s
		// The further connections offer the TLS key exchange this one
		// agreed on: no HelloRetryRequest round trip for each.
		s.FollowKeyExchange(conn)
		spares[key] = make(chan *protocol.Conn, 1)
		spares[key] <- conn
	}
	first := <-spares[spec.Site]
	spares[spec.Site] <- first
	if spec.Direction == transfers.Download {
		unlock, err := lockFolder(spec.LocalRoot)
		if err != nil {
			return err
		}
		defer unlock()
	}
	if spec.Direction == transfers.Download && spec.Dir {
		if err := checkRemoteDir(ctx, first, spec.Remote); err != nil {
			return fmt.Errorf("%s: %w", t, err)
		}
	}
	dial := func(ctx context.Context, key string) (*protocol.Conn, error) {
		select {
		case conn := <-spares[key]:
			return conn, nil
		default:
		}
		s, ok := sites[key]
		if !ok {
			return nil, fmt.Errorf("no site %q", key)
		}
		conn, err := s.Open(ctx)
		if err != nil {
			return nil, explainTLS(err)
		}
		return conn, nil
	}
	partials, err := transfers.DefaultPartialsDir()
	if err != nil {
		return err
	}
	workers, most := parallel, parallel
	if parallel == 0 {
		workers, most = defaultParallel, adaptiveParallel
		if p := sites[spec.Site].Parallel; p > 0 { // the bookmark's limit
			workers, most = min(workers, p), p
		}
	}
	q := transfers.New(transfers.Options{Dial: dial, Workers: workers, MaxParallel: most, Policy: policy, PartialsDir: partials, ForgetDone: true, Limit: limit})
	q.Add(spec)

	var show *progress
	if f, ok := c.stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
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
			show.draw(q.Window(0, 0)) // totals only: no copy of every job
		}
	}
	if show != nil {
		show.draw(q.Window(0, 0))
		show.end()
	}
	q.Close()
	if err != nil {
		return fmt.Errorf("interrupted; run the same command again to resume (partial downloads are kept as .part)")
	}
	return c.reportJobs(q)
}

// checkRemoteDir makes sure a directory to download exists: some servers
// (vsftpd) list a missing directory as an empty one.
func checkRemoteDir(ctx context.Context, conn *protocol.Conn, dir string) error {
	if dir == "" {
		return nil
	}
	home, err := conn.CurrentDir(ctx)
	if err != nil {
		return err
	}
	if err := conn.ChangeDir(ctx, dir); err != nil {
		return err
	}
	return conn.ChangeDir(ctx, home)
}

// reportJobs lists failed jobs and skips that were not the conflict policy's
// doing, and returns an error when anything failed. It reads the queue a
// window at a time: a copy of every job's status at once would cost more
// memory than the walk itself on a tree of a million files.
func (c *cli) reportJobs(q *transfers.Queue) error {
	const window = 4096
	failed, files := 0, 0
	for first := 0; ; first += window {
		s := q.Window(first, window)
		if first == 0 {
			for _, n := range s.Files { // done files may be gone from Jobs (ForgetDone)
				files += n
			}
		}
		for _, j := range s.Jobs {
			name := j.Remote
			if j.Direction == transfers.Upload && j.Local != "" {
				name = j.Local
			}
			switch {
			case j.State == transfers.Failed:
				failed++
				fmt.Fprintf(c.stderr, "ferry: failed: %s: %s\n", safe.Line(name), safe.Line(j.Reason))
			case j.State == transfers.Skipped && !strings.HasPrefix(j.Reason, "the target"):
				fmt.Fprintf(c.stderr, "ferry: skipped %s: %s\n", safe.Line(name), safe.Line(j.Reason))
			case j.State != transfers.Done && j.State != transfers.Skipped:
				failed++
				fmt.Fprintf(c.stderr, "ferry: not done: %s: %s %s\n", safe.Line(name), j.State, safe.Line(j.Reason))
			}
		}
		if first+len(s.Jobs) >= s.Len || len(s.Jobs) == 0 {
			break
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d transfers failed", failed, max(files, failed))
	}
	return nil
}

// progress draws one status line on a terminal.
type progress struct {
	w  io.Writer
	fd int
}

func (p *progress) draw(s transfers.Snapshot) {
	files, finished := 0, 0
	for st, n := range s.Files {
		files += n
		if transfers.State(st).Finished() {
			finished += n
		}
	}
	current := ""
	for _, j := range s.Active {
		if !j.Dir {
			current = j.Remote
			if j.Direction == transfers.Upload {
				current = j.Local
			}
			break
		}
	}
	line := fmt.Sprintf("%d/%d files  %s/%s  %s/s", finished, files, size(s.Done), size(s.Total), size(int64(s.Speed)))
	if s.ETA >= 0 {
		line += "  ETA " + s.ETA.Round(time.Second).String()
	}
	if current != "" {
		line += "  " + safe.Line(current)
	}
	width := 80
	if w, _, err := term.GetSize(p.fd); err == nil && w > 1 {
		width = w - 1
	}
	if r := []rune(line); len(r) > width {
		line = string(r[:width])
	}
	fmt.Fprintf(p.w, "\r\x1b[K%s", line)
}

func (p *progress) end() { fmt.Fprintln(p.w) }

// size formats a byte count with binary units.
func size(n int64) string {
	const units = "KMGTPE"
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	f := float64(n)
	i := -1
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return fmt.Sprintf("%.1f %ciB", f, units[i])
}
