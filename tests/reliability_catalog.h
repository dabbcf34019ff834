#ifndef RECEIVABLES_RELIABILITY_CATALOG_H
#define RECEIVABLES_RELIABILITY_CATALOG_H

/*
** Every SQL function and virtual table the extension registers, with the
** flags it must carry and a call with realistic arguments. The
** determinism and security suites walk this list, and
** test_catalog_lists_every_function fails when the extension registers a
** function or module that is missing here: add it with its kind, sample
** arguments and the result worked out by hand.
*/

/* Which flags a function must be registered with. */
enum catalog_kind {
    /* SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS: reads no file, writes no
    ** data, so views, triggers and indexes of any schema may call it. */
    CATALOG_PURE,
    /* SQLITE_DETERMINISTIC | SQLITE_DIRECTONLY: reads files or writes
    ** data, so only top-level SQL may call it. */
    CATALOG_DIRECT
};

/* One SQL function (one name and argument count). */
struct catalog_function {
    const char *name;
    int n_arg;
    enum catalog_kind kind;
    const char *args;   /* SQL arguments of a realistic call */
    const char *result; /* its result as harness_query writes it */
};

/* Results are the documented examples of each function's source file,
** checked by hand: 31 - 1 days in February for days_overdue, the ISO 11649
** MOD 97-10 for the creditor references. */
static const struct catalog_function catalog_functions[] = {
    {"receivables_version", 0, CATALOG_PURE, "", "0.1.0"},
    {"parse_date", 1, CATALOG_PURE, "'2013/1/31'", "2013-01-31"},
    {"parse_date", 2, CATALOG_PURE, "'31.01.2013', 'dmy'", "2013-01-31"},
    {"days_overdue", 2, CATALOG_PURE, "'2013-02-01', '2013-03-03'", "30"},
    {"due_alert", 2, CATALOG_PURE, "'2013-02-01', '2013-01-29'", "due_soon"},
    {"aging_bucket", 1, CATALOG_PURE, "45", "31-60"},
    {"parse_amount", 1, CATALOG_PURE, "'$ 1,234.56'", "123456"},
    {"parse_amount", 2, CATALOG_PURE, "'1.234,56', ','", "123456"},
    {"parse_amount", 3, CATALOG_PURE, "'JPY 1,500', '.', 0", "1500"},
    {"currency_digits", 1, CATALOG_PURE, "'KWD'", "3"},
    {"format_money", 1, CATALOG_PURE, "123456", "1,234.56"},
    {"format_money", 2, CATALOG_PURE, "-5, 'USD'", "-0.05"},
    {"levenshtein", 2, CATALOG_PURE, "'kitten', 'sitting'", "3"},
    {"damerau_levenshtein", 2, CATALOG_PURE, "'CA', 'ABC'", "2"},
    {"jaro_winkler", 2, CATALOG_PURE, "'MARTHA', 'MARHTA'",
     "0.961111111111111"},
    {"ref_normalize", 1, CATALOG_PURE, "'Invoice no. 00123'", "123"},
    {"ref_similarity", 2, CATALOG_PURE, "'INV-2013-004512 ACME', '4512'",
     "0.95"},
    {"creditor_ref_valid", 1, CATALOG_PURE, "'RF18 5390 0754 7034'", "1"},
    {"creditor_ref_payload", 1, CATALOG_PURE, "'RF18539007547034'",
     "539007547034"},
    {"creditor_ref_make", 2, CATALOG_PURE, "'rf', 'F20240042'",
     "RF70F20240042"},
    /* 10.00 EUR fixed plus 3 % of 1000.00 EUR: 1000 + 3000 cents, below
    ** the cap of 10 % of the open amount (10000 cents). */
    {"reconcile_fee_tolerance", 4, CATALOG_PURE, "100000, 'EUR', 1000, 3.0",
     "4000"},
};

#define CATALOG_FUNCTION_COUNT                                                 \
    ((int)(sizeof(catalog_functions) / sizeof(*catalog_functions)))

/* One virtual table module (all are eponymous table-valued functions). */
struct catalog_module {
    const char *name;
    enum catalog_kind kind; /* CATALOG_PURE: SQLITE_VTAB_INNOCUOUS;
                               CATALOG_DIRECT: SQLITE_VTAB_DIRECTONLY */
    const char *query; /* a query over it that needs sql/ and no rows */
};

static const struct catalog_module catalog_modules[] = {
    {"ar_aging", CATALOG_PURE,
     "SELECT count(*) FROM ar_aging('2013-06-30')"},
    {"reconcile_candidates", CATALOG_PURE,
     "SELECT count(*) FROM reconcile_candidates"},
    {"bank_statement", CATALOG_DIRECT,
     "SELECT count(*) FROM"
     " bank_statement('data/statements/camt/camt053.v2.minimal.xml')"},
    {"bank_statement_balances", CATALOG_DIRECT,
     "SELECT count(*) FROM bank_statement_balances("
     "'data/statements/camt/camt053.v2.minimal.xml')"},
};

#define CATALOG_MODULE_COUNT                                                   \
    ((int)(sizeof(catalog_modules) / sizeof(*catalog_modules)))

#endif
