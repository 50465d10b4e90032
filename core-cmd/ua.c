// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: unit attention conditions, one queue per I_T_L nexus
 * (SAM-5 5.14).
 *
 * A queue holds at most CORE_UA_MAX conditions, oldest first. A condition
 * already queued (same sense key, ASC and ASCQ) is not queued twice: the
 * initiator learns nothing new from a second copy. When the queue is full
 * the oldest condition is dropped to make room, because the newest one
 * describes the current state of the logical unit best.
 *
 * Each core_tgt_dev's queue has its own leaf spinlock, td->ua_lock, taken
 * with interrupts saved. It nests inside sess->lock and inside dev->lock,
 * so that a UA can be raised on every nexus of a device while walking the
 * device's list under dev->lock, without taking any session's lock there
 * (that would be sess->lock inside dev->lock: the wrong order).
 */
#include <kunit/visibility.h>
#include <linux/slab.h>
#include "core.h"

/* Set up the queue of a new core_tgt_dev before it is published. */
void core_ua_init(struct core_tgt_dev *td)
{
	spin_lock_init(&td->ua_lock);
	INIT_LIST_HEAD(&td->uas);
	td->nr_uas = 0;
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_init);

static struct core_ua *core_ua_find(struct core_tgt_dev *td, u8 key, u8 asc,
				    u8 ascq)
{
	struct core_ua *ua;

	lockdep_assert_held(&td->ua_lock);
	list_for_each_entry(ua, &td->uas, node)
		if (ua->key == key && ua->asc == asc && ua->ascq == ascq)
			return ua;
	return NULL;
}

/**
 * core_ua_add() - establish a unit attention condition on one I_T_L nexus
 * @td:   the nexus
 * @key:  sense key (SCST_KEY_UNIT_ATTENTION for a UA)
 * @asc:  additional sense code
 * @ascq: additional sense code qualifier
 *
 * Any context but hard IRQ; takes only td->ua_lock.
 */
void core_ua_add(struct core_tgt_dev *td, u8 key, u8 asc, u8 ascq)
{
	struct core_ua *ua, *fresh;
	unsigned long flags;

	/*
	 * Allocate before locking: a full queue recycles its oldest entry
	 * instead, so this memory is then freed unused.
	 */
	fresh = kmalloc(sizeof(*fresh), GFP_ATOMIC);

	spin_lock_irqsave(&td->ua_lock, flags);
	if (core_ua_find(td, key, asc, ascq)) {
		spin_unlock_irqrestore(&td->ua_lock, flags);
		kfree(fresh);
		return;
	}
	if (td->nr_uas >= CORE_UA_MAX) {
		ua = list_first_entry(&td->uas, struct core_ua, node);
		list_del(&ua->node);
		td->nr_uas--;
		core_warn("LUN %llu: %u unit attentions pending, dropping the oldest (%02x/%02x/%02x) for %02x/%02x/%02x\n",
			  td->tgt_dev.lun, CORE_UA_MAX, ua->key, ua->asc,
			  ua->ascq, key, asc, ascq);
	} else if (fresh) {
		ua = fresh;
		fresh = NULL;
	} else {
		spin_unlock_irqrestore(&td->ua_lock, flags);
		core_warn("LUN %llu: out of memory, unit attention %02x/%02x/%02x lost\n",
			  td->tgt_dev.lun, key, asc, ascq);
		return;
	}
	ua->key = key;
	ua->asc = asc;
	ua->ascq = ascq;
	list_add_tail(&ua->node, &td->uas);
	td->nr_uas++;
	spin_unlock_irqrestore(&td->ua_lock, flags);
	kfree(fresh);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_add);

/**
 * core_ua_add_dev() - establish a UA on every I_T_L nexus of a device
 * @cdev:   the device
 * @except: a nexus to skip (the one whose command caused the condition),
 *          or NULL
 * @key:    sense key
 * @asc:    additional sense code
 * @ascq:   additional sense code qualifier
 *
 * Takes cdev->lock, then each nexus's ua_lock; never a session's lock.
 */
void core_ua_add_dev(struct core_dev *cdev, struct core_tgt_dev *except,
		     u8 key, u8 asc, u8 ascq)
{
	struct core_tgt_dev *td;

	spin_lock_bh(&cdev->lock);
	list_for_each_entry(td, &cdev->tgt_devs, dev_node)
		if (td != except)
			core_ua_add(td, key, asc, ascq);
	spin_unlock_bh(&cdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_add_dev);

/**
 * core_ua_add_tgt() - establish a UA on every I_T_L nexus of a target
 * @tgt:  the target
 * @key:  sense key
 * @asc:  additional sense code
 * @ascq: additional sense code qualifier
 *
 * Caller holds core_cfg_mutex, so no session leaves @tgt and no LUN table
 * changes meanwhile: every core_tgt_dev found stays valid.
 */
void core_ua_add_tgt(struct scst_tgt *tgt, u8 key, u8 asc, u8 ascq)
{
	struct scst_session *sess;
	struct core_tgt_dev *td;
	unsigned long lun;

	lockdep_assert_held(&core_cfg_mutex);
	list_for_each_entry(sess, &tgt->sessions, tgt_node)
		xa_for_each(&sess->tgt_devs, lun, td)
			core_ua_add(td, key, asc, ascq);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_add_tgt);

static bool core_ua_first(struct core_tgt_dev *td, bool take, u8 *key,
			  u8 *asc, u8 *ascq)
{
	struct core_ua *ua;
	unsigned long flags;

	/*
	 * Every command asks, and almost none finds one: skip the lock when
	 * the list is empty. A UA queued concurrently is as good as queued
	 * after this command arrived; one queued before it (a TMF's, a
	 * capacity change's) was published by the lock of the path that
	 * brought this command here.
	 */
	if (list_empty_careful(&td->uas))
		return false;
	spin_lock_irqsave(&td->ua_lock, flags);
	ua = list_first_entry_or_null(&td->uas, struct core_ua, node);
	if (!ua) {
		spin_unlock_irqrestore(&td->ua_lock, flags);
		return false;
	}
	*key = ua->key;
	*asc = ua->asc;
	*ascq = ua->ascq;
	if (take) {
		list_del(&ua->node);
		td->nr_uas--;
	}
	spin_unlock_irqrestore(&td->ua_lock, flags);
	if (take)
		kfree(ua);
	return true;
}

/* Remove the oldest pending UA into *key, *asc, *ascq; false if none. */
bool core_ua_take(struct core_tgt_dev *td, u8 *key, u8 *asc, u8 *ascq)
{
	return core_ua_first(td, true, key, asc, ascq);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_take);

/* Read the oldest pending UA without removing it; false if none. */
bool core_ua_peek(struct core_tgt_dev *td, u8 *key, u8 *asc, u8 *ascq)
{
	return core_ua_first(td, false, key, asc, ascq);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_peek);

/* Remove every pending UA of @td with this ASC and ASCQ, whatever its key. */
void core_ua_clear(struct core_tgt_dev *td, u8 asc, u8 ascq)
{
	struct core_ua *ua, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&td->ua_lock, flags);
	list_for_each_entry_safe(ua, tmp, &td->uas, node) {
		if (ua->asc != asc || ua->ascq != ascq)
			continue;
		list_move(&ua->node, &gone);
		td->nr_uas--;
	}
	spin_unlock_irqrestore(&td->ua_lock, flags);
	list_for_each_entry_safe(ua, tmp, &gone, node)
		kfree(ua);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_clear);

/*
 * Remove a UA from every LUN a session reaches (REPORT LUNS clears
 * REPORTED LUNS DATA HAS CHANGED). Any context: the LUN table is read
 * under RCU, and a core_tgt_dev is freed only after a grace period.
 */
void core_ua_clear_sess(struct scst_session *sess, u8 asc, u8 ascq)
{
	struct core_tgt_dev *td;
	unsigned long lun;

	rcu_read_lock();
	xa_for_each(&sess->tgt_devs, lun, td)
		if (!READ_ONCE(td->gone))
			core_ua_clear(td, asc, ascq);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_clear_sess);

/* Free every pending UA of a core_tgt_dev that is being freed. */
void core_ua_free_all(struct core_tgt_dev *td)
{
	struct core_ua *ua, *tmp;
	unsigned long flags;
	LIST_HEAD(gone);

	spin_lock_irqsave(&td->ua_lock, flags);
	list_splice_init(&td->uas, &gone);
	td->nr_uas = 0;
	spin_unlock_irqrestore(&td->ua_lock, flags);
	list_for_each_entry_safe(ua, tmp, &gone, node)
		kfree(ua);
}
EXPORT_SYMBOL_IF_KUNIT(core_ua_free_all);
