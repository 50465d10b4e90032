/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dev-vdisk: what main.c, handlers.c and configfs.c share about the four
 * handlers and their devices' configuration (not part of the contract the
 * backends and command files code against: that is vdisk.h).
 */
#ifndef _SCST_VDISK_HANDLERS_H
#define _SCST_VDISK_HANDLERS_H

#include <linux/mutex.h>
#include <linux/sizes.h>
#include "vdisk.h"

struct configfs_attribute;

/*
 * Serialises the device attributes that may change while a device is
 * enabled with its enable and disable. Taken inside the core's
 * configuration lock (enable_device runs under it), so never call the
 * core's configuration functions (scst_dev_change_disabled(), ...) with
 * it held.
 */
extern struct mutex vdisk_cfg_mutex;

/* Defaults of a new device (handlers.c) */
#define VDISK_DEF_VEND_ID	"SCST_NG"
#define VDISK_DEF_PROD_REV	"0100"
/*
 * vdisk_nullio has no store to take a size from: 1 TiB until the size
 * attribute says otherwise.
 */
#define VDISK_NULLIO_DEF_SIZE	SZ_1T
#define VDISK_CDROM_BLOCKSIZE	2048

int vdisk_handlers_register(void);
void vdisk_handlers_unregister(void);

/* Bytes the device exports: its size attribute, or else its store's. */
u64 vdisk_export_size(const struct vdisk_dev *vd);

/* The handlers' attribute lists (configfs.c) */
extern struct configfs_attribute *vdisk_nullio_attrs[];
extern struct configfs_attribute *vdisk_fileio_attrs[];
extern struct configfs_attribute *vdisk_blockio_attrs[];
extern struct configfs_attribute *vdisk_cdrom_attrs[];

#endif /* _SCST_VDISK_HANDLERS_H */
