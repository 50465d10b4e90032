// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: debugfs. /sys/kernel/debug/scst/sgv/stats shows the
 * global counters and limits; /sys/kernel/debug/scst/sgv/pools/<pool>/stats
 * one pool's, with its size classes. The bus creates /sys/kernel/debug/scst.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/seq_file.h>
#include "sgv_internal.h"

static struct dentry *sgv_debugfs_dir;
static struct dentry *sgv_debugfs_pools;

static const char * const sgv_clustering_names[] = {
	[SCST_SGV_CLUSTER_NONE]	= "none",
	[SCST_SGV_CLUSTER_TAIL]	= "tail",
	[SCST_SGV_CLUSTER_FULL]	= "full",
};

static void sgv_show_counters(struct seq_file *m, const struct scst_sgv_stats *st)
{
	unsigned int i;

	seq_printf(m, "hits: %llu\n", st->hits);
	seq_printf(m, "misses: %llu\n", st->misses);
	seq_printf(m, "uncached: %llu\n", st->uncached);
	seq_printf(m, "failures: %llu\n", st->failures);
	seq_printf(m, "alloc_pages: %llu\n", st->alloc_pages);
	seq_printf(m, "merged_pages: %llu\n", st->merged_pages);
	seq_printf(m, "pages_in_use: %lu\n", st->pages_in_use);
	seq_printf(m, "pages_cached: %lu\n", st->pages_cached);
	seq_printf(m, "bufs_in_use: %u\n", st->bufs_in_use);
	seq_printf(m, "bufs_cached: %u\n", st->bufs_cached);
	seq_printf(m, "bufs_releasing: %u\n", st->bufs_releasing);
	seq_printf(m, "notices: %llu\n", st->notices);
	seq_printf(m, "destroy_warnings: %llu\n", st->destroy_warnings);
	seq_puts(m, "releases:");
	for (i = 0; i < SCST_SGV_REL_NR; i++)
		seq_printf(m, " %s %llu", sgv_cause_name(i), st->releases[i]);
	seq_putc(m, '\n');
}

static int sgv_pool_stats_show(struct seq_file *m, void *unused)
{
	struct scst_sgv_pool *pool = m->private;
	struct sgv_class classes[SCST_SGV_NR_CLASSES];
	struct scst_sgv_stats st;
	unsigned int i;
	bool dying;

	spin_lock_bh(&pool->lock);
	st = pool->st;
	dying = pool->dying;
	memcpy(classes, pool->classes, sizeof(classes));
	spin_unlock_bh(&pool->lock);

	seq_printf(m, "pool: %s\n", pool->name);
	seq_printf(m, "state: %s\n", dying ? "destroyed, waiting for buffers in use" :
					     "alive");
	seq_printf(m, "owner: %s\n", pool->owned ? scst_ep_name(pool->owner) :
						   "(none: fresh pages)");
	seq_printf(m, "clustering: %s\n", sgv_clustering_names[pool->clustering]);
	if (pool->single_alloc_pages)
		seq_printf(m, "classes: one of %u pages\n",
			   pool->single_alloc_pages);
	else
		seq_printf(m, "classes: powers of two up to %u pages\n",
			   SCST_SGV_MAX_CACHED_PAGES);
	seq_printf(m, "purge_interval_ms: %llu\n",
		   div_u64(pool->purge_ns, NSEC_PER_MSEC));
	seq_printf(m, "max_pages: %lu%s\n", pool->max_pages,
		   pool->max_pages ? "" : " (no limit of its own)");
	seq_printf(m, "pages_charged: %ld\n", atomic_long_read(&pool->pages));
	sgv_show_counters(m, &st);
	seq_printf(m, "%-8s %10s %12s %12s\n", "pages", "cached", "hits",
		   "misses");
	for (i = 0; i < pool->nr_classes; i++)
		seq_printf(m, "%-8u %10u %12llu %12llu\n", classes[i].pages,
			   classes[i].nr_cached, classes[i].hits,
			   classes[i].misses);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgv_pool_stats);

static int sgv_global_stats_show(struct seq_file *m, void *unused)
{
	struct scst_sgv_stats st;

	scst_sgv_get_stats(NULL, &st);
	seq_printf(m, "pools: %u\n", st.pools);
	seq_printf(m, "pools_dying: %u\n", st.pools_dying);
	seq_printf(m, "high_watermark_pages: %lu\n", READ_ONCE(sgv_hi_wmk));
	seq_printf(m, "pages_charged: %ld\n", atomic_long_read(&sgv_pages));
	seq_printf(m, "shrinkable_pages: %lu\n", sgv_shrinker_count());
	seq_printf(m, "unsent_notices: %u\n", sgv_unsent_count());
	sgv_show_counters(m, &st);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(sgv_global_stats);

void sgv_debugfs_add(struct scst_sgv_pool *pool)
{
	if (!sgv_debugfs_pools)
		return;
	pool->debugfs = debugfs_create_dir(pool->name, sgv_debugfs_pools);
	debugfs_create_file("stats", 0444, pool->debugfs, pool,
			    &sgv_pool_stats_fops);
}

void sgv_debugfs_remove(struct scst_sgv_pool *pool)
{
	debugfs_remove_recursive(pool->debugfs);
	pool->debugfs = NULL;
}

void sgv_debugfs_init(void)
{
	struct dentry *root;

	/*
	 * The bus (which we depend on) made /sys/kernel/debug/scst; debugfs
	 * failures are not fatal: the pools work without their stats.
	 */
	root = debugfs_lookup("scst", NULL);
	if (!root) {
		pr_warn("no /sys/kernel/debug/scst from the bus: no debugfs stats\n");
		return;
	}
	sgv_debugfs_dir = debugfs_create_dir("sgv", root);
	dput(root);
	sgv_debugfs_pools = debugfs_create_dir("pools", sgv_debugfs_dir);
	debugfs_create_file("stats", 0444, sgv_debugfs_dir, NULL,
			    &sgv_global_stats_fops);
}

void sgv_debugfs_exit(void)
{
	debugfs_remove_recursive(sgv_debugfs_dir);
	sgv_debugfs_dir = NULL;
	sgv_debugfs_pools = NULL;
}
