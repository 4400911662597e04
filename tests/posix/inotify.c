/*
 * inotify.c: inotify_init1, inotify_add_watch, inotify_rm_watch, read,
 * poll, select, FIONREAD and close of an inotify descriptor
 * (libexos/posix/inotify.c); in the POSIX suite with a disk (on ExOS
 * over a fresh C-FFS image, on Linux in a fresh directory).  Checked:
 *   errors   inotify_init1 with an unknown flag: EINVAL; add_watch on a
 *            closed descriptor: EBADF, on a pipe: EINVAL, mask 0 or an
 *            unknown bit or IN_MASK_ADD|IN_MASK_CREATE: EINVAL, a
 *            missing path: ENOENT, a bad path pointer: EFAULT,
 *            IN_ONLYDIR on a file: ENOTDIR, IN_MASK_CREATE on a watched
 *            path: EEXIST; rm_watch of an unknown wd: EINVAL, closed
 *            descriptor: EBADF; read with nothing queued and
 *            IN_NONBLOCK: EAGAIN, into a buffer smaller than the event:
 *            EINVAL, into a bad buffer: EFAULT; lseek: 0; write:
 *            EBADF; read after close: EBADF; (ExOS) IN_UNMOUNT alone:
 *            EINVAL (never produced there);
 *   file     IN_OPEN, IN_MODIFY (two writes merged), IN_CLOSE_WRITE,
 *            IN_ATTRIB (chmod), IN_ACCESS and IN_CLOSE_NOWRITE (a read),
 *            IN_MODIFY of truncate; the same path gives the same wd;
 *   dir      IN_CREATE, IN_MODIFY, IN_CLOSE_WRITE with the name (len a
 *            multiple of 16, NUL-terminated), IN_CREATE|IN_ISDIR,
 *            IN_MOVED_FROM and IN_MOVED_TO with one nonzero cookie,
 *            IN_DELETE, IN_DELETE|IN_ISDIR;
 *   self     a renamed file's IN_MOVE_SELF, its watch follows the new
 *            name (IN_MODIFY), unlink: IN_DELETE_SELF then IN_IGNORED
 *            (the wd is gone: rm_watch EINVAL); rm_watch queues
 *            IN_IGNORED and stops events; IN_ONESHOT; IN_MASK_ADD;
 *   waiting  FIONREAD; a blocking read and a poll woken by a write of a
 *            child process; poll and select with nothing queued: 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PTEST_SUITE "inotify"
#include "ptest.h"

/* a bad pointer the compiler cannot see through */
static void *volatile bad = (void *)8;
#define BAD bad

struct ev {
	int wd;
	uint32_t mask, cookie, len;
	char name[64];
};

/* The events queued now (fd non-blocking): their count, or -1. */
static int
events(int fd, struct ev *e, int max)
{
	static char buf[4096] __attribute__((aligned(8)));
	int n = 0;
	ssize_t r;

	while ((r = read(fd, buf, sizeof(buf))) > 0) {
		size_t off = 0;

		while (off + sizeof(struct inotify_event) <= (size_t)r &&
		    n < max) {
			struct inotify_event ie;

			memcpy(&ie, buf + off, sizeof(ie));
			e[n].wd = ie.wd;
			e[n].mask = ie.mask;
			e[n].cookie = ie.cookie;
			e[n].len = ie.len;
			e[n].name[0] = '\0';
			if (ie.len)
				snprintf(e[n].name, sizeof(e[n].name), "%s",
				    buf + off + sizeof(ie));
			n++;
			off += sizeof(ie) + ie.len;
		}
	}
	if (r < 0 && errno != EAGAIN)
		return -1;
	return n;
}

static void
put(const char *path, const char *s, int flags)
{
	int fd = open(path, O_WRONLY | O_CREAT | flags, 0644);

	if (fd >= 0) {
		if (write(fd, s, strlen(s)) < 0)
			perror("write");
		close(fd);
	}
}

static int
same(const struct ev *e, int wd, uint32_t mask, const char *name)
{
	return e->wd == wd && e->mask == mask &&
	    strcmp(e->name, name ? name : "") == 0 &&
	    (name ? e->len >= strlen(name) + 1 && e->len % 16 == 0 :
	    e->len == 0);
}

static void
show(const char *what, const struct ev *e, int n)
{
	int i;

	printf("# %s: %d events:", what, n);
	for (i = 0; i < n; i++)
		printf(" [wd %d mask %#x cookie %u len %u \"%s\"]", e[i].wd,
		    e[i].mask, e[i].cookie, e[i].len, e[i].name);
	printf("\n");
}

static void
nap(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

static void
errors(void)
{
	struct inotify_event ie;
	int fd, p[2], wd;
	struct ev e[4];

	EXPECT_ERR("init1 with an unknown flag: EINVAL",
	    inotify_init1(IN_NONBLOCK | 1), EINVAL);
	fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	EXPECT("init1(IN_NONBLOCK|IN_CLOEXEC)", fd >= 0);
	EXPECT("IN_CLOEXEC sets FD_CLOEXEC",
	    fcntl(fd, F_GETFD) == FD_CLOEXEC);
	EXPECT("IN_NONBLOCK sets O_NONBLOCK",
	    (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	EXPECT_RET("pipe", pipe(p), 0);
	EXPECT_ERR("add_watch on a closed descriptor: EBADF",
	    inotify_add_watch(999, ".", IN_MODIFY), EBADF);
	EXPECT_ERR("add_watch on a pipe: EINVAL",
	    inotify_add_watch(p[0], ".", IN_MODIFY), EINVAL);
	EXPECT_ERR("add_watch with mask 0: EINVAL",
	    inotify_add_watch(fd, ".", 0), EINVAL);
	EXPECT_ERR("add_watch with an unknown bit: EINVAL",
	    inotify_add_watch(fd, ".", IN_MODIFY | 0x00010000), EINVAL);
	EXPECT_ERR("add_watch with IN_MASK_ADD|IN_MASK_CREATE: EINVAL",
	    inotify_add_watch(fd, ".", IN_MODIFY | IN_MASK_ADD |
	    IN_MASK_CREATE), EINVAL);
	EXPECT_ERR("add_watch of a missing path: ENOENT",
	    inotify_add_watch(fd, "nosuch", IN_MODIFY), ENOENT);
	EXPECT_ERR("add_watch of a bad path pointer: EFAULT",
	    inotify_add_watch(fd, BAD, IN_MODIFY), EFAULT);
	put("e", "x", O_TRUNC);
	EXPECT_ERR("IN_ONLYDIR on a file: ENOTDIR",
	    inotify_add_watch(fd, "e", IN_MODIFY | IN_ONLYDIR), ENOTDIR);
#ifdef __exos__
	EXPECT_ERR("(ExOS) IN_UNMOUNT alone, never produced: EINVAL",
	    inotify_add_watch(fd, "e", IN_UNMOUNT), EINVAL);
#endif
	wd = inotify_add_watch(fd, "e", IN_MODIFY);
	EXPECT("add_watch of a file", wd >= 1);
	EXPECT_ERR("IN_MASK_CREATE on a watched path: EEXIST",
	    inotify_add_watch(fd, "e", IN_MODIFY | IN_MASK_CREATE), EEXIST);
	EXPECT_RET("the same path again: the same wd",
	    inotify_add_watch(fd, "./e", IN_MODIFY | IN_ATTRIB), wd);
	EXPECT_ERR("rm_watch of an unknown wd: EINVAL",
	    inotify_rm_watch(fd, wd + 100), EINVAL);
	EXPECT_ERR("rm_watch on a closed descriptor: EBADF",
	    inotify_rm_watch(999, wd), EBADF);
	EXPECT_ERR("rm_watch on a pipe: EINVAL",
	    inotify_rm_watch(p[0], wd), EINVAL);
	EXPECT_ERR("read with nothing queued (IN_NONBLOCK): EAGAIN",
	    read(fd, &ie, sizeof(ie)), EAGAIN);
	EXPECT_RET("lseek: 0, nothing moves (Linux's noop_llseek)",
	    lseek(fd, 5, SEEK_SET), 0);
	EXPECT_ERR("write: EBADF", write(fd, "x", 1), EBADF);
	put("e", "y", O_APPEND);
	EXPECT_ERR("read into a buffer smaller than one event: EINVAL",
	    read(fd, &ie, sizeof(ie) - 1), EINVAL);
	EXPECT_ERR("read into a bad buffer: EFAULT",
	    read(fd, BAD, sizeof(ie)), EFAULT);
	(void)events(fd, e, 4);         /* Linux dropped it, ExOS kept it */
	{
		char l[64], p[64];

		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		memset(l, 0, sizeof(l));
		EXPECT("/proc/self/fd: anon_inode:inotify",
		    readlink(p, l, sizeof(l) - 1) > 0 &&
		    strcmp(l, "anon_inode:inotify") == 0);
	}
	EXPECT_RET("close", close(fd), 0);
	EXPECT_ERR("read after close: EBADF", read(fd, &ie, sizeof(ie)),
	    EBADF);
	close(p[0]);
	close(p[1]);
}

static void
file_events(void)
{
	struct ev e[16];
	char c;
	int fd, wd, f, n;

	fd = inotify_init1(IN_NONBLOCK);
	put("f", "", O_TRUNC);
	wd = inotify_add_watch(fd, "f", IN_ALL_EVENTS);
	EXPECT("watch a file for everything", wd >= 1);
	f = open("f", O_WRONLY | O_APPEND);
	EXPECT("two writes", write(f, "ab", 2) == 2 && write(f, "cd", 2) == 2);
	close(f);
	n = events(fd, e, 16);
	show("open, write, write, close", e, n);
	EXPECT("IN_OPEN, one IN_MODIFY, IN_CLOSE_WRITE", n == 3 &&
	    same(&e[0], wd, IN_OPEN, NULL) && same(&e[1], wd, IN_MODIFY,
	    NULL) && same(&e[2], wd, IN_CLOSE_WRITE, NULL));
	EXPECT_RET("chmod", chmod("f", 0600), 0);
	n = events(fd, e, 16);
	EXPECT("chmod: IN_ATTRIB", n == 1 && same(&e[0], wd, IN_ATTRIB, NULL));
	f = open("f", O_RDONLY);
	EXPECT("a read", read(f, &c, 1) == 1);
	close(f);
	n = events(fd, e, 16);
	show("open, read, close", e, n);
	EXPECT("IN_OPEN, IN_ACCESS, IN_CLOSE_NOWRITE", n == 3 &&
	    same(&e[0], wd, IN_OPEN, NULL) && same(&e[1], wd, IN_ACCESS,
	    NULL) && same(&e[2], wd, IN_CLOSE_NOWRITE, NULL));
	EXPECT_RET("truncate", truncate("f", 1), 0);
	n = events(fd, e, 16);
	EXPECT("truncate: IN_MODIFY", n == 1 &&
	    same(&e[0], wd, IN_MODIFY, NULL));
	/* FIONREAD */
	put("f", "z", O_APPEND);
	n = -1;
	EXPECT("FIONREAD: the queued bytes", ioctl(fd, FIONREAD, &n) == 0 &&
	    n == 3 * (int)sizeof(struct inotify_event));
	(void)events(fd, e, 16);
	/* rm_watch: IN_IGNORED, then nothing */
	EXPECT_RET("rm_watch", inotify_rm_watch(fd, wd), 0);
	put("f", "z", O_APPEND);
	n = events(fd, e, 16);
	EXPECT("rm_watch: IN_IGNORED, then no event", n == 1 &&
	    same(&e[0], wd, IN_IGNORED, NULL));
	/* IN_ONESHOT */
	wd = inotify_add_watch(fd, "f", IN_MODIFY | IN_ONESHOT);
	put("f", "z", O_APPEND);
	put("f", "z", O_APPEND);
	n = events(fd, e, 16);
	show("IN_ONESHOT, two writes", e, n);
	EXPECT("IN_ONESHOT: IN_MODIFY, IN_IGNORED", n == 2 &&
	    same(&e[0], wd, IN_MODIFY, NULL) &&
	    same(&e[1], wd, IN_IGNORED, NULL));
	/* IN_MASK_ADD */
	wd = inotify_add_watch(fd, "f", IN_MODIFY);
	EXPECT_RET("IN_MASK_ADD", inotify_add_watch(fd, "f", IN_ATTRIB |
	    IN_MASK_ADD), wd);
	put("f", "z", O_APPEND);
	chmod("f", 0644);
	n = events(fd, e, 16);
	EXPECT("IN_MASK_ADD kept IN_MODIFY and added IN_ATTRIB", n == 2 &&
	    same(&e[0], wd, IN_MODIFY, NULL) &&
	    same(&e[1], wd, IN_ATTRIB, NULL));
	close(fd);
}

static void
dir_events(void)
{
	struct ev e[16];
	int fd, wd, n;

	fd = inotify_init1(IN_NONBLOCK);
	EXPECT_RET("mkdir d", mkdir("d", 0755), 0);
	wd = inotify_add_watch(fd, "d", IN_CREATE | IN_DELETE | IN_MODIFY |
	    IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR);
	EXPECT("watch a directory (IN_ONLYDIR)", wd >= 1);
	put("d/x", "hello", O_TRUNC);
	n = events(fd, e, 16);
	show("create d/x", e, n);
	EXPECT("IN_CREATE, IN_MODIFY, IN_CLOSE_WRITE of \"x\"", n == 3 &&
	    same(&e[0], wd, IN_CREATE, "x") && same(&e[1], wd, IN_MODIFY,
	    "x") && same(&e[2], wd, IN_CLOSE_WRITE, "x"));
	EXPECT_RET("mkdir d/sub", mkdir("d/sub", 0755), 0);
	n = events(fd, e, 16);
	EXPECT("IN_CREATE|IN_ISDIR of \"sub\"", n == 1 &&
	    same(&e[0], wd, IN_CREATE | IN_ISDIR, "sub"));
	EXPECT_RET("rename d/x d/y", rename("d/x", "d/y"), 0);
	n = events(fd, e, 16);
	show("rename", e, n);
	EXPECT("IN_MOVED_FROM \"x\", IN_MOVED_TO \"y\", one cookie", n == 2 &&
	    same(&e[0], wd, IN_MOVED_FROM, "x") &&
	    same(&e[1], wd, IN_MOVED_TO, "y") && e[0].cookie != 0 &&
	    e[0].cookie == e[1].cookie);
	EXPECT_RET("unlink d/y", unlink("d/y"), 0);
	EXPECT_RET("rmdir d/sub", rmdir("d/sub"), 0);
	n = events(fd, e, 16);
	show("unlink, rmdir", e, n);
	EXPECT("IN_DELETE \"y\", IN_DELETE|IN_ISDIR \"sub\"", n == 2 &&
	    same(&e[0], wd, IN_DELETE, "y") &&
	    same(&e[1], wd, IN_DELETE | IN_ISDIR, "sub"));
	close(fd);
}

static void
self_events(void)
{
	struct ev e[16];
	int fd, wd, n;

	fd = inotify_init1(IN_NONBLOCK);
	put("g", "1", O_TRUNC);
	wd = inotify_add_watch(fd, "g", IN_MODIFY | IN_MOVE_SELF |
	    IN_DELETE_SELF);
	EXPECT_RET("rename g g2", rename("g", "g2"), 0);
	n = events(fd, e, 16);
	EXPECT("IN_MOVE_SELF", n == 1 && same(&e[0], wd, IN_MOVE_SELF, NULL));
	put("g2", "2", O_APPEND);
	n = events(fd, e, 16);
	EXPECT("the watch follows the new name: IN_MODIFY", n == 1 &&
	    same(&e[0], wd, IN_MODIFY, NULL));
	EXPECT_RET("unlink g2", unlink("g2"), 0);
	n = events(fd, e, 16);
	show("unlink", e, n);
	EXPECT("IN_DELETE_SELF, IN_IGNORED", n == 2 &&
	    same(&e[0], wd, IN_DELETE_SELF, NULL) &&
	    same(&e[1], wd, IN_IGNORED, NULL));
	EXPECT_ERR("its wd is gone: rm_watch EINVAL",
	    inotify_rm_watch(fd, wd), EINVAL);
	close(fd);
}

/* A child appends to "w" after a while. */
static pid_t
writer(void)
{
	pid_t pid = fork();

	if (pid == 0) {
		nap(300);
		put("w", "more\n", O_APPEND);
		_exit(0);
	}
	return pid;
}

static void
waiting(void)
{
	struct inotify_event ie;
	struct pollfd pf;
	struct timeval tv = { 0, 0 };
	fd_set rs;
	int fd, wd, st;
	pid_t pid;

	fd = inotify_init1(0);
	put("w", "", O_TRUNC);
	wd = inotify_add_watch(fd, "w", IN_MODIFY);
	EXPECT("a blocking instance's watch", fd >= 0 && wd >= 1);
	pf.fd = fd;
	pf.events = POLLIN;
	EXPECT_RET("poll with nothing queued: 0", poll(&pf, 1, 0), 0);
	FD_ZERO(&rs);
	FD_SET(fd, &rs);
	EXPECT_RET("select with nothing queued: 0",
	    select(fd + 1, &rs, NULL, NULL, &tv), 0);
	pid = writer();
	EXPECT("a blocking read, woken by another process's write",
	    read(fd, &ie, sizeof(ie)) == (ssize_t)sizeof(ie) &&
	    ie.wd == wd && ie.mask == IN_MODIFY && ie.len == 0);
	EXPECT("the writer exits", waitpid(pid, &st, 0) == pid && st == 0);
	pid = writer();
	pf.revents = 0;
	EXPECT("a poll, woken by another process's write",
	    poll(&pf, 1, 10000) == 1 && pf.revents == POLLIN);
	EXPECT("then the event is read",
	    read(fd, &ie, sizeof(ie)) == (ssize_t)sizeof(ie) &&
	    ie.wd == wd && ie.mask == IN_MODIFY);
	EXPECT("the writer exits", waitpid(pid, &st, 0) == pid && st == 0);
	close(fd);
}

int
main(void)
{
	errors();
	file_events();
	dir_events();
	self_events();
	waiting();
	return ptest_done();
}
