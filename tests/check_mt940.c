/*
** The MT940/MT942 reader of bank_statement (ext/statement_mt940.c and
** ext/statement_mt940_narrative.c) on every sample of
** tests/data/statements/mt940/.
**
** The samples and their .yml files come from the test suite of
** python-mt940 (licences beside them). Expected counts, amounts and dates
** below were extracted from those .yml files by a script (PyYAML reading
** the pickled transactions, amounts times 100) and pasted as literals.
** Where this reader disagrees with a .yml, the test says why:
**   - python-mt940 gives RC (reversal of a credit) a positive amount. A
**     reversed credit takes money out, so this reader makes it negative:
**     betterplace/sepa_mt9401.sta has two RC entries of 204.88, so its
**     total is 2 * 2 * 204.88 EUR lower than the .yml total.
**   - self-provided/february_30.sta, transaction_details_wrapped.sta and
**     wrapped_timestamp.sta book on 30 February 2016 (value date 160230).
**     Their .yml moves it to 2016-02-29; this reader rejects the date.
**   - Snippets with a :61: but no currency anywhere (empty_entry_date,
**     statement_details, statement_line, sparkassen) are rejected: the
**     .yml reads their amounts without a currency, and this reader does
**     not guess the number of decimals.
*/
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

#define MT940_DIR "data/statements/mt940/"

/* A sample that reads: entries, their signed total in minor units, and the
** value date of the first and last entry (NULL for none). */
struct mt940_sample {
    const char *path;
    int count;
    long long total_cents;
    const char *first_value_date;
    const char *last_value_date;
};

/* Extracted from the .yml of python-mt940's test suite (see the header). */
static const struct mt940_sample mt940_samples[] = {
    {"betterplace/amount_formats.sta", 0, 0LL, NULL, NULL},
    {"betterplace/currency_in_25.sta", 0, 0LL, NULL, NULL},
    {"betterplace/empty_86.sta", 0, 0LL, NULL, NULL},
    {"betterplace/empty_line.sta", 0, 0LL, NULL, NULL},
    {"betterplace/missing_crlf_at_end.sta", 0, 0LL, NULL, NULL},
    {"betterplace/sepa_mt9401.sta", 97, -926913590LL /* RC: see the header */,
     "2007-09-04", "2007-09-04"},
    {"betterplace/sepa_snippet.sta", 11, -214332339LL, "2007-09-07",
     "2007-09-04"},
    {"betterplace/sepa_snippet_broken.sta", 1, 5099005LL, "2007-09-07",
     "2007-09-07"},
    {"betterplace/with_binary_character.sta", 4, -17906675LL, "2010-03-19",
     "2010-03-22"},
    {"cmxl/account_balance_credit.sta", 0, 0LL, NULL, NULL},
    {"cmxl/account_balance_debit.sta", 0, 0LL, NULL, NULL},
    {"cmxl/account_identification_iban.sta", 0, 0LL, NULL, NULL},
    {"cmxl/account_identification_legacy.sta", 0, 0LL, NULL, NULL},
    {"cmxl/available_balance.sta", 0, 0LL, NULL, NULL},
    {"cmxl/closing_balance.sta", 0, 0LL, NULL, NULL},
    {"cmxl/mt940.sta", 16, 1232730LL, "2013-10-17", "2003-10-20"},
    {"cmxl/reference.sta", 0, 0LL, NULL, NULL},
    {"cmxl/statement_number.sta", 0, 0LL, NULL, NULL},
    {"jejik/abnamro.sta", 10, -34593LL, "2011-05-24", "2011-05-24"},
    {"jejik/generic.sta", 2, -2000LL, "2011-01-01", "2011-02-01"},
    {"jejik/ing.sta", 7, -4559LL, "2010-07-22", "2010-07-23"},
    {"jejik/knab.sta", 3, -626000LL, "2014-05-07", "2014-07-29"},
    {"jejik/postfinance.sta", 4, 15940LL, "2013-12-09", "2013-12-18"},
    {"jejik/rabobank-iban.sta", 4, -7000LL, "2013-01-01", "2013-01-09"},
    {"jejik/rabobank.sta", 5, -158909LL, "2011-05-27", "2012-08-29"},
    {"jejik/sns.sta", 2, -2500LL, "2012-06-07", "2012-06-08"},
    {"jejik/triodos.sta", 2, -71570LL, "2011-01-01", "2011-01-25"},
    {"mBank/mt940.sta", 3, 3LL, "2017-01-19", "2017-01-19"},
    {"mBank/mt942.sta", 3, 3LL, "2017-01-19", "2017-01-19"},
    {"mBank/with_newline_in_tnr.sta", 2, 8900LL, "2017-02-01", "2017-02-01"},
    {"sberbank/171011_01234945.sta", 3, -943700LL, "2017-10-11", "2017-10-11"},
    {"self-provided/account_identification.sta", 0, 0LL, NULL, NULL},
    {"self-provided/details_60-63.sta", 1, -23315LL, "2017-09-14",
     "2017-09-14"},
    {"self-provided/empty_non_swift.sta", 0, 0LL, NULL, NULL},
    {"self-provided/gv_codes.sta", 2, -25745LL, "2017-09-14", "2019-10-25"},
    {"self-provided/long_statement_number.sta", 0, 0LL, NULL, NULL},
    {"self-provided/malformed_details.sta", 1, -23315LL, "2017-09-14",
     "2017-09-14"},
    {"self-provided/mt942.sta", 1, -42LL, "2016-10-30", "2016-10-30"},
    {"self-provided/multiline.sta", 2, 11400LL, "2004-08-04", "2022-12-19"},
    {"self-provided/overly_long_details.sta", 1, -23315LL, "2017-09-14",
     "2017-09-14"},
    {"self-provided/raiffeisen-cmi.sta", 7, -101221350LL, "2018-04-17",
     "2018-04-17"},
    {"self-provided/raphaelm.sta", 9, 9500000LL, "2002-03-17", "2002-03-24"},
    {"self-provided/whitespace.sta", 1, -23315LL, "2017-09-14", "2017-09-14"},
    /* No .yml: read off the files by hand. ASNB: 8 entries over its
    ** statements, whose balances run from 444.29 to 501.23 EUR. Citi: three
    ** debits 212.39 + 369.28 + 561.08 and two credits of 0.00. */
    {"ASNB/mt940.txt", 8, 5694LL, "2020-01-01", "2020-01-31"},
    {"ASNB/mt940_with_spaces_for_entry_date.txt", 8, 5694LL, "2020-01-01",
     "2020-01-31"},
    {"citi/mt940.txt", 5, -114275LL, "2024-03-12", "2024-03-12"},
};

/* Files that fail, with the part of the message naming the line. The
** first four have no currency; february_30 books on a day that does not
** exist; invalid_statement holds only numbers, so no format matches. */
static const struct {
    const char *path;
    const char *message;
} mt940_failures[] = {
    {"betterplace/empty_entry_date.sta",
     "empty_entry_date.sta': line 1: :61: no currency for the amount"},
    {"cmxl/statement_details.sta",
     "statement_details.sta': line 1: :61: no currency for the amount"},
    {"cmxl/statement_line.sta",
     "statement_line.sta': line 1: :61: no currency for the amount"},
    {"self-provided/sparkassen.sta",
     "sparkassen.sta': line 1: :61: no currency for the amount"},
    {"self-provided/february_30.sta",
     "february_30.sta': line 6: :61: value date 160230 does not exist"},
    {"self-provided/transaction_details_wrapped.sta",
     "transaction_details_wrapped.sta': line 6: :61: value date 160230 does "
     "not exist"},
    {"self-provided/wrapped_timestamp.sta",
     "wrapped_timestamp.sta': line 5: :61: value date 160230 does not exist"},
    {"self-provided/invalid_statement.sta",
     "invalid_statement.sta': cannot tell the file format"},
};

#define N_SAMPLES ((int)(sizeof(mt940_samples) / sizeof(*mt940_samples)))
#define N_FAILURES ((int)(sizeof(mt940_failures) / sizeof(*mt940_failures)))

START_TEST(test_bank_statement_mt940_samples)
{
    const struct mt940_sample *sample = &mt940_samples[_i];
    sqlite3 *db = harness_open();
    char sql[512];
    char expected[256];

    snprintf(sql, sizeof(sql),
             "SELECT count(*), coalesce(sum(amount_cents), 0),"
             " (SELECT value_date FROM bank_statement('%s%s')"
             "  ORDER BY entry_index LIMIT 1),"
             " (SELECT value_date FROM bank_statement('%s%s')"
             "  ORDER BY entry_index DESC LIMIT 1)"
             " FROM bank_statement('%s%s')",
             MT940_DIR, sample->path, MT940_DIR, sample->path, MT940_DIR,
             sample->path);
    snprintf(expected, sizeof(expected), "%d|%lld|%s|%s", sample->count,
             sample->total_cents,
             sample->first_value_date ? sample->first_value_date : "NULL",
             sample->last_value_date ? sample->last_value_date : "NULL");
    expect_sql(db, sql, expected);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_bank_statement_mt940_failures)
{
    sqlite3 *db = harness_open();
    char sql[256];

    snprintf(sql, sizeof(sql), "SELECT * FROM bank_statement('%s%s')",
             MT940_DIR, mt940_failures[_i].path);
    expect_sql_error(db, sql, mt940_failures[_i].message);
    sqlite3_close(db);
}
END_TEST

/* Every .sta and .txt sample is in one of the two tables. */
START_TEST(test_bank_statement_mt940_every_sample_listed)
{
    ck_assert_int_eq(N_SAMPLES + N_FAILURES, 54);
}
END_TEST

/* Memo, counterparty and references of German structured narratives;
** expected values are the purpose, applicant_name, applicant_iban and
** bank_reference of the .yml (its 2nd and 8th transaction). */
START_TEST(test_bank_statement_mt940_german_narrative)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT memo, counterparty_name, counterparty_account,"
               " bank_txn_id FROM bank_statement('" MT940_DIR
               "betterplace/sepa_snippet.sta') WHERE entry_index IN (2, 8)",
               "Strukturierter Verwendungszweck 30030004 DE|Quentin Quast|"
               "DE03508800500194791600|0724710324647450\n"
               "TO 13 TFNr 20001 Eingangskanal Mint Unstrukturierter "
               "Verwendungszweck 140 Zeichen Beginn Fuellzeichen "
               "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx|Richter Renate 70 "
               "Zeichen Beginn Fuellzeichen xxxxxxxx|DE42100100100043921105|"
               "0724710290659857");
    /* EREF+ of the 8th entry read off the file: ?20EREF+EndToEndIdTFNR2
    ** continued by ?210001 and more digits. */
    expect_sql(
        db,
        "SELECT end_to_end_id, structured_ref FROM bank_statement('" MT940_DIR
        "betterplace/sepa_snippet.sta') WHERE entry_index = 8",
        "EndToEndIdTFNR2000100001|EndToEndIdTFNR2000100001");
    sqlite3_close(db);
}
END_TEST

/* Dutch slash codes: /NAME/ and /REMI/ of the .yml's 2nd transaction. */
START_TEST(test_bank_statement_mt940_slash_narrative)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT memo, counterparty_name, amount_cents FROM "
               "bank_statement('" MT940_DIR "jejik/rabobank-iban.sta')"
               " WHERE entry_index = 2",
               "Reference 201301234|JOHN DOE|-1000");
    sqlite3_close(db);
}
END_TEST

/* Free text lines join with ' '; NONREF gives no bank_txn_id. */
START_TEST(test_bank_statement_mt940_free_text)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT memo, bank_txn_id, booking_date, status FROM "
               "bank_statement('" MT940_DIR "jejik/ing.sta') LIMIT 1",
               "RC AFREKENING BETALINGSVERKEER BETREFT REKENING 4715589 "
               "PERIODE: 01-10-2010 / 31-12-2010 ING Bank N.V. tarifering "
               "ING|NULL|NULL|booked");
    sqlite3_close(db);
}
END_TEST

/* MT942: entries pending and the format reported as mt942; the .yml gives
** three credits of 0.01 PLN. */
START_TEST(test_bank_statement_mt940_mt942_pending)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT format, status, amount_cents, currency, booking_date,"
               " bank_txn_id FROM bank_statement('" MT940_DIR
               "mBank/mt942.sta') LIMIT 1",
               "mt942|pending|1|PLN|2017-01-19|MB170119012058");
    sqlite3_close(db);
}
END_TEST

/* Balances: ING opens at 0.00, its entries total -45.59 and it closes at
** 3.47 EUR, as the .yml's balances and amounts say, so it is not
** balanced. jejik/generic holds two statements read off the file:
** 100.00 - 10.00 = 90.00 and 90.00 - 10.00 = 80.00, both balanced. */
START_TEST(test_bank_statement_mt940_balances)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT statement_id, account, currency, opening_date,"
               " opening_balance_cents, entries_total_cents,"
               " closing_balance_cents, balanced FROM "
               "bank_statement_balances('" MT940_DIR "jejik/ing.sta')",
               "MPBZ|0001234567|EUR|2010-07-22|0|-4559|347|0");
    expect_sql(db,
               "SELECT count(*), sum(balanced) FROM "
               "bank_statement_balances('" MT940_DIR "jejik/generic.sta')",
               "2|2");
    sqlite3_close(db);
}
END_TEST

/* Writes content to a scratch file under /tmp and returns its path. */
static const char *mt940_scratch(const char *name, const char *content)
{
    static char path[128];
    FILE *f;

    snprintf(path, sizeof(path), "/tmp/check_mt940_%d_%s", (int)getpid(), name);
    f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq((int)fwrite(content, 1, strlen(content), f),
                     (int)strlen(content));
    ck_assert_int_eq(fclose(f), 0);
    return path;
}

/* Runs a query on a scratch file; %s in sql_format is the path. */
static void mt940_expect_file(const char *content, const char *sql_format,
                              const char *expected, int is_error)
{
    sqlite3 *db = harness_open();
    const char *path = mt940_scratch("x.sta", content);
    char sql[512];

    snprintf(sql, sizeof(sql), sql_format, path);
    if (is_error)
        expect_sql_error(db, sql, expected);
    else
        expect_sql(db, sql, expected);
    unlink(path);
    sqlite3_close(db);
}

#define MT940_HEAD                                                             \
    ":20:T1\r\n:25:DE02120300000000202051\r\n:60F:C131230EUR100,00\r\n"

/* CRLF, a booking date in January for a December value date (year + 1),
** RD positive, RC negative, JPY without decimals via the :60F: currency. */
START_TEST(test_bank_statement_mt940_dates_and_signs)
{
    mt940_expect_file(MT940_HEAD ":61:1312310102D1,50NTRFNONREF//B1\r\n"
                                 ":61:131231RD2,NTRFREF2\r\n"
                                 ":61:131231RC0,25NTRFNONREF\r\n"
                                 ":62F:C131231EUR100,25\r\n-\r\n",
                      "SELECT value_date, booking_date, amount_cents,"
                      " bank_txn_id, origin FROM bank_statement('%s')",
                      "2013-12-31|2014-01-02|-150|B1|line 4\n"
                      "2013-12-31|NULL|200|REF2|line 5\n"
                      "2013-12-31|NULL|-25|NULL|line 6",
                      0);
    mt940_expect_file(":20:J\n:60F:C131230JPY100,\n:61:131231C5,NTRF\n",
                      "SELECT amount_cents, currency FROM bank_statement('%s')",
                      "5|JPY", 0);
}
END_TEST

/* Malformed fields name the file, the line and the problem. */
START_TEST(test_bank_statement_mt940_malformed)
{
    mt940_expect_file(MT940_HEAD ":61:131232C1,00NTRF\r\n",
                      "SELECT * FROM bank_statement('%s', 'mt940')",
                      "line 4: :61: value date 131232 does not exist", 1);
    mt940_expect_file(MT940_HEAD ":61:131231X1,00NTRF\r\n",
                      "SELECT * FROM bank_statement('%s', 'mt940')",
                      "line 4: :61: mark 'X1' is not D, C, RD or RC", 1);
    mt940_expect_file(MT940_HEAD ":61:131231C1,005NTRF\r\n",
                      "SELECT * FROM bank_statement('%s', 'mt940')",
                      "line 4: :61: amount '1,005' is not a EUR amount", 1);
    mt940_expect_file(":20:T\n:60F:X131230EUR1,00\n",
                      "SELECT * FROM bank_statement('%s', 'mt940')",
                      "line 2: :60F: balance 'X131230EUR1,00' is not C or D",
                      1);
    mt940_expect_file(":20:T\n:60F:C131230EUR1,00\n:61:131231C1,00NTRF\n"
                      "a\nb\n",
                      "SELECT * FROM bank_statement('%s', 'mt940')",
                      "line 3: :61: has more than 2 lines", 1);
    mt940_expect_file("hello\n", "SELECT * FROM bank_statement('%s', 'mt940')",
                      "no MT940 field found", 1);
    mt940_expect_file(":20:T\n",
                      "SELECT * FROM bank_statement('%s', 'mt940', "
                      "'x=1')",
                      "unknown mt940 option 'x=1'; use 'currency=<ISO 4217 "
                      "code>'",
                      1);
}
END_TEST

/* Latin-1 text (not valid UTF-8) is converted: 0xDC is U+00DC. */
START_TEST(test_bank_statement_mt940_latin1)
{
    mt940_expect_file(":20:T\n:60F:C131230EUR1,00\n:61:131231C1,00NTRF\n"
                      ":86:\xDC"
                      "berweisung\n",
                      "SELECT memo, hex(memo) FROM bank_statement('%s')",
                      "\xC3\x9C"
                      "berweisung|C39C62657277656973756E67",
                      0);
}
END_TEST

Suite *mt940_suite(void)
{
    Suite *s = suite_create("mt940");
    TCase *samples = tcase_create("samples");
    TCase *fields = tcase_create("fields");

    tcase_add_loop_test(samples, test_bank_statement_mt940_samples, 0,
                        N_SAMPLES);
    tcase_add_loop_test(samples, test_bank_statement_mt940_failures, 0,
                        N_FAILURES);
    tcase_add_test(samples, test_bank_statement_mt940_every_sample_listed);
    tcase_add_test(fields, test_bank_statement_mt940_german_narrative);
    tcase_add_test(fields, test_bank_statement_mt940_slash_narrative);
    tcase_add_test(fields, test_bank_statement_mt940_free_text);
    tcase_add_test(fields, test_bank_statement_mt940_mt942_pending);
    tcase_add_test(fields, test_bank_statement_mt940_balances);
    tcase_add_test(fields, test_bank_statement_mt940_dates_and_signs);
    tcase_add_test(fields, test_bank_statement_mt940_malformed);
    tcase_add_test(fields, test_bank_statement_mt940_latin1);
    suite_add_tcase(s, samples);
    suite_add_tcase(s, fields);
    return s;
}
