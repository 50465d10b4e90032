/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG core: the CDB table. One entry per (opcode, service action) the
 * core knows for disks (SBC) and CD/DVD devices (MMC), plus the SPC
 * commands common to both: how to find the data direction, the transfer
 * length, the LBA, and which rules of the core apply to it.
 */
#ifndef _SCST_CDB_H
#define _SCST_CDB_H

#include <linux/types.h>

/* Device types an entry applies to (bit n: peripheral device type n) */
#define CDB_DISK		BIT(0x00)
#define CDB_CDROM		BIT(0x05)
#define CDB_ALL			(CDB_DISK | CDB_CDROM)

/* Entry flags */
#define CDB_F_HAS_SA		0x0001	/* service action in byte 1 (bits 4:0), or 8-9 for 0x7f */
#define CDB_F_WRITE_MEDIUM	0x0002	/* changes the medium: DATA PROTECT when read-only */
#define CDB_F_UA_OK		0x0004	/* runs with a UA pending, which stays (INQUIRY, REPORT LUNS, REQUEST SENSE) */
#define CDB_F_RES_OK		0x0008	/* allowed to other nexuses under an SPC-2 reservation */
#define CDB_F_LOCAL		0x0010	/* the core executes it (local.c) */
#define CDB_F_NO_LUN_OK		0x0020	/* answered for a LUN the session lacks (LUN 0 substitution) */
#define CDB_F_LBA		0x0040	/* has an LBA and block count: checked against capacity */
#define CDB_F_PR_EXEMPT		0x0080	/* allowed under any persistent reservation (SPC-4 table 69) */

/**
 * struct scst_cdb_op - one entry of the CDB table
 * @opcode:   CDB byte 0
 * @sa:       service action, with CDB_F_HAS_SA
 * @name:     as the standards spell it ("READ(10)")
 * @types:    CDB_DISK | CDB_CDROM
 * @cdb_len:  length of the CDB (for the variable-length 0x7f form, the
 *            minimum: 32 for the ones we know)
 * @flags:    CDB_F_*
 * @dir:      enum scst_data_dir the command moves data in (when its length
 *            is not zero)
 * @len_off, @len_size: where the transfer length sits in the CDB
 *            (0 size: no data); a 0 in a 6-byte READ/WRITE means 256
 * @len_unit: 0: the length is in bytes; 1: in logical blocks (scaled
 *            by the device's block size)
 * @lba_off, @lba_size: where the LBA sits (CDB_F_LBA)
 * @usage:    CDB usage data for REPORT SUPPORTED OPERATION CODES: bit n of
 *            usage[i] set when that bit of byte i may be set
 * @check:    extra validation; returns 0, or -EINVAL with *byte and *bit
 *            (-1 for a whole byte) naming the bad field
 */
struct scst_cdb_op {
	u8 opcode;
	u16 sa;
	const char *name;
	u32 types;
	u8 cdb_len;
	u16 flags;
	u8 dir;
	u8 len_off, len_size;
	u8 len_unit;
	u8 lba_off, lba_size;
	const u8 *usage;
	int (*check)(const u8 *cdb, unsigned int len, u16 *byte, int *bit);
};

/**
 * struct scst_cdb_info - what scst_cdb_parse() found
 * @op:        the entry (NULL when the parse failed with -EOPNOTSUPP)
 * @dir:       enum scst_data_dir (SCST_DATA_NONE when the length is 0)
 * @bufflen:   bytes to move
 * @lba:       first LBA (CDB_F_LBA)
 * @nr_blocks: blocks addressed (CDB_F_LBA)
 * @err_byte, @err_bit: on -EINVAL, the field for the sense-key specific
 *            field pointer (SPC-4 4.5.2.4.2): byte, and bit or -1
 */
struct scst_cdb_info {
	const struct scst_cdb_op *op;
	u8 dir;
	u32 bufflen;
	u64 lba;
	u32 nr_blocks;
	u16 err_byte;
	int err_bit;
};

/*
 * Parse @cdb for a device of peripheral @type with logical blocks of
 * 1 << @block_shift bytes. Returns 0; -EOPNOTSUPP for an opcode (or
 * service action) the type does not have: INVALID COMMAND OPERATION CODE,
 * with the pointer at byte 0 (or the service action's field); -EINVAL for a
 * bad field: INVALID FIELD IN CDB at err_byte/err_bit (a CDB shorter than
 * the opcode's length: byte 0; reserved bits set, a bad length...);
 * -EOVERFLOW when the transfer is larger than SCST_SGV_MAX_SIZE: INVALID
 * FIELD IN CDB at the length field.
 */
int scst_cdb_parse(const u8 *cdb, unsigned int cdb_len, u8 type,
		   u8 block_shift, struct scst_cdb_info *info);

/* Look up the entry of (opcode, sa) for @type; NULL when there is none. */
const struct scst_cdb_op *scst_cdb_find(u8 opcode, u16 sa, u8 type);

/* The whole table, for REPORT SUPPORTED OPERATION CODES and the tests. */
extern const struct scst_cdb_op scst_cdb_ops[];
extern const unsigned int scst_cdb_nr_ops;

/*
 * REPORT SUPPORTED OPERATION CODES (SPC-4 6.35) for a device of @type,
 * into @buf (at most @len bytes); returns the full length of the data, or
 * -EINVAL with *err_byte and *err_bit set for a bad CDB field, or -EOPNOTSUPP
 * when one command was asked for in a way that must fail (reporting
 * option 1 for an opcode with service actions...).
 */
int scst_cdb_report_opcodes(const u8 *cdb, u8 type, u8 *buf, u32 len,
			    u16 *err_byte, int *err_bit);

#endif /* _SCST_CDB_H */
