#!/usr/bin/env bash
# Runs every fuzz target of the module for a bounded budget each (fuzz smoke).
#   .ci/fuzz.sh                 100000 executions per target (CI's budget)
#   .ci/fuzz.sh 2000000x        a larger count
#   .ci/fuzz.sh 2m ./strategies a duration, then packages
# The budget is passed to go test -fuzztime as it is: Nx is a count of
# executions, N{s,m,h} a duration.
#
# CI uses a count, not a duration. With a duration, Go 1.26's fuzz
# coordinator has a race at the deadline (go.dev/issue/75804, fixed in Go
# 1.27): a worker still busy when the -fuzztime deadline passes makes the
# target FAIL with a bare "context deadline exceeded" and no input written.
# It failed CI once (strategies/asyncreply FuzzParse, 5 s, 2026-12-01). A
# count has no deadline to race; a slow machine only takes longer.
#
# Seed corpora: <package>/testdata/fuzz/<FuzzName>/; a failing input is
# written there too, and `go test ./...` replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-${FUZZTIME:-100000x}}"
shift || true
if ! [[ "$budget" =~ ^[0-9]+(x|s|m|h)$ ]]; then
	echo "fuzz.sh: budget $budget: want a count (100000x) or a duration (10s, 2m, 1h)" >&2
	exit 2
fi
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	mapfile -t pkgs < <(go list ./...)
fi
status=0
for pkg in "${pkgs[@]}"; do
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($budget)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$budget" "$pkg"; then
			status=1
		fi
	done
done
exit $status
