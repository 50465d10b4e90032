// SPDX-License-Identifier: GPL-2.0
/*
 * scst_fileio: executing the SCSI commands a Linux initiator sends to a
 * disk (SPC-4, SBC-3). The CDB is decoded here, not taken from the
 * kernel's parse, so the same code answers PARSE and EXEC and can be
 * tested without a kernel. REPORT LUNS belongs to the kernel; anything
 * not listed in fio_exec() is an invalid operation code.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

/* Sense keys and additional sense codes used here (SPC-4 4.5.6). */
#define SK_NO_SENSE		0x0
#define SK_MEDIUM_ERROR		0x3
#define SK_HARDWARE_ERROR	0x4
#define SK_ILLEGAL_REQUEST	0x5
#define SK_DATA_PROTECT		0x7

#define ASC_INVALID_OPCODE	0x20
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD_CDB	0x24
#define ASC_INVALID_FIELD_PARM	0x26
#define ASC_WRITE_PROTECTED	0x27
#define ASC_SAVING_NOT_SUPP	0x39
#define ASC_WRITE_ERROR		0x0c
#define ASC_READ_ERROR		0x11
#define ASC_INTERNAL_FAILURE	0x44

#define VENDOR_ID		"SCST_USR"
#define PRODUCT_REV		"NG01"

/* WRITE SAME fills the range through a scratch buffer of this size. */
#define WS_CHUNK		(1024 * 1024)
/* The longest WRITE SAME accepted, in bytes (VPD page B0h). */
#define WS_MAX_BYTES		(256ULL * 1024 * 1024)

static uint16_t get_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t get_be64(const uint8_t *p)
{
	return (uint64_t)get_be32(p) << 32 | get_be32(p + 4);
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = v >> 8;
	p[1] = v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void put_be64(uint8_t *p, uint64_t v)
{
	put_be32(p, v >> 32);
	put_be32(p + 4, (uint32_t)v);
}

int fio_dev_init(struct fio_dev *dev)
{
	uint64_t h = 0xcbf29ce484222325ULL;	/* FNV-1a */
	const char *s;

	switch (dev->block_size) {
	case 512:
		dev->block_shift = 9;
		break;
	case 1024:
		dev->block_shift = 10;
		break;
	case 2048:
		dev->block_shift = 11;
		break;
	case 4096:
		dev->block_shift = 12;
		break;
	default:   return -EINVAL;
	}
	for (s = dev->name; *s; s++) {
		h ^= (uint8_t)*s;
		h *= 0x100000001b3ULL;
	}
	dev->id = h;
	return 0;
}

/* Build sense data in @sense in the format the device uses; returns its length. */
static int build_sense(const struct fio_dev *dev, uint8_t *sense, int desc,
		       uint8_t key, uint8_t asc, uint8_t ascq)
{
	(void)dev;
	if (desc) {
		memset(sense, 0, FIO_DESC_SENSE_LEN);
		sense[0] = 0x72;	/* current, descriptor format */
		sense[1] = key;
		sense[2] = asc;
		sense[3] = ascq;
		return FIO_DESC_SENSE_LEN;
	}
	memset(sense, 0, FIO_FIXED_SENSE_LEN);
	sense[0] = 0x70;		/* current, fixed format */
	sense[2] = key;
	sense[7] = FIO_FIXED_SENSE_LEN - 8;
	sense[12] = asc;
	sense[13] = ascq;
	return FIO_FIXED_SENSE_LEN;
}

struct fio_ctx {
	struct fio_dev *dev;
	const struct scst_user_scsi_cmd_exec *cmd;
	const uint8_t *cdb;
	uint8_t *buf;
	uint32_t bufflen;
	struct scst_user_scsi_cmd_reply_exec *reply;
	uint8_t *sense;
};

static void fail(struct fio_ctx *c, uint8_t key, uint8_t asc, uint8_t ascq)
{
	struct scst_user_scsi_cmd_reply_exec *r = c->reply;

	r->status = FIO_CHECK_CONDITION;
	r->resp_data_len = 0;
	r->sense_len = build_sense(c->dev, c->sense, c->dev->opt.d_sense,
				   key, asc, ascq);
	r->psense_buffer = (uintptr_t)c->sense;
}

static void fail_cdb(struct fio_ctx *c)
{
	fail(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_CDB, 0);
}

/* Return @len bytes of @data, cut to the allocation length and the buffer. */
static void respond(struct fio_ctx *c, const void *data, uint32_t len,
		    uint32_t alloc_len)
{
	if (len > alloc_len)
		len = alloc_len;
	if (len > c->bufflen)
		len = c->bufflen;
	if (len && !c->buf) {
		fail(c, SK_HARDWARE_ERROR, ASC_INTERNAL_FAILURE, 0);
		return;
	}
	memcpy(c->buf, data, len);
	c->reply->resp_data_len = (int32_t)len;
}

static void exec_inquiry(struct fio_ctx *c)
{
	const struct fio_dev *dev = c->dev;
	const uint8_t *cdb = c->cdb;
	uint32_t alloc_len = get_be16(cdb + 3);
	uint8_t d[256];
	uint32_t len;
	size_t n;

	memset(d, 0, sizeof(d));
	if (cdb[1] & 0x02) {		/* CMDDT: obsolete */
		fail_cdb(c);
		return;
	}
	if (!(cdb[1] & 0x01)) {
		if (cdb[2]) {		/* a page code without EVPD */
			fail_cdb(c);
			return;
		}
		d[0] = 0x00;		/* direct access block device */
		d[2] = 0x06;		/* SPC-4 */
		d[3] = 0x12;		/* HISUP, response data format 2 */
		d[4] = 36 - 5;
		d[7] = 0x02;		/* CMDQUE */
		memcpy(d + 8, VENDOR_ID, 8);
		memset(d + 16, ' ', 16);
		n = strlen(dev->name);
		memcpy(d + 16, dev->name, n > 16 ? 16 : n);
		memcpy(d + 32, PRODUCT_REV, 4);
		respond(c, d, 36, alloc_len);
		return;
	}

	d[1] = cdb[2];
	switch (cdb[2]) {
	case 0x00:			/* supported VPD pages */
		d[4] = 0x00;
		d[5] = 0x80;
		d[6] = 0x83;
		d[7] = 0xb0;
		d[8] = 0xb1;
		len = 5;
		break;
	case 0x80:			/* unit serial number */
		len = 16;
		for (n = 0; n < 16; n++)
			d[4 + n] = "0123456789abcdef"[(dev->id >> (60 - 4 * n)) & 0xf];
		break;
	case 0x83: {			/* device identification */
		uint8_t *p = d + 4;
		size_t nl = strlen(dev->name);

		/* T10 vendor ID: "SCST_USR" and the device name, ASCII. */
		if (nl > 64)
			nl = 64;
		p[0] = 0x02;		/* code set ASCII */
		p[1] = 0x01;		/* association LU, type T10 vendor ID */
		p[3] = (uint8_t)(8 + nl);
		memcpy(p + 4, VENDOR_ID, 8);
		memcpy(p + 12, dev->name, nl);
		p += 4 + p[3];
		/* NAA 3 (locally assigned), from the name's hash. */
		p[0] = 0x01;		/* code set binary */
		p[1] = 0x03;		/* association LU, type NAA */
		p[3] = 8;
		put_be64(p + 4, (dev->id & 0x0fffffffffffffffULL) |
				0x3000000000000000ULL);
		p += 12;
		len = (uint32_t)(p - (d + 4));
		break;
	}
	case 0xb0:			/* block limits */
		len = 0x3c;
		d[4] = 0x01;		/* WSNZ: WRITE SAME of 0 blocks refused */
		put_be16(d + 6, 1);	/* optimal transfer length granularity */
		put_be64(d + 36, WS_MAX_BYTES >> dev->block_shift);
		break;
	case 0xb1:			/* block device characteristics */
		len = 0x3c;
		put_be16(d + 4, 1);	/* non-rotating medium */
		break;
	default:
		fail_cdb(c);
		return;
	}
	put_be16(d + 2, (uint16_t)len);
	respond(c, d, len + 4, alloc_len);
}

static void exec_request_sense(struct fio_ctx *c)
{
	uint8_t d[FIO_FIXED_SENSE_LEN];
	int len;

	/* Sense is returned with each CHECK CONDITION; nothing is pending. */
	len = build_sense(c->dev, d, c->cdb[1] & 0x01, SK_NO_SENSE, 0, 0);
	respond(c, d, (uint32_t)len, c->cdb[4]);
}

static void exec_read_capacity10(struct fio_ctx *c)
{
	uint64_t last = c->dev->nblocks ? c->dev->nblocks - 1 : 0;
	uint8_t d[8];

	put_be32(d, last > 0xfffffffeULL ? 0xffffffffU : (uint32_t)last);
	put_be32(d + 4, c->dev->block_size);
	respond(c, d, sizeof(d), sizeof(d));
}

static void exec_read_capacity16(struct fio_ctx *c)
{
	uint8_t d[32];

	memset(d, 0, sizeof(d));
	put_be64(d, c->dev->nblocks ? c->dev->nblocks - 1 : 0);
	put_be32(d + 8, c->dev->block_size);
	respond(c, d, sizeof(d), get_be32(c->cdb + 10));
}

/* Caching (08h) and Control (0Ah) mode pages; @changeable: the mask. */
static size_t caching_page(const struct fio_dev *dev, uint8_t *p, int changeable)
{
	memset(p, 0, 20);
	p[0] = 0x08;
	p[1] = 18;
	if (!changeable && !dev->wt)
		p[2] = 0x04;		/* WCE */
	return 20;
}

static size_t control_page(const struct fio_dev *dev, uint8_t *p, int changeable)
{
	memset(p, 0, 12);
	p[0] = 0x0a;
	p[1] = 10;
	if (changeable)
		return 12;
	p[2] = (uint8_t)((dev->opt.tst & 7) << 5 | (dev->opt.d_sense ? 0x04 : 0));
	p[3] = (uint8_t)((dev->opt.queue_alg & 0xf) << 4 | (dev->opt.qerr & 3) << 1);
	p[4] = dev->opt.swp ? 0x08 : 0;
	p[5] = dev->opt.tas ? 0x40 : 0;
	put_be16(p + 8, 0xffff);	/* busy timeout period: unlimited */
	return 12;
}

static void exec_mode_sense(struct fio_ctx *c)
{
	const struct fio_dev *dev = c->dev;
	const uint8_t *cdb = c->cdb;
	int ten = cdb[0] == 0x5a;
	int dbd = cdb[1] & 0x08;
	int pc = cdb[2] >> 6;
	int page = cdb[2] & 0x3f;
	int subpage = cdb[3];
	uint32_t alloc_len = ten ? get_be16(cdb + 7) : cdb[4];
	uint8_t d[128];
	size_t hdr = ten ? 8 : 4, off;
	uint8_t devspec = (dev->rd_only ? 0x80 : 0) | 0x10;	/* WP, DPOFUA */

	if (pc == 3) {
		fail(c, SK_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPP, 0);
		return;
	}
	if (subpage && !(page == 0x3f && subpage == 0xff)) {
		fail_cdb(c);
		return;
	}
	if (page != 0x08 && page != 0x0a && page != 0x3f) {
		fail_cdb(c);
		return;
	}

	memset(d, 0, sizeof(d));
	off = hdr;
	if (!dbd) {
		uint64_t n = dev->nblocks;

		put_be32(d + off, n > 0xffffffffULL ? 0xffffffffU : (uint32_t)n);
		put_be32(d + off + 4, dev->block_size & 0xffffff);
		off += 8;
	}
	if (page == 0x08 || page == 0x3f)
		off += caching_page(dev, d + off, pc == 1);
	if (page == 0x0a || page == 0x3f)
		off += control_page(dev, d + off, pc == 1);

	if (ten) {
		put_be16(d, (uint16_t)(off - 2));
		d[3] = devspec;
		d[7] = dbd ? 0 : 8;
	} else {
		d[0] = (uint8_t)(off - 1);
		d[2] = devspec;
		d[3] = dbd ? 0 : 8;
	}
	respond(c, d, (uint32_t)off, alloc_len);
}

static void exec_mode_select(struct fio_ctx *c)
{
	uint32_t len = c->cdb[0] == 0x55 ? get_be16(c->cdb + 7) : c->cdb[4];

	/*
	 * No mode parameter is changeable (the changeable-values mask is all
	 * zeroes), so an empty parameter list is all that can be accepted.
	 */
	if (len)
		fail(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_PARM, 0);
}

/* A media access: where, how many blocks, and the CDB's flags. */
struct fio_rw {
	uint64_t lba;
	uint32_t blocks;
	uint8_t flags;		/* CDB byte 1 */
};

/* Decode the LBA and length of a media command; 0 if @cdb is not one. */
static int decode_rw(const uint8_t *cdb, struct fio_rw *rw)
{
	rw->flags = cdb[1];
	switch (cdb[0]) {
	case 0x08: case 0x0a:				/* READ/WRITE(6) */
		rw->lba = (uint64_t)(cdb[1] & 0x1f) << 16 | get_be16(cdb + 2);
		rw->blocks = cdb[4] ? cdb[4] : 256;
		rw->flags = 0;
		return 1;
	case 0x28: case 0x2a: case 0x2f: case 0x35: case 0x41:
		rw->lba = get_be32(cdb + 2);
		rw->blocks = get_be16(cdb + 7);
		return 1;
	case 0xa8: case 0xaa:
		rw->lba = get_be32(cdb + 2);
		rw->blocks = get_be32(cdb + 6);
		return 1;
	case 0x88: case 0x8a: case 0x8f: case 0x91: case 0x93:
		rw->lba = get_be64(cdb + 2);
		rw->blocks = get_be32(cdb + 10);
		return 1;
	default:
		return 0;
	}
}

static int in_range(const struct fio_dev *dev, const struct fio_rw *rw)
{
	return rw->lba <= dev->nblocks && rw->blocks <= dev->nblocks - rw->lba;
}

static int is_write(uint8_t op)
{
	return op == 0x0a || op == 0x2a || op == 0xaa || op == 0x8a ||
	       op == 0x41 || op == 0x93;
}

static int do_pread(struct fio_ctx *c, uint8_t *p, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pread(c->dev->fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int do_pwrite(struct fio_ctx *c, const uint8_t *p, size_t len, off_t off)
{
	ssize_t n;

	while (len) {
		n = pwrite(c->dev->fd, p, len, off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
		off += n;
	}
	return 0;
}

static int do_sync(struct fio_ctx *c)
{
	if (c->dev->nullio)
		return 0;
	return fdatasync(c->dev->fd);
}

static void exec_read(struct fio_ctx *c, const struct fio_rw *rw)
{
	uint64_t len = (uint64_t)rw->blocks << c->dev->block_shift;

	/* The initiator may ask for less than the CDB says: send that much. */
	if (len > c->bufflen)
		len = c->bufflen & ~(uint64_t)(c->dev->block_size - 1);
	if (len && !c->buf) {
		fail(c, SK_HARDWARE_ERROR, ASC_INTERNAL_FAILURE, 0);
		return;
	}
	if (c->dev->nullio) {
		memset(c->buf, 0, len);
	} else if (do_pread(c, c->buf, len, (off_t)(rw->lba << c->dev->block_shift))) {
		fail(c, SK_MEDIUM_ERROR, ASC_READ_ERROR, 0);
		return;
	}
	c->reply->resp_data_len = (int32_t)len;
}

static void exec_write(struct fio_ctx *c, const struct fio_rw *rw)
{
	uint64_t len = (uint64_t)rw->blocks << c->dev->block_shift;

	if (len > c->bufflen)
		len = c->bufflen & ~(uint64_t)(c->dev->block_size - 1);
	if (len && !c->buf) {
		fail(c, SK_HARDWARE_ERROR, ASC_INTERNAL_FAILURE, 0);
		return;
	}
	if (c->dev->nullio)
		return;
	if (do_pwrite(c, c->buf, len, (off_t)(rw->lba << c->dev->block_shift))) {
		fail(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
		return;
	}
	/* FUA: on stable storage before GOOD (write-through is O_DSYNC already). */
	if ((rw->flags & 0x08) && !c->dev->wt && do_sync(c))
		fail(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
}

static void exec_write_same(struct fio_ctx *c, const struct fio_rw *rw)
{
	const struct fio_dev *dev = c->dev;
	uint32_t bs = dev->block_size;
	uint64_t left = (uint64_t)rw->blocks << dev->block_shift;
	off_t off = (off_t)(rw->lba << dev->block_shift);
	size_t chunk, i;
	void *scratch;

	/* UNMAP, ANCHOR, the obsolete PBDATA/LBDATA, and NDOB (16 only). */
	if ((rw->flags & 0x1e) || (c->cdb[0] == 0x93 && (rw->flags & 0x01)) ||
	    !rw->blocks || left > WS_MAX_BYTES) {
		fail_cdb(c);
		return;
	}
	if (c->bufflen < bs || !c->buf) {
		fail(c, SK_ILLEGAL_REQUEST, ASC_INVALID_FIELD_PARM, 0);
		return;
	}
	if (dev->nullio)
		return;
	chunk = left < WS_CHUNK ? (size_t)left : WS_CHUNK;
	if (posix_memalign(&scratch, 4096, chunk)) {
		fail(c, SK_HARDWARE_ERROR, ASC_INTERNAL_FAILURE, 0);
		return;
	}
	for (i = 0; i < chunk; i += bs)
		memcpy((uint8_t *)scratch + i, c->buf, bs);
	while (left) {
		size_t n = left < chunk ? (size_t)left : chunk;

		if (do_pwrite(c, scratch, n, off)) {
			fail(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
			break;
		}
		off += (off_t)n;
		left -= n;
	}
	free(scratch);
}

static void exec_media(struct fio_ctx *c)
{
	struct fio_dev *dev = c->dev;
	uint8_t op = c->cdb[0];
	struct fio_rw rw;

	decode_rw(c->cdb, &rw);
	if ((op == 0x2f || op == 0x8f) && (rw.flags & 0x06)) {
		fail_cdb(c);		/* VERIFY with BYTCHK: not supported */
		return;
	}
	if ((op == 0x35 || op == 0x91) && !rw.blocks) {
		/* SYNCHRONIZE CACHE of 0 blocks: up to the last LBA */
		if (rw.lba > dev->nblocks) {
			fail(c, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
			return;
		}
	} else if (!in_range(dev, &rw)) {
		fail(c, SK_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE, 0);
		return;
	}
	if (is_write(op) && dev->rd_only) {
		fail(c, SK_DATA_PROTECT, ASC_WRITE_PROTECTED, 0);
		return;
	}

	switch (op) {
	case 0x08: case 0x28: case 0xa8: case 0x88:
		exec_read(c, &rw);
		break;
	case 0x0a: case 0x2a: case 0xaa: case 0x8a:
		exec_write(c, &rw);
		break;
	case 0x41: case 0x93:
		exec_write_same(c, &rw);
		break;
	case 0x35: case 0x91:
		if (do_sync(c))
			fail(c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
		break;
	default:			/* VERIFY, BYTCHK 0: the range exists */
		break;
	}
}

void fio_exec(struct fio_dev *dev, const struct scst_user_scsi_cmd_exec *cmd,
	      uint8_t *buf, struct scst_user_scsi_cmd_reply_exec *reply,
	      uint8_t *sense)
{
	struct fio_ctx c = {
		.dev = dev,
		.cmd = cmd,
		.cdb = cmd->cdb,
		.buf = buf,
		.bufflen = cmd->bufflen > 0 ? (uint32_t)cmd->bufflen : 0,
		.reply = reply,
		.sense = sense,
	};

	reply->reply_type = SCST_EXEC_REPLY_COMPLETED;
	reply->status = FIO_GOOD;
	reply->resp_data_len = 0;
	reply->sense_len = 0;
	reply->psense_buffer = 0;

	switch (cmd->cdb[0]) {
	case 0x00:				/* TEST UNIT READY */
	case 0x1e:				/* PREVENT ALLOW MEDIUM REMOVAL */
		break;
	case 0x03:
		exec_request_sense(&c);
		break;
	case 0x12:
		exec_inquiry(&c);
		break;
	case 0x25:
		exec_read_capacity10(&c);
		break;
	case 0x9e:				/* SERVICE ACTION IN(16) */
		if ((cmd->cdb[1] & 0x1f) == 0x10)
			exec_read_capacity16(&c);
		else
			fail_cdb(&c);
		break;
	case 0x1a: case 0x5a:
		exec_mode_sense(&c);
		break;
	case 0x15: case 0x55:
		exec_mode_select(&c);
		break;
	case 0x1b:				/* START STOP UNIT */
		if (do_sync(&c))
			fail(&c, SK_MEDIUM_ERROR, ASC_WRITE_ERROR, 0);
		break;
	case 0x08: case 0x28: case 0xa8: case 0x88:
	case 0x0a: case 0x2a: case 0xaa: case 0x8a:
	case 0x2f: case 0x8f:
	case 0x35: case 0x91:
	case 0x41: case 0x93:
		exec_media(&c);
		break;
	default:				/* REPORT LUNS included: the kernel's */
		fail(&c, SK_ILLEGAL_REQUEST, ASC_INVALID_OPCODE, 0);
		break;
	}
}

void fio_parse(struct fio_dev *dev, const struct scst_user_scsi_cmd_parse *cmd,
	       struct scst_user_scsi_cmd_reply_parse *reply)
{
	const uint8_t *cdb = cmd->cdb;
	uint8_t dir = SCST_USER_DATA_NONE;
	int64_t len = 0;
	struct fio_rw rw;

	switch (cdb[0]) {
	case 0x12:
		dir = SCST_USER_DATA_READ;
		len = get_be16(cdb + 3);
		break;
	case 0x03:
		dir = SCST_USER_DATA_READ;
		len = cdb[4];
		break;
	case 0x25:
		dir = SCST_USER_DATA_READ;
		len = 8;
		break;
	case 0x9e:
		dir = SCST_USER_DATA_READ;
		len = get_be32(cdb + 10);
		break;
	case 0x1a:
		dir = SCST_USER_DATA_READ;
		len = cdb[4];
		break;
	case 0x5a:
		dir = SCST_USER_DATA_READ;
		len = get_be16(cdb + 7);
		break;
	case 0x15:
		dir = SCST_USER_DATA_WRITE;
		len = cdb[4];
		break;
	case 0x55:
		dir = SCST_USER_DATA_WRITE;
		len = get_be16(cdb + 7);
		break;
	case 0xa0:
		dir = SCST_USER_DATA_READ;
		len = get_be32(cdb + 6);
		break;
	case 0x00: case 0x1b: case 0x1e:
		break;
	default:
		if (!decode_rw(cdb, &rw)) {
			/*
			 * Unknown to us: take the initiator's word for the
			 * transfer; EXEC then fails it with INVALID OPCODE.
			 */
			if (cmd->expected_values_set) {
				dir = cmd->expected_data_direction;
				len = cmd->expected_transfer_len;
			}
			break;
		}
		if (is_write(cdb[0]))
			dir = SCST_USER_DATA_WRITE;
		else if (cdb[0] == 0x08 || cdb[0] == 0x28 || cdb[0] == 0xa8 ||
			 cdb[0] == 0x88)
			dir = SCST_USER_DATA_READ;
		if (cdb[0] == 0x41 || cdb[0] == 0x93)
			len = dev->block_size;
		else if (dir != SCST_USER_DATA_NONE)
			len = (int64_t)rw.blocks << dev->block_shift;
		reply->lba = (int64_t)rw.lba;
		break;
	}
	if (len > 0x7fffffff)
		len = 0x7fffffff;
	reply->status = 0;
	reply->queue_type = cmd->queue_type;
	reply->data_direction = dir;
	reply->cdb_len = cmd->cdb_len;
	reply->data_len = len;
	reply->bufflen = (int32_t)len;
	reply->op_flags = cmd->op_flags;
	reply->out_bufflen = 0;
}
