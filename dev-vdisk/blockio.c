// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the blockio backend, a block device as the store
 * (vdisk_blockio).
 *
 * A READ or WRITE becomes bios built straight on the command's pages,
 * chained (bio_chain()) so that the last one's end_io runs once, after
 * every bio of the command has ended, with the first error any of them
 * saw. That end_io may run in hard interrupt context: vdisk_io_done()
 * turns it into a message. The device's size is the store's size; it
 * cannot be resized from here.
 */
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/scatterlist.h>
#include "vdisk.h"

static fmode_t blockio_mode(struct vdisk_dev *vd)
{
	/* EXCL: no filesystem or other exporter may use it meanwhile */
	return FMODE_READ | FMODE_EXCL |
	       (vd->dev->read_only ? 0 : FMODE_WRITE);
}

static void blockio_end_io(struct bio *bio)
{
	struct scst_cmd *cmd = bio->bi_private;
	int err = blk_status_to_errno(bio->bi_status);

	bio_put(bio);
	vdisk_io_done(cmd, err);
}

/*
 * Bios for the first @len bytes of @sg at byte @pos, all chained to the
 * one returned, which is not submitted yet; the others are. NULL when @sg
 * is shorter than @len (nothing submitted then).
 */
static struct bio *blockio_build(struct vdisk_dev *vd, bool write, loff_t pos,
				 struct scatterlist *sg, u32 len, bool fua)
{
	blk_opf_t opf = write ? REQ_OP_WRITE : REQ_OP_READ;
	struct block_device *bdev = vd->bdev;
	sector_t sector = pos >> SECTOR_SHIFT;
	struct bio *bio = NULL;
	int nents;

	nents = sg_nents_for_len(sg, len);
	if (nents <= 0)
		return NULL;
	/*
	 * REQ_FUA on every bio: the block layer strips it for a device
	 * without a volatile cache and emulates it with a flush for one
	 * without FUA.
	 */
	if (write && fua)
		opf |= REQ_FUA;

	for (; sg && len; sg = sg_next(sg), nents--) {
		u32 l = min(sg->length, len);

		if (!bio) {
			bio = bio_alloc(bdev, bio_max_segs(nents), opf,
					GFP_NOIO);
			bio->bi_iter.bi_sector = sector;
		}
		/*
		 * A full bio goes out chained to a new one, which takes the
		 * entry: an empty bio always has room for one vector.
		 */
		if (bio_add_page(bio, sg_page(sg), l, sg->offset) != l) {
			bio = blk_next_bio(bio, bdev, bio_max_segs(nents), opf,
					   GFP_NOIO);
			bio->bi_iter.bi_sector = sector;
			__bio_add_page(bio, sg_page(sg), l, sg->offset);
		}
		sector += l >> SECTOR_SHIFT;
		len -= l;
	}
	return bio;
}

static void blockio_submit_rw(struct vdisk_dev *vd, struct scst_cmd *cmd,
			      bool write, loff_t pos, u32 len, bool fua)
{
	struct bio *bio;

	if (!len) {
		vdisk_io_done(cmd, 0);
		return;
	}
	bio = blockio_build(vd, write, pos, cmd->sg, len, fua);
	if (!bio) {
		vdisk_io_done(cmd, -EINVAL);
		return;
	}
	bio->bi_private = cmd;
	bio->bi_end_io = blockio_end_io;
	submit_bio(bio);
}

static int blockio_rw_sync(struct vdisk_dev *vd, bool write, loff_t pos,
			   struct scatterlist *sg, u32 len, bool fua)
{
	struct bio *bio;
	int err;

	if (!len)
		return 0;
	bio = blockio_build(vd, write, pos, sg, len, fua);
	if (!bio)
		return -EINVAL;
	err = submit_bio_wait(bio);
	bio_put(bio);
	return err;
}

static int blockio_flush(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	/* a block device flushes its whole cache or nothing */
	return blkdev_issue_flush(vd->bdev);
}

/*
 * Deallocate, and make the range read back as zeros when the device can
 * promise it: WRITE ZEROES without NOUNMAP lets the device deallocate
 * (loop punches a hole, SCSI sends WRITE SAME with UNMAP) and still
 * guarantees zeros, which a plain discard does not.
 */
static int blockio_discard(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	sector_t sector = pos >> SECTOR_SHIFT, nr = len >> SECTOR_SHIFT;

	if (bdev_write_zeroes_sectors(vd->bdev))
		return blkdev_issue_zeroout(vd->bdev, sector, nr, GFP_KERNEL,
					    BLKDEV_ZERO_NOFALLBACK);
	return blkdev_issue_discard(vd->bdev, sector, nr, GFP_KERNEL);
}

static int blockio_open(struct vdisk_dev *vd)
{
	struct block_device *bdev;
	unsigned int lbs;

	vd->bdev = NULL;
	if (!vd->filename || !vd->filename[0]) {
		vdisk_err(vd, "no filename set\n");
		return -EINVAL;
	}
	bdev = blkdev_get_by_path(vd->filename, blockio_mode(vd), vd);
	if (IS_ERR(bdev)) {
		vdisk_err(vd, "cannot open block device %s: %ld%s\n",
			  vd->filename, PTR_ERR(bdev),
			  PTR_ERR(bdev) == -ENOTBLK ?
			  " (not a block device: vdisk_fileio serves files)" :
			  PTR_ERR(bdev) == -EBUSY ? " (in use)" : "");
		return PTR_ERR(bdev);
	}
	lbs = bdev_logical_block_size(bdev);
	if (vd->blocksize && vd->blocksize < lbs) {
		vdisk_err(vd, "blocksize %u is smaller than %s's logical block size %u\n",
			  vd->blocksize, vd->filename, lbs);
		blkdev_put(bdev, blockio_mode(vd));
		return -EINVAL;
	}
	vd->bdev = bdev;
	vd->store_size = bdev_nr_bytes(bdev);
	vd->can_discard = !vd->dev->read_only &&
			  bdev_max_discard_sectors(bdev);
	/* a device without a volatile cache has nothing to flush */
	vd->can_flush = bdev_write_cache(bdev);
	return 0;
}

static void blockio_close(struct vdisk_dev *vd)
{
	if (!vd->bdev)
		return;
	blkdev_put(vd->bdev, blockio_mode(vd));
	vd->bdev = NULL;
}

const struct vdisk_backend vdisk_blockio_backend = {
	.open		= blockio_open,
	.close		= blockio_close,
	.submit_rw	= blockio_submit_rw,
	.rw_sync	= blockio_rw_sync,
	.flush		= blockio_flush,
	.discard	= blockio_discard,
};
