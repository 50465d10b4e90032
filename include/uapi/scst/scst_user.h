/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * SCST-NG /dev/scst_user: user-space SCSI device handlers.
 *
 * This is the binary interface of SCST 3.x's scst_user (the device name,
 * ioctl numbers, struct layouts, subcommand codes and constants), written
 * against <linux/types.h> alone so that it builds in user space by itself.
 * A handler built against SCST's own scst_user.h runs unchanged: every
 * ioctl number below encodes its struct's size, so a layout that differs
 * from SCST's is caught at build time by dev-user/abi.c and
 * tools/tests/abi_test.c, and at run time a foreign layout gets ENOTTY.
 *
 * Names: the structs, ioctls, subcodes and the SCST_USER_* options keep
 * SCST's names. The constants SCST keeps in scst_const.h (data direction,
 * task attribute, TM function, TM status) are here with an SCST_USER_
 * prefix, because the kernel has its own enums of those names; their
 * values are SCST's.
 *
 * Version check (dev_desc.version_str, a NUL-terminated string of at most
 * SCST_USER_VERSION_MAX bytes). SCST_USER_REGISTER_DEVICE accepts:
 *   - DEV_USER_VERSION below, which our tools send;
 *   - the strings SCST 3.x handlers send, DEV_USER_VERSION of SCST's
 *     header: the SCST release name ("3." <digits> "." <digits>, then
 *     optionally "-" and letters, digits or dots, e.g. "3.7.0" or
 *     "3.5.0-pre"), followed directly by the two SHA-1 checksums SCST's
 *     build appends (of scst_const.h and scst_user.h), 80 hex digits.
 * Anything else fails with EINVAL and one log line quoting the string.
 * The checksums cannot be checked against SCST's headers, which we do not
 * have; the ioctl numbers are what pin the layout.
 *
 * The sequence a handler follows, the subcommands and what each reply
 * means are described next to the structs below and in
 * Documentation/dev-user.rst.
 */
#ifndef _UAPI_SCST_USER_H
#define _UAPI_SCST_USER_H

#include <linux/ioctl.h>
#include <linux/types.h>

#define DEV_USER_NAME			"scst_user"
#define DEV_USER_PATH			"/dev/"
#define DEV_USER_VERSION		"scst-ng-user-1"
/* Longest version_str and license_str read, terminating NUL included. */
#define SCST_USER_VERSION_MAX		256

/*
 * Sizes from SCST's scst_const.h. The kernel's own CDB and sense sizes are
 * larger, so the ABI's carry an SCST_USER_ prefix; user space also gets
 * them under SCST's names.
 */
#define SCST_USER_MAX_CDB_SIZE		16
#define SCST_USER_SENSE_BUFFERSIZE	252
#define SCST_MAX_NAME			50
#define SCST_MAX_EXTERNAL_NAME		256
#ifndef __KERNEL__
#define SCST_MAX_CDB_SIZE		SCST_USER_MAX_CDB_SIZE
#define SCST_SENSE_BUFFERSIZE		SCST_USER_SENSE_BUFFERSIZE
#endif

/* struct scst_user_opt.parse_type: who parses CDBs */
#define SCST_USER_PARSE_STANDARD	0	/* the kernel; PARSE never sent */
#define SCST_USER_PARSE_CALL		1	/* every command is PARSEd */
#define SCST_USER_PARSE_EXCEPTION	2	/* only CDBs the kernel cannot */
#define SCST_USER_MAX_PARSE_OPT		SCST_USER_PARSE_EXCEPTION

/* struct scst_user_opt.on_free_cmd_type: whether ON_FREE_CMD is sent */
#define SCST_USER_ON_FREE_CMD_CALL	0
#define SCST_USER_ON_FREE_CMD_IGNORE	1
#define SCST_USER_MAX_ON_FREE_CMD_OPT	SCST_USER_ON_FREE_CMD_IGNORE

/*
 * struct scst_user_opt.memory_reuse_type: which commands' buffers the
 * kernel keeps cached (mapped and pinned) after the command, to hand them
 * to a later command of the same size without ALLOC_MEM. A cached buffer
 * that is finally let go is announced by ON_CACHED_MEM_FREE.
 */
#define SCST_USER_MEM_NO_REUSE		0
#define SCST_USER_MEM_REUSE_READ	1
#define SCST_USER_MEM_REUSE_WRITE	2
#define SCST_USER_MEM_REUSE_ALL		3
#define SCST_USER_MAX_MEM_REUSE_OPT	SCST_USER_MEM_REUSE_ALL

/* struct scst_user_opt.partial_transfers_type */
#define SCST_USER_PARTIAL_TRANSFERS_NOT_SUPPORTED	0
#define SCST_USER_PARTIAL_TRANSFERS_SUPPORTED_ORDERED	1
#define SCST_USER_PARTIAL_TRANSFERS_SUPPORTED		2
#define SCST_USER_MAX_PARTIAL_TRANSFERS_OPT	\
	SCST_USER_PARTIAL_TRANSFERS_SUPPORTED

/* struct scst_user_scsi_cmd_exec.partial */
#define SCST_USER_SUBCOMMAND		1
#define SCST_USER_SUBCOMMAND_FINAL	2

/* data_direction fields (SCST_DATA_* in SCST) */
#define SCST_USER_DATA_UNKNOWN		0
#define SCST_USER_DATA_WRITE		1
#define SCST_USER_DATA_READ		2
#define SCST_USER_DATA_BIDI		3
#define SCST_USER_DATA_NONE		4

/* queue_type fields: the task attribute (SCST_CMD_QUEUE_* in SCST) */
#define SCST_USER_QUEUE_UNTAGGED	0
#define SCST_USER_QUEUE_SIMPLE		1
#define SCST_USER_QUEUE_ORDERED		2
#define SCST_USER_QUEUE_HEAD_OF_QUEUE	3
#define SCST_USER_QUEUE_ACA		4

/* struct scst_user_tm.fn (SCST's TM function codes) */
#define SCST_USER_ABORT_TASK		0
#define SCST_USER_ABORT_TASK_SET	1
#define SCST_USER_CLEAR_ACA		2
#define SCST_USER_CLEAR_TASK_SET	3
#define SCST_USER_LUN_RESET		4
#define SCST_USER_TARGET_RESET		5
#define SCST_USER_NEXUS_LOSS_SESS	6
#define SCST_USER_ABORT_ALL_TASKS_SESS	7
#define SCST_USER_NEXUS_LOSS		8
#define SCST_USER_ABORT_ALL_TASKS	9

/* The result of a TASK_MGMT_RECEIVED/DONE reply (SCST_MGMT_STATUS_*) */
#define SCST_USER_MGMT_STATUS_SUCCESS		0
#define SCST_USER_MGMT_STATUS_TASK_NOT_EXIST	-1
#define SCST_USER_MGMT_STATUS_LUN_NOT_EXIST	-2
#define SCST_USER_MGMT_STATUS_FN_NOT_SUPPORTED	-5
#define SCST_USER_MGMT_STATUS_REJECTED		-255
#define SCST_USER_MGMT_STATUS_FAILED		-129

/* struct scst_user_scsi_on_free_cmd.delivery_status */
#define SCST_USER_DELIVERY_SUCCESS	0
#define SCST_USER_DELIVERY_FAILED	-1
#define SCST_USER_DELIVERY_ABORTED	-2

/* The subcode numbers (UCMD_STATE_* in SCST) */
#define UCMD_STATE_NEW			0
#define UCMD_STATE_PARSING		1
#define UCMD_STATE_BUF_ALLOCING		2
#define UCMD_STATE_EXECING		3
#define UCMD_STATE_ON_FREEING		4
#define UCMD_STATE_ON_FREE_SKIPPED	5
#define UCMD_STATE_ON_CACHE_FREEING	6
#define UCMD_STATE_TM_RECEIVED_EXECING	7
#define UCMD_STATE_TM_DONE_EXECING	8
#define UCMD_STATE_EXT_COPY_REMAPPING	9
#define UCMD_STATE_ATTACH_SESS		0x20
#define UCMD_STATE_DETACH_SESS		0x21

/* i386 aligns 64-bit fields to 4 bytes; the ABI has them at 8. */
#define __scst_aligned_s64	__s64 __attribute__((aligned(8)))

/**
 * struct scst_user_opt - a device's options (REGISTER_DEVICE, SET/GET_OPTIONS)
 * @parse_type:         SCST_USER_PARSE_*
 * @on_free_cmd_type:   SCST_USER_ON_FREE_CMD_*
 * @memory_reuse_type:  SCST_USER_MEM_*
 * @partial_transfers_type: SCST_USER_PARTIAL_TRANSFERS_*; checked and
 *                      kept, but as in SCST 3.x a command is never split:
 *                      EXEC's @partial is always 0
 * @partial_len:        with partial transfers, the largest subcommand
 * @tst, @tmf_only, @queue_alg, @qerr, @tas, @swp, @d_sense: the control
 *                      mode page fields of the same names (SPC-4 7.5.8)
 * @has_own_order_mgmt: the handler orders commands itself
 * @ext_copy_remap_supported: EXT_COPY_REMAP may be sent
 */
struct scst_user_opt {
	__u8 parse_type;
	__u8 on_free_cmd_type;
	__u8 memory_reuse_type;
	__u8 partial_transfers_type;
	__s32 partial_len;

	__u8 tst;
	__u8 tmf_only;
	__u8 queue_alg;
	__u8 qerr;
	__u8 tas;
	__u8 swp;
	__u8 d_sense;

	__u8 has_own_order_mgmt;
	__u8 ext_copy_remap_supported;
};

/**
 * struct scst_user_dev_desc - SCST_USER_REGISTER_DEVICE's argument
 * @version_str:  user address of the version string (see the top)
 * @license_str:  user address of the handler's license string
 * @type:         SCSI peripheral device type (0 disk, 5 CD/DVD, ...)
 * @sgv_shared:   share the buffer pool with devices of the same @sgv_name;
 *                accepted, but every device keeps a pool of its own
 * @sgv_disable_clustered_pool: never merge adjacent pages into one entry
 * @sgv_single_alloc_pages: 0, or one buffer size class of this many pages
 * @sgv_purge_interval: jiffies a cached buffer may stay unused; 0: default
 * @opt:          the initial options
 * @block_size:   logical block size in bytes: 512, 1024, 2048 or 4096
 * @enable_pr_cmds_notifications: pass PERSISTENT RESERVE commands on
 * @name:         the device's name: handlers/scst_user/<name> in configfs
 * @sgv_name:     the buffer pool's name; empty: the device's name
 */
struct scst_user_dev_desc {
	__aligned_u64 version_str;
	__aligned_u64 license_str;
	__u8 type;
	__u8 sgv_shared;
	__u8 sgv_disable_clustered_pool;
	__s32 sgv_single_alloc_pages;
	__s32 sgv_purge_interval;
	struct scst_user_opt opt;
	__u32 block_size;
	__u8 enable_pr_cmds_notifications;
	char name[SCST_MAX_NAME];
	char sgv_name[SCST_MAX_NAME];
};

/* ATTACH_SESS and DETACH_SESS: a session (I_T nexus) reaches the device. */
struct scst_user_sess {
	__aligned_u64 sess_h;
	__aligned_u64 lun;
	__u16 threads_num;
	__u8 rd_only;
	__u16 scsi_transport_version;
	__u16 phys_transport_version;
	char initiator_name[SCST_MAX_EXTERNAL_NAME];
	char target_name[SCST_MAX_EXTERNAL_NAME];
};

/* PARSE: say how the command moves data, or finish it with a status. */
struct scst_user_scsi_cmd_parse {
	__aligned_u64 sess_h;

	__u8 cdb[SCST_USER_MAX_CDB_SIZE];
	__u16 cdb_len;

	__scst_aligned_s64 lba;

	__scst_aligned_s64 data_len;
	__s32 bufflen;
	__s32 out_bufflen;
	__s32 timeout;

	__u32 op_flags;

	__u8 queue_type;
	__u8 data_direction;

	__u8 expected_values_set;
	__u8 expected_data_direction;
	__s32 expected_transfer_len;
	__s32 expected_out_transfer_len;

	__u32 sn;
};

/* ALLOC_MEM: supply a buffer of alloc_len bytes (page-aligned). */
struct scst_user_scsi_cmd_alloc_mem {
	__aligned_u64 sess_h;

	__u8 cdb[SCST_USER_MAX_CDB_SIZE];
	__u16 cdb_len;

	__s32 alloc_len;

	__u8 queue_type;
	__u8 data_direction;

	__u32 sn;
};

/*
 * EXEC: execute the command. @pbuf is the data buffer (write data is in
 * it already) or 0 with @alloc_len set, when the handler must supply the
 * buffer in its reply (it had no ALLOC_MEM).
 */
struct scst_user_scsi_cmd_exec {
	__aligned_u64 sess_h;

	__u8 cdb[SCST_USER_MAX_CDB_SIZE];
	__u16 cdb_len;

	__scst_aligned_s64 lba;

	__scst_aligned_s64 data_len;
	__s32 bufflen;
	__s32 alloc_len;
	__aligned_u64 pbuf;
	__u8 queue_type;
	__u8 data_direction;
	__u8 partial;
	__s32 timeout;

	__aligned_u64 p_out_buf;
	__s32 out_bufflen;

	__u32 sn;

	__u32 parent_cmd_h;
	__s32 parent_cmd_data_len;
	__u32 partial_offset;
};

/* ON_FREE_CMD: the command is gone; free @pbuf unless @buffer_cached. */
struct scst_user_scsi_on_free_cmd {
	__aligned_u64 pbuf;
	__s32 resp_data_len;
	__u8 buffer_cached;
	__u8 aborted;
	__u8 status;
	__s8 delivery_status;
};

/* ON_CACHED_MEM_FREE: a cached buffer was let go; @pbuf is the handler's. */
struct scst_user_on_cached_mem_free {
	__aligned_u64 pbuf;
};

/*
 * TASK_MGMT_RECEIVED (before the kernel aborts the affected commands) and
 * TASK_MGMT_DONE (after): @cmd_h_to_abort names the command of an ABORT
 * TASK. The reply's result is an SCST_USER_MGMT_STATUS_* value.
 */
struct scst_user_tm {
	__aligned_u64 sess_h;
	__u32 fn;
	__u32 cmd_h_to_abort;
	__u32 cmd_sn;
	__u8 cmd_sn_set;
};

/* One range of an EXTENDED COPY, in and out of EXT_COPY_REMAP. */
struct scst_user_ext_copy_data_descr {
	__aligned_u64 src_lba;
	__aligned_u64 dst_lba;
	__u32 data_len;		/* bytes */
};

/* EXT_COPY_REMAP: may this copy be done by remapping blocks? */
struct scst_user_ext_copy_remap {
	__aligned_u64 src_sess_h;
	__aligned_u64 dst_sess_h;
	struct scst_user_ext_copy_data_descr data_descr;
};

/**
 * struct scst_user_get_cmd - a command for user space
 * @cmd_h:   the kernel's handle of it, quoted back in the reply
 * @subcode: SCST_USER_ATTACH_SESS ... SCST_USER_EXT_COPY_REMAP
 * @preply:  in: with REPLY_AND_GET_CMD, the user address of a struct
 *           scst_user_reply_cmd to deliver first, or 0
 */
struct scst_user_get_cmd {
	__u32 cmd_h;
	__u32 subcode;
	union {
		__aligned_u64 preply;
		struct scst_user_sess sess;
		struct scst_user_scsi_cmd_parse parse_cmd;
		struct scst_user_scsi_cmd_alloc_mem alloc_cmd;
		struct scst_user_scsi_cmd_exec exec_cmd;
		struct scst_user_scsi_on_free_cmd on_free_cmd;
		struct scst_user_on_cached_mem_free on_cached_mem_free;
		struct scst_user_tm tm_cmd;
		struct scst_user_ext_copy_remap remap_cmd;
	};
};

/**
 * struct scst_user_get_multi - SCST_USER_REPLY_AND_GET_MULTI's argument
 * @preplies:     in: user address of @replies_cnt struct scst_user_reply_cmd
 * @replies_cnt:  in: how many replies to deliver first
 * @replies_done: out: how many were delivered; on an error the rest must
 *                be sent again
 * @cmds_cnt:     in: room in @cmds; out: commands returned
 * @cmds:         out: the commands
 */
struct scst_user_get_multi {
	__aligned_u64 preplies;
	__s16 replies_cnt;
	__s16 replies_done;
	__s16 cmds_cnt;
	__s16 pad;
	struct scst_user_get_cmd cmds[];
};

/*
 * PARSE reply: @status 0 and the command's data direction and lengths, or
 * a SCSI status (with sense) that finishes the command.
 */
struct scst_user_scsi_cmd_reply_parse {
	__u8 status;
	union {
		struct {
			__u8 queue_type;
			__u8 data_direction;
			__u16 cdb_len;
			__scst_aligned_s64 lba;
			__scst_aligned_s64 data_len;
			__s32 bufflen;
			__u32 op_flags;
			__s32 out_bufflen;
		};
		struct {
			__u8 sense_len;
			__aligned_u64 psense_buffer;
		};
	};
};

/* ALLOC_MEM reply: the buffer, page-aligned, or 0 to let the kernel allocate. */
struct scst_user_scsi_cmd_reply_alloc_mem {
	__aligned_u64 pbuf;
};

/* One range of a WRITE SAME done by the kernel (SCST_EXEC_REPLY_DO_WRITE_SAME). */
struct scst_user_data_descriptor {
	__aligned_u64 usdd_lba;
	__aligned_u64 usdd_blocks;
};

#define SCST_EXEC_REPLY_BACKGROUND	0
#define SCST_EXEC_REPLY_COMPLETED	1
#define SCST_EXEC_REPLY_DO_WRITE_SAME	2

/*
 * EXEC reply: @reply_type, the SCSI @status, @resp_data_len bytes of
 * read data in the buffer (@pbuf: the buffer the handler supplied when
 * EXEC had none), and sense with CHECK CONDITION.
 */
struct scst_user_scsi_cmd_reply_exec {
	__s32 resp_data_len;
	__aligned_u64 pbuf;
	__u8 reply_type;
	__u8 status;
	union {
		struct {
			__u8 sense_len;
			__aligned_u64 psense_buffer;
		};
		struct {
			__u16 ws_descriptors_len;
			__aligned_u64 ws_descriptors;
		};
	};
};

/* EXT_COPY_REMAP reply: the remapped ranges, or a status with sense. */
struct scst_user_ext_copy_reply_remap {
	__aligned_u64 remap_descriptors;
	__u16 remap_descriptors_len;
	__u8 status;
	__u8 sense_len;
	__aligned_u64 psense_buffer;
};

/**
 * struct scst_user_reply_cmd - user space's answer to one command
 * @cmd_h:   as in the command
 * @subcode: as in the command
 * @result:  ATTACH_SESS, DETACH_SESS, TASK_MGMT_*: 0 or a (positive) errno,
 *           or an SCST_USER_MGMT_STATUS_* value for TASK_MGMT_*
 */
struct scst_user_reply_cmd {
	__u32 cmd_h;
	__u32 subcode;
	union {
		__s32 result;
		struct scst_user_scsi_cmd_reply_parse parse_reply;
		struct scst_user_scsi_cmd_reply_alloc_mem alloc_reply;
		struct scst_user_scsi_cmd_reply_exec exec_reply;
		struct scst_user_ext_copy_reply_remap remap_reply;
	};
};

/* SCST_USER_GET_EXTENDED_CDB: the part of a CDB beyond 16 bytes. */
struct scst_user_get_ext_cdb {
	__u32 cmd_h;
	__aligned_u64 ext_cdb_buffer;
};

/* SCST_USER_PREALLOC_BUFFER: put a handler's buffer in the cache ahead. */
struct scst_user_prealloc_buffer_in {
	__aligned_u64 pbuf;
	__u32 bufflen;
	__u8 for_clust_pool;
};

struct scst_user_prealloc_buffer_out {
	__u32 cmd_h;
};

union scst_user_prealloc_buffer {
	struct scst_user_prealloc_buffer_in in;
	struct scst_user_prealloc_buffer_out out;
};

#define SCST_USER_REGISTER_DEVICE	_IOW('u', 1, struct scst_user_dev_desc)
#define SCST_USER_UNREGISTER_DEVICE	_IO('u', 2)
#define SCST_USER_SET_OPTIONS		_IOW('u', 3, struct scst_user_opt)
#define SCST_USER_GET_OPTIONS		_IOR('u', 4, struct scst_user_opt)
#define SCST_USER_REPLY_AND_GET_CMD	_IOWR('u', 5, struct scst_user_get_cmd)
#define SCST_USER_REPLY_CMD		_IOW('u', 6, struct scst_user_reply_cmd)
#define SCST_USER_FLUSH_CACHE		_IO('u', 7)
#define SCST_USER_DEVICE_CAPACITY_CHANGED _IO('u', 8)
#define SCST_USER_GET_EXTENDED_CDB	_IOWR('u', 9, struct scst_user_get_ext_cdb)
#define SCST_USER_PREALLOC_BUFFER	_IOWR('u', 10, union scst_user_prealloc_buffer)
#define SCST_USER_REPLY_AND_GET_MULTI	_IOWR('u', 11, struct scst_user_get_multi)

/* struct scst_user_get_cmd.subcode values */
#define SCST_USER_ATTACH_SESS		\
	_IOR('s', UCMD_STATE_ATTACH_SESS, struct scst_user_sess)
#define SCST_USER_DETACH_SESS		\
	_IOR('s', UCMD_STATE_DETACH_SESS, struct scst_user_sess)
#define SCST_USER_PARSE			\
	_IOWR('s', UCMD_STATE_PARSING, struct scst_user_scsi_cmd_parse)
#define SCST_USER_ALLOC_MEM		\
	_IOWR('s', UCMD_STATE_BUF_ALLOCING, struct scst_user_scsi_cmd_alloc_mem)
#define SCST_USER_EXEC			\
	_IOWR('s', UCMD_STATE_EXECING, struct scst_user_scsi_cmd_exec)
#define SCST_USER_ON_FREE_CMD		\
	_IOR('s', UCMD_STATE_ON_FREEING, struct scst_user_scsi_on_free_cmd)
#define SCST_USER_ON_CACHED_MEM_FREE	\
	_IOR('s', UCMD_STATE_ON_CACHE_FREEING, struct scst_user_on_cached_mem_free)
#define SCST_USER_TASK_MGMT_RECEIVED	\
	_IOWR('s', UCMD_STATE_TM_RECEIVED_EXECING, struct scst_user_tm)
#define SCST_USER_TASK_MGMT_DONE	\
	_IOWR('s', UCMD_STATE_TM_DONE_EXECING, struct scst_user_tm)
#define SCST_USER_EXT_COPY_REMAP	\
	_IOWR('s', UCMD_STATE_EXT_COPY_REMAPPING, struct scst_user_ext_copy_remap)

#endif /* _UAPI_SCST_USER_H */
