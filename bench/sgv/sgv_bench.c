// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG SGV pool micro-benchmark (make bench B=sgv). Runs when loaded and
 * prints one line per buffer size:
 *
 *   sgv <size> alloc+free: scst_sgv cached vs fresh alloc_pages ns/op: <ratio>x (...)
 *
 * The baseline does, in the same run, what a target without a pool does
 * per command: alloc_pages() for every page and sg_alloc_table() for the
 * list, then frees both. The pool side is scst_sgv_alloc() + scst_sgv_free()
 * on a warmed pool, so every allocation is a cache hit (checked). The two
 * alternate, @reps times each, so that machine noise hits both alike; the
 * median of each is reported. The ratio is cached / fresh: lower is better;
 * its inverse is the speed-up of a cache hit, also printed, with the
 * issue's target (a hit at least 5x cheaper at 64 KiB) checked.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/math64.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/scatterlist.h>
#include <linux/timekeeping.h>
#include <scst/sgv.h>
#include "../bench.h"

static unsigned int reps = 5;
module_param(reps, uint, 0444);
MODULE_PARM_DESC(reps, "measurements per variant and size; the median is reported (default 5)");

static unsigned int mib_per_run = 256;
module_param(mib_per_run, uint, 0444);
MODULE_PARM_DESC(mib_per_run, "MiB allocated and freed per measurement (default 256; at least 1000 operations)");

#define BENCH_MAX_REPS		15
#define BENCH_MIN_OPS		1000
/* The target: a hit at least this much cheaper than fresh at 64 KiB. */
#define BENCH_TARGET_X100	500

static const size_t bench_sizes[] = { SZ_4K, SZ_64K, SZ_1M };

static u64 bench_fresh(size_t size, unsigned int ops, int *err)
{
	unsigned int i, nr = size >> PAGE_SHIFT, j;
	struct scatterlist *sg;
	struct sg_table t;
	struct page *page;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < ops; i++) {
		if (sg_alloc_table(&t, nr, GFP_KERNEL)) {
			*err = -ENOMEM;
			break;
		}
		for_each_sgtable_sg(&t, sg, j) {
			page = alloc_page(GFP_KERNEL);
			if (!page) {
				*err = -ENOMEM;
				break;
			}
			sg_set_page(sg, page, PAGE_SIZE, 0);
		}
		for_each_sgtable_sg(&t, sg, j) {
			if (!sg_page(sg))
				break;
			__free_page(sg_page(sg));
		}
		sg_free_table(&t);
		if (*err)
			break;
	}
	return ktime_get_ns() - t0;
}

static u64 bench_cached(struct scst_sgv_pool *pool, size_t size,
			unsigned int ops, int *err)
{
	struct scst_sgv_buf *buf;
	unsigned int i;
	u64 t0 = ktime_get_ns();

	for (i = 0; i < ops; i++) {
		*err = scst_sgv_alloc(pool, size, GFP_KERNEL, 0, 0, &buf);
		if (*err)
			break;
		scst_sgv_free(buf);
	}
	return ktime_get_ns() - t0;
}

static int bench_size(struct scst_sgv_pool *pool, size_t size)
{
	u64 fresh[BENCH_MAX_REPS], cached[BENCH_MAX_REPS], f_tot, c_tot;
	unsigned int ops, r, ratio, speedup;
	struct scst_sgv_stats before, after;
	int err = 0;

	ops = max_t(unsigned int, BENCH_MIN_OPS,
		    ((u64)mib_per_run << 20) / size);
	/* Warm the pool's class and the page allocator's per-CPU lists. */
	bench_cached(pool, size, 16, &err);
	bench_fresh(size, 16, &err);
	if (err)
		return err;

	scst_sgv_get_stats(pool, &before);
	for (r = 0; r < reps; r++) {
		fresh[r] = bench_fresh(size, ops, &err);
		if (err)
			return err;
		cached[r] = bench_cached(pool, size, ops, &err);
		if (err)
			return err;
		cond_resched();
	}
	scst_sgv_get_stats(pool, &after);
	if (after.misses != before.misses) {
		pr_err("sgv %zuKiB: %llu cache misses during the cached runs: not a pure hit measurement\n",
		       size >> 10, after.misses - before.misses);
		return -EIO;
	}

	f_tot = max_t(u64, bench_median(fresh, reps), 1);
	c_tot = max_t(u64, bench_median(cached, reps), 1);
	/* Same ops on both sides: the ratio of the totals is per op. */
	ratio = div64_u64(c_tot * 1000, f_tot);
	speedup = div64_u64(f_tot * 100, c_tot);
	pr_info("sgv %zuKiB alloc+free: scst_sgv cached vs fresh alloc_pages ns/op: %u.%03ux (lower is better; cached %llu ns, fresh %llu ns: a cache hit is %u.%02ux faster; %u ops x %u reps, median)%s\n",
		size >> 10, ratio / 1000, ratio % 1000, div_u64(c_tot, ops),
		div_u64(f_tot, ops), speedup / 100, speedup % 100, ops, reps,
		size == SZ_64K ? (speedup >= BENCH_TARGET_X100 ?
				  "; target >=5x at 64KiB: met" :
				  "; target >=5x at 64KiB: NOT met") : "");
	return 0;
}

static int __init sgv_bench_init(void)
{
	struct scst_sgv_pool_params params = {
		.name = "bench",
		.clustering = SCST_SGV_CLUSTER_NONE,
	};
	struct scst_sgv_pool *pool;
	unsigned int i;
	int ret = 0;

	if (!reps || reps > BENCH_MAX_REPS || !mib_per_run) {
		pr_err("reps must be 1..%u and mib_per_run at least 1\n",
		       BENCH_MAX_REPS);
		return -EINVAL;
	}
	pool = scst_sgv_pool_create(&params);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	for (i = 0; i < ARRAY_SIZE(bench_sizes); i++) {
		ret = bench_size(pool, bench_sizes[i]);
		if (ret) {
			pr_err("sgv %zuKiB: failed: %d\n", bench_sizes[i] >> 10,
			       ret);
			break;
		}
	}
	scst_sgv_pool_destroy(pool);
	return ret;
}

static void __exit sgv_bench_exit(void)
{
}

module_init(sgv_bench_init);
module_exit(sgv_bench_exit);
MODULE_DESCRIPTION("SCST-NG SGV pool micro-benchmark");
MODULE_LICENSE("GPL");
