"""Code generation time and host-x86 latency of the generated C, per shared MLPerf Tiny model.

    python3 benchmarks/codegen_time.py [--models kws_ref_model,vww_96_int8] [--repeat 5] [--json]

For each model in ../shared/models/mlperf_tiny:

* generate: wall time of ``generate`` (read .ms, check, prepare ops, plan, render every file,
  write the tree; no compile), best of --repeat runs. Target: < 1 s per model.
* C (host): the validation firmware built for the host (gcc -O2, as generated), one INVOKE
  per case; the firmware's own per-node clock (CLOCK_MONOTONIC), median over cases.
* numpy: ``reference.run`` on the same cases, median wall time.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from micro_codegen import api, reference  # noqa: E402
from micro_codegen.boards import load_board  # noqa: E402
from micro_codegen.cases import load_cases  # noqa: E402
from micro_codegen.manifest import read_manifest  # noqa: E402
from micro_codegen.runners import get_runner  # noqa: E402
from micro_codegen.validate.protocol import ProtocolClient  # noqa: E402
from micro_codegen.validate.run import run_cases  # noqa: E402

MLPERF = ROOT.parent / "shared" / "models" / "mlperf_tiny"
MODELS = ["ad01_fp32", "ad01_int8", "kws_ref_model", "kws_ref_model_float32", "pretrainedResnet",
          "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_float", "vww_96_int8"]
GENERATE_BUDGET_S = 1.0


def time_generate(model: Path, board, out: Path, repeat: int) -> float:
    best = float("inf")
    for k in range(repeat):
        t0 = time.perf_counter()
        api.generate(api.load(model), board, out / f"gen{k}")
        best = min(best, time.perf_counter() - t0)
    return best


def c_latency(project: Path, model: Path, board) -> tuple[float, int]:
    """(median ms per invoke on the host, arena bytes)."""
    api.build(project)
    manifest = read_manifest(project)
    runner = get_runner(board, project, project / manifest["executable"])
    g = api.load(model)
    cases = load_cases(str(model) + ".npz", g)
    with runner as link:
        client = ProtocolClient(link)
        hello = client.hello()
        runs, _, _ = run_cases(client, hello, cases * 3, timing=False)
    ticks = [r.invoke.ticks for r in runs]
    return statistics.median(ticks) / 1e6, hello.arena_size


def numpy_latency(model: Path) -> float:
    g = api.load(model)
    cases = load_cases(str(model) + ".npz", g)
    times = []
    for case in cases * 2:
        t0 = time.perf_counter()
        reference.run(g, case.inputs)
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1e3


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    if not MLPERF.is_dir():
        print(f"reference models not found at {MLPERF}", file=sys.stderr)
        return 2
    board = load_board("host")
    rows = []
    with tempfile.TemporaryDirectory(prefix="codegen_time-") as tmp:
        for name in args.models.split(","):
            model = MLPERF / f"{name}.ms"
            out = Path(tmp) / name
            gen = time_generate(model, board, out, args.repeat)
            c_ms, arena = c_latency(out / "gen0", model, board)
            np_ms = numpy_latency(model)
            rows.append({"model": name, "generate_s": round(gen, 4), "arena_bytes": arena,
                         "c_host_ms": round(c_ms, 4), "numpy_ms": round(np_ms, 3),
                         "speedup": round(np_ms / c_ms, 1) if c_ms > 0 else None})
    if args.json:
        print(json.dumps(rows, indent=2))
    else:
        print(f"{'model':24} {'generate':>9} {'arena B':>9} {'C host':>10} {'numpy':>10} {'speedup':>8}")
        for r in rows:
            print(f"{r['model']:24} {r['generate_s']:>8.3f}s {r['arena_bytes']:>9,} {r['c_host_ms']:>8.3f}ms "
                  f"{r['numpy_ms']:>8.2f}ms {r['speedup']:>7}x")
    slow = [r["model"] for r in rows if r["generate_s"] >= GENERATE_BUDGET_S]
    if slow:
        print(f"generate slower than {GENERATE_BUDGET_S} s: {', '.join(slow)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
