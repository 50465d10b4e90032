#!/bin/bash
# Print the path of an unpacked Linux source tree (from Debian's
# linux-source-<major.minor> package), unpacking it once into .cache/.
# KUnit (UML, in tree), checkpatch and coccicheck use it.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=${SCST_CACHE:-$top/.cache}

tarball=$(ls /usr/src/linux-source-*.tar.xz 2>/dev/null | sort -V | tail -n 1 || true)
if [[ -z $tarball ]]; then
	echo "ksrc.sh: no /usr/src/linux-source-*.tar.xz; install linux-source-6.1 (make deps)" >&2
	exit 1
fi
name=$(basename "$tarball" .tar.xz)
dir=$cache/$name
stamp=$dir/.scst-unpacked

# Re-unpack when Debian updates the tarball.
if [[ ! -f $stamp || $tarball -nt $stamp ]]; then
	echo "ksrc.sh: unpacking $tarball into $cache" >&2
	rm -rf "$dir"
	mkdir -p "$cache"
	tar -C "$cache" -xf "$tarball"
	touch "$stamp"
fi
echo "$dir"
