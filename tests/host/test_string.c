/*
 * test_string.c: host tests for xok/lib/string.c, the memory and string
 * functions of the kernel and of libexos.
 *
 * string.c is compiled twice for this test (tests/host/host.mk), with its
 * functions renamed so they do not clash with the host's libc: with the
 * kernel's flags (no SSE; names k_memcpy, ...) and with libexos's (SSE
 * allowed; u_memcpy, ...).  Each test runs on both (a loop test, _i is
 * the build).  Every function is compared with a byte-by-byte reference
 * written here:
 *
 *   memcpy, memset: every alignment 0..15 of source and destination,
 *     every length 0..300 and a few large ones; the bytes around the
 *     destination must stay untouched, and the result is the destination;
 *   memmove: both directions of overlap at every distance up to 40 and
 *     at n/2, n-1 and n, every source alignment 0..15, lengths 0..300 and
 *     large ones;
 *   memcmp: equal buffers at every alignment pair and length, and a
 *     difference at the first, middle, last and a random position, where
 *     the bytes are >= 0x80 on one side (so a signed comparison or a
 *     whole-word comparison would get the sign wrong), with a later
 *     difference of the opposite sign that must not count;
 *   strlen, strnlen, strcmp, strncmp, strncpy: small exhaustive cases.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

Suite *string_suite(void);

#define DECLARE(p)                                                      \
	void *p##memcpy(void *, const void *, size_t);                  \
	void *p##memmove(void *, const void *, size_t);                 \
	void *p##memset(void *, int, size_t);                           \
	int p##memcmp(const void *, const void *, size_t);              \
	size_t p##strlen(const char *);                                 \
	size_t p##strnlen(const char *, size_t);                        \
	int p##strcmp(const char *, const char *);                      \
	int p##strncmp(const char *, const char *, size_t);             \
	char *p##strncpy(char *, const char *, size_t);
DECLARE(k_)
DECLARE(u_)

struct impl {
	const char *name;
	void *(*memcpy)(void *, const void *, size_t);
	void *(*memmove)(void *, const void *, size_t);
	void *(*memset)(void *, int, size_t);
	int (*memcmp)(const void *, const void *, size_t);
	size_t (*strlen)(const char *);
	size_t (*strnlen)(const char *, size_t);
	int (*strcmp)(const char *, const char *);
	int (*strncmp)(const char *, const char *, size_t);
	char *(*strncpy)(char *, const char *, size_t);
};

#define IMPL(p) { #p "(string.c)", p##memcpy, p##memmove, p##memset,    \
	p##memcmp, p##strlen, p##strnlen, p##strcmp, p##strncmp,        \
	p##strncpy }
static const struct impl impls[] = { IMPL(k_), IMPL(u_) };
#define NIMPL ((int)(sizeof(impls) / sizeof(impls[0])))

/* Only calls into Check on failure: these loops run millions of cases. */
#define REQUIRE(cond, ...) do {                                         \
	if (!(cond))                                                    \
		ck_abort_msg(__VA_ARGS__);                              \
} while (0)

#define MAXSMALL 300
#define PAD 64                  /* guard bytes on each side */
static const size_t large[] = { 1024, 4095, 4096, 4097, 65536 + 13,
	200003 };
#define NLARGE (sizeof(large) / sizeof(large[0]))
#define BUFLEN (320u << 10)   /* the large memmove: 3 x 100001 + margins */

static unsigned char src[BUFLEN], dst[BUFLEN], want[BUFLEN];

static uint32_t rng = 12345;

static unsigned char
rnd(void)
{
	rng = rng * 1103515245u + 12345u;
	return (unsigned char)(rng >> 16);
}

static void
fill(unsigned char *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = rnd();
}

/* The references: one byte at a time. */
static void
ref_copy(unsigned char *d, const unsigned char *s, size_t n)
{
	static unsigned char tmp[BUFLEN];
	size_t i;

	for (i = 0; i < n; i++)
		tmp[i] = s[i];
	for (i = 0; i < n; i++)
		d[i] = tmp[i];
}

static int
ref_cmp(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static int
sgn(int v)
{
	return (v > 0) - (v < 0);
}

/* Where the first byte differs, or -1. */
static long
first_diff(const unsigned char *a, const unsigned char *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (a[i] != b[i])
			return (long)i;
	return -1;
}

static void
check_copy(const struct impl *im, size_t sa, size_t da, size_t n)
{
	size_t span = PAD + da + n + PAD;
	void *r;
	long at;

	fill(src, PAD + sa + n + PAD);
	fill(dst, span);
	memcpy(want, dst, span);
	ref_copy(want + PAD + da, src + PAD + sa, n);
	r = im->memcpy(dst + PAD + da, src + PAD + sa, n);
	REQUIRE(r == dst + PAD + da, "%s memcpy returned the wrong pointer",
	    im->name);
	at = first_diff(dst, want, span);
	REQUIRE(at < 0, "%s memcpy(src+%zu, dst+%zu, %zu): byte %ld wrong",
	    im->name, sa, da, n, at - (long)(PAD + da));
}

START_TEST(t_memcpy)
{
	const struct impl *im = &impls[_i];
	size_t sa, da, n, k;

	for (sa = 0; sa < 16; sa++)
		for (da = 0; da < 16; da++) {
			for (n = 0; n <= MAXSMALL; n++)
				check_copy(im, sa, da, n);
			for (k = 0; k < NLARGE; k++)
				if (sa % 5 == 0 || da % 5 == 0)
					check_copy(im, sa, da, large[k]);
		}
}
END_TEST

static void
check_set(const struct impl *im, size_t da, size_t n, int c)
{
	size_t span = PAD + da + n + PAD, i;
	void *r;
	long at;

	fill(dst, span);
	memcpy(want, dst, span);
	for (i = 0; i < n; i++)
		want[PAD + da + i] = (unsigned char)c;
	r = im->memset(dst + PAD + da, c, n);
	REQUIRE(r == dst + PAD + da, "%s memset returned the wrong pointer",
	    im->name);
	at = first_diff(dst, want, span);
	REQUIRE(at < 0, "%s memset(dst+%zu, %#x, %zu): byte %ld wrong",
	    im->name, da, c, n, at - (long)(PAD + da));
}

START_TEST(t_memset)
{
	static const int cs[] = { 0, 0xa5, 0x7f, 0x80, 0xff, -1, 0x1234 };
	const struct impl *im = &impls[_i];
	size_t da, n, k, c;

	for (c = 0; c < sizeof(cs) / sizeof(cs[0]); c++)
		for (da = 0; da < 16; da++) {
			for (n = 0; n <= MAXSMALL; n++)
				check_set(im, da, n, cs[c]);
			for (k = 0; k < NLARGE; k++)
				check_set(im, da, large[k], cs[c]);
		}
}
END_TEST

/*
 * memmove within one buffer: the source MARGIN + sa bytes in, the
 * destination delta bytes away (either side, |delta| <= MARGIN - PAD),
 * n bytes; the reference moves a copy of the same buffer.
 */
#define MARGIN (MAXSMALL + PAD)

static void
check_move(const struct impl *im, size_t sa, long delta, size_t n)
{
	size_t so = MARGIN + sa, span = so + n + MARGIN;
	unsigned char *s = dst + so;
	void *r;
	long at;

	fill(dst, span);
	memcpy(want, dst, span);
	ref_copy(want + so + delta, want + so, n);
	r = im->memmove(s + delta, s, n);
	REQUIRE(r == s + delta, "%s memmove returned the wrong pointer",
	    im->name);
	at = first_diff(dst, want, span);
	REQUIRE(at < 0, "%s memmove(src+%zu, delta %ld, %zu): byte %ld wrong",
	    im->name, sa, delta, n, at - (long)(so + delta));
}

START_TEST(t_memmove)
{
	const struct impl *im = &impls[_i];
	size_t sa, n, k, len, so, span;
	long delta, j, sh, shifts[9];
	unsigned char *s;

	for (sa = 0; sa < 16; sa++)
		for (n = 0; n <= MAXSMALL; n++) {
			for (delta = -40; delta <= 40; delta++)
				check_move(im, sa, delta, n);
			shifts[0] = (long)n / 2;
			shifts[1] = (long)n - 1;
			shifts[2] = (long)n;
			for (j = 0; j < 3; j++)
				if (shifts[j] > 40) {
					check_move(im, sa, shifts[j], n);
					check_move(im, sa, -shifts[j], n);
				}
		}
	/* large moves, shifted by a little and by n/2, n-1 and n */
	for (k = 0; k < NLARGE; k++) {
		len = large[k] / 2;
		so = len + PAD;
		span = 3 * len + 2 * PAD + 16;
		shifts[0] = 1, shifts[1] = 7, shifts[2] = 8, shifts[3] = 9;
		shifts[4] = 31, shifts[5] = 33, shifts[6] = (long)len / 2;
		shifts[7] = (long)len - 1, shifts[8] = (long)len;
		for (sa = 0; sa < 16; sa += 3)
			for (j = 0; j < 9; j++)
				for (sh = -shifts[j]; sh <= shifts[j];
				    sh += 2 * shifts[j]) {
					s = dst + so + sa;
					fill(dst, span);
					memcpy(want, dst, span);
					ref_copy(want + so + sa + sh,
					    want + so + sa, len);
					REQUIRE(im->memmove(s + sh, s, len) ==
					    s + sh, "%s memmove result",
					    im->name);
					REQUIRE(first_diff(dst, want, span) < 0,
					    "%s memmove(%zu, shift %ld) wrong",
					    im->name, len, sh);
				}
	}
}
END_TEST

static void
check_cmp(const struct impl *im, const unsigned char *a,
    const unsigned char *b, size_t n)
{
	int got = im->memcmp(a, b, n), exp = ref_cmp(a, b, n);

	REQUIRE(sgn(got) == exp, "%s memcmp(n=%zu) = %d, want sign %d "
	    "(first difference at %ld)", im->name, n, got, exp,
	    first_diff(a, b, n));
}

START_TEST(t_memcmp)
{
	const struct impl *im = &impls[_i];
	unsigned char *a, *b;
	size_t sa, da, n, p, k, q;
	size_t pos[4];

	for (sa = 0; sa < 16; sa++)
		for (da = 0; da < 16; da++)
			for (n = 0; n <= MAXSMALL; n++) {
				a = src + PAD + sa;
				b = dst + PAD + da;
				fill(a, n);
				memcpy(b, a, n);
				check_cmp(im, a, b, n);
				if (n == 0)
					continue;
				pos[0] = 0;
				pos[1] = n / 2;
				pos[2] = n - 1;
				pos[3] = rnd() % n;
				for (k = 0; k < 4; k++) {
					p = pos[k];
					/* a[p] >= 0x80 > b[p]: a is greater */
					a[p] = (unsigned char)(0x80 | rnd());
					b[p] = (unsigned char)(rnd() & 0x7f);
					/* a later difference the other way */
					q = p + 1 + rnd() % 16;
					if (q < n) {
						a[q] = 0x00;
						b[q] = 0xff;
					}
					check_cmp(im, a, b, n);
					check_cmp(im, b, a, n);
					/* only the high bit differs */
					a[p] = 0x80;
					b[p] = 0x00;
					check_cmp(im, a, b, n);
					check_cmp(im, b, a, n);
					memcpy(b, a, n);
					check_cmp(im, a, b, n);
				}
			}
	for (k = 0; k < NLARGE; k++) {
		n = large[k];
		a = src + PAD + 3;
		b = dst + PAD;
		fill(a, n);
		memcpy(b, a, n);
		check_cmp(im, a, b, n);
		for (p = n - 70; p < n; p += 9) {
			a[p] = 0xfe;
			b[p] = 0x01;
			check_cmp(im, a, b, n);
			check_cmp(im, b, a, n);
			b[p] = a[p];
		}
	}
}
END_TEST

START_TEST(t_strings)
{
	const struct impl *im = &impls[_i];
	char a[40], b[40], d[40], w[40];
	size_t la, lb, n, i;

	for (la = 0; la < 20; la++) {
		memset(a, 'x', sizeof(a));
		for (i = 0; i < la; i++)
			a[i] = (char)('a' + i);
		a[la] = 0;
		REQUIRE(im->strlen(a) == la, "%s strlen", im->name);
		for (n = 0; n < 25; n++)
			REQUIRE(im->strnlen(a, n) == (n < la ? n : la),
			    "%s strnlen(%zu, %zu)", im->name, la, n);
		for (n = 0; n < 25; n++) {
			memset(d, 'z', sizeof(d));
			memset(w, 'z', sizeof(w));
			for (i = 0; i < n; i++)
				w[i] = i < la ? a[i] : 0;
			REQUIRE(im->strncpy(d, a, n) == d, "%s strncpy result",
			    im->name);
			REQUIRE(memcmp(d, w, sizeof(d)) == 0,
			    "%s strncpy(%zu, %zu)", im->name, la, n);
		}
		for (lb = 0; lb < 20; lb++) {
			memcpy(b, a, sizeof(b));
			b[lb] = 0;
			if (lb < la)
				b[lb > 0 ? lb - 1 : 0] = (char)0xe0;
			REQUIRE(sgn(im->strcmp(a, b)) == sgn(strcmp(a, b)),
			    "%s strcmp(%zu, %zu)", im->name, la, lb);
			REQUIRE(sgn(im->strcmp(b, a)) == sgn(strcmp(b, a)),
			    "%s strcmp(%zu, %zu)", im->name, lb, la);
			for (n = 0; n < 25; n++)
				REQUIRE(sgn(im->strncmp(a, b, n)) ==
				    sgn(strncmp(a, b, n)),
				    "%s strncmp(%zu, %zu, %zu)", im->name,
				    la, lb, n);
		}
	}
}
END_TEST

Suite *
string_suite(void)
{
	Suite *s = suite_create("string");
	TCase *tc = tcase_create("string");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, t_memcpy, 0, NIMPL);
	tcase_add_loop_test(tc, t_memset, 0, NIMPL);
	tcase_add_loop_test(tc, t_memmove, 0, NIMPL);
	tcase_add_loop_test(tc, t_memcmp, 0, NIMPL);
	tcase_add_loop_test(tc, t_strings, 0, NIMPL);
	suite_add_tcase(s, tc);
	return s;
}
