-- receivables sync: the accounting outbox, bank statement imports and the
-- double-entry journal export.
--
-- Load after schema.sql, triggers.sql and views.sql. The tables and
-- triggers use core SQL only (json_object needs SQLite 3.38 or later), so
-- writes keep working in a tool that opens the file without the extension.
-- Two things need the extension loaded: the import statement reads the file
-- with bank_statement(), and journal_ledger formats amounts with
-- currency_digits(). sql/SYNC.md describes the protocols with examples.

--------------------------------------------------------------------------
-- Outbox
--------------------------------------------------------------------------

-- One row per change accounting must hear about, written by the triggers
-- below in the same transaction as the change, so a change and its row
-- commit or roll back together. seq is AUTOINCREMENT: it only grows and a
-- committed value is never handed out again, even after old rows are
-- deleted. SQLite has one writer at a time, so a reader never sees seq n+1
-- committed while n is still pending. Rows are never updated; a row may be
-- deleted once every connector has acknowledged it.
CREATE TABLE IF NOT EXISTS outbox (
    seq         INTEGER PRIMARY KEY AUTOINCREMENT, -- delivery order
    entity      TEXT NOT NULL                      -- table the row is about
                CHECK (entity IN ('invoice', 'payment', 'credit_note',
                       'allocation')),
    entity_id   INTEGER NOT NULL,                  -- its primary key
    event       TEXT NOT NULL
                CHECK (event IN ('invoice_issued', 'invoice_changed',
                       'invoice_voided', 'invoice_reinstated',
                       'invoice_deleted', 'payment_received',
                       'payment_changed', 'payment_deleted',
                       'credit_note_issued', 'credit_note_changed',
                       'credit_note_voided', 'credit_note_reinstated',
                       'credit_note_deleted', 'allocation_made',
                       'allocation_undone')),
    payload     TEXT NOT NULL CHECK (json_valid(payload)), -- row as JSON
    recorded_at TEXT NOT NULL                  -- settings.as_of, else UTC now
);

-- Where each connector has got to: it has received and applied every
-- outbox row with seq <= acked_seq. A connector registers by inserting its
-- row; acked_seq only moves forward (trigger outbox_ack_check).
CREATE TABLE IF NOT EXISTS outbox_ack (
    connector TEXT PRIMARY KEY,                 -- name the connector uses
    acked_seq INTEGER NOT NULL DEFAULT 0        -- last seq it acknowledged
              CHECK (typeof(acked_seq) = 'integer' AND acked_seq >= 0),
    acked_at  TEXT                              -- when, as recorded_at
);

-- The rows each connector has not acknowledged yet. Read them in seq order:
--   SELECT seq, event, payload FROM outbox_pending
--   WHERE connector = 'ledger' ORDER BY seq LIMIT 500;
CREATE VIEW IF NOT EXISTS outbox_pending AS
SELECT a.connector, o.seq, o.entity, o.entity_id, o.event, o.payload,
       o.recorded_at
FROM outbox_ack a
JOIN outbox o ON o.seq > a.acked_seq;

-- The payloads: the row as it is after the change, with the customer code
-- so a connector need not look it up.
CREATE VIEW IF NOT EXISTS outbox_invoice_payload AS
SELECT i.invoice_id,
       json_object('invoice_id', i.invoice_id, 'number', i.number,
                   'customer_id', i.customer_id, 'customer_code', c.code,
                   'issue_date', i.issue_date, 'due_date', i.due_date,
                   'total_cents', i.total_cents, 'currency', i.currency,
                   'status', i.status, 'disputed', i.disputed,
                   'description', i.description,
                   'payment_method', i.payment_method,
                   'source', i.source, 'external_id', i.external_id)
           AS payload
FROM invoices i
LEFT JOIN customers c ON c.customer_id = i.customer_id;

CREATE VIEW IF NOT EXISTS outbox_payment_payload AS
SELECT p.payment_id,
       json_object('payment_id', p.payment_id,
                   'customer_id', p.customer_id, 'customer_code', c.code,
                   'received_date', p.received_date,
                   'amount_cents', p.amount_cents, 'currency', p.currency,
                   'method', p.method, 'payer_name', p.payer_name,
                   'payer_account', p.payer_account,
                   'reference', p.reference,
                   'structured_ref', p.structured_ref,
                   'source', p.source, 'external_id', p.external_id)
           AS payload
FROM payments p
LEFT JOIN customers c ON c.customer_id = p.customer_id;

CREATE VIEW IF NOT EXISTS outbox_credit_note_payload AS
SELECT n.credit_note_id,
       json_object('credit_note_id', n.credit_note_id, 'number', n.number,
                   'customer_id', n.customer_id, 'customer_code', c.code,
                   'issue_date', n.issue_date,
                   'amount_cents', n.amount_cents, 'currency', n.currency,
                   'invoice_id', n.invoice_id, 'reason', n.reason,
                   'status', n.status)
           AS payload
FROM credit_notes n
LEFT JOIN customers c ON c.customer_id = n.customer_id;

-- The time stamp of an outbox row: the report date when one is set (so
-- tests and replays give the same rows), else the wall clock in UTC, the
-- same rule allocation_audit.recorded_at follows.
CREATE VIEW IF NOT EXISTS outbox_clock AS
SELECT coalesce((SELECT as_of FROM settings WHERE id = 1), datetime('now'))
       AS recorded_at;

CREATE TRIGGER IF NOT EXISTS outbox_invoice_insert
AFTER INSERT ON invoices
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'invoice', NEW.invoice_id, 'invoice_issued', p.payload,
           k.recorded_at
    FROM outbox_invoice_payload p, outbox_clock k
    WHERE p.invoice_id = NEW.invoice_id;
END;

-- status, allocated_cents and paid_date are kept by the allocation
-- triggers, whose allocation_made and allocation_undone rows already carry
-- that news, so a change to them alone writes no row.
CREATE TRIGGER IF NOT EXISTS outbox_invoice_update
AFTER UPDATE ON invoices
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'invoice', NEW.invoice_id, e.event, p.payload, k.recorded_at
    FROM (SELECT CASE
                 WHEN OLD.status <> 'void' AND NEW.status = 'void'
                     THEN 'invoice_voided'
                 WHEN OLD.status = 'void' AND NEW.status <> 'void'
                     THEN 'invoice_reinstated'
                 WHEN NEW.invoice_id IS NOT OLD.invoice_id
                   OR NEW.number IS NOT OLD.number
                   OR NEW.customer_id IS NOT OLD.customer_id
                   OR NEW.issue_date IS NOT OLD.issue_date
                   OR NEW.due_date IS NOT OLD.due_date
                   OR NEW.total_cents IS NOT OLD.total_cents
                   OR NEW.currency IS NOT OLD.currency
                   OR NEW.payment_method IS NOT OLD.payment_method
                   OR NEW.disputed IS NOT OLD.disputed
                   OR NEW.description IS NOT OLD.description
                   OR NEW.source IS NOT OLD.source
                   OR NEW.external_id IS NOT OLD.external_id
                     THEN 'invoice_changed'
                 END AS event) e,
         outbox_invoice_payload p, outbox_clock k
    WHERE e.event IS NOT NULL AND p.invoice_id = NEW.invoice_id;
END;

CREATE TRIGGER IF NOT EXISTS outbox_invoice_delete
AFTER DELETE ON invoices
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'invoice', OLD.invoice_id, 'invoice_deleted',
           json_object('invoice_id', OLD.invoice_id, 'number', OLD.number,
                       'customer_id', OLD.customer_id,
                       'total_cents', OLD.total_cents,
                       'currency', OLD.currency),
           k.recorded_at
    FROM outbox_clock k;
END;

CREATE TRIGGER IF NOT EXISTS outbox_payment_insert
AFTER INSERT ON payments
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'payment', NEW.payment_id, 'payment_received', p.payload,
           k.recorded_at
    FROM outbox_payment_payload p, outbox_clock k
    WHERE p.payment_id = NEW.payment_id;
END;

-- status and allocated_cents are kept by the allocation triggers; setting
-- customer_id (the payer found by reconciliation) is a change.
CREATE TRIGGER IF NOT EXISTS outbox_payment_update
AFTER UPDATE ON payments
WHEN NEW.payment_id IS NOT OLD.payment_id
  OR NEW.customer_id IS NOT OLD.customer_id
  OR NEW.received_date IS NOT OLD.received_date
  OR NEW.amount_cents IS NOT OLD.amount_cents
  OR NEW.currency IS NOT OLD.currency
  OR NEW.method IS NOT OLD.method
  OR NEW.payer_name IS NOT OLD.payer_name
  OR NEW.payer_account IS NOT OLD.payer_account
  OR NEW.reference IS NOT OLD.reference
  OR NEW.structured_ref IS NOT OLD.structured_ref
  OR NEW.source IS NOT OLD.source
  OR NEW.external_id IS NOT OLD.external_id
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'payment', NEW.payment_id, 'payment_changed', p.payload,
           k.recorded_at
    FROM outbox_payment_payload p, outbox_clock k
    WHERE p.payment_id = NEW.payment_id;
END;

CREATE TRIGGER IF NOT EXISTS outbox_payment_delete
AFTER DELETE ON payments
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'payment', OLD.payment_id, 'payment_deleted',
           json_object('payment_id', OLD.payment_id,
                       'amount_cents', OLD.amount_cents,
                       'currency', OLD.currency, 'source', OLD.source,
                       'external_id', OLD.external_id),
           k.recorded_at
    FROM outbox_clock k;
END;

CREATE TRIGGER IF NOT EXISTS outbox_credit_note_insert
AFTER INSERT ON credit_notes
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'credit_note', NEW.credit_note_id, 'credit_note_issued',
           p.payload, k.recorded_at
    FROM outbox_credit_note_payload p, outbox_clock k
    WHERE p.credit_note_id = NEW.credit_note_id;
END;

-- 'open' and 'applied' follow the allocations, so only voiding, reinstating
-- and changes to the note's own fields write a row.
CREATE TRIGGER IF NOT EXISTS outbox_credit_note_update
AFTER UPDATE ON credit_notes
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'credit_note', NEW.credit_note_id, e.event, p.payload,
           k.recorded_at
    FROM (SELECT CASE
                 WHEN OLD.status <> 'void' AND NEW.status = 'void'
                     THEN 'credit_note_voided'
                 WHEN OLD.status = 'void' AND NEW.status <> 'void'
                     THEN 'credit_note_reinstated'
                 WHEN NEW.credit_note_id IS NOT OLD.credit_note_id
                   OR NEW.number IS NOT OLD.number
                   OR NEW.customer_id IS NOT OLD.customer_id
                   OR NEW.issue_date IS NOT OLD.issue_date
                   OR NEW.amount_cents IS NOT OLD.amount_cents
                   OR NEW.currency IS NOT OLD.currency
                   OR NEW.invoice_id IS NOT OLD.invoice_id
                   OR NEW.reason IS NOT OLD.reason
                     THEN 'credit_note_changed'
                 END AS event) e,
         outbox_credit_note_payload p, outbox_clock k
    WHERE e.event IS NOT NULL AND p.credit_note_id = NEW.credit_note_id;
END;

CREATE TRIGGER IF NOT EXISTS outbox_credit_note_delete
AFTER DELETE ON credit_notes
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'credit_note', OLD.credit_note_id, 'credit_note_deleted',
           json_object('credit_note_id', OLD.credit_note_id,
                       'number', OLD.number,
                       'amount_cents', OLD.amount_cents,
                       'currency', OLD.currency),
           k.recorded_at
    FROM outbox_clock k;
END;

-- Allocations are taken from allocation_audit, which the allocation
-- triggers write last, after they have filled effective_date and moved the
-- balances: one audit row, one outbox row. SQLite runs the AFTER triggers
-- of one table newest first, so a trigger on allocations itself would run
-- before effective_date is filled. An undo's payload has no effective_date
-- because the allocation row is gone; accounting books the reversal on
-- recorded_at and finds the original by allocation_id.
CREATE TRIGGER IF NOT EXISTS outbox_allocation_audit
AFTER INSERT ON allocation_audit
BEGIN
    INSERT INTO outbox (entity, entity_id, event, payload, recorded_at)
    SELECT 'allocation', NEW.allocation_id,
           CASE NEW.action WHEN 'allocate' THEN 'allocation_made'
                ELSE 'allocation_undone' END,
           json_object('allocation_id', NEW.allocation_id,
                       'invoice_id', NEW.invoice_id, 'kind', NEW.kind,
                       'payment_id', NEW.payment_id,
                       'credit_note_id', NEW.credit_note_id,
                       'amount_cents', NEW.amount_cents,
                       'effective_date',
                       (SELECT effective_date FROM allocations
                        WHERE allocation_id = NEW.allocation_id
                          AND NEW.action = 'allocate'),
                       'method', NEW.method, 'actor', NEW.actor,
                       'reason', NEW.reason, 'audit_id', NEW.audit_id),
           k.recorded_at
    FROM outbox_clock k;
END;

-- The outbox is append-only: a row that changed after a connector read it
-- would be delivered twice in two versions.
CREATE TRIGGER IF NOT EXISTS outbox_reject_update
BEFORE UPDATE ON outbox
BEGIN
    SELECT RAISE(ABORT, 'outbox rows cannot be changed; record a new change instead');
END;

-- Pruning is allowed only behind the slowest connector, so no connector
-- misses a row it has not acknowledged.
CREATE TRIGGER IF NOT EXISTS outbox_check_delete
BEFORE DELETE ON outbox
WHEN OLD.seq > coalesce((SELECT min(acked_seq) FROM outbox_ack), 0)
BEGIN
    SELECT RAISE(ABORT, 'outbox row not acknowledged by every connector; delete only rows with seq <= (SELECT min(acked_seq) FROM outbox_ack)');
END;

-- The highest seq ever handed out, also after the rows were pruned.
CREATE VIEW IF NOT EXISTS outbox_high_water AS
SELECT coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'outbox'), 0)
       AS seq;

-- An acknowledgement moves forward only, and only to a seq that exists:
-- going back would re-send acknowledged rows, going past the end would
-- skip rows not yet written.
CREATE TRIGGER IF NOT EXISTS outbox_ack_check_update
BEFORE UPDATE OF acked_seq ON outbox_ack
BEGIN
    SELECT RAISE(ABORT, 'outbox ack rejected: acked_seq cannot move backwards; acknowledge a seq at least the current acked_seq')
    WHERE NEW.acked_seq < OLD.acked_seq;

    SELECT RAISE(ABORT, 'outbox ack rejected: acked_seq is beyond the last outbox seq; acknowledge only a seq you have read')
    FROM outbox_high_water h
    WHERE NEW.acked_seq > h.seq;
END;

CREATE TRIGGER IF NOT EXISTS outbox_ack_check_insert
BEFORE INSERT ON outbox_ack
BEGIN
    SELECT RAISE(ABORT, 'outbox ack rejected: acked_seq is beyond the last outbox seq; acknowledge only a seq you have read')
    FROM outbox_high_water h
    WHERE NEW.acked_seq > h.seq;
END;

CREATE TRIGGER IF NOT EXISTS outbox_ack_stamp
AFTER UPDATE OF acked_seq ON outbox_ack
WHEN NEW.acked_seq <> OLD.acked_seq
BEGIN
    UPDATE outbox_ack
    SET acked_at = (SELECT recorded_at FROM outbox_clock)
    WHERE connector = NEW.connector;
END;

--------------------------------------------------------------------------
-- Imported payments
--------------------------------------------------------------------------

-- A payment from another system (bank statement, ledger) is recognised on
-- re-import by (source, external_id); without an external id every
-- re-import would add it again, because NULLs never conflict. Only
-- payments typed in by hand (source 'manual') may leave it NULL.
CREATE TRIGGER IF NOT EXISTS payments_require_external_id
BEFORE INSERT ON payments
WHEN NEW.source <> 'manual' AND NEW.external_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'payment rejected: an imported payment (source other than ''manual'') needs an external_id; give the id it has in its source system');
END;

--------------------------------------------------------------------------
-- Journal export
--------------------------------------------------------------------------

-- The part of an account name that names a customer: the customer code
-- with the characters that end or split an hledger account name (':', ';',
-- spaces, tabs, line breaks) replaced by '-'. A payment whose payer is not
-- known yet uses 'Unidentified'.
CREATE VIEW IF NOT EXISTS journal_customer AS
SELECT customer_id,
       replace(replace(replace(replace(replace(replace(code, ':', '-'),
           ';', '-'), ' ', '-'), char(9), '-'), char(10), '-'),
           char(13), '-') AS segment
FROM customers;

-- Every posting of the double-entry journal, one row each; the amounts of
-- one entry sum to zero. Debits are positive. Cash received is held in
-- Liabilities:Unapplied-cash until an allocation applies it to an invoice,
-- and an open credit note in Liabilities:Customer-credit, so the
-- receivable accounts always equal the open invoice amounts.
--   invoice        Dr Assets:Receivable:<customer>   Cr Income:Sales
--   credit note    Dr Income:Sales-returns           Cr Liabilities:Customer-credit:<customer>
--   payment        Dr Assets:Bank                    Cr Liabilities:Unapplied-cash:<payer>
--   allocation     Dr Liabilities:Unapplied-cash:<payer>, Liabilities:Customer-credit:<customer>,
--                     Expenses:Bank-fees (write-off of a payment's shortfall)
--                     or Expenses:Write-offs (any other write-off)
--                                                    Cr Assets:Receivable:<customer>
-- Void invoices and void credit notes are left out together with their
-- allocations, as if they had never been issued.
CREATE VIEW IF NOT EXISTS journal_entries AS
WITH documents AS (
    SELECT i.issue_date AS entry_date, 0 AS entry_order,
           i.invoice_id AS entry_id, i.number AS code,
           c.name || ' | invoice due ' || i.due_date AS description,
           'Assets:Receivable:' || j.segment AS debit_account,
           'Income:Sales' AS credit_account,
           i.total_cents AS amount_cents, i.currency,
           i.source, i.external_id
    FROM invoices i
    JOIN customers c ON c.customer_id = i.customer_id
    JOIN journal_customer j ON j.customer_id = i.customer_id
    WHERE i.status <> 'void'
    UNION ALL
    SELECT n.issue_date, 1, n.credit_note_id, n.number,
           c.name || ' | credit note: ' || n.reason,
           'Income:Sales-returns',
           'Liabilities:Customer-credit:' || j.segment,
           n.amount_cents, n.currency, NULL, NULL
    FROM credit_notes n
    JOIN customers c ON c.customer_id = n.customer_id
    JOIN journal_customer j ON j.customer_id = n.customer_id
    WHERE n.status <> 'void'
    UNION ALL
    SELECT p.received_date, 2, p.payment_id, 'P-' || p.payment_id,
           coalesce(c.name, p.payer_name, 'unidentified payer')
               || ' | payment' || coalesce(': ' || p.reference, ''),
           'Assets:Bank',
           'Liabilities:Unapplied-cash:' || coalesce(j.segment, 'Unidentified'),
           p.amount_cents, p.currency, p.source, p.external_id
    FROM payments p
    LEFT JOIN customers c ON c.customer_id = p.customer_id
    LEFT JOIN journal_customer j ON j.customer_id = p.customer_id
    UNION ALL
    SELECT a.effective_date, 3, a.allocation_id, 'A-' || a.allocation_id,
           c.name || ' | ' || i.number || ' settled by '
               || CASE a.kind
                  WHEN 'payment' THEN 'payment P-' || a.payment_id
                  WHEN 'credit_note' THEN 'credit note ' || n.number
                  ELSE 'write-off: ' || a.reason END,
           CASE a.kind
           WHEN 'payment' THEN 'Liabilities:Unapplied-cash:'
                               || coalesce(pj.segment, 'Unidentified')
           WHEN 'credit_note' THEN 'Liabilities:Customer-credit:'
                                   || nj.segment
           WHEN 'write_off' THEN CASE WHEN a.payment_id IS NOT NULL
                                      THEN 'Expenses:Bank-fees'
                                      ELSE 'Expenses:Write-offs' END
           END,
           'Assets:Receivable:' || ij.segment,
           a.amount_cents, i.currency, NULL, NULL
    FROM allocations a
    JOIN invoices i ON i.invoice_id = a.invoice_id
    JOIN customers c ON c.customer_id = i.customer_id
    JOIN journal_customer ij ON ij.customer_id = i.customer_id
    LEFT JOIN payments p ON p.payment_id = a.payment_id
    LEFT JOIN journal_customer pj ON pj.customer_id = p.customer_id
    LEFT JOIN credit_notes n ON n.credit_note_id = a.credit_note_id
    LEFT JOIN journal_customer nj ON nj.customer_id = n.customer_id
    WHERE i.status <> 'void' AND coalesce(n.status, '') <> 'void'
)
SELECT entry_date, entry_order, entry_id, code, description, 1 AS posting,
       debit_account AS account, amount_cents, currency, source, external_id
FROM documents
UNION ALL
SELECT entry_date, entry_order, entry_id, code, description, 2,
       credit_account, -amount_cents, currency, source, external_id
FROM documents;

-- The journal as hledger journal text, one row per line, for the entries
-- dated on or before the report date (report_date.as_of). Export it with
--   sqlite3 ar.db ".load build/receivables" \
--       "SELECT line FROM journal_ledger ORDER BY line_no" > ar.journal
-- The header records the outbox high-water mark: a receiver that loads this
-- journal continues with the outbox rows after that seq.
-- Needs the extension for currency_digits(): amounts are written with the
-- ISO 4217 number of decimals of their currency, from integer arithmetic.
CREATE VIEW IF NOT EXISTS journal_ledger AS
WITH postings AS (
    SELECT e.*,
           printf('%0*d', currency_digits(e.currency) + 1,
                  abs(e.amount_cents)) AS digits,
           currency_digits(e.currency) AS decimals
    FROM journal_entries e, report_date r
    WHERE e.entry_date <= r.as_of
), entries AS (
    SELECT DISTINCT entry_date, entry_order, entry_id, code,
           replace(replace(replace(description, ';', ','), char(10), ' '),
                   char(13), ' ') AS description,
           source, external_id
    FROM postings
), lines AS (
    SELECT 0 AS part, '' AS entry_date, 0 AS entry_order, 0 AS entry_id,
           0 AS line, '; receivables journal as of ' || r.as_of AS text
    FROM report_date r
    UNION ALL
    SELECT 0, '', 0, 0, 1, '; outbox_seq: ' || h.seq
    FROM outbox_high_water h
    UNION ALL
    SELECT 1, entry_date, entry_order, entry_id, 0,
           entry_date || ' (' || code || ') ' || description
               || coalesce('  ; source:' || source
                           || coalesce(', external_id:' || external_id, ''),
                           '')
    FROM entries
    UNION ALL
    SELECT 1, entry_date, entry_order, entry_id, posting,
           printf('    %-44s  %16s %s', account,
                  CASE WHEN amount_cents < 0 THEN '-' ELSE '' END
                      || CASE WHEN decimals = 0 THEN digits
                         ELSE substr(digits, 1, length(digits) - decimals)
                              || '.' || substr(digits, -decimals) END,
                  currency)
    FROM postings
    UNION ALL
    SELECT 1, entry_date, entry_order, entry_id, 9, ''
    FROM entries
)
SELECT row_number() OVER (ORDER BY part, entry_date, entry_order, entry_id,
                                   line) AS line_no,
       text AS line
FROM lines;
