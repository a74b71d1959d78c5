"""Reference-interpreter benchmark on the shared MLPerf Tiny (and seed_arch) models.

    python3 benchmarks/infer_mlperf.py [--shared ../shared] [--repeat 3] [--seed-arch]

Prints one line per model: cases, best / mean / max CPU time per case (process time of this
single process, so other load on the machine does not inflate it), the largest |got - output_k| over the cases, and whether every case
passes the test tolerance (int8 exact, fp32 1e-5 + 1e-5*|ref|, hybrid KWS 1e-3).
Target: < 2 s per MLPerf case.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen.cases import compare, load_cases  # noqa: E402
from micro_codegen.ms_model import read_model  # noqa: E402
from micro_codegen.reference import run  # noqa: E402

MLPERF = ["ad01_fp32", "ad01_int8", "kws_ref_model", "kws_ref_model_float32", "pretrainedResnet",
          "pretrainedResnet_quant", "str_ww_ref_model", "vww_96_float", "vww_96_int8"]
SEED_ARCH = ["mobilenet_v1_025_96_float", "mobilenet_v1_025_96_int8", "mobilenet_v2_035_96_float",
             "mobilenet_v2_035_96_int8", "squeezenet_mini_float", "squeezenet_mini_int8"]
HYBRID_ATOL = {"kws_ref_model_float32": 1e-3}


def bench(path: Path, repeat: int) -> str:
    graph = read_model(path)
    cases = load_cases(str(path) + ".npz", graph)
    times, max_diff, ok = [], 0.0, True
    for case in cases:
        best = float("inf")
        for _ in range(repeat):
            t0 = time.process_time()
            outs = run(graph, case.inputs)
            best = min(best, time.process_time() - t0)
        times.append(best)
        for got, exp in zip(outs, case.expected or []):
            atol = HYBRID_ATOL.get(path.stem)
            r = compare(got, exp, atol=atol, rtol=0.0) if atol else compare(got, exp)
            max_diff = max(max_diff, r.max_abs_diff)
            ok &= r.passed
    t = np.array(times)
    flag = "PASS" if ok else "FAIL"
    return (f"{path.stem:28s} cases {len(cases):2d}  per case best {t.min() * 1e3:8.1f} ms  "
            f"mean {t.mean() * 1e3:8.1f} ms  max {t.max() * 1e3:8.1f} ms  max|diff| {max_diff:.3g}  {flag}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--repeat", type=int, default=3, help="runs per case; the best time is kept")
    ap.add_argument("--seed-arch", action="store_true", help="also the seed_arch models")
    args = ap.parse_args()
    models = [args.shared / "models" / "mlperf_tiny" / f"{m}.ms" for m in MLPERF]
    if args.seed_arch:
        models += [args.shared / "models" / "seed_arch" / f"{m}.ms" for m in SEED_ARCH]
    missing = [str(m) for m in models if not m.is_file()]
    if missing:
        print(f"models not found: {', '.join(missing)}", file=sys.stderr)
        return 1
    for m in models:
        print(bench(m, args.repeat), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
