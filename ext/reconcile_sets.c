/*
** Sets of invoices that one payment pays together.
**
** For each focus customer (the customers the payer matched, then the
** customers of invoices the memo names), three kinds of set are tried:
**   - the named set: every invoice of the customer the memo names (a
**     reference weight of 2 or more), when there are 2 or more;
**   - the anchored subset: the named invoices plus 1 or more of the
**     customer's other open invoices whose amounts make up the rest of
**     the payment, so a number written with a typo, or not written, is
**     still found;
**   - the plain subset: 2 or more open invoices summing to the amount,
**     when no single open invoice of the customer equals it.
** A subset sums to the amount exactly or leaves it short by at most the
** fee tolerance; the exact sum is searched first. The pool is at most
** subset_max_invoices of the customer's open invoices in the payment's
** currency, those the memo points at (even weakly) first, then the
** oldest; the search is depth-first over the pool oldest first, taking an
** invoice before leaving it out, so the first solution found is the one
** with the oldest invoices, and it stops at a second solution (an
** ambiguous sum) or after SUBSET_NODE_BUDGET steps. When the exact-sum
** search stops on that budget, a meet-in-the-middle search over a pool of
** at most 16 invoices finds every exact solution and keeps the same one.
** A row from a search that stopped on its budget (the fee-short search,
** or the exact search over a pool of more than 16) is flagged, never
** automatic, because another subset may sum the same.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "reconcile.h"
#include "reconcile_work.h"

/* Most named invoices forced into an anchored subset. */
#define MAX_ANCHORS 8

/* Largest pool the exact search covers completely: two halves of 8, so
** 2 * 2^8 sums are listed. */
#define MEET_IN_MIDDLE_HALF 8
#define MEET_IN_MIDDLE_POOL (2 * MEET_IN_MIDDLE_HALF)

/* A pool sum that reaches it is too large for any payment. */
#define SUBSET_SUM_MAX ((sqlite3_int64)0x7fffffffffffffff)

/* Returns 1 when invoice a was issued before b (then by invoice_id). */
static int issued_before(const struct reconcile_book *book, int a, int b)
{
    const struct reconcile_invoice *x = &book->invoices[a];
    const struct reconcile_invoice *y = &book->invoices[b];

    if (x->issue_day != y->issue_day)
        return x->issue_day < y->issue_day;
    return x->invoice_id < y->invoice_id;
}

/* Orders invoice indices oldest first (issue day, then invoice_id). */
static void sort_oldest_first(const struct reconcile_book *book, int *inv,
                              int n)
{
    int i;
    int j;

    for (i = 1; i < n; i++) {
        int x = inv[i];
        for (j = i; j > 0 && issued_before(book, x, inv[j - 1]); j--)
            inv[j] = inv[j - 1];
        inv[j] = x;
    }
}

/* Returns 1 when a row with exactly these invoices exists already. */
static int row_exists(const struct reconcile_work *work, const int *inv, int n)
{
    int r;
    int i;

    for (r = 0; r < work->row_count; r++) {
        const struct reconcile_row *row = &work->rows[r].row;
        if (row->member_count != n)
            continue;
        for (i = 0; i < n; i++)
            if (work->members[row->member_first + i].invoice != inv[i])
                break;
        if (i == n)
            return 1;
    }
    return 0;
}

/* Adds a set row (any order in inv) unless it exists already. */
static int add_set_row(struct reconcile_book *book, struct reconcile_work *work,
                       int *inv, int n, int flags)
{
    sort_oldest_first(book, inv, n);
    if (row_exists(work, inv, n))
        return SQLITE_OK;
    return reconcile_add_row(book, work, inv, n, flags);
}

/* Adds a customer to the focus list unless it is there or full. */
static void add_focus(struct reconcile_work *work, int customer)
{
    int k;

    if (customer < 0 || work->focus_count == MAX_FOCUS)
        return;
    for (k = 0; k < work->focus_count; k++)
        if (work->focus[k] == customer)
            return;
    work->focus[work->focus_count++] = customer;
}

/* Chooses the customers whose invoices the payment most likely pays. */
static void choose_focus(const struct reconcile_book *book,
                         struct reconcile_work *work)
{
    int i;

    work->focus_count = 0;
    for (i = 0; i < work->payer_count; i++)
        add_focus(work, work->payers[i].customer);
    for (i = 0; i < work->cand_count; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        if (c->eligible && c->ref_weight >= NAMED_WEIGHT)
            add_focus(work, book->invoices[c->invoice].customer);
    }
}

/* Writes the customer's named invoices (at most max), oldest first. */
static int named_invoices(const struct reconcile_book *book,
                          const struct reconcile_work *work, int customer,
                          int *inv, int max)
{
    int n = 0;
    int i;

    for (i = 0; i < work->cand_count && n < max; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        if (c->eligible && c->ref_weight >= NAMED_WEIGHT &&
            book->invoices[c->invoice].customer == customer)
            inv[n++] = c->invoice;
    }
    sort_oldest_first(book, inv, n);
    return n;
}

/* Returns a + b for amounts of 0 or more, or INT64_MAX when it overflows. */
static sqlite3_int64 add_saturated(sqlite3_int64 a, sqlite3_int64 b)
{
    return a > SUBSET_SUM_MAX - b ? SUBSET_SUM_MAX : a + b;
}

/*
** Depth-first subset search: the oldest invoice is tried first. Every sum
** stays at most high, so sum + cents is compared as cents <= high - sum
** and cannot overflow.
*/
static void subset_dfs(struct reconcile_subset *s, int i, int count,
                       sqlite3_int64 sum)
{
    if (s->solutions >= 2)
        return;
    if (--s->budget < 0) {
        s->budget_spent = 1;
        return;
    }
    if (count >= s->min_count && sum >= s->low && sum <= s->high) {
        if (s->solutions++ == 0) {
            memcpy(s->best, s->pick, (size_t)count * sizeof(int));
            s->best_count = count;
        }
        return;
    }
    if (i == s->pool || count == s->max_size || s->suffix[i] < s->low - sum)
        return;
    if (s->cents[i] <= s->high - sum) {
        s->pick[count] = i;
        subset_dfs(s, i + 1, count + 1, sum + s->cents[i]);
    }
    subset_dfs(s, i + 1, count, sum);
}

/* One subset of half of the pool, for the meet-in-the-middle search. */
struct half_sum {
    sqlite3_int64 sum; /* saturated at SUBSET_SUM_MAX */
    unsigned order;    /* bit pool - 1 - i set for each pool index i */
    int count;         /* invoices in it */
};

/* Orders half sums by sum, for the binary search. */
static int compare_half_sums(const void *a, const void *b)
{
    const struct half_sum *x = a;
    const struct half_sum *y = b;

    if (x->sum != y->sum)
        return x->sum < y->sum ? -1 : 1;
    return 0;
}

/* Writes every subset of pool indices [first, first + n) into out. */
static void enumerate_half(const struct reconcile_subset *s, int first, int n,
                           struct half_sum *out)
{
    unsigned mask;
    int i;

    for (mask = 0; mask < 1u << n; mask++) {
        struct half_sum *h = &out[mask];
        h->sum = 0;
        h->order = 0;
        h->count = 0;
        for (i = 0; i < n; i++) {
            if (!(mask & 1u << i))
                continue;
            h->sum = add_saturated(h->sum, s->cents[first + i]);
            h->order |= 1u << (s->pool - 1 - (first + i));
            h->count++;
        }
    }
}

/* Returns the first index of sorted[0..n) whose sum is at least sum. */
static int lower_bound(const struct half_sum *sorted, int n, sqlite3_int64 sum)
{
    int low = 0;
    int high = n;

    while (low < high) {
        int mid = low + (high - low) / 2;
        if (sorted[mid].sum < sum)
            low = mid + 1;
        else
            high = mid;
    }
    return low;
}

/*
** Finds every subset of the pool (at most MEET_IN_MIDDLE_POOL invoices)
** that sums to target exactly, with min_count to max_size invoices:
** each subset of the older half is paired with the subsets of the newer
** half that make up the rest, found by binary search. The kept solution
** is the one the depth-first search would find first: its bits in
** pool-order, oldest as the highest bit, form the largest number.
*/
static void subset_meet_in_middle(struct reconcile_subset *s,
                                  sqlite3_int64 target)
{
    struct half_sum older[1 << MEET_IN_MIDDLE_HALF];
    struct half_sum newer[1 << MEET_IN_MIDDLE_HALF];
    int older_n = s->pool / 2;
    int newer_n = s->pool - older_n;
    int newer_count = 1 << newer_n;
    unsigned best_order = 0;
    int a;
    int i;

    enumerate_half(s, 0, older_n, older);
    enumerate_half(s, older_n, newer_n, newer);
    qsort(newer, (size_t)newer_count, sizeof(newer[0]), compare_half_sums);
    s->solutions = 0;
    for (a = 0; a < 1 << older_n; a++) {
        if (older[a].sum > target)
            continue;
        for (i = lower_bound(newer, newer_count, target - older[a].sum);
             i < newer_count && newer[i].sum == target - older[a].sum; i++) {
            int count = older[a].count + newer[i].count;
            unsigned order = older[a].order | newer[i].order;
            if (count < s->min_count || count > s->max_size)
                continue;
            if (s->solutions < 2)
                s->solutions++;
            if (order > best_order)
                best_order = order;
        }
    }
    s->best_count = 0;
    for (i = 0; i < s->pool && s->solutions > 0; i++)
        if (best_order & 1u << (s->pool - 1 - i))
            s->best[s->best_count++] = i;
}

/* Returns 1 when invoice is among the n anchors. */
static int is_anchor(const int *anchors, int n, int invoice)
{
    int i;

    for (i = 0; i < n; i++)
        if (anchors[i] == invoice)
            return 1;
    return 0;
}

/*
** Fills the pool with the customer's open invoices in the payment's
** currency that fit under high and are no anchor: those the memo points at
** first, then the oldest, then sorts it oldest first.
*/
static void fill_pool(const struct reconcile_book *book,
                      struct reconcile_work *work, int customer,
                      sqlite3_int64 high, const int *anchors, int anchor_count)
{
    const struct reconcile_customer *c = &book->customers[customer];
    struct reconcile_subset *s = &work->subset;
    int limit = work->settings->subset_max_invoices;
    int pass;
    int i;

    if (limit > MAX_SET * 2)
        limit = MAX_SET * 2;
    s->pool = 0;
    for (pass = 0; pass < 2; pass++) {
        for (i = 0; i < c->open_count && s->pool < limit; i++) {
            int inv = book->open_order[c->open_first + i];
            const struct reconcile_invoice *x = &book->invoices[inv];
            const struct reconcile_candidate *cand =
                reconcile_candidate_of(book, work, inv);
            int pointed = cand != NULL && cand->ref_kind != RECONCILE_REF_NONE;
            if (pointed != (pass == 0) || x->state != RECONCILE_INVOICE_OPEN ||
                memcmp(x->currency, work->payment->currency, 3) != 0 ||
                x->open_cents > high || is_anchor(anchors, anchor_count, inv))
                continue;
            s->invoice[s->pool++] = inv;
        }
    }
    sort_oldest_first(book, s->invoice, s->pool);
    for (i = 0; i < s->pool; i++)
        s->cents[i] = book->invoices[s->invoice[i]].open_cents;
    s->suffix[s->pool] = 0;
    for (i = s->pool - 1; i >= 0; i--)
        s->suffix[i] = add_saturated(s->suffix[i + 1], s->cents[i]);
}

/*
** Runs one depth-first search for sums in [low, high]; returns the
** solutions found (0, 1 or 2, and 2 means 2 or more). budget_spent tells
** whether it stopped on SUBSET_NODE_BUDGET, so that a solution may be
** missing.
*/
static int run_search(struct reconcile_subset *s, sqlite3_int64 low,
                      sqlite3_int64 high)
{
    s->low = low;
    s->high = high;
    s->solutions = 0;
    s->best_count = 0;
    s->budget = SUBSET_NODE_BUDGET;
    s->budget_spent = 0;
    subset_dfs(s, 0, 0, 0);
    return s->solutions;
}

/*
** Searches for sums equal to target. The depth-first search is cheap on
** most pools; when it stops on its budget before telling 0, 1 or 2
** solutions apart and the pool is small enough, the meet-in-the-middle
** search gives the complete answer instead.
*/
static int run_exact_search(struct reconcile_subset *s, sqlite3_int64 target)
{
    run_search(s, target, target);
    if (s->budget_spent && s->solutions < 2 &&
        s->pool <= MEET_IN_MIDDLE_POOL) {
        subset_meet_in_middle(s, target);
        s->budget_spent = 0;
    }
    return s->solutions;
}

/* Returns 1 when one eligible invoice of customer equals the amount. */
static int has_equal_single(const struct reconcile_book *book,
                            const struct reconcile_work *work, int customer)
{
    int i;

    for (i = 0; i < work->cand_count; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        const struct reconcile_invoice *inv = &book->invoices[c->invoice];
        if (c->eligible && inv->customer == customer &&
            inv->open_cents == work->payment->amount_cents)
            return 1;
    }
    return 0;
}

/*
** Returns 1 when a row of one invoice already clears the auto threshold
** with the margin to spare: a subset of unnamed invoices would need even
** more to win, so it is not searched for.
*/
static int single_is_safe(const struct reconcile_work *work)
{
    double threshold = work->settings->auto_threshold;

    if (threshold >= 1.0)
        return 0;
    return work->best_single_logit >=
           log(threshold / (1.0 - threshold)) + work->settings->auto_margin;
}

/*
** Searches the customer's open invoices for a subset that, with the
** anchors, sums to the amount; adds it as a row when found.
*/
static int add_subset(struct reconcile_book *book, struct reconcile_work *work,
                      int customer, const int *anchors, int anchor_count)
{
    struct reconcile_subset *s = &work->subset;
    sqlite3_int64 paid = work->payment->amount_cents;
    sqlite3_int64 tolerance =
        reconcile_fee_tolerance(work->settings, work->payment->currency, paid);
    sqlite3_int64 target = paid;
    sqlite3_int64 high;
    int max_size = work->settings->subset_max_size - anchor_count;
    int inv[MAX_SET];
    int flags = RECONCILE_ROW_SUBSET;
    int i;
    for (i = 0; i < anchor_count; i++)
        target -= book->invoices[anchors[i]].open_cents;
    /* Anchors that leave no more than a fee to cover need no addition. */
    if (target <= (anchor_count > 0 ? tolerance : 0) || max_size < 1)
        return SQLITE_OK;
    s->min_count = anchor_count > 0 ? 1 : 2;
    s->max_size =
        max_size > MAX_SET - anchor_count ? MAX_SET - anchor_count : max_size;
    /* high stays below INT64_MAX, so a saturated pool sum never fits. */
    high = add_saturated(target, tolerance);
    if (high == SUBSET_SUM_MAX)
        high--;
    fill_pool(book, work, customer, high, anchors, anchor_count);
    if (s->pool < s->min_count)
        return SQLITE_OK;
    if (run_exact_search(s, target) == 0 &&
        (high == target || run_search(s, target + 1, high) == 0))
        return SQLITE_OK;
    if (s->solutions > 1)
        flags |= RECONCILE_ROW_AMBIGUOUS;
    if (s->budget_spent)
        flags |= RECONCILE_ROW_SEARCH_STOPPED;
    if (anchor_count > 0)
        memcpy(inv, anchors, (size_t)anchor_count * sizeof(int));
    for (i = 0; i < s->best_count; i++)
        inv[anchor_count + i] = s->invoice[s->best[i]];
    return add_set_row(book, work, inv, anchor_count + s->best_count, flags);
}

int reconcile_add_sets(struct reconcile_book *book, struct reconcile_work *work)
{
    int anchors[MAX_ANCHORS];
    int rc = SQLITE_OK;
    int i;

    choose_focus(book, work);
    for (i = 0; i < work->focus_count && rc == SQLITE_OK; i++) {
        int customer = work->focus[i];
        int n = named_invoices(book, work, customer, anchors, MAX_ANCHORS);
        if (n >= 2)
            rc = add_set_row(book, work, anchors, n, 0);
        if (rc == SQLITE_OK && n >= 1)
            rc = add_subset(book, work, customer, anchors, n);
        if (rc == SQLITE_OK && !has_equal_single(book, work, customer) &&
            !single_is_safe(work))
            rc = add_subset(book, work, customer, NULL, 0);
    }
    return rc;
}
