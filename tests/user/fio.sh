#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
#
# dev-user end to end: scst_fileio (tools/) serves a tmpfs file through
# /dev/scst_user; the device shows under handlers/scst_user/, is mapped to
# a tgt-local LUN by symlink, and fio writes random blocks with crc32c and
# reads them back verified (4k and 64k; each reuse mode). Then the handler
# is killed with SIGKILL while fio runs, several times: each time the
# cleanup must end (the log says "cleanup done" within its bound), fio must
# end with errors rather than hang, the orphaned LUN answer NOT READY, a
# restarted handler resume service on it, and at the end, with no LUN
# left, rmmod scst_user must work.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

fileio=$SCST_TOP/tools/fileio/scst_fileio
work=/run/user-fio
pid=''
kills=${SCST_USER_KILLS:-50}

stop_handler() {
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=''
}
cleanup() {
	stop_handler
	scst_target_del ufio >/dev/null 2>&1
	scst_unload scst_user scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

# start_handler NAME FILE [OPTS...]: scst_fileio in the background, ready
start_handler() {
	local name=$1 file=$2 line i
	shift 2
	coproc FIO_H { exec "$fileio" "$@" "$name" "$file" 2>&1; }
	pid=$FIO_H_PID
	for ((i = 0; i < 100; i++)); do
		read -r -t 0.2 -u "${FIO_H[0]}" line || { kill -0 "$pid" 2>/dev/null && continue; break; }
		[[ $line == "scst_fileio: $name ready" ]] && return 0
	done
	echo "scst_fileio did not say it was ready (last line: ${line:-none})" >&2
	return 1
}

# fio_verify NAME DISK [FIO_ARGS...]: randwrite with crc32c, then verify
fio_verify() {
	local name=$1 disk=$2 out rc
	shift 2
	out=$(fio --name="$name" --filename="/dev/$disk" --ioengine=libaio --iodepth=16 --numjobs=1 \
		--direct=1 --rw=randwrite --bs=4k --size=16M --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --verify_backlog=0 --randrepeat=0 "$@" 2>&1) && rc=0 || rc=$?
	if ((rc == 0)) && grep -q 'READ: bw=' <<<"$out" &&
		! grep -q -E 'verify.*(bad|failed)|err= *[1-9]' <<<"$out"; then
		ok "fio randwrite + crc32c verify: $name"
	else
		not_ok "fio randwrite + crc32c verify: $name"
		diag "fio exit status $rc"
		diag "$(tail -n 15 <<<"$out")"
	fi
}

plan $((16 + 2 * kills))

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
scst_load scst_user cleanup_step_ms=3000 || bail_out "cannot load scst_user"
[[ -c /dev/scst_user ]] || bail_out "no /dev/scst_user"
[[ -x $fileio ]] || bail_out "no $fileio (make -C tools)"
mkdir -p "$work" && mount -t tmpfs user-fio "$work" || bail_out "cannot mount a tmpfs"
truncate -s 64M "$work/disk.img"

# CMD_PARSE messages the user endpoint has been sent so far
parse_count() {
	local type sent rest
	while read -r type sent rest; do
		[[ $type == CMD_PARSE ]] && { echo "$sent"; return 0; }
	done <"$dbg/stats"
	echo 0
}
dbg=/sys/kernel/debug/scst/bus/user
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug

start_handler ufio "$work/disk.img" -t 4 || bail_out "scst_fileio did not start"
is "$(cat "$scst_cfs/handlers/scst_user/ufio/enable" 2>/dev/null)" 1 \
	"the device shows under handlers/scst_user/, enabled"
rmdir "$scst_cfs/handlers/scst_user/ufio" 2>/dev/null
check "rmdir of a user device's directory is refused" test -d "$scst_cfs/handlers/scst_user/ufio"

t=$scst_cfs/targets/scst_local/ufio
mkdir "$t" && scst_lun_add ufio 0 ufio || bail_out "cannot map the user device to a LUN"
scsi_hosts -v _scst_hosts_before
echo 1 >"$t/enable"
host=$(scst_disk_host ufio) && scsi_wait_disk -v disk "$host" 0 30 || bail_out "no /dev/sdX for the user device"
ok "the user device is /dev/$disk"

parses=$(parse_count)
fio_verify "4k, reuse none" "$disk"
fio_verify "64k, reuse none" "$disk" --bs=64k
is "$(parse_count)" "$parses" "parse type STANDARD: no command goes through PARSE"
stop_handler
start_handler ufio "$work/disk.img" -t 4 -m all || bail_out "scst_fileio -m all did not start"
fio_verify "4k, reuse all (restarted handler, same LUN)" "$disk"
fio_verify "64k, reuse all" "$disk" --bs=64k
stop_handler
start_handler ufio "$work/disk.img" -t 4 -u -p call -m read || bail_out "scst_fileio -u did not start"
parses=$(parse_count)
fio_verify "4k, REPLY_AND_GET_CMD, PARSE called, reuse read" "$disk"
fio_verify "64k, REPLY_AND_GET_CMD, PARSE called, reuse read" "$disk" --bs=64k
check "parse type CALL: commands go through PARSE" test "$(parse_count)" -gt $((parses + 4096))
stop_handler

# The orphan: no handler, the LUN answers NOT READY / 04 03.
out=$(sg_turs -v "/dev/$disk" 2>&1)
check "an orphaned user device answers NOT READY, MANUAL INTERVENTION REQUIRED" \
	grep -qi "manual intervention required" <<<"$out"

# One cleanup's length in ms, from the log: "ufio: cleanup (" to the next
# "ufio: cleanup done", the Nth pair (1-based).
cleanup_ms() {
	/bin/busybox dmesg | awk -v n="$1" '
		/scst_user: ufio: cleanup \(/ { if (++s == n) t0 = substr($0, 2, index($0, "]") - 2) + 0 }
		/scst_user: ufio: cleanup done/ { if (++d == n) { t1 = substr($0, 2, index($0, "]") - 2) + 0; printf "%d\n", (t1 - t0) * 1000; exit } }'
}
# Two bounded waits (3000 ms each) and the steps between them
bound_ms=7000

# Kill -9 with commands in every state: PARSE (-p call), ALLOC_MEM (-m
# none: every command asks for memory), EXEC, ON_FREE_CMD (-f call), and
# both reply paths (REPLY_AND_GET_MULTI, -u REPLY_AND_GET_CMD).
parse_types=(std call)
reuse_types=(none all)
free_types=(call ignore)
for ((k = 1; k <= kills; k++)); do
	opts=(-t 2 -p "${parse_types[k % 2]}" -m "${reuse_types[(k / 2) % 2]}"
		-f "${free_types[(k / 4) % 2]}")
	(((k / 8) % 2)) && opts+=(-u)
	n=$(($(/bin/busybox dmesg | grep -c "scst_user: ufio: cleanup (") + 1))
	start_handler ufio "$work/disk.img" "${opts[@]}" ||
		{ not_ok "kill $k: handler start (${opts[*]})"; not_ok "kill $k: cleanup"; continue; }
	timeout 60 fio --name=kill --filename="/dev/$disk" --ioengine=libaio --iodepth=32 --direct=1 \
		--rw=randrw --bs=$((4 << (k % 4)))k --size=32M --time_based --runtime=30 \
		>/dev/null 2>&1 &
	fpid=$!
	scsi_nap "$(((5 + k % 10) / 10)).$(((5 + k % 10) % 10))"
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	pid=''
	wait "$fpid"
	frc=$?
	check "kill $k (${opts[*]}): fio ended with errors, not a hang (status $frc)" \
		test "$frc" -ne 0 -a "$frc" -ne 124
	for ((i = 0; i < 100; i++)); do
		ms=$(cleanup_ms "$n")
		[[ -n $ms ]] && break
		scsi_nap 0.1
	done
	check "kill $k: the cleanup finished within its bound (${ms:-no end logged} ms)" \
		test -n "$ms" -a "${ms:-0}" -le "$bound_ms"
done
check "no cleanup left a command or buffer behind" \
	test "$(/bin/busybox dmesg | grep -c "scst_user: ufio: cleanup: ")" -eq 0

check "removing the target" scst_target_del ufio
check "the orphan is unregistered once its last LUN goes" scst_dev_gone scst_user ufio
check "rmmod scst_user works" rmmod scst_user
