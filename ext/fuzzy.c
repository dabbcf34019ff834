/* Placeholder: the fuzzy concept is being written. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "fuzzy.h"

int fuzzy_register(sqlite3 *db)
{
    (void)db;
    return SQLITE_OK;
}
