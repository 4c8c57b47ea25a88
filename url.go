package main

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"

	"ferry/bookmarks"
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
	u, err := url.Parse(raw)
	if err != nil {
		return target{}, fmt.Errorf("bad URL %q: %v", raw, err)
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
		return target{}, fmt.Errorf("bad URL %q: scheme must be ftp://, ftpes:// or ftps://", raw)
	}
	if u.Opaque != "" || u.Host == "" {
		return target{}, fmt.Errorf("bad URL %q: no host", raw)
	}
	t.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return target{}, fmt.Errorf("bad URL %q: bad port", raw)
		}
		t.Port = n
	}
	if u.User != nil {
		t.User = u.User.Username()
		t.Password, t.HasPass = u.User.Password()
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return target{}, fmt.Errorf("bad URL %q: FTP URLs have no ?query or #fragment (write %%3F or %%23 for those characters)", raw)
	}
	t.Path = strings.TrimPrefix(u.Path, "/")
	if strings.ContainsAny(t.Path, "\r\n\x00") {
		return target{}, fmt.Errorf("bad URL %q: path contains a line break or NUL", raw)
	}
	return t, nil
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
