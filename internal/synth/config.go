package synth

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Pan says whether videos get a slow horizontal camera pan.
type Pan int

const (
	// PanSometimes pans the camera in about half of the videos (the default).
	PanSometimes Pan = iota
	// PanNever keeps the camera still.
	PanNever
	// PanAlways pans the camera in every video.
	PanAlways
)

// Config sets what the generator makes. A zero field takes its default (the
// ranges MinDuration-MaxDuration and MinEntities-MaxEntities when both ends
// are zero), so Config{} is the default benchmark.
type Config struct {
	// Split names the split in video IDs ("<split>-<seed>-<index>"). Default "test".
	Split string
	// Width and Height of the frames in pixels, both even (mp4 needs it) and
	// at least 32. Default 128x128.
	Width, Height int
	// FPS is the frame rate of the simulation and of the videos. Default 8.
	FPS float64
	// MinDuration and MaxDuration bound each video's duration in seconds,
	// drawn uniformly. Default 10 to 40.
	MinDuration, MaxDuration float64
	// MinEntities and MaxEntities bound the number of entities per video,
	// drawn uniformly, 1 to 8. Default 2 to 6.
	MinEntities, MaxEntities int
	// Pan chooses the camera pan. Default PanSometimes.
	Pan Pan
	// Queries is the most grounding queries per video. Default 6.
	Queries int
	// QA is the most question-answer items per video. Default 4.
	QA int
}

// Default values of Config's fields.
const (
	DefaultSplit       = "test"
	DefaultWidth       = 128
	DefaultHeight      = 128
	DefaultFPS         = 8
	DefaultMinDuration = 10
	DefaultMaxDuration = 40
	DefaultMinEntities = 2
	DefaultMaxEntities = 6
	DefaultQueries     = 6
	DefaultQA          = 4
)

// withDefaults returns c with zero fields replaced by their defaults, or an
// error naming the first invalid field.
func (c Config) withDefaults() (Config, error) {
	if c.Split == "" {
		c.Split = DefaultSplit
	}
	if c.Width == 0 {
		c.Width = DefaultWidth
	}
	if c.Height == 0 {
		c.Height = DefaultHeight
	}
	if c.FPS == 0 {
		c.FPS = DefaultFPS
	}
	if c.MinDuration == 0 && c.MaxDuration == 0 {
		c.MinDuration, c.MaxDuration = DefaultMinDuration, DefaultMaxDuration
	}
	if c.MinEntities == 0 && c.MaxEntities == 0 {
		c.MinEntities, c.MaxEntities = DefaultMinEntities, DefaultMaxEntities
	}
	if c.Queries == 0 {
		c.Queries = DefaultQueries
	}
	if c.QA == 0 {
		c.QA = DefaultQA
	}
	switch {
	case strings.ContainsAny(c.Split, " \t\r\n/\\#"):
		return c, fmt.Errorf("synth: split %q: must not hold spaces, slashes or '#'", c.Split)
	case c.Width < 32 || c.Height < 32 || c.Width%2 != 0 || c.Height%2 != 0 || c.Width > 4096 || c.Height > 4096:
		return c, fmt.Errorf("synth: frame size %dx%d: want even sides from 32 to 4096", c.Width, c.Height)
	case !(c.FPS >= 1 && c.FPS <= 120):
		return c, fmt.Errorf("synth: fps %v: want 1 to 120", c.FPS)
	case !(c.MinDuration >= 1 && c.MinDuration <= c.MaxDuration && c.MaxDuration <= 3600):
		return c, fmt.Errorf("synth: duration range %v-%v s: want 1 <= min <= max <= 3600", c.MinDuration, c.MaxDuration)
	case c.MinEntities < 1 || c.MinEntities > c.MaxEntities || c.MaxEntities > 8:
		return c, fmt.Errorf("synth: entity range %d-%d: want 1 <= min <= max <= 8", c.MinEntities, c.MaxEntities)
	case c.Pan < PanSometimes || c.Pan > PanAlways:
		return c, fmt.Errorf("synth: pan mode %d unknown", c.Pan)
	case c.Queries < 0 || c.QA < 0:
		return c, errors.New("synth: negative query or QA count")
	}
	return c, nil
}

// ParseSize parses "WIDTHxHEIGHT" (as in "128x128").
func ParseSize(s string) (width, height int, err error) {
	a, b, ok := strings.Cut(s, "x")
	if ok {
		width, err = strconv.Atoi(a)
		if err == nil {
			height, err = strconv.Atoi(b)
		}
	}
	if !ok || err != nil || width <= 0 || height <= 0 {
		return 0, 0, fmt.Errorf("synth: size %q: want WIDTHxHEIGHT with positive integers", s)
	}
	return width, height, nil
}

// ParseRange parses "LO-HI" (as in "10-40") or a single number "N" (LO = HI
// = N) into finite non-negative numbers with LO <= HI.
func ParseRange(s string) (lo, hi float64, err error) {
	a, b, ok := strings.Cut(s, "-")
	if !ok {
		b = a
	}
	lo, err = strconv.ParseFloat(a, 64)
	if err == nil {
		hi, err = strconv.ParseFloat(b, 64)
	}
	if err != nil || math.IsNaN(lo) || math.IsNaN(hi) || math.IsInf(hi, 0) || lo < 0 || lo > hi {
		return 0, 0, fmt.Errorf("synth: range %q: want LO-HI with finite numbers 0 <= LO <= HI", s)
	}
	return lo, hi, nil
}

// ParseFormat parses a comma-separated list of output forms: "mp4", "png".
func ParseFormat(s string) (Format, error) {
	var f Format
	for _, part := range strings.Split(s, ",") {
		switch strings.TrimSpace(part) {
		case "mp4":
			f |= FormatMP4
		case "png":
			f |= FormatPNG
		default:
			return 0, fmt.Errorf("synth: format %q: want mp4, png or mp4,png", s)
		}
	}
	return f, nil
}
