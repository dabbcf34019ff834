/*
** Edge cases of ar_aging that the aging suite leaves out: rows that break
** the schema's rules, schema prefixes written in every quoting style, sort
** orders the table does not produce itself, and as_of taken from a join.
**
** The ledger lives in an attached database 'aux' whose tables have the
** columns ar_aging reads and no constraints, so that a NULL currency or an
** impossible due_date can be stored, as in a file written by another tool.
*/
#include <stdio.h>
#include <string.h>

#include "harness.h"

/* The columns ar_aging reads from invoices and allocations, no checks. */
static const char edge_aux_schema[] =
    "ATTACH ':memory:' AS aux;"
    "CREATE TABLE aux.invoices (invoice_id INTEGER PRIMARY KEY,"
    " customer_id INTEGER, currency TEXT, due_date TEXT,"
    " total_cents INTEGER, allocated_cents INTEGER, status TEXT,"
    " paid_date TEXT, issue_date TEXT);"
    "CREATE TABLE aux.allocations (invoice_id INTEGER,"
    " amount_cents INTEGER, effective_date TEXT);";

/* Customer 5 owes 10000 EUR due 2013-05-01; customer 3 owes 400 USD due
** 2013-06-30 and 900 EUR due 2013-07-15, both issued 2013-06-01. */
static const char edge_aux_invoices[] =
    "INSERT INTO aux.invoices VALUES"
    " (1, 5, 'EUR', '2013-05-01', 10000, 0, 'open', NULL, '2013-04-01'),"
    " (2, 3, 'USD', '2013-06-30', 400, 0, 'open', NULL, '2013-06-01'),"
    " (3, 3, 'EUR', '2013-07-15', 900, 0, 'open', NULL, '2013-06-01');";

static sqlite3 *edge_open_aux(void)
{
    sqlite3 *db = harness_open();

    harness_exec(db, edge_aux_schema);
    return db;
}

/* 10000 less the 2500 allocated on 2013-06-01 leaves 7500 open; the 1000
** allocated on 2013-07-05 is after as_of and does not count. Due
** 2013-05-01, the invoice is 30 (rest of May) + 30 (June) = 60 days
** overdue on 2013-06-30: bucket 31-60. */
START_TEST(test_ar_aging_schema_argument_reads_aux)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db,
                 "INSERT INTO aux.invoices VALUES (1, 5, 'EUR', '2013-05-01',"
                 " 10000, 3500, 'partial', NULL, '2013-04-01');"
                 "INSERT INTO aux.allocations VALUES (1, 2500, '2013-06-01'),"
                 " (1, 1000, '2013-07-05');");
    expect_sql(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
               "5|EUR|0|0|7500|0|0|7500|1|60");
    sqlite3_close(db);
}
END_TEST

/* An open invoice with a NULL or 4-letter currency stops the query. */
START_TEST(test_ar_aging_bad_currency_row)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db, "INSERT INTO aux.invoices VALUES (2, 5, NULL,"
                     " '2013-05-01', 100, 0, 'open', NULL, '2013-04-01')");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
                     "ar_aging: invoice 2 has currency '', not a 3-letter "
                     "code; correct invoices.currency");
    harness_exec(db, "UPDATE aux.invoices SET currency = 'EURO'");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
                     "invoice 2 has currency 'EURO', not a 3-letter code");
    sqlite3_close(db);
}
END_TEST

/* An open invoice with no due_date, or 30 February, stops the query. */
START_TEST(test_ar_aging_bad_due_date_row)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db, "INSERT INTO aux.invoices VALUES (2, 5, 'EUR', NULL,"
                     " 100, 0, 'open', NULL, '2013-04-01')");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
                     "ar_aging: invoice 2 has due_date '', not an ISO date "
                     "that exists; correct invoices.due_date");
    harness_exec(db, "UPDATE aux.invoices SET due_date = '2013-02-30'");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
                     "invoice 2 has due_date '2013-02-30', not an ISO date");
    sqlite3_close(db);
}
END_TEST

/* Allocations summing to -10 cents would make the open amount larger
** than the invoice; ar_aging rejects them instead. */
START_TEST(test_ar_aging_negative_allocations)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db, "INSERT INTO aux.invoices VALUES (2, 5, 'EUR',"
                     " '2013-06-30', 100, 5, 'partial', NULL, '2013-04-01');"
                     "INSERT INTO aux.allocations VALUES"
                     " (2, -10, '2013-06-01');");
    expect_sql_error(db, "SELECT * FROM ar_aging('2013-06-30', 'aux')",
                     "ar_aging: allocations of invoice 2 sum to -10 cents, "
                     "below zero");
    sqlite3_close(db);
}
END_TEST

/* The prefix is found with double quotes, brackets, backquotes and blanks
** (space, tab, CR, LF) on either side of the dot; each names aux, which
** is not the schema argument. */
START_TEST(test_ar_aging_quoted_prefixes)
{
    static const char *const queries[] = {
        "SELECT count(*) FROM \"aux\" . ar_aging('2013-06-30')",
        "SELECT count(*) FROM [aux].ar_aging('2013-06-30')",
        "SELECT count(*) FROM `aux`\n.\tar_aging('2013-06-30')",
        "SELECT count(*) FROM aux\r\n.ar_aging('2013-06-30')",
        "SELECT count(*) FROM aux\t.\r ar_aging('2013-06-30')",
        "SELECT count(*) FROM \"aux\" \t\r\n.\n\t\r ar_aging('2013-06-30')",
        "SELECT count(*) FROM [aux]\n.\r\nar_aging('2013-06-30')",
    };
    sqlite3 *db = edge_open_aux();
    size_t i;

    for (i = 0; i < sizeof(queries) / sizeof(*queries); i++)
        expect_sql_error(db, queries[i],
                         "ar_aging: a schema prefix is not supported, got "
                         "'aux.ar_aging', which would read the tables of "
                         "'main'");
    sqlite3_close(db);
}
END_TEST

/* A prefix equal to the schema argument is accepted, and names that only
** contain ar_aging (x_ar_aging, ar_agings) are no prefix at all. */
START_TEST(test_ar_aging_prefix_matching_schema)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db, edge_aux_invoices);
    expect_sql(db,
               "SELECT count(*) FROM aux.ar_aging('2013-06-30', 'aux')", "3");
    expect_sql(db,
               "SELECT 'x_ar_aging', 'ar_agings', count(*)"
               " FROM ar_aging('2013-06-30', 'aux')",
               "x_ar_aging|ar_agings|3");
    sqlite3_close(db);
}
END_TEST

/* A prefix of 80 letters is quoted cut to its first 63 bytes. */
START_TEST(test_ar_aging_long_prefix_cut)
{
    sqlite3 *db = edge_open_aux();
    char sql[256];
    char expected[160];
    char name[81];

    memset(name, 'a', 80);
    name[80] = '\0';
    snprintf(sql, sizeof(sql),
             "SELECT count(*) FROM %s.ar_aging('2013-06-30', 'aux')", name);
    name[63] = '\0';
    snprintf(expected, sizeof(expected), "got '%s.ar_aging', which would",
             name);
    expect_sql_error(db, sql, expected);
    sqlite3_close(db);
}
END_TEST

/* Descending order and a third sort key are sorted by SQLite, not by the
** table; the rows must still come in the order asked for. */
START_TEST(test_ar_aging_other_orders)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db, edge_aux_invoices);
    expect_sql(db,
               "SELECT customer_id, currency, total_cents"
               " FROM ar_aging('2013-06-30', 'aux')"
               " ORDER BY customer_id DESC, currency DESC",
               "5|EUR|10000\n3|USD|400\n3|EUR|900");
    expect_sql(db,
               "SELECT customer_id, currency, total_cents"
               " FROM ar_aging('2013-06-30', 'aux')"
               " ORDER BY customer_id, currency, total_cents",
               "3|EUR|900\n3|USD|400\n5|EUR|10000");
    sqlite3_close(db);
}
END_TEST

/* as_of from another table: the planner must put the days table first.
** On 2013-05-31 only invoice 1 is issued, 30 days past 2013-05-01; on
** 2013-06-30 the EUR invoice of customer 3 is due in 15 days (-15), its
** USD invoice is due that day (0), and invoice 1 is 60 days overdue. */
START_TEST(test_ar_aging_as_of_from_join)
{
    sqlite3 *db = edge_open_aux();

    harness_exec(db, edge_aux_invoices);
    harness_exec(db, "CREATE TABLE aux.days (day TEXT);"
                     "INSERT INTO aux.days VALUES ('2013-05-31'),"
                     " ('2013-06-30');");
    expect_sql(db,
               "SELECT d.day, a.customer_id, a.currency, a.max_days_overdue"
               " FROM aux.days d, ar_aging a"
               " WHERE a.as_of = d.day AND a.schema = 'aux' ORDER BY 1, 2, 3",
               "2013-05-31|5|EUR|30\n"
               "2013-06-30|3|EUR|-15\n"
               "2013-06-30|3|USD|0\n"
               "2013-06-30|5|EUR|60");
    sqlite3_close(db);
}
END_TEST

/* Ten bytes with a wrong byte in a digit or dash position are no ISO
** date: 'A' and ':' sort above '9', '/' below '0'. */
START_TEST(test_ar_aging_as_of_shapes)
{
    static const char *const as_of[] = {"2013-0A-30", "2013-06/30",
                                        "2013:06-30", "2013-06-3/"};
    sqlite3 *db = edge_open_aux();
    char sql[96];
    char expected[96];
    size_t i;

    for (i = 0; i < sizeof(as_of) / sizeof(*as_of); i++) {
        snprintf(sql, sizeof(sql), "SELECT * FROM ar_aging('%s', 'aux')",
                 as_of[i]);
        snprintf(expected, sizeof(expected),
                 "ar_aging: as_of '%s' is not an ISO date", as_of[i]);
        expect_sql_error(db, sql, expected);
    }
    sqlite3_close(db);
}
END_TEST

Suite *edge_aging_suite(void)
{
    Suite *s = suite_create("edge_aging");
    TCase *rows = tcase_create("rows");
    TCase *sql = tcase_create("sql");

    tcase_add_test(rows, test_ar_aging_schema_argument_reads_aux);
    tcase_add_test(rows, test_ar_aging_bad_currency_row);
    tcase_add_test(rows, test_ar_aging_bad_due_date_row);
    tcase_add_test(rows, test_ar_aging_negative_allocations);
    tcase_add_test(sql, test_ar_aging_quoted_prefixes);
    tcase_add_test(sql, test_ar_aging_prefix_matching_schema);
    tcase_add_test(sql, test_ar_aging_long_prefix_cut);
    tcase_add_test(sql, test_ar_aging_other_orders);
    tcase_add_test(sql, test_ar_aging_as_of_from_join);
    tcase_add_test(sql, test_ar_aging_as_of_shapes);
    suite_add_tcase(s, rows);
    suite_add_tcase(s, sql);
    return s;
}
