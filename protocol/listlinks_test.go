package protocol_test

import (
	"context"
	"os"
	"slices"
	"testing"

	"ferry/protocol/ftptest"
	"ferry/protocol/listing"
)

// TestListLinksFuncShowsLinksAsLinksOnEveryServer: where MLSD reports
// what a link points to (pyftpdlib), LIST still shows the link itself,
// so a walk that must not follow links can tell them apart; dot-files
// are listed and a path with a folder in it works on every server.
func TestListLinksFuncShowsLinksAsLinksOnEveryServer(t *testing.T) {
	for _, kind := range ftptest.AllKinds {
		t.Run(string(kind), func(t *testing.T) {
			s := ftptest.Start(t, kind, ftptest.Options{})
			s.WriteFile(t, "top/target/inside.txt", []byte("x"))
			s.WriteFile(t, "top/.dot", []byte("."))
			if err := os.Symlink("target", s.Path("top/link")); err != nil {
				t.Fatal(err)
			}
			c := dial(t, s, modesFor(s)[0])
			ctx := context.Background()
			for range 2 { // the second time with what the connection learned about -a
				var got []string
				_, err := c.ListLinksFunc(ctx, "top", func(e *listing.Entry) error {
					got = append(got, e.Kind.String()+" "+e.Name)
					return nil
				})
				if err != nil {
					t.Fatal(err)
				}
				slices.Sort(got)
				if want := []string{"dir target", "file .dot", "symlink link"}; !slices.Equal(got, want) {
					t.Fatalf("got %q, want %q", got, want)
				}
			}
			if _, err := c.ListLinksFunc(ctx, "top/missing", func(*listing.Entry) error { return nil }); err == nil {
				t.Error("a missing folder listed without an error")
			}
		})
	}
}
