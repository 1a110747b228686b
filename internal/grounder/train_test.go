package grounder

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/lora"
)

// meanLoss is the mean of Loss over samples on the eager executor.
func meanLoss(t testing.TB, m *Model, b Base, samples []*Sample, klWeight float64) float64 {
	t.Helper()
	var sum float64
	for _, s := range samples {
		e := nn.NewEager()
		out, err := m.Forward(e, b, s.Input(m.Config))
		if err != nil {
			t.Fatal(err)
		}
		l := m.Loss(e, out, s.Start, s.End, s.Answer, s.AuxTensor(), klWeight)
		if err := e.Err(); err != nil {
			t.Fatal(err)
		}
		sum += float64(e.Dense(l).Float32s()[0])
	}
	return sum / float64(len(samples))
}

// paramsOf copies the values of the trained tensors.
func paramsOf(m *Model, set *lora.Set) [][]float32 {
	var out [][]float32
	for _, p := range append(m.Params(), set.Params()...) {
		out = append(out, slices.Clone(p.Float32s()))
	}
	return out
}

// tinyTrainOptions trains on questionSamples, one per step (fast under
// -race).
func tinyTrainOptions() TrainOptions {
	return TrainOptions{Steps: 30, Batch: 1, LR: 1e-2, KLWeight: 0.1, Seed: 3}
}

// TestTrainBatchWithoutQuestion: a step whose batch holds no question
// leaves the choice head out of the graph; Train must still step (the
// unused head gets no update, or a zero gradient), not fail.
func TestTrainBatchWithoutQuestion(t *testing.T) {
	tests := []struct {
		name     string
		samples  func(all []*Sample) []*Sample
		klWeight float64
	}{
		{"grounding queries only", func(all []*Sample) []*Sample { return all[:4] }, 0.1},
		{"queries and questions, batches of 2", func(all []*Sample) []*Sample { return all }, 0.1},
		{"questions only, no KL term", func(all []*Sample) []*Sample { return all[4:] }, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := tinyBase(t, 1)
			m, set, err := Init(context.Background(), b, tinyConfig(), 5)
			if err != nil {
				t.Fatal(err)
			}
			o := tinyTrainOptions()
			o.Steps, o.Batch, o.KLWeight = 3, 2, tc.klWeight
			if err := Train(context.Background(), m, b, set, tc.samples(synthSamples(t, b.Tok)), NewAdamW(), 0, o); err != nil {
				t.Errorf("BUG: %v", err)
			}
		})
	}
}

func TestTrainLossDecreases(t *testing.T) {
	b := tinyBase(t, 1)
	samples := questionSamples(t, b.Tok)
	m, set, err := Init(context.Background(), b, tinyConfig(), 5)
	if err != nil {
		t.Fatal(err)
	}
	o := tinyTrainOptions()
	before := meanLoss(t, m, b, samples, o.KLWeight)
	var lines []string
	o.Log = func(format string, args ...any) { lines = append(lines, fmt.Sprintf(format, args...)) }
	if err := Train(context.Background(), m, b, set, samples, NewAdamW(), 0, o); err != nil {
		t.Fatal(err)
	}
	after := meanLoss(t, m, b, samples, o.KLWeight)
	t.Logf("mean loss %.4f before, %.4f after", before, after)
	if !(after < 0.7*before) {
		t.Errorf("mean loss %.4f before, %.4f after %d steps: want a drop of at least 30%%", before, after, o.Steps)
	}
	// Progress every 10 steps and at the end.
	if len(lines) != 4 || !strings.HasPrefix(lines[3], "step 30/30 ") {
		t.Errorf("progress lines %q, want 4 ending with step 30/30", lines)
	}
	// The adapters trained too (B leaves zero).
	var moved bool
	for _, a := range set.Adapters() {
		for _, v := range a.B.Float32s() {
			moved = moved || v != 0
		}
	}
	if !moved {
		t.Errorf("every LoRA B is still zero after training")
	}
}

func TestTrainErrors(t *testing.T) {
	b := tinyBase(t, 1)
	samples := questionSamples(t, b.Tok)
	m, set, err := Init(context.Background(), b, tinyConfig(), 5)
	if err != nil {
		t.Fatal(err)
	}
	wide := synthSample(t, b.Tok, 9, "the ball", 0, 1, false, -1)
	wide.PooledDim = tinyPooled + 1
	wide.Pooled = append(wide.Pooled, make([]float32, tinyT)...)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	o := tinyTrainOptions()
	tests := []struct {
		name    string
		ctx     context.Context
		samples []*Sample
		edit    func(o *TrainOptions)
		want    string
		is      error
	}{
		{name: "no samples", ctx: context.Background(), samples: nil, want: "0 samples"},
		{name: "no batch", ctx: context.Background(), samples: samples, edit: func(o *TrainOptions) { o.Batch = 0 }, want: "batch 0"},
		{name: "no steps", ctx: context.Background(), samples: samples, edit: func(o *TrainOptions) { o.Steps = 0 }, want: "0 steps"},
		{name: "misshapen sample", ctx: context.Background(), samples: []*Sample{wide}, want: `synth "the ball"`},
		{name: "cancelled", ctx: ctx, samples: samples, is: context.Canceled},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			o := o
			if tc.edit != nil {
				tc.edit(&o)
			}
			before := paramsOf(m, set)
			err := Train(tc.ctx, m, b, set, tc.samples, NewAdamW(), 0, o)
			if err == nil {
				t.Fatal("Train returned no error")
			}
			if tc.is != nil && !errors.Is(err, tc.is) {
				t.Errorf("error %v, want %v", err, tc.is)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want it to contain %q", err, tc.want)
			}
			if diff := cmp.Diff(before, paramsOf(m, set)); diff != "" {
				t.Errorf("a failed Train changed the parameters (-before +after):\n%s", diff)
			}
		})
	}
}

func TestBatchAt(t *testing.T) {
	// Every epoch visits every sample once; the same (seed, step) gives
	// the same batch.
	const n, batch = 5, 2
	seen := map[int]int{}
	for step := range 7 { // 14 positions: two epochs and a bit
		b := batchAt(n, batch, 9, step)
		if diff := cmp.Diff(b, batchAt(n, batch, 9, step)); diff != "" {
			t.Fatalf("step %d not deterministic:\n%s", step, diff)
		}
		for j, i := range b {
			if pos := step*batch + j; pos < 2*n {
				seen[i]++
			}
		}
	}
	for i := range n {
		if seen[i] != 2 {
			t.Errorf("sample %d seen %d times in the first two epochs, want 2", i, seen[i])
		}
	}
	if slices.Equal(batchAt(100, 10, 1, 0), batchAt(100, 10, 2, 0)) {
		t.Errorf("seeds 1 and 2 give the same first batch")
	}
}

// stopCtx is a context that is cancelled as soon as cond holds when its
// Err is asked: it interrupts Train at a point fixed by the files Train
// writes, not by timing.
type stopCtx struct {
	context.Context
	cond func() bool
	once sync.Once
	done chan struct{}
}

func newStopCtx(cond func() bool) *stopCtx {
	return &stopCtx{Context: context.Background(), cond: cond, done: make(chan struct{})}
}

func (c *stopCtx) Err() error {
	select {
	case <-c.done:
		return context.Canceled
	default:
	}
	if c.cond() {
		c.once.Do(func() { close(c.done) })
		return context.Canceled
	}
	return nil
}

func (c *stopCtx) Done() <-chan struct{} { return c.done }

// stateAt reports whether out/state.json records at least step.
func stateAt(out string, step int) func() bool {
	return func() bool {
		st, err := ReadState(out)
		return err == nil && st.Step >= step
	}
}

// TestTrainCheckpointResume interrupts a run once its checkpoint of step 3
// is written, resumes it from its run directory as examples/train-grounder
// does (Load, AdamW.Load, ReadState) on a fresh copy of the language
// model, and checks that the result is bit-identical to an uninterrupted
// run of the same total steps.
func TestTrainCheckpointResume(t *testing.T) {
	ctx := context.Background()
	c := tinyConfig()
	o := tinyTrainOptions()
	o.Steps = 8
	const stop = 3

	// Uninterrupted.
	b0 := tinyBase(t, 1)
	samples := questionSamples(t, b0.Tok)
	m0, set0, err := Init(ctx, b0, c, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := Train(ctx, m0, b0, set0, samples, NewAdamW(), 0, o); err != nil {
		t.Fatal(err)
	}
	want := paramsOf(m0, set0)

	// Interrupted after step 3's checkpoint.
	out := t.TempDir()
	b1 := tinyBase(t, 1)
	m1, set1, err := Init(ctx, b1, c, 5)
	if err != nil {
		t.Fatal(err)
	}
	oi := o
	oi.Out, oi.Every = out, 1
	if err := Train(newStopCtx(stateAt(out, stop)), m1, b1, set1, samples, NewAdamW(), 0, oi); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Train: %v, want context.Canceled", err)
	}
	for _, f := range []string{
		filepath.Join(LatestDir, "config.json"), filepath.Join(LatestDir, "model.safetensors"),
		filepath.Join(LatestDir, AdapterDir, lora.ConfigFile), filepath.Join(LatestDir, AdapterDir, lora.WeightsFile),
		filepath.Join(LatestDir, OptimFile), filepath.Join(LatestDir, StateFile),
	} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("run directory: %v", err)
		}
	}
	left, _ := filepath.Glob(filepath.Join(out, "*.tmp*"))
	if len(left) > 0 {
		t.Errorf("temporary files left in the run directory: %q", left)
	}
	st, err := ReadState(out)
	if err != nil {
		t.Fatal(err)
	}
	if st.Step != stop {
		t.Fatalf("state step %d, want %d", st.Step, stop)
	}

	// Resume on a fresh copy of the base model.
	b2 := tinyBase(t, 1)
	m2, set2, err := Load(ctx, os.DirFS(filepath.Join(out, LatestDir)), b2)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(c, m2.Config); diff != "" {
		t.Errorf("loaded config (-want +got):\n%s", diff)
	}
	// What was saved is the state after 3 steps: bit-identical to the
	// interrupted run's parameters.
	if diff := cmp.Diff(paramsOf(m1, set1), paramsOf(m2, set2)); diff != "" {
		t.Fatalf("loaded checkpoint differs from the interrupted run (-run +loaded):\n%s", diff)
	}
	adam := NewAdamW()
	if err := adam.Load(filepath.Join(out, LatestDir, OptimFile)); err != nil {
		t.Fatal(err)
	}
	o2 := o
	o2.Out = out
	if err := Train(ctx, m2, b2, set2, samples, adam, st.Step, o2); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(want, paramsOf(m2, set2)); diff != "" {
		t.Errorf("resumed run differs from the uninterrupted one (-uninterrupted +resumed):\n%s", diff)
	}
	if st, err := ReadState(out); err != nil || st.Step != o.Steps {
		t.Errorf("final state %+v, %v; want step %d", st, err, o.Steps)
	}
}

// TestSaveRunInterrupted interrupts SaveRun between its writes: once the
// second checkpoint's model.safetensors is in place, before its adapters,
// optimiser state and step. The run directory must then still hold one
// consistent checkpoint (the first, or the second whole): resuming from it
// must give what an uninterrupted run gives.
func TestSaveRunInterrupted(t *testing.T) {
	ctx := context.Background()
	c := tinyConfig()
	o := tinyTrainOptions()
	o.Steps = 3

	b0 := tinyBase(t, 1)
	samples := questionSamples(t, b0.Tok)
	m0, set0, err := Init(ctx, b0, c, 5)
	if err != nil {
		t.Fatal(err)
	}
	if err := Train(ctx, m0, b0, set0, samples, NewAdamW(), 0, o); err != nil {
		t.Fatal(err)
	}
	want := paramsOf(m0, set0)

	out := t.TempDir()
	b1 := tinyBase(t, 1)
	m1, set1, err := Init(ctx, b1, c, 5)
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(out, LatestDir, "model.safetensors")
	var first os.FileInfo
	secondModelWritten := func() bool {
		fi, err := os.Stat(model)
		if err != nil {
			return false
		}
		if first == nil {
			first = fi
			return false
		}
		return !os.SameFile(first, fi)
	}
	oi := o
	oi.Out, oi.Every = out, 1
	if err := Train(newStopCtx(secondModelWritten), m1, b1, set1, samples, NewAdamW(), 0, oi); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted Train: %v, want context.Canceled", err)
	}
	st, err := ReadState(out)
	if err != nil {
		t.Fatal(err)
	}
	b2 := tinyBase(t, 1)
	m2, set2, err := Load(ctx, os.DirFS(filepath.Join(out, LatestDir)), b2)
	if err != nil {
		t.Fatal(err)
	}
	adam := NewAdamW()
	if err := adam.Load(filepath.Join(out, LatestDir, OptimFile)); err != nil {
		t.Fatal(err)
	}
	if err := Train(ctx, m2, b2, set2, samples, adam, st.Step, o); err != nil {
		t.Fatal(err)
	}
	if n := countDiffering(want, paramsOf(m2, set2)); n > 0 {
		t.Errorf("BUG: resuming from a run directory whose SaveRun was interrupted (state.json step %d) differs from the uninterrupted run in %d of %d tensors: SaveRun's four writes are not one atomic checkpoint", st.Step, n, len(want))
	}
}

// countDiffering returns the number of tensors whose values differ.
func countDiffering(a, b [][]float32) int {
	n := 0
	for i := range a {
		if i >= len(b) || !slices.Equal(a[i], b[i]) {
			n++
		}
	}
	return n + max(0, len(b)-len(a))
}

func TestFitDeterministic(t *testing.T) {
	// Fit from the same seed on equal bases gives the same parameters;
	// another seed does not.
	ctx := context.Background()
	o := tinyTrainOptions()
	o.Steps = 3
	fit := func(seed uint64) [][]float32 {
		b := tinyBase(t, 1)
		m, set, err := Fit(ctx, b, tinyConfig(), questionSamples(t, b.Tok), seed, o)
		if err != nil {
			t.Fatal(err)
		}
		return paramsOf(m, set)
	}
	a, again, other := fit(1), fit(1), fit(2)
	if diff := cmp.Diff(a, again); diff != "" {
		t.Errorf("Fit with seed 1 twice (-first +second):\n%s", diff)
	}
	if cmp.Equal(a, other) {
		t.Errorf("Fit with seeds 1 and 2 gave equal parameters")
	}
}

func TestReadStateErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadState(dir); err == nil || !strings.Contains(err.Error(), StateFile) {
		t.Errorf("ReadState of an empty dir: %v, want an error naming %s", err, StateFile)
	}
	if err := os.MkdirAll(filepath.Join(dir, LatestDir), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, LatestDir, StateFile), []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadState(dir); err == nil || !strings.Contains(err.Error(), StateFile) {
		t.Errorf("ReadState of a truncated file: %v, want an error naming %s", err, StateFile)
	}
}
