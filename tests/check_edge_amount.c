/*
** Edge cases of parse_amount that the amount suite leaves out: control
** whitespace around the number, currency symbols followed by letters,
** parentheses after the number, mixed group separators and overflow.
** Amounts are in minor units, 2 digits unless the text names a currency with other minor digits.
*/
#include "harness.h"

/* Tab and line feed around the number are blanks: 12.34 is 1234. */
START_TEST(test_parse_amount_control_blanks)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT parse_amount(char(9) || '12.34' || char(10))", "1234");
    sqlite3_close(db);
}
END_TEST

/* A symbol may stand alone, never joined to letters: '$EU' and '$ABCD' are
** no currency. The euro sign U+20AC is a symbol: 12.50 is 1250. */
START_TEST(test_parse_amount_symbol_with_letters)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('$ABCD 5')",
                     "parse_amount: '$ABCD 5' contains '$ABCD', which is not "
                     "a currency");
    expect_sql_error(db, "SELECT parse_amount('$EU 5')",
                     "parse_amount: '$EU 5' contains '$EU', which is not a "
                     "currency");
    expect_sql(db, "SELECT parse_amount('\xe2\x82\xac 12.50')", "1250");
    sqlite3_close(db);
}
END_TEST

/* '(' must open before the number, as in '(120.00)'. */
START_TEST(test_parse_amount_paren_after_number)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('5 (3)')",
                     "parse_amount: '5 (3)' has unbalanced parentheses");
    sqlite3_close(db);
}
END_TEST

/* One number uses one group separator: ',' then ' ' is rejected. With ','
** as decimal separator, 1.234.567,8 is 1234567.8, so 123456780 cents. */
START_TEST(test_parse_amount_group_separators)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('1,234 567')",
                     "parse_amount: '1,234 567' has invalid digit grouping");
    expect_sql(db, "SELECT parse_amount('1.234.567,8', ',')", "123456780");
    sqlite3_close(db);
}
END_TEST

/* 10^20 - 1 units of 100 cents is far past 2^63 - 1. */
START_TEST(test_parse_amount_overflow)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT parse_amount('99999999999999999999')",
                     "parse_amount: '99999999999999999999' is too large for "
                     "a 64-bit integer of minor units");
    sqlite3_close(db);
}
END_TEST

Suite *edge_amount_suite(void)
{
    Suite *s = suite_create("edge_amount");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_test(core, test_parse_amount_control_blanks);
    tcase_add_test(core, test_parse_amount_group_separators);
    tcase_add_test(errors, test_parse_amount_symbol_with_letters);
    tcase_add_test(errors, test_parse_amount_paren_after_number);
    tcase_add_test(errors, test_parse_amount_overflow);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
