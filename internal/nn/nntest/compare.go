package nntest

import (
	"fmt"
	"math"
	"strings"

	"gorgonia.org/tensor"
)

// RelErr is the norm-wise relative error used throughout the suite:
// ||got - want||_2 / max(||want||_2, floor). It is +Inf when the lengths
// differ or got holds a NaN or an infinity. floor keeps the bound meaningful
// for a want that is (nearly) zero.
func RelErr(got []float32, want []float64, floor float64) float64 {
	if len(got) != len(want) {
		return math.Inf(1)
	}
	var num, den float64
	for i, g := range got {
		gf := float64(g)
		if math.IsNaN(gf) || math.IsInf(gf, 0) {
			return math.Inf(1)
		}
		d := gf - want[i]
		num += d * d
		den += want[i] * want[i]
	}
	return math.Sqrt(num) / math.Max(math.Sqrt(den), floor)
}

// mentionsShape reports whether msg names shape in one of the formats an
// executor may use: gorgonia's "(2, 3)", Go's "[2 3]", "(2,3)" or "2x3".
func mentionsShape(msg string, shape []int) bool {
	parts := make([]string, len(shape))
	for i, d := range shape {
		parts[i] = fmt.Sprint(d)
	}
	for _, f := range []string{
		fmt.Sprintf("%v", tensor.Shape(shape)),
		fmt.Sprint(shape),
		"(" + strings.Join(parts, ",") + ")",
		strings.Join(parts, "x"),
	} {
		if strings.Contains(msg, f) {
			return true
		}
	}
	return false
}
