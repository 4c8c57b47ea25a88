package main

import (
	"context"
	"fmt"
	"io"
	"runtime/debug"
	"slices"
	"strings"
)

// verbDef is one row of the verb table: what runs and what --help,
// ferry(1) and the completion scripts say about it. Its flags are the
// rows of flagTable that name it.
type verbDef struct {
	Name     string
	Synopsis []string // argument lines after "ferry NAME "
	Summary  string   // one line in the list of verbs
	Text     string   // paragraphs (separated by a blank line) for help VERB and ferry(1)
	Lines    []string // shown as they are after Text: commands to copy
	Subs     []string // subcommands ("import"), whose flags are rows for "NAME SUB"
	// Args says what a shell completes for positional arguments.
	Args completeKind
	run  func(c *cli, ctx context.Context, args []string) error
}

// verbTable returns every verb in the order help lists them.
func verbTable() []verbDef {
	return []verbDef{
		{Name: "ls", Synopsis: []string{"[flags] URL", "[flags] -b NAME [PATH]"},
			Summary: "list a directory, one entry per line",
			Text: "Lists the directory at URL, sorted by name, one entry per line without a header: kind (- file, d directory, l link), size, time (UTC, as precise as the server tells) and name. " +
				"Names are shown with control characters escaped; lines the parser did not understand go to stderr.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.ls(ctx, a) }},
		{Name: "find", Synopsis: []string{"[flags] URL PATTERN", "[flags] -b NAME [PATH] PATTERN"},
			Summary: "paths below a directory whose name matches a pattern",
			Text: "Searches every directory below URL for names matching the shell pattern PATTERN (*.log, report-202?.pdf, an exact name) and prints one path a line, folders ending in /, in the form URL gave: relative to the login directory unless it was absolute. " +
				"Symbolic links are listed but not followed. A directory that cannot be listed is named on stderr and the exit status is then 1; no match is not an error.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.find(ctx, a) }},
		{Name: "get", Synopsis: []string{"[flags] URL [LOCAL]", "-r [flags] URL [LOCALDIR]"},
			Summary: "download a file (\"-\" is stdout), or with -r a directory tree", Args: completeFiles,
			Text: "Downloads the file at URL to LOCAL (default: its base name in the current folder; into LOCAL when it is a folder; \"-\" is stdout). " +
				"The file grows under a temporary name and is renamed when complete, so a failed get never leaves a truncated file under the final name.\n\n" +
				"With -r, copies the remote directory into LOCALDIR under its own name when LOCALDIR exists, else as LOCALDIR (default: the current folder), over parallel connections, resuming what an earlier run left.",
			run: func(c *cli, ctx context.Context, a []string) error {
				if recursive(a) {
					return c.getTree(ctx, a)
				}
				return c.get(ctx, a)
			}},
		{Name: "put", Synopsis: []string{"[flags] LOCAL URL", "-r [flags] LOCALDIR URL"},
			Summary: "upload a file, or with -r a directory tree", Args: completeFiles,
			Text: "Uploads LOCAL to URL; a URL ending in / names the directory that receives it under its own name.\n\n" +
				"With -r, uploads the folder LOCALDIR: into URL under its own name when URL ends in / (or is the login directory), else as URL. Missing remote directories are created.",
			run: func(c *cli, ctx context.Context, a []string) error {
				if recursive(a) {
					return c.putTree(ctx, a)
				}
				return c.put(ctx, a)
			}},
		{Name: "mirror", Synopsis: []string{"[flags] URL LOCALDIR", "--reverse [flags] LOCALDIR URL"},
			Summary: "make a folder a copy of a directory's contents (either way)", Args: completeFiles,
			Text: "Makes LOCALDIR (created if needed) a copy of the contents of the remote directory at URL, as lftp's mirror does; with --reverse, makes the remote directory a copy of LOCALDIR. " +
				"It compares both trees first and runs the plan: missing folders created, files copied that are new, newer or of another size (--on-conflict newer), and with --delete the target's extra files and folders removed, last. " +
				"--dry-run prints that plan (one line per action, tab-separated: ACTION REASON SIZE PATH, then a summary line; --json as JSON lines) and changes nothing. Without --delete nothing is deleted on either side.\n\n" +
				"Nothing is written outside LOCALDIR: names that could escape it and symbolic links are skipped and reported. A failed file is listed on stderr and the rest go on; the exit status is then 1.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.mirror(ctx, a) }},
		{Name: "copy", Synopsis: []string{"[-r] [--fxp] [flags] SRC DST"},
			Summary: "copy between any two places, server to server too", Args: completeFiles,
			Text: "Copies SRC to DST, each a URL or a local path. From a server to a local path it is get, from a local path to a server put (with -r, get -r and put -r). " +
				"Between two servers the data is relayed through ferry, one buffer per connection and no temporary file, resuming with REST on both sides and checking the size and, when both servers offer the same one, their hashes. " +
				"With --fxp the servers copy to each other directly (FXP) when both allow it, and ferry relays when one refuses. A DST ending in / receives SRC under its own name.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.copyVerb(ctx, a) }},
		{Name: "rm", Synopsis: []string{"[-r [-f]] [-v] [flags] URL...", "[-r [-f]] [-v] [flags] -b NAME PATH..."},
			Summary: "remove files, or with -r directory trees",
			Text: "Removes the files at each URL. With -r a directory is removed with everything in it, deepest first; symbolic links are removed as links, never followed. " +
				"On a terminal, -r asks before removing a directory unless -f is given.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.rm(ctx, a) }},
		{Name: "mkdir", Synopsis: []string{"[-p] [flags] URL...", "[-p] [flags] -b NAME PATH..."},
			Summary: "create directories",
			Text:    "Creates the directory at each URL. With -p, missing parents are created too and an existing directory is no error.",
			run:     func(c *cli, ctx context.Context, a []string) error { return c.mkdir(ctx, a) }},
		{Name: "mv", Synopsis: []string{"[-f] [flags] URL NEWPATH", "[-f] [flags] -b NAME PATH NEWPATH"},
			Summary: "rename or move a file or directory on the server",
			Text: "Renames the file or directory at URL to NEWPATH on the same server: relative to the login directory (with -b, to the bookmark's remote_dir) unless it starts with /. " +
				"When NEWPATH is an existing directory or ends in /, the file moves into it under its own name. " +
				"A file or directory already there is kept and mv fails, unless -f is given.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.mv(ctx, a) }},
		{Name: "chmod", Synopsis: []string{"MODE [-R] [flags] URL...", "MODE [-R] [flags] -b NAME PATH..."},
			Summary: "change permissions (644 or u+x style)",
			Text: "Sets the permissions of each URL with SITE CHMOD. MODE is octal (644, 0755) or symbolic as chmod(1) takes it (u+x, go-w, a=rX); a symbolic mode is applied to the permissions the server lists. " +
				"With -R, everything below a directory changes too; symbolic links are left alone.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.chmod(ctx, a) }},
		{Name: "cat", Synopsis: []string{"[flags] URL...", "[flags] -b NAME PATH..."},
			Summary: "write files to stdout",
			Text:    "Writes the files at each URL to standard output, one after the other, byte for byte.",
			run:     func(c *cli, ctx context.Context, a []string) error { return c.cat(ctx, a) }},
		{Name: "stat", Synopsis: []string{"[flags] URL", "[flags] -b NAME PATH"},
			Summary: "show a file's type, size, time, permissions and facts",
			Text: "Shows what the server tells about one file or directory: type, size, modification time (UTC), permissions, owner and group, and every fact of its MLST reply (RFC 3659) when it supports MLST. " +
				"Servers without MLST are asked through a listing of the parent directory.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.stat(ctx, a) }},
		{Name: "quote", Synopsis: []string{"[flags] URL COMMAND [ARGS...]", "[flags] -b NAME COMMAND [ARGS...]"},
			Summary: "send a raw command after login and print the reply",
			Text: "Logs in, sends COMMAND and its ARGS as one line, and prints the server's reply as it came, with control characters escaped. " +
				"The exit status is 1 when the reply is a 4xx or 5xx. Commands that need a data connection (LIST, RETR) are not useful here; use the verbs.",
			run: func(c *cli, ctx context.Context, a []string) error { return c.quote(ctx, a) }},
		{Name: "bookmarks", Synopsis: []string{"", "import [--dry-run] [--passwords keyring|file|drop] FILE"},
			Summary: "list bookmarks: name, a tab, URL (no passwords); import others'",
			Text: "Prints each bookmark of bookmarks.toml for scripts: its name, a tab and its URL, never a password.\n\n" +
				"bookmarks import adds the sites of FileZilla's sitemanager.xml or lftp's bookmarks file. Names already in use are kept and reported; passwords go to the OS keyring (or are dropped with a note when there is none), into bookmarks.toml only with --passwords file.",
			Subs: []string{"import"},
			run:  func(c *cli, ctx context.Context, a []string) error { return c.listBookmarks(a) }},
		{Name: "completion", Synopsis: []string{"bash|zsh|fish"},
			Summary: "print a shell completion script",
			Text: "Prints a script that completes verbs, flags, flag values (TLS modes, conflict policies, themes), bookmark names after -b, and local paths. " +
				"Install it for your shell with one of:",
			Lines: []string{
				"source <(ferry completion bash)                  # bash, in ~/.bashrc",
				`ferry completion zsh > "${fpath[1]}/_ferry"      # zsh, then start a new shell`,
				"ferry completion fish > ~/.config/fish/completions/ferry.fish",
			},
			run: func(c *cli, ctx context.Context, a []string) error { return c.completion(a) }},
		{Name: "man", Synopsis: []string{""},
			Summary: "print the manual page ferry(1) in roff",
			Text:    "Prints the manual in roff. Read it, or install it, with:",
			Lines:   []string{"man -l <(ferry man)", "ferry man > ~/.local/share/man/man1/ferry.1"},
			run:     func(c *cli, ctx context.Context, a []string) error { return c.man(a) }},
		{Name: "help", Synopsis: []string{"[VERB]"},
			Summary: "show usage, or a verb's usage and flags",
			Text:    "Shows the usage of ferry, or of one verb with its flags. ferry VERB --help does the same.",
			run:     func(c *cli, ctx context.Context, a []string) error { return c.help(a) }},
		{Name: "version", Synopsis: []string{""},
			Summary: "print the version, VCS revision and time of this build",
			Text:    "Prints the module version and, when the build recorded them, the VCS revision and commit time, and the Go version. --version does the same.",
			run:     func(c *cli, ctx context.Context, a []string) error { return c.version(a) }},
	}
}

// findVerb returns the verb called name.
func findVerb(name string) (verbDef, bool) {
	for _, v := range verbTable() {
		if v.Name == name {
			return v, true
		}
	}
	return verbDef{}, false
}

// helpRequest is returned by parseArgs for -h or --help: the verb's
// help goes to stdout and the exit status is 0.
type helpRequest struct{ verb string }

func (h helpRequest) Error() string { return "help requested" }

// The sections shared by --help and ferry(1).
const (
	helpIntro = "ferry is a terminal file manager for FTP and FTPS servers: dual-pane, keyboard-driven, with a transfer queue. " +
		"With a verb it scripts the same engine."
	helpURL = "URLs: ftp://[user[:pass]@]host[:port]/path. ftp:// uses TLS when the server offers it and warns when it does not (--tls auto); " +
		"ftpes:// requires explicit TLS (AUTH TLS); ftps:// is implicit TLS, port 990 by default. " +
		"The path is relative to the login directory, as in curl; write %2F for an absolute one (ftp://host/%2Fetc/motd)."
	helpPassword = "Password: from the URL, else $FERRY_PASSWORD, else ~/.netrc (or $NETRC), else a prompt when standard input is a terminal. No user means anonymous login. " +
		"A password in a URL is seen by other users (ps, shell history); prefer ~/.netrc, $FERRY_PASSWORD or a bookmark with password_cmd."
	helpBookmark = "-b NAME replaces the URL with a bookmark from bookmarks.toml: a remote PATH is relative to the bookmark's remote_dir unless it starts with /, and left out it is remote_dir itself. " +
		"The password comes from $FERRY_PASSWORD, else the bookmark's password_cmd, else its saved password, else ~/.netrc, else a prompt. " +
		"Certificates you trusted in the file manager (known_certs.toml) are pinned unless --ca, --fingerprint or --insecure is given."
	helpExit = "Exit status: 0 on success, 1 when an operation failed (the message carries the server's reply), 2 on a usage error."
)

// help is "ferry help [VERB]".
func (c *cli) help(args []string) error {
	switch len(args) {
	case 0:
		writeUsage(c.stdout)
		return nil
	case 1:
		v, ok := findVerb(args[0])
		if !ok {
			return usagef("help: no verb %q (ferry help lists them)", args[0])
		}
		writeVerbHelp(c.stdout, v)
		return nil
	}
	return usagef("help takes at most one verb")
}

// writeUsage prints the overview: usage, verbs, common flags, URLs.
func writeUsage(w io.Writer) {
	fmt.Fprintln(w, wrap(helpIntro, 0, 80))
	fmt.Fprint(w, "\nusage:\n")
	fmt.Fprintln(w, "  ferry [flags] [URL]         the file manager, connected to URL if given")
	fmt.Fprintln(w, "  ferry [flags] -b NAME       the file manager, connected to a bookmark")
	fmt.Fprintln(w, "  ferry [flags] VERB ARGS...  a verb; flags may come before or after it")
	fmt.Fprint(w, "\nverbs:\n")
	for _, v := range verbTable() {
		fmt.Fprintf(w, "  %-11s %s\n", v.Name, v.Summary)
	}
	fmt.Fprint(w, "\nflags of the file manager and every verb that connects:\n")
	for _, f := range flagsOf("") {
		writeFlag(w, f)
	}
	for _, p := range []string{helpURL, helpPassword, helpBookmark, helpExit} {
		fmt.Fprintf(w, "\n%s\n", wrap(p, 0, 80))
	}
	fmt.Fprintf(w, "\n%s\n", wrap("'ferry help VERB' (or 'ferry VERB --help') shows a verb's usage and flags; 'ferry man' prints the manual.", 0, 80))
}

// writeVerbHelp prints one verb's usage, description and flags.
func writeVerbHelp(w io.Writer, v verbDef) {
	fmt.Fprint(w, "usage:\n")
	for _, s := range v.Synopsis {
		fmt.Fprintf(w, "  %s\n", strings.TrimSpace("ferry "+v.Name+" "+s))
	}
	for _, p := range strings.Split(v.Text, "\n\n") {
		fmt.Fprintf(w, "\n%s\n", wrap(p, 0, 80))
	}
	if len(v.Lines) > 0 {
		fmt.Fprintln(w)
		for _, l := range v.Lines {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
	own, conn := splitFlags(v.Name)
	if len(own) > 0 {
		fmt.Fprint(w, "\nflags:\n")
		for _, f := range own {
			writeFlag(w, f)
		}
	}
	for _, sub := range v.Subs {
		if fs := flagsOf(v.Name + " " + sub); len(fs) > 0 {
			fmt.Fprintf(w, "\nflags of %s %s:\n", v.Name, sub)
			for _, f := range fs {
				writeFlag(w, f)
			}
		}
	}
	if len(conn) > 0 {
		fmt.Fprint(w, "\nconnection flags:\n")
		for _, f := range conn {
			writeFlag(w, f)
		}
	}
}

// splitFlags divides a verb's flags into its own and the connection
// flags every connecting verb shares.
func splitFlags(verb string) (own, conn []flagDef) {
	for _, f := range flagsOf(verb) {
		if slices.Equal(f.Verbs, connVerbs()) {
			conn = append(conn, f)
		} else {
			own = append(own, f)
		}
	}
	return own, conn
}

// flagUsage spells a flag for help: "-b, --bookmark NAME".
func flagUsage(f flagDef) string {
	var names []string
	for _, n := range f.Names {
		names = append(names, flagSpelling(n))
	}
	s := strings.Join(names, ", ")
	if f.Arg != "" {
		s += " " + f.Arg
	}
	return s
}

func writeFlag(w io.Writer, f flagDef) {
	const col = 26
	u := flagUsage(f)
	if len(u) > col-4 { // at least two spaces before the help
		fmt.Fprintf(w, "  %s\n%s\n", u, wrap(f.Help, col, 80))
		return
	}
	fmt.Fprintf(w, "  %-*s%s\n", col-2, u, strings.TrimLeft(wrap(f.Help, col, 80), " "))
}

// wrap breaks text into lines of at most width columns, each indented by
// indent spaces. A word longer than a line stays whole.
func wrap(text string, indent, width int) string {
	var b strings.Builder
	pad := strings.Repeat(" ", indent)
	n := 0
	for _, word := range strings.Fields(text) {
		switch {
		case n == 0:
			b.WriteString(pad)
			n = indent
		case n+1+len(word) > width:
			b.WriteString("\n" + pad)
			n = indent
		default:
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// version is "ferry version" and "ferry --version".
func (c *cli) version(args []string) error {
	if len(args) > 0 {
		return usagef("version takes no arguments")
	}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		fmt.Fprintln(c.stdout, "ferry (no build information)")
		return nil
	}
	fmt.Fprintln(c.stdout, versionLine(bi))
	return nil
}

// versionLine is "ferry VERSION [revision R[, modified]] [time T] GO".
func versionLine(bi *debug.BuildInfo) string {
	v := bi.Main.Version
	if v == "" {
		v = "(unknown version)"
	}
	parts := []string{"ferry", v}
	var rev, when string
	modified := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		case "vcs.modified":
			modified = s.Value == "true"
		}
	}
	if rev != "" {
		if modified {
			rev += " (modified)"
		}
		parts = append(parts, "revision "+rev)
	}
	if when != "" {
		parts = append(parts, "time "+when)
	}
	return strings.Join(append(parts, bi.GoVersion), " ")
}
