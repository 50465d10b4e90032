#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# The SBC data commands of vdisk_fileio through scst_local, with sg3_utils:
# READ/WRITE(6/10/12/16) round trips, WRITE AND VERIFY, VERIFY with and
# without BYTCHK (and its miscompare), WRITE SAME(10/16) with and without
# UNMAP, UNMAP, GET LBA STATUS, COMPARE AND WRITE (and its miscompare),
# SYNCHRONIZE CACHE(10/16); the exact sense SBC gives for an LBA out of
# range, and DATA PROTECT for writes to a read-only device. The disk is a
# thin-provisioned 16 MiB file on a tmpfs (512-byte blocks: 32768).
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

work=/run/vdisk-sbc
cleanup() {
	scst_disk_del sbc_ro >/dev/null 2>&1
	scst_disk_del sbc >/dev/null 2>&1
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
mkdir -p "$work" && mount -t tmpfs vdisk-sbc "$work" || bail_out "cannot mount a tmpfs on $work"
truncate -s 16M "$work/disk.img" "$work/ro.img"
scst_disk -v d vdisk_fileio sbc filename="$work/disk.img" thin_provisioned=1 ||
	bail_out "cannot make a vdisk_fileio disk on scst_local"
scsi_sg_of -v sg "$d" || bail_out "no sg node for $d"
diag "disk /dev/$d (/dev/$sg), $(scsi_hctl_of "$d")"
blocks=32768 last=$((blocks - 1))

# be32 N / be64 N: big-endian bytes for a CDB
be32() { printf '%02x %02x %02x %02x' $(($1 >> 24 & 255)) $(($1 >> 16 & 255)) $(($1 >> 8 & 255)) $(($1 & 255)); }
be64() { echo "$(be32 $(($1 >> 32))) $(be32 $(($1 & 0xffffffff)))"; }
# read_blocks LBA COUNT FILE: READ(16) through sg_dd
# (sg_dd does not truncate an existing output file)
read_blocks() {
	rm -f "$3"
	sg_dd if="/dev/$sg" of="$3" bs=512 skip="$1" count="$2" cdbsz=16 2>/dev/null
}

# ---- capacity -----------------------------------------------------------------
out=$(sg_readcap "/dev/$d" 2>&1)
is "$(sed -n 's/.*Last LBA=\([0-9]*\).*/\1/p' <<<"$out")" "$last" "READ CAPACITY(10): last LBA $last"
out=$(sg_readcap --long "/dev/$d" 2>&1)
is "$(sed -n 's/.*Logical block length=\([0-9]*\).*/\1/p' <<<"$out")" 512 "READ CAPACITY(16): 512-byte blocks"
is "$(sed -n 's/.*lbpme=\([01]\).*/\1/p' <<<"$out")" 1 "READ CAPACITY(16): LBPME set on a thin-provisioned disk"

# ---- READ/WRITE of each CDB size --------------------------------------------
head -c $((64 * 512)) /dev/urandom >"$work/pat"
lba=16
for w in 6 10 12 16; do
	for r in 6 10 12 16; do
		[[ $r == "$w" ]] && continue
		rm -f "$work/back"
		if sg_dd if="$work/pat" of="/dev/$sg" bs=512 seek="$lba" count=64 cdbsz="$w" 2>"$work/err" &&
			sg_dd if="/dev/$sg" of="$work/back" bs=512 skip="$lba" count=64 cdbsz="$r" 2>>"$work/err" &&
			cmp -s "$work/pat" "$work/back"; then
			ok "WRITE($w) then READ($r) at LBA $lba returns the data"
		else
			not_ok "WRITE($w) then READ($r) at LBA $lba returns the data"
			diag "$(cat "$work/err")"
		fi
		lba=$((lba + 64))
	done
done

# ---- WRITE AND VERIFY, VERIFY --------------------------------------------------
head -c 512 /dev/urandom >"$work/blk"
check "WRITE AND VERIFY(10) of one block" sg_raw -s 512 -i "$work/blk" "/dev/$d" 2e 00 $(be32 4000) 00 00 01 00
read_blocks 4000 1 "$work/back"
check "... and it reads back" cmp "$work/blk" "$work/back"
check "VERIFY(10) without BYTCHK (medium check)" sg_verify --lba=4000 --count=1 "/dev/$d"
check "VERIFY(16) BYTCHK=1 of the same data" sg_verify --16 --lba=4000 --count=1 --ndo=512 --in="$work/blk" "/dev/$d"
head -c 512 /dev/urandom >"$work/other"
out=$(sg_verify -vv --lba=4000 --count=1 --ndo=512 --in="$work/other" "/dev/$d" 2>&1) && rc=0 || rc=$?
is "$rc" 14 "VERIFY(10) BYTCHK=1 of other data: exit status 14 (miscompare)"
is "$(sense_of "$out")" "e 1d 00" "... with MISCOMPARE / MISCOMPARE DURING VERIFY OPERATION"

# ---- WRITE SAME -------------------------------------------------------------------
for n in 10 16; do
	lba=$((n == 10 ? 5000 : 6000))
	opt=(--10); [[ $n == 16 ]] && opt=(--16)
	check "WRITE SAME($n) of 64 blocks" sg_write_same "${opt[@]}" --in="$work/blk" --lba="$lba" --num=64 "/dev/$d"
	for ((i = 0; i < 64; i++)); do cat "$work/blk"; done >"$work/want"
	read_blocks "$lba" 64 "$work/back"
	check "... all 64 blocks hold the pattern" cmp "$work/want" "$work/back"
done
head -c $((64 * 512)) /dev/zero >"$work/zeros"
check "GET LBA STATUS: written blocks are mapped" \
	test "$(sg_get_lba_status -bb --lba=6000 "/dev/$d" 2>&1)" = 0
check "WRITE SAME(16) with UNMAP over them" sg_write_same --16 --unmap --lba=6000 --num=64 "/dev/$d"
read_blocks 6000 64 "$work/back"
check "... they read as zeros" cmp "$work/zeros" "$work/back"
check "... GET LBA STATUS says deallocated" \
	test "$(sg_get_lba_status -bb --lba=6000 "/dev/$d" 2>&1)" = 1
check "WRITE SAME(10) with UNMAP" sg_write_same --10 --unmap --lba=5000 --num=64 "/dev/$d"
read_blocks 5000 64 "$work/back"
check "... they read as zeros" cmp "$work/zeros" "$work/back"

# ---- UNMAP --------------------------------------------------------------------------
sg_dd if="$work/pat" of="/dev/$sg" bs=512 seek=8192 count=64 2>/dev/null
check "UNMAP of 64 written blocks" sg_unmap --force --lba=8192 --num=64 "/dev/$d"
read_blocks 8192 64 "$work/back"
check "... they read as zeros" cmp "$work/zeros" "$work/back"
check "... GET LBA STATUS says deallocated" \
	test "$(sg_get_lba_status -bb --lba=8192 "/dev/$d" 2>&1)" = 1
check "GET LBA STATUS of a never-written block: deallocated" \
	test "$(sg_get_lba_status -bb --lba=20000 "/dev/$d" 2>&1)" = 1

# ---- COMPARE AND WRITE ------------------------------------------------------------
head -c 512 /dev/urandom >"$work/new"
sg_dd if="$work/blk" of="/dev/$sg" bs=512 seek=7000 count=1 2>/dev/null
cat "$work/blk" "$work/new" >"$work/caw"
check "COMPARE AND WRITE with matching data" sg_compare_and_write --in="$work/caw" --lba=7000 --num=1 "/dev/$d"
read_blocks 7000 1 "$work/back"
check "... wrote the new block" cmp "$work/new" "$work/back"
out=$(sg_compare_and_write -vv --in="$work/caw" --lba=7000 --num=1 "/dev/$d" 2>&1) && rc=0 || rc=$?
is "$rc" 14 "COMPARE AND WRITE with stale data: exit status 14 (miscompare)"
is "$(sense_of "$out")" "e 1d 00" "... with MISCOMPARE / MISCOMPARE DURING VERIFY OPERATION"
read_blocks 7000 1 "$work/back"
check "... and the block is unchanged" cmp "$work/new" "$work/back"

# ---- SYNCHRONIZE CACHE --------------------------------------------------------------
check "SYNCHRONIZE CACHE(10), whole disk" sg_sync "/dev/$d"
check "SYNCHRONIZE CACHE(16), a range" sg_sync --16 --lba=100 --count=64 "/dev/$d"

# ---- out of range: ILLEGAL REQUEST / LOGICAL BLOCK ADDRESS OUT OF RANGE --------------
lbaoor="5 21 00"
check_sense "READ(10) at the first LBA past the end" "$lbaoor" \
	sg_raw -v -r 512 "/dev/$d" 28 00 $(be32 $blocks) 00 00 01 00
check_sense "READ(16) of 2 blocks from the last LBA" "$lbaoor" \
	sg_raw -v -r 1024 "/dev/$d" 88 00 $(be64 $last) 00 00 00 02 00 00
check_sense "WRITE(10) past the end" "$lbaoor" \
	sg_raw -v -s 512 -i "$work/blk" "/dev/$d" 2a 00 $(be32 $blocks) 00 00 01 00
check_sense "VERIFY(10) past the end" "$lbaoor" sg_verify -vv --lba=$blocks "/dev/$d"
check_sense "WRITE SAME(16) running past the end" "$lbaoor" \
	sg_write_same -vv --16 --in="$work/blk" --lba=$((last - 1)) --num=4 "/dev/$d"
check_sense "UNMAP past the end" "$lbaoor" sg_unmap --force -vv --lba=$blocks --num=1 "/dev/$d"
check_sense "COMPARE AND WRITE past the end" "$lbaoor" \
	sg_compare_and_write -vv --in="$work/caw" --lba=$blocks --num=1 "/dev/$d"
check_sense "GET LBA STATUS past the end" "$lbaoor" sg_get_lba_status -vv --lba=$blocks "/dev/$d"
check_sense "SYNCHRONIZE CACHE(16) past the end" "$lbaoor" sg_sync -vv --16 --lba=$blocks --count=1 "/dev/$d"
check "the last block is still readable" sg_raw -r 512 "/dev/$d" 28 00 $(be32 $last) 00 00 01 00

# ---- read-only: DATA PROTECT / WRITE PROTECTED ---------------------------------------
# The commands go to its sg node: the kernel refuses to open a read-only
# disk's /dev/sdX for writing, so sg3_utils could not send them there.
if scst_disk -v rodisk vdisk_fileio sbc_ro filename="$work/ro.img" read_only=1 &&
	scsi_sg_of -v ro "$rodisk"; then
	read -r got <"/sys/block/$rodisk/ro"
	is "$got" 1 "the kernel sees the read-only disk as read-only (mode sense WP)"
	wp="7 27 00"
	check_sense "WRITE(10) to a read-only disk" "$wp" \
		sg_raw -v -s 512 -i "$work/blk" "/dev/$ro" 2a 00 00 00 00 10 00 00 01 00
	check_sense "WRITE SAME(16) to a read-only disk" "$wp" \
		sg_write_same -vv --16 --in="$work/blk" --lba=16 --num=1 "/dev/$ro"
	check_sense "COMPARE AND WRITE on a read-only disk" "$wp" \
		sg_compare_and_write -vv --in="$work/caw" --lba=16 --num=1 "/dev/$ro"
	check "READ(10) from the read-only disk works" sg_raw -r 512 "/dev/$ro" 28 00 00 00 00 10 00 00 01 00
else
	not_ok "a read_only=1 vdisk_fileio disk on scst_local"
fi

check "removing the read-only disk" scst_disk_del sbc_ro
check "removing the disk" scst_disk_del sbc
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
