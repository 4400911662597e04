/*
 * rtctime.h: the CMOS clock's registers to seconds since the epoch
 * (pure logic; also built for host tests).  xok/dev/rtc.c reads the
 * registers at boot.
 */
#ifndef XOK_RTCTIME_H
#define XOK_RTCTIME_H

#include <stdint.h>
#include <xok/abi.h>

/* The registers as read: 0x00 seconds, 0x02 minutes, 0x04 hours, 0x07
 * day of month, 0x08 month, 0x09 year, 0x32 century, 0x0b status B. */
struct rtc_regs {
	uint8_t sec, min, hour, mday, mon, year, century, regb;
};
#define RTC_B_24H 0x02          /* status B: hours 0-23 (else 1-12 + PM) */
#define RTC_B_BIN 0x04          /* status B: binary (else BCD) */
#define RTC_PM    0x80          /* hours, 12-hour mode: afternoon */

/* A date and time of day, UTC: year 1970-9999, mon 1-12, mday 1-31. */
struct rtc_date {
	int year, mon, mday, hour, min, sec;
};

/*
 * Decode BCD or binary, 12- or 24-hour registers into *d: 0, or -XE_INVAL
 * if a BCD digit is above 9 or a field is out of range.  A century
 * register outside 19-99 (no such register) means 19xx for years 70-99
 * and 20xx for 00-69.
 */
int rtc_decode(const struct rtc_regs *r, struct rtc_date *d);
/* Days in month mon (1-12) of year; 0 for a month out of range. */
int rtc_month_days(int year, int mon);
/* Seconds since 1970-01-01 00:00:00 UTC: 0, or -XE_INVAL if the date
 * does not exist (Feb 29 of a common year, April 31, second 60, ...)
 * or lies outside 1970-9999. */
int rtc_epoch(const struct rtc_date *d, uint64_t *secs);

#endif
