/*
** Candidate search and scoring: for one payment, which open invoices (or
** sets of them) it may pay, and how sure that is.
**
** CANDIDATES come from four places, all hash lookups in the book:
**   - references: each key of the memo (reconcile_memo.c) looked up among
**     the invoice number keys; keys with no exact hit are also looked up
**     within one edit or one adjacent swap through the deletion index;
**     structured references are looked up by their payload;
**   - the payer's customers: every open invoice (oldest 40) of each
**     customer the payer was matched to;
**   - the amount: open invoices with exactly the payment's amount, when
**     16 or fewer share it;
**   - sets: the invoices the memo names, when they belong to one customer,
**     and subsets of 2 to subset_max_size of a customer's oldest
**     subset_max_invoices open invoices whose sum is the amount (or short
**     of it by the fee tolerance), searched depth-first with the oldest
**     invoice taken first, so among equal sums the oldest invoices win.
** Only invoices in the payment's currency, and of the payment's customer
** when payments.customer_id is set, are candidates.
**
** SCORE: each piece of evidence adds log-odds (natural log); the score is
** 1 / (1 + exp(-sum)). Weights (W_* below):
**   prior                                           -4.0
**   reference (the best one pointing at the invoice; for a set, the mean
**   over its invoices), less ln(k) when the same memo text points at k
**   invoices, never below 0.3:
**     valid structured reference (RF, Finnish, Belgian)   +14.0
**     number as normalized, or as written                  +8.0
**     its digits only (prefix or letters dropped)          +7.0
**     one edit or swap away, number of 6+ characters       +4.5
**       ... of 4 or 5 characters                           +2.5
**     payload of a structured reference with bad check digits +3.0
**     last digit run only (the serial): 5+ digits +5.0, 4: +3.5,
**       3: +2.0, 1-2: +1.0
**   memo names (as exactly, or by digits) an invoice left out  -3.0
**   amount against the open amount (tolerance = fee_abs_cents +
**   open * fee_pct / 100):
**     equal +4.0; short within tolerance +2.5; over within tolerance
**     +1.5; short beyond (partial payment) -0.5; over beyond 0.0
**   payer:
**     payments.customer_id is the customer                 +4.0
**     payer account learned for the customer (alias)       +4.0
**     ... learned for several customers                    +1.5
**     payer name learned for the customer (alias)          +3.0
**     name similarity >= 0.97 +3.0, >= 0.90 +2.0, >= 0.80 +1.0
**     payer matched another customer strongly, not this one  -3.0
**   dates:
**     received before the invoice was issued               -3.0
**     within 15 days of the due date                       +0.5
**     60 days before to 90 days after the due date         +0.2
**     more than 365 days after the due date                -1.0
**   sets: -0.3 for each invoice after the first; -1.5 when another subset
**   of the same size or smaller sums the same.
** Name similarity is Jaro-Winkler of the name keys (reconcile_name_key),
** raised to 0.97 when one key is a prefix of the other of 8 bytes or more
** (banks cut names), to 0.98 when both have the same words in another
** order, and to 0.90 when every word of the payer is a word of the
** customer.
**
** AUTO: rank 1, score >= auto_threshold, logit at least auto_margin above
** rank 2's, the payment has no allocation yet, no person rejected or undid
** a match of it, and the memo names no paid or void invoice more strongly
** than any open one (a probable duplicate).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "fuzzy.h"
#include "reconcile.h"
#include "utf8.h"

/* Log-odds weights; see the table in the file header. */
#define W_PRIOR (-4.0)
#define W_REF_STRUCTURED 14.0
#define W_REF_EXACT 8.0
#define W_REF_DIGITS 7.0
#define W_REF_FUZZY_LONG 4.5
#define W_REF_FUZZY_SHORT 2.5
#define W_REF_STRUCTURED_INVALID 3.0
#define W_REF_FLOOR 0.3
#define W_NAMES_OTHER (-3.0)
#define W_AMOUNT_EQUAL 4.0
#define W_AMOUNT_FEE 2.5
#define W_AMOUNT_OVER_FEE 1.5
#define W_AMOUNT_SHORT (-0.5)
#define W_AMOUNT_OVER 0.0
#define W_CUSTOMER_PAYMENT 4.0
#define W_CUSTOMER_ACCOUNT 4.0
#define W_CUSTOMER_SHARED 1.5
#define W_CUSTOMER_NAME_ALIAS 3.0
#define W_CUSTOMER_OTHER (-3.0)
#define W_DATE_BEFORE_ISSUE (-3.0)
#define W_DATE_NEAR_DUE 0.5
#define W_DATE_IN_WINDOW 0.2
#define W_DATE_VERY_LATE (-1.0)
#define W_SET_EXTRA (-0.3)
#define W_SET_AMBIGUOUS (-1.5)

/* Reference weight from which an invoice counts as named by the memo. */
#define NAMED_WEIGHT 2.0

/* Search limits; see the file header. */
#define MAX_CUSTOMER_INVOICES 40
#define MAX_AMOUNT_MATCHES 16
#define MAX_SERIAL_MATCHES 64
#define MAX_FUZZY_MATCHES 32
#define MAX_PAYERS 6
#define MAX_FOCUS 4
#define MAX_WEAK_KEYS 16
#define MAX_NAME_CANDIDATES 256
#define MAX_NAME_WORD_POSTINGS 400
#define MAX_SET 16
#define SUBSET_NODE_BUDGET 20000
#define NAME_KEY_SIZE 128

void reconcile_settings_default(struct reconcile_settings *s)
{
    s->auto_threshold = 0.97;
    s->auto_margin = 2.0;
    s->fee_abs_cents = 1000;
    s->fee_pct = 3.0;
    s->max_rank = 5;
    s->subset_max_invoices = 16;
    s->subset_max_size = 8;
    s->closed_lookback_days = 365;
}

sqlite3_int64 reconcile_fee_tolerance(const struct reconcile_settings *s,
                                      sqlite3_int64 open_cents)
{
    return s->fee_abs_cents +
           (sqlite3_int64)((double)open_cents * s->fee_pct / 100.0);
}

/* An invoice seen for the current payment, with its best reference. */
struct candidate {
    int invoice;
    int eligible;           /* open, same currency, allowed customer */
    float ref_weight;       /* reference term, 0 when none */
    unsigned char ref_kind; /* enum reconcile_ref_kind */
    unsigned char ref_len;
    unsigned char span_in_column;
    unsigned short memo_start;
    unsigned short memo_end;
};

/* A customer the payer was matched to. */
struct payer {
    int customer;
    unsigned char kind; /* enum reconcile_customer_kind */
    float similarity;   /* name similarity, 1 for the other kinds */
};

/* A serial key shared by too many invoices to list them all. */
struct weak_key {
    int key;    /* index in the memo's keys */
    int spread; /* invoices that share it */
};

/* A row being built, with its sort keys. */
struct scored_row {
    struct reconcile_row row;
    int oldest_day;         /* issue day of its oldest invoice */
    sqlite3_int64 first_id; /* invoice_id of its first invoice */
};

/* State of one subset-sum search. */
struct subset_search {
    int invoice[MAX_SET * 2]; /* pool, oldest first */
    sqlite3_int64 cents[MAX_SET * 2];
    sqlite3_int64 suffix[MAX_SET * 2 + 1]; /* sum of cents[i..] */
    int pool;
    int pick[MAX_SET];
    int best[MAX_SET];
    int best_count;
    int solutions;
    int budget;
    int max_size;
    sqlite3_int64 low;
    sqlite3_int64 high;
};

struct reconcile_work {
    int seq; /* stamp of the current payment */
    const struct reconcile_payment *payment;
    const struct reconcile_settings *settings;
    struct reconcile_memo memo;
    struct candidate *cands;
    int cand_count;
    int cand_capacity;
    struct payer payers[MAX_PAYERS];
    int payer_count;
    int payer_strong; /* payer identified beyond doubt */
    struct weak_key weak[MAX_WEAK_KEYS];
    int weak_count;
    struct scored_row *rows;
    int row_count;
    int row_capacity;
    struct reconcile_member *members;
    int member_count;
    int member_capacity;
    int focus[MAX_FOCUS];
    int focus_count;
    int names_closed; /* see reconcile_result_payment */
    struct subset_search subset;
    char name_key[NAME_KEY_SIZE];
    int name_len;
    uint32_t points_a[NAME_KEY_SIZE];
    uint32_t points_b[NAME_KEY_SIZE];
    int seen_customer[MAX_NAME_CANDIDATES];
};

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
static int reserve(void **array, int *capacity, int count, size_t size)
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

/* ---- Reference evidence ------------------------------------------------ */

/* Returns the reference weight of a match; see the table above. */
static double ref_weight(int kind, int len, int spread)
{
    double base;

    switch (kind) {
    case RECONCILE_REF_STRUCTURED:
        base = W_REF_STRUCTURED;
        break;
    case RECONCILE_REF_EXACT:
        base = W_REF_EXACT;
        break;
    case RECONCILE_REF_DIGITS:
        base = W_REF_DIGITS;
        break;
    case RECONCILE_REF_STRUCTURED_INVALID:
        base = W_REF_STRUCTURED_INVALID;
        break;
    case RECONCILE_REF_FUZZY:
        base = len >= 6 ? W_REF_FUZZY_LONG : W_REF_FUZZY_SHORT;
        break;
    case RECONCILE_REF_SERIAL:
        base = len >= 5 ? 5.0 : len == 4 ? 3.5 : len == 3 ? 2.0 : 1.0;
        break;
    default:
        return 0.0;
    }
    if (spread > 1)
        base -= log((double)spread);
    return base < W_REF_FLOOR ? W_REF_FLOOR : base;
}

/* Returns 1 when the invoice may receive this payment's money. */
static int is_eligible(const struct reconcile_book *book,
                       const struct reconcile_work *work, int invoice)
{
    const struct reconcile_invoice *inv = &book->invoices[invoice];
    const struct reconcile_payment *p = work->payment;

    if (inv->state != RECONCILE_INVOICE_OPEN ||
        memcmp(inv->currency, p->currency, 3) != 0)
        return 0;
    if (!p->has_customer)
        return 1;
    return inv->customer >= 0 &&
           book->customers[inv->customer].customer_id == p->customer_id;
}

/* A reference match to record on a candidate. */
struct ref_match {
    int kind;   /* enum reconcile_ref_kind */
    int len;    /* length of the invoice key matched */
    int spread; /* invoices the same memo text points at */
    int start;  /* span of the text that matched */
    int end;
    int in_column; /* 1: the span is in structured_ref */
};

/*
** Returns the candidate slot of invoice, creating it, and records the
** match when it is stronger than what the slot has. NULL match records
** nothing. Returns -1 when out of memory.
*/
static int add_candidate(struct reconcile_book *book,
                         struct reconcile_work *work, int invoice,
                         const struct ref_match *match)
{
    struct candidate *c;
    double weight;

    if (book->stamp[invoice] != work->seq) {
        if (reserve((void **)&work->cands, &work->cand_capacity,
                    work->cand_count, sizeof(*work->cands)) != SQLITE_OK)
            return -1;
        book->stamp[invoice] = work->seq;
        book->slot[invoice] = work->cand_count;
        c = &work->cands[work->cand_count++];
        memset(c, 0, sizeof(*c));
        c->invoice = invoice;
        c->eligible = is_eligible(book, work, invoice);
    }
    c = &work->cands[book->slot[invoice]];
    if (match == NULL)
        return book->slot[invoice];
    weight = ref_weight(match->kind, match->len, match->spread);
    if (weight > c->ref_weight ||
        (weight == c->ref_weight && match->kind > c->ref_kind)) {
        c->ref_weight = (float)weight;
        c->ref_kind = (unsigned char)match->kind;
        c->ref_len = (unsigned char)match->len;
        c->memo_start = (unsigned short)match->start;
        c->memo_end = (unsigned short)match->end;
        c->span_in_column = (unsigned char)match->in_column;
    }
    return book->slot[invoice];
}

/* Returns the reference kind a posting's key tag gives in a memo. */
static int kind_of_tag(int tag)
{
    switch (tag) {
    case RECONCILE_KEY_RAW:
    case RECONCILE_KEY_NORM:
        return RECONCILE_REF_EXACT;
    case RECONCILE_KEY_DIGITS:
    case RECONCILE_KEY_RAW_DIGITS:
        return RECONCILE_REF_DIGITS;
    default:
        return RECONCILE_REF_SERIAL;
    }
}

/*
** Looks up one memo key among the invoice numbers. Returns the number of
** invoices it names by more than their serial (0 when none), or -1 when
** out of memory.
*/
static int lookup_key(struct reconcile_book *book, struct reconcile_work *work,
                      int key_index)
{
    const struct reconcile_memo_key *k = &work->memo.keys[key_index];
    const struct reconcile_keymap *m = &book->numbers;
    int entry = reconcile_keymap_find(m, k->text, k->len);
    int count[RECONCILE_REF_STRUCTURED + 1] = {0};
    int p;

    if (entry < 0)
        return 0;
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next)
        count[kind_of_tag(m->postings[p].tag)]++;
    if (count[RECONCILE_REF_SERIAL] > MAX_SERIAL_MATCHES) {
        if (work->weak_count < MAX_WEAK_KEYS) {
            work->weak[work->weak_count].key = key_index;
            work->weak[work->weak_count++].spread = count[RECONCILE_REF_SERIAL];
        }
        count[RECONCILE_REF_SERIAL] = 0;
    }
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next) {
        const struct reconcile_invoice *inv =
            &book->invoices[m->postings[p].value];
        struct ref_match match;
        match.kind = kind_of_tag(m->postings[p].tag);
        if (count[match.kind] == 0)
            continue;
        match.len =
            match.kind == RECONCILE_REF_SERIAL ? inv->serial_len : k->len;
        match.spread = count[match.kind];
        match.start = k->start;
        match.end = k->end;
        match.in_column = 0;
        if (add_candidate(book, work, m->postings[p].value, &match) < 0)
            return -1;
    }
    return count[RECONCILE_REF_EXACT] + count[RECONCILE_REF_DIGITS];
}

/* A fuzzy hit: an open invoice and the length of its key. */
struct fuzzy_hit {
    int invoice;
    int len;
};

/* Adds a hit unless the invoice is already there; 0 when the list is full. */
static int add_hit(struct fuzzy_hit *hits, int *count, int invoice, int len)
{
    int i;

    for (i = 0; i < *count; i++)
        if (hits[i].invoice == invoice)
            return 1;
    if (*count == MAX_FUZZY_MATCHES + 1)
        return 0;
    hits[*count].invoice = invoice;
    hits[(*count)++].len = len;
    return 1;
}

/* Returns the invoice's key a deletion-map tag names. */
static const char *tagged_key(const struct reconcile_book *book, int invoice,
                              int tag, int *len_out)
{
    const struct reconcile_invoice *inv = &book->invoices[invoice];

    if (tag == RECONCILE_KEY_DIGITS) {
        *len_out = inv->digits_len;
        return reconcile_book_text(book, inv->digits_offset);
    }
    *len_out = inv->norm_len;
    return reconcile_book_text(book, inv->norm_offset);
}

/* Returns 1 when a and b (same length) differ by one substitution or swap. */
static int one_substitution_or_swap(const char *a, const char *b, int n)
{
    int first = -1;
    int i;

    for (i = 0; i < n; i++) {
        if (a[i] == b[i])
            continue;
        if (first < 0) {
            first = i;
            continue;
        }
        /* A second difference is allowed only as the swap of neighbours. */
        if (i != first + 1 || a[first] != b[i] || a[i] != b[first])
            return 0;
        return memcmp(a + i + 1, b + i + 1, (size_t)(n - i - 1)) == 0;
    }
    return first >= 0;
}

/* Collects the open invoices whose key is within one edit of key. */
static int collect_fuzzy(const struct reconcile_book *book, const char *key,
                         int len, struct fuzzy_hit *hits)
{
    const struct reconcile_keymap *del = &book->deletions;
    const struct reconcile_keymap *num = &book->numbers;
    char variant[RECONCILE_KEY_MAX];
    int count = 0;
    int entry;
    int i;
    int p;

    /* The invoice key has one more character: key is one of its deletions. */
    entry = reconcile_keymap_find(del, key, len);
    for (p = entry < 0 ? -1 : del->entries[entry].first; p >= 0;
         p = del->postings[p].next)
        if (!add_hit(hits, &count, del->postings[p].value, len + 1))
            return count;
    for (i = 0; i < len; i++) {
        if (i > 0 && key[i] == key[i - 1])
            continue;
        memcpy(variant, key, (size_t)i);
        memcpy(variant + i, key + i + 1, (size_t)(len - i - 1));
        /* The invoice key has one character less. */
        entry = reconcile_keymap_find(num, variant, len - 1);
        for (p = entry < 0 ? -1 : num->entries[entry].first; p >= 0;
             p = num->postings[p].next) {
            int tag = num->postings[p].tag;
            int inv = num->postings[p].value;
            if ((tag == RECONCILE_KEY_NORM || tag == RECONCILE_KEY_DIGITS) &&
                book->invoices[inv].state == RECONCILE_INVOICE_OPEN &&
                !add_hit(hits, &count, inv, len - 1))
                return count;
        }
        /* Same length: one substitution or one swap of neighbours. */
        entry = reconcile_keymap_find(del, variant, len - 1);
        for (p = entry < 0 ? -1 : del->entries[entry].first; p >= 0;
             p = del->postings[p].next) {
            int klen;
            int inv = del->postings[p].value;
            const char *k = tagged_key(book, inv, del->postings[p].tag, &klen);
            if (klen == len && one_substitution_or_swap(key, k, len) &&
                !add_hit(hits, &count, inv, len))
                return count;
        }
    }
    return count;
}

/* Returns the number of ASCII digits in key. */
static int count_digits(const char *key, int len)
{
    int digits = 0;
    int i;

    for (i = 0; i < len; i++)
        digits += key[i] >= '0' && key[i] <= '9';
    return digits;
}

/* Looks up a memo key within one edit; too many hits say nothing. */
static int lookup_fuzzy(struct reconcile_book *book,
                        struct reconcile_work *work, int key_index)
{
    const struct reconcile_memo_key *k = &work->memo.keys[key_index];
    struct fuzzy_hit hits[MAX_FUZZY_MATCHES + 1];
    int count;
    int i;

    if (k->raw || k->len < 4 || count_digits(k->text, k->len) < 3)
        return SQLITE_OK;
    count = collect_fuzzy(book, k->text, k->len, hits);
    if (count > MAX_FUZZY_MATCHES)
        return SQLITE_OK;
    for (i = 0; i < count; i++) {
        struct ref_match match;
        match.kind = RECONCILE_REF_FUZZY;
        match.len = hits[i].len;
        match.spread = count;
        match.start = k->start;
        match.end = k->end;
        match.in_column = 0;
        if (add_candidate(book, work, hits[i].invoice, &match) < 0)
            return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

/* Looks up one form of a structured reference's payload. */
static int lookup_payload(struct reconcile_book *book,
                          struct reconcile_work *work,
                          const struct reconcile_memo_ref *r, const char *key,
                          int len)
{
    const struct reconcile_keymap *m = &book->numbers;
    int entry = reconcile_keymap_find(m, key, len);
    int p;

    for (p = entry < 0 ? -1 : m->entries[entry].first; p >= 0;
         p = m->postings[p].next) {
        struct ref_match match;
        if (m->postings[p].tag == RECONCILE_KEY_SERIAL)
            continue;
        match.kind = r->ref.valid ? RECONCILE_REF_STRUCTURED
                                  : RECONCILE_REF_STRUCTURED_INVALID;
        match.len = len;
        match.spread = m->entries[entry].count;
        match.start = r->start;
        match.end = r->end;
        match.in_column = !r->from_memo;
        if (add_candidate(book, work, m->postings[p].value, &match) < 0)
            return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

/* Looks up a structured reference as written, normalized and as digits. */
static int lookup_structured(struct reconcile_book *book,
                             struct reconcile_work *work,
                             const struct reconcile_memo_ref *r)
{
    const char *payload = r->ref.payload;
    int n = r->ref.payload_len;
    char key[RECONCILE_KEY_MAX];
    int len;
    int rc;

    rc = lookup_payload(book, work, r, payload, n);
    len = reconcile_normalize(payload, n, key, sizeof(key));
    if (rc == SQLITE_OK && len > 0 &&
        (len != n || memcmp(key, payload, (size_t)n) != 0))
        rc = lookup_payload(book, work, r, key, len);
    return rc;
}

/* Gives candidates their serial match from keys too common to list. */
static void apply_weak_keys(const struct reconcile_book *book,
                            struct reconcile_work *work)
{
    int w;
    int i;

    for (w = 0; w < work->weak_count; w++) {
        const struct reconcile_memo_key *k =
            &work->memo.keys[work->weak[w].key];
        double weight =
            ref_weight(RECONCILE_REF_SERIAL, k->len, work->weak[w].spread);
        for (i = 0; i < work->cand_count; i++) {
            struct candidate *c = &work->cands[i];
            const struct reconcile_invoice *inv = &book->invoices[c->invoice];
            if (c->ref_weight >= weight || inv->serial_len != k->len ||
                memcmp(reconcile_book_text(book, inv->serial_offset), k->text,
                       k->len) != 0)
                continue;
            c->ref_weight = (float)weight;
            c->ref_kind = RECONCILE_REF_SERIAL;
            c->ref_len = k->len;
            c->memo_start = k->start;
            c->memo_end = k->end;
            c->span_in_column = 0;
        }
    }
}

/* Finds every invoice the memo and the structured reference point at. */
static int find_references(struct reconcile_book *book,
                           struct reconcile_work *work)
{
    int i;
    int rc = SQLITE_OK;

    for (i = 0; i < work->memo.ref_count && rc == SQLITE_OK; i++)
        rc = lookup_structured(book, work, &work->memo.refs[i]);
    for (i = 0; i < work->memo.key_count && rc == SQLITE_OK; i++) {
        int found = lookup_key(book, work, i);
        if (found < 0)
            rc = SQLITE_NOMEM;
        else if (found == 0)
            rc = lookup_fuzzy(book, work, i);
    }
    return rc;
}

/* ---- Payer evidence ---------------------------------------------------- */

/* Returns the customer weight of a payer match. */
static double payer_weight(const struct payer *p)
{
    switch (p->kind) {
    case RECONCILE_CUSTOMER_PAYMENT:
        return W_CUSTOMER_PAYMENT;
    case RECONCILE_CUSTOMER_ACCOUNT:
        return W_CUSTOMER_ACCOUNT;
    case RECONCILE_CUSTOMER_NAME_ALIAS:
        return W_CUSTOMER_NAME_ALIAS;
    case RECONCILE_CUSTOMER_SHARED_ACCOUNT:
        return W_CUSTOMER_SHARED;
    case RECONCILE_CUSTOMER_NAME:
        return p->similarity >= 0.97f   ? 3.0
               : p->similarity >= 0.90f ? 2.0
               : p->similarity >= 0.80f ? 1.0
                                        : 0.0;
    default:
        return 0.0;
    }
}

/* Adds or strengthens a payer match. */
static void add_payer(struct reconcile_work *work, int customer, int kind,
                      double similarity)
{
    struct payer candidate;
    int i;

    candidate.customer = customer;
    candidate.kind = (unsigned char)kind;
    candidate.similarity = (float)similarity;
    for (i = 0; i < work->payer_count; i++) {
        if (work->payers[i].customer != customer)
            continue;
        if (payer_weight(&candidate) > payer_weight(&work->payers[i]))
            work->payers[i] = candidate;
        return;
    }
    /* When full, the weakest match gives way to a stronger one. */
    if (work->payer_count == MAX_PAYERS) {
        int weakest = 0;
        for (i = 1; i < MAX_PAYERS; i++)
            if (payer_weight(&work->payers[i]) <
                payer_weight(&work->payers[weakest]))
                weakest = i;
        if (payer_weight(&work->payers[weakest]) < payer_weight(&candidate))
            work->payers[weakest] = candidate;
        return;
    }
    work->payers[work->payer_count++] = candidate;
}

/* Adds the customers an alias key points at. */
static void add_alias_payers(const struct reconcile_book *book,
                             struct reconcile_work *work, const char *key,
                             int len, int kind)
{
    const struct reconcile_keymap *m = &book->aliases;
    int entry = reconcile_keymap_find(m, key, len);
    int distinct = 0;
    int first = -1;
    int p;

    if (entry < 0)
        return;
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next) {
        if (first < 0)
            first = m->postings[p].value;
        else if (m->postings[p].value != first)
            distinct = 1;
    }
    if (kind == RECONCILE_CUSTOMER_ACCOUNT && distinct)
        kind = RECONCILE_CUSTOMER_SHARED_ACCOUNT;
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next)
        add_payer(work, m->postings[p].value, kind, 1.0);
}

/* Returns 1 when every word of a (space-separated) is a word of b. */
static int words_within(const char *a, int n, const char *b, int m)
{
    int i = 0;

    while (i < n) {
        int start = i;
        int found = 0;
        int j = 0;
        while (i < n && a[i] != ' ')
            i++;
        while (j < m && !found) {
            int wstart = j;
            while (j < m && b[j] != ' ')
                j++;
            found = j - wstart == i - start &&
                    memcmp(b + wstart, a + start, (size_t)(i - start)) == 0;
            j++;
        }
        if (!found)
            return 0;
        i++;
    }
    return 1;
}

/* Decodes a name key into code points; bytes when it is not UTF-8. */
static int name_points(const char *key, int len, uint32_t *out)
{
    int count = 0;
    int invalid = 0;
    int i;

    if (utf8_to_code_points((const unsigned char *)key, len, out, NAME_KEY_SIZE,
                            &count, &invalid) == UTF8_OK)
        return count;
    for (i = 0; i < len && i < NAME_KEY_SIZE; i++)
        out[i] = (unsigned char)key[i];
    return i;
}

/* Returns the similarity of the payer's name key to a customer's. */
static double name_similarity(struct reconcile_work *work, const char *key,
                              int len)
{
    const char *payer = work->name_key;
    int n = work->name_len;
    int shorter = n < len ? n : len;
    double similarity;
    int a;
    int b;

    if (n == 0 || len == 0)
        return 0.0;
    if (n == len && memcmp(payer, key, (size_t)n) == 0)
        return 1.0;
    a = name_points(payer, n, work->points_a);
    b = name_points(key, len, work->points_b);
    similarity = fuzzy_jaro_winkler(work->points_a, a, work->points_b, b);
    if (shorter >= 8 && memcmp(payer, key, (size_t)shorter) == 0 &&
        similarity < 0.97)
        similarity = 0.97;
    if (words_within(payer, n, key, len)) {
        double floor = words_within(key, len, payer, n) ? 0.98 : 0.90;
        if (similarity < floor)
            similarity = floor;
    }
    return similarity;
}

/* Matches the payer's name key against customers sharing a word prefix. */
static void add_name_payers(const struct reconcile_book *book,
                            struct reconcile_work *work)
{
    const struct reconcile_keymap *m = &book->name_words;
    const char *key = work->name_key;
    int seen = 0;
    int i = 0;

    while (i < work->name_len) {
        int start = i;
        int entry;
        int p;
        while (i < work->name_len && key[i] != ' ')
            i++;
        entry = i - start >= 3
                    ? reconcile_keymap_find(m, key + start,
                                            i - start < 4 ? i - start : 4)
                    : -1;
        i++;
        if (entry < 0 || m->entries[entry].count > MAX_NAME_WORD_POSTINGS)
            continue;
        for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next) {
            const struct reconcile_customer *c =
                &book->customers[m->postings[p].value];
            double similarity;
            int k;
            for (k = 0; k < seen; k++)
                if (work->seen_customer[k] == m->postings[p].value)
                    break;
            if (k < seen || seen == MAX_NAME_CANDIDATES)
                continue;
            work->seen_customer[seen++] = m->postings[p].value;
            similarity = name_similarity(
                work, reconcile_book_text(book, c->name_offset), c->name_len);
            if (similarity >= 0.80)
                add_payer(work, m->postings[p].value, RECONCILE_CUSTOMER_NAME,
                          similarity);
        }
    }
}

/* Finds the customers the payer may be. */
static void find_payers(const struct reconcile_book *book,
                        struct reconcile_work *work)
{
    const struct reconcile_payment *p = work->payment;
    char key[NAME_KEY_SIZE + 1];
    int len;
    int i;

    work->payer_count = 0;
    work->payer_strong = 0;
    work->name_len = 0;
    if (p->has_customer) {
        int c = reconcile_book_customer(book, p->customer_id);
        if (c >= 0)
            add_payer(work, c, RECONCILE_CUSTOMER_PAYMENT, 1.0);
        work->payer_strong = 1;
        return;
    }
    if (p->payer_account != NULL) {
        key[0] = RECONCILE_ALIAS_ACCOUNT;
        len = reconcile_account_key(p->payer_account, p->payer_account_len,
                                    key + 1, NAME_KEY_SIZE);
        if (len > 0)
            add_alias_payers(book, work, key, len + 1,
                             RECONCILE_CUSTOMER_ACCOUNT);
    }
    if (p->payer_name != NULL)
        work->name_len = reconcile_name_key(p->payer_name, p->payer_name_len,
                                            work->name_key, NAME_KEY_SIZE);
    if (work->name_len > 0) {
        key[0] = RECONCILE_ALIAS_NAME;
        memcpy(key + 1, work->name_key, (size_t)work->name_len);
        add_alias_payers(book, work, key, work->name_len + 1,
                         RECONCILE_CUSTOMER_NAME_ALIAS);
        add_name_payers(book, work);
    }
    for (i = 0; i < work->payer_count; i++)
        if (payer_weight(&work->payers[i]) >= 3.0 &&
            work->payers[i].kind != RECONCILE_CUSTOMER_SHARED_ACCOUNT)
            work->payer_strong = 1;
}

/* Returns the payer match of customer, or NULL. */
static const struct payer *payer_of(const struct reconcile_work *work,
                                    int customer)
{
    int i;

    for (i = 0; i < work->payer_count; i++)
        if (work->payers[i].customer == customer)
            return &work->payers[i];
    return NULL;
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
        if (memcmp(book->invoices[inv].currency, work->payment->currency, 3))
            continue;
        if (add_candidate(book, work, inv, NULL) < 0)
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
    if (entry < 0 || m->entries[entry].count > MAX_AMOUNT_MATCHES)
        return SQLITE_OK;
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next)
        if (add_candidate(book, work, m->postings[p].value, NULL) < 0)
            return SQLITE_NOMEM;
    return SQLITE_OK;
}

/* ---- Scoring a row ----------------------------------------------------- */

/* Returns the amount kind of paying paid against open. */
static int amount_kind(const struct reconcile_settings *s, sqlite3_int64 paid,
                       sqlite3_int64 open)
{
    sqlite3_int64 tolerance = reconcile_fee_tolerance(s, open);
    sqlite3_int64 diff = paid - open;

    if (diff == 0)
        return RECONCILE_AMOUNT_EQUAL;
    if (diff < 0)
        return -diff <= tolerance ? RECONCILE_AMOUNT_FEE
                                  : RECONCILE_AMOUNT_SHORT;
    return diff <= tolerance ? RECONCILE_AMOUNT_OVER_FEE
                             : RECONCILE_AMOUNT_OVER;
}

static double amount_weight(int kind)
{
    static const double weights[] = {W_AMOUNT_EQUAL, W_AMOUNT_FEE,
                                     W_AMOUNT_OVER_FEE, W_AMOUNT_SHORT,
                                     W_AMOUNT_OVER};
    return weights[kind];
}

/* Returns the date term of one invoice; sets *before_out and *after_out. */
static double date_weight(const struct reconcile_invoice *inv, int received,
                          int *before_out, int *after_out)
{
    int after_due = received - inv->due_day;

    *before_out = inv->issue_day - received;
    *after_out = after_due;
    if (*before_out > 0)
        return W_DATE_BEFORE_ISSUE;
    if (after_due >= -15 && after_due <= 15)
        return W_DATE_NEAR_DUE;
    if (after_due >= -60 && after_due <= 90)
        return W_DATE_IN_WINDOW;
    return after_due > 365 ? W_DATE_VERY_LATE : 0.0;
}

/* Returns the candidate of invoice for this payment, or NULL. */
static const struct candidate *candidate_of(const struct reconcile_book *book,
                                            const struct reconcile_work *work,
                                            int invoice)
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

/* Returns 1 when the memo names, as strongly, an invoice the row leaves out. */
static int names_other(const struct reconcile_work *work,
                       const struct reconcile_row *row, int weakest_kind)
{
    int floor = weakest_kind > RECONCILE_REF_DIGITS ? weakest_kind
                                                    : RECONCILE_REF_DIGITS;
    int i;

    for (i = 0; i < work->cand_count; i++) {
        const struct candidate *c = &work->cands[i];
        if (c->ref_kind >= floor && c->ref_weight >= NAMED_WEIGHT &&
            !row_has(work, row, c->invoice))
            return 1;
    }
    return 0;
}

/* Scores the customer side of a row whose invoices belong to customer. */
static double customer_term(const struct reconcile_work *work,
                            struct reconcile_row *row, int customer)
{
    const struct payer *p = customer >= 0 ? payer_of(work, customer) : NULL;

    row->customer = customer;
    if (p != NULL) {
        row->customer_kind = p->kind;
        row->name_similarity = p->similarity;
        return payer_weight(p);
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
                         struct reconcile_work *work, struct scored_row *sr,
                         double *logit)
{
    struct reconcile_row *row = &sr->row;
    sqlite3_int64 left = work->payment->amount_cents;
    sqlite3_int64 open_sum = 0;
    double ref_sum = 0.0;
    double date_min = 100.0;
    int weakest = RECONCILE_REF_STRUCTURED;
    int i;

    for (i = 0; i < row->member_count; i++) {
        struct reconcile_member *m = &work->members[row->member_first + i];
        const struct reconcile_invoice *inv = &book->invoices[m->invoice];
        const struct candidate *c = candidate_of(book, work, m->invoice);
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
    row->amount_kind = (unsigned char)amount_kind(
        work->settings, work->payment->amount_cents, open_sum);
    *logit += row->ref_weight + amount_weight(row->amount_kind) + date_min;
    if (names_other(work, row, weakest)) {
        row->flags |= RECONCILE_ROW_NAMES_OTHER;
        *logit += W_NAMES_OTHER;
    }
    return 1;
}

/*
** Adds a row for the given invoices (oldest first), scored. Returns
** SQLITE_OK (also when the row is dropped) or SQLITE_NOMEM.
*/
static int add_row(struct reconcile_book *book, struct reconcile_work *work,
                   const int *invoices, int count, int flags)
{
    struct scored_row *sr;
    double logit = W_PRIOR;
    int i;

    if (reserve((void **)&work->rows, &work->row_capacity, work->row_count,
                sizeof(*work->rows)) != SQLITE_OK)
        return SQLITE_NOMEM;
    for (i = 0; i < count; i++)
        if (reserve((void **)&work->members, &work->member_capacity,
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

/* ---- Sets of invoices -------------------------------------------------- */

/* Orders invoice indices oldest first (issue day, then invoice_id). */
static void sort_oldest_first(const struct reconcile_book *book, int *inv,
                              int n)
{
    int i;
    int j;

    for (i = 1; i < n; i++) {
        int x = inv[i];
        const struct reconcile_invoice *a = &book->invoices[x];
        for (j = i; j > 0; j--) {
            const struct reconcile_invoice *b = &book->invoices[inv[j - 1]];
            if (b->issue_day < a->issue_day || (b->issue_day == a->issue_day &&
                                                b->invoice_id <= a->invoice_id))
                break;
            inv[j] = inv[j - 1];
        }
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

/* Adds the customers whose invoices the payment most likely pays. */
static void choose_focus(const struct reconcile_book *book,
                         struct reconcile_work *work)
{
    int i;
    int k;

    work->focus_count = 0;
    for (i = 0; i < work->payer_count + work->cand_count; i++) {
        int customer;
        if (work->focus_count == MAX_FOCUS)
            return;
        if (i < work->payer_count) {
            customer = work->payers[i].customer;
        } else {
            const struct candidate *c = &work->cands[i - work->payer_count];
            if (!c->eligible || c->ref_weight < NAMED_WEIGHT)
                continue;
            customer = book->invoices[c->invoice].customer;
        }
        for (k = 0; k < work->focus_count; k++)
            if (work->focus[k] == customer)
                break;
        if (k == work->focus_count && customer >= 0)
            work->focus[work->focus_count++] = customer;
    }
}

/* Adds the set of invoices of customer that the memo names. */
static int add_named_set(struct reconcile_book *book,
                         struct reconcile_work *work, int customer)
{
    int inv[MAX_SET];
    int n = 0;
    int i;

    for (i = 0; i < work->cand_count && n < MAX_SET; i++) {
        const struct candidate *c = &work->cands[i];
        if (c->eligible && c->ref_weight >= NAMED_WEIGHT &&
            book->invoices[c->invoice].customer == customer)
            inv[n++] = c->invoice;
    }
    if (n < 2)
        return SQLITE_OK;
    sort_oldest_first(book, inv, n);
    if (row_exists(work, inv, n))
        return SQLITE_OK;
    return add_row(book, work, inv, n, 0);
}

/* Depth-first subset search: the oldest invoice is tried first. */
static void subset_dfs(struct subset_search *s, int i, int count,
                       sqlite3_int64 sum)
{
    if (s->solutions >= 2 || --s->budget < 0)
        return;
    if (count >= 2 && sum >= s->low && sum <= s->high) {
        if (s->solutions++ == 0) {
            memcpy(s->best, s->pick, (size_t)count * sizeof(int));
            s->best_count = count;
        }
        return;
    }
    if (i == s->pool || count == s->max_size || sum + s->suffix[i] < s->low)
        return;
    if (sum + s->cents[i] <= s->high) {
        s->pick[count] = i;
        subset_dfs(s, i + 1, count + 1, sum + s->cents[i]);
    }
    subset_dfs(s, i + 1, count, sum);
}

/* Fills the pool with the customer's oldest open invoices that fit. */
static void fill_subset_pool(const struct reconcile_book *book,
                             struct reconcile_work *work, int customer,
                             sqlite3_int64 high)
{
    const struct reconcile_customer *c = &book->customers[customer];
    struct subset_search *s = &work->subset;
    int limit = work->settings->subset_max_invoices;
    int i;

    if (limit > MAX_SET * 2)
        limit = MAX_SET * 2;
    s->pool = 0;
    for (i = 0; i < c->open_count && s->pool < limit; i++) {
        int inv = book->open_order[c->open_first + i];
        const struct reconcile_invoice *x = &book->invoices[inv];
        if (memcmp(x->currency, work->payment->currency, 3) != 0 ||
            x->open_cents > high)
            continue;
        s->invoice[s->pool] = inv;
        s->cents[s->pool++] = x->open_cents;
    }
    s->suffix[s->pool] = 0;
    for (i = s->pool - 1; i >= 0; i--)
        s->suffix[i] = s->suffix[i + 1] + s->cents[i];
}

/* Runs one search for sums in [low, high]; returns the solutions found. */
static int run_subset_search(struct subset_search *s, sqlite3_int64 low,
                             sqlite3_int64 high, int max_size)
{
    s->low = low;
    s->high = high;
    s->solutions = 0;
    s->best_count = 0;
    s->budget = SUBSET_NODE_BUDGET;
    s->max_size = max_size > MAX_SET ? MAX_SET : max_size;
    subset_dfs(s, 0, 0, 0);
    return s->solutions;
}

/* Returns 1 when one eligible invoice of customer fits the amount. */
static int has_single_fit(const struct reconcile_book *book,
                          const struct reconcile_work *work, int customer)
{
    int i;

    for (i = 0; i < work->cand_count; i++) {
        const struct candidate *c = &work->cands[i];
        const struct reconcile_invoice *inv = &book->invoices[c->invoice];
        int kind;
        if (!c->eligible || inv->customer != customer)
            continue;
        kind = amount_kind(work->settings, work->payment->amount_cents,
                           inv->open_cents);
        if (kind == RECONCILE_AMOUNT_EQUAL || kind == RECONCILE_AMOUNT_FEE)
            return 1;
    }
    return 0;
}

/* Searches a customer's open invoices for a subset that sums the amount. */
static int add_subset(struct reconcile_book *book, struct reconcile_work *work,
                      int customer)
{
    struct subset_search *s = &work->subset;
    sqlite3_int64 paid = work->payment->amount_cents;
    sqlite3_int64 high = paid + reconcile_fee_tolerance(work->settings, paid);
    int inv[MAX_SET];
    int flags = RECONCILE_ROW_SUBSET;
    int i;

    if (has_single_fit(book, work, customer))
        return SQLITE_OK;
    fill_subset_pool(book, work, customer, high);
    if (s->pool < 2)
        return SQLITE_OK;
    if (run_subset_search(s, paid, paid, work->settings->subset_max_size) ==
            0 &&
        run_subset_search(s, paid + 1, high, work->settings->subset_max_size) ==
            0)
        return SQLITE_OK;
    if (s->solutions > 1)
        flags |= RECONCILE_ROW_AMBIGUOUS;
    for (i = 0; i < s->best_count; i++)
        inv[i] = s->invoice[s->best[i]];
    if (row_exists(work, inv, s->best_count))
        return SQLITE_OK;
    return add_row(book, work, inv, s->best_count, flags);
}

/* ---- Ranking and output ------------------------------------------------ */

/* Orders rows best first: logit, then oldest, then fewer, then id. */
static int compare_rows(const void *a, const void *b)
{
    const struct scored_row *x = a;
    const struct scored_row *y = b;

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
static int memo_names_closed(const struct reconcile_work *work)
{
    int best_open = RECONCILE_REF_NONE;
    int best_closed = RECONCILE_REF_NONE;
    int i;

    for (i = 0; i < work->cand_count; i++) {
        const struct candidate *c = &work->cands[i];
        if (c->ref_weight < NAMED_WEIGHT)
            continue;
        if (c->eligible && c->ref_kind > best_open)
            best_open = c->ref_kind;
        if (!c->eligible && c->ref_kind > best_closed)
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

    if (reserve((void **)&result->payments, &result->payment_capacity,
                result->payment_count, sizeof(*result->payments)) != SQLITE_OK)
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
        !work->names_closed;
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
        if (reserve((void **)&result->rows, &result->row_capacity,
                    result->row_count, sizeof(*result->rows)) != SQLITE_OK)
            return SQLITE_NOMEM;
        for (i = 0; i < row.member_count; i++) {
            if (reserve((void **)&result->members, &result->member_capacity,
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
    for (i = 0; i < work->cand_count && rc == SQLITE_OK; i++)
        if (work->cands[i].eligible)
            rc = add_row(book, work, &work->cands[i].invoice, 1, 0);
    choose_focus(book, work);
    for (i = 0; i < work->focus_count && rc == SQLITE_OK; i++) {
        rc = add_named_set(book, work, work->focus[i]);
        if (rc == SQLITE_OK)
            rc = add_subset(book, work, work->focus[i]);
    }
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
    find_payers(book, work);
    rc = find_references(book, work);
    for (i = 0; i < work->payer_count && rc == SQLITE_OK; i++)
        rc = add_customer_invoices(book, work, work->payers[i].customer);
    if (rc == SQLITE_OK)
        rc = add_amount_matches(book, work);
    if (rc == SQLITE_OK)
        apply_weak_keys(book, work);
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
    work->names_closed = memo_names_closed(work);
    decide_auto(work);
    rc = add_result_payment(result, work);
    if (rc == SQLITE_OK)
        rc = emit_rows(work, result);
    return rc;
}

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
    int i;

    for (i = 0; i < row->member_count; i++) {
        const struct reconcile_member *m =
            &result->members[row->member_first + i];
        if (book->remaining[m->invoice] < m->allocate_cents) {
            row->is_auto = 0;
            row->flags |= RECONCILE_ROW_CLAIMED;
            row->claimed_by =
                result->payments[book->slot[m->invoice]].payment_id;
            return;
        }
    }
    for (i = 0; i < row->member_count; i++) {
        const struct reconcile_member *m =
            &result->members[row->member_first + i];
        book->remaining[m->invoice] -= m->allocate_cents;
        book->slot[m->invoice] = row->payment;
    }
}

int reconcile_resolve_claims(struct reconcile_book *book,
                             struct reconcile_result *result)
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
        if (!row->is_auto)
            continue;
        keys[count].received_day = result->payments[row->payment].received_day;
        keys[count].payment_id = result->payments[row->payment].payment_id;
        keys[count++].row = r;
    }
    qsort(keys, (size_t)count, sizeof(*keys), compare_claims);
    for (r = 0; r < book->invoice_count; r++)
        book->remaining[r] = book->invoices[r].open_cents;
    for (r = 0; r < count; r++)
        claim_row(book, result, &result->rows[keys[r].row]);
    sqlite3_free(keys);
    return SQLITE_OK;
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
