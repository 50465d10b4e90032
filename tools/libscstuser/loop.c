// SPDX-License-Identifier: GPL-2.0
/*
 * libscstuser: the get/reply loop of one worker.
 *
 * REPLY_AND_GET_MULTI: the replies to the previous batch go in with the
 * call, and the kernel says in replies_done how many it took. When the
 * call fails (EINTR, EAGAIN, or a reply it refused) no commands come back
 * and the replies from replies_done on have not been delivered: they are
 * sent again by the next call, from where the kernel stopped. A reply the
 * kernel refuses (it is at index replies_done of a failed call) is logged
 * and dropped, so one bad reply cannot wedge the loop.
 *
 * REPLY_AND_GET_CMD: the kernel delivers the reply before it waits for
 * the next command, so EINTR and EAGAIN (which come from the wait) mean
 * the reply was taken; any other error means it was refused.
 *
 * Reply slots stay where they are until the next successful call, so the
 * sense buffers they point to (in struct scstu_req) stay valid.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <string.h>

#include "scstuser_int.h"

/* Longest poll() before the stop flag is looked at again. */
#define POLL_TIMEOUT_MS	1000

static int device_gone(struct scstu_dev *dev, int err)
{
	if (atomic_load(&dev->unregistering) || atomic_load(&dev->stopping))
		return 0;
	scstu_log(dev, "device went away: %s", strerror(err));
	return -err;
}

/* Wait for a command in non-blocking mode, or after a stray EAGAIN. */
static void wait_readable(struct scstu_dev *dev)
{
	struct pollfd pfd = { .fd = dev->fd, .events = POLLIN };

	if (dev->cfg.ioctl_fn)
		return;
	if (poll(&pfd, 1, POLL_TIMEOUT_MS) < 0 && errno != EINTR)
		scstu_log(dev, "poll: %s", strerror(errno));
}

static int loop_multi(struct scstu_worker *w)
{
	struct scstu_dev *dev = w->dev;
	struct scst_user_get_multi *m = w->multi;
	unsigned int sent = 0, nrep = 0, i, n;
	int rc, done;

	while (!atomic_load(&dev->stopping)) {
		m->preplies = (uintptr_t)&w->replies[sent];
		m->replies_cnt = nrep - sent;
		m->replies_done = 0;
		m->cmds_cnt = dev->batch;
		m->pad = 0;
		w->stats.calls++;
		rc = scstu_do_ioctl(dev, SCST_USER_REPLY_AND_GET_MULTI, m);

		done = m->replies_done;
		if (done < 0 || done > (int)(nrep - sent)) {
			scstu_log(dev, "replies_done %d out of 0..%u; assuming 0",
				  done, nrep - sent);
			done = 0;
		}
		sent += done;
		w->stats.replies += done;

		if (rc < 0) {
			if (sent < nrep)
				w->stats.resent += nrep - sent;
			switch (-rc) {
			case EINTR:
				w->stats.eintr++;
				continue;
			case EAGAIN:
				w->stats.eagain++;
				wait_readable(dev);
				continue;
			case ENODEV:
				return device_gone(dev, -rc);
			default:
				if (sent < nrep) {
					struct scst_user_reply_cmd *r = &w->replies[sent];

					scstu_log(dev, "reply to cmd_h %u (%s) refused: %s",
						  r->cmd_h,
						  scstu_subcode_name(r->subcode),
						  strerror(-rc));
					w->stats.dropped++;
					w->stats.resent -= nrep - sent;
					sent++;
					continue;
				}
				scstu_log(dev, "SCST_USER_REPLY_AND_GET_MULTI: %s",
					  strerror(-rc));
				return rc;
			}
		}

		if (sent < nrep) {
			/* Success without taking every reply: not the ABI. */
			scstu_log(dev, "kernel took %u of %u replies without an error; dropping the rest",
				  sent, nrep);
			w->stats.dropped += nrep - sent;
		}
		n = m->cmds_cnt < 0 ? 0 : (unsigned int)m->cmds_cnt;
		if (n > dev->batch) {
			scstu_log(dev, "kernel returned %u commands for %u slots",
				  n, dev->batch);
			return -EPROTO;
		}
		w->stats.cmds += n;
		sent = 0;
		nrep = 0;
		for (i = 0; i < n; i++) {
			rc = scstu_dispatch(dev, w->index, &w->reqs[i], &m->cmds[i],
					    &w->replies[nrep]);
			if (rc < 0)
				return rc;
			if (rc == SCSTU_REPLY)
				nrep++;
		}
	}
	return 0;
}

static int loop_single(struct scstu_worker *w)
{
	struct scstu_dev *dev = w->dev;
	struct scst_user_get_cmd *cmd = &w->multi->cmds[0];
	struct scst_user_reply_cmd *reply = &w->replies[0];
	int pending = 0, rc;

	while (!atomic_load(&dev->stopping)) {
		cmd->preply = pending ? (uintptr_t)reply : 0;
		w->stats.calls++;
		rc = scstu_do_ioctl(dev, SCST_USER_REPLY_AND_GET_CMD, cmd);
		if (rc < 0) {
			switch (-rc) {
			case EINTR:
				w->stats.eintr++;
				w->stats.replies += pending;
				pending = 0;
				continue;
			case EAGAIN:
				w->stats.eagain++;
				w->stats.replies += pending;
				pending = 0;
				wait_readable(dev);
				continue;
			case ENODEV:
				return device_gone(dev, -rc);
			default:
				if (pending) {
					scstu_log(dev, "reply to cmd_h %u (%s) refused: %s",
						  reply->cmd_h,
						  scstu_subcode_name(reply->subcode),
						  strerror(-rc));
					w->stats.dropped++;
					pending = 0;
					continue;
				}
				scstu_log(dev, "SCST_USER_REPLY_AND_GET_CMD: %s",
					  strerror(-rc));
				return rc;
			}
		}
		w->stats.replies += pending;
		w->stats.cmds++;
		rc = scstu_dispatch(dev, w->index, &w->reqs[0], cmd, reply);
		if (rc < 0)
			return rc;
		pending = rc == SCSTU_REPLY;
	}
	return 0;
}

int scstu_worker_loop(struct scstu_dev *dev, unsigned int worker)
{
	struct scstu_worker *w = &dev->workers[worker];

	return dev->cfg.batch ? loop_multi(w) : loop_single(w);
}

void scstu_request_stop(struct scstu_dev *dev)
{
	atomic_store(&dev->stopping, 1);
}
