package nn

import (
	"context"
	"slices"
	"testing"
)

// FuzzGraphShapes builds one operation on fuzzed shapes and arguments. The
// executor must never panic; when it records no error, Run must succeed
// and the value must have the shape the operation announced, and when it
// records one, the operation must have returned a non-nil placeholder.
func FuzzGraphShapes(f *testing.F) {
	f.Add(uint8(0), []byte{2, 3, 0}, []byte{3, 0, 0}, int8(1), int8(0), int8(2))
	f.Add(uint8(1), []byte{2, 3, 0}, []byte{3, 4, 0}, int8(0), int8(1), int8(0))
	f.Add(uint8(5), []byte{2, 3, 4}, []byte{0, 0, 0}, int8(2), int8(0), int8(1))
	f.Add(uint8(7), []byte{4, 3, 0}, []byte{0, 0, 0}, int8(0), int8(1), int8(3))
	f.Fuzz(func(t *testing.T, op uint8, as, bs []byte, i, j, k int8) {
		shape := func(b []byte) []int {
			var s []int
			for _, d := range b {
				if d == 0 || len(s) == 3 {
					break
				}
				s = append(s, int(d%4)+1)
			}
			return s
		}
		sa, sb := shape(as), shape(bs)
		g := NewGraph()
		fill := func(s []int) V {
			n := 1
			for _, d := range s {
				n *= d
			}
			return g.Param(dense(make([]float32, n), s...))
		}
		defer func() {
			if r := recover(); r != nil {
				t.Fatalf("panic: %v", r)
			}
		}()
		a, b := fill(sa), fill(sb)
		var v V
		switch op % 9 {
		case 0:
			v = g.Add(a, b)
		case 1:
			v = g.MatMul(a, b, i%2 == 0, j%2 == 0)
		case 2:
			v = g.Concat(int(i), a, b)
		case 3:
			v = g.Slice(a, int(i), int(j), int(k))
		case 4:
			v = g.Transpose(a, []int{int(i), int(j), int(k)}[:len(sa)]...)
		case 5:
			v = g.Reshape(a, sb...)
		case 6:
			v = g.Max(a, int(i))
		case 7:
			v = g.Gather(a, []int{int(i), int(j)})
		default:
			v = g.Attention(a, b, b, nil, 1)
		}
		if v == nil {
			t.Fatal("nil value")
		}
		if g.Err() != nil {
			return
		}
		if err := g.Run(context.Background()); err != nil {
			t.Fatalf("Run after a clean build: %v", err)
		}
		got := g.Value(v)
		if got == nil {
			t.Fatal("no value after Run")
		}
		if !slices.Equal(got.Shape(), v.Shape()) {
			t.Fatalf("value shape %v, announced %v", got.Shape(), v.Shape())
		}
	})
}
