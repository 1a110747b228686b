package cuda

import "fmt"

// geom is the launch geometry of one kernel: grid and block sizes along x,
// y and z, and the bytes of dynamic shared memory.
type geom struct {
	grid, block [3]int
	shared      int
}

// Launch limits of every device of compute capability 8.0 and later.
const (
	maxGridX      = 1<<31 - 1
	maxGridYZ     = 65535
	maxShared     = 48 << 10 // dynamic shared memory without opting in
	flatThreads   = 256      // threads per block of the element-wise kernels
	flatMaxBlocks = 1 << 16  // the element-wise kernels loop with a grid stride beyond this
	gemmTile      = 64       // vd_sgemm: a block computes a 64x64 tile of C
	gemmThreads   = 256      // 16x16 threads, 4x4 outputs each
	attnThreads   = 128
)

// flat returns the geometry of an element-wise kernel over n elements: 256
// threads a block, at most 65536 blocks (the kernels loop with a grid
// stride).
func flat(n int) geom {
	blocks := max(1, min((n+flatThreads-1)/flatThreads, flatMaxBlocks))
	return geom{grid: [3]int{blocks, 1, 1}, block: [3]int{flatThreads, 1, 1}}
}

// rowThreads returns the block size of a kernel that gives one block to each
// row of d elements: a power of two between 32 (a warp) and 256, about d/4,
// so that each thread handles at least four elements.
func rowThreads(d int) int {
	t := 32
	for t < 256 && t*4 < d {
		t *= 2
	}
	return t
}

// perRow returns the geometry of a kernel with one block per row: rows
// blocks along x of rowThreads(d) threads, and shared bytes of dynamic
// shared memory.
func perRow(rows, d, shared int) (geom, error) {
	if rows > maxGridX {
		return geom{}, fmt.Errorf("%d rows exceed the grid limit %d", rows, maxGridX)
	}
	return geom{grid: [3]int{max(rows, 1), 1, 1}, block: [3]int{rowThreads(d), 1, 1}, shared: shared}, nil
}

// gemmGeom returns the geometry of vd_sgemm for batch products of (m,n):
// one block per 64x64 tile of C, the batch along z (the kernel loops over
// batches beyond the grid limit).
func gemmGeom(batch, m, n int) (geom, error) {
	gx, gy := (n+gemmTile-1)/gemmTile, (m+gemmTile-1)/gemmTile
	if gy > maxGridYZ {
		return geom{}, fmt.Errorf("%d rows need %d tiles, over the grid limit %d", m, gy, maxGridYZ)
	}
	gz := max(1, min(batch, maxGridYZ))
	return geom{grid: [3]int{max(gx, 1), max(gy, 1), gz}, block: [3]int{gemmThreads, 1, 1}}, nil
}

// attnShared returns the dynamic shared memory of vd_attention in bytes:
// the scores of one query row (lk floats), then the query row (dh floats).
func attnShared(lk, dh int) int {
	return 4 * (lk + dh)
}

// attnGeom returns the geometry of vd_attention: one block per query row
// and batch. ok is false when a row's scores do not fit in shared memory;
// the executor then composes attention from MatMul and Softmax.
func attnGeom(batch, lq, lk, dh int) (g geom, ok bool) {
	sh := attnShared(lk, dh)
	if sh > maxShared || lq > maxGridX {
		return geom{}, false
	}
	return geom{grid: [3]int{max(lq, 1), max(1, min(batch, maxGridYZ)), 1}, block: [3]int{attnThreads, 1, 1}, shared: sh}, true
}
