// Package filemode reads the MODE argument of chmod: octal ("644",
// "0755") or symbolic ("u+x", "go-w", "a=rX,u+s") as POSIX chmod(1)
// defines it, and applies it to a file's current permissions.
//
// It knows nothing of servers or files: the caller finds the current mode
// (a symbolic mode needs it, an octal one does not) and sends the result.
package filemode

import (
	"fmt"
	"io/fs"
	"strconv"
	"strings"
)

// Mode is a parsed MODE argument.
type Mode struct {
	octal   bool
	bits    uint32 // the octal mode
	clauses []clause
	text    string
}

// clause is one comma-separated part of a symbolic mode: who, then
// operations ("ug+x-w").
type clause struct {
	who uint32 // mask of the classes named; none named means all (a server applies no umask to chmod)
	ops []op
}

type op struct {
	sign  byte   // '+', '-' or '='
	perms uint32 // permission bits for every class, before masking by who
	copy  byte   // 'u', 'g' or 'o' when the permissions are copied from a class
	bigX  bool   // X: execute if a directory or already executable by someone
}

const (
	whoU = 0o4700 // user bits and setuid
	whoG = 0o2070 // group bits and setgid
	whoO = 0o1007 // other bits and sticky
	whoA = whoU | whoG | whoO
)

// Parse reads an octal mode of at most four digits or a symbolic mode.
func Parse(s string) (Mode, error) {
	if s == "" {
		return Mode{}, fmt.Errorf("empty mode")
	}
	if strings.Trim(s, "01234567") == "" {
		if len(s) > 4 {
			return Mode{}, fmt.Errorf("mode %q: octal modes have at most four digits", s)
		}
		v, _ := strconv.ParseUint(s, 8, 32)
		return Mode{octal: true, bits: uint32(v), text: s}, nil
	}
	m := Mode{text: s}
	for _, part := range strings.Split(s, ",") {
		c, err := parseClause(part)
		if err != nil {
			return Mode{}, fmt.Errorf("mode %q: %v (use octal like 644 or symbolic like u+x,go-w)", s, err)
		}
		m.clauses = append(m.clauses, c)
	}
	return m, nil
}

func parseClause(s string) (clause, error) {
	var c clause
	i := 0
	for ; i < len(s); i++ {
		switch s[i] {
		case 'u':
			c.who |= whoU
		case 'g':
			c.who |= whoG
		case 'o':
			c.who |= whoO
		case 'a':
			c.who |= whoA
		default:
			goto ops
		}
	}
ops:
	if c.who == 0 {
		c.who = whoA
	}
	if i == len(s) {
		return c, fmt.Errorf("%q has no +, - or =", s)
	}
	for i < len(s) {
		o := op{sign: s[i]}
		if o.sign != '+' && o.sign != '-' && o.sign != '=' {
			return c, fmt.Errorf("%q: expected +, - or = at %q", s, s[i:])
		}
		i++
		if i < len(s) && strings.IndexByte("ugo", s[i]) >= 0 {
			o.copy = s[i]
			i++
		} else {
			for ; i < len(s) && strings.IndexByte("rwxXst", s[i]) >= 0; i++ {
				switch s[i] {
				case 'r':
					o.perms |= 0o444
				case 'w':
					o.perms |= 0o222
				case 'x':
					o.perms |= 0o111
				case 'X':
					o.bigX = true
				case 's':
					o.perms |= 0o6000
				case 't':
					o.perms |= 0o1000
				}
			}
		}
		if i < len(s) && strings.IndexByte("+-=", s[i]) < 0 {
			return c, fmt.Errorf("%q: unknown permission %q", s, s[i])
		}
		c.ops = append(c.ops, o)
	}
	return c, nil
}

// NeedsCurrent reports whether Apply depends on the current mode: true
// for every symbolic mode, false for an octal one.
func (m Mode) NeedsCurrent() bool { return !m.octal }

// String returns the mode as it was written.
func (m Mode) String() string { return m.text }

// Apply returns the mode that results from applying m to cur, the
// current permissions of a file (a directory when dir is set, which
// matters to X).
func (m Mode) Apply(cur fs.FileMode, dir bool) fs.FileMode {
	if m.octal {
		return fromBits(m.bits)
	}
	bits := toBits(cur)
	for _, c := range m.clauses {
		for _, o := range c.ops {
			p := o.perms
			if o.bigX && (dir || bits&0o111 != 0) {
				p |= 0o111
			}
			if o.copy != 0 {
				var v uint32
				switch o.copy {
				case 'u':
					v = bits >> 6 & 7
				case 'g':
					v = bits >> 3 & 7
				case 'o':
					v = bits & 7
				}
				p = v<<6 | v<<3 | v
			}
			p &= c.who
			switch o.sign {
			case '+':
				bits |= p
			case '-':
				bits &^= p
			case '=':
				bits = bits&^(c.who&0o777) | p
				if !dir { // chmod keeps a directory's set-id bits on =
					bits &^= c.who & 0o7000 &^ p
				}
			}
		}
	}
	return fromBits(bits)
}

// toBits turns permissions into the octal bits chmod speaks.
func toBits(m fs.FileMode) uint32 {
	b := uint32(m.Perm())
	if m&fs.ModeSetuid != 0 {
		b |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		b |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		b |= 0o1000
	}
	return b
}

func fromBits(b uint32) fs.FileMode {
	m := fs.FileMode(b & 0o777)
	if b&0o4000 != 0 {
		m |= fs.ModeSetuid
	}
	if b&0o2000 != 0 {
		m |= fs.ModeSetgid
	}
	if b&0o1000 != 0 {
		m |= fs.ModeSticky
	}
	return m
}

// Octal formats permissions as chmod's octal digits ("0644", "4755").
func Octal(m fs.FileMode) string { return fmt.Sprintf("%04o", toBits(m)) }
