/*
** Bad and unusual input found by trying the extension as a new user would:
** CSV options and files, and structured references in reconciliation.
** Each file is written into a fresh mkdtemp directory and removed after
** the test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* With header=no the first row is data, so a column given by name has
** nothing to be looked up in. Matched against that row, memo=ACME would
** pick column 3 only because the first payee is ACME, and every payee
** would become the memo. The load must fail and request a column number. */
START_TEST(test_csv_no_header_rejects_column_name)
{
    struct harness_file f;

    harness_file_write_text(&f, "s.csv",
                            "2024-01-02,1.00,ACME\n2024-01-03,2.00,Other\n");
    expect_file_sql_error(
        &f,
        "SELECT count(*) FROM bank_statement('%q', 'csv',"
        " 'header=no,date=1,amount=2,memo=ACME,currency=EUR')",
        "header=no");
    expect_file_sql_error(
        &f,
        "SELECT count(*) FROM bank_statement('%q', 'csv',"
        " 'header=no,date=1,amount=2,memo=ACME,currency=EUR')",
        "memo='ACME'");
    /* The same file read by column number: 100 and 200 cents. */
    expect_file_sql(&f,
                    "SELECT amount_cents, memo FROM bank_statement('%q', 'csv',"
                    " 'header=no,date=1,amount=2,memo=3,currency=EUR')",
                    "100|ACME\n200|Other");
    harness_file_remove(&f);
}
END_TEST

/* Spreadsheets save "Unicode text" as UTF-16 with a byte-order mark:
** FF FE for little-endian, FE FF for big-endian. Such a file is no
** ISO 8859-1 either, so the error must not suggest encoding=latin1 (which
** then fails on the NUL bytes) but name UTF-16 and ask for UTF-8. */
START_TEST(test_csv_utf16_file_named)
{
    /* "date,amount\n" and "2024-01-02,1\n" in UTF-16LE, then in UTF-16BE. */
    static const char little[] =
        "\xFF\xFE"
        "d\0a\0t\0e\0,\0a\0m\0o\0u\0n\0t\0\n\0"
        "2\0000\0002\0004\0-\0000\0001\0-\0000\0002\0,\0001\0\n\0";
    static const char big[] =
        "\xFE\xFF"
        "\0d\0a\0t\0e\0,\0a\0m\0o\0u\0n\0t\0\n"
        "\0002\0000\0002\0004\0-\0000\0001\0-\0000\0002\0,\0001\0\n";
    const char *sql = "SELECT count(*) FROM bank_statement('%q', 'csv',"
                      " 'date=date,amount=amount,currency=EUR')";
    struct harness_file f;

    harness_file_write(&f, "le.csv", little, sizeof(little) - 1);
    expect_file_sql_error(&f, sql, "line 1: the file is UTF-16");
    expect_file_sql_error(&f, sql, "UTF-8");
    harness_file_remove(&f);
    harness_file_write(&f, "be.csv", big, sizeof(big) - 1);
    expect_file_sql_error(&f, sql, "line 1: the file is UTF-16");
    harness_file_remove(&f);
}
END_TEST

/* Two EUR invoices of different customers: 'RF2013001' (200.00) and
** '13001' (111.00). 'RF2013001' is itself a valid RF reference (check
** digits 20, payload 13001, and 13001271520 mod 97 is 1), so it names both. */
static sqlite3 *tester_open_rf_ledger(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(
        db, "UPDATE settings SET as_of = '2024-03-31', currency = 'EUR';"
            "INSERT INTO customers (customer_id, code, name) VALUES"
            " (1, 'GLOBEX', 'Globex Corporation'),"
            " (2, 'INITECH', 'Initech BV');"
            "INSERT INTO invoices (invoice_id, number, customer_id,"
            " issue_date, due_date, total_cents, currency) VALUES"
            " (1, 'RF2013001', 1, '2024-02-05', '2024-03-06', 20000, 'EUR'),"
            " (2, '13001', 2, '2024-02-01', '2024-03-02', 11100, 'EUR');");
    return db;
}

/* A payment of exactly 200.00 that gives 'RF2013001' in its
** structured_ref column and nothing in the memo. Invoice 1 is numbered
** exactly so and has that amount, so it must rank first, and invoice 2
** (111.00, 89.00 less than paid) must not be applied unattended. Before
** the fix only the payload 13001 was looked up for the column: invoice 2
** was applied automatically and invoice 1 read "no ref in memo; memo names
** another invoice", though the memo names nothing. The memo case, 'RF2013001'
** written in the memo, already ranked invoice 1 first. */
START_TEST(test_structured_column_names_invoice_verbatim)
{
    sqlite3 *db = tester_open_rf_ledger();

    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, payer_name, reference,"
                     " structured_ref) VALUES (1, '2024-03-04', 20000, 'EUR',"
                     " 'Someone', 'thanks', 'RF2013001')");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[1]");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[2]' AND auto = 1",
               "0");
    expect_sql(db,
               "SELECT evidence LIKE 'valid structured ref ''RF2013001''%'"
               " FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[1]'",
               "1");
    sqlite3_close(db);
}
END_TEST

/* A payment of 111.00 with the memo 'thanks' and structured_ref
** 'RF2013001', which names invoice 1 by its number and invoice 2 by the
** payload. Invoice 3 ('F-9', 111.00) is named by neither, so its row
** leaves out an invoice that only the column names: the evidence must
** blame the structured reference, since the memo names nothing. */
START_TEST(test_structured_column_names_other_evidence)
{
    sqlite3 *db = tester_open_rf_ledger();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (3, 'F-9', 1, '2024-02-05', '2024-03-06', 11100,"
                     " 'EUR');"
                     "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, payer_name, reference,"
                     " structured_ref) VALUES (1, '2024-03-04', 11100, 'EUR',"
                     " 'Someone', 'thanks', 'RF2013001')");
    expect_sql(db,
               "SELECT instr(evidence, 'memo names another invoice')"
               " FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[3]'",
               "0");
    expect_sql(db,
               "SELECT instr(evidence, '; structured ref names another"
               " invoice') > 0 FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[3]'",
               "1");
    sqlite3_close(db);
}
END_TEST

/* Payment slips print an RF reference in groups of four, as in
** sql/REFERENCE.md's creditor_ref_valid example, so a structured_ref
** column may hold 'RF18 5390 0754 7034' for the invoice numbered
** 'RF18539007547034' (its check digits are valid, and its payload
** 539007547034 names no invoice). ref_normalize cuts the zeros that open
** '0754', so the column's letters and digits as written must be looked up
** too. The payment of 100.00 equals that invoice, so it ranks first. */
START_TEST(test_structured_column_grouped_rf)
{
    sqlite3 *db = tester_open_rf_ledger();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (3, 'RF18539007547034', 1, '2024-02-05', '2024-03-06',"
                     " 10000, 'EUR');"
                     "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, payer_name, reference,"
                     " structured_ref) VALUES (1, '2024-03-04', 10000, 'EUR',"
                     " 'Someone', 'thanks', 'RF18 5390 0754 7034')");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[3]");
    expect_sql(db,
               "SELECT evidence LIKE 'valid structured ref ''RF18 5390 0754"
               " 7034'' for ''RF18539007547034''%' FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "1");

    /* creditor_ref_valid accepts lower-case letters, so the lookup must
    ** too. Payment 2 is scored alone, so payment 1's claim on invoice 3
    ** does not hide it. */
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, payer_name, reference,"
                     " structured_ref) VALUES (2, '2024-03-04', 10000, 'EUR',"
                     " 'Someone', 'thanks', 'rf18 5390 0754 7034')");
    expect_sql(db,
               "SELECT invoice_ids, evidence LIKE 'valid structured ref%'"
               " FROM reconcile_candidates WHERE payment_id = 2 AND rank = 1",
               "[3]|1");
    sqlite3_close(db);
}
END_TEST

/* camt joins the CdtrRefInf/Ref of several Strd blocks with a space, so
** one structured_ref may hold two references. Invoice 3 (539007547034,
** 100.00) is the payload of 'RF18539007547034' and invoice 1 (200.00) is
** numbered 'RF2013001', both of customer 1: a payment of 300.00 that
** gives both references pays them together. The memo case already finds
** that set; the column must too, also in printed groups of four. */
START_TEST(test_structured_column_two_refs)
{
    sqlite3 *db = tester_open_rf_ledger();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (3, '539007547034', 1, '2024-02-05', '2024-03-06',"
                     " 10000, 'EUR');"
                     "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, payer_name, reference,"
                     " structured_ref) VALUES"
                     " (1, '2024-03-04', 30000, 'EUR', 'Someone', 'thanks',"
                     " 'RF18539007547034 RF2013001'),"
                     " (2, '2024-03-04', 30000, 'EUR', 'Someone', 'thanks',"
                     " 'RF18 5390 0754 7034 RF20 1300 1')");
    expect_sql(db,
               "SELECT invoice_ids, amount_match FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[1,3]|equal");
    expect_sql(db,
               "SELECT invoice_ids, amount_match FROM reconcile_candidates"
               " WHERE payment_id = 2 AND rank = 1",
               "[1,3]|equal");
    sqlite3_close(db);
}
END_TEST

Suite *tester_suite(void)
{
    Suite *s = suite_create("tester");
    TCase *csv = tcase_create("csv");
    TCase *reconcile = tcase_create("reconcile");

    tcase_add_test(csv, test_csv_no_header_rejects_column_name);
    tcase_add_test(csv, test_csv_utf16_file_named);
    suite_add_tcase(s, csv);
    tcase_add_test(reconcile, test_structured_column_names_invoice_verbatim);
    tcase_add_test(reconcile, test_structured_column_names_other_evidence);
    tcase_add_test(reconcile, test_structured_column_grouped_rf);
    tcase_add_test(reconcile, test_structured_column_two_refs);
    suite_add_tcase(s, reconcile);
    return s;
}
