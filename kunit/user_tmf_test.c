// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: dev-user's task management while a command is in user space.
 *
 * A user device ("utmf") is registered as a process would (its memory is
 * never touched: the commands carry no data) and exported as LUN
 * UT_LUN of the fake fabric's target (core_fake.h). A kthread plays user
 * space: it gets each step with user_get_cmd() and answers it with
 * user_reply(), as REPLY_AND_GET_CMD does, logging what it got; the case
 * says which steps it holds instead, and answers those itself. The rules
 * shown are SCST's (scst_user.c, __dev_user_task_mgmt_fn()): user space
 * hears TASK_MGMT_RECEIVED before the kernel acts and TASK_MGMT_DONE
 * after, cmd_h_to_abort naming the aborted command's handle; and the
 * bounds SCST lacks: an aborted command user space never answers, and a
 * TASK_MGMT_* it never answers, end after a bound and cleanup still ends.
 */
#include <kunit/test.h>
#include <linux/kthread.h>
#include <linux/delay.h>
#include "core_fake.h"
#include "../dev-user/user.h"

#define UT_LUN		5
#define UT_DEV		"utmf"
#define UT_INI		"iqn.2024-01.org.test:utmf"
#define UT_MAX_LOG	64
/* The bounds the cases run with (ms) */
#define UT_BOUND_MS	300

/* One step user space got */
struct ut_step {
	u32 subcode;
	u32 h;
	u32 fn;
	u32 cmd_h_to_abort;
	u64 sess_h;
	u8 op;
	bool replied;
};

struct ut_ctx {
	struct cf_fixture *fx;
	struct user_dev *udev;
	struct task_struct *server;
	struct scst_session *sess;
	u64 tag;
	bool lun_added;
	unsigned int saved_abort_ms, saved_tm_ms, saved_get_ms;

	/* What the server holds instead of answering */
	bool hold_exec;
	bool hold_tm;
	s32 tm_result;

	spinlock_t lock;	/* the log */
	struct ut_step log[UT_MAX_LOG];
	unsigned int nr_log;
	wait_queue_head_t wq;
};

/* The case's context, for ut_exit() whatever ut_init() got to */
static struct ut_ctx *ut_cur;

static int ut_reply_result(struct user_dev *udev, u32 h, u32 subcode,
			   s32 result)
{
	struct scst_user_reply_cmd rep = {
		.cmd_h = h, .subcode = subcode, .result = result,
	};

	return user_reply(udev, &rep);
}

static int ut_reply_good(struct user_dev *udev, u32 h)
{
	struct scst_user_reply_cmd rep = {
		.cmd_h = h, .subcode = SCST_USER_EXEC,
		.exec_reply.reply_type = SCST_EXEC_REPLY_COMPLETED,
		.exec_reply.status = SCST_STATUS_GOOD,
	};

	return user_reply(udev, &rep);
}

/* PARSE of a command without data: keep it so */
static int ut_reply_parse_none(struct user_dev *udev, u32 h)
{
	struct scst_user_reply_cmd rep = {
		.cmd_h = h, .subcode = SCST_USER_PARSE,
		.parse_reply.data_direction = SCST_USER_DATA_NONE,
	};

	return user_reply(udev, &rep);
}

static bool ut_is_tm(u32 subcode)
{
	return subcode == SCST_USER_TASK_MGMT_RECEIVED ||
	       subcode == SCST_USER_TASK_MGMT_DONE;
}

/* "User space": REPLY_AND_GET_CMD's loop, without the copies. */
static int ut_server_fn(void *data)
{
	struct ut_ctx *c = data;
	struct scst_user_get_cmd gc;
	struct ut_step s;
	bool hold;

	while (!kthread_should_stop()) {
		int ret = user_get_cmd(c->udev, &gc, true, false);

		user_pass_on(c->udev);
		if (ret)
			continue;
		memset(&s, 0, sizeof(s));
		s.subcode = gc.subcode;
		s.h = gc.cmd_h;
		switch (gc.subcode) {
		case SCST_USER_EXEC:
			s.op = gc.exec_cmd.cdb[0];
			s.sess_h = gc.exec_cmd.sess_h;
			break;
		case SCST_USER_ATTACH_SESS:
		case SCST_USER_DETACH_SESS:
			s.sess_h = gc.sess.sess_h;
			break;
		case SCST_USER_TASK_MGMT_RECEIVED:
		case SCST_USER_TASK_MGMT_DONE:
			s.fn = gc.tm_cmd.fn;
			s.cmd_h_to_abort = gc.tm_cmd.cmd_h_to_abort;
			s.sess_h = gc.tm_cmd.sess_h;
			break;
		}
		hold = (s.subcode == SCST_USER_EXEC && READ_ONCE(c->hold_exec)) ||
		       (ut_is_tm(s.subcode) && READ_ONCE(c->hold_tm));
		spin_lock(&c->lock);
		if (c->nr_log < UT_MAX_LOG)
			c->log[c->nr_log++] = s;
		spin_unlock(&c->lock);
		wake_up_all(&c->wq);
		if (hold)
			continue;
		if (s.subcode == SCST_USER_EXEC)
			ut_reply_good(c->udev, s.h);
		else if (s.subcode == SCST_USER_PARSE)
			ut_reply_parse_none(c->udev, s.h);
		else if (ut_is_tm(s.subcode))
			ut_reply_result(c->udev, s.h, s.subcode,
					READ_ONCE(c->tm_result));
		else
			ut_reply_result(c->udev, s.h, s.subcode, 0);
	}
	return 0;
}

/* Index of the first step from @from on matching, or -1 */
static int ut_find(struct ut_ctx *c, unsigned int from, u32 subcode, u32 fn,
		   u32 cmd_h)
{
	unsigned int i;
	int ret = -1;

	spin_lock(&c->lock);
	for (i = from; i < c->nr_log; i++) {
		const struct ut_step *s = &c->log[i];

		if (s->subcode != subcode)
			continue;
		if (ut_is_tm(subcode) && (s->fn != fn || s->cmd_h_to_abort != cmd_h))
			continue;
		ret = i;
		break;
	}
	spin_unlock(&c->lock);
	return ret;
}

static int ut_wait(struct ut_ctx *c, unsigned int from, u32 subcode, u32 fn,
		   u32 cmd_h, unsigned int ms)
{
	int i = -1;

	wait_event_timeout(c->wq, (i = ut_find(c, from, subcode, fn, cmd_h)) >= 0,
			   msecs_to_jiffies(ms));
	return i;
}

static struct ut_step ut_step_at(struct ut_ctx *c, int i)
{
	struct ut_step s;

	spin_lock(&c->lock);
	s = c->log[i];
	spin_unlock(&c->lock);
	return s;
}

static unsigned int ut_mark(struct ut_ctx *c)
{
	unsigned int n;

	spin_lock(&c->lock);
	n = c->nr_log;
	spin_unlock(&c->lock);
	return n;
}

static unsigned int ut_nr_cmds_now(struct user_dev *udev)
{
	unsigned int n;

	spin_lock_bh(&udev->lock);
	n = udev->nr_cmds;
	spin_unlock_bh(&udev->lock);
	return n;
}

/*
 * The user commands left once things settle: the core frees a command
 * (CMD_BUF_FREE) and user space answers a TASK_MGMT_DONE a little after
 * the TMF's response.
 */
static unsigned int ut_nr_cmds(struct user_dev *udev)
{
	wait_event_timeout(udev->idle_wq, !ut_nr_cmds_now(udev),
			   msecs_to_jiffies(CF_WAIT_MS));
	return ut_nr_cmds_now(udev);
}

static int ut_init(struct kunit *test)
{
	struct scst_user_dev_desc desc = {
		.type = 0,
		.block_size = 512,
		.opt = {
			.parse_type = SCST_USER_PARSE_STANDARD,
			.on_free_cmd_type = SCST_USER_ON_FREE_CMD_IGNORE,
			.memory_reuse_type = SCST_USER_MEM_NO_REUSE,
		},
		.name = UT_DEV,
	};
	struct ut_ctx *c;
	int ret;

	ret = cf_fixture_init(test, 0);
	if (ret)
		return ret;
	c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	if (!c)
		return -ENOMEM;
	c->fx = test->priv;
	ut_cur = c;
	test->priv = c;
	spin_lock_init(&c->lock);
	init_waitqueue_head(&c->wq);
	c->saved_abort_ms = user_abort_wait_ms;
	c->saved_tm_ms = user_tm_wait_ms;
	c->saved_get_ms = user_get_cmd_wait_ms;
	user_abort_wait_ms = 10 * CF_WAIT_MS;
	user_tm_wait_ms = 10 * CF_WAIT_MS;
	/* The server notices kthread_stop() this often. */
	user_get_cmd_wait_ms = 50;

	c->udev = user_dev_register(&desc, &user_pin_process);
	if (IS_ERR(c->udev)) {
		ret = PTR_ERR(c->udev);
		c->udev = NULL;
		return ret;
	}
	c->server = kthread_run(ut_server_fn, c, "utmf-user");
	if (IS_ERR(c->server)) {
		ret = PTR_ERR(c->server);
		c->server = NULL;
		return ret;
	}
	mutex_lock(&core_cfg_mutex);
	ret = core_lun_add(&c->fx->tgt->default_acg, UT_LUN,
			   to_core_dev(c->udev->sdev), false);
	mutex_unlock(&core_cfg_mutex);
	if (ret)
		return ret;
	c->lun_added = true;
	/* Its nexus attaches now: the server answers ATTACH_SESS. */
	c->sess = cf_sess_add(c->fx, 0, UT_INI);
	c->tag = 1;
	cf_clear_ua(c->fx, c->sess, UT_LUN, &c->tag);
	return 0;
}

static void ut_exit(struct kunit *test)
{
	struct ut_ctx *c = ut_cur;
	struct cf_fixture *fx;

	if (!c) {
		cf_fixture_exit(test);
		return;
	}
	ut_cur = NULL;
	fx = c->fx;
	if (c->lun_added) {
		/* The server answers DETACH_SESS. */
		WRITE_ONCE(c->hold_exec, false);
		WRITE_ONCE(c->hold_tm, false);
		mutex_lock(&core_cfg_mutex);
		core_lun_del(&fx->tgt->default_acg, UT_LUN);
		mutex_unlock(&core_cfg_mutex);
	}
	if (c->server)
		kthread_stop(c->server);
	if (c->udev) {
		user_dev_release(c->udev);
		/* No LUN names it: it unregistered, nothing is left. */
	}
	user_abort_wait_ms = c->saved_abort_ms;
	user_tm_wait_ms = c->saved_tm_ms;
	user_get_cmd_wait_ms = c->saved_get_ms;
	test->priv = fx;
	cf_fixture_exit(test);
}

/* Submit TEST UNIT READY and return its EXEC step, held by user space. */
static struct ut_step ut_held_tur(struct kunit *test, struct ut_ctx *c,
				  u64 tag)
{
	unsigned int from = ut_mark(c);
	int i;

	WRITE_ONCE(c->hold_exec, true);
	cf_tur(c->fx, c->sess, UT_LUN, tag, SCST_TASK_SIMPLE);
	i = ut_wait(c, from, SCST_USER_EXEC, 0, 0, CF_WAIT_MS);
	KUNIT_ASSERT_GE_MSG(test, i, 0, "user space never got the EXEC");
	return ut_step_at(c, i);
}

/*
 * ABORT TASK of a command user space holds: TASK_MGMT_RECEIVED names it
 * at once; the TMF waits for user space's reply; TASK_MGMT_DONE follows
 * the reply; the command ends aborted (no response on its own nexus).
 */
static void ut_abort_task_held(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	struct ut_step exec, rcv, done;
	u64 tag = c->tag++, id;
	struct cf_event ev;
	unsigned int from;
	int i, j;

	exec = ut_held_tur(test, c, tag);
	from = ut_mark(c);
	id = cf_tmf(c->fx, c->sess, SCST_TMF_ABORT_TASK, UT_LUN, tag);

	i = ut_wait(c, from, SCST_USER_TASK_MGMT_RECEIVED,
		    SCST_USER_ABORT_TASK, exec.h, CF_WAIT_MS);
	KUNIT_ASSERT_GE_MSG(test, i, 0, "no TASK_MGMT_RECEIVED for handle %u",
			    exec.h);
	rcv = ut_step_at(c, i);
	KUNIT_EXPECT_EQ(test, rcv.sess_h, exec.sess_h);
	/* Before user space answers, nothing ends. */
	KUNIT_EXPECT_TRUE(test, cf_quiet(c->fx, NULL, SCST_MSG_TMF_RESPOND, id,
					 CF_QUIET_MS));
	KUNIT_EXPECT_LT(test, ut_find(c, from, SCST_USER_TASK_MGMT_DONE,
				      SCST_USER_ABORT_TASK, exec.h), 0);

	from = ut_mark(c);
	KUNIT_EXPECT_EQ(test, ut_reply_good(c->udev, exec.h), 0);
	j = ut_wait(c, from, SCST_USER_TASK_MGMT_DONE, SCST_USER_ABORT_TASK,
		    exec.h, CF_WAIT_MS);
	KUNIT_ASSERT_GE_MSG(test, j, 0, "no TASK_MGMT_DONE after the reply");
	done = ut_step_at(c, j);
	KUNIT_EXPECT_EQ(test, done.sess_h, exec.sess_h);
	KUNIT_EXPECT_EQ(test, cf_wait_tag(c->fx, NULL, SCST_MSG_TMF_RESPOND,
					  id).tmf_response, SCST_TMF_COMPLETE);
	/* Its own nexus hears no status for it. */
	if (cf_find(c->fx, c->sess, SCST_MSG_CMD_RESPOND, tag, &ev))
		KUNIT_EXPECT_TRUE(test, ev.aborted);
	/* A second reply to the ended step is refused. */
	KUNIT_EXPECT_EQ(test, ut_reply_good(c->udev, exec.h), -ESRCH);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(c->udev), 0U);
}

/*
 * User space never answers an aborted command: it ends at the bound
 * (abort_wait_ms), the TMF completes, TASK_MGMT_DONE follows, and the
 * late reply gets an error instead of touching the ended command.
 */
static void ut_abort_unanswered(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	struct ut_step exec;
	u64 tag = c->tag++, id;
	unsigned long t0;
	unsigned int from;
	struct cf_event ev;

	user_abort_wait_ms = UT_BOUND_MS;
	exec = ut_held_tur(test, c, tag);
	from = ut_mark(c);
	t0 = jiffies;
	id = cf_tmf(c->fx, c->sess, SCST_TMF_ABORT_TASK, UT_LUN, tag);
	ev = cf_wait_tag(c->fx, NULL, SCST_MSG_TMF_RESPOND, id);
	KUNIT_EXPECT_EQ(test, ev.tmf_response, SCST_TMF_COMPLETE);
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(jiffies - t0), UT_BOUND_MS - 20);
	KUNIT_EXPECT_GE(test, ut_wait(c, from, SCST_USER_TASK_MGMT_DONE,
				      SCST_USER_ABORT_TASK, exec.h, CF_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, ut_reply_good(c->udev, exec.h), -ESRCH);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(c->udev), 0U);
}

/*
 * LUN RESET with a command in user space: RECEIVED for the command and
 * for the reset come first; the reset's DONE waits until the aborted
 * command's step ended; the TMF responds after that.
 */
static void ut_lun_reset_held(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	struct ut_step exec, rcv;
	u64 tag = c->tag++, id;
	unsigned int from;
	int i;

	exec = ut_held_tur(test, c, tag);
	from = ut_mark(c);
	id = cf_tmf(c->fx, c->sess, SCST_TMF_LUN_RESET, UT_LUN, 0);
	KUNIT_ASSERT_GE(test, ut_wait(c, from, SCST_USER_TASK_MGMT_RECEIVED,
				      SCST_USER_ABORT_TASK, exec.h,
				      CF_WAIT_MS), 0);
	i = ut_wait(c, from, SCST_USER_TASK_MGMT_RECEIVED, SCST_USER_LUN_RESET,
		    0, CF_WAIT_MS);
	KUNIT_ASSERT_GE_MSG(test, i, 0, "no TASK_MGMT_RECEIVED for the reset");
	rcv = ut_step_at(c, i);
	KUNIT_EXPECT_EQ(test, rcv.sess_h, exec.sess_h);

	/* The reset is not done while its command is in user space. */
	KUNIT_EXPECT_TRUE(test, cf_quiet(c->fx, NULL, SCST_MSG_TMF_RESPOND, id,
					 CF_QUIET_MS));
	KUNIT_EXPECT_LT(test, ut_find(c, from, SCST_USER_TASK_MGMT_DONE,
				      SCST_USER_LUN_RESET, 0), 0);

	from = ut_mark(c);
	KUNIT_EXPECT_EQ(test, ut_reply_good(c->udev, exec.h), 0);
	KUNIT_EXPECT_GE(test, ut_wait(c, from, SCST_USER_TASK_MGMT_DONE,
				      SCST_USER_LUN_RESET, 0, CF_WAIT_MS), 0);
	KUNIT_EXPECT_GE(test, ut_wait(c, from, SCST_USER_TASK_MGMT_DONE,
				      SCST_USER_ABORT_TASK, exec.h,
				      CF_WAIT_MS), 0);
	KUNIT_EXPECT_EQ(test, cf_wait_tag(c->fx, NULL, SCST_MSG_TMF_RESPOND,
					  id).tmf_response, SCST_TMF_COMPLETE);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(c->udev), 0U);
}

/* A handler failing the reset's TASK_MGMT_RECEIVED fails the TMF. */
static void ut_lun_reset_refused(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	u64 id;

	WRITE_ONCE(c->tm_result, SCST_USER_MGMT_STATUS_FAILED);
	id = cf_tmf(c->fx, c->sess, SCST_TMF_LUN_RESET, UT_LUN, 0);
	KUNIT_EXPECT_EQ(test, cf_wait_tag(c->fx, NULL, SCST_MSG_TMF_RESPOND,
					  id).tmf_response, SCST_TMF_FAILED);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(c->udev), 0U);
}

/*
 * A handler that never answers TASK_MGMT_RECEIVED: the reset fails at
 * the bound (tm_wait_ms) instead of holding the TMF forever, and no
 * TASK_MGMT_DONE is sent.
 */
static void ut_tm_unanswered(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	unsigned int from = ut_mark(c);
	struct cf_event ev;
	unsigned long t0;
	u64 id;

	user_tm_wait_ms = UT_BOUND_MS;
	WRITE_ONCE(c->hold_tm, true);
	t0 = jiffies;
	id = cf_tmf(c->fx, c->sess, SCST_TMF_LUN_RESET, UT_LUN, 0);
	KUNIT_EXPECT_GE(test, ut_wait(c, from, SCST_USER_TASK_MGMT_RECEIVED,
				      SCST_USER_LUN_RESET, 0, CF_WAIT_MS), 0);
	ev = cf_wait_tag(c->fx, NULL, SCST_MSG_TMF_RESPOND, id);
	KUNIT_EXPECT_EQ(test, ev.tmf_response, SCST_TMF_FAILED);
	KUNIT_EXPECT_GE(test, jiffies_to_msecs(jiffies - t0), UT_BOUND_MS - 20);
	KUNIT_EXPECT_LT(test, ut_find(c, from, SCST_USER_TASK_MGMT_DONE,
				      SCST_USER_LUN_RESET, 0), 0);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(c->udev), 0U);
}

/*
 * The handler dies (its file closes) while a reset waits for its
 * TASK_MGMT_RECEIVED and a command is in user space: the cleanup ends
 * both, the TMF completes, the table is empty; the device stays an
 * orphan (its LUN still names it) and answers NOT READY.
 */
static void ut_close_during_reset(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	unsigned int from;
	struct cf_event ev;
	u64 tag = c->tag++, id;
	struct user_dev *udev = c->udev;
	u8 tur[6];

	ut_held_tur(test, c, tag);
	WRITE_ONCE(c->hold_tm, true);
	from = ut_mark(c);
	id = cf_tmf(c->fx, c->sess, SCST_TMF_LUN_RESET, UT_LUN, 0);
	KUNIT_ASSERT_GE(test, ut_wait(c, from, SCST_USER_TASK_MGMT_RECEIVED,
				      SCST_USER_LUN_RESET, 0, CF_WAIT_MS), 0);

	kthread_stop(c->server);
	c->server = NULL;
	/* Keep the device readable after the file's reference goes. */
	kref_get(&udev->kref);
	c->udev = NULL;
	user_dev_release(udev);
	KUNIT_EXPECT_EQ(test, cf_wait_tag(c->fx, NULL, SCST_MSG_TMF_RESPOND,
					  id).tmf_response, SCST_TMF_COMPLETE);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(udev), 0U);
	KUNIT_EXPECT_EQ(test, READ_ONCE(udev->state), USER_DEV_ORPHAN);
	cf_cdb_tur(tur);
	ev = cf_run(c->fx, c->sess, UT_LUN, tur, sizeof(tur), c->tag++,
		    SCST_TASK_SIMPLE, 0);
	KUNIT_EXPECT_EQ(test, ev.key, SCST_KEY_NOT_READY);
	user_dev_put(udev);
	/* Removing the LUN (exit) unregisters the orphan. */
}

/*
 * With PARSE called, one command keeps one handle from PARSE to EXEC (as
 * in SCST), and its user command lives until the core frees the command.
 */
static void ut_parse_keeps_handle(struct kunit *test)
{
	struct ut_ctx *c = test->priv;
	struct scst_user_opt opt = c->udev->opt;
	struct ut_step parse, exec;
	unsigned int from;
	u8 tur[6];
	int i, j;

	opt.parse_type = SCST_USER_PARSE_CALL;
	user_dev_apply_opt(c->udev, &opt);
	from = ut_mark(c);
	cf_cdb_tur(tur);
	KUNIT_EXPECT_EQ(test, cf_run(c->fx, c->sess, UT_LUN, tur, sizeof(tur),
				     c->tag++, SCST_TASK_SIMPLE, 0).status,
			SCST_STATUS_GOOD);
	i = ut_wait(c, from, SCST_USER_PARSE, 0, 0, CF_WAIT_MS);
	j = ut_wait(c, from, SCST_USER_EXEC, 0, 0, CF_WAIT_MS);
	KUNIT_ASSERT_GE(test, i, 0);
	KUNIT_ASSERT_GE(test, j, 0);
	parse = ut_step_at(c, i);
	exec = ut_step_at(c, j);
	KUNIT_EXPECT_LT(test, i, j);
	KUNIT_EXPECT_EQ(test, parse.h, exec.h);
	KUNIT_EXPECT_EQ(test, ut_nr_cmds(c->udev), 0U);
}

static struct kunit_case ut_cases[] = {
	KUNIT_CASE(ut_parse_keeps_handle),
	KUNIT_CASE(ut_abort_task_held),
	KUNIT_CASE(ut_abort_unanswered),
	KUNIT_CASE(ut_lun_reset_held),
	KUNIT_CASE(ut_lun_reset_refused),
	KUNIT_CASE(ut_tm_unanswered),
	KUNIT_CASE(ut_close_during_reset),
	{}
};

static struct kunit_suite ut_suite = {
	.name = "scst_user_tmf",
	.init = ut_init,
	.exit = ut_exit,
	.test_cases = ut_cases,
};

kunit_test_suite(ut_suite);
