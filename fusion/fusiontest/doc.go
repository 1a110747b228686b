// Package fusiontest holds the conformance suites of package fusion's stage
// interfaces and small deterministic fakes, so that a host's unit tests of
// code that takes a fusion.TextEncoder, fusion.TimeEncoder or fusion.Fuser
// run in milliseconds without any model.
//
// Suites: TextEncoder, TimeEncoder and Fuser check the contract of the
// interface (shapes, determinism, finite values, the documented errors,
// cancellation) on any implementation; run them on your own
// implementation from a test.
//
// Fakes: HashText is a TextEncoder that sums a fixed pseudo-random vector
// per word (order-free, model-free); Ramp is a TimeEncoder whose every
// feature is tau_t; PadFuser is a Fuser that writes [z_t; e_text;
// e_time(t)] into the first d_LLM features and zero-fills the rest.
package fusiontest
