/*
 * xn/host.h: host-only disks for XN (tests, tools): a file-backed disk and
 * a memory disk that can record its write stream for crash simulation.
 * Not part of the kernel build.
 */
#ifndef XN_HOST_H
#define XN_HOST_H

#include <xn/xn.h>

struct xn_filedisk {
	struct xn_disk disk;
	int fd;
	int sync;            /* fsync on flush */
};

/* Open (create = 1: create or resize to nblocks) a disk image file. */
int xn_filedisk_open(struct xn_filedisk *fd, const char *path,
                     uint32_t nblocks, int create, int sync);
void xn_filedisk_close(struct xn_filedisk *fd);
/* Batched writes and reads for xn_set_batch() (ctx: the xn_filedisk). */
extern const struct xn_disk_batch xn_filedisk_batch;

struct xn_memlog {
	uint32_t block;          /* XN_NOBLOCK marks a flush */
	uint8_t *data;
};

struct xn_memdisk {
	struct xn_disk disk;
	uint8_t *data;           /* nblocks * XN_BLOCK_SIZE */
	int logging;             /* record writes and flushes */
	struct xn_memlog *log;
	uint32_t nlog, caplog;
	int64_t fail_after;      /* >= 0: writes after this many fail */
	uint64_t nwrites;
};

int xn_memdisk_init(struct xn_memdisk *m, uint32_t nblocks);
void xn_memdisk_free(struct xn_memdisk *m);
void xn_memdisk_log_clear(struct xn_memdisk *m);
/* Apply the first n logged writes to image (a copy of the disk). */
void xn_memdisk_replay(const struct xn_memdisk *m, uint8_t *image,
                       uint32_t n);
/* Batched writes and reads for xn_set_batch(): each block logged, and
   failing, as a single write or read would be. */
extern const struct xn_disk_batch xn_memdisk_batch;

#endif /* XN_HOST_H */
