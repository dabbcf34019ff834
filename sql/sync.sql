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
    -- The row as JSON, written by json_object() in the triggers below. No
    -- CHECK (json_valid(...)) here: SQLite 3.40 does not mark json_valid
    -- innocuous, so such a CHECK makes the whole file unreadable with
    -- PRAGMA trusted_schema=OFF.
    payload     TEXT NOT NULL,
    recorded_at TEXT NOT NULL                  -- settings.as_of, else UTC now
);

-- Where each connector has got to: it has received and applied every
-- outbox row with seq <= acked_seq. A connector registers by inserting its
-- row. acked_seq only moves forward (trigger outbox_ack_check_update).
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
-- re-import by (source, external_id). Without an external id every
-- re-import would add it again, because NULLs never conflict, so only
-- payments typed in by hand (source 'manual') may leave it NULL.
CREATE TRIGGER IF NOT EXISTS payments_require_external_id
BEFORE INSERT ON payments
WHEN NEW.source <> 'manual' AND NEW.external_id IS NULL
BEGIN
    SELECT RAISE(ABORT, 'payment rejected: an imported payment (source other than ''manual'') needs an external_id; give the id it has in its source system');
END;

--------------------------------------------------------------------------
-- Bank statement imports
--------------------------------------------------------------------------

-- One row per run of the import statement (sql/import_statement.sql).
CREATE TABLE IF NOT EXISTS statement_imports (
    import_id   INTEGER PRIMARY KEY,
    path        TEXT NOT NULL,                  -- file as given
    format      TEXT,                           -- format read, e.g. camt.053
    on_mismatch TEXT NOT NULL DEFAULT 'report'  -- what a balance mismatch does
                CHECK (on_mismatch IN ('report', 'reject')),
    imported_at TEXT NOT NULL                   -- as outbox.recorded_at
);

-- The balances each imported statement gives. A file may contain several
-- statements, and statement_no numbers them from 1 in file order.
CREATE TABLE IF NOT EXISTS statement_balances (
    import_id     INTEGER NOT NULL REFERENCES statement_imports,
    statement_no  INTEGER NOT NULL,
    statement_id  TEXT,                         -- the bank's statement id
    account       TEXT,                         -- IBAN or account number
    currency      TEXT,                         -- of the account
    opening_cents INTEGER,                      -- NULL: not in the file
    closing_cents INTEGER,                      -- NULL: not in the file
    entries_cents INTEGER,                      -- booked entries' sum, as
                                                -- the file reader counts
                                                -- it; NULL: unknown
    opening_date  TEXT,
    closing_date  TEXT,
    warning       TEXT,                         -- why a balance is missing
    PRIMARY KEY (import_id, statement_no)
);

-- Every entry of every imported file, with what the import did with it:
--   imported   a booked credit that became a new payment
--   duplicate  a booked credit whose payment an earlier import created
--   debit      money going out (amount <= 0): not a payment received
--   pending    not booked yet, so the bank may still change it; a later
--              statement that has it booked imports it
-- The payment of an imported or duplicate line is the one with source
-- 'bank' and the line's external_id.
CREATE TABLE IF NOT EXISTS statement_lines (
    import_id            INTEGER NOT NULL REFERENCES statement_imports,
    line_no              INTEGER NOT NULL,      -- 1.. in file order
    statement_no         INTEGER NOT NULL,
    booking_date         TEXT,
    value_date           TEXT,
    amount_cents         INTEGER NOT NULL,      -- signed: credit > 0
    currency             TEXT,
    counterparty_name    TEXT,
    counterparty_account TEXT,
    memo                 TEXT,
    structured_ref       TEXT,
    bank_txn_id          TEXT,
    booked               INTEGER NOT NULL CHECK (booked IN (0, 1)),
    origin               TEXT,                  -- where in the file
    dedup_key            TEXT NOT NULL,         -- external_id less '#n'
    occurrence           INTEGER NOT NULL,      -- n-th equal entry, from 1
    external_id          TEXT NOT NULL,
    outcome              TEXT NOT NULL
                         CHECK (outcome IN ('imported', 'duplicate',
                                'debit', 'pending')),
    PRIMARY KEY (import_id, line_no)
);
CREATE INDEX IF NOT EXISTS statement_lines_dedup_key_idx
    ON statement_lines (import_id, dedup_key);
CREATE INDEX IF NOT EXISTS payments_payer_account_idx
    ON payments (payer_account) WHERE payer_account IS NOT NULL;

-- The rows the import statement inserts: one 'entry' row per entry, then
-- one 'statement' row per statement with its balances (the statement sorts
-- on row_kind, and 'entry' < 'statement'). Nothing is stored in the view;
-- its INSTEAD OF triggers file each row away.
CREATE VIEW IF NOT EXISTS statement_import AS
SELECT NULL AS import_id, NULL AS path, NULL AS format,
       NULL AS on_mismatch, NULL AS row_kind, NULL AS statement_no,
       NULL AS statement_id, NULL AS account, NULL AS currency,
       NULL AS opening_cents, NULL AS closing_cents, NULL AS entries_cents,
       NULL AS opening_date, NULL AS closing_date, NULL AS warning,
       NULL AS line_no, NULL AS booking_date, NULL AS value_date,
       NULL AS amount_cents, NULL AS counterparty_name,
       NULL AS counterparty_account, NULL AS memo, NULL AS structured_ref,
       NULL AS bank_txn_id, NULL AS booked, NULL AS origin
WHERE 0;

-- The external id of an entry, stable across re-imports and overlapping
-- statements: the account and the bank's transaction id when the file
-- gives one, else the account, booking date, amount, counterparty and memo.
-- Entries equal in all of these are numbered in file order, so two equal
-- payments on one day get 1 and 2 and both are kept. The number is the
-- last element of the fallback key's JSON array, and a transaction id key
-- gets '#2', '#3', ... appended from the second occurrence on.
-- NOTE: numbering equal entries assumes that every file contains whole
-- booking days of the account. When a day is split across two files
-- without bank transaction ids, both halves are numbered from 1, and an
-- entry of the second half that equals one of the first is taken for a
-- duplicate.
CREATE TRIGGER IF NOT EXISTS statement_import_entry
INSTEAD OF INSERT ON statement_import
WHEN NEW.row_kind = 'entry'
BEGIN
    INSERT INTO statement_imports (import_id, path, format, on_mismatch,
                                   imported_at)
    SELECT NEW.import_id, NEW.path, NEW.format,
           coalesce(NEW.on_mismatch, 'report'), k.recorded_at
    FROM outbox_clock k
    WHERE NOT EXISTS (SELECT 1 FROM statement_imports
                      WHERE import_id = NEW.import_id);

    SELECT RAISE(ABORT, 'statement import rejected: a booked credit has neither booking nor value date; fix the file or import it with another format')
    WHERE NEW.booked AND NEW.amount_cents > 0
      AND coalesce(NEW.booking_date, NEW.value_date) IS NULL;

    INSERT INTO statement_lines (
        import_id, line_no, statement_no, booking_date, value_date,
        amount_cents, currency, counterparty_name,
        counterparty_account, memo, structured_ref, bank_txn_id, booked,
        origin, dedup_key, occurrence, external_id, outcome)
    SELECT NEW.import_id, NEW.line_no, NEW.statement_no, NEW.booking_date,
           NEW.value_date, NEW.amount_cents, NEW.currency, NEW.counterparty_name, NEW.counterparty_account,
           NEW.memo, NEW.structured_ref, NEW.bank_txn_id, NEW.booked,
           NEW.origin, k.dedup_key, k.occurrence, k.external_id,
           CASE WHEN NOT NEW.booked THEN 'pending'
                WHEN NEW.amount_cents <= 0 THEN 'debit'
                WHEN EXISTS (SELECT 1 FROM payments
                             WHERE source = 'bank'
                               AND external_id = k.external_id)
                    THEN 'duplicate'
                ELSE 'imported' END
    FROM (SELECT o.dedup_key, o.occurrence,
                 CASE WHEN NEW.bank_txn_id IS NULL
                          THEN json_insert(o.dedup_key, '$[#]',
                                           o.occurrence)
                      WHEN o.occurrence > 1
                          THEN o.dedup_key || '#' || o.occurrence
                      ELSE o.dedup_key END AS external_id
          FROM (SELECT d.dedup_key,
                       1 + (SELECT count(*) FROM statement_lines l
                            WHERE l.import_id = NEW.import_id
                              AND l.dedup_key = d.dedup_key)
                           AS occurrence
                FROM (SELECT CASE
                             WHEN NEW.bank_txn_id IS NOT NULL
                                 THEN coalesce(NEW.account, '') || ':'
                                      || NEW.bank_txn_id
                             ELSE json_array(NEW.account, NEW.booking_date,
                                             NEW.amount_cents,
                                             NEW.counterparty_account,
                                             NEW.counterparty_name,
                                             NEW.memo)
                             END AS dedup_key) d) o) k;

    -- The payer is set when the counterparty account has paid before for
    -- exactly one customer; otherwise reconciliation finds it.
    INSERT INTO payments (customer_id, received_date, amount_cents,
                          currency, method, payer_name, payer_account,
                          reference, structured_ref, source, external_id)
    SELECT (SELECT CASE WHEN count(DISTINCT p.customer_id) = 1
                        THEN max(p.customer_id) END
            FROM payments p
            WHERE p.payer_account = l.counterparty_account
              AND p.customer_id IS NOT NULL),
           coalesce(l.booking_date, l.value_date), l.amount_cents,
           l.currency, 'bank_transfer', l.counterparty_name,
           l.counterparty_account, l.memo, l.structured_ref, 'bank',
           l.external_id
    FROM statement_lines l
    WHERE l.import_id = NEW.import_id AND l.line_no = NEW.line_no
      AND l.outcome = 'imported'
    ON CONFLICT (source, external_id) DO NOTHING;
END;

-- With on_mismatch 'reject' a balance mismatch aborts the whole import,
-- entries filed before it included.
CREATE TRIGGER IF NOT EXISTS statement_import_statement
INSTEAD OF INSERT ON statement_import
WHEN NEW.row_kind = 'statement'
BEGIN
    INSERT INTO statement_imports (import_id, path, format, on_mismatch,
                                   imported_at)
    SELECT NEW.import_id, NEW.path, NEW.format,
           coalesce(NEW.on_mismatch, 'report'), k.recorded_at
    FROM outbox_clock k
    WHERE NOT EXISTS (SELECT 1 FROM statement_imports
                      WHERE import_id = NEW.import_id);

    INSERT INTO statement_balances (import_id, statement_no, statement_id,
                                    account, currency, opening_cents,
                                    closing_cents, entries_cents,
                                    opening_date, closing_date, warning)
    VALUES (NEW.import_id, NEW.statement_no, NEW.statement_id, NEW.account,
            NEW.currency, NEW.opening_cents, NEW.closing_cents,
            NEW.entries_cents, NEW.opening_date, NEW.closing_date,
            NEW.warning);

    SELECT RAISE(ABORT, 'statement import rejected: opening balance plus booked entries differs from the closing balance; see bank_statement_balances(path), or import with on_mismatch ''report''')
    FROM statement_balance_check c, statement_imports i
    WHERE c.import_id = NEW.import_id AND c.statement_no = NEW.statement_no
      AND i.import_id = NEW.import_id AND i.on_mismatch = 'reject'
      AND c.result = 'mismatch';
END;

CREATE TRIGGER IF NOT EXISTS statement_import_unknown_kind
INSTEAD OF INSERT ON statement_import
WHEN NEW.row_kind IS NOT 'entry' AND NEW.row_kind IS NOT 'statement'
BEGIN
    SELECT RAISE(ABORT, 'statement import rejected: row_kind must be ''entry'' or ''statement''; use the statement in sql/import_statement.sql');
END;

-- Opening balance plus booked entries against the closing balance, per
-- imported statement. entries_cents is the file reader's sum of the booked
-- entries, which counts a split camt batch once at the entry's amount.
-- result is 'ok', 'mismatch' or 'unchecked' (the file lacks a balance, or
-- the entries are in more than one currency).
CREATE VIEW IF NOT EXISTS statement_balance_check AS
SELECT import_id, statement_no, statement_id, account, currency,
       opening_date, closing_date, opening_cents, entries_cents,
       closing_cents,
       opening_cents + entries_cents - closing_cents AS difference_cents,
       CASE WHEN opening_cents IS NULL OR closing_cents IS NULL
              OR entries_cents IS NULL THEN 'unchecked'
            WHEN opening_cents + entries_cents = closing_cents THEN 'ok'
            ELSE 'mismatch' END AS result,
       warning
FROM statement_balances;

-- Continuity between the statements of one account: each opening balance
-- should equal the previous statement's closing balance. A statement
-- imported more than once counts once (its latest import).
CREATE VIEW IF NOT EXISTS statement_balance_continuity AS
WITH latest AS (
    SELECT b.*
    FROM statement_balances b
    WHERE b.import_id = (SELECT max(x.import_id) FROM statement_balances x
                         WHERE x.account IS b.account
                           AND x.statement_id IS b.statement_id
                           AND x.closing_date IS b.closing_date)
), ordered AS (
    SELECT account, currency, statement_id, opening_date, closing_date,
           opening_cents, closing_cents,
           lag(statement_id) OVER w AS previous_statement_id,
           lag(closing_cents) OVER w AS previous_closing_cents
    FROM latest
    WINDOW w AS (PARTITION BY account, currency
                 ORDER BY closing_date, opening_date, statement_id)
)
SELECT account, currency, previous_statement_id, previous_closing_cents,
       statement_id, opening_date, opening_cents,
       opening_cents - previous_closing_cents AS gap_cents,
       CASE WHEN previous_statement_id IS NULL THEN 'first'
            WHEN opening_cents IS NULL OR previous_closing_cents IS NULL
                THEN 'unchecked'
            WHEN opening_cents = previous_closing_cents THEN 'ok'
            ELSE 'gap' END AS result
FROM ordered;

-- One row per import: what was read, what it did, and the balance check.
CREATE VIEW IF NOT EXISTS statement_import_log AS
SELECT i.import_id, i.path, i.format, i.imported_at, i.on_mismatch,
       (SELECT group_concat(coalesce(b.statement_id, '?'), ' ')
        FROM statement_balances b WHERE b.import_id = i.import_id)
           AS statement_ids,
       count(l.line_no) AS lines_read,
       count(*) FILTER (WHERE l.outcome = 'imported') AS payments_imported,
       coalesce(sum(l.amount_cents) FILTER (WHERE l.outcome = 'imported'), 0)
           AS imported_cents,
       count(*) FILTER (WHERE l.outcome = 'duplicate') AS duplicates,
       count(*) FILTER (WHERE l.outcome = 'debit') AS debits,
       count(*) FILTER (WHERE l.outcome = 'pending') AS pending,
       (SELECT CASE WHEN count(*) = 0 THEN 'unchecked'
                    WHEN sum(c.result = 'mismatch') > 0 THEN 'mismatch'
                    WHEN sum(c.result = 'unchecked') > 0 THEN 'unchecked'
                    ELSE 'ok' END
        FROM statement_balance_check c WHERE c.import_id = i.import_id)
           AS balance_check
FROM statement_imports i
LEFT JOIN statement_lines l ON l.import_id = i.import_id
GROUP BY i.import_id;

--------------------------------------------------------------------------
-- Journal export
--------------------------------------------------------------------------

-- The part of an account name that names a customer: the customer code
-- with the characters that end or split an hledger account name (':', ';',
-- spaces, tabs, line breaks) replaced by '-', or 'customer-<id>' for an
-- empty code. A payment whose payer is not known yet uses 'Unidentified'.
CREATE VIEW IF NOT EXISTS journal_customer AS
SELECT customer_id,
       coalesce(nullif(replace(replace(replace(replace(replace(replace(
           code, ':', '-'), ';', '-'), ' ', '-'), char(9), '-'),
           char(10), '-'), char(13), '-'), ''),
           'customer-' || customer_id) AS segment
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
    -- In an hledger entry header ')' ends the code, ';' starts a comment
    -- and a line break ends the header, so they are replaced.
    SELECT DISTINCT entry_date, entry_order, entry_id,
           replace(replace(replace(code, ')', ']'), char(10), ' '),
                   char(13), ' ') AS code,
           replace(replace(replace(description, ';', ','), char(10), ' '),
                   char(13), ' ') AS description,
           source,
           replace(replace(external_id, char(10), ' '), char(13), ' ')
               AS external_id
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
