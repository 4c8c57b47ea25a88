package bookmarks

import (
	"fmt"
	"net"

	"ferry/netproxy"
	"ferry/protocol"
	"ferry/ratelimit"
)

// Network is a bookmark's network settings, parsed.
type Network struct {
	Proxy         *netproxy.Dialer // nil: connect directly
	ActiveAddress net.IP           // nil: announce the local address
	ActivePorts   protocol.PortRange
	LimitRate     int64 // bytes per second; 0: no limit
}

// ActiveMode reports whether the bookmark uses active mode: active = true,
// or active_address or active_ports given (as the flags imply --active).
func (b Bookmark) ActiveMode() bool {
	return b.Active || b.ActiveAddress != "" || b.ActivePorts != ""
}

// Network parses the bookmark's proxy, active_address, active_ports and
// limit_rate keys.
func (b Bookmark) Network() (Network, error) { return b.network() }

func (b Bookmark) network() (Network, error) {
	var n Network
	var err error
	if b.Proxy != "" {
		if n.Proxy, err = netproxy.Parse(b.Proxy); err != nil {
			return n, err
		}
		if b.ActiveMode() {
			return n, fmt.Errorf("active mode (active, active_address or active_ports) and a proxy cannot go together: the server cannot connect back through a proxy")
		}
	}
	if b.ActiveAddress != "" {
		if n.ActiveAddress = net.ParseIP(b.ActiveAddress); n.ActiveAddress == nil {
			return n, fmt.Errorf("active_address %q is not an IP address", b.ActiveAddress)
		}
	}
	if b.ActivePorts != "" {
		if n.ActivePorts, err = protocol.ParsePortRange(b.ActivePorts); err != nil {
			return n, fmt.Errorf("active_ports: %v", err)
		}
	}
	if n.LimitRate, err = ratelimit.Parse(b.LimitRate); err != nil {
		return n, fmt.Errorf("limit_rate: %v", err)
	}
	return n, nil
}
