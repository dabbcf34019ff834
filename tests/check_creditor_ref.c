/*
** Structured creditor references: ISO 11649 RF, the Finnish reference and
** the Belgian structured communication, through SQL and the C core.
**
** Expected check digits were worked out with Python's integers (letters
** read as 10..35, then int(...) % 97) and, for the Finnish weights, by hand.
*/
#include <string.h>

#include "creditor_ref.h"
#include "harness.h"

/* The example of ISO 11649: RF18 5390 0754 7034. 539007547034 followed by
** R=27 F=15 18 is 539007547034271518, which is 1 modulo 97. */
START_TEST(test_creditor_ref_valid_iso_example)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT creditor_ref_valid('RF18 5390 0754 7034')", "1");
    expect_sql(db, "SELECT creditor_ref_valid('rf18539007547034')", "1");
    expect_sql(db, "SELECT creditor_ref_payload('RF18 5390 0754 7034')",
               "539007547034");
    sqlite3_close(db);
}
END_TEST

/* One check digit off (19 for 18) leaves remainder 2, not 1. */
START_TEST(test_creditor_ref_invalid_check_digits)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT creditor_ref_valid('RF19 5390 0754 7034')", "0");
    expect_sql(db, "SELECT creditor_ref_payload('RF19 5390 0754 7034')",
               "NULL");
    expect_sql(db,
               "SELECT creditor_ref_valid('RF18'), creditor_ref_valid('hello')",
               "0|0");
    sqlite3_close(db);
}
END_TEST

/* 'F20240042' + 'RF00' read as digits is 1520240042271500; modulo 97 that
** is 28, and 98 - 28 = 70. */
START_TEST(test_creditor_ref_make_rf)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT creditor_ref_make('rf', 'F20240042')",
               "RF70F20240042");
    expect_sql(db, "SELECT creditor_ref_make('RF', 'f2024 0042')",
               "RF70F20240042");
    expect_sql(db, "SELECT creditor_ref_valid(creditor_ref_make('rf', 'X1'))",
               "1");
    sqlite3_close(db);
}
END_TEST

/* Finnish 1234561: weights 7,3,1 from the right give 1*7 + 6*3 + 5*1 +
** 4*7 + 3*3 + 2*1 + 1*7 = 76; the check digit is (10 - 6) % 10 = 4. */
START_TEST(test_creditor_ref_finnish)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT creditor_ref_make('fi', '1234561')", "12345614");
    expect_sql(db, "SELECT creditor_ref_valid('12345614')", "1");
    expect_sql(db, "SELECT creditor_ref_valid('1234 5614')", "1");
    expect_sql(db, "SELECT creditor_ref_valid('12345615')", "0");
    expect_sql(db, "SELECT creditor_ref_payload('12345614')", "1234561");
    ck_assert_int_eq(creditor_ref_fi_check_digit("1234561", 7), 4);
    ck_assert_int_eq(creditor_ref_fi_check_digit("12", 2), -1);
    sqlite3_close(db);
}
END_TEST

/* Belgian 0020240042: 20240042 = 97 * 208660 + 22, so the check is 22.
** A number divisible by 97 (97 itself) gets 97, never 00. */
START_TEST(test_creditor_ref_belgian)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT creditor_ref_make('be', '20240042')",
               "+++002/0240/04222+++");
    expect_sql(db, "SELECT creditor_ref_valid('+++002/0240/04222+++')", "1");
    expect_sql(db, "SELECT creditor_ref_valid('***002/0240/04222***')", "1");
    expect_sql(db, "SELECT creditor_ref_valid('+++002/0240/04223+++')", "0");
    expect_sql(db, "SELECT creditor_ref_make('be', '97')",
               "+++000/0000/09797+++");
    ck_assert_int_eq(creditor_ref_be_check("0000000097"), 97);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_creditor_ref_parse_shapes)
{
    struct creditor_ref ref;

    ck_assert_int_eq(creditor_ref_parse("RF18 5390 0754 7034", 19, 0, &ref), 1);
    ck_assert_int_eq(ref.scheme, CREDITOR_REF_RF);
    ck_assert_int_eq(ref.valid, 1);
    ck_assert_str_eq(ref.payload, "539007547034");
    /* Bare digits are a reference only when asked for. */
    ck_assert_int_eq(creditor_ref_parse("12345614", 8, 0, &ref), 0);
    ck_assert_int_eq(creditor_ref_parse("12345614", 8, 1, &ref), 1);
    ck_assert_int_eq(ref.scheme, CREDITOR_REF_FINNISH);
    ck_assert_int_eq(creditor_ref_parse("RF18-5390", 9, 1, &ref), 0);
}
END_TEST

START_TEST(test_creditor_ref_make_errors)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT creditor_ref_make('xx', '1')",
                     "creditor_ref_make: unknown scheme 'xx'");
    expect_sql_error(db, "SELECT creditor_ref_make('fi', '12')",
                     "creditor_ref_make: payload '12' is not 3 to 19 digits");
    expect_sql_error(
        db, "SELECT creditor_ref_make('rf', 'A-B')",
        "creditor_ref_make: payload 'A-B' is not 1 to 21 letters or digits");
    expect_sql_error(db, "SELECT creditor_ref_make('be', '12345678901')",
                     "is not 1 to 10 digits");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_creditor_ref_null)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT creditor_ref_valid(NULL), creditor_ref_payload(NULL), "
               "creditor_ref_make(NULL, '1'), creditor_ref_make('rf', NULL)",
               "NULL|NULL|NULL|NULL");
    sqlite3_close(db);
}
END_TEST

Suite *creditor_ref_suite(void)
{
    Suite *s = suite_create("creditor_ref");
    TCase *core = tcase_create("core");
    TCase *errors = tcase_create("errors");

    tcase_add_test(core, test_creditor_ref_valid_iso_example);
    tcase_add_test(core, test_creditor_ref_invalid_check_digits);
    tcase_add_test(core, test_creditor_ref_make_rf);
    tcase_add_test(core, test_creditor_ref_finnish);
    tcase_add_test(core, test_creditor_ref_belgian);
    tcase_add_test(core, test_creditor_ref_parse_shapes);
    tcase_add_test(errors, test_creditor_ref_make_errors);
    tcase_add_test(errors, test_creditor_ref_null);
    suite_add_tcase(s, core);
    suite_add_tcase(s, errors);
    return s;
}
