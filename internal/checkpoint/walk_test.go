package checkpoint

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

type linear struct {
	W *tensor.Dense `st:"weight"`
	B *tensor.Dense `st:"bias,optional"`
}

type block struct {
	Q   linear  `st:"attn.q"`
	MLP *linear `st:"mlp"`
}

// Norm is exported so that embedding it promotes its tagged field.
type Norm struct {
	Scale *tensor.Dense `st:"scale"`
}

type model struct {
	Norm
	Embed  *tensor.Dense   `st:"embed"`
	Blocks []block         `st:"blocks"`
	Heads  [2]linear       `st:"heads"`
	Extra  []*tensor.Dense `st:"extra,optional"`
	Skip   *tensor.Dense   `st:"-"`
	Plain  *tensor.Dense
	Hidden int
}

func TestWalkNames(t *testing.T) {
	m := &model{Blocks: []block{{MLP: &linear{}}, {}}, Extra: make([]*tensor.Dense, 2)}
	var got []string
	err := Walk(m, func(name string, p **tensor.Dense) error {
		got = append(got, name)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"scale", "embed",
		"blocks.0.attn.q.weight", "blocks.0.attn.q.bias", "blocks.0.mlp.weight", "blocks.0.mlp.bias",
		"blocks.1.attn.q.weight", "blocks.1.attn.q.bias", // blocks.1.mlp is a nil pointer: skipped
		"heads.0.weight", "heads.0.bias", "heads.1.weight", "heads.1.bias",
		"extra.0", "extra.1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("names (-want +got):\n%s", diff)
	}
}

func TestWalkPointsAtFields(t *testing.T) {
	m := &model{Blocks: []block{{}}}
	x := tensor.New(tensor.WithShape(1), tensor.WithBacking([]float32{3}))
	err := Walk(m, func(name string, p **tensor.Dense) error {
		if name == "blocks.0.attn.q.weight" {
			*p = x
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if m.Blocks[0].Q.W != x {
		t.Error("assigning through the pointer did not set blocks.0.attn.q.weight")
	}
}

type badOption struct {
	W *tensor.Dense `st:"w,required"`
}
type badType struct {
	N int `st:"n"`
}
type emptyName struct {
	W *tensor.Dense `st:""`
}
type unexported struct {
	w *tensor.Dense `st:"w"`
}
type duplicate struct {
	A *tensor.Dense `st:"x.w"`
	B struct {
		W *tensor.Dense `st:"w"`
	} `st:"x"`
}
type cyclic struct {
	W    *tensor.Dense `st:"w"`
	Next *cyclic       `st:"next"`
}

func TestWalkErrors(t *testing.T) {
	loop := &cyclic{}
	loop.Next = loop
	tests := []struct {
		name  string
		model any
		want  string
	}{
		{"not a pointer", model{}, "non-nil pointer to a struct"},
		{"nil pointer", (*model)(nil), "non-nil pointer to a struct"},
		{"pointer to non-struct", new(int), "non-nil pointer to a struct"},
		{"unknown option", &badOption{}, `unknown st tag option "required"`},
		{"wrong field type", &badType{}, "type int cannot hold tensors"},
		{"empty name", &emptyName{}, "empty st tag name"},
		{"unexported", &unexported{}, "unexported field"},
		{"duplicate name", &duplicate{}, `tensor name "x.w" used twice`},
		{"cycle", loop, "pointer cycle"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Walk(tt.model, func(string, **tensor.Dense) error { return nil })
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Walk error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
