#!/bin/sh
# Loads build/receivables.so from each client a finance team uses and runs
# one report query through it: Debian's Python, unixODBC with the SQLite
# ODBC driver (LoadExt=, and once without the extension, as a BI tool that
# cannot load it), and Node's better-sqlite3, which bundles its own SQLite.
#   sh tests/clients.sh BUILD_DIR      (after make demo, which makes demo.db)
# A client that is not installed is reported as skipped, not failed.
set -u
build=$(cd "${1:-build}" && pwd)
db="$build/demo.db"
ext="$build/receivables"
passed=0
failed=0
skipped=0

check() { # name, expected substring, output
    case "$3" in
        *"$2"*) echo "ok   $1"; passed=$((passed + 1)) ;;
        *) echo "FAIL $1: expected '$2' in: $3"; failed=$((failed + 1)) ;;
    esac
}

[ -f "$db" ] || { echo "clients: $db is missing; run make demo first" >&2; exit 1; }
expected=$(sqlite3 "$db" "SELECT receivable_cents FROM executive_dashboard")

if [ -x /usr/bin/python3 ]; then
    out=$(/usr/bin/python3 - "$db" "$ext" 2>&1 <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.enable_load_extension(True)
db.load_extension(sys.argv[2])
print(db.execute("SELECT sum(total_cents) FROM ar_aging("
                 "(SELECT as_of FROM report_date))").fetchone()[0])
PY
)
    check "python3 load_extension" "$expected" "$out"
else
    echo "skip python3: /usr/bin/python3 not installed"; skipped=$((skipped + 1))
fi

if command -v isql >/dev/null && [ -f /etc/odbcinst.ini ] &&
   grep -q '^\[SQLite3\]' /etc/odbcinst.ini; then
    ini=$(mktemp)
    printf '[with_ext]\nDriver=SQLite3\nDatabase=%s\nLoadExt=%s.so\n' \
        "$db" "$ext" > "$ini"
    printf '[plain]\nDriver=SQLite3\nDatabase=%s\n' "$db" >> "$ini"
    out=$(echo "SELECT sum(total_cents) FROM ar_aging('$(sqlite3 "$db" \
        "SELECT as_of FROM report_date")');" |
        ODBCINI="$ini" isql -b with_ext 2>&1)
    check "odbc LoadExt" "$expected" "$out"
    out=$(echo "SELECT receivable_cents FROM executive_dashboard;" |
        ODBCINI="$ini" isql -b plain 2>&1)
    check "odbc without the extension" "$expected" "$out"
    rm -f "$ini"
else
    echo "skip odbc: install unixodbc and libsqliteodbc"; skipped=$((skipped + 1))
fi

if command -v node >/dev/null &&
   node -e "require('better-sqlite3')" 2>/dev/null; then
    out=$(node -e "
const Database = require('better-sqlite3');
const db = new Database(process.argv[1]);
db.loadExtension(process.argv[2] + '.so');
const row = db.prepare(\"SELECT sum(total_cents) AS t FROM ar_aging(\" +
    \"(SELECT as_of FROM report_date))\").get();
console.log(row.t, db.prepare('SELECT sqlite_version() AS v').get().v);
" "$db" "$ext" 2>&1)
    check "node better-sqlite3" "$expected" "$out"
else
    echo "skip node: run 'npm install better-sqlite3@12' where node finds it"
    skipped=$((skipped + 1))
fi

echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
