/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCST-NG dev-vdisk (scst_vdisk): virtual disks and CD-ROMs. One module,
 * four device handlers:
 *
 *   vdisk_nullio  no backing store; endpoint SCST_EP_VDISK, which never
 *                 sleeps, so a command runs to completion in the
 *                 submitter's context (no context switch per I/O)
 *   vdisk_fileio  a file (buffered or O_DIRECT)     } endpoint
 *   vdisk_blockio a block device (bios)             } SCST_EP_VDISK_IO,
 *   vcdrom        an ISO image, media changeable    } a thread pool
 *                 (vdisk_fileio's commands reach SCST_EP_VDISK first: a
 *                 READ the page cache holds is copied there)
 *
 * Files, one concern each:
 *   main.c      module init/exit, the two endpoints, CMD_EXEC dispatch,
 *               CMD_ABORT, TMF_EXEC, VDISK_IO_DONE, vdisk_cmd_done()
 *   handlers.c  the four struct scst_handler_ops: create/destroy/enable
 *   configfs.c  the device attributes (filename, size, blocksize, ...)
 *   nullio.c    the nullio backend
 *   fileio.c    the fileio backend (also serves vcdrom's image)
 *   blockio.c   the blockio backend
 *   spc.c       TEST UNIT READY, INQUIRY and its VPD pages, READ CAPACITY,
 *               START STOP UNIT, PREVENT ALLOW MEDIUM REMOVAL, FORMAT UNIT
 *   sbc_io.c    the commands that move data to or from the store: READ,
 *               WRITE, WRITE AND VERIFY, VERIFY, SYNCHRONIZE CACHE, WRITE
 *               SAME, UNMAP, COMPARE AND WRITE, GET LBA STATUS; errno to
 *               sense
 *   mode.c      MODE SENSE/SELECT (pages 0x01 0x02 0x08 0x0a 0x1c, saved
 *               values), LOG SENSE
 *   cdrom.c     vcdrom's MMC commands: READ TOC, GET CONFIGURATION, GET
 *               EVENT STATUS NOTIFICATION, READ DISC INFORMATION ...; media
 *               change
 *
 * Contexts: every vdisk_*_exec() runs in the handler's endpoint: for
 * nullio with preemption disabled (must not sleep), for the others in a
 * pool thread (may sleep); vdisk_sbc_read_cached() runs in SCST_EP_VDISK.
 * Backend I/O may end in any context, hard IRQ included: vdisk_io_done()
 * turns that into a VDISK_IO_DONE message whose handler (SCST_EP_VDISK,
 * never sleeps) finishes the command.
 */
#ifndef _SCST_VDISK_H
#define _SCST_VDISK_H

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <scst/cmd.h>
#include <scst/handler.h>

#define VDISK_NAME		"scst_vdisk"

#define vdisk_err(vd, fmt, ...)						\
	pr_err_ratelimited(VDISK_NAME ": %s: " fmt, (vd)->dev->name, ##__VA_ARGS__)
#define vdisk_info(vd, fmt, ...)					\
	pr_info(VDISK_NAME ": %s: " fmt, (vd)->dev->name, ##__VA_ARGS__)

/* Identification strings (SPC-4 INQUIRY and VPD 0x80/0x83), with the NUL */
#define VDISK_VEND_ID_LEN	(8 + 1)
#define VDISK_PROD_ID_LEN	(16 + 1)
#define VDISK_PROD_REV_LEN	(4 + 1)
#define VDISK_USN_LEN		(32 + 1)
#define VDISK_DEV_ID_LEN	(64 + 1)
#define VDISK_NAA_ID_LEN	(32 + 1)	/* hex digits of NAA 5 or 6 */

/*
 * Block limits VPD page 0xB0 advertises (spc.c); sbc_io.c refuses more
 * with INVALID FIELD IN CDB (or IN PARAMETER LIST for UNMAP's). The
 * UNMAP limits are advertised only with thin_provisioned.
 */
#define VDISK_MAX_CAW_BLOCKS		1	/* COMPARE AND WRITE */
#define VDISK_MAX_UNMAP_LBA_COUNT	0x100000	/* per UNMAP */
#define VDISK_MAX_UNMAP_DESCRIPTORS	256	/* per UNMAP */
#define VDISK_MAX_WRITE_SAME_BLOCKS	0x400000	/* per WRITE SAME */
/* WSNZ: a WRITE SAME of zero blocks (to the end of the medium) is refused */

enum vdisk_kind {
	VDISK_NULLIO,
	VDISK_FILEIO,
	VDISK_BLOCKIO,
	VDISK_CDROM,
};

/*
 * Mode parameters that change what the device does (mode.c owns their
 * pages; the others read them). One set is current, one saved.
 *
 * D_SENSE, TAS and QErr of the control page are not here: the core acts
 * on them, so they live in struct scst_device (dev->d_sense, dev->tas,
 * dev->qerr) and the control page reports and changes those.
 */
struct vdisk_mode_params {
	bool wce;		/* caching page: write cache enabled */
	bool rcd;		/* caching page: read cache disabled */
	bool swp;		/* control page: software write protect */
	u8 tst;			/* control page: task set type (fixed) */
	u8 mrie;		/* informational exceptions page */
	bool dexcpt;		/* informational exceptions page */
};

/*
 * Logical block provisioning thresholds are counted in sets of
 * 2^VDISK_LBP_THRESHOLD_EXP logical blocks: VPD page 0xB2's THRESHOLD
 * EXPONENT, and the unit of the LBP log page's resource counts (SBC-3).
 */
#define VDISK_LBP_THRESHOLD_EXP	0

struct vdisk_dev;

/**
 * struct vdisk_backend - how one kind of store is read and written
 * @open:     at enable, process context: open @vd->filename (if the kind
 *            has one) and set @vd->store_size, @vd->can_discard and
 *            @vd->can_flush; -errno refuses the enable (logged)
 * @close:    at disable, process context
 * @submit_rw: the hot path of READ and WRITE: move @len bytes at byte
 *            offset @pos between @cmd->sg and the store, with FUA if
 *            @fua; end by vdisk_io_done(@cmd, 0 or -errno), from any
 *            context, possibly before returning. Runs in the endpoint.
 * @rw_sync:  the same, synchronously, on any scatterlist, for commands
 *            that read or write more than once (VERIFY, WRITE SAME,
 *            COMPARE AND WRITE); returns 0 or -errno
 * @flush:    make @len bytes at @pos (0, 0: everything) durable
 * @discard:  deallocate @len bytes at @pos; a later read returns zeros
 * @mapped:   GET LBA STATUS: whether the byte at @pos is mapped, and for
 *            how many bytes from @pos the answer holds (*@len); NULL:
 *            everything is mapped
 * @resize:   grow or shrink the store to @size bytes while enabled
 *            (process context); NULL: the size comes from the store and
 *            cannot be set
 */
struct vdisk_backend {
	int (*open)(struct vdisk_dev *vd);
	void (*close)(struct vdisk_dev *vd);
	void (*submit_rw)(struct vdisk_dev *vd, struct scst_cmd *cmd,
			  bool write, loff_t pos, u32 len, bool fua);
	int (*rw_sync)(struct vdisk_dev *vd, bool write, loff_t pos,
		       struct scatterlist *sg, u32 len, bool fua);
	int (*flush)(struct vdisk_dev *vd, loff_t pos, loff_t len);
	int (*discard)(struct vdisk_dev *vd, loff_t pos, loff_t len);
	int (*mapped)(struct vdisk_dev *vd, loff_t pos, loff_t *len,
		      bool *mapped);
	int (*resize)(struct vdisk_dev *vd, loff_t size);
};

extern const struct vdisk_backend vdisk_nullio_backend;
extern const struct vdisk_backend vdisk_fileio_backend;
extern const struct vdisk_backend vdisk_blockio_backend;

/**
 * struct vdisk_dev - one virtual disk (dev->handler_priv)
 *
 * Attributes (configfs.c), set while the device is disabled unless said.
 * Write protection is the core's read_only attribute (dev->read_only):
 * the core refuses medium writes with DATA PROTECT before they get here.
 *
 * @filename:        backing file, block device or ISO image; vcdrom: may
 *                   change while enabled (media change), "" = no medium
 * @size:            bytes; nullio: its size; others: 0 = the store's size;
 *                   written while enabled it resizes (CAPACITY DATA HAS
 *                   CHANGED)
 * @blocksize:       logical block size: 512 or 4096 (vcdrom: 2048)
 * @nv_cache:        the store's cache is non-volatile: SYNCHRONIZE CACHE
 *                   and FUA need not flush
 * @write_through:   every write is FUA; the caching page reports WCE 0
 * @o_direct:        fileio: open with O_DIRECT
 * @thin_provisioned: advertise LBP (UNMAP, WRITE SAME with UNMAP, GET LBA
 *                   STATUS, VPD 0xB2)
 * @rotational:      VPD 0xB1 medium rotation rate (1 = non-rotating)
 * @removable:       INQUIRY RMB
 * @read_zero:       nullio: reads return zeros (else the buffer as is)
 * @t10_vend_id, @prod_id, @prod_rev, @t10_dev_id, @usn, @naa_id: INQUIRY
 *                   and VPD 0x80/0x83 identification; defaults made at
 *                   create from the device name
 *
 * Runtime:
 * @enabled:         between a successful enable and the disable (set by
 *                   handlers.c; attributes that may change while enabled,
 *                   such as vcdrom's filename and size, read it)
 * @kind, @be:       what it is and its backend (fixed at create)
 * @file, @bdev:     the open store (fileio/vcdrom, blockio)
 * @store_size:      bytes the store has (set by @be->open)
 * @read_cached:     fileio: READs try fileio_read_cached() first (set by
 *                   @be->open)
 * @can_discard, @can_flush: what the store supports
 * @lock:            protects @mode_cur, @mode_saved, @prevent, @stopped,
 *                   @media_changed and the saved_* fields (any context)
 * @caw_mutex:       serialises COMPARE AND WRITE against itself (sleeping
 *                   backends; nullio has nothing to compare)
 * @mode_cur, @mode_saved: mode parameters (mode.c)
 * @prevent:         PREVENT ALLOW MEDIUM REMOVAL: removal prevented
 * @stopped:         START STOP UNIT stopped it: media access is NOT READY
 * @media_changed:   vcdrom: a new medium awaits GET EVENT STATUS
 * @saved_d_sense, @saved_tas, @saved_qerr: the saved control page's
 *                   D_SENSE, TAS and QErr (mode.c); the current ones are
 *                   the core's dev->d_sense, dev->tas, dev->qerr
 */
struct vdisk_dev {
	struct scst_device *dev;
	bool enabled;
	enum vdisk_kind kind;
	const struct vdisk_backend *be;

	char *filename;
	u64 size;
	u32 blocksize;
	bool nv_cache;
	bool write_through;
	bool o_direct;
	bool thin_provisioned;
	bool rotational;
	bool removable;
	bool read_zero;
	char t10_vend_id[VDISK_VEND_ID_LEN];
	char prod_id[VDISK_PROD_ID_LEN];
	char prod_rev[VDISK_PROD_REV_LEN];
	char t10_dev_id[VDISK_DEV_ID_LEN];
	char usn[VDISK_USN_LEN];
	char naa_id[VDISK_NAA_ID_LEN];

	struct file *file;
	struct block_device *bdev;
	loff_t store_size;
	bool read_cached;
	bool can_discard;
	bool can_flush;

	spinlock_t lock;	/* mode pages, prevent, stopped, media state */
	struct mutex caw_mutex;	/* COMPARE AND WRITE is atomic */
	struct vdisk_mode_params mode_cur;
	struct vdisk_mode_params mode_saved;
	bool prevent;
	bool stopped;
	bool media_changed;
	bool saved_d_sense;
	bool saved_tas;
	u8 saved_qerr;
};

static inline struct vdisk_dev *vdisk_of(const struct scst_cmd *cmd)
{
	return cmd->dev->handler_priv;
}

/*
 * Executors: each takes the command it knows and returns true (it will end
 * it with vdisk_cmd_done()), or false, touching nothing. main.c tries them
 * in turn; a command none takes gets INVALID COMMAND OPERATION CODE.
 */
bool vdisk_spc_exec(struct vdisk_dev *vd, struct scst_cmd *cmd);
bool vdisk_sbc_io_exec(struct vdisk_dev *vd, struct scst_cmd *cmd);
bool vdisk_mode_exec(struct vdisk_dev *vd, struct scst_cmd *cmd);
bool vdisk_cdrom_exec(struct vdisk_dev *vd, struct scst_cmd *cmd);

/* READ from the page cache, in any task context (fileio.c) */
bool fileio_read_cached(struct vdisk_dev *vd, struct scst_cmd *cmd,
			loff_t pos, u32 len);
/* fileio's READ that fileio_read_cached() served, else false (sbc_io.c) */
bool vdisk_sbc_read_cached(struct vdisk_dev *vd, struct scst_cmd *cmd);

/* The command's outcome is set: reply CMD_EXEC_DONE (endpoint context). */
void vdisk_cmd_done(struct scst_cmd *cmd);
/* Backend I/O ended (any context): finish @cmd with @error's sense. */
void vdisk_io_done(struct scst_cmd *cmd, int error);
/* Set the sense an I/O error deserves (sbc_io.c): MEDIUM ERROR ... */
void vdisk_set_io_error(struct scst_cmd *cmd, int error, bool write);

/* Mode parameters (mode.c): defaults at create, saved ones at reset. */
void vdisk_mode_init(struct vdisk_dev *vd);
void vdisk_mode_reset(struct vdisk_dev *vd);

/*
 * vcdrom (cdrom.c): replace the medium of an enabled vcdrom by the image
 * @filename ("" ejects it): close the old one, open the new one, set
 * @vd->filename, the capacity and the media-change state; on failure
 * leave no medium. Process context; the caller serialises it with
 * enable, disable and other changes (configfs.c: filename written while
 * enabled; spc.c: START STOP UNIT with LOEJ).
 */
int vdisk_cdrom_change_media(struct vdisk_dev *vd, const char *filename);

/* Copy between a scatterlist and a linear buffer (spc.c). */
size_t vdisk_sg_copy_from(struct scst_cmd *cmd, const void *buf,
			  size_t len);
size_t vdisk_sg_copy_to(struct scst_cmd *cmd, void *buf, size_t len);

#endif /* _SCST_VDISK_H */
