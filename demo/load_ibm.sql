-- Loads the staged IBM rows (temp table raw_invoices, all TEXT, laid out
-- as the CSV) into customers, invoices, payments and allocations in one
-- transaction. Needs the extension (parse_date, parse_amount,
-- ref_normalize) and settings.as_of. demo/import.sql stages the rows from
-- the shell; the Check suite stages them from C and runs this same file.
--
-- The bank side of the data: each invoice's SettledDate becomes one
-- payment received that day, with a remittance text written the ways
-- customers write them ('INV-00611365', 'Invoice No. 611365', ...). Only
-- payments received on or before settings.as_of exist on that date, so
-- only those are loaded; they are then matched to invoices by
-- ref_normalize(reference) = ref_normalize(number).

BEGIN;

-- The file names customers by code only, so the code is the name too; all
-- are on the net-30 terms the file states. Country and paperless date are
-- the same on every row of a customer, so max() just picks that value.
INSERT INTO customers (code, name, country, payment_terms_days,
                       billing_delivery, paperless_since)
SELECT customer_code, customer_code, max(country_code), 30,
       -- the customer's latest invoice tells how they are billed now
       (SELECT CASE r2.paperless_bill WHEN 'Electronic' THEN 'electronic'
                                      ELSE 'paper' END
        FROM raw_invoices r2
        WHERE r2.customer_code = r.customer_code
        ORDER BY parse_date(r2.invoice_date, 'mdy') DESC LIMIT 1),
       parse_date(max(paperless_date), 'mdy')
FROM raw_invoices r
GROUP BY customer_code
ORDER BY customer_code;

INSERT INTO invoices (number, customer_id, issue_date, due_date, total_cents,
                      currency, disputed, source, external_id)
SELECT r.invoice_number, c.customer_id, parse_date(r.invoice_date, 'mdy'),
       parse_date(r.due_date, 'mdy'), parse_amount(r.amount, '.'), 'USD',
       r.disputed = 'Yes', 'ibm-csv', r.invoice_number
FROM raw_invoices r
JOIN customers c ON c.code = r.customer_code
ORDER BY parse_date(r.invoice_date, 'mdy'), r.invoice_number;

-- One payment per settled invoice, up to the report date. The remittance
-- text varies with the invoice number so the matching below has real work.
INSERT INTO payments (customer_id, received_date, amount_cents, currency,
                      method, payer_name, reference, source, external_id)
SELECT i.customer_id, parse_date(r.settled_date, 'mdy'), i.total_cents,
       'USD',
       CASE WHEN r.paperless_bill = 'Electronic' THEN 'bank_transfer'
            ELSE 'check' END,
       r.customer_code,
       CASE CAST(r.invoice_number AS INTEGER) % 4
           WHEN 0 THEN 'INV-' || printf('%08d', r.invoice_number)
           WHEN 1 THEN 'Invoice No. ' || r.invoice_number
           WHEN 2 THEN 'REF ' || r.invoice_number
           ELSE 'Fra. nº ' || r.invoice_number
       END,
       'ibm-csv-settlement', r.invoice_number
FROM raw_invoices r
JOIN invoices i ON i.number = r.invoice_number
CROSS JOIN report_date d
WHERE parse_date(r.settled_date, 'mdy') <= d.as_of
ORDER BY parse_date(r.settled_date, 'mdy'), r.invoice_number;

-- Match each payment to the invoice whose normalized number equals the
-- normalized remittance text, for the full payment amount.
CREATE TEMP TABLE invoice_keys AS
SELECT invoice_id, ref_normalize(number) AS ref_key FROM invoices;
CREATE INDEX temp.invoice_keys_ref_key_idx ON invoice_keys (ref_key);

INSERT INTO allocations (invoice_id, kind, payment_id, amount_cents, method,
                         created_by, score)
SELECT k.invoice_id, 'payment', p.payment_id, p.amount_cents, 'rule',
       'demo ref_normalize match', 1.0
FROM payments p
JOIN invoice_keys k ON k.ref_key = ref_normalize(p.reference)
WHERE p.status = 'unreconciled'
ORDER BY p.payment_id;

COMMIT;
