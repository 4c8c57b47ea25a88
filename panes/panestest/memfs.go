// Package panestest provides an in-memory file system for testing panes
// and the UI without disks or servers, in the spirit of net/http/httptest.
package panestest

import (
	"bytes"
	"context"
	"io"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"
	"time"

	"ferry/panes"
	"ferry/protocol/listing"
)

// MemFS is a file system held in memory with slash-separated paths. It
// is safe for concurrent use. Fail, when set, makes operations on a path
// fail with the error it returns.
type MemFS struct {
	mu    sync.Mutex
	nodes map[string]*node
	title string
	home  string

	Fail func(op, path string) error
}

type node struct {
	dir   bool
	data  []byte
	mode  fs.FileMode
	mtime time.Time
}

// Epoch is the modification time of everything MemFS creates, so screens
// drawn from it do not change from run to run.
var Epoch = time.Date(2024, 3, 15, 9, 30, 0, 0, time.UTC)

// New returns a MemFS with the given title ("" for a local-looking one)
// whose home is home, holding files: path -> content; a path ending in
// "/" makes a directory.
func New(title, home string, files map[string]string) *MemFS {
	m := &MemFS{nodes: map[string]*node{"/": {dir: true, mode: fs.ModeDir | 0o755, mtime: Epoch}}, title: title, home: home}
	m.mkdirAll(home)
	for p, body := range files {
		if strings.HasSuffix(p, "/") {
			m.mkdirAll(path.Join(home, p))
			continue
		}
		full := path.Join(home, p)
		m.mkdirAll(path.Dir(full))
		m.nodes[full] = &node{data: []byte(body), mode: 0o644, mtime: Epoch}
	}
	return m
}

func (m *MemFS) mkdirAll(p string) {
	for ; p != "/" && p != "."; p = path.Dir(p) {
		if _, ok := m.nodes[p]; !ok {
			m.nodes[p] = &node{dir: true, mode: fs.ModeDir | 0o755, mtime: Epoch}
		}
	}
}

// ReadFile returns a file's content, for assertions.
func (m *MemFS) ReadFile(p string) (string, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.nodes[p]
	if !ok || n.dir {
		return "", false
	}
	return string(n.data), true
}

// Exists reports whether a path exists.
func (m *MemFS) Exists(p string) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	_, ok := m.nodes[p]
	return ok
}

// SetModTime changes an entry's modification time, for tests that
// compare times; it reports whether the path exists.
func (m *MemFS) SetModTime(p string, t time.Time) bool {
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.nodes[p]
	if ok {
		n.mtime = t
	}
	return ok
}

func (m *MemFS) fail(op, p string) error {
	if m.Fail != nil {
		return m.Fail(op, p)
	}
	return nil
}

func (m *MemFS) Title() string                        { return m.title }
func (m *MemFS) Home(context.Context) (string, error) { return m.home, nil }
func (m *MemFS) Join(dir, name string) string         { return path.Join(dir, name) }
func (m *MemFS) Parent(dir string) string             { return path.Dir(dir) }

// State and Close make MemFS usable as the UI's remote file system.
func (m *MemFS) State() panes.RemoteState {
	return panes.RemoteState{Connected: true, TLSVersion: "TLS 1.3", Verified: true}
}
func (m *MemFS) Close() {}

func (m *MemFS) List(_ context.Context, dir string) ([]listing.Entry, error) {
	if err := m.fail("list", dir); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.nodes[dir]; !ok || !n.dir {
		return nil, &fs.PathError{Op: "list", Path: dir, Err: fs.ErrNotExist}
	}
	var out []listing.Entry
	for p, n := range m.nodes {
		if p == dir || path.Dir(p) != dir {
			continue
		}
		e := listing.Entry{Name: listing.DisplayName(path.Base(p)), RawName: path.Base(p), Kind: listing.File, Size: int64(len(n.data)),
			ModTime: n.mtime, Precision: listing.TimeSecond, Mode: n.mode, HasMode: true}
		if n.dir {
			e.Kind, e.Size = listing.Dir, 0
		}
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].RawName < out[j].RawName })
	return out, nil
}

func (m *MemFS) Mkdir(_ context.Context, p string) error {
	if err := m.fail("mkdir", p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.nodes[p]; ok {
		return &fs.PathError{Op: "mkdir", Path: p, Err: fs.ErrExist}
	}
	if n, ok := m.nodes[path.Dir(p)]; !ok || !n.dir {
		return &fs.PathError{Op: "mkdir", Path: p, Err: fs.ErrNotExist}
	}
	m.nodes[p] = &node{dir: true, mode: fs.ModeDir | 0o755, mtime: Epoch}
	return nil
}

func (m *MemFS) Rename(_ context.Context, from, to string) error {
	if err := m.fail("rename", from); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.nodes[from]; !ok {
		return &fs.PathError{Op: "rename", Path: from, Err: fs.ErrNotExist}
	}
	if _, ok := m.nodes[to]; ok {
		return &fs.PathError{Op: "rename", Path: to, Err: fs.ErrExist}
	}
	for p, n := range m.nodes {
		if p == from || strings.HasPrefix(p, from+"/") {
			delete(m.nodes, p)
			m.nodes[to+strings.TrimPrefix(p, from)] = n
		}
	}
	return nil
}

func (m *MemFS) Remove(_ context.Context, p string, _ listing.Kind) error {
	if err := m.fail("remove", p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if _, ok := m.nodes[p]; !ok {
		return &fs.PathError{Op: "remove", Path: p, Err: fs.ErrNotExist}
	}
	for q := range m.nodes {
		if strings.HasPrefix(q, p+"/") {
			return &fs.PathError{Op: "remove", Path: p, Err: fs.ErrInvalid}
		}
	}
	delete(m.nodes, p)
	return nil
}

func (m *MemFS) Chmod(_ context.Context, p string, mode fs.FileMode) error {
	if err := m.fail("chmod", p); err != nil {
		return err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.nodes[p]
	if !ok {
		return &fs.PathError{Op: "chmod", Path: p, Err: fs.ErrNotExist}
	}
	n.mode = n.mode&fs.ModeType | mode.Perm()
	return nil
}

func (m *MemFS) Open(_ context.Context, p string) (io.ReadCloser, error) {
	if err := m.fail("open", p); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	n, ok := m.nodes[p]
	if !ok || n.dir {
		return nil, &fs.PathError{Op: "open", Path: p, Err: fs.ErrNotExist}
	}
	return io.NopCloser(bytes.NewReader(bytes.Clone(n.data))), nil
}

func (m *MemFS) Create(_ context.Context, p string) (io.WriteCloser, error) {
	if err := m.fail("create", p); err != nil {
		return nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if n, ok := m.nodes[path.Dir(p)]; !ok || !n.dir {
		return nil, &fs.PathError{Op: "create", Path: p, Err: fs.ErrNotExist}
	}
	return &memWriter{m: m, path: p}, nil
}

type memWriter struct {
	m    *MemFS
	path string
	buf  bytes.Buffer
}

func (w *memWriter) Write(p []byte) (int, error) { return w.buf.Write(p) }

func (w *memWriter) Close() error {
	w.m.mu.Lock()
	defer w.m.mu.Unlock()
	w.m.nodes[w.path] = &node{data: w.buf.Bytes(), mode: 0o644, mtime: Epoch}
	return nil
}
