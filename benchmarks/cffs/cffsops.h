/*
 * cffsops.h: the workload's file operations (benchmarks/cffs/workload.h)
 * on C-FFS's library API (cffs/include/cffs/cffs.h), shared by the two
 * programs that run C-FFS: benchmarks/cffs/cffsbench.c (in a Xok
 * environment, over XN) and benchmarks/linux/lcffsctl.c (a Linux
 * program over /dev/vda, the control).  Each defines fs_cold, now_ns
 * and the phase hooks itself.
 */
#ifndef BENCH_CFFS_OPS_H
#define BENCH_CFFS_OPS_H

static struct cffs_fs *fs;
static char big[64];

static int
fs_mkdir(const char *path)
{
	return cffs_mkdir(fs, path, 0755, 0, 0);
}

static int
fs_put(const char *path, const void *buf, uint32_t len)
{
	long r;

	if ((r = cffs_create(fs, path, 0644, 0, 0)) < 0)
		return (int)r;
	r = cffs_write(fs, path, 0, buf, len);
	return r == (long)len ? 0 : r < 0 ? (int)r : -CFFS_EIO;
}

static long
fs_get(const char *path, void *buf, uint32_t len)
{
	return cffs_read(fs, path, 0, buf, len);
}

static int
fs_unlink(const char *path)
{
	return cffs_unlink(fs, path);
}

/* The API names files by path; the large file's "handle" is its name. */
static int
fs_open(const char *path, int create)
{
	snprintf(big, sizeof(big), "%s", path);
	return create ? cffs_create(fs, path, 0644, 0, 0) : 0;
}

static long
fs_pwrite(uint64_t off, const void *buf, uint32_t len)
{
	return cffs_write(fs, big, off, buf, len);
}

static long
fs_pread(uint64_t off, void *buf, uint32_t len)
{
	return cffs_read(fs, big, off, buf, len);
}

static int
fs_close(void)
{
	return 0;
}

static int
fs_sync(void)
{
	return cffs_sync(fs);
}

#endif
