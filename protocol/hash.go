package protocol

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"strings"
)

// Digest is a hash of a file that the server computed.
type Digest struct {
	Algo    string // as HASH names it: "SHA-256", "SHA-512", "SHA-1", "MD5", "CRC32"
	Sum     []byte
	Command string // the command that asked for it: "HASH", "XSHA256", ...
}

func (d Digest) String() string {
	return fmt.Sprintf("%s %s (%s)", d.Algo, hex.EncodeToString(d.Sum), d.Command)
}

// Equal reports whether sum is the digest's value.
func (d Digest) Equal(sum []byte) bool { return bytes.Equal(d.Sum, sum) }

// ErrNoHash: the server offers none of the hash commands the engine knows.
var ErrNoHash = errors.New("ftp: the server offers no hash command (HASH, XSHA256, XSHA1, XMD5, XCRC)")

// hashChoice is one way to ask for a file's hash, in order of preference.
type hashChoice struct {
	algo    string // HASH's name for it
	command string // the legacy command, when the server lacks HASH
}

var hashChoices = []hashChoice{
	{"SHA-256", "XSHA256"},
	{"SHA-512", "XSHA512"},
	{"SHA-1", "XSHA1"},
	{"MD5", "XMD5"},
	{"CRC32", "XCRC"},
}

// HashMethod returns how Hash would ask for a file's hash on this
// connection: the algorithm (as Digest.Algo names it) and the command
// ("HASH", or "XSHA256" and the like), or "", "" when the server (by FEAT)
// offers no way the engine knows.
func (c *Conn) HashMethod() (algo, command string) {
	if algo := c.hashAlgo(); algo != "" {
		return algo, "HASH"
	}
	for _, h := range hashChoices {
		if c.HasFeature(h.command) {
			return h.algo, h.command
		}
	}
	return "", ""
}

// hashAlgo returns the strongest algorithm FEAT HASH lists that the engine
// can compute, or "".
func (c *Conn) hashAlgo() string {
	if !c.HasFeature("HASH") {
		return ""
	}
	offered := strings.Split(strings.ToUpper(c.features["HASH"]), ";")
	for _, h := range hashChoices {
		for _, o := range offered {
			if strings.TrimSuffix(strings.TrimSpace(o), "*") == h.algo {
				return h.algo
			}
		}
	}
	return ""
}

// Hash asks the server for the hash of a whole file: with HASH
// (draft-bryan-ftpext-hash), choosing the strongest algorithm offered with
// OPTS HASH, or else with the oldest commands (XSHA256, XSHA512, XSHA1,
// XMD5, XCRC). It fails with ErrNoHash when the server offers none.
func (c *Conn) Hash(ctx context.Context, path string) (Digest, error) {
	if err := checkLine(path); err != nil {
		return Digest{}, err
	}
	lines, read := c.HashRequest(path)
	if lines == nil {
		return read(nil)
	}
	var replies []*Reply
	for _, l := range lines {
		r, err := c.cmd(ctx, 0, l)
		if err != nil {
			return Digest{}, err
		}
		replies = append(replies, r)
		if codeClass(r.Code) != ClassCompletion {
			break // OPTS HASH refused: HASH is not sent
		}
	}
	return read(replies)
}

// HashRequest returns the commands that ask for path's hash, to send in
// a Batch or ahead of a transfer (StartTransferBatch), and the function
// that reads the Digest from their replies, in order (an *Error for a
// refusal). Without a hash command (see HashMethod) lines is nil and read
// returns ErrNoHash.
func (c *Conn) HashRequest(path string) (lines []string, read func([]*Reply) (Digest, error)) {
	if algo := c.hashAlgo(); algo != "" {
		if c.hashSelected != algo {
			lines = append(lines, "OPTS HASH "+algo)
		}
		lines = append(lines, "HASH "+path)
		opts := len(lines) == 2
		return lines, func(replies []*Reply) (Digest, error) {
			if opts {
				if len(replies) == 0 {
					return Digest{}, protocolError("no reply to OPTS HASH", "")
				}
				if err := replies[0].Check("OPTS", 2); err != nil {
					return Digest{}, err
				}
				c.hashSelected = algo
				replies = replies[1:]
			}
			if len(replies) == 0 {
				return Digest{}, protocolError("no reply to HASH", "")
			}
			r := replies[0]
			if err := r.Check("HASH", 2); err != nil {
				return Digest{}, err
			}
			// "213 SHA-256 0-49 <hex> <name>": the last line carries it.
			f := strings.Fields(lastLine(r))
			if len(f) < 3 || !strings.EqualFold(f[0], algo) {
				return Digest{}, protocolError("malformed HASH reply", r.String())
			}
			sum, err := hex.DecodeString(f[2])
			if err != nil || len(sum) != NewHash(algo).Size() {
				return Digest{}, protocolError("malformed HASH reply", r.String())
			}
			return Digest{Algo: algo, Sum: sum, Command: "HASH"}, nil
		}
	}
	for _, h := range hashChoices {
		if !c.HasFeature(h.command) {
			continue
		}
		return []string{h.command + " " + path}, func(replies []*Reply) (Digest, error) {
			if len(replies) == 0 {
				return Digest{}, protocolError("no reply to "+h.command, "")
			}
			r := replies[0]
			if err := r.Check(h.command, 2); err != nil {
				return Digest{}, err
			}
			// "250 <HEX>", sometimes followed by the name.
			f := strings.Fields(lastLine(r))
			if len(f) < 1 {
				return Digest{}, protocolError("malformed "+h.command+" reply", r.String())
			}
			sum, err := hex.DecodeString(f[0])
			if err != nil || len(sum) != NewHash(h.algo).Size() {
				return Digest{}, protocolError("malformed "+h.command+" reply", r.String())
			}
			return Digest{Algo: h.algo, Sum: sum, Command: h.command}, nil
		}
	}
	return nil, func([]*Reply) (Digest, error) { return Digest{}, ErrNoHash }
}

// lastLine returns a reply's last line without its code.
func lastLine(r *Reply) string {
	if len(r.Lines) == 0 {
		return ""
	}
	l := r.Lines[len(r.Lines)-1]
	if len(l) >= 4 {
		return l[4:]
	}
	return ""
}

// NewHash returns a hash.Hash for an algorithm as Digest.Algo names it,
// so the client can compute what the server did; nil for an unknown name.
func NewHash(algo string) hash.Hash {
	switch strings.ToUpper(algo) {
	case "SHA-256":
		return sha256.New()
	case "SHA-512":
		return sha512.New()
	case "SHA-1":
		return sha1.New()
	case "MD5":
		return md5.New()
	case "CRC32":
		return crc32.NewIEEE()
	}
	return nil
}

// Note writes an event to the debug log at level 1, for what a caller of
// the engine checked on this connection (which hash verified a file, say).
func (c *Conn) Note(format string, args ...any) {
	if c.opts.Debug == nil || c.opts.DebugLevel < 1 {
		return
	}
	fmt.Fprint(c.opts.Debug, LogEvent, fmt.Sprintf(format, args...), "\n")
}
