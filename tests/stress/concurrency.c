/*
** Concurrency harness: several processes write one WAL database at once.
**
** Usage (from the repository root; stress.mk passes these):
**   concurrency WORK_DIR PROCESSES OPERATIONS SEED
** WORK_DIR receives ledger.db, start.db (the ledger before the workers),
** replay.db and one worker-<n>.log per process.
**
** Each worker runs OPERATIONS operations, each in its own BEGIN IMMEDIATE
** transaction, chosen by a xorshift generator seeded with SEED and the
** worker number:
**   allocate  an allocation of an amount read before the transaction
**             began, so another worker may have used the money meanwhile
**             and the over-allocation triggers reject it; one in five requests
**             more than was open even then
**   import    sql/import_statement.sql on a sample statement file
**   apply     the reconcile apply statement (sql/reconcile.sql's header)
**   undo      DELETE of a random allocation
** Every committed transaction also inserts a row into stress_ops, whose
** seq is the commit order, and the worker appends the same row to its log
** after COMMIT returns.
**
** Checks, in order, each a failure with exit status 1:
**   1. PRAGMA integrity_check returns ok.
**   2. No invoice, payment or credit note has allocations summing above
**      its total, and every allocated_cents equals its allocations' sum.
**   3. No write lost: the workers' logs together equal stress_ops row
**      for row, and the allocations the logs leave alive are exactly the
**      allocations table.
**   4. A serial replay of the logged operations in seq order on start.db
**      repeats each operation's effect and ends with the same content in
**      every table.
** The figures go to stdout.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "stress_db.h"

#define SQL_DIR "sql"
#define INVOICE_COUNT 48
#define PAYMENT_COUNT 48
#define CUSTOMER_COUNT 8
/* Busy-handler calls before a worker gives up on the lock. */
#define BUSY_MAX_CALLS 200000
#define DETAIL_MAX 8192

/* Statement files the import operation picks from, under tests/data. */
static const char *const sample_files[] = {
    "tests/data/statements/camt/camt053.v8.xml",
    "tests/data/statements/camt/camt053.v2.multi.statement.xml",
    "tests/data/statements/camt/camt054.v8.xml",
    "tests/data/statements/camt/camt053.v4.xml",
    "tests/data/statements/ofx/bank_medium.ofx",
    "tests/data/statements/ofx/checking.ofx",
    "tests/data/statements/mt940/mBank/mt940.sta",
    "tests/data/statements/mt940/self-provided/raphaelm.sta",
};
#define SAMPLE_COUNT ((int)(sizeof(sample_files) / sizeof(*sample_files)))

static const char apply_sql[] =
    "INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,"
    " method, score, created_by, reason)"
    " SELECT invoice_id, kind, payment_id, amount_cents, method, score,"
    " 'nightly', reason FROM reconcile_auto_allocations";

/* What one attempted operation came to. */
enum outcome {
    OUTCOME_COMMITTED,
    OUTCOME_REJECTED_INVOICE, /* trigger: more than the invoice's open */
    OUTCOME_REJECTED_PAYMENT, /* trigger: more than the payment's rest */
    OUTCOME_SKIPPED,         /* nothing to do (no allocation to undo) */
    OUTCOME_BUSY             /* lock not had; the caller retries */
};

/* Counters of one worker, written as the last line of its log. */
struct worker_figures {
    long committed[4]; /* by operation: A, I, R, U */
    long rejected_invoice;
    long rejected_payment;
    long rejected_stale; /* of those, amounts open when read: lost races */
    long skipped;
    long busy_retries; /* busy-handler calls plus whole-operation retries */
};

static long busy_calls;

/* seq of the stress_ops row of the last committed transaction. */
static long last_seq;

/* 1 when the last allocation requested more than was open when read. */
static int last_request_inflated;

/* Waits a little and retries, counting each call. */
static int count_busy(void *unused, int n)
{
    (void)unused;
    busy_calls++;
    if (n >= BUSY_MAX_CALLS)
        return 0;
    stress_sleep_us(100 + (n % 20) * 50);
    return 1;
}

/* Inserts the customers, invoices and payments every run starts from. */
static void create_ledger(sqlite3 *db)
{
    stress_exec(db, "CREATE TABLE stress_ops ("
                    " seq INTEGER PRIMARY KEY, worker INTEGER NOT NULL,"
                    " op TEXT NOT NULL, detail TEXT NOT NULL)");
    stress_exec(
        db,
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        "   WHERE i < 8)"
        " INSERT INTO customers (customer_id, code, name, currency)"
        " SELECT i, 'C' || i, 'Customer ' || i || ' Ltd', 'EUR' FROM n;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        "   WHERE i < 48)"
        " INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
        "   due_date, total_cents, currency)"
        " SELECT i, printf('INV-2013-%04d', 1000 + i), (i - 1) % 8 + 1,"
        "   date('2013-03-01', '+' || i || ' days'),"
        "   date('2013-04-01', '+' || i || ' days'),"
        "   5000 + (i * 7919) % 95000, 'EUR' FROM n;"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n"
        "   WHERE i < 48)"
        " INSERT INTO payments (payment_id, customer_id, received_date,"
        "   amount_cents, currency, method, payer_name, reference)"
        " SELECT i, CASE WHEN i % 3 = 0 THEN NULL ELSE (i - 1) % 8 + 1 END,"
        "   date('2013-05-01', '+' || (i % 20) || ' days'),"
        "   CASE WHEN i % 4 = 0 THEN 5000 + (i * 7919) % 95000"
        "        ELSE 3000 + (i * 104729) % 60000 END,"
        "   'EUR', 'bank_transfer', 'Customer ' || ((i - 1) % 8 + 1),"
        "   CASE WHEN i % 2 = 0 THEN printf('Invoice INV-2013-%04d', 1000 + i)"
        "        ELSE 'payment' END FROM n");
}

/* Creates WORK_DIR/ledger.db and the copy start.db. */
static void create_databases(const char *dir)
{
    char path[4096];
    char start[4096];
    char *mode;
    sqlite3 *db;

    snprintf(path, sizeof(path), "%s/ledger.db", dir);
    snprintf(start, sizeof(start), "%s/start.db", dir);
    stress_remove_db(path);
    db = stress_open(path, NULL);
    stress_load_schema(db, SQL_DIR);
    create_ledger(db);
    sqlite3_close(db);
    stress_copy_file(path, start);

    db = stress_open(path, NULL);
    mode = stress_text(db, "PRAGMA journal_mode = WAL");
    if (strcmp(mode, "wal\n") != 0)
        stress_die("%s: WAL mode not available, got %s", path, mode);
    sqlite3_free(mode);
    sqlite3_close(db);
}

/* Ends the open transaction: COMMIT, or ROLLBACK when failed. Returns
** the COMMIT's result code. */
static int finish(sqlite3 *db, int failed)
{
    int rc;

    if (failed) {
        stress_try_exec(db, "ROLLBACK");
        return SQLITE_ERROR;
    }
    rc = stress_try_exec(db, "COMMIT");
    if (rc != SQLITE_OK)
        stress_try_exec(db, "ROLLBACK");
    return rc;
}

/* Records op in stress_ops inside the open transaction; returns its seq. */
static long record_op(sqlite3 *db, int worker, char op, const char *detail)
{
    sqlite3_stmt *stmt = NULL;
    long seq;
    char op_text[2] = {op, '\0'};

    if (sqlite3_prepare_v2(db,
                           "INSERT INTO stress_ops (seq, worker, op, detail)"
                           " SELECT coalesce(max(seq), 0) + 1, ?, ?, ?"
                           " FROM stress_ops RETURNING seq",
                           -1, &stmt, NULL) != SQLITE_OK)
        stress_die("prepare stress_ops: %s", sqlite3_errmsg(db));
    sqlite3_bind_int(stmt, 1, worker);
    sqlite3_bind_text(stmt, 2, op_text, 1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt, 3, detail, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(stmt) != SQLITE_ROW)
        stress_die("insert stress_ops: %s", sqlite3_errmsg(db));
    seq = (long)sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    last_seq = seq;
    return seq;
}

/* Runs sql with integer parameters (n of them); returns the result code. */
static int run_with_ints(sqlite3 *db, const char *sql, const int64_t *values,
                         int n)
{
    sqlite3_stmt *stmt = NULL;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);
    int i;

    if (rc != SQLITE_OK)
        stress_die("prepare failed: %s\n  in: %s", sqlite3_errmsg(db), sql);
    for (i = 0; i < n; i++)
        sqlite3_bind_int64(stmt, i + 1, values[i]);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW)
        ;
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Sorts a trigger rejection of an allocation into its outcome; dies on
** any other error, which no operation here should meet. */
static enum outcome classify_error(sqlite3 *db, int rc)
{
    const char *message = sqlite3_errmsg(db);

    if (rc == SQLITE_BUSY)
        return OUTCOME_BUSY;
    if (strstr(message, "exceeds the invoice's open amount"))
        return OUTCOME_REJECTED_INVOICE;
    if (strstr(message, "exceeds the payment's unallocated amount"))
        return OUTCOME_REJECTED_PAYMENT;
    stress_die("unexpected error %d: %s", rc, message);
    return OUTCOME_BUSY;
}

/*
** Allocates amount of payment to invoice as worker; on success writes
** "allocation_id invoice payment amount" into detail.
*/
static enum outcome allocate(sqlite3 *db, int worker, int64_t invoice,
                             int64_t payment, int64_t amount, char *detail)
{
    int64_t values[4] = {invoice, payment, amount, worker};
    int rc = stress_try_exec(db, "BEGIN IMMEDIATE");

    if (rc != SQLITE_OK)
        return classify_error(db, rc);
    rc = run_with_ints(db,
                       "INSERT INTO allocations (invoice_id, payment_id,"
                       " amount_cents, created_by)"
                       " VALUES (?, ?, ?, 'worker ' || ?)",
                       values, 4);
    if (rc != SQLITE_OK) {
        enum outcome outcome = classify_error(db, rc);

        finish(db, 1);
        return outcome;
    }
    snprintf(detail, DETAIL_MAX, "%lld %lld %lld %lld",
             (long long)sqlite3_last_insert_rowid(db), (long long)invoice,
             (long long)payment, (long long)amount);
    record_op(db, worker, 'A', detail);
    return finish(db, 0) == SQLITE_OK ? OUTCOME_COMMITTED : OUTCOME_BUSY;
}

/* Deletes allocation number pick (0-based, in allocation_id order) modulo
** the count; writes "allocation_id invoice payment amount" into detail. */
static enum outcome undo(sqlite3 *db, int worker, int64_t pick, char *detail)
{
    int64_t count;
    char *row;
    char *sql;
    int rc = stress_try_exec(db, "BEGIN IMMEDIATE");

    if (rc != SQLITE_OK)
        return classify_error(db, rc);
    count = stress_int(db, "SELECT count(*) FROM allocations");
    if (count == 0) {
        finish(db, 1);
        return OUTCOME_SKIPPED;
    }
    sql = sqlite3_mprintf("SELECT allocation_id, invoice_id, payment_id,"
                          " amount_cents FROM allocations"
                          " ORDER BY allocation_id LIMIT 1 OFFSET %lld",
                          (long long)(pick % count));
    row = stress_text(db, sql);
    sqlite3_free(sql);
    sql = sqlite3_mprintf("DELETE FROM allocations WHERE allocation_id = %lld",
                          (long long)atoll(row));
    stress_exec(db, sql);
    sqlite3_free(sql);
    snprintf(detail, DETAIL_MAX, "%.*s", (int)strcspn(row, "\n"), row);
    for (char *p = detail; *p; p++)
        if (*p == '|')
            *p = ' ';
    sqlite3_free(row);
    record_op(db, worker, 'U', detail);
    return finish(db, 0) == SQLITE_OK ? OUTCOME_COMMITTED : OUTCOME_BUSY;
}

/* Imports the file at path; writes "path import_id imported_lines". */
static enum outcome import(sqlite3 *db, int worker, const char *import_sql,
                           const char *path, char *detail)
{
    sqlite3_stmt *stmt = NULL;
    int64_t import_id;
    int64_t imported;
    char *sql;
    int rc = stress_try_exec(db, "BEGIN IMMEDIATE");

    if (rc != SQLITE_OK)
        return classify_error(db, rc);
    if (sqlite3_prepare_v2(db, import_sql, -1, &stmt, NULL) != SQLITE_OK)
        stress_die("prepare import: %s", sqlite3_errmsg(db));
    sqlite3_bind_text(stmt, sqlite3_bind_parameter_index(stmt, ":path"), path,
                      -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(stmt,
                      sqlite3_bind_parameter_index(stmt, ":on_mismatch"),
                      "report", -1, SQLITE_STATIC);
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        stress_die("import of %s failed: %s", path, sqlite3_errmsg(db));
    import_id = stress_int(db, "SELECT max(import_id) FROM statement_imports");
    sql = sqlite3_mprintf("SELECT count(*) FROM statement_lines WHERE"
                          " import_id = %lld AND outcome = 'imported'",
                          (long long)import_id);
    imported = stress_int(db, sql);
    sqlite3_free(sql);
    snprintf(detail, DETAIL_MAX, "%s %lld %lld", path, (long long)import_id,
             (long long)imported);
    record_op(db, worker, 'I', detail);
    return finish(db, 0) == SQLITE_OK ? OUTCOME_COMMITTED : OUTCOME_BUSY;
}

/* Runs the apply statement; writes "count id:invoice:payment:amount,...". */
static enum outcome apply(sqlite3 *db, int worker, char *detail)
{
    int64_t before;
    char *added;
    char *sql;
    int rc = stress_try_exec(db, "BEGIN IMMEDIATE");

    if (rc != SQLITE_OK)
        return classify_error(db, rc);
    before = stress_int(db, "SELECT coalesce(max(allocation_id), 0)"
                            " FROM allocations");
    stress_exec(db, apply_sql);
    sql = sqlite3_mprintf("SELECT count(*) || ' ' || coalesce(group_concat("
                          "allocation_id || ':' || invoice_id || ':' ||"
                          " payment_id || ':' || amount_cents, ','), '-')"
                          " FROM (SELECT * FROM allocations"
                          " WHERE allocation_id > %lld"
                          " ORDER BY allocation_id)",
                          (long long)before);
    added = stress_text(db, sql);
    sqlite3_free(sql);
    snprintf(detail, DETAIL_MAX, "%.*s", (int)strcspn(added, "\n"), added);
    sqlite3_free(added);
    record_op(db, worker, 'R', detail);
    return finish(db, 0) == SQLITE_OK ? OUTCOME_COMMITTED : OUTCOME_BUSY;
}

/* Picks an allocation as a user would: the open amounts are read outside
** the transaction, so they may be stale by the time it runs. */
static enum outcome random_allocate(sqlite3 *db, int worker, uint64_t *rng,
                                    char *detail)
{
    int64_t invoice = 1 + (int64_t)(stress_random(rng) % INVOICE_COUNT);
    int64_t offset = (int64_t)(stress_random(rng) % 64);
    int64_t open_invoice;
    int64_t payment;
    int64_t open_payment;
    int64_t amount;
    char *sql;
    char *row;

    sql = sqlite3_mprintf("SELECT total_cents - allocated_cents FROM invoices"
                          " WHERE invoice_id = %lld",
                          (long long)invoice);
    open_invoice = stress_int(db, sql);
    sqlite3_free(sql);
    sql = sqlite3_mprintf(
        "WITH p AS (SELECT payment_id, amount_cents - allocated_cents AS rest"
        " FROM payments WHERE currency = 'EUR' AND allocated_cents <"
        " amount_cents AND (customer_id IS NULL OR customer_id ="
        " (SELECT customer_id FROM invoices WHERE invoice_id = %lld)))"
        " SELECT payment_id, rest FROM p ORDER BY payment_id"
        " LIMIT 1 OFFSET %lld %% max(1, (SELECT count(*) FROM p))",
        (long long)invoice, (long long)offset);
    row = stress_text(db, sql);
    sqlite3_free(sql);
    if (*row == '\0') {
        sqlite3_free(row);
        return OUTCOME_SKIPPED;
    }
    payment = atoll(row);
    open_payment = atoll(strchr(row, '|') + 1);
    sqlite3_free(row);

    amount = open_invoice < open_payment ? open_invoice : open_payment;
    last_request_inflated = amount <= 0 || stress_random(rng) % 5 == 0;
    if (last_request_inflated)
        amount += 1 + (int64_t)(stress_random(rng) % 5000);
    stress_sleep_us((long)(stress_random(rng) % 500));
    return allocate(db, worker, invoice, payment, amount, detail);
}

/* Runs one random operation until it is not BUSY; counts the outcome. */
static void run_one(sqlite3 *db, int worker, const char *import_sql,
                    uint64_t *rng, struct worker_figures *figures, FILE *log)
{
    static const char ops[] = "AIRU";
    uint64_t roll = stress_random(rng) % 100;
    int kind;
    uint64_t pick = stress_random(rng);
    enum outcome outcome;
    char detail[DETAIL_MAX];

    /* 55 % allocations, 10 % imports, 15 % applies, 20 % undos. */
    if (roll < 55)
        kind = 0;
    else if (roll < 65)
        kind = 1;
    else if (roll < 80)
        kind = 2;
    else
        kind = 3;
    for (;;) {
        if (kind == 0)
            outcome = random_allocate(db, worker, rng, detail);
        else if (kind == 1)
            outcome = import(db, worker, import_sql,
                             sample_files[pick % SAMPLE_COUNT], detail);
        else if (kind == 2)
            outcome = apply(db, worker, detail);
        else
            outcome = undo(db, worker, (int64_t)(pick >> 1), detail);
        if (outcome != OUTCOME_BUSY)
            break;
        figures->busy_retries++;
    }
    if (outcome == OUTCOME_COMMITTED) {
        figures->committed[kind]++;
        fprintf(log, "%ld|%d|%c|%s\n", last_seq, worker, ops[kind], detail);
        fflush(log);
    } else if (outcome == OUTCOME_REJECTED_INVOICE) {
        figures->rejected_invoice++;
        figures->rejected_stale += !last_request_inflated;
    } else if (outcome == OUTCOME_REJECTED_PAYMENT) {
        figures->rejected_payment++;
        figures->rejected_stale += !last_request_inflated;
    } else {
        figures->skipped++;
    }
}

/* The body of one worker process; exits 0 when every operation ran. */
static void run_worker(const char *dir, int worker, int operations,
                       uint64_t seed)
{
    struct worker_figures figures;
    uint64_t rng = seed * 1000003u + (uint64_t)worker * 7919u + 1u;
    char path[4096];
    char *import_sql = stress_read_file(SQL_DIR "/import_statement.sql");
    sqlite3 *db;
    FILE *log;
    int i;

    memset(&figures, 0, sizeof(figures));
    snprintf(path, sizeof(path), "%s/worker-%d.log", dir, worker);
    log = fopen(path, "w");
    if (log == NULL)
        stress_die("cannot create %s", path);
    snprintf(path, sizeof(path), "%s/ledger.db", dir);
    db = stress_open(path, NULL);
    sqlite3_busy_handler(db, count_busy, NULL);
    for (i = 0; i < operations; i++)
        run_one(db, worker, import_sql, &rng, &figures, log);
    fprintf(log, "# %ld %ld %ld %ld %ld %ld %ld %ld %ld\n",
            figures.committed[0], figures.committed[1], figures.committed[2],
            figures.committed[3], figures.rejected_invoice,
            figures.rejected_payment, figures.rejected_stale, figures.skipped,
            figures.busy_retries + busy_calls);
    fclose(log);
    sqlite3_close(db);
    free(import_sql);
    exit(0);
}

/* One committed operation read back from a worker's log. */
struct logged_op {
    long seq;
    int worker;
    char op;
    char detail[DETAIL_MAX];
};

/* Reads every worker log; adds the figures up and returns the operations
** sorted by seq in *ops_out (caller frees), their number in *count_out. */
static void read_logs(const char *dir, int processes,
                      struct worker_figures *total, struct logged_op **ops_out,
                      long *count_out)
{
    struct logged_op *ops = NULL;
    long count = 0;
    long capacity = 0;
    char line[DETAIL_MAX + 64];
    int w;

    memset(total, 0, sizeof(*total));
    for (w = 0; w < processes; w++) {
        char path[4096];
        FILE *f;

        snprintf(path, sizeof(path), "%s/worker-%d.log", dir, w);
        f = fopen(path, "r");
        if (f == NULL)
            stress_die("worker %d left no log %s", w, path);
        while (fgets(line, sizeof(line), f) != NULL) {
            struct worker_figures one;
            struct logged_op *op;

            if (line[0] == '#') {
                if (sscanf(line, "# %ld %ld %ld %ld %ld %ld %ld %ld %ld",
                           &one.committed[0], &one.committed[1],
                           &one.committed[2], &one.committed[3],
                           &one.rejected_invoice, &one.rejected_payment,
                           &one.rejected_stale, &one.skipped,
                           &one.busy_retries) != 9)
                    stress_die("%s: bad figures line: %s", path, line);
                for (int k = 0; k < 4; k++)
                    total->committed[k] += one.committed[k];
                total->rejected_invoice += one.rejected_invoice;
                total->rejected_payment += one.rejected_payment;
                total->rejected_stale += one.rejected_stale;
                total->skipped += one.skipped;
                total->busy_retries += one.busy_retries;
                continue;
            }
            if (count == capacity) {
                capacity = capacity ? capacity * 2 : 256;
                ops = realloc(ops, (size_t)capacity * sizeof(*ops));
                if (ops == NULL)
                    stress_die("out of memory reading logs");
            }
            op = &ops[count++];
            line[strcspn(line, "\n")] = '\0';
            if (sscanf(line, "%ld|%d|%c|", &op->seq, &op->worker, &op->op) != 3)
                stress_die("%s: bad line: %s", path, line);
            snprintf(op->detail, sizeof(op->detail), "%s",
                     strchr(strchr(strchr(line, '|') + 1, '|') + 1, '|') + 1);
        }
        fclose(f);
    }
    for (long i = 1; i < count; i++)
        for (long j = i; j > 0 && ops[j - 1].seq > ops[j].seq; j--) {
            struct logged_op swap = ops[j];
            ops[j] = ops[j - 1];
            ops[j - 1] = swap;
        }
    *ops_out = ops;
    *count_out = count;
}

/* Checks run and checks failed, for the closing line. */
static int checks_run;
static int failures;

/* Counts a check and prints it when it failed. */
static void expect(int ok, const char *check, const char *detail)
{
    checks_run++;
    if (!ok) {
        failures++;
        printf("FAIL: %s%s%s\n", check, detail ? ": " : "", detail ? detail : "");
    }
}

/* Check 2: every running sum equals its allocations and stays in bounds. */
static void check_allocations(sqlite3 *db)
{
    expect(stress_int(db,
                      "SELECT count(*) FROM invoices i WHERE allocated_cents"
                      " > total_cents OR allocated_cents <> (SELECT"
                      " coalesce(sum(amount_cents), 0) FROM allocations a"
                      " WHERE a.invoice_id = i.invoice_id)") == 0,
           "invoices over-allocated or out of step with allocations", NULL);
    expect(stress_int(db,
                      "SELECT count(*) FROM payments p WHERE allocated_cents"
                      " > amount_cents OR allocated_cents <> (SELECT"
                      " coalesce(sum(amount_cents), 0) FROM allocations a"
                      " WHERE a.kind = 'payment'"
                      " AND a.payment_id = p.payment_id)") == 0,
           "payments over-allocated or out of step with allocations", NULL);
    expect(stress_int(db,
                      "SELECT count(*) FROM credit_notes c WHERE"
                      " allocated_cents > amount_cents OR allocated_cents <>"
                      " (SELECT coalesce(sum(amount_cents), 0) FROM"
                      " allocations a WHERE a.credit_note_id ="
                      " c.credit_note_id)") == 0,
           "credit notes over-allocated", NULL);
}

/* Check 3: the logs and stress_ops agree, and the allocations the logs
** leave alive are the table's. */
static void check_no_lost_write(sqlite3 *db, const struct logged_op *ops,
                                long count)
{
    sqlite3_str *expected = sqlite3_str_new(db);
    sqlite3_str *alive = sqlite3_str_new(db);
    char *expected_text;
    char *alive_text;
    char *table;
    char (*rows)[96] = calloc((size_t)count * 64 + 1, sizeof(*rows));
    long max_id = (long)count * 64;

    if (rows == NULL)
        stress_die("out of memory");
    for (long i = 0; i < count; i++) {
        long long id, inv, pay, amt;
        const char *p = ops[i].detail;

        sqlite3_str_appendf(expected, "%ld|%d|%c|%s\n", ops[i].seq,
                            ops[i].worker, ops[i].op, ops[i].detail);
        if (ops[i].op == 'A' || ops[i].op == 'U') {
            sscanf(p, "%lld %lld %lld %lld", &id, &inv, &pay, &amt);
            if (id > max_id)
                stress_die("allocation id %lld out of range", id);
            if (ops[i].op == 'A')
                snprintf(rows[id], sizeof(rows[id]), "%lld|%lld|%lld|%lld\n",
                         id, inv, pay, amt);
            else
                rows[id][0] = '\0';
        } else if (ops[i].op == 'R' && strchr(p, ':') != NULL) {
            p = strchr(p, ' ') + 1;
            while (sscanf(p, "%lld:%lld:%lld:%lld", &id, &inv, &pay, &amt) ==
                   4) {
                if (id > max_id)
                    stress_die("allocation id %lld out of range", id);
                snprintf(rows[id], sizeof(rows[id]), "%lld|%lld|%lld|%lld\n",
                         id, inv, pay, amt);
                p = strchr(p, ',');
                if (p == NULL)
                    break;
                p++;
            }
        }
    }
    for (long id = 0; id <= max_id; id++)
        sqlite3_str_appendall(alive, rows[id]);
    free(rows);

    expected_text = sqlite3_str_finish(expected);
    table = stress_text(db, "SELECT seq, worker, op, detail FROM stress_ops"
                            " ORDER BY seq");
    expect(strcmp(expected_text ? expected_text : "", table) == 0,
           "the workers' logs differ from the committed stress_ops rows",
           NULL);
    sqlite3_free(expected_text);
    sqlite3_free(table);

    alive_text = sqlite3_str_finish(alive);
    table = stress_text(db, "SELECT allocation_id, invoice_id, payment_id,"
                            " amount_cents FROM allocations ORDER BY 1");
    expect(strcmp(alive_text ? alive_text : "", table) == 0,
           "allocations differ from what the logs committed", NULL);
    sqlite3_free(alive_text);
    sqlite3_free(table);
}

/* Replays one logged operation; returns 1 when it had the same effect. */
static int replay_one(sqlite3 *db, const char *import_sql,
                      const struct logged_op *op)
{
    char detail[DETAIL_MAX];
    long long id, invoice, payment, amount;
    char path[4096];
    enum outcome outcome;

    if (op->op == 'A') {
        sscanf(op->detail, "%lld %lld %lld %lld", &id, &invoice, &payment,
               &amount);
        outcome = allocate(db, op->worker, invoice, payment, amount, detail);
    } else if (op->op == 'U') {
        sscanf(op->detail, "%lld", &id);
        /* undo() picks by position: find the position of allocation id. */
        char *sql = sqlite3_mprintf("SELECT count(*) FROM allocations"
                                    " WHERE allocation_id < %lld",
                                    id);
        int64_t position = stress_int(db, sql);

        sqlite3_free(sql);
        outcome = undo(db, op->worker, position, detail);
    } else if (op->op == 'I') {
        sscanf(op->detail, "%4095s", path);
        outcome = import(db, op->worker, import_sql, path, detail);
    } else {
        outcome = apply(db, op->worker, detail);
    }
    if (outcome != OUTCOME_COMMITTED || strcmp(detail, op->detail) != 0) {
        printf("FAIL: replay of seq %ld (%c %s) gave %s\n", op->seq, op->op,
               op->detail, outcome == OUTCOME_COMMITTED ? detail : "no commit");
        return 0;
    }
    return 1;
}

/* Check 4: replays the operations serially on start.db and compares every
** table with the concurrent result. */
static void check_replay(const char *dir, sqlite3 *ledger,
                         const struct logged_op *ops, long count)
{
    char start[4096];
    char replay[4096];
    char *import_sql = stress_read_file(SQL_DIR "/import_statement.sql");
    char *expected;
    char *got;
    sqlite3 *db;
    long same = 0;

    snprintf(start, sizeof(start), "%s/start.db", dir);
    snprintf(replay, sizeof(replay), "%s/replay.db", dir);
    stress_remove_db(replay);
    stress_copy_file(start, replay);
    db = stress_open(replay, NULL);
    stress_exec(db, "PRAGMA synchronous = OFF");
    for (long i = 0; i < count; i++)
        same += replay_one(db, import_sql, &ops[i]);
    expect(same == count, "serial replay differs operation by operation",
           NULL);

    expected = stress_dump(ledger);
    got = stress_dump(db);
    expect(strcmp(expected, got) == 0,
           "serial replay ends with other table contents", NULL);
    printf("replay: %ld of %ld operations repeated exactly; final tables %s\n",
           same, count, strcmp(expected, got) == 0 ? "identical" : "DIFFER");
    sqlite3_free(expected);
    sqlite3_free(got);
    sqlite3_close(db);
    free(import_sql);
}

/* Prints the totals the reliability page records. */
static void print_figures(sqlite3 *db, int processes, int operations,
                          const struct worker_figures *total)
{
    printf("concurrency: %d processes x %d operations on one WAL database\n",
           processes, operations);
    printf("committed: %ld allocations, %ld imports, %ld applies, %ld undos"
           " (%ld in all)\n",
           total->committed[0], total->committed[1], total->committed[2],
           total->committed[3],
           total->committed[0] + total->committed[1] + total->committed[2] +
               total->committed[3]);
    printf("rejected by the over-allocation triggers: %ld (invoice open"
           " amount %ld, payment unallocated amount %ld); %ld of them requested"
           " no more than was open when read, so another writer took the"
           " money first\n",
           total->rejected_invoice + total->rejected_payment,
           total->rejected_invoice, total->rejected_payment,
           total->rejected_stale);
    printf("skipped (no payment left to allocate, no allocation to undo):"
           " %ld\n",
           total->skipped);
    printf("busy retries: %ld\n", total->busy_retries);
    printf("final: %lld allocations, %lld payments, %lld paid invoices,"
           " %lld cents allocated\n",
           (long long)stress_int(db, "SELECT count(*) FROM allocations"),
           (long long)stress_int(db, "SELECT count(*) FROM payments"),
           (long long)stress_int(db, "SELECT count(*) FROM invoices"
                                     " WHERE status = 'paid'"),
           (long long)stress_int(db, "SELECT coalesce(sum(amount_cents), 0)"
                                     " FROM allocations"));
}

/* Starts the workers and waits for all; dies if one failed. */
static void run_workers(const char *dir, int processes, int operations,
                        uint64_t seed)
{
    int w;

    fflush(stdout);
    for (w = 0; w < processes; w++) {
        pid_t pid = fork();

        if (pid < 0)
            stress_die("fork failed: %s", strerror(errno));
        if (pid == 0)
            run_worker(dir, w, operations, seed);
    }
    for (w = 0; w < processes; w++) {
        int status;

        if (wait(&status) < 0)
            stress_die("wait failed: %s", strerror(errno));
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            stress_die("a worker failed (status %d)", status);
    }
}

int main(int argc, char **argv)
{
    struct worker_figures total;
    struct logged_op *ops;
    long count;
    char path[4096];
    char *report;
    sqlite3 *db;
    int processes;
    int operations;

    if (argc != 5)
        stress_die("usage: concurrency WORK_DIR PROCESSES OPERATIONS SEED");
    processes = atoi(argv[2]);
    operations = atoi(argv[3]);
    if (processes < 2 || operations < 1)
        stress_die("need at least 2 processes and 1 operation");

    create_databases(argv[1]);
    run_workers(argv[1], processes, operations,
                (uint64_t)strtoull(argv[4], NULL, 10));
    read_logs(argv[1], processes, &total, &ops, &count);

    snprintf(path, sizeof(path), "%s/ledger.db", argv[1]);
    db = stress_open(path, NULL);
    report = stress_integrity(db);
    expect(strcmp(report, "ok") == 0, "integrity_check", report);
    sqlite3_free(report);
    check_allocations(db);
    check_no_lost_write(db, ops, count);
    print_figures(db, processes, operations, &total);
    check_replay(argv[1], db, ops, count);
    sqlite3_close(db);
    free(ops);

    printf("concurrency: %d passed, %d failed\n", checks_run - failures, failures);
    return failures == 0 ? 0 : 1;
}
