package ui

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"ferry/panes/panestest"
	"ferry/protocol"
	"ferry/transfers"
)

func TestMain(m *testing.M) {
	time.Local = time.UTC // screens show local times; make them the same everywhere
	os.Exit(m.Run())
}

// goldenModel starts the whole program at a fixed size over in-memory
// file systems, waits until both panes show their listings, applies keys,
// and compares the final screen (styles stripped) with testdata.
func goldenScreen(t *testing.T, w, h int, wait []string, keys ...tea.Msg) {
	t.Helper()
	goldenScreenWith(t, w, h, nil, wait, keys...)
}

// goldenScreenWith is goldenScreen with a change to the Config (such as
// bookmarks) made before the program starts.
func goldenScreenWith(t *testing.T, w, h int, setup func(*Config), wait []string, keys ...tea.Msg) {
	t.Helper()
	local := panestest.New("", "/home/me", map[string]string{
		"notes.txt": "my notes\n", "photo.jpg": string(make([]byte, 123456)), "src/": "", "build.sh": "#!/bin/sh\n",
	})
	remote := panestest.New("ftpes://me@example.org", "/pub", map[string]string{
		"README": "read me\n", "releases/": "", "releases/v1.tar.gz": string(make([]byte, 5<<20)), "index.html": "<html>",
	})
	connect := func(context.Context, Target, string, io.Writer) (RemoteFS, error) { return remote, nil }
	cfg := Config{Local: local, Start: Target{URL: "ftpes://me@example.org/pub"}, Connect: connect}
	if setup != nil {
		setup(&cfg)
	}
	m := New(cfg)
	tm := teatest.NewTestModel(t, m, teatest.WithInitialTermSize(w, h))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, w := range wait {
			if !bytes.Contains(b, []byte(w)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(5*time.Second))
	for _, k := range keys {
		tm.Send(k)
	}
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	teatest.RequireEqualOutput(t, []byte(ansi.Strip(final.View().Content)))
}

var bothPanes = []string{"README", "notes.txt"}

func TestGoldenMainScreen120x35(t *testing.T) {
	goldenScreen(t, 120, 35, bothPanes, keyMsg("down"), keyMsg("space"))
}

func TestGoldenDeleteConfirmation(t *testing.T) {
	goldenScreen(t, 120, 35, bothPanes, keyMsg("f8"))
}

func TestGoldenHelp(t *testing.T) {
	goldenScreen(t, 120, 35, bothPanes, keyMsg("?"))
}

func TestGoldenNarrow40x10(t *testing.T) {
	goldenScreen(t, 40, 10, []string{"README"}, keyMsg("tab"))
}

// TestGoldenScreensAtEverySize draws the main view, the help, the queue
// panel holding 1000 jobs and the site manager at the three sizes the
// issue names: a roomy terminal, the classic 80x24 and a tiny 40x10.
func TestGoldenScreensAtEverySize(t *testing.T) {
	for _, size := range [][2]int{{120, 35}, {80, 24}, {40, 10}} {
		w, h := size[0], size[1]
		wait := bothPanes
		if w < 80 {
			wait = []string{"releases/"} // one pane at a time
		}
		for _, sc := range []struct {
			name  string
			setup func(*Config)
			wait  []string
			keys  []tea.Msg
		}{
			{"main", nil, nil, []tea.Msg{keyMsg("down"), keyMsg("space")}},
			{"help", nil, nil, []tea.Msg{keyMsg("f1")}},
			{"queue1000", thousandJobs(t), []string{"file-0000.dat"}, []tea.Msg{keyMsg("ctrl+t"), keyMsg("end")}},
			{"sites", goldenBookmarks(t), nil, []tea.Msg{keyMsg("b")}},
		} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, w, h), func(t *testing.T) {
				goldenScreenWith(t, w, h, sc.setup, append(slices.Clone(wait), sc.wait...), sc.keys...)
			})
		}
	}
}

// thousandJobs gives the program a paused queue of 1000 downloads, whose
// dial never connects.
func thousandJobs(t *testing.T) func(*Config) {
	return func(cfg *Config) {
		q := transfers.New(transfers.Options{Dial: func(ctx context.Context, _ string) (*protocol.Conn, error) {
			<-ctx.Done()
			return nil, ctx.Err()
		}})
		t.Cleanup(func() { q.Close() })
		q.PauseAll()
		specs := make([]transfers.Spec, 1000)
		for i := range specs {
			name := fmt.Sprintf("file-%04d.dat", i)
			specs[i] = transfers.Spec{Site: "s", Direction: transfers.Download, Remote: "/pub/" + name, LocalRoot: "/home/me", Local: name}
		}
		q.Add(specs...)
		cfg.Queue = q
	}
}
