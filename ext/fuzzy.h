#ifndef RECEIVABLES_FUZZY_H
#define RECEIVABLES_FUZZY_H

#include <stdint.h>

#include <sqlite3ext.h>

/*
** Edit distances and Jaro similarity over arrays of Unicode code points.
** Every function here takes the strings as (pointer, length) pairs, is
** symmetric in its two strings and allocates nothing.
*/

/* Maximum code points per argument of the SQL distance functions. */
#define FUZZY_MAX_CODE_POINTS 1000

/* Maximum pattern length of the bit-parallel algorithms: one bit each. */
#define FUZZY_WORD_BITS 64

/*
** Bit masks of a pattern of at most FUZZY_WORD_BITS code points: bit i of
** the mask of character c is set when pattern[i] == c. Used by the
** bit-parallel algorithms of Myers (J. ACM, 1999) and Hyyro (Prague
** Stringology Conference, 2002). Only the masks of the
** characters of the pattern and of one text are set up, so that a short
** comparison does not pay for clearing all 128 ASCII masks. Look up only
** characters of the text given to fuzzy_pattern_init.
*/
struct fuzzy_pattern {
    uint64_t ascii_mask[128];                   /* masks of U+0000..U+007F */
    uint32_t other_code_point[FUZZY_WORD_BITS]; /* distinct non-ASCII chars */
    uint64_t other_mask[FUZZY_WORD_BITS];       /* their masks */
    int other_count;         /* entries used in the two arrays above */
    const uint32_t *pattern; /* the pattern itself, borrowed */
    int length;              /* its length, 1..FUZZY_WORD_BITS */
};

/*
** Fills p from pattern[0..m-1], 1 <= m <= FUZZY_WORD_BITS, for comparing
** with text[0..n-1] or any part of it.
*/
void fuzzy_pattern_init(struct fuzzy_pattern *p, const uint32_t *pattern, int m,
                        const uint32_t *text, int n);

/* Levenshtein distance: insertions, deletions and substitutions. */
int fuzzy_levenshtein(const uint32_t *a, int n, const uint32_t *b, int m);

/*
** Optimal string alignment distance: Levenshtein plus the swap of two
** adjacent characters, where no substring is edited twice ('CA' to 'ABC'
** is 3). p is the pattern of one of the strings; text[0..n-1] is the other.
*/
int fuzzy_osa_pattern(const struct fuzzy_pattern *p, const uint32_t *text,
                      int n);

/* Optimal string alignment distance of any two strings. */
int fuzzy_osa(const uint32_t *a, int n, const uint32_t *b, int m);

/*
** Unrestricted Damerau-Levenshtein distance (Lowrance and Wagner 1975):
** the fewest insertions, deletions, substitutions and swaps of adjacent
** characters turning a into b ('CA' to 'ABC' is 2). Works in five arrays
** of m + 1 cells on the stack, so n and m are at most
** FUZZY_MAX_CODE_POINTS.
*/
int fuzzy_damerau_levenshtein(const uint32_t *a, int n, const uint32_t *b,
                              int m);

/*
** Jaro similarity in 0..1. Matches are equal characters at most
** max(n, m) / 2 - 1 positions apart. Two empty strings score 1, one empty
** string 0.
*/
double fuzzy_jaro(const uint32_t *a, int n, const uint32_t *b, int m);

/* Jaro similarity of text[0..n-1] and the pattern of p. */
double fuzzy_jaro_pattern(const struct fuzzy_pattern *p, const uint32_t *text,
                          int n);

/*
** Jaro-Winkler similarity: jaro + l * 0.1 * (1 - jaro), l the common prefix
** length up to 4, applied only when jaro is above 0.7.
*/
double fuzzy_jaro_winkler(const uint32_t *a, int n, const uint32_t *b, int m);

/* Registers levenshtein, damerau_levenshtein and jaro_winkler on db. */
int fuzzy_register(sqlite3 *db);

#endif
