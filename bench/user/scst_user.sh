# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# SCST-NG's user-space handler: tools/fileio/scst_fileio serving a file
# through /dev/scst_user (module scst_user), exported as LUN 0 of a
# scst_local target. Sourced by bench/user/run.sh, after
# tests/harness/{lib,scst_local}.sh and bench/user/proc.sh.
#
#   user_check           can it run here? If not, says why in user_why
#   user_setup NAME FILE LOG [ARG...]
#                        start scst_fileio [ARG...] NAME FILE (its output
#                        in LOG), wait until it is registered, make target
#                        NAME with the device as LUN 0; sets user_disk
#   user_teardown NAME   remove the target, stop scst_fileio (SIGTERM),
#                        wait for the device to go, unload scst_user
#
# The contract with tools/ and dev-user/: scst_fileio prints
# "scst_fileio: NAME ready" once the device is registered and ends on
# SIGTERM (unregistering it); a registered device is
# handlers/scst_user/NAME in SCST-NG's configfs and is linked into a
# target's LUN like any other device; the handler's own directory is
# handlers/scst_user, there once the module is loaded.

user_bin=$SCST_TOP/tools/fileio/scst_fileio
user_why=''
user_disk=''
user_pid='' # timeout(1)'s; scst_fileio is its child

user_check() {
	user_why=''
	if [[ ! -x $user_bin ]]; then
		user_why="no $user_bin (tools/ not built or not merged)"
	elif ! scst_ko -v _ scst_user 2>/dev/null; then
		user_why="no scst_user.ko in the build tree (dev-user/ not built or not merged)"
	fi
	[[ -z $user_why ]]
}

# _user_wait_ready NAME LOG SECONDS: the "ready" line in LOG, then the
# device's directory in configfs.
_user_wait_ready() {
	local name=$1 log=$2 secs=$3 i line said=0
	local -a lines
	for ((i = 0; i < secs * 10; i++)); do
		mapfile -t lines <"$log"
		for line in "${lines[@]}"; do
			[[ $line == "scst_fileio: $name ready" ]] && said=1
		done
		((said)) && [[ -d $scst_cfs/handlers/scst_user/$name ]] && return 0
		proc_alive "$user_pid" || {
			echo "scst_user: scst_fileio ended before it was ready: $(tail -n 3 "$log" | paste -sd' ')" >&2
			return 1
		}
		scsi_nap
	done
	if ((said)); then
		echo "scst_user: scst_fileio said ready but $scst_cfs/handlers/scst_user/$name did not appear within ${secs} s" >&2
	else
		echo "scst_user: no 'scst_fileio: $name ready' from scst_fileio within ${secs} s: $(tail -n 3 "$log" | paste -sd' ')" >&2
	fi
	return 1
}

user_setup() {
	local name=$1 file=$2 log=$3 t host
	shift 3
	user_disk=''
	user_check || { echo "scst_user: $user_why" >&2; return 1; }
	scst_local_load || return 1
	scst_load scst_user || return 1
	[[ -c /dev/scst_user ]] || { echo "scst_user: no /dev/scst_user after loading scst_user" >&2; return 1; }
	# There before scst_fileio opens it: _user_wait_ready reads it at once.
	: >"$log"
	# Bounded by $daemon_secs (run.sh), stopped by user_teardown before.
	timeout "${daemon_secs:-1800}" "$user_bin" "$@" "$name" "$file" >"$log" 2>&1 &
	user_pid=$!
	_user_wait_ready "$name" "$log" 30 || return 1

	t=$scst_cfs/targets/scst_local/$name
	mkdir "$t" || { echo "scst_user: mkdir $t failed" >&2; return 1; }
	scst_lun_add "$name" 0 "$name" || return 1
	scsi_hosts -v _scst_hosts_before
	echo 1 >"$t/enable" || { echo "scst_user: enabling target $name failed" >&2; return 1; }
	host=$(scst_disk_host "$name") || return 1
	scsi_wait_disk -v user_disk "$host" 0 30
}

user_teardown() {
	local name=$1 rc=0
	scst_target_del "$name" || rc=1
	if [[ -n $user_pid ]]; then
		proc_stop "$user_pid" scst_fileio || { echo "scst_user: scst_fileio did not end cleanly on SIGTERM (exit status $?)" >&2; rc=1; }
		user_pid=''
	fi
	# The device unregisters when scst_fileio closes /dev/scst_user.
	scst_dev_gone scst_user "$name" 10 || rc=1
	user_disk=''
	scst_unload scst_user scst_local scst_vdisk || rc=1
	return "$rc"
}
