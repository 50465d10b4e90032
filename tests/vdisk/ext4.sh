#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# What a user does with a disk: mkfs.ext4 on a vdisk_fileio disk, mount,
# write, unmount, fsck -n clean, the data still there after a remount;
# then grow the device under the mounted file system (size), which
# raises CAPACITY DATA HAS CHANGED, rescan, resize2fs online, and fsck
# clean again.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

work=/run/vdisk-ext4
mnt=/run/vdisk-ext4-mnt
cleanup() {
	umount "$mnt" 2>/dev/null
	scst_disk_del ext4 >/dev/null 2>&1
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
modprobe ext4 2>/dev/null
mkdir -p "$work" "$mnt" && mount -t tmpfs vdisk-ext4 "$work" || bail_out "cannot mount a tmpfs on $work"
truncate -s 64M "$work/disk.img"
scst_disk -v d vdisk_fileio ext4 filename="$work/disk.img" thin_provisioned=1 ||
	bail_out "cannot make a vdisk_fileio disk on scst_local"
diag "disk /dev/$d"

# blocks_of DISK: its size in 512-byte sectors, as the kernel has it
blocks_of() { local s; read -r s <"/sys/block/$1/size"; echo "$s"; }

# Grown while idle: the next command gets the unit attention.
check "size=96M while enabled" scst_attr vdisk_fileio ext4 size 96M
check_sense "the next command: UNIT ATTENTION, CAPACITY DATA HAS CHANGED" "6 2a 09" sg_turs -vv "/dev/$d"
echo 1 >"/sys/block/$d/device/rescan"
is "$(blocks_of "$d")" $((96 * 2048)) "after a rescan the kernel sees 96 MiB"

check "mkfs.ext4" mkfs.ext4 -q -F "/dev/$d"
check "mount" mount "/dev/$d" "$mnt"
head -c 8M /dev/urandom >"$work/data"
check "write 8 MiB and sync" bash -c "cp '$work/data' '$mnt/data' && sync"
check "umount" umount "$mnt"
check "fsck -n finds it clean" e2fsck -f -n "/dev/$d"
echo 3 >/proc/sys/vm/drop_caches
check "remount" mount "/dev/$d" "$mnt"
check "the data read back is what was written" cmp "$work/data" "$mnt/data"

# Grown under the mounted file system.
before=$(df -k --output=size "$mnt" | tail -n 1)
check "size=160M under the mounted file system" scst_attr vdisk_fileio ext4 size 160M
echo 1 >"/sys/block/$d/device/rescan"
is "$(blocks_of "$d")" $((160 * 2048)) "after a rescan the kernel sees 160 MiB"
check "resize2fs online" resize2fs "/dev/$d"
after=$(df -k --output=size "$mnt" | tail -n 1)
((after > before + 48 * 1024)) && ok "the file system grew by more than 48 MiB ($before -> $after kB)" ||
	{ not_ok "the file system grew by more than 48 MiB"; diag "df size before $before kB, after $after kB"; }
check "write into the new space" bash -c "head -c 60M /dev/zero >'$mnt/fill' && sync"
check "the first file is intact" cmp "$work/data" "$mnt/data"
check "umount" umount "$mnt"
check "fsck -n finds it clean after the resize" e2fsck -f -n "/dev/$d"

check "removing the disk" scst_disk_del ext4
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
