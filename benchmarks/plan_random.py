"""Planner benchmark: arena vs lower bound and run time on synthetic graphs.

    python3 benchmarks/plan_random.py [--seeds 50] [--sizes 50,200,500,2000]

Prints one line per (generator, size): worst / mean arena overhead over the
lower bound, the strategies that won, and the slowest planning time.
"""

from __future__ import annotations

import argparse
import collections
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen.planner import Buffer, plan  # noqa: E402


def cnn_chain(rng: random.Random, n_layers: int) -> list[Buffer]:
    """Tensor i live [i, i+1], residual branches kept alive, some scratch buffers."""
    bufs: list[Buffer] = []
    h = w = rng.choice([32, 48, 64, 96])
    c = rng.choice([3, 8, 16])
    step = 0
    i = 0
    while step < n_layers:
        if rng.random() < 0.15 and h > 4:
            h, w = h // 2, w // 2
            c = min(c * 2, 512)
        block = rng.random() < 0.3
        span = rng.randint(2, 4) if block else 1
        size = h * w * c
        bufs.append(Buffer(f"t{i}", size, step, step + span, kind="tensor",
                           info=f"int8 1x{h}x{w}x{c}"))
        if block:  # the branch inside the residual block (expand / project)
            for k in range(1, span):
                ck = c * rng.choice([1, 2, 4, 6]) if k < span - 1 else c
                bufs.append(Buffer(f"t{i}_b{k}", h * w * ck, step + k, step + k + 1))
        if rng.random() < 0.3:
            bufs.append(Buffer(f"s{i}", rng.randint(1, 64) * 64, step + 1, step + 1,
                               kind="scratch"))
        if rng.random() < 0.1:
            bufs.append(Buffer(f"t{i}_r", size, step + 1, step + 2, alias_of=f"t{i}"))
        step += span
        i += 1
    return bufs


def random_set(rng: random.Random, n: int) -> list[Buffer]:
    horizon = max(4, n // 3)
    out = []
    for k in range(n):
        first = rng.randrange(horizon)
        out.append(Buffer(f"b{k}", rng.randint(1, 4096), first,
                          min(horizon, first + rng.randint(0, 6)),
                          align=rng.choice([1, 4, 8, 16, 32])))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--sizes", default="50,200,500,2000")
    args = ap.parse_args()
    for gen in (cnn_chain, random_set):
        for n in (int(s) for s in args.sizes.split(",")):
            worst = total = slowest = 0.0
            wins: collections.Counter[str] = collections.Counter()
            nbuf = 0
            for seed in range(args.seeds):
                bufs = gen(random.Random(seed), n)
                nbuf = max(nbuf, len(bufs))
                t0 = time.perf_counter()
                p = plan(bufs)
                dt = time.perf_counter() - t0
                over = p.arena_size / max(1, p.lower_bound) - 1
                worst, total, slowest = max(worst, over), total + over, max(slowest, dt)
                wins[p.strategy] += 1
            print(f"{gen.__name__:10s} n={n:5d} (<= {nbuf} buffers): worst +{worst*100:.2f}% "
                  f"mean +{total/args.seeds*100:.2f}% slowest {slowest*1000:.0f} ms  "
                  f"wins {dict(wins.most_common(4))}")


if __name__ == "__main__":
    main()
