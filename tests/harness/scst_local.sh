# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Guest-side helpers to make SCST-NG disks that appear as /dev/sdX through
# scst_local (source after lib.sh; sources scsi.sh):
#
#   scst_local_load                 load scst_vdisk and scst_local (and
#                                   their dependencies), sd_mod and sg
#   scst_dev HANDLER NAME [ATTR=VALUE...]
#                                   make device NAME of HANDLER, write the
#                                   attributes in the order given, enable it
#   scst_disk [-v VAR] HANDLER NAME [ATTR=VALUE...] [--lun-attr ATTR=VALUE...]
#                                   scst_dev, then a scst_local target NAME
#                                   with the device as LUN 0; wait for its
#                                   disk and print the name (sdb). The
#                                   core's device attributes (queue_depth,
#                                   read_only) go with the handler's.
#   scst_disk_host NAME             the SCSI host number of NAME's target
#   scst_lun_add TARGET LUN DEVNAME link device DEVNAME as LUN of TARGET
#   scst_lun_del TARGET LUN         remove that LUN
#   scst_disk_del NAME              undo scst_disk (target, then device)
#   scst_target_del NAME            disable scst_local target NAME, remove
#                                   its LUNs and the target
#   scst_dev_del HANDLER NAME       disable and remove a device
#   scst_dev_gone HANDLER NAME [SECONDS]
#                                   wait (default 5 s) until device NAME is
#                                   gone by itself (scst_user's, once its
#                                   handler left and its last LUN went)
#   scst_attr HANDLER NAME ATTR [VALUE]   read (print) or write an attribute
#
# Configfs layout (README "Configuring the core"):
#   handlers/<handler>/<dev>/{filename,size,...,enable}
#   targets/scst_local/<target>/{enable,luns/<lun>/<link>}
# Every wait is bounded; failures say what failed on stderr and return 1.

# shellcheck source=tests/harness/scsi.sh
. "$SCST_TOP/tests/harness/scsi.sh"

scst_cfs=/sys/kernel/config/scst
declare -gA _scst_disk_handler=()

scst_local_load() {
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	scsi_prepare || return 1
	scst_load scst_vdisk scst_local || return 1
	[[ -d $scst_cfs/targets/scst_local ]] ||
		{ echo "scst_local_load: $scst_cfs/targets/scst_local missing after loading scst_local" >&2; return 1; }
}

_scst_write() { # FILE VALUE: write, saying what failed
	local err
	if ! err=$( { printf '%s\n' "$2" >"$1"; } 2>&1); then
		echo "scst: echo '$2' > $1 failed: ${err##*: }" >&2
		return 1
	fi
}

scst_attr() {
	local f=$scst_cfs/handlers/$1/$2/$3 v
	if (($# >= 4)); then
		_scst_write "$f" "$4"
	else
		read -r v <"$f" || { echo "scst_attr: cannot read $f" >&2; return 1; }
		echo "$v"
	fi
}

scst_dev() {
	local handler=$1 name=$2 a d
	shift 2
	d=$scst_cfs/handlers/$handler/$name
	[[ -d $scst_cfs/handlers/$handler ]] || { echo "scst_dev: no handler $handler (is scst_vdisk loaded?)" >&2; return 1; }
	mkdir "$d" || { echo "scst_dev: mkdir $d failed" >&2; return 1; }
	for a in "$@"; do
		[[ $a == *=* ]] || { echo "scst_dev: '$a' is not ATTR=VALUE" >&2; return 1; }
		[[ -e $d/${a%%=*} ]] || { echo "scst_dev: $handler has no attribute ${a%%=*} ($(ls "$d" | paste -sd' '))" >&2; return 1; }
		_scst_write "$d/${a%%=*}" "${a#*=}" || return 1
	done
	_scst_write "$d/enable" 1
}

scst_dev_del() {
	local d=$scst_cfs/handlers/$1/$2 v=0
	[[ -d $d ]] || return 0
	[[ -r $d/enable ]] && read -r v <"$d/enable"
	[[ $v == 0 ]] || _scst_write "$d/enable" 0 || return 1
	rmdir "$d" || { echo "scst_dev_del: rmdir $d failed" >&2; return 1; }
}

scst_lun_add() {
	local tgt=$scst_cfs/targets/scst_local/$1 lun=$2 dev
	dev=$(compgen -G "$scst_cfs/handlers/*/$3" | head -n 1)
	[[ -n $dev ]] || { echo "scst_lun_add: no device $3" >&2; return 1; }
	mkdir "$tgt/luns/$lun" || { echo "scst_lun_add: mkdir $tgt/luns/$lun failed" >&2; return 1; }
	ln -s "$dev" "$tgt/luns/$lun/$3" || { echo "scst_lun_add: link $tgt/luns/$lun/$3 -> $dev failed" >&2; return 1; }
}

scst_lun_del() {
	local l=$scst_cfs/targets/scst_local/$1/luns/$2 f
	[[ -d $l ]] || return 0
	for f in "$l"/*; do
		[[ -L $f ]] && { rm "$f" || return 1; }
	done
	rmdir "$l" || { echo "scst_lun_del: rmdir $l failed" >&2; return 1; }
}

# The target's SCSI host: its scsi_host attribute ("7" or "host7") if the
# driver has one, else (right after scst_disk enabled it) the one SCSI host
# that appeared since, waited for at most 10 s.
_scst_hosts_before=''
scst_disk_host() {
	local t=$scst_cfs/targets/scst_local/$1 h='' i hs new
	if [[ -r $t/scsi_host ]]; then
		read -r h <"$t/scsi_host" || h=''
		h=${h#host}
		[[ $h =~ ^[0-9]+$ ]] && { echo "$h"; return 0; }
	fi
	for ((i = 0; i < 100; i++)); do
		scsi_hosts -v hs
		new=''
		for h in $hs; do
			[[ " $_scst_hosts_before " == *" $h "* ]] || new+=" $h"
		done
		# shellcheck disable=SC2086 # a list
		set -- $new
		(($# == 1)) && { echo "$1"; return 0; }
		(($# > 1)) && break
		scsi_nap
	done
	echo "scst_disk_host: cannot tell target ${t##*/}'s SCSI host (no scsi_host attribute; new hosts:${new:- none})" >&2
	return 1
}

scst_disk() {
	_getopt_v "$@"; shift $_shift
	# (locals start with "_": VAR is the caller's variable)
	local _v=$_var _handler=$1 _name=$2 _t _host _disk _a _into=dev
	local -a _dev_attrs=() _lun_attrs=()
	shift 2
	for _a in "$@"; do
		if [[ $_a == --lun-attr ]]; then _into=lun; continue; fi
		if [[ $_into == dev ]]; then _dev_attrs+=("$_a"); else _lun_attrs+=("$_a"); fi
	done
	scst_dev "$_handler" "$_name" "${_dev_attrs[@]}" || return 1
	_scst_disk_handler[$_name]=$_handler
	_t=$scst_cfs/targets/scst_local/$_name
	mkdir "$_t" || { echo "scst_disk: mkdir $_t failed" >&2; return 1; }
	scst_lun_add "$_name" 0 "$_name" || return 1
	for _a in "${_lun_attrs[@]}"; do
		_scst_write "$_t/luns/0/${_a%%=*}" "${_a#*=}" || return 1
	done
	scsi_hosts -v _scst_hosts_before
	_scst_write "$_t/enable" 1 || return 1
	_host=$(scst_disk_host "$_name") || return 1
	scsi_wait_disk -v _disk "$_host" 0 30 || return 1
	_ret "$_v" "$_disk"
}

scst_target_del() {
	local name=$1 t=$scst_cfs/targets/scst_local/$1 l v=0 rc=0
	[[ -d $t ]] || return 0
	[[ -r $t/enable ]] && read -r v <"$t/enable"
	[[ $v == 0 ]] || _scst_write "$t/enable" 0 || rc=1
	for l in "$t"/luns/*; do
		[[ -d $l ]] && { scst_lun_del "$name" "${l##*/}" || rc=1; }
	done
	rmdir "$t" || { echo "scst_target_del: rmdir $t failed" >&2; rc=1; }
	return "$rc"
}

scst_dev_gone() {
	local d=$scst_cfs/handlers/$1/$2 secs=${3:-5} i
	for ((i = 0; i < secs * 10; i++)); do
		[[ -d $d ]] || return 0
		scsi_nap
	done
	echo "scst_dev_gone: $d still there after $secs s" >&2
	return 1
}

scst_disk_del() {
	local name=$1 rc=0 handler
	scst_target_del "$name" || rc=1
	handler=${_scst_disk_handler[$name]:-}
	if [[ -z $handler ]]; then
		handler=$(compgen -G "$scst_cfs/handlers/*/$name" | head -n 1)
		handler=${handler%/*}
		handler=${handler##*/}
	fi
	[[ -z $handler ]] || scst_dev_del "$handler" "$name" || rc=1
	unset "_scst_disk_handler[$name]"
	return "$rc"
}
