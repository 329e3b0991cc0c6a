#!/usr/bin/env bash
# pg.sh start|stop|env|status: a throwaway PostgreSQL cluster for riverlro's
# tests and example. start creates a cluster in a fresh folder
# ($RIVERLRO_PG_DIR, default ${TMPDIR:-/tmp}/riverlro-pg) listening on a free
# loopback port, and prints DATABASE_URL=...; it also writes that line to
# $RIVERLRO_PG_DIR/env. stop shuts the cluster down and deletes the folder.
# As root the server runs as the postgres user (initdb refuses root).
# The cluster runs with fsync=off: it is for tests and is thrown away.
set -euo pipefail

dir=${RIVERLRO_PG_DIR:-${TMPDIR:-/tmp}/riverlro-pg}
envfile=$dir/env

# bin finds a PostgreSQL program on PATH or in Debian's versioned folders.
bin() {
  if command -v "$1" >/dev/null 2>&1; then command -v "$1"; return; fi
  local p
  for p in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
    if [ -x "$p/$1" ]; then echo "$p/$1"; return; fi
  done
  echo "pg.sh: $1 not found (apt-get install -y postgresql)" >&2
  exit 1
}

# as runs a command as the postgres user when we are root.
as() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

# free_port prints a loopback TCP port nothing listens on.
free_port() {
  local p i
  for i in $(seq 1 100); do
    p=$((20000 + RANDOM % 40000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return; fi
  done
  echo "pg.sh: no free port found" >&2
  exit 1
}

running() {
  [ -f "$envfile" ] && as "$(bin pg_ctl)" -D "$dir/data" status >/dev/null 2>&1
}

start() {
  if running; then cat "$envfile"; return; fi
  if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
    useradd --system --no-create-home --shell /bin/sh postgres
  fi
  rm -rf "$dir"
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then chown postgres: "$dir"; fi
  as "$(bin initdb)" -D "$dir/data" -U postgres -A trust --no-sync >"$dir/initdb.log" 2>&1 || {
    cat "$dir/initdb.log" >&2; exit 1; }
  local port tries
  for tries in 1 2 3 4 5; do
    port=$(free_port)
    if as "$(bin pg_ctl)" -D "$dir/data" -l "$dir/server.log" -w -t 60 start \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$dir -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null; then
      echo "DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable" >"$envfile"
      cat "$envfile"
      return
    fi
  done
  cat "$dir/server.log" >&2
  exit 1
}

stop() {
  if [ -d "$dir/data" ]; then
    as "$(bin pg_ctl)" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  rm -rf "$dir"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  env) if running; then cat "$envfile"; else echo "pg.sh: no cluster running (pg.sh start)" >&2; exit 1; fi ;;
  status) if running; then cat "$envfile"; else echo "stopped"; exit 1; fi ;;
  *) echo "usage: pg.sh start|stop|env|status" >&2; exit 2 ;;
esac
