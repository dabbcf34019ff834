/*
** SWIFT MT940 and MT942 statement reader for bank_statement (placeholder:
** the reader is being written).
**
** Usage:
**   SELECT * FROM bank_statement('june.sta', 'mt940');
**
** LIMITS
**   - Not implemented yet.
*/
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "statement.h"

int statement_read_mt940(struct statement_file *file, const char *data,
                         size_t size, const char *options, char **err_out)
{
    (void)data;
    (void)size;
    (void)options;
    *err_out = sqlite3_mprintf("bank_statement: '%s': the mt940 reader is "
                               "not implemented yet",
                               file->path);
    return *err_out ? SQLITE_ERROR : SQLITE_NOMEM;
}
