"""CASES.npz files: inputs and expected outputs of test cases, and output tolerances.

Layout (that of ``../shared/models/*/*.ms.npz``): ``input_k`` / ``output_k`` for a
model with one input / output tensor, ``input_k_t`` / ``output_k_t`` (t = tensor
position in the model's input / output order) otherwise; k = 0, 1, ... Other arrays
(``ms_output_*``, ``case_info``, ...) are ignored.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .atomic import replace_file
from .errors import CasesFileError
from .ir import Graph

_KEY = re.compile(r"^(input|output)_(\d+)(?:_(\d+))?$")

#: default fp32 tolerance |got - expected| <= ATOL + RTOL * |expected|
ATOL = 1e-5
RTOL = 1e-5


@dataclass
class Case:
    index: int
    inputs: list[np.ndarray]
    expected: list[np.ndarray] | None  # None when the file has no outputs for this case


def _arrays(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k] for k in z.files if _KEY.match(k)}
    except FileNotFoundError:
        raise CasesFileError(f"{path}: no such file") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as e:
        raise CasesFileError(f"{path}: not a readable .npz file: {e}") from None


def load_cases(path: str | Path, graph: Graph, bound=()) -> list[Case]:
    """Read the cases of ``path`` for ``graph``, checking element counts and dtypes.

    ``bound``: inputs of the model file given at generation time (``compiled.BoundInput``;
    ``graph`` no longer has them). The file still holds them in the file's input order: each
    must equal the bound value, and is then dropped."""
    path = Path(path)
    arrays = _arrays(path)
    groups: dict[tuple[str, int], dict[int, np.ndarray]] = {}
    for key, arr in arrays.items():
        kind, k, t = _KEY.match(key).groups()
        groups.setdefault((kind, int(k)), {})[int(t) if t is not None else -1] = arr
    for (kind, k), by_pos in groups.items():
        if kind == "input" and bound:
            groups[(kind, k)] = _drop_bound(path, k, by_pos, bound)
    indices = sorted(k for kind, k in groups if kind == "input")
    if not indices:
        raise CasesFileError(f"{path}: no input_k arrays")
    cases = []
    for k in indices:
        ins = _ordered(path, f"input_{k}", groups[("input", k)], graph, graph.inputs)
        outs = None
        if ("output", k) in groups:
            outs = _ordered(path, f"output_{k}", groups[("output", k)], graph, graph.outputs)
        cases.append(Case(k, ins, outs))
    return cases


def _drop_bound(path: Path, k: int, by_pos: dict[int, np.ndarray], bound) -> dict[int, np.ndarray]:
    for b in bound:
        arr = by_pos.get(b.position)
        if arr is None:
            raise CasesFileError(f"{path}: case {k} has no 'input_{k}_{b.position}' (input '{b.name}', bound at "
                                 f"generation time)")
        if arr.size != b.values.size or not np.array_equal(arr.reshape(-1), b.values.reshape(-1)):
            raise CasesFileError(f"{path}: case {k}: input '{b.name}' is {arr.reshape(-1).tolist()}, but the "
                                 f"project was generated with {b.name} = {b.values.reshape(-1).tolist()} "
                                 f"(generate again with --bind)")
    dropped = {b.position for b in bound}
    rest = [by_pos[p] for p in sorted(by_pos) if p not in dropped]
    return {t: a for t, a in enumerate(rest)}


def bound_values(path: str | Path, graph: Graph, positions) -> dict[str, np.ndarray]:
    """The values the inputs at ``positions`` (of ``graph.inputs``) have in every case of the
    file (they set shapes, so static code needs one value: cases that differ are refused)."""
    cases = load_cases(path, graph)
    out = {}
    for pos in positions:
        name = graph.tensors[graph.inputs[pos]].name
        first = cases[0].inputs[pos]
        for c in cases[1:]:
            if not np.array_equal(c.inputs[pos], first):
                raise CasesFileError(f"{path}: input '{name}' sets output shapes and differs between case "
                                     f"{cases[0].index} and case {c.index}; validate one value at a time "
                                     f"(--bind {name}=VALUES with a cases file of that value)")
        out[name] = first
    return out


def _ordered(path: Path, stem: str, by_pos: dict[int, np.ndarray], graph: Graph, tensor_ids) -> list[np.ndarray]:
    n = len(tensor_ids)
    if n == 1 and -1 in by_pos:
        by_pos = {0: by_pos[-1]}
    if set(by_pos) != set(range(n)):
        want = f"'{stem}'" if n == 1 else f"'{stem}_0'..'{stem}_{n - 1}'"
        raise CasesFileError(f"{path}: model has {n} {stem.split('_')[0]} tensor(s); expected {want}, "
                             f"found positions {sorted(by_pos)}")
    out = []
    for pos in range(n):
        t = graph.tensors[tensor_ids[pos]]
        arr = by_pos[pos]
        key = stem if n == 1 else f"{stem}_{pos}"
        if not t.shape and arr.size != 1:   # shape [] in a converted model means "not known"
            out.append(arr.astype(t.dtype.np) if arr.dtype != t.dtype.np else arr)
            continue
        if arr.size != t.size:
            raise CasesFileError(f"{path}: '{key}' has {arr.size} elements {list(arr.shape)}; tensor "
                                 f"'{t.name}' is {t.describe()}")
        if arr.dtype != t.dtype.np:
            if not np.can_cast(arr.dtype, t.dtype.np, casting="same_kind"):
                raise CasesFileError(f"{path}: '{key}' is {arr.dtype}; tensor '{t.name}' is {t.dtype.short}")
            arr = arr.astype(t.dtype.np)
        out.append(arr.reshape(t.shape))
    return out


def save_outputs(path: str | Path, results: list[tuple[int, list[np.ndarray]]]) -> None:
    """Write ``output_k`` (or ``output_k_t``) arrays for each (case index, outputs)."""
    arrays = {}
    for k, outs in results:
        if len(outs) == 1:
            arrays[f"output_{k}"] = outs[0]
        else:
            for t, o in enumerate(outs):
                arrays[f"output_{k}_{t}"] = o
    path = str(path) if str(path).endswith(".npz") else f"{path}.npz"      # as np.savez names it
    replace_file(path, lambda f: np.savez(f, **arrays), CasesFileError)


@dataclass
class Comparison:
    passed: bool
    max_abs_diff: float
    mismatches: int
    worst: list[tuple[int, float, float]]  # (flat index, expected, got) of the worst mismatches


def compare(got: np.ndarray, expected: np.ndarray, atol: float = ATOL, rtol: float = RTOL) -> Comparison:
    """Integer and bool outputs must be equal; float outputs within ``atol + rtol*|expected|``."""
    g = np.asarray(got).reshape(-1)
    e = np.asarray(expected).reshape(-1)
    if g.size != e.size:
        return Comparison(False, float("inf"), max(g.size, e.size), [])
    if np.issubdtype(e.dtype, np.floating):
        gd, ed = g.astype(np.float64), e.astype(np.float64)
        diff = np.abs(gd - ed)
        bad = ~(diff <= atol + rtol * np.abs(ed))
        bad |= np.isnan(gd) != np.isnan(ed)
        diff = np.where(np.isnan(diff), np.where(np.isnan(gd) & np.isnan(ed), 0.0, np.inf), diff)
    else:
        gd, ed = g.astype(np.int64), e.astype(np.int64)
        diff = np.abs(gd - ed).astype(np.float64)
        bad = diff != 0
    bad_at = np.flatnonzero(bad)
    order = bad_at[np.argsort(-diff[bad_at], kind="stable")[:5]]
    worst = [(int(i), float(ed[i]), float(gd[i])) for i in order]
    return Comparison(not bad.any(), float(diff.max()) if diff.size else 0.0, int(bad.sum()), worst)


def cases_beside(model: str | Path) -> Path | None:
    """The cases file beside a model (the layout of ../shared/models): ``MODEL.npz``, or for a
    ``.tflite``/``.onnx`` model the cases of its converted twin, ``<stem>.ms.npz``."""
    model = Path(model)
    for p in (Path(str(model) + ".npz"), model.with_suffix(".ms.npz")):
        if p.is_file():
            return p
    return None
