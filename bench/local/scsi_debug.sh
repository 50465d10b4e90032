# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# scsi_debug as the null floor: what the SCSI midlayer and sd cost with a
# low-level driver that does nothing. delay=0 completes in the submitter's
# context (the default delay=1 caps it at ~12k IOPS, VM-LAB.md), fake_rw=1
# moves no data; virtual_gb makes a 1 GiB disk out of a 16 MiB store.
# Sourced by bench/local/run.sh, after tests/harness/{lib,scsi}.sh.
#
#   sdebug_setup SIZE_BYTES   sets sdebug_disk to the disk's name (sdX)
#   sdebug_teardown           rmmod scsi_debug

sdebug_disk=''

sdebug_setup() {
	local gb=$(($1 >> 30)) hostno
	sdebug_disk=''
	((gb >= 1)) || gb=1
	[[ -d /sys/module/scsi_debug ]] && { echo "scsi_debug: already loaded" >&2; return 1; }
	modprobe scsi_debug delay=0 fake_rw=1 dev_size_mb=16 virtual_gb="$gb" ||
		{ echo "scsi_debug: modprobe failed" >&2; return 1; }
	scsi_host_by_proc -v hostno scsi_debug || return 1
	scsi_wait_disk -v sdebug_disk "$hostno" 0 30
}

sdebug_teardown() {
	[[ -d /sys/module/scsi_debug ]] || return 0
	rmmod scsi_debug || { echo "scsi_debug: rmmod failed" >&2; return 1; }
}
