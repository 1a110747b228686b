// Package dataset reads grounding and grounded-QA annotations: the
// Charades-STA text format, NExT-GQA CSV and JSON, and the benchmark qa.jsonl.
package dataset
