-- The ledger work of one day, replayed under different system clocks.
--
-- Load after sql/schema.sql, triggers.sql, views.sql, sync.sql and
-- reconcile.sql, with the extension loaded; then run
-- sql/import_statement.sql with :path set to
-- tests/data/statements/camt/camt053.v2.multi.statement.xml, then
-- tests/stress/clock_replay_report.sql. tests/check_determinism.c runs
-- this in-process under three VFS clocks, and tests/stress/clock_replay.sh
-- runs it in the sqlite3 shell under faketime. Every database must come
-- out byte for byte the same, which holds only while nothing reads the
-- clock once settings.as_of is set.
--
-- Every function the extension registers is called at least once below,
-- so a function that read the clock would show.

UPDATE settings SET as_of = '2013-06-30';

INSERT INTO customers (customer_id, code, name, payment_terms_days,
                       credit_limit_cents, currency) VALUES
    (1, 'ACME', 'Acme Trading Ltd', 30, 5000000, 'EUR'),
    (2, 'BETA', 'Beta GmbH', 14, NULL, 'EUR'),
    (3, 'GAMMA', 'Gamma Inc.', 45, 1000000, 'USD');

INSERT INTO invoices (invoice_id, number, customer_id, issue_date, due_date,
                      total_cents, currency, description) VALUES
    (1, 'INV-2013-0041', 1, '2013-01-15', '2013-02-14', 120000, 'EUR', 'Q1'),
    (2, 'INV-2013-0042', 1, '2013-04-02', '2013-05-02', 25000, 'EUR', 'parts'),
    (3, 'INV-2013-0043', 2, '2013-05-20', '2013-06-03', 9950, 'EUR', 'service'),
    (4, 'INV-2013-0044', 2, '2013-06-10', '2013-06-24', 45000, 'EUR', NULL),
    (5, 'INV-2013-0045', 3, '2013-03-01', '2013-04-15', 700000, 'USD', NULL),
    (6, 'INV-2013-0046', 3, '2013-06-28', '2013-08-12', 13300, 'USD', NULL);

INSERT INTO payments (payment_id, customer_id, received_date, amount_cents,
                      currency, method, payer_name, payer_account, reference,
                      source, external_id) VALUES
    (1, 1, '2013-02-20', 120000, 'EUR', 'bank_transfer', 'ACME TRADING',
     'GB29NWBK60161331926819', 'INV-2013-0041', 'ledger', 'L-1'),
    (2, NULL, '2013-06-05', 9950, 'EUR', 'bank_transfer', 'BETA GMBH',
     'DE44500105175407324931', 'Rechnung INV-2013-0043', 'ledger', 'L-2'),
    (3, 3, '2013-05-02', 300000, 'USD', 'check', 'Gamma Inc', NULL,
     'part payment 45', 'ledger', 'L-3'),
    (4, NULL, '2013-06-29', 45000, 'EUR', 'bank_transfer', 'Beta',
     'DE44500105175407324931', 'RF18 5390 0754 7034 / 0044', 'ledger', 'L-4');

INSERT INTO credit_notes (credit_note_id, number, customer_id, issue_date,
                          amount_cents, currency, invoice_id, reason) VALUES
    (1, 'CN-2013-001', 3, '2013-05-10', 50000, 'USD', 5, 'damaged goods');

-- Allocations by hand, a credit note, a write-off and an undo.
INSERT INTO allocations (invoice_id, payment_id, amount_cents, created_by)
VALUES (1, 1, 120000, 'ana'), (5, 3, 300000, 'ana');
INSERT INTO allocations (invoice_id, kind, credit_note_id, amount_cents,
                         created_by)
VALUES (5, 'credit_note', 1, 50000, 'ana');
INSERT INTO allocations (invoice_id, kind, amount_cents, effective_date,
                         created_by, reason)
VALUES (6, 'write_off', 300, '2013-06-30', 'ana', 'rounding');
DELETE FROM allocations WHERE invoice_id = 6;

-- Reconciliation: apply the automatic matches, then decide by hand.
INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents, method,
                         score, created_by, reason)
SELECT invoice_id, kind, payment_id, amount_cents, method, score, 'nightly',
       reason
FROM reconcile_auto_allocations;

INSERT INTO reconcile_decisions (payment_id, invoice_ids, allocate_cents,
                                 decision, actor, score)
SELECT payment_id, invoice_ids, allocate_cents, 'confirm', 'ana', score
FROM reconcile_candidates WHERE payment_id = 4 AND rank = 1;

INSERT INTO outbox_ack (connector, acked_seq) VALUES ('ledger', 3);

-- Every function, into a table.
CREATE TABLE replay_functions AS
SELECT receivables_version() AS version,
       parse_date('2013/1/31') AS d1, parse_date('31.01.2013', 'dmy') AS d2,
       days_overdue('2013-02-01', '2013-03-03') AS overdue,
       due_alert('2013-02-01', '2013-01-29') AS alert,
       aging_bucket(45) AS bucket,
       parse_amount('$ 1,234.56') AS a1,
       parse_amount('1.234,56', ',') AS a2,
       parse_amount('JPY 1,500', '.', 0) AS a3,
       currency_digits('KWD') AS digits,
       format_money(123456) AS m1, format_money(-5, 'USD') AS m2,
       levenshtein('kitten', 'sitting') AS lev,
       damerau_levenshtein('CA', 'ABC') AS dl,
       jaro_winkler('MARTHA', 'MARHTA') AS jw,
       ref_normalize('Invoice no. 00123') AS ref,
       ref_similarity('INV-2013-004512 ACME', '4512') AS sim,
       creditor_ref_valid('RF18 5390 0754 7034') AS rf_valid,
       creditor_ref_payload('RF18539007547034') AS rf_payload,
       creditor_ref_make('rf', 'F20240042') AS rf_made,
       reconcile_fee_tolerance(100000, 'EUR', 1000, 3.0) AS fee_tolerance;
