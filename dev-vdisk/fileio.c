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
 * vcdrom changes its medium while enabled: cdrom.c replaces vd->file under
 * vd->lock, so an I/O on a vcdrom pins the file it started with.
 */
#include <linux/bvec.h>
#include <linux/falloc.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/overflow.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/uio.h>
#include "vdisk.h"

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
	struct file *file;

	vd->file = NULL;
	vd->store_size = 0;
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
	vd->can_flush = !!file->f_op->fsync;
	vd->can_discard = !ro && fileio_can_punch(vd, file);
	vd->file = file;
	return 0;
}

static void fileio_close(struct vdisk_dev *vd)
{
	if (!vd->file)
		return;
	filp_close(vd->file, NULL);
	vd->file = NULL;
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
