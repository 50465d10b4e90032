// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: owners of supplied memory. The SGV endpoint, which
 * answers SGV_FLUSH; the SGV_RELEASED notices, the only way an owner learns
 * that the pool let go of its memory; and the retry of what the bus could
 * not take at once (an owner unregistering, a ring full with no memory left
 * to spill).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/jiffies.h>
#include <linux/preempt.h>
#include "sgv_internal.h"

#define SGV_RETRY_MIN_MS	10
#define SGV_RETRY_MAX_MS	5000

/* Notices committed to each owner so far: SGV_FLUSH_DONE.notices. */
static atomic64_t sgv_owner_notices[SCST_EP_NR];

/*
 * Notices (buffers linked by @lru) and FLUSH_DONEs (one per owner) the bus
 * refused, kept in order for the retry work.
 */
static DEFINE_SPINLOCK(sgv_unsent_lock);
static LIST_HEAD(sgv_unsent);
static unsigned int sgv_nr_unsent;
static struct scst_msg sgv_unsent_done[SCST_EP_NR];
static DECLARE_BITMAP(sgv_unsent_done_set, SCST_EP_NR);
static unsigned int sgv_retry_ms = SGV_RETRY_MIN_MS;

static void sgv_retry_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(sgv_retry_work, sgv_retry_fn);

void sgv_owner_commit(enum scst_ep_id owner)
{
	atomic64_inc(&sgv_owner_notices[owner]);
}

unsigned int sgv_unsent_count(void)
{
	unsigned int n;

	spin_lock_bh(&sgv_unsent_lock);
	n = sgv_nr_unsent + bitmap_weight(sgv_unsent_done_set, SCST_EP_NR);
	spin_unlock_bh(&sgv_unsent_lock);
	return n;
}

static void sgv_notice_build(struct scst_msg *msg, const struct sgv_obj *obj)
{
	const struct scst_sgv_pool *pool = obj->pool;

	scst_msg_init(msg, SCST_MSG_SGV_RELEASED, SCST_EP_SGV, pool->owner);
	msg->sgv.cookie = obj->buf.cookie;
	msg->sgv.pool = obj->pool;
	msg->sgv.count = obj->nr_pages;
	msg->sgv.owner = pool->owner;
	msg->sgv.cause = obj->cause;
}

static void sgv_retry_arm(void)
{
	lockdep_assert_held(&sgv_unsent_lock);
	queue_delayed_work(sgv_wq, &sgv_retry_work,
			   msecs_to_jiffies(sgv_retry_ms));
}

/**
 * sgv_notice_send() - tell the owner its memory is released
 * @obj: a released buffer of an owner pool
 *
 * SGV_RELEASED {cookie} to the pool's owner, then the buffer is gone. When
 * the bus refuses the message, the buffer is kept (still counted as
 * releasing, still charged) and the notice retried: it is never dropped.
 */
void sgv_notice_send(struct sgv_obj *obj)
{
	struct scst_msg msg;
	int ret;

	sgv_notice_build(&msg, obj);
	ret = scst_bus_send(&msg);
	if (likely(!ret)) {
		sgv_obj_destroy(obj);
		return;
	}
	spin_lock_bh(&sgv_unsent_lock);
	list_add_tail(&obj->lru, &sgv_unsent);
	sgv_nr_unsent++;
	sgv_retry_arm();
	spin_unlock_bh(&sgv_unsent_lock);
	pr_warn_ratelimited("pool %s: SGV_RELEASED for cookie %#llx not taken by the bus for %s (%d): kept, retrying\n",
			    obj->pool->name, obj->buf.cookie,
			    scst_ep_name(obj->pool->owner), ret);
}

static void sgv_done_defer(const struct scst_msg *done, int ret)
{
	spin_lock_bh(&sgv_unsent_lock);
	/* A later FLUSH_DONE counts everything an earlier one did. */
	sgv_unsent_done[done->dst] = *done;
	__set_bit(done->dst, sgv_unsent_done_set);
	sgv_retry_arm();
	spin_unlock_bh(&sgv_unsent_lock);
	pr_warn_ratelimited("SGV_FLUSH_DONE not taken by the bus for %s (%d): kept, retrying\n",
			    scst_ep_name(done->dst), ret);
}

/* Take @owner's unsent notices, to send them before a FLUSH_DONE. */
static void sgv_unsent_take(enum scst_ep_id owner, struct list_head *list)
{
	struct sgv_obj *obj, *tmp;

	spin_lock_bh(&sgv_unsent_lock);
	list_for_each_entry_safe(obj, tmp, &sgv_unsent, lru) {
		if (obj->pool->owner != owner)
			continue;
		list_move_tail(&obj->lru, list);
		sgv_nr_unsent--;
	}
	spin_unlock_bh(&sgv_unsent_lock);
}

static bool sgv_unsent_has_owner(struct list_head *list, unsigned int owner)
{
	struct sgv_obj *obj;

	list_for_each_entry(obj, list, lru)
		if (obj->pool->owner == owner)
			return true;
	return false;
}

static void sgv_retry_fn(struct work_struct *work)
{
	unsigned int sent = 0, left, id;
	struct sgv_obj *obj, *tmp;
	struct scst_msg msg;
	LIST_HEAD(list);

	spin_lock_bh(&sgv_unsent_lock);
	list_splice_init(&sgv_unsent, &list);
	spin_unlock_bh(&sgv_unsent_lock);

	/*
	 * One CPU for the whole batch: a FLUSH_DONE sent below then follows
	 * the notices sent before it (FIFO per sending CPU and destination).
	 */
	preempt_disable();
	list_for_each_entry_safe(obj, tmp, &list, lru) {
		sgv_notice_build(&msg, obj);
		if (scst_bus_send(&msg))
			continue;
		list_del(&obj->lru);
		sgv_obj_destroy(obj);
		sent++;
	}

	spin_lock_bh(&sgv_unsent_lock);
	/* What failed again goes back in front of anything newer. */
	list_splice(&list, &sgv_unsent);
	sgv_nr_unsent -= sent;
	for_each_set_bit(id, sgv_unsent_done_set, SCST_EP_NR) {
		/* Not before its owner's notices are out. */
		if (sgv_unsent_has_owner(&sgv_unsent, id))
			continue;
		if (!scst_bus_send(&sgv_unsent_done[id]))
			__clear_bit(id, sgv_unsent_done_set);
	}
	left = sgv_nr_unsent + bitmap_weight(sgv_unsent_done_set, SCST_EP_NR);
	if (left) {
		sgv_retry_ms = min(sgv_retry_ms * 2, SGV_RETRY_MAX_MS);
		sgv_retry_arm();
	} else {
		sgv_retry_ms = SGV_RETRY_MIN_MS;
	}
	spin_unlock_bh(&sgv_unsent_lock);
	preempt_enable();

	if (left)
		pr_warn_ratelimited("%u release notices or flush replies still not taken by the bus: retrying in %u ms\n",
				    left, sgv_retry_ms);
}

/*
 * SGV_FLUSH: release every cached buffer of the sender's pools (or of the
 * one it names) and answer SGV_FLUSH_DONE.
 *
 * The order guarantee: every SGV_RELEASED this flush causes, and then
 * FLUSH_DONE, is sent from this one handler invocation without leaving
 * this CPU (handlers of an ordinary endpoint run with preemption off; the
 * preempt_disable() below makes it independent of that). All of them go
 * into the same ring, this CPU's ring of the owner, whose consumer delivers
 * in order (FIFO per sending CPU and destination, <scst/bus.h>), so the
 * owner handles each SGV_RELEASED before FLUSH_DONE. The same goes for
 * earlier notices the bus had refused: they are taken here and sent first.
 * A notice another cause (aging, shrinker) sent from another CPU just
 * before has no order against FLUSH_DONE; FLUSH_DONE.notices counts it, so
 * the owner knows to expect it.
 *
 * FLUSH_DONE is a plain message, not a reply: the bus hands a reply to a
 * waiting scst_bus_call() directly, ahead of what is in the ring, which
 * would break the order. An owner sends SGV_FLUSH with scst_bus_send() or
 * scst_bus_request() and handles FLUSH_DONE in its handler; the header
 * cookie of the request is echoed.
 */
static void sgv_handle_flush(struct scst_endpoint *ep,
			     const struct scst_msg *msg)
{
	const struct scst_msg_sgv *req = &msg->sgv;
	unsigned int owner = msg->src, released = 0, in_use = 0;
	struct scst_sgv_pool *pool;
	struct scst_msg done;
	bool found = false;
	LIST_HEAD(list);
	int ret;

	scst_msg_init(&done, SCST_MSG_SGV_FLUSH_DONE, SCST_EP_SGV, owner);
	done.cookie = msg->cookie;
	done.sgv.pool = req->pool;
	done.sgv.owner = owner;

	preempt_disable();
	if (req->owner != owner) {
		pr_err_ratelimited("SGV_FLUSH from %s for the buffers of %s refused: an owner flushes only its own\n",
				   scst_ep_name(owner), scst_ep_name(req->owner));
		done.sgv.status = -EPERM;
		goto out_send;
	}

	sgv_unsent_take(owner, &list);
	spin_lock_bh(&sgv_pools_lock);
	list_for_each_entry(pool, &sgv_pools, node) {
		if (!pool->owned || pool->owner != owner ||
		    (req->pool && req->pool != pool))
			continue;
		found = true;
		spin_lock(&pool->lock);
		released += pool->st.bufs_cached;
		__sgv_cache_take(pool, &list, ULONG_MAX, U64_MAX,
				 SCST_SGV_REL_FLUSH);
		in_use += pool->st.bufs_in_use;
		spin_unlock(&pool->lock);
	}
	/* After the take: it counts every notice committed up to here. */
	done.sgv.notices = atomic64_read(&sgv_owner_notices[owner]);
	spin_unlock_bh(&sgv_pools_lock);
	if (req->pool && !found) {
		pr_err_ratelimited("SGV_FLUSH from %s: pool %p is not one of its pools\n",
				   scst_ep_name(owner), req->pool);
		done.sgv.status = -ENOENT;
	}

	sgv_release_list(&list);
	done.sgv.count = released;
	done.sgv.in_use = in_use;
out_send:
	ret = scst_bus_send(&done);
	if (ret)
		sgv_done_defer(&done, ret);
	preempt_enable();
}

static const SCST_HANDLERS(sgv_handlers) = {
	[SCST_MSG_SGV_FLUSH]	= sgv_handle_flush,
};

static struct scst_endpoint sgv_ep = {
	.name		= "sgv",
	.id		= SCST_EP_SGV,
	.handlers	= SCST_EP_HANDLERS(sgv_handlers),
};

int sgv_endpoint_init(void)
{
	return scst_bus_register(&sgv_ep);
}

void sgv_endpoint_exit(void)
{
	unsigned int tries = 0, left;
	int ret;

	/*
	 * Our handlers never block and we lend no reference, so the drain
	 * ends quickly; but the endpoint and its handlers live in this
	 * module, which cannot go while the bus may still call them. Each
	 * try is bounded and reports what is still queued.
	 */
	while ((ret = scst_bus_unregister(&sgv_ep)) == -ETIMEDOUT)
		pr_err("sgv endpoint: unregister timed out (try %u), trying again\n",
		       ++tries);
	if (ret)
		pr_err("sgv endpoint: unregister failed: %d\n", ret);

	cancel_delayed_work_sync(&sgv_retry_work);
	left = sgv_unsent_count();
	if (left)
		pr_err("%u release notices or flush replies never delivered\n",
		       left);
}
