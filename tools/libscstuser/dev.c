// SPDX-License-Identifier: GPL-2.0
/*
 * libscstuser: opening /dev/scst_user, registering a device, options,
 * and handing each subcommand to its callback.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "scstuser_int.h"

/* At most this many log lines per window, so a storm of bad input stays readable. */
#define LOG_WINDOW_SEC	5
#define LOG_BURST	10

void scstu_log(struct scstu_dev *dev, const char *fmt, ...)
{
	struct timespec now;
	unsigned int suppressed = 0;
	va_list ap;
	char msg[512];

	clock_gettime(CLOCK_MONOTONIC, &now);
	pthread_mutex_lock(&dev->log_lock);
	if (now.tv_sec / LOG_WINDOW_SEC != dev->log_window) {
		suppressed = dev->log_suppressed;
		dev->log_window = now.tv_sec / LOG_WINDOW_SEC;
		dev->log_count = 0;
		dev->log_suppressed = 0;
	}
	if (dev->log_count >= LOG_BURST) {
		dev->log_suppressed++;
		pthread_mutex_unlock(&dev->log_lock);
		return;
	}
	dev->log_count++;
	pthread_mutex_unlock(&dev->log_lock);

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (suppressed)
		fprintf(stderr, "scstuser: %s: %u messages suppressed\n",
			dev->name, suppressed);
	fprintf(stderr, "scstuser: %s: %s\n", dev->name, msg);
}

int scstu_do_ioctl(struct scstu_dev *dev, unsigned long request, void *arg)
{
	int rc;

	if (dev->cfg.ioctl_fn)
		return dev->cfg.ioctl_fn(dev->cfg.ioctl_ctx, dev->fd, request, arg);
	rc = ioctl(dev->fd, request, arg);
	return rc < 0 ? -errno : rc;
}

int scstu_ioctl(struct scstu_dev *dev, unsigned long request, void *arg)
{
	int rc = scstu_do_ioctl(dev, request, arg);

	/* 0 or -errno: ioctl()'s positive results mean nothing here */
	if (rc < 0)
		return rc;
	return 0;
}

const char *scstu_subcode_name(uint32_t subcode)
{
	switch (subcode) {
	case SCST_USER_ATTACH_SESS:		return "ATTACH_SESS";
	case SCST_USER_DETACH_SESS:		return "DETACH_SESS";
	case SCST_USER_PARSE:			return "PARSE";
	case SCST_USER_ALLOC_MEM:		return "ALLOC_MEM";
	case SCST_USER_EXEC:			return "EXEC";
	case SCST_USER_ON_FREE_CMD:		return "ON_FREE_CMD";
	case SCST_USER_ON_CACHED_MEM_FREE:	return "ON_CACHED_MEM_FREE";
	case SCST_USER_TASK_MGMT_RECEIVED:	return "TASK_MGMT_RECEIVED";
	case SCST_USER_TASK_MGMT_DONE:		return "TASK_MGMT_DONE";
	case SCST_USER_EXT_COPY_REMAP:		return "EXT_COPY_REMAP";
	default:				return "unknown";
	}
}

static void free_workers(struct scstu_dev *dev)
{
	unsigned int i;

	if (!dev->workers)
		return;
	for (i = 0; i < dev->nworkers; i++) {
		free(dev->workers[i].reqs);
		free(dev->workers[i].replies);
		free(dev->workers[i].multi);
	}
	free(dev->workers);
	dev->workers = NULL;
}

static int alloc_workers(struct scstu_dev *dev)
{
	unsigned int i;

	dev->workers = calloc(dev->nworkers, sizeof(*dev->workers));
	if (!dev->workers)
		return -ENOMEM;
	for (i = 0; i < dev->nworkers; i++) {
		struct scstu_worker *w = &dev->workers[i];

		w->dev = dev;
		w->index = i;
		w->reqs = calloc(dev->batch, sizeof(*w->reqs));
		w->replies = calloc(dev->batch, sizeof(*w->replies));
		w->multi = calloc(1, sizeof(*w->multi) +
				  dev->batch * sizeof(w->multi->cmds[0]));
		if (!w->reqs || !w->replies || !w->multi) {
			free_workers(dev);
			return -ENOMEM;
		}
	}
	return 0;
}

int scstu_register(const struct scstu_config *cfg, struct scstu_dev **devp)
{
	const char *path = cfg->path ? cfg->path : DEV_USER_PATH DEV_USER_NAME;
	const char *license = cfg->license ? cfg->license : "GPL";
	struct scst_user_dev_desc desc;
	struct scstu_dev *dev;
	int rc;

	if (!cfg->name || !cfg->name[0] || strlen(cfg->name) >= SCST_MAX_NAME) {
		fprintf(stderr, "scstuser: device name must be 1 to %d bytes\n",
			SCST_MAX_NAME - 1);
		return -EINVAL;
	}
	if (cfg->sgv_name && strlen(cfg->sgv_name) >= SCST_MAX_NAME) {
		fprintf(stderr, "scstuser: pool name longer than %d bytes\n",
			SCST_MAX_NAME - 1);
		return -EINVAL;
	}
	if (!cfg->ops) {
		fprintf(stderr, "scstuser: %s: no callbacks\n", cfg->name);
		return -EINVAL;
	}
	/* The batch count travels in an __s16. */
	if (cfg->batch > 4096 || cfg->threads > 1024) {
		fprintf(stderr, "scstuser: %s: batch %u or threads %u too large\n",
			cfg->name, cfg->batch, cfg->threads);
		return -EINVAL;
	}

	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->cfg = *cfg;
	strcpy(dev->name, cfg->name);
	dev->cfg.name = dev->name;
	dev->nworkers = cfg->threads ? cfg->threads : 1;
	dev->batch = cfg->batch ? cfg->batch : 1;
	pthread_mutex_init(&dev->log_lock, NULL);
	rc = alloc_workers(dev);
	if (rc)
		goto out_free;

	dev->fd = -1;
	if (!cfg->ioctl_fn) {
		dev->fd = open(path, O_RDWR | O_CLOEXEC |
			       (cfg->nonblock ? O_NONBLOCK : 0));
		if (dev->fd < 0) {
			rc = -errno;
			fprintf(stderr, "scstuser: cannot open %s: %s\n", path,
				strerror(errno));
			goto out_workers;
		}
	}

	memset(&desc, 0, sizeof(desc));
	desc.version_str = (uintptr_t)DEV_USER_VERSION;
	desc.license_str = (uintptr_t)license;
	desc.type = cfg->type;
	desc.block_size = cfg->block_size;
	desc.opt = cfg->opt;
	strcpy(desc.name, cfg->name);
	if (cfg->sgv_name)
		strcpy(desc.sgv_name, cfg->sgv_name);
	rc = scstu_do_ioctl(dev, SCST_USER_REGISTER_DEVICE, &desc);
	if (rc < 0) {
		fprintf(stderr, "scstuser: %s: SCST_USER_REGISTER_DEVICE: %s\n",
			cfg->name, strerror(-rc));
		goto out_close;
	}
	*devp = dev;
	return 0;

out_close:
	if (dev->fd >= 0)
		close(dev->fd);
out_workers:
	free_workers(dev);
out_free:
	pthread_mutex_destroy(&dev->log_lock);
	free(dev);
	return rc;
}

int scstu_set_options(struct scstu_dev *dev, const struct scst_user_opt *opt)
{
	struct scst_user_opt copy = *opt;
	int rc = scstu_ioctl(dev, SCST_USER_SET_OPTIONS, &copy);

	if (rc)
		scstu_log(dev, "SCST_USER_SET_OPTIONS: %s", strerror(-rc));
	return rc;
}

int scstu_get_options(struct scstu_dev *dev, struct scst_user_opt *opt)
{
	int rc = scstu_ioctl(dev, SCST_USER_GET_OPTIONS, opt);

	if (rc)
		scstu_log(dev, "SCST_USER_GET_OPTIONS: %s", strerror(-rc));
	return rc;
}

int scstu_reply(struct scstu_dev *dev, struct scst_user_reply_cmd *reply)
{
	int rc = scstu_ioctl(dev, SCST_USER_REPLY_CMD, reply);

	if (rc)
		scstu_log(dev, "reply to cmd_h %u (%s) refused: %s",
			  reply->cmd_h, scstu_subcode_name(reply->subcode),
			  strerror(-rc));
	return rc;
}

void scstu_close(struct scstu_dev *dev)
{
	unsigned int i;
	int busy = 0;

	if (!dev)
		return;
	if (dev->fd >= 0)
		close(dev->fd);
	/* A worker that never stopped still uses its slots: leave them. */
	for (i = 0; i < dev->nworkers; i++)
		if (dev->workers && dev->workers[i].started)
			busy = 1;
	if (busy)
		return;
	free_workers(dev);
	pthread_mutex_destroy(&dev->log_lock);
	free(dev);
}

void *scstu_priv(const struct scstu_dev *dev)
{
	return dev->cfg.priv;
}

int scstu_fd(const struct scstu_dev *dev)
{
	return dev->fd;
}

void scstu_get_stats(struct scstu_dev *dev, struct scstu_stats *st)
{
	unsigned int i;

	memset(st, 0, sizeof(*st));
	for (i = 0; i < dev->nworkers; i++) {
		const struct scstu_stats *w = &dev->workers[i].stats;

		st->calls += w->calls;
		st->cmds += w->cmds;
		st->replies += w->replies;
		st->resent += w->resent;
		st->dropped += w->dropped;
		st->eintr += w->eintr;
		st->eagain += w->eagain;
	}
}

/* The replies of a subcommand without a callback. */
static int default_reply(struct scstu_req *req)
{
	const struct scst_user_get_cmd *cmd = req->cmd;
	struct scst_user_reply_cmd *reply = req->reply;

	switch (cmd->subcode) {
	case SCST_USER_PARSE: {
		const struct scst_user_scsi_cmd_parse *p = &cmd->parse_cmd;
		struct scst_user_scsi_cmd_reply_parse *r = &reply->parse_reply;

		/* Keep what the kernel's parser worked out. */
		r->status = 0;
		r->queue_type = p->queue_type;
		r->data_direction = p->data_direction;
		r->cdb_len = p->cdb_len;
		r->lba = p->lba;
		r->data_len = p->data_len;
		r->bufflen = p->bufflen;
		r->op_flags = p->op_flags;
		r->out_bufflen = p->out_bufflen;
		break;
	}
	case SCST_USER_EXEC: {
		struct scst_user_scsi_cmd_reply_exec *r = &reply->exec_reply;

		/* CHECK CONDITION, ILLEGAL REQUEST, INVALID COMMAND OPERATION CODE */
		memset(req->sense, 0, 18);
		req->sense[0] = 0x70;
		req->sense[2] = 0x05;
		req->sense[7] = 10;
		req->sense[12] = 0x20;
		r->reply_type = SCST_EXEC_REPLY_COMPLETED;
		r->status = 0x02;
		r->sense_len = 18;
		r->psense_buffer = (uintptr_t)req->sense;
		break;
	}
	default:
		/*
		 * Sessions and task management: result 0 (success); ON_FREE,
		 * ON_CACHED_MEM_FREE: nothing to free; ALLOC_MEM: pbuf 0;
		 * EXT_COPY_REMAP: no remapped ranges, so the kernel copies.
		 */
		break;
	}
	return SCSTU_REPLY;
}

int scstu_dispatch(struct scstu_dev *dev, unsigned int worker,
		   struct scstu_req *req, struct scst_user_get_cmd *cmd,
		   struct scst_user_reply_cmd *reply)
{
	const struct scstu_ops *ops = dev->cfg.ops;
	int (*fn)(struct scstu_req *req);

	memset(reply, 0, sizeof(*reply));
	reply->cmd_h = cmd->cmd_h;
	reply->subcode = cmd->subcode;
	req->dev = dev;
	req->worker = worker;
	req->cmd = cmd;
	req->reply = reply;

	switch (cmd->subcode) {
	case SCST_USER_ATTACH_SESS:
		fn = ops->attach_sess;
		break;
	case SCST_USER_DETACH_SESS:
		fn = ops->detach_sess;
		break;
	case SCST_USER_PARSE:
		fn = ops->parse;
		break;
	case SCST_USER_ALLOC_MEM:
		fn = ops->alloc_mem;
		break;
	case SCST_USER_EXEC:
		fn = ops->exec;
		break;
	case SCST_USER_ON_FREE_CMD:
		fn = ops->on_free_cmd;
		break;
	case SCST_USER_ON_CACHED_MEM_FREE:
		fn = ops->on_cached_mem_free;
		break;
	case SCST_USER_TASK_MGMT_RECEIVED:
		fn = ops->task_mgmt_received;
		break;
	case SCST_USER_TASK_MGMT_DONE:
		fn = ops->task_mgmt_done;
		break;
	case SCST_USER_EXT_COPY_REMAP:
		fn = ops->ext_copy_remap;
		break;
	default:
		/*
		 * A subcode this library does not know: answer with the bare
		 * handle so the kernel is not left waiting, and say so.
		 */
		scstu_log(dev, "unknown subcode 0x%x (cmd_h %u), replying empty",
			  cmd->subcode, cmd->cmd_h);
		return SCSTU_REPLY;
	}
	if (!fn)
		return default_reply(req);
	return fn(req);
}
