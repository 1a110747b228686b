package optim

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestClipGlobalNorm(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name     string
		grads    [][]float32
		maxNorm  float64
		wantNorm float64
		want     [][]float32
	}{
		{"below the limit: unchanged", [][]float32{{3}, {4}}, 10, 5, [][]float32{{3}, {4}}},
		{"above: scaled to the limit", [][]float32{{3}, {4}}, 1, 5, [][]float32{{0.6}, {0.8}}},
		{"across parameters", [][]float32{{1, 1}, {1, 1}}, 1, 2, [][]float32{{0.5, 0.5}, {0.5, 0.5}}},
		{"zero gradients", [][]float32{{0, 0}}, 1, 0, [][]float32{{0, 0}}},
		{"maxNorm 0 only measures", [][]float32{{3, 4}}, 0, 5, [][]float32{{3, 4}}},
		{"NaN left for Step", [][]float32{{nan, 1}}, 1, math.NaN(), [][]float32{{nan, 1}}},
		{"no parameters", nil, 1, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var params []Param
			for _, g := range tt.grads {
				params = append(params, Param{Name: "p", Grad: append([]float32(nil), g...)})
			}
			norm := ClipGlobalNorm(params, tt.maxNorm)
			if !(math.Abs(norm-tt.wantNorm) <= 1e-6) && !(math.IsNaN(norm) && math.IsNaN(tt.wantNorm)) {
				t.Errorf("norm = %v, want %v", norm, tt.wantNorm)
			}
			var got [][]float32
			for _, p := range params {
				got = append(got, p.Grad)
			}
			approx := cmp.Comparer(func(a, b float32) bool {
				return math.Abs(float64(a-b)) <= 1e-6 || math.IsNaN(float64(a)) && math.IsNaN(float64(b))
			})
			if diff := cmp.Diff(tt.want, got, approx); diff != "" {
				t.Errorf("gradients (-want +got):\n%s", diff)
			}
		})
	}
}
