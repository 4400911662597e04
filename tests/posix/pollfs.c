/*
 * pollfs.c: poll, ppoll and select over files, directories and device
 * files (pipes and the tty have their own tests: pipes.c, ttytest.c).
 * A regular file, a directory and /dev/null are always ready, as on
 * Linux; a closed descriptor is POLLNVAL to poll and EBADF to select;
 * bad pointers are EFAULT, a bad timeout EINVAL.  Runs on ExOS and on
 * Linux (the POSIX suite).
 */
#define _GNU_SOURCE
#define PTEST_SUITE "pollfs"
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ptest.h"

#define RW (POLLIN | POLLOUT)

static long
ms_since(const struct timespec *t0)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 +
	    (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

static void
files(void)
{
	struct pollfd p[3];
	struct timespec t0;
	int f, ro, d, n;

	f = open("pollfs.dat", O_RDWR | O_CREAT | O_TRUNC, 0644);
	EXPECT("open a new file", f >= 0);
	ro = open("pollfs.dat", O_RDONLY);
	EXPECT("open it read-only", ro >= 0);
	d = open(".", O_RDONLY | O_DIRECTORY);
	EXPECT("open the directory", d >= 0);

	/* ready at once, even empty (at end of file), with no timeout */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	p[0] = (struct pollfd){ .fd = f, .events = RW };
	EXPECT_RET("poll: an empty file is ready", poll(p, 1, -1), 1);
	EXPECT_RET("poll: readable and writable", p[0].revents, RW);
	EXPECT("poll: at once", ms_since(&t0) < 1000);

	/* the open mode does not matter to poll (Linux's rule) */
	p[0] = (struct pollfd){ .fd = ro, .events = RW };
	EXPECT_RET("poll: a read-only file", poll(p, 1, 0), 1);
	EXPECT_RET("poll: still reports POLLOUT", p[0].revents, RW);

	/* only what was asked for (and no POLLERR/POLLHUP for files) */
	p[0] = (struct pollfd){ .fd = f, .events = POLLIN };
	EXPECT_RET("poll: POLLIN alone", poll(p, 1, 0), 1);
	EXPECT_RET("poll: reports POLLIN alone", p[0].revents, POLLIN);
	p[0] = (struct pollfd){ .fd = f, .events = 0 };
	EXPECT_RET("poll: no events asked: not ready", poll(p, 1, 0), 0);
	EXPECT_RET("poll: nothing reported", p[0].revents, 0);

	/* with data and at an offset past the end: still ready */
	EXPECT_RET("write a byte", write(f, "x", 1), 1);
	EXPECT_RET("write a byte at 99", pwrite(f, "y", 1, 99), 1);
	EXPECT_RET("seek past the end", lseek(f, 4096, SEEK_SET), 4096);
	p[0] = (struct pollfd){ .fd = f, .events = RW };
	EXPECT_RET("poll: past the end: ready", poll(p, 1, 0), 1);
	EXPECT_RET("poll: past the end: both", p[0].revents, RW);

	p[0] = (struct pollfd){ .fd = d, .events = RW };
	EXPECT_RET("poll: a directory is ready", poll(p, 1, 0), 1);
	EXPECT_RET("poll: a directory: both", p[0].revents, RW);

	/* several at once: each answered */
	n = open("/dev/null", O_RDWR);
	EXPECT("open /dev/null", n >= 0);
	p[0] = (struct pollfd){ .fd = f, .events = POLLOUT };
	p[1] = (struct pollfd){ .fd = n, .events = RW };
	p[2] = (struct pollfd){ .fd = d, .events = POLLIN };
	EXPECT_RET("poll: three descriptors ready", poll(p, 3, 0), 3);
	EXPECT("poll: each its own events", p[0].revents == POLLOUT &&
	    p[1].revents == RW && p[2].revents == POLLIN);

	/* select: the same answers */
	{
		fd_set r, w;
		struct timeval tv = { 0, 0 };
		int max = f > ro ? f : ro;

		FD_ZERO(&r);
		FD_ZERO(&w);
		FD_SET(f, &r);
		FD_SET(f, &w);
		FD_SET(ro, &r);
		EXPECT_RET("select: a file readable and writable, another "
		    "readable", select(max + 1, &r, &w, NULL, &tv), 3);
		EXPECT("select: the sets say which", FD_ISSET(f, &r) &&
		    FD_ISSET(f, &w) && FD_ISSET(ro, &r));
	}
	close(n);
	close(d);
	close(ro);
	close(f);
	unlink("pollfs.dat");
}

static void
hostile(void)
{
	struct pollfd p[2];
	struct timespec bad = { 0, 1000000000 }, neg = { -1, 0 };
	fd_set r;
	struct timeval tv = { 0, 0 };
	int f = open("/dev/null", O_RDONLY), closed;

	closed = dup(f);
	close(closed);

	/* a closed descriptor: POLLNVAL, counted as ready */
	p[0] = (struct pollfd){ .fd = closed, .events = RW };
	EXPECT_RET("poll: a closed fd counts", poll(p, 1, 0), 1);
	EXPECT_RET("poll: POLLNVAL", p[0].revents, POLLNVAL);
	/* a negative descriptor: ignored, revents 0 */
	p[0] = (struct pollfd){ .fd = -1, .events = RW, .revents = 7 };
	p[1] = (struct pollfd){ .fd = f, .events = POLLIN };
	EXPECT_RET("poll: a negative fd is ignored", poll(p, 2, 0), 1);
	EXPECT("poll: its revents cleared, the other's set",
	    p[0].revents == 0 && p[1].revents == POLLIN);

	EXPECT_ERR("poll: NULL array", poll(NULL, 1, 0), EFAULT);
	EXPECT_ERR("poll: an array in unmapped memory",
	    poll((struct pollfd *)16, 1, 0), EFAULT);
	EXPECT_RET("poll: NULL with nfds 0 and timeout 0", poll(NULL, 0, 0),
	    0);
	EXPECT_ERR("poll: more descriptors than allowed",
	    poll(p, 1u << 30, 0), EINVAL);

	p[0] = (struct pollfd){ .fd = f, .events = POLLIN };
	EXPECT_ERR("ppoll: tv_nsec of a second", ppoll(p, 1, &bad, NULL),
	    EINVAL);
	EXPECT_ERR("ppoll: a negative timeout", ppoll(p, 1, &neg, NULL),
	    EINVAL);
	/* (no unmapped timeout: musl's ppoll and select read it first) */

	FD_ZERO(&r);
	FD_SET(closed, &r);
	EXPECT_ERR("select: a closed fd is EBADF",
	    select(closed + 1, &r, NULL, NULL, &tv), EBADF);
	EXPECT_ERR("select: a set in unmapped memory",
	    select(4, (fd_set *)16, NULL, NULL, &tv), EFAULT);
	tv.tv_usec = -1;
	FD_ZERO(&r);
	FD_SET(f, &r);
	EXPECT_ERR("select: a negative timeout", select(f + 1, &r, NULL,
	    NULL, &tv), EINVAL);
	EXPECT_ERR("select: nfds < 0", select(-1, NULL, NULL, NULL, NULL),
	    EINVAL);
	close(f);
}

/* A file beside a pipe that is not ready: poll returns for the file at
 * once and leaves the pipe's revents 0 (no waiting for the timeout). */
static void
mixed(void)
{
	struct pollfd p[2];
	struct timespec t0;
	int fds[2], f = open("/dev/zero", O_RDONLY);

	EXPECT_RET("pipe", pipe(fds), 0);
	p[0] = (struct pollfd){ .fd = fds[0], .events = POLLIN };
	p[1] = (struct pollfd){ .fd = f, .events = POLLIN };
	clock_gettime(CLOCK_MONOTONIC, &t0);
	EXPECT_RET("poll: an empty pipe and /dev/zero", poll(p, 2, 5000), 1);
	EXPECT("poll: /dev/zero ready, the pipe not",
	    p[0].revents == 0 && p[1].revents == POLLIN);
	EXPECT("poll: returned before its timeout", ms_since(&t0) < 2500);
	close(fds[0]), close(fds[1]), close(f);
}

int
main(void)
{
	signal(SIGPIPE, SIG_IGN);
	files();
	hostile();
	mixed();
	return ptest_done();
}
