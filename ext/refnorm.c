/*
** Reference normalization and similarity, for matching the invoice numbers
** that customers write in bank memos against the numbers on the invoices.
**
** Usage:
**   SELECT ref_normalize('Invoice no. 00123');               -- '123'
**   SELECT ref_normalize('FACTURA Nº 0042/2013');            -- '422013'
**   SELECT ref_normalize('INV00123');                        -- '123'
**   SELECT ref_similarity('INV-2013-004512 ACME', '4512');   -- 0.95
**   SELECT ref_similarity('Fra. 4521', '4512');              -- 0.8333
**   CREATE INDEX invoices_ref_idx ON invoices (ref_normalize(number));
**
** SQL signatures (NULL in either argument gives NULL):
**   ref_normalize(text)       text: the matching key described below
**   ref_similarity(a, b)      real 0..1: how alike two references are
**
** ref_normalize RULES, in the order they apply
**   1. Tokens. The text splits into tokens at every character that is not
**      a letter or a digit: spaces (U+00A0 no-break space and the other
**      Unicode spaces too), punctuation, symbols, '#', '°', 'º', 'ª', '№'.
**      These separators are removed. Accents given as combining marks
**      (U+0300..U+036F and the other combining blocks), the soft hyphen
**      and zero-width characters are removed without splitting a token.
**   2. Letters. ASCII letters become upper case. Letters of Latin-1
**      Supplement and Latin Extended-A lose their accents and become
**      upper case: 'é' 'É' -> E, 'ñ' -> N, 'ü' -> U, 'ç' -> C, 'ø' -> O,
**      'ł' -> L, and 'ß' -> SS, 'æ' -> AE, 'œ' -> OE, 'þ' -> TH,
**      'ĳ' -> IJ. Fullwidth forms (U+FF01..U+FF5E) count as their ASCII
**      characters. Other letters (Greek, Cyrillic, CJK, Latin Extended-B
**      and later blocks) are kept as they are, with no case change.
**   3. Document words. The letters that open a token (up to its first
**      digit or its end) are removed when they are exactly one of
**        FAC FACT FACTURA FRA INV INVOICE NO NR NRO NUM NUMBER NUMERO
**        REF REFERENCE REFERENCIA
**      So 'Invoice no. 00123' and 'INV00123' lose INVOICE, NO and INV, but
**      'NORTH', 'INVEST' and '123INV' keep theirs. A token that is just
**      'N', followed by 'º' or '°' (optionally after a '.': 'n.º'), is the
**      abbreviation Nº and is removed too.
**   4. Digits. Every run of ASCII (or fullwidth) digits loses its leading
**      zeros, and a run of zeros only becomes '0'. Runs are cut by any
**      separator or letter, so '0042/2013' -> '42' '2013' and
**      '2013/0042' -> '2013' '42': the same number written with more or
**      fewer zeros gets the same key.
**   5. The remaining pieces are joined with nothing between them. Text
**      with nothing left (e.g. 'Invoice #') gives '', not NULL.
**
** ref_similarity FORMULA
**   Both arguments go through ref_normalize. Then, with s the shorter and
**   l the longer key (in code points):
**     - 0.0 when either key is '', 1.0 when the keys are equal;
**     - pair(x, y) = (1 - osa(x, y) / max(|x|, |y|) + jaro(x, y)) / 2,
**       where osa is the optimal string alignment distance (Levenshtein
**       plus one-step swaps of adjacent characters) and jaro the Jaro
**       similarity without Winkler's prefix bonus: invoice numbers of one
**       series share their first digits, so a common prefix is no sign
**       of a match;
**     - whole = pair(s, l);
**     - part = 0.95 * the best pair(s, w) over the windows w of l: runs of
**       whole consecutive segments of l (segments are the input tokens and
**       the runs of digits or non-digits inside them) that are not all of
**       l and whose length is within 2 of |s|. A memo that contains the
**       invoice number as whole segments scores 0.95, a little less than
**       equal keys. When both keys have the same length, the windows of
**       both are tried. Only when |s| <= 64;
**     - score = max(whole, part).
**   So 'INV-2013-004512 ACME' vs '4512' is 0.95 (window '4512'), a
**   swap of two digits in '4512' gives 0.8333, one wrong digit 0.7917,
**   and '4512' vs '7890' gives 0.0. A number hidden inside a longer digit
**   run ('134' in '20134512') is not a window and scores lower (0.5).
**
** LIMITS
**   - ref_normalize takes at most 4000 bytes, ref_similarity at most 1000
**     bytes per argument (a SEPA remittance text holds 140 characters);
**     longer text is an error. Text that is not valid UTF-8 is an error.
**   - When both keys are longer than 64 code points, ref_similarity
**     compares them whole, without windows.
**   - Nothing is allocated per call: ref_similarity keeps both keys on the
**     stack and uses up to about 28 KB of it (measured with gcc 12
**     -fstack-usage on x86-64).
**   - Letters outside Latin-1 Supplement and Latin Extended-A keep their
**     case and accents: 'Ș' (Latin Extended-B) or Greek 'α' stay as they
**     are, so 'Ș' and 'S' differ.
**   - Only ASCII and fullwidth digits are digits: other scripts' digits
**     are kept like letters and lose no zeros.
**   - Document words glued together ('INVNO123') are one word that is not
**     in the list, and stay.
**   - A document word is removed even where it is part of a name, as in
**     'NO FRILLS LTD' -> 'FRILLSLTD'. Both sides of a comparison lose it
**     alike, so equal references still match.
*/
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "fuzzy.h"
#include "refnorm.h"
#include "utf8.h"

/* Role of a non-ASCII character in normalization. */
enum char_class {
    CHAR_SEPARATOR, /* ends the token and is removed */
    CHAR_IGNORED,   /* removed without ending the token */
    CHAR_LETTER,    /* written as one or two ASCII capitals */
    CHAR_OTHER,     /* written unchanged and treated as a letter */
    CHAR_ORDINAL    /* 'º' or '°': a separator that removes a lone 'N' */
};

/*
** Capitals of U+00C0..U+00FF: '*' marks the two-letter folds, '-' the two
** symbols (multiplication and division signs), which are separators.
*/
static const char latin1_fold[] = "AAAAAA*CEEEEIIIIDNOOOOO-OUUUUY**"
                                  "AAAAAA*CEEEEIIIIDNOOOOO-OUUUUY*Y";

/* Capitals of U+0100..U+017F; '*' marks the two-letter folds IJ and OE. */
static const char latin_extended_a_fold[] = "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGG"
                                            "GGGGHHHHIIIIIIIIII**JJKKKLLLLLLL"
                                            "LLLNNNNNNNNNOOOOOO**RRRRRRSSSSSS"
                                            "SSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS";

/* Returns the two-letter fold of c, one of the '*' entries above. */
static const char *two_letter_fold(uint32_t c)
{
    switch (c) {
    case 0xC6: /* Æ */
    case 0xE6: /* æ */
        return "AE";
    case 0xDE: /* Þ */
    case 0xFE: /* þ */
        return "TH";
    case 0xDF: /* ß */
        return "SS";
    case 0x132: /* Ĳ */
    case 0x133: /* ĳ */
        return "IJ";
    default: /* U+0152 Œ, U+0153 œ */
        return "OE";
    }
}

/* Returns 1 for the invisible characters that rule 1 removes in place. */
static int is_ignored(uint32_t c)
{
    return c == 0xAD || (c >= 0x300 && c <= 0x36F) ||
           (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) ||
           (c >= 0x200B && c <= 0x200D) || (c >= 0x2060 && c <= 0x2064) ||
           (c >= 0x20D0 && c <= 0x20FF) || (c >= 0xFE00 && c <= 0xFE0F) ||
           (c >= 0xFE20 && c <= 0xFE2F) || c == 0xFEFF;
}

/*
** Returns 1 for the non-ASCII separators: Latin-1 punctuation and symbols,
** spacing modifiers, Unicode spaces, general punctuation, currency and
** letterlike symbols (with '№'), arrows to dingbats, CJK punctuation,
** small and vertical forms, and specials.
*/
static int is_separator(uint32_t c)
{
    return c <= 0xBF || c == 0xD7 || c == 0xF7 || (c >= 0x2B0 && c <= 0x2FF) ||
           c == 0x1680 || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x20A0 && c <= 0x20CF) || (c >= 0x2100 && c <= 0x214F) ||
           (c >= 0x2190 && c <= 0x2BFF) || (c >= 0x2E00 && c <= 0x2E7F) ||
           (c >= 0x3000 && c <= 0x303F) || (c >= 0xFE10 && c <= 0xFE1F) ||
           (c >= 0xFE30 && c <= 0xFE6F) || (c >= 0xFF5F && c <= 0xFF65) ||
           (c >= 0xFFF0 && c <= 0xFFFF);
}

/*
** Classifies a non-ASCII code point. For CHAR_LETTER, writes its capitals
** to folded (one or two) and their count to *folded_len.
*/
static enum char_class classify(uint32_t c, char folded[2], int *folded_len)
{
    char fold = 0;

    if (c == 0xBA || c == 0xB0)
        return CHAR_ORDINAL;
    if (is_ignored(c))
        return CHAR_IGNORED;
    if (is_separator(c))
        return CHAR_SEPARATOR;
    if (c >= 0xC0 && c <= 0xFF)
        fold = latin1_fold[c - 0xC0];
    else if (c >= 0x100 && c <= 0x17F)
        fold = latin_extended_a_fold[c - 0x100];
    if (fold == 0)
        return CHAR_OTHER;
    if (fold == '-')
        return CHAR_SEPARATOR;
    if (fold == '*') {
        memcpy(folded, two_letter_fold(c), 2);
        *folded_len = 2;
    } else {
        folded[0] = fold;
        *folded_len = 1;
    }
    return CHAR_LETTER;
}

/* Returns 1 when word[0..n-1] is a document word of rule 3. */
static int is_document_word(const unsigned char *word, int n)
{
    /* The words grouped by length and written back to back, in char arrays
    ** rather than a table of pointers: this runs at the end of every
    ** opening letter run, and position-independent code pays a load per
    ** pointer. */
    static const char length_2[] = "NONR";
    static const char length_3[] = "FACFRAINVNRONUMREF";
    static const char length_4[] = "FACT";
    static const char length_6[] = "NUMBERNUMERO";
    static const char length_7[] = "FACTURAINVOICE";
    static const char length_9[] = "REFERENCE";
    static const char length_10[] = "REFERENCIA";
    const char *words;
    int count;
    int i;
    int k;

    /* Most opening words (names, 'PAGO', 'TRANSFER') fail on the first
    ** letter, because every document word starts with F, I, N or R. */
    if (n < 2 || (word[0] != 'F' && word[0] != 'I' && word[0] != 'N' &&
                  word[0] != 'R'))
        return 0;
    switch (n) {
    case 2:
        words = length_2;
        count = (int)(sizeof(length_2) - 1) / 2;
        break;
    case 3:
        words = length_3;
        count = (int)(sizeof(length_3) - 1) / 3;
        break;
    case 4:
        words = length_4;
        count = (int)(sizeof(length_4) - 1) / 4;
        break;
    case 6:
        words = length_6;
        count = (int)(sizeof(length_6) - 1) / 6;
        break;
    case 7:
        words = length_7;
        count = (int)(sizeof(length_7) - 1) / 7;
        break;
    case 9:
        words = length_9;
        count = (int)(sizeof(length_9) - 1) / 9;
        break;
    case 10:
        words = length_10;
        count = (int)(sizeof(length_10) - 1) / 10;
        break;
    default:
        return 0;
    }
    for (i = 0; i < count; i++) {
        const char *candidate = words + i * n;

        for (k = 0; k < n && candidate[k] == word[k]; k++)
            ;
        if (k == n)
            return 1;
    }
    return 0;
}

/* State of one pass of refnorm_normalize. */
struct normalizer {
    unsigned char *out;   /* output, room for the input's bytes */
    short *segment_start; /* NULL, or room for one offset per output byte */
    int segment_count;    /* offsets written to segment_start */
    int len;              /* bytes written to out */
    int in_token;         /* 1 after a token's first letter or digit */
    int letters_start;    /* offset in out of the letters that opened the
                             token while they last, else -1 */
    int in_digits;        /* 1 inside a run of digits */
    int digits_written;   /* digits of the run written after its zeros */
    int segment_pending;  /* 1 when the next byte written starts a segment */
    int lone_n_at;        /* offset of an 'N' token followed so far only by
                             '.', which a 'º' would remove, else -1 */
};

/*
** Appends n bytes to the output, upper-casing ASCII letters when upper is
** set, and records a segment start at the first byte when one is due.
*/
static void emit(struct normalizer *nz, const unsigned char *bytes, int n,
                 int upper)
{
    int i;
    unsigned char keep = upper ? 0xDF : 0xFF; /* 0xDF clears bit 0x20 */
    unsigned char *end = nz->out + nz->len;

    if (n <= 0)
        return;
    if (nz->segment_pending && nz->segment_start)
        nz->segment_start[nz->segment_count++] = (short)nz->len;
    nz->segment_pending = 0;
    /* A loop, not memcpy: runs are a few bytes, shorter than a call. The
    ** local end pointer spares a reload of nz->out and nz->len per byte,
    ** which the compiler must assume the stores could change. */
    for (i = 0; i < n; i++)
        end[i] = bytes[i] & keep;
    nz->len += n;
}

/* Removes the output from offset len on, with the segments starting there. */
static void truncate_output(struct normalizer *nz, int len)
{
    nz->len = len;
    while (nz->segment_count > 0 &&
           nz->segment_start[nz->segment_count - 1] >= len)
        nz->segment_count--;
    nz->segment_pending = 1;
}

/* Ends the letters that opened a token, removing a document word. */
static void end_opening_letters(struct normalizer *nz)
{
    if (nz->letters_start < 0)
        return;
    if (is_document_word(nz->out + nz->letters_start,
                         nz->len - nz->letters_start))
        truncate_output(nz, nz->letters_start);
    nz->letters_start = -1;
}

/* Ends a digit run: a run of zeros only is written as one '0'. */
static void end_digits(struct normalizer *nz)
{
    if (nz->in_digits && nz->digits_written == 0)
        emit(nz, (const unsigned char *)"0", 1, 0);
    nz->in_digits = 0;
}

/* Returns 1 when the opening letters of the token are exactly "N". */
static int opening_letters_are_n(const struct normalizer *nz)
{
    return nz->letters_start >= 0 && nz->len - nz->letters_start == 1 &&
           nz->out[nz->letters_start] == 'N';
}

/*
** Handles a run of separators. only_dots is 1 when the run was all '.',
** which keeps a lone 'N' token removable by a following 'º'.
*/
static void on_separators(struct normalizer *nz, int only_dots)
{
    int lone_n_at = -1;

    if (only_dots)
        lone_n_at =
            opening_letters_are_n(nz) ? nz->letters_start : nz->lone_n_at;
    end_opening_letters(nz);
    end_digits(nz);
    nz->in_token = 0;
    nz->segment_pending = 1;
    nz->lone_n_at = lone_n_at;
}

/* Handles 'º' or '°': removes the 'N' of "Nº" or "N.º", then separates. */
static void on_ordinal(struct normalizer *nz)
{
    if (opening_letters_are_n(nz)) {
        truncate_output(nz, nz->letters_start);
        nz->letters_start = -1;
    } else if (nz->lone_n_at >= 0 && nz->lone_n_at == nz->len - 1) {
        truncate_output(nz, nz->lone_n_at);
    }
    on_separators(nz, 0);
}

/* Handles a run of n ASCII digits, which may continue the current run. */
static void on_digits(struct normalizer *nz, const unsigned char *digits, int n)
{
    int zeros = 0;

    nz->lone_n_at = -1;
    end_opening_letters(nz);
    nz->in_token = 1;
    if (!nz->in_digits) {
        nz->in_digits = 1;
        nz->digits_written = 0;
        nz->segment_pending = 1;
    }
    if (nz->digits_written == 0)
        while (zeros < n && digits[zeros] == '0')
            zeros++;
    emit(nz, digits + zeros, n - zeros, 0);
    nz->digits_written += n - zeros;
}

/*
** Handles letters given as their output bytes: ASCII letters to upper-case
** (upper set), folded capitals, or a kept character's UTF-8.
*/
static void on_letters(struct normalizer *nz, const unsigned char *bytes, int n,
                       int upper)
{
    nz->lone_n_at = -1;
    if (nz->in_digits) {
        end_digits(nz);
        nz->segment_pending = 1;
    }
    if (!nz->in_token) {
        nz->in_token = 1;
        nz->segment_pending = 1;
        nz->letters_start = nz->len;
    }
    emit(nz, bytes, n, upper);
}

/* Returns 1 for an ASCII letter. */
static int is_ascii_letter(unsigned char c)
{
    return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
}

/* Returns 1 for an ASCII digit. */
static int is_ascii_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

/*
** Handles the run of ASCII characters of one kind (digits, letters or
** separators) that starts at text[0]. Returns its length.
*/
static int on_ascii_run(struct normalizer *nz, const unsigned char *text, int n)
{
    unsigned char c = text[0];
    int only_dots = c == '.';
    int j = 1;

    if (is_ascii_digit(c)) {
        while (j < n && is_ascii_digit(text[j]))
            j++;
        on_digits(nz, text, j);
    } else if (is_ascii_letter(c)) {
        while (j < n && is_ascii_letter(text[j]))
            j++;
        on_letters(nz, text, j, 1);
    } else {
        while (j < n && text[j] < 0x80 && !is_ascii_digit(text[j]) &&
               !is_ascii_letter(text[j])) {
            only_dots &= text[j] == '.';
            j++;
        }
        on_separators(nz, only_dots);
    }
    return j;
}

/* Handles one non-ASCII code point c, whose UTF-8 is bytes[0..n-1]. */
static void on_code_point(struct normalizer *nz, uint32_t c,
                          const unsigned char *bytes, int n)
{
    char folded[2];
    int folded_len = 0;

    if (c >= 0xFF01 && c <= 0xFF5E) { /* fullwidth ASCII */
        unsigned char ascii = (unsigned char)(c - 0xFEE0);

        on_ascii_run(nz, &ascii, 1);
        return;
    }
    switch (classify(c, folded, &folded_len)) {
    case CHAR_ORDINAL:
        on_ordinal(nz);
        break;
    case CHAR_IGNORED:
        break;
    case CHAR_SEPARATOR:
        on_separators(nz, 0);
        break;
    case CHAR_LETTER:
        on_letters(nz, (const unsigned char *)folded, folded_len, 0);
        break;
    default: /* CHAR_OTHER */
        on_letters(nz, bytes, n, 0);
        break;
    }
}

/*
** Runs the rules over text[0..n-1] into nz (out and segment_start set).
** Returns the output length, or -1 with *invalid_offset_out.
*/
static int normalize(struct normalizer *nz, const unsigned char *text, int n,
                     int *invalid_offset_out)
{
    int i = 0;

    nz->letters_start = -1;
    nz->lone_n_at = -1;
    while (i < n) {
        uint32_t c;
        int len;

        if (text[i] < 0x80) {
            i += on_ascii_run(nz, text + i, n - i);
            continue;
        }
        len = utf8_decode(text + i, n - i, &c);
        if (len == 0) {
            *invalid_offset_out = i;
            return -1;
        }
        on_code_point(nz, c, text + i, len);
        i += len;
    }
    on_separators(nz, 0);
    return nz->len;
}

int refnorm_normalize(const unsigned char *text, int n, unsigned char *out,
                      int *invalid_offset_out)
{
    struct normalizer nz;

    memset(&nz, 0, sizeof(nz));
    nz.out = out;
    return normalize(&nz, text, n, invalid_offset_out);
}

int refnorm_key_init(struct refnorm_key *key, const unsigned char *text, int n,
                     int *invalid_offset_out)
{
    struct normalizer nz;

    memset(&nz, 0, sizeof(nz));
    nz.out = key->text;
    nz.segment_start = key->segment_start;
    key->length = normalize(&nz, text, n, invalid_offset_out);
    key->segment_count = nz.segment_count;
    return key->length >= 0;
}

/* Score of a window that contains the shorter key exactly (see FORMULA). */
#define REFNORM_PART_WEIGHT 0.95

/* Largest difference in length between the shorter key and a window. */
#define REFNORM_WINDOW_SLACK 2

/* A normalized reference as code points, with its segment starts. */
struct reference {
    uint32_t code_points[REFNORM_SIMILARITY_MAX_BYTES];
    short segment_start[REFNORM_SIMILARITY_MAX_BYTES + 1]; /* code point
                     offsets, ascending, then one entry equal to length */
    int segment_count; /* segments, not counting the closing entry */
    int length;        /* code points */
};

/* Decodes a key (valid UTF-8) and moves its segment starts to code points. */
static void decode_reference(const struct refnorm_key *key, struct reference *r)
{
    unsigned char or_of_bytes = 0; /* bit 7 set: a byte is not ASCII */
    int invalid_offset = 0;
    int count = 0;
    int byte = 0;
    int k;

    /* Most keys are ASCII, so widen them in one loop and decode others. */
    for (k = 0; k < key->length; k++) {
        r->code_points[k] = key->text[k];
        or_of_bytes |= key->text[k];
    }
    r->length = key->length;
    if (or_of_bytes >= 0x80)
        utf8_to_code_points(key->text, key->length, r->code_points,
                            REFNORM_SIMILARITY_MAX_BYTES, &r->length,
                            &invalid_offset);
    if (r->length == key->length) { /* ASCII: offsets stay the same */
        memcpy(r->segment_start, key->segment_start,
               (size_t)key->segment_count * sizeof(short));
    } else {
        for (k = 0; k < key->segment_count; k++) {
            for (; byte < key->segment_start[k]; byte++)
                count += (key->text[byte] & 0xC0) != 0x80;
            r->segment_start[k] = (short)count;
        }
    }
    r->segment_count = key->segment_count;
    r->segment_start[r->segment_count] = (short)r->length;
}

/* pair(pattern, text) of the FORMULA, for a pattern of at most 64. */
static double pair_score(const struct fuzzy_pattern *p, const uint32_t *text,
                         int n)
{
    int longest = n > p->length ? n : p->length;
    double edit = 1.0 - (double)fuzzy_osa_pattern(p, text, n) / longest;

    return (edit + fuzzy_jaro_pattern(p, text, n)) / 2.0;
}

/*
** Returns the highest pair_score that keys of lengths s and w can reach:
** the edit part loses the length difference, and Jaro matches at most the
** shorter length.
*/
static double pair_score_bound(int s, int w)
{
    int shortest = s < w ? s : w;
    int longest = s < w ? w : s;
    double edit = (double)shortest / longest;
    double jaro = ((double)shortest / s + (double)shortest / w + 1.0) / 3.0;

    return (edit + jaro) / 2.0;
}

/*
** Returns 1 when a window of r (whole consecutive segments, not all of r)
** is exactly the pattern: the common case of a memo that quotes the
** invoice number, found without scoring any window.
*/
static int has_exact_window(const struct fuzzy_pattern *p,
                            const struct reference *r)
{
    int s = p->length;
    int first;
    int last = 1;

    for (first = 0; first < r->segment_count; first++) {
        int start = r->segment_start[first];

        /* last: the first segment boundary at least s past start */
        if (last <= first)
            last = first + 1;
        while (last < r->segment_count && r->segment_start[last] < start + s)
            last++;
        if (r->segment_start[last] == start + s && s < r->length &&
            memcmp(p->pattern, r->code_points + start,
                   (size_t)s * sizeof(uint32_t)) == 0)
            return 1;
    }
    return 0;
}

/*
** Returns the best pair_score of the pattern against the windows of r, or
** floor when none beats it: runs of whole consecutive segments, not all of
** r, at most REFNORM_WINDOW_SLACK longer or shorter than the pattern.
*/
static double best_window(const struct fuzzy_pattern *p,
                          const struct reference *r, double floor)
{
    int s = p->length;
    int first;
    int last;

    for (first = 0; first < r->segment_count; first++) {
        int start = r->segment_start[first];

        for (last = first + 1; last <= r->segment_count; last++) {
            int w = r->segment_start[last] - start;
            double score;

            if (w > s + REFNORM_WINDOW_SLACK)
                break;
            if (w == r->length || w < s - REFNORM_WINDOW_SLACK ||
                pair_score_bound(s, w) <= floor)
                continue;
            score = pair_score(p, r->code_points + start, w);
            if (score > floor)
                floor = score;
        }
    }
    return floor;
}

/* Returns pair(x, y) for keys too long for the bit-parallel algorithms. */
static double long_pair_score(const struct reference *x,
                              const struct reference *y)
{
    int longest = x->length > y->length ? x->length : y->length;
    double edit = 1.0 - (double)fuzzy_osa(x->code_points, x->length,
                                          y->code_points, y->length) /
                            longest;

    return (edit +
            fuzzy_jaro(x->code_points, x->length, y->code_points, y->length)) /
           2.0;
}

/*
** Returns the FORMULA's score for a pattern of at most 64 code points
** against a longer (or equally long) key. When second is not NULL, it is
** the pattern of the longer key, and the windows of the shorter key count
** too.
*/
static double short_key_similarity(const struct fuzzy_pattern *p,
                                   const struct reference *longer,
                                   const struct fuzzy_pattern *second,
                                   const struct reference *shorter)
{
    /* A window is shorter than its key, so only a window of the longer
    ** key can equal the shorter key. */
    int exact = has_exact_window(p, longer);
    double whole;
    double part;

    /* An exact window scores REFNORM_PART_WEIGHT; the whole pair can only
    ** beat it when the lengths are close. */
    if (exact &&
        pair_score_bound(p->length, longer->length) <= REFNORM_PART_WEIGHT)
        return REFNORM_PART_WEIGHT;
    whole = pair_score(p, longer->code_points, longer->length);
    if (exact)
        return whole > REFNORM_PART_WEIGHT ? whole : REFNORM_PART_WEIGHT;
    part = best_window(p, longer, whole / REFNORM_PART_WEIGHT);
    if (second)
        part = best_window(second, shorter, part);
    part *= REFNORM_PART_WEIGHT;
    return part > whole ? part : whole;
}

/* The similarity of two decoded keys: see FORMULA in the file header. */
static double key_similarity(const struct reference *x,
                             const struct reference *y)
{
    const struct reference *shorter = x->length <= y->length ? x : y;
    const struct reference *longer = shorter == x ? y : x;
    struct fuzzy_pattern p;
    struct fuzzy_pattern second;

    if (shorter->length == 0)
        return 0.0;
    if (x->length == y->length &&
        memcmp(x->code_points, y->code_points,
               (size_t)x->length * sizeof(uint32_t)) == 0)
        return 1.0;
    if (shorter->length > FUZZY_WORD_BITS)
        return long_pair_score(x, y);
    fuzzy_pattern_init(&p, shorter->code_points, shorter->length,
                       longer->code_points, longer->length);
    if (x->length != y->length)
        return short_key_similarity(&p, longer, NULL, NULL);
    fuzzy_pattern_init(&second, longer->code_points, longer->length,
                       shorter->code_points, shorter->length);
    return short_key_similarity(&p, longer, &second, shorter);
}

double refnorm_similarity(const struct refnorm_key *a,
                          const struct refnorm_key *b)
{
    struct reference x;
    struct reference y;

    decode_reference(a, &x);
    decode_reference(b, &y);
    return key_similarity(&x, &y);
}

/* ref_normalize(text): the matching key of a reference. */
static void ref_normalize_func(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv)
{
    unsigned char out[REFNORM_MAX_BYTES];
    const unsigned char *text;
    int invalid_offset = 0;
    int n;
    int len;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    if (!utf8_arg_bytes(ctx, "ref_normalize", 1, argv[0], REFNORM_MAX_BYTES,
                        &text, &n))
        return;
    len = refnorm_normalize(text, n, out, &invalid_offset);
    if (len < 0)
        utf8_result_error_invalid(ctx, "ref_normalize", 1, text, n,
                                  invalid_offset);
    else
        sqlite3_result_text(ctx, (const char *)out, len, SQLITE_TRANSIENT);
}

/* Reads and normalizes argument `argument`; 0 after setting an error. */
static int read_key(sqlite3_context *ctx, int argument, sqlite3_value *value,
                    struct refnorm_key *key)
{
    const unsigned char *text = sqlite3_value_text(value);
    int n = sqlite3_value_bytes(value);
    int invalid_offset = 0;

    /* The shared reader handles the rare cases. It sets the error for text
    ** that is too long or out of memory, and reads '' for a NULL pointer. */
    if ((text == NULL || n > REFNORM_SIMILARITY_MAX_BYTES) &&
        !utf8_arg_bytes(ctx, "ref_similarity", argument, value,
                        REFNORM_SIMILARITY_MAX_BYTES, &text, &n))
        return 0;
    if (refnorm_key_init(key, text, n, &invalid_offset))
        return 1;
    utf8_result_error_invalid(ctx, "ref_similarity", argument, text, n,
                              invalid_offset);
    return 0;
}

/* ref_similarity(a, b): how alike two references are, 0.0 to 1.0. */
static void ref_similarity_func(sqlite3_context *ctx, int argc,
                                sqlite3_value **argv)
{
    struct refnorm_key a;
    struct refnorm_key b;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
        sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    if (read_key(ctx, 1, argv[0], &a) && read_key(ctx, 2, argv[1], &b))
        sqlite3_result_double(ctx, refnorm_similarity(&a, &b));
}

int refnorm_register(sqlite3 *db)
{
    /* DETERMINISTIC because each result depends only on the arguments, so
    ** ref_normalize may key an index. INNOCUOUS because they read no files
    ** and change no data, so schemas, views and triggers may call them. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc;

    rc = sqlite3_create_function(db, "ref_normalize", 1, flags, NULL,
                                 ref_normalize_func, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "ref_similarity", 2, flags, NULL,
                                     ref_similarity_func, NULL, NULL);
    return rc;
}
