/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG core: what local.c builds, as functions of their inputs only, so
 * that kunit/core_local_test.c can check the bytes without running a
 * command through the state machine. Exported to the
 * EXPORTED_FOR_KUNIT_TESTING namespace when CONFIG_KUNIT is set.
 */
#ifndef _SCST_CORE_LOCAL_H
#define _SCST_CORE_LOCAL_H

#include <linux/scatterlist.h>
#include <linux/types.h>

struct core_dev;
struct core_tgt_dev;
struct scst_session;

/* REPORT LUNS SELECT REPORT values (SPC-5, REPORT LUNS command) */
#define CORE_RL_SELECT_NO_WLUN		0x00	/* all but well-known LUs */
#define CORE_RL_SELECT_WLUN		0x01	/* well-known LUs only */
#define CORE_RL_SELECT_ALL		0x02	/* every accessible LU */
#define CORE_RL_SELECT_ADMIN		0x10	/* administrative LUs only */
#define CORE_RL_SELECT_ADMIN_TOP	0x11	/* admin LUs and non-subsidiary */
#define CORE_RL_SELECT_SUBSIDIARY	0x12	/* subsidiaries of this admin LU */

/* REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS, extended format (SPC-4 6.36) */
#define CORE_RSTMF_LEN			16

/*
 * REPORT LUNS parameter data for @sess into @sg (at most @len bytes):
 * returns its full length (8 + 8 per LUN), or -EINVAL for a SELECT REPORT
 * value that is invalid, or (10h, 11h) not allowed unless the command was
 * addressed to LUN 0 (@to_lun0). Any context: reads the LUN table under RCU.
 */
int core_report_luns_fill(struct scst_session *sess, u8 select, bool to_lun0,
			  struct scatterlist *sg, unsigned int nents, u32 len);

/*
 * REQUEST SENSE parameter data into @buf (@size >= 18 bytes): the oldest
 * pending UA of @td, which it removes; NO SENSE when none is pending; for
 * @td NULL (a LUN the session does not have) ILLEGAL REQUEST, LOGICAL UNIT
 * NOT SUPPORTED. @desc selects descriptor format. Returns the length.
 */
unsigned int core_request_sense_build(struct core_tgt_dev *td, bool desc,
				      u8 *buf, unsigned int size);

/*
 * REPORT SUPPORTED TASK MANAGEMENT FUNCTIONS parameter data into @buf
 * (CORE_RSTMF_LEN bytes); @repd asks for the extended format. Returns
 * the length: 4, or CORE_RSTMF_LEN.
 */
unsigned int core_rstmf_build(bool repd, u8 *buf);

/*
 * Standard INQUIRY data for a LUN the session does not have (peripheral
 * qualifier 011b, device type 1Fh) into @buf (at least 36 bytes). Returns
 * its length; -EINVAL with *err_byte and *err_bit set for a bad CDB field;
 * -ENODEV for a vital product data page, which no logical unit here can
 * supply.
 */
int core_no_lun_inquiry_build(const u8 *cdb, u8 *buf, unsigned int size,
			      u16 *err_byte, int *err_bit);

/*
 * SPC-2 reservations: may @requester run a command with CDB flags
 * @op_flags while @holder (NULL: nobody) holds the reservation?
 */
bool core_reservation_check(const struct scst_session *holder,
			    const struct scst_session *requester, u16 op_flags);
/* RESERVE: 0, or -EBUSY when another session holds the reservation. */
int core_reserve(struct core_dev *cdev, struct scst_session *sess);
/* RELEASE: releases only a reservation @sess holds; never fails. */
void core_release(struct core_dev *cdev, struct scst_session *sess);

#endif /* _SCST_CORE_LOCAL_H */
