/*
** receivables: accounts receivable in SQLite.
**
** This file holds the entry point only. Each concept registers its own SQL
** functions and virtual tables from ext/<concept>.c; the order below is the
** order they load in, and the first failure stops the load with a message.
**
** Usage:
**   .load build/receivables
**   SELECT receivables_version();
*/
#include <stddef.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include "aging.h"
#include "amount.h"
#include "dates.h"
#include "fuzzy.h"
#include "money.h"
#include "reconcile.h"
#include "refnorm.h"
#include "statement.h"

#define RECEIVABLES_VERSION "0.1.0"

/* A registration step: the concept's name, for the error message. */
struct concept {
    const char *name;
    int (*register_fn)(sqlite3 *db);
};

static const struct concept concepts[] = {
    {"dates", dates_register},   {"amount", amount_register},
    {"fuzzy", fuzzy_register},   {"refnorm", refnorm_register},
    {"aging", aging_register},   {"money", money_register},
    {"statement", statement_register},
    {"reconcile", reconcile_register},
};

/* receivables_version(): the extension's version string, for bug reports. */
static void receivables_version_func(sqlite3_context *ctx, int argc,
                                     sqlite3_value **argv)
{
    (void)argc;
    (void)argv;
    sqlite3_result_text(ctx, RECEIVABLES_VERSION, -1, SQLITE_STATIC);
}

#ifdef _WIN32
__declspec(dllexport)
#endif
__attribute__((visibility("default"))) int
sqlite3_receivables_init(sqlite3 *db, char **err_out,
                         const sqlite3_api_routines *api)
{
    int rc;
    size_t i;

    SQLITE_EXTENSION_INIT2(api);
    /* Pure: same answer for the same build, and safe in any schema. */
    rc = sqlite3_create_function(db, "receivables_version", 0,
                                 SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                     SQLITE_INNOCUOUS,
                                 NULL, receivables_version_func, NULL, NULL);
    for (i = 0; rc == SQLITE_OK && i < sizeof(concepts) / sizeof(*concepts);
         i++) {
        rc = concepts[i].register_fn(db);
        if (rc != SQLITE_OK && err_out)
            *err_out = sqlite3_mprintf("receivables: registering %s failed: %s",
                                       concepts[i].name, sqlite3_errstr(rc));
    }
    return rc;
}
