package nn

import (
	"gorgonia.org/tensor"
)

// Reshape returns a's elements, in row-major order, with the given shape;
// the sizes must be non-negative with the same product as a's. The result
// shares a's memory.
func (e *Eager) Reshape(a V, shape ...int) V {
	av := e.arg("Reshape", a)
	s := tensor.Shape(append([]int(nil), shape...))
	if av == nil {
		return e.placeholder(s)
	}
	if err := ReshapeCheck(av.shape, s); err != nil {
		e.failErr("Reshape", err)
		return e.placeholder(s)
	}
	if e.err != nil {
		return e.placeholder(s)
	}
	return &eagerValue{shape: s, data: av.data}
}

// Transpose permutes a's axes: result axis i is a's axis perm[i]. The
// identity permutation returns a itself.
func (e *Eager) Transpose(a V, perm ...int) V {
	av := e.arg("Transpose", a)
	if av == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	shape, identity, err := TransposeShape(av.shape, perm)
	if err != nil {
		e.failErr("Transpose", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	if identity {
		return av
	}
	out := e.alloc(shape)
	eagerPermute(e, out.data, av.data, av.shape, perm)
	return out
}

// eagerPermute writes src (row-major, shape in) into dst with its axes
// permuted by perm. Size-1 axes are dropped and axes that stay adjacent and
// in order are merged first, so that (B,L,H,D) -> (B,H,L,D) copies rows of D
// and a 2-D transpose runs tiled.
func eagerPermute(e *Eager, dst, src []float32, in tensor.Shape, perm []int) {
	// Input strides, then the output's dims with their input strides.
	strides := make([]int, len(in))
	st := 1
	for i := len(in) - 1; i >= 0; i-- {
		strides[i] = st
		st *= in[i]
	}
	var dims, sstr []int
	for _, p := range perm {
		if in[p] == 1 {
			continue
		}
		n := len(dims)
		if n > 0 && sstr[n-1] == strides[p]*in[p] {
			// Adjacent in the input and in the output: merge.
			dims[n-1] *= in[p]
			sstr[n-1] = strides[p]
			continue
		}
		dims = append(dims, in[p])
		sstr = append(sstr, strides[p])
	}
	if len(dst) == 0 {
		return
	}
	switch {
	case len(dims) <= 1:
		copy(dst, src)
		return
	case len(dims) == 2:
		eagerTranspose2D(e, dst, src, dims[0], dims[1], sstr[0], sstr[1])
		return
	}
	r := len(dims)
	inner, innerStride := dims[r-1], sstr[r-1]
	outerDims, outerStride := dims[:r-1], sstr[:r-1]
	outer := len(dst) / inner
	e.parallel(outer, eagerRowGrain(inner), func(lo, hi int) {
		digits := make([]int, len(outerDims))
		soff := 0
		rem := lo
		for i := len(outerDims) - 1; i >= 0; i-- {
			digits[i] = rem % outerDims[i]
			rem /= outerDims[i]
			soff += digits[i] * outerStride[i]
		}
		for o := lo; o < hi; o++ {
			row := dst[o*inner : (o+1)*inner]
			if innerStride == 1 {
				copy(row, src[soff:soff+inner])
			} else {
				for j := range row {
					row[j] = src[soff+j*innerStride]
				}
			}
			for i := len(digits) - 1; i >= 0; i-- {
				digits[i]++
				soff += outerStride[i]
				if digits[i] < outerDims[i] {
					break
				}
				soff -= digits[i] * outerStride[i]
				digits[i] = 0
			}
		}
	})
}

// eagerTranspose2D sets dst[i*n+j] = src[i*si+j*sj] for i < m, j < n, in
// square tiles to keep both sides in cache.
func eagerTranspose2D(e *Eager, dst, src []float32, m, n, si, sj int) {
	const tile = 32
	e.parallel((m+tile-1)/tile, max(1, eagerGrain/(tile*n)), func(lo, hi int) {
		for i0 := lo * tile; i0 < min(hi*tile, m); i0 += tile {
			i1 := min(i0+tile, m)
			for j0 := 0; j0 < n; j0 += tile {
				j1 := min(j0+tile, n)
				for i := i0; i < i1; i++ {
					row := dst[i*n : i*n+j1]
					for j := j0; j < j1; j++ {
						row[j] = src[i*si+j*sj]
					}
				}
			}
		}
	})
}

// Concat joins values along axis; all must have the same rank and agree on
// every other dimension.
func (e *Eager) Concat(axis int, vs ...V) V {
	args := make([]*eagerValue, len(vs))
	shapes := make([]tensor.Shape, len(vs))
	for i, v := range vs {
		args[i] = e.arg("Concat", v)
		if args[i] == nil {
			return e.placeholder(eagerShapeOf(vs[0]))
		}
		shapes[i] = args[i].shape
	}
	shape, err := ConcatShape(axis, shapes)
	if err != nil {
		e.failErr("Concat", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc(shape)
	outer, total, inner := SplitAxis(shape, axis)
	row := total * inner
	off := 0
	for _, a := range args {
		chunk := a.shape[axis] * inner
		for o := range outer {
			copy(out.data[o*row+off:o*row+off+chunk], a.data[o*chunk:(o+1)*chunk])
		}
		off += chunk
	}
	return out
}

// Slice keeps indices [start,end) of axis, 0 <= start <= end <= size. A
// slice of the outermost non-unit axis shares a's memory.
func (e *Eager) Slice(a V, axis, start, end int) V {
	av := e.arg("Slice", a)
	if av == nil {
		return e.placeholder(eagerShapeOf(a))
	}
	shape, err := SliceShape(av.shape, axis, start, end)
	if err != nil {
		e.failErr("Slice", err)
		return e.placeholder(shape)
	}
	if e.err != nil {
		return e.placeholder(shape)
	}
	outer, n, inner := SplitAxis(av.shape, axis)
	if outer == 1 {
		return &eagerValue{shape: shape, data: av.data[start*inner : end*inner : end*inner]}
	}
	out := e.alloc(shape)
	chunk := (end - start) * inner
	for o := range outer {
		copy(out.data[o*chunk:(o+1)*chunk], av.data[(o*n+start)*inner:])
	}
	return out
}

// Gather picks rows of a 2-D table: table (V,D) and ids (L), each in [0,V),
// give (L,D).
func (e *Eager) Gather(table V, ids []int) V {
	tv := e.arg("Gather", table)
	if tv == nil {
		return e.placeholder(tensor.Shape{len(ids), 0})
	}
	shape, err := GatherShape(tv.shape, ids)
	if err != nil {
		e.failErr("Gather", err)
		return e.placeholder(shape)
	}
	d := shape[1]
	if e.err != nil {
		return e.placeholder(shape)
	}
	out := e.alloc(shape)
	for i, id := range ids {
		copy(out.data[i*d:(i+1)*d], tv.data[id*d:(id+1)*d])
	}
	return out
}
