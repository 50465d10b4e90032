// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG mem-pool: allocating and freeing buffers. A hit is served from
 * the size class's cache; a miss allocates a buffer of the whole class
 * size, filled with fresh pages or with the owner's, clustering physically
 * adjacent pages into one scatterlist entry as the pool asks; then the
 * buffer is trimmed to the size asked for, and restored on free.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "sgv_internal.h"

#define SGV_ALLOC_FLAGS	(SCST_SGV_ALLOC_CACHED_ONLY | SCST_SGV_ALLOC_NO_CACHE)

/* The pool's bookkeeping (buffer, scatterlist) is plain kernel memory. */
static gfp_t sgv_meta_gfp(gfp_t gfp)
{
	return gfp & ~(GFP_ZONEMASK | __GFP_ZERO);
}

static unsigned int sgv_class_of(const struct scst_sgv_pool *pool,
				 unsigned int pages)
{
	if (pool->single_alloc_pages)
		return pages <= pool->single_alloc_pages ? 0 : SGV_NO_CLASS;
	if (pages > SCST_SGV_MAX_CACHED_PAGES)
		return SGV_NO_CLASS;
	return order_base_2(pages);
}

/* Does the page at @pfn follow @sg's last page physically? */
static bool sgv_extends(struct scatterlist *sg, unsigned long pfn)
{
	return page_to_pfn(sg_page(sg)) + (sg->length >> PAGE_SHIFT) == pfn;
}

/**
 * sgv_fill_page() - add one page to a scatterlist being built
 * @f:    the scatterlist so far; @f->first has room for every page to come
 * @page: the next page
 *
 * Returns true when @page extended an existing entry instead of taking a
 * new one: at the tail of the last entry (tail clustering), or at either
 * end of any entry (full clustering).
 */
bool sgv_fill_page(struct sgv_fill *f, struct page *page)
{
	unsigned long pfn = page_to_pfn(page);
	struct scatterlist *sg;
	unsigned int i;

	if (f->used && f->clustering != SCST_SGV_CLUSTER_NONE) {
		/* Pages mostly come in ascending order: the last entry first. */
		if (sgv_extends(f->cur, pfn)) {
			f->cur->length += PAGE_SIZE;
			return true;
		}
		if (f->clustering == SCST_SGV_CLUSTER_FULL) {
			for_each_sg(f->first, sg, f->used, i) {
				if (sgv_extends(sg, pfn)) {
					sg->length += PAGE_SIZE;
					return true;
				}
				/*
				 * In front of an entry: fine for fresh pages,
				 * which hold no data yet, so their order is
				 * free (why owner pools cannot use it).
				 */
				if (pfn + 1 == page_to_pfn(sg_page(sg))) {
					sg_set_page(sg, page, sg->length + PAGE_SIZE,
						    0);
					return true;
				}
			}
		}
	}
	f->cur = f->used ? sg_next(f->cur) : f->first;
	sg_set_page(f->cur, page, PAGE_SIZE, 0);
	f->used++;
	return false;
}

static void sgv_free_pages(struct scatterlist *sgl, unsigned int nents)
{
	struct scatterlist *sg;
	unsigned int i, j;

	/* Merged entries are runs of order-0 pages, each freed on its own. */
	for_each_sg(sgl, sg, nents, i)
		for (j = 0; j < sg->length >> PAGE_SHIFT; j++)
			__free_page(nth_page(sg_page(sg), j));
}

static int sgv_fill_fresh(struct sgv_obj *obj, struct sgv_fill *f, gfp_t gfp,
			  unsigned int *merged)
{
	struct page *page;
	unsigned int i;

	for (i = 0; i < obj->nr_pages; i++) {
		page = alloc_page(gfp);
		if (!page) {
			sgv_free_pages(f->first, f->used);
			return -ENOMEM;
		}
		*merged += sgv_fill_page(f, page);
	}
	return 0;
}

/*
 * The owner supplies the memory of @obj->buf.cookie. If anything fails,
 * the allocation fails and the pool holds nothing of the owner's.
 */
static int sgv_fill_owner(struct scst_sgv_pool *pool, struct sgv_obj *obj,
			  struct sgv_fill *f, gfp_t gfp, unsigned int *merged)
{
	struct page **pages;
	unsigned int i;
	int ret;

	pages = kvmalloc_array(obj->nr_pages, sizeof(*pages),
			       sgv_meta_gfp(gfp) | __GFP_ZERO);
	if (!pages)
		return -ENOMEM;
	ret = pool->owner_ops->get_pages(pool->owner_priv, obj->buf.cookie,
					 pages, obj->nr_pages);
	if (ret) {
		if (ret > 0)
			ret = -EINVAL;
		goto out_free;
	}
	for (i = 0; i < obj->nr_pages; i++) {
		if (!pages[i]) {
			pr_err_ratelimited("pool %s: owner %s supplied no page %u of %u for cookie %#llx\n",
					   pool->name, scst_ep_name(pool->owner),
					   i, obj->nr_pages, obj->buf.cookie);
			ret = -EINVAL;
			goto out_free;
		}
	}
	for (i = 0; i < obj->nr_pages; i++)
		*merged += sgv_fill_page(f, pages[i]);
out_free:
	kvfree(pages);
	return ret;
}

/* A miss, or an uncached buffer: make a new one of @nr_pages. */
static struct sgv_obj *sgv_obj_new(struct scst_sgv_pool *pool,
				   unsigned int cls, unsigned int nr_pages,
				   gfp_t gfp, u64 cookie, size_t size)
{
	struct sgv_fill f = { .clustering = pool->clustering };
	unsigned int merged = 0;
	struct sgv_obj *obj;
	int ret;

	ret = sgv_charge(pool, nr_pages, size);
	if (ret)
		return ERR_PTR(ret);
	obj = kmem_cache_zalloc(sgv_obj_cache, sgv_meta_gfp(gfp));
	if (!obj) {
		ret = -ENOMEM;
		goto out_uncharge;
	}
	ret = sg_alloc_table(&obj->table, nr_pages, sgv_meta_gfp(gfp));
	if (ret)
		goto out_free_obj;
	obj->pool = pool;
	obj->nr_pages = nr_pages;
	obj->cls = cls;
	obj->buf.cookie = cookie;
	INIT_LIST_HEAD(&obj->lru);
	INIT_LIST_HEAD(&obj->age);

	f.first = obj->table.sgl;
	if (pool->owned)
		ret = sgv_fill_owner(pool, obj, &f, gfp, &merged);
	else
		ret = sgv_fill_fresh(obj, &f, gfp, &merged);
	if (ret)
		goto out_free_table;
	/* Clustering may leave entries unused at the end of the table. */
	obj->last = f.cur;
	sg_mark_end(obj->last);
	obj->table.nents = f.used;

	refcount_inc(&pool->refs);
	spin_lock_bh(&pool->lock);
	WRITE_ONCE(obj->state, SGV_OBJ_IN_USE);
	pool->st.bufs_in_use++;
	pool->st.pages_in_use += nr_pages;
	pool->st.alloc_pages += nr_pages;
	pool->st.merged_pages += merged;
	if (cls == SGV_NO_CLASS)
		pool->st.uncached++;
	spin_unlock_bh(&pool->lock);
	return obj;

out_free_table:
	sg_free_table(&obj->table);
out_free_obj:
	kmem_cache_free(sgv_obj_cache, obj);
out_uncharge:
	sgv_uncharge(pool, nr_pages);
	return ERR_PTR(ret);
}

/* Make the scatterlist end at @size bytes; sgv_untrim() undoes it. */
static void sgv_trim(struct sgv_obj *obj, size_t size)
{
	struct scatterlist *sg = obj->table.sgl;
	unsigned int nents = 1;

	obj->buf.sg = sg;
	if (size == (size_t)obj->nr_pages << PAGE_SHIFT) {
		/* The whole buffer, as for every power-of-two size. */
		obj->cut = obj->last;
		obj->cut_len = obj->last->length;
		obj->buf.nents = obj->table.nents;
		return;
	}
	while (size > sg->length) {
		size -= sg->length;
		sg = sg_next(sg);
		nents++;
	}
	obj->cut = sg;
	obj->cut_len = sg->length;
	sg->length = size;
	if (sg != obj->last)
		sg_mark_end(sg);
	obj->buf.nents = nents;
}

static void sgv_untrim(struct sgv_obj *obj)
{
	obj->cut->length = obj->cut_len;
	if (obj->cut != obj->last)
		sg_unmark_end(obj->cut);
}

/**
 * scst_sgv_alloc() - allocate a buffer
 * @pool:   the pool
 * @size:   bytes, 1 to SCST_SGV_MAX_SIZE
 * @gfp:    for fresh pages and bookkeeping; no __GFP_NOFAIL
 * @flags:  SCST_SGV_ALLOC_*
 * @cookie: owner pools: whose memory a miss brings in (passed to the
 *          owner's get_pages() and recorded); others: recorded only
 * @bufp:   set to the buffer (struct scst_sgv_buf) on success, else NULL
 *
 * Returns 0; -EINVAL or -E2BIG for bad arguments, -ESHUTDOWN after the
 * pool's destroy, -ENOENT for a miss with SCST_SGV_ALLOC_CACHED_ONLY,
 * -ENOMEM when over the pool's limit or the global high watermark even
 * after releasing cached buffers (logged, rate-limited) or out of memory,
 * or the error of the owner's get_pages().
 */
int scst_sgv_alloc(struct scst_sgv_pool *pool, size_t size, gfp_t gfp,
		   unsigned int flags, u64 cookie, struct scst_sgv_buf **bufp)
{
	unsigned int pages, cls;
	struct sgv_obj *obj;

	if (unlikely(!bufp))
		return -EINVAL;
	*bufp = NULL;
	if (unlikely(!pool || !size || (flags & ~SGV_ALLOC_FLAGS) ||
		     (gfp & __GFP_NOFAIL))) {
		pr_err_ratelimited("alloc of %zu bytes from pool %s (flags %#x, gfp %pGg) refused: bad arguments\n",
				   size, pool ? pool->name : "(none)", flags,
				   &gfp);
		return -EINVAL;
	}
	if (unlikely(size > SCST_SGV_MAX_SIZE)) {
		pr_err_ratelimited("alloc of %zu bytes from pool %s refused: over the maximum of %zu\n",
				   size, pool->name, SCST_SGV_MAX_SIZE);
		return -E2BIG;
	}
	if (unlikely(READ_ONCE(pool->dying))) {
		pr_err_ratelimited("alloc from pool %s refused: the pool is being destroyed\n",
				   pool->name);
		return -ESHUTDOWN;
	}

	pages = DIV_ROUND_UP(size, PAGE_SIZE);
	cls = flags & SCST_SGV_ALLOC_NO_CACHE ? SGV_NO_CLASS :
						 sgv_class_of(pool, pages);
	if (cls != SGV_NO_CLASS) {
		obj = sgv_cache_get(pool, cls);
		if (obj)
			goto out_trim;
		pages = pool->classes[cls].pages;
	}
	if (flags & SCST_SGV_ALLOC_CACHED_ONLY)
		return -ENOENT;

	obj = sgv_obj_new(pool, cls, pages, gfp, cookie, size);
	if (IS_ERR(obj)) {
		spin_lock_bh(&pool->lock);
		pool->st.failures++;
		spin_unlock_bh(&pool->lock);
		return PTR_ERR(obj);
	}
out_trim:
	sgv_trim(obj, size);
	*bufp = &obj->buf;
	return 0;
}
EXPORT_SYMBOL_GPL(scst_sgv_alloc);

/**
 * scst_sgv_free() - give a buffer back
 * @buf: from scst_sgv_alloc(); unusable afterwards
 *
 * A cacheable buffer goes to the head of its class's LRU; an uncached one,
 * or any buffer of a destroyed pool, is released at once (for an owner
 * pool: SGV_RELEASED sent from here).
 */
void scst_sgv_free(struct scst_sgv_buf *buf)
{
	struct sgv_obj *obj;

	if (unlikely(!buf))
		return;
	obj = to_sgv_obj(buf);
	if (unlikely(READ_ONCE(obj->state) != SGV_OBJ_IN_USE)) {
		pr_err_ratelimited("pool %s: free of a buffer that is not in use (state %u): ignored\n",
				   obj->pool->name, READ_ONCE(obj->state));
		return;
	}
	sgv_untrim(obj);
	if (sgv_cache_put(obj->pool, obj))
		sgv_release(obj);
}
EXPORT_SYMBOL_GPL(scst_sgv_free);

/* The end of a released buffer: drop what the pool kept for it. */
void sgv_obj_destroy(struct sgv_obj *obj)
{
	struct scst_sgv_pool *pool = obj->pool;

	sg_free_table(&obj->table);
	sgv_uncharge(pool, obj->nr_pages);
	spin_lock_bh(&pool->lock);
	pool->st.bufs_releasing--;
	spin_unlock_bh(&pool->lock);
	kmem_cache_free(sgv_obj_cache, obj);
	sgv_pool_put(pool);
}

/* Let go of a buffer detached for release (__sgv_mark_releasing()). */
void sgv_release(struct sgv_obj *obj)
{
	if (obj->pool->owned) {
		/* The pages are the owner's: it takes them back on the notice. */
		sgv_notice_send(obj);
		return;
	}
	sgv_free_pages(obj->table.sgl, obj->table.nents);
	sgv_obj_destroy(obj);
}

/* Release, in order, buffers linked by their @lru. */
void sgv_release_list(struct list_head *list)
{
	struct sgv_obj *obj, *tmp;

	list_for_each_entry_safe(obj, tmp, list, lru) {
		list_del_init(&obj->lru);
		sgv_release(obj);
	}
}
