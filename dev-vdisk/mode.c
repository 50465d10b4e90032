// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: mode parameters and log pages. MODE SENSE(6/10) and
 * MODE SELECT(6/10) (SPC-4 6.11-6.14, pages from SPC-4 7.5 and SBC-3 6.4;
 * vcdrom's capabilities page from MMC-3 6.3.11), LOG SENSE and LOG SELECT
 * (SPC-4 6.6, 6.7; log pages from SPC-4 7.3 and SBC-3 6.3).
 *
 * Mode parameters are per logical unit: every I_T nexus sees one current
 * set. The control page's D_SENSE, TAS and QErr live in the core's
 * struct scst_device, which applies them and shows them in configfs; this
 * file reads them from there and writes them there (WRITE_ONCE, as the
 * core's configfs does), keeping vd->mode_cur's copies only for the saved
 * and reset bookkeeping.
 *
 * Saved values (MODE SELECT with SP=1) are kept in vd->mode_saved for the
 * lifetime of the device: they survive LUN resets, I_T nexus losses and
 * disable/enable, not an rmdir of the device or a module reload, since
 * nothing is written to stable storage.
 */

#include <asm/unaligned.h>
#include <linux/kernel.h>
#include <linux/statfs.h>
#include <linux/string.h>
#include <scsi/scsi_proto.h>
#include "vdisk.h"

/* ASC/ASCQ this file reports (SPC-4 table D.1) */
#define ASC_PARAM_LIST_LENGTH	0x1a	/* PARAMETER LIST LENGTH ERROR */
#define ASC_INVALID_FIELD_CDB	0x24	/* INVALID FIELD IN CDB */
#define ASC_INVALID_FIELD_PARAM	0x26	/* INVALID FIELD IN PARAMETER LIST */
#define ASC_PARAMS_CHANGED	0x2a	/* ASCQ 01: MODE PARAMETERS CHANGED */
#define ASCQ_MODE_PARAMS_CHANGED 0x01

/* MODE SENSE PC field (SPC-4 6.11, table 151) */
enum vdisk_mode_pc {
	VDISK_PC_CURRENT,
	VDISK_PC_CHANGEABLE,
	VDISK_PC_DEFAULT,
	VDISK_PC_SAVED,
};

#define MODE_PAGE_ALL		0x3f
#define MODE_SUBPAGE_ALL	0xff

/* Mode parameter header: device-specific parameter of a disk (SBC-3 6.4.1) */
#define MODE_DSP_WP		0x80
#define MODE_DSP_DPOFUA		0x10

#define MODE_SHORT_BD_LEN	8
#define MODE_LONG_BD_LEN	16

/* Largest answer: header(10) + long block descriptor + every page. */
#define MODE_BUF_SIZE		256
/*
 * Longest MODE SELECT parameter list taken: every page this file has, once,
 * behind the longest header and block descriptor fits in it; anything
 * longer holds something it does not support anyway.
 */
#define MODE_SELECT_MAX		MODE_BUF_SIZE

/* Control page (SPC-4 7.5.8) */
#define CTRL_TST_SHIFT		5
#define CTRL_D_SENSE		0x04
#define CTRL_GLTSD		0x02
#define CTRL_QAM_UNRESTRICTED	0x10
#define CTRL_QERR_SHIFT		1
#define CTRL_QERR_MASK		0x06
#define CTRL_SWP		0x08
#define CTRL_TAS		0x40
/* Caching page (SBC-3 6.4.5) */
#define CACHING_WCE		0x04
#define CACHING_RCD		0x01
/* Informational exceptions control page (SPC-4 7.5.12) */
#define IEC_DEXCPT		0x08
#define IEC_MRIE_MASK		0x0f
#define IEC_MRIE_MAX		6	/* 7h-Bh reserved, Ch-Fh vendor specific */
/* CD/DVD capabilities and mechanical status page (MMC-3 6.3.11) */
#define CAPS_DVD_ROM_READ	0x08
#define CAPS_LOCK		0x01
#define CAPS_LOCK_STATE		0x02
#define CAPS_EJECT		0x08
#define CAPS_TRAY		0x20	/* loading mechanism 001b: tray */
/* 1x CD is 176.4 kB/s; report 40x, as the speed is meaningless here */
#define CAPS_SPEED_KBS		7056

/*
 * One full set of mode parameters: the handler's, and the control page's
 * fields the core keeps.
 */
struct vdisk_mode_vals {
	struct vdisk_mode_params mp;
	bool d_sense;
	bool tas;
	u8 qerr;
};

/**
 * struct vdisk_mode_page - one mode page this file serves
 * @code:     page code (subpage 0: no page here has subpages)
 * @len:      whole page, its 2-byte header included
 * @saveable: PS: its changeable fields are saved by MODE SELECT with SP=1
 * @cdrom:    served by vcdrom only (true), disks only (false); see @both
 * @both:     served by every kind of device
 * @fill:     write the page for parameters @mv into @pg (zeroed, header
 *            set); with @mv NULL write its changeable mask instead
 * @take:     MODE SELECT: read @pg, already checked against the mask,
 *            into @mv; return the offset of a bad field value or 0
 */
struct vdisk_mode_page {
	u8 code;
	u8 len;
	bool saveable;
	bool cdrom;
	bool both;
	void (*fill)(const struct vdisk_dev *vd,
		     const struct vdisk_mode_vals *mv, u8 *pg);
	int (*take)(struct vdisk_mode_vals *mv, const u8 *pg);
};

/* Read-write error recovery (SBC-3 6.4.7; MMC-3 6.3.5): nothing to tune. */
static void mode_fill_err_recovery(const struct vdisk_dev *vd,
				   const struct vdisk_mode_vals *mv, u8 *pg)
{
}

/* Disconnect-reconnect (SPC-4 7.5.9): no bus to give up; all zero. */
static void mode_fill_disconnect(const struct vdisk_dev *vd,
				 const struct vdisk_mode_vals *mv, u8 *pg)
{
}

/*
 * Caching (SBC-3 6.4.5). WCE is what the initiator set, unless the device
 * is write_through, where every write reaches the store before it ends and
 * WCE is 0 and cannot be set. RCD may be set, and changes nothing: the
 * host's page cache is part of the medium as far as the initiator can
 * tell, and reads never return data older than the last write.
 */
static void mode_fill_caching(const struct vdisk_dev *vd,
			      const struct vdisk_mode_vals *mv, u8 *pg)
{
	if (!mv) {
		pg[2] = (vd->write_through ? 0 : CACHING_WCE) | CACHING_RCD;
		return;
	}
	if (mv->mp.wce && !vd->write_through)
		pg[2] |= CACHING_WCE;
	if (mv->mp.rcd)
		pg[2] |= CACHING_RCD;
	/* No prefetch: DISABLE PRE-FETCH TRANSFER LENGTH and limits 0. */
}

static int mode_take_caching(struct vdisk_mode_vals *mv, const u8 *pg)
{
	mv->mp.wce = pg[2] & CACHING_WCE;
	mv->mp.rcd = pg[2] & CACHING_RCD;
	return 0;
}

/*
 * Control (SPC-4 7.5.8). TST is fixed; QAM is 1 (unrestricted reordering):
 * the core hands SIMPLE commands over without ordering them against each
 * other. GLTSD is 1: log parameters are never saved. SWP is not
 * changeable: setting it would have to make every medium write fail with
 * DATA PROTECT, WRITE PROTECTED, and the data commands (sbc_io.c) do not
 * look at it; write protection is the core's read_only attribute.
 */
static void mode_fill_control(const struct vdisk_dev *vd,
			      const struct vdisk_mode_vals *mv, u8 *pg)
{
	if (!mv) {
		pg[2] = CTRL_D_SENSE;
		pg[3] = CTRL_QERR_MASK;
		pg[5] = CTRL_TAS;
		return;
	}
	pg[2] = mv->mp.tst << CTRL_TST_SHIFT | CTRL_GLTSD;
	if (mv->d_sense)
		pg[2] |= CTRL_D_SENSE;
	pg[3] = CTRL_QAM_UNRESTRICTED | mv->qerr << CTRL_QERR_SHIFT;
	if (mv->mp.swp)
		pg[4] |= CTRL_SWP;
	if (mv->tas)
		pg[5] |= CTRL_TAS;
}

static int mode_take_control(struct vdisk_mode_vals *mv, const u8 *pg)
{
	u8 qerr = (pg[3] & CTRL_QERR_MASK) >> CTRL_QERR_SHIFT;

	if (qerr == 2)		/* reserved */
		return 3;
	mv->d_sense = pg[2] & CTRL_D_SENSE;
	mv->qerr = qerr;
	mv->mp.swp = pg[4] & CTRL_SWP;
	mv->tas = pg[5] & CTRL_TAS;
	return 0;
}

/*
 * Informational exceptions control (SPC-4 7.5.12). Nothing here predicts
 * failures, so no exception is ever reported whatever MRIE says; DEXCPT
 * and MRIE are kept so that the initiator reads back what it set.
 */
static void mode_fill_iec(const struct vdisk_dev *vd,
			  const struct vdisk_mode_vals *mv, u8 *pg)
{
	if (!mv) {
		pg[2] = IEC_DEXCPT;
		pg[3] = IEC_MRIE_MASK;
		return;
	}
	if (mv->mp.dexcpt)
		pg[2] |= IEC_DEXCPT;
	pg[3] = mv->mp.mrie;
}

static int mode_take_iec(struct vdisk_mode_vals *mv, const u8 *pg)
{
	u8 mrie = pg[3] & IEC_MRIE_MASK;

	if (mrie > IEC_MRIE_MAX)
		return 3;
	mv->mp.dexcpt = pg[2] & IEC_DEXCPT;
	mv->mp.mrie = mrie;
	return 0;
}

/*
 * CD/DVD capabilities and mechanical status (MMC-3 6.3.11): obsolete in
 * MMC-5, but Linux's sr driver reads it to learn that the drive reads
 * DVDs, locks and ejects. Lock state is PREVENT ALLOW MEDIUM REMOVAL's.
 */
static void mode_fill_cd_caps(const struct vdisk_dev *vd,
			      const struct vdisk_mode_vals *mv, u8 *pg)
{
	if (!mv)
		return;
	pg[2] = CAPS_DVD_ROM_READ;
	pg[6] = CAPS_TRAY | CAPS_EJECT | CAPS_LOCK;
	if (READ_ONCE(vd->prevent))
		pg[6] |= CAPS_LOCK_STATE;
	put_unaligned_be16(CAPS_SPEED_KBS, &pg[8]);	/* maximum read speed */
	put_unaligned_be16(CAPS_SPEED_KBS, &pg[14]);	/* current read speed */
}

/* In page code order: MODE SENSE with 0x3f returns them in this order. */
static const struct vdisk_mode_page vdisk_mode_pages[] = {
	{ .code = 0x01, .len = 12, .both = true,
	  .fill = mode_fill_err_recovery },
	{ .code = 0x02, .len = 16, .both = true,
	  .fill = mode_fill_disconnect },
	{ .code = 0x08, .len = 20, .saveable = true,
	  .fill = mode_fill_caching, .take = mode_take_caching },
	{ .code = 0x0a, .len = 12, .saveable = true, .both = true,
	  .fill = mode_fill_control, .take = mode_take_control },
	{ .code = 0x1c, .len = 12, .saveable = true, .both = true,
	  .fill = mode_fill_iec, .take = mode_take_iec },
	{ .code = 0x2a, .len = 22, .cdrom = true,
	  .fill = mode_fill_cd_caps },
};

static bool vdisk_mode_page_serves(const struct vdisk_mode_page *mpg,
				   const struct vdisk_dev *vd)
{
	return mpg->both || mpg->cdrom == (vd->kind == VDISK_CDROM);
}

static const struct vdisk_mode_page *
vdisk_mode_page_find(const struct vdisk_dev *vd, u8 code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vdisk_mode_pages); i++)
		if (vdisk_mode_pages[i].code == code &&
		    vdisk_mode_page_serves(&vdisk_mode_pages[i], vd))
			return &vdisk_mode_pages[i];
	return NULL;
}

/* Write page @mpg for @mv (NULL: its changeable mask) at @pg. */
static unsigned int vdisk_mode_page_build(const struct vdisk_dev *vd,
					  const struct vdisk_mode_page *mpg,
					  const struct vdisk_mode_vals *mv,
					  u8 *pg)
{
	memset(pg, 0, mpg->len);
	mpg->fill(vd, mv, pg);
	pg[0] = mpg->code | (mpg->saveable ? 0x80 : 0);
	pg[1] = mpg->len - 2;
	return mpg->len;
}

/*
 * The current parameters. D_SENSE, TAS and QErr come from the core's
 * device, where configfs may have changed them too.
 */
static void vdisk_mode_current(struct vdisk_dev *vd, struct vdisk_mode_vals *mv)
{
	unsigned long flags;

	spin_lock_irqsave(&vd->lock, flags);
	mv->mp = vd->mode_cur;
	spin_unlock_irqrestore(&vd->lock, flags);
	mv->d_sense = READ_ONCE(vd->dev->d_sense);
	mv->tas = READ_ONCE(vd->dev->tas);
	mv->qerr = READ_ONCE(vd->dev->qerr);
}

static void vdisk_mode_saved(struct vdisk_dev *vd, struct vdisk_mode_vals *mv)
{
	unsigned long flags;

	spin_lock_irqsave(&vd->lock, flags);
	mv->mp = vd->mode_saved;
	mv->d_sense = vd->saved_d_sense;
	mv->tas = vd->saved_tas;
	mv->qerr = vd->saved_qerr;
	spin_unlock_irqrestore(&vd->lock, flags);
}

/*
 * Defaults: write cache on (the caching page hides it on a write_through
 * device), fixed-format sense, no TASK ABORTED status, QErr 0 (SPC-4's
 * defaults, and the core's for a new device), exceptions reporting
 * disabled. TST 001b: the core keeps one task set per I_T nexus, and
 * ORDERED and HEAD OF QUEUE act within it.
 */
static void vdisk_mode_defaults(struct vdisk_mode_vals *mv)
{
	memset(mv, 0, sizeof(*mv));
	mv->mp.wce = true;
	mv->mp.tst = 1;
	mv->mp.dexcpt = true;
}

void vdisk_mode_init(struct vdisk_dev *vd)
{
	struct vdisk_mode_vals def;

	vdisk_mode_defaults(&def);
	vd->mode_cur = def.mp;
	vd->mode_saved = def.mp;
	vd->saved_d_sense = def.d_sense;
	vd->saved_tas = def.tas;
	vd->saved_qerr = def.qerr;
}

/* Push the control page's fields the core applies to the core's device. */
static void vdisk_mode_publish(struct vdisk_dev *vd,
			       const struct vdisk_mode_vals *mv)
{
	WRITE_ONCE(vd->dev->d_sense, mv->d_sense);
	WRITE_ONCE(vd->dev->tas, mv->tas);
	WRITE_ONCE(vd->dev->qerr, mv->qerr);
}

/*
 * A logical unit reset brings the current values back to the saved ones
 * (SPC-4 7.5.1 via SAM-5 6.3.3), including D_SENSE, TAS and QErr written
 * through configfs since; MODE SELECT with SP=1 keeps a value across it.
 */
void vdisk_mode_reset(struct vdisk_dev *vd)
{
	struct vdisk_mode_vals saved;
	unsigned long flags;

	vdisk_mode_saved(vd, &saved);
	spin_lock_irqsave(&vd->lock, flags);
	vd->mode_cur = vd->mode_saved;
	spin_unlock_irqrestore(&vd->lock, flags);
	vdisk_mode_publish(vd, &saved);
}

static void vdisk_invalid_cdb(struct scst_cmd *cmd, u16 byte, int bit)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST,
				 ASC_INVALID_FIELD_CDB, 0, true, byte, bit);
}

static void vdisk_invalid_param(struct scst_cmd *cmd, u16 byte, int bit)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST,
				 ASC_INVALID_FIELD_PARAM, 0, false, byte, bit);
}

static void vdisk_param_list_length_error(struct scst_cmd *cmd)
{
	scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
			   ASC_PARAM_LIST_LENGTH, 0);
}

/* Return @len bytes of @buf as data-in, cut to the allocation length. */
static void vdisk_mode_reply(struct scst_cmd *cmd, const u8 *buf, u32 len)
{
	cmd->resp_len = vdisk_sg_copy_from(cmd, buf, min(len, cmd->bufflen));
}

static bool vdisk_write_protected(const struct vdisk_dev *vd,
				  const struct scst_cmd *cmd,
				  const struct vdisk_mode_vals *cur)
{
	return vd->dev->read_only ||
	       (cmd->tgt_dev && cmd->tgt_dev->read_only) || cur->mp.swp;
}

/* Block descriptor (SBC-3 6.4.2), short or long; returns its length. */
static unsigned int vdisk_mode_block_desc(const struct vdisk_dev *vd,
					  bool long_lba, u8 *bd)
{
	u64 nr_blocks = READ_ONCE(vd->dev->nr_blocks);
	u32 block_size = 1U << vd->dev->block_shift;

	if (long_lba) {
		memset(bd, 0, MODE_LONG_BD_LEN);
		put_unaligned_be64(nr_blocks, &bd[0]);
		put_unaligned_be32(block_size, &bd[12]);
		return MODE_LONG_BD_LEN;
	}
	memset(bd, 0, MODE_SHORT_BD_LEN);
	/* More blocks than the field holds: all ones (SBC-3 6.4.2.2) */
	put_unaligned_be32(min_t(u64, nr_blocks, U32_MAX), &bd[0]);
	put_unaligned_be24(block_size, &bd[5]);
	return MODE_SHORT_BD_LEN;
}

static void vdisk_mode_sense(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const bool ten = cmd->cdb[0] == MODE_SENSE_10;
	const bool dbd = cmd->cdb[1] & 0x08;
	const bool llbaa = ten && (cmd->cdb[1] & 0x10);
	const u8 pc = cmd->cdb[2] >> 6;
	const u8 code = cmd->cdb[2] & 0x3f;
	const u8 subpage = cmd->cdb[3];
	const unsigned int hdr_len = ten ? 8 : 4;
	struct vdisk_mode_vals cur, params;
	const struct vdisk_mode_vals *mv;
	unsigned int len, bd_len = 0, i;
	u8 buf[MODE_BUF_SIZE];
	bool found = false;

	/* No page here has subpages: subpage 0, or 0xff for "all of them". */
	if (subpage && subpage != MODE_SUBPAGE_ALL) {
		vdisk_invalid_cdb(cmd, 3, -1);
		return;
	}

	vdisk_mode_current(vd, &cur);
	switch (pc) {
	case VDISK_PC_CURRENT:
		mv = &cur;
		break;
	case VDISK_PC_CHANGEABLE:
		mv = NULL;
		break;
	case VDISK_PC_DEFAULT:
		vdisk_mode_defaults(&params);
		mv = &params;
		break;
	default:
		vdisk_mode_saved(vd, &params);
		mv = &params;
		break;
	}

	memset(buf, 0, hdr_len);
	len = hdr_len;
	/* MMC devices have no block descriptors (MMC-6 7.2.3) */
	if (!dbd && vd->kind != VDISK_CDROM) {
		bd_len = vdisk_mode_block_desc(vd, llbaa, &buf[len]);
		len += bd_len;
	}
	for (i = 0; i < ARRAY_SIZE(vdisk_mode_pages); i++) {
		const struct vdisk_mode_page *mpg = &vdisk_mode_pages[i];

		if (!vdisk_mode_page_serves(mpg, vd) ||
		    (code != MODE_PAGE_ALL && code != mpg->code))
			continue;
		len += vdisk_mode_page_build(vd, mpg, mv, &buf[len]);
		found = true;
	}
	if (!found) {
		vdisk_invalid_cdb(cmd, 2, 5);
		return;
	}

	if (ten) {
		put_unaligned_be16(len - 2, &buf[0]);
		if (vd->kind != VDISK_CDROM &&
		    vdisk_write_protected(vd, cmd, &cur))
			buf[3] |= MODE_DSP_WP;
		if (vd->kind != VDISK_CDROM)
			buf[3] |= MODE_DSP_DPOFUA;
		if (bd_len == MODE_LONG_BD_LEN)
			buf[4] |= 0x01;		/* LONGLBA */
		put_unaligned_be16(bd_len, &buf[6]);
	} else {
		buf[0] = len - 1;
		if (vd->kind != VDISK_CDROM &&
		    vdisk_write_protected(vd, cmd, &cur))
			buf[2] |= MODE_DSP_WP;
		if (vd->kind != VDISK_CDROM)
			buf[2] |= MODE_DSP_DPOFUA;
		buf[3] = bd_len;
	}
	vdisk_mode_reply(cmd, buf, len);
}

/*
 * A block descriptor in MODE SELECT may only restate what MODE SENSE
 * reports: the capacity (or 0, "no change") and the block size, which
 * change through configfs, not here. Returns the offset of a bad field
 * within the descriptor, or -1.
 */
static int vdisk_mode_check_block_desc(const struct vdisk_dev *vd,
				       const u8 *bd, unsigned int bd_len)
{
	u64 nr_blocks = READ_ONCE(vd->dev->nr_blocks);
	u32 block_size = 1U << vd->dev->block_shift;
	u64 nr;

	if (bd_len == MODE_LONG_BD_LEN) {
		nr = get_unaligned_be64(&bd[0]);
		if (nr && nr != nr_blocks)
			return 0;
		return get_unaligned_be32(&bd[12]) == block_size ? -1 : 12;
	}
	nr = get_unaligned_be32(&bd[0]);
	if (nr && nr != min_t(u64, nr_blocks, U32_MAX))
		return 0;
	return get_unaligned_be24(&bd[5]) == block_size ? -1 : 5;
}

static bool vdisk_mode_vals_differ(const struct vdisk_mode_vals *a,
				   const struct vdisk_mode_vals *b)
{
	return a->mp.wce != b->mp.wce || a->mp.rcd != b->mp.rcd ||
	       a->mp.swp != b->mp.swp || a->mp.tst != b->mp.tst ||
	       a->mp.mrie != b->mp.mrie || a->mp.dexcpt != b->mp.dexcpt ||
	       a->d_sense != b->d_sense || a->tas != b->tas ||
	       a->qerr != b->qerr;
}

/*
 * MODE SELECT(6/10) (SPC-4 6.9, 6.10). Every page is checked before any
 * is applied: a list with one bad page changes nothing.
 */
static void vdisk_mode_select(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const bool ten = cmd->cdb[0] == MODE_SELECT_10;
	const bool sp = cmd->cdb[1] & 0x01;
	const unsigned int hdr_len = ten ? 8 : 4;
	struct vdisk_mode_vals old, new;
	unsigned int len, bd_len, off;
	unsigned long flags;
	u8 buf[MODE_SELECT_MAX];
	u8 cur_pg[MODE_BUF_SIZE / 4], mask[MODE_BUF_SIZE / 4];

	/* Only the page format (SPC-4 7.5) is known here */
	if (!(cmd->cdb[1] & 0x10)) {
		vdisk_invalid_cdb(cmd, 1, 4);
		return;
	}
	len = ten ? get_unaligned_be16(&cmd->cdb[7]) : cmd->cdb[4];
	len = min(len, cmd->bufflen);
	if (!len)
		return;		/* nothing sent, nothing changes */
	if (len > sizeof(buf)) {
		vdisk_err(vd, "MODE SELECT: %u bytes of parameters, more than any list it takes\n",
			  len);
		vdisk_invalid_cdb(cmd, ten ? 7 : 4, -1);
		return;
	}
	if (len < hdr_len || vdisk_sg_copy_to(cmd, buf, len) != len) {
		vdisk_param_list_length_error(cmd);
		return;
	}

	bd_len = ten ? get_unaligned_be16(&buf[6]) : buf[3];
	if (bd_len &&
	    (vd->kind == VDISK_CDROM ||
	     !(bd_len == MODE_SHORT_BD_LEN ||
	       (ten && (buf[4] & 0x01) && bd_len == MODE_LONG_BD_LEN)))) {
		vdisk_invalid_param(cmd, ten ? 6 : 3, -1);
		return;
	}
	if (hdr_len + bd_len > len) {
		vdisk_param_list_length_error(cmd);
		return;
	}
	if (bd_len) {
		int bad = vdisk_mode_check_block_desc(vd, &buf[hdr_len],
						      bd_len);

		if (bad >= 0) {
			vdisk_invalid_param(cmd, hdr_len + bad, -1);
			return;
		}
	}

	vdisk_mode_current(vd, &old);
	new = old;
	for (off = hdr_len + bd_len; off < len; ) {
		const struct vdisk_mode_page *mpg;
		unsigned int i;
		u8 *pg = &buf[off];
		int bad;

		if (off + 2 > len) {
			vdisk_param_list_length_error(cmd);
			return;
		}
		if (pg[0] & 0x40) {	/* SPF: a subpage; none here */
			vdisk_invalid_param(cmd, off, 6);
			return;
		}
		mpg = vdisk_mode_page_find(vd, pg[0] & 0x3f);
		if (!mpg) {
			vdisk_invalid_param(cmd, off, 5);
			return;
		}
		if (pg[1] != mpg->len - 2) {
			vdisk_invalid_param(cmd, off + 1, -1);
			return;
		}
		if (off + mpg->len > len) {
			vdisk_param_list_length_error(cmd);
			return;
		}
		/* SP on a page that cannot be saved (SPC-4 6.9) */
		if (sp && !mpg->saveable) {
			vdisk_invalid_cdb(cmd, 1, 0);
			return;
		}
		/* Bits that are not changeable must hold the current value */
		vdisk_mode_page_build(vd, mpg, &old, cur_pg);
		vdisk_mode_page_build(vd, mpg, NULL, mask);
		for (i = 2; i < mpg->len; i++) {
			u8 diff = (pg[i] ^ cur_pg[i]) & ~mask[i];

			if (diff) {
				vdisk_invalid_param(cmd, off + i,
						    fls(diff) - 1);
				return;
			}
		}
		if (mpg->take) {
			bad = mpg->take(&new, pg);
			if (bad) {
				vdisk_invalid_param(cmd, off + bad, -1);
				return;
			}
		}
		off += mpg->len;
	}

	spin_lock_irqsave(&vd->lock, flags);
	vd->mode_cur = new.mp;
	if (sp) {
		vd->mode_saved = new.mp;
		vd->saved_d_sense = new.d_sense;
		vd->saved_tas = new.tas;
		vd->saved_qerr = new.qerr;
	}
	spin_unlock_irqrestore(&vd->lock, flags);
	vdisk_mode_publish(vd, &new);

	/* Tell the other nexuses (SPC-4 6.9: MODE PARAMETERS CHANGED) */
	if (vdisk_mode_vals_differ(&old, &new))
		scst_dev_raise_ua(vd->dev, cmd->tgt_dev, ASC_PARAMS_CHANGED,
				  ASCQ_MODE_PARAMS_CHANGED);
}

/* ------------------------------------------------------------------ */
/* Log pages */

/* LOG SENSE PC field (SPC-4 6.6, table 130) */
enum vdisk_log_pc {
	VDISK_LOG_PC_THRESHOLD,
	VDISK_LOG_PC_CUMULATIVE,
	VDISK_LOG_PC_DEFAULT_THRESHOLD,
	VDISK_LOG_PC_DEFAULT_CUMULATIVE,
};

#define LOG_PAGE_SUPPORTED	0x00
#define LOG_PAGE_LBP		0x0c
#define LOG_PAGE_TEMPERATURE	0x0d
#define LOG_PAGE_IE		0x2f
#define LOG_SUBPAGE_ALL		0xff
/* Log page header byte 0: DS, the page's parameters cannot be saved */
#define LOG_DS			0x80
#define LOG_SPF			0x40
/* Parameter control byte: binary format and linking (SPC-4 7.3.2.2.2.6) */
#define LOG_PARAM_BINARY	0x03
#define LOG_BUF_SIZE		128
/* LBP resource count parameter SCOPE (SBC-3 6.3.6): not dedicated to it */
#define LBP_SCOPE_SHARED	0x02
/* Temperature not known (SPC-4 7.3.21) */
#define LOG_TEMPERATURE_UNKNOWN	0xff

static bool vdisk_log_has_lbp(const struct vdisk_dev *vd)
{
	return vd->thin_provisioned &&
	       (vd->kind == VDISK_FILEIO || vd->kind == VDISK_BLOCKIO);
}

static const u8 vdisk_log_pages[] = {
	LOG_PAGE_SUPPORTED, LOG_PAGE_LBP, LOG_PAGE_TEMPERATURE, LOG_PAGE_IE,
};

static bool vdisk_log_page_serves(const struct vdisk_dev *vd, u8 code)
{
	return code != LOG_PAGE_LBP || vdisk_log_has_lbp(vd);
}

/*
 * Append parameter @code with a @len-byte value to the page at @buf (whose
 * end is *@off), unless its code is below the PARAMETER POINTER @ptr.
 */
static u8 *vdisk_log_param(u8 *buf, unsigned int *off, u16 code, u8 len,
			   u16 ptr)
{
	u8 *p = &buf[*off];

	if (code < ptr)
		return NULL;
	memset(p, 0, 4 + len);
	put_unaligned_be16(code, &p[0]);
	p[2] = LOG_PARAM_BINARY;
	p[3] = len;
	*off += 4 + len;
	return &p[4];
}

/*
 * Bytes of the store that hold data: what the backend says is mapped, or
 * the whole store when it cannot tell. Process context (it may seek).
 */
static int vdisk_log_mapped_bytes(struct vdisk_dev *vd, u64 *bytes)
{
	loff_t pos = 0, len;
	bool mapped;
	int ret;

	*bytes = 0;
	if (!vd->be->mapped) {
		*bytes = vd->store_size;
		return 0;
	}
	while (pos < vd->store_size) {
		ret = vd->be->mapped(vd, pos, &len, &mapped);
		if (ret)
			return ret;
		if (len <= 0)	/* a backend that makes no progress */
			return -EIO;
		len = min_t(loff_t, len, vd->store_size - pos);
		if (mapped)
			*bytes += len;
		pos += len;
	}
	return 0;
}

/*
 * Logical block provisioning (SBC-3 6.3.6): resources counted in threshold
 * sets of 2^VDISK_LBP_THRESHOLD_EXP blocks, the unit VPD page 0xB2 gives.
 * Used: the blocks the store maps. Available: the free space of the file
 * system holding a fileio store, shared with everything else on it; a
 * block device's pool is not visible from here, so it is left out.
 */
static int vdisk_log_lbp(struct vdisk_dev *vd, u8 *buf, unsigned int *off,
			 u16 ptr)
{
	const unsigned int shift = vd->dev->block_shift +
				   VDISK_LBP_THRESHOLD_EXP;
	struct kstatfs st;
	u64 used;
	u8 *v;
	int ret;

	if (vd->kind == VDISK_FILEIO && vd->file) {
		ret = vfs_statfs(&vd->file->f_path, &st);
		if (ret)
			return ret;
		v = vdisk_log_param(buf, off, 0x0001, 8, ptr);
		if (v) {
			put_unaligned_be32(min_t(u64, (st.f_bavail *
						       st.f_bsize) >> shift,
						 U32_MAX), &v[0]);
			v[4] = LBP_SCOPE_SHARED;
		}
	}
	ret = vdisk_log_mapped_bytes(vd, &used);
	if (ret)
		return ret;
	v = vdisk_log_param(buf, off, 0x0002, 8, ptr);
	if (v) {
		put_unaligned_be32(min_t(u64, used >> shift, U32_MAX), &v[0]);
		v[4] = vd->kind == VDISK_FILEIO ? LBP_SCOPE_SHARED : 0;
	}
	return 0;
}

/* Highest parameter code of each page, for the PARAMETER POINTER check */
static u16 vdisk_log_last_param(u8 code)
{
	switch (code) {
	case LOG_PAGE_LBP:
		return 0x0002;
	case LOG_PAGE_TEMPERATURE:
		return 0x0001;
	default:
		return 0x0000;
	}
}

static void vdisk_log_sense(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const u8 pc = cmd->cdb[2] >> 6;
	const u8 code = cmd->cdb[2] & 0x3f;
	const u8 subpage = cmd->cdb[3];
	const u16 ptr = get_unaligned_be16(&cmd->cdb[5]);
	const bool threshold = pc == VDISK_LOG_PC_THRESHOLD ||
			       pc == VDISK_LOG_PC_DEFAULT_THRESHOLD;
	unsigned int off = 4, i;
	u8 buf[LOG_BUF_SIZE];
	u8 *v;
	int ret;

	/*
	 * PPC: parameters changed since the last LOG SENSE are not tracked;
	 * SP: log parameters cannot be saved (SPC-4 6.6).
	 */
	if (cmd->cdb[1] & 0x03) {
		vdisk_invalid_cdb(cmd, 1, cmd->cdb[1] & 0x02 ? 1 : 0);
		return;
	}
	if (!vdisk_log_page_serves(vd, code) ||
	    !memchr(vdisk_log_pages, code, sizeof(vdisk_log_pages))) {
		vdisk_invalid_cdb(cmd, 2, 5);
		return;
	}
	if (subpage && !(code == LOG_PAGE_SUPPORTED &&
			 subpage == LOG_SUBPAGE_ALL)) {
		vdisk_invalid_cdb(cmd, 3, -1);
		return;
	}
	if (ptr > vdisk_log_last_param(code)) {
		vdisk_invalid_cdb(cmd, 5, -1);
		return;
	}

	memset(buf, 0, sizeof(buf));
	buf[0] = code;
	buf[1] = subpage;
	switch (code) {
	case LOG_PAGE_SUPPORTED:
		if (subpage)
			buf[0] |= LOG_SPF;
		for (i = 0; i < ARRAY_SIZE(vdisk_log_pages); i++) {
			if (!vdisk_log_page_serves(vd, vdisk_log_pages[i]))
				continue;
			buf[off++] = vdisk_log_pages[i];
			if (!subpage)
				continue;
			buf[off++] = 0x00;
			/* 0x00 also has the subpage list this is */
			if (vdisk_log_pages[i] == LOG_PAGE_SUPPORTED) {
				buf[off++] = LOG_PAGE_SUPPORTED;
				buf[off++] = LOG_SUBPAGE_ALL;
			}
		}
		break;
	case LOG_PAGE_LBP:
		buf[0] |= LOG_DS;
		if (threshold)
			break;	/* no thresholds are kept */
		/* nullio never has this page: it runs only where it may sleep */
		ret = vdisk_log_lbp(vd, buf, &off, ptr);
		if (ret) {
			vdisk_set_io_error(cmd, ret, false);
			return;
		}
		break;
	case LOG_PAGE_TEMPERATURE:
		buf[0] |= LOG_DS;
		if (threshold)
			break;
		/* There is no sensor: "cannot be detected" (SPC-4 7.3.21) */
		v = vdisk_log_param(buf, &off, 0x0000, 2, ptr);
		if (v)
			v[1] = LOG_TEMPERATURE_UNKNOWN;
		v = vdisk_log_param(buf, &off, 0x0001, 2, ptr);
		if (v)
			v[1] = LOG_TEMPERATURE_UNKNOWN;
		break;
	case LOG_PAGE_IE:
		buf[0] |= LOG_DS;
		if (threshold)
			break;
		/* No failure is ever predicted: ASC/ASCQ 0 (SPC-4 7.3.8) */
		v = vdisk_log_param(buf, &off, 0x0000, 3, ptr);
		if (v)
			v[2] = LOG_TEMPERATURE_UNKNOWN;
		break;
	}
	put_unaligned_be16(off - 4, &buf[2]);
	vdisk_mode_reply(cmd, buf, off);
}

/*
 * LOG SELECT (SPC-4 6.5). No log parameter here is a counter or a
 * threshold an initiator may set: PCR (reset to defaults) and a list
 * without parameters succeed, as there is nothing to reset; a parameter
 * is INVALID FIELD IN PARAMETER LIST; SP cannot be honoured.
 */
static void vdisk_log_select(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const bool pcr = cmd->cdb[1] & 0x02;
	const u8 code = cmd->cdb[2] & 0x3f;
	const u8 subpage = cmd->cdb[3];
	u32 len = min_t(u32, get_unaligned_be16(&cmd->cdb[7]), cmd->bufflen);
	u8 hdr[4];

	if (cmd->cdb[1] & 0x01) {
		vdisk_invalid_cdb(cmd, 1, 0);
		return;
	}
	if (pcr && len) {	/* SPC-4 6.5: PCR with parameters */
		vdisk_invalid_cdb(cmd, 1, 1);
		return;
	}
	if (!len) {
		/* Page 0 subpage 0 means every page; else it must exist */
		if ((code || subpage) &&
		    (subpage || !vdisk_log_page_serves(vd, code) ||
		     !memchr(vdisk_log_pages, code,
			     sizeof(vdisk_log_pages)))) {
			vdisk_invalid_cdb(cmd, subpage ? 3 : 2, -1);
			return;
		}
		return;
	}
	if (len < sizeof(hdr) || vdisk_sg_copy_to(cmd, hdr, sizeof(hdr)) !=
	    sizeof(hdr)) {
		vdisk_param_list_length_error(cmd);
		return;
	}
	/* A page header only, no parameter: nothing changes */
	if (len == sizeof(hdr) && !get_unaligned_be16(&hdr[2]))
		return;
	vdisk_invalid_param(cmd, len > sizeof(hdr) ? 4 : 2, -1);
}

bool vdisk_mode_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	switch (cmd->cdb[0]) {
	case MODE_SENSE:
	case MODE_SENSE_10:
		vdisk_mode_sense(vd, cmd);
		break;
	case MODE_SELECT:
	case MODE_SELECT_10:
		vdisk_mode_select(vd, cmd);
		break;
	case LOG_SENSE:
		vdisk_log_sense(vd, cmd);
		break;
	case LOG_SELECT:
		vdisk_log_select(vd, cmd);
		break;
	default:
		return false;
	}
	vdisk_cmd_done(cmd);
	return true;
}
