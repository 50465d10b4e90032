// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the commands that describe and control the logical
 * unit rather than move its data: TEST UNIT READY, INQUIRY and its VPD
 * pages, READ CAPACITY(10/16), START STOP UNIT, PREVENT ALLOW MEDIUM
 * REMOVAL and FORMAT UNIT (SPC-4 r37, SBC-3 r35, MMC-6). It also refuses
 * every media access command while the unit is stopped or, for vcdrom,
 * has no medium, so the data commands never see such a unit.
 *
 * Runs in the device's endpoint: for vdisk_nullio with preemption
 * disabled, so nothing here sleeps, except what only vcdrom, fileio and
 * blockio do (eject, the flush of a stop), which run in the I/O pool.
 * The core has checked the CDB's length, reserved bits it knows and the
 * LBA range; what is left here is the fields whose meaning is ours.
 */
#include <asm/unaligned.h>
#include <linux/blkdev.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/scatterlist.h>
#include <linux/string.h>
#include "vdisk.h"
#include "handlers.h"

/* Additional sense codes (SPC-4 annex D) */
#define ASC_NOT_READY			0x04
#define ASCQ_INIT_CMD_REQUIRED		0x02
#define ASC_INVALID_FIELD_IN_CDB	0x24
#define ASC_INVALID_FIELD_IN_PARM	0x26
#define ASC_MEDIUM_NOT_PRESENT		0x3a
#define ASC_MEDIUM_REMOVAL_PREVENTED	0x53
#define ASCQ_MEDIUM_REMOVAL_PREVENTED	0x02

/* Standard INQUIRY data (SPC-4 6.6.2), up to its version descriptors */
#define INQ_STD_LEN			74
#define INQ_VERSION_DESCRIPTORS		58
/* Version descriptors (SPC-4 table 148), "no version claimed" forms */
#define INQ_VD_SAM5			0x00a0
#define INQ_VD_SPC4			0x0460
#define INQ_VD_SBC3			0x04c0
#define INQ_VERSION_SPC4		0x06
#define INQ_RMB				0x80
#define INQ_NORMACA			0x20
#define INQ_HISUP			0x10
#define INQ_RESPONSE_FORMAT		0x02
#define INQ_CMDQUE			0x02

/* VPD pages this file serves, in ascending order (SPC-4 7.8.13) */
#define VPD_SUPPORTED			0x00
#define VPD_USN				0x80
#define VPD_DEVICE_ID			0x83
#define VPD_EXTENDED_INQ		0x86
#define VPD_BLOCK_LIMITS		0xb0
#define VPD_BLOCK_DEV_CHAR		0xb1
#define VPD_LBP				0xb2
#define VPD_MAX_LEN			256

/* Designation descriptors (SPC-4 7.8.6) */
#define DESIG_CODESET_BINARY		0x1
#define DESIG_CODESET_ASCII		0x2
#define DESIG_PIV			0x80
#define DESIG_ASSOC_LU			0x00
#define DESIG_ASSOC_PORT		0x10
#define DESIG_T10_VENDOR		0x1
#define DESIG_NAA			0x3
#define DESIG_REL_TGT_PORT		0x4
#define DESIG_TPG			0x5

/* READ CAPACITY(16) byte 14 (SBC-3 5.16.2) */
#define RC16_LBPME			0x80
#define RC16_LBPRZ			0x40
#define RC16_LEN			32

/* VPD 0xB2 byte 5, byte 6 (SBC-3 6.6.4) */
#define LBP_LBPU			0x80
#define LBP_LBPWS			0x40
#define LBP_LBPWS10			0x20
#define LBP_LBPRZ			0x04
#define LBP_TYPE_THIN			0x02

/* START STOP UNIT byte 4 (SBC-3 5.25) */
#define SSU_START			0x01
#define SSU_LOEJ			0x02
#define SSU_NO_FLUSH			0x04

/* FORMAT UNIT (SBC-3 5.3) */
#define FMT_FMTDATA			0x10
#define FMT_LONGLIST			0x20
#define FMT_FOV				0x80
#define FMT_IP				0x08
#define FMT_IMMED			0x02

size_t vdisk_sg_copy_from(struct scst_cmd *cmd, const void *buf, size_t len)
{
	size_t n = 0;

	len = min_t(size_t, len, cmd->bufflen);
	if (len && cmd->sg)
		n = sg_copy_from_buffer(cmd->sg, cmd->sg_cnt, buf, len);
	cmd->resp_len = n;
	return n;
}

size_t vdisk_sg_copy_to(struct scst_cmd *cmd, void *buf, size_t len)
{
	len = min_t(size_t, len, cmd->bufflen);
	if (!len || !cmd->sg)
		return 0;
	return sg_copy_to_buffer(cmd->sg, cmd->sg_cnt, buf, len);
}

static void vdisk_bad_cdb_field(struct scst_cmd *cmd, u16 byte, int bit)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST,
				 ASC_INVALID_FIELD_IN_CDB, 0, true, byte, bit);
}

static void vdisk_bad_parm_field(struct scst_cmd *cmd, u16 byte, int bit)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST,
				 ASC_INVALID_FIELD_IN_PARM, 0, false, byte,
				 bit);
}

static bool vdisk_no_medium(const struct vdisk_dev *vd)
{
	return vd->kind == VDISK_CDROM && !READ_ONCE(vd->file);
}

/*
 * Is the unit ready for media access? If not, set the sense SBC-3 4.15
 * (stopped: INITIALIZING COMMAND REQUIRED) or MMC-6 (MEDIUM NOT PRESENT)
 * asks for and say no.
 */
static bool vdisk_check_ready(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	if (vdisk_no_medium(vd)) {
		scst_cmd_set_sense(cmd, SCST_KEY_NOT_READY,
				   ASC_MEDIUM_NOT_PRESENT, 0);
		return false;
	}
	if (READ_ONCE(vd->stopped)) {
		scst_cmd_set_sense(cmd, SCST_KEY_NOT_READY, ASC_NOT_READY,
				   ASCQ_INIT_CMD_REQUIRED);
		return false;
	}
	return true;
}

/* The commands that read, write or describe the medium. */
static bool vdisk_is_media_access(const struct scst_cmd *cmd)
{
	switch (cmd->cdb[0]) {
	case 0x04:	/* FORMAT UNIT */
	case 0x08:	/* READ(6) */
	case 0x0a:	/* WRITE(6) */
	case 0x25:	/* READ CAPACITY(10) */
	case 0x28:	/* READ(10) */
	case 0x2a:	/* WRITE(10) */
	case 0x2e:	/* WRITE AND VERIFY(10) */
	case 0x2f:	/* VERIFY(10) */
	case 0x35:	/* SYNCHRONIZE CACHE(10) */
	case 0x41:	/* WRITE SAME(10) */
	case 0x42:	/* UNMAP; READ SUB-CHANNEL */
	case 0x43:	/* READ TOC/PMA/ATIP */
	case 0x44:	/* READ HEADER */
	case 0x51:	/* READ DISC INFORMATION */
	case 0x52:	/* READ TRACK INFORMATION */
	case 0x7f:	/* READ/WRITE/VERIFY/WRITE SAME(32) */
	case 0x88:	/* READ(16) */
	case 0x89:	/* COMPARE AND WRITE */
	case 0x8a:	/* WRITE(16) */
	case 0x8e:	/* WRITE AND VERIFY(16) */
	case 0x8f:	/* VERIFY(16) */
	case 0x91:	/* SYNCHRONIZE CACHE(16) */
	case 0x93:	/* WRITE SAME(16) */
	case 0x9e:	/* READ CAPACITY(16), GET LBA STATUS */
	case 0xa8:	/* READ(12) */
	case 0xaa:	/* WRITE(12) */
	case 0xad:	/* READ DVD STRUCTURE */
	case 0xae:	/* WRITE AND VERIFY(12) */
	case 0xaf:	/* VERIFY(12) */
	case 0xbe:	/* READ CD */
		return true;
	default:
		return false;
	}
}

/* Logical block provisioning: thin, and reads of unmapped blocks zero? */
static bool vdisk_lbprz(const struct vdisk_dev *vd)
{
	if (!vd->thin_provisioned)
		return false;
	switch (vd->kind) {
	case VDISK_FILEIO:
		return true;	/* a punched hole reads as zeros */
	case VDISK_NULLIO:
		return READ_ONCE(vd->read_zero);
	default:
		return false;	/* what a discarded block reads is the device's */
	}
}

/* log2 of logical blocks per physical block (READ CAPACITY(16) byte 13) */
static u8 vdisk_lbppbe(const struct vdisk_dev *vd)
{
	unsigned int pbs;

	if (vd->kind != VDISK_BLOCKIO || !vd->bdev)
		return 0;
	pbs = bdev_physical_block_size(vd->bdev);
	return pbs > vd->blocksize ? ilog2(pbs / vd->blocksize) : 0;
}

static void vdisk_pad_copy(u8 *dst, const char *src, size_t width)
{
	size_t n = strnlen(src, width);

	memcpy(dst, src, n);
	memset(dst + n, ' ', width - n);
}

static void vdisk_inquiry_std(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 buf[INQ_STD_LEN] = { };

	buf[0] = vd->dev->type;
	if (vd->removable)
		buf[1] = INQ_RMB;
	buf[2] = INQ_VERSION_SPC4;
	buf[3] = INQ_NORMACA | INQ_HISUP | INQ_RESPONSE_FORMAT;
	buf[4] = INQ_STD_LEN - 5;
	buf[7] = INQ_CMDQUE;
	vdisk_pad_copy(&buf[8], vd->t10_vend_id, 8);
	vdisk_pad_copy(&buf[16], vd->prod_id, 16);
	vdisk_pad_copy(&buf[32], vd->prod_rev, 4);
	/* Initiators (libiscsi's suite among them) look for SBC-3 here. */
	put_unaligned_be16(INQ_VD_SAM5, &buf[INQ_VERSION_DESCRIPTORS]);
	put_unaligned_be16(INQ_VD_SPC4, &buf[INQ_VERSION_DESCRIPTORS + 2]);
	if (vd->kind != VDISK_CDROM)
		put_unaligned_be16(INQ_VD_SBC3, &buf[INQ_VERSION_DESCRIPTORS + 4]);
	vdisk_sg_copy_from(cmd, buf, sizeof(buf));
}

static const u8 vdisk_disk_vpds[] = {
	VPD_SUPPORTED, VPD_USN, VPD_DEVICE_ID, VPD_EXTENDED_INQ,
	VPD_BLOCK_LIMITS, VPD_BLOCK_DEV_CHAR, VPD_LBP,
};

/* The SBC pages (0xB0 and up) make no sense for an MMC device. */
static const u8 vdisk_cdrom_vpds[] = {
	VPD_SUPPORTED, VPD_USN, VPD_DEVICE_ID, VPD_EXTENDED_INQ,
};

static bool vdisk_vpd_supported(const struct vdisk_dev *vd, u8 page,
				const u8 **list, size_t *nr)
{
	size_t i;

	*list = vd->kind == VDISK_CDROM ? vdisk_cdrom_vpds : vdisk_disk_vpds;
	*nr = vd->kind == VDISK_CDROM ? ARRAY_SIZE(vdisk_cdrom_vpds) :
					ARRAY_SIZE(vdisk_disk_vpds);
	for (i = 0; i < *nr; i++)
		if ((*list)[i] == page)
			return true;
	return false;
}

/* Designation descriptor header; returns where its designator goes. */
static u8 *vdisk_desig(u8 *p, u8 proto_codeset, u8 piv_assoc_type, u8 len)
{
	p[0] = proto_codeset;
	p[1] = piv_assoc_type;
	p[2] = 0;
	p[3] = len;
	return p + 4;
}

/* VPD 0x83 (SPC-4 7.8.6); returns the page length. */
static size_t vdisk_vpd_device_id(struct vdisk_dev *vd, struct scst_cmd *cmd,
				  u8 *buf)
{
	struct scst_cmd_port port = { };
	size_t naa_len = strlen(vd->naa_id) / 2;
	size_t dev_id_len = strlen(vd->t10_dev_id);
	u8 *p = buf + 4;
	u8 proto;

	/* NAA, from the naa_id attribute (validated hex of 8 or 16 bytes) */
	p = vdisk_desig(p, DESIG_CODESET_BINARY, DESIG_ASSOC_LU | DESIG_NAA,
			naa_len);
	if (hex2bin(p, vd->naa_id, naa_len))
		memset(p, 0, naa_len);
	p += naa_len;

	/* T10 vendor ID: vendor, then the t10_dev_id attribute */
	p = vdisk_desig(p, DESIG_CODESET_ASCII,
			DESIG_ASSOC_LU | DESIG_T10_VENDOR, 8 + dev_id_len);
	vdisk_pad_copy(p, vd->t10_vend_id, 8);
	memcpy(p + 8, vd->t10_dev_id, dev_id_len);
	p += 8 + dev_id_len;

	/* The target port the command came through, and its group */
	if (cmd->sess)
		scst_cmd_port(cmd, &port);
	proto = port.protocol_id << 4;
	p = vdisk_desig(p, proto | DESIG_CODESET_BINARY,
			DESIG_PIV | DESIG_ASSOC_PORT | DESIG_REL_TGT_PORT, 4);
	put_unaligned_be16(0, p);
	put_unaligned_be16(port.rel_tgt_port_id, p + 2);
	p += 4;
	if (port.tpg_id) {
		p = vdisk_desig(p, proto | DESIG_CODESET_BINARY,
				DESIG_PIV | DESIG_ASSOC_PORT | DESIG_TPG, 4);
		put_unaligned_be16(0, p);
		put_unaligned_be16(port.tpg_id, p + 2);
		p += 4;
	}
	return p - buf;
}

/* VPD 0x86 (SPC-4 7.8.7); returns the page length. */
static size_t vdisk_vpd_extended_inq(struct vdisk_dev *vd, u8 *buf)
{
	/* HEADSUP, ORDSUP, SIMPSUP: the core runs all three task attributes */
	buf[5] = 0x07;
	/* NV_SUP: a non-volatile cache; V_SUP: a volatile one (page cache) */
	if (vd->nv_cache)
		buf[6] = 0x02;
	else if (vd->kind == VDISK_FILEIO || vd->kind == VDISK_BLOCKIO)
		buf[6] = 0x01;
	return 64;
}

/* VPD 0xB0 (SBC-3 6.6.3); returns the page length. */
static size_t vdisk_vpd_block_limits(struct vdisk_dev *vd, u8 *buf)
{
	buf[4] = 0x01;	/* WSNZ */
	buf[5] = VDISK_MAX_CAW_BLOCKS;
	put_unaligned_be16(1, &buf[6]);	/* OPTIMAL TRANSFER LENGTH GRANULARITY */
	if (vd->thin_provisioned) {
		put_unaligned_be32(VDISK_MAX_UNMAP_LBA_COUNT, &buf[20]);
		put_unaligned_be32(VDISK_MAX_UNMAP_DESCRIPTORS, &buf[24]);
		put_unaligned_be32(1, &buf[28]); /* OPTIMAL UNMAP GRANULARITY */
	}
	put_unaligned_be64(VDISK_MAX_WRITE_SAME_BLOCKS, &buf[36]);
	return 64;
}

/*
 * VPD 0xB1 (SBC-3 6.6.2): MEDIUM ROTATION RATE 1 means non-rotating
 * (what makes Linux mark the disk non-rotational), 0 "not reported"; the
 * NOMINAL FORM FACTOR is 0, "not reported": a virtual disk has none.
 */
static size_t vdisk_vpd_block_dev_char(struct vdisk_dev *vd, u8 *buf)
{
	put_unaligned_be16(vd->rotational ? 0 : 1, &buf[4]);
	return 64;
}

/* VPD 0xB2 (SBC-3 6.6.4); returns the page length. */
static size_t vdisk_vpd_lbp(struct vdisk_dev *vd, u8 *buf)
{
	if (vd->thin_provisioned) {
		buf[5] = LBP_LBPU | LBP_LBPWS | LBP_LBPWS10;
		if (vdisk_lbprz(vd))
			buf[5] |= LBP_LBPRZ;
		buf[6] = LBP_TYPE_THIN;
	}
	return 8;
}

static void vdisk_inquiry_vpd(struct vdisk_dev *vd, struct scst_cmd *cmd,
			      u8 page)
{
	u8 buf[VPD_MAX_LEN] = { };
	const u8 *list;
	size_t nr, len;

	if (!vdisk_vpd_supported(vd, page, &list, &nr)) {
		vdisk_bad_cdb_field(cmd, 2, -1);
		return;
	}
	buf[0] = vd->dev->type;
	buf[1] = page;
	switch (page) {
	case VPD_SUPPORTED:
		memcpy(&buf[4], list, nr);
		len = 4 + nr;
		break;
	case VPD_USN:
		len = strlen(vd->usn);
		memcpy(&buf[4], vd->usn, len);
		len += 4;
		break;
	case VPD_DEVICE_ID:
		len = vdisk_vpd_device_id(vd, cmd, buf);
		break;
	case VPD_EXTENDED_INQ:
		len = vdisk_vpd_extended_inq(vd, buf);
		break;
	case VPD_BLOCK_LIMITS:
		len = vdisk_vpd_block_limits(vd, buf);
		break;
	case VPD_BLOCK_DEV_CHAR:
		len = vdisk_vpd_block_dev_char(vd, buf);
		break;
	default:
		len = vdisk_vpd_lbp(vd, buf);
		break;
	}
	put_unaligned_be16(len - 4, &buf[2]);
	vdisk_sg_copy_from(cmd, buf, len);
}

/* INQUIRY (SPC-4 6.6); the core checked CMDDT and PAGE CODE without EVPD. */
static void vdisk_inquiry(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	if (cmd->cdb[1] & 0x01)
		vdisk_inquiry_vpd(vd, cmd, cmd->cdb[2]);
	else
		vdisk_inquiry_std(vd, cmd);
}

/* READ CAPACITY(10) (SBC-3 5.15): a last LBA that does not fit is all ones. */
static void vdisk_read_capacity10(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u64 nr = READ_ONCE(vd->dev->nr_blocks);
	u8 buf[8];

	put_unaligned_be32(nr - 1 > 0xfffffffeULL ? 0xffffffff : nr - 1, buf);
	put_unaligned_be32(1U << vd->dev->block_shift, &buf[4]);
	vdisk_sg_copy_from(cmd, buf, sizeof(buf));
}

/* READ CAPACITY(16) (SBC-3 5.16) */
static void vdisk_read_capacity16(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 buf[RC16_LEN] = { };

	put_unaligned_be64(READ_ONCE(vd->dev->nr_blocks) - 1, buf);
	put_unaligned_be32(1U << vd->dev->block_shift, &buf[8]);
	buf[13] = vdisk_lbppbe(vd);
	if (vd->thin_provisioned) {
		buf[14] = RC16_LBPME;
		if (vdisk_lbprz(vd))
			buf[14] |= RC16_LBPRZ;
	}
	vdisk_sg_copy_from(cmd, buf, sizeof(buf));
}

/* Eject the medium (vcdrom only), unless its removal is prevented. */
static void vdisk_eject(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	bool prevented;
	int ret;

	if (vd->kind != VDISK_CDROM) {
		vdisk_bad_cdb_field(cmd, 4, 1);
		return;
	}
	spin_lock_irq(&vd->lock);
	prevented = vd->prevent;
	spin_unlock_irq(&vd->lock);
	if (prevented) {
		scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
				   ASC_MEDIUM_REMOVAL_PREVENTED,
				   ASCQ_MEDIUM_REMOVAL_PREVENTED);
		return;
	}
	mutex_lock(&vdisk_cfg_mutex);
	ret = vd->enabled ? vdisk_cdrom_change_media(vd, "") : 0;
	mutex_unlock(&vdisk_cfg_mutex);
	/* -EBUSY: a PREVENT came in since the check above */
	if (ret == -EBUSY)
		scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
				   ASC_MEDIUM_REMOVAL_PREVENTED,
				   ASCQ_MEDIUM_REMOVAL_PREVENTED);
	else if (ret)
		vdisk_set_io_error(cmd, ret, false);
}

/*
 * START STOP UNIT (SBC-3 5.25). There are no power conditions to emulate:
 * the defined ones succeed without effect, reserved ones are refused. A
 * stop flushes the cache unless NO_FLUSH, as SBC asks of a device going
 * to the stopped state.
 */
static void vdisk_start_stop(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 pc = cmd->cdb[4] >> 4;
	bool start = cmd->cdb[4] & SSU_START;
	bool loej = cmd->cdb[4] & SSU_LOEJ;
	int ret;

	switch (pc) {
	case 0x0:
		break;
	case 0x1: case 0x2: case 0x3: case 0x7: case 0xa: case 0xb:
		return;
	default:
		vdisk_bad_cdb_field(cmd, 4, 7);
		return;
	}
	if (!start && loej) {
		vdisk_eject(vd, cmd);
		return;
	}
	if (!start && !(cmd->cdb[4] & SSU_NO_FLUSH) && !vd->nv_cache &&
	    vd->can_flush && !vdisk_no_medium(vd)) {
		ret = vd->be->flush(vd, 0, 0);
		if (ret) {
			vdisk_set_io_error(cmd, ret, true);
			return;
		}
	}
	/* LOEJ with START loads the medium: an image is "loaded" already. */
	WRITE_ONCE(vd->stopped, !start);
}

/*
 * PREVENT ALLOW MEDIUM REMOVAL (SBC-3 5.11, MMC-6 6.14): 00b allows, 01b
 * prevents; the persistent forms are not supported. The prevention is
 * the device's, not per I_T nexus, and a reset ends it (main.c).
 */
static void vdisk_prevent_allow(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 prevent = cmd->cdb[4] & 0x03;

	if (prevent > 1) {
		vdisk_bad_cdb_field(cmd, 4, 1);
		return;
	}
	spin_lock_irq(&vd->lock);
	vd->prevent = prevent;
	spin_unlock_irq(&vd->lock);
}

/*
 * FORMAT UNIT (SBC-3 5.3): a virtual disk has no defects to list, no
 * protection information and nothing to initialise, so formatting is a
 * no-op. With FMTDATA the header must ask for nothing else: without FOV
 * every option bit is 0; with it, no initialization pattern (IP) and no
 * defect list. The core checked FMTPINFO and sized the header (4 bytes,
 * or 8 with LONGLIST).
 */
static void vdisk_format_unit(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	bool longlist = cmd->cdb[1] & FMT_LONGLIST;
	u8 hdr[8] = { };
	size_t hlen = longlist ? 8 : 4;
	u32 dll;

	if (!(cmd->cdb[1] & FMT_FMTDATA))
		return;
	if (vdisk_sg_copy_to(cmd, hdr, hlen) < hlen) {
		vdisk_bad_parm_field(cmd, 0, -1);
		return;
	}
	/* LONGLIST: P_I_INFORMATION and PROTECTION INTERVAL EXPONENT */
	if (longlist && hdr[3]) {
		vdisk_bad_parm_field(cmd, 3, -1);
		return;
	}
	if (!(hdr[1] & FMT_FOV) && (hdr[1] & ~FMT_IMMED & 0xfc)) {
		vdisk_bad_parm_field(cmd, 1, fls(hdr[1] & ~FMT_IMMED & 0xfc) - 1);
		return;
	}
	if (hdr[1] & FMT_IP) {
		vdisk_bad_parm_field(cmd, 1, 3);
		return;
	}
	dll = longlist ? get_unaligned_be32(&hdr[4]) :
			 get_unaligned_be16(&hdr[2]);
	if (dll)
		vdisk_bad_parm_field(cmd, longlist ? 4 : 2, -1);
}

bool vdisk_spc_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 op = cmd->cdb[0];

	if (vdisk_is_media_access(cmd) && !vdisk_check_ready(vd, cmd)) {
		vdisk_cmd_done(cmd);
		return true;
	}

	switch (op) {
	case 0x00:	/* TEST UNIT READY */
		vdisk_check_ready(vd, cmd);
		break;
	case 0x12:
		vdisk_inquiry(vd, cmd);
		break;
	case 0x25:
		vdisk_read_capacity10(vd, cmd);
		break;
	case 0x9e:
		if ((cmd->cdb[1] & 0x1f) != 0x10)
			return false;
		vdisk_read_capacity16(vd, cmd);
		break;
	case 0x1b:
		vdisk_start_stop(vd, cmd);
		break;
	case 0x1e:
		vdisk_prevent_allow(vd, cmd);
		break;
	case 0x04:
		vdisk_format_unit(vd, cmd);
		break;
	default:
		return false;
	}
	vdisk_cmd_done(cmd);
	return true;
}
