/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG mem-pool (scst_sgv): the scatter-gather buffer allocator every
 * command's data buffer comes from.
 *
 * A pool caches buffers by size class: powers of two of pages up to
 * SCST_SGV_MAX_CACHED_PAGES (or one class of single_alloc_pages). An
 * allocation is served from its class's cache when it can (a hit), else
 * freshly allocated (a miss); larger allocations are never cached. Freeing
 * puts a cacheable buffer back at the head of its class's LRU. The pool lets
 * go of cached buffers when they have not been used for its purge interval,
 * under memory pressure (shrinker), to make room under a limit, on a flush
 * and when it is destroyed.
 *
 * Owner pools: a pool created for an owner endpoint maps memory the owner
 * supplies (dev-user maps user memory this way). Each such buffer records
 * the owner's cookie; when the pool finally lets go of it, it sends
 * SCST_MSG_SGV_RELEASED {cookie} to the owner, and that message is the only
 * way the owner learns of it (no callback). SCST_MSG_SGV_FLUSH from the
 * owner releases every cached buffer of its pools and is answered by
 * SCST_MSG_SGV_FLUSH_DONE after every SGV_RELEASED it caused; <scst/msg.h>
 * explains the order and who holds what.
 *
 * Contexts: scst_sgv_alloc() and scst_sgv_free() may be called from process
 * and softirq context (not hard IRQ); alloc sleeps only if @gfp allows it
 * (an owner's get_pages() may need that). Pool create and destroy are for
 * process context.
 */
#ifndef _SCST_SGV_H
#define _SCST_SGV_H

#include <linux/gfp.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/types.h>
#include <scst/msg.h>

struct module;
struct page;
struct scst_sgv_pool;

#define SCST_SGV_NAME_MAX		32
/* Size classes of 1, 2, 4 ... 1024 pages (4 MiB with 4 KiB pages). */
#define SCST_SGV_NR_CLASSES		11
#define SCST_SGV_MAX_CACHED_PAGES	(1U << (SCST_SGV_NR_CLASSES - 1))
/* No SCSI data buffer is larger; it keeps merged entries' lengths in u32. */
#define SCST_SGV_MAX_SIZE		((size_t)SZ_1G)

/*
 * How pages share scatterlist entries. TAIL: a page physically following
 * the previous entry extends it. FULL: a page extends any entry it is
 * adjacent to, at either end; that reorders pages, so owner pools, whose
 * page order is their data's, cannot use it.
 */
enum scst_sgv_clustering {
	SCST_SGV_CLUSTER_NONE,	/* one scatterlist entry per page */
	SCST_SGV_CLUSTER_TAIL,
	SCST_SGV_CLUSTER_FULL,
};

/**
 * struct scst_sgv_owner_ops - how an owner supplies its memory
 * @owner:     the module providing @get_pages; pinned while the pool lives
 * @get_pages: on a cache miss of scst_sgv_alloc() on the owner's pool, in
 *             the caller's context and with no pool lock held: fill
 *             @pages[0..@nr_pages) with the memory of @cookie, in data
 *             order, and return 0, or return -errno and the allocation
 *             fails with it. The pages stay the owner's: the pool never
 *             frees them and hands them back only by SGV_RELEASED {cookie}.
 *             @nr_pages is the size class, which may exceed the request.
 */
struct scst_sgv_owner_ops {
	struct module *owner;
	int (*get_pages)(void *priv, u64 cookie, struct page **pages,
			 unsigned int nr_pages);
};

/**
 * struct scst_sgv_pool_params - what scst_sgv_pool_create() makes
 * @name:               unique, 1 to SCST_SGV_NAME_MAX - 1 characters, no '/'
 *                      (it names the pool's debugfs directory)
 * @clustering:         enum scst_sgv_clustering
 * @single_alloc_pages: 0: size classes of powers of two; else one class of
 *                      exactly this many pages (at most
 *                      SCST_SGV_MAX_CACHED_PAGES) serving every request up to
 *                      that size, larger ones uncached
 * @purge_interval_ms:  a cached buffer unused this long is released; 0: the
 *                      module's purge_interval_ms parameter
 * @max_pages:          limit on the pages the pool holds, in use and cached;
 *                      0: only the global high watermark applies
 * @owner:              owner pools: the endpoint that gets SGV_RELEASED
 * @owner_ops:          owner pools: how the owner supplies memory; NULL for a
 *                      pool of freshly allocated pages (@owner is ignored)
 * @owner_priv:         passed to @owner_ops->get_pages()
 */
struct scst_sgv_pool_params {
	const char *name;
	enum scst_sgv_clustering clustering;
	unsigned int single_alloc_pages;
	unsigned int purge_interval_ms;
	unsigned long max_pages;
	enum scst_ep_id owner;
	const struct scst_sgv_owner_ops *owner_ops;
	void *owner_priv;
};

/**
 * struct scst_sgv_buf - an allocated buffer, as its user sees it
 * @sg:     the data: a scatterlist (possibly chained) whose entries cover
 *          exactly the requested size, the last one marked as the end
 * @nents:  how many entries that is
 * @cookie: owner pools: whose memory this is. On a cache hit it is the
 *          cookie of the allocation that brought the memory in, not the one
 *          passed to this allocation.
 *
 * Valid from scst_sgv_alloc() until scst_sgv_free(); read-only for users.
 */
struct scst_sgv_buf {
	struct scatterlist *sg;
	unsigned int nents;
	u64 cookie;
};

/*
 * scst_sgv_alloc() flags. CACHED_ONLY: a hit, or -ENOENT with no memory
 * allocated nor asked of the owner. NO_CACHE: fresh, released on free.
 */
#define SCST_SGV_ALLOC_CACHED_ONLY	0x1
#define SCST_SGV_ALLOC_NO_CACHE		0x2

/**
 * struct scst_sgv_stats - counters of one pool, or of all (global)
 * @hits:           allocations served from the cache
 * @misses:         cacheable allocations that found their class empty
 * @uncached:       allocations too big to cache, or with ALLOC_NO_CACHE
 * @failures:       allocations that failed: limits, no memory, owner error
 * @alloc_pages:    pages allocated fresh or supplied by an owner, in total
 * @merged_pages:   of those, pages merged into an entry by clustering
 * @releases:       buffers released, by enum scst_sgv_cause
 * @notices:        SGV_RELEASED notices committed to owners
 * @pages_in_use:   pages in allocated buffers now
 * @pages_cached:   pages in cached buffers now
 * @bufs_in_use:    allocated buffers now
 * @bufs_cached:    cached buffers now
 * @bufs_releasing: released buffers whose notice is not sent yet
 * @pools:          global: pools, including those being destroyed
 * @pools_dying:    global: destroyed pools waiting for buffers still in use
 * @destroy_warnings: "destroy stalled" warnings logged
 */
struct scst_sgv_stats {
	u64 hits;
	u64 misses;
	u64 uncached;
	u64 failures;
	u64 alloc_pages;
	u64 merged_pages;
	u64 releases[SCST_SGV_REL_NR];
	u64 notices;
	unsigned long pages_in_use;
	unsigned long pages_cached;
	unsigned int bufs_in_use;
	unsigned int bufs_cached;
	unsigned int bufs_releasing;
	unsigned int pools;
	unsigned int pools_dying;
	u64 destroy_warnings;
};

struct scst_sgv_pool *scst_sgv_pool_create(const struct scst_sgv_pool_params *p);
void scst_sgv_pool_destroy(struct scst_sgv_pool *pool);
struct scst_sgv_pool *scst_sgv_default_pool(void);
void scst_sgv_pool_flush(struct scst_sgv_pool *pool);

int scst_sgv_alloc(struct scst_sgv_pool *pool, size_t size, gfp_t gfp,
		   unsigned int flags, u64 cookie, struct scst_sgv_buf **bufp);
void scst_sgv_free(struct scst_sgv_buf *buf);

void scst_sgv_get_stats(struct scst_sgv_pool *pool, struct scst_sgv_stats *st);
unsigned int scst_sgv_owner_held(enum scst_ep_id owner);

#endif /* _SCST_SGV_H */
