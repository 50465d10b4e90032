// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: the cleanup handshake (DESIGN.md, "User-space
 * devices (dev-user), and the cleanup handshake"), run when the device's
 * file is closed (which is also what a handler's death does) and on
 * UNREGISTER_DEVICE:
 *
 *   1. stop intake: the device leaves LIVE, so the endpoint gives user
 *      space nothing new (commands end NOT READY, sessions and resets are
 *      answered at once);
 *   2. end every step queued for or held by user space (and a reset
 *      waiting to tell it TASK_MGMT_DONE): the core gets its answer
 *      (CHECK CONDITION NOT READY, or success for a session or reset),
 *      and notices for user space are dropped;
 *   3. wait for the core to free every command still holding a buffer
 *      (CMD_BUF_FREE), bounded;
 *   4. SGV_FLUSH this device's pool and wait for SGV_FLUSH_DONE and for
 *      every SGV_RELEASED of its memory (each unpins), bounded;
 *   5. the table must be empty: anything left is logged with its state
 *      and references.
 *
 * In SCST the same teardown looped until the user command table emptied,
 * and a buffer cached by the SGV pool held a command reference that only
 * the pool's eviction callback dropped: nothing made the pool evict it, so
 * the loop spun forever (SCST commit 83745c0a2d). Here a cached buffer
 * holds no user command at all (its memory is a user_mem, released by
 * SGV_RELEASED), the flush is a request whose answer comes after every
 * release it caused, and each wait is a bounded sleep on a condition:
 * cleanup ends in a fixed number of steps whatever user space or the core
 * does.
 */
#include <linux/sched.h>
#include "user.h"

static const char *const user_state_names[] = {
	[USER_CMD_QUEUED]	= "queued for user space",
	[USER_CMD_SENT]		= "held by user space",
	[USER_CMD_CORE]		= "held by the core",
};

static void user_log_stuck(struct user_dev *udev, const char *what)
{
	struct user_cmd *ucmd;
	unsigned long idx;

	spin_lock_bh(&udev->lock);
	xa_for_each(&udev->cmds, idx, ucmd)
		pr_err(USER_NAME ": %s: cleanup: %s: command %u (subcode %#x) %s, references%s%s%s\n",
		       udev->name, what, ucmd->h, ucmd->subcode,
		       user_state_names[ucmd->state],
		       ucmd->refs & USER_REF_LENT ? " lent" : "",
		       ucmd->refs & USER_REF_BUF ? " buffer" : "",
		       ucmd->refs & USER_REF_USER ? " user" : "");
	if (udev->nr_mems)
		pr_err(USER_NAME ": %s: cleanup: %s: %u user buffers still pinned by the SGV pool\n",
		       udev->name, what, udev->nr_mems);
	spin_unlock_bh(&udev->lock);
}

static bool user_cmds_settled(struct user_dev *udev)
{
	bool ret;

	spin_lock_bh(&udev->lock);
	ret = !udev->nr_cmds;
	spin_unlock_bh(&udev->lock);
	return ret;
}

static bool user_mem_settled(struct user_dev *udev)
{
	bool ret;

	spin_lock_bh(&udev->lock);
	ret = udev->flush_done && !udev->nr_mems;
	spin_unlock_bh(&udev->lock);
	return ret;
}

/*
 * Step 2: take every step from user space, one at a time (the answer to
 * the core is sent with no lock held), and drop what only user space held.
 */
static void user_end_user_steps(struct user_dev *udev)
{
	struct scst_cmd *cmd;
	struct user_cmd *ucmd;
	struct scst_msg req;
	unsigned long idx;
	u32 subcode;
	bool lent;

	for (;;) {
		subcode = 0;
		spin_lock_bh(&udev->lock);
		xa_for_each(&udev->cmds, idx, ucmd) {
			/* A reset waiting to send TASK_MGMT_DONE is user's too. */
			if (!(ucmd->refs & USER_REF_USER) && !ucmd->tm_wait)
				continue;
			if (ucmd->tm_wait) {
				ucmd->tm_wait = false;
				udev->nr_tm_wait--;
			}
			ucmd->deadline = 0;
			subcode = ucmd->subcode;
			cmd = ucmd->cmd;
			req = ucmd->req;
			lent = ucmd->refs & USER_REF_LENT;
			/* The core's answer below returns the lend. */
			ucmd->refs &= ~USER_REF_LENT;
			if (!ucmd->refs || ucmd->refs == USER_REF_USER) {
				ucmd->refs = USER_REF_USER;
				user_cmd_put(ucmd, USER_REF_USER);
			} else {
				ucmd->refs &= ~USER_REF_USER;
				list_del_init(&ucmd->ready);
				ucmd->state = USER_CMD_CORE;
			}
			break;
		}
		spin_unlock_bh(&udev->lock);
		if (!subcode)
			return;
		if (lent || !cmd)
			user_step_end(subcode, cmd, &req);
	}
}

/**
 * user_dev_cleanup() - the handshake above
 * @udev: the device, LIVE; its registration mutex held by the caller
 * @why:  for the log
 *
 * Process context. Returns with the device STOPPING, its pool destroyed
 * and, unless a step timed out (logged), nothing of it in flight.
 */
void user_dev_cleanup(struct user_dev *udev, const char *why)
{
	unsigned long bound = msecs_to_jiffies(READ_ONCE(user_cleanup_step_ms));
	struct scst_sgv_pool *pool;
	struct scst_msg flush;
	int ret;

	pr_info(USER_NAME ": %s: cleanup (%s)\n", udev->name, why);
	spin_lock_bh(&udev->lock);
	udev->state = USER_DEV_STOPPING;
	udev->flush_done = false;
	if (udev->sdev)
		WRITE_ONCE(udev->sdev->skip_parse, false);
	spin_unlock_bh(&udev->lock);
	/* Readers waiting for a command return ENODEV. */
	wake_up_all(&udev->wq);
	/* The bounds of aborts and TMFs: this cleanup ends all of them. */
	cancel_delayed_work_sync(&udev->expiry);

	user_end_user_steps(udev);

	if (!wait_event_timeout(udev->idle_wq, user_cmds_settled(udev), bound))
		user_log_stuck(udev, "the core did not free every command in time");

	scst_msg_init(&flush, SCST_MSG_SGV_FLUSH, SCST_EP_USER, SCST_EP_SGV);
	flush.sgv.pool = udev->pool;
	flush.sgv.owner = SCST_EP_USER;
	ret = scst_bus_send(&flush);
	if (ret)
		pr_err(USER_NAME ": %s: cleanup: SGV_FLUSH not sent: %d\n",
		       udev->name, ret);
	else if (!wait_event_timeout(udev->idle_wq, user_mem_settled(udev),
				     bound))
		user_log_stuck(udev, "no SGV_FLUSH_DONE or SGV_RELEASED in time");

	if (!user_cmds_settled(udev))
		user_log_stuck(udev, "table not empty at the end");

	/*
	 * Buffers still in use (logged above) keep the destroyed pool until
	 * they are freed; their SGV_RELEASED then finds their user_mem, which
	 * holds the device.
	 */
	spin_lock_bh(&user_devs_lock);
	pool = udev->pool;
	udev->pool = NULL;
	spin_unlock_bh(&user_devs_lock);
	scst_sgv_pool_destroy(pool);
	pr_info(USER_NAME ": %s: cleanup done\n", udev->name);
}
