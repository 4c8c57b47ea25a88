package protocol

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Limits on what a server may make the engine hold in memory. They are
// generous for every real server and small enough that a hostile one
// cannot exhaust memory.
const (
	DefaultMaxLineLength = 8 << 10   // bytes in one reply line
	DefaultMaxReplySize  = 256 << 10 // bytes in one (multi-line) reply
)

// Reply is one complete server reply. A multi-line reply (RFC 959 section
// 4.2) keeps every line.
type Reply struct {
	Code  int
	Lines []string // as received, without the line ending
}

// Text returns the reply's message: the first line without its code, the
// middle lines as they came, and the last line without its code, joined by
// newlines.
func (r *Reply) Text() string {
	if len(r.Lines) == 1 {
		return lineText(r.Lines[0])
	}
	var b strings.Builder
	for i, l := range r.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		if i == 0 || i == len(r.Lines)-1 {
			l = lineText(l)
		}
		b.WriteString(l)
	}
	return b.String()
}

// String returns the reply as the server wrote it, lines joined by "\n".
func (r *Reply) String() string { return strings.Join(r.Lines, "\n") }

// lineText strips the "ddd " or "ddd-" prefix from a reply line.
func lineText(l string) string {
	if len(l) >= 4 && isCode(l[:3]) {
		return l[4:]
	}
	if len(l) == 3 && isCode(l) {
		return ""
	}
	return l
}

func isCode(s string) bool {
	return len(s) == 3 && s[0] >= '1' && s[0] <= '5' &&
		s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9'
}

func parseCode(s string) int {
	return int(s[0]-'0')*100 + int(s[1]-'0')*10 + int(s[2]-'0')
}

// errLineTooLong is wrapped in a ProtocolError by the readers.
var errLineTooLong = errors.New("line too long")

// readLimitedLine reads one line ending in LF (CR before it is dropped)
// and refuses lines longer than max bytes. A final line without LF at EOF
// is returned with io.ErrUnexpectedEOF.
func readLimitedLine(r *bufio.Reader, max int) (string, error) {
	var long []byte // only used when a line spans buffer fills
	for {
		frag, err := r.ReadSlice('\n')
		if err == nil || err == bufio.ErrBufferFull {
			if len(long)+len(frag) > max+2 { // +2: the CRLF is not content
				return "", errLineTooLong
			}
		}
		switch err {
		case nil:
			var line []byte
			if long == nil {
				line = frag
			} else {
				line = append(long, frag...)
			}
			line = bytes.TrimSuffix(line[:len(line)-1], []byte{'\r'})
			return string(line), nil
		case bufio.ErrBufferFull:
			long = append(long, frag...)
		case io.EOF:
			if len(long)+len(frag) == 0 {
				return "", io.EOF
			}
			return "", io.ErrUnexpectedEOF
		default:
			return "", err
		}
	}
}

// replyReader reads replies from a control connection within limits.
type replyReader struct {
	r        *bufio.Reader
	maxLine  int
	maxReply int
	onLine   func(string) // sees every line read, for the debug log
}

// read reads one complete reply, following continuation lines.
func (rr *replyReader) read() (*Reply, error) {
	first, err := rr.line()
	if err != nil {
		return nil, err
	}
	if len(first) < 3 || !isCode(first[:3]) || (len(first) > 3 && first[3] != ' ' && first[3] != '-') {
		return nil, protocolError("reply does not start with a code 1xx-5xx", first)
	}
	reply := &Reply{Code: parseCode(first[:3]), Lines: []string{first}}
	if len(first) == 3 || first[3] == ' ' {
		return reply, nil
	}
	// Multi-line: continue until a line that starts with the same code and
	// a space (or is just the code, which some servers send).
	size := len(first)
	prefix := first[:3]
	for {
		l, err := rr.line()
		if err != nil {
			return nil, err
		}
		size += len(l) + 1
		if size > rr.maxReply {
			return nil, protocolError(fmt.Sprintf("reply longer than %d bytes", rr.maxReply), first)
		}
		reply.Lines = append(reply.Lines, l)
		if strings.HasPrefix(l, prefix) && (len(l) == 3 || l[3] == ' ') {
			return reply, nil
		}
	}
}

func (rr *replyReader) line() (string, error) {
	l, err := readLimitedLine(rr.r, rr.maxLine)
	if err == errLineTooLong {
		return "", protocolError(fmt.Sprintf("reply line longer than %d bytes", rr.maxLine), "")
	}
	if err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return "", fmt.Errorf("ftp: server closed the connection: %w", err)
		}
		return "", err
	}
	if rr.onLine != nil {
		rr.onLine(l)
	}
	return l, nil
}
