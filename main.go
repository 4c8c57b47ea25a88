// Command ferry is a terminal file manager for FTP and FTPS servers.
//
// With a verb it scripts the same engine the TUI uses: ls, get, put,
// mirror (get -r and put -r copy trees), copy, rm, mkdir, mv, chmod,
// cat, stat, quote, bookmarks (and bookmarks import), and completion,
// man, help and version. With -b NAME in place of a URL, a verb uses a
// bookmark's server and settings.
//
// The verbs (help.go) and flags (flags.go) are tables: parsing, --help,
// ferry(1) and the completion scripts read the same rows.
//
// Exit status: 0 on success, 1 when an operation failed, 2 on bad usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"strings"
	"syscall"

	"golang.org/x/term"

	"ferry/internal/safe"
)

// exit statuses
const (
	exitOK     = 0
	exitFailed = 1
	exitUsage  = 2
)

// usageError marks a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return newCLI(stdin, stdout, stderr).main(ctx, args)
}

// newCLI makes the command line's state over the standard streams.
func newCLI(stdin io.Reader, stdout, stderr io.Writer) *cli {
	return &cli{stdin: stdin, stdout: stdout, stderr: stderr,
		stdinTerminal: isTerminal(stdin), stderrTerminal: isTerminal(stderr)}
}

// isTerminal reports whether f is a terminal.
func isTerminal(f any) bool {
	file, ok := f.(*os.File)
	return ok && term.IsTerminal(int(file.Fd()))
}

// main runs one command line and returns its exit status.
func (c *cli) main(ctx context.Context, args []string) int {
	verb, rest, err := splitVerb(args)
	if err != nil {
		return c.report(err, "")
	}
	if verb == "" {
		return c.report(c.tui(ctx, rest), "")
	}
	v, _ := findVerb(verb)
	if len(rest) == 1 && isHelpFlag(rest[0]) {
		return c.report(helpRequest{verb: verb}, verb) // also for the verbs that parse no flags
	}
	return c.report(v.run(c, ctx, rest), verb)
}

// splitVerb finds the verb among the arguments: the first one that is
// not a flag or a flag's value. Flags before it are kept, after it, so
// "ferry --ca FILE ls URL" is "ferry ls --ca FILE URL". Without a verb
// (no arguments, a URL, only flags) verb is "" and the file manager
// opens. --help and --version before any verb are verbs of their own.
func splitVerb(args []string) (verb string, rest []string, err error) {
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			return "", args, nil
		case isHelpFlag(a):
			return "help", nil, nil
		case a == "--version" || a == "-version":
			return "version", nil, nil
		case strings.HasPrefix(a, "-") && a != "-":
			if takesValue(a) {
				i++
			}
		case strings.Contains(a, "://"):
			return "", args, nil
		default:
			if _, ok := findVerb(a); !ok {
				return "", nil, usagef("unknown verb %q", a)
			}
			return a, append(slices.Clip(args[:i]), args[i+1:]...), nil
		}
	}
	return "", args, nil
}

func isHelpFlag(a string) bool { return a == "-h" || a == "--help" || a == "-help" }

// report prints an error with one "ferry:" prefix and returns the exit
// status for it. A request for help prints the help to stdout. verb
// names the verb that ran, if any, for the pointer to its help.
func (c *cli) report(err error, verb string) int {
	if err == nil {
		return exitOK
	}
	if h := (helpRequest{}); errors.As(err, &h) {
		name, _, _ := strings.Cut(h.verb, " ") // "bookmarks import" is bookmarks'
		if v, ok := findVerb(name); ok {
			writeVerbHelp(c.stdout, v)
		} else {
			writeUsage(c.stdout)
		}
		return exitOK
	}
	var q quietError
	if errors.As(err, &q) {
		return exitFailed
	}
	// A verb that went on after a failure (rm A B) joins its errors:
	// each gets its own line and prefix. The message is escaped
	// (safe.Text): it often carries a server's reply or a file name.
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, e := range errs {
		fmt.Fprintf(c.stderr, "ferry: %s\n", safe.Text(strings.TrimPrefix(e.Error(), "ferry: ")))
	}
	if ue := (usageError{}); errors.As(err, &ue) {
		if verb != "" && verb != "help" {
			fmt.Fprintf(c.stderr, "run 'ferry %s --help' for its usage\n", verb)
		} else {
			fmt.Fprint(c.stderr, "run 'ferry --help' for usage\n")
		}
		return exitUsage
	}
	return exitFailed
}

// quietError is a failure already reported to the user: the exit status
// is 1 and nothing more is printed.
type quietError struct{}

func (quietError) Error() string { return "failed" }
