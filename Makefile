# SPDX-License-Identifier: GPL-2.0
#
# SCST-NG user-facing build. The kernel side is built by Kbuild (see Kbuild);
# this file finds the kernel, and names the commands a user types.
#
#   make              build every module against the newest installed kernel,
#                     and the user-space tools (tools/: libscstuser, scst_fileio)
#   make KDIR=<tree>  ... against another kernel build tree
#   make install      install the modules (updates/scst) and run depmod
#   make check        everything CI runs: deps, static checks, tools tests, KUnit, VM tests
#   make lint | kunit | vmtest [T=<pattern>] | run | bench B=<name>

KVER ?= $(shell $(CURDIR)/scripts/kver.sh)
KDIR ?= /lib/modules/$(KVER)/build

# Out of tree there is no .config: every module is built. The benchmark
# modules are built only when asked for (make bench, make lint).
SCST_BENCH ?= n
SCST_CONFIG := CONFIG_SCST=m CONFIG_SCST_BUS=m CONFIG_SCST_SGV=m CONFIG_SCST_CORE=m
SCST_CONFIG += CONFIG_SCST_VDISK=m
SCST_CONFIG += CONFIG_SCST_USER=m
SCST_CONFIG += CONFIG_SCST_LOCAL=m
ifeq ($(SCST_BENCH),y)
SCST_CONFIG += CONFIG_SCST_BENCH=m
endif

KBUILD = $(MAKE) -C $(KDIR) M=$(CURDIR) $(SCST_CONFIG)

.PHONY: all modules tools install clean check lint kunit vmtest run bench deps

all: modules tools

# User space, against include/uapi only: plain gcc, no kernel build system.
tools:
	$(MAKE) -C tools CC=gcc CFLAGS=-O2

modules:
	$(KBUILD) modules

install: modules
	$(KBUILD) INSTALL_MOD_DIR=updates/scst modules_install

clean:
	$(KBUILD) SCST_BENCH=y CONFIG_SCST_BENCH=m clean
	$(MAKE) -C tools clean

deps:
	scripts/deps.sh

check:
	scripts/check.sh

lint:
	scripts/lint.sh

kunit:
	scripts/kunit.sh $(T)

vmtest:
	T="$(T)" scripts/vmtest.sh

run:
	scripts/run.sh

bench:
	B="$(B)" scripts/bench.sh
