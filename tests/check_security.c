/*
** Security: what a database file from outside can make the extension do.
**
**   - Tables and functions that read files or change data are direct-only:
**     a view or trigger that calls them fails, whatever trusted_schema is.
**   - Pure functions and tables are innocuous: views, CHECK constraints,
**     generated columns and index expressions still call them with
**     PRAGMA trusted_schema=OFF.
**   - Schema names and setting values a virtual table puts into SQL are
**     quoted, so odd or hostile text is an identifier or an error, never
**     SQL that runs.
**   - Oversized inputs stop at the limits of sql/REFERENCE.md and the ext/
**     headers with an error that names the limit, before any quadratic
**     work starts.
** tests/reliability_catalog.h gives the kind of each.
*/
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"
#include "reliability_catalog.h"

int sqlite3_receivables_init(sqlite3 *db, char **err_out,
                             const sqlite3_api_routines *api);

/* A database file in the build directory, removed first. */
static void outside_path(char *path, size_t size, const char *name)
{
    snprintf(path, size, "%s/security-%s.db", BUILD_DIR, name);
    remove(path);
}

/* Opens path with the extension registered (register_ext 1) or as a
** plain SQLite connection (0). */
static sqlite3 *open_file(const char *path, int register_ext)
{
    sqlite3 *db = NULL;
    char *err = NULL;

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    if (register_ext)
        ck_assert_int_eq(sqlite3_receivables_init(db, &err, NULL), SQLITE_OK);
    return db;
}

/* Loads the ledger schema files of sql/ that the catalog queries need. */
static void load_ledger(sqlite3 *db)
{
    harness_exec_file(db, "../sql/schema.sql");
    harness_exec_file(db, "../sql/triggers.sql");
    harness_exec_file(db, "../sql/views.sql");
    harness_exec_file(db, "../sql/sync.sql");
    harness_exec_file(db, "../sql/reconcile.sql");
}

/* A deterministic function without SQLITE_INNOCUOUS: the control that
** shows trusted_schema=OFF is in force. Returns its argument. */
static void plain_identity(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)argc;
    sqlite3_result_value(ctx, argv[0]);
}

static void register_plain_identity(sqlite3 *db)
{
    ck_assert_int_eq(sqlite3_create_function(db, "plain_identity", 1,
                                             SQLITE_UTF8 |
                                                 SQLITE_DETERMINISTIC,
                                             NULL, plain_identity, NULL,
                                             NULL),
                     SQLITE_OK);
}

/* ---- direct-only ---- */

/* Counts the catalog's direct-only entries, so the loops below cannot
** pass by finding nothing to test. bank_statement and
** bank_statement_balances read files: at least 2. */
START_TEST(test_catalog_has_direct_entries)
{
    int direct = 0;
    int i;

    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++)
        direct += catalog_functions[i].kind == CATALOG_DIRECT;
    for (i = 0; i < CATALOG_MODULE_COUNT; i++)
        direct += catalog_modules[i].kind == CATALOG_DIRECT;
    ck_assert_int_ge(direct, 2);
}
END_TEST

/* Writes a database as an attacker would, with a plain SQLite: for each
** direct-only entry a view that calls it, and a trigger on table t that
** calls it and logs into table log. */
static void write_hostile_schema(const char *path)
{
    sqlite3 *db = open_file(path, 0);
    int i;

    harness_exec(db, "CREATE TABLE t (x); CREATE TABLE log (n)");
    for (i = 0; i < CATALOG_MODULE_COUNT; i++) {
        const struct catalog_module *m = &catalog_modules[i];
        char *sql;

        if (m->kind != CATALOG_DIRECT)
            continue;
        sql = sqlite3_mprintf("CREATE VIEW v_%s AS %s;"
                              "CREATE TRIGGER tr_%s AFTER INSERT ON t"
                              " WHEN NEW.x = '%s' BEGIN"
                              " INSERT INTO log %s; END",
                              m->name, m->query, m->name, m->name, m->query);
        harness_exec(db, sql);
        sqlite3_free(sql);
    }
    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        const struct catalog_function *f = &catalog_functions[i];
        char *sql;

        if (f->kind != CATALOG_DIRECT)
            continue;
        sql = sqlite3_mprintf("CREATE VIEW v_%s_%d AS SELECT %s(%s)", f->name,
                              f->n_arg, f->name, f->args);
        harness_exec(db, sql);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
}

/* Every direct-only call from the hostile schema fails with SQLite's
** "unsafe use of" error and logs nothing, while the same query at top
** level works (the camt sample has 1 entry and 1 statement). */
static void expect_direct_blocked(sqlite3 *db)
{
    int i;

    for (i = 0; i < CATALOG_MODULE_COUNT; i++) {
        const struct catalog_module *m = &catalog_modules[i];
        char *sql;

        if (m->kind != CATALOG_DIRECT)
            continue;
        expect_sql(db, m->query, "1");
        sql = sqlite3_mprintf("SELECT * FROM v_%s", m->name);
        expect_sql_error(db, sql, "unsafe use of virtual table");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("INSERT INTO t VALUES ('%s')", m->name);
        expect_sql_error(db, sql, "unsafe use of virtual table");
        sqlite3_free(sql);
    }
    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        const struct catalog_function *f = &catalog_functions[i];
        char *sql;

        if (f->kind != CATALOG_DIRECT)
            continue;
        sql = sqlite3_mprintf("SELECT * FROM v_%s_%d", f->name, f->n_arg);
        expect_sql_error(db, sql, "unsafe use of");
        sqlite3_free(sql);
    }
    expect_sql(db, "SELECT count(*) FROM log", "0");
}

/* trusted_schema=ON is SQLite's default and what an application that
** never heard of it runs with: direct-only still holds. */
START_TEST(test_direct_only_trusted_schema_on)
{
    char path[4096];
    sqlite3 *db;

    outside_path(path, sizeof(path), "hostile-on");
    write_hostile_schema(path);
    db = open_file(path, 1);
    harness_exec(db, "PRAGMA trusted_schema = ON");
    expect_direct_blocked(db);
    sqlite3_close(db);
}
END_TEST

START_TEST(test_direct_only_trusted_schema_off)
{
    char path[4096];
    sqlite3 *db;

    outside_path(path, sizeof(path), "hostile-off");
    write_hostile_schema(path);
    db = open_file(path, 1);
    harness_exec(db, "PRAGMA trusted_schema = OFF");
    expect_direct_blocked(db);
    sqlite3_close(db);
}
END_TEST

/* ---- innocuous ---- */

/* Writes a view, a CHECK constraint, a generated column and an index
** expression that call each pure function, and a view over each pure
** table's catalog query. The control view calls plain_identity. */
static void write_schema_using_pure(const char *path)
{
    sqlite3 *db = open_file(path, 1);
    int i;

    register_plain_identity(db);
    harness_exec(db, "PRAGMA synchronous = OFF; BEGIN");
    load_ledger(db);
    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        const struct catalog_function *f = &catalog_functions[i];
        char *sql;

        if (f->kind != CATALOG_PURE)
            continue;
        sql = sqlite3_mprintf(
            "CREATE VIEW v_%d AS SELECT %s(%s);"
            "CREATE TABLE chk_%d (x, CHECK (%s(%s) IS NOT NULL));"
            "CREATE TABLE gen_%d (x, y AS (%s(%s)));"
            "CREATE INDEX gen_%d_idx ON gen_%d (x, %s(%s))",
            i, f->name, f->args, i, f->name, f->args, i, f->name, f->args, i,
            i, f->name, f->args);
        harness_exec(db, sql);
        sqlite3_free(sql);
    }
    for (i = 0; i < CATALOG_MODULE_COUNT; i++) {
        const struct catalog_module *m = &catalog_modules[i];
        char *sql;

        if (m->kind != CATALOG_PURE)
            continue;
        sql = sqlite3_mprintf("CREATE VIEW m_%s AS %s", m->name, m->query);
        harness_exec(db, sql);
        sqlite3_free(sql);
    }
    harness_exec(db, "CREATE VIEW control AS SELECT plain_identity(1);"
                     "COMMIT");
    sqlite3_close(db);
}

/* With trusted_schema=OFF every pure function still returns the
** catalog's result wherever the schema calls it, and every pure table's
** view counts 0 rows of the empty ledger. The control view, over a
** function without SQLITE_INNOCUOUS, fails: so the pragma is in force. */
START_TEST(test_pure_work_trusted_schema_off)
{
    char path[4096];
    sqlite3 *db;
    int i;

    outside_path(path, sizeof(path), "pure");
    write_schema_using_pure(path);
    db = open_file(path, 1);
    register_plain_identity(db);
    harness_exec(db, "PRAGMA trusted_schema = OFF; PRAGMA synchronous = OFF");
    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        const struct catalog_function *f = &catalog_functions[i];
        char *sql;

        if (f->kind != CATALOG_PURE)
            continue;
        sql = sqlite3_mprintf("SELECT * FROM v_%d", i);
        expect_sql(db, sql, f->result);
        sqlite3_free(sql);
        sql = sqlite3_mprintf("INSERT INTO chk_%d VALUES (1);"
                              "INSERT INTO gen_%d (x) VALUES (1);"
                              "SELECT count(*) FROM chk_%d",
                              i, i, i);
        expect_sql(db, sql, "1");
        sqlite3_free(sql);
        sql = sqlite3_mprintf("SELECT y FROM gen_%d", i);
        expect_sql(db, sql, f->result);
        sqlite3_free(sql);
    }
    for (i = 0; i < CATALOG_MODULE_COUNT; i++) {
        const struct catalog_module *m = &catalog_modules[i];
        char *sql;

        if (m->kind != CATALOG_PURE)
            continue;
        sql = sqlite3_mprintf("SELECT * FROM m_%s", m->name);
        expect_sql(db, sql, "0");
        sqlite3_free(sql);
    }
    expect_sql_error(db, "SELECT * FROM control",
                     "unsafe use of plain_identity()");
    sqlite3_close(db);
}
END_TEST

/* ---- quoting ---- */

/* A ledger with one open invoice of 50.00 EUR due 2013-02-01, attached
** under a name with a space, a double quote and a single quote. */
static sqlite3 *open_with_odd_attached(void)
{
    char path[4096];
    sqlite3 *ledger;
    sqlite3 *db = harness_open_schema();
    char *sql;

    outside_path(path, sizeof(path), "odd-name");
    ledger = open_file(path, 0);
    harness_exec_file(ledger, "../sql/schema.sql");
    harness_exec_file(ledger, "../sql/triggers.sql");
    harness_exec(ledger,
                 "INSERT INTO customers (customer_id, code, name, currency)"
                 " VALUES (7, 'ODD', 'Odd Ltd', 'EUR');"
                 "INSERT INTO invoices (invoice_id, number, customer_id,"
                 " issue_date, due_date, total_cents, currency)"
                 " VALUES (1, 'I-1', 7, '2013-01-02', '2013-02-01', 5000,"
                 " 'EUR')");
    sqlite3_close(ledger);
    sql = sqlite3_mprintf("ATTACH '%q' AS \"we\"\"ird 'ledger\"", path);
    harness_exec(db, sql);
    sqlite3_free(sql);
    return db;
}

/* ar_aging reads the attached ledger by its odd name: one row for
** customer 7, 5000 cents over 90 days, since 2013-02-01 to 2013-06-30 is
** 149 days. */
START_TEST(test_aging_schema_with_quotes)
{
    sqlite3 *db = open_with_odd_attached();

    expect_sql(db,
               "SELECT customer_id, days_over_90_cents, max_days_overdue"
               " FROM ar_aging('2013-06-30', 'we\"ird ''ledger')",
               "7|5000|149");
    sqlite3_close(db);
}
END_TEST

/* A schema argument written as SQL injection is one quoted identifier
** that names no database: an error that quotes it, and main's invoices
** table still exists afterwards (count 0, no "no such table"). */
START_TEST(test_aging_schema_injection)
{
    sqlite3 *db = open_with_odd_attached();

    expect_sql_error(db,
                     "SELECT * FROM ar_aging('2013-06-30',"
                     " 'main\".invoices; DROP TABLE invoices; --')",
                     "ar_aging: cannot read the invoices and allocations"
                     " tables of 'main\".invoices; DROP TABLE invoices; --'");
    expect_sql(db, "SELECT count(*) FROM invoices", "0");
    expect_sql(db, "SELECT count(*) FROM \"we\"\"ird 'ledger\".invoices",
               "1");
    sqlite3_close(db);
}
END_TEST

/* A setting given through reconcile_candidates' hidden column is a bound
** value, never SQL text: the payments table and its one row are still
** there afterwards. Whether such text is rejected or read as a number
** depends on the setting's validation, so either outcome passes here, but
** an error must come from reconcile_candidates. */
START_TEST(test_candidates_setting_injection)
{
    sqlite3 *db = harness_open_schema();
    char *err = NULL;
    char *rows;

    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(db, "INSERT INTO customers (customer_id, code, name,"
                     " currency) VALUES (1, 'ACME', 'Acme', 'EUR');"
                     "INSERT INTO payments (payment_id, customer_id,"
                     " received_date, amount_cents, currency)"
                     " VALUES (1, 1, '2013-03-01', 1000, 'EUR')");
    rows = harness_query(db,
                         "SELECT * FROM reconcile_candidates WHERE"
                         " auto_threshold = 'x''; DROP TABLE payments; --'",
                         &err);
    if (rows == NULL)
        ck_assert_msg(strstr(err, "reconcile_candidates") != NULL,
                      "unexpected error: %s", err);
    sqlite3_free(rows);
    sqlite3_free(err);
    expect_sql(db, "SELECT count(*) FROM payments", "1");
    sqlite3_close(db);
}
END_TEST

/* A statement file whose name contains both quote characters and a space
** reads like any other: the camt sample's 1 entry. */
START_TEST(test_statement_path_with_quotes)
{
    char path[4096];
    char *sql;
    sqlite3 *db = harness_open();
    FILE *in = fopen("data/statements/camt/camt053.v2.minimal.xml", "rb");
    FILE *out;
    char buffer[4096];
    size_t n;

    snprintf(path, sizeof(path), "%s/security it's \"odd\".xml", BUILD_DIR);
    ck_assert_ptr_nonnull(in);
    out = fopen(path, "wb");
    ck_assert_ptr_nonnull(out);
    while ((n = fread(buffer, 1, sizeof(buffer), in)) > 0)
        ck_assert_int_eq(fwrite(buffer, 1, n, out), n);
    fclose(in);
    fclose(out);
    sql = sqlite3_mprintf("SELECT count(*) FROM bank_statement('%q')", path);
    expect_sql(db, sql, "1");
    sqlite3_free(sql);
    remove(path);
    sqlite3_close(db);
}
END_TEST

/* ---- oversized inputs ---- */

/* One oversized call and the start of its error. */
struct oversized_case {
    const char *sql;
    const char *error;
};

/* The limits: 1000 code points for the edit distances and Jaro-Winkler,
** 1000 bytes for ref_similarity, 4000 for ref_normalize (sql/REFERENCE.md,
** "References and fuzzy matching"), 1000 bytes for parse_amount
** (AMOUNT_MAX_INPUT in ext/amount.h). One past the limit and a million
** bytes both fail at once with the length in the message, so no call
** starts the O(n*m) work on them. */
static const struct oversized_case oversized_cases[] = {
    {"SELECT levenshtein(printf('%.1001c', 'a'), 'b')",
     "levenshtein: argument 1 is longer than the limit of 1000 code points"
     " (it has 1001)"},
    {"SELECT levenshtein('b', printf('%.1000000c', 'a'))",
     "levenshtein: argument 2 is longer than the limit of 1000 code points"
     " (it has 1000000)"},
    {"SELECT damerau_levenshtein(printf('%.1001c', 'a'), 'b')",
     "damerau_levenshtein: argument 1 is longer than the limit of 1000 code"
     " points (it has 1001)"},
    {"SELECT jaro_winkler(printf('%.1000000c', 'a'), 'b')",
     "jaro_winkler: argument 1 is longer than the limit of 1000 code points"
     " (it has 1000000)"},
    {"SELECT ref_similarity(printf('%.1001c', 'a'), 'b')",
     "ref_similarity: argument 1 is longer than the limit of 1000 bytes"
     " (it has 1001)"},
    {"SELECT ref_normalize(printf('%.4001c', 'a'))",
     "ref_normalize: argument 1 is longer than the limit of 4000 bytes"
     " (it has 4001)"},
    {"SELECT parse_amount(printf('%.1001c', '1'))",
     "is longer than 1000 bytes"},
};

START_TEST(test_oversized_inputs_rejected)
{
    sqlite3 *db = harness_open();
    size_t i;

    for (i = 0; i < sizeof(oversized_cases) / sizeof(*oversized_cases); i++)
        expect_sql_error(db, oversized_cases[i].sql, oversized_cases[i].error);
    sqlite3_close(db);
}
END_TEST

/* At the limit the functions still return a result. 1000 substitutions
** turn 1000 a's into 1000 b's, and 4000 letters normalize to themselves. */
START_TEST(test_inputs_at_limit_accepted)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT levenshtein(printf('%.1000c', 'a'),"
               " printf('%.1000c', 'b'))",
               "1000");
    expect_sql(db, "SELECT length(ref_normalize(printf('%.4000c', 'a')))",
               "4000");
    sqlite3_close(db);
}
END_TEST

/* A file over 64 MiB (STATEMENT_MAX_FILE_BYTES) is rejected before it is
** read; a sparse file makes the test cheap. */
START_TEST(test_statement_file_over_limit)
{
    char path[4096];
    char *sql;
    sqlite3 *db = harness_open();
    int fd;

    snprintf(path, sizeof(path), "%s/security-huge.xml", BUILD_DIR);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ck_assert_int_ge(fd, 0);
    ck_assert_int_eq(ftruncate(fd, 64L * 1024 * 1024 + 1), 0);
    close(fd);
    sql = sqlite3_mprintf("SELECT count(*) FROM bank_statement('%q')", path);
    expect_sql_error(db, sql, "is larger than the 64 MiB limit");
    sqlite3_free(sql);
    remove(path);
    sqlite3_close(db);
}
END_TEST

/* A statement memo has no length limit below the 64 MiB file limit, and
** reading one is linear: a CSV row with a memo of 1,000,000 bytes plus
** " INV-2013-0077" (14 bytes) comes back whole, 1000014 bytes. */
START_TEST(test_statement_long_memo)
{
    char path[4096];
    char *sql;
    sqlite3 *db = harness_open();
    FILE *f;
    int i;

    snprintf(path, sizeof(path), "%s/security-long-memo.csv", BUILD_DIR);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs("Date,Memo,Amount\n2013-06-01,", f);
    for (i = 0; i < 1000000; i++)
        fputc('x', f);
    fputs(" INV-2013-0077,10.00\n", f);
    ck_assert_int_eq(fclose(f), 0);
    sql = sqlite3_mprintf("SELECT length(memo), amount_cents"
                          " FROM bank_statement('%q', 'csv',"
                          " 'date=Date,memo=Memo,amount=Amount,currency=EUR')",
                          path);
    expect_sql(db, sql, "1000014|1000");
    sqlite3_free(sql);
    remove(path);
    sqlite3_close(db);
}
END_TEST

/* A ledger of one customer with n open invoices of 10.00 EUR numbered
** INV-2013-0001.., and payment 1 of 10.00 EUR with reference memo. */
static sqlite3 *open_memo_ledger(int n, const char *memo_sql)
{
    sqlite3 *db = harness_open_schema();
    char *sql;

    harness_exec_file(db, "../sql/reconcile.sql");
    sql = sqlite3_mprintf(
        "UPDATE settings SET as_of = '2013-06-30';"
        "INSERT INTO customers (customer_id, code, name, currency)"
        " VALUES (1, 'ACME', 'Acme', 'EUR');"
        "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k"
        " WHERE i < %d)"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        " due_date, total_cents, currency)"
        " SELECT i, printf('INV-2013-%%04d', i), 1, '2013-01-01',"
        " '2013-02-01', 1000, 'EUR' FROM k;"
        "INSERT INTO payments (payment_id, customer_id, received_date,"
        " amount_cents, currency, reference)"
        " VALUES (1, 1, '2013-03-01', 1000, 'EUR', %s)",
        n, memo_sql);
    harness_exec(db, sql);
    sqlite3_free(sql);
    return db;
}

/* Only the first 512 bytes of a memo are read (RECONCILE_MEMO_MAX_BYTES,
** LIMITS of ext/reconcile_memo.c). Every invoice matches the amount, so
** the reference decides. At byte 401 it is read and invoice 77 ranks
** first. At byte 601 it is not, and the oldest, invoice 1, ranks first. */
START_TEST(test_memo_read_up_to_limit)
{
    sqlite3 *db = open_memo_ledger(
        100, "printf('%.400c', 'x') || ' INV-2013-0077'");

    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates WHERE rank = 1",
               "[77]");
    sqlite3_close(db);

    db = open_memo_ledger(100, "printf('%.600c', 'x') || ' INV-2013-0077'");
    expect_sql(db,
               "SELECT invoice_ids FROM reconcile_candidates WHERE rank = 1",
               "[1]");
    sqlite3_close(db);
}
END_TEST

/* A memo of a million bytes and 20000 candidate invoices still give at
** most max_rank (default 5) candidates, ranks 1 to 5, and no error: the
** memo is cut at 512 bytes and the subset search at subset_max_invoices. */
START_TEST(test_huge_memo_and_candidates)
{
    sqlite3 *db = open_memo_ledger(
        20000, "printf('%.1000000c', 'x') || ' INV-2013-0077'");

    expect_sql(db,
               "SELECT count(*), min(rank), max(rank)"
               " FROM reconcile_candidates",
               "5|1|5");
    sqlite3_close(db);
}
END_TEST

Suite *security_suite(void)
{
    Suite *s = suite_create("security");
    TCase *direct = tcase_create("direct_only");
    TCase *innocuous = tcase_create("innocuous");
    TCase *quoting = tcase_create("quoting");
    TCase *limits = tcase_create("limits");

    tcase_add_test(direct, test_catalog_has_direct_entries);
    tcase_add_test(direct, test_direct_only_trusted_schema_on);
    tcase_add_test(direct, test_direct_only_trusted_schema_off);
    suite_add_tcase(s, direct);

    tcase_add_test(innocuous, test_pure_work_trusted_schema_off);
    suite_add_tcase(s, innocuous);

    tcase_add_test(quoting, test_aging_schema_with_quotes);
    tcase_add_test(quoting, test_aging_schema_injection);
    tcase_add_test(quoting, test_candidates_setting_injection);
    tcase_add_test(quoting, test_statement_path_with_quotes);
    suite_add_tcase(s, quoting);

    tcase_set_timeout(limits, 60);
    tcase_add_test(limits, test_oversized_inputs_rejected);
    tcase_add_test(limits, test_inputs_at_limit_accepted);
    tcase_add_test(limits, test_statement_file_over_limit);
    tcase_add_test(limits, test_statement_long_memo);
    tcase_add_test(limits, test_memo_read_up_to_limit);
    tcase_add_test(limits, test_huge_memo_and_candidates);
    suite_add_tcase(s, limits);
    return s;
}
