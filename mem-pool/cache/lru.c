// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: the cache. Each size class keeps its free buffers
 * newest first, so that a hit takes the warmest; the pool keeps all of them
 * on one LRU too, newest first, so that aging and the shrinker take the
 * oldest. Aging is a delayed work per pool: it releases what has not been
 * used for the purge interval and re-arms for the next oldest.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/ktime.h>
#include "../sgv_internal.h"

/*
 * The clock of the LRU, in ns. Coarse is enough (aging counts in seconds,
 * and the LRU order is the list order, not the stamps'), and cheap on the
 * free path. KUnit replaces it to age buffers without waiting.
 */
u64 sgv_now(void)
{
	sgv_clock_fn clock = READ_ONCE(sgv_test_clock);

	if (unlikely(clock))
		return clock();
	return ktime_get_coarse_ns();
}

/* The shrinker reads @oldest_ns without the lock to pick a pool. */
static void sgv_lru_note_oldest(struct scst_sgv_pool *pool)
{
	lockdep_assert_held(&pool->lock);
	WRITE_ONCE(pool->oldest_ns, list_empty(&pool->age) ? U64_MAX :
		   list_last_entry(&pool->age, struct sgv_obj, age)->freed_at);
}

/**
 * sgv_cache_get() - take the most recently freed buffer of a size class
 * @pool: the pool
 * @cls:  the class
 *
 * Returns it, now in use, or NULL (a miss, counted).
 */
struct sgv_obj *sgv_cache_get(struct scst_sgv_pool *pool, unsigned int cls)
{
	struct sgv_class *c = &pool->classes[cls];
	struct sgv_obj *obj;

	spin_lock_bh(&pool->lock);
	obj = list_first_entry_or_null(&c->free, struct sgv_obj, lru);
	if (!obj) {
		c->misses++;
		pool->st.misses++;
		spin_unlock_bh(&pool->lock);
		return NULL;
	}
	list_del_init(&obj->lru);
	list_del_init(&obj->age);
	sgv_lru_note_oldest(pool);
	c->nr_cached--;
	c->hits++;
	pool->st.hits++;
	pool->st.bufs_cached--;
	pool->st.pages_cached -= obj->nr_pages;
	pool->st.bufs_in_use++;
	pool->st.pages_in_use += obj->nr_pages;
	WRITE_ONCE(obj->state, SGV_OBJ_IN_USE);
	spin_unlock_bh(&pool->lock);
	atomic_long_sub(obj->nr_pages, &sgv_cached_pages);
	return obj;
}

/**
 * sgv_cache_put() - a buffer is freed: cache it if the pool keeps it
 * @pool: its pool
 * @obj:  the buffer, in use until now
 *
 * Returns true when the caller must release it instead: it is uncached,
 * or the pool is being destroyed (then it is already accounted as
 * releasing, with that cause).
 */
bool sgv_cache_put(struct scst_sgv_pool *pool, struct sgv_obj *obj)
{
	struct sgv_class *c;

	spin_lock_bh(&pool->lock);
	pool->st.bufs_in_use--;
	pool->st.pages_in_use -= obj->nr_pages;
	if (obj->cls == SGV_NO_CLASS || pool->dying) {
		__sgv_mark_releasing(pool, obj, obj->cls == SGV_NO_CLASS ?
					    SCST_SGV_REL_UNCACHED :
					    SCST_SGV_REL_DESTROY);
		spin_unlock_bh(&pool->lock);
		return true;
	}
	c = &pool->classes[obj->cls];
	obj->freed_at = sgv_now();
	list_add(&obj->lru, &c->free);
	list_add(&obj->age, &pool->age);
	if (list_is_singular(&pool->age))
		WRITE_ONCE(pool->oldest_ns, obj->freed_at);
	c->nr_cached++;
	pool->st.bufs_cached++;
	pool->st.pages_cached += obj->nr_pages;
	WRITE_ONCE(obj->state, SGV_OBJ_CACHED);
	if (!pool->purge_armed) {
		pool->purge_armed = true;
		queue_delayed_work(sgv_wq, &pool->purge_work,
				   nsecs_to_jiffies(pool->purge_ns) + 1);
	}
	spin_unlock_bh(&pool->lock);
	atomic_long_add(obj->nr_pages, &sgv_cached_pages);
	return false;
}

/**
 * __sgv_cache_take() - detach cached buffers for release, oldest first
 * @pool:      the pool, its lock held
 * @list:      where they go, linked by @lru, oldest first
 * @max_pages: stop once this many pages are taken
 * @until_ns:  take only buffers freed at or before this time
 * @cause:     why (enum scst_sgv_cause)
 *
 * Returns the pages taken. The caller releases @list outside the lock
 * (sgv_release_list()).
 */
unsigned long __sgv_cache_take(struct scst_sgv_pool *pool,
			       struct list_head *list, unsigned long max_pages,
			       u64 until_ns, enum scst_sgv_cause cause)
{
	unsigned long taken = 0;
	struct sgv_obj *obj;

	lockdep_assert_held(&pool->lock);
	while (taken < max_pages && !list_empty(&pool->age)) {
		obj = list_last_entry(&pool->age, struct sgv_obj, age);
		if (obj->freed_at > until_ns)
			break;
		list_del_init(&obj->age);
		list_move_tail(&obj->lru, list);
		pool->classes[obj->cls].nr_cached--;
		pool->st.bufs_cached--;
		pool->st.pages_cached -= obj->nr_pages;
		__sgv_mark_releasing(pool, obj, cause);
		taken += obj->nr_pages;
	}
	sgv_lru_note_oldest(pool);
	atomic_long_sub(taken, &sgv_cached_pages);
	return taken;
}

/*
 * Aging: release what has been unused for the purge interval, then sleep
 * until the next oldest buffer is due, if there is one.
 */
void sgv_purge_work_fn(struct work_struct *work)
{
	struct scst_sgv_pool *pool = container_of(to_delayed_work(work),
						  struct scst_sgv_pool,
						  purge_work);
	unsigned long delay;
	u64 now = sgv_now();
	LIST_HEAD(list);

	spin_lock_bh(&pool->lock);
	pool->purge_armed = false;
	if (now >= pool->purge_ns)
		__sgv_cache_take(pool, &list, ULONG_MAX, now - pool->purge_ns,
				 SCST_SGV_REL_PURGE);
	if (!list_empty(&pool->age) && !pool->dying) {
		/* Due when the oldest is purge_ns old; never sooner than a tick. */
		delay = nsecs_to_jiffies(pool->oldest_ns + pool->purge_ns -
					 min(now, pool->oldest_ns + pool->purge_ns));
		delay = clamp(delay, 1UL, nsecs_to_jiffies(pool->purge_ns) + 1);
		pool->purge_armed = true;
		queue_delayed_work(sgv_wq, &pool->purge_work, delay);
	}
	spin_unlock_bh(&pool->lock);
	sgv_release_list(&list);
}
