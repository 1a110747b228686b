package synth

import "fmt"

// EncodeRLE run-length encodes a binary mask given in row-major order
// (index y*width+x). The result alternates run lengths of false and true
// pixels, starting with a run of false pixels (0 when the first pixel is
// set); every later run is positive and the runs sum to len(mask). An empty
// mask of n pixels encodes as [n].
func EncodeRLE(mask []bool) []int {
	runs := []int{}
	cur, n := false, 0
	for _, v := range mask {
		if v != cur {
			runs = append(runs, n)
			cur, n = v, 0
		}
		n++
	}
	return append(runs, n)
}

// DecodeRLE decodes EncodeRLE's output into a width*height mask. It rejects
// negative sizes, negative runs, zero runs after the first, and runs that do
// not sum to width*height.
func DecodeRLE(runs []int, width, height int) ([]bool, error) {
	if width < 0 || height < 0 || (height > 0 && width > (1<<31)/height) {
		return nil, fmt.Errorf("synth: RLE: bad size %dx%d", width, height)
	}
	n := width * height
	if len(runs) == 0 {
		return nil, fmt.Errorf("synth: RLE: no runs")
	}
	total := 0
	for i, r := range runs {
		if r < 0 || (i > 0 && r == 0) {
			return nil, fmt.Errorf("synth: RLE: run %d has length %d", i, r)
		}
		if r > n-total {
			return nil, fmt.Errorf("synth: RLE: runs exceed %d pixels at run %d", n, i)
		}
		total += r
	}
	if total != n {
		return nil, fmt.Errorf("synth: RLE: runs sum to %d, want %d", total, n)
	}
	mask := make([]bool, n)
	pos := 0
	for i, r := range runs {
		if i%2 == 1 {
			for j := pos; j < pos+r; j++ {
				mask[j] = true
			}
		}
		pos += r
	}
	return mask, nil
}

// rleFromIndices encodes the mask of n pixels whose set pixels are the
// strictly increasing indices idx, as EncodeRLE would.
func rleFromIndices(idx []int32, n int) []int {
	runs := make([]int, 0, 8)
	pos := 0
	for i := 0; i < len(idx); {
		j := i
		for j+1 < len(idx) && idx[j+1] == idx[j]+1 {
			j++
		}
		runs = append(runs, int(idx[i])-pos, j-i+1)
		pos = int(idx[j]) + 1
		i = j + 1
	}
	if n > pos || len(runs) == 0 {
		runs = append(runs, n-pos)
	}
	return runs
}
