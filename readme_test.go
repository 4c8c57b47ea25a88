package main

import (
	"os"
	"strings"
	"testing"
)

// TestReadmeNamesEveryVerbAndFlag: README's tables are written by hand,
// so this keeps them from falling behind the verb and flag tables.
func TestReadmeNamesEveryVerbAndFlag(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	for _, v := range verbTable() {
		if !strings.Contains(readme, "ferry "+v.Name) && !strings.Contains(readme, "`"+v.Name+" ") {
			t.Errorf("README does not show the verb %s", v.Name)
		}
	}
	lines := strings.Split(readme, "\n")
	for _, f := range flagTable() {
		found := false
		for _, n := range f.Names {
			for _, l := range lines {
				mentioned := strings.Contains(l, flagSpelling(n)+" ") || strings.Contains(l, flagSpelling(n)+"`")
				// A one-letter flag counts only on a line naming a verb
				// that takes it.
				if mentioned && len(n) == 1 {
					mentioned = false
					for _, v := range f.Verbs {
						mentioned = mentioned || (v != "" && (strings.Contains(l, "ferry "+v) || strings.Contains(l, "`"+v+" ")))
					}
				}
				found = found || mentioned
			}
		}
		if !found {
			t.Errorf("README does not mention %s", flagUsage(f))
		}
	}
}
