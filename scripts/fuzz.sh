#!/bin/sh
# Runs every go fuzz target in the tree for the given number of seconds
# (5 in CI, 60 with make fuzz). go test -fuzz takes one target at a time.
set -eu
secs=${1:-5}
. "$(dirname "$0")/fuzzone.sh"
fuzz_targets | while read -r dir target; do
	pkg=./$dir
	echo "fuzz: $pkg $target ${secs}s"
	log=$(mktemp)
	if ! fuzz_target "$pkg" "$target" "$secs" "$log"; then
		tail -n 30 "$log"
		rm -f "$log"
		echo "fuzz: $pkg $target failed; rerun: go test -run='^\$' -fuzz='^$target\$' $pkg"
		exit 1
	fi
	rm -f "$log"
done
