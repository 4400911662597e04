/*
 * dev.c: the device files that need no driver: /dev/null, /dev/zero,
 * /dev/urandom and /dev/random (the same), /dev/full (reads zeros, every
 * write is ENOSPC, as Linux's), and the names under /dev
 * (px_dev_lookup).  /dev/console and /dev/tty are the console
 * (PX_FT_CONS: console.c, the tty later).
 *
 * /dev/urandom's bytes come from the CPU's RDRAND when CPUID says it has
 * one (checked once per process; a failing RDRAND is retried ten times,
 * as Intel advises, then the generator below is used), otherwise from a
 * xorshift64* generator seeded from the time-stamp counter and the
 * environment id: not cryptographic, said so in docs/PORTING.md.
 */
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <poll.h>
#include "posix.h"
#include "fd.h"
#include "uaccess.h"

static const struct {
	const char *name;
	uint32_t type;
	unsigned maj, min;
} devs[] = {
	{ "/dev/null", PX_FT_NULL, 1, 3 },
	{ "/dev/zero", PX_FT_ZERO, 1, 5 },
	{ "/dev/random", PX_FT_RANDOM, 1, 8 },
	{ "/dev/urandom", PX_FT_RANDOM, 1, 9 },
	{ "/dev/tty", PX_FT_CONS, 5, 0 },
	{ "/dev/console", PX_FT_CONS, 5, 1 },
	{ "/dev/full", PX_FT_FULL, 1, 7 },       /* (ports12) */
};
#define NDEV (sizeof(devs) / sizeof(devs[0]))

/* The device at the absolute normalized path: its type (st filled if
 * not NULL), 0 for the directory /dev itself, -ENOENT otherwise. */
long
px_dev_lookup(const char *path, struct stat *st)
{
	unsigned i;

	if (strcmp(path, "/dev") == 0) {
		if (st) {
			memset(st, 0, sizeof(*st));
			st->st_mode = S_IFDIR | 0755;
			st->st_nlink = 2;
			st->st_dev = 2;
			st->st_ino = 1;
			st->st_blksize = 4096;
		}
		return 0;
	}
	for (i = 0; i < NDEV; i++)
		if (strcmp(path, devs[i].name) == 0) {
			if (st) {
				memset(st, 0, sizeof(*st));
				st->st_mode = S_IFCHR | 0666;
				st->st_rdev = makedev(devs[i].maj, devs[i].min);
				st->st_nlink = 1;
				st->st_dev = 2;
				st->st_ino = i + 2;
				st->st_blksize = 4096;
			}
			return devs[i].type;
		}
	return -ENOENT;
}

/* The name of device type t (for fstat), by its first entry. */
static long
dev_stat(uint32_t t, struct stat *st)
{
	unsigned i;

	for (i = 0; i < NDEV; i++)
		if (devs[i].type == t)
			return px_dev_lookup(devs[i].name, st) < 0 ? -EBADF : 0;
	return -EBADF;
}

/* The path of device type t (procfs.c), or NULL. */
const char *
px_dev_name(uint32_t t)
{
	unsigned i;

	for (i = 0; i < NDEV; i++)
		if (devs[i].type == t)
			return devs[i].name;
	return NULL;
}

static long
null_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	(void)f, (void)buf, (void)n, (void)off;
	return 0;
}

static long
any_write(struct px_ofile *f, const void *buf, size_t n, int64_t off)
{
	(void)f, (void)buf, (void)off;
	return (long)n;
}

/* /dev/full: no room, ever (Linux looks at nothing: not the buffer,
 * not the count, 0 included) */
static long
full_write(struct px_ofile *f, const void *buf, size_t n, int64_t off)
{
	(void)f, (void)buf, (void)n, (void)off;
	return -ENOSPC;
}

static long
dev_lseek(struct px_ofile *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return 0;
}

static long
null_fstat(struct px_ofile *f, struct stat *st)
{
	return dev_stat(f->type, st);
}

/* Fill the program's buffer from gen, a page at a time. */
static long
fill(void *ubuf, size_t n, void (*gen)(void *, size_t))
{
	char page[512];
	size_t done = 0, c;

	while (done < n) {
		c = n - done < sizeof(page) ? n - done : sizeof(page);
		gen(page, c);
		if (px_copyout((char *)ubuf + done, page, c) < 0)
			return done ? (long)done : -EFAULT;
		done += c;
	}
	return (long)done;
}

static void
gen_zero(void *p, size_t n)
{
	memset(p, 0, n);
}

static long
zero_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	(void)f, (void)off;
	return fill(buf, n, gen_zero);
}

static int has_rdrand = -1;
static uint64_t xs;

static int
rdrand(uint64_t *v)
{
	unsigned char ok;
	int i;

	for (i = 0; i < 10; i++) {
		__asm__ volatile("rdrand %0; setc %1" : "=r"(*v), "=qm"(ok));
		if (ok)
			return 1;
	}
	return 0;
}

static uint64_t
rand64(void)
{
	uint64_t v;

	if (has_rdrand < 0) {
		unsigned a, b, c, d;

		__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d)
		    : "a"(1), "c"(0));
		has_rdrand = (c >> 30) & 1;
	}
	if (has_rdrand && rdrand(&v))
		return v;
	if (!xs)
		xs = (rdtsc() ^ (XOK_INFO->cur_env << 32)) | 1;
	xs ^= xs >> 12;
	xs ^= xs << 25;
	xs ^= xs >> 27;
	return xs * 0x2545f4914f6cdd1dULL;
}

static void
gen_random(void *p, size_t n)
{
	uint64_t v;
	size_t i;

	for (i = 0; i < n; i += 8) {
		v = rand64();
		memcpy((char *)p + i, &v, n - i < 8 ? n - i : 8);
	}
}

static long
random_read(struct px_ofile *f, void *buf, size_t n, int64_t off)
{
	(void)f, (void)off;
	return fill(buf, n, gen_random);
}

static short
dev_poll(struct px_ofile *f, short events,
    const volatile uint64_t **word, uint64_t *seen)
{
	(void)f, (void)word, (void)seen;
	return events & (POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM);
}

const struct px_fops px_fops_null = {
	.read = null_read, .write = any_write, .lseek = dev_lseek,
	.fstat = null_fstat, .poll = dev_poll,
};
const struct px_fops px_fops_zero = {
	.read = zero_read, .write = any_write, .lseek = dev_lseek,
	.fstat = null_fstat, .poll = dev_poll,
};
const struct px_fops px_fops_random = {
	.read = random_read, .write = any_write, .lseek = dev_lseek,
	.fstat = null_fstat, .poll = dev_poll,
};
const struct px_fops px_fops_full = {
	.read = zero_read, .write = full_write, .lseek = dev_lseek,
	.fstat = null_fstat, .poll = dev_poll,
};
