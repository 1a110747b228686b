package nn

import "gorgonia.org/tensor"

// V is a value held by an executor: a float32 tensor of the given shape. An
// eager executor's V wraps a *tensor.Dense; the graph executor's V wraps a
// *gorgonia.Node. Values of one executor must never be passed to another.
type V interface {
	// Shape returns the dimensions, outermost first. Callers must not modify it.
	Shape() tensor.Shape
}

// Exec is an executor: it runs the primitive operations every network of the
// project is written against. Networks (layers.go and the stages' models) are
// written once as functions of an Exec and run unchanged by the graph
// executor (training, autodiff), the eager executor (CPU inference), the
// float64 reference executor of package nntest and, with the cuda tag, the
// CUDA executor.
//
// Errors are sticky, like bufio.Scanner: the first failing operation records
// an error naming the operation and the shapes involved, every later
// operation returns a placeholder value of a plausible shape and does
// nothing, and Err reports the recorded error. No operation panics on bad
// shapes.
//
// Broadcasting (Add, Sub, Mul, Div): b has the shape of a, or b has the same
// rank as a with some dimensions equal to 1 (for example (N,1) against
// (N,D), or (1,D) against (N,D)), or b has fewer dimensions and its shape
// equals the trailing dimensions of a (a bias (D) against (N,D)). The result
// has the shape of a. Anything else is a shape error naming both shapes.
type Exec interface {
	// Err returns the first error met by any operation, or nil.
	Err() error

	// Param returns the value of a parameter tensor. The graph executor
	// creates one trainable node per distinct *tensor.Dense (so a tensor used
	// twice shares its gradient) unless the tensor was frozen; other
	// executors read it directly. The tensor must be float32.
	Param(p *tensor.Dense) V
	// Const returns the value of an input tensor (frames, masks, ids turned
	// into floats, attention biases). It never receives a gradient.
	Const(t *tensor.Dense) V

	// Add, Sub, Mul and Div are element-wise with the broadcasting above.
	Add(a, b V) V
	Sub(a, b V) V
	Mul(a, b V) V
	Div(a, b V) V
	// Scale multiplies every element by s; AddScalar adds s.
	Scale(a V, s float32) V
	AddScalar(a V, s float32) V

	// Unary element-wise functions.
	Exp(a V) V
	Log(a V) V
	Sqrt(a V) V
	Square(a V) V
	Tanh(a V) V
	Sigmoid(a V) V

	// MatMul multiplies the last two axes: (m,k)x(k,n) -> (m,n), or batched
	// (B,m,k)x(B,k,n) -> (B,m,n). transA and transB transpose the last two
	// axes of a and b before the product.
	MatMul(a, b V, transA, transB bool) V

	// Sum and Mean reduce along one axis and keep it with size 1, so that the
	// result broadcasts back against a: (N,D) along axis 1 -> (N,1).
	Sum(a V, axis int) V
	Mean(a V, axis int) V
	// Max reduces along one axis, keeping it with size 1. Its gradient goes
	// to the maximal elements. Used to stabilise softmax.
	Max(a V, axis int) V

	// Reshape keeps the elements in row-major order.
	Reshape(a V, shape ...int) V
	// Transpose permutes the axes: result axis i is a's axis perm[i].
	Transpose(a V, perm ...int) V
	// Concat joins values along an axis; all other dimensions must agree.
	Concat(axis int, vs ...V) V
	// Slice keeps indices [start,end) of one axis.
	Slice(a V, axis, start, end int) V
	// Gather picks rows of a 2-D table: (V,D) and ids (L) -> (L,D). The
	// gradient scatters back into the picked rows (embedding lookup).
	Gather(table V, ids []int) V
}
