// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the four device handlers as the core sees them, and
 * the life of their devices: create (defaults), enable (open the store,
 * set the capacity), disable (close it), destroy.
 *
 *   vdisk_nullio   type 0, no store, SCST_EP_VDISK (never sleeps)
 *   vdisk_fileio   type 0, a file, SCST_EP_VDISK for READs the page
 *                  cache holds, SCST_EP_VDISK_IO (a thread pool) for the
 *                  rest (main.c)
 *   vdisk_blockio  type 0, a block device, SCST_EP_VDISK_IO
 *   vcdrom         type 5, an ISO image, 2048-byte blocks, always
 *                  read-only, may be enabled without a medium
 */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vdisk.h"
#include "handlers.h"

/* See handlers.h: the attributes that may change while enabled */
DEFINE_MUTEX(vdisk_cfg_mutex);

/*
 * A stable 64-bit number from the device name (FNV-1a), so that the unit
 * serial number and NAA identifier a device gets by default are the same
 * on every boot and every host that names it the same.
 */
static u64 vdisk_name_hash(const char *name)
{
	u64 h = 0xcbf29ce484222325ULL;

	while (*name) {
		h ^= (u8)*name++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

static void vdisk_set_default_ids(struct vdisk_dev *vd, const char *prod_id)
{
	u64 h = vdisk_name_hash(vd->dev->name);

	strscpy(vd->t10_vend_id, VDISK_DEF_VEND_ID, sizeof(vd->t10_vend_id));
	strscpy(vd->prod_id, prod_id, sizeof(vd->prod_id));
	strscpy(vd->prod_rev, VDISK_DEF_PROD_REV, sizeof(vd->prod_rev));
	strscpy(vd->t10_dev_id, vd->dev->name, sizeof(vd->t10_dev_id));
	snprintf(vd->usn, sizeof(vd->usn), "%016llx", h);
	/*
	 * NAA 3h, "locally assigned" (SPC-4 7.8.6.6.4): 60 bits we choose
	 * ourselves; NAA 5h and 6h would need an IEEE company id we do not
	 * have. The naa_id attribute takes one that does.
	 */
	snprintf(vd->naa_id, sizeof(vd->naa_id), "3%015llx",
		 h & GENMASK_ULL(59, 0));
}

static int vdisk_create(struct scst_device *dev, enum vdisk_kind kind,
			const char *prod_id)
{
	struct vdisk_dev *vd;

	vd = kzalloc(sizeof(*vd), GFP_KERNEL);
	if (!vd)
		return -ENOMEM;
	vd->filename = kstrdup("", GFP_KERNEL);
	if (!vd->filename) {
		kfree(vd);
		return -ENOMEM;
	}
	vd->dev = dev;
	vd->kind = kind;
	spin_lock_init(&vd->lock);
	mutex_init(&vd->caw_mutex);
	vd->blocksize = 512;
	vd->rotational = true;

	switch (kind) {
	case VDISK_NULLIO:
		vd->be = &vdisk_nullio_backend;
		vd->size = VDISK_NULLIO_DEF_SIZE;
		/* Nothing spins behind a null device. */
		vd->rotational = false;
		break;
	case VDISK_FILEIO:
		vd->be = &vdisk_fileio_backend;
		break;
	case VDISK_BLOCKIO:
		vd->be = &vdisk_blockio_backend;
		break;
	case VDISK_CDROM:
		vd->be = &vdisk_fileio_backend;
		vd->blocksize = VDISK_CDROM_BLOCKSIZE;
		vd->removable = true;
		dev->read_only = true;
		break;
	}
	vdisk_set_default_ids(vd, prod_id);
	vdisk_mode_init(vd);
	dev->handler_priv = vd;
	return 0;
}

static void vdisk_destroy(struct scst_device *dev)
{
	struct vdisk_dev *vd = dev->handler_priv;

	dev->handler_priv = NULL;
	mutex_destroy(&vd->caw_mutex);
	kfree(vd->filename);
	kfree(vd);
}

u64 vdisk_export_size(const struct vdisk_dev *vd)
{
	if (vd->kind == VDISK_NULLIO || !vd->size)
		return vd->store_size;
	return min_t(u64, vd->size, vd->store_size);
}

/* Does the device have a store open (a vcdrom may have no medium)? */
static bool vdisk_has_store(const struct vdisk_dev *vd)
{
	return vd->kind != VDISK_CDROM || vd->file;
}

static int vdisk_enable(struct vdisk_dev *vd)
{
	struct scst_device *dev = vd->dev;
	u64 bytes;
	int ret;

	lockdep_assert_held(&vdisk_cfg_mutex);
	if ((vd->kind == VDISK_FILEIO || vd->kind == VDISK_BLOCKIO) &&
	    !vd->filename[0]) {
		vdisk_err(vd, "cannot enable: no filename set\n");
		return -EINVAL;
	}
	vd->store_size = 0;
	vd->can_discard = false;
	vd->can_flush = false;
	vd->file = NULL;
	vd->bdev = NULL;
	if (vd->kind != VDISK_CDROM || vd->filename[0]) {
		ret = vd->be->open(vd);
		if (ret) {
			vdisk_err(vd, "cannot open %s: %d\n",
				  vd->kind == VDISK_NULLIO ? "(null)" :
				  vd->filename, ret);
			return ret;
		}
	}

	/* A size larger than the store grows it, if the store can grow. */
	if (vd->kind != VDISK_NULLIO && vd->size > vd->store_size) {
		ret = vd->be->resize ? vd->be->resize(vd, vd->size) : -EINVAL;
		if (ret) {
			vdisk_err(vd, "size %llu is larger than %s (%lld bytes) and it cannot grow: %d\n",
				  vd->size, vd->filename, vd->store_size, ret);
			goto out_close;
		}
	}
	if (vd->thin_provisioned && !vd->can_discard) {
		vdisk_err(vd, "thin_provisioned, but %s cannot deallocate blocks\n",
			  vd->filename);
		ret = -EINVAL;
		goto out_close;
	}
	bytes = vdisk_export_size(vd);
	if (vd->kind != VDISK_CDROM && bytes < vd->blocksize) {
		vdisk_err(vd, "size %llu is less than one %u-byte block\n",
			  bytes, vd->blocksize);
		ret = -EINVAL;
		goto out_close;
	}
	if (vd->kind == VDISK_CDROM)
		dev->read_only = true;
	dev->block_shift = ilog2(vd->blocksize);
	WRITE_ONCE(dev->nr_blocks, bytes >> dev->block_shift);
	spin_lock_irq(&vd->lock);
	vd->stopped = false;
	vd->prevent = false;
	vd->media_changed = false;
	spin_unlock_irq(&vd->lock);
	vd->enabled = true;
	return 0;

out_close:
	if (vdisk_has_store(vd))
		vd->be->close(vd);
	return ret;
}

static void vdisk_disable(struct vdisk_dev *vd)
{
	lockdep_assert_held(&vdisk_cfg_mutex);
	vd->enabled = false;
	if (vdisk_has_store(vd))
		vd->be->close(vd);
	vd->file = NULL;
	vd->bdev = NULL;
}

static int vdisk_enable_device(struct scst_device *dev, bool enable)
{
	struct vdisk_dev *vd = dev->handler_priv;
	int ret = 0;

	mutex_lock(&vdisk_cfg_mutex);
	if (enable && !vd->enabled)
		ret = vdisk_enable(vd);
	else if (!enable && vd->enabled)
		vdisk_disable(vd);
	mutex_unlock(&vdisk_cfg_mutex);
	return ret;
}

static int vdisk_nullio_create(struct scst_device *dev)
{
	return vdisk_create(dev, VDISK_NULLIO, "VDISK_NULLIO");
}

static int vdisk_fileio_create(struct scst_device *dev)
{
	return vdisk_create(dev, VDISK_FILEIO, "VDISK_FILEIO");
}

static int vdisk_blockio_create(struct scst_device *dev)
{
	return vdisk_create(dev, VDISK_BLOCKIO, "VDISK_BLOCKIO");
}

static int vdisk_cdrom_create(struct scst_device *dev)
{
	return vdisk_create(dev, VDISK_CDROM, "VCDROM");
}

static const struct scst_handler_ops vdisk_nullio_ops = {
	.name		= "vdisk_nullio",
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_VDISK,
	.type		= 0x00,
	.flags		= SCST_HANDLER_TMF,
	.create_device	= vdisk_nullio_create,
	.destroy_device	= vdisk_destroy,
	.enable_device	= vdisk_enable_device,
	.dev_attrs	= vdisk_nullio_attrs,
};

static const struct scst_handler_ops vdisk_fileio_ops = {
	.name		= "vdisk_fileio",
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_VDISK,	/* cached READs; the rest to the pool */
	.type		= 0x00,
	.flags		= SCST_HANDLER_TMF,
	.create_device	= vdisk_fileio_create,
	.destroy_device	= vdisk_destroy,
	.enable_device	= vdisk_enable_device,
	.dev_attrs	= vdisk_fileio_attrs,
};

static const struct scst_handler_ops vdisk_blockio_ops = {
	.name		= "vdisk_blockio",
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_VDISK_IO,
	.type		= 0x00,
	.flags		= SCST_HANDLER_TMF,
	.create_device	= vdisk_blockio_create,
	.destroy_device	= vdisk_destroy,
	.enable_device	= vdisk_enable_device,
	.dev_attrs	= vdisk_blockio_attrs,
};

static const struct scst_handler_ops vdisk_cdrom_ops = {
	.name		= "vcdrom",
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_VDISK_IO,
	.type		= 0x05,
	.flags		= SCST_HANDLER_TMF,
	.create_device	= vdisk_cdrom_create,
	.destroy_device	= vdisk_destroy,
	.enable_device	= vdisk_enable_device,
	.dev_attrs	= vdisk_cdrom_attrs,
};

static const struct scst_handler_ops *const vdisk_all_ops[] = {
	&vdisk_nullio_ops,
	&vdisk_fileio_ops,
	&vdisk_blockio_ops,
	&vdisk_cdrom_ops,
};

int vdisk_handlers_register(void)
{
	unsigned int i;
	int ret;

	for (i = 0; i < ARRAY_SIZE(vdisk_all_ops); i++) {
		ret = scst_handler_register(vdisk_all_ops[i]);
		if (ret)
			goto out_unregister;
	}
	return 0;

out_unregister:
	while (i--)
		scst_handler_unregister(vdisk_all_ops[i]);
	return ret;
}

void vdisk_handlers_unregister(void)
{
	unsigned int i = ARRAY_SIZE(vdisk_all_ops);

	while (i--)
		scst_handler_unregister(vdisk_all_ops[i]);
}
