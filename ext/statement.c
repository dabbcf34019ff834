/*
** Bank statement files as tables: bank_statement returns one row per entry
** of a camt.053/camt.054, MT940/MT942, OFX or CSV file, and
** bank_statement_balances one row per statement with its balance check.
** This file serves the rows; statement_load.c reads the file and picks the
** format reader (statement_camt.c, statement_mt940.c, statement_ofx.c,
** statement_csv.c).
**
** Usage:
**   SELECT booking_date, amount_cents, currency, counterparty_name, memo
**     FROM bank_statement('statements/2013-06-28.xml');
**   SELECT * FROM bank_statement('june.sta', 'mt940');
**   SELECT * FROM bank_statement('june.xml', 'camt', 'batch=split');
**   SELECT statement_id, opening_balance_cents, entries_total_cents,
**          closing_balance_cents, balanced
**     FROM bank_statement_balances('statements/2013-06-28.xml');
**
** SQL:
**   bank_statement(path [, format [, options]])
**   bank_statement_balances(path [, format [, options]])
**     path     the file, relative to the working directory of the process
**     format   NULL or omitted: detected from the content; else one of
**              camt.053, camt.054, camt (either), mt940, mt942, ofx, csv
**              (any case). csv is never detected.
**     options  text handed to the format's reader; camt takes
**              'batch=entry' (default) or 'batch=split'
**   The hidden column format returns the format actually read, e.g.
**   'camt.054' when 'camt' was requested or detected.
**
** Columns of bank_statement, one row per entry in file order:
**   statement_id, account, currency    the statement's id and account, the
**                                      entry's ISO 4217 currency
**   booking_date, value_date           ISO text, NULL when not given
**   amount_cents                       signed minor units of currency,
**                                      credits positive
**   counterparty_name, counterparty_account, memo, structured_ref,
**   bank_txn_id, end_to_end_id         as the reader maps them, or NULL
**   status                             'booked' or 'pending'
**   origin                             where the entry is in the file
**   opening_balance_cents, closing_balance_cents   of its statement
**   statement_index, entry_index       1-based positions in the file
**   tx_index, tx_count                 camt batches (statement_camt.c)
** Columns of bank_statement_balances, one row per statement:
**   statement_index, statement_id, account, currency, opening_date,
**   opening_balance_cents, closing_date, closing_balance_cents,
**   entry_count (booked and pending), entries_total_cents (booked only),
**   balanced (1 when opening + entries_total = closing, 0 when not, NULL
**   when a term is unknown) and warning (why a value is NULL).
**
** LIMITS
**   - The whole file is read into memory, so files over
**     STATEMENT_MAX_FILE_BYTES (64 MiB) are rejected with an error.
**   - camt, MT940 and OFX files are parsed whole in xFilter, so memory
**     grows with their entries. MT940 and OFX give the closing balance
**     that every row carries only after the entries, and camt is parsed
**     into a libxml2 tree of the whole document anyway. CSV rows are read
**     one per xNext: the file plus one row, and a bad row fails the
**     statement only when reached.
**   - Both tables are eponymous only (no CREATE VIRTUAL TABLE) and
**     DIRECTONLY: they work in top-level SQL, never inside a view or a
**     trigger.
**   - A NULL path is an error, not an empty result: a NULL file name in an
**     import is a mistake to surface.
*/
#include <limits.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "dates.h"
#include "statement.h"

/* ---------------------------------------------------------------------
** Balance continuity: per statement, the booked entries against the
** opening and closing balances.
*/

/* The sums bank_statement_balances adds to one statement_info. */
struct statement_totals {
    int entry_count;            /* entries, booked and pending */
    int total_known;            /* 1 when booked_total is meaningful */
    sqlite3_int64 booked_total; /* signed sum of booked entries */
    char *total_currency;       /* currency of booked_total, owned */
    char *warning;              /* why a value is NULL, or NULL; owned */
};

/* Adds the warning text to totals->warning after any earlier one. Returns
** SQLITE_OK or SQLITE_NOMEM. */
static int statement_totals_warn(struct statement_totals *totals,
                                 const char *text)
{
    char *joined;

    if (totals->warning == NULL)
        joined = sqlite3_mprintf("%s", text);
    else
        joined = sqlite3_mprintf("%s; %s", totals->warning, text);
    if (joined == NULL)
        return SQLITE_NOMEM;
    sqlite3_free(totals->warning);
    totals->warning = joined;
    return SQLITE_OK;
}

/* Adds one booked entry to totals. A split batch (tx_index > 0) counts once,
** by the whole entry's amount on its first row. */
static int statement_totals_add(struct statement_totals *totals,
                                const struct statement_entry *entry)
{
    int split_row = entry->tx_index > 0;
    sqlite3_int64 amount =
        split_row ? entry->entry_amount_cents : entry->amount_cents;
    const char *currency = split_row ? entry->entry_currency : entry->currency;
    char *text;
    int rc;

    if (!totals->total_known)
        return SQLITE_OK;
    /* A copy, because a streamed entry is freed before the totals. */
    if (totals->total_currency == NULL && currency != NULL) {
        totals->total_currency = statement_strdup(currency, -1);
        if (totals->total_currency == NULL)
            return SQLITE_NOMEM;
    }
    if (currency != NULL && totals->total_currency != NULL &&
        strcmp(currency, totals->total_currency) != 0) {
        text = sqlite3_mprintf("entry %s is in %s, not %s: no entries total",
                               entry->origin ? entry->origin : "?", currency,
                               totals->total_currency);
    } else if ((amount > 0 && totals->booked_total > LLONG_MAX - amount) ||
               (amount < 0 && totals->booked_total < LLONG_MIN - amount)) {
        text = sqlite3_mprintf("the entries total overflows");
    } else {
        totals->booked_total += amount;
        return SQLITE_OK;
    }
    totals->total_known = 0;
    if (text == NULL)
        return SQLITE_NOMEM;
    rc = statement_totals_warn(totals, text);
    sqlite3_free(text);
    return rc;
}

/* Adds the entries now in file->entries to totals, one per statement. */
static int statement_totals_add_entries(const struct statement_file *file,
                                        struct statement_totals *totals)
{
    int rc = SQLITE_OK;
    int i;

    for (i = 0; i < file->n_entries && rc == SQLITE_OK; i++) {
        const struct statement_entry *entry = &file->entries[i];
        struct statement_totals *t;
        if (entry->statement_index < 0 ||
            entry->statement_index >= file->n_statements)
            continue;
        t = &totals[entry->statement_index];
        if (entry->tx_index <= 1)
            t->entry_count++;
        if (!entry->pending && entry->tx_index <= 1)
            rc = statement_totals_add(t, entry);
    }
    return rc;
}

/*
** Computes one statement_totals per statement of file into *totals_out
** (caller frees with statement_totals_free). A file with an open stream
** is read to its end here, one entry at a time, so its entries never all
** sit in memory. Returns SQLITE_OK, SQLITE_NOMEM, or SQLITE_ERROR with
** *err_out set.
*/
static int statement_totals_compute(struct statement_file *file,
                                    struct statement_totals **totals_out,
                                    char **err_out)
{
    struct statement_totals *totals;
    int rc = SQLITE_OK;
    int i;

    /* A stream adds no statement after it opens (CSV has one). */
    totals = sqlite3_malloc64(sizeof(*totals) *
                              (sqlite3_uint64)(file->n_statements + 1));
    if (totals == NULL)
        return SQLITE_NOMEM;
    memset(totals, 0, sizeof(*totals) * (size_t)(file->n_statements + 1));
    *totals_out = totals;
    for (i = 0; i < file->n_statements && rc == SQLITE_OK; i++) {
        const struct statement_info *info = &file->statements[i];
        totals[i].total_known = 1;
        if (info->currency != NULL) {
            totals[i].total_currency = statement_strdup(info->currency, -1);
            if (totals[i].total_currency == NULL)
                rc = SQLITE_NOMEM;
        }
        if (rc == SQLITE_OK && info->warning)
            rc = statement_totals_warn(&totals[i], info->warning);
    }
    if (rc == SQLITE_OK)
        rc = statement_totals_add_entries(file, totals);
    while (rc == SQLITE_OK && !file->at_end) {
        statement_clear_entries(file);
        rc = statement_next_entry(file, err_out);
        if (rc == SQLITE_OK)
            rc = statement_totals_add_entries(file, totals);
    }
    return rc;
}

/* Frees the n totals statement_totals_compute made. */
static void statement_totals_free(struct statement_totals *totals, int n)
{
    int i;

    if (totals == NULL)
        return;
    for (i = 0; i < n; i++) {
        sqlite3_free(totals[i].total_currency);
        sqlite3_free(totals[i].warning);
    }
    sqlite3_free(totals);
}

/* ---------------------------------------------------------------------
** The two table-valued functions. They share every method but the column
** list: one row per entry, or one row per statement.
*/

/* Column numbers of bank_statement; the schema below lists them in order. */
enum {
    STATEMENT_COL_STATEMENT_ID,
    STATEMENT_COL_ACCOUNT,
    STATEMENT_COL_CURRENCY,
    STATEMENT_COL_BOOKING_DATE,
    STATEMENT_COL_VALUE_DATE,
    STATEMENT_COL_AMOUNT_CENTS,
    STATEMENT_COL_COUNTERPARTY_NAME,
    STATEMENT_COL_COUNTERPARTY_ACCOUNT,
    STATEMENT_COL_MEMO,
    STATEMENT_COL_STRUCTURED_REF,
    STATEMENT_COL_BANK_TXN_ID,
    STATEMENT_COL_END_TO_END_ID,
    STATEMENT_COL_STATUS,
    STATEMENT_COL_ORIGIN,
    STATEMENT_COL_OPENING_BALANCE,
    STATEMENT_COL_CLOSING_BALANCE,
    STATEMENT_COL_STATEMENT_INDEX,
    STATEMENT_COL_ENTRY_INDEX,
    STATEMENT_COL_TX_INDEX,
    STATEMENT_COL_TX_COUNT,
    STATEMENT_COL_PATH /* first hidden column */
};

/* Column numbers of bank_statement_balances. */
enum {
    BALANCES_COL_STATEMENT_INDEX,
    BALANCES_COL_STATEMENT_ID,
    BALANCES_COL_ACCOUNT,
    BALANCES_COL_CURRENCY,
    BALANCES_COL_OPENING_DATE,
    BALANCES_COL_OPENING_BALANCE,
    BALANCES_COL_CLOSING_DATE,
    BALANCES_COL_CLOSING_BALANCE,
    BALANCES_COL_ENTRY_COUNT,
    BALANCES_COL_ENTRIES_TOTAL,
    BALANCES_COL_BALANCED,
    BALANCES_COL_WARNING,
    BALANCES_COL_PATH /* first hidden column */
};

/* The hidden columns, after the visible ones, in argument order. */
enum { STATEMENT_ARG_PATH, STATEMENT_ARG_FORMAT, STATEMENT_ARG_OPTIONS };

/* The differences between the two tables; the module's client data. */
struct statement_table {
    const char *name;   /* SQL name, for messages */
    const char *schema; /* CREATE TABLE for sqlite3_declare_vtab */
    int hidden_base;    /* column number of the first hidden column */
    int per_statement;  /* 1: a row per statement, 0: a row per entry */
};

static const struct statement_table statement_entries_table = {
    "bank_statement",
    "CREATE TABLE x(statement_id TEXT, account TEXT, currency TEXT,"
    " booking_date TEXT, value_date TEXT, amount_cents INTEGER,"
    " counterparty_name TEXT, counterparty_account TEXT, memo TEXT,"
    " structured_ref TEXT, bank_txn_id TEXT, end_to_end_id TEXT,"
    " status TEXT, origin TEXT, opening_balance_cents INTEGER,"
    " closing_balance_cents INTEGER, statement_index INTEGER,"
    " entry_index INTEGER, tx_index INTEGER, tx_count INTEGER,"
    " path HIDDEN, format HIDDEN, options HIDDEN)",
    STATEMENT_COL_PATH, 0};

static const struct statement_table statement_balances_table = {
    "bank_statement_balances",
    "CREATE TABLE x(statement_index INTEGER, statement_id TEXT,"
    " account TEXT, currency TEXT, opening_date TEXT,"
    " opening_balance_cents INTEGER, closing_date TEXT,"
    " closing_balance_cents INTEGER, entry_count INTEGER,"
    " entries_total_cents INTEGER, balanced INTEGER, warning TEXT,"
    " path HIDDEN, format HIDDEN, options HIDDEN)",
    BALANCES_COL_PATH, 1};

typedef struct statement_vtab statement_vtab;
struct statement_vtab {
    sqlite3_vtab base;                   /* base class, must be first */
    const struct statement_table *table; /* which of the two, static */
};

typedef struct statement_cursor statement_cursor;
struct statement_cursor {
    sqlite3_vtab_cursor base;        /* base class, must be first */
    struct statement_file file;      /* the parsed file, owned */
    struct statement_totals *totals; /* per statement (balances), owned */
    char *path;                      /* 1st argument as given, owned */
    char *options;                   /* 3rd argument or NULL, owned */
    int row;                         /* 0-based current row */
    int slot;                        /* the current row's index in
                                        file.entries or file.statements */
    int entry_index;                 /* 1-based entry of the current row */
};

/*
** xConnect for both tables. SQLITE_VTAB_DIRECTONLY: the tables read files
** named by SQL text, so a view or trigger in a database file from elsewhere
** must not be able to make the user's session read local files.
*/
static int statement_connect(sqlite3 *db, void *aux, int argc,
                             const char *const *argv, sqlite3_vtab **vtab_out,
                             char **err_out)
{
    const struct statement_table *table = aux;
    statement_vtab *vtab;
    int rc;

    (void)argc;
    (void)argv;
    rc = sqlite3_declare_vtab(db, table->schema);
    if (rc == SQLITE_OK)
        rc = sqlite3_vtab_config(db, SQLITE_VTAB_DIRECTONLY);
    if (rc != SQLITE_OK) {
        *err_out = sqlite3_mprintf("%s: %s", table->name, sqlite3_errstr(rc));
        return rc;
    }
    vtab = sqlite3_malloc64(sizeof(*vtab));
    if (vtab == NULL)
        return SQLITE_NOMEM;
    memset(vtab, 0, sizeof(*vtab));
    vtab->table = table;
    *vtab_out = &vtab->base;
    return SQLITE_OK;
}

static int statement_disconnect(sqlite3_vtab *vtab)
{
    sqlite3_free(vtab);
    return SQLITE_OK;
}

/*
** xBestIndex: the arguments are equality constraints on the hidden columns.
** idxNum has bit 1 << STATEMENT_ARG_x for each argument passed, and they
** arrive in xFilter's argv in argument order. A plan where an argument is
** known only later (an unusable constraint) is rejected so that SQLite
** picks an order that supplies it.
*/
static int statement_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
    const statement_vtab *vtab = (const statement_vtab *)base;
    int constraint_of[3] = {-1, -1, -1};
    int unusable = 0;
    int n_args = 0;
    int i;

    for (i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        int arg = c->iColumn - vtab->table->hidden_base;
        if (arg < 0 || arg > STATEMENT_ARG_OPTIONS ||
            c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (!c->usable)
            unusable |= 1 << arg;
        else if (constraint_of[arg] < 0)
            constraint_of[arg] = i;
    }
    info->idxNum = 0;
    for (i = 0; i <= STATEMENT_ARG_OPTIONS; i++) {
        if (constraint_of[i] < 0) {
            if (unusable & (1 << i))
                return SQLITE_CONSTRAINT;
            continue;
        }
        info->aConstraintUsage[constraint_of[i]].argvIndex = ++n_args;
        info->aConstraintUsage[constraint_of[i]].omit = 1;
        info->idxNum |= 1 << i;
    }
    /* Without a path xFilter fails; cost it so any plan with one wins. */
    info->estimatedCost =
        (info->idxNum & (1 << STATEMENT_ARG_PATH)) ? 1000.0 : 1e12;
    info->estimatedRows = 1000;
    return SQLITE_OK;
}

static int statement_open(sqlite3_vtab *vtab, sqlite3_vtab_cursor **cursor_out)
{
    statement_cursor *cursor = sqlite3_malloc64(sizeof(*cursor));

    (void)vtab;
    if (cursor == NULL)
        return SQLITE_NOMEM;
    memset(cursor, 0, sizeof(*cursor));
    *cursor_out = &cursor->base;
    return SQLITE_OK;
}

/* Frees the file, totals and arguments of the last xFilter and zeroes the
** cursor. */
static void statement_cursor_reset(statement_cursor *cursor)
{
    statement_totals_free(cursor->totals, cursor->file.n_statements);
    statement_file_free(&cursor->file);
    sqlite3_free(cursor->path);
    sqlite3_free(cursor->options);
    cursor->totals = NULL;
    cursor->path = NULL;
    cursor->options = NULL;
    cursor->row = 0;
    cursor->slot = 0;
    cursor->entry_index = 0;
}

static int statement_close(sqlite3_vtab_cursor *base)
{
    statement_cursor *cursor = (statement_cursor *)base;

    statement_cursor_reset(cursor);
    sqlite3_free(cursor);
    return SQLITE_OK;
}

/* Replaces the table's error message with message (taken over) and returns
** SQLITE_ERROR, or SQLITE_NOMEM when message is NULL. */
static int statement_vtab_set_error(sqlite3_vtab_cursor *base, char *message)
{
    sqlite3_free(base->pVtab->zErrMsg);
    base->pVtab->zErrMsg = message;
    return message ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Copies the text of value into *copy_out (NULL for SQL NULL; caller frees
** with sqlite3_free()). Returns SQLITE_OK or SQLITE_NOMEM. */
static int statement_copy_arg(sqlite3_value *value, char **copy_out)
{
    const unsigned char *text;

    *copy_out = NULL;
    if (value == NULL || sqlite3_value_type(value) == SQLITE_NULL)
        return SQLITE_OK;
    text = sqlite3_value_text(value);
    if (text == NULL)
        return SQLITE_NOMEM;
    *copy_out =
        statement_strdup((const char *)text, sqlite3_value_bytes(value));
    return *copy_out ? SQLITE_OK : SQLITE_NOMEM;
}

/* Takes the arguments xBestIndex passed (see statement_best_index) into
** the cursor, the format into *format_out (caller frees). */
static int statement_take_args(statement_cursor *cursor, int idx_num, int argc,
                               sqlite3_value **argv, char **format_out)
{
    sqlite3_value *args[3] = {NULL, NULL, NULL};
    int n = 0;
    int i;
    int rc;

    for (i = 0; i <= STATEMENT_ARG_OPTIONS; i++)
        if ((idx_num & (1 << i)) && n < argc)
            args[i] = argv[n++];
    rc = statement_copy_arg(args[STATEMENT_ARG_PATH], &cursor->path);
    if (rc == SQLITE_OK)
        rc = statement_copy_arg(args[STATEMENT_ARG_FORMAT], format_out);
    if (rc == SQLITE_OK)
        rc = statement_copy_arg(args[STATEMENT_ARG_OPTIONS], &cursor->options);
    return rc;
}

/*
** Makes file.entries[cursor->slot] the current row: when the slot is past
** the entries read so far and the file is streamed, the previous entries
** are freed and the next one is read in their place. Returns SQLITE_OK at
** the end too, and statement_eof is then true.
*/
static int statement_cursor_fill(sqlite3_vtab_cursor *base)
{
    statement_cursor *cursor = (statement_cursor *)base;
    struct statement_file *file = &cursor->file;
    char *err = NULL;
    int rc;

    if (cursor->slot < file->n_entries || file->at_end)
        return SQLITE_OK;
    statement_clear_entries(file);
    cursor->slot = 0;
    rc = statement_next_entry(file, &err);
    if (rc == SQLITE_ERROR)
        return statement_vtab_set_error(base, err);
    return rc;
}

/* Returns 1 when the cursor is past its last row. */
static int statement_cursor_at_end(const statement_cursor *cursor,
                                   const struct statement_table *table)
{
    if (table->per_statement)
        return cursor->slot >= cursor->file.n_statements;
    return cursor->slot >= cursor->file.n_entries;
}

/* xFilter: opens the file. Entries of a streamed format (CSV) are read
** one at a time as xNext requests them. Other formats are parsed whole here. */
static int statement_filter(sqlite3_vtab_cursor *base, int idx_num,
                            const char *idx_str, int argc, sqlite3_value **argv)
{
    statement_cursor *cursor = (statement_cursor *)base;
    const struct statement_table *table =
        ((statement_vtab *)base->pVtab)->table;
    char *format = NULL;
    char *err = NULL;
    int rc;

    (void)idx_str;
    statement_cursor_reset(cursor);
    rc = statement_take_args(cursor, idx_num, argc, argv, &format);
    if (rc != SQLITE_OK)
        goto out;
    if (cursor->path == NULL) {
        rc = statement_vtab_set_error(
            base, sqlite3_mprintf(
                      (idx_num & (1 << STATEMENT_ARG_PATH))
                          ? "%s: path is NULL; pass the file name as the 1st "
                            "argument"
                          : "%s: missing path; use %s(path [, format [, "
                            "options]])",
                      table->name, table->name));
        goto out;
    }
    rc = statement_stream_open(cursor->path, format, cursor->options,
                               &cursor->file, &err);
    if (rc == SQLITE_OK && table->per_statement)
        rc = statement_totals_compute(&cursor->file, &cursor->totals, &err);
    else if (rc == SQLITE_OK)
        rc = statement_cursor_fill(base);
    if (rc == SQLITE_ERROR && err != NULL)
        rc = statement_vtab_set_error(base, err);
    if (rc != SQLITE_OK)
        goto out;
    cursor->entry_index = statement_cursor_at_end(cursor, table) ? 0 : 1;
out:
    sqlite3_free(format);
    return rc;
}

/* xNext: entry_index counts entries, so the rows of one split batch
** (tx_index 2, 3, ...) keep the number of their entry. */
static int statement_next(sqlite3_vtab_cursor *base)
{
    statement_cursor *cursor = (statement_cursor *)base;
    const struct statement_table *table =
        ((statement_vtab *)base->pVtab)->table;
    int rc = SQLITE_OK;

    cursor->row++;
    cursor->slot++;
    if (!table->per_statement)
        rc = statement_cursor_fill(base);
    if (rc == SQLITE_OK && !statement_cursor_at_end(cursor, table) &&
        !table->per_statement &&
        cursor->file.entries[cursor->slot].tx_index <= 1)
        cursor->entry_index++;
    return rc;
}

static int statement_eof(sqlite3_vtab_cursor *base)
{
    const statement_cursor *cursor = (const statement_cursor *)base;

    return statement_cursor_at_end(
        cursor, ((const statement_vtab *)base->pVtab)->table);
}

static int statement_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid)
{
    statement_cursor *cursor = (statement_cursor *)base;

    *rowid = cursor->row + 1;
    return SQLITE_OK;
}

/* Sets the result to text, or NULL when text is NULL. */
static void statement_result_text(sqlite3_context *ctx, const char *text)
{
    if (text == NULL)
        sqlite3_result_null(ctx);
    else
        sqlite3_result_text(ctx, text, -1, SQLITE_TRANSIENT);
}

/* Sets the result to the day number as ISO text, or NULL for no date. */
static void statement_result_date(sqlite3_context *ctx, int days)
{
    char iso[DATE_ISO_LEN + 1];

    if (days == STATEMENT_NO_DATE) {
        sqlite3_result_null(ctx);
        return;
    }
    date_format_iso(days, iso);
    sqlite3_result_text(ctx, iso, DATE_ISO_LEN, SQLITE_TRANSIENT);
}

/* Sets the result to value when known is 1, else NULL. */
static void statement_result_optional(sqlite3_context *ctx, int known,
                                      sqlite3_int64 value)
{
    if (known)
        sqlite3_result_int64(ctx, value);
    else
        sqlite3_result_null(ctx);
}

/* Sets the result to a hidden column: the arguments, and the format the
** reader actually read. */
static void statement_result_arg(sqlite3_context *ctx,
                                 const statement_cursor *cursor, int arg)
{
    if (arg == STATEMENT_ARG_PATH)
        statement_result_text(ctx, cursor->path);
    else if (arg == STATEMENT_ARG_FORMAT)
        statement_result_text(ctx, cursor->file.format);
    else
        statement_result_text(ctx, cursor->options);
}

/* Returns the statement an entry belongs to, or NULL for a bad index. */
static const struct statement_info *
statement_info_of(const struct statement_file *file,
                  const struct statement_entry *entry)
{
    if (entry->statement_index < 0 ||
        entry->statement_index >= file->n_statements)
        return NULL;
    return &file->statements[entry->statement_index];
}

/* xColumn of bank_statement for the columns the statement supplies. */
static void statement_entry_statement_column(sqlite3_context *ctx,
                                             const statement_cursor *cursor,
                                             const struct statement_entry *e,
                                             int column)
{
    const struct statement_info *info = statement_info_of(&cursor->file, e);

    if (info == NULL) {
        sqlite3_result_null(ctx);
        return;
    }
    switch (column) {
    case STATEMENT_COL_STATEMENT_ID:
        statement_result_text(ctx, info->statement_id);
        break;
    case STATEMENT_COL_ACCOUNT:
        statement_result_text(ctx, info->account);
        break;
    case STATEMENT_COL_CURRENCY:
        statement_result_text(ctx, e->currency ? e->currency : info->currency);
        break;
    case STATEMENT_COL_OPENING_BALANCE:
        statement_result_optional(ctx, info->has_opening, info->opening_cents);
        break;
    case STATEMENT_COL_CLOSING_BALANCE:
        statement_result_optional(ctx, info->has_closing, info->closing_cents);
        break;
    default: /* STATEMENT_COL_STATEMENT_INDEX */
        sqlite3_result_int(ctx, e->statement_index + 1);
        break;
    }
}

/* xColumn of bank_statement: one entry. */
static void statement_entry_column(sqlite3_context *ctx,
                                   const statement_cursor *cursor, int column)
{
    const struct statement_entry *e = &cursor->file.entries[cursor->slot];

    switch (column) {
    case STATEMENT_COL_BOOKING_DATE:
        statement_result_date(ctx, e->booking_date);
        break;
    case STATEMENT_COL_VALUE_DATE:
        statement_result_date(ctx, e->value_date);
        break;
    case STATEMENT_COL_AMOUNT_CENTS:
        sqlite3_result_int64(ctx, e->amount_cents);
        break;
    case STATEMENT_COL_COUNTERPARTY_NAME:
        statement_result_text(ctx, e->counterparty_name);
        break;
    case STATEMENT_COL_COUNTERPARTY_ACCOUNT:
        statement_result_text(ctx, e->counterparty_account);
        break;
    case STATEMENT_COL_MEMO:
        statement_result_text(ctx, e->memo);
        break;
    case STATEMENT_COL_STRUCTURED_REF:
        statement_result_text(ctx, e->structured_ref);
        break;
    case STATEMENT_COL_BANK_TXN_ID:
        statement_result_text(ctx, e->bank_txn_id);
        break;
    case STATEMENT_COL_END_TO_END_ID:
        statement_result_text(ctx, e->end_to_end_id);
        break;
    case STATEMENT_COL_STATUS:
        /* Static: string literals outlive every statement. */
        sqlite3_result_text(ctx, e->pending ? "pending" : "booked", -1,
                            SQLITE_STATIC);
        break;
    case STATEMENT_COL_ORIGIN:
        statement_result_text(ctx, e->origin);
        break;
    case STATEMENT_COL_ENTRY_INDEX:
        sqlite3_result_int(ctx, cursor->entry_index);
        break;
    case STATEMENT_COL_TX_INDEX:
        statement_result_optional(ctx, e->tx_index > 0, e->tx_index);
        break;
    case STATEMENT_COL_TX_COUNT:
        statement_result_optional(ctx, e->tx_count > 0, e->tx_count);
        break;
    default:
        statement_entry_statement_column(ctx, cursor, e, column);
        break;
    }
}

/* xColumn of bank_statement_balances: one statement. */
static void statement_balances_column(sqlite3_context *ctx,
                                      const statement_cursor *cursor,
                                      int column)
{
    const struct statement_info *info = &cursor->file.statements[cursor->slot];
    const struct statement_totals *t = &cursor->totals[cursor->slot];

    switch (column) {
    case BALANCES_COL_STATEMENT_INDEX:
        sqlite3_result_int(ctx, cursor->slot + 1);
        break;
    case BALANCES_COL_STATEMENT_ID:
        statement_result_text(ctx, info->statement_id);
        break;
    case BALANCES_COL_ACCOUNT:
        statement_result_text(ctx, info->account);
        break;
    case BALANCES_COL_CURRENCY:
        statement_result_text(ctx, info->currency ? info->currency
                                                  : t->total_currency);
        break;
    case BALANCES_COL_OPENING_DATE:
        statement_result_date(ctx, info->opening_date);
        break;
    case BALANCES_COL_OPENING_BALANCE:
        statement_result_optional(ctx, info->has_opening, info->opening_cents);
        break;
    case BALANCES_COL_CLOSING_DATE:
        statement_result_date(ctx, info->closing_date);
        break;
    case BALANCES_COL_CLOSING_BALANCE:
        statement_result_optional(ctx, info->has_closing, info->closing_cents);
        break;
    case BALANCES_COL_ENTRY_COUNT:
        sqlite3_result_int(ctx, t->entry_count);
        break;
    case BALANCES_COL_ENTRIES_TOTAL:
        statement_result_optional(ctx, t->total_known, t->booked_total);
        break;
    case BALANCES_COL_BALANCED:
        statement_result_optional(
            ctx, info->has_opening && info->has_closing && t->total_known,
            info->opening_cents + t->booked_total == info->closing_cents);
        break;
    default: /* BALANCES_COL_WARNING */
        statement_result_text(ctx, t->warning);
        break;
    }
}

static int statement_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx,
                            int column)
{
    const statement_cursor *cursor = (const statement_cursor *)base;
    const struct statement_table *table =
        ((const statement_vtab *)base->pVtab)->table;

    if (column >= table->hidden_base)
        statement_result_arg(ctx, cursor, column - table->hidden_base);
    else if (table->per_statement)
        statement_balances_column(ctx, cursor, column);
    else
        statement_entry_column(ctx, cursor, column);
    return SQLITE_OK;
}

/* Both tables are eponymous-only: xCreate is NULL, so CREATE VIRTUAL TABLE
** is rejected and the name is used as a table-valued function. */
static sqlite3_module statement_module = {
    0,                    /* iVersion */
    NULL,                 /* xCreate */
    statement_connect,    /* xConnect */
    statement_best_index, /* xBestIndex */
    statement_disconnect, /* xDisconnect */
    NULL,                 /* xDestroy */
    statement_open,       /* xOpen */
    statement_close,      /* xClose */
    statement_filter,     /* xFilter */
    statement_next,       /* xNext */
    statement_eof,        /* xEof */
    statement_column,     /* xColumn */
    statement_rowid,      /* xRowid */
    NULL,                 /* xUpdate */
    NULL,                 /* xBegin */
    NULL,                 /* xSync */
    NULL,                 /* xCommit */
    NULL,                 /* xRollback */
    NULL,                 /* xFindFunction */
    NULL,                 /* xRename */
    NULL,                 /* xSavepoint */
    NULL,                 /* xRelease */
    NULL,                 /* xRollbackTo */
    NULL,                 /* xShadowName */
};

int statement_register(sqlite3 *db)
{
    int rc;

    statement_camt_init();
    rc = sqlite3_create_module(db, "bank_statement", &statement_module,
                               (void *)&statement_entries_table);

    if (rc == SQLITE_OK)
        rc = sqlite3_create_module(db, "bank_statement_balances",
                                   &statement_module,
                                   (void *)&statement_balances_table);
    return rc;
}
