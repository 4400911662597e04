/*
 * util.h - helpers shared by the C-FFS Check tests: a file system on a
 * memory device, whole-file read and write, fsck on the current image.
 */
#ifndef CFFS_TEST_UTIL_H
#define CFFS_TEST_UTIL_H

#include <check.h>
#include <stddef.h>

#include "cffs/cffs.h"
#include "hostdev.h"

struct tfs {
	struct hostdev  hd;
	struct cffs_fs *fs;
};

/* Layout of tfs_new: tfs_v1 1 legacy, 0 the default (XN); -1 (unset):
 * the default unless the environment has CFFS_TEST_V1 (every suite that
 * does not choose its layout runs over the legacy layout). */
extern int tfs_v1;
int  tfs_legacy(void);
/* mkfs on a fresh memory device of nblocks and mount it. */
void tfs_new(struct tfs *t, uint64_t nblocks);
/* Unmount, run fsck (must be clean) and, with XN, the XN scan (must
 * agree with the bitmap), mount again. */
void tfs_remount(struct tfs *t);
void tfs_free(struct tfs *t);
/* fsck result on the unmounted image of t (t->fs must be NULL). */
int  tfs_fsck(struct tfs *t, int flags);

/* Create path and write len bytes of buf; ck_assert on failure. */
void put_file(struct cffs_fs *fs, const char *path, const void *buf,
              size_t len);
/* Whole file into a malloc'd buffer; *len set; NULL if missing. */
char *get_file(struct cffs_fs *fs, const char *path, size_t *len);
/* Deterministic pattern byte for position i of file seed. */
static inline unsigned char pat(unsigned seed, size_t i)
{
	return (unsigned char)((i * 131 + seed * 7 + (i >> 9)) & 0xff);
}
void fill_pat(unsigned char *p, size_t len, unsigned seed, size_t off);

/* Entries of a directory, sorted, joined with ","; the string stays
 * valid for the next three calls. */
char *list_dir(struct cffs_fs *fs, const char *path);

Suite *ops_suite(void);
Suite *stress_suite(void);
Suite *model_suite(void);
Suite *import_suite(void);
Suite *corrupt_suite(void);
Suite *xn_suite(void);
Suite *journal_suite(void);
Suite *tools_suite(void);
Suite *alloc_suite(void);
Suite *prefetch_suite(void);

#endif
