// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: the core's messages to SCST_EP_USER.
 *
 * The endpoint never sleeps: work for user space is queued on the device
 * and its readers are woken; the reply comes in an ioctl (reply.c), which
 * answers the core from there. A device that is not LIVE takes no new
 * work: its commands end NOT READY, LOGICAL UNIT NOT READY, MANUAL
 * INTERVENTION REQUIRED (02/04/03), as long as LUNs still name it and no
 * process has registered it again.
 */
#include <linux/slab.h>
#include "user.h"

/* SPC-4: NOT READY, LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED */
#define ASC_NOT_READY		0x04
#define ASCQ_MANUAL		0x03

void user_cmd_set_not_ready(struct scst_cmd *cmd)
{
	scst_cmd_set_sense(cmd, SCST_KEY_NOT_READY, ASC_NOT_READY, ASCQ_MANUAL);
}

static struct kmem_cache *user_cmd_cache;

int user_cmd_cache_init(void)
{
	user_cmd_cache = KMEM_CACHE(user_cmd, 0);
	return user_cmd_cache ? 0 : -ENOMEM;
}

void user_cmd_cache_exit(void)
{
	kmem_cache_destroy(user_cmd_cache);
}

/**
 * user_cmd_new() - a new user command in @udev's table
 * @udev:    the device, LIVE (dev->lock held)
 * @cmd:     the SCSI command it is for, or NULL
 * @subcode: its first step, for the log
 *
 * Returns it with no reference held and in state CORE, or NULL when out
 * of memory or handles.
 */
struct user_cmd *user_cmd_new(struct user_dev *udev, struct scst_cmd *cmd,
			      u32 subcode)
{
	return user_cmd_new_h(udev, cmd, subcode, 0);
}

/*
 * The same under handle @h, reserved by user_handle_reserve(), or under a
 * new handle if @h is 0. A reserved handle is kept when this fails.
 */
struct user_cmd *user_cmd_new_h(struct user_dev *udev, struct scst_cmd *cmd,
				u32 subcode, u32 h)
{
	struct user_cmd *ucmd;
	int ret;

	lockdep_assert_held(&udev->lock);
	ucmd = kmem_cache_zalloc(user_cmd_cache, GFP_ATOMIC);
	if (!ucmd)
		return NULL;
	ucmd->udev = udev;
	ucmd->state = USER_CMD_CORE;
	ucmd->subcode = subcode;
	ucmd->cmd = cmd;
	if (cmd)
		ucmd->cmd_id = cmd->id;
	INIT_LIST_HEAD(&ucmd->ready);
	if (h) {
		ucmd->h = h;
		ret = xa_err(xa_store(&udev->cmds, h, ucmd, GFP_ATOMIC));
	} else {
		ret = xa_alloc_cyclic(&udev->cmds, &ucmd->h, ucmd,
				      XA_LIMIT(1, U32_MAX), &udev->next_h,
				      GFP_ATOMIC);
	}
	if (ret < 0) {
		kmem_cache_free(user_cmd_cache, ucmd);
		return NULL;
	}
	udev->nr_cmds++;
	return ucmd;
}

/*
 * A handle that names no user command yet (xa_load() gives NULL, table
 * walks skip it): PREALLOC_BUFFER's, for its buffer's ON_CACHED_MEM_FREE.
 * Returns 0 when out of memory or handles (dev->lock held).
 */
u32 user_handle_reserve(struct user_dev *udev)
{
	u32 h;

	lockdep_assert_held(&udev->lock);
	if (xa_alloc_cyclic(&udev->cmds, &h, NULL, XA_LIMIT(1, U32_MAX),
			    &udev->next_h, GFP_ATOMIC) < 0)
		return 0;
	return h;
}

/*
 * Queue @ucmd's next step for user space (dev->lock held). Only a step
 * that finds the list empty wakes a thread: one queued behind others is
 * taken with them, by the thread woken for the first or by one coming
 * back from user space, which both take up to a batch; a thread that
 * leaves steps behind wakes the next (user_pass_on()). Waking a thread
 * per step instead made every step a context switch as soon as the
 * handler had more threads than busy CPUs (scst_fileio -t 4 on 2 CPUs:
 * 2.9 switches and a third of the IOPS of -t 2).
 */
void user_cmd_queue(struct user_cmd *ucmd, u32 subcode)
{
	struct user_dev *udev = ucmd->udev;
	bool first = list_empty(&udev->ready);

	lockdep_assert_held(&udev->lock);
	ucmd->subcode = subcode;
	ucmd->state = USER_CMD_QUEUED;
	ucmd->refs |= USER_REF_USER;
	list_add_tail(&ucmd->ready, &udev->ready);
	if (first)
		wake_up(&udev->wq);
}

/*
 * Drop reference @ref of @ucmd (dev->lock held); the last one erases it
 * from the table and frees it. Returns true if it was freed.
 */
bool user_cmd_put(struct user_cmd *ucmd, unsigned int ref)
{
	struct user_dev *udev = ucmd->udev;

	lockdep_assert_held(&udev->lock);
	WARN_ON_ONCE(!(ucmd->refs & ref));
	ucmd->refs &= ~ref;
	if (ref == USER_REF_USER) {
		list_del_init(&ucmd->ready);
		ucmd->state = USER_CMD_CORE;
	}
	if (ucmd->refs)
		return false;
	xa_erase(&udev->cmds, ucmd->h);
	udev->nr_cmds--;
	kmem_cache_free(user_cmd_cache, ucmd);
	if (!udev->nr_cmds)
		wake_up_all(&udev->idle_wq);
	return true;
}

/*
 * A step ends without user space (abort before it was sent, or cleanup):
 * answer the core for it, with what the caller copied out of the user
 * command (which may be freed by now) and no lock held. An ended SCSI step
 * fails NOT READY (an aborted one ends as the core decides); sessions and
 * resets succeed (no state of the device's is left to keep).
 */
void user_step_end(u32 subcode, struct scst_cmd *cmd,
		   const struct scst_msg *req)
{
	switch (subcode) {
	case SCST_USER_PARSE:
		user_cmd_set_not_ready(cmd);
		scst_cmd_parsed(cmd);
		break;
	case SCST_USER_ALLOC_MEM:
		user_cmd_set_not_ready(cmd);
		scst_cmd_buf_ready(cmd, -ENODEV);
		break;
	case SCST_USER_EXEC:
		user_cmd_set_not_ready(cmd);
		scst_cmd_exec_done(cmd);
		break;
	case SCST_USER_ATTACH_SESS:
		scst_sess_attached(req, 0);
		break;
	case SCST_USER_DETACH_SESS:
		scst_sess_detached(req);
		break;
	case SCST_USER_TASK_MGMT_RECEIVED:
	case SCST_USER_TASK_MGMT_DONE:
		/* A reset's; an abort's notices answer nothing. */
		if (req && req->type == SCST_MSG_TMF_EXEC)
			scst_tmf_exec_done(req, 0);
		break;
	default:
		/* ON_FREE_CMD, ON_CACHED_MEM_FREE: nothing is owed */
		break;
	}
}

/*
 * @ucmd is @cmd's for the command's life (dev->lock held): every step
 * finds it, so user space sees one cmd_h from PARSE to ON_FREE_CMD, and
 * the cookie brings the core's CMD_BUF_FREE when the command is freed
 * (SCST_HANDLER_FREE_NOTICE), buffer or not.
 */
static void user_cmd_attach(struct user_cmd *ucmd, struct scst_cmd *cmd)
{
	cmd->handler_priv = ucmd;
	cmd->buf_cookie = ucmd->h;
	ucmd->refs |= USER_REF_BUF;
}

static struct user_dev *user_dev_of(const struct scst_cmd *cmd)
{
	return cmd->dev->handler_priv;
}

/*
 * Take a SCSI command's step for user space. Returns false, and the
 * caller answers the core itself, when the device takes no work now or
 * memory ran out.
 */
static bool user_cmd_step(struct user_dev *udev, struct scst_cmd *cmd,
			  u32 subcode)
{
	struct user_cmd *ucmd;

	spin_lock_bh(&udev->lock);
	if (udev->state != USER_DEV_LIVE) {
		spin_unlock_bh(&udev->lock);
		return false;
	}
	ucmd = cmd->handler_priv;
	if (!ucmd) {
		ucmd = user_cmd_new(udev, cmd, subcode);
		if (!ucmd) {
			spin_unlock_bh(&udev->lock);
			user_warn("%s: no memory for a user command\n",
				  udev->name);
			return false;
		}
		user_cmd_attach(ucmd, cmd);
	}
	ucmd->refs |= USER_REF_LENT;
	user_cmd_queue(ucmd, subcode);
	spin_unlock_bh(&udev->lock);
	return true;
}

static void user_on_cmd_parse(struct scst_endpoint *ep,
			      const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;
	struct user_dev *udev = user_dev_of(cmd);

	/*
	 * The core parsed the CDB already: STANDARD and EXCEPTION (which
	 * asks only about CDBs the kernel cannot parse, and those the core
	 * has refused before this) need nothing of user space.
	 */
	if (READ_ONCE(udev->opt.parse_type) == SCST_USER_PARSE_CALL &&
	    user_cmd_step(udev, cmd, SCST_USER_PARSE))
		return;
	if (READ_ONCE(udev->state) != USER_DEV_LIVE)
		user_cmd_set_not_ready(cmd);
	scst_cmd_parsed(cmd);
}

/*
 * A buffer for the command: a cached one (a pool hit needs no user round
 * trip), else ALLOC_MEM asks user space for memory.
 */
static void user_on_cmd_alloc_buf(struct scst_endpoint *ep,
				  const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;
	struct user_dev *udev = user_dev_of(cmd);
	struct scst_sgv_buf *buf = NULL;
	struct user_cmd *ucmd;
	struct user_mem *mem;

	spin_lock_bh(&udev->lock);
	if (udev->state != USER_DEV_LIVE) {
		spin_unlock_bh(&udev->lock);
		user_cmd_set_not_ready(cmd);
		scst_cmd_buf_ready(cmd, -ENODEV);
		return;
	}
	ucmd = cmd->handler_priv;
	if (!ucmd) {
		ucmd = user_cmd_new(udev, cmd, SCST_USER_ALLOC_MEM);
		if (!ucmd) {
			spin_unlock_bh(&udev->lock);
			scst_cmd_buf_ready(cmd, -ENOMEM);
			return;
		}
		user_cmd_attach(ucmd, cmd);
	}
	ucmd->refs |= USER_REF_LENT;
	spin_unlock_bh(&udev->lock);

	if (user_reuses(udev, cmd->data_dir))
		scst_sgv_alloc(udev->pool, cmd->bufflen, GFP_ATOMIC,
			       SCST_SGV_ALLOC_CACHED_ONLY, 0, &buf);

	spin_lock_bh(&udev->lock);
	if (udev->state != USER_DEV_LIVE) {
		/*
		 * The cleanup began meanwhile and did not see this step. The
		 * buffer goes back to the pool before the lend is dropped:
		 * the cleanup flushes the pool only once the table is empty,
		 * and a buffer cached after that flush would stay pinned.
		 */
		spin_unlock_bh(&udev->lock);
		if (buf)
			scst_sgv_free(buf);
		spin_lock_bh(&udev->lock);
		user_cmd_put(ucmd, USER_REF_LENT);
		spin_unlock_bh(&udev->lock);
		user_cmd_set_not_ready(cmd);
		scst_cmd_buf_ready(cmd, -ENODEV);
		return;
	}
	if (!buf) {
		user_cmd_queue(ucmd, SCST_USER_ALLOC_MEM);
		spin_unlock_bh(&udev->lock);
		return;
	}
	mem = (struct user_mem *)(uintptr_t)buf->cookie;
	ucmd->buf = buf;
	ucmd->pbuf = mem->pbuf;
	ucmd->buf_cached = true;
	ucmd->refs |= USER_REF_BUF;
	user_cmd_put(ucmd, USER_REF_LENT);
	cmd->sg = buf->sg;
	cmd->sg_cnt = buf->nents;
	cmd->buf_cookie = ucmd->h;
	spin_unlock_bh(&udev->lock);
	scst_cmd_buf_ready(cmd, 0);
}

static void user_on_cmd_exec(struct scst_endpoint *ep,
			     const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;

	if (user_cmd_step(user_dev_of(cmd), cmd, SCST_USER_EXEC))
		return;
	if (READ_ONCE(user_dev_of(cmd)->state) != USER_DEV_LIVE)
		user_cmd_set_not_ready(cmd);
	else
		scst_cmd_set_status(cmd, SCST_STATUS_BUSY);
	scst_cmd_exec_done(cmd);
}

/*
 * The core freed a command of ours: its buffer, if any, goes back to the
 * pool (and to its cache per the reuse mode); then user space learns the
 * command is gone (ON_FREE_CMD), unless it asked not to be told.
 *
 * The buffer goes back before the command lets go of it: a device's
 * cleanup flushes its pool once the command table is empty, and a buffer
 * cached after that flush would stay pinned past the cleanup's bound. The
 * reference the command keeps meanwhile holds it in the table; the
 * buffer's user_mem holds the device.
 */
static void user_on_cmd_buf_free(struct scst_endpoint *ep,
				 const struct scst_msg *msg)
{
	struct user_dev *udev, *owner = NULL;
	struct scst_sgv_buf *buf = NULL;
	struct user_cmd *ucmd = NULL;

	spin_lock_bh(&user_devs_lock);
	list_for_each_entry(udev, &user_devs_list, node) {
		spin_lock(&udev->lock);
		ucmd = xa_load(&udev->cmds, (u32)msg->cmd.buf_cookie);
		/*
		 * No sg: the core took no buffer of ours (none, or its step
		 * failed); a buffer we still hold then goes back too.
		 */
		if (ucmd && (ucmd->refs & USER_REF_BUF) &&
		    (!msg->cmd.sg || (ucmd->buf && ucmd->buf->sg == msg->cmd.sg))) {
			buf = ucmd->buf;
			ucmd->buf = NULL;
			owner = udev;
		}
		spin_unlock(&udev->lock);
		if (owner)
			break;
	}
	spin_unlock_bh(&user_devs_lock);
	if (!owner) {
		user_warn("CMD_BUF_FREE for unknown command %llu: ignored\n",
			  msg->cmd.buf_cookie);
		return;
	}
	if (buf)
		scst_sgv_free(buf);
	spin_lock_bh(&owner->lock);
	user_cmd_done(ucmd, USER_REF_BUF);
	spin_unlock_bh(&owner->lock);
}

/*
 * @ucmd lets go of @ref, the last the core's command gave it (its buffer,
 * or its lend for a command with none): user space hears ON_FREE_CMD if
 * it wants, and the user command ends once it replies (dev->lock held).
 */
void user_cmd_done(struct user_cmd *ucmd, unsigned int ref)
{
	struct user_dev *udev = ucmd->udev;

	lockdep_assert_held(&udev->lock);
	if (ucmd->refs & ~ref & (USER_REF_LENT | USER_REF_BUF) ||
	    udev->state != USER_DEV_LIVE ||
	    udev->opt.on_free_cmd_type == SCST_USER_ON_FREE_CMD_IGNORE ||
	    (ucmd->refs & USER_REF_USER)) {
		user_cmd_put(ucmd, ref);
		return;
	}
	ucmd->refs &= ~ref;
	ucmd->cmd = NULL;
	user_cmd_queue(ucmd, SCST_USER_ON_FREE_CMD);
}

/* A session, reset or device notice for user space, with its request. */
static void user_queue_req(struct user_dev *udev, const struct scst_msg *msg,
			   u32 subcode)
{
	struct user_cmd *ucmd = NULL;

	spin_lock_bh(&udev->lock);
	if (udev->state == USER_DEV_LIVE)
		ucmd = user_cmd_new(udev, NULL, subcode);
	if (ucmd) {
		ucmd->req = *msg;
		user_cmd_queue(ucmd, subcode);
	}
	spin_unlock_bh(&udev->lock);
	if (!ucmd)
		user_step_end(subcode, NULL, msg);
}

static void user_on_sess_attach(struct scst_endpoint *ep,
				const struct scst_msg *msg)
{
	user_queue_req(msg->sess.tgt_dev->dev->handler_priv, msg,
		       SCST_USER_ATTACH_SESS);
}

static void user_on_sess_detach(struct scst_endpoint *ep,
				const struct scst_msg *msg)
{
	struct user_dev *udev = msg->sess.tgt_dev->dev->handler_priv;

	user_sess_del(udev, msg->sess.tgt_dev);
	user_queue_req(udev, msg, SCST_USER_DETACH_SESS);
}

static void user_on_dev_unused(struct scst_endpoint *ep,
			       const struct scst_msg *msg)
{
	user_dev_unused(msg->cmd.dev);
}

static void user_on_ping(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_msg pong;

	scst_msg_init(&pong, SCST_MSG_PONG, msg->dst, msg->src);
	pong.test = msg->test;
	scst_bus_reply(msg, &pong);
}

const SCST_HANDLERS(user_msg_handlers) = {
	[SCST_MSG_PING]			= user_on_ping,
	[SCST_MSG_CMD_PARSE]		= user_on_cmd_parse,
	[SCST_MSG_CMD_ALLOC_BUF]	= user_on_cmd_alloc_buf,
	[SCST_MSG_CMD_EXEC]		= user_on_cmd_exec,
	[SCST_MSG_CMD_ABORT]		= user_on_cmd_abort,
	[SCST_MSG_CMD_BUF_FREE]		= user_on_cmd_buf_free,
	[SCST_MSG_SESS_ATTACH]		= user_on_sess_attach,
	[SCST_MSG_SESS_DETACH]		= user_on_sess_detach,
	[SCST_MSG_TMF_EXEC]		= user_on_tmf_exec,
	[SCST_MSG_DEV_UNUSED]		= user_on_dev_unused,
	[SCST_MSG_SGV_RELEASED]		= user_on_sgv_released,
	[SCST_MSG_SGV_FLUSH_DONE]	= user_on_sgv_flush_done,
};
