/*
** Determinism: every function and table the extension registers is listed
** in tests/reliability_catalog.h with the flags it must carry, and one
** day of ledger work gives byte-identical databases under three clocks.
**
** The clocks are VFSes that wrap the default one and return a fixed time
** from xCurrentTime and xCurrentTimeInt64, which is where SQLite's
** date('now') and the extension would read it. tests/stress/clock_replay.sh
** runs the same script under faketime in the sqlite3 shell.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "reliability_catalog.h"

int sqlite3_receivables_init(sqlite3 *db, char **err_out,
                             const sqlite3_api_routines *api);

/* ---- (a) the catalog lists everything registered ---- */

/* Returns 1 when the catalog lists function name with n_arg arguments. */
static int catalog_has_function(const char *name, int n_arg)
{
    int i;

    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++)
        if (strcmp(catalog_functions[i].name, name) == 0 &&
            catalog_functions[i].n_arg == n_arg)
            return 1;
    return 0;
}

static int catalog_has_module(const char *name)
{
    int i;

    for (i = 0; i < CATALOG_MODULE_COUNT; i++)
        if (strcmp(catalog_modules[i].name, name) == 0)
            return 1;
    return 0;
}

/* Writes the rows of sql on a connection without the extension into
** the temporary table name of db, one text column per row. */
static void copy_rows(sqlite3 *db, const char *name, const char *sql)
{
    sqlite3 *plain = NULL;
    sqlite3_stmt *stmt = NULL;
    char *create = sqlite3_mprintf("CREATE TEMP TABLE %s (value TEXT)", name);

    ck_assert_int_eq(sqlite3_open(":memory:", &plain), SQLITE_OK);
    harness_exec(db, create);
    sqlite3_free(create);
    ck_assert_int_eq(sqlite3_prepare_v2(plain, sql, -1, &stmt, NULL),
                     SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        char *insert = sqlite3_mprintf("INSERT INTO %s VALUES ('%q')", name,
                                       sqlite3_column_text(stmt, 0));

        harness_exec(db, insert);
        sqlite3_free(insert);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(plain);
}

/* The functions a connection has without the extension belong to SQLite
** and to the extensions compiled into it (Debian's has rtree, fts3 and
** fts5, which pragma_function_list shows with builtin = 0). Each function
** the extension adds must be in the catalog, and each catalog entry must
** be registered. */
START_TEST(test_catalog_lists_every_function)
{
    sqlite3 *db = harness_open();
    sqlite3_stmt *stmt = NULL;
    int added = 0;
    int i;

    copy_rows(db, "plain_functions",
              "SELECT name || '/' || narg FROM pragma_function_list");
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT name, narg FROM"
                                        " pragma_function_list WHERE"
                                        " name || '/' || narg NOT IN"
                                        " (SELECT value FROM"
                                        " plain_functions)",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        int n_arg = sqlite3_column_int(stmt, 1);

        ck_assert_msg(catalog_has_function(name, n_arg),
                      "%s/%d is registered but missing from"
                      " tests/reliability_catalog.h; add it with its kind"
                      " and a sample call",
                      name, n_arg);
        added++;
    }
    sqlite3_finalize(stmt);
    ck_assert_int_eq(added, CATALOG_FUNCTION_COUNT);
    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        char *sql = sqlite3_mprintf("SELECT count(*) FROM pragma_function_list"
                                    " WHERE name = '%q' AND narg = %d",
                                    catalog_functions[i].name,
                                    catalog_functions[i].n_arg);

        ck_assert_msg(harness_int(db, sql) == 1, "%s/%d is not registered",
                      catalog_functions[i].name, catalog_functions[i].n_arg);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
}
END_TEST

/* The modules a connection has without the extension are SQLite's own.
** Each module the extension adds must be in the catalog, and the catalog
** lists no module that is not registered. */
START_TEST(test_catalog_lists_every_module)
{
    sqlite3 *db = harness_open();
    sqlite3_stmt *stmt = NULL;
    int added = 0;
    int i;

    copy_rows(db, "plain_modules", "SELECT name FROM pragma_module_list");
    ck_assert_int_eq(sqlite3_prepare_v2(db,
                                        "SELECT name FROM pragma_module_list"
                                        " WHERE name NOT IN (SELECT value"
                                        " FROM plain_modules)",
                                        -1, &stmt, NULL),
                     SQLITE_OK);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);

        ck_assert_msg(catalog_has_module(name),
                      "module %s is registered but missing from"
                      " tests/reliability_catalog.h",
                      name);
        added++;
    }
    sqlite3_finalize(stmt);
    ck_assert_int_eq(added, CATALOG_MODULE_COUNT);
    for (i = 0; i < CATALOG_MODULE_COUNT; i++) {
        char *sql = sqlite3_mprintf("SELECT count(*) FROM pragma_module_list"
                                    " WHERE name = '%q'",
                                    catalog_modules[i].name);

        ck_assert_msg(harness_int(db, sql) == 1, "module %s not registered",
                      catalog_modules[i].name);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
}
END_TEST

/* ---- (b) flags and sample calls ---- */

/* The flags column of pragma_function_list shows the SQLITE_DETERMINISTIC,
** SQLITE_DIRECTONLY, SQLITE_SUBTYPE and SQLITE_INNOCUOUS bits (SQLite
** 3.40). Every function must be deterministic. A pure one must be
** innocuous and not direct-only, and a direct one the reverse. */
START_TEST(test_catalog_function_flags)
{
    sqlite3 *db = harness_open();
    int i;

    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        const struct catalog_function *f = &catalog_functions[i];
        char *sql = sqlite3_mprintf("SELECT flags FROM pragma_function_list"
                                    " WHERE name = '%q' AND narg = %d",
                                    f->name, f->n_arg);
        sqlite3_int64 flags = harness_int(db, sql);
        int pure = f->kind == CATALOG_PURE;

        sqlite3_free(sql);
        ck_assert_msg(flags & SQLITE_DETERMINISTIC,
                      "%s/%d is not SQLITE_DETERMINISTIC (flags %lld)",
                      f->name, f->n_arg, (long long)flags);
        ck_assert_msg(((flags & SQLITE_INNOCUOUS) != 0) == pure,
                      "%s/%d: SQLITE_INNOCUOUS must be %s (flags %lld)",
                      f->name, f->n_arg, pure ? "set" : "clear",
                      (long long)flags);
        ck_assert_msg(((flags & SQLITE_DIRECTONLY) != 0) == !pure,
                      "%s/%d: SQLITE_DIRECTONLY must be %s (flags %lld)",
                      f->name, f->n_arg, pure ? "clear" : "set",
                      (long long)flags);
    }
    sqlite3_close(db);
}
END_TEST

/* Each sample call returns the result the catalog worked out by hand, so
** the catalog describes the functions it names. */
START_TEST(test_catalog_sample_calls)
{
    sqlite3 *db = harness_open();
    int i;

    for (i = 0; i < CATALOG_FUNCTION_COUNT; i++) {
        const struct catalog_function *f = &catalog_functions[i];
        char *sql = sqlite3_mprintf("SELECT %s(%s)", f->name, f->args);

        expect_sql(db, sql, f->result);
        sqlite3_free(sql);
    }
    sqlite3_close(db);
}
END_TEST

/* Each module's catalog query runs on a ledger with no rows. It counts 0
** rows of the ledger tables and the 1 entry of the camt sample. */
START_TEST(test_catalog_module_queries)
{
    sqlite3 *db = harness_open_schema();
    int i;

    harness_exec_file(db, "../sql/sync.sql");
    harness_exec_file(db, "../sql/reconcile.sql");
    for (i = 0; i < CATALOG_MODULE_COUNT; i++) {
        const struct catalog_module *m = &catalog_modules[i];

        expect_sql(db, m->query,
                   m->kind == CATALOG_DIRECT ? "1" : "0");
    }
    sqlite3_close(db);
}
END_TEST

/* ar_aging takes its date as an argument and never falls back to today:
** without one it is an error (sql/REFERENCE.md, "ar_aging"). */
START_TEST(test_aging_needs_explicit_date)
{
    sqlite3 *db = harness_open_schema();

    expect_sql_error(db, "SELECT * FROM ar_aging", "ar_aging");
    expect_sql(db, "SELECT count(*) FROM ar_aging(NULL)", "0");
    sqlite3_close(db);
}
END_TEST

/* ---- (c) the same script under three clocks ---- */

/* A fixed clock: Julian day number in milliseconds, as xCurrentTimeInt64
** returns it. */
struct fixed_clock {
    const char *vfs_name;
    const char *datetime;  /* what datetime('now') must return */
    sqlite3_int64 jd_ms;   /* the same instant */
    sqlite3_vfs vfs;
};

/* Julian day 2440587.5 is 1970-01-01 00:00:00 UTC; add Unix seconds. */
#define JD_MS_OF_UNIX(seconds) (210866760000000LL + (seconds) * 1000LL)

static struct fixed_clock clocks[3] = {
    {"clock_2001", "2001-02-03 04:05:06", JD_MS_OF_UNIX(981173106LL), {0}},
    {"clock_2026", "2026-12-04 12:00:00", JD_MS_OF_UNIX(1796385600LL), {0}},
    {"clock_2038", "2038-01-19 03:14:08", JD_MS_OF_UNIX(2147483648LL), {0}},
};

static struct fixed_clock *clock_of(sqlite3_vfs *vfs)
{
    int i;

    for (i = 0; i < 3; i++)
        if (vfs == &clocks[i].vfs)
            return &clocks[i];
    return &clocks[0];
}

static int fixed_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    *out = clock_of(vfs)->jd_ms;
    return SQLITE_OK;
}

static int fixed_time(sqlite3_vfs *vfs, double *out)
{
    *out = (double)clock_of(vfs)->jd_ms / 86400000.0;
    return SQLITE_OK;
}

/* Registers the three clock VFSes, copies of the default VFS with only
** the clock replaced. */
static void register_clocks(void)
{
    sqlite3_vfs *real = sqlite3_vfs_find(NULL);
    int i;

    for (i = 0; i < 3; i++) {
        if (sqlite3_vfs_find(clocks[i].vfs_name) != NULL)
            continue;
        clocks[i].vfs = *real;
        clocks[i].vfs.zName = clocks[i].vfs_name;
        clocks[i].vfs.pNext = NULL;
        clocks[i].vfs.xCurrentTime = fixed_time;
        if (clocks[i].vfs.iVersion >= 2)
            clocks[i].vfs.xCurrentTimeInt64 = fixed_time_int64;
        ck_assert_int_eq(sqlite3_vfs_register(&clocks[i].vfs, 0), SQLITE_OK);
    }
}

/* Opens path through clock's VFS with the extension registered. */
static sqlite3 *open_with_clock(const char *path, const struct fixed_clock *c)
{
    sqlite3 *db = NULL;
    char *err = NULL;

    remove(path);
    ck_assert_int_eq(sqlite3_open_v2(path, &db,
                                     SQLITE_OPEN_READWRITE |
                                         SQLITE_OPEN_CREATE,
                                     c->vfs_name),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_receivables_init(db, &err, NULL), SQLITE_OK);
    return db;
}

/* Imports the camt sample through sql/import_statement.sql. */
static void import_sample(sqlite3 *db)
{
    FILE *f = fopen("../sql/import_statement.sql", "rb");
    char sql[8192];
    size_t n;
    sqlite3_stmt *stmt = NULL;

    ck_assert_ptr_nonnull(f);
    n = fread(sql, 1, sizeof(sql) - 1, f);
    fclose(f);
    sql[n] = '\0';
    ck_assert_int_eq(sqlite3_prepare_v2(db, sql, -1, &stmt, NULL), SQLITE_OK);
    sqlite3_bind_text(
        stmt, sqlite3_bind_parameter_index(stmt, ":path"),
        "data/statements/camt/camt053.v2.multi.statement.xml", -1,
        SQLITE_STATIC);
    sqlite3_bind_text(stmt,
                      sqlite3_bind_parameter_index(stmt, ":on_mismatch"),
                      "report", -1, SQLITE_STATIC);
    ck_assert_msg(sqlite3_step(stmt) == SQLITE_DONE, "import failed: %s",
                  sqlite3_errmsg(db));
    sqlite3_finalize(stmt);
}

/* Replays the day into path under clock c; extra_sql runs after the
** day's script (NULL: nothing). Checks that the clock is in effect. */
static void replay_day(const char *path, const struct fixed_clock *c,
                       const char *extra_sql)
{
    sqlite3 *db = open_with_clock(path, c);

    expect_sql(db, "SELECT datetime('now')", c->datetime);
    /* Durability settings change no byte of the file, only the fsyncs. */
    harness_exec(db, "PRAGMA synchronous = OFF");
    harness_exec_file(db, "../sql/schema.sql");
    harness_exec_file(db, "../sql/triggers.sql");
    harness_exec_file(db, "../sql/views.sql");
    harness_exec_file(db, "../sql/sync.sql");
    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec_file(db, "stress/clock_replay.sql");
    if (extra_sql != NULL)
        harness_exec(db, extra_sql);
    import_sample(db);
    harness_exec_file(db, "stress/clock_replay_report.sql");
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
}

/* Reads the file at path; *size_out receives its size. Caller frees. */
static unsigned char *read_bytes(const char *path, long *size_out)
{
    FILE *f = fopen(path, "rb");
    unsigned char *bytes;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    *size_out = ftell(f);
    fseek(f, 0, SEEK_SET);
    bytes = malloc((size_t)*size_out + 1);
    ck_assert_ptr_nonnull(bytes);
    ck_assert_int_eq(fread(bytes, 1, (size_t)*size_out, f),
                     (size_t)*size_out);
    fclose(f);
    return bytes;
}

/* Replays the day under the three clocks; returns how many of the second
** and third files differ from the first. */
static int replay_under_three_clocks(const char *name, const char *extra_sql)
{
    char paths[3][4096];
    unsigned char *first;
    long first_size;
    int differ = 0;
    int i;

    register_clocks();
    for (i = 0; i < 3; i++) {
        snprintf(paths[i], sizeof(paths[i]), "%s/%s-%d.db", BUILD_DIR, name,
                 i);
        replay_day(paths[i], &clocks[i], extra_sql);
    }
    first = read_bytes(paths[0], &first_size);
    ck_assert_int_gt(first_size, 0);
    for (i = 1; i < 3; i++) {
        long size;
        unsigned char *bytes = read_bytes(paths[i], &size);

        if (size != first_size || memcmp(bytes, first, (size_t)size) != 0)
            differ++;
        free(bytes);
    }
    free(first);
    for (i = 0; i < 3; i++)
        remove(paths[i]);
    return differ;
}

/* With settings.as_of set, nothing reads the clock, so the files of 2001,
** 2026 and 2038 are the same bytes: 0 differ. */
START_TEST(test_clock_replay_byte_identical)
{
    ck_assert_int_eq(replay_under_three_clocks("determinism", NULL), 0);
}
END_TEST

/* The control that shows the comparison can fail: a note dated
** date('now') stores each clock's own date, so both later files differ
** from the first: 2 differ. */
START_TEST(test_clock_replay_sees_clock_read)
{
    ck_assert_int_eq(
        replay_under_three_clocks(
            "determinism-control",
            "INSERT INTO notes (customer_id, noted_on, body)"
            " VALUES (1, date('now'), 'dated by the wall clock')"),
        2);
}
END_TEST

Suite *determinism_suite(void)
{
    Suite *s = suite_create("determinism");
    TCase *catalog = tcase_create("catalog");
    TCase *replay = tcase_create("clock_replay");

    tcase_add_test(catalog, test_catalog_lists_every_function);
    tcase_add_test(catalog, test_catalog_lists_every_module);
    tcase_add_test(catalog, test_catalog_function_flags);
    tcase_add_test(catalog, test_catalog_sample_calls);
    tcase_add_test(catalog, test_catalog_module_queries);
    tcase_add_test(catalog, test_aging_needs_explicit_date);
    suite_add_tcase(s, catalog);

    tcase_set_timeout(replay, 60);
    tcase_add_test(replay, test_clock_replay_byte_identical);
    tcase_add_test(replay, test_clock_replay_sees_clock_read);
    suite_add_tcase(s, replay);
    return s;
}
