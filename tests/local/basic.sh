#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# scst_local: a target's enable makes a SCSI host (scsi_host names it)
# whose scan finds nothing without LUNs and a disk with a vdisk_nullio
# LUN 0; mapping and unmapping a LUN while enabled adds and removes its
# disk; sg_reset -d/-t/-b/-H reach the core as task management (the
# session's tmfs counter); initiator_name is refused while enabled;
# rmmod is refused while a target exists and while a disk is open, and
# succeeds after; 10 enable/disable cycles each bring the disk and take
# it away. The harness fails the test on any kernel-log splat.
# shellcheck source=tests/harness/lib.sh
. "$(dirname "$0")/../harness/lib.sh"

plan 24
cfs=/sys/kernel/config
mountpoint -q "$cfs" || mount -t configfs none "$cfs"
for m in sd_mod sg; do
	[[ -d /sys/module/$m ]] || modprobe "$m" || bail_out "modprobe $m failed"
done
scst_load scst_vdisk scst_local || bail_out "cannot load scst_vdisk and scst_local"
C=$cfs/scst
T=$C/targets/scst_local/t0
dev=$C/handlers/vdisk_nullio

exec {nap_fd}<> <(:)
nap() { read -r -t 0.1 -u "$nap_fd" || true; }

# wait_disk HOST LUN: print the disk (sdb) of HOST's LUN, waiting up to 20 s
wait_disk() {
	local i d
	for ((i = 0; i < 200; i++)); do
		for d in /sys/class/scsi_host/host"$1"/device/target*/"$1":0:0:"$2"/block/*; do
			[[ -e $d && -b /dev/${d##*/} ]] && { echo "${d##*/}"; return 0; }
		done
		nap
	done
	echo "no disk at host $1 LUN $2 after 20 s" >&2
	return 1
}

# wait_gone PATH: wait up to 20 s for PATH to disappear
wait_gone() {
	local i
	for ((i = 0; i < 200; i++)); do
		[[ -e $1 ]] || return 0
		nap
	done
	echo "$1 still there after 20 s" >&2
	return 1
}

host_of() { local h; read -r h <"$T/scsi_host" && [[ $h =~ ^[0-9]+$ ]] && echo "$h"; }

# tmfs counter of the target's one session
tmfs() {
	local s line
	for s in "$T"/sessions/*/stats; do
		while read -r line; do
			[[ $line == "tmfs "* ]] && { echo "${line#tmfs }"; return 0; }
		done <"$s"
	done
	echo "no session stats under $T/sessions" >&2
	return 1
}

# ---- a target without LUNs ----------------------------------------------------
mkdir "$T" || bail_out "mkdir $T failed"
check "enable makes a SCSI host" bash -c "echo 1 >'$T/enable'"
h=$(host_of) || h=''
check "scsi_host names it (host '$h') and its driver is scst_local" \
	bash -c "[[ -n '$h' ]] && grep -qx scst_local /sys/class/scsi_host/host$h/proc_name"
check "its scan found no disk without LUNs" \
	bash -c "! compgen -G '/sys/class/scsi_host/host$h/device/target*/*/block' >/dev/null"
check "initiator_name cannot change while enabled" \
	bash -c "! echo other >'$T/initiator_name' 2>/dev/null"
check "disable removes the host" bash -c "echo 0 >'$T/enable' && ! test -e /sys/class/scsi_host/host$h"
is "$(cat "$T/scsi_host")" none "scsi_host says none while disabled"
check "initiator_name can change while disabled" bash -c "echo ini.test:1 >'$T/initiator_name'"

# ---- a nullio LUN 0 -------------------------------------------------------------
if ! { mkdir "$dev/n0" "$dev/n1" && echo $((64 << 20)) >"$dev/n0/size" &&
	echo 1 >"$dev/n0/enable" && echo $((32 << 20)) >"$dev/n1/size" &&
	echo 1 >"$dev/n1/enable"; }; then
	bail_out "cannot make the vdisk_nullio devices"
fi
if ! { mkdir "$T/luns/0" && ln -s "$dev/n0" "$T/luns/0/n0"; }; then
	bail_out "cannot map LUN 0"
fi
echo 1 >"$T/enable" || bail_out "enable with LUN 0 failed"
h=$(host_of) || bail_out "no SCSI host number after enable"
d0=$(wait_disk "$h" 0) || d0=''
check "LUN 0 appears as a disk (${d0:-none})" test -n "$d0"
check "the session has the initiator name written" \
	grep -qx ini.test:1 "$T"/sessions/*/initiator
check "dd reads 1 MiB from /dev/$d0" dd if="/dev/$d0" of=/dev/null bs=64k count=16 iflag=direct status=none
is "$(cat "/sys/block/$d0/device/queue_depth")" 64 "the LUN's queue depth is the core's device default (64)"

# ---- LUN hot add and remove -----------------------------------------------------
mkdir "$T/luns/1" && ln -s "$dev/n1" "$T/luns/1/n1"
d1=$(wait_disk "$h" 1) || d1=''
check "mapping LUN 1 while enabled adds its disk (${d1:-none})" test -n "$d1"
rm "$T/luns/1/n1" && rmdir "$T/luns/1"
check "unmapping LUN 1 removes its disk" wait_gone "/sys/class/scsi_host/host$h/device/target$h:0:0/$h:0:0:1"

# ---- resets reach the core ------------------------------------------------------------
sg=$(ls "/sys/block/$d0/device/scsi_generic" 2>/dev/null)
for o in -d -t -b -H; do
	before=$(tmfs) || before=x
	if sg_reset "$o" "/dev/$sg" >/dev/null 2>&1 && after=$(tmfs) && [[ $before != x ]] &&
		((after == before + 1)); then
		ok "sg_reset $o /dev/$sg reaches the core as one TMF"
	else
		not_ok "sg_reset $o /dev/$sg reaches the core as one TMF"
		diag "tmfs before: $before, after: ${after:-?}; $(/bin/busybox dmesg | tail -n 5)"
	fi
done
check "the kernel log names LOGICAL UNIT RESET, TARGET RESET and I_T NEXUS RESET" \
	bash -c "/bin/busybox dmesg | grep -q 'host$h: LOGICAL UNIT RESET' &&
		/bin/busybox dmesg | grep -q 'host$h: TARGET RESET' &&
		/bin/busybox dmesg | grep -q 'host$h: I_T NEXUS RESET'"
check "the disk still reads after the resets" dd if="/dev/$d0" of=/dev/null bs=4k count=16 iflag=direct status=none

# ---- rmmod while a target exists, while a disk is open --------------------------------
check "rmmod scst_local is refused while a target exists" bash -c '! /bin/busybox rmmod scst_local 2>/dev/null'
exec {fd}<"/dev/$d0"
if ! { echo 0 >"$T/enable" && rm "$T/luns/0/n0" && rmdir "$T/luns/0" "$T"; }; then
	bail_out "tearing the target down failed"
fi
check "rmmod scst_local is refused while /dev/$d0 is open" bash -c '! /bin/busybox rmmod scst_local 2>/dev/null'
exec {fd}<&-
check "rmmod scst_local succeeds once it is closed" /bin/busybox rmmod scst_local

# ---- repeated enable/disable --------------------------------------------------------------
scst_load scst_local || bail_out "reloading scst_local failed"
if ! { mkdir "$T" "$T/luns/0" && ln -s "$dev/n0" "$T/luns/0/n0"; }; then
	bail_out "cannot remake the target"
fi
fails=''
for ((i = 0; i < 10; i++)); do
	echo 1 >"$T/enable" || { fails+=" enable#$i"; break; }
	if ! { h=$(host_of) && d=$(wait_disk "$h" 0); }; then
		fails+=" disk#$i"
		break
	fi
	echo 0 >"$T/enable" || { fails+=" disable#$i"; break; }
	[[ ! -e /sys/class/scsi_host/host$h && ! -e /sys/block/$d ]] || { fails+=" gone#$i"; break; }
done
is "${fails:-none}" none "10 enable/disable cycles each add and remove the host and its disk"
rm "$T/luns/0/n0" && rmdir "$T/luns/0" "$T"
for n in n0 n1; do echo 0 >"$dev/$n/enable" && rmdir "$dev/$n"; done
check "rmmod scst_local after the cycles" /bin/busybox rmmod scst_local
scst_unload
done_testing
