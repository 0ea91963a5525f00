#!/usr/bin/env bash
# compare.sh DIR...: time blockcheck, go vet, staticcheck and go vet with blockcheck as its vettool on each module
# directory, with GNU time (wall seconds, CPU seconds, peak memory of the largest process).
#
# Each module is copied, and before every run each of its Go files gets a new trailing comment, so that the
# analysis of the module itself is never answered from go vet's or staticcheck's cache while the standard library
# stays compiled (the state of a CI run after a change). Each tool runs once to warm up, then RUNS times; the
# median is printed.
set -euo pipefail
RUNS=${RUNS:-5}
BLOCKCHECK=$(realpath "${BLOCKCHECK:-bin/blockcheck}")
STATICCHECK=$(realpath "${STATICCHECK:-$(go env GOPATH)/bin/staticcheck}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
touch_all() { # make every Go file of the copy new to the caches
	n=$((n + 1))
	find . -name '*.go' -exec sh -c 'for f; do printf "\n// bench run %s\n" "$0" >>"$f"; done' "$n" {} +
}
measure() { # label, command...
	local label=$1; shift
	touch_all
	"$@" >/dev/null 2>&1 || true
	local out=() i tmp=$work/time
	for ((i = 0; i < RUNS; i++)); do
		touch_all
		# The tools exit non-zero when they find something: only the timing matters here.
		/usr/bin/time -o "$tmp" -f '%e %U %S %M' "$@" >/dev/null 2>&1 || true
		out+=("$(tail -1 "$tmp")")
	done
	printf '%s\n' "${out[@]}" | sort -n | awk -v label="$label" -v n="$RUNS" 'NR == int((n + 1) / 2) {
		printf "  %-15s wall %6.2f s   cpu %6.2f s   peak %7.1f MB\n", label, $1, $2 + $3, $4 / 1024 }'
}
for dir in "$@"; do
	echo "$dir ($(find "$dir" -name '*.go' | xargs cat | wc -l) lines of Go, median of $RUNS runs)"
	copy=$work/$(basename "$dir")
	rm -rf "$copy" && cp -r "$dir" "$copy"
	(
		cd "$copy"
		measure blockcheck "$BLOCKCHECK" ./...
		measure "go vet" go vet ./...
		measure staticcheck "$STATICCHECK" ./...
		measure "vet -vettool" go vet -vettool="$BLOCKCHECK" ./...
	)
done
