package grounder

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/internal/lm"
	"github.com/videodit/videodit/internal/nn"
)

// Model holds the trained parts of a grounding model (the LoRA adapters
// live on the language model, see Base). Its st tags name the tensors of
// its checkpoint.
type Model struct {
	Config Config `st:"-"`
	// Proj is g_phi, W (d_v, PooledDim): z_t = g_phi(pooled_t) (Eq. 9),
	// applied to the pooled features standardised by Mean and Std.
	Proj nn.Linear `st:"g_phi"`
	// Mean and Std, (PooledDim) each, standardise the pooled features
	// column by column before g_phi: (pooled - Mean) / Std. Standardize
	// sets them from the training samples; they do not train. Without them
	// (nil) g_phi reads the features as they are. The features' scales
	// differ by a factor 100 (an entity's entry flag is rarely non-zero),
	// and a linear map drawn for unit inputs barely sees the small ones.
	Mean *tensor.Dense `st:"g_phi_mean,optional"`
	Std  *tensor.Dense `st:"g_phi_std,optional"`
	// Time is the learned time MLP on [tau, tau^2] (Eq. 12).
	Time fusion.LearnedTime `st:"time"`
	// Fuser is Eq. 13 with temporal context (fusion.ContextFuser).
	Fuser *fusion.ContextFuser `st:"fuser"`
	// Spans holds w_s and w_e (Eq. 15).
	Spans heads.Classifier `st:"spans"`
	// Choice maps a choice's text embedding (d_t) to d_LLM; a choice's
	// score is its dot product with the last hidden state over
	// sqrt(d_LLM).
	Choice nn.Linear `st:"choice"`
	// Aux maps z_t to the auxiliary encoder's C features: F_diff of the KL
	// regulariser (Eq. 17-20).
	Aux nn.Linear `st:"aux"`
}

// Base is the frozen language model the trained parts feed and its
// tokenizer (the vocabulary of the instruction and time tokens).
type Base struct {
	LM  *lm.Model
	Tok *fusion.Tokenizer
}

// New returns an untrained model of size c, initialised from rng.
func New(c Config, rng *rand.Rand) (*Model, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	lt, err := fusion.NewLearnedTime(rng, c.TimeHidden, c.TimeDim)
	if err != nil {
		return nil, err
	}
	fu, err := fusion.NewContextFuser(rng, fusion.FuserConfig{VisualDim: c.VisualDim, TextDim: c.TextDim, TimeDim: c.TimeDim, LLMDim: c.LLMDim, Eps: 1e-5},
		fusion.ContextConfig{Radius: c.ContextRadius, Hidden: c.ContextHidden})
	if err != nil {
		return nil, err
	}
	sp, err := heads.NewClassifier(rng, c.LLMDim)
	if err != nil {
		return nil, err
	}
	return &Model{
		Config: c,
		Proj:   *nn.NewLinear(rng, c.PooledDim, c.VisualDim, true),
		Time:   *lt, Fuser: fu, Spans: *sp,
		Choice: *nn.NewLinear(rng, c.TextDim, c.LLMDim, false),
		Aux:    *nn.NewLinear(rng, c.VisualDim, c.AuxDim, true),
	}, nil
}

// Params returns the model's trained tensors.
func (m *Model) Params() []*tensor.Dense {
	ps := []*tensor.Dense{m.Proj.W, m.Proj.B, m.Time.In.W, m.Time.In.B, m.Time.Out.W, m.Time.Out.B}
	ps = append(ps, m.Fuser.Params()...)
	ps = append(ps, m.Spans.Start.W, m.Spans.End.W, m.Choice.W, m.Aux.W, m.Aux.B)
	out := ps[:0]
	for _, p := range ps {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// Input is one example as the trained network reads it.
type Input struct {
	// Pooled holds the per-frame features g_phi reads, (T, PooledDim).
	Pooled *tensor.Dense
	// Text is e_text, (d_t).
	Text []float32
	// Tokens are the instruction's token ids ([CLS] ... [SEP]).
	Tokens []int
	// Presence, (N, T), is 1 where noun track n's mask is non-empty; nil
	// for no tracks.
	Presence *tensor.Dense
	// Choices holds the text embeddings of a question's choices, (C, d_t);
	// nil for a grounding query.
	Choices *tensor.Dense
}

// Output holds the values of one forward pass on its executor.
type Output struct {
	// Start and End are the span logits over the frames, (1, T) (Eq. 15).
	Start, End nn.V
	// Answer holds the choices' logits, (1, C); nil without choices.
	Answer nn.V
	// Z is z_t, (T, d_v); FDiff the KL head's features, (T, AuxDim).
	Z, FDiff nn.V
	// Hidden holds the language model's output, (L, d_LLM), laid out as
	// Layout says.
	Hidden nn.V
	Layout *fusion.Layout
}

// Forward runs the trained network on e: z = g_phi(pooled) (Eq. 9),
// e_time (Eq. 12), the frame tokens (Eq. 13), the mixed-token sequence
// (instruction tokens, object tokens pooled from the frame tokens over the
// frames where each track is present, time tokens <k>, frame tokens;
// fusion.Layout), the language model with its adapters (Eq. 14) and the
// heads (Eq. 15). The language model's weights enter as parameters of e, to
// be frozen by a training graph.
func (m *Model) Forward(e nn.Exec, b Base, in Input) (*Output, error) {
	c := m.Config
	if in.Pooled == nil {
		return nil, fmt.Errorf("grounder: no pooled features")
	}
	ps := in.Pooled.Shape()
	if len(ps) != 2 || ps[1] != c.PooledDim || ps[0] < 1 {
		return nil, fmt.Errorf("grounder: pooled features of shape %v, want (T, %d)", ps, c.PooledDim)
	}
	T := ps[0]
	if len(in.Text) != c.TextDim {
		return nil, fmt.Errorf("grounder: text embedding of width %d, want %d", len(in.Text), c.TextDim)
	}
	z := m.Proj.Forward(e, e.Const(m.standardized(in.Pooled)))
	eTime, err := m.Time.Forward(e, T)
	if err != nil {
		return nil, err
	}
	text := tensor.New(tensor.WithShape(1, c.TextDim), tensor.WithBacking(append([]float32(nil), in.Text...)))
	frames, err := m.Fuser.Forward(e, z, e.Const(text), eTime)
	if err != nil {
		return nil, err
	}
	parts := fusion.SequenceParts{Frames: frames}
	table := e.Param(b.LM.Embed.W)
	if len(in.Tokens) > 0 {
		parts.Instruction = e.Gather(table, in.Tokens)
	}
	nouns := 0
	if in.Presence != nil && c.ObjectTokens > 0 {
		nouns = in.Presence.Shape()[0]
		if s := in.Presence.Shape(); len(s) != 2 || s[1] != T {
			return nil, fmt.Errorf("grounder: presence of shape %v, want (N, %d)", s, T)
		}
		if nouns > 0 {
			zeros := tensor.New(tensor.WithShape(nouns, T, c.LLMDim), tensor.Of(tensor.Float32))
			parts.Objects = e.Add(e.Const(zeros), e.Reshape(frames, 1, T, c.LLMDim))
			parts.ObjectMask = in.Presence
		}
	}
	if c.TimeTokens > 0 {
		ids, err := TimeTokenIDs(b.Tok, c.TimeTokens)
		if err != nil {
			return nil, err
		}
		parts.TimeTable = e.Gather(table, ids)
	}
	lay, err := fusion.NewLayout(len(in.Tokens), nouns, T, c.Budgets())
	if err != nil {
		return nil, err
	}
	seq, err := fusion.Assemble(e, lay, parts)
	if err != nil {
		return nil, err
	}
	h, err := b.Hidden(e, seq, c.Skip)
	if err != nil {
		return nil, err
	}
	out := &Output{Z: z, Hidden: h, Layout: lay, FDiff: m.Aux.Forward(e, z)}
	if out.Start, out.End, err = m.Spans.Logits(e, h, lay.Frames); err != nil {
		return nil, err
	}
	if in.Choices != nil {
		out.Answer, err = m.ChoiceLogits(e, h, e.Const(in.Choices))
		if err != nil {
			return nil, err
		}
	}
	return out, e.Err()
}

// minStd bounds the standard deviations Standardize keeps: a column that
// is constant on the training samples is centred and left at its scale.
const minStd = 1e-3

// Standardize sets Mean and Std to the columns' means and standard
// deviations (at least minStd) over the pooled features of samples, as a
// model of m's config reads them (Sample.Input).
func (m *Model) Standardize(samples []*Sample) error {
	P := m.Config.PooledDim
	sum, sq := make([]float64, P), make([]float64, P)
	n := 0
	for _, s := range samples {
		if err := s.Validate(m.Config); err != nil {
			return err
		}
		x := s.Input(m.Config).Pooled
		if x == nil || x.Shape()[1] != P {
			return fmt.Errorf("grounder: standardize: sample %s %q: no pooled features of width %d", s.Video, s.Query, P)
		}
		for i, v := range x.Float32s() {
			sum[i%P] += float64(v)
			sq[i%P] += float64(v) * float64(v)
		}
		n += x.Shape()[0]
	}
	if n == 0 {
		return fmt.Errorf("grounder: standardize: no samples")
	}
	mean, std := make([]float32, P), make([]float32, P)
	for i := range P {
		mu := sum[i] / float64(n)
		mean[i] = float32(mu)
		std[i] = float32(max(minStd, math.Sqrt(max(0, sq[i]/float64(n)-mu*mu))))
	}
	m.Mean = tensor.New(tensor.WithShape(P), tensor.WithBacking(mean))
	m.Std = tensor.New(tensor.WithShape(P), tensor.WithBacking(std))
	return nil
}

// checkStats reports statistics a checkpoint may hold that standardized
// cannot use: one of Mean and Std without the other, a length other than
// PooledDim, a standard deviation that is not positive.
func (m *Model) checkStats() error {
	if (m.Mean == nil) != (m.Std == nil) {
		return fmt.Errorf("grounder: g_phi_mean and g_phi_std: one without the other")
	}
	if m.Mean == nil {
		return nil
	}
	P := m.Config.PooledDim
	for _, t := range []*tensor.Dense{m.Mean, m.Std} {
		if s := t.Shape(); len(s) != 1 || s[0] != P {
			return fmt.Errorf("grounder: g_phi standardisation of shape %v, want (%d)", s, P)
		}
	}
	for i, v := range m.Std.Float32s() {
		if !(v > 0) {
			return fmt.Errorf("grounder: g_phi_std[%d] = %g, want > 0", i, v)
		}
	}
	return nil
}

// standardized returns pooled, (T, PooledDim), standardised by Mean and
// Std (pooled itself without them).
func (m *Model) standardized(pooled *tensor.Dense) *tensor.Dense {
	if m.Mean == nil || m.Std == nil {
		return pooled
	}
	P := m.Config.PooledDim
	mean, std := m.Mean.Float32s(), m.Std.Float32s()
	x := append([]float32(nil), pooled.Float32s()...)
	for i := range x {
		x[i] = (x[i] - mean[i%P]) / std[i%P]
	}
	return tensor.New(tensor.WithShape(pooled.Shape()...), tensor.WithBacking(x))
}

// Projection returns g_phi with the standardisation folded in: the linear
// map W' = W / Std (column by column), b' = b - W' Mean, which maps the raw
// pooled features to z_t as Forward does (diffusion.Encoder.Proj takes
// it).
func (m *Model) Projection() nn.Linear {
	if m.Mean == nil || m.Std == nil {
		return m.Proj
	}
	P := m.Config.PooledDim
	out := m.Proj.W.Shape()[0]
	w := append([]float32(nil), m.Proj.W.Float32s()...)
	b := make([]float32, out)
	if m.Proj.B != nil {
		copy(b, m.Proj.B.Float32s())
	}
	mean, std := m.Mean.Float32s(), m.Std.Float32s()
	for o := range out {
		var shift float64
		for i := range P {
			w[o*P+i] /= std[i]
			shift += float64(w[o*P+i]) * float64(mean[i])
		}
		b[o] -= float32(shift)
	}
	return nn.Linear{W: tensor.New(tensor.WithShape(out, P), tensor.WithBacking(w)), B: tensor.New(tensor.WithShape(out), tensor.WithBacking(b))}
}

// ChoiceLogits scores choices, (C, d_t) text embeddings, against the last
// hidden state of h, (L, d_LLM): the logits (1, C), scaled by
// 1/sqrt(d_LLM) as attention scales its scores, so that they start near 0
// whatever the hidden states' scale (with Config.Skip the last state
// carries its frame token at TokenScale times the embeddings' scale, and
// the unscaled logits' cross-entropy outweighed the span loss).
func (m *Model) ChoiceLogits(e nn.Exec, h, choices nn.V) (nn.V, error) {
	hs, cs := h.Shape(), choices.Shape()
	if len(hs) != 2 || hs[1] != m.Config.LLMDim || hs[0] < 1 {
		return nil, fmt.Errorf("grounder: hidden states of shape %v, want (L, %d)", hs, m.Config.LLMDim)
	}
	if len(cs) != 2 || cs[1] != m.Config.TextDim || cs[0] < 1 {
		return nil, fmt.Errorf("grounder: choices of shape %v, want (C, %d)", cs, m.Config.TextDim)
	}
	last := e.Slice(h, 0, hs[0]-1, hs[0])
	logits := e.MatMul(last, m.Choice.Forward(e, choices), false, true)
	return e.Scale(logits, float32(1/math.Sqrt(float64(m.Config.LLMDim)))), nil
}

// TimeTokenIDs returns the ids of the time tokens <0>..<n-1> of tok.
func TimeTokenIDs(tok *fusion.Tokenizer, n int) ([]int, error) {
	ids := make([]int, n)
	for k := range ids {
		id, err := tok.TimeTokenID(k)
		if err != nil {
			return nil, fmt.Errorf("grounder: %d time tokens: %w", n, err)
		}
		ids[k] = id
	}
	return ids, nil
}

// Loss is the training objective of one example on e, shape (1): the
// cross-entropies of the start and end logits against the target frames
// (Eq. 15), plus the choice cross-entropy when the example is a question,
// plus klWeight times the KL regulariser against aux, (T, AuxDim), when
// aux is not nil (Eq. 17-20).
func (m *Model) Loss(e nn.Exec, out *Output, start, end, answer int, aux *tensor.Dense, klWeight float64) nn.V {
	loss := e.Add(nn.CrossEntropy(e, out.Start, []int{start}), nn.CrossEntropy(e, out.End, []int{end}))
	if out.Answer != nil && answer >= 0 {
		loss = e.Add(loss, nn.CrossEntropy(e, out.Answer, []int{answer}))
	}
	if aux != nil && klWeight > 0 {
		loss = e.Add(loss, e.Scale(diffusion.KLLoss(e, out.FDiff, e.Const(aux)), float32(klWeight)))
	}
	return loss
}
