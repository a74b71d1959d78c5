"""``--jobs N`` for the benchmarks that sweep boards and models in QEMU (qemu_validate.py,
bench_mlperf.py): the pairs run on N worker processes, one QEMU each.

Each pair is one whole ``api.validate`` / ``api.bench`` (generate, cross-build, QEMU) in a worker
process, so N workers keep N QEMUs and N compilers busy; ``--jobs 0`` takes one worker per CPU
core. The rows come back in the sweep's order whatever order they finish in. Instruction counts
and pass/fail do not depend on the load; wall times do, so timings are quoted from ``--jobs 1``
(the default).
"""
from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Callable, Sequence


def add_jobs_option(ap) -> None:
    ap.add_argument("--jobs", "-j", type=int, default=1, metavar="N",
                    help="Run N pairs at once, one QEMU per worker process (0: one per CPU core; default 1).")


def sweep(run_one: Callable, pairs: Sequence[tuple], jobs: int = 1,
          done: Callable[[tuple, object], None] | None = None) -> list:
    """``[run_one(*pair) for pair in pairs]`` on ``jobs`` worker processes (``run_one`` a module-level
    function); ``done(pair, result)`` is called as each pair finishes."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1 or len(pairs) <= 1:
        results = []
        for pair in pairs:
            results.append(run_one(*pair))
            if done is not None:
                done(pair, results[-1])
        return results
    results = [None] * len(pairs)
    with ProcessPoolExecutor(max_workers=min(jobs, len(pairs))) as pool:
        futures = {pool.submit(run_one, *pair): k for k, pair in enumerate(pairs)}
        for future in as_completed(futures):
            k = futures[future]
            results[k] = future.result()
            if done is not None:
                done(pairs[k], results[k])
    return results
