#ifndef RECEIVABLES_STRESS_DB_H
#define RECEIVABLES_STRESS_DB_H

/*
** Helpers shared by the concurrency and crash harnesses: open a database
** file with the extension registered, run SQL, dump the whole content.
** Every helper prints the SQLite message and exits with status 2 on an
** unexpected error, so a harness failure never looks like a pass.
*/
#include <stdint.h>

#include <sqlite3.h>

/* The SQL files a ledger database needs, in load order. */
extern const char *const stress_schema_files[];

/* Prints "stress: " and the formatted message to stderr and exits 2. */
void stress_die(const char *format, ...);

/* Opens path (created if missing) through the VFS vfs (NULL: default)
** and registers the extension. */
sqlite3 *stress_open(const char *path, const char *vfs);

/* Runs every statement of sql; dies on error. */
void stress_exec(sqlite3 *db, const char *sql);

/* Runs every statement of sql; returns the result code and leaves the
** message in sqlite3_errmsg(db). */
int stress_try_exec(sqlite3 *db, const char *sql);

/* Reads the whole file at path into a NUL-terminated buffer that the
** caller frees with free(); dies if it cannot. */
char *stress_read_file(const char *path);

/* Runs every statement of the file sql_dir/name; dies on error. */
void stress_exec_file(sqlite3 *db, const char *sql_dir, const char *name);

/* Creates the ledger schema (stress_schema_files from sql_dir) and fixes
** settings.as_of, so no trigger or view reads the wall clock. */
void stress_load_schema(sqlite3 *db, const char *sql_dir);

/* Returns the first column of the first row of sql as an integer, 0 when
** there is no row; dies on error. */
int64_t stress_int(sqlite3 *db, const char *sql);

/* Returns the rows of sql as text, columns joined by '|' and rows ended
** by '\n'; dies on error. The caller frees it with sqlite3_free(). */
char *stress_text(sqlite3 *db, const char *sql);

/* Returns every row of every table, table by table in name order and rows
** in rowid order, in stress_text's format. Two databases with the same
** content give the same text. The caller frees it with sqlite3_free(). */
char *stress_dump(sqlite3 *db);

/* Returns "ok" when PRAGMA integrity_check finds nothing, else its
** report. The caller frees it with sqlite3_free(). */
char *stress_integrity(sqlite3 *db);

/* The next number of a xorshift64 generator: fixed seeds give the same
** sequence on every machine. state must not be 0. */
uint64_t stress_random(uint64_t *state);

/* Sleeps for microseconds (below one second). */
void stress_sleep_us(long microseconds);

/* Copies the file at from to to, replacing to; dies on error. */
void stress_copy_file(const char *from, const char *to);

/* Removes path and its -wal, -shm and -journal files, if any. */
void stress_remove_db(const char *path);

#endif
