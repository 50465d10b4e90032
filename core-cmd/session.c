// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: sessions (I_T nexuses) and their LUN tables (one
 * core_tgt_dev per LUN: the I_T_L nexus).
 *
 * Every change of a session's LUN table happens here, in process context
 * under core_cfg_mutex; the command path only looks LUNs up, under RCU.
 * A nexus that leaves the table stops taking commands at once and is freed
 * once its last command is (core_tgt_dev_put() queues the reaper). Handlers
 * that keep per-nexus state (SCST_HANDLER_SESSIONS) are asked by
 * SESS_ATTACH before a nexus enters the table and by SESS_DETACH after it
 * drained, each a bounded call: a handler that does not answer in time is
 * reported, and the nexus (with its session) waits in limbo for the late
 * answer instead of being freed under the handler's feet.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "core.h"

static atomic64_t core_sess_ids = ATOMIC64_INIT(0);
/* Every session, for the watchdog (core_cfg_mutex). */
static LIST_HEAD(core_sessions);

/* Nexuses out of their table, waiting for their last command or a reply. */
static LIST_HEAD(core_dying_tds);
static DEFINE_SPINLOCK(core_dying_lock);
static void core_reap_fn(struct work_struct *work);
static DECLARE_WORK(core_reap_work, core_reap_fn);

static bool core_handler_wants_sessions(struct core_dev *cdev)
{
	return cdev->handler->ops->flags & SCST_HANDLER_SESSIONS;
}

/*
 * Ask the handler about a nexus. Returns 0, the handler's -errno, or
 * -ETIMEDOUT: then the request is still out and the late reply reaches
 * core_on_sess_attached()/core_on_sess_detached().
 */
static int core_td_call(struct core_tgt_dev *td, enum scst_msg_type type)
{
	struct core_dev *cdev = to_core_dev(td->tgt_dev.dev);
	struct scst_msg req, reply;
	int ret;

	scst_msg_init(&req, type, SCST_EP_CORE, cdev->handler->ops->ep);
	req.flags = SCST_MSG_F_REF;
	req.sess.tgt_dev = &td->tgt_dev;
	ret = scst_bus_call(&req, &reply, core_attach_timeout_ms);
	if (ret == -ETIMEDOUT)
		pr_err(CORE_NAME ": handler %s did not answer %s for device %s, LUN %llu of %s within %u ms\n",
		       cdev->handler->ops->name, scst_msg_name(type), cdev->name,
		       td->tgt_dev.lun, td->tgt_dev.sess->initiator,
		       core_attach_timeout_ms);
	else if (!ret)
		ret = reply.sess.error;
	return ret;
}

DECLARE_WAIT_QUEUE_HEAD(core_td_freed_wq);

static void core_td_free(struct core_tgt_dev *td)
{
	struct core_dev *cdev = to_core_dev(td->tgt_dev.dev);

	lockdep_assert_held(&core_cfg_mutex);
	core_ua_free_all(td);
	kfree_rcu(td, rcu);
	if (!--cdev->nr_tds)
		wake_up_all(&core_td_freed_wq);
}

/*
 * A nexus left its table with nothing in flight: tell the handler, then
 * free it. Returns false if it must wait in limbo for a late reply.
 */
static bool core_td_release(struct core_tgt_dev *td)
{
	struct scst_session *sess = td->tgt_dev.sess;
	int ret;

	lockdep_assert_held(&core_cfg_mutex);
	if (td->attach_late)
		return false;	/* core_on_sess_attached() brings it back */
	if (td->attached && core_handler_wants_sessions(to_core_dev(td->tgt_dev.dev))) {
		ret = core_td_call(td, SCST_MSG_SESS_DETACH);
		if (ret == -ETIMEDOUT) {
			spin_lock_bh(&sess->lock);
			td->detach_late = true;
			sess->nr_limbo++;
			spin_unlock_bh(&sess->lock);
			return false;
		}
	}
	core_td_free(td);
	return true;
}

/* Take @td out of its session's table; it takes no new commands. */
static void core_td_remove(struct core_tgt_dev *td)
{
	struct scst_session *sess = td->tgt_dev.sess;
	struct core_dev *cdev = to_core_dev(td->tgt_dev.dev);

	lockdep_assert_held(&core_cfg_mutex);
	xa_erase(&sess->tgt_devs, td->tgt_dev.lun);
	spin_lock_bh(&cdev->lock);
	list_del_rcu(&td->dev_node);
	spin_unlock_bh(&cdev->lock);
	/* The device forgets the session's reservation with its last nexus. */
	core_reservation_drop_sess(cdev, sess);

	spin_lock_bh(&sess->lock);
	td->gone = true;
	spin_unlock_bh(&sess->lock);

	spin_lock_bh(&core_dying_lock);
	list_add_tail(&td->dying_node, &core_dying_tds);
	spin_unlock_bh(&core_dying_lock);
	queue_work(core_wq, &core_reap_work);
}

/*
 * Free the nexuses whose last command is gone. Under core_cfg_mutex, so a
 * caller holding it sees every nexus either still on the list or done.
 */
static void core_reap_locked(void)
{
	struct core_tgt_dev *td, *tmp;
	LIST_HEAD(ready);

	lockdep_assert_held(&core_cfg_mutex);
	spin_lock_bh(&core_dying_lock);
	list_for_each_entry_safe(td, tmp, &core_dying_tds, dying_node) {
		struct scst_session *sess = td->tgt_dev.sess;
		bool idle;

		spin_lock(&sess->lock);
		idle = !td->nr_cmds;
		spin_unlock(&sess->lock);
		if (idle)
			list_move_tail(&td->dying_node, &ready);
	}
	spin_unlock_bh(&core_dying_lock);

	list_for_each_entry_safe(td, tmp, &ready, dying_node) {
		list_del_init(&td->dying_node);
		if (!core_td_release(td))
			list_add_tail(&td->dying_node, &td->tgt_dev.sess->limbo);
	}
}

static void core_reap_fn(struct work_struct *work)
{
	mutex_lock(&core_cfg_mutex);
	core_reap_locked();
	mutex_unlock(&core_cfg_mutex);
}

/*
 * Make the nexus (@sess, @lun) -> @l, attach it and put it in the table.
 * New sessions' nexuses start with POWER ON, RESET, OR BUS DEVICE RESET
 * OCCURRED, as SCST does, so initiators see a fresh unit.
 */
static int core_td_add(struct scst_session *sess, struct core_lun *l,
		       bool new_sess)
{
	struct core_tgt_dev *td;
	int ret;

	lockdep_assert_held(&core_cfg_mutex);
	td = kzalloc(sizeof(*td), GFP_KERNEL);
	if (!td)
		return -ENOMEM;
	td->tgt_dev.sess = sess;
	td->tgt_dev.dev = &l->dev->dev;
	l->dev->nr_tds++;
	td->tgt_dev.lun = l->lun;
	td->tgt_dev.read_only = l->read_only;
	INIT_LIST_HEAD(&td->dev_node);
	INIT_LIST_HEAD(&td->dying_node);
	INIT_LIST_HEAD(&td->task_set);
	INIT_LIST_HEAD(&td->uas);
	spin_lock_init(&td->ua_lock);
	if (new_sess)
		core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);

	if (core_handler_wants_sessions(l->dev)) {
		ret = core_td_call(td, SCST_MSG_SESS_ATTACH);
		if (ret == -ETIMEDOUT) {
			/* The late reply decides: detach or free it then. */
			spin_lock_bh(&sess->lock);
			td->attach_late = true;
			sess->nr_limbo++;
			spin_unlock_bh(&sess->lock);
			list_add_tail(&td->dying_node, &sess->limbo);
			return ret;
		}
		if (ret) {
			pr_err(CORE_NAME ": handler %s refused %s LUN %llu: %d\n",
			       l->dev->handler->ops->name, sess->initiator,
			       l->lun, ret);
			core_td_free(td);
			return ret;
		}
	}
	td->attached = true;

	ret = xa_err(xa_store(&sess->tgt_devs, l->lun, td, GFP_KERNEL));
	if (ret) {
		td->tgt_dev.dev = &l->dev->dev;
		spin_lock_bh(&core_dying_lock);
		list_add_tail(&td->dying_node, &core_dying_tds);
		spin_unlock_bh(&core_dying_lock);
		queue_work(core_wq, &core_reap_work);
		return ret;
	}
	spin_lock_bh(&l->dev->lock);
	list_add_tail_rcu(&td->dev_node, &l->dev->tgt_devs);
	spin_unlock_bh(&l->dev->lock);
	return 0;
}

static void core_sess_luns_changed(struct scst_session *sess);

/*
 * Make @sess's table match its group: drop nexuses whose LUN went away or
 * changed, add the new ones. Existing sessions learn by REPORTED LUNS DATA
 * HAS CHANGED on every nexus they keep or gain.
 */
static int core_sess_sync_luns(struct scst_session *sess, bool new_sess)
{
	struct core_tgt_dev *td;
	struct core_lun *l;
	bool changed = false;
	unsigned long idx;
	int ret = 0, err;

	lockdep_assert_held(&core_cfg_mutex);
	xa_for_each(&sess->tgt_devs, idx, td) {
		l = core_lun_find(sess->acg, idx);
		if (l && &l->dev->dev == td->tgt_dev.dev &&
		    l->read_only == td->tgt_dev.read_only)
			continue;
		core_td_remove(td);
		changed = true;
	}
	list_for_each_entry(l, &sess->acg->luns, node) {
		if (xa_load(&sess->tgt_devs, l->lun))
			continue;
		err = core_td_add(sess, l, new_sess);
		if (err && !ret)
			ret = err;
		changed = true;
	}
	if (changed && !new_sess) {
		xa_for_each(&sess->tgt_devs, idx, td)
			core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
		core_sess_luns_changed(sess);
	}
	return ret;
}

/*
 * Tell the fabric too: an initiator in the same kernel (the local fabric)
 * rescans at once instead of waiting for a command to meet the UA.
 */
static void core_sess_luns_changed(struct scst_session *sess)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_SESS_LUNS_CHANGED, SCST_EP_CORE,
		      sess->tgt->fabric->ops->ep);
	msg.sess.fabric_priv = sess->fabric_priv;
	core_send_notice(&msg);
}

/**
 * core_tgt_update_sessions() - apply a group or LUN change to live sessions
 * @tgt: the target whose configuration changed
 */
void core_tgt_update_sessions(struct scst_tgt *tgt)
{
	struct scst_session *sess;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(sess, &tgt->sessions, tgt_node) {
		if (sess->state != CORE_SESS_ACTIVE)
			continue;
		sess->acg = core_acg_for_initiator(tgt, sess->initiator);
		core_sess_sync_luns(sess, false);
	}
}

/**
 * core_sess_cmd_arrived() - count a new command and find its nexus
 * @sess: the session it came on
 * @lun:  its LUN
 * @td:   set to the nexus with a command reference (release with
 *        core_tgt_dev_put()), or NULL if the session has no such LUN
 *
 * One pass under sess->lock for everything CMD_NEW needs of the session.
 * Returns false, with *@td NULL, once the session's teardown began: the
 * command must not run. Any context.
 */
bool core_sess_cmd_arrived(struct scst_session *sess, u64 lun,
			   struct core_tgt_dev **td)
{
	struct core_tgt_dev *found;
	bool active;

	rcu_read_lock();
	found = xa_load(&sess->tgt_devs, lun);
	spin_lock_bh(&sess->lock);
	sess->stats.cmds++;
	active = sess->state == CORE_SESS_ACTIVE;
	if (!active || (found && found->gone))
		found = NULL;
	else if (found)
		found->nr_cmds++;
	spin_unlock_bh(&sess->lock);
	rcu_read_unlock();
	*td = found;
	return active;
}

/* Drop a command's reference (sess->lock held); true: core_tgt_dev_reap(). */
bool core_tgt_dev_put_locked(struct core_tgt_dev *td)
{
	lockdep_assert_held(&td->tgt_dev.sess->lock);
	return !--td->nr_cmds && td->gone;
}

/* The last command of a gone nexus left: free it (and others) later. */
void core_tgt_dev_reap(void)
{
	queue_work(core_wq, &core_reap_work);
}

void core_tgt_dev_put(struct core_tgt_dev *td)
{
	struct scst_session *sess = td->tgt_dev.sess;
	bool reap;

	spin_lock_bh(&sess->lock);
	reap = core_tgt_dev_put_locked(td);
	spin_unlock_bh(&sess->lock);
	if (reap)
		core_tgt_dev_reap();
}

/**
 * scst_sess_register() - a fabric opened an I_T nexus
 * @tgt:              the target, enabled
 * @initiator:        the initiator port's name (iSCSI name, WWPN...)
 * @transport_id:     its SPC-4 TransportID, or NULL
 * @transport_id_len: its length, at most SCST_TRANSPORT_ID_MAX
 * @fabric_priv:      the fabric's, handed back in SESS_GONE
 *
 * Process context. Returns the session or an ERR_PTR: -EACCES while the
 * target is disabled, -ETIMEDOUT (reported) when a handler did not answer
 * SESS_ATTACH in time, a handler's refusal. A failed registration sends no
 * SESS_GONE.
 */
struct scst_session *scst_sess_register(struct scst_tgt *tgt,
					const char *initiator,
					const u8 *transport_id,
					unsigned int transport_id_len,
					void *fabric_priv)
{
	struct scst_session *sess;
	int ret;

	might_sleep();
	if (!initiator || !*initiator ||
	    strnlen(initiator, SCST_NAME_MAX) >= SCST_NAME_MAX ||
	    transport_id_len > SCST_TRANSPORT_ID_MAX ||
	    (transport_id_len && !transport_id)) {
		pr_err(CORE_NAME ": %s: session refused: bad initiator name or TransportID\n",
		       tgt->name);
		return ERR_PTR(-EINVAL);
	}
	sess = kzalloc(sizeof(*sess), GFP_KERNEL);
	if (!sess)
		return ERR_PTR(-ENOMEM);
	sess->tgt = tgt;
	strscpy(sess->initiator, initiator, sizeof(sess->initiator));
	if (transport_id_len)
		memcpy(sess->transport_id, transport_id, transport_id_len);
	sess->transport_id_len = transport_id_len;
	sess->fabric_priv = fabric_priv;
	sess->id = atomic64_inc_return(&core_sess_ids);
	xa_init(&sess->tgt_devs);
	spin_lock_init(&sess->lock);
	INIT_LIST_HEAD(&sess->cmds);
	INIT_LIST_HEAD(&sess->limbo);
	INIT_WORK(&sess->unreg_work, core_sess_unreg_fn);
	sess->unreg_started = jiffies;

	mutex_lock(&core_cfg_mutex);
	if (!tgt->enabled || tgt->removing) {
		mutex_unlock(&core_cfg_mutex);
		kfree(sess);
		pr_warn_ratelimited(CORE_NAME ": %s: session from %s refused: target disabled\n",
				    tgt->name, initiator);
		return ERR_PTR(-EACCES);
	}
	sess->acg = core_acg_for_initiator(tgt, initiator);
	list_add_tail(&sess->tgt_node, &tgt->sessions);
	list_add_tail(&sess->all_node, &core_sessions);
	tgt->nr_sessions++;
	ret = core_sess_sync_luns(sess, true);
	if (ret) {
		sess->silent = true;
		core_sess_unregister_locked(sess);
		mutex_unlock(&core_cfg_mutex);
		return ERR_PTR(ret);
	}
	mutex_unlock(&core_cfg_mutex);

	core_cfs_sess_add(sess);
	return sess;
}
EXPORT_SYMBOL_GPL(scst_sess_register);

/**
 * core_sess_unregister_locked() - start a session's teardown
 * @sess: the session
 *
 * New commands are refused, those in flight are aborted (as on an I_T
 * nexus loss), the session's SPC-2 reservations are released; the rest
 * runs in core_sess_unreg_fn() once the last command is freed.
 */
void core_sess_unregister_locked(struct scst_session *sess)
{
	bool idle;

	lockdep_assert_held(&core_cfg_mutex);
	spin_lock_bh(&sess->lock);
	if (sess->state != CORE_SESS_ACTIVE) {
		spin_unlock_bh(&sess->lock);
		return;
	}
	sess->state = CORE_SESS_UNREGISTERING;
	sess->unreg_started = jiffies;
	sess->unreg_report_at = jiffies +
		msecs_to_jiffies(core_teardown_timeout_ms);
	spin_unlock_bh(&sess->lock);

	core_abort_sess(sess);

	spin_lock_bh(&sess->lock);
	idle = !sess->nr_cmds;
	spin_unlock_bh(&sess->lock);
	if (idle)
		queue_work(core_wq, &sess->unreg_work);
}

void scst_sess_unregister(struct scst_session *sess)
{
	mutex_lock(&core_cfg_mutex);
	core_sess_unregister_locked(sess);
	mutex_unlock(&core_cfg_mutex);
}
EXPORT_SYMBOL_GPL(scst_sess_unregister);

/*
 * A command or TMF of @sess is being freed (sess->lock held); true when it
 * was the last of a session being torn down: call core_sess_last_put().
 */
bool core_sess_put_locked(struct scst_session *sess)
{
	lockdep_assert_held(&sess->lock);
	return !--sess->nr_cmds && sess->state == CORE_SESS_UNREGISTERING;
}

void core_sess_last_put(struct scst_session *sess)
{
	queue_work(core_wq, &sess->unreg_work);
}

/* A command or TMF of @sess was freed. */
void core_sess_put(struct scst_session *sess)
{
	bool last;

	spin_lock_bh(&sess->lock);
	last = core_sess_put_locked(sess);
	spin_unlock_bh(&sess->lock);
	if (last)
		core_sess_last_put(sess);
}

/* Release the nexuses of @sess whose late handler reply has come. */
static void core_sess_limbo(struct scst_session *sess)
{
	struct core_tgt_dev *td, *tmp;
	LIST_HEAD(ready);

	lockdep_assert_held(&core_cfg_mutex);
	spin_lock_bh(&sess->lock);
	list_for_each_entry_safe(td, tmp, &sess->limbo, dying_node)
		if (!td->attach_late && !td->detach_late)
			list_move_tail(&td->dying_node, &ready);
	spin_unlock_bh(&sess->lock);
	list_for_each_entry_safe(td, tmp, &ready, dying_node) {
		list_del_init(&td->dying_node);
		if (!core_td_release(td))
			list_add_tail(&td->dying_node, &sess->limbo);
	}
}

/*
 * The session has nothing in flight: detach and free its nexuses, then
 * the session, and tell the fabric. Runs again for each late handler
 * reply until none is out.
 */
void core_sess_unreg_fn(struct work_struct *work)
{
	struct scst_session *sess = container_of(work, struct scst_session,
						  unreg_work);
	const struct scst_fabric_ops *ops = sess->tgt->fabric->ops;
	struct core_tgt_dev *td;
	struct scst_msg msg;
	unsigned long idx;
	unsigned int limbo;
	bool cfs_del;

	if (READ_ONCE(sess->state) == CORE_SESS_ACTIVE) {
		/* A late reply about a LUN added while it was live. */
		mutex_lock(&core_cfg_mutex);
		core_sess_limbo(sess);
		mutex_unlock(&core_cfg_mutex);
		return;
	}

	spin_lock_bh(&sess->lock);
	cfs_del = !sess->cfs_deleted;
	sess->cfs_deleted = true;
	spin_unlock_bh(&sess->lock);
	if (cfs_del)
		core_cfs_sess_del(sess);

	mutex_lock(&core_cfg_mutex);
	xa_for_each(&sess->tgt_devs, idx, td)
		core_td_remove(td);
	/*
	 * Reap here rather than wait for the reaper: a work item of core_wq
	 * must not wait for another one (its rescuer runs them one at a time).
	 */
	core_reap_locked();
	core_sess_limbo(sess);
	spin_lock_bh(&sess->lock);
	limbo = sess->nr_limbo;
	spin_unlock_bh(&sess->lock);
	if (limbo) {
		pr_err(CORE_NAME ": session %llu (%s): %u handler replies still out; freeing it when they come\n",
		       sess->id, sess->initiator, limbo);
		mutex_unlock(&core_cfg_mutex);
		return;
	}

	core_cfs_sess_unlink(sess);
	list_del(&sess->tgt_node);
	list_del(&sess->all_node);
	if (!sess->silent) {
		scst_msg_init(&msg, SCST_MSG_SESS_GONE, SCST_EP_CORE, ops->ep);
		msg.sess.fabric_priv = sess->fabric_priv;
		core_send_notice(&msg);
	}
	core_tgt_sess_gone(sess->tgt);
	mutex_unlock(&core_cfg_mutex);
	xa_destroy(&sess->tgt_devs);
	/* Readers of a device's nexus list may still look at it. */
	kfree_rcu(sess, rcu);
}

/* A late SESS_ATTACHED: the nexus is in its session's limbo list. */
void core_on_sess_attached(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct core_tgt_dev *td = to_core_tgt_dev(msg->sess.tgt_dev);
	struct scst_session *sess = td->tgt_dev.sess;

	/* Limbo nexuses are only touched under core_cfg_mutex: defer. */
	spin_lock_bh(&sess->lock);
	td->attach_late = false;
	td->attached = !msg->sess.error;
	sess->nr_limbo--;
	spin_unlock_bh(&sess->lock);
	queue_work(core_wq, &sess->unreg_work);
}

/* A late SESS_DETACHED: the nexus can go now. */
void core_on_sess_detached(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct core_tgt_dev *td = to_core_tgt_dev(msg->sess.tgt_dev);
	struct scst_session *sess = td->tgt_dev.sess;

	spin_lock_bh(&sess->lock);
	td->detach_late = false;
	td->attached = false;
	sess->nr_limbo--;
	spin_unlock_bh(&sess->lock);
	queue_work(core_wq, &sess->unreg_work);
}

void core_sess_for_each(void (*fn)(struct scst_session *sess))
{
	struct scst_session *sess;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(sess, &core_sessions, all_node)
		fn(sess);
}

/**
 * scst_sess_attached() - a handler's answer to SESS_ATTACH
 * @attach: the request, as delivered (or a copy)
 * @error:  0, or -errno to keep the session from the device
 */
void scst_sess_attached(const struct scst_msg *attach, int error)
{
	struct scst_msg reply;

	scst_msg_init(&reply, SCST_MSG_SESS_ATTACHED, attach->dst,
		      SCST_EP_CORE);
	reply.flags = SCST_MSG_F_REF_RETURN;
	reply.ref_type = SCST_MSG_SESS_ATTACH;
	reply.sess.tgt_dev = attach->sess.tgt_dev;
	reply.sess.error = error;
	scst_bus_reply(attach, &reply);
}
EXPORT_SYMBOL_GPL(scst_sess_attached);

void scst_sess_detached(const struct scst_msg *detach)
{
	struct scst_msg reply;

	scst_msg_init(&reply, SCST_MSG_SESS_DETACHED, detach->dst,
		      SCST_EP_CORE);
	reply.flags = SCST_MSG_F_REF_RETURN;
	reply.ref_type = SCST_MSG_SESS_DETACH;
	reply.sess.tgt_dev = detach->sess.tgt_dev;
	scst_bus_reply(detach, &reply);
}
EXPORT_SYMBOL_GPL(scst_sess_detached);

void *scst_sess_fabric_priv(const struct scst_session *sess)
{
	return sess->fabric_priv;
}
EXPORT_SYMBOL_GPL(scst_sess_fabric_priv);

const char *scst_sess_initiator(const struct scst_session *sess)
{
	return sess->initiator;
}
EXPORT_SYMBOL_GPL(scst_sess_initiator);

struct scst_tgt *scst_sess_tgt(const struct scst_session *sess)
{
	return sess->tgt;
}
EXPORT_SYMBOL_GPL(scst_sess_tgt);

/**
 * scst_sess_luns() - the LUNs a session reaches now
 * @sess: a registered session
 * @luns: filled with up to @max LUNs, ascending
 * @max:  room in @luns
 *
 * Process context. Return: how many LUNs the session has (more than @max
 * means @luns holds the first @max).
 */
int scst_sess_luns(struct scst_session *sess, u64 *luns, unsigned int max)
{
	struct core_tgt_dev *td;
	unsigned long idx;
	int nr = 0;

	mutex_lock(&core_cfg_mutex);
	xa_for_each(&sess->tgt_devs, idx, td) {
		if (nr < max)
			luns[nr] = idx;
		nr++;
	}
	mutex_unlock(&core_cfg_mutex);
	return nr;
}
EXPORT_SYMBOL_GPL(scst_sess_luns);
