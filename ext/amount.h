#ifndef RECEIVABLES_AMOUNT_H
#define RECEIVABLES_AMOUNT_H

#include <sqlite3ext.h>

/*
** Money amounts as people and bank exports write them ("$ 1,234.56",
** "1.234,56 EUR", "(120.00)", "120.00-") read into integer minor units.
*/

/* Maximum input length of amount_parse in bytes. Longer text is rejected. */
#define AMOUNT_MAX_INPUT 1000

/* Largest minor_digits amount_parse accepts (CLF and UYW have 4). */
#define AMOUNT_MAX_MINOR_DIGITS 4

/* Outcome of amount_parse. */
enum amount_status {
    AMOUNT_OK,
    AMOUNT_NO_DIGITS,         /* empty, or only signs, symbols and spaces */
    AMOUNT_TOO_LONG,          /* more than AMOUNT_MAX_INPUT bytes */
    AMOUNT_INVALID_UTF8,      /* bytes that are not UTF-8 */
    AMOUNT_UNEXPECTED_CHAR,   /* a character that is no part of an amount */
    AMOUNT_UNKNOWN_CURRENCY,  /* letters and symbols that are no currency */
    AMOUNT_TWO_NUMBERS,       /* digits in two places, e.g. "12 - 34" */
    AMOUNT_TWO_SIGNS,         /* e.g. "-(12)" or "-12-" */
    AMOUNT_TWO_CURRENCIES,    /* e.g. "$12 USD" */
    AMOUNT_UNBALANCED_PARENS, /* "(12", "12)" or ")12(" */
    AMOUNT_AMBIGUOUS,         /* "1,234": decimal or grouping, unknown */
    AMOUNT_BAD_GROUPING,      /* groups not 3 digits, mixed separators */
    AMOUNT_TWO_DECIMALS,      /* the decimal separator appears twice */
    AMOUNT_TOO_PRECISE,       /* non-zero digits beyond minor_digits */
    AMOUNT_OVERFLOW,          /* magnitude above 2^63-1 minor units */
    AMOUNT_INVALID_ARGUMENT,  /* decimal_sep or minor_digits out of range */
    AMOUNT_CURRENCY_DIGITS    /* minor_digits differs from the code's */
};

/* minor_digits of amount_parse that means: the digits of the currency code
** in the text, or AMOUNT_DEFAULT_MINOR_DIGITS when it names none. */
#define AMOUNT_DIGITS_FROM_CURRENCY (-1)

/* Minor digits when the text names no currency code: most ISO 4217
** currencies have 2. */
#define AMOUNT_DEFAULT_MINOR_DIGITS 2

/* Result of amount_parse, beside its status. */
struct amount_parse_result {
    sqlite3_int64 minor; /* the amount in minor units, when AMOUNT_OK */
    char decimal_sep;    /* '.' or ',' as given or inferred, 0 if none */
    int error_offset;    /* byte offset of the offending part, or -1 */
    int error_length;    /* its length in bytes, 0 when error_offset < 0 */
    int minor_digits;    /* the minor digits used, or -1 before they are
                            known */
    int currency_digits; /* minor digits of the code in the text, or -1 when
                            it names no code */
};

/*
** Parses n bytes of an amount into minor units with minor_digits digits
** (0 to AMOUNT_MAX_MINOR_DIGITS) after the decimal separator, or with
** AMOUNT_DIGITS_FROM_CURRENCY, the ISO 4217 digits of the 3-letter code in
** the text ("1234 JPY": 0). A code whose digits differ from a minor_digits
** of 0 or more is AMOUNT_CURRENCY_DIGITS. Symbols never set the digits,
** because one symbol serves several currencies (¥ is JPY and CNY).
**
** decimal_sep is '.' or ','; 0 infers it. With both '.' and ',' present the
** rightmost one is decimal. A single '.' or ',' followed by exactly 3 digits
** after 1 to 3 leading digits ("1,234") is AMOUNT_AMBIGUOUS. Otherwise a
** single '.' or ',' is decimal, and a repeated one groups digits.
**
** Around the digits, amount_parse accepts blanks (ASCII whitespace, U+00A0,
** U+2007, U+2009, U+202F) and at most one sign: '-', '+', U+2212 or
** parentheses for negative, before or after the number. It also accepts at
** most one currency: a 3-letter upper-case code, a symbol such as $ or
** U+20AC, or up to 3 letters and a symbol as in "US$".
** Digit groups are separated by '.', ',', a blank or an apostrophe (' or
** U+2019), one kind per amount, with exactly 3 digits after the first group.
**
** Extra fractional digits are accepted only when they are zeros, so the
** result is never rounded. When the problem sits at one place in the text
** (invalid UTF-8, an unexpected character, a currency, a second number,
** sign or parenthesis) result->error_offset and error_length mark it.
*/
enum amount_status amount_parse(const char *text, int n, char decimal_sep,
                                int minor_digits,
                                struct amount_parse_result *result);

/* Registers parse_amount and currency_digits on db. */
int amount_register(sqlite3 *db);

#endif
