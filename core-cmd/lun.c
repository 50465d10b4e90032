// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: the 8-byte LUN structure of SAM-5 4.7 and the core's LUN
 * numbers.
 *
 * The core numbers LUNs 0..SCST_LUN_MAX and encodes them with a single
 * level: LUN 0..255 with the peripheral device addressing method (00b, bus
 * identifier 0), which every initiator understands, and 256..16383 with the
 * flat space addressing method (01b), as SCST and LIO do. Decoding accepts
 * both methods for any LUN they can carry, so an initiator that sends LUN 5
 * in flat space form reaches LUN 5.
 */
#include <linux/export.h>
#include <linux/limits.h>
#include <linux/printk.h>
#include <linux/string.h>
#include <scst/cmd.h>

#define LUN_AM_SHIFT		6
#define LUN_AM_PERIPHERAL	0x0
#define LUN_AM_FLAT		0x1
#define LUN_AM_MASK		0xc0
#define LUN_FIELD_MASK		0x3f	/* bus identifier, or flat LUN bits 13:8 */

/**
 * scst_lun_from_sam() - decode a LUN as an initiator sent it
 * @sam_lun: the 8-byte LUN field
 *
 * Return: the LUN, or U64_MAX when the LUN uses another addressing method,
 * a peripheral device address on a bus other than 0, or a second or lower
 * level: none of those can name a logical unit of this core.
 */
u64 scst_lun_from_sam(const u8 sam_lun[8])
{
	static const u8 zero[6];

	if (memcmp(&sam_lun[2], zero, sizeof(zero)))
		return U64_MAX;

	switch (sam_lun[0] >> LUN_AM_SHIFT) {
	case LUN_AM_PERIPHERAL:
		/* A nonzero bus identifier addresses a device behind a bus. */
		if (sam_lun[0] & LUN_FIELD_MASK)
			return U64_MAX;
		return sam_lun[1];
	case LUN_AM_FLAT:
		return ((u64)(sam_lun[0] & LUN_FIELD_MASK) << 8) | sam_lun[1];
	default:
		/* Logical unit (10b) and extended (11b) addressing. */
		return U64_MAX;
	}
}
EXPORT_SYMBOL_GPL(scst_lun_from_sam);

/**
 * scst_lun_to_sam() - encode a LUN for REPORT LUNS and fabric LUN fields
 * @lun:     0..SCST_LUN_MAX
 * @sam_lun: the 8-byte LUN field to fill
 *
 * A LUN above SCST_LUN_MAX is a caller's bug (the LUN table refuses them);
 * it is encoded as all ones, which scst_lun_from_sam() never decodes to a
 * LUN, so it can never alias another logical unit.
 */
void scst_lun_to_sam(u64 lun, u8 sam_lun[8])
{
	memset(sam_lun, 0, 8);
	if (lun < 256) {
		sam_lun[1] = lun;
	} else if (lun <= SCST_LUN_MAX) {
		sam_lun[0] = (LUN_AM_FLAT << LUN_AM_SHIFT) | (lun >> 8);
		sam_lun[1] = lun & 0xff;
	} else {
		pr_warn_ratelimited("scst_core: LUN %llu cannot be encoded\n",
				    lun);
		memset(sam_lun, 0xff, 8);
	}
}
EXPORT_SYMBOL_GPL(scst_lun_to_sam);
