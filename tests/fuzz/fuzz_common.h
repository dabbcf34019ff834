#ifndef RECEIVABLES_FUZZ_COMMON_H
#define RECEIVABLES_FUZZ_COMMON_H

/*
** Helpers shared by the libFuzzer targets in tests/fuzz/: how one fuzz
** input becomes several arguments, and the checks every target applies to
** what the code under test returns.
**
** Input layout (see RELIABILITY.md, "Fuzzing"):
**   - Arguments are separated by FUZZ_SEPARATOR (0x1F, ASCII unit
**     separator). A target that takes k arguments splits at the first k-1
**     separators; the last argument keeps any further ones.
**   - An input that starts with FUZZ_TYPE_MARK (0x1E) is followed by one
**     type byte: bits 2i and 2i+1 give the SQL type of argument i
**     (0 text, 1 blob, 2 number, 3 NULL). Without the mark every argument
**     is text, so seed files stay readable.
*/
#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#define FUZZ_SEPARATOR 0x1F
#define FUZZ_TYPE_MARK 0x1E

/* Maximum number of arguments a target splits an input into. */
#define FUZZ_MAX_ARGS 8

/* SQL type an argument is bound as. */
enum fuzz_arg_type {
    FUZZ_ARG_TEXT,
    FUZZ_ARG_BLOB,
    FUZZ_ARG_NUMBER, /* integer when the bytes are one, else real, else NULL */
    FUZZ_ARG_NULL
};

/* One argument: a slice of the fuzz input, borrowed. */
struct fuzz_arg {
    const uint8_t *data;
    size_t size;
    enum fuzz_arg_type type;
};

/*
** Splits data[0..size-1] into at most max_args arguments as the layout
** above describes. Returns the number found (at least 1); the rest of
** args is set to empty NULL arguments.
*/
int fuzz_split(const uint8_t *data, size_t size, struct fuzz_arg *args,
               int max_args);

/* Binds arg to parameter index of stmt; returns the bind's rc. */
int fuzz_bind(sqlite3_stmt *stmt, int index, const struct fuzz_arg *arg);

/*
** Prints message and the SQL or value involved to stderr, then aborts, so
** libFuzzer keeps the input as a crash.
*/
__attribute__((noreturn)) void fuzz_fail(const char *message,
                                         const char *detail);

/*
** Records a defect that does not stop the run: prints the first one, and
** "fuzz notes: <count>" when the process exits.
*/
void fuzz_note(const char *message, const char *detail);

/*
** Checks an error message the extension returned. The run aborts unless
** it starts with a function or table name ("name: ..."). Invalid UTF-8 in
** it is noted with fuzz_note.
*/
void fuzz_check_message(const char *message);

/* Returns 1 when n bytes at text are valid UTF-8 (RFC 3629). */
int fuzz_valid_utf8(const unsigned char *text, size_t n);

/* Opens :memory: with the extension registered; aborts on failure. */
sqlite3 *fuzz_open(void);

/* Runs sql on db and aborts when it fails (setup only). */
void fuzz_exec(sqlite3 *db, const char *sql);

/* Runs every statement of the file at path on db; aborts on failure. */
void fuzz_exec_file(sqlite3 *db, const char *path);

#endif
