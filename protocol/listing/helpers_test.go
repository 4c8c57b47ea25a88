package listing

import (
	"reflect"
	"testing"
	"time"
)

// testNow is the reference "now" of the tests: 2026-11-24 15:00 UTC.
var testNow = time.Date(2026, 11, 24, 15, 0, 0, 0, time.UTC)

func utc(y, mo, d, h, mi, s int) time.Time {
	return time.Date(y, time.Month(mo), d, h, mi, s, 0, time.UTC)
}

// parseAs parses line with a Parser that has f locked in and fails the
// test unless dialect f itself recognized it.
func parseAs(t *testing.T, f Format, line string) Entry {
	t.Helper()
	p := NewParser(Options{Now: testNow})
	p.locked = f
	e, err := p.ParseLine(line)
	if err != nil {
		t.Fatalf("%v: ParseLine(%q): %v", f, line, err)
	}
	if p.Detected() != f {
		t.Fatalf("ParseLine(%q) was parsed as %v, want %v", line, p.Detected(), f)
	}
	return e
}

// rejectAll fails the test if any LIST dialect accepts line.
func rejectAll(t *testing.T, line string) {
	t.Helper()
	p := NewParser(Options{Now: testNow})
	e, err := p.ParseLine(line)
	if err == nil {
		t.Errorf("ParseLine(%q) = %+v (as %v), want an error", line, e, p.Detected())
	}
}

// same compares two entries; Raw and Name are filled in on want when
// left empty (Raw from line, Name from RawName).
func same(t *testing.T, line string, got, want Entry) {
	t.Helper()
	if want.Raw == "" {
		want.Raw = line
	}
	if want.Name == "" {
		want.Name = want.RawName
	}
	if !got.ModTime.Equal(want.ModTime) {
		t.Errorf("%q: ModTime = %v, want %v", line, got.ModTime, want.ModTime)
	}
	got.ModTime, want.ModTime = time.Time{}, time.Time{}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%q:\n got %+v\nwant %+v", line, got, want)
	}
}

// testLoc is a server time zone with an odd offset and DST, for fuzzing.
var testLoc = func() *time.Location {
	if loc, err := time.LoadLocation("America/St_Johns"); err == nil {
		return loc
	}
	return time.FixedZone("UTC-3:30", -(3*3600 + 1800))
}()
