package protocol

import (
	"errors"
	"fmt"
	"testing"
)

func TestTooManyConnectionsIsToldFromOtherRefusals(t *testing.T) {
	for _, tc := range []struct {
		err  *Error
		want bool
	}{
		{&Error{Cmd: "greeting", Code: 421, Msg: "Service not available"}, true},
		{&Error{Cmd: "PASS", Code: 530, Msg: "Sorry, the maximum number of clients (10) from your host are already connected."}, true},
		{&Error{Cmd: "USER", Code: 530, Msg: "Too many users, sorry"}, true},
		{&Error{Cmd: "PASS", Code: 530, Msg: "Login incorrect."}, false},
		{&Error{Cmd: "RETR", Code: 550, Msg: "Too many connections? No: permission denied"}, false},
		{&Error{Cmd: "RETR", Code: 425, Msg: "Can't open data connection."}, false},
	} {
		got := errors.Is(fmt.Errorf("login: %w", tc.err), ErrTooManyConnections)
		if got != tc.want {
			t.Errorf("%d %s: too many connections %v, want %v", tc.err.Code, tc.err.Msg, got, tc.want)
		}
	}
}
