//go:build videodit_cuda

package cuda

import (
	"errors"
	"testing"
)

// openOrSkip opens device 0, or skips the test when this machine has no
// usable device (TestOpen checks that case).
func openOrSkip(tb testing.TB) *Device {
	tb.Helper()
	d, err := Open(0)
	if errors.Is(err, ErrNoDevice) {
		tb.Skipf("no CUDA device: %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := d.Close(); err != nil {
			tb.Error(err)
		}
	})
	return d
}

// TestOpen checks both sides: without a usable driver or device (the stub
// libcuda of scripts/cuda-check.sh, a machine without a GPU) the process
// is still running — cu's init did not exit — and Open returns an error
// wrapping ErrNoDevice; with a device, Open works and an ordinal out of
// range is ErrNoDevice.
func TestOpen(t *testing.T) {
	n, err := NumDevices()
	if err != nil {
		if !errors.Is(err, ErrNoDevice) {
			t.Fatalf("NumDevices: error %v, want one wrapping ErrNoDevice", err)
		}
		if _, oerr := Open(0); !errors.Is(oerr, ErrNoDevice) {
			t.Errorf("Open without a device: error %v, want one wrapping ErrNoDevice", oerr)
		}
		t.Logf("no device, as expected here: %v", err)
		return
	}
	if n == 0 {
		t.Fatal("the driver initialised but reports no device")
	}
	d, err := Open(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%v", d)
	if d.Name() == "" {
		t.Errorf("device 0 has no name")
	}
	if _, err := Open(n); !errors.Is(err, ErrNoDevice) {
		t.Errorf("Open(%d) of %d devices: error %v, want one wrapping ErrNoDevice", n, n, err)
	}
	if err := d.Close(); err != nil {
		t.Fatal(err)
	}
	if err := d.Close(); err == nil {
		t.Errorf("second Close gave no error")
	}
	if _, err := NewExec(d); err == nil {
		t.Errorf("NewExec on a closed Device gave no error")
	}
}
