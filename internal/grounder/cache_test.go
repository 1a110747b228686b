package grounder

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestCacheRoundTrip(t *testing.T) {
	tok := tinyTokenizer(t)
	c := Cache{Dir: filepath.Join(t.TempDir(), "cache")} // created on the first Put
	samples := synthSamples(t, tok)
	for i, s := range samples {
		key := Key("video", s.Query, "stage")
		if got, ok, err := c.Get(key); err != nil || ok || got != nil {
			t.Fatalf("sample %d: Get before Put = %v, %v, %v; want nil, false, nil", i, got, ok, err)
		}
		if err := c.Put(key, s); err != nil {
			t.Fatal(err)
		}
		got, ok, err := c.Get(key)
		if err != nil || !ok {
			t.Fatalf("sample %d: Get after Put: ok %v, %v", i, ok, err)
		}
		if diff := cmp.Diff(s, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("sample %d (-put +got):\n%s", i, diff)
		}
	}
	// Overwriting a key replaces the entry.
	key := Key("video", samples[0].Query, "stage")
	if err := c.Put(key, samples[1]); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Get(key); err != nil || got.Query != samples[1].Query {
		t.Errorf("after overwriting: %v, %v; want %q", got, err, samples[1].Query)
	}
	// No temporary file is left.
	var tmp []string
	filepath.WalkDir(c.Dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.Contains(d.Name(), "tmp") {
			tmp = append(tmp, p)
		}
		return err
	})
	if len(tmp) > 0 {
		t.Errorf("temporary files left: %q", tmp)
	}
}

func TestCacheConcurrentPut(t *testing.T) {
	// Several writers of one key and readers: every Get sees nothing or a
	// whole entry.
	tok := tinyTokenizer(t)
	c := Cache{Dir: t.TempDir()}
	s := synthSample(t, tok, 1, "the red ball", 0, 2, true, 1)
	key := Key("v", "q")
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 4 {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := c.Put(key, s); err != nil {
				errs <- err
			}
		}()
		go func() {
			defer wg.Done()
			got, ok, err := c.Get(key)
			if err != nil {
				errs <- err
			} else if ok && !cmp.Equal(s, got, cmpopts.EquateEmpty()) {
				errs <- os.ErrInvalid
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestCacheCorrupt(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	key := Key("video", "query")
	if err := c.Put(key, synthSample(t, tinyTokenizer(t), 1, "the ball", 0, 1, false, -1)); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(c.Dir, key[:2], key+".gob")
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the entry is not where the layout puts it: %v", err)
	}
	for name, data := range map[string][]byte{
		"truncated": b[:len(b)/2],
		"empty":     nil,
		"garbage":   []byte("not a gob stream at all"),
	} {
		if err := os.WriteFile(file, data, 0o644); err != nil {
			t.Fatal(err)
		}
		s, ok, err := c.Get(key)
		if err == nil || ok || s != nil {
			t.Errorf("%s entry: Get = %v, %v, %v; want an error", name, s, ok, err)
			continue
		}
		if !strings.Contains(err.Error(), file) {
			t.Errorf("%s entry: error %q does not name %s", name, err, file)
		}
	}
	// An unreadable cache directory is an error, not a miss.
	if err := os.WriteFile(filepath.Join(c.Dir, "ff"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	k := "ff" + key[2:]
	if _, ok, err := c.Get(k); err == nil || ok {
		t.Errorf("Get under a file where the directory should be: ok %v, %v; want an error", ok, err)
	}
	if err := c.Put(k, &Sample{}); err == nil {
		t.Errorf("Put under a file where the directory should be: no error")
	}
}

// TestCacheShortKey: Get and Put take any string; a key shorter than
// the two characters of the sub-directory must be an error, not a panic.
func TestCacheShortKey(t *testing.T) {
	c := Cache{Dir: t.TempDir()}
	for _, key := range []string{"", "a"} {
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("BUG: Cache.Get(%q) panics: %v", key, r)
				}
			}()
			c.Get(key)
		}()
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Errorf("BUG: Cache.Put(%q) panics: %v", key, r)
				}
			}()
			c.Put(key, &Sample{})
		}()
	}
}

func TestKey(t *testing.T) {
	base := []string{"abc123", "the red ball", "[red blue]", "stage|T=96"}
	k := Key(base...)
	if len(k) != 64 || strings.Trim(k, "0123456789abcdef") != "" {
		t.Errorf("Key = %q, want 64 lower-case hex digits", k)
	}
	if Key(base...) != k {
		t.Errorf("Key is not deterministic")
	}
	tests := []struct {
		name  string
		parts []string
	}{
		{"video", []string{"abc124", "the red ball", "[red blue]", "stage|T=96"}},
		{"query", []string{"abc123", "the red balls", "[red blue]", "stage|T=96"}},
		{"choices", []string{"abc123", "the red ball", "[red green]", "stage|T=96"}},
		{"stage", []string{"abc123", "the red ball", "[red blue]", "stage|T=48"}},
		{"boundary moved", []string{"abc123", "the red ball[red", " blue]", "stage|T=96"}},
		{"parts joined", []string{"abc123the red ball", "[red blue]", "stage|T=96"}},
		{"extra empty part", []string{"abc123", "the red ball", "[red blue]", "stage|T=96", ""}},
	}
	seen := map[string]string{k: "base"}
	for _, tc := range tests {
		got := Key(tc.parts...)
		if prev, ok := seen[got]; ok {
			t.Errorf("%s: same key as %s", tc.name, prev)
		}
		seen[got] = tc.name
	}
	if Key("ab", "c") == Key("a", "bc") {
		t.Errorf(`Key("ab", "c") == Key("a", "bc")`)
	}
	if Key("a:b") == Key("1:a", "b") || Key("1:a;1:b") == Key("a", "b") {
		t.Errorf("Key is ambiguous with separators inside parts")
	}
}

func TestFileKey(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.mp4"), filepath.Join(dir, "b.mp4")
	os.WriteFile(a, []byte("video one"), 0o644)
	os.WriteFile(b, []byte("video two"), 0o644)
	ka, err := FileKey(a)
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256([]byte("video one")); ka != hex.EncodeToString(sum[:]) {
		t.Errorf("FileKey = %q, want the SHA-256 of the content %x", ka, sum)
	}
	if kb, _ := FileKey(b); kb == ka {
		t.Errorf("two files of different content have the same key")
	}
	if _, err := FileKey(filepath.Join(dir, "missing.mp4")); err == nil || !strings.Contains(err.Error(), "missing.mp4") {
		t.Errorf("FileKey of a missing file: %v, want an error naming it", err)
	}
}
