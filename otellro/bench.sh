#!/bin/sh
# Measures what otellro adds to an operation: BenchmarkOperation without
# otellro (none), with it on the no-op providers (noop) and on the SDK
# (sdk), at 0 and 10 running polls, then benchstat with the providers side
# by side. One binary runs the whole set COUNT times (default 10), so that
# load on a shared machine spreads over every provider.
#
#	./bench.sh               # from otellro/
#	COUNT=20 ./bench.sh
set -eu
cd "$(dirname "$0")"
COUNT=${COUNT:-10}
OUT=${OUT:-${TMPDIR:-/tmp}/otellro-bench.txt}
bin=$(mktemp -d)/otellro.test
go test -c -o "$bin" .
: > "$OUT"
i=0
while [ "$i" -lt "$COUNT" ]; do
	"$bin" -test.run '^$' -test.bench . -test.benchtime 3000x | tee -a "$OUT"
	i=$((i + 1))
done
rm -f "$bin"
go run golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da -col /provider "$OUT"
