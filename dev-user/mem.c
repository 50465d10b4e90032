// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: user memory as command buffers.
 *
 * Each device has an owner SGV pool whose memory dev-user supplies: on a
 * miss, the replying process's buffer (ALLOC_MEM's reply) is pinned by the
 * pool's get_pages() and recorded in a user_mem, whose address is the
 * pool's cookie. The pool holds that memory while a command uses it and
 * while it stays cached (the reuse modes); when it lets go, it sends
 * SGV_RELEASED {cookie} and only then are the pages unpinned. A cached
 * buffer's release is announced to user space by ON_CACHED_MEM_FREE.
 *
 * The cookie is the record, not the user address: a process may hand the
 * same address again once it freed a buffer, while the pool may not have
 * released the first one yet; the record is unique either way.
 */
#include <linux/log2.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include "user.h"

static int user_pin_process_pages(u64 pbuf, unsigned int nr_pages,
				  struct page **pages)
{
	int ret;

	ret = pin_user_pages_fast(pbuf, nr_pages, FOLL_WRITE | FOLL_LONGTERM,
				  pages);
	if (ret < 0)
		return ret;
	if (ret != nr_pages) {
		unpin_user_pages(pages, ret);
		return -EFAULT;
	}
	return 0;
}

static void user_unpin_process_pages(struct page **pages,
				     unsigned int nr_pages)
{
	unpin_user_pages(pages, nr_pages);
}

const struct user_pin_ops user_pin_process = {
	.pin	= user_pin_process_pages,
	.unpin	= user_unpin_process_pages,
};

/* The pool asks for the memory of @cookie (a user_mem) on a miss. */
static int user_get_pages(void *priv, u64 cookie, struct page **pages,
			  unsigned int nr_pages)
{
	struct user_dev *udev = priv;
	struct user_mem *mem = (struct user_mem *)(uintptr_t)cookie;
	int ret;

	mem->pages = kvmalloc_array(nr_pages, sizeof(*pages), GFP_KERNEL);
	if (!mem->pages)
		return -ENOMEM;
	ret = udev->pin->pin(mem->pbuf, nr_pages, mem->pages);
	if (ret) {
		user_warn("%s: cannot pin %u pages at %#llx: %d\n",
			  udev->name, nr_pages, mem->pbuf, ret);
		kvfree(mem->pages);
		mem->pages = NULL;
		return ret;
	}
	memcpy(pages, mem->pages, nr_pages * sizeof(*pages));
	mem->nr_pages = nr_pages;
	return 0;
}

static const struct scst_sgv_owner_ops user_owner_ops = {
	.owner		= THIS_MODULE,
	.get_pages	= user_get_pages,
};

static atomic_t user_pool_seq = ATOMIC_INIT(0);

/* Process context: a new pool for a device being registered. */
int user_pool_create(struct user_dev *udev,
		     const struct scst_user_dev_desc *desc)
{
	struct scst_sgv_pool_params p = {
		.name		= udev->pool_name,
		.clustering	= desc->sgv_disable_clustered_pool ?
				  SCST_SGV_CLUSTER_NONE : SCST_SGV_CLUSTER_TAIL,
		.owner		= SCST_EP_USER,
		.owner_ops	= &user_owner_ops,
		.owner_priv	= udev,
	};
	struct scst_sgv_pool *pool;

	if (desc->sgv_purge_interval > 0)
		p.purge_interval_ms = jiffies_to_msecs(desc->sgv_purge_interval);
	/* A dying pool may still hold an earlier name: each gets its own. */
	snprintf(udev->pool_name, sizeof(udev->pool_name), "scst_user-%u",
		 atomic_inc_return(&user_pool_seq));
	pool = scst_sgv_pool_create(&p);
	if (IS_ERR(pool))
		return PTR_ERR(pool);
	udev->pool = pool;
	return 0;
}

/*
 * Pages a buffer of @bufflen takes: its size class (powers of two up to
 * SCST_SGV_MAX_CACHED_PAGES) when the pool may cache it, so that the
 * memory user space supplies fits any later command of that class.
 */
unsigned int user_alloc_pages(const struct user_dev *udev, u32 bufflen)
{
	unsigned int pages = DIV_ROUND_UP(bufflen, PAGE_SIZE);

	if (READ_ONCE(udev->opt.memory_reuse_type) == SCST_USER_MEM_NO_REUSE ||
	    pages > SCST_SGV_MAX_CACHED_PAGES)
		return pages;
	return roundup_pow_of_two(pages);
}

/* Whether buffers of commands moving data @data_dir are kept cached. */
bool user_reuses(const struct user_dev *udev, u8 data_dir)
{
	switch (READ_ONCE(udev->opt.memory_reuse_type)) {
	case SCST_USER_MEM_REUSE_ALL:
		return true;
	case SCST_USER_MEM_REUSE_READ:
		return data_dir == SCST_DATA_READ;
	case SCST_USER_MEM_REUSE_WRITE:
		return data_dir == SCST_DATA_WRITE;
	default:
		return false;
	}
}

/*
 * User space gets @mem back by ON_CACHED_MEM_FREE, under the handle
 * PREALLOC_BUFFER gave it if any; a stopping device tells nobody
 * (dev->lock held).
 */
static void user_mem_gone(struct user_dev *udev, const struct user_mem *mem)
{
	struct user_cmd *note = NULL;

	if (udev->state == USER_DEV_LIVE)
		note = user_cmd_new_h(udev, NULL, SCST_USER_ON_CACHED_MEM_FREE,
				      mem->h);
	if (note) {
		note->free_pbuf = mem->pbuf;
		user_cmd_queue(note, SCST_USER_ON_CACHED_MEM_FREE);
	} else if (mem->h) {
		xa_erase(&udev->cmds, mem->h);
	}
}

static struct user_mem *user_mem_new(struct user_dev *udev, u64 pbuf)
{
	struct user_mem *mem = kzalloc(sizeof(*mem), GFP_KERNEL);

	if (!mem)
		return NULL;
	mem->udev = udev;
	mem->pbuf = pbuf;
	INIT_LIST_HEAD(&mem->node);
	return mem;
}

/*
 * After scst_sgv_alloc(): a record the pool took (its get_pages() pinned
 * the memory) joins the device's list and holds the device; one it did
 * not (an error, or a hit on another cached buffer) is freed, and in the
 * latter case the memory user space offered goes back to it by
 * ON_CACHED_MEM_FREE, since it will never be used.
 */
static void user_mem_settle(struct user_dev *udev, struct user_mem *mem,
			    const struct scst_sgv_buf *buf)
{
	spin_lock_bh(&udev->lock);
	if (mem->pages) {
		kref_get(&udev->kref);
		list_add_tail(&mem->node, &udev->mems);
		udev->nr_mems++;
		mem = NULL;
	} else if (buf) {
		user_mem_gone(udev, mem);
	} else if (mem->h) {
		xa_erase(&udev->cmds, mem->h);
	}
	spin_unlock_bh(&udev->lock);
	kfree(mem);
}

/**
 * user_buf_alloc() - the buffer of @ucmd from the memory at @pbuf
 * @udev:    the device
 * @ucmd:    the command (its lend held: the caller answers the core)
 * @pbuf:    the user buffer, page aligned
 * @bufflen: the command's data length
 *
 * Process context, in the process that supplies @pbuf.
 */
int user_buf_alloc(struct user_dev *udev, struct user_cmd *ucmd, u64 pbuf,
		   u32 bufflen)
{
	struct scst_cmd *cmd = ucmd->cmd;
	struct scst_sgv_buf *buf;
	struct user_mem *mem;
	bool cached = user_reuses(udev, cmd->data_dir);
	int ret;

	mem = user_mem_new(udev, pbuf);
	if (!mem)
		return -ENOMEM;
	ret = scst_sgv_alloc(udev->pool, bufflen, GFP_KERNEL,
			     cached ? 0 : SCST_SGV_ALLOC_NO_CACHE,
			     (uintptr_t)mem, &buf);
	user_mem_settle(udev, mem, ret ? NULL : buf);
	if (ret)
		return ret;
	mem = (struct user_mem *)(uintptr_t)buf->cookie;

	spin_lock_bh(&udev->lock);
	ucmd->buf = buf;
	ucmd->pbuf = mem->pbuf;
	ucmd->buf_cached = cached;
	ucmd->refs |= USER_REF_BUF;
	cmd->sg = buf->sg;
	cmd->sg_cnt = buf->nents;
	cmd->buf_cookie = ucmd->h;
	spin_unlock_bh(&udev->lock);
	return 0;
}

/*
 * SCST_USER_PREALLOC_BUFFER: put user memory in the cache ahead of the
 * commands that will use it.
 */
int user_buf_prealloc(struct user_dev *udev, u64 pbuf, u32 bufflen, u32 *h)
{
	struct scst_sgv_buf *buf;
	struct user_mem *mem;
	int ret;

	if (!pbuf || !PAGE_ALIGNED(pbuf) || !bufflen ||
	    bufflen > (SCST_SGV_MAX_CACHED_PAGES << PAGE_SHIFT)) {
		user_warn("%s: PREALLOC_BUFFER of %u bytes at %#llx refused\n",
			  udev->name, bufflen, pbuf);
		return -EINVAL;
	}
	mem = user_mem_new(udev, pbuf);
	if (!mem)
		return -ENOMEM;
	spin_lock_bh(&udev->lock);
	mem->h = user_handle_reserve(udev);
	spin_unlock_bh(&udev->lock);
	if (!mem->h) {
		kfree(mem);
		return -ENOMEM;
	}
	*h = mem->h;
	ret = scst_sgv_alloc(udev->pool, bufflen, GFP_KERNEL, 0,
			     (uintptr_t)mem, &buf);
	user_mem_settle(udev, mem, ret ? NULL : buf);
	if (!ret)
		scst_sgv_free(buf);
	return ret;
}

/*
 * The pool let go of user memory: unpin it, and tell user space if it was
 * a cached buffer (an uncached one was the command's, and ON_FREE_CMD
 * told already).
 */
void user_on_sgv_released(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct user_mem *mem = (struct user_mem *)(uintptr_t)msg->sgv.cookie;
	struct user_dev *udev = mem->udev;

	udev->pin->unpin(mem->pages, mem->nr_pages);
	spin_lock_bh(&udev->lock);
	list_del(&mem->node);
	if (msg->sgv.cause != SCST_SGV_REL_UNCACHED)
		user_mem_gone(udev, mem);
	else if (mem->h)
		xa_erase(&udev->cmds, mem->h);
	if (!--udev->nr_mems)
		wake_up_all(&udev->idle_wq);
	spin_unlock_bh(&udev->lock);
	kvfree(mem->pages);
	kfree(mem);
	user_dev_put(udev);
}

void user_on_sgv_flush_done(struct scst_endpoint *ep,
			    const struct scst_msg *msg)
{
	struct user_dev *udev = NULL, *pos;

	spin_lock_bh(&user_devs_lock);
	list_for_each_entry(pos, &user_devs_list, node) {
		if (pos->pool == msg->sgv.pool) {
			udev = pos;
			break;
		}
	}
	if (udev) {
		spin_lock(&udev->lock);
		udev->flush_done = true;
		if (msg->sgv.status)
			user_warn("%s: SGV_FLUSH refused: %d\n", udev->name,
				  msg->sgv.status);
		wake_up_all(&udev->idle_wq);
		spin_unlock(&udev->lock);
	}
	spin_unlock_bh(&user_devs_lock);
}
