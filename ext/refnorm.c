/* Placeholder: the refnorm concept is being written. */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "refnorm.h"

int refnorm_register(sqlite3 *db)
{
    (void)db;
    return SQLITE_OK;
}
