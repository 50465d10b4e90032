#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# Module lifetime with a disk in use: while a vdisk is configured on a
# scst_local target and its /dev/sdX is held open, rmmod of scst_local and
# of scst_vdisk is refused and the disk keeps working; once it is closed
# and the configuration removed, both unload cleanly, the SCSI host and
# the configfs directories are gone, and the cycle repeats.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

cleanup() {
	[[ -z ${fd:-} ]] || exec {fd}<&-
	scst_disk_del rmm >/dev/null 2>&1
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
}
trap cleanup EXIT

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
scst_disk -v d vdisk_nullio rmm size=16M || bail_out "cannot make a vdisk_nullio disk on scst_local"
host=$(scst_disk_host rmm)
exec {fd}<"/dev/$d"
check "rmmod scst_local is refused while its disk is open" bash -c '! rmmod scst_local 2>/dev/null'
check "rmmod scst_vdisk is refused while its device is in use" bash -c '! rmmod scst_vdisk 2>/dev/null'
check "the disk still reads" dd if="/dev/$d" of=/dev/null bs=4k count=16 iflag=direct status=none
exec {fd}<&-
fd=''
check "rmmod scst_local is refused while its target is configured" bash -c '! rmmod scst_local 2>/dev/null'
check "removing the disk's configuration" scst_disk_del rmm
check "its disk goes away" scsi_wait_gone "$d" 20
check "its SCSI host goes away" bash -c "for i in \$(seq 100); do [[ -e /sys/class/scsi_host/host$host ]] || exit 0; sleep 0.1; done; exit 1"
check "rmmod scst_local" rmmod scst_local
check "rmmod scst_vdisk" rmmod scst_vdisk
check "their configfs directories are gone" \
	test ! -e "$scst_cfs/targets/scst_local" -a ! -e "$scst_cfs/handlers/vdisk_nullio"

fails=0
for ((i = 0; i < 5; i++)); do
	scst_local_load && scst_disk -v d vdisk_nullio rmm size=16M 2>/dev/null &&
		dd if="/dev/$d" of=/dev/null bs=4k count=4 iflag=direct status=none &&
		scst_disk_del rmm && scst_unload scst_local scst_vdisk || { fails=$((fails + 1)); break; }
done
is "$fails" 0 "5 cycles of load, disk, I/O, remove, unload"
done_testing
