// SPDX-License-Identifier: GPL-2.0
/*
 * NOT FOR MERGE: placeholders for what branch vio provides (sbc_io.c,
 * fileio.c, blockio.c), so that scst_vdisk builds and vdisk_nullio can
 * be exercised before they land. Delete this file and its Kbuild line
 * when the real ones arrive.
 */
#include <asm/unaligned.h>
#include "vdisk.h"

static int vdisk_tmp_open(struct vdisk_dev *vd)
{
	vdisk_err(vd, "this backend is not built yet (placeholder)\n");
	return -EOPNOTSUPP;
}

static void vdisk_tmp_close(struct vdisk_dev *vd)
{
}

const struct vdisk_backend vdisk_fileio_backend = {
	.open	= vdisk_tmp_open,
	.close	= vdisk_tmp_close,
};

const struct vdisk_backend vdisk_blockio_backend = {
	.open	= vdisk_tmp_open,
	.close	= vdisk_tmp_close,
};

void vdisk_set_io_error(struct scst_cmd *cmd, int error, bool write)
{
	/* MEDIUM ERROR: WRITE ERROR or UNRECOVERED READ ERROR */
	scst_cmd_set_sense(cmd, SCST_KEY_MEDIUM_ERROR, write ? 0x0c : 0x11, 0);
}

/* READ and WRITE (10) and (16) only; the core checked the LBA range. */
bool vdisk_sbc_io_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	bool write;

	switch (cmd->cdb[0]) {
	case 0x28:
	case 0x88:
		write = false;
		break;
	case 0x2a:
	case 0x8a:
		write = true;
		break;
	default:
		return false;
	}
	if (!vd->be->submit_rw)
		return false;
	vd->be->submit_rw(vd, cmd, write, cmd->lba << cmd->dev->block_shift,
			  cmd->bufflen, false);
	return true;
}
