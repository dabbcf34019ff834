#ifndef RECEIVABLES_FUZZY_H
#define RECEIVABLES_FUZZY_H

#include <sqlite3ext.h>

/* Registers this concept's SQL functions and tables on db. */
int fuzzy_register(sqlite3 *db);

#endif
