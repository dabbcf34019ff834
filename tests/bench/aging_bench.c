/*
** aging_bench: times SELECT * FROM ar_aging(as_of) against the same report
** in plain SQL and against a bare scan of the tables it reads, on a
** database made by gen_invoices. tests/bench/aging_bench.sh builds and runs
** it; see that script for the whole benchmark.
**
** Usage:
**   aging_bench EXTENSION DB AS_OF PLAIN_SQL ALLOCATIONS_SQL
**       prints the timing table with ratios, targets and PASS/FAIL
**   aging_bench --memory EXTENSION DB AS_OF
**       runs ar_aging once and prints its peak SQLite heap and the
**       process's maximum resident set size
**
** Each query runs once to warm the caches, then AGING_BENCH_RUNS times;
** the median time is reported. Times are CPU seconds of this process
** (user + sys, which includes reading pages from the OS cache), so other
** jobs on a shared machine move them less than wall-clock time would.
** Rows are stepped to the end and every column is read, as a client
** would. The three reports must return the same rows, which a hash of
** every value checks. Heap peak is the rise of SQLite's memory high-water
** mark (sqlite3_status64) over the run, which includes every
** sqlite3_malloc of the extension and of SQLite itself.
**
** Exit status: 0 when every target passes, 1 when one fails, 2 on error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sqlite3.h>

#define AGING_BENCH_RUNS 5

/* Targets of the benchmark: ar_aging against the plain SQL and the scan. */
#define TARGET_SPEEDUP_OVER_PLAIN 3.0
#define TARGET_MAX_TIMES_BARE_SCAN 2.0

/*
** The bare scans: every row of each table ar_aging reads, with every
** column it reads, and no join, sort or aggregate but count(*). Each
** comparison is false on the benchmark ledger, so SQLite loads all the
** columns of every row (an IS NULL test would not do: SQLite drops it for
** a NOT NULL column without reading the column). The allocations scan
** reads the covering allocations_invoice_id_idx, as ar_aging's sum does.
** Of the forms tried this is the cheapest, so it is the strictest
** yardstick: a SELECT of the columns or a sum() of each took 1.5 times as
** long.
*/
static const char bare_invoices_sql[] =
    "SELECT count(*) FROM invoices WHERE customer_id < 0"
    " OR issue_date < '0' OR due_date < '0' OR total_cents < 0"
    " OR currency < 'A' OR status < 'a' OR paid_date < '0'"
    " OR allocated_cents < 0";
static const char bare_allocations_sql[] =
    "SELECT count(*) FROM allocations WHERE invoice_id < 0"
    " OR effective_date < '0' OR amount_cents < 0";

/* One timed query: its result and cost. */
struct measurement {
    double seconds;          /* median over AGING_BENCH_RUNS */
    long rows;               /* rows returned by one run */
    sqlite3_uint64 hash;     /* FNV-1a of every value of one run */
    sqlite3_int64 heap_peak; /* bytes above the heap in use before the run */
};

static void fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "aging_bench: %s: %s\n", what,
            db ? sqlite3_errmsg(db) : "failed");
    exit(2);
}

/* Returns the CPU time this process has used, in seconds. */
static double cpu_seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* Reads a whole file; the caller frees the result with free(). */
static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0)
        fail(NULL, path);
    rewind(f);
    text = malloc((size_t)size + 1);
    if (text == NULL || fread(text, 1, (size_t)size, f) != (size_t)size)
        fail(NULL, path);
    text[size] = '\0';
    fclose(f);
    return text;
}

static sqlite3 *open_database(const char *path, const char *extension)
{
    sqlite3 *db = NULL;
    char *err = NULL;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        fail(db, path);
    sqlite3_enable_load_extension(db, 1);
    if (sqlite3_load_extension(db, extension, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "aging_bench: loading %s: %s\n", extension, err);
        exit(2);
    }
    return db;
}

/*
** Prepares sql with as_of bound to :as_of, or to ?1 when sql has
** parameters but no :as_of; the caller finalizes it.
*/
static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const char *as_of)
{
    sqlite3_stmt *stmt = NULL;
    int index;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail(db, "prepare");
    index = sqlite3_bind_parameter_index(stmt, ":as_of");
    if (index == 0 && sqlite3_bind_parameter_count(stmt) > 0)
        index = 1;
    if (index > 0)
        sqlite3_bind_text(stmt, index, as_of, -1, SQLITE_TRANSIENT);
    return stmt;
}

/*
** Returns the SQL of the invoice statement that ar_aging prepared on db
** and keeps for its next run, found among the connection's statements.
** Borrowed: valid while that statement exists. Fails when there is none.
*/
static const char *aging_invoice_sql(sqlite3 *db)
{
    sqlite3_stmt *stmt = NULL;

    while ((stmt = sqlite3_next_stmt(db, stmt)) != NULL) {
        const char *sql = sqlite3_sql(stmt);
        if (sql && strstr(sql, ".invoices i WHERE") != NULL &&
            strstr(sql, "customer_id = ?2") == NULL)
            return sql;
    }
    fail(db, "ar_aging's invoice statement not found");
    return NULL;
}

/* Adds n bytes to an FNV-1a hash. */
static sqlite3_uint64 hash_bytes(sqlite3_uint64 hash, const void *bytes,
                                 size_t n)
{
    const unsigned char *p = bytes;
    size_t i;

    for (i = 0; i < n; i++)
        hash = (hash ^ p[i]) * 0x100000001B3ULL;
    return hash;
}

/*
** Steps stmt to the end and, unless hash is NULL, reads every column as
** text, as a client that prints the rows would, adding the values to
** *hash. Returns the row count.
*/
static long run_once(sqlite3 *db, sqlite3_stmt *stmt, sqlite3_uint64 *hash)
{
    long rows = 0;
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int i;
        for (i = 0; hash != NULL && i < sqlite3_column_count(stmt); i++) {
            const unsigned char *text = sqlite3_column_text(stmt, i);
            *hash = hash_bytes(*hash, text ? text : (const unsigned char *)"",
                               (size_t)sqlite3_column_bytes(stmt, i) + 1);
        }
        rows++;
    }
    if (rc != SQLITE_DONE)
        fail(db, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
    return rows;
}

/* Runs stmt once; returns seconds and sets *rows and *hash if not NULL. */
static double run_timed(sqlite3 *db, sqlite3_stmt *stmt, long *rows,
                        sqlite3_uint64 *hash)
{
    double start = cpu_seconds();

    if (hash != NULL)
        *hash = 0xCBF29CE484222325ULL;
    *rows = run_once(db, stmt, hash);
    return cpu_seconds() - start;
}

static int compare_doubles(const void *a, const void *b)
{
    double left = *(const double *)a;
    double right = *(const double *)b;

    return (left > right) - (left < right);
}

/*
** Times one statement: a warm-up run, then the median of the runs. With
** read_columns 0 the rows are stepped through and never read.
*/
static struct measurement measure(sqlite3 *db, const char *sql,
                                  const char *as_of, int read_columns)
{
    sqlite3_stmt *stmt = prepare(db, sql, as_of);
    struct measurement m;
    sqlite3_uint64 *hash = read_columns ? &m.hash : NULL;
    double seconds[AGING_BENCH_RUNS];
    sqlite3_int64 used;
    sqlite3_int64 peak;
    int i;

    m.hash = 0;
    run_timed(db, stmt, &m.rows, hash);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 1);
    for (i = 0; i < AGING_BENCH_RUNS; i++)
        seconds[i] = run_timed(db, stmt, &m.rows, hash);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 0);
    m.heap_peak = peak - used;
    qsort(seconds, AGING_BENCH_RUNS, sizeof(*seconds), compare_doubles);
    m.seconds = seconds[AGING_BENCH_RUNS / 2];
    sqlite3_finalize(stmt);
    return m;
}

static sqlite3_int64 count_rows(sqlite3 *db, const char *table)
{
    char sql[64];
    sqlite3_stmt *stmt;
    sqlite3_int64 n;

    snprintf(sql, sizeof(sql), "SELECT count(*) FROM %s", table);
    stmt = prepare(db, sql, "");
    if (sqlite3_step(stmt) != SQLITE_ROW)
        fail(db, sql);
    n = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return n;
}

/* Returns the EXPLAIN QUERY PLAN details of sql joined by "; ", or
** "?"; the caller frees it with sqlite3_free(). */
static char *query_plan(sqlite3 *db, const char *sql)
{
    char *explain = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
    sqlite3_str *plan = sqlite3_str_new(db);
    sqlite3_stmt *stmt = prepare(db, explain, "");

    while (sqlite3_step(stmt) == SQLITE_ROW)
        sqlite3_str_appendf(plan, "%s%s", sqlite3_str_length(plan) ? "; " : "",
                            (const char *)sqlite3_column_text(stmt, 3));
    sqlite3_finalize(stmt);
    sqlite3_free(explain);
    if (sqlite3_str_length(plan) == 0)
        sqlite3_str_appendall(plan, "?");
    return sqlite3_str_finish(plan);
}

static void print_measurement(const char *name, struct measurement m)
{
    printf("  %-46s %8.3f %8ld %9.1f\n", name, m.seconds, m.rows,
           (double)m.heap_peak / 1024.0);
}

/* Prints one ratio line; returns 1 when it misses its target. */
static int print_ratio(const char *name, double value, const char *target,
                       int passed)
{
    const char *result = "";

    if (target[0] != '\0')
        result = passed ? "PASS" : "FAIL";
    printf("  %-46s %7.2fx  %-8s %s\n", name, value, target, result);
    return target[0] != '\0' && !passed;
}

/* Prints what each timed query is, with the plan of each bare scan. */
static void print_queries(sqlite3 *db, char **argv)
{
    char *invoices_plan = query_plan(db, bare_invoices_sql);
    char *allocations_plan = query_plan(db, bare_allocations_sql);

    printf("  timed queries:\n");
    printf("    ar_aging: SELECT * FROM ar_aging(:as_of)\n");
    printf("    its invoice statement, stepped with no column read:\n"
           "      %s\n",
           aging_invoice_sql(db));
    printf("    fastest plain SQL: %s\n", argv[4]);
    printf("    allocations-only plain SQL: %s\n", argv[5]);
    printf("    bare scan of invoices: %s\n      plan: %s\n", bare_invoices_sql,
           invoices_plan);
    printf("    bare scan of allocations: %s\n      plan: %s\n",
           bare_allocations_sql, allocations_plan);
    sqlite3_free(invoices_plan);
    sqlite3_free(allocations_plan);
}

/* The reports of one run; bare scans are timed per table. */
struct timings {
    struct measurement aging;            /* SELECT * FROM ar_aging(:as_of) */
    struct measurement statement;        /* ar_aging's invoice statement */
    struct measurement plain;            /* the fastest plain SQL */
    struct measurement allocations;      /* the allocations-only plain SQL */
    struct measurement invoices_scan;    /* bare_invoices_sql */
    struct measurement allocations_scan; /* bare_allocations_sql */
};

/* Prints the ratios against the targets; returns 1 when one is missed. */
static int print_ratios(const struct timings *t)
{
    double aging = t->aging.seconds;
    double bare = t->invoices_scan.seconds + t->allocations_scan.seconds;
    int failed = 0;

    printf("  %-46s %8s  %-8s %s\n", "ratio", "value", "target", "result");
    failed |= print_ratio(
        "fastest plain SQL / ar_aging", t->plain.seconds / aging, ">= 3x",
        t->plain.seconds >= TARGET_SPEEDUP_OVER_PLAIN * aging);
    failed |= print_ratio("ar_aging / bare scan of both tables", aging / bare,
                          "<= 2x", aging <= TARGET_MAX_TIMES_BARE_SCAN * bare);
    print_ratio("allocations-only plain SQL / ar_aging",
                t->allocations.seconds / aging, "", 1);
    print_ratio("ar_aging / bare scan of invoices alone",
                aging / t->invoices_scan.seconds, "", 1);
    print_ratio("fastest plain SQL / ar_aging's statement alone",
                t->plain.seconds / t->statement.seconds, "", 1);
    return failed;
}

/* The timing table: ar_aging, both plain queries and the bare scans. */
static int run_timings(char **argv)
{
    sqlite3 *db = open_database(argv[2], argv[1]);
    const char *as_of = argv[3];
    char *plain_sql = read_file(argv[4]);
    char *allocations_sql = read_file(argv[5]);
    struct timings t;
    struct measurement bare;
    int failed;

    printf("ar_aging('%s'): %lld invoices, %lld allocations, %lld "
           "customers; CPU seconds, median of %d warm runs\n",
           as_of, count_rows(db, "invoices"), count_rows(db, "allocations"),
           count_rows(db, "customers"), AGING_BENCH_RUNS);
    t.aging = measure(db, "SELECT * FROM ar_aging(:as_of)", as_of, 1);
    t.statement = measure(db, aging_invoice_sql(db), as_of, 0);
    t.plain = measure(db, plain_sql, as_of, 1);
    t.allocations = measure(db, allocations_sql, as_of, 1);
    t.invoices_scan = measure(db, bare_invoices_sql, as_of, 1);
    t.allocations_scan = measure(db, bare_allocations_sql, as_of, 1);
    bare = t.invoices_scan;
    bare.seconds += t.allocations_scan.seconds;
    bare.rows += t.allocations_scan.rows;
    if (t.allocations_scan.heap_peak > bare.heap_peak)
        bare.heap_peak = t.allocations_scan.heap_peak;
    printf("  %-46s %8s %8s %9s\n", "query", "seconds", "rows", "heap KiB");
    print_measurement("ar_aging", t.aging);
    print_measurement("  its invoice statement, stepped only", t.statement);
    print_measurement("fastest plain SQL", t.plain);
    print_measurement("allocations-only plain SQL", t.allocations);
    print_measurement("bare scan of invoices", t.invoices_scan);
    print_measurement("bare scan of allocations", t.allocations_scan);
    print_measurement("bare scan of both tables (sum)", bare);
    if (t.plain.rows != t.aging.rows || t.plain.hash != t.aging.hash ||
        t.allocations.rows != t.aging.rows ||
        t.allocations.hash != t.aging.hash) {
        fprintf(stderr, "aging_bench: ar_aging and the plain SQL reports"
                        " return different rows; compare them in the sqlite3"
                        " shell on the same ledger\n");
        return 2;
    }
    printf("  the three reports return the same %ld rows (FNV-1a %016llx)\n",
           t.aging.rows, (unsigned long long)t.aging.hash);
    failed = print_ratios(&t);
    print_queries(db, argv);
    free(plain_sql);
    free(allocations_sql);
    sqlite3_close(db);
    return failed;
}

/* One ar_aging run in a fresh process: heap peak and maximum RSS. */
static int run_memory(char **argv)
{
    sqlite3 *db = open_database(argv[3], argv[2]);
    const char *aging_sql = "SELECT * FROM ar_aging(:as_of)";
    sqlite3_stmt *stmt = prepare(db, aging_sql, argv[4]);
    sqlite3_uint64 hash = 0;
    sqlite3_int64 used;
    sqlite3_int64 peak;
    struct rusage usage;
    long rows;

    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 1);
    rows = run_once(db, stmt, &hash);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 0);
    getrusage(RUSAGE_SELF, &usage);
    printf("%lld %lld %ld %ld\n", count_rows(db, "invoices"),
           (long long)(peak - used), usage.ru_maxrss, rows);
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 5 && strcmp(argv[1], "--memory") == 0)
        return run_memory(argv);
    if (argc == 6)
        return run_timings(argv);
    fprintf(stderr,
            "usage: aging_bench EXTENSION DB AS_OF PLAIN_SQL ALLOCATIONS_SQL\n"
            "       aging_bench --memory EXTENSION DB AS_OF\n");
    return 2;
}
