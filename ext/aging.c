/*
** ar_aging: the accounts-receivable aging report as a table-valued
** function, one row per (customer, currency) with open receivables on a
** date.
**
** Usage:
**   SELECT * FROM ar_aging('2013-06-30');
**   SELECT customer_id, total_cents, max_days_overdue
**   FROM ar_aging('2013-06-30') WHERE customer_id = 42;
**
** Columns: customer_id, currency, current_cents, days_1_30_cents,
** days_31_60_cents, days_61_90_cents, days_over_90_cents, total_cents,
** open_invoices, max_days_overdue, and the hidden arguments as_of and
** schema. schema names the database whose invoices and allocations are
** read, 'main' when omitted:
**   SELECT * FROM ar_aging('2013-06-30', 'aux');
**
** An invoice is open on as_of when it was issued on or before as_of, is not
** void, and allocations whose effective_date is on or before as_of settle
** less than its total_cents. Its open amount (total_cents less those
** allocations) goes into the bucket aging_bucket_index(as_of - due_date):
** current (0 days or fewer), 1-30, 31-60, 61-90, over 90 days.
** max_days_overdue is the largest as_of - due_date over the open invoices,
** negative when none is due yet. Rows come ordered by customer_id, then
** currency; cents of two currencies are never added together.
**
** as_of is required and must be an ISO date that exists; a NULL as_of
** returns no rows, as a comparison with NULL matches nothing.
**
** How it runs: one pass over invoices in rowid order that trusts the
** columns sql/triggers.sql keeps. An invoice whose status is 'paid' with
** paid_date on or before as_of is closed without reading its allocations,
** because paid_date is the latest effective_date of them. One whose
** allocated_cents is 0 has no allocation, so its open amount is
** total_cents. Only the others (paid in part, or paid after as_of) have
** their allocations dated on or before as_of summed, with one seek each
** in allocations_invoice_id_idx. Memory stores one row per (customer,
** currency), never one per invoice. WHERE customer_id = ? switches to that
** customer's invoices through invoices_customer_id_idx.
**
** LIMITS:
**   - Reads the invoices and allocations of sql/schema.sql in the schema
**     argument's database. SQLite resolves aux.ar_aging to the eponymous
**     table of main, and the table cannot see the prefix, so a prefix other
**     than the schema argument is rejected by reading the statement's SQL.
**     A prefix inside a view or trigger body is not seen.
**   - Trusts invoices.status, paid_date and allocated_cents as the
**     triggers of sql/triggers.sql keep them. Rows written with those
**     triggers dropped or bypassed (an import that sets the columns
**     itself, or edits them by hand) make ar_aging wrong, as they make
**     every view of sql/views.sql wrong. An allocated_cents of 0 hides the
**     invoice's allocations, and a wrong paid_date moves its closing day.
**   - Void is the invoice's current status and has no date, so a voided
**     invoice is left out on every as_of, also before it was voided.
**   - An allocation with a NULL effective_date counts on no date (the
**     triggers fill it; rows written without them may lack it).
**   - Allocations that reach or exceed total_cents close the invoice; an
**     over-allocation is not shown as a credit.
**   - Disputed invoices are included like any other.
**   - An open invoice whose currency is not 3 bytes or whose due_date is
**     not an ISO date stops the query with an error naming the invoice.
*/
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "aging.h"
#include "dates.h"

/* Smallest row capacity allocated; a power of two, as slot_count must be. */
#define AGING_MIN_CAPACITY 64

/* Largest row capacity: keeps capacity * 2 slots inside an int. */
#define AGING_MAX_CAPACITY (1 << 28)

void aging_totals_init(struct aging_totals *totals)
{
    memset(totals, 0, sizeof(*totals));
}

void aging_totals_clear(struct aging_totals *totals)
{
    totals->count = 0;
    if (totals->slots != NULL)
        memset(totals->slots, 0,
               (size_t)totals->slot_count * sizeof(*totals->slots));
}

void aging_totals_free(struct aging_totals *totals)
{
    sqlite3_free(totals->rows);
    sqlite3_free(totals->slots);
    aging_totals_init(totals);
}

/* Hash of a (customer, currency) key; the currency is packed into 24 bits. */
static sqlite3_uint64 aging_key_hash(sqlite3_int64 customer_id,
                                     const char *currency)
{
    sqlite3_uint64 packed = (sqlite3_uint64)(unsigned char)currency[0] << 16 |
                            (sqlite3_uint64)(unsigned char)currency[1] << 8 |
                            (sqlite3_uint64)(unsigned char)currency[2];
    sqlite3_uint64 h = (sqlite3_uint64)customer_id * 0x9E3779B97F4A7C15ULL;

    h ^= packed * 0xC2B2AE3D27D4EB4FULL;
    return h ^ (h >> 29);
}

/*
** Returns the slot that contains the key, or the empty slot where it
** belongs.
** Needs at least one empty slot, which slot_count >= 2 * capacity ensures.
*/
static int aging_find_slot(const struct aging_totals *totals,
                           sqlite3_int64 customer_id, const char *currency)
{
    int mask = totals->slot_count - 1;
    int slot = (int)(aging_key_hash(customer_id, currency) & (unsigned)mask);

    for (;; slot = (slot + 1) & mask) {
        int row = totals->slots[slot] - 1;
        if (row < 0)
            return slot;
        if (totals->rows[row].customer_id == customer_id &&
            memcmp(totals->rows[row].currency, currency, AGING_CURRENCY_LEN) ==
                0)
            return slot;
    }
}

/* Fills the hash index from the rows; slots must be all empty. */
static void aging_rebuild_slots(struct aging_totals *totals)
{
    int i;

    for (i = 0; i < totals->count; i++) {
        const struct aging_total *row = &totals->rows[i];
        int slot = aging_find_slot(totals, row->customer_id, row->currency);
        totals->slots[slot] = i + 1;
    }
}

/* Doubles the row capacity and rebuilds the hash index at twice that size. */
static int aging_totals_grow(struct aging_totals *totals)
{
    int capacity = totals->capacity ? totals->capacity * 2 : AGING_MIN_CAPACITY;
    struct aging_total *rows;
    int *slots;

    if (capacity > AGING_MAX_CAPACITY)
        return SQLITE_NOMEM;
    /* Both allocations succeed before capacity changes, so a failure
    ** cannot leave fewer than 2 * capacity slots. */
    slots = sqlite3_malloc64((sqlite3_uint64)capacity * 2 * sizeof(*slots));
    if (slots == NULL)
        return SQLITE_NOMEM;
    rows = sqlite3_realloc64(totals->rows,
                             (sqlite3_uint64)capacity * sizeof(*rows));
    if (rows == NULL) {
        sqlite3_free(slots);
        return SQLITE_NOMEM;
    }
    totals->rows = rows;
    totals->capacity = capacity;
    memset(slots, 0, (size_t)capacity * 2 * sizeof(*slots));
    sqlite3_free(totals->slots);
    totals->slots = slots;
    totals->slot_count = capacity * 2;
    aging_rebuild_slots(totals);
    return SQLITE_OK;
}

/* Returns the row of the key, adding an empty one first if it is new. */
static struct aging_total *aging_totals_row(struct aging_totals *totals,
                                            sqlite3_int64 customer_id,
                                            const char *currency,
                                            int days_overdue)
{
    struct aging_total *row;
    int slot = 0;

    if (totals->slot_count > 0) {
        slot = aging_find_slot(totals, customer_id, currency);
        if (totals->slots[slot] > 0)
            return &totals->rows[totals->slots[slot] - 1];
    }
    if (totals->count == totals->capacity) {
        if (aging_totals_grow(totals) != SQLITE_OK)
            return NULL;
        slot = aging_find_slot(totals, customer_id, currency);
    }
    row = &totals->rows[totals->count];
    memset(row, 0, sizeof(*row));
    row->customer_id = customer_id;
    memcpy(row->currency, currency, AGING_CURRENCY_LEN);
    row->max_days_overdue = days_overdue;
    totals->slots[slot] = ++totals->count;
    return row;
}

int aging_totals_add(struct aging_totals *totals, sqlite3_int64 customer_id,
                     const char *currency, int days_overdue,
                     sqlite3_int64 open_cents)
{
    struct aging_total *row =
        aging_totals_row(totals, customer_id, currency, days_overdue);
    int bucket = aging_bucket_index(days_overdue);

    if (row == NULL)
        return SQLITE_NOMEM;
    /* total_cents >= every bucket, so checking it covers the bucket too. */
    if (open_cents > LLONG_MAX - row->total_cents)
        return SQLITE_TOOBIG;
    row->bucket_cents[bucket] += open_cents;
    row->total_cents += open_cents;
    row->open_invoices++;
    if (days_overdue > row->max_days_overdue)
        row->max_days_overdue = days_overdue;
    return SQLITE_OK;
}

/* qsort order of aging_total: customer_id, then currency. */
static int aging_total_compare(const void *a, const void *b)
{
    const struct aging_total *left = a;
    const struct aging_total *right = b;

    if (left->customer_id != right->customer_id)
        return left->customer_id < right->customer_id ? -1 : 1;
    return memcmp(left->currency, right->currency, AGING_CURRENCY_LEN);
}

void aging_totals_sort(struct aging_totals *totals)
{
    if (totals->count < 2)
        return;
    qsort(totals->rows, (size_t)totals->count, sizeof(*totals->rows),
          aging_total_compare);
    memset(totals->slots, 0,
           (size_t)totals->slot_count * sizeof(*totals->slots));
    aging_rebuild_slots(totals);
}

/* Columns of ar_aging, in the order of AGING_SCHEMA. */
enum aging_column {
    AGING_COL_CUSTOMER_ID,
    AGING_COL_CURRENCY,
    AGING_COL_CURRENT, /* first of the AGING_BUCKET_COUNT bucket columns */
    AGING_COL_TOTAL = AGING_COL_CURRENT + AGING_BUCKET_COUNT,
    AGING_COL_OPEN_INVOICES,
    AGING_COL_MAX_DAYS_OVERDUE,
    AGING_COL_AS_OF, /* hidden: the 1st argument */
    AGING_COL_SCHEMA /* hidden: the database to read, 'main' by default */
};

#define AGING_SCHEMA                                                           \
    "CREATE TABLE x(customer_id INTEGER, currency TEXT,"                       \
    " current_cents INTEGER, days_1_30_cents INTEGER,"                         \
    " days_31_60_cents INTEGER, days_61_90_cents INTEGER,"                     \
    " days_over_90_cents INTEGER, total_cents INTEGER,"                        \
    " open_invoices INTEGER, max_days_overdue INTEGER, as_of TEXT HIDDEN,"     \
    " schema TEXT HIDDEN)"

/* idxNum bits: which constraints xFilter receives, in this argv order. */
#define AGING_PLAN_AS_OF 1
#define AGING_PLAN_CUSTOMER 2
#define AGING_PLAN_SCHEMA 4

/* Bytes kept of a schema name read off a statement's SQL, with the NUL. */
#define AGING_QUALIFIER_SIZE 64

/*
** The WHERE terms of both invoice statements, ?1 being as_of: the invoice
** is not closed, not void, and issued on or before as_of. An invoice is
** closed on as_of when its status is 'paid' and its paid_date is on or
** before as_of, because the triggers set paid_date to the latest
** effective_date of its allocations when they cover total_cents.
** Closed invoices are most of a ledger. They fail the first term and never
** return to C. The unary + keeps the planner on the table scan, because
** invoices_issue_date_idx would cost a row lookup per invoice. IS NOT TRUE
** treats a 'paid' invoice without a paid_date (which the schema's CHECK
** rejects) as possibly open.
*/
#define AGING_MAYBE_OPEN                                                       \
    " (status = 'paid' AND paid_date <= ?1) IS NOT TRUE"                       \
    " AND status <> 'void' AND +issue_date <= ?1"

/*
** Columns of both invoice statements, read by index in aging_add_invoice.
** %w is the schema name. Column 5 is the cents settled on as_of. It sums
** the allocations dated on or before ?1 only when allocated_cents, the
** triggers' running sum, is not 0. allocations_invoice_id_idx on
** (invoice_id, effective_date, amount_cents) covers that sum, so each
** invoice paid in part or paid after as_of costs one index seek and no
** table lookup. The sum runs as a subquery inside the statement, about 5%
** faster on the benchmark ledger than a second statement stepped from C.
*/
#define AGING_INVOICE_COLUMNS                                                  \
    "SELECT i.invoice_id, i.customer_id, i.currency, i.due_date,"              \
    " i.total_cents, CASE WHEN i.allocated_cents = 0 THEN 0 ELSE"              \
    " (SELECT sum(a.amount_cents) FROM \"%w\".allocations a"                   \
    "  WHERE a.invoice_id = i.invoice_id AND a.effective_date <= ?1) END"      \
    " FROM \"%w\".invoices i"

/* Every invoice that may be open on ?1, in rowid order. */
#define AGING_INVOICES_SQL AGING_INVOICE_COLUMNS " WHERE" AGING_MAYBE_OPEN

/* The same for customer ?2, read through invoices_customer_id_idx. */
#define AGING_CUSTOMER_SQL                                                     \
    AGING_INVOICE_COLUMNS " WHERE i.customer_id = ?2 AND" AGING_MAYBE_OPEN

typedef struct aging_vtab aging_vtab;
typedef struct aging_cursor aging_cursor;

struct aging_vtab {
    sqlite3_vtab base;           /* SQLite's part; must come first */
    sqlite3 *db;                 /* connection the tables are read from */
    char *schema;                /* database the statements read;
                                    sqlite3_malloc'd */
    sqlite3_stmt *invoices_stmt; /* AGING_INVOICES_SQL, prepared lazily */
    sqlite3_stmt *customer_stmt; /* AGING_CUSTOMER_SQL, likewise */
    int scanning;                /* 1 while xFilter steps the statements */
};

struct aging_cursor {
    sqlite3_vtab_cursor base;     /* SQLite's part; must come first */
    struct aging_totals totals;   /* result rows, sorted; reused per xFilter */
    int row;                      /* index of the current row in totals */
    char as_of[DATE_ISO_LEN + 1]; /* the as_of argument, for the column */
    char *schema;                 /* the schema argument, for the column;
                                     sqlite3_malloc'd, NULL before xFilter */
};

/* Replaces the vtab's error message; returns the code xFilter returns. */
static int aging_set_error(aging_vtab *vtab, const char *format, ...)
{
    va_list ap;

    va_start(ap, format);
    sqlite3_free(vtab->base.zErrMsg);
    vtab->base.zErrMsg = sqlite3_vmprintf(format, ap);
    va_end(ap);
    return vtab->base.zErrMsg ? SQLITE_ERROR : SQLITE_NOMEM;
}

/* Prepares *stmt_out from sql_format (%w = schema) unless already done. */
static int aging_prepare(aging_vtab *vtab, sqlite3_stmt **stmt_out,
                         const char *sql_format)
{
    char *sql;
    int rc;

    if (*stmt_out != NULL)
        return SQLITE_OK;
    sql = sqlite3_mprintf(sql_format, vtab->schema, vtab->schema);
    if (sql == NULL)
        return SQLITE_NOMEM;
    rc = sqlite3_prepare_v3(vtab->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
                            stmt_out, NULL);
    sqlite3_free(sql);
    if (rc != SQLITE_OK)
        return aging_set_error(
            vtab,
            "ar_aging: cannot read the invoices and allocations tables of '%s': %s; load sql/schema.sql into this database",
            vtab->schema, sqlite3_errmsg(vtab->db));
    return SQLITE_OK;
}

/* Returns 1 when n bytes have the shape "DDDD-DD-DD" (D a digit). */
static int aging_has_iso_shape(const unsigned char *text, int n)
{
    int i;

    if (n != DATE_ISO_LEN)
        return 0;
    for (i = 0; i < DATE_ISO_LEN; i++) {
        int want_dash = i == 4 || i == 7;
        if (want_dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
            return 0;
    }
    return 1;
}

/* Reads the as_of argument into as_of_out (text) and *day_out. */
static int aging_read_as_of(aging_vtab *vtab, sqlite3_value *value,
                            char as_of_out[DATE_ISO_LEN + 1], int *day_out)
{
    const unsigned char *text = sqlite3_value_text(value);
    int n = sqlite3_value_bytes(value);
    char excerpt[TEXT_EXCERPT_SIZE];

    if (text == NULL)
        return SQLITE_NOMEM;
    if (date_parse_iso((const char *)text, n, day_out)) {
        memcpy(as_of_out, text, DATE_ISO_LEN);
        as_of_out[DATE_ISO_LEN] = '\0';
        return SQLITE_OK;
    }
    text_excerpt(text, n, excerpt);
    if (aging_has_iso_shape(text, n))
        return aging_set_error(
            vtab,
            "ar_aging: as_of '%s' is not a date that exists; give a real calendar date as YYYY-MM-DD",
            excerpt);
    return aging_set_error(
        vtab,
        "ar_aging: as_of '%s' is not an ISO date; write it as YYYY-MM-DD or convert it with parse_date()",
        excerpt);
}

/*
** Adds the invoice at the current row of an AGING_INVOICE_COLUMNS
** statement when the cents settled on as_of (column 5) leave some open.
** Only open invoices have their currency and due_date read and checked.
*/
static int aging_add_invoice(aging_vtab *vtab, struct aging_totals *totals,
                             sqlite3_stmt *stmt, int as_of_day)
{
    sqlite3_int64 total_cents = sqlite3_column_int64(stmt, 4);
    sqlite3_int64 settled_cents = sqlite3_column_int64(stmt, 5);
    const unsigned char *currency;
    const unsigned char *due;
    char excerpt[TEXT_EXCERPT_SIZE];
    int n;
    int due_day;
    int rc;

    /* The schema's CHECKs keep both integers. A copy made with CREATE
    ** TABLE AS has no CHECKs, so it could contain 'x' or 20.7, which
    ** sqlite3_column_int64 would read as 0 or 20 without an error. */
    if (sqlite3_column_type(stmt, 4) != SQLITE_INTEGER)
        return aging_set_error(
            vtab,
            "ar_aging: invoice %lld has total_cents that is not an integer; store minor units as INTEGER in invoices.total_cents",
            sqlite3_column_int64(stmt, 0));
    if (sqlite3_column_type(stmt, 5) != SQLITE_INTEGER &&
        sqlite3_column_type(stmt, 5) != SQLITE_NULL)
        return aging_set_error(
            vtab,
            "ar_aging: allocations of invoice %lld hold an amount that is not an integer; store minor units as INTEGER in allocations.amount_cents",
            sqlite3_column_int64(stmt, 0));
    /* A negative sum would make the subtraction below able to wrap. */
    if (settled_cents < 0)
        return aging_set_error(
            vtab,
            "ar_aging: allocations of invoice %lld sum to %lld cents, below zero; correct allocations.amount_cents",
            sqlite3_column_int64(stmt, 0), settled_cents);
    if (total_cents <= settled_cents)
        return SQLITE_OK;
    currency = sqlite3_column_text(stmt, 2);
    n = sqlite3_column_bytes(stmt, 2);
    if (currency == NULL || n != AGING_CURRENCY_LEN) {
        text_excerpt(currency ? currency : (const unsigned char *)"", n,
                     excerpt);
        return aging_set_error(
            vtab,
            "ar_aging: invoice %lld has currency '%s', not a 3-letter code; correct invoices.currency",
            sqlite3_column_int64(stmt, 0), excerpt);
    }
    /* currency stays valid: reading another column does not convert it. */
    due = sqlite3_column_text(stmt, 3);
    n = sqlite3_column_bytes(stmt, 3);
    if (due == NULL || !date_parse_iso((const char *)due, n, &due_day)) {
        text_excerpt(due ? due : (const unsigned char *)"", n, excerpt);
        return aging_set_error(
            vtab,
            "ar_aging: invoice %lld has due_date '%s', not an ISO date that exists; correct invoices.due_date",
            sqlite3_column_int64(stmt, 0), excerpt);
    }
    rc = aging_totals_add(totals, sqlite3_column_int64(stmt, 1),
                          (const char *)currency, as_of_day - due_day,
                          total_cents - settled_cents);
    if (rc == SQLITE_TOOBIG)
        return aging_set_error(
            vtab,
            "ar_aging: open cents of customer %lld exceed the 64-bit integer range; check invoices.total_cents",
            sqlite3_column_int64(stmt, 1));
    return rc;
}

/*
** Sets the error of a failed sqlite3_step on the vtab and returns it.
** sum() fails with "integer overflow" when the allocations of one invoice
** pass the 64-bit range, which the triggers make impossible (they keep
** the sum at most total_cents).
*/
static int aging_step_error(aging_vtab *vtab, int rc)
{
    const char *message = sqlite3_errmsg(vtab->db);

    if (rc == SQLITE_NOMEM)
        return rc;
    if (strcmp(message, "integer overflow") == 0)
        return aging_set_error(
            vtab,
            "ar_aging: the allocations of an invoice sum past the 64-bit integer range; correct allocations.amount_cents");
    return aging_set_error(
        vtab, "ar_aging: reading invoices and allocations failed: %s", message);
}

/*
** Steps stmt, an invoice statement with its parameters bound, and adds
** each invoice it returns. Memory grows with the (customer, currency)
** rows only.
*/
static int aging_scan(aging_vtab *vtab, aging_cursor *cursor,
                      sqlite3_stmt *stmt, int as_of_day)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = aging_add_invoice(vtab, &cursor->totals, stmt, as_of_day);
        if (rc != SQLITE_OK)
            goto out;
    }
    rc = rc == SQLITE_DONE ? SQLITE_OK : aging_step_error(vtab, rc);
out:
    sqlite3_reset(stmt);
    return rc;
}

/*
** Prepares the invoice statement xFilter needs, the one-customer one when
** customer_id is not NULL, and binds as_of and the customer to it.
** *stmt_out is borrowed: the vtab keeps it for the next xFilter.
*/
static int aging_bind(aging_vtab *vtab, const char *as_of,
                      sqlite3_value *customer_id, sqlite3_stmt **stmt_out)
{
    sqlite3_stmt **stmt =
        customer_id ? &vtab->customer_stmt : &vtab->invoices_stmt;
    int rc;

    rc = aging_prepare(vtab, stmt,
                       customer_id ? AGING_CUSTOMER_SQL : AGING_INVOICES_SQL);
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(*stmt, 1, as_of, DATE_ISO_LEN, SQLITE_TRANSIENT);
    if (rc == SQLITE_OK && customer_id)
        rc = sqlite3_bind_value(*stmt, 2, customer_id);
    *stmt_out = *stmt;
    return rc;
}

/*
** Drops the cached statements; the next xFilter prepares them again. Done
** after a failed scan: a statement over a view that uses ar_aging keeps a
** reference to this table, and caching it would make sqlite3_close fail.
*/
static void aging_finalize_statements(aging_vtab *vtab)
{
    sqlite3_finalize(vtab->invoices_stmt);
    sqlite3_finalize(vtab->customer_stmt);
    vtab->invoices_stmt = NULL;
    vtab->customer_stmt = NULL;
}

/* Returns 1 for a byte that may be part of an unquoted SQL identifier. */
static int aging_is_identifier_byte(unsigned char c)
{
    return c == '_' || c == '$' || c >= 0x80 || (c >= '0' && c <= '9') ||
           ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}

/*
** Copies into qualifier_out (cut to AGING_QUALIFIER_SIZE - 1 bytes) the
** name written before the '.' that precedes position at of sql, quotes
** removed. Returns 0 when no '.' precedes it.
*/
static int aging_read_qualifier(const char *sql, int at,
                                char qualifier_out[AGING_QUALIFIER_SIZE])
{
    int end;
    int start;
    int len;

    while (at > 0 && (sql[at - 1] == ' ' || sql[at - 1] == '\t' ||
                      sql[at - 1] == '\n' || sql[at - 1] == '\r'))
        at--;
    if (at == 0 || sql[at - 1] != '.')
        return 0;
    end = at - 1;
    while (end > 0 && (sql[end - 1] == ' ' || sql[end - 1] == '\t' ||
                       sql[end - 1] == '\n' || sql[end - 1] == '\r'))
        end--;
    start = end;
    if (start > 0 && strchr("\"`]", sql[start - 1]) != NULL) {
        char open = sql[start - 1] == ']' ? '[' : sql[start - 1];
        end--;
        start--;
        while (start > 0 && sql[start - 1] != open)
            start--;
    } else {
        while (start > 0 && aging_is_identifier_byte(sql[start - 1]))
            start--;
    }
    len = end - start;
    if (len > AGING_QUALIFIER_SIZE - 1)
        len = AGING_QUALIFIER_SIZE - 1;
    memcpy(qualifier_out, sql + start, (size_t)(len > 0 ? len : 0));
    qualifier_out[len > 0 ? len : 0] = '\0';
    return 1;
}

/*
** Finds "<name>.ar_aging" in the SQL of a running statement of db with
** <name> other than schema, and copies <name> to qualifier_out. Returns 1
** when found. SQLite resolves aux.ar_aging (and temp.ar_aging) to the
** eponymous table of main and gives the vtab no sign of the prefix, so
** reading the statement text is the only way to notice it.
** NOTE: a prefix inside a view or trigger body is not seen, and another
** running statement that names aux.ar_aging raises the error too.
*/
static int aging_find_other_qualifier(sqlite3 *db, const char *schema,
                                      char qualifier_out[AGING_QUALIFIER_SIZE])
{
    sqlite3_stmt *stmt = NULL;

    while ((stmt = sqlite3_next_stmt(db, stmt)) != NULL) {
        const char *sql = sqlite3_stmt_busy(stmt) ? sqlite3_sql(stmt) : NULL;
        int i;

        for (i = 0; sql != NULL && sql[i] != '\0'; i++) {
            if (sqlite3_strnicmp(sql + i, "ar_aging", 8) != 0 ||
                aging_is_identifier_byte((unsigned char)sql[i + 8]) ||
                (i > 0 && aging_is_identifier_byte((unsigned char)sql[i - 1])))
                continue;
            if (aging_read_qualifier(sql, i, qualifier_out) &&
                sqlite3_stricmp(qualifier_out, schema) != 0)
                return 1;
        }
    }
    return 0;
}

/*
** Points the vtab's statements and the cursor's schema column at schema:
** statements prepared for another database are finalized, and the next
** aging_prepare prepares them for this one.
*/
static int aging_use_schema(aging_vtab *vtab, aging_cursor *cursor,
                            const char *schema)
{
    char qualifier[AGING_QUALIFIER_SIZE];

    if (aging_find_other_qualifier(vtab->db, schema, qualifier))
        return aging_set_error(
            vtab,
            "ar_aging: a schema prefix is not supported, got '%s.ar_aging', which would read the tables of '%s'; pass the schema as the 2nd argument: ar_aging('YYYY-MM-DD', '%s')",
            qualifier, schema, qualifier);
    sqlite3_free(cursor->schema);
    cursor->schema = sqlite3_mprintf("%s", schema);
    if (cursor->schema == NULL)
        return SQLITE_NOMEM;
    if (sqlite3_stricmp(vtab->schema, schema) == 0)
        return SQLITE_OK;
    aging_finalize_statements(vtab);
    sqlite3_free(vtab->schema);
    vtab->schema = sqlite3_mprintf("%s", schema);
    return vtab->schema ? SQLITE_OK : SQLITE_NOMEM;
}

#define AGING_MISSING_AS_OF                                                    \
    "ar_aging: missing as_of date; use SELECT * FROM ar_aging('YYYY-MM-DD')"

/* Fills the cursor's rows for as_of (argv[0]) and maybe one customer. */
static int aging_filter(sqlite3_vtab_cursor *base, int idx_num,
                        const char *idx_str, int argc, sqlite3_value **argv)
{
    aging_cursor *cursor = (aging_cursor *)base;
    aging_vtab *vtab = (aging_vtab *)base->pVtab;
    int want_customer = (idx_num & AGING_PLAN_CUSTOMER) != 0;
    int want_schema = (idx_num & AGING_PLAN_SCHEMA) != 0;
    sqlite3_value *customer_id = NULL;
    sqlite3_value *schema = NULL;
    sqlite3_stmt *invoices = NULL;
    int as_of_day = 0;
    int rc;

    (void)idx_str;
    aging_totals_clear(&cursor->totals);
    cursor->row = 0;
    cursor->as_of[0] = '\0';
    if ((idx_num & AGING_PLAN_AS_OF) == 0 ||
        argc != 1 + want_customer + want_schema)
        return aging_set_error(vtab, AGING_MISSING_AS_OF);
    if (want_customer)
        customer_id = argv[1];
    if (want_schema)
        schema = argv[argc - 1];
    /* "= NULL" matches no row, in SQL and here. */
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
        (customer_id && sqlite3_value_type(customer_id) == SQLITE_NULL) ||
        (schema && sqlite3_value_type(schema) == SQLITE_NULL))
        return SQLITE_OK;
    rc = aging_read_as_of(vtab, argv[0], cursor->as_of, &as_of_day);
    if (rc != SQLITE_OK)
        return rc;
    if (vtab->scanning)
        return aging_set_error(
            vtab,
            "ar_aging: reading invoices or allocations called ar_aging again; both must be tables, not views that use ar_aging");
    rc = aging_use_schema(vtab, cursor,
                          schema ? (const char *)sqlite3_value_text(schema)
                                 : "main");
    if (rc != SQLITE_OK)
        return rc;
    vtab->scanning = 1;
    rc = aging_bind(vtab, cursor->as_of, customer_id, &invoices);
    if (rc == SQLITE_OK)
        rc = aging_scan(vtab, cursor, invoices, as_of_day);
    vtab->scanning = 0;
    if (rc != SQLITE_OK) {
        aging_totals_clear(&cursor->totals);
        aging_finalize_statements(vtab);
        return rc;
    }
    aging_totals_sort(&cursor->totals);
    return SQLITE_OK;
}

/* Returns 1 when ORDER BY requests customer_id, then currency, ascending. */
static int aging_order_is_native(const sqlite3_index_info *info)
{
    static const int native[] = {AGING_COL_CUSTOMER_ID, AGING_COL_CURRENCY};
    int i;

    if (info->nOrderBy < 1 || info->nOrderBy > 2)
        return 0;
    for (i = 0; i < info->nOrderBy; i++)
        if (info->aOrderBy[i].iColumn != native[i] || info->aOrderBy[i].desc)
            return 0;
    return 1;
}

/*
** Requires as_of = ? and uses customer_id = ? when given. In a join, a plan
** where as_of is present but not yet usable returns SQLITE_CONSTRAINT, so
** the planner tries another order. A query with no as_of at all is an
** error.
*/
static int aging_best_index(sqlite3_vtab *base, sqlite3_index_info *info)
{
    int as_of = -1;
    int as_of_unusable = 0;
    int customer = -1;
    int schema = -1;
    int next_argv = 2;
    int i;

    for (i = 0; i < info->nConstraint; i++) {
        const struct sqlite3_index_constraint *c = &info->aConstraint[i];
        if (c->op != SQLITE_INDEX_CONSTRAINT_EQ)
            continue;
        if (c->iColumn == AGING_COL_AS_OF && c->usable)
            as_of = i;
        else if (c->iColumn == AGING_COL_AS_OF)
            as_of_unusable = 1;
        else if (c->iColumn == AGING_COL_CUSTOMER_ID && c->usable)
            customer = i;
        else if (c->iColumn == AGING_COL_SCHEMA && c->usable)
            schema = i;
    }
    if (as_of < 0 && as_of_unusable)
        return SQLITE_CONSTRAINT;
    if (as_of < 0)
        return aging_set_error((aging_vtab *)base, AGING_MISSING_AS_OF);
    info->aConstraintUsage[as_of].argvIndex = 1;
    info->aConstraintUsage[as_of].omit = 1;
    info->idxNum = AGING_PLAN_AS_OF;
    /* Rough guesses: a full scan reads every invoice, one customer ~100. */
    info->estimatedCost = 1e6;
    info->estimatedRows = 10000;
    if (customer >= 0) {
        info->aConstraintUsage[customer].argvIndex = next_argv++;
        info->idxNum |= AGING_PLAN_CUSTOMER;
        info->estimatedCost = 1e3;
        info->estimatedRows = 1;
    }
    if (schema >= 0) {
        info->aConstraintUsage[schema].argvIndex = next_argv++;
        info->aConstraintUsage[schema].omit = 1;
        info->idxNum |= AGING_PLAN_SCHEMA;
    }
    info->orderByConsumed = aging_order_is_native(info);
    return SQLITE_OK;
}

/* Declares the columns; ar_aging is eponymous, so this is also xCreate. */
static int aging_connect(sqlite3 *db, void *aux, int argc,
                         const char *const *argv, sqlite3_vtab **vtab_out,
                         char **err_out)
{
    aging_vtab *vtab;
    int rc;

    (void)aux;
    (void)argc;
    rc = sqlite3_declare_vtab(db, AGING_SCHEMA);
    /* Innocuous: it only reads tables of this database and writes nothing,
    ** so views and triggers may use it with trusted_schema=OFF. */
    if (rc == SQLITE_OK)
        rc = sqlite3_vtab_config(db, SQLITE_VTAB_INNOCUOUS);
    if (rc != SQLITE_OK) {
        *err_out = sqlite3_mprintf("ar_aging: %s", sqlite3_errmsg(db));
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

static int aging_disconnect(sqlite3_vtab *base)
{
    aging_vtab *vtab = (aging_vtab *)base;

    aging_finalize_statements(vtab);
    sqlite3_free(vtab->schema);
    sqlite3_free(vtab);
    return SQLITE_OK;
}

static int aging_open(sqlite3_vtab *base, sqlite3_vtab_cursor **cursor_out)
{
    aging_cursor *cursor = sqlite3_malloc64(sizeof(*cursor));

    (void)base;
    if (cursor == NULL)
        return SQLITE_NOMEM;
    memset(cursor, 0, sizeof(*cursor));
    aging_totals_init(&cursor->totals);
    *cursor_out = &cursor->base;
    return SQLITE_OK;
}

static int aging_close(sqlite3_vtab_cursor *base)
{
    aging_cursor *cursor = (aging_cursor *)base;

    aging_totals_free(&cursor->totals);
    sqlite3_free(cursor->schema);
    sqlite3_free(cursor);
    return SQLITE_OK;
}

static int aging_next(sqlite3_vtab_cursor *base)
{
    ((aging_cursor *)base)->row++;
    return SQLITE_OK;
}

static int aging_eof(sqlite3_vtab_cursor *base)
{
    aging_cursor *cursor = (aging_cursor *)base;

    return cursor->row >= cursor->totals.count;
}

static int aging_column(sqlite3_vtab_cursor *base, sqlite3_context *ctx,
                        int column)
{
    aging_cursor *cursor = (aging_cursor *)base;
    const struct aging_total *row = &cursor->totals.rows[cursor->row];

    if (column >= AGING_COL_CURRENT && column < AGING_COL_TOTAL) {
        sqlite3_result_int64(ctx,
                             row->bucket_cents[column - AGING_COL_CURRENT]);
        return SQLITE_OK;
    }
    switch (column) {
    case AGING_COL_CUSTOMER_ID:
        sqlite3_result_int64(ctx, row->customer_id);
        break;
    case AGING_COL_CURRENCY:
        sqlite3_result_text(ctx, row->currency, AGING_CURRENCY_LEN,
                            SQLITE_TRANSIENT);
        break;
    case AGING_COL_TOTAL:
        sqlite3_result_int64(ctx, row->total_cents);
        break;
    case AGING_COL_OPEN_INVOICES:
        sqlite3_result_int64(ctx, row->open_invoices);
        break;
    case AGING_COL_MAX_DAYS_OVERDUE:
        sqlite3_result_int(ctx, row->max_days_overdue);
        break;
    case AGING_COL_AS_OF:
        sqlite3_result_text(ctx, cursor->as_of, -1, SQLITE_TRANSIENT);
        break;
    default:
        sqlite3_result_text(ctx, cursor->schema, -1, SQLITE_TRANSIENT);
        break;
    }
    return SQLITE_OK;
}

static int aging_rowid(sqlite3_vtab_cursor *base, sqlite3_int64 *rowid_out)
{
    *rowid_out = ((aging_cursor *)base)->row + 1;
    return SQLITE_OK;
}

/* Eponymous-only (xCreate NULL): no CREATE VIRTUAL TABLE, read-only. */
static sqlite3_module aging_module = {
    0,                /* iVersion */
    NULL,             /* xCreate */
    aging_connect,    /* xConnect */
    aging_best_index, /* xBestIndex */
    aging_disconnect, /* xDisconnect */
    NULL,             /* xDestroy */
    aging_open,       /* xOpen */
    aging_close,      /* xClose */
    aging_filter,     /* xFilter */
    aging_next,       /* xNext */
    aging_eof,        /* xEof */
    aging_column,     /* xColumn */
    aging_rowid,      /* xRowid */
    NULL,             /* xUpdate */
    NULL,             /* xBegin */
    NULL,             /* xSync */
    NULL,             /* xCommit */
    NULL,             /* xRollback */
    NULL,             /* xFindFunction */
    NULL,             /* xRename */
    NULL,             /* xSavepoint */
    NULL,             /* xRelease */
    NULL,             /* xRollbackTo */
    NULL,             /* xShadowName */
};

int aging_register(sqlite3 *db)
{
    return sqlite3_create_module(db, "ar_aging", &aging_module, NULL);
}
