package ratelimit

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestParseReadsCurlStyleRates(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"500K", 500 << 10, true},
		{"2M", 2 << 20, true},
		{"1.5M", 3 << 19, true},
		{"1g", 1 << 30, true},
		{"100", 100, true},
		{"64KiB", 64 << 10, true},
		{"64KB/s", 64 << 10, true},
		{"0", 0, true},
		{"", 0, true},
		{"-1K", 0, false},
		{"fast", 0, false},
		{"2T", 0, false},
		{"0.1", 0, false},
		{"NaN", 0, false},
	} {
		got, err := Parse(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("Parse(%q) = %d, %v; want %d, ok=%v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestFormatRoundTrips(t *testing.T) {
	for _, tc := range []struct {
		bps  int64
		want string
	}{{0, "unlimited"}, {100, "100"}, {500 << 10, "500K"}, {3 << 19, "1.5M"}, {2 << 30, "2G"}} {
		if got := Format(tc.bps); got != tc.want {
			t.Errorf("Format(%d) = %q, want %q", tc.bps, got, tc.want)
		}
		if tc.bps > 0 {
			if back, err := Parse(tc.want); err != nil || back != tc.bps {
				t.Errorf("Parse(Format(%d)) = %d, %v", tc.bps, back, err)
			}
		}
	}
}

// TestReaderAndWriterPassEveryByte: limiting changes timing only.
func TestReaderAndWriterPassEveryByte(t *testing.T) {
	data := bytes.Repeat([]byte("0123456789abcdef"), 64<<10) // 1 MiB
	for _, rate := range []int64{0, 100 << 20} {
		l := New(rate)
		var out bytes.Buffer
		if _, err := io.Copy(l.Writer(context.Background(), &out), l.Reader(context.Background(), bytes.NewReader(data))); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out.Bytes(), data) {
			t.Fatalf("rate %d: %d bytes came out, want the %d that went in", rate, out.Len(), len(data))
		}
	}
}

// TestReadsAreCutToTheBurst: one read never takes more than the bucket
// holds, so a slow limit is not overrun by a large buffer.
func TestReadsAreCutToTheBurst(t *testing.T) {
	l := New(10 << 10) // burst 4 KiB
	r := l.Reader(context.Background(), strings.NewReader(strings.Repeat("x", 1<<20)))
	n, err := r.Read(make([]byte, 1<<20))
	if err != nil || n != 4<<10 {
		t.Fatalf("Read = %d, %v; want 4096 bytes", n, err)
	}
}

func TestCancellingEndsAWait(t *testing.T) {
	l := New(1) // one byte a second: the second byte waits
	ctx, cancel := context.WithCancelCause(context.Background())
	stop := errors.New("stopped by the user")
	w := l.Writer(ctx, io.Discard)
	if _, err := w.Write([]byte("a")); err != nil {
		t.Fatal(err)
	}
	cancel(stop)
	n, err := w.Write([]byte("bcd"))
	if !errors.Is(err, stop) || n != 0 {
		t.Fatalf("Write after cancel = %d, %v; want 0 and the cause", n, err)
	}
}

func TestSetRateLiftsAndSetsTheLimit(t *testing.T) {
	l := New(2 << 20)
	if l.Rate() != 2<<20 {
		t.Fatalf("Rate = %d", l.Rate())
	}
	l.SetRate(0)
	if l.Rate() != 0 || l.chunk(1<<20) != 1<<20 {
		t.Fatalf("after SetRate(0): Rate %d, chunk %d; want unlimited", l.Rate(), l.chunk(1<<20))
	}
	l.SetRate(100)
	if l.Rate() != 100 || l.chunk(1<<20) != 100 {
		t.Fatalf("after SetRate(100): Rate %d, chunk %d", l.Rate(), l.chunk(1<<20))
	}
	var nilL *Limiter
	if nilL.Rate() != 0 {
		t.Fatal("a nil Limiter has a rate")
	}
}

func TestAnEmptyReadOrWriteIsPassedOn(t *testing.T) {
	l := New(1 << 10)
	if n, err := l.Reader(context.Background(), strings.NewReader("x")).Read(nil); n != 0 || err != nil {
		t.Fatalf("Read(nil) = %d, %v", n, err)
	}
	if n, err := l.Writer(context.Background(), io.Discard).Write(nil); n != 0 || err != nil {
		t.Fatalf("Write(nil) = %d, %v", n, err)
	}
}
