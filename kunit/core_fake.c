// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the fake fabric and fake device handler the scst_core suites drive
 * the core with (core_fake.h says what they do).
 *
 * Both fakes are ordinary (non-sleeping) bus endpoints: their handlers run
 * with preemption off, like the core's, so they allocate with GFP_ATOMIC
 * and copy data with atomic sg mappings. A command they did not hold when
 * CMD_ABORT names it is never dereferenced: it may already be freed.
 */
#include <asm/unaligned.h>
#include <linux/delay.h>
#include <linux/highmem.h>
#include <linux/jiffies.h>
#include <linux/module.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "core_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* The fixture of the running case; the handler's ops callbacks need it. */
static struct cf_fixture *cf_current;

/* A data buffer the fake handler supplies (SCST_HANDLER_ALLOCS_BUF) */
struct cf_buf {
	struct scatterlist *sg;
	unsigned int nents;
};

u8 cf_pattern(u64 lba, u32 off)
{
	u64 pos = (lba << CF_BLOCK_SHIFT) + off;

	/* Differs for every byte of a block and between blocks */
	return (u8)(pos ^ (pos >> 8) ^ (pos >> 16) ^ 0x5a);
}

static void cf_sg_fill(struct scst_cmd *cmd, u32 len)
{
	struct sg_mapping_iter miter;
	u32 off = 0;

	sg_miter_start(&miter, cmd->sg, cmd->sg_cnt,
		       SG_MITER_ATOMIC | SG_MITER_TO_SG);
	while (off < len && sg_miter_next(&miter)) {
		u8 *p = miter.addr;
		size_t i, n = min_t(size_t, miter.length, len - off);

		for (i = 0; i < n; i++)
			p[i] = cf_pattern(cmd->lba, off + i);
		off += n;
	}
	sg_miter_stop(&miter);
}

static bool cf_sg_check(struct scst_cmd *cmd, u32 len)
{
	struct sg_mapping_iter miter;
	bool ok = true;
	u32 off = 0;

	sg_miter_start(&miter, cmd->sg, cmd->sg_cnt,
		       SG_MITER_ATOMIC | SG_MITER_FROM_SG);
	while (ok && off < len && sg_miter_next(&miter)) {
		const u8 *p = miter.addr;
		size_t i, n = min_t(size_t, miter.length, len - off);

		for (i = 0; i < n; i++) {
			if (p[i] != cf_pattern(cmd->lba, off + i)) {
				ok = false;
				break;
			}
		}
		off += n;
	}
	sg_miter_stop(&miter);
	return ok && off >= len;
}

/* Key, ASC and ASCQ of fixed (SPC-4 4.5.3) or descriptor (4.5.2) sense */
static void cf_sense_decode(const u8 *s, unsigned int len, u8 *key, u8 *asc,
			    u8 *ascq)
{
	*key = *asc = *ascq = 0;
	if (len < 4)
		return;
	switch (s[0] & 0x7f) {
	case 0x70:
	case 0x71:
		*key = s[2] & 0xf;
		if (len >= 14) {
			*asc = s[12];
			*ascq = s[13];
		}
		break;
	case 0x72:
	case 0x73:
		*key = s[1] & 0xf;
		*asc = s[2];
		*ascq = s[3];
		break;
	}
}

/* Append an event; the caller fills it under fx->lock. */
static struct cf_event *cf_log(struct cf_fixture *fx, u8 side, u16 type)
{
	struct cf_event *ev;

	lockdep_assert_held(&fx->lock);
	if (fx->nr_events >= CF_MAX_EVENTS) {
		fx->lost_events++;
		return NULL;
	}
	ev = &fx->events[fx->nr_events++];
	memset(ev, 0, sizeof(*ev));
	ev->seq = fx->next_seq++;
	ev->side = side;
	ev->type = type;
	ev->task = current;
	return ev;
}

/* Fill an event from a command the fake holds right now */
static void cf_log_cmd(struct cf_event *ev, struct scst_cmd *cmd)
{
	ev->cmd = cmd;
	ev->sess = cmd->sess;
	ev->tag = cmd->tag;
	ev->lun = cmd->lun;
	ev->dev = cmd->dev;
	ev->status = cmd->status;
	ev->sense_len = cmd->sense_len;
	memcpy(ev->sense, cmd->sense,
	       min_t(unsigned int, cmd->sense_len, CF_SENSE_KEEP));
	cf_sense_decode(cmd->sense, min_t(unsigned int, cmd->sense_len,
					  SCST_SENSE_BUFFERSIZE),
			&ev->key, &ev->asc, &ev->ascq);
	ev->aborted = cmd->aborted;
	ev->send_status = cmd->send_status;
	ev->data_dir = cmd->data_dir;
	ev->bufflen = cmd->bufflen;
	ev->lba = cmd->lba;
	ev->nr_blocks = cmd->nr_blocks;
	ev->resp_len = cmd->resp_len;
	ev->resid = cmd->resid;
	ev->sg = cmd->sg;
	ev->cookie = cmd->buf_cookie;
}

static void cf_hold(struct cf_fixture *fx, u8 side, const struct scst_msg *msg,
		    u64 tag, struct scst_session *sess)
{
	struct cf_held *h;

	lockdep_assert_held(&fx->lock);
	if (WARN_ON_ONCE(fx->nr_held >= CF_MAX_HELD))
		return;
	h = &fx->held[fx->nr_held++];
	memset(h, 0, sizeof(*h));
	h->side = side;
	h->type = msg->type;
	h->tag = tag;
	h->sess = sess;
	h->msg = *msg;
}

static struct cf_held *cf_held_find_cmd(struct cf_fixture *fx, u8 side,
					struct scst_cmd *cmd)
{
	unsigned int i;

	lockdep_assert_held(&fx->lock);
	for (i = 0; i < fx->nr_held; i++) {
		if (fx->held[i].side == side && fx->held[i].msg.cmd.cmd == cmd)
			return &fx->held[i];
	}
	return NULL;
}

static void cf_held_remove(struct cf_fixture *fx, struct cf_held *h)
{
	unsigned int i = h - fx->held;

	lockdep_assert_held(&fx->lock);
	memmove(&fx->held[i], &fx->held[i + 1],
		(fx->nr_held - i - 1) * sizeof(*h));
	fx->nr_held--;
}

static struct cf_fixture *cf_fx(struct scst_endpoint *ep)
{
	struct cf_fixture *fx = READ_ONCE(cf_current);

	return fx;
}

/* ------------------------------------------------------------------ */
/* Answers: what a fake does when it does not hold, or the test answers */

static void cf_handler_exec(struct cf_fixture *fx, struct scst_cmd *cmd)
{
	unsigned long flags;
	struct cf_fail fail = { };
	bool failed = false;
	unsigned int i;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_fails; i++) {
		if (fx->fails[i].tag == cmd->tag && !fx->fails[i].at_parse) {
			fail = fx->fails[i];
			failed = true;
		}
	}
	spin_unlock_irqrestore(&fx->lock, flags);

	if (failed) {
		cmd->resp_len = 0;
		scst_cmd_set_sense(cmd, fail.key, fail.code >> 8, fail.code & 0xff);
	} else {
		if (cmd->data_dir == SCST_DATA_READ && cmd->sg) {
			cf_sg_fill(cmd, cmd->bufflen);
			cmd->resp_len = cmd->bufflen;
		}
		scst_cmd_set_status(cmd, SCST_STATUS_GOOD);
	}
	if (fx->exec_drain)
		scst_cmd_exec_done_drain(cmd);
	else
		scst_cmd_exec_done(cmd);
}

static void cf_handler_parse(struct cf_fixture *fx, struct scst_cmd *cmd)
{
	unsigned long flags;
	struct cf_fail fail = { };
	bool failed = false;
	unsigned int i;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_fails; i++) {
		if (fx->fails[i].tag == cmd->tag && fx->fails[i].at_parse) {
			fail = fx->fails[i];
			failed = true;
		}
	}
	spin_unlock_irqrestore(&fx->lock, flags);
	if (failed)
		scst_cmd_set_sense(cmd, fail.key, fail.code >> 8,
				   fail.code & 0xff);
	scst_cmd_parsed(cmd);
}

static void cf_handler_alloc_buf(struct cf_fixture *fx, struct scst_cmd *cmd)
{
	unsigned int i, nents = DIV_ROUND_UP(cmd->bufflen, PAGE_SIZE);
	unsigned long flags;
	struct cf_buf *buf;
	u32 left = cmd->bufflen;

	buf = kzalloc(sizeof(*buf), GFP_ATOMIC);
	if (!buf)
		goto fail;
	buf->sg = kcalloc(nents, sizeof(*buf->sg), GFP_ATOMIC);
	if (!buf->sg)
		goto fail_buf;
	sg_init_table(buf->sg, nents);
	for (i = 0; i < nents; i++) {
		struct page *page = alloc_page(GFP_ATOMIC | __GFP_ZERO);
		u32 n = min_t(u32, left, PAGE_SIZE);

		if (!page)
			goto fail_pages;
		sg_set_page(&buf->sg[i], page, n, 0);
		buf->nents++;
		left -= n;
	}
	spin_lock_irqsave(&fx->lock, flags);
	fx->bufs_out++;
	spin_unlock_irqrestore(&fx->lock, flags);
	cmd->sg = buf->sg;
	cmd->sg_cnt = buf->nents;
	cmd->buf_cookie = (uintptr_t)buf;
	scst_cmd_buf_ready(cmd, 0);
	return;

fail_pages:
	for (i = 0; i < buf->nents; i++)
		__free_page(sg_page(&buf->sg[i]));
	kfree(buf->sg);
fail_buf:
	kfree(buf);
fail:
	scst_cmd_buf_ready(cmd, -ENOMEM);
}

static void cf_buf_free(struct cf_buf *buf)
{
	unsigned int i;

	for (i = 0; i < buf->nents; i++)
		__free_page(sg_page(&buf->sg[i]));
	kfree(buf->sg);
	kfree(buf);
}

void cf_answer_held(struct cf_fixture *fx, struct cf_held *h)
{
	const struct scst_msg *msg = &h->msg;
	struct scst_cmd *cmd = msg->cmd.cmd;

	switch (h->type) {
	case SCST_MSG_CMD_XFER:
		if (h->abort_seen && fx->xfer_abort_error) {
			scst_cmd_xfer_done(cmd, fx->xfer_abort_error);
			break;
		}
		if (cmd->sg)
			cf_sg_fill(cmd, cmd->bufflen);
		scst_cmd_xfer_done(cmd, 0);
		break;
	case SCST_MSG_CMD_RESPOND:
		scst_cmd_responded(cmd);
		break;
	case SCST_MSG_TMF_RESPOND:
		scst_tmf_responded(msg->cmd.tmf);
		break;
	case SCST_MSG_CMD_PARSE:
		cf_handler_parse(fx, cmd);
		break;
	case SCST_MSG_CMD_ALLOC_BUF:
		cf_handler_alloc_buf(fx, cmd);
		break;
	case SCST_MSG_CMD_EXEC:
		cf_handler_exec(fx, cmd);
		break;
	case SCST_MSG_TMF_EXEC:
		scst_tmf_exec_done(msg, 0);
		break;
	default:
		WARN(1, "fake: cannot answer %s\n", scst_msg_name(h->type));
	}
}

/*
 * Log a message that lends a command and answer it, or hold it. The
 * event is logged before the answer: the answer may let the core free
 * the command.
 */
static void cf_on_lent_cmd(struct scst_endpoint *ep, const struct scst_msg *msg,
			   u8 side)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct scst_cmd *cmd = msg->cmd.cmd;
	struct cf_held h = { .side = side, .type = msg->type, .msg = *msg };
	struct cf_event *ev;
	unsigned long flags;
	bool hold;

	spin_lock_irqsave(&fx->lock, flags);
	ev = cf_log(fx, side, msg->type);
	if (ev) {
		cf_log_cmd(ev, cmd);
		if (msg->type == SCST_MSG_CMD_EXEC &&
		    cmd->data_dir == SCST_DATA_WRITE && cmd->sg)
			ev->data_ok = cf_sg_check(cmd, cmd->bufflen);
		if (msg->type == SCST_MSG_CMD_RESPOND && cmd->sg &&
		    cmd->data_dir == SCST_DATA_READ) {
			ev->data_ok = cf_sg_check(cmd, cmd->resp_len);
			sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, ev->data,
					   min_t(u32, cmd->resp_len,
						 CF_DATA_KEEP), 0);
		}
	}
	hold = fx->mode[msg->type] == CF_HOLD;
	if (hold)
		cf_hold(fx, side, msg, cmd->tag, cmd->sess);
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
	if (!hold)
		cf_answer_held(fx, &h);
}

static void cf_on_lent_tmf(struct scst_endpoint *ep, const struct scst_msg *msg,
			   u8 side)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct scst_tmf *tmf = msg->cmd.tmf;
	struct cf_held h = { .side = side, .type = msg->type, .msg = *msg };
	struct cf_event *ev;
	unsigned long flags;
	bool hold;

	spin_lock_irqsave(&fx->lock, flags);
	ev = cf_log(fx, side, msg->type);
	if (ev) {
		ev->tmf = tmf;
		ev->sess = tmf->sess;
		ev->tag = (uintptr_t)tmf->fabric_priv;
		ev->lun = tmf->lun;
		ev->dev = msg->cmd.dev;
		ev->tmf_response = tmf->response;
		memcpy(ev->additional, tmf->additional, sizeof(ev->additional));
	}
	hold = fx->mode[msg->type] == CF_HOLD;
	if (hold)
		cf_hold(fx, side, msg, (uintptr_t)tmf->fabric_priv, tmf->sess);
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
	if (!hold)
		cf_answer_held(fx, &h);
}

/*
 * CMD_ABORT: a notice, no reference. The command is ours to look at only
 * if we hold it; otherwise we answered it already and it may be gone.
 */
static void cf_on_abort(struct scst_endpoint *ep, const struct scst_msg *msg,
			u8 side)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct cf_held *h, taken;
	struct cf_event *ev;
	unsigned long flags;
	bool answer = false;

	spin_lock_irqsave(&fx->lock, flags);
	h = cf_held_find_cmd(fx, side, msg->cmd.cmd);
	ev = cf_log(fx, side, msg->type);
	if (ev) {
		ev->cmd = msg->cmd.cmd;
		ev->tag = CF_TAG_UNKNOWN;
		if (h) {
			ev->tag = h->tag;
			ev->sess = h->sess;
		}
	}
	if (h) {
		h->abort_seen = true;
		if (fx->answer_on_abort) {
			taken = *h;
			cf_held_remove(fx, h);
			answer = true;
		}
	}
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
	if (answer)
		cf_answer_held(fx, &taken);
}

/* ------------------------------------------------------------------ */
/* The fake fabric's endpoint */

static void cf_fabric_xfer(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	cf_on_lent_cmd(ep, msg, CF_FABRIC);
}

static void cf_fabric_respond(struct scst_endpoint *ep,
			      const struct scst_msg *msg)
{
	cf_on_lent_cmd(ep, msg, CF_FABRIC);
}

static void cf_fabric_abort(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	cf_on_abort(ep, msg, CF_FABRIC);
}

static void cf_fabric_tmf_respond(struct scst_endpoint *ep,
				  const struct scst_msg *msg)
{
	cf_on_lent_tmf(ep, msg, CF_FABRIC);
}

static void cf_fabric_gone(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct cf_event *ev;
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&fx->lock, flags);
	ev = cf_log(fx, CF_FABRIC, msg->type);
	if (ev)
		ev->priv = msg->sess.fabric_priv;
	if (msg->type == SCST_MSG_SESS_GONE) {
		for (i = 0; i < CF_MAX_SESS; i++) {
			if (msg->sess.fabric_priv == &fx->sess_priv[i])
				fx->sess_gone[i] = true;
		}
	} else if (msg->sess.fabric_priv == fx) {
		fx->tgt_gone = true;
	}
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
}

/* SESS_LUNS_CHANGED: a notice; log it with the session it names */
static void cf_fabric_notice(struct scst_endpoint *ep,
			     const struct scst_msg *msg)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct cf_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	ev = cf_log(fx, CF_FABRIC, msg->type);
	if (ev)
		ev->priv = msg->sess.fabric_priv;
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
}

static const SCST_HANDLERS(cf_fabric_handlers) = {
	[SCST_MSG_CMD_XFER]	= cf_fabric_xfer,
	[SCST_MSG_CMD_RESPOND]	= cf_fabric_respond,
	[SCST_MSG_CMD_ABORT]	= cf_fabric_abort,
	[SCST_MSG_TMF_RESPOND]	= cf_fabric_tmf_respond,
	[SCST_MSG_SESS_GONE]	= cf_fabric_gone,
	[SCST_MSG_TGT_GONE]	= cf_fabric_gone,
	[SCST_MSG_SESS_LUNS_CHANGED] = cf_fabric_notice,
};

static int cf_enable_target(struct scst_tgt *tgt, bool enable)
{
	return 0;
}

/* ------------------------------------------------------------------ */
/* The fake handler's endpoint */

static void cf_handler_lent(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	cf_on_lent_cmd(ep, msg, CF_HANDLER);
}

static void cf_handler_abort(struct scst_endpoint *ep,
			     const struct scst_msg *msg)
{
	cf_on_abort(ep, msg, CF_HANDLER);
}

static void cf_handler_buf_free(struct scst_endpoint *ep,
				const struct scst_msg *msg)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct cf_buf *buf = (struct cf_buf *)(uintptr_t)msg->cmd.buf_cookie;
	struct cf_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	ev = cf_log(fx, CF_HANDLER, msg->type);
	if (ev) {
		ev->sg = msg->cmd.sg;
		ev->cookie = msg->cmd.buf_cookie;
	}
	/* A cookie we never gave out is logged, not followed */
	if (buf && buf->sg == msg->cmd.sg)
		fx->bufs_out--;
	else
		buf = NULL;
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
	if (buf)
		cf_buf_free(buf);
}

static void cf_handler_tmf_exec(struct scst_endpoint *ep,
				const struct scst_msg *msg)
{
	cf_on_lent_tmf(ep, msg, CF_HANDLER);
}

static void cf_handler_sess(struct scst_endpoint *ep, const struct scst_msg *msg)
{
	struct cf_fixture *fx = cf_fx(ep);
	struct cf_event *ev;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	ev = cf_log(fx, CF_HANDLER, msg->type);
	if (ev) {
		ev->sess = msg->sess.tgt_dev->sess;
		ev->lun = msg->sess.tgt_dev->lun;
		ev->dev = msg->sess.tgt_dev->dev;
	}
	wake_up_all(&fx->wq);
	spin_unlock_irqrestore(&fx->lock, flags);
	if (msg->type == SCST_MSG_SESS_ATTACH)
		scst_sess_attached(msg, 0);
	else
		scst_sess_detached(msg);
}

static const SCST_HANDLERS(cf_handler_handlers) = {
	[SCST_MSG_CMD_PARSE]	= cf_handler_lent,
	[SCST_MSG_CMD_ALLOC_BUF] = cf_handler_lent,
	[SCST_MSG_CMD_EXEC]	= cf_handler_lent,
	[SCST_MSG_CMD_ABORT]	= cf_handler_abort,
	[SCST_MSG_CMD_BUF_FREE]	= cf_handler_buf_free,
	[SCST_MSG_TMF_EXEC]	= cf_handler_tmf_exec,
	[SCST_MSG_SESS_ATTACH]	= cf_handler_sess,
	[SCST_MSG_SESS_DETACH]	= cf_handler_sess,
};

static int cf_create_device(struct scst_device *dev)
{
	return 0;
}

static void cf_destroy_device(struct scst_device *dev)
{
}

static int cf_enable_device(struct scst_device *dev, bool enable)
{
	if (enable) {
		dev->block_shift = CF_BLOCK_SHIFT;
		dev->nr_blocks = CF_NR_BLOCKS;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fixture */

/* Wait for @cond (evaluated under no lock) up to CF_WAIT_MS */
#define cf_wait_for(fx, cond)						\
	(wait_event_timeout((fx)->wq, (cond),				\
			    msecs_to_jiffies(CF_WAIT_MS)) > 0)

static bool cf_sess_is_gone(struct cf_fixture *fx, unsigned int idx)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&fx->lock, flags);
	gone = fx->sess_gone[idx];
	spin_unlock_irqrestore(&fx->lock, flags);
	return gone;
}

static bool cf_tgt_is_gone(struct cf_fixture *fx)
{
	unsigned long flags;
	bool gone;

	spin_lock_irqsave(&fx->lock, flags);
	gone = fx->tgt_gone;
	spin_unlock_irqrestore(&fx->lock, flags);
	return gone;
}

int cf_lun_add(struct cf_fixture *fx, struct scst_acg *acg, u64 lun,
	       unsigned int dev_idx, bool read_only)
{
	int ret;

	mutex_lock(&core_cfg_mutex);
	ret = core_lun_add(acg, lun, to_core_dev(fx->devs[dev_idx]), read_only);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

int cf_lun_del(struct cf_fixture *fx, struct scst_acg *acg, u64 lun)
{
	int ret;

	mutex_lock(&core_cfg_mutex);
	ret = core_lun_del(acg, lun);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

struct scst_acg *cf_acg_add(struct cf_fixture *fx, const char *name,
			    const char *pattern)
{
	struct scst_acg *acg;
	int ret;

	mutex_lock(&core_cfg_mutex);
	acg = core_acg_create(fx->tgt, name);
	if (IS_ERR_OR_NULL(acg)) {
		mutex_unlock(&core_cfg_mutex);
		return acg ? acg : ERR_PTR(-ENOMEM);
	}
	ret = core_acg_add_ini(acg, pattern);
	mutex_unlock(&core_cfg_mutex);
	return ret ? ERR_PTR(ret) : acg;
}

struct scst_session *cf_sess_add(struct cf_fixture *fx, unsigned int idx,
				 const char *initiator)
{
	struct kunit *test = fx->test;
	struct scst_session *sess;

	KUNIT_ASSERT_LT(test, idx, CF_MAX_SESS);
	KUNIT_ASSERT_NULL(test, fx->sess[idx]);
	sess = scst_sess_register(fx->tgt, initiator, NULL, 0,
				  &fx->sess_priv[idx]);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, sess,
					 "session of %s did not register",
					 initiator);
	fx->sess[idx] = sess;
	fx->sess_gone[idx] = false;
	return sess;
}

bool cf_wait_sess_gone(struct cf_fixture *fx, unsigned int idx,
		       unsigned int ms)
{
	return wait_event_timeout(fx->wq, cf_sess_is_gone(fx, idx),
				  msecs_to_jiffies(ms)) > 0;
}

void cf_sess_remove(struct cf_fixture *fx, unsigned int idx)
{
	struct kunit *test = fx->test;

	KUNIT_ASSERT_NOT_NULL(test, fx->sess[idx]);
	scst_sess_unregister(fx->sess[idx]);
	KUNIT_ASSERT_TRUE_MSG(test, cf_wait_for(fx, cf_sess_is_gone(fx, idx)),
			      "SESS_GONE of session %u did not come", idx);
	fx->sess[idx] = NULL;
}

int cf_fixture_init(struct kunit *test, unsigned int handler_flags)
{
	static const char * const dev_names[CF_NR_DEVS] = {
		"fake_dev0", "fake_dev1", "fake_dev2"
	};
	struct cf_fixture *fx;
	unsigned int i;
	int ret;

	/* Not kunit_kzalloc(): a fixture the core still uses is leaked. */
	fx = kzalloc(sizeof(*fx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, fx);
	fx->test = test;
	spin_lock_init(&fx->lock);
	init_waitqueue_head(&fx->wq);
	fx->next_tmf_id = 1;
	test->priv = fx;
	WRITE_ONCE(cf_current, fx);

	fx->fabric_ep.name = "fake_fabric";
	fx->fabric_ep.id = SCST_EP_TEST0;
	fx->fabric_ep.handlers = SCST_EP_HANDLERS(cf_fabric_handlers);
	fx->handler_ep.name = "fake_disk";
	fx->handler_ep.id = SCST_EP_TEST1;
	fx->handler_ep.handlers = SCST_EP_HANDLERS(cf_handler_handlers);
	ret = scst_bus_register(&fx->fabric_ep);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "fake fabric endpoint");
	fx->fabric_ep_registered = true;
	ret = scst_bus_register(&fx->handler_ep);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "fake handler endpoint");
	fx->handler_ep_registered = true;

	fx->fabric_ops.name = "fake_fabric";
	fx->fabric_ops.owner = THIS_MODULE;
	fx->fabric_ops.ep = SCST_EP_TEST0;
	/* SPC-4 table 445: no specific protocol */
	fx->fabric_ops.protocol_id = 0xf;
	fx->fabric_ops.enable_target = cf_enable_target;
	ret = scst_fabric_register(&fx->fabric_ops);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "scst_fabric_register");
	fx->fabric_registered = true;

	fx->handler_ops.name = "fake_disk";
	fx->handler_ops.owner = THIS_MODULE;
	fx->handler_ops.ep = SCST_EP_TEST1;
	fx->handler_ops.type = 0;
	fx->handler_ops.flags = handler_flags;
	fx->handler_ops.create_device = cf_create_device;
	fx->handler_ops.destroy_device = cf_destroy_device;
	fx->handler_ops.enable_device = cf_enable_device;
	ret = scst_handler_register(&fx->handler_ops);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "scst_handler_register");
	fx->handler_registered = true;

	for (i = 0; i < CF_NR_DEVS; i++) {
		struct scst_device *dev;

		dev = scst_dev_register(&fx->handler_ops, dev_names[i]);
		KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, dev, "scst_dev_register(%s)",
						 dev_names[i]);
		fx->devs[i] = dev;
		ret = scst_dev_enable(dev, true);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "scst_dev_enable(%s)",
				    dev_names[i]);
		fx->dev_enabled[i] = true;
		KUNIT_ASSERT_EQ(test, dev->block_shift, CF_BLOCK_SHIFT);
		KUNIT_ASSERT_EQ(test, dev->nr_blocks, (u64)CF_NR_BLOCKS);
	}

	fx->tgt = scst_tgt_register(&fx->fabric_ops, "fake_tgt", fx);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, fx->tgt, "scst_tgt_register");
	for (i = 0; i < CF_NR_LUNS; i++) {
		ret = cf_lun_add(fx, &fx->tgt->default_acg, i, i, false);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "LUN %u", i);
	}
	ret = scst_tgt_enable(fx->tgt, true);
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "enabling the target");
	return 0;
}

/*
 * Undo everything, waiting (bounded) for the core's SESS_GONE and TGT_GONE
 * so that nothing of this case is left for the next. If something does
 * not end, the fixture stays allocated and registered: the core may still
 * send to it.
 */
void cf_fixture_exit(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	bool leak = false;
	unsigned long flags;
	unsigned int i;

	if (!fx)
		return;
	/* Let everything in flight finish by itself */
	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < SCST_MSG_NR; i++)
		fx->mode[i] = CF_AUTO;
	fx->answer_on_abort = true;
	spin_unlock_irqrestore(&fx->lock, flags);
	cf_answer_all(fx);

	for (i = 0; i < CF_MAX_SESS; i++) {
		if (!fx->sess[i] || fx->sess_gone[i])
			continue;
		scst_sess_unregister(fx->sess[i]);
	}
	for (i = 0; i < CF_MAX_SESS; i++) {
		if (!fx->sess[i])
			continue;
		/* Commands the session had may come back held no more */
		if (!cf_wait_for(fx, cf_sess_is_gone(fx, i))) {
			kunit_err(test, "fixture: SESS_GONE of session %u did not come\n",
				  i);
			leak = true;
		}
	}
	if (fx->tgt && !leak) {
		scst_tgt_unregister(fx->tgt);
		if (!cf_wait_for(fx, cf_tgt_is_gone(fx))) {
			kunit_err(test, "fixture: TGT_GONE did not come\n");
			leak = true;
		}
	}
	for (i = 0; i < CF_NR_DEVS && !leak; i++) {
		if (!fx->devs[i])
			continue;
		if (fx->dev_enabled[i] && scst_dev_enable(fx->devs[i], false)) {
			kunit_err(test, "fixture: device %u did not disable\n", i);
			leak = true;
			break;
		}
		if (scst_dev_unregister(fx->devs[i])) {
			kunit_err(test, "fixture: device %u did not unregister\n", i);
			leak = true;
		}
	}
	if (!leak && fx->handler_registered)
		scst_handler_unregister(&fx->handler_ops);
	if (!leak && fx->fabric_registered)
		scst_fabric_unregister(&fx->fabric_ops);
	if (!leak && fx->handler_ep_registered &&
	    scst_bus_unregister(&fx->handler_ep)) {
		kunit_err(test, "fixture: fake handler endpoint did not unregister\n");
		leak = true;
	}
	if (!leak && fx->fabric_ep_registered &&
	    scst_bus_unregister(&fx->fabric_ep)) {
		kunit_err(test, "fixture: fake fabric endpoint did not unregister\n");
		leak = true;
	}
	KUNIT_EXPECT_FALSE_MSG(test, leak, "the fixture did not tear down");
	KUNIT_EXPECT_EQ_MSG(test, fx->bufs_out, 0U,
			    "handler buffers never given back with BUF_FREE");
	KUNIT_EXPECT_EQ_MSG(test, fx->lost_events, 0U, "event log overflowed");
	if (leak)
		return;
	WRITE_ONCE(cf_current, NULL);
	test->priv = NULL;
	kfree(fx);
}

struct cf_fixture *cf_fixture_reinit(struct kunit *test,
				     unsigned int handler_flags)
{
	cf_fixture_exit(test);
	KUNIT_ASSERT_NULL_MSG(test, test->priv, "the old fixture did not go");
	cf_fixture_init(test, handler_flags);
	return test->priv;
}

/* ------------------------------------------------------------------ */
/* Commands */

void cf_cdb_rw10(u8 *cdb, bool write, u32 lba, u16 blocks)
{
	memset(cdb, 0, 10);
	cdb[0] = write ? 0x2a : 0x28;	/* WRITE(10), READ(10): SBC-4 */
	put_unaligned_be32(lba, &cdb[2]);
	put_unaligned_be16(blocks, &cdb[7]);
}

void cf_cdb_tur(u8 *cdb)
{
	memset(cdb, 0, 6);		/* TEST UNIT READY: opcode 0 */
}

struct scst_cmd *cf_cmd(struct cf_fixture *fx, struct scst_session *sess,
			u64 lun, const u8 *cdb, unsigned int cdb_len, u64 tag,
			u8 task_attr, u32 expected_len)
{
	struct scst_cmd *cmd;

	cmd = scst_cmd_alloc(sess, lun, cdb, cdb_len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(fx->test, cmd,
					 "scst_cmd_alloc of tag %llu", tag);
	cmd->tag = tag;
	cmd->task_attr = task_attr;
	cmd->expected_len = expected_len;
	return cmd;
}

struct scst_cmd *cf_submit(struct cf_fixture *fx, struct scst_session *sess,
			   u64 lun, const u8 *cdb, unsigned int cdb_len,
			   u64 tag, u8 task_attr, u32 expected_len)
{
	struct scst_cmd *cmd;

	cmd = cf_cmd(fx, sess, lun, cdb, cdb_len, tag, task_attr, expected_len);
	scst_cmd_submit(cmd);
	return cmd;
}

struct scst_cmd *cf_read(struct cf_fixture *fx, struct scst_session *sess,
			 u64 lun, u64 tag, u8 task_attr, u32 lba, u16 blocks)
{
	u8 cdb[10];

	cf_cdb_rw10(cdb, false, lba, blocks);
	return cf_submit(fx, sess, lun, cdb, sizeof(cdb), tag, task_attr,
			 blocks << CF_BLOCK_SHIFT);
}

struct scst_cmd *cf_write(struct cf_fixture *fx, struct scst_session *sess,
			  u64 lun, u64 tag, u8 task_attr, u32 lba, u16 blocks)
{
	u8 cdb[10];

	cf_cdb_rw10(cdb, true, lba, blocks);
	return cf_submit(fx, sess, lun, cdb, sizeof(cdb), tag, task_attr,
			 blocks << CF_BLOCK_SHIFT);
}

struct scst_cmd *cf_tur(struct cf_fixture *fx, struct scst_session *sess,
			u64 lun, u64 tag, u8 task_attr)
{
	u8 cdb[6];

	cf_cdb_tur(cdb);
	return cf_submit(fx, sess, lun, cdb, sizeof(cdb), tag, task_attr, 0);
}

u64 cf_tmf_new_id(struct cf_fixture *fx)
{
	unsigned long flags;
	u64 id;

	spin_lock_irqsave(&fx->lock, flags);
	id = fx->next_tmf_id++;
	spin_unlock_irqrestore(&fx->lock, flags);
	return id;
}

u64 cf_tmf(struct cf_fixture *fx, struct scst_session *sess,
	   enum scst_tmf_fn fn, u64 lun, u64 tag)
{
	struct scst_tmf *tmf;
	u64 id;

	tmf = scst_tmf_alloc(sess, fn, lun, tag, GFP_KERNEL);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(fx->test, tmf, "scst_tmf_alloc(%d)",
					 fn);
	id = cf_tmf_new_id(fx);
	tmf->fabric_priv = (void *)(uintptr_t)id;
	scst_tmf_submit(tmf);
	return id;
}

void cf_fail_tag(struct cf_fixture *fx, u64 tag, u8 key, u16 code,
		 bool at_parse)
{
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	if (!WARN_ON(fx->nr_fails >= CF_MAX_FAILS))
		fx->fails[fx->nr_fails++] = (struct cf_fail){
			.tag = tag, .key = key, .code = code,
			.at_parse = at_parse,
		};
	spin_unlock_irqrestore(&fx->lock, flags);
}

struct cf_event cf_run(struct cf_fixture *fx, struct scst_session *sess,
		       u64 lun, const u8 *cdb, unsigned int cdb_len, u64 tag,
		       u8 task_attr, u32 expected_len)
{
	cf_submit(fx, sess, lun, cdb, cdb_len, tag, task_attr, expected_len);
	return cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, tag);
}

unsigned int cf_collect_uas(struct cf_fixture *fx, struct scst_session *sess,
			    u64 lun, u64 *tag, u16 *uas, unsigned int max)
{
	struct kunit *test = fx->test;
	struct cf_event ev;
	unsigned int i;
	u8 cdb[6];

	cf_cdb_tur(cdb);
	/* The queue holds at most CORE_UA_MAX, plus one that overflowed */
	for (i = 0; i <= CORE_UA_MAX + 1; i++) {
		ev = cf_run(fx, sess, lun, cdb, sizeof(cdb), (*tag)++,
			    SCST_TASK_SIMPLE, 0);
		if (ev.status == SCST_STATUS_GOOD)
			return i;
		KUNIT_ASSERT_EQ_MSG(test, ev.status, SCST_STATUS_CHECK_CONDITION,
				    "TEST UNIT READY to LUN %llu", lun);
		KUNIT_ASSERT_EQ_MSG(test, ev.key, SCST_KEY_UNIT_ATTENTION,
				    "TEST UNIT READY to LUN %llu: %02x/%02x/%02x",
				    lun, ev.key, ev.asc, ev.ascq);
		if (i < max)
			uas[i] = ev.asc << 8 | ev.ascq;
	}
	KUNIT_FAIL(test, "unit attentions on LUN %llu do not clear", lun);
	return i;
}

void cf_clear_ua(struct cf_fixture *fx, struct scst_session *sess, u64 lun,
		 u64 *tag)
{
	cf_collect_uas(fx, sess, lun, tag, NULL, 0);
}

bool cf_has_ua(const u16 *uas, unsigned int n, u16 code)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (uas[i] == code)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* The log */

static bool cf_match(const struct cf_event *ev, int side, u16 type,
		     struct scst_session *sess, u64 tag, bool any_tag)
{
	return (side < 0 || ev->side == side) && ev->type == type &&
	       (!sess || ev->sess == sess) && (any_tag || ev->tag == tag);
}

static unsigned int __cf_count(struct cf_fixture *fx, int side, u16 type,
			       struct scst_session *sess, u64 tag, bool any_tag)
{
	unsigned int i, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_events; i++)
		n += cf_match(&fx->events[i], side, type, sess, tag, any_tag);
	spin_unlock_irqrestore(&fx->lock, flags);
	return n;
}

unsigned int cf_count(struct cf_fixture *fx, int side, u16 type)
{
	return __cf_count(fx, side, type, NULL, 0, true);
}

unsigned int cf_count_tag(struct cf_fixture *fx, struct scst_session *sess,
			  u16 type, u64 tag)
{
	return __cf_count(fx, -1, type, sess, tag, false);
}

void cf_wait_count(struct cf_fixture *fx, int side, u16 type, unsigned int n,
		   const char *what)
{
	bool ok = cf_wait_for(fx, cf_count(fx, side, type) >= n);

	if (!ok)
		cf_log_dump(fx);
	KUNIT_ASSERT_TRUE_MSG(fx->test, ok,
			      "waited %u ms for %u %s (%s), got %u", CF_WAIT_MS,
			      n, scst_msg_name(type), what,
			      cf_count(fx, side, type));
}

bool cf_find(struct cf_fixture *fx, struct scst_session *sess, u16 type,
	     u64 tag, struct cf_event *ev)
{
	unsigned long flags;
	bool found = false;
	unsigned int i;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_events; i++) {
		if (cf_match(&fx->events[i], -1, type, sess, tag, false)) {
			*ev = fx->events[i];
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&fx->lock, flags);
	return found;
}

struct cf_event cf_wait_tag(struct cf_fixture *fx, struct scst_session *sess,
			    u16 type, u64 tag)
{
	struct cf_event ev = { };
	bool ok;

	ok = cf_wait_for(fx, cf_find(fx, sess, type, tag, &ev));
	if (!ok)
		cf_log_dump(fx);
	KUNIT_ASSERT_TRUE_MSG(fx->test, ok, "waited %u ms for %s of tag %llu",
			      CF_WAIT_MS, scst_msg_name(type), tag);
	return ev;
}

bool cf_quiet(struct cf_fixture *fx, struct scst_session *sess, u16 type,
	      u64 tag, unsigned int ms)
{
	struct cf_event ev;

	return !wait_event_timeout(fx->wq, cf_find(fx, sess, type, tag, &ev),
				   msecs_to_jiffies(ms));
}

unsigned int cf_tag_types(struct cf_fixture *fx, struct scst_session *sess,
			  u64 tag, u16 *types, unsigned int max)
{
	unsigned int i, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_events; i++) {
		const struct cf_event *ev = &fx->events[i];

		if (ev->tag != tag || (sess && ev->sess != sess) ||
		    ev->type == SCST_MSG_TMF_RESPOND ||
		    ev->type == SCST_MSG_TMF_EXEC)
			continue;
		if (n < max)
			types[n] = ev->type;
		n++;
	}
	spin_unlock_irqrestore(&fx->lock, flags);
	return n;
}

unsigned int cf_count_abort_ptr(struct cf_fixture *fx, u16 side,
				struct scst_cmd *cmd, unsigned int after_seq,
				unsigned int before_seq)
{
	unsigned int i, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_events; i++) {
		const struct cf_event *ev = &fx->events[i];

		n += ev->type == SCST_MSG_CMD_ABORT && ev->side == side &&
		     ev->cmd == cmd && ev->seq > after_seq &&
		     ev->seq < before_seq;
	}
	spin_unlock_irqrestore(&fx->lock, flags);
	return n;
}

void cf_log_reset(struct cf_fixture *fx)
{
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	fx->nr_events = 0;
	fx->nr_fails = 0;
	spin_unlock_irqrestore(&fx->lock, flags);
}

void cf_log_dump(struct cf_fixture *fx)
{
	unsigned int i, n;

	n = min_t(unsigned int, READ_ONCE(fx->nr_events), CF_MAX_EVENTS);
	kunit_info(fx->test, "fake log, %u events:\n", n);
	for (i = 0; i < n; i++) {
		const struct cf_event *ev = &fx->events[i];

		kunit_info(fx->test,
			   "  %3u %s %-18s tag %llu lun %llu status %02x sense %x/%02x/%02x%s%s resp %u\n",
			   ev->seq, ev->side == CF_FABRIC ? "fabric " : "handler",
			   scst_msg_name(ev->type), ev->tag, ev->lun,
			   ev->status, ev->key, ev->asc, ev->ascq,
			   ev->aborted ? " aborted" : "",
			   ev->send_status ? " send_status" : "",
			   ev->tmf_response);
	}
}

/* ------------------------------------------------------------------ */
/* Held objects */

void cf_set_mode(struct cf_fixture *fx, u16 type, enum cf_mode mode)
{
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	fx->mode[type] = mode;
	spin_unlock_irqrestore(&fx->lock, flags);
}

unsigned int cf_nr_held(struct cf_fixture *fx, u16 type)
{
	unsigned int i, n = 0;
	unsigned long flags;

	spin_lock_irqsave(&fx->lock, flags);
	for (i = 0; i < fx->nr_held; i++)
		n += fx->held[i].type == type;
	spin_unlock_irqrestore(&fx->lock, flags);
	return n;
}

static struct cf_held *cf_held_find(struct cf_fixture *fx, u16 type, u64 tag)
{
	unsigned int i;

	for (i = 0; i < fx->nr_held; i++) {
		if (fx->held[i].type == type && fx->held[i].tag == tag)
			return &fx->held[i];
	}
	return NULL;
}

struct scst_cmd *cf_held_cmd(struct cf_fixture *fx, u16 type, u64 tag)
{
	struct scst_cmd *cmd = NULL;
	unsigned long flags;
	struct cf_held *h;

	spin_lock_irqsave(&fx->lock, flags);
	h = cf_held_find(fx, type, tag);
	if (h)
		cmd = h->msg.cmd.cmd;
	spin_unlock_irqrestore(&fx->lock, flags);
	return cmd;
}

bool cf_abort_seen(struct cf_fixture *fx, u16 type, u64 tag)
{
	unsigned long flags;
	struct cf_held *h;
	bool seen = false;

	spin_lock_irqsave(&fx->lock, flags);
	h = cf_held_find(fx, type, tag);
	if (h)
		seen = h->abort_seen;
	spin_unlock_irqrestore(&fx->lock, flags);
	return seen;
}

bool cf_take(struct cf_fixture *fx, u16 type, u64 tag, struct cf_held *out)
{
	unsigned long flags;
	struct cf_held *h;

	spin_lock_irqsave(&fx->lock, flags);
	h = cf_held_find(fx, type, tag);
	if (h) {
		*out = *h;
		cf_held_remove(fx, h);
	}
	spin_unlock_irqrestore(&fx->lock, flags);
	return h;
}

void cf_answer(struct cf_fixture *fx, u16 type, u64 tag)
{
	struct cf_held h;
	bool held;

	held = cf_take(fx, type, tag, &h);
	KUNIT_ASSERT_TRUE_MSG(fx->test, held, "the fakes hold no %s of tag %llu",
			      scst_msg_name(type), tag);
	cf_answer_held(fx, &h);
}

void cf_answer_all(struct cf_fixture *fx)
{
	unsigned long flags;
	struct cf_held h;

	for (;;) {
		spin_lock_irqsave(&fx->lock, flags);
		if (!fx->nr_held) {
			spin_unlock_irqrestore(&fx->lock, flags);
			return;
		}
		h = fx->held[0];
		cf_held_remove(fx, &fx->held[0]);
		spin_unlock_irqrestore(&fx->lock, flags);
		cf_answer_held(fx, &h);
	}
}

/* ------------------------------------------------------------------ */
/* Core state */

unsigned int cf_sess_nr_cmds(struct scst_session *sess)
{
	unsigned int n;

	spin_lock_bh(&sess->lock);
	n = sess->nr_cmds;
	spin_unlock_bh(&sess->lock);
	return n;
}

long cf_core_refs_out(void)
{
	struct scst_bus_counters c;

	scst_bus_get_counters(&core_ep, &c);
	return c.refs_out;
}

static bool cf_idle(struct cf_fixture *fx)
{
	unsigned int i;

	for (i = 0; i < CF_MAX_SESS; i++) {
		if (fx->sess[i] && !fx->sess_gone[i] &&
		    cf_sess_nr_cmds(fx->sess[i]))
			return false;
	}
	return cf_core_refs_out() == 0;
}

void cf_wait_idle(struct cf_fixture *fx)
{
	bool ok = false;
	unsigned long end = jiffies + msecs_to_jiffies(CF_WAIT_MS);

	/* Nothing wakes fx->wq when the core frees a command: poll */
	while (time_before(jiffies, end)) {
		ok = cf_idle(fx);
		if (ok)
			break;
		usleep_range(5000, 10000);
	}
	KUNIT_ASSERT_TRUE_MSG(fx->test, ok,
			      "commands still allocated or lent after %u ms (core refs out %ld)",
			      CF_WAIT_MS, cf_core_refs_out());
}
