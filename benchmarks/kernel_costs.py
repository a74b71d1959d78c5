"""Measure the conv kernel variants and fit the cost model of ``micro_codegen/ops/_costs.py``.

    python3 benchmarks/kernel_costs.py [--boards B,...] [--seed N] [--write]

For each dtype (int8, fp32), each shape family (pointwise, k x k, depthwise 3x3, other
depthwise) and each QEMU board (qemu-mps2-an386 for the "simd32" table, qemu-mps3-an547 for
"mve"): one model with N independent Conv2DFusion nodes of random shapes (odd channel counts,
strides, padding, dilation), benched once per kernel variant that can run them (the node's
candidate plans, ``OpImpl.candidates``), every node forced to that variant. Exact per-node
instruction counts (``micro-codegen bench``) are fitted by least squares to

    instructions ~ per_mac * MACs + per_tap * output elements * taps + per_output * output elements
                   + per_pixel * output pixels + per_call

per (table, kernel:variant). Prints each fit with its worst relative error on the samples;
``--write`` rewrites the COSTS block of ``micro_codegen/ops/_costs.py``.
"""
from __future__ import annotations

import argparse
import math
import re
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen import api, ops  # noqa: E402
from micro_codegen.builder import GraphBuilder, roundtrip  # noqa: E402
from micro_codegen.ir import DType  # noqa: E402
from micro_codegen.ops import _costs  # noqa: E402

BOARDS = {"qemu-mps2-an386": "simd32", "qemu-mps3-an547": "mve"}
COSTS_FILE = Path(_costs.__file__)
NODES = 16


def _shape(rng, family: str) -> dict:
    """Random geometry of one conv of ``family``: (h, w, cin, cout, k, stride, dilation, group)."""
    h, w = int(rng.integers(3, 17)), int(rng.integers(3, 17))
    c = int(rng.choice([1, 3, 4, 7, 8, 16, 17, 32, 33, 64]))
    s = int(rng.choice([1, 2]))
    if family == "pointwise":
        return dict(h=h, w=w, cin=c, cout=int(rng.choice([4, 5, 8, 16, 24, 32, 64])), k=(1, 1), s=s, d=1, group=1)
    if family == "kxk":
        k = [(3, 3), (5, 5), (3, 1), (1, 3), (10, 4)][int(rng.integers(0, 5))]
        return dict(h=max(h, k[0]), w=max(w, k[1]), cin=c, cout=int(rng.choice([4, 8, 16, 32])), k=k, s=s, d=1,
                    group=1)
    if family == "dw3x3":
        return dict(h=h, w=w, cin=max(c, 2), cout=max(c, 2), k=(3, 3), s=s, d=1, group=max(c, 2))
    k = [(5, 5), (3, 1), (1, 3), (3, 3)][int(rng.integers(0, 4))]
    d = int(rng.choice([1, 2]))
    return dict(h=max(h, (k[0] - 1) * d + 1), w=max(w, (k[1] - 1) * d + 1), cin=max(c, 2), cout=max(c, 2), k=k,
                s=s, d=d, group=max(c, 2))


def family_model(rng, family: str, dtype: DType):
    """A model of NODES independent convs of ``family`` (one input each)."""
    b = GraphBuilder(f"costs_{family}_{dtype.short}")
    outs = []
    for n in range(NODES):
        g = _shape(rng, family)
        kh, kw = g["k"]
        pad_h, pad_w = (kh - 1) * g["d"] // 2, (kw - 1) * g["d"] // 2
        oh = (g["h"] + 2 * pad_h - (kh - 1) * g["d"] - 1) // g["s"] + 1
        ow = (g["w"] + 2 * pad_w - (kw - 1) * g["d"] - 1) // g["s"] + 1
        cg = g["cin"] // g["group"]
        wshape = (g["cout"], kh, kw, cg)
        if dtype == DType.INT8:
            x = b.input(f"x{n}", dtype, (1, g["h"], g["w"], g["cin"]), quant=(0.05, int(rng.integers(-20, 20))))
            ws = list(rng.uniform(0.002, 0.02, g["cout"]))
            wt = b.const(f"w{n}", rng.integers(-127, 128, wshape).astype(np.int8), quant=(ws, [0] * g["cout"]))
            bias = b.const(f"b{n}", rng.integers(-3000, 3000, g["cout"]).astype(np.int32),
                           quant=([0.05 * s for s in ws], [0] * g["cout"]))
            y = (f"y{n}", dtype, (1, oh, ow, g["cout"]), (0.05 * 0.01 * math.sqrt(kh * kw * cg) * 30, 3))
        else:
            x = b.input(f"x{n}", dtype, (1, g["h"], g["w"], g["cin"]))
            wt = b.const(f"w{n}", rng.standard_normal(wshape).astype(np.float32))
            bias = b.const(f"b{n}", rng.standard_normal(g["cout"]).astype(np.float32))
            y = (f"y{n}", dtype, (1, oh, ow, g["cout"]))
        outs.append(b.node("Conv2DFusion", [x, wt, bias], [y], name=f"conv{n}", kernel_size=(kh, kw),
                           stride=(g["s"], g["s"]), dilation=(g["d"], g["d"]), pad_mode="PAD",
                           pad_list=(pad_h, pad_h, pad_w, pad_w), group=g["group"], in_channel=g["cin"],
                           out_channel=g["cout"], format="NHWC", activation_type="RELU"))
    return roundtrip(b.build(outs))


def candidate_keys(graph) -> set[str]:
    impl = ops.REGISTRY["Conv2DFusion"]
    keys = set()
    for i in range(len(graph.nodes)):
        plan = ops.prepare(graph, i)
        keys.add(_costs.plan_key(plan))
        if impl.candidates is not None:
            keys.update(_costs.plan_key(p) for p in impl.candidates(graph, i, plan)
                        if p.scratch_bytes == plan.scratch_bytes)
    return keys


def measure(graph, board: str, key: str) -> list[tuple[int, tuple[int, ...], int]]:
    """(node, features, instructions) of the nodes that run variant ``key`` when it is forced."""
    original = _costs.cheapest
    chosen = {}

    def forced(plans, core):
        pick = next((p for p in plans if _costs.plan_key(p) == key), plans[0])
        chosen[id(pick)] = pick
        return pick

    _costs.cheapest = forced
    try:
        r = api.bench(graph, board)
    finally:
        _costs.cheapest = original
    samples = []
    plans_by_node = [ops.prepare(graph, i) for i in range(len(graph.nodes))]   # for the features
    for node, plan in zip(r.nodes, plans_by_node):
        if f"{node.kernel}:{node.variant}" == key:
            samples.append((node.index, _costs.features(plan), node.cost))
    return samples


def fit(samples) -> tuple[tuple[float, ...], float]:
    """Non-negative coefficients minimising the relative error (rows weighted by 1/instructions;
    a column whose coefficient comes out negative is dropped and the rest refitted)."""
    a = np.array([f for _, f, _ in samples], dtype=np.float64)
    y = np.array([c for _, _, c in samples], dtype=np.float64)
    keep = list(range(a.shape[1]))
    while True:
        coef_k, *_ = np.linalg.lstsq(a[:, keep] / y[:, None], np.ones_like(y), rcond=None)
        if (coef_k >= 0).all():
            break
        keep.pop(int(np.argmin(coef_k)))
    coef = np.zeros(a.shape[1])
    coef[keep] = coef_k
    worst = float(np.max(np.abs(a @ coef - y) / y))
    return tuple(round(float(c), 3) for c in coef), worst


def write_costs(table: dict) -> None:
    text = COSTS_FILE.read_text()
    lines = ["COSTS: dict[str, dict[str, tuple[float, ...]]] = {"]
    for core in sorted(table):
        lines.append(f"    {core!r}: {{")
        for key in sorted(table[core]):
            lines.append(f"        {key!r}: {table[core][key]},")
        lines.append("    },")
    lines.append("}")
    block = "\n".join(lines)
    new = re.sub(r"(# BEGIN COSTS[^\n]*\n).*?(\n# END COSTS)", lambda m: m.group(1) + block + m.group(2), text,
                 flags=re.S)
    COSTS_FILE.write_text(new)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--boards", default=",".join(BOARDS))
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--write", action="store_true", help="Rewrite the COSTS table of micro_codegen/ops/_costs.py.")
    args = ap.parse_args()
    table: dict[str, dict[str, tuple]] = {}
    samples: dict[tuple[str, str], list] = {}
    nodes: dict[tuple, dict[str, tuple]] = {}       # (board, dtype, family, node) -> {key: (features, cost)}
    for board in args.boards.split(","):
        core = BOARDS[board]
        for dtype in (DType.INT8, DType.FLOAT32):
            for k, family in enumerate(("pointwise", "kxk", "dw3x3", "dw")):
                graph = family_model(np.random.default_rng(args.seed + k), family, dtype)
                default = [_costs.plan_key(ops.prepare(graph, i)) for i in range(len(graph.nodes))]
                for key in sorted(candidate_keys(graph)):
                    got = measure(graph, board, key)
                    samples.setdefault((core, key), []).extend(got)
                    for n, f, c in got:
                        nodes.setdefault((board, dtype.short, family, n), {"default": default[n]})[key] = (f, c)
                    print(f"{board} {dtype.short} {family} {key}: {len(got)} nodes", file=sys.stderr)
    print("| table | kernel:variant | per MAC | per tap | per output | per pixel | per call | samples | "
          "worst rel. error |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for (core, key), s in sorted(samples.items()):
        if len(s) < 4:
            continue
        coef, worst = fit(s)
        table.setdefault(core, {})[key] = coef
        print(f"| {core} | {key} | " + " | ".join(f"{c:g}" for c in coef) + f" | {len(s)} | {worst:.1%} |")
    # how the fitted model chooses on the measured nodes: instructions of the default variants, of the
    # model's choices and of the best measured ones (only nodes with more than one variant)
    totals = {"default": 0, "model": 0, "best": 0}
    changed = multi = 0
    for (board, _, _, _), d in nodes.items():
        runs = {k: v for k, v in d.items() if k != "default"}
        if len(runs) < 2:
            continue
        multi += 1
        coeffs = table.get(BOARDS[board], {})
        est = {k: sum(c * x for c, x in zip(coeffs[k], f)) for k, (f, _) in runs.items() if k in coeffs}
        pick = d["default"]
        if len(est) == len(runs) and min(est.values()) < (1 - _costs.MARGIN) * est[d["default"]]:
            pick = min(est, key=est.get)
        changed += pick != d["default"]
        totals["default"] += runs[d["default"]][1]
        totals["model"] += runs[pick][1]
        totals["best"] += min(c for _, c in runs.values())
    if multi:
        print(f"\n{multi} nodes with several variants: the model picks another variant than the default for "
              f"{changed}; instructions default {totals['default']:,}, model {totals['model']:,}, "
              f"best measured {totals['best']:,}")
    if args.write:
        write_costs(table)
        print(f"wrote {COSTS_FILE}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
