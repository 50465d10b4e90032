/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: a fake user-space handler for dev-user (scst_user), driving it
 * through the functions its ioctls call (user_get_cmd(), user_reply()),
 * with no process and no /dev/scst_user file.
 *
 * A device is registered with user_dev_register() and mapped as LUN
 * UF_LUN of the core_fake.h fixture's target, so the fake fabric's
 * commands reach it through the real core. A kernel thread plays the
 * handler's get/reply loop: it logs every step it gets and answers it at
 * once (the default) or, for the subcodes the test chose, holds it for the
 * test to answer, or to leave unanswered as a dead handler would. Its
 * "user memory" is fake addresses whose pages are plain kernel pages,
 * pinned and unpinned through user_pin_ops, and counted: every page the
 * device pinned must come back.
 *
 * A console captures dev-user's log lines, so a case can check what the
 * cleanup reported. One fake exists at a time; every wait is bounded by
 * UF_WAIT_MS and fails the case with what it waited for.
 */
#ifndef _SCST_KUNIT_USER_FAKE_H
#define _SCST_KUNIT_USER_FAKE_H

#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/jiffies.h>
/* dev-user's header first: it sorts out the ABI's CDB and sense sizes */
#include "../dev-user/user.h"
#include "core_fake.h"

#define UF_WAIT_MS		5000
#define UF_LUN			5
#define UF_MAX_EVENTS		256
#define UF_MAX_HELD		16
/* Fake user addresses: each ALLOC_MEM reply gets the next slot */
#define UF_PBUF_BASE		0x40000000ULL
#define UF_PBUF_STRIDE		(8ULL << 20)
/* dev-user's log lines kept for the case */
#define UF_LOG_SIZE		8192

/* The steps the fake tells apart (indexes of uf_user.hold) */
enum uf_step {
	UF_ATTACH_SESS,
	UF_DETACH_SESS,
	UF_PARSE,
	UF_ALLOC_MEM,
	UF_EXEC,
	UF_ON_FREE_CMD,
	UF_ON_CACHED_MEM_FREE,
	UF_TASK_MGMT_DONE,
	UF_NR_STEPS,
};

/**
 * struct uf_event - one step the fake user space got
 * @step:     enum uf_step
 * @h:        its cmd_h
 * @pbuf:     ALLOC_MEM: the buffer the fake replied with; EXEC,
 *            ON_FREE_CMD, ON_CACHED_MEM_FREE: the one dev-user named
 * @len:      ALLOC_MEM: alloc_len; PARSE, EXEC: bufflen
 * @dir:      PARSE, ALLOC_MEM, EXEC: data direction (ABI values)
 * @cached:   ON_FREE_CMD: buffer_cached
 * @aborted:  ON_FREE_CMD: aborted
 * @status:   ON_FREE_CMD: status
 */
struct uf_event {
	u8 step;
	u32 h;
	u64 pbuf;
	u32 len;
	u8 dir;
	bool cached;
	bool aborted;
	u8 status;
};

struct uf_user {
	struct kunit *test;
	struct cf_fixture *fx;
	struct user_dev *udev;		/* the case's own reference */
	bool released;			/* user_dev_release() was called */
	bool lun_added;
	struct task_struct *thread;
	unsigned int saved_get_wait_ms;
	unsigned int saved_cleanup_ms;

	/* What the thread does; set while nothing of that step is in flight */
	bool hold[UF_NR_STEPS];
	/* The thread takes nothing while paused: steps stay QUEUED */
	bool paused;

	spinlock_t lock;		/* protects what follows */
	struct uf_event events[UF_MAX_EVENTS];
	unsigned int nr_events;
	unsigned int lost_events;
	struct scst_user_get_cmd held[UF_MAX_HELD];
	unsigned int nr_held;
	/* user_reply() errors of the thread's own answers */
	unsigned int bad_replies;
	u64 next_pbuf;
	bool thread_idle;		/* paused, or the device stopped */
	wait_queue_head_t wq;
};

/*
 * Start: the fixture (core_fake.h), a device with options @opt, LUN UF_LUN
 * to it, the fake's thread, and a session (returned in *@sess) whose
 * unit attention on UF_LUN is consumed.
 */
struct uf_user *uf_init(struct kunit *test, const struct scst_user_opt *opt,
			struct scst_session **sess);
/* Stop: release the device if the case did not, remove it, the fixture */
void uf_exit(struct kunit *test);

/* The handler lets go (what closing its file does); returns the ms taken */
unsigned int uf_close(struct uf_user *uf);

void uf_set_hold(struct uf_user *uf, enum uf_step step, bool hold);
void uf_pause(struct uf_user *uf, bool pause);
/* Wait until the paused thread took its last step */
void uf_wait_idle(struct uf_user *uf);

unsigned int uf_count(struct uf_user *uf, enum uf_step step);
void uf_wait_count(struct uf_user *uf, enum uf_step step, unsigned int n);
/* The @nth (0-based) event of @step; fails the case if there is none */
struct uf_event uf_event(struct uf_user *uf, enum uf_step step,
			 unsigned int nth);
void uf_log_reset(struct uf_user *uf);

/* Take a held step into *@out (waiting for it); answer it or not */
void uf_take(struct uf_user *uf, enum uf_step step,
	     struct scst_user_get_cmd *out);
/* The reply the thread would give; returns user_reply()'s result */
int uf_answer(struct uf_user *uf, const struct scst_user_get_cmd *get);

/* The device's table, under its lock */
unsigned int uf_nr_cmds(struct uf_user *uf);
unsigned int uf_nr_mems(struct uf_user *uf);
bool uf_flush_done(struct uf_user *uf);
/*
 * The device's pool (while it is LIVE). ON_FREE_CMD may reach user space
 * before the buffer is back in the pool: a case that wants a cache hit
 * waits for bufs_in_use to drop first.
 */
struct scst_sgv_stats uf_pool_stats(struct uf_user *uf);
/* Pages pinned through the fake's pin ops and not unpinned yet */
long uf_pinned_pages(void);

/* dev-user's log lines since the fake started: does one contain @s? */
bool uf_log_has(const char *s);
void uf_log_dump(struct kunit *test);

/*
 * Wait (bounded by UF_WAIT_MS) for @cond about the device, which wakes no
 * queue of the case's: re-checked every few milliseconds.
 */
#define uf_wait_for(cond) ({						\
	unsigned long __end = jiffies + msecs_to_jiffies(UF_WAIT_MS);	\
	bool __ok;							\
									\
	while (!(__ok = (cond)) && time_before(jiffies, __end))		\
		usleep_range(5000, 10000);				\
	__ok;								\
})

#endif /* _SCST_KUNIT_USER_FAKE_H */
