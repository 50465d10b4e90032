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

/*
 * Entry flags.
 * HAS_SA:       the opcode has service actions, in byte 1 bits 4:0 (bytes
 *               8-9 for 0x7f)
 * WRITE_MEDIUM: changes the medium: DATA PROTECT on a read-only LUN
 * UA_OK:        runs with a UA pending, which stays: INQUIRY, REPORT LUNS,
 *               REQUEST SENSE (SAM-5 5.14), and for MMC devices GET
 *               CONFIGURATION and GET EVENT STATUS NOTIFICATION (MMC-6
 *               4.1.6.1), which a host polls for media changes
 * RES_OK:       allowed to other nexuses under an SPC-2 reservation
 * LOCAL:        the core executes it (local.c)
 * NO_LUN_OK:    answered for a LUN the session lacks (LUN 0 substitution)
 * LBA:          has an LBA and a block count: checked against capacity
 * PR_EXEMPT:    allowed under any persistent reservation (SPC-4 table 69)
 */
#define CDB_F_HAS_SA		0x0001
#define CDB_F_WRITE_MEDIUM	0x0002
#define CDB_F_UA_OK		0x0004
#define CDB_F_RES_OK		0x0008
#define CDB_F_LOCAL		0x0010
#define CDB_F_NO_LUN_OK		0x0020
#define CDB_F_LBA		0x0040
#define CDB_F_PR_EXEMPT		0x0080

/*
 * How the length field of an entry counts, and what moves: a check
 * function may change it for the CDB at hand (VERIFY's BYTCHK, WRITE
 * SAME's NDOB...).
 */
enum scst_cdb_len_unit {
	CDB_LEN_BYTES,		/* the field counts bytes, all moved */
	CDB_LEN_BLOCKS,		/* the field counts logical blocks, all moved */
	CDB_LEN_BLOCKS_NO_DATA,	/* blocks addressed, no data (SYNCHRONIZE CACHE) */
	CDB_LEN_BLOCKS_ONE,	/* blocks addressed, one moves (WRITE SAME) */
	CDB_LEN_BLOCKS_TWICE,	/* twice the blocks move (COMPARE AND WRITE) */
	CDB_LEN_FIXED,		/* no length field: a fixed byte count moves */
};

/**
 * struct scst_cdb_check - what a check function sees and may change
 * @unit:      in: the entry's @len_unit; out: the unit for this CDB
 * @fixed_len: in: the entry's @fixed_len; out: for CDB_LEN_FIXED
 * @err_byte, @err_bit: on -EINVAL, the field in error (bit -1: the byte)
 */
struct scst_cdb_check {
	u8 unit;
	u32 fixed_len;
	u16 err_byte;
	int err_bit;
};

/**
 * struct scst_cdb_op - one entry of the CDB table
 * @opcode:   CDB byte 0
 * @sa:       service action, with CDB_F_HAS_SA
 * @name:     as the standards spell it ("READ(10)")
 * @types:    CDB_DISK | CDB_CDROM
 * @cdb_len:  length of the CDB (for the variable-length 0x7f form, the
 *            whole CDB: 8 + its ADDITIONAL CDB LENGTH, 32 for the ones we
 *            know)
 * @flags:    CDB_F_*
 * @dir:      enum scst_data_dir the command moves data in (when its length
 *            is not zero)
 * @len_off, @len_size: where the length field sits in the CDB (0 size:
 *            none); a 0 in a 6-byte READ/WRITE means 256 blocks
 * @len_unit: enum scst_cdb_len_unit
 * @fixed_len: CDB_LEN_FIXED: the bytes moved (READ CAPACITY(10): 8)
 * @lba_off, @lba_size: where the LBA sits (CDB_F_LBA); a 3-byte LBA is the
 *            21-bit one of READ(6)/WRITE(6)
 * @usage:    CDB usage data for REPORT SUPPORTED OPERATION CODES, @cdb_len
 *            bytes: byte 0 the opcode, the service action in its field,
 *            elsewhere bit n of usage[i] set when the device server
 *            evaluates that bit of byte i
 * @check:    extra validation of the CDB (reserved bits, field values);
 *            returns 0, or -EINVAL with @err_byte/@err_bit set. Called only
 *            with at least @cdb_len bytes of CDB.
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
	u16 fixed_len;
	u8 lba_off, lba_size;
	const u8 *usage;
	int (*check)(const u8 *cdb, struct scst_cdb_check *c);
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
 * Parse @cdb (@cdb_len bytes, which may be more than the command's own
 * length) for a device of peripheral @type with logical blocks of
 * 1 << @block_shift bytes. Returns 0, or:
 * -EOPNOTSUPP: an opcode (or service action) the type does not have. With
 *   err_byte 0 the opcode is unknown (INVALID COMMAND OPERATION CODE);
 *   otherwise the opcode is known and err_byte/err_bit name its SERVICE
 *   ACTION field (INVALID FIELD IN CDB, SPC-4 4.3.4.1).
 * -EINVAL: a bad field: INVALID FIELD IN CDB at err_byte/err_bit (a CDB
 *   shorter than the opcode's length: byte 0; a bad ADDITIONAL CDB
 *   LENGTH, field values the command cannot honour, the reserved bits an
 *   entry's check function tests). info->op is set. Other reserved bits
 *   are not checked: SPC-4 4.3.1 leaves that to the device server, SCST
 *   and LIO do not, and initiators that set obsolete bits keep working.
 * -EOVERFLOW: the transfer is larger than SCST_SGV_MAX_SIZE: INVALID
 *   FIELD IN CDB at the length field (err_byte/err_bit). info->op is set.
 * -ERANGE: LBA + number of blocks passes 2^64: LOGICAL BLOCK ADDRESS OUT
 *   OF RANGE, whatever the capacity. info->op is set.
 * On success, lba + nr_blocks does not wrap, and bufflen is 0 exactly when
 * dir is SCST_DATA_NONE.
 */
int scst_cdb_parse(const u8 *cdb, unsigned int cdb_len, u8 type,
		   u8 block_shift, struct scst_cdb_info *info);

/*
 * Look up the entry of (opcode, sa) for @type; NULL when there is none.
 * @sa is ignored for an opcode that has no service actions on @type.
 */
const struct scst_cdb_op *scst_cdb_find(u8 opcode, u16 sa, u8 type);

/*
 * The whole table, sorted by (opcode, sa), for REPORT SUPPORTED OPERATION
 * CODES and the tests.
 */
extern const struct scst_cdb_op scst_cdb_ops[];
extern const unsigned int scst_cdb_nr_ops;

/*
 * REPORT SUPPORTED OPERATION CODES (SPC-4 6.35) for a device of @type,
 * into @buf (at most @len bytes, the smaller of the buffer and the
 * ALLOCATION LENGTH); returns the full length of the data, which may be
 * more than @len. Returns -EINVAL with *err_byte and *err_bit set for INVALID
 * FIELD IN CDB: a reserved REPORTING OPTIONS value, option 1 for an opcode
 * that has service actions, option 2 for one that has none.
 */
int scst_cdb_report_opcodes(const u8 *cdb, u8 type, u8 *buf, u32 len,
			    u16 *err_byte, int *err_bit);

#endif /* _SCST_CDB_H */
