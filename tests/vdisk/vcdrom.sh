#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# vcdrom through scst_local: an ISO image appears as /dev/srN of its size,
# mounts and reads back; READ TOC and GET CONFIGURATION answer; changing
# the filename while enabled is a media change the kernel sees (new size,
# new files), and an empty filename ejects (NOT READY, MEDIUM NOT PRESENT).
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

work=/run/vdisk-cd
mnt=/run/vdisk-cd-mnt
cleanup() {
	umount "$mnt" 2>/dev/null
	scst_disk_del cd >/dev/null 2>&1
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
modprobe sr_mod 2>/dev/null
modprobe isofs 2>/dev/null
mkdir -p "$work" "$mnt" && mount -t tmpfs vdisk-cd "$work" || bail_out "cannot mount a tmpfs on $work"
head -c 100000 /dev/urandom >"$work/one"
head -c 300000 /dev/urandom >"$work/two"
python3 "$SCST_TOP/tests/harness/mkiso.py" "$work/a.iso" DISC_A ONE.BIN="$work/one" ||
	bail_out "cannot make an ISO image"
python3 "$SCST_TOP/tests/harness/mkiso.py" "$work/b.iso" DISC_B TWO.BIN="$work/two" ||
	bail_out "cannot make an ISO image"
size_a=$(stat -c %s "$work/a.iso") size_b=$(stat -c %s "$work/b.iso")

scst_disk -v cd vcdrom cd filename="$work/a.iso" || bail_out "cannot make a vcdrom on scst_local"
diag "CD-ROM /dev/$cd ($(scsi_hctl_of "$cd"))"
[[ $cd == sr* ]] && ok "the kernel binds sr to it ($cd)" || not_ok "the kernel binds sr to it (got $cd)"
is "$(blockdev --getsize64 "/dev/$cd")" "$size_a" "its size is the ISO's"
check "mount -t iso9660" mount -t iso9660 -o ro "/dev/$cd" "$mnt"
check "the file reads back" cmp "$work/one" "$mnt/one.bin"
check "umount" umount "$mnt"

check "READ TOC" sg_raw -r 804 "/dev/$cd" 43 00 00 00 00 00 00 03 24 00
out=$(sg_get_config -c "/dev/$cd" 2>&1) && rc=0 || rc=$?
((rc == 0)) && grep -qi 'current profile' <<<"$out" && ok "GET CONFIGURATION names the current profile" ||
	{ not_ok "GET CONFIGURATION names the current profile"; diag "$out"; }

# Media change: the next open sees the new medium.
check "filename=b.iso while enabled (media change)" scst_attr vcdrom cd filename "$work/b.iso"
got=''
for ((i = 0; i < 50; i++)); do
	got=$(blockdev --getsize64 "/dev/$cd" 2>/dev/null) && [[ $got == "$size_b" ]] && break
	scsi_nap
done
is "$got" "$size_b" "the kernel sees the new medium's size"
check "mount the new medium" mount -t iso9660 -o ro "/dev/$cd" "$mnt"
check "its file reads back" cmp "$work/two" "$mnt/two.bin"
check "umount" umount "$mnt"

check "filename='' ejects" scst_attr vcdrom cd filename ""
sg_turs "/dev/$cd" >/dev/null 2>&1 # a unit attention for the change may come first
check_sense "TEST UNIT READY without a medium: NOT READY, MEDIUM NOT PRESENT" "2 3a *" sg_turs -vv "/dev/$cd"

check "removing the CD-ROM" scst_disk_del cd
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
