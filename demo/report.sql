-- The analyst's morning reports, as of settings.as_of.
--
-- Run in the sqlite3 shell on a database built by demo/run.sh, with the
-- extension loaded (for ar_aging, due_alert and format_money). Amounts are
-- integer cents in the tables; format_money only renders them.

.print 'receivables demo: IBM accounts-receivable sample (2,466 invoices,'
.print '100 customers, amounts in USD), as of the date below.'

.headers on
.mode box

.print
.print '== Executive dashboard'
SELECT as_of, currency,
       format_money(receivable_cents, currency) AS receivable,
       open_invoices,
       format_money(overdue_cents, currency) AS overdue,
       overdue_invoices,
       dso_days,
       late_payers,
       format_money(expected_30d_cents, currency) AS expected_next_30d
FROM executive_dashboard;

.print
.print '== Late payers: overdue balance by customer, top 5'
SELECT customer_code AS customer,
       format_money(overdue_cents, currency) AS overdue,
       overdue_invoices, max_days_overdue AS max_late,
       avg_days_late AS avg_late_paid, paid_late, paid_invoices
FROM late_payers
ORDER BY overdue_cents DESC, customer_code
LIMIT 5;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM late_payers);
.headers on
.mode box

.print
.print '== Aging by customer, top 10 by open balance (ar_aging)'
SELECT c.code AS customer,
       format_money(a.current_cents, a.currency) AS current,
       format_money(a.days_1_30_cents, a.currency) AS "1-30",
       format_money(a.days_31_60_cents, a.currency) AS "31-60",
       format_money(a.days_61_90_cents, a.currency) AS "61-90",
       format_money(a.days_over_90_cents, a.currency) AS "90+",
       format_money(a.total_cents, a.currency) AS total,
       a.open_invoices AS open,
       a.max_days_overdue AS max_late
FROM ar_aging((SELECT as_of FROM report_date)) a
JOIN customers c ON c.customer_id = a.customer_id
ORDER BY a.total_cents DESC, c.code
LIMIT 10;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM ar_aging((SELECT as_of FROM report_date)));
.headers on
.mode box

.print
.print '== Aging totals'
SELECT a.currency,
       format_money(sum(a.current_cents), a.currency) AS current,
       format_money(sum(a.days_1_30_cents), a.currency) AS "1-30",
       format_money(sum(a.days_31_60_cents), a.currency) AS "31-60",
       format_money(sum(a.days_61_90_cents), a.currency) AS "61-90",
       format_money(sum(a.days_over_90_cents), a.currency) AS "90+",
       format_money(sum(a.total_cents), a.currency) AS total,
       sum(a.open_invoices) AS open
FROM ar_aging((SELECT as_of FROM report_date)) a
GROUP BY a.currency;

.print
.print '== Alerts that fire today (7 days before due, due day, 7 and 30 days overdue)'
SELECT a.number AS invoice, a.customer_code AS customer, a.due_date,
       due_alert(a.due_date, r.as_of) AS alert,
       format_money(a.open_cents, a.currency) AS open,
       CASE WHEN a.disputed THEN 'disputed' ELSE '' END AS note
FROM invoice_alerts a, report_date r
WHERE a.fires_today
ORDER BY a.days_overdue DESC, a.number;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM invoice_alerts WHERE fires_today);
.headers on
.mode box

.print
.print '== Operational dashboard'
SELECT as_of, pending_invoices, recent_payments,
       format_money(recent_payments_cents) AS recent_received,
       unreconciled_payments,
       format_money(unreconciled_cents) AS unreconciled,
       alerts_today, actions_required
FROM operational_dashboard;

.print
.print '== Unreconciled payments'
SELECT payment_id, customer_code AS customer, received_date,
       format_money(unallocated_cents, currency) AS unallocated,
       reference, days_waiting
FROM unreconciled_payments
ORDER BY received_date, payment_id
LIMIT 20;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM unreconciled_payments);
.headers on
.mode box

.print
.print '== Required actions (most urgent first, first 15)'
SELECT priority, action, customer_code AS customer, subject,
       format_money(cents, coalesce(currency, 'USD')) AS amount, reason
FROM actions_required
ORDER BY priority, cents DESC, subject
LIMIT 15;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM actions_required);
.headers on
.mode box

-- The featured customer: the largest overdue balance on the report date.
CREATE TEMP TABLE featured AS
SELECT customer_id FROM customer_card
ORDER BY overdue_cents DESC, open_cents DESC, code LIMIT 1;

.print
.print '== Customer card'
.mode line
SELECT code, name, country, status, payment_terms_days AS terms_days,
       coalesce(format_money(credit_limit_cents, currency), 'none')
           AS credit_limit,
       coalesce(preferred_method, 'not set') AS preferred_method,
       coalesce(billing_contact, 'not set') AS billing_contact,
       billing_delivery,
       invoices_issued, format_money(invoiced_cents, currency) AS invoiced,
       payments_received, format_money(received_cents, currency) AS received,
       open_invoices, format_money(open_cents, currency) AS open_balance,
       format_money(overdue_cents, currency) AS overdue,
       max_days_overdue, disputed_open,
       format_money(unallocated_cents, currency) AS unapplied_cash,
       avg_days_to_pay, avg_days_late, paid_late, last_payment_date,
       open_opportunities, last_contact, next_follow_up
FROM customer_card WHERE customer_id = (SELECT customer_id FROM featured);
.mode box

.print
.print '== Open invoices of the featured customer'
SELECT number, issue_date, due_date, format_money(open_cents, currency)
           AS open,
       days_overdue, aging_bucket, state,
       CASE WHEN disputed THEN 'yes' ELSE '' END AS disputed
FROM invoice_balance
WHERE customer_id = (SELECT customer_id FROM featured) AND open_cents > 0
ORDER BY due_date;

.print
.print '== Account statement of the featured customer (last 90 days)'
SELECT entry_date, entry_type, document, detail,
       CASE WHEN debit_cents > 0 THEN format_money(debit_cents, currency)
            ELSE '' END AS debit,
       CASE WHEN credit_cents > 0 THEN format_money(credit_cents, currency)
            ELSE '' END AS credit,
       format_money(balance_cents, currency) AS balance
FROM customer_statement, report_date r
WHERE customer_id = (SELECT customer_id FROM featured)
  AND entry_date > date(r.as_of, '-90 days')
ORDER BY line_no;
