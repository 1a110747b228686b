// Package heads holds the span decoder of the paper (Eq. 15-16): start and
// end classifiers over the frame positions, the joint argmax over s <= e in
// O(T), top-k ranking, and the evaluation metrics of the official
// Charades-STA and NExT-GQA evaluators (R1@IoU, mIoU, IoP, Acc@GQA).
package heads
