package main

import (
	"flag"
	"io"
	"slices"
	"strings"

	"ferry/protocol"
	"ferry/themes"
)

// flagDef is one row of the command line's flag table. Parsing, --help,
// ferry(1) and the completion scripts all read the table, so a flag
// added here is parsed, documented and completed at once.
type flagDef struct {
	// Names are the spellings, short first: {"b", "bookmark"}. One
	// letter is shown as -b, more as --name; both forms parse.
	Names []string
	// Arg names the value in help ("MODE"); "" makes a boolean flag.
	Arg  string
	Help string
	// Verbs are the verbs that take the flag; "" is ferry without a verb
	// (the file manager), "VERB SUB" a verb's subcommand (bookmarks
	// import). See connVerbs for the common set.
	Verbs []string
	// Values are the accepted values, offered by completion and listed in
	// ferry(1); Complete says what else to offer for the value.
	Values   []string
	Complete completeKind
	// bind defines the flag in fs, storing its value through to.
	bind func(fs *flag.FlagSet, name string, to flagTargets)
}

// completeKind is what a shell should offer for a value or an argument.
type completeKind int

const (
	completeNothing  completeKind = iota
	completeFiles                 // local paths
	completeBookmark              // bookmark names
	completeTheme                 // Values and the themes/NAME.toml files of the configuration directory
)

// flagTargets is where parsed flags are stored: the settings every verb
// shares live in cli, the tree verbs' in a treeFlags of their own.
type flagTargets struct {
	c    *cli
	tree *treeFlags
}

// verbFlags holds the flags of single verbs (ls -l, rm -r -f -v, ...).
type verbFlags struct {
	long      bool   // ls -l
	recursive bool   // rm -r, chmod -R
	force     bool   // rm -f, mv -f
	verbose   bool   // rm -v
	parents   bool   // mkdir -p
	theme     string // --theme, the file manager's
	dryRun    bool   // bookmarks import --dry-run
	passwords string // bookmarks import --passwords
	fxp       bool   // --fxp: server-to-server copies directly (copy, the file manager)
}

// connVerbs are the verbs that connect to a server, and "" for the file
// manager: they share the connection flags.
func connVerbs() []string {
	return []string{"", "ls", "find", "get", "put", "mirror", "copy", "rm", "mkdir", "mv", "chmod", "cat", "stat", "quote"}
}

// treeVerbs copy directory trees over parallel connections.
func treeVerbs() []string { return []string{"get", "put", "mirror", "copy"} }

func strVar(field func(flagTargets) *string, def string) func(*flag.FlagSet, string, flagTargets) {
	return func(fs *flag.FlagSet, name string, to flagTargets) { fs.StringVar(field(to), name, def, "") }
}

func boolVar(field func(flagTargets) *bool) func(*flag.FlagSet, string, flagTargets) {
	return func(fs *flag.FlagSet, name string, to flagTargets) { fs.BoolVar(field(to), name, false, "") }
}

// flagTable returns every flag of the command line. Connection flags
// come first, then the flags of single verbs.
//
// To add a flag, add a row: its Names, Arg (for a value), Help and Verbs
// (conn for a connection setting, tree for the tree verbs, or a list),
// and a bind that stores into a field of cli (or verbFlags, treeFlags).
// --help, help VERB, ferry(1) and the completion scripts then show it;
// README's flag table is written by hand.
func flagTable() []flagDef {
	conn, tree := connVerbs(), treeVerbs()
	return slices.Concat([]flagDef{
		{Names: []string{"b", "bookmark"}, Arg: "NAME", Verbs: conn, Complete: completeBookmark,
			Help: "use the bookmark NAME: remote arguments become paths on its server, relative to its remote_dir",
			bind: strVar(func(t flagTargets) *string { return &t.c.bookmark }, "")},
		{Names: []string{"tls"}, Arg: "MODE", Verbs: conn, Values: []string{"auto", "explicit", "implicit", "off"},
			Help: "TLS mode for ftp:// URLs: auto (TLS when offered, the default), explicit, implicit or off",
			bind: strVar(func(t flagTargets) *string { return &t.c.tlsMode }, "")},
		{Names: []string{"ca"}, Arg: "FILE", Verbs: conn, Complete: completeFiles,
			Help: "trust the PEM certificates in FILE instead of the system roots",
			bind: strVar(func(t flagTargets) *string { return &t.c.caFile }, "")},
		{Names: []string{"fingerprint"}, Arg: "SHA256", Verbs: conn,
			Help: "trust exactly the certificate with this SHA-256 fingerprint",
			bind: strVar(func(t flagTargets) *string { return &t.c.fingerprint }, "")},
		{Names: []string{"insecure"}, Verbs: conn,
			Help: "accept any certificate (encrypted, but not verified)",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.insecure })},
		{Names: []string{"active"}, Verbs: conn,
			Help: "active mode (the server connects back, EPRT/PORT) instead of passive (EPSV/PASV)",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.active })},
		{Names: []string{"clear-data"}, Verbs: conn,
			Help: "encrypt only the control connection (PROT C): the password stays protected, file data does not",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.clearData })},
		{Names: []string{"timeout"}, Arg: "DURATION", Verbs: conn,
			Help: "bound on every network wait (default 30s)",
			bind: func(fs *flag.FlagSet, name string, to flagTargets) {
				fs.DurationVar(&to.c.timeout, name, protocol.DefaultTimeout, "")
			}},
		{Names: []string{"encoding"}, Arg: "NAME", Verbs: conn,
			Values: []string{"auto", "utf-8", "latin1", "iso-8859-15", "windows-1252", "shift_jis", "euc-jp", "euc-kr", "gbk", "gb18030", "big5", "koi8-r"},
			Help:   "charset of the server's file names: auto (UTF-8 when the server agrees, the default), utf-8, latin1 or iso-8859-N, windows-125N, shift_jis, euc-jp, euc-kr, gbk, gb18030, big5, koi8-r",
			bind:   strVar(func(t flagTargets) *string { return &t.c.encoding }, "")},
		{Names: []string{"proxy"}, Arg: "URL", Verbs: conn,
			Help: "every connection through a proxy: socks5://, socks5h:// (names resolved by the proxy) or http:// (CONNECT), [user:pass@]host:port; none connects directly despite a bookmark's proxy",
			bind: strVar(func(t flagTargets) *string { return &t.c.net.proxy }, "")},
		{Names: []string{"limit-rate"}, Arg: "RATE", Verbs: conn,
			Help: "bytes per second for the whole run, all connections together: 500K, 2M (K, M, G are 1024s)",
			bind: strVar(func(t flagTargets) *string { return &t.c.net.limitRate }, "")},
		{Names: []string{"active-address"}, Arg: "IP", Verbs: conn,
			Help: "the address announced in PORT/EPRT behind NAT (implies --active)",
			bind: strVar(func(t flagTargets) *string { return &t.c.net.activeAddress }, "")},
		{Names: []string{"active-ports"}, Arg: "LOW-HIGH", Verbs: conn,
			Help: "the ports active mode listens on (implies --active)",
			bind: strVar(func(t flagTargets) *string { return &t.c.net.activePorts }, "")},
		{Names: []string{"debug"}, Verbs: conn,
			Help: "print the FTP conversation to stderr (the file manager: to debug.log), password masked",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.debug })},

		{Names: []string{"theme"}, Arg: "NAME", Verbs: []string{""}, Values: themes.Builtins(), Complete: completeTheme,
			Help: "colour theme: a built-in or themes/NAME.toml in the configuration directory",
			bind: strVar(func(t flagTargets) *string { return &t.c.opt.theme }, "")},

		{Names: []string{"r"}, Verbs: []string{"get", "put", "copy"},
			Help: "copy a directory tree",
			bind: boolVar(func(t flagTargets) *bool { return &t.tree.recursive })},
		{Names: []string{"fxp"}, Verbs: []string{"copy", ""},
			Help: "between two servers, copy directly from one to the other (FXP) when both allow it; otherwise, or when refused, the data is relayed through ferry",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.fxp })},
		{Names: []string{"reverse"}, Verbs: []string{"mirror"},
			Help: "upload: make the remote directory a copy of LOCALDIR",
			bind: boolVar(func(t flagTargets) *bool { return &t.tree.reverse })},
		{Names: []string{"parallel"}, Arg: "N", Verbs: tree,
			Help: "connections at once, 1-10 (default 4, growing up to 10, or a bookmark's parallel, while many small files wait; a server's \"too many connections\" lowers it)",
			bind: func(fs *flag.FlagSet, name string, to flagTargets) {
				to.tree.parallel = defaultParallel
				fs.Var(&parallelValue{&to.tree.parallel, &to.tree.parallelGiven}, name, "")
			}},
		{Names: []string{"segments"}, Arg: "N", Verbs: []string{"get", "mirror", "copy"},
			Help: "download each file in N ranges over N connections, 1-16 (default: 4 for files of 64 MiB or more when no other file waits; 1 is one stream); a copy between two servers is one stream",
			bind: func(fs *flag.FlagSet, name string, to flagTargets) {
				fs.IntVar(&to.tree.segments, name, 0, "")
			}},
		{Names: []string{"on-conflict"}, Arg: "POLICY", Verbs: tree, Values: conflictPolicies(),
			Help: "for files that exist: newer (the default: transfer when the source is newer or the sizes differ), overwrite, skip, resume or rename (keep both)",
			bind: strVar(func(t flagTargets) *string { return &t.tree.onConflict }, "newer")},

		{Names: []string{"l"}, Verbs: []string{"ls"},
			Help: "also show permissions, owner and group",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.long })},
		{Names: []string{"r", "R"}, Verbs: []string{"rm"},
			Help: "remove directories and everything in them (symbolic links are removed, never followed)",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.recursive })},
		{Names: []string{"f"}, Verbs: []string{"rm"},
			Help: "do not ask before removing a directory tree",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.force })},
		{Names: []string{"f"}, Verbs: []string{"mv"},
			Help: "replace a file or directory that exists at NEWPATH (without it, mv refuses)",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.force })},
		{Names: []string{"v"}, Verbs: []string{"rm"},
			Help: "name each file and directory as it is removed",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.verbose })},
		{Names: []string{"p"}, Verbs: []string{"mkdir"},
			Help: "create missing parent directories; an existing directory is no error",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.parents })},
		{Names: []string{"dry-run"}, Verbs: []string{"bookmarks import"},
			Help: "show what would be added; change nothing",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.dryRun })},
		{Names: []string{"passwords"}, Arg: "WHERE", Verbs: []string{"bookmarks import"}, Values: []string{"keyring", "file", "drop"},
			Help: "where imported passwords go: keyring (the default), file (plain text in bookmarks.toml) or drop",
			bind: strVar(func(t flagTargets) *string { return &t.c.opt.passwords }, "keyring")},
		{Names: []string{"R"}, Verbs: []string{"chmod"},
			Help: "also change everything below a directory (symbolic links are left alone)",
			bind: boolVar(func(t flagTargets) *bool { return &t.c.opt.recursive })},
	}, syncFlagRows())
}

// conflictPolicies are the --on-conflict values (Ask is the file
// manager's, not the command line's).
func conflictPolicies() []string {
	return []string{"newer", "overwrite", "skip", "resume", "rename"}
}

// flagsOf returns the table's rows for verb ("" for the file manager).
func flagsOf(verb string) []flagDef {
	var out []flagDef
	for _, f := range flagTable() {
		if slices.Contains(f.Verbs, verb) {
			out = append(out, f)
		}
	}
	return out
}

// flags returns a FlagSet with the flags verb takes, storing into c.
func (c *cli) flags(verb string) *flag.FlagSet {
	return c.flagSet(verb, &treeFlags{})
}

// flagSet returns a FlagSet with the flags verb takes; the tree verbs'
// flags are stored in tf.
func (c *cli) flagSet(verb string, tf *treeFlags) *flag.FlagSet {
	name := verb
	if name == "" {
		name = "ferry"
	}
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	to := flagTargets{c: c, tree: tf}
	for _, f := range flagsOf(verb) {
		for _, n := range f.Names {
			f.bind(fs, n, to)
		}
	}
	return fs
}

// takesValue reports whether the flag spelt arg ("--ca", "-b") expects a
// value in the next argument, for any verb: used to find the verb after
// flags that come before it.
func takesValue(arg string) bool {
	name := strings.TrimLeft(arg, "-")
	if strings.Contains(name, "=") {
		return false
	}
	for _, f := range flagTable() {
		if slices.Contains(f.Names, name) {
			return f.Arg != ""
		}
	}
	return false
}

// flagSpelling shows a flag name as the help does: -b, --bookmark.
func flagSpelling(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}
