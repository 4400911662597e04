/*
 * pfiles.c: the file and pipe rows of `make bench-posix`
 * (scripts/bench-posix-files), one source for both sides.  Built with
 * exos-cc it runs as the first ExOS process on Xok with a fresh C-FFS
 * disk (scripts/exos-run --disk); built with musl-gcc -static it runs
 * in a Linux guest (scripts/linux-guest --disk) on a fresh ext4 or ext2
 * disk that it mounts itself (-m TYPE: /dev/vda on DIR, noatime).
 *
 *   pipe      1-byte ping-pong between two processes: the parent
 *             writes a byte into one pipe, the child reads it and
 *             writes it back through another, the parent reads it;
 *             ns per round trip (median of many runs)
 *   open      open(O_RDONLY) + close of an existing 1 KiB file, ns
 *   stat      stat of the same file, ns
 *   small files, the C-FFS paper's benchmark through POSIX calls:
 *             NFILES files of 1 KiB in NDIRS directories (directory by
 *             directory); each phase timed once, from its first call
 *             to the end of the sync() that closes it (the same rule on
 *             both sides), in files/s:
 *     create  mkdir the directories, then open(O_CREAT|O_EXCL|O_WRONLY)
 *             + write 1 KiB + close each file; sync()
 *     read    open + read (1 KiB + 1 asked: exactly 1 KiB must come)
 *             + close each file in creation order, contents compared;
 *             sync().  The caches are as the create phase left them
 *             (warm) on both sides: ExOS has no way to drop them.
 *     delete  unlink each file; sync()
 *   then (not timed) each directory must be empty, is removed, and a
 *   deleted name must give ENOENT.
 *
 * Every call's result is checked; the first failure prints
 * "BENCH-ERROR what (item): errno" and the program exits 1 without a
 * number for that row.  Lines:
 *     BENCH|name|value|unit           unit: ns (lower is better) or
 *                                     files/s (higher is better)
 *     BENCH-CALLS|name|call|per op|cycles each|% of the row   (ExOS:
 *                                     the kernel calls that took the
 *                                     most of a row, every environment's)
 *     BENCH-START ..., BENCH-CLOCK|..., BENCH-END
 *
 *   pfiles [-q] [-p RUNS [-r PER]] [-m TYPE] DIR
 * -q: tiny counts (30 files in 3 directories, a few runs of each row):
 * the correctness mode of tests/guest/pfiles.sh (make test), which
 * checks the program works, not its times.
 * -p RUNS: the pipe row only, RUNS runs (quick measurements of the
 * pipe path, scripts/bench-pipe); ExOS also prints every kernel call
 * made per round trip (BENCH-PIPECALLS|call|per round trip), whatever
 * its share of the time (a call that switches, YIELD or SLEEP, never
 * returns through the kernel's accounting, so BENCH-CALLS cannot show
 * it).  -r PER: PER round trips per run (default 10; profiling).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <x86intrin.h>
#include "../common/benchclock.h"

#define FILE_SIZE       1024u
#define MAXRUNS         1001

static unsigned nfiles = 10000, ndirs = 100;
static int pipe_runs = 201, pipe_per = 10;      /* round trips */
static int name_runs = 501, name_per = 10;      /* open+close, stat */
static int pipe_only;                           /* -p */

static const char *dir;
static uint64_t samples[MAXRUNS];
static uint8_t want[FILE_SIZE + 1], got[FILE_SIZE + 1];

static int
cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* a failure: say which call, item and errno; no number for the row */
static void
fail(const char *what, long item, int e)
{
	printf("BENCH-ERROR %s (item %ld): %s\n", what, item,
	    e ? strerror(e) : "wrong result");
	fflush(stdout);
	exit(1);
}


/* the median of n samples of per operations each, in ns per operation */
static void
report_ns(const char *name, int n, int per)
{
	uint64_t med, sum = 0;

	for (int i = 0; i < n; i++)
		sum += samples[i];
	qsort(samples, (size_t)n, sizeof samples[0], cmp);
	med = samples[n / 2] / (uint64_t)per;
	printf("BENCH|%s|%lu|ns\n", name,
	    (unsigned long)((double)med / bench_tsc_per_ns + 0.5));
	fflush(stdout);
	bench_calls_end(name, (uint64_t)n * (uint64_t)per, sum);
}

/* a phase of count files that took cycles */
static void
report_rate(const char *name, unsigned count, uint64_t cycles)
{
	double ns = (double)cycles / bench_tsc_per_ns;

	printf("BENCH|%s|%lu|files/s\n", name,
	    (unsigned long)((double)count * 1e9 / (ns > 0 ? ns : 1) + 0.5));
	fflush(stdout);
	bench_calls_end(name, count, cycles);
}

/* read exactly len bytes (a pipe gives what it has) */
static int
read_full(int fd, void *buf, size_t len)
{
	size_t done = 0;
	ssize_t k;

	while (done < len) {
		k = read(fd, (char *)buf + done, len - done);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			return -1;
		done += (size_t)k;
	}
	return 0;
}

static void
bench_pipe(void)
{
	const char *name = "pipe: 1-byte ping-pong between two processes";
	int there[2], back[2], st;
	unsigned char c, b = 0;
	pid_t pid;

	if (pipe(there) < 0 || pipe(back) < 0)
		fail("pipe", 0, errno);
	if ((pid = fork()) < 0)
		fail("fork", 0, errno);
	if (pid == 0) {
		/* the echo: each byte back, until the parent closes */
		close(there[1]);
		close(back[0]);
		for (;;) {
			ssize_t k = read(there[0], &c, 1);

			if (k < 0 && errno == EINTR)
				continue;
			if (k == 0)
				_exit(0);
			if (k != 1 || write(back[1], &c, 1) != 1)
				_exit(1);
		}
	}
	close(there[0]);
	close(back[1]);
	bench_calls_begin();
	for (int r = 0; r < pipe_runs; r++) {
		uint64_t t0 = __rdtsc();

		for (int k = 0; k < pipe_per; k++, b++) {
			if (write(there[1], &b, 1) != 1)
				fail("pipe write", r, errno);
			if (read_full(back[0], &c, 1) < 0)
				fail("pipe read", r, errno);
			if (c != b)
				fail("pipe: the byte that came back", r, 0);
		}
		samples[r] = __rdtsc() - t0;
	}
	close(there[1]);
	if (waitpid(pid, &st, 0) != pid)
		fail("waitpid (the echo)", 0, errno);
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fail("the echo's status", st, 0);
	close(back[0]);
	if (pipe_only)
		bench_calls_all((uint64_t)pipe_runs * (uint64_t)pipe_per);
	report_ns(name, pipe_runs, pipe_per);
}

static void
bench_names(void)
{
	char path[256];
	struct stat sb;
	int fd;

	snprintf(path, sizeof path, "%s/pf-existing", dir);
	memset(want, 'x', FILE_SIZE);
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644)) < 0)
		fail("create the existing file", 0, errno);
	if (write(fd, want, FILE_SIZE) != FILE_SIZE)
		fail("write the existing file", 0, errno);
	if (close(fd) < 0)
		fail("close the existing file", 0, errno);
	sync();

	bench_calls_begin();
	for (int r = 0; r < name_runs; r++) {
		uint64_t t0 = __rdtsc();

		for (int k = 0; k < name_per; k++) {
			if ((fd = open(path, O_RDONLY)) < 0)
				fail("open", r, errno);
			if (close(fd) < 0)
				fail("close", r, errno);
		}
		samples[r] = __rdtsc() - t0;
	}
	report_ns("open + close of an existing file", name_runs, name_per);

	bench_calls_begin();
	for (int r = 0; r < name_runs; r++) {
		uint64_t t0 = __rdtsc();

		for (int k = 0; k < name_per; k++)
			if (stat(path, &sb) < 0)
				fail("stat", r, errno);
		samples[r] = __rdtsc() - t0;
		if (sb.st_size != FILE_SIZE || !S_ISREG(sb.st_mode))
			fail("stat: size or type", r, 0);
	}
	report_ns("stat of an existing file", name_runs, name_per);
	if (unlink(path) < 0)
		fail("unlink the existing file", 0, errno);
}

static void
file_name(char *out, size_t len, unsigned i)
{
	snprintf(out, len, "%s/pf/d%02u/f%05u", dir, i / (nfiles / ndirs), i);
}

static void
fill(uint8_t *p, unsigned seed)
{
	for (unsigned k = 0; k < FILE_SIZE; k++)
		p[k] = (uint8_t)(seed * 7u + k * 13u + (k >> 8));
}

static void
bench_small(void)
{
	char path[256];
	uint64_t t0;
	unsigned i;
	int fd;
	ssize_t k;

	snprintf(path, sizeof path, "%s/pf", dir);
	if (mkdir(path, 0755) < 0)
		fail("mkdir pf", 0, errno);
	sync();

	/* create: the directories, then each file; sync */
	bench_calls_begin();
	t0 = __rdtsc();
	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof path, "%s/pf/d%02u", dir, i);
		if (mkdir(path, 0755) < 0)
			fail("mkdir", i, errno);
	}
	for (i = 0; i < nfiles; i++) {
		file_name(path, sizeof path, i);
		fill(want, i);
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644)) < 0)
			fail("create", i, errno);
		if ((k = write(fd, want, FILE_SIZE)) != FILE_SIZE)
			fail("write", i, k < 0 ? errno : 0);
		if (close(fd) < 0)
			fail("close after write", i, errno);
	}
	sync();
	report_rate("small files: create (open, write 1 KiB, close) + sync",
	    nfiles, __rdtsc() - t0);

	/* read: each file in creation order, checked; sync */
	bench_calls_begin();
	t0 = __rdtsc();
	for (i = 0; i < nfiles; i++) {
		file_name(path, sizeof path, i);
		if ((fd = open(path, O_RDONLY)) < 0)
			fail("open to read", i, errno);
		if ((k = read(fd, got, FILE_SIZE + 1)) != FILE_SIZE)
			fail("read", i, k < 0 ? errno : 0);
		if (close(fd) < 0)
			fail("close after read", i, errno);
		fill(want, i);
		if (memcmp(got, want, FILE_SIZE) != 0)
			fail("contents", i, 0);
	}
	sync();
	report_rate("small files: read (open, read, close; warm) + sync",
	    nfiles, __rdtsc() - t0);

	/* delete: each file; sync */
	bench_calls_begin();
	t0 = __rdtsc();
	for (i = 0; i < nfiles; i++) {
		file_name(path, sizeof path, i);
		if (unlink(path) < 0)
			fail("unlink", i, errno);
	}
	sync();
	report_rate("small files: delete (unlink) + sync", nfiles,
	    __rdtsc() - t0);

	/* not timed: nothing is left, a deleted name is gone */
	file_name(path, sizeof path, nfiles - 1);
	errno = 0;
	if (open(path, O_RDONLY) >= 0 || errno != ENOENT)
		fail("open of a deleted file: want ENOENT", nfiles - 1, errno);
	for (i = 0; i < ndirs; i++) {
		snprintf(path, sizeof path, "%s/pf/d%02u", dir, i);
		if (rmdir(path) < 0)
			fail("rmdir (the directory must be empty)", i, errno);
	}
	snprintf(path, sizeof path, "%s/pf", dir);
	if (rmdir(path) < 0)
		fail("rmdir pf", 0, errno);
	sync();
}

int
main(int argc, char **argv)
{
	const char *fstype = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "qp:r:m:")) != -1) {
		switch (opt) {
		case 'q':
			nfiles = 30, ndirs = 3;
			pipe_runs = 11, pipe_per = 3;
			name_runs = 11, name_per = 3;
			break;
		case 'p':
			pipe_only = 1;
			pipe_runs = atoi(optarg);
			if (pipe_runs < 1 || pipe_runs > MAXRUNS)
				goto usage;
			break;
		case 'r':
			pipe_per = atoi(optarg);
			if (pipe_per < 1)
				goto usage;
			break;
		case 'm':
			fstype = optarg;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc - 1)
		goto usage;
	/* "/" and "/mnt/" as "" and "/mnt": the names are dir + "/..." */
	static char d[200];
	size_t n;

	snprintf(d, sizeof d, "%s", argv[optind]);
	for (n = strlen(d); n > 0 && d[n - 1] == '/'; n--)
		d[n - 1] = 0;
	dir = d;
	if (bench_clock_setup() < 0) {
		printf("BENCH-ERROR no TSC rate\n");
		return 1;
	}
	if (fstype != NULL) {
		mkdir(argv[optind], 0755);
		if (mount("/dev/vda", argv[optind], fstype, MS_NOATIME, NULL) < 0)
			fail("mount /dev/vda", 0, errno);
		printf("BENCH-FS linux %s on /dev/vda, noatime\n", fstype);
	}
	bench_pipe();
	if (pipe_only) {
		printf("BENCH-END\n");
		fflush(stdout);
		return 0;
	}
	bench_names();
	bench_small();
	if (fstype != NULL && umount(argv[optind]) < 0)
		fail("umount", 0, errno);
	printf("BENCH-END\n");
	fflush(stdout);
	return 0;
usage:
	fprintf(stderr, "usage: pfiles [-q] [-p RUNS [-r PER]] [-m TYPE] DIR\n");
	return 2;
}
