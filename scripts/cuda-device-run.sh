#!/usr/bin/env bash
# cuda-device-run.sh: run the CUDA executor's tests and benchmarks on a GPU
# machine that has the NVIDIA driver but no Go toolchain.
#
#   bash scripts/cuda-device-run.sh build   # here: build out/cuda/cuda.test
#   bash scripts/cuda-device-run.sh run     # there: run it, results in $OUT
#
# build compiles the videodit_cuda test binary of internal/cuda (against the
# cached cuda.h and stub libcuda.so of scripts/cuda-headers.sh) into
# out/cuda/ (ignored by git). On the lent machine the binary links the real
# libcuda.so.1 of the driver. With the session's `run` tool:
#
#   run(command="bash scripts/cuda-device-run.sh run", carry=["out/cuda"])
#
# run writes to ${OUT:-out/cuda/results}: device.txt (nvidia-smi),
# conformance.log (TestOpen and the nn conformance suite on the device),
# bench.log (GEMM and attention benchmarks, TFLOP/s). It exits non-zero
# when the tests fail. BENCHTIME (default 20x) sets -test.benchtime.
set -euo pipefail
cd "$(dirname "$0")/.."

case ${1:-build} in
build)
	export PATH="$PATH:/usr/local/go/bin"
	CACHE=$(bash scripts/cuda-headers.sh)
	mkdir -p out/cuda
	CGO_ENABLED=1 CGO_CFLAGS="-I$CACHE/include" CGO_LDFLAGS="-L$CACHE/lib" \
		go test -tags videodit_cuda -c -o out/cuda/cuda.test ./internal/cuda
	ls -l out/cuda/cuda.test
	;;
run)
	bin=$PWD/out/cuda/cuda.test
	[[ -x $bin ]] || { echo "cuda-device-run: $bin missing: run 'build' here and carry out/cuda" >&2; exit 1; }
	res=${OUT:-$PWD/out/cuda/results}
	mkdir -p "$res"
	{ nvidia-smi -L || true; nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv || true; } >"$res/device.txt" 2>&1
	cat "$res/device.txt"
	cd internal/cuda # the tests read kernels/common.cuh
	status=0
	"$bin" -test.v -test.count=1 >"$res/conformance.log" 2>&1 || status=$?
	grep -E -- '^(--- |=== RUN   TestOpen|ok|PASS|FAIL)|device_cuda_test' "$res/conformance.log" | grep -v -- '--- PASS: TestConformance/' | tail -n 40 || true
	if [[ $status != 0 ]]; then tail -n 40 "$res/conformance.log"; fi
	echo "cuda-device-run: tests exit $status"
	"$bin" -test.run '^$' -test.bench . -test.benchtime "${BENCHTIME:-20x}" >"$res/bench.log" 2>&1 || status=$?
	cat "$res/bench.log"
	exit "$status"
	;;
*)
	echo "usage: $0 build|run" >&2
	exit 2
	;;
esac
