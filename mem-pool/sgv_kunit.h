/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG mem-pool: hooks for its KUnit suite (kunit/sgv_test.c) only,
 * exported in the EXPORTED_FOR_KUNIT_TESTING namespace when CONFIG_KUNIT is
 * enabled. They drive what otherwise runs on its own (aging, the shrinker)
 * or is set once (the clock, the watermark), so the tests need not wait.
 */
#ifndef _SCST_SGV_KUNIT_H
#define _SCST_SGV_KUNIT_H

#include <scst/sgv.h>

void scst_sgv_test_set_clock(u64 (*now)(void));
unsigned long scst_sgv_test_set_hi_wmk(unsigned long pages);
unsigned int scst_sgv_test_set_destroy_warn_ms(unsigned int ms);
void scst_sgv_test_purge_now(struct scst_sgv_pool *pool);
unsigned long scst_sgv_test_shrink_count(void);
unsigned long scst_sgv_test_shrink_scan(unsigned long nr_pages);
unsigned long scst_sgv_test_pages_charged(void);
void scst_sgv_test_sync(void);
unsigned int scst_sgv_test_fill(struct scatterlist *sgl, struct page **pages,
				unsigned int nr_pages,
				enum scst_sgv_clustering clustering,
				unsigned int *merged);

#endif /* _SCST_SGV_KUNIT_H */
