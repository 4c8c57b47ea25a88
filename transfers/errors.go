package transfers

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"ferry/protocol"
)

// skipError ends a job in the Skipped state.
type skipError struct{ reason string }

func (e *skipError) Error() string { return "skipped: " + e.reason }

func skipf(format string, args ...any) error {
	return &skipError{reason: fmt.Sprintf(format, args...)}
}

// conflictError ends an attempt in the Conflict state.
type conflictError struct{ info ConflictInfo }

func (e *conflictError) Error() string { return e.info.Target + " exists" }

// permanentError is a failure of the job itself that no retry can cure:
// an unsafe name, a size that does not match.
type permanentError struct{ msg string }

func (e *permanentError) Error() string { return e.msg }

func failf(format string, args ...any) error {
	return &permanentError{msg: fmt.Sprintf(format, args...)}
}

// temporary reports whether a retry may cure err: a 4xx reply, a
// connection that dropped, was refused or timed out, or one the engine
// declared closed. A 5xx reply, a local file error or anything unknown is
// permanent: retrying would only repeat it.
func temporary(err error) bool {
	var perm *permanentError
	var tooMany *tooManyError
	switch {
	case errors.As(err, &tooMany):
		return true
	case errors.As(err, &perm), errors.Is(err, protocol.ErrPermanent),
		errors.Is(err, protocol.ErrUnsafeArgument), errors.Is(err, protocol.ErrTLSRequired),
		errors.Is(err, protocol.ErrSessionNotResumed), errors.Is(err, context.Canceled):
		return false
	case errors.Is(err, protocol.ErrTemporary), errors.Is(err, protocol.ErrClosed),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF),
		errors.Is(err, os.ErrDeadlineExceeded), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.ECONNREFUSED),
		errors.Is(err, syscall.ECONNABORTED), errors.Is(err, syscall.EPIPE),
		errors.Is(err, syscall.ETIMEDOUT), errors.Is(err, syscall.EHOSTUNREACH),
		errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.ENETDOWN):
		return true
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	// A TLS stream that turns to garbage is a connection in trouble (a
	// server killed mid-record), not a verdict on the file.
	var rh tls.RecordHeaderError
	if errors.As(err, &rh) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op)
}

// inStep reports whether the connection that produced err is certainly
// still usable: the server answered with a reply, and nothing else went
// wrong. Anything else is checked with NOOP before the connection is
// used again.
func inStep(err error) bool {
	if err == nil {
		return true
	}
	var fe *protocol.Error
	if !errors.As(err, &fe) {
		var skip *skipError
		var conflict *conflictError
		var perm *permanentError
		return errors.As(err, &skip) || errors.As(err, &conflict) || errors.As(err, &perm)
	}
	return !errors.Is(err, protocol.ErrClosed) && fe.Code != protocol.CodeServiceNotAvailable
}
