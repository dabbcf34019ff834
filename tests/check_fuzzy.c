/*
** Fuzzy matching: the UTF-8 helpers, levenshtein, damerau_levenshtein and
** jaro_winkler, as C cores and as SQL functions.
**
** Where the expected values come from:
**   - Small distances are worked out by hand in the comment next to them.
**   - The true Levenshtein and Damerau-Levenshtein distances of every pair
**     of strings over {A, B, C} up to 4 letters come from a breadth-first
**     search over single edits (insert, delete, substitute, swap two
**     adjacent letters), which is the definition of the distance and
**     shares no code or table with ext/fuzzy.c.
**   - Longer random strings are checked against full-matrix dynamic
**     programmes and a textbook Jaro written in this file.
**   - The Jaro-Winkler values are Winkler's published examples (MARTHA,
**     DWAYNE, DIXON), worked out again by hand below.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzzy.h"
#include "harness.h"
#include "utf8.h"

/* Maximum length of the random strings: above 64, the word size, on purpose. */
#define TEST_MAX_LEN 150

/* Copies an ASCII string into code points and returns its length. */
static int ascii_code_points(const char *text, uint32_t *out)
{
    int n = (int)strlen(text);
    int i;

    for (i = 0; i < n; i++)
        out[i] = (unsigned char)text[i];
    return n;
}

/* Levenshtein distance of two ASCII strings through the C core. */
static int ascii_levenshtein(const char *a, const char *b)
{
    uint32_t x[TEST_MAX_LEN];
    uint32_t y[TEST_MAX_LEN];

    return fuzzy_levenshtein(x, ascii_code_points(a, x), y,
                             ascii_code_points(b, y));
}

/* Damerau-Levenshtein distance of two ASCII strings through the C core. */
static int ascii_damerau(const char *a, const char *b)
{
    uint32_t x[TEST_MAX_LEN];
    uint32_t y[TEST_MAX_LEN];

    return fuzzy_damerau_levenshtein(x, ascii_code_points(a, x), y,
                                     ascii_code_points(b, y));
}

/* Optimal string alignment distance of two ASCII strings. */
static int ascii_osa(const char *a, const char *b)
{
    uint32_t x[TEST_MAX_LEN];
    uint32_t y[TEST_MAX_LEN];

    return fuzzy_osa(x, ascii_code_points(a, x), y, ascii_code_points(b, y));
}

/* Jaro-Winkler similarity of two ASCII strings through the C core. */
static double ascii_jaro_winkler(const char *a, const char *b)
{
    uint32_t x[TEST_MAX_LEN];
    uint32_t y[TEST_MAX_LEN];

    return fuzzy_jaro_winkler(x, ascii_code_points(a, x), y,
                              ascii_code_points(b, y));
}

/* A fixed-seed generator (MINSTD), so every run tests the same strings. */
static uint32_t test_random(uint32_t *state)
{
    *state = (uint32_t)(((uint64_t)*state * 48271u) % 2147483647u);
    return *state;
}

/* Fills out with n code points drawn from alphabet[0..size-1]. */
static void random_text(uint32_t *state, const uint32_t *alphabet, int size,
                        uint32_t *out, int n)
{
    int i;

    for (i = 0; i < n; i++)
        out[i] = alphabet[test_random(state) % (uint32_t)size];
}

/* Returns the smallest of three ints. */
static int test_min3(int x, int y, int z)
{
    int min = x < y ? x : y;

    return z < min ? z : min;
}

/*
** Full-matrix Levenshtein (osa == 0) or optimal string alignment
** (osa == 1) distance, the textbook recurrences.
*/
static int matrix_distance(const uint32_t *a, int n, const uint32_t *b, int m,
                           int osa)
{
    static int d[TEST_MAX_LEN + 1][TEST_MAX_LEN + 1];
    int i;
    int j;

    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++) {
        for (j = 1; j <= m; j++) {
            d[i][j] = test_min3(d[i - 1][j] + 1, d[i][j - 1] + 1,
                                d[i - 1][j - 1] + (a[i - 1] != b[j - 1]));
            if (osa && i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
                a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < d[i][j])
                d[i][j] = d[i - 2][j - 2] + 1;
        }
    }
    return d[n][m];
}

/*
** Full-table unrestricted Damerau-Levenshtein distance as Lowrance and
** Wagner (1975) give it: every cell may swap b[j] with its last
** occurrence in a, whatever the gaps, and no common ends are cut. Row
** and column 0 of t hold n + m, a bound no path through them can use.
** last_row is looked up by a linear search over the characters seen.
*/
static int table_damerau(const uint32_t *a, int n, const uint32_t *b, int m)
{
    static int t[TEST_MAX_LEN + 2][TEST_MAX_LEN + 2];
    uint32_t seen[TEST_MAX_LEN];
    int seen_row[TEST_MAX_LEN];
    int n_seen = 0;
    int i;
    int j;

    for (i = 0; i <= n + 1; i++)
        t[i][0] = n + m;
    for (j = 0; j <= m + 1; j++)
        t[0][j] = n + m;
    for (i = 0; i <= n; i++)
        t[i + 1][1] = i;
    for (j = 0; j <= m; j++)
        t[1][j + 1] = j;
    for (i = 1; i <= n; i++) {
        int l = 0;
        int s;

        for (j = 1; j <= m; j++) {
            int k = 0;
            int best;

            for (s = 0; s < n_seen; s++)
                if (seen[s] == b[j - 1])
                    k = seen_row[s];
            best = test_min3(t[i][j] + (a[i - 1] != b[j - 1]),
                             t[i][j + 1] + 1, t[i + 1][j] + 1);
            if (t[k][l] + (i - k - 1) + 1 + (j - l - 1) < best)
                best = t[k][l] + (i - k - 1) + 1 + (j - l - 1);
            t[i + 1][j + 1] = best;
            if (a[i - 1] == b[j - 1])
                l = j;
        }
        for (s = 0; s < n_seen && seen[s] != a[i - 1]; s++)
            ;
        seen[s] = a[i - 1];
        seen_row[s] = i;
        if (s == n_seen)
            n_seen++;
    }
    return t[n + 1][m + 1];
}

/*
** Textbook Jaro. Each character of a, in order, takes the first unmatched
** equal character of b inside the window. Transpositions are half the
** matched characters that differ in order.
*/
static double textbook_jaro(const uint32_t *a, int n, const uint32_t *b, int m)
{
    char a_flag[TEST_MAX_LEN] = {0};
    char b_flag[TEST_MAX_LEN] = {0};
    int range = (n > m ? n : m) / 2 - 1;
    int matches = 0;
    int half = 0;
    int i;
    int j;

    if (n == 0 && m == 0)
        return 1.0;
    if (range < 0)
        range = 0;
    for (i = 0; i < n; i++) {
        for (j = i - range < 0 ? 0 : i - range; j < m && j <= i + range; j++) {
            if (!b_flag[j] && a[i] == b[j]) {
                a_flag[i] = b_flag[j] = 1;
                matches++;
                break;
            }
        }
    }
    if (matches == 0)
        return 0.0;
    for (i = 0, j = 0; i < n; i++) {
        if (!a_flag[i])
            continue;
        while (!b_flag[j])
            j++;
        half += a[i] != b[j++];
    }
    return ((double)matches / n + (double)matches / m +
            (double)(matches - half / 2) / matches) /
           3.0;
}

/* Strings over {A, B, C} of up to 8 letters, coded as base-4 digits. */
#define BFS_MAX_LEN 8
#define BFS_CODES (1 << (2 * BFS_MAX_LEN))

/* Codes a string of letters 1..3 (A..C) as an int; "" is 0. */
static int bfs_encode(const int *letters, int n)
{
    int code = 0;
    int i;

    for (i = n - 1; i >= 0; i--)
        code = code * 4 + letters[i];
    return code;
}

/* Decodes bfs_encode's code into letters and returns the length. */
static int bfs_decode(int code, int *letters)
{
    int n = 0;

    for (; code > 0; code /= 4)
        letters[n++] = code % 4;
    return n;
}

/* Returns 1 when code is a string: no 0 digit below its highest digit. */
static int bfs_is_string(int code)
{
    for (; code > 0; code /= 4)
        if (code % 4 == 0)
            return 0;
    return 1;
}

/* Visits the string coded next at distance depth, if it is new. */
static void bfs_push(unsigned char *distance, int *queue, int *tail,
                     const int *letters, int n, int depth)
{
    int code = bfs_encode(letters, n);

    if (distance[code] != 0xFF)
        return;
    distance[code] = (unsigned char)depth;
    queue[(*tail)++] = code;
}

/* Queues every string one edit away from letters[0..n-1]. */
static void bfs_expand(unsigned char *distance, int *queue, int *tail,
                       const int *letters, int n, int depth, int swaps)
{
    int edited[BFS_MAX_LEN + 1];
    int i;
    int c;

    for (i = 0; i < n; i++) { /* delete letter i */
        memcpy(edited, letters, sizeof(int) * (size_t)i);
        memcpy(edited + i, letters + i + 1, sizeof(int) * (size_t)(n - i - 1));
        bfs_push(distance, queue, tail, edited, n - 1, depth);
    }
    for (i = 0; i <= n && n < BFS_MAX_LEN; i++) { /* insert before i */
        for (c = 1; c <= 3; c++) {
            memcpy(edited, letters, sizeof(int) * (size_t)i);
            edited[i] = c;
            memcpy(edited + i + 1, letters + i, sizeof(int) * (size_t)(n - i));
            bfs_push(distance, queue, tail, edited, n + 1, depth);
        }
    }
    for (i = 0; i < n; i++) { /* substitute letter i, swap i and i + 1 */
        memcpy(edited, letters, sizeof(int) * (size_t)n);
        for (c = 1; c <= 3; c++) {
            edited[i] = c;
            bfs_push(distance, queue, tail, edited, n, depth);
        }
        edited[i] = letters[i];
        if (swaps && i + 1 < n) {
            edited[i] = letters[i + 1];
            edited[i + 1] = letters[i];
            bfs_push(distance, queue, tail, edited, n, depth);
        }
    }
}

/*
** Fills distance[code] with the number of edits from the string coded
** source, up to max_depth (0xFF beyond). When swaps is 1, swapping two
** adjacent letters counts as one edit too.
*/
static void bfs_distances(int source, int max_depth, int swaps,
                          unsigned char *distance, int *queue)
{
    int head = 0;
    int tail = 0;

    memset(distance, 0xFF, BFS_CODES);
    distance[source] = 0;
    queue[tail++] = source;
    while (head < tail) {
        int letters[BFS_MAX_LEN];
        int code = queue[head++];
        int n = bfs_decode(code, letters);

        if (distance[code] < max_depth)
            bfs_expand(distance, queue, &tail, letters, n, distance[code] + 1,
                       swaps);
    }
}

/* Compares one C distance with the search for all strings up to 4 long. */
static void check_against_search(int swaps)
{
    unsigned char *distance = malloc(BFS_CODES);
    int *queue = malloc(sizeof(int) * BFS_CODES);
    int source;
    int target;

    ck_assert_ptr_nonnull(distance);
    ck_assert_ptr_nonnull(queue);
    /* The codes below 4^4 that are strings are those up to 4 letters. */
    for (source = 0; source < 256; source++) {
        int a[BFS_MAX_LEN];
        int n = bfs_decode(source, a);
        uint32_t x[BFS_MAX_LEN];
        int i;

        if (!bfs_is_string(source))
            continue;
        for (i = 0; i < n; i++)
            x[i] = (uint32_t)('A' + a[i] - 1);
        bfs_distances(source, 4, swaps, distance, queue);
        for (target = 0; target < 256; target++) {
            int b[BFS_MAX_LEN];
            int m = bfs_decode(target, b);
            uint32_t y[BFS_MAX_LEN];
            int got;

            if (!bfs_is_string(target))
                continue;
            for (i = 0; i < m; i++)
                y[i] = (uint32_t)('A' + b[i] - 1);
            got = swaps ? fuzzy_damerau_levenshtein(x, n, y, m)
                        : fuzzy_levenshtein(x, n, y, m);
            ck_assert_msg(got == distance[target],
                          "source %d target %d: got %d, search %d", source,
                          target, got, distance[target]);
        }
    }
    free(queue);
    free(distance);
}

START_TEST(test_utf8_decode_lengths_and_rejects)
{
    uint32_t c = 0;

    ck_assert_int_eq(utf8_decode((const unsigned char *)"A", 1, &c), 1);
    ck_assert_uint_eq(c, 0x41);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xC3\xA9", 2, &c), 2);
    ck_assert_uint_eq(c, 0xE9); /* é */
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xE2\x82\xAC", 3, &c),
                     3);
    ck_assert_uint_eq(c, 0x20AC); /* € */
    ck_assert_int_eq(
        utf8_decode((const unsigned char *)"\xF0\x9F\x98\x80", 4, &c), 4);
    ck_assert_uint_eq(c, 0x1F600); /* 😀 */
    ck_assert_int_eq(
        utf8_decode((const unsigned char *)"\xF4\x8F\xBF\xBF", 4, &c), 4);
    ck_assert_uint_eq(c, 0x10FFFF); /* the last code point */
    /* Overlong '/' in 2 and 3 bytes, overlong U+FFFF in 4 bytes. */
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xC0\xAF", 2, &c), 0);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xC1\xBF", 2, &c), 0);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xE0\x80\xAF", 3, &c),
                     0);
    ck_assert_int_eq(
        utf8_decode((const unsigned char *)"\xF0\x8F\xBF\xBF", 4, &c), 0);
    /* Surrogates U+D800 and U+DFFF, and U+110000. */
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xED\xA0\x80", 3, &c),
                     0);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xED\xBF\xBF", 3, &c),
                     0);
    ck_assert_int_eq(
        utf8_decode((const unsigned char *)"\xF4\x90\x80\x80", 4, &c), 0);
    /* Truncated, a lone continuation byte, a bad continuation, nothing. */
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xE2\x82", 2, &c), 0);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\x80", 1, &c), 0);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"\xC3(", 2, &c), 0);
    ck_assert_int_eq(utf8_decode((const unsigned char *)"", 0, &c), 0);
}
END_TEST

START_TEST(test_utf8_encode_round_trip)
{
    static const uint32_t samples[] = {0x0,     0x7F,    0x80,    0x7FF,
                                       0x800,   0xD7FF,  0xE000,  0xFFFF,
                                       0x10000, 0x1F600, 0x10FFFF};
    size_t i;

    for (i = 0; i < sizeof(samples) / sizeof(*samples); i++) {
        unsigned char bytes[4];
        uint32_t back = 0xFFFFFFFF;
        int len = utf8_encode(samples[i], bytes);

        ck_assert_int_eq(utf8_decode(bytes, len, &back), len);
        ck_assert_uint_eq(back, samples[i]);
    }
}
END_TEST

START_TEST(test_utf8_to_code_points_status)
{
    /* "aé€" is 1 + 2 + 3 bytes, 3 code points. */
    const unsigned char *text = (const unsigned char *)"a\xC3\xA9\xE2\x82\xAC";
    uint32_t out[8];
    int count = -1;
    int offset = -1;

    ck_assert_int_eq(utf8_to_code_points(text, 6, out, 8, &count, &offset),
                     UTF8_OK);
    ck_assert_int_eq(count, 3);
    ck_assert_uint_eq(out[1], 0xE9);
    ck_assert_uint_eq(out[2], 0x20AC);
    ck_assert_int_eq(utf8_to_code_points(text, 6, out, 2, &count, &offset),
                     UTF8_TOO_LONG);
    ck_assert_int_eq(count, 3);
    /* 9 ASCII bytes then a truncated sequence at offset 9. */
    ck_assert_int_eq(utf8_to_code_points((const unsigned char *)"abcdefghi\xC3",
                                         10, out, 8, &count, &offset),
                     UTF8_INVALID);
    ck_assert_int_eq(offset, 9);
    ck_assert_int_eq(utf8_to_code_points((const unsigned char *)"", 0, out, 8,
                                         &count, &offset),
                     UTF8_OK);
    ck_assert_int_eq(count, 0);
}
END_TEST

START_TEST(test_utf8_to_code_points_blocks)
{
    /* ASCII is widened 16 bytes at a time: put 'é' (2 bytes) at every
    ** position of texts up to 40 characters, across block boundaries. */
    int length;
    int at;

    for (length = 1; length <= 40; length++) {
        for (at = 0; at < length; at++) {
            unsigned char text[64];
            uint32_t out[64];
            int count = -1;
            int offset = -1;
            int n = 0;
            int i;

            for (i = 0; i < length; i++) {
                if (i == at) {
                    text[n++] = 0xC3;
                    text[n++] = 0xA9;
                } else {
                    text[n++] = (unsigned char)('a' + i % 26);
                }
            }
            ck_assert_int_eq(
                utf8_to_code_points(text, n, out, 64, &count, &offset),
                UTF8_OK);
            ck_assert_int_eq(count, length);
            for (i = 0; i < length; i++)
                ck_assert_uint_eq(out[i],
                                  i == at ? 0xE9u : (uint32_t)('a' + i % 26));
            /* The same text cut inside the 'é' is invalid at its offset. */
            ck_assert_int_eq(
                utf8_to_code_points(text, at + 1, out, 64, &count, &offset),
                UTF8_INVALID);
            ck_assert_int_eq(offset, at);
        }
    }
}
END_TEST

START_TEST(test_levenshtein_known_pairs)
{
    ck_assert_int_eq(ascii_levenshtein("kitten", "sitting"),
                     3);                                    /* k>s e>i +g */
    ck_assert_int_eq(ascii_levenshtein("flaw", "lawn"), 2); /* -f +n */
    ck_assert_int_eq(ascii_levenshtein("", ""), 0);
    ck_assert_int_eq(ascii_levenshtein("abc", ""), 3);
    ck_assert_int_eq(ascii_levenshtein("", "abc"), 3);
    ck_assert_int_eq(ascii_levenshtein("ab", "ba"), 2); /* no swaps here */
    ck_assert_int_eq(ascii_levenshtein("4512", "4512"), 0);
}
END_TEST

START_TEST(test_levenshtein_matches_search)
{
    check_against_search(0);
}
END_TEST

START_TEST(test_damerau_matches_search)
{
    check_against_search(1);
}
END_TEST

START_TEST(test_damerau_unrestricted_ca_abc)
{
    /* CA -> AC (swap) -> ABC (insert B): 2. OSA may not edit between the
    ** swapped letters, so it needs 3 (delete C, keep A, insert B and C). */
    ck_assert_int_eq(ascii_damerau("CA", "ABC"), 2);
    ck_assert_int_eq(ascii_osa("CA", "ABC"), 3);
    ck_assert_int_eq(ascii_damerau("ab", "ba"), 1);
    ck_assert_int_eq(ascii_damerau("4512", "4521"), 1);
    ck_assert_int_eq(ascii_damerau("abcdef", "badcfe"), 3); /* three swaps */
    ck_assert_int_eq(ascii_damerau("", "ab"), 2);
}
END_TEST

START_TEST(test_damerau_longest_strings)
{
    uint32_t a[FUZZY_MAX_CODE_POINTS];
    uint32_t b[FUZZY_MAX_CODE_POINTS];
    int i;

    /* (AB)^500 against (BA)^500: every position differs, so 1 edit is not
    ** enough, and deleting the first A and appending an A makes 2. These
    ** are the longest arguments the SQL functions take. */
    for (i = 0; i < FUZZY_MAX_CODE_POINTS; i++) {
        a[i] = i % 2 ? 'B' : 'A';
        b[i] = i % 2 ? 'A' : 'B';
    }
    ck_assert_int_eq(fuzzy_damerau_levenshtein(a, FUZZY_MAX_CODE_POINTS, b,
                                               FUZZY_MAX_CODE_POINTS),
                     2);
    ck_assert_int_eq(
        fuzzy_levenshtein(a, FUZZY_MAX_CODE_POINTS, b, FUZZY_MAX_CODE_POINTS),
        2);
}
END_TEST

START_TEST(test_distances_match_matrix_on_random_text)
{
    /* Letters, 'é' and a CJK character, so masks and slots of non-ASCII
    ** characters are used too. */
    static const uint32_t alphabet[] = {'A', 'B', 'C', 0xE9, 0x4E2D};
    uint32_t state = 20130630;
    uint32_t a[TEST_MAX_LEN];
    uint32_t b[TEST_MAX_LEN];
    int round;

    for (round = 0; round < 3000; round++) {
        int n = (int)(test_random(&state) % (round % 3 ? 20 : TEST_MAX_LEN));
        int m = (int)(test_random(&state) % (round % 5 ? 20 : TEST_MAX_LEN));
        int size = 2 + round % 4;
        int damerau;

        random_text(&state, alphabet, size, a, n);
        random_text(&state, alphabet, size, b, m);
        ck_assert_int_eq(fuzzy_levenshtein(a, n, b, m),
                         matrix_distance(a, n, b, m, 0));
        ck_assert_int_eq(fuzzy_osa(a, n, b, m), matrix_distance(a, n, b, m, 1));
        /* The true distance is at most OSA and at least the length gap. */
        damerau = fuzzy_damerau_levenshtein(a, n, b, m);
        ck_assert_int_le(damerau, matrix_distance(a, n, b, m, 1));
        ck_assert_int_ge(damerau, abs(n - m));
        ck_assert_int_eq(damerau, table_damerau(a, n, b, m));
    }
}
END_TEST

/* Mutated copies over 26 letters: swaps far apart, with many letters
** between them, are where the linear-memory version must still agree with
** the full table. */
START_TEST(test_damerau_matches_table_far_swaps)
{
    uint32_t alphabet[26];
    uint32_t state = 19750401;
    uint32_t a[TEST_MAX_LEN];
    uint32_t b[TEST_MAX_LEN];
    int round;
    int i;

    for (i = 0; i < 26; i++)
        alphabet[i] = (uint32_t)('A' + i);
    for (round = 0; round < 3000; round++) {
        int n = 1 + (int)(test_random(&state) % 60);
        int edits = 1 + (int)(test_random(&state) % 4);
        int m = n;

        random_text(&state, alphabet, 26, a, n);
        memcpy(b, a, sizeof(a[0]) * (size_t)n);
        while (edits-- > 0) {
            int x = (int)(test_random(&state) % (uint32_t)m);
            int y = (int)(test_random(&state) % (uint32_t)m);
            uint32_t c = b[x];

            b[x] = b[y];
            b[y] = c;
            if (m < TEST_MAX_LEN && test_random(&state) % 2)
                b[m++] = alphabet[test_random(&state) % 26];
        }
        ck_assert_int_eq(fuzzy_damerau_levenshtein(a, n, b, m),
                         table_damerau(a, n, b, m));
    }
}
END_TEST

START_TEST(test_jaro_winkler_published_values)
{
    /* MARTHA/MARHTA: 6 matches, TH/HT is 1 transposition, so Jaro is
    ** (1 + 1 + 5/6) / 3 = 17/18; prefix MAR (3): 17/18 + 0.3 * 1/18. */
    ck_assert_double_eq_tol(ascii_jaro_winkler("MARTHA", "MARHTA"),
                            17.0 / 18 + 0.3 / 18, 1e-12);
    ck_assert_double_eq_tol(ascii_jaro_winkler("MARTHA", "MARHTA"), 0.961,
                            0.0005);
    /* DWAYNE/DUANE: window 2, matches D A N E (4), no transposition:
    ** (4/6 + 4/5 + 1) / 3 = 37/45; prefix D (1): + 0.1 * 8/45. */
    ck_assert_double_eq_tol(ascii_jaro_winkler("DWAYNE", "DUANE"),
                            37.0 / 45 + 0.8 / 45, 1e-12);
    ck_assert_double_eq_tol(ascii_jaro_winkler("DWAYNE", "DUANE"), 0.840,
                            0.0005);
    /* DIXON/DICKSONX: window 3, matches D I O N (X is 5 apart):
    ** (4/5 + 4/8 + 1) / 3 = 23/30; prefix DI (2): + 0.2 * 7/30. */
    ck_assert_double_eq_tol(ascii_jaro_winkler("DIXON", "DICKSONX"),
                            23.0 / 30 + 1.4 / 30, 1e-12);
    ck_assert_double_eq_tol(ascii_jaro_winkler("DIXON", "DICKSONX"), 0.813,
                            0.0005);
}
END_TEST

START_TEST(test_jaro_winkler_edges)
{
    ck_assert_double_eq(ascii_jaro_winkler("A", "A"), 1.0);
    ck_assert_double_eq(ascii_jaro_winkler("", ""), 1.0);
    ck_assert_double_eq(ascii_jaro_winkler("a", ""), 0.0);
    ck_assert_double_eq(ascii_jaro_winkler("", "a"), 0.0);
    ck_assert_double_eq(ascii_jaro_winkler("A", "B"), 0.0);
    /* ABCDEF/ABXYZW: window 2, matches A B: (2/6 + 2/6 + 1) / 3 = 5/9,
    ** not above 0.7, so the common prefix AB adds nothing. */
    ck_assert_double_eq_tol(ascii_jaro_winkler("ABCDEF", "ABXYZW"), 5.0 / 9,
                            1e-12);
    /* AB/BA: window 0, no match at the same position: 0. */
    ck_assert_double_eq(ascii_jaro_winkler("AB", "BA"), 0.0);
    /* A prefix longer than 4 counts as 4: ABCDEFGH/ABCDEFGX has 7 matches,
    ** Jaro (7/8 + 7/8 + 1) / 3 = 11/12, plus 0.4 * 1/12. */
    ck_assert_double_eq_tol(ascii_jaro_winkler("ABCDEFGH", "ABCDEFGX"),
                            11.0 / 12 + 0.4 / 12, 1e-12);
}
END_TEST

START_TEST(test_jaro_matches_textbook_both_ways)
{
    static const uint32_t alphabet[] = {'A', 'B', 'C', 'D', 0xE9};
    uint32_t state = 4512;
    uint32_t a[TEST_MAX_LEN];
    uint32_t b[TEST_MAX_LEN];
    int round;

    /* Lengths up to 100 reach the mask path from either side and the flag
    ** path when both strings pass 64 code points. */
    for (round = 0; round < 3000; round++) {
        int n = (int)(test_random(&state) % (round % 2 ? 12 : 100));
        int m = (int)(test_random(&state) % (round % 3 ? 12 : 100));
        int size = 2 + round % 4;
        double expected;

        random_text(&state, alphabet, size, a, n);
        random_text(&state, alphabet, size, b, m);
        expected = textbook_jaro(a, n, b, m);
        if (n == 0 || m == 0)
            expected = n == m ? 1.0 : 0.0;
        ck_assert_double_eq_tol(fuzzy_jaro(a, n, b, m), expected, 1e-12);
        ck_assert_double_eq_tol(fuzzy_jaro(b, m, a, n), expected, 1e-12);
    }
}
END_TEST

START_TEST(test_levenshtein_sql_code_points)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT levenshtein('kitten', 'sitting')", "3");
    /* 'é' is one code point (two bytes): one substitution. */
    expect_sql(db, "SELECT levenshtein('café', 'cafe')", "1");
    expect_sql(db, "SELECT levenshtein('日本語', '日本')", "1");
    expect_sql(db, "SELECT levenshtein('😀a', 'a')", "1");
    expect_sql(db, "SELECT levenshtein('', ''), levenshtein('', 'abc')", "0|3");
    /* Numbers compare as their text: '123' and '124'. */
    expect_sql(db, "SELECT levenshtein(123, 124), levenshtein(12.5, '12.5')",
               "1|0");
    /* A blob is read as the bytes of text: X'616263' is 'abc'. */
    expect_sql(db, "SELECT levenshtein(X'616263', 'abc')", "0");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_damerau_levenshtein_sql_values)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT damerau_levenshtein('CA', 'ABC')", "2");
    expect_sql(db,
               "SELECT damerau_levenshtein('ab', 'ba'), levenshtein('ab', "
               "'ba')",
               "1|2");
    expect_sql(db, "SELECT damerau_levenshtein('café', 'caéf')", "1");
    expect_sql(db, "SELECT damerau_levenshtein('', 'ab')", "2");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_jaro_winkler_sql_values)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT round(jaro_winkler('MARTHA', 'MARHTA'), 3),"
               " round(jaro_winkler('DWAYNE', 'DUANE'), 3),"
               " round(jaro_winkler('DIXON', 'DICKSONX'), 3)",
               "0.961|0.84|0.813");
    expect_sql(db,
               "SELECT jaro_winkler('A', 'A'), jaro_winkler('', ''),"
               " jaro_winkler('a', '')",
               "1.0|1.0|0.0");
    /* café/cafe: 3 matches of 4, Jaro (3/4 + 3/4 + 1) / 3 = 5/6, prefix
    ** caf (3): 5/6 + 0.3 * 1/6 = 0.8833. */
    expect_sql(db, "SELECT round(jaro_winkler('café', 'cafe'), 4)", "0.8833");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_fuzzy_sql_null)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT levenshtein(NULL, 'a'), levenshtein('a', NULL)",
               "NULL|NULL");
    expect_sql(db,
               "SELECT damerau_levenshtein(NULL, 'a'),"
               " damerau_levenshtein('a', NULL)",
               "NULL|NULL");
    expect_sql(db, "SELECT jaro_winkler(NULL, 'a'), jaro_winkler('a', NULL)",
               "NULL|NULL");
    /* NULL wins over text that would be an error. */
    expect_sql(db, "SELECT levenshtein(NULL, CAST(X'C328' AS TEXT))", "NULL");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_fuzzy_sql_invalid_utf8)
{
    static const char *const functions[] = {
        "levenshtein", "damerau_levenshtein", "jaro_winkler"};
    /* Truncated, overlong '/', overlong in 3 bytes, surrogate U+D800,
    ** U+110000, a lone continuation byte. */
    static const char *const blobs[] = {"C328",   "C0AF",     "E080AF",
                                        "EDA080", "F4908080", "80"};
    sqlite3 *db = harness_open();
    size_t f;
    size_t b;

    for (f = 0; f < 3; f++) {
        for (b = 0; b < sizeof(blobs) / sizeof(*blobs); b++) {
            char *sql = sqlite3_mprintf("SELECT %s(CAST(X'%s' AS TEXT), 'a')",
                                        functions[f], blobs[b]);
            char *message = sqlite3_mprintf("%s: argument 1 is not valid UTF-8",
                                            functions[f]);

            expect_sql_error(db, sql, message);
            sqlite3_free(sql);
            sql = sqlite3_mprintf("SELECT %s('a', CAST(X'%s' AS TEXT))",
                                  functions[f], blobs[b]);
            sqlite3_free(message);
            message = sqlite3_mprintf("%s: argument 2 is not valid UTF-8",
                                      functions[f]);
            expect_sql_error(db, sql, message);
            sqlite3_free(sql);
            sqlite3_free(message);
        }
    }
    /* The message names the byte and its offset. */
    expect_sql_error(db, "SELECT levenshtein(CAST(X'61C328' AS TEXT), 'a')",
                     "(byte 0xC3 at offset 1 of 'a?(')");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_fuzzy_sql_length_limit)
{
    sqlite3 *db = harness_open();

    /* replace(hex(zeroblob(n)), '00', x) repeats x n times. */
    expect_sql(db,
               "SELECT levenshtein(replace(hex(zeroblob(1000)), '00', 'a'),"
               " ''), damerau_levenshtein(replace(hex(zeroblob(1000)), '00',"
               " 'é'), 'é')",
               "1000|999");
    expect_sql_error(
        db, "SELECT levenshtein(replace(hex(zeroblob(1001)), '00', 'a'), '')",
        "levenshtein: argument 1 is longer than the limit of 1000 code "
        "points (it has 1001)");
    expect_sql_error(
        db,
        "SELECT damerau_levenshtein('', replace(hex(zeroblob(1001)), '00', "
        "'é'))",
        "damerau_levenshtein: argument 2 is longer than the limit of 1000 "
        "code points");
    expect_sql_error(
        db, "SELECT jaro_winkler(replace(hex(zeroblob(2000)), '00', 'a'), 'a')",
        "jaro_winkler: argument 1 is longer than the limit of 1000 code "
        "points (it has 2000)");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_fuzzy_sql_ascii_read_boundary)
{
    sqlite3 *db = harness_open();

    /* ASCII arguments of up to 64 bytes are read without the UTF-8
    ** decoder, longer ones with it: both sides of that boundary must give
    ** the same distances. 64 'a' against 63 'a' and a 'b' is one
    ** substitution; so is 65 'a' against 64 'a' and a 'b'. */
    expect_sql(db,
               "SELECT levenshtein(replace(hex(zeroblob(64)), '00', 'a'),"
               " replace(hex(zeroblob(63)), '00', 'a') || 'b'),"
               " levenshtein(replace(hex(zeroblob(65)), '00', 'a'),"
               " replace(hex(zeroblob(64)), '00', 'a') || 'b')",
               "1|1");
    expect_sql(db,
               "SELECT jaro_winkler(replace(hex(zeroblob(64)), '00', 'a'),"
               " replace(hex(zeroblob(64)), '00', 'a')),"
               " damerau_levenshtein(replace(hex(zeroblob(65)), '00', 'a'),"
               " 'a')",
               "1.0|64");
    /* 63 ASCII bytes and 'é' are 65 bytes but 64 code points: 'é' against
    ** 'e' is one substitution. */
    expect_sql(db,
               "SELECT levenshtein(replace(hex(zeroblob(63)), '00', 'a') ||"
               " 'é', replace(hex(zeroblob(63)), '00', 'a') || 'e')",
               "1");
    /* U+0000 is a character like any other: 'a', NUL, 'b' against 'ab' is
    ** one deletion. */
    expect_sql(db, "SELECT levenshtein(CAST(X'610062' AS TEXT), 'ab')", "1");
    /* A short argument with a byte of 0x80 or more still goes through the
    ** UTF-8 checks. */
    expect_sql_error(db, "SELECT jaro_winkler('ab', CAST(X'61FF' AS TEXT))",
                     "jaro_winkler: argument 2 is not valid UTF-8 (byte 0xFF "
                     "at offset 1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_fuzzy_sql_flags_allow_schema_use)
{
    sqlite3 *db = harness_open();

    harness_exec(db, "PRAGMA trusted_schema = OFF;"
                     "CREATE TABLE names (a TEXT, b TEXT);"
                     "CREATE INDEX names_distance_idx"
                     "  ON names (levenshtein(a, b));"
                     "CREATE VIEW close_names AS SELECT a, b FROM names"
                     "  WHERE damerau_levenshtein(a, b) <= 1"
                     "  AND jaro_winkler(a, b) > 0.8;"
                     "INSERT INTO names VALUES ('MARTHA', 'MARHTA'),"
                     "  ('MARTHA', 'JOHN');");
    expect_sql(db, "SELECT a, b FROM close_names", "MARTHA|MARHTA");
    sqlite3_close(db);
}
END_TEST

Suite *fuzzy_suite(void)
{
    Suite *s = suite_create("fuzzy");
    TCase *utf8 = tcase_create("utf8");
    TCase *core = tcase_create("core");
    TCase *sql = tcase_create("sql");

    tcase_add_test(utf8, test_utf8_decode_lengths_and_rejects);
    tcase_add_test(utf8, test_utf8_encode_round_trip);
    tcase_add_test(utf8, test_utf8_to_code_points_status);
    tcase_add_test(utf8, test_utf8_to_code_points_blocks);
    suite_add_tcase(s, utf8);

    /* The exhaustive and random comparisons take seconds under ASan. */
    tcase_set_timeout(core, 60);
    tcase_add_test(core, test_levenshtein_known_pairs);
    tcase_add_test(core, test_levenshtein_matches_search);
    tcase_add_test(core, test_damerau_matches_search);
    tcase_add_test(core, test_damerau_unrestricted_ca_abc);
    tcase_add_test(core, test_damerau_longest_strings);
    tcase_add_test(core, test_damerau_matches_table_far_swaps);
    tcase_add_test(core, test_distances_match_matrix_on_random_text);
    tcase_add_test(core, test_jaro_winkler_published_values);
    tcase_add_test(core, test_jaro_winkler_edges);
    tcase_add_test(core, test_jaro_matches_textbook_both_ways);
    suite_add_tcase(s, core);

    tcase_add_test(sql, test_levenshtein_sql_code_points);
    tcase_add_test(sql, test_damerau_levenshtein_sql_values);
    tcase_add_test(sql, test_jaro_winkler_sql_values);
    tcase_add_test(sql, test_fuzzy_sql_null);
    tcase_add_test(sql, test_fuzzy_sql_invalid_utf8);
    tcase_add_test(sql, test_fuzzy_sql_length_limit);
    tcase_add_test(sql, test_fuzzy_sql_ascii_read_boundary);
    tcase_add_test(sql, test_fuzzy_sql_flags_allow_schema_use);
    suite_add_tcase(s, sql);
    return s;
}
