// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: the fake user-space handler of dev-user (user_fake.h).
 */
#include <linux/console.h>
#include <linux/kthread.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "user_fake.h"

#define UF_INI		"iqn.2024-01.org.test:user-ini"

static struct uf_user *uf_current;
static atomic_t uf_dev_seq = ATOMIC_INIT(0);

/* ------------------------------------------------------------------ */
/* Memory: fake user addresses backed by kernel pages */

static atomic_long_t uf_pinned = ATOMIC_LONG_INIT(0);

static int uf_pin(u64 pbuf, unsigned int nr_pages, struct page **pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++) {
		pages[i] = alloc_page(GFP_KERNEL);
		if (!pages[i]) {
			while (i--)
				__free_page(pages[i]);
			return -ENOMEM;
		}
	}
	atomic_long_add(nr_pages, &uf_pinned);
	return 0;
}

static void uf_unpin(struct page **pages, unsigned int nr_pages)
{
	unsigned int i;

	for (i = 0; i < nr_pages; i++)
		__free_page(pages[i]);
	atomic_long_sub(nr_pages, &uf_pinned);
}

static const struct user_pin_ops uf_pin_ops = {
	.pin	= uf_pin,
	.unpin	= uf_unpin,
};

long uf_pinned_pages(void)
{
	return atomic_long_read(&uf_pinned);
}

/* ------------------------------------------------------------------ */
/* dev-user's log, captured by a console */

static DEFINE_SPINLOCK(uf_log_lock);
static char uf_log[UF_LOG_SIZE];
static unsigned int uf_log_len;

static void uf_con_write(struct console *con, const char *s, unsigned int n)
{
	unsigned long flags;

	if (!strnstr(s, USER_NAME ": ", n))
		return;
	spin_lock_irqsave(&uf_log_lock, flags);
	n = min(n, UF_LOG_SIZE - 1 - uf_log_len);
	memcpy(uf_log + uf_log_len, s, n);
	uf_log_len += n;
	uf_log[uf_log_len] = '\0';
	spin_unlock_irqrestore(&uf_log_lock, flags);
}

/* Enabled by itself, as netconsole is: it needs no console= argument. */
static struct console uf_console = {
	.name	= "uf_kunit",
	.write	= uf_con_write,
	.flags	= CON_ENABLED,
	.index	= -1,
};

bool uf_log_has(const char *s)
{
	unsigned long flags;
	bool ret;

	spin_lock_irqsave(&uf_log_lock, flags);
	ret = strstr(uf_log, s);
	spin_unlock_irqrestore(&uf_log_lock, flags);
	return ret;
}

void uf_log_dump(struct kunit *test)
{
	unsigned long flags;
	char *copy = kmalloc(UF_LOG_SIZE, GFP_KERNEL);

	if (!copy)
		return;
	spin_lock_irqsave(&uf_log_lock, flags);
	memcpy(copy, uf_log, uf_log_len + 1);
	spin_unlock_irqrestore(&uf_log_lock, flags);
	kunit_info(test, "dev-user's log:\n%s", copy);
	kfree(copy);
}

/* ------------------------------------------------------------------ */
/* The get/reply loop */

static int uf_step_of(u32 subcode)
{
	switch (subcode) {
	case SCST_USER_ATTACH_SESS:
		return UF_ATTACH_SESS;
	case SCST_USER_DETACH_SESS:
		return UF_DETACH_SESS;
	case SCST_USER_PARSE:
		return UF_PARSE;
	case SCST_USER_ALLOC_MEM:
		return UF_ALLOC_MEM;
	case SCST_USER_EXEC:
		return UF_EXEC;
	case SCST_USER_ON_FREE_CMD:
		return UF_ON_FREE_CMD;
	case SCST_USER_ON_CACHED_MEM_FREE:
		return UF_ON_CACHED_MEM_FREE;
	case SCST_USER_TASK_MGMT_DONE:
		return UF_TASK_MGMT_DONE;
	default:
		return -1;
	}
}

static void uf_log_step(struct uf_user *uf, int step,
			const struct scst_user_get_cmd *get, u64 alloc_pbuf)
{
	struct uf_event *ev;

	lockdep_assert_held(&uf->lock);
	if (uf->nr_events == UF_MAX_EVENTS) {
		uf->lost_events++;
		return;
	}
	ev = &uf->events[uf->nr_events++];
	memset(ev, 0, sizeof(*ev));
	ev->step = step;
	ev->h = get->cmd_h;
	switch (step) {
	case UF_PARSE:
		ev->len = get->parse_cmd.bufflen;
		ev->dir = get->parse_cmd.data_direction;
		break;
	case UF_ALLOC_MEM:
		ev->pbuf = alloc_pbuf;
		ev->len = get->alloc_cmd.alloc_len;
		ev->dir = get->alloc_cmd.data_direction;
		break;
	case UF_EXEC:
		ev->pbuf = get->exec_cmd.pbuf;
		ev->len = get->exec_cmd.bufflen;
		ev->dir = get->exec_cmd.data_direction;
		break;
	case UF_ON_FREE_CMD:
		ev->pbuf = get->on_free_cmd.pbuf;
		ev->cached = get->on_free_cmd.buffer_cached;
		ev->aborted = get->on_free_cmd.aborted;
		ev->status = get->on_free_cmd.status;
		break;
	case UF_ON_CACHED_MEM_FREE:
		ev->pbuf = get->on_cached_mem_free.pbuf;
		break;
	}
}

/* The buffer the fake offers for an ALLOC_MEM (uf->lock held). */
static u64 uf_next_pbuf(struct uf_user *uf)
{
	u64 pbuf = uf->next_pbuf;

	uf->next_pbuf += UF_PBUF_STRIDE;
	return pbuf;
}

/*
 * What a working handler replies: PARSE keeps the kernel's direction and
 * length, ALLOC_MEM gives a fresh buffer, EXEC succeeds (a read returns
 * its whole buffer), sessions and resets succeed, notices need nothing.
 */
static void uf_fill_reply(const struct scst_user_get_cmd *get, u64 pbuf,
			  struct scst_user_reply_cmd *rep)
{
	memset(rep, 0, sizeof(*rep));
	rep->cmd_h = get->cmd_h;
	rep->subcode = get->subcode;
	switch (get->subcode) {
	case SCST_USER_PARSE:
		rep->parse_reply.data_direction = get->parse_cmd.data_direction;
		rep->parse_reply.bufflen = get->parse_cmd.bufflen;
		rep->parse_reply.data_len = get->parse_cmd.bufflen;
		break;
	case SCST_USER_ALLOC_MEM:
		rep->alloc_reply.pbuf = pbuf;
		break;
	case SCST_USER_EXEC:
		rep->exec_reply.reply_type = SCST_EXEC_REPLY_COMPLETED;
		rep->exec_reply.status = SCST_STATUS_GOOD;
		if (get->exec_cmd.data_direction == SCST_USER_DATA_READ)
			rep->exec_reply.resp_data_len = get->exec_cmd.bufflen;
		break;
	default:
		break;
	}
}

int uf_answer(struct uf_user *uf, const struct scst_user_get_cmd *get)
{
	struct scst_user_reply_cmd rep;
	u64 pbuf = 0;

	if (get->subcode == SCST_USER_ALLOC_MEM) {
		unsigned int i;

		/* The pbuf the thread logged for it, if it was held */
		spin_lock_bh(&uf->lock);
		for (i = 0; i < uf->nr_events; i++) {
			if (uf->events[i].step == UF_ALLOC_MEM &&
			    uf->events[i].h == get->cmd_h)
				pbuf = uf->events[i].pbuf;
		}
		spin_unlock_bh(&uf->lock);
	}
	uf_fill_reply(get, pbuf, &rep);
	return user_reply(uf->udev, &rep);
}

static bool uf_may_run(struct uf_user *uf)
{
	return !READ_ONCE(uf->paused) || kthread_should_stop();
}

static int uf_thread_fn(void *data)
{
	struct uf_user *uf = data;
	struct scst_user_get_cmd get;
	bool hold;
	int ret, step;

	while (!kthread_should_stop()) {
		if (READ_ONCE(uf->paused)) {
			WRITE_ONCE(uf->thread_idle, true);
			wait_event_timeout(uf->wq, uf_may_run(uf), HZ / 10);
			continue;
		}
		ret = user_get_cmd(uf->udev, &get, true, false);
		/* As REPLY_AND_GET_CMD does, for the fake's other threads */
		user_pass_on(uf->udev);
		if (ret == -ENODEV) {
			/* A handler whose device stopped: nothing comes. */
			WRITE_ONCE(uf->thread_idle, true);
			schedule_timeout_interruptible(HZ / 50);
			continue;
		}
		if (ret)
			continue;
		WRITE_ONCE(uf->thread_idle, false);
		step = uf_step_of(get.subcode);
		spin_lock_bh(&uf->lock);
		if (step < 0) {
			uf->bad_replies++;
			spin_unlock_bh(&uf->lock);
			continue;
		}
		uf_log_step(uf, step, &get, step == UF_ALLOC_MEM ?
			    uf_next_pbuf(uf) : 0);
		hold = uf->hold[step] && uf->nr_held < UF_MAX_HELD;
		if (hold)
			uf->held[uf->nr_held++] = get;
		spin_unlock_bh(&uf->lock);
		wake_up_all(&uf->wq);
		if (!hold && uf_answer(uf, &get)) {
			spin_lock_bh(&uf->lock);
			uf->bad_replies++;
			spin_unlock_bh(&uf->lock);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* The log and held steps */

static unsigned int __uf_count(struct uf_user *uf, enum uf_step step)
{
	unsigned int i, n = 0;

	spin_lock_bh(&uf->lock);
	for (i = 0; i < uf->nr_events; i++)
		n += uf->events[i].step == step;
	spin_unlock_bh(&uf->lock);
	return n;
}

unsigned int uf_count(struct uf_user *uf, enum uf_step step)
{
	return __uf_count(uf, step);
}

static const char *const uf_step_names[UF_NR_STEPS] = {
	[UF_ATTACH_SESS]	= "ATTACH_SESS",
	[UF_DETACH_SESS]	= "DETACH_SESS",
	[UF_PARSE]		= "PARSE",
	[UF_ALLOC_MEM]		= "ALLOC_MEM",
	[UF_EXEC]		= "EXEC",
	[UF_ON_FREE_CMD]	= "ON_FREE_CMD",
	[UF_ON_CACHED_MEM_FREE]	= "ON_CACHED_MEM_FREE",
	[UF_TASK_MGMT_DONE]	= "TASK_MGMT_DONE",
};

void uf_wait_count(struct uf_user *uf, enum uf_step step, unsigned int n)
{
	bool ok = wait_event_timeout(uf->wq, __uf_count(uf, step) >= n,
				     msecs_to_jiffies(UF_WAIT_MS));

	KUNIT_ASSERT_TRUE_MSG(uf->test, ok,
			      "waited %u ms for %u %s in user space, got %u",
			      UF_WAIT_MS, n, uf_step_names[step],
			      __uf_count(uf, step));
}

struct uf_event uf_event(struct uf_user *uf, enum uf_step step,
			 unsigned int nth)
{
	struct uf_event ev = { };
	unsigned int i, n = 0;
	bool found = false;

	spin_lock_bh(&uf->lock);
	for (i = 0; i < uf->nr_events; i++) {
		if (uf->events[i].step == step && n++ == nth) {
			ev = uf->events[i];
			found = true;
			break;
		}
	}
	spin_unlock_bh(&uf->lock);
	KUNIT_ASSERT_TRUE_MSG(uf->test, found, "no %s #%u in user space",
			      uf_step_names[step], nth);
	return ev;
}

void uf_log_reset(struct uf_user *uf)
{
	spin_lock_bh(&uf->lock);
	uf->nr_events = 0;
	spin_unlock_bh(&uf->lock);
}

void uf_set_hold(struct uf_user *uf, enum uf_step step, bool hold)
{
	spin_lock_bh(&uf->lock);
	uf->hold[step] = hold;
	spin_unlock_bh(&uf->lock);
}

void uf_pause(struct uf_user *uf, bool pause)
{
	WRITE_ONCE(uf->thread_idle, false);
	WRITE_ONCE(uf->paused, pause);
	wake_up_all(&uf->wq);
}

void uf_wait_idle(struct uf_user *uf)
{
	/* The thread may be inside user_get_cmd(): up to get_cmd_wait_ms */
	KUNIT_ASSERT_TRUE_MSG(uf->test, uf_wait_for(READ_ONCE(uf->thread_idle)),
			      "the fake user space did not go idle");
}

static bool uf_take_held(struct uf_user *uf, enum uf_step step,
			 struct scst_user_get_cmd *out)
{
	unsigned int i;
	bool found = false;

	spin_lock_bh(&uf->lock);
	for (i = 0; i < uf->nr_held; i++) {
		if (uf_step_of(uf->held[i].subcode) != step)
			continue;
		*out = uf->held[i];
		uf->held[i] = uf->held[--uf->nr_held];
		found = true;
		break;
	}
	spin_unlock_bh(&uf->lock);
	return found;
}

void uf_take(struct uf_user *uf, enum uf_step step,
	     struct scst_user_get_cmd *out)
{
	bool ok;

	ok = wait_event_timeout(uf->wq, uf_take_held(uf, step, out),
				msecs_to_jiffies(UF_WAIT_MS));
	KUNIT_ASSERT_TRUE_MSG(uf->test, ok,
			      "waited %u ms for a held %s in user space",
			      UF_WAIT_MS, uf_step_names[step]);
}

/* ------------------------------------------------------------------ */
/* The device's state */

unsigned int uf_nr_cmds(struct uf_user *uf)
{
	unsigned int n;

	spin_lock_bh(&uf->udev->lock);
	n = uf->udev->nr_cmds;
	spin_unlock_bh(&uf->udev->lock);
	return n;
}

unsigned int uf_nr_mems(struct uf_user *uf)
{
	unsigned int n;

	spin_lock_bh(&uf->udev->lock);
	n = uf->udev->nr_mems;
	spin_unlock_bh(&uf->udev->lock);
	return n;
}

bool uf_flush_done(struct uf_user *uf)
{
	bool done;

	spin_lock_bh(&uf->udev->lock);
	done = uf->udev->flush_done;
	spin_unlock_bh(&uf->udev->lock);
	return done;
}

/* The device's pool, while it is LIVE */
struct scst_sgv_stats uf_pool_stats(struct uf_user *uf)
{
	struct scst_sgv_stats st = { };

	scst_sgv_get_stats(uf->udev->pool, &st);
	return st;
}

/* ------------------------------------------------------------------ */
/* Setup and teardown */

static int uf_lun_add(struct uf_user *uf)
{
	int ret;

	mutex_lock(&core_cfg_mutex);
	ret = core_lun_add(&uf->fx->tgt->default_acg, UF_LUN,
			   to_core_dev(uf->udev->sdev), false);
	mutex_unlock(&core_cfg_mutex);
	return ret;
}

struct uf_user *uf_init(struct kunit *test, const struct scst_user_opt *opt,
			struct scst_session **sess)
{
	struct scst_user_dev_desc *desc;
	struct user_dev *udev;
	struct uf_user *uf;
	u64 tag = 1000;

	/* A fake an earlier case leaked (uf_exit()) is not this case's */
	WRITE_ONCE(uf_current, NULL);
	cf_fixture_init(test, 0);
	/* Not kunit_kzalloc(): uf_exit() frees it after the fixture's exit */
	uf = kzalloc(sizeof(*uf), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, uf);
	uf->test = test;
	uf->fx = test->priv;
	spin_lock_init(&uf->lock);
	init_waitqueue_head(&uf->wq);
	uf->next_pbuf = UF_PBUF_BASE;
	/* The thread notices a stop or a pause within this */
	uf->saved_get_wait_ms = user_get_cmd_wait_ms;
	uf->saved_cleanup_ms = user_cleanup_step_ms;
	WRITE_ONCE(user_get_cmd_wait_ms, 50);
	WRITE_ONCE(uf_current, uf);

	spin_lock_irq(&uf_log_lock);
	uf_log_len = 0;
	uf_log[0] = '\0';
	spin_unlock_irq(&uf_log_lock);
	/* unregister_console() cleared it */
	uf_console.flags = CON_ENABLED;
	register_console(&uf_console);

	desc = kunit_kzalloc(test, sizeof(*desc), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, desc);
	desc->type = 0;
	desc->block_size = 1 << CF_BLOCK_SHIFT;
	desc->opt = *opt;
	snprintf(desc->name, sizeof(desc->name), "uf_dev%d",
		 atomic_inc_return(&uf_dev_seq));
	udev = user_dev_register(desc, &uf_pin_ops);
	KUNIT_ASSERT_NOT_ERR_OR_NULL_MSG(test, udev, "user_dev_register(%s)",
					 desc->name);
	/* The case's own reference: it reads the device after its cleanup */
	kref_get(&udev->kref);
	uf->udev = udev;

	uf->thread = kthread_run(uf_thread_fn, uf, "uf_user");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, uf->thread);
	KUNIT_ASSERT_EQ_MSG(test, uf_lun_add(uf), 0, "LUN %d", UF_LUN);
	uf->lun_added = true;

	/* SESS_ATTACH waits for the fake's ATTACH_SESS reply */
	*sess = cf_sess_add(uf->fx, 0, UF_INI);
	KUNIT_ASSERT_GE(test, uf_count(uf, UF_ATTACH_SESS), 1U);
	cf_clear_ua(uf->fx, *sess, UF_LUN, &tag);
	/*
	 * The TEST UNIT READYs' ON_FREE_CMD may come after their responses:
	 * their user commands leave the table only once user space had it.
	 */
	KUNIT_ASSERT_TRUE_MSG(test, uf_wait_for(!uf_nr_cmds(uf)),
			      "%u user commands left after the setup",
			      uf_nr_cmds(uf));
	uf_log_reset(uf);
	cf_log_reset(uf->fx);
	return uf;
}

unsigned int uf_close(struct uf_user *uf)
{
	unsigned long start = jiffies;

	uf->released = true;
	user_dev_release(uf->udev);
	return jiffies_to_msecs(jiffies - start);
}

static bool uf_dev_gone(struct uf_user *uf)
{
	bool gone;

	spin_lock_bh(&uf->udev->lock);
	gone = uf->udev->state == USER_DEV_GONE;
	spin_unlock_bh(&uf->udev->lock);
	return gone;
}

void uf_exit(struct kunit *test)
{
	struct uf_user *uf = READ_ONCE(uf_current);
	struct cf_fixture *fx;
	bool leak = false;
	int ret;

	if (!uf) {
		cf_fixture_exit(test);
		return;
	}
	fx = uf->fx;
	/* Whatever the case held goes back as a live handler's would */
	if (uf->udev && !uf->released) {
		struct scst_user_get_cmd get;
		unsigned int i;

		for (i = 0; i < UF_NR_STEPS; i++)
			uf_set_hold(uf, i, false);
		uf_pause(uf, false);
		while (uf->nr_held) {
			spin_lock_bh(&uf->lock);
			get = uf->held[--uf->nr_held];
			spin_unlock_bh(&uf->lock);
			uf_answer(uf, &get);
		}
		uf_close(uf);
	}
	/*
	 * The device is an orphan while its LUN stays: removing it ends it.
	 * Not while commands the core lent it are stuck in it (a broken
	 * cleanup, reported by the case): the core would unregister the
	 * device under them. Then the device and the fixture are leaked.
	 */
	if (uf->lun_added && uf->udev && uf_nr_cmds(uf)) {
		kunit_err(test, "%s: %u user commands left: the device and the fixture are left as they are\n",
			  uf->udev->name, uf_nr_cmds(uf));
		uf->lun_added = false;
		leak = true;
	}
	/*
	 * The session goes first, so that removing the LUN leaves no nexus
	 * for the core to reap: DEV_UNUSED makes dev-user unregister the
	 * device at once, and the core frees a device whose last LUN went
	 * even while a removed nexus on its reap list still points to it
	 * (core_dev_destroy() checks only nr_luns: KASAN use-after-free in
	 * core_td_release(), seen with this order reversed).
	 */
	if (uf->lun_added && fx->sess[0] && !fx->sess_gone[0])
		cf_sess_remove(fx, 0);
	if (uf->lun_added) {
		ret = cf_lun_del(fx, &fx->tgt->default_acg, UF_LUN);
		KUNIT_EXPECT_EQ_MSG(test, ret, 0, "removing LUN %d", UF_LUN);
		KUNIT_EXPECT_TRUE_MSG(test, uf_wait_for(uf_dev_gone(uf)),
				      "%s was not unregistered after its last LUN went",
				      uf->udev->name);
	}
	if (uf->thread)
		kthread_stop(uf->thread);
	uf->thread = NULL;
	WRITE_ONCE(user_get_cmd_wait_ms, uf->saved_get_wait_ms);
	WRITE_ONCE(user_cleanup_step_ms, uf->saved_cleanup_ms);
	unregister_console(&uf_console);
	KUNIT_EXPECT_EQ_MSG(test, uf->bad_replies, 0U,
			    "user_reply() refused the fake's own answers");
	KUNIT_EXPECT_EQ_MSG(test, uf->lost_events, 0U, "the fake's log overflowed");
	if (leak)
		return;
	cf_fixture_exit(test);
	if (uf->udev)
		user_dev_put(uf->udev);
	WRITE_ONCE(uf_current, NULL);
	kfree(uf);
}
