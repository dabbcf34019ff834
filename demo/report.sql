-- The analyst's morning reports, as of settings.as_of.
--
-- Run in the sqlite3 shell on a database built by demo/run.sh, with the
-- extension loaded (for ar_aging, due_alert and format_money). Amounts are
-- integer cents in the tables; format_money only renders them. Each part
-- opens with a one-line heading that names the report date, printed by a
-- SELECT in list mode because .print cannot show a query's result.

.headers off
.mode list
SELECT printf('Part 1: IBM accounts-receivable sample (%,d invoices of %d '
              || 'customers, USD), reports as of %s.',
              (SELECT count(*) FROM invoices),
              (SELECT count(*) FROM customers), as_of)
FROM report_date;
SELECT printf('The invoices were issued from %s to %s. Each payment is the '
              || 'settlement the data records for one invoice, loaded when '
              || 'received on or before %s.%s',
              min(issue_date), max(issue_date), r.as_of,
              CASE WHEN r.as_of > max(due_date)
                   THEN ' Every invoice in the data falls due before '
                        || 'that date.'
                   ELSE '' END)
FROM invoices, report_date r;

.print
SELECT '== Executive dashboard as of ' || as_of
       || ': what customers owe, what is late, cash to expect'
FROM report_date;
.headers on
.mode box
SELECT 'receivable (open invoices)' AS measure,
       format_money(receivable_cents, currency) || ' ' || currency
           || ' in ' || open_invoices || ' invoices' AS value
FROM executive_dashboard
UNION ALL
SELECT 'overdue (past due date)',
       format_money(overdue_cents, currency) || ' ' || currency || ' in '
           || overdue_invoices || ' invoices of ' || late_payers
           || ' customers'
FROM executive_dashboard
UNION ALL
SELECT 'invoiced in the last 90 days',
       coalesce(format_money(invoiced_90d_cents, currency) || ' ' || currency,
                'nothing')
FROM executive_dashboard
UNION ALL
SELECT 'DSO (receivable / last 90 days invoiced x 90)',
       coalesce(printf('%.1f days', dso_days), 'n/a: nothing invoiced')
FROM executive_dashboard
UNION ALL
SELECT 'cash expected in the next 30 days',
       format_money(expected_30d_cents, currency) || ' ' || currency
           || ' (due date plus the customer''s average delay)'
FROM executive_dashboard;

.headers off
.mode list
.print
SELECT '== Late payers as of ' || as_of
       || ': customers with overdue invoices, top 5 by amount overdue'
FROM report_date;
.headers on
.mode box
SELECT customer_code AS customer,
       format_money(overdue_cents, currency) AS overdue,
       overdue_invoices AS invoices,
       max_days_overdue AS "days late (max)",
       coalesce(paid_late || ' of ' || paid_invoices, 'none paid')
           AS "paid late before",
       coalesce(printf('%.1f', avg_days_late), '') AS "avg days late"
FROM late_payers
ORDER BY overdue_cents DESC, customer_code
LIMIT 5;
.headers off
.mode list
SELECT '(no customer has an overdue invoice)'
WHERE NOT EXISTS (SELECT 1 FROM late_payers);

.print
SELECT '== Aging as of ' || as_of
       || ': open balance by days past due date, top 10 customers (ar_aging)'
FROM report_date;
.headers on
.mode box
SELECT c.code AS customer,
       format_money(a.current_cents, a.currency) AS "not due",
       format_money(a.days_1_30_cents, a.currency) AS "1-30",
       format_money(a.days_31_60_cents, a.currency) AS "31-60",
       format_money(a.days_61_90_cents, a.currency) AS "61-90",
       format_money(a.days_over_90_cents, a.currency) AS "90+",
       format_money(a.total_cents, a.currency) AS total,
       a.open_invoices AS invoices,
       CASE WHEN a.max_days_overdue > 0 THEN a.max_days_overdue ELSE '' END
           AS "days late (max)"
FROM ar_aging((SELECT as_of FROM report_date)) a
JOIN customers c ON c.customer_id = a.customer_id
ORDER BY a.total_cents DESC, c.code
LIMIT 10;
.headers off
.mode list
SELECT '(no open invoices)'
WHERE NOT EXISTS (SELECT 1 FROM ar_aging((SELECT as_of FROM report_date)));

.print
SELECT '== Aging totals as of ' || as_of || ', all customers'
FROM report_date;
.headers on
.mode box
SELECT a.currency,
       format_money(sum(a.current_cents), a.currency) AS "not due",
       format_money(sum(a.days_1_30_cents), a.currency) AS "1-30",
       format_money(sum(a.days_31_60_cents), a.currency) AS "31-60",
       format_money(sum(a.days_61_90_cents), a.currency) AS "61-90",
       format_money(sum(a.days_over_90_cents), a.currency) AS "90+",
       format_money(sum(a.total_cents), a.currency) AS total,
       sum(a.open_invoices) AS invoices
FROM ar_aging((SELECT as_of FROM report_date)) a
GROUP BY a.currency;
.headers off
.mode list
SELECT '(no open invoices)'
WHERE NOT EXISTS (SELECT 1 FROM ar_aging((SELECT as_of FROM report_date)));

.print
SELECT '== Alerts that fire on ' || as_of
       || ' (7 days before due, on the due date, 7 and 30 days late)'
FROM report_date;
.headers on
.mode box
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

.print
SELECT '== Operational dashboard as of ' || as_of
       || ': the team''s morning counts'
FROM report_date;
.headers on
.mode box
SELECT 'open invoices' AS measure, pending_invoices AS value
FROM operational_dashboard
UNION ALL
SELECT 'payments received in the last 30 days',
       recent_payments || ', ' || format_money(recent_payments_cents)
           || ' USD'
FROM operational_dashboard
UNION ALL
SELECT 'payments not fully allocated to invoices',
       unreconciled_payments || ', ' || format_money(unreconciled_cents)
           || ' USD unallocated'
FROM operational_dashboard
UNION ALL
SELECT 'alerts firing today', alerts_today FROM operational_dashboard
UNION ALL
SELECT 'required actions', actions_required FROM operational_dashboard;

.headers off
.mode list
.print
SELECT '== Unreconciled payments as of ' || as_of
       || ': money received but not matched to an invoice, oldest first'
FROM report_date;
.headers on
.mode box
SELECT payment_id AS payment, coalesce(customer_code, 'unknown') AS customer,
       received_date AS received,
       format_money(unallocated_cents, currency) AS unallocated,
       reference, days_waiting AS "days waiting"
FROM unreconciled_payments
ORDER BY received_date, payment_id
LIMIT 20;
.headers off
.mode list
SELECT '(none: every payment is allocated)'
WHERE NOT EXISTS (SELECT 1 FROM unreconciled_payments);

.print
SELECT '== Required actions as of ' || as_of || ', first 15 (priority 1 '
       || 'escalate, 2 disputes and follow-ups, 3 calls and credit holds, '
       || '4 reconcile, 5 reminders)'
FROM report_date;
.headers on
.mode box
SELECT priority, action, customer_code AS customer, subject,
       coalesce(format_money(cents, currency), '') AS amount, reason
FROM actions_required
ORDER BY priority, cents DESC, subject
LIMIT 15;
.headers off
.mode list
SELECT '(none)' WHERE NOT EXISTS (SELECT 1 FROM actions_required);

-- The featured customer: the largest overdue balance on the report date,
-- else the largest open balance, else the first code.
CREATE TEMP TABLE featured AS
SELECT customer_id, code, overdue_cents, open_cents FROM customer_card
ORDER BY overdue_cents DESC, open_cents DESC, code LIMIT 1;

.print
SELECT '== Customer card of ' || f.code || ' as of ' || r.as_of || ' ('
       || CASE WHEN f.overdue_cents > 0 THEN 'the largest overdue balance'
               WHEN f.open_cents > 0 THEN 'nothing overdue anywhere; '
                                          || 'the largest open balance'
               ELSE 'nothing open anywhere; the first customer code' END
       || ')'
FROM featured f, report_date r;
.mode line
SELECT code, name, country AS country_code, status,
       payment_terms_days AS terms_days,
       coalesce(format_money(credit_limit_cents, currency), 'none')
           AS credit_limit,
       coalesce(preferred_method, 'not set') AS preferred_method,
       coalesce(billing_contact, 'not set') AS billing_contact,
       billing_delivery,
       invoices_issued, format_money(invoiced_cents, currency) AS invoiced,
       payments_received, format_money(received_cents, currency) AS received,
       open_invoices, format_money(open_cents, currency) AS open_balance,
       format_money(overdue_cents, currency) AS overdue,
       coalesce(CASE WHEN max_days_overdue > 0 THEN max_days_overdue END,
                'none overdue') AS max_days_overdue,
       disputed_open,
       format_money(unallocated_cents, currency) AS unapplied_cash,
       coalesce(avg_days_to_pay, 'no paid invoice') AS avg_days_to_pay,
       coalesce(avg_days_late, 'no paid invoice') AS avg_days_late,
       coalesce(paid_late, 0) AS paid_late,
       coalesce(last_payment_date, 'none') AS last_payment_date,
       open_opportunities,
       coalesce(last_contact, 'none recorded') AS last_contact,
       coalesce(next_follow_up, 'none planned') AS next_follow_up
FROM customer_card WHERE customer_id = (SELECT customer_id FROM featured);

.headers off
.mode list
.print
SELECT '== Open invoices of ' || f.code || ' as of ' || r.as_of
FROM featured f, report_date r;
.headers on
.mode box
SELECT number, issue_date, due_date, format_money(open_cents, currency)
           AS open,
       days_overdue AS "days late", aging_bucket AS bucket, state,
       CASE WHEN disputed THEN 'yes' ELSE '' END AS disputed
FROM invoice_balance
WHERE customer_id = (SELECT customer_id FROM featured) AND open_cents > 0
ORDER BY due_date;
.headers off
.mode list
SELECT '(none)'
WHERE NOT EXISTS (SELECT 1 FROM invoice_balance
                  WHERE customer_id = (SELECT customer_id FROM featured)
                    AND open_cents > 0);

.print
SELECT '== Account statement of ' || f.code || ', ' || date(r.as_of, '-89 days')
       || ' to ' || r.as_of
       || ' (first line: the balance brought forward from the entries before)'
FROM featured f, report_date r;
.headers on
.mode box
WITH lines AS (
    SELECT s.*
    FROM customer_statement s
    WHERE s.customer_id = (SELECT customer_id FROM featured)
), brought_forward AS (
    SELECT coalesce((SELECT l.balance_cents FROM lines l
                     WHERE l.entry_date <= date(r.as_of, '-90 days')
                     ORDER BY l.line_no DESC LIMIT 1), 0) AS cents,
           (SELECT currency FROM lines LIMIT 1) AS currency,
           date(r.as_of, '-89 days') AS day
    FROM report_date r
)
SELECT date, entry, document, detail, debit, credit, balance
FROM (
    SELECT 0 AS line_no, b.day AS date, 'opening' AS entry, '' AS document,
           'balance brought forward' AS detail, '' AS debit, '' AS credit,
           format_money(b.cents, b.currency) AS balance
    FROM brought_forward b
    WHERE b.currency IS NOT NULL
    UNION ALL
    SELECT l.line_no, l.entry_date, l.entry_type, l.document, l.detail,
           CASE WHEN l.debit_cents > 0
                THEN format_money(l.debit_cents, l.currency) ELSE '' END,
           CASE WHEN l.credit_cents > 0
                THEN format_money(l.credit_cents, l.currency) ELSE '' END,
           format_money(l.balance_cents, l.currency)
    FROM lines l, report_date r
    WHERE l.entry_date > date(r.as_of, '-90 days')
)
ORDER BY line_no;
.headers off
.mode list
SELECT '(no entries in these 90 days)'
WHERE NOT EXISTS (SELECT 1 FROM customer_statement, report_date r
                  WHERE customer_id = (SELECT customer_id FROM featured)
                    AND entry_date > date(r.as_of, '-90 days'));
