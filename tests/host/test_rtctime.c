/*
 * test_rtctime.c: host tests for xok/rtctime.c, the CMOS clock's
 * registers to seconds since the epoch: known instants (1970, 2000's
 * leap day, 2038's 32-bit edge, 2100 not a leap year, 2106, 9999),
 * every day from 1970 to 2400 against the host's timegm(), the last day
 * of every month, refused dates, and the register decoding: BCD and
 * binary, 12- and 24-hour, the century register and its absence.
 */
#define _DEFAULT_SOURCE                 /* timegm */
#include <time.h>
#include <check.h>

#include "rtctime.h"

Suite *rtctime_suite(void);

static uint64_t
epoch(int y, int mo, int d, int h, int mi, int s)
{
	struct rtc_date t = { y, mo, d, h, mi, s };
	uint64_t secs = 0xdeadbeef;

	ck_assert_msg(rtc_epoch(&t, &secs) == 0, "%04d-%02d-%02d refused", y,
	    mo, d);
	return secs;
}

static int
refused(int y, int mo, int d, int h, int mi, int s)
{
	struct rtc_date t = { y, mo, d, h, mi, s };
	uint64_t secs = 0xdeadbeef;
	int r = rtc_epoch(&t, &secs);

	return r == -XE_INVAL && secs == 0xdeadbeef;
}

START_TEST(known)
{
	ck_assert_uint_eq(epoch(1970, 1, 1, 0, 0, 0), 0);
	ck_assert_uint_eq(epoch(1970, 1, 1, 0, 0, 1), 1);
	ck_assert_uint_eq(epoch(1972, 12, 31, 23, 59, 59), 94694399);
	ck_assert_uint_eq(epoch(2000, 1, 1, 0, 0, 0), 946684800);
	ck_assert_uint_eq(epoch(2000, 2, 29, 12, 34, 56), 951827696);
	ck_assert_uint_eq(epoch(2000, 3, 1, 0, 0, 0), 951868800);
	ck_assert_uint_eq(epoch(2038, 1, 19, 3, 14, 7), 2147483647);
	ck_assert_uint_eq(epoch(2038, 1, 19, 3, 14, 8), 2147483648UL);
	ck_assert_uint_eq(epoch(2100, 2, 28, 23, 59, 59), 4107542399UL);
	ck_assert_uint_eq(epoch(2100, 3, 1, 0, 0, 0), 4107542400UL);
	ck_assert_uint_eq(epoch(2106, 2, 7, 6, 28, 16), 4294967296UL);
	ck_assert_uint_eq(epoch(2026, 12, 6, 5, 28, 22), 1796534902UL);
	ck_assert_uint_eq(epoch(9999, 12, 31, 23, 59, 59), 253402300799UL);
}
END_TEST

/* Every day 1970-2400 at a time that moves through the day. */
START_TEST(against_timegm)
{
	int y, m, d, k = 0;

	for (y = 1970; y <= 2400; y++)
		for (m = 1; m <= 12; m++)
			for (d = 1; d <= rtc_month_days(y, m); d++, k++) {
				struct tm tm = { .tm_year = y - 1900,
				    .tm_mon = m - 1, .tm_mday = d,
				    .tm_hour = k % 24, .tm_min = k * 7 % 60,
				    .tm_sec = k * 13 % 60 };
				struct rtc_date t = { y, m, d, k % 24,
				    k * 7 % 60, k * 13 % 60 };
				time_t want = timegm(&tm);
				uint64_t got = 0;

				/* Check is slow when it records every
				 * success: only call it on failure */
				if (rtc_epoch(&t, &got) != 0 ||
				    got != (uint64_t)want || tm.tm_mday != d)
					ck_abort_msg("%04d-%02d-%02d: %lu, "
					    "timegm %ld", y, m, d, got,
					    (long)want);
			}
}
END_TEST

START_TEST(month_ends)
{
	static const int years[] = { 1999, 2000, 2023, 2024, 2100, 2400 };
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	unsigned i;
	int m;

	for (i = 0; i < sizeof(years) / sizeof(years[0]); i++) {
		int y = years[i], lp = y == 2000 || y == 2024 || y == 2400;

		for (m = 1; m <= 12; m++) {
			int last = days[m - 1] + (m == 2 && lp);

			ck_assert_int_eq(rtc_month_days(y, m), last);
			ck_assert_uint_eq(epoch(y, m, last, 23, 59, 59) + 1,
			    m == 12 ? epoch(y + 1, 1, 1, 0, 0, 0) :
			    epoch(y, m + 1, 1, 0, 0, 0));
			ck_assert(refused(y, m, last + 1, 0, 0, 0));
		}
	}
	ck_assert_int_eq(rtc_month_days(2000, 0), 0);
	ck_assert_int_eq(rtc_month_days(2000, 13), 0);
}
END_TEST

START_TEST(bad_dates)
{
	ck_assert(refused(1969, 12, 31, 23, 59, 59));
	ck_assert(refused(10000, 1, 1, 0, 0, 0));
	ck_assert(refused(2000, 0, 1, 0, 0, 0));
	ck_assert(refused(2000, 13, 1, 0, 0, 0));
	ck_assert(refused(2000, 1, 0, 0, 0, 0));
	ck_assert(refused(2000, 1, 32, 0, 0, 0));
	ck_assert(refused(2000, 4, 31, 0, 0, 0));
	ck_assert(refused(2100, 2, 29, 0, 0, 0));
	ck_assert(refused(2023, 2, 29, 0, 0, 0));
	ck_assert(refused(2000, 2, 30, 0, 0, 0));
	ck_assert(refused(2000, 1, 1, 24, 0, 0));
	ck_assert(refused(2000, 1, 1, -1, 0, 0));
	ck_assert(refused(2000, 1, 1, 0, 60, 0));
	ck_assert(refused(2000, 1, 1, 0, 0, 60));       /* no leap seconds */
	ck_assert(refused(2000, 1, 1, 0, 0, -1));
	ck_assert(refused(2000, -1, 1, 0, 0, 0));
}
END_TEST

/* ---- the registers ----------------------------------------------------- */

#define BCD24 RTC_B_24H
#define BIN24 (RTC_B_24H | RTC_B_BIN)
#define BCD12 0
#define BIN12 RTC_B_BIN

static uint64_t
regs(uint8_t b, uint8_t cent, uint8_t yr, uint8_t mon, uint8_t mday,
    uint8_t hr, uint8_t min, uint8_t sec, int *err)
{
	struct rtc_regs r = { .sec = sec, .min = min, .hour = hr,
	    .mday = mday, .mon = mon, .year = yr, .century = cent,
	    .regb = b };
	struct rtc_date d;
	uint64_t s = 0;

	*err = rtc_decode(&r, &d);
	if (*err == 0)
		*err = rtc_epoch(&d, &s);
	return s;
}

#define OK(want, ...) do { int e_; uint64_t s_ = regs(__VA_ARGS__, &e_); \
	ck_assert_int_eq(e_, 0); ck_assert_uint_eq(s_, (want)); } while (0)
#define BAD(...) do { int e_; regs(__VA_ARGS__, &e_); \
	ck_assert_int_eq(e_, -XE_INVAL); } while (0)

START_TEST(decode_bcd_binary)
{
	/* 2026-12-06 05:28:22 */
	OK(1796534902UL, BCD24, 0x20, 0x26, 0x12, 0x06, 0x05, 0x28, 0x22);
	OK(1796534902UL, BIN24, 20, 26, 12, 6, 5, 28, 22);
	/* 2038-01-19 03:14:08 */
	OK(2147483648UL, BCD24, 0x20, 0x38, 0x01, 0x19, 0x03, 0x14, 0x08);
	/* 2000-02-29 12:34:56 */
	OK(951827696UL, BCD24, 0x20, 0x00, 0x02, 0x29, 0x12, 0x34, 0x56);
	BAD(BCD24, 0x20, 0x01, 0x02, 0x29, 0x12, 0x34, 0x56);  /* 2001 */
	BAD(BCD24, 0x20, 0x26, 0x12, 0x06, 0x05, 0x28, 0x1a);  /* digit a */
	BAD(BCD24, 0x20, 0x26, 0x12, 0x06, 0x05, 0xa0, 0x22);
	BAD(BCD24, 0x20, 0x26, 0x13, 0x06, 0x05, 0x28, 0x22);  /* month 13 */
	BAD(BCD24, 0x20, 0x26, 0x00, 0x06, 0x05, 0x28, 0x22);
	BAD(BCD24, 0x20, 0x26, 0x12, 0x00, 0x05, 0x28, 0x22);  /* day 0 */
	BAD(BCD24, 0x20, 0x26, 0x12, 0x06, 0x24, 0x28, 0x22);  /* hour 24 */
	BAD(BCD24, 0x20, 0x26, 0x12, 0x06, 0x85, 0x28, 0x22);  /* PM bit */
	BAD(BCD24, 0x20, 0x26, 0x12, 0x06, 0x05, 0x60, 0x22);
	BAD(BCD24, 0x20, 0x26, 0x12, 0x06, 0x05, 0x28, 0x60);
	BAD(BIN24, 20, 100, 12, 6, 5, 28, 22);                  /* year 100 */
	BAD(BIN24, 20, 26, 12, 6, 5, 28, 60);
	BAD(BIN24, 20, 26, 12, 6, 5, 28, 0xff);
	BAD(BIN24, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);  /* no clock */
	BAD(BCD24, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff);
}
END_TEST

START_TEST(decode_12_hour)
{
	uint64_t day = 1796515200UL;    /* 2026-12-06 00:00:00 */

	OK(day, BCD12, 0x20, 0x26, 0x12, 0x06, 0x12, 0x00, 0x00); /* 12 AM */
	OK(day + 3600, BCD12, 0x20, 0x26, 0x12, 0x06, 0x01, 0x00, 0x00);
	OK(day + 11 * 3600, BCD12, 0x20, 0x26, 0x12, 0x06, 0x11, 0, 0);
	OK(day + 12 * 3600, BCD12, 0x20, 0x26, 0x12, 0x06, 0x92, 0, 0);
	OK(day + 13 * 3600, BCD12, 0x20, 0x26, 0x12, 0x06, 0x81, 0, 0);
	OK(day + 23 * 3600 + 59 * 60 + 59, BCD12, 0x20, 0x26, 0x12, 0x06,
	    0x91, 0x59, 0x59);
	OK(day + 17 * 3600, BIN12, 20, 26, 12, 6, 0x80 | 5, 0, 0);
	OK(day, BIN12, 20, 26, 12, 6, 12, 0, 0);
	BAD(BCD12, 0x20, 0x26, 0x12, 0x06, 0x00, 0, 0);         /* hour 0 */
	BAD(BCD12, 0x20, 0x26, 0x12, 0x06, 0x80, 0, 0);
	BAD(BCD12, 0x20, 0x26, 0x12, 0x06, 0x13, 0, 0);         /* 13 */
	BAD(BIN12, 20, 26, 12, 6, 13, 0, 0);
	BAD(BIN12, 20, 26, 12, 6, 0x80 | 13, 0, 0);
}
END_TEST

START_TEST(decode_century)
{
	/* 21xx from the century register */
	OK(4107542400UL, BCD24, 0x21, 0x00, 0x03, 0x01, 0, 0, 0);
	OK(4107542400UL, BIN24, 21, 0, 3, 1, 0, 0, 0);
	/* no century register (0, 0xff, a bad digit): 70-99 is 19xx */
	OK(0, BCD24, 0x00, 0x70, 0x01, 0x01, 0, 0, 0);
	OK(94694399, BCD24, 0xff, 0x72, 0x12, 0x31, 0x23, 0x59, 0x59);
	OK(946684800, BCD24, 0x00, 0x00, 0x01, 0x01, 0, 0, 0);
	OK(3124224000UL, BCD24, 0x00, 0x69, 0x01, 0x01, 0, 0, 0); /* 2069 */
	OK(3124224000UL, BIN24, 0, 69, 1, 1, 0, 0, 0);
	OK(3124224000UL, BIN24, 200, 69, 1, 1, 0, 0, 0);
	/* a century register saying 19 with year 26: 1926, refused */
	BAD(BCD24, 0x19, 0x26, 0x12, 0x06, 0x05, 0x28, 0x22);
	/* the last second a 99 century holds */
	OK(253402300799UL, BCD24, 0x99, 0x99, 0x12, 0x31, 0x23, 0x59, 0x59);
}
END_TEST

Suite *
rtctime_suite(void)
{
	Suite *s = suite_create("rtctime");
	TCase *tc = tcase_create("epoch");

	tcase_add_test(tc, known);
	tcase_add_test(tc, against_timegm);
	tcase_add_test(tc, month_ends);
	tcase_add_test(tc, bad_dates);
	suite_add_tcase(s, tc);
	tc = tcase_create("registers");
	tcase_add_test(tc, decode_bcd_binary);
	tcase_add_test(tc, decode_12_hour);
	tcase_add_test(tc, decode_century);
	suite_add_tcase(s, tc);
	return s;
}
