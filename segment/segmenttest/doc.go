// Package segmenttest holds the conformance suites of the segment stage's
// interfaces (RunSegmenter, RunParser, RunDetector, RunTracker), which any
// implementation can run from its own tests, and small deterministic fakes
// (Scripted, FixedParser, FixedDetector, IdentityTracker) and a synthetic
// Clip with exact masks, so that a host's unit tests run in milliseconds
// without any model.
package segmenttest
