/*
** The reconciliation engine's book: customers, invoices and payer aliases
** read once per query and indexed in memory, so that each payment costs a
** few hash lookups instead of a pass over every invoice.
**
** Indexes:
**   numbers    every key of every loaded invoice number (see
**              enum reconcile_key_tag) -> invoices; paid and void invoices
**              are loaded too, so that a memo naming one is recognised;
**   deletions  each key of an open invoice (normalized, and its digits)
**              with one character deleted -> invoices: a memo key within
**              one edit or one swap of adjacent characters shares a
**              deletion with it (symmetric deletion, as in SymSpell);
**   amounts    (currency, open cents) -> open invoices;
**   name_words the first 4 bytes of each word (3 bytes or more) of a
**              customer's name key -> customers;
**   aliases    'A' + account key, 'N' + name key -> customers.
**
** LIMITS
**   - Invoice numbers are shown cut at 255 bytes; keys longer than 40
**     bytes are not indexed.
**   - Paid and void invoices issued before the lookback date are not
**     loaded, so a memo naming one is not recognised.
*/
#include <stdlib.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "dates.h"
#include "reconcile.h"

/* Smallest slot table of a key map; a power of two. */
#define KEYMAP_MIN_SLOTS 1024

/* FNV-1a: fast, and good enough for short keys. */
static unsigned int hash_bytes(const char *key, int len)
{
    unsigned int h = 2166136261u;
    int i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 16777619u;
    }
    return h;
}

/* Packs an entry's hash and index into a slot; 0 stays the empty slot. */
static sqlite3_uint64 slot_value(unsigned int hash, int entry)
{
    return (sqlite3_uint64)hash << 32 | (sqlite3_uint64)(entry + 1);
}

/* Returns the slot of key, or the empty slot where it belongs. */
static unsigned int keymap_slot(const struct reconcile_keymap *map,
                                const char *key, int len, unsigned int hash)
{
    unsigned int mask = map->slot_count - 1;
    unsigned int slot = hash & mask;
    for (;; slot = (slot + 1) & mask) {
        sqlite3_uint64 packed = map->slots[slot];
        const struct reconcile_key_entry *e;
        if (packed == 0)
            return slot;
        /* The hash in the slot spares reading the entry of another key. */
        if ((unsigned int)(packed >> 32) != hash)
            continue;
        e = &map->entries[(unsigned int)packed - 1];
        if (e->key_len == len &&
            memcmp(map->keys + e->key_offset, key, (size_t)len) == 0)
            return slot;
    }
}

/* Doubles the slot table (or creates it) and re-inserts every entry. */
static int keymap_grow_slots(struct reconcile_keymap *map)
{
    unsigned int count =
        map->slot_count ? map->slot_count * 2 : KEYMAP_MIN_SLOTS;
    sqlite3_uint64 *slots;
    int i;

    if (count > (1u << 30))
        return SQLITE_NOMEM;
    slots = sqlite3_malloc64((sqlite3_uint64)count * sizeof(*slots));
    if (slots == NULL)
        return SQLITE_NOMEM;
    memset(slots, 0, (size_t)count * sizeof(*slots));
    sqlite3_free(map->slots);
    map->slots = slots;
    map->slot_count = count;
    for (i = 0; i < map->entry_count; i++) {
        const struct reconcile_key_entry *e = &map->entries[i];
        unsigned int slot = e->hash & (count - 1);
        while (slots[slot] != 0)
            slot = (slot + 1) & (count - 1);
        slots[slot] = slot_value(e->hash, i);
    }
    return SQLITE_OK;
}

/*
** Makes room for one more element in *array (capacity *capacity, elements
** of size bytes). May reallocate; old pointer invalid.
*/
static int grow_array(void **array, int *capacity, int count, size_t size)
{
    sqlite3_int64 wanted;
    void *grown;

    if (count < *capacity)
        return SQLITE_OK;
    wanted = *capacity ? (sqlite3_int64)*capacity * 2 : 256;
    if (wanted > 0x3FFFFFFF)
        return SQLITE_NOMEM;
    grown = sqlite3_realloc64(*array, (sqlite3_uint64)wanted * size);
    if (grown == NULL)
        return SQLITE_NOMEM;
    *array = grown;
    *capacity = (int)wanted;
    return SQLITE_OK;
}

/* Appends n bytes to a text buffer; may reallocate, old pointer invalid. */
static int append_bytes(char **buffer, size_t *len, size_t *capacity,
                        const char *bytes, size_t n, unsigned int *offset_out)
{
    if (*len + n + 1 > *capacity) {
        size_t wanted = *capacity ? *capacity * 2 : 4096;
        char *grown;
        while (wanted < *len + n + 1)
            wanted *= 2;
        if (wanted > 0xFFFFFFFFu)
            return SQLITE_NOMEM;
        grown = sqlite3_realloc64(*buffer, wanted);
        if (grown == NULL)
            return SQLITE_NOMEM;
        *buffer = grown;
        *capacity = wanted;
    }
    memcpy(*buffer + *len, bytes, n);
    (*buffer)[*len + n] = '\0';
    *offset_out = (unsigned int)*len;
    *len += n + 1;
    return SQLITE_OK;
}

/* Adds a new entry for key at the empty slot. */
static int keymap_new_entry(struct reconcile_keymap *map, const char *key,
                            int len, unsigned int hash, unsigned int slot)
{
    struct reconcile_key_entry *e;
    unsigned int offset;
    int rc;

    rc = grow_array((void **)&map->entries, &map->entry_capacity,
                    map->entry_count, sizeof(*map->entries));
    if (rc == SQLITE_OK)
        rc = append_bytes(&map->keys, &map->keys_len, &map->keys_capacity, key,
                          (size_t)len, &offset);
    if (rc != SQLITE_OK)
        return rc;
    e = &map->entries[map->entry_count];
    e->hash = hash;
    e->key_offset = offset;
    e->key_len = (unsigned char)len;
    e->first = -1;
    e->count = 0;
    map->slots[slot] = slot_value(hash, map->entry_count++);
    return SQLITE_OK;
}

/* Adds a posting; see reconcile_keymap_add and _add_deletion. */
static int keymap_add(struct reconcile_keymap *map, const char *key, int len,
                      int value, int tag, int pos, char ch)
{
    unsigned int hash = hash_bytes(key, len);
    unsigned int slot;
    struct reconcile_key_entry *e;
    struct reconcile_posting *p;
    int rc;

    if (len <= 0 || len > 255)
        return SQLITE_OK;
    if ((unsigned int)(map->entry_count + 1) * 2 > map->slot_count) {
        rc = keymap_grow_slots(map);
        if (rc != SQLITE_OK)
            return rc;
    }
    slot = keymap_slot(map, key, len, hash);
    if (map->slots[slot] == 0) {
        rc = keymap_new_entry(map, key, len, hash, slot);
        if (rc != SQLITE_OK)
            return rc;
    }
    rc = grow_array((void **)&map->postings, &map->posting_capacity,
                    map->posting_count, sizeof(*map->postings));
    if (rc != SQLITE_OK)
        return rc;
    e = &map->entries[(unsigned int)map->slots[slot] - 1];
    p = &map->postings[map->posting_count];
    p->value = value;
    p->tag = (unsigned char)tag;
    p->pos = (unsigned char)pos;
    p->ch = ch;
    p->next = e->first;
    e->first = map->posting_count++;
    e->count++;
    return SQLITE_OK;
}

int reconcile_keymap_add(struct reconcile_keymap *map, const char *key, int len,
                         int value, int tag)
{
    return keymap_add(map, key, len, value, tag, 0, 0);
}

int reconcile_keymap_add_deletion(struct reconcile_keymap *map, const char *key,
                                  int len, int value, int tag, int pos, char ch)
{
    return keymap_add(map, key, len, value, tag, pos, ch);
}

int reconcile_keymap_compact(struct reconcile_keymap *map)
{
    struct reconcile_posting *packed;
    int next = 0;
    int e;

    if (map->posting_count == 0)
        return SQLITE_OK;
    packed =
        sqlite3_malloc64((sqlite3_uint64)map->posting_count * sizeof(*packed));
    if (packed == NULL)
        return SQLITE_NOMEM;
    for (e = 0; e < map->entry_count; e++) {
        struct reconcile_key_entry *entry = &map->entries[e];
        int p = entry->first;
        int k;
        /* The list runs newest first; lay it out oldest first. */
        for (k = entry->count - 1; k >= 0; k--, p = map->postings[p].next) {
            packed[next + k] = map->postings[p];
            packed[next + k].next = k + 1 < entry->count ? next + k + 1 : -1;
        }
        entry->first = next;
        next += entry->count;
    }
    sqlite3_free(map->postings);
    map->postings = packed;
    map->posting_capacity = map->posting_count;
    return SQLITE_OK;
}

int reconcile_keymap_find(const struct reconcile_keymap *map, const char *key,
                          int len)
{
    unsigned int slot;

    if (map->slot_count == 0 || len <= 0 || len > 255)
        return -1;
    slot = keymap_slot(map, key, len, hash_bytes(key, len));
    return (int)(unsigned int)map->slots[slot] - 1;
}

void reconcile_keymap_free(struct reconcile_keymap *map)
{
    sqlite3_free(map->slots);
    sqlite3_free(map->entries);
    sqlite3_free(map->postings);
    sqlite3_free(map->keys);
    memset(map, 0, sizeof(*map));
}

void reconcile_book_free(struct reconcile_book *book)
{
    sqlite3_free(book->invoices);
    sqlite3_free(book->customers);
    sqlite3_free(book->open_order);
    sqlite3_free(book->arena);
    reconcile_keymap_free(&book->numbers);
    reconcile_keymap_free(&book->deletions);
    reconcile_keymap_free(&book->amounts);
    reconcile_keymap_free(&book->customer_ids);
    reconcile_keymap_free(&book->name_words);
    reconcile_keymap_free(&book->aliases);
    sqlite3_free(book->stamp);
    sqlite3_free(book->slot);
    sqlite3_free(book->remaining);
    sqlite3_free(book->hit_stamp);
    sqlite3_free(book->claimed_by);
    sqlite3_free(book->customer_stamp);
    sqlite3_free(book->customer_vote);
    memset(book, 0, sizeof(*book));
}

const char *reconcile_book_text(const struct reconcile_book *book,
                                unsigned int offset)
{
    return book->arena + offset;
}

/* Stores text in the book's arena. */
static int store_text(struct reconcile_book *book, const char *text, size_t n,
                      unsigned int *offset_out)
{
    return append_bytes(&book->arena, &book->arena_len, &book->arena_capacity,
                        text, n, offset_out);
}

int reconcile_book_customer(const struct reconcile_book *book,
                            sqlite3_int64 customer_id)
{
    int entry =
        reconcile_keymap_find(&book->customer_ids, (const char *)&customer_id,
                              (int)sizeof(customer_id));

    if (entry < 0)
        return -1;
    return book->customer_ids.postings[book->customer_ids.entries[entry].first]
        .value;
}

/* Indexes the words of a customer's name key by their first 4 bytes. */
static int index_name_words(struct reconcile_book *book, const char *key,
                            int len, int customer)
{
    int i = 0;

    while (i < len) {
        int start = i;
        int rc;
        while (i < len && key[i] != ' ')
            i++;
        if (i - start >= 3) {
            rc = reconcile_keymap_add(&book->name_words, key + start,
                                      i - start < 4 ? i - start : 4, customer,
                                      0);
            if (rc != SQLITE_OK)
                return rc;
        }
        i++;
    }
    return SQLITE_OK;
}

/* Reads one row of the customers statement into the book. */
static int load_customer(struct reconcile_book *book, sqlite3_stmt *stmt)
{
    struct reconcile_customer *c;
    sqlite3_int64 id = sqlite3_column_int64(stmt, 0);
    const char *name = (const char *)sqlite3_column_text(stmt, 1);
    char key[128];
    int len = 0;
    int rc;

    rc = grow_array((void **)&book->customers, &book->customer_capacity,
                    book->customer_count, sizeof(*book->customers));
    if (rc != SQLITE_OK)
        return rc;
    if (name != NULL)
        len = reconcile_name_key(name, sqlite3_column_bytes(stmt, 1), key,
                                 sizeof(key));
    c = &book->customers[book->customer_count];
    memset(c, 0, sizeof(*c));
    c->customer_id = id;
    c->name_len = (unsigned short)len;
    rc = store_text(book, key, (size_t)len, &c->name_offset);
    if (rc == SQLITE_OK)
        rc = reconcile_keymap_add(&book->customer_ids, (const char *)&id,
                                  (int)sizeof(id), book->customer_count, 0);
    if (rc == SQLITE_OK)
        rc = index_name_words(book, key, len, book->customer_count);
    if (rc == SQLITE_OK)
        book->customer_count++;
    return rc;
}

/* The keys of one invoice number, written before they are stored. */
struct number_keys {
    char raw[RECONCILE_KEY_MAX + 1];        /* letters and digits */
    char norm[RECONCILE_KEY_MAX + 1];       /* ref_normalize */
    char digits[RECONCILE_KEY_MAX + 1];     /* digits of norm */
    char raw_digits[RECONCILE_KEY_MAX + 1]; /* all digits, zeros cut */
    char serial[RECONCILE_KEY_MAX + 1];     /* last digit run, zeros cut */
    int raw_len;
    int norm_len;
    int digits_len;
    int raw_digits_len;
    int serial_len;
};

/*
** Copies src[0..n-1] without leading zeros ("0" when all zeros) into out,
** which has room for RECONCILE_KEY_MAX bytes. Returns the length, or 0 (no
** key) when more digits are left than that, because a cut key would match
** numbers that only share a prefix.
*/
static int cut_zeros(const char *src, int n, char *out)
{
    int i = 0;

    while (i < n - 1 && src[i] == '0')
        i++;
    if (n - i > RECONCILE_KEY_MAX)
        return 0;
    memcpy(out, src + i, (size_t)(n - i));
    return n - i;
}

/*
** Writes the letters-and-digits key of a number, its digits with leading
** zeros cut, and its last digit run with leading zeros cut. A digit key
** longer than RECONCILE_KEY_MAX is left out, never cut.
*/
static void raw_number_keys(const char *number, int n, struct number_keys *k)
{
    int digit_count = 0; /* digits kept in raw_digits */
    int saw_digit = 0;
    int too_long = 0;
    int run_start = -1;
    int run_end = -1;
    int i;

    k->raw_len = 0;
    for (i = 0; i < n; i++) {
        char c = number[i];
        int digit = c >= '0' && c <= '9';
        int letter = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
        if (digit) {
            if (i == 0 || number[i - 1] < '0' || number[i - 1] > '9')
                run_start = i;
            run_end = i + 1;
            saw_digit = 1;
            if (digit_count == RECONCILE_KEY_MAX)
                too_long = 1;
            else if (digit_count > 0 || c != '0')
                k->raw_digits[digit_count++] = c;
        }
        if ((digit || letter) && k->raw_len < RECONCILE_KEY_MAX)
            k->raw[k->raw_len++] =
                letter && c >= 'a' ? (char)(c - 'a' + 'A') : c;
    }
    if (saw_digit && digit_count == 0)
        k->raw_digits[digit_count++] = '0';
    k->raw_digits_len = too_long ? 0 : digit_count;
    k->serial_len = run_start >= 0 ? cut_zeros(number + run_start,
                                               run_end - run_start, k->serial)
                                   : 0;
}

/* Writes every key of an invoice number, and drops the duplicates. */
static void make_number_keys(const char *number, int n, struct number_keys *k)
{
    int i;

    memset(k, 0, sizeof(*k));
    if (n > RECONCILE_MEMO_MAX_BYTES)
        n = RECONCILE_MEMO_MAX_BYTES;
    raw_number_keys(number, n, k);
    k->norm_len = reconcile_normalize(number, n, k->norm, RECONCILE_KEY_MAX);
    if (k->norm_len < 0)
        k->norm_len = 0;
    for (i = 0; i < k->norm_len; i++)
        if (k->norm[i] >= '0' && k->norm[i] <= '9')
            k->digits[k->digits_len++] = k->norm[i];
    /* A key equal to a stronger one adds nothing. */
    if (k->digits_len == k->norm_len)
        k->digits_len = 0;
    if (k->raw_len == k->norm_len && memcmp(k->raw, k->norm, k->raw_len) == 0)
        k->raw_len = 0;
    if ((k->raw_digits_len == k->digits_len &&
         memcmp(k->raw_digits, k->digits, k->digits_len) == 0) ||
        (k->raw_digits_len == k->norm_len &&
         memcmp(k->raw_digits, k->norm, k->norm_len) == 0))
        k->raw_digits_len = 0;
    if ((k->serial_len == k->norm_len &&
         memcmp(k->serial, k->norm, k->norm_len) == 0) ||
        (k->serial_len == k->digits_len &&
         memcmp(k->serial, k->digits, k->digits_len) == 0) ||
        (k->serial_len == k->raw_digits_len &&
         memcmp(k->serial, k->raw_digits, k->raw_digits_len) == 0))
        k->serial_len = 0;
}

/* Adds key with each single character deleted to the deletion map. */
static int add_deletions(struct reconcile_book *book, const char *key, int len,
                         int invoice, int tag)
{
    char variant[RECONCILE_KEY_MAX];
    int i;
    int rc = SQLITE_OK;

    if (len < 4)
        return SQLITE_OK; /* Every position, also inside a run of equal
                           *characters, so that a
                           ** lookup can tell a substitution or swap from the
                           *positions alone. */
    for (i = 0; i < len && rc == SQLITE_OK; i++) {
        memcpy(variant, key, (size_t)i);
        memcpy(variant + i, key + i + 1, (size_t)(len - i - 1));
        rc = reconcile_keymap_add_deletion(&book->deletions, variant, len - 1,
                                           invoice, tag, i, key[i]);
    }
    return rc;
}

/* Adds the number keys of invoice index inv to the maps. */
static int index_number(struct reconcile_book *book, int inv,
                        const struct number_keys *k, int open)
{
    struct reconcile_keymap *m = &book->numbers;
    int rc = SQLITE_OK;

    if (k->raw_len > 0)
        rc =
            reconcile_keymap_add(m, k->raw, k->raw_len, inv, RECONCILE_KEY_RAW);
    if (rc == SQLITE_OK && k->norm_len > 0)
        rc = reconcile_keymap_add(m, k->norm, k->norm_len, inv,
                                  RECONCILE_KEY_NORM);
    if (rc == SQLITE_OK && k->digits_len > 0)
        rc = reconcile_keymap_add(m, k->digits, k->digits_len, inv,
                                  RECONCILE_KEY_DIGITS);
    if (rc == SQLITE_OK && k->raw_digits_len > 0)
        rc = reconcile_keymap_add(m, k->raw_digits, k->raw_digits_len, inv,
                                  RECONCILE_KEY_RAW_DIGITS);
    if (rc == SQLITE_OK && k->serial_len > 0)
        rc = reconcile_keymap_add(m, k->serial, k->serial_len, inv,
                                  RECONCILE_KEY_SERIAL);
    if (rc == SQLITE_OK && open)
        rc = add_deletions(book, k->norm, k->norm_len, inv, RECONCILE_KEY_NORM);
    if (rc == SQLITE_OK && open)
        rc = add_deletions(book, k->digits, k->digits_len, inv,
                           RECONCILE_KEY_DIGITS);
    return rc;
}

/* Stores the number and its keys in the arena. */
static int store_number(struct reconcile_book *book,
                        struct reconcile_invoice *inv, const char *number,
                        int n, const struct number_keys *k)
{
    int rc;

    if (n > 255)
        n = 255;
    inv->number_len = (unsigned char)n;
    inv->norm_len = (unsigned char)k->norm_len;
    inv->digits_len = (unsigned char)k->digits_len;
    inv->serial_len = (unsigned char)k->serial_len;
    rc = store_text(book, number, (size_t)n, &inv->number_offset);
    if (rc == SQLITE_OK)
        rc = store_text(book, k->norm, (size_t)k->norm_len, &inv->norm_offset);
    if (rc == SQLITE_OK)
        rc = store_text(book, k->digits, (size_t)k->digits_len,
                        &inv->digits_offset);
    if (rc == SQLITE_OK)
        rc = store_text(book, k->serial, (size_t)k->serial_len,
                        &inv->serial_offset);
    return rc;
}

/* Key of the amounts map: 3 bytes of currency, 8 of cents. */
static void amount_key(const char *currency, sqlite3_int64 cents, char key[11])
{
    memcpy(key, currency, 3);
    memcpy(key + 3, &cents, sizeof(cents));
}

/* Reads the dates and state of an invoice row; 0 when a date is bad. */
static int read_invoice_row(sqlite3_stmt *stmt, struct reconcile_invoice *inv)
{
    const char *issue = (const char *)sqlite3_column_text(stmt, 3);
    const char *due = (const char *)sqlite3_column_text(stmt, 4);
    const char *currency = (const char *)sqlite3_column_text(stmt, 6);
    const char *status = (const char *)sqlite3_column_text(stmt, 7);

    memset(inv, 0, sizeof(*inv));
    inv->invoice_id = sqlite3_column_int64(stmt, 0);
    if (issue == NULL || due == NULL || currency == NULL || status == NULL ||
        !date_parse_iso(issue, sqlite3_column_bytes(stmt, 3),
                        &inv->issue_day) ||
        !date_parse_iso(due, sqlite3_column_bytes(stmt, 4), &inv->due_day) ||
        sqlite3_column_bytes(stmt, 6) != 3)
        return 0;
    memcpy(inv->currency, currency, 4);
    if (strcmp(status, "void") == 0)
        inv->state = RECONCILE_INVOICE_VOID;
    else if (sqlite3_column_int64(stmt, 5) > 0)
        inv->state = RECONCILE_INVOICE_OPEN;
    else
        inv->state = RECONCILE_INVOICE_CLOSED;
    if (inv->state == RECONCILE_INVOICE_OPEN)
        inv->open_cents = sqlite3_column_int64(stmt, 5);
    return 1;
}

/* Reads one row of the invoices statement into the book. */
static int load_invoice(struct reconcile_book *book, sqlite3_stmt *stmt,
                        char **err_out)
{
    struct reconcile_invoice *inv;
    struct number_keys keys;
    const char *number = (const char *)sqlite3_column_text(stmt, 1);
    int n = sqlite3_column_bytes(stmt, 1);
    int index = book->invoice_count;
    int rc;

    rc = grow_array((void **)&book->invoices, &book->invoice_capacity,
                    book->invoice_count, sizeof(*book->invoices));
    if (rc != SQLITE_OK)
        return rc;
    inv = &book->invoices[index];
    if (number == NULL || !read_invoice_row(stmt, inv)) {
        *err_out = sqlite3_mprintf(
            "reconcile_candidates: invoice %lld has a missing number, a date that is not YYYY-MM-DD or a currency that is not 3 letters; correct the invoice row",
            sqlite3_column_int64(stmt, 0));
        return SQLITE_ERROR;
    }
    inv->customer =
        reconcile_book_customer(book, sqlite3_column_int64(stmt, 2));
    make_number_keys(number, n, &keys);
    rc = store_number(book, inv, number, n, &keys);
    if (rc == SQLITE_OK)
        rc = index_number(book, index, &keys,
                          inv->state == RECONCILE_INVOICE_OPEN);
    if (rc == SQLITE_OK)
        book->invoice_count++;
    return rc;
}

int reconcile_book_index_amounts(struct reconcile_book *book)
{
    int rc = SQLITE_OK;
    int i;

    reconcile_keymap_free(&book->amounts);
    for (i = 0; i < book->invoice_count && rc == SQLITE_OK; i++) {
        const struct reconcile_invoice *inv = &book->invoices[i];
        char key[11];
        if (inv->state != RECONCILE_INVOICE_OPEN)
            continue;
        amount_key(inv->currency, inv->open_cents, key);
        rc = reconcile_keymap_add(&book->amounts, key, sizeof(key), i, 0);
    }
    return rc == SQLITE_OK ? reconcile_keymap_compact(&book->amounts) : rc;
}

/* Reads one row of the aliases statement into the book. */
static int load_alias(struct reconcile_book *book, sqlite3_stmt *stmt)
{
    const char *kind = (const char *)sqlite3_column_text(stmt, 0);
    const char *alias = (const char *)sqlite3_column_text(stmt, 1);
    int n = sqlite3_column_bytes(stmt, 1);
    int customer = reconcile_book_customer(book, sqlite3_column_int64(stmt, 2));
    char key[130];
    int len;

    if (kind == NULL || alias == NULL || customer < 0)
        return SQLITE_OK;
    if (strcmp(kind, "account") == 0) {
        key[0] = RECONCILE_ALIAS_ACCOUNT;
        len = reconcile_account_key(alias, n, key + 1, sizeof(key) - 1);
    } else if (strcmp(kind, "name") == 0) {
        key[0] = RECONCILE_ALIAS_NAME;
        len = reconcile_name_key(alias, n, key + 1, sizeof(key) - 1);
    } else {
        return SQLITE_OK;
    }
    if (len == 0)
        return SQLITE_OK;
    return reconcile_keymap_add(&book->aliases, key, len + 1, customer, 0);
}

/* Sort key of an open invoice: customer, then issue date, then id. */
struct open_key {
    int customer;
    int issue_day;
    sqlite3_int64 invoice_id;
    int index;
};

static int compare_open(const void *a, const void *b)
{
    const struct open_key *x = a;
    const struct open_key *y = b;

    if (x->customer != y->customer)
        return x->customer < y->customer ? -1 : 1;
    if (x->issue_day != y->issue_day)
        return x->issue_day < y->issue_day ? -1 : 1;
    return x->invoice_id < y->invoice_id ? -1 : x->invoice_id > y->invoice_id;
}

/* Builds open_order and each customer's range in it. */
static int order_open_invoices(struct reconcile_book *book)
{
    sqlite3_uint64 n = (sqlite3_uint64)book->invoice_count + 1;
    struct open_key *keys = sqlite3_malloc64(n * sizeof(*keys));
    int i;

    book->open_order = sqlite3_malloc64(n * sizeof(int));
    if (keys == NULL || book->open_order == NULL) {
        sqlite3_free(keys);
        return SQLITE_NOMEM;
    }
    book->open_count = 0;
    for (i = 0; i < book->invoice_count; i++) {
        const struct reconcile_invoice *inv = &book->invoices[i];
        struct open_key *k = &keys[book->open_count];
        if (inv->state != RECONCILE_INVOICE_OPEN || inv->customer < 0)
            continue;
        k->customer = inv->customer;
        k->issue_day = inv->issue_day;
        k->invoice_id = inv->invoice_id;
        k->index = i;
        book->open_count++;
    }
    qsort(keys, (size_t)book->open_count, sizeof(*keys), compare_open);
    for (i = 0; i < book->open_count; i++) {
        struct reconcile_customer *c = &book->customers[keys[i].customer];
        book->open_order[i] = keys[i].index;
        if (c->open_count == 0)
            c->open_first = i;
        c->open_count++;
    }
    sqlite3_free(keys);
    return SQLITE_OK;
}

/* Allocates the per-invoice scratch arrays of the scoring pass. */
static int allocate_scratch(struct reconcile_book *book)
{
    sqlite3_uint64 n = (sqlite3_uint64)book->invoice_count + 1;
    int i;

    book->stamp = sqlite3_malloc64(n * sizeof(int));
    book->slot = sqlite3_malloc64(n * sizeof(int));
    book->remaining = sqlite3_malloc64(n * sizeof(sqlite3_int64));
    book->hit_stamp = sqlite3_malloc64(n * sizeof(int));
    book->claimed_by = sqlite3_malloc64(n * sizeof(sqlite3_int64));
    book->customer_stamp = sqlite3_malloc64(
        ((sqlite3_uint64)book->customer_count + 1) * sizeof(int));
    book->customer_vote = sqlite3_malloc64(
        ((sqlite3_uint64)book->customer_count + 1) * sizeof(float));
    if (book->stamp == NULL || book->slot == NULL || book->remaining == NULL ||
        book->hit_stamp == NULL || book->claimed_by == NULL ||
        book->customer_stamp == NULL || book->customer_vote == NULL)
        return SQLITE_NOMEM;
    for (i = 0; i < book->invoice_count; i++) {
        book->stamp[i] = -1;
        book->hit_stamp[i] = -1;
        book->claimed_by[i] = 0;
        book->remaining[i] = book->invoices[i].open_cents;
    }
    for (i = 0; i < book->customer_count; i++)
        book->customer_stamp[i] = -1;
    return SQLITE_OK;
}

/* Compacts every map of the book once it is loaded. */
static int compact_maps(struct reconcile_book *book)
{
    struct reconcile_keymap *maps[] = {&book->numbers, &book->deletions,
                                       &book->customer_ids, &book->name_words,
                                       &book->aliases};
    size_t i;
    int rc = SQLITE_OK;

    for (i = 0; i < sizeof(maps) / sizeof(*maps) && rc == SQLITE_OK; i++)
        rc = reconcile_keymap_compact(maps[i]);
    return rc;
}

/* Steps stmt to its end, calling load for each row. */
static int load_rows(struct reconcile_book *book, sqlite3_stmt *stmt,
                     int (*load)(struct reconcile_book *, sqlite3_stmt *),
                     char **err_out, const char *table)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = load(book, stmt);
        if (rc != SQLITE_OK)
            break;
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    if (rc != SQLITE_NOMEM && *err_out == NULL)
        *err_out =
            sqlite3_mprintf("reconcile_candidates: reading %s failed: %s",
                            table, sqlite3_errmsg(sqlite3_db_handle(stmt)));
    return rc;
}

/* Steps the invoices statement; bound to lookback_date by the caller. */
static int load_invoices(struct reconcile_book *book, sqlite3_stmt *stmt,
                         char **err_out)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = load_invoice(book, stmt, err_out);
        if (rc != SQLITE_OK)
            break;
    }
    sqlite3_reset(stmt);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    if (rc != SQLITE_NOMEM && *err_out == NULL)
        *err_out =
            sqlite3_mprintf("reconcile_candidates: reading invoices failed: %s",
                            sqlite3_errmsg(sqlite3_db_handle(stmt)));
    return rc;
}

int reconcile_book_load(struct reconcile_book *book,
                        const struct reconcile_statements *stmts,
                        const char *lookback_date, char **err_out)
{
    int rc;

    *err_out = NULL;
    rc = load_rows(book, stmts->customers, load_customer, err_out, "customers");
    if (rc == SQLITE_OK)
        rc = sqlite3_bind_text(stmts->invoices, 1, lookback_date, -1,
                               SQLITE_TRANSIENT);
    if (rc == SQLITE_OK)
        rc = load_invoices(book, stmts->invoices, err_out);
    if (rc == SQLITE_OK && stmts->aliases != NULL)
        rc = load_rows(book, stmts->aliases, load_alias, err_out,
                       "payer_aliases");
    if (rc == SQLITE_OK)
        rc = order_open_invoices(book);
    if (rc == SQLITE_OK)
        rc = compact_maps(book);
    if (rc == SQLITE_OK)
        rc = reconcile_book_index_amounts(book);
    if (rc == SQLITE_OK)
        rc = allocate_scratch(book);
    if (rc == SQLITE_OK)
        book->loaded = 1;
    return rc;
}
