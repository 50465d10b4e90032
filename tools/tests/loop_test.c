// SPDX-License-Identifier: GPL-2.0
/*
 * libscstuser's get/reply loop against a fake kernel (the ioctl hook of
 * struct scstu_config): replies not taken by a partial
 * REPLY_AND_GET_MULTI are sent again from replies_done on, their sense
 * buffers intact; a refused reply is dropped, not retried forever; with
 * REPLY_AND_GET_CMD a reply is not sent twice after EINTR.
 *
 * Output: "ok N - name" / "not ok N - name: why", then "N passed, M failed".
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "scstuser.h"

static int passed, failed;

static void result(int ok, const char *name, const char *why)
{
	if (ok) {
		passed++;
		printf("ok %d - %s\n", passed + failed, name);
	} else {
		failed++;
		printf("not ok %d - %s: %s\n", passed + failed, name, why);
	}
}

struct fake {
	struct scstu_dev *dev;
	int call;
	unsigned int got[16];		/* cmd_h of delivered replies */
	int ngot;
	char err[200];
};

/* Record replies [0, n) of @r, checking each carries its sense. */
static void take(struct fake *f, const struct scst_user_reply_cmd *r, int n)
{
	for (int i = 0; i < n; i++) {
		const uint8_t *s = (const uint8_t *)(uintptr_t)r[i].exec_reply.psense_buffer;

		if (!s || s[0] != 0x70 || s[12] != r[i].cmd_h)
			snprintf(f->err, sizeof(f->err), "reply %u has lost its sense",
				 r[i].cmd_h);
		if (f->ngot < 16)
			f->got[f->ngot++] = r[i].cmd_h;
	}
}

static void give(struct scst_user_get_multi *m, unsigned int first, int n)
{
	for (int i = 0; i < n; i++) {
		memset(&m->cmds[i], 0, sizeof(m->cmds[i]));
		m->cmds[i].cmd_h = first + i;
		m->cmds[i].subcode = SCST_USER_EXEC;
		m->cmds[i].exec_cmd.cdb[0] = 0x00;
	}
	m->cmds_cnt = (int16_t)n;
}

static int expect_cnt(struct fake *f, struct scst_user_get_multi *m, int cnt,
		      unsigned int first_h)
{
	const struct scst_user_reply_cmd *r =
		(const struct scst_user_reply_cmd *)(uintptr_t)m->preplies;

	if (m->replies_cnt != cnt || (cnt && r[0].cmd_h != first_h)) {
		snprintf(f->err, sizeof(f->err),
			 "call %d: %d replies from cmd_h %u, want %d from %u",
			 f->call, m->replies_cnt, cnt ? r[0].cmd_h : 0, cnt, first_h);
		scstu_request_stop(f->dev);
		return -1;
	}
	return 0;
}

static int fake_multi(void *ctx, int fd, unsigned long request, void *arg)
{
	struct fake *f = ctx;
	struct scst_user_get_multi *m = arg;
	const struct scst_user_reply_cmd *r;

	(void)fd;
	if (request == SCST_USER_REGISTER_DEVICE)
		return 0;
	if (request != SCST_USER_REPLY_AND_GET_MULTI) {
		snprintf(f->err, sizeof(f->err), "unexpected ioctl %#lx", request);
		return -ENOTTY;
	}
	r = (const struct scst_user_reply_cmd *)(uintptr_t)m->preplies;
	switch (++f->call) {
	case 1:			/* three commands */
		if (expect_cnt(f, m, 0, 0))
			return -EIO;
		give(m, 1, 3);
		return 0;
	case 2:			/* take one reply, then a signal */
		if (expect_cnt(f, m, 3, 1))
			return -EIO;
		take(f, r, 1);
		m->replies_done = 1;
		return -EINTR;
	case 3:			/* the other two again; EAGAIN after them */
		if (expect_cnt(f, m, 2, 2))
			return -EIO;
		take(f, r, 2);
		m->replies_done = 2;
		return -EAGAIN;
	case 4:
		if (expect_cnt(f, m, 0, 0))
			return -EIO;
		give(m, 4, 2);
		return 0;
	case 5:			/* refuse the first reply */
		if (expect_cnt(f, m, 2, 4))
			return -EIO;
		m->replies_done = 0;
		return -ESRCH;
	case 6:			/* only reply 5 is left */
		if (expect_cnt(f, m, 1, 5))
			return -EIO;
		take(f, r, 1);
		m->replies_done = 1;
		scstu_request_stop(f->dev);
		return -EINTR;
	default:
		snprintf(f->err, sizeof(f->err), "call %d after the end", f->call);
		scstu_request_stop(f->dev);
		return -EIO;
	}
}

static int fake_single(void *ctx, int fd, unsigned long request, void *arg)
{
	struct fake *f = ctx;
	struct scst_user_get_cmd *c = arg;
	const struct scst_user_reply_cmd *r =
		(const struct scst_user_reply_cmd *)(uintptr_t)c->preply;
	unsigned int want_h[] = { 0, 0, 1, 0, 2, 0 };

	(void)fd;
	if (request == SCST_USER_REGISTER_DEVICE)
		return 0;
	if (request != SCST_USER_REPLY_AND_GET_CMD) {
		snprintf(f->err, sizeof(f->err), "unexpected ioctl %#lx", request);
		return -ENOTTY;
	}
	if (++f->call > 5) {
		scstu_request_stop(f->dev);
		return -EIO;
	}
	if ((r ? r->cmd_h : 0) != want_h[f->call]) {
		snprintf(f->err, sizeof(f->err), "call %d: reply to %u, want %u",
			 f->call, r ? r->cmd_h : 0, want_h[f->call]);
		scstu_request_stop(f->dev);
		return -EIO;
	}
	switch (f->call) {
	case 1:
	case 3:
		memset(c, 0, sizeof(*c));
		c->cmd_h = f->call == 1 ? 1 : 2;
		c->subcode = SCST_USER_EXEC;
		return 0;
	case 2:			/* reply taken, then a signal in the wait */
		take(f, r, 1);
		return -EINTR;
	case 4:			/* reply refused */
		return -EINVAL;
	default:
		scstu_request_stop(f->dev);
		return -EINTR;
	}
}

/* EXEC: CHECK CONDITION with the handle in the ASC, to trace the sense. */
static int exec_cb(struct scstu_req *req)
{
	struct scst_user_scsi_cmd_reply_exec *r = &req->reply->exec_reply;

	memset(req->sense, 0, 18);
	req->sense[0] = 0x70;
	req->sense[12] = (uint8_t)req->cmd->cmd_h;
	r->reply_type = SCST_EXEC_REPLY_COMPLETED;
	r->status = 2;
	r->sense_len = 18;
	r->psense_buffer = (uintptr_t)req->sense;
	return SCSTU_REPLY;
}

static const struct scstu_ops ops = { .exec = exec_cb };

static int setup(struct fake *f, scstu_ioctl_fn fn, unsigned int batch)
{
	struct scstu_config cfg;

	memset(f, 0, sizeof(*f));
	memset(&cfg, 0, sizeof(cfg));
	cfg.name = "loop";
	cfg.block_size = 512;
	cfg.batch = batch;
	cfg.ops = &ops;
	cfg.ioctl_fn = fn;
	cfg.ioctl_ctx = f;
	return scstu_register(&cfg, &f->dev);
}

int main(void)
{
	struct scstu_stats st;
	struct fake f;
	char why[300];
	int rc;

	if (setup(&f, fake_multi, 4))
		return 1;
	rc = scstu_worker_loop(f.dev, 0);
	scstu_get_stats(f.dev, &st);
	snprintf(why, sizeof(why), "rc %d, %d replies (%u %u %u %u), %s", rc,
		 f.ngot, f.got[0], f.got[1], f.got[2], f.got[3], f.err);
	result(!rc && !f.err[0] && f.ngot == 4 && f.got[0] == 1 && f.got[1] == 2 &&
	       f.got[2] == 3 && f.got[3] == 5,
	       "MULTI: replies re-sent from replies_done, refused one dropped", why);
	snprintf(why, sizeof(why), "resent %llu dropped %llu replies %llu cmds %llu",
		 st.resent, st.dropped, st.replies, st.cmds);
	result(st.resent == 2 && st.dropped == 1 && st.replies == 4 && st.cmds == 5,
	       "MULTI: counters", why);
	scstu_close(f.dev);

	if (setup(&f, fake_single, 0))
		return 1;
	rc = scstu_worker_loop(f.dev, 0);
	scstu_get_stats(f.dev, &st);
	snprintf(why, sizeof(why), "rc %d, %d replies, dropped %llu, %s", rc,
		 f.ngot, st.dropped, f.err);
	result(!rc && !f.err[0] && f.ngot == 1 && st.dropped == 1,
	       "GET_CMD: no reply sent twice after EINTR, refused one dropped", why);
	scstu_close(f.dev);

	printf("loop_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
