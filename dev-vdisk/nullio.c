// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the vdisk_nullio backend. There is no store: a write
 * is dropped, a read returns zeros if the device's read_zero attribute is
 * set and otherwise leaves the data buffer as the core gave it (what
 * benchmarks want: no copy at all), flush and discard succeed at once.
 * Its size is the size attribute (VDISK_NULLIO_DEF_SIZE by default).
 *
 * Everything runs in SCST_EP_VDISK, with preemption disabled: nothing
 * here sleeps, and the scatterlist is mapped atomically.
 */
#include <linux/highmem.h>
#include <linux/scatterlist.h>
#include "vdisk.h"

static int vdisk_nullio_open(struct vdisk_dev *vd)
{
	vd->store_size = vd->size;
	vd->can_discard = true;
	vd->can_flush = true;
	return 0;
}

static void vdisk_nullio_close(struct vdisk_dev *vd)
{
}

static void vdisk_nullio_zero(struct scatterlist *sg, unsigned int nents,
			      u32 len)
{
	struct sg_mapping_iter miter;
	u32 done = 0;

	sg_miter_start(&miter, sg, nents, SG_MITER_ATOMIC | SG_MITER_TO_SG);
	while (done < len && sg_miter_next(&miter)) {
		size_t n = min_t(size_t, miter.length, len - done);

		memset(miter.addr, 0, n);
		done += n;
	}
	sg_miter_stop(&miter);
}

static void vdisk_nullio_submit_rw(struct vdisk_dev *vd, struct scst_cmd *cmd,
				   bool write, loff_t pos, u32 len, bool fua)
{
	if (!write) {
		if (READ_ONCE(vd->read_zero))
			vdisk_nullio_zero(cmd->sg, cmd->sg_cnt, len);
		cmd->resp_len = len;
	}
	/*
	 * Nothing to wait for: finish in the endpoint's context rather than
	 * pay a VDISK_IO_DONE round trip.
	 */
	vdisk_cmd_done(cmd);
}

static int vdisk_nullio_rw_sync(struct vdisk_dev *vd, bool write, loff_t pos,
				struct scatterlist *sg, u32 len, bool fua)
{
	if (!write && READ_ONCE(vd->read_zero))
		vdisk_nullio_zero(sg, sg_nents(sg), len);
	return 0;
}

static int vdisk_nullio_flush(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	return 0;
}

static int vdisk_nullio_discard(struct vdisk_dev *vd, loff_t pos, loff_t len)
{
	return 0;
}

static int vdisk_nullio_resize(struct vdisk_dev *vd, loff_t size)
{
	vd->store_size = size;
	return 0;
}

const struct vdisk_backend vdisk_nullio_backend = {
	.open		= vdisk_nullio_open,
	.close		= vdisk_nullio_close,
	.submit_rw	= vdisk_nullio_submit_rw,
	.rw_sync	= vdisk_nullio_rw_sync,
	.flush		= vdisk_nullio_flush,
	.discard	= vdisk_nullio_discard,
	.resize		= vdisk_nullio_resize,
};
