/*
 * portbench.c: the port rows of `make bench-posix`
 * (scripts/bench-posix-ports), one source for both sides.  It runs the
 * ports themselves, each once, as a user's shell would: fork, exec the
 * port from the disk, wait.  Built with exos-cc it is the first ExOS
 * process on Xok with a C-FFS disk holding the root image's files and
 * the inputs (scripts/exos-run --disk); built with musl-gcc -static it
 * runs in a Linux guest (scripts/linux-guest --disk), mounts the ext4
 * or ext2 disk that holds the Linux builds of the same ports and the
 * same inputs (-m TYPE: /dev/vda on /mnt, noatime) and chroots into
 * it, so every path below is the same on both sides.
 *
 *   gzip      /bin/gzip -9 -n -c /bench/in > /bench/out/in.gz
 *   sqlite3   /bin/sqlite3 /bench/out/one.db < /bench/one.sql (N inserts
 *             in one transaction), then /bin/sqlite3 /bench/out/many.db
 *             < /bench/many.sql (M inserts, each its own transaction:
 *             sqlite's default rollback journal, synchronous=FULL)
 *   tcc       in /bench/out/obj: /bin/tcc -c -I/bench/zlib of zlib's
 *             sources and its test/minigzip.c (one tcc, many files)
 *   pax       in /bench: /bin/pax -rw tree /bench/out/copy
 *
 * Each row is timed once, from before the fork to the end of the
 * sync() that follows the wait (the same rule on both sides: the
 * written data reaches the disk inside the timed region), in ms.  Then,
 * not timed, its result is checked and described on a BENCH-CHECK line
 * (the output's size, the rows in the database, the objects made, the
 * files copied); scripts/bench-posix-ports checks that every side did
 * the same job.  A port's failure prints "BENCH-ERROR ..." and the
 * program exits 1.  Lines:
 *     BENCH|name|value|ms
 *     BENCH-CHECK|name|what
 *     BENCH-START ..., BENCH-CLOCK|..., BENCH-END
 *
 *   portbench [-m TYPE]
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
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


/* a failure: say what and errno; no more rows */
static void
fail(const char *what, const char *item, int e)
{
	printf("BENCH-ERROR %s (%s): %s\n", what, item,
	    e ? strerror(e) : "wrong result");
	fflush(stdout);
	exit(1);
}


/*
 * Run argv[0] with standard input from in and output to out (NULL:
 * /dev/null) in directory dir, wait for it, sync(); the cycles taken.
 * A port that does not exit 0 is a failure.
 */
static uint64_t
run(const char *dir, const char *in, const char *out, char *const argv[])
{
	uint64_t t0, t1;
	int st, fd;
	pid_t pid;

	fflush(stdout);
	t0 = __rdtsc();
	if ((pid = fork()) < 0)
		fail("fork", argv[0], errno);
	if (pid == 0) {
		if (chdir(dir) < 0)
			_exit(120);
		if ((fd = open(in ? in : "/dev/null", O_RDONLY)) < 0 ||
		    dup2(fd, 0) < 0)
			_exit(121);
		if (fd != 0)
			close(fd);
		fd = out ? open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644) :
		    open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(122);
		if (fd != 1)
			close(fd);
		execv(argv[0], argv);
		_exit(127);
	}
	while (waitpid(pid, &st, 0) < 0)
		if (errno != EINTR)
			fail("waitpid", argv[0], errno);
	sync();
	t1 = __rdtsc();
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
		printf("BENCH-ERROR %s: %s %d\n", argv[0],
		    WIFEXITED(st) ? "exit status" : "killed by signal",
		    WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
		fflush(stdout);
		exit(1);
	}
	return t1 - t0;
}

static void
report(const char *name, uint64_t cycles)
{
	printf("BENCH|%s|%.1f|ms\n", name, (double)cycles / bench_tsc_per_ns / 1e6);
	fflush(stdout);
}

static long long
file_size(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		fail("stat", path, errno);
	return (long long)st.st_size;
}

/* the first line sqlite3 prints for "SELECT ..." on db */
static void
sql_check(const char *name, const char *db)
{
	char *argv[] = { "/bin/sqlite3", (char *)db,
	    "SELECT count(*), sum(n) FROM t;", NULL };
	char line[200];
	FILE *f;

	run("/bench/out", NULL, "/bench/out/check.txt", argv);
	if ((f = fopen("/bench/out/check.txt", "r")) == NULL)
		fail("fopen", "check.txt", errno);
	if (fgets(line, sizeof line, f) == NULL)
		fail("sqlite3 printed nothing", db, 0);
	fclose(f);
	line[strcspn(line, "\n")] = 0;
	for (char *p = line; *p; p++)          /* (| separates the fields) */
		if (*p == '|')
			*p = ' ';
	printf("BENCH-CHECK|%s|rows, sum: %s\n", name, line);
}

/* files and bytes under path */
static void
count_tree(const char *path, long *files, long long *bytes)
{
	char sub[1024];
	struct dirent *e;
	struct stat st;
	DIR *d;

	if ((d = opendir(path)) == NULL)
		fail("opendir", path, errno);
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
		if (lstat(sub, &st) < 0)
			fail("lstat", sub, errno);
		if (S_ISDIR(st.st_mode))
			count_tree(sub, files, bytes);
		else
			(*files)++, *bytes += st.st_size;
	}
	closedir(d);
}

#define ZLIB "/bench/zlib/"
static char *tcc_argv[] = { "/bin/tcc", "-c", "-I/bench/zlib",
	ZLIB "adler32.c", ZLIB "compress.c", ZLIB "crc32.c", ZLIB "deflate.c",
	ZLIB "gzclose.c", ZLIB "gzlib.c", ZLIB "gzread.c", ZLIB "gzwrite.c",
	ZLIB "infback.c", ZLIB "inffast.c", ZLIB "inflate.c",
	ZLIB "inftrees.c", ZLIB "trees.c", ZLIB "uncompr.c", ZLIB "zutil.c",
	ZLIB "test/minigzip.c", NULL };

int
main(int argc, char **argv)
{
	const char *fstype = NULL;
	long files = 0;
	long long bytes = 0;
	int opt;

	while ((opt = getopt(argc, argv, "m:")) != -1) {
		if (opt != 'm')
			goto usage;
		fstype = optarg;
	}
	if (optind != argc)
		goto usage;
	if (bench_clock_setup() < 0) {
		printf("BENCH-ERROR no TSC rate\n");
		return 1;
	}
	if (fstype != NULL) {
		mkdir("/mnt", 0755);
		if (mount("/dev/vda", "/mnt", fstype, MS_NOATIME, NULL) < 0)
			fail("mount /dev/vda", fstype, errno);
		/* /dev/null for the ports' redirections, as ExOS has it */
		if (mount("dev", "/mnt/dev", "devtmpfs", 0, NULL) < 0)
			fail("mount devtmpfs", "/mnt/dev", errno);
		if (chroot("/mnt") < 0 || chdir("/") < 0)
			fail("chroot", "/mnt", errno);
		printf("BENCH-FS linux %s on /dev/vda, noatime\n", fstype);
	}
	if (mkdir("/bench/out", 0755) < 0 || mkdir("/bench/out/obj", 0755) < 0 ||
	    mkdir("/bench/out/copy", 0755) < 0)
		fail("mkdir", "/bench/out", errno);
	sync();

	char *gz[] = { "/bin/gzip", "-9", "-n", "-c", "/bench/in", NULL };
	report("gzip", run("/bench", NULL, "/bench/out/in.gz", gz));
	printf("BENCH-CHECK|gzip|%lld bytes from %lld\n",
	    file_size("/bench/out/in.gz"), file_size("/bench/in"));

	char *sq1[] = { "/bin/sqlite3", "/bench/out/one.db", NULL };
	report("sqlite-one", run("/bench", "/bench/one.sql", NULL, sq1));
	sql_check("sqlite-one", "/bench/out/one.db");
	char *sqn[] = { "/bin/sqlite3", "/bench/out/many.db", NULL };
	report("sqlite-many", run("/bench", "/bench/many.sql", NULL, sqn));
	sql_check("sqlite-many", "/bench/out/many.db");

	report("tcc", run("/bench/out/obj", NULL, NULL, tcc_argv));
	count_tree("/bench/out/obj", &files, &bytes);
	printf("BENCH-CHECK|tcc|%ld objects\n", files);

	char *pax[] = { "/bin/pax", "-rw", "tree", "/bench/out/copy", NULL };
	report("pax", run("/bench", NULL, NULL, pax));
	files = 0, bytes = 0;
	count_tree("/bench/out/copy", &files, &bytes);
	printf("BENCH-CHECK|pax|%ld files, %lld bytes\n", files, bytes);

	printf("BENCH-END\n");
	fflush(stdout);
	return 0;
usage:
	fprintf(stderr, "usage: portbench [-m TYPE]\n");
	return 2;
}
