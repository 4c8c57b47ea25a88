package ui

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"ferry/internal/safe"
	"ferry/panes"
	"ferry/protocol/listing"
)

// listedMsg carries a directory listing for a pane.
type listedMsg struct {
	pane, gen int
	dir       string
	entries   []listing.Entry
	focus     string // raw name to put the cursor on
	err       error
}

// connectedMsg reports the outcome of connecting the remote pane.
type connectedMsg struct {
	target Target
	view   *paneView // the pane it was started in (wherever ctrl+u moved it)
	remote RemoteFS
	err    error
	gen    int // the attempt (Model.connectGen) it answers
}

// opDoneMsg reports a finished file operation and which panes to reload.
// what says what was done; a failure is reported as "failed: err" when
// failed is set, else as "what: err" (what then names the attempt, such
// as "edit notes.txt", never a success).
type opDoneMsg struct {
	what    string
	failed  string
	err     error
	refresh []int
	running bool // it counted as a running transfer
}

// logMsg carries lines of the FTP conversation for the log panel.
type logMsg []string

// viewLoadedMsg carries a file's text for the viewer.
type viewLoadedMsg struct {
	title, text string
	err         error
}

// editReadyMsg: a file was fetched into a private temporary copy.
type editReadyMsg struct {
	pane    int
	path    string // the file's path on its file system
	local   string // the copy the editor works on
	tempDir string // removed afterwards ("" when editing in place)
	sum     [32]byte
	err     error
}

// opTimeout bounds one browsing operation; transfers rely on the
// engine's per-wait deadlines instead.
const opTimeout = 2 * time.Minute

// listCmd lists dir on fsys for a pane.
func listCmd(fsys panes.FS, pane, gen int, dir, focus string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		entries, err := fsys.List(ctx, dir)
		return listedMsg{pane: pane, gen: gen, dir: dir, entries: entries, focus: focus, err: err}
	}
}

// opCmd runs a file operation in the background. done is the message of
// success ("created a"), failed the start of the one of failure ("could
// not create a"), so that a failure never reads like a success.
func opCmd(done, failed string, refresh []int, op func(ctx context.Context) error) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		return opDoneMsg{what: done, failed: failed, err: op(ctx), refresh: refresh}
	}
}

// transferCmd copies (and for a move, then removes) entries from one pane
// to the other's directory. It is the one function copy and move go
// through; the transfer queue takes its place.
func transferCmd(move bool, src panes.FS, srcDir string, entries []listing.Entry, dst panes.FS, dstDir string, refresh []int) tea.Cmd {
	verb, noun := "copied", "copy"
	if move {
		verb, noun = "moved", "move"
	}
	return func() tea.Msg {
		ctx := context.Background()
		var done int
		var bytes int64
		for _, e := range entries {
			srcPath := src.Join(srcDir, e.RawName)
			err := panes.Copy(ctx, src, srcPath, dst, dstDir, e, func(n int64) { bytes += n })
			if err == nil && move {
				err = panes.RemoveAll(ctx, src, srcPath, e)
			}
			if err != nil {
				return opDoneMsg{failed: fmt.Sprintf("%s stopped after %d of %d", noun, done, len(entries)), err: fmt.Errorf("%s: %w", e.Name, err), refresh: refresh, running: true}
			}
			done++
		}
		return opDoneMsg{what: fmt.Sprintf("%s %d item(s), %s", verb, done, bytesText(bytes)), refresh: refresh, running: true}
	}
}

// maxView bounds what the viewer loads.
const maxView = 2 << 20

// viewCmd loads the start of a file for the viewer.
func viewCmd(fsys panes.FS, path, name string) tea.Cmd {
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		r, err := fsys.Open(ctx, path)
		if err != nil {
			return viewLoadedMsg{title: name, err: err}
		}
		data, err := io.ReadAll(io.LimitReader(r, maxView+1))
		truncated := len(data) > maxView
		var cerr error
		if a, ok := r.(interface{ Abort() error }); ok && truncated {
			cerr = a.Abort() // stop the rest of a large remote file
		} else {
			cerr = r.Close()
		}
		if err == nil && cerr != nil && !truncated {
			err = cerr // a short read the server reported as failed
		}
		if err != nil {
			return viewLoadedMsg{title: name, err: err}
		}
		text := printable(data[:min(len(data), maxView)])
		if truncated {
			text += fmt.Sprintf("\n… (only the first %s are shown)", formatBytes(maxView))
		}
		return viewLoadedMsg{title: name, text: text}
	}
}

// printable makes file content safe for the terminal: invalid UTF-8,
// control characters other than newline and tab, and bidi controls are
// shown escaped (safe.Text), so a file cannot send escape sequences to the
// terminal. CRLF line ends become LF.
func printable(data []byte) string {
	return safe.Text(strings.ReplaceAll(string(data), "\r\n", "\n"))
}

// fetchForEdit prepares a file for the editor: a local file is edited in
// place; a remote one is downloaded into a private temporary directory.
func fetchForEdit(fsys panes.FS, pane int, path, name string) tea.Cmd {
	return func() tea.Msg {
		if _, ok := fsys.(panes.Local); ok {
			sum, err := fileSum(path)
			return editReadyMsg{pane: pane, path: path, local: path, sum: sum, err: err}
		}
		dir, err := os.MkdirTemp("", "ferry-edit-*") // 0700: private to the user
		if err != nil {
			return editReadyMsg{err: err}
		}
		local := filepath.Join(dir, filepath.Base(name))
		msg := editReadyMsg{pane: pane, path: path, local: local, tempDir: dir}
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if msg.err = download(ctx, fsys, path, local); msg.err == nil {
			msg.sum, msg.err = fileSum(local)
		}
		if msg.err != nil {
			os.RemoveAll(dir)
		}
		return msg
	}
}

func download(ctx context.Context, fsys panes.FS, path, local string) error {
	r, err := fsys.Open(ctx, path)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(local, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		r.Close()
		return err
	}
	_, err = io.Copy(f, r)
	return errors.Join(err, r.Close(), f.Close())
}

func fileSum(path string) ([32]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return [32]byte{}, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return [32]byte{}, err
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum, nil
}

// editCmd runs the editor on the prepared copy, then uploads it back when
// it changed, and reports which happened.
func editCmd(fsys panes.FS, ready editReadyMsg, editor string, refresh []int) tea.Cmd {
	args := strings.Fields(editor)
	cmd := exec.Command(args[0], append(args[1:], ready.local)...)
	return tea.ExecProcess(cmd, func(runErr error) tea.Msg {
		if ready.tempDir != "" {
			defer os.RemoveAll(ready.tempDir)
		}
		name := filepath.Base(ready.local)
		if runErr != nil {
			return opDoneMsg{what: "edit " + name, err: fmt.Errorf("editor: %w", runErr)}
		}
		sum, err := fileSum(ready.local)
		if err != nil {
			return opDoneMsg{what: "edit " + name, err: err}
		}
		if sum == ready.sum {
			return opDoneMsg{what: name + " unchanged, nothing uploaded"}
		}
		if ready.tempDir == "" {
			return opDoneMsg{what: name + " saved", refresh: refresh}
		}
		ctx, cancel := context.WithTimeout(context.Background(), opTimeout)
		defer cancel()
		if err := upload(ctx, fsys, ready.local, ready.path); err != nil {
			return opDoneMsg{what: "upload of edited " + name, err: fmt.Errorf("%w (your edit is lost with the temporary copy only if this fails again: retry with e)", err), refresh: refresh}
		}
		return opDoneMsg{what: name + " changed and uploaded", refresh: refresh}
	})
}

func upload(ctx context.Context, fsys panes.FS, local, path string) error {
	f, err := os.Open(local)
	if err != nil {
		return err
	}
	defer f.Close()
	w, err := fsys.Create(ctx, path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// parseMode reads "644", "0755" or "rw-r--r--" (with an optional leading
// type letter), and "-R" anywhere for recursive.
func parseMode(s string) (fs.FileMode, bool, error) {
	var mode string
	recursive := false
	for _, f := range strings.Fields(s) {
		if f == "-R" || f == "-r" {
			recursive = true
			continue
		}
		mode = f
	}
	if mode == "" {
		return 0, false, errors.New("no mode given")
	}
	if len(mode) == 10 {
		mode = mode[1:]
	}
	if len(mode) == 9 && strings.Trim(mode, "rwx-") == "" {
		var m fs.FileMode
		for i, c := range mode {
			if c != '-' {
				if c != rune("rwxrwxrwx"[i]) {
					return 0, false, fmt.Errorf("%q is not a mode", s)
				}
				m |= 1 << (8 - i)
			}
		}
		return m, recursive, nil
	}
	var m uint32
	if _, err := fmt.Sscanf(mode, "%o", &m); err != nil || m > 0o777 || strings.Trim(mode, "01234567") != "" {
		return 0, false, fmt.Errorf("%q is not a mode: use octal like 644 or letters like rw-r--r--", s)
	}
	return fs.FileMode(m), recursive, nil
}
