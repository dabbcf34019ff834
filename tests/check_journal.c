/*
** The double-entry journal export (journal_entries, journal_ledger in
** sql/sync.sql): the text itself, amounts in every currency's decimals, and
** the real hledger reading the export and agreeing with the database.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

static sqlite3 *open_journal(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/sync.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2013-03-31'");
    return db;
}

/*
** A ledger that reaches every kind of entry (as of 2013-03-31):
**   C1 (USD): INV-1 10000 and INV-2 5000. Payment 1 of 12000 pays INV-1
**     and 2000 of INV-2, credit note CN-1 of 1000 goes to INV-2, and 500
**     of INV-2 is written off as bad debt. INV-5 is issued after the
**     report date.
**   'B 2' (EUR): INV-3 7000 paid 6990 by payment 2, the 10 short written
**     off as a bank fee; INV-4 (USD 3000) got 1000 of payment 3 and was
**     then voided.
**   C3 (JPY): INV-6 120000, payment 4 of 50000 applied.
**   Payment 3 (USD 4321) has no customer.
*/
static void add_ledger(sqlite3 *db)
{
    harness_exec(
        db, "INSERT INTO customers (customer_id, code, name) VALUES"
            " (1, 'C1', 'Acme'), (2, 'B 2', 'Beta; Ltd'), (3, 'C3', 'Chiyoda');"
            "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
            "  due_date, total_cents, currency) VALUES"
            " (1, 'INV-1', 1, '2013-01-01', '2013-01-31', 10000, 'USD'),"
            " (2, 'INV-2', 1, '2013-02-01', '2013-03-03', 5000, 'USD'),"
            " (3, 'INV-3', 2, '2013-01-15', '2013-02-14', 7000, 'EUR'),"
            " (4, 'INV-4', 2, '2013-02-10', '2013-03-12', 3000, 'USD'),"
            " (5, 'INV-5', 1, '2013-04-05', '2013-05-05', 9999, 'USD'),"
            " (6, 'INV-6', 3, '2013-03-01', '2013-03-31', 120000, 'JPY');"
            "INSERT INTO payments (payment_id, customer_id, received_date,"
            "  amount_cents, currency, source, external_id) VALUES"
            " (1, 1, '2013-02-10', 12000, 'USD', 'bank', 'ACC:TX1'),"
            " (2, 2, '2013-02-11', 6990, 'EUR', 'manual', NULL),"
            " (3, NULL, '2013-03-15', 4321, 'USD', 'manual', NULL),"
            " (4, 3, '2013-03-20', 50000, 'JPY', 'manual', NULL);"
            "INSERT INTO credit_notes (credit_note_id, number, customer_id,"
            "  issue_date, amount_cents, currency, invoice_id, reason) VALUES"
            " (1, 'CN-1', 1, '2013-02-15', 1000, 'USD', 2, 'damaged');"
            "INSERT INTO allocations (invoice_id, kind, payment_id,"
            "  credit_note_id, amount_cents, effective_date, reason) VALUES"
            " (1, 'payment', 1, NULL, 10000, NULL, NULL),"
            " (2, 'payment', 1, NULL, 2000, NULL, NULL),"
            " (2, 'credit_note', NULL, 1, 1000, NULL, NULL),"
            " (3, 'payment', 2, NULL, 6990, NULL, NULL),"
            " (3, 'write_off', 2, NULL, 10, NULL, 'bank fee'),"
            " (2, 'write_off', NULL, NULL, 500, '2013-03-30', 'bad debt'),"
            " (4, 'payment', 3, NULL, 1000, NULL, NULL),"
            " (6, 'payment', 4, NULL, 50000, NULL, NULL);"
            "UPDATE invoices SET status = 'void' WHERE invoice_id = 4;");
}

/* One invoice paid in full, laid out by hand: four spaces, the account
** padded to 44, two spaces, the amount right-aligned in 16, the currency. */
START_TEST(test_journal_ledger_text)
{
    sqlite3 *db = open_journal();

    harness_exec(db,
                 "INSERT INTO customers (customer_id, code, name)"
                 " VALUES (1, 'C1', 'Acme');"
                 "INSERT INTO invoices (invoice_id, number, customer_id,"
                 "  issue_date, due_date, total_cents, currency)"
                 " VALUES (1, 'INV-1', 1, '2013-01-01', '2013-01-31', 10000,"
                 "  'USD');"
                 "INSERT INTO payments (payment_id, customer_id,"
                 "  received_date, amount_cents, currency, source,"
                 "  external_id, reference)"
                 " VALUES (7, 1, '2013-02-05', 10000, 'USD', 'bank',"
                 "  'ACC:TX9', 'INV-1');"
                 "INSERT INTO allocations (invoice_id, payment_id,"
                 "  amount_cents) VALUES (1, 7, 10000);");
    expect_sql(db, "SELECT line FROM journal_ledger ORDER BY line_no",
               "; receivables journal as of 2013-03-31\n"
               "; outbox_seq: 3\n"
               "2013-01-01 (INV-1) Acme | invoice due 2013-01-31\n"
               "    Assets:Receivable:C1                                    "
               "100.00 USD\n"
               "    Income:Sales                                           "
               "-100.00 USD\n"
               "\n"
               "2013-02-05 (P-7) Acme | payment: INV-1  ; source:bank, "
               "external_id:ACC:TX9\n"
               "    Assets:Bank                                             "
               "100.00 USD\n"
               "    Liabilities:Unapplied-cash:C1                          "
               "-100.00 USD\n"
               "\n"
               "2013-02-05 (A-1) Acme | INV-1 settled by payment P-7\n"
               "    Liabilities:Unapplied-cash:C1                           "
               "100.00 USD\n"
               "    Assets:Receivable:C1                                   "
               "-100.00 USD\n");
    sqlite3_close(db);
}
END_TEST

/* ISO 4217: JPY has no decimals, KWD three, USD two; the sign goes before
** the digits and small amounts keep their leading zeros. */
START_TEST(test_journal_amount_decimals)
{
    sqlite3 *db = open_journal();

    harness_exec(db,
                 "INSERT INTO payments (payment_id, received_date,"
                 "  amount_cents, currency) VALUES"
                 " (1, '2013-01-02', 5, 'USD'), (2, '2013-01-03', 1234, 'JPY'),"
                 " (3, '2013-01-04', 5, 'KWD'), (4, '2013-01-05', 123456789,"
                 "  'USD');");
    expect_sql(db,
               "SELECT trim(substr(line, 50)) FROM journal_ledger"
               " WHERE line LIKE '    %' ORDER BY line_no",
               "0.05 USD\n-0.05 USD\n1234 JPY\n-1234 JPY\n0.005 KWD\n"
               "-0.005 KWD\n1234567.89 USD\n-1234567.89 USD");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_journal_entries_sum_to_zero)
{
    sqlite3 *db = open_journal();

    add_ledger(db);
    expect_sql(db,
               "SELECT count(*) FROM (SELECT 1 FROM journal_entries"
               " GROUP BY entry_order, entry_id HAVING sum(amount_cents) <> 0)",
               "0");
    /* 5 invoices (INV-4 void), 1 credit note, 4 payments and 7 allocations
    ** (the one to void INV-4 left out), two postings each. */
    expect_sql(db, "SELECT count(*) FROM journal_entries", "34");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_journal_as_of_leaves_out_later)
{
    sqlite3 *db = open_journal();

    add_ledger(db);
    expect_sql(db,
               "SELECT count(*) FROM journal_ledger WHERE line LIKE '%INV-5%'",
               "0");
    harness_exec(db, "UPDATE settings SET as_of = '2013-04-05'");
    expect_sql(db,
               "SELECT count(*) FROM journal_ledger WHERE line LIKE '%INV-5%'",
               "1");
    sqlite3_close(db);
}
END_TEST

/* 'B 2' cannot be an account name part as it is: the space would end the
** name. ';' would start a comment in the description. */
START_TEST(test_journal_names_sanitised)
{
    sqlite3 *db = open_journal();

    add_ledger(db);
    expect_sql(db,
               "SELECT DISTINCT account FROM journal_entries"
               " WHERE account LIKE 'Assets:Receivable:%' ORDER BY 1",
               "Assets:Receivable:B-2\nAssets:Receivable:C1\n"
               "Assets:Receivable:C3");
    expect_sql(db,
               "SELECT line FROM journal_ledger WHERE line LIKE '%(INV-3)%'",
               "2013-01-15 (INV-3) Beta, Ltd | invoice due 2013-02-14");
    /* ')' would end the code early and an empty code leave no name. */
    harness_exec(db, "UPDATE customers SET code = '' WHERE customer_id = 3;"
                     "UPDATE invoices SET number = 'INV)6' WHERE"
                     " invoice_id = 6;");
    expect_sql(db,
               "SELECT line FROM journal_ledger WHERE line LIKE '%INV]6%'"
               " OR line LIKE '%Receivable:customer-3%' ORDER BY line_no",
               "2013-03-01 (INV]6) Chiyoda | invoice due 2013-03-31\n"
               "    Assets:Receivable:customer-3                            "
               "120000 JPY\n"
               "    Assets:Receivable:customer-3                            "
               "-50000 JPY");
    sqlite3_close(db);
}
END_TEST

/* Writes journal_ledger to path; fails the test on any error. */
static void write_journal(sqlite3 *db, const char *path)
{
    sqlite3_stmt *stmt = NULL;
    FILE *out = fopen(path, "w");
    int rc;

    ck_assert_msg(out != NULL, "cannot write %s", path);
    rc = sqlite3_prepare_v2(db,
                            "SELECT line FROM journal_ledger ORDER BY line_no",
                            -1, &stmt, NULL);
    ck_assert_msg(rc == SQLITE_OK, "%s", sqlite3_errmsg(db));
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        fprintf(out, "%s\n", (const char *)sqlite3_column_text(stmt, 0));
    ck_assert_msg(rc == SQLITE_DONE, "%s", sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
    ck_assert_int_eq(fclose(out), 0);
}

/* Converts hledger's decimal text ("-43.21", "50000") to minor units of a
** currency with the given number of decimals. */
static sqlite3_int64 parse_hledger_amount(const char *text, int decimals)
{
    sqlite3_int64 value = 0;
    int negative = *text == '-';
    int fraction = -1;
    const char *p = text + negative;

    for (; *p; p++) {
        if (*p == '.') {
            fraction = 0;
            continue;
        }
        ck_assert_msg(*p >= '0' && *p <= '9', "bad hledger amount '%s'", text);
        value = value * 10 + (*p - '0');
        if (fraction >= 0)
            fraction++;
    }
    for (fraction = fraction < 0 ? 0 : fraction; fraction < decimals;
         fraction++)
        value *= 10;
    return negative ? -value : value;
}

/*
** Runs hledger on path and loads its per-account balances into the table
** hledger_balance(account, currency, cents) of db. A missing hledger fails
** the test and names the Debian package (make deps installs it).
*/
static void load_hledger_balances(sqlite3 *db, const char *path)
{
    char command[256];
    char line[512];
    FILE *pipe;
    int status;
    int rows = 0;

    ck_assert_msg(system("command -v hledger > /dev/null 2>&1") == 0,
                  "hledger not found: install the Debian package 'hledger'"
                  " (make deps)");
    snprintf(command, sizeof(command),
             "hledger -f '%s' balance --flat --no-total --layout=bare -O csv"
             " 2>&1",
             path);
    pipe = popen(command, "r");
    ck_assert_msg(pipe != NULL, "cannot run hledger");
    harness_exec(db, "CREATE TEMP TABLE hledger_balance (account TEXT,"
                     " currency TEXT, cents INTEGER)");
    while (fgets(line, sizeof(line), pipe)) {
        char account[256];
        char currency[16];
        char amount[64];
        char *sql;
        if (rows++ == 0 && strncmp(line, "\"account\"", 9) == 0)
            continue;
        ck_assert_msg(sscanf(line, "\"%255[^\"]\",\"%15[^\"]\",\"%63[^\"]\"",
                             account, currency, amount) == 3,
                      "unexpected hledger output: %s", line);
        sql = sqlite3_mprintf(
            "INSERT INTO hledger_balance VALUES (%Q, %Q,"
            " %lld)",
            account, currency,
            parse_hledger_amount(amount, strcmp(currency, "JPY") == 0 ? 0 : 2));
        harness_exec(db, sql);
        sqlite3_free(sql);
    }
    status = pclose(pipe);
    ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
                  "hledger rejected the journal %s (exit %d), see its output"
                  " above",
                  path, WEXITSTATUS(status));
}

/* The balances hledger computes from the export, compared first with the
** figures worked out by hand in add_ledger's comment, then with the
** database's own views and tables. */
START_TEST(test_journal_hledger_balances)
{
    sqlite3 *db = open_journal();
    char path[64];

    add_ledger(db);
    snprintf(path, sizeof(path), "/tmp/check_journal_%ld.journal",
             (long)getpid());
    write_journal(db, path);
    load_hledger_balances(db, path);

    /* By hand: C1 owes 10000 - 10000 + 5000 - 2000 - 1000 - 500 = 1500;
    ** 'B 2' owes 7000 - 6990 - 10 = 0; C3 owes 120000 - 50000 = 70000. The
    ** bank took 12000 + 4321 USD, 6990 EUR, 50000 JPY. Payment 3's 1000 to
    ** void INV-4 is left out, so all its 4321 stays unapplied. Accounts at
    ** zero are not listed by hledger. */
    expect_sql(db,
               "SELECT account, currency, cents FROM hledger_balance"
               " ORDER BY 1, 2",
               "Assets:Bank|EUR|6990\n"
               "Assets:Bank|JPY|50000\n"
               "Assets:Bank|USD|16321\n"
               "Assets:Receivable:C1|USD|1500\n"
               "Assets:Receivable:C3|JPY|70000\n"
               "Expenses:Bank-fees|EUR|10\n"
               "Expenses:Write-offs|USD|500\n"
               "Income:Sales|EUR|-7000\n"
               "Income:Sales|JPY|-120000\n"
               "Income:Sales|USD|-15000\n"
               "Income:Sales-returns|USD|1000\n"
               "Liabilities:Unapplied-cash:Unidentified|USD|-4321");

    /* Receivable per customer equals the open balances of invoice_balance. */
    expect_sql(db,
               "SELECT count(*) FROM (SELECT b.customer_code, b.currency,"
               "  sum(b.open_cents) AS cents FROM invoice_balance b"
               "  GROUP BY 1, 2) d"
               " LEFT JOIN hledger_balance h"
               "  ON h.account = 'Assets:Receivable:' || replace("
               "       d.customer_code, ' ', '-')"
               "  AND h.currency = d.currency"
               " WHERE coalesce(h.cents, 0) <> d.cents",
               "0");
    /* Bank equals the payments received up to the report date. */
    expect_sql(db,
               "SELECT count(*) FROM (SELECT currency, sum(amount_cents) AS"
               "  cents FROM payments WHERE received_date <= '2013-03-31'"
               "  GROUP BY 1) d"
               " LEFT JOIN hledger_balance h ON h.account = 'Assets:Bank'"
               "  AND h.currency = d.currency"
               " WHERE coalesce(h.cents, 0) <> d.cents",
               "0");
    /* Revenue equals what was invoiced (not void) up to the report date. */
    expect_sql(db,
               "SELECT count(*) FROM (SELECT currency, sum(total_cents) AS"
               "  cents FROM invoices WHERE status <> 'void'"
               "  AND issue_date <= '2013-03-31' GROUP BY 1) d"
               " LEFT JOIN hledger_balance h ON h.account = 'Income:Sales'"
               "  AND h.currency = d.currency"
               " WHERE coalesce(h.cents, 0) <> -d.cents",
               "0");
    unlink(path);
    sqlite3_close(db);
}
END_TEST

Suite *journal_suite(void)
{
    Suite *s = suite_create("journal");
    TCase *text = tcase_create("text");
    TCase *hledger = tcase_create("hledger");

    tcase_add_test(text, test_journal_ledger_text);
    tcase_add_test(text, test_journal_amount_decimals);
    tcase_add_test(text, test_journal_entries_sum_to_zero);
    tcase_add_test(text, test_journal_as_of_leaves_out_later);
    tcase_add_test(text, test_journal_names_sanitised);
    suite_add_tcase(s, text);

    tcase_add_test(hledger, test_journal_hledger_balances);
    suite_add_tcase(s, hledger);
    return s;
}
