package segment

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name    string
		scores  []float64
		tau     float64
		want    []bool
		wantErr bool
	}{
		{name: "threshold inclusive", scores: []float64{0.2, 0.5, 0.7, 0.49999}, tau: 0.5, want: []bool{false, true, true, false}},
		{name: "tau 0 accepts all", scores: []float64{0, 0.1}, tau: 0, want: []bool{true, true}},
		{name: "tau 1 needs 1", scores: []float64{0.999, 1}, tau: 1, want: []bool{false, true}},
		{name: "no scores", scores: nil, tau: 0.5, want: []bool{}},
		{name: "NaN score", scores: []float64{0.9, math.NaN()}, tau: 0.5, wantErr: true},
		{name: "tau below 0", scores: []float64{0.9}, tau: -0.1, wantErr: true},
		{name: "tau above 1", scores: []float64{0.9}, tau: 1.5, wantErr: true},
		{name: "tau NaN", scores: []float64{0.9}, tau: math.NaN(), wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Valid(tt.scores, tt.tau)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Valid error = %v, want error %v", err, tt.wantErr)
			}
			if d := cmp.Diff(tt.want, got); !tt.wantErr && d != "" {
				t.Errorf("Valid (-want +got):\n%s", d)
			}
		})
	}
}

func TestGate(t *testing.T) {
	T, F := true, false
	tests := []struct {
		name    string
		valid   [][]bool
		want    []bool
		wantErr bool
	}{
		{name: "AND of two nouns (Eq. 3)", valid: [][]bool{{T, T, F, T}, {F, T, T, T}}, want: []bool{F, T, F, T}},
		{name: "one noun is its own gate", valid: [][]bool{{T, F, T}}, want: []bool{T, F, T}},
		{name: "noun never detected closes the gate", valid: [][]bool{{T, T, T}, {F, F, F}}, want: []bool{F, F, F}},
		{name: "no nouns: empty gate", valid: nil, want: []bool{}},
		{name: "empty video", valid: [][]bool{{}, {}}, want: []bool{}},
		{name: "ragged", valid: [][]bool{{T, T}, {T}}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Gate(tt.valid)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Gate error = %v, want error %v", err, tt.wantErr)
			}
			if d := cmp.Diff(tt.want, got); !tt.wantErr && d != "" {
				t.Errorf("Gate (-want +got):\n%s", d)
			}
		})
	}
}

func TestPersistentStart(t *testing.T) {
	T, F := true, false
	tests := []struct {
		name   string
		g      []bool
		k      int
		want   int
		wantOK bool
	}{
		{name: "K=1 first gated frame", g: []bool{F, F, T, T}, k: 1, want: 2, wantOK: true},
		{name: "K=2 skips a lone frame (Eq. 4)", g: []bool{T, F, T, T, T}, k: 2, want: 2, wantOK: true},
		{name: "K=3 needs three in a row", g: []bool{T, T, F, T, T, T}, k: 3, want: 3, wantOK: true},
		{name: "window at the very end", g: []bool{F, F, T, T}, k: 2, want: 2, wantOK: true},
		{name: "K equals T", g: []bool{T, T, T}, k: 3, want: 0, wantOK: true},
		{name: "K larger than T", g: []bool{T, T, T}, k: 4, want: -1},
		{name: "no run long enough", g: []bool{T, F, T, F}, k: 2, want: -1},
		{name: "never gated", g: []bool{F, F}, k: 1, want: -1},
		{name: "empty video", g: nil, k: 1, want: -1},
		{name: "K=0 treated as 1", g: []bool{F, T}, k: 0, want: 1, wantOK: true},
		{name: "negative K treated as 1", g: []bool{F, T}, k: -5, want: 1, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := PersistentStart(tt.g, tt.k)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("PersistentStart(%v, %d) = %d, %v; want %d, %v", tt.g, tt.k, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestLongestRun(t *testing.T) {
	T, F := true, false
	tests := []struct {
		name         string
		g            []bool
		minLen       int
		wantS, wantE int
		wantOK       bool
	}{
		{name: "longest of several", g: []bool{T, F, T, T, T, F, T, T}, minLen: 1, wantS: 2, wantE: 4, wantOK: true},
		{name: "tie goes to the earliest", g: []bool{T, T, F, T, T}, minLen: 2, wantS: 0, wantE: 1, wantOK: true},
		{name: "run reaching the end", g: []bool{F, T, T, T}, minLen: 3, wantS: 1, wantE: 3, wantOK: true},
		{name: "whole video", g: []bool{T, T}, minLen: 2, wantS: 0, wantE: 1, wantOK: true},
		{name: "single frame run", g: []bool{F, T, F}, minLen: 1, wantS: 1, wantE: 1, wantOK: true},
		{name: "shorter than L", g: []bool{T, T, F, T}, minLen: 3, wantS: -1, wantE: -1},
		{name: "L larger than T", g: []bool{T, T}, minLen: 5, wantS: -1, wantE: -1},
		{name: "never gated", g: []bool{F, F}, minLen: 1, wantS: -1, wantE: -1},
		{name: "empty video", g: nil, minLen: 1, wantS: -1, wantE: -1},
		{name: "L=0 treated as 1", g: []bool{F, T}, minLen: 0, wantS: 1, wantE: 1, wantOK: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, e, ok := LongestRun(tt.g, tt.minLen)
			if s != tt.wantS || e != tt.wantE || ok != tt.wantOK {
				t.Errorf("LongestRun(%v, %d) = %d, %d, %v; want %d, %d, %v", tt.g, tt.minLen, s, e, ok, tt.wantS, tt.wantE, tt.wantOK)
			}
		})
	}
}
