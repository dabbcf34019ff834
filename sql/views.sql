-- receivables views: balances, customer card, statement, aging, dashboards.
--
-- Load after schema.sql and triggers.sql. No view calls an extension
-- function, so a BI tool that opens the file without the extension reads
-- them all. Day counts use julianday() differences of ISO dates, which are
-- exact whole numbers.
--
-- Every report is computed as of report_date.as_of: settings.as_of, or
-- today when that is NULL. Set it to replay a report:
--   UPDATE settings SET as_of = '2013-06-30';

CREATE VIEW IF NOT EXISTS report_date AS
SELECT coalesce((SELECT as_of FROM settings WHERE id = 1), date('now'))
       AS as_of;

-- Open balance of every invoice as of the report date: what was issued on
-- or before it, less what allocations effective on or before it settled.
-- Invoices issued after the report date are left out; void ones are kept
-- with open_cents 0 so totals stay right and the row stays visible.
CREATE VIEW IF NOT EXISTS invoice_balance AS
WITH settled AS (
    SELECT a.invoice_id, sum(a.amount_cents) AS cents,
           max(a.effective_date) AS last_date
    FROM allocations a, report_date r
    WHERE a.effective_date <= r.as_of
    GROUP BY a.invoice_id
)
SELECT i.invoice_id, i.number, i.customer_id, c.code AS customer_code,
       c.name AS customer_name, i.issue_date, i.due_date, i.currency,
       i.total_cents,
       coalesce(s.cents, 0) AS settled_cents,
       CASE WHEN i.status = 'void' THEN 0
            ELSE i.total_cents - coalesce(s.cents, 0) END AS open_cents,
       CASE WHEN i.status = 'void' THEN 'void'
            WHEN i.total_cents = coalesce(s.cents, 0) THEN 'paid'
            WHEN s.cents > 0 THEN 'partial'
            ELSE 'open' END AS state,
       CAST(julianday(r.as_of) - julianday(i.due_date) AS INTEGER)
           AS days_overdue,
       CASE WHEN i.status = 'void'
              OR i.total_cents = coalesce(s.cents, 0) THEN NULL
            WHEN julianday(r.as_of) - julianday(i.due_date) <= 0
                THEN 'current'
            WHEN julianday(r.as_of) - julianday(i.due_date) <= 30 THEN '1-30'
            WHEN julianday(r.as_of) - julianday(i.due_date) <= 60 THEN '31-60'
            WHEN julianday(r.as_of) - julianday(i.due_date) <= 90 THEN '61-90'
            ELSE '90+' END AS aging_bucket,
       i.disputed, i.payment_method, s.last_date AS last_payment_date,
       r.as_of
FROM invoices i
JOIN customers c ON c.customer_id = i.customer_id
CROSS JOIN report_date r
LEFT JOIN settled s ON s.invoice_id = i.invoice_id
WHERE i.issue_date <= r.as_of;

-- What is left of each payment to allocate: an overpayment shows here as
-- unallocated_cents, the customer's credit.
CREATE VIEW IF NOT EXISTS payment_balance AS
SELECT p.payment_id, p.customer_id, c.code AS customer_code,
       p.received_date, p.amount_cents, p.currency, p.method, p.payer_name,
       p.reference, p.status, p.allocated_cents,
       p.amount_cents - p.allocated_cents AS unallocated_cents,
       p.source, p.external_id
FROM payments p
LEFT JOIN customers c ON c.customer_id = p.customer_id;

-- Aging by customer and currency in plain SQL: the same figures as the
-- extension's ar_aging(as_of), for tools that cannot load it.
CREATE VIEW IF NOT EXISTS aging_by_customer AS
SELECT customer_id, customer_code, customer_name, currency,
       sum(CASE WHEN aging_bucket = 'current' THEN open_cents ELSE 0 END)
           AS current_cents,
       sum(CASE WHEN aging_bucket = '1-30' THEN open_cents ELSE 0 END)
           AS days_1_30_cents,
       sum(CASE WHEN aging_bucket = '31-60' THEN open_cents ELSE 0 END)
           AS days_31_60_cents,
       sum(CASE WHEN aging_bucket = '61-90' THEN open_cents ELSE 0 END)
           AS days_61_90_cents,
       sum(CASE WHEN aging_bucket = '90+' THEN open_cents ELSE 0 END)
           AS days_over_90_cents,
       sum(open_cents) AS total_cents,
       count(*) AS open_invoices,
       max(days_overdue) AS max_days_overdue
FROM invoice_balance
WHERE open_cents > 0
GROUP BY customer_id, currency;

-- Payment behaviour per customer from invoices paid in full: how late,
-- on average, against the due date (early payment counts as 0 days late).
CREATE VIEW IF NOT EXISTS customer_payment_history AS
SELECT i.customer_id,
       count(*) AS paid_invoices,
       sum(i.total_cents) AS paid_cents,
       round(avg(julianday(i.paid_date) - julianday(i.issue_date)), 1)
           AS avg_days_to_pay,
       round(avg(max(julianday(i.paid_date) - julianday(i.due_date), 0)), 1)
           AS avg_days_late,
       sum(i.paid_date > i.due_date) AS paid_late,
       max(i.paid_date) AS last_paid_date
FROM invoices i, report_date r
WHERE i.status = 'paid' AND i.paid_date <= r.as_of
GROUP BY i.customer_id;

-- The customer card: who they are, terms, what they owe, how they pay,
-- and the sales context, one row per customer.
CREATE VIEW IF NOT EXISTS customer_card AS
WITH open_items AS (
    SELECT customer_id,
           count(*) FILTER (WHERE open_cents > 0) AS open_invoices,
           sum(open_cents) AS open_cents,
           sum(CASE WHEN days_overdue > 0 THEN open_cents ELSE 0 END)
               AS overdue_cents,
           max(CASE WHEN open_cents > 0 THEN days_overdue END)
               AS max_days_overdue,
           count(*) AS invoices_issued,
           sum(total_cents) AS invoiced_cents,
           sum(disputed) FILTER (WHERE open_cents > 0) AS disputed_open
    FROM invoice_balance
    GROUP BY customer_id
), received AS (
    SELECT p.customer_id, count(*) AS payments_received,
           sum(p.amount_cents) AS received_cents,
           max(p.received_date) AS last_payment_date,
           sum(p.amount_cents - p.allocated_cents) AS unallocated_cents
    FROM payments p, report_date r
    WHERE p.received_date <= r.as_of
    GROUP BY p.customer_id
), pipeline AS (
    SELECT customer_id,
           count(*) AS open_opportunities,
           sum(amount_cents) AS pipeline_cents
    FROM opportunities
    WHERE stage NOT IN ('won', 'lost')
    GROUP BY customer_id
), last_note AS (
    SELECT customer_id, max(noted_on) AS last_contact,
           min(follow_up_on) FILTER (WHERE resolved_on IS NULL)
               AS next_follow_up
    FROM notes
    GROUP BY customer_id
)
SELECT c.customer_id, c.code, c.name, c.country, c.status,
       c.payment_terms_days, c.credit_limit_cents, c.currency,
       c.preferred_method, c.billing_contact, c.email, c.phone,
       c.billing_delivery,
       coalesce(o.invoices_issued, 0) AS invoices_issued,
       coalesce(o.invoiced_cents, 0) AS invoiced_cents,
       coalesce(p.payments_received, 0) AS payments_received,
       coalesce(p.received_cents, 0) AS received_cents,
       coalesce(o.open_invoices, 0) AS open_invoices,
       coalesce(o.open_cents, 0) AS open_cents,
       coalesce(o.overdue_cents, 0) AS overdue_cents,
       o.max_days_overdue,
       coalesce(o.disputed_open, 0) AS disputed_open,
       coalesce(p.unallocated_cents, 0) AS unallocated_cents,
       c.credit_limit_cents - coalesce(o.open_cents, 0)
           AS credit_available_cents,
       h.avg_days_to_pay, h.avg_days_late, h.paid_late,
       p.last_payment_date,
       coalesce(s.open_opportunities, 0) AS open_opportunities,
       coalesce(s.pipeline_cents, 0) AS pipeline_cents,
       n.last_contact, n.next_follow_up
FROM customers c
LEFT JOIN open_items o ON o.customer_id = c.customer_id
LEFT JOIN received p ON p.customer_id = c.customer_id
LEFT JOIN customer_payment_history h ON h.customer_id = c.customer_id
LEFT JOIN pipeline s ON s.customer_id = c.customer_id
LEFT JOIN last_note n ON n.customer_id = c.customer_id;

-- Account statement: every invoice (debit), payment, credit note and
-- write-off (credits) up to the report date, with the running balance per
-- customer and currency. Same-day entries list debits first.
CREATE VIEW IF NOT EXISTS customer_statement AS
WITH entries AS (
    SELECT i.customer_id, i.currency, i.issue_date AS entry_date, 0 AS seq,
           'invoice' AS entry_type, i.number AS document,
           'due ' || i.due_date AS detail,
           i.total_cents AS debit_cents, 0 AS credit_cents
    FROM invoices i WHERE i.status <> 'void'
    UNION ALL
    SELECT p.customer_id, p.currency, p.received_date, 1, 'payment',
           'PAY-' || p.payment_id,
           coalesce(p.reference, ''), 0, p.amount_cents
    FROM payments p WHERE p.customer_id IS NOT NULL
    UNION ALL
    SELECT n.customer_id, n.currency, n.issue_date, 2, 'credit_note',
           n.number, n.reason, 0, n.amount_cents
    FROM credit_notes n WHERE n.status <> 'void'
    UNION ALL
    SELECT i.customer_id, i.currency, a.effective_date, 3, 'write_off',
           i.number, a.reason, 0, a.amount_cents
    FROM allocations a JOIN invoices i ON i.invoice_id = a.invoice_id
    WHERE a.kind = 'write_off'
)
SELECT e.customer_id, e.currency, e.entry_date, e.entry_type, e.document,
       e.detail, e.debit_cents, e.credit_cents,
       sum(e.debit_cents - e.credit_cents) OVER w AS balance_cents,
       row_number() OVER w AS line_no
FROM entries e, report_date r
WHERE e.entry_date <= r.as_of
WINDOW w AS (PARTITION BY e.customer_id, e.currency
             ORDER BY e.entry_date, e.seq, e.document
             ROWS UNBOUNDED PRECEDING);

-- Executive dashboard, one row per currency:
--   receivable_cents   open balance on the report date
--   overdue_*          open invoices past their due date
--   dso_days           receivable / invoiced in the 90 days up to and
--                      including the report date * 90 (NULL with no sales)
--   late_payers        customers with an open invoice past its due date
--   expected_30d_cents open amounts whose projected payment date (due date
--                      plus the customer's average days late, never before
--                      the report date) falls within the next 30 days
CREATE VIEW IF NOT EXISTS executive_dashboard AS
WITH open_items AS (
    SELECT b.*, coalesce(h.avg_days_late, 0) AS avg_days_late
    FROM invoice_balance b
    LEFT JOIN customer_payment_history h ON h.customer_id = b.customer_id
    WHERE b.open_cents > 0
), sales AS (
    SELECT i.currency, sum(i.total_cents) AS cents
    FROM invoices i, report_date r
    WHERE i.status <> 'void'
      AND i.issue_date > date(r.as_of, '-90 days')
      AND i.issue_date <= r.as_of
    GROUP BY i.currency
), currencies AS (
    SELECT DISTINCT i.currency
    FROM invoices i, report_date r
    WHERE i.issue_date <= r.as_of
    -- A ledger with nothing issued yet still gets its row of zeros.
    UNION ALL
    SELECT NULL
    WHERE NOT EXISTS (SELECT 1 FROM invoices i, report_date r
                      WHERE i.issue_date <= r.as_of)
)
SELECT r.as_of, c.currency,
       coalesce(sum(o.open_cents), 0) AS receivable_cents,
       count(o.invoice_id) AS open_invoices,
       coalesce(sum(CASE WHEN o.days_overdue > 0 THEN o.open_cents END), 0)
           AS overdue_cents,
       count(o.invoice_id) FILTER (WHERE o.days_overdue > 0)
           AS overdue_invoices,
       round(coalesce(sum(o.open_cents), 0) * 90.0 / s.cents, 1) AS dso_days,
       s.cents AS invoiced_90d_cents,
       count(DISTINCT o.customer_id) FILTER (WHERE o.days_overdue > 0)
           AS late_payers,
       coalesce(sum(CASE WHEN julianday(max(o.due_date, r.as_of))
                              + o.avg_days_late <= julianday(r.as_of) + 30
                         THEN o.open_cents END), 0) AS expected_30d_cents
FROM currencies c
CROSS JOIN report_date r
LEFT JOIN open_items o ON o.currency = c.currency
LEFT JOIN sales s ON s.currency = c.currency
GROUP BY c.currency;

-- Late payers: customers ranked by how overdue their open balance is,
-- with their paid-invoice history for context.
CREATE VIEW IF NOT EXISTS late_payers AS
SELECT b.customer_id, b.customer_code, b.customer_name, b.currency,
       sum(b.open_cents) FILTER (WHERE b.days_overdue > 0) AS overdue_cents,
       count(*) FILTER (WHERE b.days_overdue > 0) AS overdue_invoices,
       max(b.days_overdue) AS max_days_overdue,
       h.avg_days_late, h.paid_late, h.paid_invoices
FROM invoice_balance b
LEFT JOIN customer_payment_history h ON h.customer_id = b.customer_id
WHERE b.open_cents > 0
GROUP BY b.customer_id, b.currency
HAVING max(b.days_overdue) > 0;

-- Alerts on the report date. An invoice's alert fires on four days: 7 days
-- before due ('due_soon'), the due day ('due_today'), 7 days overdue
-- ('overdue_7') and 30 days overdue ('overdue_30'); fires_today is 1 on
-- those days. state is the invoice's current standing with the boundaries
-- of due_alert(): due_soon 1-7 days before, due_today, overdue 1-6 days
-- after, overdue_7 7-29, overdue_30 30 or more; NULL earlier.
CREATE VIEW IF NOT EXISTS invoice_alerts AS
SELECT b.invoice_id, b.number, b.customer_id, b.customer_code,
       b.customer_name, b.due_date, b.currency, b.open_cents,
       b.days_overdue,
       CASE WHEN b.days_overdue < -7 THEN NULL
            WHEN b.days_overdue < 0 THEN 'due_soon'
            WHEN b.days_overdue = 0 THEN 'due_today'
            WHEN b.days_overdue < 7 THEN 'overdue'
            WHEN b.days_overdue < 30 THEN 'overdue_7'
            ELSE 'overdue_30' END AS state,
       b.days_overdue IN (-7, 0, 7, 30) AS fires_today,
       b.disputed
FROM invoice_balance b
WHERE b.open_cents > 0 AND b.days_overdue >= -7;

-- Pending invoices: everything still open, soonest due first.
CREATE VIEW IF NOT EXISTS pending_invoices AS
SELECT invoice_id, number, customer_code, customer_name, issue_date,
       due_date, currency, total_cents, open_cents, state, days_overdue,
       aging_bucket, disputed
FROM invoice_balance
WHERE open_cents > 0;

-- Payments received in the 30 days up to the report date.
CREATE VIEW IF NOT EXISTS recent_payments AS
SELECT p.*
FROM payment_balance p, report_date r
WHERE p.received_date > date(r.as_of, '-30 days')
  AND p.received_date <= r.as_of;

-- Payments not (fully) matched to invoices yet, oldest first.
CREATE VIEW IF NOT EXISTS unreconciled_payments AS
SELECT p.*,
       CAST(julianday(r.as_of) - julianday(p.received_date) AS INTEGER)
           AS days_waiting
FROM payment_balance p, report_date r
WHERE p.status <> 'reconciled' AND p.received_date <= r.as_of;

-- Required actions on the report date, one row per thing to do, most
-- urgent first (priority 1 is highest).
CREATE VIEW IF NOT EXISTS actions_required AS
SELECT 1 AS priority, 'escalate' AS action, customer_code, number AS subject,
       open_cents AS cents, currency,
       'overdue ' || days_overdue || ' days, no open follow-up' AS reason
FROM invoice_alerts a
WHERE state = 'overdue_30'
  AND NOT EXISTS (SELECT 1 FROM notes n
                  WHERE n.invoice_id = a.invoice_id
                    AND n.resolved_on IS NULL
                    AND n.follow_up_on IS NOT NULL)
UNION ALL
SELECT 2, 'resolve dispute', customer_code, number, open_cents, currency,
       'disputed invoice, ' || CASE
           WHEN days_overdue = 1 THEN '1 day overdue'
           WHEN days_overdue > 0 THEN days_overdue || ' days overdue'
           WHEN days_overdue = 0 THEN 'due today'
           WHEN days_overdue = -1 THEN 'due tomorrow'
           ELSE 'due in ' || -days_overdue || ' days' END
FROM invoice_balance WHERE disputed = 1 AND open_cents > 0
UNION ALL
SELECT 2, 'follow up', c.code, coalesce(i.number, 'customer'), NULL, NULL,
       n.kind || ' of ' || n.noted_on || ' due ' || n.follow_up_on || ': '
           || n.body
FROM notes n
JOIN customers c ON c.customer_id = n.customer_id
LEFT JOIN invoices i ON i.invoice_id = n.invoice_id
CROSS JOIN report_date r
WHERE n.resolved_on IS NULL AND n.follow_up_on <= r.as_of
UNION ALL
SELECT 3, 'call customer', customer_code, number, open_cents, currency,
       'overdue ' || days_overdue || ' days'
FROM invoice_alerts WHERE state = 'overdue_7'
UNION ALL
SELECT 3, 'hold orders', code, 'credit limit', -credit_available_cents,
       currency, 'open balance exceeds the credit limit'
FROM customer_card WHERE credit_available_cents < 0
UNION ALL
SELECT 4, 'reconcile payment', customer_code,
       coalesce(reference, 'payment ' || payment_id), unallocated_cents,
       currency, 'unallocated for ' || days_waiting || CASE days_waiting WHEN 1 THEN ' day' ELSE ' days' END
FROM unreconciled_payments
UNION ALL
SELECT 5, 'send reminder', customer_code, number, open_cents, currency,
       state || ', due ' || due_date
FROM invoice_alerts WHERE fires_today AND state IN ('due_soon', 'due_today');

-- Operational dashboard: one row of counts for the team's morning check.
CREATE VIEW IF NOT EXISTS operational_dashboard AS
SELECT r.as_of,
       (SELECT count(*) FROM pending_invoices) AS pending_invoices,
       (SELECT count(*) FROM recent_payments) AS recent_payments,
       (SELECT coalesce(sum(amount_cents), 0) FROM recent_payments)
           AS recent_payments_cents,
       (SELECT count(*) FROM unreconciled_payments) AS unreconciled_payments,
       (SELECT coalesce(sum(unallocated_cents), 0) FROM unreconciled_payments)
           AS unreconciled_cents,
       (SELECT count(*) FROM invoice_alerts WHERE fires_today)
           AS alerts_today,
       (SELECT count(*) FROM actions_required) AS actions_required
FROM report_date r;
