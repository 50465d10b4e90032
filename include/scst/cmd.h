/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG command: what fabrics and device handlers see of one SCSI command
 * and of one task management function. The core (scst_core) allocates and
 * frees both; <scst/fabric.h> and <scst/handler.h> say who may touch which
 * field when.
 *
 * Life of a command, every arrow a bus message (<scst/msg.h>):
 *
 *   1. fabric: scst_cmd_alloc(), fill in, scst_cmd_submit(): CMD_NEW
 *   2. core: look up the LUN, parse the CDB, check access, UA,
 *      reservations, read-only, queue depth; allocate the buffer
 *   3. writes: CMD_XFER to the fabric, CMD_XFER_DONE back
 *   4. core: task-set ordering (SIMPLE/ORDERED/HEAD OF QUEUE/ACA)
 *   5. CMD_EXEC to the handler, CMD_EXEC_DONE back
 *   6. CMD_RESPOND to the fabric, CMD_RESPONDED back
 *   7. core: free the buffer and the command
 *
 * The core owns the command throughout. Each core -> fabric/handler message
 * above lends it (SCST_MSG_F_REF): the receiver may use the command until it
 * sends the reply, which returns it, and not after.
 */
#ifndef _SCST_CMD_H
#define _SCST_CMD_H

#include <linux/scatterlist.h>
#include <linux/types.h>

struct scst_session;
struct scst_device;
struct scst_tgt_dev;

/* Longest CDB the core accepts (the 32-byte variable-length forms). */
#define SCST_MAX_CDB_SIZE	32
/* Room for descriptor-format sense with a few descriptors (SPC-4 max 252). */
#define SCST_SENSE_BUFFERSIZE	96

/* SAM status codes (SAM-5 table 36) */
#define SCST_STATUS_GOOD			0x00
#define SCST_STATUS_CHECK_CONDITION		0x02
#define SCST_STATUS_CONDITION_MET		0x04
#define SCST_STATUS_BUSY			0x08
#define SCST_STATUS_RESERVATION_CONFLICT	0x18
#define SCST_STATUS_TASK_SET_FULL		0x28
#define SCST_STATUS_ACA_ACTIVE			0x30
#define SCST_STATUS_TASK_ABORTED		0x40

/* Sense keys (SPC-4 table 54) */
#define SCST_KEY_NO_SENSE		0x0
#define SCST_KEY_RECOVERED_ERROR	0x1
#define SCST_KEY_NOT_READY		0x2
#define SCST_KEY_MEDIUM_ERROR		0x3
#define SCST_KEY_HARDWARE_ERROR		0x4
#define SCST_KEY_ILLEGAL_REQUEST	0x5
#define SCST_KEY_UNIT_ATTENTION		0x6
#define SCST_KEY_DATA_PROTECT		0x7
#define SCST_KEY_ABORTED_COMMAND	0xb
#define SCST_KEY_MISCOMPARE		0xe

/* Data direction, from the initiator's point of view */
enum scst_data_dir {
	SCST_DATA_NONE,
	SCST_DATA_WRITE,	/* data-out: initiator to target */
	SCST_DATA_READ,		/* data-in: target to initiator */
	SCST_DATA_BIDI,		/* both (XDWRITEREAD and the like) */
};

/* Task attributes (SAM-5 8.6) */
enum scst_task_attr {
	SCST_TASK_SIMPLE,
	SCST_TASK_ORDERED,
	SCST_TASK_HEAD_OF_QUEUE,
	SCST_TASK_ACA,
};

/**
 * struct scst_cmd - one SCSI command
 *
 * Set by scst_cmd_alloc():
 * @sess:          the I_T nexus it came on
 * @id:            unique while the core runs: CMD_ABORT names the
 *                 command by pointer and id (see <scst/fabric.h>)
 *
 * Set by the fabric between scst_cmd_alloc() and scst_cmd_submit():
 * @lun:           the LUN, as scst_lun_from_sam() decodes it
 * @tag:           the initiator's task tag: ABORT TASK and QUERY TASK name it
 * @cdb, @cdb_len: the CDB (scst_cmd_alloc() copies it)
 * @task_attr:     enum scst_task_attr
 * @expected_len:  data length the initiator said it will move, or
 *                 SCST_EXPECTED_LEN_UNKNOWN; a mismatch is an overflow or
 *                 underflow (@resid)
 * @fabric_priv:   the fabric's; the core never looks at it
 *
 * Set by the core before the first message that lends the command:
 * @data_dir:      enum scst_data_dir, from the CDB
 * @bufflen:       bytes of data the CDB asks to move (the buffer's size)
 * @lba:           first logical block (commands that have one)
 * @nr_blocks:     logical blocks the CDB addresses (READ/WRITE/VERIFY...)
 * @sg, @sg_cnt:   the data buffer (NULL with SCST_DATA_NONE)
 * @dev:           the device the LUN maps to (NULL for LUN-less commands)
 * @tgt_dev:       the (session, LUN) pair the command is queued on
 * @buf_cookie:    SCST_HANDLER_ALLOCS_BUF: set by the handler with @sg; it
 *                 comes back in CMD_BUF_FREE
 *
 * Set by the handler (or the core) before the reply to CMD_EXEC:
 * @status:        SAM status; scst_cmd_set_sense() sets CHECK CONDITION
 * @sense, @sense_len: sense data in the device's format (fixed or
 *                 descriptor, per its D_SENSE)
 * @resp_len:      data-in bytes actually produced, at most @bufflen
 * @handler_priv:  the handler's; the core never looks at it
 *
 * Set by the core before CMD_RESPOND:
 * @resid:         SAM residual: positive for an underflow (less moved than
 *                 @expected_len), negative for an overflow
 * @aborted:       the command was aborted: send @status only if
 *                 @send_status (TASK ABORTED), otherwise send nothing and
 *                 just reply CMD_RESPONDED so the core can free it
 */
struct scst_cmd {
	struct scst_session *sess;
	u64 id;
	u64 lun;
	u64 tag;
	u8 cdb[SCST_MAX_CDB_SIZE];
	u8 cdb_len;
	u8 task_attr;
	u32 expected_len;
	void *fabric_priv;

	u8 data_dir;
	u32 bufflen;
	u64 lba;
	u32 nr_blocks;
	struct scatterlist *sg;
	unsigned int sg_cnt;
	struct scst_device *dev;
	struct scst_tgt_dev *tgt_dev;
	u64 buf_cookie;
	void *handler_priv;

	u8 status;
	u8 sense_len;
	u8 sense[SCST_SENSE_BUFFERSIZE];
	u32 resp_len;
	s32 resid;
	bool aborted;
	bool send_status;
};

#define SCST_EXPECTED_LEN_UNKNOWN	U32_MAX

/* Task management functions (SAM-5 7.1) */
enum scst_tmf_fn {
	SCST_TMF_ABORT_TASK,
	SCST_TMF_ABORT_TASK_SET,
	SCST_TMF_CLEAR_TASK_SET,
	SCST_TMF_CLEAR_ACA,
	SCST_TMF_LUN_RESET,
	SCST_TMF_IT_NEXUS_RESET,
	SCST_TMF_TARGET_RESET,
	SCST_TMF_QUERY_TASK,
	SCST_TMF_QUERY_TASK_SET,
	SCST_TMF_QUERY_ASYNC_EVENT,
	SCST_TMF_NR,
};

/* Service responses of a TMF (SAM-5 7.1) */
enum scst_tmf_response {
	SCST_TMF_COMPLETE,		/* FUNCTION COMPLETE */
	SCST_TMF_SUCCEEDED,		/* FUNCTION SUCCEEDED (queries: found) */
	SCST_TMF_REJECTED,		/* FUNCTION REJECTED */
	SCST_TMF_INCORRECT_LUN,		/* INCORRECT LOGICAL UNIT NUMBER */
	SCST_TMF_FAILED,		/* SERVICE DELIVERY OR TARGET FAILURE */
};

/**
 * struct scst_tmf - one task management function
 * @sess:        the I_T nexus it came on
 * @fn:          enum scst_tmf_fn
 * @lun:         the LUN it is about (not for I_T NEXUS / TARGET RESET)
 * @tag:         ABORT TASK, QUERY TASK: the task's tag
 * @fabric_priv: the fabric's
 * @response:    enum scst_tmf_response, set by the core before TMF_RESPOND
 * @additional:  QUERY ASYNCHRONOUS EVENT with FUNCTION SUCCEEDED: the pending
 *               unit attention's sense key, ASC and ASCQ (SAM-5 7.8)
 */
struct scst_tmf {
	struct scst_session *sess;
	u8 fn;
	u64 lun;
	u64 tag;
	void *fabric_priv;
	u8 response;
	u8 additional[3];
};

/*
 * Handlers (and the core) report a command's outcome with these; they fill
 * @status and @sense in the format the command's device uses.
 */
void scst_cmd_set_sense(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq);
void scst_cmd_set_status(struct scst_cmd *cmd, u8 status);
/*
 * The same with a sense-key specific field pointer (SPC-4 4.5.2.4.2) to
 * the field in error: in the CDB if @in_cdb, else in the parameter list;
 * @byte its byte, @bit its bit (0..7) or -1 for the whole byte.
 */
void scst_cmd_set_sense_field(struct scst_cmd *cmd, u8 key, u8 asc, u8 ascq,
			      bool in_cdb, u16 byte, int bit);

/*
 * Highest LUN the core accepts: what the flat space addressing method
 * (SAM-5, LUN addressing) can encode.
 */
#define SCST_LUN_MAX		16383

/*
 * Decode an 8-byte SAM LUN (peripheral or flat addressing) as the core's
 * u64; U64_MAX for any other addressing method or a multi-level LUN.
 */
u64 scst_lun_from_sam(const u8 sam_lun[8]);
/* Encode a LUN (at most SCST_LUN_MAX) for REPORT LUNS and fabrics. */
void scst_lun_to_sam(u64 lun, u8 sam_lun[8]);

#endif /* _SCST_CMD_H */
