-- One real bank statement file through the import, the balance check and
-- reconciliation, in a database of its own.
--
-- Run from the repository root with the extension built:
--   rm -f build/statement-demo.db
--   sqlite3 -bail build/statement-demo.db ".load build/receivables" \
--       ".read demo/statement.sql"
--
-- The file is demo/data/statements/camt054.v8.xml (see the README beside
-- it): three incoming CHF payments from UNIFITS GmbH on 2007-10-18. The
-- file has no invoices, so the demo first creates the customer and three
-- open invoices for the payments to settle. Reconciliation uses
-- sql/reconcile.sql and the extension's reconcile_candidates table.

.read sql/schema.sql
.read sql/triggers.sql
.read sql/views.sql
.read sql/sync.sql
.read sql/reconcile.sql
.mode box
UPDATE settings SET as_of = '2007-10-31';

INSERT INTO customers (customer_id, code, name, country, currency)
VALUES (1, 'UNIFITS', 'UNIFITS GmbH', 'CH', 'CHF');
INSERT INTO invoices (invoice_id, number, customer_id, issue_date, due_date,
                      total_cents, currency)
VALUES (1, 'INV-2007-101', 1, '2007-09-14', '2007-10-14', 310, 'CHF'),
       (2, 'INV-2007-102', 1, '2007-09-20', '2007-10-20', 320, 'CHF'),
       (3, 'INV-2007-103', 1, '2007-09-28', '2007-10-28', 500, 'CHF');

.print '== The file as bank_statement reads it (batch=split)'
SELECT booking_date, format_money(amount_cents, currency) AS amount,
       currency, counterparty_name, memo, structured_ref, bank_txn_id
FROM bank_statement('demo/data/statements/camt054.v8.xml', NULL,
                    'batch=split');

.print '== Import (sql/import_statement.sql)'
.parameter set :path 'demo/data/statements/camt054.v8.xml'
.parameter set :format NULL
.parameter set :options 'batch=split'
.parameter set :on_mismatch 'report'
.read sql/import_statement.sql
.print '== The same file again: three duplicates, nothing added'
.read sql/import_statement.sql
SELECT import_id, format, statement_ids, lines_read, payments_imported,
       format_money(imported_cents, 'CHF') AS imported, duplicates,
       balance_check
FROM statement_import_log ORDER BY import_id;

.print '== Balance check (a camt.054 notification carries no balances)'
SELECT statement_id, account, opening_cents, entries_cents, closing_cents,
       result
FROM statement_balance_check;

.print '== The payments, with their external ids'
SELECT payment_id, received_date, format_money(amount_cents, currency)
           AS amount, payer_name, reference, external_id
FROM payments ORDER BY payment_id;

.print '== Reconciliation candidates (reconcile_candidates)'
SELECT payment_id, invoice_ids, round(score, 3) AS score, rank, auto,
       amount_match, evidence
FROM reconcile_candidates WHERE rank <= 2 ORDER BY payment_id, rank;

-- The nightly apply of sql/reconcile.sql. No memo names an invoice, but
-- payments 1 and 2 each equal one open invoice of the payer's customer, so
-- their rank-1 candidates are automatic (auto = 1) and it allocates them.
-- Payment 3 (auto = 0) is left for a person.
INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,
                         method, score, created_by, reason)
SELECT invoice_id, kind, payment_id, amount_cents, method, score,
       'nightly', reason
FROM reconcile_auto_allocations;

-- The analyst reads the evidence and confirms the best candidate of
-- payments 1 and 2. Payment 3 is a second 3.20 for the same invoice, so
-- it stays open for a call to the customer.
INSERT INTO reconcile_decisions (payment_id, invoice_ids, allocate_cents,
                                 decision, actor)
SELECT payment_id, invoice_ids, allocate_cents, 'confirm', 'demo analyst'
FROM reconcile_candidates
WHERE rank = 1 AND payment_id IN (1, 2);

.print '== Invoices after reconciliation'
SELECT number, format_money(total_cents, currency) AS total,
       format_money(open_cents, currency) AS open, state
FROM invoice_balance ORDER BY invoice_id;

.print '== Still unreconciled'
SELECT payment_id, received_date, format_money(unallocated_cents, currency)
           AS unallocated, payer_name, days_waiting
FROM unreconciled_payments ORDER BY payment_id;

.print '== What accounting receives (outbox)'
SELECT seq, event, entity_id, json_extract(payload, '$.external_id')
           AS external_id
FROM outbox ORDER BY seq;

.print '== The journal for hledger (journal_ledger)'
.mode list
SELECT line FROM journal_ledger ORDER BY line_no;
