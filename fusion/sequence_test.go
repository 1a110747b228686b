package fusion_test

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/nn"
)

func TestNewLayout(t *testing.T) {
	I, O, Tk, F := fusion.InstructionToken, fusion.ObjectToken, fusion.TimeTokenKind, fusion.FrameToken
	for _, tc := range []struct {
		name             string
		ins, nouns, T    int
		b                fusion.Budgets
		want             *fusion.Layout
		wantKindsOmitted bool
	}{
		{
			// The example of Layout's doc comment.
			name: "doc example", ins: 3, nouns: 2, T: 6, b: fusion.Budgets{Objects: 2, TimeTokens: 3},
			want: &fusion.Layout{
				Len:         16,
				Kinds:       []fusion.TokenKind{I, I, I, O, O, O, O, Tk, F, F, Tk, F, F, Tk, F, F},
				Instruction: []int{0, 1, 2},
				Objects:     [][]int{{3, 4}, {5, 6}},
				Chunks:      [][2]int{{0, 3}, {3, 6}},
				Time:        []int{7, 10, 13},
				TimeBins:    []int{0, 1, 2},
				Bins:        [][2]int{{0, 2}, {2, 4}, {4, 6}},
				Frames:      []int{8, 9, 11, 12, 14, 15},
			},
		},
		{
			// T < N_time: bins 0, 2 and 3 of 4 are empty for T = 2.
			name: "fewer frames than budgets", ins: 1, nouns: 1, T: 2, b: fusion.Budgets{Objects: 4, TimeTokens: 4},
			want: &fusion.Layout{
				Len:         7,
				Kinds:       []fusion.TokenKind{I, O, O, Tk, F, Tk, F},
				Instruction: []int{0},
				Objects:     [][]int{{1, 2}},
				Chunks:      [][2]int{{0, 1}, {1, 2}},
				Time:        []int{3, 5},
				TimeBins:    []int{0, 2},
				Bins:        [][2]int{{0, 1}, {1, 2}},
				Frames:      []int{4, 6},
			},
		},
		{
			name: "no object or time tokens", ins: 2, nouns: 3, T: 3, b: fusion.Budgets{},
			want: &fusion.Layout{
				Len:         5,
				Kinds:       []fusion.TokenKind{I, I, F, F, F},
				Instruction: []int{0, 1},
				Objects:     [][]int{nil, nil, nil},
				Frames:      []int{2, 3, 4},
			},
		},
		{
			name: "one frame, no text", ins: 0, nouns: 0, T: 1, b: fusion.DefaultBudgets(),
			want: &fusion.Layout{
				Len:      2,
				Kinds:    []fusion.TokenKind{Tk, F},
				Objects:  [][]int{},
				Chunks:   [][2]int{{0, 1}},
				Time:     []int{0},
				TimeBins: []int{0},
				Bins:     [][2]int{{0, 1}},
				Frames:   []int{1},
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fusion.NewLayout(tc.ins, tc.nouns, tc.T, tc.b)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("NewLayout (-want +got):\n%s", diff)
			}
		})
	}
}

// TestLayoutPaperBudgets checks the invariants of the layouts of Table V's
// budgets for T = 96: the frame positions increase, every time token
// directly precedes the first frame of its bin, and L adds up.
func TestLayoutPaperBudgets(t *testing.T) {
	for _, b := range []fusion.Budgets{{2, 4}, {4, 8}, {8, 16}, {16, 32}} {
		lay, err := fusion.NewLayout(12, 3, 96, b)
		if err != nil {
			t.Fatal(err)
		}
		if want := 12 + 3*b.Objects + b.TimeTokens + 96; lay.Len != want {
			t.Errorf("%+v: L = %d, want %d", b, lay.Len, want)
		}
		for i := 1; i < len(lay.Frames); i++ {
			if lay.Frames[i] <= lay.Frames[i-1] {
				t.Fatalf("%+v: frame positions not increasing at %d: %v", b, i, lay.Frames)
			}
		}
		for j, p := range lay.Time {
			if first := lay.Frames[lay.Bins[j][0]]; first != p+1 {
				t.Errorf("%+v: time token <%d> at %d, first frame of its bin at %d", b, lay.TimeBins[j], p, first)
			}
			if got, want := lay.Bins[j][1]-lay.Bins[j][0], 96/b.TimeTokens; got != want {
				t.Errorf("%+v: bin %d holds %d frames, want %d", b, j, got, want)
			}
		}
	}
}

func TestNewLayoutErrors(t *testing.T) {
	for _, tc := range []struct {
		ins, nouns, T int
		b             fusion.Budgets
		want          string
	}{
		{1, 1, 0, fusion.DefaultBudgets(), "0 frames"},
		{-1, 1, 4, fusion.DefaultBudgets(), "-1 instruction tokens"},
		{1, 1, 4, fusion.Budgets{Objects: -1}, "budgets -1 objects"},
	} {
		if _, err := fusion.NewLayout(tc.ins, tc.nouns, tc.T, tc.b); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("NewLayout(%d, %d, %d, %+v) error %v, want one containing %q", tc.ins, tc.nouns, tc.T, tc.b, err, tc.want)
		}
	}
}

// rowsOf returns the rows of a (L, d) tensor.
func rowsOf(d *tensor.Dense) [][]float32 {
	s := d.Shape()
	data := d.Float32s()
	rows := make([][]float32, s[0])
	for i := range rows {
		rows[i] = data[i*s[1] : (i+1)*s[1]]
	}
	return rows
}

// TestBuildSequence checks every row of a built sequence: instruction rows
// copied, object rows the masked means of their chunk, time rows the
// table's <k>, frame rows copied.
func TestBuildSequence(t *testing.T) {
	const d, T, nouns = 3, 6, 2
	rng := rand.New(rand.NewPCG(9, 9))
	in := fusion.SequenceInput{
		Instruction: randDense(rng, 2, d),
		Objects:     randDense(rng, nouns, T, d),
		ObjectMask: tensor.New(tensor.WithShape(nouns, T), tensor.WithBacking([]float32{
			1, 1, 1, 1, 0, 1,
			0, 0, 0, 1, 1, 1,
		})),
		TimeTable: randDense(rng, 4, d),
		Frames:    randDense(rng, T, d),
	}
	seq, err := fusion.BuildSequence(in, fusion.Budgets{Objects: 2, TimeTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	obj := in.Objects.Float32s()
	mean := func(n int, frames ...int) []float32 {
		out := make([]float32, d)
		for _, f := range frames {
			for k := range d {
				out[k] += obj[(n*T+f)*d+k] / float32(len(frames))
			}
		}
		return out
	}
	ins, tt, fr := rowsOf(in.Instruction), rowsOf(in.TimeTable), rowsOf(in.Frames)
	want := [][]float32{
		ins[0], ins[1],
		mean(0, 0, 1, 2), mean(0, 3, 5), make([]float32, d), mean(1, 3, 4, 5),
		tt[0], fr[0], fr[1], tt[1], fr[2], fr[3], tt[2], fr[4], fr[5],
	}
	if diff := cmp.Diff(want, rowsOf(seq.Embeddings), cmpApprox(1e-6)); diff != "" {
		t.Errorf("sequence rows (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{7, 8, 10, 11, 13, 14}, seq.Layout.Frames); diff != "" {
		t.Errorf("frame positions (-want +got):\n%s", diff)
	}
}

func cmpApprox(tol float32) cmp.Option {
	return cmp.Comparer(func(a, b float32) bool { return a-b <= tol && b-a <= tol })
}

func TestBuildSequenceErrors(t *testing.T) {
	rng := rand.New(rand.NewPCG(10, 10))
	ok := func() fusion.SequenceInput {
		return fusion.SequenceInput{
			Instruction: randDense(rng, 2, 4), Objects: randDense(rng, 1, 5, 4),
			TimeTable: randDense(rng, 8, 4), Frames: randDense(rng, 5, 4),
		}
	}
	if _, err := fusion.BuildSequence(ok(), fusion.DefaultBudgets()); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	for _, tc := range []struct {
		name   string
		change func(*fusion.SequenceInput)
		b      fusion.Budgets
		want   string
	}{
		{"instruction width", func(in *fusion.SequenceInput) { in.Instruction = randDense(rng, 2, 3) }, fusion.DefaultBudgets(), "instruction tokens have shape (2, 3), want [2 4]"},
		{"object frames", func(in *fusion.SequenceInput) { in.Objects = randDense(rng, 1, 4, 4) }, fusion.DefaultBudgets(), "object embeddings have shape (1, 4, 4), want [1 5 4]"},
		{"mask shape", func(in *fusion.SequenceInput) { in.ObjectMask = randDense(rng, 2, 5) }, fusion.DefaultBudgets(), "object mask"},
		{"time table rows", func(in *fusion.SequenceInput) { in.TimeTable = randDense(rng, 3, 4) }, fusion.DefaultBudgets(), "time token table has 3 rows, the layout uses <0>..<6>"},
		{"time table missing", func(in *fusion.SequenceInput) { in.TimeTable = nil }, fusion.DefaultBudgets(), "time token table missing"},
		{"no frames", func(in *fusion.SequenceInput) { in.Frames = nil }, fusion.DefaultBudgets(), "frame tokens must be (T, d)"},
		{"zero frames", func(in *fusion.SequenceInput) {
			in.Frames = tensor.New(tensor.Of(tensor.Float32), tensor.WithShape(0, 4))
		}, fusion.DefaultBudgets(), "0 frames"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			in := ok()
			tc.change(&in)
			_, err := fusion.BuildSequence(in, tc.b)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
	// A zero object budget ignores the objects; a zero time budget needs no table.
	in := ok()
	in.TimeTable = nil
	seq, err := fusion.BuildSequence(in, fusion.Budgets{})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := seq.Layout.Len, 2+5; got != want {
		t.Errorf("L = %d, want %d", got, want)
	}
}

// TestAssembleGradient checks that gradients reach every part of the
// sequence, through pooling and slicing, by central differences.
func TestAssembleGradient(t *testing.T) {
	const d, T, nouns = 2, 5, 2
	rng := rand.New(rand.NewPCG(12, 12))
	ins, obj, table, frames := randDense(rng, 2, d), randDense(rng, nouns, T, d), randDense(rng, 3, d), randDense(rng, T, d)
	mask := tensor.New(tensor.WithShape(nouns, T), tensor.WithBacking([]float32{1, 0, 1, 1, 1, 0, 1, 1, 0, 1}))
	lay, err := fusion.NewLayout(2, nouns, T, fusion.Budgets{Objects: 2, TimeTokens: 3})
	if err != nil {
		t.Fatal(err)
	}
	build := func(e nn.Exec) nn.V {
		out, err := fusion.Assemble(e, lay, fusion.SequenceParts{
			Instruction: e.Param(ins), Objects: e.Param(obj), ObjectMask: mask, TimeTable: e.Param(table), Frames: e.Param(frames),
		})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	checkGrad(t, build, []*tensor.Dense{ins, obj, table, frames}, lay.Len*d)
}

// BenchmarkBuildSequence builds the sequence of a 96-frame clip with the
// paper's budgets 4/8: 16 instruction tokens, 3 noun tracks, d_LLM = 256.
func BenchmarkBuildSequence(b *testing.B) {
	const d, T, nouns = 256, 96, 3
	rng := rand.New(rand.NewPCG(1, 1))
	in := fusion.SequenceInput{
		Instruction: randDense(rng, 16, d), Objects: randDense(rng, nouns, T, d),
		TimeTable: randDense(rng, 8, d), Frames: randDense(rng, T, d),
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := fusion.BuildSequence(in, fusion.DefaultBudgets()); err != nil {
			b.Fatal(err)
		}
	}
}
