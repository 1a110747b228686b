package heads

import (
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

const tol = 1e-12

func TestIoUIoP(t *testing.T) {
	gt := Span{2, 6}
	tests := []struct {
		name     string
		pred, gt Span
		iou, iop float64
	}{
		{"partial overlap", Span{4, 8}, gt, 2.0 / 6, 2.0 / 4},
		{"partial overlap on the left", Span{0, 3}, gt, 1.0 / 6, 1.0 / 3},
		{"no overlap", Span{7, 9}, gt, 0, 0},
		{"no overlap before", Span{0, 1}, gt, 0, 0},
		{"touching after", Span{6, 9}, gt, 0, 0},
		{"touching before", Span{0, 2}, gt, 0, 0},
		{"identical", gt, gt, 1, 1},
		{"prediction contains gt", Span{0, 10}, gt, 4.0 / 10, 4.0 / 10},
		{"prediction inside gt", Span{3, 4}, gt, 1.0 / 4, 1},
		{"zero-length inside", Span{3, 3}, gt, 0, 1},
		{"zero-length on the start edge", Span{2, 2}, gt, 0, 1},
		{"zero-length on the end edge", Span{6, 6}, gt, 0, 1},
		{"zero-length outside", Span{7, 7}, gt, 0, 0},
		{"zero-length equal to a zero-length gt", Span{5, 5}, Span{5, 5}, 0, 1},
		{"reversed prediction over gt", Span{6, 2}, gt, 0, 0},
		{"reversed prediction inside gt", Span{5, 3}, gt, 0, 0},
		{"reversed ground truth", Span{2, 6}, Span{6, 2}, 0, 0},
		{"IoU exactly 0.5", Span{2, 4}, gt, 0.5, 1},
		{"IoU exactly 0.3", Span{0, 3}, Span{0, 10}, 0.3, 1},
		{"IoU exactly 0.7", Span{0, 7}, Span{0, 10}, 0.7, 1},
		{"NaN prediction", Span{math.NaN(), 4}, gt, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := [2]float64{IoU(tc.pred, tc.gt), IoP(tc.pred, tc.gt)}
			want := [2]float64{tc.iou, tc.iop}
			if d := cmp.Diff(want, got, cmpopts.EquateApprox(0, tol)); d != "" {
				t.Errorf("IoU, IoP of %v against %v (-want +got):\n%s", tc.pred, tc.gt, d)
			}
		})
	}
}

// TestThresholdsExact checks that the thresholds are inclusive on values
// that are exactly representable at the threshold: 3/10 == 0.3 in float64.
func TestThresholdsExact(t *testing.T) {
	for _, c := range []struct {
		pred Span
		want float64
	}{{Span{0, 3}, 0.3}, {Span{0, 5}, 0.5}, {Span{0, 7}, 0.7}} {
		if got := IoU(c.pred, Span{0, 10}); got != c.want {
			t.Fatalf("IoU(%v, [0,10]) = %v, want exactly %v", c.pred, got, c.want)
		}
	}
}

func TestBestOverlapSeveralGT(t *testing.T) {
	gts := []Span{{0, 2}, {1, 9}}
	pred := Span{0, 3}
	// [0,2]: IoU 2/3, IoP 2/3. [1,9]: IoU 2/9, IoP 2/3.
	iou, iop := BestOverlap(pred, gts)
	if d := cmp.Diff([2]float64{2.0 / 3, 2.0 / 3}, [2]float64{iou, iop}, cmpopts.EquateApprox(0, tol)); d != "" {
		t.Errorf("BestOverlap (-want +got):\n%s", d)
	}
	// The two maxima come from different spans: against [0, 10] the
	// prediction [4, 6] has IoU 0.2 and IoP 1; against [5, 7.5] IoU 1/3.5
	// and IoP 0.5.
	gts = []Span{{0, 10}, {5, 7.5}}
	iou, iop = BestOverlap(Span{4, 6}, gts)
	if d := cmp.Diff([2]float64{1 / 3.5, 1}, [2]float64{iou, iop}, cmpopts.EquateApprox(0, tol)); d != "" {
		t.Errorf("BestOverlap (-want +got):\n%s", d)
	}
	// Never the union: [0, 2] and [2, 4] together would cover [1, 3] fully,
	// but each alone covers half of it.
	iou, iop = BestOverlap(Span{1, 3}, []Span{{0, 2}, {2, 4}})
	if d := cmp.Diff([2]float64{1.0 / 3, 0.5}, [2]float64{iou, iop}, cmpopts.EquateApprox(0, tol)); d != "" {
		t.Errorf("BestOverlap must not merge spans (-want +got):\n%s", d)
	}
	// A zero-length prediction inside the second of two spans.
	iou, iop = BestOverlap(Span{8, 8}, []Span{{0, 2}, {7, 9}})
	if d := cmp.Diff([2]float64{0, 1}, [2]float64{iou, iop}); d != "" {
		t.Errorf("zero-length prediction, several spans (-want +got):\n%s", d)
	}
}

func ptr(x float64) *float64 { return &x }

func TestEvaluate(t *testing.T) {
	tests := []struct {
		name string
		qs   []Query
		want Report
	}{
		{
			name: "grounding only",
			qs: []Query{
				{ID: "a", GT: []Span{{0, 10}}, Pred: []Span{{0, 7}}},          // IoU 0.7, IoP 1
				{ID: "b", GT: []Span{{0, 10}}, Pred: []Span{{0, 5}, {0, 10}}}, // top-1 only: IoU 0.5
				{ID: "c", GT: []Span{{0, 10}}, Pred: []Span{{20, 30}}},        // 0, 0
				{ID: "d", GT: []Span{{0, 10}}, Pred: []Span{{5, 20}}},         // IoU 0.25, IoP 1/3
				{ID: "e", GT: []Span{{0, 10}}, Pred: nil},                     // no prediction: 0
				{ID: "f", GT: []Span{{0, 2}, {4, 10}}, Pred: []Span{{3, 3}}},  // zero length outside both
				{ID: "g", GT: []Span{{0, 2}, {4, 10}}, Pred: []Span{{4, 4}}},  // zero length on an edge
				{ID: "h", GT: []Span{{0, 10}}, Pred: []Span{{8, 2}}},          // reversed
			},
			want: Report{
				N:       8,
				R1At03:  100 * 2.0 / 8,
				R1At05:  100 * 2.0 / 8,
				R1At07:  100 * 1.0 / 8,
				MIoU:    100 * (0.7 + 0.5 + 0.25) / 8,
				MIoP:    100 * (1 + 1 + 1.0/3 + 1) / 8,
				IoPAt03: 100 * 4.0 / 8,
				IoPAt05: 100 * 3.0 / 8,
				IoUAt03: 100 * 2.0 / 8,
				IoUAt05: 100 * 2.0 / 8,
			},
		},
		{
			name: "grounded QA",
			qs: []Query{
				{ID: "a", GT: []Span{{0, 10}}, Pred: []Span{{0, 5}}, Answered: true, Answer: "Red", Prediction: " red\n"}, // right, IoP 1
				{ID: "b", GT: []Span{{0, 10}}, Pred: []Span{{5, 15}}, Answered: true, Answer: "red", Prediction: "red"},   // right, IoP exactly 0.5
				{ID: "c", GT: []Span{{0, 10}}, Pred: []Span{{6, 16}}, Answered: true, Answer: "red", Prediction: "red"},   // right, IoP 0.4
				{ID: "d", GT: []Span{{0, 10}}, Pred: []Span{{0, 5}}, Answered: true, Answer: "red", Prediction: "blue"},   // wrong, IoP 1
			},
			want: Report{
				N:       4,
				R1At03:  100 * 3.0 / 4,
				R1At05:  50, // [0,5]: 0.5 twice; [5,15]: 1/3; [6,16]: 0.25
				R1At07:  0,
				MIoU:    100 * (0.5 + 1.0/3 + 0.25 + 0.5) / 4,
				MIoP:    100 * (1 + 0.5 + 0.4 + 1) / 4,
				IoPAt03: 100,
				IoPAt05: 75,
				IoUAt03: 75,
				IoUAt05: 50,
				AccQA:   ptr(75),
				AccGQA:  ptr(50),
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Evaluate(tc.qs)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tc.want, got, cmpopts.EquateApprox(0, 1e-9)); d != "" {
				t.Errorf("Evaluate (-want +got):\n%s", d)
			}
		})
	}
}

func TestEvaluateErrors(t *testing.T) {
	tests := []struct {
		name string
		qs   []Query
		want string
	}{
		{"empty", nil, "no queries"},
		{"no gt", []Query{{ID: "x"}}, `query 0 ("x"): no ground-truth span`},
		{"reversed gt", []Query{{ID: "a", GT: []Span{{0, 1}}}, {ID: "x", GT: []Span{{0, 1}, {3, 2}}}}, `query 1 ("x"): ground truth 1: span [3, 2]: end before start`},
		{"NaN gt", []Query{{ID: "x", GT: []Span{{math.NaN(), 1}}}}, "not finite"},
		{"Inf prediction", []Query{{ID: "x", GT: []Span{{0, 1}}, Pred: []Span{{0, math.Inf(1)}}}}, `query 0 ("x"): prediction 0`},
		{"mixed QA", []Query{{ID: "a", GT: []Span{{0, 1}}}, {ID: "b", GT: []Span{{0, 1}}, Answered: true}}, `query 1 ("b"): answered is true`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Evaluate(tc.qs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Evaluate error = %v, want one containing %q", err, tc.want)
			}
		})
	}
}

func TestReportJSONKeys(t *testing.T) {
	b, err := json.Marshal(Report{N: 1})
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"n": 1.0, "R1@0.3": 0.0, "R1@0.5": 0.0, "R1@0.7": 0.0, "mIoU": 0.0, "mIoP": 0.0,
		"IoP@0.3": 0.0, "IoP@0.5": 0.0, "IoU@0.3": 0.0, "IoU@0.5": 0.0, "Acc@QA": nil, "Acc@GQA": nil,
	}
	if d := cmp.Diff(want, m); d != "" {
		t.Errorf("JSON keys (-want +got):\n%s", d)
	}
}
