#ifndef RECEIVABLES_MONEY_H
#define RECEIVABLES_MONEY_H

#include <sqlite3ext.h>

/* Longest text money_format writes: sign, 19 digits, 6 group commas,
** a point and the terminator, with room to spare. */
#define MONEY_TEXT_MAX 40

/*
** Writes minor units as a decimal with minor_digits (0..4) digits after a
** '.' and ',' between thousands ("-1,234.56") into out. Returns the length.
*/
int money_format(sqlite3_int64 minor, int minor_digits,
                 char out[MONEY_TEXT_MAX]);

/* Registers format_money on db. */
int money_register(sqlite3 *db);

#endif
