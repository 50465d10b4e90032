// SPDX-License-Identifier: GPL-2.0
/*
 * A misbehaving /dev/scst_user handler: each bad request or reply must
 * get its errno, never a crash or a hang. Prints one TAP-like line per
 * check ("ok - ..." / "not ok - ...") for tests/user/bad_reply.sh.
 *
 *   bad_reply NAME    registers NAME, prints "bad_reply: NAME ready",
 *                     then answers the session attach and the first
 *                     EXEC badly before answering correctly, and serves
 *                     until it got one EXEC of each kind or 20 s passed
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>
#include <scst/scst_user.h>

/* What an SCST 3.x handler sends: release name, then two SHA-1 sums. */
static const char scst_3x_version[] =
	"3.7.0-pre0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

static int failures;

static void expect(int ret, int err, int want, const char *what)
{
	int got = ret < 0 ? err : 0;

	if (got == want) {
		printf("ok - %s\n", what);
	} else {
		printf("not ok - %s: got %s, want %s\n", what, strerror(got),
		       strerror(want));
		failures++;
	}
	fflush(stdout);
}

static void desc_init(struct scst_user_dev_desc *d, const char *name,
		      const char *version)
{
	memset(d, 0, sizeof(*d));
	d->version_str = (uintptr_t)version;
	d->license_str = (uintptr_t)"GPL";
	d->type = 0;
	d->block_size = 512;
	d->opt.on_free_cmd_type = SCST_USER_ON_FREE_CMD_IGNORE;
	snprintf(d->name, sizeof(d->name), "%s", name);
}

int main(int argc, char **argv)
{
	struct scst_user_reply_cmd rep;
	struct scst_user_get_cmd get;
	struct scst_user_dev_desc d;
	int fd, ret, saw_attach = 0, saw_exec = 0, saw_pre = 0;
	union scst_user_prealloc_buffer pb;
	void *pre = NULL;
	__u32 pre_h;
	time_t end;

	if (argc != 2) {
		fprintf(stderr, "usage: bad_reply NAME\n");
		return 2;
	}
	fd = open(DEV_USER_PATH DEV_USER_NAME, O_RDWR);
	if (fd < 0) {
		perror("open");
		return 2;
	}
	memset(&get, 0, sizeof(get));
	ret = ioctl(fd, SCST_USER_REPLY_AND_GET_CMD, &get);
	expect(ret, errno, ENODEV, "get before REGISTER_DEVICE: ENODEV");

	desc_init(&d, argv[1], "2.0.0");
	ret = ioctl(fd, SCST_USER_REGISTER_DEVICE, &d);
	expect(ret, errno, EINVAL, "a foreign version string: EINVAL");
	desc_init(&d, argv[1], DEV_USER_VERSION);
	d.block_size = 513;
	ret = ioctl(fd, SCST_USER_REGISTER_DEVICE, &d);
	expect(ret, errno, EINVAL, "block size 513: EINVAL");
	desc_init(&d, argv[1], DEV_USER_VERSION);
	d.opt.memory_reuse_type = 9;
	ret = ioctl(fd, SCST_USER_REGISTER_DEVICE, &d);
	expect(ret, errno, EINVAL, "memory_reuse_type 9: EINVAL");
	desc_init(&d, "", DEV_USER_VERSION);
	ret = ioctl(fd, SCST_USER_REGISTER_DEVICE, &d);
	expect(ret, errno, EINVAL, "an empty name: EINVAL");
	/* sgv_shared: accepted, the device keeps a pool of its own */
	desc_init(&d, argv[1], scst_3x_version);
	d.sgv_shared = 1;
	snprintf(d.sgv_name, sizeof(d.sgv_name), "shared");
	ret = ioctl(fd, SCST_USER_REGISTER_DEVICE, &d);
	expect(ret, errno, 0, "an SCST 3.x version string with sgv_shared is accepted");
	ret = ioctl(fd, SCST_USER_REGISTER_DEVICE, &d);
	expect(ret, errno, EBUSY, "a second REGISTER_DEVICE on the file: EBUSY");

	memset(&rep, 0, sizeof(rep));
	rep.cmd_h = 0x7fffffff;
	rep.subcode = SCST_USER_EXEC;
	ret = ioctl(fd, SCST_USER_REPLY_CMD, &rep);
	expect(ret, errno, ESRCH, "a reply for an unknown handle: ESRCH");

	/*
	 * A preallocated buffer has a handle, and its ON_CACHED_MEM_FREE
	 * (here after FLUSH_CACHE) comes under it.
	 */
	if (posix_memalign(&pre, 4096, 65536))
		return 2;
	memset(&pb, 0, sizeof(pb));
	pb.in.pbuf = (uintptr_t)pre;
	pb.in.bufflen = 65536;
	ret = ioctl(fd, SCST_USER_PREALLOC_BUFFER, &pb);
	expect(ret, errno, 0, "PREALLOC_BUFFER of 64 KiB");
	pre_h = pb.out.cmd_h;
	expect(pre_h ? 0 : -1, EINVAL, 0, "PREALLOC_BUFFER returns a cmd_h");
	ret = ioctl(fd, SCST_USER_FLUSH_CACHE);
	expect(ret, errno, 0, "FLUSH_CACHE");
	printf("bad_reply: %s ready\n", argv[1]);
	fflush(stdout);

	end = time(NULL) + 20;
	while (time(NULL) < end && !(saw_attach && saw_exec && saw_pre)) {
		memset(&get, 0, sizeof(get));
		ret = ioctl(fd, SCST_USER_REPLY_AND_GET_CMD, &get);
		if (ret < 0 && (errno == EAGAIN || errno == EINTR))
			continue;
		if (ret < 0) {
			perror("REPLY_AND_GET_CMD");
			break;
		}
		memset(&rep, 0, sizeof(rep));
		rep.cmd_h = get.cmd_h;
		if (get.subcode == SCST_USER_ATTACH_SESS && !saw_attach) {
			saw_attach = 1;
			rep.subcode = SCST_USER_EXEC;
			ret = ioctl(fd, SCST_USER_REPLY_CMD, &rep);
			expect(ret, errno, EINVAL, "a reply with the wrong subcode: EINVAL");
			rep.subcode = get.subcode;
			ret = ioctl(fd, SCST_USER_REPLY_CMD, &rep);
			expect(ret, errno, 0, "the right reply is then taken");
			ret = ioctl(fd, SCST_USER_REPLY_CMD, &rep);
			/* A session reply ends its user command: the handle is gone. */
			expect(ret, errno, ESRCH, "a second reply: ESRCH");
			continue;
		}
		rep.subcode = get.subcode;
		if (get.subcode == SCST_USER_ON_CACHED_MEM_FREE &&
		    get.on_cached_mem_free.pbuf == (uintptr_t)pre) {
			saw_pre = 1;
			expect(get.cmd_h == pre_h ? 0 : -1, EINVAL, 0,
			       "ON_CACHED_MEM_FREE of the preallocated buffer carries its cmd_h");
		}
		if (get.subcode == SCST_USER_EXEC && !saw_exec) {
			saw_exec = 1;
			rep.exec_reply.reply_type = SCST_EXEC_REPLY_COMPLETED;
			rep.exec_reply.resp_data_len = get.exec_cmd.bufflen + 4096;
			ret = ioctl(fd, SCST_USER_REPLY_CMD, &rep);
			expect(ret, errno, EINVAL,
			       "EXEC reply with more data than the buffer: EINVAL");
			ret = ioctl(fd, SCST_USER_REPLY_CMD, &rep);
			/*
			 * The bad reply ended the command: by now it is gone
			 * (ESRCH) or waits for its next step (EINVAL), as
			 * fast as the core finished it.
			 */
			expect(ret, errno, ret < 0 && errno == ESRCH ? ESRCH : EINVAL,
			       "a reply to the command the bad reply ended: ESRCH or EINVAL");
			continue;
		}
		if (get.subcode == SCST_USER_EXEC) {
			/* Everything else: CHECK CONDITION without sense. */
			rep.exec_reply.reply_type = SCST_EXEC_REPLY_COMPLETED;
			rep.exec_reply.status = 2;
		} else if (get.subcode == SCST_USER_ALLOC_MEM) {
			void *p;

			if (posix_memalign(&p, 4096, get.alloc_cmd.alloc_len))
				return 2;
			rep.alloc_reply.pbuf = (uintptr_t)p;
		}
		ioctl(fd, SCST_USER_REPLY_CMD, &rep);
	}
	if (!saw_attach || !saw_exec || !saw_pre) {
		printf("not ok - no session attach, EXEC or ON_CACHED_MEM_FREE came in 20 s\n");
		failures++;
	}
	ret = ioctl(fd, SCST_USER_UNREGISTER_DEVICE);
	expect(ret, errno, 0, "UNREGISTER_DEVICE");
	memset(&get, 0, sizeof(get));
	ret = ioctl(fd, SCST_USER_REPLY_AND_GET_CMD, &get);
	expect(ret, errno, ENODEV, "get after UNREGISTER_DEVICE: ENODEV");
	close(fd);
	return failures ? 1 : 0;
}
