#ifndef RECEIVABLES_AMOUNT_H
#define RECEIVABLES_AMOUNT_H

#include <sqlite3ext.h>

/* Registers this concept's SQL functions and tables on db. */
int amount_register(sqlite3 *db);

#endif
