#ifndef RECEIVABLES_CURRENCY_H
#define RECEIVABLES_CURRENCY_H

#include <sqlite3ext.h>

/*
** ISO 4217 currencies: how many minor-unit digits each has, and strict
** conversion of plain decimal text into integer minor units.
*/

/*
** Returns the number of minor-unit digits of the three-letter code (2 for
** EUR, 0 for JPY, 3 for KWD), or -1 when code is not three upper-case
** letters. Codes not in the exception table have 2, as ISO 4217 gives most.
*/
int currency_minor_digits(const char *code);

/*
** Converts a plain decimal ("-1234.5", "0,07", "12") of n bytes into minor
** units with minor_digits digits after the separator decimal_sep. A leading
** '-' or '+' is allowed; nothing else but digits and one separator. Returns
** 1 on success; 0 when the text is malformed, has more fractional digits than
** minor_digits allows (unless the extra digits are zeros), or its magnitude
** exceeds 2^63-1 minor units. minor_digits must be 0 to 18.
*/
int currency_parse_decimal(const char *text, int n, char decimal_sep,
                           int minor_digits, sqlite3_int64 *minor_out);

#endif
