package ftptest

import (
	"errors"
	"os/exec"
	"time"
)

// Restart kills the server and all its sessions, as a crash or a reboot
// would, and starts it again with the same configuration, port, root and
// user; files under Root stay. Clients see their connections drop and
// can reconnect once Restart returns. It is for tests of what a client
// does when a server goes away in the middle of a transfer.
func (s *Server) Restart() error {
	p := s.proc
	if p == nil {
		return errors.New("ftptest: Restart of a stopped server")
	}
	old := p.cmd
	s.kill()
	cmd := exec.Command(old.Path, old.Args[1:]...)
	cmd.Env, cmd.Dir = old.Env, old.Dir
	if err := s.launch(cmd); err != nil {
		return err
	}
	return s.waitReady(time.Now().Add(readyTimeout))
}
