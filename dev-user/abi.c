// SPDX-License-Identifier: GPL-2.0
/*
 * SCST-NG dev-user: the ABI of /dev/scst_user, pinned at build time.
 *
 * The sizes and offsets below are SCST 3.x's struct layout on x86_64 (the
 * layout <scst/scst_user.h> reproduces; its ioctl numbers encode the
 * sizes too). A change to the header that moves a field a handler uses
 * fails the build here instead of corrupting a handler built against
 * SCST's header. Only 64-bit x86 is checked: the numbers are its.
 */
#include <linux/build_bug.h>
#include <linux/stddef.h>
#include <scst/scst_user.h>

#ifdef CONFIG_X86_64
static_assert(sizeof(struct scst_user_opt) == 20);
static_assert(sizeof(struct scst_user_dev_desc) == 160);
static_assert(sizeof(struct scst_user_sess) == 536);
static_assert(sizeof(struct scst_user_scsi_cmd_parse) == 80);
static_assert(sizeof(struct scst_user_scsi_cmd_alloc_mem) == 40);
static_assert(sizeof(struct scst_user_scsi_cmd_exec) == 104);
static_assert(sizeof(struct scst_user_scsi_on_free_cmd) == 16);
static_assert(sizeof(struct scst_user_on_cached_mem_free) == 8);
static_assert(sizeof(struct scst_user_tm) == 24);
static_assert(sizeof(struct scst_user_ext_copy_remap) == 40);
static_assert(sizeof(struct scst_user_get_cmd) == 544);
static_assert(sizeof(struct scst_user_get_multi) == 16);
static_assert(sizeof(struct scst_user_scsi_cmd_reply_parse) == 48);
static_assert(sizeof(struct scst_user_scsi_cmd_reply_alloc_mem) == 8);
static_assert(sizeof(struct scst_user_scsi_cmd_reply_exec) == 40);
static_assert(sizeof(struct scst_user_reply_cmd) == 56);
static_assert(sizeof(struct scst_user_get_ext_cdb) == 16);
static_assert(offsetof(struct scst_user_opt, partial_len) == 4);
static_assert(offsetof(struct scst_user_opt, tst) == 8);
static_assert(offsetof(struct scst_user_opt, d_sense) == 14);
static_assert(offsetof(struct scst_user_dev_desc, type) == 16);
static_assert(offsetof(struct scst_user_dev_desc, sgv_single_alloc_pages) == 20);
static_assert(offsetof(struct scst_user_dev_desc, sgv_purge_interval) == 24);
static_assert(offsetof(struct scst_user_dev_desc, opt) == 28);
static_assert(offsetof(struct scst_user_dev_desc, block_size) == 48);
static_assert(offsetof(struct scst_user_dev_desc, name) == 53);
static_assert(offsetof(struct scst_user_dev_desc, sgv_name) == 103);
static_assert(offsetof(struct scst_user_sess, lun) == 8);
static_assert(offsetof(struct scst_user_sess, threads_num) == 16);
static_assert(offsetof(struct scst_user_sess, rd_only) == 18);
static_assert(offsetof(struct scst_user_sess, initiator_name) == 24);
static_assert(offsetof(struct scst_user_sess, target_name) == 280);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, cdb) == 8);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, cdb_len) == 24);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, lba) == 32);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, data_len) == 40);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, bufflen) == 48);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, queue_type) == 64);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, data_direction) == 65);
static_assert(offsetof(struct scst_user_scsi_cmd_parse, sn) == 76);
static_assert(offsetof(struct scst_user_scsi_cmd_alloc_mem, alloc_len) == 28);
static_assert(offsetof(struct scst_user_scsi_cmd_alloc_mem, data_direction) == 33);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, lba) == 32);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, data_len) == 40);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, bufflen) == 48);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, alloc_len) == 52);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, pbuf) == 56);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, queue_type) == 64);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, data_direction) == 65);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, timeout) == 68);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, p_out_buf) == 72);
static_assert(offsetof(struct scst_user_scsi_cmd_exec, sn) == 84);
static_assert(offsetof(struct scst_user_scsi_on_free_cmd, resp_data_len) == 8);
static_assert(offsetof(struct scst_user_scsi_on_free_cmd, buffer_cached) == 12);
static_assert(offsetof(struct scst_user_scsi_on_free_cmd, status) == 14);
static_assert(offsetof(struct scst_user_scsi_on_free_cmd, delivery_status) == 15);
static_assert(offsetof(struct scst_user_tm, fn) == 8);
static_assert(offsetof(struct scst_user_tm, cmd_h_to_abort) == 12);
static_assert(offsetof(struct scst_user_get_cmd, subcode) == 4);
static_assert(offsetof(struct scst_user_get_cmd, preply) == 8);
static_assert(offsetof(struct scst_user_get_cmd, exec_cmd) == 8);
static_assert(offsetof(struct scst_user_get_multi, replies_cnt) == 8);
static_assert(offsetof(struct scst_user_get_multi, replies_done) == 10);
static_assert(offsetof(struct scst_user_get_multi, cmds_cnt) == 12);
static_assert(offsetof(struct scst_user_get_multi, cmds) == 16);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_parse, data_direction) == 9);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_parse, lba) == 16);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_parse, data_len) == 24);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_parse, bufflen) == 32);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_parse, sense_len) == 8);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_parse, psense_buffer) == 16);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_exec, pbuf) == 8);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_exec, reply_type) == 16);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_exec, status) == 17);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_exec, sense_len) == 24);
static_assert(offsetof(struct scst_user_scsi_cmd_reply_exec, psense_buffer) == 32);
static_assert(offsetof(struct scst_user_reply_cmd, subcode) == 4);
static_assert(offsetof(struct scst_user_reply_cmd, result) == 8);
static_assert(offsetof(struct scst_user_reply_cmd, exec_reply) == 8);
static_assert(offsetof(struct scst_user_get_ext_cdb, ext_cdb_buffer) == 8);
#endif /* CONFIG_X86_64 */
