// SPDX-License-Identifier: GPL-2.0
/*
 * A tiny user-space handler built against <scst/scst_user.h> and libc
 * alone (tools/Makefile: -std=c11 -pedantic-errors; C99 cannot be used,
 * it has no anonymous unions), proving the uapi header stands by itself.
 *
 *   header_alone NAME      register a 1 MiB zero-filled read-only disk
 *                          and serve it until killed
 *   header_alone --check   answer a made-up READ CAPACITY and an unknown
 *                          opcode without a kernel; exit 0 if right
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <scst/scst_user.h>

#define BLOCKS	2048u
#define BSIZE	512u

static uint8_t sense[18];

static void exec_cmd(struct scst_user_get_cmd *cmd,
		     struct scst_user_reply_cmd *reply)
{
	struct scst_user_scsi_cmd_exec *e = &cmd->exec_cmd;
	struct scst_user_scsi_cmd_reply_exec *r = &reply->exec_reply;
	uint8_t *buf = (uint8_t *)(uintptr_t)e->pbuf;
	int32_t len = e->bufflen;

	r->reply_type = SCST_EXEC_REPLY_COMPLETED;
	if (!buf && e->alloc_len > 0) {
		buf = calloc(1, (size_t)e->alloc_len);
		r->pbuf = (uintptr_t)buf;
		if (!buf) {
			r->status = 0x28;	/* TASK SET FULL */
			return;
		}
	}
	switch (e->cdb[0]) {
	case 0x00:				/* TEST UNIT READY */
		return;
	case 0x25:				/* READ CAPACITY(10) */
		if (len >= 8) {
			memset(buf, 0, 8);
			buf[2] = (BLOCKS - 1) >> 8;
			buf[3] = (BLOCKS - 1) & 0xff;
			buf[6] = BSIZE >> 8;
			r->resp_data_len = 8;
		}
		return;
	case 0x28:				/* READ(10): zeroes */
		if (buf && len > 0)
			memset(buf, 0, (size_t)len);
		r->resp_data_len = len;
		return;
	default:				/* ILLEGAL REQUEST, INVALID OPCODE */
		memset(sense, 0, sizeof(sense));
		sense[0] = 0x70;
		sense[2] = 0x05;
		sense[7] = 10;
		sense[12] = 0x20;
		r->status = 0x02;
		r->sense_len = sizeof(sense);
		r->psense_buffer = (uintptr_t)sense;
	}
}

static void handle(struct scst_user_get_cmd *cmd, struct scst_user_reply_cmd *reply)
{
	memset(reply, 0, sizeof(*reply));
	reply->cmd_h = cmd->cmd_h;
	reply->subcode = cmd->subcode;
	if (cmd->subcode == SCST_USER_EXEC)
		exec_cmd(cmd, reply);
	else if (cmd->subcode == SCST_USER_ON_FREE_CMD && !cmd->on_free_cmd.buffer_cached)
		free((void *)(uintptr_t)cmd->on_free_cmd.pbuf);
	else if (cmd->subcode == SCST_USER_ON_CACHED_MEM_FREE)
		free((void *)(uintptr_t)cmd->on_cached_mem_free.pbuf);
}

static int check(void)
{
	static struct scst_user_get_cmd cmd;
	static struct scst_user_reply_cmd reply;
	uint8_t buf[8];

	cmd.cmd_h = 7;
	cmd.subcode = SCST_USER_EXEC;
	cmd.exec_cmd.cdb[0] = 0x25;
	cmd.exec_cmd.bufflen = 8;
	cmd.exec_cmd.pbuf = (uintptr_t)buf;
	handle(&cmd, &reply);
	if (reply.cmd_h != 7 || reply.exec_reply.status || reply.exec_reply.resp_data_len != 8 ||
	    buf[2] != 0x07 || buf[3] != 0xff || buf[6] != 0x02) {
		printf("not ok - READ CAPACITY answered wrongly\n");
		return 1;
	}
	cmd.exec_cmd.cdb[0] = 0xd0;
	handle(&cmd, &reply);
	if (reply.exec_reply.status != 0x02 || sense[12] != 0x20) {
		printf("not ok - unknown opcode not refused\n");
		return 1;
	}
	printf("ok - header_alone handler answers without a kernel\n");
	return 0;
}

int main(int argc, char **argv)
{
	static struct scst_user_get_cmd cmd;
	static struct scst_user_reply_cmd reply;
	struct scst_user_dev_desc desc;
	int fd;

	if (argc == 2 && !strcmp(argv[1], "--check"))
		return check();
	if (argc != 2 || strlen(argv[1]) >= SCST_MAX_NAME) {
		fprintf(stderr, "usage: header_alone NAME | --check\n");
		return 2;
	}
	fd = open(DEV_USER_PATH DEV_USER_NAME, O_RDWR);
	if (fd < 0) {
		perror("header_alone: open " DEV_USER_PATH DEV_USER_NAME);
		return 1;
	}
	memset(&desc, 0, sizeof(desc));
	desc.version_str = (uintptr_t)DEV_USER_VERSION;
	desc.license_str = (uintptr_t)"GPL";
	desc.type = 0;
	desc.block_size = BSIZE;
	desc.opt.memory_reuse_type = SCST_USER_MEM_NO_REUSE;
	strcpy(desc.name, argv[1]);
	if (ioctl(fd, SCST_USER_REGISTER_DEVICE, &desc) < 0) {
		perror("header_alone: SCST_USER_REGISTER_DEVICE");
		return 1;
	}
	printf("header_alone: %s ready\n", argv[1]);
	fflush(stdout);
	cmd.preply = 0;
	for (;;) {
		if (ioctl(fd, SCST_USER_REPLY_AND_GET_CMD, &cmd) < 0) {
			if (errno == EINTR || errno == EAGAIN) {
				cmd.preply = 0;
				continue;
			}
			perror("header_alone: SCST_USER_REPLY_AND_GET_CMD");
			return errno == ENODEV ? 0 : 1;
		}
		handle(&cmd, &reply);
		cmd.preply = (uintptr_t)&reply;
	}
}
