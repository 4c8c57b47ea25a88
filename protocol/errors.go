package protocol

import (
	"errors"
	"fmt"
	"strings"

	"ferry/internal/safe"
)

// The classes of failure a caller tells apart with errors.Is. They mirror
// Python ftplib's error_reply, error_temp, error_perm and error_proto.
var (
	// ErrUnexpectedReply: the server answered with a positive reply the
	// command does not allow, e.g. 3xx where 2xx was required.
	ErrUnexpectedReply = errors.New("ftp: unexpected reply")
	// ErrTemporary: a 4xx reply; the same request may succeed later.
	ErrTemporary = errors.New("ftp: temporary failure")
	// ErrPermanent: a 5xx reply; repeating the request will not help.
	ErrPermanent = errors.New("ftp: permanent failure")
	// ErrTooManyConnections: the server refused a connection or login
	// for its limit (421, or a 530 that speaks of too many connections or
	// clients); the same request may succeed once a connection closes.
	ErrTooManyConnections = errors.New("ftp: the server has too many connections")
	// ErrProtocol: the server sent something that is not an FTP reply, or
	// a reply larger than the engine accepts.
	ErrProtocol = errors.New("ftp: protocol violation")
)

// Errors the engine raises before or instead of talking to the server.
var (
	// ErrUnsafeArgument: a command or argument contains CR, LF or NUL and
	// was not sent (it could smuggle a second command to the server).
	ErrUnsafeArgument = errors.New("ftp: argument contains CR, LF or NUL")
	// ErrBusy: the connection is serving an open transfer; finish or abort
	// it first. A Conn handles one operation at a time.
	ErrBusy = errors.New("ftp: connection busy with a transfer")
	// ErrClosed: the connection was closed, or broken by an earlier
	// network failure or cancellation that left it out of step.
	ErrClosed = errors.New("ftp: connection closed")
	// ErrTLSRequired: TLS was required but the server does not offer it.
	ErrTLSRequired = errors.New("ftp: server does not offer TLS")
	// ErrSessionNotResumed: the server refused a TLS data connection that
	// did not resume the control connection's session, and it had issued
	// no session ticket to resume with. The server's admin can enable TLS
	// session tickets (or proftpd's NoSessionReuseRequired); the client
	// can fall back to unprotected data with Options.ClearData.
	// ErrDataOverrun: a download ran past the size the server announced
	// (in its 150 reply) or the caller expected (Transfer.Expect); reading
	// stopped there, and nothing past that size was returned.
	ErrDataOverrun = errors.New("ftp: the server sent more data than the file's size")
	// ErrDataShort: a download ended, with the server's 226, before the
	// size the server announced or the caller expected.
	ErrDataShort = errors.New("ftp: the transfer ended before the file's size")
	// ErrNotListable: the server answered a listing with success but said
	// it could not read the folder (vsftpd's "226 Transfer done (but failed
	// to open directory)." for a missing or unreadable folder), or the
	// path is not a folder.
	ErrNotListable = errors.New("ftp: the server could not list the folder")
	// ErrActiveWithProxy: active mode was asked for together with a
	// proxy. The server would connect back to the address in PORT/EPRT,
	// which a proxy does not forward; use passive mode.
	ErrActiveWithProxy   = errors.New("ftp: active mode does not work through a proxy (the server cannot connect back through it); use passive mode")
	ErrSessionNotResumed = errors.New("the server requires TLS session reuse on data connections but issued no session ticket; ask its admin to enable TLS session tickets, or keep only the control connection encrypted (--clear-data)")
)

// Error is a negative or unexpected reply from the server. Use errors.Is
// with ErrTemporary, ErrPermanent or ErrUnexpectedReply to classify it, or
// errors.As to read the code and text.
type Error struct {
	Cmd  string // the command verb that was answered ("RETR"), never its arguments' secrets
	Code int
	Msg  string // reply text as the server sent it; lines of a multi-line reply joined by "\n"
}

// Error shows the reply with control and bidi characters escaped
// (safe.Text): the text is the server's, and error messages end up on
// the user's terminal, in the log panel and on the status line.
func (e *Error) Error() string {
	if e.Cmd == "" {
		return fmt.Sprintf("ftp: %d %s", e.Code, safe.Text(e.Msg))
	}
	return fmt.Sprintf("ftp: %s: %d %s", e.Cmd, e.Code, safe.Text(e.Msg))
}

// Is reports whether the reply belongs to the class target names.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrTemporary:
		return codeClass(e.Code) == ClassTransient
	case ErrPermanent:
		return codeClass(e.Code) == ClassPermanent
	case ErrUnexpectedReply:
		c := codeClass(e.Code)
		return c >= ClassPreliminary && c <= ClassIntermediate
	case ErrTooManyConnections:
		switch e.Code {
		case CodeServiceNotAvailable:
			return true // 421 at the greeting or login: what full servers send
		case CodeNotLoggedIn:
			text := strings.ToLower(e.Msg)
			return strings.Contains(text, "too many") || strings.Contains(text, "connections") || strings.Contains(text, "clients")
		}
	}
	return false
}

// Temporary reports whether the reply is a 4xx transient failure, the kind
// a retry may cure.
func (e *Error) Temporary() bool { return codeClass(e.Code) == ClassTransient }

// ProtocolError reports a server that broke the reply format or a limit:
// a line that is not "ddd text", a line or reply too long, a malformed
// PASV/EPSV/PWD answer. errors.Is(err, ErrProtocol) is true for it.
type ProtocolError struct {
	Msg  string
	Line string // the offending line, truncated for display
}

func (e *ProtocolError) Error() string {
	if e.Line == "" {
		return "ftp: protocol error: " + safe.Line(e.Msg)
	}
	return fmt.Sprintf("ftp: protocol error: %s: %q", safe.Line(e.Msg), e.Line) // %q escapes the line
}

func (e *ProtocolError) Is(target error) bool { return target == ErrProtocol }

// protocolError builds a ProtocolError, keeping at most 120 bytes of line
// so a hostile server cannot make error messages huge.
func protocolError(msg, line string) *ProtocolError {
	const max = 120
	if len(line) > max {
		line = line[:max] + "..."
	}
	return &ProtocolError{Msg: msg, Line: line}
}

// replyError turns a reply into an *Error.
func replyError(cmd string, r *Reply) *Error {
	return &Error{Cmd: cmd, Code: r.Code, Msg: r.Text()}
}

// commandVerb returns the first word of a command line, upper-cased, for
// error messages and logs.
func commandVerb(line string) string {
	if i := strings.IndexByte(line, ' '); i >= 0 {
		line = line[:i]
	}
	return strings.ToUpper(line)
}
