// Command ferry is a terminal file manager for FTP and FTPS servers.
//
// With a verb it scripts the same engine the TUI uses:
//
//	ferry ls  [flags] URL            list a directory, one entry per line
//	ferry get [flags] URL [LOCAL]    download one file ("-" is stdout)
//	ferry put [flags] LOCAL URL      upload one file
//	ferry get -r, put -r, mirror     copy directory trees over parallel connections
//	ferry bookmarks                  list bookmarks, name and URL
//
// With -b NAME in place of a URL, a verb uses a bookmark's server and
// settings.
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
	"strings"
	"syscall"

	"ferry/internal/safe"
)

const usage = `usage:
  ferry [flags] [URL]              the full-screen file manager (connected to URL if given)
  ferry ls  [flags] URL            one entry per line, no header
  ferry get [flags] URL [LOCAL]    download one file (LOCAL defaults to its base name, "-" is stdout)
  ferry put [flags] LOCAL URL      upload one file
  ferry get -r [flags] URL [LOCALDIR]          download a directory tree (into LOCALDIR/NAME if
                                               LOCALDIR exists, else as LOCALDIR; default .)
  ferry put -r [flags] LOCALDIR URL            upload a directory tree (into URL/NAME if URL ends in /)
  ferry mirror [flags] URL LOCALDIR            make LOCALDIR a copy of the remote directory's contents
  ferry mirror --reverse [flags] LOCALDIR URL  make the remote directory a copy of LOCALDIR's contents
    --parallel N          connections at once, 1-10 (default 4)
    --on-conflict POLICY  for files that exist: newer (default: transfer when the source is newer
                          or the sizes differ), overwrite, skip, resume, rename (keep both)
  ferry bookmarks                  list bookmarks: name, a tab, URL (no passwords)
  ferry bookmarks import [--dry-run] [--passwords keyring|file|drop] FILE
                                   add the sites of FileZilla's sitemanager.xml or lftp's bookmarks

URL: ftp://[user[:pass]@]host[:port]/path   (TLS when offered: --tls auto)
     ftpes://...                             (explicit TLS required)
     ftps://...                              (implicit TLS, default port 990)
password: from the URL, else $FERRY_PASSWORD, else ~/.netrc, else a prompt on a terminal

-b NAME replaces the URL with a bookmark from ~/.config/ferry/bookmarks.toml:
  ferry ls -b NAME [PATH]   ferry get -b NAME PATH [LOCAL]   ferry put -b NAME LOCAL [PATH]
  PATH is relative to the bookmark's remote_dir unless it starts with "/"; left out, it is
  remote_dir itself. The password comes from $FERRY_PASSWORD, else the bookmark's password_cmd,
  else its saved password, else ~/.netrc, else a prompt.
certificates you trusted in the full-screen interface (known_certs.toml) are pinned unless
--ca, --fingerprint or --insecure is given.

flags:
  --tls auto|explicit|implicit|off   TLS mode for ftp:// URLs (default auto)
  --insecure                         accept any certificate (the session is not verified)
  --ca FILE                          trust the PEM certificates in FILE instead of the system roots
  --fingerprint SHA256               trust exactly the certificate with this SHA-256 fingerprint
  --active                           active mode (the server connects back) instead of passive
  --clear-data                       encrypt only the control connection (PROT C), for servers
                                     that refuse protected data connections from this client
  --timeout DURATION                 bound every network wait (default 30s)
  --debug                            print the FTP conversation to stderr, password masked
  --proxy URL                        every connection through socks5://, socks5h:// (names resolved
                                     by the proxy) or http:// (CONNECT) [user:pass@]host:port;
                                     none: connect directly despite a bookmark's proxy
  --limit-rate RATE                  bytes per second for all connections together (500K, 2M)
  --active-address IP                address announced in PORT/EPRT behind NAT (implies --active)
  --active-ports LOW-HIGH            ports active mode listens on (implies --active)
`

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
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
		fmt.Fprint(stderr, usage)
		return exitOK
	}
	env := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || strings.Contains(args[0], "://") || strings.HasPrefix(args[0], "-") {
		return report(env.tui(ctx, args), stderr)
	}
	var err error
	switch verb, rest := args[0], args[1:]; verb {
	case "ls":
		err = env.ls(ctx, rest)
	case "get":
		if recursive(rest) {
			err = env.getTree(ctx, rest)
		} else {
			err = env.get(ctx, rest)
		}
	case "put":
		if recursive(rest) {
			err = env.putTree(ctx, rest)
		} else {
			err = env.put(ctx, rest)
		}
	case "mirror":
		err = env.mirror(ctx, rest)
	case "bookmarks":
		err = env.listBookmarks(rest)
	default:
		err = usagef("unknown verb %q", verb)
	}
	return report(err, stderr)
}

// report prints an error and returns the exit status for it. The message
// is escaped (safe.Text): it often carries a server's reply or file name.
func report(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintf(stderr, "ferry: %s\n", safe.Text(err.Error()))
	if ue := (usageError{}); errors.As(err, &ue) {
		fmt.Fprint(stderr, "run 'ferry --help' for usage\n")
		return exitUsage
	}
	return exitFailed
}
