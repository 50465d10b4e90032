// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: sending. Queue a message on the destination's ring for this
 * CPU, spill it when the ring is full, wake whoever consumes it; and the
 * request/reply helpers built on that.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/sched.h>
#include "bus_internal.h"
#include "trace.h"

/* A scst_bus_call() waiting for its reply, on its caller's stack. */
struct scst_bus_call {
	struct list_head node;
	u64 cookie;
	struct scst_msg *reply;
	bool answered;
	struct completion done;
};

/* IRQs off, on r->cpu: append a node that already holds the message. */
static void scst_ring_link_spill(struct scst_ep_state *st, struct scst_ring *r,
				 struct scst_spill *sp)
{
	spin_lock(&r->spill_lock);
	list_add_tail(&sp->node, &r->spill);
	/*
	 * Release: a consumer that sees @spilled non-zero (acquire, in
	 * scst_ring_consume()) also sees every slot published before it, and
	 * delivers those first.
	 */
	atomic_inc_return_release(&r->spilled);
	spin_unlock(&r->spill_lock);
	__this_cpu_inc(st->stats->spills);
}

/*
 * Called on r->cpu with IRQs off: the only producer of @r right now. Put
 * @msg in a free slot; false when it has to spill (ring full, or older
 * messages already spilled).
 */
static bool scst_ring_put_slot(struct scst_ring *r, const struct scst_msg *msg)
{
	u32 head = r->head;
	u32 used;

	if (unlikely(atomic_read(&r->spilled)))
		return false;
	/*
	 * Pairs with smp_store_release(&r->tail) in scst_ring_consume(): the
	 * handler of the message in the slot we reuse has returned.
	 */
	used = head - smp_load_acquire(&r->tail);
	if (unlikely(used > r->mask))
		return false;
	r->slots[head & r->mask] = *msg;
	/* Pairs with smp_load_acquire(&r->head) in the consumer. */
	smp_store_release(&r->head, head + 1);
	if (unlikely(used + 1 > r->hwm))
		r->hwm = used + 1;
	return true;
}

static struct scst_spill *scst_spill_alloc(struct scst_ep_state *st,
					   const struct scst_msg *msg)
{
	struct scst_spill *sp;

	sp = mempool_alloc(st->spill_pool, GFP_ATOMIC | __GFP_NOWARN);
	if (unlikely(!sp)) {
		__this_cpu_inc(st->stats->spill_failures);
		return NULL;
	}
	sp->msg = *msg;
	return sp;
}

/* IRQs off, on r->cpu. */
static int scst_ring_produce(struct scst_ep_state *st, struct scst_ring *r,
			     const struct scst_msg *msg)
{
	struct scst_spill *sp;

	if (likely(scst_ring_put_slot(r, msg)))
		return 0;
	sp = scst_spill_alloc(st, msg);
	if (!sp)
		return -ENOMEM;
	scst_ring_link_spill(st, r, sp);
	return 0;
}

/**
 * scst_ring_put_spill() - queue a message held in a spill node
 * @st: its endpoint, registered and not yet unpublished
 * @sp: the node; the ring takes it, or it is freed
 *
 * For the messages a pool thread held back until its handler returned:
 * they were accepted when sent, so this needs no memory and cannot fail.
 */
void scst_ring_put_spill(struct scst_ep_state *st, struct scst_spill *sp)
{
	struct scst_ring *r;
	unsigned long flags;

	local_irq_save(flags);
	r = this_cpu_ptr(st->rings);
	if (scst_ring_put_slot(r, &sp->msg)) {
		local_irq_restore(flags);
		mempool_free(sp, st->spill_pool);
		return;
	}
	scst_ring_link_spill(st, r, sp);
	local_irq_restore(flags);
}

/*
 * A pool thread's handler sending to its own endpoint: hold the message
 * until the handler returns (struct scst_pool_thread says why).
 */
static int scst_bus_defer_self(struct scst_pool_thread *pt,
			       const struct scst_msg *msg)
{
	struct scst_spill *sp = scst_spill_alloc(pt->st, msg);

	if (!sp)
		return -ENOMEM;
	list_add_tail(&sp->node, &pt->deferred);
	return 0;
}

/* Answer a scst_bus_call() directly; false if its caller already left. */
static bool scst_bus_answer_call(struct scst_ep_state *st,
				 const struct scst_msg *msg)
{
	struct scst_bus_call *call;
	bool found = false;

	spin_lock(&st->calls_lock);
	list_for_each_entry(call, &st->calls, node) {
		if (call->cookie != msg->cookie)
			continue;
		*call->reply = *msg;
		call->answered = true;
		list_del_init(&call->node);
		complete(&call->done);
		found = true;
		break;
	}
	spin_unlock(&st->calls_lock);
	return found;
}

static void scst_bus_refuse(const struct scst_msg *msg, const char *why)
{
	pr_err_ratelimited("%s from %s to %s refused: %s\n",
			   scst_msg_name(msg->type), scst_ep_name(msg->src),
			   scst_ep_name(msg->dst), why);
}

enum { SCST_SEND_WAKE, SCST_SEND_NOWAKE };

static int __scst_bus_send(const struct scst_msg *msg, int wake)
{
	struct scst_ep_state *dst, *src = NULL;
	struct scst_pool_thread *pt;
	struct scst_bus_cpu *bc;
	unsigned long flags;
	bool pool;
	int ret;

	if (unlikely(msg->type >= SCST_MSG_NR || msg->dst >= SCST_EP_NR ||
		     msg->src >= SCST_EP_NR ||
		     ((msg->flags & SCST_MSG_F_REF_RETURN) &&
		      msg->ref_type >= SCST_MSG_NR))) {
		pr_err_ratelimited("message type %u from %u to %u refused: bad header\n",
				   msg->type, msg->src, msg->dst);
		return -EINVAL;
	}

	/* IRQs off: the only producer of this CPU's rings, and an RCU reader. */
	local_irq_save(flags);
	dst = scst_bus_ep(msg->dst);
	if (unlikely(!dst)) {
		ret = -ESHUTDOWN;
		scst_bus_refuse(msg, "endpoint not registered");
		goto out_unlock;
	}
	if (unlikely(READ_ONCE(dst->life) != SCST_EP_ALIVE &&
		     !(msg->flags & (SCST_MSG_F_REPLY | SCST_MSG_F_REF_RETURN)))) {
		ret = -ESHUTDOWN;
		scst_bus_refuse(msg, "endpoint is unregistering");
		goto out_unlock;
	}
	if (msg->flags & SCST_MSG_F_REF) {
		src = scst_bus_ep(msg->src);
		if (unlikely(!src)) {
			ret = -EINVAL;
			scst_bus_refuse(msg, "lender not registered");
			goto out_unlock;
		}
	}

	trace_msg_send(dst->ep->name, msg);
	if (unlikely((msg->flags & SCST_MSG_F_REPLY) &&
		     (msg->cookie & SCST_BUS_COOKIE_CALL))) {
		if (scst_bus_answer_call(dst, msg)) {
			if (msg->flags & SCST_MSG_F_REF_RETURN)
				__this_cpu_dec(dst->stats->refs_out[msg->ref_type]);
			__this_cpu_inc(dst->stats->sent[msg->type]);
			__this_cpu_inc(dst->stats->delivered[msg->type]);
			if (READ_ONCE(dst->life) != SCST_EP_ALIVE)
				wake_up(&dst->idle_wq);
			ret = 0;
			goto out_unlock;
		}
		/* The caller timed out: its endpoint's handler gets it. */
		__this_cpu_inc(dst->stats->late_replies);
	}

	/*
	 * Count a lent reference before the message can be seen: its return
	 * may be delivered on another CPU before this one goes on.
	 */
	if (src)
		__this_cpu_inc(src->stats->refs_out[msg->type]);
	pool = dst->ep->flags & SCST_EP_SLEEPS;
	pt = scst_bus_current_pool_thread();
	if (pt && !pool && wake == SCST_SEND_WAKE) {
		/*
		 * A pool handler's send to an ordinary endpoint: the pool
		 * thread delivers it itself once the handler returns (it stays
		 * on this CPU until then), which saves waking this CPU's bus
		 * thread and a context switch per completion.
		 */
		pt->drain = true;
		wake = SCST_SEND_NOWAKE;
	}
	if (pool && pt && pt->st == dst) {
		/* Queued, and the pool woken, when the handler returns. */
		ret = scst_bus_defer_self(pt, msg);
		pool = false;
		wake = SCST_SEND_NOWAKE;
	} else {
		ret = scst_ring_produce(dst, this_cpu_ptr(dst->rings), msg);
	}
	if (unlikely(ret)) {
		if (src)
			__this_cpu_dec(src->stats->refs_out[msg->type]);
		pr_err_ratelimited("%s from %s to %s: ring full and no memory to spill\n",
				   scst_msg_name(msg->type),
				   scst_ep_name(msg->src), dst->ep->name);
		goto out_unlock;
	}
	__this_cpu_inc(dst->stats->sent[msg->type]);

	if (!pool && wake == SCST_SEND_WAKE) {
		bc = this_cpu_ptr(&scst_bus_cpu);
		/*
		 * A handler sending on this CPU needs no wake-up: the consumer
		 * it runs in keeps going until the rings are empty.
		 */
		if (READ_ONCE(bc->idle) && !(bc->delivering && in_task()))
			scst_bus_wake_cpu(bc);
	}
	local_irq_restore(flags);

	/* wq_has_sleeper() orders the slot store before the waiter check. */
	if (pool && wq_has_sleeper(&dst->pool_wq))
		wake_up(&dst->pool_wq);
	return 0;

out_unlock:
	local_irq_restore(flags);
	return ret;
}

/**
 * scst_bus_send() - queue a message for its destination
 * @msg: the message; copied, so it may live on the caller's stack
 *
 * Any context, never sleeps. Returns 0 when the message is queued (it will
 * be delivered exactly once), -EINVAL for a bad header or an unregistered
 * lender, -ESHUTDOWN when the destination is not registered or is
 * unregistering (replies and reference returns still pass), -ENOMEM when
 * the ring is full and no spill node is left.
 */
int scst_bus_send(const struct scst_msg *msg)
{
	return __scst_bus_send(msg, SCST_SEND_WAKE);
}
EXPORT_SYMBOL_GPL(scst_bus_send);

/**
 * scst_bus_in_handler() - is the caller running inside a bus handler?
 */
bool scst_bus_in_handler(void)
{
	/* An interrupt is not inside the handler it interrupted. */
	return in_task() && (this_cpu_read(scst_bus_cpu.delivering) ||
			     scst_bus_is_pool_thread());
}
EXPORT_SYMBOL_GPL(scst_bus_in_handler);

/* Deliver this CPU's queue in the caller's context; preemption is off. */
int scst_bus_drain_here(void)
{
	int n;

	n = scst_bus_cpu_deliver(smp_processor_id(), SCST_BUS_THREAD_BUDGET);
	/* Out of budget: leave the rest to the CPU's thread. */
	scst_bus_kick_local();
	return n;
}

/**
 * scst_bus_drain() - deliver this CPU's queued messages now, here
 *
 * For a top-level sender in process context: runs the ordinary endpoints'
 * handlers for what is queued on this CPU in the caller's context, up to a
 * budget, which saves the bus thread's wake-up. Returns how many messages
 * were delivered, or -EDEADLK from inside a handler or outside process
 * context (handlers never nest).
 */
int scst_bus_drain(void)
{
	int n;

	if (!in_task() || scst_bus_in_handler())
		return -EDEADLK;
	preempt_disable();
	n = scst_bus_drain_here();
	preempt_enable();
	return n;
}
EXPORT_SYMBOL_GPL(scst_bus_drain);

/**
 * scst_bus_send_drain() - send, then deliver this CPU's queue here
 * @msg: the message
 *
 * The data path's send: a top-level sender in process context queues the
 * message and runs the handlers it triggers on this CPU in its own context,
 * with no wake-up and no context switch. From a handler or an atomic
 * context it is a plain scst_bus_send().
 */
int scst_bus_send_drain(const struct scst_msg *msg)
{
	int ret;

	if (!in_task() || scst_bus_in_handler())
		return scst_bus_send(msg);
	preempt_disable();
	ret = __scst_bus_send(msg, SCST_SEND_NOWAKE);
	if (!ret)
		scst_bus_drain_here();
	preempt_enable();
	return ret;
}
EXPORT_SYMBOL_GPL(scst_bus_send_drain);

/**
 * scst_bus_send_batch() - send several messages, then deliver them here
 * @msgs: the messages, sent in this order
 * @nr:   how many
 *
 * Like scst_bus_send_drain() for a sender that has several messages at
 * once (a fabric that received several commands): one drain for all, no
 * wake-up. Returns how many were queued; on a failure, the messages before
 * the failing one are queued and delivered, the rest are not sent, and the
 * error is returned if none was queued.
 */
int scst_bus_send_batch(const struct scst_msg *msgs, unsigned int nr)
{
	unsigned int i;
	int ret = 0;

	if (!in_task() || scst_bus_in_handler()) {
		for (i = 0; i < nr; i++) {
			ret = scst_bus_send(&msgs[i]);
			if (ret)
				break;
		}
		return i ?: ret;
	}
	preempt_disable();
	for (i = 0; i < nr; i++) {
		ret = __scst_bus_send(&msgs[i], SCST_SEND_NOWAKE);
		if (ret)
			break;
	}
	if (i)
		scst_bus_drain_here();
	preempt_enable();
	return i ?: ret;
}
EXPORT_SYMBOL_GPL(scst_bus_send_batch);

static u64 scst_bus_new_cookie(struct scst_ep_state *st)
{
	return atomic64_inc_return(&st->next_cookie) & ~SCST_BUS_COOKIE_CALL;
}

/**
 * scst_bus_request() - send a message that expects a reply
 * @msg: the request; its cookie is set here
 *
 * The reply comes back to @msg->src through the handler for its type, with
 * the same cookie. @msg->src must be registered.
 */
int scst_bus_request(struct scst_msg *msg)
{
	struct scst_ep_state *src;
	unsigned long flags;

	if (msg->src >= SCST_EP_NR)
		return -EINVAL;
	local_irq_save(flags);
	src = scst_bus_ep(msg->src);
	if (src)
		msg->cookie = scst_bus_new_cookie(src);
	local_irq_restore(flags);
	if (!src) {
		scst_bus_refuse(msg, "requester not registered");
		return -EINVAL;
	}
	msg->flags |= SCST_MSG_F_REQUEST;
	return scst_bus_send(msg);
}
EXPORT_SYMBOL_GPL(scst_bus_request);

/**
 * scst_bus_reply() - answer a request
 * @req:   the request being answered (as delivered to the handler)
 * @reply: the reply: type, flags and payload set by the caller; its route
 *         and cookie are set here from @req
 */
int scst_bus_reply(const struct scst_msg *req, struct scst_msg *reply)
{
	reply->src = req->dst;
	reply->dst = req->src;
	reply->cookie = req->cookie;
	reply->flags |= SCST_MSG_F_REPLY;
	return scst_bus_send(reply);
}
EXPORT_SYMBOL_GPL(scst_bus_reply);

/**
 * scst_bus_call() - send a request and wait for its reply
 * @req:        the request; @req->src must be registered by the caller and
 *              stay registered during the call
 * @reply:      where the reply is copied
 * @timeout_ms: bound on the wait
 *
 * For control paths, in process context (a sleeping endpoint's handler
 * included). The reply does not go through @req->src's ring: it is handed
 * to the waiting caller as it is sent. Returns 0 with @reply filled in,
 * -ETIMEDOUT (logged, naming the request) when no reply came in time, or
 * the send error. A reply that comes after the timeout goes to
 * @req->src's handler for its type like any other message.
 */
int scst_bus_call(struct scst_msg *req, struct scst_msg *reply,
		  unsigned int timeout_ms)
{
	struct scst_bus_call call = { .reply = reply };
	struct scst_ep_state *src;
	unsigned long flags;
	int ret;

	might_sleep();
	if (req->src >= SCST_EP_NR)
		return -EINVAL;
	init_completion(&call.done);
	INIT_LIST_HEAD(&call.node);

	local_irq_save(flags);
	src = scst_bus_ep(req->src);
	if (src) {
		call.cookie = scst_bus_new_cookie(src) | SCST_BUS_COOKIE_CALL;
		spin_lock(&src->calls_lock);
		list_add_tail(&call.node, &src->calls);
		spin_unlock(&src->calls_lock);
	}
	local_irq_restore(flags);
	if (!src) {
		scst_bus_refuse(req, "caller not registered");
		return -EINVAL;
	}

	req->cookie = call.cookie;
	req->flags |= SCST_MSG_F_REQUEST;
	ret = scst_bus_send(req);
	if (!ret &&
	    !wait_for_completion_timeout(&call.done,
					 msecs_to_jiffies(timeout_ms)))
		ret = -ETIMEDOUT;

	/* The endpoint stays registered during the call: @src is valid. */
	spin_lock_irqsave(&src->calls_lock, flags);
	if (call.answered)
		ret = 0;
	else
		list_del(&call.node);
	spin_unlock_irqrestore(&src->calls_lock, flags);

	if (ret == -ETIMEDOUT)
		pr_warn("%s: no reply to %s from %s (cookie %#llx) within %u ms\n",
			src->ep->name, scst_msg_name(req->type),
			scst_ep_name(req->dst), req->cookie, timeout_ms);
	return ret;
}
EXPORT_SYMBOL_GPL(scst_bus_call);
