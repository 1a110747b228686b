#!/usr/bin/env bash
# Installs the Debian packages the tests and examples need, only those missing:
# those of scripts/debian-packages.txt, plus any named as arguments (tools
# such as scripts/bench-compare.sh add their own). Runs apt-get as root
# (directly, or through sudo when available).
set -euo pipefail
cd "$(dirname "$0")/.."
# One package per line in scripts/debian-packages.txt; '#' starts a comment.
mapfile -t want < <(sed -e 's/#.*//' -e 's/[[:space:]]*$//' -e 's/^[[:space:]]*//' -e '/^$/d' scripts/debian-packages.txt)
want+=("$@")
missing=()
for p in "${want[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
if ((${#missing[@]} == 0)); then
	exit 0
fi
as_root=()
if [[ $(id -u) -ne 0 ]]; then
	as_root=(sudo)
fi
echo "setup: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
