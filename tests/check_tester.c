/*
** Bad and unusual input found by trying the extension as a new user would:
** CSV options and files, reconciliation memos and camt codes. Each file is
** written into a fresh mkdtemp directory and removed after the test.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

/* A temporary statement file; path is inside dir. */
struct tester_file {
    char dir[64];
    char path[96];
};

static void tester_write(struct tester_file *f, const char *name,
                         const char *text)
{
    FILE *out;

    strcpy(f->dir, "/tmp/tester_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name);
    out = fopen(f->path, "w");
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(fputs(text, out) >= 0, 1);
    ck_assert_int_eq(fclose(out), 0);
}

static void tester_remove(struct tester_file *f)
{
    ck_assert_int_eq(unlink(f->path), 0);
    ck_assert_int_eq(rmdir(f->dir), 0);
}

/* Runs sql with %q replaced by the file's path, expecting the given rows. */
static void tester_expect(const struct tester_file *f, const char *sql_format,
                          const char *expected)
{
    sqlite3 *db = harness_open();
    char *sql = sqlite3_mprintf(sql_format, f->path);

    ck_assert_ptr_nonnull(sql);
    expect_sql(db, sql, expected);
    sqlite3_free(sql);
    sqlite3_close(db);
}

static void tester_expect_error(const struct tester_file *f,
                                const char *sql_format, const char *expected)
{
    sqlite3 *db = harness_open();
    char *sql = sqlite3_mprintf(sql_format, f->path);

    ck_assert_ptr_nonnull(sql);
    expect_sql_error(db, sql, expected);
    sqlite3_free(sql);
    sqlite3_close(db);
}

/* With header=no the first row is data, so a column given by name has
** nothing to be looked up in. Matched against that row, memo=ACME would
** pick column 3 only because the first payee is ACME, and every payee
** would become the memo. The load fails and asks for a column number. */
START_TEST(test_csv_no_header_rejects_column_name)
{
    struct tester_file f;

    tester_write(&f, "s.csv",
                 "2024-01-02,1.00,ACME\n2024-01-03,2.00,Other\n");
    tester_expect_error(&f,
                        "SELECT count(*) FROM bank_statement('%q', 'csv',"
                        " 'header=no,date=1,amount=2,memo=ACME,currency=EUR')",
                        "header=no");
    tester_expect_error(&f,
                        "SELECT count(*) FROM bank_statement('%q', 'csv',"
                        " 'header=no,date=1,amount=2,memo=ACME,currency=EUR')",
                        "memo='ACME'");
    /* The same file read by column number: 100 and 200 cents. */
    tester_expect(&f,
                  "SELECT amount_cents, memo FROM bank_statement('%q', 'csv',"
                  " 'header=no,date=1,amount=2,memo=3,currency=EUR')",
                  "100|ACME\n200|Other");
    tester_remove(&f);
}
END_TEST

Suite *tester_suite(void)
{
    Suite *s = suite_create("tester");
    TCase *csv = tcase_create("csv");

    tcase_add_test(csv, test_csv_no_header_rejects_column_name);
    suite_add_tcase(s, csv);
    return s;
}
