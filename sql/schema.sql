-- receivables schema: tables and indexes.
--
-- Load order: schema.sql, triggers.sql, views.sql (then the optional files
-- that build on them). None of these files needs the extension: a tool that
-- opens the database without loading it reads every table and view.
--
-- Conventions: money is INTEGER minor units (cents) beside an ISO 4217
-- currency code; dates are TEXT 'YYYY-MM-DD' and a CHECK rejects any date
-- that does not exist: with a modifier, date() normalises '2013-02-30' to
-- '2013-03-02', so the two differ (without one, SQLite 3.40 returns the
-- text unchanged). date() also takes year 0000 and negative years, which
-- the extension's functions do not (years 0001 to 9999), so the CHECK
-- rejects anything before '0001'. Booleans are 0 or 1.

PRAGMA foreign_keys = ON;

-- Report settings: one row. as_of is the date every report is computed for;
-- when it is NULL the views fall back to today (date('now')), so set it to
-- make a report replay the same answer.
CREATE TABLE IF NOT EXISTS settings (
    id       INTEGER PRIMARY KEY CHECK (id = 1), -- always 1: one row
    as_of    TEXT CHECK (as_of IS date(as_of, '+0 days')
                         AND as_of >= '0001'),  -- report date, NULL = today
    currency TEXT NOT NULL DEFAULT 'USD'         -- default for new rows
             CHECK (currency GLOB '[A-Z][A-Z][A-Z]')
);
INSERT OR IGNORE INTO settings (id, as_of) VALUES (1, NULL);

-- Customers, with what the finance team needs on the customer card.
CREATE TABLE IF NOT EXISTS customers (
    customer_id        INTEGER PRIMARY KEY,
    code               TEXT NOT NULL UNIQUE,     -- CRM or ERP customer code
    name               TEXT NOT NULL,            -- legal or trading name
    country            TEXT,                     -- ISO 3166 code or as given
    payment_terms_days INTEGER NOT NULL DEFAULT 30
                       CHECK (payment_terms_days BETWEEN 0 AND 365),
    credit_limit_cents INTEGER                   -- NULL: no limit set
                       CHECK (credit_limit_cents >= 0),
    currency           TEXT NOT NULL DEFAULT 'USD' -- of credit_limit_cents
                       CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    preferred_method   TEXT                      -- how they usually pay
                       CHECK (preferred_method IN ('bank_transfer', 'card',
                              'direct_debit', 'check', 'cash', 'other')),
    billing_contact    TEXT,                     -- person who handles bills
    email              TEXT,
    phone              TEXT,
    billing_delivery   TEXT                      -- 'paper' or 'electronic'
                       CHECK (billing_delivery IN ('paper', 'electronic')),
    paperless_since    TEXT CHECK (paperless_since IS date(paperless_since, '+0 days')
                                   AND paperless_since >= '0001'),
    status             TEXT NOT NULL DEFAULT 'active'
                       CHECK (status IN ('active', 'on_hold', 'closed'))
);

-- Invoices issued. status and paid_date are kept by the allocation
-- triggers: 'paid' exactly when allocations cover total_cents, 'void' only
-- by hand. allocated_cents is the triggers' running sum of allocations.
CREATE TABLE IF NOT EXISTS invoices (
    invoice_id      INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,        -- as printed on the invoice
    customer_id     INTEGER NOT NULL REFERENCES customers,
    issue_date      TEXT NOT NULL CHECK (issue_date IS date(issue_date, '+0 days')
                                         AND issue_date >= '0001'),
    due_date        TEXT NOT NULL CHECK (due_date IS date(due_date, '+0 days')
                                         AND due_date >= '0001'),
    total_cents     INTEGER NOT NULL
                    CHECK (typeof(total_cents) = 'integer'
                           AND total_cents > 0),
    currency        TEXT NOT NULL
                    CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    status          TEXT NOT NULL DEFAULT 'issued'
                    CHECK (status IN ('issued', 'paid', 'void')),
    payment_method  TEXT,                        -- method requested on it
    paid_date       TEXT CHECK (paid_date IS date(paid_date, '+0 days')
                                AND paid_date >= '0001'),
    disputed        INTEGER NOT NULL DEFAULT 0 CHECK (disputed IN (0, 1)),
    description     TEXT,
    allocated_cents INTEGER NOT NULL DEFAULT 0,  -- kept by triggers
    source          TEXT,                        -- system it came from
    external_id     TEXT,                        -- its id in that system
    CHECK (due_date >= issue_date),
    CHECK (allocated_cents BETWEEN 0 AND total_cents),
    CHECK (status = 'void' OR (status = 'paid') = (allocated_cents = total_cents)),
    CHECK (status = 'void' OR (status = 'paid') = (paid_date IS NOT NULL)),
    UNIQUE (source, external_id)
);
CREATE INDEX IF NOT EXISTS invoices_customer_id_idx
    ON invoices (customer_id, issue_date);
CREATE INDEX IF NOT EXISTS invoices_status_due_date_idx
    ON invoices (status, due_date);
CREATE INDEX IF NOT EXISTS invoices_issue_date_idx ON invoices (issue_date);

-- Money received. customer_id is NULL until the payer is known. status and
-- allocated_cents are kept by the allocation triggers. (source,
-- external_id) makes re-imports idempotent: a bank import uses the bank's
-- transaction id, a ledger import the ledger's id.
CREATE TABLE IF NOT EXISTS payments (
    payment_id      INTEGER PRIMARY KEY,
    customer_id     INTEGER REFERENCES customers,
    received_date   TEXT NOT NULL CHECK (received_date IS date(received_date, '+0 days')
                                         AND received_date >= '0001'),
    amount_cents    INTEGER NOT NULL
                    CHECK (typeof(amount_cents) = 'integer'
                           AND amount_cents > 0),
    currency        TEXT NOT NULL
                    CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    method          TEXT
                    CHECK (method IN ('bank_transfer', 'card',
                           'direct_debit', 'check', 'cash', 'other')),
    payer_name      TEXT,                        -- as the bank shows it
    payer_account   TEXT,                        -- IBAN or account number
    reference       TEXT,                        -- free memo / remittance
    structured_ref  TEXT,                        -- RF creditor reference etc.
    source          TEXT NOT NULL DEFAULT 'manual',
    external_id     TEXT,                        -- id in source; NULL: manual
    status          TEXT NOT NULL DEFAULT 'unreconciled'
                    CHECK (status IN ('unreconciled', 'partial',
                           'reconciled')),
    allocated_cents INTEGER NOT NULL DEFAULT 0,  -- kept by triggers
    CHECK (allocated_cents BETWEEN 0 AND amount_cents),
    CHECK (status = CASE WHEN allocated_cents = 0 THEN 'unreconciled'
                         WHEN allocated_cents < amount_cents THEN 'partial'
                         ELSE 'reconciled' END),
    UNIQUE (source, external_id)
);
CREATE INDEX IF NOT EXISTS payments_customer_id_idx
    ON payments (customer_id, received_date);
CREATE INDEX IF NOT EXISTS payments_status_idx ON payments (status);
CREATE INDEX IF NOT EXISTS payments_received_date_idx
    ON payments (received_date);

-- Credit notes reduce what a customer owes; they are applied to invoices
-- through allocations exactly like a payment.
CREATE TABLE IF NOT EXISTS credit_notes (
    credit_note_id  INTEGER PRIMARY KEY,
    number          TEXT NOT NULL UNIQUE,
    customer_id     INTEGER NOT NULL REFERENCES customers,
    issue_date      TEXT NOT NULL CHECK (issue_date IS date(issue_date, '+0 days')
                                         AND issue_date >= '0001'),
    amount_cents    INTEGER NOT NULL
                    CHECK (typeof(amount_cents) = 'integer'
                           AND amount_cents > 0),
    currency        TEXT NOT NULL
                    CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    invoice_id      INTEGER REFERENCES invoices, -- invoice it corrects
    reason          TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'open'
                    CHECK (status IN ('open', 'applied', 'void')),
    allocated_cents INTEGER NOT NULL DEFAULT 0,  -- kept by triggers
    CHECK (allocated_cents BETWEEN 0 AND amount_cents),
    CHECK (status = 'void'
           OR (status = 'applied') = (allocated_cents = amount_cents))
);
CREATE INDEX IF NOT EXISTS credit_notes_customer_id_idx
    ON credit_notes (customer_id);

-- Allocations settle invoices: a payment, a credit note or a write-off
-- applied to one invoice for an amount. Partial payments are several rows
-- on one invoice; one payment for several invoices is several rows of one
-- payment. Rows are never updated: undo deletes the row, and the triggers
-- restore the statuses and record both steps in allocation_audit.
CREATE TABLE IF NOT EXISTS allocations (
    allocation_id  INTEGER PRIMARY KEY,
    invoice_id     INTEGER NOT NULL REFERENCES invoices,
    kind           TEXT NOT NULL DEFAULT 'payment'
                   CHECK (kind IN ('payment', 'credit_note', 'write_off')),
    payment_id     INTEGER REFERENCES payments,     -- kind 'payment'
    credit_note_id INTEGER REFERENCES credit_notes, -- kind 'credit_note'
    amount_cents   INTEGER NOT NULL
                   CHECK (typeof(amount_cents) = 'integer'
                          AND amount_cents > 0),
    effective_date TEXT                             -- NULL: filled by trigger
                   CHECK (effective_date IS date(effective_date, '+0 days')
                          AND effective_date >= '0001'),
    method         TEXT NOT NULL DEFAULT 'manual'   -- who or what made it
                   CHECK (method IN ('manual', 'auto', 'import', 'rule')),
    created_by     TEXT,                            -- user or process name
    created_at     TEXT,                            -- NULL: filled by trigger
    score          REAL CHECK (score BETWEEN 0 AND 1), -- matcher's confidence
    reason         TEXT,                            -- required for write-offs
    CHECK ((kind = 'payment') = (payment_id IS NOT NULL)
           OR (kind = 'write_off' AND credit_note_id IS NULL)),
    CHECK ((kind = 'credit_note') = (credit_note_id IS NOT NULL)),
    CHECK (kind <> 'write_off' OR reason IS NOT NULL)
);
CREATE INDEX IF NOT EXISTS allocations_invoice_id_idx
    ON allocations (invoice_id, effective_date, amount_cents);
CREATE INDEX IF NOT EXISTS allocations_payment_id_idx
    ON allocations (payment_id);
CREATE INDEX IF NOT EXISTS allocations_credit_note_id_idx
    ON allocations (credit_note_id);

-- Every allocation made or undone, written by the triggers and never
-- changed: the trail an auditor replays.
CREATE TABLE IF NOT EXISTS allocation_audit (
    audit_id       INTEGER PRIMARY KEY,
    action         TEXT NOT NULL CHECK (action IN ('allocate', 'undo')),
    allocation_id  INTEGER NOT NULL,
    invoice_id     INTEGER NOT NULL,
    kind           TEXT NOT NULL,
    payment_id     INTEGER,
    credit_note_id INTEGER,
    amount_cents   INTEGER NOT NULL,
    method         TEXT NOT NULL,
    score          REAL,
    actor          TEXT,                -- the allocation's created_by
    reason         TEXT,
    recorded_at    TEXT                 -- settings.as_of, else wall clock
);
CREATE INDEX IF NOT EXISTS allocation_audit_invoice_id_idx
    ON allocation_audit (invoice_id);

-- Communication log: calls, e-mails, promises to pay, disputes. A note with
-- follow_up_on stays on the action list until resolved_on is set.
CREATE TABLE IF NOT EXISTS notes (
    note_id      INTEGER PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers,
    invoice_id   INTEGER REFERENCES invoices,
    noted_on     TEXT NOT NULL CHECK (noted_on IS date(noted_on, '+0 days')
                                      AND noted_on >= '0001'),
    author       TEXT,
    channel      TEXT NOT NULL DEFAULT 'note'
                 CHECK (channel IN ('call', 'email', 'letter', 'meeting',
                        'note')),
    kind         TEXT NOT NULL DEFAULT 'contact'
                 CHECK (kind IN ('contact', 'promise_to_pay', 'dispute',
                        'escalation', 'reminder')),
    body         TEXT NOT NULL,
    follow_up_on TEXT CHECK (follow_up_on IS date(follow_up_on, '+0 days')
                             AND follow_up_on >= '0001'),
    resolved_on  TEXT CHECK (resolved_on IS date(resolved_on, '+0 days')
                             AND resolved_on >= '0001')
);
CREATE INDEX IF NOT EXISTS notes_customer_id_idx
    ON notes (customer_id, noted_on);
CREATE INDEX IF NOT EXISTS notes_follow_up_on_idx
    ON notes (follow_up_on) WHERE resolved_on IS NULL;

-- Sales context shown on the customer card.
CREATE TABLE IF NOT EXISTS opportunities (
    opportunity_id INTEGER PRIMARY KEY,
    customer_id    INTEGER NOT NULL REFERENCES customers,
    name           TEXT NOT NULL,
    stage          TEXT NOT NULL DEFAULT 'prospect'
                   CHECK (stage IN ('prospect', 'proposal', 'negotiation',
                          'won', 'lost')),
    amount_cents   INTEGER CHECK (amount_cents >= 0),
    currency       TEXT NOT NULL DEFAULT 'USD'
                   CHECK (currency GLOB '[A-Z][A-Z][A-Z]'),
    expected_close TEXT CHECK (expected_close IS date(expected_close, '+0 days')
                               AND expected_close >= '0001'),
    owner          TEXT
);
CREATE INDEX IF NOT EXISTS opportunities_customer_id_idx
    ON opportunities (customer_id);
