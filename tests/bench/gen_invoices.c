/*
** gen_invoices: fills a database that already contains sql/schema.sql (and no
** triggers yet) with a deterministic receivables ledger for the ar_aging
** benchmark: customers, invoices, payments, credit notes and allocations.
**
** Usage:
**   cc -O2 -o gen_invoices tests/bench/gen_invoices.c -lsqlite3
**   sqlite3 bench.db < sql/schema.sql
**   ./gen_invoices bench.db 1000000 15000
**   sqlite3 bench.db < sql/triggers.sql
**
** Arguments: database path, number of invoices, number of customers
** (default 15000), seed (default 20130630). The same arguments always give
** the same rows.
**
** The ledger: invoices issued evenly from 2009-07-01 to 2013-06-30 with
** invoice_id in issue order. 85% of customers bill in USD, 10% in EUR and
** 5% in both. About 3% of the invoices are void and 4% never paid. About
** 6% are paid in part, 3% partly credited then paid, and 1% partly paid
** with the rest written off 60 to 119 days later. The rest are paid in
** full by one payment or two. Payments fall from 30 days before to 108
** days after the due date, so some come after 2013-06-30.
** Payments, credit notes and allocations are inserted in date order, as a
** ledger records them. invoices.allocated_cents, status and paid_date and
** the payment and credit-note balances are set to what the triggers would
** set, so triggers.sql can be loaded afterwards.
**
** LIMITS: at most 100 million invoices. The whole plan stays in memory
** (about 80 bytes per invoice) until it is written.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#define FIRST_ISSUE_DAY 14426 /* 2009-07-01 as days since 1970-01-01 */
#define ISSUE_SPAN_DAYS 1461  /* to 2013-06-30 inclusive */
#define MAX_INVOICES 100000000L

/* How an invoice is settled. */
enum outcome {
    OUTCOME_PAID_ONCE,
    OUTCOME_PAID_TWICE,
    OUTCOME_PARTIAL,
    OUTCOME_CREDIT_THEN_PAID,
    OUTCOME_WRITE_OFF,
    OUTCOME_UNPAID,
    OUTCOME_VOID
};

/* One allocation to write: what settles which invoice, when, how much. */
struct settlement {
    int date;          /* effective date, days since 1970-01-01 */
    int kind;          /* 0 payment, 1 credit note, 2 write-off */
    long invoice_id;   /* invoices.invoice_id */
    long amount_cents; /* allocations.amount_cents */
};

/* One invoice of the plan. */
struct invoice {
    long customer_id;
    int issue_date; /* days since 1970-01-01 */
    int due_date;   /* days since 1970-01-01 */
    long total_cents;
    long allocated_cents; /* sum of its settlements */
    int paid_date;        /* latest settlement date when fully paid, else 0 */
    char currency[4];
    char is_void;
};

/* Customer profile: terms in days and which currencies it bills in. */
struct customer {
    int terms_days;
    int currencies; /* 1 USD, 2 EUR, 3 both */
};

static unsigned long long rng_state;

/* splitmix64: small, fast and the same on every platform. */
static unsigned long long rng_next(void)
{
    unsigned long long z = (rng_state += 0x9E3779B97F4A7C15ULL);

    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

/* Returns a number in 0..n-1. */
static long rng_below(long n)
{
    return (long)(rng_next() % (unsigned long long)n);
}

/* Writes a day number of years 0-9999 as YYYY-MM-DD (Howard Hinnant's
** civil_from_days). */
static void format_day(int days, char out[11])
{
    long z = days + 719468L;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long day = doy - (153 * mp + 2) / 5 + 1;
    long month = mp < 10 ? mp + 3 : mp - 9;
    long year = yoe + era * 400 + (month <= 2);

    out[0] = (char)('0' + year / 1000 % 10);
    out[1] = (char)('0' + year / 100 % 10);
    out[2] = (char)('0' + year / 10 % 10);
    out[3] = (char)('0' + year % 10);
    out[4] = '-';
    out[5] = (char)('0' + month / 10);
    out[6] = (char)('0' + month % 10);
    out[7] = '-';
    out[8] = (char)('0' + day / 10);
    out[9] = (char)('0' + day % 10);
    out[10] = '\0';
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "gen_invoices: %s failed: %s\n", what,
            db ? sqlite3_errmsg(db) : "out of memory");
    exit(1);
}

/* Growable list of settlements. */
struct settlement_list {
    struct settlement *items;
    long count;
    long capacity;
};

static void add_settlement(struct settlement_list *list, struct invoice *inv,
                           long invoice_id, int kind, int date, long cents)
{
    struct settlement *s;

    if (list->count == list->capacity) {
        list->capacity = list->capacity ? list->capacity * 2 : 1 << 16;
        list->items = realloc(list->items, (size_t)list->capacity * sizeof(*s));
        if (list->items == NULL)
            die(NULL, "realloc");
    }
    if (date < inv->issue_date)
        date = inv->issue_date;
    s = &list->items[list->count++];
    s->date = date;
    s->kind = kind;
    s->invoice_id = invoice_id;
    s->amount_cents = cents;
    inv->allocated_cents += cents;
    /* The latest date so far; settle() clears it unless fully paid. */
    if (date > inv->paid_date)
        inv->paid_date = date;
}

/* Returns the share percent_low..percent_high % of cents, at least 1. */
static long share(long cents, int percent_low, int percent_high)
{
    long part =
        cents * (percent_low + rng_below(percent_high - percent_low + 1)) / 100;
    return part < 1 ? 1 : part;
}

static enum outcome pick_outcome(void)
{
    long r = rng_below(100);

    if (r < 3)
        return OUTCOME_VOID;
    if (r < 7)
        return OUTCOME_UNPAID;
    if (r < 13)
        return OUTCOME_PARTIAL;
    if (r < 16)
        return OUTCOME_CREDIT_THEN_PAID;
    if (r < 17)
        return OUTCOME_WRITE_OFF;
    if (r < 30)
        return OUTCOME_PAID_TWICE;
    return OUTCOME_PAID_ONCE;
}

/* Plans the settlements of one invoice from its outcome. */
static void settle(struct settlement_list *list, struct invoice *inv,
                   long invoice_id)
{
    int pay_day = inv->due_date - 10 + (int)rng_below(40) +
                  (rng_below(4) == 0 ? (int)rng_below(50) : 0);
    long total = inv->total_cents;
    long part;

    switch (pick_outcome()) {
    case OUTCOME_VOID:
        inv->is_void = 1;
        break;
    case OUTCOME_UNPAID:
        break;
    case OUTCOME_PARTIAL:
        add_settlement(list, inv, invoice_id, 0, pay_day, share(total, 20, 80));
        break;
    case OUTCOME_CREDIT_THEN_PAID:
        part = share(total, 10, 50);
        add_settlement(list, inv, invoice_id, 1,
                       inv->issue_date + 1 + (int)rng_below(20), part);
        add_settlement(list, inv, invoice_id, 0, pay_day, total - part);
        break;
    case OUTCOME_WRITE_OFF:
        part = share(total, 50, 90);
        add_settlement(list, inv, invoice_id, 0, pay_day, part);
        add_settlement(list, inv, invoice_id, 2,
                       pay_day + 60 + (int)rng_below(60), total - part);
        break;
    case OUTCOME_PAID_TWICE:
        part = share(total, 30, 70);
        add_settlement(list, inv, invoice_id, 0, pay_day - 20, part);
        add_settlement(list, inv, invoice_id, 0,
                       pay_day + 1 + (int)rng_below(30), total - part);
        break;
    case OUTCOME_PAID_ONCE:
        add_settlement(list, inv, invoice_id, 0, pay_day, total);
        break;
    }
    if (inv->allocated_cents != inv->total_cents)
        inv->paid_date = 0;
}

/* Plans every invoice; invoices[i] has invoice_id i + 1. */
static void plan_invoices(struct invoice *invoices, long n,
                          const struct customer *customers, long n_customers,
                          struct settlement_list *list)
{
    long i;

    for (i = 0; i < n; i++) {
        struct invoice *inv = &invoices[i];
        /* 30% of invoices go to the largest 10% of customers. */
        long pool = rng_below(10) < 3 ? (n_customers + 9) / 10 : n_customers;
        long customer = rng_below(pool);
        int currencies = customers[customer].currencies;
        int in_eur = currencies == 2 || (currencies == 3 && rng_below(2));

        memset(inv, 0, sizeof(*inv));
        inv->customer_id = customer + 1;
        inv->issue_date =
            FIRST_ISSUE_DAY + (int)((long long)i * ISSUE_SPAN_DAYS / n);
        inv->due_date = inv->issue_date + customers[customer].terms_days;
        inv->total_cents = 5000 + rng_below(95000);
        if (rng_below(10) == 0)
            inv->total_cents *= 10;
        memcpy(inv->currency, in_eur ? "EUR" : "USD", 4);
        settle(list, inv, i + 1);
    }
}

static int compare_settlements(const void *a, const void *b)
{
    const struct settlement *left = a;
    const struct settlement *right = b;

    if (left->date != right->date)
        return left->date < right->date ? -1 : 1;
    if (left->invoice_id != right->invoice_id)
        return left->invoice_id < right->invoice_id ? -1 : 1;
    return left->kind - right->kind;
}

static sqlite3_stmt *prepare(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *stmt = NULL;

    if (sqlite3_prepare_v2(db, sql, -1, &stmt, NULL) != SQLITE_OK)
        die(db, sql);
    return stmt;
}

/* Steps an insert to completion and resets it for the next row. */
static void run(sqlite3 *db, sqlite3_stmt *stmt)
{
    if (sqlite3_step(stmt) != SQLITE_DONE)
        die(db, sqlite3_sql(stmt));
    sqlite3_reset(stmt);
}

static void bind_day(sqlite3_stmt *stmt, int index, int days)
{
    char text[11];

    format_day(days, text);
    sqlite3_bind_text(stmt, index, text, 10, SQLITE_TRANSIENT);
}

static void write_customers(sqlite3 *db, const struct customer *customers,
                            long n)
{
    sqlite3_stmt *stmt =
        prepare(db, "INSERT INTO customers (customer_id, code, name,"
                    " payment_terms_days, currency) VALUES (?, ?, ?, ?, ?)");
    char code[32];
    long i;

    for (i = 0; i < n; i++) {
        snprintf(code, sizeof(code), "C%06ld", i + 1);
        sqlite3_bind_int64(stmt, 1, i + 1);
        sqlite3_bind_text(stmt, 2, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(stmt, 3, code, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int(stmt, 4, customers[i].terms_days);
        sqlite3_bind_text(stmt, 5, customers[i].currencies == 2 ? "EUR" : "USD",
                          3, SQLITE_STATIC);
        run(db, stmt);
    }
    sqlite3_finalize(stmt);
}

static void write_invoices(sqlite3 *db, const struct invoice *invoices, long n)
{
    sqlite3_stmt *stmt = prepare(
        db, "INSERT INTO invoices (invoice_id, number, customer_id,"
            " issue_date, due_date, total_cents, currency, status, paid_date,"
            " allocated_cents) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
    char number[32];
    long i;

    for (i = 0; i < n; i++) {
        const struct invoice *inv = &invoices[i];
        const char *status = "issued";

        if (inv->is_void)
            status = "void";
        else if (inv->paid_date)
            status = "paid";
        snprintf(number, sizeof(number), "INV-%08ld", i + 1);
        sqlite3_bind_int64(stmt, 1, i + 1);
        sqlite3_bind_text(stmt, 2, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(stmt, 3, inv->customer_id);
        bind_day(stmt, 4, inv->issue_date);
        bind_day(stmt, 5, inv->due_date);
        sqlite3_bind_int64(stmt, 6, inv->total_cents);
        sqlite3_bind_text(stmt, 7, inv->currency, 3, SQLITE_STATIC);
        sqlite3_bind_text(stmt, 8, status, -1, SQLITE_STATIC);
        if (inv->paid_date)
            bind_day(stmt, 9, inv->paid_date);
        else
            sqlite3_bind_null(stmt, 9);
        sqlite3_bind_int64(stmt, 10, inv->allocated_cents);
        run(db, stmt);
    }
    sqlite3_finalize(stmt);
}

/* The inserts of write_settlements, prepared once. */
struct settlement_writer {
    sqlite3 *db;
    sqlite3_stmt *payment;     /* INSERT INTO payments */
    sqlite3_stmt *credit_note; /* INSERT INTO credit_notes */
    sqlite3_stmt *allocation;  /* INSERT INTO allocations */
    long next_payment_id;
    long next_credit_note_id;
};

/* Inserts the payment or credit note behind s; returns its id or 0. */
static long write_source(struct settlement_writer *w,
                         const struct settlement *s, const struct invoice *inv)
{
    char number[32];
    sqlite3_stmt *stmt;
    long id;

    if (s->kind == 2)
        return 0;
    stmt = s->kind == 0 ? w->payment : w->credit_note;
    id = s->kind == 0 ? w->next_payment_id++ : w->next_credit_note_id++;
    sqlite3_bind_int64(stmt, 1, id);
    sqlite3_bind_int64(stmt, 2, inv->customer_id);
    bind_day(stmt, 3, s->date);
    sqlite3_bind_int64(stmt, 4, s->amount_cents);
    sqlite3_bind_text(stmt, 5, inv->currency, 3, SQLITE_STATIC);
    if (s->kind == 1) {
        snprintf(number, sizeof(number), "CN-%08ld", id);
        sqlite3_bind_text(stmt, 6, number, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(stmt, 7, s->invoice_id);
    }
    run(w->db, stmt);
    return id;
}

static void write_settlements(sqlite3 *db, const struct settlement_list *list,
                              const struct invoice *invoices)
{
    static const char *const kinds[] = {"payment", "credit_note", "write_off"};
    struct settlement_writer w;
    long i;

    w.db = db;
    w.next_payment_id = 1;
    w.next_credit_note_id = 1;
    w.payment = prepare(
        db, "INSERT INTO payments (payment_id, customer_id, received_date,"
            " amount_cents, currency, method, status, allocated_cents)"
            " VALUES (?1, ?2, ?3, ?4, ?5, 'bank_transfer', 'reconciled', ?4)");
    w.credit_note = prepare(
        db, "INSERT INTO credit_notes (credit_note_id, customer_id,"
            " issue_date, amount_cents, currency, number, invoice_id, reason,"
            " status, allocated_cents) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7,"
            " 'price adjustment', 'applied', ?4)");
    w.allocation = prepare(
        db, "INSERT INTO allocations (invoice_id, kind, payment_id,"
            " credit_note_id, amount_cents, effective_date, method, reason)"
            " VALUES (?, ?, ?, ?, ?, ?, 'auto', ?)");
    for (i = 0; i < list->count; i++) {
        const struct settlement *s = &list->items[i];
        long source_id = write_source(&w, s, &invoices[s->invoice_id - 1]);
        sqlite3_stmt *stmt = w.allocation;

        sqlite3_bind_int64(stmt, 1, s->invoice_id);
        sqlite3_bind_text(stmt, 2, kinds[s->kind], -1, SQLITE_STATIC);
        sqlite3_bind_null(stmt, 3);
        sqlite3_bind_null(stmt, 4);
        if (s->kind < 2)
            sqlite3_bind_int64(stmt, 3 + s->kind, source_id);
        sqlite3_bind_int64(stmt, 5, s->amount_cents);
        bind_day(stmt, 6, s->date);
        if (s->kind == 2)
            sqlite3_bind_text(stmt, 7, "uncollectable balance", -1,
                              SQLITE_STATIC);
        else
            sqlite3_bind_null(stmt, 7);
        run(db, stmt);
    }
    sqlite3_finalize(w.payment);
    sqlite3_finalize(w.credit_note);
    sqlite3_finalize(w.allocation);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

int main(int argc, char **argv)
{
    static const int terms[] = {15, 30, 30, 30, 45, 60};
    long n = argc > 2 ? atol(argv[2]) : 0;
    long n_customers = argc > 3 ? atol(argv[3]) : 15000;
    struct settlement_list list = {NULL, 0, 0};
    struct customer *customers;
    struct invoice *invoices;
    sqlite3 *db = NULL;
    long i;

    if (argc < 3 || n < 1 || n > MAX_INVOICES || n_customers < 1) {
        fprintf(stderr, "usage: gen_invoices DB INVOICES [CUSTOMERS] [SEED]\n"
                        "  INVOICES 1..100000000, CUSTOMERS default 15000\n");
        return 2;
    }
    rng_state = argc > 4 ? strtoull(argv[4], NULL, 10) : 20130630ULL;
    customers = malloc((size_t)n_customers * sizeof(*customers));
    invoices = malloc((size_t)n * sizeof(*invoices));
    if (customers == NULL || invoices == NULL)
        die(NULL, "malloc");
    for (i = 0; i < n_customers; i++) {
        long r = rng_below(100);
        customers[i].terms_days = terms[rng_below(6)];
        customers[i].currencies = 3;
        if (r < 85)
            customers[i].currencies = 1;
        else if (r < 95)
            customers[i].currencies = 2;
    }
    plan_invoices(invoices, n, customers, n_customers, &list);
    qsort(list.items, (size_t)list.count, sizeof(*list.items),
          compare_settlements);

    if (sqlite3_open(argv[1], &db) != SQLITE_OK)
        die(db, "open");
    exec(db, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;"
             " PRAGMA cache_size = -262144; BEGIN");
    write_customers(db, customers, n_customers);
    write_invoices(db, invoices, n);
    write_settlements(db, &list, invoices);
    exec(db, "COMMIT");
    if (sqlite3_close(db) != SQLITE_OK)
        die(db, "close");
    printf("gen_invoices: %ld invoices, %ld customers, %ld allocations\n", n,
           n_customers, list.count);
    free(list.items);
    free(invoices);
    free(customers);
    return 0;
}
