"""`validate` sweep on the QEMU boards: pass/fail and wall time per model and board.

    python3 benchmarks/qemu_validate.py [--shared ../shared] [--boards B,...] [--models M,...]
                                        [--quick] [--jobs N] [--json OUT.json]

Default: the sweep of tests/validate/test_qemu_validate.py (`-m slow`): all 9 MLPerf Tiny models on
qemu-mps2-an386, qemu-mps3-an547 and qemu-netduinoplus2, KWS + ResNet int8 on qemu-mps2-an500 and
qemu-mps2-an505.
``--quick``: the CI subset (KWS int8 + fp32 ResNet on qemu-mps2-an386, KWS int8 on
qemu-netduinoplus2).

Each row is one ``api.validate`` (generate + cross-build + QEMU + compare every case of
MODEL.ms.npz, default tolerances: int8 exact, fp32 1e-5 + 1e-5*|ref|). Columns: result
(PASS, FAIL, REFUSED = the memory-fit check refused the model before building, ERROR),
cases passed / total, the largest |diff|, the target's time per inference from its SysTick
(virtual time under ``-icount shift=0``: 1 instruction = 1 ns) and the wall time of the
whole step. Prints a Markdown table. ``--jobs N``: N pairs at once, one QEMU per worker process
(benchmarks/sweep.py); the wall times then include the contention.
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen import api  # noqa: E402
from micro_codegen.errors import BoardConfigError, CodegenError  # noqa: E402
from sweep import add_jobs_option, sweep  # noqa: E402  (benchmarks/sweep.py)

MLPERF = ["ad01_fp32", "ad01_int8", "kws_ref_model", "kws_ref_model_float32", "pretrainedResnet",
          "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_float", "vww_96_int8"]
SWEEP = ([("qemu-mps2-an386", m) for m in MLPERF] + [("qemu-mps3-an547", m) for m in MLPERF]
         + [(b, m) for b in ("qemu-mps2-an500", "qemu-mps2-an505") for m in ("kws_ref_model", "pretrainedResnet_quant")]
         + [("qemu-netduinoplus2", m) for m in MLPERF])
QUICK = [("qemu-mps2-an386", "kws_ref_model"), ("qemu-mps2-an386", "pretrainedResnet"),
         ("qemu-netduinoplus2", "kws_ref_model")]


def run_one(path: Path, board: str) -> dict:
    row = {"board": board, "model": path.stem}
    start = time.monotonic()
    try:
        res = api.validate(path, board=board)
    except BoardConfigError as e:
        row.update(result="REFUSED", note=str(e))
    except CodegenError as e:
        row.update(result="ERROR", note=f"{type(e).__name__}: {e}")
    else:
        rep = res.report
        diffs = [c.max_abs_diff for c in rep.cases if c.max_abs_diff is not None]
        ticks = [c.invoke.ticks for c in rep.cases]
        hz = rep.hello.tick_hz
        row.update(result="PASS" if rep.all_passed and rep.failed == 0 else "FAIL",
                   passed=rep.passed, cases=len(rep.cases), max_abs_diff=max(diffs, default=0.0),
                   target_ms=(1000.0 * sum(ticks) / len(ticks) / hz) if hz and ticks else None,
                   arena_bytes=res.arena_bytes)
    row["seconds"] = time.monotonic() - start
    return row


def table(rows: list[dict]) -> str:
    out = ["| board | model | result | cases | max abs diff | target ms/inference | wall s |",
           "|---|---|---|---|---|---|---|"]
    for r in rows:
        cases = f"{r['passed']}/{r['cases']}" if "cases" in r else "-"
        diff = f"{r['max_abs_diff']:.3g}" if "max_abs_diff" in r else "-"
        tms = f"{r['target_ms']:.1f}" if r.get("target_ms") is not None else "-"
        out.append(f"| {r['board']} | {r['model']} | {r['result']} | {cases} | {diff} | {tms} | {r['seconds']:.1f} |")
    notes = [r for r in rows if r.get("note")]
    for r in notes:
        out.append(f"\n{r['board']} / {r['model']} {r['result']}: {r['note']}")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--boards", help="comma-separated boards (default: the sweep's)")
    ap.add_argument("--models", help="comma-separated MLPerf model names (default: the sweep's)")
    ap.add_argument("--quick", action="store_true", help="only the CI subset")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    add_jobs_option(ap)
    args = ap.parse_args()
    pairs = QUICK if args.quick else SWEEP
    if args.boards or args.models:
        boards = args.boards.split(",") if args.boards else sorted({b for b, _ in SWEEP})
        models = args.models.split(",") if args.models else MLPERF
        pairs = [(b, m) for b in boards for m in models]
    folder = args.shared / "models" / "mlperf_tiny"
    missing = sorted({m for _, m in pairs if not (folder / f"{m}.ms").is_file()})
    if missing:
        print(f"models not found in {folder}: {', '.join(missing)}", file=sys.stderr)
        return 1
    start = time.monotonic()

    def done(_pair, row):
        print(f"  {row['board']:18s} {row['model']:24s} {row['result']:8s} {row['seconds']:6.1f} s",
              file=sys.stderr, flush=True)
    rows = sweep(run_one, [(folder / f"{model}.ms", board) for board, model in pairs], args.jobs, done)
    print(table(rows))
    print(f"\ntotal wall time {time.monotonic() - start:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    return 0 if all(r["result"] in ("PASS", "REFUSED") for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
