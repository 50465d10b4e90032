// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: device handlers and their devices.
 *
 * A device made by configfs pins its handler's module, so a handler in use
 * cannot be unloaded; one made by the handler's own code does not (the
 * handler unregisters it before itself).
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "core.h"

static LIST_HEAD(core_handlers);
static LIST_HEAD(core_devs);

/* Names become configfs directory names and log text. */
bool core_name_valid(const char *name)
{
	size_t len = strnlen(name, SCST_NAME_MAX);

	return len && len < SCST_NAME_MAX && !strchr(name, '/') &&
	       strcmp(name, ".") && strcmp(name, "..");
}

struct core_handler *core_handler_find(const char *name)
{
	struct core_handler *h;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(h, &core_handlers, node)
		if (!strcmp(h->ops->name, name))
			return h;
	return NULL;
}

static struct core_handler *core_handler_of(const struct scst_handler_ops *ops)
{
	struct core_handler *h;

	list_for_each_entry(h, &core_handlers, node)
		if (h->ops == ops)
			return h;
	return NULL;
}

/**
 * scst_handler_register() - make a device handler known to the core
 * @ops: its ops; must stay valid until scst_handler_unregister()
 *
 * The handler's bus endpoint (@ops->ep) must be registered first.
 */
int scst_handler_register(const struct scst_handler_ops *ops)
{
	struct core_handler *h;
	int ret;

	if (!ops->name || !core_name_valid(ops->name) ||
	    ops->ep >= SCST_EP_NR || ops->ep == SCST_EP_CORE) {
		pr_err(CORE_NAME ": handler %s: bad name or endpoint\n",
		       ops->name ?: "(null)");
		return -EINVAL;
	}
	h = kzalloc(sizeof(*h), GFP_KERNEL);
	if (!h)
		return -ENOMEM;
	h->ops = ops;
	INIT_LIST_HEAD(&h->devs);

	mutex_lock(&core_cfg_mutex);
	if (core_handler_find(ops->name)) {
		mutex_unlock(&core_cfg_mutex);
		kfree(h);
		pr_err(CORE_NAME ": handler %s is already registered\n",
		       ops->name);
		return -EEXIST;
	}
	list_add_tail(&h->node, &core_handlers);
	mutex_unlock(&core_cfg_mutex);

	ret = core_cfs_handler_add(h);
	if (ret) {
		mutex_lock(&core_cfg_mutex);
		list_del(&h->node);
		mutex_unlock(&core_cfg_mutex);
		kfree(h);
		return ret;
	}
	pr_info(CORE_NAME ": handler %s registered\n", ops->name);
	return 0;
}
EXPORT_SYMBOL_GPL(scst_handler_register);

/**
 * scst_handler_unregister() - the reverse of scst_handler_register()
 * @ops: as registered
 *
 * Devices the handler registered itself must be unregistered first;
 * configfs-made ones pin the handler's module, so none exists here.
 */
void scst_handler_unregister(const struct scst_handler_ops *ops)
{
	struct core_handler *h;

	mutex_lock(&core_cfg_mutex);
	h = core_handler_of(ops);
	if (h && !list_empty(&h->devs)) {
		struct core_dev *cdev;

		list_for_each_entry(cdev, &h->devs, handler_node)
			pr_err(CORE_NAME ": handler %s unregistering with device %s still registered: leaking it\n",
			       ops->name, cdev->name);
	}
	mutex_unlock(&core_cfg_mutex);
	if (!h)
		return;

	core_cfs_handler_del(h);
	mutex_lock(&core_cfg_mutex);
	list_del(&h->node);
	mutex_unlock(&core_cfg_mutex);
	if (list_empty(&h->devs))
		kfree(h);
	pr_info(CORE_NAME ": handler %s unregistered\n", ops->name);
}
EXPORT_SYMBOL_GPL(scst_handler_unregister);

struct core_dev *core_dev_find(const char *name)
{
	struct core_dev *cdev;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(cdev, &core_devs, node)
		if (!strcmp(cdev->name, name))
			return cdev;
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(core_dev_find);

/* Defaults an SCST user would expect of a new device. */
#define CORE_DEV_QUEUE_DEPTH	64

/**
 * core_dev_create() - make a device of handler @h
 * @h:       the handler
 * @name:    unique among all devices
 * @pinned:  made by configfs: pin the handler's module while it exists
 */
struct core_dev *core_dev_create(struct core_handler *h, const char *name,
				 bool pinned)
{
	struct core_dev *cdev;
	int ret;

	lockdep_assert_held(&core_cfg_mutex);
	if (!core_name_valid(name)) {
		pr_err(CORE_NAME ": device name \"%.*s\" is empty, too long or has '/'\n",
		       SCST_NAME_MAX, name);
		return ERR_PTR(-EINVAL);
	}
	if (core_dev_find(name)) {
		pr_err(CORE_NAME ": device %s already exists\n", name);
		return ERR_PTR(-EEXIST);
	}
	if (pinned && !try_module_get(h->ops->owner))
		return ERR_PTR(-ENODEV);

	cdev = kzalloc(sizeof(*cdev), GFP_KERNEL);
	if (!cdev) {
		ret = -ENOMEM;
		goto out_put;
	}
	strscpy(cdev->name, name, sizeof(cdev->name));
	cdev->dev.name = cdev->name;
	cdev->dev.handler = h->ops;
	cdev->dev.type = h->ops->type;
	cdev->dev.queue_depth = CORE_DEV_QUEUE_DEPTH;
	cdev->handler = h;
	cdev->pinned = pinned;
	spin_lock_init(&cdev->lock);
	INIT_LIST_HEAD(&cdev->tgt_devs);

	if (h->ops->create_device) {
		ret = h->ops->create_device(&cdev->dev);
		if (ret) {
			pr_err(CORE_NAME ": device %s: handler %s refused it: %d\n",
			       name, h->ops->name, ret);
			goto out_free;
		}
	}
	list_add_tail(&cdev->node, &core_devs);
	list_add_tail(&cdev->handler_node, &h->devs);
	return cdev;

out_free:
	kfree(cdev);
out_put:
	if (pinned)
		module_put(h->ops->owner);
	return ERR_PTR(ret);
}

/**
 * core_dev_set_enabled() - open or close a device's backing store
 * @cdev:   the device
 * @enable: the new state
 *
 * Refused with -EBUSY while a LUN uses the device.
 */
int core_dev_set_enabled(struct core_dev *cdev, bool enable)
{
	const struct scst_handler_ops *ops = cdev->handler->ops;
	int ret = 0;

	lockdep_assert_held(&core_cfg_mutex);
	if (cdev->enabled == enable)
		return 0;
	if (!enable && cdev->nr_luns) {
		pr_err(CORE_NAME ": device %s: cannot disable, %u LUN(s) use it\n",
		       cdev->name, cdev->nr_luns);
		return -EBUSY;
	}
	if (!enable && cdev->nr_tds) {
		pr_err(CORE_NAME ": device %s: cannot disable, %u nexus(es) of removed LUNs still finishing commands\n",
		       cdev->name, cdev->nr_tds);
		return -EBUSY;
	}
	if (ops->enable_device)
		ret = ops->enable_device(&cdev->dev, enable);
	if (ret) {
		pr_err(CORE_NAME ": device %s: handler %s failed to %s it: %d\n",
		       cdev->name, ops->name, enable ? "enable" : "disable",
		       ret);
		return ret;
	}
	if (enable && (cdev->dev.block_shift < 9 || cdev->dev.block_shift > 16)) {
		pr_err(CORE_NAME ": device %s: handler %s set block size 2^%u, not 512 to 65536\n",
		       cdev->name, ops->name, cdev->dev.block_shift);
		if (ops->enable_device)
			ops->enable_device(&cdev->dev, false);
		return -EINVAL;
	}
	cdev->enabled = enable;
	return 0;
}

/**
 * core_dev_destroy() - the reverse of core_dev_create()
 * @cdev: the device; disabled first if it is enabled
 *
 * Refused with -EBUSY while a LUN uses it.
 */
int core_dev_destroy(struct core_dev *cdev)
{
	struct core_handler *h = cdev->handler;
	int ret;

	lockdep_assert_held(&core_cfg_mutex);
	if (cdev->nr_luns) {
		pr_err(CORE_NAME ": device %s: cannot remove, %u LUN(s) use it\n",
		       cdev->name, cdev->nr_luns);
		return -EBUSY;
	}
	if (cdev->nr_tds) {
		pr_err(CORE_NAME ": device %s: cannot remove, %u nexus(es) of removed LUNs still finishing commands\n",
		       cdev->name, cdev->nr_tds);
		return -EBUSY;
	}
	ret = core_dev_set_enabled(cdev, false);
	if (ret)
		return ret;
	core_cfs_dev_unlink(cdev);
	if (h->ops->destroy_device)
		h->ops->destroy_device(&cdev->dev);
	list_del(&cdev->node);
	list_del(&cdev->handler_node);
	if (cdev->pinned)
		module_put(h->ops->owner);
	kfree(cdev);
	return 0;
}

/**
 * core_dev_unused() - the last LUN naming @cdev is gone
 * @cdev: the device
 *
 * A handler that asked for it (SCST_HANDLER_DEV_UNUSED) learns it by a
 * notice, for a device it registered itself: configfs-made ones are
 * removed by rmdir.
 */
void core_dev_unused(struct core_dev *cdev)
{
	const struct scst_handler_ops *ops = cdev->handler->ops;
	struct scst_msg msg;

	lockdep_assert_held(&core_cfg_mutex);
	if (cdev->pinned || !(ops->flags & SCST_HANDLER_DEV_UNUSED))
		return;
	scst_msg_init(&msg, SCST_MSG_DEV_UNUSED, SCST_EP_CORE, ops->ep);
	msg.cmd.dev = &cdev->dev;
	core_send_notice(&msg);
}

/**
 * scst_dev_register() - make a device from code
 * @ops:  its handler, registered
 * @name: unique among all devices
 *
 * Returns the device, disabled, or an ERR_PTR.
 */
struct scst_device *scst_dev_register(const struct scst_handler_ops *ops,
				      const char *name)
{
	struct core_handler *h;
	struct core_dev *cdev;

	mutex_lock(&core_cfg_mutex);
	h = core_handler_of(ops);
	cdev = h ? core_dev_create(h, name, false) : ERR_PTR(-ENODEV);
	mutex_unlock(&core_cfg_mutex);
	if (IS_ERR(cdev))
		return ERR_CAST(cdev);
	/* A directory so that LUNs can link to it, like mkdir-made ones. */
	core_cfs_dev_add(cdev);
	return &cdev->dev;
}
EXPORT_SYMBOL_GPL(scst_dev_register);

/**
 * core_dev_wait_tds() - wait for the nexuses of @cdev's removed LUNs to go
 * @cdev: the device; core_cfg_mutex not held (freeing them takes it)
 *
 * A LUN removed a moment ago may still have commands at the handler; its
 * nexus is freed when the last one ends. Bounded by the teardown timeout;
 * returns 0, or -EBUSY (logged) if some are still there then.
 */
int core_dev_wait_tds(struct core_dev *cdev)
{
	unsigned long bound = msecs_to_jiffies(core_teardown_timeout_ms);

	if (wait_event_timeout(core_td_freed_wq, !READ_ONCE(cdev->nr_tds),
			       bound))
		return 0;
	pr_err(CORE_NAME ": device %s: %u nexus(es) of removed LUNs still have commands after %u ms\n",
	       cdev->name, READ_ONCE(cdev->nr_tds), core_teardown_timeout_ms);
	return -EBUSY;
}

int scst_dev_enable(struct scst_device *dev, bool enable)
{
	int ret;

	if (!enable) {
		ret = core_dev_wait_tds(to_core_dev(dev));
		if (ret)
			return ret;
	}
	mutex_lock(&core_cfg_mutex);
	ret = core_dev_set_enabled(to_core_dev(dev), enable);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(scst_dev_enable);

int scst_dev_unregister(struct scst_device *dev)
{
	struct core_dev *cdev = to_core_dev(dev);
	int ret;

	mutex_lock(&core_cfg_mutex);
	ret = cdev->nr_luns ? -EBUSY : 0;
	mutex_unlock(&core_cfg_mutex);
	if (ret) {
		pr_err(CORE_NAME ": device %s: cannot remove, a LUN uses it\n",
		       cdev->name);
		return ret;
	}
	ret = core_dev_wait_tds(cdev);
	if (ret)
		return ret;
	/*
	 * The directory goes first, with no core lock held (configfs takes
	 * its own locks first). A LUN linked in meanwhile makes the destroy
	 * below fail: the device then stays, without a directory.
	 */
	core_cfs_dev_del(cdev);
	mutex_lock(&core_cfg_mutex);
	ret = core_dev_destroy(cdev);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}
EXPORT_SYMBOL_GPL(scst_dev_unregister);

/**
 * scst_dev_set_capacity() - a device's size changed
 * @dev:       the device
 * @nr_blocks: its new capacity in logical blocks
 *
 * Every I_T_L nexus reaching it gets CAPACITY DATA HAS CHANGED. Any
 * context but hard IRQ.
 */
void scst_dev_set_capacity(struct scst_device *dev, u64 nr_blocks)
{
	if (READ_ONCE(dev->nr_blocks) == nr_blocks)
		return;
	WRITE_ONCE(dev->nr_blocks, nr_blocks);
	core_ua_add_dev(to_core_dev(dev), NULL, SCST_KEY_UNIT_ATTENTION,
			0x2a, 0x09);
}
EXPORT_SYMBOL_GPL(scst_dev_set_capacity);

/**
 * scst_dev_raise_ua() - a handler-side condition every other nexus must learn
 * @dev:    the device
 * @except: the nexus to skip, or NULL
 * @asc:    additional sense code
 * @ascq:   additional sense code qualifier
 *
 * Any context but hard IRQ. @except, if set, is a command's cmd->tgt_dev,
 * valid while the command is lent to the handler.
 */
void scst_dev_raise_ua(struct scst_device *dev, struct scst_tgt_dev *except,
		       u8 asc, u8 ascq)
{
	core_ua_add_dev(to_core_dev(dev), except ? to_core_tgt_dev(except) : NULL,
			SCST_KEY_UNIT_ATTENTION, asc, ascq);
}
EXPORT_SYMBOL_GPL(scst_dev_raise_ua);
