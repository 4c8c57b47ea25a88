package syncplan

import "time"

// Mark is how an entry of one folder compares with the entry of the same
// name in the other folder, for a file manager's compare view.
type Mark uint8

const (
	Same        Mark = iota // same kind; files of the same size and time
	OnlyHere                // the other folder has no entry of that name
	Newer                   // a file of the same size, newer than the other folder's
	Older                   // older than the other's
	SizeDiffers             // files of different sizes
	KindDiffers             // a file here, a folder or link there (or the reverse)
)

func (m Mark) String() string {
	switch m {
	case Same:
		return "same"
	case OnlyHere:
		return "only here"
	case Newer:
		return "newer"
	case Older:
		return "older"
	case SizeDiffers:
		return "size differs"
	case KindDiffers:
		return "kind differs"
	}
	return "invalid"
}

// Differs reports whether the mark calls for a copy.
func (m Mark) Differs() bool { return m != Same && m != Older }

// MarkOf compares here with there (nil when the other folder has no entry
// of that name). Files of different sizes are SizeDiffers whatever their
// times; otherwise their times decide, as CompareTimes does with the
// tolerance. Two folders are Same: their contents are compared when
// entered.
func MarkOf(here, there *Entry, tolerance time.Duration) Mark {
	switch {
	case there == nil:
		return OnlyHere
	case here.Kind != there.Kind:
		return KindDiffers
	case here.Kind != File:
		return Same
	case here.Size >= 0 && there.Size >= 0 && here.Size != there.Size:
		return SizeDiffers
	}
	switch CompareTimes(here, there, tolerance) {
	case 1:
		return Newer
	case -1:
		return Older
	}
	return Same
}
