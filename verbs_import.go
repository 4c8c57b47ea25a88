package main

import (
	"fmt"
	"os"

	"ferry/bookmarks"
)

// importBookmarks is "ferry bookmarks import [--dry-run] [--passwords
// keyring|file|drop] FILE": it adds the sites of FileZilla's
// sitemanager.xml or lftp's bookmarks file to bookmarks.toml. Names in
// use are kept and reported; passwords go to the OS keyring (or are
// dropped with a note when there is none), into bookmarks.toml only with
// --passwords file.
func (c *cli) importBookmarks(args []string) error {
	pos, err := parseArgs(c.flags("bookmarks import"), args)
	dryRun, passwords := &c.opt.dryRun, &c.opt.passwords // rows of flagTable
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("bookmarks import takes one file: FileZilla's sitemanager.xml or lftp's bookmarks")
	}
	var storage bookmarks.Storage
	switch *passwords {
	case "keyring":
		storage = bookmarks.SaveKeyring
	case "file":
		storage = bookmarks.SaveFile
	case "drop":
		storage = bookmarks.DontSave
	default:
		return usagef("--passwords must be keyring, file or drop, not %q", *passwords)
	}
	in, err := os.Open(pos[0])
	if err != nil {
		return err
	}
	found, err := bookmarks.ParseImport(in)
	in.Close()
	if err != nil {
		return fmt.Errorf("%s: %w", pos[0], err)
	}
	f, err := c.loadBookmarks()
	if err != nil {
		return err
	}
	res, err := f.Import(found.Bookmarks, storage, *dryRun)
	verb := "added"
	if *dryRun {
		verb = "would add"
	}
	for _, b := range res.Added {
		where := ""
		switch {
		case b.Keyring != "":
			where = "  (password in the OS keyring)"
		case b.Password != "":
			where = "  (password in bookmarks.toml)"
		}
		fmt.Fprintf(c.stdout, "%s\t%s\t%s%s\n", verb, b.Name, b.URL(), where)
	}
	for _, name := range res.Kept {
		fmt.Fprintf(c.stdout, "kept\t%s\t(a bookmark with this name exists; not changed)\n", name)
	}
	for _, n := range append(found.Notes, res.Notes...) {
		fmt.Fprintf(c.stderr, "ferry: note: %s\n", n)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "ferry: %s bookmarks: %d %s, %d kept, into %s\n", found.Format, len(res.Added), verb, len(res.Kept), f.Path())
	return nil
}
