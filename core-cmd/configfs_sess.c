// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: targets/<fabric>/<target>/sessions/<id>/, a read-only view
 * of each session: its initiator, TransportID, group, LUNs, commands in
 * flight and counters.
 *
 * Session directories come and go from the kernel side, so they are
 * registered with configfs_register_group() from the model's hooks, with
 * no core lock held (configfs takes directory locks before calling into
 * us, so we must not hold ours while calling it). Each pins its target's
 * directory: configfs would otherwise remove it, without telling us, with
 * an rmdir of the target.
 */
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include "configfs.h"

/*
 * Serializes adding and removing session directories, so that a target's
 * removal (core_cfs_tgt_sess_dirs_del()) cannot miss one being added.
 * Taken before core_cfg_mutex, never inside it, nor in a configfs callback.
 */
static DEFINE_MUTEX(core_cfs_sess_mutex);

struct core_cfs_sess {
	struct config_group group;
	struct scst_session *sess;	/* NULL once the model let go */
	struct core_cfs_tgt *tw;	/* pinned and referenced */
	struct list_head node;		/* core_cfs_tgt.sess_dirs */
};

static inline struct core_cfs_sess *to_cfs_sess(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_sess,
			    group);
}

enum core_cfs_sess_field {
	CORE_CFS_SESS_INITIATOR,
	CORE_CFS_SESS_TRANSPORT_ID,
	CORE_CFS_SESS_GROUP,
	CORE_CFS_SESS_LUNS,
	CORE_CFS_SESS_COMMANDS,
	CORE_CFS_SESS_STATS,
};

/* The TransportID as the fabric gave it, in hex (SPC-4 7.6.4) */
static ssize_t core_cfs_sess_tid_emit(struct scst_session *sess, char *page)
{
	unsigned int i, len = min_t(unsigned int, sess->transport_id_len,
				    SCST_TRANSPORT_ID_MAX);
	ssize_t ret = 0;

	/* At most 256 bytes: 513 characters, well within a page */
	for (i = 0; i < len; i++)
		ret += scnprintf(page + ret, PAGE_SIZE - ret, "%02x",
				 sess->transport_id[i]);
	return ret + scnprintf(page + ret, PAGE_SIZE - ret, "\n");
}

/* One line per LUN it reaches: "<lun> <device>[ ro]" */
static ssize_t core_cfs_sess_luns_emit(struct scst_session *sess, char *page)
{
	struct core_tgt_dev *td;
	unsigned long lun;
	ssize_t ret = 0;

	/* The LUN table changes only under core_cfg_mutex, which we hold. */
	xa_for_each(&sess->tgt_devs, lun, td)
		ret += scnprintf(page + ret, PAGE_SIZE - ret, "%lu %s%s\n",
				 lun, td->tgt_dev.dev->name,
				 td->tgt_dev.read_only ? " ro" : "");
	return ret;
}

static ssize_t core_cfs_sess_show(struct config_item *item, char *page,
				  enum core_cfs_sess_field field)
{
	struct scst_session *sess;
	struct core_sess_stats st;
	unsigned int nr;
	ssize_t ret = -ENODEV;

	mutex_lock(&core_cfg_mutex);
	sess = to_cfs_sess(item)->sess;
	if (!sess)
		goto out_unlock;
	switch (field) {
	case CORE_CFS_SESS_INITIATOR:
		ret = sysfs_emit(page, "%s\n", sess->initiator);
		break;
	case CORE_CFS_SESS_TRANSPORT_ID:
		ret = core_cfs_sess_tid_emit(sess, page);
		break;
	/* The initiator group whose LUNs it sees; empty for the default */
	case CORE_CFS_SESS_GROUP:
		ret = sysfs_emit(page, "%s\n", sess->acg ? sess->acg->name : "");
		break;
	case CORE_CFS_SESS_LUNS:
		ret = core_cfs_sess_luns_emit(sess, page);
		break;
	case CORE_CFS_SESS_COMMANDS:
		spin_lock_bh(&sess->lock);
		nr = sess->nr_cmds;
		spin_unlock_bh(&sess->lock);
		ret = sysfs_emit(page, "%u\n", nr);
		break;
	/* One "name value" line per counter (struct core_sess_stats) */
	case CORE_CFS_SESS_STATS:
		spin_lock_bh(&sess->lock);
		st = sess->stats;
		spin_unlock_bh(&sess->lock);
		ret = sysfs_emit(page,
				 "cmds %llu\nread_bytes %llu\nwrite_bytes %llu\nerrors %llu\naborted %llu\ntmfs %llu\n",
				 st.cmds, st.read_bytes, st.write_bytes,
				 st.errors, st.aborted, st.tmfs);
		break;
	}
out_unlock:
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

#define CORE_CFS_SESS_SHOW(_name, _field)				\
static ssize_t core_cfs_sess_##_name##_show(struct config_item *item,	\
					    char *page)			\
{									\
	return core_cfs_sess_show(item, page, _field);			\
}

CORE_CFS_SESS_SHOW(initiator, CORE_CFS_SESS_INITIATOR);
CORE_CFS_SESS_SHOW(transport_id, CORE_CFS_SESS_TRANSPORT_ID);
CORE_CFS_SESS_SHOW(group, CORE_CFS_SESS_GROUP);
CORE_CFS_SESS_SHOW(luns, CORE_CFS_SESS_LUNS);
CORE_CFS_SESS_SHOW(commands, CORE_CFS_SESS_COMMANDS);
CORE_CFS_SESS_SHOW(stats, CORE_CFS_SESS_STATS);

CONFIGFS_ATTR_RO(core_cfs_sess_, initiator);
CONFIGFS_ATTR_RO(core_cfs_sess_, transport_id);
CONFIGFS_ATTR_RO(core_cfs_sess_, group);
CONFIGFS_ATTR_RO(core_cfs_sess_, luns);
CONFIGFS_ATTR_RO(core_cfs_sess_, commands);
CONFIGFS_ATTR_RO(core_cfs_sess_, stats);

static struct configfs_attribute *core_cfs_sess_attrs[] = {
	&core_cfs_sess_attr_initiator,
	&core_cfs_sess_attr_transport_id,
	&core_cfs_sess_attr_group,
	&core_cfs_sess_attr_luns,
	&core_cfs_sess_attr_commands,
	&core_cfs_sess_attr_stats,
	NULL,
};

static void core_cfs_sess_release(struct config_item *item)
{
	core_cfs_free(to_cfs_sess(item));
}

static struct configfs_item_operations core_cfs_sess_item_ops = {
	.release	= core_cfs_sess_release,
};

static const struct config_item_type core_cfs_sess_type = {
	.ct_item_ops	= &core_cfs_sess_item_ops,
	.ct_attrs	= core_cfs_sess_attrs,
	.ct_owner	= THIS_MODULE,
};

/*
 * A session registered: give it a directory. Failing here costs only the
 * view, so it is logged and the session goes on without one.
 */
void core_cfs_sess_add(struct scst_session *sess)
{
	struct core_cfs_tgt *tw;
	struct core_cfs_sess *sw;
	char name[24];
	int ret;

	sw = core_cfs_zalloc(sizeof(*sw));
	if (!sw) {
		core_warn("session %llu (%s): no configfs directory: out of memory\n",
			  sess->id, sess->initiator);
		return;
	}
	snprintf(name, sizeof(name), "%llu", sess->id);
	config_group_init_type_name(&sw->group, name, &core_cfs_sess_type);

	mutex_lock(&core_cfs_sess_mutex);
	mutex_lock(&core_cfg_mutex);
	tw = sess->tgt->cfs;
	/*
	 * An unregistration that started before us already ran (or will
	 * run) core_cfs_sess_del(): make no directory it would miss.
	 */
	if (READ_ONCE(sess->state) != CORE_SESS_ACTIVE)
		tw = NULL;
	if (tw && !tw->dying) {
		config_item_get(&tw->group.cg_item);
		sw->tw = tw;
		sw->sess = sess;
		sess->cfs = sw;
	}
	mutex_unlock(&core_cfg_mutex);
	if (!sw->tw)
		goto out_unlock;	/* no target directory: nothing to show */

	/* Fails with -ENOENT while an rmdir of the target is under way. */
	ret = core_cfs_pin(&tw->group.cg_item);
	if (ret)
		goto out_unlink;
	ret = configfs_register_group(&tw->sessions, &sw->group);
	if (ret)
		goto out_unpin;
	list_add_tail(&sw->node, &tw->sess_dirs);
	mutex_unlock(&core_cfs_sess_mutex);
	return;

out_unpin:
	core_cfs_unpin(&tw->group.cg_item);
out_unlink:
	mutex_lock(&core_cfg_mutex);
	sess->cfs = NULL;
	mutex_unlock(&core_cfg_mutex);
	config_item_put(&tw->group.cg_item);
	mutex_unlock(&core_cfs_sess_mutex);
	config_item_put(&sw->group.cg_item);
	core_warn("session %llu (%s): no configfs directory: %d\n",
		  sess->id, sess->initiator, ret);
	return;
out_unlock:
	mutex_unlock(&core_cfs_sess_mutex);
	config_item_put(&sw->group.cg_item);
}

/* core_cfs_sess_mutex held; @sw already unlinked from its session */
static void core_cfs_sess_dir_del(struct core_cfs_sess *sw)
{
	struct core_cfs_tgt *tw = sw->tw;

	lockdep_assert_held(&core_cfs_sess_mutex);
	list_del(&sw->node);
	configfs_unregister_group(&sw->group);
	core_cfs_unpin(&tw->group.cg_item);
	config_item_put(&tw->group.cg_item);
	config_item_put(&sw->group.cg_item);
}

void core_cfs_sess_del(struct scst_session *sess)
{
	struct core_cfs_sess *sw;

	mutex_lock(&core_cfs_sess_mutex);
	mutex_lock(&core_cfg_mutex);
	sw = sess->cfs;
	sess->cfs = NULL;
	if (sw)
		sw->sess = NULL;
	mutex_unlock(&core_cfg_mutex);
	if (sw)
		core_cfs_sess_dir_del(sw);
	mutex_unlock(&core_cfs_sess_mutex);
}

/* The model frees @sess: nothing of ours may reach it any more. */
void core_cfs_sess_unlink(struct scst_session *sess)
{
	struct core_cfs_sess *sw = sess->cfs;

	lockdep_assert_held(&core_cfg_mutex);
	if (!sw)
		return;
	sw->sess = NULL;
	sess->cfs = NULL;
}

void core_cfs_tgt_sess_dirs_del(struct core_cfs_tgt *tw)
{
	struct core_cfs_sess *sw, *tmp;

	mutex_lock(&core_cfs_sess_mutex);
	mutex_lock(&core_cfg_mutex);
	tw->dying = true;
	list_for_each_entry(sw, &tw->sess_dirs, node) {
		sw->sess->cfs = NULL;
		sw->sess = NULL;
	}
	mutex_unlock(&core_cfg_mutex);
	list_for_each_entry_safe(sw, tmp, &tw->sess_dirs, node)
		core_cfs_sess_dir_del(sw);
	mutex_unlock(&core_cfs_sess_mutex);
}
