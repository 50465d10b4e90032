// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: REPORT SUPPORTED OPERATION CODES (SPC-4 6.35), built from
 * the CDB table. The data is written up to the caller's length and its
 * full length returned, so that the caller can report the residual.
 *
 * Command timeouts descriptors (RCTD) are supported with both timeouts
 * zero, which SPC-4 6.35.4 defines as "no timeout indicated": the core
 * does not time commands per opcode.
 */
#include <asm/unaligned.h>
#include <kunit/visibility.h>
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include "cdb.h"

#define RSOC_HDR_LEN		4	/* all_commands: COMMAND DATA LENGTH */
#define RSOC_DESC_LEN		8	/* command descriptor */
#define RSOC_ONE_HDR_LEN	4	/* one_command: up to CDB SIZE */
#define RSOC_CTD_LEN		12	/* command timeouts descriptor */

/* REPORTING OPTIONS (byte 2 bits 2:0) */
#define RSOC_ALL		0	/* every command */
#define RSOC_ONE		1	/* one opcode without service action */
#define RSOC_ONE_SA		2	/* one opcode and service action */
#define RSOC_ONE_ANY		3	/* one opcode, with service action if any */

/* SUPPORT field of the one_command format */
#define RSOC_NOT_SUPPORTED	0x1
#define RSOC_SUPPORTED		0x3

/* Copy @n bytes to offset @off of the @len-byte @buf, as far as they fit */
static void rsoc_put(u8 *buf, u32 len, u32 off, const u8 *src, u32 n)
{
	if (off < len)
		memcpy(buf + off, src, min(n, len - off));
}

static bool rsoc_for_type(const struct scst_cdb_op *op, u8 type)
{
	return type < 32 && (op->types & BIT(type));
}

/* Command timeouts descriptor: length 0Ah, no timeouts indicated */
static void rsoc_ctd(u8 *d)
{
	memset(d, 0, RSOC_CTD_LEN);
	put_unaligned_be16(RSOC_CTD_LEN - 2, d);
}

static int rsoc_all(u8 type, bool rctd, u8 *buf, u32 len)
{
	u32 desc_len = RSOC_DESC_LEN + (rctd ? RSOC_CTD_LEN : 0);
	u32 off = RSOC_HDR_LEN, n = 0, i;
	u8 d[RSOC_DESC_LEN + RSOC_CTD_LEN];

	for (i = 0; i < scst_cdb_nr_ops; i++)
		n += rsoc_for_type(&scst_cdb_ops[i], type);

	put_unaligned_be32(n * desc_len, d);
	rsoc_put(buf, len, 0, d, RSOC_HDR_LEN);

	for (i = 0; i < scst_cdb_nr_ops; i++) {
		const struct scst_cdb_op *op = &scst_cdb_ops[i];
		bool servactv = op->flags & CDB_F_HAS_SA;

		if (!rsoc_for_type(op, type))
			continue;
		memset(d, 0, RSOC_DESC_LEN);
		d[0] = op->opcode;
		if (servactv)
			put_unaligned_be16(op->sa, &d[2]);
		d[5] = (rctd ? 0x02 : 0) | (servactv ? 0x01 : 0);
		put_unaligned_be16(op->cdb_len, &d[6]);
		if (rctd)
			rsoc_ctd(&d[RSOC_DESC_LEN]);
		rsoc_put(buf, len, off, d, desc_len);
		off += desc_len;
	}
	return off;
}

static int rsoc_one(const struct scst_cdb_op *op, bool rctd, u8 *buf,
		    u32 len)
{
	u8 hdr[RSOC_ONE_HDR_LEN] = { };
	u8 ctd[RSOC_CTD_LEN];

	if (!op) {
		hdr[1] = RSOC_NOT_SUPPORTED;
		rsoc_put(buf, len, 0, hdr, sizeof(hdr));
		return sizeof(hdr);
	}
	hdr[1] = (rctd ? 0x80 : 0) | RSOC_SUPPORTED;
	put_unaligned_be16(op->cdb_len, &hdr[2]);
	rsoc_put(buf, len, 0, hdr, sizeof(hdr));
	rsoc_put(buf, len, sizeof(hdr), op->usage, op->cdb_len);
	if (!rctd)
		return sizeof(hdr) + op->cdb_len;
	rsoc_ctd(ctd);
	rsoc_put(buf, len, sizeof(hdr) + op->cdb_len, ctd, sizeof(ctd));
	return sizeof(hdr) + op->cdb_len + sizeof(ctd);
}

/* Whether @opcode exists for @type, and whether it has service actions */
static bool rsoc_opcode_known(u8 opcode, u8 type, bool *has_sa)
{
	bool known = false;
	unsigned int i;

	*has_sa = false;
	for (i = 0; i < scst_cdb_nr_ops; i++) {
		const struct scst_cdb_op *op = &scst_cdb_ops[i];

		if (op->opcode != opcode || !rsoc_for_type(op, type))
			continue;
		known = true;
		if (op->flags & CDB_F_HAS_SA)
			*has_sa = true;
	}
	return known;
}

int scst_cdb_report_opcodes(const u8 *cdb, u8 type, u8 *buf, u32 len,
			    u16 *err_byte, int *err_bit)
{
	bool rctd = cdb[2] & 0x80, has_sa;
	u8 opcode = cdb[3];
	u16 sa = get_unaligned_be16(&cdb[4]);
	const struct scst_cdb_op *op = NULL;

	switch (cdb[2] & 0x07) {
	case RSOC_ALL:
		return rsoc_all(type, rctd, buf, len);
	case RSOC_ONE:
		if (!rsoc_opcode_known(opcode, type, &has_sa))
			break;
		/* SPC-4 table 260: this opcode must be asked with its SA */
		if (has_sa)
			goto bad_opcode;
		op = scst_cdb_find(opcode, 0, type);
		break;
	case RSOC_ONE_SA:
		if (!rsoc_opcode_known(opcode, type, &has_sa))
			break;
		/* ... and this one has none to ask with */
		if (!has_sa)
			goto bad_opcode;
		op = scst_cdb_find(opcode, sa, type);
		break;
	case RSOC_ONE_ANY:
		/*
		 * SPC-4 r36: the service action is matched when the opcode
		 * has them; an opcode without any is reported only when
		 * asked with a service action of 0, as no other CDB of
		 * it can exist.
		 */
		if (!rsoc_opcode_known(opcode, type, &has_sa))
			break;
		if (has_sa || !sa)
			op = scst_cdb_find(opcode, sa, type);
		break;
	default:
		*err_byte = 2;
		*err_bit = 2;
		return -EINVAL;
	}
	return rsoc_one(op, rctd, buf, len);

bad_opcode:
	*err_byte = 3;
	*err_bit = -1;
	return -EINVAL;
}
EXPORT_SYMBOL_IF_KUNIT(scst_cdb_report_opcodes);
