/* Placeholder: the aging concept is being written. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "aging.h"

int aging_register(sqlite3 *db)
{
    (void)db;
    return SQLITE_OK;
}
