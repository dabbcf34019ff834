/*
** Date arithmetic for receivables: ISO dates to day numbers and back.
**
** The day-number conversion is the standard era-based algorithm for the
** proleptic Gregorian calendar: a 400-year era holds 146097 days, and
** counting years from March puts the leap day last.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "dates.h"

/* Days from 0000-03-01 to 1970-01-01. */
#define DATES_EPOCH_SHIFT 719468

static int is_leap_year(int year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
    static const unsigned char days[12] = {31, 28, 31, 30, 31, 30,
                                           31, 31, 30, 31, 30, 31};
    if (month == 2 && is_leap_year(year))
        return 29;
    return days[month - 1];
}

int date_is_valid(int year, int month, int day)
{
    if (year < 1 || year > 9999 || month < 1 || month > 12 || day < 1)
        return 0;
    return day <= days_in_month(year, month);
}

int date_days_from_civil(int year, int month, int day)
{
    int y = month <= 2 ? year - 1 : year;
    int era = y / 400; /* y >= 0 for years 0001 and later */
    int year_of_era = y - era * 400;
    int day_of_year = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 +
                      day - 1;
    int day_of_era = year_of_era * 365 + year_of_era / 4 -
                     year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - DATES_EPOCH_SHIFT;
}

void date_civil_from_days(int days, int *year_out, int *month_out,
                          int *day_out)
{
    int z = days + DATES_EPOCH_SHIFT;
    int era = z / 146097; /* z >= 0 for years 0001 and later */
    int day_of_era = z - era * 146097;
    int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                       day_of_era / 146096) /
                      365;
    int day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 -
                                    year_of_era / 100);
    int mp = (5 * day_of_year + 2) / 153;
    int month = mp < 10 ? mp + 3 : mp - 9;

    *day_out = day_of_year - (153 * mp + 2) / 5 + 1;
    *month_out = month;
    *year_out = year_of_era + era * 400 + (month <= 2);
}

/* Reads n ASCII digits; returns -1 when any byte is not a digit. */
static int read_digits(const char *text, int n)
{
    int value = 0;
    int i;

    for (i = 0; i < n; i++) {
        if (text[i] < '0' || text[i] > '9')
            return -1;
        value = value * 10 + (text[i] - '0');
    }
    return value;
}

int date_parse_iso(const char *text, int n, int *days_out)
{
    int year, month, day;

    if (n != DATE_ISO_LEN || text[4] != '-' || text[7] != '-')
        return 0;
    year = read_digits(text, 4);
    month = read_digits(text + 5, 2);
    day = read_digits(text + 8, 2);
    if (year < 0 || month < 0 || day < 0 || !date_is_valid(year, month, day))
        return 0;
    *days_out = date_days_from_civil(year, month, day);
    return 1;
}

void date_format_iso(int days, char out[DATE_ISO_LEN + 1])
{
    int year, month, day;

    date_civil_from_days(days, &year, &month, &day);
    out[0] = (char)('0' + year / 1000);
    out[1] = (char)('0' + year / 100 % 10);
    out[2] = (char)('0' + year / 10 % 10);
    out[3] = (char)('0' + year % 10);
    out[4] = '-';
    out[5] = (char)('0' + month / 10);
    out[6] = (char)('0' + month % 10);
    out[7] = '-';
    out[8] = (char)('0' + day / 10);
    out[9] = (char)('0' + day % 10);
    out[10] = '\0';
}

int dates_register(sqlite3 *db)
{
    (void)db;
    return SQLITE_OK;
}
