#!/bin/sh
# Runs every benchmark of tests/bench (each *_bench.sh) against one build,
# one after another, printing each one's tables under its name.
#
# Usage: sh tests/bench/run.sh [BUILD]    (make bench calls it; BUILD=build)
#
# A benchmark that fails does not stop the others. The exit status is 0
# when every script exits 0, otherwise the highest status any returned.
set -u

build=${1:-build}
here=$(cd "$(dirname "$0")" && pwd)
worst=0

for script in "$here"/*_bench.sh; do
    [ -f "$script" ] || continue
    name=$(basename "$script" .sh)
    echo "== $name"
    status=0
    sh "$script" "$build" || status=$?
    if [ "$status" -ne 0 ]; then
        echo "== $name exited with status $status"
    fi
    if [ "$status" -gt "$worst" ]; then
        worst=$status
    fi
    echo
done
exit "$worst"
