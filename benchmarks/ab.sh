#!/bin/sh
# Compares two commits in one run: builds the benchmarks' test binary at
# each, runs them alternately ROUNDS times (load that comes and goes on a
# shared machine then lands on both), and prints benchstat old vs new.
#
#	./ab.sh OLD NEW [BENCH] [ROUNDS] [BENCHTIME]
#	./ab.sh a5143b5 HEAD '^Benchmark(PutOL|PostLocation)$|^BenchmarkPassThrough$' 8 0.3s
set -eu
cd "$(dirname "$0")"
old=$1
new=$2
bench=${3:-.}
rounds=${4:-8}
benchtime=${5:-0.3s}
BENCHSTAT_VERSION=v0.0.0-20260908200009-22c9c6c9d4da
tmp=$(mktemp -d)
for side in old new; do
	eval rev=\$$side
	git worktree add -q --detach "$tmp/$side" "$rev"
	(cd "$tmp/$side/benchmarks" && go test -c -o "$tmp/$side.test" .)
	git worktree remove --force "$tmp/$side"
done
i=0
while [ "$i" -lt "$rounds" ]; do
	for side in old new; do
		"$tmp/$side.test" -test.run '^$' -test.bench "$bench" -test.benchtime "$benchtime" -test.benchmem | grep '^Benchmark' >> "$tmp/$side.txt"
	done
	i=$((i + 1))
done
go run "golang.org/x/perf/cmd/benchstat@$BENCHSTAT_VERSION" "$tmp/old.txt" "$tmp/new.txt"
rm -rf "$tmp"
