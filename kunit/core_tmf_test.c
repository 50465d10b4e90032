// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: scst_core's task management, driven by a fake fabric and a fake
 * handler (core_fake.h) holding commands at the handler (CMD_EXEC) and at
 * the fabric (CMD_XFER). Each case shows one rule of SAM-5 clause 7 (the
 * task management functions), 5.6 (aborting commands: TAS and the unit
 * attentions other I_T nexuses get) and 6.3 (resets and I_T nexus loss),
 * or of the core's contract in <scst/fabric.h>: the TMF response goes out
 * only once every command it aborted has ended, an abort racing with
 * completion has exactly one winner, session teardown waits for every
 * lent command and reports the ones that do not come back.
 *
 * Session 0 ("A") sends the TMFs; session 1 ("B") is the other I_T nexus.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include "core_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define INI_A	"iqn.2024-01.org.test:a"
#define INI_B	"iqn.2024-01.org.test:b"

/* ASC << 8 | ASCQ (SPC-4 annex D) */
#define ASC_BUS_DEVICE_RESET		0x2903
#define ASC_IT_NEXUS_LOSS		0x2907
#define ASC_CLEARED_BY_OTHER		0x2f00

#define RACE_ITERATIONS			200

struct tmf_ctx {
	struct cf_fixture *fx;
	struct scst_session *a, *b;
	u64 tag;		/* for cf_clear_ua() and friends */
};

static int tmf_test_init(struct kunit *test)
{
	return cf_fixture_init(test, 0);
}

static void tmf_test_exit(struct kunit *test)
{
	cf_fixture_exit(test);
}

/* Two sessions, their POWER ON UAs consumed on both LUNs, EXEC held */
static void tmf_setup(struct kunit *test, struct tmf_ctx *c,
		      unsigned int handler_flags)
{
	c->fx = handler_flags ? cf_fixture_reinit(test, handler_flags) :
		test->priv;
	c->tag = 1000;
	c->a = cf_sess_add(c->fx, 0, INI_A);
	c->b = cf_sess_add(c->fx, 1, INI_B);
	cf_clear_ua(c->fx, c->a, 0, &c->tag);
	cf_clear_ua(c->fx, c->a, 1, &c->tag);
	cf_clear_ua(c->fx, c->b, 0, &c->tag);
	cf_clear_ua(c->fx, c->b, 1, &c->tag);
	cf_wait_idle(c->fx);
	cf_set_mode(c->fx, SCST_MSG_CMD_EXEC, CF_HOLD);
}

static struct cf_event tmf_wait(struct cf_fixture *fx, u64 id)
{
	return cf_wait_tag(fx, NULL, SCST_MSG_TMF_RESPOND, id);
}

static void expect_tmf(struct kunit *test, struct cf_fixture *fx, u64 id,
		       u8 response)
{
	struct cf_event ev = tmf_wait(fx, id);

	KUNIT_EXPECT_EQ_MSG(test, ev.tmf_response, response, "TMF %llu", id);
}

static void expect_tmf_waits(struct kunit *test, struct cf_fixture *fx,
			     u64 id, const char *why)
{
	KUNIT_EXPECT_TRUE_MSG(test, cf_quiet(fx, NULL, SCST_MSG_TMF_RESPOND, id,
					     CF_QUIET_MS),
			      "TMF responded while %s", why);
}

/* The command ended aborted; @status_sent: with TASK ABORTED status */
static struct cf_event expect_aborted(struct kunit *test, struct cf_fixture *fx,
				      struct scst_session *sess, u64 tag,
				      bool status_sent)
{
	struct cf_event ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, tag);

	KUNIT_EXPECT_TRUE_MSG(test, ev.aborted, "tag %llu not aborted", tag);
	KUNIT_EXPECT_EQ_MSG(test, ev.send_status, status_sent,
			    "tag %llu: TASK ABORTED status sent?", tag);
	if (status_sent)
		KUNIT_EXPECT_EQ_MSG(test, ev.status, SCST_STATUS_TASK_ABORTED,
				    "tag %llu", tag);
	KUNIT_EXPECT_EQ_MSG(test, cf_count_tag(fx, sess, SCST_MSG_CMD_RESPOND,
					       tag), 1U,
			    "tag %llu: one response", tag);
	return ev;
}

static void expect_good(struct kunit *test, struct cf_fixture *fx,
			struct scst_session *sess, u64 tag)
{
	struct cf_event ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, tag);

	KUNIT_EXPECT_FALSE_MSG(test, ev.aborted, "tag %llu aborted", tag);
	KUNIT_EXPECT_EQ_MSG(test, ev.status, SCST_STATUS_GOOD,
			    "tag %llu: %x/%02x/%02x", tag, ev.key, ev.asc,
			    ev.ascq);
}

/* The handler (or fabric) was told, by CMD_ABORT, that it holds @tag aborted */
static void wait_abort_notice(struct kunit *test, struct cf_fixture *fx,
			      struct scst_session *sess, u64 tag)
{
	cf_wait_tag(fx, sess, SCST_MSG_CMD_ABORT, tag);
}

static void expect_not_aborted(struct kunit *test, struct cf_fixture *fx,
			       struct scst_session *sess, u64 tag)
{
	KUNIT_EXPECT_EQ_MSG(test, cf_count_tag(fx, sess, SCST_MSG_CMD_ABORT, tag),
			    0U, "tag %llu was aborted", tag);
}

static void expect_ua(struct kunit *test, struct tmf_ctx *c,
		      struct scst_session *sess, u64 lun, u16 code, bool want)
{
	u16 uas[CORE_UA_MAX];
	unsigned int n;

	n = cf_collect_uas(c->fx, sess, lun, &c->tag, uas, ARRAY_SIZE(uas));
	KUNIT_EXPECT_EQ_MSG(test, cf_has_ua(uas, n, code), want,
			    "%s UA %04x on LUN %llu (%u UAs, first %04x)",
			    want ? "missing" : "unexpected", code, lun, n,
			    n ? uas[0] : 0);
}

static void expect_seq_before(struct kunit *test, const struct cf_event *a,
			      const struct cf_event *b, const char *what)
{
	KUNIT_EXPECT_LT_MSG(test, a->seq, b->seq, "%s", what);
}

static const bool tas_values[] = { false, true };

static void tas_desc(const bool *tas, char *desc)
{
	strscpy(desc, *tas ? "tas1" : "tas0", KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(tas, tas_values, tas_desc);

/* ------------------------------------------------------------------ */
/* ABORT TASK (SAM-5 7.2) */

static void core_tmf_abort_task_at_exec(struct kunit *test)
{
	struct tmf_ctx c;
	struct cf_event resp, tresp;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.a, 0, 11, SCST_TASK_SIMPLE, 1, 1);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 2, "two reads");

	id = cf_tmf(c.fx, c.a, SCST_TMF_ABORT_TASK, 0, 10);
	wait_abort_notice(test, c.fx, c.a, 10);
	expect_tmf_waits(test, c.fx, id, "the aborted command is at the handler");
	KUNIT_EXPECT_EQ(test, cf_count_tag(c.fx, c.a, SCST_MSG_CMD_RESPOND, 10),
			0U);

	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	resp = expect_aborted(test, c.fx, c.a, 10, false);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	expect_seq_before(test, &resp, &tresp,
			  "aborted command's end after the TMF response");

	expect_not_aborted(test, c.fx, c.a, 11);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 11);
	expect_good(test, c.fx, c.a, 11);
	cf_wait_idle(c.fx);
}

static void core_tmf_abort_task_at_xfer(struct kunit *test)
{
	struct tmf_ctx c;
	struct cf_event resp, tresp;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_set_mode(c.fx, SCST_MSG_CMD_XFER, CF_HOLD);
	c.fx->xfer_abort_error = -ECANCELED;
	cf_write(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_XFER, 10);

	id = cf_tmf(c.fx, c.a, SCST_TMF_ABORT_TASK, 0, 10);
	wait_abort_notice(test, c.fx, c.a, 10);
	KUNIT_EXPECT_TRUE(test, cf_abort_seen(c.fx, SCST_MSG_CMD_XFER, 10));
	expect_tmf_waits(test, c.fx, id, "the aborted command is at the fabric");

	/* The transfer ends early with an error, as fabric.h allows */
	cf_answer(c.fx, SCST_MSG_CMD_XFER, 10);
	resp = expect_aborted(test, c.fx, c.a, 10, false);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	expect_seq_before(test, &resp, &tresp,
			  "aborted command's end after the TMF response");
	KUNIT_EXPECT_EQ(test, cf_count_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10), 0U);
	cf_wait_idle(c.fx);
}

/* Not in the task set: FUNCTION COMPLETE, nothing else happens */
static void core_tmf_abort_task_unknown(struct kunit *test)
{
	struct tmf_ctx c;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10);
	id = cf_tmf(c.fx, c.a, SCST_TMF_ABORT_TASK, 0, 99);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);
	/* B's tag 10 is another task: A cannot abort it by tag */
	cf_read(c.fx, c.b, 0, 20, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.b, SCST_MSG_CMD_EXEC, 20);
	id = cf_tmf(c.fx, c.a, SCST_TMF_ABORT_TASK, 0, 20);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);

	expect_not_aborted(test, c.fx, c.a, 10);
	expect_not_aborted(test, c.fx, c.b, 20);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	expect_good(test, c.fx, c.a, 10);
	expect_good(test, c.fx, c.b, 20);
	cf_wait_idle(c.fx);
}

/* ABORT TASK SET (SAM-5 7.3): this I_T_L nexus's tasks only, no UA */
static void core_tmf_abort_task_set(struct kunit *test)
{
	struct cf_event r10, r11, tresp;
	struct tmf_ctx c;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.a, 0, 11, SCST_TASK_SIMPLE, 1, 1);
	cf_read(c.fx, c.a, 1, 12, SCST_TASK_SIMPLE, 2, 1);
	cf_read(c.fx, c.b, 0, 20, SCST_TASK_SIMPLE, 3, 1);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 4, "four reads");

	id = cf_tmf(c.fx, c.a, SCST_TMF_ABORT_TASK_SET, 0, 0);
	wait_abort_notice(test, c.fx, c.a, 10);
	wait_abort_notice(test, c.fx, c.a, 11);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	expect_tmf_waits(test, c.fx, id, "one aborted command is at the handler");
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 11);
	r10 = expect_aborted(test, c.fx, c.a, 10, false);
	r11 = expect_aborted(test, c.fx, c.a, 11, false);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	expect_seq_before(test, &r10, &tresp, "tag 10 ended after the TMF");
	expect_seq_before(test, &r11, &tresp, "tag 11 ended after the TMF");

	expect_not_aborted(test, c.fx, c.a, 12);
	expect_not_aborted(test, c.fx, c.b, 20);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 12);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	expect_good(test, c.fx, c.a, 12);
	expect_good(test, c.fx, c.b, 20);

	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	expect_ua(test, &c, c.a, 0, ASC_CLEARED_BY_OTHER, false);
	expect_ua(test, &c, c.b, 0, ASC_CLEARED_BY_OTHER, false);
	cf_wait_idle(c.fx);
}

/*
 * CLEAR TASK SET (SAM-5 7.4): every I_T nexus's tasks on the LU. Another
 * nexus's aborted command ends with TASK ABORTED if TAS=1; with TAS=0 it
 * ends silently and that nexus gets COMMANDS CLEARED BY ANOTHER INITIATOR.
 */
static void core_tmf_clear_task_set(struct kunit *test)
{
	const bool *tas = test->param_value;
	struct cf_event ra, rb, tresp;
	struct tmf_ctx c;
	u64 id;

	tmf_setup(test, &c, 0);
	c.fx->devs[0]->tas = *tas;
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.b, 0, 20, SCST_TASK_SIMPLE, 1, 1);
	cf_read(c.fx, c.b, 1, 21, SCST_TASK_SIMPLE, 2, 1);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 3, "three reads");

	id = cf_tmf(c.fx, c.a, SCST_TMF_CLEAR_TASK_SET, 0, 0);
	wait_abort_notice(test, c.fx, c.a, 10);
	wait_abort_notice(test, c.fx, c.b, 20);
	expect_tmf_waits(test, c.fx, id, "aborted commands are at the handler");
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	ra = expect_aborted(test, c.fx, c.a, 10, false);
	rb = expect_aborted(test, c.fx, c.b, 20, *tas);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	expect_seq_before(test, &ra, &tresp, "tag 10 ended after the TMF");
	expect_seq_before(test, &rb, &tresp, "tag 20 ended after the TMF");

	expect_not_aborted(test, c.fx, c.b, 21);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 21);
	expect_good(test, c.fx, c.b, 21);

	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	if (!*tas)
		expect_ua(test, &c, c.b, 0, ASC_CLEARED_BY_OTHER, true);
	expect_ua(test, &c, c.b, 1, ASC_CLEARED_BY_OTHER, false);
	expect_ua(test, &c, c.a, 0, ASC_CLEARED_BY_OTHER, false);
	cf_wait_idle(c.fx);
}

/* CLEAR ACA (SAM-5 7.5) ends an ACA condition */
static void core_tmf_clear_aca(struct kunit *test)
{
	struct tmf_ctx c;
	struct cf_event ev;
	u8 cdb[10];
	u64 id;

	tmf_setup(test, &c, 0);
	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	cf_fail_tag(c.fx, 10, SCST_KEY_MEDIUM_ERROR, 0x1100, false);
	cf_cdb_rw10(cdb, false, 0, 1);
	cdb[9] = 0x04;		/* NACA */
	ev = cf_run(c.fx, c.a, 0, cdb, sizeof(cdb), 10, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_CHECK_CONDITION);
	cdb[9] = 0;
	ev = cf_run(c.fx, c.a, 0, cdb, sizeof(cdb), 11, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_ACA_ACTIVE);

	id = cf_tmf(c.fx, c.a, SCST_TMF_CLEAR_ACA, 0, 0);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);
	ev = cf_run(c.fx, c.a, 0, cdb, sizeof(cdb), 12, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_GOOD);
	cf_wait_idle(c.fx);
}

/*
 * QErr (SPC-4 control mode page): 01b: a CHECK CONDITION aborts every
 * other task on the LU, and other nexuses learn it by COMMANDS CLEARED BY
 * ANOTHER INITIATOR (TAS off); 11b: only the failing nexus's own tasks go.
 */
static void core_tmf_qerr(struct kunit *test)
{
	const u8 *qerr = test->param_value;
	bool all = *qerr == 1;
	struct cf_event ev;
	struct tmf_ctx c;

	tmf_setup(test, &c, 0);
	c.fx->devs[0]->qerr = *qerr;
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.b, 0, 20, SCST_TASK_SIMPLE, 1, 1);
	cf_read(c.fx, c.a, 1, 30, SCST_TASK_SIMPLE, 2, 1);
	cf_fail_tag(c.fx, 11, SCST_KEY_MEDIUM_ERROR, 0x1100, false);
	cf_read(c.fx, c.a, 0, 11, SCST_TASK_SIMPLE, 3, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10);
	cf_wait_tag(c.fx, c.b, SCST_MSG_CMD_EXEC, 20);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 30);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 11);

	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 11);
	ev = cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_RESPOND, 11);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_CHECK_CONDITION);
	KUNIT_EXPECT_FALSE(test, ev.aborted);

	wait_abort_notice(test, c.fx, c.a, 10);
	if (all)
		wait_abort_notice(test, c.fx, c.b, 20);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 30);
	expect_aborted(test, c.fx, c.a, 10, false);
	if (all) {
		expect_aborted(test, c.fx, c.b, 20, false);
	} else {
		expect_not_aborted(test, c.fx, c.b, 20);
		expect_good(test, c.fx, c.b, 20);
	}
	/* Another LU is not touched. */
	expect_not_aborted(test, c.fx, c.a, 30);
	expect_good(test, c.fx, c.a, 30);

	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	expect_ua(test, &c, c.b, 0, ASC_CLEARED_BY_OTHER, all);
	expect_ua(test, &c, c.a, 0, ASC_CLEARED_BY_OTHER, false);
	cf_wait_idle(c.fx);
}

static const u8 qerr_values[] = { 1, 3 };

static void qerr_desc(const u8 *v, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "qerr%u", *v);
}

KUNIT_ARRAY_PARAM(qerr, qerr_values, qerr_desc);

/*
 * LOGICAL UNIT RESET (SAM-5 7.7, 6.3.3): every task on the LU, at the
 * handler and at the fabric, the handler's reset, and BUS DEVICE RESET
 * FUNCTION OCCURRED for every other I_T nexus.
 */
static void core_tmf_lun_reset(struct kunit *test)
{
	const bool *tas = test->param_value;
	struct cf_event ev, tresp;
	struct tmf_ctx c;
	u64 id, t;

	tmf_setup(test, &c, SCST_HANDLER_TMF);
	c.fx->devs[0]->tas = *tas;
	cf_set_mode(c.fx, SCST_MSG_CMD_XFER, CF_HOLD);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.a, 1, 11, SCST_TASK_SIMPLE, 1, 1);
	cf_read(c.fx, c.b, 0, 20, SCST_TASK_SIMPLE, 2, 1);
	cf_write(c.fx, c.b, 0, 21, SCST_TASK_SIMPLE, 3, 1);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 3, "three reads");
	cf_wait_tag(c.fx, c.b, SCST_MSG_CMD_XFER, 21);

	id = cf_tmf(c.fx, c.a, SCST_TMF_LUN_RESET, 0, 0);
	wait_abort_notice(test, c.fx, c.a, 10);
	wait_abort_notice(test, c.fx, c.b, 20);
	wait_abort_notice(test, c.fx, c.b, 21);
	/* The handler resets the device, and only that one */
	ev = cf_wait_tag(c.fx, NULL, SCST_MSG_TMF_EXEC, id);
	KUNIT_EXPECT_PTR_EQ(test, ev.dev, c.fx->devs[0]);
	expect_tmf_waits(test, c.fx, id, "aborted commands are still lent");

	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	expect_tmf_waits(test, c.fx, id, "an aborted command is at the fabric");
	cf_answer(c.fx, SCST_MSG_CMD_XFER, 21);
	expect_aborted(test, c.fx, c.a, 10, false);
	expect_aborted(test, c.fx, c.b, 20, *tas);
	expect_aborted(test, c.fx, c.b, 21, *tas);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	for (t = 20; t <= 21; t++) {
		ev = cf_wait_tag(c.fx, c.b, SCST_MSG_CMD_RESPOND, t);
		expect_seq_before(test, &ev, &tresp,
				  "aborted command's end after the TMF response");
	}
	KUNIT_EXPECT_EQ(test, cf_count_tag(c.fx, c.b, SCST_MSG_CMD_EXEC, 21), 0U);
	KUNIT_EXPECT_EQ_MSG(test, cf_count_tag(c.fx, NULL, SCST_MSG_TMF_EXEC, id),
			    1U, "one device reset");

	expect_not_aborted(test, c.fx, c.a, 11);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 11);
	expect_good(test, c.fx, c.a, 11);

	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	cf_set_mode(c.fx, SCST_MSG_CMD_XFER, CF_AUTO);
	expect_ua(test, &c, c.b, 0, ASC_BUS_DEVICE_RESET, true);
	expect_ua(test, &c, c.a, 0, ASC_BUS_DEVICE_RESET, false);
	expect_ua(test, &c, c.b, 1, ASC_BUS_DEVICE_RESET, false);
	cf_wait_idle(c.fx);
}

/* I_T NEXUS RESET (SAM-5 7.8): the nexus's tasks on every LU, I_T NEXUS LOSS */
static void core_tmf_it_nexus_reset(struct kunit *test)
{
	struct cf_event r10, r11, tresp;
	struct tmf_ctx c;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.a, 1, 11, SCST_TASK_SIMPLE, 1, 1);
	cf_read(c.fx, c.b, 0, 20, SCST_TASK_SIMPLE, 2, 1);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 3, "three reads");

	id = cf_tmf(c.fx, c.a, SCST_TMF_IT_NEXUS_RESET, 0, 0);
	wait_abort_notice(test, c.fx, c.a, 10);
	wait_abort_notice(test, c.fx, c.a, 11);
	expect_tmf_waits(test, c.fx, id, "aborted commands are at the handler");
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 11);
	r10 = expect_aborted(test, c.fx, c.a, 10, false);
	r11 = expect_aborted(test, c.fx, c.a, 11, false);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	expect_seq_before(test, &r10, &tresp, "tag 10 ended after the TMF");
	expect_seq_before(test, &r11, &tresp, "tag 11 ended after the TMF");

	expect_not_aborted(test, c.fx, c.b, 20);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	expect_good(test, c.fx, c.b, 20);

	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	expect_ua(test, &c, c.a, 0, ASC_IT_NEXUS_LOSS, true);
	expect_ua(test, &c, c.a, 1, ASC_IT_NEXUS_LOSS, true);
	expect_ua(test, &c, c.b, 0, ASC_IT_NEXUS_LOSS, false);
	cf_wait_idle(c.fx);
}

static bool has_reset_ua(const u16 *uas, unsigned int n)
{
	unsigned int i;

	/* POWER ON, RESET, OR BUS DEVICE RESET OCCURRED and its family */
	for (i = 0; i < n; i++) {
		if (uas[i] >> 8 == 0x29)
			return true;
	}
	return false;
}

/* TARGET RESET: every task of every nexus, every device reset */
static void core_tmf_target_reset(struct kunit *test)
{
	struct cf_event tresp, r;
	u16 uas[CORE_UA_MAX];
	struct tmf_ctx c;
	unsigned int n;
	u64 id, lun;

	tmf_setup(test, &c, SCST_HANDLER_TMF);
	c.fx->devs[0]->tas = false;
	c.fx->devs[1]->tas = false;
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(c.fx, c.b, 1, 20, SCST_TASK_SIMPLE, 1, 1);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 2, "two reads");

	id = cf_tmf(c.fx, c.a, SCST_TMF_TARGET_RESET, 0, 0);
	wait_abort_notice(test, c.fx, c.a, 10);
	wait_abort_notice(test, c.fx, c.b, 20);
	cf_wait_count(c.fx, CF_HANDLER, SCST_MSG_TMF_EXEC, 2,
		      "a reset for each device with a LUN");
	expect_tmf_waits(test, c.fx, id, "aborted commands are at the handler");
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 20);
	expect_aborted(test, c.fx, c.a, 10, false);
	r = expect_aborted(test, c.fx, c.b, 20, false);
	tresp = tmf_wait(c.fx, id);
	KUNIT_EXPECT_EQ(test, tresp.tmf_response, SCST_TMF_COMPLETE);
	expect_seq_before(test, &r, &tresp, "tag 20 ended after the TMF");

	cf_set_mode(c.fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	for (lun = 0; lun < CF_NR_LUNS; lun++) {
		n = cf_collect_uas(c.fx, c.b, lun, &c.tag, uas, ARRAY_SIZE(uas));
		KUNIT_EXPECT_TRUE_MSG(test, has_reset_ua(uas, n),
				      "no reset UA for the other nexus on LUN %llu",
				      lun);
	}
	cf_wait_idle(c.fx);
}

/* QUERY TASK (SAM-5 7.9): SUCCEEDED while the nexus's task exists */
static void core_tmf_query_task(struct kunit *test)
{
	struct tmf_ctx c;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10);

	id = cf_tmf(c.fx, c.a, SCST_TMF_QUERY_TASK, 0, 10);
	expect_tmf(test, c.fx, id, SCST_TMF_SUCCEEDED);
	id = cf_tmf(c.fx, c.a, SCST_TMF_QUERY_TASK, 0, 99);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);
	id = cf_tmf(c.fx, c.b, SCST_TMF_QUERY_TASK, 0, 10);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);

	/* A query aborts nothing */
	expect_not_aborted(test, c.fx, c.a, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	expect_good(test, c.fx, c.a, 10);
	cf_wait_idle(c.fx);
	id = cf_tmf(c.fx, c.a, SCST_TMF_QUERY_TASK, 0, 10);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);
}

/* QUERY TASK SET (SAM-5 7.10): any task of this I_T_L nexus */
static void core_tmf_query_task_set(struct kunit *test)
{
	struct tmf_ctx c;
	u64 id;

	tmf_setup(test, &c, 0);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10);

	id = cf_tmf(c.fx, c.a, SCST_TMF_QUERY_TASK_SET, 0, 0);
	expect_tmf(test, c.fx, id, SCST_TMF_SUCCEEDED);
	id = cf_tmf(c.fx, c.a, SCST_TMF_QUERY_TASK_SET, 1, 0);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);
	id = cf_tmf(c.fx, c.b, SCST_TMF_QUERY_TASK_SET, 0, 0);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);

	expect_not_aborted(test, c.fx, c.a, 10);
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	expect_good(test, c.fx, c.a, 10);
	cf_wait_idle(c.fx);
	id = cf_tmf(c.fx, c.a, SCST_TMF_QUERY_TASK_SET, 0, 0);
	expect_tmf(test, c.fx, id, SCST_TMF_COMPLETE);
}

/*
 * QUERY ASYNCHRONOUS EVENT (SAM-5 7.11): SUCCEEDED with the pending unit
 * attention's sense key, ASC and ASCQ, which stays pending.
 */
static void core_tmf_query_async_event(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u8 cdb[6] = { };
	u64 id, tag = 1;

	sess = cf_sess_add(fx, 0, INI_A);
	id = cf_tmf(fx, sess, SCST_TMF_QUERY_ASYNC_EVENT, 0, 0);
	ev = tmf_wait(fx, id);
	KUNIT_EXPECT_EQ(test, ev.tmf_response, SCST_TMF_SUCCEEDED);
	KUNIT_EXPECT_EQ(test, ev.additional[0], SCST_KEY_UNIT_ATTENTION);
	KUNIT_EXPECT_EQ(test, ev.additional[1], 0x29);
	KUNIT_EXPECT_EQ(test, ev.additional[2], 0x00);

	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), tag++, SCST_TASK_SIMPLE, 0);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_CHECK_CONDITION);
	KUNIT_EXPECT_EQ(test, ev.key, SCST_KEY_UNIT_ATTENTION);
	KUNIT_EXPECT_EQ(test, ev.asc, 0x29);
	cf_clear_ua(fx, sess, 0, &tag);

	id = cf_tmf(fx, sess, SCST_TMF_QUERY_ASYNC_EVENT, 0, 0);
	expect_tmf(test, fx, id, SCST_TMF_COMPLETE);
	cf_wait_idle(fx);
}

/* A TMF for a LUN the nexus does not have (SAM-5 7.1) */
static void core_tmf_incorrect_lun(struct kunit *test)
{
	static const u8 fns[] = {
		SCST_TMF_ABORT_TASK_SET, SCST_TMF_CLEAR_TASK_SET,
		SCST_TMF_LUN_RESET, SCST_TMF_QUERY_TASK_SET,
	};
	struct tmf_ctx c;
	unsigned int i;
	u64 id;

	tmf_setup(test, &c, 0);
	for (i = 0; i < ARRAY_SIZE(fns); i++) {
		id = cf_tmf(c.fx, c.a, fns[i], 7, 0);
		expect_tmf(test, c.fx, id, SCST_TMF_INCORRECT_LUN);
	}
	cf_wait_idle(c.fx);
}

/* ------------------------------------------------------------------ */
/* ABORT TASK against the handler's completion: exactly one winner */

struct race {
	struct cf_fixture *fx;
	struct scst_session *sess;
	struct cf_held held;
	u64 tag;
	u64 tmf_id;
	int tmf_error;
	/* how long each side sleeps after the start, to vary who is first */
	unsigned int exec_delay_us, abort_delay_us;
	struct completion go;
	struct completion exec_done;
	struct completion abort_done;
};

static int race_exec_fn(void *data)
{
	struct race *r = data;

	wait_for_completion_timeout(&r->go, msecs_to_jiffies(CF_WAIT_MS));
	if (r->exec_delay_us)
		usleep_range(r->exec_delay_us, r->exec_delay_us + 10);
	cf_answer_held(r->fx, &r->held);
	complete(&r->exec_done);
	return 0;
}

static int race_abort_fn(void *data)
{
	struct race *r = data;
	struct scst_tmf *tmf;

	wait_for_completion_timeout(&r->go, msecs_to_jiffies(CF_WAIT_MS));
	if (r->abort_delay_us)
		usleep_range(r->abort_delay_us, r->abort_delay_us + 10);
	tmf = scst_tmf_alloc(r->sess, SCST_TMF_ABORT_TASK, 0, r->tag,
			     GFP_KERNEL);
	if (IS_ERR_OR_NULL(tmf)) {
		r->tmf_error = tmf ? PTR_ERR(tmf) : -ENOMEM;
	} else {
		tmf->fabric_priv = (void *)(uintptr_t)r->tmf_id;
		scst_tmf_submit(tmf);
	}
	complete(&r->abort_done);
	return 0;
}

static struct task_struct *race_thread(struct race *r, int (*fn)(void *),
				       const char *name, unsigned int nth)
{
	struct task_struct *t;
	unsigned int cpu;

	t = kthread_create(fn, r, "%s", name);
	if (IS_ERR(t))
		return t;
	/* On two CPUs, one thread each: the two replies really overlap */
	if (num_online_cpus() > 1) {
		cpu = cpumask_nth(nth % num_online_cpus(), cpu_online_mask);
		kthread_bind(t, cpu);
	}
	wake_up_process(t);
	return t;
}

static void core_tmf_race_abort_vs_done(struct kunit *test)
{
	unsigned int i, won_abort = 0, won_done = 0;
	struct cf_event exec, resp, tresp;
	struct task_struct *t1, *t2;
	struct tmf_ctx c;
	struct race *r;
	bool ok;

	tmf_setup(test, &c, 0);
	for (i = 0; i < RACE_ITERATIONS; i++) {
		u64 tag = 10 + i;

		/* Not freed if a thread may still use it (a failure) */
		r = kzalloc(sizeof(*r), GFP_KERNEL);
		KUNIT_ASSERT_NOT_NULL(test, r);
		r->fx = c.fx;
		r->sess = c.a;
		r->tag = tag;
		/*
		 * A third of the time both go at once; otherwise one side
		 * sleeps up to 400 us, which on one CPU (UML) lets the other
		 * win and on two spreads the overlap over the TMF's path.
		 */
		if (i % 3 == 1)
			r->exec_delay_us = (i * 37) % 400;
		else if (i % 3 == 2)
			r->abort_delay_us = (i * 37) % 400;
		init_completion(&r->go);
		init_completion(&r->exec_done);
		init_completion(&r->abort_done);
		cf_read(c.fx, c.a, 0, tag, SCST_TASK_SIMPLE, i % CF_NR_BLOCKS, 1);
		exec = cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, tag);
		KUNIT_ASSERT_TRUE(test, cf_take(c.fx, SCST_MSG_CMD_EXEC, tag,
						&r->held));
		/*
		 * Nothing aborted it yet: a CMD_ABORT naming it would be an
		 * earlier iteration's hint about a freed command whose memory
		 * this one reuses, delivered late from another CPU.
		 */
		KUNIT_EXPECT_FALSE_MSG(test, r->held.abort_seen,
				       "iteration %u: CMD_ABORT for a command nobody aborted",
				       i);
		r->tmf_id = cf_tmf_new_id(c.fx);

		t1 = race_thread(r, race_exec_fn, "cf_race_exec", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t1));
		t2 = race_thread(r, race_abort_fn, "cf_race_abort", i + 1);
		if (IS_ERR(t2))
			complete_all(&r->go);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t2));
		complete_all(&r->go);
		ok = wait_for_completion_timeout(&r->exec_done,
						 msecs_to_jiffies(CF_WAIT_MS)) &&
		     wait_for_completion_timeout(&r->abort_done,
						 msecs_to_jiffies(CF_WAIT_MS));
		KUNIT_ASSERT_TRUE_MSG(test, ok, "race threads did not finish");
		KUNIT_ASSERT_EQ(test, r->tmf_error, 0);

		resp = cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_RESPOND, tag);
		tresp = tmf_wait(c.fx, r->tmf_id);
		KUNIT_EXPECT_EQ_MSG(test, tresp.tmf_response, SCST_TMF_COMPLETE,
				    "iteration %u", i);
		if (resp.aborted) {
			won_abort++;
			KUNIT_EXPECT_FALSE_MSG(test, resp.send_status,
					       "iteration %u", i);
			expect_seq_before(test, &resp, &tresp,
					  "aborted command's end after the TMF response");
		} else {
			won_done++;
			KUNIT_EXPECT_EQ_MSG(test, resp.status, SCST_STATUS_GOOD,
					    "iteration %u", i);
			KUNIT_EXPECT_TRUE_MSG(test, resp.data_ok,
					      "iteration %u", i);
			/* A hint while it was lent would be about another */
			KUNIT_EXPECT_EQ_MSG(test,
					    cf_count_abort_ptr(c.fx, CF_HANDLER,
							       r->held.msg.cmd.cmd,
							       exec.seq, resp.seq),
					    0U,
					    "iteration %u: CMD_ABORT for a command that completed",
					    i);
		}
		/* Never both, never neither: one response, then freed */
		cf_wait_idle(c.fx);
		KUNIT_EXPECT_EQ_MSG(test, cf_count_tag(c.fx, c.a,
						       SCST_MSG_CMD_RESPOND, tag),
				    1U, "iteration %u", i);
		kfree(r);
		cf_log_reset(c.fx);
		if (test->status == KUNIT_FAILURE)
			break;
	}
	kunit_info(test, "%u iterations: abort won %u, completion won %u\n",
		   i, won_abort, won_done);
	KUNIT_EXPECT_EQ(test, won_abort + won_done, i);
}

/* ------------------------------------------------------------------ */
/* Session teardown */

/*
 * scst_sess_unregister() with commands in every state: SESS_GONE only
 * after each was answered, ended and freed.
 */
static void core_tmf_sess_unregister_busy(struct kunit *test)
{
	struct tmf_ctx c;
	struct cf_fixture *fx;
	u64 t;

	tmf_setup(test, &c, 0);
	fx = c.fx;
	fx->xfer_abort_error = -ECANCELED;

	/* Finished, its response held by the fabric */
	cf_set_mode(fx, SCST_MSG_CMD_RESPOND, CF_HOLD);
	cf_read(fx, c.a, 1, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(fx, c.a, SCST_MSG_CMD_EXEC, 10);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 10);
	cf_wait_tag(fx, c.a, SCST_MSG_CMD_RESPOND, 10);
	/* Waiting for its data at the fabric */
	cf_set_mode(fx, SCST_MSG_CMD_XFER, CF_HOLD);
	cf_write(fx, c.a, 1, 11, SCST_TASK_SIMPLE, 1, 1);
	cf_wait_tag(fx, c.a, SCST_MSG_CMD_XFER, 11);
	/* At the handler */
	cf_read(fx, c.a, 0, 12, SCST_TASK_ORDERED, 2, 1);
	cf_wait_tag(fx, c.a, SCST_MSG_CMD_EXEC, 12);
	/* Waiting in the task set behind it */
	cf_read(fx, c.a, 0, 13, SCST_TASK_SIMPLE, 3, 1);
	KUNIT_EXPECT_TRUE(test, cf_quiet(fx, c.a, SCST_MSG_CMD_EXEC, 13,
					 CF_QUIET_MS));
	/* Just submitted */
	cf_read(fx, c.a, 0, 14, SCST_TASK_SIMPLE, 4, 1);

	scst_sess_unregister(c.a);
	wait_abort_notice(test, fx, c.a, 11);
	wait_abort_notice(test, fx, c.a, 12);
	KUNIT_EXPECT_FALSE_MSG(test, cf_wait_sess_gone(fx, 0, CF_QUIET_MS),
			       "SESS_GONE with commands lent");

	cf_answer(fx, SCST_MSG_CMD_XFER, 11);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 12);
	for (t = 11; t <= 14; t++)
		cf_wait_tag(fx, c.a, SCST_MSG_CMD_RESPOND, t);
	for (t = 10; t <= 13; t++)
		cf_answer(fx, SCST_MSG_CMD_RESPOND, t);
	KUNIT_EXPECT_FALSE_MSG(test, cf_wait_sess_gone(fx, 0, CF_QUIET_MS),
			       "SESS_GONE with a response lent");
	cf_answer(fx, SCST_MSG_CMD_RESPOND, 14);
	KUNIT_EXPECT_TRUE_MSG(test, cf_wait_sess_gone(fx, 0, CF_WAIT_MS),
			      "no SESS_GONE once everything came back");

	/* Ended: 10 as it was, the others aborted with no status (no nexus) */
	expect_good(test, fx, c.a, 10);
	for (t = 11; t <= 14; t++)
		expect_aborted(test, fx, c.a, t, false);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, c.a, SCST_MSG_CMD_EXEC, 13), 0U);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, c.a, SCST_MSG_CMD_EXEC, 14), 0U);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, c.a, SCST_MSG_CMD_EXEC, 11), 0U);

	/* The other session carries on */
	cf_set_mode(fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	cf_set_mode(fx, SCST_MSG_CMD_XFER, CF_AUTO);
	cf_set_mode(fx, SCST_MSG_CMD_RESPOND, CF_AUTO);
	cf_read(fx, c.b, 0, 20, SCST_TASK_SIMPLE, 0, 1);
	expect_good(test, fx, c.b, 20);
	cf_wait_idle(fx);
}

static unsigned int saved_lend_timeout_ms, saved_teardown_timeout_ms;

static int tmf_suite_init(struct kunit_suite *suite)
{
	saved_lend_timeout_ms = core_lend_timeout_ms;
	saved_teardown_timeout_ms = core_teardown_timeout_ms;
	return 0;
}

static void tmf_suite_exit(struct kunit_suite *suite)
{
	WRITE_ONCE(core_lend_timeout_ms, saved_lend_timeout_ms);
	WRITE_ONCE(core_teardown_timeout_ms, saved_teardown_timeout_ms);
}

#define LOST_LEND_MS		100
#define LOST_TEARDOWN_MS	200

/*
 * The watchdog runs every lend_timeout_ms / 4 (at least 50 ms): a run
 * scheduled under the old value comes first, then one under ours.
 */
static unsigned int watchdog_bound_ms(void)
{
	return max(saved_lend_timeout_ms / 4, 50U) + 2 * LOST_LEND_MS +
	       LOST_TEARDOWN_MS + CF_WAIT_MS;
}

static bool cmd_reported(struct scst_cmd *cmd)
{
	unsigned long end = jiffies + msecs_to_jiffies(watchdog_bound_ms());

	while (time_before(jiffies, end)) {
		if (READ_ONCE(to_core_cmd(cmd)->reported))
			return true;
		usleep_range(10000, 20000);
	}
	return false;
}

/* The watchdog's teardown report moves the session's next report time */
static bool teardown_reported(struct scst_session *sess, unsigned long first)
{
	unsigned long end = jiffies + msecs_to_jiffies(watchdog_bound_ms());

	while (time_before(jiffies, end)) {
		if (READ_ONCE(sess->unreg_report_at) != first)
			return true;
		usleep_range(10000, 20000);
	}
	return false;
}

/* A lost reply is reported by the watchdog; a late one still completes */
static void core_tmf_lost_reply_reported(struct kunit *test)
{
	struct scst_cmd *cmd;
	struct tmf_ctx c;

	tmf_setup(test, &c, 0);
	WRITE_ONCE(core_lend_timeout_ms, LOST_LEND_MS);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10);
	cmd = cf_held_cmd(c.fx, SCST_MSG_CMD_EXEC, 10);
	KUNIT_ASSERT_NOT_NULL(test, cmd);
	KUNIT_EXPECT_TRUE_MSG(test, cmd_reported(cmd),
			      "a command lent past the bound was not reported within %u ms",
			      watchdog_bound_ms());
	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	expect_good(test, c.fx, c.a, 10);
	WRITE_ONCE(core_lend_timeout_ms, saved_lend_timeout_ms);
	cf_wait_idle(c.fx);
}

/*
 * Unregistering a session whose command the handler never answers: the
 * call does not hang, the stuck command is reported, SESS_GONE waits for
 * it, and comes when the late reply does.
 */
static void core_tmf_sess_unregister_stuck(struct kunit *test)
{
	unsigned long t0, first_report;
	struct scst_cmd *cmd;
	struct tmf_ctx c;

	tmf_setup(test, &c, 0);
	WRITE_ONCE(core_lend_timeout_ms, LOST_LEND_MS);
	WRITE_ONCE(core_teardown_timeout_ms, LOST_TEARDOWN_MS);
	cf_read(c.fx, c.a, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(c.fx, c.a, SCST_MSG_CMD_EXEC, 10);
	cmd = cf_held_cmd(c.fx, SCST_MSG_CMD_EXEC, 10);
	KUNIT_ASSERT_NOT_NULL(test, cmd);

	t0 = jiffies;
	scst_sess_unregister(c.a);
	first_report = READ_ONCE(c.a->unreg_report_at);
	KUNIT_EXPECT_LT_MSG(test, jiffies_to_msecs(jiffies - t0), 1000U,
			    "scst_sess_unregister() waited for the handler");
	wait_abort_notice(test, c.fx, c.a, 10);
	KUNIT_EXPECT_FALSE_MSG(test,
			       cf_wait_sess_gone(c.fx, 0, 3 * LOST_TEARDOWN_MS),
			       "SESS_GONE with a command at the handler");
	KUNIT_EXPECT_TRUE_MSG(test, cmd_reported(cmd),
			      "the stuck command was not reported");
	KUNIT_EXPECT_TRUE_MSG(test, teardown_reported(c.a, first_report),
			      "the stuck teardown was not reported");

	cf_answer(c.fx, SCST_MSG_CMD_EXEC, 10);
	expect_aborted(test, c.fx, c.a, 10, false);
	KUNIT_EXPECT_TRUE_MSG(test, cf_wait_sess_gone(c.fx, 0, CF_WAIT_MS),
			      "no SESS_GONE after the late reply");
	WRITE_ONCE(core_lend_timeout_ms, saved_lend_timeout_ms);
	WRITE_ONCE(core_teardown_timeout_ms, saved_teardown_timeout_ms);
	cf_wait_idle(c.fx);
}

static struct kunit_case core_tmf_cases[] = {
	KUNIT_CASE(core_tmf_abort_task_at_exec),
	KUNIT_CASE(core_tmf_abort_task_at_xfer),
	KUNIT_CASE(core_tmf_abort_task_unknown),
	KUNIT_CASE(core_tmf_abort_task_set),
	KUNIT_CASE_PARAM(core_tmf_clear_task_set, tas_gen_params),
	KUNIT_CASE(core_tmf_clear_aca),
	KUNIT_CASE_PARAM(core_tmf_qerr, qerr_gen_params),
	KUNIT_CASE_PARAM(core_tmf_lun_reset, tas_gen_params),
	KUNIT_CASE(core_tmf_it_nexus_reset),
	KUNIT_CASE(core_tmf_target_reset),
	KUNIT_CASE(core_tmf_query_task),
	KUNIT_CASE(core_tmf_query_task_set),
	KUNIT_CASE(core_tmf_query_async_event),
	KUNIT_CASE(core_tmf_incorrect_lun),
	KUNIT_CASE(core_tmf_race_abort_vs_done),
	KUNIT_CASE(core_tmf_sess_unregister_busy),
	KUNIT_CASE(core_tmf_lost_reply_reported),
	KUNIT_CASE(core_tmf_sess_unregister_stuck),
	{ }
};

static struct kunit_suite core_tmf_suite = {
	.name = "scst_core_tmf",
	.suite_init = tmf_suite_init,
	.suite_exit = tmf_suite_exit,
	.init = tmf_test_init,
	.exit = tmf_test_exit,
	.test_cases = core_tmf_cases,
};

kunit_test_suite(core_tmf_suite);
