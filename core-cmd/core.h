/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG core (scst_core): internal objects and the functions its files
 * share. Fabrics and handlers see only <scst/fabric.h>, <scst/handler.h>
 * and <scst/cmd.h>.
 *
 * Objects and who owns them:
 *
 *   core_fabric   a registered struct scst_fabric_ops
 *   scst_tgt      a target port of a fabric; has a default group and named
 *                 initiator groups (scst_acg), and sessions
 *   scst_acg      a LUN set (core_lun: LUN -> device, read-only) and, for
 *                 named groups, the initiator name patterns it serves
 *   core_dev      a device (struct scst_device) of a registered handler
 *   scst_session  an I_T nexus on a target; it reaches the LUNs of one acg
 *                 through its core_tgt_devs (one per LUN: the I_T_L nexus)
 *   core_cmd      a command (struct scst_cmd) and its state
 *   core_tmf      a task management function (struct scst_tmf)
 *
 * Locking:
 *
 *   core_cfg_mutex    the configuration: every list of fabrics, handlers,
 *                     devices, targets, groups, LUNs and initiator
 *                     patterns, and sessions' membership in their target.
 *                     Process context only (configfs, registration).
 *   sess->lock        (spin, _bh) the session's commands: its command list,
 *                     every core_tgt_dev's task set, each command's state
 *                     and abort flag, the ACA state of its tgt_devs.
 *                     Never nested in another session's lock.
 *   dev->lock         (spin, _bh) the device's SPC-2 reservation and its
 *                     list of tgt_devs. Taken inside sess->lock, never
 *                     the other way round.
 *   td->ua_lock       (spin, _irqsave) one core_tgt_dev's UA queue. A leaf:
 *                     taken inside sess->lock or dev->lock (core_ua_add_dev
 *                     walks dev->tgt_devs under dev->lock), never holding
 *                     anything else.
 *
 *   Order: core_cfg_mutex -> sess->lock -> dev->lock -> td->ua_lock.
 *
 *   A session's LUN table (sess->tgt_devs) is read under RCU on the data
 *   path and changed under core_cfg_mutex; a core_tgt_dev is freed after
 *   an RCU grace period once its last command is gone.
 *
 *   The core_* configuration functions below expect core_cfg_mutex held
 *   (lockdep-checked); the exported scst_* ones take it themselves.
 *
 * configfs (configfs*.c) keeps its own objects (config groups) and links
 * them to model objects through the @cfs fields: the model never embeds a
 * config_group, so neither lifetime depends on the other. A configfs
 * object reaches its model object only under core_cfg_mutex, through a
 * pointer the model clears (core_cfs_*_unlink(), called with the mutex
 * held) before it frees the object. Groups the kernel side adds or
 * removes (fabric-made targets, sessions) are registered and unregistered
 * by the core_cfs_*_add()/_del() hooks with no core lock held, because
 * configfs takes its directory locks before calling into us.
 */
#ifndef _SCST_CORE_H
#define _SCST_CORE_H

#include <kunit/visibility.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
#include <scst/bus.h>
#include <scst/cmd.h>
#include <scst/fabric.h>
#include <scst/handler.h>
#include <scst/sgv.h>

#define CORE_NAME		"scst_core"

extern struct mutex core_cfg_mutex;
extern struct workqueue_struct *core_wq;
/* Woken when a device's last nexus is freed (core_dev_wait_tds()). */
extern wait_queue_head_t core_td_freed_wq;
extern struct scst_endpoint core_ep;
extern struct scst_sgv_pool *core_sgv_pool;
/* Module parameters, in milliseconds (main.c) */
extern unsigned int core_lend_timeout_ms;
extern unsigned int core_teardown_timeout_ms;
extern unsigned int core_attach_timeout_ms;

/* -------------------------------------------------------------------- */
/* Handlers and devices (device.c) */

struct core_handler {
	const struct scst_handler_ops *ops;
	struct list_head node;		/* core_handlers */
	struct list_head devs;		/* core_dev.handler_node */
	void *cfs;			/* handlers/<name>/ */
};

/**
 * struct core_dev - a device as the core keeps it
 * @dev:          what handlers see
 * @handler:      its handler
 * @node:         core_devs (all devices, unique names)
 * @handler_node: core_handler.devs
 * @enabled:      enable_device() succeeded and it was not disabled since
 * @pinned:       made by configfs: holds a reference on the handler module
 * @nr_luns:      LUN entries naming it (it cannot be disabled or removed)
 * @lock:         @reserved_by, and writers of @tgt_devs
 * @tgt_devs:     every I_T_L nexus that reaches it (core_tgt_dev.dev_node);
 *                an RCU list: readers (task management, UAs) need no lock
 * @reserved_by:  the session holding its SPC-2 reservation, or NULL
 * @cfs:          its configfs object (configfs.c), or NULL
 * @name:         storage for dev.name
 */
struct core_dev {
	struct scst_device dev;
	struct core_handler *handler;
	struct list_head node;
	struct list_head handler_node;
	bool enabled;
	bool pinned;
	unsigned int nr_luns;
	/*
	 * Nexuses naming the device that are not freed yet (core_cfg_mutex):
	 * a removed LUN's may still have commands at the handler, so the
	 * device may not be closed or freed until this is 0.
	 */
	unsigned int nr_tds;
	spinlock_t lock;		/* @reserved_by, @tgt_devs writers */
	struct list_head tgt_devs;
	struct scst_session *reserved_by;
	void *cfs;
	char name[SCST_NAME_MAX];
};

static inline struct core_dev *to_core_dev(struct scst_device *dev)
{
	return container_of(dev, struct core_dev, dev);
}

struct core_handler *core_handler_find(const char *name);
struct core_dev *core_dev_find(const char *name);
struct core_dev *core_dev_create(struct core_handler *h, const char *name,
				 bool pinned);
bool core_name_valid(const char *name);
int core_dev_destroy(struct core_dev *cdev);
int core_dev_set_enabled(struct core_dev *cdev, bool enable);
int core_dev_wait_tds(struct core_dev *cdev);
void core_dev_unused(struct core_dev *cdev);

/* -------------------------------------------------------------------- */
/* Fabrics, targets, groups and LUNs (target.c, acg.c) */

struct core_fabric {
	const struct scst_fabric_ops *ops;
	struct list_head node;		/* core_fabrics */
	struct list_head tgts;		/* scst_tgt.fabric_node */
	void *cfs;			/* targets/<name>/ */
};

/**
 * struct core_lun - one LUN of a group
 * @lun:       its number
 * @dev:       the device it maps to
 * @read_only: write commands fail with DATA PROTECT
 * @node:      scst_acg.luns, sorted by @lun
 * @cfs:       its configfs object, or NULL
 */
struct core_lun {
	u64 lun;
	struct core_dev *dev;
	bool read_only;
	struct list_head node;
	void *cfs;
};

/* An initiator name, or a pattern with '*' and '?' */
struct core_ini {
	struct list_head node;		/* scst_acg.inis */
	char name[SCST_NAME_MAX];
};

/**
 * struct scst_acg - an access control group: a LUN set and who sees it
 * @tgt:    its target
 * @name:   "" for the target's default group
 * @node:   scst_tgt.acgs (named groups only)
 * @luns:   core_lun, sorted by number
 * @inis:   core_ini; a session whose initiator name matches one of them
 *          sees this group's LUNs instead of the default group's
 * @cfs:    its configfs object, or NULL
 */
struct scst_acg {
	struct scst_tgt *tgt;
	char name[SCST_NAME_MAX];
	struct list_head node;
	struct list_head luns;
	struct list_head inis;
	void *cfs;
};

/**
 * struct scst_tgt - a target port
 * @fabric:        its fabric
 * @fabric_node:   core_fabric.tgts
 * @name:          unique within the fabric
 * @fabric_priv:   the fabric's
 * @enabled:       sessions may register
 * @removing:      scst_tgt_unregister() was called: no new sessions
 * @by_configfs:   made by mkdir (removed by rmdir), else by the fabric
 * @rel_tgt_port_id: SPC-4 relative target port identifier (1..65535)
 * @default_acg:   LUNs of sessions no named group claims
 * @acgs:          named groups
 * @sessions:      scst_session.tgt_node
 * @nr_sessions:   length of @sessions, including sessions unregistering
 * @cfs:           its configfs object, or NULL
 */
struct scst_tgt {
	struct core_fabric *fabric;
	struct list_head fabric_node;
	char name[SCST_NAME_MAX];
	void *fabric_priv;
	bool enabled;
	bool removing;
	bool by_configfs;
	u16 rel_tgt_port_id;
	struct scst_acg default_acg;
	struct list_head acgs;
	struct list_head sessions;
	unsigned int nr_sessions;
	void *cfs;
};

struct core_fabric *core_fabric_find(const char *name);
struct scst_tgt *core_tgt_find(struct core_fabric *fabric, const char *name);
struct scst_tgt *core_tgt_create(struct core_fabric *fabric, const char *name,
				 void *fabric_priv, bool by_configfs);
/* Process context, no core mutex held: it calls the fabric unlocked. */
int core_tgt_set_enabled(struct scst_tgt *tgt, bool enable);
/*
 * Change a disabled target's SPC-4 relative target port identifier; -EBUSY
 * if another target has @id (they are unique: one ID space, target.c).
 */
int core_tgt_set_rel_id(struct scst_tgt *tgt, u16 id);
void core_tgt_remove(struct scst_tgt *tgt);
/* A session ended; the target may be gone when this returns. */
void core_tgt_sess_gone(struct scst_tgt *tgt);

struct scst_acg *core_acg_find(struct scst_tgt *tgt, const char *name);
struct scst_acg *core_acg_create(struct scst_tgt *tgt, const char *name);
int core_acg_destroy(struct scst_acg *acg);
int core_acg_add_ini(struct scst_acg *acg, const char *pattern);
int core_acg_del_ini(struct scst_acg *acg, const char *pattern);
int core_lun_add(struct scst_acg *acg, u64 lun, struct core_dev *dev,
		 bool read_only);
int core_lun_del(struct scst_acg *acg, u64 lun);
struct core_lun *core_lun_find(struct scst_acg *acg, u64 lun);
bool core_name_matches(const char *pattern, const char *name);
void core_acg_free(struct scst_acg *acg);
struct scst_acg *core_acg_for_initiator(struct scst_tgt *tgt,
					const char *initiator);

/* -------------------------------------------------------------------- */
/* Sessions and I_T_L nexuses (session.c, ua.c) */

#define CORE_UA_MAX		16

struct core_ua {
	struct list_head node;
	u8 key, asc, ascq;
};

/**
 * struct core_tgt_dev - an I_T_L nexus
 * @tgt_dev:     what handlers see
 * @dev_node:    core_dev.tgt_devs
 * @task_set:    its commands that entered the task set and have not
 *               completed, in the order SAM defines (HEAD OF QUEUE ones
 *               first); core_cmd.set_node
 * @nr_tasks:    length of @task_set (the queue depth in use)
 * @nr_ordered:  ORDERED commands in @task_set
 * @nr_waiting:  commands of @task_set in CORE_CMD_WAIT
 * @nr_cmds:     commands that point at it, from LUN lookup to free
 * @uas:         pending unit attentions, oldest first (core_ua)
 * @nr_uas:      length of @uas
 * @aca:         an ACA condition is established
 * @ua_lock:     @uas and @nr_uas; taken alone or inside sess->lock or
 *               dev->lock (never takes another lock itself)
 * @attached:    the handler accepted SESS_ATTACH (or does not want it)
 * @gone:        no longer in the session's LUN table: no new commands
 * @attach_late, @detach_late: the handler has not answered SESS_ATTACH or
 *               SESS_DETACH in time; the nexus waits in sess->limbo
 * @dying_node:  on the reaper's list, or sess->limbo
 * @rcu:         frees it after readers of the LUN table are done
 */
struct core_tgt_dev {
	struct scst_tgt_dev tgt_dev;
	struct list_head dev_node;
	struct list_head task_set;
	unsigned int nr_tasks;
	unsigned int nr_ordered;
	unsigned int nr_waiting;
	unsigned int nr_cmds;
	struct list_head uas;
	unsigned int nr_uas;
	spinlock_t ua_lock;		/* @uas, @nr_uas */
	bool aca;
	bool attached;
	bool gone;
	bool attach_late;
	bool detach_late;
	struct list_head dying_node;
	struct rcu_head rcu;
};

static inline struct core_tgt_dev *to_core_tgt_dev(struct scst_tgt_dev *td)
{
	return container_of(td, struct core_tgt_dev, tgt_dev);
}

/* Per-session counters, shown in configfs */
struct core_sess_stats {
	u64 cmds;
	u64 read_bytes;
	u64 write_bytes;
	u64 errors;		/* ended with a status other than GOOD */
	u64 aborted;
	u64 tmfs;
};

enum core_sess_state {
	CORE_SESS_ACTIVE,
	CORE_SESS_UNREGISTERING,	/* no new commands; draining */
};

/**
 * struct scst_session - an I_T nexus
 * @tgt:          its target
 * @tgt_node:     scst_tgt.sessions
 * @initiator:    the initiator port name
 * @transport_id: its SPC-4 TransportID, as the fabric gave it
 * @transport_id_len: its length
 * @fabric_priv:  the fabric's
 * @acg:          the group whose LUNs it sees
 * @tgt_devs:     LUN -> core_tgt_dev (RCU readers, core_cfg_mutex writers)
 * @lock:         see the top of this file
 * @cmds:         every command allocated on it and not yet freed
 * @nr_cmds:      length of @cmds, plus TMFs not yet freed
 * @state:        enum core_sess_state
 * @silent:       registration failed: no SESS_GONE
 * @cfs_deleted:  core_cfs_sess_del() was called
 * @limbo:        nexuses waiting for a late handler reply (dying_node)
 * @nr_limbo:     late handler replies still out (under @lock)
 * @unreg_started: jiffies when teardown started (reports)
 * @unreg_report_at: jiffies of the watchdog's next teardown report
 * @all_node:     core_sessions, every session (watchdog)
 * @stats:        counters
 * @id:           unique, for configfs and logs
 * @cfs:          its configfs object (read-only view), or NULL
 * @unreg_work:   finishes the unregistration in process context
 * @rcu:          frees it after readers of devices' nexus lists
 */
struct scst_session {
	struct scst_tgt *tgt;
	struct list_head tgt_node;
	char initiator[SCST_NAME_MAX];
	u8 transport_id[SCST_TRANSPORT_ID_MAX];
	unsigned int transport_id_len;
	void *fabric_priv;
	struct scst_acg *acg;
	struct xarray tgt_devs;
	spinlock_t lock;		/* see the top of this file */
	struct list_head cmds;
	unsigned int nr_cmds;
	enum core_sess_state state;
	bool silent;
	bool cfs_deleted;
	struct list_head limbo;
	unsigned int nr_limbo;
	unsigned long unreg_started;
	unsigned long unreg_report_at;
	struct list_head all_node;
	struct core_sess_stats stats;
	u64 id;
	void *cfs;
	struct work_struct unreg_work;
	struct rcu_head rcu;
};

/* Rebuild the LUN tables of every session of @tgt after a change. */
void core_tgt_update_sessions(struct scst_tgt *tgt);
bool core_sess_cmd_arrived(struct scst_session *sess, u64 lun,
			   struct core_tgt_dev **td);
void core_tgt_dev_put(struct core_tgt_dev *td);
bool core_tgt_dev_put_locked(struct core_tgt_dev *td);
void core_tgt_dev_reap(void);
/* A command or TMF of the session was freed (called with no lock held). */
void core_sess_put(struct scst_session *sess);
bool core_sess_put_locked(struct scst_session *sess);
void core_sess_last_put(struct scst_session *sess);
void core_sess_unregister_locked(struct scst_session *sess);
void core_sess_unreg_fn(struct work_struct *work);
void core_sess_for_each(void (*fn)(struct scst_session *sess));

/* Unit attentions (ua.c); each takes td->ua_lock itself. */
void core_ua_init(struct core_tgt_dev *td);
void core_ua_add(struct core_tgt_dev *td, u8 key, u8 asc, u8 ascq);
void core_ua_add_dev(struct core_dev *cdev, struct core_tgt_dev *except,
		     u8 key, u8 asc, u8 ascq);
void core_ua_add_tgt(struct scst_tgt *tgt, u8 key, u8 asc, u8 ascq);
bool core_ua_take(struct core_tgt_dev *td, u8 *key, u8 *asc, u8 *ascq);
bool core_ua_peek(struct core_tgt_dev *td, u8 *key, u8 *asc, u8 *ascq);
void core_ua_clear(struct core_tgt_dev *td, u8 asc, u8 ascq);
void core_ua_clear_sess(struct scst_session *sess, u8 asc, u8 ascq);
void core_ua_free_all(struct core_tgt_dev *td);

/* -------------------------------------------------------------------- */
/* Commands (cmd.c, task_set.c, local.c) */

enum core_cmd_state {
	CORE_CMD_NEW,		/* allocated, not submitted */
	CORE_CMD_PARSE,		/* lent to the handler: CMD_PARSE */
	CORE_CMD_ALLOC,		/* lent to the handler: CMD_ALLOC_BUF */
	CORE_CMD_XFER,		/* lent to the fabric: CMD_XFER */
	CORE_CMD_WAIT,		/* in the task set, waiting for its turn */
	CORE_CMD_EXEC,		/* lent to the handler: CMD_EXEC */
	CORE_CMD_RESPOND,	/* lent to the fabric: CMD_RESPOND */
	CORE_CMD_NR,
};

/**
 * struct core_cmd - a command as the core keeps it
 * @cmd:       what fabrics and handlers see
 * @sess_node: scst_session.cmds
 * @set_node:  core_tgt_dev.task_set, while in the task set
 * @td:        its I_T_L nexus (a reference, core_tgt_dev.nr_cmds), or NULL
 * @op:        its CDB table entry (cdb.h), NULL when unknown
 * @state:     enum core_cmd_state
 * @in_set:    entered the task set (counts in nr_tasks)
 * @completed: its outcome is final: aborting it now changes nothing
 * @abort_tmf: the TMFs whose responses wait for it (the first two)
 * @run_node:  on a caller's list of commands to run or end now
 * @submitted: the fabric submitted it (TMFs can name it)
 * @handler_buf: its buffer came from the handler (CMD_BUF_FREE)
 * @aborted_by_other: aborted by a TMF from another I_T nexus (TAS, UA)
 * @buf:       its SGV buffer, when the core allocated it
 * @lent_at:   jiffies when it was last lent (lost-reply watchdog)
 * @reported:  the watchdog has reported it for the current lend
 */
struct core_cmd {
	struct scst_cmd cmd;
	struct list_head sess_node;
	struct list_head set_node;
	struct core_tgt_dev *td;
	const struct scst_cdb_op *op;
	u8 state;
	bool in_set;
	bool completed;
	bool aborted_by_other;
	bool reported;
	struct core_tmf *abort_tmf[2];
	struct list_head run_node;
	bool submitted;
	bool handler_buf;
	struct scst_sgv_buf *buf;
	struct scatterlist *fabric_sg;
	unsigned int fabric_sg_cnt;
	u32 fabric_len;
	unsigned long lent_at;
};

static inline struct core_cmd *to_core_cmd(struct scst_cmd *cmd)
{
	return container_of(cmd, struct core_cmd, cmd);
}

const char *core_cmd_state_name(unsigned int state);
/* Finish @cc now with the status and sense already set in it. */
void core_cmd_finish(struct core_cmd *cc);
void core_cmd_set_sense_sks(struct core_cmd *cc, u8 key, u8 asc, u8 ascq,
			    bool cdb_field, u16 byte, int bit);
/* Called by the task set when a waiting command may execute. */
void core_cmd_exec(struct core_cmd *cc);
/* Execute a command the core handles itself (local.c); ends it. */
void core_local_exec(struct core_cmd *cc);
/*
 * A parsed command to a LUN the session does not have (cc->td NULL, no
 * data buffer yet) (local.c): answers INQUIRY, REPORT LUNS and REQUEST
 * SENSE as SCST's LUN 0 substitution does, with a buffer of its own, and
 * ends them: true. Any other command: false, nothing touched; the caller
 * ends it with LOGICAL UNIT NOT SUPPORTED.
 */
bool core_local_no_lun(struct core_cmd *cc);
/* Allowed under another nexus's SPC-2 reservation? (local.c) */
bool core_reservation_allows(struct core_cmd *cc);
void core_reservation_drop_sess(struct core_dev *cdev,
				struct scst_session *sess);
void core_reservation_clear(struct core_dev *cdev);

/* Task set (task_set.c); all with sess->lock held. */
enum core_admit {
	CORE_ADMIT_RUN,		/* may execute at once */
	CORE_ADMIT_WAIT,	/* entered the task set, must wait */
	CORE_ADMIT_REFUSED,	/* status set (TASK SET FULL, ACA ACTIVE...) */
};

enum core_admit core_task_admit(struct core_cmd *cc);
bool core_task_may_run(struct core_cmd *cc);
/* Leave the task set; returns true if waiting commands may now run. */
bool core_task_leave(struct core_cmd *cc);
/* Move every command of @td that may run now to @runnable. */
void core_task_collect_runnable(struct core_tgt_dev *td,
				struct list_head *runnable);

/* -------------------------------------------------------------------- */
/* Task management (tmf.c) */

/**
 * struct core_tmf - a TMF as the core keeps it
 * @tmf:        what the fabric sees
 * @pending:    what the response waits for: aborted commands not yet
 *              freed, TMF_EXEC replies, and 1 until it was processed
 * @work:       runs it in core_wq
 * @lent_at:    jiffies when it was submitted, or lent for its response
 * @responding: lent to the fabric with TMF_RESPOND
 * @reported:   the watchdog reported it
 */
struct core_tmf {
	struct scst_tmf tmf;
	atomic_t pending;
	struct work_struct work;
	unsigned long lent_at;
	bool responding;
	bool reported;
};

static inline struct core_tmf *to_core_tmf(struct scst_tmf *tmf)
{
	return container_of(tmf, struct core_tmf, tmf);
}

/* Something the TMF's response waits for is done (any context). */
void core_tmf_cmd_done(struct core_tmf *ct);
void core_qerr_abort(struct core_cmd *cc);
int core_tmf_cache_init(void);
void core_tmf_cache_exit(void);
/* Abort every command of @sess (session teardown: I_T nexus loss). */
void core_abort_sess(struct scst_session *sess);

/* -------------------------------------------------------------------- */
/* Sending (cmd.c): lend to a fabric or handler, and never lose it. */

void core_lend_cmd(struct core_cmd *cc, enum scst_msg_type type,
		   enum scst_ep_id dst, u8 state);
void core_send_notice(struct scst_msg *msg);
void core_retry_exit(void);

/*
 * Hooks where persistent reservations and ALUA plug in (SPC-4 5.13, 5.16).
 * Until they land: PERSISTENT RESERVE IN/OUT are unsupported opcodes (the
 * initiator sees INVALID COMMAND OPERATION CODE, as from a device without
 * PR), and with no target port groups every port is active/optimized.
 */
static inline bool core_pr_allows(struct core_cmd *cc)
{
	u8 op = cc->cmd.cdb[0];

	if (op == 0x5e || op == 0x5f) {
		core_cmd_set_sense_sks(cc, SCST_KEY_ILLEGAL_REQUEST, 0x20, 0x00,
				       true, 0, -1);
		return false;
	}
	return true;
}

static inline bool core_alua_allows(struct core_cmd *cc)
{
	return true;
}

/* Bus handlers of the core endpoint (cmd.c, tmf.c, session.c) */
void core_on_cmd_new(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_cmd_parsed(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_cmd_buf_ready(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_cmd_xfer_done(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_cmd_exec_done(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_cmd_responded(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_tmf_new(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_tmf_exec_done(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_tmf_responded(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_sess_attached(struct scst_endpoint *ep, const struct scst_msg *msg);
void core_on_sess_detached(struct scst_endpoint *ep, const struct scst_msg *msg);

int core_cmd_cache_init(void);
void core_cmd_cache_exit(void);

/* Watchdog (watchdog.c): reports lends that exceed core_lend_timeout_ms. */
void core_watchdog_init(void);
void core_watchdog_exit(void);
void core_report_sess_cmds(struct scst_session *sess, const char *why);

/*
 * configfs (configfs*.c). _add()/_del(): process context, no core lock
 * held; _add() may fail only for handlers and fabrics (registration then
 * fails). _unlink(): core_cfg_mutex held, just before the model frees the
 * object: configfs must not reach it afterwards.
 */
int core_configfs_init(void);
void core_configfs_exit(void);
int core_cfs_handler_add(struct core_handler *h);
void core_cfs_handler_del(struct core_handler *h);
int core_cfs_fabric_add(struct core_fabric *f);
void core_cfs_fabric_del(struct core_fabric *f);
void core_cfs_tgt_add(struct scst_tgt *tgt);		/* fabric-made targets */
void core_cfs_tgt_del(struct scst_tgt *tgt);
void core_cfs_sess_add(struct scst_session *sess);
void core_cfs_sess_del(struct scst_session *sess);
void core_cfs_dev_add(struct core_dev *cdev);		/* code-made devices */
void core_cfs_dev_del(struct core_dev *cdev);
void core_cfs_dev_unlink(struct core_dev *cdev);
void core_cfs_tgt_unlink(struct scst_tgt *tgt);
void core_cfs_acg_unlink(struct scst_acg *acg);
void core_cfs_lun_unlink(struct core_lun *lun);
void core_cfs_sess_unlink(struct scst_session *sess);

/* Rate-limited log line, prefixed with the module's name. */
#define core_warn(fmt, ...) \
	pr_warn_ratelimited(CORE_NAME ": " fmt, ##__VA_ARGS__)

#endif /* _SCST_CORE_H */
