#!/usr/bin/env bash
# The side-by-side benchmark (make bench-compare, issue 4): times our GEMM,
# gonum's and PyTorch's (Debian python3-torch on OpenBLAS, 2 threads) on the
# same shapes, and one transformer block in our eager and graph executors and
# in PyTorch, in one run on this machine, then prints the table of GFLOP/s,
# ours/torch and ours/peak. docs/performance.md explains the columns.
# It alternates the PyTorch side and ours BENCH_ROUNDS times (default 5) with
# BENCH_REPS timed repetitions per case (default 10) and keeps each case's
# best time, as the machine may be shared.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's packages and those the PyTorch side needs, when missing.
bash scripts/setup.sh python3-torch python3-numpy libopenblas0-pthread

export PATH="$PATH:/usr/local/go/bin"
# Both sides on 2 threads (the issue's setting), whatever the core count.
export GOMAXPROCS=2 OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/benchcompare" ./internal/gemm/cmd/benchcompare
"$tmp/benchcompare" -python /usr/bin/python3 -script scripts/bench_compare.py \
	-rounds "${BENCH_ROUNDS:-5}" -reps "${BENCH_REPS:-10}"
