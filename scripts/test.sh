#!/usr/bin/env bash
# The project's test command (README "Run the tests"): installs what the tests
# need on a fresh Debian machine, then vets and runs every test with -race.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="$PATH:/usr/local/go/bin"
go vet ./...
go test -race -timeout 60m ./...
