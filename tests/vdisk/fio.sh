#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 400
#
# Data integrity under concurrent I/O: fio writes random 4k blocks with a
# crc32c header in each (libaio, iodepth 16, direct) and then reads every
# one back and checks it, on vdisk_fileio (a tmpfs file; write-back, and
# write_through=1), vdisk_blockio (a loop device over a tmpfs
# file) and, without verification since it keeps no data, vdisk_nullio.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

work=/run/vdisk-fio
loopdev=''
cleanup() {
	local n
	for n in fio_file fio_wt fio_block fio_null; do scst_disk_del "$n" >/dev/null 2>&1; done
	[[ -z $loopdev ]] || losetup -d "$loopdev" 2>/dev/null
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
mkdir -p "$work" && mount -t tmpfs vdisk-fio "$work" || bail_out "cannot mount a tmpfs on $work"
truncate -s 64M "$work/file.img" "$work/wt.img" "$work/loop.img"

# fio_verify NAME DISK [FIO_ARGS...]: randwrite with crc32c, then verify
fio_verify() {
	local name=$1 disk=$2 out rc
	shift 2
	out=$(fio --name="$name" --filename="/dev/$disk" --ioengine=libaio --iodepth=16 --numjobs=1 \
		--direct=1 --rw=randwrite --bs=4k --size=32M --verify=crc32c --do_verify=1 \
		--verify_fatal=1 --verify_backlog=0 --randrepeat=0 "$@" 2>&1) && rc=0 || rc=$?
	# the verify pass shows as the job's reads
	if ((rc == 0)) && grep -q 'READ: bw=' <<<"$out" &&
		! grep -q -E 'verify.*(bad|failed)|err= *[1-9]' <<<"$out"; then
		ok "fio randwrite + crc32c verify on $name (/dev/$disk)"
	else
		not_ok "fio randwrite + crc32c verify on $name (/dev/$disk)"
		diag "fio exit status $rc"
		diag "$(tail -n 25 <<<"$out")"
	fi
}

if scst_disk -v d vdisk_fileio fio_file filename="$work/file.img"; then
	fio_verify vdisk_fileio "$d"
	# a second pass with 64k blocks: multi-page commands
	fio_verify "vdisk_fileio 64k" "$d" --bs=64k
else
	not_ok "a vdisk_fileio disk"
fi
if scst_disk -v d vdisk_fileio fio_wt filename="$work/wt.img" write_through=1; then
	fio_verify "vdisk_fileio write_through=1" "$d"
else
	not_ok "a vdisk_fileio disk with write_through=1"
fi

modprobe loop 2>/dev/null
if loopdev=$(losetup -f --show "$work/loop.img") && scst_disk -v d vdisk_blockio fio_block filename="$loopdev"; then
	fio_verify "vdisk_blockio on $loopdev" "$d"
	fio_verify "vdisk_blockio 64k" "$d" --bs=64k
else
	not_ok "a vdisk_blockio disk on a loop device"
fi

if scst_disk -v d vdisk_nullio fio_null size=64M; then
	check "fio randrw on vdisk_nullio (no data kept: no verify)" \
		fio --name=nullio --filename="/dev/$d" --ioengine=libaio --iodepth=32 --numjobs=2 \
		--direct=1 --rw=randrw --bs=4k --size=64M --time_based --runtime=5 --group_reporting
else
	not_ok "a vdisk_nullio disk"
fi

for n in fio_file fio_wt fio_block fio_null; do
	check "removing $n" scst_disk_del "$n"
done
losetup -d "$loopdev" && loopdev=''
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
