/*
** Reference evidence: which invoices the memo and the structured reference
** point at, and how strongly (see the weights in reconcile_score.c).
** Each memo key is looked up among the invoice number keys of the book;
** each key with 4 or more characters, 3 of them digits, is also looked up
** within one edit or one swap of neighbours through the deletion index,
** because a typo can land on another invoice's number.
*/
#include <math.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "reconcile.h"
#include "reconcile_work.h"

/* Weight of a match of the serial alone, by its digits; 5 is 5 or more. */
static const double serial_weight_by_length[6] = {0.0, 1.0, 1.0, 2.0, 3.5, 5.0};

/* Weight of an exact match by the length of the key: a longer number is
** less likely to appear in a memo by chance. Index 6 is 6 or more. */
static const double exact_weight_by_length[7] = {0.0, 1.0, 2.5, 4.0,
                                                 6.0, 7.0, 8.0};

/* Returns the reference weight of a match; see the table above. */
static double ref_weight(int kind, int len, int spread)
{
    double base;

    switch (kind) {
    case RECONCILE_REF_STRUCTURED:
        base = W_REF_STRUCTURED;
        break;
    case RECONCILE_REF_EXACT:
        base = exact_weight_by_length[len < 6 ? len : 6];
        break;
    case RECONCILE_REF_DIGITS:
        base = exact_weight_by_length[len < 6 ? len : 6] - W_REF_DIGITS_LESS;
        break;
    case RECONCILE_REF_STRUCTURED_INVALID:
        base = W_REF_STRUCTURED_INVALID;
        break;
    case RECONCILE_REF_FUZZY:
        base = len >= 6 ? W_REF_FUZZY_LONG : W_REF_FUZZY_SHORT;
        break;
    case RECONCILE_REF_REGROUPED:
        base = W_REF_REGROUPED;
        break;
    case RECONCILE_REF_SERIAL:
        base = serial_weight_by_length[len < 5 ? len : 5];
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

/*
** Returns the candidate slot of invoice, creating it, and records the
** match when it is stronger than what the slot has. NULL match records
** nothing. Returns -1 when out of memory.
*/
int reconcile_add_candidate(struct reconcile_book *book,
                            struct reconcile_work *work, int invoice,
                            const struct reconcile_ref_match *match)
{
    struct reconcile_candidate *c;
    double weight;

    if (book->stamp[invoice] != work->seq) {
        if (reconcile_reserve((void **)&work->cands, &work->cand_capacity,
                              work->cand_count,
                              sizeof(*work->cands)) != SQLITE_OK)
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
        c->ref_ambiguous = (unsigned char)match->ambiguous;
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
** Returns 1 when invoice could explain the payment apart from its
** reference: it may receive the money, and it belongs to a customer the
** payer matched or its open amount fits (equal, or within the fee
** tolerance). The spread of a reference counts only such invoices: one
** that nothing else supports is no real alternative reading of the memo.
*/
static int is_plausible(const struct reconcile_book *book,
                        const struct reconcile_work *work, int invoice)
{
    const struct reconcile_invoice *inv = &book->invoices[invoice];

    if (!is_eligible(book, work, invoice))
        return 0;
    if (inv->customer >= 0 && reconcile_payer_of(work, inv->customer))
        return 1;
    return reconcile_amount_kind(work->settings, work->payment->currency,
                                 work->payment->amount_cents,
                                 inv->open_cents) <= RECONCILE_AMOUNT_OVER_FEE;
}

/*
** Returns 1 when a paid or void invoice the memo names explains those
** words: the payer is unknown, or the invoice belongs to a customer the
** payer matched. Someone else's paid invoice is more likely a typo.
*/
static int closed_explains(const struct reconcile_book *book,
                           const struct reconcile_work *work, int invoice)
{
    const struct reconcile_invoice *inv = &book->invoices[invoice];

    if (inv->state == RECONCILE_INVOICE_OPEN)
        return 0;
    return !work->payer_strong ||
           (inv->customer >= 0 && reconcile_payer_of(work, inv->customer));
}

/* Most invoices one memo key names whose grouping is compared. */
#define MAX_SHAPE_COMPARE 16

/* Room for a shape; a longer one is cut, which only ever adds ties. */
#define SHAPE_MAX 64

/*
** Writes the grouping of a number: its runs of ASCII letters (upper case)
** and of digits (leading zeros cut), joined by '-'. 'F-12/3', 'F12/3' and
** 'f 12 03' give 'F-12-3'; 'F-1/23' gives 'F-1-23', though ref_normalize
** makes 'F123' of both. With digits_only the letter runs are left out.
** Returns the length.
*/
static int shape_of(const char *text, int n, int digits_only, char *out)
{
    int len = 0;
    int i = 0;

    while (i < n && len < SHAPE_MAX - 1) {
        char c = text[i];
        int digit = c >= '0' && c <= '9';
        int letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!digit && !(letter && !digits_only)) {
            i++;
            continue;
        }
        if (len > 0)
            out[len++] = '-';
        while (digit && i + 1 < n && text[i] == '0' && text[i + 1] >= '0' &&
               text[i + 1] <= '9')
            i++;
        for (; i < n && len < SHAPE_MAX; i++) {
            char d = text[i];
            int same_run =
                digit ? (d >= '0' && d <= '9')
                      : ((d >= 'A' && d <= 'Z') || (d >= 'a' && d <= 'z'));
            if (!same_run)
                break;
            out[len++] = d >= 'a' ? (char)(d - 'a' + 'A') : d;
        }
    }
    return len;
}

/*
** Returns 1 when the memo words of key k group their characters as the
** invoice's number does (see shape_of). For kind RECONCILE_REF_DIGITS only
** the digit runs are compared.
*/
static int same_shape(const struct reconcile_book *book,
                      const struct reconcile_work *work,
                      const struct reconcile_memo_key *k, int invoice, int kind)
{
    const struct reconcile_invoice *inv = &book->invoices[invoice];
    int digits_only = kind == RECONCILE_REF_DIGITS;
    char memo_shape[SHAPE_MAX];
    char number_shape[SHAPE_MAX];
    const char *text = k->in_column ? work->payment->structured_ref
                                    : work->payment->memo;
    int memo_len = shape_of(text + k->start, k->end - k->start, digits_only,
                            memo_shape);
    int number_len = shape_of(reconcile_book_text(book, inv->number_offset),
                              inv->number_len, digits_only, number_shape);

    return memo_len == number_len &&
           memcmp(memo_shape, number_shape, (size_t)memo_len) == 0;
}

/* Invoices one memo key names, by kind of match. */
struct key_tally {
    int count[RECONCILE_REF_STRUCTURED + 1];     /* postings */
    int plausible[RECONCILE_REF_STRUCTURED + 1]; /* see is_plausible */
    int eligible[RECONCILE_REF_STRUCTURED + 1];  /* may receive the money */
    int shaped[RECONCILE_REF_STRUCTURED + 1];    /* eligible, same_shape */
};

/* Returns 1 when kind names an invoice by its whole number or digits. */
static int is_number_kind(int kind)
{
    return kind == RECONCILE_REF_EXACT || kind == RECONCILE_REF_DIGITS;
}

/*
** Returns 1 when the key names several invoices the payment may pay at
** this kind, so the grouping of the memo words decides between them.
*/
static int key_collides(const struct key_tally *t, int kind)
{
    return is_number_kind(kind) && t->eligible[kind] > 1 &&
           t->count[kind] <= MAX_SHAPE_COMPARE;
}

/*
** Settles a match of a key that names several invoices the payment may
** pay (key_collides). An invoice whose number groups its characters as
** the memo does wins when it is the only one: it keeps its kind at full
** weight, and the others become RECONCILE_REF_REGROUPED. When none or
** several group them so, the memo cannot tell those apart, and their
** matches are marked ambiguous, which rules out auto.
*/
static void settle_collision(const struct reconcile_book *book,
                             const struct reconcile_work *work,
                             const struct reconcile_memo_key *k,
                             const struct key_tally *t, int invoice,
                             struct reconcile_ref_match *match)
{
    int shaped = t->shaped[match->kind];
    int same = same_shape(book, work, k, invoice, match->kind);

    if (shaped == 1 && same) {
        match->spread = 1;
        return;
    }
    if (shaped >= 1 && !same) {
        match->kind = RECONCILE_REF_REGROUPED;
        return;
    }
    match->ambiguous = is_eligible(book, work, invoice);
}

/* Counts, by kind, the invoices of the postings from first on; see key_tally.
 */
static void tally_key(const struct reconcile_book *book,
                      const struct reconcile_work *work,
                      const struct reconcile_memo_key *k, int first,
                      struct key_tally *t)
{
    const struct reconcile_keymap *m = &book->numbers;
    int p;

    memset(t, 0, sizeof(*t));
    for (p = first; p >= 0; p = m->postings[p].next) {
        int kind = kind_of_tag(m->postings[p].tag);
        int invoice = m->postings[p].value;
        t->count[kind]++;
        t->plausible[kind] += is_plausible(book, work, invoice);
        t->eligible[kind] += is_eligible(book, work, invoice);
    }
    for (p = first; p >= 0; p = m->postings[p].next) {
        int kind = kind_of_tag(m->postings[p].tag);
        int invoice = m->postings[p].value;
        if (key_collides(t, kind) && is_eligible(book, work, invoice))
            t->shaped[kind] += same_shape(book, work, k, invoice, kind);
    }
}

/*
** Looks up one memo key among the invoice numbers and records the
** matches. Sets *plausible_out to the plausible invoices it names by more
** than their serial, and *explained_out to 1 when it names one of those or
** a paid or void invoice that explains it (closed_explains). Returns
** SQLITE_OK or SQLITE_NOMEM.
*/
static int lookup_key(struct reconcile_book *book, struct reconcile_work *work,
                      int key_index, int *plausible_out, int *explained_out)
{
    const struct reconcile_memo_key *k = &work->memo.keys[key_index];
    const struct reconcile_keymap *m = &book->numbers;
    int entry = reconcile_keymap_find(m, k->text, k->len);
    struct key_tally t;
    int p;

    *plausible_out = 0;
    *explained_out = 0;
    if (entry < 0)
        return SQLITE_OK;
    tally_key(book, work, k, m->entries[entry].first, &t);
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next)
        if (kind_of_tag(m->postings[p].tag) != RECONCILE_REF_SERIAL &&
            closed_explains(book, work, m->postings[p].value))
            *explained_out = 1;
    if (t.count[RECONCILE_REF_SERIAL] > MAX_SERIAL_MATCHES) {
        if (work->weak_count < MAX_WEAK_KEYS) {
            work->weak[work->weak_count].key = key_index;
            work->weak[work->weak_count++].spread =
                t.count[RECONCILE_REF_SERIAL];
        }
        t.count[RECONCILE_REF_SERIAL] = 0;
    }
    for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next) {
        const struct reconcile_invoice *inv =
            &book->invoices[m->postings[p].value];
        struct reconcile_ref_match match;
        match.kind = kind_of_tag(m->postings[p].tag);
        if (t.count[match.kind] == 0)
            continue;
        match.len =
            match.kind == RECONCILE_REF_SERIAL ? inv->serial_len : k->len;
        match.spread =
            t.plausible[match.kind] > 1 ? t.plausible[match.kind] : 1;
        match.start = k->start;
        match.end = k->end;
        match.in_column = k->in_column;
        match.ambiguous = 0;
        if (key_collides(&t, match.kind))
            settle_collision(book, work, k, &t, m->postings[p].value, &match);
        if (reconcile_add_candidate(book, work, m->postings[p].value, &match) <
            0)
            return SQLITE_NOMEM;
    }
    *plausible_out =
        t.plausible[RECONCILE_REF_EXACT] + t.plausible[RECONCILE_REF_DIGITS];
    if (*plausible_out > 0)
        *explained_out = 1;
    return SQLITE_OK;
}

/* Adds a hit unless the invoice is already there; 0 when the list is full. */
static int add_hit(struct fuzzy_hits *hits, int invoice, int len)
{
    /* The deletion index has the invoices open at load, and a pass over
    ** claims may have closed some since. */
    if (hits->stamp[invoice] == hits->seq ||
        hits->invoices[invoice].state != RECONCILE_INVOICE_OPEN)
        return 1;
    if (hits->count == MAX_FUZZY_HITS)
        return 0;
    hits->stamp[invoice] = hits->seq;
    hits->hit[hits->count].invoice = invoice;
    hits->hit[hits->count++].len = len;
    return 1;
}

/*
** Returns 1 when a deletion posting d and the memo key with key_char
** deleted at pos give a key one substitution or one swap of neighbours
** away. Both share the string left after the deletion, so a substitution
** deleted a different character at the same place, and a swap the same
** character at the place next to it.
*/
static int substitution_or_swap(const struct reconcile_posting *d, int pos,
                                char key_char)
{
    if (d->pos == pos)
        return d->ch != key_char;
    return (d->pos == pos + 1 || d->pos + 1 == pos) && d->ch == key_char;
}

/* Collects the open invoices whose key is within one edit of key. */
static int collect_fuzzy(const struct reconcile_book *book, const char *key,
                         int len, struct fuzzy_hits *hits)
{
    const struct reconcile_keymap *del = &book->deletions;
    const struct reconcile_keymap *num = &book->numbers;
    char variant[RECONCILE_KEY_MAX];
    int entry;
    int i;
    int p;

    /* The invoice key has one more character: key is one of its deletions. */
    entry = reconcile_keymap_find(del, key, len);
    for (p = entry < 0 ? -1 : del->entries[entry].first; p >= 0;
         p = del->postings[p].next)
        if (!add_hit(hits, del->postings[p].value, len + 1))
            return hits->count;
    for (i = 0; i < len; i++) {
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
                !add_hit(hits, inv, len - 1))
                return hits->count;
        }
        /* Same length: one substitution or one swap of neighbours. */
        entry = reconcile_keymap_find(del, variant, len - 1);
        for (p = entry < 0 ? -1 : del->entries[entry].first; p >= 0;
             p = del->postings[p].next) {
            const struct reconcile_posting *d = &del->postings[p];
            if (substitution_or_swap(d, i, key[i]) &&
                !add_hit(hits, d->value, len))
                return hits->count;
        }
    }
    return hits->count;
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

/*
** Looks up a memo key within one edit or swap. In a dense series of
** numbers a key has many such neighbours: beyond MAX_FUZZY_MATCHES only the
** plausible ones become candidates. The spread is the number of plausible
** neighbours plus exact_plausible, the plausible invoices the key names
** exactly, which are another reading of the same text.
*/
static int lookup_fuzzy(struct reconcile_book *book,
                        struct reconcile_work *work, int key_index,
                        int exact_plausible)
{
    const struct reconcile_memo_key *k = &work->memo.keys[key_index];
    struct fuzzy_hits *hits = &work->fuzzy;
    unsigned char plausible[MAX_FUZZY_HITS];
    int plausible_count = 0;
    int count;
    int i;
    int digits = count_digits(k->text, k->len);

    /* Words joined to a word of 4 letters or more ('PAGO F-2024-0042')
    ** are a number with a word in front, not a number to correct. */
    if (k->raw || k->run || k->len < 4 || digits < 3 ||
        (k->joined && k->len - digits > 3))
        return SQLITE_OK;
    hits->count = 0;
    hits->stamp = book->hit_stamp;
    hits->invoices = book->invoices;
    hits->seq = ++work->fuzzy_seq;
    count = collect_fuzzy(book, k->text, k->len, hits);
    for (i = 0; i < count; i++) {
        plausible[i] =
            (unsigned char)is_plausible(book, work, hits->hit[i].invoice);
        plausible_count += plausible[i];
    }
    for (i = 0; i < count; i++) {
        struct reconcile_ref_match match;
        if (count > MAX_FUZZY_MATCHES && !plausible[i])
            continue;
        match.kind = RECONCILE_REF_FUZZY;
        match.len = hits->hit[i].len;
        match.spread = plausible_count + exact_plausible;
        if (match.spread < 1)
            match.spread = 1;
        match.start = k->start;
        match.end = k->end;
        match.in_column = k->in_column;
        match.ambiguous = 0;
        if (reconcile_add_candidate(book, work, hits->hit[i].invoice, &match) <
            0)
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
        struct reconcile_ref_match match;
        if (m->postings[p].tag == RECONCILE_KEY_SERIAL)
            continue;
        match.kind = r->ref.valid ? RECONCILE_REF_STRUCTURED
                                  : RECONCILE_REF_STRUCTURED_INVALID;
        match.len = len;
        match.spread = m->entries[entry].count;
        match.start = r->start;
        match.end = r->end;
        match.in_column = !r->from_memo;
        match.ambiguous = 0;
        if (reconcile_add_candidate(book, work, m->postings[p].value, &match) <
            0)
            return SQLITE_NOMEM;
    }
    return SQLITE_OK;
}

/*
** Writes the ASCII letters (upper case) and digits of text[0..n-1] into
** out, which has room for RECONCILE_KEY_MAX bytes: an invoice number's
** raw key. Returns the length, or 0 when they do not fit.
*/
static int letters_and_digits(const char *text, int n, char *out)
{
    int len = 0;
    int i;

    for (i = 0; i < n; i++) {
        char c = text[i];
        int digit = c >= '0' && c <= '9';
        int letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (!digit && !letter)
            continue;
        if (len == RECONCILE_KEY_MAX)
            return 0;
        out[len++] = letter && c >= 'a' ? (char)(c - 'a' + 'A') : c;
    }
    return len;
}

/* Looks up a structured reference as written, normalized and as digits. */
static int lookup_structured(struct reconcile_book *book,
                             struct reconcile_work *work,
                             const struct reconcile_memo_ref *r)
{
    const char *payload = r->ref.payload;
    int n = r->ref.payload_len;
    char key[RECONCILE_KEY_MAX];
    char raw[RECONCILE_KEY_MAX];
    const char *column;
    int len;
    int raw_len;
    int rc;

    rc = lookup_payload(book, work, r, payload, n);
    len = reconcile_normalize(payload, n, key, sizeof(key));
    if (rc == SQLITE_OK && len > 0 &&
        (len != n || memcmp(key, payload, (size_t)n) != 0))
        rc = lookup_payload(book, work, r, key, len);
    if (rc != SQLITE_OK || r->from_memo)
        return rc;

    /* An invoice may be numbered like the whole reference ('RF2013001').
    ** A memo's reference words give those keys (add_structured_keys), but
    ** the structured_ref column gives only the payload unless looked up
    ** here as well: normalized, and as written ('RF18 5390 0754 7034',
    ** whose '0754' normalizing would cut). */
    column = work->payment->structured_ref + r->start;
    len = reconcile_normalize(column, r->end - r->start, key, sizeof(key));
    if (len > 0 && (len != n || memcmp(key, payload, (size_t)n) != 0))
        rc = lookup_payload(book, work, r, key, len);
    raw_len = letters_and_digits(column, r->end - r->start, raw);
    if (rc == SQLITE_OK && raw_len > 0 &&
        (raw_len != len || memcmp(raw, key, (size_t)len) != 0))
        rc = lookup_payload(book, work, r, raw, raw_len);
    return rc;
}

/* Gives candidates their serial match from keys too common to list. */
void reconcile_apply_weak_keys(const struct reconcile_book *book,
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
            struct reconcile_candidate *c = &work->cands[i];
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
            c->span_in_column = k->in_column;
        }
    }
}

/*
** Returns 1 when the words of key i overlap the words of a key that
** explains them (see lookup_key).
*/
static int is_explained(const struct reconcile_memo *memo,
                        const unsigned char *explained, int i)
{
    const struct reconcile_memo_key *k = &memo->keys[i];
    int j;

    for (j = 0; j < memo->key_count; j++)
        if (explained[j] && memo->keys[j].in_column == k->in_column &&
            memo->keys[j].start < k->end && k->start < memo->keys[j].end)
            return 1;
    return 0;
}

/* Finds every invoice the memo and the structured reference point at. */
int reconcile_find_references(struct reconcile_book *book,
                              struct reconcile_work *work)
{
    int exact_plausible[RECONCILE_MEMO_MAX_KEYS];
    unsigned char explained[RECONCILE_MEMO_MAX_KEYS];
    int i;
    int rc = SQLITE_OK;

    for (i = 0; i < work->memo.ref_count && rc == SQLITE_OK; i++)
        rc = lookup_structured(book, work, &work->memo.refs[i]);
    for (i = 0; i < work->memo.key_count && rc == SQLITE_OK; i++) {
        int explains = 0;
        rc = lookup_key(book, work, i, &exact_plausible[i], &explains);
        explained[i] = (unsigned char)explains;
    }
    /* A typo can land on another invoice's number, so the neighbours of a
    ** key that names one exactly are looked up too, unless its words
    ** already name a plausible invoice ('F 2024' inside 'F 2024 03566' is
    ** no typo of some 'F-2024-00001') or the payer's own paid one. */
    for (i = 0; i < work->memo.key_count && rc == SQLITE_OK; i++)
        if (!is_explained(&work->memo, explained, i))
            rc = lookup_fuzzy(book, work, i, exact_plausible[i]);
    return rc;
}
