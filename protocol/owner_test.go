package protocol_test

import (
	"os"
	"syscall"
	"testing"
)

// ownerOf returns a file's uid and gid, to give a symlink the same owner.
func ownerOf(t *testing.T, path string) (int, int) {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	sys := st.Sys().(*syscall.Stat_t)
	return int(sys.Uid), int(sys.Gid)
}
