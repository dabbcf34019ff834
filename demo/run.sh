#!/bin/sh
# Builds build/demo.db from sql/, imports the bundled IBM receivables data
# and prints the analyst's reports as of a date.
#   sh demo/run.sh BUILD_DIR AS_OF      (make demo passes both)
set -eu
build=${1:-build}
as_of=${2:-2013-06-30}
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
db="$build/demo.db"

case "$as_of" in
    [0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]) ;;
    *) echo "demo: AS_OF must be a date YYYY-MM-DD, got '$as_of'" >&2; exit 1 ;;
esac

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
