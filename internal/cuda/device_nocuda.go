//go:build !videodit_cuda

package cuda

// Device is an open CUDA device. A build without the videodit_cuda tag cannot open
// one: Open returns ErrNoCUDA.
type Device struct{}

// Open returns ErrNoCUDA: this build has no CUDA support.
func Open(ordinal int) (*Device, error) { return nil, ErrNoCUDA }

// NumDevices returns ErrNoCUDA: this build has no CUDA support.
func NumDevices() (int, error) { return 0, ErrNoCUDA }

// Name returns "" (no device in a build without CUDA).
func (d *Device) Name() string { return "" }

// String describes the device: here, that the build has no CUDA.
func (d *Device) String() string { return ErrNoCUDA.Error() }

// PoolStats returns zero counters.
func (d *Device) PoolStats() PoolStats { return PoolStats{} }

// Trim returns ErrNoCUDA.
func (d *Device) Trim() error { return ErrNoCUDA }

// Close returns ErrNoCUDA.
func (d *Device) Close() error { return ErrNoCUDA }

// backend returns ErrNoCUDA.
func (d *Device) backend() (device, error) { return nil, ErrNoCUDA }

// CheckEachLaunch does nothing in a build without CUDA.
func (d *Device) CheckEachLaunch(on bool) {}
