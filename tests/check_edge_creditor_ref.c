/*
** Edge cases of the creditor reference functions that the creditor_ref
** suite leaves out: twelve bare digits read as Belgian or Finnish, the
** '***' form, malformed Belgian communications and input length limits.
**
** Belgian: the check number is the 10-digit base modulo 97 (97 for 0).
** 0020240042 = 20240042 = 97 * 208660 + 22, so its check number is 22.
** Finnish: weights 7, 3, 1 from the rightmost digit of the base leftwards;
** the check digit is (10 - sum % 10) % 10.
*/
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* 002024004222 checks as Belgian (22), so it is read as Belgian. */
START_TEST(test_creditor_ref_bare_belgian_digits)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT creditor_ref_valid('002024004222'),"
               " creditor_ref_payload('002024004222')",
               "1|0020240042");
    sqlite3_close(db);
}
END_TEST

/* 00202400422 read from the right is 2,2,4,0,0,4,2,0,2,0,0; with weights
** 7,3,1,7,3,1,... the products are 14,6,4,0,0,4,14,0,2,0,0 = 44, so the
** Finnish check digit is 6. 002024004226 fails the Belgian check (26, not
** 22) and is a valid Finnish reference; ...223 is neither. */
START_TEST(test_creditor_ref_twelve_digits_finnish)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT creditor_ref_valid('002024004226'),"
               " creditor_ref_payload('002024004226'),"
               " creditor_ref_valid('002024004223')",
               "1|00202400422|0");
    sqlite3_close(db);
}
END_TEST

/* '***' delimits like '+++'; both ends must match, with exactly 12 digits
** and nothing but '/' between them. */
START_TEST(test_creditor_ref_belgian_shapes)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT creditor_ref_valid('***002/0240/04222***')", "1");
    expect_sql(db, "SELECT creditor_ref_payload('***002/0240/04222***')",
               "0020240042");
    /* Mixed delimiters. */
    expect_sql(db, "SELECT creditor_ref_valid('+++002/0240/04222***')", "0");
    /* 13 digits; a closing '++/'; a letter among the digits; 11 digits. */
    expect_sql(db, "SELECT creditor_ref_valid('+++002/0240/042222+++')", "0");
    expect_sql(db, "SELECT creditor_ref_valid('+++002/0240/0422+++/')", "0");
    expect_sql(db, "SELECT creditor_ref_valid('+++002/0240/0422A+++')", "0");
    expect_sql(db, "SELECT creditor_ref_valid('+++00/2/0240/0422+++')", "0");
    sqlite3_close(db);
}
END_TEST

/* Lower case and tabs are read like upper case and spaces. */
START_TEST(test_creditor_ref_case_and_tabs)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT creditor_ref_valid('rf18' || char(9) || '5390 0754"
               " 7034')",
               "1");
    sqlite3_close(db);
}
END_TEST

/* Over 64 bytes of input is no reference, even when the spaces leave a
** valid one; 39 characters without spaces are too many as well. */
START_TEST(test_creditor_ref_input_limits)
{
    sqlite3 *db = harness_open();
    char sql[200];

    /* RF18 5390 0754 7034 (19 bytes) after 46 spaces: 65 bytes. */
    snprintf(sql, sizeof(sql), "SELECT creditor_ref_valid('%46sRF18 5390 0754"
             " 7034')", "");
    expect_sql(db, sql, "0");
    /* 45 spaces: 64 bytes, still read. */
    snprintf(sql, sizeof(sql), "SELECT creditor_ref_valid('%45sRF18 5390 0754"
             " 7034')", "");
    expect_sql(db, sql, "1");
    expect_sql(db,
               "SELECT creditor_ref_valid('RF18' || replace(hex(zeroblob(18)),"
               " '00', '11'))",
               "0");
    sqlite3_close(db);
}
END_TEST

/* creditor_ref_make rejects what it cannot encode, naming the payload. */
START_TEST(test_creditor_ref_make_limits)
{
    sqlite3 *db = harness_open();

    /* RF: 22 characters is one too many, punctuation is not allowed. */
    expect_sql_error(db,
                     "SELECT creditor_ref_make('rf', '1234567890123456789012')",
                     "creditor_ref_make: payload '1234567890123456789012' is "
                     "not 1 to 21 letters or digits");
    expect_sql_error(db, "SELECT creditor_ref_make('rf', '12/34')",
                     "payload '12/34' is not 1 to 21 letters or digits");
    expect_sql_error(db, "SELECT creditor_ref_make('rf', '')",
                     "payload '' is not 1 to 21 letters or digits");
    /* Finnish: 2 digits is too short. */
    expect_sql_error(db, "SELECT creditor_ref_make('fi', '12')",
                     "payload '12' is not 3 to 19 digits");
    /* Belgian: 11 digits is too long. */
    expect_sql_error(db, "SELECT creditor_ref_make('be', '12345678901')",
                     "payload '12345678901' is not 1 to 10 digits");
    /* 1 pads to 0000000001, which is 1 modulo 97: +++000/0000/00101+++. */
    expect_sql(db, "SELECT creditor_ref_make('BE', '1')",
               "+++000/0000/00101+++");
    /* 97 is 0 modulo 97, and the check number is then 97. */
    expect_sql(db, "SELECT creditor_ref_make('be', '97')",
               "+++000/0000/09797+++");
    sqlite3_close(db);
}
END_TEST

Suite *edge_creditor_ref_suite(void)
{
    Suite *s = suite_create("edge_creditor_ref");
    TCase *core = tcase_create("core");
    TCase *limits = tcase_create("limits");

    tcase_add_test(core, test_creditor_ref_bare_belgian_digits);
    tcase_add_test(core, test_creditor_ref_twelve_digits_finnish);
    tcase_add_test(core, test_creditor_ref_belgian_shapes);
    tcase_add_test(core, test_creditor_ref_case_and_tabs);
    tcase_add_test(limits, test_creditor_ref_input_limits);
    tcase_add_test(limits, test_creditor_ref_make_limits);
    suite_add_tcase(s, core);
    suite_add_tcase(s, limits);
    return s;
}
