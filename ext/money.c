/*
** format_money: minor units back to the text people read.
**
** Usage:
**   SELECT format_money(123456);          -- '1,234.56'
**   SELECT format_money(-5, 'USD');       -- '-0.05'
**   SELECT format_money(1234, 'JPY');     -- '1,234'
**   SELECT format_money(1234, 'KWD');     -- '1.234'
**
** The digits come from integer arithmetic, never from a float, so every
** cent shows exactly. NULL in either argument gives NULL.
**
** LIMITS: the currency code must be three upper-case letters; the number
** of decimals comes from currency_minor_digits() (ISO 4217).
*/
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "dates.h" /* text_excerpt, text_result_errorf */
#include "money.h"

int money_format(sqlite3_int64 minor, int minor_digits,
                 char out[MONEY_TEXT_MAX])
{
    char reversed[MONEY_TEXT_MAX];
    /* Work on the magnitude as unsigned so INT64_MIN has one too. */
    sqlite3_uint64 magnitude =
        minor < 0 ? 0 - (sqlite3_uint64)minor : (sqlite3_uint64)minor;
    int n = 0;
    int whole_digits = 0;
    int len = 0;
    int i;

    for (i = 0; i < minor_digits; i++) {
        reversed[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
    }
    if (minor_digits > 0)
        reversed[n++] = '.';
    do {
        if (whole_digits > 0 && whole_digits % 3 == 0)
            reversed[n++] = ',';
        reversed[n++] = (char)('0' + magnitude % 10);
        magnitude /= 10;
        whole_digits++;
    } while (magnitude > 0);
    if (minor < 0)
        out[len++] = '-';
    while (n > 0)
        out[len++] = reversed[--n];
    out[len] = '\0';
    return len;
}

/* Sets the error for an argument that is not an integer amount or not a
** currency code. The value goes through text_excerpt, so a long or binary
** argument gives a short, printable message. */
static void format_money_error(sqlite3_context *ctx, sqlite3_value *arg,
                               const char *format)
{
    char excerpt[TEXT_EXCERPT_SIZE];
    const unsigned char *text = sqlite3_value_text(arg);

    if (text == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    text_excerpt(text, sqlite3_value_bytes(arg), excerpt);
    text_result_errorf(ctx, format, excerpt);
}

/* format_money(cents [, currency]): see the file header. */
static void format_money_func(sqlite3_context *ctx, int argc,
                              sqlite3_value **argv)
{
    char text[MONEY_TEXT_MAX];
    int digits = 2;
    int i;
    int len;

    for (i = 0; i < argc; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            return;
    if (sqlite3_value_numeric_type(argv[0]) != SQLITE_INTEGER) {
        format_money_error(
            ctx, argv[0],
            "format_money: '%s' is not an integer amount in minor units; store money as INTEGER cents");
        return;
    }
    if (argc == 2) {
        const char *code = (const char *)sqlite3_value_text(argv[1]);
        /* The length check keeps "EUR\0x" (an embedded NUL) from passing. */
        digits = code != NULL && sqlite3_value_bytes(argv[1]) == 3
                     ? currency_minor_digits(code)
                     : -1;
        if (digits < 0) {
            format_money_error(
                ctx, argv[1],
                "format_money: '%s' is not an ISO 4217 currency code; use three upper-case letters such as 'EUR'");
            return;
        }
    }
    len = money_format(sqlite3_value_int64(argv[0]), digits, text);
    sqlite3_result_text(ctx, text, len, SQLITE_TRANSIENT);
}

int money_register(sqlite3 *db)
{
    /* Pure: the text depends only on the arguments, so it is safe in
    ** indexes, views and schemas from outside. */
    const int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS;
    int rc;

    rc = sqlite3_create_function(db, "format_money", 1, flags, NULL,
                                 format_money_func, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_create_function(db, "format_money", 2, flags, NULL,
                                     format_money_func, NULL, NULL);
    return rc;
}
