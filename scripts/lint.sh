#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make lint: the static checks of "make check" (DESIGN.md, Testing). Each
# check is one test:
#
#   w1          out-of-tree build of every module (benchmarks included) with
#               W=1; any compiler, modpost or make warning/error fails
#   sparse      the same build with C=2 (sparse on every file, default
#               CHECKFLAGS); any sparse warning/error in our files fails
#   checkpatch  checkpatch.pl --strict -f on every .c/.h file of ours
#   coccicheck  every semantic patch of the kernel source, MODE=report
#   spdx-uapi   an SPDX line on every .c/.h file; include/uapi headers
#               compile stand-alone in user space
#
# The checks run on a snapshot of the tree (tracked plus untracked, not
# ignored, files: what a commit of the working tree would contain) under
# .cache/lint/, so the build is always a full rebuild, the user's build is
# left alone, stray .o/.mod.c files do not mask or add anything, and a clean
# clone sees the same result.
#
# Stage contract (scripts/check.sh): prints what it does, writes
# "<passed> <failed> <skipped>" to $SCST_COUNTS_FILE, exits non-zero when
# anything failed.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1

# Per checkout (not under $SCST_CACHE): two checkouts sharing a cache must
# not share a snapshot.
work=$top/.cache/lint
src=$work/src		# pristine snapshot: checkpatch, coccicheck, SPDX
bld=$work/build		# copy of it that the builds write into
max_lines=40		# offending lines shown per failed check

passed=0 failed=0 skipped=0
summary=()

mkdir -p "$work"
exec 9>"$work/.lock"
if ! flock -n 9; then
	echo "lint: another lint run holds $work/.lock; waiting"
	flock 9
fi

# Paths in tool output: strip the snapshot prefixes so that lines point at
# the files in the real tree.
relpath() {
	sed -e "s|$bld/||g" -e "s|$src/||g"
}

# check <name> <function>: run one check. The function writes its full log
# to $log and the offending lines (paths already relative) to $bad, and
# returns non-zero on failure.
check() {
	local name=$1 fn=$2 t0=$SECONDS rc n
	log=$work/$name.log
	bad=$work/$name.bad
	: >"$log"
	: >"$bad"
	echo "--- lint: $name"
	"$fn"
	rc=$?
	if ((rc == 0)); then
		((passed++))
		summary+=("$(printf '  %-11s ok      %4ds' "$name" $((SECONDS - t0)))")
		echo "--- lint: $name: ok ($((SECONDS - t0))s)"
		return
	fi
	((failed++))
	summary+=("$(printf '  %-11s FAILED  %4ds' "$name" $((SECONDS - t0)))")
	n=$(wc -l <"$bad")
	head -n "$max_lines" "$bad"
	((n > max_lines)) && echo "... $((n - max_lines)) more lines"
	echo "--- lint: $name: FAILED ($((SECONDS - t0))s, $n offending lines; log: ${log#"$top"/})"
}

# Diagnostic lines in build output: compiler and sparse ("file:line:col:
# warning: ..."), cc1 and friends ("cc1: warning: ..."), modpost
# ("WARNING: modpost: ..."), make ("make[2]: *** ..."). The BTF line is
# kbuild noise: the headers package has no vmlinux to take types from.
diag_re='(^|: )(warning|error|fatal error):|^(WARNING|ERROR):|\*\*\*'
benign_re='^Skipping BTF generation for .* due to unavailability of vmlinux$'

# A header's diagnostic repeats for every file that includes it.
uniq_lines() {
	awk '!seen[$0]++'
}

need_tool() {
	command -v "$1" >/dev/null && return 0
	echo "$1 not found: run 'make deps'" | tee -a "$bad"
	return 1
}

# ----------------------------------------------------------------------
# The snapshot

snapshot() {
	rm -rf "$src" "$bld"
	mkdir -p "$src"
	# -c: tracked, -o --exclude-standard: untracked but not ignored (so
	# .cache/ and build output stay out). Files deleted in the working tree
	# but still in the index are left out.
	git -C "$top" ls-files -z -co --exclude-standard |
		while IFS= read -r -d '' f; do
			[[ -e $f || -L $f ]] && printf '%s\0' "$f"
		done |
		tar -C "$top" --null -T - -cf - | tar -C "$src" -xf - || return 1
	cp -a "$src" "$bld"
	# Our C sources and headers (checkpatch, SPDX)
	(cd "$src" && find . -type f \( -name '*.c' -o -name '*.h' \) |
		sed 's|^\./||' | LC_ALL=C sort) >"$work/cfiles"
}

# ----------------------------------------------------------------------
# 1. W=1 build

# The kbuild configuration the top Makefile uses out of tree (KDIR, the
# CONFIG_ symbols), asked from the Makefile itself so that it stays in step.
kbuild_vars() {
	# shellcheck disable=SC2016 # $(...) is make's, not the shell's
	printf 'lint-vars:\n\t@echo "$(KDIR)"\n\t@echo "$(SCST_CONFIG)"\n' |
		make -s --no-print-directory -C "$bld" -f Makefile -f - \
			SCST_BENCH=y lint-vars
}

# build <extra make args...>: the two builds each check runs.
#  - every module, through the top Makefile as a user builds them, with the
#    benchmarks. W=1 (and C=2) given on the command line reach the kbuild
#    sub-make through MAKEFLAGS (seen in V=1: -DKBUILD_EXTRA_WARN1 and
#    "sparse ..." on every file).
#  - kunit/ compiled, not linked: the Debian kernel has no CONFIG_KUNIT, so
#    the module cannot be modpost'ed out of tree, but its code still gets W=1
#    and sparse here (it runs for real under UML in make kunit).
# -k: report every file, not just the first that fails.
build() {
	local kdir=$1 config=$2
	shift 2
	make -k -s -C "$bld" modules SCST_BENCH=y "$@" 2>&1
	local rc=$?
	if [[ -f $bld/kunit/Kbuild ]]; then
		# shellcheck disable=SC2086 # $config is a list of VAR=value
		make -k -s -C "$kdir" M="$bld" $config CONFIG_SCST_KUNIT_TEST=m \
			"$@" kunit/ 2>&1 || rc=1
	fi
	return $rc
}

check_w1() {
	local vars kdir config rc
	need_tool gcc || return 1
	need_tool make || return 1
	vars=$(kbuild_vars) || { echo "cannot read KDIR from Makefile" >>"$bad"; return 1; }
	kdir=$(sed -n 1p <<<"$vars")
	config=$(sed -n 2p <<<"$vars")
	if [[ ! -f $kdir/Makefile ]]; then
		echo "no kernel build tree at '$kdir': run 'make deps'" | tee -a "$bad"
		return 1
	fi
	echo "$kdir" >"$work/kdir"
	echo "$config" >"$work/config"
	echo "make -k -s modules SCST_BENCH=y W=1; make -C $kdir M=... $config CONFIG_SCST_KUNIT_TEST=m W=1 kunit/"
	build "$kdir" "$config" W=1 | relpath >"$log"
	rc=${PIPESTATUS[0]}
	# Every diagnostic counts, wherever gcc places it: all the code compiled
	# is ours, the kernel headers are W=1-clean, and a warning caused by a
	# macro of a kernel header used in our code is reported at the macro's
	# definition in that header ("note: in expansion of macro" points at us).
	grep -E "$diag_re" "$log" | grep -Ev "$benign_re" | uniq_lines >"$bad"
	((rc != 0)) && [[ ! -s $bad ]] && echo "build failed (exit $rc), see the log" >>"$bad"
	[[ ! -s $bad ]]
}

# ----------------------------------------------------------------------
# 2. sparse

check_sparse() {
	local kdir config rc
	need_tool sparse || return 1
	if [[ ! -s $work/kdir ]]; then
		echo "no kernel build tree (see the w1 check)" >>"$bad"
		return 1
	fi
	kdir=$(<"$work/kdir")
	config=$(<"$work/config")
	# Same flags as the w1 build, so nothing is recompiled: C=2 runs sparse
	# on every file whether or not it is up to date, and the log holds
	# sparse's output only. Default CHECKFLAGS (-Wbitwise, i.e. endianness,
	# is on by default in 6.1); -Wsparse-all is not clean on the kernel
	# headers (skbuff.h: "directive in macro's argument list").
	echo "make -k -s modules SCST_BENCH=y W=1 C=2; ... kunit/ C=2"
	build "$kdir" "$config" W=1 C=2 | relpath >"$log"
	rc=${PIPESTATUS[0]}
	# Only diagnostics located in our files count: after relpath() they are
	# the ones with a relative path. sparse reports a problem in a kernel
	# macro at the place it is expanded, so nothing of ours is lost; what
	# is left out is noise from inside kernel headers and its "note: in
	# included file (through ...)" context lines.
	grep -E '^[^/ :][^ :]*:[0-9]+(:[0-9]+)?: ' "$log" |
		grep -Ev ': note: in included file' | uniq_lines >"$bad"
	if ((rc != 0)); then
		grep -E '\*\*\*|^(WARNING|ERROR):' "$log" >>"$bad"
		echo "build failed (exit $rc): files that do not compile were not checked" >>"$bad"
	fi
	[[ ! -s $bad ]]
}

# ----------------------------------------------------------------------
# 3. checkpatch

# No --ignore for ordinary files: the patch-only types (FILE_PATH_CHANGES,
# MISSING_SIGN_OFF, COMMIT_MESSAGE, GIT_COMMIT_ID, ...) cannot fire with -f,
# SPDX_LICENSE_TAG is wanted, and every other type is real for our code.
# Trace-event headers (they include <trace/define_trace.h>) follow the
# layout TRACE_EVENT() requires, which --strict objects to:
#   OPEN_ENDED_LINE        "TP_STRUCT__entry(" and "TP_fast_assign(" end lines
#   PARENTHESIS_ALIGNMENT  TP_PROTO/TP_ARGS are indented one tab, as in kernel
#   EMBEDDED_FILENAME      "#define TRACE_INCLUDE_FILE <this file>" is required
trace_ignore=OPEN_ENDED_LINE,PARENTHESIS_ALIGNMENT,EMBEDDED_FILENAME
# User-space C (tools/, tests/) is checked as strictly, but for advice that
# only holds in the kernel:
#   PREFER_DEFINED_ATTRIBUTE_MACRO  __printf()/__aligned() are kernel macros
#   CAMELCASE                       C99's PRIx64 & co. (<inttypes.h>)
#   VOLATILE                        "volatile sig_atomic_t" is what C asks
#                                   of a flag a signal handler sets
#   LONG_LINE_STRING                checkpatch lets the kernel's log calls
#                                   keep a message on one line, not fprintf
user_ignore=PREFER_DEFINED_ATTRIBUTE_MACRO,CAMELCASE,VOLATILE,LONG_LINE_STRING

check_checkpatch() {
	local ksrc cp rc=0 f
	local -a plain=() trace=() user=()
	ksrc=$(scripts/ksrc.sh 2>>"$bad") || { echo "no kernel source: run 'make deps'" >>"$bad"; return 1; }
	cp=$ksrc/scripts/checkpatch.pl
	need_tool perl || return 1
	while IFS= read -r f; do
		if grep -q '#include <trace/define_trace.h>' "$src/$f"; then
			trace+=("$f")
		elif [[ $f == tools/* || $f == tests/* ]]; then
			user+=("$f")
		else
			plain+=("$f")
		fi
	done <"$work/cfiles"
	echo "checkpatch.pl --strict --no-tree --terse --show-types -f <${#plain[@]} files>" \
		"(+ --ignore $trace_ignore on ${#trace[@]} trace headers," \
		"--ignore $user_ignore on ${#user[@]} user-space files)"
	(
		cd "$src" || exit 1
		# --root: seed the CamelCase check with the kernel's own
		# identifiers (struct Scsi_Host ...), which we must use as named.
		cpf=(--strict --no-tree --root="$ksrc" --terse --show-types --no-summary --color=never -f)
		if ((${#plain[@]})); then
			"$cp" "${cpf[@]}" "${plain[@]}"
		fi
		if ((${#trace[@]})); then
			"$cp" "${cpf[@]}" --ignore "$trace_ignore" "${trace[@]}"
		fi
		if ((${#user[@]})); then
			"$cp" "${cpf[@]}" --ignore "$user_ignore" "${user[@]}"
		fi
		true
	) >"$log" 2>&1 || rc=1
	grep -E ': (ERROR|WARNING|CHECK):' "$log" >"$bad"
	# anything else checkpatch printed (a perl error, say) is a failure too
	grep -Ev ': (ERROR|WARNING|CHECK):|^total: |^$' "$log" >>"$bad"
	((rc != 0)) && echo "checkpatch did not run" >>"$bad"
	[[ ! -s $bad ]]
}

# ----------------------------------------------------------------------
# 4. coccicheck

# scripts/coccicheck with M= runs spatch --dir <our tree> once per semantic
# patch (72 in 6.1), --jobs 2 on two CPUs. It needs no .config. The
# kernel's .cocciconfig asks for --use-gitgrep, which fails on an unpacked
# tarball ("fatal: not a git repository") before spatch falls back to its
# own grep; --use-coccigrep asks for that directly.
check_coccicheck() {
	local ksrc rc
	need_tool spatch || return 1
	ksrc=$(scripts/ksrc.sh 2>>"$bad") || { echo "no kernel source: run 'make deps'" >>"$bad"; return 1; }
	echo "make -C $ksrc coccicheck MODE=report M=${src#"$top"/} SPFLAGS=--use-coccigrep"
	make -C "$ksrc" coccicheck MODE=report M="$src" SPFLAGS=--use-coccigrep \
		>"$log.raw" 2>&1
	rc=$?
	relpath <"$log.raw" >"$log"
	rm -f "$log.raw"
	# Report lines point at our files ("bus/x.c:12:3-8: WARNING: ...");
	# the rest is spatch's own chatter (commands, "N files match", warnings
	# about the semantic patches themselves).
	grep -E '^[^/ :][^ :]*:[0-9]+' "$log" >"$bad"
	if ((rc != 0)) || grep -q '^coccicheck failed' "$log"; then
		echo "coccicheck failed (exit $rc), see the log" >>"$bad"
	fi
	[[ ! -s $bad ]]
}

# ----------------------------------------------------------------------
# 5. SPDX lines and self-contained uapi headers

check_spdx_uapi() {
	local f first n=0 tmp rc=0
	while IFS= read -r f; do
		first=$(head -n 1 "$src/$f")
		case $f in
		*.c) [[ $first =~ ^//\ SPDX-License-Identifier:\ [^\ ] ]] ;;
		*.h) [[ $first =~ ^/\*\ SPDX-License-Identifier:\ [^\ ].*\*/$ ]] ;;
		esac || echo "$f:1: no SPDX-License-Identifier line (// for .c, /* */ for .h)" >>"$bad"
	done <"$work/cfiles"

	# What user space sees: each header with __user & co. stripped as
	# headers_install.sh does, compiled alone (-std=c90, as the kernel's
	# usr/include test) against the system's linux uapi headers.
	if [[ -d $src/include/uapi ]]; then
		tmp=$work/uapi
		rm -rf "$tmp"
		mkdir -p "$tmp"
		while IFS= read -r f; do
			n=$((n + 1))
			if grep -q 'SPDX-License-Identifier:.*GPL-' "$src/include/uapi/$f" &&
			   ! grep -q 'WITH Linux-syscall-note' "$src/include/uapi/$f"; then
				echo "include/uapi/$f:1: GPL SPDX without \"WITH Linux-syscall-note\"" >>"$bad"
			fi
			mkdir -p "$tmp/$(dirname "$f")"
			sed -E -e 's/([[:space:](])(__user|__force|__iomem)[[:space:]]/\1/g' \
				-e 's@^#include <linux/compiler(|_types).h>@@' \
				"$src/include/uapi/$f" >"$tmp/$f"
		done < <(cd "$src/include/uapi" && find . -name '*.h' | sed 's|^\./||' | LC_ALL=C sort)
		need_tool gcc || return 1
		while IFS= read -r f; do
			gcc -std=c90 -Wall -Wextra -Werror -fsyntax-only -I "$tmp" \
				-x c -include "$tmp/$f" /dev/null >>"$log" 2>&1 || rc=1
		done < <(cd "$tmp" && find . -name '*.h' | sed 's|^\./||' | LC_ALL=C sort)
		sed "s|$tmp/|include/uapi/|g" "$log" | grep -E "$diag_re" >>"$bad"
		((rc != 0)) && [[ ! -s $bad ]] && echo "a uapi header does not compile, see the log" >>"$bad"
	fi
	echo "SPDX on $(wc -l <"$work/cfiles") .c/.h files; $n uapi headers compiled alone"
	[[ ! -s $bad ]]
}

# ----------------------------------------------------------------------

t0=$SECONDS
echo "lint: snapshot of the tree in ${work#"$top"/}"
if snapshot; then
	check w1 check_w1
	check sparse check_sparse
	check checkpatch check_checkpatch
	check coccicheck check_coccicheck
	check spdx-uapi check_spdx_uapi
else
	echo "lint: cannot snapshot the tree (git ls-files); every check failed"
	failed=5
fi

echo "lint: checks ($((SECONDS - t0))s)"
printf '%s\n' "${summary[@]}"
if [[ -n ${SCST_COUNTS_FILE:-} ]]; then
	echo "$passed $failed $skipped" >"$SCST_COUNTS_FILE"
fi
echo "lint: $passed passed, $failed failed, $skipped skipped"
((failed == 0))
