/* SPDX-License-Identifier: GPL-2.0 */
/* libscstuser internals shared by dev.c, loop.c and run.c. */
#ifndef SCSTUSER_INT_H
#define SCSTUSER_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "scstuser.h"

struct scstu_worker {
	struct scstu_dev *dev;
	unsigned int index;
	pthread_t thread;
	int started;
	atomic_int finished;
	int result;
	struct scstu_stats stats;
	/* One request and one reply slot per command of a batch. */
	struct scstu_req *reqs;
	struct scst_user_reply_cmd *replies;
	struct scst_user_get_multi *multi;
};

struct scstu_dev {
	int fd;
	char name[SCST_MAX_NAME];
	struct scstu_config cfg;
	unsigned int nworkers;
	unsigned int batch;		/* slots per worker, at least 1 */
	struct scstu_worker *workers;
	/* Set before UNREGISTER_DEVICE: ENODEV from then on is the end. */
	atomic_int unregistering;
	/* Workers leave at their next wake-up. */
	atomic_int stopping;
	/* scstu_run()'s thread, told by SIGUSR2 when a worker fails. */
	pthread_t waiter;
	atomic_int has_waiter;
	/* Rate limit of log lines: a budget per window. */
	pthread_mutex_t log_lock;
	long log_window;
	unsigned int log_count, log_suppressed;
};

int scstu_do_ioctl(struct scstu_dev *dev, unsigned long request, void *arg);
void scstu_log(struct scstu_dev *dev, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int scstu_dispatch(struct scstu_dev *dev, unsigned int worker,
		   struct scstu_req *req, struct scst_user_get_cmd *cmd,
		   struct scst_user_reply_cmd *reply);

#endif /* SCSTUSER_INT_H */
