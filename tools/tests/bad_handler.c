// SPDX-License-Identifier: GPL-2.0
/*
 * bad_handler: a user-space handler that misbehaves on purpose, so a VM
 * test can check that the kernel copes (an error for the reply, the
 * command failed or finished, no crash, leak or hang).
 *
 *   bad_handler [-c COUNT] MODE NAME
 *
 * It registers NAME as a 1 GiB null disk (512-byte blocks, no memory
 * reuse, ON_FREE_CMD called), prints "bad_handler: NAME ready", and
 * answers everything correctly except the first COUNT (default 1; 0: all)
 * READ/WRITE EXECs, which get MODE:
 *
 *   good            no misbehaviour (a control)
 *   wrong-handle    reply with cmd_h + 1000, then the right reply
 *   wrong-subcode   reply with subcode ALLOC_MEM, then the right reply
 *   long-resp       resp_data_len = bufflen + 4096
 *   negative-len    resp_data_len = -1
 *   unaligned-pbuf  a buffer 1 byte past a page boundary (ALLOC_MEM and
 *                   EXEC without a buffer)
 *   bad-sense       CHECK CONDITION with psense_buffer = 8 (unmapped)
 *   long-sense      CHECK CONDITION with sense_len 255 (> 252)
 *   twice           the right reply, then the same reply again
 *   never           no reply at all (the command stays in user space)
 *   exit            _exit(3) with the command unanswered
 *
 * Every reply is sent by SCST_USER_REPLY_CMD, one at a time, and every
 * misbehaviour is printed on stdout with the kernel's answer, e.g.
 *   bad_handler: cmd_h 12 WRITE(10): reply with cmd_h 1012: refused: EINVAL
 * Runs until SIGTERM/SIGINT, then unregisters; exits 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <scst/scst_user.h>

#include "../fileio/fileio.h"

static const char *const modes[] = {
	"good", "wrong-handle", "wrong-subcode", "long-resp", "negative-len",
	"unaligned-pbuf", "bad-sense", "long-sense", "twice", "never", "exit",
};

enum {
	GOOD, WRONG_HANDLE, WRONG_SUBCODE, LONG_RESP, NEGATIVE_LEN,
	UNALIGNED_PBUF, BAD_SENSE, LONG_SENSE, TWICE, NEVER, EXIT, NMODES
};

static volatile sig_atomic_t stop;
static int fd, mode, left;
static struct fio_dev dev;
static struct fio_bufs bufs;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static const char *errname(int err)
{
	switch (err) {
	case 0: return "accepted";
	case EINVAL: return "refused: EINVAL";
	case ESRCH: return "refused: ESRCH";
	case EFAULT: return "refused: EFAULT";
	case EBUSY: return "refused: EBUSY";
	case ENODEV: return "refused: ENODEV";
	default: return strerror(err);
	}
}

static int send_reply(struct scst_user_reply_cmd *r)
{
	return ioctl(fd, SCST_USER_REPLY_CMD, r) ? errno : 0;
}

static int is_rw(uint8_t op)
{
	return op == 0x08 || op == 0x28 || op == 0xa8 || op == 0x88 ||
	       op == 0x0a || op == 0x2a || op == 0xaa || op == 0x8a;
}

static const char *op_name(uint8_t op)
{
	switch (op) {
	case 0x08: return "READ(6)";
	case 0x28: return "READ(10)";
	case 0xa8: return "READ(12)";
	case 0x88: return "READ(16)";
	case 0x0a: return "WRITE(6)";
	case 0x2a: return "WRITE(10)";
	case 0xaa: return "WRITE(12)";
	default:   return "WRITE(16)";
	}
}

/* An unaligned buffer: a page-aligned one from the table, plus one. */
static uint8_t *unaligned_buf(size_t len)
{
	uint8_t *p = fio_buf_alloc(&bufs, len + 4096);

	return p ? p + 1 : NULL;
}

static void handle_exec(struct scst_user_get_cmd *c, struct scst_user_reply_cmd *r,
			uint8_t *sense)
{
	struct scst_user_scsi_cmd_exec *e = &c->exec_cmd;
	struct scst_user_scsi_cmd_reply_exec *x = &r->exec_reply;
	uint8_t op = e->cdb[0];
	uint8_t *buf = (uint8_t *)(uintptr_t)e->pbuf;
	int bad = is_rw(op) && mode != GOOD && left != 0;
	int err;

	if (bad && left > 0)
		left--;
	if (!buf && e->alloc_len > 0) {
		if (bad && mode == UNALIGNED_PBUF)
			buf = unaligned_buf((size_t)e->alloc_len);
		else
			buf = fio_buf_alloc(&bufs, (size_t)e->alloc_len);
		x->pbuf = (uintptr_t)buf;
	}
	fio_exec(&dev, e, buf, x, sense);
	if (!bad) {
		err = send_reply(r);
		if (err)
			printf("bad_handler: cmd_h %u: good reply %s\n", c->cmd_h,
			       errname(err));
		return;
	}

	printf("bad_handler: cmd_h %u %s bufflen %d: ", c->cmd_h, op_name(op),
	       e->bufflen);
	switch (mode) {
	case WRONG_HANDLE:
		r->cmd_h += 1000;
		printf("reply with cmd_h %u: %s", r->cmd_h, errname(send_reply(r)));
		r->cmd_h -= 1000;
		printf("; right reply: %s\n", errname(send_reply(r)));
		return;
	case WRONG_SUBCODE:
		r->subcode = SCST_USER_ALLOC_MEM;
		printf("reply with subcode ALLOC_MEM: %s", errname(send_reply(r)));
		r->subcode = SCST_USER_EXEC;
		printf("; right reply: %s\n", errname(send_reply(r)));
		return;
	case LONG_RESP:
		x->resp_data_len = e->bufflen + 4096;
		break;
	case NEGATIVE_LEN:
		x->resp_data_len = -1;
		break;
	case UNALIGNED_PBUF:
		if (!e->pbuf)
			printf("EXEC without buffer, replied pbuf %#llx: ",
			       (unsigned long long)x->pbuf);
		else
			printf("(buffer came with EXEC; ALLOC_MEM got the unaligned one): ");
		break;
	case BAD_SENSE:
	case LONG_SENSE:
		x->status = FIO_CHECK_CONDITION;
		x->resp_data_len = 0;
		x->sense_len = mode == BAD_SENSE ? 18 : 255;
		x->psense_buffer = mode == BAD_SENSE ? 8 : (uintptr_t)sense;
		break;
	case TWICE:
		printf("reply: %s", errname(send_reply(r)));
		printf("; same reply again: %s\n", errname(send_reply(r)));
		return;
	case NEVER:
		printf("no reply, ever\n");
		fflush(stdout);
		return;
	case EXIT:
		printf("exiting with the command unanswered\n");
		fflush(stdout);
		_exit(3);
	}
	printf("resp_data_len %d sense_len %u psense %#llx: %s\n", x->resp_data_len,
	       x->sense_len, (unsigned long long)x->psense_buffer, errname(send_reply(r)));
}

static void handle(struct scst_user_get_cmd *c, uint8_t *sense)
{
	struct scst_user_reply_cmd r;
	int err = 0;

	memset(&r, 0, sizeof(r));
	r.cmd_h = c->cmd_h;
	r.subcode = c->subcode;
	switch (c->subcode) {
	case SCST_USER_EXEC:
		handle_exec(c, &r, sense);
		fflush(stdout);
		return;
	case SCST_USER_ALLOC_MEM:
		if (mode == UNALIGNED_PBUF && left != 0) {
			size_t len = (size_t)c->alloc_cmd.alloc_len;

			r.alloc_reply.pbuf = (uintptr_t)unaligned_buf(len);
			err = send_reply(&r);
			printf("bad_handler: cmd_h %u ALLOC_MEM: unaligned pbuf %#llx: %s\n",
			       c->cmd_h, (unsigned long long)r.alloc_reply.pbuf, errname(err));
			fflush(stdout);
			return;
		}
		r.alloc_reply.pbuf = (uintptr_t)fio_buf_alloc(&bufs,
							      (size_t)c->alloc_cmd.alloc_len);
		break;
	case SCST_USER_ON_FREE_CMD:
		/* An unaligned buffer is recorded by its page: free that. */
		if (c->on_free_cmd.pbuf && !c->on_free_cmd.buffer_cached)
			fio_buf_free(&bufs, (void *)(uintptr_t)(c->on_free_cmd.pbuf & ~4095ULL),
				     FIO_BUF_ON_FREE);
		break;
	case SCST_USER_ON_CACHED_MEM_FREE:
		fio_buf_free(&bufs, (void *)(uintptr_t)(c->on_cached_mem_free.pbuf & ~4095ULL),
			     FIO_BUF_CACHED);
		break;
	default:
		break;
	}
	err = send_reply(&r);
	if (err)
		printf("bad_handler: cmd_h %u subcode %#x: reply %s\n", c->cmd_h,
		       c->subcode, errname(err));
}

int main(int argc, char **argv)
{
	static struct scst_user_get_cmd cmd;
	static uint8_t sense[SCST_SENSE_BUFFERSIZE];
	struct scst_user_dev_desc desc;
	struct sigaction sa;
	int opt;

	left = 1;
	while ((opt = getopt(argc, argv, "c:")) != -1) {
		if (opt != 'c')
			goto usage;
		left = atoi(optarg) > 0 ? atoi(optarg) : -1;
	}
	if (argc - optind != 2)
		goto usage;
	for (mode = 0; mode < NMODES; mode++)
		if (!strcmp(argv[optind], modes[mode]))
			break;
	if (mode == NMODES || strlen(argv[optind + 1]) >= SCST_MAX_NAME)
		goto usage;

	dev.name = argv[optind + 1];
	dev.fd = -1;
	dev.nullio = 1;
	dev.block_size = 512;
	dev.nblocks = (1ULL << 30) / 512;
	if (fio_dev_init(&dev) || fio_bufs_init(&bufs))
		return 1;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGTERM, &sa, NULL);	/* no SA_RESTART: the ioctl returns */
	sigaction(SIGINT, &sa, NULL);

	fd = open(DEV_USER_PATH DEV_USER_NAME, O_RDWR);
	if (fd < 0) {
		perror("bad_handler: open " DEV_USER_PATH DEV_USER_NAME);
		return 1;
	}
	memset(&desc, 0, sizeof(desc));
	desc.version_str = (uintptr_t)DEV_USER_VERSION;
	desc.license_str = (uintptr_t)"GPL";
	desc.block_size = 512;
	desc.opt.memory_reuse_type = SCST_USER_MEM_NO_REUSE;
	desc.opt.on_free_cmd_type = SCST_USER_ON_FREE_CMD_CALL;
	desc.opt.tst = 1;
	strcpy(desc.name, dev.name);
	if (ioctl(fd, SCST_USER_REGISTER_DEVICE, &desc) < 0) {
		perror("bad_handler: SCST_USER_REGISTER_DEVICE");
		return 1;
	}
	printf("bad_handler: %s ready (mode %s, count %d)\n", dev.name, modes[mode], left);
	fflush(stdout);

	while (!stop) {
		cmd.preply = 0;
		if (ioctl(fd, SCST_USER_REPLY_AND_GET_CMD, &cmd) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			printf("bad_handler: SCST_USER_REPLY_AND_GET_CMD: %s\n",
			       strerror(errno));
			break;
		}
		handle(&cmd, sense);
	}
	/*
	 * "never" leaves a command in user space: unregistering must still
	 * end (the kernel fails it after its bound). Nobody serves commands
	 * during the unregister here, which the kernel must also survive.
	 */
	if (ioctl(fd, SCST_USER_UNREGISTER_DEVICE, NULL) < 0)
		printf("bad_handler: SCST_USER_UNREGISTER_DEVICE: %s\n", strerror(errno));
	close(fd);
	printf("bad_handler: %s stopped; %zu buffers freed at exit\n", dev.name,
	       fio_bufs_release_all(&bufs));
	return 0;

usage:
	fprintf(stderr, "usage: bad_handler [-c COUNT] MODE NAME\nmodes:");
	for (mode = 0; mode < NMODES; mode++)
		fprintf(stderr, " %s", modes[mode]);
	fprintf(stderr, "\n");
	return 2;
}
