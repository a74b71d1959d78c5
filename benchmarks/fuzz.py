"""Fuzz the model commands (``tests/fuzzing.py``): N seeded cases, then the outcome histogram.

    python benchmarks/fuzz.py --cases 10000 --seed 17 [--jobs 2]
    python benchmarks/fuzz.py --seed 17 --case 1234 [--keep DIR]     # replay one case in the foreground

Prints the case count, per command the outcomes (``ok``; ``exit1``: a refusal such as check's
problem list or infer's differing outputs; a CodegenError class), the failures (other
exceptions, hangs, crashes, huge allocations) with the command that replays each, and the
run time. Exit code 1 iff a case failed. Needs ``../shared/models`` (or MICRO_CODEGEN_SHARED).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import fuzzing  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=int, default=1000, help="number of cases (0 .. N-1)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=2, help="worker processes")
    ap.add_argument("--build-every", type=int, default=fuzzing.BUILD_EVERY,
                    help="every K-th case is a random valid graph also built and run on the host")
    ap.add_argument("--case", type=int, default=None, help="replay this one case in the foreground")
    ap.add_argument("--keep", default=None, help="with --case: keep the case's files in this folder")
    ap.add_argument("--json", action="store_true", help="the results as JSON lines")
    a = ap.parse_args()
    shared = Path(os.environ.get("MICRO_CODEGEN_SHARED", ROOT.parent / "shared"))
    if a.case is not None:
        work = Path(a.keep) if a.keep else Path(tempfile.mkdtemp(prefix="mc-fuzz-"))
        work.mkdir(parents=True, exist_ok=True)
        try:
            r = fuzzing.run_case(a.seed, a.case, shared, work, a.build_every)
        finally:
            if not a.keep:
                shutil.rmtree(work, ignore_errors=True)
        print(json.dumps(r, indent=1) if a.json else f"case {a.case} ({r['label']}): {r['outcomes']}")
        if r["failure"] and not a.json:
            print(r["failure"])
        return 1 if r["failure"] else 0
    t0 = time.monotonic()
    results = fuzzing.run_cases(a.seed, range(a.cases), shared, jobs=a.jobs, build_every=a.build_every)
    dt = time.monotonic() - t0
    if a.json:
        for r in results:
            print(json.dumps(r))
        return 1 if any(r["failure"] for r in results) else 0
    failed = [r for r in results if r["failure"]]
    built = sum("validate" in r["outcomes"] for r in results)
    print(f"{len(results)} cases (seed {a.seed}, {a.jobs} jobs) in {dt:.0f} s: {len(failed)} failed; "
          f"{built} random valid graphs built and run on the host")
    kinds = fuzzing.Counter(r["label"].split(" ")[0] for r in results)
    print("cases: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    for cmd, counts in fuzzing.histogram(results).items():
        print(f"  {cmd:9} " + ", ".join(f"{k} {v}" for k, v in counts.most_common()))
    if failed:
        print(fuzzing.failure_report(a.seed, results))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
