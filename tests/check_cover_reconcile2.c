/*
** Reference, payer, book and claim cases of reconcile_candidates that the
** other reconcile suites leave out. References: a typo that drops or adds
** a character, a dense series of numbers, serials shared by too many
** invoices, structured references whose payload is a serial or a raw
** number, and numbers that collide after normalization. Payers: aliases
** that add up past the 6 payers kept, names close to several customers
** and thousands of customers sharing a word. Book: tables written by
** another tool, with NULLs and odd invoice numbers. Claims: two payments
** of one day for one invoice.
** Evidence wording is listed in ext/reconcile_evidence.c, and the weights
** are those of ext/reconcile_score.c.
*/
#include <string.h>

#include "harness.h"

/* The reference part of an evidence: the text up to its first ';'. */
#define REF_OF(payment, invoice)                                              \
    "SELECT substr(evidence, 1, instr(evidence || ';', ';') - 1)"            \
    " FROM reconcile_candidates WHERE payment_id = " #payment                 \
    " AND max_rank = 100 AND invoice_ids = '[" #invoice "]'"

/* The payer part of an evidence: from 'payer' up to the next ';'. */
#define PAYER_OF(payment, invoice)                                            \
    "SELECT substr(x, 1, instr(x || ';', ';') - 1) FROM (SELECT"             \
    " substr(evidence, instr(evidence, '; payer') + 2) AS x"                  \
    " FROM reconcile_candidates WHERE payment_id = " #payment                 \
    " AND max_rank = 100 AND invoice_ids = '[" #invoice "]')"

/* The part of an evidence after its first '; ' (the amount, for rows
** whose memo names no invoice left out), up to the next ';'. */
#define AMOUNT_OF(payment, ids)                                               \
    "SELECT substr(x, 1, instr(x || ';', ';') - 1) FROM (SELECT"             \
    " substr(evidence, instr(evidence, '; ') + 2) AS x"                       \
    " FROM reconcile_candidates WHERE payment_id = " #payment                 \
    " AND max_rank = 100 AND invoice_ids = '" ids "')"

/* The date part of an evidence: from '; paid' up to the next ';'. */
#define DATE_OF(payment, ids)                                                 \
    "SELECT substr(x, 1, instr(x || ';', ';') - 1) FROM (SELECT"             \
    " substr(evidence, instr(evidence, '; paid') + 2) AS x"                   \
    " FROM reconcile_candidates WHERE payment_id = " #payment                 \
    " AND max_rank = 100 AND invoice_ids = '" ids "')"

/* Log-odds of a score, to 2 decimals. */
#define LOGIT "printf('%.2f', ln(score / (1.0 - score)))"

/* Three customers as of 2024-06-30, no invoices. */
static sqlite3 *cover_open_ledger(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2024-06-30';"
                     "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (1, 'C1', 'Acme Trading Ltd'),"
                     " (2, 'C2', 'Zeta Logistics SA'),"
                     " (3, 'C3', 'Beta GmbH');");
    return db;
}

/* Adds an invoice issued 2024-03-01, due 2024-03-31. */
static void cover_add_invoice(sqlite3 *db, int id, const char *number,
                              int customer, long long cents,
                              const char *currency)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency) VALUES (%d, %Q, %d, '2024-03-01',"
        " '2024-03-31', %lld, %Q)",
        id, number, customer, cents, currency);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* Adds an EUR payment received 2024-03-31; customer 0 is NULL. */
static void cover_add_payment(sqlite3 *db, int id, long long cents,
                              int customer, const char *payer,
                              const char *account, const char *memo,
                              const char *structured)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO payments (payment_id, customer_id, received_date,"
        " amount_cents, currency, payer_name, payer_account, reference,"
        " structured_ref) VALUES (%d, nullif(%d, 0), '2024-03-31', %lld,"
        " 'EUR', %Q, %Q, %Q, %Q)",
        id, customer, cents, payer, account, memo, structured);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* ---- References ------------------------------------------------------ */

/*
** 'F-2024-002' normalizes to F20242, which is F202442 (invoice 1) with
** one 4 deleted, so it is found through the deletion index, and the two
** deletions that give it (either 4) count the invoice once. A key of 6
** characters or more one edit away weighs 4.5. Logit: prior -6 + 4.5 +
** amount equal 5.0 + payer unknown 0 + due date 0.80 = 4.30.
*/
START_TEST(test_ref_typo_drops_character)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, NULL, NULL, "Pago F-2024-002", NULL);
    expect_sql(db, REF_OF(1, 1),
               "ref 'F-2024-0042' in memo as 'F-2024-002' (one edit)");
    expect_sql(db,
               "SELECT " LOGIT " FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[1]'",
               "4.30");
    sqlite3_close(db);
}
END_TEST

/*
** 'F-2024-00423' normalizes to F2024423: less its last 3 it is F202442,
** invoice 1's key, so the typo added a character. Logit as above, 4.30.
** 'F-202400429' normalizes to F202400429; less its 9 it is F20240042,
** but that is invoice 1's key as written (zeros kept), which a typo
** lookup does not use, so the memo names no invoice.
*/
START_TEST(test_ref_typo_adds_character)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, NULL, NULL, "F-2024-00423", NULL);
    cover_add_payment(db, 2, 100000, 0, NULL, NULL, "F-202400429", NULL);
    expect_sql(db, REF_OF(1, 1),
               "ref 'F-2024-0042' in memo as 'F-2024-00423' (one edit)");
    expect_sql(db,
               "SELECT " LOGIT " FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[1]'",
               "4.30");
    expect_sql(db, REF_OF(2, 1), "no ref in memo");
    sqlite3_close(db);
}
END_TEST

/*
** A series 20241..20249: the memo's 20240 is one substitution from all
** nine. Beyond 4 such neighbours only the plausible ones become
** candidates, here 20243 alone, whose open amount equals the payment.
** Its key has 5 characters, so the typo weighs 2.5, and the spread is 1.
** Logit: -6 + 2.5 + 5.0 + 0.80 = 2.30. The other eight have other
** amounts, an unknown payer and no subset of them sums to 300.00, so
** they are no candidates at all.
*/
START_TEST(test_ref_typo_in_dense_series)
{
    sqlite3 *db = cover_open_ledger();
    int i;

    for (i = 1; i <= 9; i++) {
        char *number = sqlite3_mprintf("2024%d", i);
        cover_add_invoice(db, i, number, 2, i == 3 ? 30000 : 100000 + i * 100,
                          "EUR");
        sqlite3_free(number);
    }
    cover_add_payment(db, 1, 30000, 0, NULL, NULL, "Rechnung 20240", NULL);
    expect_sql(db,
               "SELECT invoice_ids, " LOGIT " FROM reconcile_candidates"
               " WHERE payment_id = 1 AND max_rank = 100",
               "[3]|2.30");
    expect_sql(db, REF_OF(1, 3), "ref '20243' in memo as '20240' (one edit)");
    sqlite3_close(db);
}
END_TEST

/*
** 'F-2024-0044' is one edit from F-2024-0042 and F-2024-0043, and
** neither fits a payment of 777.00 (each is short beyond tolerance), so
** no neighbour is plausible. The spread stays 1 and both keep the full
** 4.5 of a long key. Both are listed with the typo.
*/
START_TEST(test_ref_typo_no_plausible_neighbour)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0043", 1, 120000, "EUR");
    cover_add_payment(db, 1, 77700, 0, NULL, NULL, "F-2024-0044", NULL);
    expect_sql(db, REF_OF(1, 1),
               "ref 'F-2024-0042' in memo as 'F-2024-0044' (one edit)");
    expect_sql(db, REF_OF(1, 2),
               "ref 'F-2024-0043' in memo as 'F-2024-0044' (one edit)");
    sqlite3_close(db);
}
END_TEST

/*
** 65 invoices K1-77 .. K65-77 share the serial 77, more than the 64 a
** serial lists, so the memo's '77' names none of them by itself. It still
** gives a serial match to the candidates found otherwise: K7-77 shares
** the payment's amount, 50.07, with M-5-78 and M-5-778. Its serial weight
** is 1.0 - ln(65) = -3.17, raised to the floor 0.3. M-5-78 (serial 78)
** and M-5-778 (serial 778) get no serial match. A second payment names
** M-5-78 exactly, which is stronger than the serial and stays.
*/
START_TEST(test_ref_serial_shared_by_many)
{
    sqlite3 *db = cover_open_ledger();
    int i;

    for (i = 1; i <= 65; i++) {
        char *number = sqlite3_mprintf("K%d-77", i);
        cover_add_invoice(db, i, number, 2, 5000 + i, "EUR");
        sqlite3_free(number);
    }
    cover_add_invoice(db, 100, "M-5-78", 3, 5007, "EUR");
    cover_add_invoice(db, 101, "M-5-778", 3, 5007, "EUR");
    cover_add_payment(db, 1, 5007, 0, NULL, NULL, "Zahlung 77", NULL);
    cover_add_payment(db, 2, 5007, 0, NULL, NULL, "77 M-5-78", NULL);
    expect_sql(db, REF_OF(1, 7), "serial of 'K7-77' in memo ('77')");
    expect_sql(db, REF_OF(1, 100), "no ref in memo");
    expect_sql(db, REF_OF(1, 101), "no ref in memo");
    expect_sql(db, REF_OF(2, 100), "ref 'M-5-78' in memo");
    expect_sql(db, REF_OF(2, 7), "serial of 'K7-77' in memo ('77')");
    sqlite3_close(db);
}
END_TEST

/*
** 17 serials 70..86, each shared by 65 invoices K1-s .. K65-s, and a
** memo listing all 17, each after 'Inv' (17 bare 2-digit words in a row
** would read as an account number): each is too common to list, and
** only the first 16 are kept to give serial matches. K7-85 and K7-86 share the payment's
** amount; K7-85 gets the serial match of 85 (the 16th), K7-86 none.
*/
START_TEST(test_ref_more_than_sixteen_common_serials)
{
    sqlite3 *db = cover_open_ledger();

    harness_exec(
        db,
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 1104)"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency)"
        " SELECT i + 1, printf('K%d-%d', i % 65 + 1, 70 + i / 65), 2,"
        " '2024-03-01', '2024-03-31',"
        " CASE WHEN i % 65 = 6 AND i / 65 >= 15 THEN 99999 ELSE 200000 + i END,"
        " 'EUR' FROM n");
    cover_add_payment(db, 1, 99999, 0, NULL, NULL,
                      "Inv 70 Inv 71 Inv 72 Inv 73 Inv 74 Inv 75 Inv 76 Inv"
                      " 77 Inv 78 Inv 79 Inv 80 Inv 81 Inv 82 Inv 83 Inv 84"
                      " Inv 85 Inv 86",
                      NULL);
    expect_sql(db,
               "SELECT number FROM invoices WHERE total_cents = 99999"
               " ORDER BY invoice_id",
               "K7-85\nK7-86");
    expect_sql(db, REF_OF(1, 982), "serial of 'K7-85' in memo ('85')");
    expect_sql(db, REF_OF(1, 1047), "no ref in memo");
    sqlite3_close(db);
}
END_TEST

/*
** A structured reference RF99F123 has wrong check digits (F123 needs 53):
** its payload names invoice F-123 at the weight 3.0. The memo's '123' is
** F-123's digits key of 3 characters, 4.0 - 1.0 = 3.0 as well, and as a
** digits match is the stronger kind it replaces the structured one in
** the evidence.
*/
START_TEST(test_ref_equal_weight_stronger_kind)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-123", 1, 50000, "EUR");
    cover_add_payment(db, 1, 50000, 0, NULL, NULL, "123", "RF99F123");
    expect_sql(db, REF_OF(1, 1), "ref 'F-123' in memo as '123'");
    sqlite3_close(db);
}
END_TEST

/*
** Structured references against invoice F-2024-0042. RF70F20240042 is
** valid and its payload is the number as written: a valid structured
** ref. RF3442 is valid, but 42 is only the invoice's serial, which a
** structured reference does not match, nor does RF340042 (payload 0042,
** normalized 42). RF11INV is valid, and its payload normalizes to
** nothing (INV is a document word).
*/
START_TEST(test_ref_structured_payloads)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, NULL, NULL, NULL, "RF70F20240042");
    cover_add_payment(db, 2, 100000, 0, NULL, NULL, NULL, "RF3442");
    cover_add_payment(db, 3, 100000, 0, NULL, NULL, NULL, "RF340042");
    cover_add_payment(db, 4, 100000, 0, NULL, NULL, NULL, "RF11INV");
    expect_sql(db, REF_OF(1, 1),
               "valid structured ref 'RF70F20240042' for 'F-2024-0042'");
    expect_sql(db, REF_OF(2, 1), "no ref in memo");
    expect_sql(db, REF_OF(3, 1), "no ref in memo");
    expect_sql(db, REF_OF(4, 1), "no ref in memo");
    sqlite3_close(db);
}
END_TEST

/*
** The payment's customer_id is 1. Its memo names void invoice
** F-2023-0100 of customer 1, which explains those words: no typo lookup,
** so open F-2023-0101 gets no reference. A second payment of customer 1
** names void F-2023-0200 of customer 2, which does not explain them (a
** strong payer rarely quotes someone else's invoice), so the typo lookup
** finds F-2023-0201 of customer 1. A third payment from an unknown
** payer names void F-2023-0200: with nothing known of the payer, the void
** invoice explains the words, and F-2023-0201 (found by its amount) gets
** no reference.
*/
START_TEST(test_ref_void_invoice_explains_memo)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2023-0100", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2023-0101", 1, 100000, "EUR");
    cover_add_invoice(db, 3, "F-2023-0200", 2, 100000, "EUR");
    cover_add_invoice(db, 4, "F-2023-0201", 1, 90000, "EUR");
    harness_exec(db, "UPDATE invoices SET status = 'void'"
                     " WHERE invoice_id IN (1, 3)");
    cover_add_payment(db, 1, 100000, 1, NULL, NULL, "F-2023-0100", NULL);
    cover_add_payment(db, 2, 100000, 1, NULL, NULL, "F-2023-0200", NULL);
    cover_add_payment(db, 3, 90000, 0, NULL, NULL, "F-2023-0200", NULL);
    expect_sql(db, REF_OF(1, 2), "no ref in memo");
    expect_sql(db, REF_OF(2, 4),
               "ref 'F-2023-0201' in memo as 'F-2023-0200' (one edit)");
    expect_sql(db, REF_OF(3, 4), "no ref in memo");
    /* Payment 1's first row, invoice 2: -6 - 3.0 (the memo names another
    ** invoice) + amount equal 5.0 + payer is the customer 5.0 + 0.80 =
    ** 1.80, a score of 0.858. With auto_threshold 0.5 it passes, and the
    ** margin over invoice 4 (6.5) too, but a memo naming a void invoice
    ** still keeps it from auto. */
    expect_sql(db,
               "SELECT invoice_ids, auto, instr(evidence, '; memo names a paid"
               " or void invoice') > 0 FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1 AND auto_threshold = 0.5",
               "[2]|0|1");
    sqlite3_close(db);
}
END_TEST

/*
** Lower-case numbers f-12/3 and f-1/23 both normalize to F123. The memo
** 'f-012/3' groups its characters as F-12-3 once the leading zero is cut,
** like f-12/3, which keeps its exact match. f-1/23 is marked as grouped
** as another number.
*/
START_TEST(test_ref_collision_lower_case)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "f-12/3", 1, 40000, "EUR");
    cover_add_invoice(db, 2, "f-1/23", 1, 45000, "EUR");
    cover_add_payment(db, 1, 40000, 0, NULL, NULL, "f-012/3", NULL);
    expect_sql(db, REF_OF(1, 1), "ref 'f-12/3' in memo as 'f-012/3'");
    expect_sql(db, REF_OF(1, 2),
               "ref 'f-1/23' in memo as 'f-012/3' (grouped as another number)");
    sqlite3_close(db);
}
END_TEST

/*
** 17 invoices whose numbers differ only in the separator all normalize
** to F123: more than the 16 whose grouping is compared, so each keeps its
** exact match. Two of them share the payment's amount, so the spread is
** 2 and neither is auto: the memo cannot tell them apart.
*/
START_TEST(test_ref_collision_too_many)
{
    static const char *const numbers[] = {
        "F-123", "F/123", "F.123", "F 123", "F_123", "F:123",
        "F;123", "F,123", "F+123", "F#123", "F*123", "F=123",
        "F~123", "F!123", "F?123", "F&123", "F|123"};
    sqlite3 *db = cover_open_ledger();
    int i;

    for (i = 0; i < 17; i++)
        cover_add_invoice(db, i + 1, numbers[i], 2, i < 2 ? 50000 : 60000 + i,
                          "EUR");
    cover_add_payment(db, 1, 50000, 0, NULL, NULL, "F 123", NULL);
    expect_sql(db, REF_OF(1, 1), "ref 'F-123' in memo as 'F 123'");
    expect_sql(db, REF_OF(1, 2), "ref 'F/123' in memo as 'F 123'");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND auto = 1",
               "0");
    sqlite3_close(db);
}
END_TEST

/*
** An invoice in USD named by an EUR payment, and one whose customer is
** not the payment's customer, cannot receive the money: neither is a
** candidate, though the memo names both.
*/
START_TEST(test_ref_names_ineligible_invoices)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "U-2024-0001", 1, 100000, "USD");
    cover_add_invoice(db, 3, "Z-2024-0007", 2, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 1, NULL, NULL,
                      "U-2024-0001 Z-2024-0007", NULL);
    expect_sql(db,
               "SELECT group_concat(invoice_ids, ' ') FROM"
               " reconcile_candidates WHERE payment_id = 1 AND max_rank = 100",
               "[1]");
    sqlite3_close(db);
}
END_TEST

/*
** X-10A and X~1-0A both normalize to X10A. The memo's lower-case 'x10a'
** groups as X-10-A, like X-10A, which keeps its exact match, while X~1-0A
** (its zero is a run of its own) is grouped as another number.
*/
START_TEST(test_ref_collision_zero_before_letter)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "X-10A", 1, 40000, "EUR");
    cover_add_invoice(db, 2, "X~1-0A", 1, 45000, "EUR");
    cover_add_payment(db, 1, 40000, 0, NULL, NULL, "x10a", NULL);
    expect_sql(db, REF_OF(1, 1), "ref 'X-10A' in memo as 'x10a'");
    expect_sql(db, REF_OF(1, 2),
               "ref 'X~1-0A' in memo as 'x10a' (grouped as another number)");
    sqlite3_close(db);
}
END_TEST

/*
** F-123 and F/123 group their characters alike (F-123), as the memo
** does, so the memo cannot tell them apart: both keep the exact match.
** The first row states that the number fits another invoice too, so it
** is not auto. F.123 also normalizes to F123 but is in USD: the EUR
** payment cannot pay it, so it takes no part in the comparison. The same
** holds for Y-0/12 and Y0-12 (both Y012, both grouped Y-0-12), and for two
** 34-character order numbers, one written with dashes, whose grouping
** (33 runs) is longer than the 63 characters compared.
*/
START_TEST(test_ref_collision_same_shape)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-123", 1, 50000, "EUR");
    cover_add_invoice(db, 2, "F/123", 1, 50000, "EUR");
    cover_add_invoice(db, 3, "F.123", 1, 50000, "USD");
    cover_add_payment(db, 1, 50000, 0, "ACME TRADING", NULL, "F-123", NULL);
    expect_sql(db, REF_OF(1, 1), "ref 'F-123' in memo");
    expect_sql(db, REF_OF(1, 2), "ref 'F/123' in memo as 'F-123'");
    cover_add_invoice(db, 4, "Y-0/12", 2, 30000, "EUR");
    cover_add_invoice(db, 5, "Y0-12", 2, 30000, "EUR");
    cover_add_payment(db, 2, 30000, 0, "ZETA LOGISTICS", NULL, "Y-0/12",
                      NULL);
    cover_add_invoice(db, 6, "A1B2C3D4E5F6G7H8I9J1K2L3M4N5O6P77Q", 3, 20000,
                      "EUR");
    cover_add_invoice(db, 7,
                      "A1-B2-C3-D4-E5-F6-G7-H8-I9-J1-K2-L3-M4-N5-O6-P77-Q", 3,
                      20000, "EUR");
    cover_add_payment(db, 3, 20000, 0, "BETA", NULL,
                      "A1B2C3D4E5F6G7H8I9J1K2L3M4N5O6P77Q", NULL);
    expect_sql(db,
               "SELECT payment_id, auto, instr(evidence, '; memo number fits"
               " another invoice too') > 0 FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1 UNION ALL"
               " SELECT payment_id, auto, instr(evidence, '; memo number fits"
               " another invoice too') > 0 FROM reconcile_candidates"
               " WHERE payment_id = 2 AND rank = 1 UNION ALL"
               " SELECT payment_id, auto, instr(evidence, '; memo number fits"
               " another invoice too') > 0 FROM reconcile_candidates"
               " WHERE payment_id = 3 AND rank = 1",
               "1|0|1\n2|0|1\n3|0|1");
    sqlite3_close(db);
}
END_TEST

/*
** A memo number written with a Greek capital sigma: ref_normalize keeps
** Greek letters, so the key is not F202442 and nothing is within one edit
** of it (the sigma is two bytes). Only the digit run 0042, key 42, still
** names invoice 1, by its serial.
*/
START_TEST(test_ref_greek_letter_in_memo)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, NULL, NULL,
                      "\xCE\xA3-2024-0042", NULL);
    expect_sql(db, REF_OF(1, 1), "serial of 'F-2024-0042' in memo ('0042')");
    sqlite3_close(db);
}
END_TEST

/* ---- Payers ---------------------------------------------------------- */

/*
** An account learned for customers 1 and 3 makes both weak payers (2.0).
** The payer name is also learned for customer 1 (4.5), which upgrades
** customer 1; customer 3 stays on the shared account.
*/
START_TEST(test_payer_name_alias_upgrades_shared)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-1", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "B-1", 3, 100000, "EUR");
    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('account', 'DE89370400440532013000', 1),"
                     " ('account', 'DE89370400440532013000', 3),"
                     " ('name', 'ROADRUNNER HOLDINGS', 1)");
    cover_add_payment(db, 1, 100000, 0, "Roadrunner Holdings",
                      "DE89370400440532013000", "transfer", NULL);
    expect_sql(db, PAYER_OF(1, 1), "payer name known for customer");
    expect_sql(db, PAYER_OF(1, 2), "payer account known for several customers");
    sqlite3_close(db);
}
END_TEST

/*
** The same account learned twice for customer 1, written with and
** without blanks, has one key and one customer: not shared.
*/
START_TEST(test_payer_account_alias_twice)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-1", 1, 100000, "EUR");
    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('account', 'DE89 3704 0044 0532 0130 00', 1),"
                     " ('account', 'DE89370400440532013000', 1)");
    cover_add_payment(db, 1, 100000, 0, NULL, "DE89370400440532013000",
                      "transfer", NULL);
    expect_sql(db, PAYER_OF(1, 1), "payer account known for customer");
    sqlite3_close(db);
}
END_TEST

/*
** Nine customers and at most 6 payers kept. The account is learned for
** customers 11..17: the first six come in at 2.0 each, the seventh finds
** no weaker one and is left out. The name is learned for customer 18
** (4.5), which takes the place of the first weakest, customer 11.
** Customer 18's name key equals the payer's, and customer 19's key
** 'ROADRUNNER HOLDING' is a prefix of it (Jaro-Winkler 0.99), 4.5 again,
** which takes the place of the next weakest, customer 12. So the payer is
** strong, customers 11 and 12 look like another customer, 13 stays on
** the shared account, 17 was never kept, and 18 and 19 match.
*/
START_TEST(test_payer_more_than_six)
{
    sqlite3 *db = cover_open_ledger();
    int i;

    harness_exec(db, "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (11, 'P1', 'Alpha One'), (12, 'P2', 'Bravo Two'),"
                     " (13, 'P3', 'Charlie Three'), (14, 'P4', 'Delta Four'),"
                     " (15, 'P5', 'Echo Five'), (16, 'P6', 'Foxtrot Six'),"
                     " (17, 'P7', 'Golf Seven'),"
                     " (18, 'P8', 'Roadrunner Holdings GmbH'),"
                     " (19, 'P9', 'Roadrunner Holding Co')");
    for (i = 11; i <= 19; i++) {
        char *number = sqlite3_mprintf("P-%d", i);
        cover_add_invoice(db, i, number, i, 100000, "EUR");
        sqlite3_free(number);
        if (i <= 17) {
            char *sql = sqlite3_mprintf(
                "INSERT INTO payer_aliases (kind, alias, customer_id) VALUES"
                " ('account', 'NL91ABNA0417164300', %d)",
                i);
            harness_exec(db, sql);
            sqlite3_free(sql);
        }
    }
    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('name', 'Roadrunner Holdings', 18)");
    cover_add_payment(db, 1, 100000, 0, "Roadrunner Holdings",
                      "NL91ABNA0417164300", "transfer", NULL);
    expect_sql(db, PAYER_OF(1, 11), "payer looks like another customer");
    expect_sql(db, PAYER_OF(1, 12), "payer looks like another customer");
    expect_sql(db, PAYER_OF(1, 13), "payer account known for several customers");
    expect_sql(db, PAYER_OF(1, 17), "payer looks like another customer");
    expect_sql(db, PAYER_OF(1, 18), "payer name known for customer");
    expect_sql(db, PAYER_OF(1, 19), "payer matches customer");
    sqlite3_close(db);
}
END_TEST

/*
** Name similarity cases, each with Jaro-Winkler (prefix scale 0.1, at
** most 4 letters) worked out on the name keys:
**   'ACME ZETA' vs 'ACME BETA': 8 of 9 letters match in order, jaro
**   0.9259, with the prefix 0.9556; the words differ, so it stays: 0.95.
**   'ACME TRADINGS' vs 'ACME TRADING': 0.9846, over the 0.97 a prefix
**   of 8 bytes or more would give: a match.
**   'ACME TRADING' vs 'ACME TRADING EUROPE': 0.9263, raised to 0.97 by
**   the prefix; the payer's words are all the customer's, whose floor
**   0.90 is lower: a match.
**   'ACME TRADING XY' vs 'ACME TRADING': 0.96, raised to 0.97 by the
**   prefix; the 2-letter word XY looks up no customer.
**   'ACME TRADING' vs 'ACMEVILLE POWER': they share the word start ACME,
**   but 0.7467 is under 0.80, so the payer stays unknown.
*/
START_TEST(test_payer_name_similarity_cases)
{
    sqlite3 *db = cover_open_ledger();

    harness_exec(db, "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (21, 'N1', 'Acme Beta Ltd'),"
                     " (22, 'N2', 'Acme Trading Europe Ltd'),"
                     " (23, 'N3', 'Acmeville Power')");
    cover_add_invoice(db, 1, "N-1", 21, 100000, "EUR");
    cover_add_invoice(db, 2, "N-2", 1, 200000, "EUR");
    cover_add_invoice(db, 3, "N-3", 22, 300000, "EUR");
    cover_add_invoice(db, 4, "N-4", 23, 400000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "ACME ZETA", NULL, "x", NULL);
    cover_add_payment(db, 2, 200000, 0, "Acme Tradings", NULL, "x", NULL);
    cover_add_payment(db, 3, 300000, 0, "Acme Trading", NULL, "x", NULL);
    cover_add_payment(db, 4, 200000, 0, "Acme Trading XY", NULL, "x", NULL);
    expect_sql(db, PAYER_OF(1, 1), "payer name like customer (0.95)");
    expect_sql(db, PAYER_OF(2, 2), "payer matches customer");
    expect_sql(db, PAYER_OF(3, 3), "payer matches customer");
    expect_sql(db, PAYER_OF(4, 2), "payer matches customer");
    sqlite3_close(db);
}
END_TEST

/* The 'Acmeville Power' case above, alone, with an account of dashes. */
START_TEST(test_payer_name_too_far)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2024-06-30';"
                     "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (23, 'N3', 'Acmeville Power')");
    cover_add_invoice(db, 4, "N-4", 23, 400000, "EUR");
    cover_add_payment(db, 1, 400000, 0, "Acme Trading", "----", "x", NULL);
    expect_sql(db, PAYER_OF(1, 4), "payer unknown");
    sqlite3_close(db);
}
END_TEST

/*
** 4001 customers 'Holding <n>' and, among them, 1100 'Holding Group
** <n>'. The word start HOLD is shared by more than 4000 customers and
** looks up none; GROU finds 1100, of which the first 1024 are kept and the
** 8 with the most votes are compared. All votes are equal. Customers 1 to
** 9 have the key HOLDING GROUP, because their number normalizes to one
** digit, which a name key drops. So their length equals the payer's and
** they come first: 1 to 8 are compared, each equal to the payer (1.0), and
** the first 6 are kept as payers. Customer 1 matches; customer 7 is left
** out, and the strong payer makes its invoice another customer's.
*/
START_TEST(test_payer_thousands_share_word)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(
        db,
        "UPDATE settings SET as_of = '2024-06-30';"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 4001)"
        " INSERT INTO customers (customer_id, code, name)"
        " SELECT i, 'H' || i, CASE WHEN i <= 1100"
        " THEN printf('Holding Group %04d', i)"
        " ELSE printf('Holding %04d', i) END FROM n;");
    cover_add_invoice(db, 1, "G-1", 1, 100000, "EUR");
    cover_add_invoice(db, 7, "G-7", 7, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "Holding Group", NULL, "x", NULL);
    expect_sql(db, PAYER_OF(1, 1), "payer matches customer");
    expect_sql(db, PAYER_OF(1, 7), "payer looks like another customer");
    sqlite3_close(db);
}
END_TEST

/*
** A payer name in Greek longer than a name key. 'XYZ' and 7 words of 9
** Greek capitals (18 bytes each) is cut at 127 bytes, 9 bytes into the
** 7th word, inside a letter. So the key is not valid UTF-8 and is
** compared byte by byte. Its only common word with customer 'XYZ
** Trading' is XYZ: 4 of the payer's 127 bytes match 4 of the 11
** characters, Jaro-Winkler (4/127 + 4/11 + 1) / 3 = 0.465 raised by a
** 4-byte prefix to 0.679, under 0.80, so the payer is unknown.
*/
START_TEST(test_payer_name_cut_inside_letter)
{
    sqlite3 *db = cover_open_ledger();
    char name[200];
    int i;

    harness_exec(db, "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (31, 'X1', 'XYZ Trading')");
    cover_add_invoice(db, 1, "X-1", 31, 100000, "EUR");
    strcpy(name, "XYZ");
    for (i = 0; i < 7; i++)
        strcat(name, " \xCE\x91\xCE\x91\xCE\x91\xCE\x91\xCE\x91"
                     "\xCE\x91\xCE\x91\xCE\x91\xCE\x91");
    cover_add_payment(db, 1, 100000, 0, name, NULL, "x", NULL);
    expect_sql(db, PAYER_OF(1, 1), "payer unknown");
    sqlite3_close(db);
}
END_TEST

/* ---- Claims ---------------------------------------------------------- */

/*
** Payments 1 and 2 arrive the same day for invoice 1 (1000.00, open in
** full), each an auto match by itself. Within a day the lower payment_id
** claims first, so payment 1 keeps auto and payment 2 loses it. Read
** again against what is left, payment 2 can only go to invoice 2, not
** auto. Payment 3 is an auto match of invoice 3 and keeps it.
*/
START_TEST(test_claims_same_day_lower_id_first)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0043", 1, 50000, "EUR");
    cover_add_invoice(db, 3, "F-2024-0044", 2, 25000, "EUR");
    cover_add_payment(db, 2, 100000, 0, "ACME TRADING", NULL,
                      "Invoice F-2024-0042", NULL);
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "F-2024-0042",
                      NULL);
    cover_add_payment(db, 3, 25000, 0, "ZETA LOGISTICS", NULL, "F-2024-0044",
                      NULL);
    expect_sql(db,
               "SELECT payment_id, invoice_ids, auto FROM reconcile_candidates"
               " WHERE rank = 1",
               "1|[1]|1\n2|[2]|0\n3|[3]|1");
    sqlite3_close(db);
}
END_TEST

/*
** Payment 2 (1000.00 from ACME TRADING, no reference) fits Acme's
** invoices 1 and 4 equally (same amount and dates): no auto. Payment 1
** takes invoice 1 by its reference. Read again against what is left,
** payment 2 has invoice 4 alone, now an auto match.
*/
START_TEST(test_claims_second_reading_gives_auto)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 4, "F-2024-0045", 1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "F-2024-0042",
                      NULL);
    cover_add_payment(db, 2, 100000, 0, "ACME TRADING", NULL, "transfer",
                      NULL);
    expect_sql(db,
               "SELECT auto FROM reconcile_candidates"
               " WHERE payment_id = 2 AND rank = 1",
               "0");
    expect_sql(db,
               "SELECT payment_id, invoice_ids, auto FROM reconcile_candidates"
               " WHERE rank = 1",
               "1|[1]|1\n2|[4]|1");
    sqlite3_close(db);
}
END_TEST

/*
** Ten payments of one day, each an auto match of its own invoice by a
** long remittance text (about 480 bytes), and an eleventh for invoice 1
** again, which payment 1 takes first. The eleventh is read again, and the
** ten auto matches are kept, with their texts, which together pass the
** first 4096 bytes of the text buffer. With all ten invoices taken, the
** eleventh has no candidate left in the full table (payment_id + 0 keeps
** the query from scoring payment 11 alone).
*/
START_TEST(test_claims_many_long_memos)
{
    sqlite3 *db = cover_open_ledger();
    char *pad = sqlite3_mprintf("%.*c", 440, 'x');
    int i;

    for (i = 1; i <= 10; i++) {
        char *number = sqlite3_mprintf("F-2024-%04d", 100 + i);
        char *memo = sqlite3_mprintf("Invoice %s remittance %s", number, pad);
        cover_add_invoice(db, i, number, 1, 100000 + i, "EUR");
        cover_add_payment(db, i, 100000 + i, 0, "ACME TRADING", NULL, memo,
                          NULL);
        sqlite3_free(memo);
        sqlite3_free(number);
    }
    cover_add_payment(db, 11, 100001, 0, "ACME TRADING", NULL,
                      "F-2024-0101", NULL);
    sqlite3_free(pad);
    expect_sql(db,
               "SELECT count(*), sum(payment_id = invoice_ids + 0) FROM"
               " (SELECT payment_id, substr(invoice_ids, 2,"
               " length(invoice_ids) - 2) AS invoice_ids"
               " FROM reconcile_candidates WHERE rank = 1 AND auto = 1)",
               "10|10");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id + 0 = 11",
               "0");
    sqlite3_close(db);
}
END_TEST

/*
** Typos of a taken invoice: payment 1 takes invoice 1 by its exact
** reference. Payment 2 ('F-2024-0024', a swap) and payment 3
** ('F-2024-00423', one character more) name invoice 1 only through a
** typo. Read again, invoice 1 is paid, so the typo lookups skip it, and
** nothing else fits 1000.00: they have no candidates.
*/
START_TEST(test_claims_typo_of_taken_invoice)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "F-2024-0042",
                      NULL);
    cover_add_payment(db, 2, 100000, 0, NULL, NULL, "F-2024-0024", NULL);
    cover_add_payment(db, 3, 100000, 0, NULL, NULL, "F-2024-00423", NULL);
    expect_sql(db,
               "SELECT payment_id, invoice_ids, auto FROM reconcile_candidates",
               "1|[1]|1");
    sqlite3_close(db);
}
END_TEST

/*
** A chain that needs every reading. Payment 1 takes invoice 1 by its
** reference. Payment 2 (from ACME TRADING) fits Acme's invoices 1 and 2
** equally, and payment 3 (a name learned for both Acme and Zeta) fits
** invoices 1, 2 and 3 equally, so neither is auto at first. The second
** reading leaves payment 2 only invoice 2 (auto); the third leaves
** payment 3 only invoice 3 (auto). Payment 4 is like payment 3 (another
** reference), so it also gets invoice 3 as an auto match in the third
** reading, but payment 3 claims it first; with no reading left, payment
** 4 keeps that row, not auto, naming payment 3.
*/
START_TEST(test_claims_chain_of_three)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0101", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0102", 1, 100000, "EUR");
    cover_add_invoice(db, 3, "F-2024-0103", 2, 100000, "EUR");
    harness_exec(db, "INSERT INTO payer_aliases (kind, alias, customer_id)"
                     " VALUES ('name', 'Acme-Zeta Holding', 1),"
                     " ('name', 'Acme-Zeta Holding', 2)");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "F-2024-0101",
                      NULL);
    cover_add_payment(db, 2, 100000, 0, "ACME TRADING", NULL, "transfer",
                      NULL);
    cover_add_payment(db, 3, 100000, 0, "Acme-Zeta Holding", NULL,
                      "transfer", NULL);
    cover_add_payment(db, 4, 100000, 0, "Acme-Zeta Holding", NULL,
                      "transfer 2", NULL);
    expect_sql(db,
               "SELECT payment_id, invoice_ids, auto, instr(evidence, '; an"
               " invoice is taken by payment 3') > 0"
               " FROM reconcile_candidates WHERE rank = 1",
               "1|[1]|1|0\n2|[2]|1|0\n3|[3]|1|0\n4|[3]|0|1");
    sqlite3_close(db);
}
END_TEST

/* ---- Evidence text --------------------------------------------------- */

/*
** Amounts in currencies with other minor units. JPY has none: 10000 yen
** open and 9000 paid is short beyond the tolerance (10 + 3% = 310 yen),
** shown without decimals. ZZZ is no ISO 4217 code, so 2 decimals are
** assumed: 995.00 paid on 1000.00 is 5.00 short, within 10.00 + 30.00.
*/
START_TEST(test_evidence_minor_units)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "J-1", 1, 10000, "JPY");
    cover_add_invoice(db, 2, "Z-1", 1, 100000, "ZZZ");
    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, reference) VALUES"
                     " (1, '2024-03-31', 9000, 'JPY', 'J-1'),"
                     " (2, '2024-03-31', 99500, 'ZZZ', 'Z-1')");
    expect_sql(db, AMOUNT_OF(1, "[1]"), "partial: pays 9000 of 10000");
    expect_sql(db, AMOUNT_OF(2, "[2]"), "amount 5.00 short, within fee tolerance");
    sqlite3_close(db);
}
END_TEST

/*
** A number longer than the 40 bytes quoted, with an 'é' across byte 40:
** the quote stops before that letter, after 'T'. The number normalizes
** to ABCDEFGHIJKLMNOPQRSTE1, which the memo writes.
*/
START_TEST(test_evidence_quote_cut_on_character)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "A-B-C-D-E-F-G-H-I-J-K-L-M-N-O-P-Q-R-S-T\xC3\xA9" "1",
                      1, 100000, "EUR");
    cover_add_payment(db, 1, 100000, 0, NULL, NULL, "ABCDEFGHIJKLMNOPQRSTE1",
                      NULL);
    expect_sql(db, REF_OF(1, 1),
               "ref 'A-B-C-D-E-F-G-H-I-J-K-L-M-N-O-P-Q-R-S-T' in memo as"
               " 'ABCDEFGHIJKLMNOPQRSTE1'");
    sqlite3_close(db);
}
END_TEST

/*
** A memo naming invoices 1 (1000.00) and 2 (500.00) gives the set
** [1,2] of 1500.00, whose fee tolerance is 10.00 + 3% = 55.00:
**   1200.00 paid is a partial payment of the two;
**   1495.00 is 5.00 short, within the tolerance;
**   1505.00 is 5.00 over, within it;
**   2000.00 is 500.00 over, a credit.
*/
START_TEST(test_evidence_set_amounts)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0043", 1, 50000, "EUR");
    cover_add_payment(db, 1, 120000, 0, NULL, NULL, "F-2024-0042 F-2024-0043",
                      NULL);
    cover_add_payment(db, 2, 149500, 0, NULL, NULL, "F-2024-0042 F-2024-0043",
                      NULL);
    cover_add_payment(db, 3, 150500, 0, NULL, NULL, "F-2024-0042 F-2024-0043",
                      NULL);
    cover_add_payment(db, 4, 200000, 0, NULL, NULL, "F-2024-0042 F-2024-0043",
                      NULL);
    expect_sql(db, AMOUNT_OF(1, "[1,2]"),
               "partial: pays 1200.00 of 1500.00 (2 invoices)");
    expect_sql(db, AMOUNT_OF(2, "[1,2]"),
               "sum of 2 invoices 5.00 over amount, within fee tolerance");
    expect_sql(db, AMOUNT_OF(3, "[1,2]"), "sum of 2 invoices under amount by 5.00");
    expect_sql(db, AMOUNT_OF(4, "[1,2]"),
               "sum of 2 invoices under amount by 500.00, leaves a credit");
    sqlite3_close(db);
}
END_TEST

/*
** Dates at their edges. Invoice 1 is issued 2024-04-01: paid on 03-31,
** one day before. Invoice 2 fell due on 2023-01-31: paid on 2024-03-31,
** 365 + 29 + 31 = 425 days late, more than a year, which weighs -1.0.
** Its logit: -6 + number key F20231 (6 characters) 8.0 + amount equal
** 5.0 + payer unknown 0 - 1.0 = 6.00.
*/
START_TEST(test_evidence_dates_at_edges)
{
    sqlite3 *db = cover_open_ledger();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (1, 'F-2024-0050', 1, '2024-04-01', '2024-05-01', 60000,"
                     " 'EUR'),"
                     " (2, 'F-2023-0001', 1, '2023-01-01', '2023-01-31', 77700,"
                     " 'EUR')");
    cover_add_payment(db, 1, 60000, 0, NULL, NULL, "F-2024-0050", NULL);
    cover_add_payment(db, 2, 77700, 0, NULL, NULL, "F-2023-0001", NULL);
    expect_sql(db, DATE_OF(1, "[1]"), "paid 1 day before issue");
    expect_sql(db, DATE_OF(2, "[2]"), "paid 425 days after due date");
    expect_sql(db,
               "SELECT " LOGIT " FROM reconcile_candidates"
               " WHERE payment_id = 2 AND invoice_ids = '[2]'",
               "6.00");
    sqlite3_close(db);
}
END_TEST

/*
** 1200.00 paid on an invoice of 500.00 leaves 700.00 over, more than the
** 500.00 it pays: the first row states so and is not auto.
*/
START_TEST(test_evidence_pays_twice_the_open)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0060", 1, 50000, "EUR");
    cover_add_payment(db, 1, 120000, 0, NULL, NULL, "F-2024-0060", NULL);
    expect_sql(db,
               "SELECT invoice_ids, auto, instr(evidence, '; pays more than"
               " twice what is open') > 0 FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[1]|0|1");
    sqlite3_close(db);
}
END_TEST

/*
** A payment of 1500.00 already has 500.00 allocated to invoice 2. The
** 1000.00 left fits invoice 1 exactly, but a payment someone has begun to
** allocate is left to that person: not auto, and the row states why.
*/
START_TEST(test_evidence_partly_allocated)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0043", 1, 50000, "EUR");
    cover_add_payment(db, 1, 150000, 0, "ACME TRADING", NULL, "F-2024-0042",
                      NULL);
    harness_exec(db, "INSERT INTO allocations (invoice_id, kind, payment_id,"
                     " amount_cents) VALUES (2, 'payment', 1, 50000)");
    expect_sql(db,
               "SELECT invoice_ids, allocate_cents, auto, instr(evidence,"
               " '; payment already partly allocated') > 0"
               " FROM reconcile_candidates WHERE payment_id = 1 AND rank = 1",
               "[1]|[100000]|0|1");
    sqlite3_close(db);
}
END_TEST

/* ---- Decisions and ordering ------------------------------------------ */

/*
** A reject of the set [1,2], written '[ 2, 1 ]', hides that row (the ids
** are compared sorted) and keeps the payment from auto. Invoice 3 has a
** 19-digit id, as systems with snowflake ids give: a reject of it hides
** it as well, so invoice 4 is left first.
*/
START_TEST(test_decision_reject_sets_and_long_ids)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0101", 1, 60000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0102", 1, 40000, "EUR");
    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (1234567890123456789, 'Z-2024-0001', 2, '2024-03-01',"
                     " '2024-03-31', 30000, 'EUR'),"
                     " (4, 'Z-2024-0002', 2, '2024-03-01', '2024-03-31',"
                     " 29000, 'EUR')");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL,
                      "F-2024-0101 F-2024-0102", NULL);
    cover_add_payment(db, 2, 30000, 0, "ZETA LOGISTICS", NULL, "Z-2024-0001",
                      NULL);
    expect_sql(db,
               "SELECT payment_id, invoice_ids FROM reconcile_candidates"
               " WHERE rank = 1",
               "1|[1,2]\n2|[1234567890123456789]");
    harness_exec(db, "INSERT INTO reconcile_decisions (payment_id,"
                     " invoice_ids, decision) VALUES (1, '[ 2, 1 ]', 'reject'),"
                     " (2, '[1234567890123456789]', 'reject')");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE invoice_ids IN ('[1,2]', '[1234567890123456789]')",
               "0");
    expect_sql(db,
               "SELECT payment_id, invoice_ids, auto, instr(evidence, '; a"
               " person rejected or undid a match of this payment') > 0"
               " FROM reconcile_candidates WHERE rank = 1",
               "1|[1]|0|1\n2|[4]|0|1");
    sqlite3_close(db);
}
END_TEST

/*
** ORDER BY payment_id (then rank) ascending is the table's own order; any
** other order is sorted by SQLite. Two equalities on payment_id that
** disagree match nothing. Each payment has two rows: payment 1
** (1000.00, naming invoice 1) ranks invoice 1 then 2, payment 2 (500.00,
** naming invoice 2) ranks invoice 2 then 1.
*/
START_TEST(test_order_by_variants)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0043", 1, 50000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "F-2024-0042",
                      NULL);
    cover_add_payment(db, 2, 50000, 0, "ACME TRADING", NULL, "F-2024-0043",
                      NULL);
    expect_sql(db,
               "SELECT payment_id, rank, invoice_ids FROM reconcile_candidates"
               " ORDER BY payment_id, rank",
               "1|1|[1]\n1|2|[2]\n2|1|[2]\n2|2|[1]");
    expect_sql(db,
               "SELECT payment_id, rank FROM reconcile_candidates"
               " ORDER BY payment_id DESC, rank",
               "2|1\n2|2\n1|1\n1|2");
    expect_sql(db,
               "SELECT payment_id, rank FROM reconcile_candidates"
               " ORDER BY payment_id, rank DESC",
               "1|2\n1|1\n2|2\n2|1");
    expect_sql(db,
               "SELECT payment_id, rank FROM reconcile_candidates"
               " ORDER BY payment_id, invoice_ids",
               "1|1\n1|2\n2|2\n2|1");
    expect_sql(db,
               "SELECT payment_id, rank FROM reconcile_candidates"
               " ORDER BY rank, payment_id",
               "1|1\n2|1\n1|2\n2|2");
    expect_sql(db,
               "SELECT payment_id, rank FROM reconcile_candidates"
               " ORDER BY payment_id, rank, invoice_ids",
               "1|1\n1|2\n2|1\n2|2");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND payment_id = 2",
               "0");
    sqlite3_close(db);
}
END_TEST

/* ---- Settings at their bounds and invoice sets ----------------------- */

/*
** Settings of one query at their bounds, on payment 1 (1000.00 from ACME
** TRADING naming invoice 1: logit 12.30, auto by default) and payment 2
** (995.00 for invoice 2 of 1000.00, 5.00 short):
**   auto_threshold 1: no score reaches 1, so nothing is auto;
**   fee_abs_cents 0 and fee_pct 0: no tolerance, so 5.00 short is a
**   partial payment, not a fee;
**   max_rank 1: one row per payment.
** Payment 3 (1500.00 from ACME TRADING, no reference) has no single
** invoice of its amount; with auto_threshold 1 no single row could be
** safe either, so the subset search runs and finds Acme's invoices 1 and
** 3 (1000.00 + 500.00), not auto.
*/
START_TEST(test_settings_at_bounds)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0042", 1, 100000, "EUR");
    cover_add_invoice(db, 2, "Z-2024-0042", 2, 100000, "EUR");
    cover_add_invoice(db, 3, "F-2024-0043", 1, 50000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "F-2024-0042",
                      NULL);
    cover_add_payment(db, 2, 99500, 0, "ZETA LOGISTICS", NULL, "Z-2024-0042",
                      NULL);
    cover_add_payment(db, 3, 150000, 0, "ACME TRADING", NULL, "transfer",
                      NULL);
    expect_sql(db,
               "SELECT auto FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "1");
    expect_sql(db,
               "SELECT auto FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1 AND auto_threshold = 1",
               "0");
    expect_sql(db,
               "SELECT amount_match FROM reconcile_candidates"
               " WHERE payment_id = 2 AND rank = 1",
               "fee");
    expect_sql(db,
               "SELECT amount_match FROM reconcile_candidates"
               " WHERE payment_id = 2 AND rank = 1 AND fee_abs_cents = 0"
               " AND fee_pct = 0",
               "short");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND max_rank = 1",
               "1");
    expect_sql(db,
               "SELECT invoice_ids, auto FROM reconcile_candidates"
               " WHERE payment_id = 3 AND rank = 1 AND auto_threshold = 1",
               "[1,3]|0");
    sqlite3_close(db);
}
END_TEST

/*
** Invoice sets of Acme, all due 03-31 (X issued 03-05, the others 03-01):
**   a memo naming X (id 1) then F-2 (id 2) gives the set [2,1], oldest
**   first;
**   a memo naming F-3 (600.00) with 1000.00 paid finds the unnamed F-4
**   (400.00) to make up the sum: the set [3,4];
**   a memo naming F-3 and F-4 with 1500.00 paid adds F-5 (500.00):
**   [3,4,5], but with subset_max_size 2 the two named invoices leave no
**   room for a third, so that set is not searched for.
*/
START_TEST(test_sets_named_and_subset)
{
    sqlite3 *db = cover_open_ledger();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (1, 'X-2024-0001', 3, '2024-03-05', '2024-03-31', 70000,"
                     " 'EUR'),"
                     " (2, 'F-2024-0002', 3, '2024-03-01', '2024-03-31', 80000,"
                     " 'EUR')");
    cover_add_invoice(db, 3, "F-2024-0003", 1, 60000, "EUR");
    cover_add_invoice(db, 4, "F-2024-0004", 1, 40000, "EUR");
    cover_add_invoice(db, 5, "F-2024-0005", 1, 50000, "EUR");
    cover_add_payment(db, 1, 150000, 0, "BETA", NULL,
                      "X-2024-0001 F-2024-0002", NULL);
    cover_add_payment(db, 2, 100000, 0, "ACME TRADING", NULL, "F-2024-0003",
                      NULL);
    cover_add_payment(db, 3, 150000, 0, "ACME TRADING", NULL,
                      "F-2024-0003 F-2024-0004", NULL);
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND invoice_ids = '[2,1]'",
               "1");
    expect_sql(db,
               "SELECT amount_match FROM reconcile_candidates"
               " WHERE payment_id = 2 AND invoice_ids = '[3,4]'",
               "equal");
    expect_sql(db,
               "SELECT amount_match FROM reconcile_candidates"
               " WHERE payment_id = 3 AND invoice_ids = '[3,4,5]'",
               "equal");
    harness_exec(db, "UPDATE reconcile_settings SET subset_max_size = 2");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 3 AND invoice_ids = '[3,4,5]'",
               "0");
    sqlite3_close(db);
}
END_TEST

/*
** With no fee tolerance, a payment of 1000.00 from Acme, whose open
** invoices are 600.00, 300.00 and 200.00 (no subset sums to 1000.00), gets
** no set row.
*/
START_TEST(test_sets_no_exact_subset_without_fee)
{
    sqlite3 *db = cover_open_ledger();

    cover_add_invoice(db, 1, "F-2024-0001", 1, 60000, "EUR");
    cover_add_invoice(db, 2, "F-2024-0002", 1, 30000, "EUR");
    cover_add_invoice(db, 3, "F-2024-0003", 1, 20000, "EUR");
    cover_add_payment(db, 1, 100000, 0, "ACME TRADING", NULL, "transfer",
                      NULL);
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id = 1 AND fee_abs_cents = 0 AND fee_pct = 0"
               " AND max_rank = 100 AND invoice_ids LIKE '%,%'",
               "0");
    sqlite3_close(db);
}
END_TEST

/*
** A key of 29 characters, 'A' and 28 digits, in a memo, and 262 open
** invoices one edit from it: 252 with one of the 28 digits changed and
** 10 with a digit added at the end. That is more than the 256 neighbours
** a typo lookup collects. Only invoice 1, whose first digit differs and
** which is collected among the first, has the payment's amount: it is
** found, with its typo.
*/
START_TEST(test_ref_typo_lookup_limit)
{
    sqlite3 *db = cover_open_ledger();

    harness_exec(
        db,
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 251),"
        " k(key) AS (SELECT '1234567890123456789012345678')"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency)"
        " SELECT i + 1, 'A' || substr(key, 1, i / 9)"
        " || ((substr(key, i / 9 + 1, 1) + i % 9 + 1) % 10)"
        " || substr(key, i / 9 + 2), 2, '2024-03-01', '2024-03-31',"
        " CASE WHEN i = 0 THEN 4242 ELSE 100000 + i END, 'EUR' FROM n, k");
    harness_exec(
        db,
        "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 9)"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency)"
        " SELECT 1000 + i, 'A1234567890123456789012345678' || i, 2,"
        " '2024-03-01', '2024-03-31', 200000 + i, 'EUR' FROM n");
    cover_add_payment(db, 1, 4242, 0, NULL, NULL,
                      "A1234567890123456789012345678", NULL);
    expect_sql(db, "SELECT number FROM invoices WHERE invoice_id = 1",
               "A2234567890123456789012345678");
    expect_sql(db, REF_OF(1, 1),
               "ref 'A2234567890123456789012345678' in memo as"
               " 'A1234567890123456789012345678' (one edit)");
    sqlite3_close(db);
}
END_TEST

/* ---- Tables written by another tool ---------------------------------- */

/* The columns reconcile_candidates reads, with no constraint at all. */
static sqlite3 *cover_open_bare(void)
{
    sqlite3 *db = harness_open();

    harness_exec(
        db,
        "CREATE TABLE customers (customer_id INTEGER PRIMARY KEY, name TEXT);"
        "CREATE TABLE invoices (invoice_id INTEGER PRIMARY KEY, number TEXT,"
        " customer_id INTEGER, issue_date TEXT, due_date TEXT,"
        " total_cents INTEGER, allocated_cents INTEGER DEFAULT 0,"
        " currency TEXT, status TEXT DEFAULT 'issued');"
        "CREATE TABLE payments (payment_id INTEGER PRIMARY KEY,"
        " customer_id INTEGER, received_date TEXT, amount_cents INTEGER,"
        " allocated_cents INTEGER DEFAULT 0, currency TEXT, payer_name TEXT,"
        " payer_account TEXT, reference TEXT, structured_ref TEXT,"
        " status TEXT DEFAULT 'unreconciled');"
        "CREATE TABLE payer_aliases (kind TEXT, alias TEXT,"
        " customer_id INTEGER);"
        "INSERT INTO customers VALUES (1, 'Acme Trading Ltd'), (2, NULL);"
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency) VALUES"
        " (1, 'F-1', 1, '2024-03-01', '2024-03-31', 100000, 'EUR'),"
        " (2, 'F-2', 2, '2024-03-01', '2024-03-31', 50000, 'EUR'),"
        " (3, 'F-3', 99, '2024-03-01', '2024-03-31', 70000, 'EUR');");
    return db;
}

/*
** Each way an invoice row can be unreadable gives the same error naming
** the invoice: a NULL issue date, a due date that does not exist, a
** NULL number, a currency of 4 letters or none, and no status.
*/
START_TEST(test_bare_invoice_rows_rejected)
{
    static const char *const breaks[] = {
        "UPDATE invoices SET issue_date = NULL WHERE invoice_id = 2",
        "UPDATE invoices SET due_date = '2024-02-30' WHERE invoice_id = 2",
        "UPDATE invoices SET number = NULL WHERE invoice_id = 2",
        "UPDATE invoices SET currency = 'EURO' WHERE invoice_id = 2",
        "UPDATE invoices SET currency = NULL WHERE invoice_id = 2",
        "UPDATE invoices SET status = NULL WHERE invoice_id = 2"};
    size_t i;

    for (i = 0; i < sizeof(breaks) / sizeof(*breaks); i++) {
        sqlite3 *db = cover_open_bare();
        harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                         " amount_cents, currency) VALUES"
                         " (1, '2024-03-31', 100000, 'EUR')");
        harness_exec(db, breaks[i]);
        expect_sql_error(
            db, "SELECT * FROM reconcile_candidates",
            "reconcile_candidates: invoice 2 has a missing number, a date"
            " that is not YYYY-MM-DD or a currency that is not 3 letters;"
            " correct the invoice row");
        sqlite3_close(db);
    }
}
END_TEST

/*
** A payment whose received date is missing or does not exist, or whose
** currency is missing or not 3 letters, is named in the error.
*/
START_TEST(test_bare_payment_row_rejected)
{
    static const char *const rows[] = {
        "(3, '2024-13-01', 100000, 'EUR')", "(3, NULL, 100000, 'EUR')",
        "(3, '2024-03-31', 100000, NULL)", "(3, '2024-03-31', 100000, 'EU')"};
    size_t i;

    for (i = 0; i < sizeof(rows) / sizeof(*rows); i++) {
        sqlite3 *db = cover_open_bare();
        char *sql = sqlite3_mprintf(
            "INSERT INTO payments (payment_id, received_date, amount_cents,"
            " currency) VALUES %s",
            rows[i]);
        harness_exec(db, sql);
        sqlite3_free(sql);
        expect_sql_error(db, "SELECT * FROM reconcile_candidates",
                         "reconcile_candidates: payment 3 has a received_date"
                         " that is not YYYY-MM-DD or a currency that is not 3"
                         " letters; correct the payment row");
        sqlite3_close(db);
    }
}
END_TEST

/*
** Rows another tool may leave: customer 2 without a name, invoice 3 of a
** customer 99 that is missing, aliases with no kind, no alias, an unknown
** customer, an unknown kind or an account of dashes only.
**   Payment 1 (700.00, 'F-3', no customer) may pay invoice 3, which has
**   no customer to show.
**   Payment 2 has customer_id 99: no invoice is that
**   customer's, so it has no candidate.
**   Payment 3 from account DE89... finds no usable alias: payer unknown
**   for invoice 2 (its amount).
**   Payment 4 of customer 1 names void invoice 5 of the missing customer
**   99, which cannot explain the memo of a known payer; the payment goes
**   to customer 1's invoice 1.
*/
START_TEST(test_bare_rows_with_nulls)
{
    sqlite3 *db = cover_open_bare();

    harness_exec(
        db,
        "INSERT INTO payer_aliases VALUES (NULL, 'DE89370400440532013000', 1),"
        " ('account', NULL, 1), ('account', 'DE89370400440532013000', 77),"
        " ('iban', 'DE89370400440532013000', 1), ('account', '---', 1);"
        "INSERT INTO payments (payment_id, customer_id, received_date,"
        " amount_cents, currency, payer_account, reference) VALUES"
        " (1, NULL, '2024-03-31', 70000, 'EUR', NULL, 'F-3'),"
        " (2, 99, '2024-03-31', 70000, 'EUR', NULL, 'F-3'),"
        " (3, NULL, '2024-03-31', 50000, 'EUR', 'DE89370400440532013000',"
        " 'transfer'),"
        " (4, 1, '2024-03-31', 100000, 'EUR', NULL, 'F-5');"
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency, status) VALUES"
        " (5, 'F-5', 99, '2024-03-01', '2024-03-31', 100000, 'EUR', 'void')");
    expect_sql(db,
               "SELECT invoice_ids, customer_id, substr(evidence, 1, 15)"
               " FROM reconcile_candidates WHERE payment_id = 1 AND rank = 1",
               "[3]|NULL|ref 'F-3' in me");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates WHERE payment_id = 2",
               "0");
    expect_sql(db, PAYER_OF(3, 2), "payer unknown");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 4 AND rank = 1",
               "[1]");
    sqlite3_close(db);
}
END_TEST

/*
** Odd invoice numbers, each found by a payment of its amount:
**   'A１2' (a fullwidth 1) normalizes to A12, which the memo 'A12' names;
**   'ABC' has no digit and '' nothing at all, so no memo names them;
**   '000' is named by '000' as written;
**   a number of 600 characters is stored cut and named by nothing;
**   'Σ-100' keeps its Greek letter, and the memo 'Σ-100' names it;
**   'É-01' is E1 normalized and 01 as written, two keys of one length,
**   and the memo 'E1' names it;
**   'F1-0２' (a fullwidth 2) normalizes to F12, whose digits 12 are as
**   long as the ASCII digits written, 10, and the memo 'F12' names it.
*/
START_TEST(test_bare_odd_invoice_numbers)
{
    sqlite3 *db = cover_open_bare();
    char *long_number = sqlite3_mprintf("L%.*c", 599, '7');
    char *sql = sqlite3_mprintf(
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency) VALUES"
        " (11, 'A\xEF\xBC\x91" "2', 1, '2024-03-01', '2024-03-31', 1100, 'EUR'),"
        " (12, 'ABC', 1, '2024-03-01', '2024-03-31', 1200, 'EUR'),"
        " (13, '', 1, '2024-03-01', '2024-03-31', 1300, 'EUR'),"
        " (14, '000', 1, '2024-03-01', '2024-03-31', 1400, 'EUR'),"
        " (15, %Q, 1, '2024-03-01', '2024-03-31', 1500, 'EUR'),"
        " (16, 'N123456789012345678901234567890123456789012345', 1,"
        " '2024-03-01', '2024-03-31', 1600, 'EUR'),"
        " (17, '\xCE\xA3-100', 1, '2024-03-01', '2024-03-31', 1700, 'EUR'),"
        " (18, '\xC3\x89-01', 1, '2024-03-01', '2024-03-31', 1800, 'EUR'),"
        " (19, 'F1-0\xEF\xBC\x92', 1, '2024-03-01', '2024-03-31', 1900,"
        " 'EUR');"
        "INSERT INTO payments (payment_id, received_date, amount_cents,"
        " currency, reference) VALUES"
        " (11, '2024-03-31', 1100, 'EUR', 'A12'),"
        " (12, '2024-03-31', 1200, 'EUR', 'ABC'),"
        " (13, '2024-03-31', 1300, 'EUR', 'x'),"
        " (14, '2024-03-31', 1400, 'EUR', '000'),"
        " (15, '2024-03-31', 1500, 'EUR', 'x'),"
        " (16, '2024-03-31', 1600, 'EUR', 'x'),"
        " (17, '2024-03-31', 1700, 'EUR', '\xCE\xA3-100'),"
        " (18, '2024-03-31', 1800, 'EUR', 'E1'),"
        " (19, '2024-03-31', 1900, 'EUR', 'F12')",
        long_number);

    harness_exec(db, sql);
    sqlite3_free(sql);
    sqlite3_free(long_number);
    expect_sql(db, REF_OF(11, 11), "ref 'A\xEF\xBC\x91" "2' in memo as 'A12'");
    expect_sql(db, REF_OF(12, 12), "no ref in memo");
    expect_sql(db, REF_OF(13, 13), "no ref in memo");
    expect_sql(db, REF_OF(14, 14), "ref '000' in memo");
    expect_sql(db, REF_OF(15, 15), "no ref in memo");
    expect_sql(db, REF_OF(16, 16), "no ref in memo");
    expect_sql(db, REF_OF(17, 17), "ref '\xCE\xA3-100' in memo");
    expect_sql(db, REF_OF(18, 18), "ref '\xC3\x89-01' in memo as 'E1'");
    expect_sql(db, REF_OF(19, 19), "ref 'F1-0\xEF\xBC\x92' in memo as 'F12'");
    sqlite3_close(db);
}
END_TEST

/*
** The open invoices of a customer are taken oldest first, and by
** invoice_id within a day: invoices 4 and 5 (issued 03-01) before 3
** (03-05), though 3 has the lowest id. A payment of their sum from the
** customer lists them as [4,5,3].
*/
START_TEST(test_bare_open_order_by_issue_then_id)
{
    sqlite3 *db = cover_open_bare();

    harness_exec(
        db,
        "DELETE FROM invoices;"
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency) VALUES"
        " (3, 'S-3', 1, '2024-03-05', '2024-04-04', 30000, 'EUR'),"
        " (4, 'S-4', 1, '2024-03-01', '2024-03-31', 20000, 'EUR'),"
        " (5, 'S-5', 1, '2024-03-01', '2024-03-31', 10000, 'EUR');"
        "INSERT INTO payments (payment_id, customer_id, received_date,"
        " amount_cents, currency, reference) VALUES"
        " (1, 1, '2024-04-04', 60000, 'EUR', 'transfer')");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates"
               " WHERE payment_id = 1 AND rank = 1",
               "[4,5,3]");
    sqlite3_close(db);
}
END_TEST

/*
** A table replaced by a view that fails while it is read (here an
** integer overflow in abs()) gives an error naming the table and
** SQLite's message. The tables are customers, invoices, payer_aliases,
** reconcile_settings, reconcile_decisions and payments. For payments,
** only the look for an earlier duplicate reads the failing column, of
** payment 2, allocated in full and received the day before payment 1.
*/
START_TEST(test_bare_view_fails_while_read)
{
    static const char *const views[][2] = {
        {"ALTER TABLE customers RENAME TO customer_rows;"
         "CREATE VIEW customers AS SELECT customer_id,"
         " abs(-9223372036854775807 - 1) AS name FROM customer_rows",
         "reconcile_candidates: reading customers failed: integer overflow"},
        {"ALTER TABLE invoices RENAME TO invoice_rows;"
         "CREATE VIEW invoices AS SELECT invoice_id, number, customer_id,"
         " issue_date, due_date, total_cents,"
         " abs(-9223372036854775807 - 1) AS allocated_cents, currency,"
         " status FROM invoice_rows",
         "reconcile_candidates: reading invoices failed: integer overflow"},
        {"DROP TABLE payer_aliases;"
         "CREATE VIEW payer_aliases AS SELECT 'name' AS kind,"
         " abs(-9223372036854775807 - 1) AS alias, 1 AS customer_id",
         "reconcile_candidates: reading payer_aliases failed: integer"
         " overflow"},
        {"CREATE VIEW reconcile_settings AS SELECT 1 AS id,"
         " abs(-9223372036854775807 - 1) AS auto_threshold,"
         " 2.0 AS auto_margin, 1000 AS fee_abs_cents, 3.0 AS fee_pct,"
         " 5 AS max_rank, 16 AS subset_max_invoices, 8 AS subset_max_size,"
         " 365 AS closed_lookback_days, 5 AS duplicate_days",
         "reconcile_candidates: reading reconcile_settings failed: integer"
         " overflow"},
        {"CREATE VIEW reconcile_decisions AS SELECT 1 AS payment_id,"
         " 'reject' AS decision,"
         " abs(-9223372036854775807 - 1) AS invoice_ids",
         "reconcile_candidates: reading reconcile_decisions failed: integer"
         " overflow"},
        {"INSERT INTO payments (payment_id, received_date, amount_cents,"
         " allocated_cents, currency) VALUES"
         " (2, '2024-03-30', 100000, 100000, 'EUR');"
         "ALTER TABLE payments RENAME TO payment_rows;"
         "CREATE VIEW payments AS SELECT payment_id, customer_id,"
         " received_date, amount_cents, allocated_cents, currency,"
         " payer_name, payer_account, reference, CASE WHEN payment_id = 2"
         " THEN abs(-9223372036854775807 - 1) END AS structured_ref, status"
         " FROM payment_rows",
         "reconcile_candidates: reading payments failed: integer overflow"}};
    size_t i;

    for (i = 0; i < sizeof(views) / sizeof(*views); i++) {
        sqlite3 *db = cover_open_bare();
        harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                         " amount_cents, currency) VALUES"
                         " (1, '2024-03-31', 100000, 'EUR')");
        harness_exec(db, views[i][0]);
        expect_sql_error(db, "SELECT * FROM reconcile_candidates",
                         views[i][1]);
        sqlite3_close(db);
    }
}
END_TEST

/*
** A customers view that reads reconcile_candidates itself would make the
** table read itself while it loads. The error names customers among the
** tables that must not be such views.
*/
START_TEST(test_bare_view_reads_candidates)
{
    sqlite3 *db = cover_open_bare();

    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency) VALUES"
                     " (1, '2024-03-31', 100000, 'EUR');"
                     "ALTER TABLE customers RENAME TO customer_rows;"
                     "CREATE VIEW customers AS SELECT payment_id AS"
                     " customer_id, 'x' AS name FROM reconcile_candidates");
    expect_sql_error(db, "SELECT * FROM reconcile_candidates",
                     "reconcile_candidates: a table it reads (customers,"
                     " invoices, payments, payer_aliases, reconcile_decisions,"
                     " reconcile_settings) used reconcile_candidates again;"
                     " they must be tables, not views that use it");
    /* The statement that read the view is finalized after the error.
    ** Kept, it would hold the table, and the table its statement, so
    ** sqlite3_close would stay busy and leak the connection. */
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

/*
** A reconcile_settings table of another tool with no row gives the
** defaults. A view with NULL in every column but max_rank keeps each
** default too, and max_rank 1 leaves one row of payment 1. It has two, both of its customer 1: invoice 1 (1000.00, its
** amount, auto) and invoice 4 (200.00, a partial payment).
*/
START_TEST(test_bare_settings_nulls_keep_defaults)
{
    sqlite3 *db = cover_open_bare();

    harness_exec(db,
                 "INSERT INTO payments (payment_id, customer_id,"
                 " received_date, amount_cents, currency) VALUES"
                 " (1, 1, '2024-03-31', 100000, 'EUR');"
                 "INSERT INTO invoices (invoice_id, number, customer_id,"
                 " issue_date, due_date, total_cents, currency) VALUES"
                 " (4, 'F-4', 1, '2024-03-01', '2024-03-31', 20000, 'EUR')");
    harness_exec(db, "CREATE TABLE reconcile_settings (id INTEGER,"
                     " auto_threshold, auto_margin, fee_abs_cents, fee_pct,"
                     " max_rank, subset_max_invoices, subset_max_size,"
                     " closed_lookback_days, duplicate_days)");
    expect_sql(db,
               "SELECT count(*), sum(auto) FROM reconcile_candidates"
               " WHERE payment_id = 1",
               "2|1");
    harness_exec(db, "DROP TABLE reconcile_settings;"
                     "CREATE VIEW reconcile_settings AS SELECT 1 AS id,"
                     " NULL AS auto_threshold, NULL AS auto_margin,"
                     " NULL AS fee_abs_cents, NULL AS fee_pct, 1 AS max_rank,"
                     " NULL AS subset_max_invoices, NULL AS subset_max_size,"
                     " NULL AS closed_lookback_days, NULL AS duplicate_days");
    expect_sql(db,
               "SELECT invoice_ids, auto FROM reconcile_candidates"
               " WHERE payment_id = 1",
               "[1]|1");
    sqlite3_close(db);
}
END_TEST

/*
** Dates in year 1: the paid and void invoices are read from 365 days
** before the oldest payment, which is before 0001-01-01, so from that
** day. The payment of 0001-02-01 is one day after the due date.
*/
START_TEST(test_bare_first_year)
{
    sqlite3 *db = cover_open_bare();

    harness_exec(db, "INSERT INTO invoices (invoice_id, number, customer_id,"
                     " issue_date, due_date, total_cents, currency) VALUES"
                     " (9, 'Y-1', 1, '0001-01-01', '0001-01-31', 4200, 'EUR');"
                     "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency, reference) VALUES"
                     " (1, '0001-02-01', 4200, 'EUR', 'Y-1')");
    expect_sql(db, DATE_OF(1, "[9]"), "paid 1 day after due date");
    sqlite3_close(db);
}
END_TEST

/*
** Decisions in a table of another tool, with no checks. An undo of an
** automatic allocation keeps payment 1 from auto like a reject does. A
** reject written with other text around the ids ('ids: 2') still hides
** invoice 2 from payment 3. A reject naming an id of 20 digits, more than
** any invoice_id, hides nothing, nor does one without ids (NULL) or one
** listing 65 ids (only the first 64 are read).
*/
START_TEST(test_bare_decisions)
{
    sqlite3 *db = cover_open_bare();

    harness_exec(
        db,
        "CREATE TABLE reconcile_decisions (payment_id INTEGER,"
        " decision TEXT, invoice_ids TEXT);"
        "INSERT INTO payments (payment_id, received_date, amount_cents,"
        " currency, payer_name, reference) VALUES"
        " (1, '2024-03-31', 100000, 'EUR', 'ACME TRADING', 'F-1'),"
        " (3, '2024-03-31', 50000, 'EUR', NULL, 'F-2');"
        "INSERT INTO reconcile_decisions VALUES (1, 'undo', '[1]'),"
        " (1, 'reject', '[99999999999999999999]'),"
        " (3, 'reject', 'ids: 2'), (3, 'confirm', '[1]'),"
        " (3, 'reject', NULL);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        " WHERE i < 65)"
        " INSERT INTO reconcile_decisions SELECT 1, 'reject',"
        " '[' || group_concat(i, ',') || ']' FROM n");
    expect_sql(db,
               "SELECT payment_id, invoice_ids, auto, instr(evidence, '; a"
               " person rejected or undid a match of this payment') > 0"
               " FROM reconcile_candidates WHERE rank = 1",
               "1|[1]|0|1");
    expect_sql(db,
               "SELECT count(*) FROM reconcile_candidates"
               " WHERE payment_id + 0 = 3 AND invoice_ids = '[2]'",
               "0");
    sqlite3_close(db);
}
END_TEST

/* ---- ar_aging's schema prefix --------------------------------------- */

/*
** ar_aging reads the statement text to notice a schema prefix, which
** SQLite does not pass on. Every way of writing one is an error naming
** it: blanks, tabs and line ends around the '.', the name in [ ], in
** backquotes, with a '$' or a non-ASCII letter. Words that only contain
** ar_aging (my_ar_aging, ar_aging2, '{ar_aging') and the prefix main are
** no prefix.
*/
START_TEST(test_aging_schema_prefix_spellings)
{
    sqlite3 *db = harness_open_schema();
    static const char *const prefixed[][2] = {
        {"SELECT * FROM aux\t \r\n.\r\n\t ar_aging('2013-06-30')", "aux"},
        {"SELECT * FROM [aux].ar_aging('2013-06-30')", "aux"},
        {"SELECT * FROM `aux`.ar_aging('2013-06-30')", "aux"},
        {"SELECT * FROM aux$1.ar_aging('2013-06-30')", "aux$1"},
        {"SELECT * FROM a\xC3\xBCx.ar_aging('2013-06-30')", "a\xC3\xBCx"}};
    size_t i;

    harness_exec(db, "ATTACH ':memory:' AS aux;"
                     "ATTACH ':memory:' AS \"aux$1\";"
                     "ATTACH ':memory:' AS \"a\xC3\xBCx\"");
    for (i = 0; i < sizeof(prefixed) / sizeof(*prefixed); i++) {
        char *expected = sqlite3_mprintf("got '%s.ar_aging'", prefixed[i][1]);
        expect_sql_error(db, prefixed[i][0], expected);
        sqlite3_free(expected);
    }
    expect_sql(db,
               "SELECT 1 AS my_ar_aging, 2 AS ar_aging2, '{ar_aging', count(*)"
               " FROM main.ar_aging('2013-06-30')",
               "1|2|{ar_aging|0");
    sqlite3_close(db);
}
END_TEST

Suite *cover_reconcile2_suite(void)
{
    Suite *s = suite_create("cover_reconcile2");
    TCase *refs = tcase_create("refs");
    TCase *payer = tcase_create("payer");
    TCase *claims = tcase_create("claims");
    TCase *bare = tcase_create("bare");
    TCase *evidence = tcase_create("evidence");
    TCase *aging = tcase_create("aging");

    tcase_add_test(refs, test_ref_typo_drops_character);
    tcase_add_test(refs, test_ref_typo_adds_character);
    tcase_add_test(refs, test_ref_typo_in_dense_series);
    tcase_add_test(refs, test_ref_typo_no_plausible_neighbour);
    tcase_add_test(refs, test_ref_serial_shared_by_many);
    tcase_add_test(refs, test_ref_more_than_sixteen_common_serials);
    tcase_add_test(refs, test_ref_equal_weight_stronger_kind);
    tcase_add_test(refs, test_ref_structured_payloads);
    tcase_add_test(refs, test_ref_void_invoice_explains_memo);
    tcase_add_test(refs, test_ref_collision_lower_case);
    tcase_add_test(refs, test_ref_collision_too_many);
    tcase_add_test(refs, test_ref_names_ineligible_invoices);
    tcase_add_test(refs, test_ref_collision_zero_before_letter);
    tcase_add_test(refs, test_ref_collision_same_shape);
    tcase_add_test(refs, test_ref_greek_letter_in_memo);
    suite_add_tcase(s, refs);
    tcase_add_test(payer, test_payer_name_alias_upgrades_shared);
    tcase_add_test(payer, test_payer_account_alias_twice);
    tcase_add_test(payer, test_payer_more_than_six);
    tcase_add_test(payer, test_payer_name_similarity_cases);
    tcase_add_test(payer, test_payer_name_too_far);
    tcase_add_test(payer, test_payer_thousands_share_word);
    tcase_add_test(payer, test_payer_name_cut_inside_letter);
    suite_add_tcase(s, payer);
    tcase_add_test(claims, test_claims_same_day_lower_id_first);
    tcase_add_test(claims, test_claims_second_reading_gives_auto);
    tcase_add_test(claims, test_claims_many_long_memos);
    tcase_add_test(claims, test_claims_typo_of_taken_invoice);
    tcase_add_test(claims, test_claims_chain_of_three);
    suite_add_tcase(s, claims);
    tcase_add_test(evidence, test_evidence_minor_units);
    tcase_add_test(evidence, test_evidence_quote_cut_on_character);
    tcase_add_test(evidence, test_evidence_set_amounts);
    tcase_add_test(evidence, test_evidence_dates_at_edges);
    tcase_add_test(evidence, test_evidence_pays_twice_the_open);
    tcase_add_test(evidence, test_evidence_partly_allocated);
    tcase_add_test(evidence, test_decision_reject_sets_and_long_ids);
    tcase_add_test(evidence, test_order_by_variants);
    tcase_add_test(evidence, test_settings_at_bounds);
    tcase_add_test(evidence, test_sets_named_and_subset);
    tcase_add_test(evidence, test_sets_no_exact_subset_without_fee);
    tcase_add_test(refs, test_ref_typo_lookup_limit);
    suite_add_tcase(s, evidence);
    tcase_add_test(bare, test_bare_invoice_rows_rejected);
    tcase_add_test(bare, test_bare_payment_row_rejected);
    tcase_add_test(bare, test_bare_rows_with_nulls);
    tcase_add_test(bare, test_bare_odd_invoice_numbers);
    tcase_add_test(bare, test_bare_open_order_by_issue_then_id);
    tcase_add_test(bare, test_bare_first_year);
    tcase_add_test(bare, test_bare_settings_nulls_keep_defaults);
    tcase_add_test(bare, test_bare_view_reads_candidates);
    tcase_add_test(bare, test_bare_view_fails_while_read);
    tcase_add_test(bare, test_bare_decisions);
    suite_add_tcase(s, bare);
    tcase_add_test(aging, test_aging_schema_prefix_spellings);
    suite_add_tcase(s, aging);
    return s;
}
