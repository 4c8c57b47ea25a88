package protocol

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"
	"time"
)

// ErrFXPUnavailable: the two servers cannot copy to each other directly
// (a refused PORT or PASV, no SSCN for a protected data connection, data
// protection that differs on the two sides, IPv6 without EPSV on one).
// The caller copies through itself instead.
var ErrFXPUnavailable = errors.New("ftp: server-to-server copy (FXP) not possible")

// fxpMinRate bounds the wait for a server-to-server copy to end: the data
// never passes through this client, so there is nothing to watch but the
// clock; a copy slower than this (after the usual timeout) is given up.
const fxpMinRate = 64 << 10 // bytes per second

// FXP copies srcPath on src to dstPath on dst directly between the two
// servers: one of them listens (PASV) and the other connects to it (PORT),
// so the data never passes through this client. size (or -1) is the
// source's size, which bounds the wait for the copy to end; offset > 0
// resumes (REST on both sides).
//
// With protected data connections (PROT P) the connecting server must act
// as the TLS client, which it does after SSCN ON; FXP is refused with
// ErrFXPUnavailable when neither server offers SSCN, when the two sides'
// data protection differs, or when a server refuses PORT or PASV. Nothing
// has been transferred then, and both connections stay usable.
func FXP(ctx context.Context, src, dst *Conn, srcPath, dstPath string, size, offset int64) error {
	for _, c := range []*Conn{src, dst} {
		if err := c.usable(); err != nil {
			return err
		}
		if c.busy {
			return ErrBusy
		}
	}
	if err := checkLine(srcPath); err != nil {
		return err
	}
	if err := checkLine(dstPath); err != nil {
		return err
	}
	if src.protected != dst.protected {
		return fmt.Errorf("%w: data is encrypted on one server and not on the other", ErrFXPUnavailable)
	}
	// The listener is the source unless only the source can act as a
	// TLS client (SSCN).
	listener, connector := src, dst
	if src.protected {
		switch {
		case dst.HasFeature("SSCN"):
		case src.HasFeature("SSCN"):
			listener, connector = dst, src
		default:
			return fmt.Errorf("%w: neither server offers SSCN, which encrypted server-to-server copies need", ErrFXPUnavailable)
		}
	}
	for _, c := range []*Conn{src, dst} {
		if err := c.Type(ctx, "I"); err != nil {
			return err
		}
	}
	if listener.protected {
		if _, err := connector.cmd(ctx, 2, "SSCN ON"); err != nil {
			return fmt.Errorf("%w: SSCN: %w", ErrFXPUnavailable, err)
		}
		defer func() {
			// Back to the default for this client's own transfers.
			connector.cmd(context.WithoutCancel(ctx), 0, "SSCN OFF")
		}()
	}
	host, port, err := listener.passiveAddr(ctx)
	if err != nil {
		return err
	}
	var portCmd string
	if ip4 := host.To4(); ip4 != nil {
		portCmd = fmt.Sprintf("PORT %d,%d,%d,%d,%d,%d", ip4[0], ip4[1], ip4[2], ip4[3], port>>8, port&0xff)
	} else {
		portCmd = fmt.Sprintf("EPRT |2|%s|%d|", host, port)
	}
	if _, err := connector.cmd(ctx, 2, portCmd); err != nil {
		listener.cmd(ctx, 0, "ABOR") // drop the passive port it opened
		if errors.Is(err, ErrPermanent) {
			return fmt.Errorf("%w: %w", ErrFXPUnavailable, err)
		}
		return err
	}
	if offset > 0 {
		for _, c := range []*Conn{src, dst} {
			if _, err := c.cmd(ctx, CodePendingFurtherInfo, "REST "+strconv.FormatInt(offset, 10)); err != nil {
				return err
			}
		}
	}
	// Both commands go out, the listener's first, before either reply is
	// read: the listener's preliminary reply may wait for the connection
	// the other makes.
	lines := map[*Conn]string{src: "RETR " + srcPath, dst: "STOR " + dstPath}
	wait := src.timeout + time.Duration(max(size-offset, 0)/fxpMinRate)*time.Second
	for _, c := range []*Conn{listener, connector} {
		if err := c.writeLine(ctx, lines[c]); err != nil {
			return err
		}
	}
	results := make(chan error, 2)
	for _, c := range []*Conn{listener, connector} {
		go func() { results <- c.remoteReplies(ctx, commandVerb(lines[c]), wait) }()
	}
	first := <-results
	if first != nil {
		// One side refused (vsftpd's 522 for a data connection that did
		// not resume its TLS session, say): the other waits for a peer
		// that will not come. It gets a moment to say so, then its wait
		// ends, leaving that connection out of step.
		for _, c := range []*Conn{listener, connector} {
			c.raw.SetReadDeadline(time.Now().Add(min(c.timeout, fxpGiveUp)))
		}
	}
	return errors.Join(first, <-results)
}

// fxpGiveUp bounds the wait for the other side once one side of a
// server-to-server copy failed.
const fxpGiveUp = 2 * time.Second

// passiveAddr asks the server for a passive port for another server to
// connect to, and returns the address to give that server: the control
// connection's peer (as for this client's own data connections, so a
// hostile reply cannot aim the other server at a third host) unless
// TrustPASVAddress is set.
func (c *Conn) passiveAddr(ctx context.Context) (net.IP, int, error) {
	host := c.peerIP
	if host == nil {
		return nil, 0, fmt.Errorf("%w: the server's address is unknown", ErrFXPUnavailable)
	}
	if host.To4() == nil { // IPv6 has no PASV
		r, err := c.cmd(ctx, 0, "EPSV")
		if err != nil {
			return nil, 0, err
		}
		if r.Code != CodeExtendedPassive {
			return nil, 0, fmt.Errorf("%w: %w", ErrFXPUnavailable, replyError("EPSV", r))
		}
		port, err := parseEPSV(r.Text())
		return host, port, err
	}
	r, err := c.cmd(ctx, 0, "PASV")
	if err != nil {
		return nil, 0, err
	}
	if r.Code != CodePassive {
		return nil, 0, fmt.Errorf("%w: %w", ErrFXPUnavailable, replyError("PASV", r))
	}
	ip, port, err := parsePASV(r.Text())
	if err != nil {
		return nil, 0, err
	}
	if c.opts.TrustPASVAddress {
		host = ip
	}
	return host, port, nil
}

// remoteReplies reads the replies to a transfer command whose data
// connection is between this server and another: the preliminary one
// within the usual timeout, the final one within wait.
func (c *Conn) remoteReplies(ctx context.Context, verb string, wait time.Duration) error {
	c.raw.SetDeadline(time.Now().Add(c.timeout))
	stop := context.AfterFunc(ctx, func() { c.raw.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	r, err := c.readReply(ctx)
	if err != nil {
		return err
	}
	switch codeClass(r.Code) {
	case ClassPreliminary:
	case ClassCompletion:
		return nil
	default:
		return replyError(verb, r)
	}
	c.raw.SetDeadline(time.Now().Add(wait))
	r, err = c.readReply(ctx)
	if err != nil {
		return err
	}
	if codeClass(r.Code) != ClassCompletion {
		return replyError(verb, r)
	}
	return nil
}
