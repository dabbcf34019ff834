/*
** Payer evidence: which customers the payer of a payment may be, from
** payments.customer_id, the learned aliases (account, name) and the
** similarity of the payer's name to customer names (the rules are in the
** header of reconcile_score.c).
*/
#include <math.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "fuzzy.h"
#include "reconcile.h"
#include "reconcile_work.h"
#include "utf8.h"

/* Returns the customer weight of a payer match. */
double reconcile_payer_weight(const struct reconcile_payer *p)
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
        return p->similarity >= 0.97f   ? W_CUSTOMER_NAME_97
               : p->similarity >= 0.90f ? W_CUSTOMER_NAME_90
               : p->similarity >= 0.80f ? W_CUSTOMER_NAME_80
                                        : 0.0;
    default:
        return 0.0;
    }
}

/* Adds or strengthens a payer match. */
static void add_payer(struct reconcile_work *work, int customer, int kind,
                      double similarity)
{
    struct reconcile_payer candidate;
    int i;

    candidate.customer = customer;
    candidate.kind = (unsigned char)kind;
    candidate.similarity = (float)similarity;
    for (i = 0; i < work->payer_count; i++) {
        if (work->payers[i].customer != customer)
            continue;
        if (reconcile_payer_weight(&candidate) >
            reconcile_payer_weight(&work->payers[i]))
            work->payers[i] = candidate;
        return;
    }
    /* When full, the weakest match gives way to a stronger one. */
    if (work->payer_count == MAX_PAYERS) {
        int weakest = 0;
        for (i = 1; i < MAX_PAYERS; i++)
            if (reconcile_payer_weight(&work->payers[i]) <
                reconcile_payer_weight(&work->payers[weakest]))
                weakest = i;
        if (reconcile_payer_weight(&work->payers[weakest]) <
            reconcile_payer_weight(&candidate))
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

/*
** Votes for the customers that share words with the payer's name key: each
** word's first 4 bytes look up the customers with such a word, and a word
** that N customers have adds 1 / ln(N + 2), so rare words count more.
** Returns the number of customers voted for (at most MAX_NAME_CANDIDATES,
** listed in work->seen_customer).
*/
static int vote_name_words(struct reconcile_book *book,
                           struct reconcile_work *work)
{
    const struct reconcile_keymap *m = &book->name_words;
    const char *key = work->name_key;
    int seq = ++work->name_seq;
    int seen = 0;
    int i = 0;

    while (i < work->name_len) {
        int start = i;
        int entry = -1;
        float vote;
        int p;
        while (i < work->name_len && key[i] != ' ')
            i++;
        if (i - start >= 3)
            entry = reconcile_keymap_find(m, key + start,
                                          i - start < 4 ? i - start : 4);
        i++;
        if (entry < 0 || m->entries[entry].count > MAX_NAME_WORD_POSTINGS)
            continue;
        vote = (float)(1.0 / log(m->entries[entry].count + 2.0));
        for (p = m->entries[entry].first; p >= 0; p = m->postings[p].next) {
            int c = m->postings[p].value;
            if (book->customer_stamp[c] != seq) {
                if (seen == MAX_NAME_CANDIDATES)
                    continue;
                book->customer_stamp[c] = seq;
                book->customer_vote[c] = 0.0f;
                work->seen_customer[seen++] = c;
            }
            book->customer_vote[c] += vote;
        }
    }
    return seen;
}

/*
** Matches the payer's name key against the MAX_NAME_SCORED customers with
** the most votes, and adds those similar enough as payers.
*/
static void add_name_payers(struct reconcile_book *book,
                            struct reconcile_work *work)
{
    int seen = vote_name_words(book, work);
    int scored;
    int i;

    /* Among equal votes, names of about the payer's length come first. */
    for (i = 0; i < seen; i++) {
        int c = work->seen_customer[i];
        int diff = book->customers[c].name_len - work->name_len;
        book->customer_vote[c] -= 0.001f * (float)(diff < 0 ? -diff : diff);
    }
    for (scored = 0; scored < MAX_NAME_SCORED && scored < seen; scored++) {
        const struct reconcile_customer *c;
        double similarity;
        int best = scored;
        int k;
        /* Selection: move the next best vote to position scored. */
        for (k = scored + 1; k < seen; k++)
            if (book->customer_vote[work->seen_customer[k]] >
                book->customer_vote[work->seen_customer[best]])
                best = k;
        k = work->seen_customer[best];
        work->seen_customer[best] = work->seen_customer[scored];
        work->seen_customer[scored] = k;
        c = &book->customers[k];
        similarity = name_similarity(
            work, reconcile_book_text(book, c->name_offset), c->name_len);
        if (similarity >= 0.80)
            add_payer(work, k, RECONCILE_CUSTOMER_NAME, similarity);
    }
}

/* Finds the customers the payer may be. */
void reconcile_find_payers(struct reconcile_book *book,
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
        if (reconcile_payer_weight(&work->payers[i]) >= W_CUSTOMER_NAME_90 &&
            work->payers[i].kind != RECONCILE_CUSTOMER_SHARED_ACCOUNT)
            work->payer_strong = 1;
}

/* Returns the payer match of customer, or NULL. */
const struct reconcile_payer *
reconcile_payer_of(const struct reconcile_work *work, int customer)
{
    int i;

    for (i = 0; i < work->payer_count; i++)
        if (work->payers[i].customer == customer)
            return &work->payers[i];
    return NULL;
}
