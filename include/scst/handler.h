/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG device handler API: what a backend (vdisk, user space) uses to
 * export devices and execute the commands the core sends it.
 *
 * A handler registers a const struct scst_handler_ops and a bus endpoint
 * (ops->ep). Its devices (struct scst_device) are made by configfs mkdir
 * handlers/<name>/<dev> (ops->create_device) or by scst_dev_register(), and
 * become usable once enabled. The core sends to ops->ep:
 *
 *   SCST_MSG_CMD_PARSE      (ops->flags & SCST_HANDLER_PARSES) after the
 *                           core's own CDB parse: adjust cmd->data_dir,
 *                           cmd->bufflen, or set a status to finish the
 *                           command early; scst_cmd_parsed(cmd)
 *   SCST_MSG_CMD_ALLOC_BUF  (SCST_HANDLER_ALLOCS_BUF) set cmd->sg,
 *                           cmd->sg_cnt and the cookie the handler wants
 *                           back with CMD_BUF_FREE; scst_cmd_buf_ready(cmd,
 *                           0 or -errno). A failing handler may set the
 *                           sense first: the command ends with it (else
 *                           BUSY for -ENOMEM, HARDWARE ERROR otherwise)
 *   SCST_MSG_CMD_EXEC       execute; set the outcome with
 *                           scst_cmd_set_sense()/scst_cmd_set_status() and
 *                           cmd->resp_len, then scst_cmd_exec_done(cmd)
 *   SCST_MSG_CMD_ABORT      a command lent to the handler was aborted: it
 *                           may finish early (any status); still reply.
 *                           A hint that can cross the reply or come before
 *                           the lend: act only if msg.cmd.cmd is a command
 *                           the handler holds now and its id equals
 *                           msg.cmd.buf_cookie; never dereference it
 *                           otherwise (it may be freed)
 *   SCST_MSG_CMD_BUF_FREE   a buffer from CMD_ALLOC_BUF is no longer used;
 *                           the message holds its sg and cookie only.
 *                           (SCST_HANDLER_FREE_NOTICE) also for a command
 *                           with no such buffer whose buf_cookie the
 *                           handler set (non-zero) while it was lent: sg
 *                           NULL; the command is being freed
 *   SCST_MSG_TMF_EXEC       (SCST_HANDLER_TMF) a LUN, I_T nexus or target
 *                           reset reached one of its devices: reset the
 *                           device's state; scst_tmf_exec_done(msg, 0 or -errno)
 *   SCST_MSG_SESS_ATTACH    (SCST_HANDLER_SESSIONS) a session can now reach
 *                           a device: set up per-nexus state in
 *                           tgt_dev->handler_priv; reply with
 *                           scst_sess_attached(msg, 0 or -errno)
 *   SCST_MSG_SESS_DETACH    (SCST_HANDLER_SESSIONS) it no longer can; tear
 *                           it down and reply with scst_sess_detached(msg)
 *   SCST_MSG_DEV_UNUSED     (SCST_HANDLER_DEV_UNUSED) the last LUN naming a
 *                           device made by scst_dev_register() was removed:
 *                           a handler keeping a device only for its LUNs
 *                           (dev-user's orphans) may unregister it now
 *
 * The core runs the commands' ordering rules: it sends CMD_EXEC only for
 * commands that may run now; commands it sends without waiting for each
 * other may be executed in any order.
 */
#ifndef _SCST_HANDLER_H
#define _SCST_HANDLER_H

#include <linux/types.h>
#include <scst/cmd.h>
#include <scst/msg.h>

struct configfs_attribute;
struct config_item;
struct module;

/* Handler flags */
#define SCST_HANDLER_PARSES	0x1	/* wants CMD_PARSE */
#define SCST_HANDLER_ALLOCS_BUF	0x2	/* supplies data buffers */
#define SCST_HANDLER_TMF	0x4	/* wants TMF_EXEC for resets */
#define SCST_HANDLER_SESSIONS	0x8	/* wants SESS_ATTACH/DETACH */
#define SCST_HANDLER_DEV_UNUSED	0x10	/* wants DEV_UNUSED */
#define SCST_HANDLER_FREE_NOTICE 0x20	/* CMD_BUF_FREE for every cookie set */

/**
 * struct scst_handler_ops - a device handler, as the core sees it
 * @name:           configfs directory handlers/<name>/ and logs
 * @owner:          THIS_MODULE; pinned while any of its devices exists
 * @ep:             the handler's bus endpoint
 * @type:           SCSI peripheral device type of its devices (0 disk,
 *                  5 CD/DVD)
 * @flags:          SCST_HANDLER_*
 * @create_device:  process context, at mkdir: set up dev->handler_priv
 * @destroy_device: process context, at rmdir (never while enabled)
 * @enable_device:  process context, `enable` written: open the backing
 *                  store and set dev->block_shift and dev->nr_blocks (or
 *                  close it). The core refuses to disable a device while a
 *                  LUN uses it.
 * @dev_attrs:      the handler's configfs attributes of a device, or NULL;
 *                  they sit next to the core's in handlers/<name>/<dev>/,
 *                  and one named like a core attribute replaces it.
 *                  Their show() and store() get the device's config_item:
 *                  scst_dev_from_item() gives the device. A store() whose
 *                  change is unsafe while the device is enabled makes it
 *                  through scst_dev_change_disabled()
 */
struct scst_handler_ops {
	const char *name;
	struct module *owner;
	enum scst_ep_id ep;
	u8 type;
	unsigned int flags;
	int (*create_device)(struct scst_device *dev);
	void (*destroy_device)(struct scst_device *dev);
	int (*enable_device)(struct scst_device *dev, bool enable);
	struct configfs_attribute **dev_attrs;
};

/**
 * struct scst_device - one exported device (a logical unit's backing)
 * @name:          unique among all devices
 * @handler:       its handler
 * @type:          SCSI peripheral device type (from @handler)
 * @block_shift:   log2 of the logical block size (9 to 12 for disks, 11
 *                 for CD), set by the handler when enabled
 * @nr_blocks:     capacity in logical blocks; change it only through
 *                 scst_dev_set_capacity(), which raises CAPACITY DATA HAS
 *                 CHANGED
 * @read_only:     the whole device is write-protected
 * @d_sense:       report sense in descriptor format (control mode page)
 * @tas:           TAS: commands aborted by another initiator's TMF end with
 *                 TASK ABORTED status instead of no status
 * @qerr:          QErr (control mode page): 0 keep, 1 abort all tasks on a
 *                 CHECK CONDITION (and UA others), 3 abort this nexus's
 * @queue_depth:   most commands one session may have queued on it
 * @skip_parse:    a SCST_HANDLER_PARSES handler has nothing to say about
 *                 this device's commands now: no CMD_PARSE for them (the
 *                 handler may flip it at any time; read once per command)
 * @handler_priv:  the handler's
 * @item:          its configfs directory: made by mkdir, or by the core
 *                 for scst_dev_register() ones (rmdir refuses those)
 *
 * The handler sets @block_shift, @nr_blocks and @read_only while the
 * device is disabled, and @skip_parse at any time; the core sets @d_sense,
 * @tas, @qerr, @queue_depth from configfs. Everything else is the core's.
 */
struct scst_device {
	const char *name;
	const struct scst_handler_ops *handler;
	u8 type;
	u8 block_shift;
	u64 nr_blocks;
	bool read_only;
	bool d_sense;
	bool tas;
	u8 qerr;
	u32 queue_depth;
	bool skip_parse;
	void *handler_priv;
	struct config_item *item;
};

/*
 * One (session, LUN) pair: the I_T_L nexus. Handlers get it in
 * SESS_ATTACH/DETACH and as cmd->tgt_dev.
 */
struct scst_tgt_dev {
	struct scst_session *sess;
	struct scst_device *dev;
	u64 lun;
	bool read_only;
	void *handler_priv;
};

/*
 * For the handler's configfs attributes (@dev_attrs): the device whose
 * directory @item is (NULL if it is not one); valid during show()/store().
 * scst_dev_change_disabled() runs @change with enable and disable locked
 * out and returns its result, or returns -EBUSY (logged, naming @attr) if
 * the device is enabled.
 */
struct scst_device *scst_dev_from_item(struct config_item *item);
int scst_dev_change_disabled(struct scst_device *dev, const char *attr,
			     int (*change)(struct scst_device *dev,
					   const void *arg),
			     const void *arg);

/**
 * struct scst_cmd_port - the target port a command came in through, for
 * VPD page 0x83's port designators (SPC-4 7.8.6)
 * @rel_tgt_port_id: relative target port identifier
 * @tpg_id:          target port group (ALUA); 0: the port is in none, so
 *                   report no target port group designator
 * @protocol_id:     the fabric's SPC-4 protocol identifier
 * @tgt_name:        the target's name (SCSI name string designator);
 *                   valid while the command is lent
 */
struct scst_cmd_port {
	u16 rel_tgt_port_id;
	u16 tpg_id;
	u8 protocol_id;
	const char *tgt_name;
};

/* Fill @port for @cmd, while it is lent to the handler. */
void scst_cmd_port(const struct scst_cmd *cmd, struct scst_cmd_port *port);

int scst_handler_register(const struct scst_handler_ops *ops);
void scst_handler_unregister(const struct scst_handler_ops *ops);

/*
 * Devices made by code (tests, handlers with fixed devices); configfs ones
 * go through the same functions. scst_dev_unregister() fails with -EBUSY
 * while a LUN uses the device.
 */
struct scst_device *scst_dev_register(const struct scst_handler_ops *ops,
				      const char *name);
int scst_dev_enable(struct scst_device *dev, bool enable);
int scst_dev_unregister(struct scst_device *dev);
void scst_dev_set_capacity(struct scst_device *dev, u64 nr_blocks);
/*
 * Establish the unit attention @asc/@ascq (sense key UNIT ATTENTION) on
 * every I_T_L nexus of @dev but @except (the nexus whose command caused it
 * and learns the news from that command's status; NULL: none), for
 * conditions only the handler sees: MODE PARAMETERS CHANGED, MEDIUM MAY
 * HAVE CHANGED. Any context but hard IRQ.
 */
void scst_dev_raise_ua(struct scst_device *dev, struct scst_tgt_dev *except,
		       u8 asc, u8 ascq);

/* Replies to the core's lends (any context but hard IRQ). */
void scst_cmd_parsed(struct scst_cmd *cmd);
void scst_cmd_buf_ready(struct scst_cmd *cmd, int error);
void scst_cmd_exec_done(struct scst_cmd *cmd);
/*
 * scst_cmd_exec_done() from process context outside any bus handler and
 * with no lock held (a user-space handler's ioctl): the core's next steps,
 * and the fabric's when they run on this CPU, are delivered in the caller
 * (scst_bus_send_drain()), sparing the bus thread's wake-up. Elsewhere it
 * is the plain call.
 */
void scst_cmd_exec_done_drain(struct scst_cmd *cmd);
void scst_tmf_exec_done(const struct scst_msg *exec, int error);
void scst_sess_attached(const struct scst_msg *attach, int error);
void scst_sess_detached(const struct scst_msg *detach);

#endif /* _SCST_HANDLER_H */
