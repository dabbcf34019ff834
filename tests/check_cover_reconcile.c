/*
** Memo shapes the reconcile suites leave out, read by reconcile_memo_parse,
** and the limits of the name and account keys. The memos have IBANs
** without a keyword, dates in every order, amounts with signs and currency
** marks, card numbers, RF and Belgian references with bad check digits or
** odd grouping, and more words, bytes or keys than are read. The rules are in the header of
** ext/reconcile_memo.c; each test works its keys out from them. The
** creditor reference helpers are checked at the limits their callers
** guard.
*/
#include <stdio.h>
#include <string.h>

#include "harness.h"
#include "reconcile.h"

/* Returns 1 when the parsed memo has the key text. */
static int has_key(const struct reconcile_memo *m, const char *text)
{
    int i;

    for (i = 0; i < m->key_count; i++)
        if (strcmp(m->keys[i].text, text) == 0)
            return 1;
    return 0;
}

/* Parses a NUL-terminated memo into *m. */
static void parse(const char *memo, struct reconcile_memo *m)
{
    reconcile_memo_parse(memo, (int)strlen(memo), m);
}

/*
** An IBAN with no keyword before it. ES91 and five groups of 4 make 24
** characters, within 15..34, so all six words are set aside. The invoice
** number still gives F202442 (normalized), F20240042 (as written), and
** its digit runs 2024 and 42; 'Transfer' has no digit and joins nothing,
** since its neighbour is set aside.
*/
START_TEST(test_memo_iban_in_groups)
{
    struct reconcile_memo m;

    parse("Transfer ES91 2100 0418 4502 0005 1332 F-2024-0042", &m);
    ck_assert_int_eq(m.skipped_words, 6);
    ck_assert_int_eq(m.key_count, 4);
    ck_assert(has_key(&m, "F202442"));
    ck_assert(has_key(&m, "F20240042"));
    ck_assert(has_key(&m, "2024"));
    ck_assert(has_key(&m, "42"));
}
END_TEST

/* A compact IBAN of 22 characters is one word set aside. */
START_TEST(test_memo_iban_one_word)
{
    struct reconcile_memo m;

    parse("DE89370400440532013000 paid", &m);
    ck_assert_int_eq(m.skipped_words, 1);
    ck_assert_int_eq(m.key_count, 0);
}
END_TEST

/*
** Words that start like an IBAN but are not IBANs. 'AB12 3456 inv' adds up to
** 11 characters (the group after 'inv' is not taken, as 'inv' has 3), under
** the 15 of the shortest IBAN. 'GB12' followed by 31 more characters is
** 35, over 34. 'ES91 2100-0418' stops at the group with a '-', leaving
** 8 characters. None is set aside, so their digits give keys.
*/
START_TEST(test_memo_iban_too_short_or_long)
{
    struct reconcile_memo m;

    parse("AB12 3456 inv 77", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "3456"));
    ck_assert(has_key(&m, "AB12"));
    ck_assert(has_key(&m, "77"));
    parse("GB12ABCDEFGHIJKLMNOPQRSTUVWXYZ12345", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "GB12ABCDEFGHIJKLMNOPQRSTUVWXYZ12345"));
    parse("ES91 2100-0418", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "21000418"));
    /* 'AB1X' and 'ABC1' have no 2 letters then 2 digits: plain words. */
    parse("AB1X2345678901234567 ABC12345678901234567", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    /* 'AB12' and 9 groups of 4 pass 34 characters: no IBAN, but the 9
    ** digit groups (36 digits) are an account number. */
    parse("AB12 1234 1234 1234 1234 1234 1234 1234 1234 1234", &m);
    ck_assert_int_eq(m.skipped_words, 9);
    ck_assert(has_key(&m, "AB12"));
    ck_assert(!has_key(&m, "1234"));
}
END_TEST

/*
** Dates of three numbers with one separator. Set aside: 2024-03-15 and
** 2024/3/5 (year first, month and day in range), 3.15.24 (month first:
** 15 is no month but 3 is, and 15 a day) and 31.12.99 (day first).
** Kept as words: 2024-13-01 (month 13), 15-03/2024 (two separators),
** 1/2/3/4 (four numbers), 123/4/2024 (a 3-digit first number),
** 12345/1/1 (5 digits), 13/13/2024 (no month either way) and 2024-03
** (two numbers, which some invoice series use). Month 0, day 0, day 32
** and parts of 3 digits where 2 are allowed are no date either (a run of
** zeros is key digit 0: 2024-00-10 gives 2024010).
*/
START_TEST(test_memo_dates_every_order)
{
    struct reconcile_memo m;

    parse("2024-03-15 2024/3/5 3.15.24 31.12.99", &m);
    ck_assert_int_eq(m.skipped_words, 4);
    ck_assert_int_eq(m.key_count, 0);
    parse("2024-13-01", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "2024131"));
    parse("15-03/2024", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "1532024"));
    parse("1/2/3/4", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "1234"));
    parse("123/4/2024 12345/1/1 13/13/2024 2024-03", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "12342024"));
    ck_assert(has_key(&m, "1234511"));
    ck_assert(has_key(&m, "13132024"));
    ck_assert(has_key(&m, "20243"));
    parse("2024-00-10 2024-01-00 2024-01-32 2024-123-1 2024-1-123", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "2024010"));
    ck_assert(has_key(&m, "202410"));
    ck_assert(has_key(&m, "2024132"));
    parse("12/123/2024 1/2/123", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "121232024"));
    ck_assert(has_key(&m, "12123"));
}
END_TEST

/*
** Amounts with 2 decimals, signs and currency marks are set aside:
** -45.00, +12,00, 99,90EUR, the euro sign before and after, $1,234.56,
** 1.234.567,89 and EUR12.00USD (a code on both sides). 1'234.50 splits at
** the apostrophe, a word separator, into '1' (a key) and 234.50 (an
** amount). Not amounts: 12a4.50 (a letter), 1.5 (one decimal), 12.345
** (three) and .12.50 (no digit first). A lone '-' or '--5' is no amount.
*/
START_TEST(test_memo_amounts_signs_and_marks)
{
    struct reconcile_memo m;

    parse("-45.00 +12,00 99,90EUR \xE2\x82\xAC"
          "12.50 12.50\xE2\x82\xAC $1,234.56 1.234.567,89 EUR12.00USD",
          &m);
    ck_assert_int_eq(m.skipped_words, 8);
    ck_assert_int_eq(m.key_count, 0);
    parse("1'234.50", &m);
    ck_assert_int_eq(m.skipped_words, 1);
    ck_assert_int_eq(m.key_count, 1);
    ck_assert(has_key(&m, "1"));
    parse("12a4.50", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "12A450"));
    parse("1.5 12.345 .12.50", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "15"));
    ck_assert(has_key(&m, "12345"));
    ck_assert(has_key(&m, "1250"));
    parse("- --5", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "5"));
}
END_TEST

/*
** Account and card numbers. 4111 1111 1111 1111 is four words of 4
** digits, 16 in all: set aside. 1234 5678 9012 has 12 digits, too few,
** so it stays. 1234 5678 9012 3456 789 ends on a group of 3, which is
** still taken: 19 digits, five words set aside. 1234-5678-9012-3456 is
** one word with 16 digits and dashes; 12345678_901234 has 14 digits but
** an underscore, so it stays and gives keys. 1234/5678.9012/34 has 14
** digits split by '/' and '.': set aside.
*/
START_TEST(test_memo_card_and_account_numbers)
{
    struct reconcile_memo m;

    parse("4111 1111 1111 1111 then 1234 5678 9012", &m);
    ck_assert_int_eq(m.skipped_words, 4);
    ck_assert(!has_key(&m, "4111"));
    ck_assert(has_key(&m, "9012"));
    parse("1234 5678 9012 3456 789", &m);
    ck_assert_int_eq(m.skipped_words, 5);
    ck_assert_int_eq(m.key_count, 0);
    parse("1234-5678-9012-3456 12345678_901234", &m);
    ck_assert_int_eq(m.skipped_words, 1);
    ck_assert(has_key(&m, "12345678901234"));
    ck_assert(!has_key(&m, "3456"));
    parse("1234/5678.9012/34", &m);
    ck_assert_int_eq(m.skipped_words, 1);
    ck_assert_int_eq(m.key_count, 0);
}
END_TEST

/*
** The digit words after an account keyword are set aside, at most 6 of
** them and up to the first word without a digit: after 'CTA', words 1 to
** 6 go and 7 and 8 stay. 'ACCOUNT no 12' stops at 'no'. 'IBAN' before an
** RF reference leaves the reference to be read as one. 'CT~' is no
** keyword, so 123 stays.
*/
START_TEST(test_memo_account_keywords)
{
    struct reconcile_memo m;

    parse("CTA 1 2 3 4 5 6 7 8", &m);
    ck_assert_int_eq(m.skipped_words, 6);
    ck_assert(!has_key(&m, "6"));
    ck_assert(has_key(&m, "7"));
    ck_assert(has_key(&m, "8"));
    parse("ACCOUNT no 12", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "12"));
    parse("IBAN RF18 5390 0754 7034", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert_int_eq(m.refs[0].ref.valid, 1);
    parse("CT~ 123 konto", &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert(has_key(&m, "123"));
}
END_TEST

/*
** RF references (ISO 11649: check = 98 - (payload + 'RF00', letters as
** 10..35) mod 97). 'RF19 5390 0754 7034' has a wrong check (18 is right):
** it is kept as one invalid reference over its four words, whose span
** also gives its plain keys, ref_normalize form (zeros cut per group)
** and characters as written, for an invoice numbered like it.
** 'RF18' then 8 groups of 1234: the 8th ends 44 bytes from 'RF', past the
** 40 a reference may span, and 6 and 7 groups have a payload over 21
** characters. 1 to 5 groups need 54, 19, 92, 70 and 66, so the longest,
** 5 groups, is kept as invalid and the other three groups stay words. 'RF19' then the same groups is valid with 2 groups (19), so
** that grouping wins over the longer invalid ones.
*/
START_TEST(test_memo_rf_invalid_and_regrouped)
{
    struct reconcile_memo m;

    parse("RF19 5390 0754 7034", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert_int_eq(m.refs[0].ref.valid, 0);
    ck_assert_str_eq(m.refs[0].ref.payload, "539007547034");
    ck_assert_int_eq(m.refs[0].start, 0);
    ck_assert_int_eq(m.refs[0].end, 19);
    ck_assert_int_eq(m.key_count, 2);
    ck_assert(has_key(&m, "RF1953907547034"));
    ck_assert(has_key(&m, "RF19539007547034"));
    parse("RF18 1234 1234 1234 1234 1234 1234 1234 1234", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert_int_eq(m.refs[0].ref.valid, 0);
    ck_assert_str_eq(m.refs[0].ref.payload, "12341234123412341234");
    ck_assert_int_eq(m.refs[0].end, 29);
    ck_assert(has_key(&m, "1234"));
    parse("RF19 1234 1234 1234 1234 1234", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert_int_eq(m.refs[0].ref.valid, 1);
    ck_assert_str_eq(m.refs[0].ref.payload, "12341234");
    ck_assert_int_eq(m.refs[0].end, 14);
}
END_TEST

/*
** Words that are no RF reference: 'RF18' alone has no payload, 'RF18
** 53-90' stops at a group with a '-', 'RF18 53900' at a group of 5, and
** 'RFAB', 'RF1A' and 'RX18' lack the 'RF' and 2 digits. Five copies of a
** valid reference keep only the first 4 (RECONCILE_MEMO_MAX_REFS).
*/
START_TEST(test_memo_rf_shapes_rejected)
{
    struct reconcile_memo m;

    parse("RF18", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("RF18 53-90", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("RF18 53900", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("RFAB1234 RF1A2345 RX18539007547034", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("RF18539007547034 RF18539007547034 RF18539007547034 "
          "RF18539007547034 RF18539007547034",
          &m);
    ck_assert_int_eq(m.ref_count, 4);
}
END_TEST

/*
** Belgian structured communications: 090/9337/55493 has the check 93 =
** 0909337554 mod 97, with '***' as well as '+++'. Its span gives the
** plain keys 90933755493 (leading zero cut) and 090933755493. 55494 is a wrong check:
** kept as invalid. Two '+' only, a missing closing mark, or 15 digits
** between the marks give no reference. A word that starts before the
** opening marks ('x+++...') or ends after the closing ones is not inside
** the span and stays a word. Closing marks more than 30 bytes after the
** opening ones are not looked for, and '++-' is no closing mark.
*/
START_TEST(test_memo_belgian_shapes)
{
    struct reconcile_memo m;

    parse("***090/9337/55493***", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert_int_eq(m.refs[0].ref.valid, 1);
    ck_assert_int_eq(m.key_count, 2);
    ck_assert(has_key(&m, "90933755493"));
    ck_assert(has_key(&m, "090933755493"));
    parse("+++090/9337/55494+++", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert_int_eq(m.refs[0].ref.valid, 0);
    ck_assert_str_eq(m.refs[0].ref.payload, "0909337554");
    parse("++090/9337/55493++", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("+++090/9337/55493 paid", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("+++123456789012345+++", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("x+++090/9337/55493+++", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert(has_key(&m, "X90933755493"));
    parse("+++090/9337/55493+++x", &m);
    ck_assert_int_eq(m.ref_count, 1);
    ck_assert(has_key(&m, "90933755493X"));
    parse("+++0909337554930000000000000000000000000+++", &m);
    ck_assert_int_eq(m.ref_count, 0);
    parse("+++090/9337/55493++-+++", &m);
    ck_assert_int_eq(m.ref_count, 0);
}
END_TEST

/*
** Word splitting at its edges. A ',' at the start, or after a digit but
** before a letter, or after a letter, or at the end, splits. A memo ending in separators gives
** no empty word. Words past the 128th, and bytes past the 512th, are not
** read.
*/
START_TEST(test_memo_split_edges)
{
    struct reconcile_memo m;
    char memo[700];
    int i;

    parse(",F-7 12,a 34, ;;", &m);
    ck_assert(has_key(&m, "F7"));
    ck_assert(has_key(&m, "12"));
    ck_assert(has_key(&m, "34"));
    parse("a,1 F-1 34,", &m);
    ck_assert(has_key(&m, "1"));
    ck_assert(has_key(&m, "34"));
    memo[0] = '\0';
    for (i = 0; i < 128; i++)
        strcat(memo, "a ");
    strcat(memo, "F-99");
    parse(memo, &m);
    ck_assert_int_eq(m.key_count, 0);
    memset(memo, 'x', 520);
    strcpy(memo + 520, " F-2024-0042");
    parse(memo, &m);
    ck_assert_int_eq(m.key_count, 0);
}
END_TEST

/*
** Words too long for a key. 300 digits is a long number, set aside (and
** its digit count, kept in a byte, stops at 255). 'A' and 45 digits is no
** number but every key of it is over 40 characters, so it gives none.
*/
START_TEST(test_memo_words_too_long)
{
    struct reconcile_memo m;
    char memo[400];

    memset(memo, '7', 300);
    memo[300] = '\0';
    parse(memo, &m);
    ck_assert_int_eq(m.skipped_words, 1);
    ck_assert_int_eq(m.key_count, 0);
    memo[0] = 'A';
    memset(memo + 1, '5', 45);
    memo[46] = '\0';
    parse(memo, &m);
    ck_assert_int_eq(m.skipped_words, 0);
    ck_assert_int_eq(m.key_count, 0);
}
END_TEST

/*
** Memo bytes beyond ASCII. 'Factura№123': the '№' separates and
** FACTURA is a document word, so the normalized key is 123, and the word
** has no as-written key because of the non-ASCII bytes. A word with
** invalid UTF-8 ('F', 0xFF, '123') gives no key at all, not even its
** digit run, as reconcile.h promises.
*/
START_TEST(test_memo_non_ascii_words)
{
    struct reconcile_memo m;

    parse("Factura\xE2\x84\x96"
          "123",
          &m);
    ck_assert_int_eq(m.key_count, 1);
    ck_assert(has_key(&m, "123"));
    parse("F\xFF"
          "123",
          &m);
    ck_assert_int_eq(m.key_count, 0);
}
END_TEST

/*
** Digit runs: 'F-000' has the run of zeros only, which is key '0', next
** to F0 (normalized) and F000 (as written). '12AB' ends in letters.
*/
START_TEST(test_memo_zero_runs)
{
    struct reconcile_memo m;

    parse("F-000", &m);
    ck_assert(has_key(&m, "0"));
    ck_assert(has_key(&m, "F0"));
    ck_assert(has_key(&m, "F000"));
    ck_assert_int_eq(m.key_count, 3);
    parse("12AB", &m);
    ck_assert(has_key(&m, "12AB"));
    ck_assert(has_key(&m, "12"));
    ck_assert_int_eq(m.key_count, 2);
}
END_TEST

/*
** A list of 60 numbers 101..160 gives each number, each pair and each
** triple as a key, far more than 96: the list stops at 96 keys.
*/
START_TEST(test_memo_key_limit)
{
    struct reconcile_memo m;
    char memo[400];
    int i;

    memo[0] = '\0';
    for (i = 101; i <= 160; i++)
        sprintf(memo + strlen(memo), "%d ", i);
    parse(memo, &m);
    ck_assert_int_eq(m.key_count, RECONCILE_MEMO_MAX_KEYS);
}
END_TEST

/* No memo, or an empty one, has no keys; text without a reference shape
** in structured_ref adds no reference. */
START_TEST(test_memo_empty_and_bad_structured)
{
    struct reconcile_memo m;

    reconcile_memo_parse(NULL, 5, &m);
    ck_assert_int_eq(m.key_count, 0);
    reconcile_memo_parse("F-1", 0, &m);
    ck_assert_int_eq(m.key_count, 0);
    reconcile_memo_add_structured(&m, NULL, 4);
    reconcile_memo_add_structured(&m, "", 0);
    reconcile_memo_add_structured(&m, "see invoice", 11);
    ck_assert_int_eq(m.ref_count, 0);
}
END_TEST

/*
** Name and account keys at their size limits. With room for 8 bytes
** (7 and the NUL), 'Acme Trading' becomes 'ACME TR'; with 6, only 'ACME'
** fits, as a second word needs a blank and a byte. A word that is not
** valid UTF-8 is dropped. A name over 512 bytes is read to byte 512.
** The account key stops at cap - 1 characters.
*/
START_TEST(test_name_and_account_key_limits)
{
    char key[130];
    char name[700];

    ck_assert_int_eq(reconcile_name_key("Acme Trading", 12, key, 8), 7);
    ck_assert_str_eq(key, "ACME TR");
    ck_assert_int_eq(reconcile_name_key("Acme Trading", 12, key, 6), 4);
    ck_assert_str_eq(key, "ACME");
    ck_assert_int_eq(reconcile_name_key("Acme", 4, key, 0), 0);
    ck_assert_int_eq(
        reconcile_name_key("Acme \xFF\xFE Trading", 15, key, sizeof(key)),
        12);
    ck_assert_str_eq(key, "ACME TRADING");
    memset(name, ' ', 600);
    memcpy(name, "Acme", 4);
    memcpy(name + 510, "Zeta", 4);
    ck_assert_int_eq(reconcile_name_key(name, 600, key, sizeof(key)), 7);
    ck_assert_str_eq(key, "ACME ZE");
    ck_assert_int_eq(reconcile_account_key("DE89 3704", 9, key, 0), 0);
    ck_assert_int_eq(reconcile_account_key("DE89 3704", 9, key, 5), 4);
    ck_assert_str_eq(key, "DE89");
}
END_TEST

/* reconcile_normalize rejects an empty text and a result over cap. */
START_TEST(test_normalize_limits)
{
    char out[64];

    ck_assert_int_eq(reconcile_normalize("F-1", 0, out, sizeof(out)), -1);
    ck_assert_int_eq(reconcile_normalize("F-2024-0042", 11, out, 3), -1);
    ck_assert_int_eq(reconcile_normalize("F-2024-0042", 11, out, 7), 7);
    ck_assert_int_eq(memcmp(out, "F202442", 7), 0);
}
END_TEST

/*
** The check digit helpers reject what make_rf, make_finnish and
** make_belgian check before calling them: an RF payload of 0 or 22
** characters or with a character other than a letter or digit ('-', '~'),
** a Finnish base of 2 or 20 digits or with a letter, a Belgian base with a
** letter. A lower-case RF payload has the check of its upper case:
** F2024 + RF00 gives 98 - 90 = 08.
*/
START_TEST(test_creditor_check_digit_helpers)
{
    char check[3];

    ck_assert_int_eq(creditor_ref_rf_check_digits("", 0, check), 0);
    ck_assert_int_eq(
        creditor_ref_rf_check_digits("1234567890123456789012", 22, check), 0);
    ck_assert_int_eq(creditor_ref_rf_check_digits("12-3", 4, check), 0);
    ck_assert_int_eq(creditor_ref_rf_check_digits("a~", 2, check), 0);
    ck_assert_int_eq(creditor_ref_rf_check_digits("f2024", 5, check), 1);
    ck_assert_str_eq(check, "08");
    ck_assert_int_eq(creditor_ref_fi_check_digit("12", 2), -1);
    ck_assert_int_eq(creditor_ref_fi_check_digit("12345678901234567890", 20),
                     -1);
    ck_assert_int_eq(creditor_ref_fi_check_digit("12a4", 4), -1);
    ck_assert_int_eq(creditor_ref_be_check("12345abcde"), -1);
}
END_TEST

/*
** Text that is no reference: '{' is neither a letter, a digit nor one of
** + * /. 'RFA1234' and 'RF1A234' lack the two check digits, and
** 'RF18+123' has a '+' in its payload. 3 bare digits are too few for a
** Finnish reference and 21 too many. Payloads creditor_ref_make rejects
** name the problem and the payload.
*/
START_TEST(test_creditor_ref_rejected_text)
{
    sqlite3 *db = harness_open();

    expect_sql(db,
               "SELECT creditor_ref_valid('RF18{5390'),"
               " creditor_ref_valid('RFA1234'), creditor_ref_valid('RF1A234'),"
               " creditor_ref_valid('123'), creditor_ref_valid('RF18+123'),"
               " creditor_ref_valid('123456789012345678901')",
               "0|0|0|0|0|0");
    expect_sql_error(db, "SELECT creditor_ref_make('be', '')",
                     "creditor_ref_make: payload '' is not 1 to 10 digits");
    expect_sql_error(db, "SELECT creditor_ref_make('be', '12a')",
                     "creditor_ref_make: payload '12a' is not 1 to 10 digits");
    expect_sql_error(db, "SELECT creditor_ref_make('fi', '12a4')",
                     "creditor_ref_make: payload '12a4' is not 3 to 19 digits");
    expect_sql_error(
        db, "SELECT creditor_ref_make('fi', '12345678901234567890')",
        "creditor_ref_make: payload '12345678901234567890' is not 3 to 19"
        " digits");
    sqlite3_close(db);
}
END_TEST

Suite *cover_reconcile_suite(void)
{
    Suite *s = suite_create("cover_reconcile");
    TCase *memo = tcase_create("memo");
    TCase *creditor = tcase_create("creditor");

    tcase_add_test(memo, test_memo_iban_in_groups);
    tcase_add_test(memo, test_memo_iban_one_word);
    tcase_add_test(memo, test_memo_iban_too_short_or_long);
    tcase_add_test(memo, test_memo_dates_every_order);
    tcase_add_test(memo, test_memo_amounts_signs_and_marks);
    tcase_add_test(memo, test_memo_card_and_account_numbers);
    tcase_add_test(memo, test_memo_account_keywords);
    tcase_add_test(memo, test_memo_rf_invalid_and_regrouped);
    tcase_add_test(memo, test_memo_rf_shapes_rejected);
    tcase_add_test(memo, test_memo_belgian_shapes);
    tcase_add_test(memo, test_memo_split_edges);
    tcase_add_test(memo, test_memo_words_too_long);
    tcase_add_test(memo, test_memo_non_ascii_words);
    tcase_add_test(memo, test_memo_zero_runs);
    tcase_add_test(memo, test_memo_key_limit);
    tcase_add_test(memo, test_memo_empty_and_bad_structured);
    tcase_add_test(memo, test_name_and_account_key_limits);
    tcase_add_test(memo, test_normalize_limits);
    suite_add_tcase(s, memo);
    tcase_add_test(creditor, test_creditor_check_digit_helpers);
    tcase_add_test(creditor, test_creditor_ref_rejected_text);
    suite_add_tcase(s, creditor);
    return s;
}
