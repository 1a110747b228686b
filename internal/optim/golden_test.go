package optim

import (
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// fixture is testdata/adamw.json, written by testdata/gen_adamw.py with
// torch 1.13.
type fixture struct {
	Total, Warmup int
	Peak, Floor   float64
	MaxNorm       float64 `json:"max_norm"`
	Init          map[string][]float32
	Runs          []goldenRun
	Schedule      []goldenLR
}

type goldenRun struct {
	Beta1, Beta2, Eps float64
	WeightDecay       float64 `json:"weight_decay"`
	Steps             []struct {
		LR      float64
		Norm    float64
		Grad    map[string][]float32
		Clipped map[string][]float32
		Param   map[string][]float32
	}
}

type goldenLR struct {
	Step, Total, Warmup int
	Peak, Floor, LR     float64
}

func readFixture(t *testing.T) fixture {
	t.Helper()
	b, err := os.ReadFile("testdata/adamw.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx fixture
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.Runs) != 2 || len(fx.Runs[0].Steps) != fx.Total || fx.Total < 50 {
		t.Fatalf("fixture has %d runs of %d steps", len(fx.Runs), len(fx.Runs[0].Steps))
	}
	return fx
}

// goldenTol is the relative tolerance against PyTorch's float32 results.
const goldenTol = 1e-5

// relErr is |got-want| / |want|, with |want| floored at 1e-3 so that values
// crossing zero compare absolutely.
func relErr(got, want float64) float64 {
	return math.Abs(got-want) / math.Max(math.Abs(want), 1e-3)
}

// replay runs the fixture's training loop through Step, at the learning
// rate of Cosine, and returns the largest relative error of a parameter
// after any step. grads gives the gradients to use at a step (a copy it may
// change). Halfway through, the optimiser state goes through Save and Load
// into a new optimiser.
func replay(t *testing.T, fx fixture, run goldenRun, grads func(step int, params []Param)) float64 {
	t.Helper()
	cfg := AdamWConfig{Beta1: run.Beta1, Beta2: run.Beta2, Eps: run.Eps, WeightDecay: run.WeightDecay}
	opt := NewAdamW(cfg)
	value := map[string][]float32{"w": slices.Clone(fx.Init["w"]), "b": slices.Clone(fx.Init["b"])}
	var worst float64
	for step, want := range run.Steps {
		if step == fx.Total/2 {
			path := filepath.Join(t.TempDir(), "adamw.safetensors")
			if err := opt.Save(path); err != nil {
				t.Fatal(err)
			}
			opt = NewAdamW(cfg)
			if err := opt.Load(path); err != nil {
				t.Fatal(err)
			}
		}
		params := []Param{{Name: "w", Value: value["w"]}, {Name: "b", Value: value["b"]}}
		grads(step, params)
		lr := Cosine(step, fx.Total, fx.Warmup, fx.Peak, fx.Floor)
		if relErr(lr, want.LR) > 1e-14 { // Go's math.Cos and libm's may differ in the last bit
			t.Errorf("step %d: Cosine = %v, the script's rate %v", step, lr, want.LR)
		}
		if err := opt.Step(lr, params); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{"w", "b"} {
			for i, v := range value[name] {
				worst = max(worst, relErr(float64(v), float64(want.Param[name][i])))
			}
		}
	}
	return worst
}

// TestAdamWMatchesPyTorch feeds the gradients torch had after clipping to
// Step and compares the parameters with torch.optim.AdamW's after every
// step, for PyTorch's default configuration and another one.
func TestAdamWMatchesPyTorch(t *testing.T) {
	fx := readFixture(t)
	for ri, run := range fx.Runs {
		worst := replay(t, fx, run, func(step int, params []Param) {
			for i := range params {
				params[i].Grad = slices.Clone(run.Steps[step].Clipped[params[i].Name])
			}
		})
		t.Logf("run %d: largest relative error of a parameter over %d steps: %.2g", ri, fx.Total, worst)
		if worst > goldenTol {
			t.Errorf("run %d: parameters differ from torch by up to %.2g (relative), want <= %g", ri, worst, goldenTol)
		}
	}
}

// TestClipGlobalNormMatchesPyTorch compares ClipGlobalNorm with
// torch.nn.utils.clip_grad_norm_ on every step's gradients: the norm and the
// clipped gradients (clipping is active on some steps, not on others).
func TestClipGlobalNormMatchesPyTorch(t *testing.T) {
	fx := readFixture(t)
	clipped := 0
	for _, run := range fx.Runs {
		for step, want := range run.Steps {
			params := []Param{{Name: "w", Grad: slices.Clone(want.Grad["w"])}, {Name: "b", Grad: slices.Clone(want.Grad["b"])}}
			norm := ClipGlobalNorm(params, fx.MaxNorm)
			if e := relErr(norm, want.Norm); e > goldenTol {
				t.Errorf("step %d: norm %v, torch %v (relative error %.2g)", step, norm, want.Norm, e)
			}
			if norm > fx.MaxNorm {
				clipped++
			}
			for _, p := range params {
				for i, g := range p.Grad {
					if e := relErr(float64(g), float64(want.Clipped[p.Name][i])); e > goldenTol {
						t.Errorf("step %d: clipped %s[%d] = %v, torch %v (relative error %.2g)", step, p.Name, i, g, want.Clipped[p.Name][i], e)
					}
				}
			}
		}
	}
	if clipped == 0 || clipped == 2*fx.Total {
		t.Errorf("clipping active on %d of %d steps: the fixture does not exercise both cases", clipped, 2*fx.Total)
	}
}

// TestTrainingLoopMatchesPyTorch runs the whole loop on our side: the raw
// gradients go through ClipGlobalNorm, then Step at the Cosine rate. The
// norm is computed in float64 here and in float32 by torch, so the
// trajectories differ by float32 rounding noise.
func TestTrainingLoopMatchesPyTorch(t *testing.T) {
	fx := readFixture(t)
	for ri, run := range fx.Runs {
		worst := replay(t, fx, run, func(step int, params []Param) {
			for i := range params {
				params[i].Grad = slices.Clone(run.Steps[step].Grad[params[i].Name])
			}
			ClipGlobalNorm(params, fx.MaxNorm)
		})
		t.Logf("run %d: largest relative error of a parameter over %d steps: %.2g", ri, fx.Total, worst)
		if worst > goldenTol {
			t.Errorf("run %d: parameters differ from torch by up to %.2g (relative), want <= %g", ri, worst, goldenTol)
		}
	}
}

func TestCosineMatchesScript(t *testing.T) {
	fx := readFixture(t)
	if len(fx.Schedule) < 30 {
		t.Fatalf("fixture has %d schedule points", len(fx.Schedule))
	}
	for _, s := range fx.Schedule {
		got := Cosine(s.Step, s.Total, s.Warmup, s.Peak, s.Floor)
		if e := math.Abs(got - s.LR); e > 1e-15 {
			t.Errorf("Cosine(%d, %d, %d, %v, %v) = %v, script %v", s.Step, s.Total, s.Warmup, s.Peak, s.Floor, got, s.LR)
		}
	}
}
