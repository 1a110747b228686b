package nn

// lastAxis returns the index of the last axis of v (0 for a scalar).
func lastAxis(v V) int {
	if r := len(v.Shape()); r > 0 {
		return r - 1
	}
	return 0
}

// lastDim returns the size of the last axis of v (0 for a scalar, which
// then fails the next primitive with a shape error).
func lastDim(v V) int {
	s := v.Shape()
	if len(s) == 0 {
		return 0
	}
	return s[len(s)-1]
}

// Chunk splits x into n parts along axis (a Slice each), in order: for x
// (..., n*D) along the last axis the parts are (..., D). When the axis size
// is not a multiple of n the last part takes the remainder; n < 1 counts as
// 1. A bad axis, or n larger than the axis, is a recorded shape error.
func Chunk(e Exec, x V, axis, n int) []V {
	s := x.Shape()
	n = max(n, 1)
	size := 0
	if axis >= 0 && axis < len(s) {
		size = s[axis] / n
	}
	out := make([]V, n)
	for i := range out {
		end := (i + 1) * size
		if i == n-1 && size > 0 {
			end = s[axis]
		}
		out[i] = e.Slice(x, axis, i*size, end)
	}
	return out
}

// dropAxis reshapes v, whose axis has size 1, to its shape without that
// axis; a rank-1 value keeps shape (1).
func dropAxis(e Exec, v V, axis int) V {
	s := v.Shape()
	if len(s) <= 1 {
		return v
	}
	out := make([]int, 0, len(s)-1)
	out = append(out, s[:axis]...)
	out = append(out, s[axis+1:]...)
	return e.Reshape(v, out...)
}
