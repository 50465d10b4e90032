/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG bus: the API modules use to register endpoints and send messages.
 * The messages themselves are declared in <scst/msg.h>.
 *
 * Guarantees (each is named by a test in kunit/bus_test.c):
 *
 * - No loss: scst_bus_send() either queues the message, and it will be
 *   delivered exactly once, or returns an error (bad header, endpoint shut
 *   down, or no memory left for a spill with the ring full and the
 *   endpoint's spill reserve used up). It never sleeps and may be called from
 *   any context, hard IRQ and IRQs-disabled included.
 * - Order: messages sent from one CPU to one endpoint are delivered in the
 *   order they were sent (FIFO per sending CPU and destination). A ring is
 *   consumed by one thread at a time, so a handler for a message finishes
 *   before the handler for the next message from the same CPU starts, on
 *   sleeping endpoints too. Messages from different CPUs are not ordered.
 * - Run to completion: a handler is never called from inside another
 *   handler, and an endpoint sees a message one of its handlers sent it
 *   only after that handler returned (pools included: such messages are
 *   held until the handler returns). Messages to other endpoints may be
 *   handled at once, by another CPU or pool.
 * - Context: handlers of ordinary endpoints run on the CPU the message was
 *   sent from, with preemption disabled, in that CPU's bus thread or in a
 *   sender that called scst_bus_send_drain(); they must not sleep. Handlers
 *   of SCST_EP_SLEEPS endpoints run in that endpoint's own thread pool and
 *   may sleep.
 * - Handshake: scst_bus_unregister() returns only when nothing is queued for
 *   the endpoint and every reference it lent has come back, or reports what
 *   is still out after a bound and fails.
 */
#ifndef _SCST_BUS_H
#define _SCST_BUS_H

#include <linux/build_bug.h>
#include <linux/kernel.h>
#include <scst/msg.h>

struct scst_endpoint;
struct scst_ep_state;

/*
 * A handler gets a pointer into the ring slot: valid only until it returns.
 * Copy what must outlive the call.
 */
typedef void (*scst_msg_handler_t)(struct scst_endpoint *ep,
				   const struct scst_msg *msg);

/*
 * Declare an endpoint's handler table: designated initializers indexed by
 * message type, e.g.
 *
 *	static const SCST_HANDLERS(core_handlers) = {
 *		[SCST_MSG_PING] = core_ping,
 *	};
 *
 * and hand it to the endpoint with SCST_EP_HANDLERS(core_handlers), which
 * fails the build unless the table has exactly one slot per message type.
 */
#define SCST_HANDLERS(name)	scst_msg_handler_t name[SCST_MSG_NR]
#define SCST_EP_HANDLERS(tbl)						\
	((tbl) + BUILD_BUG_ON_ZERO(sizeof(tbl) !=			\
				   sizeof(scst_msg_handler_t[SCST_MSG_NR])))

/* Endpoint flags */
#define SCST_EP_SLEEPS		0x1	/* handlers may sleep: own thread pool */

/**
 * struct scst_endpoint - a subsystem's presence on the bus
 * @name:       for logs, debugfs and threads ("core", "vdisk", ...)
 * @id:         its fixed address (enum scst_ep_id)
 * @handlers:   SCST_EP_HANDLERS(table)
 * @flags:      SCST_EP_*
 * @nr_threads: pool size for SCST_EP_SLEEPS endpoints; 0 means one thread per
 *              online CPU
 * @ring_order: log2 of the ring slots per CPU; 0 means the bus default
 * @unregister_timeout_ms: bound on each wait in scst_bus_unregister(); 0
 *              means the bus default
 * @state:      owned by the bus while registered
 *
 * The owner fills in the fields above @state, registers, and keeps the
 * struct alive until scst_bus_unregister() has returned 0.
 */
struct scst_endpoint {
	const char *name;
	enum scst_ep_id id;
	const scst_msg_handler_t *handlers;
	unsigned int flags;
	unsigned int nr_threads;
	unsigned int ring_order;
	unsigned int unregister_timeout_ms;

	struct scst_ep_state *state;
};

/**
 * struct scst_bus_counters - an endpoint's counters, summed over CPUs
 * @sent:           messages queued to it (or answered calls)
 * @delivered:      handlers called for it (or calls answered)
 * @queued:         messages waiting in its rings and spill lists now
 * @refs_out:       references it lent that have not come back
 * @spills:         messages that found a ring full
 * @spill_failures: sends that failed with the ring full and no memory
 * @unhandled:      messages of a type it has no handler for, dropped
 * @late_replies:   call replies that came after the caller gave up
 */
struct scst_bus_counters {
	u64 sent;
	u64 delivered;
	unsigned int queued;
	long refs_out;
	u64 spills;
	u64 spill_failures;
	u64 unhandled;
	u64 late_replies;
};

void scst_bus_get_counters(struct scst_endpoint *ep,
			   struct scst_bus_counters *c);

int scst_bus_register(struct scst_endpoint *ep);
int scst_bus_unregister(struct scst_endpoint *ep);

int scst_bus_send(const struct scst_msg *msg);
int scst_bus_send_drain(const struct scst_msg *msg);
int scst_bus_send_batch(const struct scst_msg *msgs, unsigned int nr);
int scst_bus_drain(void);
bool scst_bus_in_handler(void);

int scst_bus_request(struct scst_msg *msg);
int scst_bus_reply(const struct scst_msg *req, struct scst_msg *reply);
int scst_bus_call(struct scst_msg *req, struct scst_msg *reply,
		  unsigned int timeout_ms);

const char *scst_msg_name(unsigned int type);
const char *scst_ep_name(unsigned int id);

#endif /* _SCST_BUS_H */
