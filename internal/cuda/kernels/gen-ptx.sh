#!/usr/bin/env bash
# gen-ptx.sh: compile the CUDA C kernels (all.cu) to PTX for sm_80 and
# sm_90 into ../ptx/ (run by `go generate ./internal/cuda/`). The driver
# compiles PTX for the device at load time, so newer cards run it too.
#
# nvcc: $NVCC when set, else nvcc on PATH, else a private copy of Debian's
# nvidia-cuda-toolkit 11.8 (components contrib non-free) unpacked, not
# installed, into ${VIDEODIT_CUDA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/videodit-cuda}/toolkit
# (about 3 GB; the system's apt sources are left alone). The host compiler
# is the system g++ (nvcc 11.8 does not know gcc 12 by name, hence
# -allow-unsupported-compiler; only the preprocessor's output reaches PTX).
set -euo pipefail
cd "$(dirname "$0")"

CACHE=${VIDEODIT_CUDA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/videodit-cuda}
TK=$CACHE/toolkit
nvcc=${NVCC:-$(command -v nvcc || true)}
if [[ -z $nvcc ]]; then
	nvcc=$TK/usr/lib/nvidia-cuda-toolkit/bin/nvcc
	if [[ ! -x $nvcc ]]; then
		mkdir -p "$CACHE/apt/lists/partial" "$CACHE/tkdebs" "$TK"
		SOURCES=$CACHE/apt/sources.list
		echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib non-free" >"$SOURCES"
		APT=(-o "Dir::Etc::sourcelist=$SOURCES" -o Dir::Etc::sourceparts=/nonexistent
			-o "Dir::State::Lists=$CACHE/apt/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
			-o APT::Sandbox::User=root)
		apt-get "${APT[@]}" -q update >&2
		(cd "$CACHE/tkdebs" && apt-get "${APT[@]}" -q download nvidia-cuda-toolkit nvidia-cuda-dev libnvvm4 >&2)
		for d in "$CACHE"/tkdebs/*.deb; do dpkg-deb -x "$d" "$TK"; done
		rm -f "$CACHE"/tkdebs/*.deb
	fi
	# Debian's nvcc.profile is a link to /etc; point it into the unpacked tree.
	prof=$TK/usr/lib/nvidia-cuda-toolkit/bin/nvcc.profile
	rm -f "$prof"
	cat >"$prof" <<'PROFILE'
NVVMIR_LIBRARY_DIR = $(_HERE_)/../libdevice
PATH		+= $(_HERE_):$(_HERE_)/../../../bin:
INCLUDES	+= "-I$(_HERE_)/../../../include" $(_SPACE_)
PROFILE
	export LD_LIBRARY_PATH=$TK/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
fi

ptxas=${PTXAS:-$(command -v ptxas || echo "$TK/usr/bin/ptxas")}
mkdir -p ../ptx
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for sm in 80 90; do
	"$nvcc" -ccbin "${CXX:-$(command -v g++)}" -allow-unsupported-compiler -std=c++17 -O3 \
		-ptx -arch=compute_$sm -o "../ptx/kernels_sm$sm.ptx" all.cu
	# Assemble the PTX as the driver's JIT will, to catch what nvcc let
	# through (register or shared-memory overflow, unsupported instructions).
	"$ptxas" -arch=sm_$sm -O3 -o "$tmp/kernels_sm$sm.cubin" "../ptx/kernels_sm$sm.ptx"
done
"$nvcc" --version | tail -n 2 >../ptx/NVCC_VERSION
