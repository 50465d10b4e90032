// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: access control. Each target has a default LUN set, and
 * named initiator groups with their own LUN sets and the initiator names
 * (or '*'/'?' patterns) they serve. A session sees the LUNs of the first
 * named group, in creation order, with a pattern its initiator name
 * matches, else the default group's. Every change is applied to the live
 * sessions at once (core_tgt_update_sessions()), with the unit attentions
 * SAM asks for.
 */
#include <linux/slab.h>
#include <linux/string.h>
#include "core.h"

/**
 * core_name_matches() - glob match of an initiator name
 * @pattern: '*' matches any run of characters, '?' any one character
 * @name:    the initiator port name
 *
 * Iterative with one backtrack point, so a hostile pattern costs
 * O(len(pattern) * len(name)) at worst, never exponential time.
 */
bool core_name_matches(const char *pattern, const char *name)
{
	const char *star = NULL, *retry = NULL;

	while (*name) {
		if (*pattern == '*') {
			star = ++pattern;
			retry = name;
		} else if (*pattern == '?' || *pattern == *name) {
			pattern++;
			name++;
		} else if (star) {
			pattern = star;
			name = ++retry;
		} else {
			return false;
		}
	}
	while (*pattern == '*')
		pattern++;
	return !*pattern;
}
EXPORT_SYMBOL_IF_KUNIT(core_name_matches);

struct scst_acg *core_acg_for_initiator(struct scst_tgt *tgt,
					const char *initiator)
{
	struct scst_acg *acg;
	struct core_ini *ini;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(acg, &tgt->acgs, node)
		list_for_each_entry(ini, &acg->inis, node)
			if (core_name_matches(ini->name, initiator))
				return acg;
	return &tgt->default_acg;
}
EXPORT_SYMBOL_IF_KUNIT(core_acg_for_initiator);

struct scst_acg *core_acg_find(struct scst_tgt *tgt, const char *name)
{
	struct scst_acg *acg;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(acg, &tgt->acgs, node)
		if (!strcmp(acg->name, name))
			return acg;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(core_acg_find);

struct scst_acg *core_acg_create(struct scst_tgt *tgt, const char *name)
{
	struct scst_acg *acg;

	lockdep_assert_held(&core_cfg_mutex);
	if (!core_name_valid(name)) {
		pr_err(CORE_NAME ": %s: group name \"%.*s\" is empty, too long or has '/'\n",
		       tgt->name, SCST_NAME_MAX, name);
		return ERR_PTR(-EINVAL);
	}
	if (core_acg_find(tgt, name)) {
		pr_err(CORE_NAME ": %s: group %s already exists\n",
		       tgt->name, name);
		return ERR_PTR(-EEXIST);
	}
	acg = kzalloc(sizeof(*acg), GFP_KERNEL);
	if (!acg)
		return ERR_PTR(-ENOMEM);
	acg->tgt = tgt;
	strscpy(acg->name, name, sizeof(acg->name));
	INIT_LIST_HEAD(&acg->luns);
	INIT_LIST_HEAD(&acg->inis);
	list_add_tail(&acg->node, &tgt->acgs);
	return acg;
}
EXPORT_SYMBOL_IF_KUNIT(core_acg_create);

static void core_lun_free(struct core_lun *lun)
{
	core_cfs_lun_unlink(lun);
	list_del(&lun->node);
	if (!--lun->dev->nr_luns)
		core_dev_unused(lun->dev);
	kfree(lun);
}

/* Free a group's contents (and the group, unless it is the default one). */
void core_acg_free(struct scst_acg *acg)
{
	struct core_lun *lun, *ltmp;
	struct core_ini *ini, *itmp;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry_safe(lun, ltmp, &acg->luns, node)
		core_lun_free(lun);
	list_for_each_entry_safe(ini, itmp, &acg->inis, node) {
		list_del(&ini->node);
		kfree(ini);
	}
	if (acg == &acg->tgt->default_acg)
		return;
	core_cfs_acg_unlink(acg);
	list_del(&acg->node);
	kfree(acg);
}

/**
 * core_acg_destroy() - remove a named group
 * @acg: the group; its sessions move to the group that now matches them
 */
int core_acg_destroy(struct scst_acg *acg)
{
	struct scst_tgt *tgt = acg->tgt;

	lockdep_assert_held(&core_cfg_mutex);
	if (acg == &tgt->default_acg)
		return -EINVAL;
	core_acg_free(acg);
	core_tgt_update_sessions(tgt);
	return 0;
}

int core_acg_add_ini(struct scst_acg *acg, const char *pattern)
{
	struct scst_acg *other;
	struct core_ini *ini;

	lockdep_assert_held(&core_cfg_mutex);
	if (!core_name_valid(pattern)) {
		pr_err(CORE_NAME ": %s/%s: initiator name \"%.*s\" is empty, too long or has '/'\n",
		       acg->tgt->name, acg->name, SCST_NAME_MAX, pattern);
		return -EINVAL;
	}
	/* SCST refuses one name in two groups: which LUNs would it see? */
	list_for_each_entry(other, &acg->tgt->acgs, node)
		list_for_each_entry(ini, &other->inis, node)
			if (!strcmp(ini->name, pattern)) {
				pr_err(CORE_NAME ": %s: initiator %s is already in group %s\n",
				       acg->tgt->name, pattern, other->name);
				return -EEXIST;
			}
	ini = kzalloc(sizeof(*ini), GFP_KERNEL);
	if (!ini)
		return -ENOMEM;
	strscpy(ini->name, pattern, sizeof(ini->name));
	list_add_tail(&ini->node, &acg->inis);
	core_tgt_update_sessions(acg->tgt);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(core_acg_add_ini);

int core_acg_del_ini(struct scst_acg *acg, const char *pattern)
{
	struct core_ini *ini;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(ini, &acg->inis, node) {
		if (!strcmp(ini->name, pattern)) {
			list_del(&ini->node);
			kfree(ini);
			core_tgt_update_sessions(acg->tgt);
			return 0;
		}
	}
	return -ENOENT;
}

struct core_lun *core_lun_find(struct scst_acg *acg, u64 lun)
{
	struct core_lun *l;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(l, &acg->luns, node)
		if (l->lun == lun)
			return l;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(core_lun_find);

/* The largest LUN flat space addressing can carry (SAM-5 4.7.7). */
#define CORE_MAX_LUN	16383

/**
 * core_lun_add() - map a LUN of a group to a device
 * @acg:       the group
 * @lun:       the LUN number, 0..16383
 * @dev:       an enabled device
 * @read_only: writes through this LUN fail with DATA PROTECT
 *
 * Sessions that see the group get the LUN at once, and REPORTED LUNS DATA
 * HAS CHANGED.
 */
int core_lun_add(struct scst_acg *acg, u64 lun, struct core_dev *dev,
		 bool read_only)
{
	struct core_lun *l, *pos;

	lockdep_assert_held(&core_cfg_mutex);
	if (lun > CORE_MAX_LUN) {
		pr_err(CORE_NAME ": %s: LUN %llu is above %u\n",
		       acg->tgt->name, lun, CORE_MAX_LUN);
		return -ERANGE;
	}
	if (!dev->enabled) {
		pr_err(CORE_NAME ": %s: LUN %llu: device %s is not enabled\n",
		       acg->tgt->name, lun, dev->name);
		return -ENODEV;
	}
	if (core_lun_find(acg, lun)) {
		pr_err(CORE_NAME ": %s: LUN %llu already exists\n",
		       acg->tgt->name, lun);
		return -EEXIST;
	}
	l = kzalloc(sizeof(*l), GFP_KERNEL);
	if (!l)
		return -ENOMEM;
	l->lun = lun;
	l->dev = dev;
	l->read_only = read_only;
	dev->nr_luns++;
	/* Sorted, so REPORT LUNS and configfs list them in order. */
	list_for_each_entry(pos, &acg->luns, node)
		if (pos->lun > lun)
			break;
	list_add_tail(&l->node, &pos->node);
	core_tgt_update_sessions(acg->tgt);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(core_lun_add);

/**
 * core_lun_del() - unmap a LUN
 * @acg: the group
 * @lun: the LUN number
 *
 * Its I_T_L nexuses stop taking commands at once; those in flight finish,
 * and the nexuses are freed after them.
 */
int core_lun_del(struct scst_acg *acg, u64 lun)
{
	struct core_lun *l;

	lockdep_assert_held(&core_cfg_mutex);
	l = core_lun_find(acg, lun);
	if (!l)
		return -ENOENT;
	core_lun_free(l);
	core_tgt_update_sessions(acg->tgt);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(core_lun_del);
