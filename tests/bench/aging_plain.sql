-- Aging by customer and currency in plain SQL, the fastest form measured:
-- the same rows, columns and order as SELECT * FROM ar_aging(:as_of), by
-- the same method. Like ar_aging it trusts the invoice columns that
-- sql/triggers.sql keeps: an invoice with status 'paid' and paid_date on
-- or before :as_of is closed, one with allocated_cents 0 has nothing
-- allocated, and only the others have their allocations summed. Rows
-- written with the triggers bypassed make it wrong, as they make ar_aging
-- wrong; aging_plain_allocations.sql reads allocations alone.
--
-- Needs sql/schema.sql and no extension function. Bind :as_of to an ISO
-- date; in the sqlite3 shell:
--   .parameter set :as_of "'2013-06-30'"
--   .read tests/bench/aging_plain.sql
--
-- Why this shape (timed on the ledger of tests/bench/aging_bench.sh):
--   - LIMIT -1 keeps open_items a co-routine: SQLite neither flattens it
--     into the outer query nor pushes open_cents > 0 down into it, either
--     of which would run the correlated sum more than once per invoice.
--     A MATERIALIZED CTE gives the same single run but writes every row
--     to a temporary table first, about 5% slower.
--   - days is computed in open_items: named in an outer query, the
--     julianday() expression is copied into each of the six aggregates.
--   - FILTER calls each bucket's sum() only for the invoices in that
--     bucket instead of calling all five on a CASE.
--   - The closed test comes first and the issue date last, so most
--     invoices leave after two comparisons. The unary + on issue_date
--     keeps the planner on the rowid scan instead of
--     invoices_issue_date_idx, which would add a lookup per invoice.
--   - IS NOT TRUE keeps a 'paid' invoice without paid_date as maybe open,
--     as ar_aging does.
WITH open_items AS (
    SELECT i.customer_id, i.currency,
           CAST(julianday(:as_of) - julianday(i.due_date) AS INTEGER) AS days,
           i.total_cents - CASE WHEN i.allocated_cents = 0 THEN 0
               ELSE coalesce((SELECT sum(a.amount_cents) FROM allocations a
                              WHERE a.invoice_id = i.invoice_id
                                AND a.effective_date <= :as_of), 0)
           END AS open_cents
    FROM invoices i
    WHERE (i.status = 'paid' AND i.paid_date <= :as_of) IS NOT TRUE
      AND i.status <> 'void' AND +i.issue_date <= :as_of
    LIMIT -1
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
WHERE open_cents > 0
GROUP BY customer_id, currency
ORDER BY customer_id, currency;
