/*
** reconcile_candidates: for every payment with an unallocated amount, the
** open invoices (or sets of invoices) it may pay, scored, ranked and with
** the evidence in words. The rules and weights are in reconcile_score.c.
**
** Usage:
**   SELECT * FROM reconcile_candidates;
**   SELECT * FROM reconcile_candidates WHERE payment_id = 42;
**   SELECT payment_id, invoice_ids, score, evidence
**   FROM reconcile_candidates WHERE auto = 1;
**   SELECT * FROM reconcile_candidates
**   WHERE payment_id = 42 AND auto_threshold = 0.99 AND fee_pct = 0;
**
** Columns:
**   payment_id        the payment
**   invoice_ids       JSON array of invoice_id, oldest invoice first
**   allocate_cents    JSON array, what each invoice would receive: its open
**                     amount, the last one what is left of the payment
**   score             0..1
**   evidence          the reasons, e.g. "ref 'F-2024-0042' in memo; amount
**                     equal; payer matches customer; paid 3 days after due
**                     date"
**   rank              1 = best candidate of the payment
**   auto              1 when safe to apply unattended (see reconcile_score.c)
**   customer_id       the invoices' customer
**   currency          the payment's currency
**   amount_match      'equal', 'fee' (short by at most the fee tolerance),
**                     'over_fee', 'short' (partial) or 'over' (credit)
**   difference_cents  payment's unallocated amount - sum of open amounts
** Hidden columns set the settings of one query (WHERE name = value). The
** default is the reconcile_settings row when that table exists, else the
** values of reconcile_settings.c:
**   auto_threshold  0.93  a number from 0 to 1
**   auto_margin     2.0   a number from 0 to 100, log-odds
**   fee_abs_cents   1000  an integer from 0 to 100000000, in hundredths of
**                         the major unit of the payment's currency (10.00
**                         EUR, 10 JPY, 10.000 KWD)
**   fee_pct         3.0   a number from 0 to 100, percent of the open amount
**   max_rank        5     an integer from 1 to 100
** A value of another type or out of range is an error that names the
** column, the value and the range; text that reads as a number counts as
** that number. The fee tolerance is fee_abs_cents + open * fee_pct / 100,
** at most 10% of the open amount. reconcile_settings also sets
** subset_max_invoices, subset_max_size, closed_lookback_days and
** duplicate_days; reconcile_settings.c lists every default and range.
**
** Rows come ordered by payment_id, then rank. A full scan scores every
** payment, then lets the automatic matches claim their invoices and scores
** the other payments again against what is left (reconcile_batch.c).
** WHERE payment_id = ? scores that payment alone. Each statement reads
** customers, payer_aliases, reconcile_decisions, the open invoices and the
** paid or void invoices issued within closed_lookback_days before the
** oldest unallocated payment, once (a join reuses them for every payment).
**
** LIMITS:
**   - Reads the tables of the schema it is used in; eponymous tables exist
**     in the main schema only.
**   - Claims and the second reading need every payment: WHERE payment_id =
**     ? scores one payment as if no other existed, so its rows and auto
**     can differ from the full table's. The apply statement of
**     sql/reconcile.sql reads the full table.
**   - A statement that writes invoices or allocations and reads this
**     table again for another payment (a join) sees the invoices as they
**     were at its first read.
**   - The text columns are built when read, one allocation per value.
*/
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "creditor_ref.h"
#include "dates.h"
#include "reconcile.h"

enum reconcile_column {
    RECONCILE_COL_PAYMENT_ID,
    RECONCILE_COL_INVOICE_IDS,
    RECONCILE_COL_ALLOCATE_CENTS,
    RECONCILE_COL_SCORE,
    RECONCILE_COL_EVIDENCE,
    RECONCILE_COL_RANK,
    RECONCILE_COL_AUTO,
    RECONCILE_COL_CUSTOMER_ID,
    RECONCILE_COL_CURRENCY,
    RECONCILE_COL_AMOUNT_MATCH,
    RECONCILE_COL_DIFFERENCE_CENTS,
    RECONCILE_COL_AUTO_THRESHOLD, /* first hidden column */
    RECONCILE_COL_AUTO_MARGIN,
    RECONCILE_COL_FEE_ABS_CENTS,
    RECONCILE_COL_FEE_PCT,
    RECONCILE_COL_MAX_RANK,
    RECONCILE_COL_COUNT
};

#define RECONCILE_SCHEMA                                                       \
    "CREATE TABLE x(payment_id INTEGER, invoice_ids TEXT, "                    \
    "allocate_cents TEXT, score REAL, evidence TEXT, rank INTEGER, "           \
    "auto INTEGER, customer_id INTEGER, currency TEXT, amount_match TEXT, "    \
    "difference_cents INTEGER, auto_threshold REAL HIDDEN, "                   \
    "auto_margin REAL HIDDEN, fee_abs_cents INTEGER HIDDEN, "                  \
    "fee_pct REAL HIDDEN, max_rank INTEGER HIDDEN)"

/* The columns xBestIndex takes equality constraints on, in argv order. */
static const int filter_columns[] = {
    RECONCILE_COL_PAYMENT_ID,  RECONCILE_COL_AUTO_THRESHOLD,
    RECONCILE_COL_AUTO_MARGIN, RECONCILE_COL_FEE_ABS_CENTS,
    RECONCILE_COL_FEE_PCT,     RECONCILE_COL_MAX_RANK};

#define FILTER_COLUMN_COUNT                                                    \
    ((int)(sizeof(filter_columns) / sizeof(*filter_columns)))

/* idxNum bit of filter_columns[i] is 1 << i; bit 0 is payment_id. */
#define PLAN_PAYMENT 1

/* %w is the schema name in every statement. */
#define SQL_CUSTOMERS "SELECT customer_id, name FROM \"%w\".customers"
#define SQL_INVOICES                                                           \
    "SELECT invoice_id, number, customer_id, issue_date, due_date, "           \
    "total_cents - allocated_cents, currency, status "                         \
    "FROM \"%w\".invoices "                                                    \
    "WHERE (status = 'issued' AND allocated_cents < total_cents) "             \
    "OR issue_date >= ?1"
#define SQL_ALIASES "SELECT kind, alias, customer_id FROM \"%w\".payer_aliases"
#define SQL_PAYMENT_COLUMNS                                                    \
    "SELECT payment_id, customer_id, received_date, "                          \
    "amount_cents - allocated_cents, allocated_cents, currency, payer_name, "  \
    "payer_account, reference, structured_ref FROM \"%w\".payments "
#define SQL_PAYMENTS                                                           \
    SQL_PAYMENT_COLUMNS "WHERE allocated_cents < amount_cents "                \
                        "ORDER BY payment_id"
#define SQL_PAYMENT                                                            \
    SQL_PAYMENT_COLUMNS "WHERE payment_id = ?1 "                               \
                        "AND allocated_cents < amount_cents"
#define SQL_OLDEST_PAYMENT                                                     \
    "SELECT min(received_date) FROM \"%w\".payments "                          \
    "WHERE status IN ('unreconciled', 'partial')"
#define SQL_DECISIONS                                                          \
    "SELECT payment_id, decision, invoice_ids "                                \
    "FROM \"%w\".reconcile_decisions "                                         \
    "WHERE decision IN ('reject', 'undo') "                                    \
    "AND (?1 IS NULL OR payment_id = ?1) ORDER BY payment_id"
/* An earlier payment like ?5: same currency, amount, payer and reference,
** received at most ?4 days before ?3; see find_duplicate. */
#define SQL_DUPLICATE                                                          \
    "SELECT payment_id FROM \"%w\".payments "                                  \
    "WHERE currency = ?1 AND amount_cents = ?2 "                               \
    "AND received_date BETWEEN date(?3, '-' || ?4 || ' days') AND ?3 "         \
    "AND (received_date < ?3 OR payment_id < ?5) "                             \
    "AND coalesce(reference, '') = coalesce(?6, '') "                          \
    "AND coalesce(payer_name, '') = coalesce(?7, '') "                         \
    "AND coalesce(payer_account, '') = coalesce(?8, '') "                      \
    "AND coalesce(structured_ref, '') = coalesce(?9, '') "                     \
    "ORDER BY received_date, payment_id LIMIT 1"
#define SQL_SETTINGS                                                           \
    "SELECT auto_threshold, auto_margin, fee_abs_cents, fee_pct, max_rank, "   \
    "subset_max_invoices, subset_max_size, closed_lookback_days, "             \
    "duplicate_days "                                                          \
    "FROM \"%w\".reconcile_settings WHERE id = 1"

typedef struct reconcile_vtab reconcile_vtab;
typedef struct reconcile_cursor reconcile_cursor;

struct reconcile_vtab {
    sqlite3_vtab base; /* SQLite's part; must come first */
    sqlite3 *db;       /* connection the tables are read from */
    char *schema;      /* database name; sqlite3_malloc'd */
    struct reconcile_statements book_stmts; /* prepared lazily */
    sqlite3_stmt *payments_stmt;            /* SQL_PAYMENTS */
    sqlite3_stmt *payment_stmt;             /* SQL_PAYMENT */
    sqlite3_stmt *oldest_stmt;              /* SQL_OLDEST_PAYMENT */
    sqlite3_stmt *decisions_stmt;           /* SQL_DECISIONS; NULL: no table */
    sqlite3_stmt *settings_stmt;            /* SQL_SETTINGS; NULL: no table */
    sqlite3_stmt *duplicate_stmt;           /* SQL_DUPLICATE */
    int scanning;   /* 1 while xFilter steps statements */
    int reentered;  /* 1 when a statement read this table again */
};

/* Decisions of one payment: flags and the rejected invoice sets. */
struct payment_decisions {
    sqlite3_int64 payment_id;
    int flags;                /* RECONCILE_DECIDED_* */
    unsigned int sets_offset; /* ";1,2;3;" in the cursor's text */
};

struct reconcile_cursor {
    sqlite3_vtab_cursor base;            /* SQLite's part; must come first */
    struct reconcile_book book;          /* loaded at the first xFilter */
    struct reconcile_settings settings;  /* of the current xFilter */
    struct reconcile_work *work;         /* scratch of the scoring */
    struct reconcile_result result;      /* rows of the current xFilter */
    struct reconcile_result spare;       /* rows of the previous pass */
    struct reconcile_saved_opens saved;  /* the book's own open amounts */
    struct payment_decisions *decisions; /* sorted by payment_id */
    int decision_count;
    int decision_capacity;
    sqlite3_str *decision_text; /* the sets of every decision */
    int row;                    /* current row in result */
};

/* Replaces the vtab's error message; returns the code to return. */
static int reconcile_set_error(reconcile_vtab *vtab, const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    sqlite3_free(vtab->base.zErrMsg);
    vtab->base.zErrMsg = sqlite3_vmprintf(format, ap);
    va_end(ap);
    return vtab->base.zErrMsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/*
** Prepares *stmt_out from sql_format unless done. A missing optional table
** leaves *stmt_out NULL and returns SQLITE_OK.
*/
static int reconcile_prepare(reconcile_vtab *vtab, sqlite3_stmt **stmt_out,
                             const char *sql_format, int optional)
{
    char *sql;
    int rc;

    if (*stmt_out != NULL)
        return SQLITE_OK;
    sql = sqlite3_mprintf(sql_format, vtab->schema);
    if (sql == NULL)
        return SQLITE_NOMEM;
    rc = sqlite3_prepare_v3(vtab->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                            stmt_out, NULL);
    sqlite3_free(sql);
    if (rc == SQLITE_OK || rc == SQLITE_NOMEM)
        return rc;
    if (optional) {
        *stmt_out = NULL;
        return SQLITE_OK;
    }
    return reconcile_set_error(
        vtab,
        "reconcile_candidates: cannot read the tables of '%s': %s; load sql/schema.sql into this database",
        vtab->schema, sqlite3_errmsg(vtab->db));
}

/* Finalizes every statement reconcile_prepare_all made, leaving NULL. */
static void reconcile_finalize_statements(reconcile_vtab *vtab)
{
    sqlite3_stmt **stmts[] = {
        &vtab->book_stmts.customers, &vtab->book_stmts.invoices,
        &vtab->book_stmts.aliases,   &vtab->payments_stmt,
        &vtab->payment_stmt,         &vtab->oldest_stmt,
        &vtab->decisions_stmt,       &vtab->settings_stmt,
        &vtab->duplicate_stmt};
    size_t i;

    for (i = 0; i < sizeof(stmts) / sizeof(*stmts); i++) {
        sqlite3_finalize(*stmts[i]);
        *stmts[i] = NULL;
    }
}

/* Prepares every statement a query needs. */
static int reconcile_prepare_all(reconcile_vtab *vtab)
{
    int rc;

    rc = reconcile_prepare(vtab, &vtab->book_stmts.customers, SQL_CUSTOMERS, 0);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->book_stmts.invoices, SQL_INVOICES,
                               0);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->payments_stmt, SQL_PAYMENTS, 0);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->payment_stmt, SQL_PAYMENT, 0);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->oldest_stmt, SQL_OLDEST_PAYMENT, 0);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->book_stmts.aliases, SQL_ALIASES, 1);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->decisions_stmt, SQL_DECISIONS, 1);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->settings_stmt, SQL_SETTINGS, 1);
    if (rc == SQLITE_OK)
        rc = reconcile_prepare(vtab, &vtab->duplicate_stmt, SQL_DUPLICATE, 0);
    return rc;
}

/* Reads the settings: the table, then the WHERE values in argv. */
static int read_settings(reconcile_vtab *vtab, reconcile_cursor *cursor,
                         int idx_num, int argc, sqlite3_value **argv)
{
    char *problem = NULL;
    int rc = reconcile_settings_read(vtab->settings_stmt, &cursor->settings,
                                     &problem);
    int arg = (idx_num & PLAN_PAYMENT) ? 1 : 0;
    int i;

    if (problem != NULL) {
        rc = reconcile_set_error(
            vtab,
            "reconcile_candidates: in reconcile_settings, %s; correct it with UPDATE reconcile_settings",
            problem);
        sqlite3_free(problem);
        return rc;
    }
    if (rc != SQLITE_OK)
        return rc == SQLITE_NOMEM
                   ? rc
                   : reconcile_set_error(
                         vtab,
                         "reconcile_candidates: reading reconcile_settings failed: %s",
                         sqlite3_errmsg(vtab->db));
    /* The hidden columns come in the order of enum reconcile_setting. */
    for (i = 1; i < FILTER_COLUMN_COUNT && rc == SQLITE_OK; i++) {
        if ((idx_num & (1 << i)) == 0)
            continue;
        if (arg < argc)
            rc = reconcile_setting_set(&cursor->settings,
                                       filter_columns[i] -
                                           RECONCILE_COL_AUTO_THRESHOLD,
                                       argv[arg], &problem);
        arg++;
    }
    if (problem == NULL)
        return rc;
    rc = reconcile_set_error(vtab, "reconcile_candidates: %s", problem);
    sqlite3_free(problem);
    return rc;
}

/* ---- Decisions --------------------------------------------------------- */

/* Appends the integers of a JSON array (or one integer), sorted, as ";a,b". */
static void append_set(sqlite3_str *out, const char *text)
{
    sqlite3_int64 ids[64];
    int n = 0;
    int i;
    int j;

    while (text != NULL && *text != '\0' && n < 64) {
        sqlite3_int64 id = 0;
        int too_long = 0;
        if (*text < '0' || *text > '9') {
            text++;
            continue;
        }
        /* Every digit belongs to this id: a 19-digit invoice_id is valid.
        ** A number past the int64 range names no invoice and is dropped. */
        while (*text >= '0' && *text <= '9') {
            int digit = *text++ - '0';
            if (id > (LLONG_MAX - digit) / 10)
                too_long = 1;
            else
                id = id * 10 + digit;
        }
        if (too_long)
            continue;
        for (j = n; j > 0 && ids[j - 1] > id; j--)
            ids[j] = ids[j - 1];
        ids[j] = id;
        n++;
    }
    sqlite3_str_appendchar(out, 1, ';');
    for (i = 0; i < n; i++)
        sqlite3_str_appendf(out, "%s%lld", i ? "," : "", ids[i]);
}

/* Ends one payment's sets: ";1,2;3" becomes ";1,2;3;" and a NUL, so that
** strstr() of ";3;" stops at the payment's end. */
static void end_sets(sqlite3_str *out)
{
    sqlite3_str_appendchar(out, 1, ';');
    sqlite3_str_appendchar(out, 1, '\0');
}

/* Reads the reject and undo decisions (of one payment, or all). */
static int load_decisions(reconcile_vtab *vtab, reconcile_cursor *cursor,
                          sqlite3_value *payment_id)
{
    sqlite3_stmt *stmt = vtab->decisions_stmt;
    struct payment_decisions *d = NULL;
    int rc;

    cursor->decision_count = 0;
    if (stmt == NULL)
        return SQLITE_OK;
    sqlite3_free(sqlite3_str_finish(cursor->decision_text));
    cursor->decision_text = sqlite3_str_new(vtab->db);
    rc = payment_id ? sqlite3_bind_value(stmt, 1, payment_id)
                    : sqlite3_bind_null(stmt, 1);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
        const char *decision = (const char *)sqlite3_column_text(stmt, 1);
        rc = SQLITE_OK;
        if (d == NULL || d->payment_id != id) {
            if (d != NULL)
                end_sets(cursor->decision_text);
            if (cursor->decision_count == cursor->decision_capacity) {
                int wanted = cursor->decision_capacity * 2 + 64;
                void *grown = sqlite3_realloc64(
                    cursor->decisions, (sqlite3_uint64)wanted * sizeof(*d));
                if (grown == NULL) {
                    rc = SQLITE_NOMEM;
                    break;
                }
                cursor->decisions = grown;
                cursor->decision_capacity = wanted;
            }
            d = &cursor->decisions[cursor->decision_count++];
            d->payment_id = id;
            d->flags = 0;
            d->sets_offset =
                (unsigned int)sqlite3_str_length(cursor->decision_text);
        }
        /* An undo keeps the candidate listed; a reject hides it. */
        if (decision != NULL && decision[0] == 'u')
            d->flags |= RECONCILE_DECIDED_UNDO;
        else {
            d->flags |= RECONCILE_DECIDED_REJECT;
            append_set(cursor->decision_text,
                       (const char *)sqlite3_column_text(stmt, 2));
        }
    }
    if (d != NULL)
        end_sets(cursor->decision_text);
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE || rc == SQLITE_OK)
        rc = sqlite3_str_errcode(cursor->decision_text);
    if (rc != SQLITE_OK && rc != SQLITE_NOMEM)
        return reconcile_set_error(
            vtab,
            "reconcile_candidates: reading reconcile_decisions failed: %s",
            sqlite3_errmsg(vtab->db));
    return rc;
}

/* Sets the payment's decision flags and rejected sets, if it has any. */
static void find_decisions(const reconcile_cursor *cursor,
                           struct reconcile_payment *p)
{
    int low = 0;
    int high = cursor->decision_count - 1;

    p->decision_flags = 0;
    p->rejected_sets = NULL;
    while (low <= high) {
        int mid = (low + high) / 2;
        const struct payment_decisions *d = &cursor->decisions[mid];
        if (d->payment_id == p->payment_id) {
            p->decision_flags = d->flags;
            p->rejected_sets =
                sqlite3_str_value(cursor->decision_text) + d->sets_offset;
            return;
        }
        if (d->payment_id < p->payment_id)
            low = mid + 1;
        else
            high = mid - 1;
    }
}

/* ---- Loading and scoring ----------------------------------------------- */

/* Reads one row of the payments statements into p (texts borrowed). */
static int read_payment(sqlite3_stmt *stmt, struct reconcile_payment *p)
{
    const char *received = (const char *)sqlite3_column_text(stmt, 2);
    const char *currency = (const char *)sqlite3_column_text(stmt, 5);

    memset(p, 0, sizeof(*p));
    p->payment_id = sqlite3_column_int64(stmt, 0);
    p->has_customer = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
    p->customer_id = sqlite3_column_int64(stmt, 1);
    p->amount_cents = sqlite3_column_int64(stmt, 3);
    p->allocated_cents = sqlite3_column_int64(stmt, 4);
    if (received == NULL || currency == NULL ||
        sqlite3_column_bytes(stmt, 5) != 3 ||
        !date_parse_iso(received, sqlite3_column_bytes(stmt, 2),
                        &p->received_day))
        return 0;
    memcpy(p->currency, currency, 4);
    p->payer_name = (const char *)sqlite3_column_text(stmt, 6);
    p->payer_name_len = sqlite3_column_bytes(stmt, 6);
    p->payer_account = (const char *)sqlite3_column_text(stmt, 7);
    p->payer_account_len = sqlite3_column_bytes(stmt, 7);
    p->memo = (const char *)sqlite3_column_text(stmt, 8);
    p->memo_len = sqlite3_column_bytes(stmt, 8);
    p->structured_ref = (const char *)sqlite3_column_text(stmt, 9);
    p->structured_ref_len = sqlite3_column_bytes(stmt, 9);
    return 1;
}

/*
** Returns the index of payment_id among previous's payments when it has
** an auto row there, else -1. *next is where the search resumes: both
** lists run in payment_id order.
*/
static int previous_auto(const struct reconcile_result *previous, int *next,
                         sqlite3_int64 payment_id)
{
    int p = *next;

    while (p < previous->payment_count &&
           previous->payments[p].payment_id < payment_id)
        p++;
    *next = p;
    if (p == previous->payment_count ||
        previous->payments[p].payment_id != payment_id ||
        previous->payments[p].row_count == 0 ||
        !previous->rows[previous->payments[p].first_row].is_auto)
        return -1;
    return p;
}

/* Binds text of n bytes, or NULL when text is NULL. */
static int bind_text_or_null(sqlite3_stmt *stmt, int i, const char *text, int n)
{
    if (text == NULL)
        return sqlite3_bind_null(stmt, i);
    return sqlite3_bind_text(stmt, i, text, n, SQLITE_STATIC);
}

/*
** Sets p->duplicate_of to an earlier payment with the same currency,
** amount, payer name, payer account, reference and structured reference
** received at most duplicate_days before, or 0. Texts are bound
** SQLITE_STATIC: they are p's, which outlive the statement's step.
*/
static int find_duplicate(reconcile_vtab *vtab, reconcile_cursor *cursor,
                          struct reconcile_payment *p)
{
    sqlite3_stmt *stmt = vtab->duplicate_stmt;
    char received[DATE_ISO_LEN + 1];
    int rc;

    p->duplicate_of = 0;
    date_format_iso(p->received_day, received);
    rc = sqlite3_bind_text(stmt, 1, p->currency, 3, SQLITE_STATIC);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 2, p->amount_cents + p->allocated_cents);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmt, 3, received, -1, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int(stmt, 4, cursor->settings.duplicate_days);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_int64(stmt, 5, p->payment_id);
    if (rc == SQLITE_OK)
        rc = bind_text_or_null(stmt, 6, p->memo, p->memo_len);
    if (rc == SQLITE_OK)
        rc = bind_text_or_null(stmt, 7, p->payer_name, p->payer_name_len);
    if (rc == SQLITE_OK)
        rc = bind_text_or_null(stmt, 8, p->payer_account, p->payer_account_len);
    if (rc == SQLITE_OK)
        rc = bind_text_or_null(stmt, 9, p->structured_ref,
                               p->structured_ref_len);
    if (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        p->duplicate_of = sqlite3_column_int64(stmt, 0);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    return rc == SQLITE_NOMEM
               ? rc
               : reconcile_set_error(
                     vtab, "reconcile_candidates: reading payments failed: %s",
                     sqlite3_errmsg(vtab->db));
}

/* Scores one payment into the cursor's result; marks it rescored. */
static int score_one(reconcile_vtab *vtab, reconcile_cursor *cursor,
                     struct reconcile_payment *p, int rescored)
{
    int before = cursor->result.payment_count;
    int rc = find_duplicate(vtab, cursor, p);

    if (rc != SQLITE_OK)
        return rc;
    find_decisions(cursor, p);
    rc = reconcile_score_payment(&cursor->book, &cursor->settings, cursor->work,
                                 p, &cursor->result);
    if (rc == SQLITE_OK && rescored && cursor->result.payment_count > before)
        cursor->result.payments[before].rescored = 1;
    return rc;
}

/*
** Steps a payments statement, scoring each payment. With previous, a
** payment that has an auto row there keeps its rows and the others are
** scored again.
*/
static int score_payments(reconcile_vtab *vtab, reconcile_cursor *cursor,
                          sqlite3_stmt *stmt,
                          const struct reconcile_result *previous)
{
    struct reconcile_payment p;
    int next = 0;
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int kept;
        if (!read_payment(stmt, &p)) {
            sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
            sqlite3_reset(stmt);
            return reconcile_set_error(
                vtab,
                "reconcile_candidates: payment %lld has a received_date that is not YYYY-MM-DD or a currency that is not 3 letters; correct the payment row",
                id);
        }
        kept = previous ? previous_auto(previous, &next, p.payment_id) : -1;
        if (kept >= 0)
            rc = reconcile_result_copy_payment(&cursor->result, previous, kept);
        else
            rc = score_one(vtab, cursor, &p, previous != NULL);
        if (rc != SQLITE_OK) {
            /* Not a failure of this statement: find_duplicate has set the
            ** message, or it is SQLITE_NOMEM. */
            sqlite3_reset(stmt);
            return rc;
        }
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    if (rc == SQLITE_NOMEM)
        return rc;
    return reconcile_set_error(
        vtab, "reconcile_candidates: reading payments failed: %s",
        sqlite3_errmsg(vtab->db));
}

/*
** Scores every unallocated payment, then re-reads those without an auto
** row against what the claims leave open (see reconcile_batch.c).
*/
static int score_statement(reconcile_vtab *vtab, reconcile_cursor *cursor)
{
    int rc = score_payments(vtab, cursor, vtab->payments_stmt, NULL);
    int pass;

    if (rc == SQLITE_OK)
        rc = reconcile_resolve_claims(&cursor->book, &cursor->result, 1);
    for (pass = 1; rc == SQLITE_OK && pass < RECONCILE_MAX_PASSES; pass++) {
        struct reconcile_result previous = cursor->result;
        cursor->result = cursor->spare;
        cursor->spare = previous;
        reconcile_result_clear(&cursor->result);
        rc = reconcile_take_claims(&cursor->book, &cursor->saved);
        if (rc == SQLITE_OK)
            rc = score_payments(vtab, cursor, vtab->payments_stmt,
                                &cursor->spare);
        if (rc == SQLITE_OK)
            rc = reconcile_resolve_claims(&cursor->book, &cursor->result, 0);
        if (rc == SQLITE_OK &&
            reconcile_result_rescored_autos(&cursor->result) == 0)
            break;
    }
    reconcile_restore_opens(&cursor->book, &cursor->saved);
    return rc;
}

/*
** Returns the day from which paid and void invoices are loaded: the oldest
** received date of the unallocated payments less closed_lookback_days, so
** that one book serves every payment of a statement. Returns 1 << 30 (no
** paid or void invoice) when no payment is unallocated.
*/
static int lookback_day(reconcile_vtab *vtab, reconcile_cursor *cursor,
                        int *day_out)
{
    sqlite3_stmt *stmt = vtab->oldest_stmt;
    int rc = sqlite3_step(stmt);
    int day = 1 << 30;

    if (rc == SQLITE_ROW) {
        const char *date = (const char *)sqlite3_column_text(stmt, 0);
        if (date != NULL &&
            date_parse_iso(date, sqlite3_column_bytes(stmt, 0), &day))
            day -= cursor->settings.closed_lookback_days;
        rc = SQLITE_DONE;
    }
    sqlite3_reset(stmt);
    *day_out = day;
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    return rc == SQLITE_NOMEM
               ? rc
               : reconcile_set_error(
                     vtab, "reconcile_candidates: reading payments failed: %s",
                     sqlite3_errmsg(vtab->db));
}

/*
** Loads the book at the cursor's first xFilter. Later calls on the same
** cursor (one per outer row of a join) reuse it; see LIMITS.
*/
static int ensure_book(reconcile_vtab *vtab, reconcile_cursor *cursor)
{
    char date[DATE_ISO_LEN + 1];
    char *err = NULL;
    int day;
    int rc;

    if (cursor->book.loaded)
        return SQLITE_OK;
    rc = lookback_day(vtab, cursor, &day);
    if (rc != SQLITE_OK)
        return rc;
    /* Day numbers outside 0001..9999 load no paid or void invoice. */
    if (day > date_days_from_civil(9999, 12, 31))
        memcpy(date, "9999-12-31", DATE_ISO_LEN + 1);
    else if (day < date_days_from_civil(1, 1, 1))
        memcpy(date, "0001-01-01", DATE_ISO_LEN + 1);
    else
        date_format_iso(day, date);
    rc = reconcile_book_load(&cursor->book, &vtab->book_stmts, date, &err);
    if (rc != SQLITE_OK) {
        reconcile_book_free(&cursor->book);
        if (err != NULL) {
            sqlite3_free(vtab->base.zErrMsg);
            vtab->base.zErrMsg = err;
        }
    }
    return rc;
}

/* Scores every unallocated payment, or the one payment_id names. */
static int run_query(reconcile_vtab *vtab, reconcile_cursor *cursor,
                     sqlite3_value *payment_id)
{
    int rc = ensure_book(vtab, cursor);

    if (rc == SQLITE_OK)
        rc = load_decisions(vtab, cursor, payment_id);
    if (rc != SQLITE_OK)
        return rc;
    if (payment_id) {
        rc = sqlite3_bind_value(vtab->payment_stmt, 1, payment_id);
        if (rc == SQLITE_OK)
            rc = score_payments(vtab, cursor, vtab->payment_stmt, NULL);
        return rc;
    }
    return score_statement(vtab, cursor);
}

static int reconcile_filter(sqlite3_vtab_cursor *base, int idx_num,
                            const char *idx_str, int argc, sqlite3_value **argv)
{
    reconcile_cursor *cursor = (reconcile_cursor *)base;
    reconcile_vtab *vtab = (reconcile_vtab *)base->pVtab;
    sqlite3_value *payment_id = NULL;
    int rc;

    (void)idx_str;
    reconcile_result_clear(&cursor->result);
    cursor->row = 0;
    if (vtab->scanning) {
        vtab->reentered = 1;
        return reconcile_set_error(
            vtab,
            "reconcile_candidates: a table it reads (customers, invoices, payments, payer_aliases, reconcile_decisions, reconcile_settings) used reconcile_candidates again; they must be tables, not views that use it");
    }
    if ((idx_num & PLAN_PAYMENT) && argc > 0) {
        payment_id = argv[0];
        /* "= NULL" matches no row, in SQL and here. */
        if (sqlite3_value_type(payment_id) == SQLITE_NULL)
            return SQLITE_OK;
    }
    vtab->scanning = 1;
    rc = reconcile_prepare_all(vtab);
    if (rc == SQLITE_OK)
        rc = read_settings(vtab, cursor, idx_num, argc, argv);
    if (rc == SQLITE_OK && cursor->work == NULL) {
        cursor->work = reconcile_work_new();
        if (cursor->work == NULL)
            rc = SQLITE_NOMEM;
    }
    if (rc == SQLITE_OK)
        rc = run_query(vtab, cursor, payment_id);
    vtab->scanning = 0;
    /* A statement that read this table again holds a reference to it,
    ** so the table would never be disconnected and the connection never
    ** closed. Its statements are prepared again on the next query. */
    if (vtab->reentered) {
        reconcile_finalize_statements(vtab);
        vtab->reentered = 0;
    }
    if (rc != SQLITE_OK)
        reconcile_result_clear(&cursor->result);
    return rc;
}

/* ---- Planning ---------------------------------------------------------- */

/* Returns 1 when ORDER BY is payment_id, then maybe rank, ascending. */
static int order_is_native(const sqlite3_index_info *info)
{
    if (info->nOrderBy < 1 || info->nOrderBy > 2)
        return 0;
    if (info->aOrderBy[0].iColumn != RECONCILE_COL_PAYMENT_ID ||
        info->aOrderBy[0].desc)
        return 0;
    return info->nOrderBy == 1 ||
           (info->aOrderBy[1].iColumn == RECONCILE_COL_RANK &&
            !info->aOrderBy[1].desc);
}

/* Uses equality on payment_id and on the hidden settings columns. */
static int reconcile_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
    int chosen[FILTER_COLUMN_COUNT];
    int arg = 1;
    int i;
    int k;

    (void)base;
    for (k = 0; k < FILTER_COLUMN_COUNT; k++)
        chosen[k] = -1;
    for (i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->op != SQLITE_INDEX_CONSTRAINT_EQ || !c->usable)
            continue;
        for (k = 0; k < FILTER_COLUMN_COUNT; k++)
            if (filter_columns[k] == c->iColumn && chosen[k] < 0)
                chosen[k] = i;
    }
    info->idxNum = 0;
    for (k = 0; k < FILTER_COLUMN_COUNT; k++) {
        if (chosen[k] < 0)
            continue;
        info->idxNum |= 1 << k;
        info->aConstraintUsage[chosen[k]].argvIndex = arg++;
        info->aConstraintUsage[chosen[k]].omit = 1;
    }
    /* Rough guesses: all payments against all invoices, or one payment. */
    info->estimatedCost = (info->idxNum & PLAN_PAYMENT) ? 1e4 : 1e8;
    info->estimatedRows = (info->idxNum & PLAN_PAYMENT) ? 5 : 100000;
    info->orderByConsumed = order_is_native(info);
    return SQLITE_OK;
}

/* ---- Connection and cursor --------------------------------------------- */

/* Declares the columns; the table is eponymous, so this is also xCreate. */
static int reconcile_connect(sqlite3 *db, void *aux, int argc,
                             const char *const *argv, sqlite3_vtab **vtab_out,
                             char **err_out)
{
    reconcile_vtab *vtab;
    int rc;

    (void)aux;
    (void)argc;
    rc = sqlite3_declare_vtab(db, RECONCILE_SCHEMA);
    /* Innocuous: it only reads tables of this database and writes nothing,
    ** so views and triggers (the apply statement) may use it with
    ** trusted_schema=OFF. */
    if (rc == SQLITE_OK)
        rc = sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    if (rc != SQLITE_OK) {
        *err_out =
            sqlite3_mprintf("reconcile_candidates: %s", sqlite3_errmsg(db));
        return rc;
    }
    vtab = sqlite3_malloc64(sizeof(*vtab));
    if (vtab == NULL)
        return SQLITE_NOMEM;
    memset(vtab, 0, sizeof(*vtab));
    vtab->db = db;
    vtab->schema = sqlite3_mprintf("%s", argv[1]);
    if (vtab->schema == NULL) {
        sqlite3_free(vtab);
        return SQLITE_NOMEM;
    }
    *vtab_out = &vtab->base;
    return SQLITE_OK;
}

static int reconcile_disconnect(sqlite3_vtab *base)
{
    reconcile_vtab *vtab = (reconcile_vtab *)base;

    reconcile_finalize_statements(vtab);
    sqlite3_free(vtab->schema);
    sqlite3_free(vtab);
    return SQLITE_OK;
}

static int reconcile_open(sqlite3_vtab *base, sqlite3_vtab_cursor **cursor_out)
{
    reconcile_cursor *cursor = sqlite3_malloc64(sizeof(*cursor));

    (void)base;
    if (cursor == NULL)
        return SQLITE_NOMEM;
    memset(cursor, 0, sizeof(*cursor));
    *cursor_out = &cursor->base;
    return SQLITE_OK;
}

static int reconcile_close(sqlite3_vtab_cursor *base)
{
    reconcile_cursor *cursor = (reconcile_cursor *)base;

    reconcile_book_free(&cursor->book);
    reconcile_work_free(cursor->work);
    reconcile_result_free(&cursor->result);
    reconcile_result_free(&cursor->spare);
    reconcile_restore_opens(&cursor->book, &cursor->saved);
    sqlite3_free(cursor->decisions);
    sqlite3_free(sqlite3_str_finish(cursor->decision_text));
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static int reconcile_next(sqlite3_vtab_cursor *base)
{
    ((reconcile_cursor *)base)->row++;
    return SQLITE_OK;
}

static int reconcile_eof(sqlite3_vtab_cursor *base)
{
    reconcile_cursor *cursor = (reconcile_cursor *)base;

    return cursor->row >= cursor->result.row_count;
}

/* Sets a text result built with sqlite3_str; ownership passes to SQLite. */
static void result_str(sqlite3_context *ctx, sqlite3_str *str)
{
    int rc = sqlite3_str_errcode(str);
    int n = sqlite3_str_length(str);
    char *text = sqlite3_str_finish(str);

    if (rc != SQLITE_OK) {
        sqlite3_free(text);
        sqlite3_result_error_code(ctx, rc);
        return;
    }
    sqlite3_result_text(ctx, text ? text : "", n,
                        text ? sqlite3_free : SQLITE_STATIC);
}

/* Returns the value of a hidden settings column. */
static void setting_column(sqlite3_context *ctx,
                           const struct reconcile_settings *s, int column)
{
    switch (column) {
    case RECONCILE_COL_AUTO_THRESHOLD:
        sqlite3_result_double(ctx, s->auto_threshold);
        break;
    case RECONCILE_COL_AUTO_MARGIN:
        sqlite3_result_double(ctx, s->auto_margin);
        break;
    case RECONCILE_COL_FEE_ABS_CENTS:
        sqlite3_result_int64(ctx, s->fee_abs_cents);
        break;
    case RECONCILE_COL_FEE_PCT:
        sqlite3_result_double(ctx, s->fee_pct);
        break;
    default:
        sqlite3_result_int(ctx, s->max_rank);
    }
}

/* Returns a text column of the row, built on demand. */
static void text_column(sqlite3_context *ctx, const reconcile_cursor *cursor,
                        const struct reconcile_row *row, int column)
{
    sqlite3_str *str = sqlite3_str_new(sqlite3_context_db_handle(ctx));

    if (column == RECONCILE_COL_INVOICE_IDS)
        reconcile_invoice_ids(&cursor->book, &cursor->result, row, str);
    else if (column == RECONCILE_COL_ALLOCATE_CENTS)
        reconcile_allocations(&cursor->result, row, str);
    else
        reconcile_evidence(&cursor->book, &cursor->result, row, str);
    result_str(ctx, str);
}

static int reconcile_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx,
                            int column)
{
    reconcile_cursor *cursor = (reconcile_cursor *)base;
    const struct reconcile_row *row = &cursor->result.rows[cursor->row];
    const struct reconcile_result_payment *p =
        &cursor->result.payments[row->payment];

    switch (column) {
    case RECONCILE_COL_PAYMENT_ID:
        sqlite3_result_int64(ctx, p->payment_id);
        break;
    case RECONCILE_COL_INVOICE_IDS:
    case RECONCILE_COL_ALLOCATE_CENTS:
    case RECONCILE_COL_EVIDENCE:
        text_column(ctx, cursor, row, column);
        break;
    case RECONCILE_COL_SCORE:
        sqlite3_result_double(ctx, row->score);
        break;
    case RECONCILE_COL_RANK:
        sqlite3_result_int(ctx, row->rank);
        break;
    case RECONCILE_COL_AUTO:
        sqlite3_result_int(ctx, row->is_auto);
        break;
    case RECONCILE_COL_CUSTOMER_ID:
        if (row->customer >= 0)
            sqlite3_result_int64(
                ctx, cursor->book.customers[row->customer].customer_id);
        break;
    case RECONCILE_COL_CURRENCY:
        sqlite3_result_text(ctx, p->currency, 3, SQLITE_TRANSIENT);
        break;
    case RECONCILE_COL_AMOUNT_MATCH:
        sqlite3_result_text(ctx, reconcile_amount_label(row->amount_kind), -1,
                            SQLITE_STATIC);
        break;
    case RECONCILE_COL_DIFFERENCE_CENTS:
        sqlite3_result_int64(ctx, row->difference_cents);
        break;
    default:
        setting_column(ctx, &cursor->settings, column);
    }
    return SQLITE_OK;
}

static int reconcile_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid_out)
{
    *rowid_out = ((reconcile_cursor *)base)->row + 1;
    return SQLITE_OK;
}

/* Eponymous-only (xCreate NULL): no CREATE VIRTUAL TABLE, read-only. */
static sqlite3_module reconcile_module = {
    0,                    /* iVersion */
    NULL,                 /* xCreate */
    reconcile_connect,    /* xConnect */
    reconcile_best_index, /* xBestIndex */
    reconcile_disconnect, /* xDisconnect */
    NULL,                 /* xDestroy */
    reconcile_open,       /* xOpen */
    reconcile_close,      /* xClose */
    reconcile_filter,     /* xFilter */
    reconcile_next,       /* xNext */
    reconcile_eof,        /* xEof */
    reconcile_column,     /* xColumn */
    reconcile_rowid,      /* xRowid */
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

int reconcile_register(sqlite3 *db)
{
    int rc = sqlite3_create_module(db, "reconcile_candidates",
                                   &reconcile_module, NULL);

    if (rc == SQLITE_OK)
        rc = creditor_ref_register(db);
    if (rc == SQLITE_OK)
        rc = reconcile_settings_register(db);
    return rc;
}
