// SPDX-License-Identifier: GPL-2.0
/*
 * scst_fileio: a user-space disk on libscstuser, serving a file or a null
 * device through /dev/scst_user.
 *
 *   scst_fileio [-b BLOCKSIZE] [-t THREADS] [-r] [-w] [-o] [-n] [-s SIZE]
 *               [-p std|call|excpt] [-f call|ignore]
 *               [-m none|read|write|all] [-u] [-B BATCH] [-D] [-v]
 *               NAME [FILE]
 *
 * Prints "scst_fileio: NAME ready" on stdout once registered, serves until
 * SIGTERM or SIGINT, then unregisters and exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fileio.h"
#include "scstuser.h"

struct fileio {
	struct fio_dev dev;
	struct fio_bufs bufs;
	int verbose;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: scst_fileio [options] NAME [FILE]\n"
		"  -b BLOCKSIZE  logical block size: 512 (default), 1024, 2048, 4096\n"
		"  -t THREADS    worker threads (default: online CPUs)\n"
		"  -r            read-only\n"
		"  -w            write-through (O_DSYNC; WCE 0)\n"
		"  -o            O_DIRECT\n"
		"  -n            null device (no FILE)\n"
		"  -s SIZE       null device size, K/M/G/T suffixes (default 1G)\n"
		"  -p TYPE       parse type: std (default), call, excpt\n"
		"  -f TYPE       on-free type: call (default), ignore\n"
		"  -m TYPE       memory reuse: none, read, write, all (default)\n"
		"  -u            REPLY_AND_GET_CMD instead of REPLY_AND_GET_MULTI\n"
		"  -B BATCH      commands per REPLY_AND_GET_MULTI (default 16)\n"
		"  -D            descriptor-format sense (D_SENSE)\n"
		"  -v            verbose: sessions, task management, counts at exit\n");
}

static int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k':
	case 'K':
		shift = 10;
		end++;
		break;
	case 'm':
	case 'M':
		shift = 20;
		end++;
		break;
	case 'g':
	case 'G':
		shift = 30;
		end++;
		break;
	case 't':
	case 'T':
		shift = 40;
		end++;
		break;
	default:
		break;
	}
	if (*end || (shift && v > (~0ULL >> shift)))
		return -1;
	*out = v << shift;
	return 0;
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int pick(const char *s, const char *const *names, int n)
{
	for (int i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return i;
	return -1;
}

static struct fileio *fio_of(struct scstu_req *req)
{
	return scstu_priv(req->dev);
}

static int cb_sess(struct scstu_req *req)
{
	const struct scst_user_sess *s = &req->cmd->sess;

	if (fio_of(req)->verbose)
		fprintf(stderr, "scst_fileio: %s: %s session %#" PRIx64
			" (initiator %.64s, target %.64s, LUN %" PRIu64 ")\n",
			fio_of(req)->dev.name,
			req->cmd->subcode == SCST_USER_ATTACH_SESS ? "attach" : "detach",
			(uint64_t)s->sess_h, s->initiator_name, s->target_name,
			(uint64_t)s->lun);
	req->reply->result = 0;
	return SCSTU_REPLY;
}

static int cb_parse(struct scstu_req *req)
{
	fio_parse(&fio_of(req)->dev, &req->cmd->parse_cmd,
		  &req->reply->parse_reply);
	return SCSTU_REPLY;
}

static int cb_alloc_mem(struct scstu_req *req)
{
	struct fileio *f = fio_of(req);
	int32_t len = req->cmd->alloc_cmd.alloc_len;
	void *p = len > 0 ? fio_buf_alloc(&f->bufs, (size_t)len) : NULL;

	/* pbuf 0 on failure: the kernel finishes the command BUSY. */
	req->reply->alloc_reply.pbuf = (uintptr_t)p;
	return SCSTU_REPLY;
}

static int cb_exec(struct scstu_req *req)
{
	struct fileio *f = fio_of(req);
	struct scst_user_scsi_cmd_exec *cmd = &req->cmd->exec_cmd;
	struct scst_user_scsi_cmd_reply_exec *r = &req->reply->exec_reply;
	uint8_t *buf = (uint8_t *)(uintptr_t)cmd->pbuf;

	if (!buf && cmd->alloc_len > 0) {
		/* No ALLOC_MEM came first: the buffer goes back with the reply. */
		buf = fio_buf_alloc(&f->bufs, (size_t)cmd->alloc_len);
		if (!buf) {
			r->reply_type = SCST_EXEC_REPLY_COMPLETED;
			r->status = FIO_TASK_SET_FULL;
			return SCSTU_REPLY;
		}
		r->pbuf = (uintptr_t)buf;
	}
	fio_exec(&f->dev, cmd, buf, r, req->sense);
	return SCSTU_REPLY;
}

static int cb_on_free(struct scstu_req *req)
{
	struct fileio *f = fio_of(req);
	const struct scst_user_scsi_on_free_cmd *c = &req->cmd->on_free_cmd;

	if (c->pbuf && !c->buffer_cached &&
	    fio_buf_free(&f->bufs, (void *)(uintptr_t)c->pbuf, FIO_BUF_ON_FREE))
		fprintf(stderr, "scst_fileio: %s: ON_FREE_CMD (cmd_h %u) names buffer %#" PRIx64 " that is not ours; ignored\n",
			f->dev.name, req->cmd->cmd_h, (uint64_t)c->pbuf);
	return SCSTU_REPLY;
}

static int cb_cached_free(struct scstu_req *req)
{
	struct fileio *f = fio_of(req);
	uint64_t pbuf = req->cmd->on_cached_mem_free.pbuf;

	if (fio_buf_free(&f->bufs, (void *)(uintptr_t)pbuf, FIO_BUF_CACHED))
		fprintf(stderr,
			"scst_fileio: %s: ON_CACHED_MEM_FREE (cmd_h %u) names buffer %#" PRIx64 " that is not ours; ignored\n",
			f->dev.name, req->cmd->cmd_h, pbuf);
	return SCSTU_REPLY;
}

static int cb_tm(struct scstu_req *req)
{
	const struct scst_user_tm *tm = &req->cmd->tm_cmd;

	if (fio_of(req)->verbose)
		fprintf(stderr, "scst_fileio: %s: task management fn %u %s (sess %#" PRIx64 ", cmd_h %u)\n",
			fio_of(req)->dev.name, tm->fn,
			req->cmd->subcode == SCST_USER_TASK_MGMT_DONE ? "done" : "received",
			(uint64_t)tm->sess_h, tm->cmd_h_to_abort);
	/* Every command finishes in its own EXEC: nothing to abort here. */
	req->reply->result = SCST_USER_MGMT_STATUS_SUCCESS;
	return SCSTU_REPLY;
}

static const struct scstu_ops fileio_ops = {
	.attach_sess = cb_sess,
	.detach_sess = cb_sess,
	.parse = cb_parse,
	.alloc_mem = cb_alloc_mem,
	.exec = cb_exec,
	.on_free_cmd = cb_on_free,
	.on_cached_mem_free = cb_cached_free,
	.task_mgmt_received = cb_tm,
	.task_mgmt_done = cb_tm,
};

static int open_backing(struct fileio *f, const char *path, int o_direct)
{
	struct fio_dev *dev = &f->dev;
	int flags = (dev->rd_only ? O_RDONLY : O_RDWR) | O_CLOEXEC;
	struct stat st;
	off_t size;

	if (dev->wt)
		flags |= O_DSYNC;
	if (o_direct)
		flags |= O_DIRECT;
	dev->fd = open(path, flags);
	if (dev->fd < 0) {
		fprintf(stderr, "scst_fileio: cannot open %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	if (fstat(dev->fd, &st)) {
		fprintf(stderr, "scst_fileio: %s: %s\n", path, strerror(errno));
		return -1;
	}
	size = S_ISBLK(st.st_mode) ? lseek(dev->fd, 0, SEEK_END) : st.st_size;
	if (size < 0) {
		fprintf(stderr, "scst_fileio: %s: cannot size: %s\n", path,
			strerror(errno));
		return -1;
	}
	dev->nblocks = (uint64_t)size >> dev->block_shift;
	if (!dev->nblocks) {
		fprintf(stderr, "scst_fileio: %s is smaller than one %u-byte block\n",
			path, dev->block_size);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static const char *const parse_names[] = { "std", "call", "excpt" };
	static const char *const free_names[] = { "call", "ignore" };
	static const char *const reuse_names[] = { "none", "read", "write", "all" };
	struct scstu_config cfg;
	struct scstu_stats st;
	struct scstu_dev *udev;
	struct fileio f;
	unsigned int threads = 0, batch = 16, bs = 512;
	uint64_t null_size = 1ULL << 30;
	int o_direct = 0, single = 0, opt, v, rc;
	long ncpu;

	memset(&f, 0, sizeof(f));
	memset(&cfg, 0, sizeof(cfg));
	f.dev.fd = -1;
	cfg.opt.parse_type = SCST_USER_PARSE_STANDARD;
	cfg.opt.on_free_cmd_type = SCST_USER_ON_FREE_CMD_CALL;
	cfg.opt.memory_reuse_type = SCST_USER_MEM_REUSE_ALL;
	cfg.opt.partial_transfers_type = SCST_USER_PARTIAL_TRANSFERS_NOT_SUPPORTED;
	cfg.opt.tst = 1;		/* one task set per initiator */
	cfg.opt.queue_alg = 1;		/* unrestricted reordering */

	while ((opt = getopt(argc, argv, "b:t:rwons:p:f:m:uB:Dvh")) != -1) {
		switch (opt) {
		case 'b':
			if (parse_uint(optarg, 4096, &bs))
				goto bad_arg;
			break;
		case 't':
			if (parse_uint(optarg, 1024, &threads) || !threads)
				goto bad_arg;
			break;
		case 'r':
			f.dev.rd_only = 1;
			break;
		case 'w':
			f.dev.wt = 1;
			break;
		case 'o':
			o_direct = 1;
			break;
		case 'n':
			f.dev.nullio = 1;
			break;
		case 's':
			if (parse_size(optarg, &null_size))
				goto bad_arg;
			break;
		case 'p':
			v = pick(optarg, parse_names, 3);
			if (v < 0)
				goto bad_arg;
			cfg.opt.parse_type = (uint8_t)v;
			break;
		case 'f':
			v = pick(optarg, free_names, 2);
			if (v < 0)
				goto bad_arg;
			cfg.opt.on_free_cmd_type = (uint8_t)v;
			break;
		case 'm':
			v = pick(optarg, reuse_names, 4);
			if (v < 0)
				goto bad_arg;
			cfg.opt.memory_reuse_type = (uint8_t)v;
			break;
		case 'u':
			single = 1;
			break;
		case 'B':
			if (parse_uint(optarg, 4096, &batch) || !batch)
				goto bad_arg;
			break;
		case 'D':
			cfg.opt.d_sense = 1;
			break;
		case 'v':
			f.verbose = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (argc - optind != (f.dev.nullio ? 1 : 2)) {
		fprintf(stderr, "scst_fileio: %s\n", f.dev.nullio ?
			"with -n, give NAME and no FILE" : "give NAME and FILE");
		print_usage(stderr);
		return 2;
	}

	f.dev.name = argv[optind];
	f.dev.block_size = bs;
	f.dev.opt = cfg.opt;
	if (fio_dev_init(&f.dev)) {
		fprintf(stderr, "scst_fileio: block size %u: must be 512, 1024, 2048 or 4096\n",
			bs);
		return 2;
	}
	if (f.dev.nullio) {
		f.dev.nblocks = null_size >> f.dev.block_shift;
		if (!f.dev.nblocks) {
			fprintf(stderr, "scst_fileio: size %" PRIu64 " is less than one block\n",
				null_size);
			return 2;
		}
	} else if (open_backing(&f, argv[optind + 1], o_direct)) {
		return 1;
	}
	if (fio_bufs_init(&f.bufs)) {
		fprintf(stderr, "scst_fileio: out of memory\n");
		return 1;
	}

	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cfg.name = f.dev.name;
	cfg.license = "GPL";
	cfg.type = 0;				/* disk */
	cfg.block_size = bs;
	cfg.threads = threads ? threads : (ncpu > 0 ? (unsigned int)ncpu : 1);
	cfg.batch = single ? 0 : batch;
	cfg.ops = &fileio_ops;
	cfg.priv = &f;

	rc = scstu_register(&cfg, &udev);
	if (rc)
		return 1;
	printf("scst_fileio: %s ready\n", f.dev.name);
	fflush(stdout);

	rc = scstu_run(udev);
	scstu_get_stats(udev, &st);
	scstu_close(udev);
	/* Unregistered: the kernel holds none of our buffers any more. */
	fio_bufs_release_all(&f.bufs);
	if (f.verbose) {
		unsigned long long freed = f.bufs.freed[FIO_BUF_ON_FREE] +
					   f.bufs.freed[FIO_BUF_CACHED] +
					   f.bufs.freed[FIO_BUF_AT_EXIT];

		fprintf(stderr, "scst_fileio: %s: buffers allocated %llu, freed %llu (on_free %llu, cached_mem_free %llu, at exit %llu), unknown frees %llu, failed allocations %llu\n",
			f.dev.name, f.bufs.allocated, freed,
			f.bufs.freed[FIO_BUF_ON_FREE], f.bufs.freed[FIO_BUF_CACHED],
			f.bufs.freed[FIO_BUF_AT_EXIT], f.bufs.unknown, f.bufs.failed);
		fprintf(stderr, "scst_fileio: %s: ioctls %llu, subcommands %llu, replies %llu, resent %llu, refused %llu, EINTR %llu, EAGAIN %llu\n",
			f.dev.name, st.calls, st.cmds, st.replies, st.resent,
			st.dropped, st.eintr, st.eagain);
	}
	fio_bufs_destroy(&f.bufs);
	if (f.dev.fd >= 0)
		close(f.dev.fd);
	if (rc) {
		fprintf(stderr, "scst_fileio: %s: stopped with an error: %s\n",
			f.dev.name, strerror(-rc));
		return 1;
	}
	return 0;

bad_arg:
	fprintf(stderr, "scst_fileio: bad value for -%c: %s\n", opt, optarg);
	print_usage(stderr);
	return 2;
}
