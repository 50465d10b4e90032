/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG dev-user (scst_user): the objects its files share.
 *
 *   user_dev   one device registered on /dev/scst_user: its options, its
 *              SGV pool of user memory, the table of its user commands and
 *              the queue of those waiting for user space
 *   user_cmd   one unit of work user space sees (a SCSI command through
 *              PARSE, ALLOC_MEM, EXEC and ON_FREE_CMD under one handle; a
 *              session attach or detach; a reset; a cached buffer's release)
 *   user_mem   user memory pinned for the SGV pool, named by the cookie
 *              the pool gives back in SGV_RELEASED
 *
 * Who holds a user command (user_cmd.refs counts each, and nothing else
 * keeps it): the core's lend of the SCSI command while dev-user owes it a
 * reply (USER_REF_LENT), the command itself and the data buffer the core
 * uses, from its first step until the core frees it (CMD_BUF_FREE, which
 * SCST_HANDLER_FREE_NOTICE sends buffer or not: USER_REF_BUF), and the
 * step queued for or held by user space
 * (USER_REF_USER). The last one dropped erases it from the table.
 *
 * Locking: user_dev.lock (spin, _bh) guards the device's state, its table
 * and queue, and every user_cmd field but the immutable ones. It is never
 * held across a call into the core, mem-pool or the bus.
 */
#ifndef _SCST_USER_H_INTERNAL
#define _SCST_USER_H_INTERNAL

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <scst/scst_user.h>
#include <scst/bus.h>
#include <scst/cmd.h>
#include <scst/handler.h>
#include <scst/msg.h>
#include <scst/sgv.h>

#define USER_NAME	"scst_user"

#define user_warn(fmt, ...) \
	pr_warn_ratelimited(USER_NAME ": " fmt, ##__VA_ARGS__)

/* Module parameters (main.c), in milliseconds */
extern unsigned int user_cleanup_step_ms;
extern unsigned int user_get_cmd_wait_ms;
extern unsigned int user_abort_wait_ms;
extern unsigned int user_tm_wait_ms;

enum user_dev_state {
	USER_DEV_LIVE,		/* a process serves it */
	USER_DEV_STOPPING,	/* its cleanup runs: no new work for user space */
	USER_DEV_ORPHAN,	/* no process; LUNs still name it: NOT READY */
	USER_DEV_GONE,		/* unregistered from the core */
};

/*
 * Where a user command stands. QUEUED: its step waits in the device's
 * queue; SENT: user space has it and owes a reply; CORE: no step is with
 * user space (the core holds the command, or its buffer).
 */
enum user_cmd_state {
	USER_CMD_QUEUED,
	USER_CMD_SENT,
	USER_CMD_CORE,
};

#define USER_REF_LENT	0x1
#define USER_REF_BUF	0x2
#define USER_REF_USER	0x4

/**
 * struct user_mem - user memory the SGV pool holds
 * @udev:     its device (holds a reference on it)
 * @pbuf:     the user address
 * @pages:    the pinned pages, @nr_pages of them
 * @nr_pages: how many
 * @node:     user_dev.mems
 * @h:        PREALLOC_BUFFER's cmd_h, reserved for the buffer's
 *            ON_CACHED_MEM_FREE; 0 for memory from ALLOC_MEM
 */
struct user_mem {
	struct user_dev *udev;
	u64 pbuf;
	u32 h;
	struct page **pages;
	unsigned int nr_pages;
	struct list_head node;
};

/**
 * struct user_cmd - one unit of work for user space
 * @udev:     its device
 * @h:        its handle in @udev->cmds (cmd_h of the ABI)
 * @state:    enum user_cmd_state
 * @subcode:  the step queued or sent: SCST_USER_PARSE ... (ABI subcodes)
 * @refs:     USER_REF_* held now
 * @ready:    user_dev.ready while QUEUED
 * @cmd:      the SCSI command (PARSE, ALLOC_MEM, EXEC, ON_FREE_CMD)
 * @cmd_id:   @cmd->id, to match CMD_ABORT hints
 * @req:      the core's request for ATTACH_SESS, DETACH_SESS and
 *            TASK_MGMT_DONE, replied to when user space answers
 * @buf:      the data buffer, while the core uses it
 * @pbuf:     its user address
 * @buf_cached: it goes back to the pool's cache when freed
 * @aborted:  the core aborted the command (CMD_ABORT)
 * @status, @resp_len: the EXEC outcome, for ON_FREE_CMD
 * @free_pbuf: ON_CACHED_MEM_FREE: the user buffer let go
 * @abort_told: TASK_MGMT_RECEIVED went to user space for this aborted
 *            command: TASK_MGMT_DONE follows when its step ends
 * @deadline: jiffies by which user space must answer (an aborted
 *            command's step, a TASK_MGMT_*); 0: no bound runs
 * @tm_fn, @tm_sess_h, @tm_cmd_h: TASK_MGMT_*: what user space is told
 * @tm_result: TASK_MGMT_RECEIVED's reply, for a reset (@req is TMF_EXEC)
 * @tm_wait:  a reset's TASK_MGMT_DONE waits for its aborted commands
 */
struct user_cmd {
	struct user_dev *udev;
	u32 h;
	enum user_cmd_state state;
	u32 subcode;
	unsigned int refs;
	struct list_head ready;
	struct scst_cmd *cmd;
	u64 cmd_id;
	struct scst_msg req;
	struct scst_sgv_buf *buf;
	u64 pbuf;
	bool buf_cached;
	bool aborted;
	u8 status;
	u32 resp_len;
	u64 free_pbuf;
	bool abort_told;
	unsigned long deadline;
	u32 tm_fn;
	u64 tm_sess_h;
	u32 tm_cmd_h;
	s32 tm_result;
	bool tm_wait;
};

/* An I_T_L nexus the device was attached to (TASK_MGMT_*'s sess_h). */
struct user_sess {
	struct scst_tgt_dev *td;
	struct list_head node;
};

/*
 * How user memory is pinned: pin_user_pages_fast() in the replying
 * process; KUnit drives the module without a process through its own.
 */
struct user_pin_ops {
	int (*pin)(u64 pbuf, unsigned int nr_pages, struct page **pages);
	void (*unpin)(struct page **pages, unsigned int nr_pages);
};

/**
 * struct user_dev - a device of /dev/scst_user
 * @name:       its name (core device and configfs directory)
 * @kref:       held by its file, its core registration and each user_mem
 * @lock:       see the top
 * @state:      enum user_dev_state
 * @sdev:       the core's device, while registered
 * @opt:        the options user space set
 * @block_shift: log2 of the block size
 * @type:       SCSI peripheral device type
 * @pool:       the SGV pool of its user memory, while LIVE or STOPPING
 * @pool_name:  its name
 * @pin:        how memory is pinned
 * @cmds:       the user command table, by handle
 * @next_h:     handle allocation hint
 * @ready:      user_cmd QUEUED for user space, in order
 * @nr_cmds:    entries in @cmds
 * @mems:       user_mem the pool holds
 * @nr_mems:    how many
 * @flush_done: SGV_FLUSH_DONE came for the cleanup's flush
 * @sessions:   user_sess of the nexuses attached now
 * @nr_tm_wait: user_cmd with @tm_wait set
 * @expiry:     ends steps whose user_cmd.deadline passed
 * @expiry_armed, @expiry_at: when it is due to run, if it is
 * @wq:         user space waiting for a command
 * @idle_wq:    the cleanup waiting for the table, buffers and flush
 * @node:       user_devs_list
 * @orphan_node: the orphans' list, while ORPHAN
 */
struct user_dev {
	char name[SCST_MAX_NAME];
	struct kref kref;
	spinlock_t lock;	/* see the top */
	enum user_dev_state state;
	struct scst_device *sdev;
	struct scst_user_opt opt;
	u8 block_shift;
	u8 type;
	struct scst_sgv_pool *pool;
	char pool_name[SCST_SGV_NAME_MAX];
	const struct user_pin_ops *pin;
	struct xarray cmds;
	u32 next_h;
	struct list_head ready;
	unsigned int nr_cmds;
	struct list_head mems;
	unsigned int nr_mems;
	bool flush_done;
	struct list_head sessions;
	unsigned int nr_tm_wait;
	struct delayed_work expiry;
	bool expiry_armed;
	unsigned long expiry_at;
	wait_queue_head_t wq;
	wait_queue_head_t idle_wq;
	struct list_head node;
	struct list_head orphan_node;
};

extern const struct scst_handler_ops user_handler_ops;
/* user_devs_mutex: registration; user_devs_lock (_bh): the list's members */
extern struct mutex user_devs_mutex;
extern spinlock_t user_devs_lock;
extern struct list_head user_devs_list;

/* dev.c */
void user_dev_put(struct user_dev *udev);
struct user_dev *user_dev_register(const struct scst_user_dev_desc *desc,
				   const struct user_pin_ops *pin);
int user_opt_check(const struct scst_user_opt *opt);
void user_dev_apply_opt(struct user_dev *udev, const struct scst_user_opt *opt);
void user_dev_release(struct user_dev *udev);
void user_dev_unused(struct scst_device *sdev);
int user_dev_enable(struct scst_device *sdev, bool enable);
void user_devs_exit(void);

/* cmd.c: the core's messages */
extern const scst_msg_handler_t user_msg_handlers[SCST_MSG_NR];
struct user_cmd *user_cmd_new(struct user_dev *udev, struct scst_cmd *cmd,
			      u32 subcode);
struct user_cmd *user_cmd_new_h(struct user_dev *udev, struct scst_cmd *cmd,
				u32 subcode, u32 h);
u32 user_handle_reserve(struct user_dev *udev);
void user_cmd_queue(struct user_cmd *ucmd, u32 subcode);
bool user_cmd_put(struct user_cmd *ucmd, unsigned int ref);
void user_cmd_done(struct user_cmd *ucmd, unsigned int ref);
void user_cmd_set_not_ready(struct scst_cmd *cmd);
void user_step_end(u32 subcode, struct scst_cmd *cmd,
		   const struct scst_msg *req);
int user_cmd_cache_init(void);
void user_cmd_cache_exit(void);

/* tmf.c */
void user_cmd_set_deadline(struct user_cmd *ucmd, unsigned int ms);
void user_expiry_fn(struct work_struct *work);
void user_tm_kick(struct user_dev *udev);
void user_abort_ended(struct user_dev *udev, u32 h, u64 sess_h, bool told);
void user_on_cmd_abort(struct scst_endpoint *ep, const struct scst_msg *msg);
void user_on_tmf_exec(struct scst_endpoint *ep, const struct scst_msg *msg);
bool user_tm_replied(struct user_cmd *tm, s32 result, struct scst_msg *req,
		     int *error);
void user_sess_add(struct user_dev *udev, struct scst_tgt_dev *td);
void user_sess_del(struct user_dev *udev, struct scst_tgt_dev *td);

/* reply.c: what user space sends and gets */
int user_reply(struct user_dev *udev, const struct scst_user_reply_cmd *rep);
int user_get_cmd(struct user_dev *udev, struct scst_user_get_cmd *out,
		 bool wait, bool nonblock);
void user_pass_on(struct user_dev *udev);
int user_get_ext_cdb(struct user_dev *udev,
		     const struct scst_user_get_ext_cdb *req);

/* mem.c */
extern const struct user_pin_ops user_pin_process;
int user_pool_create(struct user_dev *udev,
		     const struct scst_user_dev_desc *desc);
unsigned int user_alloc_pages(const struct user_dev *udev, u32 bufflen);
bool user_reuses(const struct user_dev *udev, u8 data_dir);
int user_buf_alloc(struct user_dev *udev, struct user_cmd *ucmd, u64 pbuf,
		   u32 bufflen);
int user_buf_prealloc(struct user_dev *udev, u64 pbuf, u32 bufflen, u32 *h);
void user_on_sgv_released(struct scst_endpoint *ep, const struct scst_msg *msg);
void user_on_sgv_flush_done(struct scst_endpoint *ep,
			    const struct scst_msg *msg);

/* cleanup.c */
void user_dev_cleanup(struct user_dev *udev, const char *why);

#endif /* _SCST_USER_H_INTERNAL */
