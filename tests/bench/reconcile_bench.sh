#!/bin/sh
# Runs the reconcile_candidates benchmark (tests/bench/reconcile_bench.py):
# precision and recall on labelled synthetic and real data, time and memory
# at 10k, 30k and 100k payments, the apply statement run twice, and the
# plain-SQL cross join beside the virtual table.
#
# Usage: sh tests/bench/reconcile_bench.sh [BUILD] [--quick]  (after make)
#
# Needs a python3 whose sqlite3 module can load extensions; Debian's
# /usr/bin/python3 can. Set PYTHON to use another one.
set -eu

PYTHON=${PYTHON:-/usr/bin/python3}
export PYTHON
exec "$PYTHON" "$(dirname "$0")/reconcile_bench.py" "$@"
