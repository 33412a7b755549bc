/*
 * rtc.c - the wall clock at boot from the CMOS real-time clock (ports
 * 0x70/0x71), as seconds since the Unix epoch (the RTC is taken to hold UTC,
 * as QEMU's does by default).
 */
#include <asm/x86.h>

#include "x86.h"

#define CMOS_INDEX   0x70
#define CMOS_DATA    0x71
#define RTC_SEC      0x00
#define RTC_MIN      0x02
#define RTC_HOUR     0x04
#define RTC_DAY      0x07
#define RTC_MONTH    0x08
#define RTC_YEAR     0x09
#define RTC_STATUS_A 0x0a
#define RTC_STATUS_B 0x0b
#define RTC_UPDATING 0x80
#define RTC_BINARY   0x04
#define RTC_24H      0x02

static uint8_t cmos_read(uint8_t reg)
{
    outb(CMOS_INDEX, reg);
    return inb(CMOS_DATA);
}

static unsigned int from_bcd(uint8_t v, bool binary)
{
    return binary ? v : (v & 0x0f) + (v >> 4) * 10;
}

/* Days from 1970-01-01 to y-m-d (proleptic Gregorian). */
static int64_t days_from_civil(int64_t y, unsigned int m, unsigned int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    uint64_t yoe = (uint64_t)(y - era * 400);
    uint64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    uint64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + (int64_t)doe - 719468;
}

uint64_t rtc_read_epoch(void)
{
    for (int spins = 0; spins < 100000 && (cmos_read(RTC_STATUS_A) & RTC_UPDATING); spins++)
        cpu_relax();
    uint8_t b = cmos_read(RTC_STATUS_B);
    bool binary = b & RTC_BINARY;
    unsigned int sec = from_bcd(cmos_read(RTC_SEC), binary);
    unsigned int min = from_bcd(cmos_read(RTC_MIN), binary);
    uint8_t hour_raw = cmos_read(RTC_HOUR);
    unsigned int hour = from_bcd(hour_raw & 0x7f, binary);
    unsigned int day = from_bcd(cmos_read(RTC_DAY), binary);
    unsigned int month = from_bcd(cmos_read(RTC_MONTH), binary);
    unsigned int year = 2000 + from_bcd(cmos_read(RTC_YEAR), binary);

    if (!(b & RTC_24H) && (hour_raw & 0x80))
        hour = (hour % 12) + 12;
    if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || min > 59 || sec > 60)
        return 0;
    return (uint64_t)(days_from_civil(year, month, day) * 86400 + hour * 3600 + min * 60 + sec);
}
