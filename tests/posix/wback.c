/*
 * wback.c: the file system's write-back seen from processes
 * (libexos/posix/fsroot.c; docs/ARCHITECTURE.md, "Coherence").  Three
 * children write files without any sync; the parent reads each one the
 * moment the child reports it, while the child is alive (and, on ExOS,
 * holds the write-back: its committed blocks are in XN's registry,
 * dirty, not on the disk).  Then the parent changes what a live child
 * wrote (appends to one file, removes another, creates one in the same
 * directory) and the child must see that and go on creating files in
 * that directory.  Then fsync'ed files and one file written after the
 * last fsync.
 *   wback run DIR MODE     MODE exit: end (status 0 if all passed);
 *                          sync: sync(), print WBACK-READY and wait;
 *                          nosync: print WBACK-READY and wait
 *                          (tests/guest/wback.sh powers the machine off)
 *   wback check DIR MODE   what must be on the disk after MODE:
 *                          exit, sync: everything;
 *                          nosync: every fsync'ed file, and (ExOS: an
 *                          fsync writes the whole family's write-back)
 *                          everything written before it.
 * The same program runs on Linux (run DIR exit, then check DIR exit).
 */
#define PTEST_SUITE "wback"
#include "ptest.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define NCHILD 3
#define NFILE  12
#define NSYNC  4
#define MAXLEN 9000

static char buf[MAXLEN + 64], want[MAXLEN + 64];

/* File k of writer w: its length and bytes. */
static size_t
fill(char *b, int w, int k)
{
	size_t n = (size_t)(k * 1361 + w * 97) % MAXLEN + 1, i;

	for (i = 0; i < n; i++)
		b[i] = (char)('a' + (i * 7 + (size_t)w * 3 + (size_t)k) % 26);
	return n;
}

static int
put(const char *path, const char *b, size_t n, int flags, int dosync)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);
	ssize_t r;

	if (fd < 0)
		return -1;
	r = write(fd, b, n);
	if (r != (ssize_t)n || (dosync && fsync(fd) < 0)) {
		close(fd);
		return -1;
	}
	return close(fd);
}

/* path holds exactly b[0..n). */
static int
same(const char *path, const char *b, size_t n)
{
	int fd = open(path, O_RDONLY);
	ssize_t r;

	if (fd < 0)
		return 0;
	r = read(fd, buf, sizeof(buf));
	close(fd);
	return r == (ssize_t)n && memcmp(buf, b, n) == 0;
}

static int
exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

/* Writer w's file k as it must be at the end: file 0 with the parent's
 * append, file 1 removed (0: compare nothing). */
static size_t
final(int w, int k)
{
	size_t n = fill(want, w, k);

	if (k == 1)
		return 0;
	if (k == 0) {
		memcpy(want + n, "+parent", 7);
		n += 7;
	}
	return n;
}

static void
child(const char *dir, int w, int up, int down)
{
	char path[256], c;
	int k, bad = 0;
	size_t n;

	for (k = 0; k < NFILE; k++) {
		snprintf(path, sizeof(path), "%s/c%d-%d", dir, w, k);
		n = fill(want, w, k);
		if (put(path, want, n, O_TRUNC, 0) < 0)
			bad++;
		c = (char)k;
		if (write(up, &c, 1) != 1)
			bad++;
	}
	/* the parent changes our files while we live */
	if (read(down, &c, 1) != 1)
		bad++;
	snprintf(path, sizeof(path), "%s/c%d-0", dir, w);
	n = final(w, 0);
	EXPECT("a child reads the parent's append to its file at once",
	    same(path, want, n));
	snprintf(path, sizeof(path), "%s/c%d-1", dir, w);
	EXPECT("a child sees the parent's unlink of its file at once",
	    !exists(path));
	snprintf(path, sizeof(path), "%s/p%d", dir, w);
	EXPECT("a child reads the file the parent created at once",
	    same(path, "from the parent\n", 16));
	/* and goes on in the directory the parent changed */
	for (k = NFILE; k < NFILE + 4; k++) {
		snprintf(path, sizeof(path), "%s/c%d-%d", dir, w, k);
		n = fill(want, w, k);
		if (put(path, want, n, O_TRUNC, 0) < 0 || !same(path, want, n))
			bad++;
	}
	EXPECT("a child creates and reads files after the parent's changes",
	    bad == 0);
	_exit(ptest_failures || bad ? 1 : 0);
}

static void
run(const char *dir, const char *mode)
{
	int up[NCHILD][2], down[NCHILD][2], w, k, st, seen;
	char path[256], c;
	pid_t pid[NCHILD];
	size_t n;

	EXPECT_RET("mkdir the work directory", mkdir(dir, 0755), 0);
	for (w = 0; w < NCHILD; w++) {
		if (pipe(up[w]) < 0 || pipe(down[w]) < 0) {
			EXPECT("pipes", 0);
			return;
		}
		pid[w] = fork();
		if (pid[w] < 0) {
			EXPECT("fork", 0);
			return;
		}
		if (pid[w] == 0) {
			close(up[w][0]);
			close(down[w][1]);
			child(dir, w, up[w][1], down[w][0]);
		}
		close(up[w][1]);
		close(down[w][0]);
	}
	/* each file the moment its writer reports it (the writers run at
	 * once: take them in turn) */
	for (w = 0; w < NCHILD; w++) {
		seen = 0;
		for (k = 0; k < NFILE; k++) {
			if (read(up[w][0], &c, 1) != 1 || c != k)
				break;
			snprintf(path, sizeof(path), "%s/c%d-%d", dir, w, k);
			n = fill(want, w, k);
			seen += same(path, want, n);
		}
		EXPECT("the parent reads each file of a live writer the "
		    "moment it is written, no sync", seen == NFILE);
	}
	/* change what the live writers wrote */
	for (w = 0; w < NCHILD; w++) {
		snprintf(path, sizeof(path), "%s/c%d-0", dir, w);
		EXPECT_RET("append to a live writer's file",
		    put(path, "+parent", 7, O_APPEND, 0), 0);
		snprintf(path, sizeof(path), "%s/c%d-1", dir, w);
		EXPECT_RET("unlink a live writer's file", unlink(path), 0);
		snprintf(path, sizeof(path), "%s/p%d", dir, w);
		EXPECT_RET("create a file next to a live writer's",
		    put(path, "from the parent\n", 16, O_EXCL, 0), 0);
		c = 1;
		EXPECT_RET("tell the writer", write(down[w][1], &c, 1), 1);
	}
	for (w = 0; w < NCHILD; w++) {
		EXPECT_RET("wait for a writer", waitpid(pid[w], &st, 0),
		    pid[w]);
		EXPECT("the writer's checks passed",
		    WIFEXITED(st) && WEXITSTATUS(st) == 0);
	}
	for (w = 0; w < NCHILD; w++)
		for (k = 0; k < NFILE + 4; k++) {
			snprintf(path, sizeof(path), "%s/c%d-%d", dir, w, k);
			if ((n = final(w, k)) == 0)
				continue;
			if (!same(path, want, n)) {
				EXPECT("every writer's file after they exited",
				    0);
				w = NCHILD;
				break;
			}
		}
	for (k = 0; k < NSYNC; k++) {
		snprintf(path, sizeof(path), "%s/fsynced-%d", dir, k);
		n = fill(want, 9, k);
		EXPECT_RET("write and fsync a file", put(path, want, n,
		    O_TRUNC, 1), 0);
	}
	snprintf(path, sizeof(path), "%s/unsynced", dir);
	EXPECT_RET("write a file after the last fsync",
	    put(path, "late\n", 5, O_TRUNC, 0), 0);
	if (strcmp(mode, "sync") == 0)
		sync();
	if (strcmp(mode, "exit") != 0) {
		ptest_done();
		printf("WBACK-READY\n");
		fflush(stdout);
		for (;;)
			pause();
	}
}

static void
check(const char *dir, const char *mode)
{
	char path[256];
	int w, k, bad = 0;
	size_t n;

	for (k = 0; k < NSYNC; k++) {
		snprintf(path, sizeof(path), "%s/fsynced-%d", dir, k);
		n = fill(want, 9, k);
		bad += !same(path, want, n);
	}
	EXPECT("every fsync'ed file is on the disk, intact", bad == 0);
	bad = 0;
	for (w = 0; w < NCHILD; w++) {
		for (k = 0; k < NFILE + 4; k++) {
			snprintf(path, sizeof(path), "%s/c%d-%d", dir, w, k);
			if ((n = final(w, k)) == 0)
				bad += exists(path);
			else
				bad += !same(path, want, n);
		}
		snprintf(path, sizeof(path), "%s/p%d", dir, w);
		bad += !same(path, "from the parent\n", 16);
	}
	EXPECT("every file written before the last fsync, by any process, "
	    "is on the disk as the last change left it", bad == 0);
	snprintf(path, sizeof(path), "%s/unsynced", dir);
	if (strcmp(mode, "nosync") == 0)
		EXPECT("the file written after the last fsync is not on the "
		    "disk (write-back: a power-off loses it)", !exists(path));
	else
		EXPECT("the file written after the last fsync is on the disk",
		    same(path, "late\n", 5));
}

int
main(int argc, char **argv)
{
	if (argc != 4 || (strcmp(argv[3], "exit") != 0 &&
	    strcmp(argv[3], "sync") != 0 && strcmp(argv[3], "nosync") != 0)) {
		fprintf(stderr, "usage: wback run|check DIR exit|sync|nosync\n");
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (strcmp(argv[1], "run") == 0)
		run(argv[2], argv[3]);
	else if (strcmp(argv[1], "check") == 0)
		check(argv[2], argv[3]);
	else
		return 2;
	return ptest_done();
}
