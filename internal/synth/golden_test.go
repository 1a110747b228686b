package synth

import (
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite testdata/golden.txt from the current generator")

// TestGolden pins the generator's output: SHA-256 digests of the meta JSON
// and of the raw frames of a few small videos, computed on amd64. A change
// of the generator that changes the benchmark must rewrite the file
// (go test -run Golden -update) and say so in its commit.
func TestGolden(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skipf("digests are for amd64; %s may fuse multiply-adds and round differently", runtime.GOARCH)
	}
	var lines []string
	for c, cfg := range testConfigs {
		v, err := Generate(cfg, 99, c)
		if err != nil {
			t.Fatal(err)
		}
		meta, err := json.Marshal(v.Meta)
		if err != nil {
			t.Fatal(err)
		}
		h := sha256.New()
		rgb := make([]byte, v.Meta.Width*v.Meta.Height*3)
		for f := range v.Meta.Frames {
			if err := v.RGB(f, rgb); err != nil {
				t.Fatal(err)
			}
			h.Write(rgb)
		}
		lines = append(lines, fmt.Sprintf("%s meta %x frames %x", v.Meta.ID, sha256.Sum256(meta), h.Sum(nil)))
	}
	got := strings.Join(lines, "\n") + "\n"
	path := filepath.Join("testdata", "golden.txt")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("generator output changed (-golden +got); if intended, run go test -run Golden -update:\n%s", diff)
	}
}
