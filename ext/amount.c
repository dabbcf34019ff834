/* Placeholder: the amount concept is being written. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "amount.h"

int amount_register(sqlite3 *db)
{
    (void)db;
    return SQLITE_OK;
}
