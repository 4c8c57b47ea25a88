package main

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"ferry/bookmarks"
	"ferry/internal/safe"
	"ferry/protocol"
)

// target is a parsed ferry URL: where to connect and which path to use.
type target struct {
	Scheme   string // ftp, ftpes or ftps
	Host     string
	Port     int
	User     string
	Password string
	HasPass  bool // the URL carried a password, possibly empty
	Path     string
	Security protocol.Security
	// Bookmark is set when the target came from -b NAME; its TLS,
	// trust, mode and password settings then apply.
	Bookmark *bookmarks.Bookmark
}

func (t target) Addr() string { return net.JoinHostPort(t.Host, strconv.Itoa(t.Port)) }

// String shows the URL without its password.
func (t target) String() string {
	u := url.URL{Scheme: t.Scheme, Host: t.Addr(), Path: "/" + t.Path}
	if t.User != "" {
		u.User = url.User(t.User)
	}
	return u.String()
}

// withoutPath is the target with the login directory as path.
func (t target) withoutPath() target {
	t.Path = ""
	return t
}

// parseTarget reads ftp://[user[:pass]@]host[:port]/path, ftpes:// (explicit
// TLS required) and ftps:// (implicit TLS, port 990). As in RFC 1738 and
// curl, the path is relative to the login directory; start it with %2F
// (ftp://host/%2Fetc) for an absolute path. On servers that chroot users,
// as most do, the two are the same.
func parseTarget(raw string) (target, error) {
	bad := func(why string) error { return fmt.Errorf("bad URL \"%s\": %s", safe.URL(raw), why) }
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, bad(parseProblem(err))
	}
	t := target{Scheme: strings.ToLower(u.Scheme)}
	switch t.Scheme {
	case "ftp":
		t.Security, t.Port = protocol.ExplicitIfOffered, 21
	case "ftpes":
		t.Security, t.Port = protocol.Explicit, 21
	case "ftps":
		t.Security, t.Port = protocol.Implicit, 990
	default:
		return target{}, bad("scheme must be ftp://, ftpes:// or ftps://")
	}
	if u.Opaque != "" || u.Host == "" {
		return target{}, bad("no host")
	}
	t.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return target{}, bad("bad port")
		}
		t.Port = n
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, t.HasPass = u.User.Password()
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return target{}, bad("FTP URLs have no ?query or #fragment (write %3F or %23 for those characters)")
	}
	t.Path = strings.TrimPrefix(u.Path, "/")
	if strings.ContainsAny(t.Path, "\r\n\x00") {
		return target{}, bad("path contains a line break or NUL")
	}
	return t, nil
}

// parseProblem says what url.Parse disliked without repeating its
// message, which quotes the URL or the part that failed (a password with
// a bad %-escape, or with a '/' that made it look like a port).
func parseProblem(err error) string {
	var escErr url.EscapeError
	var hostErr url.InvalidHostError
	switch {
	case errors.As(err, &escErr):
		return "bad %-escape (write %25 for a literal %)"
	case errors.As(err, &hostErr):
		return "bad character in the host"
	case strings.Contains(err.Error(), "port"):
		return "bad port (a password holding '/', '?' or '#' must be written %2F, %3F or %23)"
	case strings.Contains(err.Error(), "control character"):
		return "contains a control character"
	}
	return "not a URL"
}

// parseSecurity reads the --tls flag.
func parseSecurity(s string) (protocol.Security, error) {
	switch s {
	case "auto":
		return protocol.ExplicitIfOffered, nil
	case "explicit":
		return protocol.Explicit, nil
	case "implicit":
		return protocol.Implicit, nil
	case "off":
		return protocol.Plain, nil
	}
	return 0, fmt.Errorf("--tls must be auto, explicit, implicit or off, not %q", s)
}
