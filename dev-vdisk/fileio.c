// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the fileio backend, a regular file as the store
 * (vdisk_fileio, and vcdrom's ISO image, read-only).
 *
 * Every op runs in a SCST_EP_VDISK_IO pool thread or at enable/disable
 * (process context), so it may sleep. Buffered I/O is synchronous: the
 * page cache makes most of it a copy. With O_DIRECT a READ or WRITE is
 * submitted as an asynchronous kiocb and the pool thread moves on; the
 * completion (ki_complete, possibly in interrupt context) ends the command
 * by vdisk_io_done().
 *
 * A READ whose data the page cache already holds is copied by
 * fileio_read_cached() in the endpoint the command arrived on, without
 * sleeping (see there); everything else takes the pool.
 *
 * vcdrom changes its medium while enabled (cdrom.c, through close and
 * open): vd->file is published and withdrawn under vd->lock, and an I/O
 * on a vcdrom pins the file it started with.
 */
#include <linux/bvec.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/highmem.h>
#include <linux/magic.h>
#include <linux/moduleparam.h>
#include <linux/overflow.h>
#include <linux/pagemap.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/swap.h>
#include <linux/uio.h>
#include "vdisk.h"

static bool cached_reads_inline = true;
module_param(cached_reads_inline, bool, 0644);
MODULE_PARM_DESC(cached_reads_inline, "vdisk_fileio: copy a READ the page cache holds on the submitting CPU instead of in an I/O thread (default Y; read at enable)");

/* Scatterlists up to this many entries need no bio_vec allocation. */
#define FILEIO_ONSTACK_BVECS	16

/**
 * struct fileio_aio - one asynchronous O_DIRECT READ or WRITE
 * @iocb:  the kiocb the filesystem completes
 * @cmd:   the command it ends
 * @file:  the file it was submitted on (pinned for a vcdrom)
 * @len:   bytes asked for: a shorter transfer is an error
 * @write: direction, for freeze protection at the end
 * @bvec:  the command's data, as the iov_iter sees it
 */
struct fileio_aio {
	struct kiocb iocb;
	struct scst_cmd *cmd;
	struct file *file;
	u32 len;
	bool write;
	struct bio_vec bvec[];
};

/*
 * The file an I/O runs on. A vcdrom's may be swapped by a media change
 * at any time: take a reference under the lock cdrom.c swaps it under.
 * The other kinds keep theirs from enable to disable.
 */
static struct file *fileio_get_file(struct vdisk_dev *vd)
{
	unsigned long flags;
	struct file *file;

	if (vd->kind != VDISK_CDROM)
		return vd->file;
	spin_lock_irqsave(&vd->lock, flags);
	file = vd->file;
	if (file)
		get_file(file);
	spin_unlock_irqrestore(&vd->lock, flags);
	return file;
}

static void fileio_put_file(struct vdisk_dev *vd, struct file *file)
{
	if (vd->kind == VDISK_CDROM)
		fput(file);
}

/* Fill @bv from the first @len bytes of @sg; returns the entries used. */
static unsigned int fileio_fill_bvec(struct bio_vec *bv,
				     struct scatterlist *sg, u32 len)
{
	unsigned int n = 0;

	for (; sg && len; sg = sg_next(sg), n++) {
		u32 l = min(sg->length, len);

		bv[n].bv_page = sg_page(sg);
		bv[n].bv_offset = sg->offset;
		bv[n].bv_len = l;
		len -= l;
	}
	return n;
}

/*
 * Synchronous read or write of @len bytes at @pos through the page cache
 * (or O_DIRECT, waiting). Loops over short transfers; reaching the end of
 * the file before @len is an error, as is any short write.
 */
static int fileio_rw_file(struct file *file, bool write, loff_t pos,
			  struct scatterlist *sg, u32 len, bool fua)
{
	struct bio_vec onstack[FILEIO_ONSTACK_BVECS], *bv = onstack;
	struct iov_iter iter;
	int nents, ret = 0;
	ssize_t done;

	if (!len)
		return 0;
	nents = sg_nents_for_len(sg, len);
	if (nents < 0)
		return nents;
	if (nents > FILEIO_ONSTACK_BVECS) {
		bv = kmalloc_array(nents, sizeof(*bv), GFP_KERNEL);
		if (!bv)
			return -ENOMEM;
	}
	nents = fileio_fill_bvec(bv, sg, len);
	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, bv, nents, len);

	if (write)
		file_start_write(file);
	while (iov_iter_count(&iter)) {
		if (write)
			done = vfs_iter_write(file, &iter, &pos,
					      fua ? RWF_DSYNC : 0);
		else
			done = vfs_iter_read(file, &iter, &pos, 0);
		if (done < 0) {
			ret = done;
			break;
		}
		if (!done) {
			/* end of file inside the device: the file shrank */
			ret = -EIO;
			break;
		}
	}
	if (write)
		file_end_write(file);

	if (bv != onstack)
		kfree(bv);
	return ret;
}

static void fileio_aio_complete(struct kiocb *iocb, long ret)
{
	struct fileio_aio *aio = container_of(iocb, struct fileio_aio, iocb);
	struct scst_cmd *cmd = aio->cmd;
	struct vdisk_dev *vd = vdisk_of(cmd);
	int err = 0;

	if (ret < 0)
		err = ret;
	else if (ret != aio->len)
		err = -EIO;
	if (aio->write)
		kiocb_end_write(iocb);
	fileio_put_file(vd, aio->file);
	kfree(aio);
	vdisk_io_done(cmd, err);
}

/*
 * Submit an O_DIRECT READ or WRITE as an asynchronous kiocb. Returns false
 * (nothing done) only when it could not allocate; otherwise the command
 * ends through fileio_aio_complete(), at once if the filesystem did the
 * I/O synchronously (anything but -EIOCBQUEUED).
 */
static bool fileio_submit_aio(struct vdisk_dev *vd, struct file *file,
			      struct scst_cmd *cmd, bool write, loff_t pos,
			      u32 len, bool fua)
{
	struct fileio_aio *aio;
	struct iov_iter iter;
	unsigned int nents;
	int n;
	ssize_t ret;

	n = sg_nents_for_len(cmd->sg, len);
	if (n < 0)
		return false;
	aio = kmalloc(struct_size(aio, bvec, n), GFP_KERNEL);
	if (!aio)
		return false;
	nents = fileio_fill_bvec(aio->bvec, cmd->sg, len);
	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, aio->bvec,
		      nents, len);

	aio->cmd = cmd;
	aio->file = file;
	aio->len = len;
	aio->write = write;
	init_sync_kiocb(&aio->iocb, file);
	aio->iocb.ki_pos = pos;
	aio->iocb.ki_complete = fileio_aio_complete;
	if (write) {
		aio->iocb.ki_flags |= IOCB_WRITE;
		if (fua)
			aio->iocb.ki_flags |= IOCB_DSYNC;
		/* held until the completion, as fs/aio.c does */
		kiocb_start_write(&aio->iocb);
		ret = call_write_iter(file, &aio->iocb, &iter);
	} else {
		ret = call_read_iter(file, &aio->iocb, &iter);
	}
	/* after -EIOCBQUEUED the kiocb may already be completed and freed */
	if (ret != -EIOCBQUEUED)
		fileio_aio_complete(&aio->iocb, ret);
	return true;
}

static void fileio_submit_rw(struct vdisk_dev *vd, struct scst_cmd *cmd,
			     bool write, loff_t pos, u32 len, bool fua)
{
	struct file *file = fileio_get_file(vd);
	int err;

	if (!file) {
		vdisk_io_done(cmd, -ENOMEDIUM);
		return;
	}
	if (vd->o_direct && len &&
	    fileio_submit_aio(vd, file, cmd, write, pos, len, fua))
		return;
	err = fileio_rw_file(file, write, pos, cmd->sg, len, fua);
	fileio_put_file(vd, file);
	vdisk_io_done(cmd, err);
}

/*
 * Filesystems whose uptodate page cache is the file's data, as their own
 * read_iter trusts it (generic_file_read_iter(), shmem_file_read_iter()):
 * no revalidation against a server (NFS, CIFS, FUSE, 9p, Ceph) and no
 * cluster lock to take first (GFS2, OCFS2). A file elsewhere always reads
 * through the pool.
 */
static bool fileio_cache_is_data(struct file *file)
{
	struct inode *inode = file_inode(file);

	if (IS_DAX(inode))
		return false;
	switch (inode->i_sb->s_magic) {
	case TMPFS_MAGIC:
	case EXT4_SUPER_MAGIC:	/* ext2 and ext3 too */
	case XFS_SUPER_MAGIC:
	case BTRFS_SUPER_MAGIC:
		return true;
	default:
		return false;
	}
}

/**
 * fileio_read_cached() - serve a READ from the page cache without sleeping
 * @vd:  a vdisk_fileio device whose file qualified at enable
 * @cmd: the READ
 * @pos: byte offset in the file
 * @len: bytes, the command's buffer
 *
 * A buffered read of cached data is a copy, yet from a pool thread it
 * costs a thread wake-up and two context switches more than the copy
 * (on this project's test machines, several times the copy itself). So,
 * as io_uring tries a read inline before punting it to a worker, the
 * READ is first tried here, in the context the command arrived in: every
 * folio of the range must be in the page cache and uptodate, found by the
 * same lockless lookup filemap_read() starts with. A miss anywhere (a
 * hole, a page swapped out or never read, a hardware-poisoned page, the
 * range past the file's end) returns false, and the caller sends the
 * command to the pool, which reads it normally; what was copied so far is
 * overwritten there.
 *
 * Only in task context with interrupts on: folio_mark_accessed() takes
 * the LRU's per-CPU lock, which is not IRQ-safe. Concurrent writes to the
 * range may be seen in part, exactly as filemap_read() may see them.
 *
 * Return: true if the whole range was copied into @cmd->sg.
 */
bool fileio_read_cached(struct vdisk_dev *vd, struct scst_cmd *cmd,
			loff_t pos, u32 len)
{
	struct file *file = READ_ONCE(vd->file);
	struct address_space *mapping;
	struct sg_mapping_iter dst;
	struct folio *folio = NULL;
	size_t foff = 0, fleft = 0;
	u32 left = len;
	bool ok = false;

	if (!vd->read_cached || !file || !in_task() || irqs_disabled())
		return false;
	if (pos + len > i_size_read(file_inode(file)))
		return false;
	mapping = file->f_mapping;
	sg_miter_start(&dst, cmd->sg, cmd->sg_cnt,
		       SG_MITER_ATOMIC | SG_MITER_TO_SG);
	while (left) {
		size_t n;
		void *src;

		if (!fleft) {
			if (folio)
				folio_put(folio);
			folio = filemap_get_folio(mapping, pos >> PAGE_SHIFT);
			if (IS_ERR_OR_NULL(folio) ||
			    !folio_test_uptodate(folio)) {
				if (IS_ERR(folio))
					folio = NULL;
				goto out;
			}
			folio_mark_accessed(folio);
			foff = offset_in_folio(folio, pos);
			fleft = folio_size(folio) - foff;
		}
		if (!dst.length || dst.consumed == dst.length) {
			if (!sg_miter_next(&dst))
				goto out;	/* buffer shorter than @len */
			dst.consumed = 0;
		}
		/* within one page of the folio and one mapped piece of sg */
		n = min3((size_t)left, fleft, dst.length - dst.consumed);
		n = min(n, PAGE_SIZE - offset_in_page(foff));
		if (PageHWPoison(folio_page(folio, foff >> PAGE_SHIFT)))
			goto out;
		src = kmap_local_folio(folio, foff);
		memcpy(dst.addr + dst.consumed, src, n);
		kunmap_local(src);
		dst.consumed += n;
		foff += n;
		fleft -= n;
		pos += n;
		left -= n;
	}
	ok = true;
out:
	if (folio)
		folio_put(folio);
	sg_miter_stop(&dst);
	return ok;
}

static int fileio_rw_sync(struct vdisk_dev *vd, bool write, loff_t pos,
			  struct scatterlist *sg, u32 len, bool fua)
{
	struct file *file = fileio_get_file(vd);
	int err;

	if (!file)
		return -ENOMEDIUM;
	err = fileio_rw_file(file, write, pos, sg, len, fua);
	fileio_put_file(vd, file);
	return err;
}

static int fileio_flush(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	struct file *file = fileio_get_file(vd);
	loff_t end;
	int err;

	if (!file)
		return -ENOMEDIUM;
	if (!len || check_add_overflow(pos, len - 1, &end))
		end = LLONG_MAX;
	/* data and the metadata needed to read it back: fdatasync */
	err = vfs_fsync_range(file, pos, end, 1);
	fileio_put_file(vd, file);
	return err;
}

static int fileio_discard(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	if (!vd->file)
		return -ENOMEDIUM;
	/* KEEP_SIZE: a hole at the end must not shrink the disk */
	return vfs_fallocate(vd->file,
			     FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			     pos, len);
}

/*
 * GET LBA STATUS: data or hole at @pos, and how far that lasts. Past the
 * end of the file everything reads as zeros: a hole up to wherever the
 * caller's capacity ends.
 */
static int fileio_mapped(struct vdisk_dev *vd, loff_t pos, loff_t *len,
			 bool *mapped)
{
	struct file *file = vd->file;
	loff_t data, hole;

	if (!file)
		return -ENOMEDIUM;
	data = vfs_llseek(file, pos, SEEK_DATA);
	if (data == -ENXIO) {
		*mapped = false;
		*len = LLONG_MAX - pos;
		return 0;
	}
	if (data < 0)
		return data;
	if (data > pos) {
		*mapped = false;
		*len = data - pos;
		return 0;
	}
	hole = vfs_llseek(file, pos, SEEK_HOLE);
	if (hole < 0)
		return hole;
	*mapped = true;
	/* SEEK_HOLE at @pos inside data never answers @pos itself */
	*len = hole > pos ? hole - pos : 1;
	return 0;
}

static int fileio_resize(struct vdisk_dev *vd, loff_t size)
{
	long err;

	if (!vd->file)
		return -ENOMEDIUM;
	if (vd->dev->read_only || vd->kind == VDISK_CDROM) {
		vdisk_err(vd, "cannot resize %s: read-only\n", vd->filename);
		return -EROFS;
	}
	err = vfs_truncate(&vd->file->f_path, size);
	if (err) {
		vdisk_err(vd, "cannot resize %s to %lld bytes: %ld\n",
			  vd->filename, size, err);
		return err;
	}
	vd->store_size = size;
	return 0;
}

/*
 * Whether the filesystem deallocates (FALLOC_FL_PUNCH_HOLE). A zero-length
 * range cannot tell (vfs_fallocate() refuses it before asking the
 * filesystem), so punch one block at the end of the file: beyond i_size,
 * with KEEP_SIZE, it changes no data, and a filesystem without punch hole
 * answers -EOPNOTSUPP.
 */
static bool fileio_can_punch(struct vdisk_dev *vd, struct file *file)
{
	loff_t end = i_size_read(file_inode(file));

	if (!file->f_op->fallocate || !(file->f_mode & FMODE_WRITE))
		return false;
	return !vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			      end, vd->blocksize ?: 512);
}

static int fileio_open(struct vdisk_dev *vd)
{
	bool ro = vd->dev->read_only || vd->kind == VDISK_CDROM;
	int flags = O_LARGEFILE | (ro ? O_RDONLY : O_RDWR);
	unsigned long lock_flags;
	struct file *file;

	vd->file = NULL;
	vd->store_size = 0;
	vd->read_cached = false;
	vd->can_discard = false;
	vd->can_flush = false;
	if (!vd->filename || !vd->filename[0]) {
		/* a vcdrom without a medium; a disk needs its file */
		if (vd->kind == VDISK_CDROM)
			return 0;
		vdisk_err(vd, "no filename set\n");
		return -EINVAL;
	}
	if (vd->o_direct)
		flags |= O_DIRECT;

	file = filp_open(vd->filename, flags, 0);
	if (IS_ERR(file)) {
		vdisk_err(vd, "cannot open %s%s: %ld\n", vd->filename,
			  vd->o_direct ? " with O_DIRECT" : "", PTR_ERR(file));
		return PTR_ERR(file);
	}
	if (!S_ISREG(file_inode(file)->i_mode)) {
		vdisk_err(vd, "%s is not a regular file%s\n", vd->filename,
			  S_ISBLK(file_inode(file)->i_mode) ?
			  " (vdisk_blockio serves block devices)" : "");
		filp_close(file, NULL);
		return -EINVAL;
	}
	vd->store_size = i_size_read(file_inode(file));
	vd->read_cached = vd->kind == VDISK_FILEIO && !vd->o_direct &&
			  READ_ONCE(cached_reads_inline) &&
			  fileio_cache_is_data(file);
	vd->can_flush = !!file->f_op->fsync;
	vd->can_discard = !ro && fileio_can_punch(vd, file);
	spin_lock_irqsave(&vd->lock, lock_flags);
	vd->file = file;
	spin_unlock_irqrestore(&vd->lock, lock_flags);
	return 0;
}

/*
 * Unpublish the file under vd->lock before closing it: an I/O of a vcdrom
 * that already pinned it (fileio_get_file()) keeps it open until it ends,
 * so cdrom.c may close the old medium with I/O in flight.
 */
static void fileio_close(struct vdisk_dev *vd)
{
	unsigned long flags;
	struct file *file;

	spin_lock_irqsave(&vd->lock, flags);
	file = vd->file;
	vd->file = NULL;
	spin_unlock_irqrestore(&vd->lock, flags);
	if (file)
		filp_close(file, NULL);
}

const struct vdisk_backend vdisk_fileio_backend = {
	.open		= fileio_open,
	.close		= fileio_close,
	.submit_rw	= fileio_submit_rw,
	.rw_sync	= fileio_rw_sync,
	.flush		= fileio_flush,
	.discard	= fileio_discard,
	.mapped		= fileio_mapped,
	.resize		= fileio_resize,
};
