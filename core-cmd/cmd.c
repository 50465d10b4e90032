// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the command state machine (<scst/cmd.h> draws it).
 *
 * Each step is a handler of the core's endpoint: it runs per CPU with
 * preemption off and never sleeps, takes the command one step further and
 * either lends it to a fabric or handler (and returns) or ends it. Only one
 * message about a command is ever in flight, so the steps of one command
 * never run concurrently; what can race with them is task management (on
 * another CPU), which is why the abort flag, the completed flag and the
 * task set are read and written under sess->lock.
 *
 * Exactly one winner between an abort and a completion: the handler's
 * CMD_EXEC_DONE sets ->completed under sess->lock unless ->aborted is set
 * already, and an abort sets ->aborted only while ->completed is clear.
 */
#include <linux/slab.h>
#include "core.h"
#include "cdb.h"
#include "sense.h"

static struct kmem_cache *core_cmd_cache;
static atomic64_t core_cmd_ids = ATOMIC64_INIT(0);

static const char * const core_cmd_state_names[] = {
	[CORE_CMD_NEW]		= "NEW",
	[CORE_CMD_PARSE]	= "PARSE (at handler)",
	[CORE_CMD_ALLOC]	= "ALLOC_BUF (at handler)",
	[CORE_CMD_XFER]		= "XFER (at fabric)",
	[CORE_CMD_WAIT]		= "WAIT (task set)",
	[CORE_CMD_EXEC]		= "EXEC (at handler)",
	[CORE_CMD_RESPOND]	= "RESPOND (at fabric)",
};

const char *core_cmd_state_name(unsigned int state)
{
	BUILD_BUG_ON(ARRAY_SIZE(core_cmd_state_names) != CORE_CMD_NR);
	return state < CORE_CMD_NR ? core_cmd_state_names[state] : "?";
}

int core_cmd_cache_init(void)
{
	core_cmd_cache = KMEM_CACHE(core_cmd, 0);
	if (!core_cmd_cache)
		return -ENOMEM;
	if (core_tmf_cache_init()) {
		kmem_cache_destroy(core_cmd_cache);
		return -ENOMEM;
	}
	return 0;
}

void core_cmd_cache_exit(void)
{
	core_tmf_cache_exit();
	kmem_cache_destroy(core_cmd_cache);
}

/* ------------------------------------------------------------------ */
/* Sending, and never losing a message */

/*
 * The bus refuses a send only when the destination is not registered or
 * when a full ring meets no memory to spill to. Neither may lose a
 * command (its owner would wait forever), so the message is kept and
 * retried, with a report, until the bus takes it.
 */
static LIST_HEAD(core_retry_list);
static DEFINE_SPINLOCK(core_retry_lock);
static void core_retry_fn(struct work_struct *work);
static DECLARE_DELAYED_WORK(core_retry_work, core_retry_fn);
#define CORE_RETRY_MS	10

struct core_retry {
	struct list_head node;
	struct scst_msg msg;
};

static void core_retry_fn(struct work_struct *work)
{
	struct core_retry *r, *tmp;
	LIST_HEAD(list);

	spin_lock_bh(&core_retry_lock);
	list_splice_init(&core_retry_list, &list);
	spin_unlock_bh(&core_retry_lock);

	list_for_each_entry_safe(r, tmp, &list, node) {
		if (scst_bus_send(&r->msg))
			continue;
		list_del(&r->node);
		kfree(r);
	}
	if (list_empty(&list))
		return;
	spin_lock_bh(&core_retry_lock);
	list_splice(&list, &core_retry_list);
	spin_unlock_bh(&core_retry_lock);
	core_warn("%s to %s still refused by the bus; retrying\n",
		  scst_msg_name(list_first_entry(&list, struct core_retry,
						 node)->msg.type),
		  scst_ep_name(list_first_entry(&list, struct core_retry,
						node)->msg.dst));
	mod_delayed_work(core_wq, &core_retry_work,
			 msecs_to_jiffies(CORE_RETRY_MS));
}

static void core_send(const struct scst_msg *msg, bool drain)
{
	struct core_retry *r;
	int ret;

	ret = drain ? scst_bus_send_drain(msg) : scst_bus_send(msg);
	if (likely(!ret))
		return;
	/* GFP_ATOMIC: a few hundred bytes, when the bus itself is short. */
	r = kmalloc(sizeof(*r), GFP_ATOMIC | __GFP_NOWARN);
	while (!r) {
		core_warn("%s to %s: no memory to keep it for a retry; spinning\n",
			  scst_msg_name(msg->type), scst_ep_name(msg->dst));
		if (!scst_bus_send(msg))
			return;
		cpu_relax();
		r = kmalloc(sizeof(*r), GFP_ATOMIC | __GFP_NOWARN);
	}
	r->msg = *msg;
	spin_lock_bh(&core_retry_lock);
	list_add_tail(&r->node, &core_retry_list);
	spin_unlock_bh(&core_retry_lock);
	mod_delayed_work(core_wq, &core_retry_work,
			 msecs_to_jiffies(CORE_RETRY_MS));
}

void core_send_notice(struct scst_msg *msg)
{
	core_send(msg, false);
}

void core_retry_exit(void)
{
	cancel_delayed_work_sync(&core_retry_work);
}

void core_lend_cmd(struct core_cmd *cc, enum scst_msg_type type,
		   enum scst_ep_id dst, u8 state)
{
	struct scst_msg msg;

	scst_msg_init(&msg, type, SCST_EP_CORE, dst);
	msg.flags = SCST_MSG_F_REF;
	msg.cmd.cmd = &cc->cmd;
	WRITE_ONCE(cc->reported, false);
	WRITE_ONCE(cc->lent_at, jiffies);
	WRITE_ONCE(cc->state, state);
	core_send(&msg, false);
}

static enum scst_ep_id core_fabric_ep(const struct scst_cmd *cmd)
{
	return cmd->sess->tgt->fabric->ops->ep;
}

static enum scst_ep_id core_handler_ep(const struct scst_cmd *cmd)
{
	return cmd->dev->handler->ep;
}

/* A fabric's or handler's reply returning a command lent by @lend_type. */
static void __core_return_cmd(struct scst_cmd *cmd, enum scst_msg_type type,
			      enum scst_msg_type lend_type,
			      enum scst_ep_id src, int error, bool drain)
{
	struct scst_msg msg;

	scst_msg_init(&msg, type, src, SCST_EP_CORE);
	msg.flags = SCST_MSG_F_REPLY | SCST_MSG_F_REF_RETURN;
	msg.ref_type = lend_type;
	msg.cmd.cmd = cmd;
	msg.cmd.error = error;
	core_send(&msg, drain);
}

static void core_return_cmd(struct scst_cmd *cmd, enum scst_msg_type type,
			    enum scst_msg_type lend_type, enum scst_ep_id src,
			    int error)
{
	__core_return_cmd(cmd, type, lend_type, src, error, false);
}

/* ------------------------------------------------------------------ */
/* Sense */

void scst_cmd_set_status(struct scst_cmd *cmd, u8 status)
{
	cmd->status = status;
	if (status != SCST_STATUS_CHECK_CONDITION)
		cmd->sense_len = 0;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_status);

void core_cmd_set_sense_sks(struct core_cmd *cc, u8 key, u8 asc, u8 ascq,
			    bool cdb_field, u16 byte, int bit)
{
	struct scst_cmd *cmd = &cc->cmd;
	struct scst_sks sks = {
		.valid = true,
		.cdb = cdb_field,
		.byte = byte,
		.bit = bit,
	};

	cmd->status = SCST_STATUS_CHECK_CONDITION;
	cmd->sense_len = scst_sense_build(cmd->sense, sizeof(cmd->sense),
					  cmd->dev && cmd->dev->d_sense,
					  key, asc, ascq, &sks);
}

void scst_cmd_set_sense(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq)
{
	cmd->status = SCST_STATUS_CHECK_CONDITION;
	cmd->sense_len = scst_sense_build(cmd->sense, sizeof(cmd->sense),
					  cmd->dev && cmd->dev->d_sense,
					  key, asc, ascq, NULL);
}
EXPORT_SYMBOL_GPL(scst_cmd_set_sense);

void scst_cmd_set_sense_info(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq,
			     u64 info)
{
	scst_cmd_set_sense(cmd, key, asc, ascq);
	cmd->sense_len = scst_sense_set_info(cmd->sense, sizeof(cmd->sense),
					     cmd->sense_len, info);
}
EXPORT_SYMBOL_GPL(scst_cmd_set_sense_info);

void scst_cmd_set_sense_field(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq,
			      bool in_cdb, u16 byte, int bit)
{
	core_cmd_set_sense_sks(to_core_cmd(cmd), key, asc, ascq, in_cdb, byte,
			       bit);
}
EXPORT_SYMBOL_GPL(scst_cmd_set_sense_field);

/* ------------------------------------------------------------------ */
/* Fabric side */

/**
 * scst_cmd_alloc() - a command for the fabric to fill in and submit
 * @sess:    the session it arrived on
 * @lun:     its LUN (scst_lun_from_sam())
 * @cdb:     its CDB, copied
 * @cdb_len: 1..SCST_MAX_CDB_SIZE
 * @gfp:     allocation flags
 *
 * Returns the command (SIMPLE, expected length unknown) or an ERR_PTR:
 * -EINVAL for a bad CDB length, -ESHUTDOWN once the session is being
 * unregistered, -ENOMEM.
 */
struct scst_cmd *scst_cmd_alloc(struct scst_session *sess, u64 lun,
				const u8 *cdb, unsigned int cdb_len, gfp_t gfp)
{
	struct core_cmd *cc;

	if (!cdb_len || cdb_len > SCST_MAX_CDB_SIZE) {
		core_warn("%s: CDB of %u bytes refused (at most %u)\n",
			  sess->initiator, cdb_len, SCST_MAX_CDB_SIZE);
		return ERR_PTR(-EINVAL);
	}
	cc = kmem_cache_zalloc(core_cmd_cache, gfp);
	if (!cc)
		return ERR_PTR(-ENOMEM);
	cc->cmd.sess = sess;
	cc->cmd.id = atomic64_inc_return(&core_cmd_ids);
	cc->cmd.lun = lun;
	memcpy(cc->cmd.cdb, cdb, cdb_len);
	cc->cmd.cdb_len = cdb_len;
	cc->cmd.task_attr = SCST_TASK_SIMPLE;
	cc->cmd.expected_len = SCST_EXPECTED_LEN_UNKNOWN;
	INIT_LIST_HEAD(&cc->set_node);
	INIT_LIST_HEAD(&cc->run_node);

	spin_lock_bh(&sess->lock);
	if (sess->state != CORE_SESS_ACTIVE) {
		spin_unlock_bh(&sess->lock);
		kmem_cache_free(core_cmd_cache, cc);
		return ERR_PTR(-ESHUTDOWN);
	}
	list_add_tail(&cc->sess_node, &sess->cmds);
	sess->nr_cmds++;
	spin_unlock_bh(&sess->lock);
	return &cc->cmd;
}
EXPORT_SYMBOL_GPL(scst_cmd_alloc);

void scst_cmd_set_fabric_buf(struct scst_cmd *cmd, struct scatterlist *sg,
			     unsigned int sg_cnt, u32 len)
{
	struct core_cmd *cc = to_core_cmd(cmd);

	cc->fabric_sg = sg;
	cc->fabric_sg_cnt = sg_cnt;
	cc->fabric_len = sg ? len : 0;
}
EXPORT_SYMBOL_GPL(scst_cmd_set_fabric_buf);

static void core_cmd_submit(struct scst_cmd *cmd, bool drain)
{
	struct scst_msg msg;

	scst_msg_init(&msg, SCST_MSG_CMD_NEW, core_fabric_ep(cmd),
		      SCST_EP_CORE);
	msg.cmd.cmd = cmd;
	WRITE_ONCE(to_core_cmd(cmd)->lent_at, jiffies);
	WRITE_ONCE(to_core_cmd(cmd)->submitted, true);
	core_send(&msg, drain);
}

void scst_cmd_submit(struct scst_cmd *cmd)
{
	core_cmd_submit(cmd, false);
}
EXPORT_SYMBOL_GPL(scst_cmd_submit);

void scst_cmd_submit_drain(struct scst_cmd *cmd)
{
	core_cmd_submit(cmd, !scst_bus_in_handler());
}
EXPORT_SYMBOL_GPL(scst_cmd_submit_drain);

void scst_cmd_xfer_done(struct scst_cmd *cmd, int error)
{
	core_return_cmd(cmd, SCST_MSG_CMD_XFER_DONE, SCST_MSG_CMD_XFER,
			core_fabric_ep(cmd), error);
}
EXPORT_SYMBOL_GPL(scst_cmd_xfer_done);

void scst_cmd_responded(struct scst_cmd *cmd)
{
	core_return_cmd(cmd, SCST_MSG_CMD_RESPONDED, SCST_MSG_CMD_RESPOND,
			core_fabric_ep(cmd), 0);
}
EXPORT_SYMBOL_GPL(scst_cmd_responded);

/* ------------------------------------------------------------------ */
/* Handler side */

void scst_cmd_parsed(struct scst_cmd *cmd)
{
	core_return_cmd(cmd, SCST_MSG_CMD_PARSED, SCST_MSG_CMD_PARSE,
			core_handler_ep(cmd), 0);
}
EXPORT_SYMBOL_GPL(scst_cmd_parsed);

void scst_cmd_buf_ready(struct scst_cmd *cmd, int error)
{
	core_return_cmd(cmd, SCST_MSG_CMD_BUF_READY, SCST_MSG_CMD_ALLOC_BUF,
			core_handler_ep(cmd), error);
}
EXPORT_SYMBOL_GPL(scst_cmd_buf_ready);

void scst_cmd_exec_done(struct scst_cmd *cmd)
{
	core_return_cmd(cmd, SCST_MSG_CMD_EXEC_DONE, SCST_MSG_CMD_EXEC,
			core_handler_ep(cmd), 0);
}
EXPORT_SYMBOL_GPL(scst_cmd_exec_done);

void scst_cmd_exec_done_drain(struct scst_cmd *cmd)
{
	__core_return_cmd(cmd, SCST_MSG_CMD_EXEC_DONE, SCST_MSG_CMD_EXEC,
			  core_handler_ep(cmd), 0, true);
}
EXPORT_SYMBOL_GPL(scst_cmd_exec_done_drain);

/* ------------------------------------------------------------------ */
/* The steps */

static bool core_cmd_has_outcome(const struct scst_cmd *cmd)
{
	return cmd->status != SCST_STATUS_GOOD || cmd->sense_len;
}

/* NACA bit of the CONTROL byte (SAM-5 8.2): last byte, or byte 1 of 0x7f */
static bool core_cmd_naca(const struct scst_cmd *cmd)
{
	u8 control = cmd->cdb[0] == 0x7f ? cmd->cdb[1] :
					   cmd->cdb[cmd->cdb_len - 1];

	return control & 0x04;
}

/* Aborted while it was lent or waiting: end it now (sess->lock held). */
static bool core_cmd_aborted(struct core_cmd *cc)
{
	lockdep_assert_held(&cc->cmd.sess->lock);
	return cc->cmd.aborted;
}

static void core_cmd_ready(struct core_cmd *cc);

static void core_cmd_after_buf(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;

	if (cmd->data_dir == SCST_DATA_WRITE || cmd->data_dir == SCST_DATA_BIDI)
		core_lend_cmd(cc, SCST_MSG_CMD_XFER, core_fabric_ep(cmd),
			      CORE_CMD_XFER);
	else
		core_cmd_ready(cc);
}

/*
 * The fabric's memory holds the data (scst_cmd_set_fabric_buf()) or there
 * is none: the command needs no buffer step and no transfer, and can go
 * straight to the task set. Points cmd->sg at the fabric's memory.
 */
static bool core_cmd_buf_in_place(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;

	if (cmd->data_dir == SCST_DATA_NONE)
		return true;
	if (!cmd->bufflen || cmd->data_dir == SCST_DATA_BIDI ||
	    !cc->fabric_sg || cc->fabric_len < cmd->bufflen)
		return false;
	if (cmd->dev && (cmd->dev->handler->flags & SCST_HANDLER_ALLOCS_BUF) &&
	    !(cc->op && (cc->op->flags & CDB_F_LOCAL)))
		return false;
	cmd->sg = cc->fabric_sg;
	cmd->sg_cnt = cc->fabric_sg_cnt;
	return true;
}

static void core_cmd_alloc_buf(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	int ret;

	if (!cmd->bufflen || cmd->data_dir == SCST_DATA_NONE) {
		core_cmd_after_buf(cc);
		return;
	}
	if (cmd->dev && (cmd->dev->handler->flags & SCST_HANDLER_ALLOCS_BUF) &&
	    !(cc->op && (cc->op->flags & CDB_F_LOCAL))) {
		core_lend_cmd(cc, SCST_MSG_CMD_ALLOC_BUF, core_handler_ep(cmd),
			      CORE_CMD_ALLOC);
		return;
	}
	if (cc->fabric_sg && cc->fabric_len >= cmd->bufflen &&
	    cmd->data_dir != SCST_DATA_BIDI) {
		/* The fabric's own memory: nothing to allocate or transfer. */
		cmd->sg = cc->fabric_sg;
		cmd->sg_cnt = cc->fabric_sg_cnt;
		core_cmd_ready(cc);
		return;
	}
	ret = scst_sgv_alloc(core_sgv_pool, cmd->bufflen,
			     GFP_ATOMIC | __GFP_NOWARN, 0, 0, &cc->buf);
	if (ret) {
		/* The initiator retries BUSY; memory comes back. */
		core_warn("%s: no memory for a %u-byte buffer: BUSY\n",
			  cmd->sess->initiator, cmd->bufflen);
		cc->buf = NULL;
		scst_cmd_set_status(cmd, SCST_STATUS_BUSY);
		core_cmd_finish(cc);
		return;
	}
	cmd->sg = cc->buf->sg;
	cmd->sg_cnt = cc->buf->nents;
	core_cmd_after_buf(cc);
}

/* The checks SAM and SPC ask for before a command may enter the task set. */
static bool core_cmd_checks_pass(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	struct core_tgt_dev *td = cc->td;
	u16 flags = cc->op ? cc->op->flags : 0;
	u8 key, asc, ascq;
	u64 cap;

	if (!core_reservation_allows(cc)) {
		scst_cmd_set_status(cmd, SCST_STATUS_RESERVATION_CONFLICT);
		return false;
	}
	if (!(flags & CDB_F_UA_OK) && core_ua_take(td, &key, &asc, &ascq)) {
		scst_cmd_set_sense(cmd, key, asc, ascq);
		return false;
	}
	if ((flags & CDB_F_WRITE_MEDIUM) &&
	    (td->tgt_dev.read_only || READ_ONCE(cmd->dev->read_only))) {
		scst_cmd_set_sense(cmd, SCST_KEY_DATA_PROTECT, 0x27, 0x00);
		return false;
	}
	if (!core_pr_allows(cc) || !core_alua_allows(cc))
		return false;
	cap = READ_ONCE(cmd->dev->nr_blocks);
	if ((flags & CDB_F_LBA) &&
	    (cmd->lba > cap || cmd->nr_blocks > cap - cmd->lba)) {
		scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST, 0x21, 0x00);
		return false;
	}
	return true;
}

/*
 * ACA (SAM-5 5.9): while it lasts only ACA-attribute commands may enter
 * the task set, and one may enter only then. Sets the status and returns
 * false if @cc may not.
 */
static bool core_cmd_aca_allows(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	bool aca = cc->td->aca;

	lockdep_assert_held(&cmd->sess->lock);
	if (aca && cmd->task_attr != SCST_TASK_ACA) {
		scst_cmd_set_status(cmd, SCST_STATUS_ACA_ACTIVE);
		return false;
	}
	if (!aca && cmd->task_attr == SCST_TASK_ACA) {
		scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST, 0x49, 0x00);
		return false;
	}
	return true;
}

static void core_cmd_check(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	struct scst_session *sess = cmd->sess;
	enum core_admit admit;
	bool ready;

	if (core_cmd_has_outcome(cmd) || !core_cmd_checks_pass(cc)) {
		core_cmd_finish(cc);
		return;
	}
	spin_lock_bh(&sess->lock);
	if (core_cmd_aborted(cc) || !core_cmd_aca_allows(cc)) {
		spin_unlock_bh(&sess->lock);
		core_cmd_finish(cc);
		return;
	}
	admit = core_task_admit(cc);
	/*
	 * No buffer to get and no data to fetch: what core_cmd_ready()
	 * would do under the lock is done in this hold of it.
	 */
	ready = admit != CORE_ADMIT_REFUSED && core_cmd_buf_in_place(cc);
	if (ready) {
		WRITE_ONCE(cc->state, admit == CORE_ADMIT_RUN ? CORE_CMD_EXEC :
							       CORE_CMD_WAIT);
		if (admit == CORE_ADMIT_WAIT)
			cc->td->nr_waiting++;
	}
	spin_unlock_bh(&sess->lock);
	if (admit == CORE_ADMIT_REFUSED) {
		core_cmd_finish(cc);
		return;
	}
	if (!ready)
		core_cmd_alloc_buf(cc);
	else if (admit == CORE_ADMIT_RUN)
		core_cmd_exec(cc);
}

/* Data is in place: execute now, or wait in the task set for its turn. */
static void core_cmd_ready(struct core_cmd *cc)
{
	struct scst_session *sess = cc->cmd.sess;
	bool run;

	spin_lock_bh(&sess->lock);
	if (core_cmd_aborted(cc)) {
		spin_unlock_bh(&sess->lock);
		core_cmd_finish(cc);
		return;
	}
	run = core_task_may_run(cc);
	WRITE_ONCE(cc->state, run ? CORE_CMD_EXEC : CORE_CMD_WAIT);
	if (!run)
		cc->td->nr_waiting++;
	spin_unlock_bh(&sess->lock);
	if (run)
		core_cmd_exec(cc);
}

void core_cmd_exec(struct core_cmd *cc)
{
	if (cc->op && (cc->op->flags & CDB_F_LOCAL)) {
		WRITE_ONCE(cc->lent_at, jiffies);
		core_local_exec(cc);
		return;
	}
	core_lend_cmd(cc, SCST_MSG_CMD_EXEC, core_handler_ep(&cc->cmd),
		      CORE_CMD_EXEC);
}

/* Sense for a CDB scst_cdb_parse() refused (cdb.h says which is which). */
static void core_cmd_parse_error(struct core_cmd *cc, int ret,
				 const struct scst_cdb_info *info)
{
	switch (ret) {
	case -ERANGE:
		scst_cmd_set_sense(&cc->cmd, SCST_KEY_ILLEGAL_REQUEST,
				   0x21, 0x00);
		break;
	case -EOPNOTSUPP:
		if (!info->err_byte) {
			/* INVALID COMMAND OPERATION CODE */
			core_cmd_set_sense_sks(cc, SCST_KEY_ILLEGAL_REQUEST,
					       0x20, 0x00, true, 0, -1);
			break;
		}
		fallthrough;	/* a service action the opcode lacks */
	default:
		/* INVALID FIELD IN CDB, pointing at the field */
		core_cmd_set_sense_sks(cc, SCST_KEY_ILLEGAL_REQUEST, 0x24,
				       0x00, true, info->err_byte,
				       info->err_bit);
		break;
	}
}

void core_on_cmd_new(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct core_cmd *cc = to_core_cmd(msg->cmd.cmd);
	struct scst_cmd *cmd = &cc->cmd;
	struct scst_session *sess = cmd->sess;
	struct scst_cdb_info info = {};
	struct core_tgt_dev *td;
	int ret;

	if (!core_sess_cmd_arrived(sess, cmd->lun, &td)) {
		/* Submitted after the session's teardown began: never run it. */
		spin_lock_bh(&sess->lock);
		cmd->aborted = true;
		spin_unlock_bh(&sess->lock);
		core_cmd_finish(cc);
		return;
	}
	cc->td = td;
	if (td) {
		cmd->tgt_dev = &td->tgt_dev;
		cmd->dev = td->tgt_dev.dev;
	}
	ret = scst_cdb_parse(cmd->cdb, cmd->cdb_len,
			     td ? cmd->dev->type : 0,
			     td ? cmd->dev->block_shift : 9, &info);
	cc->op = info.op;
	if (!td) {
		if (!core_local_no_lun(cc)) {
			scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
					   0x25, 0x00);
			core_cmd_finish(cc);
		}
		return;
	}
	if (ret) {
		core_cmd_parse_error(cc, ret, &info);
		core_cmd_finish(cc);
		return;
	}
	cmd->data_dir = info.dir;
	cmd->bufflen = info.bufflen;
	cmd->lba = info.lba;
	cmd->nr_blocks = info.nr_blocks;

	/*
	 * ACA comes first (SAM-5 5.9): a command it refuses must not take a
	 * unit attention or reach the handler. It is rare, so look without
	 * the lock; the admission checks again under it.
	 */
	if (unlikely(READ_ONCE(td->aca) || cmd->task_attr == SCST_TASK_ACA)) {
		spin_lock_bh(&sess->lock);
		core_cmd_aca_allows(cc);
		spin_unlock_bh(&sess->lock);
		if (core_cmd_has_outcome(cmd)) {
			core_cmd_finish(cc);
			return;
		}
	}

	if ((cmd->dev->handler->flags & SCST_HANDLER_PARSES) &&
	    !READ_ONCE(cmd->dev->skip_parse) &&
	    !(cc->op->flags & CDB_F_LOCAL)) {
		core_lend_cmd(cc, SCST_MSG_CMD_PARSE, core_handler_ep(cmd),
			      CORE_CMD_PARSE);
		return;
	}
	core_cmd_check(cc);
}

void core_on_cmd_parsed(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct core_cmd *cc = to_core_cmd(msg->cmd.cmd);
	struct scst_cmd *cmd = &cc->cmd;
	bool aborted;

	spin_lock_bh(&cmd->sess->lock);
	aborted = core_cmd_aborted(cc);
	spin_unlock_bh(&cmd->sess->lock);
	if (aborted || core_cmd_has_outcome(cmd)) {
		core_cmd_finish(cc);
		return;
	}
	if (cmd->data_dir > SCST_DATA_BIDI || cmd->bufflen > SCST_SGV_MAX_SIZE) {
		core_warn("handler %s: parse set direction %u, length %u: refused\n",
			  cmd->dev->handler->name, cmd->data_dir, cmd->bufflen);
		scst_cmd_set_sense(cmd, SCST_KEY_HARDWARE_ERROR, 0x44, 0x00);
		core_cmd_finish(cc);
		return;
	}
	core_cmd_check(cc);
}

void core_on_cmd_buf_ready(struct scst_endpoint *ep,
			   const struct scst_msg *msg)
{
	struct core_cmd *cc = to_core_cmd(msg->cmd.cmd);
	struct scst_cmd *cmd = &cc->cmd;
	bool aborted;

	cc->handler_buf = !msg->cmd.error && cmd->sg;
	if (msg->cmd.error && core_cmd_has_outcome(cmd)) {
		/* The handler said why (a device that went away: NOT READY). */
		core_cmd_finish(cc);
		return;
	}
	if (msg->cmd.error || !cmd->sg || !cmd->sg_cnt) {
		core_warn("handler %s: no buffer for %s (%d)\n",
			  cmd->dev->handler->name, cc->op->name,
			  msg->cmd.error);
		if (msg->cmd.error == -ENOMEM)
			scst_cmd_set_status(cmd, SCST_STATUS_BUSY);
		else
			scst_cmd_set_sense(cmd, SCST_KEY_HARDWARE_ERROR,
					   0x44, 0x00);
		core_cmd_finish(cc);
		return;
	}
	spin_lock_bh(&cmd->sess->lock);
	aborted = core_cmd_aborted(cc);
	spin_unlock_bh(&cmd->sess->lock);
	if (aborted)
		core_cmd_finish(cc);
	else
		core_cmd_after_buf(cc);
}

void core_on_cmd_xfer_done(struct scst_endpoint *ep,
			   const struct scst_msg *msg)
{
	struct core_cmd *cc = to_core_cmd(msg->cmd.cmd);

	if (msg->cmd.error) {
		/* DATA PHASE ERROR: the write data never fully arrived. */
		scst_cmd_set_sense(&cc->cmd, SCST_KEY_ABORTED_COMMAND,
				   0x4b, 0x00);
		core_cmd_finish(cc);
		return;
	}
	core_cmd_ready(cc);
}

void core_on_cmd_exec_done(struct scst_endpoint *ep,
			   const struct scst_msg *msg)
{
	core_cmd_finish(to_core_cmd(msg->cmd.cmd));
}

/**
 * core_cmd_finish() - end a command with the outcome set in it
 * @cc: the command, not lent
 *
 * Leaves the task set (letting waiting commands run), applies the
 * outcome's side effects (ACA, QErr), turns an abort into TASK ABORTED or
 * no status, and lends the command to the fabric for its response.
 */
void core_cmd_finish(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	struct scst_session *sess = cmd->sess;
	struct core_tgt_dev *td = cc->td;
	struct core_cmd *run, *tmp;
	LIST_HEAD(runnable);
	bool qerr = false;
	u32 moved;

	spin_lock_bh(&sess->lock);
	cc->completed = true;
	if (cc->in_set && core_task_leave(cc))
		core_task_collect_runnable(td, &runnable);
	if (cmd->aborted) {
		cmd->send_status = cc->aborted_by_other && cmd->dev &&
				   READ_ONCE(cmd->dev->tas);
		cmd->status = cmd->send_status ? SCST_STATUS_TASK_ABORTED :
						 SCST_STATUS_GOOD;
		cmd->sense_len = 0;
		cmd->resp_len = 0;
		sess->stats.aborted++;
	} else {
		cmd->send_status = true;
		if (cmd->status == SCST_STATUS_CHECK_CONDITION && td) {
			if (core_cmd_naca(cmd))
				td->aca = true;
			qerr = READ_ONCE(cmd->dev->qerr);
		}
		if (cmd->status != SCST_STATUS_GOOD)
			sess->stats.errors++;
	}
	if (cmd->resp_len > cmd->bufflen)
		cmd->resp_len = cmd->bufflen;
	if (cmd->status == SCST_STATUS_GOOD) {
		if (cmd->data_dir == SCST_DATA_READ)
			sess->stats.read_bytes += cmd->resp_len;
		else if (cmd->data_dir == SCST_DATA_WRITE)
			sess->stats.write_bytes += cmd->bufflen;
	}
	spin_unlock_bh(&sess->lock);

	list_for_each_entry_safe(run, tmp, &runnable, run_node) {
		list_del_init(&run->run_node);
		core_cmd_exec(run);
	}
	if (qerr)
		core_qerr_abort(cc);

	/* SAM residual: what the initiator expected less what moved. */
	if (cmd->expected_len != SCST_EXPECTED_LEN_UNKNOWN) {
		if (cmd->data_dir == SCST_DATA_READ)
			moved = cmd->resp_len;
		else if (cmd->data_dir == SCST_DATA_NONE)
			moved = 0;
		else
			moved = cmd->bufflen;
		cmd->resid = (s64)cmd->expected_len - moved;
	}
	core_lend_cmd(cc, SCST_MSG_CMD_RESPOND, core_fabric_ep(cmd),
		      CORE_CMD_RESPOND);
}

/* The fabric is done with the command: free it and what it holds. */
void core_on_cmd_responded(struct scst_endpoint *ep,
			   const struct scst_msg *msg)
{
	struct core_cmd *cc = to_core_cmd(msg->cmd.cmd);
	struct scst_cmd *cmd = &cc->cmd;
	struct scst_session *sess = cmd->sess;
	struct core_tgt_dev *td = cc->td;
	struct scst_msg notice;
	bool reap, last;
	unsigned int i;

	if (cc->buf) {
		scst_sgv_free(cc->buf);
	} else if (cc->handler_buf ||
		   (cmd->buf_cookie && cmd->dev &&
		    (cmd->dev->handler->flags & SCST_HANDLER_FREE_NOTICE))) {
		scst_msg_init(&notice, SCST_MSG_CMD_BUF_FREE, SCST_EP_CORE,
			      core_handler_ep(cmd));
		notice.cmd.sg = cc->handler_buf ? cmd->sg : NULL;
		notice.cmd.buf_cookie = cmd->buf_cookie;
		core_send_notice(&notice);
	}

	/* One hold of the lock for the command's three references. */
	spin_lock_bh(&sess->lock);
	list_del(&cc->sess_node);
	for (i = 0; i < ARRAY_SIZE(cc->abort_tmf); i++)
		if (cc->abort_tmf[i])
			core_tmf_cmd_done(cc->abort_tmf[i]);
	reap = td && core_tgt_dev_put_locked(td);
	last = core_sess_put_locked(sess);
	spin_unlock_bh(&sess->lock);

	if (reap)
		core_tgt_dev_reap();
	kmem_cache_free(core_cmd_cache, cc);
	if (last)
		core_sess_last_put(sess);
}
