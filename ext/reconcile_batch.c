/*
** Whole-statement passes of reconcile_candidates. A full scan first scores
** every payment on its own. Then:
**   - claims: the auto rows take their invoices in the order the money
**     came in (received date, then payment_id). A row that would take more
**     than an earlier claim left open loses auto.
**   - re-reading: invoices the claims take in full count as paid, those
**     taken in part keep the rest open, and each payment without an auto
**     row is scored again against what is left, as a clerk who has
**     cleared the obvious matches reads the doubtful ones again. New auto
**     rows claim in turn, and this repeats until no payment gains auto (at
**     most RECONCILE_MAX_PASSES times).
** The second pass is what the book looks like after the apply statement
** has run, so running that statement again finds no new auto row.
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "reconcile.h"
#include "reconcile_work.h"

/* Sort key of an auto row for the claims pass. */
struct claim_key {
    int received_day;
    sqlite3_int64 payment_id;
    int row;
};

static int compare_claims(const void *a, const void *b)
{
    const struct claim_key *x = a;
    const struct claim_key *y = b;

    if (x->received_day != y->received_day)
        return x->received_day < y->received_day ? -1 : 1;
    return x->payment_id < y->payment_id ? -1 : x->payment_id > y->payment_id;
}

/* Takes auto away from one row if an earlier claim left too little. */
static void claim_row(struct reconcile_book *book,
                      struct reconcile_result *result,
                      struct reconcile_row *row)
{
    sqlite3_int64 payment_id = result->payments[row->payment].payment_id;
    int i;

    for (i = 0; i < row->member_count; i++) {
        const struct reconcile_member *m =
            &result->members[row->member_first + i];
        if (book->remaining[m->invoice] < m->allocate_cents) {
            row->is_auto = 0;
            row->flags |= RECONCILE_ROW_CLAIMED;
            row->claimed_by = book->claimed_by[m->invoice];
            return;
        }
    }
    for (i = 0; i < row->member_count; i++) {
        const struct reconcile_member *m =
            &result->members[row->member_first + i];
        book->remaining[m->invoice] -= m->allocate_cents;
        book->claimed_by[m->invoice] = payment_id;
    }
}

int reconcile_resolve_claims(struct reconcile_book *book,
                             struct reconcile_result *result, int fresh)
{
    struct claim_key *keys;
    int count = 0;
    int r;

    keys = sqlite3_malloc64((sqlite3_uint64)(result->row_count + 1) *
                            sizeof(*keys));
    if (keys == NULL)
        return SQLITE_NOMEM;
    for (r = 0; r < result->row_count; r++) {
        const struct reconcile_row *row = &result->rows[r];
        const struct reconcile_result_payment *p =
            &result->payments[row->payment];
        if (!row->is_auto || (!fresh && !p->rescored))
            continue;
        keys[count].received_day = p->received_day;
        keys[count].payment_id = p->payment_id;
        keys[count++].row = r;
    }
    qsort(keys, (size_t)count, sizeof(*keys), compare_claims);
    if (fresh)
        for (r = 0; r < book->invoice_count; r++)
            book->remaining[r] = book->invoices[r].open_cents;
    for (r = 0; r < count; r++)
        claim_row(book, result, &result->rows[keys[r].row]);
    sqlite3_free(keys);
    return SQLITE_OK;
}

int reconcile_take_claims(struct reconcile_book *book,
                          struct reconcile_saved_opens *saved)
{
    sqlite3_uint64 n = (sqlite3_uint64)book->invoice_count + 1;
    int i;

    if (saved->open_cents == NULL) {
        saved->open_cents = sqlite3_malloc64(n * sizeof(sqlite3_int64));
        saved->state = sqlite3_malloc64(n);
        if (saved->open_cents == NULL || saved->state == NULL) {
            reconcile_restore_opens(book, saved);
            return SQLITE_NOMEM;
        }
        for (i = 0; i < book->invoice_count; i++) {
            saved->open_cents[i] = book->invoices[i].open_cents;
            saved->state[i] = book->invoices[i].state;
        }
    }
    for (i = 0; i < book->invoice_count; i++) {
        struct reconcile_invoice *inv = &book->invoices[i];
        if (inv->state != RECONCILE_INVOICE_OPEN)
            continue;
        inv->open_cents = book->remaining[i];
        if (inv->open_cents == 0)
            inv->state = RECONCILE_INVOICE_CLOSED;
    }
    return reconcile_book_index_amounts(book);
}

void reconcile_restore_opens(struct reconcile_book *book,
                             struct reconcile_saved_opens *saved)
{
    int i;

    if (saved->open_cents != NULL && saved->state != NULL) {
        for (i = 0; i < book->invoice_count; i++) {
            book->invoices[i].open_cents = saved->open_cents[i];
            book->invoices[i].state = saved->state[i];
        }
        /* NOTE: out of memory here leaves the amounts map empty, which
        ** only loses the amount source of candidates until the next load. */
        reconcile_book_index_amounts(book);
    }
    sqlite3_free(saved->open_cents);
    sqlite3_free(saved->state);
    saved->open_cents = NULL;
    saved->state = NULL;
}

/* Appends the payment's texts from src to dst's text buffer. */
static int copy_texts(struct reconcile_result *dst,
                      const struct reconcile_result *src,
                      struct reconcile_result_payment *p)
{
    size_t n = (size_t)p->memo_len + p->column_len;
    unsigned int offset = (unsigned int)dst->text_len;

    if (dst->text_len + n > dst->text_capacity) {
        size_t wanted = dst->text_capacity ? dst->text_capacity : 4096;
        char *grown;
        while (wanted < dst->text_len + n)
            wanted *= 2;
        if (wanted > 0xFFFFFFFFu)
            return SQLITE_NOMEM;
        grown = sqlite3_realloc64(dst->text, wanted);
        if (grown == NULL)
            return SQLITE_NOMEM;
        dst->text = grown;
        dst->text_capacity = wanted;
    }
    /* The column copy follows the memo copy in both buffers. */
    if (n > 0)
        memcpy(dst->text + offset, src->text + p->memo_offset, n);
    p->column_offset = offset + p->memo_len;
    p->memo_offset = offset;
    dst->text_len += n;
    return SQLITE_OK;
}

/* Appends one row of src, with its members, to dst as payment p. */
static int copy_row(struct reconcile_result *dst,
                    const struct reconcile_result *src, int r, int p)
{
    struct reconcile_row row = src->rows[r];
    int i;

    if (reconcile_reserve((void **)&dst->rows, &dst->row_capacity,
                          dst->row_count, sizeof(*dst->rows)) != SQLITE_OK)
        return SQLITE_NOMEM;
    for (i = 0; i < row.member_count; i++) {
        if (reconcile_reserve((void **)&dst->members, &dst->member_capacity,
                              dst->member_count,
                              sizeof(*dst->members)) != SQLITE_OK)
            return SQLITE_NOMEM;
        dst->members[dst->member_count++] = src->members[row.member_first + i];
    }
    row.member_first = dst->member_count - row.member_count;
    row.payment = p;
    dst->rows[dst->row_count++] = row;
    return SQLITE_OK;
}

int reconcile_result_copy_payment(struct reconcile_result *dst,
                                  const struct reconcile_result *src, int p)
{
    struct reconcile_result_payment payment = src->payments[p];
    int rc;
    int r;

    if (reconcile_reserve((void **)&dst->payments, &dst->payment_capacity,
                          dst->payment_count,
                          sizeof(*dst->payments)) != SQLITE_OK)
        return SQLITE_NOMEM;
    rc = copy_texts(dst, src, &payment);
    if (rc != SQLITE_OK)
        return rc;
    payment.first_row = dst->row_count;
    payment.rescored = 0;
    dst->payments[dst->payment_count++] = payment;
    for (r = 0; r < payment.row_count && rc == SQLITE_OK; r++)
        rc = copy_row(dst, src, src->payments[p].first_row + r,
                      dst->payment_count - 1);
    return rc;
}

int reconcile_result_rescored_autos(const struct reconcile_result *result)
{
    int count = 0;
    int p;

    for (p = 0; p < result->payment_count; p++) {
        const struct reconcile_result_payment *rp = &result->payments[p];
        count += rp->rescored && rp->row_count > 0 &&
                 result->rows[rp->first_row].is_auto;
    }
    return count;
}
