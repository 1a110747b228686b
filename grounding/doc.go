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
package grounding
