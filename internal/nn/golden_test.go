package nn_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// goldenTol bounds the norm-wise relative error ||got - want||_2 / ||want||_2
// (nntest.RelErr) of every layer output against PyTorch's float32 output.
const goldenTol = 1e-5

// goldenTensor is a tensor of a fixture: shape and row-major data.
type goldenTensor struct {
	Shape []int     `json:"shape"`
	Data  []float64 `json:"data"`
}

// golden is one fixture written by testdata/gen_golden.py.
type golden struct {
	Layer   string                  `json:"layer"`
	Config  json.RawMessage         `json:"config"`
	Tensors map[string]goldenTensor `json:"tensors"`
	Outputs map[string]goldenTensor `json:"outputs"`
}

func loadGolden(t *testing.T, name string) *golden {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "golden", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var g golden
	if err := json.Unmarshal(b, &g); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return &g
}

// dense returns the fixture tensor name as float32.
func (g *golden) dense(t *testing.T, name string) *tensor.Dense {
	t.Helper()
	gt, ok := g.Tensors[name]
	if !ok {
		t.Fatalf("fixture has no tensor %q", name)
	}
	data := make([]float32, len(gt.Data))
	for i, v := range gt.Data {
		data[i] = float32(v)
	}
	return tensor.New(tensor.WithShape(gt.Shape...), tensor.WithBacking(data))
}

func (g *golden) config(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(g.Config, v); err != nil {
		t.Fatalf("config: %v", err)
	}
}

func (g *golden) linear(t *testing.T, prefix string) nn.Linear {
	l := nn.Linear{W: g.dense(t, prefix+"weight")}
	if _, ok := g.Tensors[prefix+"bias"]; ok {
		l.B = g.dense(t, prefix+"bias")
	}
	return l
}

func (g *golden) attention(t *testing.T, prefix string, heads, kv int, rope float64) *nn.Attention {
	return &nn.Attention{
		Q: g.linear(t, prefix+"q_proj."), K: g.linear(t, prefix+"k_proj."),
		V: g.linear(t, prefix+"v_proj."), O: g.linear(t, prefix+"o_proj."),
		Heads: heads, KVHeads: kv, RopeBase: rope,
	}
}

func (g *golden) mlp(t *testing.T, prefix string) *nn.GatedMLP {
	return &nn.GatedMLP{Gate: g.linear(t, prefix+"gate_proj."), Up: g.linear(t, prefix+"up_proj."), Down: g.linear(t, prefix+"down_proj.")}
}

// goldenExecutors are the executors the fixtures are checked on.
var goldenExecutors = []struct {
	name string
	new  func() nn.Exec
	read nntest.Reader
}{
	{"eager", func() nn.Exec { return nn.NewEager() }, readEager},
	{"graph", func() nn.Exec { return nn.NewGraph() }, readGraph},
	{"reference", func() nn.Exec { return nntest.NewReference() }, readReference},
}

// readReference returns the reference executor's float64 values rounded to
// float32.
func readReference(e nn.Exec, v nn.V) ([]float32, error) {
	r, ok := e.(*nntest.Reference)
	if !ok {
		return nil, errors.New("not a *nntest.Reference")
	}
	f := r.Float64s(v)
	out := make([]float32, len(f))
	for i, x := range f {
		out[i] = float32(x)
	}
	return out, nil
}

// TestGolden checks every layer against PyTorch outputs committed in
// testdata/golden (see testdata/gen_golden.py), on both executors.
func TestGolden(t *testing.T) {
	type outputs map[string]nn.V
	tests := []struct {
		file  string
		build func(t *testing.T, g *golden, e nn.Exec) outputs
	}{
		{"linear", func(t *testing.T, g *golden, e nn.Exec) outputs {
			l := g.linear(t, "")
			return outputs{"y": l.Forward(e, e.Const(g.dense(t, "x")))}
		}},
		{"linear_nobias_3d", func(t *testing.T, g *golden, e nn.Exec) outputs {
			l := g.linear(t, "")
			return outputs{"y": l.Forward(e, e.Const(g.dense(t, "x")))}
		}},
		{"embedding", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct{ IDs []int }
			g.config(t, &c)
			m := nn.Embedding{W: g.dense(t, "weight")}
			return outputs{"y": m.Forward(e, c.IDs)}
		}},
		{"layernorm", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct{ Eps float32 }
			g.config(t, &c)
			l := nn.LayerNorm{W: g.dense(t, "weight"), B: g.dense(t, "bias"), Eps: c.Eps}
			return outputs{"y": l.Forward(e, e.Const(g.dense(t, "x")))}
		}},
		{"rmsnorm", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct{ Eps float32 }
			g.config(t, &c)
			l := nn.RMSNorm{W: g.dense(t, "weight"), Eps: c.Eps}
			return outputs{"y": l.Forward(e, e.Const(g.dense(t, "x")))}
		}},
		{"activations", func(t *testing.T, g *golden, e nn.Exec) outputs {
			x := e.Const(g.dense(t, "x"))
			return outputs{
				"gelu_tanh":         nn.GELU(e, x),
				"silu":              nn.SiLU(e, x),
				"softmax_axis0":     nn.Softmax(e, x, 0),
				"softmax_axis1":     nn.Softmax(e, x, 1),
				"log_softmax_axis0": nn.LogSoftmax(e, x, 0),
				"log_softmax_axis1": nn.LogSoftmax(e, x, 1),
			}
		}},
		{"rotary", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct {
				Positions []int
				Base      float64
			}
			g.config(t, &c)
			x := g.dense(t, "x")
			cos, sin := nn.RotaryTables(c.Positions, x.Shape()[2], c.Base)
			return outputs{"y": nn.ApplyRotary(e, e.Const(x), e.Const(cos), e.Const(sin))}
		}},
		{"attention_gqa_rope_causal", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct {
				Heads    int
				KVHeads  int     `json:"kv_heads"`
				RopeBase float64 `json:"rope_base"`
			}
			g.config(t, &c)
			a := g.attention(t, "", c.Heads, c.KVHeads, c.RopeBase)
			return outputs{"y": a.Forward(e, e.Const(g.dense(t, "x")), nil, e.Const(nn.CausalBias(5)))}
		}},
		{"attention_batched_padding", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct {
				Heads    int
				KVHeads  int     `json:"kv_heads"`
				RopeBase float64 `json:"rope_base"`
				Keep     [][]bool
			}
			g.config(t, &c)
			a := g.attention(t, "", c.Heads, c.KVHeads, c.RopeBase)
			bias := e.Add(e.Const(nn.KeyPaddingBias(4, c.Keep)), e.Const(nn.CausalBias(4)))
			return outputs{"y": a.Forward(e, e.Const(g.dense(t, "x")), nil, bias)}
		}},
		{"attention_block_local", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct {
				Heads   int
				KVHeads int `json:"kv_heads"`
				Blocks  []int
				Window  int
			}
			g.config(t, &c)
			a := g.attention(t, "", c.Heads, c.KVHeads, 0)
			return outputs{"y": a.Forward(e, e.Const(g.dense(t, "x")), nil, e.Const(nn.BlockLocalBias(c.Blocks, c.Window)))}
		}},
		{"attention_block_local", func(t *testing.T, g *golden, e nn.Exec) outputs {
			// The same fixture through the linear-cost ForwardLocal; the
			// fixture's blocks are UniformBlocks(6, 2).
			var c struct {
				Heads   int
				KVHeads int `json:"kv_heads"`
				Window  int
			}
			g.config(t, &c)
			a := g.attention(t, "", c.Heads, c.KVHeads, 0)
			return outputs{"y": a.ForwardLocal(e, e.Const(g.dense(t, "x")), nil, 2, c.Window)}
		}},
		{"gated_mlp", func(t *testing.T, g *golden, e nn.Exec) outputs {
			return outputs{"y": g.mlp(t, "").Forward(e, e.Const(g.dense(t, "x")))}
		}},
		{"adaln", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct {
				N   int
				Eps float32
			}
			g.config(t, &c)
			m := nn.AdaLN{Linear: g.linear(t, "linear."), N: c.N}
			mod := m.Forward(e, e.Const(g.dense(t, "c")))
			h := nn.Modulate(e, nn.LayerNormOf(e, e.Const(g.dense(t, "x")), nil, nil, c.Eps), mod[0], mod[1])
			return outputs{"y": nn.Gate(e, h, mod[2])}
		}},
		{"patch_embed", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct{ Patch []int }
			g.config(t, &c)
			p := nn.PatchEmbed{Proj: g.linear(t, "proj."), PT: c.Patch[0], PH: c.Patch[1], PW: c.Patch[2]}
			return outputs{"y": p.Forward(e, e.Const(g.dense(t, "frames")))}
		}},
		{"meanpool", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct{ Axis int }
			g.config(t, &c)
			x := e.Const(g.dense(t, "x"))
			return outputs{
				"y":        nn.MeanPool(e, x, c.Axis, g.dense(t, "mask")),
				"y_nomask": nn.MeanPool(e, x, c.Axis, nil),
			}
		}},
		{"cross_entropy", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct{ Targets []int }
			g.config(t, &c)
			return outputs{"y": nn.CrossEntropy(e, e.Const(g.dense(t, "logits")), c.Targets)}
		}},
		{"block", func(t *testing.T, g *golden, e nn.Exec) outputs {
			var c struct {
				Heads    int
				KVHeads  int     `json:"kv_heads"`
				RopeBase float64 `json:"rope_base"`
				Eps      float32
			}
			g.config(t, &c)
			b := nn.Block{
				Norm1: nn.RMSNorm{W: g.dense(t, "input_layernorm.weight"), Eps: c.Eps},
				Attn:  *g.attention(t, "self_attn.", c.Heads, c.KVHeads, c.RopeBase),
				Norm2: nn.RMSNorm{W: g.dense(t, "post_attention_layernorm.weight"), Eps: c.Eps},
				MLP:   *g.mlp(t, "mlp."),
			}
			x := g.dense(t, "x")
			return outputs{"y": b.Forward(e, e.Const(x), nil, e.Const(nn.CausalBias(x.Shape()[0])))}
		}},
	}
	for i, tc := range tests {
		for _, ex := range goldenExecutors {
			t.Run(fmt.Sprintf("%d:%s/%s", i, tc.file, ex.name), func(t *testing.T) {
				g := loadGolden(t, tc.file)
				e := ex.new()
				outs := tc.build(t, g, e)
				if err := e.Err(); err != nil {
					t.Fatal(err)
				}
				if len(outs) != len(g.Outputs) {
					t.Fatalf("built %d outputs, fixture has %d", len(outs), len(g.Outputs))
				}
				for name, v := range outs {
					want, ok := g.Outputs[name]
					if !ok {
						t.Fatalf("fixture has no output %q", name)
					}
					if diff := cmpShape(want.Shape, v.Shape()); diff != "" {
						t.Fatalf("%s: shape (-want +got):\n%s", name, diff)
					}
					got, err := ex.read(e, v)
					if err != nil {
						t.Fatalf("%s: %v", name, err)
					}
					re := nntest.RelErr(got, want.Data, 1e-30)
					if !(re < goldenTol) {
						t.Errorf("%s: relative error %.3g >= %.3g", name, re, goldenTol)
					}
					t.Logf("%s: relative error %.2g", name, re)
				}
			})
		}
	}
}
