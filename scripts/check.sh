#!/bin/bash
# make check: every stage CI runs, timed, with one summary line at the end.
#
# Stage contract: a stage script prints what it does, exits non-zero when
# anything failed, and writes "<passed> <failed> <skipped>" to the file named
# by $SCST_COUNTS_FILE. A stage that dies before writing its counts is
# counted as one failure.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

total_pass=0 total_fail=0 total_skip=0 rc=0
times=()
counts=$(mktemp)
trap 'rm -f "$counts"' EXIT

stage() {
	local name=$1
	shift
	local t0=$SECONDS pass fail skip status
	echo "=== stage $name: $*"
	: >"$counts"
	SCST_COUNTS_FILE=$counts "$@"
	status=$?
	if read -r pass fail skip <"$counts" 2>/dev/null && [[ -n ${skip:-} ]]; then
		:
	else
		pass=0 fail=0 skip=0
		((status == 0)) && pass=1
	fi
	if ((status != 0 && fail == 0)); then
		fail=1
	fi
	((total_pass += pass, total_fail += fail, total_skip += skip))
	((status != 0)) && rc=1
	times+=("$(printf '%-8s %5ds  %d passed, %d failed, %d skipped' \
		"$name" $((SECONDS - t0)) "$pass" "$fail" "$skip")")
	echo "=== stage $name: $((SECONDS - t0))s, $pass passed, $fail failed, $skip skipped"
}

build() {
	make -s modules && { [[ -z ${SCST_COUNTS_FILE:-} ]] || echo "1 0 0" >"$SCST_COUNTS_FILE"; }
}

stage deps scripts/deps.sh
stage build build
stage tools scripts/tools-test.sh
stage lint scripts/lint.sh
stage kunit scripts/kunit.sh
# The same suites on 2 CPUs with preemption (x86_64 under qemu): UML has
# one CPU and cannot preempt, so races and sleeping-in-atomic show here.
stage kunit-smp env SCST_KUNIT_ARCH=x86_64 scripts/kunit.sh
stage vmtest scripts/vmtest.sh

echo "=== stage times"
printf '%s\n' "${times[@]}"
echo "total ${SECONDS}s"
echo "$total_pass passed, $total_fail failed, $total_skip skipped"
exit $rc
