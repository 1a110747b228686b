package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestPrintTable(t *testing.T) {
	rows := []row{
		{"gemm_512", "ours", 2e9, 0.010},  // 200 GFLOP/s
		{"gemm_512", "gonum", 2e9, 0.100}, // 20 GFLOP/s
		{"block_fwd", "ours-eager", 1e9, 0.010},
	}
	torch := map[string]float64{"gemm_512": 0.020, "block_fwd": 0.005}
	var buf bytes.Buffer
	printTable(&buf, rows, torch, peak{nominal: 400})
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	var got [][]string
	for _, l := range lines {
		got = append(got, strings.Fields(l))
	}
	want := [][]string{
		{"case", "impl", "ms", "GFLOP/s", "ours/torch", "%peak(nom)"},
		{"gemm_512", "ours", "10.000", "200.0", "2.00", "50%"},
		{"gemm_512", "gonum", "100.000", "20.0"},
		{"gemm_512", "torch", "20.000", "100.0", "25%"},
		{"block_fwd", "ours-eager", "10.000", "100.0", "0.50", "25%"},
		{"block_fwd", "torch", "5.000", "200.0", "50%"},
		{},
		{"ratio", "gemm_512", "ours/torch:", "2.00"},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(a, b []string) bool { return strings.Join(a, " ") == strings.Join(b, " ") })); diff != "" {
		t.Errorf("table (-want +got):\n%s", diff)
	}
}

func TestBlockFlops(t *testing.T) {
	// L=128, D=256, H=1024: 4*2*128*256^2 + 3*2*128*256*1024 + 2*2*128^2*256.
	if got, want := blockFlops(128, blockConfig), 67108864.0+201326592+16777216; got != want {
		t.Errorf("blockFlops = %g, want %g", got, want)
	}
}
