#!/bin/sh
# The analyst's demo in two parts. Part 1 builds build/demo.db from sql/,
# imports the bundled IBM receivables data and prints the reports as of a
# date. Part 2 takes a real bank statement file through import and
# reconciliation.
#   sh demo/run.sh BUILD_DIR AS_OF      (make demo passes both)
set -eu
build=${1:-build}
as_of=${2:-2013-06-30}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
db="$build/demo.db"

# AS_OF must be YYYY-MM-DD and a day that exists: date() with a modifier
# moves 2013-02-30 to 2013-03-02, so a date that does not come back
# unchanged does not exist.
case "$as_of" in
[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
*)
    echo "demo: AS_OF '$as_of' is not in YYYY-MM-DD form; use e.g. AS_OF=2013-06-30" >&2
    exit 1
    ;;
esac
checked=$(sqlite3 :memory: "SELECT date('$as_of', '+0 days')")
if [ "$checked" != "$as_of" ]; then
    echo "demo: AS_OF '$as_of' is not a date that exists (that month has no such day); use e.g. AS_OF=2013-06-30" >&2
    exit 1
fi

rm -f "$db" "$db-wal" "$db-shm"
cd "$top"
sqlite3 -bail "$db" <<SQL
.load $build/receivables
.read sql/schema.sql
.read sql/triggers.sql
.read sql/views.sql
UPDATE settings SET as_of = '$as_of';
.read demo/import.sql
SQL
sqlite3 -bail "$db" <<SQL
.load $build/receivables
.read demo/report.sql
SQL

# A real bank statement file, on a database of its own because the file (a
# 2007 camt.054 notification in CHF) is unrelated to the IBM data: import,
# re-import, balance check, reconciliation, outbox and journal.
echo
rm -f "$build/statement-demo.db"
sqlite3 -bail "$build/statement-demo.db" ".load $build/receivables" \
    ".read demo/statement.sql"
