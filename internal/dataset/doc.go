// Package dataset reads grounding and grounded-QA annotations: the
// Charades-STA text format ("VIDEO START END##SENTENCE", ReadCharadesSTA),
// NExT-GQA's span JSON (gsub_{val,test}.json, ReadNExTGQASpans) and QA CSV
// (ReadNExTGQAQuestions, joined by JoinNExTGQA), and the benchmark's
// qa.jsonl (ReadQAJSONL).
//
// Times are seconds as heads.Span values. Annotation end times past a known
// video duration are clipped to it (they occur in the real files); every
// other inconsistency is an error, a *ParseError naming the file and line.
package dataset
