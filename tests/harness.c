/* Helpers shared by the Check suites: open, run and compare SQL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

int sqlite3_receivables_init(sqlite3 *db, char **err_out,
                             const sqlite3_api_routines *api);

sqlite3 *harness_open(void)
{
    sqlite3 *db = NULL;
    char *err = NULL;
    int rc;

    rc = sqlite3_open(":memory:", &db);
    ck_assert_msg(rc == SQLITE_OK, "open :memory: failed: %s",
                  sqlite3_errstr(rc));
    rc = sqlite3_receivables_init(db, &err, NULL);
    ck_assert_msg(rc == SQLITE_OK, "extension init failed: %s",
                  err ? err : sqlite3_errstr(rc));
    return db;
}

sqlite3 *harness_open_schema(void)
{
    sqlite3 *db = harness_open();

    harness_exec_file(db, "../sql/schema.sql");
    harness_exec_file(db, "../sql/triggers.sql");
    harness_exec_file(db, "../sql/views.sql");
    return db;
}

void harness_exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    int rc = sqlite3_exec(db, sql, NULL, NULL, &err);

    ck_assert_msg(rc == SQLITE_OK, "SQL failed: %s\n  in: %.300s",
                  err ? err : sqlite3_errstr(rc), sql);
    sqlite3_free(err);
}

void harness_exec_file(sqlite3 *db, const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text;
    long size;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    fseek(f, 0, SEEK_END);
    size = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = malloc((size_t)size + 1);
    ck_assert_ptr_nonnull(text);
    ck_assert_int_eq(fread(text, 1, (size_t)size, f), (size_t)size);
    text[size] = '\0';
    fclose(f);
    harness_exec(db, text);
    free(text);
}

/* Appends one row of stmt to out in harness_query's format. */
static void append_row(sqlite3_str *out, sqlite3_stmt *stmt)
{
    int i;
    int n = sqlite3_column_count(stmt);

    for (i = 0; i < n; i++) {
        if (i > 0)
            sqlite3_str_appendchar(out, 1, '|');
        if (sqlite3_column_type(stmt, i) == SQLITE_NULL)
            sqlite3_str_appendall(out, "NULL");
        else
            sqlite3_str_appendall(out,
                                  (const char *)sqlite3_column_text(stmt, i));
    }
}

char *harness_query(sqlite3 *db, const char *sql, char **err_out)
{
    sqlite3_str *out = sqlite3_str_new(db);
    sqlite3_stmt *stmt = NULL;
    const char *tail = sql;
    int rows = 0;
    int rc = SQLITE_OK;

    *err_out = NULL;
    while (rc == SQLITE_OK && tail && *tail) {
        rc = sqlite3_prepare_v2(db, tail, -1, &stmt, &tail);
        if (rc != SQLITE_OK || stmt == NULL)
            break;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            if (rows++ > 0)
                sqlite3_str_appendchar(out, 1, '\n');
            append_row(out, stmt);
        }
        rc = sqlite3_finalize(stmt);
        stmt = NULL;
    }
    if (rc != SQLITE_OK) {
        *err_out = sqlite3_mprintf("%s", sqlite3_errmsg(db));
        sqlite3_free(sqlite3_str_finish(out));
        return NULL;
    }
    /* sqlite3_str_finish() returns NULL for an empty string. */
    {
        char *text = sqlite3_str_finish(out);
        return text ? text : sqlite3_mprintf("%s", "");
    }
}

void harness_expect_sql(sqlite3 *db, const char *sql, const char *expected,
                        const char *file, int line)
{
    char *err = NULL;
    char *got = harness_query(db, sql, &err);

    ck_assert_msg(got != NULL, "%s:%d: SQL failed: %s\n  in: %s", file, line,
                  err, sql);
    ck_assert_msg(strcmp(got, expected) == 0,
                  "%s:%d: %s\n  expected: %s\n  got:      %s", file, line, sql,
                  expected, got);
    sqlite3_free(got);
}

void harness_expect_sql_error(sqlite3 *db, const char *sql,
                              const char *expected, const char *file, int line)
{
    char *err = NULL;
    char *got = harness_query(db, sql, &err);

    ck_assert_msg(got == NULL,
                  "%s:%d: expected an error, got rows: %s\n  in: %s", file,
                  line, got, sql);
    ck_assert_msg(strstr(err, expected) != NULL,
                  "%s:%d: %s\n  expected error containing: %s\n  got: %s", file,
                  line, sql, expected, err);
    sqlite3_free(err);
}

sqlite3_int64 harness_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;
    sqlite3_int64 value = 0;
    int rc = sqlite3_prepare_v2(db, sql, -1, &stmt, NULL);

    ck_assert_msg(rc == SQLITE_OK, "prepare failed: %s\n  in: %s",
                  sqlite3_errmsg(db), sql);
    rc = sqlite3_step(stmt);
    ck_assert_msg(rc == SQLITE_ROW || rc == SQLITE_DONE,
                  "step failed: %s\n  in: %s", sqlite3_errmsg(db), sql);
    if (rc == SQLITE_ROW)
        value = sqlite3_column_int64(stmt, 0);
    sqlite3_finalize(stmt);
    return value;
}

void harness_file_write(struct harness_file *f, const char *name,
                        const void *data, size_t size)
{
    FILE *out;

    strcpy(f->dir, "/tmp/receivables_test_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(f->dir));
    ck_assert_int_lt(snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name),
                     (int)sizeof(f->path));
    out = fopen(f->path, "wb");
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(fwrite(data, 1, size, out), size);
    ck_assert_int_eq(fclose(out), 0);
}

void harness_file_write_text(struct harness_file *f, const char *name,
                             const char *text)
{
    harness_file_write(f, name, text, strlen(text));
}

void harness_file_remove(struct harness_file *f)
{
    ck_assert_int_eq(unlink(f->path), 0);
    ck_assert_int_eq(rmdir(f->dir), 0);
}

void harness_expect_file_sql(const struct harness_file *f,
                             const char *sql_format, const char *expected,
                             int want_error, const char *file, int line)
{
    sqlite3 *db = harness_open();
    char *sql = sqlite3_mprintf(sql_format, f->path);

    ck_assert_ptr_nonnull(sql);
    if (want_error)
        harness_expect_sql_error(db, sql, expected, file, line);
    else
        harness_expect_sql(db, sql, expected, file, line);
    sqlite3_free(sql);
    sqlite3_close(db);
}
