/*
 * car.c: the document archive (car.h): parsing it without trusting it,
 * finding files, and the precomputed checksums.
 *
 * The checksums: for a file, ck[k] is the one's-complement sum of its
 * first k*CAR_CKBLK bytes.  One's-complement addition is a group, so the
 * sum of any range [a, b) is Q(b) - Q(a), where Q(x) is ck[x/CAR_CKBLK]
 * plus the few bytes from that block's start to x; if a is odd the
 * bytes pair the other way round and the result is byte-swapped.  A
 * segment's data sum therefore costs at most 2 * CAR_CKBLK bytes
 * whatever its length and wherever lwIP cut it.
 */
#include <exos/exos.h>
#include <stdlib.h>
#include <string.h>
#include "car.h"

static uint64_t
get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

int
car_open(struct car *c, const void *base, uint64_t size)
{
	const uint8_t *b = base;
	uint64_t n, ioff, ilen, pos, i, prev_end;

	memset(c, 0, sizeof(*c));
	if (size < 64 || memcmp(b, CAR_MAGIC, 8) != 0)
		return -1;
	n = get64(b + 8), ioff = get64(b + 16), ilen = get64(b + 24);
	if (ioff < 64 || ioff > size || ilen > size - ioff || n > ilen / 26)
		return -1;
	c->files = calloc(n ? n : 1, sizeof(*c->files));
	if (c->files == NULL)
		return -1;
	pos = ioff, prev_end = ioff + ilen;
	for (i = 0; i < n; i++) {
		struct car_file *f = &c->files[i];
		uint64_t off, sz, nl;

		if (pos + 26 > ioff + ilen)
			goto bad;
		off = get64(b + pos), sz = get64(b + pos + 8);
		nl = (uint64_t)b[pos + 24] | (uint64_t)b[pos + 25] << 8;
		if (nl == 0 || nl > 255 || pos + 26 + nl > ioff + ilen)
			goto bad;
		/* data in bounds, after the index and the previous file */
		if (off < prev_end || off > size || sz > size - off)
			goto bad;
		f->name = (const char *)b + pos + 26;
		f->namelen = (unsigned)nl;
		f->data = b + off;
		f->size = sz;
		f->mtime = get64(b + pos + 16);
		if (i > 0) {
			const struct car_file *p = &c->files[i - 1];
			unsigned m = p->namelen < nl ? p->namelen :
			    (unsigned)nl;
			int d = memcmp(p->name, f->name, m);

			if (d > 0 || (d == 0 && p->namelen >= nl))
				goto bad;
		}
		prev_end = off + sz;
		pos = (pos + 26 + nl + 7) & ~7UL;
	}
	c->base = b, c->size = size, c->nfiles = (unsigned)n;
	return 0;
bad:
	free(c->files);
	c->files = NULL;
	return -1;
}

struct car_file *
car_find(struct car *c, const char *name, size_t n)
{
	unsigned lo = 0, hi = c->nfiles;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct car_file *f = &c->files[mid];
		size_t m = f->namelen < n ? f->namelen : n;
		int d = memcmp(f->name, name, m);

		if (d == 0 && f->namelen == n)
			return f;
		if (d < 0 || (d == 0 && f->namelen < n))
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct car_file *
car_holding(struct car *c, const void *p, size_t len)
{
	const uint8_t *q = p;
	unsigned lo = 0, hi = c->nfiles;

	if (c->nfiles == 0 || q < c->base || q >= c->base + c->size)
		return NULL;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct car_file *f = &c->files[mid];

		if (q < f->data)
			hi = mid;
		else if (q >= f->data + f->size)
			lo = mid + 1;
		else
			return (uint64_t)(q - f->data) + len <= f->size ? f :
			    NULL;
	}
	return NULL;
}

static uint32_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

/* Sum of d[from, to), from even, as little-endian words paired from
 * d[from]. */
static uint32_t
sum_bytes(const uint8_t *d, uint64_t from, uint64_t to)
{
	uint32_t s = 0;
	uint64_t i;

	for (i = from; i + 1 < to; i += 2)
		s += (uint32_t)d[i] | (uint32_t)d[i + 1] << 8;
	if (i < to)
		s += d[i];
	return fold(s);
}

int
car_precompute_sums(struct car_file *f)
{
	uint64_t nb = f->size / CAR_CKBLK, k;
	uint32_t s = 0;

	f->ck = malloc((nb + 1) * sizeof(uint16_t));
	if (f->ck == NULL)
		return -1;
	f->ck[0] = 0;
	for (k = 0; k < nb; k++) {
		s = fold(s + sum_bytes(f->data, k * CAR_CKBLK, (k + 1) *
		    CAR_CKBLK));
		f->ck[k + 1] = (uint16_t)s;
	}
	return 0;
}

/* Q(x): the sum of data[0, x). */
static uint32_t
prefix(const struct car_file *f, uint64_t x)
{
	uint64_t k = x / CAR_CKBLK;

	return fold(f->ck[k] + sum_bytes(f->data, k * CAR_CKBLK, x));
}

uint16_t
car_sum(const struct car_file *f, uint64_t off, uint64_t len)
{
	uint32_t s = fold(prefix(f, off + len) + (0xffff & ~prefix(f, off)));

	if (off & 1)
		s = ((s & 0xff) << 8) | (s >> 8);
	return (uint16_t)s;
}
