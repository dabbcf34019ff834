-- Aging by customer and currency in plain SQL: the same rows, columns and
-- order as SELECT * FROM ar_aging(:as_of), for the benchmark and for the
-- Check test that compares the two.
--
-- Needs sql/schema.sql and no extension function. Bind :as_of to an ISO
-- date; in the sqlite3 shell:
--   .parameter set :as_of "'2013-06-30'"
--   .read tests/bench/aging_plain.sql
--
-- Like ar_aging it reads only invoices and allocations (the source of
-- truth), not the invoice columns the triggers keep (allocated_cents,
-- status 'paid', paid_date). Three forms were measured on the benchmark
-- data: a GROUP BY of allocations joined back, a correlated sum per
-- invoice, and this LEFT JOIN grouped per invoice. This one was the
-- fastest, because SQLite scans invoices in rowid order and looks up each
-- invoice's allocations in allocations_invoice_id_idx, with no temporary
-- index.
-- The unary + on issue_date keeps the planner on that scan instead of
-- invoices_issue_date_idx, which would add a lookup per invoice.
-- julianday() of two ISO dates differs by a whole number of days.
WITH open_items AS (
    SELECT i.customer_id, i.currency, i.due_date,
           i.total_cents - coalesce(sum(a.amount_cents), 0) AS open_cents
    FROM invoices i
    LEFT JOIN allocations a
           ON a.invoice_id = i.invoice_id AND a.effective_date <= :as_of
    WHERE +i.issue_date <= :as_of AND i.status <> 'void'
    GROUP BY i.invoice_id
    HAVING open_cents > 0
), aged AS (
    SELECT customer_id, currency, open_cents,
           CAST(julianday(:as_of) - julianday(due_date) AS INTEGER) AS days
    FROM open_items
)
SELECT customer_id, currency,
       sum(CASE WHEN days <= 0 THEN open_cents ELSE 0 END) AS current_cents,
       sum(CASE WHEN days BETWEEN 1 AND 30 THEN open_cents ELSE 0 END)
           AS days_1_30_cents,
       sum(CASE WHEN days BETWEEN 31 AND 60 THEN open_cents ELSE 0 END)
           AS days_31_60_cents,
       sum(CASE WHEN days BETWEEN 61 AND 90 THEN open_cents ELSE 0 END)
           AS days_61_90_cents,
       sum(CASE WHEN days > 90 THEN open_cents ELSE 0 END)
           AS days_over_90_cents,
       sum(open_cents) AS total_cents,
       count(*) AS open_invoices,
       max(days) AS max_days_overdue
FROM aged
GROUP BY customer_id, currency
ORDER BY customer_id, currency;
