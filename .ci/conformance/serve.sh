#!/usr/bin/env bash
# Start/stop the Spector LRO mock servers for the conformance suite.
#
#   bash .ci/conformance/serve.sh install            # npm ci into .ci/node/ (only if needed)
#   bash .ci/conformance/serve.sh start              # install if needed, start both servers
#   bash .ci/conformance/serve.sh status             # show what is running
#   bash .ci/conformance/serve.sh restart [NAME...]  # restart (same port) to reset server state
#   bash .ci/conformance/serve.sh stop               # stop exactly the processes start started
#
# Two instances, both run by @typespec/spector 0.1.0-alpha.24-dev.2 on Node >= 20:
#   spector    serves @azure-tools/azure-http-specs 0.1.0-alpha.38-dev.2  -> LRO_SPECTOR_URL
#   spector45  serves @azure-tools/azure-http-specs 0.1.0-alpha.45        -> LRO_SPECTOR45_URL
#
# After `start`, .ci/work/conformance.env holds (plain KEY=VALUE lines, sourceable):
#   LRO_SPECTOR_URL=http://127.0.0.1:<port>
#   LRO_SPECTOR45_URL=http://127.0.0.1:<port>
# Per instance, .ci/work/ also holds NAME.pid, NAME.port, NAME.log and
# NAME-coverage.json (written by Spector when it exits).
#
# Servers listen on 127.0.0.1 only (see loopback.cjs): Spector has no host option.
#
# Environment knobs (all optional):
#   LRO_CONFORMANCE_NODE_DIR   install dir          (default: <repo>/.ci/node)
#   LRO_CONFORMANCE_WORK_DIR   state/log dir        (default: <repo>/.ci/work)
#   LRO_SPECTOR_PORT           port for spector     (default: 0 = pick a free one)
#   LRO_SPECTOR45_PORT         port for spector45   (default: 0 = pick a free one)
#   LRO_SPECTOR_START_TIMEOUT  seconds to wait for a server to answer (default: 90)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
NODE_DIR=${LRO_CONFORMANCE_NODE_DIR:-$REPO_ROOT/.ci/node}
WORK_DIR=${LRO_CONFORMANCE_WORK_DIR:-$REPO_ROOT/.ci/work}
ENV_FILE=$WORK_DIR/conformance.env
GIT_STUB=$WORK_DIR/spector-git
START_TIMEOUT=${LRO_SPECTOR_START_TIMEOUT:-90}
HOST=127.0.0.1

CLI=$NODE_DIR/node_modules/@typespec/spector/cmd/cli.mjs
INSTANCES=(spector spector45)

log() { printf 'serve.sh: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

specs_dir() {
  case "$1" in
    spector) echo "$NODE_DIR/node_modules/@azure-tools/azure-http-specs/specs" ;;
    spector45) echo "$NODE_DIR/node_modules/specs45/specs" ;;
    *) die "unknown instance '$1' (expected: ${INSTANCES[*]})" ;;
  esac
}

env_var() {
  case "$1" in
    spector) echo LRO_SPECTOR_URL ;;
    spector45) echo LRO_SPECTOR45_URL ;;
  esac
}

port_override() {
  case "$1" in
    spector) echo "${LRO_SPECTOR_PORT:-0}" ;;
    spector45) echo "${LRO_SPECTOR45_PORT:-0}" ;;
  esac
}

# http_status METHOD URL -> prints the HTTP status code, 000 when unreachable.
http_status() {
  local method=$1 url=$2
  if command -v curl >/dev/null 2>&1; then
    curl -s -o /dev/null -w '%{http_code}' --max-time 5 -X "$method" "$url" 2>/dev/null || true
  else
    node -e '
      const [method, url] = process.argv.slice(1);
      fetch(url, { method, signal: AbortSignal.timeout(5000) })
        .then((r) => console.log(String(r.status)))
        .catch(() => console.log("000"));' "$method" "$url" 2>/dev/null || echo 000
  fi
}

check_node() {
  command -v node >/dev/null 2>&1 || die "node not found on PATH (Node >= 20 required)"
  command -v npm >/dev/null 2>&1 || die "npm not found on PATH"
  local major
  major=$(node -p 'process.versions.node.split(".")[0]')
  [ "$major" -ge 20 ] || die "Node >= 20 required, found $(node --version)"
}

install_stamp() {
  cat "$SCRIPT_DIR/package.json" "$SCRIPT_DIR/package-lock.json" "$SCRIPT_DIR/.npmrc" \
    | sha256sum | cut -d' ' -f1
}

do_install() {
  check_node
  local stamp want
  want=$(install_stamp)
  stamp=$(cat "$NODE_DIR/.conformance-stamp" 2>/dev/null || true)
  if [ "$stamp" = "$want" ] && [ -f "$CLI" ] && [ -d "$(specs_dir spector)" ] && [ -d "$(specs_dir spector45)" ]; then
    return 0
  fi
  log "installing pinned Spector packages into $NODE_DIR (npm ci)"
  mkdir -p "$NODE_DIR"
  rm -f "$NODE_DIR/.conformance-stamp"
  cp "$SCRIPT_DIR/package.json" "$SCRIPT_DIR/package-lock.json" "$SCRIPT_DIR/.npmrc" "$NODE_DIR/"
  (cd "$NODE_DIR" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error) >&2 \
    || die "npm ci failed in $NODE_DIR"
  [ -f "$CLI" ] || die "spector CLI missing after install: $CLI"
  echo "$want" >"$NODE_DIR/.conformance-stamp"
}

# Spector runs `git rev-parse HEAD` in the specs folder at start; give it a tiny repo.
ensure_git_stub() {
  command -v git >/dev/null 2>&1 || die "git not found on PATH (spector runs git rev-parse HEAD)"
  if env -u GIT_WORK_TREE -u GIT_INDEX_FILE GIT_DIR="$GIT_STUB/.git" \
      git rev-parse --verify -q HEAD >/dev/null 2>&1; then
    return 0
  fi
  rm -rf "$GIT_STUB"
  mkdir -p "$GIT_STUB"
  env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE git init -q "$GIT_STUB"
  env -u GIT_DIR -u GIT_WORK_TREE -u GIT_INDEX_FILE \
    GIT_AUTHOR_DATE='2000-01-01T00:00:00Z' GIT_COMMITTER_DATE='2000-01-01T00:00:00Z' \
    git -C "$GIT_STUB" -c user.name=lro-conformance -c user.email=lro-conformance@localhost \
      -c commit.gpgsign=false commit -q --allow-empty -m "GIT_DIR stub for spector"
}

pid_file() { echo "$WORK_DIR/$1.pid"; }
port_file() { echo "$WORK_DIR/$1.port"; }
log_file() { echo "$WORK_DIR/$1.log"; }
coverage_file() { echo "$WORK_DIR/$1-coverage.json"; }

# is_ours NAME PID: the PID is alive and is the spector serve process for NAME.
is_ours() {
  local name=$1 pid=$2 cmdline
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  cmdline=$(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null) || return 1
  [[ "$cmdline" == *"$CLI serve $(specs_dir "$name") "* ]]
}

read_pid() { cat "$(pid_file "$1")" 2>/dev/null || true; }
read_port() { cat "$(port_file "$1")" 2>/dev/null || true; }

running() {
  local name=$1 pid port
  pid=$(read_pid "$name")
  port=$(read_port "$name")
  is_ours "$name" "$pid" && [ -n "$port" ] && [ "$(http_status GET "http://$HOST:$port/.coverage")" = 200 ]
}

# check_loopback_only PID: with ss available, fail if PID listens anywhere but loopback.
check_loopback_only() {
  local pid=$1 addrs
  command -v ss >/dev/null 2>&1 || return 0
  addrs=$(ss -Hltnp 2>/dev/null | awk -v p="pid=$pid," 'index($0, p) { print $4 }')
  [ -n "$addrs" ] || return 0
  while read -r a; do
    case "$a" in
      127.*:* | "[::ffff:127."*) ;;
      *) log "process $pid listens on $a (not loopback)"; return 1 ;;
    esac
  done <<<"$addrs"
}

start_one() {
  local name=$1 port=${2:-} specs pid deadline started
  specs=$(specs_dir "$name")
  if running "$name"; then
    log "$name already running (pid $(read_pid "$name"), http://$HOST:$(read_port "$name"))"
    return 0
  fi
  stop_one "$name" quiet # clean up whatever is stale
  [ -n "$port" ] || port=$(port_override "$name")
  [ -d "$specs" ] || die "specs folder missing: $specs"

  local logf
  logf=$(log_file "$name")
  : >"$logf"
  local launcher=()
  command -v setsid >/dev/null 2>&1 && launcher=(setsid)
  # In a non-interactive shell a background job is not a process-group leader,
  # so setsid execs node in place and $! is node's PID.
  env -u GIT_WORK_TREE -u GIT_INDEX_FILE GIT_DIR="$GIT_STUB/.git" LRO_SPECTOR_HOST="$HOST" \
    "${launcher[@]}" node --require "$SCRIPT_DIR/loopback.cjs" "$CLI" serve "$specs" \
      --port "$port" --coverageFile "$(coverage_file "$name")" \
      </dev/null >>"$logf" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$(pid_file "$name")"

  # Wait for "Started server on <port>", then for /.coverage to answer 200.
  deadline=$((SECONDS + START_TIMEOUT))
  started=
  while [ $SECONDS -lt $deadline ]; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 30 "$logf" >&2 || true
      rm -f "$(pid_file "$name")"
      die "$name exited during start-up (log: $logf)"
    fi
    started=$(sed 's/\x1b\[[0-9;]*m//g' "$logf" | grep -oE 'Started server on [0-9]+' | tail -n1 | grep -oE '[0-9]+$' || true)
    [ -n "$started" ] && break
    sleep 0.2
  done
  [ -n "$started" ] || { stop_one "$name" quiet; die "$name did not report its port within ${START_TIMEOUT}s (log: $logf)"; }
  echo "$started" >"$(port_file "$name")"
  while [ $SECONDS -lt $deadline ]; do
    [ "$(http_status GET "http://$HOST:$started/.coverage")" = 200 ] && break
    kill -0 "$pid" 2>/dev/null || { tail -n 30 "$logf" >&2 || true; die "$name exited during start-up (log: $logf)"; }
    sleep 0.2
  done
  if [ "$(http_status GET "http://$HOST:$started/.coverage")" != 200 ]; then
    stop_one "$name" quiet
    die "$name did not answer GET /.coverage within ${START_TIMEOUT}s (log: $logf)"
  fi
  if ! check_loopback_only "$pid"; then
    stop_one "$name" quiet
    die "$name is not bound to loopback only"
  fi
  log "$name started: pid $pid, http://$HOST:$started ($(basename "$(dirname "$specs")") specs)"
}

# stop_one NAME [quiet]: stop only the process recorded in NAME.pid, if it is still ours.
stop_one() {
  local name=$1 quiet=${2:-} pid port i
  pid=$(read_pid "$name")
  port=$(read_port "$name")
  if [ -n "$pid" ] && is_ours "$name" "$pid"; then
    if [ -n "$port" ]; then
      http_status POST "http://$HOST:$port/.admin/stop" >/dev/null || true
    fi
    for i in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    if is_ours "$name" "$pid"; then
      log "$name (pid $pid) ignored /.admin/stop; sending SIGTERM"
      kill -TERM "$pid" 2>/dev/null || true
      for i in $(seq 1 50); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
      done
    fi
    if is_ours "$name" "$pid"; then
      log "$name (pid $pid) still alive; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.2
    fi
    [ -n "$quiet" ] || log "$name stopped (pid $pid)"
  elif [ -z "$quiet" ]; then
    if [ -n "$pid" ]; then
      log "$name: recorded pid $pid is not running (or not ours); nothing to stop"
    else
      log "$name: not running"
    fi
  fi
  rm -f "$(pid_file "$name")" "$(port_file "$name")"
}

write_env() {
  local tmp name port
  tmp=$(mktemp "$WORK_DIR/.conformance.env.XXXXXX")
  for name in "${INSTANCES[@]}"; do
    port=$(read_port "$name")
    [ -n "$port" ] || continue
    echo "$(env_var "$name")=http://$HOST:$port" >>"$tmp"
  done
  mv -f "$tmp" "$ENV_FILE"
}

cmd_start() {
  do_install
  ensure_git_stub
  local name
  for name in "${INSTANCES[@]}"; do
    if ! start_one "$name"; then
      return 1
    fi
  done
  write_env
  log "wrote $ENV_FILE"
  cat "$ENV_FILE"
}

cmd_restart() {
  local names=("$@") name port
  [ ${#names[@]} -gt 0 ] || names=("${INSTANCES[@]}")
  do_install
  ensure_git_stub
  for name in "${names[@]}"; do
    specs_dir "$name" >/dev/null
    port=$(read_port "$name")
    stop_one "$name" quiet
    # Keep the same port so URLs already handed out stay valid.
    start_one "$name" "$port"
  done
  write_env
  cat "$ENV_FILE"
}

cmd_stop() {
  local name
  for name in "${INSTANCES[@]}"; do
    stop_one "$name"
  done
  rm -f "$ENV_FILE"
}

cmd_status() {
  local name rc=0
  for name in "${INSTANCES[@]}"; do
    if running "$name"; then
      echo "$name: running, pid $(read_pid "$name"), $(env_var "$name")=http://$HOST:$(read_port "$name")"
    else
      echo "$name: not running"
      rc=1
    fi
  done
  return $rc
}

main() {
  local cmd=${1:-}
  [ $# -gt 0 ] && shift
  mkdir -p "$WORK_DIR"
  # Serialise concurrent invocations (e.g. parallel test binaries calling start).
  if command -v flock >/dev/null 2>&1; then
    exec 9>"$WORK_DIR/.serve.lock"
    flock -w 300 9 || die "could not take $WORK_DIR/.serve.lock"
  fi
  case "$cmd" in
    install) do_install ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    restart) cmd_restart "$@" ;;
    status) cmd_status ;;
    *)
      echo "usage: $0 {install|start|stop|status|restart [spector|spector45]...}" >&2
      exit 2
      ;;
  esac
}

main "$@"
