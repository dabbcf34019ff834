/*
** Amounts: amount_parse and the parse_amount / currency_digits SQL
** functions.
**
** Expected minor units are worked out by hand: drop the separators, keep
** the digits and scale to minor_digits (1.234,56 with ',' decimal is
** 1234.56 units, so 123456 cents). Limits come from 2^63-1 =
** 9223372036854775807. The IBM sample's total was summed with Python's
** decimal.Decimal, which does not use this code.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "amount.h"
#include "harness.h"

/* Parses text and returns its status. */
static enum amount_status status_of(const char *text, char decimal_sep,
                                    int minor_digits)
{
    struct amount_parse_result result;

    return amount_parse(text, (int)strlen(text), decimal_sep, minor_digits,
                        &result);
}

/* Parses text that must be valid and returns its minor units. */
static sqlite3_int64 parsed(const char *text, char decimal_sep,
                            int minor_digits)
{
    struct amount_parse_result result;
    enum amount_status status = amount_parse(
        text, (int)strlen(text), decimal_sep, minor_digits, &result);

    ck_assert_msg(status == AMOUNT_OK, "'%s' failed with status %d", text,
                  (int)status);
    return result.minor;
}

START_TEST(test_amount_parse_common_forms)
{
    ck_assert_int_eq(parsed("1.234,56", ',', 2), 123456);
    ck_assert_int_eq(parsed("$ 1,234.56", 0, 2), 123456);
    ck_assert_int_eq(parsed("(120.00)", 0, 2), -12000);
    ck_assert_int_eq(parsed("-12,5 EUR", ',', 2), -1250);
    ck_assert_int_eq(parsed("1 234,56", ',', 2), 123456);
    ck_assert_int_eq(parsed("1\xC2\xA0"
                            "234,56",
                            ',', 2),
                     123456);
    ck_assert_int_eq(parsed("1\xE2\x80\xAF"
                            "234,56",
                            ',', 2),
                     123456);
    ck_assert_int_eq(parsed("1'234.56", 0, 2), 123456);
    ck_assert_int_eq(parsed("1\xE2\x80\x99"
                            "234.56",
                            0, 2),
                     123456);
    ck_assert_int_eq(parsed("120.00-", 0, 2), -12000);
    ck_assert_int_eq(parsed("+7.5", 0, 2), 750);
    ck_assert_int_eq(parsed("42", 0, 2), 4200);
    ck_assert_int_eq(parsed("0", 0, 2), 0);
    ck_assert_int_eq(parsed("-0.00", 0, 2), 0);
    ck_assert_int_eq(parsed(".5", 0, 2), 50);
    ck_assert_int_eq(parsed(",05", 0, 2), 5);
}
END_TEST

START_TEST(test_amount_parse_infers_separator)
{
    /* Both marks: the rightmost one is decimal. */
    ck_assert_int_eq(parsed("1.234,56", 0, 2), 123456);
    ck_assert_int_eq(parsed("1,234,567.8", 0, 2), 123456780);
    ck_assert_int_eq(parsed("1.234.567,8", 0, 2), 123456780);
    /* One mark not followed by exactly 3 digits is decimal. */
    ck_assert_int_eq(parsed("12,5", 0, 2), 1250);
    ck_assert_int_eq(parsed("1234.56", 0, 2), 123456);
    ck_assert_int_eq(parsed("1,2300", 0, 2), 123);
    /* 3 digits after a mark, but the part before cannot be a group. */
    ck_assert_int_eq(parsed("1234,500", 0, 2), 123450);
    ck_assert_int_eq(parsed("0,120", 0, 2), 12);
    ck_assert_int_eq(parsed(",120", 0, 2), 12);
    ck_assert_int_eq(parsed("1 234,500", 0, 2), 123450);
    /* A repeated mark groups digits. */
    ck_assert_int_eq(parsed("1,234,567", 0, 2), 123456700);
    ck_assert_int_eq(parsed("1.234.567", 0, 0), 1234567);
    /* Blanks and apostrophes only ever group. */
    ck_assert_int_eq(parsed("1 234 567", 0, 0), 1234567);
    ck_assert_int_eq(parsed("1'234'567", 0, 0), 1234567);
}
END_TEST

START_TEST(test_amount_parse_ambiguous)
{
    ck_assert_int_eq(status_of("1,234", 0, 2), AMOUNT_AMBIGUOUS);
    ck_assert_int_eq(status_of("1.234", 0, 2), AMOUNT_AMBIGUOUS);
    ck_assert_int_eq(status_of("123,456", 0, 2), AMOUNT_AMBIGUOUS);
    ck_assert_int_eq(status_of("-12.500 EUR", 0, 2), AMOUNT_AMBIGUOUS);
    /* The same texts with the separator given. */
    ck_assert_int_eq(parsed("1,234", '.', 2), 123400);
    ck_assert_int_eq(parsed("1,234", ',', 3), 1234);
    ck_assert_int_eq(parsed("1.234", ',', 0), 1234);
}
END_TEST

START_TEST(test_amount_parse_explicit_separator)
{
    ck_assert_int_eq(parsed("12,5", ',', 2), 1250);
    ck_assert_int_eq(parsed("1.234.567,89", ',', 2), 123456789);
    ck_assert_int_eq(parsed("1,234,567", '.', 2), 123456700);
    ck_assert_int_eq(status_of("1,234.56", ',', 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("12,5", '.', 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1.234.567", '.', 2), AMOUNT_TWO_DECIMALS);
    ck_assert_int_eq(parsed("1,5", ',', 2), 150);
}
END_TEST

START_TEST(test_amount_parse_minor_digits)
{
    ck_assert_int_eq(parsed("1,500", '.', 0), 1500);
    ck_assert_int_eq(parsed("12.00", 0, 0), 12);
    ck_assert_int_eq(parsed("1.5", 0, 3), 1500);
    ck_assert_int_eq(parsed("0.0001", 0, 4), 1);
    ck_assert_int_eq(parsed("12.5000", 0, 2), 1250); /* extra zeros only */
    ck_assert_int_eq(status_of("12.50", 0, 0), AMOUNT_TOO_PRECISE);
    ck_assert_int_eq(status_of("12.3456", 0, 2), AMOUNT_TOO_PRECISE);
    ck_assert_int_eq(status_of("0.00001", 0, 4), AMOUNT_TOO_PRECISE);
    ck_assert_int_eq(status_of("1", 0, 5), AMOUNT_INVALID_ARGUMENT);
    ck_assert_int_eq(status_of("1", 0, -2), AMOUNT_INVALID_ARGUMENT);
    ck_assert_int_eq(status_of("1", ';', 2), AMOUNT_INVALID_ARGUMENT);
}
END_TEST

/*
** AMOUNT_DIGITS_FROM_CURRENCY takes the digits of the 3-letter code in the
** text: ISO 4217 gives JPY 0, KWD 3 and EUR 2 minor digits, so 1234 JPY is
** 1234 minor units, 1234 KWD is 1234 * 10^3 and 12.5 EUR is 1250. With no
** code, or only a symbol, it is 2. A given minor_digits that differs from
** the code's is an error; the code is marked at its byte offset.
*/
START_TEST(test_amount_parse_currency_digits)
{
    struct amount_parse_result result;

    ck_assert_int_eq(parsed("1234 JPY", 0, AMOUNT_DIGITS_FROM_CURRENCY), 1234);
    ck_assert_int_eq(parsed("1234 KWD", 0, AMOUNT_DIGITS_FROM_CURRENCY),
                     1234000);
    ck_assert_int_eq(parsed("EUR 12.5", 0, AMOUNT_DIGITS_FROM_CURRENCY), 1250);
    ck_assert_int_eq(parsed("1234", 0, AMOUNT_DIGITS_FROM_CURRENCY), 123400);
    ck_assert_int_eq(parsed("\xC2\xA5"
                            "1234",
                            0, AMOUNT_DIGITS_FROM_CURRENCY),
                     123400);
    ck_assert_int_eq(parsed("1234 JPY", 0, 0), 1234);
    ck_assert_int_eq(status_of("12.5 JPY", 0, AMOUNT_DIGITS_FROM_CURRENCY),
                     AMOUNT_TOO_PRECISE);
    ck_assert_int_eq(status_of("1234 JPY", 0, 2), AMOUNT_CURRENCY_DIGITS);
    ck_assert_int_eq(amount_parse("1234 EUR", 8, 0, 0, &result),
                     AMOUNT_CURRENCY_DIGITS);
    ck_assert_int_eq(result.error_offset, 5);
    ck_assert_int_eq(result.error_length, 3);
    ck_assert_int_eq(result.currency_digits, 2);
    ck_assert_int_eq(result.minor_digits, 0);
}
END_TEST

START_TEST(test_amount_parse_signs)
{
    ck_assert_int_eq(parsed("-12", 0, 2), -1200);
    ck_assert_int_eq(parsed("- 12", 0, 2), -1200);
    ck_assert_int_eq(parsed("12 -", 0, 2), -1200);
    ck_assert_int_eq(parsed("\xE2\x88\x92"
                            "12",
                            0, 2),
                     -1200); /* U+2212 */
    ck_assert_int_eq(parsed("-$12", 0, 2), -1200);
    ck_assert_int_eq(parsed("$-12", 0, 2), -1200);
    ck_assert_int_eq(parsed("EUR -12", 0, 2), -1200);
    ck_assert_int_eq(parsed("12 EUR-", 0, 2), -1200);
    ck_assert_int_eq(parsed("($1,200.00)", 0, 2), -120000);
    ck_assert_int_eq(parsed("( 12 EUR )", 0, 2), -1200);
    ck_assert_int_eq(parsed("$(12)", 0, 2), -1200);
    ck_assert_int_eq(status_of("-(12)", 0, 2), AMOUNT_TWO_SIGNS);
    ck_assert_int_eq(status_of("(-12)", 0, 2), AMOUNT_TWO_SIGNS);
    ck_assert_int_eq(status_of("-12-", 0, 2), AMOUNT_TWO_SIGNS);
    ck_assert_int_eq(status_of("+-12", 0, 2), AMOUNT_TWO_SIGNS);
    ck_assert_int_eq(status_of("(12", 0, 2), AMOUNT_UNBALANCED_PARENS);
    ck_assert_int_eq(status_of("12)", 0, 2), AMOUNT_UNBALANCED_PARENS);
    ck_assert_int_eq(status_of(")12(", 0, 2), AMOUNT_UNBALANCED_PARENS);
    ck_assert_int_eq(status_of("(12))", 0, 2), AMOUNT_UNBALANCED_PARENS);
}
END_TEST

START_TEST(test_amount_parse_currencies)
{
    ck_assert_int_eq(parsed("\xE2\x82\xAC"
                            "12",
                            0, 2),
                     1200);                                  /* euro */
    ck_assert_int_eq(parsed("12 \xE2\x82\xAC", 0, 2), 1200); /* euro */
    ck_assert_int_eq(parsed("\xC2\xA3"
                            "12",
                            0, 2),
                     1200); /* pound */
    ck_assert_int_eq(parsed("\xC2\xA5"
                            "1,500",
                            '.', 0),
                     1500); /* yen */
    ck_assert_int_eq(parsed("\xE2\x82\xB9"
                            "12",
                            0, 2),
                     1200); /* rupee */
    ck_assert_int_eq(parsed("US$12", 0, 2), 1200);
    ck_assert_int_eq(parsed("R$ 12,50", 0, 2), 1250);
    ck_assert_int_eq(parsed("USD 12", 0, 2), 1200);
    ck_assert_int_eq(parsed("12EUR", 0, 2), 1200);
    ck_assert_int_eq(parsed("CHF 1'234.50", 0, 2), 123450);
    ck_assert_int_eq(status_of("12 EURO", 0, 2), AMOUNT_UNKNOWN_CURRENCY);
    ck_assert_int_eq(status_of("12 EU", 0, 2), AMOUNT_UNKNOWN_CURRENCY);
    ck_assert_int_eq(status_of("12 $US", 0, 2), AMOUNT_UNKNOWN_CURRENCY);
    ck_assert_int_eq(status_of("12 $$", 0, 2), AMOUNT_UNKNOWN_CURRENCY);
    ck_assert_int_eq(status_of("1E5", 0, 2), AMOUNT_UNKNOWN_CURRENCY);
    ck_assert_int_eq(status_of("12 eur", 0, 2), AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(status_of("$12 USD", 0, 2), AMOUNT_TWO_CURRENCIES);
}
END_TEST

START_TEST(test_amount_parse_bad_grouping)
{
    ck_assert_int_eq(status_of("1.23.456", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1,23,456.00", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1234,567,890", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1,234 567", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1,2345,678", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1,234,56", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("1.234,5,6", 0, 2), AMOUNT_TWO_DECIMALS);
    ck_assert_int_eq(status_of("1.234,567.8", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("12,34.5", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of(".123", ',', 2), AMOUNT_BAD_GROUPING);
}
END_TEST

START_TEST(test_amount_parse_malformed)
{
    ck_assert_int_eq(status_of("", 0, 2), AMOUNT_NO_DIGITS);
    ck_assert_int_eq(status_of("   ", 0, 2), AMOUNT_NO_DIGITS);
    ck_assert_int_eq(status_of("$", 0, 2), AMOUNT_NO_DIGITS);
    ck_assert_int_eq(status_of("-", 0, 2), AMOUNT_NO_DIGITS);
    ck_assert_int_eq(status_of("()", 0, 2), AMOUNT_UNBALANCED_PARENS);
    ck_assert_int_eq(status_of("EUR", 0, 2), AMOUNT_NO_DIGITS);
    ck_assert_int_eq(status_of("12 34", 0, 2), AMOUNT_BAD_GROUPING);
    ck_assert_int_eq(status_of("12 - 34", 0, 2), AMOUNT_TWO_NUMBERS);
    ck_assert_int_eq(status_of("2013-01-02", 0, 2), AMOUNT_TWO_NUMBERS);
    ck_assert_int_eq(status_of("12.", 0, 2), AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(status_of("12#", 0, 2), AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(status_of("'12", 0, 2), AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(status_of("1e5", 0, 2), AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(status_of("\xEF\xBC\x91"
                               "2",
                               0, 2),
                     AMOUNT_UNEXPECTED_CHAR); /* full-width digit one */
}
END_TEST

START_TEST(test_amount_parse_invalid_utf8)
{
    ck_assert_int_eq(status_of("12\xFF", 0, 2), AMOUNT_INVALID_UTF8);
    ck_assert_int_eq(status_of("\xC0\xB1"
                               "2",
                               0, 2),
                     AMOUNT_INVALID_UTF8);
    ck_assert_int_eq(status_of("12 \xE2\x82", 0, 2), AMOUNT_INVALID_UTF8);
    ck_assert_int_eq(status_of("\x80", 0, 2), AMOUNT_INVALID_UTF8);
}
END_TEST

START_TEST(test_amount_parse_error_offsets)
{
    struct amount_parse_result result;

    ck_assert_int_eq(amount_parse("12 #", 4, 0, 2, &result),
                     AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(result.error_offset, 3);
    ck_assert_int_eq(result.error_length, 1);
    ck_assert_int_eq(amount_parse("12 EURO", 7, 0, 2, &result),
                     AMOUNT_UNKNOWN_CURRENCY);
    ck_assert_int_eq(result.error_offset, 3);
    ck_assert_int_eq(result.error_length, 4);
    ck_assert_int_eq(amount_parse("1\xFF", 2, 0, 2, &result),
                     AMOUNT_INVALID_UTF8);
    ck_assert_int_eq(result.error_offset, 1);
    ck_assert_int_eq(amount_parse("1,234", 5, 0, 2, &result), AMOUNT_AMBIGUOUS);
    ck_assert_int_eq(result.error_offset, -1);
    ck_assert_int_eq(result.error_length, 0);
}
END_TEST

START_TEST(test_amount_parse_embedded_nul)
{
    struct amount_parse_result result;

    /* n covers the NUL, so the text is "12" NUL "5", not "12". */
    ck_assert_int_eq(amount_parse("12\0"
                                  "5",
                                  4, 0, 2, &result),
                     AMOUNT_UNEXPECTED_CHAR);
    ck_assert_int_eq(result.error_offset, 2);
}
END_TEST

START_TEST(test_amount_parse_int64_limits)
{
    /* 2^63-1 = 9223372036854775807. */
    ck_assert_int_eq(parsed("92233720368547758.07", 0, 2),
                     9223372036854775807LL);
    ck_assert_int_eq(parsed("-92,233,720,368,547,758.07", 0, 2),
                     -9223372036854775807LL);
    ck_assert_int_eq(parsed("9223372036854775807", 0, 0),
                     9223372036854775807LL);
    ck_assert_int_eq(status_of("92233720368547758.08", 0, 2), AMOUNT_OVERFLOW);
    ck_assert_int_eq(status_of("-9223372036854775808", 0, 0), AMOUNT_OVERFLOW);
    ck_assert_int_eq(status_of("922337203685477580.7", 0, 4), AMOUNT_OVERFLOW);
    ck_assert_int_eq(status_of("99999999999999999999999999", 0, 0),
                     AMOUNT_OVERFLOW);
}
END_TEST

START_TEST(test_amount_parse_length_limit)
{
    char text[AMOUNT_MAX_INPUT + 2];

    /* 1000 bytes: blanks around "12" are fine. */
    memset(text, ' ', AMOUNT_MAX_INPUT);
    memcpy(text + 500, "12", 2);
    text[AMOUNT_MAX_INPUT] = '\0';
    ck_assert_int_eq(parsed(text, 0, 2), 1200);
    /* 1001 bytes are rejected before any scan. */
    text[AMOUNT_MAX_INPUT] = ' ';
    text[AMOUNT_MAX_INPUT + 1] = '\0';
    ck_assert_int_eq(status_of(text, 0, 2), AMOUNT_TOO_LONG);
    /* 1000 zeros and a 1 before the decimal: a long but valid number. */
    memset(text, '0', AMOUNT_MAX_INPUT);
    text[AMOUNT_MAX_INPUT - 1] = '1';
    text[AMOUNT_MAX_INPUT] = '\0';
    ck_assert_int_eq(parsed(text, '.', 2), 100);
}
END_TEST

START_TEST(test_parse_amount_sql_examples)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT parse_amount('1.234,56', ',')", "123456");
    expect_sql(db, "SELECT parse_amount('$ 1,234.56')", "123456");
    expect_sql(db, "SELECT parse_amount('(120.00)')", "-12000");
    expect_sql(db, "SELECT parse_amount('-12,5 EUR', ',')", "-1250");
    expect_sql(db, "SELECT parse_amount('1' || char(160) || '234,56', ',')",
               "123456");
    expect_sql(db, "SELECT parse_amount('1' || char(8239) || '234,56')",
               "123456");
    expect_sql(db, "SELECT parse_amount('1''234.56')", "123456");
    expect_sql(db, "SELECT parse_amount('120.00-')", "-12000");
    expect_sql(db, "SELECT parse_amount('1,234', '.', 0)", "1234");
    expect_sql(db,
               "SELECT parse_amount('JPY 1,500', '.', "
               "currency_digits('JPY'))",
               "1500");
    expect_sql(db, "SELECT parse_amount(7)", "700");
    expect_sql(db, "SELECT typeof(parse_amount('1.00'))", "integer");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_amount_sql_null)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT parse_amount(NULL)", "NULL");
    expect_sql(db, "SELECT parse_amount(NULL, ',')", "NULL");
    expect_sql(db, "SELECT parse_amount(NULL, 'x', 9)", "NULL");
    /* A NULL separator means "infer it", as when it is omitted. */
    expect_sql(db, "SELECT parse_amount('1.234,56', NULL)", "123456");
    expect_sql(db, "SELECT parse_amount('12.34', NULL, 2)", "1234");
    /* A NULL minor_digits means "from the currency", as when omitted. */
    expect_sql(db, "SELECT parse_amount('12.34', '.', NULL)", "1234");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_amount_sql_errors)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('1,234')",
                     "parse_amount: '1,234' is ambiguous: pass the decimal "
                     "separator, e.g. parse_amount('1,234', '.')");
    expect_sql_error(db, "SELECT parse_amount('1.23.456')",
                     "parse_amount: '1.23.456' has invalid digit grouping; "
                     "use one group separator and 3 digits per group");
    expect_sql_error(db, "SELECT parse_amount('1,234.56', ',')",
                     "parse_amount: '1,234.56' has invalid digit grouping "
                     "for decimal separator ','");
    expect_sql_error(db, "SELECT parse_amount('1.234.567', '.')",
                     "parse_amount: '1.234.567' has more than one decimal "
                     "separator '.'; pass the other separator if '.' groups "
                     "digits");
    expect_sql_error(db, "SELECT parse_amount('12.345', '.')",
                     "parse_amount: '12.345' has more than 2 digits after the "
                     "decimal separator; round it first or pass a larger "
                     "minor_digits (up to 4)");
    expect_sql_error(db, "SELECT parse_amount('')",
                     "parse_amount: '' contains no digits; pass an amount "
                     "such as '1,234.56'");
    expect_sql_error(db, "SELECT parse_amount(' EUR ')",
                     "parse_amount: ' EUR ' contains no digits");
    expect_sql_error(db, "SELECT parse_amount('12 EURO')",
                     "parse_amount: '12 EURO' contains 'EURO', which is not a "
                     "currency; use a 3-letter upper-case code such as EUR");
    expect_sql_error(db, "SELECT parse_amount('12 @')",
                     "parse_amount: '12 @' contains '@', which is not part of "
                     "an amount; remove it");
    expect_sql_error(db, "SELECT parse_amount('-(12)')",
                     "parse_amount: '-(12)' has more than one sign");
    expect_sql_error(db, "SELECT parse_amount('(12')",
                     "parse_amount: '(12' has unbalanced parentheses");
    expect_sql_error(db, "SELECT parse_amount('$12 USD')",
                     "parse_amount: '$12 USD' has more than one currency");
    expect_sql_error(db, "SELECT parse_amount('12 - 34')",
                     "parse_amount: '12 - 34' contains more than one number");
    expect_sql_error(db, "SELECT parse_amount('92233720368547758.08')",
                     "parse_amount: '92233720368547758.08' is too large for a "
                     "64-bit integer of minor units");
    sqlite3_close(db);
}
END_TEST

/* A REAL has lost digits before parse_amount sees it: 12345678901234.56
** has 16 significant digits, and SQLite renders the double as
** 12345678901234.6. As text the same amount is exact: 1234567890123456
** cents. */
START_TEST(test_parse_amount_sql_real_rejected)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount(12345678901234.56)",
                     "parse_amount: 12345678901234.6 is a REAL, which may "
                     "have lost digits; pass the amount as text");
    expect_sql_error(db, "SELECT parse_amount(12.5, '.', 2)",
                     "parse_amount: 12.5 is a REAL");
    expect_sql(db, "SELECT parse_amount('12345678901234.56')",
               "1234567890123456");
    sqlite3_close(db);
}
END_TEST

/* The code in the text sets minor_digits when it is omitted or NULL (ISO
** 4217: JPY 0, KWD 3, EUR 2); a given minor_digits must agree with it. */
START_TEST(test_parse_amount_sql_currency_code)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT parse_amount('1234 JPY')", "1234");
    expect_sql(db, "SELECT parse_amount('KWD 1.5', NULL, NULL)", "1500");
    expect_sql(db, "SELECT parse_amount('1234 EUR', NULL, 2)", "123400");
    expect_sql_error(db, "SELECT parse_amount('1234 EUR', NULL, 0)",
                     "parse_amount: '1234 EUR' names EUR, which has 2 minor "
                     "digits, but minor_digits is 0; pass NULL as "
                     "minor_digits to use the currency's digits");
    expect_sql_error(db, "SELECT parse_amount('12.5 JPY')",
                     "parse_amount: '12.5 JPY' has more than 0 digits after "
                     "the decimal separator");
    sqlite3_close(db);
}
END_TEST

/* A separator with no digit after it is named as such, not as a stray
** character. */
START_TEST(test_parse_amount_sql_trailing_separator)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('5.')",
                     "parse_amount: '5.' has no digits after the separator "
                     "'.'; write the decimals, as in '5.00', or drop the "
                     "separator");
    expect_sql_error(db, "SELECT parse_amount('-12, EUR')",
                     "parse_amount: '-12, EUR' has no digits after the "
                     "separator ','");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_amount_sql_bad_arguments)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('12', ';')",
                     "parse_amount: decimal separator ';' is not valid; use "
                     "'.' or ',', or NULL to infer it");
    expect_sql_error(db, "SELECT parse_amount('12', '')",
                     "parse_amount: decimal separator '' is not valid");
    expect_sql_error(db, "SELECT parse_amount('12', '.,')",
                     "parse_amount: decimal separator '.,' is not valid");
    expect_sql_error(db, "SELECT parse_amount('12', '.', 5)",
                     "parse_amount: minor_digits '5' is not valid; use a "
                     "whole number from 0 to 4");
    expect_sql_error(db, "SELECT parse_amount('12', '.', -1)",
                     "parse_amount: minor_digits '-1' is not valid");
    expect_sql_error(db, "SELECT parse_amount('12', '.', 1.5)",
                     "parse_amount: minor_digits '1.5' is not valid");
    expect_sql_error(db, "SELECT parse_amount('12', '.', 'two')",
                     "parse_amount: minor_digits 'two' is not valid");
    expect_sql(db,
               "SELECT parse_amount('12', '.', '3'), "
               "parse_amount('12', '.', 4.0)",
               "12000|120000");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_parse_amount_sql_hostile_text)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount(CAST(X'3132FF' AS TEXT))",
                     "parse_amount: '12?' is not valid UTF-8; fix the "
                     "encoding of the input");
    expect_sql_error(db, "SELECT parse_amount(X'31320035')",
                     "parse_amount: '12?5' contains '?', which is not part "
                     "of an amount");
    expect_sql_error(db,
                     "SELECT parse_amount(replace(hex(zeroblob(50000)), "
                     "'00', '1'))",
                     "...' is longer than 1000 bytes; pass one amount per "
                     "value");
    expect_sql_error(db, "SELECT parse_amount('\xEF\xBC\x91\xEF\xBC\x92')",
                     "parse_amount: '\xEF\xBC\x91\xEF\xBC\x92' contains "
                     "'\xEF\xBC\x91', which is not part of an amount");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_currency_digits_sql_codes)
{
    sqlite3 *db = harness_open();

    /* ISO 4217 minor units: JPY 0, EUR 2, KWD 3, CLF 4. */
    expect_sql(db,
               "SELECT currency_digits('JPY'), currency_digits('EUR'), "
               "currency_digits('KWD'), currency_digits('CLF'), "
               "currency_digits(NULL)",
               "0|2|3|4|NULL");
    expect_sql_error(db, "SELECT currency_digits('eur')",
                     "currency_digits: 'eur' is not an ISO 4217 currency "
                     "code; pass three upper-case letters such as 'EUR'");
    expect_sql_error(db, "SELECT currency_digits('EURO')",
                     "currency_digits: 'EURO' is not an ISO 4217");
    expect_sql_error(db, "SELECT currency_digits('')",
                     "currency_digits: '' is not an ISO 4217");
    expect_sql_error(db, "SELECT currency_digits(CAST(X'45555200' AS TEXT))",
                     "currency_digits: 'EUR?' is not an ISO 4217");
    sqlite3_close(db);
}
END_TEST

/* DETERMINISTIC lets an index use the functions; INNOCUOUS lets a CHECK
** constraint call them while trusted_schema is off. */
START_TEST(test_amount_sql_flags_allow_schema_use)
{
    sqlite3 *db = harness_open();

    harness_exec(db, "PRAGMA trusted_schema = OFF;"
                     "CREATE TABLE lines (amount TEXT, currency TEXT,"
                     "  CHECK (parse_amount(amount, NULL,"
                     "         currency_digits(currency)) IS NOT NULL));"
                     "CREATE INDEX lines_cents_idx"
                     "  ON lines (parse_amount(amount));"
                     "INSERT INTO lines VALUES ('1,234.50', 'USD');");
    expect_sql(db, "SELECT parse_amount(amount) FROM lines", "123450");
    expect_sql_error(db, "INSERT INTO lines VALUES ('1,234', 'USD')",
                     "parse_amount: '1,234' is ambiguous");
    sqlite3_close(db);
}
END_TEST

/* Every InvoiceAmount of the IBM sample (column 7, dot decimal, 0 to 2
** decimals) parses, and the total matches Python's Decimal sum 147703.18. */
START_TEST(test_parse_amount_ibm_sample)
{
    sqlite3 *db = harness_open();
    FILE *f = fopen("../demo/data/ibm-accounts-receivable.csv", "rb");
    sqlite3_stmt *insert = NULL;
    char line[512];

    ck_assert_ptr_nonnull(f);
    harness_exec(db, "CREATE TABLE amounts (text TEXT)");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO amounts VALUES (?)",
                                        -1, &insert, NULL),
                     SQLITE_OK);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), f)); /* the header */
    while (fgets(line, sizeof(line), f) != NULL) {
        char *field = line;
        int column;

        for (column = 0; column < 6 && field != NULL; column++) {
            field = strchr(field, ',');
            field = field ? field + 1 : NULL;
        }
        ck_assert_ptr_nonnull(field);
        ck_assert_int_eq(sqlite3_bind_text(insert, 1, field,
                                           (int)strcspn(field, ","),
                                           SQLITE_TRANSIENT),
                         SQLITE_OK);
        ck_assert_int_eq(sqlite3_step(insert), SQLITE_DONE);
        ck_assert_int_eq(sqlite3_reset(insert), SQLITE_OK);
    }
    fclose(f);
    sqlite3_finalize(insert);
    expect_sql(db, "SELECT count(*), sum(parse_amount(text)) FROM amounts",
               "2466|14770318");
    sqlite3_close(db);
}
END_TEST

Suite *amount_suite(void)
{
    Suite *s = suite_create("amount");
    TCase *core = tcase_create("core");
    TCase *sql = tcase_create("sql");

    tcase_add_test(core, test_amount_parse_common_forms);
    tcase_add_test(core, test_amount_parse_infers_separator);
    tcase_add_test(core, test_amount_parse_ambiguous);
    tcase_add_test(core, test_amount_parse_explicit_separator);
    tcase_add_test(core, test_amount_parse_minor_digits);
    tcase_add_test(core, test_amount_parse_currency_digits);
    tcase_add_test(core, test_amount_parse_signs);
    tcase_add_test(core, test_amount_parse_currencies);
    tcase_add_test(core, test_amount_parse_bad_grouping);
    tcase_add_test(core, test_amount_parse_malformed);
    tcase_add_test(core, test_amount_parse_invalid_utf8);
    tcase_add_test(core, test_amount_parse_error_offsets);
    tcase_add_test(core, test_amount_parse_embedded_nul);
    tcase_add_test(core, test_amount_parse_int64_limits);
    tcase_add_test(core, test_amount_parse_length_limit);
    suite_add_tcase(s, core);

    tcase_add_test(sql, test_parse_amount_sql_examples);
    tcase_add_test(sql, test_parse_amount_sql_null);
    tcase_add_test(sql, test_parse_amount_sql_errors);
    tcase_add_test(sql, test_parse_amount_sql_real_rejected);
    tcase_add_test(sql, test_parse_amount_sql_currency_code);
    tcase_add_test(sql, test_parse_amount_sql_trailing_separator);
    tcase_add_test(sql, test_parse_amount_sql_bad_arguments);
    tcase_add_test(sql, test_parse_amount_sql_hostile_text);
    tcase_add_test(sql, test_currency_digits_sql_codes);
    tcase_add_test(sql, test_amount_sql_flags_allow_schema_use);
    tcase_add_test(sql, test_parse_amount_ibm_sample);
    suite_add_tcase(s, sql);
    return s;
}
