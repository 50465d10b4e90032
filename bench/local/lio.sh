# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# LIO through raw configfs (no targetcli: a Python start costs seconds in
# the VM): a tcm_loop SAS target with one LUN on an rd_mcp (rd_nullio=1)
# or a fileio backstore. Sourced by bench/local/run.sh, after
# tests/harness/{lib,scsi}.sh.
#
#   lio_setup nullio SIZE_BYTES      sets lio_disk to the disk's name (sdX)
#   lio_setup fileio FILE SIZE_BYTES
#   lio_teardown                     undo all of it (whatever exists under
#                                    loopback/ and core/), unload LIO's
#                                    modules
# and, for any LIO backstore (bench/user/tcmu.sh uses them for TCMU):
#   tcm_loop_export WWN IWWN DEV VAR  export the enabled backstore DEV (its
#                                    core/ directory) as LUN 0 of tcm_loop
#                                    target WWN, initiator IWWN; sets VAR
#                                    to the disk's name (sdX)
#   tcm_loop_unexport [WWN]          remove target WWN (default: every
#                                    one) and, once none is left, the
#                                    fabric's directory
#
# The layout (drivers/target/target_core_configfs.c, loopback/tcm_loop.c):
#   core/<hba>_<n>/<dev>/control   "rd_pages=N,rd_nullio=1" for rd_mcp,
#                                  "fd_dev_name=F,fd_dev_size=N" for fileio
#   core/<hba>_<n>/<dev>/enable    1 configures the backstore
#   loopback/naa.<wwn>/            the target port: a SCSI host appears
#   loopback/naa.<wwn>/tpgt_1/lun/lun_0/<link> -> core/.../<dev>
#                                  tcm_loop adds the SCSI device
#   loopback/naa.<wwn>/tpgt_1/nexus  "naa.<wwn>" of the initiator port
#   loopback/naa.<wwn>/tpgt_1/address  "host:0:tpgt"
# rd_mcp is part of target_core_mod; fileio is target_core_file.

lio_cfs=/sys/kernel/config/target
lio_wwn=naa.5001405000000001
lio_iwwn=naa.5001405000000002
lio_disk=''

lio_setup() {
	local kind=$1 lio_hba lio_dev
	lio_disk=''
	mountpoint -q /sys/kernel/config || mount -t configfs none /sys/kernel/config
	# LIO's db_root (persistent reservations, ALUA state); without it
	# target_core_mod logs an error at load.
	mkdir -p /etc/target
	modprobe target_core_mod || { echo "lio: modprobe target_core_mod failed" >&2; return 1; }
	modprobe tcm_loop || { echo "lio: modprobe tcm_loop failed" >&2; return 1; }
	case $kind in
	nullio)
		lio_hba=rd_mcp_0 lio_dev=nullio
		mkdir -p "$lio_cfs/core/$lio_hba/$lio_dev" || return 1
		# rd_pages sets the size (pages of PAGE_SIZE); nothing is allocated
		# with rd_nullio=1: reads return what the buffer had, writes vanish.
		echo "rd_pages=$(($2 / 4096)),rd_nullio=1" >"$lio_cfs/core/$lio_hba/$lio_dev/control" || return 1
		;;
	fileio)
		modprobe target_core_file || { echo "lio: modprobe target_core_file failed" >&2; return 1; }
		lio_hba=fileio_0 lio_dev=fileio
		mkdir -p "$lio_cfs/core/$lio_hba/$lio_dev" || return 1
		local opts="fd_dev_name=$2,fd_dev_size=$3"
		# LIO's default is O_DSYNC writes reported as WCE=0; buffered
		# (WCE=1) is what SCST-NG's fileio does unless write_through=1.
		[[ ${LIO_FILEIO_BUFFERED:-1} == 1 ]] && opts+=",fd_buffered_io=1"
		echo "$opts" >"$lio_cfs/core/$lio_hba/$lio_dev/control" || return 1
		;;
	*)
		echo "lio_setup: unknown kind '$kind'" >&2
		return 1
		;;
	esac
	echo 1 >"$lio_cfs/core/$lio_hba/$lio_dev/enable" || { echo "lio: enabling $lio_hba/$lio_dev failed" >&2; return 1; }
	tcm_loop_export "$lio_wwn" "$lio_iwwn" "$lio_cfs/core/$lio_hba/$lio_dev" lio_disk
}

tcm_loop_export() {
	local wwn=$1 iwwn=$2 dev=$3 var=$4 tpg hostno
	tpg=$lio_cfs/loopback/$wwn/tpgt_1
	mkdir -p "$tpg/lun/lun_0" || return 1
	# The nexus first: linking the LUN makes tcm_loop add the SCSI
	# device, whose scan fails without an I_T nexus.
	echo "$iwwn" >"$tpg/nexus" || { echo "tcm_loop: writing the nexus of $wwn failed" >&2; return 1; }
	ln -s "$dev" "$tpg/lun/lun_0/${dev##*/}" || return 1
	read -r hostno <"$tpg/address" || return 1
	hostno=${hostno%%:*}
	scsi_wait_disk -v "$var" "$hostno" 0 30
}

tcm_loop_unexport() {
	local pat=${1:-naa.*} wwn tpg l d rc=0
	# shellcheck disable=SC2086 # $pat is a glob (or one name)
	for wwn in "$lio_cfs"/loopback/$pat; do
		[[ -d $wwn ]] || continue
		for tpg in "$wwn"/tpgt_*; do
			[[ -d $tpg ]] || continue
			# The LUNs first (tcm_loop removes their SCSI devices),
			# then the nexus: it cannot go while a LUN is linked.
			for l in "$tpg"/lun/lun_*; do
				[[ -d $l ]] || continue
				for d in "$l"/*; do
					[[ -L $d ]] && { rm "$d" || rc=1; }
				done
				rmdir "$l" || rc=1
			done
			grep -q naa "$tpg/nexus" 2>/dev/null && { echo NULL >"$tpg/nexus" || rc=1; }
			rmdir "$tpg" || rc=1
		done
		rmdir "$wwn" || rc=1
	done
	# The fabric's directory holds a reference on tcm_loop.
	if [[ -d $lio_cfs/loopback ]] && ! compgen -G "$lio_cfs/loopback/naa.*" >/dev/null; then
		rmdir "$lio_cfs/loopback" || rc=1
	fi
	return "$rc"
}

lio_teardown() {
	local l d rc=0
	tcm_loop_unexport || rc=1
	for d in "$lio_cfs"/core/rd_mcp_* "$lio_cfs"/core/fileio_*; do
		[[ -d $d ]] || continue
		for l in "$d"/*; do
			[[ -d $l && ! -L $l ]] && { rmdir "$l" || rc=1; }
		done
		rmdir "$d" || rc=1
	done
	lio_disk=''
	# Unloaded, so that nothing of LIO runs while SCST-NG is measured
	# (target_core_mod loads its other backends itself on the first
	# backstore mkdir).
	for l in tcm_loop target_core_file target_core_iblock target_core_pscsi target_core_user target_core_mod; do
		[[ -d /sys/module/$l ]] || continue
		rmmod "$l" || { echo "lio: rmmod $l failed" >&2; rc=1; }
	done
	((rc == 0)) || echo "lio_teardown: could not undo everything" >&2
	return "$rc"
}
