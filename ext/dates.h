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

/* Field order of a date written with separators, for date_parse_ordered. */
enum date_order {
    DATE_ORDER_YMD, /* 2013-01-31 */
    DATE_ORDER_DMY, /* 31.1.2013 */
    DATE_ORDER_MDY  /* 1/31/2013 */
};

/* Outcome of date_parse_ordered. */
enum date_parse_status {
    DATE_PARSE_OK,
    DATE_PARSE_MALFORMED,      /* not digits and separators of that order */
    DATE_PARSE_TWO_DIGIT_YEAR, /* right shape, but the year has 2 digits */
    DATE_PARSE_NONEXISTENT     /* right shape, no such day (2013-02-29) */
};

/*
** Reads an order name of n bytes: "ymd", "dmy" or "mdy" in any letter case.
** Returns 1 and sets *order_out, or 0 for any other name.
*/
int date_order_from_name(const char *name, int n, enum date_order *order_out);

/* Returns "ymd", "dmy" or "mdy", the canonical name of order. */
const char *date_order_name(enum date_order order);

/*
** Parses n bytes holding a date written in the given order: a 4-digit year,
** a 1- or 2-digit month and day, and the same separator ('/', '-' or '.')
** twice. ASCII whitespace around the date is ignored. Sets *days_out only
** when the result is DATE_PARSE_OK. Two-digit years are rejected because
** any century pivot would move some dates silently.
*/
enum date_parse_status date_parse_ordered(const char *text, int n,
                                          enum date_order order, int *days_out);

/* Number of aging buckets that aging_bucket_index returns. */
#define AGING_BUCKET_COUNT 5

/*
** Returns the aging bucket of an invoice that is days_overdue days past due:
** 0 "current" (0 or fewer), 1 "1-30", 2 "31-60", 3 "61-90", 4 "90+" (91 or
** more). aging_bucket() in SQL and the ar_aging table share these bounds.
*/
int aging_bucket_index(int days_overdue);

/* Returns the label of a bucket index 0..AGING_BUCKET_COUNT-1, e.g. "1-30". */
const char *aging_bucket_label(int index);

/*
** Returns the due_alert() label for an invoice days_overdue days past due
** (negative before the due date): NULL when more than 7 days before, then
** "due_soon" (1-7 days before), "due_today", "overdue" (1-6 days after),
** "overdue_7" (7-29) and "overdue_30" (30 or more).
*/
const char *date_due_alert(int days_overdue);

/* Size of the buffer text_excerpt writes: up to 60 bytes, "..." and NUL. */
#define TEXT_EXCERPT_SIZE 64

/*
** Copies the start of n bytes of user input into out for quoting in an error
** message. Each byte that is not valid UTF-8 and each control character
** (C0, DEL, C1) becomes '?'. Input longer than 60 bytes is cut at a
** character boundary and ends with "...".
*/
void text_excerpt(const unsigned char *text, int n,
                  char out[TEXT_EXCERPT_SIZE]);

/*
** Decodes the UTF-8 character at text[0..n-1] into *code_point_out. Returns
** its length in bytes (1-4), or 0 when the bytes are not valid UTF-8
** (truncated, overlong, a surrogate or above U+10FFFF) or n is 0.
*/
int text_utf8_decode(const unsigned char *text, int n, int *code_point_out);

/*
** Sets an error result on ctx from a printf-style format (sqlite3_mprintf
** conversions), or the out-of-memory error when formatting fails.
*/
void text_result_errorf(sqlite3_context *ctx, const char *format, ...);

/* Registers parse_date, days_overdue, due_alert and aging_bucket on db. */
int dates_register(sqlite3 *db);

#endif
