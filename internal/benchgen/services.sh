#!/usr/bin/env bash
# services.sh: time blockcheck beside staticcheck and go vet on real services, fetched as pinned modules from the Go
# module proxy at bench time (never committed), and print the ratios and the scaling curve (CPU and peak memory
# against lines of code). A service that cannot be downloaded (the proxy refuses it, or its dependencies take
# longer than DOWNLOAD_TIMEOUT) is skipped with a note.
#
# Conditions, the same for every tool: GOCACHE is set explicitly and warmed with the export data of every
# dependency before timing (go list -export -deps), staticcheck starts with an empty analysis cache, and before each
# run every Go file of the service gets a new trailing comment, so that no tool answers the service itself from a
# cache (the state of a CI run after a change). go vet and go vet -vettool each run once untimed first: go vet keeps
# every dependency's analysis (facts) in the build cache under a key that includes the vet tool, so a CI job that
# persists GOCACHE analyses only what changed, and a first run of a new tool binary would time the dependencies'
# analysis instead. CPU is user+system seconds and memory the peak RSS, from GNU time;
# wall time is not reported, the machine being shared. RUNS runs per tool (default 1), median printed.
# staticcheck runs with -tests=false, as blockcheck excludes tests by default: with tests, its go list -export
# compiles every test package and test-only dependency, which the warm-up does not build (on loki, 20+ minutes of
# compiling that is not analysis).
set -euo pipefail
RUNS=${RUNS:-1}
DOWNLOAD_TIMEOUT=${DOWNLOAD_TIMEOUT:-900}
BLOCKCHECK=$(realpath "${BLOCKCHECK:-bin/blockcheck}")
STATICCHECK=$(realpath "${STATICCHECK:-$(go env GOPATH)/bin/staticcheck}")
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}
export GOFLAGS=-mod=mod GOWORK=off
# name module@version, smallest first: ~10k, ~40k, ~55k and ~470k own lines of Go (tests excluded).
SERVICES=${SERVICES:-"tusd github.com/tus/tusd/v2@v2.9.1
miniflux miniflux.app/v2@v2.2.10
alertmanager github.com/prometheus/alertmanager@v0.35.0
loki github.com/grafana/loki/v3@v3.7.8"}
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
n=0
touch_all() {
	n=$((n + 1))
	find . -name '*.go' -not -path './vendor/*' -exec sh -c 'for f; do printf "\n// bench run %s\n" "$0" >>"$f"; done' "$n" {} +
}
# measure label command...: prints "cpu rss" (seconds, MB) of the median run and a line for the table.
measure() {
	local label=$1; shift
	local out=() i tmp=$work/time
	for ((i = 0; i < RUNS; i++)); do
		touch_all
		/usr/bin/time -o "$tmp" -f '%U %S %M' "$@" >/dev/null 2>&1 || true
		out+=("$(tail -1 "$tmp")")
	done
	printf '%s\n' "${out[@]}" | awk '{ print $1 + $2, $3 / 1024 }' | sort -n | awk -v n="$RUNS" 'NR == int((n + 1) / 2)'
}
while read -r name modver; do
	[ -n "$name" ] || continue
	echo "$name ($modver)"
	if ! src=$(timeout "$DOWNLOAD_TIMEOUT" go mod download -json "$modver" 2>/dev/null | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') || [ -z "$src" ]; then
		echo "  skipped: the module proxy did not serve $modver"
		continue
	fi
	copy=$work/$name
	cp -r "$src" "$copy" && chmod -R u+w "$copy"
	if ! (cd "$copy" && timeout "$DOWNLOAD_TIMEOUT" go mod download >/dev/null 2>&1 &&
		timeout "$DOWNLOAD_TIMEOUT" go list -export -deps ./... >/dev/null 2>&1); then
		echo "  skipped: its dependencies could not be downloaded and built within ${DOWNLOAD_TIMEOUT}s"
		rm -rf "$copy"
		continue
	fi
	lines=$(cd "$copy" && find . -name '*.go' -not -name '*_test.go' -not -path './vendor/*' -print0 | xargs -0 cat | wc -l)
	pkgs=$(cd "$copy" && go list -deps ./... | wc -l)
	(
		cd "$copy"
		read -r bc_cpu bc_mem < <(measure blockcheck "$BLOCKCHECK" ./...)
		read -r sc_cpu sc_mem < <(measure staticcheck sh -c 'XDG_CACHE_HOME=$(mktemp -d -p "$1") exec "$2" -tests=false ./...' sh "$work" "$STATICCHECK")
		go vet ./... >/dev/null 2>&1 || true
		go vet -vettool="$BLOCKCHECK" ./... >/dev/null 2>&1 || true
		read -r vet_cpu vet_mem < <(measure "go vet" go vet ./...)
		read -r vt_cpu vt_mem < <(measure "vet -vettool" go vet -vettool="$BLOCKCHECK" ./...)
		printf '  %d lines of Go, %d packages in the graph\n' "$lines" "$pkgs"
		printf '  %-14s cpu %7.1f s   peak %7.0f MB\n' blockcheck "$bc_cpu" "$bc_mem" staticcheck "$sc_cpu" "$sc_mem" \
			"go vet" "$vet_cpu" "$vet_mem" "vet -vettool" "$vt_cpu" "$vt_mem"
		awk -v a="$bc_cpu" -v b="$sc_cpu" -v c="$bc_mem" -v d="$sc_mem" -v e="$vt_cpu" -v f="$vet_cpu" 'BEGIN {
			printf "  blockcheck/staticcheck: cpu %.2fx, memory %.2fx;  vet -vettool/go vet: cpu %.2fx\n", a / b, c / d, e / f }'
		echo "$lines $bc_cpu $bc_mem $name $pkgs" >"$work/curve-$name"
	)
	rm -rf "$copy"
done <<<"$SERVICES"
# The cost follows the code built (the service and the bodies of the dependencies it imports directly) more than
# the service's own lines, so the packages in the graph are printed beside them.
echo "scaling (blockcheck, own lines of Go -> CPU and peak memory)"
cat "$work"/curve-* 2>/dev/null | sort -n | awk '{
	printf "  %-13s %8d lines %5d packages   cpu %7.1f s (%.2f s per 10k lines)   peak %7.0f MB (%.0f MB per 10k lines)\n",
		$4, $1, $5, $2, $2 * 10000 / $1, $3, $3 * 10000 / $1 }'
