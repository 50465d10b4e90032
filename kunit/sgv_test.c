// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SCST-NG mem-pool (scst_sgv). Each case shows one behaviour of
 * <scst/sgv.h>; the case names say which.
 *
 * Owners are test endpoints (SCST_EP_TEST0 and TEST1) that supply pages
 * per cookie (struct st_mem, one per cookie, like dev-user's user command)
 * and take them back on SGV_RELEASED, which they record in order. The LRU
 * runs on a fake clock moved by hand; aging and the shrinker are driven
 * through mem-pool's KUnit hooks, which run the real code paths. Every
 * wait is bounded by ST_WAIT_MS and says what it waited for.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/delay.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <scst/bus.h>
#include <scst/sgv.h>
#include "../mem-pool/sgv_kunit.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define ST_WAIT_MS		10000
#define ST_NR_OWNERS		2
#define ST_MAX_EVENTS		512
#define ST_MAX_POOLS		4
#define ST_MAX_BUFS		512
#define ST_MAX_MEMS		512
#define ST_CONTIG_ORDER		3
#define ST_PURGE_MS		1000

/* The LRU's clock in these tests: moved by hand, never by itself. */
static atomic64_t st_clock;

static u64 st_now(void)
{
	return atomic64_read(&st_clock);
}

static void st_advance_ms(unsigned int ms)
{
	atomic64_add((u64)ms * NSEC_PER_MSEC, &st_clock);
}

struct st_fixture;

/*
 * An owner's object whose memory a pool maps (dev-user's user command).
 * @refs counts who holds it: the command itself, and a pool buffer from
 * get_pages() until SGV_RELEASED.
 */
struct st_mem {
	struct page **pages;
	unsigned int nr;
	bool supplied;
	bool released;
	u8 cause;
	atomic_t refs;
	struct completion zero;
};

struct st_event {
	u16 type;
	u8 cause;
	u64 cookie;
};

struct st_owner {
	struct scst_endpoint ep;
	struct st_fixture *fx;
	bool registered;

	spinlock_t lock;		/* protects what follows */
	struct st_event events[ST_MAX_EVENTS];
	unsigned int nr_events;
	unsigned int nr_released;	/* since st_expect() */
	unsigned int expect;
	struct completion got_all;
	struct scst_msg done;
	struct completion done_c;
};

struct st_fixture {
	struct kunit *test;
	struct st_owner owners[ST_NR_OWNERS];
	struct scst_sgv_pool *pools[ST_MAX_POOLS];
	struct scst_sgv_buf *bufs[ST_MAX_BUFS];
	struct st_mem mems[ST_MAX_MEMS];
	/* get_pages() hands these out in order when set (tail clustering) */
	struct page *contig[1 << ST_CONTIG_ORDER];
	unsigned int contig_next;
	bool use_contig;
	/* knobs to restore */
	bool hi_wmk_set;
	unsigned long hi_wmk;
	bool warn_ms_set;
	unsigned int warn_ms;
};

static struct st_owner *to_st_owner(struct scst_endpoint *ep)
{
	return container_of(ep, struct st_owner, ep);
}

static struct st_mem *st_mem_of(struct st_fixture *fx, u64 cookie)
{
	if (!cookie || cookie > ST_MAX_MEMS)
		return NULL;
	return &fx->mems[cookie - 1];
}

static void st_record(struct st_owner *o, const struct scst_msg *msg)
{
	struct st_event *ev;

	if (o->nr_events >= ST_MAX_EVENTS)
		return;
	ev = &o->events[o->nr_events++];
	ev->type = msg->type;
	ev->cause = msg->sgv.cause;
	ev->cookie = msg->sgv.cookie;
}

/* The owner takes its memory back: the only way it learns of a release. */
static void st_handle_released(struct scst_endpoint *ep,
			       const struct scst_msg *msg)
{
	struct st_owner *o = to_st_owner(ep);
	struct st_mem *mem = st_mem_of(o->fx, msg->sgv.cookie);
	unsigned int i;

	spin_lock(&o->lock);
	st_record(o, msg);
	if (mem && mem->supplied && !mem->released) {
		mem->released = true;
		mem->cause = msg->sgv.cause;
		for (i = 0; i < mem->nr; i++)
			__free_page(mem->pages[i]);
		kfree(mem->pages);
		mem->pages = NULL;
		if (atomic_dec_and_test(&mem->refs))
			complete(&mem->zero);
	}
	if (++o->nr_released == o->expect)
		complete(&o->got_all);
	spin_unlock(&o->lock);
}

static void st_handle_flush_done(struct scst_endpoint *ep,
				 const struct scst_msg *msg)
{
	struct st_owner *o = to_st_owner(ep);

	spin_lock(&o->lock);
	st_record(o, msg);
	o->done = *msg;
	complete(&o->done_c);
	spin_unlock(&o->lock);
}

static const SCST_HANDLERS(st_handlers) = {
	[SCST_MSG_SGV_RELEASED]		= st_handle_released,
	[SCST_MSG_SGV_FLUSH_DONE]	= st_handle_flush_done,
};

static int st_get_pages(void *priv, u64 cookie, struct page **pages,
			unsigned int nr)
{
	struct st_fixture *fx = priv;
	struct st_mem *mem = st_mem_of(fx, cookie);
	unsigned int i;

	if (!mem || mem->supplied)
		return -EINVAL;
	mem->pages = kcalloc(nr, sizeof(*mem->pages), GFP_KERNEL);
	if (!mem->pages)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		if (fx->use_contig && fx->contig_next < ARRAY_SIZE(fx->contig))
			mem->pages[i] = fx->contig[fx->contig_next++];
		else
			mem->pages[i] = alloc_page(GFP_KERNEL);
		if (!mem->pages[i])
			goto out_free;
		pages[i] = mem->pages[i];
	}
	mem->nr = nr;
	mem->supplied = true;
	/* The buffer now holds this object's memory. */
	atomic_inc(&mem->refs);
	return 0;

out_free:
	while (i--)
		__free_page(mem->pages[i]);
	kfree(mem->pages);
	mem->pages = NULL;
	return -ENOMEM;
}

static const struct scst_sgv_owner_ops st_owner_ops = {
	.owner		= THIS_MODULE,
	.get_pages	= st_get_pages,
};

static int st_suite_init(struct kunit_suite *suite)
{
	atomic64_set(&st_clock, NSEC_PER_SEC);
	scst_sgv_test_set_clock(st_now);
	return 0;
}

static void st_suite_exit(struct kunit_suite *suite)
{
	scst_sgv_test_set_clock(NULL);
}

static int st_init(struct kunit *test)
{
	static const char * const names[ST_NR_OWNERS] = { "test0", "test1" };
	struct st_fixture *fx;
	struct st_owner *o;
	unsigned int i;

	/* Not kunit_kzalloc(): see st_exit(). */
	fx = kzalloc(sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->test = test;
	for (i = 0; i < ST_NR_OWNERS; i++) {
		o = &fx->owners[i];
		o->fx = fx;
		o->ep.name = names[i];
		o->ep.id = SCST_EP_TEST0 + i;
		o->ep.handlers = SCST_EP_HANDLERS(st_handlers);
		spin_lock_init(&o->lock);
		init_completion(&o->got_all);
		init_completion(&o->done_c);
	}
	for (i = 0; i < ST_MAX_MEMS; i++)
		init_completion(&fx->mems[i].zero);
	test->priv = fx;
	/* Nothing of other users may be older than what a case caches. */
	scst_sgv_pool_flush(scst_sgv_default_pool());
	return 0;
}

static void st_exit(struct kunit *test)
{
	struct st_fixture *fx = test->priv;
	bool leak = false;
	unsigned int i;

	for (i = 0; i < ST_MAX_BUFS; i++)
		if (fx->bufs[i])
			scst_sgv_free(fx->bufs[i]);
	for (i = 0; i < ST_MAX_POOLS; i++)
		if (fx->pools[i])
			scst_sgv_pool_destroy(fx->pools[i]);
	/* The pools' last notices are queued; their frees are done. */
	scst_sgv_test_sync();
	if (fx->hi_wmk_set)
		scst_sgv_test_set_hi_wmk(fx->hi_wmk);
	if (fx->warn_ms_set)
		scst_sgv_test_set_destroy_warn_ms(fx->warn_ms);
	/* Unregistering delivers what is queued, so owners get it all. */
	for (i = 0; i < ST_NR_OWNERS; i++) {
		if (!fx->owners[i].registered)
			continue;
		if (scst_bus_unregister(&fx->owners[i].ep)) {
			kunit_err(test, "%s did not unregister: fixture leaked\n",
				  fx->owners[i].ep.name);
			leak = true;
		}
	}
	for (i = 0; i < ST_MAX_MEMS; i++) {
		if (fx->mems[i].supplied && !fx->mems[i].released) {
			kunit_err(test, "cookie %u: memory never released: leaked\n",
				  i + 1);
			leak = true;
		}
	}
	/* The bus, or a pool, may still hold what failed to come back. */
	if (!leak)
		kfree(fx);
}

static struct st_fixture *st_fx(struct kunit *test)
{
	return test->priv;
}

static struct st_owner *st_owner(struct kunit *test, unsigned int i)
{
	struct st_owner *o = &st_fx(test)->owners[i];

	if (!o->registered) {
		KUNIT_ASSERT_EQ(test, scst_bus_register(&o->ep), 0);
		o->registered = true;
	}
	return o;
}

/* Make a pool the fixture destroys at exit (unless the case did). */
static struct scst_sgv_pool *st_pool(struct kunit *test,
				     struct scst_sgv_pool_params *p)
{
	struct st_fixture *fx = st_fx(test);
	struct scst_sgv_pool *pool;
	unsigned int i;

	if (p->owner_ops)
		p->owner_priv = fx;
	pool = scst_sgv_pool_create(p);
	KUNIT_ASSERT_FALSE_MSG(test, IS_ERR(pool), "pool %s: %ld", p->name,
			       PTR_ERR(pool));
	for (i = 0; i < ST_MAX_POOLS; i++) {
		if (!fx->pools[i]) {
			fx->pools[i] = pool;
			return pool;
		}
	}
	KUNIT_FAIL(test, "more than %d pools", ST_MAX_POOLS);
	return pool;
}

static void st_destroy(struct kunit *test, struct scst_sgv_pool *pool)
{
	struct st_fixture *fx = st_fx(test);
	unsigned int i;

	for (i = 0; i < ST_MAX_POOLS; i++)
		if (fx->pools[i] == pool)
			fx->pools[i] = NULL;
	scst_sgv_pool_destroy(pool);
}

/* Allocate into slot @slot; the fixture frees what is left at exit. */
static struct scst_sgv_buf *st_alloc(struct kunit *test, unsigned int slot,
				     struct scst_sgv_pool *pool, size_t size,
				     unsigned int flags, u64 cookie)
{
	struct st_fixture *fx = st_fx(test);
	int ret;

	KUNIT_ASSERT_LT(test, slot, ST_MAX_BUFS);
	KUNIT_ASSERT_NULL(test, fx->bufs[slot]);
	ret = scst_sgv_alloc(pool, size, GFP_KERNEL, flags, cookie,
			     &fx->bufs[slot]);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "alloc of %zu bytes", size);
	KUNIT_ASSERT_NOT_NULL(test, fx->bufs[slot]);
	return fx->bufs[slot];
}

static void st_free(struct kunit *test, unsigned int slot)
{
	struct st_fixture *fx = st_fx(test);

	KUNIT_ASSERT_NOT_NULL(test, fx->bufs[slot]);
	scst_sgv_free(fx->bufs[slot]);
	fx->bufs[slot] = NULL;
}

static void st_stats(struct scst_sgv_pool *pool, struct scst_sgv_stats *st)
{
	scst_sgv_get_stats(pool, st);
}

/* The scatterlist covers exactly @size bytes in @nents entries. */
static void st_check_sg(struct kunit *test, struct scst_sgv_buf *buf,
			size_t size, unsigned int nents)
{
	struct scatterlist *sg;
	size_t bytes = 0;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, buf->nents, nents);
	KUNIT_EXPECT_EQ(test, sg_nents(buf->sg), (int)nents);
	for_each_sg(buf->sg, sg, buf->nents, i) {
		bytes += sg->length;
		KUNIT_EXPECT_EQ(test, sg_is_last(sg), i == buf->nents - 1);
	}
	KUNIT_EXPECT_EQ(test, bytes, size);
}

static void st_expect(struct st_owner *o, unsigned int n)
{
	spin_lock_bh(&o->lock);
	o->nr_released = 0;
	o->expect = n;
	reinit_completion(&o->got_all);
	reinit_completion(&o->done_c);
	spin_unlock_bh(&o->lock);
}

static void st_wait_released(struct kunit *test, struct st_owner *o)
{
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&o->got_all,
							  msecs_to_jiffies(ST_WAIT_MS)) != 0,
			      "waited %d ms for %u SGV_RELEASED at %s, got %u",
			      ST_WAIT_MS, o->expect, o->ep.name, o->nr_released);
}

static void st_wait_done(struct kunit *test, struct st_owner *o)
{
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&o->done_c,
							  msecs_to_jiffies(ST_WAIT_MS)) != 0,
			      "waited %d ms for SGV_FLUSH_DONE at %s",
			      ST_WAIT_MS, o->ep.name);
}

static void st_send_flush(struct kunit *test, struct st_owner *o,
			  enum scst_ep_id owner, struct scst_sgv_pool *pool)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_SGV_FLUSH, o->ep.id, SCST_EP_SGV);
	msg.sgv.owner = owner;
	msg.sgv.pool = pool;
	KUNIT_ASSERT_EQ(test, scst_bus_send(&msg), 0);
}

/* Flush and wait for FLUSH_DONE; returns it. */
static struct scst_msg st_flush(struct kunit *test, struct st_owner *o,
				struct scst_sgv_pool *pool)
{
	reinit_completion(&o->done_c);
	st_send_flush(test, o, o->ep.id, pool);
	st_wait_done(test, o);
	return o->done;
}

/*
 * Hits and misses: a miss fills a whole size class, later requests of that
 * class hit, each trimmed to its size and restored on free; larger ones and
 * ALLOC_NO_CACHE are uncached and released on free; ALLOC_CACHED_ONLY
 * misses with -ENOENT. The counters add up.
 */
static void sgv_test_hit_miss_accounting(struct kunit *test)
{
	struct scst_sgv_pool_params p = { .name = "st-hm" };
	const size_t big = (SCST_SGV_MAX_CACHED_PAGES + 1) * PAGE_SIZE;
	struct scst_sgv_pool *pool = st_pool(test, &p);
	struct scst_sgv_buf *buf, *none = NULL;
	struct scst_sgv_stats st;

	buf = st_alloc(test, 0, pool, PAGE_SIZE, 0, 0);
	st_check_sg(test, buf, PAGE_SIZE, 1);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.misses, 1ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 0ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_in_use, 1U);
	KUNIT_EXPECT_EQ(test, st.pages_in_use, 1UL);
	st_free(test, 0);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 1U);
	KUNIT_EXPECT_EQ(test, st.bufs_in_use, 0U);

	/* Same class: a hit, trimmed to 100 bytes. */
	buf = st_alloc(test, 0, pool, 100, 0, 0);
	st_check_sg(test, buf, 100, 1);
	st_free(test, 0);

	/* 6 pages and 10 bytes: a miss of the 8-page class, trimmed. */
	buf = st_alloc(test, 0, pool, 5 * PAGE_SIZE + 10, 0, 0);
	st_check_sg(test, buf, 5 * PAGE_SIZE + 10, 6);
	st_free(test, 0);
	/* 7 pages: a hit of that buffer, the trim of before undone. */
	buf = st_alloc(test, 0, pool, 7 * PAGE_SIZE, 0, 0);
	st_check_sg(test, buf, 7 * PAGE_SIZE, 7);
	st_free(test, 0);
	buf = st_alloc(test, 0, pool, 8 * PAGE_SIZE, 0, 0);
	st_check_sg(test, buf, 8 * PAGE_SIZE, 8);
	st_free(test, 0);

	/* Larger than the largest class: uncached, released on free. */
	buf = st_alloc(test, 0, pool, big, 0, 0);
	st_check_sg(test, buf, big, SCST_SGV_MAX_CACHED_PAGES + 1);
	st_free(test, 0);
	buf = st_alloc(test, 0, pool, PAGE_SIZE, SCST_SGV_ALLOC_NO_CACHE, 0);
	st_free(test, 0);

	/* Nothing cached for 2 pages: CACHED_ONLY allocates nothing. */
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, 2 * PAGE_SIZE, GFP_KERNEL,
					     SCST_SGV_ALLOC_CACHED_ONLY, 0,
					     &none), -ENOENT);
	KUNIT_EXPECT_NULL(test, none);

	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.hits, 3ULL);
	KUNIT_EXPECT_EQ(test, st.misses, 3ULL);
	KUNIT_EXPECT_EQ(test, st.uncached, 2ULL);
	KUNIT_EXPECT_EQ(test, st.failures, 0ULL);
	KUNIT_EXPECT_EQ(test, st.alloc_pages,
			1ULL + 8 + SCST_SGV_MAX_CACHED_PAGES + 1 + 1);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_UNCACHED], 2ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 2U);
	KUNIT_EXPECT_EQ(test, st.pages_cached, 9UL);
	KUNIT_EXPECT_EQ(test, st.bufs_in_use, 0U);
	KUNIT_EXPECT_EQ(test, st.pages_in_use, 0UL);
	KUNIT_EXPECT_EQ(test, st.bufs_releasing, 0U);
}

/* A single-size pool: one class of single_alloc_pages, larger uncached. */
static void sgv_test_single_alloc_pages(struct kunit *test)
{
	struct scst_sgv_pool_params p = {
		.name = "st-single",
		.single_alloc_pages = 3,
	};
	struct scst_sgv_pool *pool = st_pool(test, &p);
	struct scst_sgv_buf *buf;
	struct scst_sgv_stats st;

	buf = st_alloc(test, 0, pool, PAGE_SIZE, 0, 0);
	st_check_sg(test, buf, PAGE_SIZE, 1);
	st_free(test, 0);
	buf = st_alloc(test, 0, pool, 3 * PAGE_SIZE, 0, 0);
	st_check_sg(test, buf, 3 * PAGE_SIZE, 3);
	st_free(test, 0);
	buf = st_alloc(test, 0, pool, 4 * PAGE_SIZE, 0, 0);
	st_check_sg(test, buf, 4 * PAGE_SIZE, 4);
	st_free(test, 0);

	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.misses, 1ULL);
	KUNIT_EXPECT_EQ(test, st.hits, 1ULL);
	KUNIT_EXPECT_EQ(test, st.uncached, 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_cached, 3UL);
}

/*
 * Clustering: physically adjacent pages share an entry; tail clustering
 * only extends the last entry, full clustering any entry at either end.
 * Pages p0 p1 p2 p5 p3 p4 of one contiguous block give 6, 3 and 2 entries.
 * Then through an owner pool with tail clustering: the owner's 4
 * contiguous pages become one entry.
 */
static void sgv_test_clustering(struct kunit *test)
{
	static const unsigned int order[] = { 0, 1, 2, 5, 3, 4 };
	struct scst_sgv_pool_params p = {
		.name = "st-clust",
		.clustering = SCST_SGV_CLUSTER_TAIL,
		.owner = SCST_EP_TEST0,
		.owner_ops = &st_owner_ops,
	};
	struct st_fixture *fx = st_fx(test);
	struct page *block, *pages[ARRAY_SIZE(order)];
	struct scatterlist sgl[ARRAY_SIZE(order)];
	struct scst_sgv_pool *pool;
	struct scst_sgv_buf *buf;
	struct scst_sgv_stats st;
	unsigned int i, n, merged;

	block = alloc_pages(GFP_KERNEL, ST_CONTIG_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, block);
	for (i = 0; i < ARRAY_SIZE(order); i++)
		pages[i] = nth_page(block, order[i]);

	sg_init_table(sgl, ARRAY_SIZE(sgl));
	n = scst_sgv_test_fill(sgl, pages, ARRAY_SIZE(order),
			       SCST_SGV_CLUSTER_NONE, &merged);
	KUNIT_EXPECT_EQ(test, n, 6U);
	KUNIT_EXPECT_EQ(test, merged, 0U);

	sg_init_table(sgl, ARRAY_SIZE(sgl));
	n = scst_sgv_test_fill(sgl, pages, ARRAY_SIZE(order),
			       SCST_SGV_CLUSTER_TAIL, &merged);
	KUNIT_EXPECT_EQ(test, n, 3U);
	KUNIT_EXPECT_EQ(test, merged, 3U);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(&sgl[0]), block);
	KUNIT_EXPECT_EQ(test, sgl[0].length, 3 * PAGE_SIZE);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(&sgl[1]), nth_page(block, 5));
	KUNIT_EXPECT_PTR_EQ(test, sg_page(&sgl[2]), nth_page(block, 3));
	KUNIT_EXPECT_EQ(test, sgl[2].length, 2 * PAGE_SIZE);

	sg_init_table(sgl, ARRAY_SIZE(sgl));
	n = scst_sgv_test_fill(sgl, pages, ARRAY_SIZE(order),
			       SCST_SGV_CLUSTER_FULL, &merged);
	KUNIT_EXPECT_EQ(test, n, 2U);
	KUNIT_EXPECT_EQ(test, merged, 4U);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(&sgl[0]), block);
	KUNIT_EXPECT_EQ(test, sgl[0].length, 5 * PAGE_SIZE);
	KUNIT_EXPECT_EQ(test, sgl[1].length, PAGE_SIZE);

	/* Full clustering merges in front of an entry, too. */
	pages[0] = nth_page(block, 1);
	pages[1] = block;
	sg_init_table(sgl, ARRAY_SIZE(sgl));
	n = scst_sgv_test_fill(sgl, pages, 2, SCST_SGV_CLUSTER_FULL, &merged);
	KUNIT_EXPECT_EQ(test, n, 1U);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(&sgl[0]), block);
	KUNIT_EXPECT_EQ(test, sgl[0].length, 2 * PAGE_SIZE);
	sg_init_table(sgl, ARRAY_SIZE(sgl));
	n = scst_sgv_test_fill(sgl, pages, 2, SCST_SGV_CLUSTER_TAIL, &merged);
	KUNIT_EXPECT_EQ(test, n, 2U);
	__free_pages(block, ST_CONTIG_ORDER);

	/* An owner pool, tail clustering, contiguous owner pages. */
	block = alloc_pages(GFP_KERNEL, ST_CONTIG_ORDER);
	KUNIT_ASSERT_NOT_NULL(test, block);
	/* The owner frees its pages one by one on SGV_RELEASED. */
	split_page(block, ST_CONTIG_ORDER);
	for (i = 0; i < ARRAY_SIZE(fx->contig); i++)
		fx->contig[i] = nth_page(block, i);
	fx->use_contig = true;
	st_owner(test, 0);
	pool = st_pool(test, &p);
	buf = st_alloc(test, 0, pool, 4 * PAGE_SIZE, 0, 1);
	st_check_sg(test, buf, 4 * PAGE_SIZE, 1);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.merged_pages, 3ULL);
	st_free(test, 0);
	/* The other 4 pages were never handed out: the test owns them. */
	for (i = fx->contig_next; i < ARRAY_SIZE(fx->contig); i++)
		__free_page(fx->contig[i]);
	fx->use_contig = false;
}

/*
 * Aging on the injected clock: a buffer unused for the purge interval is
 * released by the purge work, one not yet due stays; a hit and a new free
 * restart a buffer's age.
 */
static void sgv_test_lru_purge_with_clock(struct kunit *test)
{
	struct scst_sgv_pool_params p = {
		.name = "st-purge",
		.purge_interval_ms = ST_PURGE_MS,
	};
	struct scst_sgv_pool *pool = st_pool(test, &p);
	struct scst_sgv_stats st;

	st_alloc(test, 0, pool, PAGE_SIZE, 0, 0);	/* A */
	st_alloc(test, 1, pool, 2 * PAGE_SIZE, 0, 0);	/* B */
	st_alloc(test, 2, pool, 4 * PAGE_SIZE, 0, 0);	/* C */
	st_free(test, 0);				/* A at 0 */
	st_advance_ms(400);
	st_free(test, 1);				/* B at 400 */
	st_advance_ms(400);
	st_free(test, 2);				/* C at 800 */

	st_advance_ms(200);				/* 1000: A due */
	scst_sgv_test_purge_now(pool);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_PURGE], 1ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 2U);
	KUNIT_EXPECT_EQ(test, st.pages_cached, 6UL);

	st_advance_ms(300);				/* 1300: none due */
	scst_sgv_test_purge_now(pool);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_PURGE], 1ULL);

	st_advance_ms(100);				/* 1400: B due */
	scst_sgv_test_purge_now(pool);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_PURGE], 2ULL);
	KUNIT_EXPECT_EQ(test, st.pages_cached, 4UL);

	/* C is used again and freed at 1700: due at 2700, not at 1800. */
	st_alloc(test, 2, pool, 4 * PAGE_SIZE, 0, 0);
	st_advance_ms(300);
	st_free(test, 2);
	st_advance_ms(500);				/* 2200 */
	scst_sgv_test_purge_now(pool);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.hits, 1ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 1U);
	st_advance_ms(500);				/* 2700 */
	scst_sgv_test_purge_now(pool);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_PURGE], 3ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 0U);
}

/*
 * The shrinker frees the oldest first, across pools: six one-page buffers
 * freed at t1..t6, alternately into two owner pools; a scan of 3 pages
 * releases t1, t2 and t3, each owner hears of its own.
 */
static void sgv_test_shrinker_frees_oldest_first(struct kunit *test)
{
	struct scst_sgv_pool_params pa = {
		.name = "st-shrink-a",
		.owner = SCST_EP_TEST0,
		.owner_ops = &st_owner_ops,
	};
	struct scst_sgv_pool_params pb = {
		.name = "st-shrink-b",
		.owner = SCST_EP_TEST1,
		.owner_ops = &st_owner_ops,
	};
	struct st_owner *a = st_owner(test, 0), *b = st_owner(test, 1);
	struct st_fixture *fx = st_fx(test);
	struct scst_sgv_pool *pool[2];
	struct scst_sgv_stats st;
	unsigned int i;

	pool[0] = st_pool(test, &pa);
	pool[1] = st_pool(test, &pb);
	/* Cookie i + 1 in slot i, pool a for odd cookies, b for even. */
	for (i = 0; i < 6; i++)
		st_alloc(test, i, pool[i % 2], PAGE_SIZE, 0, i + 1);
	for (i = 0; i < 6; i++) {
		st_advance_ms(1);
		st_free(test, i);
	}
	KUNIT_EXPECT_EQ(test, scst_sgv_test_shrink_count(), 6UL);

	st_expect(a, 2);
	st_expect(b, 1);
	KUNIT_EXPECT_EQ(test, scst_sgv_test_shrink_scan(3), 3UL);
	st_wait_released(test, a);
	st_wait_released(test, b);
	for (i = 0; i < 6; i++) {
		KUNIT_EXPECT_EQ_MSG(test, fx->mems[i].released, i < 3,
				    "cookie %u", i + 1);
		if (i < 3)
			KUNIT_EXPECT_EQ(test, fx->mems[i].cause,
					(u8)SCST_SGV_REL_SHRINK);
	}
	KUNIT_EXPECT_EQ(test, scst_sgv_test_shrink_count(), 3UL);
	st_stats(pool[0], &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_SHRINK], 2ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 1U);
	st_stats(pool[1], &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_SHRINK], 1ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 2U);
}

/*
 * A pool's limit: an allocation over it first releases the pool's cached
 * buffers; with nothing cached it fails with -ENOMEM, counted.
 */
static void sgv_test_pool_limit_enomem(struct kunit *test)
{
	struct scst_sgv_pool_params p = { .name = "st-limit", .max_pages = 8 };
	struct scst_sgv_pool *pool = st_pool(test, &p);
	struct scst_sgv_buf *none = NULL;
	struct scst_sgv_stats st;

	st_alloc(test, 0, pool, 4 * PAGE_SIZE, 0, 0);
	st_alloc(test, 1, pool, 4 * PAGE_SIZE, 0, 0);
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, PAGE_SIZE, GFP_KERNEL, 0, 0,
					     &none), -ENOMEM);
	KUNIT_EXPECT_NULL(test, none);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.failures, 1ULL);

	/* 4 pages cached, 4 in use: a new page needs the cached ones. */
	st_free(test, 0);
	st_alloc(test, 2, pool, PAGE_SIZE, 0, 0);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_LIMIT], 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_cached, 0UL);
	KUNIT_EXPECT_EQ(test, st.pages_in_use, 5UL);
	KUNIT_EXPECT_EQ(test, st.failures, 1ULL);
}

/* The global high watermark: the same, over every pool. */
static void sgv_test_high_watermark_enomem(struct kunit *test)
{
	struct scst_sgv_pool_params p = { .name = "st-hiwmk" };
	struct st_fixture *fx = st_fx(test);
	struct scst_sgv_pool *pool = st_pool(test, &p);
	struct scst_sgv_buf *none = NULL;
	struct scst_sgv_stats st;

	fx->hi_wmk = scst_sgv_test_set_hi_wmk(scst_sgv_test_pages_charged() + 4);
	fx->hi_wmk_set = true;
	st_alloc(test, 0, pool, 4 * PAGE_SIZE, 0, 0);
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, PAGE_SIZE, GFP_KERNEL, 0, 0,
					     &none), -ENOMEM);
	st_free(test, 0);
	st_alloc(test, 1, pool, PAGE_SIZE, 0, 0);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.failures, 1ULL);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_LIMIT], 1ULL);
	KUNIT_EXPECT_EQ(test, st.pages_in_use, 1UL);
}

/* Owner pools: a hit hands out the memory of the cookie that brought it. */
static void sgv_test_owner_hit_keeps_cookie(struct kunit *test)
{
	struct scst_sgv_pool_params p = {
		.name = "st-cookie",
		.owner = SCST_EP_TEST0,
		.owner_ops = &st_owner_ops,
	};
	struct st_fixture *fx = st_fx(test);
	struct scst_sgv_pool *pool;
	struct scst_sgv_buf *buf, *none = NULL;

	st_owner(test, 0);
	pool = st_pool(test, &p);
	/* Two-phase, as dev-user does: try the cache, then supply memory. */
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, PAGE_SIZE, GFP_KERNEL,
					     SCST_SGV_ALLOC_CACHED_ONLY, 1,
					     &none), -ENOENT);
	KUNIT_EXPECT_FALSE(test, fx->mems[0].supplied);
	buf = st_alloc(test, 0, pool, PAGE_SIZE, 0, 1);
	KUNIT_EXPECT_EQ(test, buf->cookie, 1ULL);
	KUNIT_EXPECT_PTR_EQ(test, sg_page(buf->sg), fx->mems[0].pages[0]);
	st_free(test, 0);
	buf = st_alloc(test, 0, pool, PAGE_SIZE, 0, 2);
	KUNIT_EXPECT_EQ(test, buf->cookie, 1ULL);
	KUNIT_EXPECT_FALSE(test, fx->mems[1].supplied);
	KUNIT_EXPECT_EQ(test, scst_sgv_owner_held(SCST_EP_TEST0), 1U);
}

struct st_cause_case {
	const char *name;
	enum scst_sgv_cause cause;
	bool in_use;		/* still allocated when the cause strikes */
};

static const struct st_cause_case st_cause_cases[] = {
	{ .name = "purge", .cause = SCST_SGV_REL_PURGE },
	{ .name = "shrink", .cause = SCST_SGV_REL_SHRINK },
	{ .name = "limit", .cause = SCST_SGV_REL_LIMIT },
	{ .name = "flush", .cause = SCST_SGV_REL_FLUSH },
	{ .name = "destroy", .cause = SCST_SGV_REL_DESTROY },
	{ .name = "destroy-in-use", .cause = SCST_SGV_REL_DESTROY,
	  .in_use = true },
	{ .name = "uncached", .cause = SCST_SGV_REL_UNCACHED },
};

static void st_cause_to_desc(const struct st_cause_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(st_cause, st_cause_cases, st_cause_to_desc);

/*
 * Owner pages: whatever makes the pool let go of an owner's buffer, the
 * owner gets SGV_RELEASED {cookie} with that cause, and nothing else tells
 * it. Destroyed while in use, the buffer stays valid until freed, and the
 * pool goes only after it.
 */
static void sgv_test_owner_released_on_each_cause(struct kunit *test)
{
	const struct st_cause_case *c = test->param_value;
	struct scst_sgv_pool_params p = {
		.name = "st-cause",
		.purge_interval_ms = ST_PURGE_MS,
		.max_pages = c->cause == SCST_SGV_REL_LIMIT ? 2 : 0,
		.owner = SCST_EP_TEST0,
		.owner_ops = &st_owner_ops,
	};
	struct st_owner *o = st_owner(test, 0);
	struct st_fixture *fx = st_fx(test);
	struct scst_sgv_stats before, after;
	struct scst_sgv_pool *pool;
	struct scst_sgv_buf *buf;
	unsigned int held = 0;
	struct scst_msg done;

	pool = st_pool(test, &p);
	st_expect(o, 1);
	buf = st_alloc(test, 0, pool, PAGE_SIZE,
		       c->cause == SCST_SGV_REL_UNCACHED ?
		       SCST_SGV_ALLOC_NO_CACHE : 0, 1);
	if (!c->in_use)
		st_free(test, 0);
	/*
	 * A cached buffer is not released by its free; an uncached one is,
	 * and on SMP its notice may already have been delivered.
	 */
	if (c->cause != SCST_SGV_REL_UNCACHED)
		KUNIT_EXPECT_FALSE(test, fx->mems[0].released);

	switch (c->cause) {
	case SCST_SGV_REL_PURGE:
		st_advance_ms(ST_PURGE_MS);
		scst_sgv_test_purge_now(pool);
		break;
	case SCST_SGV_REL_SHRINK:
		KUNIT_EXPECT_EQ(test, scst_sgv_test_shrink_scan(1), 1UL);
		break;
	case SCST_SGV_REL_LIMIT:
		/* 1 page cached + 2 new > 2: the cached one must go. */
		st_alloc(test, 1, pool, 2 * PAGE_SIZE, 0, 2);
		held = 1;
		break;
	case SCST_SGV_REL_FLUSH:
		done = st_flush(test, o, pool);
		KUNIT_EXPECT_EQ(test, done.sgv.status, 0);
		KUNIT_EXPECT_EQ(test, done.sgv.count, 1U);
		break;
	case SCST_SGV_REL_DESTROY:
		scst_sgv_get_stats(NULL, &before);
		st_destroy(test, pool);
		if (c->in_use) {
			/* Deferred: the buffer is still the caller's. */
			KUNIT_EXPECT_FALSE(test, fx->mems[0].released);
			KUNIT_EXPECT_EQ(test, scst_sgv_owner_held(SCST_EP_TEST0),
					1U);
			memset(sg_virt(buf->sg), 0x5a, PAGE_SIZE);
			st_free(test, 0);
		}
		scst_sgv_test_sync();
		scst_sgv_get_stats(NULL, &after);
		KUNIT_EXPECT_EQ(test, after.pools + 1, before.pools);
		KUNIT_EXPECT_EQ(test, after.pools_dying, 0U);
		break;
	default:
		break;
	}
	st_wait_released(test, o);
	KUNIT_EXPECT_TRUE(test, fx->mems[0].released);
	KUNIT_EXPECT_EQ(test, fx->mems[0].cause, (u8)c->cause);
	KUNIT_EXPECT_EQ(test, o->events[0].type, (u16)SCST_MSG_SGV_RELEASED);
	KUNIT_EXPECT_EQ(test, o->events[0].cookie, 1ULL);
	KUNIT_EXPECT_EQ(test, scst_sgv_owner_held(SCST_EP_TEST0), held);
}

/*
 * The flush handshake: 300 cached buffers of one owner (more than a bus
 * ring holds, so some spill) are released by SGV_FLUSH, and the owner sees
 * all 300 SGV_RELEASED before SGV_FLUSH_DONE, whose notices count is
 * exactly what it has seen since the previous FLUSH_DONE. The other
 * owner's cache and the buffer still in use are left alone.
 */
static void sgv_test_flush_done_after_every_released(struct kunit *test)
{
	const unsigned int n = 300;
	struct scst_sgv_pool_params pa = {
		.name = "st-flush-a",
		.owner = SCST_EP_TEST0,
		.owner_ops = &st_owner_ops,
	};
	struct scst_sgv_pool_params pb = {
		.name = "st-flush-b",
		.owner = SCST_EP_TEST1,
		.owner_ops = &st_owner_ops,
	};
	struct st_owner *a = st_owner(test, 0);
	struct scst_sgv_pool *pool_a, *pool_b;
	struct scst_msg done;
	struct scst_sgv_stats st;
	unsigned int i;
	u64 base;

	st_owner(test, 1);
	pool_a = st_pool(test, &pa);
	pool_b = st_pool(test, &pb);
	/* Where the owner's notice count stands: an empty flush says. */
	done = st_flush(test, a, NULL);
	KUNIT_ASSERT_EQ(test, done.sgv.status, 0);
	KUNIT_EXPECT_EQ(test, done.sgv.count, 0U);
	base = done.sgv.notices;

	for (i = 0; i < n + 1; i++)
		st_alloc(test, i, pool_a, PAGE_SIZE, 0, i + 1);
	st_alloc(test, n + 1, pool_b, PAGE_SIZE, 0, n + 2);
	for (i = 0; i < n; i++)
		st_free(test, i);
	st_free(test, n + 1);

	st_expect(a, n);
	spin_lock_bh(&a->lock);
	a->nr_events = 0;
	spin_unlock_bh(&a->lock);
	done = st_flush(test, a, NULL);
	st_wait_released(test, a);

	KUNIT_EXPECT_EQ(test, done.sgv.status, 0);
	KUNIT_EXPECT_EQ(test, done.sgv.count, n);
	KUNIT_EXPECT_EQ(test, done.sgv.in_use, 1U);
	KUNIT_EXPECT_EQ(test, done.sgv.notices, base + n);
	KUNIT_ASSERT_EQ(test, a->nr_events, n + 1);
	for (i = 0; i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, a->events[i].type,
				    (u16)SCST_MSG_SGV_RELEASED, "event %u", i);
		KUNIT_EXPECT_EQ(test, a->events[i].cause,
				(u8)SCST_SGV_REL_FLUSH);
	}
	KUNIT_EXPECT_EQ(test, a->events[n].type, (u16)SCST_MSG_SGV_FLUSH_DONE);

	st_stats(pool_a, &st);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 0U);
	KUNIT_EXPECT_EQ(test, st.bufs_in_use, 1U);
	KUNIT_EXPECT_EQ(test, st.releases[SCST_SGV_REL_FLUSH], (u64)n);
	st_stats(pool_b, &st);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 1U);
}

/* A flush that names someone else's buffers, or no pool, is refused. */
static void sgv_test_flush_refused(struct kunit *test)
{
	struct scst_sgv_pool_params pb = {
		.name = "st-refuse-b",
		.owner = SCST_EP_TEST1,
		.owner_ops = &st_owner_ops,
	};
	struct st_owner *a = st_owner(test, 0);
	struct scst_sgv_pool *pool_b;
	struct scst_sgv_stats st;

	st_owner(test, 1);
	pool_b = st_pool(test, &pb);
	st_alloc(test, 0, pool_b, PAGE_SIZE, 0, 1);
	st_free(test, 0);

	reinit_completion(&a->done_c);
	st_send_flush(test, a, SCST_EP_TEST1, NULL);
	st_wait_done(test, a);
	KUNIT_EXPECT_EQ(test, a->done.sgv.status, -EPERM);

	reinit_completion(&a->done_c);
	st_send_flush(test, a, SCST_EP_TEST0, pool_b);
	st_wait_done(test, a);
	KUNIT_EXPECT_EQ(test, a->done.sgv.status, -ENOENT);
	KUNIT_EXPECT_EQ(test, a->done.sgv.count, 0U);

	st_stats(pool_b, &st);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 1U);
}

/*
 * THE SEED SCENARIO, at pool level (DESIGN.md; SCST commit 83745c0a2d,
 * "scst_user: Fix infinite cleanup loop caused by stale SGV pool
 * reference").
 *
 * In SCST, scst_user mapped a user command's buffer through the SGV pool's
 * alloc_pages_fn callback, and the cached SGV object kept a reference on
 * that user command. The reference was dropped only inside the pool's
 * free_pages_fn callback, which the pool calls when it finally evicts the
 * object. When a command completed, its buffer went back to the cache with
 * the reference still taken; device cleanup then waited, in a loop, for
 * every user command to go away, and nothing on that path made the pool
 * evict the object: the reference was invisible to the loop, hidden in a
 * callback chain, and the loop spun forever (the fix made cleanup flush
 * the pools first).
 *
 * Here: the owner's command (st_mem 1) counts two references, its own and
 * the one the pool's buffer holds on its memory (taken in get_pages()).
 * The command completes and frees its buffer, which goes to the cache: the
 * count is 1, held by the cache, and visible (scst_sgv_owner_held()). The
 * owner's cleanup step is one message, SGV_FLUSH; the pool answers with
 * SGV_RELEASED for the buffer, whose handler drops the count to 0 and
 * completes, then SGV_FLUSH_DONE. The test waits for that completion with
 * a bound: no loop, no polling, and it knows at each step who holds what.
 */
static void sgv_test_seed_scenario_flush_releases_stale_ref(struct kunit *test)
{
	struct scst_sgv_pool_params p = {
		.name = "st-seed",
		.owner = SCST_EP_TEST0,
		.owner_ops = &st_owner_ops,
	};
	struct st_owner *o = st_owner(test, 0);
	struct st_fixture *fx = st_fx(test);
	struct st_mem *cmd = &fx->mems[0];
	struct scst_sgv_pool *pool;
	struct scst_msg done;

	pool = st_pool(test, &p);
	atomic_set(&cmd->refs, 1);			/* the command's own */
	st_alloc(test, 0, pool, 4 * PAGE_SIZE, 0, 1);
	KUNIT_EXPECT_EQ(test, atomic_read(&cmd->refs), 2);

	/* The command completes: its buffer is cached, its memory held. */
	st_free(test, 0);
	atomic_dec(&cmd->refs);
	KUNIT_EXPECT_EQ(test, atomic_read(&cmd->refs), 1);
	KUNIT_EXPECT_EQ(test, scst_sgv_owner_held(SCST_EP_TEST0), 1U);
	KUNIT_EXPECT_FALSE(test, completion_done(&cmd->zero));

	/* Cleanup: flush, and wait (bounded) for the count to reach 0. */
	st_expect(o, 1);
	spin_lock_bh(&o->lock);
	o->nr_events = 0;
	spin_unlock_bh(&o->lock);
	done = st_flush(test, o, NULL);
	KUNIT_ASSERT_TRUE_MSG(test,
			      wait_for_completion_timeout(&cmd->zero,
							  msecs_to_jiffies(ST_WAIT_MS)) != 0,
			      "waited %d ms for the command's count to reach 0: %d left",
			      ST_WAIT_MS, atomic_read(&cmd->refs));
	KUNIT_EXPECT_EQ(test, atomic_read(&cmd->refs), 0);
	KUNIT_EXPECT_EQ(test, scst_sgv_owner_held(SCST_EP_TEST0), 0U);
	KUNIT_EXPECT_EQ(test, done.sgv.count, 1U);
	KUNIT_EXPECT_EQ(test, done.sgv.in_use, 0U);
	/* The release came first, the flush's answer after it. */
	KUNIT_ASSERT_EQ(test, o->nr_events, 2U);
	KUNIT_EXPECT_EQ(test, o->events[0].type, (u16)SCST_MSG_SGV_RELEASED);
	KUNIT_EXPECT_EQ(test, o->events[0].cookie, 1ULL);
	KUNIT_EXPECT_EQ(test, o->events[1].type, (u16)SCST_MSG_SGV_FLUSH_DONE);
}

/*
 * Destroy with a buffer still out: the pool stays (counted as dying), the
 * buffer's memory stays usable, the pool warns periodically with the count
 * while it waits, and goes once the buffer is freed.
 */
static void sgv_test_destroy_deferred_warns(struct kunit *test)
{
	struct scst_sgv_pool_params p = { .name = "st-defer" };
	struct st_fixture *fx = st_fx(test);
	struct scst_sgv_stats before, st;
	struct scst_sgv_pool *pool;
	struct scst_sgv_buf *buf;
	struct scatterlist *sg;
	unsigned int i;

	fx->warn_ms = scst_sgv_test_set_destroy_warn_ms(20);
	fx->warn_ms_set = true;
	pool = st_pool(test, &p);
	buf = st_alloc(test, 0, pool, 2 * PAGE_SIZE, 0, 0);
	scst_sgv_get_stats(NULL, &before);
	st_destroy(test, pool);

	scst_sgv_get_stats(NULL, &st);
	KUNIT_EXPECT_EQ(test, st.pools_dying, before.pools_dying + 1);
	for_each_sg(buf->sg, sg, buf->nents, i)
		memset(sg_virt(sg), 0xa5, sg->length);
	/* A few warning periods; one sleep, not a loop. */
	msleep(200);
	st_stats(pool, &st);
	KUNIT_EXPECT_GE(test, st.destroy_warnings, 1ULL);
	KUNIT_EXPECT_EQ(test, st.bufs_in_use, 1U);

	st_free(test, 0);
	scst_sgv_test_sync();
	scst_sgv_get_stats(NULL, &st);
	KUNIT_EXPECT_EQ(test, st.pools_dying, before.pools_dying);
	KUNIT_EXPECT_EQ(test, st.pools + 1, before.pools);
}

/* Bad input gets an error, never a crash. */
static void sgv_test_refuses_bad_input(struct kunit *test)
{
	static const struct scst_sgv_owner_ops no_get = { .owner = THIS_MODULE };
	struct scst_sgv_pool_params p = { .name = "st-bad" };
	struct scst_sgv_pool_params q;
	struct scst_sgv_pool *pool = st_pool(test, &p);
	struct scst_sgv_buf *buf = NULL;
	struct scst_sgv_stats st;

	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, 0, GFP_KERNEL, 0, 0, &buf),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, SCST_SGV_MAX_SIZE + 1,
					     GFP_KERNEL, 0, 0, &buf), -E2BIG);
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(pool, PAGE_SIZE, GFP_KERNEL, 0x80,
					     0, &buf), -EINVAL);
	KUNIT_EXPECT_EQ(test, scst_sgv_alloc(NULL, PAGE_SIZE, GFP_KERNEL, 0, 0,
					     &buf), -EINVAL);
	KUNIT_EXPECT_NULL(test, buf);

	q = p;
	q.name = NULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.name = "";
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.name = "a/b";
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.name = "a-name-of-thirty-two-characters!";
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.name = "st-bad";
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EEXIST);
	q.name = "st-bad2";
	q.clustering = 7;
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.clustering = SCST_SGV_CLUSTER_NONE;
	q.single_alloc_pages = SCST_SGV_MAX_CACHED_PAGES + 1;
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.single_alloc_pages = 0;
	q.owner = SCST_EP_TEST0;
	q.owner_ops = &no_get;
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.owner_ops = &st_owner_ops;
	q.clustering = SCST_SGV_CLUSTER_FULL;
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);
	q.clustering = SCST_SGV_CLUSTER_NONE;
	q.owner = SCST_EP_NR;
	KUNIT_EXPECT_EQ(test, PTR_ERR(scst_sgv_pool_create(&q)), -EINVAL);

	/* Freeing a cached buffer again is caught and ignored. */
	buf = st_alloc(test, 0, pool, PAGE_SIZE, 0, 0);
	st_free(test, 0);
	scst_sgv_free(buf);
	st_stats(pool, &st);
	KUNIT_EXPECT_EQ(test, st.bufs_cached, 1U);
	KUNIT_EXPECT_EQ(test, st.bufs_in_use, 0U);
}

static struct kunit_case sgv_test_cases[] = {
	KUNIT_CASE(sgv_test_hit_miss_accounting),
	KUNIT_CASE(sgv_test_single_alloc_pages),
	KUNIT_CASE(sgv_test_clustering),
	KUNIT_CASE(sgv_test_lru_purge_with_clock),
	KUNIT_CASE(sgv_test_shrinker_frees_oldest_first),
	KUNIT_CASE(sgv_test_pool_limit_enomem),
	KUNIT_CASE(sgv_test_high_watermark_enomem),
	KUNIT_CASE(sgv_test_owner_hit_keeps_cookie),
	KUNIT_CASE_PARAM(sgv_test_owner_released_on_each_cause,
			 st_cause_gen_params),
	KUNIT_CASE(sgv_test_flush_done_after_every_released),
	KUNIT_CASE(sgv_test_flush_refused),
	KUNIT_CASE(sgv_test_seed_scenario_flush_releases_stale_ref),
	KUNIT_CASE(sgv_test_destroy_deferred_warns),
	KUNIT_CASE(sgv_test_refuses_bad_input),
	{}
};

static struct kunit_suite sgv_test_suite = {
	.name = "scst_sgv",
	.suite_init = st_suite_init,
	.suite_exit = st_suite_exit,
	.init = st_init,
	.exit = st_exit,
	.test_cases = sgv_test_cases,
};

kunit_test_suite(sgv_test_suite);
