package optim

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestAdamWFirstStep checks one step by hand: at t=1 the bias-corrected
// update is lr * g/|g| (up to Eps), after decay by 1 - lr*WeightDecay.
func TestAdamWFirstStep(t *testing.T) {
	opt := NewAdamW(DefaultAdamW())
	p := Param{Name: "p", Value: []float32{1, -2, 0.5}, Grad: []float32{0.3, -4, 0}}
	if err := opt.Step(0.1, []Param{p}); err != nil {
		t.Fatal(err)
	}
	decay := 1 - 0.1*0.01
	want := []float64{1*decay - 0.1, -2*decay + 0.1, 0.5 * decay}
	for i, w := range want {
		if math.Abs(float64(p.Value[i])-w) > 1e-6 {
			t.Errorf("value[%d] = %v, want %v", i, p.Value[i], w)
		}
	}
	st := opt.State()["p"]
	if diff := cmp.Diff(ParamState{Step: 1, ExpAvg: []float32{0.03, -0.4, 0}, ExpAvgSq: []float32{0.3 * 0.3 * 0.001, 0.016, 0}}, st,
		cmp.Comparer(func(a, b float32) bool { return math.Abs(float64(a-b)) <= 1e-7 })); diff != "" {
		t.Errorf("state (-want +got):\n%s", diff)
	}
}

func TestAdamWPerParamSteps(t *testing.T) {
	opt := NewAdamW(DefaultAdamW())
	a := Param{Name: "a", Value: []float32{1}, Grad: []float32{1}}
	b := Param{Name: "b", Value: []float32{1}, Grad: []float32{1}}
	for _, ps := range [][]Param{{a, b}, {a}, {a, b}} {
		if err := opt.Step(0.01, ps); err != nil {
			t.Fatal(err)
		}
	}
	steps := map[string]int{}
	for name, st := range opt.State() {
		steps[name] = st.Step
	}
	if diff := cmp.Diff(map[string]int{"a": 3, "b": 2}, steps); diff != "" {
		t.Errorf("step counts (-want +got):\n%s", diff)
	}
}

func TestAdamWErrors(t *testing.T) {
	nan := float32(math.NaN())
	tests := []struct {
		name   string
		cfg    AdamWConfig
		lr     float64
		params []Param
		want   string
	}{
		{"length mismatch", DefaultAdamW(), 0.1, []Param{{Name: "w", Value: []float32{1, 2}, Grad: []float32{1}}}, `parameter "w" has 2 values and 1 gradients`},
		{"NaN gradient", DefaultAdamW(), 0.1, []Param{{Name: "ok", Value: []float32{1}, Grad: []float32{1}}, {Name: "w", Value: []float32{1, 2}, Grad: []float32{0, nan}}}, `parameter "w": gradient 1 is NaN`},
		{"infinite gradient", DefaultAdamW(), 0.1, []Param{{Name: "w", Value: []float32{1}, Grad: []float32{float32(math.Inf(-1))}}}, `parameter "w": gradient 0 is -Inf`},
		{"twice", DefaultAdamW(), 0.1, []Param{{Name: "w", Value: []float32{1}, Grad: []float32{1}}, {Name: "w", Value: []float32{1}, Grad: []float32{1}}}, `parameter "w" given twice`},
		{"no name", DefaultAdamW(), 0.1, []Param{{Value: []float32{1}, Grad: []float32{1}}}, "empty name"},
		{"state size changed", DefaultAdamW(), 0.1, []Param{{Name: "seen", Value: []float32{1, 2}, Grad: []float32{1, 2}}}, `parameter "seen" has 2 values, its state has 1`},
		{"negative lr", DefaultAdamW(), -1, nil, "learning rate -1"},
		{"NaN lr", DefaultAdamW(), math.NaN(), nil, "learning rate NaN"},
		{"beta1 one", AdamWConfig{Beta1: 1, Beta2: 0.9}, 0.1, nil, "Beta1 1 not in [0, 1)"},
		{"beta2 negative", AdamWConfig{Beta1: 0.9, Beta2: -0.1}, 0.1, nil, "Beta2 -0.1"},
		{"negative eps", AdamWConfig{Beta1: 0.9, Beta2: 0.9, Eps: -1}, 0.1, nil, "Eps -1"},
		{"NaN decay", AdamWConfig{Beta1: 0.9, Beta2: 0.9, WeightDecay: math.NaN()}, 0.1, nil, "WeightDecay NaN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opt := NewAdamW(tt.cfg)
			seen := Param{Name: "seen", Value: []float32{1}, Grad: []float32{1}}
			if err := opt.Step(0.1, []Param{seen}); err != nil && tt.cfg == DefaultAdamW() {
				t.Fatal(err)
			}
			before := opt.State()
			var values [][]float32
			for _, p := range tt.params {
				values = append(values, slices.Clone(p.Value))
			}
			err := opt.Step(tt.lr, tt.params)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Step error = %v, want one containing %q", err, tt.want)
			}
			for i, p := range tt.params {
				if diff := cmp.Diff(values[i], p.Value); diff != "" {
					t.Errorf("failed Step changed %q (-before +after):\n%s", p.Name, diff)
				}
			}
			if diff := cmp.Diff(before, opt.State()); diff != "" {
				t.Errorf("failed Step changed the state (-before +after):\n%s", diff)
			}
		})
	}
}

func TestAdamWStateRestore(t *testing.T) {
	run := func(opt *AdamW, w []float32, from, to int) {
		for s := from; s < to; s++ {
			g := []float32{w[0] - 1, 2 * w[1]}
			if err := opt.Step(0.05, []Param{{Name: "w", Value: w, Grad: g}}); err != nil {
				t.Fatal(err)
			}
		}
	}
	whole := []float32{3, -1}
	run(NewAdamW(DefaultAdamW()), whole, 0, 20)

	resumed := []float32{3, -1}
	first := NewAdamW(DefaultAdamW())
	run(first, resumed, 0, 7)
	second := NewAdamW(DefaultAdamW())
	if err := second.Restore(first.State()); err != nil {
		t.Fatal(err)
	}
	run(second, resumed, 7, 20)
	if diff := cmp.Diff(whole, resumed); diff != "" {
		t.Errorf("resumed training differs (-uninterrupted +resumed):\n%s", diff)
	}

	bad := []struct {
		name  string
		state map[string]ParamState
		want  string
	}{
		{"negative step", map[string]ParamState{"w": {Step: -1}}, `"w": step -1`},
		{"lengths differ", map[string]ParamState{"w": {Step: 1, ExpAvg: []float32{1}, ExpAvgSq: nil}}, `"w": step 1, 1 first and 0 second`},
		{"negative second moment", map[string]ParamState{"w": {Step: 1, ExpAvg: []float32{1}, ExpAvgSq: []float32{-1}}}, `"w": element 0`},
		{"NaN", map[string]ParamState{"w": {Step: 1, ExpAvg: []float32{float32(math.NaN())}, ExpAvgSq: []float32{1}}}, `"w": element 0`},
		{"empty name", map[string]ParamState{"": {}}, "empty name"},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			before := second.State()
			err := second.Restore(tt.state)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Restore error = %v, want one containing %q", err, tt.want)
			}
			if diff := cmp.Diff(before, second.State()); diff != "" {
				t.Errorf("failed Restore changed the state (-before +after):\n%s", diff)
			}
		})
	}
}
