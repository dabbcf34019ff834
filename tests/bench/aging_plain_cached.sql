-- Aging by customer and currency in plain SQL that trusts the invoice
-- columns the triggers keep: an invoice with status 'paid' and paid_date
-- on or before :as_of is settled on :as_of, so only the others need their
-- allocations summed. Same rows as aging_plain.sql while those columns
-- agree with allocations (sql/triggers.sql keeps them so; rows loaded
-- without the triggers may not). The benchmark times it to show what that
-- shortcut buys; ar_aging does not take it.
--
-- Needs sql/schema.sql and no extension function. Bind :as_of as for
-- aging_plain.sql. MATERIALIZED keeps SQLite from copying the correlated
-- sum into both the HAVING test and the output, which would run it twice.
WITH open_items AS MATERIALIZED (
    SELECT i.customer_id, i.currency, i.due_date,
           i.total_cents - coalesce(
               (SELECT sum(a.amount_cents) FROM allocations a
                WHERE a.invoice_id = i.invoice_id
                  AND a.effective_date <= :as_of), 0) AS open_cents
    FROM invoices i
    WHERE +i.issue_date <= :as_of AND i.status <> 'void'
      AND (i.status <> 'paid' OR i.paid_date > :as_of)
), aged AS (
    SELECT customer_id, currency, open_cents,
           CAST(julianday(:as_of) - julianday(due_date) AS INTEGER) AS days
    FROM open_items
    WHERE open_cents > 0
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
