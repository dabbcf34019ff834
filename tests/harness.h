#ifndef RECEIVABLES_HARNESS_H
#define RECEIVABLES_HARNESS_H

/*
** Shared helpers for the Check suites. Every suite file tests/check_<name>.c
** defines Suite *<name>_suite(void); the runner finds it by the file name.
** Tests run with the tests/ folder as the working directory.
*/
#include <check.h>
#include <sqlite3.h>

/* Opens :memory: with the extension registered; fails the test if it can't. */
sqlite3 *harness_open(void);

/* Opens :memory:, registers the extension and loads sql/ (schema, triggers,
** views) from ../sql. */
sqlite3 *harness_open_schema(void);

/* Runs every statement of sql; fails the test with SQLite's message. */
void harness_exec(sqlite3 *db, const char *sql);

/* Runs every statement of the file at path; fails the test on error. */
void harness_exec_file(sqlite3 *db, const char *path);

/*
** Runs sql and returns its rows as text: columns joined by '|', rows by '\n',
** NULL as "NULL". Returns NULL and stores the message in *err_out (which the
** caller frees with sqlite3_free) when the statement fails.
** The result is freed by the caller with sqlite3_free().
*/
char *harness_query(sqlite3 *db, const char *sql, char **err_out);

/* Asserts that sql returns exactly expected (in harness_query's format). */
#define expect_sql(db, sql, expected)                                          \
    harness_expect_sql(db, sql, expected, __FILE__, __LINE__)

/* Asserts that sql fails with a message that contains expected. */
#define expect_sql_error(db, sql, expected)                                    \
    harness_expect_sql_error(db, sql, expected, __FILE__, __LINE__)

void harness_expect_sql(sqlite3 *db, const char *sql, const char *expected,
                        const char *file, int line);
void harness_expect_sql_error(sqlite3 *db, const char *sql,
                              const char *expected, const char *file, int line);

/* Returns the first column of the first row as an integer (0 if none). */
sqlite3_int64 harness_int(sqlite3 *db, const char *sql);

/* A file one test writes into a fresh mkdtemp directory under /tmp. */
struct harness_file {
    char dir[64];
    char path[128];
};

/* Writes size bytes of data to a new file named name; fails the test on
** any error. */
void harness_file_write(struct harness_file *f, const char *name,
                        const void *data, size_t size);

/* Writes the NUL-terminated text like harness_file_write. */
void harness_file_write_text(struct harness_file *f, const char *name,
                             const char *text);

/* Removes the file and its directory. A test that fails before this
** leaves them, so that the file can be looked at. */
void harness_file_remove(struct harness_file *f);

/* Runs sql_format, with %q replaced by the file's path, on a fresh
** harness_open connection and asserts its rows or its error, as
** expect_sql and expect_sql_error do. */
#define expect_file_sql(f, sql_format, expected)                               \
    harness_expect_file_sql(f, sql_format, expected, 0, __FILE__, __LINE__)
#define expect_file_sql_error(f, sql_format, expected)                         \
    harness_expect_file_sql(f, sql_format, expected, 1, __FILE__, __LINE__)

void harness_expect_file_sql(const struct harness_file *f,
                             const char *sql_format, const char *expected,
                             int want_error, const char *file, int line);

#endif
