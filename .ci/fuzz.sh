#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time each (fuzz smoke).
#   .ci/fuzz.sh            10s per target
#   FUZZTIME=2m .ci/fuzz.sh
#   .ci/fuzz.sh 30s ./strategies   (duration, then packages)
# Seed corpora: <package>/testdata/fuzz/<FuzzName>/; a failing input is
# written there too, and `go test ./...` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-${FUZZTIME:-10s}}"
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	mapfile -t pkgs < <(go list ./...)
fi
status=0
for pkg in "${pkgs[@]}"; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($fuzztime)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$fuzztime" "$pkg"; then
			status=1
		fi
	done
done
exit $status
