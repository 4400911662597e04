/*
 * fsjournal.h: C-FFS's commit journal in the family's shared region
 * (fsjournal.c), for fsroot.c.  Under the file system's lock.
 */
#ifndef EXOS_POSIX_FSJOURNAL_H
#define EXOS_POSIX_FSJOURNAL_H

#include <stdint.h>

struct cffs_fs;

/* Blocks one commit may journal: as many as C-FFS's cache holds
 * (PX_FS_CACHE_BLOCKS, posix.mk; fsjournal.c checks it when built), since
 * a commit's blocks are all in it; so every commit is journaled whole.
 * One with more (a cache made larger than the journal) is refused: its
 * commit fails before any change (cffs.h), and is counted. */
#define PX_FSJ_MAX 128

/* The journal, object PX_ROOT_FSJ of the shared region (a page of
 * header, then the images).  Here for the tests, which forge one. */
#define PX_FSJ_VALID 0x6a6f75726e616c31ull      /* "journal1" */
struct px_fsj {
	volatile uint64_t state;        /* PX_FSJ_VALID, or 0: none */
	volatile uint64_t env;          /* the environment that wrote it */
	uint32_t n;
	uint32_t blk[PX_FSJ_MAX];
	uint16_t type[PX_FSJ_MAX];
	/* counts, for tests and the curious (struct px_fsj_stats) */
	uint64_t written, toolarge, replayed, failed;
	uint8_t img[PX_FSJ_MAX][4096] __attribute__((aligned(4096)));
};

/* Give the mount fs the family's journal (none if the shared region
 * cannot hold it). */
void px_fsj_attach(struct cffs_fs *fs);
/* A dead process's commit left in the journal: finish it.  1 if one was
 * replayed (the caller forgets its cache: blocks changed), 0 if there
 * was none, or a C-FFS error (the journal is dropped). */
long px_fsj_replay(struct cffs_fs *fs);

struct px_fsj_stats {
	uint64_t written;       /* commits journaled */
	uint64_t toolarge;      /* commits of more than PX_FSJ_MAX blocks,
	                         * refused (none while the cache fits) */
	uint64_t replayed;      /* dead processes' commits finished */
	uint64_t failed;        /* replays that failed */
};
/* The family's counts: 0, or -1 if nobody made the journal. */
int px_fsj_stats(struct px_fsj_stats *st);

#endif
