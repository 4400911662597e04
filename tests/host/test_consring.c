/*
 * test_consring.c: host tests for xok/consring.c, the console input
 * ring: empty and full rings, a put into a full ring changing nothing,
 * peek's two pieces at every wrap position, take, counters that start
 * just below 2^64 and wrap, and a random sequence of 200k operations
 * checked against a simple queue.
 */
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "consring.h"

Suite *consring_suite(void);

#define SZ CONSRING_SIZE

static struct consring R;

/* ck_assert records a mark on every success, which is slow in the
 * random test's loops; this only calls into Check on failure. */
#define REQUIRE(cond, ...) do {                                         \
	if (!(cond))                                                    \
		ck_abort_msg(__VA_ARGS__);                              \
} while (0)

/* The bytes peek describes, joined. */
static uint64_t
peek_all(const struct consring *r, uint64_t n, uint8_t *out)
{
	const uint8_t *p1, *p2;
	uint64_t n1, n2, got;

	got = consring_peek(r, n, &p1, &n1, &p2, &n2);
	REQUIRE(got == n1 + n2, "peek: %lu != %lu + %lu", got, n1, n2);
	REQUIRE(p1 >= r->buf && p1 + n1 <= r->buf + SZ, "peek: p1 outside");
	REQUIRE(n2 == 0 || p1 + n1 == r->buf + SZ, "peek: wraps early");
	REQUIRE(p2 == r->buf && n2 <= SZ, "peek: bad p2");
	memcpy(out, p1, n1);
	memcpy(out + n1, p2, n2);
	return got;
}

START_TEST(empty)
{
	uint8_t b[8];

	consring_init(&R, 0);
	ck_assert_uint_eq(consring_count(&R), 0);
	ck_assert_uint_eq(consring_room(&R), SZ);
	ck_assert_uint_eq(peek_all(&R, 8, b), 0);
	ck_assert_uint_eq(peek_all(&R, UINT64_MAX, b), 0);
	consring_take(&R, 1);                   /* more than there is */
	ck_assert_uint_eq(R.tail, 0);
	ck_assert_uint_eq(consring_count(&R), 0);
}
END_TEST

START_TEST(fill)
{
	static uint8_t b[SZ];
	uint64_t i;

	consring_init(&R, 0);
	for (i = 0; i < SZ; i++)
		ck_assert_int_eq(consring_put(&R, (uint8_t)(i * 7)), 1);
	ck_assert_uint_eq(consring_count(&R), SZ);
	ck_assert_uint_eq(consring_room(&R), 0);
	ck_assert_int_eq(consring_put(&R, 0xee), 0);    /* full */
	ck_assert_uint_eq(R.head, SZ);
	ck_assert_uint_eq(R.buf[0], 0);                 /* not overwritten */
	ck_assert_uint_eq(peek_all(&R, UINT64_MAX, b), SZ);
	for (i = 0; i < SZ; i++)
		ck_assert_uint_eq(b[i], (uint8_t)(i * 7));
	consring_take(&R, SZ + 1);              /* too many: nothing */
	ck_assert_uint_eq(consring_count(&R), SZ);
	consring_take(&R, 1);
	ck_assert_uint_eq(consring_room(&R), 1);
	ck_assert_int_eq(consring_put(&R, 0xee), 1);
	ck_assert_uint_eq(R.buf[0], 0xee);              /* wrapped */
	ck_assert_uint_eq(peek_all(&R, SZ, b), SZ);
	ck_assert_uint_eq(b[0], 7);
	ck_assert_uint_eq(b[SZ - 1], 0xee);
}
END_TEST

/* Every position of the tail, every length: the pieces join in order. */
START_TEST(wrap_positions)
{
	static uint8_t b[SZ];
	uint64_t at, len, i;

	for (at = 0; at < SZ; at += 61) {
		for (len = 0; len <= SZ; len += len < 40 ? 1 : 397) {
			consring_init(&R, at);
			for (i = 0; i < len; i++)
				REQUIRE(consring_put(&R, (uint8_t)(at + i)),
				    "put %lu", i);
			REQUIRE(peek_all(&R, len, b) == len, "peek %lu", len);
			for (i = 0; i < len; i++)
				REQUIRE(b[i] == (uint8_t)(at + i),
				    "at %lu len %lu byte %lu", at, len, i);
			REQUIRE(peek_all(&R, len / 2, b) == len / 2, "half");
		}
	}
}
END_TEST

/* Counters starting just below 2^64 keep working across the wrap. */
START_TEST(counter_wrap)
{
	uint8_t b[64];
	uint64_t i;

	consring_init(&R, UINT64_MAX - 20);
	for (i = 0; i < 50; i++)
		ck_assert_int_eq(consring_put(&R, (uint8_t)i), 1);
	ck_assert_uint_eq(consring_count(&R), 50);
	ck_assert_uint_eq(R.head, 29);                  /* wrapped */
	ck_assert_uint_eq(peek_all(&R, 64, b), 50);
	for (i = 0; i < 50; i++)
		ck_assert_uint_eq(b[i], i);
	consring_take(&R, 30);
	ck_assert_uint_eq(consring_count(&R), 20);
	ck_assert_uint_eq(peek_all(&R, 64, b), 20);
	ck_assert_uint_eq(b[0], 30);
}
END_TEST

/* Random puts, peeks and takes against a plain array queue. */
START_TEST(random_model)
{
	static uint8_t model[1 << 20], b[SZ];
	uint64_t mh = 0, mt = 0, step, n, got, i;
	uint8_t next = 0;

	srandom(12345);
	consring_init(&R, UINT64_MAX - 100000);
	for (step = 0; step < 200000; step++) {
		switch (random() % 3) {
		case 0:                         /* a burst of input */
			for (n = (uint64_t)random() % 300; n > 0; n--) {
				int ok = consring_put(&R, next);

				REQUIRE(ok == (mh - mt < SZ), "put: %d", ok);
				if (ok)
					model[mh++ % sizeof(model)] = next++;
			}
			break;
		case 1:                         /* a read: peek then take */
			n = (uint64_t)random() % (SZ + 100);
			got = peek_all(&R, n, b);
			REQUIRE(got == (n < mh - mt ? n : mh - mt),
			    "peek: %lu bytes", got);
			for (i = 0; i < got; i++)
				REQUIRE(b[i] == model[(mt + i) % sizeof(model)],
				    "byte %lu of a read at step %lu", i, step);
			if (random() % 4 != 0) {        /* else: a failed copy */
				consring_take(&R, got);
				mt += got;
			}
			break;
		default:
			REQUIRE(consring_count(&R) == mh - mt &&
			    consring_room(&R) == SZ - (mh - mt), "count");
		}
	}
}
END_TEST

Suite *
consring_suite(void)
{
	Suite *s = suite_create("consring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, empty);
	tcase_add_test(tc, fill);
	tcase_add_test(tc, wrap_positions);
	tcase_add_test(tc, counter_wrap);
	tcase_add_test(tc, random_model);
	suite_add_tcase(s, tc);
	return s;
}
