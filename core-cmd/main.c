// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: module parameters, the core's bus endpoint and its handler
 * table, and module init/exit.
 *
 * The endpoint is not SCST_EP_SLEEPS: every step of the command path runs
 * per CPU with preemption off, in the bus thread of the CPU the message was
 * sent from or in a sender draining the bus, so a synchronous fabric and
 * handler need no context switch per command. Work that must sleep (task
 * management across sessions, teardown) goes to core_wq.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "core.h"

/* The configuration: see the locking rules in core.h */
struct mutex core_cfg_mutex = __MUTEX_INITIALIZER(core_cfg_mutex);
EXPORT_SYMBOL_IF_KUNIT(core_cfg_mutex);
struct scst_sgv_pool *core_sgv_pool;
struct workqueue_struct *core_wq;

unsigned int core_lend_timeout_ms = 30000;
EXPORT_SYMBOL_IF_KUNIT(core_lend_timeout_ms);
module_param_named(lend_timeout_ms, core_lend_timeout_ms, uint, 0644);
MODULE_PARM_DESC(lend_timeout_ms, "report a command or TMF lent to a fabric or handler for longer than this (default 30000)");

unsigned int core_teardown_timeout_ms = 10000;
EXPORT_SYMBOL_IF_KUNIT(core_teardown_timeout_ms);
module_param_named(teardown_timeout_ms, core_teardown_timeout_ms, uint, 0644);
MODULE_PARM_DESC(teardown_timeout_ms, "report what a session or target teardown still waits for after this long, and again each period (default 10000)");

unsigned int core_attach_timeout_ms = 10000;
module_param_named(attach_timeout_ms, core_attach_timeout_ms, uint, 0644);
MODULE_PARM_DESC(attach_timeout_ms, "bound on a handler's answer to SESS_ATTACH when a session registers (default 10000)");

static void core_on_ping(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_msg pong;

	scst_msg_init(&pong, SCST_MSG_PONG, SCST_EP_CORE, msg->src);
	pong.test = msg->test;
	scst_bus_reply(msg, &pong);
}

static const SCST_HANDLERS(core_handlers) = {
	[SCST_MSG_PING]			= core_on_ping,
	[SCST_MSG_CMD_NEW]		= core_on_cmd_new,
	[SCST_MSG_CMD_PARSED]		= core_on_cmd_parsed,
	[SCST_MSG_CMD_BUF_READY]	= core_on_cmd_buf_ready,
	[SCST_MSG_CMD_XFER_DONE]	= core_on_cmd_xfer_done,
	[SCST_MSG_CMD_EXEC_DONE]	= core_on_cmd_exec_done,
	[SCST_MSG_CMD_RESPONDED]	= core_on_cmd_responded,
	[SCST_MSG_TMF_NEW]		= core_on_tmf_new,
	[SCST_MSG_TMF_EXEC_DONE]	= core_on_tmf_exec_done,
	[SCST_MSG_TMF_RESPONDED]	= core_on_tmf_responded,
	[SCST_MSG_SESS_ATTACHED]	= core_on_sess_attached,
	[SCST_MSG_SESS_DETACHED]	= core_on_sess_detached,
};

struct scst_endpoint core_ep = {
	.name		= "core",
	.id		= SCST_EP_CORE,
	.handlers	= SCST_EP_HANDLERS(core_handlers),
};
EXPORT_SYMBOL_IF_KUNIT(core_ep);

static int __init core_init(void)
{
	struct scst_sgv_pool_params pp = {
		.name		= "scst_core",
		.clustering	= SCST_SGV_CLUSTER_TAIL,
	};
	int ret;

	ret = core_cmd_cache_init();
	if (ret)
		return ret;
	core_wq = alloc_workqueue("scst_core", WQ_UNBOUND | WQ_MEM_RECLAIM, 0);
	if (!core_wq) {
		ret = -ENOMEM;
		goto out_cache;
	}
	core_sgv_pool = scst_sgv_pool_create(&pp);
	if (IS_ERR(core_sgv_pool)) {
		ret = PTR_ERR(core_sgv_pool);
		goto out_wq;
	}
	ret = scst_bus_register(&core_ep);
	if (ret)
		goto out_pool;
	ret = core_configfs_init();
	if (ret)
		goto out_bus;
	core_watchdog_init();
	return 0;

out_bus:
	scst_bus_unregister(&core_ep);
out_pool:
	scst_sgv_pool_destroy(core_sgv_pool);
out_wq:
	destroy_workqueue(core_wq);
out_cache:
	core_cmd_cache_exit();
	return ret;
}

/*
 * Fabric and handler modules use this module's symbols, so they are gone
 * by now, and with them every target, session and device: nothing is in
 * flight.
 */
static void __exit core_exit(void)
{
	core_watchdog_exit();
	core_configfs_exit();
	core_retry_exit();
	if (scst_bus_unregister(&core_ep))
		pr_err(CORE_NAME ": bus endpoint did not unregister cleanly\n");
	scst_sgv_pool_destroy(core_sgv_pool);
	destroy_workqueue(core_wq);
	core_cmd_cache_exit();
}

module_init(core_init);
module_exit(core_exit);
MODULE_DESCRIPTION("SCST-NG SCSI target core");
MODULE_LICENSE("GPL");
