//go:build !videodit_cuda

package cuda

import (
	"errors"
	"testing"
)

// TestBuiltWithoutCUDA checks that every entry point of a CPU build says
// that it has no CUDA.
func TestBuiltWithoutCUDA(t *testing.T) {
	if _, err := Open(0); !errors.Is(err, ErrNoCUDA) {
		t.Errorf("Open: error %v, want ErrNoCUDA", err)
	}
	if _, err := NumDevices(); !errors.Is(err, ErrNoCUDA) {
		t.Errorf("NumDevices: error %v, want ErrNoCUDA", err)
	}
	if _, err := NewExec(&Device{}); !errors.Is(err, ErrNoCUDA) {
		t.Errorf("NewExec: error %v, want ErrNoCUDA", err)
	}
	if _, err := NewExec(nil); err == nil {
		t.Errorf("NewExec(nil) gave no error")
	}
}
