-- receivables triggers: keep balances and statuses consistent with
-- allocations, and reject an allocation that would break them.
--
-- Load after schema.sql. Needs no extension function.
--
-- SQLite before 3.47 accepts only a constant message in RAISE(), so each
-- message names the rule and the fix, and the views (invoice_balance,
-- payment_balance) show the figures to compare.

-- Reject an allocation that the invoice, payment or credit note cannot take.
-- The checks read the cached allocated_cents, so each costs one row lookup.
CREATE TRIGGER IF NOT EXISTS allocations_check_insert
BEFORE INSERT ON allocations
BEGIN
    SELECT RAISE(ABORT, 'allocation rejected: invoice_id not found; check the invoice exists')
    WHERE NOT EXISTS (SELECT 1 FROM invoices WHERE invoice_id = NEW.invoice_id);

    SELECT RAISE(ABORT, 'allocation rejected: the invoice is void; reinstate it (status = ''issued'') or allocate to another invoice')
    FROM invoices WHERE invoice_id = NEW.invoice_id AND status = 'void';

    SELECT RAISE(ABORT, 'allocation rejected: amount exceeds the invoice''s open amount; allocate at most invoice_balance.open_cents')
    FROM invoices
    WHERE invoice_id = NEW.invoice_id
      AND NEW.amount_cents > total_cents - allocated_cents;

    SELECT RAISE(ABORT, 'allocation rejected: payment_id not found; check the payment exists')
    WHERE NEW.payment_id IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM payments WHERE payment_id = NEW.payment_id);

    SELECT RAISE(ABORT, 'allocation rejected: amount exceeds the payment''s unallocated amount; allocate at most payment_balance.unallocated_cents')
    FROM payments
    WHERE NEW.kind = 'payment' AND payment_id = NEW.payment_id
      AND NEW.amount_cents > amount_cents - allocated_cents;

    SELECT RAISE(ABORT, 'allocation rejected: payment and invoice currencies differ; convert the payment first or allocate to an invoice in the same currency')
    FROM payments p, invoices i
    WHERE NEW.kind = 'payment' AND p.payment_id = NEW.payment_id
      AND i.invoice_id = NEW.invoice_id AND p.currency <> i.currency;

    SELECT RAISE(ABORT, 'allocation rejected: the payment belongs to another customer; set payments.customer_id first or allocate to that customer''s invoice')
    FROM payments p, invoices i
    WHERE NEW.kind = 'payment' AND p.payment_id = NEW.payment_id
      AND i.invoice_id = NEW.invoice_id
      AND p.customer_id IS NOT NULL AND p.customer_id <> i.customer_id;

    SELECT RAISE(ABORT, 'allocation rejected: credit_note_id not found or void; check the credit note')
    WHERE NEW.kind = 'credit_note'
      AND NOT EXISTS (SELECT 1 FROM credit_notes
                      WHERE credit_note_id = NEW.credit_note_id
                        AND status <> 'void');

    SELECT RAISE(ABORT, 'allocation rejected: amount exceeds the credit note''s unapplied amount; allocate at most credit_notes.amount_cents - allocated_cents')
    FROM credit_notes
    WHERE NEW.kind = 'credit_note' AND credit_note_id = NEW.credit_note_id
      AND NEW.amount_cents > amount_cents - allocated_cents;

    SELECT RAISE(ABORT, 'allocation rejected: credit note and invoice differ in currency or customer; apply it to an invoice of the same customer and currency')
    FROM credit_notes c, invoices i
    WHERE NEW.kind = 'credit_note' AND c.credit_note_id = NEW.credit_note_id
      AND i.invoice_id = NEW.invoice_id
      AND (c.currency <> i.currency OR c.customer_id <> i.customer_id);

    -- A back-dated allocation would rewrite aging already reported.
    SELECT RAISE(ABORT, 'allocation rejected: effective_date is before the payment was received; give a date on or after payments.received_date, or leave it NULL')
    FROM payments
    WHERE NEW.kind = 'payment' AND payment_id = NEW.payment_id
      AND NEW.effective_date < received_date;

    SELECT RAISE(ABORT, 'allocation rejected: effective_date is before the credit note was issued; give a date on or after credit_notes.issue_date, or leave it NULL')
    FROM credit_notes
    WHERE NEW.kind = 'credit_note' AND credit_note_id = NEW.credit_note_id
      AND NEW.effective_date < issue_date;

    SELECT RAISE(ABORT, 'allocation rejected: a write-off needs an effective_date; give the date the amount is written off')
    WHERE NEW.kind = 'write_off' AND NEW.effective_date IS NULL
      AND NEW.payment_id IS NULL;
END;

-- Allocations are a ledger: change one by undoing it (DELETE) and making a
-- new one, so the audit trail shows both steps.
CREATE TRIGGER IF NOT EXISTS allocations_reject_update
BEFORE UPDATE ON allocations
WHEN NEW.invoice_id IS NOT OLD.invoice_id
  OR NEW.kind IS NOT OLD.kind
  OR NEW.payment_id IS NOT OLD.payment_id
  OR NEW.credit_note_id IS NOT OLD.credit_note_id
  OR NEW.amount_cents IS NOT OLD.amount_cents
  OR NEW.effective_date IS NOT OLD.effective_date
     AND OLD.effective_date IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'allocations cannot be changed; DELETE the allocation (undo) and insert a new one');
END;

-- Apply a new allocation: fill its dates, then move the running sums and
-- statuses of the invoice and of the payment or credit note, then audit.
CREATE TRIGGER IF NOT EXISTS allocations_apply
AFTER INSERT ON allocations
BEGIN
    UPDATE allocations
    SET effective_date = coalesce(
            NEW.effective_date,
            (SELECT received_date FROM payments
             WHERE payment_id = NEW.payment_id),
            (SELECT issue_date FROM credit_notes
             WHERE credit_note_id = NEW.credit_note_id)),
        created_at = coalesce(NEW.created_at,
                              (SELECT as_of FROM settings WHERE id = 1),
                              datetime('now'))
    WHERE allocation_id = NEW.allocation_id
      AND (NEW.effective_date IS NULL OR NEW.created_at IS NULL);

    UPDATE invoices
    SET allocated_cents = allocated_cents + NEW.amount_cents,
        status = CASE WHEN allocated_cents + NEW.amount_cents = total_cents
                      THEN 'paid' ELSE 'issued' END,
        paid_date = CASE WHEN allocated_cents + NEW.amount_cents = total_cents
                         THEN (SELECT max(effective_date) FROM allocations
                               WHERE invoice_id = NEW.invoice_id)
                         END
    WHERE invoice_id = NEW.invoice_id;

    UPDATE payments
    SET allocated_cents = allocated_cents + NEW.amount_cents,
        status = CASE WHEN allocated_cents + NEW.amount_cents = amount_cents
                      THEN 'reconciled' ELSE 'partial' END
    WHERE NEW.kind = 'payment' AND payment_id = NEW.payment_id;

    UPDATE credit_notes
    SET allocated_cents = allocated_cents + NEW.amount_cents,
        status = CASE WHEN allocated_cents + NEW.amount_cents = amount_cents
                      THEN 'applied' ELSE 'open' END
    WHERE NEW.kind = 'credit_note' AND credit_note_id = NEW.credit_note_id;

    INSERT INTO allocation_audit (action, allocation_id, invoice_id, kind,
                                  payment_id, credit_note_id, amount_cents,
                                  method, score, actor, reason, recorded_at)
    SELECT 'allocate', allocation_id, invoice_id, kind, payment_id,
           credit_note_id, amount_cents, method, score, created_by, reason,
           created_at
    FROM allocations WHERE allocation_id = NEW.allocation_id;
END;

-- Undo: deleting an allocation gives the amount back to the invoice and to
-- the payment or credit note; other allocations of the invoice stay.
CREATE TRIGGER IF NOT EXISTS allocations_undo
AFTER DELETE ON allocations
BEGIN
    UPDATE invoices
    SET allocated_cents = allocated_cents - OLD.amount_cents,
        status = CASE WHEN status = 'void' THEN 'void' ELSE 'issued' END,
        paid_date = NULL
    WHERE invoice_id = OLD.invoice_id;

    UPDATE payments
    SET allocated_cents = allocated_cents - OLD.amount_cents,
        status = CASE WHEN allocated_cents - OLD.amount_cents = 0
                      THEN 'unreconciled' ELSE 'partial' END
    WHERE OLD.kind = 'payment' AND payment_id = OLD.payment_id;

    UPDATE credit_notes
    SET allocated_cents = allocated_cents - OLD.amount_cents,
        status = CASE WHEN status = 'void' THEN 'void' ELSE 'open' END
    WHERE OLD.kind = 'credit_note' AND credit_note_id = OLD.credit_note_id;

    INSERT INTO allocation_audit (action, allocation_id, invoice_id, kind,
                                  payment_id, credit_note_id, amount_cents,
                                  method, score, actor, reason, recorded_at)
    VALUES ('undo', OLD.allocation_id, OLD.invoice_id, OLD.kind,
            OLD.payment_id, OLD.credit_note_id, OLD.amount_cents, OLD.method,
            OLD.score, OLD.created_by, OLD.reason,
            coalesce((SELECT as_of FROM settings WHERE id = 1),
                     datetime('now')));
END;

-- An invoice's amount cannot drop below what is already allocated to it,
-- and its status follows the allocations when the amount changes.
CREATE TRIGGER IF NOT EXISTS invoices_check_total
BEFORE UPDATE OF total_cents ON invoices
WHEN NEW.total_cents < OLD.allocated_cents
BEGIN
    SELECT RAISE(ABORT, 'invoice total cannot be less than the amount already allocated; undo allocations first');
END;

-- A status set by hand must agree with the allocations: 'paid' exactly
-- when they cover total_cents. Voiding is always allowed; the allocations
-- stay and the discrepancies view lists them.
CREATE TRIGGER IF NOT EXISTS invoices_check_status
BEFORE UPDATE OF status, total_cents ON invoices
WHEN NEW.status <> 'void'
 AND (NEW.status = 'paid') <> (NEW.allocated_cents = NEW.total_cents)
BEGIN
    SELECT RAISE(ABORT, 'invoice status must follow its allocations: ''paid'' exactly when they cover total_cents, else ''issued''; set status to match or change the allocations');
END;

-- The running sums may only move with the allocations: each check compares
-- the new sum with the allocations themselves (the triggers above change
-- the sum after the allocation row is in, or gone), so a hand-made UPDATE
-- of allocated_cents cannot leave ar_aging and the views disagreeing.
CREATE TRIGGER IF NOT EXISTS invoices_check_allocated
BEFORE UPDATE OF allocated_cents ON invoices
WHEN NEW.allocated_cents IS NOT
     (SELECT coalesce(sum(amount_cents), 0) FROM allocations
      WHERE invoice_id = NEW.invoice_id)
BEGIN
    SELECT RAISE(ABORT, 'invoices.allocated_cents is kept by the allocation triggers; insert or delete allocations instead');
END;

CREATE TRIGGER IF NOT EXISTS payments_check_allocated
BEFORE UPDATE OF allocated_cents ON payments
WHEN NEW.allocated_cents IS NOT
     (SELECT coalesce(sum(amount_cents), 0) FROM allocations
      WHERE kind = 'payment' AND payment_id = NEW.payment_id)
BEGIN
    SELECT RAISE(ABORT, 'payments.allocated_cents is kept by the allocation triggers; insert or delete allocations instead');
END;

CREATE TRIGGER IF NOT EXISTS credit_notes_check_allocated
BEFORE UPDATE OF allocated_cents ON credit_notes
WHEN NEW.allocated_cents IS NOT
     (SELECT coalesce(sum(amount_cents), 0) FROM allocations
      WHERE credit_note_id = NEW.credit_note_id)
BEGIN
    SELECT RAISE(ABORT, 'credit_notes.allocated_cents is kept by the allocation triggers; insert or delete allocations instead');
END;

-- Once money is allocated, the currency and the customer of both sides are
-- fixed: changing them would leave allocations that mix currencies or
-- customers. Undo the allocations first.
CREATE TRIGGER IF NOT EXISTS invoices_check_allocated_change
BEFORE UPDATE OF currency, customer_id ON invoices
WHEN (NEW.currency IS NOT OLD.currency OR NEW.customer_id IS NOT OLD.customer_id)
 AND EXISTS (SELECT 1 FROM allocations WHERE invoice_id = OLD.invoice_id)
BEGIN
    SELECT RAISE(ABORT, 'the invoice has allocations, so its currency and customer cannot change; delete its allocations first');
END;

CREATE TRIGGER IF NOT EXISTS payments_check_allocated_change
BEFORE UPDATE OF currency, customer_id ON payments
WHEN OLD.allocated_cents > 0
 AND (NEW.currency IS NOT OLD.currency
      OR (NEW.customer_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM allocations a
                      JOIN invoices i ON i.invoice_id = a.invoice_id
                      WHERE a.payment_id = OLD.payment_id
                        AND i.customer_id <> NEW.customer_id)))
BEGIN
    SELECT RAISE(ABORT, 'the payment is allocated, so its currency cannot change and its customer must be the invoices'' customer; delete its allocations first');
END;

CREATE TRIGGER IF NOT EXISTS credit_notes_check_allocated_change
BEFORE UPDATE OF currency, customer_id ON credit_notes
WHEN OLD.allocated_cents > 0
 AND (NEW.currency IS NOT OLD.currency
      OR NEW.customer_id IS NOT OLD.customer_id)
BEGIN
    SELECT RAISE(ABORT, 'the credit note is applied, so its currency and customer cannot change; delete its allocations first');
END;

-- Deleting a document that allocations point to would leave them dangling.
-- These triggers hold whether or not the connection enabled
-- PRAGMA foreign_keys, which each connection must set for itself.
CREATE TRIGGER IF NOT EXISTS invoices_check_delete
BEFORE DELETE ON invoices
WHEN EXISTS (SELECT 1 FROM allocations WHERE invoice_id = OLD.invoice_id)
BEGIN
    SELECT RAISE(ABORT, 'the invoice has allocations; delete them first, or void the invoice (status = ''void'') to keep its history');
END;

CREATE TRIGGER IF NOT EXISTS payments_check_delete
BEFORE DELETE ON payments
WHEN EXISTS (SELECT 1 FROM allocations WHERE payment_id = OLD.payment_id)
BEGIN
    SELECT RAISE(ABORT, 'the payment has allocations; delete them first (each delete is an audited undo)');
END;

CREATE TRIGGER IF NOT EXISTS credit_notes_check_delete
BEFORE DELETE ON credit_notes
WHEN EXISTS (SELECT 1 FROM allocations WHERE credit_note_id = OLD.credit_note_id)
BEGIN
    SELECT RAISE(ABORT, 'the credit note is applied; delete its allocations first');
END;

-- The audit trail is append-only.
CREATE TRIGGER IF NOT EXISTS allocation_audit_reject_update
BEFORE UPDATE ON allocation_audit
BEGIN
    SELECT RAISE(ABORT, 'allocation_audit is append-only; its rows cannot be changed');
END;

CREATE TRIGGER IF NOT EXISTS allocation_audit_reject_delete
BEFORE DELETE ON allocation_audit
BEGIN
    SELECT RAISE(ABORT, 'allocation_audit is append-only; its rows cannot be deleted');
END;
