#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 180
#
# The bus's observability on the distribution kernel: the tracepoints
# scst_bus:msg_send and scst_bus:msg_deliver fire for every message, and
# /sys/kernel/debug/scst/bus/<endpoint>/stats agrees with them. A short run
# of scst_bus_bench with linger=1 provides two endpoints and traffic.
. "$(dirname "$0")/../harness/lib.sh"

plan 9
tr=/sys/kernel/tracing
dbg=/sys/kernel/debug/scst/bus
mountpoint -q "$tr" || mount -t tracefs nodev "$tr"
mountpoint -q /sys/kernel/debug || mount -t debugfs nodev /sys/kernel/debug

scst_load scst_bus || bail_out "cannot load scst_bus"
check "tracepoints scst_bus:msg_send and msg_deliver exist" \
	test -d "$tr/events/scst_bus/msg_send" -a -d "$tr/events/scst_bus/msg_deliver"

echo 16384 >"$tr/buffer_size_kb"
echo >"$tr/trace"
echo 1 >"$tr/events/scst_bus/enable"
scst_load scst_bus_bench nr_msgs=1024 reps=1 linger=1 || bail_out "cannot load scst_bus_bench"
echo 0 >"$tr/events/scst_bus/enable"

trace=$SCST_TEST_RESULTS/bus-trace.txt
cat "$tr/trace" >"$trace"
sends=$(grep -c ' msg_send: bench_a TEST_DATA ' "$trace" || true)
delivers=$(grep -c ' msg_deliver: bench_a TEST_DATA ' "$trace" || true)
lost=$(sed -n 's/^# entries-in-buffer\/entries-written: \([0-9]*\)\/\([0-9]*\).*/\2-\1/p' "$trace")
is "$((lost))" 0 "trace buffer kept every event"
if ((sends > 0)); then
	ok "msg_send fired for TEST_DATA to bench_a ($sends times)"
else
	not_ok "msg_send fired for TEST_DATA to bench_a"
fi
is "$delivers" "$sends" "msg_deliver fired once per msg_send"

stats=$dbg/bench_a/stats
check "debugfs stats exist for endpoint bench_a" test -r "$stats"
cp "$stats" "$SCST_TEST_RESULTS/bench_a.stats" 2>/dev/null
read -r _ sent delivered refs ns < <(grep '^TEST_DATA ' "$stats")
is "$sent/$delivered/$refs" "$sends/$sends/0" \
	"stats: TEST_DATA sent/delivered/refs_out match the trace"
if ((${ns:-0} > 0)); then
	ok "stats: handler time accounted ($ns ns, sampled)"
else
	not_ok "stats: handler time accounted"
	diag "$(cat "$stats")"
fi

scst_unload scst_bus_bench
check "endpoint's debugfs directory goes with it" test ! -e "$dbg/bench_a"
scst_unload scst_bus
check "scst debugfs root goes with the bus" test ! -e /sys/kernel/debug/scst
done_testing
