/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libscstuser: a user-space SCSI device handler over /dev/scst_user.
 *
 * The library opens /dev/scst_user, registers one device, and runs N
 * worker threads, each fetching commands and sending replies with
 * SCST_USER_REPLY_AND_GET_MULTI (a batch of commands per call) or
 * SCST_USER_REPLY_AND_GET_CMD (one per call). Each subcommand goes to a
 * callback of struct scstu_ops; the library fills the reply's cmd_h and
 * subcode, and the callback fills the rest.
 *
 * Stopping: scstu_run() waits for SIGTERM or SIGINT, then unregisters the
 * device (the workers keep answering the subcommands that unregistering
 * produces), stops the workers and returns. Workers are woken from a
 * blocking ioctl by SIGUSR1, which the library owns while it runs.
 *
 * Written against include/uapi/scst/scst_user.h only.
 */
#ifndef SCSTUSER_H
#define SCSTUSER_H

#include <stdint.h>
#include <sys/types.h>
#include <scst/scst_user.h>

struct scstu_dev;

/**
 * struct scstu_req - one subcommand being handled
 * @dev:    the device
 * @worker: index of the worker thread handling it, 0 .. threads - 1
 * @cmd:    the subcommand as the kernel sent it
 * @reply:  the reply, zeroed, with cmd_h and subcode filled in
 * @sense:  room for sense data that stays valid until the reply is sent
 *          (point reply's psense_buffer here)
 */
struct scstu_req {
	struct scstu_dev *dev;
	unsigned int worker;
	struct scst_user_get_cmd *cmd;
	struct scst_user_reply_cmd *reply;
	uint8_t sense[SCST_SENSE_BUFFERSIZE];
};

/* A callback's return value: send the reply, or send none. */
#define SCSTU_REPLY		0
#define SCSTU_NO_REPLY		1

/*
 * The callbacks, one per subcommand. Each returns SCSTU_REPLY (the reply
 * in req->reply is sent), SCSTU_NO_REPLY (nothing is sent: the handler
 * replies later with scstu_reply(), or never, which only test handlers
 * do), or a negative errno, which stops the worker and makes scstu_run()
 * fail. A NULL callback gets the default reply: result 0 for sessions and
 * task management, nothing to free, and for PARSE, ALLOC_MEM, EXEC and
 * EXT_COPY_REMAP an error (set these when the options make the kernel
 * send them).
 */
struct scstu_ops {
	int (*attach_sess)(struct scstu_req *req);
	int (*detach_sess)(struct scstu_req *req);
	int (*parse)(struct scstu_req *req);
	int (*alloc_mem)(struct scstu_req *req);
	int (*exec)(struct scstu_req *req);
	int (*on_free_cmd)(struct scstu_req *req);
	int (*on_cached_mem_free)(struct scstu_req *req);
	int (*task_mgmt_received)(struct scstu_req *req);
	int (*task_mgmt_done)(struct scstu_req *req);
	int (*ext_copy_remap)(struct scstu_req *req);
};

/* The ioctl the library calls; tests substitute a fake kernel. */
typedef int (*scstu_ioctl_fn)(void *ctx, int fd, unsigned long request,
			      void *arg);

/**
 * struct scstu_config - what to register and how to serve it
 * @name:       device name (at most SCST_MAX_NAME - 1 bytes)
 * @sgv_name:   buffer pool name, or NULL for the device's own
 * @license:    license string sent at registration; NULL: "GPL"
 * @type:       SCSI peripheral device type (0: disk)
 * @block_size: logical block size
 * @opt:        the options sent at registration
 * @threads:    worker threads; 0: 1
 * @batch:      commands fetched per REPLY_AND_GET_MULTI; 0: use
 *              REPLY_AND_GET_CMD, one command per call
 * @nonblock:   open the device O_NONBLOCK and wait in poll()
 * @ops:        the callbacks
 * @priv:       the handler's data, see scstu_priv()
 * @path:       device node; NULL: /dev/scst_user
 * @ioctl_fn, @ioctl_ctx: replace ioctl(2), for tests; NULL: ioctl(2)
 */
struct scstu_config {
	const char *name;
	const char *sgv_name;
	const char *license;
	uint8_t type;
	uint32_t block_size;
	struct scst_user_opt opt;
	unsigned int threads;
	unsigned int batch;
	int nonblock;
	const struct scstu_ops *ops;
	void *priv;
	const char *path;
	scstu_ioctl_fn ioctl_fn;
	void *ioctl_ctx;
};

/* Counters of a device, summed over its workers. */
struct scstu_stats {
	unsigned long long calls;	/* get/reply ioctls */
	unsigned long long cmds;	/* subcommands received */
	unsigned long long replies;	/* replies delivered */
	unsigned long long resent;	/* replies sent again after a partial call */
	unsigned long long dropped;	/* replies the kernel refused */
	unsigned long long eintr, eagain;
};

/*
 * Open the device node and register. Returns 0 and *devp, or a negative
 * errno with a message on stderr. The device is registered but not yet
 * served: commands wait until scstu_run() or scstu_start().
 */
int scstu_register(const struct scstu_config *cfg, struct scstu_dev **devp);

/* SCST_USER_SET_OPTIONS / GET_OPTIONS: 0 or a negative errno. */
int scstu_set_options(struct scstu_dev *dev, const struct scst_user_opt *opt);
int scstu_get_options(struct scstu_dev *dev, struct scst_user_opt *opt);

/*
 * Start the workers; scstu_run() does this itself. Call with SIGTERM,
 * SIGINT and SIGUSR2 blocked in the calling thread if it will use
 * scstu_wait_signal(). 0 or a negative errno.
 */
int scstu_start(struct scstu_dev *dev);

/*
 * Serve until SIGTERM or SIGINT, or until a worker fails, then
 * unregister and stop. Returns 0 after a signal, a negative errno if a
 * worker or unregistering failed.
 */
int scstu_run(struct scstu_dev *dev);

/*
 * Unregister, stop the workers (waiting at most @timeout_ms for each) and
 * report. 0, or a negative errno if unregistering or a worker failed.
 */
int scstu_stop(struct scstu_dev *dev, unsigned int timeout_ms);

/* Close the device node and free everything. */
void scstu_close(struct scstu_dev *dev);

/* Send one reply by itself (SCST_USER_REPLY_CMD). 0 or a negative errno. */
int scstu_reply(struct scstu_dev *dev, struct scst_user_reply_cmd *reply);

/* One raw ioctl through the configured function: 0 or a negative errno. */
int scstu_ioctl(struct scstu_dev *dev, unsigned long request, void *arg);

void *scstu_priv(const struct scstu_dev *dev);
int scstu_fd(const struct scstu_dev *dev);
void scstu_get_stats(struct scstu_dev *dev, struct scstu_stats *st);

/* The subcommand's name, for messages. */
const char *scstu_subcode_name(uint32_t subcode);

/*
 * One worker's loop, for tests that drive it without threads: serves
 * until @dev is stopping or a fatal error. Returns 0 or a negative errno.
 */
int scstu_worker_loop(struct scstu_dev *dev, unsigned int worker);

/* Ask the workers to end (they leave at their next wake-up). */
void scstu_request_stop(struct scstu_dev *dev);

#endif /* SCSTUSER_H */
