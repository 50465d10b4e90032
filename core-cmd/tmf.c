// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: task management (SAM-5 clause 7) and the aborts that QErr
 * and session teardown cause.
 *
 * A TMF runs in core_wq (process context, under core_cfg_mutex, so the
 * targets, sessions and nexuses it walks hold still). Aborting a command
 * only marks it (under its session's lock, see cmd.c for the one-winner
 * rule) and, if a fabric or handler holds it, sends that holder a
 * CMD_ABORT hint; the command ends when the holder replies, and a waiting
 * one ends at once. The TMF's response is lent to the fabric only when
 * every command it aborted has been freed (its response, TASK ABORTED or
 * none, went out first) and every handler that had to reset answered:
 * @pending counts those, plus one for the TMF's own processing.
 */
#include <linux/slab.h>
#include "core.h"
#include "cdb.h"

static struct kmem_cache *core_tmf_cache;

int core_tmf_cache_init(void)
{
	core_tmf_cache = KMEM_CACHE(core_tmf, 0);
	return core_tmf_cache ? 0 : -ENOMEM;
}

void core_tmf_cache_exit(void)
{
	kmem_cache_destroy(core_tmf_cache);
}

static void core_tmf_fn(struct work_struct *work);

/**
 * scst_tmf_alloc() - a TMF for the fabric to submit
 * @sess: the session it arrived on
 * @fn:   enum scst_tmf_fn
 * @lun:  the LUN it names (LUN-scoped functions)
 * @tag:  the task it names (ABORT TASK, QUERY TASK)
 * @gfp:  allocation flags
 */
struct scst_tmf *scst_tmf_alloc(struct scst_session *sess, enum scst_tmf_fn fn,
				u64 lun, u64 tag, gfp_t gfp)
{
	struct core_tmf *ct;

	if (fn >= SCST_TMF_NR)
		return ERR_PTR(-EINVAL);
	ct = kmem_cache_zalloc(core_tmf_cache, gfp);
	if (!ct)
		return ERR_PTR(-ENOMEM);
	ct->tmf.sess = sess;
	ct->tmf.fn = fn;
	ct->tmf.lun = lun;
	ct->tmf.tag = tag;
	atomic_set(&ct->pending, 1);
	INIT_WORK(&ct->work, core_tmf_fn);

	spin_lock_bh(&sess->lock);
	if (sess->state != CORE_SESS_ACTIVE) {
		spin_unlock_bh(&sess->lock);
		kmem_cache_free(core_tmf_cache, ct);
		return ERR_PTR(-ESHUTDOWN);
	}
	sess->nr_cmds++;
	sess->stats.tmfs++;
	spin_unlock_bh(&sess->lock);
	return &ct->tmf;
}
EXPORT_SYMBOL_GPL(scst_tmf_alloc);

static enum scst_ep_id core_tmf_fabric_ep(const struct scst_tmf *tmf)
{
	return tmf->sess->tgt->fabric->ops->ep;
}

void scst_tmf_submit(struct scst_tmf *tmf)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_TMF_NEW, core_tmf_fabric_ep(tmf),
		      SCST_EP_CORE);
	msg.cmd.tmf = tmf;
	to_core_tmf(tmf)->lent_at = jiffies;
	core_send_notice(&msg);
}
EXPORT_SYMBOL_GPL(scst_tmf_submit);

void scst_tmf_responded(struct scst_tmf *tmf)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_TMF_RESPONDED, core_tmf_fabric_ep(tmf),
		      SCST_EP_CORE);
	msg.flags = SCST_MSG_F_REPLY | SCST_MSG_F_REF_RETURN;
	msg.ref_type = SCST_MSG_TMF_RESPOND;
	msg.cmd.tmf = tmf;
	core_send_notice(&msg);
}
EXPORT_SYMBOL_GPL(scst_tmf_responded);

/**
 * scst_tmf_exec_done() - a handler finished the reset TMF_EXEC asked for
 * @exec:  the TMF_EXEC message, as delivered (or a copy)
 * @error: 0, or -errno: the TMF then answers SERVICE DELIVERY OR TARGET
 *         FAILURE
 */
void scst_tmf_exec_done(const struct scst_msg *exec, int error)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_TMF_EXEC_DONE, exec->dst, SCST_EP_CORE);
	msg.flags = SCST_MSG_F_REPLY | SCST_MSG_F_REF_RETURN;
	msg.ref_type = SCST_MSG_TMF_EXEC;
	msg.cmd.tmf = exec->cmd.tmf;
	msg.cmd.dev = exec->cmd.dev;
	msg.cmd.error = error;
	core_send_notice(&msg);
}
EXPORT_SYMBOL_GPL(scst_tmf_exec_done);

static void core_tmf_respond(struct core_tmf *ct)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_TMF_RESPOND, SCST_EP_CORE,
		      core_tmf_fabric_ep(&ct->tmf));
	msg.flags = SCST_MSG_F_REF;
	msg.cmd.tmf = &ct->tmf;
	WRITE_ONCE(ct->reported, false);
	WRITE_ONCE(ct->lent_at, jiffies);
	WRITE_ONCE(ct->responding, true);
	core_send_notice(&msg);
}

/* One thing the response waited for is done. */
void core_tmf_cmd_done(struct core_tmf *ct)
{
	if (atomic_dec_and_test(&ct->pending))
		core_tmf_respond(ct);
}

/**
 * core_abort_cmd() - abort one command, with its session's lock held
 * @cc:    the command
 * @ct:    the TMF whose response must wait for it, or NULL
 * @other: the abort comes from another I_T nexus (TAS, UA)
 * @now:   where to put commands that must be ended by the caller (after
 *         dropping the lock): those waiting in the task set
 *
 * Returns true if the command is (now, or already was) aborted; false if
 * it completed first, or was never submitted.
 */
static bool core_abort_cmd(struct core_cmd *cc, struct core_tmf *ct,
			   bool other, struct list_head *now)
{
	struct scst_cmd *cmd = &cc->cmd;
	struct scst_msg hint;
	unsigned int i;

	lockdep_assert_held(&cmd->sess->lock);
	if (!READ_ONCE(cc->submitted) || cc->completed)
		return false;
	if (ct) {
		for (i = 0; i < ARRAY_SIZE(cc->abort_tmf); i++) {
			if (!cc->abort_tmf[i]) {
				cc->abort_tmf[i] = ct;
				atomic_inc(&ct->pending);
				break;
			}
		}
	}
	if (cmd->aborted)
		return true;
	cmd->aborted = true;
	cc->aborted_by_other = other;

	switch (READ_ONCE(cc->state)) {
	case CORE_CMD_WAIT:
		list_add_tail(&cc->run_node, now);
		break;
	case CORE_CMD_XFER:
		scst_msg_init(&hint, SCST_MSG_CMD_ABORT, SCST_EP_CORE,
			      cmd->sess->tgt->fabric->ops->ep);
		hint.cmd.cmd = cmd;
		hint.cmd.buf_cookie = cmd->id;
		core_send_notice(&hint);
		break;
	case CORE_CMD_PARSE:
	case CORE_CMD_ALLOC:
	case CORE_CMD_EXEC:
		if (cmd->dev && !(cc->op && (cc->op->flags & CDB_F_LOCAL))) {
			scst_msg_init(&hint, SCST_MSG_CMD_ABORT, SCST_EP_CORE,
				      cmd->dev->handler->ep);
			hint.cmd.cmd = cmd;
			hint.cmd.buf_cookie = cmd->id;
			core_send_notice(&hint);
		}
		break;
	default:
		/* NEW: its CMD_NEW is on the way and will see the flag. */
		break;
	}
	return true;
}

static void core_end_now(struct list_head *now)
{
	struct core_cmd *cc, *tmp;

	list_for_each_entry_safe(cc, tmp, now, run_node) {
		list_del_init(&cc->run_node);
		core_cmd_finish(cc);
	}
}

/*
 * Abort the commands of the nexus @td (only the one tagged @tag if
 * @by_tag); returns how many. Takes its session's lock.
 */
static unsigned int core_abort_td(struct core_tgt_dev *td, struct core_tmf *ct,
				  bool other, u64 tag, bool by_tag)
{
	struct scst_session *sess = td->tgt_dev.sess;
	struct core_cmd *cc;
	unsigned int n = 0;
	LIST_HEAD(now);

	spin_lock_bh(&sess->lock);
	list_for_each_entry(cc, &sess->cmds, sess_node) {
		if (cc->td != td || (by_tag && cc->cmd.tag != tag))
			continue;
		if (core_abort_cmd(cc, ct, other, &now))
			n++;
	}
	spin_unlock_bh(&sess->lock);
	core_end_now(&now);
	return n;
}

/*
 * Abort every command on device @cdev, from every nexus; the nexuses
 * other than @origin get COMMANDS CLEARED BY ANOTHER INITIATOR unless TAS
 * reports TASK ABORTED to them instead. Any context: the device's nexus
 * list is walked under RCU.
 */
static void core_abort_dev(struct core_dev *cdev, struct core_tgt_dev *origin,
			   struct core_tmf *ct, bool same_nexus_only)
{
	struct core_tgt_dev *td;

	rcu_read_lock();
	list_for_each_entry_rcu(td, &cdev->tgt_devs, dev_node) {
		bool other = !origin || td->tgt_dev.sess != origin->tgt_dev.sess;

		if (same_nexus_only && td != origin)
			continue;
		if (core_abort_td(td, ct, other, 0, false) && other &&
		    !READ_ONCE(cdev->dev.tas))
			core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x2f, 0x00);
	}
	rcu_read_unlock();
}

/* The reset part of LUN RESET (and of TARGET RESET, per device). */
static void core_reset_dev(struct core_dev *cdev, struct core_tgt_dev *origin,
			   struct core_tmf *ct, u8 asc, u8 ascq)
{
	struct core_tgt_dev *td;
	struct scst_msg msg;

	core_abort_dev(cdev, origin, ct, false);
	core_reservation_clear(cdev);
	rcu_read_lock();
	list_for_each_entry_rcu(td, &cdev->tgt_devs, dev_node) {
		spin_lock_bh(&td->tgt_dev.sess->lock);
		td->aca = false;
		spin_unlock_bh(&td->tgt_dev.sess->lock);
		if (td != origin)
			core_ua_add(td, SCST_KEY_UNIT_ATTENTION, asc, ascq);
	}
	rcu_read_unlock();

	if (!(cdev->handler->ops->flags & SCST_HANDLER_TMF) || !ct)
		return;
	atomic_inc(&ct->pending);
	scst_msg_init(&msg, SCST_MSG_TMF_EXEC, SCST_EP_CORE,
		      cdev->handler->ops->ep);
	msg.flags = SCST_MSG_F_REF;
	msg.cmd.tmf = &ct->tmf;
	msg.cmd.dev = &cdev->dev;
	core_send_notice(&msg);
}

static bool core_td_has_tasks(struct core_tgt_dev *td, u64 tag, bool by_tag)
{
	struct scst_session *sess = td->tgt_dev.sess;
	struct core_cmd *cc;
	bool found = false;

	spin_lock_bh(&sess->lock);
	list_for_each_entry(cc, &sess->cmds, sess_node) {
		if (cc->td == td && READ_ONCE(cc->submitted) &&
		    !cc->completed && !cc->cmd.aborted &&
		    (!by_tag || cc->cmd.tag == tag)) {
			found = true;
			break;
		}
	}
	spin_unlock_bh(&sess->lock);
	return found;
}

/* I_T NEXUS RESET and session teardown: everything of @sess. */
static void core_abort_sess_cmds(struct scst_session *sess,
				 struct core_tmf *ct)
{
	struct core_cmd *cc;
	LIST_HEAD(now);

	spin_lock_bh(&sess->lock);
	list_for_each_entry(cc, &sess->cmds, sess_node)
		core_abort_cmd(cc, ct, false, &now);
	spin_unlock_bh(&sess->lock);
	core_end_now(&now);
}

void core_abort_sess(struct scst_session *sess)
{
	struct core_tgt_dev *td;
	unsigned long idx;

	core_abort_sess_cmds(sess, NULL);
	xa_for_each(&sess->tgt_devs, idx, td)
		core_reservation_drop_sess(to_core_dev(td->tgt_dev.dev), sess);
}

static void core_it_nexus_reset(struct scst_session *sess, struct core_tmf *ct)
{
	struct core_tgt_dev *td;
	unsigned long idx;

	core_abort_sess_cmds(sess, ct);
	xa_for_each(&sess->tgt_devs, idx, td) {
		core_reservation_drop_sess(to_core_dev(td->tgt_dev.dev), sess);
		spin_lock_bh(&sess->lock);
		td->aca = false;
		spin_unlock_bh(&sess->lock);
		core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x07);
	}
}

/* TARGET RESET: a LUN reset of every device the target's sessions reach. */
static void core_target_reset(struct scst_session *sess, struct core_tmf *ct)
{
	struct core_tgt_dev *td, *origin;
	struct core_dev **devs;
	struct scst_session *s;
	unsigned int n = 0, max = 0, i;
	unsigned long idx;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(s, &sess->tgt->sessions, tgt_node)
		xa_for_each(&s->tgt_devs, idx, td)
			max++;
	devs = kcalloc(max, sizeof(*devs), GFP_KERNEL);
	if (max && !devs) {
		ct->tmf.response = SCST_TMF_FAILED;
		return;
	}
	list_for_each_entry(s, &sess->tgt->sessions, tgt_node) {
		xa_for_each(&s->tgt_devs, idx, td) {
			struct core_dev *cdev = to_core_dev(td->tgt_dev.dev);

			for (i = 0; i < n && devs[i] != cdev; i++)
				;
			if (i == n)
				devs[n++] = cdev;
		}
	}
	for (i = 0; i < n; i++) {
		/* The resetting nexus, if @sess reaches the device at all. */
		origin = NULL;
		xa_for_each(&sess->tgt_devs, idx, td) {
			if (td->tgt_dev.dev == &devs[i]->dev) {
				origin = td;
				break;
			}
		}
		core_reset_dev(devs[i], origin, ct, 0x29, 0x00);
	}
	kfree(devs);
}

static void core_tmf_run(struct core_tmf *ct)
{
	struct scst_tmf *tmf = &ct->tmf;
	struct scst_session *sess = tmf->sess;
	struct core_tgt_dev *td = NULL;
	u8 key, asc, ascq;

	lockdep_assert_held(&core_cfg_mutex);
	tmf->response = SCST_TMF_COMPLETE;
	if (READ_ONCE(sess->state) != CORE_SESS_ACTIVE) {
		tmf->response = SCST_TMF_REJECTED;
		return;
	}
	if (tmf->fn != SCST_TMF_IT_NEXUS_RESET &&
	    tmf->fn != SCST_TMF_TARGET_RESET) {
		td = xa_load(&sess->tgt_devs, tmf->lun);
		if (!td) {
			tmf->response = SCST_TMF_INCORRECT_LUN;
			return;
		}
	}

	switch (tmf->fn) {
	case SCST_TMF_ABORT_TASK:
		core_abort_td(td, ct, false, tmf->tag, true);
		break;
	case SCST_TMF_ABORT_TASK_SET:
		core_abort_td(td, ct, false, 0, false);
		break;
	case SCST_TMF_CLEAR_TASK_SET:
		core_abort_dev(to_core_dev(td->tgt_dev.dev), td, ct, false);
		break;
	case SCST_TMF_CLEAR_ACA:
		spin_lock_bh(&sess->lock);
		td->aca = false;
		spin_unlock_bh(&sess->lock);
		break;
	case SCST_TMF_LUN_RESET:
		core_reset_dev(to_core_dev(td->tgt_dev.dev), td, ct, 0x29, 0x03);
		break;
	case SCST_TMF_IT_NEXUS_RESET:
		core_it_nexus_reset(sess, ct);
		break;
	case SCST_TMF_TARGET_RESET:
		core_target_reset(sess, ct);
		break;
	case SCST_TMF_QUERY_TASK:
		if (core_td_has_tasks(td, tmf->tag, true))
			tmf->response = SCST_TMF_SUCCEEDED;
		break;
	case SCST_TMF_QUERY_TASK_SET:
		if (core_td_has_tasks(td, 0, false))
			tmf->response = SCST_TMF_SUCCEEDED;
		break;
	case SCST_TMF_QUERY_ASYNC_EVENT:
		if (core_ua_peek(td, &key, &asc, &ascq)) {
			tmf->response = SCST_TMF_SUCCEEDED;
			tmf->additional[0] = key;
			tmf->additional[1] = asc;
			tmf->additional[2] = ascq;
		}
		break;
	}
}

static void core_tmf_fn(struct work_struct *work)
{
	struct core_tmf *ct = container_of(work, struct core_tmf, work);

	mutex_lock(&core_cfg_mutex);
	core_tmf_run(ct);
	mutex_unlock(&core_cfg_mutex);
	core_tmf_cmd_done(ct);
}

void core_on_tmf_new(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct core_tmf *ct = to_core_tmf(msg->cmd.tmf);

	ct->lent_at = jiffies;
	queue_work(core_wq, &ct->work);
}

void core_on_tmf_exec_done(struct scst_endpoint *ep,
			   const struct scst_msg *msg)
{
	struct core_tmf *ct = to_core_tmf(msg->cmd.tmf);

	if (msg->cmd.error) {
		core_warn("handler %s failed to reset device %s: %d\n",
			  scst_ep_name(msg->src), msg->cmd.dev->name,
			  msg->cmd.error);
		WRITE_ONCE(ct->tmf.response, SCST_TMF_FAILED);
	}
	core_tmf_cmd_done(ct);
}

void core_on_tmf_responded(struct scst_endpoint *ep,
			   const struct scst_msg *msg)
{
	struct core_tmf *ct = to_core_tmf(msg->cmd.tmf);
	struct scst_session *sess = ct->tmf.sess;

	kmem_cache_free(core_tmf_cache, ct);
	core_sess_put(sess);
}

/*
 * QErr (SPC-4 control mode page): a CHECK CONDITION on @cc aborts the
 * other commands of its device (01b) or of its nexus (11b).
 */
void core_qerr_abort(struct core_cmd *cc)
{
	struct core_dev *cdev = to_core_dev(cc->cmd.dev);
	u8 qerr = READ_ONCE(cdev->dev.qerr);

	if (qerr == 1)
		core_abort_dev(cdev, cc->td, NULL, false);
	else if (qerr == 3)
		core_abort_dev(cdev, cc->td, NULL, true);
}
