#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# scst_vdisk's configfs attributes: the four handler directories appear
# when it loads; a new device has the documented defaults and identifiers
# derived stably from its name; every bad value is refused with EINVAL
# (and a log line), changes unsafe while enabled with EBUSY; enable sets
# the capacity the core shows; size resizes an enabled nullio disk;
# fileio refuses to enable without a file; vcdrom enables without a
# medium; rmmod is refused while a device exists and is clean after.
. "$(dirname "$0")/../harness/lib.sh"

plan 43
cfs=/sys/kernel/config
mountpoint -q "$cfs" || mount -t configfs none "$cfs"
h=$cfs/scst/handlers

scst_load scst_vdisk || bail_out "cannot load scst_vdisk"
check "handler directories vdisk_nullio, vdisk_fileio, vdisk_blockio, vcdrom" \
	test -d "$h/vdisk_nullio" -a -d "$h/vdisk_fileio" -a \
	-d "$h/vdisk_blockio" -a -d "$h/vcdrom"

# put FILE VALUE: write VALUE; print "ok" or the error text (strerror)
put() {
	local err
	err=$( { printf '%s\n' "$2" >"$1"; } 2>&1) && { echo ok; return; }
	echo "${err##*: }"
}
get() { local v; read -r v <"$1"; echo "$v"; }

n=$h/vdisk_nullio/n1
mkdir "$n" || bail_out "mkdir $n failed"

# --- defaults -----------------------------------------------------------------
is "$(get "$n/blocksize")" 512 "default blocksize 512"
is "$(get "$n/size")" $((1 << 40)) "default nullio size 1 TiB"
is "$(get "$n/read_zero")/$(get "$n/nv_cache")/$(get "$n/write_through")/$(get "$n/thin_provisioned")" \
	0/0/0/0 "read_zero, nv_cache, write_through, thin_provisioned default 0"
is "$(get "$n/t10_vend_id")/$(get "$n/prod_id")/$(get "$n/t10_dev_id")" \
	SCST_NG/VDISK_NULLIO/n1 "default vendor, product and T10 device ids"
usn=$(get "$n/usn") naa=$(get "$n/naa_id")
check "default usn is 16 hex digits" bash -c "[[ $usn =~ ^[0-9a-f]{16}$ ]]"
check "default naa_id is NAA 3h (locally assigned), 16 hex digits" \
	bash -c "[[ $naa =~ ^3[0-9a-f]{15}$ ]]"
rmdir "$n" && mkdir "$n"
is "$(get "$n/usn")/$(get "$n/naa_id")" "$usn/$naa" \
	"usn and naa_id are the same for the same name again"
mkdir "$h/vdisk_nullio/n2"
check "another name gets another usn" \
	test "$(get "$h/vdisk_nullio/n2/usn")" != "$usn"
rmdir "$h/vdisk_nullio/n2"

# --- bad values: EINVAL -------------------------------------------------------
bad=0 bad_list=
for av in "blocksize=1000" "blocksize=4097" "blocksize=abc" "size=0" \
	"size=-1" "size=99999999999999999999" "size=9000000T" "size=1X" "nv_cache=2" \
	"write_through=yes" "read_zero=" "thin_provisioned=-1" \
	"t10_vend_id=NINECHARS" "t10_vend_id=" "prod_id=SEVENTEEN_CHARS_X" \
	"prod_rev=12345" "usn=$(printf '%033d' 0)" \
	"t10_dev_id=$(printf '%065d' 0)" "naa_id=xyz" \
	"naa_id=4000000000000000" "naa_id=300000000000000" \
	"naa_id=50000000000000000000000000000000" "naa_id=6000000000000000"; do
	r=$(put "$n/${av%%=*}" "${av#*=}")
	[[ $r == "Invalid argument" ]] || { bad=$((bad + 1)); bad_list+=" ${av%%=*}='${av#*=}':$r"; }
done
is "$bad" 0 "23 bad values refused with EINVAL${bad_list:+ (not:$bad_list)}"
is "$(put "$n/t10_vend_id" $'A\tB')" "Invalid argument" \
	"a control character in an identifier is refused"
check "the refusal is logged, naming device and attribute" \
	bash -c "/bin/busybox dmesg | grep -q 'device n1: blocksize: bad value'"
is "$(get "$n/blocksize")/$(get "$n/size")/$(get "$n/t10_vend_id")" \
	512/$((1 << 40))/SCST_NG "refused writes changed nothing"

# --- good values --------------------------------------------------------------
ok_all=ok
for av in blocksize=4096 size=4G t10_vend_id=ACME prod_id=NULLDISK \
	prod_rev=0042 usn=serial-1 t10_dev_id=dev-id-1 \
	naa_id=5001405ABCDEF012 rotational=1 removable=1 nv_cache=1; do
	r=$(put "$n/${av%%=*}" "${av#*=}")
	[[ $r == ok ]] || ok_all="${av}: $r"
done
is "$ok_all" ok "good values accepted"
is "$(get "$n/naa_id")" 5001405abcdef012 "naa_id is kept in lower case"
is "$(get "$n/t10_vend_id")/$(get "$n/prod_id")/$(get "$n/prod_rev")/$(get "$n/usn")" \
	ACME/NULLDISK/0042/serial-1 "identifiers read back as written"
is "$(put "$n/naa_id" 60014050123456789abcdef012345678)" ok \
	"a 32-digit NAA 6h naa_id is accepted"

# --- enable -------------------------------------------------------------------
is "$(get "$n/size")" $((4 << 30)) "size shows the value set while disabled"
is "$(put "$n/enable" 1)" ok "enable"
is "$(get "$n/size")" $((4 << 30)) "enabled: size shows the size in effect"
is "$(get "$n/block_size")" 4096 "enabled: core's block_size is blocksize"
busy=0 busy_list=
for av in blocksize=512 t10_vend_id=OTHER naa_id=3000000000000001 \
	thin_provisioned=1 write_through=1 usn=x; do
	r=$(put "$n/${av%%=*}" "${av#*=}")
	[[ $r == "Device or resource busy" ]] || { busy=$((busy + 1)); busy_list+=" ${av}:$r"; }
done
is "$busy" 0 "changes unsafe while enabled refused with EBUSY${busy_list:+ (not:$busy_list)}"
is "$(get "$n/blocksize")/$(get "$n/t10_vend_id")" 4096/ACME \
	"refused changes changed nothing"
is "$(put "$n/read_zero" 1)/$(get "$n/read_zero")" ok/1 \
	"read_zero changes while enabled"
is "$(put "$n/size" 8G)" ok "size grows an enabled nullio disk"
is "$(get "$n/size")" $((8 << 30)) "size follows the resize"
is "$(put "$n/size" 1073741825)/$(get "$n/size")" "ok/$((1 << 30))" \
	"size shrinks it, rounded down to whole blocks"
is "$(put "$n/size" 0)" "Invalid argument" "size 0 refused for nullio"
check "rmdir of an enabled device is refused" \
	bash -c "! rmdir '$n' 2>/dev/null"
check "rmmod scst_vdisk is refused while a device exists" \
	bash -c '! rmmod scst_vdisk 2>/dev/null'
is "$(put "$n/enable" 0)" ok "disable"
is "$(get "$n/size")" $((1 << 30)) "disabled: size shows the value set"
is "$(put "$n/blocksize" 512)" ok "blocksize changes again once disabled"

# --- fileio, blockio, vcdrom --------------------------------------------------
f=$h/vdisk_fileio/f1
mkdir "$f"
is "$(get "$f/filename")/$(get "$f/size")" "/0" \
	"fileio: no filename, size 0 (the file's size) by default"
is "$(put "$f/enable" 1)" "Invalid argument" \
	"fileio: enable without a filename refused"
is "$(put "$f/filename" relative/path)" "Invalid argument" \
	"fileio: a relative filename refused"
is "$(put "$f/filename" /tmp/vdisk-f1.img)/$(get "$f/filename")" \
	ok//tmp/vdisk-f1.img "fileio: an absolute filename accepted"
check "fileio has o_direct, nullio has no o_direct nor filename" \
	test -e "$f/o_direct" -a ! -e "$n/o_direct" -a ! -e "$n/filename"
rmdir "$f"

c=$h/vcdrom/cd1
mkdir "$c"
is "$(get "$c/type")/$(get "$c/read_only")/$(get "$c/removable" 2>/dev/null)" \
	5/1/ "vcdrom: type 5, read-only, no removable or blocksize attribute"
is "$(put "$c/enable" 1)/$(get "$c/block_size")/$(get "$c/size")" ok/2048/0 \
	"vcdrom: enables without a medium, 2048-byte blocks, size 0"
is "$(put "$c/enable" 0)" ok "vcdrom: disable"
rmdir "$c"

rmdir "$n"
check "rmmod scst_vdisk once no device is left" rmmod scst_vdisk
check "its handler directories are gone" test ! -e "$h/vdisk_nullio" -a \
	! -e "$h/vcdrom"
scst_unload
done_testing
