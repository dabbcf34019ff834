#!/bin/sh
# Runs each fuzz target for a fixed time, one after the other, starting
# from its seed corpus in tests/fuzz/corpus/<target>/.
#
# Usage: sh tests/fuzz/run.sh FUZZ_DIR SECONDS TARGET...
#
# New inputs go to FUZZ_DIR/work/<target>/ and crashes to
# FUZZ_DIR/artifacts/, never into the repository. The table printed at the
# end (also in FUZZ_DIR/results.txt) gives the executions each target ran
# clean; RELIABILITY.md records it for the last long run. Exits 1 when any
# target found a crash, a leak or a timeout.
set -u
fuzz_dir=$1
seconds=$2
shift 2

mkdir -p "$fuzz_dir/work" "$fuzz_dir/artifacts" "$fuzz_dir/logs"
results="$fuzz_dir/results.txt"
printf '%-16s %12s %8s %8s %6s %s\n' target executions seconds corpus notes \
    result > "$results"
failed=0
for target in "$@"; do
    mkdir -p "$fuzz_dir/work/$target"
    dict=""
    if [ -f "tests/fuzz/dict/$target.dict" ]; then
        dict="-dict=tests/fuzz/dict/$target.dict"
    fi
    # The readers also start from the sample files the Check suites read.
    samples=""
    if [ -d "tests/data/statements/${target#reader_}" ]; then
        samples="tests/data/statements/${target#reader_}"
    fi
    log="$fuzz_dir/logs/$target.log"
    # -timeout: one input running 10 s is a hang to report, not to wait for.
    # -rss_limit_mb: a target needing 2 GB is a memory bug.
    "$fuzz_dir/bin/$target" -max_total_time="$seconds" -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 $dict \
        -artifact_prefix="$fuzz_dir/artifacts/$target-" \
        "$fuzz_dir/work/$target" "tests/fuzz/corpus/$target" $samples \
        > "$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    time=$(sed -n 's/^Done [0-9]* runs in \([0-9]*\) second.*/\1/p' "$log" |
           tail -1)
    corpus=$(ls "$fuzz_dir/work/$target" | wc -l)
    # Soft findings (fuzz_note in fuzz_common.c): counted, not fatal.
    notes=$(sed -n 's/^fuzz notes: *//p' "$log" | tail -1)
    if [ "$status" -eq 0 ]; then
        result=clean
    else
        result="FAILED (see $log)"
        failed=1
    fi
    printf '%-16s %12s %8s %8s %6s %s\n' "$target" "${runs:-?}" \
        "${time:-?}" "$corpus" "${notes:-0}" "$result" >> "$results"
done
cat "$results"
exit $failed
