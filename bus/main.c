// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <scst/bus.h>

static int __init scst_bus_init(void)
{
	pr_info("loaded\n");
	return 0;
}

static void __exit scst_bus_exit(void)
{
	pr_info("unloaded\n");
}

module_init(scst_bus_init);
module_exit(scst_bus_exit);
MODULE_DESCRIPTION("SCST-NG message bus");
MODULE_LICENSE("GPL");
