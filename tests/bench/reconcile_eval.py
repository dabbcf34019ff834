#!/usr/bin/env python3
"""Score reconcile_candidates against bench_truth and time it.

Usage:
  python3 tests/bench/reconcile_eval.py BUILD/receivables DATA.db [--by-scenario]
      [--set auto_threshold=0.95] ...

Prints one line of figures:
  payments, answerable (truth not NULL), seconds for the full table,
  auto precision (auto rows whose invoice_ids hold the truth's ids / auto rows),
  auto recall (correct auto rows / answerable payments),
  rank-1 accuracy (rank-1 rows equal to the truth / answerable payments).
With --by-scenario, the same per generator scenario. Each --set NAME=VALUE
passes a hidden column of reconcile_candidates (auto_threshold, auto_margin,
fee_abs_cents, fee_pct) for the run.
"""
import json
import sqlite3
import sys
import time


def same_invoices(found, expected):
    """True when two JSON arrays of invoice ids hold the same ids."""
    return expected is not None and sorted(json.loads(found)) == json.loads(expected)


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    extension, path = sys.argv[1], sys.argv[2]
    db = sqlite3.connect(path)
    db.enable_load_extension(True)
    db.load_extension(extension)
    truth = {pid: (ids, scenario) for pid, ids, scenario in
             db.execute("SELECT payment_id, invoice_ids, scenario FROM bench_truth")}
    settings = [arg.split("=", 1) for i, arg in enumerate(sys.argv)
                if i > 0 and sys.argv[i - 1] == "--set"]
    allowed = {"auto_threshold", "auto_margin", "fee_abs_cents", "fee_pct"}
    where = "".join(" AND %s = ?" % name for name, _ in settings if name in allowed)
    values = [float(value) for name, value in settings if name in allowed]
    start = time.perf_counter()
    rows = db.execute("SELECT payment_id, invoice_ids, rank, auto"
                      " FROM reconcile_candidates WHERE rank = 1" + where,
                      values).fetchall()
    seconds = time.perf_counter() - start
    stats = {}

    def bump(scenario, key):
        for name in ("all", scenario):
            stats.setdefault(name, {"n": 0, "answerable": 0, "auto": 0,
                                    "auto_ok": 0, "rank1_ok": 0})[key] += 1

    for pid, (ids, scenario) in truth.items():
        bump(scenario, "n")
        if ids is not None:
            bump(scenario, "answerable")
    for pid, ids, rank, auto in rows:
        expected, scenario = truth[pid]
        correct = same_invoices(ids, expected)
        if correct:
            bump(scenario, "rank1_ok")
        if auto:
            bump(scenario, "auto")
            if correct:
                bump(scenario, "auto_ok")

    def line(name, s):
        answerable = max(s["answerable"], 1)
        precision = s["auto_ok"] / s["auto"] if s["auto"] else 1.0
        return ("%-34s n=%6d answerable=%6d auto=%6d auto_precision=%.4f "
                "auto_recall=%.4f rank1=%.4f" % (
                    name, s["n"], s["answerable"], s["auto"], precision,
                    s["auto_ok"] / answerable, s["rank1_ok"] / answerable))

    print("seconds=%.2f" % seconds)
    print(line("all", stats["all"]))
    if "--by-scenario" in sys.argv:
        for name in sorted(k for k in stats if k != "all"):
            print(line(name, stats[name]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
