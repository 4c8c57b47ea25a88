package main

import (
	"fmt"

	"ferry/secrets"
	"ferry/ui"
)

// keyring returns the OS keyring, made on first use; every call on it
// has a deadline, so a machine without one costs a warning, not a hang.
func (c *cli) keyring() *secrets.Keyring {
	c.keyringOnce.Do(func() { c.secrets = secrets.New() })
	return c.secrets
}

// keyringNote reports why a bookmark's keyring entry could not be read:
// on stderr for the verbs; for the file manager, whose screen is not ours
// to write on, it is kept for needPassword to show.
func (c *cli) keyringNote(bookmark, note string) {
	if c.queue == nil {
		fmt.Fprintf(c.stderr, "ferry: warning: %s; trying ~/.netrc and a prompt\n", note)
		return
	}
	c.keyringNotes.Store(bookmark, note)
}

// needPassword is the file manager's "ask for the password", carrying the
// reason a keyring entry did not serve, which the UI shows beside the
// prompt.
func (c *cli) needPassword(bookmark string) error {
	if n, ok := c.keyringNotes.LoadAndDelete(bookmark); ok && bookmark != "" {
		return fmt.Errorf("%w: %s", ui.ErrNeedPassword, n)
	}
	return ui.ErrNeedPassword
}
