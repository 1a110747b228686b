package grounder

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/internal/synth"
)

// Item is one training or evaluation example of a benchmark split: a
// grounding query (Choices nil, Answer -1) or a grounded question.
type Item struct {
	// Video is the video file; ID the video's id.
	Video, ID string
	Query     string
	Kind      string
	Choices   []string
	Answer    int
	// GT holds the ground-truth spans in seconds (a query's span, a
	// question's evidence).
	GT [][2]float64
}

// SplitItems lists the items of a benchmark split written by
// examples/synth (meta/ID.json and videos/ID.mp4 under dir), in video
// order: every grounding query, and every question when qa is set.
func SplitItems(dir string, qa bool) ([]Item, error) {
	metas, err := filepath.Glob(filepath.Join(dir, "meta", "*.json"))
	if err != nil {
		return nil, err
	}
	if len(metas) == 0 {
		return nil, fmt.Errorf("grounder: %s: no meta/*.json", dir)
	}
	slices.Sort(metas)
	var items []Item
	for _, p := range metas {
		m, err := synth.ReadMeta(p)
		if err != nil {
			return nil, err
		}
		video := filepath.Join(dir, "videos", m.ID+".mp4")
		if _, err := os.Stat(video); err != nil {
			return nil, fmt.Errorf("grounder: split %s: %w", dir, err)
		}
		for _, q := range m.Queries {
			items = append(items, Item{Video: video, ID: m.ID, Query: q.Text, Kind: "ground", Answer: -1, GT: [][2]float64{{q.Start, q.End}}})
		}
		if qa {
			for _, a := range m.QA {
				items = append(items, Item{Video: video, ID: m.ID, Query: a.Question, Kind: a.Kind, Choices: a.Choices, Answer: a.Answer, GT: a.Evidence})
			}
		}
	}
	return items, nil
}

// Build returns the Samples of items, in order, computing with f those
// the cache lacks (each video decoded once, T frames) on workers
// goroutines; progress, when set, is called after each video with the
// videos done and the total.
func Build(ctx context.Context, f *Frozen, cache Cache, items []Item, T, workers int, progress func(done, total int)) ([]*Sample, error) {
	byVideo := map[string][]int{}
	var videos []string
	for i, it := range items {
		if _, ok := byVideo[it.Video]; !ok {
			videos = append(videos, it.Video)
		}
		byVideo[it.Video] = append(byVideo[it.Video], i)
	}
	out := make([]*Sample, len(items))
	stage := f.Key() + fmt.Sprintf("|T=%d", T)
	var (
		mu       sync.Mutex
		firstErr error
		done     int
	)
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for video := range jobs {
				err := buildVideo(ctx, f, cache, items, byVideo[video], out, stage, T)
				mu.Lock()
				if err != nil && firstErr == nil {
					firstErr = err
				}
				done++
				if progress != nil {
					progress(done, len(videos))
				}
				mu.Unlock()
			}
		}()
	}
	for _, v := range videos {
		mu.Lock()
		stop := firstErr != nil
		mu.Unlock()
		if stop || ctx.Err() != nil {
			break
		}
		jobs <- v
	}
	close(jobs)
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// buildVideo fills out[i] for the items idx of one video.
func buildVideo(ctx context.Context, f *Frozen, cache Cache, items []Item, idx []int, out []*Sample, stage string, T int) error {
	vkey, err := FileKey(items[idx[0]].Video)
	if err != nil {
		return err
	}
	var v *grounding.Video
	for _, i := range idx {
		it := items[i]
		key := Key(vkey, it.Query, fmt.Sprint(it.Choices), stage)
		if len(it.GT) == 0 {
			return fmt.Errorf("grounder: %s %q: no ground-truth span", it.Video, it.Query)
		}
		s, ok, err := cache.Get(key)
		if err != nil {
			return err
		}
		// The key joins the choices with fmt.Sprint, which two different
		// choice lists can share: an entry made for other choices (or
		// another query) is recomputed.
		if ok && (s.Query != it.Query || !slices.Equal(s.ChoiceText, it.Choices)) {
			ok = false
		}
		if !ok {
			if v == nil {
				if v, err = grounding.LoadVideoFile(ctx, it.Video, grounding.VideoOptions{Frames: T}); err != nil {
					return err
				}
			}
			if s, err = f.Extract(ctx, v.Frames, v.Times, v.Duration, it.Query, it.Choices); err != nil {
				return fmt.Errorf("%s: %w", it.Video, err)
			}
			if err := cache.Put(key, s); err != nil {
				return err
			}
		}
		s.Video, s.Kind, s.Answer, s.GT = it.ID, it.Kind, it.Answer, it.GT
		s.Start, s.End = FrameTargets(s.Times, it.GT[0][0], it.GT[0][1])
		out[i] = s
	}
	return nil
}
