// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: endpoints. Registration, and unregistration as a handshake:
 * stop intake, let the queue drain, wait for every lent reference to come
 * back, and when that takes longer than the bound, say what is still out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include "bus_internal.h"

struct scst_ep_state __rcu *scst_bus_eps[SCST_EP_NR];
/* Serializes updates of scst_bus_eps[]; readers use RCU. */
DEFINE_MUTEX(scst_bus_lock);

long scst_ep_refs_out(struct scst_ep_state *st, unsigned int type)
{
	unsigned int cpu;
	long sum = 0;

	for_each_possible_cpu(cpu)
		sum += READ_ONCE(per_cpu_ptr(st->stats, cpu)->refs_out[type]);
	return sum;
}

static void scst_ep_free(struct scst_ep_state *st)
{
	unsigned int cpu;

	if (st->rings)
		for_each_possible_cpu(cpu)
			kvfree(per_cpu_ptr(st->rings, cpu)->slots);
	free_percpu(st->rings);
	free_percpu(st->stats);
	mempool_destroy(st->spill_pool);
	kfree(st);
}

static struct scst_ep_state *scst_ep_alloc(struct scst_endpoint *ep)
{
	unsigned int order = ep->ring_order ?: scst_bus_ring_order;
	struct scst_ep_state *st;
	struct scst_ring *r;
	unsigned int cpu;

	st = kzalloc(sizeof(*st), GFP_KERNEL);
	if (!st)
		return NULL;
	st->ep = ep;
	st->life = SCST_EP_ALIVE;
	st->timeout_ms = ep->unregister_timeout_ms ?:
			 scst_bus_unregister_timeout_ms;
	init_waitqueue_head(&st->pool_wq);
	init_waitqueue_head(&st->idle_wq);
	spin_lock_init(&st->calls_lock);
	INIT_LIST_HEAD(&st->calls);
	atomic64_set(&st->next_cookie, 0);

	st->stats = alloc_percpu(struct scst_ep_stats);
	st->rings = alloc_percpu(struct scst_ring);
	st->spill_pool = mempool_create_slab_pool(scst_bus_spill_reserve,
						  scst_bus_spill_cache);
	if (!st->stats || !st->rings || !st->spill_pool)
		goto out_free;

	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(st->rings, cpu);
		r->mask = (1U << order) - 1;
		r->cpu = cpu;
		atomic_set(&r->spilled, 0);
		spin_lock_init(&r->spill_lock);
		INIT_LIST_HEAD(&r->spill);
		r->slots = kvzalloc_node(sizeof(*r->slots) << order,
					 GFP_KERNEL, cpu_to_node(cpu));
		if (!r->slots)
			goto out_free;
	}
	return st;

out_free:
	scst_ep_free(st);
	return NULL;
}

/**
 * scst_bus_register() - put an endpoint on the bus
 * @ep: filled in as struct scst_endpoint describes
 *
 * Returns 0, -EINVAL for a bad description, -EBUSY when the id is taken, or
 * -ENOMEM.
 */
int scst_bus_register(struct scst_endpoint *ep)
{
	struct scst_ep_state *st;
	int ret;

	if (!ep->name || !ep->handlers || ep->id >= SCST_EP_NR ||
	    ep->ring_order > SCST_BUS_RING_ORDER_MAX ||
	    (ep->flags & ~SCST_EP_SLEEPS)) {
		pr_err("register %s: bad endpoint description\n",
		       ep->name ?: "(unnamed)");
		return -EINVAL;
	}

	st = scst_ep_alloc(ep);
	if (!st)
		return -ENOMEM;
	if (ep->flags & SCST_EP_SLEEPS) {
		ret = scst_bus_pool_start(st);
		if (ret)
			goto out_free;
	}

	mutex_lock(&scst_bus_lock);
	if (rcu_access_pointer(scst_bus_eps[ep->id])) {
		mutex_unlock(&scst_bus_lock);
		pr_err("register %s: id %s already registered\n", ep->name,
		       scst_ep_name(ep->id));
		ret = -EBUSY;
		goto out_stop;
	}
	ep->state = st;
	rcu_assign_pointer(scst_bus_eps[ep->id], st);
	mutex_unlock(&scst_bus_lock);

	scst_bus_debugfs_add(st);
	return 0;

out_stop:
	scst_bus_pool_stop(st);
out_free:
	scst_ep_free(st);
	return ret;
}
EXPORT_SYMBOL_GPL(scst_bus_register);

static unsigned int scst_ep_queued(struct scst_ep_state *st)
{
	unsigned int cpu, n = 0;
	struct scst_ring *r;

	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(st->rings, cpu);
		/* Pairs with smp_store_release(&r->head) in the producer. */
		n += smp_load_acquire(&r->head) - READ_ONCE(r->tail);
		n += atomic_read(&r->spilled);
	}
	return n;
}

static bool scst_ep_quiescent(struct scst_ep_state *st)
{
	unsigned int type;

	/*
	 * Rings first: a handler's sends happen before its slot's release,
	 * so an empty ring shows every reference its handlers lent.
	 */
	if (scst_ep_queued(st))
		return false;
	for (type = 0; type < SCST_MSG_NR; type++)
		if (scst_ep_refs_out(st, type))
			return false;
	return true;
}

static void scst_ep_report(struct scst_ep_state *st)
{
	unsigned int type;
	long out;

	pr_err("unregister %s: not done after %u ms: %u messages still queued\n",
	       st->ep->name, st->timeout_ms, scst_ep_queued(st));
	for (type = 0; type < SCST_MSG_NR; type++) {
		out = scst_ep_refs_out(st, type);
		if (out)
			pr_err("unregister %s: %ld references lent with %s not returned\n",
			       st->ep->name, out, scst_msg_name(type));
	}
}

/*
 * Unpublished: no producer and no per-CPU consumer can see @st any more. A
 * reply may have slipped in between the last check and the unpublishing:
 * deliver it here, in order, instead of losing it.
 */
static void scst_ep_deliver_stragglers(struct scst_ep_state *st)
{
	struct scst_ring *r;
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		r = per_cpu_ptr(st->rings, cpu);
		if (scst_ring_empty(r))
			continue;
		pr_warn("unregister %s: delivering %u late messages from cpu %u\n",
			st->ep->name, scst_ep_queued(st), cpu);
		if (st->ep->flags & SCST_EP_SLEEPS) {
			while (scst_ring_consume(st, r, SCST_BUS_RING_BUDGET))
				cond_resched();
			continue;
		}
		preempt_disable();
		this_cpu_write(scst_bus_cpu.delivering, true);
		while (scst_ring_consume(st, r, SCST_BUS_RING_BUDGET))
			;
		this_cpu_write(scst_bus_cpu.delivering, false);
		scst_bus_kick_local();
		preempt_enable();
	}
}

/**
 * scst_bus_get_counters() - read an endpoint's counters
 * @ep: a registered endpoint
 * @c:  filled in with the sums over CPUs (racy snapshots, for tests and
 *      for showing live state)
 */
void scst_bus_get_counters(struct scst_endpoint *ep,
			   struct scst_bus_counters *c)
{
	struct scst_ep_state *st = ep->state;
	struct scst_ep_stats *s;
	unsigned int cpu, type;

	memset(c, 0, sizeof(*c));
	if (!st)
		return;
	for_each_possible_cpu(cpu) {
		s = per_cpu_ptr(st->stats, cpu);
		for (type = 0; type < SCST_MSG_NR; type++) {
			c->sent += READ_ONCE(s->sent[type]);
			c->delivered += READ_ONCE(s->delivered[type]);
			c->refs_out += READ_ONCE(s->refs_out[type]);
		}
		c->spills += READ_ONCE(s->spills);
		c->spill_failures += READ_ONCE(s->spill_failures);
		c->unhandled += READ_ONCE(s->unhandled);
		c->late_replies += READ_ONCE(s->late_replies);
	}
	c->queued = scst_ep_queued(st);
}
EXPORT_SYMBOL_GPL(scst_bus_get_counters);

/**
 * scst_bus_unregister() - take an endpoint off the bus, as a handshake
 * @ep: a registered endpoint
 *
 * From process context, outside any handler. First new messages to @ep are
 * refused (replies and reference returns still come in); then this waits,
 * for at most the endpoint's bound, until nothing is queued for @ep and
 * every reference @ep lent has come back. Returns 0 when the endpoint is
 * gone. On expiry it logs how many messages are queued and, by message
 * type, which references are still out, leaves the endpoint registered and
 * draining, and returns -ETIMEDOUT: the caller may return what it holds
 * and call again.
 */
int scst_bus_unregister(struct scst_endpoint *ep)
{
	struct scst_ep_state *st = ep->state;

	might_sleep();
	if (!st)
		return -ENOENT;
	if (scst_bus_in_handler()) {
		pr_err("unregister %s: called from a bus handler\n", ep->name);
		return -EDEADLK;
	}

	if (READ_ONCE(st->life) == SCST_EP_ALIVE) {
		WRITE_ONCE(st->life, SCST_EP_DRAINING);
		/*
		 * Senders check @life with IRQs off, an RCU read section:
		 * after this, none is still queueing a message it was allowed
		 * to send before.
		 */
		synchronize_rcu();
	}

	if (!wait_event_timeout(st->idle_wq, scst_ep_quiescent(st),
				msecs_to_jiffies(st->timeout_ms))) {
		scst_ep_report(st);
		return -ETIMEDOUT;
	}

	mutex_lock(&scst_bus_lock);
	RCU_INIT_POINTER(scst_bus_eps[ep->id], NULL);
	mutex_unlock(&scst_bus_lock);
	synchronize_rcu();

	scst_bus_pool_stop(st);
	scst_ep_deliver_stragglers(st);
	scst_bus_debugfs_remove(st);
	ep->state = NULL;
	scst_ep_free(st);
	return 0;
}
EXPORT_SYMBOL_GPL(scst_bus_unregister);
