"""Op-zoo pass counts: how many of ``../shared/models/onnx_ops`` pass ``infer`` (reference
interpreter) and ``validate --board host`` (generated C, built with gcc, run over the protocol).

    .venv/bin/python benchmarks/opzoo.py [--jobs 2] [--only NAME ...] [--write docs/opzoo.md]

An entry passes when every output matches its target (tests/onnx_zoo.py: ONNX's expected
values, or the official runtime's where the ``.ms`` encodes other semantics) within the
default tolerance (fp32 1e-5 + 1e-5 |exp|, integers exact). Prints the two counts, then one
line per entry that fails either step with the reason; ``--write`` also writes that table as
Markdown (docs/opzoo.md is the committed copy).
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from onnx_zoo import ENTRIES, REJECT, XFAIL, ZOO, load, target  # noqa: E402

from micro_codegen import api, reference  # noqa: E402
from micro_codegen.cases import compare  # noqa: E402


def _why(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0][:300]


def _mismatch(got, want) -> str | None:
    if len(got) != len(want):
        return f"{len(got)} outputs, target has {len(want)}"
    for k, (o, w) in enumerate(zip(got, want)):
        if o.shape != w.shape:
            return f"output {k}: shape {list(o.shape)}, target {list(w.shape)}"
        c = compare(o, w)
        if not c.passed:
            return f"output {k}: {c.mismatches} mismatches, max |diff| {c.max_abs_diff:g}"
    return None


def one(name: str) -> tuple[str, str | None, str | None]:
    """(name, infer failure or None, host failure or None)."""
    try:
        g, ins, exp, ms = load(name)
    except Exception as e:  # noqa: BLE001 — a benchmark reports every failure as a row
        return name, f"load: {_why(e)}", "not run"
    dynamic = [f"'{t.name}' is {t.describe()}" for t in (g.tensors[i] for i in g.inputs) if any(d < 0 for d in t.shape)]
    if dynamic:
        why = (f"dynamic input shape ({', '.join(dynamic)}; the test feeds "
               f"{', '.join('x'.join(map(str, a.shape)) or 'scalar' for a in ins)}): static shapes only")
        return name, why, why
    want, _ = target(name, exp, ms)
    if want is None:
        return name, "no target outputs in the .npz", "not run"
    try:
        inf = _mismatch(reference.run(g, ins), want)
    except Exception as e:  # noqa: BLE001
        inf = _why(e)
    with tempfile.TemporaryDirectory(prefix="opzoo-") as tmp:
        cases = Path(tmp) / "cases.npz"
        arrs = {f"input_0_{t}": a for t, a in enumerate(ins)}
        arrs.update({f"output_0_{t}": np.asarray(a).astype(g.tensors[g.outputs[t]].dtype.np)
                     for t, a in enumerate(want)})
        np.savez(cases, **arrs)
        try:
            r = api.validate(ZOO / f"test_{name}.ms", "host", cases_path=cases, out_dir=Path(tmp) / "p")
            host = None
            if r.report.failed:
                worst = max(x.max_abs_diff for c in r.report.cases for x in c.comparisons or [])
                host = f"C output differs from the target: max |diff| {worst:g}"
        except Exception as e:  # noqa: BLE001
            host = _why(e)
    return name, inf, host


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--only", nargs="*", help="entry names (without test_ / .ms)")
    ap.add_argument("--write", type=Path, help="write the failure table as Markdown")
    a = ap.parse_args()
    if not ZOO.is_dir():
        print(f"opzoo: {ZOO} not found (../shared beside the repo)", file=sys.stderr)
        return 1
    names = a.only or ENTRIES
    with ProcessPoolExecutor(a.jobs) as pool:
        rows = sorted(pool.map(one, names, chunksize=4))
    n_inf = sum(r[1] is None for r in rows)
    n_host = sum(r[2] is None for r in rows)
    print(f"infer: {n_inf} of {len(rows)} pass")
    print(f"validate --board host: {n_host} of {len(rows)} pass")
    failing = [r for r in rows if r[1] or r[2]]
    for name, inf, host in failing:
        print(f"  {name}: infer: {inf or 'ok'} | host: {host or 'ok'}")
    if a.write:
        known = {**XFAIL, **{k: v[1] for k, v in REJECT.items()}}
        lines = ["# ONNX op zoo: entries that still fail",
                 "",
                 "Written by `benchmarks/opzoo.py --write docs/opzoo.md` (do not edit by hand).",
                 f"`infer`: **{n_inf} of {len(rows)}** pass; `validate --board host`: **{n_host} of {len(rows)}** pass.",
                 "",
                 "| entry | infer | host | why |",
                 "|---|---|---|---|"]
        for name, inf, host in failing:
            why = known.get(name, host or inf).replace("|", "\\|")
            lines.append(f"| `{name}` | {'ok' if inf is None else 'fails'} | {'ok' if host is None else 'fails'} | {why} |")
        a.write.write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
