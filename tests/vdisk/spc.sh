#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# What an initiator learns about a vdisk and the SPC/SBC commands that do
# not move data, through scst_local with sg3_utils: INQUIRY with the
# identification set in configfs, the VPD pages 0x00 0x80 0x83 0x86 0xB0
# 0xB1 0xB2, READ CAPACITY(16) with the thin-provisioning bits and a 4096
# byte block size, MODE SENSE of pages 0x01 0x02 0x08 0x0A 0x1C, MODE
# SELECT with saved values (and the refusal of a field that cannot
# change), LOG SENSE pages 0x00 and 0x0C, START STOP UNIT, PREVENT ALLOW
# MEDIUM REMOVAL, FORMAT UNIT, and sg_reset at each level.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

work=/run/vdisk-spc
cleanup() {
	scst_disk_del spc4k >/dev/null 2>&1
	scst_disk_del spc >/dev/null 2>&1
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
mkdir -p "$work" && mount -t tmpfs vdisk-spc "$work" || bail_out "cannot mount a tmpfs on $work"
truncate -s 16M "$work/disk.img"
naa=6001405abcdef0123456789abcdef012
scst_disk -v d vdisk_fileio spc filename="$work/disk.img" thin_provisioned=1 rotational=0 \
	t10_vend_id=SCSTTEST prod_id=TESTDISK usn=SN0123 naa_id=$naa t10_dev_id=spc-dev-id ||
	bail_out "cannot make a vdisk_fileio disk on scst_local"
diag "disk /dev/$d, $(scsi_hctl_of "$d")"

# vpd [-v VAR] PAGE: the page's bytes (hex, blank separated)
vpd() {
	local _b
	_b=$(sg_vpd -r -p "$1" "/dev/$d" | od -An -tx1 -v) || return 1
	echo $_b
}

# ---- INQUIRY --------------------------------------------------------------------
out=$(sg_inq "/dev/$d" 2>&1)
is "$(sed -n 's/^ *Vendor identification: *//p' <<<"$out")" SCSTTEST "INQUIRY: vendor from t10_vend_id"
is "$(sed -n 's/^ *Product identification: *//p' <<<"$out" | sed 's/ *$//')" TESTDISK "INQUIRY: product from prod_id"
is "$(sed -n 's/.*PDT=\([0-9]*\).*/\1/p' <<<"$out" | head -n 1)" 0 "INQUIRY: peripheral device type 0 (disk)"

read -r -a b <<<"$(vpd 0x00)"
pages=" ${b[*]:4} "
for p in 00 80 83 86 b0 b1 b2; do
	[[ $pages == *" $p "* ]] && ok "VPD 0x00 lists page 0x$p" || { not_ok "VPD 0x00 lists page 0x$p"; diag "got: $pages"; }
done

is "$(sg_vpd -p sn "/dev/$d" 2>&1 | sed -n 's/^ *Unit serial number: *//p')" SN0123 "VPD 0x80: the serial number from usn"

# VPD 0x83: walk the designation descriptors (4-byte header each)
read -r -a b <<<"$(vpd 0x83)"
types='' naa_got='' t10=''
for ((i = 4; i + 4 <= ${#b[@]}; i += 4 + 0x${b[i + 3]})); do
	t=$((0x${b[i + 1]} & 0xf)) len=$((0x${b[i + 3]})) assoc=$(((0x${b[i + 1]} >> 4) & 3))
	types+=" $t/$assoc"
	if ((t == 3 && assoc == 0)); then
		naa_got=$(printf '%s' "${b[@]:i+4:len}")
	elif ((t == 1)); then
		t10=''
		for h in "${b[@]:i+4:len}"; do printf -v c "\\x$h"; t10+=$c; done
	fi
done
diag "VPD 0x83 designators (type/association):$types"
is "$naa_got" "$naa" "VPD 0x83: NAA designator of the LU from naa_id"
[[ $t10 == SCSTTEST* ]] && ok "VPD 0x83: T10 vendor id designator starts with the vendor" ||
	{ not_ok "VPD 0x83: T10 vendor id designator starts with the vendor"; diag "got: '$t10'"; }
[[ $types == *" 4/1"* ]] && ok "VPD 0x83: relative target port designator" || not_ok "VPD 0x83: relative target port designator"
# No ALUA port groups yet: INQUIRY says TPGS 0, and SPC-4 then has no
# target port group to name (it comes with device_groups/).
[[ $types != *" 5/1"* ]] && ok "VPD 0x83: no target port group designator without ALUA groups" ||
	not_ok "VPD 0x83: no target port group designator without ALUA groups"

read -r -a b <<<"$(vpd 0x86)"
is "${b[1]}" 86 "VPD 0x86 (extended INQUIRY data) is served"
read -r -a b <<<"$(vpd 0xb0)"
max_unmap=$((0x${b[20]}${b[21]}${b[22]}${b[23]}))
((${#b[@]} >= 64 && max_unmap > 0)) && ok "VPD 0xB0: block limits with a MAXIMUM UNMAP LBA COUNT ($max_unmap)" ||
	{ not_ok "VPD 0xB0: block limits with a MAXIMUM UNMAP LBA COUNT"; diag "page: ${b[*]}"; }
read -r -a b <<<"$(vpd 0xb1)"
is "${b[4]}${b[5]}" 0001 "VPD 0xB1: non-rotating medium (rotational=0)"
read -r -a b <<<"$(vpd 0xb2)"
is "$(((0x${b[5]} >> 5) & 7))" 7 "VPD 0xB2: LBPU, LBPWS and LBPWS10 set on a thin disk"

# ---- READ CAPACITY(16), 4096-byte blocks ----------------------------------------------
out=$(sg_readcap --long "/dev/$d" 2>&1)
is "$(sed -n 's/.*lbpme=\([01]\).*/\1/p' <<<"$out")" 1 "READ CAPACITY(16): LBPME=1 (thin)"
if scst_disk -v d4 vdisk_nullio spc4k size=64M blocksize=4096; then
	out=$(sg_readcap --long "/dev/$d4" 2>&1)
	is "$(sed -n 's/.*Logical block length=\([0-9]*\).*/\1/p' <<<"$out")" 4096 "READ CAPACITY(16) of a blocksize=4096 disk"
	is "$(sed -n 's/.*Last LBA=\([0-9]*\).*/\1/p' <<<"$out")" $((64 * 256 - 1)) "... and its last LBA for 64 MiB"
	read -r lbs <"/sys/block/$d4/queue/logical_block_size"
	is "$lbs" 4096 "... which the kernel uses"
	out=$(sg_readcap --long "/dev/$d4" 2>&1)
	is "$(sed -n 's/.*lbpme=\([01]\).*/\1/p' <<<"$out")" 0 "READ CAPACITY(16): LBPME=0 on a thick disk"
	scst_disk_del spc4k || not_ok "removing the 4096-byte disk"
else
	not_ok "a blocksize=4096 vdisk_nullio disk"
fi

check "TEST UNIT READY" sg_turs "/dev/$d"

# ---- mode pages ---------------------------------------------------------------------
for p in 01 02 08 0a 1c; do
	if mode_byte -v got "$d" "$p" 0 0; then
		is "$(printf '%02x' $((0x$got & 0x3f)))" "$p" "MODE SENSE: page 0x$p"
	else
		not_ok "MODE SENSE: page 0x$p"
	fi
done
mode_byte -v wce "$d" 08 0 2 && is "$(((0x$wce >> 2) & 1))" 1 "caching page: WCE=1 (write_through=0)"
mode_byte -v ch "$d" 08 1 2 && is "$(((0x$ch >> 2) & 1))" 1 "caching page: WCE is changeable"
check "MODE SELECT: WCE=0, saved" sg_wr_mode --page=8 --contents=0,0,0 --mask=0,0,4 --save "/dev/$d"
mode_byte -v wce "$d" 08 0 2 && is "$(((0x$wce >> 2) & 1))" 0 "... current WCE=0"
mode_byte -v wce "$d" 08 3 2 && is "$(((0x$wce >> 2) & 1))" 0 "... saved WCE=0"
check "MODE SELECT: WCE=1 again, saved" sg_wr_mode --page=8 --contents=0,0,4 --mask=0,0,4 --save "/dev/$d"
mode_byte -v wce "$d" 08 3 2 && is "$(((0x$wce >> 2) & 1))" 1 "... saved WCE=1"
# A bit the device reports as not changeable (changeable values, PC=1) and
# now 0, set by MODE SELECT: INVALID FIELD IN PARAMETER LIST, and the page
# stays as it was. sg_wr_mode refuses that itself, so MODE SELECT(6) goes
# by sg_raw with the current control page, that bit set.
modes() { sg_modes -6 -d -r -p $((16#$1)) -c "$2" "/dev/$d" 2>/dev/null | od -An -tx1 -v | tr -s ' \n' ' '; }
modes 0a 0 >/dev/null # a pending unit attention (MODE PARAMETERS CHANGED) goes here
read -r -a cur <<<"$(modes 0a 0)"
read -r -a chg <<<"$(modes 0a 1)"
pg=() byte='' bit=''
if ((${#cur[@]} > 6 && ${#chg[@]} == ${#cur[@]})); then
	pg=("${cur[@]:4 + 0x${cur[3]}}")
	off=$((4 + 0x${cur[3]}))
	for ((i = 2; i < ${#pg[@]}; i++)); do
		[[ -z $byte ]] || break
		for ((k = 7; k >= 0; k--)); do
			if (((0x${chg[off + i]} >> k & 1) == 0 && (0x${pg[i]} >> k & 1) == 0)); then
				byte=$i bit=$k
				break
			fi
		done
	done
fi
if [[ -n $byte ]]; then
	pg[0]=$(printf '%02x' $((0x${pg[0]} & 0x3f)))
	pg[byte]=$(printf '%02x' $((0x${pg[byte]} | 1 << bit)))
	: >"$work/msel"
	for h in 00 00 00 00 "${pg[@]}"; do printf "\\x$h" >>"$work/msel"; done
	len=$(stat -c %s "$work/msel")
	check_sense "MODE SELECT setting an unchangeable bit (control page byte $byte bit $bit)" "5 26 00" \
		sg_raw -v -s "$len" -i "$work/msel" "/dev/$d" 15 10 00 00 "$(printf '%02x' "$len")" 00
	read -r -a now <<<"$(modes 0a 0)"
	is "${now[*]}" "${cur[*]}" "... the control page is unchanged"
else
	not_ok "MODE SENSE of the control page (current and changeable) for MODE SELECT"
	diag "current: ${cur[*]}"
	diag "changeable: ${chg[*]}"
fi

# ---- log pages ----------------------------------------------------------------------
read -r -a b <<<"$(sg_logs -r -p 0 "/dev/$d" | od -An -tx1 -v | tr -s ' \n' ' ')"
logs=" ${b[*]:4} "
[[ $logs == *" 00 "* && $logs == *" 0c "* ]] && ok "LOG SENSE 0x00 lists pages 0x00 and 0x0C" ||
	{ not_ok "LOG SENSE 0x00 lists pages 0x00 and 0x0C"; diag "got: $logs"; }
out=$(sg_logs -p 0xc "/dev/$d" 2>&1) && rc=0 || rc=$?
((rc == 0)) && grep -qi 'provisioning' <<<"$out" && ok "LOG SENSE 0x0C: logical block provisioning page" ||
	{ not_ok "LOG SENSE 0x0C: logical block provisioning page"; diag "$out"; }

# ---- START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, FORMAT UNIT ---------------------
check "START STOP UNIT: stop" sg_start --stop "/dev/$d"
check_sense "TEST UNIT READY when stopped: NOT READY, INITIALIZING COMMAND REQUIRED" "2 04 02" sg_turs -vv "/dev/$d"
check "START STOP UNIT: start" sg_start --start "/dev/$d"
check "TEST UNIT READY after start" sg_turs "/dev/$d"
check "PREVENT MEDIUM REMOVAL" sg_prevent --prevent=1 "/dev/$d"
check "ALLOW MEDIUM REMOVAL" sg_prevent --allow "/dev/$d"
check "FORMAT UNIT" sg_format --format --quick "/dev/$d"
check "TEST UNIT READY after FORMAT UNIT" bash -c "sg_turs /dev/$d || sg_turs /dev/$d"

# ---- resets (task management through scst_local) -------------------------------------
for lvl in d t b H; do
	check "sg_reset -$lvl" sg_reset -"$lvl" "/dev/$d"
	# the first command after a reset may get its unit attention
	check "... the disk answers after it" bash -c "sg_turs /dev/$d >/dev/null 2>&1 || sg_turs /dev/$d"
done

check "removing the disk" scst_disk_del spc
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
