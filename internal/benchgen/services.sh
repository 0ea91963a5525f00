#!/usr/bin/env bash
# services.sh: time blockcheck beside staticcheck and go vet on real services, fetched as pinned modules from the Go
# module proxy at bench time (never committed), and print the ratios and the scaling curve (CPU and peak memory
# against lines of code). A service that cannot be prepared (the proxy refuses it, or its download, vendoring and
# build take longer than its timeout) is skipped with a note.
#
# SERVICES holds one service a line: name module@version [mod|vendor [timeout in seconds]]. "vendor" measures the
# service with its dependencies vendored (go mod vendor, every tool run with -mod=vendor), as a large service keeps
# them; "mod", the default, reads them from the module cache. The timeout (default PREPARE_TIMEOUT, 900 s) bounds
# the preparation: download, vendoring and compiling the export data of every package in the graph.
#
# Each service is prepared once in a work area that later runs reuse, BENCH_CACHE/name@version (BENCH_CACHE
# defaults to blockcheck-bench beside GOCACHE; remove it to start over). The go command keys a package's build
# cache entries on its directory, so vendored dependencies copied to a fresh directory on every run would be
# compiled again on every run (on loki, most of an hour on two cores). A preparation cut short by its timeout keeps
# what it did, and the next run continues from it. A module zip leaves out nested modules: a replace that points
# into one is dropped, so that the version go.mod requires comes from the proxy. It also leaves out assets the
# module generates before embedding them: a //go:embed of a missing directory gets an empty placeholder file.
#
# Conditions, the same for every tool: GOCACHE is set explicitly and warmed with the export data of every
# dependency before timing (go list -export -deps), staticcheck starts with an empty analysis cache, and before each
# run every Go file of the service (not vendor/) is rewritten as the module's file plus a trailing comment unique to
# that run, so that no tool answers the service itself from a cache (the state of a CI run after a change); the
# files are restored afterwards. go vet and go vet -vettool each run once untimed first: go vet keeps every
# dependency's analysis (facts) in the build cache under a key that includes the vet tool, so a CI job that persists
# GOCACHE analyses only what changed, and a first run of a new tool binary would time the dependencies' analysis
# instead. CPU is user+system seconds and memory the peak RSS, from GNU time; wall time is not reported, the
# machine being shared. RUNS runs per tool (default 1), median printed. The untimed steps run under nice -n 10 and
# say on stderr what they do; PREPARE_ONLY=1 prepares the services and measures nothing.
# staticcheck runs with -tests=false, as blockcheck excludes tests by default: with tests, its go list -export
# compiles every test package and test-only dependency, which the warm-up does not build (on loki, 20+ minutes of
# compiling that is not analysis).
set -euo pipefail
RUNS=${RUNS:-1}
PREPARE_TIMEOUT=${PREPARE_TIMEOUT:-${DOWNLOAD_TIMEOUT:-900}}
BLOCKCHECK=$(realpath "${BLOCKCHECK:-bin/blockcheck}")
STATICCHECK=$(realpath "${STATICCHECK:-$(go env GOPATH)/bin/staticcheck}")
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}
BENCH_CACHE=${BENCH_CACHE:-$(dirname "$GOCACHE")/blockcheck-bench}
export GOFLAGS=-mod=mod GOWORK=off
# name module@version [mod|vendor [timeout]], smallest first: ~10k, ~40k, ~55k and ~470k own lines of Go (tests
# excluded). loki's first preparation vendors 500 MB and compiles some 2,700 packages.
SERVICES=${SERVICES:-"tusd github.com/tus/tusd/v2@v2.9.1
miniflux miniflux.app/v2@v2.2.10
alertmanager github.com/prometheus/alertmanager@v0.35.0
loki github.com/grafana/loki/v3@v3.7.8 vendor 7200"}
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
note() { printf '  [%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
# left prints the seconds left before the preparation's deadline; it fails as timeout does when none are.
left() {
	local s=$((deadline - $(date +%s)))
	[ "$s" -gt 0 ] || return 124
	echo "$s"
}
# restore rewrites the service's own Go files in the area from the module's read-only files.
restore() {
	(cd "$src" && find . -name '*.go' -exec cp --parents -t "$area" {} +)
}
# touch_all gives every Go file of the service one trailing comment, new on each call and across bench runs: the
# area persists, so a comment a previous bench run also wrote would meet that run's build cache entries.
touch_all() {
	local f stamp
	restore
	stamp="$(date +%s%N) $$"
	while IFS= read -r -d '' f; do
		printf '\n// bench run %s\n' "$stamp" >>"$area/$f"
	done < <(cd "$src" && find . -name '*.go' -print0)
}
# local_replaces prints "module dir" for each replace in ./go.mod whose target is a directory.
local_replaces() {
	go mod edit -json | awk '
		/^\t"Replace": \[/ { in_replace = 1 } /^\t]/ { in_replace = 0 }
		/"Old": \{/ { side = "old" } /"New": \{/ { side = "new" }
		in_replace && /"Path":/ {
			p = $2; gsub(/[",]/, "", p)
			if (side == "old") old = p; else if (p ~ /^\.\.?\//) print old, p
		}'
}
# prepare name deps: makes $area ready to measure before $deadline, logging the go command's errors to $area.log;
# it fails with status 124 when the deadline passes.
prepare() {
	local name=$1 deps=$2 t mod dir dropped=
	if [ ! -e "$area/.bench-copied" ]; then
		note "$name: copying the module into $area"
		rm -rf "$area" && mkdir -p "$area" && cp -r "$src/." "$area" && chmod -R u+w "$area"
		while read -r mod dir; do
			[ -z "$mod" ] || [ -e "$area/$dir/go.mod" ] && continue
			note "$name: $dir is not in the module zip; using the $mod that go.mod requires, from the proxy"
			(cd "$area" && go mod edit -dropreplace="$mod")
			dropped+=" $mod"
		done < <(cd "$area" && local_replaces)
		touch "$area/.bench-copied"
	fi
	cd "$area"
	note "$name: downloading its dependencies (go mod download)"
	t=$(left) && timeout "$t" go mod download >>"$area.log" 2>&1 || return
	if [ -n "$dropped" ]; then # records the required versions' sums in go.sum
		t=$(left) && timeout "$t" go mod download $dropped >>"$area.log" 2>&1 || return
	fi
	if [ "$deps" = vendor ] && [ ! -e .bench-vendored ]; then
		note "$name: vendoring its dependencies (go mod vendor)"
		t=$(left) && GOFLAGS= timeout "$t" go mod vendor >>"$area.log" 2>&1 || return
		touch .bench-vendored
	fi
	export GOFLAGS=-mod=$deps
	# Assets a module generates before embedding them (a web UI's build output) are not in its zip: a //go:embed
	# of a directory that is missing gets an empty placeholder file, so that the package builds.
	go list -e -f '{{with .Error}}{{$.Dir}} {{.Err}}{{end}}' ./... 2>>"$area.log" |
		sed -n 's/^\([^ ]*\) pattern \([^*?[]*\): no matching files found$/\1 \2/p' | while read -r dir pattern; do
			note "$name: $dir embeds $pattern, which the module generates and its zip leaves out: embedding a placeholder"
			mkdir -p "$dir/$pattern" && : >"$dir/$pattern/bench-placeholder"
		done
	note "$name: compiling the export data of every package (go list -export -deps; long the first time)"
	t=$(left) && timeout "$t" nice -n 10 go list -export -deps ./... >/dev/null 2>>"$area.log" || return
}
# measure label command...: prints "cpu rss" (seconds, MB) of the median run.
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
while read -r name modver deps limit; do
	[ -n "$name" ] || continue
	deps=${deps:-mod} limit=${limit:-$PREPARE_TIMEOUT}
	how=
	[ "$deps" = vendor ] && how=", vendored"
	echo "$name ($modver$how)"
	area=$BENCH_CACHE/$name@${modver##*@}
	# One bench run at a time in an area: another would rewrite the service's files under the tools.
	mkdir -p "$BENCH_CACHE"
	exec 9>"$area.lock"
	if ! flock -n 9; then
		note "$name: waiting for another bench run that uses $area"
		flock 9
	fi
	start=$(date +%s) deadline=$(($(date +%s) + limit))
	note "$name: downloading $modver"
	if ! src=$(timeout "$limit" go mod download -json "$modver" 2>/dev/null | sed -n 's/^\t"Dir": "\(.*\)",$/\1/p') ||
		[ -z "$src" ]; then
		echo "  skipped: the module proxy did not serve $modver"
		continue
	fi
	if (prepare "$name" "$deps"); then :; else
		if [ $? = 124 ]; then
			echo "  skipped: its preparation (download, vendoring, export data) did not finish within ${limit}s;"
		else
			echo "  skipped: its preparation failed: $(tail -1 "$area.log" 2>/dev/null)"
		fi
		echo "  what was done is kept in $area and a re-run continues from it"
		continue
	fi
	prep=$(($(date +%s) - start))
	note "$name: prepared in $prep s"
	if [ -n "${PREPARE_ONLY:-}" ]; then
		echo "  prepared in $prep s ($area)"
		continue
	fi
	(
		cd "$area"
		export GOFLAGS=-mod=$deps
		lines=$(find "$src" -name '*.go' -not -name '*_test.go' -print0 | xargs -0 cat | wc -l)
		pkgs=$(go list -deps ./... | wc -l)
		read -r bc_cpu bc_mem < <(measure blockcheck "$BLOCKCHECK" ./...)
		read -r sc_cpu sc_mem < <(measure staticcheck sh -c 'XDG_CACHE_HOME=$(mktemp -d -p "$1") exec "$2" -tests=false ./...' sh "$work" "$STATICCHECK")
		note "$name: running go vet and go vet -vettool once untimed (dependencies' analysis into the build cache)"
		vet_start=$(date +%s)
		nice -n 10 go vet ./... >/dev/null 2>&1 || true
		nice -n 10 go vet -vettool="$BLOCKCHECK" ./... >/dev/null 2>&1 || true
		vet_warm=$(($(date +%s) - vet_start))
		read -r vet_cpu vet_mem < <(measure "go vet" go vet ./...)
		read -r vt_cpu vt_mem < <(measure "vet -vettool" go vet -vettool="$BLOCKCHECK" ./...)
		restore
		printf '  %d lines of Go, %d packages in the graph\n' "$lines" "$pkgs"
		printf '  prepared in %d s, go vet warm-up %d s (untimed; %s)\n' "$prep" "$vet_warm" "$area"
		printf '  %-14s cpu %7.1f s   peak %7.0f MB\n' blockcheck "$bc_cpu" "$bc_mem" staticcheck "$sc_cpu" "$sc_mem" \
			"go vet" "$vet_cpu" "$vet_mem" "vet -vettool" "$vt_cpu" "$vt_mem"
		awk -v a="$bc_cpu" -v b="$sc_cpu" -v c="$bc_mem" -v d="$sc_mem" -v e="$vt_cpu" -v f="$vet_cpu" 'BEGIN {
			printf "  blockcheck/staticcheck: cpu %.2fx, memory %.2fx;  vet -vettool/go vet: cpu %.2fx\n", a / b, c / d, e / f }'
		echo "$lines $bc_cpu $bc_mem $name $pkgs" >"$work/curve-$name"
	)
	exec 9>&-
done <<<"$SERVICES"
# The cost follows the code built (the service and the bodies of the dependencies it imports directly) more than
# the service's own lines, so the packages in the graph are printed beside them.
echo "scaling (blockcheck, own lines of Go -> CPU and peak memory)"
{ cat "$work"/curve-* 2>/dev/null || true; } | sort -n | awk '{
	printf "  %-13s %8d lines %5d packages   cpu %7.1f s (%.2f s per 10k lines)   peak %7.0f MB (%.0f MB per 10k lines)\n",
		$4, $1, $5, $2, $2 * 10000 / $1, $3, $3 * 10000 / $1 }'
