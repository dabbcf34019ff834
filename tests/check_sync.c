/*
** The accounting outbox (sql/sync.sql): which changes write a row, the
** order of seq, acknowledgement, pruning, a connector that stops between
** reading and acknowledging, and payments coming back from the ledger.
*/
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "harness.h"

/* The schema and sync.sql, with a fixed report date so recorded_at is
** known, one customer and nothing else. */
static sqlite3 *open_sync(void)
{
    sqlite3 *db = harness_open_schema();

    harness_exec_file(db, "../sql/sync.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2013-03-31';"
                     "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (1, 'C1', 'Acme'), (2, 'C2', 'Beta');");
    return db;
}

/* One invoice of 10000 and one payment of 10000, both of customer 1. */
static void add_invoice_and_payment(sqlite3 *db)
{
    harness_exec(db,
                 "INSERT INTO invoices (invoice_id, number, customer_id,"
                 "  issue_date, due_date, total_cents, currency)"
                 " VALUES (1, 'INV-1', 1, '2013-01-01', '2013-01-31', 10000,"
                 "  'USD');"
                 "INSERT INTO payments (payment_id, customer_id,"
                 "  received_date, amount_cents, currency)"
                 " VALUES (1, 1, '2013-02-05', 10000, 'USD');");
}

START_TEST(test_outbox_invoice_lifecycle)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    harness_exec(db, "UPDATE invoices SET due_date = '2013-02-15';"
                     "UPDATE invoices SET status = 'void';"
                     "UPDATE invoices SET status = 'issued';");
    /* Five changes in this order, one row each, seq counting from 1. */
    expect_sql(db, "SELECT seq, entity, entity_id, event FROM outbox",
               "1|invoice|1|invoice_issued\n"
               "2|payment|1|payment_received\n"
               "3|invoice|1|invoice_changed\n"
               "4|invoice|1|invoice_voided\n"
               "5|invoice|1|invoice_reinstated");
    /* The payload is the row after the change. */
    expect_sql(db,
               "SELECT json_extract(payload, '$.due_date'),"
               " json_extract(payload, '$.customer_code'), recorded_at"
               " FROM outbox WHERE seq = 3",
               "2013-02-15|C1|2013-03-31");
    expect_sql(db,
               "SELECT json_extract(payload, '$.status') FROM outbox"
               " WHERE seq = 4",
               "void");
    sqlite3_close(db);
}
END_TEST

/* The allocation moves the invoice to 'paid' and the payment to
** 'reconciled', but only the allocation rows appear: the trigger-kept
** columns are no news of their own. */
START_TEST(test_outbox_allocation_and_undo)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10000);"
                     "DELETE FROM allocations;");
    expect_sql(db, "SELECT seq, event FROM outbox WHERE seq > 2",
               "3|allocation_made\n4|allocation_undone");
    /* The allocation took the payment's date (2013-02-05). */
    expect_sql(db,
               "SELECT json_extract(payload, '$.effective_date'),"
               " json_extract(payload, '$.amount_cents'),"
               " json_extract(payload, '$.payment_id')"
               " FROM outbox WHERE seq = 3",
               "2013-02-05|10000|1");
    expect_sql(db,
               "SELECT json_extract(payload, '$.allocation_id')"
               " FROM outbox WHERE seq = 4",
               "1");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_outbox_payment_payer_found)
{
    sqlite3 *db = open_sync();

    harness_exec(db, "INSERT INTO payments (payment_id, received_date,"
                     " amount_cents, currency) VALUES"
                     " (7, '2013-02-05', 500, 'USD');"
                     "UPDATE payments SET customer_id = 2;");
    expect_sql(db,
               "SELECT event, json_extract(payload, '$.customer_code')"
               " FROM outbox ORDER BY seq",
               "payment_received|NULL\npayment_changed|C2");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_outbox_credit_note_events)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    harness_exec(db,
                 "INSERT INTO credit_notes (credit_note_id, number,"
                 "  customer_id, issue_date, amount_cents, currency, reason)"
                 " VALUES (1, 'CN-1', 1, '2013-01-10', 2000, 'USD', 'damaged');"
                 "INSERT INTO allocations (invoice_id, kind, credit_note_id,"
                 "  amount_cents) VALUES (1, 'credit_note', 1, 2000);"
                 "UPDATE credit_notes SET reason = 'damaged in transit';");
    /* Applying the note changes its status to 'applied': no row for that. */
    expect_sql(db, "SELECT event FROM outbox WHERE seq > 2",
               "credit_note_issued\nallocation_made\ncredit_note_changed");
    sqlite3_close(db);
}
END_TEST

/* Deleting rows that nothing refers to still tells accounting. */
START_TEST(test_outbox_delete_events)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    harness_exec(db,
                 "INSERT INTO credit_notes (credit_note_id, number,"
                 "  customer_id, issue_date, amount_cents, currency, reason)"
                 " VALUES (4, 'CN-4', 1, '2013-01-10', 100, 'USD', 'x');"
                 "UPDATE credit_notes SET status = 'void';"
                 "DELETE FROM credit_notes; DELETE FROM payments;"
                 "DELETE FROM invoices;");
    expect_sql(db,
               "SELECT event, entity_id,"
               " coalesce(json_extract(payload, '$.number'),"
               "          json_extract(payload, '$.amount_cents'))"
               " FROM outbox WHERE seq > 2 ORDER BY seq",
               "credit_note_issued|4|CN-4\n"
               "credit_note_voided|4|CN-4\n"
               "credit_note_deleted|4|CN-4\n"
               "payment_deleted|1|10000\n"
               "invoice_deleted|1|INV-1");
    sqlite3_close(db);
}
END_TEST

/* A change the triggers reject rolls back with its outbox row. */
START_TEST(test_outbox_rejected_change_writes_nothing)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    expect_sql_error(db,
                     "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 10001)",
                     "amount exceeds the invoice's open amount");
    expect_sql(db, "SELECT count(*), max(seq) FROM outbox", "2|2");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_outbox_rows_immutable)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    expect_sql_error(db, "UPDATE outbox SET event = 'invoice_changed'",
                     "outbox rows cannot be changed");
    expect_sql_error(db, "DELETE FROM outbox WHERE seq = 1",
                     "outbox row not acknowledged by every connector");
    expect_sql(db, "SELECT count(*) FROM outbox", "2");
    sqlite3_close(db);
}
END_TEST

/* Pruning works behind the slowest connector, and a pruned seq is never
** handed out again. */
START_TEST(test_outbox_prune_keeps_seq_growing)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    harness_exec(db, "INSERT INTO outbox_ack (connector, acked_seq)"
                     " VALUES ('ledger', 2), ('bi', 1)");
    expect_sql_error(db, "DELETE FROM outbox WHERE seq <= 2",
                     "outbox row not acknowledged by every connector");
    harness_exec(db, "UPDATE outbox_ack SET acked_seq = 2 WHERE"
                     " connector = 'bi';"
                     "DELETE FROM outbox WHERE seq <= 2;"
                     "UPDATE invoices SET description = 'March';");
    expect_sql(db, "SELECT seq, event FROM outbox", "3|invoice_changed");
    sqlite3_close(db);
}
END_TEST

START_TEST(test_outbox_ack_moves_forward_only)
{
    sqlite3 *db = open_sync();

    add_invoice_and_payment(db);
    harness_exec(db, "INSERT INTO outbox_ack (connector) VALUES ('ledger');"
                     "UPDATE outbox_ack SET acked_seq = 2;");
    expect_sql(db, "SELECT acked_seq, acked_at FROM outbox_ack",
               "2|2013-03-31");
    expect_sql_error(db, "UPDATE outbox_ack SET acked_seq = 1",
                     "acked_seq cannot move backwards");
    /* Two rows exist, so 3 would acknowledge a row not yet written. */
    expect_sql_error(db, "UPDATE outbox_ack SET acked_seq = 3",
                     "acked_seq is beyond the last outbox seq");
    expect_sql_error(db,
                     "INSERT INTO outbox_ack (connector, acked_seq)"
                     " VALUES ('bi', 3)",
                     "acked_seq is beyond the last outbox seq");
    /* Acknowledging the same seq again is harmless. */
    harness_exec(db, "UPDATE outbox_ack SET acked_seq = 2");
    expect_sql(db, "SELECT connector, acked_seq FROM outbox_ack", "ledger|2");
    sqlite3_close(db);
}
END_TEST

/*
** The accounting side of a connector. It keeps the last seq it applied,
** which makes a row delivered again after a crash harmless: exactly-once
** application on top of the outbox's at-least-once delivery.
*/
struct receiver {
    sqlite3_int64 last_applied_seq; /* highest seq applied */
    sqlite3_int64 applied[32];      /* seqs applied, in order */
    int n_applied;
    int n_delivered; /* rows handed over, repeats included */
};

/* Reads up to limit unacknowledged rows of connector in seq order, hands
** each to rx and returns the last seq read (0 when there was none). */
static sqlite3_int64 connector_read(sqlite3 *db, const char *connector,
                                    int limit, struct receiver *rx)
{
    sqlite3_stmt *stmt = NULL;
    sqlite3_int64 last = 0;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT seq FROM outbox_pending"
                                " WHERE connector = ?1 ORDER BY seq LIMIT ?2",
                                -1, &stmt, NULL);

    ck_assert_int_eq(rc, SQLITE_OK);
    sqlite3_bind_text(stmt, 1, connector, -1, SQLITE_STATIC);
    sqlite3_bind_int(stmt, 2, limit);
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        last = sqlite3_column_int64(stmt, 0);
        rx->n_delivered++;
        if (last <= rx->last_applied_seq)
            continue;
        ck_assert_int_lt(rx->n_applied, 32);
        rx->applied[rx->n_applied++] = last;
        rx->last_applied_seq = last;
    }
    ck_assert_int_eq(rc, SQLITE_DONE);
    sqlite3_finalize(stmt);
    return last;
}

static void connector_ack(sqlite3 *db, const char *connector, sqlite3_int64 seq)
{
    char *sql = sqlite3_mprintf("UPDATE outbox_ack SET acked_seq = %lld"
                                " WHERE connector = %Q",
                                seq, connector);

    harness_exec(db, sql);
    sqlite3_free(sql);
}

/* Five rows; the connector reads three, stops before acknowledging,
** starts again and reads from the last acknowledgement. */
START_TEST(test_outbox_connector_crash_before_ack)
{
    sqlite3 *db = open_sync();
    struct receiver rx = {0};
    sqlite3_int64 last;
    int i;

    harness_exec(db, "INSERT INTO outbox_ack (connector) VALUES ('ledger')");
    add_invoice_and_payment(db);
    harness_exec(db, "INSERT INTO allocations (invoice_id, payment_id,"
                     " amount_cents) VALUES (1, 1, 4000);"
                     "DELETE FROM allocations;"
                     "UPDATE invoices SET description = 'x';");

    last = connector_read(db, "ledger", 3, &rx);
    ck_assert_int_eq(last, 3);
    /* Crash: no acknowledgement. The restarted connector gets 1..3 again
    ** plus the rest; the receiver skips the three it has. */
    last = connector_read(db, "ledger", 10, &rx);
    ck_assert_int_eq(last, 5);
    ck_assert_int_eq(rx.n_delivered, 3 + 5);
    connector_ack(db, "ledger", last);

    /* After the acknowledgement nothing is delivered again. */
    ck_assert_int_eq(connector_read(db, "ledger", 10, &rx), 0);
    harness_exec(db, "UPDATE invoices SET description = 'y'");
    ck_assert_int_eq(connector_read(db, "ledger", 10, &rx), 6);
    connector_ack(db, "ledger", 6);

    ck_assert_int_eq(rx.n_delivered, 3 + 5 + 1);
    ck_assert_int_eq(rx.n_applied, 6);
    for (i = 0; i < rx.n_applied; i++)
        ck_assert_int_eq(rx.applied[i], i + 1);
    sqlite3_close(db);
}
END_TEST

/* Two connectors keep separate positions. */
START_TEST(test_outbox_connectors_independent)
{
    sqlite3 *db = open_sync();
    struct receiver ledger = {0};
    struct receiver bi = {0};

    harness_exec(db, "INSERT INTO outbox_ack (connector) VALUES ('ledger'),"
                     " ('bi')");
    add_invoice_and_payment(db);
    connector_ack(db, "ledger", connector_read(db, "ledger", 10, &ledger));
    expect_sql(db,
               "SELECT connector, count(*) FROM outbox_pending"
               " GROUP BY connector",
               "bi|2");
    ck_assert_int_eq(connector_read(db, "bi", 1, &bi), 1);
    ck_assert_int_eq(ledger.n_applied, 2);
    sqlite3_close(db);
}
END_TEST

/* Removes the database file at path and its journal, WAL and shm files. */
static void remove_db_file(const char *path)
{
    static const char *const suffixes[] = {"", "-journal", "-wal", "-shm"};
    char name[96];
    size_t i;

    for (i = 0; i < sizeof(suffixes) / sizeof(*suffixes); i++) {
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}

/* A file database under /tmp (any old copy removed) with the schema,
** sync.sql, connector 'ledger' and one invoice and payment; path is filled
** in. The extension is not loaded: the triggers need none. */
static sqlite3 *open_sync_file(char path[64])
{
    sqlite3 *db = NULL;

    snprintf(path, 64, "/tmp/check_sync_%ld.db", (long)getpid());
    remove_db_file(path);
    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    harness_exec_file(db, "../sql/schema.sql");
    harness_exec_file(db, "../sql/triggers.sql");
    harness_exec_file(db, "../sql/views.sql");
    harness_exec_file(db, "../sql/sync.sql");
    harness_exec(db, "UPDATE settings SET as_of = '2013-03-31';"
                     "INSERT INTO customers (customer_id, code, name)"
                     " VALUES (1, 'C1', 'Acme');"
                     "INSERT INTO outbox_ack (connector) VALUES ('ledger');");
    add_invoice_and_payment(db);
    return db;
}

/* A connector process that dies while its acknowledgement is not yet
** committed leaves the old position: the rows are delivered again. */
START_TEST(test_outbox_ack_lost_in_crash)
{
    char path[64];
    sqlite3 *db = open_sync_file(path);
    pid_t child;
    int status = 0;

    sqlite3_close(db);
    child = fork();
    ck_assert_int_ge(child, 0);
    if (child == 0) {
        sqlite3 *cdb = NULL;
        if (sqlite3_open(path, &cdb) != SQLITE_OK ||
            sqlite3_exec(cdb, "BEGIN; UPDATE outbox_ack SET acked_seq = 2;",
                         NULL, NULL, NULL) != SQLITE_OK)
            _exit(2);
        _exit(0); /* the crash: no COMMIT, no close */
    }
    ck_assert_int_eq(waitpid(child, &status, 0), child);
    ck_assert_int_eq(WEXITSTATUS(status), 0);

    ck_assert_int_eq(sqlite3_open(path, &db), SQLITE_OK);
    expect_sql(db, "SELECT acked_seq FROM outbox_ack", "0");
    expect_sql(db, "SELECT group_concat(seq) FROM outbox_pending", "1,2");
    sqlite3_close(db);
    remove_db_file(path);
}
END_TEST

/* A reader never sees a row of a transaction that has not committed, so it
** cannot acknowledge past a seq that is still to come. */
START_TEST(test_outbox_reader_sees_committed_only)
{
    char path[64];
    sqlite3 *writer = open_sync_file(path);
    sqlite3 *reader = NULL;

    ck_assert_int_eq(sqlite3_open(path, &reader), SQLITE_OK);
    harness_exec(writer, "PRAGMA journal_mode = WAL;");
    harness_exec(writer, "BEGIN; UPDATE invoices SET description = 'x';");
    expect_sql(reader, "SELECT max(seq) FROM outbox_pending", "2");
    harness_exec(writer, "COMMIT");
    expect_sql(reader, "SELECT max(seq) FROM outbox_pending", "3");
    sqlite3_close(reader);
    sqlite3_close(writer);
    remove_db_file(path);
}
END_TEST

/* The ledger's own payments arrive with source 'ledger' and its id; sent
** twice, they are stored once. */
START_TEST(test_ledger_payment_import_idempotent)
{
    sqlite3 *db = open_sync();
    const char *import =
        "INSERT INTO payments (customer_id, received_date, amount_cents,"
        "  currency, method, reference, source, external_id)"
        " VALUES (1, '2013-03-02', 2500, 'USD', 'check', 'cheque 1042',"
        "  'ledger', 'L-123')"
        " ON CONFLICT (source, external_id) DO NOTHING";

    harness_exec(db, import);
    harness_exec(db, import);
    expect_sql(db, "SELECT count(*), sum(amount_cents) FROM payments",
               "1|2500");
    /* One outbox row, marked as the ledger's so its connector skips it. */
    expect_sql(db,
               "SELECT event, json_extract(payload, '$.source'),"
               " json_extract(payload, '$.external_id') FROM outbox",
               "payment_received|ledger|L-123");
    sqlite3_close(db);
}
END_TEST

/* A payment the bank import created and the ledger sends back carries the
** bank's key, so it matches the stored payment and adds nothing. */
START_TEST(test_ledger_echo_of_bank_payment)
{
    sqlite3 *db = open_sync();

    harness_exec(db, "INSERT INTO payments (received_date, amount_cents,"
                     " currency, source, external_id) VALUES"
                     " ('2013-03-01', 9000, 'USD', 'bank', 'DE89:TX-1')");
    harness_exec(db, "INSERT INTO payments (received_date, amount_cents,"
                     " currency, source, external_id) VALUES"
                     " ('2013-03-01', 9000, 'USD', 'bank', 'DE89:TX-1')"
                     " ON CONFLICT (source, external_id) DO NOTHING");
    expect_sql(db, "SELECT count(*) FROM payments", "1");
    expect_sql(db, "SELECT count(*) FROM outbox", "1");
    sqlite3_close(db);
}
END_TEST

/* Without an external id a re-import could not be recognised. */
START_TEST(test_imported_payment_needs_external_id)
{
    sqlite3 *db = open_sync();

    expect_sql_error(db,
                     "INSERT INTO payments (received_date, amount_cents,"
                     " currency, source) VALUES"
                     " ('2013-03-01', 9000, 'USD', 'ledger')",
                     "needs an external_id");
    /* Manual payments keep working without one. */
    harness_exec(db, "INSERT INTO payments (received_date, amount_cents,"
                     " currency) VALUES ('2013-03-01', 9000, 'USD')");
    expect_sql(db, "SELECT count(*) FROM payments", "1");
    sqlite3_close(db);
}
END_TEST

Suite *sync_suite(void)
{
    Suite *s = suite_create("sync");
    TCase *events = tcase_create("events");
    TCase *protocol = tcase_create("protocol");
    TCase *ledger = tcase_create("ledger");

    tcase_add_test(events, test_outbox_invoice_lifecycle);
    tcase_add_test(events, test_outbox_allocation_and_undo);
    tcase_add_test(events, test_outbox_payment_payer_found);
    tcase_add_test(events, test_outbox_credit_note_events);
    tcase_add_test(events, test_outbox_delete_events);
    tcase_add_test(events, test_outbox_rejected_change_writes_nothing);
    tcase_add_test(events, test_outbox_rows_immutable);
    suite_add_tcase(s, events);

    tcase_add_test(protocol, test_outbox_prune_keeps_seq_growing);
    tcase_add_test(protocol, test_outbox_ack_moves_forward_only);
    tcase_add_test(protocol, test_outbox_connector_crash_before_ack);
    tcase_add_test(protocol, test_outbox_connectors_independent);
    tcase_add_test(protocol, test_outbox_ack_lost_in_crash);
    tcase_add_test(protocol, test_outbox_reader_sees_committed_only);
    suite_add_tcase(s, protocol);

    tcase_add_test(ledger, test_ledger_payment_import_idempotent);
    tcase_add_test(ledger, test_ledger_echo_of_bank_payment);
    tcase_add_test(ledger, test_imported_payment_needs_external_id);
    suite_add_tcase(s, ledger);
    return s;
}
