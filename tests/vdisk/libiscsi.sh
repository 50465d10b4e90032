#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 420
#
# libiscsi's conformance suite in its SG_IO mode: iscsi-test-cu accepts a
# /dev/sgN in place of an iscsi:// URL and sends its CDBs through SG_IO
# (its LINUX family: the tests that make sense through the Linux SCSI
# layer; it caps transfers at 120k for sg devices). Run with --dataloss
# against a thin vdisk_fileio disk. Its pass/fail counts and the failing
# tests are recorded as TAP diagnostics and in libiscsi.log in the test's
# results: conformance gaps are tracked there, not failed here. The test
# fails only if the suite could not run or did not finish.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

work=/run/vdisk-libiscsi
cleanup() {
	scst_disk_del libiscsi >/dev/null 2>&1
	scst_unload scst_local scst_vdisk >/dev/null 2>&1
	umount "$work" 2>/dev/null
}
trap cleanup EXIT

command -v iscsi-test-cu >/dev/null || skip_all "iscsi-test-cu (libiscsi-bin) is not installed"
scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
mkdir -p "$work" && mount -t tmpfs vdisk-libiscsi "$work" || bail_out "cannot mount a tmpfs on $work"
truncate -s 128M "$work/disk.img"
scst_disk -v d vdisk_fileio libiscsi filename="$work/disk.img" thin_provisioned=1 ||
	bail_out "cannot make a vdisk_fileio disk on scst_local"
scsi_sg_of -v sg "$d" || bail_out "no sg node for $d"
diag "disk /dev/$d (/dev/$sg), iscsi-test-cu $(dpkg-query -W -f='${Version}' libiscsi-bin 2>/dev/null)"

log=$SCST_TEST_RESULTS/libiscsi.log
iscsi-test-cu --dataloss --test="${SCST_LIBISCSI_TESTS:-LINUX}" --normal "/dev/$sg" >"$log" 2>&1 && rc=0 || rc=$?
# CUnit's run summary: "tests   155   155   140   15   0" (total ran passed failed inactive)
read -r _ total ran passed failed _ < <(grep -E '^ +tests +[0-9]' "$log")
if [[ -n ${total:-} ]]; then
	ok "iscsi-test-cu ran its suite on /dev/$sg (exit status $rc)"
	skipped=$(grep -c '\[SKIPPED\]' "$log")
	diag "libiscsi ${SCST_LIBISCSI_TESTS:-LINUX}: $total tests, $ran ran, $passed passed (of which $skipped reported [SKIPPED]), $failed failed"
	# "Suite Inquiry, Test EVPD had failures:"
	sed -n 's/^Suite \(.*\), Test \(.*\) had failures:.*/failed: \1.\2/p' "$log" | head -n 80 |
		while IFS= read -r l; do diag "$l"; done
else
	not_ok "iscsi-test-cu ran its suite on /dev/$sg (exit status $rc)"
	diag "$(tail -n 20 "$log")"
fi

check "removing the disk" scst_disk_del libiscsi
check "scst_local and scst_vdisk unload" scst_unload scst_local scst_vdisk
done_testing
