// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG core: sense data in the fixed (SPC-4 4.5.3) and descriptor
 * (SPC-4 4.5.2) formats, with the sense-key specific field pointer of
 * INVALID FIELD IN CDB / PARAMETER LIST (SPC-4 4.5.2.4.2).
 */
#include <asm/unaligned.h>
#include <kunit/visibility.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>
#include "sense.h"

#define SENSE_FIXED_CURRENT	0x70
#define SENSE_FIXED_DEFERRED	0x71
#define SENSE_DESC_CURRENT	0x72
#define SENSE_DESC_DEFERRED	0x73

#define SENSE_FIXED_LEN		18	/* up to the sense-key specific bytes */
#define SENSE_DESC_HDR_LEN	8
#define SENSE_DESC_SKS		0x02	/* sense key specific descriptor */
#define SENSE_DESC_SKS_LEN	8

/* Sense-key specific bytes 0..2, field pointer form */
#define SKS_SKSV		0x80
#define SKS_CD			0x40
#define SKS_BPV			0x08

static void sense_sks(u8 *p, const struct scst_sks *sks)
{
	p[0] = SKS_SKSV | (sks->cdb ? SKS_CD : 0);
	if (sks->bit >= 0 && sks->bit <= 7)
		p[0] |= SKS_BPV | sks->bit;
	put_unaligned_be16(sks->byte, &p[1]);
}

unsigned int scst_sense_build(u8 *buf, unsigned int size, bool d_sense,
			      u8 key, u8 asc, u8 ascq,
			      const struct scst_sks *sks)
{
	bool with_sks = sks && sks->valid;
	unsigned int len;

	if (d_sense)
		len = SENSE_DESC_HDR_LEN + (with_sks ? SENSE_DESC_SKS_LEN : 0);
	else
		len = SENSE_FIXED_LEN;
	/* No room: build nothing, rather than sense a reader would misparse */
	if (size < len)
		return 0;
	memset(buf, 0, len);

	if (d_sense) {
		buf[0] = SENSE_DESC_CURRENT;
		buf[1] = key & 0x0f;
		buf[2] = asc;
		buf[3] = ascq;
		buf[7] = len - SENSE_DESC_HDR_LEN;
		if (with_sks) {
			u8 *d = &buf[SENSE_DESC_HDR_LEN];

			d[0] = SENSE_DESC_SKS;
			d[1] = SENSE_DESC_SKS_LEN - 2;
			sense_sks(&d[4], sks);
		}
		return len;
	}

	/* Fixed format: no INFORMATION, hence VALID (byte 0 bit 7) clear */
	buf[0] = SENSE_FIXED_CURRENT;
	buf[2] = key & 0x0f;
	buf[7] = SENSE_FIXED_LEN - 8;
	buf[12] = asc;
	buf[13] = ascq;
	if (with_sks)
		sense_sks(&buf[15], sks);
	return len;
}
EXPORT_SYMBOL_IF_KUNIT(scst_sense_build);

#define SENSE_DESC_INFO		0x00	/* information descriptor */
#define SENSE_DESC_INFO_LEN	12
#define SENSE_FIXED_VALID	0x80

unsigned int scst_sense_set_info(u8 *buf, unsigned int size, unsigned int len,
				 u64 info)
{
	u8 *d;

	if (!len)
		return 0;
	switch (buf[0] & 0x7f) {
	case SENSE_DESC_CURRENT:
	case SENSE_DESC_DEFERRED:
		/* SPC-4 4.5.2.2: appended, VALID set, 8-byte INFORMATION */
		if (len + SENSE_DESC_INFO_LEN > size)
			return len;
		d = &buf[len];
		memset(d, 0, SENSE_DESC_INFO_LEN);
		d[0] = SENSE_DESC_INFO;
		d[1] = SENSE_DESC_INFO_LEN - 2;
		d[2] = SENSE_FIXED_VALID;
		put_unaligned_be64(info, &d[4]);
		buf[7] += SENSE_DESC_INFO_LEN;
		return len + SENSE_DESC_INFO_LEN;
	case SENSE_FIXED_CURRENT:
	case SENSE_FIXED_DEFERRED:
		/*
		 * SPC-4 4.5.3: four bytes; a value that does not fit leaves
		 * VALID clear rather than report a truncated one.
		 */
		if (info > U32_MAX)
			return len;
		buf[0] |= SENSE_FIXED_VALID;
		put_unaligned_be32(info, &buf[3]);
		return len;
	default:
		return len;
	}
}
EXPORT_SYMBOL_IF_KUNIT(scst_sense_set_info);

bool scst_sense_decode(const u8 *sense, unsigned int len, u8 *key, u8 *asc,
		       u8 *ascq)
{
	*key = 0;
	*asc = 0;
	*ascq = 0;
	if (!sense || !len)
		return false;

	switch (sense[0] & 0x7f) {
	case SENSE_FIXED_CURRENT:
	case SENSE_FIXED_DEFERRED:
		if (len < 3)
			return false;
		*key = sense[2] & 0x0f;
		/*
		 * ASC and ASCQ are there only if the ADDITIONAL SENSE
		 * LENGTH reaches them (byte 7 counts from byte 8).
		 */
		if (len > 13 && sense[7] >= 6) {
			*asc = sense[12];
			*ascq = sense[13];
		}
		return true;
	case SENSE_DESC_CURRENT:
	case SENSE_DESC_DEFERRED:
		if (len < 4)
			return false;
		*key = sense[1] & 0x0f;
		*asc = sense[2];
		*ascq = sense[3];
		return true;
	default:
		return false;
	}
}
EXPORT_SYMBOL_IF_KUNIT(scst_sense_decode);
