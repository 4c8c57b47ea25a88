package main

import (
	"fmt"
	"io"
	"runtime/debug"
	"strings"
)

// man is "ferry man": ferry(1) in roff, built from the same verb and flag
// tables and help texts as --help, so the two cannot drift apart.
func (c *cli) man(args []string) error {
	if len(args) > 0 {
		return usagef("man takes no arguments")
	}
	writeMan(c.stdout)
	return nil
}

// The manual's sections beyond what --help shows, as functions: data,
// not package state.

func manFiles() [][2]string {
	return [][2]string{
		{"$XDG_CONFIG_HOME/ferry/bookmarks.toml", "saved servers (default ~/.config/ferry/bookmarks.toml); ferry bookmarks lists them"},
		{"$XDG_CONFIG_HOME/ferry/known_certs.toml", "certificates you chose to trust, pinned for their host and port"},
		{"$XDG_CONFIG_HOME/ferry/config.toml", "settings of the file manager: theme, sort, parallel transfers, keys"},
		{"$XDG_CONFIG_HOME/ferry/themes/NAME.toml", "a theme of your own, for --theme NAME"},
		{"$XDG_STATE_HOME/ferry/debug.log", "the file manager's FTP conversation with --debug (default ~/.local/state/ferry)"},
		{"~/.netrc", "logins and passwords by host ($NETRC names another file)"},
	}
}

func manEnv() [][2]string {
	return [][2]string{
		{"FERRY_PASSWORD", "the password, for URLs and bookmarks alike"},
		{"NETRC", "the netrc file to read instead of ~/.netrc"},
		{"XDG_CONFIG_HOME, XDG_STATE_HOME", "where ferry's configuration and state live"},
		{"VISUAL, EDITOR", "the editor the file manager opens files in"},
		{"NO_COLOR", "when set and no theme is named, the mono theme"},
	}
}

func manExamples() [][2]string {
	return [][2]string{
		{"ferry ls ftpes://alice@ftp.example.org/pub", "list a directory over explicit TLS"},
		{"ferry get ftps://alice@example.org/backup.tar -", "download to standard output"},
		{"ferry --ca ca.pem put notes.txt ftpes://alice@example.org/inbox/", "upload into a directory, trusting ca.pem"},
		{"ferry mirror ftpes://alice@example.org/site ~/site", "make ~/site a copy of site/"},
		{"ferry rm -rv -b work old/", "remove a directory tree on a bookmark's server, naming each removal"},
		{"ferry chmod u+x -b work bin/deploy.sh", "make a file executable"},
		{"ferry quote ftp://ftp.example.org SYST", "ask the server what it runs"},
	}
}

// roff escapes text for a roff line: backslashes, hyphens (so flags
// stay ASCII and searchable), and a leading dot or quote.
func roff(s string) string {
	s = strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

func writeMan(w io.Writer) {
	version := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		version = " " + bi.Main.Version
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	para := func(text string) {
		for _, t := range strings.Split(text, "\n\n") {
			p(".PP")
			p("%s", roff(t))
		}
	}
	p(`.TH FERRY 1 "" "ferry%s" "User Commands"`, roff(version))
	p(".SH NAME")
	p(`ferry \- terminal file manager for FTP and FTPS servers`)
	p(".SH SYNOPSIS")
	p(".B ferry")
	p(`[\fIflags\fR] [\fIURL\fR | \fB\-b\fR \fINAME\fR]`)
	p(".br")
	p(".B ferry")
	p(`\fIVERB\fR [\fIflags\fR] \fIARGS\fR...`)
	p(".SH DESCRIPTION")
	p("%s", roff(helpIntro))
	p(".PP")
	p("%s", roff("Without a verb ferry opens the full-screen file manager, your machine in one pane and the server in the other; press ? there for its keys. Flags may come before or after the verb."))
	p(".SH VERBS")
	for _, v := range verbTable() {
		for i, s := range v.Synopsis {
			if i == 0 {
				p(".TP")
			} else {
				p(".TQ")
			}
			p(`.B ferry %s`, roff(strings.TrimSpace(v.Name+" "+s)))
		}
		first := true
		for _, t := range strings.Split(v.Text, "\n\n") {
			if !first {
				p(".IP")
			}
			first = false
			p("%s", roff(t))
		}
		if len(v.Lines) > 0 {
			p(".IP")
			p(".nf")
			for _, l := range v.Lines {
				p("%s", roff(l))
			}
			p(".fi")
		}
		own, _ := splitFlags(v.Name)
		for _, sub := range v.Subs {
			own = append(own, flagsOf(v.Name+" "+sub)...)
		}
		if len(own) > 0 {
			p(".RS")
			for _, f := range own {
				writeManFlag(w, f)
			}
			p(".RE")
		}
	}
	p(".SH OPTIONS")
	p("%s", roff("These flags apply to the file manager and to every verb that connects to a server."))
	for _, f := range flagsOf("") {
		writeManFlag(w, f)
	}
	p(".SH URLS")
	para(helpURL)
	p(".SH PASSWORDS AND BOOKMARKS")
	para(helpPassword)
	para(helpBookmark)
	p(".SH FILES")
	for _, f := range manFiles() {
		p(".TP")
		p(`.I %s`, roff(f[0]))
		p("%s", roff(f[1]))
	}
	p(".SH ENVIRONMENT")
	for _, e := range manEnv() {
		p(".TP")
		p(`.B %s`, roff(e[0]))
		p("%s", roff(e[1]))
	}
	p(".SH EXIT STATUS")
	para(helpExit)
	p(".SH EXAMPLES")
	for _, e := range manExamples() {
		p(".TP")
		p(`.B %s`, roff(e[0]))
		p("%s", roff(e[1]))
	}
	p(".SH INSTALLING COMPLETION")
	completion, _ := findVerb("completion")
	p(".nf")
	for _, l := range completion.Lines {
		p("%s", roff(l))
	}
	p(".fi")
	p(".SH SEE ALSO")
	p(`\fBlftp\fR(1), \fBcurl\fR(1), \fBnetrc\fR(5)`)
}

func writeManFlag(w io.Writer, f flagDef) {
	var names []string
	for _, n := range f.Names {
		names = append(names, `\fB`+roff(flagSpelling(n))+`\fR`)
	}
	head := strings.Join(names, ", ")
	if f.Arg != "" {
		head += ` \fI` + roff(f.Arg) + `\fR`
	}
	fmt.Fprintf(w, ".TP\n%s\n%s\n", head, roff(f.Help))
	for _, v := range f.Values {
		if !strings.Contains(f.Help, v) { // list them where the help does not
			fmt.Fprintf(w, ".br\n%s\n", roff("One of: "+strings.Join(f.Values, ", ")+"."))
			break
		}
	}
}
