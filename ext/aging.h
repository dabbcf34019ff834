#ifndef RECEIVABLES_AGING_H
#define RECEIVABLES_AGING_H

#include <sqlite3ext.h>

#include "dates.h" /* AGING_BUCKET_COUNT */

/*
** Aging core: open receivables summed per (customer, currency) into the
** buckets of aging_bucket_index. The ar_aging virtual table feeds it one
** open invoice at a time; the Check suite calls it directly.
*/

/* Length of an ISO 4217 currency code, e.g. "USD". */
#define AGING_CURRENCY_LEN 3

/* Open receivables of one customer in one currency. */
struct aging_total {
    sqlite3_int64 customer_id;                      /* invoices.customer_id */
    char currency[AGING_CURRENCY_LEN + 1];          /* code, NUL-terminated */
    sqlite3_int64 bucket_cents[AGING_BUCKET_COUNT]; /* open cents per bucket */
    sqlite3_int64 total_cents;                      /* sum of bucket_cents */
    sqlite3_int64 open_invoices; /* invoices with open cents > 0 */
    int max_days_overdue;        /* of those invoices; negative: none due */
};

/*
** The totals of one query: rows in insertion order (sorted by
** aging_totals_sort) with an open-addressing hash index over them. Memory
** grows with the number of (customer, currency) pairs, not invoices.
*/
struct aging_totals {
    struct aging_total *rows; /* sqlite3_malloc64'd, count used */
    int count;                /* rows in use */
    int capacity;             /* rows allocated */
    int *slots;               /* row index + 1 per hash slot, 0 = empty */
    int slot_count;           /* power of two, at least 2 * capacity */
};

/* Sets every field of totals to empty; owns no memory yet. */
void aging_totals_init(struct aging_totals *totals);

/* Forgets every row but keeps the buffers for the next query. */
void aging_totals_clear(struct aging_totals *totals);

/* Frees the buffers; totals is empty (as after init) afterwards. */
void aging_totals_free(struct aging_totals *totals);

/*
** Adds one open invoice: open_cents (> 0) owed in currency (exactly
** AGING_CURRENCY_LEN bytes, no terminator needed) by customer_id,
** days_overdue days past its due date (negative before it). Returns
** SQLITE_OK, SQLITE_NOMEM, or SQLITE_TOOBIG when a sum would leave the
** 64-bit range (totals then keep the invoice out).
*/
int aging_totals_add(struct aging_totals *totals, sqlite3_int64 customer_id,
                     const char *currency, int days_overdue,
                     sqlite3_int64 open_cents);

/* Orders rows by customer_id, then currency, and rebuilds the hash index. */
void aging_totals_sort(struct aging_totals *totals);

/* Registers the ar_aging table-valued function on db. */
int aging_register(sqlite3 *db);

#endif
