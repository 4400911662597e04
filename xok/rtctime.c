/*
 * rtctime.c: the CMOS clock's registers to seconds since the epoch (see
 * rtctime.h).  The calendar is the Gregorian one: a year divisible by 4
 * is a leap year unless it is divisible by 100 and not by 400 (2000 is
 * one, 2100 is not).  No leap seconds, as in POSIX time.
 */
#include "rtctime.h"

/* A register in BCD or binary: its value, or -1 (a digit above 9). */
static int
reg(uint8_t v, int binary)
{
	if (binary)
		return v;
	if ((v & 0x0f) > 9 || (v >> 4) > 9)
		return -1;
	return (v >> 4) * 10 + (v & 0x0f);
}

static int
leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
rtc_month_days(int year, int mon)
{
	static const uint8_t days[12] = { 31, 28, 31, 30, 31, 30, 31, 31,
	    30, 31, 30, 31 };

	if (mon < 1 || mon > 12)
		return 0;
	return days[mon - 1] + (mon == 2 && leap(year));
}

int
rtc_decode(const struct rtc_regs *r, struct rtc_date *d)
{
	int bin = (r->regb & RTC_B_BIN) != 0, pm = 0, hour, year, century;
	uint8_t h = r->hour;

	if (!(r->regb & RTC_B_24H)) {
		pm = (h & RTC_PM) != 0;
		h &= (uint8_t)~RTC_PM;
	}
	hour = reg(h, bin);
	year = reg(r->year, bin);
	century = reg(r->century, bin);
	d->sec = reg(r->sec, bin);
	d->min = reg(r->min, bin);
	d->mday = reg(r->mday, bin);
	d->mon = reg(r->mon, bin);
	if (hour < 0 || year < 0 || year > 99 || d->sec < 0 || d->min < 0 ||
	    d->mday < 0 || d->mon < 0)
		return -XE_INVAL;
	if (!(r->regb & RTC_B_24H)) {
		if (hour < 1 || hour > 12)
			return -XE_INVAL;
		hour = hour % 12 + (pm ? 12 : 0);
	}
	d->hour = hour;
	if (century < 19 || century > 99)
		century = year < 70 ? 20 : 19;
	d->year = century * 100 + year;
	if (d->hour > 23 || d->min > 59 || d->sec > 59 || d->mon < 1 ||
	    d->mon > 12 || d->mday < 1 ||
	    d->mday > rtc_month_days(d->year, d->mon))
		return -XE_INVAL;
	return 0;
}

/* Days from 0001-01-01 to January 1 of year y. */
static uint64_t
days_before_year(int y)
{
	uint64_t p = (uint64_t)y - 1;

	return p * 365 + p / 4 - p / 100 + p / 400;
}

int
rtc_epoch(const struct rtc_date *d, uint64_t *secs)
{
	uint64_t days;
	int m;

	if (d->year < 1970 || d->year > 9999 || d->mon < 1 || d->mon > 12 ||
	    d->mday < 1 || d->mday > rtc_month_days(d->year, d->mon) ||
	    d->hour < 0 || d->hour > 23 || d->min < 0 || d->min > 59 ||
	    d->sec < 0 || d->sec > 59)
		return -XE_INVAL;
	days = days_before_year(d->year) - days_before_year(1970);
	for (m = 1; m < d->mon; m++)
		days += (uint64_t)rtc_month_days(d->year, m);
	days += (uint64_t)d->mday - 1;
	*secs = days * 86400 + (uint64_t)d->hour * 3600 +
	    (uint64_t)d->min * 60 + (uint64_t)d->sec;
	return 0;
}
