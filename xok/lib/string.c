/*
 * string.c: freestanding string and memory functions for the kernel and
 * for libexos.
 *
 * The memory functions move 8-byte words, 32 bytes per loop turn, with
 * the unaligned head (of the destination) and the tail done as 4-, 2-
 * and 1-byte pieces.  Measured in the guest under QEMU's TCG, where the
 * tests and benchmarks run (cycles for 64 KiB, best of 40): memcpy 650K
 * byte by byte, 58K in words, 90K with rep movsq; memset 43K in words,
 * 64K with rep stosq; memcmp 900K byte by byte, 64K in words, 85K with
 * repe cmpsq.  Under KVM rep movsq and rep stosq are about twice as fast
 * as the words (3K against 6K), but both are small next to TCG's costs.
 *
 * In the kernel, under the project machines' nested KVM (where each
 * kernel instruction costs about a microsecond: docs/TESTING.md,
 * "Session 16"), a rep string instruction is much cheaper than the
 * loop: a 64 KiB copy 4.6 ms with rep movsq against 12 ms, a clear
 * 2.7 ms with rep stosq against 6.9 ms.  So the kernel sets
 * xok_rep_strings at boot when it finds KVM (arch/x86_64/cpu.c), and
 * memcpy and memset of 256 bytes and more then use them; under TCG
 * they stay the loops, which are faster there (above).
 *
 * The kernel is built without SSE; libexos is not, and gcc would turn
 * the copy loop into SSE moves, which TCG runs at half the speed of the
 * plain 8-byte ones (104K for 64 KiB): the empty asm in ld64() keeps
 * each word in a general register.
 */
#include <xok/lib.h>

static inline uint64_t
ld64(const unsigned char *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, 8);
	__asm__("" : "+r"(v));
	return v;
}

static inline void
st64(unsigned char *p, uint64_t v)
{
	__builtin_memcpy(p, &v, 8);
}

/* One piece of 1, 2 or 4 bytes: loaded whole before it is stored. */
static inline void
piece(unsigned char *d, const unsigned char *s, size_t k)
{
	uint32_t v4;
	uint16_t v2;

	if (k == 4) {
		__builtin_memcpy(&v4, s, 4);
		__builtin_memcpy(d, &v4, 4);
	} else if (k == 2) {
		__builtin_memcpy(&v2, s, 2);
		__builtin_memcpy(d, &v2, 2);
	} else {
		*d = *s;
	}
}

/*
 * Copy upwards, in pieces that are each loaded before they are stored:
 * correct for any overlap with d < s too, because every later load is
 * above every byte stored so far.
 */
static void
copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t a, b, c, e;
	size_t head;

	if (n >= 32) {
		head = -(uintptr_t)d & 7;
		n -= head;
		if (head & 1)
			piece(d, s, 1), d += 1, s += 1;
		if (head & 2)
			piece(d, s, 2), d += 2, s += 2;
		if (head & 4)
			piece(d, s, 4), d += 4, s += 4;
	}
	for (; n >= 32; d += 32, s += 32, n -= 32) {
		a = ld64(s);
		b = ld64(s + 8);
		c = ld64(s + 16);
		e = ld64(s + 24);
		st64(d, a);
		st64(d + 8, b);
		st64(d + 16, c);
		st64(d + 24, e);
	}
	for (; n >= 8; d += 8, s += 8, n -= 8)
		st64(d, ld64(s));
	if (n & 4)
		piece(d, s, 4), d += 4, s += 4;
	if (n & 2)
		piece(d, s, 2), d += 2, s += 2;
	if (n & 1)
		piece(d, s, 1);
}

/*
 * Copy downwards from the ends d + n and s + n: correct for any overlap
 * with d > s, because every later load is below every byte stored.
 */
static void
copy_down(unsigned char *d, const unsigned char *s, size_t n)
{
	uint64_t a, b, c, e;
	size_t head;

	d += n;
	s += n;
	if (n >= 32) {
		head = (uintptr_t)d & 7;
		n -= head;
		if (head & 1)
			d -= 1, s -= 1, piece(d, s, 1);
		if (head & 2)
			d -= 2, s -= 2, piece(d, s, 2);
		if (head & 4)
			d -= 4, s -= 4, piece(d, s, 4);
	}
	for (; n >= 32; n -= 32) {
		d -= 32;
		s -= 32;
		e = ld64(s + 24);
		c = ld64(s + 16);
		b = ld64(s + 8);
		a = ld64(s);
		st64(d + 24, e);
		st64(d + 16, c);
		st64(d + 8, b);
		st64(d, a);
	}
	for (; n >= 8; n -= 8) {
		d -= 8;
		s -= 8;
		st64(d, ld64(s));
	}
	if (n & 4)
		d -= 4, s -= 4, piece(d, s, 4);
	if (n & 2)
		d -= 2, s -= 2, piece(d, s, 2);
	if (n & 1)
		piece(d - 1, s - 1, 1);
}

#ifdef XOK_KERNEL
int xok_rep_strings;

/* n / 8 words with rep movsq, then the rest: upwards, as copy_up. */
static void
rep_copy_up(unsigned char *d, const unsigned char *s, size_t n)
{
	size_t words = n / 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(words)
	    :: "memory");
	copy_up(d, s, n & 7);
}
#endif

void *
memcpy(void *dst, const void *src, size_t n)
{
#ifdef XOK_KERNEL
	if (xok_rep_strings && n >= 256) {
		rep_copy_up(dst, src, n);
		return dst;
	}
#endif
	copy_up(dst, src, n);
	return dst;
}

void *
memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d == s || n == 0)
		return dst;
	if ((uintptr_t)d - (uintptr_t)s >= n)
		copy_up(d, s, n);       /* d below s, or no overlap */
	else
		copy_down(d, s, n);     /* d inside (s, s + n) */
	return dst;
}

void *
memset(void *dst, int c, size_t n)
{
	unsigned char *d = dst, b = (unsigned char)c;
	uint64_t w = 0x0101010101010101ull * b;
	uint32_t w4 = (uint32_t)w;
	uint16_t w2 = (uint16_t)w;
	size_t head;

#ifdef XOK_KERNEL
	if (xok_rep_strings && n >= 256) {
		size_t words = n / 8;

		__asm__ volatile("rep stosq" : "+D"(d), "+c"(words) : "a"(w)
		    : "memory");
		n &= 7;
	}
#endif
	if (n >= 32) {
		head = -(uintptr_t)d & 7;
		n -= head;
		if (head & 1)
			*d++ = b;
		if (head & 2)
			__builtin_memcpy(d, &w2, 2), d += 2;
		if (head & 4)
			__builtin_memcpy(d, &w4, 4), d += 4;
	}
	for (; n >= 32; d += 32, n -= 32) {
		st64(d, w);
		st64(d + 8, w);
		st64(d + 16, w);
		st64(d + 24, w);
	}
	for (; n >= 8; d += 8, n -= 8)
		st64(d, w);
	if (n & 4)
		__builtin_memcpy(d, &w4, 4), d += 4;
	if (n & 2)
		__builtin_memcpy(d, &w2, 2), d += 2;
	if (n & 1)
		*d = b;
	return dst;
}

/* The difference of the first unequal bytes of two unequal words. */
static inline int
wdiff(uint64_t u, uint64_t v)
{
	unsigned sh = (unsigned)__builtin_ctzll(u ^ v) & ~7u;

	/* little-endian: the lowest differing byte comes first in memory */
	return (int)((u >> sh) & 0xff) - (int)((v >> sh) & 0xff);
}

int
memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;
	uint64_t u, v;

	for (; n >= 32; x += 32, y += 32, n -= 32) {
		if ((ld64(x) ^ ld64(y)) | (ld64(x + 8) ^ ld64(y + 8)) |
		    (ld64(x + 16) ^ ld64(y + 16)) |
		    (ld64(x + 24) ^ ld64(y + 24)))
			break;
	}
	for (; n >= 8; x += 8, y += 8, n -= 8) {
		u = ld64(x);
		v = ld64(y);
		if (u != v)
			return wdiff(u, v);
	}
	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t
strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

size_t
strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

int
strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (unsigned char)*a - (unsigned char)*b;
}

int
strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

char *
strncpy(char *dst, const char *src, size_t n)
{
	size_t i = 0;

	for (; i < n && src[i]; i++)
		dst[i] = src[i];
	for (; i < n; i++)
		dst[i] = 0;
	return dst;
}
