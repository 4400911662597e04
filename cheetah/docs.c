/*
 * docs.c: finding Cheetah's documents (docs.h) and their precomputed
 * checksums.
 *
 * The checksums: for a file, ck[k] is the one's-complement sum of its
 * first k*DOC_CKBLK bytes, computed once when the file enters the cache
 * (docstore.c maps it).  One's-complement addition is a group, so the
 * sum of any range [a, b) is Q(b) - Q(a), where Q(x) is ck[x/DOC_CKBLK]
 * plus the few bytes from that block's start to x; if a is odd the
 * bytes pair the other way round and the result is byte-swapped.  A
 * segment's data sum therefore costs at most 2 * DOC_CKBLK bytes
 * whatever its length and wherever lwIP cut it.
 */
#include <exos/exos.h>
#include <stdlib.h>
#include <string.h>
#include "docs.h"

struct doc *
docs_find(struct docs *c, const char *name, size_t n)
{
	unsigned lo = 0, hi = c->nfiles;

	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct doc *f = &c->files[mid];
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

struct doc *
docs_holding(struct docs *c, const void *p, size_t len)
{
	const uint8_t *q = p;
	unsigned lo = 0, hi = c->nfiles;

	if (c->nfiles == 0 || q < c->base || q >= c->base + c->size)
		return NULL;
	while (lo < hi) {
		unsigned mid = (lo + hi) / 2;
		struct doc *f = &c->files[mid];

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
doc_precompute_sums(struct doc *f)
{
	uint64_t nb = f->size / DOC_CKBLK, k;
	uint32_t s = 0;

	f->ck = malloc((nb + 1) * sizeof(uint16_t));
	if (f->ck == NULL)
		return -1;
	f->ck[0] = 0;
	for (k = 0; k < nb; k++) {
		s = fold(s + sum_bytes(f->data, k * DOC_CKBLK, (k + 1) *
		    DOC_CKBLK));
		f->ck[k + 1] = (uint16_t)s;
	}
	return 0;
}

/* Q(x): the sum of data[0, x). */
static uint32_t
prefix(const struct doc *f, uint64_t x)
{
	uint64_t k = x / DOC_CKBLK;

	return fold(f->ck[k] + sum_bytes(f->data, k * DOC_CKBLK, x));
}

uint16_t
doc_sum(const struct doc *f, uint64_t off, uint64_t len)
{
	uint32_t s = fold(prefix(f, off + len) + (0xffff & ~prefix(f, off)));

	if (off & 1)
		s = ((s & 0xff) << 8) | (s >> 8);
	return (uint16_t)s;
}
