// Package diffusiontest helps hosts test code that uses a
// diffusion.DiffusionEncoder: Test is the conformance suite every encoder
// must pass, and Fake is a small deterministic encoder that runs in
// microseconds, for unit tests that need features but no model.
package diffusiontest
