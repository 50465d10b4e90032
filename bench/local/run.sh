#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 1800
#
# make bench B=local: SCST-NG's scst_local against LIO's tcm_loop and
# scsi_debug, in one VM boot (runs in the guest, see scripts/bench.sh).
#
# Jobs (fio, libaio, iodepth 32, 2 jobs, direct, time based, group
# reporting): randread-4k, randwrite-4k, seqread-128k (each job reads its
# own half of the disk). Configurations:
#   nullio  scst-ng   scst_local + vdisk_nullio, device queue_depth 64
#           lio       tcm_loop + rd_mcp rd_nullio=1 (raw configfs)
#           scsi_debug delay=0 fake_rw=1 (the midlayer's floor)
#   fileio  scst-ng   scst_local + vdisk_fileio  } on the same file in a
#           lio       tcm_loop + fileio (buffered) } tmpfs
# Each configuration is set up, measured and torn down (LIO's modules
# unloaded, SCST-NG's target and device removed) before the next; the
# whole sequence runs SCST_BENCH_ROUNDS times, the order reversed every
# other round, and the median of the rounds is reported:
#   randread-4k nullio: scst-ng 45.1k IOPS, lio 20.3k IOPS, scsi_debug 30.0k IOPS, ratio 2.22x
# ratio = SCST-NG / LIO. Raw fio JSON, a per-run TSV (runs.tsv) and the
# summary (summary.txt) go to $SCST_RESULTS.
#
# Env: SCST_BENCH_RUNTIME (seconds per job, default 15),
#      SCST_BENCH_ROUNDS (default 3),
#      SCST_BENCH_TARGETS (default "scst-ng lio scsi_debug"),
#      SCST_BENCH_BACKINGS (default "nullio fileio"),
#      SCST_BENCH_FILE_MB (fileio file size, default 256).
# Exit status: 0 if every configuration was set up and measured, else 1
# (the table is printed either way, a failed cell as "failed").
set -uo pipefail
cd "${SCST_TOP:-$(dirname "$0")/../..}" || exit 1
SCST_RESULTS=${SCST_RESULTS:-/tmp/bench-local}
mkdir -p "$SCST_RESULTS"

# shellcheck source=tests/harness/lib.sh
. tests/harness/lib.sh
# shellcheck source=tests/harness/scst_local.sh
. tests/harness/scst_local.sh
# shellcheck source=bench/local/lio.sh
. bench/local/lio.sh
# shellcheck source=bench/local/scsi_debug.sh
. bench/local/scsi_debug.sh

runtime=${SCST_BENCH_RUNTIME:-15}
rounds=${SCST_BENCH_ROUNDS:-3}
read -r -a targets <<<"${SCST_BENCH_TARGETS:-scst-ng lio scsi_debug}"
read -r -a backings <<<"${SCST_BENCH_BACKINGS:-nullio fileio}"
file_mb=${SCST_BENCH_FILE_MB:-256}
null_size=$((1 << 30))
jobs=(randread-4k randwrite-4k seqread-128k)
tmpfs=/run/scst-bench
file=$tmpfs/disk.img
failures=0

say() { echo "bench-local: $*" >&2; }
fail() {
	say "FAIL: $*"
	failures=$((failures + 1))
}

# ---- one configuration --------------------------------------------------------
# setup TARGET BACKING: make the disk; sets $disk. teardown TARGET BACKING.
setup() {
	disk=''
	case $1/$2 in
	scst-ng/nullio)
		scst_local_load || return 1
		scst_disk -v disk vdisk_nullio bench_null size=$null_size queue_depth=64
		;;
	scst-ng/fileio)
		scst_local_load || return 1
		scst_disk -v disk vdisk_fileio bench_file filename="$file"
		;;
	lio/nullio) lio_setup nullio "$null_size" && disk=$lio_disk ;;
	lio/fileio) lio_setup fileio "$file" $((file_mb << 20)) && disk=$lio_disk ;;
	scsi_debug/nullio) sdebug_setup "$null_size" && disk=$sdebug_disk ;;
	*)
		say "no configuration $1 on $2"
		return 1
		;;
	esac
	[[ -n $disk && -b /dev/$disk ]] || { say "$1 on $2 gave no disk ('$disk')"; return 1; }
}

teardown() {
	case $1 in
	scst-ng)
		scst_disk_del bench_null && scst_disk_del bench_file &&
			scst_unload scst_local scst_vdisk
		;;
	lio) lio_teardown ;;
	scsi_debug) sdebug_teardown ;;
	esac
}

# ---- fio ---------------------------------------------------------------------
# run_job JOB DISK OUT.json: prints the IOPS (reads + writes).
run_job() {
	local job=$1 dev=/dev/$2 out=$3 size
	local -a args=(--name="$job" --filename="$dev" --ioengine=libaio --iodepth=32
		--numjobs=2 --direct=1 --time_based --runtime="$runtime" --ramp_time=1
		--group_reporting --norandommap --randrepeat=0
		--output-format=json --output="$out")
	case $job in
	randread-4k) args+=(--rw=randread --bs=4k) ;;
	randwrite-4k) args+=(--rw=randwrite --bs=4k) ;;
	seqread-128k)
		read -r size <"/sys/block/$2/size"
		args+=(--rw=read --bs=128k --size=$((size * 512 / 2)) --offset_increment=$((size * 512 / 2)))
		;;
	esac
	fio "${args[@]}" >/dev/null 2>"$out.err" || { say "fio $job on $dev failed: $(tail -n 3 "$out.err")"; return 1; }
	fio_iops "$out"
}

# fio_iops JSON: read + write IOPS of the first (with group_reporting the
# only) job. fio 3 writes each figure on a line of its own, the job's
# "read" section before its "write" one; no jq needed in the guest.
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

# ---- the rounds --------------------------------------------------------------------
declare -A vals=() # "JOB BACKING TARGET" -> IOPS of each round, blank separated
scsi_prepare || exit 1
mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
mkdir -p "$tmpfs" && mount -t tmpfs -o size=$((file_mb + 64))m scst-bench "$tmpfs" || exit 1
# Written through once, so that neither target reads holes.
dd if=/dev/zero of="$file" bs=1M count="$file_mb" status=none || exit 1
printf 'round\tbacking\ttarget\tjob\tdisk\tqueue_depth\tiops\n' >"$SCST_RESULTS/runs.tsv"
say "$rounds rounds of ${#jobs[@]} jobs x ${runtime} s on: ${backings[*]} / ${targets[*]}"

for ((r = 1; r <= rounds; r++)); do
	order=("${targets[@]}")
	if ((r % 2 == 0)); then
		order=()
		for ((i = ${#targets[@]} - 1; i >= 0; i--)); do order+=("${targets[i]}"); done
	fi
	for b in "${backings[@]}"; do
		for t in "${order[@]}"; do
			[[ $b == fileio && $t == scsi_debug ]] && continue
			if ! setup "$t" "$b"; then
				fail "round $r: setting up $t on $b failed"
				teardown "$t" || fail "round $r: tearing down $t failed"
				continue
			fi
			qd=$(cat "/sys/block/$disk/device/queue_depth" 2>/dev/null)
			say "round $r: $t $b on /dev/$disk (sd queue_depth ${qd:-?})"
			for j in "${jobs[@]}"; do
				out=$SCST_RESULTS/r$r-$b-$t-$j.json
				if iops=$(run_job "$j" "$disk" "$out") && [[ $iops =~ ^[0-9.]+$ ]]; then
					vals["$j $b $t"]+=" $iops"
					printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$r" "$b" "$t" "$j" "$disk" "$qd" "$iops" >>"$SCST_RESULTS/runs.tsv"
				else
					fail "round $r: $j on $t $b gave no figure"
				fi
			done
			teardown "$t" || fail "round $r: tearing down $t failed"
		done
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

{
	for b in "${backings[@]}"; do
		for j in "${jobs[@]}"; do
			line="$j $b:" sep=' ' scst='' lio=''
			for t in "${targets[@]}"; do
				[[ $b == fileio && $t == scsi_debug ]] && continue
				# shellcheck disable=SC2086 # a list of figures
				if m=$(median ${vals["$j $b $t"]:-}); then
					line+="$sep$t $(kiops "$m") IOPS"
					[[ $t == scst-ng ]] && scst=$m
					[[ $t == lio ]] && lio=$m
				else
					line+="$sep$t failed"
				fi
				sep=', '
			done
			if [[ -n $scst && -n $lio ]]; then
				line+=", ratio $(awk -v s="$scst" -v l="$lio" 'BEGIN { printf "%.2fx", s / l }')"
			else
				line+=", ratio n/a"
			fi
			echo "$line"
		done
	done
} | tee "$SCST_RESULTS/summary.txt"

if ((failures)); then
	say "$failures failure(s), see above; medians are over the rounds that ran"
	exit 1
fi
exit 0
