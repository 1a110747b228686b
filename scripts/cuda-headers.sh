#!/usr/bin/env bash
# cuda-headers.sh: obtain cuda.h and the stub libcuda.so (the two files a
# cuda-tagged build of gorgonia.org/cu needs to compile and link, without a
# GPU) from Debian's nvidia-cuda-dev package (component non-free), into a
# cache folder outside the repository. The cache is reused when present.
#
# The system's apt sources are left alone: a private sources list and a
# private lists folder under the cache are used for `apt-get download`.
#
# Prints the cache folder on stdout. Layout:
#   $CACHE/include/cuda.h
#   $CACHE/lib/libcuda.so       (stub: every call returns CUDA_ERROR_STUB_LIBRARY)
#   $CACHE/lib/libcuda.so.1 ->  libcuda.so (so a test binary can start here)
#
# Environment: VIDEODIT_CUDA_CACHE overrides the cache folder
# (default ${XDG_CACHE_HOME:-$HOME/.cache}/videodit-cuda).
set -euo pipefail

CACHE=${VIDEODIT_CUDA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/videodit-cuda}
if [[ -s $CACHE/include/cuda.h && -s $CACHE/lib/libcuda.so && -e $CACHE/lib/libcuda.so.1 ]]; then
	echo "$CACHE"
	exit 0
fi

mkdir -p "$CACHE/include" "$CACHE/lib" "$CACHE/debs" "$CACHE/apt/lists/partial"
SOURCES=$CACHE/apt/sources.list
echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://deb.debian.org/debian bookworm main contrib non-free" >"$SOURCES"
APT=(-o "Dir::Etc::sourcelist=$SOURCES" -o Dir::Etc::sourceparts=/nonexistent
	-o "Dir::State::Lists=$CACHE/apt/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
	-o APT::Sandbox::User=root)

deb=$(ls "$CACHE"/debs/nvidia-cuda-dev_*.deb 2>/dev/null | head -n1 || true)
if [[ -z $deb ]]; then
	echo "cuda-headers: downloading nvidia-cuda-dev (about 770 MB, once)" >&2
	apt-get "${APT[@]}" -q update >&2
	(cd "$CACHE/debs" && apt-get "${APT[@]}" -q download nvidia-cuda-dev >&2)
	deb=$(ls "$CACHE"/debs/nvidia-cuda-dev_*.deb | head -n1)
fi

# Extract only the two files: dpkg-deb streams the data tarball, tar keeps
# the named members.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$tmp" ./usr/include/cuda.h ./usr/lib/x86_64-linux-gnu/stubs/libcuda.so
install -m 0644 "$tmp/usr/include/cuda.h" "$CACHE/include/cuda.h"
install -m 0644 "$tmp/usr/lib/x86_64-linux-gnu/stubs/libcuda.so" "$CACHE/lib/libcuda.so"
ln -sf libcuda.so "$CACHE/lib/libcuda.so.1"
# The .deb is large; keep it only when asked (it lets the cache be rebuilt offline).
if [[ ${VIDEODIT_CUDA_KEEP_DEB:-0} != 1 ]]; then
	rm -f "$CACHE"/debs/nvidia-cuda-dev_*.deb
fi
echo "$CACHE"
