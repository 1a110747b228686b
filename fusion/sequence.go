package fusion

import (
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
)

// Budgets are the token budgets of the mixed-token sequence (paper Table V:
// 2/4, 4/8, 8/16, 16/32 object/time tokens; 4/8 is the paper's best).
type Budgets struct {
	// Objects is N_obj, the number of time chunks each noun track is
	// pooled over: at most Objects object tokens per noun. 0 leaves object
	// tokens out.
	Objects int
	// TimeTokens is N_time, the number of time bins, each announced by its
	// discrete time token <k>. 0 leaves time tokens out.
	TimeTokens int
}

// DefaultBudgets returns the paper's best budgets: 4 object and 8 time
// tokens.
func DefaultBudgets() Budgets { return Budgets{Objects: 4, TimeTokens: 8} }

// TokenKind says what a position of the mixed-token sequence holds.
type TokenKind uint8

// The kinds of tokens of the mixed sequence.
const (
	InstructionToken TokenKind = iota
	ObjectToken
	TimeTokenKind
	FrameToken
)

func (k TokenKind) String() string {
	switch k {
	case InstructionToken:
		return "instruction"
	case ObjectToken:
		return "object"
	case TimeTokenKind:
		return "time"
	case FrameToken:
		return "frame"
	}
	return fmt.Sprintf("TokenKind(%d)", uint8(k))
}

// Layout is the arrangement of the mixed-token sequence (paper III-C), in
// this order:
//
//  1. the instruction tokens (the query or question as text tokens);
//  2. the object tokens, noun-major: for each noun track n and each
//     non-empty time chunk c, the track's embedding pooled over the frames
//     of chunk c;
//  3. for each non-empty time bin k in increasing order: the time token <k>
//     followed by the frame tokens of the frames of bin k.
//
// Frame t belongs to object chunk floor(t*N_obj/T) and to time bin
// floor(t*N_time/T), so chunk and bin k always mean the same fraction of
// the clip; when T < N_obj (or N_time) some chunks (bins) hold no frame and
// are left out, with their tokens.
//
// Example: 3 instruction tokens, 2 nouns, T = 6 frames, Budgets{Objects: 2,
// TimeTokens: 3}: chunks are frames {0,1,2} and {3,4,5}, bins {0,1}, {2,3},
// {4,5}, and the L = 3+4+3+6 = 16 positions hold
//
//	0-2: instruction    3: noun 0 chunk 0   4: noun 0 chunk 1
//	5: noun 1 chunk 0   6: noun 1 chunk 1   7: <0>  8: frame 0  9: frame 1
//	10: <1>  11: frame 2  12: frame 3  13: <2>  14: frame 4  15: frame 5
//
// so Frames = [8 9 11 12 14 15], Time = [7 10 13], TimeBins = [0 1 2].
type Layout struct {
	// Len is L, the length of the sequence; Kinds[i] is the kind of
	// position i.
	Len   int
	Kinds []TokenKind
	// Instruction holds the positions of the instruction tokens, in order.
	Instruction []int
	// Objects[n][j] is the position of noun n's j-th object token, pooled
	// over the frames [Chunks[j][0], Chunks[j][1]).
	Objects [][]int
	Chunks  [][2]int
	// Time[j] is the position of a time token, TimeBins[j] its k (the
	// token is <k>), covering the frames [Bins[j][0], Bins[j][1]).
	Time     []int
	TimeBins []int
	Bins     [][2]int
	// Frames[t] is the position of frame t's token: the positions the span
	// heads read (Eq. 15).
	Frames []int
}

// NewLayout returns the layout of a sequence with the given number of
// instruction tokens, noun tracks and frames T. It fails on T < 1, negative
// counts or negative budgets.
func NewLayout(instruction, nouns, T int, b Budgets) (*Layout, error) {
	switch {
	case T < 1:
		return nil, fmt.Errorf("fusion: sequence of %d frames, want T >= 1", T)
	case instruction < 0 || nouns < 0:
		return nil, fmt.Errorf("fusion: sequence of %d instruction tokens and %d nouns, want >= 0", instruction, nouns)
	case b.Objects < 0 || b.TimeTokens < 0:
		return nil, fmt.Errorf("fusion: token budgets %d objects and %d time tokens, want >= 0", b.Objects, b.TimeTokens)
	}
	lay := &Layout{}
	add := func(k TokenKind) int {
		lay.Kinds = append(lay.Kinds, k)
		return len(lay.Kinds) - 1
	}
	for range instruction {
		lay.Instruction = append(lay.Instruction, add(InstructionToken))
	}
	lay.Chunks = groups(T, b.Objects)
	lay.Objects = make([][]int, nouns)
	for n := range nouns {
		for range lay.Chunks {
			lay.Objects[n] = append(lay.Objects[n], add(ObjectToken))
		}
	}
	lay.Frames = make([]int, T)
	if b.TimeTokens == 0 {
		for t := range T {
			lay.Frames[t] = add(FrameToken)
		}
	} else {
		for _, k := range nonEmptyGroups(T, b.TimeTokens) {
			lo, hi := groupRange(T, b.TimeTokens, k)
			lay.Time = append(lay.Time, add(TimeTokenKind))
			lay.TimeBins = append(lay.TimeBins, k)
			lay.Bins = append(lay.Bins, [2]int{lo, hi})
			for t := lo; t < hi; t++ {
				lay.Frames[t] = add(FrameToken)
			}
		}
	}
	lay.Len = len(lay.Kinds)
	return lay, nil
}

// groupRange returns the frames [lo, hi) of group k of n: the t with
// floor(t*n/T) = k.
func groupRange(T, n, k int) (lo, hi int) {
	// floor(t*n/T) >= k  <=>  t >= ceil(k*T/n).
	return (k*T + n - 1) / n, ((k+1)*T + n - 1) / n
}

// nonEmptyGroups returns the k in [0, n) whose group holds a frame.
func nonEmptyGroups(T, n int) []int {
	var ks []int
	for k := range n {
		if lo, hi := groupRange(T, n, k); lo < hi {
			ks = append(ks, k)
		}
	}
	return ks
}

// groups returns the frame ranges of the non-empty groups of n.
func groups(T, n int) [][2]int {
	var rs [][2]int
	for _, k := range nonEmptyGroups(T, n) {
		lo, hi := groupRange(T, n, k)
		rs = append(rs, [2]int{lo, hi})
	}
	return rs
}

// SequenceParts are the inputs of a mixed-token sequence, all embeddings of
// the language model's width d (d_LLM).
type SequenceParts struct {
	// Instruction holds the instruction tokens' embeddings, (L_ins, d);
	// nil for none.
	Instruction nn.V
	// Objects holds each noun track's per-frame embedding, (N, T, d); nil
	// for no nouns.
	Objects nn.V
	// ObjectMask, (N, T), weighs the frames in the pooling of Objects,
	// normally 1 where the track is present and 0 elsewhere; a chunk where
	// a track is absent pools to zeros. nil weighs every frame 1.
	ObjectMask *tensor.Dense
	// TimeTable holds the embeddings of the time tokens <0>..<N-1>,
	// (N, d), N >= Budgets.TimeTokens (the language model's embedding rows
	// of those tokens); nil when the budget is 0.
	TimeTable nn.V
	// Frames holds the fused frame tokens, (T, d) (Fuser's output).
	Frames nn.V
}

// Assemble builds the mixed-token sequence on e, shape (L, d), following
// lay (from NewLayout with the same counts and budgets). Gradients flow to
// every part. It checks every shape against lay first and fails naming
// what disagrees.
func Assemble(e nn.Exec, lay *Layout, p SequenceParts) (nn.V, error) {
	if lay == nil || p.Frames == nil {
		return nil, fmt.Errorf("fusion: assemble: nil layout or frame tokens")
	}
	fs := p.Frames.Shape()
	if len(fs) != 2 || fs[0] != len(lay.Frames) {
		return nil, fmt.Errorf("fusion: assemble: frame tokens have shape %v, the layout has T = %d frames", fs, len(lay.Frames))
	}
	T, d := fs[0], fs[1]
	check := func(name string, v nn.V, want ...int) error {
		if len(want) > 0 && want[0] == 0 && v == nil {
			return nil
		}
		if v == nil {
			return fmt.Errorf("fusion: assemble: %s missing, the layout wants shape %v", name, want)
		}
		s := v.Shape()
		if len(s) != len(want) {
			return fmt.Errorf("fusion: assemble: %s have shape %v, want %v", name, s, want)
		}
		for i := range s {
			if want[i] >= 0 && s[i] != want[i] {
				return fmt.Errorf("fusion: assemble: %s have shape %v, want %v (frame tokens have width %d)", name, s, want, d)
			}
		}
		return nil
	}
	nouns := len(lay.Objects)
	if len(lay.Chunks) == 0 {
		nouns = 0
	}
	if err := check("instruction tokens", p.Instruction, len(lay.Instruction), d); err != nil {
		return nil, err
	}
	if nouns > 0 {
		if err := check("object embeddings", p.Objects, nouns, T, d); err != nil {
			return nil, err
		}
		if m := p.ObjectMask; m != nil && (!m.Shape().Eq(tensor.Shape{nouns, T}) || m.Dtype() != tensor.Float32) {
			return nil, fmt.Errorf("fusion: assemble: object mask is %v of shape %v, want float32 (%d, %d)", m.Dtype(), m.Shape(), nouns, T)
		}
	}
	if len(lay.Time) > 0 {
		if err := check("time token table", p.TimeTable, -1, d); err != nil {
			return nil, err
		}
		if need := lay.TimeBins[len(lay.TimeBins)-1] + 1; p.TimeTable.Shape()[0] < need {
			return nil, fmt.Errorf("fusion: assemble: time token table has %d rows, the layout uses <0>..<%d>", p.TimeTable.Shape()[0], need-1)
		}
	}

	var parts []nn.V
	if len(lay.Instruction) > 0 {
		parts = append(parts, p.Instruction)
	}
	if nouns > 0 {
		parts = append(parts, poolObjects(e, lay, p.Objects, p.ObjectMask, nouns, d))
	}
	if len(lay.Time) == 0 {
		parts = append(parts, p.Frames)
	}
	for j, k := range lay.TimeBins {
		lo, hi := lay.Bins[j][0], lay.Bins[j][1]
		parts = append(parts, e.Slice(p.TimeTable, 0, k, k+1), e.Slice(p.Frames, 0, lo, hi))
	}
	if len(parts) == 1 {
		return parts[0], nil
	}
	return e.Concat(0, parts...), nil
}

// poolObjects returns the object tokens, (nouns*chunks, d), noun-major.
func poolObjects(e nn.Exec, lay *Layout, objects nn.V, mask *tensor.Dense, nouns, d int) nn.V {
	T := len(lay.Frames)
	var chunks []nn.V
	for _, c := range lay.Chunks {
		lo, hi := c[0], c[1]
		var m *tensor.Dense
		if mask != nil {
			src := mask.Data().([]float32)
			data := make([]float32, 0, nouns*(hi-lo))
			for n := range nouns {
				data = append(data, src[n*T+lo:n*T+hi]...)
			}
			m = tensor.New(tensor.WithShape(nouns, hi-lo), tensor.WithBacking(data))
		}
		pooled := nn.MeanPool(e, e.Slice(objects, 1, lo, hi), 1, m) // (N, d)
		chunks = append(chunks, e.Reshape(pooled, nouns, 1, d))
	}
	all := chunks[0]
	if len(chunks) > 1 {
		all = e.Concat(1, chunks...)
	}
	return e.Reshape(all, nouns*len(lay.Chunks), d)
}

// Sequence is a built mixed-token sequence.
type Sequence struct {
	// Embeddings is the sequence, (L, d_LLM), the language model's input.
	Embeddings *tensor.Dense
	// Layout says what each position holds; Layout.Frames are the
	// positions the span heads read.
	Layout *Layout
}

// SequenceInput holds the parts of BuildSequence as tensors; shapes as in
// SequenceParts.
type SequenceInput struct {
	Instruction *tensor.Dense // (L_ins, d), or nil
	Objects     *tensor.Dense // (N, T, d), or nil
	ObjectMask  *tensor.Dense // (N, T), or nil
	TimeTable   *tensor.Dense // (N_time', d), N_time' >= b.TimeTokens, or nil when it is 0
	Frames      *tensor.Dense // (T, d)
}

// BuildSequence lays out and assembles a mixed-token sequence on the eager
// executor with budgets b (see Layout for the order).
func BuildSequence(in SequenceInput, b Budgets) (*Sequence, error) {
	if in.Frames == nil || len(in.Frames.Shape()) != 2 {
		return nil, fmt.Errorf("fusion: build sequence: frame tokens must be (T, d)")
	}
	T := in.Frames.Shape()[0]
	nIns, nouns := 0, 0
	if in.Instruction != nil {
		nIns = in.Instruction.Shape()[0]
	}
	if in.Objects != nil {
		nouns = in.Objects.Shape()[0]
	}
	lay, err := NewLayout(nIns, nouns, T, b)
	if err != nil {
		return nil, err
	}
	e := nn.NewEager()
	cnst := func(t *tensor.Dense) nn.V {
		if t == nil {
			return nil
		}
		return e.Const(t)
	}
	out, err := Assemble(e, lay, SequenceParts{
		Instruction: cnst(in.Instruction), Objects: cnst(in.Objects), ObjectMask: in.ObjectMask,
		TimeTable: cnst(in.TimeTable), Frames: e.Const(in.Frames),
	})
	if err != nil {
		return nil, err
	}
	if err := e.Err(); err != nil {
		return nil, fmt.Errorf("fusion: build sequence: %w", err)
	}
	return &Sequence{Embeddings: e.Dense(out), Layout: lay}, nil
}
