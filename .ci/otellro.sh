#!/usr/bin/env bash
# CI for the nested module otellro (OpenTelemetry spans and metrics for lro):
# vet, test with the race detector (the example included), and run each
# benchmark once so they cannot rot (BenchmarkPollHooks fails if a poll
# allocates with the no-op providers). gofmt is checked for the whole
# repository by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/../otellro"

echo "== otellro: go vet ./... && go test -race ./..."
go vet ./...
go test -race ./...
echo "== otellro: benchmarks smoke (go test -run '^\$' -bench . -benchtime 1x ./...)"
go test -run '^$' -bench . -benchtime 1x ./...
