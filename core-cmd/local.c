// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the commands the core executes itself (CDB_F_LOCAL), and
 * the answers for LUNs a session does not have.
 *
 * These are the commands whose answer depends on the target's state, not
 * on a device's: the LUN inventory of an I_T nexus (REPORT LUNS), its
 * unit attentions (REQUEST SENSE), SPC-2 reservations (RESERVE, RELEASE),
 * and what the core supports (REPORT SUPPORTED OPERATION CODES and TASK
 * MANAGEMENT FUNCTIONS). They run in the core's bus handler, with
 * preemption off: nothing here sleeps, the LUN table is read under RCU,
 * and the one buffer that can be large (operation codes) is allocated
 * GFP_ATOMIC and its failure answered with BUSY.
 *
 * Each answer moves at most min(allocation length, cmd->bufflen) bytes,
 * and reports in cmd->resp_len how many it moved (SPC-4 4.2.5.6: a short
 * allocation length truncates the data, it is not an error).
 */
#include <asm/unaligned.h>
#include <kunit/visibility.h>
#include <linux/minmax.h>
#include <linux/slab.h>
#include <scsi/scsi_proto.h>
#include "cdb.h"
#include "core.h"
#include "local.h"
#include "sense.h"

/* Additional sense codes (SPC-4, ASC and ASCQ assignments) */
#define ASC_INVALID_OPCODE		0x20
#define ASC_INVALID_FIELD_IN_CDB	0x24
#define ASC_LUN_NOT_SUPPORTED		0x25
#define ASC_INTERNAL_TARGET_FAILURE	0x44
#define ASC_REPORTED_LUNS_CHANGED	0x3f
#define ASCQ_REPORTED_LUNS_CHANGED	0x0e

/* RESERVE and RELEASE byte 1: bits that SPC-2 made obsolete */
#define RES_3RDPTY			0x10
#define RES_EXTENT			0x01

/* Standard INQUIRY data: the 36 bytes every initiator reads (SPC-4 6.6.2) */
#define INQ_STD_LEN			36
#define INQ_PQ_NO_LU			0x7f	/* PQ 011b, device type 1Fh */
#define INQ_VERSION_SPC4		0x06
#define INQ_RESPONSE_FORMAT		0x02

/* The first buffer REPORT SUPPORTED OPERATION CODES is built in. */
#define RSOC_FIRST_LEN			PAGE_SIZE

/* REPORT LUNS entries copied to the data buffer at a time */
#define RL_BATCH			16

static void local_bad_field(struct core_cmd *cc, u16 byte, int bit)
{
	core_cmd_set_sense_sks(cc, SCST_KEY_ILLEGAL_REQUEST,
			       ASC_INVALID_FIELD_IN_CDB, 0, true, byte, bit);
}

/* A CDB shorter than its opcode's length: INVALID FIELD IN CDB, byte 0. */
static bool local_cdb_short(struct core_cmd *cc, unsigned int len)
{
	if (cc->cmd.cdb_len >= len)
		return false;
	local_bad_field(cc, 0, -1);
	return true;
}

/* Data-in bytes the command may move: its buffer and allocation length. */
static u32 local_room(const struct scst_cmd *cmd, u32 alloc_len)
{
	if (!cmd->sg || !cmd->sg_cnt)
		return 0;
	return min(cmd->bufflen, alloc_len);
}

/* Move @len bytes of parameter data, truncated to what the command allows. */
static void local_put(struct scst_cmd *cmd, const void *buf, u32 len,
		      u32 alloc_len)
{
	u32 n = min(len, local_room(cmd, alloc_len));

	cmd->resp_len = n ? sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, buf, n) : 0;
}

/* ------------------------------------------------------------------ */
/* REPORT LUNS (SPC-4 6.33; SELECT REPORT values of SPC-5) */

/*
 * Which SELECT REPORT values list our LUNs. This target has no well-known
 * logical units and no logical unit conglomerates, so: 00h (all but
 * well-known LUs), 02h (all) and 11h (administrative LUs and every LU that
 * is not a subsidiary one) list every LUN; 01h (well-known LUs only), 10h
 * (administrative LUs only) and 12h (the subsidiaries of the addressed
 * administrative LU) list none. SPC-5 accepts 10h and 11h only in a
 * REPORT LUNS addressed to LUN 0 (or the REPORT LUNS well-known LU, which
 * we do not have). Returns 1 (list), 0 (empty list) or -EINVAL.
 */
static int core_rl_select(u8 select, bool to_lun0)
{
	switch (select) {
	case CORE_RL_SELECT_NO_WLUN:
	case CORE_RL_SELECT_ALL:
		return 1;
	case CORE_RL_SELECT_ADMIN_TOP:
		return to_lun0 ? 1 : -EINVAL;
	case CORE_RL_SELECT_ADMIN:
		return to_lun0 ? 0 : -EINVAL;
	case CORE_RL_SELECT_WLUN:
	case CORE_RL_SELECT_SUBSIDIARY:
		return 0;
	default:
		return -EINVAL;
	}
}

static void core_rl_copy(struct scatterlist *sg, unsigned int nents,
			 u32 len, const u8 *buf, u32 bytes, u32 off)
{
	if (off < len)
		sg_pcopy_from_buffer(sg, nents, buf, min(bytes, len - off), off);
}

int core_report_luns_fill(struct scst_session *sess, u8 select, bool to_lun0,
			  struct scatterlist *sg, unsigned int nents, u32 len)
{
	u8 batch[RL_BATCH * 8];
	unsigned int fill = 0;
	struct core_tgt_dev *td;
	u32 nr = 0, start = 0;
	unsigned long lun;
	u8 hdr[8] = { };
	int list;

	list = core_rl_select(select, to_lun0);
	if (list < 0)
		return list;

	if (list) {
		rcu_read_lock();
		xa_for_each(&sess->tgt_devs, lun, td) {
			u32 off = 8 + nr * 8;

			if (READ_ONCE(td->gone))
				continue;
			/* The LUN LIST LENGTH counts the LUNs cut off too. */
			nr++;
			if (off >= len)
				continue;
			if (!fill)
				start = off;
			scst_lun_to_sam(lun, &batch[fill * 8]);
			if (++fill == RL_BATCH) {
				core_rl_copy(sg, nents, len, batch, fill * 8,
					     start);
				fill = 0;
			}
		}
		rcu_read_unlock();
		if (fill)
			core_rl_copy(sg, nents, len, batch, fill * 8, start);
	}

	put_unaligned_be32(nr * 8, hdr);
	core_rl_copy(sg, nents, len, hdr, sizeof(hdr), 0);
	return 8 + nr * 8;
}
EXPORT_SYMBOL_IF_KUNIT(core_report_luns_fill);

static void local_report_luns(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	u32 alloc, room;
	int full;

	if (local_cdb_short(cc, 12))
		return;
	if (core_rl_select(cmd->cdb[2], cmd->lun == 0) < 0) {
		local_bad_field(cc, 2, -1);
		return;
	}
	alloc = get_unaligned_be32(&cmd->cdb[6]);
	/* SPC-4 6.33: "at least 16 bytes", or the command fails. */
	if (alloc < 16) {
		local_bad_field(cc, 6, -1);
		return;
	}
	room = local_room(cmd, alloc);
	full = core_report_luns_fill(cmd->sess, cmd->cdb[2], cmd->lun == 0,
				     cmd->sg, cmd->sg_cnt, room);
	cmd->resp_len = min_t(u32, full, room);
	/*
	 * The initiator has the new inventory now: telling it again on any
	 * LUN of this I_T nexus would only make it rescan. SCST clears it on
	 * every LUN of the session, and so do we.
	 */
	core_ua_clear_sess(cmd->sess, ASC_REPORTED_LUNS_CHANGED,
			   ASCQ_REPORTED_LUNS_CHANGED);
}

/* ------------------------------------------------------------------ */
/* REQUEST SENSE (SPC-4 6.39) */

unsigned int core_request_sense_build(struct core_tgt_dev *td, bool desc,
				      u8 *buf, unsigned int size)
{
	u8 key = SCST_KEY_NO_SENSE, asc = 0, ascq = 0;

	if (!td) {
		key = SCST_KEY_ILLEGAL_REQUEST;
		asc = ASC_LUN_NOT_SUPPORTED;
	} else {
		/* Reporting a UA clears it (SAM-5 5.14, UA_INTLCK_CTRL 00b). */
		core_ua_take(td, &key, &asc, &ascq);
	}
	return scst_sense_build(buf, size, desc, key, asc, ascq, NULL);
}
EXPORT_SYMBOL_IF_KUNIT(core_request_sense_build);

static void local_request_sense(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	u8 buf[SCST_SENSE_BUFFERSIZE];
	unsigned int len;
	u8 alloc;

	if (local_cdb_short(cc, 6))
		return;
	alloc = cmd->cdb[4];
	/*
	 * Nothing can be moved (allocation length 0): no sense data is
	 * reported, so no unit attention is consumed either.
	 */
	if (!local_room(cmd, alloc)) {
		cmd->resp_len = 0;
		return;
	}
	len = core_request_sense_build(cc->td, cmd->cdb[1] & 0x01, buf,
				       sizeof(buf));
	local_put(cmd, buf, len, alloc);
}

/* ------------------------------------------------------------------ */
/* REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS (SPC-4 6.36) */

/*
 * Where each TMF's "supported" bit sits in the parameter data: byte 0 ATS,
 * ATSS, CACAS, CTSS, LURS, QTS, TRS (bits 7..1); byte 1 QAES, QTSS, ITNRS
 * (bits 2..0). The core implements every TMF of enum scst_tmf_fn.
 */
static const struct {
	u8 byte;
	u8 mask;
} core_rstmf_bits[SCST_TMF_NR] = {
	[SCST_TMF_ABORT_TASK]		= { 0, BIT(7) },
	[SCST_TMF_ABORT_TASK_SET]	= { 0, BIT(6) },
	[SCST_TMF_CLEAR_ACA]		= { 0, BIT(5) },
	[SCST_TMF_CLEAR_TASK_SET]	= { 0, BIT(4) },
	[SCST_TMF_LUN_RESET]		= { 0, BIT(3) },
	[SCST_TMF_QUERY_TASK]		= { 0, BIT(2) },
	[SCST_TMF_TARGET_RESET]		= { 0, BIT(1) },
	[SCST_TMF_QUERY_ASYNC_EVENT]	= { 1, BIT(2) },
	[SCST_TMF_QUERY_TASK_SET]	= { 1, BIT(1) },
	[SCST_TMF_IT_NEXUS_RESET]	= { 1, BIT(0) },
};

unsigned int core_rstmf_build(bool repd, u8 *buf)
{
	unsigned int fn;

	memset(buf, 0, CORE_RSTMF_LEN);
	for (fn = 0; fn < SCST_TMF_NR; fn++)
		buf[core_rstmf_bits[fn].byte] |= core_rstmf_bits[fn].mask;
	if (!repd)
		return 4;
	/*
	 * Extended format: ADDITIONAL DATA LENGTH 0Ch. TMFTMOV stays 0 and
	 * the per-TMF timeout bits with it: the core has no TMF timeouts to
	 * promise.
	 */
	buf[3] = CORE_RSTMF_LEN - 4;
	return CORE_RSTMF_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(core_rstmf_build);

static void local_rstmf(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	u8 buf[CORE_RSTMF_LEN];
	unsigned int len;

	if (local_cdb_short(cc, 12))
		return;
	len = core_rstmf_build(cmd->cdb[2] & 0x80, buf);
	local_put(cmd, buf, len, get_unaligned_be32(&cmd->cdb[6]));
}

/* ------------------------------------------------------------------ */
/* REPORT SUPPORTED OPERATION CODES (SPC-4 6.35): the CDB table's builder */

static void local_rsoc(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	u32 alloc, room, size;
	u8 small[8], *buf;
	/* REPORTING OPTIONS, unless the builder names another field */
	u16 err_byte = 2;
	int err_bit = 2;
	int full;

	if (local_cdb_short(cc, 12))
		return;
	alloc = get_unaligned_be32(&cmd->cdb[6]);
	room = local_room(cmd, alloc);
	size = min_t(u32, room, RSOC_FIRST_LEN);
	buf = size > sizeof(small) ? kmalloc(size, GFP_ATOMIC) : small;
	if (!buf)
		goto busy;
	full = scst_cdb_report_opcodes(cmd->cdb, cmd->dev->type, buf, size,
				       &err_byte, &err_bit);
	if (full >= 0 && (u32)full > size && room > size) {
		/* Rare: more than a page of data, and room for more of it. */
		if (buf != small)
			kfree(buf);
		size = min_t(u32, room, full);
		buf = kmalloc(size, GFP_ATOMIC);
		if (!buf)
			goto busy;
		full = scst_cdb_report_opcodes(cmd->cdb, cmd->dev->type, buf,
					       size, &err_byte, &err_bit);
	}
	if (full >= 0) {
		local_put(cmd, buf, full, alloc);
	} else if (full == -EINVAL || full == -EOPNOTSUPP) {
		local_bad_field(cc, err_byte, err_bit);
	} else {
		core_warn("REPORT SUPPORTED OPERATION CODES failed: %d\n", full);
		scst_cmd_set_sense(cmd, SCST_KEY_HARDWARE_ERROR,
				   ASC_INTERNAL_TARGET_FAILURE, 0);
	}
	if (buf != small)
		kfree(buf);
	return;

busy:
	/* Out of atomic memory for the moment: the initiator retries. */
	scst_cmd_set_status(cmd, SCST_STATUS_BUSY);
}

/* ------------------------------------------------------------------ */
/* SPC-2 reservations: RESERVE(6), RESERVE(10), RELEASE(6), RELEASE(10) */

bool core_reservation_check(const struct scst_session *holder,
			    const struct scst_session *requester, u16 op_flags)
{
	return !holder || holder == requester || (op_flags & CDB_F_RES_OK);
}
EXPORT_SYMBOL_IF_KUNIT(core_reservation_check);

/**
 * core_reservation_allows() - may @cc run under its device's reservation?
 * @cc: a command on a LUN
 *
 * True when nobody holds the device's SPC-2 reservation, the command's
 * session holds it, or its CDB table entry is allowed to other nexuses
 * (CDB_F_RES_OK: INQUIRY, REPORT LUNS, RELEASE...). On false the caller
 * ends the command with RESERVATION CONFLICT. Takes dev->lock.
 */
bool core_reservation_allows(struct core_cmd *cc)
{
	struct core_dev *cdev;
	bool ok;

	if (!cc->cmd.dev)
		return true;
	cdev = to_core_dev(cc->cmd.dev);
	/* Most devices are never reserved: skip the lock then. */
	if (!READ_ONCE(cdev->reserved_by))
		return true;
	spin_lock_bh(&cdev->lock);
	ok = core_reservation_check(cdev->reserved_by, cc->cmd.sess,
				    cc->op ? cc->op->flags : 0);
	spin_unlock_bh(&cdev->lock);
	return ok;
}

int core_reserve(struct core_dev *cdev, struct scst_session *sess)
{
	int ret = 0;

	spin_lock_bh(&cdev->lock);
	/* A RESERVE from the holder succeeds again (SPC-2, RESERVE). */
	if (cdev->reserved_by && cdev->reserved_by != sess)
		ret = -EBUSY;
	else
		WRITE_ONCE(cdev->reserved_by, sess);
	spin_unlock_bh(&cdev->lock);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(core_reserve);

void core_release(struct core_dev *cdev, struct scst_session *sess)
{
	/*
	 * A RELEASE from a session that does not hold the reservation
	 * completes with GOOD and changes nothing (SPC-2, RELEASE).
	 */
	core_reservation_drop_sess(cdev, sess);
}
EXPORT_SYMBOL_IF_KUNIT(core_release);

/* Release @sess's reservation of @cdev, if it has one (I_T nexus loss). */
void core_reservation_drop_sess(struct core_dev *cdev,
				struct scst_session *sess)
{
	spin_lock_bh(&cdev->lock);
	if (cdev->reserved_by == sess)
		WRITE_ONCE(cdev->reserved_by, NULL);
	spin_unlock_bh(&cdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(core_reservation_drop_sess);

/* Release any reservation of @cdev (LUN reset, target reset). */
void core_reservation_clear(struct core_dev *cdev)
{
	spin_lock_bh(&cdev->lock);
	WRITE_ONCE(cdev->reserved_by, NULL);
	spin_unlock_bh(&cdev->lock);
}
EXPORT_SYMBOL_IF_KUNIT(core_reservation_clear);

/*
 * Third-party reservations (3RDPTY) and extent reservations (SCSI-2's
 * EXTENT) are obsolete since SPC-2 and not supported: INVALID FIELD IN
 * CDB, pointing at the bit.
 */
static bool local_res_cdb_ok(struct core_cmd *cc)
{
	u8 b1 = cc->cmd.cdb[1];

	if (b1 & RES_3RDPTY) {
		local_bad_field(cc, 1, 4);
		return false;
	}
	if (b1 & RES_EXTENT) {
		local_bad_field(cc, 1, 0);
		return false;
	}
	return true;
}

static void local_reserve(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;

	if (local_cdb_short(cc, cmd->cdb[0] == RESERVE ? 6 : 10) ||
	    !local_res_cdb_ok(cc))
		return;
	if (core_reserve(to_core_dev(cmd->dev), cmd->sess))
		scst_cmd_set_status(cmd, SCST_STATUS_RESERVATION_CONFLICT);
}

static void local_release(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;

	if (local_cdb_short(cc, cmd->cdb[0] == RELEASE ? 6 : 10) ||
	    !local_res_cdb_ok(cc))
		return;
	core_release(to_core_dev(cmd->dev), cmd->sess);
}

/* ------------------------------------------------------------------ */

/**
 * core_local_exec() - execute a CDB_F_LOCAL command and end it
 * @cc: the command, on a LUN of its session (cc->td set), its data buffer
 *      in place
 *
 * Sets the status, sense and resp_len, then core_cmd_finish().
 */
void core_local_exec(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;

	cmd->resp_len = 0;
	switch (cmd->cdb[0]) {
	case REPORT_LUNS:
		local_report_luns(cc);
		break;
	case REQUEST_SENSE:
		local_request_sense(cc);
		break;
	case RESERVE:
	case RESERVE_10:
		local_reserve(cc);
		break;
	case RELEASE:
	case RELEASE_10:
		local_release(cc);
		break;
	case MAINTENANCE_IN:
		switch (cmd->cdb[1] & 0x1f) {
		case MI_REPORT_SUPPORTED_OPERATION_CODES:
			local_rsoc(cc);
			break;
		case MI_REPORT_SUPPORTED_TASK_MANAGEMENT_FUNCTIONS:
			local_rstmf(cc);
			break;
		default:
			goto unknown;
		}
		break;
	default:
unknown:
		/* The CDB table marks a command local.c does not know. */
		core_warn("no local handler for %s (%02x/%02x)\n",
			  cc->op ? cc->op->name : "?", cmd->cdb[0],
			  cmd->cdb[1] & 0x1f);
		core_cmd_set_sense_sks(cc, SCST_KEY_ILLEGAL_REQUEST,
				       ASC_INVALID_OPCODE, 0, true, 0, -1);
		break;
	}
	core_cmd_finish(cc);
}

static void local_no_lun_inquiry(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	u8 buf[INQ_STD_LEN];
	u16 err_byte = 0;
	int err_bit = -1;
	int len;

	if (local_cdb_short(cc, 6))
		return;
	len = core_no_lun_inquiry_build(cmd->cdb, buf, sizeof(buf), &err_byte,
					&err_bit);
	if (len == -ENODEV)
		scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
				   ASC_LUN_NOT_SUPPORTED, 0);
	else if (len < 0)
		local_bad_field(cc, err_byte, err_bit);
	else
		local_put(cmd, buf, len, get_unaligned_be16(&cmd->cdb[3]));
}

int core_no_lun_inquiry_build(const u8 *cdb, u8 *buf, unsigned int size,
			      u16 *err_byte, int *err_bit)
{
	/* CMDDT (byte 1 bit 1) is obsolete since SPC-3. */
	if (cdb[1] & 0x02) {
		*err_byte = 1;
		*err_bit = 1;
		return -EINVAL;
	}
	if (cdb[1] & 0x01)
		return -ENODEV;
	/* A PAGE CODE without EVPD */
	if (cdb[2]) {
		*err_byte = 2;
		*err_bit = -1;
		return -EINVAL;
	}
	if (WARN_ON_ONCE(size < INQ_STD_LEN))
		return -EINVAL;
	memset(buf, 0, INQ_STD_LEN);
	/*
	 * SPC-4 6.6.2: no logical unit can be here, the peripheral device
	 * type must then be 1Fh. Linux's scan, for one, reads byte 0 only.
	 */
	buf[0] = INQ_PQ_NO_LU;
	buf[2] = INQ_VERSION_SPC4;
	buf[3] = INQ_RESPONSE_FORMAT;
	buf[4] = INQ_STD_LEN - 5;
	/* T10 vendor, product and revision: printable ASCII, left blank */
	memset(&buf[8], ' ', INQ_STD_LEN - 8);
	return INQ_STD_LEN;
}
EXPORT_SYMBOL_IF_KUNIT(core_no_lun_inquiry_build);

/*
 * The data-in buffer of a command to a missing LUN: the core's parse does
 * not size one (there is no device to parse for), so take the CDB's
 * allocation length, bounded by the most this answer can be.
 */
static bool local_no_lun_buf(struct core_cmd *cc, u32 alloc, u32 most)
{
	struct scst_cmd *cmd = &cc->cmd;
	int ret;

	cmd->bufflen = min(alloc, most);
	if (!cmd->bufflen) {
		cmd->data_dir = SCST_DATA_NONE;
		return true;
	}
	cmd->data_dir = SCST_DATA_READ;
	ret = scst_sgv_alloc(core_sgv_pool, cmd->bufflen,
			     GFP_ATOMIC | __GFP_NOWARN, 0, 0, &cc->buf);
	if (ret) {
		cc->buf = NULL;
		cmd->bufflen = 0;
		cmd->data_dir = SCST_DATA_NONE;
		/* Out of atomic memory for the moment: the initiator retries. */
		scst_cmd_set_status(cmd, SCST_STATUS_BUSY);
		return false;
	}
	cmd->sg = cc->buf->sg;
	cmd->sg_cnt = cc->buf->nents;
	return true;
}

/**
 * core_local_no_lun() - answer a command to a LUN the session lacks
 * @cc: the command, parsed; cc->td NULL and no data buffer yet
 *
 * LUN 0 substitution, as SCST does it: an initiator scanning a target
 * sends INQUIRY and REPORT LUNS to LUN 0 (or to any LUN) even when it has
 * no logical unit there, and must get an answer that says "no logical
 * unit here" rather than an error. INQUIRY answers peripheral qualifier
 * 011b, REPORT LUNS lists the session's LUNs, REQUEST SENSE returns
 * ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED as its parameter data with
 * GOOD status. Each gets a data buffer of its own here (freed with the
 * command, as cc->buf), then ends.
 *
 * Return: true when it ended the command; false, having touched nothing,
 * for any other command (or when cc->td is set): the caller ends it with
 * CHECK CONDITION, ILLEGAL REQUEST, LOGICAL UNIT NOT SUPPORTED.
 */
bool core_local_no_lun(struct core_cmd *cc)
{
	struct scst_cmd *cmd = &cc->cmd;
	const u8 *cdb = cmd->cdb;

	if (cc->td)
		return false;
	switch (cdb[0]) {
	case INQUIRY:
		if (local_no_lun_buf(cc, get_unaligned_be16(&cdb[3]),
				     INQ_STD_LEN))
			local_no_lun_inquiry(cc);
		break;
	case REPORT_LUNS:
		if (local_no_lun_buf(cc, get_unaligned_be32(&cdb[6]),
				     8 + 8 * (SCST_LUN_MAX + 1)))
			local_report_luns(cc);
		break;
	case REQUEST_SENSE:
		if (local_no_lun_buf(cc, cdb[4], SCST_SENSE_BUFFERSIZE))
			local_request_sense(cc);
		break;
	default:
		return false;
	}
	core_cmd_finish(cc);
	return true;
}
