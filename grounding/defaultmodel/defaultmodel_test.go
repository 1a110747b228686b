package defaultmodel_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/videodit/videodit/grounding"
	"github.com/videodit/videodit/grounding/defaultmodel"
	"github.com/videodit/videodit/internal/grounder"
	"github.com/videodit/videodit/internal/synth"
)

// tinyFrames is T for the test clips.
const tinyFrames = 8

// tinyClip is video 0 of a one-video split (seed 5, 4-5 s, one query, one
// question) decoded to tinyFrames frames, with its metadata and question.
type tinyClip struct {
	video *grounding.Video
	meta  *synth.Meta
	qa    synth.QA
}

var (
	clipOnce sync.Once
	clip     tinyClip
	clipErr  error
)

// loadClip writes the split once per test binary and decodes its video as a
// user would (ffmpeg).
func loadClip(t *testing.T) tinyClip {
	t.Helper()
	clipOnce.Do(func() { clip, clipErr = writeClip() })
	if clipErr != nil {
		t.Fatal(clipErr)
	}
	return clip
}

func writeClip() (tinyClip, error) {
	ctx := context.Background()
	dir, err := os.MkdirTemp("", "defaultmodel-test")
	if err != nil {
		return tinyClip{}, err
	}
	defer os.RemoveAll(dir)
	cfg := synth.Config{Split: "tiny", MinDuration: 4, MaxDuration: 5, Queries: 1, QA: 1}
	if err := synth.WriteSplit(ctx, dir, cfg, 5, 1, synth.WriteOptions{Workers: 1}); err != nil {
		return tinyClip{}, err
	}
	id := "tiny-5-00000"
	meta, err := synth.ReadMeta(filepath.Join(dir, "meta", id+".json"))
	if err != nil {
		return tinyClip{}, err
	}
	if len(meta.Queries) == 0 || len(meta.Entities) == 0 {
		return tinyClip{}, fmt.Errorf("%s: %d queries, %d entities", id, len(meta.Queries), len(meta.Entities))
	}
	f, err := os.Open(filepath.Join(dir, "qa.jsonl"))
	if err != nil {
		return tinyClip{}, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	if !sc.Scan() {
		return tinyClip{}, fmt.Errorf("qa.jsonl: no question (%v)", sc.Err())
	}
	var qa synth.QA
	if err := json.Unmarshal(sc.Bytes(), &qa); err != nil {
		return tinyClip{}, fmt.Errorf("qa.jsonl: %w", err)
	}
	v, err := grounding.LoadVideoFile(ctx, filepath.Join(dir, "videos", id+".mp4"), grounding.VideoOptions{Frames: tinyFrames})
	if err != nil {
		return tinyClip{}, err
	}
	return tinyClip{video: v, meta: meta, qa: qa}, nil
}

// copyWeights writes the embedded checkpoint to a new directory and returns
// it.
func copyWeights(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "weights")
	err := fs.WalkDir(defaultmodel.Weights(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		dst := filepath.Join(dir, filepath.FromSlash(p))
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := fs.ReadFile(defaultmodel.Weights(), p)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// checkSpans checks that res holds 1 to k spans inside the clip, ranked by
// score.
func checkSpans(t *testing.T, what string, spans []grounding.Span, k int, duration float64) {
	t.Helper()
	if len(spans) == 0 || len(spans) > k {
		t.Fatalf("%s: %d spans, want 1 to %d", what, len(spans), k)
	}
	for i, s := range spans {
		if !(0 <= s.Start && s.Start < s.End && s.End <= duration+1e-9) ||
			!(0 <= s.StartFrame && s.StartFrame <= s.EndFrame && s.EndFrame < tinyFrames) {
			t.Errorf("%s: span %d %+v outside the %g s, %d-frame clip or reversed", what, i, s, duration, tinyFrames)
		}
		if !(s.Score >= 0 && s.Score <= 1) {
			t.Errorf("%s: span %d score %g outside [0, 1]", what, i, s.Score)
		}
		if i > 0 && s.Score > spans[i-1].Score {
			t.Errorf("%s: span %d scores %g, more than span %d (%g)", what, i, s.Score, i-1, spans[i-1].Score)
		}
	}
}

// TestLoadTasks runs Ground, Track and Answer of the default model on a
// generated clip. The weights may be a placeholder: the answers' accuracy
// is e2e_test's business; here they must be well-formed.
func TestLoadTasks(t *testing.T) {
	ctx := context.Background()
	c := loadClip(t)
	var mu sync.Mutex
	stages := map[string]bool{}
	p, err := defaultmodel.Load(ctx, grounding.Options{TopK: 2, Progress: func(stage string, done, total int) {
		mu.Lock()
		stages[stage] = true
		mu.Unlock()
	}})
	if err != nil {
		t.Fatal(err)
	}
	q := c.meta.Queries[0].Text
	res, err := p.Ground(ctx, c.video, q)
	if err != nil {
		t.Fatalf("Ground(%q): %v", q, err)
	}
	if res.Query != q || res.Frames != tinyFrames || res.Duration != c.video.Duration {
		t.Errorf("Ground(%q): query %q, %d frames, %g s; want the query, %d frames, %g s", q, res.Query, res.Frames, res.Duration, tinyFrames, c.video.Duration)
	}
	checkSpans(t, fmt.Sprintf("Ground(%q)", q), res.Spans, 2, c.video.Duration)
	if len(res.Entities)+len(res.Dropped) == 0 {
		t.Errorf("Ground(%q): no entity kept or dropped", q)
	}
	if _, err := json.Marshal(res); err != nil {
		t.Errorf("Ground(%q) result does not marshal: %v", q, err)
	}
	for _, s := range []string{"segment", "encode", "lm", "spans"} {
		if !stages[s] {
			t.Errorf("Ground: no progress for stage %q (got %v)", s, stages)
		}
	}

	phrase := c.meta.Entities[0].Description
	tr, err := p.Track(ctx, c.video, phrase, q)
	if err != nil {
		t.Fatalf("Track(%q, %q): %v", phrase, q, err)
	}
	if tr.Phrase != phrase || tr.Frames != tinyFrames || len(tr.Gate) != tinyFrames {
		t.Errorf("Track(%q): phrase %q, %d frames, %d gate values; want %d frames", phrase, tr.Phrase, tr.Frames, len(tr.Gate), tinyFrames)
	}
	if !(tr.Score >= 0 && tr.Score <= 1) || tr.Happens != (tr.Score >= grounding.DefaultEventThreshold) || (tr.Span != nil) != tr.Happens {
		t.Errorf("Track(%q, %q): score %g, happens %v, span %v: inconsistent", phrase, q, tr.Score, tr.Happens, tr.Span)
	}
	if tr.Happens {
		// The event's span is Ground's top span of the same text.
		if d := cmp.Diff(res.Spans[0], *tr.Span, cmpopts.EquateApprox(0, 1e-9)); d != "" {
			t.Errorf("Track's event span differs from Ground's top span (-Ground +Track):\n%s", d)
		}
	}

	ans, err := p.Answer(ctx, c.video, c.qa.Question, c.qa.Choices)
	if err != nil {
		t.Fatalf("Answer(%q): %v", c.qa.Question, err)
	}
	if ans.Choice < 0 || ans.Choice >= len(c.qa.Choices) || ans.Text != c.qa.Choices[ans.Choice] || len(ans.Probs) != len(c.qa.Choices) {
		t.Errorf("Answer(%q): choice %d %q, %d probabilities; want one of the %d choices", c.qa.Question, ans.Choice, ans.Text, len(ans.Probs), len(c.qa.Choices))
	}
	sum := 0.0
	for _, pr := range ans.Probs {
		sum += pr
	}
	if math.Abs(sum-1) > 1e-6 {
		t.Errorf("Answer(%q): probabilities %v sum to %g", c.qa.Question, ans.Probs, sum)
	}
	checkSpans(t, fmt.Sprintf("Answer(%q) evidence", c.qa.Question), ans.Spans, 2, c.video.Duration)
}

// TestLoadDir loads a copy of the embedded checkpoint from a directory (the
// same spans as Load) and fails on broken copies, naming the directory.
func TestLoadDir(t *testing.T) {
	ctx := context.Background()
	c := loadClip(t)
	q := c.meta.Queries[0].Text
	ground := func(p *grounding.Pipeline) []grounding.Span {
		t.Helper()
		res, err := p.Ground(ctx, c.video, q)
		if err != nil {
			t.Fatalf("Ground(%q): %v", q, err)
		}
		return res.Spans
	}
	p, err := defaultmodel.Load(ctx, grounding.Options{})
	if err != nil {
		t.Fatal(err)
	}
	want := ground(p)
	dir := copyWeights(t)
	p, err = defaultmodel.LoadDir(ctx, dir, grounding.Options{})
	if err != nil {
		t.Fatalf("LoadDir(a copy of the weights): %v", err)
	}
	if d := cmp.Diff(want, ground(p)); d != "" {
		t.Errorf("LoadDir(a copy of the weights) grounds differently from Load (-Load +LoadDir):\n%s", d)
	}

	// broken returns a copy of the weights changed by edit.
	broken := func(edit func(dir string) error) string {
		t.Helper()
		dir := copyWeights(t)
		if err := edit(dir); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	editConfig := func(field string, value any) func(string) error {
		return func(dir string) error {
			p := filepath.Join(dir, "config.json")
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			var c map[string]any
			if err := json.Unmarshal(b, &c); err != nil {
				return err
			}
			c[field] = value
			if b, err = json.Marshal(c); err != nil {
				return err
			}
			return os.WriteFile(p, b, 0o644)
		}
	}
	truncate := func(name string) func(string) error {
		return func(dir string) error {
			p := filepath.Join(dir, filepath.FromSlash(name))
			info, err := os.Stat(p)
			if err != nil {
				return err
			}
			return os.Truncate(p, info.Size()/2)
		}
	}
	for _, tc := range []struct {
		name string
		dir  string
		want []string
	}{
		{"another llm_dim", broken(editConfig("llm_dim", 128)), []string{"llm_dim"}},
		{"another pooled_dim", broken(editConfig("pooled_dim", 391)), []string{"model.safetensors", "g_phi"}},
		{"truncated model", broken(truncate("model.safetensors")), []string{"model.safetensors"}},
		{"truncated adapters", broken(truncate("adapter/adapter_model.safetensors")), []string{"adapter_model.safetensors"}},
		{"no config", broken(func(dir string) error { return os.Remove(filepath.Join(dir, "config.json")) }), []string{"config.json"}},
		{"missing directory", filepath.Join(t.TempDir(), "absent"), nil},
		{"pixel features", pixelCheckpoint(t), []string{`"pixels"`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := defaultmodel.LoadDir(ctx, tc.dir, grounding.Options{})
			if err == nil {
				t.Fatalf("LoadDir(%s): no error, pipeline %v", tc.name, p)
			}
			for _, w := range append([]string{tc.dir}, tc.want...) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("LoadDir(%s) error %q does not name %s", tc.name, err, w)
				}
			}
		})
	}
}

// pixelCheckpoint writes an untrained pixel-features model (the w/o DTL
// ablation) of the default sizes with grounder.Save and returns its
// directory.
func pixelCheckpoint(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	_, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	def, _, err := grounder.Load(ctx, defaultmodel.Weights(), base)
	if err != nil {
		t.Fatal(err)
	}
	_, base, err = grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	c := def.Config
	c.Features, c.PooledDim = grounder.PixelFeatures, grounder.PixelDim
	m, set, err := grounder.Init(ctx, base, c, 1)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "pixels")
	if err := grounder.Save(ctx, dir, m, set); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestStages(t *testing.T) {
	ctx := context.Background()
	frozen, base, err := grounder.LoadDefaults(ctx, grounder.DefaultEncoderOptions())
	if err != nil {
		t.Fatal(err)
	}
	def, _, err := grounder.Load(ctx, defaultmodel.Weights(), base)
	if err != nil {
		t.Fatal(err)
	}
	st, err := defaultmodel.Stages(frozen, base, def)
	if err != nil {
		t.Fatalf("Stages(the default model): %v", err)
	}
	if st.Segmenter == nil || st.Encoder == nil || st.Text == nil || st.Time == nil || st.Fuser == nil || st.LM == nil || st.Spans == nil || st.Answers == nil {
		t.Errorf("Stages(the default model) left a stage nil: %+v", st)
	}
	if _, err := grounding.New(st, grounding.Options{}); err != nil {
		t.Errorf("grounding.New(Stages(the default model)): %v", err)
	}
	if frozen.Encoder.Proj.W == def.Proj.W {
		// Stages must not overwrite the frozen encoder's g_phi in place.
		t.Errorf("Stages wired the model's g_phi into the frozen encoder itself")
	}

	for _, tc := range []struct {
		name string
		edit func(*grounder.Config)
		want string
	}{
		{"pixel features", func(c *grounder.Config) { c.Features, c.PooledDim = grounder.PixelFeatures, grounder.PixelDim }, `"pixels"`},
		{"another pooled width", func(c *grounder.Config) { c.PooledDim++ }, fmt.Sprint(def.Config.PooledDim + 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := def.Config
			tc.edit(&c)
			m, err := grounder.New(c, rand.New(rand.NewPCG(1, 2)))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := defaultmodel.Stages(frozen, base, m); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Stages(%s model): error = %v, want one naming %s", tc.name, err, tc.want)
			}
		})
	}
}
