// SPDX-License-Identifier: GPL-2.0
/*
 * libscstuser: worker threads, and stopping on a signal.
 *
 * SIGTERM, SIGINT and SIGUSR2 are blocked in every thread and taken by
 * sigwaitinfo() in scstu_run()'s thread: TERM and INT ask for a stop,
 * USR2 is a worker saying it failed. SIGUSR1 (no SA_RESTART, empty
 * handler) is sent to a worker to break it out of a blocking ioctl once
 * the stop flag is set.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scstuser_int.h"

/* How often a worker that has not stopped yet is kicked again. */
#define KICK_INTERVAL_MS	50

static void kick_handler(int sig)
{
	(void)sig;
}

static void *worker_main(void *arg)
{
	struct scstu_worker *w = arg;
	struct scstu_dev *dev = w->dev;
	sigset_t kick;

	sigemptyset(&kick);
	sigaddset(&kick, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &kick, NULL);

	w->result = scstu_worker_loop(dev, w->index);
	atomic_store(&w->finished, 1);
	if (w->result < 0) {
		scstu_log(dev, "worker %u stopped: %s", w->index,
			  strerror(-w->result));
		if (atomic_load(&dev->has_waiter))
			pthread_kill(dev->waiter, SIGUSR2);
	}
	return NULL;
}

int scstu_start(struct scstu_dev *dev)
{
	struct sigaction sa;
	sigset_t block, old;
	unsigned int i;
	int rc = 0;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: the ioctl must return EINTR. */
	if (sigaction(SIGUSR1, &sa, NULL))
		return -errno;

	/* Workers start with the stop signals blocked and USR1 open. */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGUSR1);
	sigaddset(&block, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &block, &old);
	for (i = 0; i < dev->nworkers; i++) {
		struct scstu_worker *w = &dev->workers[i];

		rc = -pthread_create(&w->thread, NULL, worker_main, w);
		if (rc) {
			fprintf(stderr, "scstuser: %s: cannot start worker %u: %s\n",
				dev->name, i, strerror(-rc));
			break;
		}
		w->started = 1;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}

static void deadline_after(struct timespec *ts, unsigned int ms)
{
	clock_gettime(CLOCK_REALTIME, ts);
	ts->tv_sec += ms / 1000;
	ts->tv_nsec += (long)(ms % 1000) * 1000000L;
	if (ts->tv_nsec >= 1000000000L) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000L;
	}
}

/* Kick worker @w until it has left its loop, for at most @timeout_ms. */
static int join_worker(struct scstu_dev *dev, struct scstu_worker *w,
		       unsigned int timeout_ms)
{
	unsigned int waited = 0;
	struct timespec ts;
	int rc;

	for (;;) {
		pthread_kill(w->thread, SIGUSR1);
		deadline_after(&ts, KICK_INTERVAL_MS);
		rc = pthread_timedjoin_np(w->thread, NULL, &ts);
		if (rc != ETIMEDOUT)
			break;
		waited += KICK_INTERVAL_MS;
		if (waited >= timeout_ms) {
			fprintf(stderr, "scstuser: %s: worker %u did not leave its get/reply ioctl within %u ms\n",
				dev->name, w->index, timeout_ms);
			return -ETIMEDOUT;
		}
	}
	w->started = 0;
	return w->result;
}

int scstu_stop(struct scstu_dev *dev, unsigned int timeout_ms)
{
	unsigned int i;
	int rc, ret = 0;

	/*
	 * Unregister first, with the workers still serving: unregistering
	 * finishes the commands in flight and may send ON_FREE_CMD and
	 * ON_CACHED_MEM_FREE, which need an answer. Then ENODEV ends them.
	 */
	atomic_store(&dev->unregistering, 1);
	rc = scstu_ioctl(dev, SCST_USER_UNREGISTER_DEVICE, NULL);
	if (rc && rc != -ENODEV) {
		fprintf(stderr, "scstuser: %s: SCST_USER_UNREGISTER_DEVICE: %s\n",
			dev->name, strerror(-rc));
		ret = rc;
	}
	scstu_request_stop(dev);
	for (i = 0; i < dev->nworkers; i++) {
		struct scstu_worker *w = &dev->workers[i];

		if (!w->started)
			continue;
		rc = join_worker(dev, w, timeout_ms);
		if (rc && !ret)
			ret = rc;
	}
	return ret;
}

int scstu_run(struct scstu_dev *dev)
{
	sigset_t set, old;
	siginfo_t info;
	int sig, rc, failed = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGUSR2);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	dev->waiter = pthread_self();
	atomic_store(&dev->has_waiter, 1);

	rc = scstu_start(dev);
	if (rc)
		goto stop;
	for (;;) {
		sig = sigwaitinfo(&set, &info);
		if (sig < 0 && errno == EINTR)
			continue;
		if (sig < 0) {
			rc = -errno;
			fprintf(stderr, "scstuser: %s: sigwaitinfo: %s\n",
				dev->name, strerror(errno));
			break;
		}
		if (sig == SIGUSR2 && info.si_pid != getpid())
			continue;	/* not from one of our workers */
		failed = sig == SIGUSR2;
		break;
	}
stop:
	{
		int stop_rc = scstu_stop(dev, 5000);

		if (!rc)
			rc = stop_rc;
	}
	atomic_store(&dev->has_waiter, 0);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (failed && !rc)
		rc = -EIO;
	return rc;
}
