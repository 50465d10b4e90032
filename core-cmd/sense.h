/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG core: building and reading sense data, fixed (SPC-4 4.5.3) and
 * descriptor (4.5.2) formats.
 */
#ifndef _SCST_SENSE_H
#define _SCST_SENSE_H

#include <linux/types.h>

/**
 * struct scst_sks - a sense-key specific field pointer (SPC-4 4.5.2.4.2)
 * @valid: include it
 * @cdb:   C/D: the error is in the CDB (else in the parameter data)
 * @byte:  field pointer: the byte in error
 * @bit:   bit pointer (0..7), or -1 when the whole byte is meant
 */
struct scst_sks {
	bool valid;
	bool cdb;
	u16 byte;
	int bit;
};

/*
 * Build sense data into @buf (@size bytes, at least 18); returns its
 * length. @d_sense picks the descriptor format. @sks may be NULL.
 */
unsigned int scst_sense_build(u8 *buf, unsigned int size, bool d_sense,
			      u8 key, u8 asc, u8 ascq,
			      const struct scst_sks *sks);

/*
 * Add the INFORMATION field (SPC-4 4.5.2.2, 4.5.3) to the @len bytes of
 * sense in @buf (@size bytes of room), with VALID set; returns the new
 * length. Fixed format cannot hold more than 32 bits: VALID stays clear.
 */
unsigned int scst_sense_set_info(u8 *buf, unsigned int size, unsigned int len,
				 u64 info);

/* Read key, ASC and ASCQ from either format; false if @sense is not sense. */
bool scst_sense_decode(const u8 *sense, unsigned int len, u8 *key, u8 *asc,
		       u8 *ascq);

#endif /* _SCST_SENSE_H */
