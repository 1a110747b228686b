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
// What it holds today:
//   - video inputs: LoadVideoFile (an ffmpeg subprocess, uniform sampling to
//     T frames, time windows), LoadFrameDir and FromImages, all giving a
//     Video with frames (T,H,W,3) in [0,1] and their times in seconds;
//   - Pipeline, built by New from Stages, and its Ground: segment, encode,
//     text, time, fuse, the mixed-token sequence, the language model and the
//     span heads, returning a Result that marshals to JSON (spans in seconds
//     and frames; entities with a box and pixel count per frame);
//   - DrawTimeline and DrawOverlay for looking at results, WritePNG.
//
// Not yet: the trained default model and its loader, Answer, Describe and
// Track, and instruction and time tokens in the language model's input.
package grounding
