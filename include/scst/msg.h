/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG bus protocol: the one place that says which modules talk, with
 * which messages, and who owns what while a message is in flight.
 *
 * A message is one 64-byte cache line: a 16-byte header and a 48-byte typed
 * payload, copied into the destination endpoint's ring, so a sender may build
 * it on its stack. Every type below has a line saying who sends it, who
 * receives it and which reference it carries:
 *
 *   "lends <obj>"   the message carries SCST_MSG_F_REF: the sender's endpoint
 *                   counts one reference out for this type until a message
 *                   with SCST_MSG_F_REF_RETURN and ref_type set to this type
 *                   comes back to it. An endpoint cannot finish unregistering
 *                   while any is out.
 *   "returns <obj>" the message carries SCST_MSG_F_REF_RETURN.
 *   "no reference"  the payload holds values only.
 *
 * SGV buffers of owner-supplied memory (SGV_*): a pool created for an owner
 * endpoint maps memory that owner supplies (scst_sgv_owner_ops.get_pages(),
 * called from scst_sgv_alloc() in the owner's own context on a cache miss).
 * From then until it sends SGV_RELEASED, the pool holds that memory: while
 * a command uses the buffer, while it sits in the cache, and while its
 * notice waits to be sent. That hold is not a bus reference: it was not
 * lent by a message, so the bus never counted it, and SGV_RELEASED does not
 * carry SCST_MSG_F_REF_RETURN (it would take from the owner's refs_out a
 * reference that was never added there). mem-pool keeps the count instead,
 * so "who still holds this?" has an answer at every moment:
 * scst_sgv_owner_held() and /sys/kernel/debug/scst/sgv/ give, per owner and
 * per pool, the buffers in use, cached and with their notice not yet sent;
 * each SGV_FLUSH_DONE carries how many notices were committed to the owner
 * so far. An owner therefore stays registered until it has seen
 * SGV_RELEASED for everything it supplied: while it unregisters, the bus
 * refuses new messages to it, and mem-pool keeps the notice and retries.
 */
#ifndef _SCST_MSG_H
#define _SCST_MSG_H

#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <linux/types.h>

/*
 * Endpoints: one per subsystem, with a fixed id so that every message's
 * route is visible here. Ids are added as the modules that own them land.
 */
enum scst_ep_id {
	/* mem-pool (scst_sgv): SGV buffer pools, flush requests */
	SCST_EP_SGV,
	/* core-cmd (scst_core): the SCSI target core */
	SCST_EP_CORE,
	/* dev-vdisk (scst_vdisk): vdisk_nullio, and I/O completions; never sleeps */
	SCST_EP_VDISK,
	/* dev-vdisk: vdisk_fileio, vdisk_blockio, vcdrom; a thread pool (sleeps) */
	SCST_EP_VDISK_IO,
	/* tgt-local (scst_local): the local SCSI host fabric */
	SCST_EP_LOCAL,
	/*
	 * dev-user (scst_user): user-space devices; never sleeps (work for
	 * user space is queued to the device, and replies come in ioctls)
	 */
	SCST_EP_USER,

	/* KUnit suites and bench modules; never used by production code */
	SCST_EP_TEST0,
	SCST_EP_TEST1,
	SCST_EP_TEST2,
	SCST_EP_TEST3,

	SCST_EP_NR,
};

/* Message types (order is free; the ABI is in-kernel only). */
enum scst_msg_type {
	/* any -> any: liveness request, answered by PONG; no reference */
	SCST_MSG_PING,
	/* any -> sender of PING: reply, echoes the payload; no reference */
	SCST_MSG_PONG,
	/* test/bench -> test/bench: sequence-numbered data; no reference */
	SCST_MSG_TEST_DATA,
	/* test -> test: request; lends the test object when F_REF is set */
	SCST_MSG_TEST_REQ,
	/* test -> sender of TEST_REQ: reply; returns the object it lent */
	SCST_MSG_TEST_REPLY,
	/* owner -> sgv: release every cached buffer of the owner's pools; no reference */
	SCST_MSG_SGV_FLUSH,
	/* sgv -> owner: a buffer of the owner's memory is released {cookie}; no bus reference */
	SCST_MSG_SGV_RELEASED,
	/* sgv -> owner: flush done, sent after the flush's every SGV_RELEASED; no reference */
	SCST_MSG_SGV_FLUSH_DONE,

	/*
	 * The command path (<scst/cmd.h>, <scst/fabric.h>, <scst/handler.h>).
	 * "lends cmd": SCST_MSG_F_REF from the core; the reply returns it.
	 */
	/* fabric -> core: a new command {cmd}; hands it to the core; no reference */
	SCST_MSG_CMD_NEW,
	/* core -> handler: parse the CDB {cmd}; lends cmd */
	SCST_MSG_CMD_PARSE,
	/* handler -> core: reply to CMD_PARSE {cmd}; returns cmd */
	SCST_MSG_CMD_PARSED,
	/* core -> handler: supply the data buffer {cmd}; lends cmd */
	SCST_MSG_CMD_ALLOC_BUF,
	/* handler -> core: reply to CMD_ALLOC_BUF {cmd, error}; returns cmd */
	SCST_MSG_CMD_BUF_READY,
	/* core -> fabric: receive the write data into cmd->sg {cmd}; lends cmd */
	SCST_MSG_CMD_XFER,
	/* fabric -> core: reply to CMD_XFER {cmd, error}; returns cmd */
	SCST_MSG_CMD_XFER_DONE,
	/* core -> handler: execute {cmd}; lends cmd */
	SCST_MSG_CMD_EXEC,
	/* handler -> core: reply to CMD_EXEC, outcome in cmd {cmd}; returns cmd */
	SCST_MSG_CMD_EXEC_DONE,
	/* core -> fabric: send the response (or nothing if aborted) {cmd}; lends cmd */
	SCST_MSG_CMD_RESPOND,
	/* fabric -> core: reply to CMD_RESPOND; the core frees cmd {cmd}; returns cmd */
	SCST_MSG_CMD_RESPONDED,
	/* core -> fabric or handler: a cmd it holds was aborted {cmd}; no reference */
	SCST_MSG_CMD_ABORT,
	/* core -> handler: its buffer is unused {sg, buf_cookie}; no reference */
	SCST_MSG_CMD_BUF_FREE,
	/* fabric -> core: a new TMF {tmf}; hands it to the core; no reference */
	SCST_MSG_TMF_NEW,
	/* core -> handler: a reset reached its device {tmf, dev}; lends tmf */
	SCST_MSG_TMF_EXEC,
	/* handler -> core: reply to TMF_EXEC {tmf, error}; returns tmf */
	SCST_MSG_TMF_EXEC_DONE,
	/* core -> fabric: send tmf->response {tmf}; lends tmf */
	SCST_MSG_TMF_RESPOND,
	/* fabric -> core: reply to TMF_RESPOND; the core frees tmf {tmf}; returns tmf */
	SCST_MSG_TMF_RESPONDED,
	/* core -> handler: a session reaches a device {tgt_dev}; lends tgt_dev */
	SCST_MSG_SESS_ATTACH,
	/* handler -> core: reply to SESS_ATTACH {tgt_dev, error}; returns tgt_dev */
	SCST_MSG_SESS_ATTACHED,
	/* core -> handler: a session no longer reaches a device {tgt_dev}; lends tgt_dev */
	SCST_MSG_SESS_DETACH,
	/* handler -> core: reply to SESS_DETACH {tgt_dev}; returns tgt_dev */
	SCST_MSG_SESS_DETACHED,
	/* core -> fabric: a session is unregistered and freed {fabric_priv}; no reference */
	SCST_MSG_SESS_GONE,
	/* core -> fabric: a target is unregistered and freed {fabric_priv}; no reference */
	SCST_MSG_TGT_GONE,
	/*
	 * core -> fabric: a live session's LUN set changed (REPORTED LUNS DATA
	 * HAS CHANGED is queued too) {fabric_priv}; no reference: it may
	 * arrive after SESS_GONE, so match fabric_priv against live sessions
	 */
	SCST_MSG_SESS_LUNS_CHANGED,
	/*
	 * dev-vdisk -> dev-vdisk: a backing-store I/O ended, from whatever
	 * context its completion ran in (bio end_io, ki_complete) {cmd, error};
	 * no reference: the command stays lent to the handler
	 */
	SCST_MSG_VDISK_IO_DONE,
	/*
	 * core -> handler (SCST_HANDLER_DEV_UNUSED): the last LUN naming a
	 * device it registered by code is gone {dev}; no reference: match
	 * dev against the handler's own devices before using it
	 */
	SCST_MSG_DEV_UNUSED,

	SCST_MSG_NR,
};

/* Header flags */
#define SCST_MSG_F_REQUEST	0x0001	/* a reply with this cookie is expected */
#define SCST_MSG_F_REPLY	0x0002	/* answers the request with this cookie */
#define SCST_MSG_F_REF		0x0004	/* lends a reference owned by src */
#define SCST_MSG_F_REF_RETURN	0x0008	/* returns a reference lent by dst */

/* Payload of PING, PONG and the test messages */
struct scst_msg_test {
	u64 seq;		/* per-producer sequence number */
	u32 producer;		/* which producer sent it */
	u32 cpu;		/* CPU it was sent from */
	void *obj;		/* object lent with TEST_REQ */
	u64 arg[3];
};

/* Why mem-pool released a buffer (struct scst_msg_sgv.cause) */
enum scst_sgv_cause {
	SCST_SGV_REL_PURGE,	/* unused for the pool's purge interval */
	SCST_SGV_REL_SHRINK,	/* memory pressure: the shrinker */
	SCST_SGV_REL_LIMIT,	/* room for an allocation over a limit */
	SCST_SGV_REL_FLUSH,	/* SGV_FLUSH or scst_sgv_pool_flush() */
	SCST_SGV_REL_DESTROY,	/* its pool was destroyed */
	SCST_SGV_REL_UNCACHED,	/* freed, and the pool does not cache it */
	SCST_SGV_REL_NR,
};

/**
 * struct scst_msg_sgv - payload of SGV_FLUSH, SGV_RELEASED, SGV_FLUSH_DONE
 * @cookie:  RELEASED: the owner's cookie recorded with the buffer (which of
 *           the owner's objects the memory belongs to)
 * @pool:    the struct scst_sgv_pool concerned; FLUSH: NULL for every pool
 *           of @owner. Only compared against mem-pool's list of pools,
 *           never dereferenced unchecked.
 * @notices: FLUSH_DONE: SGV_RELEASED notices committed to @owner so far, this
 *           flush's included. Those of this flush are delivered before
 *           FLUSH_DONE (sent from one handler invocation, on one CPU, so FIFO
 *           per sending CPU and destination orders them); one that another
 *           cause (purge, shrinker) committed on another CPU just before may
 *           still be in flight: the owner has them all once it has counted
 *           this many.
 * @count:   RELEASED: pages in the buffer; FLUSH_DONE: buffers released by
 *           this flush
 * @in_use:  FLUSH_DONE: buffers of @owner still allocated (not cached, so
 *           not flushed); each gets its own RELEASED once freed and released
 * @status:  FLUSH_DONE: 0, or -errno when the flush was refused
 * @owner:   the owner endpoint (FLUSH: must be the sender)
 * @cause:   RELEASED: enum scst_sgv_cause
 */
struct scst_msg_sgv {
	u64 cookie;
	void *pool;
	u64 notices;
	u32 count;
	u32 in_use;
	s32 status;
	u8 owner;
	u8 cause;
};

struct scst_cmd;
struct scst_tmf;
struct scst_device;
struct scst_tgt_dev;

/**
 * struct scst_msg_cmd - payload of SCST_MSG_CMD_* and SCST_MSG_TMF_*
 * @cmd:        the command (CMD_*)
 * @tmf:        the task management function (TMF_*)
 * @dev:        TMF_EXEC: which of the handler's devices the reset reached
 * @sg:         CMD_BUF_FREE: the buffer the handler supplied
 * @buf_cookie: CMD_BUF_FREE: the cookie the handler set with it;
 *              CMD_ABORT: the command's id (struct scst_cmd.id)
 * @error:      replies: 0, or -errno when the step failed (the core ends
 *              the command with a CHECK CONDITION that says so)
 */
struct scst_msg_cmd {
	struct scst_cmd *cmd;
	struct scst_tmf *tmf;
	struct scst_device *dev;
	void *sg;
	u64 buf_cookie;
	s32 error;
};

/**
 * struct scst_msg_sess - payload of SCST_MSG_SESS_* and SCST_MSG_TGT_GONE
 * @tgt_dev:     ATTACH, ATTACHED, DETACH, DETACHED: the I_T_L nexus
 * @fabric_priv: SESS_GONE, TGT_GONE, SESS_LUNS_CHANGED: what the fabric
 *               registered it with
 * @error:       ATTACHED: 0, or -errno to refuse the session the device
 */
struct scst_msg_sess {
	struct scst_tgt_dev *tgt_dev;
	void *fabric_priv;
	s32 error;
};

#define SCST_MSG_PAYLOAD_SIZE	48

/**
 * struct scst_msg - one bus message, one cache line
 * @type:     enum scst_msg_type
 * @flags:    SCST_MSG_F_*
 * @src:      sending endpoint (enum scst_ep_id); replies go back to it
 * @dst:      receiving endpoint (enum scst_ep_id)
 * @ref_type: with SCST_MSG_F_REF_RETURN, the type of the message that lent
 *            the reference being returned
 * @cookie:   request/reply match, set by scst_bus_request()
 * @test:     payload of PING, PONG and the TEST_* types
 * @sgv:      payload of the SGV_* types
 * @cmd:      payload of the CMD_* and TMF_* types
 * @sess:     payload of the SESS_* and TGT_* types
 * @raw:      the payload as words (tracing, copying)
 */
struct scst_msg {
	u16 type;
	u16 flags;
	u8 src;
	u8 dst;
	u16 ref_type;
	u64 cookie;
	union {
		struct scst_msg_test test;
		struct scst_msg_sgv sgv;
		struct scst_msg_cmd cmd;
		struct scst_msg_sess sess;
		u64 raw[SCST_MSG_PAYLOAD_SIZE / sizeof(u64)];
	};
} __aligned(64);

static_assert(sizeof(struct scst_msg) == 64);
static_assert(offsetof(struct scst_msg, raw) == 64 - SCST_MSG_PAYLOAD_SIZE);
static_assert(sizeof(struct scst_msg_test) <= SCST_MSG_PAYLOAD_SIZE);
static_assert(sizeof(struct scst_msg_sgv) <= SCST_MSG_PAYLOAD_SIZE);
static_assert(sizeof(struct scst_msg_cmd) <= SCST_MSG_PAYLOAD_SIZE);
static_assert(sizeof(struct scst_msg_sess) <= SCST_MSG_PAYLOAD_SIZE);

/* Build a message header; the payload is left zeroed. */
static inline void scst_msg_init(struct scst_msg *msg, enum scst_msg_type type,
				 enum scst_ep_id src, enum scst_ep_id dst)
{
	*msg = (struct scst_msg){
		.type = type,
		.src = src,
		.dst = dst,
	};
}

#endif /* _SCST_MSG_H */
