# Sourced by fuzz.sh and testing-report.sh. fuzz_targets prints every go
# fuzz target in the tree as DIR TARGET lines; fuzz_target PKG TARGET
# SECONDS LOG fuzzes one and leaves go test's output of its last try in LOG.
# go1.26's coordinator can fail a clean run at the -fuzztime deadline with a
# bare "context deadline exceeded" and no input written (go.dev/issue/75804,
# fixed in go1.27). In CI here it hit about one run in 14, so a single retry
# would still fail CI about one time in 30: such a run is made up to 3 more
# times. Any other failure counts at once.
# -fuzzminimizetime=1s: go minimizes each new interesting input for up to
# 60 s by default, running nothing new meanwhile: too long for 5 s runs.
fuzz_targets() {
	grep -rl --include='*_test.go' '^func Fuzz' cmd bsd hostnameif ifstated internal 2>/dev/null | sort |
		while read -r file; do
			sed -n "s|^func \(Fuzz[A-Za-z0-9_]*\)(.*|$(dirname "$file") \1|p" "$file"
		done
}

fuzz_target() {
	_try=1
	until go test -run='^$' -fuzz="^$2\$" -fuzztime="$3s" -fuzzminimizetime=1s "$1" >"$4" 2>&1; do
		if [ "$_try" -ge 4 ] || ! grep -q '^    context deadline exceeded$' "$4" ||
			grep -q 'Failing input written' "$4"; then
			return 1
		fi
		_try=$((_try + 1))
		echo "fuzz: $1 $2: the coordinator's deadline race, no input written; try $_try of 4"
	done
}
