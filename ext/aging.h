#ifndef RECEIVABLES_AGING_H
#define RECEIVABLES_AGING_H

#include <sqlite3ext.h>

/* Registers this concept's SQL functions and tables on db. */
int aging_register(sqlite3 *db);

#endif
