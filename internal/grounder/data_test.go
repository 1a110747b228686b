package grounder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/internal/synth"
	"github.com/videodit/videodit/segment"
)

// tinySplit writes a benchmark split of two short 32 x 32 videos with
// examples/synth's writer (ffmpeg), once per test binary.
var tinySplit = sync.OnceValues(func() (string, error) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		return "", err
	}
	if _, err := exec.LookPath("ffprobe"); err != nil {
		return "", err
	}
	dir, err := os.MkdirTemp("", "grounder-split-")
	if err != nil {
		return "", err
	}
	cfg := synth.Config{Split: "train", Width: 32, Height: 32, MinDuration: 2, MaxDuration: 3, Queries: 2, QA: 1}
	return dir, synth.WriteSplit(context.Background(), dir, cfg, 1, 2, synth.WriteOptions{Workers: 1})
})

func splitDir(t *testing.T) string {
	t.Helper()
	dir, err := tinySplit()
	if err != nil {
		t.Skipf("no benchmark split (needs ffmpeg): %v", err)
	}
	return dir
}

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := tinySplit(); err == nil && strings.Contains(dir, "grounder-split-") {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

func TestSplitItems(t *testing.T) {
	dir := splitDir(t)
	metas, _ := filepath.Glob(filepath.Join(dir, "meta", "*.json"))
	var queries, questions int
	for _, p := range metas {
		m, err := synth.ReadMeta(p)
		if err != nil {
			t.Fatal(err)
		}
		queries += len(m.Queries)
		questions += len(m.QA)
	}
	ground, err := SplitItems(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	all, err := SplitItems(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(ground) != queries || len(all) != queries+questions || queries == 0 || questions == 0 {
		t.Fatalf("%d and %d items, want %d queries and %d more questions (both > 0)", len(ground), len(all), queries, questions)
	}
	for i, it := range all {
		if _, err := os.Stat(it.Video); err != nil {
			t.Errorf("item %d: %v", i, err)
		}
		if len(it.GT) == 0 || it.GT[0][0] >= it.GT[0][1] {
			t.Errorf("item %d: ground truth %v", i, it.GT)
		}
		q := it.Kind != "ground"
		if q != (it.Answer >= 0) || q != (len(it.Choices) > 0) || (q && it.Answer >= len(it.Choices)) {
			t.Errorf("item %d: kind %q, answer %d, %d choices", i, it.Kind, it.Answer, len(it.Choices))
		}
	}
	if i := len(ground) - 1; all[0].ID > all[len(all)-1].ID || ground[i].Kind != "ground" {
		t.Errorf("items out of video order")
	}

	if _, err := SplitItems(t.TempDir(), true); err == nil || !strings.Contains(err.Error(), "meta") {
		t.Errorf("SplitItems of an empty dir: %v, want an error about meta", err)
	}
	// A meta file without its video.
	bad := t.TempDir()
	os.MkdirAll(filepath.Join(bad, "meta"), 0o755)
	b, _ := os.ReadFile(metas[0])
	os.WriteFile(filepath.Join(bad, "meta", filepath.Base(metas[0])), b, 0o644)
	if _, err := SplitItems(bad, false); err == nil || !strings.Contains(err.Error(), ".mp4") {
		t.Errorf("SplitItems without videos: %v, want an error naming the mp4", err)
	}
}

// errSegmenter fails every call: a Build that needs no frozen stage (all
// cache hits) still succeeds with it.
type errSegmenter struct{}

var errNoSegment = errors.New("segmenter called")

func (errSegmenter) Segment(context.Context, segment.Video, string) (*segment.Result, error) {
	return nil, errNoSegment
}

func TestBuild(t *testing.T) {
	dir := splitDir(t)
	items, err := SplitItems(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	cache := Cache{Dir: t.TempDir()}
	f := tinyFrozen(t, fakeSegmenter{start: 1})
	const T = 4
	var calls [][2]int
	var mu sync.Mutex
	samples, err := Build(ctx, f, cache, items, T, 2, func(done, total int) {
		mu.Lock()
		calls = append(calls, [2]int{done, total})
		mu.Unlock()
	})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([][2]int{{1, 2}, {2, 2}}, calls); diff != "" {
		t.Errorf("progress calls (-want +got):\n%s", diff)
	}
	if len(samples) != len(items) {
		t.Fatalf("%d samples for %d items", len(samples), len(items))
	}
	for i, s := range samples {
		it := items[i]
		s0, e0 := FrameTargets(s.Times, it.GT[0][0], it.GT[0][1])
		got := fmt.Sprint(s.Video, s.Query, s.Kind, s.Answer, s.ChoiceText, s.GT, s.Start, s.End, s.T(), s.Nouns)
		want := fmt.Sprint(it.ID, it.Query, it.Kind, it.Answer, it.Choices, it.GT, s0, e0, T, 1)
		if got != want {
			t.Errorf("sample %d: %s, want %s", i, got, want)
		}
		if len(s.Pooled) != T*s.PooledDim || s.PooledDim != f.Encoder.PooledDim() || len(s.Pixels) != T*PixelDim || len(s.Aux) != T*3 {
			t.Errorf("sample %d: pooled %d (dim %d), pixels %d, aux %d values", i, len(s.Pooled), s.PooledDim, len(s.Pixels), len(s.Aux))
		}
		if !(s.Duration >= s.Times[T-1]) {
			t.Errorf("sample %d: duration %v before the last frame %v", i, s.Duration, s.Times[T-1])
		}
	}
	var entries int
	filepath.WalkDir(cache.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".gob") {
			entries++
		}
		return err
	})
	if entries != len(items) {
		t.Errorf("%d cache entries, want %d", entries, len(items))
	}

	// Again: every sample comes from the cache (the frozen stages are not
	// run), equal to the first build.
	f2 := tinyFrozen(t, errSegmenter{})
	again, err := Build(ctx, f2, cache, items, T, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(samples, again, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("second Build (-first +second):\n%s", diff)
	}
	// Another T is another stage configuration: a miss.
	if _, err := Build(ctx, f2, cache, items[:1], T+1, 1, nil); !errors.Is(err, errNoSegment) {
		t.Errorf("Build with another T: %v, want the segmenter's error (a cache miss)", err)
	}
}

func TestBuildErrors(t *testing.T) {
	dir := splitDir(t)
	items, err := SplitItems(dir, false)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	f := tinyFrozen(t, fakeSegmenter{start: 1})
	missing := items[0]
	missing.Video = filepath.Join(t.TempDir(), "gone.mp4")
	notVideo := items[0]
	notVideo.Video = filepath.Join(t.TempDir(), "text.mp4")
	os.WriteFile(notVideo.Video, []byte("not a video"), 0o644)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	tests := []struct {
		name  string
		ctx   context.Context
		items []Item
		is    error
		want  string
	}{
		{"missing video", ctx, []Item{items[0], missing}, nil, "gone.mp4"},
		{"not a video", ctx, []Item{notVideo}, nil, "text.mp4"},
		{"segmenter fails", ctx, items[:1], errNoSegment, ""},
		{"cancelled", cancelled, items, context.Canceled, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ff := f
			if tc.is == errNoSegment {
				ff = tinyFrozen(t, errSegmenter{})
			}
			cache := Cache{Dir: t.TempDir()}
			s, err := Build(tc.ctx, ff, cache, tc.items, 4, 2, nil)
			if err == nil {
				t.Fatalf("Build = %d samples, nil error", len(s))
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not name %q", err, tc.want)
			}
		})
	}
}

// TestBuildItemWithoutGT: an item without a ground-truth span (a question
// whose evidence list is empty) is an error naming it, not a panic. The
// panic happens in a worker goroutine, where it cannot be recovered: the
// test runs Build in a child process.
func TestBuildItemWithoutGT(t *testing.T) {
	dir := splitDir(t)
	if os.Getenv("GROUNDER_TEST_BUILD_NO_GT") == "1" {
		items, err := SplitItems(dir, true)
		if err != nil {
			t.Fatal(err)
		}
		it := items[len(items)-1]
		it.GT = nil
		_, err = Build(context.Background(), tinyFrozen(t, fakeSegmenter{start: 1}), Cache{Dir: t.TempDir()}, []Item{it}, 4, 1, nil)
		if err == nil {
			t.Fatal("Build of an item without GT: no error")
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBuildItemWithoutGT$")
	cmd.Env = append(os.Environ(), "GROUNDER_TEST_BUILD_NO_GT=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		first := string(out)
		if i := strings.Index(first, "\n\ngoroutine"); i > 0 {
			first = first[:i]
		}
		if strings.Contains(first, "panic:") {
			t.Errorf("BUG: Build of an item without GT crashes the process:\n%s", first)
		} else {
			t.Errorf("Build of an item without GT: %v\n%s", err, first)
		}
	}
}

// TestBuildChoicesKey: two questions on one video with the same text and
// different choices are different samples, whatever the choices' words.
func TestBuildChoicesKey(t *testing.T) {
	dir := splitDir(t)
	items, err := SplitItems(dir, true)
	if err != nil {
		t.Fatal(err)
	}
	a := items[len(items)-1]
	a.Choices, a.Answer = []string{"red ball", "blue"}, 0
	b := a
	b.Choices = []string{"red", "ball blue"}
	f := tinyFrozen(t, fakeSegmenter{start: 1})
	cache := Cache{Dir: t.TempDir()}
	ctx := context.Background()
	if _, err := Build(ctx, f, cache, []Item{a}, 4, 1, nil); err != nil {
		t.Fatal(err)
	}
	s, err := Build(ctx, f, cache, []Item{b}, 4, 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(b.Choices, s[0].ChoiceText); diff != "" {
		t.Errorf("BUG: the cache key joins the choices with fmt.Sprint, so %q and %q share an entry: choices (-item +sample):\n%s", a.Choices, b.Choices, diff)
	}
}
