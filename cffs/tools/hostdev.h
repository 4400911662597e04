/*
 * hostdev.h - a C-FFS block device over a host file or over memory,
 * for the host tools, the tests and the fuzzer (not part of the library).
 */
#ifndef CFFS_HOSTDEV_H
#define CFFS_HOSTDEV_H

#include "cffs/cffs.h"

struct hostdev {
	struct cffs_bdev dev;
	int      fd;            /* file device, -1 for memory */
	uint8_t *mem;           /* memory device */
	int      fail_after;    /* memory: fail writes after this many (-1 never) */
	uint64_t nreads, nwrites;       /* device requests, for tests */
};

/* Open IMAGE (create and size it when size > 0).  0 or -errno. */
int  hostdev_open(struct hostdev *hd, const char *path, uint64_t size,
                  int rdonly);
/* A memory device of nblocks blocks holding a copy of img (may be NULL). */
int  hostdev_mem(struct hostdev *hd, uint64_t nblocks, const void *img,
                 size_t imglen);
void hostdev_close(struct hostdev *hd);

#endif
