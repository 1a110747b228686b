package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"github.com/videodit/videodit/fusion"
	"github.com/videodit/videodit/internal/synth"
)

// corpusSplit is the synth split name of the LM corpus's videos (their IDs
// are "lm-SEED-INDEX"); the held-out corpus uses the same split with
// another seed.
const corpusSplit = "lm"

// eventsPerVideo bounds the interval descriptions drawn from one video, and
// narrationEvents the events of its narration.
const (
	eventsPerVideo  = 8
	narrationEvents = 10
)

// timeBin returns the discrete time token index k of time s seconds in a
// clip of duration seconds cut into n equal bins: floor(s/duration*n),
// clamped to [0, n-1]. It is fusion's binning of frames (frame t of T is in
// bin floor(t*n/T)) applied to seconds.
func timeBin(s, duration float64, n int) int {
	if !(duration > 0) {
		return 0
	}
	k := int(math.Floor(s / duration * float64(n)))
	return min(max(k, 0), n-1)
}

// spanTokens returns the time tokens "<a>" and "<b>" of the bins holding the
// first and the last instant of the span [start, end) seconds.
func spanTokens(start, end, duration float64, n int) (string, string) {
	last := math.Max(start, end-1e-6)
	return fusion.TimeToken(timeBin(start, duration, n)), fusion.TimeToken(timeBin(last, duration, n))
}

// clause renders an event with a random clause template of its kind
// (synth.Templates: {A} and {B} are the entities' descriptions, {C} the new
// colour), or "" when no template has the kind.
func clause(r *rand.Rand, m *synth.Meta, ev synth.Event) string {
	var pats []string
	for _, t := range synth.Templates() {
		if t.Kind == ev.Kind {
			pats = append(pats, t.Pattern)
		}
	}
	if len(pats) == 0 || len(ev.Entities) == 0 {
		return ""
	}
	a, b := m.Entities[ev.Entities[0]].Description, ""
	if len(ev.Entities) > 1 {
		b = m.Entities[ev.Entities[1]].Description
	}
	return strings.NewReplacer("{A}", a, "{B}", b, "{C}", ev.Colour).Replace(pats[r.IntN(len(pats))])
}

// videoTexts returns the LM documents of one benchmark video, with time
// tokens of nTime bins. They use only words and punctuation of the shared
// vocabulary (it has "," and "?" but no "." or ":"):
//
//   - each grounding query alone (the instruction the grounding stage
//     feeds the LM), and with its span: "QUERY , from <a> to <b>" or
//     "between <a> and <b> , QUERY";
//   - up to eventsPerVideo interval descriptions "between <a> and <b>
//     CLAUSE" of random events;
//   - a narration in the order of the mixed-token layout: every time token
//     <0> .. <N-1>, each followed by the clauses of the events starting in
//     its bin (up to narrationEvents events other than moves/still);
//   - each QA item as "QUESTION ANSWER", and with its choices and evidence
//     span as "QUESTION C1 , C2 , C3 , C4 or C5 ? ANSWER , from <a> to <b>".
//
// The texts depend only on the video and r.
func videoTexts(r *rand.Rand, m *synth.Meta, nTime int) []string {
	var docs []string
	d := m.Duration
	for _, q := range m.Queries {
		a, b := spanTokens(q.Start, q.End, d, nTime)
		docs = append(docs, q.Text)
		if r.IntN(2) == 0 {
			docs = append(docs, fmt.Sprintf("%s , from %s to %s", q.Text, a, b))
		} else {
			docs = append(docs, fmt.Sprintf("between %s and %s , %s", a, b, q.Text))
		}
	}
	for _, i := range r.Perm(len(m.Events))[:min(eventsPerVideo, len(m.Events))] {
		ev := m.Events[i]
		if c := clause(r, m, ev); c != "" {
			a, b := spanTokens(ev.Start, ev.End, d, nTime)
			docs = append(docs, fmt.Sprintf("between %s and %s %s", a, b, c))
		}
	}
	docs = append(docs, narration(r, m, nTime))
	for _, qa := range m.QA {
		docs = append(docs, qa.Question+" "+qa.AnswerText)
		if len(qa.Evidence) > 0 && len(qa.Choices) > 1 {
			a, b := spanTokens(qa.Evidence[0][0], qa.Evidence[0][1], d, nTime)
			n := len(qa.Choices)
			choices := strings.Join(qa.Choices[:n-1], " , ") + " or " + qa.Choices[n-1]
			docs = append(docs, fmt.Sprintf("%s %s ? %s , from %s to %s", qa.Question, choices, qa.AnswerText, a, b))
		}
	}
	return docs
}

// narration tells the video bin by bin: every time token <k> in order, each
// followed by the clauses, joined by " , ", of the kept events starting in
// bin k.
func narration(r *rand.Rand, m *synth.Meta, nTime int) string {
	var keep []int
	for i, ev := range m.Events {
		if ev.Kind != synth.KindMoves && ev.Kind != synth.KindStill {
			keep = append(keep, i)
		}
	}
	if len(keep) > narrationEvents {
		r.Shuffle(len(keep), func(i, j int) { keep[i], keep[j] = keep[j], keep[i] })
		keep = keep[:narrationEvents]
		slices.Sort(keep) // events are sorted by start
	}
	var sb strings.Builder
	next := 0
	for k := range nTime {
		if k > 0 {
			sb.WriteByte(' ')
		}
		sb.WriteString(fusion.TimeToken(k))
		sep := " "
		for next < len(keep) && timeBin(m.Events[keep[next]].Start, m.Duration, nTime) == k {
			if c := clause(r, m, m.Events[keep[next]]); c != "" {
				sb.WriteString(sep + c)
				sep = " , "
			}
			next++
		}
	}
	return sb.String()
}

// corpusOptions choose a corpus.
type corpusOptions struct {
	Seed   uint64 // synth seed of the videos
	Videos int    // number of videos
	Time   int    // time bins N_time
	MaxLen int    // longest token sequence kept (longer ones are cut)
}

// corpusTexts returns the documents (videoTexts) of the first videos
// benchmark videos of split "lm" and seed seed, with nTime time bins.
func corpusTexts(seed uint64, videos, nTime int) ([]string, error) {
	var texts []string
	for i := range videos {
		v, err := synth.Generate(synth.Config{Split: corpusSplit}, seed, i)
		if err != nil {
			return nil, fmt.Errorf("corpus video %d: %w", i, err)
		}
		texts = append(texts, videoTexts(rand.New(rand.NewPCG(seed, uint64(i))), v.Meta, nTime)...)
	}
	return texts, nil
}

// buildCorpus returns the token id sequences ([CLS] text [SEP], as
// fusion.Tokenizer.Encode) of the documents of opt.Videos benchmark videos
// of split "lm" and seed opt.Seed, each cut to opt.MaxLen tokens, and the
// number of [UNK] tokens among them.
func buildCorpus(tok *fusion.Tokenizer, opt corpusOptions) ([][]int, int, error) {
	if opt.Time < 1 || opt.Time > tok.TimeTokens() {
		return nil, 0, fmt.Errorf("%d time bins: the vocabulary has time tokens <0>..<%d>", opt.Time, tok.TimeTokens()-1)
	}
	if opt.MaxLen < 2 {
		return nil, 0, fmt.Errorf("maximum sequence length %d, want at least 2", opt.MaxLen)
	}
	texts, err := corpusTexts(opt.Seed, opt.Videos, opt.Time)
	if err != nil {
		return nil, 0, err
	}
	unk, err := tok.ID(fusion.UnkToken)
	if err != nil {
		return nil, 0, err
	}
	seqs := make([][]int, len(texts))
	unks := 0
	for i, text := range texts {
		ids, err := tok.Encode(text)
		if err != nil {
			return nil, 0, fmt.Errorf("corpus document %q: %w", text, err)
		}
		seqs[i] = ids[:min(len(ids), opt.MaxLen)]
		for _, id := range seqs[i] {
			if id == unk {
				unks++
			}
		}
	}
	return seqs, unks, nil
}
