/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG mem-pool internals, shared by the files of scst_sgv.ko only.
 *
 * Locking: sgv_pools_lock (a BH-safe spinlock) protects the list of pools
 * and the retired counters; each pool's lock protects its caches, its LRU
 * and its counters. Nesting, where it happens (the shrinker, a flush by
 * message), is sgv_pools_lock then one pool's lock. Nothing allocates
 * memory or calls an owner under either lock; bus messages are sent
 * outside them too (scst_bus_send() would allow it, but the order that
 * matters is the sending CPU's, not the lock's).
 *
 * A buffer (struct sgv_obj) holds a reference on its pool from the moment
 * it is allocated until it is finally released, so a pool outlives every
 * buffer of it, in use, cached, or waiting for its release notice.
 */
#ifndef _SCST_SGV_INTERNAL_H
#define _SCST_SGV_INTERNAL_H

#include <linux/atomic.h>
#include <linux/list.h>
#include <linux/refcount.h>
#include <linux/scatterlist.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <scst/bus.h>
#include <scst/sgv.h>

/* Class index of a buffer the pool does not cache. */
#define SGV_NO_CLASS		SCST_SGV_NR_CLASSES

enum sgv_obj_state {
	SGV_OBJ_IN_USE,		/* between scst_sgv_alloc() and scst_sgv_free() */
	SGV_OBJ_CACHED,		/* on its class's free list and the pool's LRU */
	SGV_OBJ_RELEASING,	/* detached for good: pages or notice on the way */
};

/**
 * struct sgv_obj - one buffer
 * @buf:      the user's view
 * @pool:     the pool it belongs to (holds a reference on it)
 * @lru:      cached: on its class's free list, newest first; releasing: on a
 *            release list or on the unsent-notice list
 * @age:      cached: on the pool's LRU, newest first
 * @freed_at: sgv_now() when it last entered the cache
 * @table:    its scatterlist: orig_nents entries allocated, nents used
 * @last:     the last used entry
 * @cut:      the entry that ends the current allocation
 * @cut_len:  the full length of @cut, restored on free
 * @nr_pages: pages in the buffer
 * @cls:      size class, or SGV_NO_CLASS
 * @state:    enum sgv_obj_state
 * @cause:    releasing: enum scst_sgv_cause
 */
struct sgv_obj {
	struct scst_sgv_buf buf;
	struct scst_sgv_pool *pool;
	struct list_head lru;
	struct list_head age;
	u64 freed_at;
	struct sg_table table;
	struct scatterlist *last;
	struct scatterlist *cut;
	unsigned int cut_len;
	unsigned int nr_pages;
	u8 cls;
	u8 state;
	u8 cause;
};

static inline struct sgv_obj *to_sgv_obj(struct scst_sgv_buf *buf)
{
	return container_of(buf, struct sgv_obj, buf);
}

/**
 * struct sgv_class - the cache of one buffer size
 * @free:      cached buffers, most recently freed first (a hit takes the
 *             warmest)
 * @pages:     pages per buffer
 * @nr_cached: buffers on @free
 * @hits:      allocations served from @free
 * @misses:    allocations that found @free empty
 */
struct sgv_class {
	struct list_head free;
	unsigned int pages;
	unsigned int nr_cached;
	u64 hits;
	u64 misses;
};

/**
 * struct scst_sgv_pool - a named pool of cached buffers
 * @name:        unique; names its debugfs directory
 * @clustering:  enum scst_sgv_clustering
 * @single_alloc_pages: see struct scst_sgv_pool_params
 * @nr_classes:  size classes in use
 * @purge_ns:    a cached buffer unused this long is released
 * @max_pages:   limit on @pages; 0: none
 * @owned:       an owner pool: memory from @owner_ops, notices to @owner
 * @owner:       the owner endpoint
 * @owner_ops:   how the owner supplies memory
 * @owner_priv:  for @owner_ops
 * @refs:        one for the creator until destroy, one per buffer
 * @pages:       pages charged to the pool: in use, cached, releasing
 * @node:        on sgv_pools
 * @lock:        protects what follows, up to @st
 * @dying:       destroy has started: nothing is cached any more
 * @purge_armed: @purge_work is queued
 * @oldest_ns:   freed_at of the oldest cached buffer, U64_MAX when none;
 *               written under @lock, read without it by the shrinker
 * @age:         cached buffers, newest first
 * @classes:     the size classes
 * @st:          counters (the pool-level fields of struct scst_sgv_stats)
 * @purge_work:  ages the cache
 * @destroy_work: warns while a destroyed pool waits for its buffers
 * @free_work:   frees the pool after its last reference is gone
 * @destroy_start: jiffies when destroy started
 * @debugfs:     its debugfs directory
 */
struct scst_sgv_pool {
	char name[SCST_SGV_NAME_MAX];
	enum scst_sgv_clustering clustering;
	unsigned int single_alloc_pages;
	unsigned int nr_classes;
	u64 purge_ns;
	unsigned long max_pages;
	bool owned;
	enum scst_ep_id owner;
	const struct scst_sgv_owner_ops *owner_ops;
	void *owner_priv;

	refcount_t refs;
	atomic_long_t pages;
	struct list_head node;

	spinlock_t lock;		/* protects what follows, up to @st */
	bool dying;
	bool purge_armed;
	u64 oldest_ns;
	struct list_head age;
	struct sgv_class classes[SCST_SGV_NR_CLASSES];
	struct scst_sgv_stats st;

	struct delayed_work purge_work;
	struct delayed_work destroy_work;
	struct work_struct free_work;
	unsigned long destroy_start;
	struct dentry *debugfs;
};

/* main.c: module-wide state and parameters */
extern struct workqueue_struct *sgv_wq;
extern struct kmem_cache *sgv_obj_cache;
extern spinlock_t sgv_pools_lock;
extern struct list_head sgv_pools;
extern struct scst_sgv_stats sgv_retired;
extern atomic_long_t sgv_pages;
extern atomic_long_t sgv_cached_pages;
extern unsigned long sgv_hi_wmk;
extern unsigned int sgv_purge_interval_ms;
extern unsigned int sgv_destroy_warn_ms;
typedef u64 (*sgv_clock_fn)(void);
extern sgv_clock_fn sgv_test_clock;

/* pool.c */
const char *sgv_cause_name(unsigned int cause);
void sgv_pool_put(struct scst_sgv_pool *pool);
void sgv_stats_add(struct scst_sgv_stats *sum, const struct scst_sgv_stats *st);
void __sgv_mark_releasing(struct scst_sgv_pool *pool, struct sgv_obj *obj,
			  enum scst_sgv_cause cause);

/* alloc.c */
struct sgv_fill {
	struct scatterlist *first;
	struct scatterlist *cur;
	unsigned int used;
	enum scst_sgv_clustering clustering;
};

bool sgv_fill_page(struct sgv_fill *f, struct page *page);
void sgv_release(struct sgv_obj *obj);
void sgv_release_list(struct list_head *list);
void sgv_obj_destroy(struct sgv_obj *obj);

/* cache/lru.c */
u64 sgv_now(void);
struct sgv_obj *sgv_cache_get(struct scst_sgv_pool *pool, unsigned int cls);
bool sgv_cache_put(struct scst_sgv_pool *pool, struct sgv_obj *obj);
unsigned long __sgv_cache_take(struct scst_sgv_pool *pool,
			       struct list_head *list, unsigned long max_pages,
			       u64 until_ns, enum scst_sgv_cause cause);
void sgv_purge_work_fn(struct work_struct *work);

/* shrink.c */
int sgv_charge(struct scst_sgv_pool *pool, unsigned int nr_pages,
	       size_t size);
void sgv_uncharge(struct scst_sgv_pool *pool, unsigned int nr_pages);
unsigned long sgv_shrink(unsigned long nr_pages, enum scst_sgv_cause cause);
unsigned long sgv_shrinker_scan(unsigned long nr_to_scan);
unsigned long sgv_shrinker_count(void);
int sgv_shrinker_init(void);
void sgv_shrinker_exit(void);

/* owner.c */
void sgv_notice_send(struct sgv_obj *obj);
void sgv_owner_commit(enum scst_ep_id owner);
unsigned int sgv_unsent_count(void);
int sgv_endpoint_init(void);
void sgv_endpoint_exit(void);

/* stats.c */
#ifdef CONFIG_DEBUG_FS
void sgv_debugfs_init(void);
void sgv_debugfs_exit(void);
void sgv_debugfs_add(struct scst_sgv_pool *pool);
void sgv_debugfs_remove(struct scst_sgv_pool *pool);
#else
static inline void sgv_debugfs_init(void)
{
}

static inline void sgv_debugfs_exit(void)
{
}

static inline void sgv_debugfs_add(struct scst_sgv_pool *pool)
{
}

static inline void sgv_debugfs_remove(struct scst_sgv_pool *pool)
{
}
#endif

#endif /* _SCST_SGV_INTERNAL_H */
