#!/usr/bin/env python3
"""Benchmark of reconcile_candidates: quality, speed, memory, idempotence.

Usage: python3 tests/bench/reconcile_bench.py [BUILD] [--quick]

BUILD is the make build folder (default build) holding receivables.so.
--quick runs the 10k size only and the cross join at 1k only.

It builds the labelled data sets with reconcile_gen.py (fixed seed 7) in
a temporary folder and prints:
  1. quality: precision and recall of auto rows, and rank-1 accuracy,
     on the synthetic sets and on the IBM sample made messy;
  2. speed: wall and CPU seconds and peak memory of one sqlite3 process
     reading every candidate (SELECT count(*), sum(auto)) and of one that
     also renders every evidence text, at 10k, 30k and 100k payments
     against as many open invoices of a tenth as many customers;
  3. idempotence: rows the apply statement inserts on a first and a
     second run (the second must be 0);
  4. the plain-SQL alternative: for each payment, the open invoice with
     the best ref_similarity(memo, number) found by a cross join, at the
     sizes where it finishes within CROSS_JOIN_TIMEOUT seconds, beside
     the virtual table's time on the same data, as a ratio, and the
     rank-1 accuracy of that single fuzzy function.
Each target prints PASS or FAIL; the exit status is 1 when any fails,
2 when the run itself fails.

Times are one run each on whatever else the machine is doing; CPU
seconds (user + sys of the sqlite3 process) move less with other load
than wall seconds.
"""
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
PYTHON = os.environ.get("PYTHON", sys.executable)
SQLITE3 = os.environ.get("SQLITE3", "sqlite3")
SIZES = (10000, 30000, 100000)
CROSS_JOIN_SIZES = (1000, 3000, 10000)
CROSS_JOIN_TIMEOUT = 900

TARGETS = {
    "auto_precision": 0.995,
    "auto_recall": 0.90,
    "rank1": 0.97,
}
MAX_SECONDS_100K = 20.0
MAX_MEGABYTES = 500.0

# Rank-1 row of every payment (the full scan, with the re-reading pass).
RANK1_SQL = ("SELECT payment_id, invoice_ids, auto FROM reconcile_candidates"
             " WHERE rank = 1")

# The naive alternative: score every (payment, open invoice) pair and keep
# the best; with one max() SQLite takes the bare invoice_id from its row.
CROSS_JOIN_SQL = """
SELECT payment_id, invoice_id FROM (
    SELECT p.payment_id, i.invoice_id,
           max(ref_similarity(coalesce(p.reference, '') || ' '
                              || coalesce(p.structured_ref, ''), i.number))
    FROM payments p
    JOIN invoices i ON i.currency = p.currency AND i.status = 'issued'
    WHERE p.allocated_cents < p.amount_cents
    GROUP BY p.payment_id);
"""

APPLY_SQL = ("INSERT INTO allocations (invoice_id, kind, payment_id,"
             " amount_cents, method, score, created_by, reason)"
             " SELECT invoice_id, kind, payment_id, amount_cents, method,"
             " score, 'bench', reason FROM reconcile_auto_allocations;"
             " SELECT changes();")

failures = []


def check(name, ok, detail):
    print("  %-44s %-28s %s" % (name, detail, "PASS" if ok else "FAIL"))
    if not ok:
        failures.append(name)


def generate(kind, path, size=None):
    args = [PYTHON, os.path.join(HERE, "reconcile_gen.py"), kind, path]
    if size:
        args += ["--size", str(size)]
    subprocess.run(args, check=True, stderr=subprocess.DEVNULL)


def connect(extension, path):
    db = sqlite3.connect(path)
    db.enable_load_extension(True)
    db.load_extension(extension)
    return db


def quality(extension, path):
    """Returns precision, recall and rank-1 accuracy on the data set."""
    db = connect(extension, path)
    truth = dict(db.execute("SELECT payment_id, invoice_ids FROM bench_truth"))
    answerable = sum(1 for ids in truth.values() if ids is not None)
    auto = auto_ok = rank1_ok = 0
    for payment_id, ids, is_auto in db.execute(RANK1_SQL):
        expected = truth[payment_id]
        ok = expected is not None and sorted(json.loads(ids)) == json.loads(expected)
        rank1_ok += ok
        auto += is_auto
        auto_ok += ok and is_auto
    db.close()
    return {"payments": len(truth), "answerable": answerable, "auto": auto,
            "auto_precision": auto_ok / auto if auto else 1.0,
            "auto_recall": auto_ok / answerable,
            "rank1": rank1_ok / answerable}


def run_sqlite(extension, path, sql, timeout=None):
    """Runs sql in a fresh sqlite3 process; returns output, wall, CPU, MB."""
    script = ".load %s\n%s\n" % (extension, sql)
    start = time.perf_counter()
    before = os.times()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M", SQLITE3, path],
                          input=script, capture_output=True, text=True,
                          timeout=timeout, check=True)
    wall = time.perf_counter() - start
    after = os.times()
    cpu = (after.children_user - before.children_user +
           after.children_system - before.children_system)
    megabytes = int(proc.stderr.strip().splitlines()[-1]) / 1024.0
    return proc.stdout.strip(), wall, cpu, megabytes


def report_quality(extension, work):
    print("Quality (auto: precision >= 0.995, recall >= 0.90; rank-1 >= 0.97)")
    for size in SIZES:
        path = os.path.join(work, "synthetic_%d.db" % size)
        q = quality(extension, path)
        print("  synthetic %6d: payments %d, with an answer %d, auto %d" % (
            size, q["payments"], q["answerable"], q["auto"]))
        for key, target in TARGETS.items():
            check("synthetic %d %s" % (size, key), q[key] >= target,
                  "%.4f (target %.3f)" % (q[key], target))
    path = os.path.join(work, "real.db")
    q = quality(extension, path)
    print("  IBM sample made messy: payments %d, with an answer %d, auto %d"
          % (q["payments"], q["answerable"], q["auto"]))
    for key, target in TARGETS.items():
        check("real %s" % key, q[key] >= target,
              "%.4f (target %.3f)" % (q[key], target))


def report_speed(extension, work):
    print("Speed (one sqlite3 process per line; peak resident memory)")
    times = {}
    for size in SIZES:
        path = os.path.join(work, "synthetic_%d.db" % size)
        for label, sql in (("candidates", "SELECT count(*), sum(auto) FROM"
                            " reconcile_candidates;"),
                           ("with evidence", "SELECT count(*),"
                            " sum(length(evidence)) FROM reconcile_candidates;")):
            out, wall, cpu, mb = run_sqlite(extension, path, sql)
            rows = out.split("|")[0]
            print("  %6d payments, %-13s %7s rows  wall %6.2f s  CPU %6.2f s"
                  "  %6.1f MB  %5.1f us CPU per payment" % (
                      size, label, rows, wall, cpu, mb, cpu * 1e6 / size))
            times[(size, label)] = (wall, cpu, mb)
    wall, cpu, mb = times[(SIZES[-1], "with evidence")]
    check("100k payments under 20 s", wall < MAX_SECONDS_100K,
          "%.2f s wall, %.2f s CPU" % (wall, cpu))
    check("100k payments under 500 MB", mb < MAX_MEGABYTES, "%.1f MB" % mb)
    return times


def report_idempotence(extension, work):
    print("Apply statement, run twice")
    for size in SIZES[:1]:
        path = os.path.join(work, "apply_%d.db" % size)
        shutil.copy(os.path.join(work, "synthetic_%d.db" % size), path)
        first = run_sqlite(extension, path, APPLY_SQL)[0]
        second = run_sqlite(extension, path, APPLY_SQL)[0]
        check("synthetic %d second apply inserts 0" % size, second == "0",
              "first %s, second %s" % (first, second))


def fuzzy_rank1(path, rows):
    db = sqlite3.connect(path)
    truth = dict(db.execute("SELECT payment_id, invoice_ids FROM bench_truth"))
    db.close()
    answerable = sum(1 for ids in truth.values() if ids is not None)
    ok = 0
    for line in rows.splitlines():
        payment_id, _, invoice_id = line.partition("|")
        expected = truth[int(payment_id)]
        ok += expected is not None and invoice_id != "" and \
            int(invoice_id) in json.loads(expected)
    return ok / answerable


def report_cross_join(extension, work, sizes):
    print("Plain-SQL cross join with ref_similarity, against the virtual table")
    for size in sizes:
        path = os.path.join(work, "synthetic_%d.db" % size)
        if not os.path.exists(path):
            generate("synthetic", path, size)
        _, table_wall, table_cpu, _ = run_sqlite(
            extension, path, "SELECT count(*) FROM reconcile_candidates;")
        try:
            rows, wall, cpu, _ = run_sqlite(extension, path, CROSS_JOIN_SQL,
                                            timeout=CROSS_JOIN_TIMEOUT)
        except subprocess.TimeoutExpired:
            print("  %6d x %6d: cross join did not finish in %d s" % (
                size, size, CROSS_JOIN_TIMEOUT))
            continue
        pairs = float(size) * size
        print("  %6d x %6d pairs: cross join CPU %7.2f s (%.2f us a pair),"
              " table CPU %5.2f s, ratio %6.0f; cross join rank-1 %.4f" % (
                  size, size, cpu, cpu * 1e6 / pairs, table_cpu,
                  cpu / max(table_cpu, 1e-3), fuzzy_rank1(path, rows)))


def machine():
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return "%s, %d CPUs, %s %s, SQLite %s" % (
        model, os.cpu_count() or 0, platform.system(), platform.release(),
        subprocess.run([SQLITE3, "--version"], capture_output=True,
                       text=True).stdout.split()[0])


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    build = args[0] if args else "build"
    extension = os.path.abspath(os.path.join(build, "receivables"))
    global SIZES
    cross_sizes = CROSS_JOIN_SIZES
    if "--quick" in sys.argv:
        SIZES = (10000,)
        cross_sizes = (1000,)
    if not os.path.exists(extension + ".so"):
        print("reconcile_bench: %s.so not found; run make first" % extension,
              file=sys.stderr)
        return 2
    print("reconcile_candidates benchmark, %s" % time.strftime("%Y-%m-%d"))
    print("Machine: %s" % machine())
    work = tempfile.mkdtemp(prefix="reconcile_bench.")
    try:
        for size in SIZES:
            generate("synthetic", os.path.join(work, "synthetic_%d.db" % size),
                     size)
        generate("real", os.path.join(work, "real.db"))
        report_quality(extension, work)
        report_speed(extension, work)
        report_idempotence(extension, work)
        report_cross_join(extension, work, cross_sizes)
    except (subprocess.CalledProcessError, sqlite3.Error, OSError) as e:
        print("reconcile_bench: the run failed: %s" % e, file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if failures:
        print("FAILED: %s" % ", ".join(failures))
        return 1
    print("All targets met.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
