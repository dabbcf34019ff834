/* Helpers shared by the concurrency and crash harnesses. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "stress_db.h"

int sqlite3_receivables_init(sqlite3 *db, char **err_out,
                             const sqlite3_api_routines *api);

const char *const stress_schema_files[] = {
    "schema.sql", "triggers.sql", "views.sql", "sync.sql", "reconcile.sql",
    NULL};

void stress_die(const char *format, ...)
{
    va_list ap;

    fprintf(stderr, "stress: ");
    va_start(ap, format);
    vfprintf(stderr, format, ap);
    va_end(ap);
    fputc('\n', stderr);
    exit(2);
}

sqlite3 *stress_open(const char *path, const char *vfs)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc = sqlite3_open_v2(path, &db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs);

    if (rc != SQLITE_OK)
        stress_die("opening %s failed: %s", path,
                   db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
    rc = sqlite3_receivables_init(db, &err, NULL);
    if (rc != SQLITE_OK)
        stress_die("registering the extension failed: %s",
                   err ? err : sqlite3_errstr(rc));
    return db;
}

int stress_try_exec(sqlite3 *db, const char *sql)
{
    return sqlite3_exec(db, sql, NULL, NULL, NULL);
}

void stress_exec(sqlite3 *db, const char *sql)
{
    if (stress_try_exec(db, sql) != SQLITE_OK)
        stress_die("SQL failed: %s\n  in: %.300s", sqlite3_errmsg(db), sql);
}

char *stress_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    if (f == NULL)
        stress_die("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0 || (size = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0)
        stress_die("cannot measure %s", path);
    text = malloc((size_t)size + 1);
    if (text == NULL)
        stress_die("out of memory reading %s", path);
    if (fread(text, 1, (size_t)size, f) != (size_t)size)
        stress_die("short read on %s", path);
    text[size] = '\0';
    fclose(f);
    return text;
}

void stress_exec_file(sqlite3 *db, const char *sql_dir, const char *name)
{
    char path[4096];
    char *text;

    snprintf(path, sizeof(path), "%s/%s", sql_dir, name);
    text = stress_read_file(path);
    if (stress_try_exec(db, text) != SQLITE_OK)
        stress_die("%s failed: %s", path, sqlite3_errmsg(db));
    free(text);
}

void stress_load_schema(sqlite3 *db, const char *sql_dir)
{
    int i;

    for (i = 0; stress_schema_files[i] != NULL; i++)
        stress_exec_file(db, sql_dir, stress_schema_files[i]);
    stress_exec(db, "UPDATE settings SET as_of = '2013-06-30', "
                    "currency = 'EUR'");
}

int64_t stress_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    int64_t value = 0;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        stress_die("prepare failed: %s\n  in: %s", sqlite3_errmsg(db), sql);
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    else if (rc != SQLITE_DONE)
        stress_die("step failed: %s\n  in: %s", sqlite3_errmsg(db), sql);
    sqlite3_finalize(stmt);
    return value;
}

/* Appends the rows of stmt to out; returns the last sqlite3_step code. */
static int append_rows(sqlite3_str *out, sqlite3_stmt *stmt)
{
    int rc;
    int i;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (i = 0; i < sqlite3_column_count(stmt); i++) {
            const char *text = (const char *)sqlite3_column_text(stmt, i);

            if (i > 0)
                sqlite3_str_appendchar(out, 1, '|');
            sqlite3_str_appendall(out, text ? text : "NULL");
        }
        sqlite3_str_appendchar(out, 1, '\n');
    }
    return rc;
}

char *stress_text(sqlite3 *db, const char *sql)
{
    sqlite3_str *out = sqlite3_str_new(db);
    sqlite3_stmt *stmt = NULL;
    char *text;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

    if (rc != SQLITE_OK)
        stress_die("prepare failed: %s\n  in: %s", sqlite3_errmsg(db), sql);
    if (append_rows(out, stmt) != SQLITE_DONE)
        stress_die("step failed: %s\n  in: %s", sqlite3_errmsg(db), sql);
    sqlite3_finalize(stmt);
    text = sqlite3_str_finish(out);
    return text ? text : sqlite3_mprintf("%s", "");
}

char *stress_dump(sqlite3 *db)
{
    sqlite3_str *out = sqlite3_str_new(db);
    char *names = stress_text(
        db, "SELECT name FROM sqlite_schema WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' ORDER BY name");
    char *name = names;
    char *text;

    while (*name != '\0') {
        char *end = strchr(name, '\n');
        char *sql;
        char *rows;

        *end = '\0';
        sql = sqlite3_mprintf("SELECT * FROM \"%w\" ORDER BY rowid", name);
        rows = stress_text(db, sql);
        sqlite3_str_appendf(out, "== %s\n%s", name, rows);
        sqlite3_free(rows);
        sqlite3_free(sql);
        name = end + 1;
    }
    sqlite3_free(names);
    text = sqlite3_str_finish(out);
    return text ? text : sqlite3_mprintf("%s", "");
}

char *stress_integrity(sqlite3 *db)
{
    char *report = stress_text(db, "PRAGMA integrity_check");
    size_t n = strlen(report);

    if (n > 0 && report[n - 1] == '\n')
        report[n - 1] = '\0';
    return report;
}

uint64_t stress_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

void stress_sleep_us(long microseconds)
{
    struct timespec wait = {0, microseconds * 1000L};

    nanosleep(&wait, NULL);
}

void stress_copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb");
    FILE *out;
    char buffer[65536];
    size_t n;

    if (in == NULL)
        stress_die("cannot open %s", from);
    out = fopen(to, "wb");
    if (out == NULL)
        stress_die("cannot create %s", to);
    while ((n = fread(buffer, 1, sizeof(buffer), in)) > 0)
        if (fwrite(buffer, 1, n, out) != n)
            stress_die("short write on %s", to);
    fclose(in);
    if (fclose(out) != 0)
        stress_die("closing %s failed", to);
}

void stress_remove_db(const char *path)
{
    static const char *const suffixes[] = {"", "-wal", "-shm", "-journal"};
    char name[4096];
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}
