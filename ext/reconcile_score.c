/*
** Candidate search and scoring: for one payment, which open invoices (or
** sets of them) it may pay, and how sure that is.
**
** CANDIDATES come from four places, all hash lookups in the book:
**   - references (reconcile_refs.c): each key of the memo looked up among
**     the invoice number keys, and within one edit or one swap of
**     neighbours through the deletion index; structured references by
**     their payload;
**   - the payer's customers (reconcile_payer.c): the oldest 40 open
**     invoices of each customer the payer was matched to;
**   - the amount: open invoices with exactly the payment's amount, when
**     16 or fewer share it;
**   - sets (reconcile_sets.c): named invoices together, and subset sums.
** Only invoices in the payment's currency, and of the payment's customer
** when payments.customer_id is set, are candidates.
**
** SCORE: each piece of evidence adds log-odds (natural log); the score is
** 1 / (1 + exp(-sum)). The weights (W_* in reconcile_work.h) were set by
** hand as rough likelihood ratios and checked on the data sets of
** tests/bench/RECONCILE.md:
**   prior                                                      -6.0
**   reference: the best one pointing at the invoice (for a set, the mean
**   over its invoices), less ln(k) when the same memo text fits k
**   plausible invoices (open, of a customer the payer matched or with an
**   amount that fits), never below 0.3:
**     valid structured reference (RF, Finnish, Belgian)       +14.0
**     the number, normalized or as written, by key length:
**       6+ characters +8.0, 5: +7.0, 4: +6.0, 3: +4.0, 2: +2.5, 1: +1.0
**     its digits only (prefix or letters dropped): the same less 1.0
**     one edit or one swap away: key of 6+ characters +4.5, else +2.5
**     the number's key, when the memo groups its characters as another
**     invoice's number does ('F-12/3' for F-1/23 beside F-12/3; both
**     normalize to F123)                                        +1.0
**     payload of a structured reference with wrong check digits  +3.0
**     only the last digit run (the serial): 5+ digits +5.0, 4: +3.5,
**       3: +2.0, 1-2: +1.0
**   the memo names (by digits or more) an invoice the row leaves out,
**   of the payer's customer or of any when the payer is unknown; or,
**   when the payment is over, points even by a typo at another open
**   invoice of the row's customer                              -3.0
**   amount against the open amount (fee tolerance: fee_abs_cents in
**   hundredths of the major unit + open * fee_pct / 100, at most 10% of
**   the open amount; see reconcile_settings.c):
**     equal +5.0, less 0.5 ln(k) when k invoices with other support
**       share the amount (all open invoices for one with none), never
**       below +3.0; short within tolerance +1.8; over within tolerance
**       +1.0; short beyond (partial payment) -1.5; over beyond -1.5
**   payer:
**     payments.customer_id is the customer                      +5.0
**     payer account learned for the customer (alias)            +5.0
**     ... learned for several customers                         +2.0
**     payer name learned for the customer (alias)               +4.5
**     name similarity >= 0.97 +4.5, >= 0.90 +3.0, >= 0.80 +1.5
**     the payer matched another customer by +3.0 or more       -3.0
**   dates, d = received - due:
**     received before the invoice was issued                    -3.0
**     d more than 365                                           -1.0
**     else 1.0 * exp(-x / 25) - 0.2, x = d / 1.5 when late, -d when
**       early (from +0.8 on the due date down to -0.2)
**   sets: -0.3 for each invoice after the first; -1.5 when another subset
**   sums the same.
** Name similarity is Jaro-Winkler of the name keys (reconcile_name_key),
** raised to 0.97 when one key is a prefix of the other of 8 bytes or more
** (banks cut names), to 0.98 when both have the same words in another
** order, and to 0.90 when every word of the payer is a word of the
** customer.
**
** AUTO: rank 1, score >= auto_threshold, logit at least auto_margin above
** rank 2's, and none of these: the payment has an allocation already; a
** person rejected or undid a match of it; the memo names a paid or void
** invoice more strongly than any open one; an earlier payment has the same
** payer, amount and reference (a probable duplicate); another subset sums
** the same; the memo's number fits several invoices the payment may pay
** and its grouping ('F-12/3' against 'F-1/23') does not single one out,
** or singles out another invoice than the row's; the subset search that
** found the row stopped on its step budget; the payment is more than
** twice what the row has open. A full scan then also applies the claims
** of reconcile_batch.c.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "reconcile.h"
#include "reconcile_work.h"
struct reconcile_work *reconcile_work_new(void)
{
    struct reconcile_work *work = sqlite3_malloc64(sizeof(*work));

    if (work != NULL)
        memset(work, 0, sizeof(*work));
    return work;
}

void reconcile_work_free(struct reconcile_work *work)
{
    if (work == NULL)
        return;
    sqlite3_free(work->cands);
    sqlite3_free(work->rows);
    sqlite3_free(work->members);
    sqlite3_free(work);
}
/* Makes room for one more element; may reallocate, old pointer invalid. */
int reconcile_reserve(void **array, int *capacity, int count, size_t size)
{
    sqlite3_int64 wanted;
    void *grown;

    if (count < *capacity)
        return SQLITE_OK;
    wanted = *capacity ? (sqlite3_int64)*capacity * 2 : 64;
    if (wanted > 0x3FFFFFFF)
        return SQLITE_NOMEM;
    grown = sqlite3_realloc64(*array, (sqlite3_uint64)wanted * size);
    if (grown == NULL)
        return SQLITE_NOMEM;
    *array = grown;
    *capacity = (int)wanted;
    return SQLITE_OK;
}
/* Adds the open invoices of a customer in the payment's currency. */
static int add_customer_invoices(struct reconcile_book *book,
                                 struct reconcile_work *work, int customer)
{
    const struct reconcile_customer *c = &book->customers[customer];
    int added = 0;
    int i;

    for (i = 0; i < c->open_count && added < MAX_CUSTOMER_INVOICES; i++) {
        int inv = book->open_order[c->open_first + i];
        /* A pass over claims leaves paid invoices in open_order. */
        if (book->invoices[inv].state != RECONCILE_INVOICE_OPEN ||
            memcmp(book->invoices[inv].currency, work->payment->currency, 3))
            continue;
        if (reconcile_add_candidate(book, work, inv, NULL) < 0)
            return SQLITE_NOMEM;
        added++;
    }
    return SQLITE_OK;
}

/* Adds the open invoices whose open amount equals the payment's. */
static int add_amount_matches(struct reconcile_book *book,
                              struct reconcile_work *work)
{
    const struct reconcile_keymap *m = &book->amounts;
    char key[11];
    int entry;
    int p;

    memcpy(key, work->payment->currency, 3);
    memcpy(key + 3, &work->payment->amount_cents, sizeof(sqlite3_int64));
    entry = reconcile_keymap_find(m, key, sizeof(key));
    work->amount_spread = entry < 0 ? 1 : m->entries[entry].count;
    if (entry < 0 || m->entries[entry].count > MAX_AMOUNT_MATCHES)
        return SQLITE_OK;
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next)
        if (reconcile_add_candidate(book, work, m->postings[p].value, NULL) < 0)
            return SQLITE_NOMEM;
    return SQLITE_OK;
}
/* ---- Scoring a row ----------------------------------------------------- */

/* Returns the amount kind of paying paid against open. */
int reconcile_amount_kind(const struct reconcile_settings *s,
                          const char *currency, sqlite3_int64 paid,
                          sqlite3_int64 open)
{
    sqlite3_int64 tolerance = reconcile_fee_tolerance(s, currency, open);
    sqlite3_int64 diff = paid - open;

    if (diff == 0)
        return RECONCILE_AMOUNT_EQUAL;
    if (diff < 0)
        return -diff <= tolerance ? RECONCILE_AMOUNT_FEE
                                  : RECONCILE_AMOUNT_SHORT;
    return diff <= tolerance ? RECONCILE_AMOUNT_OVER_FEE
                             : RECONCILE_AMOUNT_OVER;
}

/*
** Returns the amount term. An equal amount that spread open invoices share
** (a subscription fee, a round sum) is weaker evidence than a unique one.
*/
static double amount_weight(int kind, int spread)
{
    static const double weights[] = {W_AMOUNT_EQUAL, W_AMOUNT_FEE,
                                     W_AMOUNT_OVER_FEE, W_AMOUNT_SHORT,
                                     W_AMOUNT_OVER};
    double weight = weights[kind];

    if (kind == RECONCILE_AMOUNT_EQUAL && spread > 1) {
        weight -= 0.5 * log((double)spread);
        if (weight < W_AMOUNT_EQUAL_FLOOR)
            weight = W_AMOUNT_EQUAL_FLOOR;
    }
    return weight;
}

/* Returns 1 when something besides its amount supports the candidate: a
** reference, or a customer the payer matched. */
static int is_supported(const struct reconcile_book *book,
                        const struct reconcile_work *work,
                        const struct reconcile_candidate *c)
{
    int customer = book->invoices[c->invoice].customer;

    return c->ref_weight > 0.0f ||
           (customer >= 0 && reconcile_payer_of(work, customer) != NULL);
}

/*
** Returns how many open invoices share the amount of the row's single
** invoice. For an invoice with other support, only the candidates with
** support of their own count: one that shares the amount and nothing else
** is no real alternative. For an invoice with none, every open invoice in
** the currency counts.
*/
static int amount_spread(const struct reconcile_book *book,
                         const struct reconcile_work *work, int member)
{
    int invoice = work->members[member].invoice;
    const struct reconcile_candidate *own =
        reconcile_candidate_of(book, work, invoice);
    sqlite3_int64 open = book->invoices[invoice].open_cents;
    int count = 0;
    int i;

    if (own == NULL || !is_supported(book, work, own))
        return work->amount_spread;
    for (i = 0; i < work->cand_count; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        count += c->eligible && book->invoices[c->invoice].open_cents == open &&
                 is_supported(book, work, c);
    }
    return count;
}

/* Returns the date term of one invoice; sets *before_out and *after_out. */
static double date_weight(const struct reconcile_invoice *inv, int received,
                          int *before_out, int *after_out)
{
    int after_due = received - inv->due_day;

    double distance;

    *before_out = inv->issue_day - received;
    *after_out = after_due;
    if (*before_out > 0)
        return W_DATE_BEFORE_ISSUE;
    if (after_due > 365)
        return W_DATE_VERY_LATE;
    /* Paying late is commoner than paying early, so a late day counts as
    ** two thirds of an early one. */
    distance = after_due >= 0 ? after_due / 1.5 : -after_due;
    return W_DATE_NEAR_DUE * exp(-distance / W_DATE_SCALE_DAYS) + W_DATE_FAR;
}

/* Returns the candidate of invoice for this payment, or NULL. */
const struct reconcile_candidate *
reconcile_candidate_of(const struct reconcile_book *book,
                       const struct reconcile_work *work, int invoice)
{
    if (book->stamp[invoice] != work->seq)
        return NULL;
    return &work->cands[book->slot[invoice]];
}

/* Returns 1 when invoice is among the row's members. */
static int row_has(const struct reconcile_work *work,
                   const struct reconcile_row *row, int invoice)
{
    int i;

    for (i = 0; i < row->member_count; i++)
        if (work->members[row->member_first + i].invoice == invoice)
            return 1;
    return 0;
}

/*
** Returns 1 when a named invoice counts against other candidates: always
** when the payer is unknown, else only when it belongs to one of the
** customers the payer matched. A number of some other customer's invoice,
** from a payer known to be someone else, is more likely a typo.
*/
static int named_counts(const struct reconcile_book *book,
                        const struct reconcile_work *work,
                        const struct reconcile_candidate *c)
{
    int customer = book->invoices[c->invoice].customer;

    return !work->payer_strong ||
           (customer >= 0 && reconcile_payer_of(work, customer));
}

/* Returns 1 when the candidate's memo span overlaps a member's. */
static int shares_span(const struct reconcile_work *work,
                       const struct reconcile_row *row,
                       const struct reconcile_candidate *c)
{
    int i;

    for (i = 0; i < row->member_count; i++) {
        const struct reconcile_member *m =
            &work->members[row->member_first + i];
        /* Words grouped as another invoice's number point at that one. */
        if (m->ref_kind != RECONCILE_REF_NONE &&
            m->ref_kind != RECONCILE_REF_REGROUPED &&
            m->span_in_column == c->span_in_column &&
            m->memo_start < c->memo_end && c->memo_start < m->memo_end)
            return 1;
    }
    return 0;
}

/*
** Returns 1 when the memo names, as strongly, an invoice the row leaves
** out, 2 when only the structured_ref column does, else 0. Words that
** already point at a member (a typo of its number that is another
** invoice's number) do not count.
*/
static int names_other(const struct reconcile_book *book,
                       const struct reconcile_work *work,
                       const struct reconcile_row *row, int weakest_kind)
{
    int floor = weakest_kind > RECONCILE_REF_DIGITS ? weakest_kind
                                                    : RECONCILE_REF_DIGITS;
    int named = 0;
    int i;

    (void)book;
    for (i = 0; i < work->named_count; i++) {
        const struct reconcile_candidate *c = &work->cands[work->named[i]];
        if (c->ref_kind >= floor && !row_has(work, row, c->invoice) &&
            !shares_span(work, row, c)) {
            if (!c->span_in_column)
                return 1;
            named = 2;
        }
    }
    return named;
}

/*
** Returns 1 when the memo points, even by a typo, at an open invoice of the
** row's customer that the row leaves out. With an amount over the row's
** invoices, that is a combined payment whose other numbers were written
** wrong, not an overpayment.
*/
static int leaves_out_pointed(const struct reconcile_book *book,
                              const struct reconcile_work *work,
                              const struct reconcile_row *row)
{
    int customer =
        book->invoices[work->members[row->member_first].invoice].customer;
    int i;

    for (i = 0; i < work->cand_count; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        if (c->eligible && c->ref_kind >= RECONCILE_REF_FUZZY &&
            book->invoices[c->invoice].customer == customer &&
            !row_has(work, row, c->invoice) && !shares_span(work, row, c))
            return 1;
    }
    return 0;
}

/*
** Lists the candidates the memo names (by digits or more, weight 2 or
** more) that tell against rows leaving them out; see named_counts.
*/
static void list_named(const struct reconcile_book *book,
                       struct reconcile_work *work)
{
    int i;

    work->named_count = 0;
    for (i = 0; i < work->cand_count && work->named_count < MAX_NAMED; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        if (c->ref_kind >= RECONCILE_REF_DIGITS &&
            c->ref_weight >= NAMED_WEIGHT && named_counts(book, work, c))
            work->named[work->named_count++] = i;
    }
}

/* Scores the customer side of a row whose invoices belong to customer. */
static double customer_term(const struct reconcile_work *work,
                            struct reconcile_row *row, int customer)
{
    const struct reconcile_payer *p =
        customer >= 0 ? reconcile_payer_of(work, customer) : NULL;

    row->customer = customer;
    if (p != NULL) {
        row->customer_kind = p->kind;
        row->name_similarity = p->similarity;
        return reconcile_payer_weight(p);
    }
    row->customer_kind =
        work->payer_strong ? RECONCILE_CUSTOMER_OTHER : RECONCILE_CUSTOMER_NONE;
    return work->payer_strong ? W_CUSTOMER_OTHER : 0.0;
}

/*
** Fills allocations and the reference, amount and date terms of a row whose
** members are set. Returns 0 when some invoice would get nothing.
*/
static int score_members(const struct reconcile_book *book,
                         struct reconcile_work *work,
                         struct reconcile_scored_row *sr, double *logit)
{
    struct reconcile_row *row = &sr->row;
    sqlite3_int64 left = work->payment->amount_cents;
    sqlite3_int64 open_sum = 0;
    double ref_sum = 0.0;
    double date_min = 100.0;
    int weakest = RECONCILE_REF_STRUCTURED;
    int named;
    int pointed;
    int i;

    for (i = 0; i < row->member_count; i++) {
        struct reconcile_member *m = &work->members[row->member_first + i];
        const struct reconcile_invoice *inv = &book->invoices[m->invoice];
        const struct reconcile_candidate *c =
            reconcile_candidate_of(book, work, m->invoice);
        int before;
        int after;
        double d =
            date_weight(inv, work->payment->received_day, &before, &after);
        m->allocate_cents = left < inv->open_cents ? left : inv->open_cents;
        if (m->allocate_cents <= 0)
            return 0;
        left -= m->allocate_cents;
        open_sum += inv->open_cents;
        if (c != NULL) {
            m->ref_kind = c->ref_kind;
            m->ref_len = c->ref_len;
            m->memo_start = c->memo_start;
            m->memo_end = c->memo_end;
            m->span_in_column = c->span_in_column;
            m->ref_weight = c->ref_weight;
            /* The memo fits another invoice as well, or better. */
            if (c->ref_ambiguous || c->ref_kind == RECONCILE_REF_REGROUPED)
                row->flags |= RECONCILE_ROW_REF_AMBIGUOUS;
        }
        ref_sum += m->ref_weight;
        if (m->ref_kind < weakest)
            weakest = m->ref_kind;
        if (d < date_min) {
            date_min = d;
            row->days_before_issue = before;
            row->days_after_due = after;
        }
        if (i == 0 || inv->issue_day < sr->oldest_day)
            sr->oldest_day = inv->issue_day;
    }
    row->ref_weight = (float)(ref_sum / row->member_count);
    row->difference_cents = work->payment->amount_cents - open_sum;
    row->amount_kind = (unsigned char)reconcile_amount_kind(
        work->settings, work->payment->currency, work->payment->amount_cents,
        open_sum);
    *logit += row->ref_weight + date_min +
              amount_weight(row->amount_kind,
                            row->member_count == 1
                                ? amount_spread(book, work, row->member_first)
                                : 1);
    named = names_other(book, work, row, weakest);
    pointed = row->amount_kind == RECONCILE_AMOUNT_OVER &&
              leaves_out_pointed(book, work, row);
    if (named || pointed) {
        row->flags |= RECONCILE_ROW_NAMES_OTHER;
        *logit += W_NAMES_OTHER;
    }
    if (named == 2 && !pointed)
        row->flags |= RECONCILE_ROW_COLUMN_NAMES_OTHER;
    return 1;
}

/*
** Adds a row for the given invoices (oldest first), scored. Returns
** SQLITE_OK (also when the row is dropped) or SQLITE_NOMEM.
*/
int reconcile_add_row(struct reconcile_book *book, struct reconcile_work *work,
                      const int *invoices, int count, int flags)
{
    struct reconcile_scored_row *sr;
    double logit = W_PRIOR;
    int i;

    if (reconcile_reserve((void **)&work->rows, &work->row_capacity,
                          work->row_count, sizeof(*work->rows)) != SQLITE_OK)
        return SQLITE_NOMEM;
    for (i = 0; i < count; i++)
        if (reconcile_reserve((void **)&work->members, &work->member_capacity,
                              work->member_count + i,
                              sizeof(*work->members)) != SQLITE_OK)
            return SQLITE_NOMEM;
    sr = &work->rows[work->row_count];
    memset(sr, 0, sizeof(*sr));
    sr->row.member_first = work->member_count;
    sr->row.member_count = count;
    sr->row.flags = flags;
    sr->first_id = book->invoices[invoices[0]].invoice_id;
    for (i = 0; i < count; i++) {
        memset(&work->members[work->member_count + i], 0,
               sizeof(*work->members));
        work->members[work->member_count + i].invoice = invoices[i];
    }
    if (!score_members(book, work, sr, &logit))
        return SQLITE_OK;
    logit +=
        customer_term(work, &sr->row, book->invoices[invoices[0]].customer);
    if (count > 1)
        logit += W_SET_EXTRA * (count - 1);
    if (flags & RECONCILE_ROW_AMBIGUOUS)
        logit += W_SET_AMBIGUOUS;
    sr->row.logit = logit;
    work->member_count += count;
    work->row_count++;
    return SQLITE_OK;
}

/* ---- Ranking and output ------------------------------------------------ */

/* Orders rows best first: logit, then oldest, then fewer, then id. */
static int compare_rows(const void *a, const void *b)
{
    const struct reconcile_scored_row *x = a;
    const struct reconcile_scored_row *y = b;

    if (x->row.logit != y->row.logit)
        return x->row.logit > y->row.logit ? -1 : 1;
    if (x->oldest_day != y->oldest_day)
        return x->oldest_day < y->oldest_day ? -1 : 1;
    if (x->row.member_count != y->row.member_count)
        return x->row.member_count < y->row.member_count ? -1 : 1;
    return x->first_id < y->first_id ? -1 : x->first_id > y->first_id;
}

/* Returns 1 when the memo points at a paid or void invoice more strongly
** than at any invoice the payment may pay. */
static int memo_names_closed(const struct reconcile_book *book,
                             const struct reconcile_work *work)
{
    int best_open = RECONCILE_REF_NONE;
    int best_closed = RECONCILE_REF_NONE;
    int i;

    for (i = 0; i < work->cand_count; i++) {
        const struct reconcile_candidate *c = &work->cands[i];
        if (c->ref_weight < NAMED_WEIGHT)
            continue;
        if (c->eligible && c->ref_kind > best_open)
            best_open = c->ref_kind;
        if (!c->eligible && c->ref_kind > best_closed &&
            named_counts(book, work, c))
            best_closed = c->ref_kind;
    }
    return best_closed > best_open;
}

/* Stores the payment's texts in the result, for the evidence column. */
static int add_result_payment(struct reconcile_result *result,
                              const struct reconcile_work *work)
{
    const struct reconcile_payment *p = work->payment;
    struct reconcile_result_payment *rp;
    int memo_len = p->memo_len > RECONCILE_MEMO_MAX_BYTES
                       ? RECONCILE_MEMO_MAX_BYTES
                       : p->memo_len;
    int column_len = p->structured_ref_len > 64 ? 64 : p->structured_ref_len;
    size_t needed = (size_t)memo_len + (size_t)column_len;

    if (reconcile_reserve((void **)&result->payments, &result->payment_capacity,
                          result->payment_count,
                          sizeof(*result->payments)) != SQLITE_OK)
        return SQLITE_NOMEM;
    if (result->text_len + needed > result->text_capacity) {
        size_t wanted = result->text_capacity ? result->text_capacity : 4096;
        char *grown;
        while (wanted < result->text_len + needed)
            wanted *= 2;
        if (wanted > 0xFFFFFFFFu)
            return SQLITE_NOMEM;
        grown = sqlite3_realloc64(result->text, wanted);
        if (grown == NULL)
            return SQLITE_NOMEM;
        result->text = grown;
        result->text_capacity = wanted;
    }
    rp = &result->payments[result->payment_count++];
    memset(rp, 0, sizeof(*rp));
    rp->payment_id = p->payment_id;
    rp->amount_cents = p->amount_cents;
    rp->received_day = p->received_day;
    memcpy(rp->currency, p->currency, 4);
    rp->names_closed = (unsigned char)work->names_closed;
    rp->duplicate_of = p->duplicate_of;
    rp->first_row = result->row_count;
    rp->memo_offset = (unsigned int)result->text_len;
    rp->memo_len = (unsigned short)memo_len;
    if (memo_len > 0)
        memcpy(result->text + result->text_len, p->memo, (size_t)memo_len);
    result->text_len += (size_t)memo_len;
    rp->column_offset = (unsigned int)result->text_len;
    rp->column_len = (unsigned short)column_len;
    if (column_len > 0)
        memcpy(result->text + result->text_len, p->structured_ref,
               (size_t)column_len);
    result->text_len += (size_t)column_len;
    return SQLITE_OK;
}

/* Returns 1 when paid is more than twice what the row's invoices have open. */
static int pays_double(const struct reconcile_row *row, sqlite3_int64 paid)
{
    sqlite3_int64 open = paid - row->difference_cents;

    return row->amount_kind == RECONCILE_AMOUNT_OVER &&
           row->difference_cents > open;
}

/* Decides auto for the best row; see AUTO in the file header. */
static void decide_auto(struct reconcile_work *work)
{
    struct reconcile_row *best = &work->rows[0].row;
    const struct reconcile_payment *p = work->payment;

    if (p->allocated_cents > 0)
        best->flags |= RECONCILE_ROW_ALLOCATED;
    if (p->decision_flags != 0)
        best->flags |= RECONCILE_ROW_DECIDED;
    best->is_auto =
        best->score >= work->settings->auto_threshold &&
        (work->row_count < 2 || best->logit - work->rows[1].row.logit >=
                                    work->settings->auto_margin) &&
        p->allocated_cents == 0 && p->decision_flags == 0 &&
        !work->names_closed &&
        !(best->flags &
          (RECONCILE_ROW_AMBIGUOUS | RECONCILE_ROW_REF_AMBIGUOUS |
           RECONCILE_ROW_SEARCH_STOPPED)) &&
        p->duplicate_of == 0 && !pays_double(best, p->amount_cents);
}

/* Copies the best max_rank rows, with their members, into result. */
static int emit_rows(struct reconcile_work *work,
                     struct reconcile_result *result)
{
    int keep = work->row_count < work->settings->max_rank
                   ? work->row_count
                   : work->settings->max_rank;
    int r;
    int i;

    for (r = 0; r < keep; r++) {
        struct reconcile_row row = work->rows[r].row;
        if (reconcile_reserve((void **)&result->rows, &result->row_capacity,
                              result->row_count,
                              sizeof(*result->rows)) != SQLITE_OK)
            return SQLITE_NOMEM;
        for (i = 0; i < row.member_count; i++) {
            if (reconcile_reserve((void **)&result->members,
                                  &result->member_capacity,
                                  result->member_count,
                                  sizeof(*result->members)) != SQLITE_OK)
                return SQLITE_NOMEM;
            result->members[result->member_count++] =
                work->members[row.member_first + i];
        }
        row.member_first = result->member_count - row.member_count;
        row.payment = result->payment_count - 1;
        row.rank = r + 1;
        result->rows[result->row_count++] = row;
        result->payments[row.payment].row_count++;
    }
    return SQLITE_OK;
}

/* Returns 1 when a person rejected exactly the row's set of invoices. */
static int is_rejected(const struct reconcile_book *book,
                       const struct reconcile_work *work,
                       const struct reconcile_row *row)
{
    sqlite3_int64 ids[MAX_SET];
    char set[MAX_SET * 21 + 2];
    int len = 0;
    int i;
    int j;

    if (work->payment->rejected_sets == NULL)
        return 0;
    for (i = 0; i < row->member_count; i++) {
        sqlite3_int64 id =
            book->invoices[work->members[row->member_first + i].invoice]
                .invoice_id;
        for (j = i; j > 0 && ids[j - 1] > id; j--)
            ids[j] = ids[j - 1];
        ids[j] = id;
    }
    set[len++] = ';';
    for (i = 0; i < row->member_count; i++) {
        sqlite3_snprintf((int)sizeof(set) - len, set + len, "%s%lld",
                         i ? "," : "", ids[i]);
        len += (int)strlen(set + len);
    }
    set[len++] = ';';
    set[len] = '\0';
    return strstr(work->payment->rejected_sets, set) != NULL;
}

/* Removes the rows a person rejected, keeping the order of the rest. */
static void drop_rejected(const struct reconcile_book *book,
                          struct reconcile_work *work)
{
    int kept = 0;
    int r;

    for (r = 0; r < work->row_count; r++)
        if (!is_rejected(book, work, &work->rows[r].row))
            work->rows[kept++] = work->rows[r];
    work->row_count = kept;
}

/* Builds the single and set rows of the payment from the candidates. */
static int build_rows(struct reconcile_book *book, struct reconcile_work *work)
{
    int rc = SQLITE_OK;
    int i;
    work->row_count = 0;
    work->member_count = 0;
    list_named(book, work);
    for (i = 0; i < work->cand_count && rc == SQLITE_OK; i++)
        if (work->cands[i].eligible)
            rc = reconcile_add_row(book, work, &work->cands[i].invoice, 1, 0);
    work->best_single_logit = -1e9;
    for (i = 0; i < work->row_count; i++)
        if (work->rows[i].row.logit > work->best_single_logit)
            work->best_single_logit = work->rows[i].row.logit;
    if (rc == SQLITE_OK)
        rc = reconcile_add_sets(book, work);
    drop_rejected(book, work);
    return rc;
}

/* Finds every invoice the payment may pay: references, payer, amount. */
static int find_candidates(struct reconcile_book *book,
                           struct reconcile_work *work)
{
    const struct reconcile_payment *p = work->payment;
    int rc;
    int i;

    reconcile_memo_parse(p->memo, p->memo_len, &work->memo);
    reconcile_memo_add_structured(&work->memo, p->structured_ref,
                                  p->structured_ref_len);
    work->cand_count = 0;
    work->weak_count = 0;
    reconcile_find_payers(book, work);
    rc = reconcile_find_references(book, work);
    for (i = 0; i < work->payer_count && rc == SQLITE_OK; i++)
        rc = add_customer_invoices(book, work, work->payers[i].customer);
    if (rc == SQLITE_OK)
        rc = add_amount_matches(book, work);
    if (rc == SQLITE_OK)
        reconcile_apply_weak_keys(book, work);
    return rc;
}

int reconcile_score_payment(struct reconcile_book *book,
                            const struct reconcile_settings *settings,
                            struct reconcile_work *work,
                            const struct reconcile_payment *payment,
                            struct reconcile_result *result)
{
    int rc;
    int r;

    work->seq++;
    work->payment = payment;
    work->settings = settings;
    rc = find_candidates(book, work);
    if (rc == SQLITE_OK)
        rc = build_rows(book, work);
    if (rc != SQLITE_OK || work->row_count == 0)
        return rc;
    for (r = 0; r < work->row_count; r++)
        work->rows[r].row.score = 1.0 / (1.0 + exp(-work->rows[r].row.logit));
    qsort(work->rows, (size_t)work->row_count, sizeof(*work->rows),
          compare_rows);
    work->names_closed = memo_names_closed(book, work);
    decide_auto(work);
    rc = add_result_payment(result, work);
    if (rc == SQLITE_OK)
        rc = emit_rows(work, result);
    return rc;
}

void reconcile_result_clear(struct reconcile_result *result)
{
    result->row_count = 0;
    result->member_count = 0;
    result->payment_count = 0;
    result->text_len = 0;
}

void reconcile_result_free(struct reconcile_result *result)
{
    sqlite3_free(result->rows);
    sqlite3_free(result->members);
    sqlite3_free(result->payments);
    sqlite3_free(result->text);
    memset(result, 0, sizeof(*result));
}
