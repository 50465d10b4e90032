#!/bin/bash
# Build (only when stale) the busybox initramfs that boots the distribution's
# kernel with the host's root shared read-only over virtio-9p (see init).
#
# usage: initramfs.sh [KVER]     prints the path of the image on stdout
#
# The image lives in $SCST_CACHE/vm/ (default <project>/.cache/vm/) and is
# rebuilt when any input changes: KVER, this script, init, init2, busybox,
# or the kernel's modules.dep. A stamp file holds the hash of those inputs.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
KVER=${1:-${KVER:-$("$top/scripts/kver.sh")}}
cache=${SCST_CACHE:-$top/.cache}/vm
moddir=/lib/modules/$KVER
busybox=/bin/busybox

# Stage 1 needs these before the 9p root exists (virtio is modular in
# Debian's kernel); dependencies come from modules.dep. configfs is cheap and
# lets stage 1 mount /sys/kernel/config. The net modules are loaded only when
# the VM has a NIC (scst.net=1).
BASE_MODS="virtio_pci 9pnet_virtio 9p overlay configfs"
NET_MODS="virtio_net"

die() { echo "initramfs.sh: $*" >&2; exit 1; }
[[ -f $moddir/modules.dep ]] || die "$moddir/modules.dep missing (install linux-image-$KVER)"
if [[ ! -x $busybox ]] || ldd "$busybox" >/dev/null 2>&1; then
	die "$busybox is missing or not static (apt-get install busybox-static)"
fi

out=$cache/initramfs-$KVER.cpio.gz
stamp=$out.stamp
mkdir -p "$cache"
want=$( {
	echo "$KVER $BASE_MODS / $NET_MODS"
	cat "$0" "$here/init" "$here/init2" "$busybox" "$moddir/modules.dep"
} | sha256sum | cut -d' ' -f1)

# Concurrent builders (make vmtest in one terminal, make run in another)
# serialise on a lock; the loser then finds a fresh image. Bounded wait.
exec 9>"$cache/.initramfs.lock"
flock -w 120 9 || die "timed out after 120 s waiting for $cache/.initramfs.lock"
if [[ -f $out && $(cat "$stamp" 2>/dev/null) == "$want" ]]; then
	echo "$out"
	exit 0
fi

w=$(mktemp -d "$cache/.initramfs.XXXXXX")
trap 'rm -rf "$w"' EXIT
mkdir -p "$w"/{bin,dev,proc,sys,mnt/lower,mnt/rw,mnt/root,lib/modules,etc}
cp "$busybox" "$w/bin/busybox"
ln -s busybox "$w/bin/sh"

# Resolve a module name to its path relative to $moddir, or nothing if it is
# built in. modules.dep lists a module's dependencies so that the last one
# must be loaded first.
declare -A seen=()
order=()
add_dep() {
	local rel=$1 line i
	[[ -n ${seen[$rel]:-} ]] && return 0
	seen[$rel]=1
	line=$(grep -m1 -F "$rel:" "$moddir/modules.dep") || die "$rel not in modules.dep"
	local -a deps
	read -r -a deps <<<"${line#*:}"
	for ((i = ${#deps[@]} - 1; i >= 0; i--)); do add_dep "${deps[i]}"; done
	order+=("$rel")
}
add_mod() {
	local path
	path=$(modinfo -k "$KVER" -n "$1") || die "module $1 not found for $KVER"
	case $path in
	/*) add_dep "${path#"$moddir"/}" ;;
	*) ;; # "(builtin)": nothing to load
	esac
}
# Copy the resolved modules (decompressed: busybox insmod wants plain ELF)
# and write their load order to $1.
emit_order() {
	local list=$1 rel b
	: >"$w/etc/$list"
	for rel in "${order[@]}"; do
		b=${rel##*/}
		cp "$moddir/$rel" "$w/lib/modules/$b"
		case $b in
		*.ko.xz) xz -d "$w/lib/modules/$b" ;;
		*.ko.zst) zstd -q -d --rm "$w/lib/modules/$b" ;;
		*.ko.gz) gzip -d "$w/lib/modules/$b" ;;
		esac
		echo "${b%.ko*}.ko" >>"$w/etc/$list"
	done
	order=()
}
for m in $BASE_MODS; do add_mod "$m"; done
emit_order modules.base
for m in $NET_MODS; do add_mod "$m"; done
emit_order modules.net

install -m 755 "$here/init" "$w/init"
install -m 755 "$here/init2" "$w/init2"
(cd "$w" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1) >"$out.tmp"
mv "$out.tmp" "$out"
echo "$want" >"$stamp"
echo "initramfs.sh: built $out ($(du -h "$out" | cut -f1)):" \
	"$(tr '\n' ' ' <"$w/etc/modules.base")+ net: $(tr '\n' ' ' <"$w/etc/modules.net")" >&2
echo "$out"
