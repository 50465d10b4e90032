#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# tools/tests/bad_handler in every mode against a tgt-local LUN: the
# handler misbehaves on the first READ/WRITE it gets and the kernel must
# answer as SCST-NG says (reply.c): the bad reply gets its errno (ESRCH for
# an unknown handle, EINVAL for a wrong subcode, a bad length, an
# unaligned buffer or a second reply, EFAULT for an unreadable sense
# buffer) and the command ends HARDWARE ERROR, INTERNAL TARGET FAILURE
# (04/44/00) instead of hanging; a command user space never answers is
# aborted by the initiator's timeout and ends at abort_wait_ms; a handler
# that exits with a command unanswered has it end NOT READY (02/04/03).
# Between modes the handler is stopped (its device's cleanup must finish,
# logged) and the next one takes the orphaned device over, LUN and all.
# At the end the LUN goes, the orphan is unregistered and rmmod works.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

bh=$SCST_TOP/tools/tests/bad_handler
out=/run/user-bad-handler.out
t=$scst_cfs/targets/scst_local/ubh
pid=''
disk=''

stop_handler() {
	[[ -n $pid ]] || return 0
	kill -TERM "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=''
}
cleanup() {
	stop_handler
	scst_target_del ubh >/dev/null 2>&1
	scst_unload scst_user scst_local scst_vdisk >/dev/null 2>&1
}
trap cleanup EXIT

# start_handler MODE [OPTS...]: bad_handler in the background, ready
start_handler() {
	local mode=$1 i
	shift
	: >"$out"
	"$bh" "$@" "$mode" ubh >>"$out" 2>&1 &
	pid=$!
	for ((i = 0; i < 100; i++)); do
		grep -q "^bad_handler: ubh ready" "$out" && return 0
		kill -0 "$pid" 2>/dev/null || break
		scsi_nap 0.1
	done
	diag "bad_handler $mode did not start: $(tail -n 3 "$out")"
	return 1
}

# handler_said DESC REGEX: a TAP point on the handler's output
handler_said() {
	local i
	for ((i = 0; i < 50; i++)); do
		grep -qE "$2" "$out" && { ok "$1"; return 0; }
		scsi_nap 0.1
	done
	not_ok "$1"
	diag "want /$2/ in the handler's output:"
	diag "$(tail -n 5 "$out")"
}

cleanups() { /bin/busybox dmesg | grep -c "scst_user: ubh: cleanup done"; }

# READ(10) of 8 blocks at LBA 0
read10() { sg_raw -v -r 4096 "/dev/$disk" 28 00 00 00 00 00 00 00 08 00; }

modes=(good wrong-handle wrong-subcode long-resp negative-len unaligned-pbuf
	bad-sense long-sense twice never exit)
plan $((4 + 3 * ${#modes[@]} + 5))

scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
scst_load scst_user cleanup_step_ms=3000 abort_wait_ms=2000 tm_wait_ms=2000 ||
	bail_out "cannot load scst_user"
[[ -x $bh ]] || bail_out "no $bh (make -C tools)"

start_handler good || bail_out "bad_handler did not start"
mkdir "$t" && scst_lun_add ubh 0 ubh || bail_out "cannot map the user device to a LUN"
scsi_hosts -v _scst_hosts_before
echo 1 >"$t/enable"
host=$(scst_disk_host ubh) && scsi_wait_disk -v disk "$host" 0 30 || bail_out "no /dev/sdX for ubh"
ok "bad_handler's device is /dev/$disk"
# The POWER ON unit attention, consumed
sg_turs "/dev/$disk" >/dev/null 2>&1
check "TEST UNIT READY through a good handler" sg_turs "/dev/$disk"
check "READ(10) through a good handler" read10
stop_handler
ok "the good handler stopped"

for mode in "${modes[@]}"; do
	mark=$(cleanups)
	start_handler "$mode" ||
		{ not_ok "$mode: start"; not_ok "$mode: I/O"; not_ok "$mode: cleanup"; continue; }
	# The orphan answered NOT READY; the new handler's first answers may
	# be the unit attention of a device whose handler changed: consume.
	sg_turs "/dev/$disk" >/dev/null 2>&1
	case $mode in
	good)
		check "good: READ(10) succeeds" read10
		handler_said "good: the handler saw no error" "ubh ready"
		;;
	wrong-handle)
		check "wrong-handle: READ(10) succeeds after the right reply" read10
		handler_said "wrong-handle: the reply for an unknown handle gets ESRCH" \
			"reply with cmd_h [0-9]+: refused: ESRCH; right reply: accepted"
		;;
	wrong-subcode)
		check "wrong-subcode: READ(10) succeeds after the right reply" read10
		handler_said "wrong-subcode: a reply of another subcode gets EINVAL" \
			"subcode ALLOC_MEM: refused: EINVAL; right reply: accepted"
		;;
	long-resp | negative-len)
		check_sense "$mode: READ(10) ends HARDWARE ERROR, INTERNAL TARGET FAILURE" \
			"4 44 00" read10
		handler_said "$mode: the bad length gets EINVAL" \
			"resp_data_len -?[0-9]+ .*: refused: EINVAL"
		;;
	unaligned-pbuf)
		check_sense "unaligned-pbuf: READ(10) ends HARDWARE ERROR, INTERNAL TARGET FAILURE" \
			"4 44 00" read10
		handler_said "unaligned-pbuf: the unaligned buffer gets EINVAL" \
			"unaligned pbuf .*: refused: EINVAL"
		;;
	bad-sense)
		check_sense "bad-sense: READ(10) ends HARDWARE ERROR, INTERNAL TARGET FAILURE" \
			"4 44 00" read10
		handler_said "bad-sense: the unreadable sense buffer gets EFAULT" \
			"sense_len 18 .*: refused: EFAULT"
		;;
	long-sense)
		o=$(read10 2>&1)
		check "long-sense: READ(10) ends CHECK CONDITION (sense cut to the core's size)" \
			grep -qi "check condition" <<<"$o"
		handler_said "long-sense: the reply is taken" "sense_len 255 .*: accepted"
		;;
	twice)
		check "twice: READ(10) succeeds" read10
		handler_said "twice: the second reply is refused" \
			"reply: accepted; same reply again: refused: E(INVAL|SRCH)"
		;;
	never)
		# The initiator times out after 3 s and aborts; dev-user ends
		# the command 2 s (abort_wait_ms) after the abort.
		s0=$SECONDS
		timeout 60 sg_raw -t 3 -r 4096 "/dev/$disk" 28 00 00 00 00 00 00 00 08 00 >/dev/null 2>&1
		rc=$?
		check "never: READ(10) fails (status $rc) after the initiator's timeout, no hang ($((SECONDS - s0)) s)" \
			test "$rc" -ne 0 -a "$rc" -ne 124
		check "never: the kernel ended the aborted command at its bound (logged)" \
			grep -q "ubh: command [0-9]* (subcode 0x[0-9a-f]*) was aborted and user space did not reply within 2000 ms" \
			<(/bin/busybox dmesg)
		;;
	exit)
		check_sense "exit: READ(10) ends NOT READY, MANUAL INTERVENTION REQUIRED" \
			"2 04 03" read10
		wait "$pid"
		rc=$?
		pid=''
		is "$rc" 3 "exit: the handler exited with the command unanswered"
		;;
	esac
	stop_handler
	for ((i = 0; i < 50; i++)); do
		(($(cleanups) > mark)) && break
		scsi_nap 0.1
	done
	check "$mode: the device's cleanup finished" test "$(cleanups)" -gt "$mark"
done

check "the orphaned device answers NOT READY, MANUAL INTERVENTION REQUIRED" \
	grep -qi "manual intervention required" <(sg_turs -v "/dev/$disk" 2>&1)
start_handler good -c 0 && check "a good handler takes the device over again" read10 ||
	not_ok "a good handler takes the device over again"
stop_handler
check "removing the target" scst_target_del ubh
check "the orphan is unregistered once its LUN goes" scst_dev_gone scst_user ubh
check "rmmod scst_user works" rmmod scst_user
