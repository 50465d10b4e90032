#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench B=bus (runs in the VM): the bus's send+deliver cost against a
# plain indirect call and a ptr_ring, one-way at batch 32 and ping-pong,
# and its scaling to 2 CPUs; first with handler timing on (the default),
# then off. scst_bus_bench runs the measurements when it is loaded.
set -euo pipefail
. "$(dirname "$0")/../../tests/harness/lib.sh"

# bench_once LABEL: load the bench module, print its result lines.
bench_once() {
	local before
	before=$(dmesg | wc -l)
	scst_load scst_bus_bench ${1:+label=$1}
	dmesg | tail -n +"$((before + 1))" | sed -n 's/^.*scst_bus_bench: //p'
	scst_unload scst_bus_bench
}

scst_load scst_bus
bench_once
echo N >/sys/module/scst_bus/parameters/handler_timing
bench_once timing-off
scst_unload scst_bus
