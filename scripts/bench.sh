#!/bin/bash
# make bench B=<name>: build the modules with the benchmark modules
# (SCST_BENCH=y), boot the VM and run bench/<name>/run.sh inside it.
#
# Contract for bench/<name>/run.sh (runs in the guest):
#   - runs as root, cwd = the project top ($SCST_TOP, same path as on the
#     host); may source tests/harness/lib.sh for scst_load & co. and loads
#     the modules it needs itself (from the build tree);
#   - $SCST_RESULTS is a writable, empty directory kept on the host (its
#     path is printed at the end); put raw data (fio JSON, ...) there;
#   - prints its result lines on stdout; bench.sh relays everything the
#     script prints (also saved as $SCST_RESULTS/bench.log);
#   - exit status 0 = the benchmark ran; a "# timeout: SECONDS" comment
#     among its first 30 lines bounds the VM (default 3600).
# The kernel log is saved as $SCST_RESULTS/dmesg and scanned like a VM
# test's: a WARNING, BUG, lockdep report etc. makes bench.sh fail, since
# figures from a kernel in trouble mean nothing. Run benchmarks one at a
# time: two VMs on 2 cores distort every figure.
#
# Env: B, SCST_VM_MEM, SCST_VM_SMP, SCST_VM_TIMEOUT; SCST_BENCH_* variables
# are passed to the guest (the benchmark's own settings).
# Exit status: the bench's, 1 if the kernel log was not clean, 2 for usage.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

B=${B:-}
if [[ -z $B || ! -f bench/$B/run.sh ]]; then
	[[ -z $B ]] && echo "bench: say which benchmark: make bench B=<name>" >&2 ||
		echo "bench: no benchmark '$B' (bench/$B/run.sh does not exist)" >&2
	list=$(compgen -G 'bench/*/run.sh' | sed 's|^bench/||; s|/run.sh$||' | sort | paste -sd' ')
	echo "bench: available: ${list:-none yet (a benchmark is bench/<name>/run.sh)}" >&2
	exit 2
fi
[[ -x bench/$B/run.sh ]] || { echo "bench: bench/$B/run.sh is not executable" >&2; exit 2; }

make -s modules SCST_BENCH=y

tmo=$(sed -n '1,30{s/^#[[:space:]]*timeout:[[:space:]]*\([0-9]\+\).*/\1/p}' "bench/$B/run.sh" | tail -n 1)
# Guest side: console quiet (errors only), run, save and scan the log.
guest=$(
	cat <<'EOF'
. tests/harness/lib.sh
echo 4 >/proc/sys/kernel/printk
/bin/busybox dmesg -c >"$SCST_RESULTS/boot.dmesg"
"bench/$SCST_BENCH_NAME/run.sh" </dev/null 2>&1 | tee "$SCST_RESULTS/bench.log"
rc=${PIPESTATUS[0]}
/bin/busybox dmesg -c >"$SCST_RESULTS/dmesg"
if ! scan=$(scst_klog_scan "$SCST_RESULTS/dmesg"); then
	echo "bench: FAIL: the kernel log has: $(sed -n '/^--$/q; p' <<<"$scan" | paste -sd' ')"
	sed '1,/^--$/d; s/^/bench:   /' <<<"$scan"
	((rc)) || rc=1
fi
exit "$rc"
EOF
)
cache=${SCST_CACHE:-$top/.cache}/vm
mkdir -p "$cache/runs"
rundir=$(mktemp -d "$cache/runs/$(date +%Y%m%d-%H%M%S)-bench-$B-XXXX")
ln -sfn "runs/${rundir##*/}" "$cache/last"
# In the background so that a TERM to this script reaches vm.sh, which then
# stops qemu; env --default-signal lets vm.sh trap Ctrl-C (see vmtest.sh).
# The benchmark's own knobs (SCST_BENCH_RUNTIME, ...) reach the guest.
envs=(-e "SCST_BENCH_NAME=$B")
while IFS= read -r v; do
	[[ $v == SCST_BENCH_NAME ]] || envs+=(-e "$v=${!v}")
done < <(compgen -e | grep '^SCST_BENCH_')
vmpid=''
trap 'echo "bench: interrupted, stopping the VM"; [[ -z $vmpid ]] || { kill -TERM "$vmpid"; wait "$vmpid"; }; exit 130' INT TERM HUP
env --default-signal=INT "$top/scripts/vm/vm.sh" -r "$rundir" \
	-t "${SCST_VM_TIMEOUT:-$((${tmo:-3600} + 180))}" "${envs[@]}" -C "$guest" &
vmpid=$!
rc=0
wait "$vmpid" || rc=$?
vmpid=''
echo "bench: $B: exit status $rc; results in $rundir/out"
exit "$rc"
