// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: module init/exit, the two bus endpoints and what
 * they do with the core's messages.
 *
 *   SCST_EP_VDISK     never sleeps: vdisk_nullio's commands run here to
 *                     completion on the CPU that sent them, and every
 *                     VDISK_IO_DONE (a backend's I/O completion) ends here;
 *                     vdisk_fileio's commands arrive here too, and all but
 *                     the READs the page cache serves go on to the pool
 *   SCST_EP_VDISK_IO  SCST_EP_SLEEPS, a thread pool: vdisk_fileio,
 *                     vdisk_blockio and vcdrom, whose commands open,
 *                     read, write and flush files and block devices
 *
 * Both endpoints take the same command messages; the handler of a device
 * picks which one the core sends them to (struct scst_handler_ops.ep).
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/preempt.h>
#include <scst/bus.h>
#include "vdisk.h"
#include "handlers.h"

/* SPC-4 sense: ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE */
#define ASC_INVALID_OPCODE	0x20

static unsigned int io_threads;
module_param(io_threads, uint, 0444);
MODULE_PARM_DESC(io_threads, "threads serving vdisk_fileio, vdisk_blockio and vcdrom (default 0: one per online CPU)");

/*
 * Bound on each wait of an endpoint's unregister handshake at unload: by
 * then no device exists (configfs devices pin the module), so anything
 * still out is a bug, which the bus reports by message type.
 */
#define VDISK_UNREGISTER_TIMEOUT_MS	10000

void vdisk_cmd_done(struct scst_cmd *cmd)
{
	scst_cmd_exec_done(cmd);
}

/**
 * vdisk_io_done() - a backend's I/O for @cmd ended
 * @cmd:   the command, still lent to the handler
 * @error: 0 or -errno
 *
 * Any context, hard IRQ included: the command is finished by the
 * VDISK_IO_DONE handler on SCST_EP_VDISK. If the bus cannot queue the
 * message (no memory for a spill with the ring full), a caller outside
 * hard IRQ finishes the command here instead; in hard IRQ the command
 * stays lent and the core's lend watchdog reports it.
 */
void vdisk_io_done(struct scst_cmd *cmd, int error)
{
	struct scst_msg msg;
	int ret;

	scst_msg_init(&msg, SCST_MSG_VDISK_IO_DONE, SCST_EP_VDISK,
		      SCST_EP_VDISK);
	msg.cmd.cmd = cmd;
	msg.cmd.error = error;
	ret = scst_bus_send(&msg);
	if (likely(!ret))
		return;
	if (in_hardirq()) {
		pr_err_ratelimited(VDISK_NAME ": command %llu: I/O completion lost: bus refused it (%d) in hard IRQ\n",
				   cmd->id, ret);
		return;
	}
	if (error)
		vdisk_set_io_error(cmd, error, cmd->data_dir == SCST_DATA_WRITE);
	vdisk_cmd_done(cmd);
}

static void vdisk_on_io_done(struct scst_endpoint *ep,
			     const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;

	if (msg->cmd.error)
		vdisk_set_io_error(cmd, msg->cmd.error,
				   cmd->data_dir == SCST_DATA_WRITE);
	vdisk_cmd_done(cmd);
}

/*
 * Each executor takes the commands it knows; spc.c goes first because it
 * also refuses media access while the unit is stopped or has no medium.
 * MMC commands reach only vcdrom: the core's CDB table gives them to
 * devices of type 5 only.
 */
static void vdisk_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	if (vdisk_spc_exec(vd, cmd) || vdisk_sbc_io_exec(vd, cmd) ||
	    vdisk_mode_exec(vd, cmd))
		return;
	if (vd->kind == VDISK_CDROM && vdisk_cdrom_exec(vd, cmd))
		return;
	scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST, ASC_INVALID_OPCODE,
			   0);
	vdisk_cmd_done(cmd);
}

/* SCST_EP_VDISK_IO: in a pool thread, where the command may sleep. */
static void vdisk_io_on_cmd_exec(struct scst_endpoint *ep,
				 const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;

	vdisk_exec(vdisk_of(cmd), cmd);
}

/*
 * SCST_EP_VDISK, which must not sleep. vdisk_nullio runs here. A
 * vdisk_fileio READ whose data is in the page cache is copied here on the
 * submitting CPU; that saves waking a pool thread and two context
 * switches, which cost far more than the copy. Any other fileio command
 * goes on to the pool as it came, the command still lent to this module.
 * Should the bus refuse (no memory with the ring full), the command ends
 * with the error of a failed allocation rather than waiting for nothing.
 */
static void vdisk_on_cmd_exec(struct scst_endpoint *ep,
			      const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;
	struct vdisk_dev *vd = vdisk_of(cmd);
	struct scst_msg fwd;
	int ret;

	if (vd->kind != VDISK_FILEIO) {
		vdisk_exec(vd, cmd);
		return;
	}
	if (vdisk_sbc_read_cached(vd, cmd))
		return;
	scst_msg_init(&fwd, SCST_MSG_CMD_EXEC, SCST_EP_VDISK, SCST_EP_VDISK_IO);
	fwd.cmd = msg->cmd;
	ret = scst_bus_send(&fwd);
	if (unlikely(ret)) {
		pr_err_ratelimited(VDISK_NAME ": command %llu: cannot reach the I/O threads (%d)\n",
				   cmd->id, ret);
		vdisk_set_io_error(cmd, -ENOMEM,
				   cmd->data_dir == SCST_DATA_WRITE);
		vdisk_cmd_done(cmd);
	}
}

/*
 * Every executor runs its command to completion inside CMD_EXEC, or
 * hands it to a backend I/O that cannot be recalled once submitted (a
 * bio, a kiocb, a synchronous read): there is nothing to cancel. The
 * command ends normally and the core, which knows it was aborted, sends
 * the status SAM asks for. So the hint is only acknowledged; the abort
 * message holds no reference and needs no reply.
 */
static void vdisk_on_cmd_abort(struct scst_endpoint *ep,
			       const struct scst_msg *msg)
{
}

/*
 * LUN RESET, I_T NEXUS RESET or TARGET RESET reached a device: SPC-4
 * 6.x/SAM-5 5.11 ask that mode parameters return to their saved values
 * and that a PREVENT ALLOW MEDIUM REMOVAL prevention ends. The core has
 * aborted the commands and cleared reservations already.
 */
static void vdisk_on_tmf_exec(struct scst_endpoint *ep,
			      const struct scst_msg *msg)
{
	struct vdisk_dev *vd = msg->cmd.dev->handler_priv;
	unsigned long flags;

	vdisk_mode_reset(vd);
	spin_lock_irqsave(&vd->lock, flags);
	vd->prevent = false;
	spin_unlock_irqrestore(&vd->lock, flags);
	scst_tmf_exec_done(msg, 0);
}

static void vdisk_on_ping(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_msg pong;

	scst_msg_init(&pong, SCST_MSG_PONG, msg->dst, msg->src);
	pong.test = msg->test;
	scst_bus_reply(msg, &pong);
}

static const SCST_HANDLERS(vdisk_handlers) = {
	[SCST_MSG_PING]			= vdisk_on_ping,
	[SCST_MSG_CMD_EXEC]		= vdisk_on_cmd_exec,
	[SCST_MSG_CMD_ABORT]		= vdisk_on_cmd_abort,
	[SCST_MSG_TMF_EXEC]		= vdisk_on_tmf_exec,
	[SCST_MSG_VDISK_IO_DONE]	= vdisk_on_io_done,
};

/* Completions go only to the non-sleeping endpoint (vdisk_io_done()). */
static const SCST_HANDLERS(vdisk_io_handlers) = {
	[SCST_MSG_PING]			= vdisk_on_ping,
	[SCST_MSG_CMD_EXEC]		= vdisk_io_on_cmd_exec,
	[SCST_MSG_CMD_ABORT]		= vdisk_on_cmd_abort,
	[SCST_MSG_TMF_EXEC]		= vdisk_on_tmf_exec,
};

static struct scst_endpoint vdisk_ep = {
	.name			= "vdisk",
	.id			= SCST_EP_VDISK,
	.handlers		= SCST_EP_HANDLERS(vdisk_handlers),
	.unregister_timeout_ms	= VDISK_UNREGISTER_TIMEOUT_MS,
};

static struct scst_endpoint vdisk_io_ep = {
	.name			= "vdisk_io",
	.id			= SCST_EP_VDISK_IO,
	.handlers		= SCST_EP_HANDLERS(vdisk_io_handlers),
	.flags			= SCST_EP_SLEEPS,
	.unregister_timeout_ms	= VDISK_UNREGISTER_TIMEOUT_MS,
};

static void vdisk_ep_unregister(struct scst_endpoint *ep)
{
	int ret = scst_bus_unregister(ep);

	if (ret)
		pr_err(VDISK_NAME ": endpoint %s did not unregister (%d): the bus reported what is still out\n",
		       ep->name, ret);
}

static int __init vdisk_init(void)
{
	int ret;

	vdisk_io_ep.nr_threads = io_threads;
	ret = scst_bus_register(&vdisk_ep);
	if (ret)
		return ret;
	ret = scst_bus_register(&vdisk_io_ep);
	if (ret)
		goto out_unregister_ep;
	ret = vdisk_handlers_register();
	if (ret)
		goto out_unregister_io_ep;
	return 0;

out_unregister_io_ep:
	vdisk_ep_unregister(&vdisk_io_ep);
out_unregister_ep:
	vdisk_ep_unregister(&vdisk_ep);
	return ret;
}

/*
 * Devices made through configfs pin this module, so none is left: no
 * command or TMF is lent to us. The I/O endpoint goes first because its
 * commands' completions are sent to the other one.
 */
static void __exit vdisk_exit(void)
{
	vdisk_handlers_unregister();
	vdisk_ep_unregister(&vdisk_io_ep);
	vdisk_ep_unregister(&vdisk_ep);
}

module_init(vdisk_init);
module_exit(vdisk_exit);
MODULE_DESCRIPTION("SCST-NG virtual disks: vdisk_fileio, vdisk_blockio, vdisk_nullio, vcdrom");
MODULE_LICENSE("GPL");
