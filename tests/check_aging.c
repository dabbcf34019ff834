/*
** ar_aging: the aging table-valued function and its aging_totals core.
**
** Where the expected values come from:
**   - Days overdue are counted by hand from month lengths (2013 is not a
**     leap year) and shown next to each case. The bucket bounds are those
**     of aging_bucket: 0 or less current, 1-30, 31-60, 61-90, 91 and over.
**   - Open amounts are total_cents less the allocations dated on or before
**     as_of, added up by hand in the comments.
**   - The generated-ledger tests compare ar_aging with the two plain-SQL
**     reports of tests/bench, which SQLite evaluates without the
**     extension: aging_plain_allocations.sql sums allocations alone, and
**     aging_plain.sql trusts the columns the triggers keep, as ar_aging
**     does.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aging.h"
#include "harness.h"

/* The plain-SQL reports, relative to tests/ (the working directory). */
static const char *const plain_sql_paths[] = {
    "bench/aging_plain_allocations.sql",
    "bench/aging_plain.sql",
};

#define PLAIN_SQL_COUNT (sizeof(plain_sql_paths) / sizeof(*plain_sql_paths))

/* A ledger with the schema, triggers and five customers, no invoices. */
static sqlite3 *open_ledger(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec(db, "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (1, 'ACME', 'Acme'), (2, 'BETA', 'Beta'),"
                     " (3, 'GAMMA', 'Gamma'), (4, 'DELTA', 'Delta'),"
                     " (5, 'EPSILON', 'Epsilon')");
    return db;
}

static void add_invoice(sqlite3 *db, int id, int customer, const char *issue,
                        const char *due, int cents, const char *currency)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency) VALUES (%d, 'INV-%d', %d, %Q, %Q,"
        " %d, %Q)",
        id, id, customer, issue, due, cents, currency);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* Records a payment of the invoice's customer and allocates it in full. */
static void add_payment(sqlite3 *db, int invoice, const char *date, int cents)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO payments (customer_id, received_date, amount_cents,"
        " currency) SELECT customer_id, %Q, %d, currency FROM invoices"
        " WHERE invoice_id = %d;"
        "INSERT INTO allocations (invoice_id, payment_id, amount_cents)"
        " VALUES (%d, last_insert_rowid(), %d)",
        date, cents, invoice, invoice, cents);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* Issues a credit note against the invoice and applies it in full. */
static void add_credit_note(sqlite3 *db, int invoice, const char *date,
                            int cents)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO credit_notes (number, customer_id, issue_date,"
        " amount_cents, currency, invoice_id, reason) SELECT 'CN-' || %d,"
        " customer_id, %Q, %d, currency, %d, 'damaged goods' FROM invoices"
        " WHERE invoice_id = %d;"
        "INSERT INTO allocations (invoice_id, kind, credit_note_id,"
        " amount_cents) VALUES (%d, 'credit_note', last_insert_rowid(), %d)",
        invoice, date, cents, invoice, invoice, invoice, cents);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

static void add_write_off(sqlite3 *db, int invoice, const char *date, int cents)
{
    char *sql = sqlite3_mprintf(
        "INSERT INTO allocations (invoice_id, kind, amount_cents,"
        " effective_date, reason) VALUES (%d, 'write_off', %d, %Q,"
        " 'uncollectable')",
        invoice, cents, date);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* Asserts the rows of SELECT * FROM ar_aging(as_of). */
static void expect_aging(sqlite3 *db, const char *as_of, const char *rows)
{
    char *sql = sqlite3_mprintf("SELECT * FROM ar_aging(%Q)", as_of);

    expect_sql(db, sql, rows);
    sqlite3_free(sql);
}

START_TEST(test_ar_aging_bucket_boundaries)
{
    sqlite3 *db = open_ledger();

    /* Each comment gives the days overdue on 2013-06-30. Every amount is a
    ** distinct power of two times 100, so a bucket sum shows which invoices
    ** went into it. */
    add_invoice(db, 1, 1, "2013-01-01", "2013-06-30", 100, "USD");   /* 0 */
    add_invoice(db, 2, 1, "2013-01-01", "2013-06-29", 200, "USD");   /* 1 */
    add_invoice(db, 3, 1, "2013-01-01", "2013-05-31", 400, "USD");   /* 30 */
    add_invoice(db, 4, 1, "2013-01-01", "2013-05-30", 800, "USD");   /* 31 */
    add_invoice(db, 5, 1, "2013-01-01", "2013-05-01", 1600, "USD");  /* 60 */
    add_invoice(db, 6, 1, "2013-01-01", "2013-04-30", 3200, "USD");  /* 61 */
    add_invoice(db, 7, 1, "2013-01-01", "2013-04-01", 6400, "USD");  /* 90 */
    add_invoice(db, 8, 1, "2013-01-01", "2013-03-31", 12800, "USD"); /* 91 */
    add_invoice(db, 9, 1, "2013-06-01", "2013-07-01", 25600, "USD"); /* -1 */
    /* current 100 + 25600 = 25700; 1-30 200 + 400 = 600;
    ** 31-60 800 + 1600 = 2400; 61-90 3200 + 6400 = 9600; 90+ 12800;
    ** total 100 * (2^9 - 1) = 51100; 9 invoices; max 91 days. */
    expect_aging(db, "2013-06-30",
                 "1|USD|25700|600|2400|9600|12800|51100|9|91");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_partial_payment_leaves_rest)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-03-01", "2013-03-31", 10000, "USD");
    add_payment(db, 1, "2013-04-15", 4000);
    /* 10000 - 4000 = 6000 open; 03-31 to 06-30 is 30 + 31 + 30 = 91 days. */
    expect_aging(db, "2013-06-30", "2|USD|0|0|0|0|6000|6000|1|91");
    /* The day before the payment the whole 10000 is open, 14 days late. */
    expect_aging(db, "2013-04-14", "2|USD|0|10000|0|0|0|10000|1|14");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_payment_after_as_of_ignored)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-05-01", "2013-05-31", 5000, "USD");
    add_payment(db, 1, "2013-07-05", 5000);
    /* Paid on 07-05, so still open on 06-30, 30 days after 05-31. */
    expect_aging(db, "2013-06-30", "2|USD|0|5000|0|0|0|5000|1|30");
    expect_aging(db, "2013-07-04", "2|USD|0|0|5000|0|0|5000|1|34");
    /* On the payment day itself it counts ("on or before as_of"). */
    expect_aging(db, "2013-07-05", "");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_issued_after_as_of_excluded)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-07-02", "2013-08-01", 9000, "USD");
    expect_aging(db, "2013-07-01", "");
    /* Issued on as_of counts: due 30 days later, so -30 and current. */
    expect_aging(db, "2013-07-02", "2|USD|9000|0|0|0|0|9000|1|-30");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_void_excluded)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-04-01", "2013-05-01", 7000, "USD");
    add_invoice(db, 2, 2, "2013-04-01", "2013-05-01", 300, "USD");
    add_payment(db, 1, "2013-04-05", 1000);
    harness_exec(db,
                 "UPDATE invoices SET status = 'void' WHERE invoice_id = 1");
    /* Only invoice 2 is left: 300, 05-01 to 06-30 is 30 + 30 = 60 days. */
    expect_aging(db, "2013-06-30", "2|USD|0|0|300|0|0|300|1|60");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_fully_paid_excluded)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 3, "2013-04-01", "2013-05-01", 2000, "USD");
    add_payment(db, 1, "2013-05-10", 1200);
    add_payment(db, 1, "2013-05-20", 800);
    expect_aging(db, "2013-06-30", "");
    /* Between the payments 2000 - 1200 = 800 is open, 14 days after 05-01. */
    expect_aging(db, "2013-05-15", "3|USD|0|800|0|0|0|800|1|14");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_paid_after_as_of_sums_earlier)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 4, "2013-05-01", "2013-05-31", 10000, "USD");
    add_payment(db, 1, "2013-06-10", 3000);
    add_payment(db, 1, "2013-07-10", 7000);
    /* The triggers closed it on the later payment, so on any as_of before
    ** 07-10 its allocations are summed, not skipped. */
    expect_sql(db, "SELECT status, paid_date, allocated_cents FROM invoices",
               "paid|2013-07-10|10000");
    /* 10000 - 3000 = 7000 open; 05-31 to 06-30 is 30 days. */
    expect_aging(db, "2013-06-30", "4|USD|0|7000|0|0|0|7000|1|30");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 4",
               "4|USD|0|7000|0|0|0|7000|1|30");
    /* The day before the last payment: 7000, 30 + 9 = 39 days. */
    expect_aging(db, "2013-07-09", "4|USD|0|0|7000|0|0|7000|1|39");
    /* On paid_date it is closed. */
    expect_aging(db, "2013-07-10", "");
    /* Before the first payment all 10000 is open, 9 days late; on its day
    ** 7000 is, 10 days late. */
    expect_aging(db, "2013-06-09", "4|USD|0|10000|0|0|0|10000|1|9");
    expect_aging(db, "2013-06-10", "4|USD|0|7000|0|0|0|7000|1|10");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_partial_allocations_both_sides)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 5, "2013-05-15", "2013-06-14", 10000, "USD");
    add_payment(db, 1, "2013-06-10", 2000);
    add_credit_note(db, 1, "2013-07-05", 1000);
    /* 3000 of 10000 allocated: still 'issued', so never skipped as paid. */
    expect_sql(db, "SELECT status, paid_date, allocated_cents FROM invoices",
               "issued|NULL|3000");
    /* Only the 06-10 payment counts: 8000 open, 06-14 to 06-30 = 16 days. */
    expect_aging(db, "2013-06-30", "5|USD|0|8000|0|0|0|8000|1|16");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 5",
               "5|USD|0|8000|0|0|0|8000|1|16");
    /* On the credit note's date both count: 7000, 16 + 5 = 21 days. */
    expect_aging(db, "2013-07-05", "5|USD|0|7000|0|0|0|7000|1|21");
    /* Before the payment none counts: 10000, due in 5 days; on its day
    ** 8000, due in 4. */
    expect_aging(db, "2013-06-09", "5|USD|10000|0|0|0|0|10000|1|-5");
    expect_aging(db, "2013-06-10", "5|USD|8000|0|0|0|0|8000|1|-4");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_unallocated_whole_total)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 3, "2013-04-01", "2013-05-01", 4321, "USD");
    add_invoice(db, 2, 3, "2013-04-01", "2013-05-01", 1000, "USD");
    add_payment(db, 2, "2013-05-20", 400);
    expect_sql(db,
               "SELECT invoice_id, allocated_cents FROM invoices"
               " ORDER BY invoice_id",
               "1|0\n2|400");
    /* Invoice 1 owes its whole 4321 and invoice 2 1000 - 400 = 600, both
    ** 05-01 to 06-30 = 30 + 30 = 60 days: 4921 in 31-60. */
    expect_aging(db, "2013-06-30", "3|USD|0|0|4921|0|0|4921|2|60");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 3",
               "3|USD|0|0|4921|0|0|4921|2|60");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_credit_note_and_write_off)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-04-10", "2013-05-10", 8000, "USD");
    add_credit_note(db, 1, "2013-04-20", 1500);
    add_payment(db, 1, "2013-06-01", 2500);
    add_invoice(db, 2, 2, "2013-02-01", "2013-03-03", 6000, "USD");
    add_payment(db, 2, "2013-03-10", 1000);
    add_write_off(db, 2, "2013-06-15", 5000);
    add_invoice(db, 3, 3, "2013-01-15", "2013-02-14", 1234, "USD");
    add_write_off(db, 3, "2013-07-10", 1234);
    /* Invoice 1: 8000 - 1500 - 2500 = 4000, 05-10 to 06-30 = 21 + 30 = 51
    ** days. Invoice 2: 1000 paid and 5000 written off, closed. Invoice 3:
    ** written off after as_of, so 1234 open, 02-14 to 06-30 = 14 + 31 +
    ** 30 + 31 + 30 = 136 days. */
    expect_aging(db, "2013-06-30",
                 "2|USD|0|0|4000|0|0|4000|1|51\n"
                 "3|USD|0|0|0|0|1234|1234|1|136");
    /* On 04-20 only the credit note counts: 8000 - 1500 = 6500 current
    ** (-20); invoice 2 has 5000 open, 03-03 to 04-20 = 28 + 20 = 48. */
    expect_aging(db, "2013-04-20",
                 "2|USD|6500|0|5000|0|0|11500|2|48\n"
                 "3|USD|0|0|0|1234|0|1234|1|65");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_two_currencies_two_rows)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-06-01", "2013-07-01", 3000, "USD");
    add_invoice(db, 2, 2, "2013-06-10", "2013-06-20", 4500, "EUR");
    add_invoice(db, 3, 1, "2013-06-10", "2013-06-20", 100, "USD");
    /* Rows go by customer_id, then currency: EUR before USD. */
    expect_aging(db, "2013-06-30",
                 "1|USD|0|100|0|0|0|100|1|10\n"
                 "2|EUR|0|4500|0|0|0|4500|1|10\n"
                 "2|USD|3000|0|0|0|0|3000|1|-1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_max_days_negative_when_none_due)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 5, "2013-06-05", "2013-07-05", 100, "USD");
    add_invoice(db, 2, 5, "2013-06-10", "2013-07-10", 200, "USD");
    /* Due in 5 and 10 days: the true maximum is -5, not clipped to 0. */
    expect_aging(db, "2013-06-30", "5|USD|300|0|0|0|0|300|2|-5");
    sqlite3_close(db);
}
END_TEST

/* The ledger of test_ar_aging_hand_ledger_dates, invoice by invoice. */
static sqlite3 *open_hand_ledger(void)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 2, "2013-03-01", "2013-03-31", 10000, "USD");
    add_payment(db, 1, "2013-04-15", 4000);
    add_invoice(db, 2, 2, "2013-05-01", "2013-05-31", 5000, "USD");
    add_payment(db, 2, "2013-07-05", 5000);
    add_invoice(db, 3, 2, "2013-06-01", "2013-07-01", 3000, "USD");
    add_invoice(db, 4, 2, "2013-07-02", "2013-08-01", 9000, "USD");
    add_invoice(db, 5, 2, "2013-04-01", "2013-05-01", 7000, "USD");
    add_payment(db, 5, "2013-04-05", 1000);
    harness_exec(db,
                 "UPDATE invoices SET status = 'void' WHERE invoice_id = 5");
    add_invoice(db, 6, 2, "2013-04-01", "2013-05-01", 2000, "USD");
    add_payment(db, 6, "2013-05-20", 2000);
    add_invoice(db, 7, 2, "2013-04-10", "2013-05-10", 8000, "USD");
    add_credit_note(db, 7, "2013-04-20", 1500);
    add_payment(db, 7, "2013-06-01", 2500);
    add_invoice(db, 8, 2, "2013-02-01", "2013-03-03", 6000, "USD");
    add_payment(db, 8, "2013-03-10", 1000);
    add_write_off(db, 8, "2013-06-15", 5000);
    add_invoice(db, 9, 2, "2013-06-10", "2013-06-20", 4500, "EUR");
    add_invoice(db, 10, 3, "2013-01-15", "2013-02-14", 1234, "USD");
    add_write_off(db, 10, "2013-07-10", 1234);
    add_invoice(db, 11, 3, "2013-01-15", "2013-02-14", 999, "USD");
    add_payment(db, 11, "2013-02-01", 999);
    add_invoice(db, 12, 4, "2013-08-01", "2013-08-31", 500, "USD");
    return db;
}

START_TEST(test_ar_aging_hand_ledger_dates)
{
    sqlite3 *db = open_hand_ledger();

    /* Before the first invoice (02-01) nothing is open. */
    expect_aging(db, "2013-01-14", "");
    /* 2013-04-16. Beta USD: inv 1 10000 - 4000 = 6000, 16 days (1-30);
    ** inv 5 void; inv 6 2000, -15 (current); inv 7 8000, credit note not
    ** yet, -24 (current); inv 8 6000 - 1000 = 5000, 03-03 + 28 + 16 = 44
    ** days (31-60). Current 10000, total 21000, 4 invoices, max 44.
    ** Gamma: inv 10 1234, 02-14 + 14 + 31 + 16 = 61 days (61-90); inv 11
    ** paid on 02-01. */
    expect_aging(db, "2013-04-16",
                 "2|USD|10000|6000|5000|0|0|21000|4|44\n"
                 "3|USD|0|0|0|1234|0|1234|1|61");
    /* 2013-06-30. Beta EUR: inv 9 4500, 10 days. Beta USD: inv 1 6000, 91
    ** days; inv 2 5000 (paid 07-05), 30 days; inv 3 3000, -1; inv 4 not
    ** issued; inv 6 paid; inv 7 8000 - 1500 - 2500 = 4000, 51 days; inv 8
    ** settled by the 06-15 write-off. Gamma: inv 10 1234, 136 days. Delta's
    ** only invoice is issued 08-01. */
    expect_aging(db, "2013-06-30",
                 "2|EUR|0|4500|0|0|0|4500|1|10\n"
                 "2|USD|3000|5000|4000|0|6000|18000|4|91\n"
                 "3|USD|0|0|0|0|1234|1234|1|136");
    /* 2013-07-15. Beta EUR: 25 days. Beta USD: inv 1 6000, 106 days; inv
    ** 2 paid; inv 3 3000, 14 days; inv 4 9000, -17; inv 7 4000, 66 days.
    ** Gamma: inv 10 written off on 07-10. */
    expect_aging(db, "2013-07-15",
                 "2|EUR|0|4500|0|0|0|4500|1|25\n"
                 "2|USD|9000|3000|0|4000|6000|22000|4|106");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_customer_filter)
{
    sqlite3 *db = open_hand_ledger();
    char *err = NULL;
    char *plan;

    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 2",
               "2|EUR|0|4500|0|0|0|4500|1|10\n"
               "2|USD|3000|5000|4000|0|6000|18000|4|91");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 3",
               "3|USD|0|0|0|0|1234|1234|1|136");
    expect_sql(db,
               "SELECT count(*) FROM ar_aging('2013-06-30')"
               " WHERE customer_id = 4",
               "0");
    expect_sql(db,
               "SELECT count(*) FROM ar_aging('2013-06-30')"
               " WHERE customer_id = NULL",
               "0");
    /* idxNum 3 = as_of and customer_id: the one-customer statement ran. */
    plan = harness_query(db,
                         "EXPLAIN QUERY PLAN SELECT * FROM"
                         " ar_aging('2013-06-30') WHERE customer_id = 2",
                         &err);
    ck_assert_ptr_nonnull(plan);
    ck_assert_ptr_nonnull(strstr(plan, "VIRTUAL TABLE INDEX 3"));
    sqlite3_free(plan);
    sqlite3_close(db);
}
END_TEST

/*
** The schema argument reads another database's tables. main contains one
** EUR invoice of 100.00 due 2013-06-10: 20 days overdue on 2013-06-30,
** so the 1-30 bucket. aux contains one USD invoice of 2.50 due 2013-01-31:
** 28 + 31 + 30 + 31 + 30 = 150 days overdue (Feb to Jun), so over 90.
** aux.ar_aging used to read main's tables silently (SQLite resolves the
** prefix to main's eponymous table), so a prefix is now an error.
*/
START_TEST(test_ar_aging_attached_schema)
{
    sqlite3 *db = open_ledger();

    add_invoice(db, 1, 1, "2013-06-01", "2013-06-10", 10000, "EUR");
    harness_exec(db,
                 "ATTACH ':memory:' AS aux;"
                 "CREATE TABLE aux.invoices (invoice_id INTEGER PRIMARY KEY,"
                 " customer_id INTEGER, issue_date TEXT, due_date TEXT,"
                 " total_cents INTEGER, currency TEXT, status TEXT,"
                 " paid_date TEXT, allocated_cents INTEGER);"
                 "CREATE TABLE aux.allocations (invoice_id INTEGER,"
                 " amount_cents INTEGER, effective_date TEXT);"
                 "INSERT INTO aux.invoices VALUES (1, 7, '2013-01-01',"
                 " '2013-01-31', 250, 'USD', 'issued', NULL, 0)");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30')",
               "1|EUR|0|10000|0|0|0|10000|1|20");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
               "7|USD|0|0|0|0|250|250|1|150");
    expect_sql(db,
               "SELECT customer_id, as_of, schema FROM"
               " ar_aging('2013-06-30', 'aux')",
               "7|2013-06-30|aux");
    expect_sql(db, "SELECT * FROM aux.ar_aging('2013-06-30', 'AUX')",
               "7|USD|0|0|0|0|250|250|1|150");
    expect_sql(db, "SELECT * FROM main.ar_aging('2013-06-30')",
               "1|EUR|0|10000|0|0|0|10000|1|20");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30', 'main')",
               "1|EUR|0|10000|0|0|0|10000|1|20");
    expect_sql(db,
               "SELECT * FROM ar_aging('2013-06-30', 'aux')"
               " WHERE customer_id = 7",
               "7|USD|0|0|0|0|250|250|1|150");
    expect_sql_error(db, "SELECT * FROM aux.ar_aging('2013-06-30')",
                     "ar_aging: a schema prefix is not supported, got"
                     " 'aux.ar_aging', which would read the tables of"
                     " 'main'; pass the schema as the 2nd argument:"
                     " ar_aging('YYYY-MM-DD', 'aux')");
    expect_sql_error(db, "SELECT * FROM \"aux\" . ar_aging('2013-06-30')",
                     "got 'aux.ar_aging'");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30', 'nope')",
                     "ar_aging: cannot read the invoices and allocations"
                     " tables of 'nope'");
    expect_sql(db, "SELECT count(*) FROM ar_aging('2013-06-30', NULL)", "0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_join_and_order)
{
    sqlite3 *db = open_hand_ledger();
    char *err = NULL;
    char *plan;

    expect_sql(db,
               "SELECT c.name, a.currency, a.total_cents FROM customers c"
               " JOIN ar_aging('2013-06-30') a USING (customer_id)"
               " ORDER BY c.name, a.currency",
               "Beta|EUR|4500\nBeta|USD|18000\nGamma|USD|1234");
    expect_sql(db,
               "SELECT customer_id, currency FROM ar_aging('2013-06-30')"
               " ORDER BY customer_id DESC, currency DESC",
               "3|USD\n2|USD\n2|EUR");
    /* The rows already come in this order, so SQLite does not sort. */
    plan = harness_query(db,
                         "EXPLAIN QUERY PLAN SELECT * FROM"
                         " ar_aging('2013-06-30') ORDER BY customer_id,"
                         " currency",
                         &err);
    ck_assert_ptr_nonnull(plan);
    ck_assert_ptr_null(strstr(plan, "TEMP B-TREE"));
    sqlite3_free(plan);
    expect_sql(db, "SELECT DISTINCT as_of FROM ar_aging('2013-06-30')",
               "2013-06-30");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_self_join)
{
    sqlite3 *db = open_hand_ledger();

    /* Two cursors at once. On 06-30 three rows total 4500 + 18000 + 1234 =
    ** 23734; on 04-16 two rows total 21000 + 1234 = 22234. The 3 x 2 pairs
    ** count each 06-30 row twice and each 04-16 row three times. */
    expect_sql(db,
               "SELECT count(*), sum(a.total_cents), sum(b.total_cents)"
               " FROM ar_aging('2013-06-30') a, ar_aging('2013-04-16') b",
               "6|47468|66702");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_view_untrusted_schema)
{
    sqlite3 *db = open_hand_ledger();

    /* Registered innocuous, so a view may use it without a trusted schema;
    ** otherwise SQLite rejects the view as an unsafe use. */
    harness_exec(db, "PRAGMA trusted_schema = OFF;"
                     "CREATE VIEW aging_now AS SELECT customer_id,"
                     " total_cents FROM ar_aging('2013-06-30')");
    expect_sql(db, "SELECT * FROM aging_now", "2|4500\n2|18000\n3|1234");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_empty_ledger)
{
    sqlite3 *db = open_ledger();

    expect_aging(db, "2013-06-30", "");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_missing_as_of_error)
{
    sqlite3 *db = open_ledger();

    expect_sql_error(
        db, "SELECT * FROM ar_aging",
        "ar_aging: missing as_of date; use SELECT * FROM ar_aging('YYYY-MM-DD')");
    expect_sql_error(db, "SELECT * FROM ar_aging WHERE as_of > '2013-01-01'",
                     "ar_aging: missing as_of date");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_invalid_date_error)
{
    sqlite3 *db = open_ledger();

    expect_sql_error(db, "SELECT * FROM ar_aging('2013-02-30')",
                     "ar_aging: as_of '2013-02-30' is not a date that exists");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('6/30/2013')",
        "ar_aging: as_of '6/30/2013' is not an ISO date; write it as YYYY-MM-DD");
    expect_sql_error(db, "SELECT * FROM ar_aging(20130630)",
                     "ar_aging: as_of '20130630' is not an ISO date");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30 ')",
                     "ar_aging: as_of '2013-06-30 ' is not an ISO date");
    /* Invalid UTF-8 is quoted with '?' in its place. */
    expect_sql_error(db, "SELECT * FROM ar_aging(CAST(x'ff3133' AS TEXT))",
                     "ar_aging: as_of '?13' is not an ISO date");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_null_as_of_no_rows)
{
    sqlite3 *db = open_hand_ledger();

    /* as_of = NULL matches nothing, as any comparison with NULL. */
    expect_sql(db, "SELECT count(*) FROM ar_aging(NULL)", "0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_without_schema_error)
{
    sqlite3 *db = harness_open();

    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: cannot read the invoices and allocations tables of 'main': no such table: main.invoices; load sql/schema.sql");
    sqlite3_close(db);
}
END_TEST

/*
** The two tables ar_aging reads, without the schema's CHECKs and
** triggers, so a test can store rows that sql/schema.sql rejects. The one
** trigger keeps invoices.allocated_cents the running sum of allocations,
** as sql/triggers.sql does; status and paid_date are left as written.
*/
static sqlite3 *open_bare_tables(void)
{
    sqlite3 *db = harness_open();

    harness_exec(db,
                 "CREATE TABLE invoices (invoice_id INTEGER PRIMARY KEY,"
                 " customer_id INTEGER, issue_date TEXT, due_date TEXT,"
                 " total_cents INTEGER, currency TEXT, status TEXT,"
                 " paid_date TEXT, allocated_cents INTEGER NOT NULL"
                 " DEFAULT 0);"
                 "CREATE TABLE allocations (allocation_id INTEGER PRIMARY KEY,"
                 " invoice_id INTEGER, amount_cents INTEGER,"
                 " effective_date TEXT);"
                 "CREATE INDEX allocations_invoice_id_idx"
                 " ON allocations (invoice_id, effective_date, amount_cents);"
                 "CREATE TRIGGER allocations_sum AFTER INSERT ON allocations"
                 " BEGIN UPDATE invoices"
                 "  SET allocated_cents = allocated_cents + NEW.amount_cents"
                 "  WHERE invoice_id = NEW.invoice_id; END");
    return db;
}

/* Column list of the bare invoices table that the tests fill. */
#define BARE_INVOICES_INSERT                                                   \
    "INSERT INTO invoices (invoice_id, customer_id, issue_date, due_date,"     \
    " total_cents, currency, status) VALUES"

START_TEST(test_ar_aging_bad_invoice_errors)
{
    sqlite3 *db = open_bare_tables();

    harness_exec(db, BARE_INVOICES_INSERT
                 " (1, 7, '2013-01-01', '2013-02-30', 100, 'USD', 'issued')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: invoice 1 has due_date '2013-02-30', not an ISO date that exists; correct invoices.due_date");
    harness_exec(db, "UPDATE invoices SET due_date = '2013-02-28',"
                     " currency = 'US' WHERE invoice_id = 1");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: invoice 1 has currency 'US', not a 3-letter code; correct invoices.currency");
    /* The same error through the one-customer statement. */
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 7",
        "ar_aging: invoice 1 has currency 'US'");
    /* A settled invoice is not read further, so its bad fields pass. */
    harness_exec(db,
                 "INSERT INTO allocations VALUES (1, 1, 100, '2013-03-01')");
    expect_aging(db, "2013-06-30", "");
    sqlite3_close(db);
}
END_TEST

/*
** Without the schema's CHECKs a table can hold total_cents 'x' or an
** allocation of 20.7. sqlite3_column_int64 reads them as 0 and 20, so
** ar_aging used to drop invoice 1 (total 0, nothing open) and count 20
** of 20.7 on invoice 2, silently. Both are errors now.
*/
START_TEST(test_ar_aging_non_integer_errors)
{
    sqlite3 *db = open_bare_tables();

    harness_exec(db, BARE_INVOICES_INSERT
                 " (1, 7, '2013-01-01', '2013-01-31', 'x', 'USD', 'issued')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: invoice 1 has total_cents that is not an integer");
    harness_exec(db, "UPDATE invoices SET total_cents = 100;"
                     BARE_INVOICES_INSERT
                     " (2, 7, '2013-01-01', '2013-01-31', 100, 'USD',"
                     "  'issued');"
                     "INSERT INTO allocations VALUES"
                     " (1, 2, 20.7, '2013-02-01')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: allocations of invoice 2 hold an amount that is not an "
        "integer");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_overflow_errors)
{
    sqlite3 *db = open_bare_tables();

    harness_exec(db, BARE_INVOICES_INSERT
                 " (1, 7, '2013-01-01', '2013-01-31', 9223372036854775807,"
                 "  'USD', 'issued'),"
                 " (2, 7, '2013-01-01', '2013-01-31', 1, 'USD', 'issued')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: open cents of customer 7 exceed the 64-bit integer range");
    harness_exec(db, "DELETE FROM invoices WHERE invoice_id = 2;"
                     "INSERT INTO allocations VALUES"
                     " (1, 1, -5, '2013-02-01')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: allocations of invoice 1 sum to -5 cents, below zero");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_trusts_trigger_columns)
{
    sqlite3 *db = open_bare_tables();

    /* Rows as an import that bypassed sql/triggers.sql could leave them.
    ** Invoice 1: 400 allocated, then allocated_cents reset to 0. Invoice
    ** 2: 'paid' on 06-01 with no allocation at all. Invoice 3: 'paid'
    ** without a paid_date, settled by an allocation on 06-25. */
    harness_exec(db, BARE_INVOICES_INSERT
                 " (1, 7, '2013-06-01', '2013-06-20', 1000, 'USD', 'issued'),"
                 " (2, 8, '2013-05-01', '2013-05-15', 500, 'USD', 'paid'),"
                 " (3, 9, '2013-05-02', '2013-06-01', 300, 'USD', 'paid');"
                 "INSERT INTO allocations VALUES (1, 1, 400, '2013-06-05'),"
                 " (2, 3, 300, '2013-06-25');"
                 "UPDATE invoices SET allocated_cents = 0"
                 " WHERE invoice_id = 1;"
                 "UPDATE invoices SET paid_date = '2013-06-01',"
                 " allocated_cents = 500 WHERE invoice_id = 2");
    /* 06-30: invoice 1 counts its whole 1000 (06-20 + 10 days) because its
    ** allocated_cents of 0 means nothing is allocated. Invoice 2 is closed
    ** by its paid_date and invoice 3 by its allocation. */
    expect_aging(db, "2013-06-30", "7|USD|0|1000|0|0|0|1000|1|10");
    /* 05-31: invoice 1 not issued yet; invoice 2 open before paid_date,
    ** 500 less no allocation, 16 days; invoice 3 300, due tomorrow. */
    expect_aging(db, "2013-05-31",
                 "8|USD|0|500|0|0|0|500|1|16\n"
                 "9|USD|300|0|0|0|0|300|1|-1");
    /* 06-24: invoice 1 1000, 4 days; invoice 2 closed; invoice 3 has no
    ** allocation yet without a paid_date to trust: 300, 23 days. */
    expect_aging(db, "2013-06-24",
                 "7|USD|0|1000|0|0|0|1000|1|4\n"
                 "9|USD|0|300|0|0|0|300|1|23");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_allocation_sum_overflow_error)
{
    sqlite3 *db = open_bare_tables();

    /* Two allocations whose sum passes 2^63 - 1; the triggers of the
    ** schema would have rejected the second. */
    harness_exec(db, BARE_INVOICES_INSERT
                 " (1, 7, '2013-01-01', '2013-01-31', 100, 'USD', 'issued');"
                 "INSERT INTO allocations VALUES"
                 " (1, 1, 9223372036854775807, '2013-02-01'),"
                 " (2, 1, 1, '2013-02-02')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: the allocations of an invoice sum past the 64-bit integer range; correct allocations.amount_cents");
    /* Before the second one the sum fits, and it settles the invoice. */
    expect_aging(db, "2013-02-01", "");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_null_effective_date_not_counted)
{
    sqlite3 *db = open_bare_tables();

    /* 1000 - 300 dated = 700 open: the undated 200 counts on no date,
    ** like effective_date <= as_of in SQL. 06-20 is 10 days before. */
    harness_exec(db, BARE_INVOICES_INSERT
                 " (1, 7, '2013-06-01', '2013-06-20', 1000, 'USD', 'issued');"
                 "INSERT INTO allocations VALUES"
                 " (1, 1, 300, '2013-06-05'), (2, 1, 200, NULL)");
    expect_aging(db, "2013-06-30", "7|USD|0|700|0|0|0|700|1|10");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ar_aging_recursive_view_error)
{
    sqlite3 *db = open_bare_tables();

    /* An invoices view built on ar_aging would make it call itself. */
    harness_exec(db, "DROP TABLE invoices;"
                     "CREATE VIEW invoices AS SELECT customer_id AS invoice_id,"
                     " customer_id, '2013-01-01' AS issue_date, '2013-01-31'"
                     " AS due_date, total_cents, currency, 'issued' AS status,"
                     " NULL AS paid_date, 0 AS allocated_cents"
                     " FROM ar_aging('2013-06-30')");
    expect_sql_error(
        db, "SELECT * FROM ar_aging('2013-06-30')",
        "ar_aging: reading invoices or allocations called ar_aging again");
    /* No statement cached after the error still references the table. */
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}
END_TEST

/*
** A generated ledger through the triggers: 40 customers (those with an id
** divisible by 7 bill every third invoice in EUR, the rest in USD), 1500
** invoices issued 2012-01-01 to 2013-06-23 with terms of 0, 15, 30 or 45
** days. Invoice i is settled by i % 6: 0 and 1 paid in one go, 2 in two
** parts 20 days apart, 3 paid 30% only, 4 not at all, 5 a 10% credit note
** then the rest. Of the 30% ones, those with i % 4 == 1 have the rest
** written off 60 days later. Every 29th invoice is voided afterwards.
** Payments fall 20 days before to 29 days after the due date.
*/
static const char generated_ledger_sql[] =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "  WHERE i < 40)"
    " INSERT INTO customers (customer_id, code, name)"
    " SELECT i, 'C' || i, 'Customer ' || i FROM n;"
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
    "  WHERE i < 1500),"
    " shaped(i, customer, issue_offset) AS (SELECT i, 1 + (i * 37) % 40,"
    "  (i * 7) % 540 FROM n)"
    " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
    "  due_date, total_cents, currency)"
    " SELECT i, 'G-' || i, customer,"
    "  date('2012-01-01', printf('%+d days', issue_offset)),"
    "  date('2012-01-01', printf('%+d days', issue_offset + 15 * (i % 4))),"
    "  1000 + (i * 7919) % 90000,"
    "  CASE WHEN customer % 7 = 0 AND i % 3 = 0 THEN 'EUR' ELSE 'USD' END"
    " FROM shaped;"
    "CREATE TEMP TABLE plan AS"
    " SELECT invoice_id AS i, customer_id, currency, total_cents AS total,"
    "  issue_date, max(issue_date, date(due_date, printf('%+d days',"
    "  (invoice_id * 13) % 50 - 20))) AS pay_date"
    " FROM invoices;"
    "INSERT INTO payments (payment_id, customer_id, received_date,"
    "  amount_cents, currency)"
    " SELECT i * 10, customer_id, pay_date, CASE i % 6"
    "  WHEN 2 THEN total * 4 / 10 WHEN 3 THEN total * 3 / 10"
    "  WHEN 5 THEN total - total / 10 ELSE total END, currency"
    " FROM plan WHERE i % 6 <> 4"
    " UNION ALL"
    " SELECT i * 10 + 1, customer_id, date(pay_date, '+20 days'),"
    "  total - total * 4 / 10, currency FROM plan WHERE i % 6 = 2;"
    "INSERT INTO credit_notes (credit_note_id, number, customer_id,"
    "  issue_date, amount_cents, currency, invoice_id, reason)"
    " SELECT i, 'CN-' || i, customer_id, date(issue_date, '+5 days'),"
    "  total / 10, currency, i, 'discount' FROM plan WHERE i % 6 = 5;"
    "INSERT INTO allocations (invoice_id, kind, credit_note_id, amount_cents)"
    " SELECT invoice_id, 'credit_note', credit_note_id, amount_cents"
    " FROM credit_notes;"
    "INSERT INTO allocations (invoice_id, payment_id, amount_cents)"
    " SELECT payment_id / 10, payment_id, amount_cents FROM payments;"
    "INSERT INTO allocations (invoice_id, kind, amount_cents,"
    "  effective_date, reason)"
    " SELECT i, 'write_off', total - total * 3 / 10,"
    "  date(pay_date, '+60 days'), 'uncollectable'"
    " FROM plan WHERE i % 6 = 3 AND i % 4 = 1;"
    "UPDATE invoices SET status = 'void' WHERE invoice_id % 29 = 0;"
    "DROP TABLE temp.plan;";

/* Reads the whole file at path; the caller frees it with free(). */
static char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
    size = ftell(f);
    ck_assert_int_ge(size, 0);
    rewind(f);
    text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    return text;
}

/* Returns plain_sql with every :as_of replaced by the quoted date; the
** caller frees it with sqlite3_free(). */
static char *plain_sql_for(const char *plain_sql, const char *as_of)
{
    sqlite3_str *out = sqlite3_str_new(NULL);
    const char *p = plain_sql;
    const char *hit;

    while ((hit = strstr(p, ":as_of")) != NULL) {
        sqlite3_str_append(out, p, (int)(hit - p));
        sqlite3_str_appendf(out, "%Q", as_of);
        p = hit + strlen(":as_of");
    }
    sqlite3_str_appendall(out, p);
    return sqlite3_str_finish(out);
}

/* Asserts that ar_aging and the plain SQL return the same rows on as_of,
** with where_clause applied to both; returns the number of rows. */
static int expect_same_as_plain(sqlite3 *db, const char *plain_sql,
                                const char *as_of, const char *where_clause)
{
    char *plain = plain_sql_for(plain_sql, as_of);
    char *wrapped =
        sqlite3_mprintf("SELECT * FROM (%s) %s", plain, where_clause);
    char *aging =
        sqlite3_mprintf("SELECT * FROM ar_aging(%Q) %s", as_of, where_clause);
    char *err = NULL;
    char *expected;
    int rows = 0;
    const char *p;

    /* The plain SQL ends with ';', which a subquery cannot have. */
    *strrchr(wrapped, ';') = ' ';
    expected = harness_query(db, wrapped, &err);
    ck_assert_msg(expected != NULL, "plain SQL failed: %s", err);
    expect_sql(db, aging, expected);
    for (p = expected; *p; p++)
        rows += *p == '\n';
    rows += expected[0] != '\0';
    sqlite3_free(expected);
    sqlite3_free(aging);
    sqlite3_free(wrapped);
    sqlite3_free(plain);
    return rows;
}

/* Asserts that ar_aging and plain_sql agree on the dates that matter. */
static void expect_plain_dates(sqlite3 *db, const char *plain_sql)
{
    static const char *const dates[] = {
        "2012-03-01", "2012-06-30", "2012-09-15", "2012-12-31",
        "2013-03-31", "2013-06-30", "2013-07-31",
    };
    char *due_date;
    char *err = NULL;
    size_t i;

    /* Before the first invoice, and on its issue date: invoices 540 and
    ** 1080 are issued that day with 0 days of terms; 1080 is paid 20 days
    ** later. */
    ck_assert_int_eq(expect_same_as_plain(db, plain_sql, "2011-12-31", ""), 0);
    ck_assert_int_gt(expect_same_as_plain(db, plain_sql, "2012-01-01", ""), 0);
    /* On a due date: invoice 102 falls due and is paid 6 days later. */
    due_date = harness_query(
        db, "SELECT due_date FROM invoices WHERE invoice_id = 102", &err);
    ck_assert_ptr_nonnull(due_date);
    ck_assert_int_gt(expect_same_as_plain(db, plain_sql, due_date, ""), 0);
    sqlite3_free(due_date);
    for (i = 0; i < sizeof(dates) / sizeof(*dates); i++)
        ck_assert_int_gt(expect_same_as_plain(db, plain_sql, dates[i], ""), 0);
    /* After every payment only the unpaid and part-paid remain. */
    ck_assert_int_gt(expect_same_as_plain(db, plain_sql, "2015-01-01", ""), 0);
}

START_TEST(test_ar_aging_matches_plain_sql)
{
    sqlite3 *db = open_ledger();
    size_t i;

    harness_exec(db, "DELETE FROM customers");
    harness_exec(db, generated_ledger_sql);
    for (i = 0; i < PLAIN_SQL_COUNT; i++) {
        char *plain_sql = read_text_file(plain_sql_paths[i]);
        expect_plain_dates(db, plain_sql);
        free(plain_sql);
    }
    sqlite3_close(db);
}
END_TEST

/* Asserts per customer that ar_aging and plain_sql agree on 2013-06-30. */
static void expect_plain_customers(sqlite3 *db, const char *plain_sql)
{
    int customer;
    int rows = 0;
    int max_rows = 0;

    for (customer = 1; customer <= 41; customer++) {
        char *where = sqlite3_mprintf("WHERE customer_id = %d", customer);
        int n = expect_same_as_plain(db, plain_sql, "2013-06-30", where);
        rows += n;
        max_rows = n > max_rows ? n : max_rows;
        sqlite3_free(where);
    }
    /* Together the customers give the full report, and some customer
    ** (an id divisible by 7) owes in two currencies. */
    ck_assert_int_eq(rows, harness_int(db, "SELECT count(*) FROM"
                                           " ar_aging('2013-06-30')"));
    ck_assert_int_eq(max_rows, 2);
}

START_TEST(test_ar_aging_matches_plain_sql_per_customer)
{
    sqlite3 *db = open_ledger();
    size_t i;

    harness_exec(db, "DELETE FROM customers");
    harness_exec(db, generated_ledger_sql);
    for (i = 0; i < PLAIN_SQL_COUNT; i++) {
        char *plain_sql = read_text_file(plain_sql_paths[i]);
        expect_plain_customers(db, plain_sql);
        free(plain_sql);
    }
    sqlite3_close(db);
}
END_TEST

START_TEST(test_aging_totals_add_groups_and_sorts)
{
    struct aging_totals totals;
    const struct aging_total *row;

    aging_totals_init(&totals);
    ck_assert_int_eq(aging_totals_add(&totals, 5, "USD", -3, 100), SQLITE_OK);
    ck_assert_int_eq(aging_totals_add(&totals, 2, "EUR", 10, 50), SQLITE_OK);
    ck_assert_int_eq(aging_totals_add(&totals, 5, "USD", 95, 7), SQLITE_OK);
    ck_assert_int_eq(aging_totals_add(&totals, 2, "USD", 0, 1), SQLITE_OK);
    aging_totals_sort(&totals);
    ck_assert_int_eq(totals.count, 3);
    ck_assert_int_eq(totals.rows[0].customer_id, 2);
    ck_assert_str_eq(totals.rows[0].currency, "EUR");
    ck_assert_int_eq(totals.rows[1].customer_id, 2);
    ck_assert_str_eq(totals.rows[1].currency, "USD");
    row = &totals.rows[2];
    ck_assert_int_eq(row->customer_id, 5);
    /* -3 days is current, 95 days is over 90. */
    ck_assert_int_eq(row->bucket_cents[0], 100);
    ck_assert_int_eq(row->bucket_cents[4], 7);
    ck_assert_int_eq(row->total_cents, 107);
    ck_assert_int_eq(row->open_invoices, 2);
    ck_assert_int_eq(row->max_days_overdue, 95);
    aging_totals_free(&totals);
}
END_TEST

START_TEST(test_aging_totals_grow_and_reuse)
{
    struct aging_totals totals;
    int customer;
    int i;

    aging_totals_init(&totals);
    /* 3000 keys, added in descending order, force several doublings. */
    for (customer = 1500; customer >= 1; customer--) {
        ck_assert_int_eq(aging_totals_add(&totals, customer, "USD", 1, 2),
                         SQLITE_OK);
        ck_assert_int_eq(aging_totals_add(&totals, customer, "EUR", 40, 3),
                         SQLITE_OK);
    }
    aging_totals_sort(&totals);
    ck_assert_int_eq(totals.count, 3000);
    for (i = 0; i < totals.count; i++) {
        ck_assert_int_eq(totals.rows[i].customer_id, i / 2 + 1);
        ck_assert_str_eq(totals.rows[i].currency, i % 2 ? "USD" : "EUR");
    }
    /* The hash index survives the sort: a known key adds, no new row. */
    ck_assert_int_eq(aging_totals_add(&totals, 700, "USD", 1, 5), SQLITE_OK);
    ck_assert_int_eq(totals.count, 3000);
    ck_assert_int_eq(totals.rows[1399].total_cents, 7);
    /* Clearing keeps the buffers and drops the keys. */
    aging_totals_clear(&totals);
    ck_assert_int_eq(totals.count, 0);
    ck_assert_int_eq(aging_totals_add(&totals, 700, "USD", 1, 5), SQLITE_OK);
    ck_assert_int_eq(totals.count, 1);
    ck_assert_int_eq(totals.rows[0].total_cents, 5);
    aging_totals_free(&totals);
    ck_assert_ptr_null(totals.rows);
}
END_TEST

START_TEST(test_aging_totals_overflow_rejected)
{
    struct aging_totals totals;

    aging_totals_init(&totals);
    ck_assert_int_eq(aging_totals_add(&totals, 1, "USD", 5, LLONG_MAX),
                     SQLITE_OK);
    ck_assert_int_eq(aging_totals_add(&totals, 1, "USD", 5, 1), SQLITE_TOOBIG);
    /* The rejected invoice left the row as it was. */
    ck_assert_int_eq(totals.rows[0].total_cents, LLONG_MAX);
    ck_assert_int_eq(totals.rows[0].open_invoices, 1);
    aging_totals_free(&totals);
}
END_TEST

Suite *aging_suite(void)
{
    Suite *s = suite_create("aging");
    TCase *core = tcase_create("core");
    TCase *sql = tcase_create("sql");
    TCase *errors = tcase_create("errors");
    TCase *plain = tcase_create("plain");

    tcase_add_test(core, test_aging_totals_add_groups_and_sorts);
    tcase_add_test(core, test_aging_totals_grow_and_reuse);
    tcase_add_test(core, test_aging_totals_overflow_rejected);
    suite_add_tcase(s, core);

    tcase_add_test(sql, test_ar_aging_bucket_boundaries);
    tcase_add_test(sql, test_ar_aging_partial_payment_leaves_rest);
    tcase_add_test(sql, test_ar_aging_payment_after_as_of_ignored);
    tcase_add_test(sql, test_ar_aging_issued_after_as_of_excluded);
    tcase_add_test(sql, test_ar_aging_void_excluded);
    tcase_add_test(sql, test_ar_aging_fully_paid_excluded);
    tcase_add_test(sql, test_ar_aging_paid_after_as_of_sums_earlier);
    tcase_add_test(sql, test_ar_aging_partial_allocations_both_sides);
    tcase_add_test(sql, test_ar_aging_unallocated_whole_total);
    tcase_add_test(sql, test_ar_aging_credit_note_and_write_off);
    tcase_add_test(sql, test_ar_aging_two_currencies_two_rows);
    tcase_add_test(sql, test_ar_aging_max_days_negative_when_none_due);
    tcase_add_test(sql, test_ar_aging_hand_ledger_dates);
    tcase_add_test(sql, test_ar_aging_customer_filter);
    tcase_add_test(sql, test_ar_aging_attached_schema);
    tcase_add_test(sql, test_ar_aging_join_and_order);
    tcase_add_test(sql, test_ar_aging_self_join);
    tcase_add_test(sql, test_ar_aging_view_untrusted_schema);
    tcase_add_test(sql, test_ar_aging_empty_ledger);
    tcase_add_test(sql, test_ar_aging_null_as_of_no_rows);
    tcase_add_test(sql, test_ar_aging_null_effective_date_not_counted);
    tcase_add_test(sql, test_ar_aging_trusts_trigger_columns);
    suite_add_tcase(s, sql);

    tcase_add_test(errors, test_ar_aging_missing_as_of_error);
    tcase_add_test(errors, test_ar_aging_invalid_date_error);
    tcase_add_test(errors, test_ar_aging_without_schema_error);
    tcase_add_test(errors, test_ar_aging_bad_invoice_errors);
    tcase_add_test(errors, test_ar_aging_non_integer_errors);
    tcase_add_test(errors, test_ar_aging_overflow_errors);
    tcase_add_test(errors, test_ar_aging_allocation_sum_overflow_error);
    tcase_add_test(errors, test_ar_aging_recursive_view_error);
    suite_add_tcase(s, errors);

    tcase_add_test(plain, test_ar_aging_matches_plain_sql);
    tcase_add_test(plain, test_ar_aging_matches_plain_sql_per_customer);
    suite_add_tcase(s, plain);
    return s;
}
