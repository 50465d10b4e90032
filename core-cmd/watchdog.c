// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the watchdog. A command lent to a fabric or handler comes
 * back only when its holder replies; if the holder never does (a bug, a
 * dead user-space handler), nothing in the command path notices. The
 * watchdog does: it reports, once per lend, every command out for longer
 * than lend_timeout_ms, naming the command, its session, its state and who
 * holds it, and, every teardown_timeout_ms, every session whose teardown
 * is still waiting, with what it waits for. It never ends a command
 * itself: the holder may still be using its buffer.
 */
#include <linux/jiffies.h>
#include "core.h"
#include "cdb.h"

static void core_watchdog_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(core_watchdog_work, core_watchdog_fn);
static bool core_watchdog_stop;

/* Log at most this many commands per session per report. */
#define CORE_REPORT_MAX		8

static const char *core_cmd_holder(const struct core_cmd *cc)
{
	switch (READ_ONCE(cc->state)) {
	case CORE_CMD_XFER:
	case CORE_CMD_RESPOND:
		return cc->cmd.sess->tgt->fabric->ops->name;
	case CORE_CMD_PARSE:
	case CORE_CMD_ALLOC:
	case CORE_CMD_EXEC:
		if (cc->op && (cc->op->flags & CDB_F_LOCAL))
			return "core";
		return cc->cmd.dev ? cc->cmd.dev->handler->name : "?";
	default:
		return "core";
	}
}

static void core_report_cmd(const struct core_cmd *cc, const char *why,
			    unsigned long now)
{
	pr_warn(CORE_NAME ": %s: cmd tag %#llx LUN %llu %s (%*ph) of %s: %s, held by %s for %u ms%s\n",
		why, cc->cmd.tag, cc->cmd.lun,
		cc->op ? cc->op->name : "?", min_t(int, cc->cmd.cdb_len, 16),
		cc->cmd.cdb, cc->cmd.sess->initiator,
		core_cmd_state_name(READ_ONCE(cc->state)), core_cmd_holder(cc),
		jiffies_to_msecs(now - READ_ONCE(cc->lent_at)),
		cc->cmd.aborted ? ", aborted" : "");
}

/**
 * core_report_sess_cmds() - log what a session still has in flight
 * @sess: the session
 * @why:  the first words of each line
 */
void core_report_sess_cmds(struct scst_session *sess, const char *why)
{
	unsigned long now = jiffies;
	unsigned int n = 0, total;
	struct core_cmd *cc;

	spin_lock_bh(&sess->lock);
	total = sess->nr_cmds;
	list_for_each_entry(cc, &sess->cmds, sess_node) {
		if (n++ == CORE_REPORT_MAX)
			break;
		core_report_cmd(cc, why, now);
	}
	spin_unlock_bh(&sess->lock);
	if (total > CORE_REPORT_MAX)
		pr_warn(CORE_NAME ": %s: ... %u commands and TMFs in all\n",
			why, total);
}

static bool core_cmd_is_lent(const struct core_cmd *cc)
{
	switch (READ_ONCE(cc->state)) {
	case CORE_CMD_NEW:
		return READ_ONCE(cc->submitted);
	case CORE_CMD_WAIT:
		return false;
	default:
		return true;
	}
}

static void core_watchdog_sess(struct scst_session *sess)
{
	unsigned long now = jiffies;
	unsigned long lend = msecs_to_jiffies(READ_ONCE(core_lend_timeout_ms));
	unsigned long teardown =
		msecs_to_jiffies(READ_ONCE(core_teardown_timeout_ms));
	unsigned int reported = 0;
	struct core_cmd *cc;
	char why[64];

	spin_lock_bh(&sess->lock);
	list_for_each_entry(cc, &sess->cmds, sess_node) {
		if (cc->reported || !core_cmd_is_lent(cc) ||
		    time_before(now, READ_ONCE(cc->lent_at) + lend))
			continue;
		cc->reported = true;
		if (reported++ < CORE_REPORT_MAX)
			core_report_cmd(cc, "no reply", now);
	}
	spin_unlock_bh(&sess->lock);

	if (READ_ONCE(sess->state) == CORE_SESS_ACTIVE ||
	    time_before(now, sess->unreg_report_at))
		return;
	sess->unreg_report_at = now + teardown;
	snprintf(why, sizeof(why), "session %llu teardown waits %u ms", sess->id,
		 jiffies_to_msecs(now - sess->unreg_started));
	core_report_sess_cmds(sess, why);
	if (READ_ONCE(sess->nr_limbo))
		pr_warn(CORE_NAME ": %s: %u handler replies to SESS_ATTACH/DETACH\n",
			why, READ_ONCE(sess->nr_limbo));
}

static void core_watchdog_fn(struct work_struct *work)
{
	unsigned int period = max(READ_ONCE(core_lend_timeout_ms) / 4, 50U);

	mutex_lock(&core_cfg_mutex);
	core_sess_for_each(core_watchdog_sess);
	mutex_unlock(&core_cfg_mutex);
	if (!READ_ONCE(core_watchdog_stop))
		queue_delayed_work(core_wq, &core_watchdog_work,
				   msecs_to_jiffies(period));
}

void core_watchdog_init(void)
{
	queue_delayed_work(core_wq, &core_watchdog_work, HZ);
}

void core_watchdog_exit(void)
{
	WRITE_ONCE(core_watchdog_stop, true);
	cancel_delayed_work_sync(&core_watchdog_work);
}
