package main

import "ferry/secrets"

// keyring returns the OS keyring, made on first use; every call on it
// has a deadline, so a machine without one costs a warning, not a hang.
func (c *cli) keyring() *secrets.Keyring {
	c.keyringOnce.Do(func() { c.secrets = secrets.New() })
	return c.secrets
}
