// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: module parameters, the message and endpoint name tables,
 * module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "bus_internal.h"

unsigned int scst_bus_ring_order = 8;
module_param_named(ring_order, scst_bus_ring_order, uint, 0444);
MODULE_PARM_DESC(ring_order, "log2 of ring slots per CPU per endpoint (default 8: 256 slots, 16 KiB)");

unsigned int scst_bus_unregister_timeout_ms = 30000;
module_param_named(unregister_timeout_ms, scst_bus_unregister_timeout_ms, uint, 0644);
MODULE_PARM_DESC(unregister_timeout_ms, "default bound on each unregister wait (ms)");

unsigned int scst_bus_spill_reserve = 128;
module_param_named(spill_reserve, scst_bus_spill_reserve, uint, 0444);
MODULE_PARM_DESC(spill_reserve, "spill nodes reserved per endpoint for full rings");

DEFINE_STATIC_KEY_TRUE(scst_bus_timing);

static int scst_bus_timing_set(const char *val, const struct kernel_param *kp)
{
	bool on;
	int ret;

	ret = kstrtobool(val, &on);
	if (ret)
		return ret;
	if (on)
		static_branch_enable(&scst_bus_timing);
	else
		static_branch_disable(&scst_bus_timing);
	return 0;
}

static int scst_bus_timing_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%c\n",
			  static_key_enabled(&scst_bus_timing) ? 'Y' : 'N');
}

static const struct kernel_param_ops scst_bus_timing_ops = {
	.set = scst_bus_timing_set,
	.get = scst_bus_timing_get,
};
module_param_cb(handler_timing, &scst_bus_timing_ops, NULL, 0644);
MODULE_PARM_DESC(handler_timing, "account time spent in handlers per message type, sampled (default Y)");

struct kmem_cache *scst_bus_spill_cache;

static const char * const scst_msg_names[] = {
	[SCST_MSG_PING]		= "PING",
	[SCST_MSG_PONG]		= "PONG",
	[SCST_MSG_TEST_DATA]	= "TEST_DATA",
	[SCST_MSG_TEST_REQ]	= "TEST_REQ",
	[SCST_MSG_TEST_REPLY]	= "TEST_REPLY",
	[SCST_MSG_SGV_FLUSH]	= "SGV_FLUSH",
	[SCST_MSG_SGV_RELEASED]	= "SGV_RELEASED",
	[SCST_MSG_SGV_FLUSH_DONE] = "SGV_FLUSH_DONE",
	[SCST_MSG_CMD_NEW]	= "CMD_NEW",
	[SCST_MSG_CMD_PARSE]	= "CMD_PARSE",
	[SCST_MSG_CMD_PARSED]	= "CMD_PARSED",
	[SCST_MSG_CMD_ALLOC_BUF]	= "CMD_ALLOC_BUF",
	[SCST_MSG_CMD_BUF_READY]	= "CMD_BUF_READY",
	[SCST_MSG_CMD_XFER]	= "CMD_XFER",
	[SCST_MSG_CMD_XFER_DONE]	= "CMD_XFER_DONE",
	[SCST_MSG_CMD_EXEC]	= "CMD_EXEC",
	[SCST_MSG_CMD_EXEC_DONE]	= "CMD_EXEC_DONE",
	[SCST_MSG_CMD_RESPOND]	= "CMD_RESPOND",
	[SCST_MSG_CMD_RESPONDED]	= "CMD_RESPONDED",
	[SCST_MSG_CMD_ABORT]	= "CMD_ABORT",
	[SCST_MSG_CMD_BUF_FREE]	= "CMD_BUF_FREE",
	[SCST_MSG_TMF_NEW]	= "TMF_NEW",
	[SCST_MSG_TMF_EXEC]	= "TMF_EXEC",
	[SCST_MSG_TMF_EXEC_DONE]	= "TMF_EXEC_DONE",
	[SCST_MSG_TMF_RESPOND]	= "TMF_RESPOND",
	[SCST_MSG_TMF_RESPONDED]	= "TMF_RESPONDED",
	[SCST_MSG_SESS_ATTACH]	= "SESS_ATTACH",
	[SCST_MSG_SESS_ATTACHED]	= "SESS_ATTACHED",
	[SCST_MSG_SESS_DETACH]	= "SESS_DETACH",
	[SCST_MSG_SESS_DETACHED]	= "SESS_DETACHED",
	[SCST_MSG_SESS_GONE]	= "SESS_GONE",
	[SCST_MSG_TGT_GONE]	= "TGT_GONE",
	[SCST_MSG_SESS_LUNS_CHANGED] = "SESS_LUNS_CHANGED",
	[SCST_MSG_VDISK_IO_DONE] = "VDISK_IO_DONE",
	[SCST_MSG_DEV_UNUSED]	= "DEV_UNUSED",
};

static const char * const scst_ep_names[] = {
	[SCST_EP_SGV]		= "sgv",
	[SCST_EP_CORE]		= "core",
	[SCST_EP_VDISK]		= "vdisk",
	[SCST_EP_VDISK_IO]	= "vdisk_io",
	[SCST_EP_LOCAL]		= "local",
	[SCST_EP_USER]		= "user",
	[SCST_EP_TEST0]		= "test0",
	[SCST_EP_TEST1]		= "test1",
	[SCST_EP_TEST2]		= "test2",
	[SCST_EP_TEST3]		= "test3",
};

/**
 * scst_msg_name() - the name of a message type, for logs
 * @type: enum scst_msg_type
 */
const char *scst_msg_name(unsigned int type)
{
	if (type >= SCST_MSG_NR || !scst_msg_names[type])
		return "(bad type)";
	return scst_msg_names[type];
}
EXPORT_SYMBOL_GPL(scst_msg_name);

/**
 * scst_ep_name() - the name of an endpoint id, registered or not, for logs
 * @id: enum scst_ep_id
 */
const char *scst_ep_name(unsigned int id)
{
	if (id >= SCST_EP_NR || !scst_ep_names[id])
		return "(bad endpoint)";
	return scst_ep_names[id];
}
EXPORT_SYMBOL_GPL(scst_ep_name);

static int __init scst_bus_init(void)
{
	int ret;

	BUILD_BUG_ON(ARRAY_SIZE(scst_msg_names) != SCST_MSG_NR);
	BUILD_BUG_ON(ARRAY_SIZE(scst_ep_names) != SCST_EP_NR);
	BUILD_BUG_ON(SCST_EP_NR > U8_MAX);

	if (scst_bus_ring_order < 1 ||
	    scst_bus_ring_order > SCST_BUS_RING_ORDER_MAX) {
		pr_err("ring_order %u out of range 1..%u\n",
		       scst_bus_ring_order, SCST_BUS_RING_ORDER_MAX);
		return -EINVAL;
	}

	scst_bus_spill_cache = KMEM_CACHE(scst_spill, 0);
	if (!scst_bus_spill_cache)
		return -ENOMEM;

	ret = scst_bus_debugfs_init();
	if (ret)
		goto out_destroy_cache;

	ret = scst_bus_threads_init();
	if (ret)
		goto out_exit_debugfs;
	return 0;

out_exit_debugfs:
	scst_bus_debugfs_exit();
out_destroy_cache:
	kmem_cache_destroy(scst_bus_spill_cache);
	return ret;
}

static void __exit scst_bus_exit(void)
{
	scst_bus_threads_exit();
	scst_bus_debugfs_exit();
	kmem_cache_destroy(scst_bus_spill_cache);
}

module_init(scst_bus_init);
module_exit(scst_bus_exit);
MODULE_DESCRIPTION("SCST-NG message bus");
MODULE_LICENSE("GPL");
