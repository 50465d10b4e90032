// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the SCST-NG bus. Each case shows one guarantee listed in
 * <scst/bus.h>; the case names say which.
 *
 * The test endpoints (SCST_EP_TEST0..3) share one handler table; what a
 * handler does is set per case through struct bt_ep. Every wait is bounded
 * by BT_WAIT_MS and says what it waited for.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/hrtimer.h>
#include <linux/kthread.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <scst/bus.h>

#define BT_WAIT_MS		10000
#define BT_NR_EPS		4
#define BT_MAX_PRODUCERS	8
#define BT_MAX_HELD		8

/* What a TEST_REQ handler does with the request */
enum bt_req_mode {
	BT_REQ_REPLY,		/* reply at once, returning any lent reference */
	BT_REQ_HOLD,		/* keep it (and its reference) for the test */
};

struct bt_fixture;

struct bt_ep {
	struct scst_endpoint ep;
	struct bt_fixture *fx;
	bool registered;

	/* delivery accounting */
	atomic_t delivered;
	unsigned int expect;
	struct completion done;
	atomic_t order_errors;
	u64 next_seq[BT_MAX_PRODUCERS];

	/* a gated (sleeping) endpoint's handlers block until the gate opens */
	bool gated;
	struct completion gate;
	struct completion entered;

	/* per-case hooks and observations */
	void (*on_data)(struct bt_ep *e, const struct scst_msg *msg);
	enum bt_req_mode req_mode;
	struct scst_msg held[BT_MAX_HELD];
	unsigned int nr_held;
	struct scst_msg last_reply;
	bool first_done;
	bool saw_first_done;
	int drain_ret;
	bool in_handler;
	bool on_pool_thread;
	bool on_bus_thread;
	struct task_struct *handler_task;
};

struct bt_fixture {
	struct kunit *test;
	struct bt_ep eps[BT_NR_EPS];
};

static struct bt_ep *to_bt_ep(struct scst_endpoint *ep)
{
	return container_of(ep, struct bt_ep, ep);
}

static void bt_count(struct bt_ep *e)
{
	if (atomic_inc_return(&e->delivered) == e->expect)
		complete(&e->done);
}

static void bt_pass_gate(struct bt_ep *e)
{
	if (!READ_ONCE(e->gated))
		return;
	complete(&e->entered);
	wait_for_completion_timeout(&e->gate, msecs_to_jiffies(BT_WAIT_MS));
}

static void bt_check_order(struct bt_ep *e, const struct scst_msg *msg)
{
	u32 p = msg->test.producer;

	if (p >= BT_MAX_PRODUCERS || msg->test.seq != e->next_seq[p])
		atomic_inc(&e->order_errors);
	else
		e->next_seq[p]++;
}

static void bt_handle_data(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct bt_ep *e = to_bt_ep(ep);

	bt_pass_gate(e);
	if (e->on_data)
		e->on_data(e, msg);
	else
		bt_check_order(e, msg);
	bt_count(e);
}

static void bt_handle_req(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct bt_ep *e = to_bt_ep(ep);
	struct scst_msg reply;

	bt_pass_gate(e);
	if (e->req_mode == BT_REQ_HOLD) {
		if (e->nr_held < BT_MAX_HELD)
			e->held[e->nr_held++] = *msg;
		bt_count(e);
		return;
	}
	scst_msg_init(&reply, SCST_MSG_TEST_REPLY, 0, 0);
	reply.test.arg[0] = msg->test.arg[0] * 2;
	if (msg->flags & SCST_MSG_F_REF) {
		reply.flags |= SCST_MSG_F_REF_RETURN;
		reply.ref_type = SCST_MSG_TEST_REQ;
		reply.test.obj = msg->test.obj;
	}
	scst_bus_reply(msg, &reply);
	bt_count(e);
}

static void bt_handle_reply(struct scst_endpoint *ep,
			    const struct scst_msg *msg)
{
	struct bt_ep *e = to_bt_ep(ep);

	e->last_reply = *msg;
	bt_count(e);
}

/* PING is deliberately left out: the "unhandled" path needs a type. */
static const SCST_HANDLERS(bt_handlers) = {
	[SCST_MSG_TEST_DATA]	= bt_handle_data,
	[SCST_MSG_TEST_REQ]	= bt_handle_req,
	[SCST_MSG_TEST_REPLY]	= bt_handle_reply,
};

static int bt_init(struct kunit *test)
{
	static const char * const names[BT_NR_EPS] = {
		"test0", "test1", "test2", "test3"
	};
	struct bt_fixture *fx;
	struct bt_ep *e;
	int i;

	/* Not kunit_kzalloc(): see bt_exit(). */
	fx = kzalloc(sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->test = test;
	for (i = 0; i < BT_NR_EPS; i++) {
		e = &fx->eps[i];
		e->fx = fx;
		e->ep.name = names[i];
		e->ep.id = SCST_EP_TEST0 + i;
		e->ep.handlers = SCST_EP_HANDLERS(bt_handlers);
		init_completion(&e->done);
		init_completion(&e->gate);
		init_completion(&e->entered);
	}
	test->priv = fx;
	return 0;
}

static void bt_exit(struct kunit *test)
{
	struct bt_fixture *fx = test->priv;
	bool leak = false;
	struct bt_ep *e;
	int i;

	for (i = 0; i < BT_NR_EPS; i++) {
		e = &fx->eps[i];
		WRITE_ONCE(e->gated, false);
		complete_all(&e->gate);
	}
	for (i = 0; i < BT_NR_EPS; i++) {
		e = &fx->eps[i];
		if (!e->registered)
			continue;
		if (scst_bus_unregister(&e->ep)) {
			kunit_err(test, "%s did not unregister: fixture leaked\n",
				  e->ep.name);
			leak = true;
		}
	}
	/* The bus may still hold an endpoint that failed to unregister. */
	if (!leak)
		kfree(fx);
}

static struct bt_ep *bt_ep(struct kunit *test, int i)
{
	struct bt_fixture *fx = test->priv;

	return &fx->eps[i];
}

static void bt_register(struct kunit *test, struct bt_ep *e)
{
	KUNIT_ASSERT_EQ(test, scst_bus_register(&e->ep), 0);
	e->registered = true;
}

static void bt_unregister(struct kunit *test, struct bt_ep *e)
{
	KUNIT_ASSERT_EQ(test, scst_bus_unregister(&e->ep), 0);
	e->registered = false;
}

static void bt_expect(struct bt_ep *e, unsigned int n)
{
	reinit_completion(&e->done);
	atomic_set(&e->delivered, 0);
	e->expect = n;
}

static void bt_wait(struct kunit *test, struct bt_ep *e)
{
	unsigned long left;

	left = wait_for_completion_timeout(&e->done,
					   msecs_to_jiffies(BT_WAIT_MS));
	KUNIT_ASSERT_TRUE_MSG(test, left != 0,
			      "waited %d ms for %u messages to %s, got %d",
			      BT_WAIT_MS, e->expect, e->ep.name,
			      atomic_read(&e->delivered));
}

static void bt_wait_entered(struct kunit *test, struct bt_ep *e)
{
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&e->entered,
							  msecs_to_jiffies(BT_WAIT_MS)) != 0,
			      "waited %d ms for a handler of %s to start",
			      BT_WAIT_MS, e->ep.name);
}

static void bt_open_gate(struct bt_ep *e)
{
	WRITE_ONCE(e->gated, false);
	complete_all(&e->gate);
}

static int bt_send_data(struct bt_ep *to, u32 producer, u64 seq)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_TEST_DATA, SCST_EP_TEST3, to->ep.id);
	msg.test.producer = producer;
	msg.test.seq = seq;
	msg.test.cpu = raw_smp_processor_id();
	return scst_bus_send(&msg);
}

static void bt_counters(struct bt_ep *e, struct scst_bus_counters *c)
{
	scst_bus_get_counters(&e->ep, c);
}

/*
 * A case's completion fires inside the last handler; the bus counts the
 * delivery and frees the slot after the handler returns, possibly on
 * another CPU. Let that finish before reading the counters.
 */
static void bt_settle(struct kunit *test, struct bt_ep *e,
		      struct scst_bus_counters *c)
{
	unsigned long end = jiffies + msecs_to_jiffies(BT_WAIT_MS);

	for (;;) {
		bt_counters(e, c);
		if ((!c->queued && c->delivered == c->sent) ||
		    time_after(jiffies, end))
			break;
		usleep_range(100, 200);
	}
	KUNIT_EXPECT_EQ_MSG(test, c->queued, 0U,
			    "%s still has messages queued after %d ms",
			    e->ep.name, BT_WAIT_MS);
}

/* Endpoint kinds the ordering cases run on. */
struct bt_kind {
	const char *name;
	unsigned int flags;
	unsigned int nr_threads;
};

static const struct bt_kind bt_kinds[] = {
	{ .name = "per-cpu" },
	{ .name = "pool-1", .flags = SCST_EP_SLEEPS, .nr_threads = 1 },
	{ .name = "pool-2", .flags = SCST_EP_SLEEPS, .nr_threads = 2 },
};

static void bt_kind_to_desc(const struct bt_kind *k, char *desc)
{
	strscpy(desc, k->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bt_kind, bt_kinds, bt_kind_to_desc);

static void bt_apply_kind(struct kunit *test, struct bt_ep *e)
{
	const struct bt_kind *k = test->param_value;

	e->ep.flags = k->flags;
	e->ep.nr_threads = k->nr_threads;
}

static unsigned int bt_nth_online_cpu(unsigned int n)
{
	unsigned int cpu, i = 0, want = n % num_online_cpus();

	for_each_online_cpu(cpu)
		if (i++ == want)
			return cpu;
	return raw_smp_processor_id();
}

struct bt_producer {
	struct bt_ep *to;
	u32 id;
	u32 count;
	int err;
	struct completion finished;
};

static int bt_producer_fn(void *data)
{
	struct bt_producer *p = data;
	u64 seq;
	int ret;

	for (seq = 0; seq < p->count; seq++) {
		ret = bt_send_data(p->to, p->id, seq);
		if (ret) {
			p->err = ret;
			break;
		}
		if (!(seq % 64))
			cond_resched();
	}
	complete(&p->finished);
	return 0;
}

/*
 * No loss and FIFO: N producer threads, each pinned to a CPU, send M
 * sequence-numbered messages each; every one is delivered exactly once, in
 * order per producer, and the endpoint's counters balance.
 */
static void bus_test_many_producers_fifo_exactly_once(struct kunit *test)
{
	const unsigned int nr = 4, count = 2000;
	struct bt_ep *e = bt_ep(test, 0);
	struct bt_producer *p;
	struct scst_bus_counters c;
	struct task_struct *t;
	unsigned int i;

	bt_apply_kind(test, e);
	bt_register(test, e);
	bt_expect(e, nr * count);

	p = kunit_kcalloc(test, nr, sizeof(*p), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, p);
	for (i = 0; i < nr; i++) {
		p[i].to = e;
		p[i].id = i;
		p[i].count = count;
		init_completion(&p[i].finished);
		t = kthread_create(bt_producer_fn, &p[i], "bt_prod/%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
		kthread_bind(t, bt_nth_online_cpu(i));
		wake_up_process(t);
	}
	for (i = 0; i < nr; i++) {
		KUNIT_ASSERT_NE_MSG(test,
				    wait_for_completion_timeout(&p[i].finished,
								msecs_to_jiffies(BT_WAIT_MS)),
				    0UL, "producer %u did not finish", i);
		KUNIT_EXPECT_EQ(test, p[i].err, 0);
	}
	bt_wait(test, e);

	KUNIT_EXPECT_EQ(test, atomic_read(&e->order_errors), 0);
	for (i = 0; i < nr; i++)
		KUNIT_EXPECT_EQ(test, e->next_seq[i], (u64)count);
	bt_settle(test, e, &c);
	KUNIT_EXPECT_EQ(test, c.sent, (u64)nr * count);
	KUNIT_EXPECT_EQ(test, c.delivered, (u64)nr * count);
	KUNIT_EXPECT_EQ(test, c.queued, 0U);
	KUNIT_EXPECT_EQ(test, c.unhandled, 0ULL);
	KUNIT_EXPECT_EQ(test, c.spill_failures, 0ULL);
}

/*
 * A full ring spills to the overflow list: nothing is lost, order is kept,
 * the spill is counted. The consumer is held off by preemption (per-CPU
 * endpoint: its thread cannot run on this CPU) or by a gated handler
 * (pool endpoint).
 */
static void bus_test_ring_full_spills_in_order(struct kunit *test)
{
	const unsigned int count = 200;
	struct bt_ep *e = bt_ep(test, 0);
	struct scst_bus_counters c;
	unsigned int sent = 0;
	bool pool;
	u64 seq;

	bt_apply_kind(test, e);
	pool = e->ep.flags & SCST_EP_SLEEPS;
	e->ep.ring_order = 2;		/* 4 slots */
	bt_register(test, e);
	if (pool) {
		/* Message 0 blocks the only consumer in its handler. */
		bt_expect(e, count + 1);
		e->gated = true;
		KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 0), 0);
		bt_wait_entered(test, e);
	} else {
		bt_expect(e, count);
		e->next_seq[0] = 1;
	}

	/*
	 * One CPU, so one ring, and the per-CPU consumer cannot run here
	 * meanwhile: the ring fills and the spill has to keep the order.
	 */
	preempt_disable();
	for (seq = 1; seq <= count; seq++)
		sent += bt_send_data(e, 0, seq) == 0;
	preempt_enable();
	KUNIT_ASSERT_EQ(test, sent, count);

	bt_open_gate(e);
	bt_wait(test, e);

	KUNIT_EXPECT_EQ(test, atomic_read(&e->order_errors), 0);
	KUNIT_EXPECT_EQ(test, e->next_seq[0], (u64)count + 1);
	bt_settle(test, e, &c);
	KUNIT_EXPECT_GT(test, c.spills, 0ULL);
	KUNIT_EXPECT_EQ(test, c.spill_failures, 0ULL);
	KUNIT_EXPECT_EQ(test, c.queued, 0U);
	KUNIT_EXPECT_EQ(test, c.sent, c.delivered);
}

struct bt_irq {
	struct hrtimer timer;
	struct bt_ep *to;
	unsigned int rounds, per_round, fired;
	u64 seq;
	bool all_hardirq;
	atomic_t errors;
	struct completion finished;
};

static enum hrtimer_restart bt_irq_fn(struct hrtimer *timer)
{
	struct bt_irq *x = container_of(timer, struct bt_irq, timer);
	unsigned int i;

	x->all_hardirq &= in_hardirq() && irqs_disabled();
	for (i = 0; i < x->per_round; i++)
		if (bt_send_data(x->to, 0, x->seq++))
			atomic_inc(&x->errors);
	if (++x->fired < x->rounds) {
		hrtimer_forward_now(timer, ns_to_ktime(200 * NSEC_PER_USEC));
		return HRTIMER_RESTART;
	}
	complete(&x->finished);
	return HRTIMER_NORESTART;
}

/* Send from hard-IRQ context (an hrtimer) and with IRQs disabled. */
static void bus_test_send_from_hardirq_and_irqs_off(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 0);
	struct bt_irq *x;
	unsigned int i;
	int errors = 0;

	bt_apply_kind(test, e);
	bt_register(test, e);
	x = kunit_kzalloc(test, sizeof(*x), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, x);
	x->to = e;
	x->rounds = 20;
	x->per_round = 10;
	x->all_hardirq = true;
	init_completion(&x->finished);
	bt_expect(e, x->rounds * x->per_round + 100);

	hrtimer_init(&x->timer, CLOCK_MONOTONIC,
		     HRTIMER_MODE_REL_PINNED_HARD);
	x->timer.function = bt_irq_fn;
	hrtimer_start(&x->timer, ns_to_ktime(200 * NSEC_PER_USEC),
		      HRTIMER_MODE_REL_PINNED_HARD);
	if (!wait_for_completion_timeout(&x->finished,
					 msecs_to_jiffies(BT_WAIT_MS))) {
		hrtimer_cancel(&x->timer);
		KUNIT_FAIL(test, "hrtimer fired %u of %u times", x->fired,
			   x->rounds);
		return;
	}
	hrtimer_cancel(&x->timer);

	local_irq_disable();
	for (i = 0; i < 100; i++)
		errors += bt_send_data(e, 1, i) != 0;
	local_irq_enable();

	bt_wait(test, e);
	KUNIT_EXPECT_TRUE(test, x->all_hardirq);
	KUNIT_EXPECT_EQ(test, atomic_read(&x->errors), 0);
	KUNIT_EXPECT_EQ(test, errors, 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->order_errors), 0);
	KUNIT_EXPECT_EQ(test, e->next_seq[0], (u64)x->rounds * x->per_round);
	KUNIT_EXPECT_EQ(test, e->next_seq[1], 100ULL);
}

static void bt_send_self(struct bt_ep *e, const struct scst_msg *msg)
{
	e->in_handler = scst_bus_in_handler();
	if (msg->test.seq == 0) {
		e->drain_ret = scst_bus_drain();
		bt_send_data(e, 0, 1);
		/* Were the second message's handler nested, it ran already. */
		WRITE_ONCE(e->first_done, true);
	} else {
		e->saw_first_done = READ_ONCE(e->first_done);
	}
}

/*
 * Run to completion, never nested: a handler that sends to its own
 * endpoint sees that message only after it returned, and may not drain.
 */
static void bus_test_handler_sends_to_self_after_return(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 0);

	bt_apply_kind(test, e);
	e->on_data = bt_send_self;
	bt_register(test, e);
	bt_expect(e, 2);
	KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 0), 0);
	bt_wait(test, e);
	KUNIT_EXPECT_TRUE(test, e->saw_first_done);
	KUNIT_EXPECT_TRUE(test, e->in_handler);
	KUNIT_EXPECT_EQ(test, e->drain_ret, -EDEADLK);
	KUNIT_EXPECT_FALSE(test, scst_bus_in_handler());
}

static void bt_note_context(struct bt_ep *e, const struct scst_msg *msg)
{
	char pool[TASK_COMM_LEN];

	snprintf(pool, sizeof(pool), "scst_%s/", e->ep.name);
	e->handler_task = current;
	e->in_handler = scst_bus_in_handler();
	e->on_pool_thread = !strncmp(current->comm, pool, strlen(pool));
	e->on_bus_thread = !strncmp(current->comm, "scst_bus/", 9);
	/* Only a sleeping endpoint's handler may do this. */
	if (e->ep.flags & SCST_EP_SLEEPS)
		usleep_range(1000, 2000);
}

/* A sleeping endpoint's handlers run on its own threads, and may sleep. */
static void bus_test_sleeping_endpoint_runs_on_own_threads(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 1);

	e->ep.flags = SCST_EP_SLEEPS;
	e->ep.nr_threads = 2;
	e->on_data = bt_note_context;
	bt_register(test, e);
	bt_expect(e, 1);
	KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 0), 0);
	bt_wait(test, e);
	KUNIT_EXPECT_TRUE(test, e->on_pool_thread);
	KUNIT_EXPECT_TRUE(test, e->in_handler);
	KUNIT_EXPECT_PTR_NE(test, e->handler_task, current);
}

/*
 * An ordinary endpoint's handler runs on the bus thread of the sending
 * CPU, or in the sender itself when it drains (no wake-up, no switch).
 */
static void bus_test_send_drain_delivers_in_caller(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 0);
	struct scst_msg msg;

	e->on_data = bt_note_context;
	bt_register(test, e);

	bt_expect(e, 1);
	KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 0), 0);
	bt_wait(test, e);
	KUNIT_EXPECT_TRUE(test, e->on_bus_thread);
	KUNIT_EXPECT_TRUE(test, e->in_handler);

	bt_expect(e, 1);
	scst_msg_init(&msg, SCST_MSG_TEST_DATA, SCST_EP_TEST3, e->ep.id);
	KUNIT_ASSERT_EQ(test, scst_bus_send_drain(&msg), 0);
	/* Delivered before scst_bus_send_drain() returned, right here. */
	KUNIT_EXPECT_EQ(test, atomic_read(&e->delivered), 1);
	KUNIT_EXPECT_PTR_EQ(test, e->handler_task, current);
	KUNIT_EXPECT_TRUE(test, e->in_handler);
	KUNIT_EXPECT_FALSE(test, scst_bus_in_handler());
}

/* Where bt_forward() sends; set by the test before the first message. */
static struct bt_ep *bt_forward_to;

static void bt_forward(struct bt_ep *e, const struct scst_msg *msg)
{
	struct scst_msg fwd;

	bt_note_context(e, msg);
	scst_msg_init(&fwd, SCST_MSG_TEST_DATA, e->ep.id, bt_forward_to->ep.id);
	WARN_ON(scst_bus_send(&fwd));
}

/*
 * What a pool handler sends to an ordinary endpoint (a file read ending a
 * command, to the core) is delivered by the pool thread itself once the
 * handler returns: the CPU's bus thread is not woken, one context switch
 * less per command a pool finishes.
 */
static void bus_test_pool_delivers_its_sends(struct kunit *test)
{
	struct bt_ep *ord = bt_ep(test, 0), *pool = bt_ep(test, 1);

	ord->on_data = bt_note_context;
	pool->ep.flags = SCST_EP_SLEEPS;
	pool->ep.nr_threads = 1;
	pool->on_data = bt_forward;
	bt_forward_to = ord;
	bt_register(test, ord);
	bt_register(test, pool);
	bt_expect(pool, 1);
	bt_expect(ord, 1);
	KUNIT_ASSERT_EQ(test, bt_send_data(pool, 0, 0), 0);
	bt_wait(test, pool);
	bt_wait(test, ord);
	KUNIT_EXPECT_TRUE(test, pool->on_pool_thread);
	KUNIT_EXPECT_PTR_EQ(test, ord->handler_task, pool->handler_task);
	KUNIT_EXPECT_FALSE(test, ord->on_bus_thread);
	KUNIT_EXPECT_TRUE(test, ord->in_handler);
}

/*
 * Request/reply: a call gets the reply with its cookie; an asynchronous
 * request's reply comes back to the requester's handler with the same
 * cookie.
 */
static void bus_test_request_reply_cookie(struct kunit *test)
{
	struct bt_ep *req = bt_ep(test, 0), *rep = bt_ep(test, 1);
	struct scst_msg msg, reply;

	rep->ep.flags = SCST_EP_SLEEPS;
	bt_register(test, req);
	bt_register(test, rep);

	scst_msg_init(&msg, SCST_MSG_TEST_REQ, req->ep.id, rep->ep.id);
	msg.test.arg[0] = 21;
	KUNIT_ASSERT_EQ(test, scst_bus_call(&msg, &reply, BT_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, reply.type, (u16)SCST_MSG_TEST_REPLY);
	KUNIT_EXPECT_EQ(test, reply.cookie, msg.cookie);
	KUNIT_EXPECT_TRUE(test, reply.flags & SCST_MSG_F_REPLY);
	KUNIT_EXPECT_EQ(test, reply.test.arg[0], 42ULL);
	KUNIT_EXPECT_EQ(test, reply.src, (u8)rep->ep.id);

	bt_expect(req, 1);
	scst_msg_init(&msg, SCST_MSG_TEST_REQ, req->ep.id, rep->ep.id);
	msg.test.arg[0] = 5;
	KUNIT_ASSERT_EQ(test, scst_bus_request(&msg), 0);
	KUNIT_EXPECT_NE(test, msg.cookie, 0ULL);
	bt_wait(test, req);
	KUNIT_EXPECT_EQ(test, req->last_reply.cookie, msg.cookie);
	KUNIT_EXPECT_EQ(test, req->last_reply.test.arg[0], 10ULL);
}

/*
 * A call whose reply does not come times out within its bound (and says
 * so); the late reply then reaches the caller's endpoint handler, counted.
 */
static void bus_test_call_times_out_then_late_reply(struct kunit *test)
{
	struct bt_ep *req = bt_ep(test, 0), *rep = bt_ep(test, 1);
	struct scst_bus_counters c;
	struct scst_msg msg, reply;
	unsigned long t0, took;

	rep->ep.flags = SCST_EP_SLEEPS;
	rep->req_mode = BT_REQ_HOLD;
	bt_register(test, req);
	bt_register(test, rep);
	bt_expect(rep, 1);

	scst_msg_init(&msg, SCST_MSG_TEST_REQ, req->ep.id, rep->ep.id);
	t0 = jiffies;
	KUNIT_EXPECT_EQ(test, scst_bus_call(&msg, &reply, 100), -ETIMEDOUT);
	took = jiffies - t0;
	KUNIT_EXPECT_GE(test, took, msecs_to_jiffies(100));
	KUNIT_EXPECT_LT(test, took, msecs_to_jiffies(BT_WAIT_MS));
	bt_wait(test, rep);
	KUNIT_ASSERT_EQ(test, rep->nr_held, 1U);

	bt_expect(req, 1);
	scst_msg_init(&reply, SCST_MSG_TEST_REPLY, 0, 0);
	KUNIT_ASSERT_EQ(test, scst_bus_reply(&rep->held[0], &reply), 0);
	bt_wait(test, req);
	KUNIT_EXPECT_EQ(test, req->last_reply.cookie, msg.cookie);
	bt_counters(req, &c);
	KUNIT_EXPECT_EQ(test, c.late_replies, 1ULL);
}

struct bt_unreg {
	struct scst_endpoint *ep;
	int ret;
	struct completion finished;
};

static int bt_unreg_fn(void *data)
{
	struct bt_unreg *u = data;

	u->ret = scst_bus_unregister(u->ep);
	complete(&u->finished);
	return 0;
}

static void bt_unreg_start(struct kunit *test, struct bt_unreg *u,
			   struct bt_ep *e)
{
	struct task_struct *t;

	u->ep = &e->ep;
	init_completion(&u->finished);
	t = kthread_run(bt_unreg_fn, u, "bt_unreg");
	KUNIT_ASSERT_FALSE(test, IS_ERR(t));
}

static bool bt_unreg_done(struct bt_unreg *u, unsigned int ms)
{
	return wait_for_completion_timeout(&u->finished,
					   msecs_to_jiffies(ms)) != 0;
}

/*
 * Unregister drains: with messages queued behind a blocked handler it
 * refuses new messages and waits; once the handler goes on, every queued
 * message is delivered and unregister succeeds.
 */
static void bus_test_unregister_drains_queue(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 1);
	struct bt_unreg *u;
	unsigned int i;

	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	e->ep.flags = SCST_EP_SLEEPS;
	e->ep.nr_threads = 1;
	e->gated = true;
	bt_register(test, e);
	bt_expect(e, 11);
	KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 0), 0);
	bt_wait_entered(test, e);
	for (i = 1; i <= 10; i++)
		KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, i), 0);

	bt_unreg_start(test, u, e);
	KUNIT_EXPECT_FALSE(test, bt_unreg_done(u, 100));
	KUNIT_EXPECT_EQ(test, bt_send_data(e, 0, 11), -ESHUTDOWN);

	bt_open_gate(e);
	KUNIT_ASSERT_TRUE_MSG(test, bt_unreg_done(u, BT_WAIT_MS),
			      "unregister still waiting after %d ms",
			      BT_WAIT_MS);
	KUNIT_EXPECT_EQ(test, u->ret, 0);
	e->registered = false;
	KUNIT_EXPECT_EQ(test, atomic_read(&e->delivered), 11);
	KUNIT_EXPECT_EQ(test, atomic_read(&e->order_errors), 0);
}

/*
 * Unregister is bounded: a handler that does not finish makes it report
 * and fail after the bound, leaving the endpoint registered and draining;
 * a second call succeeds once the handler is done.
 */
static void bus_test_unregister_times_out_and_retries(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 1);
	unsigned long t0;

	e->ep.flags = SCST_EP_SLEEPS;
	e->ep.nr_threads = 1;
	e->ep.unregister_timeout_ms = 100;
	e->gated = true;
	bt_register(test, e);
	bt_expect(e, 2);
	KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 0), 0);
	bt_wait_entered(test, e);
	KUNIT_ASSERT_EQ(test, bt_send_data(e, 0, 1), 0);

	t0 = jiffies;
	KUNIT_EXPECT_EQ(test, scst_bus_unregister(&e->ep), -ETIMEDOUT);
	KUNIT_EXPECT_LT(test, jiffies - t0, msecs_to_jiffies(BT_WAIT_MS));
	KUNIT_EXPECT_EQ(test, bt_send_data(e, 0, 2), -ESHUTDOWN);

	bt_open_gate(e);
	bt_wait(test, e);
	bt_unregister(test, e);
}

static void bt_return_held(struct kunit *test, struct bt_ep *holder)
{
	struct scst_msg reply;
	unsigned int i;

	for (i = 0; i < holder->nr_held; i++) {
		scst_msg_init(&reply, SCST_MSG_TEST_REPLY, 0, 0);
		reply.flags = SCST_MSG_F_REF_RETURN;
		reply.ref_type = SCST_MSG_TEST_REQ;
		KUNIT_EXPECT_EQ(test, scst_bus_reply(&holder->held[i], &reply),
				0);
	}
	holder->nr_held = 0;
}

static void bt_lend(struct kunit *test, struct bt_ep *from, struct bt_ep *to,
		    unsigned int n)
{
	struct scst_msg msg;
	unsigned int i;

	bt_expect(to, n);
	for (i = 0; i < n; i++) {
		scst_msg_init(&msg, SCST_MSG_TEST_REQ, from->ep.id, to->ep.id);
		msg.flags = SCST_MSG_F_REF;
		msg.test.obj = from;
		KUNIT_ASSERT_EQ(test, scst_bus_request(&msg), 0);
	}
	bt_wait(test, to);
}

/*
 * Unregister waits for lent references, both outcomes: they do not come
 * back in the bound (report, -ETIMEDOUT, intake stays closed but their
 * returns get through), then they do and a second call succeeds.
 */
static void bus_test_unregister_refs_out_times_out(struct kunit *test)
{
	struct bt_ep *lender = bt_ep(test, 0), *holder = bt_ep(test, 1);
	struct scst_bus_counters c;

	lender->ep.unregister_timeout_ms = 100;
	holder->ep.flags = SCST_EP_SLEEPS;
	holder->req_mode = BT_REQ_HOLD;
	bt_register(test, lender);
	bt_register(test, holder);
	bt_lend(test, lender, holder, 3);
	bt_counters(lender, &c);
	KUNIT_EXPECT_EQ(test, c.refs_out, 3L);

	KUNIT_EXPECT_EQ(test, scst_bus_unregister(&lender->ep), -ETIMEDOUT);
	KUNIT_EXPECT_EQ(test, bt_send_data(lender, 0, 0), -ESHUTDOWN);

	bt_expect(lender, 3);
	bt_return_held(test, holder);
	bt_wait(test, lender);
	bt_counters(lender, &c);
	KUNIT_EXPECT_EQ(test, c.refs_out, 0L);
	bt_unregister(test, lender);
}

/* ... and when the references come back within the bound, it succeeds. */
static void bus_test_unregister_refs_back_in_time(struct kunit *test)
{
	struct bt_ep *lender = bt_ep(test, 0), *holder = bt_ep(test, 1);
	struct bt_unreg *u;

	u = kunit_kzalloc(test, sizeof(*u), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, u);
	holder->ep.flags = SCST_EP_SLEEPS;
	holder->req_mode = BT_REQ_HOLD;
	bt_register(test, lender);
	bt_register(test, holder);
	bt_lend(test, lender, holder, 3);

	bt_unreg_start(test, u, lender);
	KUNIT_EXPECT_FALSE(test, bt_unreg_done(u, 100));
	bt_return_held(test, holder);
	KUNIT_ASSERT_TRUE_MSG(test, bt_unreg_done(u, BT_WAIT_MS),
			      "unregister still waiting after %d ms",
			      BT_WAIT_MS);
	KUNIT_EXPECT_EQ(test, u->ret, 0);
	lender->registered = false;
}

/* Bad input gets an error, never a crash or a silent drop. */
static void bus_test_refuses_bad_input(struct kunit *test)
{
	struct bt_ep *e = bt_ep(test, 0), *other = bt_ep(test, 1);
	struct scst_bus_counters c;
	struct scst_msg msg;

	bt_register(test, e);

	scst_msg_init(&msg, SCST_MSG_NR, SCST_EP_TEST3, e->ep.id);
	KUNIT_EXPECT_EQ(test, scst_bus_send(&msg), -EINVAL);
	scst_msg_init(&msg, SCST_MSG_TEST_DATA, SCST_EP_TEST3, SCST_EP_NR);
	KUNIT_EXPECT_EQ(test, scst_bus_send(&msg), -EINVAL);
	scst_msg_init(&msg, SCST_MSG_TEST_DATA, SCST_EP_TEST3, SCST_EP_TEST2);
	KUNIT_EXPECT_EQ(test, scst_bus_send(&msg), -ESHUTDOWN);
	scst_msg_init(&msg, SCST_MSG_TEST_REQ, SCST_EP_TEST3, e->ep.id);
	msg.flags = SCST_MSG_F_REF;
	KUNIT_EXPECT_EQ(test, scst_bus_send(&msg), -EINVAL);
	scst_msg_init(&msg, SCST_MSG_TEST_REPLY, e->ep.id, e->ep.id);
	msg.flags = SCST_MSG_F_REF_RETURN;
	msg.ref_type = SCST_MSG_NR;
	KUNIT_EXPECT_EQ(test, scst_bus_send(&msg), -EINVAL);

	/* The same id twice, bad flags, bad ring size, not registered. */
	other->ep.id = e->ep.id;
	KUNIT_EXPECT_EQ(test, scst_bus_register(&other->ep), -EBUSY);
	other->ep.id = SCST_EP_TEST1;
	other->ep.flags = 0x80;
	KUNIT_EXPECT_EQ(test, scst_bus_register(&other->ep), -EINVAL);
	other->ep.flags = 0;
	other->ep.ring_order = 31;
	KUNIT_EXPECT_EQ(test, scst_bus_register(&other->ep), -EINVAL);
	KUNIT_EXPECT_EQ(test, scst_bus_unregister(&other->ep), -ENOENT);

	/* A type with no handler is dropped, counted, not fatal. */
	scst_msg_init(&msg, SCST_MSG_PING, SCST_EP_TEST3, e->ep.id);
	KUNIT_EXPECT_EQ(test, scst_bus_send_drain(&msg), 0);
	bt_counters(e, &c);
	KUNIT_EXPECT_EQ(test, c.unhandled, 1ULL);
	KUNIT_EXPECT_EQ(test, c.queued, 0U);
}

/* The protocol's layout: one cache line, payload after a 16-byte header. */
static void bus_test_msg_is_one_cache_line(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct scst_msg), (size_t)64);
	KUNIT_EXPECT_EQ(test, offsetof(struct scst_msg, raw), (size_t)16);
	KUNIT_EXPECT_STREQ(test, scst_msg_name(SCST_MSG_TEST_REQ), "TEST_REQ");
	KUNIT_EXPECT_STREQ(test, scst_ep_name(SCST_EP_TEST1), "test1");
	KUNIT_EXPECT_STREQ(test, scst_msg_name(SCST_MSG_NR), "(bad type)");
}

static struct kunit_case bus_test_cases[] = {
	KUNIT_CASE(bus_test_msg_is_one_cache_line),
	KUNIT_CASE_PARAM(bus_test_many_producers_fifo_exactly_once,
			 bt_kind_gen_params),
	KUNIT_CASE_PARAM(bus_test_ring_full_spills_in_order,
			 bt_kind_gen_params),
	KUNIT_CASE_PARAM(bus_test_send_from_hardirq_and_irqs_off,
			 bt_kind_gen_params),
	KUNIT_CASE_PARAM(bus_test_handler_sends_to_self_after_return,
			 bt_kind_gen_params),
	KUNIT_CASE(bus_test_sleeping_endpoint_runs_on_own_threads),
	KUNIT_CASE(bus_test_send_drain_delivers_in_caller),
	KUNIT_CASE(bus_test_pool_delivers_its_sends),
	KUNIT_CASE(bus_test_request_reply_cookie),
	KUNIT_CASE(bus_test_call_times_out_then_late_reply),
	KUNIT_CASE(bus_test_unregister_drains_queue),
	KUNIT_CASE(bus_test_unregister_times_out_and_retries),
	KUNIT_CASE(bus_test_unregister_refs_out_times_out),
	KUNIT_CASE(bus_test_unregister_refs_back_in_time),
	KUNIT_CASE(bus_test_refuses_bad_input),
	{}
};

static struct kunit_suite bus_test_suite = {
	.name = "scst_bus",
	.init = bt_init,
	.exit = bt_exit,
	.test_cases = bus_test_cases,
};

kunit_test_suite(bus_test_suite);

MODULE_DESCRIPTION("KUnit tests for SCST-NG");
MODULE_LICENSE("GPL");
