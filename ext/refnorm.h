#ifndef RECEIVABLES_REFNORM_H
#define RECEIVABLES_REFNORM_H

#include <sqlite3ext.h>

/* Registers this concept's SQL functions and tables on db. */
int refnorm_register(sqlite3 *db);

#endif
