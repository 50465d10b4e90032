// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: task management as SCST's scst_user shows it to user
 * space (TASK_MGMT_RECEIVED before the kernel acts, TASK_MGMT_DONE after;
 * doc/scst_user_spec.txt), and the bounds that keep a handler that stops
 * answering from holding the core up.
 *
 * Two things reach a device:
 *
 *   CMD_ABORT for a command lent to it. A step still queued is taken back
 *   and answered at once. A step user space holds ends when user space
 *   replies (the core, knowing the command is aborted, ends it as SAM-5
 *   says), or abort_wait_ms later if it does not (logged; a late reply
 *   gets EINVAL). User space hears TASK_MGMT_RECEIVED (fn ABORT TASK,
 *   cmd_h_to_abort the command's handle) when the abort comes and
 *   TASK_MGMT_DONE (the same) once the step ended. The core does not say
 *   which function aborted the command (ABORT TASK, a task set function,
 *   a reset, QErr, a nexus loss), so ABORT TASK is what user space sees:
 *   what happened to that one command.
 *
 *   TMF_EXEC: a LUN or target reset reached the device (the core sent
 *   CMD_ABORT for each of its commands here first). TASK_MGMT_RECEIVED
 *   with the reset's function goes to user space; when it is answered and
 *   every aborted command's step has ended, TASK_MGMT_DONE; its answer
 *   answers the core. A failure in either reply fails the TMF (SCST counts
 *   TASK NOT EXIST as success: the command may have ended on its way).
 *
 * Every TASK_MGMT_* left unanswered tm_wait_ms is dropped (logged); a
 * reset's is then answered -ETIMEDOUT. One delayed work per device runs
 * the bounds: it sleeps until the earliest deadline in the table.
 */
#include <linux/slab.h>
#include "user.h"

static const char *user_tm_name(u32 subcode)
{
	return subcode == SCST_USER_TASK_MGMT_RECEIVED ? "TASK_MGMT_RECEIVED" :
							 "TASK_MGMT_DONE";
}

/* SCST's function codes for the resets the core sends TMF_EXEC for */
static u32 user_tm_fn(u8 fn)
{
	switch (fn) {
	case SCST_TMF_TARGET_RESET:
		return SCST_USER_TARGET_RESET;
	case SCST_TMF_IT_NEXUS_RESET:
		return SCST_USER_NEXUS_LOSS_SESS;
	default:
		return SCST_USER_LUN_RESET;
	}
}

/* SCST's TASK NOT EXIST means the command ended on its way: success. */
static int user_tm_error(s32 result)
{
	return result == SCST_USER_MGMT_STATUS_SUCCESS ||
	       result == SCST_USER_MGMT_STATUS_TASK_NOT_EXIST ? 0 : -EIO;
}

/*
 * @ucmd must be answered within @ms (dev->lock held). The work runs at
 * the earliest deadline and re-arms itself for the next one; the bounds
 * differ (aborts, TMFs), so a nearer one pulls it in.
 */
void user_cmd_set_deadline(struct user_cmd *ucmd, unsigned int ms)
{
	struct user_dev *udev = ucmd->udev;
	unsigned long delay = msecs_to_jiffies(ms);

	lockdep_assert_held(&udev->lock);
	ucmd->deadline = (jiffies + delay) ?: 1;
	if (udev->state != USER_DEV_LIVE)
		return;
	if (!udev->expiry_armed || time_before(ucmd->deadline, udev->expiry_at)) {
		udev->expiry_armed = true;
		udev->expiry_at = ucmd->deadline;
		mod_delayed_work(system_wq, &udev->expiry, delay);
	}
}

/* A TASK_MGMT_* for user space (dev->lock held); NULL if out of memory. */
static struct user_cmd *user_tm_new(struct user_dev *udev, u32 subcode,
				    u32 fn, u64 sess_h, u32 cmd_h)
{
	struct user_cmd *tm;

	tm = user_cmd_new(udev, NULL, subcode);
	if (!tm) {
		user_warn("%s: no memory for %s (fn %u): user space is not told\n",
			  udev->name, user_tm_name(subcode), fn);
		return NULL;
	}
	tm->tm_fn = fn;
	tm->tm_sess_h = sess_h;
	tm->tm_cmd_h = cmd_h;
	return tm;
}

static void user_tm_queue(struct user_cmd *tm, u32 subcode)
{
	user_cmd_queue(tm, subcode);
	user_cmd_set_deadline(tm, READ_ONCE(user_tm_wait_ms));
}

/*
 * Resets whose TASK_MGMT_RECEIVED was answered send TASK_MGMT_DONE once no
 * aborted command is lent to the device any more (dev->lock held).
 */
void user_tm_kick(struct user_dev *udev)
{
	struct user_cmd *ucmd;
	unsigned long idx;

	lockdep_assert_held(&udev->lock);
	if (!udev->nr_tm_wait || udev->state != USER_DEV_LIVE)
		return;
	xa_for_each(&udev->cmds, idx, ucmd)
		if (ucmd->cmd && ucmd->aborted && (ucmd->refs & USER_REF_LENT))
			return;
	xa_for_each(&udev->cmds, idx, ucmd) {
		if (!ucmd->tm_wait)
			continue;
		ucmd->tm_wait = false;
		udev->nr_tm_wait--;
		user_tm_queue(ucmd, SCST_USER_TASK_MGMT_DONE);
	}
}

/*
 * The step of aborted command @h ended and the core has its answer (no
 * lock held): TASK_MGMT_DONE if user space heard TASK_MGMT_RECEIVED, and
 * a reset waiting for it may go on.
 */
void user_abort_ended(struct user_dev *udev, u32 h, u64 sess_h, bool told)
{
	struct user_cmd *tm;

	spin_lock_bh(&udev->lock);
	if (told && udev->state == USER_DEV_LIVE) {
		tm = user_tm_new(udev, SCST_USER_TASK_MGMT_DONE,
				 SCST_USER_ABORT_TASK, sess_h, h);
		if (tm)
			user_tm_queue(tm, SCST_USER_TASK_MGMT_DONE);
	}
	user_tm_kick(udev);
	spin_unlock_bh(&udev->lock);
}

/*
 * CMD_ABORT: a hint (see <scst/handler.h>): msg.cmd.cmd is compared, never
 * dereferenced, until a table holds it lent; the device is found the same
 * way, since only the command names it.
 */
void user_on_cmd_abort(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_cmd *cmd = NULL;
	struct user_cmd *ucmd, *tm;
	struct user_dev *udev;
	unsigned long idx;
	u32 subcode = 0;

	spin_lock_bh(&user_devs_lock);
	list_for_each_entry(udev, &user_devs_list, node) {
		spin_lock(&udev->lock);
		xa_for_each(&udev->cmds, idx, ucmd) {
			if (ucmd->cmd != msg->cmd.cmd ||
			    ucmd->cmd_id != msg->cmd.buf_cookie ||
			    !(ucmd->refs & USER_REF_LENT))
				continue;
			ucmd->aborted = true;
			if (ucmd->state == USER_CMD_QUEUED) {
				/* Never seen by user space: taken back. */
				subcode = ucmd->subcode;
				cmd = ucmd->cmd;
				ucmd->refs &= ~USER_REF_LENT;
				user_cmd_put(ucmd, USER_REF_USER);
				user_tm_kick(udev);
			} else if (ucmd->state == USER_CMD_SENT &&
				   udev->state == USER_DEV_LIVE) {
				tm = user_tm_new(udev,
						 SCST_USER_TASK_MGMT_RECEIVED,
						 SCST_USER_ABORT_TASK,
						 (uintptr_t)ucmd->cmd->tgt_dev,
						 ucmd->h);
				if (tm) {
					user_tm_queue(tm,
						      SCST_USER_TASK_MGMT_RECEIVED);
					ucmd->abort_told = true;
				}
				user_cmd_set_deadline(ucmd,
						      READ_ONCE(user_abort_wait_ms));
			}
			/* CORE: a reply is being answered; it ends there. */
			break;
		}
		spin_unlock(&udev->lock);
		if (cmd)
			break;
	}
	spin_unlock_bh(&user_devs_lock);
	if (cmd)
		user_step_end(subcode, cmd, NULL);
}

/* The nexus of @sess to @udev, as user space knows it (dev->lock held). */
static u64 user_sess_h(struct user_dev *udev, const struct scst_session *sess)
{
	struct user_sess *us;

	list_for_each_entry(us, &udev->sessions, node)
		if (us->td->sess == sess)
			return (uintptr_t)us->td;
	return 0;
}

/* An attach succeeded: remember the nexus until its SESS_DETACH. */
void user_sess_add(struct user_dev *udev, struct scst_tgt_dev *td)
{
	struct user_sess *us = kmalloc(sizeof(*us), GFP_ATOMIC);

	/* Without it, resets from this nexus carry sess_h 0. */
	if (!us)
		return;
	us->td = td;
	spin_lock_bh(&udev->lock);
	list_add_tail(&us->node, &udev->sessions);
	spin_unlock_bh(&udev->lock);
}

void user_sess_del(struct user_dev *udev, struct scst_tgt_dev *td)
{
	struct user_sess *us, *found = NULL;

	spin_lock_bh(&udev->lock);
	list_for_each_entry(us, &udev->sessions, node) {
		if (us->td == td) {
			list_del(&us->node);
			found = us;
			break;
		}
	}
	spin_unlock_bh(&udev->lock);
	kfree(found);
}

/* TMF_EXEC: a reset reached the device; it holds the TMF until answered. */
void user_on_tmf_exec(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	const struct scst_tmf *tmf = msg->cmd.tmf;
	struct user_dev *udev = msg->cmd.dev->handler_priv;
	struct user_cmd *tm = NULL;
	bool live;

	spin_lock_bh(&udev->lock);
	live = udev->state == USER_DEV_LIVE;
	if (live)
		tm = user_tm_new(udev, SCST_USER_TASK_MGMT_RECEIVED,
				 user_tm_fn(tmf->fn),
				 user_sess_h(udev, tmf->sess), 0);
	if (tm) {
		tm->req = *msg;
		tm->refs |= USER_REF_LENT;
		user_tm_queue(tm, SCST_USER_TASK_MGMT_RECEIVED);
	}
	spin_unlock_bh(&udev->lock);
	/* No process: nothing of the device's is left to reset. */
	if (!tm)
		scst_tmf_exec_done(msg, live ? -ENOMEM : 0);
}

/**
 * user_tm_replied() - user space answered TASK_MGMT_* @tm
 * @tm:     the notice, SENT; dev->lock held
 * @result: its reply (SCST_USER_MGMT_STATUS_*)
 * @req:    set to the TMF_EXEC to answer, when true is returned
 * @error:  and the answer
 *
 * Returns true when the caller must answer the core's reset (with no lock
 * held): TASK_MGMT_DONE of a reset was answered.
 */
bool user_tm_replied(struct user_cmd *tm, s32 result, struct scst_msg *req,
		     int *error)
{
	struct user_dev *udev = tm->udev;
	bool reset = tm->refs & USER_REF_LENT;

	lockdep_assert_held(&udev->lock);
	tm->deadline = 0;
	if (user_tm_error(result))
		user_warn("%s: %s (fn %u, command %u) answered %d: %s\n",
			  udev->name, user_tm_name(tm->subcode), tm->tm_fn,
			  tm->tm_cmd_h, result,
			  reset ? "the TMF fails" : "noted");
	if (!reset) {
		user_cmd_put(tm, USER_REF_USER);
		return false;
	}
	/* The lend keeps it in the table. */
	user_cmd_put(tm, USER_REF_USER);
	if (tm->subcode == SCST_USER_TASK_MGMT_RECEIVED) {
		tm->tm_result = user_tm_error(result);
		tm->tm_wait = true;
		udev->nr_tm_wait++;
		user_tm_kick(udev);
		return false;
	}
	*req = tm->req;
	*error = tm->tm_result ?: user_tm_error(result);
	user_cmd_put(tm, USER_REF_LENT);
	return true;
}

/* What the expiry work answers, with no lock held */
struct user_expired {
	u32 subcode;
	struct scst_cmd *cmd;
	struct scst_msg req;
	bool reset;
	u32 h;
	u64 sess_h;
	bool told;
};

/* @ucmd's bound passed (dev->lock held): end what it holds up. */
static void user_expire(struct user_cmd *ucmd, struct user_expired *x)
{
	struct user_dev *udev = ucmd->udev;
	unsigned int ms;

	memset(x, 0, sizeof(*x));
	ucmd->deadline = 0;
	x->subcode = ucmd->subcode;
	if (ucmd->cmd) {
		ms = READ_ONCE(user_abort_wait_ms);
		if (ucmd->state != USER_CMD_SENT ||
		    !(ucmd->refs & USER_REF_LENT))
			return;
		pr_err(USER_NAME ": %s: command %u (subcode %#x) was aborted and user space did not reply within %u ms: ended without it\n",
		       udev->name, ucmd->h, ucmd->subcode, ms);
		x->cmd = ucmd->cmd;
		x->h = ucmd->h;
		x->sess_h = (uintptr_t)ucmd->cmd->tgt_dev;
		x->told = ucmd->abort_told;
		ucmd->refs &= ~USER_REF_LENT;
		user_cmd_put(ucmd, USER_REF_USER);
		return;
	}
	if (!(ucmd->refs & USER_REF_USER))
		return;
	ms = READ_ONCE(user_tm_wait_ms);
	x->reset = ucmd->refs & USER_REF_LENT;
	pr_err(USER_NAME ": %s: %s %u (fn %u, command %u) not answered within %u ms: dropped%s\n",
	       udev->name, user_tm_name(ucmd->subcode), ucmd->h, ucmd->tm_fn,
	       ucmd->tm_cmd_h, ms, x->reset ? ", the reset fails" : "");
	x->req = ucmd->req;
	if (x->reset)
		ucmd->refs &= ~USER_REF_LENT;
	user_cmd_put(ucmd, USER_REF_USER);
}

void user_expiry_fn(struct work_struct *work)
{
	struct user_dev *udev = container_of(to_delayed_work(work),
					     struct user_dev, expiry);
	struct user_cmd *ucmd, *found;
	struct user_expired x;
	unsigned long idx, now, next;

	for (;;) {
		found = NULL;
		next = 0;
		spin_lock_bh(&udev->lock);
		udev->expiry_armed = false;
		if (udev->state != USER_DEV_LIVE) {
			/* The cleanup ends everything now. */
			spin_unlock_bh(&udev->lock);
			return;
		}
		now = jiffies;
		xa_for_each(&udev->cmds, idx, ucmd) {
			if (!ucmd->deadline)
				continue;
			if (!time_before(now, ucmd->deadline)) {
				found = ucmd;
				break;
			}
			if (!next || time_before(ucmd->deadline, next))
				next = ucmd->deadline;
		}
		if (!found) {
			if (next) {
				udev->expiry_armed = true;
				udev->expiry_at = next;
				mod_delayed_work(system_wq, &udev->expiry,
						 next - now);
			}
			spin_unlock_bh(&udev->lock);
			return;
		}
		user_expire(found, &x);
		spin_unlock_bh(&udev->lock);

		if (x.cmd) {
			user_step_end(x.subcode, x.cmd, NULL);
			user_abort_ended(udev, x.h, x.sess_h, x.told);
		} else if (x.reset) {
			scst_tmf_exec_done(&x.req, -ETIMEDOUT);
		}
	}
}
