package synth

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// readTree returns every file under dir by relative path.
func readTree(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		rel, _ := filepath.Rel(dir, p)
		out[rel] = b
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestWriteSplitRegenerates writes a small PNG split twice, with one and
// with two workers, and compares every file's bytes.
func TestWriteSplitRegenerates(t *testing.T) {
	cfg := Config{Split: "val", Width: 64, Height: 48, MinDuration: 4, MaxDuration: 6}
	dirs := [2]string{t.TempDir(), t.TempDir()}
	var calls []int
	for k, dir := range dirs {
		opt := WriteOptions{Format: FormatPNG, Workers: k + 1, Progress: func(done, total int) {
			if total != 3 {
				t.Errorf("progress total %d, want 3", total)
			}
			calls = append(calls, done)
		}}
		if err := WriteSplit(context.Background(), dir, cfg, 11, 3, opt); err != nil {
			t.Fatal(err)
		}
	}
	if diff := cmp.Diff([]int{1, 2, 3, 1, 2, 3}, calls); diff != "" {
		t.Errorf("progress calls (-want +got):\n%s", diff)
	}
	a, b := readTree(t, dirs[0]), readTree(t, dirs[1])
	if len(a) != len(b) {
		t.Fatalf("%d files, then %d", len(a), len(b))
	}
	for name, content := range a {
		if !bytes.Equal(content, b[name]) {
			t.Errorf("%s differs between the two runs", name)
		}
	}
	for _, name := range []string{"README", "charades.txt", "qa.jsonl", "meta/val-11-00000.json", "meta/val-11-00002.json", "frames/val-11-00001/00000.png"} {
		if _, ok := a[name]; !ok {
			t.Errorf("no %s in the split", name)
		}
	}
	if got, want := string(a["README"]), "go run ./examples/synth -seed 11 -n 3 -split val -size 64x48 -fps 8 -dur 4-6 -entities 2-6 -format png\n"; got != want {
		t.Errorf("README %q, want %q", got, want)
	}
	// meta round trip, and the charades/qa lines agree with it.
	var wantLines []string
	for i := range 3 {
		id := VideoID("val", 11, i)
		m, err := ReadMeta(filepath.Join(dirs[0], "meta", id+".json"))
		if err != nil {
			t.Fatal(err)
		}
		v, err := Generate(cfg, 11, i)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(v.Meta.Queries, m.Queries); diff != "" {
			t.Errorf("%s: queries after ReadMeta (-want +got):\n%s", id, diff)
		}
		if n := len(a["frames/"+id+"/00000.png"]); n == 0 {
			t.Errorf("%s: empty first frame", id)
		}
		for _, q := range m.Queries {
			wantLines = append(wantLines, fmt.Sprintf("%s %.2f %.2f##%s", id, q.Start, q.End, q.Text))
		}
	}
	if diff := cmp.Diff(strings.Join(wantLines, "\n")+"\n", string(a["charades.txt"])); diff != "" {
		t.Errorf("charades.txt (-want +got):\n%s", diff)
	}
	for i, line := range strings.Split(strings.TrimSpace(string(a["qa.jsonl"])), "\n") {
		var q QA
		if err := json.Unmarshal([]byte(line), &q); err != nil || len(q.Choices) != 5 {
			t.Errorf("qa.jsonl line %d: %v, %d choices", i+1, err, len(q.Choices))
		}
	}
}

func TestWriteSplitMP4(t *testing.T) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		t.Skip("ffmpeg not installed (Debian package ffmpeg)")
	}
	cfg := Config{Width: 64, Height: 64, MinDuration: 3, MaxDuration: 3}
	var files [2][]byte
	for k := range files {
		dir := t.TempDir()
		if err := WriteSplit(context.Background(), dir, cfg, 5, 1, WriteOptions{}); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "videos", "test-5-00000.mp4"))
		if err != nil {
			t.Fatal(err)
		}
		files[k] = b
	}
	if len(files[0]) < 1000 || !bytes.Contains(files[0][:64], []byte("ftyp")) {
		t.Errorf("mp4 of %d bytes without an ftyp box", len(files[0]))
	}
	if !bytes.Equal(files[0], files[1]) {
		t.Errorf("two encodings of one video differ")
	}
}

func TestWriteSplitErrors(t *testing.T) {
	dir := t.TempDir()
	err := WriteSplit(context.Background(), dir, Config{Width: 64, Height: 64, MinDuration: 2, MaxDuration: 2}, 1, 1,
		WriteOptions{FFmpeg: filepath.Join(dir, "no-such-ffmpeg")})
	if err == nil || !strings.Contains(err.Error(), "no-such-ffmpeg") {
		t.Errorf("missing ffmpeg: error %v, want one naming it", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "charades.txt")); err == nil {
		t.Errorf("charades.txt written after a failure")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteSplit(ctx, t.TempDir(), Config{}, 1, 3, WriteOptions{Format: FormatPNG}); err == nil {
		t.Errorf("cancelled context: no error")
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"id": "x", "fps": 0}`), 0o644)
	if _, err := ReadMeta(bad); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("ReadMeta of a bad file: error %v, want one naming %s", err, bad)
	}
	if _, err := ReadMeta(filepath.Join(dir, "missing.json")); err == nil {
		t.Errorf("ReadMeta of a missing file succeeded")
	}
}

// BenchmarkWriteSplit200 generates the acceptance split: 200 videos of
// 10-40 s at 128x128 and 8 fps, written as mp4 with one worker per CPU.
func BenchmarkWriteSplit200(b *testing.B) {
	if _, err := exec.LookPath("ffmpeg"); err != nil {
		b.Skip("ffmpeg not installed")
	}
	for b.Loop() {
		if err := WriteSplit(context.Background(), b.TempDir(), Config{}, 1, 200, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkGenerate measures simulation and ground truth of one default video.
func BenchmarkGenerate(b *testing.B) {
	i := 0
	for b.Loop() {
		if _, err := Generate(Config{}, 1, i%16); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// FuzzParseMeta checks that ParseMeta never panics and that what it
// accepts can be indexed as documented.
func FuzzParseMeta(f *testing.F) {
	v, err := Generate(Config{Width: 32, Height: 32, MinDuration: 2, MaxDuration: 2, MinEntities: 1, MaxEntities: 2}, 1, 0)
	if err != nil {
		f.Fatal(err)
	}
	seed, _ := json.Marshal(v.Meta)
	f.Add(seed)
	f.Add([]byte(`{"id":"a","fps":8,"width":2,"height":2,"frames":1,"queries":[{"target":3}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseMeta(b)
		if err != nil {
			return
		}
		for _, q := range m.Queries {
			_ = m.Events[q.Target]
		}
		for _, e := range m.Events {
			for _, id := range e.Entities {
				_ = m.Entities[id]
			}
		}
	})
}
