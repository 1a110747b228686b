// Package grounding is the public pipeline of videodit: it takes a video and a
// natural-language query and returns when (ranked time spans in seconds, with
// scores) and what (the entities of the query, their per-frame masks and
// tracks, and for questions a short answer).
//
// The pipeline chains the stages of the Grounded-VideoDiT paper: the entity
// stage (package segment, paper III-A), the diffusion encoder (package
// diffusion, III-B and III-D), time and text fusion (package fusion, III-C),
// a frozen language model with low-rank adapters (package lora) and the span
// heads (package heads, Eq. 15-16). Every stage is an interface, so a host
// can replace one and keep the rest.
//
// # Tasks
//
// A Pipeline, built by New from Stages and Options, runs four tasks of the
// paper's Fig. 1; each takes a context (checked between stages, its error
// returned wrapped and naming the stage not run), reports each stage to
// Options.Progress, recovers a panicking stage as an error, and returns a
// result that marshals to JSON:
//
//   - Ground (query -> Result): segment, encode, text, time, fuse, the
//     mixed-token sequence, the language model and the span heads; ranked
//     spans in seconds and frames with scores p_s(s) p_e(e), and the
//     query's entities with a box and pixel count per frame;
//   - Answer (question, choices -> Answer): Ground's stages on the
//     question, then each choice's text embedding and Stages.Answers (an
//     AnswerHead); the chosen answer, the softmax over the choices and the
//     embedded Result whose spans are the evidence;
//   - Track (noun phrase, optional event -> TrackResult): the Segmenter
//     alone on the phrase (masks per frame, gate, start) and, for an event,
//     Ground on the event: Happens when the top span's score reaches
//     Options.EventThreshold;
//   - Describe (interval in seconds -> Description): the mixed-token
//     sequence of the clip under DescribeInstruction and the prompt
//     "between <a> and <b>" in time tokens, decoded greedily.
//
// The mixed-token sequence is fusion.BuildSequence of the instruction
// tokens, the object tokens (frame tokens pooled where each track is
// present), the time tokens and the frame tokens. Instruction and time
// tokens need the language model's token table: they are present when the
// LanguageModel is also a TokenEmbedder, and left out otherwise. Describe
// also needs the Decoder ability; a task the stages cannot run fails with
// an error wrapping ErrUnsupported.
//
// # Inputs and drawing
//
// LoadVideoFile (an ffmpeg subprocess, uniform sampling to T frames, time
// windows, sampling with repetition for short clips), LoadFrameDir and
// FromImages all give a Video with frames (T,H,W,3) in [0,1] and their
// times in seconds. Bad input (a missing or non-video file, a nil video,
// an empty query or one without a word, a bad interval) is an error naming
// it; video errors wrap ErrBadVideo. DrawTimeline and DrawOverlay draw
// results, WritePNG writes them.
//
// The trained default model and its loader live in grounding/defaultmodel, so
// that only programs importing it pay for its bytes.
package grounding
