#!/bin/sh
# Runs every go fuzz target in the tree for the given number of seconds
# (5 in CI, 60 with make fuzz). go test -fuzz takes one target at a time.
# -fuzzminimizetime=1s: go minimizes each new interesting input for up to
# 60 s by default, running nothing new meanwhile: too long for 5 s runs.
# go1.26's coordinator can fail a clean run at the -fuzztime deadline with a
# bare "context deadline exceeded" and no input written (go.dev/issue/75804,
# fixed in go1.27): such a run is made once more; any other failure counts.
set -eu
secs=${1:-5}
fuzz_once() { # PKG TARGET LOG
	go test -run='^$' -fuzz="^$2\$" -fuzztime="${secs}s" -fuzzminimizetime=1s "$1" >"$3" 2>&1
}
coordinator_deadline() { # LOG: failed with only go.dev/issue/75804's message
	grep -q '^    context deadline exceeded$' "$1" && ! grep -q 'Failing input written' "$1"
}
grep -rl --include='*_test.go' '^func Fuzz' cmd bsd hostnameif ifstated internal 2>/dev/null |
while read -r file; do
	pkg=./$(dirname "$file")
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		echo "fuzz: $pkg $target ${secs}s"
		log=$(mktemp)
		if ! fuzz_once "$pkg" "$target" "$log"; then
			tail -n 30 "$log"
			if coordinator_deadline "$log"; then
				echo "fuzz: $pkg $target: the coordinator's deadline race, no input written; once more"
				fuzz_once "$pkg" "$target" "$log" || { tail -n 30 "$log"; false; }
			else
				false
			fi || { rm -f "$log"; echo "fuzz: $pkg $target failed; rerun: go test -run='^\$' -fuzz='^$target\$' $pkg"; exit 1; }
		fi
		rm -f "$log"
	done
done
