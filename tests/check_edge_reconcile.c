/*
** Payer evidence that the reconcile suite leaves out. The cases are an
** account that the learned aliases give to one customer or to several, a
** learned name alias, and payer names raised to a match because the
** customer's name is their prefix or has the same words. The fee tolerance
** is checked at its edge amounts and with each argument out of range.
** The checks read the evidence text of the candidate for invoice 1, whose
** wording is listed in ext/reconcile_evidence.c.
*/
#include <string.h>

#include "harness.h"

/* Three customers and two EUR invoices of Acme, as of 2024-06-30:
**   1 F-2024-0042 Acme issued 03-01 due 03-31 1000.00
**   2 F-2024-0043 Acme issued 03-05 due 04-04  500.00 */
static sqlite3 *edge_open_ledger(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(
        db, "UPDATE settings SET as_of = '2024-06-30';"
            "INSERT INTO customers (customer_id, code, name) VALUES"
            " (1, 'C1', 'Acme Trading Ltd'),"
            " (2, 'C2', 'Zeta Logistics SA'),"
            " (3, 'C3', 'Beta GmbH');"
            "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
            " due_date, total_cents, currency) VALUES"
            " (1, 'F-2024-0042', 1, '2024-03-01', '2024-03-31', 100000, 'EUR'),"
            " (2, 'F-2024-0043', 1, '2024-03-05', '2024-04-04', 50000, 'EUR');");
    return db;
}

/* Adds payment 1 of 1000.00 on 2024-03-31 with the given payer. */
static void edge_add_payment(sqlite3 *db, const char *payer_name,
                             const char *payer_account)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO payments (payment_id, received_date, amount_cents,"
        " currency, payer_name, payer_account, reference) VALUES (1,"
        " '2024-03-31', 100000, 'EUR', %Q, %Q, 'Pago factura F-2024-0042')",
        payer_name, payer_account);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* The payer part of invoice 1's evidence: the text after "amount equal; "
** up to the next "; ". */
#define PAYER_EVIDENCE                                                        \
    "SELECT substr(e, 1, instr(e, '; ') - 1) FROM (SELECT substr(evidence,"  \
    " instr(evidence, 'amount equal; ') + 14) AS e FROM reconcile_candidates" \
    " WHERE payment_id = 1 AND invoice_ids = '[1]')"

/* An account learned for customer 1 alone names customer 1. The alias is
** written with blanks and the payment without, as banks differ in this. */
START_TEST(test_payer_account_alias_one_customer)
{
    sqlite3 *db = edge_open_ledger();

    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('account', 'DE89 3704 0044 0532 0130 00', 1)");
    edge_add_payment(db, NULL, "DE89370400440532013000");
    expect_sql(db, PAYER_EVIDENCE, "payer account known for customer");
    sqlite3_close(db);
}
END_TEST

/* The same account learned for customers 1 and 3 is shared, and the
** evidence names it so. */
START_TEST(test_payer_account_alias_shared)
{
    sqlite3 *db = edge_open_ledger();

    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('account', 'DE89370400440532013000', 1),"
                     " ('account', 'DE89370400440532013000', 3)");
    edge_add_payment(db, NULL, "DE89370400440532013000");
    expect_sql(db, PAYER_EVIDENCE,
               "payer account known for several customers");
    sqlite3_close(db);
}
END_TEST

/* A learned name alias of customer 1 that is unlike its name. */
START_TEST(test_payer_name_alias)
{
    sqlite3 *db = edge_open_ledger();

    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('name', 'ROADRUNNER HOLDINGS', 1)");
    edge_add_payment(db, "Roadrunner Holdings", NULL);
    expect_sql(db, PAYER_EVIDENCE, "payer name known for customer");
    sqlite3_close(db);
}
END_TEST

/* 'ACME TRADING EXPORT' (19 bytes) against the key 'ACME TRADING' (12):
** Jaro-Winkler gives jaro (12/19 + 1 + 1) / 3 = 0.8772 and, with a 4-letter
** prefix, 0.8772 + 0.4 * 0.1228 = 0.9263. The key is a prefix of at least 8
** bytes of the payer, which raises the similarity to 0.97: a match. */
START_TEST(test_payer_name_prefix_of_payer)
{
    sqlite3 *db = edge_open_ledger();

    edge_add_payment(db, "ACME TRADING EXPORT", NULL);
    expect_sql(db, PAYER_EVIDENCE, "payer matches customer");
    sqlite3_close(db);
}
END_TEST

/* 'TRADING ACME' has the words of 'ACME TRADING' in another order. Each
** name's words are all words of the other, which raises the similarity to
** 0.98, a match, though Jaro-Winkler alone gives 0.6667 (8 of 12 letters
** match within the window, none transposed, no common prefix). */
START_TEST(test_payer_name_words_reordered)
{
    sqlite3 *db = edge_open_ledger();

    edge_add_payment(db, "Trading Acme", NULL);
    expect_sql(db, PAYER_EVIDENCE, "payer matches customer");
    sqlite3_close(db);
}
END_TEST

/* Fee tolerance at the edges. Nothing open (0 or a credit of -5.00) leaves
** nothing to tolerate: 0. The text '100000' is an integer, so it gives
** 1000 + 3% of 100000 = 4000, under the 10% cap of 10000. */
START_TEST(test_fee_tolerance_edge_amounts)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT reconcile_fee_tolerance(0, 'EUR', 1000, 3.0)", "0");
    expect_sql(db, "SELECT reconcile_fee_tolerance(-500, 'EUR', 1000, 3.0)",
               "0");
    expect_sql(db,
               "SELECT reconcile_fee_tolerance('100000', 'EUR', 1000, 3.0)",
               "4000");
    expect_sql(db, "SELECT reconcile_fee_tolerance(NULL, 'EUR', 1000, 3.0)",
               "NULL");
    sqlite3_close(db);
}
END_TEST

/* Each argument out of its range names the argument and the value. */
START_TEST(test_fee_tolerance_bad_arguments)
{
    sqlite3 *db = harness_open();

    expect_sql_error(db, "SELECT reconcile_fee_tolerance(1.5, 'EUR', 1000, 3)",
                     "1st argument must be an integer amount in minor units,"
                     " got '1.5'");
    expect_sql_error(db,
                     "SELECT reconcile_fee_tolerance(100000, 'EURO', 1000, 3)",
                     "2nd argument must be an ISO 4217 code such as 'EUR',"
                     " got 'EURO'");
    expect_sql_error(db, "SELECT reconcile_fee_tolerance(100000, 'EUR', -1, 3)",
                     "fee_abs_cents must be an integer from 0 to 100000000,"
                     " got '-1'");
    expect_sql_error(db,
                     "SELECT reconcile_fee_tolerance(100000, 'EUR', 1000, 101)",
                     "fee_pct must be a number from 0 to 100, got '101'");
    expect_sql_error(db,
                     "SELECT reconcile_fee_tolerance(100000, 'EUR', 1000, 'x')",
                     "fee_pct must be a number from 0 to 100, got 'x'");
    sqlite3_close(db);
}
END_TEST

/* Adds payment 1 (Acme, 1000.00), runs setup on it and expects query to
** return expected. */
static void expect_for_payment(const char *setup, const char *query,
                               const char *expected)
{
    sqlite3 *db = edge_open_ledger();

    edge_add_payment(db, "Acme Trading Ltd", NULL);
    harness_exec(db, setup);
    expect_sql(db, query, expected);
    sqlite3_close(db);
}

/* The rank-1 candidate of payment 1 as "invoice_ids|first evidence part". */
#define RANK1_FIRST_EVIDENCE                                                   \
    "SELECT invoice_ids, substr(evidence, 1, instr(evidence, ';') - 1)"        \
    " FROM reconcile_candidates WHERE payment_id = 1 AND rank = 1"

/* The first evidence part of the candidate of payment 1 for invoice 1. */
#define INVOICE1_FIRST_EVIDENCE                                                \
    "SELECT substr(evidence, 1, instr(evidence, ';') - 1)"                     \
    " FROM reconcile_candidates WHERE payment_id = 1 AND invoice_ids = '[1]'"

/* An invoice series that starts with RF. 'RF2013001' happens to be a
** valid RF reference (check digits 20, payload 13001), so the memo word
** was read only as a reference to 13001 and the invoice went unseen. */
START_TEST(test_ref_invoice_numbered_like_rf)
{
    expect_for_payment("UPDATE invoices SET number = 'RF2013001'"
                       " WHERE invoice_id = 1;"
                       "UPDATE payments SET reference = 'Payment RF2013001'",
                       RANK1_FIRST_EVIDENCE, "[1]|ref 'RF2013001' in memo");
}
END_TEST

/* An invoice numbered with a valid RF reference: the payload
** 539007547034 names no invoice, but the whole reference, written in
** groups of four as printed on a payment slip, is the invoice number. */
START_TEST(test_ref_invoice_numbered_valid_rf)
{
    expect_for_payment("UPDATE invoices SET number = 'RF18539007547034'"
                       " WHERE invoice_id = 1;"
                       "UPDATE payments SET reference = 'RF18 5390 0754 7034'",
                       RANK1_FIRST_EVIDENCE,
                       "[1]|ref 'RF18539007547034' in memo as"
                       " 'RF18 5390 0754 7034'");
}
END_TEST

/* A memo word with a byte that is not UTF-8 gives no key, as reconcile.h
** promises for the memo parser: 'F-2024-0042' followed by 0xFF names nothing,
** although its digit run 42 would match invoice 1's serial. */
START_TEST(test_ref_word_with_invalid_utf8)
{
    expect_for_payment("UPDATE payments SET reference ="
                       " CAST(x'5061676f20462d323032342d30303432ff' AS TEXT)",
                       INVOICE1_FIRST_EVIDENCE, "no ref in memo");
}
END_TEST

/* Gives payment 1 the memo 'thanks' and the structured_ref column
** text, and expects the first evidence part of invoice 1's candidate. */
static void expect_column_evidence(const char *structured_ref,
                                   const char *expected)
{
    char *setup = sqlite3_mprintf("UPDATE payments SET reference = 'thanks',"
                                  " structured_ref = %Q",
                                  structured_ref);

    ck_assert_ptr_nonnull(setup);
    expect_for_payment(setup, INVOICE1_FIRST_EVIDENCE, expected);
    sqlite3_free(setup);
}

/* An MT940 end-to-end id or a camt CdtrRefInf/Ref may hold the invoice
** number itself, with no creditor reference: its words are searched as a
** memo's are, and the evidence names where the number was found. */
START_TEST(test_ref_plain_number_in_structured_ref)
{
    expect_column_evidence("F-2024-0042",
                           "ref 'F-2024-0042' in structured ref");
    /* Digits grouped otherwise, as an end-to-end id may write them. */
    expect_column_evidence("EREF 2024 0042",
                           "ref 'F-2024-0042' in structured ref as"
                           " '2024 0042'");
    /* A valid RF reference keeps the column to itself: RF70F20240042 is
    ** creditor_ref_make('rf', 'F20240042'), whose payload is invoice 1's
    ** number without its dashes. */
    expect_column_evidence("RF70F20240042",
                           "valid structured ref 'RF70F20240042' for"
                           " 'F-2024-0042'");
}
END_TEST

Suite *edge_reconcile_suite(void)
{
    Suite *s = suite_create("edge_reconcile");
    TCase *payer = tcase_create("payer");
    TCase *settings = tcase_create("settings");
    TCase *refs = tcase_create("refs");

    tcase_add_test(payer, test_payer_account_alias_one_customer);
    tcase_add_test(payer, test_payer_account_alias_shared);
    tcase_add_test(payer, test_payer_name_alias);
    tcase_add_test(payer, test_payer_name_prefix_of_payer);
    tcase_add_test(payer, test_payer_name_words_reordered);
    suite_add_tcase(s, payer);
    tcase_add_test(settings, test_fee_tolerance_edge_amounts);
    tcase_add_test(settings, test_fee_tolerance_bad_arguments);
    suite_add_tcase(s, settings);
    tcase_add_test(refs, test_ref_invoice_numbered_like_rf);
    tcase_add_test(refs, test_ref_invoice_numbered_valid_rf);
    tcase_add_test(refs, test_ref_word_with_invalid_utf8);
    tcase_add_test(refs, test_ref_plain_number_in_structured_ref);
    suite_add_tcase(s, refs);
    return s;
}
