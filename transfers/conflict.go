package transfers

import (
	"path"
	"strconv"
	"strings"
	"time"

	"ferry/protocol/listing"
)

// action is what a job does about its target.
type action uint8

const (
	actFresh  action = iota // transfer the whole file
	actResume               // continue from the target's size
	actSkip
	actRename
	actAsk
)

// decide applies policy p to a source and an existing target. The
// reason explains a skip.
func decide(p Policy, src, dst Facts) (action, string) {
	switch p {
	case Overwrite:
		return actFresh, ""
	case Skip:
		return actSkip, "the target exists"
	case RenameNew:
		return actRename, ""
	case Resume:
		switch {
		case src.Size < 0 || dst.Size < 0:
			return actFresh, ""
		case dst.Size < src.Size:
			return actResume, ""
		case dst.Size == src.Size:
			return actSkip, "the target is complete"
		}
		return actFresh, "" // longer than the source: not a part of it
	case OverwriteIfNewer:
		if newer(src, dst) || src.Size < 0 || dst.Size < 0 || src.Size != dst.Size {
			return actFresh, ""
		}
		return actSkip, "the target is up to date"
	}
	return actAsk, ""
}

// newer reports whether the source's time is later than the target's at
// the coarser of their precisions (a LIST time to the minute against an
// exact local time compares minutes). Unknown times are never newer.
func newer(src, dst Facts) bool {
	if src.ModTime.IsZero() || dst.ModTime.IsZero() ||
		src.Precision == listing.TimeUnknown || dst.Precision == listing.TimeUnknown {
		return false
	}
	unit := time.Second
	switch min(src.Precision, dst.Precision) {
	case listing.TimeMinute:
		unit = time.Minute
	case listing.TimeDay:
		unit = 24 * time.Hour
	}
	return src.ModTime.Truncate(unit).After(dst.ModTime.Truncate(unit))
}

// numbered returns the n-th alternative for a file name: "name (n).ext",
// or ".name (n)" for a dot-file. p is '/'-separated.
func numbered(p string, n int) string {
	dir, name := path.Split(p)
	ext := path.Ext(name)
	base := strings.TrimSuffix(name, ext)
	if base == "" || ext == name {
		base, ext = name, ""
	}
	return dir + base + " (" + strconv.Itoa(n) + ")" + ext
}
