#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# make bench B=sgv (runs in the VM): allocate+free of 4 KiB, 64 KiB and
# 1 MiB buffers, a cache hit of an scst_sgv pool against a fresh
# alloc_pages() + sg_alloc_table() per request, in the same run; one line
# per size with the ratio and the speed-up of a hit. scst_sgv_bench runs
# the measurements when it is loaded.
set -euo pipefail
. "$(dirname "$0")/../../tests/harness/lib.sh"

before=$(dmesg | wc -l)
scst_load scst_sgv_bench
dmesg | tail -n +"$((before + 1))" | sed -n 's/^.*scst_sgv_bench: //p'
scst_unload scst_sgv_bench scst_sgv scst_bus
