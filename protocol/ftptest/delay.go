package ftptest

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// ProxyHost is the loopback address delay proxies listen on. The test
// certificate names it too, so TLS clients verify a proxied server as
// they verify the server itself.
const ProxyHost = "127.0.0.2"

// DelayProxy stands in front of a Server with a one-way delay on every
// byte, in both directions, so that loopback behaves like a link with a
// round-trip time of twice Delay. It listens on ProxyHost at the server's
// control port and at every port of its passive range: a client that
// connects its passive data connections to the control peer's address
// (as ferry does, and lftp and curl can be told to) goes through the
// proxy for data too. It models what a round trip costs: a connection is
// usable by the client one round trip after it connects (the SYN and
// SYN-ACK), and the server sees it half a round trip later. Bandwidth is
// not limited beyond a bounded queue per direction.
//
// This kernel has no netem; the proxy is the portable way to measure how
// many round trips a transfer costs.
type DelayProxy struct {
	// Addr is the proxied control address, "127.0.0.2:port".
	Addr string
	// Delay is the one-way delay; the round-trip time is twice it.
	Delay time.Duration

	lns    []net.Listener
	wg     sync.WaitGroup
	mu     sync.Mutex
	conns  map[net.Conn]struct{}
	closed bool

	accepted atomic.Int64
}

// proxyQueue bounds each direction's bytes in flight: chunks of up to
// proxyChunk bytes, at most proxyQueue of them.
const (
	proxyChunk = 32 << 10
	proxyQueue = 128
)

// StartDelayProxy starts a DelayProxy in front of s with the given
// one-way delay and closes it when the test ends.
func StartDelayProxy(t testing.TB, s *Server, oneWay time.Duration) *DelayProxy {
	t.Helper()
	p, err := s.NewDelayProxy(oneWay)
	if err != nil {
		t.Fatalf("ftptest: delay proxy: %v", err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// NewDelayProxy starts a DelayProxy in front of s. Close it when done.
// Only servers on 127.0.0.1 can be proxied.
func (s *Server) NewDelayProxy(oneWay time.Duration) (*DelayProxy, error) {
	if s.host != "127.0.0.1" || s.ports == nil {
		return nil, errors.New("only a server on 127.0.0.1 can be proxied")
	}
	p := &DelayProxy{
		Addr:  net.JoinHostPort(ProxyHost, strconv.Itoa(s.ports.control)),
		Delay: oneWay,
		conns: make(map[net.Conn]struct{}),
	}
	ports := []int{s.ports.control}
	for port := s.ports.pasvLow; port <= s.ports.pasvHigh; port++ {
		ports = append(ports, port)
	}
	for _, port := range ports {
		ln, err := net.Listen("tcp4", net.JoinHostPort(ProxyHost, strconv.Itoa(port)))
		if err != nil {
			p.Close()
			return nil, fmt.Errorf("listening on %s:%d: %w", ProxyHost, port, err)
		}
		p.lns = append(p.lns, ln)
		upstream := net.JoinHostPort(s.host, strconv.Itoa(port))
		p.wg.Add(1)
		go p.serve(ln, upstream)
	}
	return p, nil
}

// Accepted returns how many connections (control and data) the proxy has
// accepted so far.
func (p *DelayProxy) Accepted() int64 { return p.accepted.Load() }

// Close stops listening, cuts every proxied connection and waits for the
// proxy's goroutines.
func (p *DelayProxy) Close() error {
	p.mu.Lock()
	p.closed = true
	for _, ln := range p.lns {
		ln.Close()
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
	return nil
}

// track registers c so Close can cut it; false when the proxy is closed.
func (p *DelayProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closed {
		return false
	}
	p.conns[c] = struct{}{}
	return true
}

func (p *DelayProxy) untrack(c net.Conn) {
	p.mu.Lock()
	delete(p.conns, c)
	p.mu.Unlock()
}

func (p *DelayProxy) serve(ln net.Listener, upstream string) {
	defer p.wg.Done()
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		p.accepted.Add(1)
		p.wg.Add(1)
		go p.relay(c, upstream, time.Now())
	}
}

// relay connects the accepted client connection to upstream and carries
// bytes both ways with the delay. The server accepts (in a real network)
// when the client's ACK arrives, one and a half round trips after the
// client's SYN; the client may send after one round trip, and what it
// sends arrives half a round trip later.
func (p *DelayProxy) relay(client net.Conn, upstream string, t0 time.Time) {
	defer p.wg.Done()
	if !p.track(client) {
		client.Close()
		return
	}
	defer p.untrack(client)
	defer client.Close()
	d := p.Delay
	// What the client sends is read (and timed) from the start, so that
	// bytes sent before the server connection exists are not delayed
	// twice.
	up := delayed(client, d, t0.Add(2*d))
	time.Sleep(time.Until(t0.Add(3 * d)))
	server, err := net.DialTimeout("tcp", upstream, 10*time.Second)
	if err != nil {
		client.Close()
		for range up { // let the reader end
		}
		return
	}
	if !p.track(server) {
		server.Close()
		client.Close()
		for range up {
		}
		return
	}
	defer p.untrack(server)
	defer server.Close()
	var done sync.WaitGroup
	done.Add(2)
	go func() {
		defer done.Done()
		deliver(up, client, server)
	}()
	go func() {
		defer done.Done()
		deliver(delayed(server, d, t0), server, client)
	}()
	done.Wait()
}

type chunk struct {
	at  time.Time // when it may be delivered
	b   []byte
	err error // set on the last chunk: io.EOF for a clean end
}

// delayed reads src into a bounded queue of chunks, each stamped with
// when it may be delivered: delay after it was read (or after sendable,
// when it was read before the sender could have sent it).
func delayed(src net.Conn, delay time.Duration, sendable time.Time) <-chan chunk {
	q := make(chan chunk, proxyQueue)
	go func() {
		defer close(q)
		for {
			buf := make([]byte, proxyChunk)
			n, err := src.Read(buf)
			at := time.Now()
			if at.Before(sendable) {
				at = sendable
			}
			if n > 0 {
				q <- chunk{at: at.Add(delay), b: buf[:n]}
			}
			if err != nil {
				q <- chunk{at: at.Add(delay), err: err}
				return
			}
		}
	}()
	return q
}

// deliver writes the chunks of src's queue to dst, each at its time. A
// clean end becomes a half-close; anything else cuts both.
func deliver(q <-chan chunk, src, dst net.Conn) {
	for c := range q {
		time.Sleep(time.Until(c.at))
		if c.err != nil {
			if c.err == io.EOF {
				if hc, ok := dst.(interface{ CloseWrite() error }); ok {
					hc.CloseWrite()
					continue
				}
			}
			dst.Close()
			src.Close()
			continue
		}
		if _, err := dst.Write(c.b); err != nil {
			dst.Close()
			src.Close() // the reader stops; drain what it queued
		}
	}
}
