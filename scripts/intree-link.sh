#!/bin/bash
# Link this SCST-NG tree into a kernel source tree as drivers/scst, so it
# builds in tree (KUnit under UML, checkpatch, coccicheck):
#
#   KSRC/drivers/scst -> <this tree>
#   KSRC/drivers/Kconfig:  source "drivers/scst/Kconfig"  (before the last endmenu)
#   KSRC/drivers/Makefile: obj-$(CONFIG_SCST) += scst/
#
# Idempotent: a second run changes nothing. A drivers/scst link that points
# at another tree (a clone elsewhere, a worktree) is re-pointed here; a real
# directory there is left alone and is an error.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd -P)

if (($# != 1)); then
	echo "usage: $0 KSRC" >&2
	exit 2
fi
ksrc=$(cd "$1" && pwd -P)
if [[ ! -f $ksrc/drivers/Kconfig || ! -f $ksrc/drivers/Makefile ]]; then
	echo "intree-link.sh: $ksrc is not a kernel source tree" >&2
	exit 1
fi

link=$ksrc/drivers/scst
if [[ -L $link ]]; then
	if [[ $(readlink "$link") != "$top" ]]; then
		echo "intree-link.sh: re-pointing $link: $(readlink "$link") -> $top"
		ln -sfn "$top" "$link"
	fi
elif [[ -e $link ]]; then
	echo "intree-link.sh: $link exists and is not a symlink; remove it" >&2
	exit 1
else
	ln -s "$top" "$link"
	echo "intree-link.sh: linked $link -> $top"
fi

kconfig=$ksrc/drivers/Kconfig
kline='source "drivers/scst/Kconfig"'
if ! grep -qxF "$kline" "$kconfig"; then
	# Insert before the last "endmenu" (drivers/Kconfig is one menu).
	last=$(grep -n '^endmenu' "$kconfig" | tail -n 1 | cut -d: -f1)
	if [[ -z $last ]]; then
		echo "intree-link.sh: no endmenu in $kconfig" >&2
		exit 1
	fi
	sed -i "${last}i $kline\n" "$kconfig"
	echo "intree-link.sh: added '$kline' to $kconfig"
fi

makefile=$ksrc/drivers/Makefile
# shellcheck disable=SC2016 # $(...) is make's, not the shell's
mline='obj-$(CONFIG_SCST)		+= scst/'
if ! grep -qE '^obj-\$\(CONFIG_SCST\)[[:space:]]+\+= scst/$' "$makefile"; then
	printf '%s\n' "$mline" >>"$makefile"
	echo "intree-link.sh: added '$mline' to $makefile"
fi
