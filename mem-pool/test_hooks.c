// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: hooks for KUnit (sgv_kunit.h), built only with
 * CONFIG_KUNIT. Each one runs the real code path it names; none of them
 * exists in a production build.
 */
#include <kunit/visibility.h>
#include <linux/module.h>
#include "sgv_internal.h"
#include "sgv_kunit.h"

/* Replace the LRU clock (NULL: the real one). */
void scst_sgv_test_set_clock(u64 (*now)(void))
{
	WRITE_ONCE(sgv_test_clock, now);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_set_clock);

/* Set the global high watermark in pages; returns the previous one. */
unsigned long scst_sgv_test_set_hi_wmk(unsigned long pages)
{
	return xchg(&sgv_hi_wmk, pages);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_set_hi_wmk);

/* Set the period of the "destroy stalled" warning; returns the previous. */
unsigned int scst_sgv_test_set_destroy_warn_ms(unsigned int ms)
{
	return xchg(&sgv_destroy_warn_ms, ms);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_set_destroy_warn_ms);

/* Run the pool's aging work now and wait for it. */
void scst_sgv_test_purge_now(struct scst_sgv_pool *pool)
{
	mod_delayed_work(sgv_wq, &pool->purge_work, 0);
	flush_delayed_work(&pool->purge_work);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_purge_now);

/* The shrinker's count_objects, in pages. */
unsigned long scst_sgv_test_shrink_count(void)
{
	return sgv_shrinker_count();
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_shrink_count);

/* The shrinker's scan_objects for @nr_pages; returns the pages freed. */
unsigned long scst_sgv_test_shrink_scan(unsigned long nr_pages)
{
	return sgv_shrinker_scan(nr_pages);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_shrink_scan);

/* Pages charged against the high watermark by every pool. */
unsigned long scst_sgv_test_pages_charged(void)
{
	return atomic_long_read(&sgv_pages);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_pages_charged);

/* Wait for mem-pool's deferred work: pool frees, retries, aging. */
void scst_sgv_test_sync(void)
{
	flush_workqueue(sgv_wq);
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_sync);

/*
 * Build a scatterlist from @pages as a pool with @clustering would; @sgl
 * has room for @nr_pages entries. Returns the entries used; *@merged gets
 * the pages merged into an existing entry.
 */
unsigned int scst_sgv_test_fill(struct scatterlist *sgl, struct page **pages,
				unsigned int nr_pages,
				enum scst_sgv_clustering clustering,
				unsigned int *merged)
{
	struct sgv_fill f = { .first = sgl, .clustering = clustering };
	unsigned int i;

	*merged = 0;
	for (i = 0; i < nr_pages; i++)
		*merged += sgv_fill_page(&f, pages[i]);
	if (f.used)
		sg_mark_end(f.cur);
	return f.used;
}
EXPORT_SYMBOL_IF_KUNIT(scst_sgv_test_fill);
