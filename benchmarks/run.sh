#!/bin/sh
# Runs the benchmark suite -count times (default 6), prints benchstat's
# summary (impls side by side) and the markdown tables of the README's
# performance section, with the machine and the date.
#
#	./run.sh                 # everything
#	COUNT=10 BENCH='PutOL$' ./run.sh
#
# Works from a fresh clone: benchstat is run at a pinned version with
# `go run pkg@version`, which downloads it.
set -eu
cd "$(dirname "$0")"
COUNT=${COUNT:-6}
BENCH=${BENCH:-.}
OUT=${OUT:-results.txt}
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da

# One binary, run COUNT times over the whole suite rather than with
# -count: load that comes and goes (a shared machine) then spreads over
# every implementation instead of landing on one.
bin=$(mktemp -d)/benchmarks.test
go test -c -o "$bin" .
: > "$OUT"
i=0
while [ "$i" -lt "$COUNT" ]; do
	"$bin" -test.run '^$' -test.bench "$BENCH" -test.timeout 2h | tee -a "$OUT"
	i=$((i + 1))
done
rm -f "$bin"

echo
echo '## benchstat'
go run "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION" -col /impl "$OUT"

echo
echo '## markdown'
echo
cpu=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || true)
echo "Measured $(date -u +%Y-%m-%d) on $(nproc) cores, ${cpu:-unknown CPU}, $(go version | cut -d' ' -f3-), \`COUNT=$COUNT ./benchmarks/run.sh\`."
go run ./cmd/benchtable "$OUT"
