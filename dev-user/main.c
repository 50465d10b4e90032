// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user (scst_user): module init/exit, the bus endpoint, and
 * /dev/scst_user, whose ioctls are SCST 3.x's (<scst/scst_user.h>).
 *
 * One file, one device, as in SCST: REGISTER_DEVICE binds the device to
 * the file, and closing the file (which the kernel does when the handler
 * dies) runs the device's cleanup (cleanup.c).
 */
#include <linux/ctype.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include "user.h"

unsigned int user_cleanup_step_ms = 5000;
module_param_named(cleanup_step_ms, user_cleanup_step_ms, uint, 0644);
MODULE_PARM_DESC(cleanup_step_ms, "bound on each wait of a device's cleanup (default 5000)");

unsigned int user_abort_wait_ms = 10000;
module_param_named(abort_wait_ms, user_abort_wait_ms, uint, 0644);
MODULE_PARM_DESC(abort_wait_ms, "how long an aborted command's step waits for user space's reply before it ends without it (default 10000)");

unsigned int user_tm_wait_ms = 10000;
module_param_named(tm_wait_ms, user_tm_wait_ms, uint, 0644);
MODULE_PARM_DESC(tm_wait_ms, "how long a TASK_MGMT_RECEIVED or TASK_MGMT_DONE waits for user space's reply before it is dropped (default 10000)");

unsigned int user_get_cmd_wait_ms = 1000;
module_param_named(get_cmd_wait_ms, user_get_cmd_wait_ms, uint, 0644);
MODULE_PARM_DESC(get_cmd_wait_ms, "longest wait for a command in REPLY_AND_GET_*; then EAGAIN (default 1000)");

/* The core sends every step; PARSE is answered at once unless asked for. */
const struct scst_handler_ops user_handler_ops = {
	.name		= USER_NAME,
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_USER,
	.type		= 0,
	.flags		= SCST_HANDLER_PARSES | SCST_HANDLER_ALLOCS_BUF |
			  SCST_HANDLER_TMF | SCST_HANDLER_SESSIONS |
			  SCST_HANDLER_DEV_UNUSED | SCST_HANDLER_FREE_NOTICE,
	.enable_device	= user_dev_enable,
};

static struct scst_endpoint user_ep = {
	.name		= "user",
	.id		= SCST_EP_USER,
	.handlers	= SCST_EP_HANDLERS(user_msg_handlers),
};

/* A file: the device it registered, if any. */
struct user_file {
	struct mutex mutex;	/* @udev changes */
	struct user_dev *udev;
};

/* "3." digits "." digits, then optionally "-" and [A-Za-z0-9.]+ */
static bool user_scst_release(const char *s, size_t len)
{
	size_t i = 2, start;

	if (len < 5 || strncmp(s, "3.", 2))
		return false;
	for (start = i; i < len && isdigit(s[i]); i++)
		;
	if (i == start || i == len || s[i++] != '.')
		return false;
	for (start = i; i < len && isdigit(s[i]); i++)
		;
	if (i == start)
		return false;
	if (i == len)
		return true;
	if (s[i++] != '-' || i == len)
		return false;
	for (; i < len; i++)
		if (!isalnum(s[i]) && s[i] != '.')
			return false;
	return true;
}

/* The version strings REGISTER_DEVICE accepts: see <scst/scst_user.h>. */
static int user_version_check(u64 uptr)
{
	/* SCST appends the SHA-1 of scst_const.h and of scst_user.h. */
	const size_t sums = 2 * 40;
	char *v;
	long len;
	size_t i;
	int ret = -EINVAL;

	v = kmalloc(SCST_USER_VERSION_MAX, GFP_KERNEL);
	if (!v)
		return -ENOMEM;
	len = strncpy_from_user(v, u64_to_user_ptr(uptr), SCST_USER_VERSION_MAX);
	if (len < 0) {
		ret = len;
		goto out;
	}
	if (len == SCST_USER_VERSION_MAX) {
		user_warn("REGISTER_DEVICE: version string longer than %d bytes\n",
			  SCST_USER_VERSION_MAX - 1);
		goto out;
	}
	if (!strcmp(v, DEV_USER_VERSION)) {
		ret = 0;
		goto out;
	}
	if (len > sums) {
		for (i = len - sums; i < len && isxdigit(v[i]); i++)
			;
		if (i == len && user_scst_release(v, len - sums)) {
			ret = 0;
			goto out;
		}
	}
	user_warn("REGISTER_DEVICE: version \"%s\" is neither \"%s\" nor an SCST 3.x one\n",
		  v, DEV_USER_VERSION);
out:
	kfree(v);
	return ret;
}

static int user_open(struct inode *inode, struct file *file)
{
	struct user_file *uf = kzalloc(sizeof(*uf), GFP_KERNEL);

	if (!uf)
		return -ENOMEM;
	mutex_init(&uf->mutex);
	file->private_data = uf;
	return stream_open(inode, file);
}

static int user_release(struct inode *inode, struct file *file)
{
	struct user_file *uf = file->private_data;

	if (uf->udev)
		user_dev_release(uf->udev);
	kfree(uf);
	return 0;
}

/* The file's device with a reference, or NULL. */
static struct user_dev *user_file_dev(struct user_file *uf)
{
	struct user_dev *udev;

	mutex_lock(&uf->mutex);
	udev = uf->udev;
	if (udev)
		kref_get(&udev->kref);
	mutex_unlock(&uf->mutex);
	return udev;
}

static long user_register(struct user_file *uf, void __user *arg)
{
	struct scst_user_dev_desc *desc;
	struct user_dev *udev;
	long ret;

	desc = memdup_user(arg, sizeof(*desc));
	if (IS_ERR(desc))
		return PTR_ERR(desc);
	ret = user_version_check(desc->version_str);
	if (ret)
		goto out;
	mutex_lock(&uf->mutex);
	if (uf->udev) {
		user_warn("REGISTER_DEVICE: this file has device %s already\n",
			  uf->udev->name);
		ret = -EBUSY;
	} else {
		udev = user_dev_register(desc, &user_pin_process);
		if (IS_ERR(udev))
			ret = PTR_ERR(udev);
		else
			uf->udev = udev;
	}
	mutex_unlock(&uf->mutex);
out:
	kfree(desc);
	return ret;
}

static long user_unregister(struct user_file *uf)
{
	struct user_dev *udev;

	mutex_lock(&uf->mutex);
	udev = uf->udev;
	uf->udev = NULL;
	mutex_unlock(&uf->mutex);
	if (!udev)
		return -ENODEV;
	user_dev_release(udev);
	return 0;
}

static long user_reply_and_get(struct user_dev *udev, struct file *file,
			       struct scst_user_get_cmd __user *arg)
{
	struct scst_user_reply_cmd rep;
	struct scst_user_get_cmd get;
	u64 preply;
	int ret;

	/* preply follows cmd_h and subcode, which may hold the last command. */
	if (get_user(preply, &arg->preply))
		return -EFAULT;
	if (preply) {
		if (copy_from_user(&rep, u64_to_user_ptr(preply), sizeof(rep)))
			return -EFAULT;
		ret = user_reply(udev, &rep);
		if (ret)
			return ret;
	}
	ret = user_get_cmd(udev, &get, true, file->f_flags & O_NONBLOCK);
	if (ret)
		return ret;
	if (copy_to_user(arg, &get, sizeof(get)))
		return -EFAULT;
	return 0;
}

/* Replies first (replies_done says how many went), then commands. */
static long user_reply_and_get_multi(struct user_dev *udev, struct file *file,
				     struct scst_user_get_multi __user *arg)
{
	struct scst_user_get_multi hdr;
	struct scst_user_reply_cmd rep;
	struct scst_user_get_cmd get;
	int ret = 0, i, n = 0;

	if (copy_from_user(&hdr, arg, sizeof(hdr)))
		return -EFAULT;
	if (hdr.replies_cnt < 0 || hdr.cmds_cnt < 0) {
		user_warn("%s: REPLY_AND_GET_MULTI with %d replies, room for %d\n",
			  udev->name, hdr.replies_cnt, hdr.cmds_cnt);
		return -EINVAL;
	}
	for (i = 0; i < hdr.replies_cnt; i++) {
		if (copy_from_user(&rep, u64_to_user_ptr(hdr.preplies) +
				   i * sizeof(rep), sizeof(rep))) {
			ret = -EFAULT;
			break;
		}
		ret = user_reply(udev, &rep);
		if (ret)
			break;
	}
	if (put_user((s16)i, &arg->replies_done))
		return -EFAULT;
	if (ret)
		return ret;
	while (n < hdr.cmds_cnt) {
		ret = user_get_cmd(udev, &get, !n, file->f_flags & O_NONBLOCK);
		if (ret)
			break;
		if (copy_to_user(&arg->cmds[n], &get, sizeof(get))) {
			/* Taken but not delivered: its reply never comes. */
			ret = -EFAULT;
			break;
		}
		n++;
	}
	if (put_user((s16)n, &arg->cmds_cnt))
		return -EFAULT;
	return n ? 0 : ret;
}

static long user_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct user_file *uf = file->private_data;
	void __user *uarg = (void __user *)arg;
	struct scst_user_opt opt;
	struct user_dev *udev;
	long ret;

	if (cmd == SCST_USER_REGISTER_DEVICE)
		return user_register(uf, uarg);
	if (cmd == SCST_USER_UNREGISTER_DEVICE)
		return user_unregister(uf);

	udev = user_file_dev(uf);
	if (!udev)
		return -ENODEV;
	switch (cmd) {
	case SCST_USER_REPLY_AND_GET_CMD:
		ret = user_reply_and_get(udev, file, uarg);
		user_pass_on(udev);
		break;
	case SCST_USER_REPLY_AND_GET_MULTI:
		ret = user_reply_and_get_multi(udev, file, uarg);
		user_pass_on(udev);
		break;
	case SCST_USER_REPLY_CMD: {
		struct scst_user_reply_cmd rep;

		ret = copy_from_user(&rep, uarg, sizeof(rep)) ? -EFAULT :
		      user_reply(udev, &rep);
		break;
	}
	case SCST_USER_SET_OPTIONS:
		ret = -EFAULT;
		if (copy_from_user(&opt, uarg, sizeof(opt)))
			break;
		ret = user_opt_check(&opt);
		if (!ret)
			user_dev_apply_opt(udev, &opt);
		break;
	case SCST_USER_GET_OPTIONS:
		spin_lock_bh(&udev->lock);
		opt = udev->opt;
		spin_unlock_bh(&udev->lock);
		ret = copy_to_user(uarg, &opt, sizeof(opt)) ? -EFAULT : 0;
		break;
	case SCST_USER_FLUSH_CACHE:
		/* Released buffers come back as ON_CACHED_MEM_FREE. */
		mutex_lock(&user_devs_mutex);
		if (udev->pool)
			scst_sgv_pool_flush(udev->pool);
		mutex_unlock(&user_devs_mutex);
		ret = 0;
		break;
	case SCST_USER_DEVICE_CAPACITY_CHANGED:
		/* CAPACITY DATA HAS CHANGED on every nexus */
		mutex_lock(&user_devs_mutex);
		if (udev->sdev)
			scst_dev_raise_ua(udev->sdev, NULL, 0x2a, 0x09);
		mutex_unlock(&user_devs_mutex);
		ret = 0;
		break;
	case SCST_USER_GET_EXTENDED_CDB: {
		struct scst_user_get_ext_cdb req;

		ret = copy_from_user(&req, uarg, sizeof(req)) ? -EFAULT :
		      user_get_ext_cdb(udev, &req);
		break;
	}
	case SCST_USER_PREALLOC_BUFFER: {
		union scst_user_prealloc_buffer pb;
		u32 h;

		ret = -EFAULT;
		if (copy_from_user(&pb, uarg, sizeof(pb)))
			break;
		mutex_lock(&user_devs_mutex);
		ret = udev->pool ? user_buf_prealloc(udev, pb.in.pbuf,
						     pb.in.bufflen, &h) :
				   -ENODEV;
		mutex_unlock(&user_devs_mutex);
		if (ret)
			break;
		/* ON_CACHED_MEM_FREE of this buffer comes under this handle. */
		pb.out.cmd_h = h;
		ret = copy_to_user(uarg, &pb, sizeof(pb)) ? -EFAULT : 0;
		break;
	}
	default:
		user_warn("%s: unknown ioctl %#x\n", udev->name, cmd);
		ret = -ENOTTY;
		break;
	}
	user_dev_put(udev);
	return ret;
}

static __poll_t user_poll(struct file *file, struct poll_table_struct *wait)
{
	struct user_file *uf = file->private_data;
	struct user_dev *udev = user_file_dev(uf);
	__poll_t mask = 0;

	if (!udev)
		return EPOLLERR;
	poll_wait(file, &udev->wq, wait);
	spin_lock_bh(&udev->lock);
	if (!list_empty(&udev->ready))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (udev->state != USER_DEV_LIVE)
		mask |= EPOLLERR;
	spin_unlock_bh(&udev->lock);
	user_dev_put(udev);
	return mask;
}

static const struct file_operations user_fops = {
	.owner		= THIS_MODULE,
	.open		= user_open,
	.release	= user_release,
	.unlocked_ioctl	= user_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.poll		= user_poll,
	.llseek		= no_llseek,
};

static struct miscdevice user_misc = {
	.minor	= MISC_DYNAMIC_MINOR,
	.name	= DEV_USER_NAME,
	.fops	= &user_fops,
	.mode	= 0600,
};

static void user_ep_unregister(void)
{
	int ret = scst_bus_unregister(&user_ep);

	if (ret)
		pr_err(USER_NAME ": endpoint did not unregister (%d): the bus reported what is still out\n",
		       ret);
}

static int __init user_init(void)
{
	int ret;

	ret = user_cmd_cache_init();
	if (ret)
		return ret;
	ret = scst_bus_register(&user_ep);
	if (ret)
		goto out_cache;
	ret = scst_handler_register(&user_handler_ops);
	if (ret)
		goto out_ep;
	ret = misc_register(&user_misc);
	if (ret)
		goto out_handler;
	return 0;

out_handler:
	scst_handler_unregister(&user_handler_ops);
out_ep:
	user_ep_unregister();
out_cache:
	user_cmd_cache_exit();
	return ret;
}

/*
 * Open files and orphan devices pin the module: none is left, and every
 * device was unregistered from the core.
 */
static void __exit user_exit(void)
{
	misc_deregister(&user_misc);
	user_devs_exit();
	scst_handler_unregister(&user_handler_ops);
	user_ep_unregister();
	user_cmd_cache_exit();
}

module_init(user_init);
module_exit(user_exit);
MODULE_DESCRIPTION("SCST-NG user-space device handlers (/dev/scst_user)");
MODULE_LICENSE("GPL");
