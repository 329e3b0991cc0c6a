#!/usr/bin/env bash
# riverlro (a module of its own): vet and test it, with the race detector,
# against a real PostgreSQL server. DATABASE_URL, if set, names a server to
# use; otherwise a throwaway cluster is started (riverlro/dev/pg.sh) and
# stopped on exit. PostgreSQL's server programs are installed from Debian's
# packages where the machine lacks them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

if [ -z "${DATABASE_URL:-}" ]; then
  if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    echo "== riverlro: installing PostgreSQL (apt-get install -y postgresql)"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq postgresql >/dev/null
  fi
  if [ -z "${RIVERLRO_PG_DIR:-}" ]; then
    parent=$(mktemp -d /tmp/riverlro-ci.XXXXXX)
    chmod 755 "$parent"
    export RIVERLRO_PG_DIR="$parent/pg"
  fi
  trap 'bash "$root/riverlro/dev/pg.sh" stop; rmdir "$(dirname "$RIVERLRO_PG_DIR")" 2>/dev/null || true' EXIT
  echo "== riverlro: throwaway PostgreSQL (riverlro/dev/pg.sh start)"
  line=$(bash riverlro/dev/pg.sh start)
  export "${line?}"
fi

echo "== riverlro (cd riverlro && go vet ./... && go test -race ./...)"
cd riverlro
go vet ./...
go test -race ./...

# The benchmark once, small, so it cannot rot (it checks every operation
# succeeded in its 4 steps); the figures in riverlro/README.md come from
# -benchtime 2000x -count 3.
echo "== riverlro benchmark smoke (go test -run '^\$' -bench . -benchtime 50x)"
go test -run '^$' -bench . -benchtime 50x ./...
