#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 500
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
kills=${SCST_USER_KILLS:-5}

stop_handler() {
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=''
}
cleanup() {
	stop_handler
	[[ -d $scst_cfs/targets/scst_local/ufio ]] && {
		echo 0 >"$scst_cfs/targets/scst_local/ufio/enable"
		scst_lun_del ufio 0
		rmdir "$scst_cfs/targets/scst_local/ufio"
	} 2>/dev/null
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

plan $((10 + 3 * kills))

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
scst_load scst_user cleanup_step_ms=3000 || bail_out "cannot load scst_user"
[[ -c /dev/scst_user ]] || bail_out "no /dev/scst_user"
[[ -x $fileio ]] || bail_out "no $fileio (make -C tools)"
mkdir -p "$work" && mount -t tmpfs user-fio "$work" || bail_out "cannot mount a tmpfs"
truncate -s 64M "$work/disk.img"

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

fio_verify "4k, reuse none" "$disk"
fio_verify "64k, reuse none" "$disk" --bs=64k
stop_handler
start_handler ufio "$work/disk.img" -t 4 -m all || bail_out "scst_fileio -m all did not start"
fio_verify "4k, reuse all (restarted handler, same LUN)" "$disk"
fio_verify "64k, reuse all" "$disk" --bs=64k
stop_handler

# The orphan: no handler, the LUN answers NOT READY / 04 03.
out=$(sg_turs -v "/dev/$disk" 2>&1)
check "an orphaned user device answers NOT READY, MANUAL INTERVENTION REQUIRED" \
	grep -qi "manual intervention required" <<<"$out"

for ((k = 1; k <= kills; k++)); do
	start_handler ufio "$work/disk.img" -t 4 -m $([[ $((k % 2)) == 0 ]] && echo all || echo none) ||
		{ not_ok "kill $k: handler start"; not_ok "kill $k: fio"; not_ok "kill $k: cleanup"; continue; }
	dmesg_mark=$(/bin/busybox dmesg | grep -c "ufio: cleanup done")
	timeout 60 fio --name=kill --filename="/dev/$disk" --ioengine=libaio --iodepth=32 --direct=1 \
		--rw=randrw --bs=$((4 << (k % 4)))k --size=32M --time_based --runtime=30 \
		>/dev/null 2>&1 &
	fpid=$!
	sleep $((1 + k % 3))
	kill -KILL "$pid"
	wait "$pid" 2>/dev/null
	pid=''
	ok "kill $k: handler killed with fio running"
	wait "$fpid"
	frc=$?
	check "kill $k: fio ended with errors, not a hang (status $frc)" test "$frc" -ne 124
	check "kill $k: the cleanup finished" \
		test "$(/bin/busybox dmesg | grep -c "ufio: cleanup done")" -gt "$dmesg_mark"
done

echo 0 >"$t/enable"
scst_lun_del ufio 0
rmdir "$t"
for ((i = 0; i < 50; i++)); do
	[[ -d $scst_cfs/handlers/scst_user/ufio ]] || break
	sleep 0.1
done
check "the orphan is unregistered once its last LUN goes" test ! -d "$scst_cfs/handlers/scst_user/ufio"
check "rmmod scst_user works" rmmod scst_user
