#!/usr/bin/env bash
# CI for the nested module cmd/lro (the lro command). Its live-display test
# drives a real terminal through tmux, installed here from Debian's packages
# when missing. gofmt is checked for the whole repository by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v tmux >/dev/null 2>&1; then
  echo "== apt-get install -y tmux (for cmd/lro's terminal test)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tmux
fi

echo "== cmd/lro: go vet ./... && go test -race ./..."
cd cmd/lro
go vet ./...
go test -race ./...
