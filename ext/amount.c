/*
** Money amounts as people, spreadsheets and bank exports write them, read
** into INTEGER minor units; and the ISO 4217 minor digits of a currency.
**
** Usage:
**   SELECT parse_amount('$ 1,234.56');                -- 123456
**   SELECT parse_amount('1.234,56', ',');             -- 123456
**   SELECT parse_amount('(120.00)');                  -- -12000
**   SELECT parse_amount('120.00-');                   -- -12000
**   SELECT parse_amount('-12,5 EUR', ',');            -- -1250
**   SELECT parse_amount('1''234.50 CHF');             -- 123450
**   SELECT parse_amount('1,234', '.', 0);             -- 1234
**   SELECT parse_amount('JPY 1,500');                 -- 1500
**   SELECT parse_amount('¥1,500', '.', currency_digits('JPY')); -- 1500
**   SELECT currency_digits('KWD');                    -- 3
**
** SQL signatures:
**   parse_amount(text [, decimal_separator [, minor_digits]]) -> INTEGER
**     decimal_separator is '.' or ','; omitted or NULL infers it as
**     amount_parse in amount.h describes ('1,234' alone is an error).
**     minor_digits is 0 to 4. Omitted or NULL, it is the ISO 4217 digits
**     of a 3-letter code in the text ('1234 JPY' gives 1234), else 2. A
**     code whose digits differ from a given minor_digits is an error
**     ('1234 EUR' with 0). NULL text gives NULL. A REAL is an error: pass
**     the amount as text, because a double has lost digits beyond about
**     15 significant ones (12345678901234.56 reads as 12345678901234.6).
**   currency_digits(code) -> INTEGER, the ISO 4217 minor-unit digits of an
**     upper-case 3-letter code (2 for codes without an exception). NULL
**     gives NULL.
**
** LIMITS
**   - Input up to 1000 bytes; amounts up to 2^63-1 minor units either side
**     of zero (-2^63 is rejected).
**   - A symbol does not set minor_digits, because one symbol serves several
**     currencies (¥ is JPY and CNY, $ is USD, CAD and others): '¥1,234'
**     gives 123400. Pass currency_digits('JPY') for yen, or write the
**     code: '1,234 JPY'.
**   - Currencies are 3 upper-case letters or a symbol ($, £, ¥, U+20A0 to
**     U+20C0, optionally after up to 3 letters as in 'US$'). Lower-case
**     codes, 'kr', 'zł', 'Fr.' and currency names are rejected.
**   - Indian grouping ('1,23,456.00') is rejected as invalid grouping.
**   - No exponents ('1e5'), no 'CR'/'DR' markers, no '12,-'.
*/
#include <stddef.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "amount.h"
#include "currency.h"
#include "dates.h" /* text_utf8_decode, text_excerpt, text_result_errorf */

/* Kinds of character that may appear in an amount. */
enum amount_char {
    AMOUNT_CHAR_DIGIT,
    AMOUNT_CHAR_POINT,       /* '.' */
    AMOUNT_CHAR_COMMA,       /* ',' */
    AMOUNT_CHAR_GROUP_SPACE, /* space, U+00A0, U+2007, U+2009, U+202F */
    AMOUNT_CHAR_APOSTROPHE,  /* ' or U+2019, Swiss grouping */
    AMOUNT_CHAR_WHITESPACE,  /* tab, newline and other ASCII whitespace */
    AMOUNT_CHAR_MINUS,       /* '-' or U+2212 */
    AMOUNT_CHAR_PLUS,
    AMOUNT_CHAR_OPEN,  /* '(' */
    AMOUNT_CHAR_CLOSE, /* ')' */
    AMOUNT_CHAR_LETTER,
    AMOUNT_CHAR_SYMBOL, /* a currency symbol */
    AMOUNT_CHAR_OTHER
};

/* Result of the first pass over the text. */
struct amount_scan {
    const unsigned char *text; /* the input, borrowed */
    int n;                     /* its length in bytes */
    int number_start;          /* byte offset of the number, -1 if none */
    int number_end;            /* byte offset just after it */
    int signs;                 /* sign marks seen, a '(' counts as one */
    int negative;              /* 1 for '-', U+2212 or parentheses */
    int open_at;               /* byte offset of '(', -1 if none */
    int close_at;              /* byte offset of ')', -1 if none */
    int currencies;            /* currency codes or symbols seen */
    int code_offset;           /* byte offset of a 3-letter code, -1 if none */
    int error_offset;          /* where a scan error sits, -1 if none */
    int error_length;          /* its length in bytes */
};

static enum amount_char classify_code_point(int code_point)
{
    if (code_point >= '0' && code_point <= '9')
        return AMOUNT_CHAR_DIGIT;
    if (code_point >= 'A' && code_point <= 'Z')
        return AMOUNT_CHAR_LETTER;
    if ((code_point >= 0xA2 && code_point <= 0xA5) ||
        (code_point >= 0x20A0 && code_point <= 0x20C0))
        return AMOUNT_CHAR_SYMBOL; /* cent to yen, Currency Symbols block */
    if (code_point >= '\t' && code_point <= '\r')
        return AMOUNT_CHAR_WHITESPACE;
    switch (code_point) {
    case '.':
        return AMOUNT_CHAR_POINT;
    case ',':
        return AMOUNT_CHAR_COMMA;
    case ' ':
    case 0xA0:
    case 0x2007:
    case 0x2009:
    case 0x202F:
        return AMOUNT_CHAR_GROUP_SPACE;
    case '\'':
    case 0x2019:
        return AMOUNT_CHAR_APOSTROPHE;
    case '-':
    case 0x2212:
        return AMOUNT_CHAR_MINUS;
    case '+':
        return AMOUNT_CHAR_PLUS;
    case '(':
        return AMOUNT_CHAR_OPEN;
    case ')':
        return AMOUNT_CHAR_CLOSE;
    case '$':
        return AMOUNT_CHAR_SYMBOL;
    default:
        return AMOUNT_CHAR_OTHER;
    }
}

/*
** Classifies the character at byte offset at into *kind_out. Returns its
** length in bytes, or 0 past the end or on invalid UTF-8.
*/
static int char_at(const struct amount_scan *scan, int at,
                   enum amount_char *kind_out)
{
    int code_point = 0;
    int len;

    if (at >= scan->n)
        return 0;
    len = text_utf8_decode(scan->text + at, scan->n - at, &code_point);
    if (len > 0)
        *kind_out = classify_code_point(code_point);
    return len;
}

/* Returns 1 when the character at byte offset at is an ASCII digit. */
static int digit_at(const struct amount_scan *scan, int at)
{
    return at < scan->n && scan->text[at] >= '0' && scan->text[at] <= '9';
}

static int is_group_or_decimal(enum amount_char kind)
{
    return kind == AMOUNT_CHAR_POINT || kind == AMOUNT_CHAR_COMMA ||
           kind == AMOUNT_CHAR_GROUP_SPACE || kind == AMOUNT_CHAR_APOSTROPHE;
}

/* Records a scan error at [at, at + len) and returns status. */
static enum amount_status scan_error(struct amount_scan *scan,
                                     enum amount_status status, int at, int len)
{
    scan->error_offset = at;
    scan->error_length = len;
    return status;
}

/*
** Takes the number starting at *at: digits, and separators that have a
** digit right after them. Only '.' or ',' may come before the first digit
** (".50"). Advances *at past the number.
*/
static void take_number(struct amount_scan *scan, int *at)
{
    int pos = *at;

    while (pos < scan->n) {
        enum amount_char kind = AMOUNT_CHAR_OTHER;
        int len = char_at(scan, pos, &kind);

        if (len == 0)
            break;
        if (kind != AMOUNT_CHAR_DIGIT) {
            int leading = pos == *at && kind != AMOUNT_CHAR_POINT &&
                          kind != AMOUNT_CHAR_COMMA;
            if (!is_group_or_decimal(kind) || leading ||
                !digit_at(scan, pos + len))
                break;
        }
        pos += len;
    }
    scan->number_start = *at;
    scan->number_end = pos;
    *at = pos;
}

/*
** Takes the run of letters and currency symbols at *at. It is a currency
** when it is 3 letters, or one symbol after at most 3 letters ("US$").
*/
static enum amount_status take_currency(struct amount_scan *scan, int *at)
{
    int pos = *at;
    int letters = 0;
    int symbols = 0;
    int letter_after_symbol = 0;
    int valid;

    for (;;) {
        enum amount_char kind = AMOUNT_CHAR_OTHER;
        int len = char_at(scan, pos, &kind);

        if (len == 0 ||
            (kind != AMOUNT_CHAR_LETTER && kind != AMOUNT_CHAR_SYMBOL))
            break;
        if (kind == AMOUNT_CHAR_SYMBOL)
            symbols++;
        else if (symbols > 0)
            letter_after_symbol = 1;
        else
            letters++;
        pos += len;
    }
    if (symbols == 0)
        valid = letters == 3;
    else
        valid = symbols == 1 && letters <= 3 && !letter_after_symbol;
    if (!valid)
        return scan_error(scan, AMOUNT_UNKNOWN_CURRENCY, *at, pos - *at);
    if (++scan->currencies > 1)
        return scan_error(scan, AMOUNT_TWO_CURRENCIES, *at, pos - *at);
    if (symbols == 0)
        scan->code_offset = *at;
    *at = pos;
    return AMOUNT_OK;
}

/* Takes a sign or parenthesis of kind at byte offset at. */
static enum amount_status take_sign(struct amount_scan *scan,
                                    enum amount_char kind, int at, int len)
{
    if (kind == AMOUNT_CHAR_CLOSE) {
        if (scan->open_at < 0 || scan->close_at >= 0 || scan->number_end < 0)
            return scan_error(scan, AMOUNT_UNBALANCED_PARENS, at, len);
        scan->close_at = at;
        return AMOUNT_OK;
    }
    if (kind == AMOUNT_CHAR_OPEN) {
        if (scan->open_at >= 0 || scan->number_start >= 0)
            return scan_error(scan, AMOUNT_UNBALANCED_PARENS, at, len);
        scan->open_at = at;
    }
    if (++scan->signs > 1)
        return scan_error(scan, AMOUNT_TWO_SIGNS, at, len);
    scan->negative = kind != AMOUNT_CHAR_PLUS;
    return AMOUNT_OK;
}

/*
** Finds the one number, the sign and the currency in the text, and rejects
** everything else.
*/
static enum amount_status scan_amount(struct amount_scan *scan)
{
    int at = 0;

    while (at < scan->n) {
        enum amount_char kind = AMOUNT_CHAR_OTHER;
        enum amount_status status = AMOUNT_OK;
        int len = char_at(scan, at, &kind);
        int starts_number =
            kind == AMOUNT_CHAR_DIGIT ||
            ((kind == AMOUNT_CHAR_POINT || kind == AMOUNT_CHAR_COMMA) &&
             digit_at(scan, at + len));

        if (len == 0)
            return scan_error(scan, AMOUNT_INVALID_UTF8, at, 1);
        if (starts_number) {
            if (scan->number_start >= 0)
                return scan_error(scan, AMOUNT_TWO_NUMBERS, at, len);
            take_number(scan, &at);
            continue;
        }
        if (kind == AMOUNT_CHAR_LETTER || kind == AMOUNT_CHAR_SYMBOL) {
            status = take_currency(scan, &at);
            if (status != AMOUNT_OK)
                return status;
            continue;
        }
        if (kind == AMOUNT_CHAR_MINUS || kind == AMOUNT_CHAR_PLUS ||
            kind == AMOUNT_CHAR_OPEN || kind == AMOUNT_CHAR_CLOSE)
            status = take_sign(scan, kind, at, len);
        else if (kind != AMOUNT_CHAR_WHITESPACE &&
                 kind != AMOUNT_CHAR_GROUP_SPACE)
            status = scan_error(scan, AMOUNT_UNEXPECTED_CHAR, at, len);
        if (status != AMOUNT_OK)
            return status;
        at += len;
    }
    if (scan->open_at >= 0 && scan->close_at < 0)
        return scan_error(scan, AMOUNT_UNBALANCED_PARENS, scan->open_at, 1);
    if (scan->number_start < 0)
        return AMOUNT_NO_DIGITS;
    return AMOUNT_OK;
}

/* The '.' and ',' marks of a number, for inferring the decimal separator. */
struct mark_survey {
    int points;             /* '.' in the number */
    int commas;             /* ',' in the number */
    char last_mark;         /* the rightmost '.' or ',', 0 if none */
    int other_groups;       /* 1 when blanks or apostrophes group digits */
    int digits_before_mark; /* digits right before last_mark */
    int digits_after_mark;  /* digits right after last_mark */
    int leading_zero;       /* 1 when the run before last_mark starts '0' */
};

static void survey_marks(const struct amount_scan *scan,
                         struct mark_survey *survey)
{
    int run = 0;
    int at;

    survey->points = survey->commas = survey->other_groups = 0;
    survey->last_mark = 0;
    survey->digits_before_mark = survey->digits_after_mark = 0;
    survey->leading_zero = 0;
    for (at = scan->number_start; at < scan->number_end;) {
        enum amount_char kind = AMOUNT_CHAR_OTHER;
        int len = char_at(scan, at, &kind);

        if (kind == AMOUNT_CHAR_DIGIT) {
            run++;
        } else if (kind == AMOUNT_CHAR_POINT || kind == AMOUNT_CHAR_COMMA) {
            survey->points += kind == AMOUNT_CHAR_POINT;
            survey->commas += kind == AMOUNT_CHAR_COMMA;
            survey->last_mark = (char)scan->text[at];
            survey->digits_before_mark = run;
            survey->leading_zero = run > 0 && scan->text[at - run] == '0';
            run = 0;
        } else {
            survey->other_groups = 1;
            run = 0;
        }
        at += len;
        if (survey->last_mark != 0 && kind == AMOUNT_CHAR_DIGIT)
            survey->digits_after_mark = run;
    }
}

/*
** Sets *decimal_out to the decimal separator of the number: given when it is
** not 0, else inferred as amount_parse in amount.h describes.
*/
static enum amount_status choose_decimal(const struct amount_scan *scan,
                                         char given, char *decimal_out)
{
    struct mark_survey survey;

    *decimal_out = given;
    if (given != 0)
        return AMOUNT_OK;
    survey_marks(scan, &survey);
    if (survey.points > 0 && survey.commas > 0) {
        *decimal_out = survey.last_mark;
        return AMOUNT_OK;
    }
    if (survey.points + survey.commas != 1)
        return AMOUNT_OK; /* none, or a repeated mark that groups digits */
    *decimal_out = survey.last_mark;
    /* "1,234" reads as 1234 or as 1.234: only 3 digits after a single mark,
    ** after 1 to 3 digits without a leading zero, can be either. */
    if (survey.digits_after_mark == 3 && !survey.other_groups &&
        survey.digits_before_mark >= 1 && survey.digits_before_mark <= 3 &&
        !survey.leading_zero)
        return AMOUNT_AMBIGUOUS;
    return AMOUNT_OK;
}

/*
** Checks the digit grouping of the number against decimal (0: no decimal
** part) and writes it to out as "[-]digits[.digits]" for
** currency_parse_decimal. out has room for AMOUNT_MAX_INPUT + 2 bytes.
** Stores the length in *out_len and the fractional digit count in
** *fraction_out.
*/
static enum amount_status normalize_number(const struct amount_scan *scan,
                                           char decimal, char *out,
                                           int *out_len, int *fraction_out)
{
    enum amount_char group_kind = AMOUNT_CHAR_OTHER; /* none seen yet */
    int seen_decimal = 0;
    int groups = 0; /* separators seen before the decimal */
    int run = 0;    /* digits since the last separator */
    int len = 0;
    int at;

    if (scan->negative)
        out[len++] = '-';
    for (at = scan->number_start; at < scan->number_end;) {
        enum amount_char kind = AMOUNT_CHAR_OTHER;
        int step = char_at(scan, at, &kind);
        char c = (char)scan->text[at];

        at += step;
        if (kind == AMOUNT_CHAR_DIGIT) {
            out[len++] = c;
            run++;
            continue;
        }
        if (seen_decimal)
            return c == decimal ? AMOUNT_TWO_DECIMALS : AMOUNT_BAD_GROUPING;
        if (c == decimal) {
            /* The group before the decimal has 3 digits like the others. */
            if (groups > 0 && run != 3)
                return AMOUNT_BAD_GROUPING;
            out[len++] = '.';
            seen_decimal = 1;
            run = 0;
            continue;
        }
        /* The first group has 1 to 3 digits, every later one exactly 3. */
        if (run < 1 || run > 3 || (groups > 0 && run != 3))
            return AMOUNT_BAD_GROUPING;
        if (group_kind != AMOUNT_CHAR_OTHER && kind != group_kind)
            return AMOUNT_BAD_GROUPING;
        group_kind = kind;
        groups++;
        run = 0;
    }
    if (!seen_decimal && groups > 0 && run != 3)
        return AMOUNT_BAD_GROUPING;
    *fraction_out = seen_decimal ? run : 0;
    *out_len = len;
    return AMOUNT_OK;
}

/* Returns 1 when a digit other than '0' sits beyond minor_digits in the
** fraction of a normalized number. */
static int has_excess_precision(const char *number, int len, int fraction,
                                int minor_digits)
{
    int i;

    for (i = len - fraction + minor_digits; i < len; i++)
        if (number[i] != '0')
            return 1;
    return 0;
}

static void scan_init(struct amount_scan *scan, const char *text, int n)
{
    scan->text = (const unsigned char *)text;
    scan->n = n;
    scan->number_start = scan->number_end = -1;
    scan->signs = scan->negative = scan->currencies = 0;
    scan->open_at = scan->close_at = -1;
    scan->code_offset = -1;
    scan->error_offset = -1;
    scan->error_length = 0;
}

static void reset_result(struct amount_parse_result *result)
{
    result->minor = 0;
    result->decimal_sep = 0;
    result->error_offset = -1;
    result->error_length = 0;
    result->minor_digits = -1;
    result->currency_digits = -1;
}

/*
** Sets result->minor_digits from the requested minor_digits and the code
** the scan found (result->currency_digits). Returns AMOUNT_CURRENCY_DIGITS,
** with the code marked, when both are given and differ.
*/
static enum amount_status
choose_minor_digits(const struct amount_scan *scan, int minor_digits,
                    struct amount_parse_result *result)
{
    char code[4];

    if (scan->code_offset >= 0) {
        memcpy(code, scan->text + scan->code_offset, 3);
        code[3] = '\0';
        result->currency_digits = currency_minor_digits(code);
    }
    if (minor_digits == AMOUNT_DIGITS_FROM_CURRENCY)
        minor_digits = result->currency_digits >= 0
                           ? result->currency_digits
                           : AMOUNT_DEFAULT_MINOR_DIGITS;
    result->minor_digits = minor_digits;
    if (result->currency_digits >= 0 &&
        result->currency_digits != minor_digits) {
        result->error_offset = scan->code_offset;
        result->error_length = 3;
        return AMOUNT_CURRENCY_DIGITS;
    }
    return AMOUNT_OK;
}

enum amount_status amount_parse(const char *text, int n, char decimal_sep,
                                int minor_digits,
                                struct amount_parse_result *result)
{
    struct amount_scan scan;
    char number[AMOUNT_MAX_INPUT + 2]; /* sign, digits and '.' */
    int number_len = 0;
    int fraction = 0;
    enum amount_status status;

    reset_result(result);
    if ((decimal_sep != 0 && decimal_sep != '.' && decimal_sep != ',') ||
        minor_digits < AMOUNT_DIGITS_FROM_CURRENCY ||
        minor_digits > AMOUNT_MAX_MINOR_DIGITS)
        return AMOUNT_INVALID_ARGUMENT;
    if (n > AMOUNT_MAX_INPUT)
        return AMOUNT_TOO_LONG;
    scan_init(&scan, text, n);
    status = scan_amount(&scan);
    if (status != AMOUNT_OK) {
        result->error_offset = scan.error_offset;
        result->error_length = scan.error_offset < 0 ? 0 : scan.error_length;
        return status;
    }
    status = choose_minor_digits(&scan, minor_digits, result);
    if (status != AMOUNT_OK)
        return status;
    minor_digits = result->minor_digits;
    status = choose_decimal(&scan, decimal_sep, &result->decimal_sep);
    if (status == AMOUNT_OK)
        status = normalize_number(&scan, result->decimal_sep, number,
                                  &number_len, &fraction);
    if (status != AMOUNT_OK)
        return status;
    if (has_excess_precision(number, number_len, fraction, minor_digits))
        return AMOUNT_TOO_PRECISE;
    /* Shape and precision are checked above, so failure means overflow. */
    if (!currency_parse_decimal(number, number_len, '.', minor_digits,
                                &result->minor))
        return AMOUNT_OVERFLOW;
    return AMOUNT_OK;
}

/* Sets the parse_amount error for a status about the digits themselves. */
static void parse_amount_number_error(sqlite3_context *ctx,
                                      enum amount_status status,
                                      const char *value,
                                      const struct amount_parse_result *result,
                                      int minor_digits)
{
    char decimal = result->decimal_sep;

    if (status == AMOUNT_BAD_GROUPING && decimal != 0)
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has invalid digit grouping for decimal separator '%c'; use one group separator and 3 digits per group, e.g. '1,234,567.89'",
            value, decimal);
    else if (status == AMOUNT_BAD_GROUPING)
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has invalid digit grouping; use one group separator and 3 digits per group, e.g. '1,234,567'",
            value);
    else if (status == AMOUNT_TWO_DECIMALS)
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has more than one decimal separator '%c'; pass the other separator if '%c' groups digits",
            value, decimal, decimal);
    else if (status == AMOUNT_TOO_PRECISE)
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has more than %d digits after the decimal separator; round it first or pass a larger minor_digits (up to %d)",
            value, minor_digits, AMOUNT_MAX_MINOR_DIGITS);
    else if (status == AMOUNT_OVERFLOW)
        text_result_errorf(
            ctx,
            "parse_amount: '%s' is too large for a 64-bit integer of minor units; check the value and minor_digits",
            value);
    else
        text_result_errorf(ctx,
                           "parse_amount: '%s' could not be parsed (status %d)",
                           value, (int)status);
}

/* Returns 1 when the error marks a lone mark (e.g. the '.' of "5.") that
** comes right after a digit. */
static int follows_digit(const unsigned char *text,
                         const struct amount_parse_result *result, char mark)
{
    int at = result->error_offset;

    return at > 0 && result->error_length == 1 && text[at] == mark &&
           text[at - 1] >= '0' && text[at - 1] <= '9';
}

/* Sets the parse_amount error for status, quoting the input. */
static void parse_amount_error(sqlite3_context *ctx, enum amount_status status,
                               const unsigned char *text, int n,
                               const struct amount_parse_result *result,
                               int minor_digits)
{
    char value[TEXT_EXCERPT_SIZE];
    char part[TEXT_EXCERPT_SIZE] = "";

    text_excerpt(text, n, value);
    if (result->error_offset >= 0)
        text_excerpt(text + result->error_offset, result->error_length, part);
    switch (status) {
    case AMOUNT_NO_DIGITS:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' contains no digits; pass an amount such as '1,234.56'",
            value);
        break;
    case AMOUNT_TOO_LONG:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' is longer than %d bytes; pass one amount per value",
            value, AMOUNT_MAX_INPUT);
        break;
    case AMOUNT_INVALID_UTF8:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' is not valid UTF-8; fix the encoding of the input",
            value);
        break;
    case AMOUNT_UNEXPECTED_CHAR:
        if (follows_digit(text, result, '.') ||
            follows_digit(text, result, ','))
            text_result_errorf(
                ctx,
                "parse_amount: '%s' has no digits after the separator '%s'; write the decimals, as in '5.00', or drop the separator",
                value, part);
        else
            text_result_errorf(
                ctx,
                "parse_amount: '%s' contains '%s', which is not part of an amount; remove it",
                value, part);
        break;
    case AMOUNT_UNKNOWN_CURRENCY:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' contains '%s', which is not a currency; use a 3-letter upper-case code such as EUR or a symbol such as $",
            value, part);
        break;
    case AMOUNT_TWO_NUMBERS:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' contains more than one number; pass one amount per value",
            value);
        break;
    case AMOUNT_TWO_SIGNS:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has more than one sign; keep one '-', '+' or pair of parentheses",
            value);
        break;
    case AMOUNT_TWO_CURRENCIES:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has more than one currency; keep one code or symbol",
            value);
        break;
    case AMOUNT_UNBALANCED_PARENS:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' has unbalanced parentheses; write a negative amount as '(120.00)'",
            value);
        break;
    case AMOUNT_CURRENCY_DIGITS:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' names %s, which has %d minor digits, but minor_digits is %d; pass NULL as minor_digits to use the currency's digits",
            value, part, result->currency_digits, minor_digits);
        break;
    case AMOUNT_AMBIGUOUS:
        text_result_errorf(
            ctx,
            "parse_amount: '%s' is ambiguous: pass the decimal separator, e.g. parse_amount('%s', '.')",
            value, value);
        break;
    default:
        parse_amount_number_error(ctx, status, value, result, minor_digits);
        break;
    }
}

/* Reads the decimal_separator argument: NULL infers it, else '.' or ','. */
static int read_decimal_arg(sqlite3_context *ctx, sqlite3_value *arg,
                            char *decimal_out)
{
    const unsigned char *text;
    char excerpt[TEXT_EXCERPT_SIZE];
    int n;

    *decimal_out = 0;
    if (sqlite3_value_type(arg) == SQLITE_NULL)
        return 1;
    text = sqlite3_value_text(arg);
    n = sqlite3_value_bytes(arg);
    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return 0;
    }
    if (n == 1 && (text[0] == '.' || text[0] == ',')) {
        *decimal_out = (char)text[0];
        return 1;
    }
    text_excerpt(text, n, excerpt);
    text_result_errorf(
        ctx,
        "parse_amount: decimal separator '%s' is not valid; use '.' or ',', or NULL to infer it",
        excerpt);
    return 0;
}

/* Reads the minor_digits argument, a whole number from 0 to 4. */
static int read_minor_digits_arg(sqlite3_context *ctx, sqlite3_value *arg,
                                 int *minor_digits_out)
{
    const unsigned char *text;
    char excerpt[TEXT_EXCERPT_SIZE];
    int type = sqlite3_value_numeric_type(arg);
    double real = sqlite3_value_double(arg);

    if ((type == SQLITE_INTEGER || type == SQLITE_FLOAT) && real >= 0 &&
        real <= AMOUNT_MAX_MINOR_DIGITS && real == (double)(int)real) {
        *minor_digits_out = (int)real;
        return 1;
    }
    text = sqlite3_value_text(arg);
    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return 0;
    }
    text_excerpt(text, sqlite3_value_bytes(arg), excerpt);
    text_result_errorf(
        ctx,
        "parse_amount: minor_digits '%s' is not valid; use a whole number from 0 to %d",
        excerpt, AMOUNT_MAX_MINOR_DIGITS);
    return 0;
}

/*
** Rejects a REAL amount: a binary double keeps about 15 significant digits,
** so 12345678901234.56 arrives as 12345678901234.6 and the cents are lost
** before parse_amount sees them.
*/
static void parse_amount_real_error(sqlite3_context *ctx, sqlite3_value *arg)
{
    char excerpt[TEXT_EXCERPT_SIZE];
    const unsigned char *text = sqlite3_value_text(arg);

    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    text_excerpt(text, sqlite3_value_bytes(arg), excerpt);
    text_result_errorf(
        ctx,
        "parse_amount: %s is a REAL, which may have lost digits; pass the amount as text, e.g. parse_amount('12.34')",
        excerpt);
}

/*
** parse_amount(text [, decimal_separator [, minor_digits]]): the amount in
** text as integer minor units (amount_parse).
*/
static void parse_amount_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv)
{
    struct amount_parse_result result;
    enum amount_status status;
    const unsigned char *text;
    int minor_digits = AMOUNT_DIGITS_FROM_CURRENCY;
    char decimal = 0;
    int n;

    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    if (sqlite3_value_type(argv[0]) == SQLITE_FLOAT) {
        parse_amount_real_error(ctx, argv[0]);
        return;
    }
    if (argc >= 2 && !read_decimal_arg(ctx, argv[1], &decimal))
        return;
    if (argc == 3 && sqlite3_value_type(argv[2]) != SQLITE_NULL &&
        !read_minor_digits_arg(ctx, argv[2], &minor_digits))
        return;
    text = sqlite3_value_text(argv[0]);
    n = sqlite3_value_bytes(argv[0]);
    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    status =
        amount_parse((const char *)text, n, decimal, minor_digits, &result);
    if (status == AMOUNT_OK)
        sqlite3_result_int64(ctx, result.minor);
    else
        parse_amount_error(ctx, status, text, n, &result,
                           result.minor_digits >= 0 ? result.minor_digits
                                                    : minor_digits);
}

/* currency_digits(code): the ISO 4217 minor-unit digits of code. */
static void currency_digits_func(sqlite3_context *ctx, int argc,
                                 sqlite3_value **argv)
{
    const unsigned char *code;
    char excerpt[TEXT_EXCERPT_SIZE];
    int digits = -1;
    int n;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    code = sqlite3_value_text(argv[0]);
    n = sqlite3_value_bytes(argv[0]);
    if (code == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    /* The length check keeps "EUR\0x" (an embedded NUL) from passing. */
    if (n == 3)
        digits = currency_minor_digits((const char *)code);
    if (digits >= 0) {
        sqlite3_result_int(ctx, digits);
        return;
    }
    text_excerpt(code, n, excerpt);
    text_result_errorf(
        ctx,
        "currency_digits: '%s' is not an ISO 4217 currency code; pass three upper-case letters such as 'EUR'",
        excerpt);
}

int amount_register(sqlite3 *db)
{
    static const struct {
        const char *name;
        int n_arg;
        void (*func)(sqlite3_context *, int, sqlite3_value **);
    } functions[] = {
        {"parse_amount", 1, parse_amount_func},
        {"parse_amount", 2, parse_amount_func},
        {"parse_amount", 3, parse_amount_func},
        {"currency_digits", 1, currency_digits_func},
    };
    /* DETERMINISTIC because each result depends only on the arguments.
    ** INNOCUOUS because they read no files and change no data, so schemas,
    ** views and triggers may call them. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    size_t i;
    int rc = SQLITE_OK;

    for (i = 0; rc == SQLITE_OK && i < sizeof(functions) / sizeof(*functions);
         i++)
        rc =
            sqlite3_create_function(db, functions[i].name, functions[i].n_arg,
                                    flags, NULL, functions[i].func, NULL, NULL);
    return rc;
}
