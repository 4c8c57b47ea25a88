package syncplan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"strconv"
	"strings"
	"time"

	"ferry/internal/safe"
	"ferry/protocol/listing"
)

// Mode says how two files of the same name are compared.
type Mode uint8

const (
	// SizeTime copies a file whose size differs or whose source is newer
	// than the target (by more than the tolerance, at the coarser of the
	// two times' precisions): lftp mirror's rule.
	SizeTime Mode = iota
	// SizeOnly copies a file whose size differs.
	SizeOnly
	// Checksum copies a file whose size or checksum differs; both sides
	// must be Hashers.
	Checksum
)

// Errors of Build.
var (
	// ErrEmptySource: the source folder is empty and the plan would
	// delete everything in the target (Options.AllowEmptySource allows it).
	ErrEmptySource = errors.New("the source folder is empty: refusing to delete everything in the target (--allow-empty-source allows it)")
	// ErrNoChecksum: a side cannot give checksums.
	ErrNoChecksum = errors.New("--checksum: the server offers no checksum command (HASH, XSHA256, XSHA512, XSHA1, XMD5 or XCRC)")
)

// Options configure Build.
type Options struct {
	Mode Mode
	// Tolerance is how much newer a source file's time must be, beyond
	// the coarser precision of the two times, for SizeTime to copy it.
	Tolerance time.Duration
	// Algo is the checksum algorithm for Checksum (see Algorithms).
	Algo string
	// Delete plans the deletion of target entries the source lacks.
	Delete bool
	// AllowEmptySource lets Delete proceed when the source folder is
	// empty, which would otherwise be refused with ErrEmptySource.
	AllowEmptySource bool
	// Filter leaves paths out of the plan on both sides: an excluded
	// target entry is never deleted. Nil includes everything.
	Filter *Filter
	// Verb is the word for a copy in the plan: "download" or "upload".
	Verb string
	// MaxDepth bounds how many folders deep the walk goes (a server can
	// show a folder inside itself); 0 means DefaultMaxDepth.
	MaxDepth int
}

// Op is what an action does.
type Op uint8

const (
	MakeDir  Op = iota // create a folder in the target
	Transfer           // copy a file from the source
	Delete             // remove a file, link or (emptied) folder from the target
	Skip               // leave an entry alone; Reason says why
	// Error is a folder the plan could not walk (a loop, too deep); the
	// target cannot match the source, so a mirror with one fails.
	Error
)

// DefaultMaxDepth bounds how deep a walk goes when Options.MaxDepth is 0.
const DefaultMaxDepth = 64

// Reasons for a Transfer.
const (
	ReasonNew             = "new"
	ReasonNewer           = "newer"
	ReasonSizeDiffers     = "size differs"
	ReasonChecksumDiffers = "checksum differs"
	ReasonSizeUnknown     = "size unknown"
	ReasonNotInSource     = "not in source"
	ReasonExcluded        = "excluded"
)

// Action is one line of a plan.
type Action struct {
	Op Op
	// Path is relative to the mirror root, '/'-separated, as the side
	// that has it spells it ("" is the root itself).
	Path   string
	Dir    bool // Path is a folder
	Reason string
	// Size is the source file's size for a Transfer, the target's for a
	// Delete, -1 when unknown; ModTime and Precision are the source
	// file's time, which a transfer keeps.
	Size      int64
	ModTime   time.Time
	Precision listing.Precision
}

// Summary counts a plan's actions.
type Summary struct {
	Files     int   `json:"files"` // transfers
	Bytes     int64 `json:"bytes"` // their known sizes
	Dirs      int   `json:"dirs"`  // folders to create
	Deletes   int   `json:"deletes"`
	Skipped   int   `json:"skipped"`
	Unchanged int   `json:"unchanged"` // files already the same on both sides
	Errors    int   `json:"errors"`    // folders that could not be walked
}

// Plan is what Build found: folders to create and files to copy in walk
// order (a folder before its contents), then deletions (contents before
// their folder), with skips where they were met.
type Plan struct {
	Verb    string
	Actions []Action
	Summary Summary
}

// Name returns the word for a's operation: "create dir", the plan's verb
// (download or upload), "delete" or "skip".
func (p *Plan) Name(a *Action) string {
	switch a.Op {
	case MakeDir:
		return "create dir"
	case Transfer:
		if p.Verb == "" {
			return "copy"
		}
		return p.Verb
	case Delete:
		return "delete"
	case Error:
		return "error"
	}
	return "skip"
}

// Build compares the tree under src with the one under dst and returns
// the plan that makes dst match src. It reads both sides and changes
// neither. A source folder that cannot be listed fails the whole plan:
// a plan built without it could delete what it cannot see.
func Build(ctx context.Context, src, dst Side, opts Options) (*Plan, error) {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	b := &builder{ctx: ctx, src: src, dst: dst, opts: opts, plan: &Plan{Verb: opts.Verb}}
	if opts.Mode == Checksum {
		sh, ok1 := src.(Hasher)
		dh, ok2 := dst.(Hasher)
		if !ok1 || !ok2 {
			return nil, ErrNoChecksum
		}
		b.srcHash, b.dstHash = sh, dh
	}
	if err := b.dir("", true); err != nil {
		return nil, err
	}
	b.plan.Actions = append(b.plan.Actions, b.deletes...)
	return b.plan, nil
}

type builder struct {
	ctx              context.Context
	src, dst         Side
	srcHash, dstHash Hasher
	opts             Options
	plan             *Plan
	deletes          []Action
	// seen holds the identities (Entry.ID) of the folders the walk is
	// inside of, to stop at a folder that contains itself.
	seen []string
}

// readDir lists one folder of a side, sorted by name.
func readDir(ctx context.Context, s Side, rel string) ([]Entry, error) {
	var es []Entry
	err := s.List(ctx, rel, func(e Entry) error {
		es = append(es, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.SortFunc(es, func(a, b Entry) int { return strings.Compare(a.Name, b.Name) })
	return es, nil
}

func join(dir, name string) string {
	if dir == "" {
		return name
	}
	return dir + "/" + name
}

func (b *builder) add(a Action) {
	b.plan.Summary.count(&a)
	if a.Op == Delete {
		b.deletes = append(b.deletes, a)
		return
	}
	b.plan.Actions = append(b.plan.Actions, a)
}

// addLate adds a skip met while planning deletions: it is listed with
// them, at the end.
func (b *builder) addLate(a Action) {
	if a.Op == Error {
		b.plan.Summary.Errors++
	} else {
		b.plan.Summary.Skipped++
	}
	b.deletes = append(b.deletes, a)
}

func (b *builder) excluded(rel string, dir bool) bool {
	return b.opts.Filter.Excluded(rel, dir)
}

// dir compares the folder rel on both sides; dstExists says whether the
// target has it.
func (b *builder) dir(rel string, dstExists bool) error {
	if err := b.ctx.Err(); err != nil {
		return err
	}
	srcs, err := readDir(b.ctx, b.src, rel)
	if err != nil {
		return fmt.Errorf("source %s: %w", display(rel, true), err)
	}
	if rel == "" && len(srcs) == 0 && b.opts.Delete && !b.opts.AllowEmptySource {
		return ErrEmptySource
	}
	var dsts []Entry
	if dstExists {
		dsts, err = readDir(b.ctx, b.dst, rel)
		if rel == "" && errors.Is(err, fs.ErrNotExist) {
			b.add(Action{Op: MakeDir, Path: "", Dir: true, Reason: ReasonNew})
			dstExists, err = false, nil
		}
		if err != nil {
			return fmt.Errorf("target %s: %w", display(rel, true), err)
		}
	}
	i, j := 0, 0
	for i < len(srcs) || j < len(dsts) {
		switch {
		case j == len(dsts) || i < len(srcs) && srcs[i].Name < dsts[j].Name:
			if err := b.pair(rel, &srcs[i], nil); err != nil {
				return err
			}
			i++
		case i == len(srcs) || dsts[j].Name < srcs[i].Name:
			if err := b.extra(rel, &dsts[j]); err != nil {
				return err
			}
			j++
		default:
			if err := b.pair(rel, &srcs[i], &dsts[j]); err != nil {
				return err
			}
			i++
			j++
		}
	}
	return nil
}

// pair settles one source entry against the target's entry of the same
// name (nil when the target has none).
func (b *builder) pair(dir string, s, d *Entry) error {
	rel := join(dir, s.Name)
	isDir := s.Kind == Dir
	skip := func(reason string) {
		b.add(Action{Op: Skip, Path: rel, Dir: isDir, Reason: reason, Size: s.Size})
	}
	switch {
	case s.Unsafe:
		skip("unsafe name")
		return nil
	case b.excluded(rel, isDir):
		skip(ReasonExcluded)
		return nil
	case s.Kind == Link:
		skip("symbolic link: not followed")
		return nil
	case s.Kind == Other:
		skip("not a regular file")
		return nil
	}
	if d != nil && d.Unsafe {
		skip("the target's name is unsafe")
		return nil
	}
	if isDir {
		if reason := b.unwalkable(rel, s); reason != "" {
			b.add(Action{Op: Error, Path: rel, Dir: true, Reason: reason})
			return nil
		}
		b.seen = append(b.seen, s.ID)
		defer func() { b.seen = b.seen[:len(b.seen)-1] }()
		switch {
		case d == nil:
			b.add(Action{Op: MakeDir, Path: rel, Dir: true, Reason: ReasonNew})
			return b.dir(rel, false)
		case d.Kind == Dir:
			return b.dir(rel, true)
		}
		skip("the target has a file or link of that name")
		return nil
	}
	copyAs := func(reason string) {
		b.add(Action{Op: Transfer, Path: rel, Reason: reason, Size: s.Size, ModTime: s.ModTime, Precision: s.Precision})
	}
	if d == nil {
		copyAs(ReasonNew)
		return nil
	}
	if d.Kind != File {
		skip("the target has a folder or link of that name")
		return nil
	}
	reason, err := b.differs(rel, s, d)
	if err != nil {
		return err
	}
	if reason == "" {
		b.plan.Summary.Unchanged++
		return nil
	}
	copyAs(reason)
	return nil
}

// unwalkable says why the folder e at rel must not be entered: it is one
// the walk is already inside of, or too deep. "" lets it be walked.
func (b *builder) unwalkable(rel string, e *Entry) string {
	if e.ID != "" && slices.Contains(b.seen, e.ID) {
		return "folder loop: a folder this walk is already inside of; not followed"
	}
	if strings.Count(rel, "/")+1 > b.opts.MaxDepth {
		return fmt.Sprintf("deeper than %d folders: not walked", b.opts.MaxDepth)
	}
	return ""
}

// differs returns why the source file s must be copied over the target
// file d, or "" when they are the same by the plan's mode.
func (b *builder) differs(rel string, s, d *Entry) (string, error) {
	if s.Size >= 0 && d.Size >= 0 && s.Size != d.Size {
		return ReasonSizeDiffers, nil
	}
	switch b.opts.Mode {
	case SizeOnly:
		if s.Size < 0 || d.Size < 0 {
			return ReasonSizeUnknown, nil
		}
		return "", nil
	case Checksum:
		sh, err := b.srcHash.Hash(b.ctx, rel, b.opts.Algo)
		if err != nil {
			return "", fmt.Errorf("checksum of source %s: %w", rel, err)
		}
		dh, err := b.dstHash.Hash(b.ctx, rel, b.opts.Algo)
		if err != nil {
			return "", fmt.Errorf("checksum of target %s: %w", rel, err)
		}
		if !strings.EqualFold(sh, dh) {
			return ReasonChecksumDiffers, nil
		}
		return "", nil
	}
	switch c := CompareTimes(s, d, b.opts.Tolerance); {
	case c > 0:
		return ReasonNewer, nil
	case c == 0 && (s.Size < 0 || d.Size < 0) && (s.Precision == listing.TimeUnknown || d.Precision == listing.TimeUnknown):
		return ReasonSizeUnknown, nil // nothing to tell them apart by
	}
	return "", nil
}

// CompareTimes compares two entries' modification times at the coarser
// of their precisions, allowing tolerance on top: +1 when a is newer, -1
// when it is older, 0 when they count as the same time or either is
// unknown.
func CompareTimes(a, b *Entry, tolerance time.Duration) int {
	if a.ModTime.IsZero() || b.ModTime.IsZero() || a.Precision == listing.TimeUnknown || b.Precision == listing.TimeUnknown {
		return 0
	}
	unit := time.Second
	switch min(a.Precision, b.Precision) {
	case listing.TimeMinute:
		unit = time.Minute
	case listing.TimeDay:
		unit = 24 * time.Hour
	}
	d := a.ModTime.Truncate(unit).Sub(b.ModTime.Truncate(unit))
	switch {
	case d > tolerance:
		return 1
	case d < -tolerance:
		return -1
	}
	return 0
}

// extra settles a target entry the source lacks.
func (b *builder) extra(dir string, d *Entry) error {
	if !b.opts.Delete {
		return nil
	}
	rel := join(dir, d.Name)
	isDir := d.Kind == Dir
	switch {
	case d.Unsafe:
		b.addLate(Action{Op: Skip, Path: rel, Dir: isDir, Reason: "unsafe name: not deleted", Size: d.Size})
		return nil
	case b.excluded(rel, isDir):
		return nil // excluded entries are never deleted
	}
	if !isDir {
		b.add(Action{Op: Delete, Path: rel, Reason: ReasonNotInSource, Size: d.Size})
		return nil
	}
	if reason := b.unwalkable(rel, d); reason != "" {
		b.addLate(Action{Op: Error, Path: rel, Dir: true, Reason: reason + "; not deleted"})
		return nil
	}
	b.seen = append(b.seen, d.ID)
	emptied, err := b.deleteTree(rel)
	b.seen = b.seen[:len(b.seen)-1]
	if err != nil {
		return err
	}
	if emptied {
		b.add(Action{Op: Delete, Path: rel, Dir: true, Reason: ReasonNotInSource})
	} else {
		b.addLate(Action{Op: Skip, Path: rel, Dir: true, Reason: "holds excluded entries: not deleted"})
	}
	return nil
}

// deleteTree plans the deletion of a target folder's contents, deepest
// first, and reports whether it would be left empty.
func (b *builder) deleteTree(rel string) (bool, error) {
	if err := b.ctx.Err(); err != nil {
		return false, err
	}
	es, err := readDir(b.ctx, b.dst, rel)
	if err != nil {
		return false, fmt.Errorf("target %s: %w", display(rel, true), err)
	}
	emptied := true
	for k := range es {
		e := &es[k]
		if e.Unsafe || b.excluded(join(rel, e.Name), e.Kind == Dir) {
			emptied = false
		}
		if err := b.extra(rel, e); err != nil {
			return false, err
		}
	}
	return emptied, nil
}

// display returns a plan path as it is printed: folders end in '/', the
// root is "./", and a path holding a control or bidi character, a
// backslash or a leading double quote is printed Go-quoted, so every plan
// line stays one line and reads as it is.
func display(p string, dir bool) string {
	if p == "" {
		p = "."
	}
	if dir {
		p += "/"
	}
	if strings.HasPrefix(p, `"`) || strings.ContainsRune(p, '\\') || safe.HasEscaped(p) {
		return strconv.Quote(p)
	}
	return p
}

// WriteText prints the plan in its stable text format, one line per
// action, fields separated by a tab:
//
//	ACTION	REASON	SIZE	PATH
//
// ACTION is "create dir", "download" or "upload", "delete", "skip" or
// "error";
// SIZE is in bytes (-1 unknown, 0 for folders); PATH is relative to the
// mirror root, a folder's ends in '/'. The last line is the summary:
//
//	summary	files=N	bytes=N	dirs=N	deletes=N	skipped=N	unchanged=N	errors=N
//
// An "error" line is a folder the walk could not enter (a folder inside
// itself, too deep); a plan with one cannot make the target match.
func (p *Plan) WriteText(w io.Writer) error {
	var sb strings.Builder
	for i := range p.Actions {
		a := &p.Actions[i]
		sb.Reset()
		sb.WriteString(p.Name(a))
		sb.WriteByte('\t')
		sb.WriteString(a.Reason)
		sb.WriteByte('\t')
		sb.WriteString(strconv.FormatInt(a.size(), 10))
		sb.WriteByte('\t')
		sb.WriteString(display(a.Path, a.Dir))
		sb.WriteByte('\n')
		if _, err := io.WriteString(w, sb.String()); err != nil {
			return err
		}
	}
	s := p.Summary
	_, err := fmt.Fprintf(w, "summary\tfiles=%d\tbytes=%d\tdirs=%d\tdeletes=%d\tskipped=%d\tunchanged=%d\terrors=%d\n",
		s.Files, s.Bytes, s.Dirs, s.Deletes, s.Skipped, s.Unchanged, s.Errors)
	return err
}

func (a *Action) size() int64 {
	if a.Dir {
		return 0
	}
	return a.Size
}

// jsonAction is one JSON line of a plan.
type jsonAction struct {
	Action string `json:"action"`
	Reason string `json:"reason,omitempty"`
	Size   int64  `json:"size"`
	Path   string `json:"path"`
	Dir    bool   `json:"dir,omitempty"`
}

// WriteJSON prints the plan as JSON lines: one object per action with
// the fields action, reason, size, path (relative, without a trailing
// '/') and dir (true for folders), then {"action":"summary", ...} with
// the Summary's counts.
func (p *Plan) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	for i := range p.Actions {
		a := &p.Actions[i]
		if err := enc.Encode(jsonAction{Action: p.Name(a), Reason: a.Reason, Size: a.size(), Path: a.Path, Dir: a.Dir}); err != nil {
			return err
		}
	}
	return enc.Encode(struct {
		Action string `json:"action"`
		Summary
	}{"summary", p.Summary})
}

// Counts returns the plan's summary for the actions keep selects (all
// when keep is nil), for a dialog that lets the user untick lines.
func (p *Plan) Counts(keep func(i int) bool) Summary {
	var s Summary
	s.Unchanged = p.Summary.Unchanged
	for i := range p.Actions {
		if keep != nil && !keep(i) {
			continue
		}
		s.count(&p.Actions[i])
	}
	return s
}

// count adds one action to the summary.
func (s *Summary) count(a *Action) {
	switch a.Op {
	case MakeDir:
		s.Dirs++
	case Transfer:
		s.Files++
		s.Bytes += max(a.Size, 0)
	case Delete:
		s.Deletes++
	case Skip:
		s.Skipped++
	case Error:
		s.Errors++
	}
}
