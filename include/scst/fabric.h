/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG fabric API: what a target driver (iSCSI, FC, SRP, local) uses to
 * hand SCSI commands to the core and get them back.
 *
 * A fabric registers a const struct scst_fabric_ops and a bus endpoint
 * (ops->ep). It then has targets (struct scst_tgt: one SCSI target port),
 * and on a target sessions (struct scst_session: one I_T nexus). Commands
 * and TMFs are allocated by the core, filled in by the fabric and submitted;
 * from then on the core owns them and lends them back with messages to
 * ops->ep:
 *
 *   SCST_MSG_CMD_XFER     receive the write data into cmd->sg, then call
 *                         scst_cmd_xfer_done(cmd, 0 or -errno)
 *   SCST_MSG_CMD_RESPOND  send cmd->status, cmd->sense and, for reads,
 *                         cmd->resp_len bytes of cmd->sg; or, if
 *                         cmd->aborted && !cmd->send_status, send nothing.
 *                         Then call scst_cmd_responded(cmd): the core frees
 *                         the command, so drop every pointer to it first.
 *   SCST_MSG_CMD_ABORT    a command lent to the fabric was aborted: a
 *                         pending transfer may end early with an error;
 *                         still reply as usual. A hint that can cross
 *                         the reply: act on it only if msg.cmd.cmd is a
 *                         command the fabric holds now and its id equals
 *                         msg.cmd.buf_cookie; never dereference it
 *                         otherwise (it may be freed).
 *   SCST_MSG_TMF_RESPOND  send tmf->response, then scst_tmf_responded(tmf)
 *   SCST_MSG_SESS_GONE    scst_sess_unregister() finished: no command of
 *                         the session is left, msg.sess.fabric_priv is
 *                         the fabric's again
 *   SCST_MSG_TGT_GONE     scst_tgt_unregister() finished likewise
 *   SCST_MSG_SESS_LUNS_CHANGED  a live session's LUN set changed (LUN
 *                         mapped or unmapped, group changed): ask
 *                         scst_sess_luns(); msg.sess.fabric_priv names the
 *                         session, which may be gone already
 *
 * The helpers that reply (scst_cmd_xfer_done() ...) may be called from any
 * context but hard IRQ, while the command is lent and at most once per lend.
 */
#ifndef _SCST_FABRIC_H
#define _SCST_FABRIC_H

#include <linux/types.h>
#include <scst/cmd.h>
#include <scst/msg.h>

struct config_item;
struct configfs_attribute;
struct module;
struct scst_tgt;

/* Longest target, initiator, device and group name (with the NUL). */
#define SCST_NAME_MAX		224
/* Longest TransportID (SPC-4 7.6.4: iSCSI names make it long). */
#define SCST_TRANSPORT_ID_MAX	256

/**
 * struct scst_fabric_ops - a target driver, as the core sees it
 * @name:        configfs directory (targets/<name>/) and logs
 * @owner:       THIS_MODULE; pinned while any of its targets exists
 * @ep:          the fabric's bus endpoint, where the core sends its messages
 * @protocol_id: SPC-4 protocol identifier (PR TransportIDs, VPD 0x83)
 * @add_target:  configfs mkdir targets/<name>/<tgt>, process context: set up
 *               the fabric's side of @tgt; NULL if the fabric makes its
 *               targets itself (then mkdir is refused)
 * @remove_target: configfs rmdir, after the core unregistered every session
 * @enable_target: the target's `enable` was written: start (or stop)
 *               accepting logins/sessions. Process context, no core lock
 *               held, one call at a time for all targets, so it may
 *               register or unregister sessions and wait (bounded) for
 *               them. Enabling: the core already accepts sessions on
 *               @tgt, and refuses them again if this fails. Disabling
 *               (also before rmdir and scst_tgt_unregister()): the core
 *               already refuses new sessions; sessions still registered
 *               when it returns are unregistered by the core.
 * @tgt_attrs:   extra configfs attributes of a target, or NULL; their
 *               show() and store() get the target directory's config_item:
 *               scst_tgt_from_item() gives the target
 */
struct scst_fabric_ops {
	const char *name;
	struct module *owner;
	enum scst_ep_id ep;
	u8 protocol_id;
	int (*add_target)(struct scst_tgt *tgt);
	void (*remove_target)(struct scst_tgt *tgt);
	int (*enable_target)(struct scst_tgt *tgt, bool enable);
	struct configfs_attribute **tgt_attrs;
};

int scst_fabric_register(const struct scst_fabric_ops *ops);
void scst_fabric_unregister(const struct scst_fabric_ops *ops);

/*
 * For the fabric's configfs attributes (@tgt_attrs): the target whose
 * directory @item is, or NULL; valid during show()/store().
 */
struct scst_tgt *scst_tgt_from_item(struct config_item *item);

/*
 * Targets a fabric makes itself (FC ports, scst_local hosts). Targets made
 * by configfs mkdir reach ops->add_target() instead. scst_tgt_unregister()
 * disables the target, unregisters its sessions and sends TGT_GONE when
 * the last is gone.
 */
struct scst_tgt *scst_tgt_register(const struct scst_fabric_ops *ops,
				   const char *name, void *fabric_priv);
void scst_tgt_unregister(struct scst_tgt *tgt);
int scst_tgt_enable(struct scst_tgt *tgt, bool enable);
void *scst_tgt_fabric_priv(const struct scst_tgt *tgt);
const char *scst_tgt_name(const struct scst_tgt *tgt);
void scst_tgt_set_fabric_priv(struct scst_tgt *tgt, void *priv);
bool scst_tgt_enabled(const struct scst_tgt *tgt);

/*
 * Sessions. scst_sess_register() (process context; it may wait, bounded,
 * for device handlers to attach) picks the initiator group whose patterns
 * match @initiator, else the target's default LUNs, and fails with
 * -EACCES while the target is disabled. scst_sess_unregister() aborts what
 * the session has in flight and sends SESS_GONE once the core holds nothing
 * of it; a command stuck at a handler is reported by name and state, and
 * SESS_GONE waits for it.
 */
struct scst_session *scst_sess_register(struct scst_tgt *tgt,
					const char *initiator,
					const u8 *transport_id,
					unsigned int transport_id_len,
					void *fabric_priv);
void scst_sess_unregister(struct scst_session *sess);
void *scst_sess_fabric_priv(const struct scst_session *sess);
/*
 * The LUNs @sess reaches now, ascending: up to @max into @luns; returns
 * how many it has (more than @max: @luns holds the first @max). Process
 * context, while the session is registered. SCST_MSG_SESS_LUNS_CHANGED
 * says when to ask again.
 */
int scst_sess_luns(struct scst_session *sess, u64 *luns, unsigned int max);
const char *scst_sess_initiator(const struct scst_session *sess);
/* The target a session is on (device handlers name it to user space) */
struct scst_tgt *scst_sess_tgt(const struct scst_session *sess);

/*
 * Commands. scst_cmd_alloc() may be called in any context but hard IRQ;
 * @gfp as for kmalloc. A CDB longer than SCST_MAX_CDB_SIZE is refused with
 * -EINVAL. scst_cmd_submit() hands the command to the core (the fabric may
 * keep its pointer only to answer the lends that follow).
 * scst_cmd_submit_drain() also runs the bus in the caller's context, so a
 * synchronous path (nullio, the local fabric) needs no context switch; not
 * from inside a bus handler.
 */
struct scst_cmd *scst_cmd_alloc(struct scst_session *sess, u64 lun,
				const u8 *cdb, unsigned int cdb_len, gfp_t gfp);
void scst_cmd_submit(struct scst_cmd *cmd);
void scst_cmd_submit_drain(struct scst_cmd *cmd);
void scst_cmd_xfer_done(struct scst_cmd *cmd, int error);

/*
 * A fabric whose data already sits in memory it owns (the local fabric:
 * the SCSI midlayer's buffer) offers that memory before scst_cmd_submit().
 * The core uses it as the command's buffer when @len covers the CDB's
 * transfer length, the command moves data one way and the device handler
 * does not supply buffers itself: a write is then not lent for CMD_XFER
 * (its data is in place) and a read's data lands in place. Otherwise the
 * core uses a buffer of its own and lends CMD_XFER for writes as usual, and
 * the fabric copies: cmd->sg == @sg at CMD_RESPOND tells which happened.
 * The memory must stay valid until the fabric replies to CMD_RESPOND.
 */
void scst_cmd_set_fabric_buf(struct scst_cmd *cmd, struct scatterlist *sg,
			     unsigned int sg_cnt, u32 len);
void scst_cmd_responded(struct scst_cmd *cmd);

/* Task management: the same pattern. */
struct scst_tmf *scst_tmf_alloc(struct scst_session *sess, enum scst_tmf_fn fn,
				u64 lun, u64 tag, gfp_t gfp);
void scst_tmf_submit(struct scst_tmf *tmf);
void scst_tmf_responded(struct scst_tmf *tmf);

#endif /* _SCST_FABRIC_H */
