// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: dev-user (scst_user), driven end to end: the fake fabric's
 * commands go through the real core to a user device, whose "user space"
 * is the fake of user_fake.h. What each case asserts is what a handler
 * and the rest of the kernel rely on: a device's cleanup always ends, with
 * an empty command table and every pinned page unpinned; ON_FREE_CMD comes
 * exactly as the on-free type says; a reuse mode caches exactly the
 * buffers it names, and a cached buffer's release is told to user space.
 */
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/kthread.h>
#include <linux/module.h>
#include "user_fake.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* The cleanup's bound on each wait, in the cases where none may expire */
#define UT_STEP_MS		1000
/* ... and where one must */
#define UT_STUCK_STEP_MS	300
/* 8 blocks of 512: one page; 16: two */
#define UT_BLOCKS_1P		8
#define UT_BLOCKS_2P		16

/* SPC-4: NOT READY, LOGICAL UNIT NOT READY, MANUAL INTERVENTION REQUIRED */
#define UT_ASC_NOT_READY_MANUAL	0x0403

static struct scst_user_opt ut_opt(u8 reuse, u8 on_free, u8 parse)
{
	struct scst_user_opt opt = {
		.parse_type		= parse,
		.on_free_cmd_type	= on_free,
		.memory_reuse_type	= reuse,
		.queue_alg		= 1,
	};

	return opt;
}

static struct cf_event ut_read(struct uf_user *uf, struct scst_session *sess,
			       u64 tag, u16 blocks)
{
	cf_read(uf->fx, sess, UF_LUN, tag, SCST_TASK_SIMPLE, 0, blocks);
	return cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, tag);
}

static struct cf_event ut_write(struct uf_user *uf, struct scst_session *sess,
				u64 tag, u16 blocks)
{
	cf_write(uf->fx, sess, UF_LUN, tag, SCST_TASK_SIMPLE, 0, blocks);
	return cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, tag);
}

static void ut_expect_good(struct kunit *test, const struct cf_event *ev)
{
	KUNIT_EXPECT_EQ_MSG(test, ev->status, SCST_STATUS_GOOD,
			    "tag %llu: sense %x/%02x/%02x", ev->tag, ev->key,
			    ev->asc, ev->ascq);
}

static void ut_expect_not_ready(struct kunit *test, const struct cf_event *ev)
{
	KUNIT_EXPECT_EQ_MSG(test, ev->status, SCST_STATUS_CHECK_CONDITION,
			    "tag %llu", ev->tag);
	KUNIT_EXPECT_EQ_MSG(test, ev->key, SCST_KEY_NOT_READY,
			    "tag %llu: sense %x/%02x/%02x", ev->tag, ev->key,
			    ev->asc, ev->ascq);
}

/*
 * What every finished cleanup leaves: an empty table, no user memory
 * held, every page unpinned, and the flush answered.
 */
static void ut_expect_clean(struct kunit *test, struct uf_user *uf)
{
	KUNIT_EXPECT_EQ_MSG(test, uf_nr_cmds(uf), 0U,
			    "user commands left in the table");
	KUNIT_EXPECT_TRUE_MSG(test, xa_empty(&uf->udev->cmds),
			      "the table's xarray is not empty");
	KUNIT_EXPECT_EQ_MSG(test, uf_nr_mems(uf), 0U,
			    "user buffers still held by the SGV pool");
	KUNIT_EXPECT_EQ_MSG(test, uf_pinned_pages(), 0L,
			    "pages pinned and never unpinned");
	KUNIT_EXPECT_TRUE_MSG(test, uf_flush_done(uf),
			      "the SGV pool never sent SGV_FLUSH_DONE");
}

/* ------------------------------------------------------------------ */
/* Cleanup */

/*
 * The seed scenario (SCST issue #279, fixed by SCST commit 83745c0a2d
 * "scst_user: Fix infinite cleanup loop caused by stale SGV pool
 * reference"): the handler goes away while a command is in EXECING and its
 * buffer, like a finished command's before it, is cached in the device's
 * SGV pool.
 *
 * Where SCST lost the reference: scst_user passed the ucmd as the SGV
 * object's private pointer (sgv_pool_alloc(..., ucmd)); the pool's page
 * allocation callback, dev_user_alloc_pages(), took ucmd_get() on the
 * first page, and only the pool's free callback, dev_user_free_sg_entries()
 * (run when the pool evicts the cached object), gave it back, by
 * ucmd_put() or by queueing ON_CACHED_MEM_FREE on that same ucmd. So a
 * cached buffer kept "its" ucmd alive, in the device's command hash, after
 * the SCSI command was long gone. On release, dev_user_exit_dev() flushed
 * the pools (sgv_pool_flush(), which evicts only what is cached at that
 * moment), then waited for the cleanup thread, and only after that deleted
 * the pools (sgv_pool_del()). A command still in EXECING at the flush
 * (this case's tag 3) was unjammed and freed afterwards: its buffer went
 * back into the cache, still holding the ucmd it was first allocated for,
 * and nothing was left to evict it before sgv_pool_del(), which waited
 * for the cleanup. The cleanup thread
 * (dev_user_process_cleanup(), re-run every 100 ms) waited for the ucmd:
 * a cycle, and the thread spun forever (the soft lockup of #279).
 *
 * Why it cannot happen here: what the pool caches is a user_mem, a kernel
 * record of pinned pages that names no user command (mem.c); a user
 * command holds only the references of <user.h> (the core's lend, the
 * buffer while the core uses it, the step with user space), all of which
 * cleanup ends or waits for with a bound. The pool says it let go of a
 * buffer by a message, SGV_RELEASED, and answers the cleanup's SGV_FLUSH
 * with SGV_FLUSH_DONE only after every SGV_RELEASED it caused: so the
 * cleanup knows when the memory is back, and nothing of it keeps a command.
 * And the flush comes after the core freed every command (cleanup.c, step
 * 3), so the buffer the EXECING command gives back is flushed with the rest.
 *
 * The case asserts the cleanup ends well within one step's bound (no wait
 * expired), with the table empty, every page unpinned and FLUSH_DONE in.
 */
static void user_cleanup_seed_cached_execing(struct kunit *test)
{
	struct scst_user_opt opt = ut_opt(SCST_USER_MEM_REUSE_ALL,
					  SCST_USER_ON_FREE_CMD_CALL,
					  SCST_USER_PARSE_STANDARD);
	struct scst_user_get_cmd *exec;
	struct scst_session *sess;
	struct uf_event alloc, ev;
	struct uf_user *uf;
	struct cf_event r;
	unsigned int ms;

	uf = uf_init(test, &opt, &sess);
	WRITE_ONCE(user_cleanup_step_ms, UT_STEP_MS);

	/* Two finished commands leave a 1-page and a 2-page buffer cached */
	r = ut_read(uf, sess, 1, UT_BLOCKS_1P);
	ut_expect_good(test, &r);
	r = ut_read(uf, sess, 2, UT_BLOCKS_2P);
	ut_expect_good(test, &r);
	uf_wait_count(uf, UF_ON_FREE_CMD, 2);
	ev = uf_event(uf, UF_ON_FREE_CMD, 0);
	KUNIT_EXPECT_TRUE(test, ev.cached);
	KUNIT_ASSERT_EQ(test, uf_count(uf, UF_ALLOC_MEM), 2U);
	alloc = uf_event(uf, UF_ALLOC_MEM, 0);
	KUNIT_EXPECT_EQ(test, uf_nr_mems(uf), 2U);
	KUNIT_EXPECT_EQ(test, uf_pinned_pages(), 3L);
	KUNIT_ASSERT_TRUE_MSG(test, uf_wait_for(uf_nr_cmds(uf) == 0),
			      "finished commands stayed in the table");
	KUNIT_ASSERT_TRUE(test, uf_wait_for(!uf_pool_stats(uf).bufs_in_use));
	KUNIT_EXPECT_EQ(test, uf_pool_stats(uf).bufs_cached, 2U);

	/* A third takes the cached 1-page buffer, and user space holds it */
	uf_set_hold(uf, UF_EXEC, true);
	cf_read(uf->fx, sess, UF_LUN, 3, SCST_TASK_SIMPLE, 0, UT_BLOCKS_1P);
	exec = kunit_kzalloc(test, sizeof(*exec), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, exec);
	uf_take(uf, UF_EXEC, exec);
	KUNIT_EXPECT_EQ_MSG(test, uf_count(uf, UF_ALLOC_MEM), 2U,
			    "the cached buffer was not reused");
	KUNIT_EXPECT_EQ(test, exec->exec_cmd.pbuf, alloc.pbuf);
	KUNIT_EXPECT_EQ(test, uf_nr_cmds(uf), 1U);

	/* The handler dies: its file is closed */
	ms = uf_close(uf);
	KUNIT_EXPECT_LT_MSG(test, ms, UT_STEP_MS,
			    "cleanup took %u ms: a wait ran out its bound", ms);
	ut_expect_clean(test, uf);
	KUNIT_EXPECT_FALSE_MSG(test, uf_log_has("cleanup: "),
			       "the cleanup reported stuck commands");
	r = cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 3);
	ut_expect_not_ready(test, &r);
	KUNIT_EXPECT_EQ(test, r.asc << 8 | r.ascq, UT_ASC_NOT_READY_MANUAL);

	/* A dead handler's late reply finds nothing, and breaks nothing */
	KUNIT_EXPECT_EQ(test, uf_answer(uf, exec), -ESRCH);
}

/*
 * A handler that never answers, with a step in every state of <user.h>
 * when it goes: PARSE, ALLOC_MEM and EXEC held by user space, ON_FREE_CMD
 * held (the command is being freed), one step still queued. The cleanup
 * must answer the core for every SCSI step, drop the notices, and end
 * with nothing left, without waiting out any bound.
 */
static void user_cleanup_never_answers(struct kunit *test)
{
	struct scst_user_opt opt = ut_opt(SCST_USER_MEM_NO_REUSE,
					  SCST_USER_ON_FREE_CMD_CALL,
					  SCST_USER_PARSE_CALL);
	struct scst_user_get_cmd *got;
	struct scst_session *sess;
	struct uf_user *uf;
	struct cf_event r;
	unsigned int ms;
	u64 tag;

	got = kunit_kzalloc(test, sizeof(*got), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, got);
	uf = uf_init(test, &opt, &sess);
	WRITE_ONCE(user_cleanup_step_ms, UT_STEP_MS);

	/* Tag 1: PARSE held */
	uf_set_hold(uf, UF_PARSE, true);
	cf_read(uf->fx, sess, UF_LUN, 1, SCST_TASK_SIMPLE, 0, UT_BLOCKS_1P);
	uf_take(uf, UF_PARSE, got);
	uf_set_hold(uf, UF_PARSE, false);
	/* Tag 2: ALLOC_MEM held */
	uf_set_hold(uf, UF_ALLOC_MEM, true);
	cf_read(uf->fx, sess, UF_LUN, 2, SCST_TASK_SIMPLE, 0, UT_BLOCKS_1P);
	uf_take(uf, UF_ALLOC_MEM, got);
	uf_set_hold(uf, UF_ALLOC_MEM, false);
	/* Tag 3: EXEC held, its buffer pinned */
	uf_set_hold(uf, UF_EXEC, true);
	cf_write(uf->fx, sess, UF_LUN, 3, SCST_TASK_SIMPLE, 0, UT_BLOCKS_2P);
	uf_take(uf, UF_EXEC, got);
	uf_set_hold(uf, UF_EXEC, false);
	KUNIT_EXPECT_EQ(test, uf_pinned_pages(), 2L);
	/* Tag 4: done for the core, ON_FREE_CMD held */
	uf_set_hold(uf, UF_ON_FREE_CMD, true);
	r = ut_read(uf, sess, 4, UT_BLOCKS_1P);
	ut_expect_good(test, &r);
	uf_take(uf, UF_ON_FREE_CMD, got);
	/* Tag 5: PARSE queued, never taken */
	uf_pause(uf, true);
	uf_wait_idle(uf);
	cf_read(uf->fx, sess, UF_LUN, 5, SCST_TASK_SIMPLE, 0, UT_BLOCKS_1P);
	KUNIT_ASSERT_TRUE_MSG(test, uf_wait_for(uf_nr_cmds(uf) == 5),
			      "want 5 user commands, have %u", uf_nr_cmds(uf));

	ms = uf_close(uf);
	KUNIT_EXPECT_LT_MSG(test, ms, UT_STEP_MS,
			    "cleanup took %u ms: a wait ran out its bound", ms);
	ut_expect_clean(test, uf);
	for (tag = 1; tag <= 5; tag++) {
		if (tag == 4)
			continue;
		r = cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, tag);
		KUNIT_EXPECT_EQ_MSG(test, r.status, SCST_STATUS_CHECK_CONDITION,
				    "tag %llu", tag);
	}
	r = cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 1);
	ut_expect_not_ready(test, &r);
	r = cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 3);
	ut_expect_not_ready(test, &r);
	/* Nothing is queued for user space any more */
	KUNIT_EXPECT_EQ(test, user_get_cmd(uf->udev, got, false, true),
			-ENODEV);
}

/*
 * The core keeps a command's buffer past the bound (the fabric sits on its
 * response): the cleanup still ends, after its bounded waits, and logs the
 * command with its state and references; once the core lets go, the
 * command leaves the table and its pages are unpinned, pool destroyed or
 * not.
 */
static void user_cleanup_core_holds_buffer(struct kunit *test)
{
	struct scst_user_opt opt = ut_opt(SCST_USER_MEM_REUSE_READ,
					  SCST_USER_ON_FREE_CMD_CALL,
					  SCST_USER_PARSE_STANDARD);
	struct scst_session *sess;
	struct uf_user *uf;
	unsigned int ms;
	char want[64];
	u32 h;

	uf = uf_init(test, &opt, &sess);
	WRITE_ONCE(user_cleanup_step_ms, UT_STUCK_STEP_MS);
	cf_set_mode(uf->fx, SCST_MSG_CMD_RESPOND, CF_HOLD);
	cf_read(uf->fx, sess, UF_LUN, 1, SCST_TASK_SIMPLE, 0, UT_BLOCKS_1P);
	cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 1);
	KUNIT_ASSERT_NOT_NULL(test,
			      cf_held_cmd(uf->fx, SCST_MSG_CMD_RESPOND, 1));
	h = uf_event(uf, UF_EXEC, 0).h;

	ms = uf_close(uf);
	/* Step 3 (the core's frees) and step 4 (the flush) each ran out */
	KUNIT_EXPECT_GE(test, ms, 2 * UT_STUCK_STEP_MS);
	KUNIT_EXPECT_LT_MSG(test, ms, 2 * UT_STUCK_STEP_MS + UF_WAIT_MS,
			    "cleanup took %u ms", ms);
	KUNIT_EXPECT_EQ(test, uf_nr_cmds(uf), 1U);
	KUNIT_EXPECT_EQ(test, uf_pinned_pages(), 1L);
	snprintf(want, sizeof(want), "command %u (subcode %#x) held by the core",
		 h, (u32)SCST_USER_EXEC);
	KUNIT_EXPECT_TRUE_MSG(test, uf_wait_for(uf_log_has(want)),
			      "no log line with \"%s\"", want);
	KUNIT_EXPECT_TRUE(test, uf_log_has("references buffer"));
	KUNIT_EXPECT_TRUE(test, uf_log_has("user buffers still pinned"));
	KUNIT_EXPECT_TRUE(test, uf_log_has("table not empty at the end"));
	if (test->status == KUNIT_FAILURE)
		uf_log_dump(test);

	/* The fabric lets go: the command, its buffer and its pages go */
	cf_answer(uf->fx, SCST_MSG_CMD_RESPOND, 1);
	KUNIT_EXPECT_TRUE_MSG(test, uf_wait_for(uf_nr_cmds(uf) == 0),
			      "the command stayed after CMD_BUF_FREE");
	KUNIT_EXPECT_TRUE_MSG(test, uf_wait_for(uf_pinned_pages() == 0),
			      "%ld pages stayed pinned", uf_pinned_pages());
	KUNIT_EXPECT_TRUE(test, uf_wait_for(uf_nr_mems(uf) == 0));
}

/* ------------------------------------------------------------------ */
/* ON_FREE_CMD */

struct ut_on_free {
	u8 type;
	u8 reuse;
	const char *name;
};

static const struct ut_on_free ut_on_free_params[] = {
	{ SCST_USER_ON_FREE_CMD_CALL, SCST_USER_MEM_NO_REUSE, "call_no_reuse" },
	{ SCST_USER_ON_FREE_CMD_CALL, SCST_USER_MEM_REUSE_READ, "call_reuse_read" },
	{ SCST_USER_ON_FREE_CMD_IGNORE, SCST_USER_MEM_NO_REUSE, "ignore_no_reuse" },
	{ SCST_USER_ON_FREE_CMD_IGNORE, SCST_USER_MEM_REUSE_ALL, "ignore_reuse_all" },
};

static void ut_on_free_desc(const struct ut_on_free *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ut_on_free, ut_on_free_params, ut_on_free_desc);

/*
 * CALL: one ON_FREE_CMD per command, after the core freed it, naming its
 * buffer, whether that stays cached (a read under REUSE_READ: yes; a
 * write: no), and its status. IGNORE: none, and the commands still leave
 * the table.
 */
static void user_on_free_cmd(struct kunit *test)
{
	const struct ut_on_free *p = test->param_value;
	struct scst_user_opt opt = ut_opt(p->reuse, p->type,
					  SCST_USER_PARSE_STANDARD);
	bool call = p->type == SCST_USER_ON_FREE_CMD_CALL;
	struct scst_session *sess;
	struct uf_event ev, alloc;
	struct uf_user *uf;
	struct cf_event r;
	u8 cdb[6];

	uf = uf_init(test, &opt, &sess);
	r = ut_read(uf, sess, 1, UT_BLOCKS_1P);
	ut_expect_good(test, &r);
	r = ut_write(uf, sess, 2, UT_BLOCKS_1P);
	ut_expect_good(test, &r);
	cf_cdb_tur(cdb);
	r = cf_run(uf->fx, sess, UF_LUN, cdb, 6, 3, SCST_TASK_SIMPLE, 0);
	ut_expect_good(test, &r);
	KUNIT_ASSERT_EQ(test, uf_count(uf, UF_EXEC), 3U);

	if (!call) {
		KUNIT_EXPECT_TRUE_MSG(test, uf_wait_for(uf_nr_cmds(uf) == 0),
				      "%u commands stayed in the table",
				      uf_nr_cmds(uf));
		msleep(CF_QUIET_MS);
		KUNIT_EXPECT_EQ(test, uf_count(uf, UF_ON_FREE_CMD), 0U);
		return;
	}

	uf_wait_count(uf, UF_ON_FREE_CMD, 3);
	/* The read: its buffer; cached exactly when reads are reused */
	alloc = uf_event(uf, UF_ALLOC_MEM, 0);
	ev = uf_event(uf, UF_ON_FREE_CMD, 0);
	KUNIT_EXPECT_EQ(test, ev.h, uf_event(uf, UF_EXEC, 0).h);
	KUNIT_EXPECT_EQ(test, ev.pbuf, alloc.pbuf);
	KUNIT_EXPECT_EQ(test, ev.cached, p->reuse == SCST_USER_MEM_REUSE_READ);
	KUNIT_EXPECT_EQ(test, ev.status, SCST_STATUS_GOOD);
	KUNIT_EXPECT_FALSE(test, ev.aborted);
	/* The write: its own buffer, never cached under these modes */
	ev = uf_event(uf, UF_ON_FREE_CMD, 1);
	KUNIT_EXPECT_EQ(test, ev.h, uf_event(uf, UF_EXEC, 1).h);
	KUNIT_EXPECT_EQ(test, ev.pbuf, uf_event(uf, UF_ALLOC_MEM, 1).pbuf);
	KUNIT_EXPECT_FALSE(test, ev.cached);
	/* TEST UNIT READY: no buffer at all */
	ev = uf_event(uf, UF_ON_FREE_CMD, 2);
	KUNIT_EXPECT_EQ(test, ev.h, uf_event(uf, UF_EXEC, 2).h);
	KUNIT_EXPECT_EQ(test, ev.pbuf, 0ULL);
	KUNIT_EXPECT_FALSE(test, ev.cached);
	KUNIT_EXPECT_TRUE(test, uf_wait_for(uf_nr_cmds(uf) == 0));
}

/* ------------------------------------------------------------------ */
/* Reuse modes */

struct ut_reuse {
	u8 mode;
	bool reads, writes;	/* which buffers it caches */
	const char *name;
};

static const struct ut_reuse ut_reuse_params[] = {
	{ SCST_USER_MEM_NO_REUSE, false, false, "no_reuse" },
	{ SCST_USER_MEM_REUSE_READ, true, false, "reuse_read" },
	{ SCST_USER_MEM_REUSE_WRITE, false, true, "reuse_write" },
	{ SCST_USER_MEM_REUSE_ALL, true, true, "reuse_all" },
};

static void ut_reuse_desc(const struct ut_reuse *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ut_reuse, ut_reuse_params, ut_reuse_desc);

/*
 * Two reads, then two writes, of one page each: the second of a pair hits
 * the cache (no ALLOC_MEM, EXEC names the first's buffer) exactly when the
 * mode caches that direction; under REUSE_ALL the writes hit the reads'
 * buffer too. Then FLUSH_CACHE: each cached buffer comes back to user
 * space as one ON_CACHED_MEM_FREE naming it, and every page is unpinned.
 */
static void user_reuse_mode(struct kunit *test)
{
	const struct ut_reuse *p = test->param_value;
	struct scst_user_opt opt = ut_opt(p->mode, SCST_USER_ON_FREE_CMD_CALL,
					  SCST_USER_PARSE_STANDARD);
	struct scst_session *sess;
	unsigned int allocs = 0, cached = 0, i;
	u64 cached_pbuf = 0, first_pbuf = 0;
	struct uf_event exec;
	struct uf_user *uf;
	struct cf_event r;
	u64 tag;

	uf = uf_init(test, &opt, &sess);
	for (tag = 1; tag <= 4; tag++) {
		bool write = tag > 2;
		bool caches = write ? p->writes : p->reads;
		/* A hit needs a buffer cached by an earlier command */
		bool hit = caches && cached;

		r = write ? ut_write(uf, sess, tag, UT_BLOCKS_1P) :
			    ut_read(uf, sess, tag, UT_BLOCKS_1P);
		ut_expect_good(test, &r);
		uf_wait_count(uf, UF_ON_FREE_CMD, tag);
		KUNIT_ASSERT_TRUE_MSG(test,
				      uf_wait_for(!uf_pool_stats(uf).bufs_in_use),
				      "tag %llu: its buffer was not freed", tag);
		exec = uf_event(uf, UF_EXEC, tag - 1);
		if (!hit) {
			allocs++;
			KUNIT_EXPECT_EQ_MSG(test, uf_count(uf, UF_ALLOC_MEM),
					    allocs, "tag %llu: want ALLOC_MEM",
					    tag);
			first_pbuf = uf_event(uf, UF_ALLOC_MEM, allocs - 1).pbuf;
			KUNIT_EXPECT_EQ(test, exec.pbuf, first_pbuf);
			if (caches) {
				cached++;
				cached_pbuf = first_pbuf;
			}
		} else {
			KUNIT_EXPECT_EQ_MSG(test, uf_count(uf, UF_ALLOC_MEM),
					    allocs,
					    "tag %llu: want a cache hit", tag);
			KUNIT_EXPECT_EQ(test, exec.pbuf, cached_pbuf);
		}
		KUNIT_EXPECT_EQ_MSG(test,
				    uf_event(uf, UF_ON_FREE_CMD, tag - 1).cached,
				    caches, "tag %llu: buffer_cached", tag);
	}
	KUNIT_EXPECT_EQ(test, cached, (unsigned int)(p->reads || p->writes));
	KUNIT_EXPECT_EQ(test, uf_pool_stats(uf).bufs_cached, cached);
	KUNIT_EXPECT_EQ(test, uf_pool_stats(uf).hits, (u64)(4 - allocs));
	KUNIT_EXPECT_TRUE(test, uf_wait_for(uf_nr_cmds(uf) == 0));
	KUNIT_EXPECT_EQ(test, uf_nr_mems(uf), cached);
	KUNIT_EXPECT_EQ(test, uf_pinned_pages(), (long)cached);

	/* SCST_USER_FLUSH_CACHE */
	scst_sgv_pool_flush(uf->udev->pool);
	KUNIT_EXPECT_TRUE_MSG(test, uf_wait_for(uf_pinned_pages() == 0),
			      "%ld pages stayed pinned after the flush",
			      uf_pinned_pages());
	if (cached)
		uf_wait_count(uf, UF_ON_CACHED_MEM_FREE, cached);
	msleep(CF_QUIET_MS);
	KUNIT_EXPECT_EQ(test, uf_count(uf, UF_ON_CACHED_MEM_FREE), cached);
	for (i = 0; i < cached && i < uf_count(uf, UF_ON_CACHED_MEM_FREE); i++)
		KUNIT_EXPECT_EQ(test, uf_event(uf, UF_ON_CACHED_MEM_FREE, i).pbuf,
				cached_pbuf);
	KUNIT_EXPECT_EQ(test, uf_nr_mems(uf), 0U);
	KUNIT_EXPECT_TRUE(test, uf_wait_for(uf_nr_cmds(uf) == 0));
}

/* ------------------------------------------------------------------ */
/* Wake-ups */

/* The handler's wait for a command in the wake-up case: longer than its bound */
#define UT_GET_WAIT_MS		2000
#define UT_PASS_ON_MS		1000

struct ut_servers {
	struct uf_user *uf;
	struct task_struct *task[2];
	atomic_t execs;			/* EXEC steps taken, by both */
	struct completion release;	/* the first EXEC may be answered */
};

/*
 * One thread of a handler, as REPLY_AND_GET_CMD runs it: one step per
 * call, then the ioctl's user_pass_on(). The first EXEC either thread
 * takes it keeps until released, as a thread blocked in its I/O would.
 */
static int ut_server_fn(void *data)
{
	struct ut_servers *all = data;
	struct user_dev *udev = all->uf->udev;
	struct scst_user_get_cmd get;
	int ret;

	while (!kthread_should_stop()) {
		ret = user_get_cmd(udev, &get, true, false);
		user_pass_on(udev);
		if (ret == -ENODEV)
			usleep_range(10000, 20000);
		if (ret)
			continue;
		if (get.subcode == SCST_USER_EXEC &&
		    atomic_inc_return(&all->execs) == 1)
			wait_for_completion_timeout(&all->release,
						    msecs_to_jiffies(UF_WAIT_MS));
		uf_answer(all->uf, &get);
	}
	return 0;
}

/*
 * A step queued behind another wakes no thread (user_cmd_queue()): the
 * thread that takes the first must wake the next as it leaves with steps
 * still queued (user_pass_on()). Two threads wait for commands; two TEST
 * UNIT READYs are queued back to back; the thread that gets the first
 * keeps it. The second must reach the other thread at once, not when that
 * thread's wait for a command ends (UT_GET_WAIT_MS).
 */
static void user_wake_passed_on(struct kunit *test)
{
	struct scst_user_opt opt = ut_opt(SCST_USER_MEM_NO_REUSE,
					  SCST_USER_ON_FREE_CMD_IGNORE,
					  SCST_USER_PARSE_STANDARD);
	unsigned int saved_wait_ms, done = 0, i;
	struct scst_session *sess;
	struct ut_servers *all;
	unsigned long end;
	struct uf_user *uf;

	uf = uf_init(test, &opt, &sess);
	all = kunit_kzalloc(test, sizeof(*all), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, all);
	all->uf = uf;
	atomic_set(&all->execs, 0);
	init_completion(&all->release);
	/* The fake's own thread steps aside: these two are the handler */
	uf_pause(uf, true);
	uf_wait_idle(uf);
	saved_wait_ms = READ_ONCE(user_get_cmd_wait_ms);
	WRITE_ONCE(user_get_cmd_wait_ms, UT_GET_WAIT_MS);
	for (i = 0; i < ARRAY_SIZE(all->task); i++) {
		all->task[i] = kthread_run(ut_server_fn, all, "ut_server%u", i);
		if (IS_ERR(all->task[i])) {
			KUNIT_FAIL(test, "kthread_run: %ld",
				   PTR_ERR(all->task[i]));
			all->task[i] = NULL;
		}
	}
	/* Both asleep in user_get_cmd() */
	msleep(CF_QUIET_MS);

	cf_tur(uf->fx, sess, UF_LUN, 10, SCST_TASK_SIMPLE);
	cf_tur(uf->fx, sess, UF_LUN, 11, SCST_TASK_SIMPLE);
	end = jiffies + msecs_to_jiffies(UT_PASS_ON_MS);
	while (time_before(jiffies, end)) {
		done = cf_count_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 10) +
		       cf_count_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 11);
		if (done)
			break;
		usleep_range(5000, 10000);
	}
	KUNIT_EXPECT_EQ_MSG(test, done, 1U,
			    "the TEST UNIT READY no thread kept did not respond within %u ms",
			    UT_PASS_ON_MS);
	KUNIT_EXPECT_EQ(test, atomic_read(&all->execs), 2);

	complete(&all->release);
	cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 10);
	cf_wait_tag(uf->fx, sess, SCST_MSG_CMD_RESPOND, 11);
	/* A thread leaves its wait within UT_GET_WAIT_MS of the stop */
	for (i = 0; i < ARRAY_SIZE(all->task); i++)
		if (all->task[i])
			kthread_stop(all->task[i]);
	WRITE_ONCE(user_get_cmd_wait_ms, saved_wait_ms);
	uf_pause(uf, false);
}

/* ------------------------------------------------------------------ */

static struct kunit_case user_cleanup_cases[] = {
	KUNIT_CASE(user_cleanup_seed_cached_execing),
	KUNIT_CASE(user_cleanup_never_answers),
	KUNIT_CASE(user_cleanup_core_holds_buffer),
	{ }
};

static struct kunit_suite user_cleanup_suite = {
	.name = "scst_user_cleanup",
	.exit = uf_exit,
	.test_cases = user_cleanup_cases,
};

static struct kunit_case user_cmd_cases[] = {
	KUNIT_CASE_PARAM(user_on_free_cmd, ut_on_free_gen_params),
	KUNIT_CASE_PARAM(user_reuse_mode, ut_reuse_gen_params),
	KUNIT_CASE(user_wake_passed_on),
	{ }
};

static struct kunit_suite user_cmd_suite = {
	.name = "scst_user_cmd",
	.exit = uf_exit,
	.test_cases = user_cmd_cases,
};

kunit_test_suites(&user_cleanup_suite, &user_cmd_suite);
