/*
** ref_normalize at the edges of the Unicode blocks it treats apart. Each
** block's first and last code point and the code points just outside are
** put between '12' and '034', and the result shows the class:
**   - ignored (combining marks, zero-width and invisible characters, the
**     byte order mark) vanishes, so the digits join: '12034';
**   - a separator (punctuation, symbols, spaces, arrows and the like)
**     splits the digits, and the second run loses its zero: '1234';
**   - any other character is kept and also splits the digits:
**     '12' || c || '34'.
** The blocks come from the Unicode block names in the header of
** ext/refnorm.c, not from its code.
*/
#include <stdio.h>

#include "harness.h"

/* A range of code points of one class, first and last included. */
struct block {
    unsigned int first;
    unsigned int last;
};

/* Combining Diacritical Marks and their Extended and Supplement blocks,
** zero width space to joiner, word joiner to invisible plus, combining
** marks for symbols, variation selectors, combining half marks, BOM. */
static const struct block ignored_blocks[] = {
    {0xAD, 0xAD},     {0x300, 0x36F},   {0x1AB0, 0x1AFF}, {0x1DC0, 0x1DFF},
    {0x200B, 0x200D}, {0x2060, 0x2064}, {0x20D0, 0x20FF}, {0xFE00, 0xFE0F},
    {0xFE20, 0xFE2F}, {0xFEFF, 0xFEFF},
};

/* The Latin-1 signs D7 and F7 (multiply, divide), then the blocks:
** Spacing Modifier Letters, Ogham space, General Punctuation, Currency
** and Letterlike Symbols, Arrows up to Miscellaneous Symbols and Arrows,
** Supplemental Punctuation, CJK Symbols and Punctuation, Vertical Forms,
** CJK Compatibility and Small Form Variants, halfwidth CJK punctuation
** and Specials. */
static const struct block separator_blocks[] = {
    {0xD7, 0xD7},     {0xF7, 0xF7},     {0x2B0, 0x2FF},   {0x1680, 0x1680},
    {0x2000, 0x206F}, {0x20A0, 0x20CF}, {0x2100, 0x214F}, {0x2190, 0x2BFF},
    {0x2E00, 0x2E7F}, {0x3000, 0x303F}, {0xFE10, 0xFE1F}, {0xFE30, 0xFE6F},
    {0xFF5F, 0xFF65}, {0xFFF0, 0xFFFF},
};

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

static int in_blocks(const struct block *blocks, int n, unsigned int c)
{
    int i;

    for (i = 0; i < n; i++)
        if (c >= blocks[i].first && c <= blocks[i].last)
            return 1;
    return 0;
}

/* Checks ref_normalize('12' || char(c) || '034') against c's class. */
static void expect_class(sqlite3 *db, unsigned int c)
{
    char sql[96];
    char expected[32];

    /* Latin letters fold to capitals and surrogates are no characters:
    ** other suites cover the one, SQLite's char() rejects the other. */
    if ((c >= 0xC0 && c < 0x180 && c != 0xD7 && c != 0xF7) ||
        (c >= 0xD800 && c <= 0xDFFF))
        return;
    snprintf(sql, sizeof(sql), "SELECT ref_normalize('12' || char(%u) || '034')",
             c);
    /* Fullwidth forms FF01..FF5E count as their ASCII characters, and
    ** the one this test reaches, FF5E, is the tilde: a separator. */
    if (in_blocks(ignored_blocks, COUNT(ignored_blocks), c))
        snprintf(expected, sizeof(expected), "12034");
    else if (c < 0xC0 || c == 0xFF5E ||
             in_blocks(separator_blocks, COUNT(separator_blocks), c))
        snprintf(expected, sizeof(expected), "1234");
    else {
        sqlite3_stmt *stmt;
        /* The kept character, in SQLite's own UTF-8. */
        ck_assert_int_eq(sqlite3_prepare_v2(db, "SELECT char(?)", -1, &stmt,
                                            NULL),
                         SQLITE_OK);
        sqlite3_bind_int(stmt, 1, (int)c);
        ck_assert_int_eq(sqlite3_step(stmt), SQLITE_ROW);
        snprintf(expected, sizeof(expected), "12%s34",
                 (const char *)sqlite3_column_text(stmt, 0));
        sqlite3_finalize(stmt);
    }
    expect_sql(db, sql, expected);
}

/* Every block's ends, and one code point past each end. */
static void check_block_edges(sqlite3 *db, const struct block *blocks, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        expect_class(db, blocks[i].first - 1);
        expect_class(db, blocks[i].first);
        expect_class(db, blocks[i].last);
        expect_class(db, blocks[i].last + 1);
    }
}

START_TEST(test_ignored_block_edges)
{
    sqlite3 *db = harness_open();

    check_block_edges(db, ignored_blocks, COUNT(ignored_blocks));
    sqlite3_close(db);
}
END_TEST

START_TEST(test_separator_block_edges)
{
    sqlite3 *db = harness_open();

    check_block_edges(db, separator_blocks, COUNT(separator_blocks));
    /* Below the Latin-1 letters every sign separates, '§' among them. */
    expect_class(db, 0xA7);
    sqlite3_close(db);
}
END_TEST

Suite *edge_refnorm_suite(void)
{
    Suite *s = suite_create("edge_refnorm");
    TCase *blocks = tcase_create("blocks");

    tcase_add_test(blocks, test_ignored_block_edges);
    tcase_add_test(blocks, test_separator_block_edges);
    suite_add_tcase(s, blocks);
    return s;
}
