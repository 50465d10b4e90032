# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# LIO's user backstore: a TCMU device (target_core_user) served by Debian's
# tcmu-runner with its qcow handler, exported through tcm_loop with
# bench/local/lio.sh's tcm_loop_export (raw configfs, no targetcli).
# Sourced by bench/user/run.sh, after tests/harness/{lib,scsi}.sh,
# bench/local/lio.sh and bench/user/proc.sh.
#
#   tcmu_setup IMAGE SIZE_BYTES LOGDIR
#                      make the TCMU device on the qcow2 IMAGE, start
#                      tcmu-runner (its log in LOGDIR), link the device as
#                      LUN 0 of a tcm_loop target; sets tcmu_disk (sdX)
#   tcmu_teardown      undo all of it, stop tcmu-runner, unload LIO
#
# Debian's tcmu-runner has no plain file handler (its handlers: qcow, rbd,
# fbo = file_optical, zbc), so the image is a qcow2 file, preallocated in
# full so that no write allocates clusters.
#
# The layout (drivers/target/target_core_user.c):
#   core/user_<n>/<dev>/control  "dev_config=<handler>/<handler's config>"
#                                (for qcow: the image's path), "dev_size=N"
#   core/user_<n>/<dev>/enable   1 makes the UIO device /dev/uioN, whose
#                                sysfs name is "tcm-user/<n>/<dev>/<config>"
# tcmu-runner needs no D-Bus (it logs nothing worse than not exporting its
# D-Bus interface) and no configuration beyond /etc/tcmu/tcmu.conf, which
# Debian's package installs; it opens every TCMU UIO device that exists
# when it starts and hears of later ones over netlink. It is started after
# the device is enabled and is ready once it holds the device's /dev/uioN
# open; commands sent before that would wait for it (cmd_time_out, 30 s).

tcmu_cfs=/sys/kernel/config/target
tcmu_wwn=naa.5001405000000011
tcmu_iwwn=naa.5001405000000012
tcmu_hba=user_0
tcmu_dev=bench_tcmu
tcmu_disk=''
tcmu_pid=''        # timeout(1)'s
tcmu_runner_pid=''

_tcmu_mod() {
	modprobe "$1" || { echo "tcmu: modprobe $1 failed" >&2; return 1; }
}

# _tcmu_uio: the /dev/uioN of our device (from the UIO devices' names).
_tcmu_uio() {
	local u name
	for u in /sys/class/uio/uio*; do
		[[ -r $u/name ]] || continue
		read -r name <"$u/name"
		[[ $name == tcm-user/*/"$tcmu_dev"/* ]] && { echo "/dev/${u##*/}"; return 0; }
	done
	return 1
}

# _tcmu_wait_open UIO SECONDS: wait until tcmu-runner (the child of the
# timeout(1) that bounds it) holds UIO open; sets tcmu_runner_pid.
_tcmu_wait_open() {
	local uio=$1 secs=$2 i fd
	for ((i = 0; i < secs * 10; i++)); do
		proc_alive "$tcmu_pid" || { echo "tcmu: tcmu-runner exited before opening $uio" >&2; return 1; }
		[[ -n $tcmu_runner_pid ]] || tcmu_runner_pid=$(proc_child "$tcmu_pid")
		for fd in /proc/"${tcmu_runner_pid:-none}"/fd/*; do
			[[ $fd -ef $uio ]] && return 0
		done
		scsi_nap
	done
	echo "tcmu: tcmu-runner${tcmu_runner_pid:+ (pid $tcmu_runner_pid)} did not open $uio within ${secs} s" >&2
	return 1
}

tcmu_setup() {
	local image=$1 size=$2 logdir=$3 d uio
	tcmu_disk=''
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	command -v tcmu-runner >/dev/null || { echo "tcmu: no tcmu-runner on this system (scripts/deps.sh installs it)" >&2; return 1; }
	# LIO's db_root, as in bench/local/lio.sh.
	mkdir -p /etc/target
	_tcmu_mod target_core_mod && _tcmu_mod target_core_user && _tcmu_mod tcm_loop || return 1
	d=$tcmu_cfs/core/$tcmu_hba/$tcmu_dev
	mkdir -p "$d" || return 1
	# One setting a write: the parser takes "a=b,c=d" too, but a bad key
	# is then reported for the whole line.
	echo "dev_config=qcow/$image" >"$d/control" || { echo "tcmu: setting dev_config failed" >&2; return 1; }
	echo "dev_size=$size" >"$d/control" || { echo "tcmu: setting dev_size failed" >&2; return 1; }
	echo 1 >"$d/enable" || { echo "tcmu: enabling $tcmu_hba/$tcmu_dev failed" >&2; return 1; }
	uio=$(_tcmu_uio) || { echo "tcmu: no UIO device for $tcmu_dev after enabling it" >&2; return 1; }

	mkdir -p "$logdir"
	# Bounded like every wait: by $daemon_secs (run.sh: long enough for
	# one configuration's jobs); tcmu_teardown stops it before that.
	timeout "${daemon_secs:-1800}" tcmu-runner -l "$logdir" >"$logdir/stdout" 2>&1 &
	tcmu_pid=$! tcmu_runner_pid=''
	_tcmu_wait_open "$uio" 30 || return 1

	tcm_loop_export "$tcmu_wwn" "$tcmu_iwwn" "$d" tcmu_disk
}

tcmu_teardown() {
	local l d rc=0
	tcm_loop_unexport "$tcmu_wwn" || rc=1
	# tcmu-runner stops before the device goes: removing the device
	# while tcmu-runner runs makes it answer a netlink event the kernel
	# does not wait for (the device's nl_reply_supported is 0), and the
	# kernel logs "tcmu nl cmd 2/0 completion could not find device".
	# On SIGTERM it closes its devices (and the image) and ends.
	if [[ -n $tcmu_pid ]]; then
		proc_stop "$tcmu_pid" tcmu-runner || { echo "tcmu: tcmu-runner did not end cleanly (exit status $?)" >&2; rc=1; }
		tcmu_pid='' tcmu_runner_pid=''
	fi
	d=$tcmu_cfs/core/$tcmu_hba
	if [[ -d $d ]]; then
		[[ -d $d/$tcmu_dev ]] && { rmdir "$d/$tcmu_dev" || rc=1; }
		rmdir "$d" || rc=1
	fi
	tcmu_disk=''
	for l in tcm_loop target_core_user target_core_file target_core_iblock target_core_pscsi target_core_mod uio; do
		[[ -d /sys/module/$l ]] || continue
		# Built in modules have a /sys/module directory but no refcnt.
		[[ -e /sys/module/$l/refcnt ]] || continue
		rmmod "$l" || { echo "tcmu: rmmod $l failed" >&2; rc=1; }
	done
	((rc == 0)) || echo "tcmu_teardown: could not undo everything" >&2
	return "$rc"
}
