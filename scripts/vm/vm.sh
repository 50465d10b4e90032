#!/bin/bash
# Boot the installed distribution kernel under qemu with the host's / shared
# read-only (tmpfs overlay on top), run one command inside, power off.
#
# usage: vm.sh [options] [--] [COMMAND [ARG...]]
#   COMMAND ARG...  argv to run in the guest as root, cwd = project top
#   -C CODE         shell code to run in the guest instead of an argv
#   -i              interactive: the console is this terminal (Ctrl-A X
#                   quits qemu, Ctrl-A C the monitor); without a command
#                   the guest runs a login shell
#   -q              quiet: console only to the log, not to stdout
#   -n              user networking (guest 10.0.2.15, host 10.0.2.2)
#   -p PORT         with -n: forward 127.0.0.1:PORT to guest :3260 if PORT
#                   is free, else a free port (implies -n; default: any)
#   -t SEC          hard timeout for the whole VM ($SCST_VM_TIMEOUT, 1800)
#   -m MB           memory ($SCST_VM_MEM, 2048)      -c N  vCPUs ($SCST_VM_SMP, 2)
#   -e NAME=VALUE   export to the command's environment (repeatable)
#   -a ARGS         extra kernel command line
#   -r DIR          run dir (default: new dir under $SCST_CACHE/vm/runs)
#
# The run dir holds cmd.sh (the guest command), console.log, qemu.stderr,
# status ("exit N", "timeout", "crashed" or "interrupted"), hostport (with -n), out/:
# the writable results share, mounted in the guest at the same path and
# exported there as $SCST_RESULTS. Also exported: SCST_TOP, SCST_KVER,
# SCST_HOST_PORT. $SCST_CACHE/vm/last points at the newest run dir.
#
# Exit status: the guest command's; 124 if the VM hit the hard timeout;
# 125 if it ended without reporting a status (panic, qemu error, Ctrl-A X);
# 2 for usage errors. Lines "vm: ..." on stderr say what happened.
#
# CPU model: $SCST_VM_CPU, default max,-erms (see qemu_args).
#
# Accelerator: TCG. KVM exists on this kind of machine but guests hang at
# boot (VM-LAB.md), and no cheap probe tells a working KVM from that one:
# set SCST_VM_ACCEL=kvm to try it.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${SCST_CACHE:-$top/.cache}/vm

say() { echo "vm: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { sed -n '2,/^set -e/{/^set -e/d;s/^# \{0,1\}//;p}' "$0" >&2; exit 2; }

interactive=0 quiet=0 net=0 port_pref=0 code='' rundir='' extra_append=''
tmo=${SCST_VM_TIMEOUT:-1800} mem=${SCST_VM_MEM:-2048} smp=${SCST_VM_SMP:-2}
envs=()
while getopts "C:iqnp:t:m:c:e:a:r:h" o; do
	case $o in
	C) code=$OPTARG ;;
	i) interactive=1 ;;
	q) quiet=1 ;;
	n) net=1 ;;
	p) net=1 port_pref=$OPTARG ;;
	t) tmo=$OPTARG ;;
	m) mem=$OPTARG ;;
	c) smp=$OPTARG ;;
	e) envs+=("$OPTARG") ;;
	a) extra_append+=" $OPTARG" ;;
	r) rundir=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[[ $tmo =~ ^[0-9]+$ && $tmo -gt 0 ]] || { say "-t wants seconds, got '$tmo'"; usage; }
[[ $port_pref =~ ^[0-9]+$ ]] || { say "-p wants a port number, got '$port_pref'"; usage; }
(($# == 0)) || [[ -z $code ]] || { say "give either -C CODE or a COMMAND, not both"; usage; }
if (($# == 0)) && [[ -z $code ]] && ((!interactive)); then
	say "nothing to run: give a COMMAND, -C CODE, or -i"
	usage
fi
if ((interactive)) && [[ ! -t 0 ]]; then
	die "-i needs a terminal on stdin"
fi

KVER=${KVER:-$("$top/scripts/kver.sh")}
kernel=/boot/vmlinuz-$KVER
[[ -r $kernel ]] || die "$kernel is not readable"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (make deps)"
initrd=$("$here/initramfs.sh" "$KVER") || die "building the initramfs failed"

# ---- run dir ---------------------------------------------------------------
if [[ -z $rundir ]]; then
	mkdir -p "$cache/runs"
	rundir=$(mktemp -d "$cache/runs/$(date +%Y%m%d-%H%M%S)-XXXX")
	ln -sfn "runs/${rundir##*/}" "$cache/last"
fi
# Keep the newest SCST_VM_KEEP run dirs (default 20).
mapfile -t old < <(ls -1d "$cache/runs"/*/ 2>/dev/null | sort | head -n -"${SCST_VM_KEEP:-20}")
((${#old[@]} == 0)) || rm -rf -- "${old[@]}"
mkdir -p "$rundir/out"
rundir=$(cd "$rundir" && pwd)
out=$rundir/out
log=$rundir/console.log
# Paths travel on the kernel command line, which splits at blanks.
[[ $rundir != *[[:space:]]* ]] || die "run dir '$rundir' contains blanks"
rm -f "$out/.vm-exit" "$rundir/status" "$rundir/hostport"

# ---- networking: a free host port for the guest's 3260 ---------------------
# Bind-test with SO_REUSEADDR like qemu's slirp does; port 0 = any free one.
free_port() {
	python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
print(s.getsockname()[1])' "$1" 2>/dev/null
}
port=
pick_port() {
	if ((port_pref)) && port=$(free_port "$port_pref"); then
		return 0
	fi
	((port_pref == 0)) || say "host port 127.0.0.1:$port_pref is busy, picking a free one"
	port=$(free_port 0) || die "found no free host port"
}

# ---- the guest command -----------------------------------------------------
argv=("$@")
write_cmd() {
	local e
	{
		echo '#!/bin/bash'
		echo "# written by vm.sh for run $rundir"
		printf 'export SCST_TOP=%q SCST_RESULTS=%q SCST_KVER=%q SCST_HOST_PORT=%q\n' \
			"$top" "$out" "$KVER" "$port"
		for e in "${envs[@]}"; do
			printf 'export %s=%q\n' "${e%%=*}" "${e#*=}"
		done
		printf 'cd %q || exit 1\n' "$top"
		if [[ -n $code ]]; then
			printf '%s\n' "$code"
		elif ((${#argv[@]})); then
			printf 'exec'
			printf ' %q' "${argv[@]}"
			printf '\n'
		else
			echo 'exec bash -l'
		fi
	} >"$rundir/cmd.sh"
	chmod +x "$rundir/cmd.sh"
}
for e in "${envs[@]}"; do
	[[ $e == [A-Za-z_]*=* ]] || die "-e wants NAME=VALUE, got '$e'"
done

# ---- qemu ------------------------------------------------------------------
# quiet loglevel=4: only errors reach the console, everything stays in the
# log buffer (made big enough that a noisy test does not push out a WARNING).
# panic=-1 with -no-reboot: a panic ends qemu at once instead of hanging.
append="console=ttyS0 quiet loglevel=4 panic=-1 softlockup_panic=0 log_buf_len=8M"
append+=" mitigations=off tsc=reliable scst.cmd=$rundir/cmd.sh scst.out=$out"
((net)) && append+=" scst.net=1"
append+=$extra_append

# -erms: TCG runs "rep movsb" a byte per step: a 4k copy costs 9 us, eight
# times "rep movsq" (1.2 us), while on the host both take 0.1 us. With
# ERMS the guest kernel copies with movsb (memcpy, copy_to_user), which
# would make every copy cost eight times what it costs next to the rest
# on real CPUs; without it the kernel copies with movsq. Measured in the
# guest: pread of 4k from tmpfs 12.3 us with ERMS, 3.2 us without.
qemu_args() {
	QEMU=(qemu-system-x86_64 -accel "${SCST_VM_ACCEL:-tcg,thread=multi}"
		-machine q35 -cpu "${SCST_VM_CPU:-max,-erms}" -smp "$smp" -m "$mem"
		-nodefaults -no-user-config -display none -no-reboot
		-kernel "$kernel" -initrd "$initrd" -append "$append"
		-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
		-virtfs "local,path=$out,mount_tag=scstout,security_model=none,multidevs=remap")
	# shellcheck disable=SC2054 # the commas are qemu's
	if ((interactive)); then
		# mux: serial console and monitor share the terminal (Ctrl-A C);
		# signal=off: Ctrl-C goes to the guest, not to qemu.
		QEMU+=(-chardev "stdio,id=con,mux=on,signal=off,logfile=$log"
			-serial chardev:con -mon chardev=con,mode=readline)
	else
		QEMU+=(-serial stdio -monitor none)
	fi
	# shellcheck disable=SC2054 # the commas are qemu's
	if ((net)); then
		QEMU+=(-netdev "user,id=n0,hostfwd=tcp:127.0.0.1:$port-:3260"
			-device virtio-net-pci,netdev=n0,romfile=) # no PXE ROM needed
	fi
}

qpid='' wdpid='' saved_stty='' fifo=''
stop_qemu() {
	[[ -n $qpid ]] && kill -0 "$qpid" 2>/dev/null || return 0
	kill -TERM "$qpid" 2>/dev/null || true
	local i
	for ((i = 0; i < 50; i++)); do
		kill -0 "$qpid" 2>/dev/null || return 0
		sleep 0.1
	done
	say "qemu (pid $qpid) ignored SIGTERM for 5 s, killing it"
	kill -KILL "$qpid" 2>/dev/null || true
}
cleanup() {
	stop_qemu
	[[ -z $wdpid ]] || kill "$wdpid" 2>/dev/null || true
	[[ -z $saved_stty ]] || stty "$saved_stty" 2>/dev/null || true
	[[ -z $fifo ]] || rm -f "$fifo"
}
trap cleanup EXIT
on_signal() { # on_signal WHAT STATUS
	trap '' INT TERM HUP # once is enough
	say "$1, stopping the VM"
	echo interrupted >"$rundir/status"
	exit "$2"
}
trap 'on_signal interrupted 130' INT
trap 'on_signal terminated 143' TERM HUP

t0=${EPOCHREALTIME/./}
secs() { # microseconds since t0, as seconds with one decimal
	local d=$((${EPOCHREALTIME/./} - t0))
	printf '%d.%d' $((d / 1000000)) $((d % 1000000 / 100000))
}
deadline=$((t0 + tmo * 1000000))
timed_out=0 marker_rc='' started=0

# One console line from a non-interactive guest: log it, relay it, and
# catch the stage markers of init/init2.
on_line() {
	local line=${1%$'\r'}
	printf '%s\n' "$line" >&"$logfd"
	case $line in
	"scst-vm: stage2 "*)
		started=1
		say "guest up after $(secs) s (${line#*stage2 })"
		return ;;
	"scst-vm: exit rc="*)
		marker_rc=${line#scst-vm: exit rc=}
		marker_rc=${marker_rc%% *}
		return ;;
	"scst-vm: FATAL"*) say "guest: ${line#scst-vm: }"; return ;;
	"scst-vm: "*) return ;;
	esac
	# After the exit marker only the power-off chatter follows.
	[[ -z $marker_rc ]] || return 0
	((quiet)) || printf '%s\n' "$line"
}

run_batch() {
	fifo=$rundir/.console.fifo
	rm -f "$fifo"
	mkfifo "$fifo"
	"${QEMU[@]}" </dev/null >"$fifo" 2>"$rundir/qemu.stderr" &
	qpid=$!
	exec {logfd}>"$log"
	local line rem st
	while :; do
		rem=$((deadline - ${EPOCHREALTIME/./}))
		if ((rem <= 0)); then
			timed_out=1
			break
		fi
		line=
		if IFS= read -r -t "$((rem / 1000000)).$(printf '%06d' $((rem % 1000000)))" line; then
			on_line "$line"
			continue
		else
			st=$?
		fi
		[[ -z $line ]] || on_line "$line" # a last line without newline
		((st > 128)) || break             # EOF: qemu has exited
	done <"$fifo"
	if ((timed_out)); then
		say "TIMEOUT: the VM did not power off within $tmo s; stopping qemu"
		stop_qemu
	fi
	wait "$qpid" 2>/dev/null || true
	qpid=
	exec {logfd}>&-
}

run_interactive() {
	saved_stty=$(stty -g)
	: >"$log"
	# <&0: an explicit redirection keeps the terminal as qemu's stdin
	# (bash gives background jobs /dev/null otherwise).
	"${QEMU[@]}" <&0 2>"$rundir/qemu.stderr" &
	qpid=$!
	# Watchdog in pure bash (read -t on a pipe nobody writes) so that
	# killing it leaves no stray sleep behind.
	(
		exec {fd}<> <(:)
		read -r -t "$tmo" -u "$fd" || true
		: >"$rundir/.timeout"
		kill -TERM "$qpid" 2>/dev/null
		read -r -t 5 -u "$fd" || true
		kill -KILL "$qpid" 2>/dev/null
	) &
	wdpid=$!
	wait "$qpid" 2>/dev/null || true
	qpid=
	kill "$wdpid" 2>/dev/null || true
	wait "$wdpid" 2>/dev/null || true
	wdpid=
	stty "$saved_stty" 2>/dev/null || true
	if [[ -e $rundir/.timeout ]]; then
		rm -f "$rundir/.timeout"
		timed_out=1
		say "TIMEOUT: the VM did not power off within $tmo s; qemu was stopped"
	fi
	grep -q '^scst-vm: stage2' "$log" 2>/dev/null && started=1
	return 0
}

# Host port forwarding can lose a race for the port we picked: retry then.
for _ in 1 2 3; do
	if ((net)); then
		pick_port
		echo "$port" >"$rundir/hostport"
		say "iSCSI: 127.0.0.1:$port on the host -> guest port 3260"
	fi
	write_cmd
	qemu_args
	say "booting $KVER (run dir $rundir, timeout $tmo s)"
	if ((interactive)); then run_interactive; else run_batch; fi
	if ((net && !started && !timed_out)) &&
		grep -q 'Could not set up host forwarding rule' "$rundir/qemu.stderr" 2>/dev/null; then
		say "host port $port was taken meanwhile, retrying with another"
		port_pref=0
		continue
	fi
	break
done

rc=
if [[ -f $out/.vm-exit ]]; then
	rc=$(<"$out/.vm-exit")
elif [[ -n $marker_rc ]]; then
	rc=$marker_rc
fi
if ((timed_out)); then
	echo timeout >"$rundir/status"
	say "ended: TIMEOUT after $(secs) s; console log: $log"
	exit 124
fi
if [[ ! $rc =~ ^[0-9]+$ ]]; then
	echo crashed >"$rundir/status"
	say "ended after $(secs) s WITHOUT a guest exit status (kernel panic, qemu error or quit)"
	if [[ -s $rundir/qemu.stderr ]]; then
		say "qemu stderr:"
		sed 's/^/  /' "$rundir/qemu.stderr" >&2
	fi
	say "console log: $log"
	exit 125
fi
echo "exit $rc" >"$rundir/status"
say "ended after $(secs) s, guest command exit status $rc"
exit "$rc"
