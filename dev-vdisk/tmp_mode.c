// SPDX-License-Identifier: GPL-2.0
/*
 * NOT FOR MERGE: placeholders for what branch vmode provides (mode.c,
 * cdrom.c), so that scst_vdisk builds before they land. Delete this file
 * and its Kbuild line when the real ones arrive.
 */
#include "vdisk.h"

bool vdisk_mode_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	return false;
}

void vdisk_mode_init(struct vdisk_dev *vd)
{
	vd->mode_cur.wce = !vd->write_through;
	vd->mode_saved = vd->mode_cur;
}

void vdisk_mode_reset(struct vdisk_dev *vd)
{
	unsigned long flags;

	spin_lock_irqsave(&vd->lock, flags);
	vd->mode_cur = vd->mode_saved;
	spin_unlock_irqrestore(&vd->lock, flags);
}

bool vdisk_cdrom_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	return false;
}

int vdisk_cdrom_change_media(struct vdisk_dev *vd, const char *filename)
{
	vdisk_err(vd, "media change is not built yet (placeholder)\n");
	return -EOPNOTSUPP;
}
