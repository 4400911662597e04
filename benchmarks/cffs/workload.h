/*
 * workload.h: the file-system workload of `make bench-cffs`, one source
 * for both sides: benchmarks/cffs/cffsbench.c (C-FFS's library API in a
 * Xok environment) and benchmarks/linux/lcffs.c (POSIX calls on ext2
 * under Linux).  Each side defines the operations below and includes
 * this file; run_workload() prints "BENCH|name|value|unit" lines
 * (higher is better: files/s and MB/s).
 *
 *   small files (the C-FFS paper's benchmark): create NFILES files of
 *   FILE_SIZE bytes spread over NDIRS directories (NFILES / NDIRS in
 *   each, directory by directory) and sync; make the caches cold; read
 *   every file back in creation order; delete them all and sync.
 *   large file: write BIG_SIZE bytes sequentially in CHUNK pieces and
 *   sync; make the caches cold; read it back in CHUNK pieces.
 *
 * Every phase is timed once from its first call to the end of its
 * sync: 10,000 operations are their own average.  Contents are made and
 * checked inside the timed loops, the same way on both sides (a fill,
 * and a memcmp on the way back, per file or chunk).
 *
 * Operations (return < 0 on failure):
 *   fs_mkdir(path)                    make a directory
 *   fs_put(path, buf, len)            create a file holding buf
 *   fs_get(path, buf, len)            read up to len bytes: the count
 *   fs_unlink(path)                   remove a file
 *   fs_open(path, create)             open (create) the large file
 *   fs_pwrite(off, buf, len)          write to it: the count
 *   fs_pread(off, buf, len)           read from it: the count
 *   fs_close()                        close it
 *   fs_sync()                         everything on disk
 *   fs_cold()                         sync, then no cached file data or
 *                                     metadata left in memory
 *   now_ns()                          a monotonic clock in nanoseconds
 *   fs_phase_begin()                  a timed phase starts (after now_ns)
 *   fs_phase_end(ns)                  it ended, after ns (before its rate
 *                                     is printed): a side may print where
 *                                     the time went
 */
#ifndef BENCH_CFFS_WORKLOAD_H
#define BENCH_CFFS_WORKLOAD_H

#define NFILES    10000u
#define NDIRS     100u
#define FILE_SIZE 1024u
#define BIG_SIZE  (16u << 20)
#define CHUNK     (64u << 10)

static int  fs_mkdir(const char *path);
static int  fs_put(const char *path, const void *buf, uint32_t len);
static long fs_get(const char *path, void *buf, uint32_t len);
static int  fs_unlink(const char *path);
static int  fs_open(const char *path, int create);
static long fs_pwrite(uint64_t off, const void *buf, uint32_t len);
static long fs_pread(uint64_t off, void *buf, uint32_t len);
static int  fs_close(void);
static int  fs_sync(void);
static int  fs_cold(void);
static uint64_t now_ns(void);
static void fs_phase_begin(void);
static void fs_phase_end(uint64_t ns);

static uint8_t wl_want[CHUNK], wl_got[CHUNK];

static void
wl_name(char *out, uint32_t i)
{
	snprintf(out, 64, "%sd%02u/f%05u", FS_ROOT, i / (NFILES / NDIRS), i);
}

static void
wl_fill(uint8_t *p, uint32_t len, uint32_t seed)
{
	uint32_t k;

	for (k = 0; k < len; k++)
		p[k] = (uint8_t)(seed * 7u + k * 13u + (k >> 8));
}

static void
wl_rate(const char *name, uint64_t n, uint64_t ns, const char *unit)
{
	/* n files, or n bytes for MB/s (one decimal), in ns nanoseconds */
	uint64_t v;

	ns = ns ? ns : 1;
	if (unit[0] == 'M') {
		v = n * 10000u / ns;
		printf("BENCH|%s|%lu.%lu|%s\n", name, (unsigned long)(v / 10),
		    (unsigned long)(v % 10), unit);
	} else {
		v = n * 1000000000u / ns;
		printf("BENCH|%s|%lu|%s\n", name, (unsigned long)v, unit);
	}
}

#define WL_FAIL(what, i, r) do { \
	printf("BENCH-ERROR %s (item %u): %ld\n", what, (unsigned)(i), \
	    (long)(r)); \
	return; \
} while (0)

static void
run_workload(void)
{
	char path[64];
	uint64_t t, ns;
	uint32_t i;
	long r;

	/* small files: create (directories too) and sync */
	t = now_ns();
	fs_phase_begin();
	for (i = 0; i < NDIRS; i++) {
		snprintf(path, sizeof(path), "%sd%02u", FS_ROOT, i);
		if ((r = fs_mkdir(path)) < 0)
			WL_FAIL("mkdir", i, r);
	}
	for (i = 0; i < NFILES; i++) {
		wl_name(path, i);
		wl_fill(wl_want, FILE_SIZE, i);
		if ((r = fs_put(path, wl_want, FILE_SIZE)) < 0)
			WL_FAIL("create", i, r);
	}
	if ((r = fs_sync()) < 0)
		WL_FAIL("sync after create", 0, r);
	ns = now_ns() - t;
	fs_phase_end(ns);
	wl_rate("small files: create 10,000 x 1 KiB in 100 dirs + sync",
	    NFILES, ns, "files/s");

	if ((r = fs_cold()) < 0)
		WL_FAIL("cold caches", 0, r);
	t = now_ns();
	fs_phase_begin();
	for (i = 0; i < NFILES; i++) {
		wl_name(path, i);
		if ((r = fs_get(path, wl_got, FILE_SIZE + 1)) != FILE_SIZE)
			WL_FAIL("read", i, r);
		wl_fill(wl_want, FILE_SIZE, i);
		if (memcmp(wl_got, wl_want, FILE_SIZE) != 0)
			WL_FAIL("contents", i, -1);
	}
	ns = now_ns() - t;
	fs_phase_end(ns);
	wl_rate("small files: read all, cold cache", NFILES, ns, "files/s");

	t = now_ns();
	fs_phase_begin();
	for (i = 0; i < NFILES; i++) {
		wl_name(path, i);
		if ((r = fs_unlink(path)) < 0)
			WL_FAIL("unlink", i, r);
	}
	if ((r = fs_sync()) < 0)
		WL_FAIL("sync after delete", 0, r);
	ns = now_ns() - t;
	fs_phase_end(ns);
	wl_rate("small files: delete all + sync", NFILES, ns, "files/s");

	/* large file: sequential write and sync, cold sequential read */
	snprintf(path, sizeof(path), "%sbig", FS_ROOT);
	t = now_ns();
	fs_phase_begin();
	if ((r = fs_open(path, 1)) < 0)
		WL_FAIL("create big", 0, r);
	for (i = 0; i < BIG_SIZE / CHUNK; i++) {
		wl_fill(wl_want, CHUNK, i);
		if ((r = fs_pwrite((uint64_t)i * CHUNK, wl_want, CHUNK)) !=
		    CHUNK)
			WL_FAIL("write big", i, r);
	}
	if ((r = fs_close()) < 0 || (r = fs_sync()) < 0)
		WL_FAIL("sync big", 0, r);
	ns = now_ns() - t;
	fs_phase_end(ns);
	wl_rate("large file: write 16 MiB sequentially + sync", BIG_SIZE, ns,
	    "MB/s");

	if ((r = fs_cold()) < 0)
		WL_FAIL("cold caches", 1, r);
	t = now_ns();
	fs_phase_begin();
	if ((r = fs_open(path, 0)) < 0)
		WL_FAIL("open big", 0, r);
	for (i = 0; i < BIG_SIZE / CHUNK; i++) {
		if ((r = fs_pread((uint64_t)i * CHUNK, wl_got, CHUNK)) !=
		    CHUNK)
			WL_FAIL("read big", i, r);
		wl_fill(wl_want, CHUNK, i);
		if (memcmp(wl_got, wl_want, CHUNK) != 0)
			WL_FAIL("big contents", i, -1);
	}
	fs_close();
	ns = now_ns() - t;
	fs_phase_end(ns);
	wl_rate("large file: read 16 MiB sequentially, cold cache", BIG_SIZE,
	    ns, "MB/s");
}

#endif
