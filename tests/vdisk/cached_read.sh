#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# vdisk_fileio's cached READs: a READ whose data the page cache holds is
# copied in SCST_EP_VDISK on the submitting CPU; every other READ goes to
# the I/O threads (SCST_EP_VDISK_IO). Both must return the file's data.
# The bus's per-endpoint counters tell which way each READ went: every
# fileio command is delivered to "vdisk" first, and those it passes on
# are delivered to "vdisk_io" too.
#
#   - data in the page cache (4k and 128k READs): inline, same bytes;
#   - a hole (never written): the pool, zeros; a READ across data and a
#     hole: the pool, data then zeros;
#   - written through the disk, then read: inline, the written bytes;
#   - a stopped unit: NOT READY, from the pool;
#   - a file on ramfs (not a filesystem on the list): the pool;
#   - cached_reads_inline=0 at enable: the pool.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"
# shellcheck source=tests/harness/scsi.sh
. "$SCST_TOP/tests/harness/scsi.sh"

work=/run/vdisk-cached
ram=/run/vdisk-ramfs
dbg=/sys/kernel/debug/scst/bus
param=/sys/module/scst_vdisk/parameters/cached_reads_inline
cleanup() {
	local n
	for n in cr_tmpfs cr_ramfs cr_off; do scst_disk_del "$n" >/dev/null 2>&1; done
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" "$ram" 2>/dev/null
}
trap cleanup EXIT

mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
[[ -w $param ]] || bail_out "no writable $param"
mkdir -p "$work" "$ram" || bail_out "cannot make $work and $ram"
mount -t tmpfs vdisk-cached "$work" || bail_out "cannot mount a tmpfs on $work"
mount -t ramfs vdisk-ramfs "$ram" || bail_out "cannot mount a ramfs on $ram"

# CMD_EXEC messages delivered to endpoint $1 so far
exec_count() {
	local type delivered rest
	while read -r type _ delivered rest; do
		[[ $type == CMD_EXEC ]] && { echo "$delivered"; return 0; }
	done <"$dbg/$1/stats"
	echo 0
}

# ways CMD...: run CMD in this shell (so it may be "check"), then set
# $inline and $pooled to the READs (and other commands) it sent each way
ways() {
	local v0 p0 rc
	v0=$(exec_count vdisk) p0=$(exec_count vdisk_io)
	"$@" && rc=0 || rc=$?
	pooled=$(($(exec_count vdisk_io) - p0))
	inline=$(($(exec_count vdisk) - v0 - pooled))
	return "$rc"
}

# went DESC EXPR: a test point, EXPR an arithmetic test on $inline, $pooled
went() {
	if (($2)); then
		ok "$1 ($inline inline, $pooled by the I/O threads)"
	else
		not_ok "$1"
		diag "inline $inline, pooled $pooled; want $2"
	fi
}

# read_cmp DISK BS SKIP COUNT WANT_FILE: direct reads, compared with WANT_FILE
read_cmp() {
	dd if="/dev/$1" bs="$2" skip="$3" count="$4" iflag=direct status=none | cmp - "$5"
}

# 8 MiB of data, then an 8 MiB hole: the data is in tmpfs's page cache
head -c 8M /dev/urandom >"$work/pattern"
cp "$work/pattern" "$work/disk.img" && truncate -s 16M "$work/disk.img"
head -c 8M /dev/zero >"$work/zeros"
{ tail -c 32k "$work/pattern"; head -c 32k /dev/zero; } >"$work/edge"

if scst_disk -v d vdisk_fileio cr_tmpfs filename="$work/disk.img"; then
	ways check "4k READs of cached data return the file's bytes" read_cmp "$d" 4k 0 2048 "$work/pattern"
	went "4k READs of cached data are served inline" "inline >= 2048 && pooled == 0"
	ways check "128k READs of cached data return the file's bytes" read_cmp "$d" 128k 0 64 "$work/pattern"
	went "128k READs of cached data are served inline" "inline >= 64 && pooled == 0"

	ways check "READs of a hole return zeros" read_cmp "$d" 64k 128 128 "$work/zeros"
	went "READs of a hole go to the I/O threads" "pooled >= 128"
	# one 64k READ from 32k before the hole
	ways check "a READ across data and a hole returns both" \
		cmp "$work/edge" <(dd if="/dev/$d" bs=64k skip=$((8 * 1024 * 1024 - 32768)) count=1 \
			iflag=direct,skip_bytes status=none)
	went "a READ across data and a hole goes to the I/O threads" "pooled >= 1"

	check "writing the hole through the disk" \
		dd if="$work/pattern" of="/dev/$d" bs=64k seek=128 count=128 oflag=direct status=none
	ways check "what was written reads back" read_cmp "$d" 64k 128 128 "$work/pattern"
	went "what was written is read inline" "inline >= 128 && pooled == 0"

	check "START STOP UNIT: stop" sg_start --stop "/dev/$d"
	check_sense "READ of a stopped unit: NOT READY, INITIALIZING COMMAND REQUIRED" "2 04 02" \
		sg_raw -v -r 4096 "/dev/$d" 28 00 00 00 00 00 00 00 08 00
	check "START STOP UNIT: start" sg_start --start "/dev/$d"
	check "READs after the restart" read_cmp "$d" 4k 0 2048 "$work/pattern"
else
	not_ok "a vdisk_fileio disk on tmpfs"
fi

# all_pooled NAME FILE WHY: a disk on FILE whose first 2 MiB read right,
# every READ by the I/O threads
all_pooled() {
	local d
	if ! scst_disk -v d vdisk_fileio "$1" filename="$2"; then
		not_ok "a vdisk_fileio disk: $3"
		return
	fi
	ways check "$3: READs return the file's bytes" read_cmp "$d" 4k 0 512 <(head -c 2M "$work/pattern")
	went "$3: READs go to the I/O threads" "pooled >= 512 && inline == 0"
}

cp "$work/disk.img" "$ram/disk.img"
all_pooled cr_ramfs "$ram/disk.img" "a file on ramfs"
echo 0 >"$param"
all_pooled cr_off "$work/disk.img" "cached_reads_inline=0"
echo 1 >"$param"

for n in cr_tmpfs cr_ramfs cr_off; do
	check "removing $n" scst_disk_del "$n"
done
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
