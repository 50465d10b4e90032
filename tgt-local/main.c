// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG local fabric: module parameters, the bus endpoint, the fabric's
 * targets and their configfs attributes, and enabling and disabling.
 *
 * mkdir targets/scst_local/<tgt> makes a target (local_add_target());
 * writing 1 to its `enable` registers one session with the target's
 * initiator name and adds a SCSI host whose LUNs the midlayer scans;
 * writing 0 removes the host (the midlayer waits for its commands) and
 * unregisters the session, waiting (bounded) for SESS_GONE.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/crc32.h>
#include <linux/ctype.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>
#include <asm/unaligned.h>
#include "local.h"

unsigned int local_tmf_timeout_ms = 30000;
module_param_named(tmf_timeout_ms, local_tmf_timeout_ms, uint, 0644);
MODULE_PARM_DESC(tmf_timeout_ms, "bound on the wait for a task management response in the SCSI error handler (default 30000)");

unsigned int local_sess_gone_timeout_ms = 30000;
module_param_named(sess_gone_timeout_ms, local_sess_gone_timeout_ms, uint,
		   0644);
MODULE_PARM_DESC(sess_gone_timeout_ms, "bound on the wait for the core to release a disabled target's session (default 30000)");

unsigned int local_lun_queue_depth = 64;
module_param_named(lun_queue_depth, local_lun_queue_depth, uint, 0444);
MODULE_PARM_DESC(lun_queue_depth, "initial queue depth of each LUN (default 64, the core's device queue_depth)");

unsigned int local_nr_hw_queues;
module_param_named(nr_hw_queues, local_nr_hw_queues, uint, 0444);
MODULE_PARM_DESC(nr_hw_queues, "hardware queues per host (default 0: one per online CPU)");

DEFINE_SPINLOCK(local_hosts_lock);
/* Hosts whose session may still be named by the core (local_hosts_lock) */
static LIST_HEAD(local_hosts);

bool local_host_live(struct local_host *lh)
{
	struct local_host *pos;

	lockdep_assert_held(&local_hosts_lock);
	list_for_each_entry(pos, &local_hosts, node)
		if (pos == lh)
			return true;
	return false;
}

/* ------------------------------------------------------------------ */
/* The bus endpoint */

static void local_on_sess_gone(struct scst_endpoint *ep,
			       const struct scst_msg *msg)
{
	struct local_host *lh = msg->sess.fabric_priv;
	unsigned long flags;

	spin_lock_irqsave(&local_hosts_lock, flags);
	if (local_host_live(lh))
		complete(&lh->sess_gone);
	spin_unlock_irqrestore(&local_hosts_lock, flags);
}

/*
 * Nothing to do: TGT_GONE follows remove_target(), which already freed
 * our side; CMD_ABORT is a hint about a command we hold, and we hold none
 * beyond the handler that received it (CMD_XFER and CMD_RESPOND are
 * answered at once).
 */
static void local_on_notice(struct scst_endpoint *ep, const struct scst_msg *msg)
{
}

static const SCST_HANDLERS(local_handlers) = {
	[SCST_MSG_CMD_XFER]		= local_on_cmd_xfer,
	[SCST_MSG_CMD_RESPOND]		= local_on_cmd_respond,
	[SCST_MSG_CMD_ABORT]		= local_on_notice,
	[SCST_MSG_TMF_RESPOND]		= local_on_tmf_respond,
	[SCST_MSG_SESS_GONE]		= local_on_sess_gone,
	[SCST_MSG_TGT_GONE]		= local_on_notice,
	[SCST_MSG_SESS_LUNS_CHANGED]	= local_on_luns_changed,
};

static struct scst_endpoint local_ep = {
	.name		= "local",
	.id		= SCST_EP_LOCAL,
	.handlers	= SCST_EP_HANDLERS(local_handlers),
};

/* ------------------------------------------------------------------ */
/* Enabling: a session and a SCSI host */

/*
 * SPC-4 7.6.4.6: a SAS TransportID carries the initiator port's SAS
 * address. Ours is an NAA 5 name made from the initiator name, so that the
 * same name always gives the same address (persistent reservations key on
 * it) and different names differ.
 */
static void local_transport_id(const char *initiator, u8 *tid)
{
	u64 addr = (0x5ULL << 60) | ((u64)0x001405 << 36) |
		   crc32_le(~0, initiator, strlen(initiator));

	memset(tid, 0, LOCAL_TRANSPORT_ID_LEN);
	tid[0] = LOCAL_PROTOCOL_SAS;
	put_unaligned_be64(addr, &tid[4]);
}

static void local_hosts_del(struct local_host *lh)
{
	unsigned long flags;

	spin_lock_irqsave(&local_hosts_lock, flags);
	list_del_init(&lh->node);
	lh->accept_luns = false;
	spin_unlock_irqrestore(&local_hosts_lock, flags);
}

/* Unregister @lh's session and wait, bounded, for SESS_GONE. */
static bool local_sess_end(struct local_host *lh)
{
	unsigned long left;

	scst_sess_unregister(lh->sess);
	left = wait_for_completion_timeout(&lh->sess_gone,
					   msecs_to_jiffies(local_sess_gone_timeout_ms));
	local_hosts_del(lh);
	if (!left) {
		pr_err("%s: the core did not release session %s within %u ms (SESS_GONE); leaving its SCSI host host%u allocated\n",
		       scst_tgt_name(lh->lt->tgt), scst_sess_initiator(lh->sess),
		       local_sess_gone_timeout_ms, lh->shost->host_no);
		return false;
	}
	return true;
}

static int local_enable(struct local_tgt *lt)
{
	u8 tid[LOCAL_TRANSPORT_ID_LEN];
	struct scst_session *sess;
	struct local_host *lh;
	unsigned long flags;
	int ret;

	lockdep_assert_held(&lt->mutex);
	lh = local_host_alloc(lt);
	if (!lh)
		return -ENOMEM;
	/* On the list before the session exists: SESS_GONE must find it. */
	spin_lock_irqsave(&local_hosts_lock, flags);
	list_add_tail(&lh->node, &local_hosts);
	spin_unlock_irqrestore(&local_hosts_lock, flags);

	local_transport_id(lt->initiator, tid);
	sess = scst_sess_register(lt->tgt, lt->initiator, tid, sizeof(tid), lh);
	if (IS_ERR(sess)) {
		ret = PTR_ERR(sess);
		pr_err("%s: session of %s refused: %d\n",
		       scst_tgt_name(lt->tgt), lt->initiator, ret);
		goto out_put;
	}
	lh->sess = sess;

	ret = scsi_add_host(lh->shost, NULL);
	if (ret) {
		pr_err("%s: adding its SCSI host failed: %d\n",
		       scst_tgt_name(lt->tgt), ret);
		goto out_sess;
	}
	scsi_scan_host(lh->shost);

	spin_lock_irqsave(&local_hosts_lock, flags);
	lh->accept_luns = true;
	spin_unlock_irqrestore(&local_hosts_lock, flags);
	lt->host = lh;
	pr_info("%s: host%u, initiator %s\n", scst_tgt_name(lt->tgt),
		lh->shost->host_no, lt->initiator);
	return 0;

out_sess:
	if (!local_sess_end(lh))
		return ret;
	goto out_free;
out_put:
	local_hosts_del(lh);
out_free:
	scsi_host_put(lh->shost);
	return ret;
}

static void local_disable(struct local_tgt *lt)
{
	struct local_host *lh = lt->host;
	unsigned long flags;

	lockdep_assert_held(&lt->mutex);
	if (!lh)
		return;
	lt->host = NULL;

	spin_lock_irqsave(&local_hosts_lock, flags);
	lh->accept_luns = false;
	spin_unlock_irqrestore(&local_hosts_lock, flags);
	cancel_work_sync(&lh->lun_work);

	/* Removes every device; the midlayer waits for their commands. */
	scsi_remove_host(lh->shost);
	if (local_sess_end(lh))
		scsi_host_put(lh->shost);
	/*
	 * Else the core may still answer a command with a scsi_cmnd of the
	 * host's tag set: the host stays allocated, reported above.
	 */
}

static int local_enable_target(struct scst_tgt *tgt, bool enable)
{
	struct local_tgt *lt = scst_tgt_fabric_priv(tgt);
	int ret = 0;

	mutex_lock(&lt->mutex);
	if (enable && !lt->host)
		ret = local_enable(lt);
	else if (!enable)
		local_disable(lt);
	mutex_unlock(&lt->mutex);
	return ret;
}

static int local_add_target(struct scst_tgt *tgt)
{
	struct local_tgt *lt;

	lt = kzalloc(sizeof(*lt), GFP_KERNEL);
	if (!lt)
		return -ENOMEM;
	lt->tgt = tgt;
	mutex_init(&lt->mutex);
	snprintf(lt->initiator, sizeof(lt->initiator), "%s:%s", LOCAL_NAME,
		 scst_tgt_name(tgt));
	scst_tgt_set_fabric_priv(tgt, lt);
	return 0;
}

/* After the core disabled the target and unregistered its sessions. */
static void local_remove_target(struct scst_tgt *tgt)
{
	struct local_tgt *lt = scst_tgt_fabric_priv(tgt);

	scst_tgt_set_fabric_priv(tgt, NULL);
	mutex_destroy(&lt->mutex);
	kfree(lt);
}

/* ------------------------------------------------------------------ */
/* Target attributes */

static struct local_tgt *local_tgt_of(struct config_item *item)
{
	struct scst_tgt *tgt = scst_tgt_from_item(item);

	return tgt ? scst_tgt_fabric_priv(tgt) : NULL;
}

static ssize_t local_tgt_initiator_name_show(struct config_item *item,
					     char *page)
{
	struct local_tgt *lt = local_tgt_of(item);
	ssize_t ret;

	if (!lt)
		return -ENODEV;
	mutex_lock(&lt->mutex);
	ret = sysfs_emit(page, "%s\n", lt->initiator);
	mutex_unlock(&lt->mutex);
	return ret;
}

/* The session registers with it at enable: only while disabled. */
static ssize_t local_tgt_initiator_name_store(struct config_item *item,
					      const char *page, size_t count)
{
	struct local_tgt *lt = local_tgt_of(item);
	size_t len = count, i;
	int ret = count;

	if (!lt)
		return -ENODEV;
	if (len && page[len - 1] == '\n')
		len--;
	for (i = 0; i < len; i++)
		if (!isgraph(page[i]))
			break;
	if (!len || len >= SCST_NAME_MAX || i < len) {
		local_warn("%s: initiator_name: want 1 to %u printable characters without blanks\n",
			   config_item_name(item), SCST_NAME_MAX - 1);
		return -EINVAL;
	}
	mutex_lock(&lt->mutex);
	if (lt->host) {
		local_warn("%s: initiator_name cannot change while enabled\n",
			   config_item_name(item));
		ret = -EBUSY;
	} else {
		memcpy(lt->initiator, page, len);
		lt->initiator[len] = '\0';
	}
	mutex_unlock(&lt->mutex);
	return ret;
}

/* The SCSI host number while enabled (/sys/class/scsi_host/host<N>). */
static ssize_t local_tgt_scsi_host_show(struct config_item *item, char *page)
{
	struct local_tgt *lt = local_tgt_of(item);
	ssize_t ret;

	if (!lt)
		return -ENODEV;
	mutex_lock(&lt->mutex);
	if (lt->host)
		ret = sysfs_emit(page, "%u\n", lt->host->shost->host_no);
	else
		ret = sysfs_emit(page, "none\n");
	mutex_unlock(&lt->mutex);
	return ret;
}

CONFIGFS_ATTR(local_tgt_, initiator_name);
CONFIGFS_ATTR_RO(local_tgt_, scsi_host);

static struct configfs_attribute *local_tgt_attrs[] = {
	&local_tgt_attr_initiator_name,
	&local_tgt_attr_scsi_host,
	NULL,
};

static const struct scst_fabric_ops local_fabric_ops = {
	.name		= LOCAL_NAME,
	.owner		= THIS_MODULE,
	.ep		= SCST_EP_LOCAL,
	.protocol_id	= LOCAL_PROTOCOL_SAS,
	.add_target	= local_add_target,
	.remove_target	= local_remove_target,
	.enable_target	= local_enable_target,
	.tgt_attrs	= local_tgt_attrs,
};

static int __init local_init(void)
{
	int ret;

	ret = scst_bus_register(&local_ep);
	if (ret)
		return ret;
	ret = scst_fabric_register(&local_fabric_ops);
	if (ret)
		goto out_unregister_ep;
	return 0;

out_unregister_ep:
	scst_bus_unregister(&local_ep);
	return ret;
}

/*
 * Every target was made by configfs and pins this module, so none is
 * left; an open /dev/sdX pins it through its SCSI host.
 */
static void __exit local_exit(void)
{
	scst_fabric_unregister(&local_fabric_ops);
	if (scst_bus_unregister(&local_ep))
		pr_err("endpoint did not unregister cleanly; see the bus's report\n");
}

module_init(local_init);
module_exit(local_exit);

MODULE_DESCRIPTION("SCST-NG local target: a SCSI host on this machine");
MODULE_LICENSE("GPL");
