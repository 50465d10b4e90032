// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-vdisk: the SBC commands that move data to or from the store
 * (READ, WRITE, WRITE AND VERIFY, VERIFY, SYNCHRONIZE CACHE, WRITE SAME,
 * UNMAP, COMPARE AND WRITE, GET LBA STATUS), and the sense an I/O error
 * deserves.
 *
 * The core has parsed the CDB (cmd->lba, cmd->nr_blocks, cmd->bufflen,
 * cmd->data_dir), refused what its table refuses (reserved bits,
 * protection information, ANCHOR without UNMAP, BYTCHK 10b), checked the
 * LBA range of every command that has one, and refused medium writes to a
 * read-only LUN (a vcdrom always is); spc.c, which main.c tries first,
 * answers NOT READY for media access to a stopped unit or a vcdrom
 * without a medium. What is left here is what only the device knows: its
 * limits (VPD page 0xB0, vdisk.h), its provisioning, and the data.
 *
 * READ and WRITE go to the backend's submit_rw() and end in
 * vdisk_io_done(); a vdisk_fileio READ first tries the page cache, in the
 * endpoint it arrived on (vdisk_sbc_read_cached()). The other commands
 * read or write more than once and use rw_sync(), so they run only where
 * sleeping is allowed: a pool thread. nullio runs in a context that must not sleep; its store keeps
 * nothing, so for it those commands move no data at all (see sbc_nullio
 * comments below) and never allocate.
 */
#include <asm/unaligned.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include "vdisk.h"

/* Opcodes (SBC-3, SBC-4) */
#define SBC_READ_6		0x08
#define SBC_WRITE_6		0x0a
#define SBC_READ_10		0x28
#define SBC_WRITE_10		0x2a
#define SBC_WRITE_VERIFY_10	0x2e
#define SBC_VERIFY_10		0x2f
#define SBC_SYNC_CACHE_10	0x35
#define SBC_WRITE_SAME_10	0x41
#define SBC_UNMAP		0x42
#define SBC_VARLEN		0x7f
#define SBC_READ_16		0x88
#define SBC_COMPARE_AND_WRITE	0x89
#define SBC_WRITE_16		0x8a
#define SBC_WRITE_VERIFY_16	0x8e
#define SBC_VERIFY_16		0x8f
#define SBC_SYNC_CACHE_16	0x91
#define SBC_WRITE_SAME_16	0x93
#define SBC_SAI_16		0x9e
#define SBC_READ_12		0xa8
#define SBC_WRITE_12		0xaa
#define SBC_WRITE_VERIFY_12	0xae
#define SBC_VERIFY_12		0xaf

/* Service actions of the 32-byte CDBs (bytes 8-9) and of 0x9e */
#define SBC_SA_READ_32		0x0009
#define SBC_SA_VERIFY_32	0x000a
#define SBC_SA_WRITE_32		0x000b
#define SBC_SA_WRITE_VERIFY_32	0x000c
#define SBC_SA_WRITE_SAME_32	0x000d
#define SBC_SA_GET_LBA_STATUS	0x12

/* Flags byte (byte 1, byte 10 of the 32-byte forms) */
#define SBC_FUA			0x08
#define SBC_WS_ANCHOR		0x10
#define SBC_WS_UNMAP		0x08
#define SBC_WS_NDOB		0x01
#define SBC_SYNC_IMMED		0x02
#define SBC_UNMAP_ANCHOR	0x01

/* Additional sense codes (SPC-4 table D.1): ASC << 8 | ASCQ */
#define ASC_WRITE_ERROR		0x0c00
#define ASC_UNRECOVERED_READ	0x1100
#define ASC_PARAM_LIST_LENGTH	0x1a00
#define ASC_MISCOMPARE_VERIFY	0x1d00
#define ASC_INVALID_OPCODE	0x2000
#define ASC_LBA_OUT_OF_RANGE	0x2100
#define ASC_INVALID_FIELD_CDB	0x2400
#define ASC_INVALID_FIELD_PARAM	0x2600
#define ASC_WRITE_PROTECTED	0x2700
#define ASC_SPACE_ALLOC_FAILED	0x2707	/* ... WRITE PROTECT */
#define ASC_MEDIUM_NOT_PRESENT	0x3a00
#define ASC_INTERNAL_FAILURE	0x4400

/* UNMAP parameter list (SBC-3 5.28.2) */
#define UNMAP_HDR_LEN		8
#define UNMAP_DESC_LEN		16

/* GET LBA STATUS parameter data (SBC-3 5.20.2) */
#define LBA_STATUS_HDR_LEN	8
#define LBA_STATUS_DESC_LEN	16
#define LBA_STATUS_MAPPED	0x0
#define LBA_STATUS_DEALLOCATED	0x1
/* Bounds the backend lookups one command makes. */
#define LBA_STATUS_MAX_DESCS	1024

/* Reads and writes beyond submit_rw() go through bounce chunks this big. */
#define SBC_CHUNK		SZ_1M

static void sbc_sense(struct scst_cmd *cmd, u8 key, u16 asc_ascq)
{
	scst_cmd_set_sense(cmd, key, asc_ascq >> 8, asc_ascq & 0xff);
}

/* INVALID FIELD IN CDB pointing at byte @byte, bit @bit (-1: all of it) */
static void sbc_invalid_cdb(struct scst_cmd *cmd, u16 byte, int bit)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST, 0x24, 0x00,
				 true, byte, bit);
}

static void sbc_invalid_param(struct scst_cmd *cmd, u16 byte)
{
	scst_cmd_set_sense_field(cmd, SCST_KEY_ILLEGAL_REQUEST, 0x26, 0x00,
				 false, byte, -1);
}

/* MISCOMPARE, with the offset of the first byte that differs (SBC-3 5.2) */
static void sbc_miscompare(struct scst_cmd *cmd, u64 offset)
{
	scst_cmd_set_sense_info(cmd, SCST_KEY_MISCOMPARE,
				ASC_MISCOMPARE_VERIFY >> 8,
				ASC_MISCOMPARE_VERIFY & 0xff, offset);
}

static bool sbc_done(struct scst_cmd *cmd)
{
	vdisk_cmd_done(cmd);
	return true;
}

static u8 sbc_flags(const struct scst_cmd *cmd)
{
	return cmd->cdb[0] == SBC_VARLEN ? cmd->cdb[10] : cmd->cdb[1];
}

static unsigned int sbc_shift(const struct scst_cmd *cmd)
{
	return cmd->dev->block_shift;
}

static loff_t sbc_pos(const struct scst_cmd *cmd)
{
	return (loff_t)cmd->lba << sbc_shift(cmd);
}

/*
 * Whether a write must be durable before its status: the CDB's FUA, the
 * write_through attribute, or a write cache the caching mode page turned
 * off; never when the store's cache survives power loss (nv_cache).
 */
static bool sbc_write_fua(struct vdisk_dev *vd, bool fua_bit)
{
	if (vd->nv_cache)
		return false;
	return fua_bit || vd->write_through || !READ_ONCE(vd->mode_cur.wce);
}

void vdisk_set_io_error(struct scst_cmd *cmd, int error, bool write)
{
	struct vdisk_dev *vd = vdisk_of(cmd);

	vdisk_err(vd, "%s of %u bytes at LBA %llu failed: %d\n",
		  write ? "write" : "read", cmd->bufflen, cmd->lba, error);
	switch (error) {
	case -ENOSPC:
	case -EDQUOT:
		/* thin provisioning ran out of room (SBC-3 4.7.3.7) */
		sbc_sense(cmd, SCST_KEY_DATA_PROTECT, ASC_SPACE_ALLOC_FAILED);
		break;
	case -EROFS:
	case -EBADF:
	case -EPERM:
		sbc_sense(cmd, SCST_KEY_DATA_PROTECT, ASC_WRITE_PROTECTED);
		break;
	case -ENOMEM:
	case -EAGAIN:
		/* transient: the initiator retries BUSY without an error */
		scst_cmd_set_status(cmd, SCST_STATUS_BUSY);
		break;
	case -ENOMEDIUM:
		sbc_sense(cmd, SCST_KEY_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
		break;
	case -EIO:
	case -ENODATA:
	case -EILSEQ:
		sbc_sense(cmd, SCST_KEY_MEDIUM_ERROR,
			  write ? ASC_WRITE_ERROR : ASC_UNRECOVERED_READ);
		break;
	default:
		sbc_sense(cmd, SCST_KEY_HARDWARE_ERROR, ASC_INTERNAL_FAILURE);
		break;
	}
}

/* ------------------------------------------------------------------ */
/* Bounce chunks: page-backed buffers for rw_sync() */

struct sbc_bounce {
	struct scatterlist *sg;
	unsigned int nr_pages;
};

static void sbc_bounce_free(struct sbc_bounce *b)
{
	unsigned int i;

	if (!b->sg)
		return;
	for (i = 0; i < b->nr_pages; i++)
		if (sg_page(&b->sg[i]))
			__free_page(sg_page(&b->sg[i]));
	kfree(b->sg);
	b->sg = NULL;
}

/* A chunk of at least @size bytes (at most SBC_CHUNK are ever asked for) */
static int sbc_bounce_alloc(struct sbc_bounce *b, u32 size)
{
	unsigned int i;

	b->nr_pages = DIV_ROUND_UP(size, PAGE_SIZE);
	b->sg = kmalloc_array(b->nr_pages, sizeof(*b->sg), GFP_KERNEL);
	if (!b->sg)
		return -ENOMEM;
	sg_init_table(b->sg, b->nr_pages);
	for (i = 0; i < b->nr_pages; i++) {
		struct page *page = alloc_page(GFP_KERNEL);

		if (!page) {
			sbc_bounce_free(b);
			return -ENOMEM;
		}
		sg_set_page(&b->sg[i], page, PAGE_SIZE, 0);
	}
	return 0;
}

/* Index of the first byte where @a and @b differ, or -1 */
static s64 sbc_memdiff(const u8 *a, const u8 *b, u32 len)
{
	u32 i;

	if (!memcmp(a, b, len))
		return -1;
	for (i = 0; a[i] == b[i]; i++)
		;
	return i;
}

/* @len bytes at @addr against the bounce buffer from byte @off */
static s64 sbc_cmp_bounce(const u8 *addr, u32 len, const struct sbc_bounce *b,
			  u32 off)
{
	u32 done = 0;

	while (done < len) {
		u32 o = off + done, po = offset_in_page(o);
		u32 n = min_t(u32, len - done, PAGE_SIZE - po);
		u8 *p = kmap_local_page(sg_page(&b->sg[o >> PAGE_SHIFT]));
		s64 d = sbc_memdiff(addr + done, p + po, n);

		kunmap_local(p);
		if (d >= 0)
			return done + d;
		done += n;
	}
	return -1;
}

/*
 * Offset (from @skip) of the first byte where @len bytes of the command's
 * data from byte @skip differ from the bounce buffer from byte @boff, or
 * from zeros when @b is NULL; -1 when they are equal.
 */
static s64 sbc_compare(struct scst_cmd *cmd, u32 skip, u32 len,
		       const struct sbc_bounce *b, u32 boff)
{
	struct sg_mapping_iter m;
	s64 diff = -1;
	u32 done = 0;

	sg_miter_start(&m, cmd->sg, cmd->sg_cnt,
		       SG_MITER_FROM_SG | SG_MITER_ATOMIC);
	if (!sg_miter_skip(&m, skip))
		goto out;
	while (done < len && sg_miter_next(&m)) {
		u32 n = min_t(u32, m.length, len - done);

		if (b) {
			diff = sbc_cmp_bounce(m.addr, n, b, boff + done);
		} else {
			u8 *nz = memchr_inv(m.addr, 0, n);

			diff = nz ? nz - (u8 *)m.addr : -1;
		}
		if (diff >= 0) {
			diff += done;
			break;
		}
		done += n;
	}
out:
	sg_miter_stop(&m);
	return diff;
}

/* Copy @len bytes of the command's data from byte @skip into @b */
static void sbc_bounce_from_cmd(struct sbc_bounce *b, struct scst_cmd *cmd,
				u32 skip, u32 len)
{
	u32 done = 0;
	unsigned int i;

	for (i = 0; done < len; i++) {
		u32 n = min_t(u32, len - done, PAGE_SIZE);
		u8 *p = kmap_local_page(sg_page(&b->sg[i]));

		sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, p, n, skip + done);
		kunmap_local(p);
		done += n;
	}
}

/* Fill every page of @b with copies of the @bs-byte @block */
static void sbc_bounce_repeat(struct sbc_bounce *b, const u8 *block, u32 bs)
{
	unsigned int i, o;

	for (i = 0; i < b->nr_pages; i++) {
		u8 *p = kmap_local_page(sg_page(&b->sg[i]));

		for (o = 0; o < PAGE_SIZE; o += bs)
			memcpy(p + o, block, bs);
		kunmap_local(p);
	}
}

/* ------------------------------------------------------------------ */
/* READ, WRITE, WRITE AND VERIFY */

static bool sbc_rw(struct vdisk_dev *vd, struct scst_cmd *cmd, bool write,
		   bool fua)
{
	/* TRANSFER LENGTH 0: nothing moves, and that is no error */
	if (!cmd->bufflen)
		return sbc_done(cmd);
	if (!write)
		cmd->resp_len = cmd->bufflen;
	/* from here the command belongs to the backend until vdisk_io_done */
	vd->be->submit_rw(vd, cmd, write, sbc_pos(cmd), cmd->bufflen,
			  write && sbc_write_fua(vd, fua));
	return true;
}

/*
 * Read @len bytes at @pos chunk by chunk and compare them with the
 * command's data from byte @skip. BYTCHK 01b: the data-out holds as many
 * blocks as are verified; 11b: one block, compared with every block.
 * With @bytchk 0 the read alone verifies that the medium reads back.
 * Returns false if it set the command's outcome (error or MISCOMPARE).
 */
static bool sbc_read_compare(struct vdisk_dev *vd, struct scst_cmd *cmd,
			     loff_t pos, u64 len, u32 skip, u8 bytchk)
{
	u32 bs = 1U << sbc_shift(cmd), chunk = min_t(u64, len, SBC_CHUNK);
	struct sbc_bounce b = {};
	u64 off;
	s64 diff = -1;
	int err;

	err = sbc_bounce_alloc(&b, chunk);
	if (err) {
		vdisk_set_io_error(cmd, err, false);
		return false;
	}
	for (off = 0; off < len; off += chunk) {
		u32 n = min_t(u64, chunk, len - off), i;

		err = vd->be->rw_sync(vd, false, pos + off, b.sg, n, false);
		if (err) {
			vdisk_set_io_error(cmd, err, false);
			break;
		}
		if (bytchk == 1) {
			diff = sbc_compare(cmd, skip + off, n, &b, 0);
			if (diff >= 0)
				diff += off;
		} else if (bytchk == 3) {
			for (i = 0; i < n && diff < 0; i += bs) {
				diff = sbc_compare(cmd, 0, bs, &b, i);
				if (diff >= 0)
					diff += off + i;
			}
		}
		if (diff >= 0) {
			sbc_miscompare(cmd, diff);
			break;
		}
		cond_resched();
	}
	sbc_bounce_free(&b);
	return !err && diff < 0;
}

/*
 * WRITE AND VERIFY: verifying means reading the medium, so the write must
 * reach it first: always FUA (unless nv_cache). BYTCHK 01b then compares
 * what reads back with the data-out. nullio keeps nothing to read back:
 * its write is accepted as verified.
 */
static bool sbc_write_verify(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 bytchk = (sbc_flags(cmd) >> 1) & 3;
	int err;

	if (!bytchk || vd->kind == VDISK_NULLIO || !cmd->bufflen)
		return sbc_rw(vd, cmd, true, true);
	err = vd->be->rw_sync(vd, true, sbc_pos(cmd), cmd->sg, cmd->bufflen,
			      !vd->nv_cache);
	if (err)
		vdisk_set_io_error(cmd, err, true);
	else
		sbc_read_compare(vd, cmd, sbc_pos(cmd), cmd->bufflen, 0, 1);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */
/* VERIFY */

static bool sbc_verify(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 bytchk = (sbc_flags(cmd) >> 1) & 3;
	u64 len = (u64)cmd->nr_blocks << sbc_shift(cmd);

	if (!cmd->nr_blocks)
		return sbc_done(cmd);
	if (vd->kind == VDISK_NULLIO) {
		/*
		 * nullio's medium is what READ returns: zeros with
		 * read_zero, else nothing defined, which any data matches.
		 */
		if (bytchk && vd->read_zero) {
			s64 diff = sbc_compare(cmd, 0, cmd->bufflen, NULL, 0);

			if (diff >= 0)
				sbc_miscompare(cmd, diff);
		}
		return sbc_done(cmd);
	}
	sbc_read_compare(vd, cmd, sbc_pos(cmd), len, 0, bytchk);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */
/* SYNCHRONIZE CACHE */

/*
 * IMMED asks for status once the CDB is checked. The flush still runs
 * before the status here: once the command ends, the LUN and the device
 * may go away, and the flush must not outlive the store it flushes.
 */
static bool sbc_sync_cache(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u64 cap = READ_ONCE(cmd->dev->nr_blocks);
	u64 nr = cmd->nr_blocks ?: cap - cmd->lba;
	int err;

	if (vd->nv_cache || !vd->can_flush || !vd->be->flush ||
	    vd->kind == VDISK_NULLIO)
		return sbc_done(cmd);
	err = vd->be->flush(vd, sbc_pos(cmd), (loff_t)nr << sbc_shift(cmd));
	if (err)
		vdisk_set_io_error(cmd, err, true);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */
/* WRITE SAME */

/* Where NUMBER OF LOGICAL BLOCKS sits in the CDB, for the field pointer */
static u16 sbc_ws_len_byte(const struct scst_cmd *cmd)
{
	switch (cmd->cdb[0]) {
	case SBC_WRITE_SAME_10:
		return 7;
	case SBC_WRITE_SAME_16:
		return 10;
	default:
		return 28;
	}
}

/* Write @len bytes at @pos, each block a copy of @block */
static int sbc_write_repeated(struct vdisk_dev *vd, struct scst_cmd *cmd,
			      const u8 *block, loff_t pos, u64 len)
{
	u32 bs = 1U << sbc_shift(cmd), chunk = min_t(u64, len, SBC_CHUNK);
	bool fua = sbc_write_fua(vd, false);
	struct sbc_bounce b = {};
	u64 off;
	int err;

	if (bs > PAGE_SIZE)
		return -EINVAL;
	err = sbc_bounce_alloc(&b, chunk);
	if (err)
		return err;
	sbc_bounce_repeat(&b, block, bs);
	for (off = 0; off < len && !err; off += chunk) {
		err = vd->be->rw_sync(vd, true, pos + off, b.sg,
				      min_t(u64, chunk, len - off), fua);
		cond_resched();
	}
	sbc_bounce_free(&b);
	return err;
}

/*
 * WRITE SAME (SBC-3 5.41-5.43). The UNMAP bit lets the device deallocate
 * instead of writing when a read would then return the same data: the
 * block is zeros (or NDOB) and the device is thin and can deallocate;
 * otherwise it writes, which SBC-3 4.7.3.4 allows. ANCHOR is refused:
 * VPD page 0xB2 says ANC_SUP 0.
 */
static bool sbc_write_same(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u8 flags = sbc_flags(cmd);
	u16 flags_byte = cmd->cdb[0] == SBC_VARLEN ? 10 : 1;
	bool ndob = cmd->cdb[0] != SBC_WRITE_SAME_10 && (flags & SBC_WS_NDOB);
	u32 bs = 1U << sbc_shift(cmd);
	u64 len = (u64)cmd->nr_blocks << sbc_shift(cmd);
	u8 *block;
	int err;

	if (flags & SBC_WS_ANCHOR) {
		sbc_invalid_cdb(cmd, flags_byte, 4);
		return sbc_done(cmd);
	}
	/* WSNZ (vdisk.h): 0 blocks would mean "to the end of the medium" */
	if (!cmd->nr_blocks || cmd->nr_blocks > VDISK_MAX_WRITE_SAME_BLOCKS) {
		sbc_invalid_cdb(cmd, sbc_ws_len_byte(cmd), -1);
		return sbc_done(cmd);
	}
	/* nullio keeps nothing: the CDB was good, the write is done */
	if (vd->kind == VDISK_NULLIO)
		return sbc_done(cmd);

	block = kzalloc(bs, GFP_KERNEL);
	if (!block) {
		vdisk_set_io_error(cmd, -ENOMEM, true);
		return sbc_done(cmd);
	}
	if (!ndob)
		sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, block, bs, 0);

	if ((flags & SBC_WS_UNMAP) && vd->thin_provisioned &&
	    vd->can_discard && vd->be->discard && !memchr_inv(block, 0, bs))
		err = vd->be->discard(vd, sbc_pos(cmd), len);
	else
		err = sbc_write_repeated(vd, cmd, block, sbc_pos(cmd), len);
	if (err)
		vdisk_set_io_error(cmd, err, true);
	kfree(block);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */
/* UNMAP */

/*
 * Check every descriptor before deallocating anything, so a bad list
 * changes nothing. Returns the number of descriptors, or -1 with the
 * command's sense set.
 */
static int sbc_unmap_check(struct scst_cmd *cmd, u32 nr_descs)
{
	u64 cap = READ_ONCE(cmd->dev->nr_blocks), total = 0;
	u8 d[UNMAP_DESC_LEN];
	u32 i;

	for (i = 0; i < nr_descs; i++) {
		u32 off = UNMAP_HDR_LEN + i * UNMAP_DESC_LEN;
		u64 lba;
		u32 nr;

		sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, d, sizeof(d), off);
		lba = get_unaligned_be64(&d[0]);
		nr = get_unaligned_be32(&d[8]);
		if (lba > cap || nr > cap - lba) {
			sbc_sense(cmd, SCST_KEY_ILLEGAL_REQUEST,
				  ASC_LBA_OUT_OF_RANGE);
			return -1;
		}
		total += nr;
		if (total > VDISK_MAX_UNMAP_LBA_COUNT) {
			sbc_invalid_param(cmd, off + 8);
			return -1;
		}
	}
	return nr_descs;
}

static bool sbc_unmap(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u32 plen = cmd->bufflen, bd_len, nr_descs, i;
	unsigned int shift = sbc_shift(cmd);
	u8 hdr[UNMAP_HDR_LEN];
	int err = 0;

	/* LBPU 0 in VPD page 0xB2: the command is not supported */
	if (!vd->thin_provisioned) {
		sbc_sense(cmd, SCST_KEY_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
		return sbc_done(cmd);
	}
	if (cmd->cdb[1] & SBC_UNMAP_ANCHOR) {
		sbc_invalid_cdb(cmd, 1, 0);
		return sbc_done(cmd);
	}
	/* PARAMETER LIST LENGTH 0: nothing to do, no error (SBC-3 5.28.1) */
	if (!plen)
		return sbc_done(cmd);
	if (plen < UNMAP_HDR_LEN) {
		sbc_sense(cmd, SCST_KEY_ILLEGAL_REQUEST, ASC_PARAM_LIST_LENGTH);
		return sbc_done(cmd);
	}
	sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, hdr, sizeof(hdr), 0);
	/* UNMAP DATA LENGTH counts the bytes after itself */
	if (get_unaligned_be16(&hdr[0]) > plen - 2) {
		sbc_invalid_param(cmd, 0);
		return sbc_done(cmd);
	}
	bd_len = get_unaligned_be16(&hdr[2]);
	if (bd_len > plen - UNMAP_HDR_LEN) {
		sbc_invalid_param(cmd, 2);
		return sbc_done(cmd);
	}
	/* an incomplete last descriptor is ignored (SBC-3 5.28.2) */
	nr_descs = bd_len / UNMAP_DESC_LEN;
	if (nr_descs > VDISK_MAX_UNMAP_DESCRIPTORS) {
		sbc_invalid_param(cmd, 2);
		return sbc_done(cmd);
	}
	if (sbc_unmap_check(cmd, nr_descs) < 0)
		return sbc_done(cmd);
	/*
	 * Deallocation is a hint (SBC-3 4.7.3.4): a store that cannot do it
	 * keeps the blocks mapped, which GET LBA STATUS then reports. nullio
	 * has nothing to deallocate.
	 */
	if (!vd->can_discard || !vd->be->discard || vd->kind == VDISK_NULLIO)
		return sbc_done(cmd);

	for (i = 0; i < nr_descs && !err; i++) {
		u8 d[UNMAP_DESC_LEN];
		u32 nr;

		sg_pcopy_to_buffer(cmd->sg, cmd->sg_cnt, d, sizeof(d),
				   UNMAP_HDR_LEN + i * UNMAP_DESC_LEN);
		nr = get_unaligned_be32(&d[8]);
		if (nr)
			err = vd->be->discard(vd,
					      get_unaligned_be64(&d[0]) << shift,
					      (loff_t)nr << shift);
	}
	if (err)
		vdisk_set_io_error(cmd, err, true);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */
/* COMPARE AND WRITE */

/*
 * SBC-3 5.2: the data-out is NUMBER OF LOGICAL BLOCKS of verify data, then
 * as many of write data. Under caw_mutex the read, compare and write are
 * one step against every other COMPARE AND WRITE of the device.
 * nullio never sleeps and keeps nothing: with read_zero its blocks read
 * as zeros, so the verify data must be zeros; without, any matches. The
 * write then goes where nullio's writes go.
 */
static bool sbc_compare_and_write(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u32 half = cmd->bufflen / 2;
	struct sbc_bounce b = {};
	s64 diff;
	int err;

	if (!cmd->nr_blocks)
		return sbc_done(cmd);
	if (cmd->nr_blocks > VDISK_MAX_CAW_BLOCKS) {
		sbc_invalid_cdb(cmd, 13, -1);
		return sbc_done(cmd);
	}
	if (vd->kind == VDISK_NULLIO) {
		diff = vd->read_zero ? sbc_compare(cmd, 0, half, NULL, 0) : -1;
		if (diff >= 0)
			sbc_miscompare(cmd, diff);
		return sbc_done(cmd);
	}

	err = sbc_bounce_alloc(&b, half);
	if (err) {
		vdisk_set_io_error(cmd, err, false);
		return sbc_done(cmd);
	}
	mutex_lock(&vd->caw_mutex);
	err = vd->be->rw_sync(vd, false, sbc_pos(cmd), b.sg, half, false);
	if (err) {
		vdisk_set_io_error(cmd, err, false);
		goto out_unlock;
	}
	diff = sbc_compare(cmd, 0, half, &b, 0);
	if (diff >= 0) {
		sbc_miscompare(cmd, diff);
		goto out_unlock;
	}
	sbc_bounce_from_cmd(&b, cmd, half, half);
	err = vd->be->rw_sync(vd, true, sbc_pos(cmd), b.sg, half,
			      sbc_write_fua(vd, sbc_flags(cmd) & SBC_FUA));
	if (err)
		vdisk_set_io_error(cmd, err, true);
out_unlock:
	mutex_unlock(&vd->caw_mutex);
	sbc_bounce_free(&b);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */
/* GET LBA STATUS */

/*
 * The extent from @lba that shares its provisioning status, in blocks
 * (at least 1, at most to @cap); 0 with the command's sense set on error.
 * Without thin provisioning, or a store that cannot tell, all is mapped.
 */
static u64 sbc_lba_extent(struct vdisk_dev *vd, struct scst_cmd *cmd, u64 lba,
			  u64 cap, bool *mapped)
{
	unsigned int shift = sbc_shift(cmd);
	loff_t bytes;
	u64 nr;
	int err;

	*mapped = true;
	if (!vd->thin_provisioned || !vd->be->mapped ||
	    vd->kind == VDISK_NULLIO)
		return cap - lba;
	err = vd->be->mapped(vd, (loff_t)lba << shift, &bytes, mapped);
	if (err) {
		vdisk_set_io_error(cmd, err, false);
		return 0;
	}
	nr = max_t(u64, bytes >> shift, 1);
	return min(nr, cap - lba);
}

static bool sbc_get_lba_status(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	u64 lba = get_unaligned_be64(&cmd->cdb[2]);
	u64 cap = READ_ONCE(cmd->dev->nr_blocks);
	u32 alloc = cmd->bufflen, max_descs, n = 0;
	u8 buf[LBA_STATUS_DESC_LEN];

	if (lba >= cap) {
		sbc_sense(cmd, SCST_KEY_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
		return sbc_done(cmd);
	}
	if (!alloc)
		return sbc_done(cmd);

	/* at least one descriptor, truncated by ALLOCATION LENGTH if need be */
	max_descs = alloc > LBA_STATUS_HDR_LEN + LBA_STATUS_DESC_LEN ?
		    (alloc - LBA_STATUS_HDR_LEN) / LBA_STATUS_DESC_LEN : 1;
	max_descs = min_t(u32, max_descs, LBA_STATUS_MAX_DESCS);

	for (; n < max_descs && lba < cap; n++) {
		u32 off = LBA_STATUS_HDR_LEN + n * LBA_STATUS_DESC_LEN;
		bool mapped;
		u64 nr = sbc_lba_extent(vd, cmd, lba, cap, &mapped);

		if (!nr)
			return sbc_done(cmd);
		nr = min_t(u64, nr, U32_MAX);
		memset(buf, 0, sizeof(buf));
		put_unaligned_be64(lba, &buf[0]);
		put_unaligned_be32(nr, &buf[8]);
		buf[12] = mapped ? LBA_STATUS_MAPPED : LBA_STATUS_DEALLOCATED;
		if (off < alloc)
			sg_pcopy_from_buffer(cmd->sg, cmd->sg_cnt, buf,
					     min_t(u32, sizeof(buf), alloc - off),
					     off);
		lba += nr;
	}

	memset(buf, 0, LBA_STATUS_HDR_LEN);
	/* PARAMETER DATA LENGTH: the bytes after itself */
	put_unaligned_be32(4 + n * LBA_STATUS_DESC_LEN, &buf[0]);
	sg_pcopy_from_buffer(cmd->sg, cmd->sg_cnt, buf,
			     min_t(u32, LBA_STATUS_HDR_LEN, alloc), 0);
	cmd->resp_len = min_t(u32, alloc,
			      LBA_STATUS_HDR_LEN + n * LBA_STATUS_DESC_LEN);
	return sbc_done(cmd);
}

/* ------------------------------------------------------------------ */

static bool sbc_varlen_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	bool fua = sbc_flags(cmd) & SBC_FUA;

	switch (get_unaligned_be16(&cmd->cdb[8])) {
	case SBC_SA_READ_32:
		return sbc_rw(vd, cmd, false, fua);
	case SBC_SA_WRITE_32:
		return sbc_rw(vd, cmd, true, fua);
	case SBC_SA_WRITE_VERIFY_32:
		return sbc_write_verify(vd, cmd);
	case SBC_SA_VERIFY_32:
		return sbc_verify(vd, cmd);
	case SBC_SA_WRITE_SAME_32:
		return sbc_write_same(vd, cmd);
	default:
		return false;
	}
}

/*
 * A vdisk_fileio READ tried before the pool (main.c): served here whole,
 * or untouched. A stopped unit is left to spc.c's NOT READY in the pool.
 */
bool vdisk_sbc_read_cached(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	switch (cmd->cdb[0]) {
	case SBC_READ_6:
	case SBC_READ_10:
	case SBC_READ_12:
	case SBC_READ_16:
		break;
	default:
		return false;
	}
	if (!cmd->bufflen || READ_ONCE(vd->stopped) ||
	    !fileio_read_cached(vd, cmd, sbc_pos(cmd), cmd->bufflen))
		return false;
	cmd->resp_len = cmd->bufflen;
	vdisk_cmd_done(cmd);
	return true;
}

bool vdisk_sbc_io_exec(struct vdisk_dev *vd, struct scst_cmd *cmd)
{
	bool fua = cmd->cdb[1] & SBC_FUA;
	bool disk = vd->kind != VDISK_CDROM;

	switch (cmd->cdb[0]) {
	/* commands a CD/DVD device has too (MMC-6) */
	case SBC_READ_10:
	case SBC_READ_12:
		return sbc_rw(vd, cmd, false, fua);
	case SBC_WRITE_10:
	case SBC_WRITE_12:
		return sbc_rw(vd, cmd, true, fua);
	case SBC_WRITE_VERIFY_10:
		return sbc_write_verify(vd, cmd);
	case SBC_VERIFY_10:
		return sbc_verify(vd, cmd);
	case SBC_SYNC_CACHE_10:
		return sbc_sync_cache(vd, cmd);
	default:
		break;
	}
	if (!disk)
		return false;

	switch (cmd->cdb[0]) {
	case SBC_READ_6:
		return sbc_rw(vd, cmd, false, false);
	case SBC_READ_16:
		return sbc_rw(vd, cmd, false, fua);
	case SBC_WRITE_6:
		return sbc_rw(vd, cmd, true, false);
	case SBC_WRITE_16:
		return sbc_rw(vd, cmd, true, fua);
	case SBC_WRITE_VERIFY_12:
	case SBC_WRITE_VERIFY_16:
		return sbc_write_verify(vd, cmd);
	case SBC_VERIFY_12:
	case SBC_VERIFY_16:
		return sbc_verify(vd, cmd);
	case SBC_SYNC_CACHE_16:
		return sbc_sync_cache(vd, cmd);
	case SBC_WRITE_SAME_10:
	case SBC_WRITE_SAME_16:
		return sbc_write_same(vd, cmd);
	case SBC_UNMAP:
		return sbc_unmap(vd, cmd);
	case SBC_COMPARE_AND_WRITE:
		return sbc_compare_and_write(vd, cmd);
	case SBC_SAI_16:
		if ((cmd->cdb[1] & 0x1f) != SBC_SA_GET_LBA_STATUS)
			return false;
		return sbc_get_lba_status(vd, cmd);
	case SBC_VARLEN:
		return sbc_varlen_exec(vd, cmd);
	default:
		return false;
	}
}
