// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: giving memory back. The shrinker releases cached
 * buffers oldest first over every pool; the same walk makes room under the
 * global high watermark, and a pool's own oldest buffers make room under
 * its limit. An allocation over a limit first shrinks, then fails with
 * -ENOMEM and says why, rate-limited.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include "sgv_internal.h"

/**
 * sgv_shrink() - release cached buffers, oldest first over all pools
 * @nr_pages: at least this many pages, if there are
 * @cause:    why (enum scst_sgv_cause)
 *
 * Process or softirq context. Each round finds the pool whose oldest
 * buffer is the oldest of all, and takes from it every buffer no newer
 * than the runner-up pool's oldest: a merge of the pools' LRUs, in O(pools)
 * per round. Returns the pages released.
 */
unsigned long sgv_shrink(unsigned long nr_pages, enum scst_sgv_cause cause)
{
	struct scst_sgv_pool *pool, *best;
	unsigned long freed = 0, taken;
	u64 ts, best_ts, second;
	LIST_HEAD(list);

	while (freed < nr_pages) {
		best = NULL;
		best_ts = U64_MAX;
		second = U64_MAX;
		taken = 0;
		spin_lock_bh(&sgv_pools_lock);
		list_for_each_entry(pool, &sgv_pools, node) {
			/* Racy, re-checked under the pool's lock below. */
			ts = READ_ONCE(pool->oldest_ns);
			if (ts < best_ts) {
				second = best_ts;
				best_ts = ts;
				best = pool;
			} else if (ts < second) {
				second = ts;
			}
		}
		if (best) {
			spin_lock(&best->lock);
			/* A hit since may have made it newer: take one anyway. */
			taken = __sgv_cache_take(best, &list, 1, U64_MAX, cause);
			if (taken && freed + taken < nr_pages)
				taken += __sgv_cache_take(best, &list,
							  nr_pages - freed - taken,
							  second, cause);
			spin_unlock(&best->lock);
		}
		spin_unlock_bh(&sgv_pools_lock);
		if (!taken)
			break;
		freed += taken;
		/* Each buffer holds its pool: no reference needed here. */
		sgv_release_list(&list);
	}
	return freed;
}

/* Release a pool's own cached buffers, oldest first. */
static unsigned long sgv_shrink_pool(struct scst_sgv_pool *pool,
				     unsigned long nr_pages,
				     enum scst_sgv_cause cause)
{
	unsigned long taken;
	LIST_HEAD(list);

	spin_lock_bh(&pool->lock);
	taken = __sgv_cache_take(pool, &list, nr_pages, U64_MAX, cause);
	spin_unlock_bh(&pool->lock);
	sgv_release_list(&list);
	return taken;
}

/**
 * sgv_charge() - count @nr_pages new pages against the limits
 * @pool:     the pool allocating them
 * @nr_pages: pages about to be allocated (or supplied by the owner)
 * @size:     the allocation's size, for the log
 *
 * The pool's limit, then the global high watermark: when one would be
 * exceeded, release cached buffers to make room (the pool's own for its
 * limit, anyone's for the watermark), and fail with -ENOMEM if that is
 * not enough. Counting first and checking after keeps both limits exact
 * without a lock around the allocation.
 */
int sgv_charge(struct scst_sgv_pool *pool, unsigned int nr_pages, size_t size)
{
	unsigned long max = pool->max_pages, hi = READ_ONCE(sgv_hi_wmk);
	long over;

	if (max) {
		over = atomic_long_add_return(nr_pages, &pool->pages) - max;
		if (over > 0) {
			sgv_shrink_pool(pool, over, SCST_SGV_REL_LIMIT);
			if (atomic_long_read(&pool->pages) > max) {
				atomic_long_sub(nr_pages, &pool->pages);
				pr_warn_ratelimited("pool %s: %zu bytes (%u pages) do not fit under its limit of %lu pages with nothing cached left to release: -ENOMEM\n",
						    pool->name, size, nr_pages,
						    max);
				return -ENOMEM;
			}
		}
	} else {
		atomic_long_add(nr_pages, &pool->pages);
	}

	over = atomic_long_add_return(nr_pages, &sgv_pages) - hi;
	if (over > 0) {
		sgv_shrink(over, SCST_SGV_REL_LIMIT);
		if (atomic_long_read(&sgv_pages) > hi) {
			atomic_long_sub(nr_pages, &sgv_pages);
			atomic_long_sub(nr_pages, &pool->pages);
			pr_warn_ratelimited("pool %s: %zu bytes (%u pages) do not fit under the high watermark of %lu pages (max_mem_mb) with nothing cached left to release: -ENOMEM\n",
					    pool->name, size, nr_pages, hi);
			return -ENOMEM;
		}
	}
	return 0;
}

void sgv_uncharge(struct scst_sgv_pool *pool, unsigned int nr_pages)
{
	atomic_long_sub(nr_pages, &sgv_pages);
	atomic_long_sub(nr_pages, &pool->pages);
}

/*
 * What the shrinker could free: every cached page, owner pools' included
 * (their notices let the owner unpin its memory).
 */
unsigned long sgv_shrinker_count(void)
{
	/* Racy sum of increments and decrements: never report it negative. */
	return max(atomic_long_read(&sgv_cached_pages), 0L);
}

static unsigned long sgv_shrink_count(struct shrinker *s,
				      struct shrink_control *sc)
{
	return sgv_shrinker_count() ?: SHRINK_EMPTY;
}

unsigned long sgv_shrinker_scan(unsigned long nr_to_scan)
{
	return sgv_shrink(nr_to_scan, SCST_SGV_REL_SHRINK);
}

static unsigned long sgv_shrink_scan(struct shrinker *s,
				     struct shrink_control *sc)
{
	return sgv_shrinker_scan(sc->nr_to_scan) ?: SHRINK_STOP;
}

static struct shrinker sgv_shrinker = {
	.count_objects	= sgv_shrink_count,
	.scan_objects	= sgv_shrink_scan,
	.seeks		= DEFAULT_SEEKS,
};

int sgv_shrinker_init(void)
{
	return register_shrinker(&sgv_shrinker, "scst-sgv");
}

void sgv_shrinker_exit(void)
{
	unregister_shrinker(&sgv_shrinker);
}
