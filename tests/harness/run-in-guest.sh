#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make vmtest`: run the given tests one after another in this
# VM, each under a timeout, and check the kernel log each one produced.
#
# usage: run-in-guest.sh TEST...     TEST relative to tests/, e.g. bus/load-unload.sh
#
# For each test NAME (the path without .sh), $SCST_RESULTS/tests/NAME/
# receives "tap" (the test's TAP plus the harness's own lines), "dmesg"
# (the kernel log produced while it ran) and whatever the test writes to
# $SCST_TEST_RESULTS. The harness adds, per test:
#   ok/not ok - NAME: kernel log clean / kernel log: <patterns>
#   not ok - NAME: timed out | exited with status N | planned N, ran M | no TAP
# and a last comment line "# end NAME ..." that the host uses to tell a
# finished test from one the VM died in.
# Exit status: 1 if any test point failed, else 0.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/harness/lib.sh
. "$here/lib.sh"
tests_dir=$SCST_TOP/tests
res=$SCST_RESULTS/tests
mkdir -p "$res"

# --- kernel settings for the run ----------------------------------------------
# Console: errors only, so test output is not drowned; the log buffer keeps
# everything. Hung tasks are reported after 30 s (not 120), every time; no
# panics: a report fails the test that caused it and the run goes on.
echo 4 >/proc/sys/kernel/printk
setk() { [[ -w /proc/sys/kernel/$1 ]] && echo "$2" >"/proc/sys/kernel/$1"; }
setk hung_task_timeout_secs 30
setk hung_task_warnings -1
setk hung_task_panic 0
setk softlockup_panic 0
setk panic_on_warn 0

# busybox dmesg -c reads and clears in one syscall: no line falls between.
if [[ -x /bin/busybox ]]; then
	klog_take() { /bin/busybox dmesg -c >"$1"; }
else
	klog_take() { dmesg >"$1" && dmesg -C; }
fi

# klog_report FILE ALLOW_ERE: nothing if the log is clean (status 0), else
# a "# kernel log: <patterns>" line and the evidence as TAP diagnostics.
klog_report() {
	local scan
	scan=$(scst_klog_scan "$1" "$2") && return 0
	echo "# kernel log: $(sed -n '/^--$/q; p' <<<"$scan" | paste -sd',' | sed 's/,/, /g')"
	echo "# first report (whole log: $1):"
	sed -n '1,/^--$/d; /^--$/q; s/^/#   /p' <<<"$scan"
	if [[ -n $(sed '1,/^--$/d; 1,/^--$/d' <<<"$scan") ]]; then
		echo "# further matching lines:"
		sed '1,/^--$/d; 1,/^--$/d; s/^/#   /' <<<"$scan"
	fi
	return 1
}

klog_take "$SCST_RESULTS/boot.dmesg"
# The boot log is the distribution kernel's, not ours: a note, not a failure.
if ! report=$(klog_report "$SCST_RESULTS/boot.dmesg" ""); then
	echo "# note: the boot log (not a test) has this ${report#\# }"
fi

# Taint bits that mean the kernel hit trouble: 4 machine check, 5 bad page,
# 7 oops (died), 9 warning, 14 soft lockup.
declare -A taint_name=([4]="M (machine check)" [5]="B (bad page)" [7]="D (oops)"
	[9]="W (warning)" [14]="L (soft lockup)")

overall=0

# header VALUE-NAME FILE: values of "# NAME: VALUE" lines among the first 30.
header() {
	local key=$1 file=$2 line n=0
	while IFS= read -r line && ((n++ < 30)); do
		[[ $line =~ ^#[[:space:]]*$key:[[:space:]]*(.*[^[:space:]]) ]] && echo "${BASH_REMATCH[1]}"
	done <"$file"
}

# Watchdog for a test that timeout(1) cannot kill (a task stuck in the
# kernel): record the failure and the blocked tasks, then power off. Pure
# bash (read -t on a pipe nobody writes) so killing it leaves nothing.
watchdog() {
	local name=$1 secs=$2 dir=$3 fd
	exec {fd}<> <(:)
	read -r -t "$secs" -u "$fd" && return
	{
		echo "not ok - $name: still running ${secs} s after it started; timeout could not kill it (stuck in the kernel?), powering off"
		echo w >/proc/sysrq-trigger # blocked tasks into the log
		klog_take "$dir/dmesg"
		klog_report "$dir/dmesg" "" || true
		echo "# end $name rc=watchdog"
	} | tee -a "$dir/tap"
	echo 1 >"$SCST_RESULTS/.vm-exit"
	sync
	echo o >/proc/sysrq-trigger
}

run_one() {
	local name=${1%.sh} f=$tests_dir/$1
	local dir=$res/$name tmo allow t0 rc secs wd
	mkdir -p "$dir"
	tmo=$(header timeout "$f" | tail -n 1)
	[[ $tmo =~ ^[0-9]+$ ]] || tmo=300
	allow=$(header dmesg-allow "$f" | paste -sd'|')

	local taint0 taint1
	read -r taint0 </proc/sys/kernel/tainted
	echo "# ---- $name (timeout ${tmo} s)"
	# No klog_take here: whatever the kernel logged since the previous
	# test's log was taken (late work of its module, say) is not dropped,
	# it lands in this test's log.
	watchdog "$name" $((tmo + 60)) "$dir" &
	wd=$!
	t0=${EPOCHREALTIME/./}
	SCST_TEST_RESULTS=$dir timeout -k 10 "$tmo" "$f" </dev/null 2>&1 | tee "$dir/tap"
	rc=${PIPESTATUS[0]}
	secs=$(((${EPOCHREALTIME/./} - t0) / 100000))
	secs=$((secs / 10)).$((secs % 10))
	kill "$wd" 2>/dev/null
	wait "$wd" 2>/dev/null
	klog_take "$dir/dmesg"
	read -r taint1 </proc/sys/kernel/tainted

	# What the test itself said.
	local line points=0 failed=0 planned='' skip_all=0
	while IFS= read -r line; do
		case $line in
		"ok "* | ok) points=$((points + 1)) ;;
		"not ok"*) points=$((points + 1)) failed=$((failed + 1)) ;;
		1..*)
			planned=${line#1..}
			planned=${planned%%[!0-9]*}
			[[ $line == "1..0"*"SKIP"* ]] && skip_all=1 ;;
		esac
	done <"$dir/tap"

	{
		if ((rc == 124 || rc == 137)); then
			echo "not ok - $name: timed out after $tmo s"
		elif ((rc != 0 && failed == 0)); then
			echo "not ok - $name: exited with status $rc without a failing test point"
		fi
		if ((rc == 124 || rc == 137)); then
			: # a timed-out test ran short of its plan: said already
		elif [[ -n $planned ]] && ((planned != points)); then
			echo "not ok - $name: planned $planned test points, ran $points"
		elif ((points == 0 && !skip_all)); then
			echo "not ok - $name: printed no TAP test point"
		fi

		local report bits b gained=
		bits=$(((taint0 ^ taint1) & taint1))
		for b in 4 5 7 9 14; do
			((bits >> b & 1)) && gained+="${gained:+, }${taint_name[$b]}"
		done
		if report=$(klog_report "$dir/dmesg" "$allow"); then
			if [[ -n $gained ]]; then
				echo "not ok - $name: kernel taint gained: $gained (but no matching log line)"
			else
				echo "ok - $name: kernel log clean"
			fi
		else
			line=${report%%$'\n'*} # "# kernel log: <patterns>"
			echo "not ok - $name: ${line#\# }"
			[[ -z $gained ]] || echo "# kernel taint gained: $gained"
			sed 1d <<<"$report"
		fi
		echo "# end $name rc=$rc time=${secs}s"
	} | tee -a "$dir/tap"
	grep -q '^not ok' "$dir/tap" && overall=1
	return 0
}

for t in "$@"; do
	if [[ ! -x $tests_dir/$t ]]; then
		echo "not ok - ${t%.sh}: $tests_dir/$t is not an executable file"
		overall=1
		continue
	fi
	run_one "$t"
done
exit "$overall"
