package segment_test

import (
	"context"
	"strings"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
	"github.com/videodit/videodit/segment/learneddet"
)

// segmentStats scores the default entity stage's tracks against the
// entities their phrases name.
type segmentStats struct {
	phrases, dropped, unmatched int
	// frames and sumIoU: every frame from the track's start on (both
	// empty counts as 1); right: frames with IoU >= 0.5.
	frames, right int
	sumIoU        float64
	// tracks, and those whose seed (the mask at the start) has IoU >= 0.5
	// with their entity.
	tracks, seeded int
	// pairs of tracks of one query naming different entities, and those
	// whose masks coincide (IoU >= 0.8) in most tracked frames.
	pairs, merged int
}

// sampleFrames picks T of n frames spread evenly, as grounding samples a
// video.
func sampleFrames(n, T int) []int {
	idx := make([]int, T)
	for i := range idx {
		idx[i] = min(n-1, int((float64(i)+0.5)*float64(n)/float64(T)))
	}
	return idx
}

// segmentBenchmark runs the default entity stage (the learned detector
// refined by the shape classifier, flow tracker, tracks ended after 3
// undetected frames) on every query of n
// generated test videos sampled to T frames, and scores each track against
// the true visible mask of the entity whose description its phrase holds.
func segmentBenchmark(t testing.TB, seed uint64, n, T int) segmentStats {
	t.Helper()
	det, err := learneddet.LoadShapeDetector(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	opts := segment.DefaultOptions()
	opts.Lost = 3
	seg, err := segment.New(nil, det, nil, opts)
	if err != nil {
		t.Fatal(err)
	}
	var st segmentStats
	for i := range n {
		v, err := synth.Generate(synth.Config{Split: "test"}, seed, i)
		if err != nil {
			t.Fatal(err)
		}
		all, truthAll := synthClip(t, v)
		idx := sampleFrames(v.Meta.Frames, T)
		m := v.Meta
		px := all.Float32s()
		fr := make([]float32, 0, T*m.Height*m.Width*3)
		for _, f := range idx {
			fr = append(fr, px[f*m.Height*m.Width*3:(f+1)*m.Height*m.Width*3]...)
		}
		frames := tensor.New(tensor.WithShape(T, m.Height, m.Width, 3), tensor.WithBacking(fr))
		for _, q := range m.Queries {
			res, err := seg.Segment(context.Background(), segment.Video{Frames: frames}, q.Text)
			if err != nil {
				t.Fatal(err)
			}
			st.phrases += len(res.Tracks) + len(res.Dropped)
			st.dropped += len(res.Dropped)
			ents := make([]int, len(res.Tracks))
			for k, tr := range res.Tracks {
				ents[k] = -1
				for _, e := range q.Entities {
					if strings.Contains(tr.Phrase.Text, strings.TrimPrefix(m.Entities[e].Description, "the ")) {
						ents[k] = e
					}
				}
				if ents[k] < 0 || res.Start < 0 {
					st.unmatched++
					continue
				}
				st.tracks++
				for j, f := range idx[res.Start:] {
					iou, err := tr.Masks[res.Start+j].IoU(truthAll[ents[k]][f])
					if err != nil {
						t.Fatal(err)
					}
					if j == 0 && iou >= 0.5 {
						st.seeded++
					}
					st.frames++
					st.sumIoU += iou
					if iou >= 0.5 {
						st.right++
					}
				}
			}
			for a := range res.Tracks {
				for b := a + 1; b < len(res.Tracks); b++ {
					if ents[a] < 0 || ents[b] < 0 || ents[a] == ents[b] || res.Start < 0 {
						continue
					}
					st.pairs++
					same, tracked := 0, 0
					for f := res.Start; f < T; f++ {
						ma, mb := res.Tracks[a].Masks[f], res.Tracks[b].Masks[f]
						if ma.Area() == 0 && mb.Area() == 0 {
							continue
						}
						tracked++
						if iou, _ := ma.IoU(mb); iou >= 0.8 {
							same++
						}
					}
					if 2*same > tracked {
						st.merged++
					}
				}
			}
		}
	}
	return st
}

// BenchmarkSegmentOnBenchmark measures the default entity stage on 4
// held-out benchmark videos sampled to 96 frames: the mean mask IoU of the
// tracks with the entities they name ("mIoU", from the gated start on),
// the share of those frames with IoU >= 0.5 ("right%"), the share of
// tracks whose seed has IoU >= 0.5 ("seeded%"), the share of
// phrases dropped ("dropped%"), and the share of pairs of tracks naming
// different entities that follow the same object ("merged%").
//
// Measured (seed 2024, 36 phrases): with the detector alone, mIoU 0.33,
// right 31%, seeded 36%, merged 21%; with the shape classifier, mIoU 0.58,
// right 67%, seeded 89%, merged 0%. With the shape classifier and Lost = 0
// (tracks never end) mIoU 0.61 and right 71%; with Lost = 6, 0.585 and 67%.
func BenchmarkSegmentOnBenchmark(b *testing.B) {
	var st segmentStats
	for b.Loop() {
		st = segmentBenchmark(b, 2024, 4, 96)
	}
	b.ReportMetric(st.sumIoU/float64(max(st.frames, 1)), "mIoU")
	b.ReportMetric(100*float64(st.right)/float64(max(st.frames, 1)), "right%")
	b.ReportMetric(100*float64(st.seeded)/float64(max(st.tracks, 1)), "seeded%")
	b.ReportMetric(100*float64(st.dropped)/float64(max(st.phrases, 1)), "dropped%")
	b.ReportMetric(100*float64(st.merged)/float64(max(st.pairs, 1)), "merged%")
	b.ReportMetric(float64(st.phrases), "phrases")
}
