-- receivables reconciliation: settings, payer aliases, decisions, the
-- apply and write-off statements, customer credits and discrepancies.
--
-- Load after schema.sql, triggers.sql and views.sql. The tables and the
-- decision triggers need no extension function; the views
-- reconcile_auto_allocations and discrepancies read the extension's
-- reconcile_candidates table and ref_normalize(), and reconcile_write_offs
-- and discrepancies call its reconcile_fee_tolerance(), so they work only
-- where the extension is loaded.
--
-- The statements a person or a batch job runs:
--
--   Apply every automatic match, in one transaction (a second run finds
--   no unallocated amount on those payments and inserts nothing):
--     INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,
--                              method, score, created_by, reason)
--     SELECT invoice_id, kind, payment_id, amount_cents, method, score,
--            'nightly', reason
--     FROM reconcile_auto_allocations;
--
--   Confirm a candidate (allocates it and learns the payer's account and
--   name), or reject one (it is no longer listed, and the payment is never
--   matched automatically):
--     INSERT INTO reconcile_decisions (payment_id, invoice_ids,
--                                      allocate_cents, decision, actor)
--     SELECT payment_id, invoice_ids, allocate_cents, 'confirm', 'ana'
--     FROM reconcile_candidates WHERE payment_id = 7 AND rank = 1;
--     INSERT INTO reconcile_decisions (payment_id, invoice_ids, decision,
--                                      actor)
--     VALUES (8, '[31]', 'reject', 'ana');
--
--   Undo one allocation (the triggers of triggers.sql restore the
--   statuses and write an audit row; undoing an automatic one also
--   records an 'undo' decision so the next apply does not redo it):
--     DELETE FROM allocations WHERE allocation_id = 12;
--
--   Close short payments that are within the fee tolerance:
--     INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,
--                              effective_date, method, created_by, reason)
--     SELECT invoice_id, 'write_off', payment_id, amount_cents,
--            effective_date, 'rule', 'ana', reason
--     FROM reconcile_write_offs;

-- Engine settings: one row, written by people. reconcile_candidates reads
-- it at every query, and a hidden column in WHERE overrides it for that
-- query. A value of the wrong type or range (ext/reconcile_settings.c
-- lists them) makes the query fail with an error naming the column, the
-- value and the range. The views read plausible_score, duplicate_days and
-- the fee settings. Each integer setting also has a CHECK that rejects a
-- fraction such as 10.5 at INSERT or UPDATE; a whole REAL (1000.0) or
-- numeric text ('1000') is stored as an integer and accepted. A database
-- whose table predates those checks still gets the engine's error.
--
-- Fee tolerance of an open amount: fee_abs_cents, in hundredths of the
-- major unit of the invoice's currency (1000 is 10.00 EUR, 10 JPY or
-- 10.000 KWD), plus fee_pct percent of the open amount, rounded down to
-- minor units and at most 10% of the open amount. Defaults: 1000 and 3.0,
-- so 40.00 on 1000.00 EUR, 5.00 on 50.00 EUR (the cap), 0 on 1 JPY.
CREATE TABLE IF NOT EXISTS reconcile_settings (
    id                   INTEGER PRIMARY KEY CHECK (id = 1), -- always 1
    auto_threshold       REAL NOT NULL DEFAULT 0.93         -- lowest auto score
                         CHECK (auto_threshold BETWEEN 0 AND 1),
    auto_margin          REAL NOT NULL DEFAULT 2.0          -- log-odds lead
                         CHECK (auto_margin BETWEEN 0 AND 100), -- over rank 2
    fee_abs_cents        INTEGER NOT NULL DEFAULT 1000      -- fee tolerance:
                         CONSTRAINT "fee_abs_cents must be an integer from 0 to 100000000"
                         CHECK (fee_abs_cents = CAST(fee_abs_cents AS INTEGER)
                                AND fee_abs_cents BETWEEN 0 AND 100000000),
                                                            -- fixed part, in
                                                            -- 1/100 major unit
    fee_pct              REAL NOT NULL DEFAULT 3.0          -- ... plus percent
                         CHECK (fee_pct BETWEEN 0 AND 100), -- of open amount
    max_rank             INTEGER NOT NULL DEFAULT 5         -- rows per payment
                         CONSTRAINT "max_rank must be an integer from 1 to 100"
                         CHECK (max_rank = CAST(max_rank AS INTEGER)
                                AND max_rank BETWEEN 1 AND 100),
    subset_max_invoices  INTEGER NOT NULL DEFAULT 16        -- oldest invoices
                         CONSTRAINT "subset_max_invoices must be an integer from 0 to 32"
                         CHECK (subset_max_invoices
                                = CAST(subset_max_invoices AS INTEGER)
                                AND subset_max_invoices BETWEEN 0 AND 32),
    subset_max_size      INTEGER NOT NULL DEFAULT 8         -- per subset
                         CONSTRAINT "subset_max_size must be an integer from 2 to 16"
                         CHECK (subset_max_size = CAST(subset_max_size AS INTEGER)
                                AND subset_max_size BETWEEN 2 AND 16),
    closed_lookback_days INTEGER NOT NULL DEFAULT 365       -- paid invoices
                         CONSTRAINT "closed_lookback_days must be an integer from 0 to 36600"
                         CHECK (closed_lookback_days
                                = CAST(closed_lookback_days AS INTEGER)
                                AND closed_lookback_days BETWEEN 0 AND 36600),
                                                            -- kept for refs
    plausible_score      REAL NOT NULL DEFAULT 0.5          -- below: no match
                         CHECK (plausible_score BETWEEN 0 AND 1),
    duplicate_days       INTEGER NOT NULL DEFAULT 5         -- duplicate window
                         CONSTRAINT "duplicate_days must be an integer from 0 to 3660"
                         CHECK (duplicate_days = CAST(duplicate_days AS INTEGER)
                                AND duplicate_days BETWEEN 0 AND 3660)
);
INSERT OR IGNORE INTO reconcile_settings (id) VALUES (1);

-- The views join the row, so without it the discrepancies view would
-- lose its short_payment and overpayment rows while reconcile_candidates
-- went on with its defaults. The row stays; a change is an UPDATE.
CREATE TRIGGER IF NOT EXISTS reconcile_settings_keep_row
BEFORE DELETE ON reconcile_settings
BEGIN
    SELECT RAISE(ABORT, 'reconcile_settings: the settings row cannot be deleted; update it instead');
END;

-- Decisions people took on candidates. 'confirm' allocates (trigger
-- below) and teaches payer_aliases; 'reject' hides exactly that set of
-- invoices for the payment and takes auto away from its other candidates;
-- 'undo' is written by the trigger when an automatic allocation is
-- deleted, and also takes auto away. Rows are never changed.
CREATE TABLE IF NOT EXISTS reconcile_decisions (
    decision_id    INTEGER PRIMARY KEY,
    payment_id     INTEGER NOT NULL REFERENCES payments,
    invoice_ids    TEXT NOT NULL,                -- '[12,13]', as listed
    allocate_cents TEXT,                         -- '[9000,500]'; NULL: the
                                                 -- open amounts, in order
    decision       TEXT NOT NULL
                   CHECK (decision IN ('confirm', 'reject', 'undo')),
    actor          TEXT,                         -- who decided
    score          REAL,                         -- candidate's score, if any
    note           TEXT,                         -- why, in words
    decided_at     TEXT                          -- NULL: filled by trigger
);
CREATE INDEX IF NOT EXISTS reconcile_decisions_payment_id_idx
    ON reconcile_decisions (payment_id);

-- Payer aliases: account numbers and payer names seen on payments a
-- person confirmed, with the customer each paid for. reconcile_candidates normalizes them when it reads
-- them (letters and digits of an account; the name key of a name). One
-- alias may point at several customers (a shared account).
CREATE TABLE IF NOT EXISTS payer_aliases (
    alias_id      INTEGER PRIMARY KEY,
    kind          TEXT NOT NULL CHECK (kind IN ('account', 'name')),
    alias         TEXT NOT NULL,                 -- as the bank shows it
    customer_id   INTEGER NOT NULL REFERENCES customers,
    confirmations INTEGER NOT NULL DEFAULT 1,    -- confirms that taught it
    learned_from  INTEGER REFERENCES reconcile_decisions, -- first confirm
    learned_at    TEXT,                          -- date of that confirm
    UNIQUE (kind, alias, customer_id)
);
CREATE INDEX IF NOT EXISTS payer_aliases_customer_id_idx
    ON payer_aliases (customer_id);

-- reconcile_candidates reads the oldest unallocated payment's date at
-- every query; duplicate payments are looked for among payments of the
-- same currency and amount.
CREATE INDEX IF NOT EXISTS payments_status_received_date_idx
    ON payments (status, received_date);
CREATE INDEX IF NOT EXISTS payments_currency_amount_idx
    ON payments (currency, amount_cents, received_date);

-- A decision names a payment that exists and lists invoice ids, and
-- amounts if any, as JSON arrays of integers of the same length. A
-- confirm names invoices that exist and a payment with money left. The lists are read with
-- plain string functions because SQLite 3.40 counts JSON functions as
-- unsafe in triggers and views under PRAGMA trusted_schema=OFF.
CREATE TRIGGER IF NOT EXISTS reconcile_decisions_check
BEFORE INSERT ON reconcile_decisions
BEGIN
    SELECT RAISE(ABORT, 'reconcile decision rejected: payment_id not found; check the payment exists')
    WHERE NOT EXISTS (SELECT 1 FROM payments
                      WHERE payment_id = NEW.payment_id);
    SELECT RAISE(ABORT, 'reconcile decision rejected: invoice_ids must be a JSON array of invoice ids; write it like ''[12, 13]''')
    WHERE NOT (NEW.invoice_ids GLOB '[[]*[0-9]*]'
               AND NOT NEW.invoice_ids GLOB '*[^][0-9, ]*');
    SELECT RAISE(ABORT, 'reconcile decision rejected: allocate_cents must be NULL or a JSON array of amounts in cents; write it like ''[9000, 500]''')
    WHERE NEW.allocate_cents IS NOT NULL
      AND NOT (NEW.allocate_cents GLOB '[[]*[0-9]*]'
               AND NOT NEW.allocate_cents GLOB '*[^][0-9, ]*');
    -- Both lists have one comma fewer than entries.
    SELECT RAISE(ABORT, 'reconcile decision rejected: allocate_cents must have one amount for each entry of invoice_ids; give as many amounts as invoices, or NULL for the open amounts')
    WHERE NEW.allocate_cents IS NOT NULL
      AND length(NEW.allocate_cents) - length(replace(NEW.allocate_cents, ',', ''))
          <> length(NEW.invoice_ids) - length(replace(NEW.invoice_ids, ',', ''));
    SELECT RAISE(ABORT, 'reconcile decision rejected: invoice_ids names an invoice that does not exist; list ids from invoices')
    WHERE NEW.decision = 'confirm'
      AND EXISTS (
          WITH RECURSIVE ids (invoice_id, rest) AS (
              SELECT CAST(trim(substr(NEW.invoice_ids, 2)) AS INTEGER),
                     CASE WHEN instr(NEW.invoice_ids, ',') > 0
                          THEN substr(NEW.invoice_ids,
                                      instr(NEW.invoice_ids, ',') + 1)
                          ELSE '' END
              UNION ALL
              SELECT CAST(trim(rest) AS INTEGER),
                     CASE WHEN instr(rest, ',') > 0
                          THEN substr(rest, instr(rest, ',') + 1)
                          ELSE '' END
              FROM ids WHERE rest <> '')
          SELECT 1 FROM ids
          WHERE NOT EXISTS (SELECT 1 FROM invoices i
                            WHERE i.invoice_id = ids.invoice_id));
    SELECT RAISE(ABORT, 'reconcile decision rejected: the payment is already fully allocated, so a confirm has nothing to allocate; undo an allocation first')
    WHERE NEW.decision = 'confirm'
      AND (SELECT amount_cents - allocated_cents FROM payments
           WHERE payment_id = NEW.payment_id) <= 0;
END;

-- Every decision gets its date: settings.as_of, else the wall clock.
CREATE TRIGGER IF NOT EXISTS reconcile_decisions_date
AFTER INSERT ON reconcile_decisions
WHEN NEW.decided_at IS NULL
BEGIN
    UPDATE reconcile_decisions
    SET decided_at = coalesce((SELECT as_of FROM settings WHERE id = 1),
                              datetime('now'))
    WHERE decision_id = NEW.decision_id;
END;

-- Confirm: allocate each listed invoice, oldest first as listed, its
-- allocate_cents entry or else its open amount up to what is left of the
-- payment; then learn the payer's account and name for the customer of
-- the first invoice. The allocation triggers reject anything the invoice
-- or payment cannot take, which undoes the whole decision, and so does a
-- confirm that allocates nothing.
CREATE TRIGGER IF NOT EXISTS reconcile_decisions_confirm
AFTER INSERT ON reconcile_decisions
WHEN NEW.decision = 'confirm'
BEGIN
    INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents,
                             method, score, created_by, reason)
    SELECT invoice_id, 'payment', NEW.payment_id, amount, 'manual',
           NEW.score, NEW.actor,
           'confirmed (decision ' || NEW.decision_id || ')'
           || coalesce(': ' || NEW.note, '')
    FROM (WITH RECURSIVE
          -- Each list split at its commas: position, value, what is left.
          ids (pos, invoice_id, rest) AS (
              SELECT 0, CAST(trim(substr(NEW.invoice_ids, 2)) AS INTEGER),
                     CASE WHEN instr(NEW.invoice_ids, ',') > 0
                          THEN substr(NEW.invoice_ids,
                                      instr(NEW.invoice_ids, ',') + 1)
                          ELSE '' END
              UNION ALL
              SELECT pos + 1, CAST(trim(rest) AS INTEGER),
                     CASE WHEN instr(rest, ',') > 0
                          THEN substr(rest, instr(rest, ',') + 1)
                          ELSE '' END
              FROM ids WHERE rest <> ''),
          cents (pos, amount, rest) AS (
              SELECT 0, CAST(trim(substr(NEW.allocate_cents, 2)) AS INTEGER),
                     CASE WHEN instr(NEW.allocate_cents, ',') > 0
                          THEN substr(NEW.allocate_cents,
                                      instr(NEW.allocate_cents, ',') + 1)
                          ELSE '' END
              WHERE NEW.allocate_cents IS NOT NULL
              UNION ALL
              SELECT pos + 1, CAST(trim(rest) AS INTEGER),
                     CASE WHEN instr(rest, ',') > 0
                          THEN substr(rest, instr(rest, ',') + 1)
                          ELSE '' END
              FROM cents WHERE rest <> '')
          SELECT ids.invoice_id,
                 coalesce(cents.amount,
                          min(i.total_cents - i.allocated_cents,
                              max(0, (SELECT amount_cents - allocated_cents
                                      FROM payments
                                      WHERE payment_id = NEW.payment_id)
                                     - coalesce(sum(i.total_cents
                                                    - i.allocated_cents)
                                                OVER (ORDER BY ids.pos
                                                      ROWS BETWEEN UNBOUNDED
                                                      PRECEDING AND 1
                                                      PRECEDING), 0))))
                     AS amount
          FROM ids
          JOIN invoices i ON i.invoice_id = ids.invoice_id
          LEFT JOIN cents ON cents.pos = ids.pos)
    WHERE amount > 0;

    -- A confirm that allocated nothing (every invoice already paid, or
    -- every amount 0) must not teach an alias either.
    SELECT RAISE(ABORT, 'reconcile decision rejected: the confirm allocates nothing because the invoices have nothing open or the amounts are 0; check invoice_ids and allocate_cents')
    WHERE NOT EXISTS (SELECT 1 FROM allocations
                      WHERE payment_id = NEW.payment_id
                        AND method = 'manual'
                        AND reason = 'confirmed (decision ' || NEW.decision_id
                                     || ')' || coalesce(': ' || NEW.note, ''));

    INSERT INTO payer_aliases (kind, alias, customer_id, learned_from,
                               learned_at)
    SELECT 'account', trim(p.payer_account), i.customer_id, NEW.decision_id,
           coalesce((SELECT as_of FROM settings WHERE id = 1), date('now'))
    FROM payments p, invoices i
    WHERE p.payment_id = NEW.payment_id
      AND i.invoice_id = CAST(trim(substr(NEW.invoice_ids, 2)) AS INTEGER)
      AND trim(coalesce(p.payer_account, '')) <> ''
    ON CONFLICT (kind, alias, customer_id)
    DO UPDATE SET confirmations = confirmations + 1;

    INSERT INTO payer_aliases (kind, alias, customer_id, learned_from,
                               learned_at)
    SELECT 'name', trim(p.payer_name), i.customer_id, NEW.decision_id,
           coalesce((SELECT as_of FROM settings WHERE id = 1), date('now'))
    FROM payments p, invoices i
    WHERE p.payment_id = NEW.payment_id
      AND i.invoice_id = CAST(trim(substr(NEW.invoice_ids, 2)) AS INTEGER)
      AND trim(coalesce(p.payer_name, '')) <> ''
    ON CONFLICT (kind, alias, customer_id)
    DO UPDATE SET confirmations = confirmations + 1;
END;

-- Undoing an automatic allocation records that the match was wrong, so
-- the payment is never matched automatically again.
CREATE TRIGGER IF NOT EXISTS reconcile_undo_auto
AFTER DELETE ON allocations
WHEN OLD.method = 'auto' AND OLD.kind = 'payment'
BEGIN
    INSERT INTO reconcile_decisions (payment_id, invoice_ids, decision,
                                     note)
    VALUES (OLD.payment_id, '[' || OLD.invoice_id || ']', 'undo',
            'automatic allocation ' || OLD.allocation_id || ' undone');
END;

-- Every automatic candidate as allocation rows, one per invoice. The
-- evidence goes into reason, so allocation_audit keeps it. The lists of
-- reconcile_candidates ('[12,13]' and '[9000,500]') are split with string
-- functions, which trusted_schema=OFF allows where JSON functions are not.
CREATE VIEW IF NOT EXISTS reconcile_auto_allocations AS
WITH RECURSIVE parts (payment_id, score, reason, invoice_id, amount_cents,
                      ids, cents) AS (
    SELECT payment_id, score, 'auto: ' || evidence,
           CAST(substr(invoice_ids, 2) AS INTEGER),
           CAST(substr(allocate_cents, 2) AS INTEGER),
           CASE WHEN instr(invoice_ids, ',') > 0
                THEN substr(invoice_ids, instr(invoice_ids, ',') + 1)
                ELSE '' END,
           CASE WHEN instr(allocate_cents, ',') > 0
                THEN substr(allocate_cents, instr(allocate_cents, ',') + 1)
                ELSE '' END
    FROM reconcile_candidates
    WHERE auto = 1
    UNION ALL
    SELECT payment_id, score, reason, CAST(ids AS INTEGER),
           CAST(cents AS INTEGER),
           CASE WHEN instr(ids, ',') > 0
                THEN substr(ids, instr(ids, ',') + 1) ELSE '' END,
           CASE WHEN instr(cents, ',') > 0
                THEN substr(cents, instr(cents, ',') + 1) ELSE '' END
    FROM parts
    WHERE ids <> ''
)
SELECT invoice_id, 'payment' AS kind, payment_id, amount_cents,
       'auto' AS method, round(score, 6) AS score,
       'reconcile' AS created_by, reason
FROM parts;

-- Short payments the fee tolerance covers: invoices left open by at most
-- the tolerance of their total (see reconcile_settings above) after a
-- payment was allocated to them, with the write-off that closes each.
CREATE VIEW IF NOT EXISTS reconcile_write_offs AS
SELECT i.invoice_id, i.customer_id, i.currency,
       i.total_cents - i.allocated_cents AS amount_cents,
       a.payment_id, a.effective_date,
       'short payment within the fee tolerance (bank or card fee) after payment '
           || a.payment_id AS reason
FROM invoices i
JOIN allocations a
  ON a.allocation_id = (SELECT max(allocation_id) FROM allocations x
                        WHERE x.invoice_id = i.invoice_id
                          AND x.kind = 'payment')
CROSS JOIN reconcile_settings s
WHERE s.id = 1
  AND i.status = 'issued'
  AND i.allocated_cents > 0
  AND i.total_cents - i.allocated_cents
      <= reconcile_fee_tolerance(i.total_cents, i.currency, s.fee_abs_cents,
                                 s.fee_pct);

-- Customer credit: money received and not allocated, per customer and
-- currency. The customer is payments.customer_id or, for a payment
-- matched without one, the customer of the invoices it paid, so an
-- overpayment shows here once the rest of it is allocated.
CREATE VIEW IF NOT EXISTS customer_credits AS
SELECT customer_id, currency,
       sum(amount_cents - allocated_cents) AS credit_cents,
       count(*) AS payments,
       max(received_date) AS last_received_date
FROM (SELECT coalesce(p.customer_id,
                      (SELECT i.customer_id FROM allocations a
                       JOIN invoices i ON i.invoice_id = a.invoice_id
                       WHERE a.payment_id = p.payment_id
                         AND a.kind = 'payment'
                       LIMIT 1)) AS customer_id,
             p.currency, p.amount_cents, p.allocated_cents, p.received_date
      FROM payments p
      WHERE p.allocated_cents < p.amount_cents)
WHERE customer_id IS NOT NULL
GROUP BY customer_id, currency;

-- What a person must look at, one row per problem, with the amount:
--   currency_no_invoice      unallocated payment in a currency no open
--                            invoice has
--   no_match                 payment with nothing allocated whose best
--                            candidate scores below plausible_score (or
--                            that has none)
--   ambiguous                payment with nothing allocated whose best
--                            candidate pays the amount exactly and scores
--                            at or above plausible_score, but is not
--                            automatic (amount = the payment)
--   short_payment            best candidate pays less than the invoices'
--                            open amount; or an invoice a payment left
--                            partly open (amount = what is still open)
--   overpayment              best candidate pays more; or a payment
--                            allocated in part with the rest unallocated
--                            (amount = the customer's credit)
--   duplicate_payment        unallocated payment with the same payer,
--                            currency, amount and reference as an earlier
--                            one within duplicate_days
--   void_invoice_allocation  an allocation to an invoice now void
CREATE VIEW IF NOT EXISTS discrepancies AS
WITH s AS (
    SELECT * FROM reconcile_settings WHERE id = 1
), best AS (
    -- A payment allocated in part shows as an overpayment below instead.
    SELECT c.payment_id, c.score, c.invoice_ids, c.amount_match,
           c.difference_cents, c.customer_id, c.currency, c.evidence, c.auto
    FROM reconcile_candidates c
    JOIN payments p ON p.payment_id = c.payment_id
    WHERE c.rank = 1 AND p.allocated_cents = 0
), unallocated AS (
    SELECT p.*, p.amount_cents - p.allocated_cents AS open_cents,
           coalesce(nullif(upper(replace(p.payer_account, ' ', '')), ''),
                    upper(trim(p.payer_name)),
                    'customer ' || p.customer_id) AS payer_key
    FROM payments p
    WHERE p.allocated_cents < p.amount_cents
), open_currencies AS (
    SELECT DISTINCT currency FROM invoices
    WHERE status = 'issued' AND allocated_cents < total_cents
)
SELECT 'currency_no_invoice' AS kind, u.payment_id, NULL AS invoice_id,
       u.customer_id, u.open_cents AS amount_cents, u.currency,
       'no open invoice is in ' || u.currency AS reason
FROM unallocated u
WHERE u.currency NOT IN (SELECT currency FROM open_currencies)
UNION ALL
SELECT 'no_match', u.payment_id, NULL, u.customer_id, u.open_cents,
       u.currency,
       CASE WHEN b.payment_id IS NULL
            THEN 'no open invoice is a candidate once the automatic matches take theirs'
            ELSE 'best candidate scores ' || printf('%.2f', b.score)
                 || ': ' || b.evidence END
FROM unallocated u
CROSS JOIN s
LEFT JOIN best b ON b.payment_id = u.payment_id
WHERE u.currency IN (SELECT currency FROM open_currencies)
  AND u.allocated_cents = 0
  AND coalesce(b.score, 0) < s.plausible_score
UNION ALL
-- Only rank 1 can be automatic, so b.auto = 0 means none is.
SELECT 'ambiguous', b.payment_id, CAST(substr(b.invoice_ids, 2) AS INTEGER),
       b.customer_id, p.amount_cents, b.currency,
       'plausible candidates, none automatic: '
       || (SELECT group_concat(c.invoice_ids || ' scores '
                               || printf('%.3f', c.score), ', ')
           FROM (SELECT invoice_ids, score FROM reconcile_candidates
                 WHERE payment_id = b.payment_id
                   AND score >= s.plausible_score
                 ORDER BY rank) c)
       || '; best: ' || b.evidence
FROM best b
CROSS JOIN s
JOIN payments p ON p.payment_id = b.payment_id
WHERE b.score >= s.plausible_score
  AND b.auto = 0
  AND b.amount_match = 'equal'
UNION ALL
SELECT CASE WHEN b.amount_match IN ('fee', 'short') THEN 'short_payment'
            ELSE 'overpayment' END,
       b.payment_id, CAST(substr(b.invoice_ids, 2) AS INTEGER),
       b.customer_id,
       abs(b.difference_cents), b.currency,
       CASE b.amount_match
           WHEN 'fee' THEN 'best candidate is short by a fee within the tolerance; after allocating it, close the rest with reconcile_write_offs'
           WHEN 'short' THEN 'best candidate is paid in part'
           WHEN 'over_fee' THEN 'best candidate is overpaid by a fee-sized amount, which stays as customer credit'
           ELSE 'best candidate is overpaid; the rest stays as customer credit'
       END || ' (' || b.invoice_ids || ')'
FROM best b
CROSS JOIN s
WHERE b.score >= s.plausible_score
  AND b.amount_match IN ('fee', 'short', 'over_fee', 'over')
UNION ALL
SELECT 'short_payment', a.payment_id, i.invoice_id, i.customer_id,
       i.total_cents - i.allocated_cents, i.currency,
       'invoice ' || i.number || ' left open after payment ' || a.payment_id
       || CASE WHEN i.total_cents - i.allocated_cents
                    <= reconcile_fee_tolerance(i.total_cents, i.currency,
                                               s.fee_abs_cents, s.fee_pct)
               THEN '; within the fee tolerance: see reconcile_write_offs'
               ELSE '' END
FROM invoices i
CROSS JOIN s
JOIN allocations a
  ON a.allocation_id = (SELECT max(allocation_id) FROM allocations x
                        WHERE x.invoice_id = i.invoice_id
                          AND x.kind = 'payment')
WHERE i.status = 'issued' AND i.allocated_cents > 0
UNION ALL
SELECT 'overpayment', u.payment_id, NULL,
       coalesce(u.customer_id,
                (SELECT i.customer_id FROM allocations a
                 JOIN invoices i ON i.invoice_id = a.invoice_id
                 WHERE a.payment_id = u.payment_id AND a.kind = 'payment'
                 LIMIT 1)),
       u.open_cents, u.currency,
       'payment allocated in part; the rest is customer credit'
FROM unallocated u
WHERE u.allocated_cents > 0
UNION ALL
SELECT 'duplicate_payment', u.payment_id, NULL, u.customer_id, u.open_cents,
       u.currency,
       'same payer, amount and reference as payment ' || e.payment_id
       || ' of ' || e.received_date
FROM unallocated u
CROSS JOIN s
JOIN payments e
  ON e.payment_id = (
      SELECT x.payment_id FROM payments x
      WHERE x.currency = u.currency AND x.amount_cents = u.amount_cents
        AND x.received_date BETWEEN date(u.received_date,
                                         '-' || s.duplicate_days || ' days')
                                AND u.received_date
        AND (x.received_date < u.received_date
             OR x.payment_id < u.payment_id)
        AND coalesce(nullif(upper(replace(x.payer_account, ' ', '')), ''),
                     upper(trim(x.payer_name)),
                     'customer ' || x.customer_id) = u.payer_key
        AND ref_normalize(coalesce(x.reference, ''))
            = ref_normalize(coalesce(u.reference, ''))
        AND coalesce(x.structured_ref, '') = coalesce(u.structured_ref, '')
      ORDER BY x.received_date, x.payment_id
      LIMIT 1)
UNION ALL
SELECT 'void_invoice_allocation', a.payment_id, a.invoice_id, i.customer_id,
       a.amount_cents, i.currency,
       'allocation ' || a.allocation_id || ' (' || a.kind || ') to void invoice '
       || i.number || '; undo it with DELETE FROM allocations'
FROM allocations a
JOIN invoices i ON i.invoice_id = a.invoice_id
WHERE i.status = 'void';
