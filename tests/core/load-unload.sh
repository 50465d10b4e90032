#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 240
#
# scst_core on the distribution kernel: it loads on top of scst_bus and
# scst_sgv, mounts its configfs root /sys/kernel/config/scst with handlers/
# and targets/, pins what it uses (rmmod of scst_sgv or scst_bus is
# refused while it is loaded), refuses a mkdir no handler serves, and
# unloads cleanly, 20 times over; the harness fails it on any kernel-log
# splat.
. "$(dirname "$0")/../harness/lib.sh"

plan 9
cfs=/sys/kernel/config
mountpoint -q "$cfs" || mount -t configfs none "$cfs"

scst_load scst_core || bail_out "cannot load scst_core"
check "configfs root /sys/kernel/config/scst exists" test -d "$cfs/scst"
check "it has handlers/ and targets/" test -d "$cfs/scst/handlers" -a -d "$cfs/scst/targets"

# A handler directory appears only when a handler registers: none has.
check "mkdir of an unknown handler's device is refused" \
	bash -c "! mkdir '$cfs/scst/handlers/nosuch' 2>/dev/null"

check "rmmod scst_sgv is refused while scst_core uses it" \
	bash -c '! rmmod scst_sgv 2>/dev/null'
check "rmmod scst_bus is refused while scst_core uses it" \
	bash -c '! rmmod scst_bus 2>/dev/null'
check "scst_core still loaded after the refusals" scst_loaded scst_core

check "rmmod scst_core succeeds" rmmod scst_core
check "its configfs root is gone" test ! -e "$cfs/scst"

fails=0
for ((i = 0; i < 20; i++)); do
	scst_load scst_core || { fails=$((fails + 1)); break; }
	[[ -d $cfs/scst/targets ]] || fails=$((fails + 1))
	rmmod scst_core || { fails=$((fails + 1)); break; }
done
is "$fails" 0 "20 load/unload cycles of scst_core without a failure"
scst_unload scst_sgv scst_bus
done_testing
