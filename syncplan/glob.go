package syncplan

import (
	"bufio"
	"fmt"
	"io"
	"path"
	"strings"
)

// Rule is one --include or --exclude glob.
type Rule struct {
	Include bool
	Glob    string
	dirOnly bool     // the glob ended in "/": folders only
	parts   []string // the glob split at "/"; "**" is a part of its own
}

// Filter decides which paths a mirror considers. Rules are tried in the
// order given and the last one that matches decides, so a later
// --include can take back part of an earlier --exclude (as in
// .gitignore). A rule that matches a folder covers its contents. A path no rule matches is included, except a file when
// the first rule is an --include: then the rules name what to take
// (lftp's convention), and folders are still walked to find it.
//
// A glob is matched against the path relative to the mirror root,
// '/'-separated: '*', '?' and '[...]' match within one name, "**" matches
// any number of folders (none included), and a trailing '/' limits the
// glob to folders. A glob without a '/' (other than a trailing one)
// matches a name at any depth, as in rsync and .gitignore; "logs/*.txt"
// is anchored at the root.
type Filter struct {
	rules []Rule
}

// NewRule checks a glob and returns the rule for it.
func NewRule(glob string, include bool) (Rule, error) {
	r := Rule{Include: include, Glob: glob}
	g := glob
	if strings.HasSuffix(g, "/") {
		r.dirOnly = true
		g = strings.TrimRight(g, "/")
	}
	g = strings.TrimPrefix(g, "/")
	if g == "" {
		return Rule{}, fmt.Errorf("empty glob %q", glob)
	}
	if !strings.Contains(g, "/") {
		g = "**/" + g
	}
	r.parts = strings.Split(g, "/")
	for _, p := range r.parts {
		if p == "" {
			return Rule{}, fmt.Errorf("glob %q has an empty path element", glob)
		}
		if p == "**" {
			continue
		}
		if _, err := path.Match(p, ""); err != nil {
			return Rule{}, fmt.Errorf("glob %q: %w", glob, err)
		}
	}
	return r, nil
}

// Add appends a rule.
func (f *Filter) Add(r Rule) { f.rules = append(f.rules, r) }

// Empty reports whether the filter has no rules (everything is included).
func (f *Filter) Empty() bool { return f == nil || len(f.rules) == 0 }

// ReadExcludes adds an exclude rule for every line of r: one glob a line,
// blank lines and lines starting with '#' ignored. name is used in errors.
func (f *Filter) ReadExcludes(r io.Reader, name string) error {
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rule, err := NewRule(line, false)
		if err != nil {
			return fmt.Errorf("%s:%d: %w", name, n, err)
		}
		f.Add(rule)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Excluded reports whether rel (relative to the mirror root,
// '/'-separated) is left out; dir says whether it is a folder. A rule
// that matches a folder also matches everything in it, and an excluded
// folder is still walked when an include rule could match something
// inside it ("--exclude 'docs/**' --include docs/guide/").
func (f *Filter) Excluded(rel string, dir bool) bool {
	if f.Empty() {
		return false
	}
	excluded := !dir && f.rules[0].Include
	parts := strings.Split(rel, "/")
	for i := range f.rules {
		if f.rules[i].matches(parts, dir) {
			excluded = !f.rules[i].Include
		}
	}
	if excluded && dir {
		for i := range f.rules {
			if f.rules[i].Include && matchPrefix(f.rules[i].parts, parts) {
				return false
			}
		}
	}
	return excluded
}

// matches reports whether the rule matches the path or one of the
// folders it is in.
func (r *Rule) matches(parts []string, dir bool) bool {
	if (dir || !r.dirOnly) && matchParts(r.parts, parts) {
		return true
	}
	for k := 1; k < len(parts); k++ {
		if matchParts(r.parts, parts[:k]) {
			return true
		}
	}
	return false
}

// matchPrefix reports whether name could be the leading folders of a
// path the split glob matches.
func matchPrefix(glob, name []string) bool {
	for ; len(name) > 0; glob, name = glob[1:], name[1:] {
		if len(glob) == 0 {
			return false
		}
		if glob[0] == "**" {
			return true
		}
		if ok, _ := path.Match(glob[0], name[0]); !ok {
			return false
		}
	}
	return len(glob) > 0
}

// matchParts matches a split glob against a split path; "**" matches any
// number of elements.
func matchParts(glob, name []string) bool {
	for len(glob) > 0 {
		if glob[0] == "**" {
			rest := glob[1:]
			for i := 0; i <= len(name); i++ {
				if matchParts(rest, name[i:]) {
					return true
				}
			}
			return false
		}
		if len(name) == 0 {
			return false
		}
		if ok, _ := path.Match(glob[0], name[0]); !ok {
			return false
		}
		glob, name = glob[1:], name[1:]
	}
	return len(name) == 0
}
