package heads

import (
	"errors"
	"fmt"
	"math"
	"strings"
)

// IoU is the temporal intersection over union of a prediction and one
// ground-truth span, as the Charades-STA and NExT-GQA evaluators compute it:
// intersection = min(ends) - max(starts), union = the hull max(ends) -
// min(starts). It is 0 when the spans do not overlap or only touch, when the
// prediction is empty (zero length) or reversed, when the ground truth is
// reversed, and when an end point is NaN. The result lies in [0, 1].
func IoU(pred, gt Span) float64 {
	if !(pred.End > pred.Start) {
		return 0
	}
	inter := math.Min(pred.End, gt.End) - math.Max(pred.Start, gt.Start)
	if !(inter > 0) {
		return 0
	}
	return inter / (math.Max(pred.End, gt.End) - math.Min(pred.Start, gt.Start))
}

// IoP is the intersection over prediction length of NExT-GQA: the share of
// the predicted span that lies inside the ground-truth span. Following the
// official NExT-GQA evaluator (get_tIoU in eval_ground.py), a zero-length
// prediction p has IoP 1 when gt.Start <= p <= gt.End (end points included:
// a zero-length prediction on the edge of a span counts as inside) and 0
// otherwise. A reversed prediction, a reversed ground truth and NaN end
// points give 0. The result lies in [0, 1].
func IoP(pred, gt Span) float64 {
	if pred.End == pred.Start {
		if gt.Start <= pred.Start && pred.Start <= gt.End {
			return 1
		}
		return 0
	}
	if !(pred.End > pred.Start) {
		return 0
	}
	inter := math.Min(pred.End, gt.End) - math.Max(pred.Start, gt.Start)
	if !(inter > 0) {
		return 0
	}
	return inter / (pred.End - pred.Start)
}

// BestOverlap scores a prediction against several ground-truth spans the
// way NExT-GQA does: the maximum IoU and the maximum IoP, each taken on its
// own (the two maxima may come from different spans; the spans are never
// merged). With no ground-truth span both are 0.
func BestOverlap(pred Span, gts []Span) (iou, iop float64) {
	for _, g := range gts {
		iou = math.Max(iou, IoU(pred, g))
		iop = math.Max(iop, IoP(pred, g))
	}
	return iou, iop
}

// Query is one evaluated item: its ground truth, the model's ranked
// predictions and, for grounded QA, the answers.
type Query struct {
	// ID names the query in errors.
	ID string
	// GT holds the ground-truth spans; at least one, none reversed.
	GT []Span
	// Pred holds the predictions ranked best first; only Pred[0], the top-1
	// prediction, is scored. No prediction scores 0 on every metric.
	Pred []Span
	// Answered is true when Answer and Prediction are set (a QA item).
	Answered bool
	// Answer is the correct answer, Prediction the model's; they are
	// compared case-insensitively after trimming white space.
	Answer, Prediction string
}

// Report holds the official metrics over a set of queries, as percentages
// (0-100, unrounded). R1@x and IoU@x are the same number under the
// Charades-STA and the NExT-GQA names: the share of queries whose top-1
// prediction reaches IoU >= x with some ground-truth span. Thresholds use >=.
//
// AccQA and AccGQA are nil (JSON null) when no query is a QA item.
// Acc@GQA counts a query when its answer is correct and its IoP >= 0.5.
type Report struct {
	N       int      `json:"n"`
	R1At03  float64  `json:"R1@0.3"`
	R1At05  float64  `json:"R1@0.5"`
	R1At07  float64  `json:"R1@0.7"`
	MIoU    float64  `json:"mIoU"`
	MIoP    float64  `json:"mIoP"`
	IoPAt03 float64  `json:"IoP@0.3"`
	IoPAt05 float64  `json:"IoP@0.5"`
	IoUAt03 float64  `json:"IoU@0.3"`
	IoUAt05 float64  `json:"IoU@0.5"`
	AccQA   *float64 `json:"Acc@QA"`
	AccGQA  *float64 `json:"Acc@GQA"`
}

// ErrNoQueries is returned by Evaluate for an empty query set.
var ErrNoQueries = errors.New("heads: no queries to evaluate")

// Evaluate computes the Report of a query set. It fails, naming the query,
// when a query has no ground-truth span, a ground-truth span is reversed or
// not finite, a prediction is not finite, or when some queries are QA items
// and others are not. A reversed prediction is not an error: it scores 0.
func Evaluate(qs []Query) (Report, error) {
	if len(qs) == 0 {
		return Report{}, ErrNoQueries
	}
	var sum struct {
		r3, r5, r7, iou, iop, p3, p5, qa, gqa float64
	}
	answered := qs[0].Answered
	for i, q := range qs {
		if err := checkQuery(q); err != nil {
			return Report{}, fmt.Errorf("heads: query %d (%q): %w", i, q.ID, err)
		}
		if q.Answered != answered {
			return Report{}, fmt.Errorf("heads: query %d (%q): answered is %v but query 0 (%q) has %v: mix of QA and non-QA queries",
				i, q.ID, q.Answered, qs[0].ID, answered)
		}
		var iou, iop float64
		if len(q.Pred) > 0 {
			iou, iop = BestOverlap(q.Pred[0], q.GT)
		}
		sum.iou += iou
		sum.iop += iop
		sum.r3 += indicator(iou >= 0.3)
		sum.r5 += indicator(iou >= 0.5)
		sum.r7 += indicator(iou >= 0.7)
		sum.p3 += indicator(iop >= 0.3)
		sum.p5 += indicator(iop >= 0.5)
		if answered {
			correct := strings.EqualFold(strings.TrimSpace(q.Answer), strings.TrimSpace(q.Prediction))
			sum.qa += indicator(correct)
			sum.gqa += indicator(correct && iop >= 0.5)
		}
	}
	n := float64(len(qs))
	pct := func(x float64) float64 { return 100 * x / n }
	r := Report{
		N:       len(qs),
		R1At03:  pct(sum.r3),
		R1At05:  pct(sum.r5),
		R1At07:  pct(sum.r7),
		MIoU:    pct(sum.iou),
		MIoP:    pct(sum.iop),
		IoPAt03: pct(sum.p3),
		IoPAt05: pct(sum.p5),
		IoUAt03: pct(sum.r3),
		IoUAt05: pct(sum.r5),
	}
	if answered {
		qa, gqa := pct(sum.qa), pct(sum.gqa)
		r.AccQA, r.AccGQA = &qa, &gqa
	}
	return r, nil
}

func checkQuery(q Query) error {
	if len(q.GT) == 0 {
		return errors.New("no ground-truth span")
	}
	for j, g := range q.GT {
		if err := g.Valid(); err != nil {
			return fmt.Errorf("ground truth %d: %w", j, err)
		}
	}
	for j, p := range q.Pred {
		if math.IsNaN(p.Start) || math.IsInf(p.Start, 0) || math.IsNaN(p.End) || math.IsInf(p.End, 0) {
			return fmt.Errorf("prediction %d %v: end point not finite", j, p)
		}
	}
	return nil
}

func indicator(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
