package dataset

import "github.com/videodit/videodit/heads"

// GQAItem is a NExT-GQA question together with its evidence spans.
type GQAItem struct {
	GQAQuestion
	// Evidence holds the question's spans in seconds (gsub "location").
	Evidence []heads.Span
	// Duration is the video's length in seconds.
	Duration float64
}

// JoinNExTGQA pairs the questions with their spans by video id and qid, in
// the questions' order. Questions without spans are left out and counted in
// unmatched: the grounding files cover a subset of the QA files, and the
// official evaluator scores only the questions that have spans.
func JoinNExTGQA(videos map[string]GQAVideo, qs []GQAQuestion) (items []GQAItem, unmatched int) {
	for _, q := range qs {
		v, ok := videos[q.Video]
		spans, ok2 := v.Locations[q.QID]
		if !ok || !ok2 {
			unmatched++
			continue
		}
		items = append(items, GQAItem{GQAQuestion: q, Evidence: spans, Duration: v.Duration})
	}
	return items, unmatched
}
