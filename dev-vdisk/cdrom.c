// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: vcdrom's MMC commands (MMC-6 unless said) and its
 * media change. The medium is a read-only ISO image holding one data track
 * in one complete session: READ TOC, READ DISC INFORMATION and READ TRACK
 * INFORMATION describe that, and GET CONFIGURATION calls it a CD-ROM or a
 * DVD-ROM by its size.
 *
 * Media change: writing filename while enabled (configfs.c) closes the
 * image and opens the new one ("" or "none": no medium), unless PREVENT
 * ALLOW MEDIUM REMOVAL prevents removal. Every nexus then gets NOT READY TO
 * READY CHANGE, MEDIUM MAY HAVE CHANGED, and GET EVENT STATUS NOTIFICATION
 * reports the change once.
 */

#include <asm/unaligned.h>
#include <linux/cdrom.h>
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vdisk.h"

#define CD_BLOCK_SHIFT		11	/* 2048-byte blocks */
/* An 80-minute CD holds 360000 blocks; a larger image must be a DVD. */
#define CD_MAX_BLOCKS		360000
#define CD_LEADOUT_TRACK	0xaa
/* TOC CONTROL nibble: data track, recorded uninterrupted; ADR 1: Q mode 1 */
#define CD_ADR_CONTROL		0x14
#define CD_MSF_OFFSET		150	/* LBA 0 is 00:02:00 */
#define CD_BUF_SIZE		128

/* ASC/ASCQ (SPC-4 table D.1, MMC-6 table F.1) */
#define ASC_LBA_OUT_OF_RANGE	0x21
#define ASC_INVALID_FIELD_CDB	0x24
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x28
#define ASC_MEDIUM_NOT_PRESENT	0x3a

/* MMC profiles (MMC-6 table 91) */
#define MMC_PROFILE_CD_ROM	0x0008
#define MMC_PROFILE_DVD_ROM	0x0010

/* GET EVENT STATUS NOTIFICATION (MMC-6 6.6) */
#define GESN_POLLED		0x01
#define GESN_CLASS_MEDIA	4
#define GESN_NEA		0x80
#define GESN_MEDIA_NO_CHANGE	0
#define GESN_MEDIA_NEW		2
#define GESN_MEDIA_REMOVAL	3
#define GESN_MEDIA_PRESENT	0x02

static void cdrom_invalid_cdb(struct scst_cmd *cmd, u16 byte, int bit)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST,
				 ASC_INVALID_FIELD_CDB, 0, true, byte, bit);
}

static void cdrom_reply(struct scst_cmd *cmd, const u8 *buf, u32 len)
{
	cmd->resp_len = vdisk_sg_copy_from(cmd, buf, min(len, cmd->bufflen));
}

/*
 * Whether an image is loaded; without one, the command ends with NOT
 * READY, MEDIUM NOT PRESENT (MMC-6 4.1.6.2).
 */
static bool cdrom_medium_present(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	if (READ_ONCE(vd->file))
		return true;
	scst_cmd_set_sense(cmd, SCST_KEY_NOT_READY, ASC_MEDIUM_NOT_PRESENT, 0);
	return false;
}

static u64 cdrom_nr_blocks(const struct vdisk_dev *vd)
{
	return READ_ONCE(vd->dev->nr_blocks);
}

static bool cdrom_is_dvd(const struct vdisk_dev *vd)
{
	return cdrom_nr_blocks(vd) > CD_MAX_BLOCKS;
}

/*
 * An address for READ TOC and READ HEADER: an LBA, or with @msf the
 * minute/second/frame form (MMC-6 4.2.3.4), whose minute saturates where
 * a DVD-sized image passes 255 minutes.
 */
static void cdrom_put_addr(u8 *p, u64 lba, bool msf)
{
	u64 frames = lba + CD_MSF_OFFSET;

	if (!msf) {
		put_unaligned_be32(min_t(u64, lba, U32_MAX), p);
		return;
	}
	p[0] = 0;
	if (frames >= 256ULL * 60 * 75) {
		p[1] = 0xff;
		p[2] = 59;
		p[3] = 74;
		return;
	}
	p[1] = frames / (60 * 75);
	p[2] = (frames / 75) % 60;
	p[3] = frames % 75;
}

static unsigned int cdrom_toc_track(u8 *p, u8 track, u64 lba, bool msf)
{
	memset(p, 0, 8);
	p[1] = CD_ADR_CONTROL;
	p[2] = track;
	cdrom_put_addr(&p[4], lba, msf);
	return 8;
}

/* READ TOC/PMA/ATIP (MMC-6 6.33): formats 0 (TOC) and 1 (session info) */
static void cdrom_read_toc(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const bool msf = cmd->cdb[1] & 0x02;
	const u8 start = cmd->cdb[6];
	u8 format = cmd->cdb[2] & 0x0f;
	unsigned int len = 4;
	u8 buf[CD_BUF_SIZE];

	/* Before MMC-2 the format sat in the CONTROL byte's top bits */
	if (!format)
		format = cmd->cdb[9] >> 6;
	if (format > 1) {
		cdrom_invalid_cdb(cmd, 2, 3);
		return;
	}
	if (!cdrom_medium_present(vd, cmd))
		return;

	memset(buf, 0, sizeof(buf));
	buf[2] = 1;		/* first track, or first session */
	buf[3] = 1;		/* last track, or last session */
	if (format == 0) {
		/* Descriptors from track @start on: 1 and the lead-out */
		if (start > 1 && start != CD_LEADOUT_TRACK) {
			cdrom_invalid_cdb(cmd, 6, -1);
			return;
		}
		if (start <= 1)
			len += cdrom_toc_track(&buf[len], 1, 0, msf);
		len += cdrom_toc_track(&buf[len], CD_LEADOUT_TRACK,
				       cdrom_nr_blocks(vd), msf);
	} else {
		/* The first track of the last (only) session: track 1 at 0 */
		len += cdrom_toc_track(&buf[len], 1, 0, msf);
	}
	put_unaligned_be16(len - 2, &buf[0]);
	cdrom_reply(cmd, buf, len);
}

/* READ HEADER (MMC-2 6.1.12): the data mode of the block at an LBA */
static void cdrom_read_header(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const u64 lba = get_unaligned_be32(&cmd->cdb[2]);
	u8 buf[8] = {};

	if (!cdrom_medium_present(vd, cmd))
		return;
	if (lba >= cdrom_nr_blocks(vd)) {
		scst_cmd_set_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
				   ASC_LBA_OUT_OF_RANGE, 0);
		return;
	}
	buf[0] = 1;		/* mode 1: 2048 bytes of user data */
	cdrom_put_addr(&buf[4], lba, cmd->cdb[1] & 0x02);
	cdrom_reply(cmd, buf, sizeof(buf));
}

/* Feature descriptor header (MMC-6 5.2.2) */
static u8 *cdrom_feature(u8 *buf, unsigned int *len, u16 code, u8 version,
			 bool persistent, bool active, u8 add_len)
{
	u8 *p = &buf[*len];

	memset(p, 0, 4 + add_len);
	put_unaligned_be16(code, &p[0]);
	p[2] = version << 2 | (persistent ? 0x02 : 0) | (active ? 0x01 : 0);
	p[3] = add_len;
	*len += 4 + add_len;
	return p;
}

/* Whether GET CONFIGURATION's RT and STARTING FEATURE NUMBER ask for it */
static bool cdrom_want(u8 rt, u16 start, u16 code, bool active)
{
	if (rt == 2)
		return start == code;
	return start <= code && (rt == 0 || active);
}

/*
 * GET CONFIGURATION (MMC-6 6.6): the features of a read-only DVD-ROM
 * drive that reads CDs. RT 0: every feature from STARTING FEATURE NUMBER
 * on; 1: only the current ones; 2: that one feature.
 */
static void cdrom_get_configuration(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const u8 rt = cmd->cdb[1] & 0x03;
	const u16 start = get_unaligned_be16(&cmd->cdb[2]);
	const bool present = READ_ONCE(vd->file);
	const bool dvd = present && cdrom_is_dvd(vd);
	const bool cd = present && !dvd;
	unsigned int len = 8;
	u8 buf[CD_BUF_SIZE];
	u8 *p;

	if (rt == 3) {
		cdrom_invalid_cdb(cmd, 1, 1);
		return;
	}
	memset(buf, 0, sizeof(buf));
	if (present)
		put_unaligned_be16(dvd ? MMC_PROFILE_DVD_ROM :
				   MMC_PROFILE_CD_ROM, &buf[6]);

	/* Profile List */
	if (cdrom_want(rt, start, 0x0000, true)) {
		p = cdrom_feature(buf, &len, 0x0000, 0, true, true, 8);
		put_unaligned_be16(MMC_PROFILE_DVD_ROM, &p[4]);
		p[6] = dvd;
		put_unaligned_be16(MMC_PROFILE_CD_ROM, &p[8]);
		p[10] = cd;
	}
	/* Core: SCSI family interface */
	if (cdrom_want(rt, start, 0x0001, true)) {
		p = cdrom_feature(buf, &len, 0x0001, 2, true, true, 8);
		put_unaligned_be32(1, &p[4]);
	}
	/* Morphing: polled events only */
	if (cdrom_want(rt, start, 0x0002, true))
		cdrom_feature(buf, &len, 0x0002, 1, true, true, 4);
	/* Removable Medium: a tray */
	if (cdrom_want(rt, start, 0x0003, true)) {
		p = cdrom_feature(buf, &len, 0x0003, 0, true, true, 4);
		/* tray, Eject, Lock; a prevent jumper is absent (bit 2) */
		p[4] = 0x20 | 0x08 | 0x04 | 0x01;
	}
	/* Random Readable */
	if (cdrom_want(rt, start, 0x0010, present)) {
		p = cdrom_feature(buf, &len, 0x0010, 0, false, present, 8);
		put_unaligned_be32(1U << CD_BLOCK_SHIFT, &p[4]);
		put_unaligned_be16(dvd ? 16 : 1, &p[8]);	/* blocking */
	}
	/* CD Read */
	if (cdrom_want(rt, start, 0x001e, cd))
		cdrom_feature(buf, &len, 0x001e, 0, false, cd, 4);
	/* DVD Read */
	if (cdrom_want(rt, start, 0x001f, dvd))
		cdrom_feature(buf, &len, 0x001f, 0, false, dvd, 0);

	put_unaligned_be32(len - 4, &buf[0]);
	cdrom_reply(cmd, buf, len);
}

/*
 * GET EVENT STATUS NOTIFICATION (MMC-6 6.7), polled only: the media class
 * is the one event class served. A media change is reported once.
 */
static void cdrom_get_event_status(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const u8 request = cmd->cdb[4];
	unsigned long flags;
	bool present, changed;
	u8 buf[8] = {};

	if (!(cmd->cdb[1] & GESN_POLLED)) {
		/* asynchronous notification is not supported */
		cdrom_invalid_cdb(cmd, 1, 0);
		return;
	}
	buf[3] = 1 << GESN_CLASS_MEDIA;		/* supported classes */
	if (!(request & buf[3])) {
		buf[2] = GESN_NEA;
		put_unaligned_be16(2, &buf[0]);
		cdrom_reply(cmd, buf, 4);
		return;
	}

	spin_lock_irqsave(&vd->lock, flags);
	present = vd->file;
	changed = vd->media_changed;
	vd->media_changed = false;
	spin_unlock_irqrestore(&vd->lock, flags);

	buf[2] = GESN_CLASS_MEDIA;
	if (changed)
		buf[4] = present ? GESN_MEDIA_NEW : GESN_MEDIA_REMOVAL;
	else
		buf[4] = GESN_MEDIA_NO_CHANGE;
	buf[5] = present ? GESN_MEDIA_PRESENT : 0;	/* tray closed */
	put_unaligned_be16(6, &buf[0]);
	cdrom_reply(cmd, buf, sizeof(buf));
}

/* READ DISC INFORMATION (MMC-6 6.22), standard disc information */
static void cdrom_read_disc_info(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 buf[34] = {};

	if (cmd->cdb[1] & 0x07) {	/* only data type 000b */
		cdrom_invalid_cdb(cmd, 1, 2);
		return;
	}
	if (!cdrom_medium_present(vd, cmd))
		return;
	put_unaligned_be16(sizeof(buf) - 2, &buf[0]);
	buf[2] = 0x0e;		/* last session complete, disc finalized */
	buf[3] = 1;		/* first track on disc */
	buf[4] = 1;		/* sessions */
	buf[5] = 1;		/* first track in last session */
	buf[6] = 1;		/* last track in last session */
	buf[8] = 0x00;		/* CD-DA or CD-ROM disc */
	/* A complete disc has no next session: lead-in/out addresses all 1s */
	put_unaligned_be32(U32_MAX, &buf[16]);
	put_unaligned_be32(U32_MAX, &buf[20]);
	cdrom_reply(cmd, buf, sizeof(buf));
}

/* READ TRACK INFORMATION (MMC-6 6.27): track 1, the only one */
static void cdrom_read_track_info(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	const u8 type = cmd->cdb[1] & 0x03;
	const u32 number = get_unaligned_be32(&cmd->cdb[2]);
	u64 nr_blocks;
	u8 buf[36] = {};

	if (!cdrom_medium_present(vd, cmd))
		return;
	nr_blocks = cdrom_nr_blocks(vd);
	switch (type) {
	case 0:		/* the track holding this LBA */
		if (number >= nr_blocks) {
			cdrom_invalid_cdb(cmd, 2, -1);
			return;
		}
		break;
	case 1:		/* track number */
	case 2:		/* session number: its first track */
		if (number != 1) {
			cdrom_invalid_cdb(cmd, 2, -1);
			return;
		}
		break;
	default:
		cdrom_invalid_cdb(cmd, 1, 1);
		return;
	}
	put_unaligned_be16(sizeof(buf) - 2, &buf[0]);
	buf[2] = 1;		/* track number */
	buf[3] = 1;		/* session number */
	buf[5] = 0x04;		/* track mode: data, recorded uninterrupted */
	buf[6] = 0x01;		/* data mode 1 */
	buf[7] = 0x02;		/* LRA_V: the last recorded address is valid */
	/* start 0, no next writable address, no free blocks */
	put_unaligned_be32(min_t(u64, nr_blocks, U32_MAX), &buf[24]);
	put_unaligned_be32(min_t(u64, nr_blocks ? nr_blocks - 1 : 0, U32_MAX),
			   &buf[28]);
	cdrom_reply(cmd, buf, sizeof(buf));
}

/* MECHANISM STATUS (MMC-6 6.11): no changer, idle, tray closed */
static void cdrom_mechanism_status(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 buf[8] = {};

	cdrom_reply(cmd, buf, sizeof(buf));
}

bool vdisk_cdrom_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	if (vd->kind != VDISK_CDROM)
		return false;
	switch (cmd->cdb[0]) {
	case GPCMD_READ_TOC_PMA_ATIP:
		cdrom_read_toc(vd, cmd);
		break;
	case GPCMD_READ_HEADER:
		cdrom_read_header(vd, cmd);
		break;
	case GPCMD_GET_CONFIGURATION:
		cdrom_get_configuration(vd, cmd);
		break;
	case GPCMD_GET_EVENT_STATUS_NOTIFICATION:
		cdrom_get_event_status(vd, cmd);
		break;
	case GPCMD_READ_DISC_INFO:
		cdrom_read_disc_info(vd, cmd);
		break;
	case GPCMD_READ_TRACK_RZONE_INFO:
		cdrom_read_track_info(vd, cmd);
		break;
	case GPCMD_MECHANISM_STATUS:
		cdrom_mechanism_status(vd, cmd);
		break;
	default:
		return false;
	}
	vdisk_cmd_done(cmd);
	return true;
}

/* "" or "none" (what configfs wrote, maybe with its newline): eject */
static bool cdrom_name_is_none(const char *name)
{
	size_t len = strcspn(name, "\n");

	return !len || (len == 4 && !strncmp(name, "none", 4));
}

/**
 * vdisk_cdrom_change_media() - load another image, or none
 * @vd:       an enabled vcdrom
 * @filename: the new image's path; "" or "none" ejects
 *
 * Process context. Opens the new image before closing the old one, so a
 * failed open leaves the old medium in place. Returns -EBUSY while
 * PREVENT ALLOW MEDIUM REMOVAL prevents removal.
 *
 * Whoever reads vd->file outside this function while enabled must hold its
 * own reference (get_file_rcu() under rcu_read_lock(), or fget-like), as
 * the old file is released here once it is no longer published.
 */
int vdisk_cdrom_change_media(struct vdisk_dev *vd, const char *filename)
{
	int flags = O_RDONLY | O_LARGEFILE | (vd->o_direct ? O_DIRECT : 0);
	struct file *new_file = NULL, *old_file;
	const char *shown;
	loff_t size = 0;
	unsigned long irq;
	char *name;

	if (READ_ONCE(vd->prevent)) {
		vdisk_err(vd, "medium removal is prevented: filename not changed\n");
		return -EBUSY;
	}
	if (!cdrom_name_is_none(filename)) {
		name = kstrndup(filename, strcspn(filename, "\n"), GFP_KERNEL);
		if (!name)
			return -ENOMEM;
		new_file = filp_open(name, flags, 0);
		if (IS_ERR(new_file)) {
			vdisk_err(vd, "cannot open %s: %ld\n", name,
				  PTR_ERR(new_file));
			kfree(name);
			return PTR_ERR(new_file);
		}
		size = i_size_read(new_file->f_mapping->host);
		if (size & ((1 << CD_BLOCK_SHIFT) - 1))
			vdisk_info(vd, "%s: %lld bytes, not a multiple of 2048; the tail is not readable\n",
				   name, size);
	} else {
		name = kstrdup("", GFP_KERNEL);
		if (!name)
			return -ENOMEM;
	}

	spin_lock_irqsave(&vd->lock, irq);
	/* PREVENT may have come in meanwhile */
	if (vd->prevent) {
		spin_unlock_irqrestore(&vd->lock, irq);
		if (new_file)
			filp_close(new_file, NULL);
		kfree(name);
		vdisk_err(vd, "medium removal is prevented: filename not changed\n");
		return -EBUSY;
	}
	old_file = vd->file;
	WRITE_ONCE(vd->file, new_file);
	vd->store_size = size;
	vd->media_changed = true;
	swap(vd->filename, name);
	shown = vd->filename;
	spin_unlock_irqrestore(&vd->lock, irq);

	scst_dev_set_capacity(vd->dev, size >> CD_BLOCK_SHIFT);
	scst_dev_raise_ua(vd->dev, NULL, ASC_MEDIUM_MAY_HAVE_CHANGED, 0);
	if (new_file)
		vdisk_info(vd, "medium changed to %s\n", shown);
	else
		vdisk_info(vd, "medium ejected\n");

	if (old_file)
		filp_close(old_file, NULL);
	kfree(name);
	return 0;
}
