package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"ferry/bookmarks"
	"ferry/protocol"
	"ferry/secrets"
	"ferry/site"
	"ferry/transfers"
	"ferry/trust"
)

// cli holds what the verbs share: the standard streams and the flags.
type cli struct {
	stdin          io.Reader
	stdout, stderr io.Writer

	tlsMode     string
	insecure    bool
	caFile      string
	fingerprint string
	active      bool
	clearData   bool
	timeout     time.Duration
	debug       bool
	encoding    string   // --encoding: the server's charset for names; "" lets a bookmark decide
	bookmark    string   // -b NAME: remote arguments are paths on this bookmark's server
	net         netFlags // --proxy, --limit-rate, --active-address, --active-ports (network.go)
	opt         verbFlags

	// stdinTerminal and stderrTerminal tell whether a person is there
	// to answer a question (rm -r's confirmation) or read a hint.
	stdinTerminal, stderrTerminal bool
	hintOnce                      sync.Once
	stdinLines                    *bufio.Reader // answers to questions, once stdin was read

	// The file manager's sites, by ui.SiteOf: the panes register the
	// sites they opened (with a typed password, a certificate trusted
	// once), and the queue's workers open their connections through them.
	sites    site.Registry
	parallel int              // transfer workers (config.toml's parallel)
	queue    *transfers.Queue // the TUI's transfer queue
	// releaseState ends this ferry's claim on the saved queue.
	releaseState func()

	knownOnce sync.Once // opens known (known_certs.toml) on first use
	known     *trust.Store

	keyringOnce  sync.Once // makes secrets on first use (keyring.go)
	secrets      *secrets.Keyring
	keyringNotes sync.Map // bookmark name -> why its keyring entry was not read (the TUI's)
}

// parseArgs parses flags anywhere among the arguments ("ferry get URL
// --debug" works as well as "ferry get --debug URL") and returns the
// positional arguments. Everything after "--" is positional. One-letter
// boolean flags may be combined, as in rm -rf.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos, tail []string
	if i := slices.Index(args, "--"); i >= 0 {
		args, tail = args[:i], args[i+1:]
	}
	args = splitShortFlags(fs, args)
	for {
		if err := fs.Parse(args); err != nil {
			return nil, flagError(fs, err)
		}
		args = fs.Args()
		if len(args) == 0 {
			return append(pos, tail...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// splitShortFlags turns "-rf" into "-r -f" when every letter is a
// one-letter boolean flag of fs and "-rf" itself is not a flag.
func splitShortFlags(fs *flag.FlagSet, args []string) []string {
	var out []string
	for _, a := range args {
		letters := strings.TrimPrefix(a, "-")
		if len(a) < 3 || a[0] != '-' || a[1] == '-' || strings.Contains(a, "=") || fs.Lookup(letters) != nil {
			out = append(out, a)
			continue
		}
		split := true
		for _, r := range letters {
			f := fs.Lookup(string(r))
			if f == nil {
				split = false
				break
			}
			if b, ok := f.Value.(interface{ IsBoolFlag() bool }); !ok || !b.IsBoolFlag() {
				split = false
				break
			}
		}
		if !split {
			out = append(out, a)
			continue
		}
		for _, r := range letters {
			out = append(out, "-"+string(r))
		}
	}
	return out
}

// flagError turns a flag parsing error into a usage error, or into a
// request for the verb's help for -h and --help.
func flagError(fs *flag.FlagSet, err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return helpRequest{verb: fs.Name()}
	}
	if fs.Name() == "ferry" { // the file manager: report prints the one "ferry:"
		return usageError{err.Error()}
	}
	return usageError{fmt.Sprintf("%s: %v", fs.Name(), err)}
}

// connect dials and logs in to the target's server with the flags'
// settings. The caller must Quit the returned Conn.
func (c *cli) connect(ctx context.Context, t target) (*protocol.Conn, error) {
	s, err := c.site(t)
	if err != nil {
		return nil, err
	}
	conn, err := s.Open(ctx)
	if err != nil {
		return nil, explainTLS(err)
	}
	return conn, nil
}

// site turns a target and the flags into the site every connection to it
// opens through: the engine options, and the login from the URL,
// $FERRY_PASSWORD, ~/.netrc, a bookmark's sources or a prompt, asked for
// once.
func (c *cli) site(t target) (*site.Site, error) {
	opts, err := c.options(t)
	if err != nil {
		return nil, err
	}
	parallel := 0
	if t.Bookmark != nil {
		parallel = t.Bookmark.Parallel
	}
	return &site.Site{
		Key: t.String(), Addr: t.Addr(), Host: t.Host, Options: opts, User: t.User, Parallel: parallel,
		Password: func(context.Context) (string, string, error) { return c.credentials(t) },
		TLSRefused: func() {
			fmt.Fprintf(c.stderr, "ferry: warning: %s refused AUTH TLS; continuing in plain text, the password and data are not encrypted (use ftpes:// to require TLS)\n", t.Host)
		},
	}, nil
}

// options turns the flags and the URL into engine options.
func (c *cli) options(t target) (protocol.Options, error) {
	opts := protocol.Options{
		Security:           t.Security,
		InsecureSkipVerify: c.insecure,
		Active:             c.active,
		ClearData:          c.clearData,
		Timeout:            c.timeout,
	}
	if c.tlsMode != "" {
		sec, err := parseSecurity(c.tlsMode)
		if err != nil {
			return opts, usageError{err.Error()}
		}
		if t.Scheme != "ftp" && sec != t.Security && t.Bookmark == nil {
			return opts, usagef("--tls %s contradicts the %s:// scheme", c.tlsMode, t.Scheme)
		}
		opts.Security = sec
	}
	if t.Bookmark != nil {
		opts.Active = opts.Active || t.Bookmark.ActiveMode()
		opts.Encoding = t.Bookmark.Encoding
	}
	if c.encoding != "" {
		if _, err := protocol.LookupCharset(c.encoding); err != nil {
			return opts, usagef("--encoding: %v", err)
		}
		opts.Encoding = c.encoding
	}
	opts, err := c.trustOptions(t, opts)
	if err != nil {
		return opts, err
	}
	if c.caFile != "" {
		pool, err := protocol.LoadCAFile(c.caFile)
		if err != nil {
			return opts, usagef("--ca: %v", err)
		}
		opts.TLSConfig = &tls.Config{RootCAs: pool}
	}
	if c.fingerprint != "" {
		fp, err := protocol.ParseFingerprint(c.fingerprint)
		if err != nil {
			return opts, usagef("--fingerprint: %v", err)
		}
		opts.Fingerprint = fp
	}
	if c.debug {
		opts.Debug, opts.DebugLevel = c.stderr, 1
	}
	if opts, err = c.networkOptions(t, opts); err != nil {
		return opts, err
	}
	if c.timeout <= 0 {
		return opts, usagef("--timeout must be positive")
	}
	return opts, nil
}

// credentials finds the login: the URL's user and password, else
// $FERRY_PASSWORD, else ~/.netrc, else a prompt when stdin is a terminal.
// Without a user anywhere the login is anonymous.
func (c *cli) credentials(t target) (user, pass string, err error) {
	user, pass, found, err := c.storedCredentials(t)
	if err != nil || found || !needsPassword(user) {
		return user, pass, err
	}
	f, ok := c.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return "", "", fmt.Errorf("no password for %s@%s: put it in the URL, $FERRY_PASSWORD or ~/.netrc", user, t.Host)
	}
	fmt.Fprintf(c.stderr, "Password for %s@%s: ", user, t.Host)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(c.stderr)
	if err != nil {
		return "", "", fmt.Errorf("reading password: %w", err)
	}
	return user, string(b), nil
}

// storedCredentials finds a password without asking: in the URL,
// $FERRY_PASSWORD or ~/.netrc (which may also name the user).
func (c *cli) storedCredentials(t target) (user, pass string, found bool, err error) {
	if t.Bookmark != nil {
		return c.bookmarkCredentials(context.Background(), t)
	}
	user = t.User
	if t.HasPass {
		c.passwordHint()
		return user, t.Password, true, nil
	}
	if p, ok := os.LookupEnv("FERRY_PASSWORD"); ok {
		return user, p, true, nil
	}
	if path := bookmarks.NetrcPath(); path != "" {
		if f, err := os.Open(path); err == nil {
			entries, perr := bookmarks.ParseNetrc(f)
			f.Close()
			if perr != nil {
				return "", "", false, fmt.Errorf("%s: %v", path, perr)
			}
			if e, ok := bookmarks.LookupNetrc(entries, t.Host, user); ok {
				if user == "" {
					user = e.Login
				}
				return user, e.Password, true, nil
			}
		}
	}
	return user, "", false, nil
}

// passwordHint tells a person at a terminal, once, that a password on
// the command line is a habit to drop: other users see it in ps, and the
// shell keeps it in its history.
func (c *cli) passwordHint() {
	if !c.stderrTerminal {
		return
	}
	c.hintOnce.Do(func() {
		fmt.Fprintln(c.stderr, "ferry: hint: a password in the URL shows in ps and your shell history; put it in ~/.netrc or $FERRY_PASSWORD, or use a bookmark with password_cmd")
	})
}

// needsPassword: anonymous logins go without one.
func needsPassword(user string) bool {
	return user != "" && user != "anonymous" && user != "ftp"
}

// explainTLS adds what the user can do to a certificate failure. It never
// suggests falling back to plain text.
func explainTLS(err error) error {
	var mismatch *protocol.FingerprintMismatchError
	if errors.As(err, &mismatch) {
		return fmt.Errorf("%w\n  refused: this is not the certificate you trusted for this server (in known_certs.toml, the bookmark or --fingerprint); it was replaced, or someone is intercepting the connection\n  if the server's admin confirms the new fingerprint, remove the old one from known_certs.toml", err)
	}
	var verr *tls.CertificateVerificationError
	if errors.As(err, &verr) && len(verr.UnverifiedCertificates) > 0 {
		leaf := verr.UnverifiedCertificates[0]
		fp := protocol.FormatFingerprint(protocol.CertificateFingerprint(leaf))
		return fmt.Errorf("%w\n  the server's certificate: subject %q, issuer %q\n  if you trust it: --fingerprint %s (or --ca FILE)",
			err, leaf.Subject.String(), leaf.Issuer.String(), fp)
	}
	return err
}
