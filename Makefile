# Developer shortcuts; the README lists the commands.
.PHONY: bench-compare

# Side-by-side benchmark against gonum and PyTorch (issue 4, docs/performance.md).
bench-compare:
	bash scripts/bench-compare.sh
