// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: module parameters, module-wide state, the default pool,
 * module init and exit.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include "sgv_internal.h"

struct workqueue_struct *sgv_wq;
struct kmem_cache *sgv_obj_cache;
DEFINE_SPINLOCK(sgv_pools_lock);
LIST_HEAD(sgv_pools);
/* Counters of pools already freed, so that the global ones never go back. */
struct scst_sgv_stats sgv_retired;
/* Pages charged by every pool (in use, cached, releasing): the watermark. */
atomic_long_t sgv_pages = ATOMIC_LONG_INIT(0);
/* Pages in every pool's cache: what the shrinker can free. */
atomic_long_t sgv_cached_pages = ATOMIC_LONG_INIT(0);
/* Set by KUnit only: the clock aging runs on. */
sgv_clock_fn sgv_test_clock;

static struct scst_sgv_pool *sgv_default;

/* The global high watermark, in pages: set from max_mem_mb. */
unsigned long sgv_hi_wmk;
static unsigned int sgv_max_mem_mb;

static unsigned long sgv_mb_to_pages(unsigned int mb)
{
	/* 0: a quarter of RAM, as SCST's scst_max_cmd_mem defaults to. */
	if (!mb)
		return totalram_pages() / 4;
	return (unsigned long)mb << (20 - PAGE_SHIFT);
}

static int sgv_max_mem_set(const char *val, const struct kernel_param *kp)
{
	unsigned int mb;
	int ret;

	ret = kstrtouint(val, 0, &mb);
	if (ret)
		return ret;
	if (mb > (ULONG_MAX >> 20)) {
		pr_err("max_mem_mb %u: too large\n", mb);
		return -EINVAL;
	}
	sgv_max_mem_mb = mb;
	WRITE_ONCE(sgv_hi_wmk, sgv_mb_to_pages(mb));
	return 0;
}

static int sgv_max_mem_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%u\n", sgv_max_mem_mb);
}

static const struct kernel_param_ops sgv_max_mem_ops = {
	.set = sgv_max_mem_set,
	.get = sgv_max_mem_get,
};
module_param_cb(max_mem_mb, &sgv_max_mem_ops, NULL, 0644);
MODULE_PARM_DESC(max_mem_mb, "global high watermark of all pools, in MiB (default 0: a quarter of RAM)");

unsigned int sgv_purge_interval_ms = 60000;
module_param_named(purge_interval_ms, sgv_purge_interval_ms, uint, 0644);
MODULE_PARM_DESC(purge_interval_ms, "default purge interval of new pools: cached buffers unused this long are released (default 60000)");

unsigned int sgv_destroy_warn_ms = 60000;
module_param_named(destroy_warn_ms, sgv_destroy_warn_ms, uint, 0644);
MODULE_PARM_DESC(destroy_warn_ms, "while a destroyed pool waits for buffers still in use, warn this often (default 60000)");

/**
 * scst_sgv_default_pool() - the shared pool that exists while the module is
 *                           loaded: fresh pages, no clustering, no limit of
 *                           its own
 */
struct scst_sgv_pool *scst_sgv_default_pool(void)
{
	return sgv_default;
}
EXPORT_SYMBOL_GPL(scst_sgv_default_pool);

/*
 * At unload every other user of the module is gone (a destroyed pool pins
 * the module until it is freed), so a pool still alive here was never
 * destroyed by its creator: destroy it, and give up, loudly, on any pool
 * that still has buffers in use: freeing memory in use is worse than a leak.
 */
static bool sgv_exit_pools(void)
{
	struct scst_sgv_pool *pool;
	bool leaked = false;

	for (;;) {
		spin_lock_bh(&sgv_pools_lock);
		pool = NULL;
		list_for_each_entry(pool, &sgv_pools, node)
			if (!pool->dying)
				break;
		if (list_entry_is_head(pool, &sgv_pools, node))
			pool = NULL;
		spin_unlock_bh(&sgv_pools_lock);
		if (!pool)
			break;
		pr_err("pool %s was not destroyed by its creator: destroying it at unload\n",
		       pool->name);
		scst_sgv_pool_destroy(pool);
	}
	/* Deferred frees of the pools just destroyed. */
	flush_workqueue(sgv_wq);

	spin_lock_bh(&sgv_pools_lock);
	list_for_each_entry(pool, &sgv_pools, node) {
		pr_err("pool %s: %u buffers (%lu pages) still in use at unload: leaking the pool\n",
		       pool->name, pool->st.bufs_in_use, pool->st.pages_in_use);
		leaked = true;
	}
	spin_unlock_bh(&sgv_pools_lock);
	if (leaked) {
		list_for_each_entry(pool, &sgv_pools, node)
			cancel_delayed_work_sync(&pool->destroy_work);
	}
	return leaked;
}

static int __init scst_sgv_init(void)
{
	struct scst_sgv_pool_params params = {
		.name = "default",
		.clustering = SCST_SGV_CLUSTER_NONE,
	};
	int ret;

	if (!sgv_purge_interval_ms) {
		pr_err("purge_interval_ms must be at least 1\n");
		return -EINVAL;
	}
	WRITE_ONCE(sgv_hi_wmk, sgv_mb_to_pages(sgv_max_mem_mb));

	sgv_obj_cache = KMEM_CACHE(sgv_obj, 0);
	if (!sgv_obj_cache)
		return -ENOMEM;
	/*
	 * Aging and deferred frees give memory back: they must make progress
	 * under memory pressure, hence a rescuer.
	 */
	sgv_wq = alloc_workqueue("scst_sgv", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!sgv_wq) {
		ret = -ENOMEM;
		goto out_destroy_cache;
	}
	sgv_debugfs_init();

	ret = sgv_endpoint_init();
	if (ret)
		goto out_exit_debugfs;

	sgv_default = scst_sgv_pool_create(&params);
	if (IS_ERR(sgv_default)) {
		ret = PTR_ERR(sgv_default);
		goto out_exit_endpoint;
	}
	ret = sgv_shrinker_init();
	if (ret)
		goto out_destroy_default;
	return 0;

out_destroy_default:
	scst_sgv_pool_destroy(sgv_default);
	flush_workqueue(sgv_wq);
out_exit_endpoint:
	sgv_endpoint_exit();
out_exit_debugfs:
	sgv_debugfs_exit();
	destroy_workqueue(sgv_wq);
out_destroy_cache:
	kmem_cache_destroy(sgv_obj_cache);
	return ret;
}

static void __exit scst_sgv_exit(void)
{
	bool leaked;

	sgv_shrinker_exit();
	scst_sgv_pool_destroy(sgv_default);
	leaked = sgv_exit_pools();
	sgv_endpoint_exit();
	sgv_debugfs_exit();
	destroy_workqueue(sgv_wq);
	/* With buffers leaked, destroying the cache would free them under use. */
	if (!leaked)
		kmem_cache_destroy(sgv_obj_cache);
}

module_init(scst_sgv_init);
module_exit(scst_sgv_exit);
MODULE_DESCRIPTION("SCST-NG SGV buffer pools");
MODULE_LICENSE("GPL");
