package segmenttest

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/videodit/videodit/segment"
)

// RunSegmenter checks the contract of segment.Segmenter on s with a video
// and a query it can ground: every per-frame slice of the Result has T
// entries and every mask the frames' size; Start is -1 or a gated frame;
// masks are empty before Start and Union[t] is the OR of the tracks' masks
// at t (Eq. 6); a Span lies on gated frames and matches the times; the
// kept and dropped phrases do not overlap; two calls agree, also when run
// concurrently; an empty query
// is an error wrapping ErrEmptyQuery; bad frames, errors wrapping
// ErrBadVideo; a cancelled context, an error wrapping context.Canceled.
func RunSegmenter(t *testing.T, s segment.Segmenter, v segment.Video, query string) {
	t.Helper()
	ctx := context.Background()
	sh := v.Frames.Shape()
	T, h, w := sh[0], sh[1], sh[2]
	t.Run("Result", func(t *testing.T) {
		r, err := s.Segment(ctx, v, query)
		if err != nil {
			t.Fatalf("Segment(%q): %v", query, err)
		}
		checkResult(t, r, v, T, h, w)
		again, err := s.Segment(ctx, v, query)
		if err != nil {
			t.Fatalf("second Segment: %v", err)
		}
		if d := cmp.Diff(r, again, cmp.Comparer(func(a, b segment.Mask) bool { return a.Equal(b) })); d != "" {
			t.Errorf("Segment is not deterministic (-first +second):\n%s", d)
		}
	})
	t.Run("Concurrent", func(t *testing.T) {
		want, err := s.Segment(ctx, v, query)
		if err != nil {
			t.Fatalf("Segment: %v", err)
		}
		got := make([]*segment.Result, 2)
		errs := make([]error, 2)
		var wg sync.WaitGroup
		for i := range got {
			wg.Add(1)
			go func() {
				defer wg.Done()
				got[i], errs[i] = s.Segment(ctx, v, query)
			}()
		}
		wg.Wait()
		for i := range got {
			if errs[i] != nil {
				t.Fatalf("concurrent Segment: %v", errs[i])
			}
			if d := cmp.Diff(want, got[i], cmp.Comparer(func(a, b segment.Mask) bool { return a.Equal(b) })); d != "" {
				t.Errorf("concurrent Segment differs (-want +got):\n%s", d)
			}
		}
	})
	t.Run("EmptyQuery", func(t *testing.T) {
		for _, q := range []string{"", "  \t"} {
			if _, err := s.Segment(ctx, v, q); !errors.Is(err, segment.ErrEmptyQuery) {
				t.Errorf("Segment(%q) error = %v, want ErrEmptyQuery", q, err)
			}
		}
	})
	t.Run("BadFrames", func(t *testing.T) {
		for name, f := range badFrames() {
			if _, err := s.Segment(ctx, segment.Video{Frames: f}, query); !errors.Is(err, segment.ErrBadVideo) {
				t.Errorf("Segment on %s frames: error %v, want ErrBadVideo", name, err)
			}
		}
	})
	t.Run("Cancelled", func(t *testing.T) {
		c, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Segment(c, v, query); !errors.Is(err, context.Canceled) {
			t.Errorf("Segment with a cancelled context: error %v, want context.Canceled", err)
		}
	})
}

func checkResult(t *testing.T, r *segment.Result, v segment.Video, T, h, w int) {
	t.Helper()
	if len(r.Gate) != T || len(r.Union) != T {
		t.Fatalf("Gate has %d frames, Union %d; want %d", len(r.Gate), len(r.Union), T)
	}
	if r.Start < -1 || r.Start >= T || (r.Start >= 0 && !r.Gate[r.Start]) {
		t.Errorf("Start %d is neither -1 nor a gated frame", r.Start)
	}
	kept := map[string]bool{}
	for i, tr := range r.Tracks {
		kept[tr.Phrase.Text] = true
		if len(tr.Masks) != T || len(tr.Scores) != T || len(tr.Valid) != T {
			t.Fatalf("track %d: %d masks, %d scores, %d valid; want %d each", i, len(tr.Masks), len(tr.Scores), len(tr.Valid), T)
		}
		if tr.Start != r.Start {
			t.Errorf("track %d starts at %d, the result at %d", i, tr.Start, r.Start)
		}
		for f, m := range tr.Masks {
			if m.Width() != w || m.Height() != h {
				t.Fatalf("track %d frame %d: mask %dx%d, want %dx%d", i, f, m.Width(), m.Height(), w, h)
			}
			if (r.Start < 0 || f < r.Start) && m.Area() != 0 {
				t.Errorf("track %d frame %d: mask set before the start %d", i, f, r.Start)
			}
		}
	}
	for _, p := range r.Dropped {
		if kept[p.Text] {
			t.Errorf("phrase %q both kept and dropped", p.Text)
		}
	}
	for f := range T {
		ms := make([]segment.Mask, len(r.Tracks))
		for i, tr := range r.Tracks {
			ms[i] = tr.Masks[f]
		}
		u, err := segment.Union(ms)
		if len(ms) == 0 {
			u = segment.NewMask(w, h)
		}
		if err != nil || !u.Equal(r.Union[f]) {
			t.Errorf("frame %d: Union is not the OR of the tracks' masks (err %v)", f, err)
		}
		if len(r.Tracks) == 0 && r.Gate[f] {
			t.Errorf("frame %d gated with no phrase kept", f)
		}
	}
	if sp := r.Span; sp != nil {
		if sp.Start < 0 || sp.End < sp.Start || sp.End >= T {
			t.Fatalf("span %+v outside the %d frames", *sp, T)
		}
		for f := sp.Start; f <= sp.End; f++ {
			if !r.Gate[f] {
				t.Errorf("span %+v covers ungated frame %d", *sp, f)
			}
		}
		ts, te := float64(sp.Start), float64(sp.End)
		if v.Times != nil {
			ts, te = v.Times[sp.Start], v.Times[sp.End]
		}
		if sp.StartSec != ts || sp.EndSec != te {
			t.Errorf("span %+v: seconds do not match the times %v..%v", *sp, ts, te)
		}
	}
}
