/*
 * test_http.c: host tests (Check) for Cheetah's request parser
 * (cheetah/http.c), its Range and If-Range headers and the byte range
 * they select (http_range): the three forms, the end clamped, numbers
 * that saturate, unsatisfiable ranges (416), and every Range that is
 * ignored (several ranges, another unit, malformed, inverted, given
 * twice, If-Range of a tag or another date); dates up to year 9999.
 * The end-to-end cases with
 * curl are cheetahclient.py's ranges(); docs/CHEETAH.md, "HTTP".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <check.h>

#include "http.h"

/* Parse "GET /f HTTP/1.1" with Host and the given header lines. */
static long
req(const char *hdrs, struct http_req *r)
{
	static char b[2048];

	snprintf(b, sizeof(b), "GET /f HTTP/1.1\r\nHost: x\r\n%s\r\n", hdrs);
	return http_parse(b, strlen(b), r);
}

/* The range a Range header selects in a file of size bytes: 1 and
 * [*a, *b], 0 (416) or -1 (the whole file). */
static int
sel(const char *hdrs, uint64_t size, uint64_t *a, uint64_t *b)
{
	struct http_req r;

	ck_assert_int_gt(req(hdrs, &r), 0);
	*a = *b = 77;
	return http_range(&r, size, 1000, a, b);
}

START_TEST(forms)
{
	uint64_t a, b;

	ck_assert_int_eq(sel("Range: bytes=0-99\r\n", 1000, &a, &b), 1);
	ck_assert(a == 0 && b == 99);
	ck_assert_int_eq(sel("Range: bytes=10-\r\n", 1000, &a, &b), 1);
	ck_assert(a == 10 && b == 999);
	ck_assert_int_eq(sel("Range: bytes=-10\r\n", 1000, &a, &b), 1);
	ck_assert(a == 990 && b == 999);
	ck_assert_int_eq(sel("Range: bytes=-5000\r\n", 1000, &a, &b), 1);
	ck_assert(a == 0 && b == 999);
	ck_assert_int_eq(sel("Range: bytes=5-5000\r\n", 1000, &a, &b), 1);
	ck_assert(a == 5 && b == 999);
	ck_assert_int_eq(sel("Range: bytes=999-999\r\n", 1000, &a, &b), 1);
	ck_assert(a == 999 && b == 999);
	ck_assert_int_eq(sel("range: BYTES=1-2  \r\n", 1000, &a, &b), 1);
	ck_assert(a == 1 && b == 2);
	ck_assert_int_eq(sel("Range: bytes=0-99999999999999999999999\r\n",
	    1000, &a, &b), 1);
	ck_assert(a == 0 && b == 999);
}
END_TEST

START_TEST(unsatisfiable)
{
	uint64_t a, b;

	ck_assert_int_eq(sel("Range: bytes=1000-\r\n", 1000, &a, &b), 0);
	ck_assert_int_eq(sel("Range: bytes=1000-2000\r\n", 1000, &a, &b), 0);
	ck_assert_int_eq(sel("Range: bytes=99999999999999999999-\r\n", 1000,
	    &a, &b), 0);
	ck_assert_int_eq(sel("Range: bytes=-0\r\n", 1000, &a, &b), 0);
	ck_assert_int_eq(sel("Range: bytes=0-\r\n", 0, &a, &b), 0);
	ck_assert_int_eq(sel("Range: bytes=-0\r\n", 0, &a, &b), 0);
	/* nothing written for them */
	ck_assert(a == 77 && b == 77);
}
END_TEST

START_TEST(ignored)
{
	static const char *const h[] = {
		"",
		"Range: bytes=0-1,3-4\r\n",
		"Range: bytes=0-1, 3-4\r\n",
		"Range: items=0-1\r\n",
		"Range: bytes=5-2\r\n",
		"Range: bytes=\r\n",
		"Range: bytes=-\r\n",
		"Range: bytes=a-b\r\n",
		"Range: bytes=0-1x\r\n",
		"Range: bytes =0-1\r\n",
		"Range: bytes= 0-1\r\n",
		"Range: bytes=0--1\r\n",
		"Range: bytes=+0-1\r\n",
		"Range: bytes\r\n",
		"Range:\r\n",
		"Range: bytes=0-1\r\nRange: bytes=0-1\r\n",
		"Range: bytes=0-1\r\nIf-Range: \"tag\"\r\n",
		"Range: bytes=0-1\r\nIf-Range: Thu, 01 Jan 1970 00:16:41 GMT\r\n",
		"Range: bytes=0-1\r\nIf-Range: garbage\r\n",
		("Range: bytes=0-1\r\nIf-Range: Thu, 01 Jan 1970 00:16:40 GMT\r\n"
		    "If-Range: Thu, 01 Jan 1970 00:16:40 GMT\r\n"),
		"If-Range: Thu, 01 Jan 1970 00:16:40 GMT\r\n",
	};
	uint64_t a, b;
	size_t i;

	for (i = 0; i < sizeof(h) / sizeof(h[0]); i++)
		ck_assert_msg(sel(h[i], 1000, &a, &b) == -1, "%s", h[i]);
	/* a suffix of an empty file: satisfiable, but no 206 can say so */
	ck_assert_int_eq(sel("Range: bytes=-1\r\n", 0, &a, &b), -1);
}
END_TEST

START_TEST(if_range)
{
	uint64_t a, b;

	/* the file's mtime is 1000 s: Thu, 01 Jan 1970 00:16:40 GMT */
	ck_assert_int_eq(sel("Range: bytes=0-1\r\nIf-Range: Thu, 01 Jan 1970 "
	    "00:16:40 GMT\r\n", 1000, &a, &b), 1);
	ck_assert(a == 0 && b == 1);
}
END_TEST

START_TEST(no_regression)
{
	struct http_req r;

	/* a Range never turns a good request into an error */
	ck_assert_int_gt(req("Range: \x01\x02\r\n", &r), 0);
	ck_assert_int_gt(req("Range: bytes=0-1,,,,\r\nIf-Range: \r\n", &r),
	    0);
	ck_assert_int_eq(r.range, 0);
}
END_TEST

START_TEST(dates)
{
	char d[30];
	uint64_t t;

	http_date(0, d);
	ck_assert_str_eq(d, "Thu, 01 Jan 1970 00:00:00 GMT");
	http_date(784111777, d);
	ck_assert_str_eq(d, "Sun, 06 Nov 1994 08:49:37 GMT");
	ck_assert_int_eq(http_parse_date(d, strlen(d), &t), 0);
	ck_assert(t == 784111777);
	/* past year 9999: its last second, never a fifth digit */
	http_date(UINT64_MAX, d);
	ck_assert_str_eq(d, "Fri, 31 Dec 9999 23:59:59 GMT");
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("http");
	TCase *tc = tcase_create("range");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, forms);
	tcase_add_test(tc, unsatisfiable);
	tcase_add_test(tc, ignored);
	tcase_add_test(tc, if_range);
	tcase_add_test(tc, no_regression);
	tcase_add_test(tc, dates);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
