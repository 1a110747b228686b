// Package fusion turns per-frame features into language-model tokens (paper
// section III-C, Eq. 10-13): the text encoder with CLS pooling, the
// sinusoidal and learned time encoders, the fuser
// u_t = LN([z_t; e_text; e_time(t)]) W_proj and the mixed-token sequence of
// instruction, object, time and frame tokens.
package fusion
