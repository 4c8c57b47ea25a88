package protocol

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strconv"
	"strings"
	"time"
)

// Features sends FEAT once and returns what the server offers, keyed by
// upper-case name ("MLST", "UTF8", "AUTH") with the rest of the line as
// value. A server without FEAT offers nothing. The map must not be changed.
func (c *Conn) Features(ctx context.Context) (map[string]string, error) {
	if c.features != nil {
		return c.features, nil
	}
	r, err := c.cmd(ctx, 0, "FEAT")
	if err != nil {
		return nil, err
	}
	c.features = parseFeatures(r)
	return c.features, nil
}

// parseFeatures reads a 211 FEAT reply. Feature lines start with a space
// per RFC 2389, but IIS omits it, so any middle line counts.
func parseFeatures(r *Reply) map[string]string {
	feats := make(map[string]string)
	if r.Code != CodeSystemStatus {
		return feats
	}
	for _, l := range r.Lines[1 : len(r.Lines)-1] {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		name, params, _ := strings.Cut(l, " ")
		feats[strings.ToUpper(name)] = strings.TrimSpace(params)
	}
	return feats
}

// HasFeature reports whether FEAT listed name (case-insensitive). It
// knows only what an earlier Login or Features call learned.
func (c *Conn) HasFeature(name string) bool {
	_, ok := c.features[strings.ToUpper(name)]
	return ok
}

// Type sets the representation type: "I" (binary) or "A" (ASCII). The
// engine tracks it and sends TYPE only when it changes.
func (c *Conn) Type(ctx context.Context, typ string) error {
	if typ == c.transfer {
		return nil
	}
	if _, err := c.cmd(ctx, 2, "TYPE "+typ); err != nil {
		c.transfer = ""
		return err
	}
	c.transfer = typ
	return nil
}

// typeFor selects the type for a transfer of path, refusing an unsafe
// path before anything is sent.
func (c *Conn) typeFor(ctx context.Context, typ, path string) error {
	if err := checkLine(path); err != nil {
		return err
	}
	return c.Type(ctx, typ)
}

// Size returns a file's size in bytes (SIZE, RFC 3659). It is sent in
// binary type: proftpd refuses SIZE in ASCII mode and others count ASCII
// line endings.
func (c *Conn) Size(ctx context.Context, path string) (int64, error) {
	if err := c.typeFor(ctx, "I", path); err != nil {
		return 0, err
	}
	r, err := c.cmd(ctx, 0, "SIZE "+path)
	if err != nil {
		return 0, err
	}
	return SizeReply(r)
}

// SizeReply reads a file's size from the reply to SIZE (sent in a Batch,
// say): an *Error for a refusal, a protocol error for a malformed reply.
func SizeReply(r *Reply) (int64, error) {
	if err := r.Check("SIZE", CodeFileStatus); err != nil {
		return 0, err
	}
	n, perr := strconv.ParseInt(strings.TrimSpace(r.Text()), 10, 64)
	if perr != nil || n < 0 {
		return 0, protocolError("bad SIZE reply", r.Lines[0])
	}
	return n, nil
}

// ModTime returns a file's modification time in UTC (MDTM, RFC 3659).
func (c *Conn) ModTime(ctx context.Context, path string) (time.Time, error) {
	r, err := c.cmd(ctx, 0, "MDTM "+path)
	if err != nil {
		return time.Time{}, err
	}
	return ModTimeReply(r)
}

// ModTimeReply reads a file's modification time from the reply to MDTM
// (sent in a Batch or ahead of a transfer): an *Error for a refusal, a
// protocol error for a malformed reply.
func ModTimeReply(r *Reply) (time.Time, error) {
	if err := r.Check("MDTM", CodeFileStatus); err != nil {
		return time.Time{}, err
	}
	t, ok := ParseTimeVal(strings.TrimSpace(r.Text()))
	if !ok {
		return time.Time{}, protocolError("bad MDTM reply", r.Lines[0])
	}
	return t, nil
}

// SetModTime sets a file's modification time (MFMT, draft-somers-ftp-mfxx).
func (c *Conn) SetModTime(ctx context.Context, path string, t time.Time) error {
	_, err := c.cmd(ctx, 2, "MFMT "+t.UTC().Format("20060102150405")+" "+path)
	return err
}

// ParseTimeVal reads an RFC 3659 time-val: YYYYMMDDHHMMSS with optional
// fractional seconds, always UTC.
func ParseTimeVal(s string) (time.Time, bool) {
	if len(s) < 14 {
		return time.Time{}, false
	}
	for i := range 14 {
		if s[i] < '0' || s[i] > '9' {
			return time.Time{}, false
		}
	}
	t, err := time.Parse("20060102150405", s[:14])
	if err != nil {
		return time.Time{}, false
	}
	if frac := s[14:]; frac != "" {
		if frac[0] != '.' || len(frac) < 2 || len(frac) > 10 {
			return time.Time{}, false
		}
		ns := 0
		for i, d := range frac[1:] {
			if d < '0' || d > '9' {
				return time.Time{}, false
			}
			if i < 9 {
				ns = ns*10 + int(d-'0')
			}
		}
		for range 9 - (len(frac) - 1) {
			ns *= 10
		}
		t = t.Add(time.Duration(ns))
	}
	return t, true
}

// Rename renames from to to (RNFR, RNTO).
func (c *Conn) Rename(ctx context.Context, from, to string) error {
	if err := checkLine(to); err != nil {
		return err // refuse before RNFR leaves the server waiting for RNTO
	}
	if _, err := c.cmd(ctx, CodePendingFurtherInfo, "RNFR "+from); err != nil {
		return err
	}
	_, err := c.cmd(ctx, 2, "RNTO "+to)
	return err
}

// Delete removes a file (DELE).
func (c *Conn) Delete(ctx context.Context, path string) error {
	_, err := c.cmd(ctx, 2, "DELE "+path)
	return err
}

// ChangeDir changes the working directory (CWD).
func (c *Conn) ChangeDir(ctx context.Context, path string) error {
	_, err := c.cmd(ctx, 2, "CWD "+path)
	return err
}

// ChangeDirUp changes to the parent directory (CDUP).
func (c *Conn) ChangeDirUp(ctx context.Context) error {
	_, err := c.cmd(ctx, 2, "CDUP")
	return err
}

// MakeDir creates a directory (MKD) and returns the path the server
// reports for it, or path itself when the reply names none.
func (c *Conn) MakeDir(ctx context.Context, path string) (string, error) {
	r, err := c.cmd(ctx, 2, "MKD "+path)
	if err != nil {
		return "", err
	}
	if p, err := parseQuotedPath(r.Text()); err == nil {
		return c.decodeName(p), nil
	}
	return path, nil
}

// RemoveDir removes an empty directory (RMD).
func (c *Conn) RemoveDir(ctx context.Context, path string) error {
	_, err := c.cmd(ctx, 2, "RMD "+path)
	return err
}

// CurrentDir returns the working directory (PWD).
func (c *Conn) CurrentDir(ctx context.Context) (string, error) {
	r, err := c.cmd(ctx, CodePathCreated, "PWD")
	if err != nil {
		return "", err
	}
	p, err := parseQuotedPath(r.Text())
	if err != nil {
		return "", protocolError("bad PWD reply", r.Lines[0])
	}
	p = c.decodeName(p)
	c.pwd = p
	return p, nil
}

// parseQuotedPath reads the path from a 257 reply: it starts at the first
// quote, and a quote inside it is doubled (RFC 959 appendix II).
func parseQuotedPath(text string) (string, error) {
	i := strings.IndexByte(text, '"')
	if i < 0 {
		return "", errors.New("no quoted path")
	}
	var b strings.Builder
	for j := i + 1; j < len(text); j++ {
		if text[j] != '"' {
			b.WriteByte(text[j])
			continue
		}
		if j+1 < len(text) && text[j+1] == '"' {
			b.WriteByte('"')
			j++
			continue
		}
		return b.String(), nil
	}
	return "", errors.New("unterminated quoted path")
}

// Chmod changes permissions with SITE CHMOD, which most Unix servers
// offer though no RFC defines it.
func (c *Conn) Chmod(ctx context.Context, path string, mode fs.FileMode) error {
	bits := uint32(mode.Perm())
	if mode&fs.ModeSetuid != 0 {
		bits |= 0o4000
	}
	if mode&fs.ModeSetgid != 0 {
		bits |= 0o2000
	}
	if mode&fs.ModeSticky != 0 {
		bits |= 0o1000
	}
	_, err := c.cmd(ctx, 2, fmt.Sprintf("SITE CHMOD %03o %s", bits, path))
	return err
}

// MLST returns the facts line for one path (RFC 3659 section 7), without
// the leading space the reply puts before it.
func (c *Conn) MLST(ctx context.Context, path string) (string, error) {
	line := "MLST"
	if path != "" {
		line += " " + path
	}
	r, err := c.cmd(ctx, 2, line)
	if err != nil {
		return "", err
	}
	if len(r.Lines) < 3 {
		return "", protocolError("MLST reply without a facts line", r.Lines[0])
	}
	return strings.TrimPrefix(r.Lines[1], " "), nil
}

// MaxListingLine bounds one line of a listing on the data connection.
const MaxListingLine = 64 << 10

// Lines runs a listing or text command ("LIST", "NLST", "MLSD", each with
// an optional argument) and calls fn for each line of its output, line
// endings removed, as it streams in (ftplib's retrlines).
func (c *Conn) Lines(ctx context.Context, line string, fn func(string) error) error {
	t, err := c.StartTransfer(ctx, line, 0)
	if err != nil {
		return err
	}
	sc := bufio.NewScanner(t)
	sc.Buffer(make([]byte, 0, 4096), MaxListingLine)
	for sc.Scan() {
		if err := fn(strings.TrimSuffix(sc.Text(), "\r")); err != nil {
			return errors.Join(err, t.Abort())
		}
	}
	if err := sc.Err(); err != nil {
		if err == bufio.ErrTooLong {
			err = protocolError(fmt.Sprintf("listing line longer than %d bytes", MaxListingLine), "")
		}
		return errors.Join(err, t.Abort())
	}
	return t.Close()
}

// NameList returns the names NLST gives for path ("" for the working
// directory).
func (c *Conn) NameList(ctx context.Context, path string) ([]string, error) {
	var names []string
	limit := orDefault(c.opts.MaxListingEntries, DefaultMaxListingEntries)
	err := c.Lines(ctx, withArg("NLST", path), func(l string) error {
		if len(names) == limit {
			return protocolError(fmt.Sprintf("name list longer than %d names", limit), "")
		}
		names = append(names, c.decodeName(l))
		return nil
	})
	return names, err
}

func withArg(verb, arg string) string {
	if arg == "" {
		return verb
	}
	return verb + " " + arg
}

// Retrieve downloads path into w in binary type, starting at offset (REST)
// when offset > 0, and returns the bytes written.
func (c *Conn) Retrieve(ctx context.Context, path string, w io.Writer, offset int64) (int64, error) {
	t, err := c.Open(ctx, path, offset)
	if err != nil {
		return 0, err
	}
	n, err := copyBuffer(w, t)
	if err != nil {
		return n, errors.Join(err, t.Abort())
	}
	return n, t.Close()
}

// Open starts a binary download of path from offset; read the Transfer
// and Close it.
func (c *Conn) Open(ctx context.Context, path string, offset int64) (*Transfer, error) {
	t, _, err := c.OpenBatch(ctx, path, offset)
	return t, err
}

// OpenBatch is Open with commands sent ahead of the download (MDTM, SIZE,
// a hash command: anything about the file that does not change the
// session), at no round trip of their own when pipelining; their replies
// come back in order, whatever they say (see StartTransferBatch).
func (c *Conn) OpenBatch(ctx context.Context, path string, offset int64, before ...string) (*Transfer, []*Reply, error) {
	if err := c.typeFor(ctx, "I", path); err != nil {
		return nil, nil, err
	}
	t, replies, err := c.StartTransferBatch(ctx, before, "RETR "+path, offset)
	if err == nil {
		t.bound(offset)
	}
	return t, replies, err
}

// Create starts a binary upload to path, at offset (REST then STOR) when
// offset > 0; write the Transfer and Close it.
func (c *Conn) Create(ctx context.Context, path string, offset int64) (*Transfer, error) {
	if err := c.typeFor(ctx, "I", path); err != nil {
		return nil, err
	}
	return c.StartTransfer(ctx, "STOR "+path, offset)
}

// Store uploads r to path in binary type, at offset when offset > 0, and
// returns the bytes sent.
func (c *Conn) Store(ctx context.Context, path string, r io.Reader, offset int64) (int64, error) {
	t, err := c.Create(ctx, path, offset)
	if err != nil {
		return 0, err
	}
	return c.send(t, r)
}

// Append uploads r to the end of path (APPE), creating it if needed.
func (c *Conn) Append(ctx context.Context, path string, r io.Reader) (int64, error) {
	if err := c.typeFor(ctx, "I", path); err != nil {
		return 0, err
	}
	t, err := c.StartTransfer(ctx, "APPE "+path, 0)
	if err != nil {
		return 0, err
	}
	return c.send(t, r)
}

func (c *Conn) send(t *Transfer, r io.Reader) (int64, error) {
	n, err := t.ReadFrom(r)
	if err != nil {
		return n, errors.Join(err, t.Abort())
	}
	return n, t.Close()
}

// RetrieveLines downloads path in ASCII type and calls fn for each line,
// line endings removed (ftplib's retrlines with RETR).
func (c *Conn) RetrieveLines(ctx context.Context, path string, fn func(string) error) error {
	if err := c.typeFor(ctx, "A", path); err != nil {
		return err
	}
	return c.Lines(ctx, "RETR "+path, fn)
}

// StoreLines uploads r in ASCII type: each line is sent with CRLF, the
// network line ending, whatever r used (ftplib's storlines).
func (c *Conn) StoreLines(ctx context.Context, path string, r io.Reader) error {
	if err := c.typeFor(ctx, "A", path); err != nil {
		return err
	}
	t, err := c.StartTransfer(ctx, "STOR "+path, 0)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(t, 64<<10)
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 1<<20)
	for sc.Scan() {
		w.Write(bytes.TrimSuffix(sc.Bytes(), []byte{'\r'}))
		if _, err := w.WriteString("\r\n"); err != nil {
			return errors.Join(err, t.Abort())
		}
	}
	if err := sc.Err(); err != nil {
		return errors.Join(err, t.Abort())
	}
	if err := w.Flush(); err != nil {
		return errors.Join(err, t.Abort())
	}
	return t.Close()
}

// copyBuffer copies with a buffer large enough that per-call costs (TLS
// records, deadline checks) vanish on fast links.
func copyBuffer(w io.Writer, r io.Reader) (int64, error) {
	buf := make([]byte, 256<<10)
	var total int64
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			m, werr := w.Write(buf[:n])
			total += int64(m)
			if werr != nil {
				return total, werr
			}
		}
		if rerr == io.EOF {
			return total, nil
		}
		if rerr != nil {
			return total, rerr
		}
	}
}
