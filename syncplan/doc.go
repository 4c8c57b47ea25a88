// Package syncplan compares two folder trees and says what would make the
// target match the source: which folders to create, which files to copy
// and why (new, newer, size differs, checksum differs), what to delete,
// and what it leaves alone and why. The plan is data: the mirror verb
// prints it (--dry-run, in a stable text format or as JSON lines) or runs
// it through the transfer queue, and the file manager shows it in its
// sync dialog. The same comparison marks entries in the panes.
//
// The two trees come through the small Side interface, so a local folder
// and a server folder (a protocol connection) both work, in either
// direction. The walk goes folder by folder, both sides at once, and
// keeps one folder's entries per level, never the whole tree: a server
// listing streams through the parser one entry at a time.
//
// The package knows the protocol engine's listing types; it knows
// nothing of the transfer queue, terminals or key bindings, and it never
// changes either side.
package syncplan
