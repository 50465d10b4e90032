/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KUnit: a fake fabric and a fake device handler for driving scst_core's
 * command path end to end, through the bus, as a real target driver and
 * backend would (<scst/fabric.h>, <scst/handler.h>).
 *
 * The fake fabric "fake_fabric" is endpoint SCST_EP_TEST0; the fake handler
 * "fake_disk" (peripheral type 0) is SCST_EP_TEST1. Both log every message
 * they get, in arrival order, with what the test needs to check it (the
 * command's tag, status, sense, abort flags...). For each message type that
 * lends an object, a test chooses whether the fake answers at once (the
 * default) or holds the object until the test answers it: that is how
 * tests put commands in a known state and drive orderings and races.
 *
 * One fixture exists at a time (cf_fixture_init() in a suite's .init,
 * cf_fixture_exit() in its .exit). It registers both endpoints, the fabric,
 * the handler, CF_NR_DEVS devices (block size 512, 2048 blocks), a target
 * with LUN n -> device n (n < CF_NR_LUNS) in its default group, and
 * enables the target; sessions are added by the cases. Every wait is bounded by CF_WAIT_MS
 * and fails the case with what it waited for.
 */
#ifndef _SCST_KUNIT_CORE_FAKE_H
#define _SCST_KUNIT_CORE_FAKE_H

#include <kunit/test.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <scst/bus.h>
#include <scst/cmd.h>
#include <scst/fabric.h>
#include <scst/handler.h>
#include "../core-cmd/core.h"

#define CF_WAIT_MS		5000
/* How long a case watches for something that must not happen */
#define CF_QUIET_MS		200
#define CF_MAX_EVENTS		1024
#define CF_MAX_HELD		64
#define CF_MAX_SESS		4
#define CF_MAX_FAILS		8
/* LUN n -> device n for n < CF_NR_LUNS; the last device is for the cases */
#define CF_NR_DEVS		3
#define CF_NR_LUNS		2
#define CF_BLOCK_SHIFT		9
#define CF_NR_BLOCKS		2048
/* Response data kept per RESPOND event (REPORT LUNS, INQUIRY) */
#define CF_DATA_KEEP		64
#define CF_SENSE_KEEP		32
/* Tag of an event whose command the fake may not dereference */
#define CF_TAG_UNKNOWN		U64_MAX

/* Which fake received a message */
enum cf_side {
	CF_FABRIC,
	CF_HANDLER,
};

/* What a fake does with a message that lends it an object */
enum cf_mode {
	CF_AUTO,	/* answer at once */
	CF_HOLD,	/* keep it until the test answers */
};

/**
 * struct cf_event - one message a fake received
 * @seq:        its position in the log (0-based, over both fakes)
 * @side:       enum cf_side
 * @type:       enum scst_msg_type
 * @cmd, @tmf:  the object, as a pointer: compared, never dereferenced
 *              by the tests (it may be freed by the time they look)
 * @sess:       the command's or TMF's session; for SESS_GONE the
 *              fabric_priv it came back with
 * @tag, @lun:  the command's tag (CF_TAG_UNKNOWN when the fake did not
 *              hold the command CMD_ABORT names), or the TMF's id (the
 *              fabric_priv cf_tmf() gave it), and the LUN
 * @dev:        TMF_EXEC: the device the reset reached
 * @status:     the command's status at the message
 * @key, @asc, @ascq: decoded from the command's sense (0 without)
 * @sense:      its first CF_SENSE_KEEP bytes; @sense_len its length
 * @aborted, @send_status: the command's flags
 * @data_dir, @bufflen, @lba, @nr_blocks, @resp_len, @resid: the command's
 * @data_ok:    EXEC of a write: the buffer held the data the fabric
 *              received; RESPOND of a read: the data matched what the
 *              handler produced
 * @data:       RESPOND: the first CF_DATA_KEEP bytes of the data-in
 * @sg:         the command's buffer (BUF_FREE: the one freed)
 * @cookie:     the command's buf_cookie (BUF_FREE: the one given back)
 * @tmf_response, @additional: TMF_RESPOND: the TMF's
 * @priv:       SESS_GONE, TGT_GONE: fabric_priv
 * @task:       the task the fake ran in when it got the message
 */
struct cf_event {
	unsigned int seq;
	u8 side;
	u16 type;
	struct scst_cmd *cmd;
	struct scst_tmf *tmf;
	struct scst_session *sess;
	u64 tag;
	u64 lun;
	struct scst_device *dev;
	u8 status;
	u8 key, asc, ascq;
	u8 sense_len;
	u8 sense[CF_SENSE_KEEP];
	bool aborted;
	bool send_status;
	u8 data_dir;
	u32 bufflen;
	u64 lba;
	u32 nr_blocks;
	u32 resp_len;
	s32 resid;
	bool data_ok;
	u8 data[CF_DATA_KEEP];
	void *sg;
	u64 cookie;
	u8 tmf_response;
	u8 additional[3];
	void *priv;
	struct task_struct *task;
};

/*
 * An object a fake holds for the test: the message that lent it, and its
 * tag (a TMF's: its id), read while it was lent.
 */
struct cf_held {
	u8 side;
	u16 type;
	u64 tag;
	struct scst_session *sess;
	struct scst_msg msg;
	/* the handler got CMD_ABORT for it while holding it */
	bool abort_seen;
};

/* The handler ends the command with this tag with CHECK CONDITION */
struct cf_fail {
	u64 tag;
	u8 key;
	u16 code;		/* ASC << 8 | ASCQ */
	/* at CMD_PARSE instead of CMD_EXEC */
	bool at_parse;
};

struct cf_fixture {
	struct kunit *test;

	struct scst_endpoint fabric_ep;
	struct scst_endpoint handler_ep;
	struct scst_fabric_ops fabric_ops;
	struct scst_handler_ops handler_ops;
	bool fabric_ep_registered, handler_ep_registered;
	bool fabric_registered, handler_registered;

	struct scst_device *devs[CF_NR_DEVS];
	bool dev_enabled[CF_NR_DEVS];
	struct scst_tgt *tgt;
	bool tgt_gone;

	struct scst_session *sess[CF_MAX_SESS];
	bool sess_gone[CF_MAX_SESS];
	/* fabric_priv of session i is &sess_priv[i] */
	u8 sess_priv[CF_MAX_SESS];

	/* What the fakes do; change only while nothing is in flight */
	u8 mode[SCST_MSG_NR];
	/*
	 * A fake answers a command it holds as soon as CMD_ABORT names it
	 * (a held XFER then ends with @xfer_abort_error)
	 */
	bool answer_on_abort;
	int xfer_abort_error;
	/* the handler replies to EXEC with scst_cmd_exec_done_drain() */
	bool exec_drain;
	/* fabric_priv of the next TMF: its id in the log */
	u64 next_tmf_id;

	spinlock_t lock;		/* protects what follows */
	struct cf_event events[CF_MAX_EVENTS];
	unsigned int nr_events;
	unsigned int lost_events;
	unsigned int next_seq;
	struct cf_held held[CF_MAX_HELD];
	unsigned int nr_held;
	struct cf_fail fails[CF_MAX_FAILS];
	unsigned int nr_fails;
	/* handler-allocated buffers not yet given back by BUF_FREE */
	unsigned int bufs_out;
	wait_queue_head_t wq;
};

/* Fixture */
int cf_fixture_init(struct kunit *test, unsigned int handler_flags);
void cf_fixture_exit(struct kunit *test);
/* Start the case over with a handler of other SCST_HANDLER_* flags */
struct cf_fixture *cf_fixture_reinit(struct kunit *test,
				     unsigned int handler_flags);

struct scst_session *cf_sess_add(struct cf_fixture *fx, unsigned int idx,
				 const char *initiator);
void cf_sess_remove(struct cf_fixture *fx, unsigned int idx);
/* Did SESS_GONE of session @idx come (waiting up to @ms for it)? */
bool cf_wait_sess_gone(struct cf_fixture *fx, unsigned int idx,
		       unsigned int ms);
int cf_lun_add(struct cf_fixture *fx, struct scst_acg *acg, u64 lun,
	       unsigned int dev_idx, bool read_only);
int cf_lun_del(struct cf_fixture *fx, struct scst_acg *acg, u64 lun);
struct scst_acg *cf_acg_add(struct cf_fixture *fx, const char *name,
			    const char *pattern);

/* Commands */
struct scst_cmd *cf_cmd(struct cf_fixture *fx, struct scst_session *sess,
			u64 lun, const u8 *cdb, unsigned int cdb_len, u64 tag,
			u8 task_attr, u32 expected_len);
struct scst_cmd *cf_submit(struct cf_fixture *fx, struct scst_session *sess,
			   u64 lun, const u8 *cdb, unsigned int cdb_len,
			   u64 tag, u8 task_attr, u32 expected_len);
void cf_cdb_rw10(u8 *cdb, bool write, u32 lba, u16 blocks);
void cf_cdb_tur(u8 *cdb);
struct scst_cmd *cf_read(struct cf_fixture *fx, struct scst_session *sess,
			 u64 lun, u64 tag, u8 task_attr, u32 lba, u16 blocks);
struct scst_cmd *cf_write(struct cf_fixture *fx, struct scst_session *sess,
			  u64 lun, u64 tag, u8 task_attr, u32 lba, u16 blocks);
struct scst_cmd *cf_tur(struct cf_fixture *fx, struct scst_session *sess,
			u64 lun, u64 tag, u8 task_attr);
/* A fresh TMF id: set it as the TMF's fabric_priv */
u64 cf_tmf_new_id(struct cf_fixture *fx);
/* Submit a TMF; returns its id, the tag of its events */
u64 cf_tmf(struct cf_fixture *fx, struct scst_session *sess,
	   enum scst_tmf_fn fn, u64 lun, u64 tag);
u8 cf_pattern(u64 lba, u32 off);
/* @code: ASC << 8 | ASCQ */
void cf_fail_tag(struct cf_fixture *fx, u64 tag, u8 key, u16 code,
		 bool at_parse);

/* Run a command and return its RESPOND event */
struct cf_event cf_run(struct cf_fixture *fx, struct scst_session *sess,
		       u64 lun, const u8 *cdb, unsigned int cdb_len, u64 tag,
		       u8 task_attr, u32 expected_len);
/*
 * TEST UNIT READY (tags from *@tag on) until GOOD: consume the pending
 * unit attentions, and return how many there were, with the first @max
 * as ASC << 8 | ASCQ in @uas
 */
unsigned int cf_collect_uas(struct cf_fixture *fx, struct scst_session *sess,
			    u64 lun, u64 *tag, u16 *uas, unsigned int max);
void cf_clear_ua(struct cf_fixture *fx, struct scst_session *sess, u64 lun,
		 u64 *tag);
bool cf_has_ua(const u16 *uas, unsigned int n, u16 code);

/* The log */
unsigned int cf_count(struct cf_fixture *fx, int side, u16 type);
unsigned int cf_count_tag(struct cf_fixture *fx, struct scst_session *sess,
			  u16 type, u64 tag);
void cf_wait_count(struct cf_fixture *fx, int side, u16 type, unsigned int n,
		   const char *what);
struct cf_event cf_wait_tag(struct cf_fixture *fx, struct scst_session *sess,
			    u16 type, u64 tag);
bool cf_quiet(struct cf_fixture *fx, struct scst_session *sess, u16 type,
	      u64 tag, unsigned int ms);
bool cf_find(struct cf_fixture *fx, struct scst_session *sess, u16 type,
	     u64 tag, struct cf_event *ev);
unsigned int cf_tag_types(struct cf_fixture *fx, struct scst_session *sess,
			  u64 tag, u16 *types, unsigned int max);
/* CMD_ABORT notices naming @cmd (by pointer) logged between two events */
unsigned int cf_count_abort_ptr(struct cf_fixture *fx, u16 side,
				struct scst_cmd *cmd, unsigned int after_seq,
				unsigned int before_seq);
void cf_log_reset(struct cf_fixture *fx);
void cf_log_dump(struct cf_fixture *fx);

/* Held objects */
void cf_set_mode(struct cf_fixture *fx, u16 type, enum cf_mode mode);
unsigned int cf_nr_held(struct cf_fixture *fx, u16 type);
struct scst_cmd *cf_held_cmd(struct cf_fixture *fx, u16 type, u64 tag);
bool cf_take(struct cf_fixture *fx, u16 type, u64 tag, struct cf_held *out);
void cf_answer(struct cf_fixture *fx, u16 type, u64 tag);
void cf_answer_held(struct cf_fixture *fx, struct cf_held *h);
void cf_answer_all(struct cf_fixture *fx);
bool cf_abort_seen(struct cf_fixture *fx, u16 type, u64 tag);

/* Core state */
unsigned int cf_sess_nr_cmds(struct scst_session *sess);
void cf_wait_idle(struct cf_fixture *fx);
long cf_core_refs_out(void);

#endif /* _SCST_KUNIT_CORE_FAKE_H */
