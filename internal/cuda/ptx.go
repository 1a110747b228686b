package cuda

import (
	_ "embed"
	"fmt"
	"regexp"
)

//go:generate ./kernels/gen-ptx.sh

// The PTX of kernels/all.cu, made by kernels/gen-ptx.sh (nvcc, see
// ptx/NVCC_VERSION). The driver JIT-compiles it for the device when the
// module loads; PTX for sm_80 runs on every card of compute capability 8.x,
// and on later cards that lack their own.
var (
	//go:embed ptx/kernels_sm80.ptx
	ptxSM80 string
	//go:embed ptx/kernels_sm90.ptx
	ptxSM90 string
)

// ptxFor returns the PTX module to load on a device of compute capability
// major.minor: the sm_90 build from 9.0 on, the sm_80 build for 8.x, and an
// error wrapping ErrNoDevice below 8.0 (the kernels use TF32 tensor cores
// and are tuned for Ampere and later).
func ptxFor(major, minor int) (string, error) {
	switch {
	case major >= 9:
		return ptxSM90, nil
	case major == 8:
		return ptxSM80, nil
	}
	return "", fmt.Errorf("%w: compute capability %d.%d, need 8.0 or later", ErrNoDevice, major, minor)
}

var (
	ptxEntryRE  = regexp.MustCompile(`(?m)^\.visible \.entry (\w+)\(`)
	ptxTargetRE = regexp.MustCompile(`(?m)^\.target (\w+)`)
)

// ptxEntries returns the names of the kernels a PTX module defines, in
// order.
func ptxEntries(src string) []string {
	var names []string
	for _, m := range ptxEntryRE.FindAllStringSubmatch(src, -1) {
		names = append(names, m[1])
	}
	return names
}

// ptxTarget returns the .target of a PTX module ("sm_80"), or "".
func ptxTarget(src string) string {
	if m := ptxTargetRE.FindStringSubmatch(src); m != nil {
		return m[1]
	}
	return ""
}
