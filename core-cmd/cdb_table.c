// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the CDB table. Layouts come from SPC-4 (r37), SBC-3/SBC-4
 * and MMC-6; the opcodes of the second half of the table are the ones a
 * Linux, Windows or ESX initiator sends to a disk or a CD/DVD device.
 *
 * Every entry names where its length and LBA sit, what the length counts
 * and which way data moves. The usage map (REPORT SUPPORTED OPERATION
 * CODES) has a bit set for each CDB bit the core or a handler acts on;
 * bits that are only checked to be zero (RDPROTECT without protection
 * information, obsolete bits) are reported as zero, as SPC-4 6.35.3 asks
 * for bits "treated as reserved".
 *
 * Left out on purpose: XDWRITEREAD(10) and other bidirectional commands
 * (obsolete since SBC-4, never sent by Linux, and a command has a single
 * buffer here), and MMC audio play commands and READ CD MSF, which make
 * no sense for an emulated medium.
 */
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <scst/cmd.h>
#include "cdb.h"

/* CONTROL byte: NACA is honoured (the core runs ACA); LINK is obsolete. */
#define CTL		0x04

/* The usage map; it also sets the CDB length, so the two cannot differ. */
#define USAGE(...)	.usage = (const u8[]){ __VA_ARGS__ },		\
			.cdb_len = sizeof((const u8[]){ __VA_ARGS__ })
#define DATA(d, off, size, unit)					\
			.dir = (d), .len_off = (off), .len_size = (size),	\
			.len_unit = (unit)
#define LBA(off, size)	.lba_off = (off), .lba_size = (size)

#define DIN		SCST_DATA_READ
#define DOUT		SCST_DATA_WRITE

static int cdb_err(struct scst_cdb_check *c, u16 byte, int bit)
{
	c->err_byte = byte;
	c->err_bit = bit;
	return -EINVAL;
}

/* Bits of @mask in byte @byte must be zero; the pointer names the highest. */
static int cdb_zero_bits(struct scst_cdb_check *c, const u8 *cdb, u16 byte,
			 u8 mask)
{
	u8 bad = cdb[byte] & mask;

	return bad ? cdb_err(c, byte, fls(bad) - 1) : 0;
}

/*
 * RDPROTECT, WRPROTECT and VRPROTECT (bits 7:5): no handler keeps
 * protection information, so anything but 0 is INVALID FIELD IN CDB
 * (SBC-3 4.22.2); the pointer names the field's top bit.
 */
static int cdb_no_protect(struct scst_cdb_check *c, const u8 *cdb, u16 byte)
{
	return (cdb[byte] & 0xe0) ? cdb_err(c, byte, 7) : 0;
}

/*
 * READ(10/12/16/32) flags byte: RDPROTECT 7:5, DPO 4, FUA 3, RARC 2,
 * FUA_NV (obsolete) 1, bit 0 obsolete (RELADR in SBC-2), which Linux never
 * sets and no device here implements.
 */
static int cdb_read_flags(struct scst_cdb_check *c, const u8 *cdb, u16 byte)
{
	return cdb_no_protect(c, cdb, byte) ?:
	       cdb_zero_bits(c, cdb, byte, 0x01);
}

/* WRITE(10/12/16/32) and COMPARE AND WRITE: bit 2 reserved, bit 0 obsolete */
static int cdb_write_flags(struct scst_cdb_check *c, const u8 *cdb, u16 byte)
{
	return cdb_no_protect(c, cdb, byte) ?:
	       cdb_zero_bits(c, cdb, byte, 0x05);
}

static int check_read(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_read_flags(c, cdb, 1);
}

static int check_read32(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_read_flags(c, cdb, 10);
}

static int check_write(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_write_flags(c, cdb, 1);
}

static int check_write32(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_write_flags(c, cdb, 10);
}

/*
 * VERIFY (SBC-4 5.33): VRPROTECT 7:5, DPO 4, bit 3 reserved, BYTCHK 2:1,
 * bit 0 obsolete. BYTCHK 00b: medium verification, no data; 01b: compare
 * with as many blocks of data-out; 10b: reserved; 11b: compare each block
 * with one block of data-out.
 */
static int cdb_verify_flags(struct scst_cdb_check *c, const u8 *cdb, u16 byte)
{
	int ret = cdb_no_protect(c, cdb, byte) ?:
		  cdb_zero_bits(c, cdb, byte, 0x09);

	if (ret)
		return ret;
	switch ((cdb[byte] >> 1) & 3) {
	case 0:
		c->unit = CDB_LEN_BLOCKS_NO_DATA;
		return 0;
	case 1:
		c->unit = CDB_LEN_BLOCKS;
		return 0;
	case 3:
		c->unit = CDB_LEN_BLOCKS_ONE;
		return 0;
	default:
		return cdb_err(c, byte, 2);
	}
}

static int check_verify(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_verify_flags(c, cdb, 1);
}

static int check_verify32(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_verify_flags(c, cdb, 10);
}

/*
 * WRITE AND VERIFY: WRPROTECT 7:5, DPO 4, bit 3 reserved, BYTCHK 2:1, bit
 * 0 obsolete. Only BYTCHK 00b and 01b are defined for it: the whole
 * data-out is written either way.
 */
static int cdb_wav_flags(struct scst_cdb_check *c, const u8 *cdb, u16 byte)
{
	return cdb_no_protect(c, cdb, byte) ?:
	       cdb_zero_bits(c, cdb, byte, 0x0d);
}

static int check_write_verify(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_wav_flags(c, cdb, 1);
}

static int check_write_verify32(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_wav_flags(c, cdb, 10);
}

/*
 * WRITE SAME (SBC-4 5.50): WRPROTECT 7:5, ANCHOR 4, UNMAP 3, PBDATA and
 * LBDATA 2:1 (obsolete: no handler fills blocks with their addresses, and
 * SBC-3 already refused both at once), bit 0 obsolete in the 10-byte form
 * and NDOB (no data-out buffer: write zeroes) in the others. ANCHOR
 * without UNMAP is INVALID FIELD IN CDB (SBC-4 5.50.1).
 */
static int cdb_write_same_flags(struct scst_cdb_check *c, const u8 *cdb,
				u16 byte, bool has_ndob)
{
	int ret = cdb_no_protect(c, cdb, byte) ?:
		  cdb_zero_bits(c, cdb, byte, has_ndob ? 0x06 : 0x07);

	if (ret)
		return ret;
	if ((cdb[byte] & 0x18) == 0x10)
		return cdb_err(c, byte, 4);
	if (has_ndob && (cdb[byte] & 0x01))
		c->unit = CDB_LEN_BLOCKS_NO_DATA;
	return 0;
}

static int check_write_same10(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_write_same_flags(c, cdb, 1, false);
}

static int check_write_same16(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_write_same_flags(c, cdb, 1, true);
}

static int check_write_same32(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_write_same_flags(c, cdb, 10, true);
}

/*
 * FORMAT UNIT (SBC-4 5.3): FMTPINFO 7:6 must be 0 (no protection
 * information). With FMTDATA the data-out is the parameter list header,
 * 4 bytes or 8 with LONGLIST; a handler that wants the initialization
 * pattern or defect list behind it reads the header and refuses them.
 */
static int check_format_unit(const u8 *cdb, struct scst_cdb_check *c)
{
	if (cdb[1] & 0xc0)
		return cdb_err(c, 1, 7);
	if (cdb[1] & 0x10)
		c->fixed_len = (cdb[1] & 0x20) ? 8 : 4;
	return 0;
}

/*
 * INQUIRY (SPC-4 6.6): CMDDT (bit 1) is obsolete and must be zero, and so
 * must a PAGE CODE without EVPD.
 */
static int check_inquiry(const u8 *cdb, struct scst_cdb_check *c)
{
	int ret = cdb_zero_bits(c, cdb, 1, 0xfe);

	if (ret)
		return ret;
	if (!(cdb[1] & 0x01) && cdb[2])
		return cdb_err(c, 2, -1);
	return 0;
}

/*
 * RESERVE(6) and RELEASE(6) (SPC-2 7.21, 7.17): third-party reservations
 * and extents (byte 1 bits 4:0) are obsolete and not supported.
 */
static int check_reserve6(const u8 *cdb, struct scst_cdb_check *c)
{
	return cdb_zero_bits(c, cdb, 1, 0x1f);
}

/*
 * RESERVE(10) and RELEASE(10): likewise 3RDPTY (bit 4) and LONGID (bit 1);
 * the parameter list exists only for LONGID, so its length must be 0.
 */
static int check_reserve10(const u8 *cdb, struct scst_cdb_check *c)
{
	int ret = cdb_zero_bits(c, cdb, 1, 0x1f);

	if (ret)
		return ret;
	if (cdb[7] || cdb[8])
		return cdb_err(c, 7, -1);
	return 0;
}

/*
 * READ CAPACITY (SBC-3 5.15, 5.16): without PMI the LOGICAL BLOCK ADDRESS
 * field must be 0.
 */
static int check_read_capacity10(const u8 *cdb, struct scst_cdb_check *c)
{
	if (!(cdb[8] & 0x01) && (cdb[2] | cdb[3] | cdb[4] | cdb[5]))
		return cdb_err(c, 2, -1);
	return 0;
}

static int check_read_capacity16(const u8 *cdb, struct scst_cdb_check *c)
{
	unsigned int i;

	if (cdb[14] & 0x01)
		return 0;
	for (i = 2; i < 10; i++)
		if (cdb[i])
			return cdb_err(c, 2, -1);
	return 0;
}

/*
 * READ CD (MMC-6 6.19): only the user data of 2048-byte sectors, which is
 * what a logical block is on these devices. EXPECTED SECTOR TYPE (byte 1
 * bits 4:2) must be any (0), Mode 1 (2) or Mode 2 Form 1 (4); byte 9 must
 * select the user data alone (10h) or nothing (0: no data moves); no
 * sub-channel data (byte 10 bits 2:0). Raw sectors, headers, C2 errors and
 * sub-channels would change the bytes per block and no handler keeps them.
 */
static int check_read_cd(const u8 *cdb, struct scst_cdb_check *c)
{
	switch ((cdb[1] >> 2) & 7) {
	case 0:
	case 2:
	case 4:
		break;
	default:
		return cdb_err(c, 1, 4);
	}
	if (cdb[9] != 0x10 && cdb[9] != 0)
		return cdb_err(c, 9, -1);
	if (cdb[10] & 0x07)
		return cdb_err(c, 10, 2);
	if (!cdb[9])
		c->unit = CDB_LEN_BLOCKS_NO_DATA;
	return 0;
}

/* Commands that report state: allowed under either kind of reservation */
#define F_INFO		(CDB_F_RES_OK | CDB_F_PR_EXEMPT)
#define F_RW		(CDB_F_LBA | CDB_F_WRITE_MEDIUM)

/* Sorted by (opcode, sa): scst_cdb_find() searches it by halves. */
const struct scst_cdb_op scst_cdb_ops[] = {
	/* 6-byte CDBs */
	{ .opcode = 0x00, .name = "TEST UNIT READY", .types = CDB_ALL,
	  .flags = F_INFO,
	  USAGE(0x00, 0, 0, 0, 0, CTL) },
	{ .opcode = 0x03, .name = "REQUEST SENSE", .types = CDB_ALL,
	  .flags = CDB_F_UA_OK | CDB_F_RES_OK | CDB_F_LOCAL |
		   CDB_F_NO_LUN_OK | CDB_F_PR_EXEMPT,
	  DATA(DIN, 4, 1, CDB_LEN_BYTES),
	  USAGE(0x03, 0x01, 0, 0, 0xff, CTL) },
	{ .opcode = 0x04, .name = "FORMAT UNIT", .types = CDB_DISK,
	  .flags = CDB_F_WRITE_MEDIUM,
	  DATA(DOUT, 0, 0, CDB_LEN_FIXED), .check = check_format_unit,
	  USAGE(0x04, 0x3f, 0, 0, 0, CTL) },
	{ .opcode = 0x08, .name = "READ(6)", .types = CDB_DISK,
	  .flags = CDB_F_LBA,
	  DATA(DIN, 4, 1, CDB_LEN_BLOCKS), LBA(1, 3),
	  USAGE(0x08, 0x1f, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x0a, .name = "WRITE(6)", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 4, 1, CDB_LEN_BLOCKS), LBA(1, 3),
	  USAGE(0x0a, 0x1f, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x12, .name = "INQUIRY", .types = CDB_ALL,
	  .flags = CDB_F_UA_OK | CDB_F_NO_LUN_OK | F_INFO,
	  DATA(DIN, 3, 2, CDB_LEN_BYTES), .check = check_inquiry,
	  USAGE(0x12, 0x01, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x15, .name = "MODE SELECT(6)", .types = CDB_ALL,
	  DATA(DOUT, 4, 1, CDB_LEN_BYTES),
	  USAGE(0x15, 0x11, 0, 0, 0xff, CTL) },
	{ .opcode = 0x16, .name = "RESERVE(6)", .types = CDB_ALL,
	  .flags = CDB_F_LOCAL, .check = check_reserve6,
	  USAGE(0x16, 0, 0, 0, 0, CTL) },
	{ .opcode = 0x17, .name = "RELEASE(6)", .types = CDB_ALL,
	  .flags = CDB_F_LOCAL | CDB_F_RES_OK, .check = check_reserve6,
	  USAGE(0x17, 0, 0, 0, 0, CTL) },
	{ .opcode = 0x1a, .name = "MODE SENSE(6)", .types = CDB_ALL,
	  DATA(DIN, 4, 1, CDB_LEN_BYTES),
	  USAGE(0x1a, 0x08, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x1b, .name = "START STOP UNIT", .types = CDB_ALL,
	  USAGE(0x1b, 0x01, 0, 0x0f, 0xf7, CTL) },
	{ .opcode = 0x1c, .name = "RECEIVE DIAGNOSTIC RESULTS",
	  .types = CDB_ALL,
	  DATA(DIN, 3, 2, CDB_LEN_BYTES),
	  USAGE(0x1c, 0x01, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x1d, .name = "SEND DIAGNOSTIC", .types = CDB_ALL,
	  DATA(DOUT, 3, 2, CDB_LEN_BYTES),
	  USAGE(0x1d, 0xf7, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x1e, .name = "PREVENT ALLOW MEDIUM REMOVAL",
	  .types = CDB_ALL,
	  USAGE(0x1e, 0, 0, 0, 0x03, CTL) },

	/* 10-byte CDBs */
	{ .opcode = 0x23, .name = "READ FORMAT CAPACITIES", .types = CDB_CDROM,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x23, 0, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x25, .name = "READ CAPACITY(10)", .types = CDB_ALL,
	  .flags = F_INFO, .fixed_len = 8,
	  DATA(DIN, 0, 0, CDB_LEN_FIXED), .check = check_read_capacity10,
	  USAGE(0x25, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0x01, CTL) },
	{ .opcode = 0x28, .name = "READ(10)", .types = CDB_ALL,
	  .flags = CDB_F_LBA,
	  DATA(DIN, 7, 2, CDB_LEN_BLOCKS), LBA(2, 4), .check = check_read,
	  USAGE(0x28, 0x18, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x2a, .name = "WRITE(10)", .types = CDB_ALL,
	  .flags = F_RW,
	  DATA(DOUT, 7, 2, CDB_LEN_BLOCKS), LBA(2, 4), .check = check_write,
	  USAGE(0x2a, 0x18, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x2e, .name = "WRITE AND VERIFY(10)", .types = CDB_ALL,
	  .flags = F_RW,
	  DATA(DOUT, 7, 2, CDB_LEN_BLOCKS), LBA(2, 4),
	  .check = check_write_verify,
	  USAGE(0x2e, 0x16, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x2f, .name = "VERIFY(10)", .types = CDB_ALL,
	  .flags = CDB_F_LBA,
	  DATA(DOUT, 7, 2, CDB_LEN_BLOCKS_NO_DATA), LBA(2, 4),
	  .check = check_verify,
	  USAGE(0x2f, 0x16, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x35, .name = "SYNCHRONIZE CACHE(10)", .types = CDB_ALL,
	  .flags = CDB_F_LBA,
	  DATA(SCST_DATA_NONE, 7, 2, CDB_LEN_BLOCKS_NO_DATA), LBA(2, 4),
	  USAGE(0x35, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x3b, .name = "WRITE BUFFER", .types = CDB_ALL,
	  DATA(DOUT, 6, 3, CDB_LEN_BYTES),
	  USAGE(0x3b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x3c, .name = "READ BUFFER", .types = CDB_ALL,
	  DATA(DIN, 6, 3, CDB_LEN_BYTES),
	  USAGE(0x3c, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x41, .name = "WRITE SAME(10)", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 7, 2, CDB_LEN_BLOCKS_ONE), LBA(2, 4),
	  .check = check_write_same10,
	  USAGE(0x41, 0x18, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x42, .name = "UNMAP", .types = CDB_DISK,
	  .flags = CDB_F_WRITE_MEDIUM,
	  DATA(DOUT, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x42, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x42, .name = "READ SUB-CHANNEL", .types = CDB_CDROM,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x42, 0x02, 0x40, 0xff, 0, 0, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x43, .name = "READ TOC/PMA/ATIP", .types = CDB_CDROM,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  /* the CONTROL byte's top bits: the pre-MMC-2 FORMAT field */
	  USAGE(0x43, 0x02, 0x0f, 0, 0, 0, 0xff, 0xff, 0xff, 0xc0 | CTL) },
	{ .opcode = 0x44, .name = "READ HEADER", .types = CDB_CDROM,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x44, 0x02, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x46, .name = "GET CONFIGURATION", .types = CDB_CDROM,
	  .flags = CDB_F_UA_OK,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x46, 0x03, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x4a, .name = "GET EVENT STATUS NOTIFICATION",
	  .types = CDB_CDROM, .flags = CDB_F_UA_OK,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x4a, 0x01, 0, 0, 0xff, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x4c, .name = "LOG SELECT", .types = CDB_ALL,
	  DATA(DOUT, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x4c, 0x03, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x4d, .name = "LOG SENSE", .types = CDB_ALL,
	  .flags = F_INFO,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x4d, 0x01, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x51, .name = "READ DISC INFORMATION", .types = CDB_CDROM,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x51, 0x07, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x52, .name = "READ TRACK INFORMATION",
	  .types = CDB_CDROM,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x52, 0x07, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x55, .name = "MODE SELECT(10)", .types = CDB_ALL,
	  DATA(DOUT, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x55, 0x11, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x56, .name = "RESERVE(10)", .types = CDB_ALL,
	  .flags = CDB_F_LOCAL, .check = check_reserve10,
	  USAGE(0x56, 0, 0, 0, 0, 0, 0, 0, 0, CTL) },
	{ .opcode = 0x57, .name = "RELEASE(10)", .types = CDB_ALL,
	  .flags = CDB_F_LOCAL | CDB_F_RES_OK, .check = check_reserve10,
	  USAGE(0x57, 0, 0, 0, 0, 0, 0, 0, 0, CTL) },
	{ .opcode = 0x5a, .name = "MODE SENSE(10)", .types = CDB_ALL,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x5a, 0x18, 0xff, 0xff, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x5e, .sa = 0x00, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE IN: READ KEYS",
	  .flags = CDB_F_HAS_SA | CDB_F_PR_EXEMPT,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x5e, 0x00, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x5e, .sa = 0x01, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE IN: READ RESERVATION",
	  .flags = CDB_F_HAS_SA | CDB_F_PR_EXEMPT,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x5e, 0x01, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x5e, .sa = 0x02, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE IN: REPORT CAPABILITIES",
	  .flags = CDB_F_HAS_SA | CDB_F_PR_EXEMPT,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x5e, 0x02, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x5e, .sa = 0x03, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE IN: READ FULL STATUS",
	  .flags = CDB_F_HAS_SA | CDB_F_PR_EXEMPT,
	  DATA(DIN, 7, 2, CDB_LEN_BYTES),
	  USAGE(0x5e, 0x03, 0, 0, 0, 0, 0, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x00, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: REGISTER",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x00, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x01, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: RESERVE",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x01, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x02, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: RELEASE",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x02, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x03, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: CLEAR",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x03, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x04, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: PREEMPT",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x04, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x05, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: PREEMPT AND ABORT",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x05, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x06, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: REGISTER AND IGNORE EXISTING KEY",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x06, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0x5f, .sa = 0x07, .types = CDB_ALL,
	  .name = "PERSISTENT RESERVE OUT: REGISTER AND MOVE",
	  .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 5, 4, CDB_LEN_BYTES),
	  USAGE(0x5f, 0x07, 0xff, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },

	/*
	 * The 32-byte forms (SBC-4 5.12...): CONTROL in byte 1, ADDITIONAL CDB
	 * LENGTH 18h in byte 7, the service action in 8-9, flags in byte 10, the
	 * LBA in 12-19 and the length in 28-31. The protection information tags
	 * (20-27) are ignored: protection is refused by the flags check.
	 */
	{ .opcode = 0x7f, .sa = 0x0009, .name = "READ(32)",
	  .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | CDB_F_LBA,
	  DATA(DIN, 28, 4, CDB_LEN_BLOCKS), LBA(12, 8),
	  .check = check_read32,
	  USAGE(0x7f, CTL, 0, 0, 0, 0, 0, 0x18, 0x00, 0x09, 0x18, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) },
	{ .opcode = 0x7f, .sa = 0x000a, .name = "VERIFY(32)",
	  .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | CDB_F_LBA,
	  DATA(DOUT, 28, 4, CDB_LEN_BLOCKS_NO_DATA), LBA(12, 8),
	  .check = check_verify32,
	  USAGE(0x7f, CTL, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0a, 0x16, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) },
	{ .opcode = 0x7f, .sa = 0x000b, .name = "WRITE(32)",
	  .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | F_RW,
	  DATA(DOUT, 28, 4, CDB_LEN_BLOCKS), LBA(12, 8),
	  .check = check_write32,
	  USAGE(0x7f, CTL, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0b, 0x18, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) },
	{ .opcode = 0x7f, .sa = 0x000c, .name = "WRITE AND VERIFY(32)",
	  .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | F_RW,
	  DATA(DOUT, 28, 4, CDB_LEN_BLOCKS), LBA(12, 8),
	  .check = check_write_verify32,
	  USAGE(0x7f, CTL, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0c, 0x16, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) },
	{ .opcode = 0x7f, .sa = 0x000d, .name = "WRITE SAME(32)",
	  .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | F_RW,
	  DATA(DOUT, 28, 4, CDB_LEN_BLOCKS_ONE), LBA(12, 8),
	  .check = check_write_same32,
	  USAGE(0x7f, CTL, 0, 0, 0, 0, 0, 0x18, 0x00, 0x0d, 0x19, 0,
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff) },

	/* 16-byte CDBs */
	{ .opcode = 0x83, .sa = 0x00, .name = "EXTENDED COPY(LID1)",
	  .types = CDB_DISK, .flags = CDB_F_HAS_SA | CDB_F_WRITE_MEDIUM,
	  DATA(DOUT, 10, 4, CDB_LEN_BYTES),
	  USAGE(0x83, 0x00, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x84, .sa = 0x00, .types = CDB_DISK,
	  .name = "RECEIVE COPY RESULTS: COPY STATUS(LID1)",
	  .flags = CDB_F_HAS_SA,
	  DATA(DIN, 10, 4, CDB_LEN_BYTES),
	  USAGE(0x84, 0x00, 0xff, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x84, .sa = 0x01, .types = CDB_DISK,
	  .name = "RECEIVE COPY RESULTS: RECEIVE DATA(LID1)",
	  .flags = CDB_F_HAS_SA,
	  DATA(DIN, 10, 4, CDB_LEN_BYTES),
	  USAGE(0x84, 0x01, 0xff, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x84, .sa = 0x03, .types = CDB_DISK,
	  .name = "RECEIVE COPY RESULTS: OPERATING PARAMETERS",
	  .flags = CDB_F_HAS_SA,
	  DATA(DIN, 10, 4, CDB_LEN_BYTES),
	  USAGE(0x84, 0x03, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x84, .sa = 0x04, .types = CDB_DISK,
	  .name = "RECEIVE COPY RESULTS: FAILED SEGMENT DETAILS(LID1)",
	  .flags = CDB_F_HAS_SA,
	  DATA(DIN, 10, 4, CDB_LEN_BYTES),
	  USAGE(0x84, 0x04, 0xff, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x88, .name = "READ(16)", .types = CDB_DISK,
	  .flags = CDB_F_LBA,
	  DATA(DIN, 10, 4, CDB_LEN_BLOCKS), LBA(2, 8), .check = check_read,
	  USAGE(0x88, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x89, .name = "COMPARE AND WRITE", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 13, 1, CDB_LEN_BLOCKS_TWICE), LBA(2, 8),
	  .check = check_write,
	  USAGE(0x89, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, 0, 0, 0xff, 0, CTL) },
	{ .opcode = 0x8a, .name = "WRITE(16)", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 10, 4, CDB_LEN_BLOCKS), LBA(2, 8), .check = check_write,
	  USAGE(0x8a, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x8e, .name = "WRITE AND VERIFY(16)", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 10, 4, CDB_LEN_BLOCKS), LBA(2, 8),
	  .check = check_write_verify,
	  USAGE(0x8e, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x8f, .name = "VERIFY(16)", .types = CDB_DISK,
	  .flags = CDB_F_LBA,
	  DATA(DOUT, 10, 4, CDB_LEN_BLOCKS_NO_DATA), LBA(2, 8),
	  .check = check_verify,
	  USAGE(0x8f, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x91, .name = "SYNCHRONIZE CACHE(16)", .types = CDB_DISK,
	  .flags = CDB_F_LBA,
	  DATA(SCST_DATA_NONE, 10, 4, CDB_LEN_BLOCKS_NO_DATA), LBA(2, 8),
	  USAGE(0x91, 0x02, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x93, .name = "WRITE SAME(16)", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 10, 4, CDB_LEN_BLOCKS_ONE), LBA(2, 8),
	  .check = check_write_same16,
	  USAGE(0x93, 0x19, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0x9e, .sa = 0x10, .name = "READ CAPACITY(16)",
	  .types = CDB_DISK, .flags = CDB_F_HAS_SA | F_INFO,
	  DATA(DIN, 10, 4, CDB_LEN_BYTES), .check = check_read_capacity16,
	  USAGE(0x9e, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0x01, CTL) },
	{ .opcode = 0x9e, .sa = 0x12, .name = "GET LBA STATUS",
	  .types = CDB_DISK, .flags = CDB_F_HAS_SA,
	  DATA(DIN, 10, 4, CDB_LEN_BYTES),
	  USAGE(0x9e, 0x12, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0, CTL) },

	/* 12-byte CDBs */
	{ .opcode = 0xa0, .name = "REPORT LUNS", .types = CDB_ALL,
	  .flags = CDB_F_UA_OK | CDB_F_LOCAL | CDB_F_NO_LUN_OK | F_INFO,
	  DATA(DIN, 6, 4, CDB_LEN_BYTES),
	  USAGE(0xa0, 0, 0xff, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL) },
	/* MMC's SEND KEY and SPC's MAINTENANCE IN share 0xa3 */
	{ .opcode = 0xa3, .name = "SEND KEY", .types = CDB_CDROM,
	  DATA(DOUT, 8, 2, CDB_LEN_BYTES),
	  USAGE(0xa3, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, CTL) },
	{ .opcode = 0xa3, .sa = 0x0a, .name = "REPORT TARGET PORT GROUPS",
	  .types = CDB_DISK, .flags = CDB_F_HAS_SA | F_INFO,
	  DATA(DIN, 6, 4, CDB_LEN_BYTES),
	  /* byte 1 bits 7:5: PARAMETER DATA FORMAT */
	  USAGE(0xa3, 0xea, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0xa3, .sa = 0x0c,
	  .name = "REPORT SUPPORTED OPERATION CODES", .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | CDB_F_LOCAL | CDB_F_RES_OK,
	  DATA(DIN, 6, 4, CDB_LEN_BYTES),
	  USAGE(0xa3, 0x0c, 0x87, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, CTL) },
	{ .opcode = 0xa3, .sa = 0x0d,
	  .name = "REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS",
	  .types = CDB_DISK,
	  .flags = CDB_F_HAS_SA | CDB_F_LOCAL | CDB_F_RES_OK,
	  DATA(DIN, 6, 4, CDB_LEN_BYTES),
	  USAGE(0xa3, 0x0d, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL) },
	/* MMC's REPORT KEY and SPC's MAINTENANCE OUT share 0xa4 */
	{ .opcode = 0xa4, .name = "REPORT KEY", .types = CDB_CDROM,
	  DATA(DIN, 8, 2, CDB_LEN_BYTES),
	  USAGE(0xa4, 0, 0xff, 0xff, 0xff, 0xff, 0, 0xff, 0xff, 0xff, 0xff,
		CTL) },
	{ .opcode = 0xa4, .sa = 0x0a, .name = "SET TARGET PORT GROUPS",
	  .types = CDB_DISK, .flags = CDB_F_HAS_SA,
	  DATA(DOUT, 6, 4, CDB_LEN_BYTES),
	  USAGE(0xa4, 0x0a, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0xa8, .name = "READ(12)", .types = CDB_ALL,
	  .flags = CDB_F_LBA,
	  DATA(DIN, 6, 4, CDB_LEN_BLOCKS), LBA(2, 4), .check = check_read,
	  USAGE(0xa8, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, CTL) },
	{ .opcode = 0xaa, .name = "WRITE(12)", .types = CDB_ALL,
	  .flags = F_RW,
	  DATA(DOUT, 6, 4, CDB_LEN_BLOCKS), LBA(2, 4), .check = check_write,
	  USAGE(0xaa, 0x18, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, CTL) },
	{ .opcode = 0xad, .name = "READ DVD STRUCTURE", .types = CDB_CDROM,
	  DATA(DIN, 8, 2, CDB_LEN_BYTES),
	  USAGE(0xad, 0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xc0, CTL) },
	{ .opcode = 0xae, .name = "WRITE AND VERIFY(12)", .types = CDB_DISK,
	  .flags = F_RW,
	  DATA(DOUT, 6, 4, CDB_LEN_BLOCKS), LBA(2, 4),
	  .check = check_write_verify,
	  USAGE(0xae, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, CTL) },
	{ .opcode = 0xaf, .name = "VERIFY(12)", .types = CDB_DISK,
	  .flags = CDB_F_LBA,
	  DATA(DOUT, 6, 4, CDB_LEN_BLOCKS_NO_DATA), LBA(2, 4),
	  .check = check_verify,
	  USAGE(0xaf, 0x16, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0, CTL) },
	{ .opcode = 0xbb, .name = "SET CD SPEED", .types = CDB_CDROM,
	  USAGE(0xbb, 0x03, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, CTL) },
	{ .opcode = 0xbd, .name = "MECHANISM STATUS", .types = CDB_CDROM,
	  DATA(DIN, 8, 2, CDB_LEN_BYTES),
	  USAGE(0xbd, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, CTL) },
	{ .opcode = 0xbe, .name = "READ CD", .types = CDB_CDROM,
	  .flags = CDB_F_LBA,
	  DATA(DIN, 6, 3, CDB_LEN_BLOCKS), LBA(2, 4), .check = check_read_cd,
	  USAGE(0xbe, 0x1c, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfe,
		0x07, CTL) },
};
EXPORT_SYMBOL_IF_KUNIT(scst_cdb_ops);

const unsigned int scst_cdb_nr_ops = ARRAY_SIZE(scst_cdb_ops);
EXPORT_SYMBOL_IF_KUNIT(scst_cdb_nr_ops);
