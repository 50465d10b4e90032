#!/bin/bash
# make kunit: the KUnit suites under UML, in tree, with lockdep and the debug
# options of kunit/.kunitconfig on (DESIGN.md "Testing").
#
#   scripts/kunit.sh [FILTER_GLOB]     e.g. 'scst_bus*' or 'scst_bus.*ring*'
#
# Links this tree into the unpacked linux-source tree (scripts/ksrc.sh) as
# drivers/scst and runs tools/testing/kunit/kunit.py there. The UML build
# lives in $SCST_CACHE/kunit-build (default .cache/ of this tree), so a second
# run only rebuilds what changed; kunit.py regenerates .config by itself when
# kunit/.kunitconfig changes. Each tree has its own .cache, hence its own
# kernel source: two trees sharing one would fight over drivers/scst.
#
# The stage fails on a build failure, a timeout, any failed or crashed test
# case, and on any kernel splat in the log (lockdep, WARNING, BUG, KASAN,
# ODEBUG, list corruption, sleeping in atomic context, RCU stall, hung task)
# even when every case passed: the splat counts as one more failed test.
#
# Environment:
#   SCST_CACHE             cache directory (default <tree>/.cache)
#   SCST_KUNIT_TIMEOUT     seconds the UML kernel may run the tests (300)
#   SCST_KUNIT_BUILD_TIMEOUT  seconds for configure+build+run (3600)
#   SCST_KUNIT_ARCH        um (default) or x86_64 (qemu, SMP, PREEMPT,
#                          DEBUG_ATOMIC_SLEEP; build dir kunit-build-x86_64)
#   SCST_COUNTS_FILE       "<passed> <failed> <skipped>" is written there
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd -P)
cache=${SCST_CACHE:-$top/.cache}
export SCST_CACHE=$cache
t0=$SECONDS

pass=0 fail=0 skip=0
finish() {
	local rc=$1
	((rc != 0 && fail == 0)) && fail=1
	if [[ -n ${SCST_COUNTS_FILE:-} ]]; then
		echo "$pass $fail $skip" >"$SCST_COUNTS_FILE"
	fi
	echo "kunit: elapsed $((SECONDS - t0))s"
	echo "kunit: $pass passed, $fail failed, $skip skipped"
	exit "$rc"
}

ksrc=$("$top/scripts/ksrc.sh") || finish 1
"$top/scripts/intree-link.sh" "$ksrc" || finish 1

# UML (the default) is uniprocessor and cannot preempt, so it cannot have
# DEBUG_ATOMIC_SLEEP. SCST_KUNIT_ARCH=x86_64 runs the same suites in qemu
# on 2 CPUs with PREEMPT and DEBUG_ATOMIC_SLEEP.
arch=${SCST_KUNIT_ARCH:-um}
kargs=()
case $arch in
um)
	build=$cache/kunit-build
	# kunit.py's UML defaults turn on PCI over virtio; without a device
	# ID its init WARNs at boot, which fails this stage. Any ID will do:
	# no such device exists.
	kargs+=(--kconfig_add CONFIG_UML_PCI_OVER_VIRTIO_DEVICE_ID=1234)
	;;
x86_64)
	build=$cache/kunit-build-x86_64
	kargs+=(--arch=x86_64
		--kconfig_add CONFIG_SMP=y --kconfig_add CONFIG_PREEMPT=y
		--kconfig_add CONFIG_DEBUG_ATOMIC_SLEEP=y
		--qemu_args=-smp --qemu_args=2)
	# TCG, not KVM: boot and tests take seconds, and nested KVM (CI
	# runners) hangs or dies on "-cpu host" MSRs.
	;;
*)
	echo "kunit: SCST_KUNIT_ARCH=$arch: want um or x86_64" >&2
	finish 1
	;;
esac
mkdir -p "$build"
# One run per build dir at a time (check.sh and a developer's make kunit).
exec 9>"$build.lock"
if ! flock -n 9; then
	echo "kunit: waiting for another run using $build"
	flock 9
fi
json=$build/results.json
out=$build/kunit.out
log=$build/test.log
rm -f "$json" "$log"

# Objects of an out-of-tree build ("make" here) in this tree do no harm:
# Kbuild's O= build rebuilds every target in the build dir (checked).
echo "kunit: $ksrc/drivers/scst -> $top, $arch build in $build"
cmd=(python3 -u tools/testing/kunit/kunit.py run
	--kunitconfig=drivers/scst/kunit
	--build_dir="$build"
	--jobs="$(nproc)"
	--timeout="${SCST_KUNIT_TIMEOUT:-300}"
	--json="$json"
	"${kargs[@]}")
(($# > 0)) && cmd+=("$1")
echo "kunit: (cd $ksrc && ${cmd[*]})"
# kunit.py runs in the background so that ^C (or check.sh's TERM) can stop
# it and everything under it; timeout(1) bounds configure+build+run.
: >"$out"
(cd "$ksrc" && exec timeout -k 10 "${SCST_KUNIT_BUILD_TIMEOUT:-3600}" "${cmd[@]}") \
	</dev/null >"$out" 2>&1 &
kpid=$!
interrupted=0
trap 'interrupted=1; kill -TERM "$kpid" 2>/dev/null' INT TERM
tail -n +1 -f --pid="$kpid" "$out" | grep --line-buffered -v '^stty: ' &
tpid=$!
while :; do
	wait "$kpid"
	rc=$?
	kill -0 "$kpid" 2>/dev/null || break
done
wait "$tpid"
trap - INT TERM
if ((interrupted)); then
	echo "kunit: FAILED: interrupted" >&2
	finish 1
fi
if ((rc == 124 || rc == 137)); then
	echo "kunit: FAILED: timed out after ${SCST_KUNIT_BUILD_TIMEOUT:-3600}s (SCST_KUNIT_BUILD_TIMEOUT)" >&2
	finish 1
fi
if [[ ! -f $json ]]; then
	# Configuration or build failure: kunit.py logs make's stderr.
	echo "kunit: FAILED: the $arch kernel did not configure or build; the error:" >&2
	sed -n '/^ERROR:/,$p' "$out" | grep -v '^stty:' | tail -n 40 >&2
	finish 1
fi
if grep -q 'timed out after' "$out"; then
	echo "kunit: FAILED: the tests did not finish within ${SCST_KUNIT_TIMEOUT:-300}s (SCST_KUNIT_TIMEOUT)" >&2
	fail=1
fi

# Count test cases: the leaves of kunit.py's JSON, so every parameter of a
# parameterised case counts, and a suite that crashed before any case counts
# as one failed leaf. Linux 6.1 prints a skipped parameter as plain "ok"
# (no "# SKIP"), but its per-case "# <case>: pass:N fail:N skip:N" line is
# right: move those skips from passed to skipped.
read -r p f s < <(python3 - "$json" "$log" <<'EOF'
import json, re, sys
res = json.load(open(sys.argv[1]))
kstats = {}
suite = None
try:
    for line in open(sys.argv[2], errors="replace"):
        line = line.rstrip("\n")
        m = re.match(r"^    # Subtest: (\S+)$", line)
        if m:
            suite = m.group(1)
            continue
        m = re.match(r"^    # (\S+): pass:(\d+) fail:(\d+) skip:(\d+) total:(\d+)$", line)
        if m and suite:
            kstats[(suite, m.group(1))] = int(m.group(4))
except OSError:
    pass
total = {"PASS": 0, "FAIL": 0, "SKIP": 0}
def walk(g, parent):
    c = {"PASS": 0, "FAIL": 0, "SKIP": 0}
    for t in g.get("test_cases", []):
        st = t["status"]
        c[st if st in ("PASS", "SKIP") else "FAIL"] += 1
    extra = min(max(kstats.get((parent, g["name"]), 0) - c["SKIP"], 0), c["PASS"])
    c["PASS"] -= extra
    c["SKIP"] += extra
    for k in total:
        total[k] += c[k]
    for sub in g.get("sub_groups", []):
        walk(sub, g["name"])
walk(res, None)
print(total["PASS"], total["FAIL"], total["SKIP"])
EOF
) || { p=0 f=1 s=0; }
((pass += p, fail += f, skip += s))
if ((pass + fail + skip == 0)); then
	echo "kunit: FAILED: no test case ran; end of $log:" >&2
	tail -n 20 "$log" >&2
	fail=1
fi

# Kernel splats fail the stage even when every case passed.
splat='possible circular locking|inconsistent lock state|possible recursive locking'
splat+='|BUG: |BUG [^ ]+ \(|WARNING: |KASAN|UBSAN|DEBUG_OBJECTS|ODEBUG'
splat+='|list_add corruption|list_del corruption|sleeping function called from invalid context'
splat+='|Kernel panic|lock held when returning to user space|bad unlock balance'
splat+='|trying to register non-static key|detected stall|blocked for more than'
splat+='|general protection fault|Oops'
if [[ -f $log ]] && grep -qE "$splat" "$log"; then
	echo "kunit: FAILED: kernel splat in $log:" >&2
	grep -nE -A3 "$splat" "$log" | head -n 60 >&2
	((fail += 1))
fi

if ((rc != 0 && fail == 0)); then
	echo "kunit: FAILED: kunit.py exited $rc" >&2
	fail=1
fi
((fail > 0)) && finish 1
finish 0
