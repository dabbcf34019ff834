-- Aging by customer and currency in plain SQL from invoices and
-- allocations alone: the same rows, columns and order as
-- SELECT * FROM ar_aging(:as_of), without trusting the invoice columns the
-- triggers keep (allocated_cents, status 'paid', paid_date). The Check
-- tests compare ar_aging with it, and the benchmark prints its time beside
-- the faster aging_plain.sql, which does trust them.
--
-- Needs sql/schema.sql and no extension function. Bind :as_of to an ISO
-- date; in the sqlite3 shell:
--   .parameter set :as_of "'2013-06-30'"
--   .read tests/bench/aging_plain_allocations.sql
--
-- SQLite scans invoices in rowid order and looks up each invoice's
-- allocations in allocations_invoice_id_idx (a covering index), so
-- GROUP BY i.invoice_id needs no sort. The grouped subquery runs as a
-- co-routine that feeds the outer GROUP BY. A GROUP BY of allocations joined
-- back, and a correlated sum per invoice, were slower on the benchmark
-- ledger (tests/bench/aging_bench.sh).
-- The unary + on issue_date keeps the planner on that scan instead of
-- invoices_issue_date_idx, which would add a lookup per invoice.
-- julianday() of two ISO dates differs by a whole number of days; days is
-- computed once per invoice here, because an outer query that named the
-- expression would repeat it in each aggregate. FILTER calls each bucket's
-- sum() only for the invoices in that bucket, which costs less than a
-- CASE in all five.
WITH open_items AS (
    SELECT i.customer_id, i.currency,
           CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days,
           i.total_cents - coalesce(sum(a.amount_cents), 0) AS open_cents
    FROM invoices i
    LEFT JOIN allocations a
           ON a.invoice_id = i.invoice_id AND a.effective_date <= :as_of
    WHERE +i.issue_date <= :as_of AND i.status <> 'void'
    GROUP BY i.invoice_id
    HAVING open_cents > 0
)
SELECT customer_id, currency,
       coalesce(sum(open_cents) FILTER (WHERE days <= 0), 0) AS current_cents,
       coalesce(sum(open_cents) FILTER (WHERE days BETWEEN 1 AND 30), 0)
           AS days_1_30_cents,
       coalesce(sum(open_cents) FILTER (WHERE days BETWEEN 31 AND 60), 0)
           AS days_31_60_cents,
       coalesce(sum(open_cents) FILTER (WHERE days BETWEEN 61 AND 90), 0)
           AS days_61_90_cents,
       coalesce(sum(open_cents) FILTER (WHERE days > 90), 0)
           AS days_over_90_cents,
       sum(open_cents) AS total_cents,
       count(*) AS open_invoices,
       max(days) AS max_days_overdue
FROM open_items
GROUP BY customer_id, currency
ORDER BY customer_id, currency;
