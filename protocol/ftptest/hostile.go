package ftptest

import (
	"bufio"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Hostile is a scripted FTP server for what real servers will not do: lie
// about sizes, end a transfer early, send data or listing lines without
// end, list a folder inside itself, put control characters in replies and
// names, refuse TLS. It serves an in-memory tree over plain FTP on
// 127.0.0.1 (passive mode only), accepts any user and password, and
// records every command it receives.
//
// Everything not configured to misbehave behaves like a small, correct
// server, so a test sets only the one lie it is about.
type Hostile struct {
	Addr string // "127.0.0.1:port" of the control connection

	opts HostileOptions
	ln   net.Listener
	wg   sync.WaitGroup

	mu       sync.Mutex
	files    map[string]*HostileFile // by clean absolute path
	dirs     map[string]bool
	commands []string
	conns    []net.Conn
	logins   int
	sessions int // open control connections
	peak     int // the most sessions open at once
	refused  int // connections refused by MaxSessions
}

// HostileFile is one file of a Hostile server and how it misbehaves.
type HostileFile struct {
	Data    []byte
	ModTime time.Time // zero: 2024-01-02 03:04:05 UTC

	// Announce is the size the 150 reply states, "(N bytes)": 0 means
	// len(Data), negative means none.
	Announce int64
	// Size is what SIZE (and the listing) answers when non-zero; zero
	// means len(Data).
	Size int64
	// Send, when positive, is how many bytes RETR sends before its 226,
	// however many there are.
	Send int64
	// Endless makes RETR repeat Data without end (the client must stop).
	Endless bool
	// Hash, when set, is the hex digest every hash command answers,
	// whatever the data.
	Hash string
}

// HostileOptions configure a Hostile server. The zero value is a plain
// server with an empty root that offers MLST, SIZE and MDTM.
type HostileOptions struct {
	// Files are the server's files by absolute path; their folders exist.
	Files map[string]*HostileFile
	// Dirs are more folders (empty ones, say).
	Dirs []string
	// Links are folders that lead elsewhere, by absolute path, to the
	// absolute path of a folder: listed as ordinary folders (as pyftpdlib's
	// MLSD lists a symbolic link to a folder), so a folder can contain
	// itself.
	Links map[string]string
	// Listings replace a folder's listing (LIST and MLSD alike) by whatever
	// the function writes until it returns or a write fails.
	Listings map[string]func(w io.Writer)
	// Unreadable folders list as vsftpd lists them: an empty listing
	// ending "226 Transfer done (but failed to open directory).".
	Unreadable []string
	// Features are the FEAT lines; nil means MLST, SIZE, MDTM. Add for
	// example "HASH SHA-256;SHA-1;MD5;CRC32" or "XSHA256".
	Features []string
	// WrongHashes makes every hash command answer the digest of other data
	// than the file holds (uploads included).
	WrongHashes bool
	// RefuseAUTH answers AUTH with 534 instead of 500.
	RefuseAUTH bool
	// Greeting replaces the 220 greeting's text.
	Greeting string
	// AnyFile, when set, is served for every path that names no file or
	// folder: the files of a listing that Listings generates, say.
	AnyFile *HostileFile
	// ReplyText is appended to every 2xx reply's text (control characters,
	// say).
	ReplyText string
	// MaxSessions, when positive, is how many control connections may be
	// open at once: one more is greeted with "421 Too many connections"
	// and closed, as real servers limit clients per address.
	MaxSessions int
}

// NewHostile starts a Hostile server and stops it when the test ends.
func NewHostile(t testing.TB, opts HostileOptions) *Hostile {
	t.Helper()
	h, err := StartHostile(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h
}

// StartHostile starts a Hostile server outside a test (for ftpserve);
// the caller must Close it.
func StartHostile(opts HostileOptions) (*Hostile, error) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	h := &Hostile{Addr: ln.Addr().String(), opts: opts, ln: ln,
		files: map[string]*HostileFile{}, dirs: map[string]bool{"/": true}}
	for p, f := range opts.Files {
		h.addFile(p, f)
	}
	for _, d := range opts.Dirs {
		h.addDir(d)
	}
	for p := range opts.Links {
		h.addDir(path.Dir(path.Clean(p)))
	}
	for p := range opts.Listings {
		h.addDir(p)
	}
	for _, p := range opts.Unreadable {
		h.addDir(p)
	}
	h.wg.Add(1)
	go h.accept()
	return h, nil
}

// HugeListing returns a Listings function that sends an MLSD listing of n
// files of size bytes each ("f0000001"...), followed by the folders named
// in dirs: the kind of listing that tests a client's memory.
func HugeListing(n int, size int64, dirs ...string) func(io.Writer) {
	return func(w io.Writer) {
		bw := bufio.NewWriterSize(w, 64<<10)
		for i := range n {
			if _, err := fmt.Fprintf(bw, "type=file;size=%d;modify=20240102030405;unique=f%x; f%07d\r\n", size, i, i); err != nil {
				return
			}
		}
		for _, d := range dirs {
			fmt.Fprintf(bw, "type=dir;modify=20240102030405; %s\r\n", d)
		}
		bw.Flush()
	}
}

func (h *Hostile) addDir(p string) {
	for p = path.Clean("/" + p); !h.dirs[p]; p = path.Dir(p) {
		h.dirs[p] = true
	}
}

func (h *Hostile) addFile(p string, f *HostileFile) {
	p = path.Clean("/" + p)
	h.files[p] = f
	h.addDir(path.Dir(p))
}

// Close stops the server and ends its connections.
func (h *Hostile) Close() {
	h.ln.Close()
	h.mu.Lock()
	for _, c := range h.conns {
		c.Close()
	}
	h.mu.Unlock()
	h.wg.Wait()
}

// Commands returns the command lines received so far, in order (PASS
// arguments included: this is a test server).
func (h *Hostile) Commands() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return slices.Clone(h.commands)
}

// Count returns how many received commands start with verb.
func (h *Hostile) Count(verb string) int {
	n := 0
	for _, c := range h.Commands() {
		if strings.EqualFold(strings.SplitN(c, " ", 2)[0], verb) {
			n++
		}
	}
	return n
}

// Sessions returns the most control connections that were open at once,
// and how many were refused with 421 for MaxSessions.
func (h *Hostile) Sessions() (peak, refused int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.peak, h.refused
}

// File returns a copy of the data stored at p (after a STOR), and whether
// it exists.
func (h *Hostile) File(p string) ([]byte, bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	f, ok := h.files[path.Clean("/"+p)]
	if !ok {
		return nil, false
	}
	return slices.Clone(f.Data), true
}

// SetFile replaces (or adds) a file while the server runs.
func (h *Hostile) SetFile(p string, f *HostileFile) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.addFile(p, f)
}

func (h *Hostile) accept() {
	defer h.wg.Done()
	for {
		c, err := h.ln.Accept()
		if err != nil {
			return
		}
		h.mu.Lock()
		h.conns = append(h.conns, c)
		full := h.opts.MaxSessions > 0 && h.sessions >= h.opts.MaxSessions
		if full {
			h.refused++
		} else {
			h.sessions++
			h.peak = max(h.peak, h.sessions)
		}
		h.mu.Unlock()
		if full {
			fmt.Fprintf(c, "421 Too many connections (%d) from this IP\r\n", h.opts.MaxSessions)
			c.Close()
			continue
		}
		h.wg.Add(1)
		go func() {
			defer h.wg.Done()
			defer func() {
				c.Close()
				h.mu.Lock()
				h.sessions--
				h.mu.Unlock()
			}()
			(&hostileSession{h: h, c: c, cwd: "/", w: bufio.NewWriter(c)}).serve()
		}()
	}
}

// hostileSession is one control connection.
type hostileSession struct {
	h      *Hostile
	c      net.Conn
	w      *bufio.Writer
	cwd    string
	rest   int64
	rnfr   string
	pasv   net.Listener
	closed bool
}

func (s *hostileSession) reply(code int, text string) {
	if code >= 200 && code < 300 {
		text += s.h.opts.ReplyText
	}
	fmt.Fprintf(s.w, "%d %s\r\n", code, text)
	s.w.Flush()
}

func (s *hostileSession) serve() {
	defer func() {
		if s.pasv != nil {
			s.pasv.Close()
		}
	}()
	greeting := s.h.opts.Greeting
	if greeting == "" {
		greeting = "hostile test server"
	}
	s.reply(220, greeting)
	r := bufio.NewReader(s.c)
	for {
		s.c.SetReadDeadline(time.Now().Add(30 * time.Second))
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		s.h.mu.Lock()
		s.h.commands = append(s.h.commands, line)
		s.h.mu.Unlock()
		verb, arg, _ := strings.Cut(line, " ")
		if !s.command(strings.ToUpper(verb), arg) {
			return
		}
	}
}

// command runs one command; false ends the session.
func (s *hostileSession) command(verb, arg string) bool {
	h := s.h
	switch verb {
	case "USER":
		s.reply(331, "password please")
	case "PASS":
		h.mu.Lock()
		h.logins++
		h.mu.Unlock()
		s.reply(230, "logged in")
	case "AUTH":
		if h.opts.RefuseAUTH {
			s.reply(534, "TLS not available")
		} else {
			s.reply(500, "AUTH not understood")
		}
	case "SYST":
		s.reply(215, "UNIX Type: L8")
	case "FEAT":
		feats := h.opts.Features
		if feats == nil {
			feats = []string{"MLST type*;size*;modify*;unique*;", "SIZE", "MDTM"}
		}
		fmt.Fprintf(s.w, "211-Features:\r\n")
		for _, f := range feats {
			fmt.Fprintf(s.w, " %s\r\n", f)
		}
		s.reply(211, "End")
	case "OPTS", "TYPE", "MODE", "STRU", "NOOP", "PBSZ":
		s.reply(200, "OK")
	case "PWD":
		s.reply(257, `"`+strings.ReplaceAll(s.cwd, `"`, `""`)+`" is the current directory`)
	case "CWD":
		p := s.resolve(arg)
		if !s.isDir(p) {
			s.reply(550, "Failed to change directory.")
			break
		}
		s.cwd = s.abs(arg)
		s.reply(250, "OK")
	case "CDUP":
		s.cwd = path.Dir(s.cwd)
		s.reply(250, "OK")
	case "REST":
		n, err := strconv.ParseInt(arg, 10, 64)
		if err != nil || n < 0 {
			s.reply(501, "bad offset")
			break
		}
		s.rest = n
		s.reply(350, "Restarting")
	case "EPSV", "PASV":
		s.passive(verb)
	case "SIZE":
		f := s.file(arg)
		if f == nil {
			s.reply(550, "Could not get file size.")
			break
		}
		s.reply(213, strconv.FormatInt(f.size(), 10))
	case "MDTM":
		f := s.file(arg)
		if f == nil {
			s.reply(550, "Could not get modification time.")
			break
		}
		s.reply(213, f.modTime().Format("20060102150405"))
	case "MLST":
		p := s.resolve(arg)
		if f := s.file(arg); f != nil {
			fmt.Fprintf(s.w, "250- Listing %s\r\n %s\r\n", arg, f.facts(path.Base(p)))
			s.reply(250, "End")
		} else if s.isDir(p) {
			fmt.Fprintf(s.w, "250- Listing %s\r\n type=dir;unique=%x; %s\r\n", arg, hashString(p), path.Base(p))
			s.reply(250, "End")
		} else {
			s.reply(550, "No such file or directory.")
		}
	case "MLSD", "LIST", "NLST":
		s.list(verb, arg)
	case "RETR":
		s.retr(arg)
	case "STOR", "APPE":
		s.stor(verb, arg)
	case "DELE":
		p := s.resolve(arg)
		h.mu.Lock()
		_, ok := h.files[p]
		delete(h.files, p)
		h.mu.Unlock()
		if !ok {
			s.reply(550, "Delete operation failed.")
		} else {
			s.reply(250, "Delete operation successful.")
		}
	case "MKD":
		h.mu.Lock()
		h.addDir(s.resolve(arg))
		h.mu.Unlock()
		s.reply(257, `"`+s.abs(arg)+`" created`)
	case "RNFR":
		s.rnfr = s.resolve(arg)
		s.reply(350, "Ready for RNTO.")
	case "RNTO":
		h.mu.Lock()
		f, ok := h.files[s.rnfr]
		if ok {
			delete(h.files, s.rnfr)
			h.addFile(s.resolve(arg), f)
		}
		h.mu.Unlock()
		if !ok {
			s.reply(550, "Rename failed.")
		} else {
			s.reply(250, "Rename successful.")
		}
	case "MFMT", "SITE":
		s.reply(213, "OK")
	case "HASH", "XSHA256", "XSHA1", "XMD5", "XCRC":
		s.hash(verb, arg)
	case "ABOR":
		s.reply(226, "Abort successful")
	case "QUIT":
		s.reply(221, "Goodbye.")
		return false
	default:
		s.reply(502, "Command not implemented.")
	}
	return true
}

func (s *hostileSession) abs(p string) string {
	if !strings.HasPrefix(p, "/") {
		p = s.cwd + "/" + p
	}
	return path.Clean(p)
}

// resolve turns a path into the path of what it names, following Links.
func (s *hostileSession) resolve(p string) string {
	parts := strings.Split(strings.TrimPrefix(s.abs(p), "/"), "/")
	cur := "/"
	for _, part := range parts {
		if part == "" {
			continue
		}
		cur = path.Join(cur, part)
		if target, ok := s.h.opts.Links[cur]; ok {
			cur = path.Clean(target)
		}
	}
	return cur
}

func (s *hostileSession) isDir(p string) bool {
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	return s.h.dirs[p]
}

func (s *hostileSession) file(arg string) *HostileFile {
	p := s.resolve(arg)
	s.h.mu.Lock()
	defer s.h.mu.Unlock()
	if f, ok := s.h.files[p]; ok {
		return f
	}
	if !s.h.dirs[p] {
		return s.h.opts.AnyFile
	}
	return nil
}

func (f *HostileFile) size() int64 {
	if f.Size != 0 {
		return f.Size
	}
	return int64(len(f.Data))
}

func (f *HostileFile) modTime() time.Time {
	if f.ModTime.IsZero() {
		return time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	}
	return f.ModTime.UTC()
}

func (f *HostileFile) facts(name string) string {
	return fmt.Sprintf("type=file;size=%d;modify=%s; %s", f.size(), f.modTime().Format("20060102150405"), name)
}

func hashString(s string) uint32 { return crc32.ChecksumIEEE([]byte(s)) }

func (s *hostileSession) passive(verb string) {
	if s.pasv != nil {
		s.pasv.Close()
	}
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		s.reply(425, "Cannot open passive port")
		return
	}
	s.pasv = ln
	port := ln.Addr().(*net.TCPAddr).Port
	if verb == "EPSV" {
		s.reply(229, fmt.Sprintf("Entering Extended Passive Mode (|||%d|)", port))
		return
	}
	s.reply(227, fmt.Sprintf("Entering Passive Mode (127,0,0,1,%d,%d).", port>>8, port&0xff))
}

// data accepts the passive data connection.
func (s *hostileSession) data() net.Conn {
	if s.pasv == nil {
		return nil
	}
	ln := s.pasv
	s.pasv = nil
	defer ln.Close()
	ln.(*net.TCPListener).SetDeadline(time.Now().Add(10 * time.Second))
	c, err := ln.Accept()
	if err != nil {
		return nil
	}
	return c
}

func (s *hostileSession) list(verb, arg string) {
	args := strings.Fields(arg)
	dir := ""
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			dir = a
		}
	}
	// A path with spaces: everything after the options.
	if i := strings.Index(arg, dir); dir != "" && i >= 0 {
		dir = arg[i:]
	}
	p := s.resolve(dir)
	h := s.h
	if !s.isDir(p) && s.file(dir) == nil && !slices.Contains(h.opts.Unreadable, p) {
		if verb == "MLSD" {
			s.reply(550, "No such directory.")
			return
		}
	}
	s.reply(150, "Here comes the directory listing.")
	dc := s.data()
	if dc == nil {
		s.reply(425, "no data connection")
		return
	}
	w := bufio.NewWriter(dc)
	switch {
	case slices.Contains(h.opts.Unreadable, p) || !s.isDir(p):
		// vsftpd: nothing, and a 226 that says it failed
		dc.Close()
		s.reply(226, "Transfer done (but failed to open directory).")
		return
	case h.opts.Listings[p] != nil:
		h.opts.Listings[p](w)
	default:
		for _, line := range s.entries(p, verb) {
			w.WriteString(line + "\r\n")
		}
	}
	w.Flush()
	dc.Close()
	s.reply(226, "Directory send OK.")
}

// entries lists folder p's children as verb formats them.
func (s *hostileSession) entries(p, verb string) []string {
	h := s.h
	h.mu.Lock()
	defer h.mu.Unlock()
	type ent struct {
		name string
		f    *HostileFile
	}
	var es []ent
	for fp, f := range h.files {
		if path.Dir(fp) == p && fp != "/" {
			es = append(es, ent{path.Base(fp), f})
		}
	}
	for dp := range h.dirs {
		if path.Dir(dp) == p && dp != "/" {
			es = append(es, ent{path.Base(dp), nil})
		}
	}
	for lp := range h.opts.Links {
		if path.Dir(path.Clean(lp)) == p {
			es = append(es, ent{path.Base(lp), nil})
		}
	}
	slices.SortFunc(es, func(a, b ent) int { return strings.Compare(a.name, b.name) })
	es = slices.CompactFunc(es, func(a, b ent) bool { return a.name == b.name })
	lines := make([]string, 0, len(es))
	for _, e := range es {
		switch {
		case verb == "NLST":
			lines = append(lines, e.name)
		case verb == "MLSD" && e.f != nil:
			lines = append(lines, e.f.facts(e.name))
		case verb == "MLSD":
			// a link reports its target's identity, as a real server does
			lines = append(lines, fmt.Sprintf("type=dir;unique=%x; %s", hashString(s.resolve(path.Join(p, e.name))), e.name))
		case e.f != nil:
			lines = append(lines, fmt.Sprintf("-rw-r--r--    1 ftp      ftp      %8d %s %s", e.f.size(), e.f.modTime().Format("Jan 02  2006"), e.name))
		default:
			lines = append(lines, fmt.Sprintf("drwxr-xr-x    2 ftp      ftp          4096 Jan 02  2024 %s", e.name))
		}
	}
	return lines
}

func (s *hostileSession) retr(arg string) {
	f := s.file(arg)
	rest := s.rest
	s.rest = 0
	if f == nil {
		s.reply(550, "Failed to open file.")
		return
	}
	s.h.mu.Lock()
	data := slices.Clone(f.Data)
	s.h.mu.Unlock()
	announce := f.Announce
	if announce == 0 {
		announce = int64(len(data))
	}
	if announce >= 0 {
		s.reply(150, fmt.Sprintf("Opening BINARY mode data connection for %s (%d bytes).", arg, announce))
	} else {
		s.reply(150, "Opening BINARY mode data connection.")
	}
	dc := s.data()
	if dc == nil {
		s.reply(425, "no data connection")
		return
	}
	defer dc.Close()
	dc.SetWriteDeadline(time.Now().Add(30 * time.Second))
	switch {
	case f.Endless:
		if len(data) == 0 {
			data = []byte("x")
		}
		block := slices.Repeat(data, max(1, 64<<10/len(data)))
		for {
			if _, err := dc.Write(block); err != nil {
				s.reply(426, "Connection closed; transfer aborted.")
				return
			}
		}
	default:
		data = data[min(rest, int64(len(data))):]
		if f.Send > 0 && f.Send < int64(len(data)) {
			data = data[:f.Send]
		}
		dc.Write(data)
	}
	dc.Close()
	s.reply(226, "Transfer complete.")
}

func (s *hostileSession) stor(verb, arg string) {
	rest := s.rest
	s.rest = 0
	s.reply(150, "Ok to send data.")
	dc := s.data()
	if dc == nil {
		s.reply(425, "no data connection")
		return
	}
	dc.SetReadDeadline(time.Now().Add(30 * time.Second))
	data, err := io.ReadAll(io.LimitReader(dc, 64<<20))
	dc.Close()
	if err != nil {
		s.reply(426, "Failure reading network stream.")
		return
	}
	p := s.resolve(arg)
	h := s.h
	h.mu.Lock()
	old := h.files[p]
	var prev []byte
	if old != nil && (verb == "APPE" || rest > 0) {
		prev = old.Data
		if verb != "APPE" {
			prev = prev[:min(rest, int64(len(prev)))]
		}
	}
	h.addFile(p, &HostileFile{Data: append(slices.Clone(prev), data...), ModTime: time.Now()})
	h.mu.Unlock()
	s.reply(226, "Transfer complete.")
}

func (s *hostileSession) hash(verb, arg string) {
	algo := verb
	if verb == "HASH" {
		algo = "SHA-256"
	}
	f := s.file(arg)
	if f == nil {
		s.reply(550, "No such file.")
		return
	}
	s.h.mu.Lock()
	data := slices.Clone(f.Data)
	s.h.mu.Unlock()
	var hh hash.Hash
	switch algo {
	case "XSHA1":
		hh = sha1.New()
	case "XMD5":
		hh = md5.New()
	case "XCRC":
		hh = crc32.NewIEEE()
	default:
		hh = sha256.New()
	}
	hh.Write(data)
	if s.h.opts.WrongHashes {
		hh.Write([]byte("not what the file holds"))
	}
	sum := hex.EncodeToString(hh.Sum(nil))
	if f.Hash != "" {
		sum = f.Hash
	}
	if verb == "HASH" {
		s.reply(213, fmt.Sprintf("%s 0-%d %s %s", algo, len(data), sum, arg))
		return
	}
	s.reply(250, sum)
}
