// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the configfs root /sys/kernel/config/scst, handlers/ and
 * the devices under it (DESIGN.md "Management: configfs").
 *
 *   handlers/<handler>/           appears when the handler registers
 *   handlers/<handler>/<device>/  mkdir makes a disabled device; `enable`
 *                                 commits it (the handler opens its
 *                                 backing store), rmdir destroys it
 *
 * Every show/store takes core_cfg_mutex and finds its model object
 * through the wrapper (see configfs.h); a bad write gets an errno and one
 * rate-limited log line naming the object and the attribute.
 */
#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/string.h>
#include "configfs.h"

/* ------------------------------------------------------------------ */
/* Helpers shared by configfs*.c */

/* Live wrappers: a test checks that a teardown freed every one. */
atomic_t core_cfs_nr_objs = ATOMIC_INIT(0);
EXPORT_SYMBOL_IF_KUNIT(core_cfs_nr_objs);

void *core_cfs_zalloc(size_t size)
{
	void *p = kzalloc(size, GFP_KERNEL);

	if (p)
		atomic_inc(&core_cfs_nr_objs);
	return p;
}

void core_cfs_free(void *p)
{
	if (p)
		atomic_dec(&core_cfs_nr_objs);
	kfree(p);
}

int core_cfs_parse_u64(const char *page, u64 min, u64 max, u64 *val)
{
	int ret = kstrtou64(page, 10, val);

	if (ret)
		return ret;
	return *val < min || *val > max ? -ERANGE : 0;
}

/*
 * configfs_depend_item_unlocked() takes no directory lock for an item of
 * the caller's own subsystem, so it is safe from our own attribute stores
 * and from the model's hooks alike; it fails with -ENOENT if an rmdir of
 * @item is under way.
 */
int core_cfs_pin(struct config_item *item)
{
	return configfs_depend_item_unlocked(&core_cfs_subsys, item);
}

void core_cfs_unpin(struct config_item *item)
{
	configfs_undepend_item(item);
}

/* ------------------------------------------------------------------ */
/* handlers/<handler>/<device>/ */

static struct configfs_item_operations core_cfs_dev_item_ops;

static inline struct core_cfs_dev *to_cfs_dev(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_dev, group);
}

struct core_dev *core_cfs_to_dev(struct config_item *item)
{
	if (!item || !item->ci_type ||
	    item->ci_type->ct_item_ops != &core_cfs_dev_item_ops)
		return NULL;
	lockdep_assert_held(&core_cfg_mutex);
	return to_cfs_dev(item)->cdev;
}

/**
 * scst_dev_from_item() - the device a handler's configfs attribute is on
 * @item: the config_item its show() or store() was called with
 *
 * Valid for the duration of the show() or store() call; NULL if @item is
 * not a device directory (or the device is being removed).
 */
struct scst_device *scst_dev_from_item(struct config_item *item)
{
	struct core_dev *cdev;

	if (!item || !item->ci_type ||
	    item->ci_type->ct_item_ops != &core_cfs_dev_item_ops)
		return NULL;
	cdev = READ_ONCE(to_cfs_dev(item)->cdev);
	return cdev ? &cdev->dev : NULL;
}
EXPORT_SYMBOL_GPL(scst_dev_from_item);

/**
 * scst_dev_change_disabled() - change a device only while it is disabled
 * @dev:    the device (scst_dev_from_item())
 * @attr:   the attribute being written, for the log line
 * @change: makes the change; its return value is returned
 * @arg:    for @change
 *
 * For a handler's store() whose change is unsafe while the device is
 * enabled: runs @change with enable and disable locked out, or returns
 * -EBUSY, and logs why, if the device is enabled.
 */
int scst_dev_change_disabled(struct scst_device *dev, const char *attr,
			     int (*change)(struct scst_device *dev,
					   const void *arg),
			     const void *arg)
{
	bool enabled;
	int ret = 0;

	mutex_lock(&core_cfg_mutex);
	enabled = to_core_dev(dev)->enabled;
	if (!enabled)
		ret = change(dev, arg);
	mutex_unlock(&core_cfg_mutex);
	if (enabled) {
		core_warn("device %s: %s cannot change while enabled\n",
			  dev->name, attr);
		ret = -EBUSY;
	}
	return ret;
}
EXPORT_SYMBOL_GPL(scst_dev_change_disabled);

/* The core's device attributes */
enum core_cfs_dev_field {
	CORE_CFS_DEV_TYPE,
	CORE_CFS_DEV_READ_ONLY,
	CORE_CFS_DEV_D_SENSE,
	CORE_CFS_DEV_TAS,
	CORE_CFS_DEV_QERR,
	CORE_CFS_DEV_QUEUE_DEPTH,
	CORE_CFS_DEV_BLOCK_SIZE,
	CORE_CFS_DEV_SIZE,
	CORE_CFS_DEV_ENABLE,
};

static ssize_t core_cfs_dev_show(struct config_item *item, char *page,
				 enum core_cfs_dev_field field)
{
	struct core_dev *cdev;
	u64 val = 0;
	ssize_t ret = -ENODEV;

	mutex_lock(&core_cfg_mutex);
	cdev = to_cfs_dev(item)->cdev;
	if (!cdev)
		goto out_unlock;
	switch (field) {
	case CORE_CFS_DEV_TYPE:
		val = cdev->dev.type;
		break;
	case CORE_CFS_DEV_READ_ONLY:
		val = cdev->dev.read_only;
		break;
	case CORE_CFS_DEV_D_SENSE:
		val = cdev->dev.d_sense;
		break;
	case CORE_CFS_DEV_TAS:
		val = cdev->dev.tas;
		break;
	case CORE_CFS_DEV_QERR:
		val = cdev->dev.qerr;
		break;
	case CORE_CFS_DEV_QUEUE_DEPTH:
		val = cdev->dev.queue_depth;
		break;
	/* What the handler set when it was enabled, else 0 */
	case CORE_CFS_DEV_BLOCK_SIZE:
		if (cdev->enabled)
			val = 1U << cdev->dev.block_shift;
		break;
	case CORE_CFS_DEV_SIZE:
		if (cdev->enabled)
			val = READ_ONCE(cdev->dev.nr_blocks) <<
			      cdev->dev.block_shift;
		break;
	case CORE_CFS_DEV_ENABLE:
		val = cdev->enabled;
		break;
	}
	ret = sysfs_emit(page, "%llu\n", val);
out_unlock:
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

/*
 * d_sense, tas, qerr and queue_depth are control mode page fields an
 * initiator may change with MODE SELECT at any time, and the data path
 * reads them once per use: they may change while enabled. read_only may
 * not: sessions copied it into their I_T_L nexuses when they attached.
 */
static ssize_t core_cfs_dev_store(struct config_item *item, const char *page,
				  size_t count, enum core_cfs_dev_field field)
{
	static const char * const names[] = {
		[CORE_CFS_DEV_READ_ONLY]	= "read_only",
		[CORE_CFS_DEV_D_SENSE]		= "d_sense",
		[CORE_CFS_DEV_TAS]		= "tas",
		[CORE_CFS_DEV_QERR]		= "qerr",
		[CORE_CFS_DEV_QUEUE_DEPTH]	= "queue_depth",
	};
	const char *want = "0 or 1";
	struct core_dev *cdev;
	u64 val, min = 0, max = 1;
	int ret;

	if (field == CORE_CFS_DEV_QERR) {
		max = 3;
		want = "0, 1 or 3";
	} else if (field == CORE_CFS_DEV_QUEUE_DEPTH) {
		min = 1;
		max = CORE_CFS_QUEUE_DEPTH_MAX;
		want = "1 to 1024";
	}
	ret = core_cfs_parse_u64(page, min, max, &val);
	/* QErr 2 is reserved (SPC-4 7.5.8) */
	if (!ret && field == CORE_CFS_DEV_QERR && val == 2)
		ret = -EINVAL;
	if (ret) {
		core_warn("device %s: %s: bad value, want %s\n",
			  config_item_name(item), names[field], want);
		return ret;
	}

	mutex_lock(&core_cfg_mutex);
	cdev = to_cfs_dev(item)->cdev;
	if (!cdev) {
		ret = -ENODEV;
		goto out_unlock;
	}
	switch (field) {
	case CORE_CFS_DEV_READ_ONLY:
		if (cdev->enabled) {
			core_warn("device %s: read_only cannot change while enabled\n",
				  cdev->name);
			ret = -EBUSY;
		} else {
			cdev->dev.read_only = val;
		}
		break;
	case CORE_CFS_DEV_D_SENSE:
		WRITE_ONCE(cdev->dev.d_sense, val);
		break;
	case CORE_CFS_DEV_TAS:
		WRITE_ONCE(cdev->dev.tas, val);
		break;
	case CORE_CFS_DEV_QERR:
		WRITE_ONCE(cdev->dev.qerr, val);
		break;
	default:
		WRITE_ONCE(cdev->dev.queue_depth, val);
		break;
	}
out_unlock:
	mutex_unlock(&core_cfg_mutex);
	return ret ?: count;
}

/*
 * `enable` commits the device: the handler opens its backing store. An
 * enabled device is pinned (configfs.h), so rmdir cannot destroy it, and
 * LUNs, which need it enabled, cannot outlive it.
 */
static ssize_t core_cfs_dev_enable_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct core_cfs_dev *dw = to_cfs_dev(item);
	struct core_dev *cdev;
	u64 enable;
	int ret;

	ret = core_cfs_parse_u64(page, 0, 1, &enable);
	if (ret) {
		core_warn("device %s: enable: want 0 or 1\n",
			  config_item_name(item));
		return ret;
	}
	/*
	 * Disabling closes the backing store: first let the commands of a
	 * LUN removed a moment ago end (the device lives while the item
	 * does, which this write pins).
	 */
	if (!enable && dw->cdev) {
		ret = core_dev_wait_tds(dw->cdev);
		if (ret)
			return ret;
	}
	mutex_lock(&core_cfg_mutex);
	cdev = dw->cdev;
	if (!cdev) {
		ret = -ENODEV;
	} else if (enable && !cdev->enabled) {
		ret = core_cfs_pin(item);
		if (ret) {
			core_warn("device %s: being removed, not enabled\n",
				  cdev->name);
		} else {
			ret = core_dev_set_enabled(cdev, true);
			if (ret)
				core_cfs_unpin(item);
			else
				dw->pinned = true;
		}
	} else if (!enable && cdev->enabled) {
		ret = core_dev_set_enabled(cdev, false);
		if (!ret && dw->pinned) {
			dw->pinned = false;
			core_cfs_unpin(item);
		}
	}
	mutex_unlock(&core_cfg_mutex);
	return ret ?: count;
}

#define CORE_CFS_DEV_SHOW(_name, _field)				\
static ssize_t core_cfs_dev_##_name##_show(struct config_item *item,	\
					   char *page)			\
{									\
	return core_cfs_dev_show(item, page, _field);			\
}

#define CORE_CFS_DEV_STORE(_name, _field)				\
static ssize_t core_cfs_dev_##_name##_store(struct config_item *item,	\
					    const char *page,		\
					    size_t count)		\
{									\
	return core_cfs_dev_store(item, page, count, _field);		\
}

CORE_CFS_DEV_SHOW(type, CORE_CFS_DEV_TYPE);
CORE_CFS_DEV_SHOW(read_only, CORE_CFS_DEV_READ_ONLY);
CORE_CFS_DEV_STORE(read_only, CORE_CFS_DEV_READ_ONLY);
CORE_CFS_DEV_SHOW(d_sense, CORE_CFS_DEV_D_SENSE);
CORE_CFS_DEV_STORE(d_sense, CORE_CFS_DEV_D_SENSE);
CORE_CFS_DEV_SHOW(tas, CORE_CFS_DEV_TAS);
CORE_CFS_DEV_STORE(tas, CORE_CFS_DEV_TAS);
CORE_CFS_DEV_SHOW(qerr, CORE_CFS_DEV_QERR);
CORE_CFS_DEV_STORE(qerr, CORE_CFS_DEV_QERR);
CORE_CFS_DEV_SHOW(queue_depth, CORE_CFS_DEV_QUEUE_DEPTH);
CORE_CFS_DEV_STORE(queue_depth, CORE_CFS_DEV_QUEUE_DEPTH);
CORE_CFS_DEV_SHOW(block_size, CORE_CFS_DEV_BLOCK_SIZE);
CORE_CFS_DEV_SHOW(size, CORE_CFS_DEV_SIZE);
CORE_CFS_DEV_SHOW(enable, CORE_CFS_DEV_ENABLE);

CONFIGFS_ATTR_RO(core_cfs_dev_, type);
CONFIGFS_ATTR(core_cfs_dev_, read_only);
CONFIGFS_ATTR(core_cfs_dev_, d_sense);
CONFIGFS_ATTR(core_cfs_dev_, tas);
CONFIGFS_ATTR(core_cfs_dev_, qerr);
CONFIGFS_ATTR(core_cfs_dev_, queue_depth);
CONFIGFS_ATTR_RO(core_cfs_dev_, block_size);
CONFIGFS_ATTR_RO(core_cfs_dev_, size);
CONFIGFS_ATTR(core_cfs_dev_, enable);

static struct configfs_attribute *core_cfs_dev_attrs[] = {
	&core_cfs_dev_attr_type,
	&core_cfs_dev_attr_read_only,
	&core_cfs_dev_attr_d_sense,
	&core_cfs_dev_attr_tas,
	&core_cfs_dev_attr_qerr,
	&core_cfs_dev_attr_queue_depth,
	&core_cfs_dev_attr_block_size,
	&core_cfs_dev_attr_size,
	&core_cfs_dev_attr_enable,
};

static void core_cfs_dev_release(struct config_item *item)
{
	struct core_cfs_dev *dw = to_cfs_dev(item);
	struct core_cfs_handler *hw = dw->hw;

	core_cfs_free(dw);
	/* The device's item type lives in the handler's wrapper. */
	config_item_put(&hw->group.cg_item);
}

static struct configfs_item_operations core_cfs_dev_item_ops = {
	.release	= core_cfs_dev_release,
};

/* ------------------------------------------------------------------ */
/* handlers/<handler>/ */

static inline struct core_cfs_handler *to_cfs_handler(struct config_item *item)
{
	return container_of(to_config_group(item), struct core_cfs_handler,
			    group);
}

static struct config_group *core_cfs_dev_make(struct config_group *group,
					      const char *name)
{
	struct core_cfs_handler *hw = to_cfs_handler(&group->cg_item);
	struct core_cfs_dev *dw;
	struct core_dev *cdev;

	dw = core_cfs_zalloc(sizeof(*dw));
	if (!dw)
		return ERR_PTR(-ENOMEM);
	mutex_lock(&core_cfg_mutex);
	cdev = hw->h ? core_dev_create(hw->h, name, true) : ERR_PTR(-ENODEV);
	if (IS_ERR(cdev)) {
		mutex_unlock(&core_cfg_mutex);
		core_cfs_free(dw);
		return ERR_CAST(cdev);
	}
	config_group_init_type_name(&dw->group, name, &hw->dev_type);
	dw->hw = hw;
	config_item_get(&hw->group.cg_item);
	dw->cdev = cdev;
	cdev->cfs = dw;
	cdev->dev.item = &dw->group.cg_item;
	mutex_unlock(&core_cfg_mutex);
	return &dw->group;
}

/*
 * rmdir: configfs refused it while the device was enabled (pinned), so
 * core_dev_destroy() normally just frees it. A device enabled by code
 * (scst_dev_enable()) is not pinned; if its handler refuses to close it,
 * it stays registered without a directory rather than dangle.
 */
static void core_cfs_dev_drop(struct config_group *group,
			      struct config_item *item)
{
	struct core_cfs_dev *dw = to_cfs_dev(item);
	struct core_dev *cdev;
	int ret;

	mutex_lock(&core_cfg_mutex);
	cdev = dw->cdev;
	if (cdev) {
		ret = core_dev_destroy(cdev);
		if (ret) {
			core_warn("device %s: cannot be destroyed (%d); it stays without its configfs directory\n",
				  cdev->name, ret);
			core_cfs_dev_unlink(cdev);
		}
	}
	if (dw->pinned) {
		dw->pinned = false;
		core_cfs_unpin(item);
	}
	mutex_unlock(&core_cfg_mutex);
	config_item_put(item);
}

void core_cfs_dev_unlink(struct core_dev *cdev)
{
	struct core_cfs_dev *dw = cdev->cfs;

	lockdep_assert_held(&core_cfg_mutex);
	if (!dw)
		return;
	dw->cdev = NULL;
	cdev->cfs = NULL;
	cdev->dev.item = NULL;
	/* Removed by code while enabled: let rmdir remove the directory. */
	if (dw->pinned) {
		dw->pinned = false;
		core_cfs_unpin(&dw->group.cg_item);
	}
}

/*
 * A device made by code (scst_dev_register()) gets a directory made by the
 * kernel: configfs refuses rmdir of it (a default group), and LUNs link to
 * it as to any other. It goes with core_cfs_dev_del(), before the device.
 */
void core_cfs_dev_add(struct core_dev *cdev)
{
	struct core_cfs_handler *hw;
	struct core_cfs_dev *dw;
	int ret = -ENODEV;

	dw = core_cfs_zalloc(sizeof(*dw));
	if (!dw)
		goto out_err;
	mutex_lock(&core_cfg_mutex);
	hw = cdev->handler->cfs;
	if (hw) {
		config_group_init_type_name(&dw->group, cdev->name,
					    &hw->dev_type);
		dw->hw = hw;
		config_item_get(&hw->group.cg_item);
		dw->cdev = cdev;
		cdev->cfs = dw;
		cdev->dev.item = &dw->group.cg_item;
	}
	mutex_unlock(&core_cfg_mutex);
	if (!hw) {
		core_cfs_free(dw);
		goto out_err;
	}
	ret = configfs_register_group(&hw->group, &dw->group);
	if (!ret)
		return;
	mutex_lock(&core_cfg_mutex);
	core_cfs_dev_unlink(cdev);
	mutex_unlock(&core_cfg_mutex);
	config_item_put(&dw->group.cg_item);
out_err:
	pr_err(CORE_NAME ": device %s: no configfs directory: %d\n",
	       cdev->name, ret);
}

void core_cfs_dev_del(struct core_dev *cdev)
{
	struct core_cfs_dev *dw;

	mutex_lock(&core_cfg_mutex);
	dw = cdev->cfs;
	if (dw)
		config_item_get(&dw->group.cg_item);
	mutex_unlock(&core_cfg_mutex);
	if (!dw)
		return;
	mutex_lock(&core_cfg_mutex);
	core_cfs_dev_unlink(cdev);
	mutex_unlock(&core_cfg_mutex);
	configfs_unregister_group(&dw->group);
	config_item_put(&dw->group.cg_item);	/* ours, from above */
	config_item_put(&dw->group.cg_item);	/* core_cfs_dev_add()'s */
}

static void core_cfs_handler_release(struct config_item *item)
{
	struct core_cfs_handler *hw = to_cfs_handler(item);

	kfree(hw->dev_attrs);
	core_cfs_free(hw);
}

static struct configfs_item_operations core_cfs_handler_item_ops = {
	.release	= core_cfs_handler_release,
};

static struct configfs_group_operations core_cfs_handler_group_ops = {
	.make_group	= core_cfs_dev_make,
	.drop_item	= core_cfs_dev_drop,
};

static const struct config_item_type core_cfs_handler_type = {
	.ct_item_ops	= &core_cfs_handler_item_ops,
	.ct_group_ops	= &core_cfs_handler_group_ops,
	.ct_owner	= THIS_MODULE,
};

static bool core_cfs_attr_named(struct configfs_attribute **attrs,
				const char *name)
{
	while (attrs && *attrs) {
		if (!strcmp((*attrs)->ca_name, name))
			return true;
		attrs++;
	}
	return false;
}

/*
 * The core's attributes, then the handler's (or fabric's), NULL-terminated.
 * A handler's attribute named like one of the core's replaces it: a
 * handler whose device size can be set (vdisk) serves a writable "size"
 * instead of the core's read-only one.
 */
struct configfs_attribute **
core_cfs_merge_attrs(struct configfs_attribute **core, unsigned int nr_core,
		     struct configfs_attribute **extra)
{
	struct configfs_attribute **attrs;
	unsigned int i, n = 0, nr_extra = 0;

	while (extra && extra[nr_extra])
		nr_extra++;
	attrs = kcalloc(nr_core + nr_extra + 1, sizeof(*attrs), GFP_KERNEL);
	if (!attrs)
		return NULL;
	for (i = 0; i < nr_core; i++)
		if (!core_cfs_attr_named(extra, core[i]->ca_name))
			attrs[n++] = core[i];
	if (nr_extra)
		memcpy(attrs + n, extra, nr_extra * sizeof(*attrs));
	return attrs;
}

int core_cfs_handler_add(struct core_handler *h)
{
	struct core_cfs_handler *hw;
	int ret;

	hw = core_cfs_zalloc(sizeof(*hw));
	if (!hw)
		return -ENOMEM;
	hw->dev_attrs = core_cfs_merge_attrs(core_cfs_dev_attrs,
					     ARRAY_SIZE(core_cfs_dev_attrs),
					     h->ops->dev_attrs);
	if (!hw->dev_attrs) {
		core_cfs_free(hw);
		return -ENOMEM;
	}
	hw->dev_type.ct_item_ops = &core_cfs_dev_item_ops;
	hw->dev_type.ct_attrs = hw->dev_attrs;
	hw->dev_type.ct_owner = THIS_MODULE;
	config_group_init_type_name(&hw->group, h->ops->name,
				    &core_cfs_handler_type);

	mutex_lock(&core_cfg_mutex);
	hw->h = h;
	h->cfs = hw;
	mutex_unlock(&core_cfg_mutex);

	ret = configfs_register_group(&core_cfs_handlers, &hw->group);
	if (ret) {
		pr_err(CORE_NAME ": handler %s: no configfs directory: %d\n",
		       h->ops->name, ret);
		mutex_lock(&core_cfg_mutex);
		h->cfs = NULL;
		mutex_unlock(&core_cfg_mutex);
		config_item_put(&hw->group.cg_item);
	}
	return ret;
}

void core_cfs_handler_del(struct core_handler *h)
{
	struct core_cfs_handler *hw;

	mutex_lock(&core_cfg_mutex);
	hw = h->cfs;
	h->cfs = NULL;
	if (hw)
		hw->h = NULL;
	mutex_unlock(&core_cfg_mutex);
	if (!hw)
		return;
	configfs_unregister_group(&hw->group);
	config_item_put(&hw->group.cg_item);
}

/* ------------------------------------------------------------------ */
/* The root: scst/, handlers/, targets/ */

/* Fixed directories: no mkdir, no attributes. */
static const struct config_item_type core_cfs_dir_type = {
	.ct_owner	= THIS_MODULE,
};

struct config_group core_cfs_handlers;

struct configfs_subsystem core_cfs_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "scst",
			.ci_type	= &core_cfs_dir_type,
		},
	},
};

int core_configfs_init(void)
{
	int ret;

	config_group_init(&core_cfs_subsys.su_group);
	mutex_init(&core_cfs_subsys.su_mutex);
	config_group_init_type_name(&core_cfs_handlers, "handlers",
				    &core_cfs_dir_type);
	configfs_add_default_group(&core_cfs_handlers,
				   &core_cfs_subsys.su_group);
	core_cfs_targets_init();
	configfs_add_default_group(&core_cfs_targets,
				   &core_cfs_subsys.su_group);
	ret = configfs_register_subsystem(&core_cfs_subsys);
	if (ret)
		pr_err(CORE_NAME ": configfs: cannot register scst/: %d\n",
		       ret);
	return ret;
}

/* Every handler and fabric, hence every directory below, is gone. */
void core_configfs_exit(void)
{
	configfs_unregister_subsystem(&core_cfs_subsys);
}
