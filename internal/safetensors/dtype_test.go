package safetensors

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestFloat32ToF16Known(t *testing.T) {
	tests := []struct {
		name string
		in   uint32 // float32 bits
		want uint16
	}{
		{"zero", 0x00000000, 0x0000},
		{"negative zero", 0x80000000, 0x8000},
		{"one", 0x3f800000, 0x3c00},
		{"minus two", 0xc0000000, 0xc000},
		{"max finite 65504", 0x477fe000, 0x7bff},
		{"65519 rounds down to max", 0x477fefff, 0x7bff},
		{"65520 is the overflow tie: to infinity", 0x477ff000, 0x7c00},
		{"1e6 overflows", math.Float32bits(1e6), 0x7c00},
		{"+inf", 0x7f800000, 0x7c00},
		{"-inf", 0xff800000, 0xfc00},
		{"smallest normal 2^-14", 0x38800000, 0x0400},
		{"largest subnormal", math.Float32bits(1023 * 0x1p-24), 0x03ff},
		{"smallest subnormal 2^-24", 0x33800000, 0x0001},
		{"2^-25 ties to even zero", 0x33000000, 0x0000},
		{"just above 2^-25 rounds up", 0x33000001, 0x0001},
		{"1.5 * 2^-24 ties to even 2", math.Float32bits(1.5 * 0x1p-24), 0x0002},
		{"2.5 * 2^-24 ties to even 2", math.Float32bits(2.5 * 0x1p-24), 0x0002},
		{"float32 subnormal to zero", 0x00000001, 0x0000},
		{"1 + 2^-11 ties to even 1", math.Float32bits(1 + 0x1p-11), 0x3c00},
		{"1 + 3*2^-11 ties to even up", math.Float32bits(1 + 3*0x1p-11), 0x3c02},
		{"quiet NaN", 0x7fc00000, 0x7e00},
		{"signalling NaN becomes quiet", 0x7f800001, 0x7e00},
		{"negative NaN keeps sign and top payload", 0xffc02000, 0xfe01},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Float32ToF16(math.Float32frombits(tt.in))
			if diff := cmp.Diff(fmt.Sprintf("%#04x", tt.want), fmt.Sprintf("%#04x", got)); diff != "" {
				t.Errorf("Float32ToF16(%#08x) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

func TestFloat32ToBF16Known(t *testing.T) {
	tests := []struct {
		name string
		in   uint32
		want uint16
	}{
		{"zero", 0x00000000, 0x0000},
		{"negative zero", 0x80000000, 0x8000},
		{"one", 0x3f800000, 0x3f80},
		{"tie to even down", 0x3f808000, 0x3f80},
		{"tie to even up", 0x3f818000, 0x3f82},
		{"above tie", 0x3f808001, 0x3f81},
		{"max float32 overflows", 0x7f7fffff, 0x7f80},
		{"largest bfloat16 stays", 0x7f7f0000, 0x7f7f},
		{"+inf", 0x7f800000, 0x7f80},
		{"-inf", 0xff800000, 0xff80},
		{"float32 subnormal keeps top bits", 0x00010000, 0x0001},
		{"smallest float32 subnormal to zero", 0x00000001, 0x0000},
		{"quiet NaN", 0x7fc00000, 0x7fc0},
		{"signalling NaN low payload becomes quiet", 0x7f800001, 0x7fc0},
		{"negative NaN", 0xffc00000, 0xffc0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Float32ToBF16(math.Float32frombits(tt.in))
			if diff := cmp.Diff(fmt.Sprintf("%#04x", tt.want), fmt.Sprintf("%#04x", got)); diff != "" {
				t.Errorf("Float32ToBF16(%#08x) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// TestF16ToFloat32Exhaustive checks every binary16 pattern against its
// definition, value = (-1)^s * m * 2^(e-25) with the implicit bit for
// normals, and that converting back gives the same bits.
func TestF16ToFloat32Exhaustive(t *testing.T) {
	for h := range 1 << 16 {
		got := F16ToFloat32(uint16(h))
		exp, man := h>>10&0x1f, h&0x3ff
		var want float64
		switch {
		case exp == 0x1f && man != 0:
			if !math.IsNaN(float64(got)) {
				t.Fatalf("F16ToFloat32(%#04x) = %v, want NaN", h, got)
			}
			continue
		case exp == 0x1f:
			want = math.Inf(1)
		case exp == 0:
			want = math.Ldexp(float64(man), -24)
		default:
			want = math.Ldexp(float64(man|0x400), exp-25)
		}
		if h&0x8000 != 0 {
			want = -want
		}
		if float64(got) != want || math.Signbit(float64(got)) != (h&0x8000 != 0) {
			t.Fatalf("F16ToFloat32(%#04x) = %v, want %v", h, got, want)
		}
		if back := Float32ToF16(got); back != uint16(h) {
			t.Fatalf("Float32ToF16(F16ToFloat32(%#04x)) = %#04x", h, back)
		}
	}
}

func TestBF16RoundTripExhaustive(t *testing.T) {
	for h := range 1 << 16 {
		f := BF16ToFloat32(uint16(h))
		if math.Float32bits(f) != uint32(h)<<16 {
			t.Fatalf("BF16ToFloat32(%#04x) bits = %#08x", h, math.Float32bits(f))
		}
		back := Float32ToBF16(f)
		if math.IsNaN(float64(f)) {
			if back&0x7f80 != 0x7f80 || back&0x7f == 0 {
				t.Fatalf("NaN %#04x became %#04x, not a NaN", h, back)
			}
			continue
		}
		if back != uint16(h) {
			t.Fatalf("Float32ToBF16(BF16ToFloat32(%#04x)) = %#04x", h, back)
		}
	}
}

// TestConversionsMatchPyTorch compares with numpy's binary16 and torch's
// bfloat16 conversions of 2413 float32 values (testdata/gen_conversions.py).
func TestConversionsMatchPyTorch(t *testing.T) {
	b, err := os.ReadFile("testdata/conversions.json")
	if err != nil {
		t.Fatal(err)
	}
	var fx struct {
		F32  []uint32 `json:"f32"`
		F16  []uint16 `json:"f16"`
		BF16 []uint16 `json:"bf16"`
	}
	if err := json.Unmarshal(b, &fx); err != nil {
		t.Fatal(err)
	}
	if len(fx.F32) < 2000 || len(fx.F16) != len(fx.F32) || len(fx.BF16) != len(fx.F32) {
		t.Fatalf("fixture has %d/%d/%d values", len(fx.F32), len(fx.F16), len(fx.BF16))
	}
	var gotF16, gotBF16 []uint16
	for _, bits := range fx.F32 {
		f := math.Float32frombits(bits)
		gotF16 = append(gotF16, Float32ToF16(f))
		gotBF16 = append(gotBF16, Float32ToBF16(f))
	}
	if diff := cmp.Diff(fx.F16, gotF16); diff != "" {
		t.Errorf("binary16 (-numpy +got):\n%s", diff)
	}
	if diff := cmp.Diff(fx.BF16, gotBF16); diff != "" {
		t.Errorf("bfloat16 (-torch +got):\n%s", diff)
	}
}
