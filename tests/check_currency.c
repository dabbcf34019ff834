/*
** Currency: ISO 4217 minor digits and strict decimal text to minor units.
**
** Minor digits are those of the ISO 4217 list (JPY 0, EUR 2, KWD 3, CLF 4).
** Minor units are worked out by hand: "-1234.5" with 2 digits is -1234.50,
** so -123450. The 64-bit limit is 2^63-1 = 9223372036854775807.
*/
#include <string.h>

#include "currency.h"
#include "harness.h"

/* Parses a plain decimal; returns currency_parse_decimal's 1 or 0 and the
** minor units in *minor_out. */
static int decimal(const char *text, char decimal_sep, int minor_digits,
                   sqlite3_int64 *minor_out)
{
    *minor_out = -777; /* must stay untouched on failure */
    return currency_parse_decimal(text, (int)strlen(text), decimal_sep,
                                  minor_digits, minor_out);
}

START_TEST(test_currency_minor_digits_codes)
{
    ck_assert_int_eq(currency_minor_digits("JPY"), 0);
    ck_assert_int_eq(currency_minor_digits("KRW"), 0);
    ck_assert_int_eq(currency_minor_digits("EUR"), 2);
    ck_assert_int_eq(currency_minor_digits("USD"), 2);
    ck_assert_int_eq(currency_minor_digits("KWD"), 3);
    ck_assert_int_eq(currency_minor_digits("BHD"), 3);
    ck_assert_int_eq(currency_minor_digits("CLF"), 4);
    ck_assert_int_eq(currency_minor_digits("XPF"), 0); /* last in table */
    ck_assert_int_eq(currency_minor_digits("ZZZ"), 2); /* no exception */
}
END_TEST

START_TEST(test_currency_minor_digits_malformed)
{
    ck_assert_int_eq(currency_minor_digits(NULL), -1);
    ck_assert_int_eq(currency_minor_digits(""), -1);
    ck_assert_int_eq(currency_minor_digits("EU"), -1);
    ck_assert_int_eq(currency_minor_digits("EURO"), -1);
    ck_assert_int_eq(currency_minor_digits("eur"), -1);
    ck_assert_int_eq(currency_minor_digits("E1R"), -1);
    ck_assert_int_eq(currency_minor_digits("EU "), -1);
}
END_TEST

START_TEST(test_currency_parse_decimal_values)
{
    sqlite3_int64 minor = 0;

    ck_assert_int_eq(decimal("-1234.5", '.', 2, &minor), 1);
    ck_assert_int_eq(minor, -123450);
    ck_assert_int_eq(decimal("0,07", ',', 2, &minor), 1);
    ck_assert_int_eq(minor, 7);
    ck_assert_int_eq(decimal("12", '.', 2, &minor), 1);
    ck_assert_int_eq(minor, 1200);
    ck_assert_int_eq(decimal("+12", '.', 0, &minor), 1);
    ck_assert_int_eq(minor, 12);
    ck_assert_int_eq(decimal("12,", ',', 2, &minor), 1); /* MT940 style */
    ck_assert_int_eq(minor, 1200);
    ck_assert_int_eq(decimal(",5", ',', 2, &minor), 1);
    ck_assert_int_eq(minor, 50);
    ck_assert_int_eq(decimal("12.340", '.', 2, &minor), 1);
    ck_assert_int_eq(minor, 1234);
    ck_assert_int_eq(decimal("1.5", '.', 3, &minor), 1);
    ck_assert_int_eq(minor, 1500);
}
END_TEST

START_TEST(test_currency_parse_decimal_rejects)
{
    sqlite3_int64 minor = 0;

    ck_assert_int_eq(decimal("12.345", '.', 2, &minor), 0);
    ck_assert_int_eq(minor, -777);
    ck_assert_int_eq(decimal("", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("-", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal(".", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("1.2.3", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("1a", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("1,5", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("--1", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal(" 1", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("1", '.', -1, &minor), 0);
    ck_assert_int_eq(decimal("1", '.', 19, &minor), 0);
}
END_TEST

/* The whole signed 64-bit range except -2^63 is accepted. */
START_TEST(test_currency_parse_decimal_int64_limits)
{
    sqlite3_int64 minor = 0;

    ck_assert_int_eq(decimal("92233720368547758.07", '.', 2, &minor), 1);
    ck_assert_int_eq(minor, 9223372036854775807LL);
    ck_assert_int_eq(decimal("-92233720368547758.07", '.', 2, &minor), 1);
    ck_assert_int_eq(minor, -9223372036854775807LL);
    ck_assert_int_eq(decimal("9223372036854775807", '.', 0, &minor), 1);
    ck_assert_int_eq(minor, 9223372036854775807LL);
    ck_assert_int_eq(decimal("9.223372036854775807", '.', 18, &minor), 1);
    ck_assert_int_eq(minor, 9223372036854775807LL);
    ck_assert_int_eq(decimal("00000000000000000000001", '.', 0, &minor), 1);
    ck_assert_int_eq(minor, 1);
    ck_assert_int_eq(decimal("92233720368547758.08", '.', 2, &minor), 0);
    ck_assert_int_eq(decimal("9223372036854775808", '.', 0, &minor), 0);
    ck_assert_int_eq(decimal("-9223372036854775808", '.', 0, &minor), 0);
    ck_assert_int_eq(decimal("922337203685477581", '.', 1, &minor), 0);
    ck_assert_int_eq(decimal("10", '.', 18, &minor), 0);
}
END_TEST

Suite *currency_suite(void)
{
    Suite *s = suite_create("currency");
    TCase *core = tcase_create("core");

    tcase_add_test(core, test_currency_minor_digits_codes);
    tcase_add_test(core, test_currency_minor_digits_malformed);
    tcase_add_test(core, test_currency_parse_decimal_values);
    tcase_add_test(core, test_currency_parse_decimal_rejects);
    tcase_add_test(core, test_currency_parse_decimal_int64_limits);
    suite_add_tcase(s, core);
    return s;
}
