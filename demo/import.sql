-- Imports demo/data/ibm-accounts-receivable.csv into the receivables schema.
--
-- Run from the project folder in the sqlite3 shell with the extension
-- loaded and settings.as_of set (demo/run.sh does both). The raw text goes
-- into a staging table first; parse_date and parse_amount then turn it into
-- ISO dates and integer cents, so a malformed value stops the import with
-- an error naming it instead of loading a wrong figure.
--
-- demo/load_ibm.sql then turns the staged rows into customers, invoices,
-- payments and allocations.

CREATE TEMP TABLE raw_invoices (
    country_code   TEXT,
    customer_code  TEXT,
    paperless_date TEXT,
    invoice_number TEXT,
    invoice_date   TEXT,
    due_date       TEXT,
    amount         TEXT,
    disputed       TEXT,
    settled_date   TEXT,
    paperless_bill TEXT,
    days_to_settle TEXT,
    days_late      TEXT
);
.import --csv --skip 1 demo/data/ibm-accounts-receivable.csv raw_invoices

.read demo/load_ibm.sql
