package ui

import (
	"errors"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"ferry/internal/safe"
	"ferry/protocol"
	"ferry/trust"
)

// Target is what the UI asks ConnectFunc to connect to: a URL the user
// typed, or a bookmark by name. Pin, when set, is a certificate
// fingerprint the user trusted for this session only.
type Target struct {
	URL      string
	Bookmark string
	Pin      []byte
}

func (t Target) set() bool { return t.URL != "" || t.Bookmark != "" }

// String names the target for messages, without secrets.
func (t Target) String() string {
	if t.Bookmark != "" {
		return "bookmark " + t.Bookmark
	}
	return safe.URL(t.URL)
}

// DialError is a failed connection with the address it was made to, so
// the UI can describe a certificate the engine refused.
type DialError struct {
	Addr string // "host:port"
	Err  error
}

func (e *DialError) Error() string { return e.Err.Error() }
func (e *DialError) Unwrap() error { return e.Err }

// connectMsg asks the root to connect the remote pane (the site manager
// and the trust dialog send it).
type connectMsg struct{ target Target }

// trustChoice is what the user decided about a certificate.
type trustChoice int

const (
	trustOnce    trustChoice = iota // pin it for this session
	trustAlways                     // store it in known_certs.toml, then pin
	trustReplace                    // replace a stored certificate that changed
)

// trustDialog shows a certificate the engine refused and asks what to do.
// A changed certificate is a loud warning and can only be replaced by
// typing "replace", never with a single key.
type trustDialog struct {
	problem *trust.CertProblem
	target  Target
	store   *trust.Store
	typed   string // for a changed certificate: what the user typed
}

func newTrustDialog(p *trust.CertProblem, t Target, store *trust.Store) *trustDialog {
	return &trustDialog{problem: p, target: t, store: store}
}

func (d *trustDialog) Update(msg tea.Msg) (dialog, tea.Cmd) {
	k, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return d, nil
	}
	if k.String() == "esc" {
		return nil, nil
	}
	if d.problem.Kind == trust.Changed {
		switch k.String() {
		case "enter":
			if d.typed == "replace" {
				return nil, d.decide(trustReplace)
			}
			d.typed = ""
		case "backspace":
			if d.typed != "" {
				d.typed = d.typed[:len(d.typed)-1]
			}
		default:
			if len(k.Text) == 1 && len(d.typed) < 16 {
				d.typed += k.Text
			}
		}
		return d, nil
	}
	switch k.String() {
	case "o", "O":
		return nil, d.decide(trustOnce)
	case "a", "A":
		if d.store != nil {
			return nil, d.decide(trustAlways)
		}
	case "c", "C", "n", "N":
		return nil, nil
	}
	return d, nil
}

// decide stores the certificate when asked and connects again pinned to
// it; a failure to store is reported and nothing is trusted.
func (d *trustDialog) decide(choice trustChoice) tea.Cmd {
	p, t := d.problem, d.target
	return func() tea.Msg {
		var err error
		switch choice {
		case trustAlways:
			err = d.store.Trust(p.Addr, p.Cert)
		case trustReplace:
			err = d.store.Replace(p.Addr, p.Cert)
		}
		if err != nil {
			return opDoneMsg{what: "trusting the certificate", err: err}
		}
		t.Pin = p.Fingerprint
		return connectMsg{target: t}
	}
}

func (d *trustDialog) View(s *Styles, width, height int) string {
	w := min(max(width-6, 30), 96)
	p := d.problem
	var b strings.Builder
	if p.Kind == trust.Changed {
		b.WriteString(s.Error.Render("WARNING: the certificate of "+safe.Line(p.Addr)+" has CHANGED") + "\n")
		b.WriteString("It is not the one you trusted before. The server's certificate may have\n")
		b.WriteString("been renewed, or someone may be intercepting the connection.\n\n")
		b.WriteString("stored:    " + protocol.FormatFingerprint(p.Stored) + "\n")
		b.WriteString("presented: " + protocol.FormatFingerprint(p.Fingerprint) + "\n\n")
	} else {
		b.WriteString(s.Warning.Render("The certificate of "+safe.Line(p.Addr)+" is not trusted") + "\n\n")
	}
	for _, line := range d.problem.Details() {
		if p.Kind == trust.Changed && repeatsHeadline(p, line) {
			continue
		}
		b.WriteString(line + "\n")
	}
	b.WriteString("\n")
	switch {
	case p.Kind == trust.Changed:
		b.WriteString("Type replace and Enter to trust the new certificate, Esc to cancel: " + s.TitleActive.Render(d.typed))
	case d.store != nil:
		b.WriteString(s.TitleActive.Render("o") + " trust once   " + s.TitleActive.Render("a") + " trust always (known_certs.toml)   " + s.TitleActive.Render("c/esc") + " cancel")
	default:
		b.WriteString(s.TitleActive.Render("o") + " trust once   " + s.TitleActive.Render("c/esc") + " cancel")
	}
	return s.Dialog.Width(w).Render(b.String())
}

// repeatsHeadline reports a detail line that the changed-certificate
// warning above it says already: both fingerprints and "it may have been
// renewed, or someone may be intercepting".
func repeatsHeadline(p *trust.CertProblem, line string) bool {
	return line == "fingerprint: "+protocol.FormatFingerprint(p.Fingerprint) ||
		line == "trusted before: "+protocol.FormatFingerprint(p.Stored) ||
		strings.HasPrefix(line, "problem: this is not the certificate you trusted")
}

// certProblem finds a refused certificate in a connection error.
func certProblem(err error) (*trust.CertProblem, bool) {
	var de *DialError
	if !errors.As(err, &de) {
		return nil, false
	}
	return trust.Diagnose(de.Err, de.Addr, time.Now())
}
