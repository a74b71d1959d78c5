"""Arena and instructions of every shared model in the three memory modes of issue 14.

    python3 benchmarks/memory_modes.py [--shared ../shared] [--sets mlperf_tiny,seed_arch,op_families]
                                       [--board qemu-mps2-an386] [--no-qemu] [--big DIR] [--json OUT.json]

Modes (``micro-codegen plan`` / ``bench`` options):

* ``whole``   ``--whole-tensors``: every tensor keeps its own memory (the arena before issue 14);
* ``default`` no option: in-place window ops and zero-copy Concat / Split / slice;
* ``patched`` ``--patch auto``: the default plus patch-based inference of the first layers,
  chosen by the search under ``--patch-overhead 1.3`` (estimated instructions).

Arena bytes come from the plan (``api.patched_memory_plan``); instructions are exact guest
instructions per inference of case 0 on the QEMU board (``api.bench``, the instruction-count
plugin), with ``match`` saying whether that case's outputs equal the reference. ``--no-qemu``
prints the arenas only. ``--big DIR`` adds the models ``benchmarks/big_models.py --write DIR``
wrote (arena only: their weights or inputs make a QEMU run slow).
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen import api  # noqa: E402
from micro_codegen.errors import CodegenError  # noqa: E402

MODES = {"whole": dict(share=False), "default": dict(), "patched": dict(patch="auto")}
SETS = ("mlperf_tiny", "seed_arch", "op_families")
#: models whose .ms encodes other semantics than the source graph: compared with the official
#: runtime's outputs (``ms_output_k``), as tests/conftest.py's reference_cases does
MS_TARGET = {"misc_shapes"}


def cases_for(path: Path, tmp: Path) -> Path | None:
    cases = Path(str(path) + ".npz")
    if path.stem not in MS_TARGET or not cases.is_file():
        return cases if cases.is_file() else None
    with np.load(cases) as z:
        arrays = {k: z[k] for k in z.files if k.startswith("input_")}
        arrays.update({k[len("ms_"):]: z[k] for k in z.files if k.startswith("ms_output_")})
    np.savez(tmp / "cases.npz", **arrays)
    return tmp / "cases.npz"


def measure(path: Path, board: str, qemu: bool) -> dict:
    row: dict = {"model": path.stem}
    g = api.load(path)
    for mode, opts in MODES.items():
        try:
            mp, patch = api.patched_memory_plan(g, **opts)
        except CodegenError as e:
            row[mode] = {"error": str(e)}
            continue
        cell = {"arena": mp.arena_size, "patch": patch.describe() if patch else None}
        if mode == "patched" and patch is None:
            cell["instructions"] = row["default"].get("instructions")
            cell["match"] = row["default"].get("match")
        elif qemu:
            try:
                with tempfile.TemporaryDirectory() as tmp:
                    r = api.bench(path, board, cases_path=cases_for(path, Path(tmp)), **opts)
                cell["instructions"], cell["match"] = r.total, r.outputs_match
            except CodegenError as e:
                cell["error"] = str(e).splitlines()[0]
        row[mode] = cell
    return row


def table(rows: list[dict], qemu: bool) -> list[str]:
    head = ["model"] + [f"{m} B" for m in MODES] + (["whole insn", "default insn", "patched insn", "ratio", "match"]
                                                     if qemu else []) + ["patch"]
    out = [head]
    for r in rows:
        cells = [r["model"]] + [f"{r[m]['arena']:,}" if "arena" in r[m] else "error" for m in MODES]
        if qemu:
            insn = [r[m].get("instructions") for m in MODES]
            cells += [f"{v:,}" if v else "-" for v in insn]
            cells.append(f"{insn[2] / insn[1]:.2f}" if insn[1] and insn[2] else "-")
            cells.append("yes" if all(r[m].get("match") for m in MODES) else "NO")
        cells.append(r["patched"].get("patch") or "-")
        out.append(cells)
    widths = [max(len(c[i]) for c in out) for i in range(len(head))]
    return ["  ".join(c.ljust(w) if i in (0, len(head) - 1) else c.rjust(w) for i, (c, w) in
                      enumerate(zip(cells, widths))).rstrip() for cells in out]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", default=str(Path(__file__).resolve().parents[2] / "shared"))
    ap.add_argument("--sets", default=",".join(SETS))
    ap.add_argument("--board", default="qemu-mps2-an386")
    ap.add_argument("--no-qemu", action="store_true", help="arenas only")
    ap.add_argument("--big", help="folder written by benchmarks/big_models.py --write (arena only)")
    ap.add_argument("--json", help="also write the rows as JSON")
    args = ap.parse_args()
    paths = [p for s in args.sets.split(",") for p in sorted((Path(args.shared) / "models" / s).glob("*.ms"))]
    if not paths:
        print(f"no models under {args.shared}/models/{{{args.sets}}}", file=sys.stderr)
        return 1
    rows = []
    for p in paths:
        print(f"{p.parent.name}/{p.name} ...", file=sys.stderr)
        rows.append(measure(p, args.board, not args.no_qemu))
    big = [measure(p, args.board, False) for p in sorted(Path(args.big).glob("*.ms"))] if args.big else []
    for line in table(rows, not args.no_qemu):
        print(line)
    if big:
        print()
        for line in table(big, False):
            print(line)
    if args.json:
        Path(args.json).write_text(json.dumps(rows + big, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
