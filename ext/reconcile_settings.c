/*
** Settings of reconcile_candidates: the documented defaults, the
** reconcile_settings row of sql/reconcile.sql over them, and their checks.
**
** Defaults (reconcile_settings_default):
**   auto_threshold        0.93   lowest score of an automatic match
**   auto_margin           2.0    lowest lead of rank 1 over rank 2, in
**                                log-odds (rank 2's odds are at most
**                                e^-2, about 1/7, of rank 1's)
**   fee_abs_cents         1000   fee tolerance, fixed part, in the
**                                payment's minor units
**   fee_pct               3.0    fee tolerance, percent of the open amount
**   max_rank              5      candidates listed per payment
**   subset_max_invoices   16     open invoices a subset draws on
**   subset_max_size       8      most invoices in one subset
**   closed_lookback_days  365    paid and void invoices issued this long
**                                before the oldest unallocated payment are
**                                loaded, so a memo naming one is known
**   duplicate_days        5      a payment like an earlier one within this
**                                many days is a probable duplicate
** The scores behind auto_threshold are measured in tests/bench/RECONCILE.md.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "reconcile.h"

void reconcile_settings_default(struct reconcile_settings *s)
{
    s->auto_threshold = 0.93;
    s->auto_margin = 2.0;
    s->fee_abs_cents = 1000;
    s->fee_pct = 3.0;
    s->max_rank = 5;
    s->subset_max_invoices = 16;
    s->subset_max_size = 8;
    s->closed_lookback_days = 365;
    s->duplicate_days = 5;
}

sqlite3_int64 reconcile_fee_tolerance(const struct reconcile_settings *s,
                                      sqlite3_int64 open_cents)
{
    return s->fee_abs_cents +
           (sqlite3_int64)((double)open_cents * s->fee_pct / 100.0);
}

/* Sets *out from column i of stmt unless it is NULL. */
static void read_double(sqlite3_stmt *stmt, int i, double *out)
{
    if (sqlite3_column_type(stmt, i) != SQLITE_NULL)
        *out = sqlite3_column_double(stmt, i);
}

static void read_int(sqlite3_stmt *stmt, int i, int *out)
{
    if (sqlite3_column_type(stmt, i) != SQLITE_NULL)
        *out = sqlite3_column_int(stmt, i);
}

int reconcile_settings_read(sqlite3_stmt *stmt, struct reconcile_settings *s)
{
    int rc;

    reconcile_settings_default(s);
    if (stmt == NULL)
        return SQLITE_OK;
    rc = sqlite3_step(stmt);
    if (rc == SQLITE_ROW) {
        read_double(stmt, 0, &s->auto_threshold);
        read_double(stmt, 1, &s->auto_margin);
        if (sqlite3_column_type(stmt, 2) != SQLITE_NULL)
            s->fee_abs_cents = sqlite3_column_int64(stmt, 2);
        read_double(stmt, 3, &s->fee_pct);
        read_int(stmt, 4, &s->max_rank);
        read_int(stmt, 5, &s->subset_max_invoices);
        read_int(stmt, 6, &s->subset_max_size);
        read_int(stmt, 7, &s->closed_lookback_days);
        read_int(stmt, 8, &s->duplicate_days);
        rc = SQLITE_DONE;
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

char *reconcile_settings_check(const struct reconcile_settings *s)
{
    if (!(s->auto_threshold >= 0.0 && s->auto_threshold <= 1.0))
        return sqlite3_mprintf(
            "auto_threshold '%g' is not between 0 and 1; give a score such as 0.93",
            s->auto_threshold);
    if (!(s->auto_margin >= 0.0))
        return sqlite3_mprintf(
            "auto_margin '%g' is negative; give a log-odds lead such as 2.0",
            s->auto_margin);
    if (s->fee_abs_cents < 0)
        return sqlite3_mprintf(
            "fee_abs_cents '%lld' is negative; give minor units such as 1000",
            s->fee_abs_cents);
    if (!(s->fee_pct >= 0.0 && s->fee_pct <= 100.0))
        return sqlite3_mprintf(
            "fee_pct '%g' is not between 0 and 100; give a percent such as 3.0",
            s->fee_pct);
    if (s->max_rank < 1 || s->max_rank > 100)
        return sqlite3_mprintf(
            "max_rank '%d' is not between 1 and 100; give a count such as 5",
            s->max_rank);
    if (s->subset_max_invoices < 0 || s->subset_max_size < 2 ||
        s->closed_lookback_days < 0 || s->duplicate_days < 0)
        return sqlite3_mprintf(
            "reconcile_settings has subset_max_invoices '%d', subset_max_size '%d', closed_lookback_days '%d' or duplicate_days '%d' out of range; use 0 or more, 2 or more, 0 or more and 0 or more",
            s->subset_max_invoices, s->subset_max_size, s->closed_lookback_days,
            s->duplicate_days);
    return NULL;
}
