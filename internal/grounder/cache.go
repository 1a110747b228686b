package grounder

import (
	"bytes"
	"crypto/sha256"
	"encoding/gob"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Cache stores Samples on disk, one gob file per key under Dir, so that the
// frozen stages run once per (video, query, stage configuration).
// Files are written to a temporary file and renamed into place: an
// interrupted write leaves no partial entry. It is safe for concurrent
// use by several goroutines and processes (the last writer of a key wins,
// with identical content).
type Cache struct{ Dir string }

// Key hashes its parts (the video's content hash, the query, the choices,
// Frozen.Key, the sampling) into a cache key.
func Key(parts ...string) string {
	h := sha256.New()
	for _, p := range parts {
		fmt.Fprintf(h, "%d:%s;", len(p), p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// FileKey returns the SHA-256 of the file at path, hex encoded.
func FileKey(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("grounder: cache key: %w", err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:]), nil
}

// path returns the file of key, or an error for a key that is not a
// lower-case hex string of at least 2 characters (Key's form).
func (c Cache) path(key string) (string, error) {
	if len(key) < 2 || strings.Trim(key, "0123456789abcdef") != "" {
		return "", fmt.Errorf("grounder: cache key %q: want a hex string of at least 2 characters", key)
	}
	return filepath.Join(c.Dir, key[:2], key+".gob"), nil
}

// Get returns the Sample stored under key; ok is false when there is none.
// A corrupt entry is an error naming its file.
func (c Cache) Get(key string) (s *Sample, ok bool, err error) {
	p, err := c.path(key)
	if err != nil {
		return nil, false, err
	}
	b, err := os.ReadFile(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("grounder: cache: %w", err)
	}
	s = new(Sample)
	if err := gob.NewDecoder(bytes.NewReader(b)).Decode(s); err != nil {
		return nil, false, fmt.Errorf("grounder: cache entry %s: %w", p, err)
	}
	return s, true, nil
}

// Put stores s under key.
func (c Cache) Put(key string, s *Sample) error {
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(s); err != nil {
		return fmt.Errorf("grounder: cache: %w", err)
	}
	p, err := c.path(key)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("grounder: cache: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p), ".tmp-*")
	if err != nil {
		return fmt.Errorf("grounder: cache: %w", err)
	}
	_, werr := tmp.Write(buf.Bytes())
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("grounder: cache entry %s: %w", p, werr)
	}
	return nil
}
