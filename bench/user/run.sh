#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1800
#
# make bench B=user: SCST-NG's user-space handler (tools/fileio/scst_fileio
# over /dev/scst_user) against SCST-NG's in-kernel vdisk_fileio and against
# LIO's user backstore (TCMU + Debian's tcmu-runner), in one VM boot (runs
# in the guest, see scripts/bench.sh).
#
# Jobs (fio, libaio, iodepth 64, 2 jobs, direct, time based, group
# reporting, as bench/local's but at the issue's iodepth): randread-4k,
# randwrite-4k. Configurations, each on a tmpfs:
#   user    scst_local + scst_fileio (user space) } on the same raw file
#   kernel  scst_local + vdisk_fileio (in kernel)  }
#   kernel-threads  the same with cached_reads_inline=0: every command
#           goes through an I/O thread, as in SCST's vdisk_fileio (which
#           the issue's reference, fileio_tgt at 1.0x, was measured on)
#   tcmu    tcm_loop + TCMU, tcmu-runner's qcow handler on a preallocated
#           qcow2 image of the same size (Debian ships no plain file
#           handler for tcmu-runner)
# Queue depths: 2 jobs x 64 = 128 commands offered; scst_local's LUNs take
# 64 at a time (the core's device queue_depth), tcm_loop's 1024, so TCMU
# is never the one held back by the initiator side.
# Each configuration is set up, measured and torn down before the next
# (daemons stopped, modules unloaded); the whole sequence runs
# SCST_BENCH_ROUNDS times, the order reversed every other round, and the
# median of the rounds is reported, one line per comparison (these from
# one run under TCG on a busy 2-core host):
#   randread-4k user-vs-kernel: scst-ng-user 3.8k IOPS, vdisk_fileio 10.6k IOPS, ratio 0.36x
#   randread-4k user-vs-tcmu: scst-ng-user 3.8k IOPS, tcmu 2.8k IOPS, ratio 1.35x
#   randread-4k kernel-vs-tcmu: vdisk_fileio 10.6k IOPS, tcmu 2.8k IOPS, ratio 3.76x
# ratio = first / second. If the user handler cannot run here (scst_fileio
# or scst_user.ko not built) its comparisons are "# skipped: ..." lines
# saying why, and the others are still measured. Raw fio JSON, a per-run
# TSV (runs.tsv: IOPS and how busy the vCPUs were), the daemons' logs
# (scst_fileio's with its counters) and the summary (summary.txt) go to
# $SCST_RESULTS.
#
# Env: SCST_BENCH_RUNTIME (seconds per job, default 15),
#      SCST_BENCH_ROUNDS (default 3),
#      SCST_BENCH_TARGETS (default "user kernel kernel-threads tcmu"),
#      SCST_BENCH_FILE_MB (file and image size, default 256),
#      SCST_BENCH_IODEPTH (default 64), SCST_BENCH_NUMJOBS (default 2),
#      SCST_BENCH_USER_ARGS (options for scst_fileio, e.g. "-t 4"; default
#      none: its own defaults).
# Exit status: 0 if every configuration that can run here was set up and
# measured, else 1 (the table is printed either way, a failed cell as
# "failed").
set -uo pipefail
cd "${SCST_TOP:-$(dirname "$0")/../..}" || exit 1
SCST_RESULTS=${SCST_RESULTS:-/tmp/bench-user}
mkdir -p "$SCST_RESULTS"

# shellcheck source=tests/harness/lib.sh
. tests/harness/lib.sh
# shellcheck source=tests/harness/scst_local.sh
. tests/harness/scst_local.sh
# shellcheck source=bench/local/lio.sh
. bench/local/lio.sh
# shellcheck source=bench/user/proc.sh
. bench/user/proc.sh
# shellcheck source=bench/user/scst_user.sh
. bench/user/scst_user.sh
# shellcheck source=bench/user/tcmu.sh
. bench/user/tcmu.sh

runtime=${SCST_BENCH_RUNTIME:-15}
rounds=${SCST_BENCH_ROUNDS:-3}
read -r -a targets <<<"${SCST_BENCH_TARGETS:-user kernel kernel-threads tcmu}"
file_mb=${SCST_BENCH_FILE_MB:-256}
iodepth=${SCST_BENCH_IODEPTH:-64}
numjobs=${SCST_BENCH_NUMJOBS:-2}
read -r -a user_args <<<"${SCST_BENCH_USER_ARGS:-}"
jobs=(randread-4k randwrite-4k)
tmpfs=/run/scst-bench
file=$tmpfs/disk.img
image=$tmpfs/disk.qcow2
# How long a daemon may live: one configuration's jobs and then some.
daemon_secs=$(((runtime + 10) * ${#jobs[@]} + 300))
failures=0

say() { echo "bench-user: $*" >&2; }
fail() {
	say "FAIL: $*"
	failures=$((failures + 1))
}

# What the report calls each configuration.
declare -A label=([user]=scst-ng-user [kernel]=vdisk_fileio [kernel-threads]=vdisk_fileio-threads [tcmu]=tcmu)
inline_param=/sys/module/scst_vdisk/parameters/cached_reads_inline
for t in "${targets[@]}"; do
	[[ -n ${label[$t]:-} ]] || { say "unknown target '$t' (known: ${!label[*]})"; exit 1; }
done

# ---- one configuration --------------------------------------------------------
# setup TARGET ROUND: make the disk; sets $disk. teardown TARGET.
setup() {
	disk=''
	case $1 in
	user)
		# -v: its counters (ioctls, commands, replies) in the log at exit.
		user_setup bench_user "$file" "$SCST_RESULTS/scst_fileio-r$2.log" -v "${user_args[@]}" &&
			disk=$user_disk
		;;
	kernel | kernel-threads)
		scst_local_load || return 1
		# read when the device is enabled
		if [[ $1 == kernel-threads ]]; then echo 0 >"$inline_param"; else echo 1 >"$inline_param"; fi || return 1
		scst_disk -v disk vdisk_fileio bench_file filename="$file"
		;;
	tcmu) tcmu_setup "$image" $((file_mb << 20)) "$SCST_RESULTS/tcmu-r$2" && disk=$tcmu_disk ;;
	esac
	[[ -n $disk && -b /dev/$disk ]] || { say "${label[$1]} gave no disk ('$disk')"; return 1; }
}

teardown() {
	case $1 in
	user) user_teardown bench_user ;;
	kernel | kernel-threads) scst_disk_del bench_file && scst_unload scst_local scst_vdisk ;;
	tcmu) tcmu_teardown ;;
	esac
}

# ---- fio ---------------------------------------------------------------------
# run_job JOB DISK OUT.json: prints the IOPS (reads + writes).
run_job() {
	local job=$1 dev=/dev/$2 out=$3
	local -a args=(--name="$job" --filename="$dev" --ioengine=libaio --iodepth="$iodepth"
		--numjobs="$numjobs" --direct=1 --time_based --runtime="$runtime" --ramp_time=1
		--group_reporting --norandommap --randrepeat=0
		--output-format=json --output="$out")
	case $job in
	randread-4k) args+=(--rw=randread --bs=4k) ;;
	randwrite-4k) args+=(--rw=randwrite --bs=4k) ;;
	esac
	fio "${args[@]}" >/dev/null 2>"$out.err" || { say "fio $job on $dev failed: $(tail -n 3 "$out.err")"; return 1; }
	fio_iops "$out"
}

# fio_iops JSON: read + write IOPS of the first (with group_reporting the
# only) job; as in bench/local (fio 3 writes each figure on a line of its
# own, "read" before "write"; no jq in the guest).
fio_iops() {
	local line sum=0 n=0
	local -a lines
	mapfile -t lines <"$1"
	for line in "${lines[@]}"; do
		[[ $line =~ ^[[:space:]]*\"iops\"[[:space:]]*:[[:space:]]*([0-9.e+]+) ]] || continue
		sum=$(awk -v a="$sum" -v b="${BASH_REMATCH[1]}" 'BEGIN { printf "%.3f", a + b }')
		((++n == 2)) && break
	done
	((n == 2)) || { say "$1: no read and write IOPS in fio's output"; return 1; }
	echo "$sum"
}

# cpu_ticks VAR: "busy total" jiffies of all CPUs so far, from /proc/stat
# (idle and iowait are not busy): how busy the vCPUs were during each job
# goes to runs.tsv (cpu_busy), to tell a configuration that waits from
# one that burns the CPUs.
cpu_ticks() {
	local -a f
	read -r -a f </proc/stat
	local total=$((f[1] + f[2] + f[3] + f[4] + f[5] + f[6] + f[7] + f[8]))
	printf -v "$1" '%s %s' $((total - f[4] - f[5])) "$total"
}

# ---- what can run here ------------------------------------------------------------
declare -A skipped=() # TARGET -> why it cannot run here
run_targets=()
for t in "${targets[@]}"; do
	case $t in
	user) user_check || skipped[user]=$user_why ;;
	tcmu)
		command -v tcmu-runner >/dev/null || skipped[tcmu]="no tcmu-runner installed (scripts/deps.sh)"
		[[ -n ${skipped[tcmu]:-} ]] || command -v qemu-img >/dev/null || skipped[tcmu]="no qemu-img installed (scripts/deps.sh)"
		;;
	esac
	if [[ -n ${skipped[$t]:-} ]]; then
		say "${label[$t]} cannot run here: ${skipped[$t]}"
	else
		run_targets+=("$t")
	fi
done

# ---- the rounds --------------------------------------------------------------------
declare -A vals=() # "JOB TARGET" -> IOPS of each round, blank separated
cpu0='' cpu1=''
scsi_prepare || exit 1
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
# Room for the raw file and the qcow2 image (its metadata is well under
# 1% of it).
mkdir -p "$tmpfs" && mount -t tmpfs -o size=$((2 * file_mb + 64))m scst-bench "$tmpfs" || exit 1
# Written through once, so that nobody reads holes.
dd if=/dev/zero of="$file" bs=1M count="$file_mb" status=none || exit 1
if [[ " ${run_targets[*]} " == *" tcmu "* ]]; then
	# preallocation=full writes every cluster: no allocation during the
	# jobs, like the raw file.
	qemu-img create -q -f qcow2 -o preallocation=full "$image" "${file_mb}M" ||
		{ say "qemu-img create $image failed"; exit 1; }
fi
printf 'round\ttarget\tjob\tdisk\tqueue_depth\tiops\tcpu_busy\n' >"$SCST_RESULTS/runs.tsv"
say "$rounds rounds of ${#jobs[@]} jobs x ${runtime} s (iodepth $iodepth, $numjobs jobs) on: ${run_targets[*]:-nothing}"
((${#user_args[@]})) && say "scst_fileio options: ${user_args[*]}"

for ((r = 1; r <= rounds; r++)); do
	order=("${run_targets[@]}")
	if ((r % 2 == 0)); then
		order=()
		for ((i = ${#run_targets[@]} - 1; i >= 0; i--)); do order+=("${run_targets[i]}"); done
	fi
	for t in "${order[@]}"; do
		if ! setup "$t" "$r"; then
			fail "round $r: setting up ${label[$t]} failed"
			teardown "$t" || fail "round $r: tearing down ${label[$t]} failed"
			continue
		fi
		qd=$(cat "/sys/block/$disk/device/queue_depth" 2>/dev/null)
		say "round $r: ${label[$t]} on /dev/$disk (sd queue_depth ${qd:-?})"
		for j in "${jobs[@]}"; do
			out=$SCST_RESULTS/r$r-$t-$j.json
			cpu_ticks cpu0
			if iops=$(run_job "$j" "$disk" "$out") && [[ $iops =~ ^[0-9.]+$ ]]; then
				cpu_ticks cpu1
				busy=$(awk -v a="$cpu0" -v b="$cpu1" 'BEGIN { split(a, x); split(b, y)
					if (y[2] > x[2]) printf "%.0f%%", 100 * (y[1] - x[1]) / (y[2] - x[2]); else print "?" }')
				vals["$j $t"]+=" $iops"
				printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$t" "$j" "$disk" "$qd" "$iops" "$busy" >>"$SCST_RESULTS/runs.tsv"
			else
				fail "round $r: $j on ${label[$t]} gave no figure"
			fi
		done
		teardown "$t" || fail "round $r: tearing down ${label[$t]} failed"
	done
done
umount "$tmpfs"

# ---- the table ----------------------------------------------------------------------
# median VALUES...: the middle one, the mean of the two middle ones if even
median() {
	(($#)) || return 1
	printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) exit 1
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
kiops() { awk -v v="$1" 'BEGIN { printf "%.1fk", v / 1000 }'; }

# compare JOB A B: "JOB A-vs-B: <A> N IOPS, <B> N IOPS, ratio N.NNx", or a
# "# skipped:" line if A or B cannot run here.
compare() {
	local j=$1 a=$2 b=$3 line x m='' ma='' mb='' ok=1
	for x in "$a" "$b"; do
		[[ " ${targets[*]} " == *" $x "* ]] || return 0
		if [[ -n ${skipped[$x]:-} ]]; then
			echo "# skipped: $j $a-vs-$b: ${label[$x]} cannot run here: ${skipped[$x]}"
			return 0
		fi
	done
	line="$j $a-vs-$b:"
	for x in "$a" "$b"; do
		# shellcheck disable=SC2086 # a list of figures
		if m=$(median ${vals["$j $x"]:-}); then
			line+=" ${label[$x]} $(kiops "$m") IOPS,"
		else
			line+=" ${label[$x]} failed,"
			ok=0
		fi
		[[ $x == "$a" ]] && ma=$m || mb=$m
	done
	if ((ok)); then
		line+=" ratio $(awk -v a="$ma" -v b="$mb" 'BEGIN { printf "%.2fx", a / b }')"
	else
		line+=" ratio n/a"
	fi
	echo "$line"
}

{
	for j in "${jobs[@]}"; do
		compare "$j" user kernel
		compare "$j" user kernel-threads
		compare "$j" user tcmu
		compare "$j" kernel tcmu
	done
} | tee "$SCST_RESULTS/summary.txt"

if ((failures)); then
	say "$failures failure(s), see above; medians are over the rounds that ran"
	exit 1
fi
exit 0
