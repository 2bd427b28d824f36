#!/bin/sh
# Writes TESTING.md from what the tests count while they run: the
# reliability tests of the built binary (cmd/gifctl/reliability_*_test.go;
# they need root for their network namespaces and are skipped without),
# the unit tests listed in internal/faults/units.go, and every fuzz target
# for SECONDS (default 5). Exits 1 when anything failed; TESTING.md is
# written all the same and says what.
# Usage: sh scripts/testing-report.sh [SECONDS]
set -eu
secs=${1:-5}
# The tree tested, named before the run writes anything; the two reports
# are not the tree (make bench may have just written BENCHMARKS.md).
commit=$(git describe --always 2>/dev/null || echo unknown)
git diff --quiet HEAD -- . ':!TESTING.md' ':!BENCHMARKS.md' 2>/dev/null || commit=$commit-dirty
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
failed=0

echo "testing-report: reliability tests of the built binary"
GIFCTL_TESTING_REPORT=$work/entries.jsonl go test -count=1 -run '^TestReliability' ./cmd/gifctl || failed=1
touch "$work/entries.jsonl"

echo "testing-report: unit tests"
go run ./internal/faults/cmd/testingreport -units > "$work/units"
tab=$(printf '\t')
while IFS=$tab read -r pkg pattern; do
	go test -count=1 -json -run "$pattern" "$pkg" >> "$work/tests.json" || failed=1
done < "$work/units"

echo "testing-report: fuzz targets, ${secs}s each"
. "$(dirname "$0")/fuzzone.sh"
: > "$work/fuzz.tsv"
fuzz_targets > "$work/fuzztargets"
while read -r dir target; do
	seeds=0
	if [ -d "$dir/testdata/fuzz/$target" ]; then
		seeds=$(ls "$dir/testdata/fuzz/$target" | wc -l | tr -d ' ')
	fi
	result=ok
	fuzz_target "./$dir" "$target" "$secs" "$work/fuzz.log" || { result=FAIL; failed=1; cat "$work/fuzz.log"; }
	execs=$(sed -n 's/.*execs: \([0-9]*\).*/\1/p' "$work/fuzz.log" | tail -n 1)
	echo "fuzz: ./$dir $target: ${execs:-0} executions, $result"
	printf './%s\t%s\t%s\t%s\t%s\t%s\n' "$dir" "$target" "$seeds" "$secs" "${execs:-0}" "$result" >> "$work/fuzz.tsv"
done < "$work/fuzztargets"

go run ./internal/faults/cmd/testingreport -command "make testing-report" -commit "$commit" \
	-entries "$work/entries.jsonl" -tests "$work/tests.json" -fuzz "$work/fuzz.tsv" > "$work/TESTING.md"
mv "$work/TESTING.md" TESTING.md
echo "testing-report: wrote TESTING.md"
exit $failed
