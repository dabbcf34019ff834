#!/bin/sh
# Times the string matching functions on one million (memo, invoice number)
# pairs and compares each with the trivial query
#   SELECT sum(length(a) + length(b)) FROM pairs
# on the same rows, in the same sqlite3 process.
#
# Usage: sh tests/bench/fuzzy_bench.sh [BUILD]    (after make; BUILD=build)
#
# The pairs come from a fixed-seed generator (the MINSTD linear
# congruential generator written in SQL), so every run times the same
# rows: memos such as 'INV-2013-004512 ACME', 'Invoice no. 4512',
# 'Pago fra. nº 004512', a swap of two digits, a neighbouring number, an
# unrelated number, two invoices in one memo, against numbers such as
# '4512' or 'F-2013-4512'. Each query runs 3 times and the fastest run
# counts. Times are CPU seconds (user + sys from the shell's .timer), so
# other processes on the machine move them less than wall-clock time.
#
# Prints one line per function: CPU seconds, ratio to the trivial query,
# the target ratio and PASS or FAIL. Exits 1 when any function misses its
# target, 2 when the run itself fails.
set -eu

BUILD=${1:-build}
SQLITE3=${SQLITE3:-sqlite3}
EXTENSION="$BUILD/receivables"
ROWS=1000000
RUNS=3

if [ ! -f "$EXTENSION.so" ]; then
    echo "fuzzy_bench: $EXTENSION.so not found; run make first" >&2
    exit 2
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/fuzzy_bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT INT TERM

# Each line: label, target ratio ('-' for none), SQL expression summed.
cat > "$WORK/queries" <<'QUERIES'
trivial|-|length(a) + length(b)
jaro_winkler|1.7|jaro_winkler(a, b)
levenshtein|2|levenshtein(a, b)
damerau_levenshtein|4|damerau_levenshtein(a, b)
ref_similarity|3|ref_similarity(a, b)
ref_normalize|-|length(ref_normalize(a))
QUERIES

# The generator: x walks the MINSTD sequence from a fixed seed; number is
# the invoice number, kind picks how the memo is written.
{
    echo ".load $EXTENSION"
    cat <<SQL
PRAGMA cache_size = -400000;
CREATE TABLE pairs (a TEXT NOT NULL, b TEXT NOT NULL);
WITH RECURSIVE seq(i, x) AS (
    SELECT 1, 20130630
    UNION ALL
    SELECT i + 1, (x * 48271) % 2147483647 FROM seq WHERE i < $ROWS
), draw AS (
    SELECT x,
           x % 100000 + 1 AS number,
           (x / 100000) % 10 AS kind,
           2010 + (x / 1000000) % 6 AS year,
           CASE (x / 7) % 5 WHEN 0 THEN 'ACME' WHEN 1 THEN 'Globex SA'
                WHEN 2 THEN 'Müller GmbH' WHEN 3 THEN 'Initech'
                ELSE 'Pérez y Cía' END AS customer
    FROM seq
)
INSERT INTO pairs (a, b)
SELECT CASE kind
           WHEN 0 THEN printf('INV-%d-%06d %s', year, number, customer)
           WHEN 1 THEN printf('Invoice no. %d', number)
           WHEN 2 THEN printf('%d', number)
           WHEN 3 THEN printf('Pago fra. nº %06d', number)
           WHEN 4 THEN 'INV ' || substr(number, 1, length(number) - 2) ||
                       substr(number, -1) || substr(number, -2, 1)
           WHEN 5 THEN printf('REF %d', number + 1 + x % 7)
           WHEN 6 THEN printf('Payment %d %s', (x / 3) % 100000, customer)
           WHEN 7 THEN printf('INV%07d', number)
           WHEN 8 THEN printf('Ref: F-%d-%04d', year, number % 10000)
           ELSE printf('Transfer %s invoices %d and %d', customer, number,
                       number + 1)
       END,
       CASE kind
           WHEN 8 THEN printf('F-%d-%04d', year, number % 10000)
           ELSE printf('%d', number)
       END
FROM draw;
SELECT count(*) FROM pairs;
.timer on
SQL
    while IFS='|' read -r label target expression; do
        run=1
        while [ "$run" -le "$RUNS" ]; do
            echo ".print @@ $label"
            echo "SELECT sum($expression) FROM pairs;"
            run=$((run + 1))
        done
    done < "$WORK/queries"
} > "$WORK/bench.sql"

if ! "$SQLITE3" "$WORK/pairs.db" < "$WORK/bench.sql" > "$WORK/out" 2>&1; then
    cat "$WORK/out" >&2
    echo "fuzzy_bench: the sqlite3 run failed" >&2
    exit 2
fi

# Pairs each '@@ label' line with the next 'Run Time: real R user U sys S'
# line, keeps the fastest U + S per label, then prints the table.
VERSION=$("$SQLITE3" -version | cut -d' ' -f1)
awk -F'|' -v queries="$WORK/queries" -v rows="$ROWS" -v runs="$RUNS" \
    -v version="$VERSION" '
    /^@@ / { label = $0; sub(/^@@ /, "", label); next }
    /^Run Time: real/ {
        split($0, words, " ")
        seconds = words[6] + words[8]
        if (!(label in best) || seconds < best[label]) best[label] = seconds
    }
    END {
        failed = 0
        while ((getline line < queries) > 0) {
            split(line, field, "|")
            order[++count] = field[1]
            target[field[1]] = field[2]
        }
        base = best["trivial"]
        printf "fuzzy_bench: %d pairs, SQLite %s, fastest of %d runs, CPU seconds\n",
               rows, version, runs
        printf "%-20s %8s %7s %7s  %s\n", "function", "seconds", "ratio",
               "target", "result"
        for (i = 1; i <= count; i++) {
            name = order[i]
            ratio = best[name] / base
            verdict = "-"
            if (target[name] != "-")
                verdict = ratio <= target[name] + 0 ? "PASS" : "FAIL"
            if (verdict == "FAIL") failed = 1
            printf "%-20s %8.3f %7.2f %7s  %s\n", name, best[name], ratio,
                   target[name], verdict
        }
        exit failed
    }' "$WORK/out"
