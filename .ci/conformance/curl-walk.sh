#!/usr/bin/env bash
# Walk every conformance scenario by hand with curl, exactly as SCENARIOS.md
# describes it, and check that Spector's /.coverage marks it "pass".
#
#   bash .ci/conformance/curl-walk.sh [SCENARIO_SUBSTRING...]
#
# Needs the servers from `serve.sh start` (reads .ci/work/conformance.env).
# Each scenario runs on a freshly restarted server (serve.sh restart keeps the
# port), so its coverage verdict is its own. Retry-After waits are honoured
# (sleep 1) where the server sends them, as a client should.
# This is a reference for the transport's behaviour, not the Go test suite.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/../.." && pwd)
WORK_DIR=${LRO_CONFORMANCE_WORK_DIR:-$REPO_ROOT/.ci/work}
ENV_FILE=$WORK_DIR/conformance.env
SERVE="$SCRIPT_DIR/serve.sh"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

[ -f "$ENV_FILE" ] || { echo "no $ENV_FILE: run serve.sh start first" >&2; exit 1; }
# shellcheck disable=SC1090
. "$ENV_FILE"
: "${LRO_SPECTOR_URL:?}" "${LRO_SPECTOR45_URL:?}"

SUB=00000000-0000-0000-0000-000000000000
RG=test-rg
CORE_V=2022-12-01-preview
ARM_V=2023-12-01-preview
OT=providers/Azure.ResourceManager.OperationTemplates

failures=0
passed=0

# req METHOD URL EXPECTED_STATUS [JSON_BODY]
# Leaves headers in $TMP/h and body in $TMP/b; prints a one-line trace.
req() {
  local method=$1 url=$2 want=$3 body=${4:-} got shown
  local args=(-s -D "$TMP/h" -o "$TMP/b" -w '%{http_code}' -X "$method")
  if [ -n "$body" ]; then
    args+=(-H 'Content-Type: application/json' --data-binary "$body")
  fi
  got=$(curl "${args[@]}" "$url")
  shown=$url
  [ ${#shown} -gt 160 ] && shown="${shown:0:120}...(${#url} chars)"
  printf '    %-6s %s -> %s' "$method" "$shown" "$got"
  if [ -n "${LRO_WALK_VERBOSE:-}" ]; then
    printf '\n'
    # every response header, long values shortened; then the whole body
    sed -e 's/\r$//' -e '/^$/d' -e 's/^\(.\{200\}\).*$/\1...(cut)/' -e 's/^/        < /' "$TMP/h"
    [ -s "$TMP/b" ] && printf '        body: %s\n' "$(cat "$TMP/b")"
  else
    [ -s "$TMP/b" ] && printf '  body=%.160s' "$(cat "$TMP/b")"
    printf '\n'
  fi
  if [ "$got" != "$want" ]; then
    echo "    !! expected status $want" >&2
    return 1
  fi
}

# hdr NAME: value of response header NAME from the last req (case-insensitive).
hdr() {
  awk -v n="$(echo "$1" | tr 'A-Z' 'a-z')" '
    { line = $0; sub(/\r$/, "", line); i = index(line, ":");
      if (i > 0 && tolower(substr(line, 1, i - 1)) == n) { v = substr(line, i + 1); sub(/^ +/, "", v); print v } }' "$TMP/h" | tail -n1
}

# body_has STRING: the last response body contains STRING.
body_has() {
  grep -qF -- "$1" "$TMP/b" || { echo "    !! body lacks: $1" >&2; return 1; }
}

# with_api_version URL VERSION: add api-version unless the URL already has one.
with_api_version() {
  case "$1" in
    *\?api-version=* | *\&api-version=*) echo "$1" ;;
    *\?*) echo "$1&api-version=$2" ;;
    *) echo "$1?api-version=$2" ;;
  esac
}

coverage_of() { # coverage_of BASE_URL SCENARIO
  curl -s "$1/.coverage" | node -e '
    let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      const name = process.argv[1];
      for (const report of JSON.parse(s)) {
        if (name in report.results) { console.log(report.results[name]); return; }
      }
      console.log("absent");
    });' "$2"
}

run() { # run INSTANCE SCENARIO FUNCTION
  local inst=$1 name=$2 fn=$3 base verdict
  if [ ${#FILTERS[@]} -gt 0 ]; then
    local f hit=
    for f in "${FILTERS[@]}"; do [[ "$name" == *"$f"* ]] && hit=1; done
    [ -n "$hit" ] || return 0
  fi
  bash "$SERVE" restart "$inst" >/dev/null 2>"$TMP/restart.log" || { cat "$TMP/restart.log" >&2; exit 1; }
  if [ "$inst" = spector ]; then base=$LRO_SPECTOR_URL; else base=$LRO_SPECTOR45_URL; fi
  echo "== $name  ($inst, $base)"
  if ! "$fn" "$base"; then
    echo "   FAIL (request sequence)"; failures=$((failures + 1)); return 0
  fi
  verdict=$(coverage_of "$base" "$name")
  if [ "$verdict" = pass ]; then
    echo "   coverage: pass"; passed=$((passed + 1))
  else
    echo "   FAIL coverage: $verdict"; failures=$((failures + 1))
  fi
}

# ---------------------------------------------------------------- core/lro/standard
core_create() {
  local b=$1 op
  req PUT "$b/azure/core/lro/standard/users/madge?api-version=$CORE_V" 201 '{"role":"contributor"}' || return 1
  body_has '"name":"madge"' || return 1
  op=$(hdr operation-location); echo "    operation-location: $op"
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1; body_has '"status":"Succeeded"' || return 1
  # final-state-via original-uri: GET the resource (no api-version needed, but harmless)
  req GET "$b/azure/core/lro/standard/users/madge?api-version=$CORE_V" 200 || return 1
  body_has '{"name":"madge","role":"contributor"}'
}

core_delete() {
  local b=$1 op
  req DELETE "$b/azure/core/lro/standard/users/madge?api-version=$CORE_V" 202 || return 1
  op=$(hdr operation-location); echo "    operation-location: $op"
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1
  body_has '{"id":"operation2","status":"Succeeded"}'
}

core_export() {
  local b=$1 op
  req POST "$b/azure/core/lro/standard/users/madge:export?api-version=$CORE_V&format=json" 202 || return 1
  op=$(hdr operation-location); echo "    operation-location: $op"
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1
  body_has '"result":{"name":"madge","resourceUri":"/users/madge"}'
}

core_rpc() {
  local b=$1 op
  req POST "$b/azure/core/lro/rpc/generations:submit?api-version=$CORE_V" 202 '{"prompt":"text"}' || return 1
  op=$(hdr operation-location); echo "    operation-location: $op"
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$(with_api_version "$op" "$CORE_V")" 200 || return 1
  body_has '"result":{"data":"text data"}'
}

# ---------------------------------------------------------------- ARM operation-templates
arm_create() {
  local b=$1 aao res
  res="$b/subscriptions/$SUB/resourceGroups/$RG/$OT/orders/order1"
  req PUT "$res?api-version=$ARM_V" 201 '{"location":"eastus","properties":{"productId":"product1","amount":1}}' || return 1
  body_has '"provisioningState":"InProgress"' || return 1
  aao=$(hdr azure-asyncoperation); echo "    azure-asyncoperation: $aao"
  req GET "$(with_api_version "$aao" "$ARM_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$(with_api_version "$aao" "$ARM_V")" 200 || return 1; body_has '"status":"Succeeded"' || return 1
  # PUT: final GET on the original URI (api-version required here)
  req GET "$res?api-version=$ARM_V" 200 || return 1
  body_has '"provisioningState":"Succeeded"'
}

arm_export() {
  local b=$1 aao loc
  req POST "$b/subscriptions/$SUB/resourceGroups/$RG/$OT/orders/order1/export?api-version=$ARM_V" 202 '{"format":"csv"}' || return 1
  aao=$(hdr azure-asyncoperation); loc=$(hdr location)
  echo "    azure-asyncoperation: $aao"; echo "    location: $loc"
  req GET "$(with_api_version "$aao" "$ARM_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$(with_api_version "$aao" "$ARM_V")" 200 || return 1; body_has '"status":"Succeeded"' || return 1
  # POST, final-state-via location: one GET on Location gives the result
  req GET "$(with_api_version "$loc" "$ARM_V")" 200 || return 1
  body_has '{"content":"order1,product1,1"}'
}

arm_delete() {
  local b=$1 loc
  req DELETE "$b/subscriptions/$SUB/resourceGroups/$RG/$OT/orders/order1?api-version=$ARM_V" 202 || return 1
  loc=$(hdr location); echo "    location: $loc"
  req GET "$(with_api_version "$loc" "$ARM_V")" 202 || return 1
  req GET "$(with_api_version "$loc" "$ARM_V")" 204
}

arm_export_array() {
  local b=$1 aao loc
  req POST "$b/subscriptions/$SUB/$OT/exportArray?api-version=$ARM_V" 202 '{"format":"csv"}' || return 1
  aao=$(hdr azure-asyncoperation); loc=$(hdr location)
  echo "    retry-after: $(hdr retry-after)"; echo "    azure-asyncoperation: $aao"; echo "    location: $loc"
  sleep "$(hdr retry-after)"
  req GET "$(with_api_version "$aao" "$ARM_V")" 200 || return 1; body_has '"status":"InProgress"' || return 1
  echo "    retry-after: $(hdr retry-after), azure-asyncoperation: $(hdr azure-asyncoperation)"
  sleep "$(hdr retry-after)"
  req GET "$(with_api_version "$aao" "$ARM_V")" 200 || return 1; body_has '"status":"Succeeded"' || return 1
  echo "    location on terminal AAO response: $(hdr location)"
  req GET "$(with_api_version "$loc" "$ARM_V")" 200 || return 1
  echo "    location on final 200: $(hdr location)"
  body_has '[{"content":"order1,product1,1"},{"content":"order2,product2,2"}]'
}

arm_post_paging() {
  local b=$1 loc next
  req POST "$b/subscriptions/$SUB/resourceGroups/$RG/$OT/products/default/postPagingLro?api-version=$ARM_V" 202 || return 1
  loc=$(hdr location); echo "    retry-after: $(hdr retry-after)"; echo "    location: $loc"
  sleep "$(hdr retry-after)"
  req GET "$(with_api_version "$loc" "$ARM_V")" 202 || return 1
  echo "    retry-after: $(hdr retry-after), location: $(hdr location)"
  sleep "$(hdr retry-after)"
  req GET "$(with_api_version "$loc" "$ARM_V")" 200 || return 1
  body_has '"name":"product1"' || return 1
  next=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).nextLink)' "$TMP/b")
  echo "    nextLink: $next"
  req GET "$next" 200 || return 1
  body_has '"name":"product2"'
}

large_header() {
  local b=$1 aao loc
  req POST "$b/subscriptions/$SUB/resourceGroups/$RG/providers/Azure.ResourceManager.LargeHeader/largeHeaders/header1/two6k?api-version=$ARM_V" 202 || return 1
  aao=$(hdr azure-asyncoperation); loc=$(hdr location)
  echo "    azure-asyncoperation: ${#aao} chars, location: ${#loc} chars, all headers: $(wc -c <"$TMP/h") bytes"
  # The poll URLs carry ?userContext=<6 KiB> and no api-version; the server does not
  # require one. Use them verbatim.
  req GET "$aao" 200 || return 1; body_has '"status":"InProgress"' || return 1
  req GET "$aao" 200 || return 1; body_has '"status":"Succeeded"' || return 1
  req GET "$loc" 200 || return 1
  body_has '{"succeeded":true}'
}

# ---------------------------------------------------------------- alpha.45 only
arm_post_paging_with_body() {
  local b=$1 loc next
  req POST "$b/subscriptions/$SUB/resourceGroups/$RG/$OT/products/default/postPagingLroWithBody?api-version=$ARM_V" 202 '{"vnetId":"vnet1"}' || return 1
  body_has '{"value":[]}' || return 1
  loc=$(hdr location); echo "    retry-after: $(hdr retry-after)"; echo "    location: $loc"
  sleep "$(hdr retry-after)"
  req GET "$(with_api_version "$loc" "$ARM_V")" 202 || return 1
  sleep "$(hdr retry-after)"
  req GET "$(with_api_version "$loc" "$ARM_V")" 200 || return 1
  body_has '"name":"product1"' || return 1
  next=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).nextLink)' "$TMP/b")
  echo "    nextLink: $next"
  req GET "$next" 200 || return 1
  body_has '"name":"product2"'
}

arm_get_lro() {
  local b=$1 loc
  req GET "$b/subscriptions/$SUB/resourceGroups/$RG/$OT/costReports/report1?api-version=$ARM_V" 202 || return 1
  loc=$(hdr location); echo "    location: $loc  (retry-after: '$(hdr retry-after)')"
  req GET "$(with_api_version "$loc" "$ARM_V")" 202 || return 1
  echo "    location: $(hdr location)"
  req GET "$(with_api_version "$(hdr location)" "$ARM_V")" 200 || return 1
  body_has '"name":"report1"' || return 1
  body_has '"downloadUrl":"https://storage.blob.core.windows.net/reports/report1.csv"'
}

FILTERS=("$@")
run spector Azure_Core_Lro_Standard_createOrReplace core_create
run spector Azure_Core_Lro_Standard_delete core_delete
run spector Azure_Core_Lro_Standard_export core_export
run spector Azure_Core_Lro_Rpc_longRunningRpc core_rpc
run spector Azure_ResourceManager_OperationTemplates_Lro_createOrReplace arm_create
run spector Azure_ResourceManager_OperationTemplates_Lro_export arm_export
run spector Azure_ResourceManager_OperationTemplates_Lro_delete arm_delete
run spector Azure_ResourceManager_OperationTemplates_Lro_exportArray arm_export_array
run spector Azure_ResourceManager_OperationTemplates_LroPaging_postPagingLro arm_post_paging
run spector Azure_ResourceManager_LargeHeader_LargeHeaders_two6k large_header
run spector45 Azure_ResourceManager_OperationTemplates_LroPaging_postPagingLroWithBody arm_post_paging_with_body
run spector45 Azure_ResourceManager_OperationTemplates_Lro_getLro arm_get_lro

echo "$passed passed, $failures failed"
[ "$failures" -eq 0 ]
