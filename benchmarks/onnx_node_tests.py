"""ONNX backend node tests through the ONNX importer and the reference interpreter.

    .venv/bin/python benchmarks/onnx_node_tests.py [--only SUBSTR ...] [--json] [--write-md docs/onnx_node_tests.md]

The ``onnx`` wheel ships the node test *cases* (model + inputs + expected outputs, computed by
ONNX's own numpy implementations); this runs every *supported* case (below): the model is
serialized, imported with :func:`micro_codegen.importers.load_bytes`, run by the numpy reference
interpreter on data set 0 and compared with the expected outputs the way ONNX's backend test
runner does -- ``|got - expected| <= atol + rtol * |expected|`` with the case's tolerances
(rtol 1e-3, atol 1e-7), same shapes, and integers / bools exactly.

Two preparations, both what a user can do with stock tools before converting:

* opset: a model outside the importer's opset range is moved into it with
  ``onnx.version_converter`` (the node tests are generated at the *newest* version of each
  operator, often opset 22..28, where the operator only gained element types), or, where the
  converter has no adapter, re-stamped when every operator has the same inputs, outputs and
  attributes at the target opset;
* inputs 1.. as initializers: when the test as shipped fails (weights, shapes, axes fed as
  graph inputs, which the importer needs constant), it is run again with inputs 1.. frozen into
  initializers holding the test's values (a real model carries them as initializers).

A case is *supported* when every operator type has a converter (the importer's registry) and
every element type of the graph's inputs, outputs and initializers has an IR dtype (no bfloat16,
float8, int4, string...; int64 and double count: the importer narrows them to int32 / float32).
A supported case whose import or run raises (an attribute refusal, an empty tensor, say) counts
as a failure.

Prints one row per operator type (cases using it, passing), the total ``P of N supported tests
pass (x %)``, how many passing cases also pass :func:`micro_codegen.check.check_graph` (a C kernel
for every node), every failure with its reason and every passing case the check refuses;
``--json`` prints the same as JSON, ``--write-md`` as Markdown (docs/onnx_node_tests.md is the
committed copy).
"""
from __future__ import annotations

import argparse
import json
from collections import Counter
import sys
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

PASS, FAIL, UNSUPPORTED = "pass", "fail", "unsupported"
FROZEN = "inputs 1.. as initializers"


@dataclass
class Row:
    name: str
    ops: tuple[str, ...]          # operator types of the model's nodes, sorted
    status: str                   # PASS, FAIL or UNSUPPORTED (an op type or element type the IR lacks)
    reason: str = ""              # why it fails / which op types or element types are missing
    notes: tuple[str, ...] = ()   # preparations applied (opset move, frozen inputs)
    c_check: str = ""             # a passing case: the first node micro_codegen.check refuses ("" none)


def collect(only: list[str] | None = None):
    """The node test cases of the installed ``onnx`` (names containing one of ``only``)."""
    from onnx.backend.test.case import node
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        cases = node.collect_testcases(None)
    cases = [c for c in cases if c.model is not None and c.data_sets]
    if only:
        cases = [c for c in cases if any(s in c.name for s in only)]
    return sorted(cases, key=lambda c: c.name)


def supported_ops() -> frozenset[str]:
    """The ONNX op types the importer has a converter for."""
    from micro_codegen.importers.from_onnx import supported_ops as ops
    return ops()


def opset_range() -> range:
    from micro_codegen.importers.from_onnx.model import OPSETS
    return OPSETS


def op_types(model) -> tuple[str, ...]:
    """Sorted operator types of the graph's nodes (a custom domain is named ``domain:Op``)."""
    return tuple(sorted({n.op_type if n.domain in ("", "ai.onnx") else f"{n.domain}:{n.op_type}"
                         for n in model.graph.node}))


def _why(e: BaseException) -> str:
    return (f"{type(e).__name__}: " + ((str(e).strip().splitlines() or [""])[0]))[:300]


def _same_signature(op: str, v_from: int, v_to: int) -> bool:
    """Whether ONNX operator ``op`` has the same inputs, outputs and attributes at opsets
    ``v_from`` and ``v_to`` (a newer version that only admits more element types)."""
    from onnx import defs
    try:
        a, b = (defs.get_schema(op, max_inclusive_version=v) for v in (v_from, v_to))
    except Exception:  # noqa: BLE001 - no such operator at that opset
        return False
    sig = lambda s: ([(i.name, i.option) for i in s.inputs], [(o.name, o.option) for o in s.outputs],  # noqa: E731
                     sorted(s.attributes))
    return sig(a) == sig(b)


def move_opset(model, opsets: range):
    """``(model, note)``: ``model`` with its ai.onnx opset inside ``opsets``: by the ONNX version
    converter, else re-stamped when every operator has the same inputs, outputs and attributes
    at the target opset (the newer version only admits more element types)."""
    import onnx
    from onnx import version_converter
    v = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    if v is None or v in opsets:
        return model, None
    target = opsets.stop - 1 if v >= opsets.stop else opsets.start
    try:
        moved = version_converter.convert_version(model, target)
        onnx.checker.check_model(moved)
        return moved, f"opset {v} -> {target}"
    except Exception as e:  # noqa: BLE001 - try the re-stamp, else report
        why = _why(e)
    if not all(_same_signature(n.op_type, v, target) for n in model.graph.node):
        raise RuntimeError(f"opset {v} is outside {opsets.start}..{opsets.stop - 1}, the ONNX version converter "
                           f"cannot move it to {target} ({why}) and an operator's inputs or attributes differ "
                           f"there")
    moved = onnx.ModelProto()
    moved.CopyFrom(model)
    for o in moved.opset_import:
        if o.domain in ("", "ai.onnx"):
            o.version = target
    return moved, f"opset {v} -> {target} (re-stamped)"


def freeze_inputs(model, inputs):
    """``model`` with graph inputs 1.. replaced by initializers holding ``inputs[1:]``."""
    import onnx
    from onnx import numpy_helper
    m = onnx.ModelProto()
    m.CopyFrom(model)
    keep = m.graph.input[:1]
    for vi, arr in zip(m.graph.input[1:], inputs[1:]):
        m.graph.initializer.append(numpy_helper.from_array(np.asarray(arr), vi.name))
    del m.graph.input[:]
    m.graph.input.extend(keep)
    return m


def compare(got, want, rtol: float, atol: float) -> str | None:
    """None if ``got`` matches ``want`` (ONNX runner rules), else the reason."""
    if len(got) != len(want):
        return f"{len(got)} outputs, expected {len(want)}"
    for k, (o, e) in enumerate(zip(got, want)):
        o, e = np.asarray(o), np.asarray(e)
        if o.shape != e.shape:
            return f"output {k}: shape {list(o.shape)}, expected {list(e.shape)}"
        if e.dtype.kind in "fc":
            if o.dtype.kind not in "fc":
                return f"output {k}: dtype {o.dtype}, expected {e.dtype}"
            with np.errstate(all="ignore"):
                od, ed = o.astype(np.float64), e.astype(np.float64)
                ok = np.isclose(od, ed, rtol=rtol, atol=atol, equal_nan=True)
                if not ok.all():
                    worst = np.nan_to_num(np.abs(od - ed)[~ok], nan=np.inf).max()    # NaN against a number: inf
                    return f"output {k}: {int((~ok).sum())} of {ok.size} values differ, max |diff| {worst:g}"
        else:
            if o.dtype.kind in "fc":
                return f"output {k}: dtype {o.dtype}, expected {e.dtype}"
            bad = o.astype(np.int64) != e.astype(np.int64)
            if bad.any():
                return f"output {k}: {int(bad.sum())} of {bad.size} values differ (exact)"
    return None


def run_model(model, inputs, outputs, rtol: float, atol: float):
    """Import ``model``, run it on ``inputs``: ``(None, graph)`` if it reproduces ``outputs``, else
    ``(reason, graph)``."""
    from micro_codegen import reference
    from micro_codegen.importers import load_bytes
    g = load_bytes(model.SerializeToString(), "<node test>")
    by_name = dict(zip([vi.name for vi in model.graph.input], inputs))
    feed = []
    for ti in g.inputs:
        name = g.tensors[ti].name
        if name not in by_name:
            return f"the imported graph has an input '{name}' the test does not feed", g
        feed.append(by_name[name])
    with np.errstate(all="ignore"):
        got = reference.run(g, feed)
    return compare(got, outputs, rtol, atol), g


def c_check(g) -> str:
    """The first problem :func:`micro_codegen.check.check_graph` finds (a node without C kernel), or ""."""
    from micro_codegen.check import check_graph
    problems = check_graph(g)
    return str(problems[0])[:300] if problems else ""


def foreign_types(model) -> list[str]:
    """Names of the element types of the graph's inputs, outputs and initializers that the IR has
    no dtype for (bfloat16, float8, int4, string, ...; int64 / double are narrowed, so they count)."""
    from onnx import TensorProto
    from micro_codegen.importers.from_onnx.context import ONNX_DTYPES
    g = model.graph
    types = {vi.type.tensor_type.elem_type for vi in list(g.input) + list(g.output)}
    types |= {t.data_type for t in g.initializer}
    return sorted(TensorProto.DataType.Name(t) for t in types - set(ONNX_DTYPES))


def _array(x) -> np.ndarray:
    """A test value as numpy (some cases store TensorProtos)."""
    from onnx import TensorProto, numpy_helper
    return numpy_helper.to_array(x) if isinstance(x, TensorProto) else np.asarray(x)


def run_case(case, supported: frozenset[str], opsets: range) -> Row:
    """One node test case: UNSUPPORTED by op type or element type, else PASS or FAIL with the reason."""
    ops = op_types(case.model)
    missing = [o for o in ops if o not in supported]
    if missing:
        return Row(case.name, ops, UNSUPPORTED, "op types " + ", ".join(missing))
    foreign = foreign_types(case.model)
    if foreign:
        return Row(case.name, ops, UNSUPPORTED, "element types " + ", ".join(foreign))
    inputs, outputs = ([_array(a) for a in arrays] for arrays in case.data_sets[0])
    notes: list[str] = []
    try:
        model, note = move_opset(case.model, opsets)
    except RuntimeError as e:
        return Row(case.name, ops, FAIL, str(e))
    notes += [note] if note else []
    try:
        why, g = run_model(model, inputs, outputs, case.rtol, case.atol)
    except Exception as e:  # noqa: BLE001 - a benchmark reports every failure as a row
        why = _why(e)
    if why is not None and len(model.graph.input) > 1:
        try:
            frozen_why, g = run_model(freeze_inputs(model, inputs), inputs[:1], outputs, case.rtol, case.atol)
        except Exception as e:  # noqa: BLE001
            frozen_why = _why(e)
        if frozen_why is None:
            return Row(case.name, ops, PASS, "", tuple(notes + [FROZEN]), c_check(g))
        why = f"{why} (with {FROZEN}: {frozen_why})" if frozen_why != why else why
    if why is None:
        return Row(case.name, ops, PASS, "", tuple(notes), c_check(g))
    return Row(case.name, ops, FAIL, why, tuple(notes))


def run_all(cases, supported: frozenset[str] | None = None, opsets: range | None = None) -> list[Row]:
    supported = supported_ops() if supported is None else supported
    opsets = opset_range() if opsets is None else opsets
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return [run_case(c, supported, opsets) for c in cases]


def summary(rows: list[Row]) -> dict:
    """Totals and the per-op-type table (a case counts once under each op type it uses)."""
    tested = [r for r in rows if r.status != UNSUPPORTED]
    passed = sum(r.status == PASS for r in tested)
    per_op: dict[str, list[int]] = {}
    for r in tested:
        for op in r.ops:
            c = per_op.setdefault(op, [0, 0])
            c[0] += 1
            c[1] += r.status == PASS
    why_not = Counter(" ".join(r.reason.split()[:2]) for r in rows if r.status == UNSUPPORTED)
    return {"cases": len(rows), "supported": len(tested), "passed": passed,
            "unsupported": dict(sorted(why_not.items())),        # "op types" / "element types"
            "percent": round(100.0 * passed / len(tested), 1) if tested else 0.0,
            "frozen": sum(FROZEN in r.notes for r in tested if r.status == PASS),
            "c_ok": sum(r.status == PASS and not r.c_check for r in tested),
            "opset_moved": sum(any(n.startswith("opset") for n in r.notes) for r in tested),
            "per_op": {op: {"tests": c[0], "passed": c[1]} for op, c in sorted(per_op.items())}}


def _not_supported(s: dict) -> str:
    return ", ".join(f"{n} by {k}" for k, n in s["unsupported"].items()) or "none"


def headline(s: dict) -> str:
    return f"{s['passed']} of {s['supported']} supported tests pass ({s['percent']} %)"


def c_line(s: dict) -> str:
    return (f"{s['c_ok']} of the {s['passed']} passing tests have a C kernel for every node "
            f"(micro_codegen.check)")


def text_report(rows: list[Row], s: dict) -> str:
    lines = [f"{'op type':<24} {'tests':>5} {'pass':>5}"]
    lines += [f"{op:<24} {c['tests']:>5} {c['passed']:>5}" for op, c in s["per_op"].items()]
    lines += ["", f"{s['cases']} node test cases; {s['supported']} supported ({s['opset_moved']} moved to a "
                  f"supported opset, {s['frozen']} pass with {FROZEN}); not supported: {_not_supported(s)}",
              headline(s), c_line(s)]
    fails = [r for r in rows if r.status == FAIL]
    if fails:
        lines += ["", "failures:"] + [f"  {r.name}: {r.reason}" for r in fails]
    no_c = [r for r in rows if r.status == PASS and r.c_check]
    if no_c:
        lines += ["", "passing, but a node has no C kernel:"] + [f"  {r.name}: {r.c_check}" for r in no_c]
    return "\n".join(lines)


def markdown(rows: list[Row], s: dict) -> str:
    esc = lambda t: t.replace("|", "\\|")  # noqa: E731
    lines = ["# ONNX backend node tests",
             "",
             "Written by `benchmarks/onnx_node_tests.py --write-md docs/onnx_node_tests.md` (do not edit by hand; "
             "the module docstring says how the cases are run and compared).",
             "",
             f"**{headline(s)}.** {s['cases']} node test cases in the installed `onnx`; {s['supported']} are "
             f"supported ({s['opset_moved']} of them moved to a supported opset by the ONNX version converter or "
             f"re-stamped; {s['frozen']} pass with {FROZEN}); not supported: {_not_supported(s)}. {c_line(s)}.",
             "",
             "| op type | tests | pass |",
             "|---|---:|---:|"]
    lines += [f"| {op} | {c['tests']} | {c['passed']} |" for op, c in s["per_op"].items()]
    fails = [r for r in rows if r.status == FAIL]
    lines += ["", f"## Failures ({len(fails)})", ""]
    lines += [f"- `{r.name}` ({', '.join(r.ops)}): {esc(r.reason)}" for r in fails] or ["none"]
    no_c = [r for r in rows if r.status == PASS and r.c_check]
    lines += ["", f"## Passing, but a node has no C kernel ({len(no_c)})", ""]
    lines += [f"- `{r.name}`: {esc(r.c_check)}" for r in no_c] or ["none"]
    return "\n".join(lines) + "\n"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", nargs="*", help="run the cases whose name contains one of these")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--write-md", type=Path, help="write the results as Markdown")
    a = ap.parse_args()
    rows = run_all(collect(a.only))
    s = summary(rows)
    if a.json:
        print(json.dumps({**s, "rows": [asdict(r) for r in rows if r.status != UNSUPPORTED]}, indent=1))
    else:
        print(text_report(rows, s))
    if a.write_md:
        a.write_md.write_text(markdown(rows, s))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
