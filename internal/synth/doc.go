// Package synth generates the procedural video benchmark: videos of coloured
// shapes with exact ground truth (masks, boxes, events), templated queries
// with their spans and grounded QA items.
//
// # The world
//
// A video holds 2 to 6 entities (Config), each with a colour (Colours, 10
// names), a shape (Shapes, 8 names) and a size (small/large); every
// (colour, shape, size) triple is unique within a video and most entities
// share a colour or a shape with another one (distractors). Entities sit on
// one of two depth layers: entities of one layer collide, those of the upper
// layer pass in front of the lower one. The backdrop is a muted value-noise
// texture that slowly cross-fades and drifts in hue; about half the videos
// pan the camera slowly left and right.
//
// The world is simulated at the frame rate (math/rand/v2 PCG streams seeded
// from (seed, index) only): entities start and stop moving, bounce off the
// bounds of a world wider than the frame (so they leave and enter it), stop
// in contact when they touch (the contact point is found by bisection along
// the step), change colour, shrink away and grow back elsewhere.
//
// # Ground truth
//
// Frame t shows the world at t/FPS seconds. Every event is a maximal run of
// frames [a, b] over which a predicate of the simulation holds (see Event);
// its span in seconds is [a/FPS, (b+1)/FPS), used everywhere: events,
// queries, QA evidence and charades.txt (printed with 2 decimals).
// Queries (Query) name one target event by a clause template (Templates)
// alone, by its ordinal, or relative to an anchor event ("after",
// "before", "while"); the span comes from the event log, never from the
// text. QA items are five-choice questions in the NExT-GQA style with
// evidence spans. Tracks hold per frame the box and the run-length encoded
// visible mask (EncodeRLE) of every entity.
//
// # Use
//
// Generate builds one video in memory (Video.Meta, Video.Frame, Video.RGB,
// and Video.Tensor for the SDK's (T, H, W, 3) float32 frames);
// WriteSplit writes a split to disk (charades.txt, qa.jsonl, meta/ID.json,
// videos/ID.mp4 through ffmpeg and/or frames/ID/%05d.png, README), using
// several workers with output independent of their number; ReadMeta reads a
// meta file back. The command examples/synth wraps WriteSplit.
//
// Annotations and PNG frames are byte-identical for the same arguments on
// machines that compute float64 arithmetic alike (amd64; architectures
// whose compiler fuses multiply-adds, such as arm64, may differ); mp4 files
// are identical for one ffmpeg build.
package synth
