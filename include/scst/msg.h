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
		u64 raw[SCST_MSG_PAYLOAD_SIZE / sizeof(u64)];
	};
} __aligned(64);

static_assert(sizeof(struct scst_msg) == 64);
static_assert(offsetof(struct scst_msg, raw) == 64 - SCST_MSG_PAYLOAD_SIZE);
static_assert(sizeof(struct scst_msg_test) <= SCST_MSG_PAYLOAD_SIZE);

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
