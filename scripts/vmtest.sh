#!/bin/bash
# make vmtest [T=<pattern>]: build the modules, boot ONE VM, run the
# selected VM tests in it one after another, report TAP and counts.
#
# Tests are the executable files tests/<module>/<name>.sh (tests/harness/
# holds the harness, not tests). T selects by substring or shell glob
# against "<module>/<name>" (or "tests/<module>/<name>.sh"); several
# patterns may be separated by blanks or commas; empty = all.
#
# Env: T, SCST_COUNTS_FILE (gets "<passed> <failed> <skipped>", the
# make-check stage contract), SCST_VM_TIMEOUT (whole-VM bound; default the
# sum of the tests' timeouts plus boot margin), SCST_CACHE, KVER.
# Exit status: 0 if nothing failed; 1 if a test point failed, the build
# failed, or the VM timed out or died.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

passed=0 failed=0 skipped=0
finish() {
	[[ -z ${SCST_COUNTS_FILE:-} ]] || echo "$passed $failed $skipped" >"$SCST_COUNTS_FILE"
	echo "vmtest: $passed passed, $failed failed, $skipped skipped"
	exit "$1"
}
t_start=$SECONDS

# --- select -------------------------------------------------------------------
sel=()
pats=()
IFS=', ' read -r -a pats <<<"${T:-}"
for f in tests/*/*.sh; do
	[[ -f $f && -x $f && $f != tests/harness/* ]] || continue
	name=${f#tests/}
	name=${name%.sh}
	if ((${#pats[@]} == 0)); then
		sel+=("$name")
		continue
	fi
	for p in "${pats[@]}"; do
		# shellcheck disable=SC2053 # $p is a pattern on purpose
		if [[ $name == *$p* || $f == *$p* ]]; then
			sel+=("$name")
			break
		fi
	done
done
if ((${#sel[@]} == 0)); then
	avail=$(find tests -mindepth 2 -maxdepth 2 -name '*.sh' -perm -u+x ! -path 'tests/harness/*' |
		sed 's|^tests/||; s|\.sh$||' | sort | paste -sd' ')
	echo "vmtest: no test matches T='${T:-}' (tests: ${avail:-none})"
	finish 0
fi
echo "vmtest: ${#sel[@]} test(s): ${sel[*]}"

# --- build ----------------------------------------------------------------------
# Always: kbuild is incremental, and a stale .ko would test old code.
if ! make -s modules SCST_BENCH=y; then
	echo "vmtest: FAIL: make modules failed"
	failed=1
	finish 1
fi
kos=$(compgen -G '*/*.ko' | paste -sd' ')
if [[ -z $kos ]]; then
	echo "vmtest: FAIL: make modules built no */*.ko"
	failed=1
	finish 1
fi

# --- run ------------------------------------------------------------------------
# Whole-VM bound: every test's own timeout (the harness kills a test at its
# timeout) plus 30 s each for the harness and 180 s for boot and teardown.
budget=180
args=()
for name in "${sel[@]}"; do
	tmo=$(sed -n '1,30{s/^#[[:space:]]*timeout:[[:space:]]*\([0-9]\+\).*/\1/p}' "tests/$name.sh" | tail -n 1)
	budget=$((budget + ${tmo:-300} + 30))
	args+=("$name.sh")
done
vmtmo=${SCST_VM_TIMEOUT:-$budget}

cache=${SCST_CACHE:-$top/.cache}/vm
mkdir -p "$cache/runs"
rundir=$(mktemp -d "$cache/runs/$(date +%Y%m%d-%H%M%S)-vmtest-XXXX")
ln -sfn "runs/${rundir##*/}" "$cache/last"
out=$rundir/out

# vm.sh runs in the background so that a TERM to this script can be passed
# on (vm.sh then stops qemu); Ctrl-C reaches all of us through the terminal.
# Background jobs of a script start with SIGINT ignored, and bash cannot
# trap a signal ignored on entry: env --default-signal gives it back.
vmpid=
on_signal() {
	echo "vmtest: interrupted, stopping the VM"
	[[ -z $vmpid ]] || { kill -TERM "$vmpid" 2>/dev/null; wait "$vmpid"; }
	failed=$((failed + 1))
	finish 130
}
trap on_signal INT TERM HUP

# slab_nomerge: our kmem caches keep their names in /proc/slabinfo instead
# of being merged into look-alike caches (the leak checks rely on it).
env --default-signal=INT scripts/vm/vm.sh -r "$rundir" -t "$vmtmo" -a slab_nomerge \
	-- "$top/tests/harness/run-in-guest.sh" "${args[@]}" &
vmpid=$!
wait "$vmpid"
vmrc=$?
vmpid=
status=$(cat "$rundir/status" 2>/dev/null)

# --- count ------------------------------------------------------------------------
# Over every test's tap (the test's own lines and the harness's): "ok"
# passes, "not ok" fails, either with "# SKIP" (or a "# TODO" not ok)
# is skipped, a "1..0 # SKIP" plan with no points is one skip.
summary=()
for name in "${sel[@]}"; do
	tap=$out/tests/$name/tap
	p=0 f=0 s=0 ended=0 points=0
	if [[ -f $tap ]]; then
		while IFS= read -r line; do
			case $line in
			"ok "*"# SKIP"* | "ok "*"# skip"* | "not ok"*"# TODO"*) s=$((s + 1)) points=$((points + 1)) ;;
			"ok "* | ok) p=$((p + 1)) points=$((points + 1)) ;;
			"not ok"*) f=$((f + 1)) points=$((points + 1)) ;;
			"1..0"*"SKIP"*) s=$((s + 1)) ;;
			"# end $name "*) ended=1 ;;
			esac
		done <"$tap"
	fi
	if [[ ! -f $tap ]]; then
		echo "not ok - $name: not run (the VM ended before it)"
		f=$((f + 1))
	elif ((!ended)); then
		echo "not ok - $name: did not finish (the VM ended while it ran)"
		f=$((f + 1))
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	summary+=("$(printf '  %-32s %3d passed, %d failed, %d skipped' "$name" "$p" "$f" "$s")")
done

vm_failed=0
case $status in
"exit "*) ;;
timeout)
	echo "vmtest: FAIL: the VM hit its hard timeout ($vmtmo s) and was killed"
	vm_failed=1 ;;
*)
	echo "vmtest: FAIL: the VM ended without reporting a status (kernel panic or qemu error; vm.sh exit $vmrc)"
	vm_failed=1 ;;
esac
if ((vm_failed)); then
	failed=$((failed + 1))
	echo "vmtest: last lines of the console log $rundir/console.log:"
	tail -n 40 "$rundir/console.log" | sed 's/^/  | /'
elif ((vmrc != 0 && failed == 0)); then
	echo "vmtest: FAIL: the guest runner exited with status $vmrc but no test point failed"
	failed=$((failed + 1))
fi

echo "vmtest: per test:"
printf '%s\n' "${summary[@]}"
echo "vmtest: results in $out (console log: $rundir/console.log), $((SECONDS - t_start)) s"
((failed == 0)) && finish 0
finish 1
