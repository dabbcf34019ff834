/*
** libFuzzer targets for the extension's SQL functions and virtual tables.
** One binary per target: the build compiles this file with
** -DFUZZ_TARGET='"name"' and the table below gives that target's SQL. Each
** input is split into arguments (fuzz_common.h) and bound to ?1, ?2, ...
** of every statement of the target. When a statement names :path, the
** last argument is written to a file first and :path is bound to it.
**
** What a run checks, besides ASan and UBSan:
**   - an error message reads "<name>: <problem>" with no trailing period;
**   - every TEXT value returned is valid UTF-8;
**   - every column named ok_* is 1 or NULL: these columns state a property
**     the result must have (a date that exists, a symmetric distance, an
**     amount that survives format_money and back, ...).
**
** Adding a target: add a row to fuzz_targets and a seed folder
** tests/fuzz/corpus/<name>/; the Makefile builds one binary per folder.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz_common.h"

#ifndef FUZZ_TARGET
#error "compile with -DFUZZ_TARGET='\"<target name>\"'"
#endif
#ifndef FUZZ_SQL_DIR
#error "compile with -DFUZZ_SQL_DIR='\"<path of sql/>\"'"
#endif

/* Maximum number of statements one target runs per input. */
#define FUZZ_MAX_STATEMENTS 10

/* A target: its name, how many arguments it splits the input into, the
** database it needs and the statements it runs per input. */
struct fuzz_target {
    const char *name;
    int n_args;
    const char *setup; /* run once after the schema; NULL: none */
    int needs_schema;  /* 1: load sql/schema, triggers and views first */
    const char *sql[FUZZ_MAX_STATEMENTS]; /* NULL-terminated */
};

/* Invoices and allocations for the ar_aging target: each bucket, two
** currencies, a void and a paid invoice. */
static const char aging_data[] =
    "INSERT INTO customers (customer_id, code, name) VALUES"
    " (1, 'C1', 'Alpha'), (2, 'C2', 'Beta');"
    "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
    " due_date, total_cents, currency) VALUES"
    " (1, 'I1', 1, '2013-01-01', '2013-01-31', 10000, 'USD'),"
    " (2, 'I2', 1, '2013-03-01', '2013-03-31', 20000, 'USD'),"
    " (3, 'I3', 1, '2013-05-01', '2013-05-31', 30000, 'EUR'),"
    " (4, 'I4', 2, '2012-01-01', '2012-01-31', 40000, 'USD'),"
    " (5, 'I5', 2, '2013-06-01', '2013-07-01', 5000, 'USD');"
    "INSERT INTO payments (payment_id, customer_id, received_date,"
    " amount_cents, currency) VALUES (1, 1, '2013-04-15', 12000, 'USD');"
    "INSERT INTO allocations (invoice_id, payment_id, amount_cents) VALUES"
    " (1, 1, 10000), (2, 1, 2000);"
    "UPDATE invoices SET status = 'void' WHERE invoice_id = 5;";

/* Open invoices for the reconcile_candidates target; each input replaces
** payment 9, whose reference, payer name and amount it sets. */
static const char reconcile_data[] =
    "INSERT INTO customers (customer_id, code, name) VALUES"
    " (1, 'C1', 'Alpha Trading'), (2, 'C2', 'Beta GmbH');"
    "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
    " due_date, total_cents, currency) VALUES"
    " (1, 'INV-2013-0042', 1, '2013-01-01', '2013-01-31', 10000, 'USD'),"
    " (2, 'INV-2013-0043', 1, '2013-02-01', '2013-03-03', 2500, 'USD'),"
    " (3, 'RF18539007547034', 2, '2013-03-01', '2013-03-31', 7500, 'USD'),"
    " (4, '4512', 2, '2013-04-01', '2013-05-01', 12500, 'EUR');";

static const struct fuzz_target fuzz_targets[] = {
    {"parse_date",
     2,
     NULL,
     0,
     {"SELECT parse_date(?1) IS date(parse_date(?1), '+0 days')"
      " AS ok_real_day",
      "SELECT parse_date(?1, ?2) IS date(parse_date(?1, ?2), '+0 days')"
      " AS ok_real_day",
      "SELECT parse_date(parse_date(?1, ?2)) IS parse_date(?1, ?2)"
      " AS ok_iso_stays",
      NULL}},
    {"days_overdue",
     3,
     NULL,
     0,
     {"SELECT days_overdue(?1, ?2) IS NULL"
      " OR days_overdue(?1, ?2) = julianday(?2) - julianday(?1)"
      " AS ok_days",
      "SELECT due_alert(?1, ?2)", "SELECT aging_bucket(?3)",
      "SELECT aging_bucket(days_overdue(?1, ?2))"
      " IS aging_bucket(days_overdue(?1, ?2)) AS ok_bucket",
      NULL}},
    {"parse_amount",
     3,
     NULL,
     0,
     {"SELECT parse_amount(?1)", "SELECT parse_amount(?1, ?2)",
      "SELECT parse_amount(?1, ?2, ?3)", "SELECT currency_digits(?2)",
      /* format_money writes what parse_amount reads: ',' groups, '.'. */
      "SELECT v IS NULL OR parse_amount(format_money(v), '.', 2) = v"
      " AS ok_round_trip FROM (SELECT parse_amount(?1) AS v)",
      NULL}},
    {"format_money",
     2,
     NULL,
     0,
     {"SELECT format_money(?1)", "SELECT format_money(?1, ?2)",
      "SELECT typeof(?1) <> 'integer' OR ?1 = -9223372036854775807 - 1"
      " OR parse_amount(format_money(?1, ?2), '.', currency_digits(?2))"
      " = ?1 AS ok_round_trip",
      NULL}},
    {"ref_normalize",
     1,
     NULL,
     0,
     {"SELECT ref_normalize(?1)",
      "SELECT typeof(?1) NOT IN ('text', 'blob')"
      " OR length(CAST(ref_normalize(?1) AS BLOB))"
      " <= length(CAST(?1 AS BLOB)) AS ok_not_longer",
      NULL}},
    {"ref_similarity",
     2,
     NULL,
     0,
     {"SELECT ref_similarity(?1, ?2) BETWEEN 0 AND 1 AS ok_range",
      "SELECT ref_similarity(?1, ?1) = 1 OR ref_normalize(?1) = ''"
      " AS ok_self",
      NULL}},
    {"similarity",
     2,
     NULL,
     0,
     {"SELECT levenshtein(?1, ?2) = levenshtein(?2, ?1) AS ok_symmetric",
      "SELECT damerau_levenshtein(?1, ?2) <= levenshtein(?1, ?2)"
      " AS ok_below_levenshtein",
      "SELECT jaro_winkler(?1, ?2) BETWEEN 0 AND 1 AS ok_range",
      /* length() stops at a NUL, the distances count it as U+0000. */
      "SELECT typeof(?1) <> 'text' OR typeof(?2) <> 'text'"
      " OR instr(CAST(?1 || ?2 AS BLOB), x'00') > 0"
      " OR levenshtein(?1, ?2) BETWEEN abs(length(?1) - length(?2))"
      " AND max(length(?1), length(?2)) AS ok_bounds",
      "SELECT levenshtein(?1, ?1) = 0 AND jaro_winkler(?1, ?1) = 1"
      " AS ok_self",
      NULL}},
    {"creditor_ref",
     2,
     NULL,
     0,
     {"SELECT creditor_ref_valid(?1), creditor_ref_payload(?1)",
      "SELECT creditor_ref_make(?1, ?2)",
      "SELECT creditor_ref_valid(creditor_ref_make(?1, ?2)) IS NOT 0"
      " AS ok_made_valid",
      "SELECT creditor_ref_payload(?1) IS NULL OR creditor_ref_valid(?1) = 1"
      " AS ok_payload_valid",
      NULL}},
    {"reconcile_candidates",
     3,
     reconcile_data,
     1,
     {"DELETE FROM payments WHERE payment_id = 9",
      /* OR IGNORE: a reference the schema's CHECKs reject is no finding. */
      "INSERT OR IGNORE INTO payments (payment_id, received_date,"
      " amount_cents, currency, reference, payer_name)"
      " SELECT 9, '2013-06-01',"
      " coalesce(abs(CAST(?3 AS INTEGER) % 100000000), 0) + 1, 'USD', ?1, ?2",
      "SELECT * FROM reconcile_candidates WHERE payment_id = 9",
      "SELECT * FROM reconcile_candidates WHERE payment_id = 9"
      " AND fee_pct = ?3 AND max_rank = ?2",
      "SELECT * FROM reconcile_candidates WHERE auto_threshold = ?1"
      " AND auto_margin = ?2 AND fee_abs_cents = ?3",
      "SELECT score BETWEEN 0 AND 1 AND rank >= 1 AS ok_score"
      " FROM reconcile_candidates WHERE payment_id = 9",
      /* The same text as structured_ref, with the payer name as memo. */
      "UPDATE OR IGNORE payments SET structured_ref = ?1, reference = ?2"
      " WHERE payment_id = 9",
      "SELECT * FROM reconcile_candidates WHERE payment_id = 9",
      NULL}},
    {"ar_aging",
     3,
     aging_data,
     1,
     {"SELECT * FROM ar_aging(?1)",
      "SELECT current_cents + days_1_30_cents + days_31_60_cents"
      " + days_61_90_cents + days_over_90_cents = total_cents AS ok_sum"
      " FROM ar_aging(?1)",
      "SELECT * FROM ar_aging(?1) WHERE customer_id = ?2",
      "SELECT * FROM ar_aging WHERE as_of = ?1 AND customer_id IN (?2, ?3)",
      NULL}},
    {"bank_statement",
     3,
     NULL,
     0,
     {"SELECT *, format FROM bank_statement(:path, ?1, ?2)",
      "SELECT *, format FROM bank_statement_balances(:path, ?1, ?2)", NULL}},
};

/* State kept across inputs: the database, the prepared statements and the
** file a :path target writes its input to. */
static const struct fuzz_target *fuzz_target;
static sqlite3 *fuzz_db;
static sqlite3_stmt *fuzz_stmts[FUZZ_MAX_STATEMENTS];
static char fuzz_path[64];

/* Writes size bytes to fuzz_path, replacing what was there. */
static void fuzz_write_file(const uint8_t *data, size_t size)
{
    FILE *f = fopen(fuzz_path, "wb");

    if (f == NULL || (size > 0 && fwrite(data, 1, size, f) != size))
        fuzz_fail("cannot write the statement file", fuzz_path);
    fclose(f);
}

/* Removes the statement file when the fuzzer exits. */
static void fuzz_remove_file(void)
{
    unlink(fuzz_path);
}

/* Finds the target FUZZ_TARGET names; aborts when there is none. */
static const struct fuzz_target *fuzz_find_target(void)
{
    size_t i;

    for (i = 0; i < sizeof(fuzz_targets) / sizeof(*fuzz_targets); i++)
        if (strcmp(fuzz_targets[i].name, FUZZ_TARGET) == 0)
            return &fuzz_targets[i];
    fuzz_fail("no such target in fuzz_sql.c", FUZZ_TARGET);
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    int i;

    (void)argc;
    (void)argv;
    fuzz_target = fuzz_find_target();
    fuzz_db = fuzz_open();
    if (fuzz_target->needs_schema) {
        fuzz_exec_file(fuzz_db, FUZZ_SQL_DIR "/schema.sql");
        fuzz_exec_file(fuzz_db, FUZZ_SQL_DIR "/triggers.sql");
        fuzz_exec_file(fuzz_db, FUZZ_SQL_DIR "/views.sql");
    }
    if (fuzz_target->setup)
        fuzz_exec(fuzz_db, fuzz_target->setup);
    for (i = 0; fuzz_target->sql[i] != NULL; i++)
        if (sqlite3_prepare_v2(fuzz_db, fuzz_target->sql[i], -1, &fuzz_stmts[i],
                               NULL) != SQLITE_OK)
            fuzz_fail(sqlite3_errmsg(fuzz_db), fuzz_target->sql[i]);
    snprintf(fuzz_path, sizeof(fuzz_path), "/tmp/receivables-fuzz-%ld.dat",
             (long)getpid());
    atexit(fuzz_remove_file);
    return 0;
}

/* Binds ?1..?n from args and :path to the statement file. */
static void fuzz_bind_all(sqlite3_stmt *stmt, const struct fuzz_arg *args)
{
    int count = sqlite3_bind_parameter_count(stmt);
    int i;

    for (i = 1; i <= count; i++) {
        const char *name = sqlite3_bind_parameter_name(stmt, i);
        int rc;
        if (name != NULL && strcmp(name, ":path") == 0)
            rc = sqlite3_bind_text(stmt, i, fuzz_path, -1, SQLITE_STATIC);
        else
            rc = fuzz_bind(stmt, i, &args[i - 1]);
        if (rc != SQLITE_OK)
            fuzz_fail("bind failed", sqlite3_sql(stmt));
    }
}

/* Checks one result row: ok_* columns are 1 or NULL, text is UTF-8. */
static void fuzz_check_row(sqlite3_stmt *stmt)
{
    int n = sqlite3_column_count(stmt);
    int i;

    for (i = 0; i < n; i++) {
        const char *name = sqlite3_column_name(stmt, i);
        int type = sqlite3_column_type(stmt, i);
        if (strncmp(name, "ok_", 3) == 0 && type != SQLITE_NULL &&
            !(type == SQLITE_INTEGER && sqlite3_column_int64(stmt, i) == 1))
            fuzz_fail(name, sqlite3_expanded_sql(stmt));
        if (type == SQLITE_TEXT) {
            const unsigned char *text = sqlite3_column_text(stmt, i);
            int bytes = sqlite3_column_bytes(stmt, i);
            if (!fuzz_valid_utf8(text, (size_t)bytes))
                fuzz_fail("a TEXT result is not valid UTF-8", name);
        }
    }
}

/* Steps stmt to its end, checking each row and the error, if any. */
static void fuzz_run(sqlite3_stmt *stmt)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        fuzz_check_row(stmt);
    if (rc != SQLITE_DONE && rc != SQLITE_NOMEM)
        fuzz_check_message(sqlite3_errmsg(fuzz_db));
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct fuzz_arg args[FUZZ_MAX_ARGS];
    int i;

    fuzz_split(data, size, args, fuzz_target->n_args);
    if (strstr(fuzz_target->sql[0], ":path") != NULL) {
        const struct fuzz_arg *content = &args[fuzz_target->n_args - 1];
        fuzz_write_file(content->data, content->size);
    }
    for (i = 0; fuzz_stmts[i] != NULL; i++) {
        fuzz_bind_all(fuzz_stmts[i], args);
        fuzz_run(fuzz_stmts[i]);
    }
    return 0;
}
