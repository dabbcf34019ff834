/*
** Edge cases of the date functions that the dates suite leaves out: a
** non-digit in each field of an ISO date, and out-of-range day counts of
** either sign. Error messages quote the argument, and each byte that is
** not valid UTF-8 or is a control character becomes '?'.
*/
#include "harness.h"

#define EDGE_NOT_ISO                                                           \
    "' is not an ISO date; write it as YYYY-MM-DD or convert it with "         \
    "parse_date()"

/* A letter in the year, month or day, or no '-' at position 7: not ISO. */
START_TEST(test_days_overdue_non_digit_fields)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT days_overdue('20a3-01-01', '2013-03-01')",
                     "days_overdue: due_date '20a3-01-01" EDGE_NOT_ISO);
    expect_sql_error(db, "SELECT days_overdue('2013-0A-01', '2013-03-01')",
                     "days_overdue: due_date '2013-0A-01" EDGE_NOT_ISO);
    expect_sql_error(db, "SELECT days_overdue('2013-01-0b', '2013-03-01')",
                     "days_overdue: due_date '2013-01-0b" EDGE_NOT_ISO);
    expect_sql_error(db, "SELECT days_overdue('2013-01x01', '2013-03-01')",
                     "days_overdue: due_date '2013-01x01" EDGE_NOT_ISO);
    /* The shape is right, the month is not. */
    expect_sql_error(db, "SELECT days_overdue('2013-13-01', '2013-03-01')",
                     "days_overdue: due_date '2013-13-01' is not a date that "
                     "exists");
    sqlite3_close(db);
}
END_TEST

/* Whole days are exact in a double up to 2^53; 1e300 of either sign is
** rejected rather than rounded. */
START_TEST(test_aging_bucket_huge_reals)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT aging_bucket(-1e300)",
                     "aging_bucket: '-1.0e+300' is out of range for a number "
                     "of days (at most 2^53 either side of 0)");
    expect_sql_error(db, "SELECT aging_bucket(1e300)",
                     "aging_bucket: '1.0e+300' is out of range");
    sqlite3_close(db);
}
END_TEST

/* F4 90 80 80 would be U+110000, past U+10FFFF; F0 80 80 80 is an overlong
** 4-byte form; ED A0 80 is the surrogate U+D800; C2 80 is the C1 control
** U+0080. None is printed as is. 'é' (C3 A9) is valid and kept. */
START_TEST(test_error_excerpt_invalid_utf8)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db,
                     "SELECT days_overdue(CAST(x'f4908080' AS TEXT),"
                     " '2013-03-01')",
                     "due_date '????" EDGE_NOT_ISO);
    expect_sql_error(db,
                     "SELECT days_overdue(CAST(x'f0808080' AS TEXT),"
                     " '2013-03-01')",
                     "due_date '????" EDGE_NOT_ISO);
    expect_sql_error(db,
                     "SELECT days_overdue(CAST(x'eda080' AS TEXT),"
                     " '2013-03-01')",
                     "due_date '???" EDGE_NOT_ISO);
    expect_sql_error(db,
                     "SELECT days_overdue(CAST(x'c280' AS TEXT),"
                     " '2013-03-01')",
                     "due_date '?" EDGE_NOT_ISO);
    expect_sql_error(db, "SELECT days_overdue('\xc3\xa9" "ch\xc3\xa9" "ance',"
                         " '2013-03-01')",
                     "due_date '\xc3\xa9" "ch\xc3\xa9" "ance" EDGE_NOT_ISO);
    sqlite3_close(db);
}
END_TEST

/* In order 'mdy' the month and day have at most 2 digits and the year 4;
** blanks around the date are dropped. */
START_TEST(test_parse_date_field_lengths)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_date('1/123/2013', 'mdy')",
                     "parse_date: '1/123/2013' is not a date in order 'mdy'");
    expect_sql_error(db, "SELECT parse_date('123/1/2013', 'mdy')",
                     "parse_date: '123/1/2013' is not a date in order 'mdy'");
    expect_sql_error(db, "SELECT parse_date('1/1/201', 'mdy')",
                     "parse_date: '1/1/201' is not a date in order 'mdy'");
    expect_sql(db, "SELECT parse_date(' 2013-01-31 ')", "2013-01-31");
    sqlite3_close(db);
}
END_TEST

Suite *edge_dates_suite(void)
{
    Suite *s = suite_create("edge_dates");
    TCase *errors = tcase_create("errors");

    tcase_add_test(errors, test_days_overdue_non_digit_fields);
    tcase_add_test(errors, test_aging_bucket_huge_reals);
    tcase_add_test(errors, test_error_excerpt_invalid_utf8);
    tcase_add_test(errors, test_parse_date_field_lengths);
    suite_add_tcase(s, errors);
    return s;
}
