# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Guest-side helpers to find the Linux SCSI devices a target makes, for
# tests and benchmarks (source after lib.sh):
#
#   scsi_prepare                   load sd_mod and sg (no udev in the VM)
#   scsi_nap                       sleep 0.1 s without starting a binary
#   scsi_wait_disk [-v VAR] HOST LUN [SECONDS]
#                                  wait (default 20 s) until SCSI host
#                                  HOST has a LUN LUN disk with a /dev
#                                  node; prints its name (sdb)
#   scsi_wait_gone DISK [SECONDS]  wait until /sys/block/DISK is gone
#   scsi_sg_of [-v VAR] DISK       the sg node of a disk (sg2)
#   scsi_hctl_of [-v VAR] DISK     its H:C:T:L
#   scsi_host_by_proc [-v VAR] PROC_NAME
#                                  newest SCSI host of a driver (number)
#   scsi_hosts [-v VAR]            blank-separated numbers of all hosts
#   sense_of OUTPUT                "KEY ASC ASCQ" (hex, lowercase) parsed
#                                  from an sg3_utils error message
#   check_sense DESC "KEY ASC ASCQ" CMD...   a TAP point: CMD fails with it
#   mode_byte [-v VAR] DISK PAGE PC OFFSET   one byte of a mode page
#
# Every wait is bounded and says on stderr what it waited for.

scsi_prepare() {
	local m
	for m in sd_mod sg; do
		[[ -d /sys/module/$m ]] || modprobe "$m" ||
			{ echo "scsi_prepare: modprobe $m failed" >&2; return 1; }
	done
}

# bash's read with a timeout sleeps in the shell itself; the fd is a pipe
# nobody writes to. A $(sleep) costs ~0.2 s under TCG.
exec {_scsi_nap_fd}<> <(:)
scsi_nap() { read -r -t "${1:-0.1}" -u "$_scsi_nap_fd" || true; }

scsi_hosts() {
	_getopt_v "$@"; shift $_shift
	local _h _res=''
	for _h in /sys/class/scsi_host/host*; do
		[[ -e $_h ]] && _res+="${_res:+ }${_h##*/host}"
	done
	_ret "$_var" "$_res"
}

# The newest (highest-numbered) host whose driver is PROC_NAME.
scsi_host_by_proc() {
	_getopt_v "$@"; shift $_shift
	local _h _p _best=''
	for _h in /sys/class/scsi_host/host*; do
		[[ -r $_h/proc_name ]] || continue
		read -r _p <"$_h/proc_name"
		[[ $_p == "$1" ]] || continue
		_h=${_h##*/host}
		[[ -z $_best || $_h -gt $_best ]] && _best=$_h
	done
	[[ -n $_best ]] || { echo "scsi_host_by_proc: no SCSI host of driver '$1'" >&2; return 1; }
	_ret "$_var" "$_best"
}

scsi_wait_disk() {
	_getopt_v "$@"; shift $_shift
	local _host=$1 _lun=$2 _secs=${3:-20} _i _d _name=''
	for ((_i = 0; _i < _secs * 10; _i++)); do
		for _d in /sys/class/scsi_host/host"$_host"/device/target*/"$_host":*:*:"$_lun"/block/*; do
			[[ -e $_d ]] || continue
			_name=${_d##*/}
			[[ -b /dev/$_name ]] && { _ret "$_var" "$_name"; return 0; }
		done
		scsi_nap
	done
	if [[ -n $_name ]]; then
		echo "scsi_wait_disk: $_name (host $_host LUN $_lun) has no /dev node after ${_secs} s" >&2
	elif [[ -e /sys/class/scsi_host/host$_host ]]; then
		echo "scsi_wait_disk: SCSI host $_host shows no disk at LUN $_lun after ${_secs} s ($(ls -d /sys/class/scsi_host/host"$_host"/device/target*/* 2>/dev/null | sed 's|.*/||' | paste -sd' '))" >&2
	else
		echo "scsi_wait_disk: there is no SCSI host $_host" >&2
	fi
	return 1
}

scsi_wait_gone() {
	local _disk=$1 _secs=${2:-20} _i
	for ((_i = 0; _i < _secs * 10; _i++)); do
		[[ -e /sys/block/$_disk ]] || return 0
		scsi_nap
	done
	echo "scsi_wait_gone: /sys/block/$_disk still there after ${_secs} s" >&2
	return 1
}

scsi_sg_of() {
	_getopt_v "$@"; shift $_shift
	local _g
	for _g in /sys/block/"$1"/device/scsi_generic/*; do
		[[ -e $_g ]] && { _ret "$_var" "${_g##*/}"; return 0; }
	done
	echo "scsi_sg_of: $1 has no sg node (is sg loaded?)" >&2
	return 1
}

scsi_hctl_of() {
	_getopt_v "$@"; shift $_shift
	local _l
	_l=$(readlink "/sys/block/$1/device") || { echo "scsi_hctl_of: no /sys/block/$1/device" >&2; return 1; }
	_ret "$_var" "${_l##*/}"
}

# sg3_utils print a failed command's sense in words and, with -v, in hex:
#   Fixed format, current; Sense key: Illegal Request
#   Additional sense: Logical block address out of range
#    Raw sense data (in hex), sb_len=18, embedded_len=18
#           70 00 05 00 00 00 00 0a  00 00 00 00 21 00 00 00
#           00 00
# sense_of takes the bytes after the first "Raw sense data" line: fixed
# format (70h/71h) has the key in byte 2 and ASC/ASCQ in 12/13,
# descriptor format (72h/73h) in 1, 2 and 3. Prints "none" (status 1)
# if the output has no sense data.
sense_of() {
	local line in=0 b
	local -a f=() w
	while IFS= read -r line; do
		if ((!in)); then
			[[ $line == *'Raw sense data'* ]] && in=1
			continue
		fi
		[[ $line =~ ^[[:space:]]*([0-9a-f]{2}[[:space:]]*)+$ ]] || break
		read -r -a w <<<"$line"
		f+=("${w[@]}")
	done <<<"$1"
	((${#f[@]} >= 4)) || { echo "none"; return 1; }
	b=${f[0]}
	case $b in
	70 | 71 | f0 | f1)
		((${#f[@]} >= 14)) || { echo "short"; return 1; }
		printf '%x %s %s\n' $((0x${f[2]} & 0xf)) "${f[12]}" "${f[13]}"
		;;
	72 | 73)
		printf '%x %s %s\n' $((0x${f[1]} & 0xf)) "${f[2]}" "${f[3]}"
		;;
	*)
		echo "unknown"
		return 1
		;;
	esac
}

# check_sense DESC "KEY ASC ASCQ" CMD...: CMD (an sg3_utils command; give it
# -vv, sg_raw -v, so that it prints the raw sense) must fail with that
# sense (a glob: "2 3a *" takes any ASCQ), e.g.
#   check_sense "read past the end" "5 21 00" sg_raw -v /dev/sdb 28 00 ...
check_sense() {
	local desc=$1 want=$2 out rc got
	shift 2
	out=$("$@" 2>&1) && rc=0 || rc=$?
	got=$(sense_of "$out")
	# shellcheck disable=SC2053 # WANT may have a glob: "2 3a *"
	if ((rc != 0)) && [[ $got == $want ]]; then
		ok "$desc"
		return 0
	fi
	not_ok "$desc"
	diag "command: $* (exit status $rc)"
	diag "sense got: '$got', want: '$want'"
	[[ -z $out ]] || diag "$(head -n 20 <<<"$out")"
	return 1
}

# mode_byte [-v VAR] DISK PAGE PC OFFSET: byte OFFSET (from the page code
# byte) of mode page PAGE (hex) with page control PC (0 current, 1
# changeable, 2 default, 3 saved), as two hex digits, from MODE SENSE(6)
# without block descriptors.
mode_byte() {
	_getopt_v "$@"; shift $_shift
	local _b _hdr
	# twice: the first may get a unit attention (MODE PARAMETERS CHANGED)
	_b=$(sg_modes -6 -d -r -p $((16#$2)) -c "$3" "/dev/$1" 2>/dev/null | od -An -tx1 -v)
	[[ -n $_b ]] || _b=$(sg_modes -6 -d -r -p $((16#$2)) -c "$3" "/dev/$1" | od -An -tx1 -v)
	read -r -a _b <<<"$(echo $_b)"
	((${#_b[@]} > 4)) || { echo "mode_byte: no mode page $2 from $1" >&2; return 1; }
	_hdr=$((4 + 0x${_b[3]}))
	((_hdr + $4 < ${#_b[@]})) || { echo "mode_byte: page $2 of $1 is shorter than byte $4" >&2; return 1; }
	_ret "$_var" "${_b[_hdr + $4]}"
}
