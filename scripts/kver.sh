#!/bin/bash
# Print the newest installed kernel version that has both a bootable image
# (/boot/vmlinuz-V, for the VM) and a build tree (/lib/modules/V/build, for
# out-of-tree modules). Never hard-code it: Debian's ABI number changes.
set -euo pipefail
best=
for build in /lib/modules/*/build; do
	[[ -e $build/Makefile ]] || continue
	v=${build#/lib/modules/}
	v=${v%/build}
	[[ -f /boot/vmlinuz-$v ]] || continue
	best+="$v"$'\n'
done
v=$(printf '%s' "$best" | sort -V | tail -n 1)
if [[ -z $v ]]; then
	echo "kver.sh: no kernel with both /boot/vmlinuz-V and /lib/modules/V/build;" \
	     "install linux-image-amd64 and linux-headers-amd64 (make deps)" >&2
	exit 1
fi
echo "$v"
