package main

import (
	"flag"
	"net"

	"ferry/bookmarks"
	"ferry/netproxy"
	"ferry/protocol"
	"ferry/ratelimit"
)

// netFlags are the network flags every verb takes. Each overrides the
// bookmark key of the same name.
type netFlags struct {
	proxy         string // --proxy URL
	limitRate     string // --limit-rate RATE
	activeAddress string // --active-address IP (implies --active)
	activePorts   string // --active-ports LOW-HIGH (implies --active)

	limiter *ratelimit.Limiter // made once per run by rateLimiter
}

func (n *netFlags) add(fs *flag.FlagSet) {
	fs.StringVar(&n.proxy, "proxy", "", "socks5://, socks5h:// or http://[user:pass@]host:port; none: direct")
	fs.StringVar(&n.limitRate, "limit-rate", "", "bytes per second for all connections together (500K, 2M)")
	fs.StringVar(&n.activeAddress, "active-address", "", "address announced in PORT/EPRT (implies --active)")
	fs.StringVar(&n.activePorts, "active-ports", "", "ports active mode listens on, LOW-HIGH (implies --active)")
}

// networkOptions applies the proxy and active-mode settings: the flags,
// else the bookmark's keys (already in opts through Bookmark.Options for
// a bookmark target; set again here so a flag wins).
func (c *cli) networkOptions(t target, opts protocol.Options) (protocol.Options, error) {
	if t.Bookmark != nil {
		n, err := t.Bookmark.Network()
		if err != nil {
			return opts, usageError{err.Error()}
		}
		if n.Proxy != nil {
			opts.Proxy = n.Proxy
		}
		opts.ActiveAddress, opts.ActivePorts = n.ActiveAddress, n.ActivePorts
	}
	switch c.net.proxy {
	case "":
	case "none": // connect directly, whatever the bookmark says
		opts.Proxy = nil
	default:
		d, err := netproxy.Parse(c.net.proxy)
		if err != nil {
			return opts, usagef("--proxy: %v", err)
		}
		opts.Proxy = d
	}
	if c.net.activeAddress != "" {
		ip := net.ParseIP(c.net.activeAddress)
		if ip == nil {
			return opts, usagef("--active-address %q is not an IP address", c.net.activeAddress)
		}
		opts.ActiveAddress, opts.Active = ip, true
	}
	if c.net.activePorts != "" {
		r, err := protocol.ParsePortRange(c.net.activePorts)
		if err != nil {
			return opts, usagef("--active-ports: %v", err)
		}
		opts.ActivePorts, opts.Active = r, true
	}
	if opts.Active && opts.Proxy != nil {
		return opts, usagef("active mode cannot work through a proxy (the server cannot connect back through it): drop --active (and active = true in the bookmark) to use passive mode")
	}
	return opts, nil
}

// rateLimiter returns the run's one limiter, shared by every connection:
// --limit-rate, else the bookmark's limit_rate; nil when neither is set.
func (c *cli) rateLimiter(t target) (*ratelimit.Limiter, error) {
	if c.net.limiter != nil {
		return c.net.limiter, nil
	}
	raw := c.net.limitRate
	if raw == "" && t.Bookmark != nil {
		raw = t.Bookmark.LimitRate
	}
	bps, err := ratelimit.Parse(raw)
	if err != nil {
		return nil, usagef("--limit-rate: %v", err)
	}
	if bps == 0 {
		return nil, nil
	}
	c.net.limiter = ratelimit.New(bps)
	return c.net.limiter, nil
}

// tuiRateLimiter is the file manager's queue limit at start: --limit-rate,
// else the limit_rate of the bookmark it was started with (-b NAME). The
// queue panel changes it while ferry runs.
func (c *cli) tuiRateLimiter() (*ratelimit.Limiter, error) {
	var t target
	if c.bookmark != "" {
		var err error
		if t, err = c.bookmarkTarget(c.bookmark, ""); err != nil {
			return nil, err
		}
	}
	return c.rateLimiter(t)
}

// applyBookmarkLimit sets the file manager's queue limit to the
// limit_rate of a bookmark it connects to, as parallel does, unless
// --limit-rate was given.
func (c *cli) applyBookmarkLimit(b *bookmarks.Bookmark) {
	if c.queue == nil || c.net.limitRate != "" || b.LimitRate == "" {
		return
	}
	if bps, err := ratelimit.Parse(b.LimitRate); err == nil {
		c.queue.SetRateLimit(bps)
	}
}
