"""Instructions per inference of the MLPerf Tiny models on the QEMU boards, against TFLM + CMSIS-NN.

    python3 benchmarks/bench_mlperf.py [--shared ../shared] [--boards B,...] [--models M,...]
                                       [--nodes] [--jobs N] [--json OUT.json]

Each row is one ``micro-codegen bench`` (``api.bench``): generate, cross-build with
``-DMC_BENCH``, run case 0 of MODEL.ms.npz in QEMU with the instruction-count plugin; exact
guest instructions per inference, deterministic. ``match`` says whether the outputs of that case
equal the reference (int8 exact, fp32 within 1e-5 + 1e-5*|ref|). ``--jobs N``: N pairs at once,
one QEMU per worker process (benchmarks/sweep.py; the counts do not depend on it).

The TFLM columns are the figures issue 13 quotes (QEMU 7.2 with an instruction-count plugin,
case 0): TFLM with CMSIS-NN kernels (int8; MVE kernels on the M55) and TFLM's reference kernels
(fp32). ``ratio`` = ours / TFLM; the goals are int8 <= 0.8 on qemu-mps2-an386 and <= 0.9 on
qemu-mps3-an547, fp32 <= 0.4 on qemu-mps2-an386; ``goal`` says whether a row meets its goal.
Also printed: instructions per MAC by node kind (conv, depthwise, 1x1, fc) and the code size of
kernels + model (KWS: <= 16 KB).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen import api  # noqa: E402
from micro_codegen.errors import BoardConfigError  # noqa: E402
from sweep import add_jobs_option, sweep  # noqa: E402  (benchmarks/sweep.py)

AN386, AN547 = "qemu-mps2-an386", "qemu-mps3-an547"
#: model -> {board: TFLM instructions per inference}, as measured for issue 13
TFLM = {
    "kws_ref_model": {AN386: 7_697_918, AN547: 1_813_709},
    "vww_96_int8": {AN386: 24_101_938, AN547: 6_558_312},
    "pretrainedResnet_quant": {AN386: 29_863_228, AN547: 4_911_132},
    "ad01_int8": {AN386: 582_940, AN547: 149_995},
    "str_ww_ref_model": {AN386: 2_227_096, AN547: 407_420},
    "vww_96_float": {AN386: 86_299_662},
    "pretrainedResnet": {AN386: 99_931_161},
    "ad01_fp32": {AN386: 1_360_211},
}
FLOAT = {"vww_96_float", "pretrainedResnet", "ad01_fp32", "kws_ref_model_float32"}
GOAL = {(AN386, False): 0.8, (AN547, False): 0.9, (AN386, True): 0.4}
MODELS = ["kws_ref_model", "vww_96_int8", "pretrainedResnet_quant", "ad01_int8", "str_ww_ref_model",
          "vww_96_float", "pretrainedResnet", "ad01_fp32"]
KINDS = ("conv", "depthwise", "1x1", "fc")


def run_one(shared: Path, board: str, model: str) -> dict | None:
    """The row of ``model`` on ``board`` (None: skipped, with the reason on stderr)."""
    path = shared / "models" / "mlperf_tiny" / f"{model}.ms"
    if not path.is_file():
        print(f"skip {model}: {path} not found", file=sys.stderr)
        return None
    try:
        r = api.bench(path, board)
    except BoardConfigError as e:            # e.g. ad01_fp32's 1 MB of weights on the an547's 512 KiB
        print(f"skip {model} on {board}: {e}", file=sys.stderr)
        return None
    tflm = TFLM.get(model, {}).get(board)
    ratio = r.total / tflm if tflm else None
    goal = GOAL.get((board, model in FLOAT))
    kinds = r.by_kind()
    print(f"{board} {model}: {r.total:,}", file=sys.stderr)
    return {"board": board, "model": model, "macs": r.macs, "instructions": r.total,
            "tflm_instructions": tflm, "ratio": ratio,
            "goal": goal, "meets_goal": None if ratio is None or goal is None else ratio <= goal,
            "outputs_match": r.outputs_match, "kernel_text_bytes": r.kernel_text_bytes,
            "arena_bytes": r.arena_bytes,
            "per_mac": {k: kinds[k]["instructions_per_mac"] for k in KINDS if k in kinds},
            "nodes": [{"node": n.index, "op": n.op, "kind": n.kind, "macs": n.macs,
                       "instructions": n.cost} for n in r.nodes]}


def run(shared: Path, boards: list[str], models: list[str], jobs: int = 1) -> list[dict]:
    rows = sweep(run_one, [(shared, board, model) for board in boards for model in models], jobs)
    return [r for r in rows if r is not None]


def table(rows: list[dict]) -> str:
    out = ["| board | model | MACs | ours | TFLM | ratio | goal | match | conv | dw | 1x1 | fc | code B | arena B |",
           "|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|---:|---:|"]
    for r in rows:
        per = [f"{r['per_mac'][k]:.2f}" if r["per_mac"].get(k) is not None else "-" for k in KINDS]
        tflm = f"{r['tflm_instructions']:,}" if r["tflm_instructions"] else "-"
        ratio = f"{r['ratio']:.2f}" if r["ratio"] is not None else "-"
        goal = "-" if r["meets_goal"] is None else f"{'yes' if r['meets_goal'] else 'NO'} (≤{r['goal']})"
        cells = [r["board"], r["model"], f"{r['macs']:,}", f"{r['instructions']:,}", tflm, ratio, goal,
                 "yes" if r["outputs_match"] else "NO", *per, f"{r['kernel_text_bytes']:,}", f"{r['arena_bytes']:,}"]
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def node_table(rows: list[dict]) -> str:
    out = []
    for r in rows:
        out.append(f"\n{r['board']} {r['model']}")
        for n in r["nodes"]:
            per = f"{n['instructions'] / n['macs']:.2f}/MAC" if n["macs"] else ""
            out.append(f"  {n['node']:>3} {n['op']:<16} {n['kind']:<10} {n['instructions']:>12,} {per}")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--boards", default=f"{AN386},{AN547}")
    ap.add_argument("--models", default=",".join(MODELS))
    ap.add_argument("--nodes", action="store_true", help="Also print every node's count.")
    ap.add_argument("--json", help="Write the rows to this file.")
    add_jobs_option(ap)
    args = ap.parse_args()
    rows = run(Path(args.shared), args.boards.split(","), args.models.split(","), args.jobs)
    print(table(rows))
    if args.nodes:
        print(node_table(rows))
    if args.json:
        Path(args.json).write_text(json.dumps(rows, indent=1))
    return 0 if all(r["outputs_match"] is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
