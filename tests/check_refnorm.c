/*
** Reference normalization and similarity: ref_normalize and ref_similarity
** as C cores and as SQL functions.
**
** Where the expected values come from:
**   - Each normalized memo is worked out by hand from the rules in the
**     header of ext/refnorm.c. The comment next to a case names the rule
**     that acts.
**   - The accent folding of all of U+00C0..U+017F was generated with
**     Python's unicodedata (decompose with NFD, drop combining marks,
**     upper-case), plus the letters that have no decomposition (Æ, Ð, Ø,
**     Þ, ß, Đ, Ħ, ı, Ĳ, ĸ, Ŀ, Ł, ŉ, Ŋ, Œ, Ŧ, ſ) spelled out by hand.
**   - Similarity scores are worked out by hand from the FORMULA in the
**     header of ext/refnorm.c, as fractions, next to each case.
*/
#include <stdint.h>
#include <string.h>

#include "harness.h"
#include "refnorm.h"
#include "utf8.h"

/* Normalizes a C string; returns the key (a static buffer) or "<invalid>". */
static const char *normalized(const char *text)
{
    static unsigned char out[REFNORM_MAX_BYTES + 1];
    int invalid_offset = -1;
    int len = refnorm_normalize((const unsigned char *)text, (int)strlen(text),
                                out, &invalid_offset);

    if (len < 0)
        return "<invalid>";
    out[len] = '\0';
    return (const char *)out;
}

/* One input and its expected key. */
struct normalize_case {
    const char *text;
    const char *key;
};

/* Asserts every case of a table, naming the input on failure. */
static void check_cases(const struct normalize_case *cases, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
        ck_assert_msg(strcmp(normalized(cases[i].text), cases[i].key) == 0,
                      "ref_normalize('%s') = '%s', expected '%s'",
                      cases[i].text, normalized(cases[i].text), cases[i].key);
}

/* Returns ref_similarity of two C strings through the C core. */
static double similarity(const char *a, const char *b)
{
    struct refnorm_key x;
    struct refnorm_key y;
    int invalid_offset = -1;

    ck_assert_int_eq(refnorm_key_init(&x, (const unsigned char *)a,
                                      (int)strlen(a), &invalid_offset),
                     1);
    ck_assert_int_eq(refnorm_key_init(&y, (const unsigned char *)b,
                                      (int)strlen(b), &invalid_offset),
                     1);
    return refnorm_similarity(&x, &y);
}

START_TEST(test_refnorm_normalize_memos)
{
    static const struct normalize_case cases[] = {
        /* English: INVOICE and NO dropped (rule 3), zeros (rule 4). */
        {"Invoice no. 00123", "123"},
        {"Invoice No. 611365", "611365"},
        {"INV-00611365", "611365"},
        {"INV00123", "123"}, /* INV glued to digits is still a prefix */
        {"INV#00042", "42"},
        {"REF 611365", "611365"},
        {"Ref: F-2024-0042", "F202442"}, /* F is no document word */
        {"Payment inv 4512 ACME Corp.", "PAYMENT4512ACMECORP"},
        {"Invoice number 77", "77"},
        /* Spanish: FACTURA, FRA and Nº dropped. */
        {"FACTURA Nº 0042/2013", "422013"},
        {"Pago fra. nº 000123", "PAGO123"},
        {"Fra. nº 611365", "611365"},
        {"Factura n.º 88", "88"},
        {"Fact. 2013-0042", "201342"},
        {"REFERENCIA: 0099", "99"},
        {"Número 12", "12"}, /* 'ú' folds to U, so NUMERO */
        {"Transferencia Pérez y Cía FAC 7", "TRANSFERENCIAPEREZYCIA7"},
        /* Nothing left gives '', not NULL. */
        {"Invoice #", ""},
        {"", ""},
        {"  -- / .. ", ""},
    };

    check_cases(cases, sizeof(cases) / sizeof(*cases));
}
END_TEST

START_TEST(test_refnorm_normalize_document_words)
{
    static const struct normalize_case cases[] = {
        {"NORTH 5", "NORTH5"},   /* NO opens NORTH but is not all of it */
        {"INVEST 5", "INVEST5"}, /* INV likewise */
        {"Norte 12", "NORTE12"},
        {"123INV", "123INV"},     /* after digits: not an opening word */
        {"INVNO123", "INVNO123"}, /* two words glued are one unknown word */
        {"No 5", "5"},
        {"NO.5", "5"},
        {"N 5", "N5"},     /* N alone is no word */
        {"Nº5", "5"},      /* U+00BA masculine ordinal */
        {"N°5", "5"},      /* U+00B0 degree sign */
        {"n.º 7", "7"},    /* N, '.', º */
        {"N..º 7", "7"},   /* only dots between N and º */
        {"N- º 7", "N7"},  /* other separators keep the N */
        {"AN º 7", "AN7"}, /* the token must be N alone */
        {"№ 15", "15"},    /* U+2116 numero sign is a separator */
        {"NO FRILLS LTD", "FRILLSLTD"},
        {"FAC/FACT/FRA", ""}, /* three whole-token document words */
        {"Reference 5 ref", "5"},
        {"FACTURAS 3", "FACTURAS3"}, /* plural is not in the list */
    };

    check_cases(cases, sizeof(cases) / sizeof(*cases));
}
END_TEST

START_TEST(test_refnorm_normalize_digit_runs)
{
    static const struct normalize_case cases[] = {
        {"000", "0"}, /* zeros only become one 0 */
        {"0", "0"},
        {"INV 000", "0"},
        {"2013/0042", "201342"}, /* each run loses its own zeros */
        {"0042/2013", "422013"},
        {"A0012", "A12"}, /* a run after letters too */
        {"A0012B0", "A12B0"},
        {"10203", "10203"},       /* inner zeros stay */
        {"0 0 1", "001"},         /* three runs: 0, 0, 1 */
        {"ＩＮＶ００１２", "12"}, /* fullwidth letters and digits */
    };

    check_cases(cases, sizeof(cases) / sizeof(*cases));
}
END_TEST

START_TEST(test_refnorm_normalize_latin_letters_folded)
{
    /* Every letter of U+00C0..U+017F, with × and ÷ left out; see the file
    ** header for how the expected capitals were made. */
    static const struct normalize_case cases[] = {
        {"ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏÐÑÒÓÔÕÖØÙÚÛÜÝÞßàáâãäåæçèéêëìíîïðñòóôõöøùúûüýþÿ",
         "AAAAAAAECEEEEIIIIDNOOOOOOUUUUYTHSSAAAAAAAECEEEEIIIIDNOOOOOOUUUUYT"
         "HY"},
        {"ĀāĂăĄąĆćĈĉĊċČčĎďĐđĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĦħĨĩĪīĬĭĮįİıĲĳĴĵĶķĸĹĺĻļĽľĿŀŁ"
         "łŃńŅņŇňŉŊŋŌōŎŏŐőŒœŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŦŧŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžſ",
         "AAAAAACCCCCCCCDDDDEEEEEEEEEEGGGGGGGGHHHHIIIIIIIIIIIJIJJJKKKLLLLLLLLL"
         "LNNNNNNNNNOOOOOOOEOERRRRRRSSSSSSSSTTTTTTUUUUUUUUUUUUWWYYYZZZZZZS"},
        {"café", "CAFE"},
        {"Müller GmbH", "MULLERGMBH"},
        {"Straße 5", "STRASSE5"},
        {"Ærøskøbing", "AEROSKOBING"},
        {"Łódź", "LODZ"},
        {"façade", "FACADE"},
        {"3 × 4 ÷ 2", "342"}, /* the two signs are separators */
    };

    check_cases(cases, sizeof(cases) / sizeof(*cases));
}
END_TEST

START_TEST(test_refnorm_normalize_spaces_and_invisibles)
{
    static const struct normalize_case cases[] = {
        {"INV\xC2\xA0"
         "00123",
         "123"}, /* U+00A0 no-break space */
        {"INV\xE2\x80\x89"
         "5",
         "5"}, /* U+2009 thin space */
        {"INV\xE3\x80\x80"
         "5",
         "5"}, /* U+3000 ideographic space */
        {"\xE2\x82\xAC 120 \xE2\x80\x93 INV 7", "1207"}, /* € and en dash */
        {"\xE2\x80\x9CINV 9\xE2\x80\x9D", "9"},          /* curly quotes */
        /* Combining acute (U+0301) and soft hyphen (U+00AD) do not split
        ** FACTURA, so it is still a document word. */
        {"FACTU\xCC\x81RA 12", "12"},
        {"FAC\xC2\xADTURA 7", "7"},
        {"cafe\xCC\x81", "CAFE"},
        /* Zero-width space (U+200B) and byte order mark (U+FEFF). */
        {"IN\xE2\x80\x8BV 5", "5"},
        {"\xEF\xBB\xBFREF 5", "5"},
    };

    check_cases(cases, sizeof(cases) / sizeof(*cases));
}
END_TEST

START_TEST(test_refnorm_normalize_other_scripts_kept)
{
    static const struct normalize_case cases[] = {
        {"Δ-12", "Δ12"},             /* Greek is kept as written */
        {"счёт № 15", "счёт15"},     /* Cyrillic too, with no case change */
        {"Ș1", "Ș1"},                /* Latin Extended-B is not folded */
        {"請求書 No. 5", "請求書5"}, /* NO after CJK is its own token */
        {"😀INV 3", "😀INV3"},         /* INV follows the emoji in one token */
    };

    check_cases(cases, sizeof(cases) / sizeof(*cases));
}
END_TEST

START_TEST(test_refnorm_normalize_invalid_utf8)
{
    unsigned char out[16];
    int offset = -1;

    ck_assert_int_eq(
        refnorm_normalize((const unsigned char *)"AB\xC3(", 4, out, &offset),
        -1);
    ck_assert_int_eq(offset, 2);
    offset = -1;
    ck_assert_int_eq(refnorm_normalize((const unsigned char *)"\xED\xA0\x80", 3,
                                       out, &offset),
                     -1); /* surrogate U+D800 */
    ck_assert_int_eq(offset, 0);
    ck_assert_int_eq(
        refnorm_normalize((const unsigned char *)"\xC0\xAF", 2, out, &offset),
        -1); /* overlong '/' */
}
END_TEST

START_TEST(test_refnorm_normalize_never_grows)
{
    /* Pieces that grow ('ß' -> SS), shrink (fullwidth), drop or keep. */
    static const char *const pieces[] = {
        "N", "O",        ".", "\xC2\xBA", "0",        "7",  "INV",
        " ", "ß",        "Æ", "Ĳ",        "ＮＯ",     "０", "€",
        "Δ", "\xCC\x81", "😀", "FAC",      "\xC2\xA0",
    };
    const int piece_count = (int)(sizeof(pieces) / sizeof(*pieces));
    uint32_t state = 611365;
    int round;

    for (round = 0; round < 20000; round++) {
        char text[256];
        unsigned char out[256];
        uint32_t code_points[256];
        int n = 0;
        int count = 0;
        int offset = -1;
        int len;
        int k;

        for (k = 0; k < 1 + round % 30; k++) {
            const char *piece;

            state = (uint32_t)(((uint64_t)state * 48271u) % 2147483647u);
            piece = pieces[state % (uint32_t)piece_count];
            memcpy(text + n, piece, strlen(piece));
            n += (int)strlen(piece);
        }
        len = refnorm_normalize((const unsigned char *)text, n, out, &offset);
        ck_assert_int_ge(len, 0);
        ck_assert_int_le(len, n);
        /* The key is valid UTF-8 as well. */
        ck_assert_int_eq(
            utf8_to_code_points(out, len, code_points, 256, &count, &offset),
            UTF8_OK);
    }
}
END_TEST

START_TEST(test_refnorm_key_segments)
{
    struct refnorm_key key;
    int offset = -1;

    /* Tokens 2013, 004512 and ACME: segments at 0, 4 and 8. */
    ck_assert_int_eq(
        refnorm_key_init(&key, (const unsigned char *)"INV-2013-004512 ACME",
                         20, &offset),
        1);
    ck_assert_int_eq(key.length, 12);
    ck_assert_int_eq(memcmp(key.text, "20134512ACME", 12), 0);
    ck_assert_int_eq(key.segment_count, 3);
    ck_assert_int_eq(key.segment_start[0], 0);
    ck_assert_int_eq(key.segment_start[1], 4);
    ck_assert_int_eq(key.segment_start[2], 8);
    /* One token A0012B: letters, digits, letters make 3 segments. */
    ck_assert_int_eq(
        refnorm_key_init(&key, (const unsigned char *)"A0012B", 6, &offset), 1);
    ck_assert_int_eq(key.length, 4); /* A12B */
    ck_assert_int_eq(key.segment_count, 3);
    ck_assert_int_eq(key.segment_start[1], 1);
    ck_assert_int_eq(key.segment_start[2], 3);
    /* A dropped document word leaves no segment behind. */
    ck_assert_int_eq(
        refnorm_key_init(&key, (const unsigned char *)"INV00123", 8, &offset),
        1);
    ck_assert_int_eq(key.segment_count, 1);
    ck_assert_int_eq(key.segment_start[0], 0);
    /* 'Δ' is 2 bytes: the second segment starts at byte 2. */
    ck_assert_int_eq(
        refnorm_key_init(&key, (const unsigned char *)"Δ-12", 5, &offset), 1);
    ck_assert_int_eq(key.segment_count, 2);
    ck_assert_int_eq(key.segment_start[1], 2);
}
END_TEST

START_TEST(test_refnorm_similarity_formula)
{
    /* Equal keys: 1. An empty key: 0. */
    ck_assert_double_eq(similarity("INV-00123", "123"), 1.0);
    ck_assert_double_eq(similarity("Invoice", "123"), 0.0);
    ck_assert_double_eq(similarity("", ""), 0.0);
    /* 4521 vs 4512: OSA 1 of 4 gives 3/4; Jaro has 4 matches and 1
    ** transposition, (1 + 1 + 3/4) / 3 = 11/12; pair = (3/4 + 11/12) / 2. */
    ck_assert_double_eq_tol(similarity("Fra. 4521", "4512"), 5.0 / 6, 1e-12);
    /* 4519 vs 4512: 3/4 and Jaro (3/4 + 3/4 + 1) / 3 = 5/6: 19/24. */
    ck_assert_double_eq_tol(similarity("4519", "4512"), 19.0 / 24, 1e-12);
    /* No common digit within Jaro's window and 4 substitutions: 0. */
    ck_assert_double_eq(similarity("4512", "7890"), 0.0);
    /* The memo quotes the number as a whole segment: 0.95. */
    ck_assert_double_eq(similarity("INV-2013-004512 ACME", "4512"), 0.95);
    ck_assert_double_eq(similarity("Invoices 4512, 4513 and 4514", "4513"),
                        0.95);
    /* F202442 contains the segments 2024 and 42. */
    ck_assert_double_eq(similarity("F-2024-0042", "Factura 2024/42"), 0.95);
}
END_TEST

START_TEST(test_refnorm_similarity_non_ascii_keys)
{
    /* Greek letters stay in the key as two-byte characters, so the key
    ** 'ΑΒΓ4512' has 7 code points in 10 bytes and its window '4512'
    ** starts at code point 3: an exact window scores 0.95. */
    ck_assert_double_eq(similarity("ΑΒΓ-4512", "4512"), 0.95);
    /* 'ΑΒΓ' against 'ΑΒΔ': one substitution in 3, edit part 2/3; Jaro
    ** with 2 matches of 3, (2/3 + 2/3 + 1) / 3 = 7/9; pair = 13/18. */
    ck_assert_double_eq_tol(similarity("ΑΒΓ", "ΑΒΔ"), 13.0 / 18, 1e-12);
}
END_TEST

START_TEST(test_refnorm_similarity_hidden_number_low)
{
    /* 134 inside the digit run 20134512 is no window. Whole: OSA deletes
    ** 9 of 12, so 1 - 9/12 = 1/4; Jaro (window 5) matches 1, 3, 4 in
    ** order, (3/3 + 3/12 + 1) / 3 = 3/4; pair = (1/4 + 3/4) / 2 = 1/2.
    ** The best window, 2013, scores far lower, even before the 0.95. */
    ck_assert_double_eq_tol(similarity("INV-2013-004512 ACME", "134"), 0.5,
                            1e-12);
}
END_TEST

START_TEST(test_refnorm_similarity_range_and_symmetry)
{
    static const char *const pieces[] = {"INV ", "4512", "4521", "0",
                                         "-",    "ACME", " ",    "Nº",
                                         "13",   "é",    "2013", "F"};
    const int piece_count = (int)(sizeof(pieces) / sizeof(*pieces));
    uint32_t state = 2013;
    int round;

    for (round = 0; round < 5000; round++) {
        char text[2][128];
        int side;
        double forward;
        double backward;

        for (side = 0; side < 2; side++) {
            int n = 0;
            int k;

            for (k = 0; k < 1 + round % 7; k++) {
                const char *piece;

                state = (uint32_t)(((uint64_t)state * 48271u) % 2147483647u);
                piece = pieces[state % (uint32_t)piece_count];
                memcpy(text[side] + n, piece, strlen(piece) + 1);
                n += (int)strlen(piece);
            }
        }
        forward = similarity(text[0], text[1]);
        backward = similarity(text[1], text[0]);
        ck_assert_double_ge(forward, 0.0);
        ck_assert_double_le(forward, 1.0);
        ck_assert_msg(forward == backward, "'%s' vs '%s': %.17g and %.17g",
                      text[0], text[1], forward, backward);
    }
}
END_TEST

START_TEST(test_ref_normalize_sql_values)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT ref_normalize('Invoice no. 00123'),"
               " ref_normalize('FACTURA Nº 0042/2013'),"
               " ref_normalize('Pago fra. nº 000123')",
               "123|422013|PAGO123");
    /* Numbers are read as their text: 00123 is the integer 123, and 12.5
    ** is '12.5', whose runs 12 and 5 join. */
    expect_sql(db, "SELECT ref_normalize(00123), ref_normalize(12.5)",
               "123|125");
    expect_sql(db, "SELECT ref_normalize(''), typeof(ref_normalize('#'))",
               "|text");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ref_normalize_sql_null_and_errors)
{
    sqlite3 *db = harness_open();

    expect_sql(db, "SELECT ref_normalize(NULL)", "NULL");
    expect_sql_error(db, "SELECT ref_normalize(CAST(X'C328' AS TEXT))",
                     "ref_normalize: argument 1 is not valid UTF-8 (byte 0xC3 "
                     "at offset 0");
    expect_sql_error(db, "SELECT ref_normalize(CAST(X'EDA080' AS TEXT))",
                     "ref_normalize: argument 1 is not valid UTF-8");
    /* 4000 bytes pass, 4001 do not. */
    expect_sql(db,
               "SELECT length(ref_normalize(replace(hex(zeroblob(4000)),"
               " '00', 'a')))",
               "4000");
    expect_sql_error(
        db, "SELECT ref_normalize(replace(hex(zeroblob(4001)), '00', 'a'))",
        "ref_normalize: argument 1 is longer than the limit of 4000 bytes "
        "(it has 4001)");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ref_similarity_sql_values)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT ref_similarity('INV-00123', '123'),"
               " ref_similarity('INV-2013-004512 ACME', '4512'),"
               " round(ref_similarity('Fra. 4521', '4512'), 6),"
               " ref_similarity('4512', '7890'),"
               " ref_similarity('Invoice', '123')",
               "1.0|0.95|0.833333|0.0|0.0");
    /* Keys over 64 code points: 100 sevens against 99 sevens and an 8.
    ** OSA 1 of 100; Jaro 99 matches, (0.99 + 0.99 + 1) / 3; the mean of
    ** 0.99 and 0.993333 is 0.991667. */
    expect_sql(db,
               "SELECT round(ref_similarity("
               "replace(hex(zeroblob(100)), '00', '7'),"
               " replace(hex(zeroblob(99)), '00', '7') || '8'), 6)",
               "0.991667");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_ref_similarity_sql_null_and_errors)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT ref_similarity(NULL, '1'), ref_similarity('1', NULL)",
               "NULL|NULL");
    expect_sql_error(db, "SELECT ref_similarity('1', CAST(X'C328' AS TEXT))",
                     "ref_similarity: argument 2 is not valid UTF-8");
    /* 1000 bytes pass. No character in common: OSA 1000, Jaro 0. */
    expect_sql(db,
               "SELECT ref_similarity(replace(hex(zeroblob(1000)), '00', "
               "'a'), '7')",
               "0.0");
    expect_sql_error(db,
                     "SELECT ref_similarity(replace(hex(zeroblob(1001)), "
                     "'00', 'a'), 'a')",
                     "ref_similarity: argument 1 is longer than the limit of "
                     "1000 bytes (it has 1001)");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_refnorm_sql_flags_allow_schema_use)
{
    sqlite3 *db = harness_open();

    harness_exec(db, "PRAGMA trusted_schema = OFF;"
                     "CREATE TABLE invoices (number TEXT);"
                     "CREATE INDEX invoices_ref_idx"
                     "  ON invoices (ref_normalize(number));"
                     "CREATE TABLE payments (memo TEXT);"
                     "CREATE VIEW matches AS SELECT memo, number"
                     "  FROM payments, invoices"
                     "  WHERE ref_similarity(memo, number) >= 0.95;"
                     "INSERT INTO invoices VALUES ('F-0042'), ('4512');"
                     "INSERT INTO payments VALUES ('Fra. nº 4512 ACME');");
    expect_sql(db,
               "SELECT number FROM invoices"
               " WHERE ref_normalize(number) = ref_normalize('F 42')",
               "F-0042");
    expect_sql(db, "SELECT memo, number FROM matches",
               "Fra. nº 4512 ACME|4512");
    sqlite3_close(db);
}
END_TEST

Suite *refnorm_suite(void)
{
    Suite *s = suite_create("refnorm");
    TCase *normalize = tcase_create("normalize");
    TCase *similarity_case = tcase_create("similarity");
    TCase *sql = tcase_create("sql");

    tcase_add_test(normalize, test_refnorm_normalize_memos);
    tcase_add_test(normalize, test_refnorm_normalize_document_words);
    tcase_add_test(normalize, test_refnorm_normalize_digit_runs);
    tcase_add_test(normalize, test_refnorm_normalize_latin_letters_folded);
    tcase_add_test(normalize, test_refnorm_normalize_spaces_and_invisibles);
    tcase_add_test(normalize, test_refnorm_normalize_other_scripts_kept);
    tcase_add_test(normalize, test_refnorm_normalize_invalid_utf8);
    tcase_add_test(normalize, test_refnorm_normalize_never_grows);
    tcase_add_test(normalize, test_refnorm_key_segments);
    suite_add_tcase(s, normalize);

    tcase_set_timeout(similarity_case, 30); /* random pairs under ASan */
    tcase_add_test(similarity_case, test_refnorm_similarity_formula);
    tcase_add_test(similarity_case, test_refnorm_similarity_non_ascii_keys);
    tcase_add_test(similarity_case, test_refnorm_similarity_hidden_number_low);
    tcase_add_test(similarity_case, test_refnorm_similarity_range_and_symmetry);
    suite_add_tcase(s, similarity_case);

    tcase_add_test(sql, test_ref_normalize_sql_values);
    tcase_add_test(sql, test_ref_normalize_sql_null_and_errors);
    tcase_add_test(sql, test_ref_similarity_sql_values);
    tcase_add_test(sql, test_ref_similarity_sql_null_and_errors);
    tcase_add_test(sql, test_refnorm_sql_flags_allow_schema_use);
    suite_add_tcase(s, sql);
    return s;
}
