package nn_test

import (
	"github.com/google/go-cmp/cmp"
	"gorgonia.org/tensor"
)

// cmpShape compares shapes as int slices, returning a (-want +got) diff.
func cmpShape(want []int, got tensor.Shape) string {
	return cmp.Diff(want, []int(got))
}
