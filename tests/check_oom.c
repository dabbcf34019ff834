/*
** Out of memory: every allocation an operation makes is failed in turn.
**
** The suite installs a counting allocator with
** sqlite3_config(SQLITE_CONFIG_MALLOC) and libxml2's xmlMemSetup, so both
** SQLite's allocations (and the extension's, which go through
** sqlite3_malloc64) and the camt reader's XML parser can be made to fail.
** For each operation in oom_cases it first runs the operation without
** faults to learn the right outcome, then for N = 1, 2, ... fails the Nth
** allocation, once ("one-shot") or with every later one too
** ("persistent"), until an N is reached that the operation never gets to.
** After each run it checks:
**   - the outcome is the right one, or SQLITE_NOMEM / "out of memory";
**   - a failed write left the database content exactly as before;
**   - run again without faults, the operation gives the right outcome;
**   - after sqlite3_close every block SQLite allocated is freed.
** Lookaside is turned off so that every small allocation is a fault point.
**
** Check runs each test in a child process (CK_FORK), so the allocator
** swap stays local; with CK_FORK=no the tests put the default back.
*/
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

int sqlite3_receivables_init(sqlite3 *db, char **err_out,
                             const sqlite3_api_routines *api);

/* libxml2's allocator hook, declared here so the suite needs no libxml2
** headers: xmlMemSetup(free, malloc, realloc, strdup) in xmlmemory.h. */
int xmlMemSetup(void (*free_fn)(void *), void *(*malloc_fn)(size_t),
                void *(*realloc_fn)(void *, size_t),
                char *(*strdup_fn)(const char *));

/* ---- The failing allocator -------------------------------------------- */

/* Fault injection state, shared by the SQLite and libxml2 hooks. */
static struct {
    sqlite3_mem_methods base; /* SQLite's default allocator */
    long countdown;           /* allocations left before a fault, -1: off */
    int persistent;           /* 1: every allocation after the first
                                 fault fails too */
    long faults;              /* faults injected since the last arm */
    long calls;               /* allocations requested while armed */
    long live;                /* SQLite blocks allocated and not freed */
} oom;

/* Returns 1 when this allocation must fail, counting it. */
static int oom_should_fail(void)
{
    if (oom.countdown < 0)
        return 0;
    oom.calls++;
    if (oom.countdown > 0) {
        oom.countdown--;
        return 0;
    }
    oom.faults++;
    if (!oom.persistent)
        oom.countdown = -1;
    return 1;
}

static void *oom_malloc(int n)
{
    void *p;

    if (oom_should_fail())
        return NULL;
    p = oom.base.xMalloc(n);
    if (p != NULL)
        oom.live++;
    return p;
}

static void oom_free(void *p)
{
    if (p != NULL)
        oom.live--;
    oom.base.xFree(p);
}

/* SQLite never passes NULL here: sqlite3_realloc(NULL, n) calls xMalloc. */
static void *oom_realloc(void *p, int n)
{
    if (oom_should_fail())
        return NULL;
    return oom.base.xRealloc(p, n);
}

/* libxml2's blocks come from the C library either way, so a block
** allocated before the hook and freed after it stays consistent. */
static void *oom_xml_malloc(size_t n)
{
    return oom_should_fail() ? NULL : malloc(n);
}

static void *oom_xml_realloc(void *p, size_t n)
{
    return oom_should_fail() ? NULL : realloc(p, n);
}

static char *oom_xml_strdup(const char *text)
{
    return oom_should_fail() ? NULL : strdup(text);
}

/* Restarts SQLite with the counting allocator and no lookaside. */
static void oom_install(void)
{
    sqlite3_mem_methods methods;

    oom.countdown = -1;
    ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
    ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_GETMALLOC, &oom.base),
                     SQLITE_OK);
    methods = oom.base;
    methods.xMalloc = oom_malloc;
    methods.xFree = oom_free;
    methods.xRealloc = oom_realloc;
    ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_MALLOC, &methods),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
    ck_assert_int_eq(xmlMemSetup(free, oom_xml_malloc, oom_xml_realloc,
                                 oom_xml_strdup),
                     0);
}

/* Puts SQLite's default allocator back, for CK_FORK=no runs. */
static void oom_uninstall(void)
{
    oom.countdown = -1;
    ck_assert_int_eq(sqlite3_shutdown(), SQLITE_OK);
    ck_assert_int_eq(sqlite3_config(SQLITE_CONFIG_MALLOC, &oom.base),
                     SQLITE_OK);
    ck_assert_int_eq(sqlite3_initialize(), SQLITE_OK);
}

/* Makes the (skip + 1)th allocation from now fail. */
static void oom_arm(long skip, int persistent)
{
    oom.faults = 0;
    oom.calls = 0;
    oom.persistent = persistent;
    oom.countdown = skip;
}

static void oom_disarm(void)
{
    oom.countdown = -1;
}

/* ---- Databases ----------------------------------------------------------- */

/* Where an operation runs. */
enum oom_db_kind {
    OOM_DB_MEMORY, /* :memory: with the extension, no schema */
    OOM_DB_LEDGER  /* an in-memory copy of the ledger template */
};

/* The ledger the write operations work on: three customers, open
** invoices in two currencies, payments with money left (payment 3 is an
** automatic match for invoice 2), one allocation to undo. Payments 4 to 6
** give the engine's other paths work: one memo naming two invoices, a
** valid RF creditor reference, a probable duplicate of payment 4, and a
** payer known only by the account in payer_aliases. */
static const char oom_ledger_sql[] =
    "UPDATE settings SET as_of = '2013-06-30';"
    "INSERT INTO customers (customer_id, code, name) VALUES"
    " (1, 'ACME', 'Acme Trading Ltd'), (2, 'BETA', 'Beta GmbH'),"
    " (3, 'MUSO', 'M\xc3\xbcller & S\xc3\xb6hne KG');"
    "INSERT INTO invoices (invoice_id, number, customer_id, issue_date,"
    " due_date, total_cents, currency) VALUES"
    " (1, 'INV-2013-0042', 1, '2013-01-10', '2013-02-09', 25000, 'EUR'),"
    " (2, 'INV-2013-0043', 1, '2013-04-01', '2013-05-01', 12000, 'EUR'),"
    " (3, 'INV-2013-0044', 2, '2013-06-01', '2013-07-01', 9900, 'USD'),"
    " (4, 'RE-2013-100', 3, '2013-05-01', '2013-05-31', 4000, 'EUR'),"
    " (5, 'RE-2013-101', 3, '2013-05-02', '2013-06-01', 6000, 'EUR'),"
    " (6, 'RF18539007547034', 2, '2013-05-10', '2013-06-09', 7500, 'USD');"
    "INSERT INTO payments (payment_id, customer_id, received_date,"
    " amount_cents, currency, reference, payer_name) VALUES"
    " (1, 1, '2013-03-01', 30000, 'EUR', 'INV-2013-0042', 'ACME TRADING'),"
    " (2, 2, '2013-06-15', 5000, 'USD', 'invoice 44 part', 'Beta'),"
    " (3, NULL, '2013-05-03', 12000, 'EUR', 'Inv 2013-0043 thanks',"
    "  'Acme Trading'),"
    " (4, NULL, '2013-06-03', 10000, 'EUR', 'RE 2013-100, RE 2013-101',"
    "  'MUELLER U SOEHNE'),"
    " (5, NULL, '2013-06-10', 7500, 'USD', 'RF18 5390 0754 7034', 'B. GmbH'),"
    " (6, NULL, '2013-06-05', 10000, 'EUR', 'RE 2013-100, RE 2013-101',"
    "  'MUELLER U SOEHNE');"
    "UPDATE payments SET payer_account = 'DE89370400440532013000'"
    " WHERE payment_id IN (4, 6);"
    "INSERT INTO payer_aliases (kind, alias, customer_id) VALUES"
    " ('account', 'DE89370400440532013000', 3);"
    "INSERT INTO allocations (allocation_id, invoice_id, payment_id,"
    " amount_cents, created_by) VALUES (1, 1, 1, 25000, 'setup');";

/* The ledger's database image, built once per test. Each run writes it to
** a file of its own: a file rather than a deserialized in-memory image,
** because an in-memory database keeps its rollback journal in memory too,
** and a fault there tests SQLite's MEMORY journal mode (which can leave a
** half-written commit) rather than the extension. */
static unsigned char *oom_template;
static sqlite3_int64 oom_template_size;

/* The file each run works on, on tmpfs when there is one. */
static char oom_path[96];

/* Opens path with the extension; fails the test if it cannot. */
static sqlite3 *oom_open_path(const char *path)
{
    sqlite3 *db = NULL;
    char *err = NULL;

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    ck_assert_int_eq(sqlite3_receivables_init(db, &err, NULL), SQLITE_OK);
    return db;
}

/* Builds the ledger with every file of sql/ and keeps its image. */
static void oom_build_template(void)
{
    sqlite3 *db = oom_open_path(":memory:");
    struct stat st;

    harness_exec_file(db, "../sql/schema.sql");
    harness_exec_file(db, "../sql/triggers.sql");
    harness_exec_file(db, "../sql/views.sql");
    harness_exec_file(db, "../sql/sync.sql");
    harness_exec_file(db, "../sql/reconcile.sql");
    harness_exec(db, oom_ledger_sql);
    oom_template = sqlite3_serialize(db, "main", &oom_template_size, 0);
    ck_assert_ptr_nonnull(oom_template);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    snprintf(oom_path, sizeof(oom_path), "%s/receivables-oom-%ld.db",
             stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp",
             (long)getpid());
}

/* Returns the path of the rollback journal of oom_path. */
static const char *oom_journal_path(void)
{
    static char path[sizeof(oom_path) + 8];

    snprintf(path, sizeof(path), "%s-journal", oom_path);
    return path;
}

static void oom_remove_files(void)
{
    unlink(oom_path);
    unlink(oom_journal_path());
}

/* Writes size bytes to the file at path, replacing it. */
static void oom_write_file(const char *path, const unsigned char *bytes,
                           size_t size)
{
    FILE *f = fopen(path, "wb");

    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(bytes, 1, size, f), size);
    ck_assert_int_eq(fclose(f), 0);
}

/* Opens a fresh database of the given kind and reads its schema in, so
** that the faults start at the operation itself. */
static sqlite3 *oom_open(enum oom_db_kind kind)
{
    sqlite3 *db;

    if (kind == OOM_DB_MEMORY)
        return oom_open_path(":memory:");
    oom_remove_files();
    oom_write_file(oom_path, oom_template, (size_t)oom_template_size);
    db = oom_open_path(oom_path);
    harness_exec(db, "SELECT count(*) FROM sqlite_schema");
    return db;
}

/* A database image, as the bytes of its file. */
struct oom_image {
    unsigned char *bytes; /* malloc(), or NULL for a :memory: database */
    size_t size;
};

/* Reads the file of the ledger into *out; a :memory: database without a
** schema gives an empty image. After a rollback every page is restored
** byte for byte, so equal images mean equal content. The connection must
** hold no transaction open, so that the file is up to date. */
static void oom_take_image(sqlite3 *db, enum oom_db_kind kind,
                           struct oom_image *out)
{
    FILE *f;
    struct stat st;

    out->bytes = NULL;
    out->size = 0;
    if (kind == OOM_DB_MEMORY)
        return;
    ck_assert_int_eq(sqlite3_get_autocommit(db), 1);
    ck_assert_int_eq(stat(oom_path, &st), 0);
    f = fopen(oom_path, "rb");
    ck_assert_ptr_nonnull(f);
    out->size = (size_t)st.st_size;
    out->bytes = malloc(out->size ? out->size : 1);
    ck_assert_ptr_nonnull(out->bytes);
    ck_assert_uint_eq(fread(out->bytes, 1, out->size, f), out->size);
    fclose(f);
}

static int oom_same_image(const struct oom_image *a, const struct oom_image *b)
{
    return a->size == b->size &&
           (a->size == 0 || memcmp(a->bytes, b->bytes, a->size) == 0);
}

/* ---- Operations ---------------------------------------------------------- */

/* One operation to fail allocations in. */
struct oom_case {
    const char *name;
    enum oom_db_kind db;
    const char *sql;      /* the operation, or NULL to read sql_file */
    const char *sql_file; /* relative to tests/ */
    const char *path;     /* bound to :path, relative to tests/ */
};

/* Two 80-character strings, longer than the 64 code points of the
** bit-parallel paths, so the row-by-row distances run too. */
#define OOM_LONG_A "replace(hex(zeroblob(40)), '00', 'ab')"
#define OOM_LONG_B "replace(hex(zeroblob(40)), '00', 'ba')"

/* The CSV reader's options for us_bom.csv. */
#define OOM_CSV_OPTIONS                                                        \
    "'date=Date,date_order=mdy,amount=Amount,thousands=comma,"                 \
    "memo=Description,reference=Reference,currency=USD'"

/* The CSV reader's options for germany_soll_haben.csv: debit and credit
** columns, comma decimals, two lines before the header. */
#define OOM_CSV_SOLL_HABEN                                                     \
    "'delimiter=semicolon,decimal=comma,thousands=point,date_order=dmy,"       \
    "skip=2,date=Buchungstag,value_date=Valuta,"                               \
    "counterparty_name=Auftraggeber/Empf\xc3\xa4nger,"                          \
    "counterparty_account=IBAN,memo=Verwendungszweck,debit=Soll,"              \
    "credit=Haben,currency=W\xc3\xa4hrung'"

/* Each function with realistic arguments and with an argument it rejects,
** each virtual table and statement reader, an allocation and an undo
** through the triggers, the automatic reconciliation and a statement file
** import. */
static const struct oom_case oom_cases[] = {
    {"version", OOM_DB_MEMORY, "SELECT receivables_version()", NULL, NULL},
    {"parse_date", OOM_DB_MEMORY,
     "SELECT parse_date('31.01.2013', 'dmy'), parse_date('2013/1/31'),"
     " parse_date(NULL)",
     NULL, NULL},
    {"parse_date_error", OOM_DB_MEMORY,
     "SELECT parse_date('2/30/2013', 'mdy')", NULL, NULL},
    {"days_overdue", OOM_DB_MEMORY,
     "SELECT days_overdue('2013-02-01', '2013-03-03'),"
     " due_alert('2013-02-01', '2013-01-29'), aging_bucket(45)",
     NULL, NULL},
    {"days_overdue_error", OOM_DB_MEMORY,
     "SELECT days_overdue('2013-02-30', '2013-03-01')", NULL, NULL},
    {"parse_amount", OOM_DB_MEMORY,
     "SELECT parse_amount('$ 1,234.56'), parse_amount('1.234,56', ','),"
     " parse_amount('JPY 1,500', '.', 0), currency_digits('KWD')",
     NULL, NULL},
    {"parse_amount_error", OOM_DB_MEMORY, "SELECT parse_amount('12 - 34')",
     NULL, NULL},
    {"format_money", OOM_DB_MEMORY,
     "SELECT format_money(123456), format_money(-5, 'USD'),"
     " format_money(1234, 'KWD')",
     NULL, NULL},
    {"format_money_error", OOM_DB_MEMORY, "SELECT format_money(5, 'usd')",
     NULL, NULL},
    {"similarity", OOM_DB_MEMORY,
     "SELECT levenshtein('kitten', 'sitting'),"
     " damerau_levenshtein(" OOM_LONG_A ", " OOM_LONG_B "),"
     " jaro_winkler('MARTHA', 'MARHTA')",
     NULL, NULL},
    {"similarity_error", OOM_DB_MEMORY,
     "SELECT levenshtein(CAST(x'ff' AS TEXT), 'a')", NULL, NULL},
    {"ref_normalize", OOM_DB_MEMORY,
     "SELECT ref_normalize('FACTURA N\xc2\xba 0042/2013'),"
     " ref_similarity('INV-2013-004512 ACME', '4512')",
     NULL, NULL},
    {"ref_normalize_error", OOM_DB_MEMORY,
     "SELECT ref_normalize(CAST(x'c328' AS TEXT))", NULL, NULL},
    {"creditor_ref", OOM_DB_MEMORY,
     "SELECT creditor_ref_valid('RF18 5390 0754 7034'),"
     " creditor_ref_payload('RF18539007547034'),"
     " creditor_ref_make('be', '20240042')",
     NULL, NULL},
    {"creditor_ref_error", OOM_DB_MEMORY,
     "SELECT creditor_ref_make('xx', '1')", NULL, NULL},
    {"ar_aging", OOM_DB_LEDGER, "SELECT * FROM ar_aging('2013-06-30')", NULL,
     NULL},
    {"ar_aging_customer", OOM_DB_LEDGER,
     "SELECT * FROM ar_aging('2013-06-30') WHERE customer_id = 1", NULL,
     NULL},
    {"ar_aging_error", OOM_DB_LEDGER, "SELECT * FROM ar_aging('2013-02-30')",
     NULL, NULL},
    {"reconcile_candidates", OOM_DB_LEDGER,
     "SELECT * FROM reconcile_candidates", NULL, NULL},
    {"reconcile_payment", OOM_DB_LEDGER,
     "SELECT * FROM reconcile_candidates WHERE payment_id = 3"
     " AND fee_pct = 0 AND max_rank = 2",
     NULL, NULL},
    {"reconcile_apply", OOM_DB_LEDGER,
     "INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,"
     " method, score, created_by, reason)"
     " SELECT invoice_id, kind, payment_id, amount_cents, method, score,"
     " 'nightly', reason FROM reconcile_auto_allocations",
     NULL, NULL},
    {"allocate", OOM_DB_LEDGER,
     "INSERT INTO allocations (invoice_id, payment_id, amount_cents,"
     " created_by) VALUES (2, 1, 5000, 'oom')",
     NULL, NULL},
    {"allocate_rejected", OOM_DB_LEDGER,
     "INSERT INTO allocations (invoice_id, payment_id, amount_cents)"
     " VALUES (3, 2, 9901)",
     NULL, NULL},
    {"undo", OOM_DB_LEDGER, "DELETE FROM allocations WHERE allocation_id = 1",
     NULL, NULL},
    {"journal_ledger", OOM_DB_LEDGER, "SELECT line FROM journal_ledger", NULL,
     NULL},
    {"bank_statement_camt", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement(:path)", NULL,
     "data/statements/camt/camt053.v2.minimal.xml"},
    {"bank_statement_camt054", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement(:path, 'camt', 'batch=split')", NULL,
     "data/statements/camt/camt054.v2.xml"},
    {"bank_statement_ofx", OOM_DB_MEMORY,
     "SELECT *, format FROM bank_statement(:path)", NULL,
     "data/statements/ofx/checking.ofx"},
    {"bank_statement_mt940", OOM_DB_MEMORY,
     "SELECT *, format FROM bank_statement(:path)", NULL,
     "data/statements/mt940/jejik/abnamro.sta"},
    {"bank_statement_csv", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement(:path, 'csv', " OOM_CSV_OPTIONS ")", NULL,
     "data/statements/csv/us_bom.csv"},
    {"bank_statement_balances", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement_balances(:path)", NULL,
     "data/statements/camt/camt053.v2.multi.statement.xml"},
    {"bank_statement_error", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement(:path)", NULL,
     "data/statements/camt/camt053.v2.wrong.xml"},
    {"import_camt", OOM_DB_LEDGER, NULL, "../sql/import_statement.sql",
     "data/statements/camt/camt053.v2.minimal.xml"},
    {"import_ofx", OOM_DB_LEDGER, NULL, "../sql/import_statement.sql",
     "data/statements/ofx/checking.ofx"},
    {"import_mt940", OOM_DB_LEDGER, NULL, "../sql/import_statement.sql",
     "data/statements/mt940/self-provided/sparkassen.sta"},
    {"discrepancies", OOM_DB_LEDGER, "SELECT * FROM discrepancies", NULL,
     NULL},
    {"write_offs", OOM_DB_LEDGER, "SELECT * FROM reconcile_write_offs", NULL,
     NULL},
    {"confirm", OOM_DB_LEDGER,
     "INSERT INTO reconcile_decisions (payment_id, invoice_ids,"
     " allocate_cents, decision, actor) VALUES (4, '[4,5]', NULL,"
     " 'confirm', 'oom')",
     NULL, NULL},
    {"reject", OOM_DB_LEDGER,
     "INSERT INTO reconcile_decisions (payment_id, invoice_ids, decision,"
     " actor) VALUES (6, '[4,5]', 'reject', 'oom')",
     NULL, NULL},
    {"bank_statement_mt940_narrative", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement(:path, 'mt940')", NULL,
     "data/statements/mt940/self-provided/gv_codes.sta"},
    {"bank_statement_csv_debit_credit", OOM_DB_MEMORY,
     "SELECT * FROM bank_statement(:path, 'csv', " OOM_CSV_SOLL_HABEN ")",
     NULL, "data/statements/csv/germany_soll_haben.csv"},
    {"bank_statement_ofx_accounts", OOM_DB_MEMORY,
     "SELECT *, format FROM bank_statement(:path)", NULL,
     "data/statements/ofx/multiple_accounts.ofx"},
};

#define OOM_CASE_COUNT ((int)(sizeof(oom_cases) / sizeof(*oom_cases)))

/* ---- Running an operation ---------------------------------------------- */

/* Text built with the C library's malloc, so that recording an outcome
** never draws on the allocator under test. */
struct oom_text {
    char *data; /* NUL-terminated; free() */
    size_t len;
    size_t cap;
};

static void oom_text_add(struct oom_text *t, const char *text, size_t n)
{
    if (t->len + n + 1 > t->cap) {
        t->cap = (t->len + n + 1) * 2;
        t->data = realloc(t->data, t->cap);
        ck_assert_ptr_nonnull(t->data);
    }
    memcpy(t->data + t->len, text, n);
    t->len += n;
    t->data[t->len] = '\0';
}

/* What one run of an operation did. */
struct oom_outcome {
    int rc;     /* SQLITE_OK, or the error code */
    char *text; /* the rows as harness_query writes them, or the error
                   message; free() */
};

/* Binds :path and :on_mismatch; the other parameters stay NULL. */
static int oom_bind(sqlite3_stmt *stmt, const struct oom_case *c)
{
    int i = sqlite3_bind_parameter_index(stmt, ":path");
    int rc = SQLITE_OK;

    if (i > 0)
        rc = sqlite3_bind_text(stmt, i, c->path, -1, SQLITE_STATIC);
    i = sqlite3_bind_parameter_index(stmt, ":on_mismatch");
    if (rc == SQLITE_OK && i > 0)
        rc = sqlite3_bind_text(stmt, i, "report", -1, SQLITE_STATIC);
    return rc;
}

/* Steps stmt to its end, adding each row to out. A column that cannot be
** converted to text for lack of memory counts as SQLITE_NOMEM. */
static int oom_step_all(sqlite3_stmt *stmt, struct oom_text *out)
{
    int rc;

    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        int i;
        for (i = 0; i < sqlite3_column_count(stmt); i++) {
            const char *text = (const char *)sqlite3_column_text(stmt, i);
            if (text == NULL && sqlite3_column_type(stmt, i) != SQLITE_NULL)
                return SQLITE_NOMEM;
            if (i > 0)
                oom_text_add(out, "|", 1);
            text = text ? text : "NULL";
            oom_text_add(out, text, strlen(text));
        }
        oom_text_add(out, "\n", 1);
    }
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Runs every statement of sql on db and records the outcome in *out. */
static void oom_run(sqlite3 *db, const struct oom_case *c, const char *sql,
                    struct oom_outcome *out)
{
    struct oom_text text = {NULL, 0, 0};
    const char *tail = sql;
    int rc = SQLITE_OK;

    oom_text_add(&text, "", 0);
    while (rc == SQLITE_OK && tail != NULL) {
        sqlite3_stmt *stmt = NULL;
        /* Preparing the line end after the last statement allocates a
        ** parser too, and failing it would report out of memory for an
        ** operation that has committed. */
        tail += strspn(tail, " \t\r\n");
        if (*tail == '\0')
            break;
        rc = sqlite3_prepare_v2(db, tail, -1, &stmt, &tail);
        if (rc != SQLITE_OK || stmt == NULL)
            break;
        rc = oom_bind(stmt, c);
        if (rc == SQLITE_OK)
            rc = oom_step_all(stmt, &text);
        sqlite3_finalize(stmt);
    }
    if (rc != SQLITE_OK) {
        const char *message = sqlite3_errmsg(db);
        text.len = 0;
        oom_text_add(&text, message, strlen(message));
    }
    out->rc = rc;
    out->text = text.data;
}

/* Returns 1 when an outcome reports that memory ran out. */
static int oom_is_nomem(const struct oom_outcome *o)
{
    return o->rc == SQLITE_NOMEM ||
           (o->rc != SQLITE_OK && strstr(o->text, "out of memory") != NULL);
}

static int oom_same_outcome(const struct oom_outcome *a,
                            const struct oom_outcome *b)
{
    return a->rc == b->rc && strcmp(a->text, b->text) == 0;
}

/* ---- The fault loop -------------------------------------------------- */

/* The right outcome of an operation, from a run without faults. */
struct oom_reference {
    struct oom_outcome outcome;
    struct oom_image before; /* the image it starts from */
    struct oom_image after;  /* the image it leaves */
    long allocations;        /* allocations it makes */
};

/* Figures of one fault loop, for RELIABILITY.md. */
struct oom_stats {
    long fault_points; /* values of N whose fault the operation reached */
    long faults;       /* allocations failed in all (persistent: many) */
    long nomem;        /* runs that reported out of memory */
    long other_errors; /* runs that failed with another error */
    long recovered;    /* runs that gave the right outcome regardless */
    char first_other_error[200]; /* the first such error, for the log */
};

/* Appends the figures to the file RECEIVABLES_OOM_LOG names, if set. */
static void oom_log_stats(const char *name, int persistent,
                          const struct oom_stats *stats)
{
    const char *path = getenv("RECEIVABLES_OOM_LOG");
    FILE *f = path ? fopen(path, "a") : NULL;

    if (f == NULL)
        return;
    fprintf(f,
            "%s %s fault_points=%ld faults=%ld nomem=%ld other_errors=%ld"
            " recovered=%ld %s\n",
            name, persistent ? "persistent" : "one-shot",
            stats->fault_points, stats->faults, stats->nomem,
            stats->other_errors, stats->recovered, stats->first_other_error);
    fclose(f);
}

/* Runs the operation once without faults and keeps what it did. A first
** run, thrown away, does the allocations made once per process (libxml2
** sets up its parser on the first document it reads), so that the counted
** run makes as many allocations as every faulted run after it. */
static void oom_reference_run(const struct oom_case *c, const char *sql,
                              struct oom_reference *ref)
{
    struct oom_outcome warm_up = {0, NULL};
    sqlite3 *db = oom_open(c->db);

    oom_run(db, c, sql, &warm_up);
    free(warm_up.text);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    db = oom_open(c->db);
    oom_take_image(db, c->db, &ref->before);
    oom_arm(LONG_MAX, 0); /* counts allocations, fails none */
    oom_run(db, c, sql, &ref->outcome);
    ref->allocations = oom.calls;
    oom_disarm();
    oom_take_image(db, c->db, &ref->after);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    ck_assert_msg(!oom_is_nomem(&ref->outcome),
                  "%s: out of memory without faults", c->name);
}

/* After a run that failed: nothing may have changed, and the operation run
** again on the same connection without faults must give the right
** outcome. */
static void oom_check_retry(const struct oom_case *c, long n, sqlite3 *db,
                            const char *sql, const struct oom_reference *ref)
{
    struct oom_outcome again = {0, NULL};
    struct oom_image image;

    oom_take_image(db, c->db, &image);
    ck_assert_msg(oom_same_image(&image, &ref->before),
                  "%s: N=%ld: the run failed, but the database changed",
                  c->name, n);
    free(image.bytes);
    oom_run(db, c, sql, &again);
    ck_assert_msg(oom_same_outcome(&again, &ref->outcome),
                  "%s: N=%ld: the run after the failure went wrong\n"
                  "  expected (rc %d): %s\n  got (rc %d): %s",
                  c->name, n, ref->outcome.rc, ref->outcome.text, again.rc,
                  again.text);
    free(again.text);
}

/* Sorts the outcome of a run that reached a fault into stats; a run that
** failed is retried. An error is accepted in place of the right outcome
** (SQLite reports some failures as another error, e.g. "SQL logic
** error" when it cannot copy a function's error message), but a success
** must be the right one. */
static void oom_check_faulted(const struct oom_case *c, long n, sqlite3 *db,
                              const char *sql, const struct oom_outcome *got,
                              const struct oom_reference *ref,
                              struct oom_stats *stats)
{
    if (oom_is_nomem(got)) {
        stats->nomem++;
    } else if (got->rc != SQLITE_OK && !oom_same_outcome(got, &ref->outcome)) {
        stats->other_errors++;
        if (stats->first_other_error[0] == '\0')
            snprintf(stats->first_other_error,
                     sizeof(stats->first_other_error), "N=%ld: %s", n,
                     got->text);
    } else {
        ck_assert_msg(oom_same_outcome(got, &ref->outcome),
                      "%s: N=%ld: a failed allocation changed the outcome\n"
                      "  expected (rc %d): %s\n  got (rc %d): %s",
                      c->name, n, ref->outcome.rc, ref->outcome.text, got->rc,
                      got->text);
        stats->recovered++;
        return;
    }
    oom_check_retry(c, n, db, sql, ref);
}

/* Runs the operation with allocation n failed (and, when persistent, every
** one after it) on a fresh database and checks the result. Returns the
** number of allocations failed: 0 when the operation never reached n. */
static long oom_fault_run(const struct oom_case *c, const char *sql, long n,
                          int persistent, const struct oom_reference *ref,
                          struct oom_stats *stats)
{
    struct oom_outcome got = {0, NULL};
    struct oom_image image;
    sqlite3 *db = oom_open(c->db);
    long faults;

    oom_arm(n - 1, persistent);
    oom_run(db, c, sql, &got);
    oom_disarm();
    faults = oom.faults;
    if (faults > 0)
        oom_check_faulted(c, n, db, sql, &got, ref, stats);
    else
        ck_assert_msg(oom_same_outcome(&got, &ref->outcome),
                      "%s: N=%ld: no fault, yet another outcome: %s", c->name,
                      n, got.text);
    oom_take_image(db, c->db, &image);
    ck_assert_msg(oom_same_image(&image, &ref->after),
                  "%s: N=%ld: wrong database content at the end", c->name, n);
    free(image.bytes);
    free(got.text);
    ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
    return faults;
}

/* Returns the N after n to test. RECEIVABLES_OOM_EVERY=1 tests every N;
** otherwise the first 32 and then about 64 spread evenly over the
** operation's allocations, so that the whole suite stays quick. */
static int oom_every_n; /* 1: a test wants every N, as with the variable */

static long oom_next_n(long n, long allocations)
{
    const char *every = getenv("RECEIVABLES_OOM_EVERY");
    long step = allocations / 64;

    /* Past the end (an XML read that ran longer this time), one by one. */
    if (oom_every_n || (every != NULL && strcmp(every, "1") == 0) || n < 32 ||
        step < 2 || n > allocations)
        return n + 1;
    return n + step > allocations ? allocations + 1 : n + step;
}

/* Returns by how many allocations a run may fall short of the reference
** run. Reading XML, libxml2 makes a few allocations more or fewer from one
** run to the next: 641 to 643 measured for camt053.v2.minimal.xml, likely
** from the random seed of its dictionary hashes. So a fault planned near
** the end of an XML read may never be reached. Other operations repeat
** their allocations exactly. */
static long oom_count_tolerance(const struct oom_case *c)
{
    size_t n = c->path ? strlen(c->path) : 0;

    return n > 4 && strcmp(c->path + n - 4, ".xml") == 0 ? 16 : 0;
}

/* Fails allocation N of the operation for N = 1, 2, ... (see
** oom_next_n) until it completes without reaching the fault, checking
** for leaks after each run. Returns the number of runs that failed with
** another error than out of memory or the right outcome. */
static long oom_fault_loop(const struct oom_case *c, const char *sql,
                           int persistent)
{
    struct oom_reference ref;
    struct oom_stats stats;
    long baseline;
    long n;

    memset(&ref, 0, sizeof(ref));
    memset(&stats, 0, sizeof(stats));
    oom_reference_run(c, sql, &ref);
    baseline = oom.live;
    for (n = 1;; n = oom_next_n(n, ref.allocations)) {
        long faults = oom_fault_run(c, sql, n, persistent, &ref, &stats);
        ck_assert_msg(oom.live == baseline,
                      "%s: N=%ld: %ld blocks leaked after close", c->name, n,
                      oom.live - baseline);
        if (faults == 0)
            break;
        stats.fault_points++;
        stats.faults += faults;
    }
    ck_assert_msg(n + oom_count_tolerance(c) > ref.allocations,
                  "%s: N=%ld was never reached, but the run without faults"
                  " made %ld allocations",
                  c->name, n, ref.allocations);
    oom_log_stats(c->name, persistent, &stats);
    free(ref.outcome.text);
    free(ref.before.bytes);
    free(ref.after.bytes);
    return stats.other_errors;
}

/* ---- Tests ------------------------------------------------------------- */

/* Returns the text of the file at path; caller frees with free(). */
static char *oom_read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    struct oom_text text = {NULL, 0, 0};
    char buffer[4096];
    size_t n;

    ck_assert_msg(f != NULL, "cannot open %s", path);
    oom_text_add(&text, "", 0);
    while ((n = fread(buffer, 1, sizeof(buffer), f)) > 0)
        oom_text_add(&text, buffer, n);
    fclose(f);
    return text.data;
}

static void oom_setup(void)
{
    oom_install();
    oom_build_template();
}

static void oom_teardown(void)
{
    oom_remove_files();
    sqlite3_free(oom_template);
    oom_template = NULL;
    oom_uninstall();
}

/* Loop index i: case i / 2, one-shot faults when i is even, persistent
** when odd. RECEIVABLES_OOM_CASE=<name> runs that operation alone. */
START_TEST(test_oom_operation_each_allocation)
{
    const struct oom_case *c = &oom_cases[_i / 2];
    const char *only = getenv("RECEIVABLES_OOM_CASE");
    char *sql;

    if (only != NULL && strcmp(only, c->name) != 0)
        return;
    sql = c->sql ? NULL : oom_read_file(c->sql_file);
    (void)oom_fault_loop(c, c->sql ? c->sql : sql, _i % 2);
    free(sql);
}
END_TEST

/*
** Reading a camt file, every allocation failed in turn must end as the
** right rows or as out of memory, never as a fault of the file: a failed
** namespace allocation used to read as "namespace '' is not camt.053",
** and a failure inside the parser as "not well-formed XML: Memory
** allocation failed". The read makes about 640 allocations.
*/
START_TEST(test_oom_camt_failures_are_nomem)
{
    const struct oom_case *c = &oom_cases[0];
    long other_errors;

    while (strcmp(c->name, "bank_statement_camt") != 0)
        c++;
    oom_every_n = 1;
    other_errors = oom_fault_loop(c, c->sql, 0);
    oom_every_n = 0;
    ck_assert_int_eq(other_errors, 0);
}
END_TEST

/* Registering the extension fails cleanly at every allocation: either
** every function works afterwards, or the load reports out of memory and
** nothing leaks. */
START_TEST(test_oom_register_each_allocation)
{
    long n;
    long fault_points = 0;

    for (n = 1;; n++) {
        sqlite3 *db = NULL;
        char *err = NULL;
        long baseline = oom.live;
        int rc;

        ck_assert_int_eq(sqlite3_open(":memory:", &db), SQLITE_OK);
        oom_arm(n - 1, _i);
        rc = sqlite3_receivables_init(db, &err, NULL);
        oom_disarm();
        if (rc == SQLITE_OK)
            expect_sql(db,
                       "SELECT parse_date('2013-01-31'), format_money(5),"
                       " (SELECT count(*) FROM ar_aging('2013-01-31')"
                       "  WHERE 0)",
                       "2013-01-31|0.05|0");
        else
            ck_assert_int_eq(rc, SQLITE_NOMEM);
        sqlite3_free(err);
        ck_assert_int_eq(sqlite3_close(db), SQLITE_OK);
        ck_assert_int_eq(oom.live, baseline);
        if (oom.faults == 0)
            break;
        fault_points++;
    }
    ck_assert_int_gt(fault_points, 0);
}
END_TEST

Suite *oom_suite(void)
{
    Suite *s = suite_create("oom");
    TCase *operations = tcase_create("operations");
    TCase *registration = tcase_create("registration");

    tcase_add_checked_fixture(operations, oom_setup, oom_teardown);
    /* Every N of an import under valgrind takes minutes. */
    tcase_set_timeout(operations, 1200);
    tcase_add_loop_test(operations, test_oom_operation_each_allocation, 0,
                        2 * OOM_CASE_COUNT);
    tcase_add_test(operations, test_oom_camt_failures_are_nomem);
    suite_add_tcase(s, operations);

    tcase_add_checked_fixture(registration, oom_install, oom_uninstall);
    tcase_set_timeout(registration, 60);
    tcase_add_loop_test(registration, test_oom_register_each_allocation, 0,
                        2);
    suite_add_tcase(s, registration);
    return s;
}
