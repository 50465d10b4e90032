// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: fabrics and their targets.
 *
 * A target made by configfs mkdir pins its fabric's module; one a fabric
 * made itself does not (the fabric unregisters it before itself). Either
 * way a target is freed only when its last session is gone, and the fabric
 * learns of it by SCST_MSG_TGT_GONE.
 */
#include <linux/idr.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "core.h"

static LIST_HEAD(core_fabrics);
/* SPC-4 relative target port identifiers: 1..65535, unique per system. */
static DEFINE_IDA(core_rel_tgt_ids);

struct core_fabric *core_fabric_find(const char *name)
{
	struct core_fabric *f;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(f, &core_fabrics, node)
		if (!strcmp(f->ops->name, name))
			return f;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(core_fabric_find);

static struct core_fabric *core_fabric_of(const struct scst_fabric_ops *ops)
{
	struct core_fabric *f;

	list_for_each_entry(f, &core_fabrics, node)
		if (f->ops == ops)
			return f;
	return NULL;
}

/**
 * scst_fabric_register() - make a target driver known to the core
 * @ops: its ops; must stay valid until scst_fabric_unregister()
 *
 * Its bus endpoint (@ops->ep) must be registered first.
 */
int scst_fabric_register(const struct scst_fabric_ops *ops)
{
	struct core_fabric *f;
	int ret;

	if (!ops->name || !core_name_valid(ops->name) ||
	    ops->ep >= SCST_EP_NR || ops->ep == SCST_EP_CORE) {
		pr_err(CORE_NAME ": fabric %s: bad name or endpoint\n",
		       ops->name ?: "(null)");
		return -EINVAL;
	}
	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;
	f->ops = ops;
	INIT_LIST_HEAD(&f->tgts);

	mutex_lock(&core_cfg_mutex);
	if (core_fabric_find(ops->name)) {
		mutex_unlock(&core_cfg_mutex);
		kfree(f);
		pr_err(CORE_NAME ": fabric %s is already registered\n",
		       ops->name);
		return -EEXIST;
	}
	list_add_tail(&f->node, &core_fabrics);
	mutex_unlock(&core_cfg_mutex);

	ret = core_cfs_fabric_add(f);
	if (ret) {
		mutex_lock(&core_cfg_mutex);
		list_del(&f->node);
		mutex_unlock(&core_cfg_mutex);
		kfree(f);
		return ret;
	}
	pr_info(CORE_NAME ": fabric %s registered\n", ops->name);
	return 0;
}
EXPORT_SYMBOL_GPL(scst_fabric_register);

/**
 * scst_fabric_unregister() - the reverse of scst_fabric_register()
 * @ops: as registered
 *
 * Its own targets must have been unregistered, and their TGT_GONE
 * received; configfs-made targets pin the module, so none exists here.
 */
void scst_fabric_unregister(const struct scst_fabric_ops *ops)
{
	struct core_fabric *f;
	struct scst_tgt *tgt;

	mutex_lock(&core_cfg_mutex);
	f = core_fabric_of(ops);
	if (f)
		list_for_each_entry(tgt, &f->tgts, fabric_node)
			pr_err(CORE_NAME ": fabric %s unregistering with target %s still there: leaking it\n",
			       ops->name, tgt->name);
	mutex_unlock(&core_cfg_mutex);
	if (!f)
		return;

	core_cfs_fabric_del(f);
	mutex_lock(&core_cfg_mutex);
	list_del(&f->node);
	mutex_unlock(&core_cfg_mutex);
	if (list_empty(&f->tgts))
		kfree(f);
	pr_info(CORE_NAME ": fabric %s unregistered\n", ops->name);
}
EXPORT_SYMBOL_GPL(scst_fabric_unregister);

struct scst_tgt *core_tgt_find(struct core_fabric *fabric, const char *name)
{
	struct scst_tgt *tgt;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(tgt, &fabric->tgts, fabric_node)
		if (!strcmp(tgt->name, name))
			return tgt;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(core_tgt_find);

static void core_acg_init(struct scst_acg *acg, struct scst_tgt *tgt,
			  const char *name)
{
	acg->tgt = tgt;
	strscpy(acg->name, name, sizeof(acg->name));
	INIT_LIST_HEAD(&acg->node);
	INIT_LIST_HEAD(&acg->luns);
	INIT_LIST_HEAD(&acg->inis);
}

/**
 * core_tgt_create() - make a target port
 * @fabric:      its fabric
 * @name:        unique within @fabric
 * @fabric_priv: the fabric's
 * @by_configfs: made by mkdir: pin the fabric and call its add_target()
 */
struct scst_tgt *core_tgt_create(struct core_fabric *fabric, const char *name,
				 void *fabric_priv, bool by_configfs)
{
	const struct scst_fabric_ops *ops = fabric->ops;
	struct scst_tgt *tgt;
	int ret, id;

	lockdep_assert_held(&core_cfg_mutex);
	if (!core_name_valid(name)) {
		pr_err(CORE_NAME ": %s: target name \"%.*s\" is empty, too long or has '/'\n",
		       ops->name, SCST_NAME_MAX, name);
		return ERR_PTR(-EINVAL);
	}
	if (core_tgt_find(fabric, name)) {
		pr_err(CORE_NAME ": %s: target %s already exists\n",
		       ops->name, name);
		return ERR_PTR(-EEXIST);
	}
	if (by_configfs && !ops->add_target) {
		pr_err(CORE_NAME ": %s: this fabric makes its targets itself\n",
		       ops->name);
		return ERR_PTR(-EPERM);
	}
	if (by_configfs && !try_module_get(ops->owner))
		return ERR_PTR(-ENODEV);

	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt) {
		ret = -ENOMEM;
		goto out_put;
	}
	id = ida_alloc_range(&core_rel_tgt_ids, 1, U16_MAX, GFP_KERNEL);
	if (id < 0) {
		ret = id;
		goto out_free;
	}
	tgt->rel_tgt_port_id = id;
	tgt->fabric = fabric;
	strscpy(tgt->name, name, sizeof(tgt->name));
	tgt->fabric_priv = fabric_priv;
	tgt->by_configfs = by_configfs;
	core_acg_init(&tgt->default_acg, tgt, "");
	INIT_LIST_HEAD(&tgt->acgs);
	INIT_LIST_HEAD(&tgt->sessions);

	if (by_configfs) {
		ret = ops->add_target(tgt);
		if (ret) {
			pr_err(CORE_NAME ": %s: target %s refused by the fabric: %d\n",
			       ops->name, name, ret);
			goto out_id;
		}
	}
	list_add_tail(&tgt->fabric_node, &fabric->tgts);
	return tgt;

out_id:
	ida_free(&core_rel_tgt_ids, tgt->rel_tgt_port_id);
out_free:
	kfree(tgt);
out_put:
	if (by_configfs)
		module_put(ops->owner);
	return ERR_PTR(ret);
}

/*
 * Enabling and disabling call into the fabric, which may wait there for
 * what itself needs core_cfg_mutex: the local fabric registers its session
 * on enable, and on disable removes a SCSI host whose error handler sends
 * TMFs (they run under core_cfg_mutex) and waits for SESS_GONE. So the
 * fabric is called under this outer mutex only, which keeps enables and
 * disables of targets one at a time; core_cfg_mutex is taken around the
 * model's changes alone.
 */
static DEFINE_MUTEX(core_tgt_enable_mutex);

/* Start unregistering every session of a disabled target. */
static void core_tgt_drop_sessions(struct scst_tgt *tgt)
{
	struct scst_session *sess, *tmp;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry_safe(sess, tmp, &tgt->sessions, tgt_node)
		core_sess_unregister_locked(sess);
}

/**
 * core_tgt_set_enabled() - let sessions register, or stop and drain them
 * @tgt:    the target; the caller keeps it alive (configfs holds its
 *          directory, a fabric its own target)
 * @enable: the new state
 *
 * Process context, with neither core_cfg_mutex nor core_tgt_enable_mutex
 * held. Enabling marks the target enabled first, so that the fabric's
 * enable_target() may register sessions, and undoes it if the fabric
 * fails. Disabling refuses new sessions first, then tells the fabric (it
 * closes its logins and may wait for them), then starts unregistering
 * every session that is left; each ends with SESS_GONE.
 */
int core_tgt_set_enabled(struct scst_tgt *tgt, bool enable)
{
	const struct scst_fabric_ops *ops = tgt->fabric->ops;
	int ret = 0;

	mutex_lock(&core_tgt_enable_mutex);
	mutex_lock(&core_cfg_mutex);
	if (tgt->enabled == enable)
		goto out_unlock;
	if (enable && tgt->removing) {
		ret = -ENOENT;
		goto out_unlock;
	}
	tgt->enabled = enable;
	mutex_unlock(&core_cfg_mutex);

	if (ops->enable_target)
		ret = ops->enable_target(tgt, enable);

	mutex_lock(&core_cfg_mutex);
	if (enable && ret) {
		pr_err(CORE_NAME ": %s: target %s: the fabric failed to enable it: %d\n",
		       ops->name, tgt->name, ret);
		tgt->enabled = false;
		core_tgt_drop_sessions(tgt);
	} else if (!enable) {
		core_tgt_drop_sessions(tgt);
		ret = 0;
	}
out_unlock:
	mutex_unlock(&core_cfg_mutex);
	mutex_unlock(&core_tgt_enable_mutex);
	return ret;
}

static void core_tgt_free(struct scst_tgt *tgt)
{
	const struct scst_fabric_ops *ops = tgt->fabric->ops;
	struct scst_acg *acg, *tmp;
	struct scst_msg msg;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry_safe(acg, tmp, &tgt->acgs, node)
		core_acg_free(acg);
	core_acg_free(&tgt->default_acg);
	core_cfs_tgt_unlink(tgt);
	if (tgt->by_configfs && ops->remove_target)
		ops->remove_target(tgt);
	list_del(&tgt->fabric_node);

	scst_msg_init(&msg, SCST_MSG_TGT_GONE, SCST_EP_CORE, ops->ep);
	msg.sess.fabric_priv = tgt->fabric_priv;
	core_send_notice(&msg);

	ida_free(&core_rel_tgt_ids, tgt->rel_tgt_port_id);
	if (tgt->by_configfs)
		module_put(ops->owner);
	kfree(tgt);
}

/**
 * core_tgt_set_rel_id() - change a disabled target's relative port ID
 * @tgt: the target
 * @id:  1..65535, not used by another target
 *
 * Initiators cache the ID (VPD page 0x83, REPORT TARGET PORT GROUPS), so
 * it changes only while the target is disabled.
 */
int core_tgt_set_rel_id(struct scst_tgt *tgt, u16 id)
{
	int ret;

	lockdep_assert_held(&core_cfg_mutex);
	if (tgt->enabled)
		return -EBUSY;
	if (!id)
		return -EINVAL;
	if (id == tgt->rel_tgt_port_id)
		return 0;
	ret = ida_alloc_range(&core_rel_tgt_ids, id, id, GFP_KERNEL);
	if (ret < 0) {
		pr_err(CORE_NAME ": %s: relative target port ID %u is in use\n",
		       tgt->name, id);
		return ret == -ENOSPC ? -EBUSY : ret;
	}
	ida_free(&core_rel_tgt_ids, tgt->rel_tgt_port_id);
	tgt->rel_tgt_port_id = id;
	return 0;
}

/**
 * core_tgt_remove() - unregister a target: disable it, drain its sessions,
 *                     then free it and send TGT_GONE
 * @tgt: the target; do not use it after this call
 */
void core_tgt_remove(struct scst_tgt *tgt)
{
	lockdep_assert_held(&core_cfg_mutex);
	if (tgt->removing)
		return;
	tgt->removing = true;
	/*
	 * Callers disabled it (core_tgt_set_enabled() cannot run under
	 * core_cfg_mutex); a target still enabled here lost a race with an
	 * enable: stop its sessions without asking the fabric again.
	 */
	if (tgt->enabled) {
		pr_warn(CORE_NAME ": %s: target %s removed while enabled\n",
			tgt->fabric->ops->name, tgt->name);
		tgt->enabled = false;
	}
	core_tgt_drop_sessions(tgt);
	if (!tgt->nr_sessions)
		core_tgt_free(tgt);
}

void core_tgt_sess_gone(struct scst_tgt *tgt)
{
	lockdep_assert_held(&core_cfg_mutex);
	if (!--tgt->nr_sessions && tgt->removing)
		core_tgt_free(tgt);
}

/**
 * scst_tgt_register() - a fabric makes a target port
 * @ops:         the fabric, registered
 * @name:        unique within the fabric
 * @fabric_priv: the fabric's, handed back in TGT_GONE
 *
 * The target starts disabled: enable it through configfs (`enable`) or
 * scst_tgt_enable().
 */
struct scst_tgt *scst_tgt_register(const struct scst_fabric_ops *ops,
				   const char *name, void *fabric_priv)
{
	struct core_fabric *f;
	struct scst_tgt *tgt;

	mutex_lock(&core_cfg_mutex);
	f = core_fabric_of(ops);
	tgt = f ? core_tgt_create(f, name, fabric_priv, false) :
		  ERR_PTR(-ENODEV);
	mutex_unlock(&core_cfg_mutex);
	if (!IS_ERR(tgt))
		core_cfs_tgt_add(tgt);
	return tgt;
}
EXPORT_SYMBOL_GPL(scst_tgt_register);

void scst_tgt_unregister(struct scst_tgt *tgt)
{
	core_tgt_set_enabled(tgt, false);
	core_cfs_tgt_del(tgt);
	mutex_lock(&core_cfg_mutex);
	core_tgt_remove(tgt);
	mutex_unlock(&core_cfg_mutex);
}
EXPORT_SYMBOL_GPL(scst_tgt_unregister);

int scst_tgt_enable(struct scst_tgt *tgt, bool enable)
{
	return core_tgt_set_enabled(tgt, enable);
}
EXPORT_SYMBOL_GPL(scst_tgt_enable);

void *scst_tgt_fabric_priv(const struct scst_tgt *tgt)
{
	return tgt->fabric_priv;
}
EXPORT_SYMBOL_GPL(scst_tgt_fabric_priv);

void scst_tgt_set_fabric_priv(struct scst_tgt *tgt, void *priv)
{
	tgt->fabric_priv = priv;
}
EXPORT_SYMBOL_GPL(scst_tgt_set_fabric_priv);

const char *scst_tgt_name(const struct scst_tgt *tgt)
{
	return tgt->name;
}
EXPORT_SYMBOL_GPL(scst_tgt_name);

bool scst_tgt_enabled(const struct scst_tgt *tgt)
{
	return READ_ONCE(tgt->enabled);
}
EXPORT_SYMBOL_GPL(scst_tgt_enabled);

void scst_cmd_port(const struct scst_cmd *cmd, struct scst_cmd_port *port)
{
	const struct scst_tgt *tgt = cmd->sess->tgt;

	port->rel_tgt_port_id = READ_ONCE(tgt->rel_tgt_port_id);
	/* No ALUA port groups yet: every port is in none. */
	port->tpg_id = 0;
	port->protocol_id = tgt->fabric->ops->protocol_id;
	port->tgt_name = tgt->name;
}
EXPORT_SYMBOL_GPL(scst_cmd_port);
