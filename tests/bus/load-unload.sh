#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Load and unload scst_bus.ko $SCST_CYCLES times (default 50). Each cycle:
# the module loads, is live, has reference count 0 (nobody uses it), and is
# gone after rmmod. Over the cycles: no scst* slab cache outlives the
# module, and slab objects, unreclaimable slab, vmalloc use and available
# memory do not grow beyond what the kernel's own noise explains. The
# harness checks that the kernel log stays clean.
. "$(dirname "$0")/../harness/lib.sh"

mod=scst_bus
cycles=${SCST_CYCLES:-50}

# Memory bounds over the measured cycles (all but the first, which warms up
# module loading), each figure taken after drop_caches and shrinking every
# slab cache. Measured over 49 cycles, several boots (bus at 35a0953, a
# no-op module), and with a module leaking one kmalloc per cycle:
#                       noise          leak 2 kB/cycle  leak 4 kB/cycle
#   slab objects (kB)   -10..+62       +77..+119        +177..+198
#   SUnreclaim (kB)     -84..+132      -4..+144         +232..+300
#   VmallocUsed (kB)    -16..+16
#   MemAvailable        megabytes, in steps: pages parked on the per-CPU
#                       free lists, which it does not count; with those
#                       added back: shrinks 110..290 kB (4 kB leak: 356)
# So the slab-objects bound catches kmalloc leaks from ~3 kB per cycle, the
# page-based ones are coarse backstops. Smaller leaks in our own caches
# show in the scst* slabinfo check (slab_nomerge) and as kmem_cache_destroy's
# "still has objects" in the kernel log.
max_objects_kb=${SCST_MAX_OBJECTS_KB:-128}
max_sunreclaim_kb=${SCST_MAX_SUNRECLAIM_KB:-320}
max_vmalloc_kb=${SCST_MAX_VMALLOC_KB:-128}
max_avail_drop_kb=${SCST_MAX_AVAIL_DROP_KB:-512}

plan 10

ko=$(scst_ko "$mod") || bail_out "$mod.ko is not built (make modules)"
ok "$mod.ko is built: $ko"

if scst_loaded "$mod"; then
	scst_unload "$mod" || bail_out "$mod was loaded before the test and does not unload"
fi

# mem_snapshot PREFIX: sets PREFIX_ob, _su, _vm, _av, _sl, _pcp (kB) after
# dropping the page cache and reclaimable slab and shrinking all caches.
mem_snapshot() {
	drop_caches
	shrink_slabs
	slab_objects_kb -v "${1}_ob"
	meminfo_kb -v "${1}_su" SUnreclaim
	meminfo_kb -v "${1}_vm" VmallocUsed
	meminfo_kb -v "${1}_av" MemAvailable
	pcp_free_kb -v "${1}_pcp"
	printf -v "${1}_av" '%s' $(("${1}_av" + "${1}_pcp"))
	meminfo_kb -v "${1}_sl" Slab
}

# The loop avoids $(...): a fork costs 10-50 ms in the VM.
errf=$SCST_TEST_RESULTS/cycle.err
scst_slabinfo -v slabs_before
load_fail=0 live_fail=0 ref_fail=0 gone_fail=0 slab_fail=0
first_err='' slabs_loaded='' ref=''
# set by mem_snapshot (printf -v)
base_ob='' base_su='' base_vm='' base_av='' base_sl='' base_pcp=''
end_ob='' end_su='' end_vm='' end_av='' end_sl='' end_pcp=''
note() { [[ -n $first_err ]] || first_err="cycle $1: $2"; }

for ((i = 1; i <= cycles; i++)); do
	if ! scst_load "$mod" 2>"$errf"; then
		load_fail=$((load_fail + 1))
		note "$i" "load failed: $(<"$errf")"
		continue
	fi
	state=
	[[ -r /sys/module/$mod/initstate ]] && read -r state <"/sys/module/$mod/initstate"
	if [[ $state != live ]]; then
		live_fail=$((live_fail + 1))
		note "$i" "initstate is '$state', not live"
	fi
	scst_refcnt -v ref "$mod"
	if [[ $ref != 0 ]]; then
		ref_fail=$((ref_fail + 1))
		note "$i" "refcnt is '$ref' with no users"
	fi
	((i == 1)) && scst_slabinfo -v slabs_loaded
	if ! scst_unload "$mod" 2>"$errf"; then
		gone_fail=$((gone_fail + 1))
		note "$i" "unload failed: $(<"$errf")"
		break # it stays loaded: further cycles would only repeat this
	fi
	mapfile -t mods </proc/modules
	if scst_loaded "$mod" || [[ " ${mods[*]%% *} " == *" $mod "* ]]; then
		gone_fail=$((gone_fail + 1))
		note "$i" "still present after rmmod"
	fi
	scst_slabinfo -v left
	if [[ -n $left ]]; then
		slab_fail=$((slab_fail + 1))
		note "$i" "scst* slab caches survive unload: $left"
	fi
	# Baseline after the first cycle: module loading itself allocates
	# things once (kernfs nodes, vmap areas) that later cycles reuse.
	((i == 1)) && mem_snapshot base
done
mem_snapshot end

is "$load_fail" 0 "$cycles cycles: every insmod succeeds"
is "$live_fail" 0 "$cycles cycles: the module is live after insmod"
is "$ref_fail" 0 "$cycles cycles: refcnt is 0 while loaded without users"
is "$gone_fail" 0 "$cycles cycles: the module is gone after rmmod"
[[ -z $first_err ]] || diag "first problem: $first_err"

diag "scst* slab caches before: ${slabs_before:-none}; while loaded: ${slabs_loaded:-none}"
if [[ -n $slabs_before ]]; then
	not_ok "no scst* slab cache exists before the first load"
elif ((slab_fail)); then
	not_ok "no scst* slab cache survives unload ($slab_fail cycles left some)"
else
	ok "no scst* slab cache survives unload"
fi

if [[ -z ${base_su:-} ]]; then
	skip "slab objects do not grow" "first cycle failed, no baseline"
	skip "unreclaimable slab does not grow" "first cycle failed, no baseline"
	skip "vmalloc use does not grow" "first cycle failed, no baseline"
	skip "available memory does not shrink" "first cycle failed, no baseline"
	done_testing
fi
n=$((cycles - 1))
diag "over $n cycles (kB): slab objects $base_ob -> $end_ob, SUnreclaim $base_su -> $end_su, VmallocUsed $base_vm -> $end_vm," \
	"MemAvailable+per-CPU free lists $base_av -> $end_av (lists $base_pcp -> $end_pcp), Slab $base_sl -> $end_sl"
bound() { # bound GROWTH MAX DESC
	if (($1 <= $2)); then ok "$3 $1 kB over $n cycles (bound $2)"; else not_ok "$3 $1 kB over $n cycles (bound $2)"; fi
}
bound $((end_ob - base_ob)) "$max_objects_kb" "slab objects grew"
bound $((end_su - base_su)) "$max_sunreclaim_kb" "unreclaimable slab grew"
bound $((end_vm - base_vm)) "$max_vmalloc_kb" "vmalloc use grew"
bound $((base_av - end_av)) "$max_avail_drop_kb" "available memory shrank"
rm -f "$errf"
done_testing
