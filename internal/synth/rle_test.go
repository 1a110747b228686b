package synth

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestEncodeRLE(t *testing.T) {
	tests := []struct {
		name string
		mask string // '#' set, '.' clear
		want []int
	}{
		{"empty", "", []int{0}},
		{"all clear", "....", []int{4}},
		{"all set", "####", []int{0, 4}},
		{"set first", "#...", []int{0, 1, 3}},
		{"set last", "...#", []int{3, 1}},
		{"middle", ".##.", []int{1, 2, 1}},
		{"alternating", "#.#.", []int{0, 1, 1, 1, 1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			mask := make([]bool, len(tc.mask))
			var idx []int32
			for i, c := range tc.mask {
				mask[i] = c == '#'
				if mask[i] {
					idx = append(idx, int32(i))
				}
			}
			if diff := cmp.Diff(tc.want, EncodeRLE(mask)); diff != "" {
				t.Errorf("EncodeRLE(%q) (-want +got):\n%s", tc.mask, diff)
			}
			if diff := cmp.Diff(tc.want, rleFromIndices(idx, len(mask))); diff != "" {
				t.Errorf("rleFromIndices(%q) (-want +got):\n%s", tc.mask, diff)
			}
			got, err := DecodeRLE(tc.want, len(mask), 1)
			if err != nil {
				t.Fatalf("DecodeRLE(%v): %v", tc.want, err)
			}
			if diff := cmp.Diff(mask, got); diff != "" {
				t.Errorf("DecodeRLE(%v) (-want +got):\n%s", tc.want, diff)
			}
		})
	}
}

func TestDecodeRLEErrors(t *testing.T) {
	tests := []struct {
		name string
		runs []int
		w, h int
	}{
		{"no runs", nil, 2, 2},
		{"short", []int{3}, 2, 2},
		{"long", []int{2, 3}, 2, 2},
		{"negative run", []int{5, -1}, 2, 2},
		{"zero run inside", []int{1, 0, 3}, 2, 2},
		{"negative size", []int{0}, -1, 2},
		{"overflowing size", []int{1}, 1 << 20, 1 << 20},
	}
	for _, tc := range tests {
		if _, err := DecodeRLE(tc.runs, tc.w, tc.h); err == nil {
			t.Errorf("%s: DecodeRLE(%v, %d, %d) succeeded, want an error", tc.name, tc.runs, tc.w, tc.h)
		}
	}
}

func TestRLERoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for k := range 200 {
		w, h := 1+r.IntN(20), 1+r.IntN(20)
		p := r.Float64()
		mask := make([]bool, w*h)
		var idx []int32
		for i := range mask {
			mask[i] = r.Float64() < p
			if mask[i] {
				idx = append(idx, int32(i))
			}
		}
		runs := EncodeRLE(mask)
		if diff := cmp.Diff(runs, rleFromIndices(idx, len(mask))); diff != "" {
			t.Fatalf("case %d: rleFromIndices differs from EncodeRLE (-want +got):\n%s", k, diff)
		}
		got, err := DecodeRLE(runs, w, h)
		if err != nil {
			t.Fatalf("case %d: DecodeRLE: %v", k, err)
		}
		if diff := cmp.Diff(mask, got); diff != "" {
			t.Fatalf("case %d: round trip (-want +got):\n%s", k, diff)
		}
	}
}

// FuzzDecodeRLE checks that DecodeRLE never panics and that whatever it
// accepts is canonical: encoding the decoded mask gives the runs back.
func FuzzDecodeRLE(f *testing.F) {
	f.Add([]byte{0, 4}, 2, 2)
	f.Add([]byte{1, 2, 1}, 4, 1)
	f.Add([]byte{}, 0, 0)
	f.Add([]byte{0, 0, 3}, 3, 1)
	f.Fuzz(func(t *testing.T, raw []byte, w, h int) {
		if w > 64 || h > 64 {
			return
		}
		runs := make([]int, len(raw))
		for i, b := range raw {
			runs[i] = int(int8(b))
		}
		mask, err := DecodeRLE(runs, w, h)
		if err != nil {
			return
		}
		if len(mask) != w*h {
			t.Fatalf("DecodeRLE(%v, %d, %d) gave %d pixels", runs, w, h, len(mask))
		}
		if diff := cmp.Diff(runs, EncodeRLE(mask)); diff != "" {
			t.Fatalf("accepted non-canonical runs (-want +got):\n%s", diff)
		}
	})
}
