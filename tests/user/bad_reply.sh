#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 200
#
# A handler that misbehaves (tests/user/bad_reply.c, built here against
# the uapi header alone): foreign version string, bad block size and
# options, empty name, second registration (the first asks for a shared
# SGV pool, which is accepted: the device gets a pool of its own), a
# reply for an unknown handle, PREALLOC_BUFFER's cmd_h and its
# ON_CACHED_MEM_FREE, a reply of the wrong subcode, a second reply, an
# EXEC reply with more data than the buffer. Each gets its errno; the kernel log stays clean
# (the harness checks), and the module unloads afterwards.
. "$(dirname "$0")/../harness/lib.sh"
# shellcheck source=tests/harness/scst_local.sh
. "$SCST_TOP/tests/harness/scst_local.sh"

bin=/run/user-bad-reply
pid=''
cleanup() {
	[[ -z $pid ]] || { kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; }
	scst_target_del ubad >/dev/null 2>&1
	scst_unload scst_user scst_local scst_vdisk >/dev/null 2>&1
	rm -f "$bin"
}
trap cleanup EXIT

plan 23
scst_local_load || bail_out "cannot load scst_vdisk and scst_local"
scst_load scst_user || bail_out "cannot load scst_user"
gcc -Wall -Wextra -Werror -I"$SCST_TOP/include/uapi" -o "$bin" \
	"$SCST_TOP/tests/user/bad_reply.c" || bail_out "cannot build bad_reply.c"

out=/run/user-bad-reply.out
"$bin" ubad >"$out" 2>&1 &
pid=$!
for ((i = 0; i < 50; i++)); do
	grep -q "bad_reply: ubad ready" "$out" && break
	sleep 0.1
done
t=$scst_cfs/targets/scst_local/ubad
mkdir "$t" && scst_lun_add ubad 0 ubad && echo 1 >"$t/enable" || bail_out "cannot map ubad"
wait "$pid"
rc=$?
pid=''
while read -r line; do
	case $line in
	"ok - "*) ok "${line#ok - }" ;;
	"not ok - "*) not_ok "${line#not ok - }" ;;
	esac
done <"$out"
is "$rc" 0 "bad_reply exited 0"
check "removing the target" scst_target_del ubad
check "the orphan is unregistered once its LUN goes" scst_dev_gone scst_user ubad
check "rmmod scst_user works" rmmod scst_user
