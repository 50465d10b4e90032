// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: what scst_core answers by itself, checked without the command
 * state machine: the SAM LUN encoding (core-cmd/lun.c), the unit attention
 * queue of an I_T_L nexus (ua.c), and the parameter data local.c builds for
 * REPORT LUNS, REQUEST SENSE, REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS
 * and INQUIRY to a missing LUN, plus the SPC-2 reservation rules.
 *
 * Sessions, devices and I_T_L nexuses are built by hand: a session is its
 * LUN table (an xarray of core_tgt_dev), a device its list of nexuses.
 * Expected bytes are written out from the standards, not computed by the
 * code under test.
 */
#include <kunit/test.h>
#include <linux/limits.h>
#include <linux/minmax.h>
#include <linux/mutex.h>
#include <linux/scatterlist.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <scst/cmd.h>
#include "../core-cmd/cdb.h"
#include "../core-cmd/core.h"
#include "../core-cmd/local.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define LT_MAX_TDS		64
#define LT_POISON		0xa5
#define LT_RL_BUF		64

struct lt_fixture {
	struct core_tgt_dev *tds[LT_MAX_TDS];
	unsigned int nr_tds;
	struct scst_session *sess[4];
	unsigned int nr_sess;
};

static int lt_init(struct kunit *test)
{
	struct lt_fixture *fx = kunit_kzalloc(test, sizeof(*fx), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, fx);
	test->priv = fx;
	return 0;
}

static void lt_exit(struct kunit *test)
{
	struct lt_fixture *fx = test->priv;
	unsigned int i;

	for (i = 0; i < fx->nr_tds; i++)
		core_ua_free_all(fx->tds[i]);
	for (i = 0; i < fx->nr_sess; i++)
		xa_destroy(&fx->sess[i]->tgt_devs);
}

static struct core_tgt_dev *lt_td(struct kunit *test, u64 lun)
{
	struct lt_fixture *fx = test->priv;
	struct core_tgt_dev *td;

	KUNIT_ASSERT_LT(test, fx->nr_tds, LT_MAX_TDS);
	td = kunit_kzalloc(test, sizeof(*td), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, td);
	td->tgt_dev.lun = lun;
	INIT_LIST_HEAD(&td->dev_node);
	core_ua_init(td);
	fx->tds[fx->nr_tds++] = td;
	return td;
}

static struct scst_session *lt_sess(struct kunit *test)
{
	struct lt_fixture *fx = test->priv;
	struct scst_session *sess;

	KUNIT_ASSERT_LT(test, fx->nr_sess, ARRAY_SIZE(fx->sess));
	sess = kunit_kzalloc(test, sizeof(*sess), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, sess);
	xa_init(&sess->tgt_devs);
	fx->sess[fx->nr_sess++] = sess;
	return sess;
}

/* Give @sess LUN @lun; returns its nexus. */
static struct core_tgt_dev *lt_sess_lun(struct kunit *test,
					struct scst_session *sess, u64 lun)
{
	struct core_tgt_dev *td = lt_td(test, lun);

	td->tgt_dev.sess = sess;
	KUNIT_ASSERT_EQ(test, xa_err(xa_store(&sess->tgt_devs, lun, td,
					      GFP_KERNEL)), 0);
	return td;
}

static struct core_dev *lt_dev(struct kunit *test)
{
	struct core_dev *cdev = kunit_kzalloc(test, sizeof(*cdev), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, cdev);
	spin_lock_init(&cdev->lock);
	INIT_LIST_HEAD(&cdev->tgt_devs);
	return cdev;
}

/* Index of the first byte where @a and @b differ, or -1 */
static int lt_diff(const u8 *a, const u8 *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (a[i] != b[i])
			return i;
	return -1;
}

/* Expect @len bytes at @got to be those at @want; show where they differ. */
#define LT_EXPECT_BYTES(test, got, want, len) do {			\
	const u8 *_g = (const u8 *)(got), *_w = (const u8 *)(want);	\
	size_t _n = (len);						\
	int _d = lt_diff(_g, _w, _n);					\
									\
	KUNIT_EXPECT_TRUE_MSG(test, _d < 0,				\
			      "byte %d of %zu differs: got %*ph, want %*ph", \
			      _d, _n, (int)min_t(size_t, 16, _n - _d),	\
			      _g + _d, (int)min_t(size_t, 16, _n - _d),	\
			      _w + _d);					\
} while (0)

/* Expect the oldest pending UA of @td to be key/asc/ascq, and take it. */
#define LT_EXPECT_TAKE(test, td, k, a, q) do {				\
	struct kunit *_t = (test);					\
	u8 _k = 0xff, _a = 0xff, _q = 0xff;				\
									\
	KUNIT_EXPECT_TRUE(_t, core_ua_take(td, &_k, &_a, &_q));	\
	KUNIT_EXPECT_EQ(_t, _k, (u8)(k));				\
	KUNIT_EXPECT_EQ(_t, _a, (u8)(a));				\
	KUNIT_EXPECT_EQ(_t, _q, (u8)(q));				\
} while (0)

/* Expect no UA pending on @td: take finds none and leaves its outputs. */
#define LT_EXPECT_EMPTY(test, td) do {					\
	struct core_tgt_dev *_td = (td);				\
	struct kunit *_t = (test);					\
	u8 _k = 0x11, _a = 0x22, _q = 0x33;				\
									\
	KUNIT_EXPECT_FALSE(_t, core_ua_take(_td, &_k, &_a, &_q));	\
	KUNIT_EXPECT_EQ(_t, _k, 0x11);					\
	KUNIT_EXPECT_EQ(_t, _a, 0x22);					\
	KUNIT_EXPECT_EQ(_t, _q, 0x33);					\
	KUNIT_EXPECT_EQ(_t, _td->nr_uas, 0U);				\
} while (0)

/* ------------------------------------------------------------------ */
/* LUN encoding (SAM-5: peripheral device and flat space addressing) */

struct lt_lun_case {
	const char *name;
	u64 lun;
	u8 sam[8];
};

/* Encoding: single level, peripheral below 256, flat space above. */
static const struct lt_lun_case lt_to_sam_cases[] = {
	{ "lun0",	0,	{ 0x00, 0x00 } },
	{ "lun1",	1,	{ 0x00, 0x01 } },
	{ "lun255",	255,	{ 0x00, 0xff } },
	{ "lun256",	256,	{ 0x41, 0x00 } },
	{ "lun300",	300,	{ 0x41, 0x2c } },
	{ "lun4095",	4095,	{ 0x4f, 0xff } },
	{ "lun16383",	16383,	{ 0x7f, 0xff } },
	/* Not encodable: all ones, which decodes to no LUN at all */
	{ "lun16384",	16384,	{ 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "lun_u64max",	U64_MAX, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
};

static void lt_lun_to_desc(const struct lt_lun_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(lt_to_sam, lt_to_sam_cases, lt_lun_to_desc);

static void core_local_test_lun_to_sam(struct kunit *test)
{
	const struct lt_lun_case *c = test->param_value;
	u8 sam[8];

	memset(sam, LT_POISON, sizeof(sam));
	scst_lun_to_sam(c->lun, sam);
	LT_EXPECT_BYTES(test, sam, c->sam, sizeof(sam));
}

/* Decoding: both methods for any LUN they carry; nothing else. */
static const struct lt_lun_case lt_from_sam_cases[] = {
	{ "periph_5",		5,	{ 0x00, 0x05 } },
	{ "periph_255",		255,	{ 0x00, 0xff } },
	{ "flat_5",		5,	{ 0x40, 0x05 } },
	{ "flat_300",		300,	{ 0x41, 0x2c } },
	{ "flat_16383",		16383,	{ 0x7f, 0xff } },
	{ "periph_bus1",	U64_MAX, { 0x01, 0x05 } },
	{ "periph_bus63",	U64_MAX, { 0x3f, 0x00 } },
	{ "lu_addressing",	U64_MAX, { 0x80, 0x05 } },
	{ "extended_wlun",	U64_MAX, { 0xc1, 0x01 } },
	{ "all_ones",		U64_MAX, { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } },
	{ "second_level",	U64_MAX, { 0x00, 0x05, 0x00, 0x01 } },
	{ "fourth_level",	U64_MAX, { 0x00, 0x05, 0, 0, 0, 0, 0, 0x01 } },
	{ "flat_second_level",	U64_MAX, { 0x41, 0x2c, 0x40, 0x00 } },
};

KUNIT_ARRAY_PARAM(lt_from_sam, lt_from_sam_cases, lt_lun_to_desc);

static void core_local_test_lun_from_sam(struct kunit *test)
{
	const struct lt_lun_case *c = test->param_value;

	KUNIT_EXPECT_EQ(test, scst_lun_from_sam(c->sam), c->lun);
}

static void core_local_test_lun_round_trip(struct kunit *test)
{
	unsigned int bad = 0;
	u64 lun;
	u8 sam[8];

	for (lun = 0; lun <= SCST_LUN_MAX; lun++) {
		scst_lun_to_sam(lun, sam);
		if (scst_lun_from_sam(sam) != lun && bad++ < 4)
			KUNIT_FAIL(test, "LUN %llu did not survive encoding", lun);
	}
	KUNIT_EXPECT_EQ(test, bad, 0U);
}

/* ------------------------------------------------------------------ */
/* The UA queue of one I_T_L nexus */

static void core_local_test_ua_order_peek_take(struct kunit *test)
{
	struct core_tgt_dev *td = lt_td(test, 0);
	u8 k = 0, a = 0, q = 0;

	LT_EXPECT_EMPTY(test, td);
	KUNIT_EXPECT_FALSE(test, core_ua_peek(td, &k, &a, &q));

	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x2a, 0x09);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 3U);

	/* Peeking shows the oldest and leaves it queued. */
	KUNIT_EXPECT_TRUE(test, core_ua_peek(td, &k, &a, &q));
	KUNIT_EXPECT_EQ(test, k, SCST_KEY_UNIT_ATTENTION);
	KUNIT_EXPECT_EQ(test, a, 0x29);
	KUNIT_EXPECT_EQ(test, q, 0x00);
	KUNIT_EXPECT_TRUE(test, core_ua_peek(td, &k, &a, &q));
	KUNIT_EXPECT_EQ(test, a, 0x29);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 3U);

	/* Taking removes them oldest first. */
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 2U);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x2a, 0x09);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
	LT_EXPECT_EMPTY(test, td);
}

static void core_local_test_ua_dedup(struct kunit *test)
{
	struct core_tgt_dev *td = lt_td(test, 0);

	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x2a, 0x09);
	/* The same condition again: nothing new, its place is kept. */
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 2U);
	/* Another ASCQ, or another key, is another condition. */
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x03);
	core_ua_add(td, SCST_KEY_NOT_READY, 0x29, 0x00);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 4U);

	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x2a, 0x09);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x03);
	LT_EXPECT_TAKE(test, td, SCST_KEY_NOT_READY, 0x29, 0x00);
	LT_EXPECT_EMPTY(test, td);

	/* Once taken, the same condition can be raised again. */
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 1U);
}

static void core_local_test_ua_cap_drops_oldest(struct kunit *test)
{
	struct core_tgt_dev *td = lt_td(test, 3);
	unsigned int i, extra = 5;

	for (i = 0; i < CORE_UA_MAX + extra; i++)
		core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x80, i);
	KUNIT_EXPECT_EQ(test, td->nr_uas, (unsigned int)CORE_UA_MAX);
	/* The first @extra were dropped; the rest are in order. */
	for (i = extra; i < CORE_UA_MAX + extra; i++)
		LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x80, i);
	LT_EXPECT_EMPTY(test, td);

	/* A duplicate of a queued one does not push anything out. */
	for (i = 0; i < CORE_UA_MAX; i++)
		core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x81, i);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x81, 0);
	KUNIT_EXPECT_EQ(test, td->nr_uas, (unsigned int)CORE_UA_MAX);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x81, 0);
}

static void core_local_test_ua_clear_and_free(struct kunit *test)
{
	struct core_tgt_dev *td = lt_td(test, 0);

	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	core_ua_add(td, SCST_KEY_NOT_READY, 0x3f, 0x0e);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0f);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x2a, 0x09);

	/* Clearing matches ASC and ASCQ, whatever the key. */
	core_ua_clear(td, 0x3f, 0x0e);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 3U);
	/* Clearing what is not there changes nothing. */
	core_ua_clear(td, 0x55, 0x00);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 3U);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0f);

	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	core_ua_free_all(td);
	LT_EXPECT_EMPTY(test, td);
	/* A freed queue works again (the nexus is reused by the test). */
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x01);
	LT_EXPECT_TAKE(test, td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x01);
}

static void core_local_test_ua_add_dev_skips_except(struct kunit *test)
{
	struct core_dev *cdev = lt_dev(test);
	struct core_tgt_dev *td[3];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(td); i++) {
		td[i] = lt_td(test, i);
		list_add_tail(&td[i]->dev_node, &cdev->tgt_devs);
	}
	core_ua_add_dev(cdev, td[1], SCST_KEY_UNIT_ATTENTION, 0x2a, 0x03);
	KUNIT_EXPECT_EQ(test, td[1]->nr_uas, 0U);
	LT_EXPECT_TAKE(test, td[0], SCST_KEY_UNIT_ATTENTION, 0x2a, 0x03);
	LT_EXPECT_TAKE(test, td[2], SCST_KEY_UNIT_ATTENTION, 0x2a, 0x03);

	core_ua_add_dev(cdev, NULL, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	for (i = 0; i < ARRAY_SIZE(td); i++)
		LT_EXPECT_TAKE(test, td[i], SCST_KEY_UNIT_ATTENTION, 0x29, 0);
}

static void core_local_test_ua_add_tgt_every_nexus(struct kunit *test)
{
	struct core_tgt_dev *td[4];
	struct scst_session *s[2];
	struct scst_tgt *tgt;
	unsigned int i;

	tgt = kunit_kzalloc(test, sizeof(*tgt), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, tgt);
	INIT_LIST_HEAD(&tgt->sessions);
	for (i = 0; i < ARRAY_SIZE(s); i++) {
		s[i] = lt_sess(test);
		s[i]->tgt = tgt;
		list_add_tail(&s[i]->tgt_node, &tgt->sessions);
	}
	td[0] = lt_sess_lun(test, s[0], 0);
	td[1] = lt_sess_lun(test, s[0], 7);
	td[2] = lt_sess_lun(test, s[1], 0);
	td[3] = lt_sess_lun(test, s[1], 300);

	mutex_lock(&core_cfg_mutex);
	core_ua_add_tgt(tgt, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
	mutex_unlock(&core_cfg_mutex);
	for (i = 0; i < ARRAY_SIZE(td); i++) {
		LT_EXPECT_TAKE(test, td[i], SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
		LT_EXPECT_EMPTY(test, td[i]);
	}
}

static void core_local_test_ua_clear_sess(struct kunit *test)
{
	struct scst_session *sess = lt_sess(test), *other = lt_sess(test);
	struct core_tgt_dev *a, *b, *o;

	a = lt_sess_lun(test, sess, 0);
	b = lt_sess_lun(test, sess, 4);
	o = lt_sess_lun(test, other, 0);
	core_ua_add(a, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
	core_ua_add(b, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	core_ua_add(b, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
	core_ua_add(o, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);

	core_ua_clear_sess(sess, 0x3f, 0x0e);
	LT_EXPECT_EMPTY(test, a);
	LT_EXPECT_TAKE(test, b, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	LT_EXPECT_EMPTY(test, b);
	/* Another I_T nexus keeps its own. */
	LT_EXPECT_TAKE(test, o, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);
}

/* ------------------------------------------------------------------ */
/* REPORT LUNS parameter data */

/* LUNs 0, 5, 300 and 16383, and LUN 7 leaving the table (gone). */
static struct scst_session *lt_rl_sess(struct kunit *test)
{
	struct scst_session *sess = lt_sess(test);

	lt_sess_lun(test, sess, 300);
	lt_sess_lun(test, sess, 0);
	lt_sess_lun(test, sess, 16383);
	lt_sess_lun(test, sess, 5);
	lt_sess_lun(test, sess, 7)->gone = true;
	return sess;
}

static const u8 lt_rl_expected[40] = {
	0x00, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,	/* 4 LUNs */
	0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* LUN 0 */
	0x00, 0x05, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* LUN 5 */
	0x41, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* LUN 300 */
	0x7f, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,	/* LUN 16383 */
};

/* A data buffer sg can map (DEBUG_SG refuses the stack) */
static u8 *lt_buf(struct kunit *test, size_t size)
{
	u8 *buf = kunit_kzalloc(test, size, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	return buf;
}

static int lt_rl(struct scst_session *sess, u8 select, bool to_lun0, u8 *buf,
		 u32 size, u32 len)
{
	struct scatterlist sg;

	memset(buf, LT_POISON, size);
	sg_init_one(&sg, buf, size);
	return core_report_luns_fill(sess, select, to_lun0, &sg, 1, len);
}

static void core_local_test_report_luns_data(struct kunit *test)
{
	struct scst_session *sess = lt_rl_sess(test);
	u8 *buf = lt_buf(test, LT_RL_BUF);
	unsigned int i;

	/* Sorted by LUN, the gone one left out, nothing past the data. */
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x00, true, buf, LT_RL_BUF, 64), 40);
	LT_EXPECT_BYTES(test, buf, lt_rl_expected, sizeof(lt_rl_expected));
	for (i = 40; i < LT_RL_BUF; i++)
		KUNIT_EXPECT_EQ(test, buf[i], LT_POISON);

	/* 02h and 11h (at LUN 0) list the same LUNs: no W-LUNs, no admin LUs */
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x02, false, buf, LT_RL_BUF, 64), 40);
	LT_EXPECT_BYTES(test, buf, lt_rl_expected, sizeof(lt_rl_expected));
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x11, true, buf, LT_RL_BUF, 64), 40);
	LT_EXPECT_BYTES(test, buf, lt_rl_expected, sizeof(lt_rl_expected));
}

static void core_local_test_report_luns_truncated(struct kunit *test)
{
	struct scst_session *sess = lt_rl_sess(test);
	u8 *buf = lt_buf(test, LT_RL_BUF);
	unsigned int i;

	/*
	 * The allocation length cuts the data mid-LUN; the LUN LIST LENGTH
	 * still counts every LUN.
	 */
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x00, true, buf, LT_RL_BUF, 20), 40);
	LT_EXPECT_BYTES(test, buf, lt_rl_expected, 20);
	for (i = 20; i < LT_RL_BUF; i++)
		KUNIT_EXPECT_EQ(test, buf[i], LT_POISON);

	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x00, true, buf, LT_RL_BUF, 3), 40);
	LT_EXPECT_BYTES(test, buf, lt_rl_expected, 3);
	KUNIT_EXPECT_EQ(test, buf[3], LT_POISON);

	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x00, true, buf, LT_RL_BUF, 0), 40);
	KUNIT_EXPECT_EQ(test, buf[0], LT_POISON);
}

static void core_local_test_report_luns_select(struct kunit *test)
{
	static const u8 empty[8] = { };
	struct scst_session *sess = lt_rl_sess(test);
	u8 *buf = lt_buf(test, LT_RL_BUF);

	/* Well-known, administrative, subsidiary LUs: we have none. */
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x01, false, buf, LT_RL_BUF, 64), 8);
	LT_EXPECT_BYTES(test, buf, empty, sizeof(empty));
	KUNIT_EXPECT_EQ(test, buf[8], LT_POISON);
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x10, true, buf, LT_RL_BUF, 64), 8);
	LT_EXPECT_BYTES(test, buf, empty, sizeof(empty));
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x12, false, buf, LT_RL_BUF, 64), 8);
	LT_EXPECT_BYTES(test, buf, empty, sizeof(empty));

	/* 10h and 11h only at LUN 0; reserved values never */
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x10, false, buf, LT_RL_BUF, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x11, false, buf, LT_RL_BUF, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x03, true, buf, LT_RL_BUF, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0x13, true, buf, LT_RL_BUF, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, lt_rl(sess, 0xff, true, buf, LT_RL_BUF, 64), -EINVAL);
	/* A refused value writes nothing. */
	KUNIT_EXPECT_EQ(test, buf[0], LT_POISON);

	/* No LUNs at all: an empty list, not an error */
	KUNIT_EXPECT_EQ(test, lt_rl(lt_sess(test), 0x00, true, buf, LT_RL_BUF, 64), 8);
	LT_EXPECT_BYTES(test, buf, empty, sizeof(empty));
}

/* Many LUNs, into a buffer of three odd-sized pieces. */
static void core_local_test_report_luns_many_split(struct kunit *test)
{
	struct scst_session *sess = lt_sess(test);
	unsigned int nr = 40, i, full = 8 + 8 * nr;
	u8 *buf, *expect;
	struct scatterlist sg[3];

	buf = kunit_kzalloc(test, full, GFP_KERNEL);
	expect = kunit_kzalloc(test, full, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, buf);
	KUNIT_ASSERT_NOT_NULL(test, expect);

	/* LUNs 250..289: peripheral up to 255, flat space from 256 */
	expect[2] = (8 * nr) >> 8;
	expect[3] = (8 * nr) & 0xff;
	for (i = 0; i < nr; i++) {
		u64 lun = 250 + i;

		lt_sess_lun(test, sess, lun);
		expect[8 + 8 * i] = lun < 256 ? 0x00 : 0x40 | (lun >> 8);
		expect[8 + 8 * i + 1] = lun & 0xff;
	}

	memset(buf, LT_POISON, full);
	sg_init_table(sg, 3);
	sg_set_buf(&sg[0], buf, 13);
	sg_set_buf(&sg[1], buf + 13, 100);
	sg_set_buf(&sg[2], buf + 113, full - 113);
	KUNIT_EXPECT_EQ(test, core_report_luns_fill(sess, 0, true, sg, 3, full),
			(int)full);
	LT_EXPECT_BYTES(test, buf, expect, full);
}

/* ------------------------------------------------------------------ */
/* REQUEST SENSE parameter data */

static void core_local_test_request_sense(struct kunit *test)
{
	/* Fixed format (SPC-4 4.5.3): 70h, key in byte 2, ASC/ASCQ 12/13 */
	static const u8 fixed_reset[18] = {
		0x70, 0, 0x06, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x29, 0x00,
	};
	/* Descriptor format (SPC-4 4.5.2): 72h, key, ASC, ASCQ */
	static const u8 desc_luns[8] = { 0x72, 0x06, 0x3f, 0x0e };
	static const u8 fixed_none[18] = { 0x70, 0, 0, 0, 0, 0, 0, 0x0a };
	static const u8 fixed_no_lun[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x25, 0x00,
	};
	static const u8 desc_no_lun[8] = { 0x72, 0x05, 0x25, 0x00 };
	struct core_tgt_dev *td = lt_td(test, 0);
	u8 buf[SCST_SENSE_BUFFERSIZE];
	unsigned int len;

	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x29, 0x00);
	core_ua_add(td, SCST_KEY_UNIT_ATTENTION, 0x3f, 0x0e);

	/* Each REQUEST SENSE reports, and clears, the oldest UA. */
	len = core_request_sense_build(td, false, buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 18U);
	LT_EXPECT_BYTES(test, buf, fixed_reset, len);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 1U);

	len = core_request_sense_build(td, true, buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 8U);
	LT_EXPECT_BYTES(test, buf, desc_luns, len);
	KUNIT_EXPECT_EQ(test, td->nr_uas, 0U);

	/* Nothing pending: NO SENSE */
	len = core_request_sense_build(td, false, buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 18U);
	LT_EXPECT_BYTES(test, buf, fixed_none, len);

	/* A LUN the session does not have: LOGICAL UNIT NOT SUPPORTED */
	len = core_request_sense_build(NULL, false, buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 18U);
	LT_EXPECT_BYTES(test, buf, fixed_no_lun, len);
	len = core_request_sense_build(NULL, true, buf, sizeof(buf));
	KUNIT_ASSERT_EQ(test, len, 8U);
	LT_EXPECT_BYTES(test, buf, desc_no_lun, len);
}

/* ------------------------------------------------------------------ */
/* REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (SPC-4 6.36) */

static void core_local_test_rstmf(struct kunit *test)
{
	/*
	 * Byte 0: ATS ATSS CACAS CTSS LURS QTS TRS (bits 7..1), WAKES 0;
	 * byte 1: QAES QTSS ITNRS (bits 2..0): every TMF of enum scst_tmf_fn.
	 */
	static const u8 basic[4] = { 0xfe, 0x07, 0x00, 0x00 };
	/* Extended: ADDITIONAL DATA LENGTH 0Ch, no timeouts (TMFTMOV 0) */
	static const u8 extended[16] = { 0xfe, 0x07, 0x00, 0x0c };
	u8 buf[CORE_RSTMF_LEN];

	memset(buf, LT_POISON, sizeof(buf));
	KUNIT_ASSERT_EQ(test, core_rstmf_build(false, buf), 4U);
	LT_EXPECT_BYTES(test, buf, basic, sizeof(basic));

	memset(buf, LT_POISON, sizeof(buf));
	KUNIT_ASSERT_EQ(test, core_rstmf_build(true, buf), 16U);
	LT_EXPECT_BYTES(test, buf, extended, sizeof(extended));
}

/* ------------------------------------------------------------------ */
/* INQUIRY to a LUN the session does not have */

static void core_local_test_no_lun_inquiry(struct kunit *test)
{
	static const u8 std[] = { 0x12, 0x00, 0x00, 0x00, 0x24, 0x00 };
	static const u8 evpd[] = { 0x12, 0x01, 0x83, 0x00, 0xff, 0x00 };
	static const u8 page_no_evpd[] = { 0x12, 0x00, 0x80, 0x00, 0x24, 0x00 };
	static const u8 cmddt[] = { 0x12, 0x02, 0x00, 0x00, 0x24, 0x00 };
	static const u8 head[8] = { 0x7f, 0x00, 0x06, 0x02, 0x1f, 0, 0, 0 };
	u16 err_byte = 0xffff;
	int err_bit = 99;
	u8 buf[36];
	unsigned int i;

	memset(buf, LT_POISON, sizeof(buf));
	KUNIT_ASSERT_EQ(test, core_no_lun_inquiry_build(std, buf, sizeof(buf),
							&err_byte, &err_bit), 36);
	/* Peripheral qualifier 011b, device type 1Fh; SPC-4; format 2 */
	LT_EXPECT_BYTES(test, buf, head, sizeof(head));
	for (i = 8; i < 36; i++)
		KUNIT_EXPECT_EQ(test, buf[i], ' ');
	KUNIT_EXPECT_EQ(test, err_byte, 0xffff);

	KUNIT_EXPECT_EQ(test, core_no_lun_inquiry_build(evpd, buf, sizeof(buf),
							&err_byte, &err_bit),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, core_no_lun_inquiry_build(page_no_evpd, buf,
							sizeof(buf), &err_byte,
							&err_bit), -EINVAL);
	KUNIT_EXPECT_EQ(test, err_byte, 2);
	KUNIT_EXPECT_EQ(test, err_bit, -1);
	KUNIT_EXPECT_EQ(test, core_no_lun_inquiry_build(cmddt, buf, sizeof(buf),
							&err_byte, &err_bit),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, err_byte, 1);
	KUNIT_EXPECT_EQ(test, err_bit, 1);
}

/* ------------------------------------------------------------------ */
/* SPC-2 reservations */

static void core_local_test_reservation_rules(struct kunit *test)
{
	struct scst_session *a = lt_sess(test), *b = lt_sess(test);
	struct core_dev *cdev = lt_dev(test);

	/* Nobody holds it, or the requester does: everything runs. */
	KUNIT_EXPECT_TRUE(test, core_reservation_check(NULL, a, 0));
	KUNIT_EXPECT_TRUE(test, core_reservation_check(a, a, 0));
	KUNIT_EXPECT_TRUE(test, core_reservation_check(a, a, CDB_F_RES_OK));
	/* Another session holds it: only CDB_F_RES_OK commands run. */
	KUNIT_EXPECT_FALSE(test, core_reservation_check(b, a, 0));
	KUNIT_EXPECT_FALSE(test, core_reservation_check(b, a, CDB_F_LOCAL |
							       CDB_F_UA_OK));
	KUNIT_EXPECT_TRUE(test, core_reservation_check(b, a, CDB_F_RES_OK));

	/* RESERVE: free -> a; again by a; refused to b */
	KUNIT_EXPECT_EQ(test, core_reserve(cdev, a), 0);
	KUNIT_EXPECT_PTR_EQ(test, cdev->reserved_by, a);
	KUNIT_EXPECT_EQ(test, core_reserve(cdev, a), 0);
	KUNIT_EXPECT_EQ(test, core_reserve(cdev, b), -EBUSY);
	KUNIT_EXPECT_PTR_EQ(test, cdev->reserved_by, a);

	/* RELEASE by a non-holder: no effect; by the holder: released */
	core_release(cdev, b);
	KUNIT_EXPECT_PTR_EQ(test, cdev->reserved_by, a);
	core_release(cdev, a);
	KUNIT_EXPECT_NULL(test, cdev->reserved_by);
	core_release(cdev, a);
	KUNIT_EXPECT_NULL(test, cdev->reserved_by);

	/* Nexus loss drops only that session's reservation. */
	KUNIT_EXPECT_EQ(test, core_reserve(cdev, b), 0);
	core_reservation_drop_sess(cdev, a);
	KUNIT_EXPECT_PTR_EQ(test, cdev->reserved_by, b);
	core_reservation_drop_sess(cdev, b);
	KUNIT_EXPECT_NULL(test, cdev->reserved_by);

	/* A reset drops anyone's. */
	KUNIT_EXPECT_EQ(test, core_reserve(cdev, a), 0);
	core_reservation_clear(cdev);
	KUNIT_EXPECT_NULL(test, cdev->reserved_by);
	KUNIT_EXPECT_EQ(test, core_reserve(cdev, b), 0);
}

static struct kunit_case core_local_test_cases[] = {
	KUNIT_CASE_PARAM(core_local_test_lun_to_sam, lt_to_sam_gen_params),
	KUNIT_CASE_PARAM(core_local_test_lun_from_sam, lt_from_sam_gen_params),
	KUNIT_CASE(core_local_test_lun_round_trip),
	KUNIT_CASE(core_local_test_ua_order_peek_take),
	KUNIT_CASE(core_local_test_ua_dedup),
	KUNIT_CASE(core_local_test_ua_cap_drops_oldest),
	KUNIT_CASE(core_local_test_ua_clear_and_free),
	KUNIT_CASE(core_local_test_ua_add_dev_skips_except),
	KUNIT_CASE(core_local_test_ua_add_tgt_every_nexus),
	KUNIT_CASE(core_local_test_ua_clear_sess),
	KUNIT_CASE(core_local_test_report_luns_data),
	KUNIT_CASE(core_local_test_report_luns_truncated),
	KUNIT_CASE(core_local_test_report_luns_select),
	KUNIT_CASE(core_local_test_report_luns_many_split),
	KUNIT_CASE(core_local_test_request_sense),
	KUNIT_CASE(core_local_test_rstmf),
	KUNIT_CASE(core_local_test_no_lun_inquiry),
	KUNIT_CASE(core_local_test_reservation_rules),
	{}
};

static struct kunit_suite core_local_test_suite = {
	.name = "scst_core_local",
	.init = lt_init,
	.exit = lt_exit,
	.test_cases = core_local_test_cases,
};

kunit_test_suite(core_local_test_suite);
