package protocol

import (
	"fmt"
	"strings"
)

// logSent writes a command to the debug log, masking secrets.
func (c *Conn) logSent(line string) {
	if c.opts.Debug == nil || c.opts.DebugLevel < 1 {
		return
	}
	fmt.Fprintf(c.opts.Debug, "> %s\n", maskSecrets(line))
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
	fmt.Fprintf(c.opts.Debug, "< %s\n", line)
}

// logf writes an engine event (data connections, fallbacks) at level 2.
func (c *Conn) logf(format string, args ...any) {
	if c.opts.Debug == nil || c.opts.DebugLevel < 2 {
		return
	}
	fmt.Fprintf(c.opts.Debug, "* "+format+"\n", args...)
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
