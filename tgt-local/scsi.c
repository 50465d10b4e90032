// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG local fabric: the SCSI host side. queuecommand() turns a
 * scsi_cmnd into an scst_cmd that uses the midlayer's own buffer and runs
 * the bus in the caller's context, so a synchronous device (nullio)
 * completes the command before queuecommand() returns: no context switch,
 * no copy, no lock of ours. The error handler's callbacks become task
 * management functions, each waited for with a bound.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk-mq.h>
#include <linux/cpumask.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <scsi/scsi.h>
#include <scsi/scsi_device.h>
#include <scsi/scsi_eh.h>
#include "local.h"

/* TMFs waiting for their response (local_hosts_lock) */
static LIST_HEAD(local_tmf_waits);

static u64 local_core_lun(const struct scsi_device *sdev)
{
	struct scsi_lun sam;

	/* Peripheral addressing: the midlayer's number is the LUN. */
	if (likely(sdev->lun < 256))
		return sdev->lun;
	int_to_scsilun(sdev->lun, &sam);
	return scst_lun_from_sam(sam.scsi_lun);
}

/* Copy @len bytes between two scatterlists; atomic mappings (bus handler). */
static void local_sg_copy(struct scatterlist *dst, unsigned int dst_cnt,
			  struct scatterlist *src, unsigned int src_cnt,
			  unsigned int len)
{
	struct sg_mapping_iter d, s;
	size_t d_off = 0, s_off = 0;

	sg_miter_start(&d, dst, dst_cnt, SG_MITER_ATOMIC | SG_MITER_TO_SG);
	sg_miter_start(&s, src, src_cnt, SG_MITER_ATOMIC | SG_MITER_FROM_SG);
	while (len) {
		size_t n;

		if (d_off == d.length) {
			if (!sg_miter_next(&d))
				break;
			d_off = 0;
		}
		if (s_off == s.length) {
			if (!sg_miter_next(&s))
				break;
			s_off = 0;
		}
		n = min3((size_t)len, d.length - d_off, s.length - s_off);
		memcpy(d.addr + d_off, s.addr + s_off, n);
		d_off += n;
		s_off += n;
		len -= n;
	}
	sg_miter_stop(&s);
	sg_miter_stop(&d);
}

static int local_queuecommand(struct Scsi_Host *shost, struct scsi_cmnd *scmd)
{
	struct local_host *lh = shost_priv(shost);
	struct local_cmd_priv *priv = scsi_cmd_priv(scmd);
	struct scst_cmd *cmd;
	unsigned int len = scsi_bufflen(scmd);

	cmd = scst_cmd_alloc(lh->sess, local_core_lun(scmd->device),
			     scmd->cmnd, scmd->cmd_len, GFP_ATOMIC);
	if (IS_ERR(cmd)) {
		if (PTR_ERR(cmd) == -ENOMEM)
			return SCSI_MLQUEUE_HOST_BUSY;
		/* The session is going away (or the CDB is too long). */
		set_host_byte(scmd, PTR_ERR(cmd) == -ESHUTDOWN ?
			      DID_NO_CONNECT : DID_ERROR);
		scsi_done(scmd);
		return 0;
	}
	cmd->tag = blk_mq_unique_tag(scsi_cmd_to_rq(scmd));
	cmd->expected_len = len;
	cmd->fabric_priv = scmd;
	priv->cmd = cmd;
	if (len)
		scst_cmd_set_fabric_buf(cmd, scsi_sglist(scmd),
					scsi_sg_count(scmd), len);
	/* May complete the command, and scsi_done() it, before returning. */
	scst_cmd_submit_drain(cmd);
	return 0;
}

/*
 * The scsi_cmnd a lent command belongs to, or NULL if the midlayer gave
 * it up (its error handler failed) and may have reused it since: then
 * only the core is answered.
 */
static struct scsi_cmnd *local_scmd_of(struct scst_cmd *cmd)
{
	struct scsi_cmnd *scmd = cmd->fabric_priv;

	return ((struct local_cmd_priv *)scsi_cmd_priv(scmd))->cmd == cmd ?
	       scmd : NULL;
}

/* The core's own buffer: copy the write data from the midlayer's. */
void local_on_cmd_xfer(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;
	struct scsi_cmnd *scmd = local_scmd_of(cmd);

	if (!scmd || scsi_bufflen(scmd) < cmd->bufflen) {
		/* Gone, or less data than the CDB asks for: DATA PHASE ERROR */
		scst_cmd_xfer_done(cmd, -EIO);
		return;
	}
	local_sg_copy(cmd->sg, cmd->sg_cnt, scsi_sglist(scmd),
		      scsi_sg_count(scmd), cmd->bufflen);
	scst_cmd_xfer_done(cmd, 0);
}

void local_on_cmd_respond(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_cmd *cmd = msg->cmd.cmd;
	struct scsi_cmnd *scmd = local_scmd_of(cmd);
	unsigned int len;

	if (!scmd) {
		scst_cmd_responded(cmd);
		return;
	}
	((struct local_cmd_priv *)scsi_cmd_priv(scmd))->cmd = NULL;

	if (cmd->aborted && !cmd->send_status) {
		/*
		 * Aborted by a reset with no status to send: a command the
		 * error handler owns ignores this (its timeout marked it
		 * complete); any other is retried, as after a bus reset.
		 */
		scmd->result = 0;
		set_host_byte(scmd, DID_RESET);
		scst_cmd_responded(cmd);
		scsi_done(scmd);
		return;
	}

	if (cmd->data_dir == SCST_DATA_READ && cmd->resp_len &&
	    cmd->sg != scsi_sglist(scmd)) {
		len = min(cmd->resp_len, scsi_bufflen(scmd));
		local_sg_copy(scsi_sglist(scmd), scsi_sg_count(scmd),
			      cmd->sg, cmd->sg_cnt, len);
	}
	scmd->result = cmd->status;
	if (cmd->sense_len)
		memcpy(scmd->sense_buffer, cmd->sense,
		       min_t(unsigned int, cmd->sense_len,
			     SCSI_SENSE_BUFFERSIZE));
	/* The midlayer knows underflows only; an overflow moved it all. */
	scsi_set_resid(scmd, max(cmd->resid, 0));
	scst_cmd_responded(cmd);
	scsi_done(scmd);
}

/* ------------------------------------------------------------------ */
/* Error handling: task management */

/* One TMF the error handler waits for; on its stack, on local_tmf_waits. */
struct local_tmf_wait {
	struct list_head node;
	struct completion done;
	u8 response;
};

void local_on_tmf_respond(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct scst_tmf *tmf = msg->cmd.tmf;
	struct local_tmf_wait *w;
	unsigned long flags;

	/* Touch the waiter only if it still waits: it may have given up. */
	spin_lock_irqsave(&local_hosts_lock, flags);
	list_for_each_entry(w, &local_tmf_waits, node) {
		if (w == tmf->fabric_priv) {
			w->response = tmf->response;
			list_del_init(&w->node);
			complete(&w->done);
			break;
		}
	}
	spin_unlock_irqrestore(&local_hosts_lock, flags);
	scst_tmf_responded(tmf);
}

static const char * const local_tmf_names[SCST_TMF_NR] = {
	[SCST_TMF_ABORT_TASK]	= "ABORT TASK",
	[SCST_TMF_LUN_RESET]	= "LOGICAL UNIT RESET",
	[SCST_TMF_IT_NEXUS_RESET] = "I_T NEXUS RESET",
	[SCST_TMF_TARGET_RESET]	= "TARGET RESET",
};

/* Send a TMF on @lh's session and wait for its response, bounded. */
static int local_tmf(struct local_host *lh, enum scst_tmf_fn fn, u64 lun,
		     u64 tag)
{
	struct local_tmf_wait w = { .response = SCST_TMF_FAILED };
	const char *what = local_tmf_names[fn];
	struct scst_tmf *tmf;
	unsigned long flags;
	bool answered;

	INIT_LIST_HEAD(&w.node);
	init_completion(&w.done);
	tmf = scst_tmf_alloc(lh->sess, fn, lun, tag, GFP_NOIO);
	if (IS_ERR(tmf)) {
		pr_err("host%u: %s for LUN %llu not sent: %ld\n",
		       lh->shost->host_no, what, lun, PTR_ERR(tmf));
		return FAILED;
	}
	tmf->fabric_priv = &w;
	spin_lock_irqsave(&local_hosts_lock, flags);
	list_add_tail(&w.node, &local_tmf_waits);
	spin_unlock_irqrestore(&local_hosts_lock, flags);

	scst_tmf_submit(tmf);
	wait_for_completion_timeout(&w.done,
				    msecs_to_jiffies(local_tmf_timeout_ms));

	spin_lock_irqsave(&local_hosts_lock, flags);
	answered = list_empty(&w.node);
	if (!answered)
		list_del(&w.node);
	spin_unlock_irqrestore(&local_hosts_lock, flags);

	if (!answered) {
		pr_err("host%u: %s (LUN %llu, tag %#llx) got no response within %u ms\n",
		       lh->shost->host_no, what, lun, tag,
		       local_tmf_timeout_ms);
		return FAILED;
	}
	if (fn == SCST_TMF_ABORT_TASK || fn == SCST_TMF_LUN_RESET)
		pr_info("host%u: %s (LUN %llu): response %u\n",
			lh->shost->host_no, what, lun, w.response);
	else
		pr_info("host%u: %s: response %u\n", lh->shost->host_no,
			what, w.response);
	return w.response == SCST_TMF_COMPLETE ||
	       w.response == SCST_TMF_SUCCEEDED ? SUCCESS : FAILED;
}

static int local_eh_abort(struct scsi_cmnd *scmd)
{
	struct local_host *lh = shost_priv(scmd->device->host);

	return local_tmf(lh, SCST_TMF_ABORT_TASK,
			 local_core_lun(scmd->device),
			 blk_mq_unique_tag(scsi_cmd_to_rq(scmd)));
}

static int local_eh_device_reset(struct scsi_cmnd *scmd)
{
	struct local_host *lh = shost_priv(scmd->device->host);

	return local_tmf(lh, SCST_TMF_LUN_RESET,
			 local_core_lun(scmd->device), 0);
}

static int local_eh_target_reset(struct scsi_cmnd *scmd)
{
	struct local_host *lh = shost_priv(scmd->device->host);

	return local_tmf(lh, SCST_TMF_TARGET_RESET, 0, 0);
}

/*
 * A bus or host reset of a real HBA is, to the target, the loss of that
 * HBA's I_T nexus, not a reset of the target (which other initiators
 * would see): I_T NEXUS RESET, as for a SAS link reset.
 */
static int local_eh_nexus_reset(struct scsi_cmnd *scmd)
{
	struct local_host *lh = shost_priv(scmd->device->host);

	return local_tmf(lh, SCST_TMF_IT_NEXUS_RESET, 0, 0);
}

static struct scsi_host_template local_sht = {
	.module			= THIS_MODULE,
	.name			= "SCST-NG local target",
	.proc_name		= LOCAL_NAME,
	.queuecommand		= local_queuecommand,
	.change_queue_depth	= scsi_change_queue_depth,
	.eh_abort_handler	= local_eh_abort,
	.eh_device_reset_handler = local_eh_device_reset,
	.eh_target_reset_handler = local_eh_target_reset,
	.eh_bus_reset_handler	= local_eh_nexus_reset,
	.eh_host_reset_handler	= local_eh_nexus_reset,
	.this_id		= -1,
	.sg_tablesize		= SG_MAX_SEGMENTS,
	.max_sectors		= 8192,
	/* Nothing to settle: resets are messages to the core. */
	.skip_settle_delay	= 1,
	.track_queue_depth	= 1,
	.cmd_size		= sizeof(struct local_cmd_priv),
};

/**
 * local_host_alloc() - a SCSI host for @lt, not yet added
 * @lt: the target
 *
 * Queue depths: each LUN gets local_lun_queue_depth commands (the core's
 * device queue_depth default, so the midlayer does not meet TASK SET FULL
 * on the way), and each hardware queue enough for many LUNs. One hardware
 * queue per CPU, each with its own tags, so that submitting CPUs share no
 * dispatch lock; with more than one queue and unshared tags the block
 * layer also picks no I/O scheduler by default (elevator_get_default()),
 * so a request goes from the submitter straight to queuecommand() instead
 * of through mq-deadline and a kblockd work item (a context switch per
 * command).
 */
struct local_host *local_host_alloc(struct local_tgt *lt)
{
	struct Scsi_Host *shost;
	struct local_host *lh;

	shost = scsi_host_alloc(&local_sht, sizeof(*lh));
	if (!shost)
		return NULL;
	shost->max_id = 1;
	shost->max_channel = 0;
	/* Flat-addressed LUNs 256..16383 are 0x4100..0x7fff to the midlayer. */
	shost->max_lun = 0x8000;
	shost->max_cmd_len = SCST_MAX_CDB_SIZE;
	shost->cmd_per_lun = local_lun_queue_depth;
	shost->can_queue = max(local_lun_queue_depth * 16, 1024u);
	shost->nr_hw_queues = local_nr_hw_queues ?: num_possible_cpus();

	lh = shost_priv(shost);
	lh->shost = shost;
	lh->lt = lt;
	INIT_LIST_HEAD(&lh->node);
	init_completion(&lh->sess_gone);
	INIT_WORK(&lh->lun_work, local_lun_work_fn);
	return lh;
}
