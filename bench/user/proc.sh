# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# The daemons of bench/user (tcmu-runner, scst_fileio) run in the
# background under timeout(1), which bounds them. Sourced after
# tests/harness/scsi.sh (scsi_nap).
#
#   proc_alive PID          PID runs (exists and is not a zombie)
#   proc_stop PID WHAT [SECONDS]
#                           SIGTERM PID's daemon (its child), wait at most SECONDS (15) for it
#                           to end, SIGKILL it and its children after
#                           that; reap it; returns its exit status (1 if
#                           it had to be killed); WHAT names it in messages

proc_alive() {
	local st=''
	{ read -r _ _ st _ <"/proc/$1/stat"; } 2>/dev/null
	[[ -n $st && $st != Z ]]
}

# proc_child PID: its first child's PID (timeout(1)'s is the daemon).
proc_child() {
	local c=''
	[[ -r /proc/$1/task/$1/children ]] && { read -r c _ <"/proc/$1/task/$1/children" || :; }
	[[ -n $c ]] && echo "$c"
}

proc_stop() {
	local pid=$1 what=$2 secs=${3:-15} i child rc=0
	[[ -n $pid ]] || return 0
	if proc_alive "$pid"; then
		# To the daemon itself: timeout(1) would pass a SIGTERM on to it
		# and then send it to its whole process group as well, and a
		# second SIGTERM can cut the daemon's own shutdown short.
		child=$(proc_child "$pid")
		kill -TERM "${child:-$pid}" 2>/dev/null
		for ((i = 0; i < secs * 10; i++)); do
			proc_alive "$pid" || break
			scsi_nap
		done
		if proc_alive "$pid"; then
			echo "$what still running ${secs} s after SIGTERM, killing it" >&2
			kill -KILL "$pid" ${child:+"$child"} 2>/dev/null
			wait "$pid" 2>/dev/null
			return 1
		fi
	fi
	wait "$pid" 2>/dev/null || rc=$?
	return "$rc"
}
