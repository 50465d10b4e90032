// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: finding a CDB's entry in the table (cdb_table.c) and
 * decoding its data direction, transfer length, LBA and block count.
 *
 * Runs for every command, before the command is lent to anyone: it reads
 * only the CDB and the const table, takes no lock and never sleeps.
 */
#include <asm/unaligned.h>
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/string.h>
#include <scst/cmd.h>
#include <scst/sgv.h>
#include "cdb.h"

#define CDB_VARLEN		0x7f	/* variable-length CDB (SPC-4 4.2.3) */
#define CDB_VARLEN_HDR		8	/* bytes before ADDITIONAL CDB LENGTH's count */
#define CDB_6_MAX_BLOCKS	256	/* READ(6)/WRITE(6): a length of 0 */
#define CDB_6_LBA_MASK		0x1fffff	/* 21-bit LBA of READ(6)/WRITE(6) */

/* Index of the first entry whose opcode is @opcode or above */
static unsigned int cdb_first(u8 opcode)
{
	unsigned int lo = 0, hi = scst_cdb_nr_ops;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (scst_cdb_ops[mid].opcode < opcode)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool cdb_for_type(const struct scst_cdb_op *op, u8 type)
{
	return type < 32 && (op->types & BIT(type));
}

const struct scst_cdb_op *scst_cdb_find(u8 opcode, u16 sa, u8 type)
{
	unsigned int i;

	for (i = cdb_first(opcode);
	     i < scst_cdb_nr_ops && scst_cdb_ops[i].opcode == opcode; i++) {
		const struct scst_cdb_op *op = &scst_cdb_ops[i];

		if (!cdb_for_type(op, type))
			continue;
		if (!(op->flags & CDB_F_HAS_SA) || op->sa == sa)
			return op;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(scst_cdb_find);

/* Whether @opcode exists for @type, and whether it has service actions */
static bool cdb_opcode_known(u8 opcode, u8 type, bool *has_sa)
{
	bool known = false;
	unsigned int i;

	*has_sa = false;
	for (i = cdb_first(opcode);
	     i < scst_cdb_nr_ops && scst_cdb_ops[i].opcode == opcode; i++) {
		if (!cdb_for_type(&scst_cdb_ops[i], type))
			continue;
		known = true;
		if (scst_cdb_ops[i].flags & CDB_F_HAS_SA)
			*has_sa = true;
	}
	return known;
}

/* A big-endian field of 1 to 8 bytes */
static u64 cdb_get_be(const u8 *p, unsigned int size)
{
	u64 v = 0;

	while (size--)
		v = (v << 8) | *p++;
	return v;
}

static int cdb_fail(struct scst_cdb_info *info, int err, u16 byte, int bit)
{
	info->err_byte = byte;
	info->err_bit = bit;
	return err;
}

/*
 * The bytes a CDB moves, from its length field as @unit counts it; also
 * sets the number of blocks it addresses. Returns false when the transfer
 * is larger than any buffer can be.
 */
static bool cdb_xfer(const struct scst_cdb_op *op,
		     const struct scst_cdb_check *c, u64 field, u8 block_shift,
		     u32 *nr_blocks, u64 *bytes)
{
	u64 blocks;

	*nr_blocks = 0;
	switch (c->unit) {
	case CDB_LEN_BYTES:
		*bytes = field;
		return *bytes <= SCST_SGV_MAX_SIZE;
	case CDB_LEN_FIXED:
		*bytes = c->fixed_len;
		return *bytes <= SCST_SGV_MAX_SIZE;
	case CDB_LEN_BLOCKS:
	case CDB_LEN_BLOCKS_NO_DATA:
	case CDB_LEN_BLOCKS_ONE:
	case CDB_LEN_BLOCKS_TWICE:
		break;
	default:
		WARN_ONCE(1, "scst_core: %s: bad length unit %u\n", op->name,
			  c->unit);
		*bytes = 0;
		return false;
	}

	/* SBC-3 5.8: a TRANSFER LENGTH of 0 in READ(6)/WRITE(6) is 256 */
	if (op->cdb_len == 6 && c->unit == CDB_LEN_BLOCKS && !field)
		field = CDB_6_MAX_BLOCKS;
	/* Length fields are 4 bytes at most: it fits. */
	*nr_blocks = field;

	if (c->unit == CDB_LEN_BLOCKS)
		blocks = field;
	else if (c->unit == CDB_LEN_BLOCKS_ONE)
		blocks = 1;
	else if (c->unit == CDB_LEN_BLOCKS_TWICE)
		blocks = field * 2;
	else
		blocks = 0;

	*bytes = 0;
	if (!blocks)
		return true;
	if (block_shift >= 32 || blocks > (SCST_SGV_MAX_SIZE >> block_shift))
		return false;
	*bytes = blocks << block_shift;
	return true;
}

int scst_cdb_parse(const u8 *cdb, unsigned int cdb_len, u8 type,
		   u8 block_shift, struct scst_cdb_info *info)
{
	const struct scst_cdb_op *op;
	struct scst_cdb_check c;
	u16 sa = 0, sa_byte = 0;
	int sa_bit = -1, ret;
	u64 field = 0, bytes, end;
	bool has_sa;
	u32 nr;

	memset(info, 0, sizeof(*info));
	info->err_bit = -1;
	if (!cdb_len)
		return -EINVAL;

	if (!cdb_opcode_known(cdb[0], type, &has_sa))
		return -EOPNOTSUPP;
	if (has_sa) {
		if (cdb[0] == CDB_VARLEN) {
			if (cdb_len < CDB_VARLEN_HDR + 2)
				return -EINVAL;
			sa = get_unaligned_be16(&cdb[8]);
			sa_byte = 8;
		} else {
			if (cdb_len < 2)
				return -EINVAL;
			sa = cdb[1] & 0x1f;
			sa_byte = 1;
			sa_bit = 4;
		}
	}
	op = scst_cdb_find(cdb[0], sa, type);
	if (!op)
		return cdb_fail(info, -EOPNOTSUPP, sa_byte, sa_bit);
	info->op = op;

	if (cdb_len < op->cdb_len)
		return cdb_fail(info, -EINVAL, 0, -1);
	if (op->opcode == CDB_VARLEN && cdb[7] != op->cdb_len - CDB_VARLEN_HDR)
		return cdb_fail(info, -EINVAL, 7, -1);

	c.unit = op->len_unit;
	c.fixed_len = op->fixed_len;
	c.err_byte = 0;
	c.err_bit = -1;
	if (op->check) {
		ret = op->check(cdb, &c);
		if (ret)
			return cdb_fail(info, ret, c.err_byte, c.err_bit);
	}

	if (op->len_size)
		field = cdb_get_be(&cdb[op->len_off], op->len_size);
	if (!cdb_xfer(op, &c, field, block_shift, &nr, &bytes))
		return cdb_fail(info, -EOVERFLOW, op->len_off, -1);

	if (op->flags & CDB_F_LBA) {
		info->lba = cdb_get_be(&cdb[op->lba_off], op->lba_size);
		if (op->cdb_len == 6)
			info->lba &= CDB_6_LBA_MASK;
		info->nr_blocks = nr;
		/* the core compares the end with the capacity: it must not wrap */
		if (check_add_overflow(info->lba, (u64)nr, &end))
			return cdb_fail(info, -ERANGE, op->lba_off, -1);
	}

	info->bufflen = bytes;
	info->dir = bytes ? op->dir : SCST_DATA_NONE;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(scst_cdb_parse);
