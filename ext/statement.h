#ifndef RECEIVABLES_STATEMENT_H
#define RECEIVABLES_STATEMENT_H

#include <stddef.h>

#include <sqlite3ext.h>

/*
** Bank statements read from files: the parsed form every format reader
** fills, and the readers themselves. statement_load (statement_load.c)
** reads a file and picks its reader; the table-valued functions
** bank_statement and bank_statement_balances (statement.c) return its
** entries and statements as rows.
**
** Memory: every string in these structs is owned by the statement_file and
** allocated with sqlite3_malloc64 (use statement_strdup); statement_file_free
** releases all of it.
*/

/* Maximum size in bytes of a file bank_statement reads, because it reads
** the whole file into memory (every format, CSV included). */
#define STATEMENT_MAX_FILE_BYTES (64 * 1024 * 1024)

/* A date that the file does not give (day numbers come from dates.h). */
#define STATEMENT_NO_DATE (-2147483647 - 1)

/* One statement (an account over a period); a file may hold several. */
struct statement_info {
    char *statement_id;          /* the bank's id, e.g. camt Stmt/Id or :20: */
    char *account;               /* IBAN or account number */
    char *currency;              /* ISO 4217 code of the account */
    int has_opening;             /* 1 when opening_cents is known */
    int has_closing;             /* 1 when closing_cents is known */
    sqlite3_int64 opening_cents; /* opening booked balance, signed */
    sqlite3_int64 closing_cents; /* closing booked balance, signed */
    int opening_date;            /* day number or STATEMENT_NO_DATE */
    int closing_date;            /* day number or STATEMENT_NO_DATE */
    char *warning;               /* why a balance the file gives is left out,
                                    or which batch=split rows do not add up
                                    to their entry; NULL when none */
};

/*
** One booked or pending entry of a statement.
**
** Memory: 120 bytes here (x86-64), plus one allocation per string that is
** set: sqlite3_malloc64 adds 8 bytes and glibc rounds each block to at
** least 32 bytes, so about 184 bytes for a row of date, amount and memo.
** camt, MT940 and OFX files keep every entry; a CSV stream keeps one
** (struct statement_stream).
*/
struct statement_entry {
    int statement_index;        /* index into statement_file.statements */
    int booking_date;           /* day number or STATEMENT_NO_DATE */
    int value_date;             /* day number or STATEMENT_NO_DATE */
    int currency_borrowed;      /* 1 when currency is an earlier entry's
                                   string (statement_entry_set_currency),
                                   which statement_file_free frees once */
    sqlite3_int64 amount_cents; /* signed minor units: credit > 0 */
    char *currency;             /* ISO 4217 code of amount_cents */
    char *counterparty_name;    /* payer for a credit, payee for a debit */
    char *counterparty_account; /* IBAN or account number */
    char *memo;                 /* remittance text, lines joined by ' ' */
    char *structured_ref;       /* creditor reference (RF..., national) */
    char *bank_txn_id;          /* the bank's id for the entry, if any */
    int pending;                /* 1 pending, 0 booked */
    char *origin;               /* "line 12" or the XML element path */
    char *end_to_end_id;        /* the payer's end-to-end id (camt), or NULL */
    int tx_count;               /* transactions the entry batches (camt
                                   TxDtls), 0 when the format has none */
    int tx_index;               /* 0: the row is the whole entry; n >= 1:
                                   the nth transaction of a split batch */
    sqlite3_int64 entry_amount_cents; /* the whole entry's signed amount when
                                   tx_index > 0, for balance checks */
    char *entry_currency;             /* currency of entry_amount_cents */
};

/*
** A reader that hands out entries one at a time, so reading a file takes
** memory for the file and one entry instead of for every entry. The CSV
** reader is one; the others parse the whole file at once.
*/
struct statement_file;

struct statement_stream {
    void *state; /* the reader's state, owned; NULL when no stream is open */
    /* Appends the next entry to file (statement_add_entry), or sets
    ** file->at_end when there is none. Returns as a statement_reader does. */
    int (*next)(struct statement_file *file, void *state, char **err_out);
    void (*close)(void *state); /* frees state */
};

/* A parsed file: its statements and entries, in file order. */
struct statement_file {
    char *path;                        /* the file name as messages quote
                                          it (statement_quote_path) */
    char *format;                      /* "camt.053", "mt940", "ofx", "csv":
                                          statement.c sets the requested
                                          name before the reader runs, and a
                                          reader may replace it with a more
                                          exact one ("camt" -> "camt.054") */
    struct statement_info *statements; /* n_statements of them */
    int n_statements;
    int statements_cap;
    struct statement_entry *entries; /* n_entries of them: every entry of
                                        the file, or with an open stream
                                        those read since the last
                                        statement_clear_entries */
    int n_entries;
    int entries_cap;
    char *data;                     /* the file's bytes while a stream reads
                                       them, owned; else NULL */
    struct statement_stream stream; /* open while entries remain */
    int at_end;                     /* 1 once the stream has no more entries */
};

/*
** A format reader. It parses size bytes of data (the whole file, not NUL
** terminated) into file, with options the user passed as the third argument
** of bank_statement (may be NULL). It returns SQLITE_OK, SQLITE_NOMEM, or
** SQLITE_ERROR with *err_out set (sqlite3_mprintf) to a message naming the
** file, the line or element and what was wrong, e.g.
** "bank_statement: 'x.sta': line 12: :61: date 130230 does not exist".
*/
typedef int (*statement_reader)(struct statement_file *file, const char *data,
                                size_t size, const char *options,
                                char **err_out);

int statement_read_camt(struct statement_file *, const char *, size_t,
                        const char *, char **);
/* Initialises libxml2 for statement_read_camt. statement_register calls it
** because libxml2 documents xmlInitParser as not reentrant. */
void statement_camt_init(void);

int statement_read_mt940(struct statement_file *, const char *, size_t,
                         const char *, char **);
int statement_read_ofx(struct statement_file *, const char *, size_t,
                       const char *, char **);
int statement_read_csv(struct statement_file *, const char *, size_t,
                       const char *, char **);

/* Opens a stream over size bytes of data, which must stay valid until the
** stream closes: reads the options and what comes before the first entry,
** then sets file->stream. Returns as a statement_reader does. */
typedef int (*statement_stream_opener)(struct statement_file *file,
                                       const char *data, size_t size,
                                       const char *options, char **err_out);

int statement_open_csv(struct statement_file *, const char *, size_t,
                       const char *, char **);

/* Appends a zeroed statement (dates set to STATEMENT_NO_DATE); returns it,
** or NULL when out of memory. */
struct statement_info *statement_add_info(struct statement_file *file);

/* Appends a zeroed entry of the last statement (dates set to
** STATEMENT_NO_DATE) and returns it, or NULL when out of memory. When the
** file has no statement yet, an empty one is added first. The pointer is
** valid until the next statement_add_entry, which may move the array. */
struct statement_entry *statement_add_entry(struct statement_file *file);

/* Sets entry->currency to n bytes of code (n < 0: up to NUL). entry must
** be the last one statement_add_entry returned. It borrows the previous
** entry's string when the codes are equal, so a file in one currency
** stores its code once. Returns SQLITE_OK or SQLITE_NOMEM. */
int statement_entry_set_currency(struct statement_file *file,
                                 struct statement_entry *entry,
                                 const char *code, int n);

/* Copies n bytes of text (n < 0: up to NUL; text not NULL) into a new
** NUL-terminated string owned by the caller (sqlite3_free); NULL when out
** of memory. */
char *statement_strdup(const char *text, int n);

/*
** Reads the file at path and parses it into file, which must be zeroed,
** with the reader of format (a name bank_statement accepts, any case; NULL
** to detect it) given options (may be NULL). Returns SQLITE_OK, or
** SQLITE_NOMEM, or SQLITE_ERROR with *err_out set (caller frees with
** sqlite3_free()); on failure file is left empty.
*/
int statement_load(const char *path, const char *format, const char *options,
                   struct statement_file *file, char **err_out);

/*
** Like statement_load, but a reader that can stream (CSV) is left open
** with no entry read: file->stream.state is then set, file owns the file's
** bytes, and statement_next_entry reads the entries one by one. Other
** readers parse every entry as statement_load does.
*/
int statement_stream_open(const char *path, const char *format,
                          const char *options, struct statement_file *file,
                          char **err_out);

/* Appends the next entry of an open stream to file->entries, or sets
** file->at_end and closes the stream when none is left. Does nothing
** without an open stream. Returns as statement_load does; on an error the
** stream is closed and file->at_end set. */
int statement_next_entry(struct statement_file *file, char **err_out);

/* Frees file's entries and empties the array, keeping its statements. */
void statement_clear_entries(struct statement_file *file);

/* Returns the format name bank_statement detects for size bytes of data
** ("camt", "ofx" or "mt940"; a static string), or NULL when the content
** matches none. CSV is never detected. */
const char *statement_detect_format(const char *data, size_t size);

/* Returns path as error messages quote it: whole up to 200 bytes, else
** its first and last 96 bytes around "...", with '?' for each byte that
** is not printable UTF-8. Caller frees with sqlite3_free(); NULL when out
** of memory. */
char *statement_quote_path(const char *path);

/* Frees everything file owns and zeroes it. */
void statement_file_free(struct statement_file *file);

/* Registers bank_statement and bank_statement_balances on db. */
int statement_register(sqlite3 *db);

#endif
