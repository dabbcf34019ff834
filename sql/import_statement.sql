-- Imports one bank statement file into payments, idempotently and all or
-- nothing, and logs the run in statement_imports (see sql/SYNC.md).
--
-- Needs the extension (bank_statement, bank_statement_balances) and
-- sql/sync.sql. Parameters, e.g. in the sqlite3 shell:
--   .parameter set :path 'june.xml'       the file
--   .parameter set :format NULL           NULL: detect; or camt, mt940, ofx,
--                                         csv, ... as bank_statement takes
--   .parameter set :options NULL          the reader's options
--   .parameter set :on_mismatch 'report'  'report' or 'reject'
--   .read sql/import_statement.sql
-- An application prepares this text and binds the four parameters.
--
-- It is one INSERT, so a file that fails half-way, or a balance mismatch
-- with :on_mismatch 'reject', leaves the database as it was. The entries
-- come first and each statement's balances after them (row_kind 'entry'
-- sorts before 'statement'); the statement_import triggers file them.
INSERT INTO statement_import (
    import_id, path, format, on_mismatch, row_kind, statement_no,
    statement_id, account, currency, opening_cents, closing_cents,
    entries_cents, opening_date, closing_date, warning, line_no,
    booking_date, value_date, amount_cents, counterparty_name,
    counterparty_account, memo, structured_ref, bank_txn_id, booked, origin)
WITH run AS (
    SELECT coalesce(max(import_id), 0) + 1 AS import_id
    FROM statement_imports
)
SELECT run.import_id, :path, e.format, :on_mismatch, 'entry' AS row_kind,
       e.statement_index, e.statement_id, e.account, e.currency, NULL, NULL,
       NULL, NULL, NULL, NULL, e.rowid AS line_no, e.booking_date,
       e.value_date, e.amount_cents, e.counterparty_name,
       e.counterparty_account, e.memo, e.structured_ref, e.bank_txn_id,
       e.status = 'booked', e.origin
FROM run, bank_statement(:path, :format, :options) e
UNION ALL
SELECT run.import_id, :path, b.format, :on_mismatch, 'statement',
       b.statement_index, b.statement_id, b.account, b.currency,
       b.opening_balance_cents, b.closing_balance_cents,
       b.entries_total_cents, b.opening_date, b.closing_date, b.warning,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL
FROM run, bank_statement_balances(:path, :format, :options) b
ORDER BY row_kind, line_no;
