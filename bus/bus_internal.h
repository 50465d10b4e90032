/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG bus internals, shared by the files of scst_bus.ko only.
 */
#ifndef _SCST_BUS_INTERNAL_H
#define _SCST_BUS_INTERNAL_H

#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/jump_label.h>
#include <linux/list.h>
#include <linux/mempool.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <scst/bus.h>

#define SCST_BUS_RING_ORDER_MAX		16
/* Messages one ring visit delivers before the consumer moves on. */
#define SCST_BUS_RING_BUDGET		64
/* Messages the per-CPU thread delivers before it offers to reschedule. */
#define SCST_BUS_THREAD_BUDGET		1024
/*
 * Handler time is measured on one message in this many of each type on
 * each CPU, and scaled: two clock reads per message would cost more than
 * the rest of the delivery (measured under TCG), one in 16 does not.
 */
#define SCST_BUS_TIMING_SAMPLE		16
/* Bit 63 of a cookie marks a scst_bus_call() waiting for its reply. */
#define SCST_BUS_COOKIE_CALL		BIT_ULL(63)

extern unsigned int scst_bus_ring_order;
extern unsigned int scst_bus_unregister_timeout_ms;
extern unsigned int scst_bus_spill_reserve;
extern struct kmem_cache *scst_bus_spill_cache;
DECLARE_STATIC_KEY_TRUE(scst_bus_timing);

enum scst_ep_life {
	SCST_EP_ALIVE,		/* accepts every message */
	SCST_EP_DRAINING,	/* accepts only replies and reference returns */
};

/* A message that found its ring full. */
struct scst_spill {
	struct list_head node;
	struct scst_msg msg;
};

/*
 * One ring per (endpoint, CPU).
 *
 * Producers: only code running on @cpu, with IRQs off, so two producers
 * never race. Consumer: one at a time; for ordinary endpoints @cpu's bus
 * thread or a sender draining on @cpu (both with preemption off, so on the
 * same CPU as every producer), for sleeping endpoints the pool thread that
 * holds bit 0 of @owned.
 *
 * Ordering (see also Documentation/core-api/circular-buffers.rst):
 * - the producer fills a slot, then publishes it with smp_store_release() on
 *   @head; the consumer reads @head with smp_load_acquire() before the slot;
 * - the consumer releases a slot with smp_store_release() on @tail only
 *   after the handler returned; the producer reads @tail with
 *   smp_load_acquire() before overwriting the slot.
 *
 * Overflow: when the ring is full, or while @spilled is non-zero, messages
 * go to @spill in order. Everything in @spill is newer than everything in
 * the slots, so the consumer empties the slots first, then the spill list;
 * @spilled counts spilled messages not yet delivered, and producers use the
 * slots again only once it is back to zero.
 */
struct scst_ring {
	/* producer side */
	u32 head ____cacheline_aligned_in_smp;
	u32 hwm;			/* most slots ever in use */
	/* consumer side */
	u32 tail ____cacheline_aligned_in_smp;
	unsigned long owned;		/* bit 0: a pool thread consumes */
	/* both sides, rarely */
	atomic_t spilled ____cacheline_aligned_in_smp;
	spinlock_t spill_lock;		/* protects @spill */
	struct list_head spill;
	/* read-mostly */
	u32 mask;
	unsigned int cpu;
	struct scst_msg *slots;
};

/**
 * struct scst_pool_thread - one thread of a sleeping endpoint's pool
 * @st:       its endpoint
 * @task:     the thread
 * @deferred: messages the handler it is running sent to its own endpoint
 *
 * Another pool thread could take such a message from this CPU's ring while
 * the sending handler still runs; holding them here until the handler
 * returns keeps "a handler sees its own messages only after it returned"
 * true for pools too. They are queued before the handler's own slot is
 * released, so the endpoint never looks idle in between.
 */
struct scst_pool_thread {
	struct scst_ep_state *st;
	struct task_struct *task;
	struct list_head deferred;
	bool drain;
};

/* Per-CPU counters of one endpoint; summed when read. */
struct scst_ep_stats {
	u64 sent[SCST_MSG_NR];		/* messages queued to this endpoint */
	u64 delivered[SCST_MSG_NR];	/* handlers called (or calls answered) */
	u64 handler_ns[SCST_MSG_NR];	/* time in handlers, sampled, scaled */
	u32 timing_tick[SCST_MSG_NR];	/* picks the messages to time */
	long refs_out[SCST_MSG_NR];	/* lent by this endpoint, not back */
	u64 spills;			/* messages that found the ring full */
	u64 spill_failures;		/* ... and no memory: send failed */
	u64 unhandled;			/* no handler for the type: dropped */
	u64 late_replies;		/* call replies after the caller left */
};

/**
 * struct scst_ep_state - the bus's side of a registered endpoint
 * @ep:         the owner's endpoint
 * @life:       enum scst_ep_life; read by senders with IRQs off
 * @rings:      one ring per possible CPU
 * @stats:      per-CPU counters
 * @spill_pool: reserve of spill nodes, so a burst can spill without memory
 * @timeout_ms: bound on each unregister wait
 * @threads:    pool of an SCST_EP_SLEEPS endpoint
 * @nr_threads: how many
 * @pool_wq:    idle pool threads wait here for messages
 * @idle_wq:    scst_bus_unregister() waits here for quiescence
 * @calls_lock: protects @calls
 * @calls:      scst_bus_call()s from this endpoint waiting for a reply
 * @next_cookie: request cookies
 * @debugfs:    debugfs directory
 */
struct scst_ep_state {
	struct scst_endpoint *ep;
	int life;
	struct scst_ring __percpu *rings;
	struct scst_ep_stats __percpu *stats;
	mempool_t *spill_pool;
	unsigned int timeout_ms;

	struct scst_pool_thread *threads;
	unsigned int nr_threads;
	wait_queue_head_t pool_wq;

	wait_queue_head_t idle_wq;

	spinlock_t calls_lock;		/* protects @calls */
	struct list_head calls;
	atomic64_t next_cookie;

	struct dentry *debugfs;
};

/**
 * struct scst_bus_cpu - the bus on one CPU
 * @thread:     delivers to ordinary endpoints' rings of this CPU
 * @idle:       @thread is going to sleep: a producer must wake it
 * @delivering: a consumer is calling handlers on this CPU right now
 *
 * Only code on this CPU touches @idle and @delivering: the thread, senders
 * with IRQs off, draining senders with preemption off. Program order is
 * all the ordering they need.
 */
struct scst_bus_cpu {
	struct task_struct *thread;
	bool idle;
	bool delivering;
};
DECLARE_PER_CPU(struct scst_bus_cpu, scst_bus_cpu);

/* The registry: endpoint id -> state, RCU (senders hold IRQs off). */
extern struct scst_ep_state __rcu *scst_bus_eps[SCST_EP_NR];
extern struct mutex scst_bus_lock;

static inline struct scst_ep_state *scst_bus_ep(unsigned int id)
{
	return rcu_dereference_sched(scst_bus_eps[id]);
}

static inline bool scst_ring_empty(struct scst_ring *r)
{
	/* Pairs with smp_store_release(&r->head) in scst_ring_produce(). */
	return smp_load_acquire(&r->head) == READ_ONCE(r->tail) &&
	       !atomic_read(&r->spilled);
}

/* deliver.c */
unsigned int scst_ring_consume(struct scst_ep_state *st, struct scst_ring *r,
			       unsigned int budget);
unsigned int scst_bus_cpu_deliver(unsigned int cpu, unsigned int budget);
bool scst_bus_cpu_has_work(unsigned int cpu);
void scst_bus_wake_cpu(struct scst_bus_cpu *bc);
void scst_bus_kick_local(void);
int scst_bus_drain_here(void);
int scst_bus_pool_start(struct scst_ep_state *st);
void scst_bus_pool_stop(struct scst_ep_state *st);
bool scst_bus_is_pool_thread(void);
struct scst_pool_thread *scst_bus_current_pool_thread(void);

/* send.c */
void scst_ring_put_spill(struct scst_ep_state *st, struct scst_spill *sp);
int scst_bus_threads_init(void);
void scst_bus_threads_exit(void);

/* endpoint.c */
long scst_ep_refs_out(struct scst_ep_state *st, unsigned int type);

/* stats.c */
#ifdef CONFIG_DEBUG_FS
int scst_bus_debugfs_init(void);
void scst_bus_debugfs_exit(void);
void scst_bus_debugfs_add(struct scst_ep_state *st);
void scst_bus_debugfs_remove(struct scst_ep_state *st);
#else
static inline int scst_bus_debugfs_init(void)
{
	return 0;
}

static inline void scst_bus_debugfs_exit(void)
{
}

static inline void scst_bus_debugfs_add(struct scst_ep_state *st)
{
}

static inline void scst_bus_debugfs_remove(struct scst_ep_state *st)
{
}
#endif

#endif /* _SCST_BUS_INTERNAL_H */
