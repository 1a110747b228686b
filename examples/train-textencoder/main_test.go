package main

import (
	"context"
	"os"
	"testing"

	"github.com/videodit/videodit/fusion"
)

// TestRunSmall trains for a few steps on a few videos and loads the
// checkpoint it wrote.
func TestRunSmall(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir, 6, 2, 3, 4, 5, 8, 3e-3, 2, 400, 8); err != nil {
		t.Fatal(err)
	}
	m, err := fusion.LoadText(context.Background(), os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Tokenizer().TimeTokens(); got != 8 {
		t.Errorf("checkpoint has %d time tokens, want 8", got)
	}
	if _, err := m.Encode(context.Background(), "the red circle enters the frame"); err != nil {
		t.Error(err)
	}
}
