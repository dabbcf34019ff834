/* format_money: exact decimal text from integer minor units. */
#include <stdio.h>

#include "harness.h"
#include "money.h"

/* Expected texts are the amounts written out by hand with ',' every three
** digits, e.g. 123456 cents = 1,234 dollars and 56 cents. */
START_TEST(test_format_money_groups_and_decimals)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT format_money(123456)", "1,234.56");
    expect_sql(db, "SELECT format_money(5)", "0.05");
    expect_sql(db, "SELECT format_money(-5, 'USD')", "-0.05");
    expect_sql(db, "SELECT format_money(100000000)", "1,000,000.00");
    expect_sql(db, "SELECT format_money(99999)", "999.99");
    expect_sql(db, "SELECT format_money(0)", "0.00");
    sqlite3_close(db);
}
END_TEST

/* JPY has no minor unit and KWD has three (ISO 4217). */
START_TEST(test_format_money_currency_digits)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT format_money(1234, 'JPY')", "1,234");
    expect_sql(db, "SELECT format_money(1234, 'KWD')", "1.234");
    expect_sql(db, "SELECT format_money(-1234567, 'EUR')", "-12,345.67");
    sqlite3_close(db);
}
END_TEST

/* INT64_MIN has no positive counterpart; its digits are 2^63. */
START_TEST(test_format_money_int64_limits)
{
    char text[MONEY_TEXT_MAX];

    money_format((sqlite3_int64)(-9223372036854775807LL - 1), 2, text);
    ck_assert_str_eq(text, "-92,233,720,368,547,758.08");
    money_format(9223372036854775807LL, 0, text);
    ck_assert_str_eq(text, "9,223,372,036,854,775,807");
}
END_TEST

START_TEST(test_format_money_null_and_errors)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT format_money(NULL) IS NULL", "1");
    expect_sql(db, "SELECT format_money(1, NULL) IS NULL", "1");
    expect_sql_error(db, "SELECT format_money(1.5)",
                     "format_money: '1.5' is not an integer amount");
    expect_sql_error(db, "SELECT format_money('abc')",
                     "format_money: 'abc' is not an integer amount");
    expect_sql_error(db, "SELECT format_money(1, 'usd')",
                     "format_money: 'usd' is not an ISO 4217 currency code");
    sqlite3_close(db);
}
END_TEST

/* Returns the message sql fails with; the caller frees it. */
static char *error_of(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    char *rows = harness_query(db, sql, &err);

    ck_assert_ptr_null(rows);
    ck_assert_ptr_nonnull(err);
    return err;
}

/*
** A 1,000,000-byte code was quoted whole, and a blob's 0xFF byte raw.
** text_excerpt keeps the first 60 bytes and appends "...", and shows a
** byte that is not printable UTF-8 (0xFF, NUL) as '?'.
*/
START_TEST(test_format_money_error_excerpt)
{
    sqlite3 *db = harness_open();
    char *err = error_of(db, "SELECT format_money(1, printf('%.*c', 1000000,"
                             " 'x'))");
    char expected[256];

    snprintf(
        expected, sizeof(expected),
        "format_money: '%.60s...' is not an ISO 4217 currency code; use "
        "three upper-case letters such as 'EUR'",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    ck_assert_str_eq(err, expected);
    sqlite3_free(err);
    err = error_of(db, "SELECT format_money(X'FF')");
    ck_assert_str_eq(err, "format_money: '?' is not an integer amount in "
                          "minor units; store money as INTEGER cents");
    sqlite3_free(err);
    err = error_of(db, "SELECT format_money(1, 'EUR' || char(0))");
    ck_assert_str_eq(err, "format_money: 'EUR?' is not an ISO 4217 currency "
                          "code; use three upper-case letters such as 'EUR'");
    sqlite3_free(err);
    sqlite3_close(db);
}
END_TEST

Suite *money_suite(void)
{
    Suite *s = suite_create("money");
    TCase *tc = tcase_create("core");

    tcase_add_test(tc, test_format_money_groups_and_decimals);
    tcase_add_test(tc, test_format_money_currency_digits);
    tcase_add_test(tc, test_format_money_int64_limits);
    tcase_add_test(tc, test_format_money_null_and_errors);
    tcase_add_test(tc, test_format_money_error_excerpt);
    suite_add_tcase(s, tc);
    return s;
}
