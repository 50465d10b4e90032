// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit: SCST-NG core, the CDB table (core-cmd/cdb.h). Each case shows one
 * behaviour; the case names say which.
 *
 * Expected values are written out by hand from the standards' CDB
 * layouts (SPC-4, SBC-4, MMC-6), never computed from the table: a wrong
 * offset or unit in the table has to disagree with them.
 */
#include <kunit/test.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include <scst/cmd.h>
#include <scst/sgv.h>
#include "../core-cmd/cdb.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define DISK		0x00
#define CDROM		0x05
#define TAPE		0x01
#define NONE		SCST_DATA_NONE
#define DIN		SCST_DATA_READ
#define DOUT		SCST_DATA_WRITE

/* ------------------------------------------------------------------ */
/* scst_cdb_parse(), one CDB at a time */

struct ct_parse_case {
	const char *name;
	u8 type;
	u8 shift;
	u8 cdb[SCST_MAX_CDB_SIZE];
	u8 len;			/* bytes of @cdb handed to the parser */
	int ret;
	const char *op;		/* entry name, NULL: no entry */
	u8 dir;
	u32 bufflen;
	u64 lba;
	u32 nr_blocks;
	u16 err_byte;		/* on an error */
	int err_bit;
};

static const struct ct_parse_case ct_parse_cases[] = {
	/* SPC commands on a disk (512-byte blocks) */
	{ "TUR", DISK, 9, { 0x00 }, 6, 0, "TEST UNIT READY", NONE, 0 },
	{ "REQUEST SENSE 18", DISK, 9, { 0x03, 0, 0, 0, 18, 0 }, 6, 0,
	  "REQUEST SENSE", DIN, 18 },
	{ "INQUIRY alloc 256", DISK, 9, { 0x12, 0, 0, 0x01, 0x00, 0 }, 6, 0,
	  "INQUIRY", DIN, 256 },
	{ "INQUIRY VPD 83h", DISK, 9, { 0x12, 0x01, 0x83, 0x00, 0xff, 0 }, 6,
	  0, "INQUIRY", DIN, 255 },
	{ "INQUIRY page without EVPD", DISK, 9, { 0x12, 0, 0x80, 0, 0xff, 0 },
	  6, -EINVAL, "INQUIRY", .err_byte = 2, .err_bit = -1 },
	{ "INQUIRY CMDDT", DISK, 9, { 0x12, 0x02, 0, 0, 0xff, 0 }, 6, -EINVAL,
	  "INQUIRY", .err_byte = 1, .err_bit = 1 },
	{ "INQUIRY alloc 0", DISK, 9, { 0x12 }, 6, 0, "INQUIRY", NONE, 0 },
	{ "MODE SENSE(6)", DISK, 9, { 0x1a, 0x08, 0x3f, 0, 0xff, 0 }, 6, 0,
	  "MODE SENSE(6)", DIN, 255 },
	{ "MODE SENSE(10)", DISK, 9,
	  { 0x5a, 0, 0x3f, 0, 0, 0, 0, 0x10, 0x00, 0 }, 10, 0,
	  "MODE SENSE(10)", DIN, 4096 },
	{ "MODE SELECT(6)", DISK, 9, { 0x15, 0x10, 0, 0, 12, 0 }, 6, 0,
	  "MODE SELECT(6)", DOUT, 12 },
	{ "MODE SELECT(10) empty", DISK, 9, { 0x55, 0x10 }, 10, 0,
	  "MODE SELECT(10)", NONE, 0 },
	{ "LOG SENSE", DISK, 9,
	  { 0x4d, 0, 0x40, 0, 0, 0, 0, 0x02, 0x00, 0 }, 10, 0, "LOG SENSE",
	  DIN, 512 },
	{ "LOG SELECT", DISK, 9, { 0x4c, 0x02, 0xc0 }, 10, 0, "LOG SELECT",
	  NONE, 0 },
	{ "RESERVE(6)", DISK, 9, { 0x16 }, 6, 0, "RESERVE(6)", NONE, 0 },
	{ "RESERVE(6) third party", DISK, 9, { 0x16, 0x10 }, 6, -EINVAL,
	  "RESERVE(6)", .err_byte = 1, .err_bit = 4 },
	{ "RELEASE(6) extent", DISK, 9, { 0x17, 0x01 }, 6, -EINVAL,
	  "RELEASE(6)", .err_byte = 1, .err_bit = 0 },
	{ "RESERVE(10)", DISK, 9, { 0x56 }, 10, 0, "RESERVE(10)", NONE, 0 },
	{ "RESERVE(10) parameter list", DISK, 9,
	  { 0x56, 0, 0, 0, 0, 0, 0, 0, 0x08, 0 }, 10, -EINVAL, "RESERVE(10)",
	  .err_byte = 7, .err_bit = -1 },
	{ "RELEASE(10) LONGID", DISK, 9, { 0x57, 0x02 }, 10, -EINVAL,
	  "RELEASE(10)", .err_byte = 1, .err_bit = 1 },
	{ "START STOP UNIT", DISK, 9, { 0x1b, 0x01, 0, 0, 0x01, 0 }, 6, 0,
	  "START STOP UNIT", NONE, 0 },
	{ "PREVENT ALLOW", DISK, 9, { 0x1e, 0, 0, 0, 0x01, 0 }, 6, 0,
	  "PREVENT ALLOW MEDIUM REMOVAL", NONE, 0 },
	{ "SEND DIAGNOSTIC self-test", DISK, 9, { 0x1d, 0x04 }, 6, 0,
	  "SEND DIAGNOSTIC", NONE, 0 },
	{ "RECEIVE DIAGNOSTIC RESULTS", DISK, 9, { 0x1c, 0x01, 0, 0, 64, 0 },
	  6, 0, "RECEIVE DIAGNOSTIC RESULTS", DIN, 64 },
	{ "WRITE BUFFER 64 KiB", DISK, 9,
	  { 0x3b, 0x02, 0, 0, 0, 0, 0x01, 0x00, 0x00, 0 }, 10, 0,
	  "WRITE BUFFER", DOUT, 65536 },
	{ "READ BUFFER descriptor", DISK, 9,
	  { 0x3c, 0x03, 0, 0, 0, 0, 0x00, 0x00, 0x04, 0 }, 10, 0,
	  "READ BUFFER", DIN, 4 },
	{ "PR IN READ KEYS", DISK, 9,
	  { 0x5e, 0x00, 0, 0, 0, 0, 0, 0x20, 0x00, 0 }, 10, 0,
	  "PERSISTENT RESERVE IN: READ KEYS", DIN, 8192 },
	{ "PR IN READ FULL STATUS", DISK, 9,
	  { 0x5e, 0x03, 0, 0, 0, 0, 0, 0x01, 0x00, 0 }, 10, 0,
	  "PERSISTENT RESERVE IN: READ FULL STATUS", DIN, 256 },
	{ "PR IN unknown action", DISK, 9, { 0x5e, 0x1f }, 10, -EOPNOTSUPP,
	  NULL, .err_byte = 1, .err_bit = 4 },
	{ "PR OUT REGISTER", DISK, 9,
	  { 0x5f, 0x00, 0, 0, 0, 0x00, 0x00, 0x00, 24, 0 }, 10, 0,
	  "PERSISTENT RESERVE OUT: REGISTER", DOUT, 24 },
	{ "PR OUT REGISTER AND MOVE", DISK, 9,
	  { 0x5f, 0x07, 0x01, 0, 0, 0x00, 0x00, 0x00, 40, 0 }, 10, 0,
	  "PERSISTENT RESERVE OUT: REGISTER AND MOVE", DOUT, 40 },
	{ "REPORT LUNS", DISK, 9,
	  { 0xa0, 0, 0x02, 0, 0, 0, 0x00, 0x00, 0x10, 0x00, 0, 0 }, 12, 0,
	  "REPORT LUNS", DIN, 4096 },
	{ "REPORT TARGET PORT GROUPS extended", DISK, 9,
	  { 0xa3, 0x2a, 0, 0, 0, 0, 0x00, 0x00, 0x04, 0x00, 0, 0 }, 12, 0,
	  "REPORT TARGET PORT GROUPS", DIN, 1024 },
	{ "REPORT SUPPORTED OPERATION CODES", DISK, 9,
	  { 0xa3, 0x0c, 0x01, 0x28, 0, 0, 0x00, 0x00, 0x10, 0x00, 0, 0 }, 12,
	  0, "REPORT SUPPORTED OPERATION CODES", DIN, 4096 },
	{ "REPORT SUPPORTED TMFS", DISK, 9,
	  { 0xa3, 0x0d, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x04, 0, 0 }, 12, 0,
	  "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS", DIN, 4 },
	{ "MAINTENANCE IN unknown action", DISK, 9,
	  { 0xa3, 0x05, 0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0 }, 12,
	  -EOPNOTSUPP, NULL, .err_byte = 1, .err_bit = 4 },
	{ "SET TARGET PORT GROUPS", DISK, 9,
	  { 0xa4, 0x0a, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x08, 0, 0 }, 12, 0,
	  "SET TARGET PORT GROUPS", DOUT, 8 },
	{ "EXTENDED COPY", DISK, 9,
	  { 0x83, 0x00, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x01, 0x00, 0,
	    0 }, 16, 0, "EXTENDED COPY(LID1)", DOUT, 256 },
	{ "RECEIVE COPY RESULTS operating parameters", DISK, 9,
	  { 0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0x2c, 0,
	    0 }, 16, 0, "RECEIVE COPY RESULTS: OPERATING PARAMETERS", DIN,
	  44 },

	/* SBC commands */
	{ "READ(6) length 0 is 256 blocks", DISK, 9,
	  { 0x08, 0xff, 0xff, 0xff, 0x00, 0 }, 6, 0, "READ(6)", DIN, 131072,
	  0x1fffff, 256 },
	{ "READ(6) 8 blocks", DISK, 9, { 0x08, 0x01, 0x23, 0x45, 8, 0 }, 6, 0,
	  "READ(6)", DIN, 4096, 0x012345, 8 },
	{ "WRITE(6) 1 block", DISK, 9, { 0x0a, 0x00, 0x00, 0x07, 1, 0 }, 6, 0,
	  "WRITE(6)", DOUT, 512, 7, 1 },
	{ "WRITE(6) 4096-byte blocks", DISK, 12, { 0x0a, 0, 0, 0, 0, 0 }, 6,
	  0, "WRITE(6)", DOUT, 1048576, 0, 256 },
	{ "READ(10)", DISK, 9,
	  { 0x28, 0x00, 0x12, 0x34, 0x56, 0x78, 0, 0x00, 0x10, 0 }, 10, 0,
	  "READ(10)", DIN, 8192, 0x12345678, 16 },
	{ "READ(10) 4096-byte blocks", DISK, 12,
	  { 0x28, 0x00, 0, 0, 0, 0x10, 0, 0x00, 0x08, 0 }, 10, 0, "READ(10)",
	  DIN, 32768, 0x10, 8 },
	{ "READ(10) DPO FUA", DISK, 9,
	  { 0x28, 0x18, 0, 0, 0, 1, 0, 0, 1, 0 }, 10, 0, "READ(10)", DIN, 512,
	  1, 1 },
	{ "READ(10) no blocks", DISK, 9,
	  { 0x28, 0x00, 0, 0, 0x01, 0x00, 0, 0, 0, 0 }, 10, 0, "READ(10)",
	  NONE, 0, 0x100, 0 },
	{ "READ(10) from a 16-byte buffer", DISK, 9,
	  { 0x28, 0x00, 0, 0, 0, 0, 0, 0, 0x02, 0 }, 16, 0, "READ(10)", DIN,
	  1024, 0, 2 },
	{ "READ(10) RDPROTECT", DISK, 9,
	  { 0x28, 0x20, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL, "READ(10)",
	  .err_byte = 1, .err_bit = 7 },
	{ "READ(10) obsolete RELADR", DISK, 9,
	  { 0x28, 0x01, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL, "READ(10)",
	  .err_byte = 1, .err_bit = 0 },
	{ "READ(10) too short", DISK, 9, { 0x28, 0, 0, 0, 0, 0 }, 6, -EINVAL,
	  "READ(10)", .err_byte = 0, .err_bit = -1 },
	{ "WRITE(10)", DISK, 9,
	  { 0x2a, 0x08, 0x00, 0x00, 0x10, 0x00, 0, 0x00, 0x80, 0 }, 10, 0,
	  "WRITE(10)", DOUT, 65536, 0x1000, 128 },
	{ "WRITE(10) reserved bit 2", DISK, 9,
	  { 0x2a, 0x04, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL, "WRITE(10)",
	  .err_byte = 1, .err_bit = 2 },
	{ "READ(12)", DISK, 9,
	  { 0xa8, 0, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x01, 0x00, 0, 0 },
	  12, 0, "READ(12)", DIN, 131072, 0xffffffff, 256 },
	{ "WRITE(12)", DISK, 9,
	  { 0xaa, 0, 0, 0, 0, 0x20, 0x00, 0x00, 0x00, 0x02, 0, 0 }, 12, 0,
	  "WRITE(12)", DOUT, 1024, 0x20, 2 },
	{ "READ(16) above 2 TiB", DISK, 9,
	  { 0x88, 0, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x01, 0x00, 0x00, 0, 0 }, 16, 0, "READ(16)", DIN, 33554432,
	  0x100000000ULL, 65536 },
	{ "READ(16) 1 GiB exactly", DISK, 9,
	  { 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x20, 0x00, 0x00, 0, 0 },
	  16, 0, "READ(16)", DIN, 0x40000000, 0, 0x200000 },
	{ "READ(16) 1 GiB and a block", DISK, 9,
	  { 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x20, 0x00, 0x01, 0, 0 },
	  16, -EOVERFLOW, "READ(16)", .err_byte = 10, .err_bit = -1 },
	{ "READ(16) 4G blocks of 4 KiB", DISK, 12,
	  { 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, 0 },
	  16, -EOVERFLOW, "READ(16)", .err_byte = 10, .err_bit = -1 },
	{ "READ(16) up to the last LBA", DISK, 9,
	  { 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
	    0x00, 0x00, 0x00, 0xff, 0, 0 }, 16, 0, "READ(16)", DIN, 130560,
	  0xffffffffffffff00ULL, 255 },
	{ "READ(16) past 2^64", DISK, 9,
	  { 0x88, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00,
	    0x00, 0x00, 0x01, 0x00, 0, 0 }, 16, -ERANGE, "READ(16)",
	  .err_byte = 2, .err_bit = -1 },
	{ "WRITE(16) 4096-byte blocks", DISK, 12,
	  { 0x8a, 0x08, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0, 0, 8, 0, 0 }, 16,
	  0, "WRITE(16)", DOUT, 32768, 0x1000, 8 },
	{ "WRITE(16) WRPROTECT", DISK, 9,
	  { 0x8a, 0x60, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0 }, 16,
	  -EINVAL, "WRITE(16)", .err_byte = 1, .err_bit = 7 },
	{ "WRITE AND VERIFY(10)", DISK, 9,
	  { 0x2e, 0x02, 0, 0, 0, 0x08, 0, 0, 4, 0 }, 10, 0,
	  "WRITE AND VERIFY(10)", DOUT, 2048, 8, 4 },
	{ "WRITE AND VERIFY(10) BYTCHK 10b", DISK, 9,
	  { 0x2e, 0x04, 0, 0, 0, 0x08, 0, 0, 4, 0 }, 10, -EINVAL,
	  "WRITE AND VERIFY(10)", .err_byte = 1, .err_bit = 2 },
	{ "WRITE AND VERIFY(12)", DISK, 9,
	  { 0xae, 0, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0 }, 12, 0,
	  "WRITE AND VERIFY(12)", DOUT, 1024, 1, 2 },
	{ "WRITE AND VERIFY(16)", DISK, 9,
	  { 0x8e, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0, 3, 0, 0 }, 16, 0,
	  "WRITE AND VERIFY(16)", DOUT, 1536, 9, 3 },
	{ "VERIFY(10) medium only", DISK, 9,
	  { 0x2f, 0x00, 0, 0, 0, 0x40, 0, 0x00, 0x08, 0 }, 10, 0, "VERIFY(10)",
	  NONE, 0, 0x40, 8 },
	{ "VERIFY(10) byte compare", DISK, 9,
	  { 0x2f, 0x02, 0, 0, 0, 0x40, 0, 0x00, 0x08, 0 }, 10, 0, "VERIFY(10)",
	  DOUT, 4096, 0x40, 8 },
	{ "VERIFY(10) one block for all", DISK, 9,
	  { 0x2f, 0x06, 0, 0, 0, 0x40, 0, 0x00, 0x08, 0 }, 10, 0, "VERIFY(10)",
	  DOUT, 512, 0x40, 8 },
	{ "VERIFY(10) BYTCHK 10b", DISK, 9,
	  { 0x2f, 0x04, 0, 0, 0, 0x40, 0, 0x00, 0x08, 0 }, 10, -EINVAL,
	  "VERIFY(10)", .err_byte = 1, .err_bit = 2 },
	{ "VERIFY(10) VRPROTECT", DISK, 9,
	  { 0x2f, 0x80, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL, "VERIFY(10)",
	  .err_byte = 1, .err_bit = 7 },
	{ "VERIFY(12) compare 4 KiB blocks", DISK, 12,
	  { 0xaf, 0x02, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0 }, 12, 0, "VERIFY(12)",
	  DOUT, 8192, 5, 2 },
	{ "VERIFY(16) compare 4 KiB blocks", DISK, 12,
	  { 0x8f, 0x02, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 2, 0, 0 }, 16, 0,
	  "VERIFY(16)", DOUT, 8192, 5, 2 },
	{ "SYNCHRONIZE CACHE(10) all", DISK, 9, { 0x35 }, 10, 0,
	  "SYNCHRONIZE CACHE(10)", NONE, 0, 0, 0 },
	{ "SYNCHRONIZE CACHE(16) range", DISK, 9,
	  { 0x91, 0x02, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 10, 0, 0 }, 16, 0,
	  "SYNCHRONIZE CACHE(16)", NONE, 0, 5, 10 },
	{ "WRITE SAME(10) UNMAP", DISK, 9,
	  { 0x41, 0x08, 0, 0, 0x10, 0x00, 0, 0x03, 0xe8, 0 }, 10, 0,
	  "WRITE SAME(10)", DOUT, 512, 0x1000, 1000 },
	{ "WRITE SAME(10) ANCHOR without UNMAP", DISK, 9,
	  { 0x41, 0x10, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL,
	  "WRITE SAME(10)", .err_byte = 1, .err_bit = 4 },
	{ "WRITE SAME(10) PBDATA", DISK, 9,
	  { 0x41, 0x04, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL,
	  "WRITE SAME(10)", .err_byte = 1, .err_bit = 2 },
	{ "WRITE SAME(10) LBDATA", DISK, 9,
	  { 0x41, 0x02, 0, 0, 0, 0, 0, 0, 1, 0 }, 10, -EINVAL,
	  "WRITE SAME(10)", .err_byte = 1, .err_bit = 1 },
	{ "WRITE SAME(16) 4 KiB block", DISK, 12,
	  { 0x93, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x10, 0x00, 0x00, 0,
	    0 }, 16, 0, "WRITE SAME(16)", DOUT, 4096, 0, 0x100000 },
	{ "WRITE SAME(16) NDOB", DISK, 9,
	  { 0x93, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 0, 0x40, 0, 0 }, 16,
	  0, "WRITE SAME(16)", NONE, 0, 0x20, 0x40 },
	{ "WRITE SAME(16) ANCHOR UNMAP", DISK, 9,
	  { 0x93, 0x18, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0 }, 16, 0,
	  "WRITE SAME(16)", DOUT, 512, 0, 1 },
	{ "COMPARE AND WRITE", DISK, 12,
	  { 0x89, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x34, 0, 0, 0, 1, 0, 0 }, 16, 0,
	  "COMPARE AND WRITE", DOUT, 8192, 0x1234, 1 },
	{ "UNMAP", DISK, 9,
	  { 0x42, 0, 0, 0, 0, 0, 0, 0x00, 24, 0 }, 10, 0, "UNMAP", DOUT, 24 },
	{ "READ CAPACITY(10)", DISK, 9, { 0x25 }, 10, 0, "READ CAPACITY(10)",
	  DIN, 8 },
	{ "READ CAPACITY(10) LBA without PMI", DISK, 9,
	  { 0x25, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 10, -EINVAL,
	  "READ CAPACITY(10)", .err_byte = 2, .err_bit = -1 },
	{ "READ CAPACITY(10) LBA with PMI", DISK, 9,
	  { 0x25, 0, 0, 0, 0, 1, 0, 0, 1, 0 }, 10, 0, "READ CAPACITY(10)",
	  DIN, 8 },
	{ "READ CAPACITY(16)", DISK, 9,
	  { 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0 }, 16, 0,
	  "READ CAPACITY(16)", DIN, 32 },
	{ "READ CAPACITY(16) LBA without PMI", DISK, 9,
	  { 0x9e, 0x10, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 32, 0, 0 }, 16,
	  -EINVAL, "READ CAPACITY(16)", .err_byte = 2, .err_bit = -1 },
	{ "GET LBA STATUS", DISK, 9,
	  { 0x9e, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0, 0 }, 16,
	  0, "GET LBA STATUS", DIN, 4096 },
	{ "SERVICE ACTION IN unknown action", DISK, 9,
	  { 0x9e, 0x11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 32, 0, 0 }, 16,
	  -EOPNOTSUPP, NULL, .err_byte = 1, .err_bit = 4 },
	{ "FORMAT UNIT no data", DISK, 9, { 0x04 }, 6, 0, "FORMAT UNIT",
	  NONE, 0 },
	{ "FORMAT UNIT short header", DISK, 9, { 0x04, 0x10 }, 6, 0,
	  "FORMAT UNIT", DOUT, 4 },
	{ "FORMAT UNIT long header", DISK, 9, { 0x04, 0x30 }, 6, 0,
	  "FORMAT UNIT", DOUT, 8 },
	{ "FORMAT UNIT FMTPINFO", DISK, 9, { 0x04, 0x80 }, 6, -EINVAL,
	  "FORMAT UNIT", .err_byte = 1, .err_bit = 7 },

	/* 32-byte variable-length CDBs */
	{ "READ(32)", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x09, 0x08, 0,
	    0, 0, 0, 0, 0, 0, 0x01, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x00, 0x00, 0x04 }, 32, 0, "READ(32)", DIN, 2048, 0x100,
	  4 },
	{ "WRITE(32)", DISK, 12,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0b, 0x00, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x02, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x00, 0x00, 0x01 }, 32, 0, "WRITE(32)", DOUT, 4096, 2, 1 },
	{ "VERIFY(32) medium only", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0a, 0x00, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x00, 0x00, 0x07 }, 32, 0, "VERIFY(32)", NONE, 0, 3, 7 },
	{ "WRITE AND VERIFY(32)", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0c, 0x02, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x03, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x00, 0x00, 0x02 }, 32, 0, "WRITE AND VERIFY(32)", DOUT,
	  1024, 3, 2 },
	{ "WRITE SAME(32) NDOB", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0d, 0x09, 0,
	    0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x00, 0x01, 0x00 }, 32, 0, "WRITE SAME(32)", NONE, 0, 0x10,
	  256 },
	{ "READ(32) RDPROTECT", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x09, 0x40, 0,
	    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0x00, 0x00, 0x00, 0x01 }, 32, -EINVAL, "READ(32)", .err_byte = 10,
	  .err_bit = 7 },
	{ "READ(32) bad ADDITIONAL CDB LENGTH", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x10, 0x00, 0x09 }, 32, -EINVAL,
	  "READ(32)", .err_byte = 7, .err_bit = -1 },
	{ "READ(32) in 16 bytes", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x09 }, 16, -EINVAL,
	  "READ(32)", .err_byte = 0, .err_bit = -1 },
	{ "variable length without its service action", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18 }, 8, -EINVAL, NULL, .err_byte = 0,
	  .err_bit = -1 },
	{ "variable length unknown action", DISK, 9,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x01 }, 32, -EOPNOTSUPP,
	  NULL, .err_byte = 8, .err_bit = -1 },

	/* What a disk does not have */
	{ "opcode 06h", DISK, 9, { 0x06 }, 6, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },
	{ "vendor opcode C0h", DISK, 9, { 0xc0 }, 16, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },
	{ "READ TOC on a disk", DISK, 9,
	  { 0x43, 0, 0, 0, 0, 0, 0, 0x00, 0x0c, 0 }, 10, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },
	{ "GET CONFIGURATION on a disk", DISK, 9, { 0x46 }, 10, -EOPNOTSUPP,
	  NULL, .err_byte = 0, .err_bit = -1 },
	{ "READ CD on a disk", DISK, 9, { 0xbe }, 12, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },
	{ "empty CDB", DISK, 9, { }, 0, -EINVAL, NULL, .err_byte = 0,
	  .err_bit = -1 },
	{ "TUR on a tape", TAPE, 9, { 0x00 }, 6, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },

	/* MMC commands on a CD/DVD device (2048-byte blocks) */
	{ "CD READ(10)", CDROM, 11,
	  { 0x28, 0, 0, 0, 0x00, 0x10, 0, 0x00, 0x04, 0 }, 10, 0, "READ(10)",
	  DIN, 8192, 0x10, 4 },
	{ "CD READ(12)", CDROM, 11,
	  { 0xa8, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x20, 0, 0 }, 12, 0, "READ(12)",
	  DIN, 65536, 0x10, 32 },
	{ "CD READ CAPACITY", CDROM, 11, { 0x25 }, 10, 0, "READ CAPACITY(10)",
	  DIN, 8 },
	{ "CD READ TOC", CDROM, 11,
	  { 0x43, 0x02, 0x00, 0, 0, 0, 0x01, 0x03, 0x24, 0 }, 10, 0,
	  "READ TOC/PMA/ATIP", DIN, 804 },
	{ "CD GET CONFIGURATION", CDROM, 11,
	  { 0x46, 0x02, 0x00, 0x00, 0, 0, 0, 0x00, 0x08, 0 }, 10, 0,
	  "GET CONFIGURATION", DIN, 8 },
	{ "CD GET EVENT STATUS NOTIFICATION", CDROM, 11,
	  { 0x4a, 0x01, 0, 0, 0x10, 0, 0, 0x00, 0x08, 0 }, 10, 0,
	  "GET EVENT STATUS NOTIFICATION", DIN, 8 },
	{ "CD READ DISC INFORMATION", CDROM, 11,
	  { 0x51, 0, 0, 0, 0, 0, 0, 0x00, 34, 0 }, 10, 0,
	  "READ DISC INFORMATION", DIN, 34 },
	{ "CD READ TRACK INFORMATION", CDROM, 11,
	  { 0x52, 0x01, 0, 0, 0, 1, 0, 0x00, 36, 0 }, 10, 0,
	  "READ TRACK INFORMATION", DIN, 36 },
	{ "CD READ SUB-CHANNEL", CDROM, 11,
	  { 0x42, 0x02, 0x40, 0x01, 0, 0, 0, 0x00, 16, 0 }, 10, 0,
	  "READ SUB-CHANNEL", DIN, 16 },
	{ "CD READ HEADER", CDROM, 11,
	  { 0x44, 0, 0, 0, 0, 0x10, 0, 0x00, 8, 0 }, 10, 0, "READ HEADER", DIN,
	  8 },
	{ "CD READ FORMAT CAPACITIES", CDROM, 11,
	  { 0x23, 0, 0, 0, 0, 0, 0, 0x00, 0xfc, 0 }, 10, 0,
	  "READ FORMAT CAPACITIES", DIN, 252 },
	{ "CD MECHANISM STATUS", CDROM, 11,
	  { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0, 0 }, 12, 0,
	  "MECHANISM STATUS", DIN, 8 },
	{ "CD SET CD SPEED", CDROM, 11,
	  { 0xbb, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0 }, 12, 0,
	  "SET CD SPEED", NONE, 0 },
	{ "CD READ DVD STRUCTURE", CDROM, 11,
	  { 0xad, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x04, 0, 0 }, 12, 0,
	  "READ DVD STRUCTURE", DIN, 2052 },
	{ "CD REPORT KEY", CDROM, 11,
	  { 0xa4, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x08, 0x08, 0 }, 12, 0,
	  "REPORT KEY", DIN, 8 },
	{ "CD SEND KEY, not MAINTENANCE IN", CDROM, 11,
	  { 0xa3, 0x0c, 0, 0, 0, 0, 0, 0x00, 0x00, 0x0c, 0x01, 0 }, 12, 0,
	  "SEND KEY", DOUT, 12 },
	{ "CD READ CD user data", CDROM, 11,
	  { 0xbe, 0x00, 0, 0, 0, 0x20, 0x00, 0x00, 0x02, 0x10, 0, 0 }, 12, 0,
	  "READ CD", DIN, 4096, 0x20, 2 },
	{ "CD READ CD no fields", CDROM, 11,
	  { 0xbe, 0x08, 0, 0, 0, 0x20, 0x00, 0x00, 0x02, 0x00, 0, 0 }, 12, 0,
	  "READ CD", NONE, 0, 0x20, 2 },
	{ "CD READ CD raw sector", CDROM, 11,
	  { 0xbe, 0x00, 0, 0, 0, 0x20, 0x00, 0x00, 0x01, 0xf8, 0, 0 }, 12,
	  -EINVAL, "READ CD", .err_byte = 9, .err_bit = -1 },
	{ "CD READ CD of CD-DA", CDROM, 11,
	  { 0xbe, 0x04, 0, 0, 0, 0x20, 0x00, 0x00, 0x01, 0x10, 0, 0 }, 12,
	  -EINVAL, "READ CD", .err_byte = 1, .err_bit = 4 },
	{ "CD READ CD sub-channel", CDROM, 11,
	  { 0xbe, 0x00, 0, 0, 0, 0x20, 0x00, 0x00, 0x01, 0x10, 0x02, 0 }, 12,
	  -EINVAL, "READ CD", .err_byte = 10, .err_bit = 2 },
	{ "CD INQUIRY", CDROM, 11, { 0x12, 0, 0, 0, 36, 0 }, 6, 0, "INQUIRY",
	  DIN, 36 },
	{ "CD START STOP UNIT eject", CDROM, 11, { 0x1b, 0, 0, 0, 0x02, 0 },
	  6, 0, "START STOP UNIT", NONE, 0 },
	{ "READ(6) on a CD", CDROM, 11, { 0x08, 0, 0, 0, 1, 0 }, 6,
	  -EOPNOTSUPP, NULL, .err_byte = 0, .err_bit = -1 },
	{ "READ(16) on a CD", CDROM, 11, { 0x88 }, 16, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },
	{ "WRITE SAME(10) on a CD", CDROM, 11, { 0x41 }, 10, -EOPNOTSUPP,
	  NULL, .err_byte = 0, .err_bit = -1 },
	{ "READ CAPACITY(16) on a CD", CDROM, 11, { 0x9e, 0x10 }, 16,
	  -EOPNOTSUPP, NULL, .err_byte = 0, .err_bit = -1 },
	{ "READ(32) on a CD", CDROM, 11,
	  { 0x7f, 0, 0, 0, 0, 0, 0, 0x18, 0x00, 0x09 }, 32, -EOPNOTSUPP, NULL,
	  .err_byte = 0, .err_bit = -1 },
};

static void ct_parse_to_desc(const struct ct_parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ct_parse, ct_parse_cases, ct_parse_to_desc);

static void cdb_test_parse(struct kunit *test)
{
	const struct ct_parse_case *c = test->param_value;
	struct scst_cdb_info info;
	int ret;

	memset(&info, 0x5a, sizeof(info));
	ret = scst_cdb_parse(c->cdb, c->len, c->type, c->shift, &info);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	if (c->op) {
		KUNIT_ASSERT_NOT_NULL(test, info.op);
		KUNIT_EXPECT_STREQ(test, info.op->name, c->op);
	} else {
		KUNIT_EXPECT_NULL(test, info.op);
	}
	if (ret) {
		KUNIT_EXPECT_EQ(test, info.err_byte, c->err_byte);
		KUNIT_EXPECT_EQ(test, info.err_bit, c->err_bit);
		return;
	}
	KUNIT_EXPECT_EQ(test, info.dir, c->dir);
	KUNIT_EXPECT_EQ(test, info.bufflen, c->bufflen);
	KUNIT_EXPECT_EQ(test, info.lba, c->lba);
	KUNIT_EXPECT_EQ(test, info.nr_blocks, c->nr_blocks);
}

/* ------------------------------------------------------------------ */
/* The rules of the core attached to key commands, written out by hand */

struct ct_flags_case {
	const char *name;
	u8 opcode;
	u16 sa;
	u8 type;
	u16 flags;
};

#define UA		CDB_F_UA_OK
#define RES		CDB_F_RES_OK
#define LOCAL		CDB_F_LOCAL
#define NOLUN		CDB_F_NO_LUN_OK
#define PR		CDB_F_PR_EXEMPT
#define SA		CDB_F_HAS_SA
#define LBA		CDB_F_LBA
#define WM		CDB_F_WRITE_MEDIUM

static const struct ct_flags_case ct_flags_cases[] = {
	{ "TEST UNIT READY", 0x00, 0, DISK, RES | PR },
	{ "REQUEST SENSE", 0x03, 0, DISK, UA | RES | LOCAL | NOLUN | PR },
	{ "FORMAT UNIT", 0x04, 0, DISK, WM },
	{ "READ(6)", 0x08, 0, DISK, LBA },
	{ "WRITE(6)", 0x0a, 0, DISK, LBA | WM },
	{ "INQUIRY", 0x12, 0, DISK, UA | RES | NOLUN | PR },
	{ "INQUIRY on a CD", 0x12, 0, CDROM, UA | RES | NOLUN | PR },
	{ "MODE SELECT(6)", 0x15, 0, DISK, 0 },
	{ "RESERVE(6)", 0x16, 0, DISK, LOCAL },
	{ "RELEASE(6)", 0x17, 0, DISK, LOCAL | RES },
	{ "READ CAPACITY(10)", 0x25, 0, DISK, RES | PR },
	{ "READ(10)", 0x28, 0, DISK, LBA },
	{ "WRITE(10)", 0x2a, 0, DISK, LBA | WM },
	{ "VERIFY(10)", 0x2f, 0, DISK, LBA },
	{ "SYNCHRONIZE CACHE(10)", 0x35, 0, DISK, LBA },
	{ "WRITE SAME(10)", 0x41, 0, DISK, LBA | WM },
	{ "UNMAP", 0x42, 0, DISK, WM },
	{ "READ SUB-CHANNEL", 0x42, 0, CDROM, 0 },
	{ "GET CONFIGURATION", 0x46, 0, CDROM, UA },
	{ "GET EVENT STATUS NOTIFICATION", 0x4a, 0, CDROM, UA },
	{ "LOG SENSE", 0x4d, 0, DISK, RES | PR },
	{ "RESERVE(10)", 0x56, 0, DISK, LOCAL },
	{ "RELEASE(10)", 0x57, 0, DISK, LOCAL | RES },
	{ "PR IN READ KEYS", 0x5e, 0x00, DISK, SA | PR },
	{ "PR OUT RESERVE", 0x5f, 0x01, DISK, SA },
	{ "WRITE(32)", 0x7f, 0x000b, DISK, SA | LBA | WM },
	{ "COMPARE AND WRITE", 0x89, 0, DISK, LBA | WM },
	{ "READ CAPACITY(16)", 0x9e, 0x10, DISK, SA | RES | PR },
	{ "REPORT LUNS", 0xa0, 0, DISK, UA | RES | LOCAL | NOLUN | PR },
	{ "REPORT TARGET PORT GROUPS", 0xa3, 0x0a, DISK, SA | RES | PR },
	{ "REPORT SUPPORTED OPERATION CODES", 0xa3, 0x0c, DISK,
	  SA | LOCAL | RES },
	{ "REPORT SUPPORTED TMFS", 0xa3, 0x0d, DISK, SA | LOCAL | RES },
	{ "SEND KEY", 0xa3, 0, CDROM, 0 },
	{ "SET TARGET PORT GROUPS", 0xa4, 0x0a, DISK, SA },
	{ "READ CD", 0xbe, 0, CDROM, LBA },
};

static void ct_flags_to_desc(const struct ct_flags_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ct_flags, ct_flags_cases, ct_flags_to_desc);

static void cdb_test_flags(struct kunit *test)
{
	const struct ct_flags_case *c = test->param_value;
	const struct scst_cdb_op *op = scst_cdb_find(c->opcode, c->sa, c->type);

	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_EQ_MSG(test, op->flags, c->flags, "%s", op->name);
}

/* ------------------------------------------------------------------ */
/* The table as a whole */

static bool ct_len_unit_is_blocks(u8 unit)
{
	return unit == CDB_LEN_BLOCKS || unit == CDB_LEN_BLOCKS_NO_DATA ||
	       unit == CDB_LEN_BLOCKS_ONE || unit == CDB_LEN_BLOCKS_TWICE;
}

/* SPC-4 4.2.5.1: the group code (top 3 bits of the opcode) sets the length */
static u8 ct_group_len(u8 opcode)
{
	if (opcode == 0x7f)
		return 32;
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default:
		return 0;
	}
}

static void cdb_test_table_entries_consistent(struct kunit *test)
{
	unsigned int i, j;

	KUNIT_ASSERT_GT(test, scst_cdb_nr_ops, 60U);
	for (i = 0; i < scst_cdb_nr_ops; i++) {
		const struct scst_cdb_op *op = &scst_cdb_ops[i];
		const char *n = op->name;

		KUNIT_ASSERT_NOT_NULL(test, n);
		KUNIT_EXPECT_EQ_MSG(test, op->cdb_len, ct_group_len(op->opcode),
				    "%s", n);
		KUNIT_ASSERT_NOT_NULL_MSG(test, op->usage, "%s", n);
		KUNIT_EXPECT_EQ_MSG(test, op->usage[0], op->opcode, "%s", n);
		KUNIT_EXPECT_NE_MSG(test, op->types, 0U, "%s", n);
		KUNIT_EXPECT_EQ_MSG(test, op->types & ~CDB_ALL, 0U, "%s", n);

		/* the service action sits in its field of the usage map */
		if (op->flags & CDB_F_HAS_SA && op->opcode == 0x7f) {
			KUNIT_EXPECT_EQ_MSG(test, op->usage[8], op->sa >> 8,
					    "%s", n);
			KUNIT_EXPECT_EQ_MSG(test, op->usage[9], op->sa & 0xff,
					    "%s", n);
			KUNIT_EXPECT_EQ_MSG(test, op->usage[7], 0x18, "%s", n);
		} else if (op->flags & CDB_F_HAS_SA) {
			KUNIT_EXPECT_LE_MSG(test, op->sa, 0x1f, "%s", n);
			KUNIT_EXPECT_EQ_MSG(test, op->usage[1] & 0x1f, op->sa,
					    "%s", n);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, op->sa, 0, "%s", n);
		}

		/* the length field: inside the CDB, and wholly in use */
		KUNIT_EXPECT_LE_MSG(test, op->len_size, 4, "%s", n);
		KUNIT_EXPECT_LE_MSG(test, op->len_off + op->len_size,
				    op->cdb_len, "%s", n);
		for (j = op->len_off; j < op->len_off + op->len_size &&
		     j < op->cdb_len; j++)
			KUNIT_EXPECT_EQ_MSG(test, op->usage[j], 0xff,
					    "%s byte %u", n, j);
		if (!op->len_size)
			KUNIT_EXPECT_TRUE_MSG(test,
					      op->len_unit == CDB_LEN_BYTES ||
					      op->len_unit == CDB_LEN_FIXED,
					      "%s", n);
		else
			KUNIT_EXPECT_NE_MSG(test, op->len_unit, CDB_LEN_FIXED,
					    "%s", n);
		if (op->len_unit != CDB_LEN_FIXED)
			KUNIT_EXPECT_EQ_MSG(test, op->fixed_len, 0, "%s", n);

		/* data moves one way, or not at all */
		if (op->dir == SCST_DATA_NONE)
			KUNIT_EXPECT_TRUE_MSG(test,
					      (!op->len_size && !op->fixed_len) ||
					      op->len_unit ==
					      CDB_LEN_BLOCKS_NO_DATA,
					      "%s", n);
		else
			KUNIT_EXPECT_TRUE_MSG(test, op->dir == SCST_DATA_READ ||
					      op->dir == SCST_DATA_WRITE,
					      "%s", n);

		/* an LBA exactly with a block count */
		KUNIT_EXPECT_EQ_MSG(test, !!(op->flags & CDB_F_LBA),
				    ct_len_unit_is_blocks(op->len_unit),
				    "%s", n);
		if (op->flags & CDB_F_LBA) {
			KUNIT_EXPECT_TRUE_MSG(test, op->lba_size == 4 ||
					      op->lba_size == 8 ||
					      (op->lba_size == 3 &&
					       op->cdb_len == 6), "%s", n);
			KUNIT_EXPECT_LE_MSG(test, op->lba_off + op->lba_size,
					    op->cdb_len, "%s", n);
			KUNIT_EXPECT_GT_MSG(test, op->len_size, 0, "%s", n);
			for (j = op->lba_off;
			     j < op->lba_off + op->lba_size && j < op->cdb_len;
			     j++)
				KUNIT_EXPECT_EQ_MSG(test, op->usage[j],
						    op->cdb_len == 6 && j == 1 ?
						    0x1f : 0xff,
						    "%s byte %u", n, j);
		} else {
			KUNIT_EXPECT_EQ_MSG(test, op->lba_size, 0, "%s", n);
		}

		/* sorted, for the search by halves */
		if (i) {
			const struct scst_cdb_op *prev = &scst_cdb_ops[i - 1];

			KUNIT_EXPECT_TRUE_MSG(test, prev->opcode < op->opcode ||
					      (prev->opcode == op->opcode &&
					       prev->sa <= op->sa),
					      "%s after %s", n, prev->name);
		}

		/*
		 * No two entries for one (opcode, sa, type), and an opcode
		 * has service actions on a type or has none.
		 */
		for (j = i + 1; j < scst_cdb_nr_ops; j++) {
			const struct scst_cdb_op *o = &scst_cdb_ops[j];

			if (o->opcode != op->opcode || !(o->types & op->types))
				continue;
			KUNIT_EXPECT_EQ_MSG(test, o->flags & CDB_F_HAS_SA,
					    op->flags & CDB_F_HAS_SA,
					    "%s and %s", n, o->name);
			KUNIT_EXPECT_NE_MSG(test, o->sa, op->sa,
					    "%s and %s", n, o->name);
		}
	}
}

/* Build the smallest valid CDB of an entry: all zero but its identity. */
static void ct_min_cdb(const struct scst_cdb_op *op, u8 *cdb)
{
	memset(cdb, 0, SCST_MAX_CDB_SIZE);
	cdb[0] = op->opcode;
	if (op->opcode == 0x7f) {
		cdb[7] = op->cdb_len - 8;
		cdb[8] = op->sa >> 8;
		cdb[9] = op->sa & 0xff;
	} else if (op->flags & CDB_F_HAS_SA) {
		cdb[1] = op->sa;
	}
}

static void cdb_test_every_entry_parses(struct kunit *test)
{
	static const u8 types[] = { DISK, CDROM };
	u8 cdb[SCST_MAX_CDB_SIZE];
	struct scst_cdb_info info;
	unsigned int i, t;

	for (i = 0; i < scst_cdb_nr_ops; i++) {
		const struct scst_cdb_op *op = &scst_cdb_ops[i];

		for (t = 0; t < ARRAY_SIZE(types); t++) {
			if (!(op->types & BIT(types[t])))
				continue;
			ct_min_cdb(op, cdb);
			KUNIT_EXPECT_EQ_MSG(test,
					    scst_cdb_parse(cdb, op->cdb_len,
							   types[t], 9, &info),
					    0, "%s", op->name);
			KUNIT_EXPECT_PTR_EQ_MSG(test, info.op, op, "%s",
						op->name);
			KUNIT_EXPECT_PTR_EQ(test, scst_cdb_find(op->opcode,
								op->sa,
								types[t]), op);

			/* one byte short: INVALID FIELD IN CDB at byte 0 */
			KUNIT_EXPECT_EQ_MSG(test,
					    scst_cdb_parse(cdb, op->cdb_len - 1,
							   types[t], 9, &info),
					    -EINVAL, "%s", op->name);
			KUNIT_EXPECT_EQ(test, info.err_byte, 0);
			KUNIT_EXPECT_EQ(test, info.err_bit, -1);
		}
	}
}

static void cdb_test_find(struct kunit *test)
{
	const struct scst_cdb_op *op;

	op = scst_cdb_find(0x42, 0, DISK);
	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_STREQ(test, op->name, "UNMAP");
	op = scst_cdb_find(0x42, 0, CDROM);
	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_STREQ(test, op->name, "READ SUB-CHANNEL");
	/* the service action is ignored where there is none */
	op = scst_cdb_find(0x28, 7, DISK);
	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_STREQ(test, op->name, "READ(10)");
	op = scst_cdb_find(0x9e, 0x12, DISK);
	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_STREQ(test, op->name, "GET LBA STATUS");
	op = scst_cdb_find(0x7f, 0x000d, DISK);
	KUNIT_ASSERT_NOT_NULL(test, op);
	KUNIT_EXPECT_STREQ(test, op->name, "WRITE SAME(32)");

	KUNIT_EXPECT_NULL(test, scst_cdb_find(0x9e, 0x11, DISK));
	KUNIT_EXPECT_NULL(test, scst_cdb_find(0x9e, 0x10, CDROM));
	KUNIT_EXPECT_NULL(test, scst_cdb_find(0x00, 0, TAPE));
	KUNIT_EXPECT_NULL(test, scst_cdb_find(0x00, 0, 200));
	KUNIT_EXPECT_NULL(test, scst_cdb_find(0xff, 0, DISK));
}

/* ------------------------------------------------------------------ */
/* REPORT SUPPORTED OPERATION CODES */

#define CT_CANARY	0xa5
#define CT_RSOC_BUF	4096

/* @n bytes at @got are @want, byte by byte (6.1 has no KUNIT_EXPECT_MEMEQ) */
static void ct_expect_bytes(struct kunit *test, const u8 *got, const u8 *want,
			    unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], want[i], "byte %u", i);
}

static u8 *ct_rsoc_buf(struct kunit *test)
{
	u8 *buf = kunit_kmalloc(test, CT_RSOC_BUF, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, buf);
	memset(buf, CT_CANARY, CT_RSOC_BUF);
	return buf;
}

/* RSOC CDB: reporting options and RCTD in byte 2, opcode, SA */
static void ct_rsoc_cdb(u8 *cdb, u8 byte2, u8 opcode, u16 sa)
{
	memset(cdb, 0, 12);
	cdb[0] = 0xa3;
	cdb[1] = 0x0c;
	cdb[2] = byte2;
	cdb[3] = opcode;
	cdb[4] = sa >> 8;
	cdb[5] = sa & 0xff;
	cdb[9] = 0xff;
}

struct ct_rsoc_case {
	const char *name;
	u8 type;
	u8 byte2;
	u8 opcode;
	u16 sa;
	int ret;		/* full length, or -EINVAL */
	u8 data[64];		/* the first @ret bytes */
	u16 err_byte;
	int err_bit;
};

static const struct ct_rsoc_case ct_rsoc_cases[] = {
	{ "one READ(10)", DISK, 0x01, 0x28, 0, 14,
	  { 0x00, 0x03, 0x00, 0x0a,
	    0x28, 0x18, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04 } },
	{ "one READ(10) with timeouts", DISK, 0x81, 0x28, 0, 26,
	  { 0x00, 0x83, 0x00, 0x0a,
	    0x28, 0x18, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04,
	    0x00, 0x0a, 0x00, 0x00, 0, 0, 0, 0, 0, 0, 0, 0 } },
	{ "one INQUIRY", DISK, 0x01, 0x12, 0, 10,
	  { 0x00, 0x03, 0x00, 0x06, 0x12, 0x01, 0xff, 0xff, 0xff, 0x04 } },
	{ "one WRITE SAME(16)", DISK, 0x01, 0x93, 0, 20,
	  { 0x00, 0x03, 0x00, 0x10,
	    0x93, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x04 } },
	{ "one WRITE SAME(10)", DISK, 0x01, 0x41, 0, 14,
	  { 0x00, 0x03, 0x00, 0x0a,
	    0x41, 0x18, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04 } },
	{ "one unknown opcode", DISK, 0x01, 0x06, 0, 4,
	  { 0x00, 0x01, 0x00, 0x00 } },
	{ "one READ TOC on a disk", DISK, 0x01, 0x43, 0, 4,
	  { 0x00, 0x01, 0x00, 0x00 } },
	{ "one READ TOC on a CD", CDROM, 0x01, 0x43, 0, 14,
	  { 0x00, 0x03, 0x00, 0x0a,
	    0x43, 0x02, 0x0f, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xc4 } },
	{ "one opcode that has service actions", DISK, 0x01, 0x9e, 0,
	  -EINVAL, .err_byte = 3, .err_bit = -1 },
	{ "with SA READ CAPACITY(16)", DISK, 0x02, 0x9e, 0x10, 20,
	  { 0x00, 0x03, 0x00, 0x10,
	    0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x01, 0x04 } },
	{ "with SA unknown action", DISK, 0x02, 0x9e, 0x11, 4,
	  { 0x00, 0x01, 0x00, 0x00 } },
	{ "with SA PR OUT REGISTER", DISK, 0x02, 0x5f, 0x00, 14,
	  { 0x00, 0x03, 0x00, 0x0a,
	    0x5f, 0x00, 0xff, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff, 0x04 } },
	{ "with SA an opcode without", DISK, 0x02, 0x28, 0, -EINVAL,
	  .err_byte = 3, .err_bit = -1 },
	{ "with SA unknown opcode", DISK, 0x02, 0x06, 0x01, 4,
	  { 0x00, 0x01, 0x00, 0x00 } },
	{ "either READ(10) SA 0", DISK, 0x03, 0x28, 0, 14,
	  { 0x00, 0x03, 0x00, 0x0a,
	    0x28, 0x18, 0xff, 0xff, 0xff, 0xff, 0x00, 0xff, 0xff, 0x04 } },
	{ "either READ(10) SA 1", DISK, 0x03, 0x28, 1, 4,
	  { 0x00, 0x01, 0x00, 0x00 } },
	{ "either GET LBA STATUS", DISK, 0x03, 0x9e, 0x12, 20,
	  { 0x00, 0x03, 0x00, 0x10,
	    0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x04 } },
	{ "either READ(32)", DISK, 0x03, 0x7f, 0x0009, 36,
	  { 0x00, 0x03, 0x00, 0x20,
	    0x7f, 0x04, 0x00, 0x00, 0x00, 0x00, 0x00, 0x18,
	    0x00, 0x09, 0x18, 0x00, 0xff, 0xff, 0xff, 0xff,
	    0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x00,
	    0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff, 0xff } },
	{ "either RSOC itself", DISK, 0x03, 0xa3, 0x0c, 16,
	  { 0x00, 0x03, 0x00, 0x0c,
	    0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	    0x00, 0x04 } },
	{ "either SEND KEY on a CD", CDROM, 0x03, 0xa3, 0, 16,
	  { 0x00, 0x03, 0x00, 0x0c,
	    0xa3, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, 0xff,
	    0xff, 0x04 } },
	{ "reporting option 4", DISK, 0x04, 0x28, 0, -EINVAL,
	  .err_byte = 2, .err_bit = 2 },
	{ "reporting option 7", DISK, 0x87, 0x28, 0, -EINVAL,
	  .err_byte = 2, .err_bit = 2 },
};

static void ct_rsoc_to_desc(const struct ct_rsoc_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(ct_rsoc, ct_rsoc_cases, ct_rsoc_to_desc);

static void cdb_test_rsoc_one(struct kunit *test)
{
	const struct ct_rsoc_case *c = test->param_value;
	u8 *buf = ct_rsoc_buf(test);
	u16 err_byte = 0xffff;
	int err_bit = 99, ret, i;
	u8 cdb[12];

	ct_rsoc_cdb(cdb, c->byte2, c->opcode, c->sa);
	ret = scst_cdb_report_opcodes(cdb, c->type, buf, CT_RSOC_BUF,
				      &err_byte, &err_bit);
	KUNIT_ASSERT_EQ(test, ret, c->ret);
	if (ret < 0) {
		KUNIT_EXPECT_EQ(test, err_byte, c->err_byte);
		KUNIT_EXPECT_EQ(test, err_bit, c->err_bit);
		KUNIT_EXPECT_EQ(test, buf[0], CT_CANARY);
		return;
	}
	KUNIT_ASSERT_LE(test, ret, (int)sizeof(c->data));
	for (i = 0; i < ret; i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], c->data[i], "byte %d", i);
	KUNIT_EXPECT_EQ(test, buf[ret], CT_CANARY);

	/* cut short: the same bytes as far as they go, nothing past them */
	memset(buf, CT_CANARY, CT_RSOC_BUF);
	KUNIT_EXPECT_EQ(test, scst_cdb_report_opcodes(cdb, c->type, buf, 3,
						      &err_byte, &err_bit),
			ret);
	for (i = 0; i < 3; i++)
		KUNIT_EXPECT_EQ_MSG(test, buf[i], c->data[i], "byte %d", i);
	KUNIT_EXPECT_EQ(test, buf[3], CT_CANARY);
}

static unsigned int ct_nr_for_type(u8 type)
{
	unsigned int i, n = 0;

	for (i = 0; i < scst_cdb_nr_ops; i++)
		n += !!(scst_cdb_ops[i].types & BIT(type));
	return n;
}

/* The all_commands descriptor of (opcode, sa), or NULL */
static const u8 *ct_find_desc(const u8 *buf, int len, unsigned int dlen,
			      u8 opcode, u16 sa)
{
	int off;

	for (off = 4; off + (int)dlen <= len; off += dlen)
		if (buf[off] == opcode &&
		    (!(buf[off + 5] & 1) ||
		     (buf[off + 2] << 8 | buf[off + 3]) == sa))
			return &buf[off];
	return NULL;
}

static void cdb_test_rsoc_all(struct kunit *test)
{
	static const u8 tur[8] = { 0x00, 0, 0x00, 0x00, 0, 0x00, 0x00, 0x06 };
	static const u8 rc16[8] = { 0x9e, 0, 0x00, 0x10, 0, 0x01, 0x00, 0x10 };
	static const u8 read32[8] = { 0x7f, 0, 0x00, 0x09, 0, 0x01, 0x00,
				      0x20 };
	static const u8 toc[8] = { 0x43, 0, 0x00, 0x00, 0, 0x00, 0x00, 0x0a };
	static const u8 tur_ctd[20] = { 0x00, 0, 0x00, 0x00, 0, 0x02, 0x00,
					0x06, 0x00, 0x0a };
	unsigned int nr_disk = ct_nr_for_type(DISK);
	unsigned int nr_cd = ct_nr_for_type(CDROM);
	u8 *buf = ct_rsoc_buf(test);
	u16 err_byte;
	int err_bit;
	int ret, len;
	u8 cdb[12];
	const u8 *d;

	ct_rsoc_cdb(cdb, 0x00, 0, 0);
	ret = scst_cdb_report_opcodes(cdb, DISK, buf, CT_RSOC_BUF, &err_byte,
				      &err_bit);
	KUNIT_ASSERT_EQ(test, ret, 4 + 8 * (int)nr_disk);
	len = ret;
	KUNIT_EXPECT_EQ(test, buf[0] << 24 | buf[1] << 16 | buf[2] << 8 |
			buf[3], 8 * (int)nr_disk);
	KUNIT_EXPECT_EQ(test, buf[len], CT_CANARY);
	ct_expect_bytes(test, &buf[4], tur, 8);
	d = ct_find_desc(buf, len, 8, 0x9e, 0x10);
	KUNIT_ASSERT_NOT_NULL(test, d);
	ct_expect_bytes(test, d, rc16, 8);
	d = ct_find_desc(buf, len, 8, 0x7f, 0x0009);
	KUNIT_ASSERT_NOT_NULL(test, d);
	ct_expect_bytes(test, d, read32, 8);
	KUNIT_EXPECT_NULL(test, ct_find_desc(buf, len, 8, 0x43, 0));
	KUNIT_EXPECT_NULL(test, ct_find_desc(buf, len, 8, 0xbe, 0));

	/* a CD lists its MMC commands and not the disk's */
	memset(buf, CT_CANARY, CT_RSOC_BUF);
	ret = scst_cdb_report_opcodes(cdb, CDROM, buf, CT_RSOC_BUF, &err_byte,
				      &err_bit);
	KUNIT_ASSERT_EQ(test, ret, 4 + 8 * (int)nr_cd);
	d = ct_find_desc(buf, ret, 8, 0x43, 0);
	KUNIT_ASSERT_NOT_NULL(test, d);
	ct_expect_bytes(test, d, toc, 8);
	KUNIT_EXPECT_NULL(test, ct_find_desc(buf, ret, 8, 0x88, 0));

	/* RCTD: 20-byte descriptors with CTDP and a timeouts descriptor */
	memset(buf, CT_CANARY, CT_RSOC_BUF);
	ct_rsoc_cdb(cdb, 0x80, 0, 0);
	ret = scst_cdb_report_opcodes(cdb, DISK, buf, CT_RSOC_BUF, &err_byte,
				      &err_bit);
	KUNIT_ASSERT_EQ(test, ret, 4 + 20 * (int)nr_disk);
	KUNIT_EXPECT_EQ(test, buf[2] << 8 | buf[3], 20 * (int)nr_disk);
	ct_expect_bytes(test, &buf[4], tur_ctd, 20);
	KUNIT_EXPECT_EQ(test, buf[ret], CT_CANARY);

	/* truncated: the header and part of the first descriptor */
	memset(buf, CT_CANARY, CT_RSOC_BUF);
	ct_rsoc_cdb(cdb, 0x00, 0, 0);
	ret = scst_cdb_report_opcodes(cdb, DISK, buf, 10, &err_byte,
				      &err_bit);
	KUNIT_EXPECT_EQ(test, ret, 4 + 8 * (int)nr_disk);
	KUNIT_EXPECT_EQ(test, buf[3], (8 * nr_disk) & 0xff);
	ct_expect_bytes(test, &buf[4], tur, 6);
	KUNIT_EXPECT_EQ(test, buf[10], CT_CANARY);

	/* nothing at all fits */
	memset(buf, CT_CANARY, CT_RSOC_BUF);
	ret = scst_cdb_report_opcodes(cdb, DISK, buf, 0, &err_byte, &err_bit);
	KUNIT_EXPECT_EQ(test, ret, 4 + 8 * (int)nr_disk);
	KUNIT_EXPECT_EQ(test, buf[0], CT_CANARY);
}

/* Every command RSOC lists for a type parses for that type, and back. */
static void cdb_test_rsoc_lists_what_parses(struct kunit *test)
{
	static const u8 types[] = { DISK, CDROM };
	u8 *buf = ct_rsoc_buf(test);
	u8 cdb[SCST_MAX_CDB_SIZE], rsoc[12];
	struct scst_cdb_info info;
	u16 err_byte;
	int err_bit, ret, off;
	unsigned int t;

	ct_rsoc_cdb(rsoc, 0x00, 0, 0);
	for (t = 0; t < ARRAY_SIZE(types); t++) {
		ret = scst_cdb_report_opcodes(rsoc, types[t], buf, CT_RSOC_BUF,
					      &err_byte, &err_bit);
		KUNIT_ASSERT_GT(test, ret, 4);
		KUNIT_ASSERT_LE(test, ret, CT_RSOC_BUF);
		for (off = 4; off + 8 <= ret; off += 8) {
			u8 cdb_len = buf[off + 7];

			memset(cdb, 0, sizeof(cdb));
			cdb[0] = buf[off];
			if (cdb[0] == 0x7f) {
				cdb[7] = cdb_len - 8;
				cdb[8] = buf[off + 2];
				cdb[9] = buf[off + 3];
			} else if (buf[off + 5] & 1) {
				cdb[1] = buf[off + 3];
			}
			KUNIT_EXPECT_EQ_MSG(test,
					    scst_cdb_parse(cdb, cdb_len,
							   types[t], 9, &info),
					    0, "type %u opcode %02x", types[t],
					    cdb[0]);
			KUNIT_EXPECT_EQ(test, info.op ? info.op->cdb_len : 0,
					cdb_len);
		}
	}
}

static struct kunit_case cdb_test_cases[] = {
	KUNIT_CASE_PARAM(cdb_test_parse, ct_parse_gen_params),
	KUNIT_CASE_PARAM(cdb_test_flags, ct_flags_gen_params),
	KUNIT_CASE(cdb_test_table_entries_consistent),
	KUNIT_CASE(cdb_test_every_entry_parses),
	KUNIT_CASE(cdb_test_find),
	KUNIT_CASE_PARAM(cdb_test_rsoc_one, ct_rsoc_gen_params),
	KUNIT_CASE(cdb_test_rsoc_all),
	KUNIT_CASE(cdb_test_rsoc_lists_what_parses),
	{}
};

static struct kunit_suite cdb_test_suite = {
	.name = "scst_core_cdb",
	.test_cases = cdb_test_cases,
};

kunit_test_suite(cdb_test_suite);
