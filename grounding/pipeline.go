package grounding

import (
	"context"
	"errors"
	"fmt"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/diffusion"
	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/heads"
	"github.com/videodit/videodit/segment"
)

// DefaultTopK is the number of ranked spans Ground returns by default.
const DefaultTopK = 5

// DefaultObjectTokens is N_obj, the object tokens per noun in the
// mixed-token sequence (paper Table V, best 4/8).
const DefaultObjectTokens = 4

// DefaultTimeTokens is N_time, the time tokens <0>..<N_time-1> of the
// mixed-token sequence (paper Table V, best 4/8), used when the language
// model is a TokenEmbedder.
const DefaultTimeTokens = 8

// DefaultEventThreshold is the score p_s(s) p_e(e) of the top span at or
// above which Track reports that the stated event happens. It is a
// calibration knob, not a probability of the event: the span heads are
// trained on clips where the event does happen, and flat distributions
// over T = 96 frames score about 1e-4. It is calibrated for the shipped
// default model (examples/eval -track: each query on its own video and on
// the next one): on 240 queries of the benchmark's training split the best
// balanced accuracy, 0.71 (ROC AUC 0.76), is at 0.0032; at 0.003 the 240
// held-out test queries score 0.70 (AUC 0.76). Calibrate
// Options.EventThreshold the same way for another model or T.
const DefaultEventThreshold = 0.003

// DefaultDescribeTokens is the most tokens Describe generates.
const DefaultDescribeTokens = 16

// DescribeInstruction is the instruction of the mixed-token sequence that
// Describe decodes after.
const DescribeInstruction = "describe what happens"

// LanguageModel is the language-model stage: it maps the input embeddings
// of the mixed-token sequence, shape (L, d) (axis 0 the position), to the
// last hidden states, shape (L, d). It checks ctx in long loops.
type LanguageModel interface {
	Hidden(ctx context.Context, embeddings *tensor.Dense) (*tensor.Dense, error)
	// Dim is d, the model's width (d_LLM).
	Dim() int
}

// TokenEmbedder is an optional ability of a LanguageModel: it embeds text
// and the discrete time tokens with the model's own token table.
type TokenEmbedder interface {
	// EmbedText returns the embeddings of text's tokens ([CLS] ... [SEP]),
	// shape (L_ins, d).
	EmbedText(ctx context.Context, text string) (*tensor.Dense, error)
	// TimeTokens returns the embeddings of the time tokens <0>..<n-1>,
	// shape (n, d).
	TimeTokens(n int) (*tensor.Dense, error)
}

// Decoder is an optional ability of a LanguageModel: greedy next-token
// decoding after a given sequence.
type Decoder interface {
	// Decode appends the embeddings prompt (P, d) to the sequence seq
	// (L, d), then greedily generates at most max tokens, stopping at the
	// end-of-text token, and returns the generated text.
	Decode(ctx context.Context, seq, prompt *tensor.Dense, max int) (string, error)
}

// AnswerHead scores a question's choices (paper Fig. 1, grounded QA).
type AnswerHead interface {
	// Scores returns one logit per choice from the language model's
	// hidden states, shape (L, d) (the whole mixed-token sequence of the
	// question), and the choices' text embeddings, shape (C, d_t)
	// (Stages.Text of each choice).
	Scores(hidden *tensor.Dense, choices *tensor.Dense) ([]float64, error)
}

// Stages are the replaceable parts of a Pipeline; every one but Answers
// must be set.
type Stages struct {
	// Segmenter binds the query's entities to masks (paper III-A).
	Segmenter segment.Segmenter
	// Encoder gives the per-frame diffusion features z, (T, d_v) (III-B).
	Encoder diffusion.DiffusionEncoder
	// Text embeds the query, e_text of shape (d_t).
	Text fusion.TextEncoder
	// Time embeds the frame times, e_time of shape (T, d_f).
	Time fusion.TimeEncoder
	// Fuser makes the frame tokens, (T, d_LLM) (Eq. 13).
	Fuser fusion.Fuser
	// LM runs the mixed-token sequence.
	LM LanguageModel
	// Spans scores each frame as start and end (Eq. 15).
	Spans heads.SpanDecoder
	// Answers scores the choices of a question (Answer); nil leaves
	// Answer unsupported.
	Answers AnswerHead
}

// Progress reports that done of total steps of stage are finished.
type Progress func(stage string, done, total int)

// Options tune a Pipeline; the zero value is usable.
type Options struct {
	// TopK is the number of ranked spans returned; 0 means DefaultTopK.
	TopK int
	// MaxIoU is the non-maximum suppression threshold between ranked
	// spans (heads.TopSpans), in [0, 1]; 0 gives disjoint spans.
	MaxIoU float64
	// ObjectTokens is N_obj; 0 means DefaultObjectTokens, negative leaves
	// object tokens out.
	ObjectTokens int
	// TimeTokens is N_time, used when the language model is a
	// TokenEmbedder; 0 means DefaultTimeTokens, negative leaves time
	// tokens out (and makes Describe unsupported).
	TimeTokens int
	// EventThreshold is the top span's score at or above which Track
	// reports that the event happens, in [0, 1]; 0 means
	// DefaultEventThreshold.
	EventThreshold float64
	// DescribeTokens is the most tokens Describe generates; 0 means
	// DefaultDescribeTokens.
	DescribeTokens int
	// Progress, when set, is called after each stage of every task; it
	// must be safe for concurrent use when tasks run concurrently.
	Progress Progress
}

// Pipeline grounds natural-language queries in videos by chaining its
// Stages (paper Fig. 2). Its tasks are Ground, Answer, Track and Describe.
// It holds no mutable state, so it is safe for concurrent use when every
// stage is.
type Pipeline struct {
	st  Stages
	opt Options
}

// fuserConfig is the optional ability of a Fuser to report its input
// widths (fusion.ConcatFuser and fusion.ContextFuser have it).
type fuserConfig interface {
	Config() fusion.FuserConfig
}

// dimmer is the optional ability of a SpanDecoder to report its width
// (heads.Classifier has it).
type dimmer interface {
	Dim() int
}

// ErrStage is wrapped by New's errors about a missing stage or widths that
// disagree.
var ErrStage = errors.New("grounding: bad stages")

// ErrUnsupported is wrapped by the error of a task the pipeline's stages
// cannot run: Answer without Stages.Answers, Describe with a language model
// that is not both a TokenEmbedder and a Decoder, or without time tokens.
var ErrUnsupported = errors.New("task not supported by the stages")

// New checks the stages and options and returns a Pipeline. Every stage
// but Answers must be set; widths are checked where the stages report
// them: the fuser's output against the LM's width and, through optional
// abilities, the fuser's inputs against d_v, d_t, d_f and the span
// decoder's width against the LM's. Errors wrap ErrStage and name both
// widths; an option out of range is an error wrapping ErrStage naming it.
func New(stages Stages, opts Options) (*Pipeline, error) {
	for _, s := range []struct {
		name    string
		missing bool
	}{
		{"Segmenter", stages.Segmenter == nil}, {"Encoder", stages.Encoder == nil},
		{"Text", stages.Text == nil}, {"Time", stages.Time == nil},
		{"Fuser", stages.Fuser == nil}, {"LM", stages.LM == nil}, {"Spans", stages.Spans == nil},
	} {
		if s.missing {
			return nil, fmt.Errorf("%w: stage %s is nil", ErrStage, s.name)
		}
	}
	if a, b := stages.Fuser.OutDim(), stages.LM.Dim(); a != b {
		return nil, fmt.Errorf("%w: fuser output width %d, LM width %d", ErrStage, a, b)
	}
	if fc, ok := stages.Fuser.(fuserConfig); ok {
		c := fc.Config()
		for _, w := range []struct {
			what       string
			have, want int
		}{
			{"encoder feature width d_v", stages.Encoder.FeatureDim(), c.VisualDim},
			{"text width d_t", stages.Text.Dim(), c.TextDim},
			{"time width d_f", stages.Time.Dim(), c.TimeDim},
		} {
			if w.have != w.want {
				return nil, fmt.Errorf("%w: %s %d, fuser expects %d", ErrStage, w.what, w.have, w.want)
			}
		}
	}
	if d, ok := stages.Spans.(dimmer); ok && d.Dim() != stages.LM.Dim() {
		return nil, fmt.Errorf("%w: span decoder width %d, LM width %d", ErrStage, d.Dim(), stages.LM.Dim())
	}
	if opts.TopK < 0 {
		return nil, fmt.Errorf("%w: TopK %d, want >= 0", ErrStage, opts.TopK)
	}
	if !(opts.MaxIoU >= 0 && opts.MaxIoU <= 1) {
		return nil, fmt.Errorf("%w: MaxIoU %g, want in [0, 1]", ErrStage, opts.MaxIoU)
	}
	if !(opts.EventThreshold >= 0 && opts.EventThreshold <= 1) {
		return nil, fmt.Errorf("%w: EventThreshold %g, want in [0, 1]", ErrStage, opts.EventThreshold)
	}
	if opts.DescribeTokens < 0 {
		return nil, fmt.Errorf("%w: DescribeTokens %d, want >= 0", ErrStage, opts.DescribeTokens)
	}
	if opts.TopK == 0 {
		opts.TopK = DefaultTopK
	}
	if opts.ObjectTokens == 0 {
		opts.ObjectTokens = DefaultObjectTokens
	}
	if opts.TimeTokens == 0 {
		opts.TimeTokens = DefaultTimeTokens
	}
	if opts.EventThreshold == 0 {
		opts.EventThreshold = DefaultEventThreshold
	}
	if opts.DescribeTokens == 0 {
		opts.DescribeTokens = DefaultDescribeTokens
	}
	return &Pipeline{st: stages, opt: opts}, nil
}
