// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the task set of an I_T_L nexus and the ordering SAM-5
 * (8.6, 8.7) gives task attributes:
 *
 *   HEAD OF QUEUE  enters at the head and runs at once
 *   ACA            (only while an ACA condition exists) likewise
 *   ORDERED        runs only when every command that entered before it
 *                  has completed, and holds back every later SIMPLE one
 *   SIMPLE         runs unless an earlier ORDERED one has not completed
 *
 * A command enters when its checks passed, before its buffer and data
 * transfer, so arrival order is kept while writes fetch their data; it
 * waits (CORE_CMD_WAIT) only once its data is in place. It leaves when it
 * completes (or is aborted), and the commands it held back go on.
 *
 * All with sess->lock held.
 */
#include "core.h"

/**
 * core_task_admit() - enter the task set, or refuse with TASK SET FULL
 * @cc: a command that passed its checks
 */
enum core_admit core_task_admit(struct core_cmd *cc)
{
	struct core_tgt_dev *td = cc->td;
	struct scst_cmd *cmd = &cc->cmd;

	lockdep_assert_held(&cmd->sess->lock);
	if (td->nr_tasks >= READ_ONCE(cmd->dev->queue_depth)) {
		scst_cmd_set_status(cmd, SCST_STATUS_TASK_SET_FULL);
		return CORE_ADMIT_REFUSED;
	}
	if (cmd->task_attr == SCST_TASK_HEAD_OF_QUEUE ||
	    cmd->task_attr == SCST_TASK_ACA)
		list_add(&cc->set_node, &td->task_set);
	else
		list_add_tail(&cc->set_node, &td->task_set);
	cc->in_set = true;
	td->nr_tasks++;
	if (cmd->task_attr == SCST_TASK_ORDERED)
		td->nr_ordered++;
	return core_task_may_run(cc) ? CORE_ADMIT_RUN : CORE_ADMIT_WAIT;
}

/**
 * core_task_may_run() - may this command of the task set execute now?
 * @cc: a command in its nexus's task set
 */
bool core_task_may_run(struct core_cmd *cc)
{
	struct core_tgt_dev *td = cc->td;
	struct core_cmd *pos;

	lockdep_assert_held(&cc->cmd.sess->lock);
	switch (cc->cmd.task_attr) {
	case SCST_TASK_HEAD_OF_QUEUE:
	case SCST_TASK_ACA:
		return true;
	case SCST_TASK_ORDERED:
		return list_first_entry(&td->task_set, struct core_cmd,
					set_node) == cc;
	default:
		if (!td->nr_ordered)
			return true;
		list_for_each_entry(pos, &td->task_set, set_node) {
			if (pos == cc)
				return true;
			if (pos->cmd.task_attr == SCST_TASK_ORDERED)
				return false;
		}
		return true;
	}
}

/**
 * core_task_leave() - a command completed or was aborted
 * @cc: the command, in the task set
 *
 * Returns true when commands wait that may now be able to run.
 */
bool core_task_leave(struct core_cmd *cc)
{
	struct core_tgt_dev *td = cc->td;

	lockdep_assert_held(&cc->cmd.sess->lock);
	list_del_init(&cc->set_node);
	cc->in_set = false;
	td->nr_tasks--;
	if (cc->cmd.task_attr == SCST_TASK_ORDERED)
		td->nr_ordered--;
	/* Aborted while waiting: it no longer waits. */
	if (cc->state == CORE_CMD_WAIT)
		td->nr_waiting--;
	return td->nr_waiting;
}

/**
 * core_task_collect_runnable() - the waiting commands whose turn came
 * @td:       the nexus
 * @runnable: where to put them (core_cmd.run_node), now in CORE_CMD_EXEC;
 *            the caller sends them to execution after dropping the lock
 */
void core_task_collect_runnable(struct core_tgt_dev *td,
				struct list_head *runnable)
{
	struct core_cmd *pos;

	list_for_each_entry(pos, &td->task_set, set_node) {
		if (!td->nr_waiting)
			break;
		if (pos->state != CORE_CMD_WAIT || pos->cmd.aborted ||
		    !core_task_may_run(pos))
			continue;
		td->nr_waiting--;
		WRITE_ONCE(pos->state, CORE_CMD_EXEC);
		list_add_tail(&pos->run_node, runnable);
	}
}
