package checkpoint

import (
	"context"
	"encoding/binary"
	"errors"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/safetensors"
)

type config struct {
	Dim    int     `json:"dim"`
	Blocks int     `json:"blocks"`
	Eps    float64 `json:"eps"`
}

// tiny is a small model for the round trips.
type tiny struct {
	Embed  *tensor.Dense `st:"embed"`
	Blocks []linear      `st:"blocks"`
	Scalar *tensor.Dense `st:"scalar"`
}

func randDense(rng *rand.Rand, shape ...int) *tensor.Dense {
	n := tensor.Shape(shape).TotalSize()
	data := make([]float32, n)
	for i := range data {
		data[i] = float32(rng.NormFloat64())
	}
	return tensor.New(tensor.WithShape(shape...), tensor.WithBacking(data))
}

// newTiny returns a tiny model with random weights; block 1 has no bias.
func newTiny(seed uint64) *tiny {
	rng := rand.New(rand.NewPCG(seed, 1))
	return &tiny{
		Embed: randDense(rng, 5, 3),
		Blocks: []linear{
			{W: randDense(rng, 3, 3), B: randDense(rng, 3)},
			{W: randDense(rng, 2, 3)},
		},
		Scalar: tensor.New(tensor.WithShape(), tensor.WithBacking([]float32{float32(rng.NormFloat64())})),
	}
}

// values lists every tensor of a model by name, as shape and data.
type value struct {
	Shape []int
	Data  []float32
}

func values(t *testing.T, m any) map[string]value {
	t.Helper()
	out := map[string]value{}
	err := Walk(m, func(name string, p **tensor.Dense) error {
		if *p != nil {
			out[name] = value{slices.Clone((*p).Shape()), slices.Clone((*p).Float32s())}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSaveLoadRoundTrip(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "new", "ckpt") // Save creates it
	src := newTiny(1)
	cfg := config{Dim: 3, Blocks: 2, Eps: 1e-5}
	if err := Save(ctx, dir, cfg, src); err != nil {
		t.Fatal(err)
	}

	t.Run("into nil fields", func(t *testing.T) {
		var gotCfg config
		got := &tiny{Blocks: make([]linear, 2)}
		if err := Load(ctx, dir, &gotCfg, got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cfg, gotCfg); diff != "" {
			t.Errorf("config (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(values(t, src), values(t, got)); diff != "" {
			t.Errorf("tensors (-want +got):\n%s", diff)
		}
	})
	t.Run("from an fs.FS", func(t *testing.T) {
		var gotCfg config
		got := &tiny{Blocks: make([]linear, 2)}
		if err := LoadFS(ctx, os.DirFS(dir), &gotCfg, got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(cfg, gotCfg); diff != "" {
			t.Errorf("config (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(values(t, src), values(t, got)); diff != "" {
			t.Errorf("tensors (-want +got):\n%s", diff)
		}
		if err := LoadFS(ctx, os.DirFS(t.TempDir()), nil, got); err == nil {
			t.Error("LoadFS of an empty folder succeeded")
		}
	})
	t.Run("into allocated fields, in place", func(t *testing.T) {
		got := newTiny(2) // same shapes, other values, and a bias in block 1
		got.Blocks[1].B = tensor.New(tensor.WithShape(2), tensor.WithBacking([]float32{9, 9}))
		embed := got.Embed.Float32s()
		if err := Load(ctx, dir, nil, got); err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(values(t, src), values(t, got)); diff != "" {
			t.Errorf("tensors (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(src.Embed.Float32s(), embed); diff != "" {
			t.Errorf("embed was not filled in place (-want +old backing):\n%s", diff)
		}
		if got.Blocks[1].B != nil {
			t.Error("optional blocks.1.bias absent from the file was not set to nil")
		}
	})
	t.Run("files", func(t *testing.T) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		if diff := cmp.Diff([]string{ConfigFile, ModelFile}, names); diff != "" {
			t.Errorf("directory (-want +got):\n%s", diff)
		}
		b, err := os.ReadFile(filepath.Join(dir, ConfigFile))
		if err != nil {
			t.Fatal(err)
		}
		want := "{\n  \"dim\": 3,\n  \"blocks\": 2,\n  \"eps\": 0.00001\n}\n"
		if diff := cmp.Diff(want, string(b)); diff != "" {
			t.Errorf("config.json (-want +got):\n%s", diff)
		}
	})
}

// writeModel writes a raw model.safetensors with F32 tensors (NaN allowed).
func writeModel(t *testing.T, dir string, head string, data []float32) {
	t.Helper()
	b := binary.LittleEndian.AppendUint64(nil, uint64(len(head)))
	b = append(b, head...)
	for _, v := range data {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	if err := os.WriteFile(filepath.Join(dir, ModelFile), b, 0o644); err != nil {
		t.Fatal(err)
	}
}

type one struct {
	W *tensor.Dense `st:"w"`
}

type oneOptional struct {
	W *tensor.Dense `st:"w"`
	B *tensor.Dense `st:"b,optional"`
}

func TestLoadBadInput(t *testing.T) {
	const w2 = `{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`
	tests := []struct {
		name   string
		head   string
		data   []float32
		config string
		model  any
		want   error  // nil: check the message only
		msg    string // must appear in the message
	}{
		{"missing tensor", `{"v":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}`, []float32{1, 2}, `{}`,
			&one{}, ErrMissing, `tensor "w"`},
		{"unexpected tensor", `{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]},"y":{"dtype":"F32","shape":[0],"data_offsets":[8,8]}}`, []float32{1, 2}, `{}`,
			&one{}, ErrUnexpected, `tensor "x", "y"`},
		{"shape mismatch", w2, []float32{1, 2}, `{}`,
			&one{W: tensor.New(tensor.WithShape(1, 2), tensor.WithBacking([]float32{0, 0}))}, ErrShape, `tensor "w": shape mismatch: model has (1, 2), file has (2)`},
		{"model tensor not float32", w2, []float32{1, 2}, `{}`,
			&one{W: tensor.New(tensor.WithShape(2), tensor.WithBacking([]float64{0, 0}))}, ErrTensor, `tensor "w"`},
		{"NaN", w2, []float32{1, float32(math.NaN())}, `{}`,
			&one{}, safetensors.ErrNonFinite, `tensor "w"`},
		{"truncated file", w2, []float32{1}, `{}`,
			&one{}, safetensors.ErrOffsets, `tensor "w"`},
		{"wrong dtype", `{"w":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}`, []float32{1, 2}, `{}`,
			&one{}, safetensors.ErrDType, `tensor "w"`},
		{"unknown config field", w2, []float32{1, 2}, `{"dim": 3, "heads": 2}`,
			&one{}, nil, `unknown field "heads"`},
		{"config trailing data", w2, []float32{1, 2}, `{"dim": 3} {}`,
			&one{}, nil, "data after the JSON value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			writeModel(t, dir, tt.head, tt.data)
			if err := os.WriteFile(filepath.Join(dir, ConfigFile), []byte(tt.config), 0o644); err != nil {
				t.Fatal(err)
			}
			before := values(t, tt.model)
			var cfg config
			err := Load(context.Background(), dir, &cfg, tt.model)
			if err == nil {
				t.Fatal("Load succeeded")
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("error %v, want one wrapping %v", err, tt.want)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("error %q does not contain %q", err, tt.msg)
			}
			if !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name the checkpoint %q", err, dir)
			}
			if diff := cmp.Diff(before, values(t, tt.model)); diff != "" {
				t.Errorf("failed Load changed the model (-before +after):\n%s", diff)
			}
		})
	}
}

func TestLoadOptional(t *testing.T) {
	dir := t.TempDir()
	writeModel(t, dir, `{"b":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, []float32{5, 6})
	var m oneOptional
	if err := Load(context.Background(), dir, nil, &m); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]value{"b": {[]int{1}, []float32{5}}, "w": {[]int{1}, []float32{6}}}, values(t, &m)); diff != "" {
		t.Errorf("tensors (-want +got):\n%s", diff)
	}
}

func TestSaveErrors(t *testing.T) {
	transposed := tensor.New(tensor.WithShape(2, 3), tensor.WithBacking([]float32{1, 2, 3, 4, 5, 6}))
	if err := transposed.T(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		model any
		want  string
	}{
		{"nil required tensor", &oneOptional{}, `tensor "w": unusable tensor field: nil and not optional`},
		{"transposed view", &one{W: transposed}, `tensor "w": unusable tensor field: shape (3, 2) is not stored contiguously`},
		{"NaN", &one{W: tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{float32(math.NaN())}))}, `tensor "w": non-finite value`},
		{"not a model", 3, "non-nil pointer to a struct"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "ckpt")
			err := Save(context.Background(), dir, config{}, tt.model)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("Save error = %v, want one containing %q", err, tt.want)
			}
			entries, _ := os.ReadDir(dir)
			if len(entries) != 0 {
				t.Errorf("failed Save left %d files in %s", len(entries), dir)
			}
		})
	}
}

func TestSaveKeepsOldCheckpointOnFailure(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := Save(ctx, dir, config{Dim: 1}, newTiny(1)); err != nil {
		t.Fatal(err)
	}
	before := map[string][]byte{}
	for _, f := range []string{ModelFile, ConfigFile} {
		b, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		before[f] = b
	}
	bad := newTiny(2)
	bad.Blocks[0].W.Float32s()[4] = float32(math.Inf(1))
	if err := Save(ctx, dir, config{Dim: 2}, bad); err == nil {
		t.Fatal("Save of an infinite value succeeded")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := Save(cancelled, dir, config{Dim: 3}, newTiny(3)); !errors.Is(err, context.Canceled) {
		t.Fatalf("Save with a cancelled context: %v", err)
	}
	after := map[string][]byte{}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		after[e.Name()] = b
	}
	if diff := cmp.Diff(before, after); diff != "" {
		t.Errorf("failed Saves changed the directory (-before +after):\n%s", diff)
	}
}

func TestSaveAsHalf(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		dtype safetensors.DType
		round func(float32) float32
	}{
		{safetensors.F16, func(v float32) float32 { return safetensors.F16ToFloat32(safetensors.Float32ToF16(v)) }},
		{safetensors.BF16, func(v float32) float32 { return safetensors.BF16ToFloat32(safetensors.Float32ToBF16(v)) }},
	}
	for _, tt := range tests {
		t.Run(string(tt.dtype), func(t *testing.T) {
			dir := t.TempDir()
			src := newTiny(4)
			if err := SaveAs(ctx, dir, config{}, src, tt.dtype); err != nil {
				t.Fatal(err)
			}
			want := values(t, src)
			for name, v := range want {
				for i := range v.Data {
					v.Data[i] = tt.round(v.Data[i])
				}
				want[name] = v
			}
			got := &tiny{Blocks: make([]linear, 2)}
			if err := Load(ctx, dir, nil, got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, values(t, got)); diff != "" {
				t.Errorf("tensors (-want +got):\n%s", diff)
			}
		})
	}
	big := &one{W: tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{1e5}))}
	err := SaveAs(ctx, t.TempDir(), config{}, big, safetensors.F16)
	if !errors.Is(err, safetensors.ErrOverflow) || !strings.Contains(err.Error(), `tensor "w"`) {
		t.Errorf("SaveAs F16 of 1e5: %v, want an overflow naming tensor \"w\"", err)
	}
}
