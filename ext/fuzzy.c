/*
** Fuzzy string comparison: edit distances and Jaro-Winkler similarity,
** counted in Unicode code points, for matching names and references that
** people typed.
**
** Usage:
**   SELECT levenshtein('kitten', 'sitting');            -- 3
**   SELECT levenshtein('café', 'cafe');                 -- 1
**   SELECT damerau_levenshtein('CA', 'ABC');            -- 2
**   SELECT round(jaro_winkler('MARTHA', 'MARHTA'), 3);  -- 0.961
**
** SQL signatures (NULL in either argument gives NULL):
**   levenshtein(a, b)          integer: insertions, deletions, substitutions
**   damerau_levenshtein(a, b)  integer: the same plus swaps of two adjacent
**                              characters, unrestricted (Lowrance-Wagner),
**                              so 'CA' to 'ABC' is 2, not 3
**   jaro_winkler(a, b)         real 0..1: Jaro similarity plus Winkler's
**                              prefix bonus, 0.1 per common leading
**                              character up to 4, only above Jaro 0.7;
**                              equal strings 1.0, one empty string 0.0
**
** HOW IT WORKS
**   levenshtein cuts the common prefix and suffix. When the shorter string
**   then has at most 64 code points, it runs the bit-parallel algorithm of
**   Myers (1999) in Hyyro's formulation: one pass over the longer string,
**   a few word operations per character. Longer strings use the textbook
**   dynamic programme with one row. damerau_levenshtein runs the
**   Lowrance-Wagner recurrence in three rows, keeping per column the cell a
**   swap with the last matching row needs (see linear_damerau).
**   jaro_winkler finds the matches with one bit mask per character when a
**   string has at most 64 code points. Text made of bytes below 0x80 is
**   read without decoding.
**
** LIMITS
**   - At most 1000 code points per argument; longer text is an error, not
**     cut silently.
**   - Text that is not valid UTF-8 (overlong forms, surrogates, stray
**     continuation bytes, truncated sequences) is an error. Integers and
**     reals are compared in their text form ('12' for 12).
**   - Code points are compared as they are: no case folding, and 'é' as one
**     code point differs from 'e' followed by U+0301. Use ref_normalize
**     first for references.
**   - Memory is linear in the string length and nothing is allocated: the
**     decoded arguments and work rows live on the stack, up to about 19 KB
**     of it (damerau_levenshtein; measured with gcc 12 -fstack-usage on
**     x86-64). Time is O(n * m) after the common prefix and suffix are cut.
*/
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "fuzzy.h"
#include "utf8.h"

/* Index of the lowest set bit of a non-zero word. */
static int lowest_bit(uint64_t word)
{
#if defined(__GNUC__) || defined(__clang__)
    return __builtin_ctzll(word);
#else
    int i = 0;

    while (!(word & 1)) {
        word >>= 1;
        i++;
    }
    return i;
#endif
}

/* Adds position i to the mask of non-ASCII character c. */
static void add_other(struct fuzzy_pattern *p, uint32_t c, int i)
{
    int k;

    for (k = 0; k < p->other_count && p->other_code_point[k] != c; k++)
        ;
    if (k == p->other_count) {
        p->other_code_point[k] = c;
        p->other_mask[k] = 0;
        p->other_count++;
    }
    p->other_mask[k] |= (uint64_t)1 << i;
}

void fuzzy_pattern_init(struct fuzzy_pattern *p, const uint32_t *pattern, int m,
                        const uint32_t *text, int n)
{
    uint64_t bit = 1;
    int i;

    p->other_count = 0;
    p->pattern = pattern;
    p->length = m;
    /* Clear only what will be read, then set the pattern's bits. */
    for (i = 0; i < n; i++)
        if (text[i] < 128)
            p->ascii_mask[text[i]] = 0;
    for (i = 0; i < m; i++)
        if (pattern[i] < 128)
            p->ascii_mask[pattern[i]] = 0;
    for (i = 0; i < m; i++, bit <<= 1) {
        if (pattern[i] < 128)
            p->ascii_mask[pattern[i]] |= bit;
        else
            add_other(p, pattern[i], i);
    }
}

/* Returns the positions of c in the pattern of p as a bit mask. */
static uint64_t pattern_mask(const struct fuzzy_pattern *p, uint32_t c)
{
    int k;

    if (c < 128)
        return p->ascii_mask[c];
    for (k = 0; k < p->other_count; k++)
        if (p->other_code_point[k] == c)
            return p->other_mask[k];
    return 0;
}

/* Returns 1 when a[0..n-1] and b[0..m-1] are the same code points. */
static int same_text(const uint32_t *a, int n, const uint32_t *b, int m)
{
    return n == m && (n == 0 || memcmp(a, b, (size_t)n * sizeof(*a)) == 0);
}

/*
** Cuts the common prefix and suffix of a and b. Neither Levenshtein nor
** unrestricted Damerau-Levenshtein distance changes: an optimal edit never
** needs to touch equal leading or trailing characters.
*/
static void cut_common_ends(const uint32_t **a, int *n, const uint32_t **b,
                            int *m)
{
    while (*n > 0 && *m > 0 && (*a)[0] == (*b)[0]) {
        (*a)++;
        (*b)++;
        (*n)--;
        (*m)--;
    }
    while (*n > 0 && *m > 0 && (*a)[*n - 1] == (*b)[*m - 1]) {
        (*n)--;
        (*m)--;
    }
}

/*
** Levenshtein distance between the pattern of p (rows) and text: Myers'
** bit-vector algorithm. vp/vn hold the +1/-1 vertical deltas of the current
** column, score the bottom cell.
*/
static int myers_levenshtein(const struct fuzzy_pattern *p,
                             const uint32_t *text, int n)
{
    uint64_t last = (uint64_t)1 << (p->length - 1);
    uint64_t vp = ~(uint64_t)0;
    uint64_t vn = 0;
    int score = p->length;
    int j;

    for (j = 0; j < n; j++) {
        uint64_t eq = pattern_mask(p, text[j]);
        uint64_t xv = eq | vn;
        uint64_t xh = (((eq & vp) + vp) ^ vp) | eq;
        uint64_t hp = vn | ~(xh | vp);
        uint64_t hn = vp & xh;

        if (hp & last)
            score++;
        else if (hn & last)
            score--;
        /* The top row of the table grows by one per column. */
        hp = (hp << 1) | 1;
        hn <<= 1;
        vp = hn | ~(xv | hp);
        vn = hp & xv;
    }
    return score;
}

/* Levenshtein distance by the textbook dynamic programme, one row over b. */
static int row_levenshtein(const uint32_t *a, int n, const uint32_t *b, int m)
{
    int row[FUZZY_MAX_CODE_POINTS + 1];
    int i;
    int j;

    for (j = 0; j <= m; j++)
        row[j] = j;
    for (i = 1; i <= n; i++) {
        int diagonal = row[0];

        row[0] = i;
        for (j = 1; j <= m; j++) {
            int above = row[j];
            int best = diagonal + (a[i - 1] != b[j - 1]);

            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diagonal = above;
            row[j] = best;
        }
    }
    return row[m];
}

int fuzzy_levenshtein(const uint32_t *a, int n, const uint32_t *b, int m)
{
    struct fuzzy_pattern p;

    cut_common_ends(&a, &n, &b, &m);
    if (n == 0 || m == 0)
        return n + m;
    if (m <= FUZZY_WORD_BITS) {
        fuzzy_pattern_init(&p, b, m, a, n);
        return myers_levenshtein(&p, a, n);
    }
    if (n <= FUZZY_WORD_BITS) {
        fuzzy_pattern_init(&p, a, n, b, m);
        return myers_levenshtein(&p, b, m);
    }
    return m <= n ? row_levenshtein(a, n, b, m) : row_levenshtein(b, m, a, n);
}

/*
** Hyyro's extension of Myers' algorithm to the optimal string alignment
** distance: a diagonal step also counts when the two characters before it
** match crosswise, which is a swap of adjacent characters.
*/
int fuzzy_osa_pattern(const struct fuzzy_pattern *p, const uint32_t *text,
                      int n)
{
    uint64_t last = (uint64_t)1 << (p->length - 1);
    uint64_t vp = ~(uint64_t)0;
    uint64_t vn = 0;
    uint64_t d0 = 0;
    uint64_t previous_eq = 0;
    int score = p->length;
    int j;

    for (j = 0; j < n; j++) {
        uint64_t eq = pattern_mask(p, text[j]);
        uint64_t swap = ((~d0 & eq) << 1) & previous_eq;
        uint64_t hp;
        uint64_t hn;

        d0 = (((eq & vp) + vp) ^ vp) | eq | vn | swap;
        hp = vn | ~(d0 | vp);
        hn = d0 & vp;
        if (hp & last)
            score++;
        else if (hn & last)
            score--;
        hp = (hp << 1) | 1;
        vn = hp & d0;
        vp = (hn << 1) | ~(hp | d0);
        previous_eq = eq;
    }
    return score;
}

/* Returns the minimum of three ints. */
static int min3(int x, int y, int z)
{
    int min = x < y ? x : y;

    return z < min ? z : min;
}

/* Optimal string alignment distance by dynamic programme, rows over b. */
static int rows_osa(const uint32_t *a, int n, const uint32_t *b, int m)
{
    unsigned short rows[3][FUZZY_MAX_CODE_POINTS + 1];
    int i;
    int j;

    /* Row r of the table lives in rows[(r + 2) % 3]. */
    for (j = 0; j <= m; j++)
        rows[2][j] = (unsigned short)j;
    for (i = 1; i <= n; i++) {
        unsigned short *before = rows[i % 3];      /* row i - 2 */
        unsigned short *above = rows[(i + 1) % 3]; /* row i - 1 */
        unsigned short *row = rows[(i + 2) % 3];   /* row i */

        row[0] = (unsigned short)i;
        for (j = 1; j <= m; j++) {
            int best = min3(above[j - 1] + (a[i - 1] != b[j - 1]), above[j] + 1,
                            row[j - 1] + 1);

            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && before[j - 2] + 1 < best)
                best = before[j - 2] + 1;
            row[j] = (unsigned short)best;
        }
    }
    return rows[(n + 2) % 3][m];
}

int fuzzy_osa(const uint32_t *a, int n, const uint32_t *b, int m)
{
    struct fuzzy_pattern p;

    if (n == 0 || m == 0)
        return n + m;
    if (m <= FUZZY_WORD_BITS) {
        fuzzy_pattern_init(&p, b, m, a, n);
        return fuzzy_osa_pattern(&p, a, n);
    }
    if (n <= FUZZY_WORD_BITS) {
        fuzzy_pattern_init(&p, a, n, b, m);
        return fuzzy_osa_pattern(&p, b, m);
    }
    return rows_osa(a, n, b, m);
}

/*
** Unrestricted Damerau-Levenshtein distance in linear memory. Lowrance and
** Wagner's table lets b[j] swap with its last occurrence a[k] in an
** earlier row, at cost D[k-1][l-1] + (i-k-1) + 1 + (j-l-1), where l is
** the last column before j with b[l] == a[i]. A block of (i-k+1) by
** (j-l+1) characters costs at most max(i-k, j-l) + 1 without any swap, so
** the swap can only win when i - k == 1 or j - l == 1. The first case
** reads row i - 2; the second reads D[k-1][j-2], which each column keeps
** from the row where b[j] last matched. So three rows and two per-column
** arrays replace the full table, with no table of characters.
*/
static int linear_damerau(const uint32_t *a, int n, const uint32_t *b, int m)
{
    unsigned short rows[3][FUZZY_MAX_CODE_POINTS + 1];
    /* match_row[j]: last row k < i with a[k] == b[j], 0 for none. */
    unsigned short match_row[FUZZY_MAX_CODE_POINTS + 1];
    /* corner[j]: D[match_row[j] - 1][j - 2], the cell before that swap. */
    unsigned short corner[FUZZY_MAX_CODE_POINTS + 1];
    int i;
    int j;

    memset(match_row, 0, (size_t)(m + 1) * sizeof(*match_row));
    for (j = 0; j <= m; j++)
        rows[2][j] = (unsigned short)j;
    for (i = 1; i <= n; i++) {
        const unsigned short *before = rows[i % 3];      /* row i - 2 */
        const unsigned short *above = rows[(i + 1) % 3]; /* row i - 1 */
        unsigned short *row = rows[(i + 2) % 3];         /* row i */
        int l = 0; /* last column before j with b[l] == a[i] */

        row[0] = (unsigned short)i;
        for (j = 1; j <= m; j++) {
            int cost = a[i - 1] != b[j - 1];
            int k = match_row[j];
            int best = min3(above[j - 1] + cost, above[j] + 1, row[j - 1] + 1);

            if (k > 0 && l > 0) {
                /* Swapping a[k..i] with b[l..j] wins only when a gap is 0. */
                if (l == j - 1 && corner[j] + (i - k) < best)
                    best = corner[j] + (i - k);
                if (k == i - 1 && before[l - 1] + (j - l) < best)
                    best = before[l - 1] + (j - l);
            }
            row[j] = (unsigned short)best;
            if (cost == 0) {
                l = j;
                match_row[j] = (unsigned short)i;
                if (j >= 2)
                    corner[j] = above[j - 2];
            }
        }
    }
    return rows[(n + 2) % 3][m];
}

int fuzzy_damerau_levenshtein(const uint32_t *a, int n, const uint32_t *b,
                              int m)
{
    cut_common_ends(&a, &n, &b, &m);
    if (n == 0 || m == 0)
        return n + m;
    return linear_damerau(a, n, b, m);
}

/* Jaro's match window: positions at most this far apart may match. */
static int jaro_range(int n, int m)
{
    int range = (n > m ? n : m) / 2 - 1;

    return range < 0 ? 0 : range;
}

/*
** Jaro similarity (c/n + c/m + (c - t)/c) / 3 from the match count c and
** the transposition count t, put over one denominator to divide once.
*/
static double jaro_score(int matches, int transpositions, int n, int m)
{
    double c = matches;
    double numerator = c * c * (n + m) + (c - transpositions) * ((double)n * m);

    return numerator / (3.0 * c * n * m);
}

/*
** Each character of text takes the first unmatched equal character of the
** pattern inside its window: the lowest bit of (mask & window & ~matched).
** The loop does not branch on whether a character matches, because on
** real data that is as good as random.
*/
double fuzzy_jaro_pattern(const struct fuzzy_pattern *p, const uint32_t *text,
                          int n)
{
    uint32_t matched_text[FUZZY_WORD_BITS + 1];
    uint64_t matched = 0;
    uint64_t bits;
    int m = p->length;
    int range = jaro_range(n, m);
    int end = n < m + range ? n : m + range; /* later windows are empty */
    int matches = 0;
    int out_of_order = 0;
    int i;

    /* The window of text[i] is pattern bits i - range .. i + range: the
    ** bits up to i + range (below_high) that are not below i - range
    ** (from_low). Each step moves both bounds up by one. */
    uint64_t below_high =
        range >= 63 ? ~(uint64_t)0 : ((uint64_t)2 << range) - 1;
    uint64_t from_low = ~(uint64_t)0;

    for (i = 0; i < end; i++) {
        uint64_t candidates =
            pattern_mask(p, text[i]) & below_high & from_low & ~matched;

        matched |= candidates & (~candidates + 1);
        /* Written always, kept only when counted: matches <= m <= 64. */
        matched_text[matches] = text[i];
        matches += candidates != 0;
        below_high = (below_high << 1) | 1;
        from_low <<= i >= range;
    }
    if (matches == 0)
        return 0.0;
    i = 0;
    for (bits = matched; bits; bits &= bits - 1)
        out_of_order += p->pattern[lowest_bit(bits)] != matched_text[i++];
    return jaro_score(matches, out_of_order / 2, n, m);
}

/* Jaro similarity with match flags, for two strings over 64 code points. */
static double flags_jaro(const uint32_t *a, int n, const uint32_t *b, int m)
{
    unsigned char a_matched[FUZZY_MAX_CODE_POINTS];
    unsigned char b_matched[FUZZY_MAX_CODE_POINTS];
    int range = jaro_range(n, m);
    int matches = 0;
    int out_of_order = 0;
    int i;
    int j;

    memset(a_matched, 0, (size_t)n);
    memset(b_matched, 0, (size_t)m);
    for (i = 0; i < n; i++) {
        int high = i + range < m - 1 ? i + range : m - 1;

        for (j = i - range < 0 ? 0 : i - range; j <= high; j++) {
            if (!b_matched[j] && a[i] == b[j]) {
                a_matched[i] = b_matched[j] = 1;
                matches++;
                break;
            }
        }
    }
    if (matches == 0)
        return 0.0;
    for (i = 0, j = 0; i < n; i++) {
        if (!a_matched[i])
            continue;
        while (!b_matched[j])
            j++;
        out_of_order += a[i] != b[j++];
    }
    return jaro_score(matches, out_of_order / 2, n, m);
}

/*
** Greedy Jaro matching gives the same result from either string, so the
** masks go to the longer string when it fits in a word: the match loop,
** whose steps depend on each other, then runs over the shorter one.
*/
double fuzzy_jaro(const uint32_t *a, int n, const uint32_t *b, int m)
{
    struct fuzzy_pattern p;

    if (n == 0 && m == 0)
        return 1.0;
    if (n == 0 || m == 0)
        return 0.0;
    if (same_text(a, n, b, m))
        return 1.0;
    if (m <= FUZZY_WORD_BITS && (m >= n || n > FUZZY_WORD_BITS)) {
        fuzzy_pattern_init(&p, b, m, a, n);
        return fuzzy_jaro_pattern(&p, a, n);
    }
    if (n <= FUZZY_WORD_BITS) {
        fuzzy_pattern_init(&p, a, n, b, m);
        return fuzzy_jaro_pattern(&p, b, m);
    }
    return flags_jaro(a, n, b, m);
}

double fuzzy_jaro_winkler(const uint32_t *a, int n, const uint32_t *b, int m)
{
    double jaro = fuzzy_jaro(a, n, b, m);
    int prefix = 0;

    if (jaro <= 0.7)
        return jaro;
    while (prefix < 4 && prefix < n && prefix < m && a[prefix] == b[prefix])
        prefix++;
    return jaro + prefix * 0.1 * (1.0 - jaro);
}

/* Both arguments of a two-string SQL function, decoded. */
struct fuzzy_args {
    uint32_t a[FUZZY_MAX_CODE_POINTS]; /* argument 1 */
    uint32_t b[FUZZY_MAX_CODE_POINTS]; /* argument 2 */
    int n;                             /* code points in a */
    int m;                             /* code points in b */
};

/*
** Widens value's text into out and returns 1 when it is ASCII of at most
** FUZZY_WORD_BITS bytes, the common case of references and names. Returns
** 0 for any other value, which the UTF-8 reader then decodes and checks.
*/
static int read_short_ascii(sqlite3_value *value, uint32_t *out, int *n_out)
{
    const unsigned char *text = sqlite3_value_text(value);
    int n = sqlite3_value_bytes(value);
    unsigned char or_of_bytes = 0; /* bit 7 set: a byte is not ASCII */
    int i;

    if (text == NULL || n > FUZZY_WORD_BITS)
        return 0;
    for (i = 0; i < n; i++) {
        out[i] = text[i];
        or_of_bytes |= text[i];
    }
    *n_out = n;
    return or_of_bytes < 0x80;
}

/*
** Reads both arguments of function_name. Returns 0 when the result is
** already set: NULL for a NULL argument, else an error.
*/
static int read_args(sqlite3_context *ctx, const char *function_name,
                     sqlite3_value **argv, struct fuzzy_args *args)
{
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
        sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return 0;
    return (read_short_ascii(argv[0], args->a, &args->n) ||
            utf8_arg_code_points(ctx, function_name, 1, argv[0], args->a,
                                 FUZZY_MAX_CODE_POINTS, &args->n)) &&
           (read_short_ascii(argv[1], args->b, &args->m) ||
            utf8_arg_code_points(ctx, function_name, 2, argv[1], args->b,
                                 FUZZY_MAX_CODE_POINTS, &args->m));
}

/* levenshtein(a, b): the Levenshtein distance in code points. */
static void levenshtein_func(sqlite3_context *ctx, int argc,
                             sqlite3_value **argv)
{
    struct fuzzy_args args;

    (void)argc;
    if (read_args(ctx, "levenshtein", argv, &args))
        sqlite3_result_int(ctx,
                           fuzzy_levenshtein(args.a, args.n, args.b, args.m));
}

/* damerau_levenshtein(a, b): the unrestricted Damerau-Levenshtein distance. */
static void damerau_levenshtein_func(sqlite3_context *ctx, int argc,
                                     sqlite3_value **argv)
{
    struct fuzzy_args args;
    int distance;

    (void)argc;
    if (!read_args(ctx, "damerau_levenshtein", argv, &args))
        return;
    distance = fuzzy_damerau_levenshtein(args.a, args.n, args.b, args.m);
    sqlite3_result_int(ctx, distance);
}

/* jaro_winkler(a, b): the Jaro-Winkler similarity, 0.0 to 1.0. */
static void jaro_winkler_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv)
{
    struct fuzzy_args args;

    (void)argc;
    if (read_args(ctx, "jaro_winkler", argv, &args))
        sqlite3_result_double(
            ctx, fuzzy_jaro_winkler(args.a, args.n, args.b, args.m));
}

int fuzzy_register(sqlite3 *db)
{
    static const struct {
        const char *name;
        void (*func)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"levenshtein", levenshtein_func},
        {"damerau_levenshtein", damerau_levenshtein_func},
        {"jaro_winkler", jaro_winkler_func},
    };
    /* DETERMINISTIC because each result depends only on the two arguments.
    ** INNOCUOUS because they read no files and change no data, so schemas,
    ** views, indexes and triggers may call them. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    size_t i;
    int rc = SQLITE_OK;

    for (i = 0; rc == SQLITE_OK && i < sizeof(functions) / sizeof(*functions);
         i++)
        rc = sqlite3_create_function(db, functions[i].name, 2, flags, NULL,
                                     functions[i].func, NULL, NULL);
    return rc;
}
