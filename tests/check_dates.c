/*
** Dates: the day-number core, parse_date, days_overdue, due_alert and
** aging_bucket.
**
** Where the expected values come from:
**   - Day numbers of fixed dates were computed with Python's datetime
**     ((date(y, m, d) - date(1970, 1, 1)).days), an implementation
**     independent of ext/dates.c.
**   - Day counts between two dates are worked out by hand from month
**     lengths, shown next to each case.
**   - Boundaries of due_alert are built with SQLite's own date() modifiers,
**     so the as_of dates do not come from the code under test.
**   - The round trip walks the calendar with a separate next-day function
**     written here from the Gregorian leap-year rule.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dates.h"
#include "harness.h"

/* The independent calendar of the round-trip test. */
static int test_is_leap(int year)
{
    if (year % 400 == 0)
        return 1;
    if (year % 100 == 0)
        return 0;
    return year % 4 == 0;
}

static void test_next_day(int *year, int *month, int *day)
{
    static const int lengths[12] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    int length = lengths[*month - 1] + (*month == 2 && test_is_leap(*year));

    if (++*day <= length)
        return;
    *day = 1;
    if (++*month <= 12)
        return;
    *month = 1;
    ++*year;
}

/* Parses text with order and returns the status; *days_out on success. */
static enum date_parse_status parse(const char *text, enum date_order order,
                                    int *days_out)
{
    return date_parse_ordered(text, (int)strlen(text), order, days_out);
}

/* Returns the day number of an ISO date that must be valid. */
static int iso_days(const char *text)
{
    int days = 0;

    ck_assert_msg(date_parse_iso(text, (int)strlen(text), &days),
                  "'%s' should parse", text);
    return days;
}

START_TEST(test_date_is_valid_leap_days)
{
    /* Gregorian rule: divisible by 4, except centuries not divisible by
    ** 400. */
    ck_assert_int_eq(date_is_valid(2012, 2, 29), 1);
    ck_assert_int_eq(date_is_valid(2013, 2, 29), 0);
    ck_assert_int_eq(date_is_valid(1900, 2, 29), 0);
    ck_assert_int_eq(date_is_valid(2000, 2, 29), 1);
    ck_assert_int_eq(date_is_valid(2100, 2, 29), 0);
    ck_assert_int_eq(date_is_valid(2013, 2, 28), 1);
}
END_TEST

START_TEST(test_date_is_valid_limits)
{
    ck_assert_int_eq(date_is_valid(1, 1, 1), 1);
    ck_assert_int_eq(date_is_valid(9999, 12, 31), 1);
    ck_assert_int_eq(date_is_valid(0, 12, 31), 0);
    ck_assert_int_eq(date_is_valid(10000, 1, 1), 0);
    ck_assert_int_eq(date_is_valid(2013, 0, 1), 0);
    ck_assert_int_eq(date_is_valid(2013, 13, 1), 0);
    ck_assert_int_eq(date_is_valid(2013, 1, 0), 0);
    ck_assert_int_eq(date_is_valid(2013, 1, 32), 0);
    ck_assert_int_eq(date_is_valid(2013, 4, 31), 0);
    ck_assert_int_eq(date_is_valid(2013, 4, 30), 1);
}
END_TEST

START_TEST(test_date_days_known_anchors)
{
    /* Values from Python's datetime, see the file header. */
    ck_assert_int_eq(iso_days("1970-01-01"), 0);
    ck_assert_int_eq(iso_days("0001-01-01"), -719162);
    ck_assert_int_eq(iso_days("9999-12-31"), 2932896);
    ck_assert_int_eq(iso_days("2000-01-01"), 10957);
    ck_assert_int_eq(iso_days("2000-02-29"), 11016);
    ck_assert_int_eq(iso_days("1900-01-01"), -25567);
    ck_assert_int_eq(iso_days("2100-12-31"), 47846);
}
END_TEST

START_TEST(test_date_format_limits)
{
    char out[DATE_ISO_LEN + 1];

    date_format_iso(-719162, out);
    ck_assert_str_eq(out, "0001-01-01");
    date_format_iso(2932896, out);
    ck_assert_str_eq(out, "9999-12-31");
    date_format_iso(0, out);
    ck_assert_str_eq(out, "1970-01-01");
}
END_TEST

/* Every day of 1900..2100: parse and format agree with the independent
** calendar and consecutive days are one day number apart. 1900..2100 has
** 201 years of 365 days plus 49 leap days (1904..2096 every 4 years, 2000
** included, 1900 and 2100 not), so the span is 73414 days. */
START_TEST(test_date_round_trip_1900_to_2100)
{
    char text[40]; /* room for three ints, so no -Wformat-truncation */
    char formatted[DATE_ISO_LEN + 1];
    int year = 1900, month = 1, day = 1;
    int first = 0, previous = 0, count = 0;

    for (;;) {
        int days = 0;
        int y, m, d;

        snprintf(text, sizeof(text), "%04d-%02d-%02d", year, month, day);
        ck_assert_msg(date_parse_iso(text, DATE_ISO_LEN, &days),
                      "'%s' did not parse", text);
        if (count == 0)
            first = days;
        else
            ck_assert_msg(days == previous + 1, "'%s' is %d, previous %d", text,
                          days, previous);
        date_format_iso(days, formatted);
        ck_assert_str_eq(formatted, text);
        date_civil_from_days(days, &y, &m, &d);
        ck_assert_int_eq(y, year);
        ck_assert_int_eq(m, month);
        ck_assert_int_eq(d, day);
        previous = days;
        count++;
        if (year == 2100 && month == 12 && day == 31)
            break;
        test_next_day(&year, &month, &day);
    }
    ck_assert_int_eq(count, 73414);
    ck_assert_int_eq(previous - first, 73413);
}
END_TEST

START_TEST(test_date_parse_iso_rejects_shapes)
{
    int days = 0;

    ck_assert_int_eq(date_parse_iso("2013-1-01", 9, &days), 0);
    ck_assert_int_eq(date_parse_iso("2013/01/01", 10, &days), 0);
    ck_assert_int_eq(date_parse_iso("2013-02-29", 10, &days), 0);
    ck_assert_int_eq(date_parse_iso("0000-01-01", 10, &days), 0);
    ck_assert_int_eq(date_parse_iso("", 0, &days), 0);
    ck_assert_int_eq(date_parse_iso("2013-01-0x", 10, &days), 0);
}
END_TEST

START_TEST(test_date_parse_ordered_each_order)
{
    int days = 0;
    int expected = iso_days("2013-01-31");

    ck_assert_int_eq(parse("2013-01-31", DATE_ORDER_YMD, &days), DATE_PARSE_OK);
    ck_assert_int_eq(days, expected);
    days = 0;
    ck_assert_int_eq(parse("31.1.2013", DATE_ORDER_DMY, &days), DATE_PARSE_OK);
    ck_assert_int_eq(days, expected);
    days = 0;
    ck_assert_int_eq(parse("1/31/2013", DATE_ORDER_MDY, &days), DATE_PARSE_OK);
    ck_assert_int_eq(days, expected);
    days = 0;
    ck_assert_int_eq(parse(" \t2013/1/31\r\n", DATE_ORDER_YMD, &days),
                     DATE_PARSE_OK);
    ck_assert_int_eq(days, expected);
}
END_TEST

START_TEST(test_date_parse_ordered_malformed)
{
    static const char *const cases[] = {
        "",
        " ",
        "2013-01",
        "2013-01-31-",
        "2013-01/31",
        "2013--1-31",
        "2013-001-1",
        "20130131",
        "12013-1-1",
        "213-1-1",
        "2013 01 31",
        "2013-01-31 00:00",
        "+2013-1-1",
        "2013-1-1x",
        "2013-\xC2\xA0"
        "1-1",
    };
    size_t i;
    int days = 0;

    for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
        ck_assert_msg(parse(cases[i], DATE_ORDER_YMD, &days) ==
                          DATE_PARSE_MALFORMED,
                      "'%s' should be malformed", cases[i]);
}
END_TEST

START_TEST(test_date_parse_ordered_two_digit_year)
{
    int days = 0;

    ck_assert_int_eq(parse("1/2/13", DATE_ORDER_MDY, &days),
                     DATE_PARSE_TWO_DIGIT_YEAR);
    ck_assert_int_eq(parse("13-1-2", DATE_ORDER_YMD, &days),
                     DATE_PARSE_TWO_DIGIT_YEAR);
    ck_assert_int_eq(parse("1/2/213", DATE_ORDER_MDY, &days),
                     DATE_PARSE_MALFORMED);
}
END_TEST

START_TEST(test_date_parse_ordered_nonexistent)
{
    int days = 0;

    ck_assert_int_eq(parse("2/30/2013", DATE_ORDER_MDY, &days),
                     DATE_PARSE_NONEXISTENT);
    ck_assert_int_eq(parse("29.2.2013", DATE_ORDER_DMY, &days),
                     DATE_PARSE_NONEXISTENT);
    ck_assert_int_eq(parse("13/1/2013", DATE_ORDER_MDY, &days),
                     DATE_PARSE_NONEXISTENT);
    ck_assert_int_eq(parse("0000-01-01", DATE_ORDER_YMD, &days),
                     DATE_PARSE_NONEXISTENT);
    ck_assert_int_eq(parse("2013-00-10", DATE_ORDER_YMD, &days),
                     DATE_PARSE_NONEXISTENT);
}
END_TEST

START_TEST(test_date_order_from_name_cases)
{
    enum date_order order = DATE_ORDER_YMD;

    ck_assert_int_eq(date_order_from_name("MDY", 3, &order), 1);
    ck_assert_int_eq(order, DATE_ORDER_MDY);
    ck_assert_int_eq(date_order_from_name("dmy", 3, &order), 1);
    ck_assert_int_eq(order, DATE_ORDER_DMY);
    ck_assert_int_eq(date_order_from_name("yMd", 3, &order), 1);
    ck_assert_int_eq(order, DATE_ORDER_YMD);
    ck_assert_int_eq(date_order_from_name("md", 2, &order), 0);
    ck_assert_int_eq(date_order_from_name("mdyy", 4, &order), 0);
    ck_assert_int_eq(date_order_from_name("m\x04y", 3, &order), 0);
    ck_assert_str_eq(date_order_name(DATE_ORDER_DMY), "dmy");
}
END_TEST

START_TEST(test_aging_bucket_index_boundaries)
{
    /* Each boundary and the day on either side. */
    ck_assert_int_eq(aging_bucket_index(INT_MIN), 0);
    ck_assert_int_eq(aging_bucket_index(-1), 0);
    ck_assert_int_eq(aging_bucket_index(0), 0);
    ck_assert_int_eq(aging_bucket_index(1), 1);
    ck_assert_int_eq(aging_bucket_index(2), 1);
    ck_assert_int_eq(aging_bucket_index(29), 1);
    ck_assert_int_eq(aging_bucket_index(30), 1);
    ck_assert_int_eq(aging_bucket_index(31), 2);
    ck_assert_int_eq(aging_bucket_index(59), 2);
    ck_assert_int_eq(aging_bucket_index(60), 2);
    ck_assert_int_eq(aging_bucket_index(61), 3);
    ck_assert_int_eq(aging_bucket_index(89), 3);
    ck_assert_int_eq(aging_bucket_index(90), 3);
    ck_assert_int_eq(aging_bucket_index(91), 4);
    ck_assert_int_eq(aging_bucket_index(92), 4);
    ck_assert_int_eq(aging_bucket_index(INT_MAX), 4);
}
END_TEST

START_TEST(test_aging_bucket_label_each_index)
{
    ck_assert_str_eq(aging_bucket_label(0), "current");
    ck_assert_str_eq(aging_bucket_label(1), "1-30");
    ck_assert_str_eq(aging_bucket_label(2), "31-60");
    ck_assert_str_eq(aging_bucket_label(3), "61-90");
    ck_assert_str_eq(aging_bucket_label(4), "90+");
    ck_assert_ptr_null(aging_bucket_label(-1));
    ck_assert_ptr_null(aging_bucket_label(AGING_BUCKET_COUNT));
}
END_TEST

START_TEST(test_date_due_alert_boundaries)
{
    ck_assert_ptr_null(date_due_alert(INT_MIN));
    ck_assert_ptr_null(date_due_alert(-9));
    ck_assert_ptr_null(date_due_alert(-8));
    ck_assert_str_eq(date_due_alert(-7), "due_soon");
    ck_assert_str_eq(date_due_alert(-6), "due_soon");
    ck_assert_str_eq(date_due_alert(-1), "due_soon");
    ck_assert_str_eq(date_due_alert(0), "due_today");
    ck_assert_str_eq(date_due_alert(1), "overdue");
    ck_assert_str_eq(date_due_alert(6), "overdue");
    ck_assert_str_eq(date_due_alert(7), "overdue_7");
    ck_assert_str_eq(date_due_alert(8), "overdue_7");
    ck_assert_str_eq(date_due_alert(29), "overdue_7");
    ck_assert_str_eq(date_due_alert(30), "overdue_30");
    ck_assert_str_eq(date_due_alert(31), "overdue_30");
    ck_assert_str_eq(date_due_alert(INT_MAX), "overdue_30");
}
END_TEST

START_TEST(test_text_utf8_decode_invalid)
{
    int code_point = 0;

    ck_assert_int_eq(
        text_utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3, &code_point),
        3);
    ck_assert_int_eq(code_point, 0x20AC); /* the euro sign */
    ck_assert_int_eq(
        text_utf8_decode((const unsigned char *)"\xC0\x80", 2, &code_point),
        0); /* overlong NUL */
    ck_assert_int_eq(
        text_utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &code_point),
        0); /* surrogate U+D800 */
    ck_assert_int_eq(text_utf8_decode((const unsigned char *)"\xF4\x90\x80\x80",
                                      4, &code_point),
                     0); /* above U+10FFFF */
    ck_assert_int_eq(
        text_utf8_decode((const unsigned char *)"\xE2\x82", 2, &code_point),
        0); /* truncated */
    ck_assert_int_eq(
        text_utf8_decode((const unsigned char *)"\x80", 1, &code_point), 0);
    ck_assert_int_eq(
        text_utf8_decode((const unsigned char *)"", 0, &code_point), 0);
}
END_TEST

START_TEST(test_text_excerpt_cuts_and_replaces)
{
    char out[TEXT_EXCERPT_SIZE];
    char long_text[200];

    text_excerpt((const unsigned char *)"a\xFF"
                                        "b\n\xE2\x82\xAC",
                 7, out);
    ck_assert_str_eq(out, "a?b?\xE2\x82\xAC");
    memset(long_text, '7', sizeof(long_text));
    text_excerpt((const unsigned char *)long_text, (int)sizeof(long_text), out);
    ck_assert_int_eq((int)strlen(out), TEXT_EXCERPT_SIZE - 1);
    ck_assert_str_eq(out + TEXT_EXCERPT_SIZE - 4, "...");
    /* 59 ASCII bytes and a 3-byte euro sign: the sign would pass the 60-byte
    ** limit, so the cut falls before it, not inside it. */
    memset(long_text, 'x', 59);
    memcpy(long_text + 59, "\xE2\x82\xAC", 3);
    text_excerpt((const unsigned char *)long_text, 62, out);
    ck_assert_int_eq((int)strlen(out), 62);
    ck_assert_str_eq(out + 59, "...");
}
END_TEST

START_TEST(test_parse_date_sql_orders)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT parse_date('2/28/2013', 'mdy')", "2013-02-28");
    expect_sql(db, "SELECT parse_date('28.02.2013', 'dmy')", "2013-02-28");
    expect_sql(db, "SELECT parse_date('2013/2/28', 'ymd')", "2013-02-28");
    expect_sql(db, "SELECT parse_date('2013-02-28', 'YMD')", "2013-02-28");
    expect_sql(db, "SELECT parse_date('  12-31-2013 ', 'MDY')", "2013-12-31");
    expect_sql(db, "SELECT parse_date('2013.1.2')", "2013-01-02");
    expect_sql(db, "SELECT parse_date('2/29/2012', 'mdy')", "2012-02-29");
    expect_sql(db, "SELECT parse_date('29/2/2000', 'dmy')", "2000-02-29");
    expect_sql(db, "SELECT parse_date('1/1/0001', 'mdy')", "0001-01-01");
    expect_sql(db, "SELECT parse_date('31.12.9999', 'dmy')", "9999-12-31");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_date_sql_null)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT parse_date(NULL)", "NULL");
    expect_sql(db, "SELECT parse_date(NULL, 'mdy')", "NULL");
    expect_sql(db, "SELECT parse_date('1/2/2013', NULL)", "NULL");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_date_sql_errors)
{
    sqlite3 *db = harness_open();

    expect_sql_error(
        db, "SELECT parse_date('2/30/2013', 'mdy')",
        "parse_date: '2/30/2013' is not a date that exists (order 'mdy')");
    expect_sql_error(
        db, "SELECT parse_date('2/29/2013', 'mdy')",
        "parse_date: '2/29/2013' is not a date that exists (order 'mdy')");
    expect_sql_error(
        db, "SELECT parse_date('29.2.1900', 'dmy')",
        "parse_date: '29.2.1900' is not a date that exists (order 'dmy')");
    expect_sql_error(db, "SELECT parse_date('0000-01-01')",
                     "'0000-01-01' is not a date that exists (order 'ymd')");
    expect_sql_error(db, "SELECT parse_date('1/2/13', 'mdy')",
                     "parse_date: '1/2/13' has a 2-digit year; write the "
                     "year with 4 digits");
    expect_sql_error(db, "SELECT parse_date('Jan 2, 2013', 'mdy')",
                     "parse_date: 'Jan 2, 2013' is not a date in order "
                     "'mdy'; write it as M/D/YYYY with '/', '-' or '.'");
    expect_sql_error(db, "SELECT parse_date('1/2-2013', 'mdy')",
                     "'1/2-2013' is not a date in order 'mdy'");
    expect_sql_error(db, "SELECT parse_date('', 'dmy')",
                     "parse_date: '' is not a date in order 'dmy'; write it "
                     "as D/M/YYYY");
    expect_sql_error(db, "SELECT parse_date('1/2/2013', 'ydm')",
                     "parse_date: order 'ydm' is not valid; use 'ymd', "
                     "'dmy' or 'mdy'");
    expect_sql_error(db, "SELECT parse_date('1/2/2013', '')",
                     "parse_date: order '' is not valid");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_date_sql_hostile_text)
{
    sqlite3 *db = harness_open();

    /* Full-width digits are not ASCII digits. */
    expect_sql_error(db,
                     "SELECT parse_date('\xEF\xBC\x92\xEF\xBC\x90"
                     "13-01-02')",
                     "parse_date: '\xEF\xBC\x92\xEF\xBC\x90"
                     "13-01-02' is not a date in order 'ymd'");
    /* Invalid UTF-8 (a lone 0xFF) is quoted as '?'. */
    expect_sql_error(db,
                     "SELECT parse_date(CAST(X'323031332D30312DFF' AS TEXT))",
                     "parse_date: '2013-01-?' is not a date");
    /* An embedded NUL must not let the prefix pass as a date. */
    expect_sql_error(
        db, "SELECT parse_date(CAST(X'323031332D30312D303200' AS TEXT))",
        "parse_date: '2013-01-02?' is not a date");
    /* 100,000 digits: rejected, message cut to an excerpt. */
    expect_sql_error(db,
                     "SELECT parse_date(replace(hex(zeroblob(50000)), '00', "
                     "'1'), 'mdy')",
                     "11111...' is not a date in order 'mdy'");
    expect_sql_error(db, "SELECT parse_date(X'FFFE', 'mdy')",
                     "parse_date: '?\?' is not a date");
    expect_sql_error(db, "SELECT parse_date(20130102)",
                     "'20130102' is not a date in order 'ymd'");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_days_overdue_sql_counts)
{
    sqlite3 *db = harness_open();

    /* Counted by hand from month lengths. */
    expect_sql(db, "SELECT days_overdue('2013-02-01', '2013-03-03')",
               "30"); /* 27 days left in February 2013 + 3 */
    expect_sql(db, "SELECT days_overdue('2012-02-28', '2012-03-01')",
               "2"); /* 2012-02-29 exists */
    expect_sql(db, "SELECT days_overdue('2013-02-28', '2013-03-01')", "1");
    expect_sql(db, "SELECT days_overdue('2012-12-31', '2013-12-31')", "365");
    expect_sql(db, "SELECT days_overdue('2011-12-31', '2012-12-31')", "366");
    expect_sql(db, "SELECT days_overdue('2013-03-01', '2013-02-01')", "-28");
    expect_sql(db, "SELECT days_overdue('2013-06-30', '2013-06-30')", "0");
    expect_sql(db, "SELECT days_overdue('1899-12-31', '1900-03-01')",
               "60"); /* 31 + 28 (1900 is no leap year) + 1 */
    expect_sql(db, "SELECT days_overdue('1999-12-31', '2000-03-01')",
               "61"); /* 31 + 29 + 1 */
    /* From Python: (date(9999, 12, 31) - date(1, 1, 1)).days */
    expect_sql(db, "SELECT days_overdue('0001-01-01', '9999-12-31')",
               "3652058");
    expect_sql(db, "SELECT days_overdue('9999-12-31', '0001-01-01')",
               "-3652058");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_days_overdue_sql_null)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT days_overdue(NULL, '2013-01-01')", "NULL");
    expect_sql(db, "SELECT days_overdue('2013-01-01', NULL)", "NULL");
    expect_sql(db, "SELECT days_overdue(NULL, 'garbage')", "NULL");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_days_overdue_sql_errors)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT days_overdue('2013-02-29', '2013-03-01')",
                     "days_overdue: due_date '2013-02-29' is not a date that "
                     "exists");
    expect_sql_error(db, "SELECT days_overdue('1900-02-29', '2013-03-01')",
                     "days_overdue: due_date '1900-02-29' is not a date that "
                     "exists");
    expect_sql_error(db, "SELECT days_overdue('2013-01-01', '2013/03/01')",
                     "days_overdue: as_of '2013/03/01' is not an ISO date; "
                     "write it as YYYY-MM-DD or convert it with parse_date()");
    expect_sql_error(db, "SELECT days_overdue('2013-1-1', '2013-03-01')",
                     "days_overdue: due_date '2013-1-1' is not an ISO date");
    expect_sql_error(db, "SELECT days_overdue('', '2013-03-01')",
                     "days_overdue: due_date '' is not an ISO date");
    expect_sql_error(db, "SELECT days_overdue('2013-01-01 ', '2013-03-01')",
                     "due_date '2013-01-01 ' is not an ISO date");
    expect_sql_error(db,
                     "SELECT days_overdue('2013-01-01', '2013-01-01T00:00')",
                     "as_of '2013-01-01T00:00' is not an ISO date");
    expect_sql_error(db, "SELECT days_overdue('2013-01-01', 'caf\xC3\xA9')",
                     "as_of 'caf\xC3\xA9' is not an ISO date");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_due_alert_sql_boundaries)
{
    sqlite3 *db = harness_open();
    static const struct {
        const char *offset; /* as_of relative to the due date 2013-03-15 */
        const char *alert;
    } cases[] = {
        {"-9 days", "NULL"},        {"-8 days", "NULL"},
        {"-7 days", "due_soon"},    {"-6 days", "due_soon"},
        {"-1 days", "due_soon"},    {"+0 days", "due_today"},
        {"+1 days", "overdue"},     {"+6 days", "overdue"},
        {"+7 days", "overdue_7"},   {"+8 days", "overdue_7"},
        {"+29 days", "overdue_7"},  {"+30 days", "overdue_30"},
        {"+31 days", "overdue_30"}, {"+400 days", "overdue_30"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        char sql[160];

        snprintf(sql, sizeof(sql),
                 "SELECT due_alert('2013-03-15', date('2013-03-15', '%s'))",
                 cases[i].offset);
        expect_sql(db, sql, cases[i].alert);
    }
    /* Across February 2013 (28 days): 02-25 + 30 days is 03-27. */
    expect_sql(db, "SELECT due_alert('2013-02-25', '2013-03-26')", "overdue_7");
    expect_sql(db, "SELECT due_alert('2013-02-25', '2013-03-27')",
               "overdue_30");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_due_alert_sql_null_and_errors)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT due_alert(NULL, '2013-01-01')", "NULL");
    expect_sql(db, "SELECT due_alert('2013-01-01', NULL)", "NULL");
    expect_sql_error(db, "SELECT due_alert('2013-02-30', '2013-01-01')",
                     "due_alert: due_date '2013-02-30' is not a date that "
                     "exists");
    expect_sql_error(db, "SELECT due_alert('2013-01-01', '1/1/2013')",
                     "due_alert: as_of '1/1/2013' is not an ISO date");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_aging_bucket_sql_boundaries)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT aging_bucket(-1), aging_bucket(0), aging_bucket(1), "
               "aging_bucket(30), aging_bucket(31), aging_bucket(60), "
               "aging_bucket(61), aging_bucket(90), aging_bucket(91)",
               "current|current|1-30|1-30|31-60|31-60|61-90|61-90|90+");
    expect_sql(db,
               "SELECT aging_bucket(9223372036854775807), "
               "aging_bucket(-9223372036854775808)",
               "90+|current");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_aging_bucket_sql_number_forms)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT aging_bucket(NULL)", "NULL");
    expect_sql(db, "SELECT aging_bucket(30.0), aging_bucket(31.0)",
               "1-30|31-60");
    expect_sql(db, "SELECT aging_bucket('45'), aging_bucket('-3')",
               "31-60|current");
    /* julianday() differences are reals: a common way to get days. */
    expect_sql(db,
               "SELECT aging_bucket(julianday('2013-03-03') - "
               "julianday('2013-02-01'))",
               "1-30");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_aging_bucket_sql_errors)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT aging_bucket('abc')",
                     "aging_bucket: 'abc' is not a whole number of days; "
                     "pass an integer such as days_overdue(due_date, as_of)");
    expect_sql_error(db, "SELECT aging_bucket(1.5)",
                     "aging_bucket: '1.5' is not a whole number of days");
    expect_sql_error(db, "SELECT aging_bucket('')",
                     "aging_bucket: '' is not a whole number of days");
    expect_sql_error(db, "SELECT aging_bucket(1e300)",
                     "aging_bucket: '1.0e+300' is out of range");
    expect_sql_error(db, "SELECT aging_bucket(X'FF00')",
                     "aging_bucket: the argument is a blob of 2 bytes");
    sqlite3_close(db);
}
END_TEST

/*
** X'3435' is the bytes of '45': it was read as text and reported as "'45'
** is not a whole number of days", which hid that it is a blob. 9.3e18 and
** the 20-digit text are whole numbers beyond 2^53 (9.0e15), where a double
** cannot show a fraction: out of range, shown as passed. SQLite renders
** the REAL 9.3e18 as '9.3e+18'; the text is quoted unchanged.
*/
START_TEST(test_aging_bucket_sql_blob_and_range)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT aging_bucket(X'3435')",
                     "aging_bucket: the argument is a blob of 2 bytes, not a "
                     "number of days; pass an integer such as "
                     "days_overdue(due_date, as_of)");
    expect_sql_error(db, "SELECT aging_bucket(9.3e18)",
                     "aging_bucket: '9.3e+18' is out of range for a number "
                     "of days (at most 2^53 either side of 0)");
    expect_sql_error(db, "SELECT aging_bucket('99999999999999999999')",
                     "aging_bucket: '99999999999999999999' is out of range");
    expect_sql_error(db, "SELECT aging_bucket(' 1e400 ')",
                     "aging_bucket: ' 1e400 ' is out of range");
    expect_sql(db, "SELECT aging_bucket(9007199254740991.0)", "90+");
    sqlite3_close(db);
}
END_TEST

/* DETERMINISTIC lets an index use the function; INNOCUOUS lets a CHECK
** constraint call it while trusted_schema is off. Either flag missing turns
** one of these statements into an error. */
START_TEST(test_dates_sql_flags_allow_schema_use)
{
    sqlite3 *db = harness_open();

    harness_exec(db, "PRAGMA trusted_schema = OFF;"
                     "CREATE TABLE invoices (due TEXT CHECK ("
                     "  parse_date(due) = due"
                     "  AND due_alert(due, '2013-01-01') IS NOT 'x'"
                     "  AND aging_bucket(days_overdue(due, due)) = 'current'"
                     "));"
                     "CREATE INDEX invoices_late_idx"
                     "  ON invoices (days_overdue(due, '2013-06-30'));"
                     "INSERT INTO invoices VALUES ('2013-05-31');");
    expect_sql(db,
               "SELECT days_overdue(due, '2013-06-30') FROM invoices "
               "WHERE days_overdue(due, '2013-06-30') = 30",
               "30");
    expect_sql_error(db, "INSERT INTO invoices VALUES ('2013-02-30')",
                     "parse_date: '2013-02-30' is not a date that exists");
    sqlite3_close(db);
}
END_TEST

/* Reads the next CSV field of line into out, advancing *pos. The IBM file
** has no quoted fields (checked with grep: no '"' in it). */
static void csv_field(const char *line, size_t *pos, char *out, size_t cap)
{
    size_t n = 0;

    while (line[*pos] != '\0' && line[*pos] != ',' && line[*pos] != '\r' &&
           line[*pos] != '\n') {
        if (n + 1 < cap)
            out[n++] = line[*pos];
        (*pos)++;
    }
    out[n] = '\0';
    if (line[*pos] == ',')
        (*pos)++;
}

/* Loads the IBM sample's date and day-count columns into table ibm. */
static int load_ibm_sample(sqlite3 *db)
{
    /* Columns 4, 5, 8, 10, 11 (0-based): InvoiceDate, DueDate,
    ** SettledDate, DaysToSettle, DaysLate. */
    static const int wanted[5] = {4, 5, 8, 10, 11};
    FILE *f = fopen("../demo/data/ibm-accounts-receivable.csv", "rb");
    sqlite3_stmt *insert = NULL;
    char line[512];
    int rows = 0;

    ck_assert_msg(f != NULL, "cannot open the IBM sample");
    harness_exec(db, "CREATE TABLE ibm (invoice_date TEXT, due_date TEXT,"
                     " settled_date TEXT, days_to_settle INTEGER,"
                     " days_late INTEGER)");
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "INSERT INTO ibm VALUES (?,?,?,?,?)",
                                        -1, &insert, NULL),
                     SQLITE_OK);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), f)); /* the header */
    ck_assert_int_eq(strncmp(line, "countryCode,", 12), 0);
    while (fgets(line, sizeof(line), f) != NULL) {
        char field[64];
        size_t pos = 0;
        int column, bound = 0;

        for (column = 0; column <= 11; column++) {
            csv_field(line, &pos, field, sizeof(field));
            if (bound < 5 && column == wanted[bound])
                ck_assert_int_eq(sqlite3_bind_text(insert, ++bound, field, -1,
                                                   SQLITE_TRANSIENT),
                                 SQLITE_OK);
        }
        ck_assert_int_eq(sqlite3_step(insert), SQLITE_DONE);
        ck_assert_int_eq(sqlite3_reset(insert), SQLITE_OK);
        rows++;
    }
    fclose(f);
    sqlite3_finalize(insert);
    return rows;
}

/* The sample's DaysLate and DaysToSettle columns were computed by its
** publisher, so they check the date arithmetic against real data. */
START_TEST(test_days_overdue_ibm_sample)
{
    sqlite3 *db = harness_open();

    ck_assert_int_eq(load_ibm_sample(db), 2466);
    /* First data row, read from the file: 1/2/2013 to 1/15/2013 is 13. */
    expect_sql(db,
               "SELECT invoice_date, settled_date, days_to_settle FROM ibm "
               "LIMIT 1",
               "1/2/2013|1/15/2013|13");
    harness_exec(db, "CREATE TABLE iso AS SELECT"
                     " parse_date(invoice_date, 'mdy') AS invoiced,"
                     " parse_date(due_date, 'mdy') AS due,"
                     " parse_date(settled_date, 'mdy') AS settled,"
                     " days_to_settle, days_late FROM ibm");
    expect_sql(db,
               "SELECT count(*), sum(days_late > 0) FROM iso WHERE "
               "max(0, days_overdue(due, settled)) = days_late "
               "AND days_overdue(invoiced, settled) = days_to_settle",
               "2466|877"); /* 877 rows have DaysLate > 0, counted with awk */
    /* Any disagreeing row, listed so a failure shows which one. */
    expect_sql(db,
               "SELECT invoiced, due, settled, days_to_settle, days_late "
               "FROM iso WHERE max(0, days_overdue(due, settled)) "
               "IS NOT days_late OR days_overdue(invoiced, settled) "
               "IS NOT days_to_settle LIMIT 3",
               "");
    /* Every invoice is on net-30 terms (the sample's documentation). */
    expect_sql(db,
               "SELECT count(*) FROM iso WHERE days_overdue(invoiced, due) "
               "= 30",
               "2466");
    sqlite3_close(db);
}
END_TEST

Suite *dates_suite(void)
{
    Suite *s = suite_create("dates");
    TCase *core = tcase_create("core");
    TCase *sql = tcase_create("sql");
    TCase *data = tcase_create("data");

    tcase_add_test(core, test_date_is_valid_leap_days);
    tcase_add_test(core, test_date_is_valid_limits);
    tcase_add_test(core, test_date_days_known_anchors);
    tcase_add_test(core, test_date_format_limits);
    tcase_add_test(core, test_date_round_trip_1900_to_2100);
    tcase_add_test(core, test_date_parse_iso_rejects_shapes);
    tcase_add_test(core, test_date_parse_ordered_each_order);
    tcase_add_test(core, test_date_parse_ordered_malformed);
    tcase_add_test(core, test_date_parse_ordered_two_digit_year);
    tcase_add_test(core, test_date_parse_ordered_nonexistent);
    tcase_add_test(core, test_date_order_from_name_cases);
    tcase_add_test(core, test_aging_bucket_index_boundaries);
    tcase_add_test(core, test_aging_bucket_label_each_index);
    tcase_add_test(core, test_date_due_alert_boundaries);
    tcase_add_test(core, test_text_utf8_decode_invalid);
    tcase_add_test(core, test_text_excerpt_cuts_and_replaces);
    suite_add_tcase(s, core);

    tcase_add_test(sql, test_parse_date_sql_orders);
    tcase_add_test(sql, test_parse_date_sql_null);
    tcase_add_test(sql, test_parse_date_sql_errors);
    tcase_add_test(sql, test_parse_date_sql_hostile_text);
    tcase_add_test(sql, test_days_overdue_sql_counts);
    tcase_add_test(sql, test_days_overdue_sql_null);
    tcase_add_test(sql, test_days_overdue_sql_errors);
    tcase_add_test(sql, test_due_alert_sql_boundaries);
    tcase_add_test(sql, test_due_alert_sql_null_and_errors);
    tcase_add_test(sql, test_aging_bucket_sql_boundaries);
    tcase_add_test(sql, test_aging_bucket_sql_number_forms);
    tcase_add_test(sql, test_aging_bucket_sql_errors);
    tcase_add_test(sql, test_aging_bucket_sql_blob_and_range);
    tcase_add_test(sql, test_dates_sql_flags_allow_schema_use);
    suite_add_tcase(s, sql);

    tcase_add_test(data, test_days_overdue_ibm_sample);
    suite_add_tcase(s, data);
    return s;
}
