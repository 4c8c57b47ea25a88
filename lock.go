package main

import (
	"errors"
	"fmt"

	"ferry/transfers"
)

// lockFolder makes sure one ferry at a time writes into a local folder
// (transfers.LockFolder), saying which one holds it when another does. It
// returns the function that releases it.
func lockFolder(dir string) (func(), error) {
	release, holder, err := transfers.LockFolder(dir)
	switch {
	case errors.Is(err, transfers.ErrLocked) && holder > 0:
		return nil, fmt.Errorf("another ferry (pid %d) is writing into %s; wait for it to finish", holder, dir)
	case errors.Is(err, transfers.ErrLocked):
		return nil, fmt.Errorf("another ferry is writing into %s; wait for it to finish", dir)
	case err != nil:
		return nil, fmt.Errorf("lock %s: %w", dir, err)
	}
	return release, nil
}
