#!/usr/bin/env bash
# cuda-check.sh: keep the CUDA code honest on a machine without a GPU.
#
#  1. Obtain cuda.h and the stub libcuda.so (scripts/cuda-headers.sh, cached
#     outside the repository).
#  2. go vet -tags videodit_cuda on every package ($CUDA_CHECK_PKGS, default
#     ./...), with CGO_CFLAGS/CGO_LDFLAGS pointing into the cache.
#  3. Build the cuda test binaries (go test -tags videodit_cuda -c) of the
#     cuda-relevant packages into $CUDA_CHECK_OUT (default a temp folder).
#  4. Run the cuda test binary against the stub library: the process must
#     survive gorgonia.org/cu's init (which calls os.Exit(1) when cuInit
#     fails), Open must return ErrNoDevice, and the host-side tests (PTX,
#     pool, plans, executor on a fake device) must pass.
#  5. Run the conformance suite of package nn on the executor with the real
#     kernels emulated on the CPU (go test -tags videodit_cudaemu; needs g++
#     with C++20, no CUDA).
#  6. Check that a CPU build does not link gorgonia.org/cu and that
#     CGO_ENABLED=0 builds internal/cuda.
#
# The build tag is videodit_cuda, not cuda: gorgonia.org/gorgonia has files
# tagged cuda that need cuDNN and a regenerated source tree (DESIGN.md 3).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/local/go/bin"

CACHE=$(bash scripts/cuda-headers.sh)
export CGO_ENABLED=1
export CGO_CFLAGS="-I$CACHE/include${CGO_CFLAGS:+ $CGO_CFLAGS}"
export CGO_LDFLAGS="-L$CACHE/lib${CGO_LDFLAGS:+ $CGO_LDFLAGS}"

# Packages whose test binaries differ with the tag.
CUDA_PKGS=(./internal/cuda)

echo "cuda-check: go vet -tags videodit_cuda ${CUDA_CHECK_PKGS:-./...}"
# shellcheck disable=SC2086
go vet -tags videodit_cuda ${CUDA_CHECK_PKGS:-./...}

out=${CUDA_CHECK_OUT:-$(mktemp -d)}
mkdir -p "$out"
for p in "${CUDA_PKGS[@]}"; do
	bin=$out/$(basename "$p").cuda.test
	echo "cuda-check: go test -tags videodit_cuda -c $p"
	go test -tags videodit_cuda -c -o "$bin" "$p"
	echo "cuda-check: running $bin against the stub libcuda (no device)"
	(cd "$p" && LD_LIBRARY_PATH="$CACHE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" "$bin" -test.v -test.count=1 >"$out/$(basename "$p").log" 2>&1) || {
		cat "$out/$(basename "$p").log" >&2
		echo "cuda-check: the cuda test binary of $p failed without a device" >&2
		exit 1
	}
	grep -q -- '--- PASS: TestOpen' "$out/$(basename "$p").log" || {
		cat "$out/$(basename "$p").log" >&2
		echo "cuda-check: TestOpen did not pass in $p" >&2
		exit 1
	}
	tail -n 1 "$out/$(basename "$p").log"
done

echo "cuda-check: conformance suite on the kernels emulated on the CPU"
go test -count=1 -tags videodit_cudaemu -run TestEmulated ./internal/cuda/

echo "cuda-check: a CPU build must not link gorgonia.org/cu"
deps=$(CGO_ENABLED=0 go list -deps ./...)
if grep -qx 'gorgonia.org/cu' <<<"$deps"; then
	echo "cuda-check: gorgonia.org/cu is linked without the videodit_cuda tag; its init exits without a GPU" >&2
	exit 1
fi
CGO_ENABLED=0 go build ./internal/cuda/
echo "cuda-check: ok"
