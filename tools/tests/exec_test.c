// SPDX-License-Identifier: GPL-2.0
/*
 * scst_fileio's command execution without a kernel: each test builds an
 * EXEC subcommand (the CDB, a data buffer) as the kernel would, calls
 * fio_exec(), and checks the status, the sense and the data. Also the
 * buffer table (bufs.c) and PARSE answers.
 *
 * Output: "ok N - name" / "not ok N - name: why", then "N passed, M failed".
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"

static int passed, failed, cur_failed;
static const char *cur_name;

static void expect(int cond, const char *fmt, ...)
{
	va_list ap;

	if (cond || cur_failed)
		return;
	cur_failed = 1;
	printf("not ok %d - %s: ", passed + failed + 1, cur_name);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static void begin(const char *name)
{
	cur_name = name;
	cur_failed = 0;
}

static void end(void)
{
	if (cur_failed) {
		failed++;
		return;
	}
	passed++;
	printf("ok %d - %s\n", passed + failed, cur_name);
}

struct result {
	struct scst_user_scsi_cmd_reply_exec reply;
	uint8_t sense[SCST_SENSE_BUFFERSIZE];
};

static uint8_t data[1 << 18] __attribute__((aligned(4096)));

static void run(struct fio_dev *dev, const uint8_t *cdb, unsigned int cdb_len,
		int32_t bufflen, struct result *res)
{
	struct scst_user_scsi_cmd_exec cmd;

	memset(&cmd, 0, sizeof(cmd));
	memset(res, 0xa5, sizeof(*res));
	memcpy(cmd.cdb, cdb, cdb_len);
	cmd.cdb_len = (uint16_t)cdb_len;
	cmd.bufflen = bufflen;
	cmd.pbuf = bufflen ? (uintptr_t)data : 0;
	fio_exec(dev, &cmd, bufflen ? data : NULL, &res->reply, res->sense);
}

/* Expect GOOD with @len bytes of data. */
static void expect_good(const struct result *r, int32_t len)
{
	expect(r->reply.status == FIO_GOOD, "status %#x, sense %02x/%02x/%02x",
	       r->reply.status, r->sense[2], r->sense[12], r->sense[13]);
	expect(r->reply.resp_data_len == len, "resp_data_len %d, want %d",
	       r->reply.resp_data_len, len);
	expect(r->reply.reply_type == SCST_EXEC_REPLY_COMPLETED, "reply_type %u",
	       r->reply.reply_type);
}

/* Expect CHECK CONDITION with fixed-format sense key/asc/ascq. */
static void expect_sense(const struct result *r, uint8_t key, uint8_t asc, uint8_t ascq)
{
	const uint8_t *s = (const uint8_t *)(uintptr_t)r->reply.psense_buffer;

	expect(r->reply.status == FIO_CHECK_CONDITION, "status %#x, want 02",
	       r->reply.status);
	expect(s == r->sense, "psense_buffer does not point at the sense buffer");
	if (s != r->sense)
		return;
	expect(r->reply.sense_len == FIO_FIXED_SENSE_LEN, "sense_len %u", r->reply.sense_len);
	expect(s[0] == 0x70 && s[7] == 10, "not fixed format: %02x, %02x", s[0], s[7]);
	expect(s[2] == key && s[12] == asc && s[13] == ascq,
	       "sense %02x/%02x/%02x, want %02x/%02x/%02x",
	       s[2], s[12], s[13], key, asc, ascq);
	expect(r->reply.resp_data_len == 0, "data with an error: %d",
	       r->reply.resp_data_len);
}

static void init_dev(struct fio_dev *dev, int nullio, int fd, uint64_t nblocks)
{
	memset(dev, 0, sizeof(*dev));
	dev->name = "disk1";
	dev->nullio = nullio;
	dev->fd = fd;
	dev->block_size = 512;
	dev->nblocks = nblocks;
	if (fio_dev_init(dev))
		abort();
}

static void test_inquiry(struct fio_dev *dev)
{
	static const uint8_t std[6] = { 0x12, 0, 0, 0, 96, 0 };
	static const uint8_t vpd0[6] = { 0x12, 1, 0x00, 0, 255, 0 };
	static const uint8_t vpd83[6] = { 0x12, 1, 0x83, 0, 255, 0 };
	static const uint8_t vpdb0[6] = { 0x12, 1, 0xb0, 0, 255, 0 };
	static const uint8_t vpdb1[6] = { 0x12, 1, 0xb1, 0, 255, 0 };
	static const uint8_t badpage[6] = { 0x12, 1, 0x99, 0, 255, 0 };
	static const uint8_t nopage_evpd[6] = { 0x12, 0, 0x80, 0, 255, 0 };
	static const uint8_t short_alloc[6] = { 0x12, 0, 0, 0, 5, 0 };
	struct result r;

	begin("INQUIRY standard data");
	run(dev, std, 6, 96, &r);
	expect_good(&r, 36);
	expect(data[0] == 0x00, "peripheral type %#x", data[0]);
	expect(data[2] == 0x06, "version %#x", data[2]);
	expect(data[4] == 31, "additional length %u", data[4]);
	expect(!memcmp(data + 8, "SCST_USR", 8), "vendor %.8s", (char *)data + 8);
	expect(!memcmp(data + 16, "disk1           ", 16), "product %.16s",
	       (char *)data + 16);
	end();

	begin("INQUIRY cut to the allocation length");
	run(dev, short_alloc, 6, 5, &r);
	expect_good(&r, 5);
	end();

	begin("INQUIRY VPD 00h lists 00 80 83 b0 b1");
	run(dev, vpd0, 6, 255, &r);
	expect_good(&r, 9);
	expect(data[1] == 0 && data[3] == 5 && data[4] == 0 && data[5] == 0x80 &&
	       data[6] == 0x83 && data[7] == 0xb0 && data[8] == 0xb1,
	       "page %02x %02x %02x %02x %02x", data[4], data[5], data[6],
	       data[7], data[8]);
	end();

	begin("INQUIRY VPD 83h has a T10 vendor ID and an NAA ID");
	run(dev, vpd83, 6, 255, &r);
	expect(r.reply.status == FIO_GOOD, "status %#x", r.reply.status);
	expect(data[1] == 0x83, "page code %#x", data[1]);
	expect(data[5] == 0x01 && !memcmp(data + 8, "SCST_USR", 8) &&
	       !memcmp(data + 16, "disk1", 5), "first designator wrong");
	{
		unsigned int o = 4 + 4 + data[7];

		expect(data[o + 1] == 0x03 && data[o + 3] == 8 && (data[o + 4] >> 4) == 3,
		       "second designator not NAA 3 (%02x %02x %02x)",
		       data[o + 1], data[o + 3], data[o + 4]);
		expect(r.reply.resp_data_len == (int32_t)(o + 12),
		       "length %d, want %u", r.reply.resp_data_len, o + 12);
	}
	end();

	begin("INQUIRY VPD B0h has WSNZ and a WRITE SAME limit");
	run(dev, vpdb0, 6, 255, &r);
	expect_good(&r, 64);
	expect(data[3] == 0x3c && (data[4] & 1), "page length %#x, WSNZ %d",
	       data[3], data[4] & 1);
	end();

	begin("INQUIRY VPD B1h says non-rotating");
	run(dev, vpdb1, 6, 255, &r);
	expect_good(&r, 64);
	expect(data[4] == 0 && data[5] == 1, "rotation rate %02x%02x", data[4], data[5]);
	end();

	begin("INQUIRY unknown VPD page: 05/24/00");
	run(dev, badpage, 6, 255, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();

	begin("INQUIRY page code without EVPD: 05/24/00");
	run(dev, nopage_evpd, 6, 255, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();
}

static void test_capacity(struct fio_dev *dev)
{
	static const uint8_t rc10[10] = { 0x25 };
	static const uint8_t rc16[16] = { 0x9e, 0x10, [13] = 32 };
	static const uint8_t bad_sa[16] = { 0x9e, 0x11, [13] = 32 };
	struct result r;
	struct fio_dev big = *dev;

	begin("READ CAPACITY(10)");
	run(dev, rc10, 10, 8, &r);
	expect_good(&r, 8);
	expect(data[0] == 0 && data[1] == 0 && data[2] == 0x07 && data[3] == 0xff,
	       "last LBA %02x%02x%02x%02x", data[0], data[1], data[2], data[3]);
	expect(data[6] == 0x02 && data[7] == 0x00, "block size %02x%02x", data[6], data[7]);
	end();

	begin("READ CAPACITY(10) over 2^32 blocks says ffffffff");
	big.nblocks = 1ULL << 33;
	run(&big, rc10, 10, 8, &r);
	expect_good(&r, 8);
	expect(data[0] == 0xff && data[1] == 0xff && data[2] == 0xff && data[3] == 0xff,
	       "last LBA %02x%02x%02x%02x", data[0], data[1], data[2], data[3]);
	end();

	begin("READ CAPACITY(16)");
	run(&big, rc16, 16, 32, &r);
	expect_good(&r, 32);
	expect(data[3] == 0x01 && data[4] == 0xff && data[7] == 0xff,
	       "last LBA %02x%02x%02x%02x%02x", data[3], data[4], data[5], data[6], data[7]);
	expect(data[10] == 0x02 && data[11] == 0x00, "block size");
	end();

	begin("SERVICE ACTION IN(16) other than READ CAPACITY: 05/24/00");
	run(dev, bad_sa, 16, 32, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();
}

static void test_errors(struct fio_dev *dev)
{
	static const uint8_t read_past[10] = { 0x28, 0, 0, 0, 0x07, 0xff, 0, 0, 2, 0 };
	static const uint8_t read16_huge[16] = { 0x88, 0, 0xff, 0xff, 0xff, 0xff,
						 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 1 };
	static const uint8_t write10[10] = { 0x2a, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t ws10[10] = { 0x41, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t ws_unmap[10] = { 0x41, 0x08, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t ws_zero[10] = { 0x41, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t log_sense[10] = { 0x4d };
	static const uint8_t report_luns[12] = { 0xa0, [9] = 16 };
	static const uint8_t verify_bytchk[10] = { 0x2f, 0x02, 0, 0, 0, 0, 0, 0, 1, 0 };
	static const uint8_t verify[10] = { 0x2f, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
	static const uint8_t verify_past[16] = { 0x8f, 0, 0, 0, 0, 0, 0, 0, 0x08, 0,
						 0, 0, 0, 1 };
	static const uint8_t msel[6] = { 0x15, 0x10, 0, 0, 12, 0 };
	static const uint8_t msel0[6] = { 0x15, 0x10, 0, 0, 0, 0 };
	struct fio_dev ro = *dev, desc = *dev;
	struct result r;

	begin("READ(10) past the end: 05/21/00");
	run(dev, read_past, 10, 1024, &r);
	expect_sense(&r, 0x05, 0x21, 0x00);
	end();

	begin("READ(16) at LBA 2^64-1: 05/21/00, no overflow");
	run(dev, read16_huge, 16, 512, &r);
	expect_sense(&r, 0x05, 0x21, 0x00);
	end();

	begin("VERIFY(16) past the end: 05/21/00");
	run(dev, verify_past, 16, 0, &r);
	expect_sense(&r, 0x05, 0x21, 0x00);
	end();

	begin("WRITE(10) on a read-only device: 07/27/00");
	ro.rd_only = 1;
	run(&ro, write10, 10, 512, &r);
	expect_sense(&r, 0x07, 0x27, 0x00);
	end();

	begin("WRITE SAME(10) on a read-only device: 07/27/00");
	run(&ro, ws10, 10, 512, &r);
	expect_sense(&r, 0x07, 0x27, 0x00);
	end();

	begin("unknown opcode (LOG SENSE): 05/20/00");
	run(dev, log_sense, 10, 0, &r);
	expect_sense(&r, 0x05, 0x20, 0x00);
	end();

	begin("REPORT LUNS is the kernel's: 05/20/00");
	run(dev, report_luns, 12, 16, &r);
	expect_sense(&r, 0x05, 0x20, 0x00);
	end();

	begin("VERIFY(10) with BYTCHK: 05/24/00");
	run(dev, verify_bytchk, 10, 512, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();

	begin("VERIFY(10) BYTCHK 0 in range: GOOD");
	run(dev, verify, 10, 0, &r);
	expect_good(&r, 0);
	end();

	begin("WRITE SAME(10) with UNMAP: 05/24/00");
	run(dev, ws_unmap, 10, 512, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();

	begin("WRITE SAME(10) of 0 blocks (WSNZ): 05/24/00");
	run(dev, ws_zero, 10, 512, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();

	begin("MODE SELECT with parameters: refused 05/26/00");
	run(dev, msel, 6, 12, &r);
	expect_sense(&r, 0x05, 0x26, 0x00);
	end();

	begin("MODE SELECT with an empty list: GOOD");
	run(dev, msel0, 6, 0, &r);
	expect_good(&r, 0);
	end();

	begin("descriptor-format sense with D_SENSE");
	desc.opt.d_sense = 1;
	run(&desc, log_sense, 10, 0, &r);
	expect(r.reply.status == FIO_CHECK_CONDITION && r.reply.sense_len == 8 &&
	       r.sense[0] == 0x72 && r.sense[1] == 0x05 && r.sense[2] == 0x20,
	       "status %#x len %u sense %02x %02x %02x", r.reply.status,
	       r.reply.sense_len, r.sense[0], r.sense[1], r.sense[2]);
	end();
}

static void test_mode_sense(struct fio_dev *dev)
{
	static const uint8_t ms_cache[6] = { 0x1a, 0, 0x08, 0, 255, 0 };
	static const uint8_t ms10_all_dbd[10] = { 0x5a, 0x08, 0x3f, 0, 0, 0, 0, 1, 0, 0 };
	static const uint8_t ms_saved[6] = { 0x1a, 0, 0xc8, 0, 255, 0 };
	static const uint8_t ms_badpage[6] = { 0x1a, 0, 0x19, 0, 255, 0 };
	struct fio_dev wt = *dev;
	struct result r;

	begin("MODE SENSE(6) caching page: WCE 1 without -w");
	run(dev, ms_cache, 6, 255, &r);
	expect_good(&r, 4 + 8 + 20);
	expect(data[0] == 31 && data[3] == 8, "header %02x %02x", data[0], data[3]);
	expect(data[12] == 0x08 && data[13] == 18 && (data[14] & 0x04),
	       "caching page %02x %02x %02x", data[12], data[13], data[14]);
	end();

	begin("MODE SENSE(6) caching page: WCE 0 with -w");
	wt.wt = 1;
	run(&wt, ms_cache, 6, 255, &r);
	expect_good(&r, 32);
	expect(!(data[14] & 0x04), "WCE set with write-through");
	end();

	begin("MODE SENSE(10) all pages, DBD: caching + control");
	run(dev, ms10_all_dbd, 10, 256, &r);
	expect_good(&r, 8 + 20 + 12);
	expect(data[1] == 38 && data[7] == 0, "header len %u bdlen %u", data[1], data[7]);
	expect(data[8] == 0x08 && data[28] == 0x0a, "pages %02x %02x", data[8], data[28]);
	end();

	begin("MODE SENSE saved values: 05/39/00");
	run(dev, ms_saved, 6, 255, &r);
	expect_sense(&r, 0x05, 0x39, 0x00);
	end();

	begin("MODE SENSE unknown page: 05/24/00");
	run(dev, ms_badpage, 6, 255, &r);
	expect_sense(&r, 0x05, 0x24, 0x00);
	end();
}

static void test_file_io(void)
{
	char path[] = "/tmp/exec_test.XXXXXX";
	static const uint8_t w10[10] = { 0x2a, 0x08, 0, 0, 0, 10, 0, 0, 2, 0 };
	static const uint8_t r10[10] = { 0x28, 0, 0, 0, 0, 10, 0, 0, 2, 0 };
	static const uint8_t r6[6] = { 0x08, 0, 0, 0, 0, 0 };
	static const uint8_t ws16[16] = { 0x93, 0, 0, 0, 0, 0, 0, 0, 0, 100,
					  0, 0, 0, 3 };
	static const uint8_t r16[16] = { 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 100,
					 0, 0, 0, 3 };
	static const uint8_t sync10[10] = { 0x35 };
	struct fio_dev dev;
	struct result r;
	int fd, i, ok;

	fd = mkstemp(path);
	if (fd < 0 || ftruncate(fd, 1 << 20)) {
		perror("exec_test: temporary file");
		failed++;
		return;
	}
	unlink(path);
	init_dev(&dev, 0, fd, (1 << 20) / 512);

	begin("WRITE(10) FUA then READ(10) returns the data");
	for (i = 0; i < 1024; i++)
		data[i] = (uint8_t)(i * 7 + 1);
	run(&dev, w10, 10, 1024, &r);
	expect_good(&r, 0);
	memset(data, 0, 1024);
	run(&dev, r10, 10, 1024, &r);
	expect_good(&r, 1024);
	for (ok = 1, i = 0; i < 1024; i++)
		ok &= data[i] == (uint8_t)(i * 7 + 1);
	expect(ok, "data read back differs");
	end();

	begin("READ(10) with a shorter buffer sends what fits");
	run(&dev, r10, 10, 512, &r);
	expect_good(&r, 512);
	end();

	begin("READ(6) transfer length 0 means 256 blocks");
	run(&dev, r6, 6, 256 * 512, &r);
	expect_good(&r, 256 * 512);
	end();

	begin("WRITE SAME(16) repeats the block");
	for (i = 0; i < 512; i++)
		data[i] = (uint8_t)(0x5a ^ i);
	run(&dev, ws16, 16, 512, &r);
	expect_good(&r, 0);
	memset(data, 0, 3 * 512);
	run(&dev, r16, 16, 3 * 512, &r);
	expect_good(&r, 3 * 512);
	for (ok = 1, i = 0; i < 3 * 512; i++)
		ok &= data[i] == (uint8_t)(0x5a ^ (i % 512));
	expect(ok, "blocks differ from the pattern");
	end();

	begin("SYNCHRONIZE CACHE(10) of the whole device");
	run(&dev, sync10, 10, 0, &r);
	expect_good(&r, 0);
	end();

	begin("READ on a closed file: MEDIUM ERROR 03/11/00");
	close(fd);
	run(&dev, r10, 10, 1024, &r);
	expect_sense(&r, 0x03, 0x11, 0x00);
	end();
}

static void test_nullio(struct fio_dev *dev)
{
	static const uint8_t r10[10] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 4, 0 };
	static const uint8_t tur[6] = { 0 };
	struct result r;
	int i, ok;

	begin("TEST UNIT READY");
	run(dev, tur, 6, 0, &r);
	expect_good(&r, 0);
	end();

	begin("nullio READ returns zeroes");
	memset(data, 0xee, 2048);
	run(dev, r10, 10, 2048, &r);
	expect_good(&r, 2048);
	for (ok = 1, i = 0; i < 2048; i++)
		ok &= !data[i];
	expect(ok, "stale data in the buffer");
	end();
}

static void test_parse(struct fio_dev *dev)
{
	struct scst_user_scsi_cmd_parse p;
	struct scst_user_scsi_cmd_reply_parse rp;
	static const uint8_t w16[16] = { 0x8a, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 8 };

	begin("PARSE of WRITE(16): direction and length from the CDB");
	memset(&p, 0, sizeof(p));
	memcpy(p.cdb, w16, 16);
	p.cdb_len = 16;
	p.queue_type = SCST_USER_QUEUE_SIMPLE;
	fio_parse(dev, &p, &rp);
	expect(rp.status == 0 && rp.data_direction == SCST_USER_DATA_WRITE &&
	       rp.bufflen == 8 * 512 && rp.lba == 5 && rp.cdb_len == 16 &&
	       rp.queue_type == SCST_USER_QUEUE_SIMPLE,
	       "dir %u bufflen %d lba %lld", rp.data_direction, rp.bufflen,
	       (long long)rp.lba);
	end();

	begin("PARSE of an unknown CDB takes the initiator's expected values");
	memset(&p, 0, sizeof(p));
	p.cdb[0] = 0x4d;
	p.cdb_len = 10;
	p.expected_values_set = 1;
	p.expected_data_direction = SCST_USER_DATA_READ;
	p.expected_transfer_len = 64;
	fio_parse(dev, &p, &rp);
	expect(rp.data_direction == SCST_USER_DATA_READ && rp.bufflen == 64,
	       "dir %u bufflen %d", rp.data_direction, rp.bufflen);
	end();
}

static void test_bufs(void)
{
	struct fio_bufs b;
	void *p, *q;
	int x;

	begin("buffer table: page-aligned, freed once, unknown refused");
	expect(!fio_bufs_init(&b), "init");
	p = fio_buf_alloc(&b, 5000);
	q = fio_buf_alloc(&b, 4096);
	expect(p && q && !((uintptr_t)p & 4095) && !((uintptr_t)q & 4095),
	       "not page-aligned: %p %p", p, q);
	expect(fio_buf_free(&b, p, FIO_BUF_ON_FREE) == 0, "free of ours refused");
	expect(fio_buf_free(&b, p, FIO_BUF_ON_FREE) != 0, "double free accepted");
	expect(fio_buf_free(&b, &x, FIO_BUF_CACHED) != 0, "foreign free accepted");
	expect(fio_bufs_release_all(&b) == 1, "release_all count");
	expect(b.allocated == 2 && b.freed[FIO_BUF_ON_FREE] == 1 &&
	       b.freed[FIO_BUF_AT_EXIT] == 1 && b.unknown == 2 && b.held == 0,
	       "counts: allocated %llu on_free %llu at_exit %llu unknown %llu held %zu",
	       b.allocated, b.freed[FIO_BUF_ON_FREE], b.freed[FIO_BUF_AT_EXIT],
	       b.unknown, b.held);
	fio_bufs_destroy(&b);
	end();
}

int main(void)
{
	struct fio_dev dev;

	init_dev(&dev, 1, -1, 2048);
	test_inquiry(&dev);
	test_capacity(&dev);
	test_errors(&dev);
	test_mode_sense(&dev);
	test_nullio(&dev);
	test_parse(&dev);
	test_file_io();
	test_bufs();
	printf("exec_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
