// Package heads holds the span decoding of the paper (Eq. 15-16) and the
// evaluation metrics of the official Charades-STA and NExT-GQA evaluators.
//
// Decoding: Softmax turns start and end logits over the T frame positions
// into p_s and p_e (Eq. 15); DecodeSpan finds argmax over s <= e of
// p_s(s) p_e(e) (Eq. 16) in O(T) with a running prefix maximum; TopSpans
// ranks k spans with non-maximum suppression by IoU; SpanSeconds turns a
// frame span into seconds using the frame times.
//
// Network: SpanDecoder is the interface of a span head; Classifier is the
// paper's (Eq. 15), w_s and w_e over the hidden states (L, d) of the
// language model at the frame positions, written on internal/nn so that the
// graph executor trains it; Classifier.Loss is the training loss, the mean
// over a batch of -log p_s(s*) - log p_e(e*); Decode runs a SpanDecoder and
// DecodeSpan.
//
// Metrics: IoU, IoP and BestOverlap score one prediction; Evaluate computes
// R1@{0.3,0.5,0.7}, mIoU, mIoP, IoP@{0.3,0.5}, IoU@{0.3,0.5}, Acc@QA and
// Acc@GQA over a query set, with the conventions of the official code:
// hull union, a reversed or empty prediction has IoU 0, a zero-length
// prediction inside (or on the edge of) a ground-truth span has IoP 1,
// several ground-truth spans take the maximum IoU and the maximum IoP
// separately, the top-1 prediction is the first of the ranked list, and
// thresholds use >=. MeanStd and AcrossSeeds report mean +- std over seeds.
package heads
