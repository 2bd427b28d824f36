#!/bin/sh
# Runs every go fuzz target in the tree for the given number of seconds
# (5 in CI, 60 with make fuzz). go test -fuzz takes one target at a time.
# -fuzzminimizetime=1s: go minimizes each new interesting input for up to
# 60 s by default, counting no executions meanwhile, and a 5 s run that
# ends inside such a minimization fails with "context deadline exceeded".
set -eu
secs=${1:-5}
grep -rl --include='*_test.go' '^func Fuzz' cmd bsd hostnameif ifstated internal 2>/dev/null |
while read -r file; do
	pkg=./$(dirname "$file")
	for target in $(sed -n 's/^func \(Fuzz[A-Za-z0-9_]*\)(.*/\1/p' "$file"); do
		echo "fuzz: $pkg $target ${secs}s"
		# A crasher is written to testdata/fuzz and fails every run after
		# it; a fuzz worker lost under load does not: show the first
		# failure, and fail only if a second run fails too.
		log=$(mktemp)
		if ! go test -run='^$' -fuzz="^$target\$" -fuzztime="${secs}s" -fuzzminimizetime=1s "$pkg" >"$log" 2>&1; then
			tail -n 30 "$log"
			echo "fuzz: $pkg $target failed; running it once more"
			go test -run='^$' -fuzz="^$target\$" -fuzztime="${secs}s" -fuzzminimizetime=1s "$pkg" >"$log" 2>&1 ||
				{ tail -n 30 "$log"; rm -f "$log"; echo "fuzz: $pkg $target failed; rerun: go test -run='^\$' -fuzz='^$target\$' $pkg"; exit 1; }
		fi
		rm -f "$log"
	done
done
