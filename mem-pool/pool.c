// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: pools. Create, destroy (deferred while buffers are
 * still in use, with a periodic warning, as page_pool_release_retry() does),
 * flush, and the counters.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "sgv_internal.h"

static const char * const sgv_cause_names[] = {
	[SCST_SGV_REL_PURGE]	= "purge",
	[SCST_SGV_REL_SHRINK]	= "shrink",
	[SCST_SGV_REL_LIMIT]	= "limit",
	[SCST_SGV_REL_FLUSH]	= "flush",
	[SCST_SGV_REL_DESTROY]	= "destroy",
	[SCST_SGV_REL_UNCACHED]	= "uncached",
};

const char *sgv_cause_name(unsigned int cause)
{
	BUILD_BUG_ON(ARRAY_SIZE(sgv_cause_names) != SCST_SGV_REL_NR);
	if (cause >= SCST_SGV_REL_NR)
		return "(bad cause)";
	return sgv_cause_names[cause];
}

void sgv_stats_add(struct scst_sgv_stats *sum, const struct scst_sgv_stats *st)
{
	unsigned int i;

	sum->hits += st->hits;
	sum->misses += st->misses;
	sum->uncached += st->uncached;
	sum->failures += st->failures;
	sum->alloc_pages += st->alloc_pages;
	sum->merged_pages += st->merged_pages;
	for (i = 0; i < SCST_SGV_REL_NR; i++)
		sum->releases[i] += st->releases[i];
	sum->notices += st->notices;
	sum->pages_in_use += st->pages_in_use;
	sum->pages_cached += st->pages_cached;
	sum->bufs_in_use += st->bufs_in_use;
	sum->bufs_cached += st->bufs_cached;
	sum->bufs_releasing += st->bufs_releasing;
	sum->destroy_warnings += st->destroy_warnings;
}

/*
 * Account a buffer leaving the pool for good (it is no longer in use nor
 * cached; the caller has already moved it out of those counts). For an
 * owner pool this commits the pool to one SGV_RELEASED: counting it here,
 * under the pool's lock, before any notice is sent, is what lets a
 * FLUSH_DONE count every notice that may still be in flight.
 */
void __sgv_mark_releasing(struct scst_sgv_pool *pool, struct sgv_obj *obj,
			  enum scst_sgv_cause cause)
{
	lockdep_assert_held(&pool->lock);
	WRITE_ONCE(obj->state, SGV_OBJ_RELEASING);
	obj->cause = cause;
	pool->st.releases[cause]++;
	pool->st.bufs_releasing++;
	if (pool->owned) {
		pool->st.notices++;
		sgv_owner_commit(pool->owner);
	}
}

static void sgv_pool_free_work(struct work_struct *work)
{
	struct scst_sgv_pool *pool = container_of(work, struct scst_sgv_pool,
						  free_work);
	bool stalled;

	cancel_delayed_work_sync(&pool->destroy_work);
	stalled = pool->st.destroy_warnings;
	spin_lock_bh(&sgv_pools_lock);
	list_del(&pool->node);
	sgv_stats_add(&sgv_retired, &pool->st);
	spin_unlock_bh(&sgv_pools_lock);
	sgv_debugfs_remove(pool);
	if (stalled)
		pr_info("pool %s: destroyed after %u s, its last buffer is back\n",
			pool->name,
			jiffies_to_msecs(jiffies - pool->destroy_start) / 1000);
	kfree(pool);
	/* Taken by scst_sgv_pool_destroy(); unload flushes sgv_wq first. */
	module_put(THIS_MODULE);
}

/* Drop a reference; the last one frees the pool from process context. */
void sgv_pool_put(struct scst_sgv_pool *pool)
{
	if (refcount_dec_and_test(&pool->refs))
		queue_work(sgv_wq, &pool->free_work);
}

/* A destroyed pool still has buffers out: say so, again and again. */
static void sgv_pool_destroy_watch(struct work_struct *work)
{
	struct scst_sgv_pool *pool = container_of(to_delayed_work(work),
						  struct scst_sgv_pool,
						  destroy_work);
	unsigned int in_use, releasing;
	unsigned long pages;

	spin_lock_bh(&pool->lock);
	in_use = pool->st.bufs_in_use;
	pages = pool->st.pages_in_use;
	releasing = pool->st.bufs_releasing;
	pool->st.destroy_warnings++;
	spin_unlock_bh(&pool->lock);

	pr_warn("pool %s: destroy stalled for %u s: %u buffers (%lu pages) still in use, %u release notices not sent yet\n",
		pool->name, jiffies_to_msecs(jiffies - pool->destroy_start) / 1000,
		in_use, pages, releasing);
	queue_delayed_work(sgv_wq, &pool->destroy_work,
			   msecs_to_jiffies(READ_ONCE(sgv_destroy_warn_ms)));
}

static int sgv_params_check(const struct scst_sgv_pool_params *p)
{
	size_t len;

	if (!p || !p->name) {
		pr_err("pool create: no name\n");
		return -EINVAL;
	}
	len = strnlen(p->name, SCST_SGV_NAME_MAX);
	if (!len || len >= SCST_SGV_NAME_MAX || strchr(p->name, '/')) {
		pr_err("pool create: bad name \"%.*s\": 1 to %u characters, no '/'\n",
		       SCST_SGV_NAME_MAX, p->name, SCST_SGV_NAME_MAX - 1);
		return -EINVAL;
	}
	if (p->clustering > SCST_SGV_CLUSTER_FULL) {
		pr_err("pool %s: bad clustering type %d\n", p->name,
		       p->clustering);
		return -EINVAL;
	}
	if (p->single_alloc_pages > SCST_SGV_MAX_CACHED_PAGES) {
		pr_err("pool %s: single_alloc_pages %u over the largest cached size, %u pages\n",
		       p->name, p->single_alloc_pages,
		       SCST_SGV_MAX_CACHED_PAGES);
		return -EINVAL;
	}
	if (!p->owner_ops)
		return 0;
	if (!p->owner_ops->get_pages) {
		pr_err("pool %s: owner ops without get_pages\n", p->name);
		return -EINVAL;
	}
	if (p->owner >= SCST_EP_NR || p->owner == SCST_EP_SGV) {
		pr_err("pool %s: bad owner endpoint %d\n", p->name, p->owner);
		return -EINVAL;
	}
	if (p->clustering == SCST_SGV_CLUSTER_FULL) {
		pr_err("pool %s: full clustering would reorder the owner's pages; use tail clustering\n",
		       p->name);
		return -EINVAL;
	}
	return 0;
}

static struct scst_sgv_pool *sgv_pool_find(const char *name)
{
	struct scst_sgv_pool *pool;

	lockdep_assert_held(&sgv_pools_lock);
	list_for_each_entry(pool, &sgv_pools, node)
		if (!strcmp(pool->name, name))
			return pool;
	return NULL;
}

/**
 * scst_sgv_pool_create() - make a named pool
 * @p: what to make (struct scst_sgv_pool_params)
 *
 * Process context. Returns the pool, or ERR_PTR: -EINVAL for bad
 * parameters, -EEXIST when the name is taken (possibly by a pool still
 * being destroyed), -ENODEV when the owner's module is going away, -ENOMEM.
 * Each error is logged with its reason.
 */
struct scst_sgv_pool *scst_sgv_pool_create(const struct scst_sgv_pool_params *p)
{
	struct scst_sgv_pool *pool, *other;
	unsigned int i;
	int ret;

	might_sleep();
	ret = sgv_params_check(p);
	if (ret)
		return ERR_PTR(ret);

	pool = kzalloc(sizeof(*pool), GFP_KERNEL);
	if (!pool)
		return ERR_PTR(-ENOMEM);
	strscpy(pool->name, p->name, sizeof(pool->name));
	pool->clustering = p->clustering;
	pool->single_alloc_pages = p->single_alloc_pages;
	pool->purge_ns = (u64)(p->purge_interval_ms ?:
			       READ_ONCE(sgv_purge_interval_ms)) * NSEC_PER_MSEC;
	pool->max_pages = p->max_pages;
	if (p->owner_ops) {
		pool->owned = true;
		pool->owner = p->owner;
		pool->owner_ops = p->owner_ops;
		pool->owner_priv = p->owner_priv;
	}
	refcount_set(&pool->refs, 1);
	atomic_long_set(&pool->pages, 0);
	spin_lock_init(&pool->lock);
	pool->oldest_ns = U64_MAX;
	INIT_LIST_HEAD(&pool->age);
	pool->nr_classes = p->single_alloc_pages ? 1 : SCST_SGV_NR_CLASSES;
	for (i = 0; i < pool->nr_classes; i++) {
		INIT_LIST_HEAD(&pool->classes[i].free);
		pool->classes[i].pages = p->single_alloc_pages ?: 1U << i;
	}
	INIT_DELAYED_WORK(&pool->purge_work, sgv_purge_work_fn);
	INIT_DELAYED_WORK(&pool->destroy_work, sgv_pool_destroy_watch);
	INIT_WORK(&pool->free_work, sgv_pool_free_work);

	/* The owner's get_pages() is called until the pool is destroyed. */
	if (pool->owned && !try_module_get(pool->owner_ops->owner)) {
		pr_err("pool %s: the owner's module is going away\n", p->name);
		ret = -ENODEV;
		goto out_free;
	}

	spin_lock_bh(&sgv_pools_lock);
	other = sgv_pool_find(pool->name);
	if (other) {
		spin_unlock_bh(&sgv_pools_lock);
		pr_err("pool %s: the name is taken%s\n", p->name,
		       READ_ONCE(other->dying) ?
		       " by a pool still being destroyed" : "");
		ret = -EEXIST;
		goto out_put_owner;
	}
	list_add_tail(&pool->node, &sgv_pools);
	spin_unlock_bh(&sgv_pools_lock);

	sgv_debugfs_add(pool);
	return pool;

out_put_owner:
	if (pool->owned)
		module_put(pool->owner_ops->owner);
out_free:
	kfree(pool);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_GPL(scst_sgv_pool_create);

/**
 * scst_sgv_pool_destroy() - destroy a pool
 * @pool: the pool; no allocation from it may run concurrently or later
 *
 * Process context. Every cached buffer is released now (owner pools send
 * SGV_RELEASED for each, cause SCST_SGV_REL_DESTROY). Buffers still in use
 * stay valid: each is released when it is freed, and the pool itself is
 * freed after the last one, later; meanwhile the pool warns every
 * destroy_warn_ms with what is still out, and keeps the module loaded.
 */
void scst_sgv_pool_destroy(struct scst_sgv_pool *pool)
{
	LIST_HEAD(list);

	might_sleep();
	if (!pool)
		return;
	spin_lock_bh(&pool->lock);
	if (pool->dying) {
		spin_unlock_bh(&pool->lock);
		pr_err("pool %s: destroyed twice\n", pool->name);
		return;
	}
	pool->dying = true;
	pool->destroy_start = jiffies;
	__sgv_cache_take(pool, &list, ULONG_MAX, U64_MAX, SCST_SGV_REL_DESTROY);
	spin_unlock_bh(&pool->lock);

	/* Dying: scst_sgv_free() no longer arms it, and it no longer re-arms. */
	cancel_delayed_work_sync(&pool->purge_work);
	sgv_release_list(&list);
	/* No allocation runs any more, so no get_pages() call either. */
	if (pool->owned)
		module_put(pool->owner_ops->owner);

	/*
	 * Its buffers may outlive the module that created it: keep this one
	 * loaded until the pool is freed. The watchdog is armed before the
	 * creator's reference goes, so that the free (which cancels it)
	 * always comes after.
	 */
	__module_get(THIS_MODULE);
	queue_delayed_work(sgv_wq, &pool->destroy_work,
			   msecs_to_jiffies(READ_ONCE(sgv_destroy_warn_ms)));
	sgv_pool_put(pool);
}
EXPORT_SYMBOL_GPL(scst_sgv_pool_destroy);

/**
 * scst_sgv_pool_flush() - release every cached buffer of a pool now
 * @pool: the pool
 *
 * Process or softirq context. For an owner pool, the SGV_RELEASED notices
 * are sent from here, but no SGV_FLUSH_DONE: an owner that needs to know
 * when everything is released sends SGV_FLUSH instead.
 */
void scst_sgv_pool_flush(struct scst_sgv_pool *pool)
{
	LIST_HEAD(list);

	spin_lock_bh(&pool->lock);
	__sgv_cache_take(pool, &list, ULONG_MAX, U64_MAX, SCST_SGV_REL_FLUSH);
	spin_unlock_bh(&pool->lock);
	sgv_release_list(&list);
}
EXPORT_SYMBOL_GPL(scst_sgv_pool_flush);

/**
 * scst_sgv_get_stats() - read a pool's counters, or the global ones
 * @pool: the pool, or NULL for the sum over every pool, past ones included
 * @st:   filled in (a consistent snapshot per pool)
 */
void scst_sgv_get_stats(struct scst_sgv_pool *pool, struct scst_sgv_stats *st)
{
	struct scst_sgv_pool *p;

	if (pool) {
		spin_lock_bh(&pool->lock);
		*st = pool->st;
		spin_unlock_bh(&pool->lock);
		return;
	}
	spin_lock_bh(&sgv_pools_lock);
	*st = sgv_retired;
	/* Only the cumulative counters survive a pool; not its current state. */
	st->pages_in_use = 0;
	st->pages_cached = 0;
	st->bufs_in_use = 0;
	st->bufs_cached = 0;
	st->bufs_releasing = 0;
	list_for_each_entry(p, &sgv_pools, node) {
		spin_lock(&p->lock);
		sgv_stats_add(st, &p->st);
		st->pools++;
		st->pools_dying += p->dying;
		spin_unlock(&p->lock);
	}
	spin_unlock_bh(&sgv_pools_lock);
}
EXPORT_SYMBOL_GPL(scst_sgv_get_stats);

/**
 * scst_sgv_owner_held() - how many buffers hold an owner's memory
 * @owner: the owner endpoint
 *
 * Over every pool of @owner, destroyed ones still waiting included: the
 * buffers in use, cached, or released with their SGV_RELEASED not sent yet.
 * When it is 0 and the owner has handled every SGV_RELEASED it was sent,
 * nothing of the owner's memory is held by mem-pool.
 */
unsigned int scst_sgv_owner_held(enum scst_ep_id owner)
{
	struct scst_sgv_pool *p;
	unsigned int n = 0;

	spin_lock_bh(&sgv_pools_lock);
	list_for_each_entry(p, &sgv_pools, node) {
		if (!p->owned || p->owner != owner)
			continue;
		spin_lock(&p->lock);
		n += p->st.bufs_in_use + p->st.bufs_cached +
		     p->st.bufs_releasing;
		spin_unlock(&p->lock);
	}
	spin_unlock_bh(&sgv_pools_lock);
	return n;
}
EXPORT_SYMBOL_GPL(scst_sgv_owner_held);
