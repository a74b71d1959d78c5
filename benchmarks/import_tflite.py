"""TFLite import vs the official converter: the generated C and the validation of both.

    python3 benchmarks/import_tflite.py [--shared ../shared] [--board B] [--qemu] [--models M,...]
                                        [--no-validate] [--json OUT.json]

For every ``.tflite`` of ``shared/models/mlperf_tiny`` and ``shared/models/seed_arch`` (each has
the official MindSpore Lite 2.0 ``.ms`` beside it):

1. the graphs: does the direct import equal the official ``.ms`` (``ir.Graph`` equality)?
2. the C projects: ``api.generate`` of the ``.tflite`` and of the ``.ms`` (same C name, board
   ``--board``, default qemu-mps2-an386) into two temporary folders; prints ``identical`` or
   the files that differ with a short diff summary (lines changed, the first changed pair).
   The projects name their source file and its sha256 (banners, the firmware's hello hash,
   ``manifest.json``), so the raw trees always differ there; the ``.ms`` project is therefore
   also generated with the ``.tflite``'s provenance (same graph, ``source``/``sha256`` of the
   ``.tflite``): ``identical`` in the "C w/o provenance" column means every other byte agrees;
3. validation of both on the host (and with ``--qemu`` on ``--board``) with the model's
   ``<model>.ms.npz`` cases, default tolerances (int8 bit-exact, fp32 1e-5 + 1e-5*|ref|).

Prints a Markdown table; exit 0 iff every graph is equal and every validation passes.
"""
from __future__ import annotations

import argparse
import dataclasses
import difflib
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from micro_codegen import api  # noqa: E402
from micro_codegen.errors import CodegenError  # noqa: E402

FOLDERS = ("mlperf_tiny", "seed_arch")


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def diff_summary(a: bytes, b: bytes) -> str:
    """``N lines differ; first: '<tflite line>' vs '<ms line>'``."""
    la = a.decode("utf-8", errors="replace").splitlines()
    lb = b.decode("utf-8", errors="replace").splitlines()
    changed = [(x, y) for x, y in zip(la, lb) if x != y]
    n = sum(1 for tag in difflib.ndiff(la, lb) if tag[:1] in "+-")
    if not changed:
        return f"{n} lines differ (length {len(la)} vs {len(lb)})"
    x, y = changed[0]
    return f"{n} lines differ; first: {x.strip()[:90]!r} vs {y.strip()[:90]!r}"


def compare_c(tfl: Path, ms, board: str) -> list[str]:
    """Files that differ between the projects generated from ``tfl`` and from ``ms`` (a path or
    a Graph), with a summary each."""
    with tempfile.TemporaryDirectory(prefix="import_tflite-") as tmp:
        a, b = Path(tmp) / "tflite", Path(tmp) / "ms"
        api.generate(tfl, board=board, out_dir=a, name=tfl.stem)
        api.generate(ms, board=board, out_dir=b, name=tfl.stem)
        ta, tb = tree(a), tree(b)
    out = []
    for rel in sorted(set(ta) | set(tb)):
        if rel not in ta or rel not in tb:
            out.append(f"{rel}: only in the {'tflite' if rel in ta else 'ms'} project")
        elif ta[rel] != tb[rel]:
            out.append(f"{rel}: {diff_summary(ta[rel], tb[rel])}")
    return out


def validate(model: Path, cases: Path, board: str) -> str:
    try:
        r = api.validate(model, board=board, cases_path=cases)
    except CodegenError as e:
        return f"ERROR {type(e).__name__}: {e}"
    rep = r.report
    worst = max((c.max_abs_diff for c in rep.cases if c.max_abs_diff is not None), default=0.0)
    verdict = "PASS" if rep.failed == 0 and rep.passed == len(rep.cases) else "FAIL"
    return f"{verdict} {rep.passed}/{len(rep.cases)} max|diff| {worst:.3g}"


def run_one(tfl: Path, board: str, boards: list[str]) -> dict:
    ms = tfl.with_suffix(".ms")
    cases = Path(str(ms) + ".npz")
    start = time.monotonic()
    imported = api.load(tfl)
    row = {"model": tfl.stem, "graph_equal": imported == api.load(ms)}
    same_provenance = dataclasses.replace(api.load(ms), source=imported.source, sha256=imported.sha256)
    try:
        row["c_diff"] = compare_c(tfl, ms, board)
        row["c_diff_no_provenance"] = compare_c(tfl, same_provenance, board)
    except CodegenError as e:
        row["c_diff"] = row["c_diff_no_provenance"] = [f"generate failed: {type(e).__name__}: {e}"]
    row["validation"] = {b: {"tflite": validate(tfl, cases, b), "ms": validate(ms, cases, b)} for b in boards}
    row["seconds"] = time.monotonic() - start
    return row


def table(rows: list[dict], boards: list[str]) -> str:
    head = "| model | graph == official | generated C (raw) | C w/o provenance | " + " | ".join(
        f"{b} .tflite | {b} .ms" for b in boards) + " |"
    out = [head, "|" + "---|" * (4 + 2 * len(boards))]
    for r in rows:
        raw, norm = (("identical" if not r[k] else f"{len(r[k])} file(s) differ")
                     for k in ("c_diff", "c_diff_no_provenance"))
        vals = " | ".join(f"{r['validation'][b]['tflite']} | {r['validation'][b]['ms']}" for b in boards)
        out.append(f"| {r['model']} | {'yes' if r['graph_equal'] else 'NO'} | {raw} | {norm} |"
                   + (f" {vals} |" if boards else ""))
    for r in rows:
        if r["c_diff"]:
            out.append(f"{r['model']} raw: " + ", ".join(line.split(":")[0] for line in r["c_diff"])
                       + f" (first: {r['c_diff'][0]})")
        for line in r["c_diff_no_provenance"]:
            out.append(f"{r['model']} w/o provenance: {line}")
    return "\n".join(out)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--shared", type=Path, default=Path(__file__).resolve().parents[2] / "shared")
    ap.add_argument("--board", default="qemu-mps2-an386", help="board of the generated projects and of --qemu")
    ap.add_argument("--qemu", action="store_true", help="also validate on --board (QEMU)")
    ap.add_argument("--no-validate", action="store_true", help="compare graphs and generated C only")
    ap.add_argument("--models", help="comma-separated model stems (default: every .tflite of the two folders)")
    ap.add_argument("--json", type=Path, help="also write the rows as JSON")
    args = ap.parse_args()
    paths = [p for f in FOLDERS for p in sorted((args.shared / "models" / f).glob("*.tflite"))]
    if args.models:
        wanted = set(args.models.split(","))
        paths = [p for p in paths if p.stem in wanted]
    if not paths:
        print(f"no .tflite models found under {args.shared / 'models'}", file=sys.stderr)
        return 1
    boards = [] if args.no_validate else ["host"] + ([args.board] if args.qemu else [])
    rows = []
    for p in paths:
        rows.append(run_one(p, args.board, boards))
        print(f"  {p.stem:32s} {rows[-1]['seconds']:6.1f} s", file=sys.stderr, flush=True)
    print(table(rows, boards))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    ok = all(r["graph_equal"] and not r["c_diff_no_provenance"]
             and all(v.startswith("PASS") for b in r["validation"].values() for v in b.values()) for r in rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
