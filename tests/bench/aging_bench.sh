#!/bin/sh
# Benchmark of ar_aging: generates a ledger of one million invoices (and
# one of 100,000 for the memory check), then times ar_aging against the
# plain-SQL report and a bare scan of the tables it reads.
#
# Usage: sh tests/bench/aging_bench.sh BUILD
#   BUILD is the folder holding receivables.so (make builds it first).
#   Needs cc, the sqlite3 shell and libsqlite3-dev. Takes under a minute
#   and 600 MB of space under ${TMPDIR:-/tmp}, removed at the end.
#
# It prints two tables (times are CPU seconds, see aging_bench.c):
#   1. timings of ar_aging, of two plain-SQL reports and of a bare scan
#      of each table ar_aging reads, with every column it reads.
#      aging_plain.sql is the fastest plain SQL found: it trusts the
#      trigger-kept invoice columns, as ar_aging does.
#      aging_plain_allocations.sql reads allocations alone. The table is
#      followed by the exact statements timed and each bare scan's plan.
#   2. ar_aging's peak heap at 100,000 and 1,000,000 invoices of the same
#      15,000 customers.
# Targets: ar_aging at least 3x faster than the fastest plain SQL and at
# most 2x the bare scan of both tables. Its heap per result row (customer
# and currency) must stay flat when the invoices grow tenfold: memory
# follows the rows returned, not the invoices read.
# A missed target prints FAIL; the exit status is 0 unless the run itself
# fails, or 1 on a FAIL when AGING_BENCH_STRICT=1.
set -eu

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
extension=$(cd "$build" && pwd)/receivables
as_of=2013-06-30
customers=15000
cc=${CC:-cc}

if [ ! -f "$extension.so" ]; then
    echo "aging_bench: $extension.so not found; run make first" >&2
    exit 2
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/aging_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

flags="-O2 -std=c99 -D_POSIX_C_SOURCE=200809L -Wall -Wextra"
$cc $flags -o "$work/gen_invoices" "$here/gen_invoices.c" -lsqlite3
$cc $flags -o "$work/aging_bench" "$here/aging_bench.c" -lsqlite3

# Loads the schema, generates the rows, then adds triggers and views: the
# generator sets the trigger-kept columns itself, so a million inserts do
# not run through the triggers.
make_ledger() {
    db=$work/ledger_$1.db
    sqlite3 "$db" < "$root/sql/schema.sql"
    "$work/gen_invoices" "$db" "$1" "$customers"
    sqlite3 "$db" < "$root/sql/triggers.sql"
    sqlite3 "$db" < "$root/sql/views.sql"
}

# Prints the timing table; a missed target sets failed, an error stops.
time_ledger() {
    status=0
    "$work/aging_bench" "$extension" "$1" "$as_of" \
        "$here/aging_plain.sql" "$here/aging_plain_allocations.sql" ||
        status=$?
    if [ "$status" -ge 2 ]; then
        exit "$status"
    fi
    if [ "$status" -eq 1 ]; then
        failed=1
    fi
}

started=$(date +%s)
make_ledger 100000 > /dev/null
make_ledger 1000000
failed=0

echo
echo "1. ar_aging, plain SQL and bare scans"
time_ledger "$work/ledger_1000000.db"

echo
echo "2. ar_aging memory, one process per run"
printf '  %-10s %12s %10s %14s %14s %12s\n' invoices result_rows "heap KiB" \
    "heap B/invoice" "heap B/row" "max RSS KiB"
for n in 100000 1000000; do
    "$work/aging_bench" --memory "$extension" "$work/ledger_$n.db" "$as_of" \
        >> "$work/memory.txt"
done
# Fields of each line: invoices, heap bytes, max RSS KiB, result rows.
awk '
    { printf "  %-10d %12d %10.1f %14.2f %14.1f %12d\n", $1, $4, $2 / 1024,
             $2 / $1, $2 / $4, $3; per_row[NR] = $2 / $4 }
    END {
        ratio = per_row[2] / per_row[1]
        ok = ratio < 1.5
        printf "  heap per result row at 10x the invoices: %.2fx" \
               " (target < 1.5x) %s\n", ratio, ok ? "PASS" : "FAIL"
        exit !ok
    }' "$work/memory.txt" || failed=1

echo
echo "aging_bench: done in $(($(date +%s) - started)) s"
if [ "$failed" -ne 0 ] && [ "${AGING_BENCH_STRICT:-0}" = 1 ]; then
    exit 1
fi
exit 0
