#!/usr/bin/env bash
# Runs every fuzz target of the module for a short time each (fuzz smoke).
#   .ci/fuzz.sh            10s per target
#   FUZZTIME=2m .ci/fuzz.sh
#   .ci/fuzz.sh 30s ./strategies   (duration, then packages)
# Seed corpora: <package>/testdata/fuzz/<FuzzName>/; a failing input is
# written there too, and `go test ./...` replays it from then on.
# A package may cap its targets' time with a file <package>/testdata/fuzztime
# holding a duration (5s): the shorter of it and the run's duration is used
# (durations N, Ns, Nm or Nh). Delete the file to fuzz such a package longer.
set -euo pipefail
cd "$(dirname "$0")/.."
fuzztime="${1:-${FUZZTIME:-10s}}"
shift || true
pkgs=("$@")
if [ ${#pkgs[@]} -eq 0 ]; then
	mapfile -t pkgs < <(go list ./...)
fi
# seconds converts a duration of the form N, Ns, Nm or Nh to seconds.
seconds() {
	local d="$1"
	case "$d" in
	*h) echo $((${d%h} * 3600)) ;;
	*m) echo $((${d%m} * 60)) ;;
	*s) echo "${d%s}" ;;
	*) echo "$d" ;;
	esac
}
status=0
for pkg in "${pkgs[@]}"; do
	pkgtime="$fuzztime"
	capfile="$(go list -f '{{.Dir}}' "$pkg")/testdata/fuzztime"
	if [ -f "$capfile" ]; then
		cap="$(tr -d '[:space:]' <"$capfile")"
		if [[ "$cap" =~ ^[0-9]+[smh]?$ && "$fuzztime" =~ ^[0-9]+[smh]?$ ]] && [ "$(seconds "$cap")" -lt "$(seconds "$fuzztime")" ]; then
			pkgtime="$cap"
		fi
	fi
	for target in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $target ($pkgtime)"
		if ! go test -run '^$' -fuzz "^${target}\$" -fuzztime "$pkgtime" "$pkg"; then
			status=1
		fi
	done
done
exit $status
