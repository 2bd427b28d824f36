#!/bin/sh
# make bench: measure what gifctl costs and how fast it brings IPv6 back,
# and write BENCHMARKS.md (the harness is internal/bench). Run as
# root from the source tree, after make gifctl (the Makefile's bench
# target does both): it builds network namespaces and sends ICMP.
# Arguments go to the harness: sh scripts/bench.sh -quick tries it out.
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: needs root: network namespaces, raw sockets" >&2
	exit 1
fi
[ -x ./gifctl ] || { echo "bench: ./gifctl is missing: run make gifctl" >&2; exit 1; }
sh scripts/deps.sh
# Peak RSS is read with GNU time(1); without it the harness falls back to
# a helper of its own whose figures include ~2.5 MB of its own.
if [ ! -x /usr/bin/time ] && command -v apt-get >/dev/null 2>&1; then
	echo "bench: installing time"
	export DEBIAN_FRONTEND=noninteractive
	{ apt-get update -qq && apt-get install -y -qq --no-install-recommends time >/dev/null; } ||
		echo "bench: could not install time(1); going on without it" >&2
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM
"$GO" build -o "$tmp/benchgifctl" ./internal/bench/cmd/benchgifctl
"$tmp/benchgifctl" -gifctl ./gifctl -out BENCHMARKS.md -go "$GO" -command "make bench" "$@"
