//go:build videodit_cudaemu

package cuda

import (
	"testing"

	"github.com/videodit/videodit/internal/nn"
	"github.com/videodit/videodit/internal/nn/nntest"
)

// TestEmulatedConformance runs the conformance suite of package nn on the
// executor with the real kernels emulated on the CPU (emu_device.go).
func TestEmulatedConformance(t *testing.T) {
	nntest.RunConformance(t, "cuda-emulated", func() nn.Exec { return newExec(newEmuDevice()) }, readExec)
}
