#!/bin/bash
# Install what building and testing SCST-NG needs, from Debian's archive.
# Idempotent and fast when everything is present: apt-get runs only for the
# packages that are missing.
set -euo pipefail

PKGS=(
	# building modules and the UML kernel for KUnit
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod dwarves
	xz-utils zstd python3 perl
	linux-image-amd64 linux-headers-amd64 linux-source-6.1
	# static checks
	sparse coccinelle
	# the VM lab
	qemu-system-x86 busybox-static iproute2
	# initiators and tools used inside the VM
	sg3-utils lsscsi fio e2fsprogs libiscsi-bin open-iscsi
	# bench/user: LIO's user backstore (TCMU) and its qcow2 image
	tcmu-runner qemu-utils
)

missing=()
for p in "${PKGS[@]}"; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[[ $st == installed ]] || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
	echo "deps: all ${#PKGS[@]} packages present"
	exit 0
fi

if [[ $(id -u) != 0 ]]; then
	echo "deps: missing packages: ${missing[*]}; run as root or install them" >&2
	exit 1
fi

echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "deps: installed ${#missing[@]} packages"
