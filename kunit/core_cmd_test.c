// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: scst_core's command path, driven end to end by bus messages from a
 * fake fabric and a fake device handler (core_fake.h). Each case shows one
 * rule of <scst/cmd.h>, <scst/fabric.h> and <scst/handler.h>, or of the
 * standards they follow: SAM-5 (task attributes, ACA, unit attentions),
 * SPC-4 (sense data, INQUIRY, REPORT LUNS) and SBC-4 (READ/WRITE).
 *
 * The first command on a new I_T_L nexus gets a POWER ON UA, so most cases
 * consume it with cf_clear_ua() first. Tags are unique within a case.
 */
#include <kunit/test.h>
#include <asm/unaligned.h>
#include <linux/module.h>
#include <linux/string.h>
#include "core_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define INI0	"iqn.2024-01.org.test:ini0"
#define INI1	"iqn.2024-01.org.test:ini1"

/* ASC << 8 | ASCQ (SPC-4 annex D) */
#define ASC_LUN_NOT_SUPPORTED		0x2500
#define ASC_INVALID_OPCODE		0x2000
#define ASC_INVALID_FIELD_IN_CDB	0x2400
#define ASC_WRITE_PROTECTED		0x2700
#define ASC_POWER_ON_RESET		0x2900
#define ASC_CAPACITY_CHANGED		0x2a09
#define ASC_REPORTED_LUNS_CHANGED	0x3f0e
#define ASC_UNRECOVERED_READ_ERROR	0x1100

/* Control byte NACA bit (SAM-5 5.2, table 20) */
#define CDB_CONTROL_NACA		0x04

static void expect_sense(struct kunit *test, const struct cf_event *ev,
			 u8 key, u16 code)
{
	KUNIT_EXPECT_EQ_MSG(test, ev->status, SCST_STATUS_CHECK_CONDITION,
			    "tag %llu", ev->tag);
	KUNIT_EXPECT_EQ_MSG(test, ev->key, key, "tag %llu sense %x/%02x/%02x",
			    ev->tag, ev->key, ev->asc, ev->ascq);
	KUNIT_EXPECT_EQ_MSG(test, ev->asc << 8 | ev->ascq, code,
			    "tag %llu sense %x/%02x/%02x", ev->tag, ev->key,
			    ev->asc, ev->ascq);
}

static void expect_good(struct kunit *test, const struct cf_event *ev)
{
	KUNIT_EXPECT_EQ_MSG(test, ev->status, SCST_STATUS_GOOD,
			    "tag %llu sense %x/%02x/%02x", ev->tag, ev->key,
			    ev->asc, ev->ascq);
	KUNIT_EXPECT_FALSE_MSG(test, ev->aborted, "tag %llu", ev->tag);
}

/* The messages the fakes saw for @tag, in order */
static void expect_sequence(struct kunit *test, struct cf_fixture *fx,
			    struct scst_session *sess, u64 tag,
			    const u16 *want, unsigned int nr_want)
{
	u16 got[8];
	unsigned int i, n;

	n = cf_tag_types(fx, sess, tag, got, ARRAY_SIZE(got));
	KUNIT_EXPECT_EQ_MSG(test, n, nr_want, "messages for tag %llu", tag);
	for (i = 0; i < min(n, nr_want); i++)
		KUNIT_EXPECT_STREQ_MSG(test, scst_msg_name(got[i]),
				       scst_msg_name(want[i]),
				       "message %u of tag %llu", i, tag);
	if (n != nr_want)
		cf_log_dump(fx);
}

static int cmd_test_init(struct kunit *test)
{
	return cf_fixture_init(test, 0);
}

static void cmd_test_exit(struct kunit *test)
{
	cf_fixture_exit(test);
}

/* ------------------------------------------------------------------ */

static void core_cmd_read10_path(struct kunit *test)
{
	static const u16 want[] = { SCST_MSG_CMD_EXEC, SCST_MSG_CMD_RESPOND };
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event exec, resp;
	u64 tag = 1;
	u8 cdb[10];

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);
	cf_wait_idle(fx);

	cf_read(fx, sess, 0, 100, SCST_TASK_SIMPLE, 16, 8);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	exec = cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 100);
	expect_sequence(test, fx, sess, 100, want, ARRAY_SIZE(want));

	/* What the core parsed from the CDB, before lending it */
	KUNIT_EXPECT_EQ(test, exec.data_dir, SCST_DATA_READ);
	KUNIT_EXPECT_EQ(test, exec.bufflen, 8U << CF_BLOCK_SHIFT);
	KUNIT_EXPECT_EQ(test, exec.lba, 16ULL);
	KUNIT_EXPECT_EQ(test, exec.nr_blocks, 8U);
	KUNIT_EXPECT_EQ(test, exec.lun, 0ULL);
	KUNIT_EXPECT_PTR_EQ(test, exec.dev, fx->devs[0]);
	KUNIT_EXPECT_NOT_NULL(test, exec.sg);

	expect_good(test, &resp);
	KUNIT_EXPECT_EQ(test, resp.sense_len, 0);
	KUNIT_EXPECT_EQ(test, resp.resp_len, 8U << CF_BLOCK_SHIFT);
	KUNIT_EXPECT_EQ(test, resp.resid, 0);
	KUNIT_EXPECT_TRUE_MSG(test, resp.data_ok,
			      "the fabric must get the data the handler read");
	KUNIT_EXPECT_EQ(test, cf_count(fx, -1, SCST_MSG_CMD_XFER), 0U);
	KUNIT_EXPECT_EQ(test, cf_count(fx, -1, SCST_MSG_CMD_ABORT), 0U);

	/* SAM-5 5.4.3: an initiator expecting more gets a positive residual */
	cf_cdb_rw10(cdb, false, 0, 4);
	cf_submit(fx, sess, 0, cdb, sizeof(cdb), 101, SCST_TASK_SIMPLE,
		  8 << CF_BLOCK_SHIFT);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 101);
	expect_good(test, &resp);
	KUNIT_EXPECT_EQ(test, resp.resid, 4 << CF_BLOCK_SHIFT);

	/* The response was the last lend: the command is freed */
	cf_wait_idle(fx);
}

static void core_cmd_write10_path(struct kunit *test)
{
	static const u16 want[] = {
		SCST_MSG_CMD_XFER, SCST_MSG_CMD_EXEC, SCST_MSG_CMD_RESPOND
	};
	struct cf_fixture *fx = test->priv;
	struct cf_event xfer, exec, resp;
	struct scst_session *sess;
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);

	cf_write(fx, sess, 0, 100, SCST_TASK_SIMPLE, 100, 16);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	xfer = cf_wait_tag(fx, sess, SCST_MSG_CMD_XFER, 100);
	exec = cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 100);
	expect_sequence(test, fx, sess, 100, want, ARRAY_SIZE(want));

	KUNIT_EXPECT_EQ(test, xfer.data_dir, SCST_DATA_WRITE);
	KUNIT_EXPECT_EQ(test, xfer.bufflen, 16U << CF_BLOCK_SHIFT);
	KUNIT_EXPECT_NOT_NULL_MSG(test, xfer.sg,
				  "CMD_XFER must come with the buffer");
	KUNIT_EXPECT_EQ(test, exec.lba, 100ULL);
	KUNIT_EXPECT_EQ(test, exec.nr_blocks, 16U);
	KUNIT_EXPECT_TRUE_MSG(test, exec.data_ok,
			      "the handler must get the data the fabric received");
	expect_good(test, &resp);
	KUNIT_EXPECT_EQ(test, resp.resid, 0);
	cf_wait_idle(fx);
}

/*
 * A fabric that offers its own memory (scst_cmd_set_fabric_buf()): a write
 * executes straight from it with no CMD_XFER, a read lands in it; one too
 * short for the CDB's transfer falls back to a core buffer and CMD_XFER.
 */
static void core_cmd_fabric_buf(struct kunit *test)
{
	static const u16 want_write[] = { SCST_MSG_CMD_EXEC, SCST_MSG_CMD_RESPOND };
	static const u16 want_short[] = {
		SCST_MSG_CMD_XFER, SCST_MSG_CMD_EXEC, SCST_MSG_CMD_RESPOND
	};
	const u32 len = 8U << CF_BLOCK_SHIFT;
	struct cf_fixture *fx = test->priv;
	struct cf_event exec, resp;
	struct scst_session *sess;
	struct scatterlist sg;
	struct scst_cmd *cmd;
	u8 cdb[10], *data;
	u64 tag = 1;
	u32 i;

	data = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, data);
	sg_init_one(&sg, data, len);
	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);

	for (i = 0; i < len; i++)
		data[i] = cf_pattern(200, i);
	cf_cdb_rw10(cdb, true, 200, 8);
	cmd = cf_cmd(fx, sess, 0, cdb, sizeof(cdb), 100, SCST_TASK_SIMPLE, len);
	scst_cmd_set_fabric_buf(cmd, &sg, 1, len);
	scst_cmd_submit(cmd);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	exec = cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 100);
	expect_sequence(test, fx, sess, 100, want_write, ARRAY_SIZE(want_write));
	expect_good(test, &resp);
	KUNIT_EXPECT_PTR_EQ(test, exec.sg, (void *)&sg);
	KUNIT_EXPECT_TRUE_MSG(test, exec.data_ok,
			      "the handler must see the fabric's data in place");

	memset(data, 0, len);
	cf_cdb_rw10(cdb, false, 300, 8);
	cmd = cf_cmd(fx, sess, 0, cdb, sizeof(cdb), 101, SCST_TASK_SIMPLE, len);
	scst_cmd_set_fabric_buf(cmd, &sg, 1, len);
	scst_cmd_submit(cmd);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 101);
	expect_good(test, &resp);
	KUNIT_EXPECT_PTR_EQ(test, resp.sg, (void *)&sg);
	KUNIT_EXPECT_EQ(test, data[0], cf_pattern(300, 0));
	KUNIT_EXPECT_EQ(test, data[len - 1], cf_pattern(300, len - 1));

	/* Shorter than the CDB asks: the core's buffer, as without the offer */
	cf_cdb_rw10(cdb, true, 400, 8);
	cmd = cf_cmd(fx, sess, 0, cdb, sizeof(cdb), 102, SCST_TASK_SIMPLE, len);
	scst_cmd_set_fabric_buf(cmd, &sg, 1, len - 512);
	scst_cmd_submit(cmd);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 102);
	exec = cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 102);
	expect_sequence(test, fx, sess, 102, want_short, ARRAY_SIZE(want_short));
	expect_good(test, &resp);
	KUNIT_EXPECT_PTR_NE(test, exec.sg, (void *)&sg);
	KUNIT_EXPECT_TRUE(test, exec.data_ok);
	cf_wait_idle(fx);
}

/* SPC-4 and SAM-5 5.9: LOGICAL UNIT NOT SUPPORTED, nothing reaches a handler */
static void core_cmd_missing_lun(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u8 cdb[10];

	sess = cf_sess_add(fx, 0, INI0);
	cf_cdb_tur(cdb);
	ev = cf_run(fx, sess, 9, cdb, 6, 10, SCST_TASK_SIMPLE, 0);
	expect_sense(test, &ev, SCST_KEY_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);

	cf_cdb_rw10(cdb, false, 0, 1);
	ev = cf_run(fx, sess, 9, cdb, 10, 11, SCST_TASK_SIMPLE, 512);
	expect_sense(test, &ev, SCST_KEY_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);
	KUNIT_EXPECT_EQ(test, cf_count(fx, CF_HANDLER, SCST_MSG_CMD_EXEC), 0U);
	cf_wait_idle(fx);
}

/* Opcodes a disk does not have: INVALID COMMAND OPERATION CODE */
static void core_cmd_unknown_opcode(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1;
	u8 cdb[10] = { };

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);

	cdb[0] = 0xc7;		/* vendor specific: nobody's */
	ev = cf_run(fx, sess, 0, cdb, 6, 100, SCST_TASK_SIMPLE, 0);
	expect_sense(test, &ev, SCST_KEY_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);

	cdb[0] = 0x43;		/* READ TOC/PMA/ATIP: MMC only */
	ev = cf_run(fx, sess, 0, cdb, 10, 101, SCST_TASK_SIMPLE, 0);
	expect_sense(test, &ev, SCST_KEY_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);

	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 100), 0U);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 101), 0U);
	cf_wait_idle(fx);
}

/*
 * INVALID FIELD IN CDB, with the sense-key specific field pointer (SPC-4
 * 4.5.2.4.2) naming the byte, and the bit when a single bit is wrong.
 */
struct bad_cdb_case {
	const char *name;
	u8 cdb[16];
	u8 cdb_len;
	u16 byte;
	int bit;		/* -1: the whole byte */
};

static const struct bad_cdb_case bad_cdb_cases[] = {
	{
		/* SPC-4 6.6.1: EVPD zero with a page code */
		.name = "inquiry_page_without_evpd",
		.cdb = { 0x12, 0x00, 0x80, 0x00, 0x24, 0x00 },
		.cdb_len = 6, .byte = 2, .bit = -1,
	},
	{
		/* cdb.h: a CDB shorter than its opcode's is bad at byte 0 */
		.name = "read10_too_short",
		.cdb = { 0x28, 0, 0, 0, 0, 0 },
		.cdb_len = 6, .byte = 0, .bit = -1,
	},
};

static void bad_cdb_desc(const struct bad_cdb_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad_cdb, bad_cdb_cases, bad_cdb_desc);

static void core_cmd_bad_cdb(struct kunit *test)
{
	const struct bad_cdb_case *c = test->param_value;
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);
	ev = cf_run(fx, sess, 0, c->cdb, c->cdb_len, 100, SCST_TASK_SIMPLE, 36);
	expect_sense(test, &ev, SCST_KEY_ILLEGAL_REQUEST,
		     ASC_INVALID_FIELD_IN_CDB);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 100), 0U);

	/* Fixed format (D_SENSE is off): SKS in bytes 15..17 */
	KUNIT_ASSERT_EQ(test, ev.sense[0] & 0x7f, 0x70);
	KUNIT_ASSERT_GE_MSG(test, ev.sense[7], 10, "additional sense length");
	KUNIT_EXPECT_TRUE_MSG(test, ev.sense[15] & 0x80, "SKSV");
	KUNIT_EXPECT_TRUE_MSG(test, ev.sense[15] & 0x40, "C/D: the CDB");
	KUNIT_EXPECT_EQ_MSG(test, get_unaligned_be16(&ev.sense[16]), c->byte,
			    "field pointer");
	if (c->bit >= 0) {
		KUNIT_EXPECT_TRUE_MSG(test, ev.sense[15] & 0x08, "BPV");
		KUNIT_EXPECT_EQ_MSG(test, ev.sense[15] & 0x07, c->bit,
				    "bit pointer");
	} else {
		KUNIT_EXPECT_FALSE_MSG(test, ev.sense[15] & 0x08,
				       "BPV for a whole-byte field");
	}
	cf_wait_idle(fx);
}

/*
 * D_SENSE (control mode page): with it set, the core's own sense comes in
 * descriptor format, key/ASC/ASCQ in bytes 1..3 and the field pointer in
 * a sense-key specific descriptor (type 02h).
 */
static void core_cmd_descriptor_sense(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1;
	u8 cdb[16] = { 0x28 };	/* READ(10) cut short: 6 bytes */

	fx->devs[0]->d_sense = true;
	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);
	ev = cf_run(fx, sess, 0, cdb, 6, 100, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_CHECK_CONDITION);
	KUNIT_ASSERT_GE(test, ev.sense_len, 8);
	KUNIT_EXPECT_EQ(test, ev.sense[0] & 0x7f, 0x72);
	KUNIT_EXPECT_EQ(test, ev.sense[1] & 0x0f, SCST_KEY_ILLEGAL_REQUEST);
	KUNIT_EXPECT_EQ(test, ev.sense[2], 0x24);
	KUNIT_EXPECT_EQ(test, ev.sense[3], 0x00);
	KUNIT_ASSERT_GE(test, ev.sense_len, 16);
	KUNIT_EXPECT_EQ_MSG(test, ev.sense[8], 0x02, "SKS descriptor type");
	KUNIT_EXPECT_TRUE_MSG(test, ev.sense[12] & 0x80, "SKSV");
	KUNIT_EXPECT_EQ_MSG(test, get_unaligned_be16(&ev.sense[13]), 0,
			    "field pointer: byte 0 for a short CDB");
	fx->devs[0]->d_sense = false;
	cf_wait_idle(fx);
}

/*
 * SPC-2 RESERVE/RELEASE, executed by the core: another nexus's READ gets
 * RESERVATION CONFLICT (and never reaches the handler) while INQUIRY still
 * runs; its RELEASE succeeds and changes nothing; the holder's releases.
 */
static void core_cmd_spc2_reservation(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *a, *b;
	struct cf_event ev;
	u64 tag = 1;
	u8 reserve6[6] = { 0x16 }, release6[6] = { 0x17 };
	u8 inquiry[6] = { 0x12, 0, 0, 0, 36, 0 };
	u8 read10[10];

	a = cf_sess_add(fx, 0, INI0);
	b = cf_sess_add(fx, 1, INI1);
	cf_clear_ua(fx, a, 0, &tag);
	cf_clear_ua(fx, b, 0, &tag);
	cf_cdb_rw10(read10, false, 0, 1);

	ev = cf_run(fx, a, 0, reserve6, 6, 100, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, a, SCST_MSG_CMD_EXEC, 100), 0U);

	ev = cf_run(fx, b, 0, read10, 10, 101, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_RESERVATION_CONFLICT);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, b, SCST_MSG_CMD_EXEC, 101), 0U);
	ev = cf_run(fx, b, 0, inquiry, 6, 102, SCST_TASK_SIMPLE, 36);
	expect_good(test, &ev);
	ev = cf_run(fx, a, 0, read10, 10, 103, SCST_TASK_SIMPLE, 512);
	expect_good(test, &ev);
	/* LUN 1 is another device: not reserved */
	ev = cf_run(fx, b, 1, read10, 10, 104, SCST_TASK_SIMPLE, 512);
	if (ev.status == SCST_STATUS_CHECK_CONDITION)	/* its POWER ON UA */
		ev = cf_run(fx, b, 1, read10, 10, 105, SCST_TASK_SIMPLE, 512);
	expect_good(test, &ev);

	ev = cf_run(fx, b, 0, release6, 6, 106, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	ev = cf_run(fx, b, 0, read10, 10, 107, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_RESERVATION_CONFLICT);

	ev = cf_run(fx, a, 0, release6, 6, 108, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	ev = cf_run(fx, b, 0, read10, 10, 109, SCST_TASK_SIMPLE, 512);
	expect_good(test, &ev);
	cf_wait_idle(fx);
}

/* REPORT LUNS through the command path: the session's LUNs, in order */
static void core_cmd_report_luns(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u8 cdb[12] = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0 };
	static const u8 want[32] = {
		0, 0, 0, 16, 0, 0, 0, 0,
		0, 0, 0, 0, 0, 0, 0, 0,		/* LUN 0 */
		0, 1, 0, 0, 0, 0, 0, 0,		/* LUN 1 */
	};

	sess = cf_sess_add(fx, 0, INI0);
	/* REPORT LUNS runs with the POWER ON UA pending, and leaves it. */
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 100, SCST_TASK_SIMPLE, 64);
	expect_good(test, &ev);
	KUNIT_EXPECT_EQ(test, ev.resp_len, 24U);
	KUNIT_EXPECT_EQ_MSG(test, memcmp(ev.data, want, 24), 0, "%*ph",
			    24, ev.data);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 100), 0U);
	cf_wait_idle(fx);
}

/*
 * A LUN removed while one of its commands is at the handler: its nexus,
 * and so the device, must outlive that command. Disabling or removing the
 * device waits for it (bounded, then refused with EBUSY) instead of
 * closing the backing store under the command or freeing the device the
 * nexus still names; once the command ends, both go through.
 */
static void core_cmd_dev_outlives_removed_lun(struct kunit *test)
{
	unsigned int saved = READ_ONCE(core_teardown_timeout_ms);
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 1, &tag);
	cf_wait_idle(fx);
	cf_set_mode(fx, SCST_MSG_CMD_EXEC, CF_HOLD);
	cf_read(fx, sess, 1, 30, SCST_TASK_SIMPLE, 0, 1);
	cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 30);
	KUNIT_ASSERT_EQ(test, cf_lun_del(fx, &fx->tgt->default_acg, 1), 0);

	WRITE_ONCE(core_teardown_timeout_ms, 100);
	KUNIT_EXPECT_EQ(test, scst_dev_enable(fx->devs[1], false), -EBUSY);
	KUNIT_EXPECT_EQ(test, scst_dev_unregister(fx->devs[1]), -EBUSY);
	WRITE_ONCE(core_teardown_timeout_ms, saved);

	cf_answer(fx, SCST_MSG_CMD_EXEC, 30);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 30);
	expect_good(test, &ev);
	KUNIT_EXPECT_EQ(test, scst_dev_enable(fx->devs[1], false), 0);
	fx->dev_enabled[1] = false;
	cf_wait_idle(fx);
}

/* SBC-4 write protection: DATA PROTECT, and the data is never fetched */
static void core_cmd_read_only_lun(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1;

	KUNIT_ASSERT_EQ(test, cf_lun_del(fx, &fx->tgt->default_acg, 1), 0);
	KUNIT_ASSERT_EQ(test, cf_lun_add(fx, &fx->tgt->default_acg, 1, 1, true),
			0);
	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 1, &tag);

	cf_write(fx, sess, 1, 100, SCST_TASK_SIMPLE, 0, 8);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	expect_sense(test, &ev, SCST_KEY_DATA_PROTECT, ASC_WRITE_PROTECTED);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_XFER, 100), 0U);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 100), 0U);

	cf_read(fx, sess, 1, 101, SCST_TASK_SIMPLE, 0, 8);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 101);
	expect_good(test, &ev);

	/* The same device writable through a LUN that is not read-only */
	cf_clear_ua(fx, sess, 0, &tag);
	cf_write(fx, sess, 0, 102, SCST_TASK_SIMPLE, 0, 8);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 102);
	expect_good(test, &ev);
	cf_wait_idle(fx);
}

/*
 * SAM-5 5.14: a new I_T nexus starts with a POWER ON, RESET, OR BUS DEVICE
 * RESET OCCURRED unit attention. INQUIRY and REPORT LUNS run and keep it;
 * REQUEST SENSE may report it in its data (and clear it) or keep it.
 */
struct power_on_case {
	const char *name;
	u8 cdb[12];
	u8 cdb_len;
	u32 len;
	bool runs;		/* GOOD despite the UA */
	bool request_sense;
};

static const struct power_on_case power_on_cases[] = {
	{
		.name = "test_unit_ready",
		.cdb = { 0x00 }, .cdb_len = 6, .len = 0,
	},
	{
		.name = "read10",
		.cdb = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 }, .cdb_len = 10,
		.len = 512,
	},
	{
		.name = "inquiry",
		.cdb = { 0x12, 0, 0, 0, 36, 0 }, .cdb_len = 6, .len = 36,
		.runs = true,
	},
	{
		.name = "report_luns",
		.cdb = { 0xa0, 0, 0, 0, 0, 0, 0, 0, 0, 64, 0, 0 },
		.cdb_len = 12, .len = 64, .runs = true,
	},
	{
		.name = "request_sense",
		.cdb = { 0x03, 0, 0, 0, 18, 0 }, .cdb_len = 6, .len = 18,
		.runs = true, .request_sense = true,
	},
};

static void power_on_desc(const struct power_on_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(power_on, power_on_cases, power_on_desc);

static void core_cmd_power_on_ua(struct kunit *test)
{
	const struct power_on_case *c = test->param_value;
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	bool ua_stays = true;
	u8 cdb[6] = { };

	sess = cf_sess_add(fx, 0, INI0);
	ev = cf_run(fx, sess, 0, c->cdb, c->cdb_len, 10, SCST_TASK_SIMPLE,
		    c->len);
	if (!c->runs) {
		expect_sense(test, &ev, SCST_KEY_UNIT_ATTENTION,
			     ASC_POWER_ON_RESET);
		KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 10),
				0U);
		/* Reported once: the same command now runs */
		ev = cf_run(fx, sess, 0, c->cdb, c->cdb_len, 11,
			    SCST_TASK_SIMPLE, c->len);
		expect_good(test, &ev);
		cf_wait_idle(fx);
		return;
	}
	expect_good(test, &ev);
	if (c->request_sense && ev.resp_len >= 14 &&
	    (ev.data[0] & 0x7f) == 0x70 && (ev.data[2] & 0xf) ==
	    SCST_KEY_UNIT_ATTENTION) {
		/* Reported in the parameter data: then it is cleared */
		KUNIT_EXPECT_EQ(test, ev.data[12], 0x29);
		KUNIT_EXPECT_EQ(test, ev.data[13], 0x00);
		ua_stays = false;
	}
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 11, SCST_TASK_SIMPLE, 0);
	if (ua_stays)
		expect_sense(test, &ev, SCST_KEY_UNIT_ATTENTION,
			     ASC_POWER_ON_RESET);
	else
		expect_good(test, &ev);
	cf_wait_idle(fx);
}

/* SPC-4 REPORTED LUNS DATA HAS CHANGED: on every I_T nexus that had LUNs */
static void core_cmd_lun_added_ua(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *s0, *s1;
	struct cf_event ev;
	u8 cdb[12] = { 0xa0 };
	u16 uas[CORE_UA_MAX];
	unsigned int n;
	u64 luns[4];
	u64 tag = 1;

	s0 = cf_sess_add(fx, 0, INI0);
	s1 = cf_sess_add(fx, 1, INI1);
	cf_clear_ua(fx, s0, 0, &tag);
	cf_clear_ua(fx, s0, 1, &tag);
	cf_clear_ua(fx, s1, 0, &tag);

	KUNIT_ASSERT_EQ(test, cf_lun_add(fx, &fx->tgt->default_acg, 2, 2, false),
			0);
	/* The fabric hears of it without waiting for a command to meet the UA */
	cf_wait_count(fx, CF_FABRIC, SCST_MSG_SESS_LUNS_CHANGED, 2,
		      "SESS_LUNS_CHANGED for both sessions");
	KUNIT_EXPECT_EQ(test, scst_sess_luns(s1, luns, ARRAY_SIZE(luns)), 3);
	KUNIT_EXPECT_EQ(test, luns[0], 0ULL);
	KUNIT_EXPECT_EQ(test, luns[1], 1ULL);
	KUNIT_EXPECT_EQ(test, luns[2], 2ULL);
	KUNIT_EXPECT_EQ(test, scst_sess_luns(s1, luns, 1), 3);
	n = cf_collect_uas(fx, s0, 0, &tag, uas, ARRAY_SIZE(uas));
	KUNIT_EXPECT_TRUE_MSG(test, cf_has_ua(uas, n, ASC_REPORTED_LUNS_CHANGED),
			      "session 0 LUN 0: %u UAs, first %04x", n,
			      n ? uas[0] : 0);
	n = cf_collect_uas(fx, s0, 1, &tag, uas, ARRAY_SIZE(uas));
	KUNIT_EXPECT_TRUE_MSG(test, cf_has_ua(uas, n, ASC_REPORTED_LUNS_CHANGED),
			      "session 0 LUN 1: %u UAs", n);
	n = cf_collect_uas(fx, s1, 0, &tag, uas, ARRAY_SIZE(uas));
	KUNIT_EXPECT_TRUE_MSG(test, cf_has_ua(uas, n, ASC_REPORTED_LUNS_CHANGED),
			      "session 1 LUN 0: %u UAs", n);

	/* The new LUN is reachable, and REPORT LUNS lists all three */
	cf_clear_ua(fx, s0, 2, &tag);
	cf_read(fx, s0, 2, 100, SCST_TASK_SIMPLE, 0, 1);
	ev = cf_wait_tag(fx, s0, SCST_MSG_CMD_RESPOND, 100);
	expect_good(test, &ev);
	KUNIT_EXPECT_PTR_EQ(test, cf_wait_tag(fx, s0, SCST_MSG_CMD_EXEC, 100).dev,
			    fx->devs[2]);

	put_unaligned_be32(CF_DATA_KEEP, &cdb[6]);
	ev = cf_run(fx, s0, 0, cdb, sizeof(cdb), 101, SCST_TASK_SIMPLE,
		    CF_DATA_KEEP);
	expect_good(test, &ev);
	KUNIT_EXPECT_EQ(test, get_unaligned_be32(&ev.data[0]), 3U * 8);
	KUNIT_EXPECT_EQ(test, ev.data[8 + 1], 0);
	KUNIT_EXPECT_EQ(test, ev.data[16 + 1], 1);
	KUNIT_EXPECT_EQ(test, ev.data[24 + 1], 2);
	cf_wait_idle(fx);
}

/* SBC-4 CAPACITY DATA HAS CHANGED, on the device's nexuses only */
static void core_cmd_capacity_ua(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u8 cdb[6] = { };
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);
	cf_clear_ua(fx, sess, 1, &tag);

	scst_dev_set_capacity(fx->devs[0], 2 * CF_NR_BLOCKS);
	KUNIT_EXPECT_EQ(test, fx->devs[0]->nr_blocks, 2ULL * CF_NR_BLOCKS);
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 100, SCST_TASK_SIMPLE, 0);
	expect_sense(test, &ev, SCST_KEY_UNIT_ATTENTION, ASC_CAPACITY_CHANGED);
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 101, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	ev = cf_run(fx, sess, 1, cdb, sizeof(cdb), 102, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);

	/* The new blocks are addressable */
	cf_read(fx, sess, 0, 103, SCST_TASK_SIMPLE, 2 * CF_NR_BLOCKS - 1, 1);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 103);
	expect_good(test, &ev);
	cf_wait_idle(fx);
}

/*
 * A handler's unit attention (MODE PARAMETERS CHANGED after a MODE
 * SELECT): every nexus of the device gets it but the one it names.
 */
static void core_cmd_handler_ua(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *s0, *s1;
	struct core_tgt_dev *td;
	struct cf_event ev;
	u8 cdb[6] = { };
	u64 tag = 1;

	s0 = cf_sess_add(fx, 0, INI0);
	s1 = cf_sess_add(fx, 1, INI1);
	cf_clear_ua(fx, s0, 0, &tag);
	cf_clear_ua(fx, s1, 0, &tag);
	cf_clear_ua(fx, s1, 1, &tag);

	td = xa_load(&s0->tgt_devs, 0);
	KUNIT_ASSERT_NOT_NULL(test, td);
	scst_dev_raise_ua(fx->devs[0], &td->tgt_dev, 0x2a, 0x01);
	ev = cf_run(fx, s0, 0, cdb, sizeof(cdb), 100, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	ev = cf_run(fx, s1, 1, cdb, sizeof(cdb), 101, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	ev = cf_run(fx, s1, 0, cdb, sizeof(cdb), 102, SCST_TASK_SIMPLE, 0);
	expect_sense(test, &ev, SCST_KEY_UNIT_ATTENTION, 0x2a01);
	ev = cf_run(fx, s1, 0, cdb, sizeof(cdb), 103, SCST_TASK_SIMPLE, 0);
	expect_good(test, &ev);
	cf_wait_idle(fx);
}

/*
 * Access control: an initiator matching a named group's pattern sees that
 * group's LUNs (here LUN 3 -> device 2) and not the default group's.
 */
struct acl_case {
	const char *name;
	const char *pattern;
	const char *initiator;
	bool match;
};

static const struct acl_case acl_cases[] = {
	{ "star", "iqn.2024-01.org.test:*", "iqn.2024-01.org.test:host1", true },
	{ "star_no", "iqn.2024-01.org.test:*", "iqn.2024-01.org.other:host1",
	  false },
	{ "star_all", "*", "anything.at.all", true },
	{ "question", "iqn.test:host?", "iqn.test:host7", true },
	{ "question_no", "iqn.test:host?", "iqn.test:host10", false },
	{ "exact", "iqn.test:exact", "iqn.test:exact", true },
	{ "exact_no", "iqn.test:exact", "iqn.test:exact2", false },
};

static void acl_desc(const struct acl_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(acl, acl_cases, acl_desc);

static void core_cmd_acl(struct kunit *test)
{
	const struct acl_case *c = test->param_value;
	struct cf_fixture *fx = test->priv;
	u64 seen = c->match ? 3 : 0, hidden = c->match ? 0 : 3;
	u8 cdb[12] = { 0xa0 };
	struct scst_session *sess;
	struct scst_acg *acg;
	struct cf_event ev;
	u64 tag = 1;

	acg = cf_acg_add(fx, "grp", c->pattern);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, acg);
	KUNIT_ASSERT_EQ(test, cf_lun_add(fx, acg, 3, 2, false), 0);
	sess = cf_sess_add(fx, 0, c->initiator);

	cf_clear_ua(fx, sess, seen, &tag);
	cf_read(fx, sess, seen, 100, SCST_TASK_SIMPLE, 0, 1);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	expect_good(test, &ev);
	KUNIT_EXPECT_PTR_EQ(test, cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 100).dev,
			    fx->devs[c->match ? 2 : 0]);

	cf_read(fx, sess, hidden, 101, SCST_TASK_SIMPLE, 0, 1);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 101);
	expect_sense(test, &ev, SCST_KEY_ILLEGAL_REQUEST, ASC_LUN_NOT_SUPPORTED);

	put_unaligned_be32(CF_DATA_KEEP, &cdb[6]);
	ev = cf_run(fx, sess, seen, cdb, sizeof(cdb), 102, SCST_TASK_SIMPLE,
		    CF_DATA_KEEP);
	expect_good(test, &ev);
	if (c->match) {
		KUNIT_EXPECT_EQ(test, get_unaligned_be32(&ev.data[0]), 8U);
		KUNIT_EXPECT_EQ(test, ev.data[8 + 1], 3);
	} else {
		KUNIT_EXPECT_EQ(test, get_unaligned_be32(&ev.data[0]),
				CF_NR_LUNS * 8U);
	}
	cf_wait_idle(fx);
}

/* ------------------------------------------------------------------ */
/* Task attributes (SAM-5 8.6, 8.7), with the handler holding every EXEC */

/* Wait until the handler holds EXEC of @tag */
static void wait_exec(struct cf_fixture *fx, struct scst_session *sess, u64 tag)
{
	cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, tag);
}

static void expect_no_exec(struct kunit *test, struct cf_fixture *fx,
			   struct scst_session *sess, u64 tag, const char *why)
{
	KUNIT_EXPECT_TRUE_MSG(test, cf_quiet(fx, sess, SCST_MSG_CMD_EXEC, tag,
					     CF_QUIET_MS),
			      "tag %llu ran: %s", tag, why);
}

static void finish_good(struct kunit *test, struct cf_fixture *fx,
			struct scst_session *sess, u64 tag)
{
	struct cf_event ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, tag);

	expect_good(test, &ev);
}

static struct scst_session *task_setup(struct cf_fixture *fx, u64 *tag)
{
	struct scst_session *sess = cf_sess_add(fx, 0, INI0);

	cf_clear_ua(fx, sess, 0, tag);
	cf_wait_idle(fx);
	cf_set_mode(fx, SCST_MSG_CMD_EXEC, CF_HOLD);
	return sess;
}

static void core_cmd_simple_concurrent(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_cmd_port port;
	struct scst_session *sess;
	u64 tag = 1, t;

	sess = task_setup(fx, &tag);
	for (t = 10; t < 14; t++)
		cf_read(fx, sess, 0, t, SCST_TASK_SIMPLE, t, 1);
	/* All four are at the handler at once */
	cf_wait_count(fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 4, "SIMPLE commands");
	KUNIT_EXPECT_EQ(test, cf_nr_held(fx, SCST_MSG_CMD_EXEC), 4U);
	/* The handler can name the port they came through (VPD 0x83) */
	scst_cmd_port(cf_held_cmd(fx, SCST_MSG_CMD_EXEC, 10), &port);
	KUNIT_EXPECT_NE(test, port.rel_tgt_port_id, 0);
	KUNIT_EXPECT_EQ(test, port.rel_tgt_port_id, fx->tgt->rel_tgt_port_id);
	KUNIT_EXPECT_EQ(test, port.tpg_id, 0);
	KUNIT_EXPECT_EQ(test, port.protocol_id, 0xf);
	KUNIT_EXPECT_STREQ(test, port.tgt_name, scst_tgt_name(fx->tgt));
	/* ...and may finish in any order */
	for (t = 13; t >= 10; t--)
		cf_answer(fx, SCST_MSG_CMD_EXEC, t);
	for (t = 10; t < 14; t++)
		finish_good(test, fx, sess, t);
	cf_wait_idle(fx);
}

/*
 * A handler answering from process context with the _drain variant (a
 * user-space handler's ioctl does) gets the command finished in its own
 * context: the fabric's RESPOND runs in the caller, not on a bus thread,
 * which would cost a wake-up and a context switch per command.
 */
static void core_cmd_exec_done_drain(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1;
	bool drain;

	sess = task_setup(fx, &tag);
	for (drain = false; ; drain = true) {
		fx->exec_drain = drain;
		cf_read(fx, sess, 0, 20 + drain, SCST_TASK_SIMPLE, 20, 1);
		cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 20 + drain);
		cf_answer(fx, SCST_MSG_CMD_EXEC, 20 + drain);
		ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 20 + drain);
		expect_good(test, &ev);
		if (drain) {
			KUNIT_EXPECT_PTR_EQ_MSG(test, ev.task, current,
						"RESPOND after exec_done_drain()");
			break;
		}
		/* The plain reply is delivered by the bus, elsewhere. */
		KUNIT_EXPECT_PTR_NE(test, ev.task, current);
	}
	cf_wait_idle(fx);
}

static void core_cmd_ordered(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	u64 tag = 1;

	sess = task_setup(fx, &tag);
	cf_read(fx, sess, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	cf_read(fx, sess, 0, 11, SCST_TASK_SIMPLE, 1, 1);
	wait_exec(fx, sess, 10);
	wait_exec(fx, sess, 11);
	cf_read(fx, sess, 0, 12, SCST_TASK_ORDERED, 2, 1);
	cf_read(fx, sess, 0, 13, SCST_TASK_SIMPLE, 3, 1);
	expect_no_exec(test, fx, sess, 12, "ORDERED before the earlier SIMPLE ended");
	expect_no_exec(test, fx, sess, 13, "SIMPLE passed an ORDERED");

	cf_answer(fx, SCST_MSG_CMD_EXEC, 10);
	finish_good(test, fx, sess, 10);
	expect_no_exec(test, fx, sess, 12, "ORDERED with one earlier SIMPLE running");

	cf_answer(fx, SCST_MSG_CMD_EXEC, 11);
	finish_good(test, fx, sess, 11);
	wait_exec(fx, sess, 12);
	expect_no_exec(test, fx, sess, 13, "SIMPLE ran beside an ORDERED");

	cf_answer(fx, SCST_MSG_CMD_EXEC, 12);
	finish_good(test, fx, sess, 12);
	wait_exec(fx, sess, 13);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 13);
	finish_good(test, fx, sess, 13);
	cf_wait_idle(fx);
}

static void core_cmd_head_of_queue(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	u64 tag = 1;

	sess = task_setup(fx, &tag);
	/* SIMPLE running, ORDERED and SIMPLE waiting behind it */
	cf_read(fx, sess, 0, 10, SCST_TASK_SIMPLE, 0, 1);
	wait_exec(fx, sess, 10);
	cf_read(fx, sess, 0, 11, SCST_TASK_ORDERED, 1, 1);
	cf_read(fx, sess, 0, 12, SCST_TASK_SIMPLE, 2, 1);
	expect_no_exec(test, fx, sess, 11, "ORDERED before the earlier SIMPLE ended");

	/* HEAD OF QUEUE passes them all */
	cf_read(fx, sess, 0, 13, SCST_TASK_HEAD_OF_QUEUE, 3, 1);
	wait_exec(fx, sess, 13);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 13);
	finish_good(test, fx, sess, 13);
	expect_no_exec(test, fx, sess, 11, "ORDERED before the earlier SIMPLE ended");

	cf_answer(fx, SCST_MSG_CMD_EXEC, 10);
	wait_exec(fx, sess, 11);
	expect_no_exec(test, fx, sess, 12, "SIMPLE ran beside an ORDERED");

	/* and a running ORDERED */
	cf_read(fx, sess, 0, 14, SCST_TASK_HEAD_OF_QUEUE, 4, 1);
	wait_exec(fx, sess, 14);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 14);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 11);
	wait_exec(fx, sess, 12);
	cf_answer(fx, SCST_MSG_CMD_EXEC, 12);
	finish_good(test, fx, sess, 10);
	finish_good(test, fx, sess, 11);
	finish_good(test, fx, sess, 12);
	finish_good(test, fx, sess, 14);
	cf_wait_idle(fx);
}

/*
 * SAM-5 5.9: a CHECK CONDITION on a command with NACA=1 establishes ACA:
 * later commands without the ACA attribute end with ACA ACTIVE, one with
 * it runs, and CLEAR ACA ends the condition.
 */
static void core_cmd_aca(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u8 cdb[10];
	u64 tag = 1, tmf;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);

	cf_fail_tag(fx, 10, SCST_KEY_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR,
		    false);
	cf_cdb_rw10(cdb, false, 0, 1);
	cdb[9] = CDB_CONTROL_NACA;
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 10, SCST_TASK_SIMPLE, 512);
	expect_sense(test, &ev, SCST_KEY_MEDIUM_ERROR,
		     ASC_UNRECOVERED_READ_ERROR);

	cf_cdb_rw10(cdb, false, 1, 1);
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 11, SCST_TASK_SIMPLE, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_ACA_ACTIVE);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 11), 0U);
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 12, SCST_TASK_ORDERED, 512);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_ACA_ACTIVE);

	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 13, SCST_TASK_ACA, 512);
	expect_good(test, &ev);
	KUNIT_EXPECT_TRUE(test, ev.data_ok);

	tmf = cf_tmf(fx, sess, SCST_TMF_CLEAR_ACA, 0, 0);
	ev = cf_wait_tag(fx, sess, SCST_MSG_TMF_RESPOND, tmf);
	KUNIT_EXPECT_EQ(test, ev.tmf_response, SCST_TMF_COMPLETE);

	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 14, SCST_TASK_SIMPLE, 512);
	expect_good(test, &ev);
	cf_wait_idle(fx);
}

/* NACA=0: a CHECK CONDITION leaves no ACA behind (SAM-5 5.8.2) */
static void core_cmd_no_aca_without_naca(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u8 cdb[10];
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);
	cf_fail_tag(fx, 10, SCST_KEY_MEDIUM_ERROR, ASC_UNRECOVERED_READ_ERROR,
		    false);
	cf_cdb_rw10(cdb, false, 0, 1);
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 10, SCST_TASK_SIMPLE, 512);
	expect_sense(test, &ev, SCST_KEY_MEDIUM_ERROR,
		     ASC_UNRECOVERED_READ_ERROR);
	ev = cf_run(fx, sess, 0, cdb, sizeof(cdb), 11, SCST_TASK_SIMPLE, 512);
	expect_good(test, &ev);
	cf_wait_idle(fx);
}

/* SAM-5 5.3.4: TASK SET FULL beyond the device's queue depth */
static void core_cmd_task_set_full(struct kunit *test)
{
	struct cf_fixture *fx = test->priv;
	struct scst_session *sess;
	struct cf_event ev;
	u64 tag = 1, t;

	fx->devs[0]->queue_depth = 4;
	sess = task_setup(fx, &tag);
	for (t = 10; t < 14; t++)
		cf_read(fx, sess, 0, t, SCST_TASK_SIMPLE, t, 1);
	cf_wait_count(fx, CF_HANDLER, SCST_MSG_CMD_EXEC, 4, "queue depth 4");

	cf_read(fx, sess, 0, 14, SCST_TASK_SIMPLE, 14, 1);
	ev = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 14);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_TASK_SET_FULL);
	KUNIT_EXPECT_EQ(test, cf_count_tag(fx, sess, SCST_MSG_CMD_EXEC, 14), 0U);

	/* The other device's queue is its own */
	cf_set_mode(fx, SCST_MSG_CMD_EXEC, CF_AUTO);
	cf_clear_ua(fx, sess, 1, &tag);

	for (t = 10; t < 14; t++)
		cf_answer(fx, SCST_MSG_CMD_EXEC, t);
	for (t = 10; t < 14; t++)
		finish_good(test, fx, sess, t);
	/* Room again */
	cf_read(fx, sess, 0, 15, SCST_TASK_SIMPLE, 15, 1);
	finish_good(test, fx, sess, 15);
	cf_wait_idle(fx);
}

/* SCST_HANDLER_ALLOCS_BUF: the handler's buffer, given back after use */
static void core_cmd_handler_buffers(struct kunit *test)
{
	static const u16 want_read[] = {
		SCST_MSG_CMD_ALLOC_BUF, SCST_MSG_CMD_EXEC, SCST_MSG_CMD_RESPOND,
	};
	static const u16 want_write[] = {
		SCST_MSG_CMD_ALLOC_BUF, SCST_MSG_CMD_XFER, SCST_MSG_CMD_EXEC,
		SCST_MSG_CMD_RESPOND,
	};
	struct cf_fixture *fx = cf_fixture_reinit(test, SCST_HANDLER_ALLOCS_BUF);
	struct cf_event rexec, rresp, wexec, wresp, xfer;
	bool freed_read = false, freed_write = false;
	struct scst_session *sess;
	unsigned int i, n;
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);

	cf_read(fx, sess, 0, 100, SCST_TASK_SIMPLE, 8, 4);
	rresp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	rexec = cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 100);
	expect_sequence(test, fx, sess, 100, want_read, ARRAY_SIZE(want_read));
	expect_good(test, &rresp);
	KUNIT_EXPECT_TRUE(test, rresp.data_ok);
	KUNIT_EXPECT_NE(test, rexec.cookie, 0ULL);
	KUNIT_EXPECT_PTR_EQ(test, rresp.sg, rexec.sg);

	cf_write(fx, sess, 0, 101, SCST_TASK_SIMPLE, 8, 4);
	wresp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 101);
	xfer = cf_wait_tag(fx, sess, SCST_MSG_CMD_XFER, 101);
	wexec = cf_wait_tag(fx, sess, SCST_MSG_CMD_EXEC, 101);
	expect_sequence(test, fx, sess, 101, want_write, ARRAY_SIZE(want_write));
	KUNIT_EXPECT_PTR_EQ(test, xfer.sg, wexec.sg);
	KUNIT_EXPECT_TRUE(test, wexec.data_ok);
	expect_good(test, &wresp);

	/* Every buffer comes back with BUF_FREE, after its response */
	cf_wait_idle(fx);
	cf_wait_count(fx, CF_HANDLER, SCST_MSG_CMD_BUF_FREE,
		      cf_count(fx, CF_HANDLER, SCST_MSG_CMD_ALLOC_BUF),
		      "a BUF_FREE per ALLOC_BUF");
	n = min_t(unsigned int, READ_ONCE(fx->nr_events), CF_MAX_EVENTS);
	for (i = 0; i < n; i++) {
		const struct cf_event *ev = &fx->events[i];

		if (ev->type != SCST_MSG_CMD_BUF_FREE)
			continue;
		if (ev->sg == rexec.sg && ev->cookie == rexec.cookie &&
		    ev->seq > rresp.seq)
			freed_read = true;
		if (ev->sg == wexec.sg && ev->cookie == wexec.cookie &&
		    ev->seq > wresp.seq)
			freed_write = true;
	}
	KUNIT_EXPECT_TRUE_MSG(test, freed_read,
			      "the read's buffer must come back after its response");
	KUNIT_EXPECT_TRUE_MSG(test, freed_write,
			      "the write's buffer must come back after its response");
	KUNIT_EXPECT_EQ(test, READ_ONCE(fx->bufs_out), 0U);
}

/* SCST_HANDLER_PARSES: the handler sees the parse and may end it there */
static void core_cmd_handler_parses(struct kunit *test)
{
	static const u16 want[] = {
		SCST_MSG_CMD_PARSE, SCST_MSG_CMD_EXEC, SCST_MSG_CMD_RESPOND,
	};
	static const u16 want_failed[] = {
		SCST_MSG_CMD_PARSE, SCST_MSG_CMD_RESPOND,
	};
	struct cf_fixture *fx = cf_fixture_reinit(test, SCST_HANDLER_PARSES);
	struct scst_session *sess;
	struct cf_event parse, resp;
	u64 tag = 1;

	sess = cf_sess_add(fx, 0, INI0);
	cf_clear_ua(fx, sess, 0, &tag);

	cf_read(fx, sess, 0, 100, SCST_TASK_SIMPLE, 8, 4);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 100);
	parse = cf_wait_tag(fx, sess, SCST_MSG_CMD_PARSE, 100);
	expect_sequence(test, fx, sess, 100, want, ARRAY_SIZE(want));
	KUNIT_EXPECT_EQ(test, parse.data_dir, SCST_DATA_READ);
	KUNIT_EXPECT_EQ(test, parse.bufflen, 4U << CF_BLOCK_SHIFT);
	KUNIT_EXPECT_EQ(test, parse.lba, 8ULL);
	expect_good(test, &resp);
	KUNIT_EXPECT_TRUE(test, resp.data_ok);

	/* A status set at parse ends the write before its data moves */
	cf_fail_tag(fx, 101, SCST_KEY_ILLEGAL_REQUEST, ASC_INVALID_FIELD_IN_CDB,
		    true);
	cf_write(fx, sess, 0, 101, SCST_TASK_SIMPLE, 8, 4);
	resp = cf_wait_tag(fx, sess, SCST_MSG_CMD_RESPOND, 101);
	expect_sequence(test, fx, sess, 101, want_failed,
			ARRAY_SIZE(want_failed));
	expect_sense(test, &resp, SCST_KEY_ILLEGAL_REQUEST,
		     ASC_INVALID_FIELD_IN_CDB);
	cf_wait_idle(fx);
}

static struct kunit_case core_cmd_cases[] = {
	KUNIT_CASE(core_cmd_read10_path),
	KUNIT_CASE(core_cmd_write10_path),
	KUNIT_CASE(core_cmd_fabric_buf),
	KUNIT_CASE(core_cmd_missing_lun),
	KUNIT_CASE(core_cmd_unknown_opcode),
	KUNIT_CASE_PARAM(core_cmd_bad_cdb, bad_cdb_gen_params),
	KUNIT_CASE(core_cmd_descriptor_sense),
	KUNIT_CASE(core_cmd_spc2_reservation),
	KUNIT_CASE(core_cmd_report_luns),
	KUNIT_CASE(core_cmd_read_only_lun),
	KUNIT_CASE(core_cmd_dev_outlives_removed_lun),
	KUNIT_CASE_PARAM(core_cmd_power_on_ua, power_on_gen_params),
	KUNIT_CASE(core_cmd_lun_added_ua),
	KUNIT_CASE(core_cmd_capacity_ua),
	KUNIT_CASE(core_cmd_handler_ua),
	KUNIT_CASE_PARAM(core_cmd_acl, acl_gen_params),
	KUNIT_CASE(core_cmd_simple_concurrent),
	KUNIT_CASE(core_cmd_exec_done_drain),
	KUNIT_CASE(core_cmd_ordered),
	KUNIT_CASE(core_cmd_head_of_queue),
	KUNIT_CASE(core_cmd_aca),
	KUNIT_CASE(core_cmd_no_aca_without_naca),
	KUNIT_CASE(core_cmd_task_set_full),
	KUNIT_CASE(core_cmd_handler_buffers),
	KUNIT_CASE(core_cmd_handler_parses),
	{ }
};

static struct kunit_suite core_cmd_suite = {
	.name = "scst_core_cmd",
	.init = cmd_test_init,
	.exit = cmd_test_exit,
	.test_cases = core_cmd_cases,
};

kunit_test_suite(core_cmd_suite);
