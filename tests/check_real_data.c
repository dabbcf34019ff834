/*
** The bundled IBM data set end to end: the demo's own load script, then
** ar_aging on three dates against totals computed here in C straight from
** the CSV, with a day count that does not use the extension's calendar code.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

#define CSV_PATH "../demo/data/ibm-accounts-receivable.csv"
#define MAX_INVOICES 4000
#define MAX_CUSTOMERS 200

/* One CSV row, reduced to what the aging check needs. */
struct csv_invoice {
    char customer[16]; /* customerID */
    long issue_day;    /* InvoiceDate as a day count */
    long due_day;      /* DueDate */
    long settled_day;  /* SettledDate */
    long cents;        /* InvoiceAmount in cents */
};

/* Days since 1900-01-01 by plain counting: whole years, then whole months.
** Deliberately unlike the era arithmetic in ext/dates.c. */
static long count_days(int year, int month, int day)
{
    static const int month_days[12] = {31, 28, 31, 30, 31, 30,
                                       31, 31, 30, 31, 30, 31};
    long days = 0;
    int y, m;

    for (y = 1900; y < year; y++)
        days += (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 366 : 365;
    for (m = 1; m < month; m++) {
        days += month_days[m - 1];
        if (m == 2 && year % 4 == 0 && (year % 100 != 0 || year % 400 == 0))
            days++;
    }
    return days + day - 1;
}

/* Parses "M/D/YYYY". */
static long us_date_days(const char *text)
{
    int month, day, year;

    ck_assert_int_eq(sscanf(text, "%d/%d/%d", &month, &day, &year), 3);
    return count_days(year, month, day);
}

/* Parses "123.4" or "55.94" into cents without floating point. */
static long amount_cents(const char *text)
{
    long whole = 0;
    long frac = 0;
    int frac_digits = 0;
    const char *p = text;

    for (; *p >= '0' && *p <= '9'; p++)
        whole = whole * 10 + (*p - '0');
    if (*p == '.')
        for (p++; *p >= '0' && *p <= '9' && frac_digits < 2; p++, frac_digits++)
            frac = frac * 10 + (*p - '0');
    while (frac_digits++ < 2)
        frac *= 10;
    return whole * 100 + frac;
}

/* Reads every CSV row into rows and, as raw text, into raw_invoices. */
static int load_csv(sqlite3 *db, struct csv_invoice *rows)
{
    FILE *f = fopen(CSV_PATH, "r");
    char line[512];
    sqlite3_stmt *insert = NULL;
    int n = 0;
    int i;

    ck_assert_msg(f != NULL, "cannot open %s", CSV_PATH);
    ck_assert_ptr_nonnull(fgets(line, sizeof(line), f)); /* header */
    harness_exec(db, "CREATE TEMP TABLE raw_invoices (country_code,"
                     " customer_code, paperless_date, invoice_number,"
                     " invoice_date, due_date, amount, disputed,"
                     " settled_date, paperless_bill, days_to_settle,"
                     " days_late)");
    ck_assert_int_eq(sqlite3_prepare_v2(db, "INSERT INTO raw_invoices VALUES"
                     " (?,?,?,?,?,?,?,?,?,?,?,?)", -1, &insert, NULL),
                     SQLITE_OK);
    while (fgets(line, sizeof(line), f)) {
        char *field[12];
        char *p = line;

        line[strcspn(line, "\r\n")] = '\0';
        for (i = 0; i < 12; i++) {
            field[i] = p;
            p += strcspn(p, ",");
            if (*p)
                *p++ = '\0';
        }
        ck_assert_int_lt(n, MAX_INVOICES);
        snprintf(rows[n].customer, sizeof(rows[n].customer), "%s", field[1]);
        rows[n].issue_day = us_date_days(field[4]);
        rows[n].due_day = us_date_days(field[5]);
        rows[n].settled_day = us_date_days(field[8]);
        rows[n].cents = amount_cents(field[6]);
        for (i = 0; i < 12; i++)
            sqlite3_bind_text(insert, i + 1, field[i], -1, SQLITE_TRANSIENT);
        ck_assert_int_eq(sqlite3_step(insert), SQLITE_DONE);
        sqlite3_reset(insert);
        n++;
    }
    sqlite3_finalize(insert);
    fclose(f);
    return n;
}

/* Aging figures of one customer, as ar_aging reports them. */
struct aging_row {
    char customer[16];
    long bucket[5]; /* current, 1-30, 31-60, 61-90, 90+ */
    long total;
    int open;
    long max_late;
};

/* Computes aging rows from the CSV alone as of the day count as_of, sorted
** by customer code; returns how many customers have an open invoice. */
static int expected_aging(const struct csv_invoice *rows, int n, long as_of,
                          struct aging_row *out)
{
    int count = 0;
    int i, j;

    for (i = 0; i < n; i++) {
        long late = as_of - rows[i].due_day;
        int b = late <= 0 ? 0 : late <= 30 ? 1 : late <= 60 ? 2
              : late <= 90 ? 3 : 4;
        struct aging_row *row = NULL;

        /* Open on as_of: issued by then, not yet settled (paid in full). */
        if (rows[i].issue_day > as_of || rows[i].settled_day <= as_of)
            continue;
        for (j = 0; j < count && !row; j++)
            if (strcmp(out[j].customer, rows[i].customer) == 0)
                row = &out[j];
        if (!row) {
            row = &out[count++];
            memset(row, 0, sizeof(*row));
            strcpy(row->customer, rows[i].customer);
            row->max_late = late;
        }
        row->bucket[b] += rows[i].cents;
        row->total += rows[i].cents;
        row->open++;
        if (late > row->max_late)
            row->max_late = late;
    }
    /* Insertion sort by customer code: at most 100 rows. */
    for (i = 1; i < count; i++)
        for (j = i; j > 0 && strcmp(out[j - 1].customer, out[j].customer) > 0;
             j--) {
            struct aging_row tmp = out[j];
            out[j] = out[j - 1];
            out[j - 1] = tmp;
        }
    return count;
}

/* Loads the data set the way the demo does, with every payment up to the
** last settlement, so ar_aging sees the whole payment history. */
static sqlite3 *open_ibm(struct csv_invoice *rows, int *n_out)
{
    sqlite3 *db = harness_open_schema();

    harness_exec(db, "UPDATE settings SET as_of = '2014-12-31'");
    *n_out = load_csv(db, rows);
    harness_exec_file(db, "../demo/load_ibm.sql");
    return db;
}

START_TEST(test_ibm_load_matches_every_payment)
{
    static struct csv_invoice rows[MAX_INVOICES];
    int n;
    sqlite3 *db = open_ibm(rows, &n);

    /* 2,466 invoices, all settled: one payment each, each matched by its
    ** normalized reference, so every invoice ends 'paid'. */
    ck_assert_int_eq(n, 2466);
    expect_sql(db, "SELECT count(*) FROM customers", "100");
    expect_sql(db, "SELECT count(*), sum(status = 'paid') FROM invoices",
               "2466|2466");
    expect_sql(db, "SELECT count(*), sum(status = 'reconciled') FROM payments",
               "2466|2466");
    /* paid_date is the settled date of the CSV for every invoice. */
    expect_sql(db, "SELECT count(*) FROM invoices i JOIN raw_invoices r"
                   " ON r.invoice_number = i.number"
                   " WHERE i.paid_date IS NOT parse_date(r.settled_date, 'mdy')",
               "0");
    sqlite3_close(db);
}
END_TEST

/* Compares ar_aging(as_of) with the C computation, row by row. */
static void check_aging_on(sqlite3 *db, const struct csv_invoice *rows, int n,
                           const char *as_of_iso)
{
    static struct aging_row expected[MAX_CUSTOMERS];
    sqlite3_stmt *stmt = NULL;
    int year, month, day;
    int count, i = 0;

    ck_assert_int_eq(sscanf(as_of_iso, "%d-%d-%d", &year, &month, &day), 3);
    count = expected_aging(rows, n, count_days(year, month, day), expected);
    ck_assert_int_gt(count, 0);
    ck_assert_int_eq(sqlite3_prepare_v2(db,
        "SELECT c.code, a.current_cents, a.days_1_30_cents,"
        " a.days_31_60_cents, a.days_61_90_cents, a.days_over_90_cents,"
        " a.total_cents, a.open_invoices, a.max_days_overdue"
        " FROM ar_aging(?1) a JOIN customers c USING (customer_id)"
        " ORDER BY c.code", -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_text(stmt, 1, as_of_iso, -1, SQLITE_STATIC);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const struct aging_row *e = &expected[i];
        int b;

        ck_assert_int_lt(i, count);
        ck_assert_str_eq((const char *)sqlite3_column_text(stmt, 0),
                         e->customer);
        for (b = 0; b < 5; b++)
            ck_assert_msg(sqlite3_column_int64(stmt, 1 + b) == e->bucket[b],
                          "%s %s bucket %d: got %lld, expected %ld",
                          as_of_iso, e->customer, b,
                          sqlite3_column_int64(stmt, 1 + b), e->bucket[b]);
        ck_assert_int_eq(sqlite3_column_int64(stmt, 6), e->total);
        ck_assert_int_eq(sqlite3_column_int(stmt, 7), e->open);
        ck_assert_int_eq(sqlite3_column_int64(stmt, 8), e->max_late);
        i++;
    }
    ck_assert_int_eq(sqlite3_finalize(stmt), SQLITE_OK);
    ck_assert_int_eq(i, count);
}

START_TEST(test_ibm_ar_aging_matches_csv)
{
    static struct csv_invoice rows[MAX_INVOICES];
    int n;
    sqlite3 *db = open_ibm(rows, &n);

    /* A mid-year date, a quarter end with a leap-year February behind it,
    ** and the last day invoices are still open. */
    check_aging_on(db, rows, n, "2013-06-30");
    check_aging_on(db, rows, n, "2012-03-31");
    check_aging_on(db, rows, n, "2013-12-31");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ibm_aging_view_matches_ar_aging)
{
    static struct csv_invoice rows[MAX_INVOICES];
    int n;
    sqlite3 *db = open_ibm(rows, &n);

    /* The plain-SQL view must agree with the virtual table everywhere. */
    harness_exec(db, "UPDATE settings SET as_of = '2013-06-30'");
    expect_sql(db, "SELECT count(*) FROM ("
                   " SELECT customer_id, current_cents, days_1_30_cents,"
                   "  days_31_60_cents, days_61_90_cents, days_over_90_cents,"
                   "  total_cents, open_invoices, max_days_overdue"
                   "  FROM aging_by_customer"
                   " EXCEPT SELECT customer_id, current_cents,"
                   "  days_1_30_cents, days_31_60_cents, days_61_90_cents,"
                   "  days_over_90_cents, total_cents, open_invoices,"
                   "  max_days_overdue FROM ar_aging('2013-06-30'))",
               "0");
    expect_sql(db, "SELECT (SELECT count(*) FROM aging_by_customer) ="
                   " (SELECT count(*) FROM ar_aging('2013-06-30'))", "1");
    sqlite3_close(db);
}
END_TEST

Suite *real_data_suite(void)
{
    Suite *s = suite_create("real_data");
    TCase *tc = tcase_create("ibm");

    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_ibm_load_matches_every_payment);
    tcase_add_test(tc, test_ibm_ar_aging_matches_csv);
    tcase_add_test(tc, test_ibm_aging_view_matches_ar_aging);
    suite_add_tcase(s, tc);
    return s;
}
