// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the handlers' device attributes, in
 * /sys/kernel/config/scst/handlers/<handler>/<device>/ next to the core's
 * (type, read_only, d_sense, tas, qerr, queue_depth, and block_size, which
 * shows the block size of an enabled device).
 *
 *   filename          fileio, blockio, vcdrom: absolute path of the store;
 *                     vcdrom: may change while enabled (a media change),
 *                     empty means no medium
 *   size              nullio, fileio, blockio: bytes, with an optional
 *                     K, M, G or T suffix (powers of 1024); rounded down to
 *                     whole blocks at enable. nullio: its size (default
 *                     1 TiB); fileio and blockio: 0 (default) exports the
 *                     whole store, a smaller value only its start, a
 *                     larger one grows a file. Written while enabled it
 *                     resizes the device (nullio, fileio) and raises
 *                     CAPACITY DATA HAS CHANGED. Shows the size in effect
 *                     while enabled, the value set while disabled. It
 *                     replaces the core's read-only size.
 *   blocksize         512 or 4096 (vcdrom: always 2048)
 *   nv_cache, write_through, o_direct (fileio), thin_provisioned,
 *   rotational, removable, read_zero (nullio, may change while enabled):
 *                     0 or 1
 *   t10_vend_id (8), prod_id (16), prod_rev (4), t10_dev_id (64), usn (32):
 *                     printable ASCII, at most that many characters
 *   naa_id            16 hex digits starting with 3 (locally assigned) or
 *                     5 (IEEE registered), or 32 starting with 6 (IEEE
 *                     registered extended)
 *
 * Everything else changes only while the device is disabled: the store is
 * opened with them and initiators cache what INQUIRY said. A bad value
 * fails with EINVAL and one rate-limited log line; a change refused
 * because the device is enabled fails with EBUSY (the core logs it).
 */
#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/limits.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include "vdisk.h"
#include "handlers.h"

#define vdisk_cfs_warn(item, attr, fmt, ...)				\
	pr_warn_ratelimited(VDISK_NAME ": device %s: %s: " fmt,			\
			    config_item_name(item), attr, ##__VA_ARGS__)

/* The largest size: a loff_t */
#define VDISK_MAX_SIZE		((u64)LLONG_MAX)

static struct vdisk_dev *vdisk_cfs_dev(struct config_item *item)
{
	struct scst_device *dev = scst_dev_from_item(item);

	return dev ? dev->handler_priv : NULL;
}

/* Strip the newline echo(1) adds; refuse anything else unprintable. */
static int vdisk_cfs_string(const char *page, size_t count, char *out,
			    size_t size, bool may_be_empty)
{
	size_t len = strnlen(page, count);
	size_t i;

	if (len && page[len - 1] == '\n')
		len--;
	if ((!len && !may_be_empty) || len >= size)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (page[i] < 0x20 || page[i] > 0x7e)
			return -EINVAL;
	memcpy(out, page, len);
	out[len] = '\0';
	return 0;
}

static int vdisk_cfs_bool(const char *page, bool *val)
{
	u8 v;
	int ret = kstrtou8(page, 10, &v);

	if (ret || v > 1)
		return -EINVAL;
	*val = v;
	return 0;
}

/* A change made while the device is disabled (scst_dev_change_disabled()) */
struct vdisk_change {
	size_t off;		/* of the field in struct vdisk_dev */
	size_t size;		/* bytes to copy from @val */
	const void *val;
};

static int vdisk_apply_change(struct scst_device *dev, const void *arg)
{
	const struct vdisk_change *c = arg;
	struct vdisk_dev *vd = dev->handler_priv;

	mutex_lock(&vdisk_cfg_mutex);
	memcpy((u8 *)vd + c->off, c->val, c->size);
	mutex_unlock(&vdisk_cfg_mutex);
	return 0;
}

static ssize_t vdisk_change_disabled(struct config_item *item,
				     const char *attr, size_t off,
				     const void *val, size_t size,
				     size_t count)
{
	struct scst_device *dev = scst_dev_from_item(item);
	struct vdisk_change c = { .off = off, .size = size, .val = val };
	int ret;

	if (!dev)
		return -ENODEV;
	ret = scst_dev_change_disabled(dev, attr, vdisk_apply_change, &c);
	return ret ?: count;
}

/* ------------------------------------------------------------------ */
/* 0-or-1 attributes */

static ssize_t vdisk_bool_show(struct config_item *item, char *page,
			       size_t off)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);

	if (!vd)
		return -ENODEV;
	return sysfs_emit(page, "%d\n", READ_ONCE(*(bool *)((u8 *)vd + off)));
}

static ssize_t vdisk_bool_store(struct config_item *item, const char *page,
				size_t count, const char *attr, size_t off)
{
	bool val;

	if (vdisk_cfs_bool(page, &val)) {
		vdisk_cfs_warn(item, attr, "bad value, want 0 or 1\n");
		return -EINVAL;
	}
	return vdisk_change_disabled(item, attr, off, &val, sizeof(val),
				     count);
}

/*
 * One attribute per field; the offset is kept in a constant so that the
 * macro names the field once (checkpatch: no macro argument reuse).
 */
#define VDISK_BOOL_ATTR(_name)						\
static const size_t vdisk_##_name##_off = offsetof(struct vdisk_dev, _name); \
static ssize_t vdisk_##_name##_show(struct config_item *item, char *page) \
{									\
	return vdisk_bool_show(item, page, vdisk_##_name##_off);	\
}									\
static ssize_t vdisk_##_name##_store(struct config_item *item,		\
				     const char *page, size_t count)	\
{									\
	return vdisk_bool_store(item, page, count, #_name,		\
				vdisk_##_name##_off);			\
}									\
static struct configfs_attribute vdisk_attr_##_name = {			\
	.ca_name	= #_name,					\
	.ca_mode	= 0644,						\
	.ca_owner	= THIS_MODULE,					\
	.show		= vdisk_##_name##_show,				\
	.store		= vdisk_##_name##_store,			\
}

VDISK_BOOL_ATTR(nv_cache);
VDISK_BOOL_ATTR(write_through);
VDISK_BOOL_ATTR(o_direct);
VDISK_BOOL_ATTR(thin_provisioned);
VDISK_BOOL_ATTR(rotational);
VDISK_BOOL_ATTR(removable);

/* nullio reads it per command: safe to change at any time. */
static ssize_t vdisk_read_zero_show(struct config_item *item, char *page)
{
	return vdisk_bool_show(item, page,
			       offsetof(struct vdisk_dev, read_zero));
}

static ssize_t vdisk_read_zero_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);
	bool val;

	if (!vd)
		return -ENODEV;
	if (vdisk_cfs_bool(page, &val)) {
		vdisk_cfs_warn(item, "read_zero", "bad value, want 0 or 1\n");
		return -EINVAL;
	}
	WRITE_ONCE(vd->read_zero, val);
	return count;
}
CONFIGFS_ATTR(vdisk_, read_zero);

/* ------------------------------------------------------------------ */
/* Identification strings */

static ssize_t vdisk_str_show(struct config_item *item, char *page,
			      size_t off)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);
	ssize_t ret;

	if (!vd)
		return -ENODEV;
	mutex_lock(&vdisk_cfg_mutex);
	ret = sysfs_emit(page, "%s\n", (char *)vd + off);
	mutex_unlock(&vdisk_cfg_mutex);
	return ret;
}

static ssize_t vdisk_str_store(struct config_item *item, const char *page,
			       size_t count, const char *attr, size_t off,
			       size_t size)
{
	char buf[VDISK_DEV_ID_LEN];

	if (vdisk_cfs_string(page, count, buf, size, false)) {
		vdisk_cfs_warn(item, attr, "want 1 to %zu printable ASCII characters\n",
			       size - 1);
		return -EINVAL;
	}
	return vdisk_change_disabled(item, attr, off, buf, size, count);
}

/* The same for strings of @_size bytes; checked against the fields below. */
#define VDISK_STR_ATTR(_name, _size)					\
static const size_t vdisk_##_name##_off = offsetof(struct vdisk_dev, _name); \
static ssize_t vdisk_##_name##_show(struct config_item *item, char *page) \
{									\
	return vdisk_str_show(item, page, vdisk_##_name##_off);	\
}									\
static ssize_t vdisk_##_name##_store(struct config_item *item,		\
				     const char *page, size_t count)	\
{									\
	return vdisk_str_store(item, page, count, #_name,		\
			       vdisk_##_name##_off,			\
			       _size);					\
}									\
static struct configfs_attribute vdisk_attr_##_name = {			\
	.ca_name	= #_name,					\
	.ca_mode	= 0644,						\
	.ca_owner	= THIS_MODULE,					\
	.show		= vdisk_##_name##_show,				\
	.store		= vdisk_##_name##_store,			\
}

VDISK_STR_ATTR(t10_vend_id, VDISK_VEND_ID_LEN);
VDISK_STR_ATTR(prod_id, VDISK_PROD_ID_LEN);
VDISK_STR_ATTR(prod_rev, VDISK_PROD_REV_LEN);
VDISK_STR_ATTR(t10_dev_id, VDISK_DEV_ID_LEN);
VDISK_STR_ATTR(usn, VDISK_USN_LEN);
static_assert(sizeof_field(struct vdisk_dev, t10_vend_id) == VDISK_VEND_ID_LEN);
static_assert(sizeof_field(struct vdisk_dev, prod_id) == VDISK_PROD_ID_LEN);
static_assert(sizeof_field(struct vdisk_dev, prod_rev) == VDISK_PROD_REV_LEN);
static_assert(sizeof_field(struct vdisk_dev, t10_dev_id) == VDISK_DEV_ID_LEN);
static_assert(sizeof_field(struct vdisk_dev, usn) == VDISK_USN_LEN);

static ssize_t vdisk_naa_id_show(struct config_item *item, char *page)
{
	return vdisk_str_show(item, page, offsetof(struct vdisk_dev, naa_id));
}

static ssize_t vdisk_naa_id_store(struct config_item *item, const char *page,
				  size_t count)
{
	char buf[VDISK_NAA_ID_LEN];
	size_t len, i;

	if (vdisk_cfs_string(page, count, buf, sizeof(buf), false))
		goto bad;
	len = strlen(buf);
	for (i = 0; i < len; i++) {
		if (!isxdigit(buf[i]))
			goto bad;
		buf[i] = tolower(buf[i]);
	}
	if (!(len == 16 && (buf[0] == '3' || buf[0] == '5')) &&
	    !(len == 32 && buf[0] == '6'))
		goto bad;
	return vdisk_change_disabled(item, "naa_id",
				     offsetof(struct vdisk_dev, naa_id), buf,
				     sizeof(buf), count);
bad:
	vdisk_cfs_warn(item, "naa_id", "want 16 hex digits from 3 or 5, or 32 from 6\n");
	return -EINVAL;
}
CONFIGFS_ATTR(vdisk_, naa_id);

/* ------------------------------------------------------------------ */
/* blocksize, size */

static ssize_t vdisk_blocksize_show(struct config_item *item, char *page)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);

	if (!vd)
		return -ENODEV;
	return sysfs_emit(page, "%u\n", READ_ONCE(vd->blocksize));
}

static ssize_t vdisk_blocksize_store(struct config_item *item,
				     const char *page, size_t count)
{
	u32 val;

	if (kstrtou32(page, 10, &val) || (val != 512 && val != 4096)) {
		vdisk_cfs_warn(item, "blocksize", "bad value, want 512 or 4096\n");
		return -EINVAL;
	}
	return vdisk_change_disabled(item, "blocksize",
				     offsetof(struct vdisk_dev, blocksize),
				     &val, sizeof(val), count);
}
CONFIGFS_ATTR(vdisk_, blocksize);

static ssize_t vdisk_size_show(struct config_item *item, char *page)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);
	u64 size;

	if (!vd)
		return -ENODEV;
	mutex_lock(&vdisk_cfg_mutex);
	if (vd->enabled)
		size = READ_ONCE(vd->dev->nr_blocks) << vd->dev->block_shift;
	else
		size = vd->size;
	mutex_unlock(&vdisk_cfg_mutex);
	return sysfs_emit(page, "%llu\n", size);
}

/* Resize an enabled device; vdisk_cfg_mutex held. */
static int vdisk_resize(struct vdisk_dev *vd, u64 bytes)
{
	int ret;

	lockdep_assert_held(&vdisk_cfg_mutex);
	if (!vd->be->resize) {
		vdisk_err(vd, "size: a block device's size is its own; disable the device to export less of it\n");
		return -EBUSY;
	}
	bytes = round_down(bytes, vd->blocksize);
	if (!bytes) {
		vdisk_err(vd, "size: less than one block cannot be set while enabled\n");
		return -EINVAL;
	}
	ret = vd->be->resize(vd, bytes);
	if (ret) {
		vdisk_err(vd, "size: resizing to %llu bytes failed: %d\n",
			  bytes, ret);
		return ret;
	}
	vd->size = bytes;
	vd->store_size = bytes;
	scst_dev_set_capacity(vd->dev, bytes >> vd->dev->block_shift);
	vdisk_info(vd, "resized to %llu bytes\n", bytes);
	return 0;
}

/* Bytes, with an optional K, M, G or T suffix (powers of 1024) */
static int vdisk_parse_size(const char *page, u64 *size)
{
	size_t n = strspn(page, "0123456789");
	const char *p = page + n;
	unsigned int shift = 0;
	char digits[24];
	u64 val;

	if (!n || n >= sizeof(digits))
		return -EINVAL;
	memcpy(digits, page, n);
	digits[n] = '\0';
	if (kstrtou64(digits, 10, &val))
		return -EINVAL;
	switch (*p) {
	case 'T': case 't':
		shift += 10;
		fallthrough;
	case 'G': case 'g':
		shift += 10;
		fallthrough;
	case 'M': case 'm':
		shift += 10;
		fallthrough;
	case 'K': case 'k':
		shift += 10;
		p++;
		break;
	}
	if (*p == '\n')
		p++;
	if (*p || val > VDISK_MAX_SIZE >> shift)
		return -EINVAL;
	*size = val << shift;
	return 0;
}

static ssize_t vdisk_size_store(struct config_item *item, const char *page,
				size_t count)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);
	u64 size;
	int ret;

	if (!vd)
		return -ENODEV;
	if (vdisk_parse_size(page, &size) ||
	    (size < vd->blocksize && vd->kind == VDISK_NULLIO)) {
		vdisk_cfs_warn(item, "size", "bad value, want bytes (or K, M, G, T)%s\n",
			       vd->kind == VDISK_NULLIO ? ", at least one block" : "");
		return -EINVAL;
	}
	mutex_lock(&vdisk_cfg_mutex);
	if (vd->enabled) {
		ret = vdisk_resize(vd, size);
	} else {
		vd->size = size;
		ret = 0;
	}
	mutex_unlock(&vdisk_cfg_mutex);
	return ret ?: count;
}
CONFIGFS_ATTR(vdisk_, size);

/* ------------------------------------------------------------------ */
/* filename */

static ssize_t vdisk_filename_show(struct config_item *item, char *page)
{
	struct vdisk_dev *vd = vdisk_cfs_dev(item);
	ssize_t ret;

	if (!vd)
		return -ENODEV;
	mutex_lock(&vdisk_cfg_mutex);
	ret = sysfs_emit(page, "%s\n", vd->filename);
	mutex_unlock(&vdisk_cfg_mutex);
	return ret;
}

static int vdisk_set_filename(struct scst_device *dev, const void *arg)
{
	struct vdisk_dev *vd = dev->handler_priv;
	char *name = kstrdup(arg, GFP_KERNEL);

	if (!name)
		return -ENOMEM;
	mutex_lock(&vdisk_cfg_mutex);
	kfree(vd->filename);
	vd->filename = name;
	mutex_unlock(&vdisk_cfg_mutex);
	return 0;
}

static ssize_t vdisk_filename_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct scst_device *dev = scst_dev_from_item(item);
	struct vdisk_dev *vd = dev ? dev->handler_priv : NULL;
	bool cdrom;
	char *name;
	int ret;

	if (!vd)
		return -ENODEV;
	cdrom = vd->kind == VDISK_CDROM;
	name = kmalloc(PATH_MAX, GFP_KERNEL);
	if (!name)
		return -ENOMEM;
	ret = vdisk_cfs_string(page, count, name, PATH_MAX, cdrom);
	if (!ret && name[0] != '/' && !(cdrom && !name[0]))
		ret = -EINVAL;
	if (ret) {
		vdisk_cfs_warn(item, "filename", "want an absolute path%s\n",
			       cdrom ? ", or nothing to eject the medium" : "");
		goto out_free;
	}

	/* A CD's medium changes while it is enabled; nothing else does. */
	if (cdrom) {
		mutex_lock(&vdisk_cfg_mutex);
		if (vd->enabled) {
			ret = vdisk_cdrom_change_media(vd, name);
			mutex_unlock(&vdisk_cfg_mutex);
			goto out_free;
		}
		mutex_unlock(&vdisk_cfg_mutex);
	}
	ret = scst_dev_change_disabled(dev, "filename", vdisk_set_filename,
				       name);
out_free:
	kfree(name);
	return ret ?: count;
}
CONFIGFS_ATTR(vdisk_, filename);

/* ------------------------------------------------------------------ */

struct configfs_attribute *vdisk_nullio_attrs[] = {
	&vdisk_attr_size,
	&vdisk_attr_blocksize,
	&vdisk_attr_read_zero,
	&vdisk_attr_nv_cache,
	&vdisk_attr_write_through,
	&vdisk_attr_thin_provisioned,
	&vdisk_attr_rotational,
	&vdisk_attr_removable,
	&vdisk_attr_t10_vend_id,
	&vdisk_attr_prod_id,
	&vdisk_attr_prod_rev,
	&vdisk_attr_t10_dev_id,
	&vdisk_attr_usn,
	&vdisk_attr_naa_id,
	NULL,
};

struct configfs_attribute *vdisk_fileio_attrs[] = {
	&vdisk_attr_filename,
	&vdisk_attr_size,
	&vdisk_attr_blocksize,
	&vdisk_attr_nv_cache,
	&vdisk_attr_write_through,
	&vdisk_attr_o_direct,
	&vdisk_attr_thin_provisioned,
	&vdisk_attr_rotational,
	&vdisk_attr_removable,
	&vdisk_attr_t10_vend_id,
	&vdisk_attr_prod_id,
	&vdisk_attr_prod_rev,
	&vdisk_attr_t10_dev_id,
	&vdisk_attr_usn,
	&vdisk_attr_naa_id,
	NULL,
};

struct configfs_attribute *vdisk_blockio_attrs[] = {
	&vdisk_attr_filename,
	&vdisk_attr_size,
	&vdisk_attr_blocksize,
	&vdisk_attr_nv_cache,
	&vdisk_attr_write_through,
	&vdisk_attr_thin_provisioned,
	&vdisk_attr_rotational,
	&vdisk_attr_removable,
	&vdisk_attr_t10_vend_id,
	&vdisk_attr_prod_id,
	&vdisk_attr_prod_rev,
	&vdisk_attr_t10_dev_id,
	&vdisk_attr_usn,
	&vdisk_attr_naa_id,
	NULL,
};

struct configfs_attribute *vdisk_cdrom_attrs[] = {
	&vdisk_attr_filename,
	&vdisk_attr_t10_vend_id,
	&vdisk_attr_prod_id,
	&vdisk_attr_prod_rev,
	&vdisk_attr_t10_dev_id,
	&vdisk_attr_usn,
	&vdisk_attr_naa_id,
	NULL,
};
