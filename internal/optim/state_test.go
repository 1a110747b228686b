package optim

import (
	"errors"
	"io/fs"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/videodit/videodit/internal/safetensors"
)

func TestSaveLoadState(t *testing.T) {
	opt := NewAdamW(DefaultAdamW())
	ps := []Param{
		{Name: "blocks.0.weight", Value: []float32{1, 2, 3}, Grad: []float32{0.1, -0.2, 0.3}},
		{Name: "bias", Value: []float32{0}, Grad: []float32{1}},
		{Name: "empty", Value: []float32{}, Grad: []float32{}},
	}
	for range 3 {
		if err := opt.Step(0.01, ps); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), "opt.safetensors")
	if err := opt.Save(path); err != nil {
		t.Fatal(err)
	}
	got := NewAdamW(DefaultAdamW())
	if err := got.Load(path); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(opt.State(), got.State()); diff != "" {
		t.Errorf("state after Save/Load (-want +got):\n%s", diff)
	}
}

func TestLoadStateErrors(t *testing.T) {
	one := []float32{1}
	tests := []struct {
		name    string
		tensors []safetensors.Tensor
		meta    map[string]string
		want    string
	}{
		{"no step", []safetensors.Tensor{{Name: "w.exp_avg", Shape: []int{1}, Data: one}, {Name: "w.exp_avg_sq", Shape: []int{1}, Data: one}}, nil, `tensor "w.exp_avg" has no step count "w.step"`},
		{"bad step", nil, map[string]string{"w.step": "x"}, `parameter "w": step "x"`},
		{"unknown metadata", nil, map[string]string{"lr": "1"}, `unexpected metadata "lr"`},
		{"unknown tensor", []safetensors.Tensor{{Name: "w.momentum", Shape: []int{1}, Data: one}}, map[string]string{"w.step": "1"}, `unexpected tensor "w.momentum"`},
		{"second moment missing", []safetensors.Tensor{{Name: "w.exp_avg", Shape: []int{1}, Data: one}}, map[string]string{"w.step": "1"}, `parameter "w" lacks`},
		{"lengths differ", []safetensors.Tensor{{Name: "w.exp_avg", Shape: []int{1}, Data: one}, {Name: "w.exp_avg_sq", Shape: []int{2}, Data: []float32{1, 1}}}, map[string]string{"w.step": "1"}, `"w": step 1, 1 first and 2 second`},
		{"negative second moment", []safetensors.Tensor{{Name: "w.exp_avg", Shape: []int{1}, Data: one}, {Name: "w.exp_avg_sq", Shape: []int{1}, Data: []float32{-1}}}, map[string]string{"w.step": "1"}, `"w": element 0`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "opt.safetensors")
			if err := safetensors.WriteFile(path, tt.tensors, tt.meta); err != nil {
				t.Fatal(err)
			}
			opt := NewAdamW(DefaultAdamW())
			if err := opt.Step(0.1, []Param{{Name: "keep", Value: []float32{1}, Grad: []float32{1}}}); err != nil {
				t.Fatal(err)
			}
			before := opt.State()
			err := opt.Load(path)
			if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
				t.Fatalf("Load error = %v, want one containing %q and the path", err, tt.want)
			}
			if diff := cmp.Diff(before, opt.State()); diff != "" {
				t.Errorf("failed Load changed the state (-before +after):\n%s", diff)
			}
		})
	}
	if err := NewAdamW(DefaultAdamW()).Load(filepath.Join(t.TempDir(), "missing")); err == nil || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load of a missing file: %v", err)
	}
}
