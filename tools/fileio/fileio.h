/* SPDX-License-Identifier: GPL-2.0 */
/*
 * scst_fileio: a disk served from a file (or a null device) in user
 * space. scsi.c executes the SCSI commands, bufs.c owns the data buffers
 * handed to the kernel, main.c wires them to libscstuser.
 */
#ifndef FILEIO_H
#define FILEIO_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <scst/scst_user.h>

/* SCSI status codes (SAM-5) used in replies. */
#define FIO_GOOD		0x00
#define FIO_CHECK_CONDITION	0x02
#define FIO_TASK_SET_FULL	0x28

/* Length of the sense data fio_exec() builds, per format. */
#define FIO_FIXED_SENSE_LEN	18
#define FIO_DESC_SENSE_LEN	8

/**
 * struct fio_dev - the disk
 * @name:        the device name (also the INQUIRY product and the IDs)
 * @fd:          the backing file, or -1 with @nullio
 * @nullio:      no backing store: reads return zeroes, writes are dropped
 * @rd_only:     writes fail with DATA PROTECT
 * @wt:          write-through (the file is open O_DSYNC; WCE is 0)
 * @block_size:  logical block size, a power of two from 512 to 4096
 * @block_shift: log2(@block_size)
 * @nblocks:     capacity in blocks
 * @opt:         the control mode page fields (tst, qerr, tas, swp,
 *               d_sense, queue_alg), as registered
 * @id:          a 64-bit ID derived from @name, for the serial and NAA IDs
 */
struct fio_dev {
	const char *name;
	int fd;
	int nullio;
	int rd_only;
	int wt;
	uint32_t block_size;
	unsigned int block_shift;
	uint64_t nblocks;
	struct scst_user_opt opt;
	uint64_t id;
};

/* Fill @dev's block_shift and id; 0, or -EINVAL for a bad block size. */
int fio_dev_init(struct fio_dev *dev);

/*
 * Execute one EXEC: @buf is the command's data buffer of cmd->bufflen
 * bytes (write data in, read data out), @sense a SCST_SENSE_BUFFERSIZE
 * buffer that must stay valid until the reply is sent. Fills @reply:
 * reply_type, status, resp_data_len and sense. @reply->pbuf is left to
 * the caller.
 */
void fio_exec(struct fio_dev *dev, const struct scst_user_scsi_cmd_exec *cmd,
	      uint8_t *buf, struct scst_user_scsi_cmd_reply_exec *reply,
	      uint8_t *sense);

/* Answer a PARSE: the data direction and lengths this CDB needs. */
void fio_parse(struct fio_dev *dev, const struct scst_user_scsi_cmd_parse *cmd,
	       struct scst_user_scsi_cmd_reply_parse *reply);

/* How a handler-allocated buffer came back. */
enum fio_buf_release {
	FIO_BUF_ON_FREE,	/* ON_FREE_CMD, buffer not cached */
	FIO_BUF_CACHED,		/* ON_CACHED_MEM_FREE */
	FIO_BUF_AT_EXIT,	/* still held when the device went away */
	FIO_BUF_NR_RELEASE,
};

struct fio_buf;

/**
 * struct fio_bufs - every buffer given to the kernel, by address
 * @allocated: buffers allocated
 * @freed:     buffers freed, by how they came back
 * @unknown:   frees of addresses not in the table (refused, logged)
 * @failed:    allocations that failed
 */
struct fio_bufs {
	pthread_mutex_t lock;
	struct fio_buf **hash;
	size_t nbuckets;
	size_t held;
	unsigned long long allocated;
	unsigned long long freed[FIO_BUF_NR_RELEASE];
	unsigned long long unknown;
	unsigned long long failed;
};

int fio_bufs_init(struct fio_bufs *b);
/* A page-aligned buffer of at least @len bytes, or NULL. */
void *fio_buf_alloc(struct fio_bufs *b, size_t len);
/* Free @p; -ENOENT (nothing freed) if it is not a buffer of @b. */
int fio_buf_free(struct fio_bufs *b, void *p, enum fio_buf_release why);
/* Free every buffer still held; returns how many. */
size_t fio_bufs_release_all(struct fio_bufs *b);
void fio_bufs_destroy(struct fio_bufs *b);

#endif /* FILEIO_H */
