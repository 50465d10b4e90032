// SPDX-License-Identifier: GPL-2.0
/*
 * The /dev/scst_user ABI, pinned: the size and every field offset of each
 * struct, every ioctl and subcode number, and the constants, against SCST
 * 3.x's values on x86_64.
 *
 * How the expected numbers were obtained: the offsets were worked out by
 * hand from SCST 3.x's struct definitions with the x86_64 SysV layout
 * rules (each field at the next multiple of its alignment: 1 for __u8 and
 * char, 2 for __u16/__s16, 4 for __u32/__s32, 8 for __u64/__s64 and
 * aligned_u64; a union or struct aligned to its largest member and padded
 * to a multiple of it; a flexible array adds nothing). The ioctl numbers
 * follow from them: _IOC(dir, type, nr, size) = dir << 30 | size << 16 |
 * type << 8 | nr, with dir 1 write, 2 read, 3 both; the eight numbers the
 * task names (REGISTER_DEVICE 0x40a07501, EXEC 0xc0687303, PARSE
 * 0xc0507301, ALLOC_MEM 0xc0287302, ON_FREE_CMD 0x80107304,
 * ON_CACHED_MEM_FREE 0x80087306, TASK_MGMT_RECEIVED 0xc0187307,
 * ATTACH_SESS 0x82187320) agree with the sizes derived this way, which
 * checks the hand derivation. Nothing here is computed from the header
 * under test.
 *
 * Output: one "ok N - what" or "not ok N - what: got X, want Y" per check,
 * then "N passed, M failed"; exit 1 if any failed.
 */
#include <stddef.h>
#include <stdio.h>
#include <scst/scst_user.h>

static int passed, failed;

static void check(const char *what, unsigned long long got,
		  unsigned long long want)
{
	if (got == want) {
		passed++;
		printf("ok %d - %s = %#llx\n", passed + failed, what, want);
	} else {
		failed++;
		printf("not ok %d - %s: got %#llx, want %#llx\n",
		       passed + failed, what, got, want);
	}
}

#define SIZE(type, want)	check("sizeof(" #type ")", sizeof(type), want)
#define OFF(type, field, want)	\
	check("offsetof(" #type ", " #field ")", offsetof(type, field), want)
#define NUM(name, want)		check(#name, (unsigned long long)(name), want)
#define SNUM(name, want)	check(#name, (unsigned long long)(long long)(name), \
				      (unsigned long long)(long long)(want))

static void check_structs(void)
{
	SIZE(struct scst_user_opt, 20);
	OFF(struct scst_user_opt, parse_type, 0);
	OFF(struct scst_user_opt, on_free_cmd_type, 1);
	OFF(struct scst_user_opt, memory_reuse_type, 2);
	OFF(struct scst_user_opt, partial_transfers_type, 3);
	OFF(struct scst_user_opt, partial_len, 4);
	OFF(struct scst_user_opt, tst, 8);
	OFF(struct scst_user_opt, tmf_only, 9);
	OFF(struct scst_user_opt, queue_alg, 10);
	OFF(struct scst_user_opt, qerr, 11);
	OFF(struct scst_user_opt, tas, 12);
	OFF(struct scst_user_opt, swp, 13);
	OFF(struct scst_user_opt, d_sense, 14);
	OFF(struct scst_user_opt, has_own_order_mgmt, 15);
	OFF(struct scst_user_opt, ext_copy_remap_supported, 16);

	SIZE(struct scst_user_dev_desc, 160);
	OFF(struct scst_user_dev_desc, version_str, 0);
	OFF(struct scst_user_dev_desc, license_str, 8);
	OFF(struct scst_user_dev_desc, type, 16);
	OFF(struct scst_user_dev_desc, sgv_shared, 17);
	OFF(struct scst_user_dev_desc, sgv_disable_clustered_pool, 18);
	OFF(struct scst_user_dev_desc, sgv_single_alloc_pages, 20);
	OFF(struct scst_user_dev_desc, sgv_purge_interval, 24);
	OFF(struct scst_user_dev_desc, opt, 28);
	OFF(struct scst_user_dev_desc, block_size, 48);
	OFF(struct scst_user_dev_desc, enable_pr_cmds_notifications, 52);
	OFF(struct scst_user_dev_desc, name, 53);
	OFF(struct scst_user_dev_desc, sgv_name, 103);

	SIZE(struct scst_user_sess, 536);
	OFF(struct scst_user_sess, sess_h, 0);
	OFF(struct scst_user_sess, lun, 8);
	OFF(struct scst_user_sess, threads_num, 16);
	OFF(struct scst_user_sess, rd_only, 18);
	OFF(struct scst_user_sess, scsi_transport_version, 20);
	OFF(struct scst_user_sess, phys_transport_version, 22);
	OFF(struct scst_user_sess, initiator_name, 24);
	OFF(struct scst_user_sess, target_name, 280);

	SIZE(struct scst_user_scsi_cmd_parse, 80);
	OFF(struct scst_user_scsi_cmd_parse, sess_h, 0);
	OFF(struct scst_user_scsi_cmd_parse, cdb, 8);
	OFF(struct scst_user_scsi_cmd_parse, cdb_len, 24);
	OFF(struct scst_user_scsi_cmd_parse, lba, 32);
	OFF(struct scst_user_scsi_cmd_parse, data_len, 40);
	OFF(struct scst_user_scsi_cmd_parse, bufflen, 48);
	OFF(struct scst_user_scsi_cmd_parse, out_bufflen, 52);
	OFF(struct scst_user_scsi_cmd_parse, timeout, 56);
	OFF(struct scst_user_scsi_cmd_parse, op_flags, 60);
	OFF(struct scst_user_scsi_cmd_parse, queue_type, 64);
	OFF(struct scst_user_scsi_cmd_parse, data_direction, 65);
	OFF(struct scst_user_scsi_cmd_parse, expected_values_set, 66);
	OFF(struct scst_user_scsi_cmd_parse, expected_data_direction, 67);
	OFF(struct scst_user_scsi_cmd_parse, expected_transfer_len, 68);
	OFF(struct scst_user_scsi_cmd_parse, expected_out_transfer_len, 72);
	OFF(struct scst_user_scsi_cmd_parse, sn, 76);

	SIZE(struct scst_user_scsi_cmd_alloc_mem, 40);
	OFF(struct scst_user_scsi_cmd_alloc_mem, sess_h, 0);
	OFF(struct scst_user_scsi_cmd_alloc_mem, cdb, 8);
	OFF(struct scst_user_scsi_cmd_alloc_mem, cdb_len, 24);
	OFF(struct scst_user_scsi_cmd_alloc_mem, alloc_len, 28);
	OFF(struct scst_user_scsi_cmd_alloc_mem, queue_type, 32);
	OFF(struct scst_user_scsi_cmd_alloc_mem, data_direction, 33);
	OFF(struct scst_user_scsi_cmd_alloc_mem, sn, 36);

	SIZE(struct scst_user_scsi_cmd_exec, 104);
	OFF(struct scst_user_scsi_cmd_exec, sess_h, 0);
	OFF(struct scst_user_scsi_cmd_exec, cdb, 8);
	OFF(struct scst_user_scsi_cmd_exec, cdb_len, 24);
	OFF(struct scst_user_scsi_cmd_exec, lba, 32);
	OFF(struct scst_user_scsi_cmd_exec, data_len, 40);
	OFF(struct scst_user_scsi_cmd_exec, bufflen, 48);
	OFF(struct scst_user_scsi_cmd_exec, alloc_len, 52);
	OFF(struct scst_user_scsi_cmd_exec, pbuf, 56);
	OFF(struct scst_user_scsi_cmd_exec, queue_type, 64);
	OFF(struct scst_user_scsi_cmd_exec, data_direction, 65);
	OFF(struct scst_user_scsi_cmd_exec, partial, 66);
	OFF(struct scst_user_scsi_cmd_exec, timeout, 68);
	OFF(struct scst_user_scsi_cmd_exec, p_out_buf, 72);
	OFF(struct scst_user_scsi_cmd_exec, out_bufflen, 80);
	OFF(struct scst_user_scsi_cmd_exec, sn, 84);
	OFF(struct scst_user_scsi_cmd_exec, parent_cmd_h, 88);
	OFF(struct scst_user_scsi_cmd_exec, parent_cmd_data_len, 92);
	OFF(struct scst_user_scsi_cmd_exec, partial_offset, 96);

	SIZE(struct scst_user_scsi_on_free_cmd, 16);
	OFF(struct scst_user_scsi_on_free_cmd, pbuf, 0);
	OFF(struct scst_user_scsi_on_free_cmd, resp_data_len, 8);
	OFF(struct scst_user_scsi_on_free_cmd, buffer_cached, 12);
	OFF(struct scst_user_scsi_on_free_cmd, aborted, 13);
	OFF(struct scst_user_scsi_on_free_cmd, status, 14);
	OFF(struct scst_user_scsi_on_free_cmd, delivery_status, 15);

	SIZE(struct scst_user_on_cached_mem_free, 8);
	OFF(struct scst_user_on_cached_mem_free, pbuf, 0);

	SIZE(struct scst_user_tm, 24);
	OFF(struct scst_user_tm, sess_h, 0);
	OFF(struct scst_user_tm, fn, 8);
	OFF(struct scst_user_tm, cmd_h_to_abort, 12);
	OFF(struct scst_user_tm, cmd_sn, 16);
	OFF(struct scst_user_tm, cmd_sn_set, 20);

	SIZE(struct scst_user_ext_copy_data_descr, 24);
	OFF(struct scst_user_ext_copy_data_descr, src_lba, 0);
	OFF(struct scst_user_ext_copy_data_descr, dst_lba, 8);
	OFF(struct scst_user_ext_copy_data_descr, data_len, 16);

	SIZE(struct scst_user_ext_copy_remap, 40);
	OFF(struct scst_user_ext_copy_remap, src_sess_h, 0);
	OFF(struct scst_user_ext_copy_remap, dst_sess_h, 8);
	OFF(struct scst_user_ext_copy_remap, data_descr, 16);

	SIZE(struct scst_user_get_cmd, 544);
	OFF(struct scst_user_get_cmd, cmd_h, 0);
	OFF(struct scst_user_get_cmd, subcode, 4);
	OFF(struct scst_user_get_cmd, preply, 8);
	OFF(struct scst_user_get_cmd, sess, 8);
	OFF(struct scst_user_get_cmd, parse_cmd, 8);
	OFF(struct scst_user_get_cmd, alloc_cmd, 8);
	OFF(struct scst_user_get_cmd, exec_cmd, 8);
	OFF(struct scst_user_get_cmd, on_free_cmd, 8);
	OFF(struct scst_user_get_cmd, on_cached_mem_free, 8);
	OFF(struct scst_user_get_cmd, tm_cmd, 8);
	OFF(struct scst_user_get_cmd, remap_cmd, 8);

	SIZE(struct scst_user_get_multi, 16);
	OFF(struct scst_user_get_multi, preplies, 0);
	OFF(struct scst_user_get_multi, replies_cnt, 8);
	OFF(struct scst_user_get_multi, replies_done, 10);
	OFF(struct scst_user_get_multi, cmds_cnt, 12);
	OFF(struct scst_user_get_multi, pad, 14);
	OFF(struct scst_user_get_multi, cmds, 16);

	SIZE(struct scst_user_scsi_cmd_reply_parse, 48);
	OFF(struct scst_user_scsi_cmd_reply_parse, status, 0);
	OFF(struct scst_user_scsi_cmd_reply_parse, queue_type, 8);
	OFF(struct scst_user_scsi_cmd_reply_parse, data_direction, 9);
	OFF(struct scst_user_scsi_cmd_reply_parse, cdb_len, 10);
	OFF(struct scst_user_scsi_cmd_reply_parse, lba, 16);
	OFF(struct scst_user_scsi_cmd_reply_parse, data_len, 24);
	OFF(struct scst_user_scsi_cmd_reply_parse, bufflen, 32);
	OFF(struct scst_user_scsi_cmd_reply_parse, op_flags, 36);
	OFF(struct scst_user_scsi_cmd_reply_parse, out_bufflen, 40);
	OFF(struct scst_user_scsi_cmd_reply_parse, sense_len, 8);
	OFF(struct scst_user_scsi_cmd_reply_parse, psense_buffer, 16);

	SIZE(struct scst_user_scsi_cmd_reply_alloc_mem, 8);
	OFF(struct scst_user_scsi_cmd_reply_alloc_mem, pbuf, 0);

	SIZE(struct scst_user_data_descriptor, 16);
	OFF(struct scst_user_data_descriptor, usdd_lba, 0);
	OFF(struct scst_user_data_descriptor, usdd_blocks, 8);

	SIZE(struct scst_user_scsi_cmd_reply_exec, 40);
	OFF(struct scst_user_scsi_cmd_reply_exec, resp_data_len, 0);
	OFF(struct scst_user_scsi_cmd_reply_exec, pbuf, 8);
	OFF(struct scst_user_scsi_cmd_reply_exec, reply_type, 16);
	OFF(struct scst_user_scsi_cmd_reply_exec, status, 17);
	OFF(struct scst_user_scsi_cmd_reply_exec, sense_len, 24);
	OFF(struct scst_user_scsi_cmd_reply_exec, psense_buffer, 32);
	OFF(struct scst_user_scsi_cmd_reply_exec, ws_descriptors_len, 24);
	OFF(struct scst_user_scsi_cmd_reply_exec, ws_descriptors, 32);

	SIZE(struct scst_user_ext_copy_reply_remap, 24);
	OFF(struct scst_user_ext_copy_reply_remap, remap_descriptors, 0);
	OFF(struct scst_user_ext_copy_reply_remap, remap_descriptors_len, 8);
	OFF(struct scst_user_ext_copy_reply_remap, status, 10);
	OFF(struct scst_user_ext_copy_reply_remap, sense_len, 11);
	OFF(struct scst_user_ext_copy_reply_remap, psense_buffer, 16);

	SIZE(struct scst_user_reply_cmd, 56);
	OFF(struct scst_user_reply_cmd, cmd_h, 0);
	OFF(struct scst_user_reply_cmd, subcode, 4);
	OFF(struct scst_user_reply_cmd, result, 8);
	OFF(struct scst_user_reply_cmd, parse_reply, 8);
	OFF(struct scst_user_reply_cmd, alloc_reply, 8);
	OFF(struct scst_user_reply_cmd, exec_reply, 8);
	OFF(struct scst_user_reply_cmd, remap_reply, 8);

	SIZE(struct scst_user_get_ext_cdb, 16);
	OFF(struct scst_user_get_ext_cdb, cmd_h, 0);
	OFF(struct scst_user_get_ext_cdb, ext_cdb_buffer, 8);

	SIZE(struct scst_user_prealloc_buffer_in, 16);
	OFF(struct scst_user_prealloc_buffer_in, pbuf, 0);
	OFF(struct scst_user_prealloc_buffer_in, bufflen, 8);
	OFF(struct scst_user_prealloc_buffer_in, for_clust_pool, 12);
	SIZE(struct scst_user_prealloc_buffer_out, 4);
	OFF(struct scst_user_prealloc_buffer_out, cmd_h, 0);
	SIZE(union scst_user_prealloc_buffer, 16);
}

static void check_numbers(void)
{
	NUM(SCST_USER_REGISTER_DEVICE, 0x40a07501);
	NUM(SCST_USER_UNREGISTER_DEVICE, 0x7502);
	NUM(SCST_USER_SET_OPTIONS, 0x40147503);
	NUM(SCST_USER_GET_OPTIONS, 0x80147504);
	NUM(SCST_USER_REPLY_AND_GET_CMD, 0xc2207505);
	NUM(SCST_USER_REPLY_CMD, 0x40387506);
	NUM(SCST_USER_FLUSH_CACHE, 0x7507);
	NUM(SCST_USER_DEVICE_CAPACITY_CHANGED, 0x7508);
	NUM(SCST_USER_GET_EXTENDED_CDB, 0xc0107509);
	NUM(SCST_USER_PREALLOC_BUFFER, 0xc010750a);
	NUM(SCST_USER_REPLY_AND_GET_MULTI, 0xc010750b);

	NUM(SCST_USER_ATTACH_SESS, 0x82187320);
	NUM(SCST_USER_DETACH_SESS, 0x82187321);
	NUM(SCST_USER_PARSE, 0xc0507301);
	NUM(SCST_USER_ALLOC_MEM, 0xc0287302);
	NUM(SCST_USER_EXEC, 0xc0687303);
	NUM(SCST_USER_ON_FREE_CMD, 0x80107304);
	NUM(SCST_USER_ON_CACHED_MEM_FREE, 0x80087306);
	NUM(SCST_USER_TASK_MGMT_RECEIVED, 0xc0187307);
	NUM(SCST_USER_TASK_MGMT_DONE, 0xc0187308);
	NUM(SCST_USER_EXT_COPY_REMAP, 0xc0287309);

	NUM(UCMD_STATE_PARSING, 1);
	NUM(UCMD_STATE_BUF_ALLOCING, 2);
	NUM(UCMD_STATE_EXECING, 3);
	NUM(UCMD_STATE_ON_FREEING, 4);
	NUM(UCMD_STATE_ON_FREE_SKIPPED, 5);
	NUM(UCMD_STATE_ON_CACHE_FREEING, 6);
	NUM(UCMD_STATE_TM_RECEIVED_EXECING, 7);
	NUM(UCMD_STATE_TM_DONE_EXECING, 8);
	NUM(UCMD_STATE_EXT_COPY_REMAPPING, 9);
	NUM(UCMD_STATE_ATTACH_SESS, 0x20);
	NUM(UCMD_STATE_DETACH_SESS, 0x21);

	NUM(SCST_USER_PARSE_STANDARD, 0);
	NUM(SCST_USER_PARSE_CALL, 1);
	NUM(SCST_USER_PARSE_EXCEPTION, 2);
	NUM(SCST_USER_ON_FREE_CMD_CALL, 0);
	NUM(SCST_USER_ON_FREE_CMD_IGNORE, 1);
	NUM(SCST_USER_MEM_NO_REUSE, 0);
	NUM(SCST_USER_MEM_REUSE_READ, 1);
	NUM(SCST_USER_MEM_REUSE_WRITE, 2);
	NUM(SCST_USER_MEM_REUSE_ALL, 3);
	NUM(SCST_USER_PARTIAL_TRANSFERS_NOT_SUPPORTED, 0);
	NUM(SCST_USER_PARTIAL_TRANSFERS_SUPPORTED_ORDERED, 1);
	NUM(SCST_USER_PARTIAL_TRANSFERS_SUPPORTED, 2);
	NUM(SCST_USER_SUBCOMMAND, 1);
	NUM(SCST_USER_SUBCOMMAND_FINAL, 2);
	NUM(SCST_EXEC_REPLY_BACKGROUND, 0);
	NUM(SCST_EXEC_REPLY_COMPLETED, 1);
	NUM(SCST_EXEC_REPLY_DO_WRITE_SAME, 2);

	NUM(SCST_USER_DATA_UNKNOWN, 0);
	NUM(SCST_USER_DATA_WRITE, 1);
	NUM(SCST_USER_DATA_READ, 2);
	NUM(SCST_USER_DATA_BIDI, 3);
	NUM(SCST_USER_DATA_NONE, 4);
	NUM(SCST_USER_QUEUE_UNTAGGED, 0);
	NUM(SCST_USER_QUEUE_SIMPLE, 1);
	NUM(SCST_USER_QUEUE_ORDERED, 2);
	NUM(SCST_USER_QUEUE_HEAD_OF_QUEUE, 3);
	NUM(SCST_USER_QUEUE_ACA, 4);
	NUM(SCST_USER_ABORT_TASK, 0);
	NUM(SCST_USER_ABORT_TASK_SET, 1);
	NUM(SCST_USER_CLEAR_ACA, 2);
	NUM(SCST_USER_CLEAR_TASK_SET, 3);
	NUM(SCST_USER_LUN_RESET, 4);
	NUM(SCST_USER_TARGET_RESET, 5);
	NUM(SCST_USER_NEXUS_LOSS_SESS, 6);
	NUM(SCST_USER_ABORT_ALL_TASKS_SESS, 7);
	NUM(SCST_USER_NEXUS_LOSS, 8);
	NUM(SCST_USER_ABORT_ALL_TASKS, 9);
	SNUM(SCST_USER_MGMT_STATUS_SUCCESS, 0);
	SNUM(SCST_USER_MGMT_STATUS_TASK_NOT_EXIST, -1);
	SNUM(SCST_USER_MGMT_STATUS_LUN_NOT_EXIST, -2);
	SNUM(SCST_USER_MGMT_STATUS_FN_NOT_SUPPORTED, -5);
	SNUM(SCST_USER_MGMT_STATUS_REJECTED, -255);
	SNUM(SCST_USER_MGMT_STATUS_FAILED, -129);
	SNUM(SCST_USER_DELIVERY_SUCCESS, 0);
	SNUM(SCST_USER_DELIVERY_FAILED, -1);
	SNUM(SCST_USER_DELIVERY_ABORTED, -2);

	NUM(SCST_MAX_CDB_SIZE, 16);
	NUM(SCST_MAX_NAME, 50);
	NUM(SCST_MAX_EXTERNAL_NAME, 256);
	NUM(SCST_SENSE_BUFFERSIZE, 252);
}

int main(void)
{
	check_structs();
	check_numbers();
	printf("abi_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
