/*
** ISO 4217 minor units. The table lists only the active codes whose minor
** unit is not 2 (ISO 4217 list one, 2024 edition); every other well-formed
** code has 2.
*/
#include <stddef.h>
#include <string.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"

struct currency_exponent {
    char code[4];
    int digits;
};

static const struct currency_exponent exceptions[] = {
    {"BHD", 3}, {"BIF", 0}, {"CLF", 4}, {"CLP", 0}, {"DJF", 0}, {"GNF", 0},
    {"IQD", 3}, {"ISK", 0}, {"JOD", 3}, {"JPY", 0}, {"KMF", 0}, {"KRW", 0},
    {"KWD", 3}, {"LYD", 3}, {"OMR", 3}, {"PYG", 0}, {"RWF", 0}, {"TND", 3},
    {"UGX", 0}, {"UYI", 0}, {"UYW", 4}, {"VND", 0}, {"VUV", 0}, {"XAF", 0},
    {"XOF", 0}, {"XPF", 0},
};

int currency_minor_digits(const char *code)
{
    size_t i;

    if (code == NULL)
        return -1;
    for (i = 0; i < 3; i++)
        if (code[i] < 'A' || code[i] > 'Z')
            return -1;
    if (code[3] != '\0')
        return -1;
    for (i = 0; i < sizeof(exceptions) / sizeof(*exceptions); i++)
        if (memcmp(exceptions[i].code, code, 3) == 0)
            return exceptions[i].digits;
    return 2;
}

/* Largest magnitude a minor-unit amount may have: INT64_MAX, so that the
** negative of every accepted amount is representable too. */
#define CURRENCY_MAX_MAGNITUDE ((sqlite3_uint64)(((sqlite3_uint64)1 << 63) - 1))

int currency_parse_decimal(const char *text, int n, char decimal_sep,
                           int minor_digits, sqlite3_int64 *minor_out)
{
    sqlite3_uint64 value = 0; /* magnitude, at most CURRENCY_MAX_MAGNITUDE */
    int negative = 0;
    int digits = 0;
    int fraction = -1; /* digits seen after the separator, -1 before it */
    int i = 0;

    if (minor_digits < 0 || minor_digits > 18)
        return 0;
    if (n > 0 && (text[0] == '-' || text[0] == '+'))
        negative = text[i++] == '-';
    for (; i < n; i++) {
        char c = text[i];
        if (c == decimal_sep && fraction < 0) {
            fraction = 0;
            continue;
        }
        if (c < '0' || c > '9')
            return 0;
        digits++;
        if (fraction >= 0 && ++fraction > minor_digits) {
            if (c != '0')
                return 0; /* a real digit below the minor unit */
            continue;
        }
        if (value > (CURRENCY_MAX_MAGNITUDE - (sqlite3_uint64)(c - '0')) / 10)
            return 0;
        value = value * 10 + (sqlite3_uint64)(c - '0');
    }
    if (digits == 0) /* "12," is whole: MT940 writes amounts that way */
        return 0;
    for (i = fraction < 0 ? 0 : fraction; i < minor_digits; i++) {
        if (value > CURRENCY_MAX_MAGNITUDE / 10)
            return 0;
        value *= 10;
    }
    *minor_out = negative ? -(sqlite3_int64)value : (sqlite3_int64)value;
    return 1;
}
