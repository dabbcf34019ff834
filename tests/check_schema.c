/*
** The schema's own guarantees: allocation triggers, status upkeep, date and
** money checks, and the report views on a small hand-made ledger.
*/
#include <stdlib.h>
#include <unistd.h>

#include "harness.h"

/* One customer, two USD invoices and one EUR invoice, two payments. */
static sqlite3 *open_ledger(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec(db,
        "UPDATE settings SET as_of = '2013-03-31';"
        "INSERT INTO customers (customer_id, code, name, credit_limit_cents)"
        " VALUES (1, 'C1', 'Acme', 20000), (2, 'C2', 'Beta', NULL);"
        "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        "  due_date, total_cents, currency) VALUES"
        " (1, 'INV-1', 1, '2013-01-01', '2013-01-31', 10000, 'USD'),"
        " (2, 'INV-2', 1, '2013-02-01', '2013-03-03', 5000, 'USD'),"
        " (3, 'INV-3', 2, '2013-02-01', '2013-03-03', 7000, 'EUR');"
        "INSERT INTO payments (payment_id, customer_id, received_date,"
        "  amount_cents, currency) VALUES"
        " (1, 1, '2013-02-10', 12000, 'USD'),"
        " (2, 2, '2013-02-11', 7000, 'EUR');");
    return db;
}

START_TEST(test_allocation_marks_invoice_paid)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000)");
    /* The allocation takes the payment's date; the invoice is paid that
    ** day; 12000 - 10000 = 2000 of the payment stays unallocated. */
    expect_sql(db, "SELECT effective_date FROM allocations", "2013-02-10");
    expect_sql(db, "SELECT status, paid_date, allocated_cents FROM invoices"
                   " WHERE invoice_id = 1", "paid|2013-02-10|10000");
    expect_sql(db, "SELECT status, unallocated_cents FROM payment_balance"
                   " WHERE payment_id = 1", "partial|2000");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_partial_then_full)
{
    sqlite3 *db = open_ledger();

    /* 2000 of payment 1 goes to INV-2 (5000): 3000 stays open. */
    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000), (2, 1, 2000)");
    expect_sql(db, "SELECT status, allocated_cents FROM invoices"
                   " WHERE invoice_id = 2", "issued|2000");
    expect_sql(db, "SELECT status FROM payments WHERE payment_id = 1",
               "reconciled");
    expect_sql(db, "SELECT open_cents, state FROM invoice_balance"
                   " WHERE invoice_id = 2", "3000|partial");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_rejects_invoice_overpay)
{
    sqlite3 *db = open_ledger();

    /* INV-2 is 5000; 5001 is one cent too many. */
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents) VALUES (2, 1, 5001)",
                     "amount exceeds the invoice's open amount");
    expect_sql(db, "SELECT count(*) FROM allocations", "0");
    expect_sql(db, "SELECT allocated_cents FROM invoices WHERE invoice_id = 2",
               "0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_rejects_payment_overspend)
{
    sqlite3 *db = open_ledger();

    /* Payment 1 is 12000: 10000 + 2000 uses it all, one more cent fails. */
    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000), (2, 1, 2000)");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents) VALUES (2, 1, 1)",
                     "amount exceeds the payment's unallocated amount");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_rejects_currency_mix)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "UPDATE payments SET customer_id = 2 WHERE payment_id = 1");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents) VALUES (3, 1, 100)",
                     "payment and invoice currencies differ");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_rejects_other_customer)
{
    sqlite3 *db = open_ledger();

    /* Payment 2 is Beta's; INV-1 is Acme's. */
    harness_exec(db, "UPDATE payments SET currency = 'USD' WHERE payment_id = 2");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents) VALUES (1, 2, 100)",
                     "the payment belongs to another customer");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_multi_row_insert_is_atomic)
{
    sqlite3 *db = open_ledger();

    /* The second row over-pays INV-2, so the statement rolls back whole. */
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents) VALUES (1, 1, 6000), (2, 1, 6000)",
                     "exceeds");
    expect_sql(db, "SELECT count(*), (SELECT allocated_cents FROM payments"
                   " WHERE payment_id = 1) FROM allocations", "0|0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_undo_keeps_others)
{
    sqlite3 *db = open_ledger();

    harness_exec(db,
        "INSERT INTO payments (payment_id, customer_id, received_date,"
        "  amount_cents, currency) VALUES (3, 1, '2013-02-20', 3000, 'USD');"
        "INSERT INTO allocations (allocation_id, invoice_id, payment_id,"
        "  amount_cents) VALUES (10, 2, 1, 2000), (11, 2, 3, 3000);");
    /* 2000 + 3000 = 5000 pays INV-2 in full on the later date. */
    expect_sql(db, "SELECT status, paid_date FROM invoices WHERE invoice_id = 2",
               "paid|2013-02-20");
    harness_exec(db, "DELETE FROM allocations WHERE allocation_id = 11");
    /* Undo of 3000 leaves 2000 allocated, payment 3 back to unreconciled. */
    expect_sql(db, "SELECT status, paid_date, allocated_cents FROM invoices"
                   " WHERE invoice_id = 2", "issued|NULL|2000");
    expect_sql(db, "SELECT status, allocated_cents FROM payments"
                   " WHERE payment_id = 3", "unreconciled|0");
    expect_sql(db, "SELECT allocation_id FROM allocations", "10");
    expect_sql(db, "SELECT action, allocation_id, amount_cents, recorded_at"
                   " FROM allocation_audit ORDER BY audit_id",
               "allocate|10|2000|2013-03-31\n"
               "allocate|11|3000|2013-03-31\n"
               "undo|11|3000|2013-03-31");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocation_update_rejected)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 100)");
    expect_sql_error(db, "UPDATE allocations SET amount_cents = 200",
                     "allocations cannot be changed");
    sqlite3_close(db);
}
END_TEST

/*
** Payment 1 was received 2013-02-10: an allocation dated 2013-02-09
** would pay INV-1 before the money arrived and change aging reported for
** that day, so it is rejected. The receipt day itself is accepted. Credit
** note CN-1 is issued 2013-02-05: 2013-02-04 is rejected, 2013-02-05 accepted.
*/
START_TEST(test_allocation_rejects_back_dating)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO credit_notes (credit_note_id, number,"
                     " customer_id, issue_date, amount_cents, currency,"
                     " reason) VALUES (1, 'CN-1', 1, '2013-02-05', 1500,"
                     " 'USD', 'returned goods')");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents, effective_date) VALUES"
                         " (1, 1, 10000, '2013-02-09')",
                     "effective_date is before the payment was received");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, kind,"
                         " credit_note_id, amount_cents, effective_date)"
                         " VALUES (2, 'credit_note', 1, 1500, '2013-02-04')",
                     "effective_date is before the credit note was issued");
    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents, effective_date) VALUES"
                     " (1, 1, 10000, '2013-02-10');"
                     "INSERT INTO allocations (invoice_id, kind,"
                     " credit_note_id, amount_cents, effective_date)"
                     " VALUES (2, 'credit_note', 1, 1500, '2013-02-05')");
    expect_sql(db, "SELECT count(*), sum(amount_cents) FROM allocations",
               "2|11500");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_credit_note_and_write_off)
{
    sqlite3 *db = open_ledger();

    harness_exec(db,
        "INSERT INTO credit_notes (credit_note_id, number, customer_id,"
        "  issue_date, amount_cents, currency, reason) VALUES"
        "  (1, 'CN-1', 1, '2013-02-05', 1500, 'USD', 'damaged goods');"
        "INSERT INTO allocations (invoice_id, kind, credit_note_id,"
        "  amount_cents) VALUES (2, 'credit_note', 1, 1500);"
        "INSERT INTO allocations (invoice_id, kind, amount_cents,"
        "  effective_date, reason) VALUES"
        "  (2, 'write_off', 3500, '2013-03-01', 'bank fee');");
    /* 1500 credit + 3500 write-off = 5000: INV-2 paid on the later date. */
    expect_sql(db, "SELECT status, paid_date FROM invoices WHERE invoice_id = 2",
               "paid|2013-03-01");
    expect_sql(db, "SELECT status FROM credit_notes", "applied");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, kind,"
                         " amount_cents, effective_date) VALUES"
                         " (1, 'write_off', 1, '2013-03-01')",
                     "CHECK constraint failed");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_void_invoice_rejects_allocation)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "UPDATE invoices SET status = 'void' WHERE invoice_id = 1");
    expect_sql_error(db, "INSERT INTO allocations (invoice_id, payment_id,"
                         " amount_cents) VALUES (1, 1, 100)",
                     "the invoice is void");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_manual_paid_status_rejected)
{
    sqlite3 *db = open_ledger();

    /* The status follows the allocations: 'paid' by hand on an unpaid
    ** invoice is rejected, and so is 'issued' on a fully paid one. */
    expect_sql_error(db, "UPDATE invoices SET status = 'paid'"
                         " WHERE invoice_id = 1",
                     "invoice status must follow its allocations");
    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000)");
    expect_sql_error(db, "UPDATE invoices SET status = 'issued'"
                         " WHERE invoice_id = 1",
                     "invoice status must follow its allocations");
    /* Void and back: the status returns to 'paid' as the allocations say. */
    harness_exec(db, "UPDATE invoices SET status = 'void' WHERE invoice_id = 1");
    harness_exec(db, "UPDATE invoices SET status = 'paid' WHERE invoice_id = 1");
    expect_sql(db, "SELECT status FROM invoices WHERE invoice_id = 1", "paid");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_dates_that_do_not_exist_rejected)
{
    sqlite3 *db = open_ledger();

    expect_sql_error(db, "INSERT INTO invoices (number, customer_id,"
                         " issue_date, due_date, total_cents, currency)"
                         " VALUES ('X', 1, '2013-02-29', '2013-03-31', 1,"
                         " 'USD')", "CHECK constraint failed");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('2013-02-30', 1, 'USD')",
                     "CHECK constraint failed");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('2013-04-31', 1, 'USD')",
                     "CHECK constraint failed");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('2013-1-5', 1, 'USD')",
                     "CHECK constraint failed");
    /* SQLite's date() takes year 0000 and negative years, which the
    ** extension's functions reject (years 0001 to 9999), so a row dated
    ** there made ar_aging fail for every customer. */
    expect_sql_error(db, "INSERT INTO invoices (number, customer_id,"
                         " issue_date, due_date, total_cents, currency)"
                         " VALUES ('Y', 1, '0000-01-01', '0000-02-01', 1,"
                         " 'USD')", "CHECK constraint failed");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('-0001-01-01', 1, 'USD')",
                     "CHECK constraint failed");
    harness_exec(db, "INSERT INTO payments (received_date, amount_cents,"
                     " currency) VALUES ('0001-01-01', 1, 'USD')");
    /* 2012 is a leap year, so its 29 February exists. */
    harness_exec(db, "INSERT INTO payments (received_date, amount_cents,"
                     " currency) VALUES ('2012-02-29', 1, 'USD')");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('2013-01-01', 1.5, 'USD')",
                     "CHECK constraint failed");
    sqlite3_close(db);
}
END_TEST

/*
** A new ledger has no invoice, so no currency. The dashboard used to
** return no row at all, which a BI tile shows as an error. It now
** returns one row of zeros, with no currency and no DSO (nothing was
** invoiced to divide by).
*/
START_TEST(test_views_dashboard_empty_ledger)
{
    sqlite3 *db = harness_open_schema();

    harness_exec(db, "UPDATE settings SET as_of = '2013-03-31'");
    expect_sql(db,
               "SELECT as_of, currency IS NULL, receivable_cents,"
               " open_invoices, overdue_cents, dso_days IS NULL,"
               " expected_30d_cents FROM executive_dashboard",
               "2013-03-31|1|0|0|0|1|0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_views_dashboard_figures)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000), (2, 1, 2000)");
    /* As of 2013-03-31 USD: INV-2 has 3000 open, 28 days past its
    ** 2013-03-03 due date. Invoiced in the 90 days up to 2013-03-31 (after
    ** 2012-12-31): 10000 + 5000 = 15000, so DSO = 3000 * 90 / 15000 = 18.
    ** Acme is the one USD customer with an overdue invoice: 1 late payer. */
    expect_sql(db, "SELECT currency, receivable_cents, overdue_cents,"
                   " overdue_invoices, dso_days, late_payers"
                   " FROM executive_dashboard WHERE currency = 'USD'",
               "USD|3000|3000|1|18.0|1");
    expect_sql(db, "SELECT number, days_overdue, aging_bucket"
                   " FROM invoice_balance WHERE open_cents > 0"
                   " ORDER BY number",
               "INV-2|28|1-30\nINV-3|28|1-30");
    /* Statement of Acme: +10000, +5000, -12000 gives 10000, 15000, 3000. */
    expect_sql(db, "SELECT entry_type, balance_cents FROM customer_statement"
                   " WHERE customer_id = 1 ORDER BY line_no",
               "invoice|10000\ninvoice|15000\npayment|3000");
    /* Credit limit 20000 less 3000 open. */
    expect_sql(db, "SELECT open_cents, credit_available_cents FROM"
                   " customer_card WHERE code = 'C1'", "3000|17000");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_views_as_of_replays)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000)");
    /* On 2013-02-09 the payment of 2013-02-10 has not arrived: INV-1 is
    ** still open in full, 9 days overdue; INV-2 is current. */
    harness_exec(db, "UPDATE settings SET as_of = '2013-02-09'");
    expect_sql(db, "SELECT number, open_cents, days_overdue FROM"
                   " invoice_balance WHERE customer_id = 1 ORDER BY number",
               "INV-1|10000|9\nINV-2|5000|-22");
    /* due_soon fires on day -7 only: INV-2 due 2013-03-03, so 2013-02-24. */
    harness_exec(db, "UPDATE settings SET as_of = '2013-02-24'");
    expect_sql(db, "SELECT number, state, fires_today FROM invoice_alerts"
                   " WHERE customer_id = 1", "INV-2|due_soon|1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocated_sum_update_rejected)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 4000)");
    /* 4000 is allocated; a hand-set 0 would make ar_aging and the views
    ** disagree, so it is rejected on all three documents. */
    expect_sql_error(db, "UPDATE invoices SET allocated_cents = 0"
                         " WHERE invoice_id = 1",
                     "invoices.allocated_cents is kept by the allocation");
    expect_sql_error(db, "UPDATE payments SET allocated_cents = 0"
                         " WHERE payment_id = 1",
                     "payments.allocated_cents is kept by the allocation");
    expect_sql(db, "SELECT allocated_cents FROM invoices WHERE invoice_id = 1",
               "4000");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocated_currency_change_rejected)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 4000)");
    expect_sql_error(db, "UPDATE payments SET currency = 'EUR'"
                         " WHERE payment_id = 1",
                     "the payment is allocated");
    expect_sql_error(db, "UPDATE payments SET customer_id = 2"
                         " WHERE payment_id = 1",
                     "the payment is allocated");
    expect_sql_error(db, "UPDATE invoices SET currency = 'GBP'"
                         " WHERE invoice_id = 1",
                     "the invoice has allocations");
    expect_sql_error(db, "UPDATE invoices SET customer_id = 2"
                         " WHERE invoice_id = 1",
                     "the invoice has allocations");
    /* Unallocated documents stay editable. */
    harness_exec(db, "UPDATE invoices SET currency = 'GBP'"
                     " WHERE invoice_id = 2");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_allocated_delete_rejected)
{
    sqlite3 *db = open_ledger();

    /* foreign_keys is off on this connection, as it is by default in the
    ** shell, Python and ODBC: the triggers must hold on their own. */
    harness_exec(db, "PRAGMA foreign_keys = OFF;"
                     "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 4000)");
    expect_sql_error(db, "DELETE FROM payments WHERE payment_id = 1",
                     "the payment has allocations");
    expect_sql_error(db, "DELETE FROM invoices WHERE invoice_id = 1",
                     "the invoice has allocations");
    expect_sql(db, "SELECT count(*) FROM payments WHERE payment_id = 1", "1");
    /* Undo first, then the delete goes through. */
    harness_exec(db, "DELETE FROM allocations; DELETE FROM payments"
                     " WHERE payment_id = 1");
    expect_sql(db, "SELECT count(*) FROM payments WHERE payment_id = 1", "0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_audit_append_only)
{
    sqlite3 *db = open_ledger();

    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 4000)");
    expect_sql_error(db, "DELETE FROM allocation_audit",
                     "allocation_audit is append-only");
    expect_sql_error(db, "UPDATE allocation_audit SET amount_cents = 1",
                     "allocation_audit is append-only");
    expect_sql(db, "SELECT count(*) FROM allocation_audit", "1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_currency_code_shape)
{
    sqlite3 *db = open_ledger();

    /* upper() folds ASCII only, so the CHECK must spell out A-Z. */
    expect_sql_error(db, "INSERT INTO invoices (number, customer_id,"
                         " issue_date, due_date, total_cents, currency)"
                         " VALUES ('U', 1, '2013-01-01', '2013-01-31', 100,"
                         " 'ÜSD')", "CHECK constraint failed");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('2013-01-01', 1, 'usd')",
                     "CHECK constraint failed");
    expect_sql_error(db, "INSERT INTO payments (received_date, amount_cents,"
                         " currency) VALUES ('2013-01-01', 1, 'USDX')",
                     "CHECK constraint failed");
    sqlite3_close(db);
}
END_TEST

/* A BI tool may open the file with PRAGMA trusted_schema=OFF and without
** the extension: every table and view of the shipped SQL files must read. */
START_TEST(test_schema_readable_untrusted)
{
    static const char *const files[] = {
        "../sql/schema.sql", "../sql/triggers.sql", "../sql/views.sql",
        "../sql/sync.sql",   "../sql/reconcile.sql",
    };
    char path[] = "/tmp/receivables-untrusted-XXXXXX";
    int fd = mkstemp(path);
    sqlite3 *db = NULL;
    size_t i;

    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    for (i = 0; i < sizeof(files) / sizeof(*files); i++)
        harness_exec_file(db, files[i]);
    sqlite3_close(db);

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    harness_exec(db, "PRAGMA trusted_schema = OFF");
    expect_sql(db, "SELECT count(*) FROM invoices", "0");
    expect_sql(db, "SELECT count(*) FROM outbox", "0");
    /* One row of zeros: see test_views_dashboard_empty_ledger. */
    expect_sql(db, "SELECT count(*) FROM executive_dashboard", "1");
    expect_sql(db, "SELECT count(*) FROM customer_card", "0");
    expect_sql(db, "SELECT count(*) FROM actions_required", "0");
    /* reconcile.sql: its tables and decision triggers need no extension. */
    expect_sql(db, "SELECT max_rank FROM reconcile_settings", "5");
    expect_sql(db, "SELECT count(*) FROM reconcile_decisions", "0");
    sqlite3_close(db);
    unlink(path);
}
END_TEST

Suite *schema_suite(void)
{
    Suite *s = suite_create("schema");
    TCase *triggers = tcase_create("triggers");
    TCase *views = tcase_create("views");

    tcase_add_test(triggers, test_allocation_marks_invoice_paid);
    tcase_add_test(triggers, test_allocation_partial_then_full);
    tcase_add_test(triggers, test_allocation_rejects_invoice_overpay);
    tcase_add_test(triggers, test_allocation_rejects_payment_overspend);
    tcase_add_test(triggers, test_allocation_rejects_currency_mix);
    tcase_add_test(triggers, test_allocation_rejects_other_customer);
    tcase_add_test(triggers, test_allocation_multi_row_insert_is_atomic);
    tcase_add_test(triggers, test_allocation_undo_keeps_others);
    tcase_add_test(triggers, test_allocation_update_rejected);
    tcase_add_test(triggers, test_allocation_rejects_back_dating);
    tcase_add_test(triggers, test_credit_note_and_write_off);
    tcase_add_test(triggers, test_void_invoice_rejects_allocation);
    tcase_add_test(triggers, test_manual_paid_status_rejected);
    tcase_add_test(triggers, test_dates_that_do_not_exist_rejected);
    tcase_add_test(triggers, test_allocated_sum_update_rejected);
    tcase_add_test(triggers, test_allocated_currency_change_rejected);
    tcase_add_test(triggers, test_allocated_delete_rejected);
    tcase_add_test(triggers, test_audit_append_only);
    tcase_add_test(triggers, test_currency_code_shape);
    tcase_add_test(views, test_views_dashboard_figures);
    tcase_add_test(views, test_views_dashboard_empty_ledger);
    tcase_add_test(views, test_views_as_of_replays);
    tcase_add_test(views, test_schema_readable_untrusted);
    suite_add_tcase(s, triggers);
    suite_add_tcase(s, views);
    return s;
}
