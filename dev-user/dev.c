// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: devices, from REGISTER_DEVICE to their end.
 *
 * A device is a core device made by scst_dev_register() (configfs shows it
 * as handlers/scst_user/<name>, LUNs link to it) and served by the process
 * that registered it. When that process lets go (close, death, or
 * UNREGISTER_DEVICE) the cleanup runs; then the device is unregistered
 * from the core, unless LUNs still name it: it stays, an orphan, and its
 * commands end NOT READY, LOGICAL UNIT NOT READY, MANUAL INTERVENTION
 * REQUIRED until a process registers the same name again (it takes the
 * device over, LUNs and sessions included: a restarted handler resumes
 * service) or until its last LUN is removed (DEV_UNUSED), when it is
 * unregistered. An orphan pins the module, so rmmod succeeds exactly when
 * no LUN uses a user device.
 *
 * Capacity: as in SCST, user space answers READ CAPACITY itself (in EXEC),
 * so the kernel does not know the size. The core's LBA range check is
 * opened to the whole LBA space (user space checks its own range), and
 * DEVICE_CAPACITY_CHANGED raises CAPACITY DATA HAS CHANGED on every nexus.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "user.h"

/* Registration, unregistration and the orphans' list */
DEFINE_MUTEX(user_devs_mutex);
DEFINE_SPINLOCK(user_devs_lock);
LIST_HEAD(user_devs_list);
/* ORPHAN devices (user_dev.orphan_node), under user_devs_mutex */
static LIST_HEAD(user_orphans);

static void user_dev_free(struct kref *kref)
{
	struct user_dev *udev = container_of(kref, struct user_dev, kref);
	struct user_sess *us, *tmp;
	unsigned long flags;

	/* Any context: the last SGV_RELEASED may drop it in a bus handler. */
	spin_lock_irqsave(&user_devs_lock, flags);
	list_del(&udev->node);
	spin_unlock_irqrestore(&user_devs_lock, flags);
	xa_destroy(&udev->cmds);
	list_for_each_entry_safe(us, tmp, &udev->sessions, node)
		kfree(us);
	kfree(udev);
}

void user_dev_put(struct user_dev *udev)
{
	kref_put(&udev->kref, user_dev_free);
}

int user_opt_check(const struct scst_user_opt *opt)
{
	if (opt->parse_type > SCST_USER_MAX_PARSE_OPT ||
	    opt->on_free_cmd_type > SCST_USER_MAX_ON_FREE_CMD_OPT ||
	    opt->memory_reuse_type > SCST_USER_MAX_MEM_REUSE_OPT ||
	    opt->partial_transfers_type > SCST_USER_MAX_PARTIAL_TRANSFERS_OPT ||
	    opt->tst > 1 || opt->queue_alg > 1 || opt->swp > 1 ||
	    opt->tas > 1 || opt->d_sense > 1 || opt->tmf_only > 1 ||
	    (opt->qerr != 0 && opt->qerr != 1 && opt->qerr != 3) ||
	    opt->has_own_order_mgmt > 1 || opt->ext_copy_remap_supported > 1) {
		user_warn("options refused: parse %u on_free %u reuse %u partial %u tst %u queue_alg %u qerr %u tas %u swp %u d_sense %u\n",
			  opt->parse_type, opt->on_free_cmd_type,
			  opt->memory_reuse_type, opt->partial_transfers_type,
			  opt->tst, opt->queue_alg, opt->qerr, opt->tas,
			  opt->swp, opt->d_sense);
		return -EINVAL;
	}
	return 0;
}

/* The options the core applies: control mode page fields. */
void user_dev_apply_opt(struct user_dev *udev, const struct scst_user_opt *opt)
{
	spin_lock_bh(&udev->lock);
	udev->opt = *opt;
	spin_unlock_bh(&udev->lock);
	if (!udev->sdev)
		return;
	WRITE_ONCE(udev->sdev->d_sense, opt->d_sense);
	WRITE_ONCE(udev->sdev->tas, opt->tas);
	WRITE_ONCE(udev->sdev->qerr, opt->qerr);
	WRITE_ONCE(udev->sdev->read_only, opt->swp);
	/*
	 * The core parsed every CDB it lets through: only CALL asks user
	 * space about it (EXCEPTION's CDBs are those the core refuses).
	 * Skipping saves two messages a command; the cleanup turns it off
	 * again, so a device that stops answers NOT READY from its PARSE.
	 */
	WRITE_ONCE(udev->sdev->skip_parse,
		   opt->parse_type != SCST_USER_PARSE_CALL);
}

/* The core opens the device: it knows its block size and no capacity. */
int user_dev_enable(struct scst_device *sdev, bool enable)
{
	struct user_dev *udev = sdev->handler_priv;

	if (enable) {
		sdev->block_shift = udev->block_shift;
		sdev->nr_blocks = U64_MAX >> sdev->block_shift;
	}
	return 0;
}

static struct user_dev *user_dev_find(const char *name)
{
	struct user_dev *udev;

	lockdep_assert_held(&user_devs_mutex);
	list_for_each_entry(udev, &user_devs_list, node)
		if (udev->state != USER_DEV_GONE && !strcmp(udev->name, name))
			return udev;
	return NULL;
}

static int user_desc_check(const struct scst_user_dev_desc *desc)
{
	size_t len = strnlen(desc->name, sizeof(desc->name));

	if (!len || len == sizeof(desc->name) || strchr(desc->name, '/') ||
	    !strcmp(desc->name, ".") || !strcmp(desc->name, "..")) {
		user_warn("REGISTER_DEVICE: bad device name \"%.*s\"\n",
			  (int)sizeof(desc->name), desc->name);
		return -EINVAL;
	}
	if (desc->type > 0x1e) {
		user_warn("%s: REGISTER_DEVICE: bad device type %u\n",
			  desc->name, desc->type);
		return -EINVAL;
	}
	if (desc->block_size != 512 && desc->block_size != 1024 &&
	    desc->block_size != 2048 && desc->block_size != 4096) {
		user_warn("%s: REGISTER_DEVICE: bad block size %u\n",
			  desc->name, desc->block_size);
		return -EINVAL;
	}
	/*
	 * SCST lets devices with the same sgv_name share one pool. Here a
	 * pool's cached buffers are user memory of one device's process,
	 * named by that device's user_mem and flushed by its cleanup: a
	 * pool shared by several processes would hand one process's pages
	 * to another's commands. So a device asking to share still gets a
	 * pool of its own. A handler cannot tell but by its buffers never
	 * being reused across devices, which sharing allows but never
	 * promises; refusing would break handlers that set it for nothing
	 * more than memory. sgv_name is then unused, as SCST ignores it
	 * without sgv_shared.
	 */
	if (desc->sgv_shared)
		pr_info_ratelimited(USER_NAME ": %.*s: sgv_shared (pool \"%.*s\"): this device keeps a buffer pool of its own\n",
				    (int)sizeof(desc->name), desc->name,
				    (int)sizeof(desc->sgv_name), desc->sgv_name);
	if (desc->sgv_single_alloc_pages < 0 || desc->sgv_purge_interval < 0) {
		user_warn("%s: REGISTER_DEVICE: bad SGV parameters\n",
			  desc->name);
		return -EINVAL;
	}
	return user_opt_check(&desc->opt);
}

/* Make @udev LIVE with a fresh pool (user_devs_mutex held). */
static int user_dev_start(struct user_dev *udev,
			  const struct scst_user_dev_desc *desc,
			  const struct user_pin_ops *pin)
{
	int ret;

	ret = user_pool_create(udev, desc);
	if (ret)
		return ret;
	udev->pin = pin;
	udev->block_shift = ilog2(desc->block_size);
	user_dev_apply_opt(udev, &desc->opt);
	spin_lock_bh(&udev->lock);
	udev->state = USER_DEV_LIVE;
	spin_unlock_bh(&udev->lock);
	return 0;
}

/**
 * user_dev_register() - REGISTER_DEVICE, after its version check
 * @desc: what user space asked for, copied in
 * @pin:  how its memory is pinned
 *
 * Returns the device, LIVE, with a reference for the caller's file; or an
 * ERR_PTR (-EINVAL for bad input, logged; -EEXIST for a name in use).
 */
struct user_dev *user_dev_register(const struct scst_user_dev_desc *desc,
				   const struct user_pin_ops *pin)
{
	struct scst_device *sdev;
	struct user_dev *udev;
	int ret;

	ret = user_desc_check(desc);
	if (ret)
		return ERR_PTR(ret);

	mutex_lock(&user_devs_mutex);
	udev = user_dev_find(desc->name);
	if (udev) {
		if (udev->state != USER_DEV_ORPHAN || udev->type != desc->type ||
		    udev->block_shift != ilog2(desc->block_size)) {
			mutex_unlock(&user_devs_mutex);
			user_warn("%s: REGISTER_DEVICE: the name is in use%s\n",
				  desc->name,
				  udev->state == USER_DEV_ORPHAN ?
				  " by a device of another type or block size" : "");
			return ERR_PTR(-EEXIST);
		}
		/* Take the orphan over: its LUNs get service again. */
		ret = user_dev_start(udev, desc, pin);
		if (!ret) {
			list_del(&udev->orphan_node);
			kref_get(&udev->kref);
			module_put(THIS_MODULE);	/* the orphan's */
			pr_info(USER_NAME ": %s: served again\n", udev->name);
		}
		mutex_unlock(&user_devs_mutex);
		return ret ? ERR_PTR(ret) : udev;
	}

	udev = kzalloc(sizeof(*udev), GFP_KERNEL);
	if (!udev) {
		mutex_unlock(&user_devs_mutex);
		return ERR_PTR(-ENOMEM);
	}
	strscpy(udev->name, desc->name, sizeof(udev->name));
	kref_init(&udev->kref);		/* the core registration's */
	spin_lock_init(&udev->lock);
	udev->state = USER_DEV_STOPPING;
	udev->type = desc->type;
	xa_init_flags(&udev->cmds, XA_FLAGS_ALLOC1);
	INIT_LIST_HEAD(&udev->ready);
	INIT_LIST_HEAD(&udev->mems);
	INIT_LIST_HEAD(&udev->sessions);
	INIT_DELAYED_WORK(&udev->expiry, user_expiry_fn);
	init_waitqueue_head(&udev->wq);
	init_waitqueue_head(&udev->idle_wq);
	spin_lock_bh(&user_devs_lock);
	list_add_tail(&udev->node, &user_devs_list);
	spin_unlock_bh(&user_devs_lock);

	ret = user_dev_start(udev, desc, pin);
	if (ret)
		goto out_put;
	sdev = scst_dev_register(&user_handler_ops, udev->name);
	if (IS_ERR(sdev)) {
		ret = PTR_ERR(sdev);
		goto out_pool;
	}
	/* The device type is the process's, not the handler's. */
	sdev->type = desc->type;
	sdev->handler_priv = udev;
	udev->sdev = sdev;
	user_dev_apply_opt(udev, &desc->opt);
	ret = scst_dev_enable(sdev, true);
	if (ret)
		goto out_unregister;
	kref_get(&udev->kref);		/* the file's */
	mutex_unlock(&user_devs_mutex);
	pr_info(USER_NAME ": %s: registered (type %u, block size %u)\n",
		udev->name, desc->type, desc->block_size);
	return udev;

out_unregister:
	scst_dev_unregister(sdev);
out_pool:
	scst_sgv_pool_destroy(udev->pool);
	udev->pool = NULL;
out_put:
	udev->state = USER_DEV_GONE;
	mutex_unlock(&user_devs_mutex);
	user_dev_put(udev);
	return ERR_PTR(ret);
}

/* Unregister from the core (user_devs_mutex held); -EBUSY if a LUN uses it. */
static int user_dev_unregister_core(struct user_dev *udev)
{
	int ret;

	lockdep_assert_held(&user_devs_mutex);
	ret = scst_dev_unregister(udev->sdev);
	if (ret)
		return ret;
	spin_lock_bh(&udev->lock);
	udev->state = USER_DEV_GONE;
	udev->sdev = NULL;
	spin_unlock_bh(&udev->lock);
	pr_info(USER_NAME ": %s: unregistered\n", udev->name);
	user_dev_put(udev);		/* the core registration's */
	return 0;
}

/**
 * user_dev_release() - the file lets go of @udev (close or UNREGISTER)
 * @udev: the device, LIVE; the file's reference is dropped here
 */
void user_dev_release(struct user_dev *udev)
{
	mutex_lock(&user_devs_mutex);
	user_dev_cleanup(udev, "its handler let go");
	if (user_dev_unregister_core(udev)) {
		spin_lock_bh(&udev->lock);
		udev->state = USER_DEV_ORPHAN;
		spin_unlock_bh(&udev->lock);
		list_add_tail(&udev->orphan_node, &user_orphans);
		__module_get(THIS_MODULE);
		pr_info(USER_NAME ": %s: LUNs still use it: it answers NOT READY until its handler registers again or its last LUN goes\n",
			udev->name);
	}
	mutex_unlock(&user_devs_mutex);
	user_dev_put(udev);		/* the file's */
}

static void user_unused_fn(struct work_struct *work)
{
	struct user_dev *udev, *tmp;

	/* An orphan holds its core registration's reference: no free here. */
	mutex_lock(&user_devs_mutex);
	list_for_each_entry_safe(udev, tmp, &user_orphans, orphan_node) {
		kref_get(&udev->kref);
		if (!user_dev_unregister_core(udev)) {
			list_del(&udev->orphan_node);
			module_put(THIS_MODULE);	/* the orphan's */
		}
		user_dev_put(udev);
	}
	mutex_unlock(&user_devs_mutex);
}

static DECLARE_WORK(user_unused_work, user_unused_fn);

/*
 * DEV_UNUSED, in the endpoint: unregistering takes mutexes, so a work
 * does it, for every orphan (the message's device pointer is only a hint).
 */
void user_dev_unused(struct scst_device *sdev)
{
	schedule_work(&user_unused_work);
}

/* Module exit: the file of every LIVE device and every orphan pin us. */
void user_devs_exit(void)
{
	flush_work(&user_unused_work);
}
