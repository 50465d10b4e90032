#!/bin/bash
# make run: build the modules, boot the VM with SCST-NG's modules loaded
# from the build tree, and give you a root shell on its console.
#
#   make run                                  interactive (needs a terminal)
#   SCST_RUN_CMD='lsmod | grep scst' make run run that in the guest after the
#                                             banner, power off, exit with its status
#
# The guest has the host's / read-only with a throw-away overlay, the
# project at the same path, user networking with host 127.0.0.1:3260 (or a
# free port, printed, when 3260 is taken) forwarded to guest port 3260, and
# a results dir ($SCST_RESULTS) kept on the host, and a default disk: a
# 1 GiB vdisk_fileio device (sparse file /var/lib/scst-ng/disk0.img on a
# tmpfs) as LUN 0 of scst_local target disk0, named in the banner (if
# setting it up fails the banner says why and the VM starts anyway); its
# name is in $SCST_DISK for SCST_RUN_CMD. Leave with `exit` or
# `poweroff`; Ctrl-A X quits qemu at once. Env: SCST_VM_TIMEOUT (default
# 8 h interactive, 30 min with SCST_RUN_CMD), SCST_VM_MEM, SCST_VM_SMP.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

cmd=${SCST_RUN_CMD:-}
if [[ -z $cmd && ! -t 0 ]]; then
	cat >&2 <<'EOF'
run: standard input is not a terminal, so nobody could type into the VM's
shell; not booting. Either run `make run` from a terminal, or give a
command to run in the guest instead:
    SCST_RUN_CMD='lsmod | grep scst' make run
EOF
	exit 2
fi

make -s modules

# Runs in the guest as root, cwd = project top (see scripts/vm/vm.sh).
# Loads every module of the tree except the test-only ones (kunit/ runs
# its suites on load, bench/ is for make bench).
guest=$(
	cat <<'EOF'
. tests/harness/lib.sh
mods=()
for ko in "$SCST_TOP"/*/*.ko; do
	[[ -f $ko ]] || continue
	case ${ko#"$SCST_TOP"/} in kunit/* | bench/*) continue ;; esac
	ko=${ko##*/}
	mods+=("${ko%.ko}")
done
if ((${#mods[@]})) && ! scst_load "${mods[@]}"; then
	echo "run: loading the SCST-NG modules failed (see dmesg)"
fi
echo 4 >/proc/sys/kernel/printk # errors only on the console
# The default configuration: a 1 GiB sparse file on a tmpfs, served by
# vdisk_fileio as LUN 0 of the scst_local target disk0 (/dev/sdX).
default_disk() {
	local img=/var/lib/scst-ng/disk0.img err
	scst_loaded scst_vdisk && scst_loaded scst_local ||
		{ echo "not set up: scst_vdisk and scst_local are not both loaded"; return 1; }
	. tests/harness/scst_local.sh
	mkdir -p "${img%/*}" && mount -t tmpfs -o mode=0700 scst-ng "${img%/*}" &&
		truncate -s 1G "$img" ||
		{ echo "not set up: cannot make $img on a tmpfs"; return 1; }
	if ! { scst_local_load && scst_disk -v disk vdisk_fileio disk0 filename="$img"; } 2>/tmp/scst-disk0.err; then
		err=$(tail -n 1 /tmp/scst-disk0.err)
		echo "not set up: ${err:-scst_disk failed} (see dmesg)"
		return 1
	fi
	echo "/dev/$disk: vdisk_fileio, 1 GiB, file $img (tmpfs, sparse)"
	echo "  device $scst_cfs/handlers/vdisk_fileio/disk0"
	echo "  LUN 0 of $scst_cfs/targets/scst_local/disk0"
}
disk_info=$(default_disk) || true
disk=$(sed -n 's|^/dev/\([a-z]*\):.*|\1|p' <<<"$disk_info")
echo "==================== SCST-NG VM, kernel $SCST_KVER ===================="
echo "SCST-NG modules loaded (lsmod | grep scst):"
lsmod | grep scst || echo "  (none)"
echo "Default disk: $disk_info"
[[ -z $SCST_HOST_PORT ]] ||
	echo "iSCSI: guest port 3260 is reachable from the host at 127.0.0.1:$SCST_HOST_PORT"
echo "Project: $SCST_TOP (read-only view, writes go to a throw-away overlay)"
echo "Results: $SCST_RESULTS (kept on the host)"
echo "Leave: type 'exit' or 'poweroff' (Ctrl-A X quits qemu at once)"
echo "======================================================================="
export SCST_DISK=$disk
if [[ -n ${SCST_RUN_CMD:-} ]]; then
	bash -c "$SCST_RUN_CMD"
	exit
fi
[[ -z ${SCST_TTY_SIZE:-} ]] || stty rows "${SCST_TTY_SIZE% *}" cols "${SCST_TTY_SIZE#* }"
# There is no init system: poweroff, halt and reboot become "leave the
# shell", which powers the VM off.
cat >/root/.scst-vm.bashrc <<'RC'
[[ -f /etc/bash.bashrc ]] && . /etc/bash.bashrc
PS1='scst-vm:\w# '
poweroff() { exit 0; }
halt() { exit 0; }
reboot() { echo "reboot: not here; leave with exit and run make run again"; }
RC
exec bash --rcfile /root/.scst-vm.bashrc -i
EOF
)

args=(-n -p 3260 -C "$guest")
if [[ -n $cmd ]]; then
	args+=(-t "${SCST_VM_TIMEOUT:-1800}" -e "SCST_RUN_CMD=$cmd")
else
	args+=(-i -t "${SCST_VM_TIMEOUT:-28800}" -e "SCST_TTY_SIZE=$(stty size 2>/dev/null || echo '24 80')")
fi
exec "$top/scripts/vm/vm.sh" "${args[@]}"
