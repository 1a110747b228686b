// Package synth generates the procedural video benchmark: videos of coloured
// shapes with exact ground truth (masks, boxes, events), templated queries
// with their spans and grounded QA items.
package synth
