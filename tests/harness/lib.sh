# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Guest-side helpers for SCST-NG VM tests. Source it from a test:
#
#   . "$(dirname "$0")/../harness/lib.sh"
#
# Tests run as root inside the VM (scripts/vmtest.sh boots it), with the
# project at $SCST_TOP (the same path as on the host) and a writable
# results dir at $SCST_TEST_RESULTS. A test prints TAP on stdout:
#
#   plan N              "1..N" (or call done_testing at the end instead)
#   ok DESC             a passing test point
#   not_ok DESC         a failing one
#   skip DESC REASON    a skipped one ("ok N - DESC # SKIP REASON")
#   skip_all REASON     "1..0 # SKIP REASON" and exit 0
#   diag MSG...         "# MSG" lines (multi-line MSG allowed)
#   check DESC CMD...   run CMD; ok if it succeeds, else not_ok plus its
#                       output as diagnostics
#   is GOT WANT DESC    ok if the strings are equal, else says both
#   bail_out REASON     "Bail out! REASON", exit 1
#   done_testing        print the plan if none yet; exit 1 if anything failed
#
# Header comments a test may carry (read by run-in-guest.sh):
#   # timeout: SECONDS        per-test timeout (default 300)
#   # dmesg-allow: ERE        kernel log lines matching ERE are not failures
#
# Kernel-side helpers: scst_ko, scst_load, scst_unload, scst_loaded,
# scst_refcnt, scst_slabinfo, meminfo_kb, pcp_free_kb, slab_objects_kb,
# drop_caches, shrink_slabs (below). Every start of a dynamically
# linked binary costs ~0.2 s in the VM: these use bash builtins and the
# static busybox where they can.

SCST_TOP=${SCST_TOP:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
SCST_TEST_RESULTS=${SCST_TEST_RESULTS:-${SCST_RESULTS:-/tmp}}

# ---- TAP -------------------------------------------------------------------
_tap_n=0 _tap_failed=0 _tap_planned=0

plan() {
	_tap_planned=1
	echo "1..$1"
}
ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $*"
}
not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n - $*"
}
skip() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n - $1 # SKIP ${2:-}"
}
skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}
diag() {
	local line
	while IFS= read -r line; do echo "# $line"; done <<<"$*"
}
check() {
	local desc=$1 out rc
	shift
	out=$("$@" 2>&1) && rc=0 || rc=$?
	if ((rc == 0)); then
		ok "$desc"
	else
		not_ok "$desc"
		diag "command: $* (exit status $rc)"
		[[ -z $out ]] || diag "$out"
	fi
	return "$rc"
}
is() {
	if [[ $1 == "$2" ]]; then
		ok "$3"
	else
		not_ok "$3"
		diag "got:  '$1'"
		diag "want: '$2'"
		return 1
	fi
}
bail_out() {
	echo "Bail out! $*"
	exit 1
}
done_testing() {
	((_tap_planned)) || plan "$_tap_n"
	exit $((_tap_failed > 0))
}

# ---- kernel helpers --------------------------------------------------------
# busybox (static) starts in ~40 ms in the VM, kmod's insmod in ~150 ms.
if [[ -x /bin/busybox ]]; then
	_insmod=(/bin/busybox insmod) _rmmod=(/bin/busybox rmmod)
else
	_insmod=(insmod) _rmmod=(rmmod)
fi

# Getters print their result, or with "-v VAR" as first arguments assign it
# to VAR: a $(...) costs a fork, 10-50 ms in the VM, which adds up in loops.
# (Their locals start with "_" so that VAR is the caller's variable.)
# The helpers work under set -euo pipefail, but check, is and the getters
# return non-zero on failure: under set -e a failing check ends the test
# (write "check ... || true" to go on).
# Files under /proc are read with mapfile: a bash read loop reads them a
# byte per syscall (~100 ms for /proc/slabinfo).
_ret() { # _ret VAR VALUE: assign if VAR given, else print
	if [[ -n $1 ]]; then printf -v "$1" '%s' "$2"; else printf '%s\n' "$2"; fi
}
_var=
_getopt_v() { # sets _var and _shift from "-v VAR" at the start of "$@"
	_var='' _shift=0
	[[ ${1:-} == -v ]] && { _var=$2 _shift=2; }
	return 0
}

# scst_ko [-v VAR] NAME: path of our freshly built NAME.ko in the build tree
# (<dir>/NAME.ko, or <dir>/<sub>/NAME.ko as bench/<name>/).
scst_ko() {
	_getopt_v "$@"; shift $_shift
	local _v=$_var _f
	for _f in "$SCST_TOP"/*/"$1".ko "$SCST_TOP"/*/*/"$1".ko; do
		[[ -f $_f ]] && { _ret "$_v" "$_f"; return 0; }
	done
	echo "scst_ko: $1.ko not found in $SCST_TOP/*/ or */*/ (make modules)" >&2
	return 1
}

# scst_loaded NAME: true if module NAME is loaded.
scst_loaded() { [[ -e /sys/module/$1/initstate ]]; }

# scst_refcnt [-v VAR] NAME: the module's reference count (empty if not loaded).
scst_refcnt() {
	_getopt_v "$@"; shift $_shift
	local _r=""
	[[ -r /sys/module/$1/refcnt ]] && read -r _r <"/sys/module/$1/refcnt"
	_ret "$_var" "$_r"
}

# _scst_deps KO VAR: the module's dependencies (blank separated), from
# modpost's NAME.mod.c (MODULE_INFO(depends, "a,b")); modinfo otherwise.
_scst_deps() {
	local _ko=$1 _line _deps=''
	local -a _lines
	if [[ -f ${_ko%.ko}.mod.c ]]; then
		mapfile -t _lines <"${_ko%.ko}.mod.c"
		for _line in "${_lines[@]}"; do
			[[ $_line == 'MODULE_INFO(depends, "'* ]] || continue
			_deps=${_line#*\"}
			_deps=${_deps%\"*}
			break
		done
	else
		_deps=$(modinfo -F depends "$_ko")
	fi
	printf -v "$2" '%s' "${_deps//,/ }"
}

# scst_load NAME [PARAM=VALUE...] [NAME [PARAM=VALUE...]]...
# insmods our modules from the build tree, dependencies first: ours from
# the tree, the kernel's (configfs, target_core_mod, ...) with modprobe.
# Arguments containing '=' are parameters of the module named before them.
scst_load() {
	local -a names=()
	local -A params=()
	local a cur=
	for a in "$@"; do
		if [[ $a == *=* ]]; then
			[[ -n $cur ]] || { echo "scst_load: parameter '$a' before any module" >&2; return 1; }
			params[$cur]+=" $a"
		else
			cur=${a%.ko}
			cur=${cur##*/}
			names+=("$cur")
		fi
	done
	local n
	for n in "${names[@]}"; do
		_scst_load_one "$n" "${params[$n]:-}" || return 1
	done
}
_scst_load_one() {
	local name=$1 opts=$2 ko deps d
	scst_loaded "$name" && return 0
	scst_ko -v ko "$name" || return 1
	_scst_deps "$ko" deps
	for d in $deps; do
		if scst_loaded "$d"; then
			continue
		elif scst_ko -v _ "$d" 2>/dev/null; then
			_scst_load_one "$d" "" || return 1
		else
			modprobe "$d" || { echo "scst_load: modprobe $d (needed by $name) failed" >&2; return 1; }
		fi
	done
	# shellcheck disable=SC2086 # opts is a word list on purpose
	"${_insmod[@]}" "$ko" $opts || { echo "scst_load: insmod $ko$opts failed" >&2; return 1; }
}

# scst_unload [NAME...]: rmmod the named modules, or every loaded scst_*
# module, users first (a module is removed once nothing holds it).
scst_unload() {
	local -a want=("$@") mods
	local name line pass progress left
	if ((${#want[@]} == 0)); then
		mapfile -t mods </proc/modules
		for line in "${mods[@]}"; do
			[[ $line == scst_* ]] && want+=("${line%% *}")
		done
	fi
	for ((pass = 0; pass < 20; pass++)); do
		progress=0 left=0
		for name in "${want[@]}"; do
			scst_loaded "$name" || continue
			if compgen -G "/sys/module/$name/holders/*" >/dev/null; then
				left=$((left + 1))
				continue
			fi
			"${_rmmod[@]}" "$name" || { echo "scst_unload: rmmod $name failed (refcnt $(scst_refcnt "$name"))" >&2; return 1; }
			progress=1
		done
		((left)) || return 0
		((progress)) || break
	done
	echo "scst_unload: still held: $(for name in "${want[@]}"; do scst_loaded "$name" && echo -n "$name "; done)" >&2
	return 1
}

# scst_slabinfo [-v VAR] [PREFIX]: "name active_objs num_objs" lines (joined
# by ", " with -v) for each slab cache whose name starts with PREFIX
# (default scst). Boot with slab_nomerge (vmtest does) or SLUB merges small
# caches into look-alikes and their names do not show.
scst_slabinfo() {
	_getopt_v "$@"; shift $_shift
	local _prefix=${1:-scst} _line _res='' _sep=$'\n'
	local -a _lines _f
	[[ -n $_var ]] && _sep=', '
	mapfile -t _lines </proc/slabinfo
	for _line in "${_lines[@]}"; do
		[[ $_line == "$_prefix"* ]] || continue
		read -r -a _f <<<"$_line"
		_res+="${_res:+$_sep}${_f[0]} ${_f[1]} ${_f[2]}"
	done
	if [[ -n $_var ]]; then printf -v "$_var" '%s' "$_res"; elif [[ -n $_res ]]; then echo "$_res"; fi
}

# meminfo_kb [-v VAR] FIELD: a /proc/meminfo value in kB (MemAvailable, Slab, ...).
meminfo_kb() {
	_getopt_v "$@"; shift $_shift
	local _line _v
	local -a _lines
	mapfile -t _lines </proc/meminfo
	for _line in "${_lines[@]}"; do
		[[ $_line == "$1:"* ]] || continue
		_v=${_line#*:}
		_v=${_v%kB}
		_ret "$_var" "$((_v))"
		return 0
	done
	return 1
}

# pcp_free_kb [-v VAR]: free pages parked on the per-CPU page lists (kB).
# MemFree and MemAvailable do not count them, and they come and go in
# steps of megabytes with allocation churn: add them back before comparing.
pcp_free_kb() {
	_getopt_v "$@"; shift $_shift
	local _line _n=0
	local -a _lines
	mapfile -t _lines </proc/zoneinfo
	for _line in "${_lines[@]}"; do
		[[ $_line =~ ^[[:space:]]+count:[[:space:]]+([0-9]+) ]] && _n=$((_n + BASH_REMATCH[1]))
	done
	_ret "$_var" "$((_n * 4))" # x86: 4 kB pages
}

# slab_objects_kb [-v VAR]: kB held by allocated objects of all slab caches
# (active objects x object size, from /proc/slabinfo). Call shrink_slabs
# first: then SLUB's counts are exact, and unlike Slab/SUnreclaim in
# /proc/meminfo (whole pages, of which partly used ones cannot be given
# back) the figure moves with what is allocated, not with fragmentation.
slab_objects_kb() {
	_getopt_v "$@"; shift $_shift
	local _line _sum=0
	local -a _lines _f
	mapfile -t _lines </proc/slabinfo
	for _line in "${_lines[@]:2}"; do
		read -r -a _f <<<"$_line"
		_sum=$((_sum + _f[1] * _f[3]))
	done
	_ret "$_var" "$((_sum / 1024))"
}

# drop_caches: drop clean page cache and reclaimable slab (dentries,
# inodes) so that memory figures compare like with like.
drop_caches() {
	sync
	echo 3 >/proc/sys/vm/drop_caches
}

# shrink_slabs: return every slab cache's empty and per-CPU partial slabs
# to the page allocator (SLUB keeps them per cache and per CPU, which makes
# SUnreclaim wander by ~150 kB with allocation churn).
shrink_slabs() {
	local f
	for f in /sys/kernel/slab/*/shrink; do
		echo 1 >"$f" 2>/dev/null
	done
	return 0
}

# ---- kernel log scan (used by run-in-guest.sh) -------------------------------
# Labels and EREs of kernel log lines that fail a test. "Call Trace:" comes
# last: it normally follows one of the others and is reported on its own
# only when nothing else explains it (a bare dump_stack(), an allocation
# failure, ...), which in a test run is a failure as well.
SCST_KLOG_PATTERNS=(
	'WARNING:' 'WARNING:'
	'kernel BUG' 'kernel BUG'
	'BUG:' 'BUG:'
	'SLUB BUG' '\] BUG [^ :]+ \('
	'Oops' 'Oops'
	'general protection fault' 'general protection fault'
	'possible circular locking' 'possible circular locking'
	'possible recursive locking' 'possible recursive locking'
	'inconsistent lock state' 'inconsistent lock state'
	'soft lockup' 'soft lockup'
	'hung task' 'hung task|blocked for more than'
	'INFO:' 'INFO: '
	'KASAN' 'KASAN'
	'UBSAN' 'UBSAN'
	'refcount_t:' 'refcount_t:'
	'list corruption' 'list_(add|del) corruption'
	'slab-out-of-bounds' 'slab-out-of-bounds'
	'slab objects remaining' 'Objects remaining|still has objects'
	'page allocation failure' 'page allocation failure'
	'kmemleak' 'unreferenced object'
	'Kernel panic' 'Kernel panic'
	'Call Trace:' 'Call Trace:'
)

# scst_klog_scan FILE [ALLOW_ERE]: report problems in the kernel log FILE.
# Prints the labels of the patterns found (one per line, in pattern order),
# a line "--", the first report in full (the first matching line and the
# 29 lines after it: RIP, modules, call trace), a line "--", and up to 20
# further matching lines with a count of the rest. Lines matching
# ALLOW_ERE are ignored. Status 0 if the log is clean, 1 otherwise.
scst_klog_scan() {
	local file=$1 allow=${2:-} all='' i lines line first='' n=0 shown=0 found=0
	local -a labels=()
	for ((i = 1; i < ${#SCST_KLOG_PATTERNS[@]}; i += 2)); do
		all+="${all:+|}${SCST_KLOG_PATTERNS[i]}"
	done
	# "NR:line" for every matching, not allowed line
	lines=$(grep -n -E -- "$all" "$file" 2>/dev/null)
	[[ -n $allow && -n $lines ]] && lines=$(grep -Ev -- "$allow" <<<"$lines")
	[[ -n $lines ]] || return 0
	for ((i = 0; i < ${#SCST_KLOG_PATTERNS[@]}; i += 2)); do
		[[ ${SCST_KLOG_PATTERNS[i]} == 'Call Trace:' ]] && ((found)) && continue
		if [[ $lines =~ ${SCST_KLOG_PATTERNS[i + 1]} ]]; then
			labels+=("${SCST_KLOG_PATTERNS[i]}")
			found=1
		fi
	done
	printf '%s\n' "${labels[@]}" --
	first=${lines%%:*}
	sed -n "${first},$((first + 29))p" "$file"
	echo --
	while IFS= read -r line; do
		((${line%%:*} <= first + 29)) && continue # shown above
		n=$((n + 1))
		((shown < 20)) || continue
		echo "${line#*:}"
		shown=$((shown + 1))
	done <<<"$lines"
	((n <= shown)) || echo "... and $((n - shown)) more matching lines"
	return 1
}
