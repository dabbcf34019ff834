/*
** Memo parsing for the reconciliation engine: which strings of a bank memo
** may be invoice numbers, and the matching keys of payer names and
** accounts.
**
** A memo is split into words at ASCII spaces and at , ; : ( ) [ ] { } " '
** | < > = ! ? & (a ',' between two digits does not split). Words that
** belong to one of these shapes are set aside, so that their digit groups
** never count as an invoice number:
**   - an IBAN: 2 letters and 2 digits, then 11 to 30 letters or digits, in
**     one word or in groups of 4 ('ES91 2100 0418 4502 0005 1332');
**   - the digit groups after IBAN, CUENTA, CTA, ACCOUNT, ACCT or KONTO;
**   - a run of 3 or more digit-only words of 4 (or 2) digits, 16 digits or
**     more in all: a domestic account or card number;
**   - a word of digits and - / . with 14 digits or more;
**   - a date: three numbers split by the same '.', '/' or '-', with a
**     month and day in range (2024-03-15, 15/03/2024, 3.15.24);
**   - an amount: digits with 2 decimals after '.' or ',', thousands
**     groups allowed, with or without a currency sign or code
**     (1.234,56 EUR, $1,234.56, 99.90).
** RF references ('RF18 5390 0754 7034') and Belgian structured
** communications ('+++090/9337/55493+++') are taken out as structured
** references. Every other word containing a digit gives keys: its
** ref_normalize form, its letters and digits as written (zeros kept), each
** of its digit runs without leading zeros, and the ref_normalize form of it
** joined with 1 or 2 neighbouring words ('RE 001' -> 'RE1').
**
** LIMITS
**   - Only the first 512 bytes of a memo are read, and at most 96 keys and
**     4 structured references are kept.
**   - Dates written with month names ('15 MAR 2024') and two-part dates
**     ('03/2024') are not recognised: '03/2024' is also how some invoice
**     series are numbered.
**   - Phone numbers are not recognised.
*/
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "reconcile.h"
#include "refnorm.h"
#include "utf8.h"

/* Most words looked at in one memo. */
#define MEMO_MAX_WORDS 128

/* Shape of a word: plain, or set aside and why. */
enum word_shape {
    WORD_PLAIN,
    WORD_SKIPPED,   /* IBAN, account, date or amount */
    WORD_STRUCTURED /* part of an RF or Belgian reference */
};

/* A word of the memo: a byte span and what it looks like. */
struct memo_word {
    unsigned short start;
    unsigned short end;
    unsigned char shape;      /* enum word_shape */
    unsigned char digits;     /* number of ASCII digits, capped at 255 */
    unsigned char letters;    /* number of ASCII letters, capped */
    unsigned char alnum_only; /* 1 when all ASCII letters and digits */
};

/* The words of a memo while it is parsed. */
struct memo_words {
    const char *text;
    struct memo_word word[MEMO_MAX_WORDS];
    int count;
};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_letter(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

static char to_upper(char c)
{
    return (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
}

/* Returns 1 for the bytes that end a word. */
static int is_word_separator(unsigned char c)
{
    return c <= ' ' || strchr(",;:()[]{}\"'|<>=!?&", c) != NULL;
}

int reconcile_normalize(const char *text, int n, char *out, int cap)
{
    unsigned char buffer[RECONCILE_MEMO_MAX_BYTES];
    int invalid_offset = 0;
    int len;

    /* refnorm_normalize writes at most n bytes. */
    if (n <= 0 || n > (int)sizeof(buffer))
        return -1;
    len = refnorm_normalize((const unsigned char *)text, n, buffer,
                            &invalid_offset);
    if (len < 0 || len > cap)
        return -1;
    memcpy(out, buffer, (size_t)len);
    return len;
}

/* Counts letters and digits of a word. */
static void measure_word(struct memo_word *w, const char *text)
{
    int digits = 0;
    int letters = 0;
    int alnum_only = 1;
    int i;

    for (i = w->start; i < w->end; i++) {
        if (is_digit(text[i]))
            digits++;
        else if (is_letter(text[i]))
            letters++;
        else
            alnum_only = 0;
    }
    w->digits = (unsigned char)(digits > 255 ? 255 : digits);
    w->letters = (unsigned char)(letters > 255 ? 255 : letters);
    w->alnum_only = (unsigned char)alnum_only;
}

/*
** Returns 1 when text[i] ends a word. A ',' between two digits does not,
** so that an amount such as '2.168,00' stays one word.
*/
static int ends_word(const char *text, int n, int i)
{
    if (text[i] == ',' && i > 0 && i + 1 < n && is_digit(text[i - 1]) &&
        is_digit(text[i + 1]))
        return 0;
    return is_word_separator((unsigned char)text[i]);
}

/* Splits text[0..n-1] into words. */
static void split_words(struct memo_words *words, const char *text, int n)
{
    int i = 0;

    words->text = text;
    words->count = 0;
    while (i < n && words->count < MEMO_MAX_WORDS) {
        struct memo_word *w;
        while (i < n && ends_word(text, n, i))
            i++;
        if (i >= n)
            break;
        w = &words->word[words->count++];
        memset(w, 0, sizeof(*w));
        w->start = (unsigned short)i;
        while (i < n && !ends_word(text, n, i))
            i++;
        w->end = (unsigned short)i;
        measure_word(w, text);
    }
}

static int word_len(const struct memo_word *w)
{
    return w->end - w->start;
}

/* Returns 1 when the word equals upper (an upper-case ASCII word). */
static int word_is(const struct memo_words *words, int i, const char *upper)
{
    const struct memo_word *w = &words->word[i];
    int n = (int)strlen(upper);
    int k;

    if (word_len(w) != n)
        return 0;
    for (k = 0; k < n; k++)
        if (to_upper(words->text[w->start + k]) != upper[k])
            return 0;
    return 1;
}

/* Returns 1 when the word starts like an IBAN: 2 letters, 2 digits. */
static int starts_like_iban(const struct memo_words *words, int i)
{
    const struct memo_word *w = &words->word[i];
    const char *t = words->text + w->start;

    return w->alnum_only && word_len(w) >= 4 && is_letter(t[0]) &&
           is_letter(t[1]) && is_digit(t[2]) && is_digit(t[3]);
}

/* Marks words [first, last] with shape. */
static void mark_words(struct memo_words *words, int first, int last,
                       enum word_shape shape)
{
    int i;

    for (i = first; i <= last; i++)
        words->word[i].shape = (unsigned char)shape;
}

/*
** Sets aside an IBAN that starts at word i, in one word or in groups of
** at most 4. Returns the index of its last word, or -1 when none starts
** there.
*/
static int skip_iban(struct memo_words *words, int i)
{
    int total;
    int last = i;

    if (!starts_like_iban(words, i))
        return -1;
    total = word_len(&words->word[i]);
    /* Groups follow while the previous one had 4 characters. */
    while (word_len(&words->word[last]) == 4 && last + 1 < words->count &&
           words->word[last + 1].alnum_only &&
           word_len(&words->word[last + 1]) <= 4 && total < 34) {
        last++;
        total += word_len(&words->word[last]);
    }
    if (total < 15 || total > 34)
        return -1;
    mark_words(words, i, last, WORD_SKIPPED);
    return last;
}

/* Sets aside the digit groups after an account keyword at word i. */
static void skip_after_account_keyword(struct memo_words *words, int i)
{
    static const char *const keywords[] = {"IBAN",    "CUENTA", "CTA",
                                           "ACCOUNT", "ACCT",   "KONTO"};
    size_t k;
    int j;

    for (k = 0; k < sizeof(keywords) / sizeof(*keywords); k++)
        if (word_is(words, i, keywords[k]))
            break;
    if (k == sizeof(keywords) / sizeof(*keywords))
        return;
    for (j = i + 1; j < words->count && j <= i + 6; j++) {
        const struct memo_word *w = &words->word[j];
        if (w->digits == 0 || w->shape == WORD_STRUCTURED)
            break;
        words->word[j].shape = WORD_SKIPPED;
    }
}

/*
** Sets aside a run of digit-only words grouped like an account number:
** 3 or more words, all but the last of 4 or 2 digits, 16 digits in all.
*/
static void skip_digit_groups(struct memo_words *words, int i)
{
    int total = 0;
    int last = i;
    int j;

    for (j = i; j < words->count; j++) {
        const struct memo_word *w = &words->word[j];
        if (!w->alnum_only || w->letters > 0 || w->digits == 0 ||
            w->shape != WORD_PLAIN)
            break;
        total += w->digits;
        last = j;
        if (w->digits != 4 && w->digits != 2)
            break;
    }
    if (last - i >= 2 && total >= 16)
        mark_words(words, i, last, WORD_SKIPPED);
}

/* Reads a number of at most 4 digits at t; returns digits read (0: none). */
static int read_small_number(const char *t, int n, int *value_out)
{
    int k = 0;
    int value = 0;

    while (k < n && k < 5 && is_digit(t[k]))
        value = value * 10 + (t[k++] - '0');
    *value_out = value;
    return (k == 0 || k > 4) ? 0 : k;
}

/* Returns 1 when the numbers can be a month and a day. */
static int month_day(int month, int day)
{
    return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

/* Returns 1 when t[0..n-1] is a date of three numbers (see file header). */
static int looks_like_date(const char *t, int n)
{
    int part[3];
    int len[3];
    int pos = 0;
    char separator = 0;
    int k;

    for (k = 0; k < 3; k++) {
        len[k] = read_small_number(t + pos, n - pos, &part[k]);
        if (len[k] == 0)
            return 0;
        pos += len[k];
        if (k == 2)
            break;
        if (pos >= n || (t[pos] != '.' && t[pos] != '/' && t[pos] != '-'))
            return 0;
        if (separator != 0 && t[pos] != separator)
            return 0;
        separator = t[pos++];
    }
    if (pos != n)
        return 0;
    if (len[0] == 4)
        return len[1] <= 2 && len[2] <= 2 && month_day(part[1], part[2]);
    if ((len[2] == 4 || len[2] == 2) && len[0] <= 2 && len[1] <= 2)
        return month_day(part[1], part[0]) || month_day(part[0], part[1]);
    return 0;
}

/* Returns the length of a currency sign or code at the start of t, or 0. */
static int currency_prefix(const char *t, int n)
{
    static const char *const marks[] = {"EUR",          "USD", "GBP",     "CHF",
                                        "\xE2\x82\xAC", "$",   "\xC2\xA3"};
    size_t k;

    for (k = 0; k < sizeof(marks) / sizeof(*marks); k++) {
        int len = (int)strlen(marks[k]);
        if (len <= n && memcmp(t, marks[k], (size_t)len) == 0)
            return len;
    }
    return 0;
}

/* Returns the length of a currency sign or code at the end of t, or 0. */
static int currency_suffix(const char *t, int n)
{
    static const char *const marks[] = {"EUR",          "USD", "GBP",     "CHF",
                                        "\xE2\x82\xAC", "$",   "\xC2\xA3"};
    size_t k;

    for (k = 0; k < sizeof(marks) / sizeof(*marks); k++) {
        int len = (int)strlen(marks[k]);
        if (len <= n && memcmp(t + n - len, marks[k], (size_t)len) == 0)
            return len;
    }
    return 0;
}

/*
** Returns 1 when t[0..n-1] is an amount: digits, optional thousands
** separators, and exactly 2 decimals after '.' or ','.
*/
static int is_amount_number(const char *t, int n)
{
    int k;

    if (n < 4 || !is_digit(t[n - 1]) || !is_digit(t[n - 2]) ||
        (t[n - 3] != '.' && t[n - 3] != ','))
        return 0;
    for (k = 0; k < n - 3; k++)
        if (!is_digit(t[k]) && t[k] != '.' && t[k] != ',' && t[k] != '\'')
            return 0;
    return is_digit(t[0]);
}

/* Returns 1 when the word is an amount, with or without a currency mark. */
static int looks_like_amount(const char *t, int n)
{
    int prefix;
    int suffix;

    if (n > 0 && (t[0] == '-' || t[0] == '+'))
        return looks_like_amount(t + 1, n - 1);
    prefix = currency_prefix(t, n);
    suffix = currency_suffix(t + prefix, n - prefix);
    return is_amount_number(t + prefix, n - prefix - suffix);
}

/* Returns 1 for a word of digits and - / . only, with 14 digits or more. */
static int looks_like_long_number(const struct memo_words *words, int i)
{
    const struct memo_word *w = &words->word[i];
    int k;

    if (w->digits < 14 || w->letters > 0)
        return 0;
    for (k = w->start; k < w->end; k++) {
        char c = words->text[k];
        if (!is_digit(c) && c != '-' && c != '/' && c != '.')
            return 0;
    }
    return 1;
}

/* Sets aside the words that are IBANs, accounts, dates or amounts. */
static void mark_skipped_words(struct memo_words *words)
{
    int i;

    for (i = 0; i < words->count; i++) {
        struct memo_word *w = &words->word[i];
        const char *t = words->text + w->start;
        int last;
        if (w->shape != WORD_PLAIN)
            continue;
        last = skip_iban(words, i);
        if (last >= 0) {
            i = last;
            continue;
        }
        if (looks_like_date(t, word_len(w)) ||
            looks_like_amount(t, word_len(w)) ||
            looks_like_long_number(words, i)) {
            w->shape = WORD_SKIPPED;
            continue;
        }
        skip_digit_groups(words, i);
        skip_after_account_keyword(words, i);
    }
}

/* Records a structured reference found in text (memo or column). */
static void add_ref(struct reconcile_memo *memo, const struct creditor_ref *ref,
                    int start, int end, int from_memo)
{
    struct reconcile_memo_ref *r;

    if (memo->ref_count >= RECONCILE_MEMO_MAX_REFS)
        return;
    r = &memo->refs[memo->ref_count++];
    r->ref = *ref;
    r->start = (unsigned short)start;
    r->end = (unsigned short)end;
    r->from_memo = (unsigned char)from_memo;
}

/*
** Reads an RF reference starting at word i: the word itself, or a 4-byte
** 'RFnn' followed by groups of up to 4. Of the groupings with valid check
** digits the one with the most groups wins. With none valid, the one with
** the most groups is kept as invalid.
*/
static void find_rf_at(struct memo_words *words, int i,
                       struct reconcile_memo *memo)
{
    const struct memo_word *w = &words->word[i];
    const char *t = words->text;
    struct creditor_ref ref;
    struct creditor_ref longest;
    int last = i;
    int j;

    if (!w->alnum_only || word_len(w) < 4 || to_upper(t[w->start]) != 'R' ||
        to_upper(t[w->start + 1]) != 'F' || !is_digit(t[w->start + 2]) ||
        !is_digit(t[w->start + 3]))
        return;
    while (word_len(&words->word[last]) == 4 && last + 1 < words->count &&
           words->word[last + 1].alnum_only &&
           word_len(&words->word[last + 1]) <= 4 &&
           words->word[last + 1].end - w->start < 40)
        last++;
    memset(&longest, 0, sizeof(longest));
    for (j = last; j >= i; j--) {
        int end = words->word[j].end;
        if (!creditor_ref_parse(t + w->start, end - w->start, 0, &ref))
            continue;
        if (longest.scheme == CREDITOR_REF_NONE) {
            longest = ref;
            last = j;
        }
        if (ref.valid) {
            add_ref(memo, &ref, w->start, end, 1);
            mark_words(words, i, j, WORD_STRUCTURED);
            return;
        }
    }
    if (longest.scheme != CREDITOR_REF_NONE) {
        add_ref(memo, &longest, w->start, words->word[last].end, 1);
        mark_words(words, i, last, WORD_STRUCTURED);
    }
}

/* Marks the words inside the byte span [start, end) as structured. */
static void mark_span(struct memo_words *words, int start, int end)
{
    int i;

    for (i = 0; i < words->count; i++)
        if (words->word[i].start >= start && words->word[i].end <= end)
            words->word[i].shape = WORD_STRUCTURED;
}

/* Finds '+++...+++' and '***...***' Belgian communications in the memo. */
static void find_belgian(struct memo_words *words, int n,
                         struct reconcile_memo *memo)
{
    const char *t = words->text;
    int i;

    for (i = 0; i + 3 <= n; i++) {
        struct creditor_ref ref;
        int j;
        if ((t[i] != '+' && t[i] != '*') || t[i + 1] != t[i] ||
            t[i + 2] != t[i])
            continue;
        /* The closing marks come within 30 bytes, after 12 digits. */
        for (j = i + 15; j + 3 <= n && j <= i + 33; j++) {
            if (t[j] != t[i] || t[j + 1] != t[i] || t[j + 2] != t[i])
                continue;
            if (creditor_ref_parse(t + i, j + 3 - i, 0, &ref)) {
                add_ref(memo, &ref, i, j + 3, 1);
                mark_span(words, i, j + 3);
                i = j + 2;
            }
            break;
        }
    }
}

/* Origin of a key, for add_key. */
#define KEY_RAW 1    /* letters and digits of a word as written */
#define KEY_RUN 2    /* a digit run inside a word */
#define KEY_JOINED 4 /* 2 or 3 words joined */

/* Adds a key unless it is empty, too long or already there. */
static void add_key(struct reconcile_memo *memo, const char *key, int len,
                    int start, int end, int flags)
{
    struct reconcile_memo_key *k;
    int i;

    if (len <= 0 || len > RECONCILE_KEY_MAX ||
        memo->key_count >= RECONCILE_MEMO_MAX_KEYS)
        return;
    for (i = 0; i < memo->key_count; i++)
        if (memo->keys[i].len == len &&
            memcmp(memo->keys[i].text, key, (size_t)len) == 0)
            return;
    k = &memo->keys[memo->key_count++];
    memcpy(k->text, key, (size_t)len);
    k->text[len] = '\0';
    k->len = (unsigned char)len;
    k->raw = (flags & KEY_RAW) != 0;
    k->run = (flags & KEY_RUN) != 0;
    k->joined = (flags & KEY_JOINED) != 0;
    k->in_column = 0;
    k->start = (unsigned short)start;
    k->end = (unsigned short)end;
}

/* Returns 1 when key[0..len-1] has an ASCII digit. */
static int has_digit(const char *key, int len)
{
    int i;

    for (i = 0; i < len; i++)
        if (is_digit(key[i]))
            return 1;
    return 0;
}

/* Adds the normalized form of text[start..end) when it has a digit. */
static void add_normalized(struct reconcile_memo *memo, const char *text,
                           int start, int end, int joined)
{
    char key[RECONCILE_KEY_MAX];
    int len;

    if (end - start > RECONCILE_MEMO_MAX_BYTES)
        return;
    len = reconcile_normalize(text + start, end - start, key, sizeof(key));
    if (len > 0 && has_digit(key, len))
        add_key(memo, key, len, start, end, joined ? KEY_JOINED : 0);
}

/* Adds the ASCII letters and digits of a word, zeros kept. */
static void add_raw(struct reconcile_memo *memo, const char *text,
                    const struct memo_word *w)
{
    char key[RECONCILE_KEY_MAX];
    int len = 0;
    int i;

    for (i = w->start; i < w->end; i++) {
        char c = text[i];
        if ((unsigned char)c >= 0x80)
            return;
        if (!is_digit(c) && !is_letter(c))
            continue;
        if (len == RECONCILE_KEY_MAX)
            return;
        key[len++] = to_upper(c);
    }
    add_key(memo, key, len, w->start, w->end, KEY_RAW);
}

/* Adds each digit run of the word, leading zeros cut. */
static void add_digit_runs(struct reconcile_memo *memo, const char *text,
                           const struct memo_word *w)
{
    int i = w->start;

    while (i < w->end) {
        int run_start;
        int first;
        while (i < w->end && !is_digit(text[i]))
            i++;
        run_start = i;
        while (i < w->end && text[i] == '0')
            i++;
        first = i;
        while (i < w->end && is_digit(text[i]))
            i++;
        if (i == run_start)
            continue;
        if (first == i)
            add_key(memo, "0", 1, run_start, i, KEY_RUN);
        else
            add_key(memo, text + first, i - first, run_start, i, KEY_RUN);
    }
}

/* Returns 1 when words i..i+span-1 are all plain and one has a digit. */
static int can_join(const struct memo_words *words, int i, int span)
{
    int digits = 0;
    int k;

    if (i + span > words->count)
        return 0;
    for (k = i; k < i + span; k++) {
        if (words->word[k].shape != WORD_PLAIN)
            return 0;
        digits += words->word[k].digits;
    }
    return digits > 0 &&
           words->word[i + span - 1].end - words->word[i].start <= 48;
}

/* Returns 1 when the bytes of the word are valid UTF-8. */
static int is_valid_word(const char *text, const struct memo_word *w)
{
    int i = w->start;

    while (i < w->end) {
        uint32_t c;
        int len = utf8_decode((const unsigned char *)text + i, w->end - i, &c);
        if (len == 0)
            return 0;
        i += len;
    }
    return 1;
}

/* Writes the keys of every plain word and of runs of 2 and 3 words. A
** word with bytes that are not UTF-8 gives none: its digits may be part
** of a character the bank's export broke. */
static void add_word_keys(const struct memo_words *words,
                          struct reconcile_memo *memo)
{
    int i;

    for (i = 0; i < words->count; i++) {
        const struct memo_word *w = &words->word[i];
        if (w->shape != WORD_PLAIN || w->digits == 0 ||
            !is_valid_word(words->text, w))
            continue;
        add_normalized(memo, words->text, w->start, w->end, 0);
        add_raw(memo, words->text, w);
        add_digit_runs(memo, words->text, w);
    }
    for (i = 0; i < words->count; i++) {
        if (can_join(words, i, 2))
            add_normalized(memo, words->text, words->word[i].start,
                           words->word[i + 1].end, 1);
        if (can_join(words, i, 3))
            add_normalized(memo, words->text, words->word[i].start,
                           words->word[i + 2].end, 1);
    }
}

/*
** Writes the plain keys of each structured reference found in the memo:
** an invoice may be numbered like one ('RF2013001'), and its number in
** the memo must still be found.
*/
static void add_structured_keys(const struct memo_words *words,
                                struct reconcile_memo *memo)
{
    int ref_count = memo->ref_count;
    int i;

    for (i = 0; i < ref_count; i++) {
        const struct reconcile_memo_ref *r = &memo->refs[i];
        struct memo_word span;

        memset(&span, 0, sizeof(span));
        span.start = r->start;
        span.end = r->end;
        add_normalized(memo, words->text, r->start, r->end, 0);
        add_raw(memo, words->text, &span);
    }
}

void reconcile_memo_parse(const char *memo, int n, struct reconcile_memo *out)
{
    struct memo_words words;
    int i;

    out->key_count = 0;
    out->ref_count = 0;
    out->skipped_words = 0;
    if (memo == NULL || n <= 0)
        return;
    if (n > RECONCILE_MEMO_MAX_BYTES)
        n = RECONCILE_MEMO_MAX_BYTES;
    split_words(&words, memo, n);
    find_belgian(&words, n, out);
    for (i = 0; i < words.count; i++)
        if (words.word[i].shape == WORD_PLAIN)
            find_rf_at(&words, i, out);
    mark_skipped_words(&words);
    for (i = 0; i < words.count; i++)
        out->skipped_words += words.word[i].shape == WORD_SKIPPED;
    add_word_keys(&words, out);
    add_structured_keys(&words, out);
}

/*
** Writes the keys of the words of a structured_ref column that holds no
** creditor reference: banks put a plain invoice number there too (an
** MT940 end-to-end id, a camt CdtrRefInf/Ref such as 'INV-2024-0099').
** The keys are marked in_column, as their spans are offsets there.
*/
static void add_column_keys(struct memo_words *words,
                            struct reconcile_memo *memo)
{
    int first = memo->key_count;
    int i;

    mark_skipped_words(words);
    add_word_keys(words, memo);
    for (i = first; i < memo->key_count; i++)
        memo->keys[i].in_column = 1;
}

void reconcile_memo_add_structured(struct reconcile_memo *memo,
                                   const char *text, int n)
{
    struct creditor_ref ref;
    struct memo_words words;
    int first = memo->ref_count;
    int searched; /* bytes searched, capped as for a memo */
    int whole;
    int i;

    if (text == NULL || n <= 0)
        return;
    whole = creditor_ref_parse(text, n, 1, &ref);
    if (whole && ref.valid) {
        add_ref(memo, &ref, 0, n > 0xFFFF ? 0xFFFF : n, 0);
        return;
    }

    /* camt joins the references of several Strd blocks with a space, so
    ** the column may hold more than one, which together read as one
    ** invalid RF reference: find each as in a memo. */
    searched = n > RECONCILE_MEMO_MAX_BYTES ? RECONCILE_MEMO_MAX_BYTES : n;
    split_words(&words, text, searched);
    find_belgian(&words, searched, memo);
    for (i = 0; i < words.count; i++)
        if (words.word[i].shape == WORD_PLAIN)
            find_rf_at(&words, i, memo);
    for (i = first; i < memo->ref_count; i++)
        memo->refs[i].from_memo = 0;
    if (memo->ref_count == first && whole)
        add_ref(memo, &ref, 0, n > 0xFFFF ? 0xFFFF : n, 0);
    if (memo->ref_count == first && !whole)
        add_column_keys(&words, memo);
}

/* Returns 1 for a legal form or a filler word that says nothing of who. */
static int is_name_filler(const char *word, int n)
{
    static const char *const fillers[] = {
        "LTD",  "LIMITED",  "INC",         "INCORPORATED", "LLC", "LLP",  "PLC",
        "CORP", "CO",       "CORPORATION", "COMPANY",      "SA",  "SL",   "SLU",
        "SAU",  "SLL",      "SAS",         "SRL",          "SPA", "GMBH", "AG",
        "KG",   "BV",       "NV",          "OY",           "AB",  "AS",   "APS",
        "CIA",  "SOCIEDAD", "LIMITADA",    "ANONIMA",      "THE", "AND",  "DE",
        "DEL",  "LA",       "LOS",         "LAS",          "EL",  "OF",   "Y"};
    size_t i;

    if (n <= 1)
        return 1;
    for (i = 0; i < sizeof(fillers) / sizeof(*fillers); i++)
        if ((int)strlen(fillers[i]) == n && memcmp(fillers[i], word, n) == 0)
            return 1;
    return 0;
}

/* Returns 1 for the bytes that split the words of a name. */
static int is_name_separator(unsigned char c)
{
    return c <= ' ' || strchr(",.;:()[]{}\"'|<>=!?&/-+*_", c) != NULL;
}

int reconcile_name_key(const char *name, int n, char *out, int cap)
{
    int len = 0;
    int i = 0;

    if (cap <= 0)
        return 0;
    if (n > RECONCILE_MEMO_MAX_BYTES)
        n = RECONCILE_MEMO_MAX_BYTES;
    while (i < n) {
        char word[RECONCILE_KEY_MAX];
        int start;
        int wlen;
        while (i < n && is_name_separator((unsigned char)name[i]))
            i++;
        start = i;
        while (i < n && !is_name_separator((unsigned char)name[i]))
            i++;
        if (i == start)
            continue;
        wlen = reconcile_normalize(name + start, i - start, word, sizeof(word));
        if (wlen <= 0 || is_name_filler(word, wlen))
            continue;
        if (len > 0) {
            if (len >= cap - 2)
                break;
            out[len++] = ' ';
        }
        if (wlen > cap - 1 - len)
            wlen = cap - 1 - len;
        memcpy(out + len, word, (size_t)wlen);
        len += wlen;
    }
    out[len] = '\0';
    return len;
}

int reconcile_account_key(const char *account, int n, char *out, int cap)
{
    int len = 0;
    int i;

    if (cap <= 0)
        return 0;
    for (i = 0; i < n && len < cap - 1; i++) {
        char c = account[i];
        if (is_digit(c) || is_letter(c))
            out[len++] = to_upper(c);
    }
    out[len] = '\0';
    return len;
}
