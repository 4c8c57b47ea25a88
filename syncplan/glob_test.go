package syncplan

import (
	"strings"
	"testing"
)

func TestFilterMatchesGlobsWithDoubleStarAndFolderOnlySlash(t *testing.T) {
	type rule struct {
		glob    string
		include bool
	}
	tests := []struct {
		name  string
		rules []rule
		path  string
		dir   bool
		want  bool // excluded
	}{
		{"no rules include everything", nil, "a/b.txt", false, false},
		{"a glob without a slash matches a name at any depth", []rule{{"*.log", false}}, "x/y/z.log", false, true},
		{"star stays within one name", []rule{{"a/*.log", false}}, "a/b/c.log", false, false},
		{"anchored glob matches at the root", []rule{{"a/*.log", false}}, "a/c.log", false, true},
		{"double star matches no folder", []rule{{"a/**/c.log", false}}, "a/c.log", false, true},
		{"double star matches many folders", []rule{{"a/**/c.log", false}}, "a/x/y/c.log", false, true},
		{"trailing double star takes a whole folder", []rule{{"build/**", false}}, "build", true, true},
		{"folder-only glob leaves a file of that name", []rule{{"cache/", false}}, "cache", false, false},
		{"folder-only glob takes the folder", []rule{{"cache/", false}}, "x/cache", true, true},
		{"a later include takes back an exclude", []rule{{"*.log", false}, {"keep.log", true}}, "d/keep.log", false, false},
		{"a first include leaves other files out", []rule{{"**/*.html", true}}, "d/style.css", false, true},
		{"a first include keeps matching files", []rule{{"**/*.html", true}}, "d/e/index.html", false, false},
		{"a first include still walks folders", []rule{{"**/*.html", true}}, "d", true, false},
		{"leading slash anchors", []rule{{"/top.txt", false}}, "top.txt", false, true},
		{"an excluded folder's contents are excluded", []rule{{"build/", false}}, "build/x/y.o", false, true},
		{"an included folder takes back its contents", []rule{{"docs/**", false}, {"docs/guide/", true}}, "docs/guide/a.html", false, false},
		{"an excluded folder is walked for an include inside it", []rule{{"docs/**", false}, {"docs/guide/", true}}, "docs", true, false},
		{"siblings of the include stay excluded", []rule{{"docs/**", false}, {"docs/guide/", true}}, "docs/cache", false, true},
		{"an excluded folder no include reaches is not walked", []rule{{"docs/**", false}, {"docs/guide/", true}}, "docs/cache", true, true},
		{"character class", []rule{{"img[0-9].png", false}}, "img7.png", false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f Filter
			for _, r := range tt.rules {
				rr, err := NewRule(r.glob, r.include)
				if err != nil {
					t.Fatal(err)
				}
				f.Add(rr)
			}
			if got := f.Excluded(tt.path, tt.dir); got != tt.want {
				t.Errorf("Excluded(%q, dir=%v) = %v, want %v", tt.path, tt.dir, got, tt.want)
			}
		})
	}
}

func TestNewRuleRefusesBadGlobs(t *testing.T) {
	for _, g := range []string{"", "/", "a//b", "[x"} {
		if _, err := NewRule(g, false); err == nil {
			t.Errorf("NewRule(%q) accepted", g)
		}
	}
}

func TestReadExcludesSkipsCommentsAndBlankLinesAndNamesTheBadLine(t *testing.T) {
	var f Filter
	if err := f.ReadExcludes(strings.NewReader("# comment\n\n*.tmp\n  node_modules/  \n"), "ex.txt"); err != nil {
		t.Fatal(err)
	}
	if !f.Excluded("a/b.tmp", false) || !f.Excluded("node_modules", true) || f.Excluded("a.txt", false) {
		t.Errorf("rules read wrongly: %+v", f.rules)
	}
	err := f.ReadExcludes(strings.NewReader("ok\n[bad\n"), "ex.txt")
	if err == nil || !strings.Contains(err.Error(), "ex.txt:2") {
		t.Errorf("bad line: %v, want ex.txt:2", err)
	}
}
