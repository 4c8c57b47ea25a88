package ftptest

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// A server's session processes may leave its process group: vsftpd calls
// setsid for every session. So stopping walks the process tree under
// /proc instead, and ends the sessions before their listener, so that the
// listener reaps them (in some containers, PID 1 reaps nothing and orphans
// would stay zombies).

// procID identifies a process across pid reuse.
type procID struct {
	pid   int
	start string // start time, field 22 of /proc/PID/stat
}

// procStat returns the parent, the state and the start time of pid.
func procStat(pid int) (ppid int, state byte, start string, ok bool) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, 0, "", false
	}
	// The command name, field 2, is in parentheses and may hold anything.
	s := string(data)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, 0, "", false
	}
	f := strings.Fields(s[i+1:]) // f[0] is field 3
	if len(f) < 20 {
		return 0, 0, "", false
	}
	ppid, _ = strconv.Atoi(f[1])
	return ppid, f[0][0], f[19], true
}

// proc is a process in a tree.
type proc struct {
	procID
	ppid int
}

// descendants lists the live descendants of pid, parents before children.
func descendants(pid int) []proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	children := map[int][]proc{}
	for _, e := range entries {
		p, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		ppid, state, start, ok := procStat(p)
		if !ok || state == 'Z' {
			continue
		}
		children[ppid] = append(children[ppid], proc{procID{p, start}, ppid})
	}
	var out []proc
	queue := []int{pid}
	for len(queue) > 0 {
		p := queue[0]
		queue = queue[1:]
		for _, c := range children[p] {
			out = append(out, c)
			queue = append(queue, c.pid)
		}
	}
	return out
}

// alive reports whether p still runs (and is not a zombie).
func (p procID) alive() bool {
	_, state, start, ok := procStat(p.pid)
	return ok && start == p.start && state != 'Z'
}

// dead reports whether p has ended, reaped or not.
func (p procID) dead() bool { return !p.alive() }

// reaped reports whether p is gone, zombie included.
func (p procID) reaped() bool {
	_, _, start, ok := procStat(p.pid)
	return !ok || start != p.start
}

func (p procID) signal(sig syscall.Signal) {
	if p.alive() {
		syscall.Kill(p.pid, sig)
	}
}

// endSessions ends the descendants of pid, leaves first: SIGTERM, SIGKILL
// for those still alive after a moment, and a moment more for their parent
// to reap them, so that the parent's turn comes after. Zombies whose parent
// does not reap them are left to go with their parent.
func endSessions(pid int, timeout time.Duration) {
	const moment = 100 * time.Millisecond
	start := time.Now()
	for time.Since(start) < timeout {
		ps := descendants(pid)
		if len(ps) == 0 {
			return
		}
		parents := map[int]bool{}
		for _, p := range ps {
			parents[p.ppid] = true
		}
		var leaves []procID
		for _, p := range ps {
			if !parents[p.pid] {
				leaves = append(leaves, p.procID)
				p.signal(syscall.SIGTERM)
			}
		}
		if !waitFor(leaves, procID.dead, moment) {
			for _, l := range leaves {
				l.signal(syscall.SIGKILL)
			}
			waitFor(leaves, procID.dead, moment)
		}
		waitFor(leaves, procID.reaped, moment)
	}
	for _, p := range descendants(pid) {
		p.signal(syscall.SIGKILL)
	}
}

// waitFor waits until cond holds for all of ps, or the timeout.
func waitFor(ps []procID, cond func(procID) bool, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for {
		ok := true
		for _, p := range ps {
			if !cond(p) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(2 * time.Millisecond)
	}
}
