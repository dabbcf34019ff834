/*
** Cases that the other suites leave out. For reconcile_candidates: the
** meet-in-the-middle subset search with several exact subsets or with a
** size limit, and a subset of the same size as the named set. Also a
** rejected set whose oldest invoice has the higher id, more candidates
** than the candidate array first allocates, and more typo neighbours of
** a memo number (invoice keys one character longer or shorter) than one
** lookup collects. Also a memo that names more invoices than count
** against a row, a void invoice one character shorter than a memo
** number, and an invoice numbered like a whole structured_ref as written.
** For the text functions: a zero-length BLOB argument, and a
** ref_similarity whose whole pair beats an exact window. For
** ar_aging: a schema argument read from a join. For MT940: customer
** references that are the counterparty account. Weights are those of
** ext/reconcile_score.c, and evidence wording is listed in
** ext/reconcile_evidence.c.
*/
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

/* Set rows (2 invoices or more) of payment 1, with every rank listed. */
#define SET_ROWS                                                              \
    "SELECT invoice_ids, amount_match, auto FROM reconcile_candidates"        \
    " WHERE payment_id = 1 AND max_rank = 100 AND invoice_ids LIKE '%,%'"     \
    " ORDER BY invoice_ids"

/* The reference part of payment 1's evidence for one invoice: the text up
** to its first ';'. */
#define REF_OF(invoice)                                                       \
    "SELECT substr(evidence, 1, instr(evidence || ';', ';') - 1)"            \
    " FROM reconcile_candidates WHERE payment_id = 1 AND max_rank = 100"      \
    " AND invoice_ids = '[" #invoice "]'"

/* Customer 1 'Acme Trading Ltd' as of 2024-06-30, no invoices. */
static sqlite3 *last_open_ledger(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2024-06-30';"
                     "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (1, 'C1', 'Acme Trading Ltd')");
    return db;
}

/* Adds an EUR invoice of customer 1, due 30 days after issue. */
static void last_add_invoice(sqlite3 *db, long long id, const char *number,
                             const char *issued, long long cents)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency) VALUES (%lld, %Q, 1, %Q,"
        " date(%Q, '+30 days'), %lld, 'EUR')",
        id, number, issued, issued, cents);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* Adds an EUR payment 1 from 'ACME TRADING' received 2024-03-31. */
static void last_add_payment(sqlite3 *db, long long cents, const char *memo)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO payments (payment_id, received_date, amount_cents,"
        " currency, payer_name, reference) VALUES (1, '2024-03-31', %lld,"
        " 'EUR', 'ACME TRADING', %Q)",
        cents, memo);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* ---- Subset search ---------------------------------------------------- */

/*
** Sixteen open invoices, issued one a day from 2024-01-02 (so id order is
** oldest first), the whole pool of the subset search:
**   1..6   10.01 20.01 30.01 40.01 50.01 60.01
**   7..10  300.00 400.00 700.00 600.00
**   11..16 50.00 80.00 450.00 550.00 350.00 650.00
** A payment of 1000.00 (no single invoice equal). Invoices 1 to 6 end in
** 01 cents, so a subset with k of them (k <= 8) ends in k cents and never
** sums to 1000.00. Every subset with invoice 1 is therefore a dead end,
** and the depth-first search, which takes invoice 1 first, spends its
** 8000 steps there: about 2^15 subsets of 7 or fewer of the other 15
** fit under the amount. The meet-in-the-middle search then lists the
** exact sums by hand: [7,9] 300+700, [8,10] 400+600, [13,14] 450+550,
** [15,16] 350+650, [7,11,16] 300+50+650, [8,11,14] 400+50+550 and
** [10,11,15] 600+50+350. Several share a half sum (700.00 from [9] and
** [11,16] against invoice 7). The depth-first search, with no budget,
** would find [7,9] first: 7 is the oldest invoice in any solution, and
** after it 9 comes before 11. So the row is [7,9], flagged ambiguous and
** not automatic.
*/
START_TEST(test_sets_meet_in_middle_several_sums)
{
    static const long long cents[16] = {
        1001,  2001,  3001,  4001,  5001,  6001,  30000, 40000,
        70000, 60000, 5000,  8000,  45000, 55000, 35000, 65000};
    sqlite3 *db = last_open_ledger();
    int i;

    for (i = 0; i < 16; i++) {
        char number[16];
        char issued[16];
        sqlite3_snprintf(sizeof(number), number, "INV-%d", 2001 + i);
        sqlite3_snprintf(sizeof(issued), issued, "2024-01-%02d", 2 + i);
        last_add_invoice(db, i + 1, number, issued, cents[i]);
    }
    last_add_payment(db, 100000, NULL);
    expect_sql(db, SET_ROWS, "[7,9]|equal|0");
    expect_sql(db,
               "SELECT instr(evidence, '; another subset sums the same') > 0,"
               " instr(evidence, 'subset search stopped') > 0"
               " FROM reconcile_candidates WHERE payment_id = 1"
               " AND max_rank = 100 AND invoice_ids = '[7,9]'",
               "1|0");
    sqlite3_close(db);
}
END_TEST

/*
** Sixteen open invoices, issued one a day from 2024-01-02 (id order is
** oldest first):
**   1..3   10.01 20.01 30.01
**   4..8   450.00 742.00 481.00 473.00 601.00
**   9..16  130.00 138.00 57.00 121.00 45.00 158.00 175.00 74.00
** and a payment of 1578.00, with no fee tolerance. Invoices 1 to 3 end in
** 01 cents, so no exact subset contains them. A brute force over all 2^16
** subsets finds one sum of 1578.00: [4,6,10,11,13,14,15,16], 450 + 481 +
** 138 + 57 + 45 + 158 + 175 + 74. The eight newest invoices add up to
** only 898.00, less than the payment. The depth-first search spends its
** 8000 steps without reaching that set, so the meet-in-the-middle search
** finds it: a row of 8 invoices with the default subset_max_size of 8,
** and not flagged, since that search is complete. With subset_max_size 7
** the set is too large and there is no set row at all.
*/
START_TEST(test_sets_meet_in_middle_size_limit)
{
    static const long long cents[16] = {
        1001,  2001,  3001,  45000, 74200, 48100, 47300, 60100,
        13000, 13800, 5700,  12100, 4500,  15800, 17500, 7400};
    sqlite3 *db = last_open_ledger();
    int i;

    for (i = 0; i < 16; i++) {
        char number[16];
        char issued[16];
        sqlite3_snprintf(sizeof(number), number, "INV-%d", 5001 + i);
        sqlite3_snprintf(sizeof(issued), issued, "2024-01-%02d", 2 + i);
        last_add_invoice(db, i + 1, number, issued, cents[i]);
    }
    harness_exec(db, "UPDATE reconcile_settings SET fee_abs_cents = 0,"
                     " fee_pct = 0");
    last_add_payment(db, 157800, NULL);
    expect_sql(db, SET_ROWS, "[4,6,10,11,13,14,15,16]|equal|0");
    expect_sql(db,
               "SELECT instr(evidence, 'another subset') > 0,"
               " instr(evidence, 'subset search stopped') > 0"
               " FROM reconcile_candidates WHERE payment_id = 1"
               " AND max_rank = 100"
               " AND invoice_ids = '[4,6,10,11,13,14,15,16]'",
               "0|0");
    harness_exec(db, "UPDATE reconcile_settings SET subset_max_size = 7");
    expect_sql(db, SET_ROWS, "");
    sqlite3_close(db);
}
END_TEST

/*
** The memo names invoices 1 (100.00) and 2 (200.00), so the named set
** [1,2] is a row, 'over' because the 700.00 paid is more than its 300.00. The anchored search needs
** 400.00 more from 3 (250.00) and 4 (450.00) and finds no sum within the
** fee tolerance (10.00 + 3% of the 700.00 paid = 31.00). The plain search finds
** 250.00 + 450.00 = 700.00, the only subset of the four that sums to it
** (100+200+250 = 550, 100+200+450 = 750, 100+450 = 550, 200+450 = 650,
** 100+250+450 = 800). [3,4] has as many invoices as [1,2] but other ones,
** so it is a second set row.
*/
START_TEST(test_sets_subset_beside_named_pair)
{
    sqlite3 *db = last_open_ledger();

    last_add_invoice(db, 1, "F-2024-0101", "2024-03-01", 10000);
    last_add_invoice(db, 2, "F-2024-0102", "2024-03-02", 20000);
    last_add_invoice(db, 3, "F-2024-0103", "2024-03-03", 25000);
    last_add_invoice(db, 4, "F-2024-0104", "2024-03-04", 45000);
    last_add_payment(db, 70000, "F-2024-0101 F-2024-0102");
    expect_sql(db, SET_ROWS, "[1,2]|over|0\n[3,4]|equal|0");
    sqlite3_close(db);
}
END_TEST

/* ---- Decisions and candidates ----------------------------------------- */

/*
** Invoice 2 was issued before invoice 1, so the named set lists them
** oldest first, [2,1]. A reject written '[1,2]' must still match it,
** because the ids are compared sorted. 600.00 + 400.00 = 1000.00 is the
** payment, so before the reject [2,1] is rank 1.
*/
START_TEST(test_decision_reject_set_newer_id_first)
{
    sqlite3 *db = last_open_ledger();

    last_add_invoice(db, 1, "F-2024-0201", "2024-03-05", 60000);
    last_add_invoice(db, 2, "F-2024-0202", "2024-03-01", 40000);
    last_add_payment(db, 100000, "F-2024-0201 F-2024-0202");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[2,1]");
    harness_exec(db, "INSERT INTO reconcile_decisions (payment_id,"
                     " invoice_ids, decision) VALUES (1, '[1,2]', 'reject')");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND max_rank = 100"
               " AND invoice_ids = '[2,1]'",
               "0");
    sqlite3_close(db);
}
END_TEST

/*
** Two customers named 'Acme Trading Ltd' both match the payer, and each
** has 40 open invoices (the most taken per customer), so there are 80
** candidates, more than the 64 the candidate array starts with. Customer
** 1 has 100.00 to 139.00 (ids 1 to 40) and customer 2 200.00 to 239.00
** (ids 41 to 80). Invoice 21 (120.00) equals the payment, so customer 1
** gets no subset search, and customer 2 has no invoice under 120.00 to
** put in one. Each invoice is one row: 80 rows, invoice 21 first.
*/
START_TEST(test_candidates_past_first_allocation)
{
    sqlite3 *db = last_open_ledger();
    int i;

    harness_exec(db, "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (2, 'C2', 'Acme Trading Ltd')");
    for (i = 1; i <= 40; i++) {
        char number[16];
        sqlite3_snprintf(sizeof(number), number, "INV-%d", 3000 + i);
        last_add_invoice(db, i, number, "2024-03-01", 9900 + 100 * i);
    }
    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency)"
                     " SELECT invoice_id + 40, 'INV-' || (invoice_id + 4000),"
                     " 2, issue_date, due_date, total_cents + 10000, currency"
                     " FROM invoices WHERE customer_id = 1");
    last_add_payment(db, 12000, NULL);
    expect_sql(db,
               "SELECT count(*), min(CASE rank WHEN 1 THEN invoice_ids END)"
               " FROM reconcile_candidates WHERE payment_id = 1"
               " AND max_rank = 100",
               "80|[21]");
    sqlite3_close(db);
}
END_TEST

/* ---- Text arguments ---------------------------------------------------- */

/*
** A zero-length BLOB argument is read as the text ''. So ref_normalize gives
** '', ref_similarity scores it like '' (no characters in common: 0.0),
** levenshtein needs 3 insertions to reach 'abc', damerau_levenshtein 2 to
** reach 'ab', and jaro_winkler of an empty and a non-empty text is 0.0.
*/
START_TEST(test_empty_blob_reads_as_empty_text)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT quote(ref_normalize(x''))", "''");
    expect_sql(db, "SELECT ref_similarity(x'', 'F-12')", "0.0");
    expect_sql(db, "SELECT ref_similarity('F-12', x'')", "0.0");
    expect_sql(db, "SELECT levenshtein(x'', 'abc')", "3");
    expect_sql(db, "SELECT levenshtein('abc', x'')", "3");
    expect_sql(db, "SELECT damerau_levenshtein(x'', 'ab')", "2");
    expect_sql(db, "SELECT jaro_winkler(x'', 'abc')", "0.0");
    sqlite3_close(db);
}
END_TEST

/* ---- References ------------------------------------------------------- */

/*
** The memo key A1234567890123456789012345678 ('A' and 28 digits) and 262
** open invoices whose number is that key with one digit inserted after
** the 'A'. That is 29 places times 10 digits, 290, less the 28 repeats
** where the digit equals the one before it. Ids follow the first place, then
** the digit: invoice 1 is A0123..., 2 is A1123..., 262 is A1234...89.
** A typo lookup collects at most 256 neighbours, in invoice order, so
** invoice 262 is never collected. Invoices 2 and 262 have the amount paid
** (42.42), the rest 1000.00. Invoice 2 is found as a typo (one edit).
** Invoice 262 is a candidate for its amount only, with no ref in the
** memo. (Invoice 1 is A0 and the key: with leading zeros cut, its digits
** equal the memo's digits, an exact digits match, not a typo.)
*/
START_TEST(test_ref_typo_insertions_past_limit)
{
    sqlite3 *db = last_open_ledger();

    harness_exec(
        db,
        "WITH RECURSIVE p(p) AS (SELECT 1 UNION ALL SELECT p + 1 FROM p"
        " WHERE p < 29),"
        " d(d) AS (SELECT 0 UNION ALL SELECT d + 1 FROM d WHERE d < 9),"
        " k(key) AS (SELECT '1234567890123456789012345678'),"
        " v(number, first_p, first_d) AS (SELECT 'A' || substr(key, 1,"
        " p - 1) || d || substr(key, p), min(p), min(d) FROM p, d, k"
        " GROUP BY 1)"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency)"
        " SELECT row_number() OVER (ORDER BY first_p, first_d), number, 1,"
        " '2024-03-01', '2024-03-31', 100000, 'EUR' FROM v");
    harness_exec(db, "UPDATE invoices SET total_cents = 4242"
                     " WHERE invoice_id IN (2, 262)");
    expect_sql(db,
               "SELECT count(*), max(invoice_id) FROM invoices",
               "262|262");
    expect_sql(db,
               "SELECT number FROM invoices WHERE invoice_id IN (1, 2, 262)"
               " ORDER BY invoice_id",
               "A01234567890123456789012345678\n"
               "A11234567890123456789012345678\n"
               "A12345678901234567890123456789");
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, reference) VALUES (1,"
                     " '2024-03-31', 4242, 'EUR',"
                     " 'A1234567890123456789012345678')");
    expect_sql(db, REF_OF(2),
               "ref 'A11234567890123456789012345678' in memo as"
               " 'A1234567890123456789012345678' (one edit)");
    expect_sql(db, REF_OF(262), "no ref in memo");
    sqlite3_close(db);
}
END_TEST

/*
** A memo that lists the numbers of 34 open invoices, F-2024-1001 to
** F-2024-1034 (100.01 to 100.34), more than the 32 named invoices that
** count against a row. The payment is 100.01, so invoice 1 (named, amount
** equal) is rank 1, and its evidence states that the memo also names another
** invoice. Invoice 2 (100.02) is 0.01 more than paid, within the fee
** tolerance, so it is rank 2.
*/
START_TEST(test_refs_memo_names_many_invoices)
{
    sqlite3 *db = last_open_ledger();

    harness_exec(db,
                 "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1"
                 " FROM n WHERE i < 34)"
                 " INSERT INTO invoices (invoice_id, number, customer_id,"
                 " issue_date, due_date, total_cents, currency)"
                 " SELECT i, 'F-2024-' || (1000 + i), 1, '2024-03-01',"
                 " '2024-03-31', 10000 + i, 'EUR' FROM n");
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, reference) SELECT 1,"
                     " '2024-03-31', 10001, 'EUR',"
                     " group_concat(number, ' ') FROM invoices");
    expect_sql(db,
               "SELECT rank, invoice_ids, instr(evidence,"
               " '; memo names another invoice') > 0"
               " FROM reconcile_candidates WHERE payment_id = 1"
               " AND rank <= 2",
               "1|[1]|1\n2|[2]|1");
    expect_sql(db, REF_OF(1), "ref 'F-2024-1001' in memo");
    sqlite3_close(db);
}
END_TEST

/*
** Memo 'F-2024-0042' normalizes to F202442 (the zeros that lead a group
** are cut). Open invoice 1, F-2024-0043 (F202443), is one substitution
** away. Void invoice 2, F-2024-004 (F20244), is the memo key with one
** character deleted, but a void invoice cannot receive money, so the
** typo lookup passes over it: invoice 1 is the only row.
*/
START_TEST(test_ref_typo_skips_void_shorter_number)
{
    sqlite3 *db = last_open_ledger();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency, status)"
                     " VALUES (1, 'F-2024-0043', 1, '2024-03-01',"
                     " '2024-03-31', 10000, 'EUR', 'issued'),"
                     " (2, 'F-2024-004', 1, '2024-03-01', '2024-03-31',"
                     " 10000, 'EUR', 'void')");
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, reference) VALUES (1,"
                     " '2024-03-31', 10000, 'EUR', 'F-2024-0042')");
    expect_sql(db,
               "SELECT rank, invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 1 AND max_rank = 100",
               "1|[1]");
    expect_sql(db, REF_OF(1),
               "ref 'F-2024-0043' in memo as 'F-2024-0042' (one edit)");
    sqlite3_close(db);
}
END_TEST

/*
** The memo key A1234567891234567891234567891 ('A' and 28 digits, no
** zero) with its last digit deleted is the key of 325 open invoices:
** 'A' and the first 27 digits written with two hyphens after digits i < j,
** 1 <= i < j <= 26, which normalization drops. Ids follow (i, j). A typo
** lookup collects at most 256 neighbours, in invoice order. Invoices 1,
** 256 and 257 have the amount paid (42.42), the rest 1000.00, so 1 and
** 256 are found as typos and 257, one past the limit, has no ref.
*/
START_TEST(test_ref_typo_deletions_past_limit)
{
    sqlite3 *db = last_open_ledger();

    harness_exec(
        db,
        "WITH RECURSIVE i(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM i"
        " WHERE i < 25),"
        " j(j) AS (SELECT 2 UNION ALL SELECT j + 1 FROM j WHERE j < 26),"
        " k(key) AS (SELECT '123456789123456789123456789')"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency)"
        " SELECT row_number() OVER (ORDER BY i, j), 'A' || substr(key, 1, i)"
        " || '-' || substr(key, i + 1, j - i) || '-' || substr(key, j + 1),"
        " 1, '2024-03-01', '2024-03-31', 100000, 'EUR' FROM i, j, k"
        " WHERE j > i");
    harness_exec(db, "UPDATE invoices SET total_cents = 4242"
                     " WHERE invoice_id IN (1, 256, 257)");
    expect_sql(db,
               "SELECT count(*), max(invoice_id) FROM invoices",
               "325|325");
    expect_sql(db,
               "SELECT number FROM invoices WHERE invoice_id IN (1, 256, 257)"
               " ORDER BY invoice_id",
               "A1-2-3456789123456789123456789\n"
               "A12345678912345-678912345-6789\n"
               "A12345678912345-6789123456-789");
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, reference) VALUES (1,"
                     " '2024-03-31', 4242, 'EUR',"
                     " 'A1234567891234567891234567891')");
    expect_sql(db, REF_OF(1),
               "ref 'A1-2-3456789123456789123456789' in memo as"
               " 'A1234567891234567891234567891' (one edit)");
    expect_sql(db, REF_OF(256),
               "ref 'A12345678912345-678912345-6789' in memo as"
               " 'A1234567891234567891234567891' (one edit)");
    expect_sql(db, REF_OF(257), "no ref in memo");
    sqlite3_close(db);
}
END_TEST

/*
** The structured_ref 'RF18 5390 0754 7034' (the ISO 11649 example) has
** the payload 539007547034. Invoice 1 is numbered like the whole
** reference as written, RF18539007547034. Normalized, the column reads
** RF1853907547034 (the zero that leads '0754' is cut), so only the
** lookup of its letters and digits as written finds invoice 1. Invoice 2
** has the same amount, so the reference alone puts invoice 1 first.
*/
START_TEST(test_ref_structured_column_as_written)
{
    sqlite3 *db = last_open_ledger();

    last_add_invoice(db, 1, "RF18539007547034", "2024-03-01", 10000);
    last_add_invoice(db, 2, "INV-7", "2024-03-01", 10000);
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, structured_ref) VALUES (1,"
                     " '2024-03-31', 10000, 'EUR', 'RF18 5390 0754 7034')");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[1]");
    expect_sql(db, REF_OF(1),
               "valid structured ref 'RF18 5390 0754 7034' for"
               " 'RF18539007547034'");
    sqlite3_close(db);
}
END_TEST

/* ---- Aging ------------------------------------------------------------ */

/*
** The schema argument of ar_aging comes from another table, so it is not
** usable while ar_aging is the outer loop and the planner must scan dbs
** first. Invoice 1 (100.00) was due 2024-03-31, so on 2024-06-30 it is 30 +
** 31 + 30 = 91 days overdue, in the over-90 bucket.
*/
START_TEST(test_aging_schema_from_join)
{
    sqlite3 *db = harness_open_schema();

    harness_exec(db, "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (1, 'C1', 'Acme Trading Ltd');"
                     "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (1, 'F-1', 1, '2024-03-01', '2024-03-31', 10000,"
                     " 'EUR');"
                     "CREATE TABLE dbs (name TEXT);"
                     "INSERT INTO dbs VALUES ('main');");
    expect_sql(db,
               "SELECT d.name, a.customer_id, a.days_over_90_cents,"
               " a.max_days_overdue FROM dbs d, ar_aging a"
               " WHERE a.as_of = '2024-06-30' AND a.schema = d.name",
               "main|1|10000|91");
    sqlite3_close(db);
}
END_TEST

/* ---- MT940 ------------------------------------------------------------ */

/*
** Two :61: lines whose customer reference is the counterparty account.
** The first is in the old Rabobank layout: the reference is padded with
** a blank to 16 characters ('NL12RABO0123456 '), so the text after it is
** the name J. JANSEN and the reference, trimmed, is the account. The
** second has an IBAN as its reference, no bank reference and a details
** line: the IBAN is the account and the details are the name. Neither
** reference is an end-to-end id, and with no :86: there is no memo.
*/
START_TEST(test_mt940_reference_is_account)
{
    static const char text[] =
        ":20:STMT1\r\n:25:DE89370400440532013000\r\n:28C:1/1\r\n"
        ":60F:C130601EUR100,00\r\n"
        ":61:1306010601C5,09NTRFNL12RABO0123456 J. JANSEN\r\n"
        ":61:1306010601C5,10NTRFNL44RABO0123456789\r\n"
        "A. DE VRIES\r\n";
    char dir[] = "/tmp/cover_last_XXXXXX";
    char *path;
    char *sql;
    FILE *out;
    sqlite3 *db = harness_open();

    ck_assert_ptr_nonnull(mkdtemp(dir));
    path = sqlite3_mprintf("%s/s.sta", dir);
    ck_assert_ptr_nonnull(path);
    out = fopen(path, "wb");
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq((int)fwrite(text, 1, sizeof(text) - 1, out),
                     (int)sizeof(text) - 1);
    ck_assert_int_eq(fclose(out), 0);
    sql = sqlite3_mprintf(
        "SELECT amount_cents, counterparty_name, counterparty_account,"
        " end_to_end_id, memo FROM bank_statement(%Q, 'mt940')"
        " ORDER BY entry_index",
        path);
    ck_assert_ptr_nonnull(sql);
    expect_sql(db, sql,
               "509|J. JANSEN|NL12RABO0123456|NULL|NULL\n"
               "510|A. DE VRIES|NL44RABO0123456789|NULL|NULL");
    sqlite3_free(sql);
    sqlite3_close(db);
    ck_assert_int_eq(unlink(path), 0);
    ck_assert_int_eq(rmdir(dir), 0);
    sqlite3_free(path);
}
END_TEST

/*
** 'ABCDEFGHJKLMN' (13 characters) is a whole segment of
** 'ABCDEFGHJKLMN-7', whose key ABCDEFGHJKLMN7 has 14, so the window part
** is 0.95. The lengths are close enough for the whole pair to beat it:
** one insertion gives 1 - 1/14 = 13/14, and Jaro matches all 13 with no
** transposition, (1 + 13/14 + 1) / 3 = 41/42. The whole score is
** (39/42 + 41/42) / 2 = 20/21 = 0.952381, and the larger of the two wins.
*/
START_TEST(test_ref_similarity_whole_beats_window)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT printf('%.6f', ref_similarity('ABCDEFGHJKLMN',"
               " 'ABCDEFGHJKLMN-7'))",
               "0.952381");
    sqlite3_close(db);
}
END_TEST

Suite *cover_last_suite(void)
{
    Suite *s = suite_create("cover_last");
    TCase *sets = tcase_create("sets");
    TCase *decisions = tcase_create("decisions");
    TCase *text = tcase_create("text");
    TCase *refs = tcase_create("refs");
    TCase *aging = tcase_create("aging");
    TCase *mt940 = tcase_create("mt940");

    tcase_add_test(sets, test_sets_meet_in_middle_several_sums);
    tcase_add_test(sets, test_sets_meet_in_middle_size_limit);
    tcase_add_test(sets, test_sets_subset_beside_named_pair);
    suite_add_tcase(s, sets);
    tcase_add_test(decisions, test_decision_reject_set_newer_id_first);
    tcase_add_test(decisions, test_candidates_past_first_allocation);
    suite_add_tcase(s, decisions);
    tcase_add_test(text, test_empty_blob_reads_as_empty_text);
    tcase_add_test(text, test_ref_similarity_whole_beats_window);
    suite_add_tcase(s, text);
    tcase_add_test(refs, test_ref_typo_insertions_past_limit);
    tcase_add_test(refs, test_refs_memo_names_many_invoices);
    tcase_add_test(refs, test_ref_typo_skips_void_shorter_number);
    tcase_add_test(refs, test_ref_typo_deletions_past_limit);
    tcase_add_test(refs, test_ref_structured_column_as_written);
    suite_add_tcase(s, refs);
    tcase_add_test(aging, test_aging_schema_from_join);
    suite_add_tcase(s, aging);
    tcase_add_test(mt940, test_mt940_reference_is_account);
    suite_add_tcase(s, mt940);
    return s;
}
