-- The reports of the replayed day, stored as tables so that a byte
-- comparison of the database files also compares what every report
-- returned. Run after tests/stress/clock_replay.sql and the import.
-- Each of these reads settings.as_of, or takes the date as an argument;
-- none may fall back to the wall clock while as_of is set.

CREATE TABLE replay_aging AS
SELECT * FROM ar_aging('2013-06-30');

CREATE TABLE replay_aging_view AS
SELECT * FROM aging_by_customer;

CREATE TABLE replay_invoice_balance AS
SELECT * FROM invoice_balance;

CREATE TABLE replay_candidates AS
SELECT * FROM reconcile_candidates;

CREATE TABLE replay_discrepancies AS
SELECT * FROM discrepancies;

CREATE TABLE replay_alerts AS
SELECT * FROM invoice_alerts;

CREATE TABLE replay_journal AS
SELECT * FROM journal_entries;
