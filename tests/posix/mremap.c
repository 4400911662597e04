/*
 * mremap.c: mremap of anonymous and file mappings, and musl's realloc
 * of big blocks (which uses it); in the POSIX suite with a disk (ExOS
 * over a fresh C-FFS image, and Linux).  Checked:
 *   anonymous  grow with MREMAP_MAYMOVE (contents kept, new pages zero
 *              and writable), grow in place when the pages after are
 *              free (same address, without MAYMOVE), shrink (same
 *              address, the tail unmapped), MREMAP_FIXED onto another
 *              mapping (replaced; the old range unmapped), 8 MiB moved;
 *   fork       a MAP_SHARED page moved stays shared with a child; a
 *              private page shared copy-on-write and moved: the
 *              parent's later stores do not reach the child;
 *   file       MAP_SHARED grown: the file's next pages appear, a store
 *              reaches the file (pread); MAP_PRIVATE grown and moved
 *              with MREMAP_FIXED: the file's bytes, stores private;
 *              a part of a mapping moved out of its middle;
 *   realloc    1 MiB -> 8 MiB -> 2 MiB keeps the bytes;
 *   errors     EINVAL: unaligned old address, new size 0, unknown
 *              flags, MREMAP_FIXED without MAYMOVE, overlapping FIXED
 *              ranges, unaligned FIXED address; EFAULT: an unmapped
 *              old range, one spanning two mappings of different
 *              kinds; ENOMEM: growing without MAYMOVE when the next
 *              page is taken, a huge size.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define PTEST_SUITE "mremap"
#include "ptest.h"

#define PG      4096
#define MF      MAP_FAILED

static void *
anon(size_t n, int shared)
{
	return mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_ANONYMOUS |
	    (shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);
}

/* Is the page at p mapped? (mprotect of an unmapped page: ENOMEM) */
static int
mapped(void *p)
{
	return mprotect(p, PG, PROT_READ | PROT_WRITE) == 0;
}

static int
filled(const unsigned char *p, size_t n, unsigned char seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (p[i] != (unsigned char)(seed + i * 13))
			return 0;
	return 1;
}

static void
fill(unsigned char *p, size_t n, unsigned char seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(seed + i * 13);
}

static int
zero(const unsigned char *p, size_t n)
{
	while (n--)
		if (*p++)
			return 0;
	return 1;
}

static void
anonymous(void)
{
	unsigned char *a, *b, *c;

	a = anon(2 * PG, 0);
	fill(a, 2 * PG, 1);
	b = mremap(a, 2 * PG, 5 * PG, MREMAP_MAYMOVE);
	EXPECT("grow 2 -> 5 pages with MAYMOVE", b != MF);
	EXPECT("the contents are kept", b != MF && filled(b, 2 * PG, 1));
	EXPECT("the new pages are zero", b != MF && zero(b + 2 * PG, 3 * PG));
	if (b != MF) {
		b[5 * PG - 1] = 7;
		EXPECT("the new pages are writable", b[5 * PG - 1] == 7);
	}
	c = mremap(b, 5 * PG, 2 * PG, 0);
	EXPECT("shrink 5 -> 2 pages: the same address", c == b);
	EXPECT("the kept pages are intact", filled(b, 2 * PG, 1));
	EXPECT("the tail is unmapped", !mapped(b + 2 * PG) &&
	    !mapped(b + 4 * PG));
	munmap(b, 2 * PG);

	/* in place: the pages after are free */
	a = anon(6 * PG, 0);
	fill(a, 2 * PG, 2);
	munmap(a + 2 * PG, 4 * PG);
	b = mremap(a, 2 * PG, 6 * PG, 0);
	EXPECT("grow in place without MAYMOVE", b == a);
	EXPECT("in place: contents kept, new zero", b == a &&
	    filled(a, 2 * PG, 2) && zero(a + 2 * PG, 4 * PG));
	munmap(a, 6 * PG);

	/* not in place: the next page is the same mapping's */
	a = anon(2 * PG, 0);
	EXPECT_ERR("grow without MAYMOVE, the next page taken: ENOMEM",
	    (long)mremap(a, PG, 2 * PG, 0), ENOMEM);
	b = mremap(a, PG, 3 * PG, MREMAP_MAYMOVE);
	EXPECT("a part of a mapping moved with MAYMOVE", b != MF && b != a);
	EXPECT("the rest of the old mapping stays", mapped(a + PG) &&
	    !mapped(a));
	munmap(a + PG, PG);
	munmap(b, 3 * PG);

	/* MREMAP_FIXED onto another mapping */
	a = anon(2 * PG, 0);
	c = anon(4 * PG, 0);
	fill(a, 2 * PG, 3);
	memset(c, 'T', 4 * PG);
	b = mremap(a, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, c);
	EXPECT("MREMAP_FIXED: at the address asked", b == c);
	EXPECT("MREMAP_FIXED: the contents moved, a new zero page",
	    filled(c, 2 * PG, 3) && zero(c + 2 * PG, PG));
	EXPECT("MREMAP_FIXED: the replaced mapping's last page stays",
	    c[3 * PG] == 'T');
	EXPECT("MREMAP_FIXED: the old range is unmapped", !mapped(a) &&
	    !mapped(a + PG));
	munmap(c, 4 * PG);

	/* a big block */
	a = anon(8 << 20, 0);
	fill(a, 8 << 20, 4);
	b = mremap(a, 8 << 20, 16 << 20, MREMAP_MAYMOVE);
	EXPECT("8 MiB grown to 16 MiB, its bytes kept", b != MF &&
	    filled(b, 8 << 20, 4) && zero(b + (8 << 20), 8 << 20));
	munmap(b != MF ? b : a, 16 << 20);
}

static unsigned char *seen;     /* what a waiting child looks at */

static int
seen_shared(void)
{
	return seen[0] == 42;
}

static int
seen_private(void)
{
	return seen[0] == 5 && seen[PG] == 5;
}

/* A child that waits for a byte on a pipe, then exits 0 if ok() holds:
 * its pid (the pipe's write end in *wr), or -1. */
static pid_t
waiter(int (*ok)(void), int *wr)
{
	int fd[2];
	pid_t pid;
	char c;

	if (pipe(fd) < 0)
		return -1;
	if ((pid = fork()) == 0) {
		close(fd[1]);
		if (read(fd[0], &c, 1) != 1)
			_exit(3);
		_exit(ok() ? 0 : 1);
	}
	close(fd[0]);
	*wr = fd[1];
	return pid;
}

/* Let the waiting child look: did ok() hold in it? */
static int
child_saw(pid_t pid, int wr)
{
	int st, n = (int)write(wr, "x", 1);

	close(wr);
	return n == 1 && pid > 0 && waitpid(pid, &st, 0) == pid &&
	    WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void
with_fork(void)
{
	unsigned char *q;
	pid_t pid;
	int wr = -1;

	/* a MAP_SHARED page moved stays shared */
	seen = anon(PG, 1);
	seen[0] = 1;
	pid = waiter(seen_shared, &wr);
	q = mremap(seen, PG, 3 * PG, MREMAP_MAYMOVE);
	if (q != MF)
		q[0] = 42;
	EXPECT("MAP_SHARED moved: the child sees the store",
	    child_saw(pid, wr));
	munmap(q != MF ? q : seen, 3 * PG);

	/* a private page shared copy-on-write, moved */
	seen = anon(2 * PG, 0);
	memset(seen, 5, 2 * PG);
	pid = waiter(seen_private, &wr);
	q = mremap(seen, 2 * PG, 4 * PG, MREMAP_MAYMOVE);
	if (q != MF) {
		q[0] = 6;
		q[PG] = 6;
	}
	EXPECT("private moved after fork: the child keeps its bytes",
	    child_saw(pid, wr));
	EXPECT("and the parent has its own", q != MF && q[0] == 6 &&
	    q[PG] == 6 && q[PG + 1] == 5);
	munmap(q != MF ? q : seen, 4 * PG);
}

static void
file(void)
{
	unsigned char buf[4 * PG], *m, *n, *t;
	int fd;

	fill(buf, sizeof(buf), 9);
	fd = open("mf", O_RDWR | O_CREAT | O_TRUNC, 0644);
	EXPECT("make a 4-page file", fd >= 0 &&
	    write(fd, buf, sizeof(buf)) == (ssize_t)sizeof(buf));
	m = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT("map its first page MAP_SHARED", m != MF);
	n = mremap(m, PG, 3 * PG, MREMAP_MAYMOVE);
	EXPECT("grow it to 3 pages: the file's next pages", n != MF &&
	    filled(n, 3 * PG, 9));
	if (n != MF) {
		n[2 * PG + 5] = 0xee;
		EXPECT_RET("msync", msync(n, 3 * PG, MS_SYNC), 0);
	}
	EXPECT("a store there reaches the file", pread(fd, buf, 16,
	    2 * PG) == 16 && buf[5] == 0xee);
	munmap(n != MF ? n : m, 3 * PG);
	fill(buf, sizeof(buf), 9);
	EXPECT("put the byte back", pwrite(fd, buf + 2 * PG + 5, 1,
	    2 * PG + 5) == 1);

	/* MAP_PRIVATE, grown and moved with FIXED */
	m = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, PG);
	t = anon(3 * PG, 0);
	EXPECT("map pages 1-2 MAP_PRIVATE", m != MF && t != MF);
	n = mremap(m, 2 * PG, 3 * PG, MREMAP_MAYMOVE | MREMAP_FIXED, t);
	EXPECT("grow it to 3 pages, moved onto another mapping", n == t);
	fill(buf, sizeof(buf), 9);
	EXPECT("the file's pages 1-3 there", n == t && filled(t, 3 * PG,
	    (unsigned char)(9 + PG * 13)));
	if (n == t) {
		t[0] = 0x11;
		EXPECT("a private store does not reach the file",
		    pread(fd, buf, 1, PG) == 1 && buf[0] != 0x11);
	}
	munmap(t, 3 * PG);

	/* a middle part of a file mapping moved */
	m = mmap(NULL, 4 * PG, PROT_READ, MAP_SHARED, fd, 0);
	n = m != MF ? mremap(m + PG, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
	    anon(PG, 0)) : MF;
	fill(buf, sizeof(buf), 9);
	EXPECT("page 1 of a file mapping moved: page 1's bytes",
	    n != MF && n[0] == buf[PG] && n[PG - 1] == buf[2 * PG - 1]);
	EXPECT("pages 0 and 2 stay, page 1 is gone", m != MF &&
	    m[0] == buf[0] && m[2 * PG] == buf[2 * PG] && !mapped(m + PG));
	if (m != MF) {
		munmap(m, 4 * PG);
		if (n != MF)
			munmap(n, PG);
	}
	close(fd);
	unlink("mf");
}

static void
big_realloc(void)
{
	unsigned char *p = malloc(1 << 20), *q;

	if (!p)
		return;
	fill(p, 1 << 20, 7);
	q = realloc(p, 8 << 20);
	EXPECT("realloc 1 MiB -> 8 MiB keeps the bytes", q &&
	    filled(q, 1 << 20, 7));
	if (!q)
		return;
	memset(q + (1 << 20), 1, 7 << 20);
	p = realloc(q, 2 << 20);
	EXPECT("realloc 8 MiB -> 2 MiB keeps the bytes", p &&
	    filled(p, 1 << 20, 7) && p[(2 << 20) - 1] == 1);
	free(p ? p : q);
}

static void
errors(void)
{
	unsigned char *a = anon(2 * PG, 0), *b;

	EXPECT_ERR("unaligned old address: EINVAL",
	    (long)mremap(a + 1, PG, 2 * PG, MREMAP_MAYMOVE), EINVAL);
	EXPECT_ERR("new size 0: EINVAL", (long)mremap(a, PG, 0,
	    MREMAP_MAYMOVE), EINVAL);
	EXPECT_ERR("unknown flags: EINVAL", (long)mremap(a, PG, 2 * PG,
	    0x100), EINVAL);
	EXPECT_ERR("MREMAP_FIXED without MAYMOVE: EINVAL",
	    (long)mremap(a, PG, PG, MREMAP_FIXED, a + 8 * PG), EINVAL);
	EXPECT_ERR("overlapping FIXED ranges: EINVAL",
	    (long)mremap(a, 2 * PG, 2 * PG, MREMAP_MAYMOVE | MREMAP_FIXED,
	    a + PG), EINVAL);
	EXPECT_ERR("unaligned FIXED address: EINVAL",
	    (long)mremap(a, PG, PG, MREMAP_MAYMOVE | MREMAP_FIXED,
	    a + 40 * PG + 1), EINVAL);
	munmap(a, 2 * PG);
	EXPECT_ERR("an unmapped old range: EFAULT", (long)mremap(a, PG,
	    2 * PG, MREMAP_MAYMOVE), EFAULT);
	/* a private page then a shared one, adjacent */
	a = anon(2 * PG, 0);
	b = mmap(a + PG, PG, PROT_READ | PROT_WRITE, MAP_SHARED |
	    MAP_ANONYMOUS | MAP_FIXED, -1, 0);
	EXPECT("a shared page after a private one", b == a + PG);
	EXPECT_ERR("a range over two mappings: EFAULT", (long)mremap(a,
	    2 * PG, 4 * PG, MREMAP_MAYMOVE), EFAULT);
	EXPECT_ERR("a huge size: ENOMEM", (long)mremap(a, PG, 1UL << 46,
	    MREMAP_MAYMOVE), ENOMEM);
	munmap(a, 2 * PG);
}

int
main(void)
{
	anonymous();
	with_fork();
	file();
	big_realloc();
	errors();
	return ptest_done();
}
