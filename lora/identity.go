package lora

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strings"

	"gorgonia.org/tensor"

	"github.com/videodit/videodit/internal/checkpoint"
)

// Identity returns "sha256:" and the hex SHA-256 of a model's tensors
// (checkpoint.Walk naming; nil optional tensors left out), taken in name
// order: for each tensor its name, a zero byte, its rank and dimensions as
// little-endian uint64, then its float32 values as little-endian bits. Two
// models have the same identity when they have the same tensor names,
// shapes and values, however they are stored. Adapters attached to the
// model are not part of it; merged ones are (merge changes the weights).
func Identity(ctx context.Context, model any) (string, error) {
	type entry struct {
		name string
		t    *tensor.Dense
	}
	var entries []entry
	err := checkpoint.Walk(model, func(name string, p **tensor.Dense) error {
		if *p != nil {
			entries = append(entries, entry{name, *p})
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("lora: identity: %w", err)
	}
	slices.SortFunc(entries, func(a, b entry) int { return strings.Compare(a.name, b.name) })
	h := sha256.New()
	var buf []byte
	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return "", fmt.Errorf("lora: identity: %w", err)
		}
		if e.t.Dtype() != tensor.Float32 {
			return "", fmt.Errorf("lora: identity: tensor %q has dtype %v, want float32", e.name, e.t.Dtype())
		}
		buf = append(buf[:0], e.name...)
		buf = append(buf, 0)
		shape := e.t.Shape()
		buf = binary.LittleEndian.AppendUint64(buf, uint64(len(shape)))
		for _, d := range shape {
			buf = binary.LittleEndian.AppendUint64(buf, uint64(d))
		}
		h.Write(buf)
		data := e.t.Float32s()
		if e.t.RequiresIterator() {
			data = e.t.Materialize().(*tensor.Dense).Float32s()
		}
		n := shape.TotalSize()
		if len(shape) == 0 {
			n = 1 // a scalar
		}
		buf = buf[:0]
		for _, v := range data[:n] {
			buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(v))
		}
		h.Write(buf)
	}
	return "sha256:" + hex.EncodeToString(h.Sum(nil)), nil
}
