/*
** Structured creditor references with check digits: ISO 11649 'RF', the
** Finnish national reference and the Belgian structured communication.
** The reconciliation engine treats a valid one as near-certain evidence;
** these functions let an invoicing process print them.
**
** Usage:
**   SELECT creditor_ref_valid('RF18 5390 0754 7034');       -- 1
**   SELECT creditor_ref_valid('RF19 5390 0754 7034');       -- 0
**   SELECT creditor_ref_payload('RF18539007547034');        -- '539007547034'
**   SELECT creditor_ref_make('rf', 'F20240042');            -- 'RF70F20240042'
**   SELECT creditor_ref_make('fi', '1234561');              -- '12345614'
**   SELECT creditor_ref_make('be', '20240042');             --
*'+++002/0240/04222+++'
**
** SQL signatures (NULL in any argument gives NULL):
**   creditor_ref_valid(text)      1 when text is a reference of one of the
**                                 schemes with the right check digits, else 0
**   creditor_ref_payload(text)    the part that names the invoice, of a
**                                 valid reference; NULL when not valid
**   creditor_ref_make(scheme, payload)
**                                 the reference for payload; scheme is 'rf',
**                                 'fi' or 'be' (any letter case)
**
** The check digit rules are in ext/creditor_ref.h. Bare digits count as a
** Finnish reference (or a Belgian one when 12 digits check as Belgian).
**
** LIMITS
**   - Only ASCII letters and digits; spaces inside are ignored, any other
**     character makes the text no reference. Input over 64 bytes is no
**     reference (the longest, RF with 21 characters in groups of 4, is 30).
**   - Other national schemes (Norwegian KID, Swiss QR reference) are not
**     read; an RF reference that wraps them is.
*/
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "creditor_ref.h"
#include "dates.h"

/* Maximum bytes of input read (see LIMITS). */
#define CREDITOR_REF_MAX_INPUT 64

/* Characters of a reference after spaces are dropped: RF is at most 25. */
#define CREDITOR_REF_COMPACT_SIZE 40

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_upper(char c)
{
    return c >= 'A' && c <= 'Z';
}

/*
** Copies text without spaces and tabs into out, letters in upper case.
** Returns the length, or -1 when the text is too long or has a byte that
** is no ASCII letter, digit, '+', '*' or '/'.
*/
static int compact_reference(const char *text, int n,
                             char out[CREDITOR_REF_COMPACT_SIZE])
{
    int len = 0;
    int i;

    if (n > CREDITOR_REF_MAX_INPUT)
        return -1;
    for (i = 0; i < n; i++) {
        char c = text[i];
        if (c == ' ' || c == '\t')
            continue;
        if (c >= 'a' && c <= 'z')
            c = (char)(c - 'a' + 'A');
        if (!is_digit(c) && !is_upper(c) && c != '+' && c != '*' && c != '/')
            return -1;
        if (len == CREDITOR_REF_COMPACT_SIZE - 1)
            return -1;
        out[len++] = c;
    }
    out[len] = '\0';
    return len;
}

/*
** Folds text into a running remainder modulo 97, reading each digit as
** itself and each letter as 10..35 (A..Z), as ISO 7064 MOD 97-10 does.
*/
static int mod97_fold(int remainder, const char *text, int n)
{
    int i;

    for (i = 0; i < n; i++) {
        char c = text[i];
        if (is_digit(c))
            remainder = (remainder * 10 + (c - '0')) % 97;
        else
            remainder = (remainder * 100 + (c - 'A' + 10)) % 97;
    }
    return remainder;
}

/* Returns 1 when text[0..n-1] is all ASCII letters (upper case) or digits. */
static int is_alphanumeric(const char *text, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (!is_digit(text[i]) && !is_upper(text[i]))
            return 0;
    return 1;
}

static int is_all_digits(const char *text, int n)
{
    int i;

    for (i = 0; i < n; i++)
        if (!is_digit(text[i]))
            return 0;
    return n > 0;
}

int creditor_ref_rf_check_digits(const char *payload, int n, char out[3])
{
    char upper[CREDITOR_REF_RF_MAX_PAYLOAD];
    int check;
    int i;

    if (n < 1 || n > CREDITOR_REF_RF_MAX_PAYLOAD)
        return 0;
    for (i = 0; i < n; i++) {
        char c = payload[i];
        upper[i] = (c >= 'a' && c <= 'z') ? (char)(c - 'a' + 'A') : c;
    }
    if (!is_alphanumeric(upper, n))
        return 0;
    /* The payload, then "RF00"; the check digits make the whole 1 mod 97. */
    check = 98 - mod97_fold(mod97_fold(0, upper, n), "RF00", 4);
    out[0] = (char)('0' + check / 10);
    out[1] = (char)('0' + check % 10);
    out[2] = '\0';
    return 1;
}

int creditor_ref_fi_check_digit(const char *base, int n)
{
    static const int weights[3] = {7, 3, 1};
    int sum = 0;
    int i;

    if (n < 3 || n > CREDITOR_REF_FI_MAX_DIGITS - 1 || !is_all_digits(base, n))
        return -1;
    /* Weights run 7, 3, 1, 7, ... from the rightmost digit leftwards. */
    for (i = 0; i < n; i++)
        sum += (base[n - 1 - i] - '0') * weights[i % 3];
    return (10 - sum % 10) % 10;
}

int creditor_ref_be_check(const char *base)
{
    int remainder;

    if (!is_all_digits(base, 10))
        return -1;
    remainder = mod97_fold(0, base, 10);
    return remainder == 0 ? 97 : remainder;
}

/* Stores payload[0..n-1] in out (n < CREDITOR_REF_PAYLOAD_SIZE). */
static void set_payload(struct creditor_ref *out, const char *payload, int n)
{
    memcpy(out->payload, payload, (size_t)n);
    out->payload[n] = '\0';
    out->payload_len = n;
}

/* Reads 'RF', 2 check digits and 1..21 letters or digits. */
static int parse_rf(const char *ref, int len, struct creditor_ref *out)
{
    int remainder;

    if (len < 5 || len > 4 + CREDITOR_REF_RF_MAX_PAYLOAD ||
        memcmp(ref, "RF", 2) != 0 || !is_digit(ref[2]) || !is_digit(ref[3]) ||
        !is_alphanumeric(ref + 4, len - 4))
        return 0;
    remainder = mod97_fold(mod97_fold(0, ref + 4, len - 4), ref, 4);
    out->scheme = CREDITOR_REF_RF;
    out->valid = remainder == 1;
    set_payload(out, ref + 4, len - 4);
    return 1;
}

/* Reads 12 digits with the Belgian check number in the last 2. */
static void read_belgian_digits(const char *digits, struct creditor_ref *out)
{
    int check = (digits[10] - '0') * 10 + (digits[11] - '0');

    out->scheme = CREDITOR_REF_BELGIAN;
    out->valid = creditor_ref_be_check(digits) == check;
    set_payload(out, digits, 10);
}

/* Reads '+++' or '***', 12 digits with any '/' between, the same 3 again. */
static int parse_belgian(const char *ref, int len, struct creditor_ref *out)
{
    char digits[13];
    int count = 0;
    int i;

    if (len < 18 ||
        (memcmp(ref, "+++", 3) != 0 && memcmp(ref, "***", 3) != 0) ||
        memcmp(ref + len - 3, ref, 3) != 0)
        return 0;
    for (i = 3; i < len - 3; i++) {
        if (ref[i] == '/')
            continue;
        if (!is_digit(ref[i]) || count == 12)
            return 0;
        digits[count++] = ref[i];
    }
    if (count != 12)
        return 0;
    read_belgian_digits(digits, out);
    return 1;
}

/* Reads bare digits: Belgian when 12 digits check as Belgian, else Finnish. */
static int parse_bare_digits(const char *ref, int len, struct creditor_ref *out)
{
    if (len < 4 || len > CREDITOR_REF_FI_MAX_DIGITS || !is_all_digits(ref, len))
        return 0;
    if (len == 12) {
        read_belgian_digits(ref, out);
        if (out->valid)
            return 1;
    }
    out->scheme = CREDITOR_REF_FINNISH;
    out->valid =
        creditor_ref_fi_check_digit(ref, len - 1) == ref[len - 1] - '0';
    set_payload(out, ref, len - 1);
    return 1;
}

int creditor_ref_parse(const char *text, int n, int bare_digits,
                       struct creditor_ref *out)
{
    char ref[CREDITOR_REF_COMPACT_SIZE];
    int len = compact_reference(text, n, ref);

    memset(out, 0, sizeof(*out));
    if (len <= 0)
        return 0;
    if (parse_rf(ref, len, out) || parse_belgian(ref, len, out))
        return 1;
    if (bare_digits && parse_bare_digits(ref, len, out))
        return 1;
    memset(out, 0, sizeof(*out));
    return 0;
}

/* Parses argument 0 of a creditor_ref_* call; 0 when it is no reference. */
static int read_reference_arg(sqlite3_value *value, struct creditor_ref *out)
{
    const char *text = (const char *)sqlite3_value_text(value);
    int n = sqlite3_value_bytes(value);

    if (text == NULL)
        return 0;
    return creditor_ref_parse(text, n, 1, out) && out->valid;
}

/* creditor_ref_valid(text): 1 or 0. */
static void creditor_ref_valid_func(sqlite3_context *ctx, int argc,
                                    sqlite3_value **argv)
{
    struct creditor_ref ref;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    sqlite3_result_int(ctx, read_reference_arg(argv[0], &ref));
}

/* creditor_ref_payload(text): the payload of a valid reference, or NULL. */
static void creditor_ref_payload_func(sqlite3_context *ctx, int argc,
                                      sqlite3_value **argv)
{
    struct creditor_ref ref;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
        return;
    if (read_reference_arg(argv[0], &ref))
        sqlite3_result_text(ctx, ref.payload, ref.payload_len,
                            SQLITE_TRANSIENT);
}

/* Sets an error on ctx quoting the payload. */
static void make_error(sqlite3_context *ctx, const unsigned char *payload,
                       int n, const char *problem)
{
    char excerpt[TEXT_EXCERPT_SIZE];

    text_excerpt(payload, n, excerpt);
    text_result_errorf(ctx, "creditor_ref_make: payload '%s' %s", excerpt,
                       problem);
}

/* Builds an RF reference; spaces in the payload are dropped. */
static void make_rf(sqlite3_context *ctx, const unsigned char *payload, int n)
{
    char compact[CREDITOR_REF_COMPACT_SIZE];
    char result[4 + CREDITOR_REF_RF_MAX_PAYLOAD + 1];
    int len = compact_reference((const char *)payload, n, compact);

    if (len < 1 || len > CREDITOR_REF_RF_MAX_PAYLOAD ||
        !is_alphanumeric(compact, len)) {
        make_error(
            ctx, payload, n,
            "is not 1 to 21 letters or digits; give the invoice number without punctuation");
        return;
    }
    memcpy(result, "RF", 2);
    creditor_ref_rf_check_digits(compact, len, result + 2);
    memcpy(result + 4, compact, (size_t)len);
    sqlite3_result_text(ctx, result, 4 + len, SQLITE_TRANSIENT);
}

/* Builds a Finnish reference: the payload and its check digit. */
static void make_finnish(sqlite3_context *ctx, const unsigned char *payload,
                         int n)
{
    char result[CREDITOR_REF_FI_MAX_DIGITS + 1];
    int check = creditor_ref_fi_check_digit((const char *)payload, n);

    if (check < 0) {
        make_error(
            ctx, payload, n,
            "is not 3 to 19 digits; give the digits of the invoice number");
        return;
    }
    memcpy(result, payload, (size_t)n);
    result[n] = (char)('0' + check);
    sqlite3_result_text(ctx, result, n + 1, SQLITE_TRANSIENT);
}

/* Builds a Belgian structured communication from up to 10 digits. */
static void make_belgian(sqlite3_context *ctx, const unsigned char *payload,
                         int n)
{
    char digits[11];
    char result[21];
    int check;

    if (n < 1 || n > 10 || !is_all_digits((const char *)payload, n)) {
        make_error(
            ctx, payload, n,
            "is not 1 to 10 digits; give the digits of the invoice number");
        return;
    }
    memset(digits, '0', 10 - (size_t)n);
    memcpy(digits + 10 - n, payload, (size_t)n);
    digits[10] = '\0';
    check = creditor_ref_be_check(digits);
    sqlite3_snprintf(sizeof(result), result, "+++%.3s/%.4s/%.3s%02d+++", digits,
                     digits + 3, digits + 7, check);
    sqlite3_result_text(ctx, result, -1, SQLITE_TRANSIENT);
}

/* creditor_ref_make(scheme, payload). */
static void creditor_ref_make_func(sqlite3_context *ctx, int argc,
                                   sqlite3_value **argv)
{
    const char *scheme;
    const unsigned char *payload;
    int n;

    (void)argc;
    if (sqlite3_value_type(argv[0]) == SQLITE_NULL ||
        sqlite3_value_type(argv[1]) == SQLITE_NULL)
        return;
    scheme = (const char *)sqlite3_value_text(argv[0]);
    payload = sqlite3_value_text(argv[1]);
    n = sqlite3_value_bytes(argv[1]);
    if (scheme == NULL || payload == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    if (sqlite3_stricmp(scheme, "rf") == 0)
        make_rf(ctx, payload, n);
    else if (sqlite3_stricmp(scheme, "fi") == 0)
        make_finnish(ctx, payload, n);
    else if (sqlite3_stricmp(scheme, "be") == 0)
        make_belgian(ctx, payload, n);
    else {
        char excerpt[TEXT_EXCERPT_SIZE];
        text_excerpt((const unsigned char *)scheme,
                     sqlite3_value_bytes(argv[0]), excerpt);
        text_result_errorf(
            ctx,
            "creditor_ref_make: unknown scheme '%s'; use 'rf' (ISO 11649), 'fi' (Finnish) or 'be' (Belgian)",
            excerpt);
    }
}

int creditor_ref_register(sqlite3 *db)
{
    /* Pure functions of their arguments: deterministic, and innocuous
    ** because they read nothing outside them. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc;

    rc = sqlite3_create_function(db, "creditor_ref_valid", 1, flags, NULL,
                                 creditor_ref_valid_func, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "creditor_ref_payload", 1, flags, NULL,
                                     creditor_ref_payload_func, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "creditor_ref_make", 2, flags, NULL,
                                     creditor_ref_make_func, NULL, NULL);
    return rc;
}
