// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG local fabric: follow the session's LUN set. When a LUN is mapped
 * or unmapped the core sends SESS_LUNS_CHANGED (besides queuing REPORTED
 * LUNS DATA HAS CHANGED); a work item then asks scst_sess_luns() and adds
 * an sd device for each new LUN and removes the devices of vanished ones,
 * as an administrator's rescan would, without waiting for a command to
 * meet the unit attention.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bsearch.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <scsi/scsi_device.h>
#include "local.h"

/* The midlayer's LUN number for a core LUN (peripheral or flat address) */
static u64 local_scsi_lun(u64 lun)
{
	struct scsi_lun sam;

	scst_lun_to_sam(lun, sam.scsi_lun);
	return scsilun_to_int(&sam);
}

static int local_lun_cmp(const void *key, const void *elt)
{
	u64 a = *(const u64 *)key, b = *(const u64 *)elt;

	return a < b ? -1 : a > b;
}

void local_lun_work_fn(struct work_struct *work)
{
	struct local_host *lh = container_of(work, struct local_host, lun_work);
	struct Scsi_Host *shost = lh->shost;
	struct scsi_device *sdev;
	unsigned int nr, i;
	u64 *luns;
	int ret;

	luns = kvmalloc_array(SCST_LUN_MAX + 1, sizeof(*luns), GFP_KERNEL);
	if (!luns)
		return;
	ret = scst_sess_luns(lh->sess, luns, SCST_LUN_MAX + 1);
	nr = min_t(unsigned int, max(ret, 0), SCST_LUN_MAX + 1);

	/* Vanished LUNs first: their numbers may come back as other devices. */
	shost_for_each_device(sdev, shost) {
		u64 lun = sdev->lun;
		struct scsi_lun sam;

		if (lun >= 256) {
			int_to_scsilun(lun, &sam);
			lun = scst_lun_from_sam(sam.scsi_lun);
		}
		if (bsearch(&lun, luns, nr, sizeof(*luns), local_lun_cmp))
			continue;
		sdev_printk(KERN_INFO, sdev, "LUN %llu unmapped: removing it\n",
			    lun);
		scsi_remove_device(sdev);
	}

	for (i = 0; i < nr; i++) {
		u64 slun = local_scsi_lun(luns[i]);

		sdev = scsi_device_lookup(shost, 0, 0, slun);
		if (sdev) {
			scsi_device_put(sdev);
			continue;
		}
		ret = scsi_add_device(shost, 0, 0, slun);
		if (ret)
			pr_err("host%u: LUN %llu mapped, but adding its device failed: %d\n",
			       shost->host_no, luns[i], ret);
	}
	kvfree(luns);
}

/*
 * SESS_LUNS_CHANGED names a session by the fabric_priv we registered it
 * with (the host); it may come after the host is gone, so it is matched
 * against the live hosts first.
 */
void local_on_luns_changed(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct local_host *lh = msg->sess.fabric_priv;
	unsigned long flags;

	spin_lock_irqsave(&local_hosts_lock, flags);
	if (local_host_live(lh) && lh->accept_luns)
		queue_work(system_long_wq, &lh->lun_work);
	spin_unlock_irqrestore(&local_hosts_lock, flags);
}
