#!/bin/bash
# make check stage "tools": build the user-space tools (tools/) and run
# their tests, which need no kernel: abi_test (the scst_user ABI),
# header_alone (the uapi header on its own, C11 -pedantic-errors),
# exec_test (scst_fileio's SCSI execution) and loop_test (libscstuser's
# get/reply loop against a fake kernel).
#
# Every "ok"/"not ok" line a test prints is one test point; a test binary
# that fails to build, or exits non-zero without a "not ok", counts as one
# failure. Writes "<passed> <failed> <skipped>" to $SCST_COUNTS_FILE.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top/tools" || exit 1

passed=0 failed=0
finish() {
	[[ -z ${SCST_COUNTS_FILE:-} ]] || echo "$passed $failed 0" >"$SCST_COUNTS_FILE"
	echo "tools: $passed passed, $failed failed, 0 skipped"
	exit $((failed ? 1 : 0))
}

if ! make -s all; then
	echo "tools: FAIL: make -C tools failed"
	failed=1
	finish
fi

run() {
	local name=$1 out rc p f
	shift
	out=$("$@" 2>&1)
	rc=$?
	printf '%s\n' "$out" | sed "s/^/$name: /"
	p=$(grep -c '^ok' <<<"$out")
	f=$(grep -c '^not ok' <<<"$out")
	if ((rc != 0 && f == 0)); then
		echo "$name: FAIL: exit status $rc"
		f=1
	fi
	((passed += p, failed += f))
}

run abi_test tests/abi_test
run header_alone tests/header_alone --check
run exec_test tests/exec_test
run loop_test tests/loop_test
finish
