#ifndef RECEIVABLES_DATES_H
#define RECEIVABLES_DATES_H

#include <sqlite3ext.h>

/*
** Calendar dates as day numbers: days since 1970-01-01 in the proleptic
** Gregorian calendar, for years 0001 to 9999. Every function here rejects a
** date that does not exist instead of moving it.
*/

/* Length of an ISO-8601 date, "YYYY-MM-DD", without a terminator. */
#define DATE_ISO_LEN 10

/* Returns 1 when year/month/day names a real day in 0001-01-01..9999-12-31. */
int date_is_valid(int year, int month, int day);

/* Returns the day number of a valid year/month/day. */
int date_days_from_civil(int year, int month, int day);

/* Splits a day number into year, month and day. */
void date_civil_from_days(int days, int *year_out, int *month_out,
                          int *day_out);

/*
** Parses exactly "YYYY-MM-DD" (n bytes, no terminator needed) into a day
** number. Returns 1 on success, 0 when the text is not that shape or the date
** does not exist.
*/
int date_parse_iso(const char *text, int n, int *days_out);

/* Writes the day number as "YYYY-MM-DD" plus a terminator into out. */
void date_format_iso(int days, char out[DATE_ISO_LEN + 1]);

/* Registers parse_date, days_overdue, due_alert and aging_bucket on db. */
int dates_register(sqlite3 *db);

#endif
