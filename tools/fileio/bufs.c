// SPDX-License-Identifier: GPL-2.0
/*
 * scst_fileio: the data buffers handed to the kernel.
 *
 * Every buffer the handler gives the kernel (ALLOC_MEM, or EXEC without
 * a buffer) is recorded here by address, and freed only when the kernel
 * gives it back: ON_FREE_CMD when it is not cached, ON_CACHED_MEM_FREE
 * when the kernel's cache lets it go, or at exit, after the device is
 * unregistered, for whatever is left (with on-free IGNORE the kernel
 * never says when an uncached buffer is done). Freeing an address that
 * is not recorded is refused, so a bad notice from the kernel cannot
 * make the handler free() garbage or free twice.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "fileio.h"

struct fio_buf {
	struct fio_buf *next;
	void *addr;
};

#define FIO_BUCKETS	4096

static size_t bucket_of(const struct fio_bufs *b, const void *p)
{
	uintptr_t v = (uintptr_t)p;

	/* Buffers are page-aligned: hash the page number. */
	v >>= 12;
	v *= 0x9e3779b97f4a7c15ULL;
	return (size_t)(v >> 32) % b->nbuckets;
}

int fio_bufs_init(struct fio_bufs *b)
{
	b->nbuckets = FIO_BUCKETS;
	b->hash = calloc(b->nbuckets, sizeof(*b->hash));
	if (!b->hash)
		return -ENOMEM;
	pthread_mutex_init(&b->lock, NULL);
	b->held = 0;
	b->allocated = 0;
	b->unknown = 0;
	b->failed = 0;
	for (int i = 0; i < FIO_BUF_NR_RELEASE; i++)
		b->freed[i] = 0;
	return 0;
}

void *fio_buf_alloc(struct fio_bufs *b, size_t len)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct fio_buf *e;
	void *p;
	size_t h;

	if (!len)
		return NULL;
	len = (len + page - 1) & ~(page - 1);
	e = malloc(sizeof(*e));
	if (!e || posix_memalign(&p, page, len)) {
		free(e);
		pthread_mutex_lock(&b->lock);
		b->failed++;
		pthread_mutex_unlock(&b->lock);
		return NULL;
	}
	e->addr = p;
	h = bucket_of(b, p);
	pthread_mutex_lock(&b->lock);
	e->next = b->hash[h];
	b->hash[h] = e;
	b->held++;
	b->allocated++;
	pthread_mutex_unlock(&b->lock);
	return p;
}

int fio_buf_free(struct fio_bufs *b, void *p, enum fio_buf_release why)
{
	struct fio_buf **pp, *e = NULL;
	size_t h = bucket_of(b, p);

	pthread_mutex_lock(&b->lock);
	for (pp = &b->hash[h]; *pp; pp = &(*pp)->next) {
		if ((*pp)->addr == p) {
			e = *pp;
			*pp = e->next;
			break;
		}
	}
	if (!e) {
		b->unknown++;
		pthread_mutex_unlock(&b->lock);
		return -ENOENT;
	}
	b->held--;
	b->freed[why]++;
	pthread_mutex_unlock(&b->lock);
	free(e->addr);
	free(e);
	return 0;
}

size_t fio_bufs_release_all(struct fio_bufs *b)
{
	size_t i, n = 0;

	pthread_mutex_lock(&b->lock);
	for (i = 0; i < b->nbuckets; i++) {
		while (b->hash[i]) {
			struct fio_buf *e = b->hash[i];

			b->hash[i] = e->next;
			free(e->addr);
			free(e);
			n++;
		}
	}
	b->held -= n;
	b->freed[FIO_BUF_AT_EXIT] += n;
	pthread_mutex_unlock(&b->lock);
	return n;
}

void fio_bufs_destroy(struct fio_bufs *b)
{
	fio_bufs_release_all(b);
	free(b->hash);
	b->hash = NULL;
	pthread_mutex_destroy(&b->lock);
}
