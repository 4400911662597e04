/*
 * lcffs.c: the Linux side of `make bench-cffs`: the workload of
 * benchmarks/cffs/workload.h with POSIX calls on the file system made on
 * /dev/vda by the host (scripts/bench-cffs: ext4 or ext2, 4 KiB blocks),
 * mounted at /mnt with noatime (C-FFS does not update access times on
 * reads either); its type is the first argument ("ext4" or "ext2";
 * Debian's kernel mounts both with its ext4 driver).  fs_sync is
 * sync(2); making the caches cold is sync(2) and
 * `echo 3 > /proc/sys/vm/drop_caches` (page cache, dentries and inodes).
 * Prints "BENCH|name|value|unit" lines.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FS_ROOT "/mnt/"

static int bigfd = -1;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/* Linux's side reports rates only. */
static void
fs_phase_begin(void)
{
}

static void
fs_phase_end(uint64_t ns)
{
	(void)ns;
}

static int
fs_mkdir(const char *path)
{
	return mkdir(path, 0755) < 0 ? -errno : 0;
}

static int
fs_put(const char *path, const void *buf, uint32_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	ssize_t k;

	if (fd < 0)
		return -errno;
	k = write(fd, buf, len);
	close(fd);
	return k == (ssize_t)len ? 0 : -EIO;
}

static long
fs_get(const char *path, void *buf, uint32_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t k;

	if (fd < 0)
		return -errno;
	k = read(fd, buf, len);
	close(fd);
	return k < 0 ? -errno : (long)k;
}

static int
fs_unlink(const char *path)
{
	return unlink(path) < 0 ? -errno : 0;
}

static int
fs_open(const char *path, int create)
{
	bigfd = open(path, create ? O_RDWR | O_CREAT | O_TRUNC : O_RDONLY,
	    0644);
	return bigfd < 0 ? -errno : 0;
}

static long
fs_pwrite(uint64_t off, const void *buf, uint32_t len)
{
	ssize_t k = pwrite(bigfd, buf, len, (off_t)off);

	return k < 0 ? -errno : (long)k;
}

static long
fs_pread(uint64_t off, void *buf, uint32_t len)
{
	ssize_t k = pread(bigfd, buf, len, (off_t)off);

	return k < 0 ? -errno : (long)k;
}

static int
fs_close(void)
{
	int r = close(bigfd);

	bigfd = -1;
	return r < 0 ? -errno : 0;
}

static int
fs_sync(void)
{
	sync();
	return 0;
}

static int
fs_cold(void)
{
	int fd;

	sync();
	if ((fd = open("/proc/sys/vm/drop_caches", O_WRONLY)) < 0)
		return -errno;
	if (write(fd, "3\n", 2) != 2) {
		close(fd);
		return -EIO;
	}
	close(fd);
	return 0;
}

#include "../cffs/workload.h"

int
main(int argc, char **argv)
{
	const char *type = argc > 1 ? argv[1] : "ext4";

	mkdir("/mnt", 0755);
	if (mount("/dev/vda", "/mnt", type, MS_NOATIME, NULL) < 0) {
		printf("BENCH-ERROR mount %s on /dev/vda: %s\n", type,
		    strerror(errno));
		goto out;
	}
	printf("BENCH-START disk /dev/vda, linux %s, noatime\n", type);
	run_workload();
	if (umount("/mnt") < 0)
		printf("BENCH-ERROR umount: %s\n", strerror(errno));
out:
	printf("BENCH-END\n");
	fflush(stdout);
	sync();                 /* /init powers off */
	return 0;
}
