package cuda

import (
	"errors"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestPTXHasEveryKernel checks the committed PTX: each target module
// defines every kernel the executor launches, for the right target.
func TestPTXHasEveryKernel(t *testing.T) {
	for _, c := range []struct {
		major, minor int
		target       string
	}{{8, 0, "sm_80"}, {8, 6, "sm_80"}, {8, 9, "sm_80"}, {9, 0, "sm_90"}, {10, 0, "sm_90"}} {
		src, err := ptxFor(c.major, c.minor)
		if err != nil {
			t.Fatalf("ptxFor(%d,%d): %v", c.major, c.minor, err)
		}
		if got := ptxTarget(src); got != c.target {
			t.Errorf("ptxFor(%d,%d) targets %q, want %q", c.major, c.minor, got, c.target)
		}
		entries := ptxEntries(src)
		for _, k := range allKernels {
			if !slices.Contains(entries, string(k)) {
				t.Errorf("%s PTX lacks kernel %s (entries %v)", c.target, k, entries)
			}
		}
		if len(entries) != len(allKernels) {
			t.Errorf("%s PTX has %d kernels, the executor loads %d: %v", c.target, len(entries), len(allKernels), entries)
		}
	}
	if _, err := ptxFor(7, 5); !errors.Is(err, ErrNoDevice) {
		t.Errorf("ptxFor(7,5): error %v, want one wrapping ErrNoDevice", err)
	}
}

func TestPTXEntries(t *testing.T) {
	src := ".version 7.8\n.target sm_90\n.visible .entry vd_a(\n\t.param .u32 p\n)\n.func helper(\n.visible .entry vd_b(\n"
	if diff := cmp.Diff([]string{"vd_a", "vd_b"}, ptxEntries(src)); diff != "" {
		t.Errorf("ptxEntries (-want +got):\n%s", diff)
	}
	if got := ptxTarget(src); got != "sm_90" {
		t.Errorf("ptxTarget = %q, want sm_90", got)
	}
	if got := ptxTarget("no target"); got != "" {
		t.Errorf("ptxTarget of no target = %q, want empty", got)
	}
}

// TestOpCodesMatchKernels checks the Go operation codes against the
// VD_* macros of kernels/common.cuh.
func TestOpCodesMatchKernels(t *testing.T) {
	src, err := os.ReadFile("kernels/common.cuh")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int32{}
	for _, m := range regexp.MustCompile(`(?m)^#define (VD_\w+) (\d+)$`).FindAllStringSubmatch(string(src), -1) {
		v, err := strconv.Atoi(m[2])
		if err != nil {
			t.Fatal(err)
		}
		got[m[1]] = int32(v)
	}
	want := map[string]int32{
		"VD_ADD": binAdd, "VD_SUB": binSub, "VD_MUL": binMul, "VD_DIV": binDiv,
		"VD_SCALE": unScale, "VD_ADDSCALAR": unAddScalar, "VD_EXP": unExp, "VD_LOG": unLog,
		"VD_SQRT": unSqrt, "VD_SQUARE": unSquare, "VD_TANH": unTanh, "VD_SIGMOID": unSigmoid,
		"VD_GELU": unGELU, "VD_SILU": unSiLU,
		"VD_SUM": redSum, "VD_MEAN": redMean, "VD_MAX": redMax,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("operation codes (-Go +common.cuh):\n%s", diff)
	}
}

// FuzzPTXEntries checks the PTX scanner on any text: no panic, and every
// name it returns is an identifier declared as an entry in the source.
func FuzzPTXEntries(f *testing.F) {
	f.Add(ptxSM80[:min(len(ptxSM80), 4096)])
	f.Add(".visible .entry a(\n.visible .entry (\n.target sm_\n")
	f.Add("")
	ident := regexp.MustCompile(`^\w+$`)
	f.Fuzz(func(t *testing.T, src string) {
		for _, name := range ptxEntries(src) {
			if !ident.MatchString(name) {
				t.Errorf("entry %q is not an identifier", name)
			}
			if !strings.Contains(src, ".visible .entry "+name+"(") {
				t.Errorf("entry %q is not declared in the source", name)
			}
		}
		if tg := ptxTarget(src); tg != "" && !strings.Contains(src, ".target "+tg) {
			t.Errorf("target %q is not declared in the source", tg)
		}
	})
}
