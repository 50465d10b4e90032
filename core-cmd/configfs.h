/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scst_core's configfs tree, shared between configfs.c (the root,
 * handlers/ and devices), configfs_tgt.c (targets/ and what is under a
 * target) and configfs_sess.c (sessions/).
 *
 * Lifetimes. configfs frees an item only from its ->release, and an item
 * may outlive its directory (a racing symlink(2) holds a reference on its
 * target). The model frees its objects (core_dev, scst_tgt, ...)
 * when it is done with them, so no configfs item is embedded in a model
 * object: each directory is a small core_cfs_* wrapper that points at its
 * model object and is freed by its own ->release. The model object points
 * back at the wrapper's group (core_handler.group, scst_tgt.group, ...);
 * both pointers are set and cleared under core_cfg_mutex.
 *
 * show() and store() never run after rmdir(2) or
 * configfs_unregister_group() have returned (configfs marks the directory
 * dead and waits for callers in flight), so they may use the model object
 * without taking a reference.
 *
 * Pins. configfs refuses rmdir(2) of a directory that is the target of a
 * symlink or that was pinned with configfs_depend_item*(). We pin:
 *   - a device while it is enabled, so a device is never destroyed enabled
 *     and a LUN (which needs an enabled device) never outlives it;
 *   - a target once per session directory under it, so configfs never
 *     removes a sessions/<id> directory behind our back (only
 *     configfs_unregister_group() may remove it).
 */
#ifndef _SCST_CORE_CONFIGFS_H
#define _SCST_CORE_CONFIGFS_H

#include <linux/configfs.h>
#include "core.h"

extern struct configfs_subsystem core_cfs_subsys;
extern struct config_group core_cfs_handlers;
extern struct config_group core_cfs_targets;

/* A device's queue_depth attribute: 1 to this */
#define CORE_CFS_QUEUE_DEPTH_MAX	1024

/* handlers/<name>/ */
struct core_cfs_handler {
	struct config_group group;
	struct core_handler *h;		/* NULL once unregistered */
	struct config_item_type dev_type;
	struct configfs_attribute **dev_attrs;	/* core's + handler's */
};

/* handlers/<handler>/<device>/ */
struct core_cfs_dev {
	struct config_group group;
	struct core_dev *cdev;		/* NULL once the model let go */
	struct core_cfs_handler *hw;	/* holds a reference: our item type */
	bool pinned;			/* configfs_depend_item() while enabled */
};

/* targets/<fabric>/ */
struct core_cfs_fabric {
	struct config_group group;
	struct core_fabric *f;		/* NULL once unregistered */
	struct config_item_type tgt_type;
	struct configfs_attribute **tgt_attrs;	/* core's + fabric's */
};

/* A luns/ directory: of a target's default group, or of a named group */
struct core_cfs_acg;
struct core_cfs_tgt;
struct core_cfs_luns {
	struct config_group group;
	struct core_cfs_tgt *tw;	/* the default group's, or NULL */
	struct core_cfs_acg *aw;	/* a named group's, or NULL */
};

/* targets/<fabric>/<target>/ */
struct core_cfs_tgt {
	struct config_group group;
	struct core_cfs_luns luns;
	struct config_group ini_groups;
	struct config_group sessions;
	struct scst_tgt *tgt;		/* NULL once the model let go */
	struct core_cfs_fabric *fw;	/* holds a reference: our item type */
	struct list_head sess_dirs;	/* core_cfs_sess_mutex */
	bool dying;			/* no new session directories */
};

/* Remove every sessions/<id> directory of @tw (configfs_sess.c) */
void core_cfs_tgt_sess_dirs_del(struct core_cfs_tgt *tw);

/* Every wrapper is allocated and freed by these, and counted. */
extern atomic_t core_cfs_nr_objs;
void *core_cfs_zalloc(size_t size);
void core_cfs_free(void *p);

void core_cfs_targets_init(void);
struct configfs_attribute **
core_cfs_merge_attrs(struct configfs_attribute **core, unsigned int nr_core,
		     struct configfs_attribute **extra);

/* Pin @item against rmdir(2); from any process context. */
int core_cfs_pin(struct config_item *item);
void core_cfs_unpin(struct config_item *item);

/*
 * Strict number parsing for attribute stores and directory names: decimal
 * only, an optional trailing newline, within [@min, @max].
 */
int core_cfs_parse_u64(const char *page, u64 min, u64 max, u64 *val);

/* A device directory's model object (configfs.c) */
struct core_dev *core_cfs_to_dev(struct config_item *item);

#endif /* _SCST_CORE_CONFIGFS_H */
