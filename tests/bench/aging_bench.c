/*
** aging_bench: times SELECT * FROM ar_aging(as_of) against the same report
** in plain SQL and against a bare scan of the two tables it reads, on a
** database made by gen_invoices. tests/bench/aging_bench.sh builds and runs
** it; see that script for the whole benchmark.
**
** Usage:
**   aging_bench EXTENSION DB AS_OF PLAIN_SQL CACHED_SQL
**       prints the timing table with ratios, targets and PASS/FAIL
**   aging_bench --memory EXTENSION DB AS_OF
**       runs ar_aging once and prints its peak SQLite heap and the
**       process's maximum resident set size
**
** Each query runs once to warm the caches, then AGING_BENCH_RUNS times;
** the median time is reported. Rows are stepped to the end and every
** column is read, as a client would. Heap peak is the rise of SQLite's
** memory high-water mark (sqlite3_status64) over the run, which includes
** every sqlite3_malloc of the extension and of SQLite itself.
**
** Exit status: 0 when every target passes, 1 when one fails, 2 on error.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include <sqlite3.h>

#define AGING_BENCH_RUNS 3

/* Targets of the benchmark: ar_aging against the plain SQL and the scan. */
#define TARGET_SPEEDUP_OVER_PLAIN 3.0
#define TARGET_MAX_TIMES_BARE_SCAN 2.0

/* The bare scan: the columns ar_aging reads most, with no join or sort. */
static const char *const bare_scan_sql[] = {
    "SELECT sum(total_cents), sum(length(due_date)) FROM invoices",
    "SELECT sum(amount_cents), sum(length(effective_date)) FROM allocations",
};

/* One timed query: its result and cost. */
struct measurement {
    double seconds;          /* median over AGING_BENCH_RUNS */
    long rows;               /* rows returned by one run */
    sqlite3_int64 heap_peak; /* bytes above the heap in use before the run */
};

static void fail(sqlite3 *db, const char *what)
{
    fprintf(stderr, "aging_bench: %s: %s\n", what,
            db ? sqlite3_errmsg(db) : "failed");
    exit(2);
}

static double now_seconds(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
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

/* Prepares sql with :as_of bound; the caller finalizes it. */
static sqlite3_stmt *prepare(sqlite3 *db, const char *sql, const char *as_of)
{
    sqlite3_stmt *stmt = NULL;
    int index;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        fail(db, "prepare");
    index = sqlite3_bind_parameter_index(stmt, ":as_of");
    if (index > 0)
        sqlite3_bind_text(stmt, index, as_of, -1, SQLITE_TRANSIENT);
    return stmt;
}

/* Steps stmt to the end reading every column; returns the row count. */
static long run_once(sqlite3 *db, sqlite3_stmt *stmt)
{
    long rows = 0;
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int i;
        for (i = 0; i < sqlite3_column_count(stmt); i++)
            (void)sqlite3_column_value(stmt, i);
        rows++;
    }
    if (rc != SQLITE_DONE)
        fail(db, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
    return rows;
}

/* Runs the statements one after another; returns seconds, adds rows. */
static double run_all(sqlite3 *db, sqlite3_stmt **stmts, int n, long *rows)
{
    double start = now_seconds();
    int i;

    *rows = 0;
    for (i = 0; i < n; i++)
        *rows += run_once(db, stmts[i]);
    return now_seconds() - start;
}

static int compare_doubles(const void *a, const void *b)
{
    double left = *(const double *)a;
    double right = *(const double *)b;

    return (left > right) - (left < right);
}

/* Times n statements run together: a warm-up, then the median of runs. */
static struct measurement measure(sqlite3 *db, const char *const *sql, int n,
                                  const char *as_of)
{
    sqlite3_stmt *stmts[4];
    double seconds[AGING_BENCH_RUNS];
    struct measurement m;
    sqlite3_int64 used;
    sqlite3_int64 peak;
    int i;

    for (i = 0; i < n; i++)
        stmts[i] = prepare(db, sql[i], as_of);
    run_all(db, stmts, n, &m.rows);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 1);
    for (i = 0; i < AGING_BENCH_RUNS; i++)
        seconds[i] = run_all(db, stmts, n, &m.rows);
    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 0);
    m.heap_peak = peak - used;
    qsort(seconds, AGING_BENCH_RUNS, sizeof(*seconds), compare_doubles);
    m.seconds = seconds[AGING_BENCH_RUNS / 2];
    for (i = 0; i < n; i++)
        sqlite3_finalize(stmts[i]);
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

static void print_measurement(const char *name, struct measurement m)
{
    printf("  %-44s %8.3f %8ld %9.1f\n", name, m.seconds, m.rows,
           (double)m.heap_peak / 1024.0);
}

/* Prints one ratio line; returns 1 when it misses its target. */
static int print_ratio(const char *name, double value, const char *target,
                       int passed)
{
    const char *result = "";

    if (target[0] != '\0')
        result = passed ? "PASS" : "FAIL";
    printf("  %-44s %7.2fx  %-8s %s\n", name, value, target, result);
    return target[0] != '\0' && !passed;
}

/* The timing table: ar_aging, both plain queries and the bare scan. */
static int run_timings(char **argv)
{
    sqlite3 *db = open_database(argv[2], argv[1]);
    const char *as_of = argv[3];
    char *plain_sql = read_file(argv[4]);
    char *cached_sql = read_file(argv[5]);
    const char *aging_sql[] = {"SELECT * FROM ar_aging(:as_of)"};
    struct measurement aging, plain, cached, bare;
    int failed = 0;

    printf("ar_aging('%s'): %lld invoices, %lld allocations, %lld "
           "customers; median of %d warm runs\n",
           as_of, count_rows(db, "invoices"), count_rows(db, "allocations"),
           count_rows(db, "customers"), AGING_BENCH_RUNS);
    aging = measure(db, aging_sql, 1, as_of);
    plain = measure(db, (const char *const *)&plain_sql, 1, as_of);
    cached = measure(db, (const char *const *)&cached_sql, 1, as_of);
    bare = measure(db, bare_scan_sql, 2, as_of);
    printf("  %-44s %8s %8s %9s\n", "query", "seconds", "rows", "heap KiB");
    print_measurement("SELECT * FROM ar_aging(as_of)", aging);
    print_measurement("plain SQL (aging_plain.sql)", plain);
    print_measurement("plain SQL trusting paid_date (_cached.sql)", cached);
    print_measurement("bare scan of invoices and allocations", bare);
    if (plain.rows != aging.rows || cached.rows != aging.rows) {
        fprintf(stderr, "aging_bench: row counts differ\n");
        return 2;
    }
    printf("  %-44s %8s  %-8s %s\n", "ratio", "value", "target", "result");
    failed |= print_ratio(
        "plain SQL time / ar_aging time", plain.seconds / aging.seconds,
        ">= 3x", plain.seconds >= TARGET_SPEEDUP_OVER_PLAIN * aging.seconds);
    failed |= print_ratio(
        "ar_aging time / bare scan time", aging.seconds / bare.seconds, "<= 2x",
        aging.seconds <= TARGET_MAX_TIMES_BARE_SCAN * bare.seconds);
    print_ratio("trusting plain SQL time / ar_aging time",
                cached.seconds / aging.seconds, "", 1);
    free(plain_sql);
    free(cached_sql);
    sqlite3_close(db);
    return failed;
}

/* One ar_aging run in a fresh process: heap peak and maximum RSS. */
static int run_memory(char **argv)
{
    sqlite3 *db = open_database(argv[3], argv[2]);
    const char *aging_sql = "SELECT * FROM ar_aging(:as_of)";
    sqlite3_stmt *stmt = prepare(db, aging_sql, argv[4]);
    sqlite3_int64 used;
    sqlite3_int64 peak;
    struct rusage usage;
    long rows;

    sqlite3_status64(SQLITE_STATUS_MEMORY_USED, &used, &peak, 1);
    rows = run_once(db, stmt);
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
            "usage: aging_bench EXTENSION DB AS_OF PLAIN_SQL CACHED_SQL\n"
            "       aging_bench --memory EXTENSION DB AS_OF\n");
    return 2;
}
