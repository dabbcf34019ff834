#!/bin/sh
# Runs tests/stress/clock_replay.sql in the sqlite3 shell under faketime at
# three dates and compares the three database files byte for byte.
# Usage: sh tests/stress/clock_replay.sh BUILD_DIR [SQLITE3]
# Run from the repository root. Exits 1 when the files differ, or when
# faketime does not move the shell's clock (then the comparison would
# prove nothing).
set -eu

build=$1
sqlite3=${2:-sqlite3}
work=$build/clock-replay
statement=tests/data/statements/camt/camt053.v2.multi.statement.xml
dates="2001-02-03 04:05:06|2026-12-04 12:00:00|2038-01-19 03:14:08"

if ! command -v faketime >/dev/null 2>&1; then
    echo "clock-replay: faketime not found; install the Debian package faketime" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work"

# The shell commands of one replay: the ledger schema, the day's work,
# the import and the stored reports, then the clock the shell saw.
replay_script() {
    for f in schema triggers views sync reconcile; do
        echo ".read sql/$f.sql"
    done
    echo ".read tests/stress/clock_replay.sql"
    echo ".parameter set :path '$statement'"
    echo ".parameter set :format NULL"
    echo ".parameter set :options NULL"
    echo ".parameter set :on_mismatch 'report'"
    echo ".read sql/import_statement.sql"
    echo ".read tests/stress/clock_replay_report.sql"
    echo ".output $1"
    echo "SELECT datetime('now');"
}

n=0
IFS='|'
for date in $dates; do
    n=$((n + 1))
    replay_script "$work/clock-$n.txt" |
        faketime -f "$date" "$sqlite3" -bail \
            -cmd ".load $build/receivables" "$work/replay-$n.db" >/dev/null
    seen=$(cat "$work/clock-$n.txt")
    if [ "$seen" != "$date" ]; then
        echo "clock-replay: faketime '$date' gave the shell '$seen'" >&2
        exit 1
    fi
done
unset IFS

failed=0
for n in 2 3; do
    if cmp "$work/replay-1.db" "$work/replay-$n.db"; then
        echo "clock-replay: replay-1.db and replay-$n.db are identical"
    else
        failed=1
    fi
done
echo "clock-replay: 3 clocks ($dates), $(wc -c < "$work/replay-1.db") bytes each"
if [ $failed -ne 0 ]; then
    echo "clock-replay: 1 passed, 1 failed"
    exit 1
fi
echo "clock-replay: 1 passed, 0 failed"
