// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus: delivery. Consume a ring and call the handlers, from the
 * per-CPU bus threads (ordinary endpoints), from a sender draining its own
 * CPU, or from a sleeping endpoint's thread pool.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cpuhotplug.h>
#include <linux/kthread.h>
#include <linux/sched/clock.h>
#include <linux/slab.h>
#include <linux/smpboot.h>
#include "bus_internal.h"
#include "trace.h"

DEFINE_PER_CPU(struct scst_bus_cpu, scst_bus_cpu);

/*
 * After a pool handler returned: deliver what it sent to ordinary endpoints
 * on this CPU (the pool thread cannot migrate while it consumes a ring, see
 * scst_pool_deliver()), then queue what it sent to its own endpoint.
 */
static void scst_pool_put_deferred(struct scst_ep_state *st)
{
	struct scst_pool_thread *pt = scst_bus_current_pool_thread();
	struct scst_spill *sp, *tmp;

	if (!pt)
		return;
	if (pt->drain) {
		pt->drain = false;
		preempt_disable();
		scst_bus_drain_here();
		preempt_enable();
	}
	if (list_empty(&pt->deferred))
		return;
	list_for_each_entry_safe(sp, tmp, &pt->deferred, node) {
		list_del(&sp->node);
		scst_ring_put_spill(st, sp);
	}
	/* wq_has_sleeper() orders the queueing before the waiter check. */
	if (wq_has_sleeper(&st->pool_wq))
		wake_up(&st->pool_wq);
}

static void scst_deliver_one(struct scst_ep_state *st,
			     const struct scst_msg *msg)
{
	scst_msg_handler_t fn = st->ep->handlers[msg->type];
	u64 t0;

	trace_msg_deliver(st->ep->name, msg);
	if (msg->flags & SCST_MSG_F_REF_RETURN)
		this_cpu_dec(st->stats->refs_out[msg->ref_type]);
	if (unlikely(!fn)) {
		this_cpu_inc(st->stats->unhandled);
		pr_err_ratelimited("%s: no handler for %s from %s: dropped\n",
				   st->ep->name, scst_msg_name(msg->type),
				   scst_ep_name(msg->src));
		return;
	}
	if (static_branch_likely(&scst_bus_timing) &&
	    !(this_cpu_inc_return(st->stats->timing_tick[msg->type]) %
	      SCST_BUS_TIMING_SAMPLE)) {
		t0 = local_clock();
		fn(st->ep, msg);
		this_cpu_add(st->stats->handler_ns[msg->type],
			     (local_clock() - t0) * SCST_BUS_TIMING_SAMPLE);
	} else {
		fn(st->ep, msg);
	}
	if (st->ep->flags & SCST_EP_SLEEPS)
		scst_pool_put_deferred(st);
	this_cpu_inc(st->stats->delivered[msg->type]);
}

/* Deliver from the spill list; the slots are empty. */
static unsigned int scst_spill_consume(struct scst_ep_state *st,
				       struct scst_ring *r, unsigned int budget)
{
	struct scst_spill *sp, *tmp;
	unsigned long flags;
	unsigned int n = 0;
	LIST_HEAD(batch);

	spin_lock_irqsave(&r->spill_lock, flags);
	list_splice_init(&r->spill, &batch);
	spin_unlock_irqrestore(&r->spill_lock, flags);

	list_for_each_entry_safe(sp, tmp, &batch, node) {
		if (n == budget)
			break;
		list_del(&sp->node);
		scst_deliver_one(st, &sp->msg);
		mempool_free(sp, st->spill_pool);
		/* Producers return to the slots after the last one. */
		atomic_dec(&r->spilled);
		n++;
	}
	if (!list_empty(&batch)) {
		/* Out of budget: what is left is older than any new spill. */
		spin_lock_irqsave(&r->spill_lock, flags);
		list_splice(&batch, &r->spill);
		spin_unlock_irqrestore(&r->spill_lock, flags);
	}
	return n;
}

/**
 * scst_ring_consume() - deliver up to @budget messages from one ring
 * @st:     the endpoint
 * @r:      one of its rings; the caller is its only consumer
 * @budget: at most this many
 *
 * Slots first, then the spill list, whose messages are all newer.
 */
unsigned int scst_ring_consume(struct scst_ep_state *st, struct scst_ring *r,
			       unsigned int budget)
{
	unsigned int n = 0, k;
	u32 tail = r->tail;
	u32 head;

	while (n < budget) {
		/* Pairs with smp_store_release(&r->head) in the producer. */
		head = smp_load_acquire(&r->head);
		if (head == tail) {
			/*
			 * Pairs with atomic_inc_return_release() in
			 * scst_ring_spill(): seeing the spill, see every slot
			 * published before it, and deliver those first.
			 */
			if (!atomic_read_acquire(&r->spilled))
				break;
			/* Pairs with the producer's release of @head, as above. */
			if (smp_load_acquire(&r->head) != tail)
				continue;
			k = scst_spill_consume(st, r, budget - n);
			if (!k)
				break;
			n += k;
			continue;
		}
		while (head != tail && n < budget) {
			scst_deliver_one(st, &r->slots[tail & r->mask]);
			tail++;
			/*
			 * Pairs with smp_load_acquire(&r->tail) in the producer:
			 * the slot is reused only after its handler returned.
			 */
			smp_store_release(&r->tail, tail);
			n++;
		}
	}
	return n;
}

static void scst_note_progress(struct scst_ep_state *st)
{
	/* scst_bus_unregister() may be waiting for the rings to empty. */
	if (unlikely(READ_ONCE(st->life) != SCST_EP_ALIVE))
		wake_up(&st->idle_wq);
}

/*
 * Ordinary endpoints' rings of @cpu: called on @cpu with preemption off, or
 * from the CPU-dead callback for a CPU that no longer runs anything.
 */
unsigned int scst_bus_cpu_deliver(unsigned int cpu, unsigned int budget)
{
	struct scst_bus_cpu *bc = this_cpu_ptr(&scst_bus_cpu);
	struct scst_ep_state *st;
	unsigned int n = 0, round, k, id;

	lockdep_assert_preemption_disabled();
	WRITE_ONCE(bc->delivering, true);
	do {
		round = 0;
		for (id = 0; id < SCST_EP_NR; id++) {
			st = scst_bus_ep(id);
			if (!st || (st->ep->flags & SCST_EP_SLEEPS))
				continue;
			k = scst_ring_consume(st, per_cpu_ptr(st->rings, cpu),
					      min_t(unsigned int, budget - n - round,
						    SCST_BUS_RING_BUDGET));
			if (k)
				scst_note_progress(st);
			round += k;
		}
		n += round;
	} while (round && n < budget);
	WRITE_ONCE(bc->delivering, false);
	return n;
}

bool scst_bus_cpu_has_work(unsigned int cpu)
{
	struct scst_ep_state *st;
	unsigned int id;

	for (id = 0; id < SCST_EP_NR; id++) {
		st = scst_bus_ep(id);
		if (st && !(st->ep->flags & SCST_EP_SLEEPS) &&
		    !scst_ring_empty(per_cpu_ptr(st->rings, cpu)))
			return true;
	}
	return false;
}

/* Called on bc's CPU with IRQs off. */
void scst_bus_wake_cpu(struct scst_bus_cpu *bc)
{
	WRITE_ONCE(bc->idle, false);
	wake_up_process(bc->thread);
}

/*
 * After delivering outside the CPU's own thread (a draining sender, a dead
 * CPU's queue, an unregister's stragglers) with @delivering set, handlers'
 * sends to this CPU did not wake the thread: wake it if they left work.
 * Preemption is off.
 */
void scst_bus_kick_local(void)
{
	struct scst_bus_cpu *bc = this_cpu_ptr(&scst_bus_cpu);
	unsigned long flags;

	if (!scst_bus_cpu_has_work(smp_processor_id()))
		return;
	local_irq_save(flags);
	if (READ_ONCE(bc->idle))
		scst_bus_wake_cpu(bc);
	local_irq_restore(flags);
}

/*
 * The per-CPU thread. smpboot calls should_run() with preemption off and
 * the task already set to sleep; a producer on this CPU either sees @idle
 * and wakes it, or published its message before the second look here.
 */
static int scst_bus_thread_should_run(unsigned int cpu)
{
	struct scst_bus_cpu *bc = this_cpu_ptr(&scst_bus_cpu);

	if (scst_bus_cpu_has_work(cpu))
		return 1;
	WRITE_ONCE(bc->idle, true);
	/*
	 * Producers of these rings run on this CPU only (IRQs or, while this
	 * thread is preempted, tasks): a compiler barrier keeps the flag's
	 * store before the second look; no CPU barrier is needed.
	 */
	barrier();
	if (scst_bus_cpu_has_work(cpu)) {
		WRITE_ONCE(bc->idle, false);
		return 1;
	}
	return 0;
}

static void scst_bus_thread_fn(unsigned int cpu)
{
	WRITE_ONCE(this_cpu_ptr(&scst_bus_cpu)->idle, false);
	preempt_disable();
	scst_bus_cpu_deliver(cpu, SCST_BUS_THREAD_BUDGET);
	preempt_enable();
}

/* Going offline: deliver what is queued here while this CPU still runs. */
static void scst_bus_thread_park(unsigned int cpu)
{
	preempt_disable();
	while (scst_bus_cpu_deliver(cpu, SCST_BUS_THREAD_BUDGET))
		;
	preempt_enable();
}

static struct smp_hotplug_thread scst_bus_threads = {
	.store			= &scst_bus_cpu.thread,
	.thread_should_run	= scst_bus_thread_should_run,
	.thread_fn		= scst_bus_thread_fn,
	.park			= scst_bus_thread_park,
	.thread_comm		= "scst_bus/%u",
};

/*
 * A CPU is dead: whatever an interrupt queued on it after its thread parked
 * is delivered from here, so nothing waits for the CPU to come back.
 */
static int scst_bus_cpu_dead(unsigned int cpu)
{
	preempt_disable();
	while (scst_bus_cpu_deliver(cpu, SCST_BUS_THREAD_BUDGET))
		;
	scst_bus_kick_local();
	preempt_enable();
	return 0;
}

static enum cpuhp_state scst_bus_cpuhp_state;

int scst_bus_threads_init(void)
{
	int ret;

	ret = smpboot_register_percpu_thread(&scst_bus_threads);
	if (ret)
		return ret;
	ret = cpuhp_setup_state_nocalls(CPUHP_BP_PREPARE_DYN, "scst/bus:dead",
					NULL, scst_bus_cpu_dead);
	if (ret < 0) {
		smpboot_unregister_percpu_thread(&scst_bus_threads);
		return ret;
	}
	scst_bus_cpuhp_state = ret;
	return 0;
}

void scst_bus_threads_exit(void)
{
	cpuhp_remove_state_nocalls(scst_bus_cpuhp_state);
	smpboot_unregister_percpu_thread(&scst_bus_threads);
}

/*
 * Sleeping endpoints: a pool of threads takes rings, one thread per ring at
 * a time (that keeps FIFO per sending CPU), and may sleep in handlers.
 */
static bool scst_pool_ring_ready(struct scst_ring *r)
{
	return !test_bit(0, &r->owned) && !scst_ring_empty(r);
}

static bool scst_pool_has_work(struct scst_ep_state *st)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		if (scst_pool_ring_ready(per_cpu_ptr(st->rings, cpu)))
			return true;
	return false;
}

static unsigned int scst_pool_deliver(struct scst_ep_state *st)
{
	unsigned int start = raw_smp_processor_id(), cpu, i, n = 0, k;
	struct scst_ring *r;

	/*
	 * This CPU's ring first: its commands were submitted here, and
	 * finishing them here spares the block layer a cross-CPU completion.
	 */
	for (i = 0; i < nr_cpu_ids; i++) {
		cpu = (start + i) % nr_cpu_ids;
		if (!cpu_possible(cpu))
			continue;
		r = per_cpu_ptr(st->rings, cpu);
		if (!scst_pool_ring_ready(r) || test_and_set_bit_lock(0, &r->owned))
			continue;
		/*
		 * Pinned while its handlers run: what they send to ordinary
		 * endpoints waits, unannounced, in this CPU's rings until
		 * scst_pool_put_deferred() delivers it here.
		 */
		migrate_disable();
		k = scst_ring_consume(st, r, SCST_BUS_RING_BUDGET);
		migrate_enable();
		clear_bit_unlock(0, &r->owned);
		/*
		 * A thread that found this ring owned went back to sleep; make
		 * sure we see any message it was woken for (pairs with the
		 * barrier in wq_has_sleeper() on the send side).
		 */
		smp_mb__after_atomic();
		if (k)
			scst_note_progress(st);
		n += k;
		cond_resched();
	}
	return n;
}

static int scst_bus_pool_thread(void *data)
{
	struct scst_pool_thread *pt = data;
	struct scst_ep_state *st = pt->st;

	while (!kthread_should_stop()) {
		if (scst_pool_deliver(st))
			continue;
		/* TASK_IDLE: an idle pool is not a hung task. */
		wait_event_idle_exclusive(st->pool_wq,
					  scst_pool_has_work(st) ||
					  kthread_should_stop());
	}
	return 0;
}

bool scst_bus_is_pool_thread(void)
{
	return (current->flags & PF_KTHREAD) &&
	       kthread_func(current) == scst_bus_pool_thread;
}

/*
 * The pool thread running this code, if it is one. Only in task context:
 * in an interrupt, @current is whoever was interrupted, not the sender.
 */
struct scst_pool_thread *scst_bus_current_pool_thread(void)
{
	return in_task() && scst_bus_is_pool_thread() ?
	       kthread_data(current) : NULL;
}

int scst_bus_pool_start(struct scst_ep_state *st)
{
	unsigned int i, n = st->ep->nr_threads ?: num_online_cpus();
	struct scst_pool_thread *pt;
	struct task_struct *t;

	st->threads = kcalloc(n, sizeof(*st->threads), GFP_KERNEL);
	if (!st->threads)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		pt = &st->threads[i];
		pt->st = st;
		INIT_LIST_HEAD(&pt->deferred);
		t = kthread_run(scst_bus_pool_thread, pt, "scst_%s/%u",
				st->ep->name, i);
		if (IS_ERR(t)) {
			scst_bus_pool_stop(st);
			return PTR_ERR(t);
		}
		pt->task = t;
		st->nr_threads = i + 1;
	}
	return 0;
}

void scst_bus_pool_stop(struct scst_ep_state *st)
{
	unsigned int i;

	for (i = 0; i < st->nr_threads; i++)
		kthread_stop(st->threads[i].task);
	kfree(st->threads);
	st->threads = NULL;
	st->nr_threads = 0;
}
