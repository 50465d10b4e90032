// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: scst_core's configfs tree, through the real VFS paths. The suite
 * mounts configfs privately (kern_mount; configfs has one superblock, so
 * this is the tree scst_core registered), points the test thread's working
 * directory at its root, and then does what a user would: mkdir, symlink,
 * unlink, rmdir, and reads and writes of attribute files.
 *
 * It registers its own handler ("cfs_disk", endpoint TEST2, with an
 * attribute of its own) and fabric ("cfs_fabric", endpoint TEST3, which
 * makes targets on mkdir), and counts what they and the configfs code
 * allocate, so every case can check that its teardown freed everything.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/configfs.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/mount.h>
#include <linux/namei.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <scst/bus.h>
#include <scst/fabric.h>
#include <scst/handler.h>
#include "../core-cmd/core.h"
#include "../core-cmd/configfs.h"

#define CFS_WAIT_MS	10000

#define H	"scst/handlers/cfs_disk"
#define F	"scst/targets/cfs_fabric"

static struct vfsmount *cfs_mnt;

/* ------------------------------------------------------------------ */
/* The fake handler */

struct cfs_disk {
	char filename[32];
	unsigned int enables;
};

static atomic_t cfs_nr_disks = ATOMIC_INIT(0);

static int cfs_disk_create(struct scst_device *dev)
{
	struct cfs_disk *d = kzalloc(sizeof(*d), GFP_KERNEL);

	if (!d)
		return -ENOMEM;
	dev->handler_priv = d;
	atomic_inc(&cfs_nr_disks);
	return 0;
}

static void cfs_disk_destroy(struct scst_device *dev)
{
	kfree(dev->handler_priv);
	atomic_dec(&cfs_nr_disks);
}

/* 1 MiB of 512-byte blocks; a filename of "fail" refuses to open */
static int cfs_disk_enable(struct scst_device *dev, bool enable)
{
	struct cfs_disk *d = dev->handler_priv;

	if (enable && !strcmp(d->filename, "fail"))
		return -EIO;
	if (enable) {
		d->enables++;
		dev->block_shift = 9;
		dev->nr_blocks = 2048;
	}
	return 0;
}

static ssize_t cfs_disk_filename_show(struct config_item *item, char *page)
{
	struct scst_device *dev = scst_dev_from_item(item);

	if (!dev)
		return -ENODEV;
	return sysfs_emit(page, "%s\n",
			  ((struct cfs_disk *)dev->handler_priv)->filename);
}

static int cfs_disk_set_filename(struct scst_device *dev, const void *arg)
{
	struct cfs_disk *d = dev->handler_priv;

	strscpy(d->filename, arg, sizeof(d->filename));
	strim(d->filename);
	return 0;
}

static ssize_t cfs_disk_filename_store(struct config_item *item,
				       const char *page, size_t count)
{
	struct scst_device *dev = scst_dev_from_item(item);
	int ret;

	if (!dev)
		return -ENODEV;
	ret = scst_dev_change_disabled(dev, "filename", cfs_disk_set_filename,
				       page);
	return ret ?: count;
}

CONFIGFS_ATTR(cfs_disk_, filename);

static struct configfs_attribute *cfs_disk_attrs[] = {
	&cfs_disk_attr_filename,
	NULL,
};

static const struct scst_handler_ops cfs_disk_ops = {
	.name		= "cfs_disk",
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_TEST2,
	.type		= 0,
	.create_device	= cfs_disk_create,
	.destroy_device	= cfs_disk_destroy,
	.enable_device	= cfs_disk_enable,
	.dev_attrs	= cfs_disk_attrs,
};

static const SCST_HANDLERS(cfs_disk_handlers) = {};

static struct scst_endpoint cfs_disk_ep = {
	.name		= "cfs_disk",
	.id		= SCST_EP_TEST2,
	.handlers	= SCST_EP_HANDLERS(cfs_disk_handlers),
};

/* ------------------------------------------------------------------ */
/* The fake fabric */

static atomic_t cfs_nr_tgts = ATOMIC_INIT(0);
static atomic_t cfs_sess_gone = ATOMIC_INIT(0);
static atomic_t cfs_tgt_gone = ATOMIC_INIT(0);
static DECLARE_WAIT_QUEUE_HEAD(cfs_gone_wq);

static int cfs_fabric_add_target(struct scst_tgt *tgt)
{
	atomic_inc(&cfs_nr_tgts);
	return 0;
}

static void cfs_fabric_remove_target(struct scst_tgt *tgt)
{
	atomic_dec(&cfs_nr_tgts);
}

static ssize_t cfs_fabric_wwn_show(struct config_item *item, char *page)
{
	struct scst_tgt *tgt = scst_tgt_from_item(item);

	if (!tgt)
		return -ENODEV;
	return sysfs_emit(page, "wwn:%s\n", scst_tgt_name(tgt));
}

CONFIGFS_ATTR_RO(cfs_fabric_, wwn);

static struct configfs_attribute *cfs_fabric_attrs[] = {
	&cfs_fabric_attr_wwn,
	NULL,
};

static const struct scst_fabric_ops cfs_fabric_ops = {
	.name		= "cfs_fabric",
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_TEST3,
	.add_target	= cfs_fabric_add_target,
	.remove_target	= cfs_fabric_remove_target,
	.tgt_attrs	= cfs_fabric_attrs,
};

static void cfs_on_sess_gone(struct scst_endpoint *ep,
			     const struct scst_msg *msg)
{
	atomic_inc(&cfs_sess_gone);
	wake_up(&cfs_gone_wq);
}

static void cfs_on_tgt_gone(struct scst_endpoint *ep,
			    const struct scst_msg *msg)
{
	atomic_inc(&cfs_tgt_gone);
	wake_up(&cfs_gone_wq);
}

static const SCST_HANDLERS(cfs_fabric_handlers) = {
	[SCST_MSG_SESS_GONE]	= cfs_on_sess_gone,
	[SCST_MSG_TGT_GONE]	= cfs_on_tgt_gone,
};

static struct scst_endpoint cfs_fabric_ep = {
	.name		= "cfs_fabric",
	.id		= SCST_EP_TEST3,
	.handlers	= SCST_EP_HANDLERS(cfs_fabric_handlers),
};

/* ------------------------------------------------------------------ */
/* VFS helpers: paths are relative to the configfs root */

static int cfs_mkdir(const char *path)
{
	struct path parent;
	struct dentry *d;
	int ret;

	d = kern_path_create(AT_FDCWD, path, &parent, LOOKUP_DIRECTORY);
	if (IS_ERR(d))
		return PTR_ERR(d);
	ret = vfs_mkdir(&init_user_ns, d_inode(parent.dentry), d, 0755);
	done_path_create(&parent, d);
	return ret;
}

static int cfs_symlink(const char *target, const char *path)
{
	struct path parent;
	struct dentry *d;
	int ret;

	d = kern_path_create(AT_FDCWD, path, &parent, 0);
	if (IS_ERR(d))
		return PTR_ERR(d);
	ret = vfs_symlink(&init_user_ns, d_inode(parent.dentry), d, target);
	done_path_create(&parent, d);
	return ret;
}

/* rmdir(2) or unlink(2) of @path */
static int cfs_remove(const char *path, bool dir)
{
	const char *name = strrchr(path, '/') + 1;
	char *parent_name;
	struct path parent;
	struct dentry *d;
	int ret;

	parent_name = kstrndup(path, name - path - 1, GFP_KERNEL);
	if (!parent_name)
		return -ENOMEM;
	ret = kern_path(parent_name, LOOKUP_DIRECTORY, &parent);
	kfree(parent_name);
	if (ret)
		return ret;
	inode_lock_nested(d_inode(parent.dentry), I_MUTEX_PARENT);
	d = lookup_one_len(name, parent.dentry, strlen(name));
	ret = PTR_ERR_OR_ZERO(d);
	if (!ret) {
		if (d_really_is_negative(d))
			ret = -ENOENT;
		else if (dir)
			ret = vfs_rmdir(&init_user_ns, d_inode(parent.dentry),
					d);
		else
			ret = vfs_unlink(&init_user_ns, d_inode(parent.dentry),
					 d, NULL);
		dput(d);
	}
	inode_unlock(d_inode(parent.dentry));
	path_put(&parent);
	return ret;
}

static int cfs_rmdir(const char *path)
{
	return cfs_remove(path, true);
}

static int cfs_unlink(const char *path)
{
	return cfs_remove(path, false);
}

static bool cfs_exists(const char *path)
{
	struct path p;

	if (kern_path(path, 0, &p))
		return false;
	path_put(&p);
	return true;
}

/* Write @val to attribute @path; the errno, or 0 if all was taken */
static int cfs_write(const char *path, const char *val)
{
	struct file *f = filp_open(path, O_WRONLY, 0);
	loff_t pos = 0;
	ssize_t ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = kernel_write(f, val, strlen(val), &pos);
	filp_close(f, NULL);
	if (ret < 0)
		return ret;
	return ret == strlen(val) ? 0 : -EIO;
}

/* Read attribute @path into @buf (NUL-terminated); length or errno */
static ssize_t cfs_read(const char *path, char *buf, size_t size)
{
	struct file *f = filp_open(path, O_RDONLY, 0);
	loff_t pos = 0;
	ssize_t ret;

	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = kernel_read(f, buf, size - 1, &pos);
	filp_close(f, NULL);
	buf[ret < 0 ? 0 : ret] = '\0';
	return ret;
}

/* Expect attribute @path to read @want */
static void cfs_expect_read(struct kunit *test, const char *path,
			    const char *want)
{
	char buf[128];

	KUNIT_EXPECT_GE_MSG(test, cfs_read(path, buf, sizeof(buf)), 0,
			    "reading %s", path);
	KUNIT_EXPECT_STREQ_MSG(test, buf, want, "reading %s", path);
}

static bool cfs_wait(atomic_t *v, int want)
{
	return wait_event_timeout(cfs_gone_wq, atomic_read(v) >= want,
				  msecs_to_jiffies(CFS_WAIT_MS)) > 0;
}

/* ------------------------------------------------------------------ */
/* Fixture */

struct cfs_ctx {
	int objs;	/* configfs wrappers alive before the case */
};

static struct core_dev *cfs_dev_find(const char *name)
{
	struct core_dev *cdev;

	mutex_lock(&core_cfg_mutex);
	cdev = core_dev_find(name);
	mutex_unlock(&core_cfg_mutex);
	return cdev;
}

static struct scst_tgt *cfs_tgt_find(const char *name)
{
	struct scst_tgt *tgt;

	mutex_lock(&core_cfg_mutex);
	tgt = core_tgt_find(core_fabric_find("cfs_fabric"), name);
	mutex_unlock(&core_cfg_mutex);
	return tgt;
}

/* The device a LUN of @tgt's group @acg ("" for default) maps, or NULL */
static struct core_dev *cfs_lun_dev(struct scst_tgt *tgt, const char *acg_name,
				    u64 lun)
{
	struct scst_acg *acg;
	struct core_lun *l = NULL;

	mutex_lock(&core_cfg_mutex);
	acg = *acg_name ? core_acg_find(tgt, acg_name) : &tgt->default_acg;
	if (acg)
		l = core_lun_find(acg, lun);
	mutex_unlock(&core_cfg_mutex);
	return l ? l->dev : NULL;
}

/*
 * Every case runs in its own thread: give it a working directory at the
 * configfs root. set_fs_pwd() is not exported; this is what it does.
 */
static int cfs_test_init(struct kunit *test)
{
	struct path root = { .mnt = cfs_mnt, .dentry = cfs_mnt->mnt_root };
	struct fs_struct *fs;
	struct cfs_ctx *ctx;
	struct path old;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	ctx->objs = atomic_read(&core_cfs_nr_objs);
	test->priv = ctx;

	KUNIT_ASSERT_EQ(test, unshare_fs_struct(), 0);
	fs = current->fs;
	path_get(&root);
	spin_lock(&fs->lock);
	write_seqcount_begin(&fs->seq);
	old = fs->pwd;
	fs->pwd = root;
	write_seqcount_end(&fs->seq);
	spin_unlock(&fs->lock);
	path_put(&old);
	return 0;
}

/*
 * What every case must leave behind: nothing. A kernel thread's fput() is
 * deferred to a work item: let those run first (bounded), as a closed
 * file must not be what holds a wrapper.
 */
static void cfs_expect_clean(struct kunit *test)
{
	struct cfs_ctx *ctx = test->priv;
	int i;

	for (i = 0; i < 200; i++) {
		flush_delayed_fput();
		if (atomic_read(&core_cfs_nr_objs) == ctx->objs)
			break;
		msleep(20);
	}
	KUNIT_EXPECT_EQ(test, atomic_read(&core_cfs_nr_objs), ctx->objs);
	KUNIT_EXPECT_EQ(test, atomic_read(&cfs_nr_disks), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&cfs_nr_tgts), 0);
}

static int cfs_suite_init(struct kunit_suite *suite)
{
	struct file_system_type *fs;
	int ret;

	ret = scst_bus_register(&cfs_disk_ep);
	if (ret)
		return ret;
	ret = scst_bus_register(&cfs_fabric_ep);
	if (ret)
		goto out_disk_ep;
	ret = scst_handler_register(&cfs_disk_ops);
	if (ret)
		goto out_fabric_ep;
	ret = scst_fabric_register(&cfs_fabric_ops);
	if (ret)
		goto out_handler;
	fs = get_fs_type("configfs");
	if (!fs) {
		ret = -ENODEV;
		goto out_fabric;
	}
	cfs_mnt = kern_mount(fs);
	module_put(fs->owner);
	if (IS_ERR(cfs_mnt)) {
		ret = PTR_ERR(cfs_mnt);
		goto out_fabric;
	}
	return 0;

out_fabric:
	scst_fabric_unregister(&cfs_fabric_ops);
out_handler:
	scst_handler_unregister(&cfs_disk_ops);
out_fabric_ep:
	scst_bus_unregister(&cfs_fabric_ep);
out_disk_ep:
	scst_bus_unregister(&cfs_disk_ep);
	return ret;
}

static void cfs_suite_exit(struct kunit_suite *suite)
{
	kern_unmount(cfs_mnt);
	scst_fabric_unregister(&cfs_fabric_ops);
	scst_handler_unregister(&cfs_disk_ops);
	scst_bus_unregister(&cfs_fabric_ep);
	scst_bus_unregister(&cfs_disk_ep);
}

/* ------------------------------------------------------------------ */
/* Cases */

/* The tree's fixed part, and the handler's and fabric's directories */
static void cfs_test_root(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, cfs_exists("scst/handlers"));
	KUNIT_EXPECT_TRUE(test, cfs_exists("scst/targets"));
	KUNIT_EXPECT_TRUE(test, cfs_exists(H));
	KUNIT_EXPECT_TRUE(test, cfs_exists(F));
	/* Only handlers and fabrics make these */
	KUNIT_EXPECT_EQ(test, cfs_mkdir("scst/handlers/nope"), -EPERM);
	KUNIT_EXPECT_EQ(test, cfs_mkdir("scst/targets/nope"), -EPERM);
	cfs_expect_clean(test);
}

/* mkdir, attributes, enable as the commit point, rmdir */
static void cfs_test_dev_lifecycle(struct kunit *test)
{
	struct core_dev *cdev;

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/disk1"), 0);
	cdev = cfs_dev_find("disk1");
	KUNIT_ASSERT_NOT_NULL(test, cdev);
	KUNIT_EXPECT_PTR_EQ(test, scst_dev_from_item(cdev->dev.item),
			    &cdev->dev);
	KUNIT_EXPECT_EQ(test, atomic_read(&cfs_nr_disks), 1);
	/* Names are unique among all devices */
	KUNIT_EXPECT_EQ(test, cfs_mkdir(H "/disk1"), -EEXIST);

	cfs_expect_read(test, H "/disk1/type", "0\n");
	cfs_expect_read(test, H "/disk1/enable", "0\n");
	cfs_expect_read(test, H "/disk1/block_size", "0\n");
	cfs_expect_read(test, H "/disk1/size", "0\n");
	cfs_expect_read(test, H "/disk1/queue_depth", "64\n");

	/* Disabled: everything may change */
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/read_only", "1\n"), 0);
	KUNIT_EXPECT_TRUE(test, cdev->dev.read_only);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/filename", "/dev/null"), 0);
	cfs_expect_read(test, H "/disk1/filename", "/dev/null\n");
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/qerr", "3"), 0);
	KUNIT_EXPECT_EQ(test, cdev->dev.qerr, 3);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/queue_depth", "1024"), 0);
	KUNIT_EXPECT_EQ(test, cdev->dev.queue_depth, 1024);

	/* A handler that fails to open leaves it disabled and removable */
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/filename", "fail"), 0);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "1"), -EIO);
	KUNIT_EXPECT_FALSE(test, cdev->enabled);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/filename", "/dev/zero"), 0);

	/* Enable commits; the handler's geometry shows */
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "1\n"), 0);
	KUNIT_EXPECT_TRUE(test, cdev->enabled);
	cfs_expect_read(test, H "/disk1/enable", "1\n");
	cfs_expect_read(test, H "/disk1/block_size", "512\n");
	cfs_expect_read(test, H "/disk1/size", "1048576\n");
	/* Enabling twice is no change */
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "1"), 0);
	KUNIT_EXPECT_EQ(test,
			((struct cfs_disk *)cdev->dev.handler_priv)->enables,
			1);

	/* Enabled: unsafe changes are refused, mode page fields are not */
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/read_only", "0"), -EBUSY);
	KUNIT_EXPECT_TRUE(test, cdev->dev.read_only);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/filename", "x"), -EBUSY);
	cfs_expect_read(test, H "/disk1/filename", "/dev/zero\n");
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/d_sense", "1"), 0);
	KUNIT_EXPECT_TRUE(test, cdev->dev.d_sense);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/tas", "1"), 0);
	KUNIT_EXPECT_TRUE(test, cdev->dev.tas);
	/* ... and so is rmdir: an enabled device is pinned */
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk1"), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, cfs_dev_find("disk1"), cdev);

	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "0"), 0);
	KUNIT_EXPECT_FALSE(test, cdev->enabled);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/read_only", "0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk1"), 0);
	KUNIT_EXPECT_NULL(test, cfs_dev_find("disk1"));
	KUNIT_EXPECT_FALSE(test, cfs_exists(H "/disk1"));
	cfs_expect_clean(test);
}

struct cfs_bad_write {
	const char *name;
	const char *attr;
	const char *val;
	int err;
};

static const struct cfs_bad_write cfs_bad_writes[] = {
	{ "enable 2", "enable", "2", -ERANGE },
	{ "enable yes", "enable", "yes", -EINVAL },
	{ "read_only -1", "read_only", "-1", -EINVAL },
	{ "d_sense 0x1", "d_sense", "0x1", -EINVAL },
	{ "tas 1 1", "tas", "1 1", -EINVAL },
	{ "qerr 2 reserved", "qerr", "2", -EINVAL },
	{ "qerr 4", "qerr", "4", -ERANGE },
	{ "queue_depth 0", "queue_depth", "0", -ERANGE },
	{ "queue_depth 1025", "queue_depth", "1025", -ERANGE },
	{ "queue_depth 2^64", "queue_depth", "18446744073709551616", -ERANGE },
	{ "type is read-only", "type", "0", -EACCES },
	{ "size is read-only", "size", "1", -EACCES },
};

static void cfs_bad_write_desc(const struct cfs_bad_write *t, char *desc)
{
	strscpy(desc, t->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(cfs_bad_write, cfs_bad_writes, cfs_bad_write_desc);

/* Bad values get an errno and change nothing */
static void cfs_test_dev_bad_write(struct kunit *test)
{
	const struct cfs_bad_write *t = test->param_value;
	char path[96], before[64], after[64];

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/bad"), 0);
	snprintf(path, sizeof(path), H "/bad/%s", t->attr);
	KUNIT_EXPECT_GE(test, cfs_read(path, before, sizeof(before)), 0);
	KUNIT_EXPECT_EQ(test, cfs_write(path, t->val), t->err);
	KUNIT_EXPECT_GE(test, cfs_read(path, after, sizeof(after)), 0);
	KUNIT_EXPECT_STREQ(test, after, before);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/bad"), 0);
	cfs_expect_clean(test);
}

/* Names the model refuses, and LUN directory names */
static void cfs_test_bad_names(struct kunit *test)
{
	char name[SCST_NAME_MAX + 32];

	memset(name, 0, sizeof(name));
	strcpy(name, H "/");
	memset(name + strlen(name), 'a', SCST_NAME_MAX);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(name), -EINVAL);

	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/t"), 0);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(F "/t/luns/07"), -EINVAL);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(F "/t/luns/x"), -EINVAL);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(F "/t/luns/16384"), -ERANGE);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(F "/t/luns/16383"), 0);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(F "/t/sessions/1"), -EPERM);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/t/luns/16383"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/t"), 0);
	cfs_expect_clean(test);
}

/* Targets, LUN links, and rmdir of a device a LUN uses */
static void cfs_test_tgt_luns(struct kunit *test)
{
	struct scst_tgt *tgt;
	struct core_dev *cdev;

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/disk1"), 0);
	cdev = cfs_dev_find("disk1");
	KUNIT_ASSERT_NOT_NULL(test, cdev);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/tgt1"), 0);
	tgt = cfs_tgt_find("tgt1");
	KUNIT_ASSERT_NOT_NULL(test, tgt);
	KUNIT_EXPECT_EQ(test, atomic_read(&cfs_nr_tgts), 1);
	KUNIT_EXPECT_TRUE(test, cfs_exists(F "/tgt1/luns"));
	KUNIT_EXPECT_TRUE(test, cfs_exists(F "/tgt1/ini_groups"));
	KUNIT_EXPECT_TRUE(test, cfs_exists(F "/tgt1/sessions"));
	cfs_expect_read(test, F "/tgt1/wwn", "wwn:tgt1\n");
	cfs_expect_read(test, F "/tgt1/enable", "0\n");

	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/rel_tgt_port_id", "0"),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/rel_tgt_port_id", "65536"),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/rel_tgt_port_id", "4242"), 0);
	cfs_expect_read(test, F "/tgt1/rel_tgt_port_id", "4242\n");
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/enable", "1"), 0);
	KUNIT_EXPECT_TRUE(test, tgt->enabled);
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/rel_tgt_port_id", "7"),
			-EBUSY);
	cfs_expect_read(test, F "/tgt1/rel_tgt_port_id", "4242\n");

	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/tgt1/luns/0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/luns/0/read_only", "1"), 0);
	/* Only device directories can be linked, and only enabled ones */
	KUNIT_EXPECT_EQ(test, cfs_symlink(F "/tgt1", F "/tgt1/luns/0/d"),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, cfs_symlink(H "/disk1", F "/tgt1/luns/0/d"),
			-ENODEV);
	KUNIT_EXPECT_NULL(test, cfs_lun_dev(tgt, "", 0));
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "1"), 0);
	KUNIT_EXPECT_EQ(test, cfs_symlink(H "/disk1", F "/tgt1/luns/0/d"), 0);
	KUNIT_EXPECT_PTR_EQ(test, cfs_lun_dev(tgt, "", 0), cdev);
	mutex_lock(&core_cfg_mutex);
	KUNIT_EXPECT_TRUE(test, core_lun_find(&tgt->default_acg, 0)->read_only);
	mutex_unlock(&core_cfg_mutex);
	/* One device per LUN; read_only is fixed while linked */
	KUNIT_EXPECT_EQ(test, cfs_symlink(H "/disk1", F "/tgt1/luns/0/e"),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/luns/0/read_only", "0"),
			-EBUSY);

	/* The device in use: no disable, no rmdir, no dangling LUN */
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "0"), -EBUSY);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk1"), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, cfs_dev_find("disk1"), cdev);
	/* ... nor rmdir of the LUN slot holding the link, or the target */
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt1/luns/0"), -ENOTEMPTY);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt1"), -ENOTEMPTY);

	/* Unlinking unmaps */
	KUNIT_EXPECT_EQ(test, cfs_unlink(F "/tgt1/luns/0/d"), 0);
	KUNIT_EXPECT_NULL(test, cfs_lun_dev(tgt, "", 0));
	KUNIT_EXPECT_EQ(test, cdev->nr_luns, 0);
	KUNIT_EXPECT_EQ(test, cfs_write(F "/tgt1/luns/0/read_only", "0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt1/luns/0"), 0);

	/* rmdir of an enabled target with no sessions removes it */
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt1"), 0);
	KUNIT_EXPECT_NULL(test, cfs_tgt_find("tgt1"));
	KUNIT_EXPECT_TRUE(test, cfs_wait(&cfs_tgt_gone, 1));
	atomic_set(&cfs_tgt_gone, 0);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk1/enable", "0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk1"), 0);
	cfs_expect_clean(test);
}

#define G	F "/tgt2/ini_groups/hosts"
#define IQN	"iqn.1993-08.org.debian:01:*"

/* Initiator groups: patterns, their own LUNs */
static void cfs_test_ini_groups(struct kunit *test)
{
	struct scst_tgt *tgt;
	struct scst_acg *acg;
	struct core_ini *ini;
	int nr_inis = 0;

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/disk2"), 0);
	KUNIT_ASSERT_EQ(test, cfs_write(H "/disk2/enable", "1"), 0);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/tgt2"), 0);
	tgt = cfs_tgt_find("tgt2");
	KUNIT_ASSERT_NOT_NULL(test, tgt);

	KUNIT_ASSERT_EQ(test, cfs_mkdir(G), 0);
	KUNIT_EXPECT_TRUE(test, cfs_exists(G "/initiators"));
	KUNIT_EXPECT_EQ(test, cfs_mkdir(G "/initiators/" IQN), 0);
	KUNIT_EXPECT_EQ(test, cfs_mkdir(G "/initiators/host?"), 0);
	/* One name in two groups is refused */
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/tgt2/ini_groups/other"), 0);
	KUNIT_EXPECT_EQ(test,
			cfs_mkdir(F "/tgt2/ini_groups/other/initiators/host?"),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt2/ini_groups/other"), 0);

	mutex_lock(&core_cfg_mutex);
	acg = core_acg_find(tgt, "hosts");
	KUNIT_EXPECT_NOT_NULL(test, acg);
	if (acg)
		list_for_each_entry(ini, &acg->inis, node)
			nr_inis++;
	KUNIT_EXPECT_PTR_EQ(test, core_acg_for_initiator(tgt, "host7"), acg);
	KUNIT_EXPECT_PTR_EQ(test, core_acg_for_initiator(tgt, "host77"),
			    &tgt->default_acg);
	KUNIT_EXPECT_NULL(test, core_acg_find(tgt, "other"));
	mutex_unlock(&core_cfg_mutex);
	KUNIT_EXPECT_EQ(test, nr_inis, 2);

	KUNIT_ASSERT_EQ(test, cfs_mkdir(G "/luns/5"), 0);
	KUNIT_EXPECT_EQ(test, cfs_symlink(H "/disk2", G "/luns/5/lun"), 0);
	KUNIT_EXPECT_PTR_EQ(test, cfs_lun_dev(tgt, "hosts", 5),
			    cfs_dev_find("disk2"));
	KUNIT_EXPECT_NULL(test, cfs_lun_dev(tgt, "", 5));
	KUNIT_EXPECT_EQ(test, cfs_rmdir(G), -ENOTEMPTY);

	KUNIT_EXPECT_EQ(test, cfs_unlink(G "/luns/5/lun"), 0);
	KUNIT_EXPECT_NULL(test, cfs_lun_dev(tgt, "hosts", 5));
	KUNIT_EXPECT_EQ(test, cfs_rmdir(G "/luns/5"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(G "/initiators/host?"), 0);
	mutex_lock(&core_cfg_mutex);
	KUNIT_EXPECT_PTR_EQ(test, core_acg_for_initiator(tgt, "host7"),
			    &tgt->default_acg);
	mutex_unlock(&core_cfg_mutex);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(G "/initiators/" IQN), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(G), 0);
	mutex_lock(&core_cfg_mutex);
	KUNIT_EXPECT_NULL(test, core_acg_find(tgt, "hosts"));
	mutex_unlock(&core_cfg_mutex);

	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt2"), 0);
	KUNIT_EXPECT_TRUE(test, cfs_wait(&cfs_tgt_gone, 1));
	atomic_set(&cfs_tgt_gone, 0);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk2/enable", "0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk2"), 0);
	cfs_expect_clean(test);
}

/* sessions/<id> comes and goes with the session, and pins the target */
static void cfs_test_sessions(struct kunit *test)
{
	static const u8 tid[] = { 0x05, 0x00, 0x00, 0x0c, 'i', 'q', 'n', '.',
				  'x', ':', 'a', 0 };
	struct scst_session *sess;
	struct scst_tgt *tgt;
	char dir[96], path[128], buf[128];

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/disk3"), 0);
	KUNIT_ASSERT_EQ(test, cfs_write(H "/disk3/enable", "1"), 0);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/tgt3"), 0);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/tgt3/luns/2"), 0);
	KUNIT_ASSERT_EQ(test, cfs_write(F "/tgt3/luns/2/read_only", "1"), 0);
	KUNIT_ASSERT_EQ(test, cfs_symlink(H "/disk3", F "/tgt3/luns/2/x"), 0);
	tgt = cfs_tgt_find("tgt3");
	KUNIT_ASSERT_NOT_NULL(test, tgt);

	/* Disabled targets take no sessions */
	sess = scst_sess_register(tgt, "iqn.x:a", tid, sizeof(tid), NULL);
	KUNIT_EXPECT_EQ(test, PTR_ERR_OR_ZERO(sess), -EACCES);
	KUNIT_ASSERT_EQ(test, cfs_write(F "/tgt3/enable", "1"), 0);
	sess = scst_sess_register(tgt, "iqn.x:a", tid, sizeof(tid), NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sess);

	snprintf(dir, sizeof(dir), F "/tgt3/sessions/%llu", sess->id);
	KUNIT_EXPECT_TRUE(test, cfs_exists(dir));
	snprintf(path, sizeof(path), "%s/initiator", dir);
	cfs_expect_read(test, path, "iqn.x:a\n");
	snprintf(path, sizeof(path), "%s/transport_id", dir);
	cfs_expect_read(test, path, "0500000c69716e2e783a6100\n");
	snprintf(path, sizeof(path), "%s/group", dir);
	cfs_expect_read(test, path, "\n");
	snprintf(path, sizeof(path), "%s/luns", dir);
	cfs_expect_read(test, path, "2 disk3 ro\n");
	snprintf(path, sizeof(path), "%s/commands", dir);
	cfs_expect_read(test, path, "0\n");
	snprintf(path, sizeof(path), "%s/stats", dir);
	KUNIT_EXPECT_GT(test, cfs_read(path, buf, sizeof(buf)), 0);
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "cmds 0\n"));
	KUNIT_EXPECT_NOT_NULL(test, strstr(buf, "tmfs 0\n"));
	/* Read-only: no writes, no rmdir, no mkdir */
	snprintf(path, sizeof(path), "%s/initiator", dir);
	KUNIT_EXPECT_EQ(test, cfs_write(path, "x"), -EACCES);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(dir), -EPERM);
	/* The session pins its target */
	KUNIT_EXPECT_EQ(test, cfs_unlink(F "/tgt3/luns/2/x"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt3/luns/2"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt3"), -EBUSY);
	snprintf(path, sizeof(path), "%s/luns", dir);
	cfs_expect_read(test, path, "");

	scst_sess_unregister(sess);
	KUNIT_EXPECT_TRUE(test, cfs_wait(&cfs_sess_gone, 1));
	atomic_set(&cfs_sess_gone, 0);
	KUNIT_EXPECT_FALSE(test, cfs_exists(dir));

	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/tgt3"), 0);
	KUNIT_EXPECT_TRUE(test, cfs_wait(&cfs_tgt_gone, 1));
	atomic_set(&cfs_tgt_gone, 0);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk3/enable", "0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk3"), 0);
	cfs_expect_clean(test);
}

/*
 * A target the fabric made: it appears, rmdir is refused, and when the
 * fabric unregisters it, what user space made under it goes with it.
 */
static void cfs_test_fabric_made_target(struct kunit *test)
{
	struct scst_session *sess;
	struct core_cfs_tgt *tw;
	struct scst_tgt *tgt;
	struct core_dev *cdev;
	char dir[96];

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/disk4"), 0);
	KUNIT_ASSERT_EQ(test, cfs_write(H "/disk4/enable", "1"), 0);
	cdev = cfs_dev_find("disk4");
	KUNIT_ASSERT_NOT_NULL(test, cdev);

	tgt = scst_tgt_register(&cfs_fabric_ops, "port0", NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, tgt);
	KUNIT_EXPECT_EQ(test, atomic_read(&cfs_nr_tgts), 0);
	KUNIT_EXPECT_TRUE(test, cfs_exists(F "/port0"));
	tw = tgt->cfs;
	KUNIT_ASSERT_NOT_NULL(test, tw);
	KUNIT_EXPECT_PTR_EQ(test, scst_tgt_from_item(&tw->group.cg_item), tgt);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(F "/port0"), -EPERM);

	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/port0/luns/0"), 0);
	KUNIT_ASSERT_EQ(test, cfs_symlink(H "/disk4", F "/port0/luns/0/lun0"),
			0);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/port0/ini_groups/g"), 0);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/port0/ini_groups/g/initiators/i*"),
			0);
	KUNIT_ASSERT_EQ(test, cfs_mkdir(F "/port0/ini_groups/g/luns/1"), 0);
	KUNIT_ASSERT_EQ(test,
			cfs_symlink(H "/disk4", F "/port0/ini_groups/g/luns/1/l"),
			0);
	KUNIT_EXPECT_EQ(test, cdev->nr_luns, 2);
	KUNIT_ASSERT_EQ(test, cfs_write(F "/port0/enable", "1"), 0);
	sess = scst_sess_register(tgt, "ini0", NULL, 0, NULL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, sess);
	snprintf(dir, sizeof(dir), F "/port0/sessions/%llu/group", sess->id);
	cfs_expect_read(test, dir, "g\n");

	scst_tgt_unregister(tgt);
	KUNIT_EXPECT_FALSE(test, cfs_exists(F "/port0"));
	KUNIT_EXPECT_TRUE(test, cfs_wait(&cfs_sess_gone, 1));
	KUNIT_EXPECT_TRUE(test, cfs_wait(&cfs_tgt_gone, 1));
	atomic_set(&cfs_sess_gone, 0);
	atomic_set(&cfs_tgt_gone, 0);
	KUNIT_EXPECT_EQ(test, cdev->nr_luns, 0);
	KUNIT_EXPECT_EQ(test, cfs_write(H "/disk4/enable", "0"), 0);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk4"), 0);
	cfs_expect_clean(test);
}

/* An attribute file held open across rmdir: no use after free, no leak */
static void cfs_test_open_file_outlives_dir(struct kunit *test)
{
	struct file *f;
	char buf[16];
	loff_t pos = 0;

	KUNIT_ASSERT_EQ(test, cfs_mkdir(H "/disk5"), 0);
	f = filp_open(H "/disk5/queue_depth", O_RDONLY, 0);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, f);
	KUNIT_EXPECT_EQ(test, cfs_rmdir(H "/disk5"), 0);
	KUNIT_EXPECT_NULL(test, cfs_dev_find("disk5"));
	/*
	 * The directory is dead: its attributes answer no more, so the
	 * device's wrapper is already freed (configfs keeps no reference
	 * for an open file); KASAN would catch a read of it.
	 */
	KUNIT_EXPECT_LT(test, kernel_read(f, buf, sizeof(buf), &pos), 0);
	KUNIT_EXPECT_EQ(test, atomic_read(&core_cfs_nr_objs),
			((struct cfs_ctx *)test->priv)->objs);
	filp_close(f, NULL);
	cfs_expect_clean(test);
}

static struct kunit_case cfs_test_cases[] = {
	KUNIT_CASE(cfs_test_root),
	KUNIT_CASE(cfs_test_dev_lifecycle),
	KUNIT_CASE_PARAM(cfs_test_dev_bad_write, cfs_bad_write_gen_params),
	KUNIT_CASE(cfs_test_bad_names),
	KUNIT_CASE(cfs_test_tgt_luns),
	KUNIT_CASE(cfs_test_ini_groups),
	KUNIT_CASE(cfs_test_sessions),
	KUNIT_CASE(cfs_test_fabric_made_target),
	KUNIT_CASE(cfs_test_open_file_outlives_dir),
	{}
};

static struct kunit_suite cfs_test_suite = {
	.name		= "scst_core_configfs",
	.suite_init	= cfs_suite_init,
	.suite_exit	= cfs_suite_exit,
	.init		= cfs_test_init,
	.test_cases	= cfs_test_cases,
};

kunit_test_suite(cfs_test_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
