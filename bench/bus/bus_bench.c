// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG bus micro-benchmark (make bench B=bus). Runs when loaded and
 * prints one line per comparison:
 *
 *   <job>: scst_bus vs <baseline> <unit>: <ratio>x (...)
 *
 * The baselines do the same work per message in the same run: a plain
 * indirect function call, and a ptr_ring produce + consume of a pointer.
 * Each configuration runs @reps times, interleaved with the others so that
 * machine noise hits all of them alike; the median is reported.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/ptr_ring.h>
#include <linux/slab.h>
#include <linux/timekeeping.h>
#include <scst/bus.h>
#include "../bench.h"

static unsigned int nr_msgs = 1 << 19;
module_param(nr_msgs, uint, 0444);
MODULE_PARM_DESC(nr_msgs, "messages per measurement (default 524288)");

static bool linger;
module_param(linger, bool, 0444);
MODULE_PARM_DESC(linger, "keep the endpoints registered until unload (for tests/bus/observability.sh)");

static char *label = "";
module_param(label, charp, 0444);
MODULE_PARM_DESC(label, "one word put before the job names, e.g. timing-off");

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "measurements per configuration; the median is reported (default 5)");

#define BENCH_BATCH		32
#define BENCH_MAX_REPS		15
#define BENCH_WAIT_MS		120000

static DEFINE_PER_CPU(u64, bench_sink);

/* The work every variant does per message: fold the payload in. */
static void bench_sink_msg(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	this_cpu_add(bench_sink, msg->test.seq);
}

/* Ping-pong: PING goes to endpoint B, which answers PONG to A. */
static unsigned long bench_pp_left;
static DECLARE_COMPLETION(bench_pp_done);
static struct scst_endpoint bench_ep_a, bench_ep_b;

static void bench_ping(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_msg pong;

	scst_msg_init(&pong, SCST_MSG_PONG, 0, 0);
	pong.test.seq = msg->test.seq;
	bench_sink_msg(ep, msg);
	scst_bus_reply(msg, &pong);
}

static void bench_pong(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_msg ping;

	bench_sink_msg(ep, msg);
	if (--bench_pp_left == 0) {
		complete(&bench_pp_done);
		return;
	}
	scst_msg_init(&ping, SCST_MSG_PING, bench_ep_a.id, bench_ep_b.id);
	ping.test.seq = msg->test.seq + 1;
	scst_bus_send(&ping);
}

static const SCST_HANDLERS(bench_handlers) = {
	[SCST_MSG_TEST_DATA]	= bench_sink_msg,
	[SCST_MSG_PING]		= bench_ping,
	[SCST_MSG_PONG]		= bench_pong,
};

/* Read through a pointer the compiler cannot see through. */
static scst_msg_handler_t bench_fn = bench_sink_msg;

static u64 bench_oneway_call(unsigned int n)
{
	scst_msg_handler_t fn = READ_ONCE(bench_fn);
	struct scst_msg msg;
	unsigned int i;
	u64 t0 = ktime_get_ns();

	scst_msg_init(&msg, SCST_MSG_TEST_DATA, SCST_EP_TEST1, SCST_EP_TEST0);
	for (i = 0; i < n; i++) {
		msg.test.seq = i;
		fn(NULL, &msg);
		fn = READ_ONCE(bench_fn);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_oneway_ptr_ring(struct ptr_ring *ring, struct scst_msg *msgs,
				 unsigned int n)
{
	scst_msg_handler_t fn = READ_ONCE(bench_fn);
	struct scst_msg *m;
	unsigned int i, j;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < n; i += BENCH_BATCH) {
		for (j = 0; j < BENCH_BATCH; j++)
			ptr_ring_produce(ring, &msgs[j]);
		for (j = 0; j < BENCH_BATCH; j++) {
			m = ptr_ring_consume(ring);
			fn(NULL, m);
		}
	}
	return ktime_get_ns() - t0;
}

static u64 bench_oneway_bus(struct scst_msg *msgs, unsigned int n)
{
	unsigned int i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < n; i += BENCH_BATCH)
		scst_bus_send_batch(msgs, BENCH_BATCH);
	return ktime_get_ns() - t0;
}

static u64 bench_pingpong_call(unsigned int n)
{
	scst_msg_handler_t fn = READ_ONCE(bench_fn);
	struct scst_msg msg;
	unsigned int i;
	u64 t0 = ktime_get_ns();

	scst_msg_init(&msg, SCST_MSG_PING, SCST_EP_TEST0, SCST_EP_TEST1);
	for (i = 0; i < n; i++) {
		msg.test.seq = i;
		fn(NULL, &msg);		/* B gets the ping */
		fn = READ_ONCE(bench_fn);
		fn(NULL, &msg);		/* A gets the pong */
		fn = READ_ONCE(bench_fn);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_pingpong_ptr_ring(struct ptr_ring *to_b, struct ptr_ring *to_a,
				   struct scst_msg *msg, unsigned int n)
{
	scst_msg_handler_t fn = READ_ONCE(bench_fn);
	struct scst_msg *m;
	unsigned int i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < n; i++) {
		ptr_ring_produce(to_b, msg);
		m = ptr_ring_consume(to_b);
		fn(NULL, m);
		ptr_ring_produce(to_a, m);
		m = ptr_ring_consume(to_a);
		fn(NULL, m);
	}
	return ktime_get_ns() - t0;
}

static u64 bench_pingpong_bus(unsigned int n)
{
	struct scst_msg ping;
	u64 t0 = ktime_get_ns();

	reinit_completion(&bench_pp_done);
	bench_pp_left = n;
	scst_msg_init(&ping, SCST_MSG_PING, bench_ep_a.id, bench_ep_b.id);
	scst_bus_send_drain(&ping);
	if (!wait_for_completion_timeout(&bench_pp_done,
					 msecs_to_jiffies(BENCH_WAIT_MS)))
		pr_err("ping-pong: waited %d ms, %lu round trips left\n",
		       BENCH_WAIT_MS, bench_pp_left);
	return ktime_get_ns() - t0;
}

/* Scaling: one sender per CPU, each on its own per-CPU rings. */
struct bench_worker {
	struct scst_msg *msgs;
	unsigned int n;
	struct completion *go;
	struct completion done;
};

static int bench_worker_fn(void *data)
{
	struct bench_worker *w = data;

	wait_for_completion(w->go);
	bench_oneway_bus(w->msgs, w->n);
	complete(&w->done);
	return 0;
}

static u64 bench_parallel_bus(struct scst_msg *msgs, unsigned int n,
			      unsigned int nr_cpus)
{
	struct bench_worker w[2];
	DECLARE_COMPLETION_ONSTACK(go);
	struct task_struct *t;
	unsigned int i = 0, cpu, started = 0;
	u64 t0, took;

	for_each_online_cpu(cpu) {
		if (i == nr_cpus)
			break;
		w[i].msgs = msgs;
		w[i].n = n;
		w[i].go = &go;
		init_completion(&w[i].done);
		t = kthread_create(bench_worker_fn, &w[i], "scst_bench/%u", cpu);
		if (IS_ERR(t))
			break;
		kthread_bind(t, cpu);
		wake_up_process(t);
		i++;
	}
	started = i;
	t0 = ktime_get_ns();
	complete_all(&go);
	for (i = 0; i < started; i++)
		wait_for_completion(&w[i].done);
	took = ktime_get_ns() - t0;
	return started == nr_cpus ? took : 0;
}

/* Print "<ours> vs <peer>" as a cost ratio, tenths of a nanosecond. */
static void bench_report_cost(const char *job, const char *peer,
			      const char *unit, u64 ours_ns, u64 peer_ns,
			      unsigned int n)
{
	u64 ours10 = div_u64(ours_ns * 10, n), peer10 = div_u64(peer_ns * 10, n);
	u64 ratio100 = peer_ns ? div64_u64(ours_ns * 100, peer_ns) : 0;

	pr_info("%s%s%s: scst_bus vs %s %s: %llu.%02llux (lower is better; %llu.%llu vs %llu.%llu ns, %llu vs %llu k/s)\n",
		label, *label ? " " : "", job, peer, unit, ratio100 / 100, ratio100 % 100,
		ours10 / 10, ours10 % 10, peer10 / 10, peer10 % 10,
		ours_ns ? div64_u64((u64)n * NSEC_PER_SEC / 1000, ours_ns) : 0,
		peer_ns ? div64_u64((u64)n * NSEC_PER_SEC / 1000, peer_ns) : 0);
}

static int bench_run(void)
{
	u64 call[BENCH_MAX_REPS], ring[BENCH_MAX_REPS], bus[BENCH_MAX_REPS];
	u64 pp_call[BENCH_MAX_REPS];
	u64 pp_ring[BENCH_MAX_REPS], pp_bus[BENCH_MAX_REPS];
	u64 one[BENCH_MAX_REPS], two[BENCH_MAX_REPS];
	struct ptr_ring r1, r2;
	struct scst_msg *msgs;
	unsigned int i, n, nr_cpus = min(num_online_cpus(), 2U);
	u64 rate1, rate2, ratio100;
	int ret;

	n = round_up(max_t(unsigned int, nr_msgs, BENCH_BATCH), BENCH_BATCH);
	reps = clamp(reps, 1U, (unsigned int)BENCH_MAX_REPS);
	msgs = kcalloc(BENCH_BATCH, sizeof(*msgs), GFP_KERNEL);
	if (!msgs)
		return -ENOMEM;
	for (i = 0; i < BENCH_BATCH; i++) {
		scst_msg_init(&msgs[i], SCST_MSG_TEST_DATA, SCST_EP_TEST1,
			      SCST_EP_TEST0);
		msgs[i].test.seq = i;
	}
	ret = ptr_ring_init(&r1, 256, GFP_KERNEL);
	if (ret)
		goto out_free;
	ret = ptr_ring_init(&r2, 256, GFP_KERNEL);
	if (ret)
		goto out_ring1;

	pr_info("%u messages x %u reps, batch %d, %u online CPUs\n", n, reps,
		BENCH_BATCH, num_online_cpus());
	for (i = 0; i < reps; i++) {
		call[i] = bench_oneway_call(n);
		ring[i] = bench_oneway_ptr_ring(&r1, msgs, n);
		bus[i] = bench_oneway_bus(msgs, n);
		pp_call[i] = bench_pingpong_call(n / 4);
		pp_ring[i] = bench_pingpong_ptr_ring(&r1, &r2, msgs, n / 4);
		pp_bus[i] = bench_pingpong_bus(n / 4);
		one[i] = bench_parallel_bus(msgs, n, 1);
		two[i] = nr_cpus > 1 ? bench_parallel_bus(msgs, n, 2) : 0;
		cond_resched();
	}
	bench_report_cost("oneway batch 32", "ptr_ring", "ns/msg",
			  bench_median(bus, reps), bench_median(ring, reps), n);
	bench_report_cost("oneway batch 32", "indirect call", "ns/msg",
			  bench_median(bus, reps), bench_median(call, reps), n);
	bench_report_cost("ping-pong", "ptr_ring", "ns/round trip",
			  bench_median(pp_bus, reps), bench_median(pp_ring, reps),
			  n / 4);
	bench_report_cost("ping-pong", "indirect call", "ns/round trip",
			  bench_median(pp_bus, reps), bench_median(pp_call, reps),
			  n / 4);
	if (nr_cpus > 1) {
		rate1 = div64_u64((u64)n * NSEC_PER_SEC, bench_median(one, reps));
		rate2 = div64_u64(2ULL * n * NSEC_PER_SEC, bench_median(two, reps));
		ratio100 = div64_u64(rate2 * 100, 2 * rate1);
		pr_info("%s%sscaling 2 CPUs: scst_bus vs linear (2x one CPU) msgs/s: %llu.%02llux (higher is better; %llu vs %llu k/s)\n",
			label, *label ? " " : "", ratio100 / 100, ratio100 % 100, rate2 / 1000,
			2 * rate1 / 1000);
	}
	ret = 0;
	ptr_ring_cleanup(&r2, NULL);
out_ring1:
	ptr_ring_cleanup(&r1, NULL);
out_free:
	kfree(msgs);
	return ret;
}

static int __init bench_init(void)
{
	int ret;

	bench_ep_a = (struct scst_endpoint){
		.name = "bench_a",
		.id = SCST_EP_TEST0,
		.handlers = SCST_EP_HANDLERS(bench_handlers),
	};
	bench_ep_b = (struct scst_endpoint){
		.name = "bench_b",
		.id = SCST_EP_TEST1,
		.handlers = SCST_EP_HANDLERS(bench_handlers),
	};
	ret = scst_bus_register(&bench_ep_a);
	if (ret)
		return ret;
	ret = scst_bus_register(&bench_ep_b);
	if (ret)
		goto out_unregister_a;
	ret = bench_run();
	if (!ret && linger)
		return 0;
	scst_bus_unregister(&bench_ep_b);
out_unregister_a:
	scst_bus_unregister(&bench_ep_a);
	return ret;
}

/*
 * The handlers are this module's code: it may not go while the bus can
 * still call them. Each unregister attempt is bounded and reports what it
 * waits for.
 */
static void bench_unregister(struct scst_endpoint *ep)
{
	while (scst_bus_unregister(ep))
		pr_err("%s: still busy, unload waits\n", ep->name);
}

static void __exit bench_exit(void)
{
	if (!linger)
		return;
	bench_unregister(&bench_ep_b);
	bench_unregister(&bench_ep_a);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("SCST-NG bus micro-benchmark");
MODULE_LICENSE("GPL");
