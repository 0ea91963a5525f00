#!/usr/bin/env bash
# compare.sh DIR...: time blockcheck, go vet and staticcheck on each module directory, with GNU time (wall seconds,
# CPU seconds, peak memory). Each tool runs once to warm the build cache, then RUNS times; the median is printed.
set -euo pipefail
BLOCKCHECK=${BLOCKCHECK:-bin/blockcheck}
STATICCHECK=${STATICCHECK:-$(go env GOPATH)/bin/staticcheck}
RUNS=${RUNS:-5}
BLOCKCHECK=$(realpath "$BLOCKCHECK")
measure() { # label, command...
	local label=$1; shift
	"$@" >/dev/null 2>&1 || true
	local out=() i
	for ((i = 0; i < RUNS; i++)); do
		out+=("$( { /usr/bin/time -f '%e %U %S %M' "$@" >/dev/null 2>/dev/null; } 2>&1 | tail -1)")
	done
	printf '%s\n' "${out[@]}" | sort -n | awk -v label="$label" -v n="$RUNS" 'NR == int((n + 1) / 2) {
		printf "  %-14s wall %6.2f s   cpu %6.2f s   peak %7.1f MB\n", label, $1, $2 + $3, $4 / 1024 }'
}
for dir in "$@"; do
	echo "$dir ($(find "$dir" -name '*.go' | xargs cat | wc -l) lines of Go, median of $RUNS runs)"
	(
		cd "$dir"
		measure blockcheck "$BLOCKCHECK" ./...
		measure "go vet" go vet ./...
		measure staticcheck "$STATICCHECK" ./...
		measure "vet+blockcheck" go vet -vettool="$BLOCKCHECK" ./...
	)
done
