/*
** Bank statement imports (sql/sync.sql). External ids make a re-import or
** an overlapping statement add nothing while equal payments are kept.
** Debits and pending entries are skipped, balances are checked, and an
** import that fails or crashes half-way leaves the database as it was.
**
** Most tests feed entries through the statement_import view from two temp
** tables, the way sql/import_statement.sql feeds bank_statement() rows, so
** they fix exactly what each statement contains.
*/
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* Creates the temp tables a test fills with one statement file's content:
** feed_entries (the entries) and feed_statements (the balances). */
static const char feed_tables_sql[] =
    "CREATE TEMP TABLE feed_entries ("
    "  line_no INTEGER, statement_no INTEGER, booking_date TEXT,"
    "  amount_cents INTEGER, name TEXT, counterparty_account TEXT,"
    "  memo TEXT, bank_txn_id TEXT, booked INTEGER DEFAULT 1);"
    "CREATE TEMP TABLE feed_statements ("
    "  statement_no INTEGER, statement_id TEXT, opening_cents INTEGER,"
    "  closing_cents INTEGER, opening_date TEXT, closing_date TEXT);";

/* The import of the feed tables: the INSERT of sql/import_statement.sql
** with the temp tables in place of bank_statement() and
** bank_statement_balances(), account 'ACC1' in EUR. entries_cents is the
** sum of the booked entries, as bank_statement_balances counts it. */
static const char feed_import_sql[] =
    "INSERT INTO statement_import (import_id, path, format, on_mismatch,"
    "  row_kind, statement_no, statement_id, account, currency,"
    "  opening_cents, closing_cents, entries_cents, opening_date,"
    "  closing_date, warning, line_no, booking_date, value_date,"
    "  amount_cents, counterparty_name, counterparty_account, memo,"
    "  structured_ref, bank_txn_id, booked, origin)"
    " WITH run AS (SELECT coalesce(max(import_id), 0) + 1 AS import_id"
    "              FROM statement_imports)"
    " SELECT run.import_id, 'feed', NULL, %Q, 'entry' AS row_kind,"
    "  e.statement_no, NULL, 'ACC1', 'EUR', NULL, NULL, NULL, NULL, NULL,"
    "  NULL, e.line_no AS line_no, e.booking_date, NULL, e.amount_cents,"
    "  e.name, e.counterparty_account, e.memo, NULL, e.bank_txn_id,"
    "  e.booked, 'line ' || e.line_no"
    " FROM run, temp.feed_entries e"
    " UNION ALL"
    " SELECT run.import_id, 'feed', NULL, %Q, 'statement', s.statement_no,"
    "  s.statement_id, 'ACC1', 'EUR', s.opening_cents, s.closing_cents,"
    "  (SELECT coalesce(sum(amount_cents), 0) FROM temp.feed_entries e"
    "   WHERE e.statement_no = s.statement_no AND e.booked),"
    "  s.opening_date, s.closing_date, NULL, NULL, NULL, NULL, NULL, NULL,"
    "  NULL, NULL, NULL, NULL, NULL, NULL"
    " FROM run, temp.feed_statements s"
    " ORDER BY row_kind, line_no";

static sqlite3 *open_import(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/sync.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2013-03-31'");
    harness_exec(db, feed_tables_sql);
    return db;
}

/* Replaces the feed with the given entries and statements (SQL VALUES
** lists; statements may be NULL for none). */
static void set_feed(sqlite3 *db, const char *entries, const char *statements)
{
    char *sql = sqlite3_mprintf(
        "DELETE FROM feed_entries; DELETE FROM feed_statements;"
        "INSERT INTO feed_entries (line_no, statement_no, booking_date,"
        "  amount_cents, name, counterparty_account, memo, bank_txn_id,"
        "  booked) VALUES %s;",
        entries);

    harness_exec(db, sql);
    sqlite3_free(sql);
    if (statements) {
        sql = sqlite3_mprintf("INSERT INTO feed_statements VALUES %s",
                              statements);
        harness_exec(db, sql);
        sqlite3_free(sql);
    }
}

/* Runs the import of the feed; on_mismatch is 'report' or 'reject'.
** Returns SQLite's result code and leaves the message in db. */
static int run_feed_import(sqlite3 *db, const char *on_mismatch)
{
    char *sql = sqlite3_mprintf(feed_import_sql, on_mismatch, on_mismatch);
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    sqlite3_free(sql);
    return rc;
}

static void feed_import(sqlite3 *db)
{
    int rc = run_feed_import(db, "report");

    ck_assert_msg(rc == SQLITE_OK, "import failed: %s", sqlite3_errmsg(db));
}

/* March 1-3 of account ACC1: two equal payments from Acme on the 1st, an
** outgoing payment, a payment with a bank transaction id, one pending. */
static const char march_1_3[] =
    "(1, 1, '2013-03-01', 5000, 'ACME', 'DE11', 'INV-1', NULL, 1),"
    "(2, 1, '2013-03-01', 5000, 'ACME', 'DE11', 'INV-1', NULL, 1),"
    "(3, 1, '2013-03-02', -700, 'Power Co', 'DE22', 'bill', NULL, 1),"
    "(4, 1, '2013-03-03', 1200, 'Beta', 'DE33', 'INV-7', 'TX9', 1),"
    "(5, 1, '2013-03-03', 300, 'Gamma', 'DE44', 'INV-8', NULL, 0)";
/* 10000 + 5000 + 5000 - 700 + 1200 = 20500; the pending 300 is not
** booked, so it is not in the closing balance. */
static const char march_1_3_balances[] =
    "(1, 'S-0301', 10000, 20500, '2013-02-28', '2013-03-03')";

START_TEST(test_import_equal_payments_kept)
{
    sqlite3 *db = open_import();

    set_feed(db, march_1_3, march_1_3_balances);
    feed_import(db);
    /* Both 5000 from Acme on the 1st, numbered 1 and 2; the debit and the
    ** pending entry are not payments. */
    expect_sql(db,
               "SELECT received_date, amount_cents, payer_name, source,"
               " external_id FROM payments ORDER BY payment_id",
               "2013-03-01|5000|ACME|bank|"
               "[\"ACC1\",\"2013-03-01\",5000,\"DE11\",\"ACME\",\"INV-1\",1]\n"
               "2013-03-01|5000|ACME|bank|"
               "[\"ACC1\",\"2013-03-01\",5000,\"DE11\",\"ACME\",\"INV-1\",2]\n"
               "2013-03-03|1200|Beta|bank|ACC1:TX9");
    expect_sql(db,
               "SELECT lines_read, payments_imported, imported_cents,"
               " duplicates, debits, pending, balance_check"
               " FROM statement_import_log",
               "5|3|11200|0|1|1|ok");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_import_twice_adds_nothing)
{
    sqlite3 *db = open_import();

    set_feed(db, march_1_3, march_1_3_balances);
    feed_import(db);
    feed_import(db);
    expect_sql(db, "SELECT count(*), sum(amount_cents) FROM payments",
               "3|11200");
    /* The second run is logged and found all three already there. */
    expect_sql(db,
               "SELECT import_id, payments_imported, duplicates"
               " FROM statement_import_log ORDER BY import_id",
               "1|3|0\n2|0|3");
    /* Accounting heard of each payment once. */
    expect_sql(db,
               "SELECT count(*) FROM outbox WHERE event ="
               " 'payment_received'",
               "3");
    sqlite3_close(db);
}
END_TEST

/* The second file covers March 3-4: it repeats the 3rd and adds the 4th,
** where two equal payments arrive again (counted afresh for that day). */
START_TEST(test_import_overlap_adds_new_only)
{
    sqlite3 *db = open_import();

    set_feed(db, march_1_3, march_1_3_balances);
    feed_import(db);
    set_feed(db,
             "(1, 1, '2013-03-03', 1200, 'Beta', 'DE33', 'INV-7', 'TX9', 1),"
             "(2, 1, '2013-03-03', 300, 'Gamma', 'DE44', 'INV-8', NULL, 1),"
             "(3, 1, '2013-03-04', 5000, 'ACME', 'DE11', 'INV-1', NULL, 1),"
             "(4, 1, '2013-03-04', 5000, 'ACME', 'DE11', 'INV-1', NULL, 1)",
             NULL);
    feed_import(db);
    /* New: Gamma's 300, now booked, and both of the 4th. */
    expect_sql(db,
               "SELECT line_no, outcome FROM statement_lines"
               " WHERE import_id = 2",
               "1|duplicate\n2|imported\n3|imported\n4|imported");
    expect_sql(db, "SELECT count(*), sum(amount_cents) FROM payments",
               "6|21500");
    sqlite3_close(db);
}
END_TEST

/* A bank transaction id that repeats in one file (the transactions of a
** split batch) gets '#2', '#3' so every transaction is kept. */
START_TEST(test_import_repeated_txn_id_numbered)
{
    sqlite3 *db = open_import();

    set_feed(db,
             "(1, 1, '2013-03-05', 100, 'A', NULL, 'x', 'BATCH1', 1),"
             "(2, 1, '2013-03-05', 200, 'B', NULL, 'y', 'BATCH1', 1),"
             "(3, 1, '2013-03-05', 300, 'C', NULL, 'z', 'BATCH1', 1)",
             NULL);
    feed_import(db);
    feed_import(db);
    expect_sql(db, "SELECT external_id FROM payments ORDER BY payment_id",
               "ACC1:BATCH1\nACC1:BATCH1#2\nACC1:BATCH1#3");
    sqlite3_close(db);
}
END_TEST

/* With no bank id, a different memo or counterparty is a different
** payment even on the same day for the same amount. */
START_TEST(test_import_fallback_key_fields)
{
    sqlite3 *db = open_import();

    set_feed(db,
             "(1, 1, '2013-03-05', 100, 'A', 'DE1', 'x', NULL, 1),"
             "(2, 1, '2013-03-05', 100, 'A', 'DE1', 'y', NULL, 1),"
             "(3, 1, '2013-03-05', 100, 'A', 'DE2', 'x', NULL, 1),"
             "(4, 1, '2013-03-05', 100, 'B', 'DE1', 'x', NULL, 1),"
             "(5, 1, '2013-03-06', 100, 'A', 'DE1', 'x', NULL, 1)",
             NULL);
    feed_import(db);
    expect_sql(db,
               "SELECT count(*), count(DISTINCT external_id),"
               " max(json_extract(external_id, '$[6]')) FROM payments",
               "5|5|1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_import_balance_mismatch_reported)
{
    sqlite3 *db = open_import();

    /* Closing 20400 is 100 short of 10000 + 10500. */
    set_feed(db, march_1_3,
             "(1, 'S-0301', 10000, 20400, '2013-02-28', '2013-03-03')");
    feed_import(db);
    expect_sql(db,
               "SELECT statement_id, opening_cents, entries_cents,"
               " closing_cents, difference_cents, result"
               " FROM statement_balance_check",
               "S-0301|10000|10500|20400|100|mismatch");
    expect_sql(db, "SELECT balance_check FROM statement_import_log",
               "mismatch");
    /* 'report' records the mismatch and imports anyway. */
    expect_sql(db, "SELECT count(*) FROM payments", "3");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_import_balance_mismatch_rejected)
{
    sqlite3 *db = open_import();

    set_feed(db, march_1_3,
             "(1, 'S-0301', 10000, 20400, '2013-02-28', '2013-03-03')");
    ck_assert_int_eq(run_feed_import(db, "reject"), SQLITE_CONSTRAINT);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db),
                                 "opening balance plus booked entries"
                                 " differs from the closing balance"));
    expect_sql(db,
               "SELECT (SELECT count(*) FROM payments),"
               " (SELECT count(*) FROM statement_imports),"
               " (SELECT count(*) FROM statement_lines),"
               " (SELECT count(*) FROM outbox)",
               "0|0|0|0");
    /* With the right closing balance 'reject' imports. */
    set_feed(db, march_1_3, march_1_3_balances);
    ck_assert_int_eq(run_feed_import(db, "reject"), SQLITE_OK);
    expect_sql(db, "SELECT count(*) FROM payments", "3");
    sqlite3_close(db);
}
END_TEST

/* A file without balances cannot be checked, which is not a mismatch. */
START_TEST(test_import_balance_unchecked)
{
    sqlite3 *db = open_import();

    set_feed(db, march_1_3, "(1, 'S-0301', NULL, 20500, NULL, '2013-03-03')");
    ck_assert_int_eq(run_feed_import(db, "reject"), SQLITE_OK);
    expect_sql(db, "SELECT result FROM statement_balance_check", "unchecked");
    expect_sql(db, "SELECT balance_check FROM statement_import_log",
               "unchecked");
    sqlite3_close(db);
}
END_TEST

/* Three statements of one account; the third opens at 1 cent more than
** the second closed. A re-import of the first counts once. */
START_TEST(test_import_balance_continuity)
{
    sqlite3 *db = open_import();

    set_feed(db, "(1, 1, '2013-03-01', 500, 'A', NULL, 'x', 'T1', 1)",
             "(1, 'S1', 1000, 1500, '2013-02-28', '2013-03-01')");
    feed_import(db);
    set_feed(db,
             "(1, 1, '2013-03-02', 250, 'A', NULL, 'x', 'T2', 1),"
             "(2, 2, '2013-03-03', 100, 'A', NULL, 'x', 'T3', 1)",
             "(1, 'S2', 1500, 1750, '2013-03-01', '2013-03-02'),"
             "(2, 'S3', 1751, 1851, '2013-03-02', '2013-03-03')");
    feed_import(db);
    set_feed(db, "(1, 1, '2013-03-01', 500, 'A', NULL, 'x', 'T1', 1)",
             "(1, 'S1', 1000, 1500, '2013-02-28', '2013-03-01')");
    feed_import(db);
    expect_sql(db,
               "SELECT previous_statement_id, statement_id, gap_cents,"
               " result FROM statement_balance_continuity",
               "NULL|S1|NULL|first\nS1|S2|0|ok\nS2|S3|1|gap");
    /* Each statement on its own adds up. */
    expect_sql(db, "SELECT group_concat(result) FROM statement_balance_check",
               "ok,ok,ok,ok");
    sqlite3_close(db);
}
END_TEST

/* A payer account seen before on one customer's payment names the payer;
** an account two customers used does not. */
START_TEST(test_import_sets_known_payer)
{
    sqlite3 *db = open_import();

    harness_exec(db, "INSERT INTO customers (customer_id, code, name) VALUES"
                     " (1, 'C1', 'Acme'), (2, 'C2', 'Beta');"
                     "INSERT INTO payments (customer_id, received_date,"
                     "  amount_cents, currency, payer_account) VALUES"
                     " (1, '2013-01-05', 100, 'EUR', 'DE11'),"
                     " (1, '2013-01-06', 100, 'EUR', 'DE99'),"
                     " (2, '2013-01-07', 100, 'EUR', 'DE99');");
    set_feed(db,
             "(1, 1, '2013-03-01', 5000, 'ACME', 'DE11', 'x', NULL, 1),"
             "(2, 1, '2013-03-01', 6000, 'Shared', 'DE99', 'y', NULL, 1),"
             "(3, 1, '2013-03-01', 7000, 'New', 'DE77', 'z', NULL, 1)",
             NULL);
    feed_import(db);
    expect_sql(db,
               "SELECT payer_account, customer_id FROM payments"
               " WHERE source = 'bank' ORDER BY payment_id",
               "DE11|1\nDE99|NULL\nDE77|NULL");
    sqlite3_close(db);
}
END_TEST

/* A failure at the third entry undoes the two entries already filed. A
** trigger raises the error in place of a reader that fails there. */
START_TEST(test_import_failure_half_way_undone)
{
    sqlite3 *db = open_import();

    harness_exec(db, "CREATE TEMP TRIGGER fail_third AFTER INSERT ON"
                     " statement_lines WHEN NEW.line_no = 3"
                     " BEGIN SELECT RAISE(ABORT, 'simulated failure'); END");
    set_feed(db, march_1_3, march_1_3_balances);
    ck_assert_int_ne(run_feed_import(db, "report"), SQLITE_OK);
    ck_assert_str_eq(sqlite3_errmsg(db), "simulated failure");
    expect_sql(db,
               "SELECT (SELECT count(*) FROM payments),"
               " (SELECT count(*) FROM statement_imports),"
               " (SELECT count(*) FROM statement_lines),"
               " (SELECT count(*) FROM outbox)",
               "0|0|0|0");
    sqlite3_close(db);
}
END_TEST

/* Called by the child's trigger in the middle of the import: the process
** dies at once, as if killed, without closing anything. */
static void crash_func(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
    (void)ctx;
    (void)argc;
    (void)argv;
    _exit(0);
}

/* In a child process: opens path, imports the March feed and dies at the
** third entry. A one-page cache makes SQLite write changed pages to the
** database file before the crash, so recovery has real work to undo. */
static void crash_during_import(const char *path)
{
    sqlite3 *db = NULL;

    if (sqlite3_open(path, &db) != SQLITE_OK)
        _exit(2);
    if (sqlite3_create_function(db, "crash", 0, SQLITE_UTF8, NULL, crash_func,
                                NULL, NULL) != SQLITE_OK)
        _exit(3);
    if (sqlite3_exec(db,
                     "PRAGMA cache_size = 1;"
                     "CREATE TEMP TRIGGER crash_third AFTER INSERT ON"
                     " statement_lines WHEN NEW.line_no = 3"
                     " BEGIN SELECT crash(); END;",
                     NULL, NULL, NULL) != SQLITE_OK)
        _exit(4);
    if (sqlite3_exec(db, feed_tables_sql, NULL, NULL, NULL) != SQLITE_OK)
        _exit(5);
    set_feed(db, march_1_3, march_1_3_balances);
    run_feed_import(db, "report");
    _exit(6); /* not reached: the trigger crashes first */
}

START_TEST(test_import_crash_half_way_recovered)
{
    char path[64];
    char journal[80];
    sqlite3 *db = open_import();
    struct stat st;
    pid_t child;
    int status = 0;

    snprintf(path, sizeof(path), "/tmp/check_import_%ld.db", (long)getpid());
    snprintf(journal, sizeof(journal), "%s-journal", path);
    unlink(path);
    unlink(journal);
    sqlite3_close(db);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    harness_exec_file(db, "../sql/schema.sql");
    harness_exec_file(db, "../sql/triggers.sql");
    harness_exec_file(db, "../sql/views.sql");
    harness_exec_file(db, "../sql/sync.sql");
    sqlite3_close(db);

    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0)
        crash_during_import(path);
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_int_eq(WEXITSTATUS(status), 0);
    /* The crash left a hot journal: the transaction was under way. */
    ck_assert_int_eq(stat(journal, &st), 0);
    ck_assert_int_gt(st.st_size, 0);

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    expect_sql(db,
               "SELECT (SELECT count(*) FROM payments),"
               " (SELECT count(*) FROM statement_imports),"
               " (SELECT count(*) FROM statement_lines),"
               " (SELECT count(*) FROM outbox)",
               "0|0|0|0");
    expect_sql(db, "PRAGMA integrity_check", "ok");
    sqlite3_close(db);
    unlink(path);
    unlink(journal);
}
END_TEST

START_TEST(test_import_rejects_unknown_row_kind)
{
    sqlite3 *db = open_import();

    expect_sql_error(db,
                     "INSERT INTO statement_import (import_id, path, row_kind)"
                     " VALUES (1, 'x', 'balance')",
                     "row_kind must be 'entry' or 'statement'");
    sqlite3_close(db);
}
END_TEST

/* A booked credit needs a date to become a payment. */
START_TEST(test_import_rejects_undated_credit)
{
    sqlite3 *db = open_import();

    set_feed(db, "(1, 1, NULL, 100, 'A', NULL, 'x', 'T1', 1)", NULL);
    ck_assert_int_ne(run_feed_import(db, "report"), SQLITE_OK);
    ck_assert_ptr_nonnull(
        strstr(sqlite3_errmsg(db), "neither booking nor value date"));
    expect_sql(db, "SELECT count(*) FROM statement_imports", "0");
    sqlite3_close(db);
}
END_TEST

/* ---- The documented statement on real files -------------------------- */

/* Runs sql/import_statement.sql on db with the given parameters (NULL
** binds NULL). Returns SQLite's result code; the message stays in db. */
static int import_file(sqlite3 *db, const char *path, const char *format,
                       const char *options, const char *on_mismatch)
{
    static const char *const names[] = {":path", ":format", ":options",
                                        ":on_mismatch"};
    const char *values[] = {path, format, options, on_mismatch};
    FILE *f = fopen("../sql/import_statement.sql", "rb");
    char text[8192];
    size_t n;
    sqlite3_stmt *stmt = NULL;
    int rc;
    int i;

    ck_assert_msg(f != NULL, "cannot open ../sql/import_statement.sql");
    n = fread(text, 1, sizeof(text) - 1, f);
    fclose(f);
    ck_assert_int_lt(n, sizeof(text) - 1);
    text[n] = '\0';
    rc = sqlite3_prepare_v2(db, text, -1, &stmt, NULL);
    ck_assert_msg(rc == SQLITE_OK, "prepare failed: %s", sqlite3_errmsg(db));
    for (i = 0; i < 4; i++) {
        int index = sqlite3_bind_parameter_index(stmt, names[i]);
        ck_assert_msg(index > 0, "parameter %s missing", names[i]);
        if (values[i])
            sqlite3_bind_text(stmt, index, values[i], -1, SQLITE_STATIC);
    }
    rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    return rc == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
}

static void expect_import_ok(sqlite3 *db, const char *path, const char *options)
{
    int rc = import_file(db, path, NULL, options, "report");

    ck_assert_msg(rc == SQLITE_OK, "import of %s failed: %s", path,
                  sqlite3_errmsg(db));
}

/* Writes text to a file under /tmp named after name and the process id;
** path is filled in. */
static void write_temp_file(char path[96], const char *name, const char *text)
{
    FILE *f;

    snprintf(path, 96, "/tmp/check_import_%ld_%s", (long)getpid(), name);
    f = fopen(path, "w");
    ck_assert_msg(f != NULL, "cannot write %s", path);
    ck_assert_int_eq(fputs(text, f) >= 0, 1);
    ck_assert_int_eq(fclose(f), 0);
}

/* One camt.053 entry for make_camt. ref NULL: no AcctSvcrRef, so the
** import falls back to the entry's fields. */
struct camt_entry {
    const char *amount;    /* decimal text, e.g. "50.00" */
    const char *direction; /* "CRDT" or "DBIT" */
    const char *date;      /* booking date */
    const char *name;      /* debtor for a credit, creditor for a debit */
    const char *memo;      /* RmtInf/Ustrd */
    const char *ref;       /* AcctSvcrRef or NULL */
};

/* Writes a camt.053.001.02 file with one statement of account
** NL26VAYB8060476890 (EUR) and the given entries and balances. */
static void make_camt(char path[96], const char *name, const char *id,
                      const char *opening, const char *closing,
                      const struct camt_entry *entries, int n)
{
    sqlite3_str *xml = sqlite3_str_new(NULL);
    char *text;
    int i;

    sqlite3_str_appendf(
        xml,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        "<Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.02\">"
        "<BkToCstmrStmt><GrpHdr><MsgId>M-%s</MsgId>"
        "<CreDtTm>2013-03-10T18:00:00</CreDtTm></GrpHdr>"
        "<Stmt><Id>%s</Id><CreDtTm>2013-03-10T18:00:00</CreDtTm>"
        "<Acct><Id><IBAN>NL26VAYB8060476890</IBAN></Id><Ccy>EUR</Ccy></Acct>"
        "<Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"EUR\">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Dt><Dt>2013-02-28</Dt></Dt></Bal>"
        "<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp>"
        "<Amt Ccy=\"EUR\">%s</Amt><CdtDbtInd>CRDT</CdtDbtInd>"
        "<Dt><Dt>2013-03-10</Dt></Dt></Bal>\n",
        id, id, opening, closing);
    for (i = 0; i < n; i++) {
        const struct camt_entry *e = &entries[i];
        int credit = strcmp(e->direction, "CRDT") == 0;
        sqlite3_str_appendf(
            xml,
            "<Ntry><Amt Ccy=\"EUR\">%s</Amt><CdtDbtInd>%s</CdtDbtInd>"
            "<Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt>"
            "<ValDt><Dt>%s</Dt></ValDt>",
            e->amount, e->direction, e->date, e->date);
        if (e->ref)
            sqlite3_str_appendf(xml, "<AcctSvcrRef>%s</AcctSvcrRef>", e->ref);
        sqlite3_str_appendf(
            xml,
            "<NtryDtls><TxDtls><RltdPties><%s><Nm>%s</Nm></%s></RltdPties>"
            "<RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>\n",
            credit ? "Dbtr" : "Cdtr", e->name, credit ? "Dbtr" : "Cdtr",
            e->memo);
    }
    sqlite3_str_appendall(xml, "</Stmt></BkToCstmrStmt></Document>\n");
    text = sqlite3_str_finish(xml);
    ck_assert_ptr_nonnull(text);
    write_temp_file(path, name, text);
    sqlite3_free(text);
}

/* The sample has two statements of one account: 8.85 in, then 7.00 out. */
START_TEST(test_import_camt_sample_twice)
{
    sqlite3 *db = open_import();
    const char *sample = "data/statements/camt/camt053.v2.multi.statement.xml";

    expect_import_ok(db, sample, NULL);
    expect_import_ok(db, sample, NULL);
    expect_sql(db,
               "SELECT received_date, amount_cents, currency, reference,"
               " source FROM payments",
               "2014-12-31|885|EUR|Transaction Description 1|bank");
    expect_sql(db,
               "SELECT import_id, format, lines_read, payments_imported,"
               " duplicates, debits, balance_check"
               " FROM statement_import_log ORDER BY import_id",
               "1|camt.053|2|1|0|1|ok\n2|camt.053|2|0|1|1|ok");
    /* 18.15 + 8.85 = 27.00, then 27.00 - 7.00 = 20.00; the second
    ** statement opens where the first closed. */
    expect_sql(db,
               "SELECT statement_no, opening_cents, entries_cents,"
               " closing_cents, result FROM statement_balance_check"
               " WHERE import_id = 1",
               "1|1815|885|2700|ok\n2|2700|-700|2000|ok");
    expect_sql(db,
               "SELECT result FROM statement_balance_continuity"
               " ORDER BY statement_id",
               "first\nok");
    sqlite3_close(db);
}
END_TEST

/* Without bank references: two equal 50.00 payments from Acme on March 1
** are both kept, also when the file is imported again. */
START_TEST(test_import_camt_equal_payments)
{
    static const struct camt_entry entries[] = {
        {"50.00", "CRDT", "2013-03-01", "ACME", "INV-1", NULL},
        {"50.00", "CRDT", "2013-03-01", "ACME", "INV-1", NULL},
        {"12.00", "CRDT", "2013-03-01", "Beta", "INV-2", NULL},
    };
    sqlite3 *db = open_import();
    char path[96];

    /* 100.00 + 50.00 + 50.00 + 12.00 = 212.00 */
    make_camt(path, "equal.xml", "S-1", "100.00", "212.00", entries, 3);
    expect_import_ok(db, path, NULL);
    expect_import_ok(db, path, NULL);
    expect_sql(db,
               "SELECT payer_name, amount_cents,"
               " json_extract(external_id, '$[6]') FROM payments"
               " ORDER BY payment_id",
               "ACME|5000|1\nACME|5000|2\nBeta|1200|1");
    expect_sql(db,
               "SELECT payments_imported, duplicates, balance_check"
               " FROM statement_import_log ORDER BY import_id",
               "3|0|ok\n0|3|ok");
    unlink(path);
    sqlite3_close(db);
}
END_TEST

/* Two statements that both contain March 2 (whole): the second adds only
** March 3. March 2 has two equal payments in both files. */
START_TEST(test_import_camt_overlap)
{
    static const struct camt_entry first[] = {
        {"10.00", "CRDT", "2013-03-01", "ACME", "INV-1", NULL},
        {"20.00", "CRDT", "2013-03-02", "Beta", "INV-2", NULL},
        {"20.00", "CRDT", "2013-03-02", "Beta", "INV-2", NULL},
        {"5.00", "DBIT", "2013-03-02", "Bank", "fees", NULL},
    };
    static const struct camt_entry second[] = {
        {"20.00", "CRDT", "2013-03-02", "Beta", "INV-2", NULL},
        {"20.00", "CRDT", "2013-03-02", "Beta", "INV-2", NULL},
        {"5.00", "DBIT", "2013-03-02", "Bank", "fees", NULL},
        {"30.00", "CRDT", "2013-03-03", "Gamma", "INV-3", NULL},
    };
    sqlite3 *db = open_import();
    char path_first[96];
    char path_second[96];

    /* 0 + 10 + 20 + 20 - 5 = 45.00; from 10.00: + 20 + 20 - 5 + 30 = 75.00 */
    make_camt(path_first, "first.xml", "S-1", "0.00", "45.00", first, 4);
    make_camt(path_second, "second.xml", "S-2", "10.00", "75.00", second, 4);
    expect_import_ok(db, path_first, NULL);
    expect_import_ok(db, path_second, NULL);
    expect_sql(db,
               "SELECT import_id, payments_imported, duplicates, debits"
               " FROM statement_import_log ORDER BY import_id",
               "1|3|0|1\n2|1|2|1");
    expect_sql(db, "SELECT count(*), sum(amount_cents) FROM payments",
               "4|8000");
    unlink(path_first);
    unlink(path_second);
    sqlite3_close(db);
}
END_TEST

/* OFX gives every transaction a FITID: the overlap is found by it even
** where the bank wrote the memo differently the second time. */
START_TEST(test_import_ofx_overlap_by_fitid)
{
    static const char head[] =
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\nSECURITY:NONE\n"
        "ENCODING:USASCII\nCHARSET:1252\nCOMPRESSION:NONE\n"
        "OLDFILEUID:NONE\nNEWFILEUID:NONE\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><TRNUID>0<STMTRS><CURDEF>USD"
        "<BANKACCTFROM><BANKID>121<ACCTID>555-1<ACCTTYPE>CHECKING"
        "</BANKACCTFROM><BANKTRANLIST>"
        "<DTSTART>20130301<DTEND>20130331\n";
    static const char tail[] =
        "</BANKTRANLIST><LEDGERBAL><BALAMT>0.00<DTASOF>20130331"
        "</LEDGERBAL></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n";
    sqlite3 *db = open_import();
    char path_a[96];
    char path_b[96];
    char *text;

    text = sqlite3_mprintf(
        "%s<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130301<TRNAMT>10.00"
        "<FITID>F1<NAME>ACME<MEMO>INV-1</STMTTRN>"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130302<TRNAMT>20.00"
        "<FITID>F2<NAME>Beta<MEMO>INV-2</STMTTRN>%s",
        head, tail);
    write_temp_file(path_a, "a.ofx", text);
    sqlite3_free(text);
    text = sqlite3_mprintf(
        "%s<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130302<TRNAMT>20.00"
        "<FITID>F2<NAME>BETA LTD<MEMO>INVOICE 2</STMTTRN>"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130303<TRNAMT>30.00"
        "<FITID>F3<NAME>Gamma<MEMO>INV-3</STMTTRN>%s",
        head, tail);
    write_temp_file(path_b, "b.ofx", text);
    sqlite3_free(text);

    expect_import_ok(db, path_a, NULL);
    expect_import_ok(db, path_b, NULL);
    expect_sql(db,
               "SELECT external_id, amount_cents, payer_name FROM payments"
               " ORDER BY payment_id",
               "555-1:F1|1000|ACME\n555-1:F2|2000|Beta\n555-1:F3|3000|Gamma");
    unlink(path_a);
    unlink(path_b);
    sqlite3_close(db);
}
END_TEST

/* Two good transactions, then one whose date does not exist: the reader
** fails and nothing of the file is imported, nor is the import logged. */
START_TEST(test_import_damaged_file_adds_nothing)
{
    sqlite3 *db = open_import();
    char path[96];

    expect_import_ok(db, "data/statements/camt/camt053.v2.multi.statement.xml",
                     NULL);
    write_temp_file(
        path, "damaged.ofx",
        "OFXHEADER:100\nDATA:OFXSGML\nVERSION:102\n\n"
        "<OFX><BANKMSGSRSV1><STMTTRNRS><STMTRS><CURDEF>USD"
        "<BANKACCTFROM><BANKID>121<ACCTID>555-1</BANKACCTFROM>"
        "<BANKTRANLIST>"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130301<TRNAMT>10.00"
        "<FITID>F1<NAME>ACME</STMTTRN>"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130302<TRNAMT>20.00"
        "<FITID>F2<NAME>Beta</STMTTRN>"
        "<STMTTRN><TRNTYPE>CREDIT<DTPOSTED>20130230<TRNAMT>30.00"
        "<FITID>F3<NAME>Gamma</STMTTRN>"
        "</BANKTRANLIST></STMTRS></STMTTRNRS></BANKMSGSRSV1></OFX>\n");
    ck_assert_int_ne(import_file(db, path, NULL, NULL, "report"), SQLITE_OK);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db), "20130230"));
    /* Only the first import's payment and log entry are there. */
    expect_sql(db,
               "SELECT (SELECT count(*) FROM payments),"
               " (SELECT count(*) FROM statement_imports),"
               " (SELECT count(*) FROM statement_lines),"
               " (SELECT count(*) FROM outbox)",
               "1|1|2|1");
    unlink(path);
    sqlite3_close(db);
}
END_TEST

/* The sample's closing balance is 27.05 where 18.15 + 8.85 = 27.00. */
START_TEST(test_import_sample_mismatch)
{
    sqlite3 *db = open_import();
    const char *sample = "data/statements/camt/camt053.v2.five.decimals.xml";

    ck_assert_int_ne(import_file(db, sample, NULL, NULL, "reject"), SQLITE_OK);
    ck_assert_ptr_nonnull(
        strstr(sqlite3_errmsg(db), "differs from the closing balance"));
    expect_sql(db, "SELECT count(*) FROM payments", "0");
    expect_import_ok(db, sample, NULL);
    expect_sql(db,
               "SELECT difference_cents, result FROM statement_balance_check",
               "-5|mismatch");
    expect_sql(db,
               "SELECT balance_check, payments_imported"
               " FROM statement_import_log",
               "mismatch|1");
    sqlite3_close(db);
}
END_TEST

/* reconcile_candidates scores imported payments like any other: the
** invoice number in the memo and the equal amount make the invoice the
** first candidate. */
START_TEST(test_import_reconcile_candidates)
{
    static const struct camt_entry entries[] = {
        {"250.00", "CRDT", "2013-03-01", "ACME", "Invoice INV-2013-0042", "R7"},
    };
    sqlite3 *db = open_import();
    char path[96];

    harness_exec(db, "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (1, 'C1', 'Acme'), (2, 'C2', 'Beta');"
                     "INSERT INTO invoices (invoice_id, number, customer_id,"
                     "  issue_date, due_date, total_cents, currency) VALUES"
                     " (1, 'INV-2013-0042', 1, '2013-02-01', '2013-03-03',"
                     "  25000, 'EUR'),"
                     " (2, 'INV-2013-0043', 2, '2013-02-01', '2013-03-03',"
                     "  25000, 'EUR');");
    make_camt(path, "ref.xml", "S-1", "0.00", "250.00", entries, 1);
    expect_import_ok(db, path, NULL);
    expect_sql(db,
               "SELECT payment_id, invoice_ids, allocate_cents, customer_id,"
               " amount_match FROM reconcile_candidates WHERE rank = 1",
               "1|[1]|[25000]|1|equal");
    unlink(path);
    sqlite3_close(db);
}
END_TEST

/* An imported payment is a payment like any other: it waits in
** unreconciled_payments, takes an allocation and reaches the outbox. */
START_TEST(test_import_payment_reconciles)
{
    static const struct camt_entry entries[] = {
        {"120.00", "CRDT", "2013-03-01", "ACME", "INV-1", "R1"},
    };
    sqlite3 *db = open_import();
    char path[96];

    harness_exec(db, "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (1, 'C1', 'Acme');"
                     "INSERT INTO invoices (invoice_id, number, customer_id,"
                     "  issue_date, due_date, total_cents, currency)"
                     " VALUES (1, 'INV-1', 1, '2013-02-01', '2013-03-03',"
                     "  12000, 'EUR');");
    make_camt(path, "pay.xml", "S-1", "0.00", "120.00", entries, 1);
    expect_import_ok(db, path, NULL);
    expect_sql(db,
               "SELECT payment_id, reference, unallocated_cents"
               " FROM unreconciled_payments",
               "1|INV-1|12000");
    harness_exec(db, "UPDATE payments SET customer_id = 1;"
                     "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents, method) VALUES (1, 1, 12000, 'auto')");
    expect_sql(db, "SELECT count(*) FROM unreconciled_payments", "0");
    expect_sql(db, "SELECT status FROM invoices", "paid");
    expect_sql(db, "SELECT event FROM outbox WHERE seq > 1 ORDER BY seq",
               "payment_received\npayment_changed\nallocation_made");
    unlink(path);
    sqlite3_close(db);
}
END_TEST

/* camt054.v8.xml books one -200,000.00 SEK entry whose three split
** transactions are CHF credits of 3.10, 3.20 and 3.20 (read off the XML).
** With batch=split the three credits become payments (9.50 CHF), and the
** reader's warning that the rows cannot add up to the entry reaches
** statement_balance_check, next to the entry's own total. */
START_TEST(test_import_split_warning_kept)
{
    sqlite3 *db = open_import();

    expect_import_ok(db, "data/statements/camt/camt054.v8.xml", "batch=split");
    expect_sql(db,
               "SELECT payments_imported, imported_cents, balance_check"
               " FROM statement_import_log",
               "3|950|unchecked");
    expect_sql(db,
               "SELECT currency, entries_cents, result, warning"
               " FROM statement_balance_check",
               "SEK|-20000000|unchecked|Ntfctn[1]/Ntry[1]: the 3 batch=split "
               "rows are not all in SEK, so they cannot add up to the "
               "entry's -200,000.00 SEK");
    sqlite3_close(db);
}
END_TEST

/* A CSV is read one row at a time, so its bad row 4 is found after rows 2
** and 3 went into the import. The statement still fails as a whole and
** leaves no payment, line or import behind. */
START_TEST(test_import_csv_bad_last_row_adds_nothing)
{
    sqlite3 *db = open_import();
    char path[96];
    int rc;

    write_temp_file(path, "bad.csv",
                    "date,amount,memo\n2013-03-01,10.00,INV-1\n"
                    "2013-03-02,20.00,INV-2\n2013-02-30,30.00,INV-3\n");
    rc = import_file(db, path, "csv", "date=1,amount=2,memo=3,currency=EUR",
                     "report");
    ck_assert_int_eq(rc, SQLITE_ERROR);
    ck_assert_ptr_nonnull(strstr(sqlite3_errmsg(db), "line 4, column 1"));
    expect_sql(db,
               "SELECT (SELECT count(*) FROM payments),"
               " (SELECT count(*) FROM statement_lines),"
               " (SELECT count(*) FROM statement_imports),"
               " (SELECT count(*) FROM outbox)",
               "0|0|0|0");
    unlink(path);
    sqlite3_close(db);
}
END_TEST

Suite *import_suite(void)
{
    Suite *s = suite_create("import");
    TCase *keys = tcase_create("keys");
    TCase *balances = tcase_create("balances");
    TCase *atomic = tcase_create("atomic");
    TCase *files = tcase_create("files");

    tcase_add_test(keys, test_import_equal_payments_kept);
    tcase_add_test(keys, test_import_twice_adds_nothing);
    tcase_add_test(keys, test_import_overlap_adds_new_only);
    tcase_add_test(keys, test_import_repeated_txn_id_numbered);
    tcase_add_test(keys, test_import_fallback_key_fields);
    tcase_add_test(keys, test_import_sets_known_payer);
    suite_add_tcase(s, keys);

    tcase_add_test(balances, test_import_balance_mismatch_reported);
    tcase_add_test(balances, test_import_balance_mismatch_rejected);
    tcase_add_test(balances, test_import_balance_unchecked);
    tcase_add_test(balances, test_import_balance_continuity);
    suite_add_tcase(s, balances);

    tcase_add_test(atomic, test_import_failure_half_way_undone);
    tcase_add_test(atomic, test_import_crash_half_way_recovered);
    tcase_add_test(atomic, test_import_rejects_unknown_row_kind);
    tcase_add_test(atomic, test_import_rejects_undated_credit);
    suite_add_tcase(s, atomic);

    tcase_add_test(files, test_import_camt_sample_twice);
    tcase_add_test(files, test_import_camt_equal_payments);
    tcase_add_test(files, test_import_camt_overlap);
    tcase_add_test(files, test_import_ofx_overlap_by_fitid);
    tcase_add_test(files, test_import_damaged_file_adds_nothing);
    tcase_add_test(files, test_import_sample_mismatch);
    tcase_add_test(files, test_import_split_warning_kept);
    tcase_add_test(files, test_import_csv_bad_last_row_adds_nothing);
    tcase_add_test(files, test_import_payment_reconciles);
    tcase_add_test(files, test_import_reconcile_candidates);
    suite_add_tcase(s, files);
    return s;
}
