// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: what user space gets (a queued step, as a struct
 * scst_user_get_cmd) and what it replies.
 *
 * Every reply is checked against the table before it touches anything: an
 * unknown handle (ESRCH), a command that awaits no reply, a second reply
 * or a reply of another subcode (EINVAL), bad lengths or a bad buffer
 * (EINVAL, EFAULT). Each gets its errno and one rate-limited log line; a
 * SCSI command whose reply was malformed ends with CHECK CONDITION
 * (HARDWARE ERROR, INTERNAL TARGET FAILURE) instead of waiting forever.
 */
#include <linux/sched/signal.h>
#include <linux/uaccess.h>
#include "user.h"
#include <scst/fabric.h>

/* SPC-4: HARDWARE ERROR, INTERNAL TARGET FAILURE */
#define ASC_INTERNAL_FAILURE	0x44

static u8 user_dir_to_abi(u8 dir)
{
	switch (dir) {
	case SCST_DATA_WRITE:
		return SCST_USER_DATA_WRITE;
	case SCST_DATA_READ:
		return SCST_USER_DATA_READ;
	case SCST_DATA_BIDI:
		return SCST_USER_DATA_BIDI;
	default:
		return SCST_USER_DATA_NONE;
	}
}

static int user_dir_from_abi(u8 dir)
{
	switch (dir) {
	case SCST_USER_DATA_WRITE:
		return SCST_DATA_WRITE;
	case SCST_USER_DATA_READ:
		return SCST_DATA_READ;
	case SCST_USER_DATA_BIDI:
		return SCST_DATA_BIDI;
	case SCST_USER_DATA_NONE:
		return SCST_DATA_NONE;
	default:
		return -EINVAL;
	}
}

/* The core's task attributes are SCST's queue types less one. */
static u8 user_queue_type(const struct scst_cmd *cmd)
{
	return cmd->task_attr + SCST_USER_QUEUE_SIMPLE;
}

static void user_fill_cdb(const struct scst_cmd *cmd, u8 *cdb, u16 *cdb_len)
{
	memcpy(cdb, cmd->cdb, min_t(u8, cmd->cdb_len, SCST_USER_MAX_CDB_SIZE));
	*cdb_len = cmd->cdb_len;
}

/* Describe @ucmd's step for user space (dev->lock held). */
static void user_fill(const struct user_cmd *ucmd,
		      struct scst_user_get_cmd *out)
{
	const struct user_dev *udev = ucmd->udev;
	const struct scst_cmd *cmd = ucmd->cmd;
	const struct scst_tgt_dev *td;

	memset(out, 0, sizeof(*out));
	out->cmd_h = ucmd->h;
	out->subcode = ucmd->subcode;
	switch (ucmd->subcode) {
	case SCST_USER_PARSE: {
		struct scst_user_scsi_cmd_parse *p = &out->parse_cmd;

		p->sess_h = (uintptr_t)cmd->tgt_dev;
		user_fill_cdb(cmd, p->cdb, &p->cdb_len);
		p->lba = cmd->lba;
		p->data_len = cmd->bufflen;
		p->bufflen = cmd->bufflen;
		p->queue_type = user_queue_type(cmd);
		p->data_direction = user_dir_to_abi(cmd->data_dir);
		p->expected_values_set =
			cmd->expected_len != SCST_EXPECTED_LEN_UNKNOWN;
		p->expected_data_direction = p->data_direction;
		p->expected_transfer_len = p->expected_values_set ?
					   cmd->expected_len : 0;
		p->sn = (u32)cmd->id;
		break;
	}
	case SCST_USER_ALLOC_MEM: {
		struct scst_user_scsi_cmd_alloc_mem *a = &out->alloc_cmd;

		a->sess_h = (uintptr_t)cmd->tgt_dev;
		user_fill_cdb(cmd, a->cdb, &a->cdb_len);
		a->alloc_len = user_alloc_pages(udev, cmd->bufflen) << PAGE_SHIFT;
		a->queue_type = user_queue_type(cmd);
		a->data_direction = user_dir_to_abi(cmd->data_dir);
		a->sn = (u32)cmd->id;
		break;
	}
	case SCST_USER_EXEC: {
		struct scst_user_scsi_cmd_exec *e = &out->exec_cmd;

		e->sess_h = (uintptr_t)cmd->tgt_dev;
		user_fill_cdb(cmd, e->cdb, &e->cdb_len);
		e->lba = cmd->lba;
		e->data_len = cmd->bufflen;
		e->bufflen = cmd->bufflen;
		e->pbuf = ucmd->buf ? ucmd->pbuf : 0;
		e->alloc_len = ucmd->buf ?
			       user_alloc_pages(udev, cmd->bufflen) << PAGE_SHIFT : 0;
		e->queue_type = user_queue_type(cmd);
		e->data_direction = user_dir_to_abi(cmd->data_dir);
		e->sn = (u32)cmd->id;
		break;
	}
	case SCST_USER_ON_FREE_CMD: {
		struct scst_user_scsi_on_free_cmd *f = &out->on_free_cmd;

		f->pbuf = ucmd->pbuf;
		f->resp_data_len = ucmd->resp_len;
		f->buffer_cached = ucmd->buf_cached;
		f->aborted = ucmd->aborted;
		f->status = ucmd->status;
		f->delivery_status = ucmd->aborted ? SCST_USER_DELIVERY_ABORTED :
						     SCST_USER_DELIVERY_SUCCESS;
		break;
	}
	case SCST_USER_ON_CACHED_MEM_FREE:
		out->on_cached_mem_free.pbuf = ucmd->free_pbuf;
		break;
	case SCST_USER_ATTACH_SESS:
	case SCST_USER_DETACH_SESS:
		td = ucmd->req.sess.tgt_dev;
		out->sess.sess_h = (uintptr_t)td;
		out->sess.lun = td->lun;
		out->sess.rd_only = td->read_only;
		out->sess.threads_num = 1;
		/* The nexus is lent to us until the reply: its names hold. */
		strscpy(out->sess.initiator_name, scst_sess_initiator(td->sess),
			sizeof(out->sess.initiator_name));
		strscpy(out->sess.target_name,
			scst_tgt_name(scst_sess_tgt(td->sess)),
			sizeof(out->sess.target_name));
		break;
	case SCST_USER_TASK_MGMT_RECEIVED:
	case SCST_USER_TASK_MGMT_DONE:
		out->tm_cmd.sess_h = ucmd->tm_sess_h;
		out->tm_cmd.fn = ucmd->tm_fn;
		out->tm_cmd.cmd_h_to_abort = ucmd->tm_cmd_h;
		break;
	}
}

/* Take the first queued step, if any (dev->lock held). */
static bool user_take(struct user_dev *udev, struct scst_user_get_cmd *out)
{
	struct user_cmd *ucmd;

	lockdep_assert_held(&udev->lock);
	ucmd = list_first_entry_or_null(&udev->ready, struct user_cmd, ready);
	if (!ucmd)
		return false;
	list_del_init(&ucmd->ready);
	ucmd->state = USER_CMD_SENT;
	user_fill(ucmd, out);
	return true;
}

/*
 * A thread leaves REPLY_AND_GET_* (with a full batch, one command, or an
 * error): steps still queued wake another, as user_cmd_queue() woke none
 * for them.
 */
void user_pass_on(struct user_dev *udev)
{
	spin_lock_bh(&udev->lock);
	if (!list_empty(&udev->ready))
		wake_up(&udev->wq);
	spin_unlock_bh(&udev->lock);
}

static bool user_has_work(struct user_dev *udev)
{
	bool ret;

	spin_lock_bh(&udev->lock);
	ret = !list_empty(&udev->ready) || udev->state != USER_DEV_LIVE;
	spin_unlock_bh(&udev->lock);
	return ret;
}

/*
 * Wait, bounded by get_cmd_wait_ms, for a step to take. Exclusive: a
 * step wakes one of the device's threads (user_cmd_queue()), not all of
 * them to find one step. A thread leaving, on a signal too, passes its
 * wake-up on (user_pass_on()), so a step is never left queued with the
 * others asleep.
 */
static int user_wait_for_work(struct user_dev *udev)
{
	long left = msecs_to_jiffies(READ_ONCE(user_get_cmd_wait_ms));
	DEFINE_WAIT(wait);
	int ret = 0;

	for (;;) {
		prepare_to_wait_exclusive(&udev->wq, &wait, TASK_INTERRUPTIBLE);
		if (user_has_work(udev))
			break;
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		if (!left) {
			ret = -EAGAIN;
			break;
		}
		left = schedule_timeout(left);
	}
	finish_wait(&udev->wq, &wait);
	return ret;
}

/**
 * user_get_cmd() - the next step for user space
 * @udev:     the device
 * @out:      filled in
 * @wait:     wait for one (bounded by get_cmd_wait_ms)
 * @nonblock: the file is O_NONBLOCK: never wait
 *
 * Returns 0, -EAGAIN when there is none (at once, or after the bound: SCST
 * handlers call again), -EINTR on a signal, -ENODEV once the device stops.
 */
int user_get_cmd(struct user_dev *udev, struct scst_user_get_cmd *out,
		 bool wait, bool nonblock)
{
	int ret;

	for (;;) {
		spin_lock_bh(&udev->lock);
		if (udev->state != USER_DEV_LIVE) {
			spin_unlock_bh(&udev->lock);
			return -ENODEV;
		}
		if (user_take(udev, out)) {
			spin_unlock_bh(&udev->lock);
			return 0;
		}
		spin_unlock_bh(&udev->lock);
		if (!wait || nonblock)
			return -EAGAIN;
		ret = user_wait_for_work(udev);
		if (ret)
			return ret;
		/* Another thread may have taken it: look again. */
		wait = true;
	}
}

/*
 * The sense goes through the stack: cmd->sense lies inside the core's
 * command slab object, which hardened usercopy rightly refuses to have
 * user space copy into (a BUG, not an error).
 */
static int user_copy_sense(struct scst_cmd *cmd, u8 sense_len, u64 psense)
{
	u8 len = min_t(u8, sense_len, SCST_SENSE_BUFFERSIZE);
	u8 sense[SCST_SENSE_BUFFERSIZE];

	if (!len)
		return 0;
	if (copy_from_user(sense, u64_to_user_ptr(psense), len))
		return -EFAULT;
	memcpy(cmd->sense, sense, len);
	cmd->sense_len = len;
	return 0;
}

static void user_set_internal_failure(struct scst_cmd *cmd)
{
	scst_cmd_set_sense(cmd, SCST_KEY_HARDWARE_ERROR, ASC_INTERNAL_FAILURE,
			   0);
}

static int user_reply_parse(struct user_dev *udev, struct scst_cmd *cmd,
			    const struct scst_user_scsi_cmd_reply_parse *rp)
{
	int dir, ret = 0;

	if (rp->status) {
		scst_cmd_set_status(cmd, rp->status);
		if (user_copy_sense(cmd, rp->sense_len, rp->psense_buffer))
			ret = -EFAULT;
		goto out;
	}
	dir = user_dir_from_abi(rp->data_direction);
	if (dir < 0 || rp->bufflen < 0 || rp->bufflen > SCST_SGV_MAX_SIZE ||
	    (dir != SCST_DATA_NONE && !rp->bufflen)) {
		user_warn("%s: PARSE reply with direction %u, length %d: refused\n",
			  udev->name, rp->data_direction, rp->bufflen);
		ret = -EINVAL;
		goto out;
	}
	cmd->data_dir = dir;
	cmd->bufflen = dir == SCST_DATA_NONE ? 0 : rp->bufflen;
out:
	if (ret)
		user_set_internal_failure(cmd);
	scst_cmd_parsed(cmd);
	return ret;
}

static int user_reply_exec(struct user_dev *udev, struct user_cmd *ucmd,
			   struct scst_cmd *cmd,
			   const struct scst_user_scsi_cmd_reply_exec *re)
{
	int ret = 0;

	if (re->reply_type != SCST_EXEC_REPLY_COMPLETED &&
	    re->reply_type != SCST_EXEC_REPLY_BACKGROUND) {
		user_warn("%s: EXEC reply type %u not supported\n",
			  udev->name, re->reply_type);
		ret = -EINVAL;
	} else if (re->resp_data_len < 0 ||
		   (u32)re->resp_data_len > cmd->bufflen ||
		   (re->resp_data_len && cmd->data_dir != SCST_DATA_READ &&
		    cmd->data_dir != SCST_DATA_BIDI)) {
		user_warn("%s: EXEC reply with %d bytes for a %u-byte buffer: refused\n",
			  udev->name, re->resp_data_len, cmd->bufflen);
		ret = -EINVAL;
	} else if (re->pbuf && re->pbuf != ucmd->pbuf) {
		/*
		 * SCST lets a handler supply a read buffer in the EXEC reply
		 * when EXEC had none; here every command with data has its
		 * buffer (ALLOC_MEM) before EXEC, so a different one is bad.
		 */
		user_warn("%s: EXEC reply names buffer %#llx, not the command's\n",
			  udev->name, re->pbuf);
		ret = -EINVAL;
	}
	if (ret) {
		user_set_internal_failure(cmd);
	} else {
		scst_cmd_set_status(cmd, re->status);
		cmd->resp_len = re->resp_data_len;
		if (re->status == SCST_STATUS_CHECK_CONDITION &&
		    user_copy_sense(cmd, re->sense_len, re->psense_buffer)) {
			user_set_internal_failure(cmd);
			ret = -EFAULT;
		}
	}
	ucmd->status = cmd->status;
	ucmd->resp_len = cmd->resp_len;

	/* No buffer: the core needs nothing more of us for this command. */
	spin_lock_bh(&udev->lock);
	if (ucmd->refs & USER_REF_BUF)
		user_cmd_put(ucmd, USER_REF_LENT);
	else
		user_cmd_done(ucmd, USER_REF_LENT);
	spin_unlock_bh(&udev->lock);
	/* In the handler's ioctl: finish the command here, no bus wake-up. */
	scst_cmd_exec_done_drain(cmd);
	return ret;
}

static int user_reply_alloc(struct user_dev *udev, struct user_cmd *ucmd,
			    struct scst_cmd *cmd, u64 pbuf)
{
	int ret;

	if (!pbuf || !PAGE_ALIGNED(pbuf)) {
		user_warn("%s: ALLOC_MEM reply buffer %#llx is not page aligned\n",
			  udev->name, pbuf);
		ret = -EINVAL;
	} else {
		ret = user_buf_alloc(udev, ucmd, pbuf, cmd->bufflen);
	}
	spin_lock_bh(&udev->lock);
	user_cmd_put(ucmd, USER_REF_LENT);
	spin_unlock_bh(&udev->lock);
	scst_cmd_buf_ready(cmd, ret);
	return ret;
}

/**
 * user_reply() - user space answers the step it got as @rep->cmd_h
 * @udev: the device
 * @rep:  the reply, copied in
 *
 * Returns 0 or -errno (see the top of this file).
 */
int user_reply(struct user_dev *udev, const struct scst_user_reply_cmd *rep)
{
	struct user_cmd *ucmd;
	struct scst_cmd *cmd;
	struct scst_msg req;
	bool aborted, told;
	u32 subcode, h;
	u64 sess_h = 0;
	int err, ret;

	spin_lock_bh(&udev->lock);
	ucmd = xa_load(&udev->cmds, rep->cmd_h);
	if (!ucmd || ucmd->state != USER_CMD_SENT ||
	    ucmd->subcode != rep->subcode) {
		spin_unlock_bh(&udev->lock);
		user_warn("%s: reply %#x for handle %u refused: %s\n",
			  udev->name, rep->subcode, rep->cmd_h,
			  !ucmd ? "no such command" :
			  ucmd->state != USER_CMD_SENT ?
			  "no reply awaited (replied twice, or too late?)" :
			  "it was sent with another subcode");
		return ucmd ? -EINVAL : -ESRCH;
	}
	subcode = ucmd->subcode;
	cmd = ucmd->cmd;
	req = ucmd->req;
	h = ucmd->h;
	aborted = ucmd->aborted;
	told = ucmd->abort_told;
	if (cmd && subcode != SCST_USER_ON_FREE_CMD)
		sess_h = (uintptr_t)cmd->tgt_dev;
	/* From here the reply is taken: a second one is refused. */
	ucmd->deadline = 0;
	if (subcode == SCST_USER_TASK_MGMT_RECEIVED ||
	    subcode == SCST_USER_TASK_MGMT_DONE) {
		told = user_tm_replied(ucmd, rep->result, &req, &err);
		spin_unlock_bh(&udev->lock);
		if (told)
			scst_tmf_exec_done(&req, err);
		return 0;
	}
	if (cmd && subcode != SCST_USER_ON_FREE_CMD) {
		/* The lend stays ours until we answer the core below. */
		ucmd->refs &= ~USER_REF_USER;
		ucmd->state = USER_CMD_CORE;
	} else {
		/* Nothing but this step held it: it ends here. */
		user_cmd_put(ucmd, USER_REF_USER);
	}
	spin_unlock_bh(&udev->lock);

	switch (subcode) {
	case SCST_USER_PARSE:
		/* The command keeps its handle: CMD_BUF_FREE ends it. */
		spin_lock_bh(&udev->lock);
		user_cmd_put(ucmd, USER_REF_LENT);
		spin_unlock_bh(&udev->lock);
		ret = user_reply_parse(udev, cmd, &rep->parse_reply);
		break;
	case SCST_USER_ALLOC_MEM:
		ret = user_reply_alloc(udev, ucmd, cmd, rep->alloc_reply.pbuf);
		break;
	case SCST_USER_EXEC:
		ret = user_reply_exec(udev, ucmd, cmd, &rep->exec_reply);
		break;
	case SCST_USER_ATTACH_SESS:
		err = rep->result;
		if (err < 0 || err > MAX_ERRNO) {
			user_warn("%s: ATTACH_SESS result %d is no errno\n",
				  udev->name, err);
			err = EINVAL;
		}
		if (!err)
			user_sess_add(udev, req.sess.tgt_dev);
		scst_sess_attached(&req, -err);
		return 0;
	case SCST_USER_DETACH_SESS:
		scst_sess_detached(&req);
		return 0;
	default:
		/* ON_FREE_CMD, ON_CACHED_MEM_FREE: acknowledged */
		return 0;
	}
	/* The core has its answer for a SCSI command's step. */
	if (aborted) {
		user_abort_ended(udev, h, sess_h, told);
	} else if (READ_ONCE(udev->nr_tm_wait)) {
		/* It may have been aborted while its reply was answered. */
		spin_lock_bh(&udev->lock);
		user_tm_kick(udev);
		spin_unlock_bh(&udev->lock);
	}
	return ret;
}

/* SCST_USER_GET_EXTENDED_CDB: bytes 16 on of a CDB longer than 16. */
int user_get_ext_cdb(struct user_dev *udev,
		     const struct scst_user_get_ext_cdb *req)
{
	u8 ext[SCST_MAX_CDB_SIZE];
	struct user_cmd *ucmd;
	unsigned int len = 0;

	spin_lock_bh(&udev->lock);
	ucmd = xa_load(&udev->cmds, req->cmd_h);
	if (ucmd && ucmd->cmd && (ucmd->refs & USER_REF_LENT) &&
	    ucmd->cmd->cdb_len > SCST_USER_MAX_CDB_SIZE) {
		len = ucmd->cmd->cdb_len - SCST_USER_MAX_CDB_SIZE;
		memcpy(ext, ucmd->cmd->cdb + SCST_USER_MAX_CDB_SIZE, len);
	}
	spin_unlock_bh(&udev->lock);
	if (!len) {
		user_warn("%s: GET_EXTENDED_CDB for handle %u: no such command with a long CDB\n",
			  udev->name, req->cmd_h);
		return -EINVAL;
	}
	if (copy_to_user(u64_to_user_ptr(req->ext_cdb_buffer), ext, len))
		return -EFAULT;
	return 0;
}
