/*
** Date arithmetic for receivables: ISO dates to day numbers and back, and the
** SQL functions that read dates and classify how late an invoice is.
**
** The day-number conversion is the standard era-based algorithm for the
** proleptic Gregorian calendar: a 400-year era holds 146097 days, and
** counting years from March puts the leap day last.
**
** Usage:
**   SELECT parse_date('2/28/2013', 'mdy');             -- '2013-02-28'
**   SELECT parse_date('31.01.2013', 'dmy');            -- '2013-01-31'
**   SELECT parse_date('2013/1/31');                    -- '2013-01-31'
**   SELECT days_overdue('2013-02-01', '2013-03-03');   -- 30
**   SELECT due_alert('2013-02-01', '2013-01-29');      -- 'due_soon'
**   SELECT aging_bucket(45);                           -- '31-60'
**
** SQL signatures (NULL in any argument gives NULL):
**   parse_date(text [, order])      order 'ymd' (default), 'dmy' or 'mdy'
**   days_overdue(due_date, as_of)   integer as_of - due_date, in days
**   due_alert(due_date, as_of)      NULL, 'due_soon', 'due_today',
**                                   'overdue', 'overdue_7' or 'overdue_30'
**   aging_bucket(days_overdue)      'current', '1-30', '31-60', '61-90'
**                                   or '90+'
**
** LIMITS
**   - Years 0001 to 9999 only, proleptic Gregorian (no Julian dates).
**   - parse_date wants a 4-digit year: '1/2/13' is an error, never a guess.
**   - parse_date reads digits only: no month names, no time of day, no
**     'YYYYMMDD' without separators.
**   - days_overdue and due_alert take exactly 'YYYY-MM-DD': convert other
**     shapes with parse_date first.
**   - aging_bucket takes a whole number of days: an integer, a real without
**     a fraction (30.0) or text that SQLite converts to one ('45'). A blob
**     is rejected, and so is a real (or text read as one) beyond 2^53 in
**     magnitude, where a fraction can no longer be seen.
*/
#include <limits.h>
#include <stdarg.h>
#include <string.h>

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
    int day_of_year =
        (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
    int day_of_era =
        year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    return era * 146097 + day_of_era - DATES_EPOCH_SHIFT;
}

void date_civil_from_days(int days, int *year_out, int *month_out, int *day_out)
{
    int z = days + DATES_EPOCH_SHIFT;
    int era = z / 146097; /* z >= 0 for years 0001 and later */
    int day_of_era = z - era * 146097;
    int year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 -
                       day_of_era / 146096) /
                      365;
    int day_of_year =
        day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
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

int date_order_from_name(const char *name, int n, enum date_order *order_out)
{
    static const char names[3][4] = {"ymd", "dmy", "mdy"};
    static const enum date_order orders[3] = {DATE_ORDER_YMD, DATE_ORDER_DMY,
                                              DATE_ORDER_MDY};
    int i, j;

    if (n != 3)
        return 0;
    for (i = 0; i < 3; i++) {
        /* OR-ing 0x20 lower-cases ASCII letters and maps no other byte to
        ** one of 'y', 'm' or 'd'. */
        for (j = 0; j < 3 && (name[j] | 0x20) == names[i][j]; j++)
            ;
        if (j == 3) {
            *order_out = orders[i];
            return 1;
        }
    }
    return 0;
}

const char *date_order_name(enum date_order order)
{
    switch (order) {
    case DATE_ORDER_DMY:
        return "dmy";
    case DATE_ORDER_MDY:
        return "mdy";
    default:
        return "ymd";
    }
}

static int is_ascii_space(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

/*
** Reads up to 5 digits at text[*pos..end-1], advancing *pos. Returns the
** value and stores the digit count in *len_out (0 when none). Five digits
** are enough to tell a 4-digit year from a longer run without overflow.
*/
static int read_date_field(const char *text, int end, int *pos, int *len_out)
{
    int value = 0;
    int len = 0;

    while (*pos < end && len < 5 && text[*pos] >= '0' && text[*pos] <= '9') {
        value = value * 10 + (text[*pos] - '0');
        (*pos)++;
        len++;
    }
    *len_out = len;
    return value;
}

/*
** Splits "<digits><sep><digits><sep><digits>" at text[start..end-1] into
** three fields and their digit counts. Returns 0 unless the whole span has
** that shape with one separator from "/-." used twice.
*/
static int split_date_fields(const char *text, int start, int end, int field[3],
                             int len[3])
{
    char sep = 0;
    int pos = start;
    int i;

    for (i = 0; i < 3; i++) {
        if (i > 0) {
            if (pos >= end)
                return 0;
            if (i == 1 &&
                (text[pos] == '/' || text[pos] == '-' || text[pos] == '.'))
                sep = text[pos];
            else if (text[pos] != sep)
                return 0;
            pos++;
        }
        field[i] = read_date_field(text, end, &pos, &len[i]);
        if (len[i] == 0)
            return 0;
    }
    return pos == end;
}

enum date_parse_status date_parse_ordered(const char *text, int n,
                                          enum date_order order, int *days_out)
{
    /* Positions of year, month and day among the three fields, per order. */
    static const int year_at[3] = {0, 2, 2};
    static const int month_at[3] = {1, 1, 0};
    static const int day_at[3] = {2, 0, 1};
    int field[3], len[3];
    int start = 0;
    int end = n;
    int year, month, day;

    while (start < end && is_ascii_space(text[start]))
        start++;
    while (end > start && is_ascii_space(text[end - 1]))
        end--;
    if (!split_date_fields(text, start, end, field, len))
        return DATE_PARSE_MALFORMED;
    if (len[month_at[order]] > 2 || len[day_at[order]] > 2)
        return DATE_PARSE_MALFORMED;
    if (len[year_at[order]] == 2)
        return DATE_PARSE_TWO_DIGIT_YEAR;
    if (len[year_at[order]] != 4)
        return DATE_PARSE_MALFORMED;
    year = field[year_at[order]];
    month = field[month_at[order]];
    day = field[day_at[order]];
    if (!date_is_valid(year, month, day))
        return DATE_PARSE_NONEXISTENT;
    *days_out = date_days_from_civil(year, month, day);
    return DATE_PARSE_OK;
}

int aging_bucket_index(int days_overdue)
{
    if (days_overdue <= 0)
        return 0;
    if (days_overdue <= 30)
        return 1;
    if (days_overdue <= 60)
        return 2;
    if (days_overdue <= 90)
        return 3;
    return 4;
}

const char *aging_bucket_label(int index)
{
    static const char *const labels[AGING_BUCKET_COUNT] = {
        "current", "1-30", "31-60", "61-90", "90+"};

    if (index < 0 || index >= AGING_BUCKET_COUNT)
        return NULL;
    return labels[index];
}

const char *date_due_alert(int days_overdue)
{
    if (days_overdue < -7)
        return NULL;
    if (days_overdue < 0)
        return "due_soon";
    if (days_overdue == 0)
        return "due_today";
    if (days_overdue < 7)
        return "overdue";
    if (days_overdue < 30)
        return "overdue_7";
    return "overdue_30";
}

int text_utf8_decode(const unsigned char *text, int n, int *code_point_out)
{
    int len, code_point, i;

    if (n <= 0)
        return 0;
    if (text[0] < 0x80) {
        *code_point_out = text[0];
        return 1;
    }
    if (text[0] < 0xC2 || text[0] > 0xF4) /* continuation, overlong, >4 */
        return 0;
    if (text[0] < 0xE0)
        len = 2;
    else if (text[0] < 0xF0)
        len = 3;
    else
        len = 4;
    if (n < len)
        return 0;
    code_point = text[0] & (0x7F >> len);
    for (i = 1; i < len; i++) {
        if ((text[i] & 0xC0) != 0x80)
            return 0;
        code_point = (code_point << 6) | (text[i] & 0x3F);
    }
    if ((len == 3 && code_point < 0x800) ||
        (len == 4 && (code_point < 0x10000 || code_point > 0x10FFFF)) ||
        (code_point >= 0xD800 && code_point <= 0xDFFF))
        return 0;
    *code_point_out = code_point;
    return len;
}

/* Bytes of input text_excerpt copies before it cuts and appends "...". */
#define TEXT_EXCERPT_MAX (TEXT_EXCERPT_SIZE - 4)

void text_excerpt(const unsigned char *text, int n, char out[TEXT_EXCERPT_SIZE])
{
    int len = 0;
    int i = 0;

    while (i < n) {
        int code_point = 0;
        int step = text_utf8_decode(text + i, n - i, &code_point);
        int width = step > 0 ? step : 1;

        if (len + width > TEXT_EXCERPT_MAX) {
            memcpy(out + len, "...", 3);
            len += 3;
            break;
        }
        if (step == 0 || code_point < 0x20 ||
            (code_point >= 0x7F && code_point < 0xA0)) {
            out[len++] = '?';
        } else {
            memcpy(out + len, text + i, (size_t)step);
            len += step;
        }
        i += width;
    }
    out[len] = '\0';
}

void text_result_errorf(sqlite3_context *ctx, const char *format, ...)
{
    va_list args;
    char *message;

    va_start(args, format);
    message = sqlite3_vmprintf(format, args);
    va_end(args);
    if (message == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_error(ctx, message, -1);
    sqlite3_free(message);
}

/* Returns 1 when any argument is SQL NULL: the result is then NULL. */
static int any_null(int argc, sqlite3_value **argv)
{
    int i;

    for (i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            return 1;
    return 0;
}

/* Returns the written shape that parse_date expects for order. */
static const char *date_order_shape(enum date_order order)
{
    switch (order) {
    case DATE_ORDER_DMY:
        return "D/M/YYYY";
    case DATE_ORDER_MDY:
        return "M/D/YYYY";
    default:
        return "YYYY/M/D";
    }
}

/* Sets the parse_date error that matches status, quoting the text. */
static void parse_date_error(sqlite3_context *ctx,
                             enum date_parse_status status,
                             const unsigned char *text, int n,
                             enum date_order order)
{
    char excerpt[TEXT_EXCERPT_SIZE];

    text_excerpt(text, n, excerpt);
    if (status == DATE_PARSE_NONEXISTENT)
        text_result_errorf(
            ctx, "parse_date: '%s' is not a date that exists (order '%s')",
            excerpt, date_order_name(order));
    else if (status == DATE_PARSE_TWO_DIGIT_YEAR)
        text_result_errorf(
            ctx,
            "parse_date: '%s' has a 2-digit year; write the year with 4 digits because 2-digit years are not guessed",
            excerpt);
    else
        text_result_errorf(
            ctx,
            "parse_date: '%s' is not a date in order '%s'; write it as %s with '/', '-' or '.' between the parts",
            excerpt, date_order_name(order), date_order_shape(order));
}

/*
** parse_date(text [, order]): the date in text, written in order (default
** 'ymd'), as 'YYYY-MM-DD'.
*/
static void parse_date_func(sqlite3_context *ctx, int argc,
                            sqlite3_value **argv)
{
    enum date_order order = DATE_ORDER_YMD;
    enum date_parse_status status;
    const unsigned char *text;
    char iso[DATE_ISO_LEN + 1];
    int days = 0;
    int n;

    if (any_null(argc, argv))
        return;
    if (argc == 2) {
        const unsigned char *name = sqlite3_value_text(argv[1]);
        char excerpt[TEXT_EXCERPT_SIZE];

        if (name == NULL) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        if (!date_order_from_name((const char *)name,
                                  sqlite3_value_bytes(argv[1]), &order)) {
            text_excerpt(name, sqlite3_value_bytes(argv[1]), excerpt);
            text_result_errorf(
                ctx,
                "parse_date: order '%s' is not valid; use 'ymd', 'dmy' or 'mdy'",
                excerpt);
            return;
        }
    }
    text = sqlite3_value_text(argv[0]);
    n = sqlite3_value_bytes(argv[0]);
    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    status = date_parse_ordered((const char *)text, n, order, &days);
    if (status != DATE_PARSE_OK) {
        parse_date_error(ctx, status, text, n, order);
        return;
    }
    date_format_iso(days, iso);
    sqlite3_result_text(ctx, iso, DATE_ISO_LEN, SQLITE_TRANSIENT);
}

/* Returns 1 when n bytes have the shape "DDDD-DD-DD" (D a digit). */
static int has_iso_shape(const unsigned char *text, int n)
{
    int i;

    if (n != DATE_ISO_LEN)
        return 0;
    for (i = 0; i < DATE_ISO_LEN; i++) {
        int want_dash = i == 4 || i == 7;
        if (want_dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
            return 0;
    }
    return 1;
}

/*
** Reads a strict 'YYYY-MM-DD' argument into *days_out. On failure sets an
** error naming function, the argument and its value, and returns 0.
*/
static int read_iso_arg(sqlite3_context *ctx, const char *function,
                        const char *arg_name, sqlite3_value *arg, int *days_out)
{
    const unsigned char *text = sqlite3_value_text(arg);
    int n = sqlite3_value_bytes(arg);
    char excerpt[TEXT_EXCERPT_SIZE];

    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return 0;
    }
    if (date_parse_iso((const char *)text, n, days_out))
        return 1;
    text_excerpt(text, n, excerpt);
    if (has_iso_shape(text, n))
        text_result_errorf(ctx, "%s: %s '%s' is not a date that exists",
                           function, arg_name, excerpt);
    else
        text_result_errorf(
            ctx,
            "%s: %s '%s' is not an ISO date; write it as YYYY-MM-DD or convert it with parse_date()",
            function, arg_name, excerpt);
    return 0;
}

/*
** Reads the (due_date, as_of) pair of days_overdue and due_alert into the
** days between them. Returns 0 after setting an error or when either is
** NULL (the result then stays NULL).
*/
static int read_overdue_days(sqlite3_context *ctx, const char *function,
                             sqlite3_value **argv, int *days_out)
{
    int due, as_of;

    if (any_null(2, argv))
        return 0;
    if (!read_iso_arg(ctx, function, "due_date", argv[0], &due) ||
        !read_iso_arg(ctx, function, "as_of", argv[1], &as_of))
        return 0;
    *days_out = as_of - due;
    return 1;
}

/* days_overdue(due_date, as_of): as_of - due_date in days. */
static void days_overdue_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv)
{
    int days;

    (void)argc;
    if (read_overdue_days(ctx, "days_overdue", argv, &days))
        sqlite3_result_int(ctx, days);
}

/* due_alert(due_date, as_of): the alert label, or NULL (date_due_alert). */
static void due_alert_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    const char *alert;
    int days;

    (void)argc;
    if (!read_overdue_days(ctx, "due_alert", argv, &days))
        return;
    alert = date_due_alert(days);
    if (alert != NULL) /* static string literal: SQLITE_STATIC is safe */
        sqlite3_result_text(ctx, alert, -1, SQLITE_STATIC);
}

/* Outcome of read_whole_days. */
enum whole_days_status {
    WHOLE_DAYS_OK,
    WHOLE_DAYS_NOT_WHOLE,   /* text that is no number, or a fraction */
    WHOLE_DAYS_OUT_OF_RANGE /* a real beyond 2^53 in magnitude */
};

/* Magnitude up to which a double shows every whole number: 2^53. */
#define WHOLE_DAYS_EXACT_LIMIT 9007199254740992.0

/*
** Reads a whole number of days: an integer, a real with no fraction, or text
** that SQLite's numeric affinity turns into one. Reals beyond 2^53, where a
** fraction can no longer be seen, are out of range; text beyond 2^63
** becomes such a real.
*/
static enum whole_days_status read_whole_days(sqlite3_value *arg,
                                              sqlite3_int64 *days_out)
{
    double real;

    switch (sqlite3_value_numeric_type(arg)) {
    case SQLITE_INTEGER:
        *days_out = sqlite3_value_int64(arg);
        return WHOLE_DAYS_OK;
    case SQLITE_FLOAT:
        real = sqlite3_value_double(arg);
        if (!(real > -WHOLE_DAYS_EXACT_LIMIT && real < WHOLE_DAYS_EXACT_LIMIT))
            return WHOLE_DAYS_OUT_OF_RANGE;
        if (real != (double)(sqlite3_int64)real)
            return WHOLE_DAYS_NOT_WHOLE;
        *days_out = (sqlite3_int64)real;
        return WHOLE_DAYS_OK;
    default:
        return WHOLE_DAYS_NOT_WHOLE;
    }
}

/*
** Sets aging_bucket's error for an argument read_whole_days rejected.
** text_excerpt is the argument's text as passed, or "" when it was no
** text, because read_whole_days converts text in place ('1e20' would show
** as '1.0e+20').
*/
static void aging_bucket_error(sqlite3_context *ctx, sqlite3_value *arg,
                               enum whole_days_status status,
                               const char *text_excerpt_in)
{
    char excerpt[TEXT_EXCERPT_SIZE];

    if (sqlite3_value_type(arg) == SQLITE_BLOB) {
        text_result_errorf(
            ctx,
            "aging_bucket: the argument is a blob of %d bytes, not a number of days; pass an integer such as days_overdue(due_date, as_of)",
            sqlite3_value_bytes(arg));
        return;
    }
    if (text_excerpt_in[0] != '\0') {
        memcpy(excerpt, text_excerpt_in, strlen(text_excerpt_in) + 1);
    } else {
        const unsigned char *text = sqlite3_value_text(arg);
        if (text == NULL) {
            sqlite3_result_error_nomem(ctx);
            return;
        }
        text_excerpt(text, sqlite3_value_bytes(arg), excerpt);
    }
    if (status == WHOLE_DAYS_OUT_OF_RANGE)
        text_result_errorf(
            ctx,
            "aging_bucket: '%s' is out of range for a number of days (at most 2^53 either side of 0); pass days_overdue(due_date, as_of)",
            excerpt);
    else
        text_result_errorf(
            ctx,
            "aging_bucket: '%s' is not a whole number of days; pass an integer such as days_overdue(due_date, as_of)",
            excerpt);
}

/* aging_bucket(days_overdue): 'current', '1-30', '31-60', '61-90', '90+'. */
static void aging_bucket_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv)
{
    enum whole_days_status status;
    char passed[TEXT_EXCERPT_SIZE] = "";
    sqlite3_int64 days = 0;
    int clamped;

    (void)argc;
    if (any_null(1, argv))
        return;
    if (sqlite3_value_type(argv[0]) == SQLITE_TEXT) {
        const unsigned char *text = sqlite3_value_text(argv[0]);
        if (text != NULL)
            text_excerpt(text, sqlite3_value_bytes(argv[0]), passed);
    }
    status = read_whole_days(argv[0], &days);
    if (status != WHOLE_DAYS_OK) {
        aging_bucket_error(ctx, argv[0], status, passed);
        return;
    }
    /* The first and last buckets are open-ended, so clamping keeps them. */
    if (days > INT_MAX)
        clamped = INT_MAX;
    else if (days < INT_MIN)
        clamped = INT_MIN;
    else
        clamped = (int)days;
    /* Static string literal: SQLITE_STATIC is safe. */
    sqlite3_result_text(ctx, aging_bucket_label(aging_bucket_index(clamped)),
                        -1, SQLITE_STATIC);
}

int dates_register(sqlite3 *db)
{
    static const struct {
        const char *name;
        int n_arg;
        void (*func)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"parse_date", 1, parse_date_func},
        {"parse_date", 2, parse_date_func},
        {"days_overdue", 2, days_overdue_func},
        {"due_alert", 2, due_alert_func},
        {"aging_bucket", 1, aging_bucket_func},
    };
    /* DETERMINISTIC because every result depends only on the arguments
    ** (today is the explicit as_of). INNOCUOUS because none reads files or
    ** changes data, so schemas, views and triggers may call them. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    size_t i;
    int rc = SQLITE_OK;

    for (i = 0; rc == SQLITE_OK && i < sizeof(functions) / sizeof(*functions);
         i++)
        rc =
            sqlite3_create_function(db, functions[i].name, functions[i].n_arg,
                                    flags, NULL, functions[i].func, NULL, NULL);
    return rc;
}