/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG local fabric (scst_local): a SCSI host in this kernel whose
 * target is an SCST-NG target, so its LUNs appear as /dev/sdX here.
 *
 * Objects:
 *
 *   local_tgt   one configfs-made target (targets/scst_local/<tgt>/); its
 *               initiator name, and its host while enabled
 *   local_host  the Scsi_Host's private part: the one session (I_T nexus)
 *               the host's commands go to, and the work that follows LUN
 *               changes. Lives from enable to disable.
 *
 * Locking:
 *
 *   local_tgt.mutex   the target's state: initiator name, @host. Process
 *                     context (configfs, enable/disable).
 *   local_hosts_lock  (spin, _irqsave) the list of live hosts and their
 *                     @accept_luns flag, and the list of TMFs waiting for
 *                     their response. A leaf: bus handlers take it to match
 *                     the fabric_priv of SESS_GONE, SESS_LUNS_CHANGED and
 *                     TMF_RESPOND against live objects before touching them.
 *
 * The command path takes no lock of ours: the session pointer is fixed for
 * the host's life, and a command's state travels in the scsi_cmnd's private
 * area (local_cmd_priv) and in the scst_cmd.
 */
#ifndef _SCST_LOCAL_H
#define _SCST_LOCAL_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <scsi/scsi_cmnd.h>
#include <scsi/scsi_host.h>
#include <scst/bus.h>
#include <scst/fabric.h>

#define LOCAL_NAME	"scst_local"

/* SPC-4 table 445: Serial Attached SCSI; TransportID in SPC-4 7.6.4.6 */
#define LOCAL_PROTOCOL_SAS	0x6
#define LOCAL_TRANSPORT_ID_LEN	24

extern unsigned int local_tmf_timeout_ms;
extern unsigned int local_sess_gone_timeout_ms;
extern unsigned int local_lun_queue_depth;
extern unsigned int local_nr_hw_queues;
extern spinlock_t local_hosts_lock;

struct local_host;

/**
 * struct local_tgt - a target of this fabric
 * @tgt:       the core's target
 * @mutex:     @initiator and @host
 * @initiator: the initiator port name the session registers with
 * @host:      the SCSI host while enabled, else NULL
 */
struct local_tgt {
	struct scst_tgt *tgt;
	struct mutex mutex;		/* @initiator, @host */
	char initiator[SCST_NAME_MAX];
	struct local_host *host;
};

/**
 * struct local_host - private part of a Scsi_Host
 * @shost:       the host
 * @lt:          its target
 * @sess:        its session; set before the host is added, fixed after
 * @node:        local_hosts (under local_hosts_lock) while SESS_GONE or
 *               LUN changes may name it
 * @accept_luns: SESS_LUNS_CHANGED may queue @lun_work (local_hosts_lock)
 * @sess_gone:   completed by SESS_GONE
 * @lun_work:    brings the host's devices in line with the session's LUNs
 */
struct local_host {
	struct Scsi_Host *shost;
	struct local_tgt *lt;
	struct scst_session *sess;
	struct list_head node;
	bool accept_luns;
	struct completion sess_gone;
	struct work_struct lun_work;
};

/* What a scsi_cmnd carries for us (scsi_host_template.cmd_size) */
struct local_cmd_priv {
	struct scst_cmd *cmd;		/* while the core holds it, else NULL */
};

/* scsi.c: the host template, the command path and error handling */
struct local_host *local_host_alloc(struct local_tgt *lt);
void local_on_cmd_xfer(struct scst_endpoint *ep, const struct scst_msg *msg);
void local_on_cmd_respond(struct scst_endpoint *ep, const struct scst_msg *msg);
void local_on_tmf_respond(struct scst_endpoint *ep, const struct scst_msg *msg);

/* luns.c: following the session's LUN set */
void local_lun_work_fn(struct work_struct *work);
void local_on_luns_changed(struct scst_endpoint *ep,
			   const struct scst_msg *msg);

/* Is @lh on the list of live hosts? (local_hosts_lock held) */
bool local_host_live(struct local_host *lh);

#define local_warn(fmt, ...) \
	pr_warn_ratelimited(LOCAL_NAME ": " fmt, ##__VA_ARGS__)

#endif /* _SCST_LOCAL_H */
