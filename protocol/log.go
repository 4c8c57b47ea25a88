package protocol

import (
	"fmt"
	"strings"

	"ferry/internal/safe"
)

// Every line of the debug log starts with one of these, so a reader (the
// UI's log panel) can tell the sides apart without guessing. What follows
// is escaped (safe.Line): replies, and the file names in commands, are the
// server's text, and the log is shown on terminals (--debug on stderr,
// the log panel) and read with less or cat.
const (
	LogSent     = "> " // a command ferry sent (secrets masked)
	LogReceived = "< " // a reply line from the server
	LogEvent    = "* " // an engine event (data connections, fallbacks)
)

// logSent writes a command to the debug log, masking secrets.
func (c *Conn) logSent(line string) {
	if c.opts.Debug == nil || c.opts.DebugLevel < 1 {
		return
	}
	fmt.Fprint(c.opts.Debug, LogSent, safe.Line(maskSecrets(line)), "\n")
}

// logReceived writes a reply line to the debug log: at level 1 only lines
// that start a reply, at level 2 and above every line.
func (c *Conn) logReceived(line string) {
	if c.opts.Debug == nil || c.opts.DebugLevel < 1 {
		return
	}
	if c.opts.DebugLevel < 2 && !(len(line) >= 3 && isCode(line[:3])) {
		return
	}
	fmt.Fprint(c.opts.Debug, LogReceived, safe.Line(line), "\n")
}

// logf writes an engine event (data connections, fallbacks) at level 2.
func (c *Conn) logf(format string, args ...any) {
	if c.opts.Debug == nil || c.opts.DebugLevel < 2 {
		return
	}
	fmt.Fprint(c.opts.Debug, LogEvent, safe.Line(fmt.Sprintf(format, args...)), "\n")
}

// maskSecrets hides the argument of commands that carry a secret.
func maskSecrets(line string) string {
	verb := commandVerb(line)
	if verb == "PASS" || verb == "ACCT" {
		return verb + " ****"
	}
	return line
}

// MaskSecrets returns a command line as it may be shown to a user or
// written to a log: the arguments of PASS and ACCT are replaced by stars.
func MaskSecrets(line string) string { return maskSecrets(strings.TrimRight(line, "\r\n")) }
