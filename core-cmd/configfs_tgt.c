// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: targets/ in configfs.
 *
 *   targets/<fabric>/                   appears when the fabric registers
 *   targets/<fabric>/<target>/          mkdir, if the fabric has add_target;
 *                                       targets a fabric makes itself
 *                                       appear here too (rmdir refused)
 *       enable, rel_tgt_port_id, and the fabric's tgt_attrs
 *       luns/<lun>/<link to a device>   the default group's LUNs
 *       ini_groups/<group>/initiators/<name or pattern>
 *       ini_groups/<group>/luns/<lun>/<link to a device>
 *       sessions/<id>/                  configfs_sess.c
 *
 * A LUN is two steps, LIO style: mkdir luns/<lun> makes an empty slot
 * (whose read_only attribute may be set), and a symlink in it to a
 * handlers/<handler>/<device> directory maps the LUN (core_lun_add());
 * removing the link unmaps it. configfs refuses rmdir(2) of a device that
 * a link points at, and of a slot that holds a link.
 */
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "configfs.h"

/* ini_groups/<group>/ */
struct core_cfs_acg {
	struct config_group group;
	struct config_group initiators;
	struct core_cfs_luns luns;
	struct scst_acg *acg;		/* NULL once the model let go */
};

/* .../luns/<lun>/ */
struct core_cfs_lun {
	struct config_group group;
	u64 lun;
	bool read_only;
	struct core_lun *l;		/* mapped by a link, else NULL */
};

/* ini_groups/<group>/initiators/<name> */
struct core_cfs_ini {
	struct config_item item;
};

static inline struct core_cfs_tgt *to_cfs_tgt(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_tgt, group);
}

static inline struct core_cfs_fabric *to_cfs_fabric(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_fabric,
			    group);
}

static inline struct core_cfs_luns *to_cfs_luns(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_luns,
			    group);
}

static inline struct core_cfs_lun *to_cfs_lun(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_lun, group);
}

static inline struct core_cfs_acg *to_cfs_acg(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_acg, group);
}

/* ------------------------------------------------------------------ */
/* .../luns/<lun>/ */

/* The group a luns/ directory maps LUNs of, or NULL once it is gone. */
static struct scst_acg *core_cfs_luns_acg(struct core_cfs_luns *lw)
{
	lockdep_assert_held(&core_cfg_mutex);
	if (lw->aw)
		return lw->aw->acg;
	return lw->tw->tgt ? &lw->tw->tgt->default_acg : NULL;
}

static ssize_t core_cfs_lun_read_only_show(struct config_item *item,
					   char *page)
{
	struct core_cfs_lun *lw = to_cfs_lun(item);
	ssize_t ret;

	mutex_lock(&core_cfg_mutex);
	ret = sysfs_emit(page, "%d\n", lw->l ? lw->l->read_only :
			 lw->read_only);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

/* Sessions copied it into their I_T_L nexuses when the LUN was mapped. */
static ssize_t core_cfs_lun_read_only_store(struct config_item *item,
					    const char *page, size_t count)
{
	struct core_cfs_lun *lw = to_cfs_lun(item);
	u64 val;
	int ret;

	ret = core_cfs_parse_u64(page, 0, 1, &val);
	if (ret) {
		core_warn("lun %llu: read_only: want 0 or 1\n", lw->lun);
		return ret;
	}
	mutex_lock(&core_cfg_mutex);
	if (lw->l) {
		core_warn("lun %llu: read_only cannot change while a device is linked\n",
			  lw->lun);
		ret = -EBUSY;
	} else {
		lw->read_only = val;
	}
	mutex_unlock(&core_cfg_mutex);
	return ret ?: count;
}

CONFIGFS_ATTR(core_cfs_lun_, read_only);

static struct configfs_attribute *core_cfs_lun_attrs[] = {
	&core_cfs_lun_attr_read_only,
	NULL,
};

static int core_cfs_lun_allow_link(struct config_item *src,
				   struct config_item *target)
{
	struct core_cfs_lun *lw = to_cfs_lun(src);
	struct core_cfs_luns *ls = to_cfs_luns(&src->ci_group->cg_item);
	struct scst_acg *acg;
	struct core_dev *cdev;
	int ret;

	mutex_lock(&core_cfg_mutex);
	cdev = core_cfs_to_dev(target);
	acg = core_cfs_luns_acg(ls);
	if (!cdev) {
		core_warn("lun %llu: %s is not a device directory\n",
			  lw->lun, config_item_name(target));
		ret = -EINVAL;
	} else if (!acg) {
		ret = -ENODEV;
	} else if (lw->l) {
		core_warn("lun %llu: already maps device %s\n",
			  lw->lun, lw->l->dev->name);
		ret = -EEXIST;
	} else {
		ret = core_lun_add(acg, lw->lun, cdev, lw->read_only);
	}
	if (!ret) {
		lw->l = core_lun_find(acg, lw->lun);
		lw->l->cfs = lw;
	}
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

static void core_cfs_lun_drop_link(struct config_item *src,
				   struct config_item *target)
{
	struct core_cfs_lun *lw = to_cfs_lun(src);
	struct core_cfs_luns *ls = to_cfs_luns(&src->ci_group->cg_item);
	struct scst_acg *acg;

	mutex_lock(&core_cfg_mutex);
	acg = core_cfs_luns_acg(ls);
	/* core_lun_del() calls core_cfs_lun_unlink(), which clears lw->l. */
	if (lw->l && acg)
		core_lun_del(acg, lw->lun);
	mutex_unlock(&core_cfg_mutex);
}

void core_cfs_lun_unlink(struct core_lun *l)
{
	struct core_cfs_lun *lw = l->cfs;

	lockdep_assert_held(&core_cfg_mutex);
	if (!lw)
		return;
	lw->l = NULL;
	l->cfs = NULL;
}

static void core_cfs_lun_release(struct config_item *item)
{
	core_cfs_free(to_cfs_lun(item));
}

static struct configfs_item_operations core_cfs_lun_item_ops = {
	.release	= core_cfs_lun_release,
	.allow_link	= core_cfs_lun_allow_link,
	.drop_link	= core_cfs_lun_drop_link,
};

static const struct config_item_type core_cfs_lun_type = {
	.ct_item_ops	= &core_cfs_lun_item_ops,
	.ct_attrs	= core_cfs_lun_attrs,
	.ct_owner	= THIS_MODULE,
};

/* As core_lun_add(): flat space addressing (SAM-5 4.7.7) */
#define CORE_CFS_LUN_MAX	16383

static struct config_group *core_cfs_lun_make(struct config_group *group,
					      const char *name)
{
	struct core_cfs_lun *lw;
	char canon[24];
	u64 lun;
	int ret;

	/* One spelling per LUN, so "7" and "07" cannot both exist. */
	ret = core_cfs_parse_u64(name, 0, CORE_CFS_LUN_MAX, &lun);
	if (!ret) {
		snprintf(canon, sizeof(canon), "%llu", lun);
		if (strcmp(canon, name))
			ret = -EINVAL;
	}
	if (ret) {
		core_warn("lun \"%.32s\": want a LUN number, 0 to %u, in decimal\n",
			  name, CORE_CFS_LUN_MAX);
		return ERR_PTR(ret);
	}
	lw = core_cfs_zalloc(sizeof(*lw));
	if (!lw)
		return ERR_PTR(-ENOMEM);
	lw->lun = lun;
	config_group_init_type_name(&lw->group, name, &core_cfs_lun_type);
	return &lw->group;
}

static struct configfs_group_operations core_cfs_luns_group_ops = {
	.make_group	= core_cfs_lun_make,
};

static const struct config_item_type core_cfs_luns_type = {
	.ct_group_ops	= &core_cfs_luns_group_ops,
	.ct_owner	= THIS_MODULE,
};

/* ------------------------------------------------------------------ */
/* ini_groups/<group>/initiators/<name> */

static void core_cfs_ini_release(struct config_item *item)
{
	core_cfs_free(container_of(item, struct core_cfs_ini, item));
}

static struct configfs_item_operations core_cfs_ini_item_ops = {
	.release	= core_cfs_ini_release,
};

static const struct config_item_type core_cfs_ini_type = {
	.ct_item_ops	= &core_cfs_ini_item_ops,
	.ct_owner	= THIS_MODULE,
};

static struct core_cfs_acg *core_cfs_inis_acg(struct config_group *group)
{
	return container_of(group, struct core_cfs_acg, initiators);
}

static struct config_item *core_cfs_ini_make(struct config_group *group,
					     const char *name)
{
	struct core_cfs_acg *aw = core_cfs_inis_acg(group);
	struct core_cfs_ini *iw;
	int ret;

	iw = core_cfs_zalloc(sizeof(*iw));
	if (!iw)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&core_cfg_mutex);
	ret = aw->acg ? core_acg_add_ini(aw->acg, name) : -ENODEV;
	mutex_unlock(&core_cfg_mutex);
	if (ret) {
		core_cfs_free(iw);
		return ERR_PTR(ret);
	}
	config_item_init_type_name(&iw->item, name, &core_cfs_ini_type);
	return &iw->item;
}

static void core_cfs_ini_drop(struct config_group *group,
			      struct config_item *item)
{
	struct core_cfs_acg *aw = core_cfs_inis_acg(group);

	mutex_lock(&core_cfg_mutex);
	if (aw->acg)
		core_acg_del_ini(aw->acg, config_item_name(item));
	mutex_unlock(&core_cfg_mutex);
	config_item_put(item);
}

static struct configfs_group_operations core_cfs_inis_group_ops = {
	.make_item	= core_cfs_ini_make,
	.drop_item	= core_cfs_ini_drop,
};

static const struct config_item_type core_cfs_inis_type = {
	.ct_group_ops	= &core_cfs_inis_group_ops,
	.ct_owner	= THIS_MODULE,
};

/* ------------------------------------------------------------------ */
/* ini_groups/<group>/ */

static void core_cfs_acg_release(struct config_item *item)
{
	core_cfs_free(to_cfs_acg(item));
}

static struct configfs_item_operations core_cfs_acg_item_ops = {
	.release	= core_cfs_acg_release,
};

static const struct config_item_type core_cfs_acg_type = {
	.ct_item_ops	= &core_cfs_acg_item_ops,
	.ct_owner	= THIS_MODULE,
};

static struct core_cfs_tgt *core_cfs_ini_groups_tgt(struct config_group *g)
{
	return container_of(g, struct core_cfs_tgt, ini_groups);
}

static struct config_group *core_cfs_acg_make(struct config_group *group,
					      const char *name)
{
	struct core_cfs_tgt *tw = core_cfs_ini_groups_tgt(group);
	struct core_cfs_acg *aw;
	struct scst_acg *acg;

	aw = core_cfs_zalloc(sizeof(*aw));
	if (!aw)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&core_cfg_mutex);
	acg = tw->tgt ? core_acg_create(tw->tgt, name) : ERR_PTR(-ENODEV);
	if (IS_ERR(acg)) {
		mutex_unlock(&core_cfg_mutex);
		core_cfs_free(aw);
		return ERR_CAST(acg);
	}
	aw->acg = acg;
	acg->cfs = aw;
	mutex_unlock(&core_cfg_mutex);

	config_group_init_type_name(&aw->group, name, &core_cfs_acg_type);
	config_group_init_type_name(&aw->initiators, "initiators",
				    &core_cfs_inis_type);
	configfs_add_default_group(&aw->initiators, &aw->group);
	aw->luns.aw = aw;
	config_group_init_type_name(&aw->luns.group, "luns",
				    &core_cfs_luns_type);
	configfs_add_default_group(&aw->luns.group, &aw->group);
	return &aw->group;
}

/* Its initiators and LUN slots are gone (configfs emptied it first). */
static void core_cfs_acg_drop(struct config_group *group,
			      struct config_item *item)
{
	struct core_cfs_acg *aw = to_cfs_acg(item);

	mutex_lock(&core_cfg_mutex);
	if (aw->acg)
		core_acg_destroy(aw->acg);
	mutex_unlock(&core_cfg_mutex);
	config_item_put(item);
}

void core_cfs_acg_unlink(struct scst_acg *acg)
{
	struct core_cfs_acg *aw = acg->cfs;

	lockdep_assert_held(&core_cfg_mutex);
	if (!aw)
		return;
	aw->acg = NULL;
	acg->cfs = NULL;
}

static struct configfs_group_operations core_cfs_ini_groups_group_ops = {
	.make_group	= core_cfs_acg_make,
	.drop_item	= core_cfs_acg_drop,
};

static const struct config_item_type core_cfs_ini_groups_type = {
	.ct_group_ops	= &core_cfs_ini_groups_group_ops,
	.ct_owner	= THIS_MODULE,
};

/* ------------------------------------------------------------------ */
/* targets/<fabric>/<target>/: attributes */

/**
 * scst_tgt_from_item() - the target a fabric's configfs attribute is on
 * @item: the config_item its show() or store() was called with
 *
 * Valid for the duration of the show() or store() call; NULL if @item is
 * not a target directory or the target is being removed.
 */
struct scst_tgt *scst_tgt_from_item(struct config_item *item)
{
	if (!item || !item->ci_type || !item->ci_parent ||
	    item->ci_type != &to_cfs_fabric(item->ci_parent)->tgt_type)
		return NULL;
	return READ_ONCE(to_cfs_tgt(item)->tgt);
}
EXPORT_SYMBOL_GPL(scst_tgt_from_item);

enum core_cfs_tgt_field {
	CORE_CFS_TGT_ENABLE,
	CORE_CFS_TGT_REL_ID,
};

static ssize_t core_cfs_tgt_show(struct config_item *item, char *page,
				 enum core_cfs_tgt_field field)
{
	struct scst_tgt *tgt;
	ssize_t ret = -ENODEV;

	mutex_lock(&core_cfg_mutex);
	tgt = to_cfs_tgt(item)->tgt;
	if (tgt)
		ret = sysfs_emit(page, "%u\n", field == CORE_CFS_TGT_ENABLE ?
				 tgt->enabled : tgt->rel_tgt_port_id);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

static ssize_t core_cfs_tgt_enable_show(struct config_item *item, char *page)
{
	return core_cfs_tgt_show(item, page, CORE_CFS_TGT_ENABLE);
}

static ssize_t core_cfs_tgt_rel_tgt_port_id_show(struct config_item *item,
						 char *page)
{
	return core_cfs_tgt_show(item, page, CORE_CFS_TGT_REL_ID);
}

static ssize_t core_cfs_tgt_enable_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct scst_tgt *tgt;
	u64 val;
	int ret;

	ret = core_cfs_parse_u64(page, 0, 1, &val);
	if (ret) {
		core_warn("target %s: enable: want 0 or 1\n",
			  config_item_name(item));
		return ret;
	}
	/*
	 * The target outlives this call without core_cfg_mutex: only rmdir
	 * frees it, and configfs lets rmdir wait for running stores.
	 */
	mutex_lock(&core_cfg_mutex);
	tgt = to_cfs_tgt(item)->tgt;
	mutex_unlock(&core_cfg_mutex);
	ret = tgt ? core_tgt_set_enabled(tgt, val) : -ENODEV;
	return ret ?: count;
}

/* Initiators cache it (SPC-4 VPD page 0x83): only while disabled. */
static ssize_t core_cfs_tgt_rel_tgt_port_id_store(struct config_item *item,
						  const char *page,
						  size_t count)
{
	struct scst_tgt *tgt;
	u64 val;
	int ret;

	ret = core_cfs_parse_u64(page, 1, U16_MAX, &val);
	if (ret) {
		core_warn("target %s: rel_tgt_port_id: want 1 to 65535\n",
			  config_item_name(item));
		return ret;
	}
	mutex_lock(&core_cfg_mutex);
	tgt = to_cfs_tgt(item)->tgt;
	if (!tgt) {
		ret = -ENODEV;
	} else if (tgt->enabled) {
		core_warn("target %s: rel_tgt_port_id cannot change while enabled\n",
			  tgt->name);
		ret = -EBUSY;
	} else {
		ret = core_tgt_set_rel_id(tgt, val);
	}
	mutex_unlock(&core_cfg_mutex);
	return ret ?: count;
}

CONFIGFS_ATTR(core_cfs_tgt_, enable);
CONFIGFS_ATTR(core_cfs_tgt_, rel_tgt_port_id);

static struct configfs_attribute *core_cfs_tgt_attrs[] = {
	&core_cfs_tgt_attr_enable,
	&core_cfs_tgt_attr_rel_tgt_port_id,
};

/* ------------------------------------------------------------------ */
/* targets/<fabric>/<target>/ */

static void core_cfs_tgt_release(struct config_item *item)
{
	struct core_cfs_tgt *tw = to_cfs_tgt(item);
	struct core_cfs_fabric *fw = tw->fw;

	core_cfs_free(tw);
	/* The target's item type lives in the fabric's wrapper. */
	config_item_put(&fw->group.cg_item);
}

static struct configfs_item_operations core_cfs_tgt_item_ops = {
	.release	= core_cfs_tgt_release,
};

static const struct config_item_type core_cfs_sessions_type = {
	.ct_owner	= THIS_MODULE,
};

static struct core_cfs_tgt *core_cfs_tgt_alloc(struct core_cfs_fabric *fw,
					       const char *name)
{
	struct core_cfs_tgt *tw;

	tw = core_cfs_zalloc(sizeof(*tw));
	if (!tw)
		return NULL;
	INIT_LIST_HEAD(&tw->sess_dirs);
	config_group_init_type_name(&tw->group, name, &fw->tgt_type);
	tw->luns.tw = tw;
	config_group_init_type_name(&tw->luns.group, "luns",
				    &core_cfs_luns_type);
	configfs_add_default_group(&tw->luns.group, &tw->group);
	config_group_init_type_name(&tw->ini_groups, "ini_groups",
				    &core_cfs_ini_groups_type);
	configfs_add_default_group(&tw->ini_groups, &tw->group);
	config_group_init_type_name(&tw->sessions, "sessions",
				    &core_cfs_sessions_type);
	configfs_add_default_group(&tw->sessions, &tw->group);
	tw->fw = fw;
	config_item_get(&fw->group.cg_item);
	return tw;
}

static struct config_group *core_cfs_tgt_make(struct config_group *group,
					      const char *name)
{
	struct core_cfs_fabric *fw = to_cfs_fabric(&group->cg_item);
	struct core_cfs_tgt *tw;
	struct scst_tgt *tgt;

	tw = core_cfs_tgt_alloc(fw, name);
	if (!tw)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&core_cfg_mutex);
	tgt = fw->f ? core_tgt_create(fw->f, name, NULL, true) :
		      ERR_PTR(-ENODEV);
	if (IS_ERR(tgt)) {
		mutex_unlock(&core_cfg_mutex);
		config_item_put(&tw->group.cg_item);
		return ERR_CAST(tgt);
	}
	tw->tgt = tgt;
	tgt->cfs = tw;
	mutex_unlock(&core_cfg_mutex);
	return &tw->group;
}

/*
 * rmdir: configfs refused it while a LUN slot, group or session directory
 * was left, so only the model's target remains. Its sessions (those that
 * never got a directory) drain after this returns; the model frees the
 * target after them, so unlink it from us now.
 */
static void core_cfs_tgt_drop(struct config_group *group,
			      struct config_item *item)
{
	struct core_cfs_tgt *tw = to_cfs_tgt(item);
	struct scst_tgt *tgt;

	/* Disable it first: the fabric is called without core_cfg_mutex. */
	mutex_lock(&core_cfg_mutex);
	tgt = tw->tgt;
	mutex_unlock(&core_cfg_mutex);
	if (tgt)
		core_tgt_set_enabled(tgt, false);

	mutex_lock(&core_cfg_mutex);
	tgt = tw->tgt;
	if (tgt) {
		core_cfs_tgt_unlink(tgt);
		core_tgt_remove(tgt);
	}
	mutex_unlock(&core_cfg_mutex);
	config_item_put(item);
}

void core_cfs_tgt_unlink(struct scst_tgt *tgt)
{
	struct core_cfs_tgt *tw = tgt->cfs;

	lockdep_assert_held(&core_cfg_mutex);
	if (!tw)
		return;
	tw->tgt = NULL;
	tgt->cfs = NULL;
}

/* ------------------------------------------------------------------ */
/* Targets a fabric made itself */

void core_cfs_tgt_add(struct scst_tgt *tgt)
{
	struct core_cfs_fabric *fw;
	struct core_cfs_tgt *tw = NULL;
	int ret = -ENODEV;

	mutex_lock(&core_cfg_mutex);
	fw = tgt->fabric->cfs;
	if (fw)
		tw = core_cfs_tgt_alloc(fw, tgt->name);
	if (tw) {
		tw->tgt = tgt;
		tgt->cfs = tw;
	}
	mutex_unlock(&core_cfg_mutex);
	if (tw)
		ret = configfs_register_group(&fw->group, &tw->group);
	if (ret) {
		pr_err(CORE_NAME ": target %s: no configfs directory: %d\n",
		       tgt->name, ret);
		if (!tw)
			return;
		mutex_lock(&core_cfg_mutex);
		core_cfs_tgt_unlink(tgt);
		mutex_unlock(&core_cfg_mutex);
		config_item_put(&tw->group.cg_item);
	}
}

struct core_cfs_rm_ent {
	struct list_head node;
	unsigned int type;		/* DT_DIR or DT_LNK */
	int len;
	char name[];
};

struct core_cfs_rm_ctx {
	struct dir_context ctx;
	struct list_head ents;
	int err;
};

static bool core_cfs_rm_filldir(struct dir_context *ctx, const char *name,
				int len, loff_t off, u64 ino, unsigned int type)
{
	struct core_cfs_rm_ctx *rc = container_of(ctx, struct core_cfs_rm_ctx,
						  ctx);
	struct core_cfs_rm_ent *e;

	if ((type != DT_DIR && type != DT_LNK) ||
	    (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))))
		return true;
	e = kmalloc(struct_size(e, name, len + 1), GFP_KERNEL);
	if (!e) {
		rc->err = -ENOMEM;
		return false;
	}
	e->type = type;
	e->len = len;
	memcpy(e->name, name, len);
	e->name[len] = '\0';
	list_add_tail(&e->node, &rc->ents);
	return true;
}

/*
 * Remove what user space made under @dir, as "rm -r" would: links, then
 * directories, depth first. Directories configfs made (default groups)
 * refuse rmdir with -EPERM and go with their parent.
 */
static int core_cfs_rm_children(struct vfsmount *mnt, struct dentry *dir,
				unsigned int depth)
{
	struct core_cfs_rm_ctx rc = {
		.ctx.actor = core_cfs_rm_filldir,
		.ents = LIST_HEAD_INIT(rc.ents),
	};
	struct path path = { .mnt = mnt, .dentry = dir };
	struct core_cfs_rm_ent *e, *tmp;
	struct file *file;
	int ret;

	/* <target>/ini_groups/<group>/luns/<lun>/<link> is the deepest */
	if (depth > 4)
		return -ELOOP;
	file = dentry_open(&path, O_RDONLY | O_DIRECTORY, current_cred());
	if (IS_ERR(file))
		return PTR_ERR(file);
	ret = iterate_dir(file, &rc.ctx);
	fput(file);
	if (!ret)
		ret = rc.err;

	list_for_each_entry_safe(e, tmp, &rc.ents, node) {
		struct dentry *child;
		int err;

		inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
		child = lookup_one_len(e->name, dir, e->len);
		inode_unlock(d_inode(dir));
		err = PTR_ERR_OR_ZERO(child);
		if (!err && d_really_is_positive(child)) {
			if (e->type == DT_DIR)
				err = core_cfs_rm_children(mnt, child,
							   depth + 1);
			inode_lock_nested(d_inode(dir), I_MUTEX_PARENT);
			if (e->type == DT_LNK)
				err = err ?: vfs_unlink(&init_user_ns,
							d_inode(dir), child,
							NULL);
			else if (!err)
				err = vfs_rmdir(&init_user_ns, d_inode(dir),
						child);
			inode_unlock(d_inode(dir));
			if (err == -EPERM)
				err = 0;
		}
		if (!IS_ERR(child))
			dput(child);
		if (!ret)
			ret = err;
		list_del(&e->node);
		kfree(e);
	}
	return ret;
}

/* rm -r of luns/ and ini_groups/ under a fabric-made target */
static void core_cfs_tgt_rm_user_dirs(struct core_cfs_tgt *tw)
{
	struct file_system_type *fs = get_fs_type("configfs");
	struct vfsmount *mnt;
	int ret;

	if (!fs)
		return;
	/* configfs has one superblock: this mount shows our tree. */
	mnt = kern_mount(fs);
	if (IS_ERR(mnt)) {
		ret = PTR_ERR(mnt);
	} else {
		ret = core_cfs_rm_children(mnt, tw->luns.group.cg_item.ci_dentry,
					   1);
		if (!ret)
			ret = core_cfs_rm_children(mnt, tw->ini_groups.cg_item.ci_dentry,
						   1);
		kern_unmount(mnt);
	}
	module_put(fs->owner);
	if (ret)
		pr_err(CORE_NAME ": target %s: could not remove its LUN and group directories: %d\n",
		       config_item_name(&tw->group.cg_item), ret);
}

/*
 * A fabric unregisters a target it made: remove its directory. configfs
 * would leave what user space made under it (LUN slots, groups) hanging
 * off a removed directory, so remove those first, as rmdir(2) would, and
 * the session directories, which configfs would remove without telling us.
 */
void core_cfs_tgt_del(struct scst_tgt *tgt)
{
	struct core_cfs_tgt *tw;

	mutex_lock(&core_cfg_mutex);
	tw = tgt->cfs;
	if (tw)
		config_item_get(&tw->group.cg_item);
	mutex_unlock(&core_cfg_mutex);
	if (!tw)
		return;

	core_cfs_tgt_sess_dirs_del(tw);
	core_cfs_tgt_rm_user_dirs(tw);
	mutex_lock(&core_cfg_mutex);
	core_cfs_tgt_unlink(tgt);
	mutex_unlock(&core_cfg_mutex);
	configfs_unregister_group(&tw->group);
	config_item_put(&tw->group.cg_item);	/* ours, from above */
	config_item_put(&tw->group.cg_item);	/* core_cfs_tgt_add()'s */
}

/* ------------------------------------------------------------------ */
/* targets/<fabric>/ */

static void core_cfs_fabric_release(struct config_item *item)
{
	struct core_cfs_fabric *fw = to_cfs_fabric(item);

	kfree(fw->tgt_attrs);
	core_cfs_free(fw);
}

static struct configfs_item_operations core_cfs_fabric_item_ops = {
	.release	= core_cfs_fabric_release,
};

static struct configfs_group_operations core_cfs_fabric_group_ops = {
	.make_group	= core_cfs_tgt_make,
	.drop_item	= core_cfs_tgt_drop,
};

static const struct config_item_type core_cfs_fabric_type = {
	.ct_item_ops	= &core_cfs_fabric_item_ops,
	.ct_group_ops	= &core_cfs_fabric_group_ops,
	.ct_owner	= THIS_MODULE,
};

int core_cfs_fabric_add(struct core_fabric *f)
{
	struct core_cfs_fabric *fw;
	int ret;

	fw = core_cfs_zalloc(sizeof(*fw));
	if (!fw)
		return -ENOMEM;
	fw->tgt_attrs = core_cfs_merge_attrs(core_cfs_tgt_attrs,
					     ARRAY_SIZE(core_cfs_tgt_attrs),
					     f->ops->tgt_attrs);
	if (!fw->tgt_attrs) {
		core_cfs_free(fw);
		return -ENOMEM;
	}
	fw->tgt_type.ct_item_ops = &core_cfs_tgt_item_ops;
	fw->tgt_type.ct_attrs = fw->tgt_attrs;
	fw->tgt_type.ct_owner = THIS_MODULE;
	config_group_init_type_name(&fw->group, f->ops->name,
				    &core_cfs_fabric_type);

	mutex_lock(&core_cfg_mutex);
	fw->f = f;
	f->cfs = fw;
	mutex_unlock(&core_cfg_mutex);

	ret = configfs_register_group(&core_cfs_targets, &fw->group);
	if (ret) {
		pr_err(CORE_NAME ": fabric %s: no configfs directory: %d\n",
		       f->ops->name, ret);
		mutex_lock(&core_cfg_mutex);
		f->cfs = NULL;
		mutex_unlock(&core_cfg_mutex);
		config_item_put(&fw->group.cg_item);
	}
	return ret;
}

void core_cfs_fabric_del(struct core_fabric *f)
{
	struct core_cfs_fabric *fw;

	mutex_lock(&core_cfg_mutex);
	fw = f->cfs;
	f->cfs = NULL;
	if (fw)
		fw->f = NULL;
	mutex_unlock(&core_cfg_mutex);
	if (!fw)
		return;
	configfs_unregister_group(&fw->group);
	config_item_put(&fw->group.cg_item);
}

struct config_group core_cfs_targets;

static const struct config_item_type core_cfs_targets_type = {
	.ct_owner	= THIS_MODULE,
};

void core_cfs_targets_init(void)
{
	config_group_init_type_name(&core_cfs_targets, "targets",
				    &core_cfs_targets_type);
}
