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
UPDATE settings SET as_of = '2007-10-31';

INSERT INTO customers (customer_id, code, name, country, currency)
VALUES (1, 'UNIFITS', 'UNIFITS GmbH', 'CH', 'CHF');
INSERT INTO invoices (invoice_id, number, customer_id, issue_date, due_date,
                      total_cents, currency)
VALUES (1, 'INV-2007-101', 1, '2007-09-14', '2007-10-14', 310, 'CHF'),
       (2, 'INV-2007-102', 1, '2007-09-20', '2007-10-20', 320, 'CHF'),
       (3, 'INV-2007-103', 1, '2007-09-28', '2007-10-28', 500, 'CHF');

-- Each part opens with a one-line heading that names the report date,
-- printed by a SELECT in list mode because .print cannot show a query's
-- result.
.headers off
.mode list
SELECT 'Part 2: the bank statement file demo/data/statements/camt054.v8.xml '
       || '(camt.054, account CH2801234000123456789) from file to '
       || 'reconciled invoices, as of ' || as_of || '.'
FROM report_date;
SELECT 'The database starts with customer UNIFITS GmbH and three open CHF '
       || 'invoices for the payments to settle: '
       || group_concat(number || ' ' || format_money(total_cents, currency),
                       ', ') || '.'
FROM (SELECT * FROM invoices ORDER BY invoice_id);

.print
SELECT '== The file as bank_statement reads it on ' || as_of
       || ' with batch=split: one row per transaction of the batch entry'
FROM report_date;
.headers on
.mode box --wrap 40 --wordwrap on
SELECT booking_date AS booked,
       format_money(amount_cents, currency) || ' ' || currency AS amount,
       counterparty_name AS payer, memo, structured_ref AS "reference"
FROM bank_statement('demo/data/statements/camt054.v8.xml', NULL,
                    'batch=split');

.headers off
.mode list
.print
SELECT '== Import on ' || as_of || ' with sql/import_statement.sql, '
       || 'twice: the second run finds three duplicates and adds nothing'
FROM report_date;
.parameter set :path 'demo/data/statements/camt054.v8.xml'
.parameter set :format NULL
.parameter set :options 'batch=split'
.parameter set :on_mismatch 'report'
.read sql/import_statement.sql
.read sql/import_statement.sql
.headers on
.mode box
SELECT import_id AS import, format, statement_ids AS statement,
       lines_read AS "lines read", payments_imported AS imported,
       format_money(imported_cents, 'CHF') || ' CHF' AS "amount imported",
       duplicates, balance_check AS "balance check"
FROM statement_import_log ORDER BY import_id;

.headers off
.mode list
.print
SELECT '== Balance check as of ' || as_of || ' of each statement in the '
       || 'file: opening balance + booked entries = closing balance'
FROM report_date;
.headers on
.mode box --wrap 50 --wordwrap on
SELECT statement_id AS statement,
       coalesce(format_money(opening_cents, currency) || ' ' || currency,
                'not in file') AS opening,
       coalesce(format_money(entries_cents, currency) || ' ' || currency,
                'unknown') AS entries,
       coalesce(format_money(closing_cents, currency) || ' ' || currency,
                'not in file') AS closing,
       result, coalesce(warning, '') AS warning
FROM statement_balance_check
WHERE import_id = (SELECT max(import_id) FROM statement_balances)
ORDER BY statement_no;
.headers off
.mode list
.print 'A camt.054 notification gives no opening or closing balance, so the check is unchecked.'
.print 'Its one entry is a 200,000.00 SEK debit whose three transactions are CHF credits:'
.print 'only the credits become payments, and the warning records that they cannot add up.'

.print
SELECT '== Payments as of ' || as_of
       || ', with the external id that makes a re-import add nothing'
FROM report_date;
.headers on
.mode box --wrap 44 --wordwrap on
SELECT payment_id AS payment, received_date AS received,
       format_money(amount_cents, currency) || ' ' || currency AS amount,
       payer_name AS payer, reference, external_id AS "external id"
FROM payments ORDER BY payment_id;

.headers off
.mode list
.print
SELECT '== Reconciliation candidates as of ' || as_of
       || ', best two per payment (auto = 1: safe to apply unattended)'
FROM report_date;
.headers on
.mode box --wrap 50 --wordwrap on
-- One line per candidate, with invoice numbers in place of ids. A filter
-- on payment reaches reconcile_candidates as WHERE payment_id = ?.
CREATE TEMP VIEW candidate_lines AS
SELECT c.payment_id AS payment,
       (SELECT group_concat(i.number, ', ')
        FROM json_each(c.invoice_ids) j
        JOIN invoices i ON i.invoice_id = j.value) AS invoice,
       printf('%.3f', c.score) AS score, c.rank, c.auto,
       c.amount_match AS amount, c.evidence
FROM reconcile_candidates c;
SELECT * FROM candidate_lines
WHERE rank <= 2 ORDER BY payment, rank;

-- Payments 2 and 3 are both 3.20 CHF from the same payer on the same day.
-- The full table lets payment 2 claim INV-2007-102 first, so payment 3 is
-- scored against what is left. Scored alone it still lists INV-2007-102.
.headers off
.mode list
.print
SELECT '== Payment 3 scored alone (WHERE payment_id = 3), without the'
       || ' claims of the other payments';
.headers on
.mode box --wrap 50 --wordwrap on
SELECT * FROM candidate_lines
WHERE payment = 3 AND rank <= 2 ORDER BY rank;
.headers off
.mode list
SELECT 'Alone, payment 3 equals INV-2007-102 as well as payment 2 does. Only'
       || ' one of them can pay it, so payment 3 is either a duplicate or pays'
       || ' an invoice not yet in the book: a person decides.';

-- The nightly apply of sql/reconcile.sql. No memo names an invoice, but
-- payments 1 and 2 each equal one open invoice of the payer's customer, so
-- their rank-1 candidates are automatic (auto = 1) and it allocates them.
-- Payment 3 (auto = 0) is left for a person.
INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,
                         method, score, created_by, reason)
SELECT invoice_id, kind, payment_id, amount_cents, method, score,
       'nightly', reason
FROM reconcile_auto_allocations;

.headers off
.mode list
.print
SELECT '== Automatic apply on ' || as_of
       || ' (reconcile_auto_allocations): the allocations it made'
FROM report_date;
.headers on
.mode box
SELECT a.allocation_id AS allocation, a.payment_id AS payment,
       i.number AS invoice,
       format_money(a.amount_cents, i.currency) || ' ' || i.currency
           AS amount,
       printf('%.3f', a.score) AS score, a.effective_date AS effective
FROM allocations a
JOIN invoices i ON i.invoice_id = a.invoice_id
WHERE a.created_by = 'nightly'
ORDER BY a.allocation_id;

.headers off
.mode list
.print
SELECT '== What is left as of ' || as_of
       || ': invoices still open and payments not allocated'
FROM report_date;
.headers on
.mode box
SELECT 'invoice' AS item, number AS id,
       format_money(open_cents, currency) || ' ' || currency AS open,
       state || ', due ' || due_date AS detail
FROM invoice_balance WHERE open_cents > 0
UNION ALL
SELECT 'payment', payment_id,
       format_money(unallocated_cents, currency) || ' ' || currency,
       'received ' || received_date || ' from ' || payer_name || ', '
           || days_waiting || ' days waiting'
FROM unreconciled_payments;

.headers off
.mode list
.print
SELECT '== Discrepancies as of ' || as_of
       || ': what a person must look at (discrepancies view)'
FROM report_date;
.headers on
.mode box --wrap 60 --wordwrap on
SELECT kind, payment_id AS payment,
       coalesce((SELECT number FROM invoices i
                 WHERE i.invoice_id = d.invoice_id), '') AS invoice,
       format_money(amount_cents, currency) || ' ' || currency AS amount,
       reason
FROM discrepancies d
ORDER BY payment_id, kind;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM discrepancies);

.print
SELECT '== What accounting receives as of ' || as_of
       || ': the outbox, one row per change in order'
FROM report_date;
.headers on
.mode box
SELECT seq, event, entity_id AS id,
       coalesce(json_extract(payload, '$.number'),
                json_extract(payload, '$.external_id'),
                'payment ' || json_extract(payload, '$.payment_id')
                    || ' to invoice '
                    || json_extract(payload, '$.invoice_id'))
           AS about
FROM outbox ORDER BY seq;

.headers off
.mode list
.print
SELECT '== The double-entry journal as of ' || as_of
       || ' for hledger (journal_ledger)'
FROM report_date;
SELECT line FROM journal_ledger ORDER BY line_no;
