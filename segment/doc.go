// Package segment is the entity stage of the paper (section III-A, Eq. 1-6
// and Step 5): noun-phrase parsing of the query, open-vocabulary detection of
// each phrase in every frame, the AND gate over phrases with a persistence
// window, mask tracking from the gated start, the binary union mask M_t and
// the optional span.
//
// Every stage is a small interface a host can replace:
//
//   - Parser (Eq. 1): query -> noun phrases. ProseParser tags the query
//     with the prose v2 part-of-speech tagger (its model loaded once and
//     shared) and chunks noun phrases itself: determiners dropped,
//     adjectives and noun modifiers kept, plural heads made singular,
//     pronouns ignored, prepositional attachments split ("the man in the
//     red shirt" -> "man", "red shirt"), with repairs of the tagger's usual
//     mistakes on short queries (a verb read as a plural noun, a colour
//     read as a noun or a verb).
//   - Detector (Eq. 2): frames + phrases -> scored proposals (mask, box,
//     score) per phrase per frame; the best one counts. Thresholder is its
//     optional ability to suggest tau_i.
//   - Tracker (Eq. 5): seed masks + frames -> propagated masks, with a
//     Reseed callback after every frame. FlowTracker follows each mask by
//     pyramidal dense optical flow and direct alignment (see its doc).
//   - Segmenter: all of it. Pipeline (built by New) composes a Parser, a
//     Detector and a Tracker.
//
// The exact rules are exported functions: Valid (s >= tau_i), Gate
// (Eq. 3), PersistentStart (Eq. 4), Union (Eq. 6) and LongestRun (Step 5),
// with defined results for no nouns, K larger than T and empty videos.
//
// Frames are float32 tensors of shape (T,H,W,3) (frame, row, column, RGB)
// with values in [0,1]; masks are binary, one bit per pixel (Mask). The
// package segmenttest holds conformance suites for every interface and
// deterministic fakes for hosts' tests.
package segment
