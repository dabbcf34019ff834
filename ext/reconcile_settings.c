/*
** Settings of reconcile_candidates: the documented defaults, the
** reconcile_settings row of sql/reconcile.sql over them, the checks of each
** value, and the fee tolerance they define.
**
** Defaults (reconcile_settings_default) and allowed values:
**   auto_threshold        0.93   0 to 1: lowest score of an automatic match
**   auto_margin           2.0    0 to 100: lowest lead of rank 1 over rank
**                                2, in log-odds (rank 2's odds are at most
**                                e^-2, about 1/7, of rank 1's)
**   fee_abs_cents         1000   integer, 0 to 100000000: fixed part of the
**                                fee tolerance in hundredths of the major
**                                unit, whatever the currency: 1000 is 10.00
**                                EUR, 10 JPY (no minor digits; rounded
**                                down) or 10.000 KWD (3 minor digits)
**   fee_pct               3.0    0 to 100: percent part of the fee
**                                tolerance, of the open amount
**   max_rank              5      integer, 1 to 100: candidates per payment
**   subset_max_invoices   16     integer, 0 to 32: open invoices a subset
**                                draws on
**   subset_max_size       8      integer, 2 to 16: invoices in one subset
**   closed_lookback_days  365    integer, 0 to 36600: paid and void
**                                invoices issued this long before the
**                                oldest unallocated payment are loaded, so
**                                a memo naming one is known
**   duplicate_days        5      integer, 0 to 3660: a payment like an
**                                earlier one within this many days is a
**                                probable duplicate
**
** FEE TOLERANCE of an open amount in currency c, in c's minor units:
**   fee_abs_cents converted to c's minor units + open * fee_pct / 100,
**   rounded down and never more than RECONCILE_FEE_MAX_SHARE_PCT (10)
**   percent of the open amount. With the defaults an invoice of 1000.00
**   EUR has a tolerance of 10.00 + 30.00 = 40.00, one of 50.00 EUR has
**   5.00 (the cap, not 11.50), and one of 1 JPY has 0. The cap keeps a
**   fee from swallowing most of a small invoice.
** The SQL function reconcile_fee_tolerance(open_cents, currency,
** fee_abs_cents, fee_pct) returns the same figure for the views of
** sql/reconcile.sql.
**
** The scores behind auto_threshold are measured in tests/bench/RECONCILE.md.
*/
#include <math.h>

#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT3

#include "currency.h"
#include "dates.h"
#include "reconcile.h"

/* Kind and allowed range of one setting; see the file header. */
struct setting_rule {
    const char *name; /* column of reconcile_settings, and hidden column */
    int is_integer;   /* 1: a whole number is required */
    double min;       /* inclusive bounds */
    double max;
};

/* Indexed by enum reconcile_setting. */
static const struct setting_rule setting_rules[RECONCILE_SETTING_COUNT] = {
    {"auto_threshold", 0, 0.0, 1.0},
    {"auto_margin", 0, 0.0, 100.0},
    {"fee_abs_cents", 1, 0.0, 100000000.0},
    {"fee_pct", 0, 0.0, 100.0},
    {"max_rank", 1, 1.0, 100.0},
    {"subset_max_invoices", 1, 0.0, 32.0},
    {"subset_max_size", 1, 2.0, 16.0},
    {"closed_lookback_days", 1, 0.0, 36600.0},
    {"duplicate_days", 1, 0.0, 3660.0},
};

void reconcile_settings_default(struct reconcile_settings *s)
{
    s->auto_threshold = 0.93;
    s->auto_margin = 2.0;
    s->fee_abs_cents = 1000;
    s->fee_pct = 3.0;
    s->max_rank = 5;
    s->subset_max_invoices = 16;
    s->subset_max_size = 8;
    s->closed_lookback_days = 365;
    s->duplicate_days = 5;
}

/*
** Converts hundredths of the major unit into minor units of a currency
** with minor_digits digits, rounding down.
*/
static sqlite3_int64 hundredths_to_minor(sqlite3_int64 hundredths,
                                         int minor_digits)
{
    int i;

    for (i = minor_digits; i < 2; i++)
        hundredths /= 10;
    for (i = 2; i < minor_digits; i++)
        hundredths *= 10;
    return hundredths;
}

sqlite3_int64 reconcile_fee_tolerance(const struct reconcile_settings *s,
                                      const char *currency,
                                      sqlite3_int64 open_cents)
{
    int digits = currency_minor_digits(currency);
    sqlite3_int64 fixed;
    sqlite3_int64 cap;
    double percent;

    if (open_cents <= 0)
        return 0;
    /* Codes that are not 3 letters are rejected before scoring; 2 digits
    ** is the ISO 4217 default. */
    if (digits < 0)
        digits = 2;
    cap = open_cents / 100 * RECONCILE_FEE_MAX_SHARE_PCT +
          open_cents % 100 * RECONCILE_FEE_MAX_SHARE_PCT / 100;
    /* The percent part is compared with the cap as a double, so an amount
    ** near INT64_MAX is never cast or added beyond the int64 range. Below
    ** the cap (at most a tenth of INT64_MAX) the cast is exact enough and
    ** the sum with the fixed part (at most 10^10) cannot overflow. */
    percent = (double)open_cents * s->fee_pct / 100.0;
    if (percent >= (double)cap)
        return cap;
    fixed = hundredths_to_minor(s->fee_abs_cents, digits);
    if (fixed >= cap - (sqlite3_int64)percent)
        return cap;
    return fixed + (sqlite3_int64)percent;
}

/* Stores an accepted value into its setting. */
static void store_setting(struct reconcile_settings *s, int setting, double v)
{
    switch (setting) {
    case RECONCILE_SETTING_AUTO_THRESHOLD:
        s->auto_threshold = v;
        break;
    case RECONCILE_SETTING_AUTO_MARGIN:
        s->auto_margin = v;
        break;
    case RECONCILE_SETTING_FEE_ABS_CENTS:
        s->fee_abs_cents = (sqlite3_int64)v;
        break;
    case RECONCILE_SETTING_FEE_PCT:
        s->fee_pct = v;
        break;
    case RECONCILE_SETTING_MAX_RANK:
        s->max_rank = (int)v;
        break;
    case RECONCILE_SETTING_SUBSET_MAX_INVOICES:
        s->subset_max_invoices = (int)v;
        break;
    case RECONCILE_SETTING_SUBSET_MAX_SIZE:
        s->subset_max_size = (int)v;
        break;
    case RECONCILE_SETTING_CLOSED_LOOKBACK_DAYS:
        s->closed_lookback_days = (int)v;
        break;
    default:
        s->duplicate_days = (int)v;
    }
}

/* Returns the rule's requirement in words, e.g. "an integer from 1 to 100". */
static char *describe_rule(const struct setting_rule *rule)
{
    if (rule->is_integer)
        return sqlite3_mprintf("an integer from %lld to %lld",
                               (sqlite3_int64)rule->min,
                               (sqlite3_int64)rule->max);
    return sqlite3_mprintf("a number from %g to %g", rule->min, rule->max);
}

/* Returns the value quoted for an error message, e.g. "'abc'" or "a blob". */
static char *quote_value(sqlite3_value *value)
{
    char excerpt[TEXT_EXCERPT_SIZE];

    switch (sqlite3_value_type(value)) {
    case SQLITE_BLOB:
        return sqlite3_mprintf("a blob of %d bytes",
                               sqlite3_value_bytes(value));
    case SQLITE_INTEGER:
        return sqlite3_mprintf("'%lld'", sqlite3_value_int64(value));
    case SQLITE_FLOAT:
        return sqlite3_mprintf("'%.15g'", sqlite3_value_double(value));
    default:
        text_excerpt(sqlite3_value_text(value), sqlite3_value_bytes(value),
                     excerpt);
        return sqlite3_mprintf("'%s'", excerpt);
    }
}

/* Returns 1 when value, of the given numeric type, satisfies rule. */
static int setting_accepts(const struct setting_rule *rule,
                           sqlite3_value *value, int numeric_type)
{
    double v = sqlite3_value_double(value);

    if (numeric_type != SQLITE_INTEGER && numeric_type != SQLITE_FLOAT)
        return 0;
    return v >= rule->min && v <= rule->max &&
           (!rule->is_integer || v == floor(v));
}

/* Returns "NAME must be RULE, got VALUE"; NULL when out of memory. */
static char *setting_problem(const struct setting_rule *rule,
                             sqlite3_value *value)
{
    char *expected = describe_rule(rule);
    char *got = quote_value(value);
    char *problem = NULL;

    if (expected != NULL && got != NULL)
        problem =
            sqlite3_mprintf("%s must be %s, got %s", rule->name, expected, got);
    sqlite3_free(expected);
    sqlite3_free(got);
    return problem;
}

int reconcile_setting_set(struct reconcile_settings *s, int setting,
                          sqlite3_value *value, char **problem_out)
{
    const struct setting_rule *rule = &setting_rules[setting];
    int numeric_type = sqlite3_value_type(value);

    *problem_out = NULL;
    if (numeric_type == SQLITE_NULL)
        return SQLITE_OK;
    /* Text that reads as a number ('0.95') counts as that number, as a
    ** REAL or INTEGER column would store it. */
    if (numeric_type == SQLITE_TEXT)
        numeric_type = sqlite3_value_numeric_type(value);
    if (setting_accepts(rule, value, numeric_type)) {
        store_setting(s, setting, sqlite3_value_double(value));
        return SQLITE_OK;
    }
    *problem_out = setting_problem(rule, value);
    return *problem_out ? SQLITE_ERROR : SQLITE_NOMEM;
}

int reconcile_settings_read(sqlite3_stmt *stmt, struct reconcile_settings *s,
                            char **problem_out)
{
    int rc;
    int i;

    *problem_out = NULL;
    reconcile_settings_default(s);
    if (stmt == NULL)
        return SQLITE_OK;
    rc = sqlite3_step(stmt);
    for (i = 0; rc == SQLITE_ROW && i < RECONCILE_SETTING_COUNT; i++) {
        /* A column value is unprotected; its copy may be converted. */
        sqlite3_value *value = sqlite3_value_dup(sqlite3_column_value(stmt, i));
        if (value == NULL) {
            rc = SQLITE_NOMEM;
            break;
        }
        if (reconcile_setting_set(s, i, value, problem_out) != SQLITE_OK)
            rc = *problem_out ? SQLITE_ERROR : SQLITE_NOMEM;
        sqlite3_value_free(value);
    }
    sqlite3_reset(stmt);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Sets message (or out of memory when it is NULL) as ctx's error, and frees it.
 */
static void result_error_free(sqlite3_context *ctx, char *message)
{
    if (message == NULL) {
        sqlite3_result_error_nomem(ctx);
        return;
    }
    sqlite3_result_error(ctx, message, -1);
    sqlite3_free(message);
}

/*
** Returns 1 after setting an error on ctx when the amount is no integer or
** the currency no ISO 4217 code; else 0.
*/
static int fee_tolerance_bad_args(sqlite3_context *ctx, sqlite3_value **argv)
{
    const unsigned char *currency;
    char excerpt[TEXT_EXCERPT_SIZE];
    char *got;

    if (sqlite3_value_numeric_type(argv[0]) != SQLITE_INTEGER) {
        got = quote_value(argv[0]);
        result_error_free(
            ctx,
            got ? sqlite3_mprintf(
                      "reconcile_fee_tolerance: 1st argument must be an integer amount in minor units, got %s",
                      got)
                : NULL);
        sqlite3_free(got);
        return 1;
    }
    currency = sqlite3_value_text(argv[1]);
    if (currency == NULL) {
        sqlite3_result_error_nomem(ctx);
        return 1;
    }
    if (sqlite3_value_bytes(argv[1]) == 3 &&
        currency_minor_digits((const char *)currency) >= 0)
        return 0;
    text_excerpt(currency, sqlite3_value_bytes(argv[1]), excerpt);
    result_error_free(
        ctx,
        sqlite3_mprintf(
            "reconcile_fee_tolerance: 2nd argument must be an ISO 4217 code such as 'EUR', got '%s'",
            excerpt));
    return 1;
}

/*
** reconcile_fee_tolerance(open_cents, currency, fee_abs_cents, fee_pct):
** the tolerance of reconcile_fee_tolerance() for the views of
** sql/reconcile.sql. NULL when an argument is NULL.
*/
static void fee_tolerance_func(sqlite3_context *ctx, int argc,
                               sqlite3_value **argv)
{
    struct reconcile_settings s;
    char *problem = NULL;
    int rc;
    int i;

    (void)argc;
    for (i = 0; i < 4; i++)
        if (sqlite3_value_type(argv[i]) == SQLITE_NULL)
            return;
    if (fee_tolerance_bad_args(ctx, argv))
        return;
    reconcile_settings_default(&s);
    rc = reconcile_setting_set(&s, RECONCILE_SETTING_FEE_ABS_CENTS, argv[2],
                               &problem);
    if (rc == SQLITE_OK)
        rc = reconcile_setting_set(&s, RECONCILE_SETTING_FEE_PCT, argv[3],
                                   &problem);
    if (rc == SQLITE_OK) {
        sqlite3_result_int64(ctx,
                             reconcile_fee_tolerance(
                                 &s, (const char *)sqlite3_value_text(argv[1]),
                                 sqlite3_value_int64(argv[0])));
        return;
    }
    result_error_free(
        ctx, problem ? sqlite3_mprintf("reconcile_fee_tolerance: %s", problem)
                     : NULL);
    sqlite3_free(problem);
}

int reconcile_settings_register(sqlite3 *db)
{
    /* Deterministic and innocuous: a pure function of its arguments, so
    ** the views of sql/reconcile.sql may call it with trusted_schema=OFF. */
    return sqlite3_create_function(db, "reconcile_fee_tolerance", 4,
                                   SQLITE_UTF8 | SQLITE_DETERMINISTIC |
                                       SQLITE_INNOCUOUS,
                                   NULL, fee_tolerance_func, NULL, NULL);
}
